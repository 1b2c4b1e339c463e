"""``derive verify`` certifies violations smaller than its working precision (session 28's attack).

Through a BSC(p) with ``0 <= p <= 1e-300``, ``I(U; Y) >= (1 - 2p)^2 I(U; X) - 1e-300`` is false at p = 1e-300
(``I(U; Y) = 1 - h(p)`` for a uniform ``U = X``, and ``h(1e-300) ~ 1e-297`` bits): the slack, about -7.6e-298, is 0
to the 60 digits the verifier decides at, so the step came out ``tested`` on 200 models. Samples whose slack is 0 to
the working precision now go to interval arithmetic (at most ``MAX_NEAR_ZERO_CERTIFICATIONS``, 3, per step). Oracle:
the slack on the reported model at 1,000 digits with mpmath, from the model's joint table and the definitions
written here; and a true step that is tight on every model (the data-processing inequality with ``U = X``) stays
``tested``.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath

from support.cli import run

PROOF = """
[proof]
name = "tiny"
[parameters]
p = "0 <= p <= 1e-300"
[variables]
random = ["U", "X", "Y"]
[[hypothesis]]
id = "ch"
channel = "Y | X ~ BSC(p)"
[[hypothesis]]
id = "m"
markov = "U -> X -> Y"
[[step]]
id = "true_step"
claim = "I(U; Y) <= I(U; X)"
rule = "dpi"
uses = ["m"]
[[step]]
id = "t"
claim = "I(U; Y) >= (1 - 2*p)^2 * I(U; X) - 1e-300"
rule = "shannon"
uses = ["ch", "m"]
"""


def _entropy(cells: dict, keep: tuple) -> mpmath.mpf:
    marginal: dict = {}
    for idx, prob in cells.items():
        key = tuple(idx[k] for k in keep)
        marginal[key] = marginal.get(key, 0) + prob
    return -sum(q * mpmath.log(q, 2) for q in marginal.values() if q)


def test_a_violation_below_the_working_precision_is_certified(tmp_path, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(PROOF)
    code, out, _ = run(["verify", str(path), "--json"], capsys)
    res = json.loads(out)
    steps = {s["id"]: s for s in res["proofs"][0]["steps"]}
    assert code == 1 and steps["t"]["status"] == "failed" and steps["true_step"]["status"] == "tested", out
    cx = steps["t"]["counterexample"]
    assert steps["t"]["certified"] is True and float(cx["slack"]) < -1e-299, cx["slack"]
    joint, p = cx["joint"], Fraction(cx["params"]["p"])
    assert joint["names"] == ["U", "X", "Y"]
    with mpmath.workdps(1000):
        cells = {}
        for u in range(2):
            for x in range(2):
                for y in range(2):
                    f = Fraction(joint["table"][u][x][y])
                    cells[(u, x, y)] = mpmath.mpf(f.numerator) / f.denominator
        mi = lambda a, b: _entropy(cells, a) + _entropy(cells, b) - _entropy(cells, a + b)  # noqa: E731
        pm = mpmath.mpf(p.numerator) / p.denominator
        slack = mi((0,), (2,)) - (1 - 2 * pm) ** 2 * mi((0,), (1,)) + mpmath.mpf(10) ** -300
        assert slack < -mpmath.mpf(10) ** -299, slack
