"""The numeric tester of ``real`` steps sees a violation smaller than its working precision (session 28's attack).

``derive prove "h(p) <= 1 - 1e-300" --param "p = 0 <= p <= 1/2 - 1e-200"`` said ``unknown`` ("numerically true at
200 sampled parameter values"): at p = 1/2 - 10^-200 the slack is -10^-300 + (2/ln 2) 10^-400 < 0, but at the tester's
30 digits both sides are 1. Points where the slack is 0 to the working precision are now handed to interval
arithmetic (arb, up to 2048 bits), which certifies the sign. Oracle: the slack at 1,000 digits with mpmath, from
the binary entropy's definition written here; and a true claim whose slack is exactly 0 on the domain is never
refuted.
"""

from __future__ import annotations

import json

import mpmath
import sympy

from derive.core.quantities import h
from derive.io.grammar import parse_domain
from derive.numeric.real import test_real_statement as real_tester
from support.cli import run


def _slack_at_the_end() -> mpmath.mpf:
    with mpmath.workdps(1000):
        p = mpmath.mpf(1) / 2 - mpmath.mpf(10) ** -200
        hp = -(p * mpmath.log(p, 2) + (1 - p) * mpmath.log(1 - p, 2))
        return 1 - mpmath.mpf(10) ** -300 - hp


def test_a_violation_below_the_working_precision_is_certified(capsys):
    assert _slack_at_the_end() < 0
    code, out, _ = run(["prove", "h(p) <= 1 - 1e-300", "--param", "p = 0 <= p <= 1/2 - 1e-200", "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false", out
    at = sympy.Rational(res["counterexample"]["at"]["p"])
    with mpmath.workdps(1000):
        pv = mpmath.mpf(at.p) / at.q
        hp = -(pv * mpmath.log(pv, 2) + (1 - pv) * mpmath.log(1 - pv, 2))
        assert 1 - mpmath.mpf(10) ** -300 - hp < 0


def test_an_exact_tie_is_never_refuted():
    p, q = sympy.Symbol("p"), sympy.Symbol("q")
    slack = h(p) - h(1 - p) + sympy.log(p * q) - sympy.log(p) - sympy.log(q)
    assert real_tester(slack, {p: parse_domain("0 < p < 1"), q: parse_domain("0 < q < 1")}) is None
