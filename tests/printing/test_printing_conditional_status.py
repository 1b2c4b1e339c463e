"""A result whose own inference the kernel accepted but which rests on an unproved step is shown `conditional`,
never `proved`, by every printer (check's text, the LaTeX report table, the graph)."""

from __future__ import annotations

import json

from derive.cli import main
from derive.printing import shown_status

# s1 is false (X -> Y -> Z does not make I(X; Z) zero) and not a dpi instance; s2 and the theorem rest on it
PROOF = """
[proof]
name = "rests on a false step"
[variables]
random = ["X", "Y", "Z"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
[[step]]
id = "s1"
claim = "I(X; Z) <= 0"
rule = "dpi"
uses = ["m"]
[[step]]
id = "s2"
claim = "2*I(X; Z) <= 0"
rule = "linear"
uses = ["s1"]
[theorem]
claim = "I(X; Z) <= 0"
from = ["s2"]
"""


def _file(tmp_path):
    path = tmp_path / "cond.toml"
    path.write_text(PROOF)
    return str(path)


def test_check_text_marks_steps_and_theorem_on_unproved_steps_conditional(tmp_path, capsys):
    assert main(["check", _file(tmp_path)]) == 1
    rows = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()
            if line.startswith("  ") and len(line.split()) > 2 and line.split()[0] in ("s1", "s2", "theorem")}
    assert rows == {"s1": "FAILED", "s2": "CONDITIONAL", "theorem": "CONDITIONAL"}


def test_latex_table_and_graph_never_show_them_proved(tmp_path, capsys):
    path = _file(tmp_path)
    tex = tmp_path / "cond.tex"
    main(["latex", path, "-o", str(tex)])
    table = [line for line in tex.read_text().splitlines() if r"\texttt{s2}" in line or r"\texttt{theorem}" in line]
    assert table and all(r"\deriveflag{conditional}" in line and "& proved &" not in line for line in table)
    capsys.readouterr()
    main(["graph", "--json", path])
    nodes = {n["id"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert nodes["s2"]["status"] == nodes["theorem"]["status"] == "conditional"


def test_a_result_on_proved_steps_keeps_its_status():
    class R:
        status, depends_on_unproved = "proved", ()

    assert shown_status(R()) == "proved"
    R.depends_on_unproved = ("s1",)
    assert shown_status(R()) == "conditional"
    R.status = "failed"
    assert shown_status(R()) == "failed"
