"""Red team: `derive prove` rewrote family members into plain names a user can also write.

The finite prover reads ``X[1..3]`` as ``X_1, X_2, X_3`` and a block ``X[1..n]`` as ``X_block``, by rewriting the
claim's text. A claim that also used a variable *named* ``X_block`` (or ``X_1``) had it captured:
``H(X[1..n]) == H(X_block)`` was "proved: H(X_block) == H(X_block)", exit 0, and ``H(X[1]) == H(X_1)`` too. Both are
false: ``X_block`` is a variable of its own, so X[1..n] uniform bits and ``X_block`` constant give 1 != 0 (``derive
check`` on a proof file, and the Python API, which declare the family, already said so).

Oracle, independent of the names the prover picks: renaming a user variable to a name nobody else uses cannot change
a verdict (metamorphic test), and the explicit model above.
"""

from __future__ import annotations

import json

import pytest

from support.cli import run

CAPTURING = ["X_block", "X_1", "X_2", "X_1_2", "X_block_2"]


@pytest.mark.parametrize("claim", ["H(X[1..n]) == H(X_block)", "H(X[1..n]) <= H(X_block)",
                                   "H(X[1]) == H(X_1)", "H(X[1..2]) == H(X_1, X_2)", "I(X[1..2]; X_1) == H(X_1)"])
def test_a_user_variable_is_never_a_family_member(claim, capsys):
    code, out, _ = run(["prove", claim, "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false", out
    ce = res["counterexample"]
    assert ce["certified"] is True
    assert ce["lhs"] != ce["rhs"]


def test_the_renamed_member_is_explained(capsys):
    code, out, _ = run(["prove", "H(X[1]) >= H(X_1)"], capsys)
    assert code == 1 and out.startswith("false:")
    assert "note: X[1] is written X_1_2 (X_1 is another variable of the claim)" in out
    code, out, _ = run(["prove", "H(X[1..n], X_block) >= H(X[1..n])"], capsys)
    assert code == 0 and out.startswith("proved:")
    assert "note: X[1..n] is read as one random variable X_block_2, so the verdict holds for every size" in out


TEMPLATES = [
    "H(X[1..2]) <= H(X[1]) + H(W)", "H(X[1..2], W) >= H(X[2])", "I(X[1..2]; W) <= H(X[1], X[2])",
    "H(X[1..n]) <= H(W)", "I(X[1..n]; W) <= H(W)", "H(X[1..n] | W) <= H(X[1..n])", "H(W | X[1]) <= H(X[1])",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_renaming_a_user_variable_keeps_the_verdict(template, capsys):
    """The verdict with ``W`` named ``Wfresh`` is the verdict with ``W`` named like a member the prover makes."""
    code, out, _ = run(["prove", template.replace("W", "Wfresh"), "--json"], capsys)
    expected = (code, json.loads(out)["status"])
    for name in CAPTURING:
        code, out, _ = run(["prove", template.replace("W", name), "--json"], capsys)
        assert (code, json.loads(out)["status"]) == expected, (template, name)
