"""docs/notebook.ipynb runs headless (nbclient) and shows the kernel's verdicts."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebook.ipynb"


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        out.append(data.get("text/plain", "") + data.get("text/html", "") + data.get("text/latex", "") + o.get("text", ""))
    return "\n".join(out)


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_notebook_runs_and_shows_verdicts(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    texts = [_text(c) for c in code]
    by_source = {c.source: t for c, t in zip(code, texts)}
    assert "not checked yet" in by_source[next(s for s in by_source if s.startswith("U, X, Y, Z"))]
    checked = by_source["result = check(first)\nresult"]
    assert "first — proved" in checked and "<table>" in checked and "Polyanskiy" in checked
    assert "[proved]" in by_source["first"] and "not checked yet" not in by_source["first"]
    wrong = next(t for s, t in by_source.items() if s.startswith("wrong ="))
    assert "wrong — failed" in wrong and "the inequality may be reversed" in wrong
    assert by_source['prove("H(X|Y) <= H(X)")'].startswith("proved: H(X | Y) <= H(X)")
    assert "16/25" in by_source['eta("bsc:0.1")']
    assert "'tested'" in by_source["report = verify(first, samples=20)\nreport.status"]
    assert "\\begin{proof}" in by_source["print(to_latex(result, fragment=True))"]
    # argument order as written (core stores the family block first: I(S[1..n]; M | theta))
    memo = next(t for s, t in by_source.items() if s.startswith("M, theta = variables"))
    assert "memorization — proved" in memo and "I(M; S[1..n] | theta) &gt;= I(M; S[1..n]) - I(M; theta)" in memo
    assert "I(S[1..n]; M" not in memo and r"I(M; S_{1:n} \mid \theta)" in memo
    assert by_source["I(M, S, given=theta)"].count(r"I(M; S_{1:n} \mid \theta)") == 1
    assert by_source["I(M, S, given=theta)"].startswith("I(M; S[1..n] | theta)")  # text/plain too
