"""LaTeX documents from the kernel's report: structure, justifications, and honest statuses."""

from __future__ import annotations

import contextlib
import copy
import io
import re
from functools import lru_cache
from pathlib import Path

import pytest

from support.forge import forged
from derive.checking import check_file
from derive.cli import main
from derive.printing.document import notebook_latex, proof_document, proof_fragment

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "bad_proofs"


try:  # one kernel check per proof file for the whole printing suite
    from test_printing_compile import _checked
except ImportError:  # pragma: no cover - another import mode
    @lru_cache(maxsize=None)
    def _checked(path: Path):
        return check_file(path)


def _doc(path: Path, **kw) -> str:
    c = _checked(path)
    return proof_document(c.proof, c.report, **kw)


def _run(argv, cwd=None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _tagged_lines(text: str) -> dict[int, str]:
    return {int(m.group(1)): line for line in text.splitlines() for m in [re.search(r"\\tag\{(\d+)\}", line)] if m}


def _table(text: str) -> dict[str, tuple[int | None, str]]:
    """Step id -> (line number, status cell) from the kernel report table."""
    out = {}
    for m in re.finditer(r"^(\((\d+)\)|Thm\.) & \\texttt\{([^}]*)\} & [^&]* & ([^&]*) &", text, re.M):
        out[m.group(3).replace("\\_", "_")] = (int(m.group(2)) if m.group(2) else None, m.group(4).strip())
    return out


def test_sdpi_chain_document():
    text = _doc(ROOT / "proofs" / "sdpi_chain.toml")
    assert text.startswith("\\documentclass")
    assert "\\usepackage{amsmath,amssymb,amsthm,xcolor,booktabs}" in text
    assert "\\begin{theorem}" in text and r"I(U; Z) \le \left(1 - 2 \delta\right)^{4}\, I(U; X)" in text
    assert r"$U \to X \to Y \to Z$ is a Markov chain" in text
    assert r"$P_{Y \mid X} = \mathrm{BSC}(\delta)$" in text
    assert "\\begin{lemma}[{Polyanskiy \\& Wu 2017" in text
    assert r"I(U; Z) &\le \left(1 - 2 \delta\right)^{2}\, I(U; Y) \tag{1}" in text
    assert "which is the claim.\n{\\small\\sloppy\\noindent (1)~SDPI, H1, H3; Lemma 1.\\quad (2)~SDPI, H1, H2; Lemma 1." in text
    assert "Assume (H1), (H2), (H3)." in text
    # proved everywhere: no status mark other than the macro's definition
    assert text.count("\\deriveflag{") == 0
    table = _table(text)
    assert table["s1"][1] == "assumed" and table["s2"][1] == "assumed" and table["theorem"][1] == "proved"


def test_chain_uses_a_nonnegative_coefficient_and_ends_at_the_claim():
    text = _doc(ROOT / "proofs" / "fkl25_framework.toml")
    assert r"I(M; S_{1:n} \mid \theta) &\ge" in text or r"I(S_{1:n}; M \mid \theta) &\ge" in text
    assert r"\frac{1 - \tau}{\rho}\, I(M; X)" in text
    assert "Lemma 1" in text and "Lemma 2" in text


def test_without_a_chain_the_combination_is_stated():
    text = _doc(ROOT / "proofs" / "fano_minimax.toml")
    assert "Combining (1) and Lemma 1 linearly" in text or "Combining" in text
    assert r"\log_2 k" in text and r"h(\mathit{pe})" in text


def test_fragment_is_only_the_proof():
    c = _checked(ROOT / "proofs" / "sdpi_chain.toml")
    text = proof_fragment(c.proof, c.report)
    assert "\\documentclass" not in text and "\\begin{theorem}" not in text
    assert text.count("\\begin{proof}") == 1 and text.rstrip().endswith("\\end{proof}")
    assert "\\providecommand{\\deriveflag}" in text


def test_expand_adds_certificates_term_by_term():
    path = ROOT / "proofs" / "memorization_identity.toml"
    plain, expanded = _doc(path), _doc(path, expand=True)
    assert "Certificate of" not in plain
    assert "Certificate of" in expanded
    assert r"${} = 0$ by H1" in expanded
    # the theorem is step (1) itself: its composition is not repeated
    assert "Composition of the theorem" not in expanded
    framework = _doc(ROOT / "proofs" / "fano_minimax.toml", expand=True)
    assert "Composition of the theorem" in framework and "(by Lemma 1)" in framework


@pytest.mark.parametrize("name", ["reversed_dpi", "sdpi_constant_too_small", "real_false", "shannon_false",
                                  "composition_claims_too_much", "markov_chain_misread"])
def test_every_unproved_step_is_marked_where_it_is_typeset(name):
    c = _checked(BAD / f"{name}.toml")
    assert c.report.status != "proved"
    text = proof_document(c.proof, c.report)
    assert r"\deriveflag{NOT PROVED}" in text
    table = _table(text)
    tagged = _tagged_lines(text)
    flagged = 0
    for r in c.report.steps:
        line_no, status = table[r.id]
        assert status.startswith("\\deriveflag") == (r.status in ("failed", "unchecked", "tested"))
        if r.status in ("failed", "unchecked", "tested"):
            assert "\\deriveflag{" in tagged[line_no], (r.id, tagged[line_no])
            flagged += 1
    if c.report.theorem is not None and c.report.theorem.status == "failed":
        assert table["theorem"][1].startswith("\\deriveflag")
        flagged += 1
    assert flagged >= 1


@pytest.mark.parametrize("status, mark", [("failed", "FAILED"), ("unchecked", "unchecked"),
                                          ("tested", "tested only, not proved")])
def test_statuses_come_from_the_report(status, mark):
    c = _checked(ROOT / "proofs" / "dpi_markov_chain.toml")
    report = forged(c.report, status, **{c.report.steps[0].id: {"status": status},
                                         c.report.steps[1].id: {"depends_on_unproved": ()}})
    text = proof_document(c.proof, report)
    table = _table(text)
    line = _tagged_lines(text)[table[report.steps[0].id][0]]
    assert f"\\deriveflag{{{mark}}}" in line
    assert "NOT PROVED" in text
    # the same proof with the kernel's own report has no mark
    assert "\\deriveflag{" not in proof_document(c.proof, c.report)


def test_a_step_resting_on_an_unproved_one_is_marked():
    c = _checked(ROOT / "proofs" / "fkl25_framework.toml")
    report = forged(c.report, "failed", identity={"status": "failed"}, mem_vs_info={"depends_on_unproved": ("identity",)})
    text = proof_document(c.proof, report)
    table = _table(text)
    assert "rests on unproved" in _tagged_lines(text)[table["mem_vs_info"][0]]


def test_title_notes_and_ids_are_escaped():
    c = _checked(ROOT / "proofs" / "fkl25_approximate.toml")
    text = proof_document(c.proof, c.report)
    body = text.split("\\begin{document}", 1)[1]
    assert "\\texttt{test\\_example}" in body
    assert re.search(r"(?<!\\)[#%](?![^\n]*\\)", body.replace("\\%", "").replace("\\#", "")) is None


def test_notebook_latex_with_report_shows_statuses():
    c = _checked(ROOT / "proofs" / "sdpi_chain.toml")
    text = notebook_latex(c.proof, c.report)
    assert "[assumed]" in text and "[proved]" in text and "not checked" not in text


# ---------------------------------------------------------------------------- the command

def test_cli_latex_to_stdout_and_file(tmp_path):
    path = str(ROOT / "proofs" / "dpi_markov_chain.toml")
    code, out, _ = _run(["latex", path])
    assert code == 0 and out.startswith("\\documentclass")
    target = tmp_path / "sub" / "p.tex"
    code, out, _ = _run(["latex", path, "-o", str(target), "--fragment"])
    assert code == 0 and "wrote" in out
    assert target.read_text().count("\\begin{proof}") == 1


def test_cli_latex_exit_1_for_an_unproved_proof_but_writes_it(tmp_path):
    target = tmp_path / "bad.tex"
    code, out, _ = _run(["latex", str(BAD / "reversed_dpi.toml"), "-o", str(target)])
    assert code == 1 and "failed" in out
    assert "\\deriveflag{FAILED}" in target.read_text()


def test_cli_latex_json(tmp_path):
    import json

    code, out, _ = _run(["latex", str(ROOT / "proofs" / "dpi_markov_chain.toml"), "--json",
                         "-o", str(tmp_path / "x.tex")])
    data = json.loads(out)
    assert code == 0 and data["status"] == "proved" and data["tex"].endswith("x.tex") and data["pdf"] is None


def test_cli_latex_bad_input_exits_2(tmp_path):
    code, _, err = _run(["latex", str(BAD / "cycle.toml")])
    assert code == 2 and "cycle" in err
    code, _, err = _run(["latex", str(ROOT / "proofs" / "dpi_markov_chain.toml"), "--fragment", "--pdf"])
    assert code == 2 and "--fragment" in err


def test_cli_latex_pdf_without_pdflatex_is_a_clear_error(tmp_path, monkeypatch):
    import derive.commands.latex as mod

    monkeypatch.setattr(mod.shutil, "which", lambda name: None)
    code, _, err = _run(["latex", str(ROOT / "proofs" / "dpi_markov_chain.toml"), "-o", str(tmp_path / "p.tex"),
                         "--pdf"])
    assert code == 2
    assert "pdflatex" in err and "texlive-latex-base" in err


@pytest.mark.parametrize("name, needle", [
    ("vacuous_awgn_chain.toml", "cannot hold together"),
])
def test_the_reports_warnings_are_in_the_document_and_the_fragment(name, needle):
    """A proof whose hypotheses cannot hold together is `proved` (everything follows from them): the exported LaTeX
    must say so where a reader meets the proof, not only in the terminal (it once said nothing)."""
    c = _checked(BAD / name)
    assert any(needle in w for w in c.report.warnings)
    doc = proof_document(c.proof, c.report, warnings=c.warnings)
    top = doc.index(r"\deriveflag{WARNING}")
    assert needle in doc[top:doc.index(r"\begin{proof}")] and top < doc.index(r"\begin{proof}")
    assert needle in doc[doc.index(r"\paragraph{Warnings.}"):]
    frag = proof_fragment(c.proof, c.report)
    assert needle in frag[:frag.index(r"\begin{proof}")] and r"\deriveflag{WARNING}" in frag


def test_a_proof_naming_variables_that_may_not_exist_says_so_in_latex(tmp_path):
    src = tmp_path / "r.toml"
    src.write_text('[proof]\nname = "r"\n[parameters]\nn = "integer >= 1"\nj = "integer >= 1"\n[variables]\n'
                   'random = ["M"]\nfamilies = { X = "1..n" }\n[[step]]\nid = "s"\nclaim = "I(M; X[1..j]) >= 0"\n'
                   'rule = "shannon"\n')
    c = check_file(src)
    assert c.report.status == "proved"
    for text in (proof_document(c.proof, c.report, warnings=c.warnings), proof_fragment(c.proof, c.report)):
        assert r"\deriveflag{WARNING} Step 's' names X[1..j], which may lie outside the declared range" in text


def test_the_setting_says_which_variables_are_continuous(tmp_path):
    """Red team (session 19): the exported setting called every variable "(discrete)", declared continuous ones too
    (and a Gaussian channel's input and output), so the theorem a reader saw was about other variables."""
    path = tmp_path / "c.toml"
    path.write_text('[proof]\nname = "c"\n[variables]\nrandom = ["U", "X", "Y"]\ncontinuous = ["X"]\n'
                    '[parameters]\ns = "s > 0"\n[[hypothesis]]\nid = "m"\nmarkov = "U -> X -> Y"\n'
                    '[[hypothesis]]\nid = "c"\nchannel = "Y | X ~ AWGN(s)"\n'
                    '[[step]]\nid = "d"\nclaim = "I(U; Y) <= I(U; X)"\nrule = "dpi"\nuses = ["m"]\n')
    text = _doc(path)
    assert "Random variables: $U$ (discrete); $X$, $Y$ (continuous: $H$ of them is a differential entropy" in text
