"""The kernel's one-line certificate names a hypothesis's k-th equality only by label (``given1[2]``); ``derive
check --verbose``, ``--json`` and ``derive prove`` now say what each such label states (session 29).

Oracle: the equalities are the hypothesis's own (``Hypothesis.equalities()``), printed here independently of the
legend; every numbered label in the message has exactly one legend line.
"""

from __future__ import annotations

import json
import re

from derive.core.notation import show
from derive.io.reader import read_proof_text
from support.cli import run

IID = """[proof]
name = "claim"

[parameters]
n = "integer >= 1"

[variables]
families = { X = "1..n" }

[[hypothesis]]
id = "given1"
iid = "X[1..n]"

[[step]]
id = "claim"
claim = "H(X[1..n]) <= n*H(X[1])"
rule = "shannon"
uses = ["given1"]
"""


def _numbered_labels(message: str) -> set[str]:
    return set(re.findall(r"\[(given1\[\d+\])\]", message))


def test_check_says_what_each_numbered_hypothesis_label_states(tmp_path, capsys):
    path = tmp_path / "iid.toml"
    path.write_text(IID)
    code, out, _ = run(["check", str(path), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert code == 0 and step["status"] == "proved"
    labels = _numbered_labels(step["message"])
    assert labels == {"given1[1]", "given1[2]"}
    equalities = read_proof_text(IID, file="x").hypotheses["given1"].equalities()
    expected = {f"given1[{k + 1}]: {show(e)} = 0" for k, e in enumerate(equalities)}
    assert set(step["where"]) == expected and len(step["where"]) == len(labels), (step["where"], expected)
    code, out, _ = run(["check", str(path), "--verbose"], capsys)
    for line in expected:
        assert f"        where {line}\n" in out, out


def test_prove_prints_the_legend_under_the_kernel_line(capsys):
    code, out, _ = run(["prove", "H(X[1..n]) <= n*H(X[1])", "--given", "iid: X[1..n]"], capsys)
    assert code == 0 and "\n    where given1[1]: sum(I(X[j]; X[1..j - 1]), j, 1, n) = 0\n" in out, out
    code, out, _ = run(["prove", "H(X[1..n]) <= n*H(X[1])", "--given", "iid: X[1..n]", "--json"], capsys)
    assert json.loads(out)["where"][1] == "given1[2]: sum(-H(X[1]) + H(X[j]), j, 1, n) = 0"


def test_no_legend_when_no_label_is_numbered(tmp_path, capsys):
    path = tmp_path / "one.toml"
    path.write_text('[proof]\nname = "one"\n\n[variables]\nrandom = ["X", "Y"]\n\n[[hypothesis]]\nid = "ind"\n'
                    'independent = "X _|_ Y"\n\n[[step]]\nid = "s"\nclaim = "I(X; Y) <= 0"\nrule = "shannon"\n'
                    'uses = ["ind"]\n')
    code, out, _ = run(["check", str(path), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert code == 0 and "where" not in step
