"""A claim false only on fine-tuned laws of its hypotheses: ``derive prove`` must not call it proved.

``I(Z; X) <= I(Z; Y | W) + I(W; X)`` under ``X -> Y -> Z`` and ``Y -> Z -> W`` holds on every Markov chain
``X -> Y -> Z -> W`` (the Bayesian network the refuter draws from the two chains), but not on the whole variety
``{I(X; Z | Y) = 0, I(Y; W | Z) = 0}``: ``W`` may depend on ``X`` given ``(Y, Z)`` as long as ``P(W | Y, Z)`` does
not depend on ``Y`` (one linear condition per ``(y, z)``). Session 26 found such a law by a numpy search over that
variety (``p(y, z) p(x | y) p(w | x, y, z)`` with ``Σ_x p(x | y) p(w = 1 | x, y, z) = r(z)``) and made it exact:
the table below. ``derive prove`` said ``not_shannon`` (its models did not fine-tune); since session 27 its stage
on the variety of the independences (:mod:`derive.provers.refute_variety`) calls it ``false`` with a law of its
own, which ``tests/provers/test_refute_variety.py`` judges with the same kind of oracles.

Oracles: exact rational arithmetic here (``fractions``) for the hypotheses, numpy entropies for the violation, and
``derive eval``'s certified verdict on the same table.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction as F

import numpy as np

from derive.api import prove
from support.cli import run

CLAIM = "I(Z; X) <= I(Z; Y | W) + I(W; X)"
GIVEN = ("X -> Y -> Z", "Y -> Z -> W")

P_YZ = [[F(1, 3), F(1, 6)], [F(1, 6), F(1, 3)]]          # p(y, z)
P_X0 = [F(0), F(3, 4)]                                   # p(x = 0 | y)
Q = {(0, 0, 0): F(0), (1, 0, 0): F(1, 4), (0, 0, 1): F(1, 2), (1, 0, 1): F(1),  # p(w = 1 | x, y, z)
     (0, 1, 0): F(0), (1, 1, 0): F(1), (0, 1, 1): F(1), (1, 1, 1): F(1)}


def _table() -> dict:
    p = {}
    for x, y, z in itertools.product(range(2), repeat=3):
        base = P_YZ[y][z] * (P_X0[y] if x == 0 else 1 - P_X0[y])
        p[x, y, z, 1], p[x, y, z, 0] = base * Q[x, y, z], base * (1 - Q[x, y, z])
    return p


def _marginal(p: dict, axes: tuple) -> dict:
    out: dict = {}
    for k, v in p.items():
        key = tuple(k[a] for a in axes)
        out[key] = out.get(key, F(0)) + v
    return out


def _conditionally_independent(p: dict, a: int, b: int, c: int) -> bool:
    """p(a, b, c) p(c) == p(a, c) p(b, c) for every value, exactly."""
    abc, ac, bc, cc = (_marginal(p, axes) for axes in ((a, b, c), (a, c), (b, c), (c,)))
    return all(abc.get((u, v, w), 0) * cc.get((w,), 0) == ac.get((u, w), 0) * bc.get((v, w), 0)
               for u, v, w in itertools.product(range(2), repeat=3))


def _entropy(p: dict, axes: tuple) -> float:
    m = _marginal(p, axes)
    return -sum(float(v) * np.log2(float(v)) for v in m.values() if v > 0)


def test_the_table_satisfies_both_chains_exactly_and_violates_the_claim():
    p = _table()
    assert sum(p.values()) == 1
    X, Y, Z, W = 0, 1, 2, 3
    assert _conditionally_independent(p, X, Z, Y) and _conditionally_independent(p, Y, W, Z)

    def mi(a, b, c=()):
        return _entropy(p, a + c) + _entropy(p, b + c) - _entropy(p, a + b + c) - (_entropy(p, c) if c else 0.0)
    slack = mi((Z,), (Y,), (W,)) + mi((W,), (X,)) - mi((Z,), (X,))
    assert slack < -0.012


def test_derive_eval_certifies_the_violation_on_the_table(tmp_path, capsys):
    p = _table()
    table = [[[[str(p[x, y, z, w]) for w in range(2)] for z in range(2)] for y in range(2)] for x in range(2)]
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"names": ["X", "Y", "Z", "W"], "table": table}))
    for quantity in ("I(X; Z | Y)", "I(Y; W | Z)"):
        code, out, _ = run(["eval", quantity, "--model-file", str(path)], capsys)
        assert code == 0 and "exactly 0" in out, out
    code, out, _ = run(["eval", CLAIM, "--model-file", str(path)], capsys)
    assert out.startswith("FALSE (certified"), out


def test_prove_calls_it_false():
    result = prove(CLAIM, *GIVEN)
    assert result.status == "false", result
