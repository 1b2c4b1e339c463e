"""``derive verify`` refutes steps over families at parameter values, on models of every hypothesis (session 29).

``tests/bad_proofs/bbfst21_singletons_without_ids.toml`` applies superadditivity given P where the samples are
independent only given (P, ids), ids a function of the sample: false (X[1] = X[2] = ids = M, s = 2), and the kernel
refuses it, but ``derive verify`` called the step ``tested`` on 200 models: the drawn models never realize "X
mutually independent given (P, ids) with ids = f(X)" non-trivially, and the exact search was skipped for claims with
parameters, for the ``superadditivity`` rule, and for a mutual independence over a family range. It now runs at the
simplest parameter values (the family written out member by member).

Also: the exact search kept only the hypotheses the step *uses* while the message said "a model satisfying every
hypothesis". It now keeps every hypothesis first (as the drawn models do); when it must drop one the step does not use,
the reason names it.

Oracle: the counterexample's joint table evaluated here from the definitions, with exact fractions; the hypotheses
checked on the same table.
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from derive.core.hypotheses import MutuallyIndependent
from derive.core.variables import FamilyMember, FamilyRange, RVSet
from derive.errors import InvalidArgument
from support.cli import run

BAD = Path(__file__).resolve().parents[1] / "bad_proofs"


def _joint(cex: dict) -> dict[tuple, Fraction]:
    names = cex["joint"]["names"]
    table = cex["joint"]["table"]
    out = {}
    for idx in itertools.product(*(range(k) for k in cex["joint"]["alphabet_sizes"])):
        cell = table
        for i in idx:
            cell = cell[i]
        if Fraction(cell):
            out[idx] = Fraction(cell)
    return names, out


def _entropy(names, joint, subset) -> float:
    pos = [names.index(v) for v in subset]
    marg: dict = {}
    for idx, p in joint.items():
        key = tuple(idx[k] for k in pos)
        marg[key] = marg.get(key, 0) + p
    return -sum(float(p) * math.log2(p) for p in marg.values() if p)


def _mi(names, joint, a, b, c=()) -> float:
    h = lambda s: _entropy(names, joint, sorted(set(s)))  # noqa: E731
    return h([*a, *c]) + h([*b, *c]) - h([*a, *b, *c]) - h(c)


def test_superadditivity_without_the_ids_is_refuted_at_s_2(capsys):
    code, out, _ = run(["verify", str(BAD / "bbfst21_singletons_without_ids.toml"), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert code == 1 and step["status"] == "failed", step
    assert step["reason"].startswith("false at s = 2, r = 0 on a model satisfying every hypothesis"), step["reason"]
    cex = step["counterexample"]
    assert step["certified"] and cex["params"] == {"s": "2", "r": "0"}
    names, joint = _joint(cex)
    assert sum(joint.values()) == 1
    # the hypotheses, on the table: ids = f(X[1], X[2]) and X[1] _|_ X[2] | P, ids
    assert abs(_entropy(names, joint, ["X[1]", "X[2]", "ids"]) - _entropy(names, joint, ["X[1]", "X[2]"])) < 1e-12
    assert abs(_mi(names, joint, ["X[1]"], ["X[2]"], ["P", "ids"])) < 1e-12
    # the claim at s = 2: I(M; X[1], X[2] | P) >= I(M; X[1] | P) + I(M; X[2] | P) is violated
    lhs = _mi(names, joint, ["M"], ["X[1]", "X[2]"], ["P"])
    rhs = _mi(names, joint, ["M"], ["X[1]"], ["P"]) + _mi(names, joint, ["M"], ["X[2]"], ["P"])
    assert lhs < rhs - 0.5, (lhs, rhs)


def test_the_same_step_with_the_ids_conditioned_is_not_refuted(tmp_path, capsys):
    """The true form (conditioning on ids too, as proofs/bbfst21_singletons.toml does) is never refuted."""
    text = (BAD / "bbfst21_singletons_without_ids.toml").read_text()
    body = text[text.index("[proof]"):].replace("I(M; X[1..s] | P) >= sum(I(M; X[i] | P), i, 1, s)",
                                                "I(M; X[1..s] | P, ids) >= sum(I(M; X[i] | P, ids), i, 1, s)")
    path = tmp_path / "with_ids.toml"
    path.write_text(body)
    code, out, _ = run(["verify", str(path), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert step["status"] == "tested" and step["counterexample"] is None, step


def test_a_refutation_that_drops_an_unused_hypothesis_says_so(tmp_path, capsys):
    path = tmp_path / "unused.toml"
    path.write_text('[proof]\nname = "unused"\n\n[variables]\nrandom = ["X", "Y"]\n\n[[hypothesis]]\nid = "ind"\n'
                    'independent = "X _|_ Y"\n\n[[step]]\nid = "s"\nclaim = "I(X; Y) <= 0"\nrule = "shannon"\n'
                    'uses = []\n')
    code, out, _ = run(["verify", str(path), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert step["status"] == "failed"
    assert "every hypothesis" not in step["reason"]
    assert step["reason"].startswith("false on a model satisfying the hypotheses the step uses (none) but not ind, "
                                     "which it does not use"), step["reason"]
    assert "the random models missed it" not in step["reason"]


def test_mutual_independence_over_a_range_written_out_at_values():
    import sympy

    n = sympy.Symbol("n", integer=True, positive=True)
    (fam,) = FamilyRange.make("X", sympy.Integer(1), n)
    h = MutuallyIndependent((), RVSet(), fam)
    three = h.instance({n: 3})
    assert three.family_range is None
    assert three.members == tuple(RVSet(FamilyMember("X", sympy.Integer(k))) for k in (1, 2, 3))
    assert h.instance({n: 0}).members == ()
    with pytest.raises(InvalidArgument, match="no known length"):
        h.instance()
