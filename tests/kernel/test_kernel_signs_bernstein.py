"""Signs of rational functions of several parameters with finite ends: Bernstein coefficients on the box.

On a box, a polynomial is a convex combination of its Bernstein coefficients, so it lies between their least and
largest; where they disagree in sign the kernel halves the box (every side) and looks again, within
``MAX_BERNSTEIN_COEFFICIENTS``. Accepted instances (two-parameter facts of binary channels that interval arithmetic
cannot see: ``p + q - 2pq >= 0``, ``p(1-p)q(1-q) <= 1/16``), refused ones (false claims, a denominator that vanishes
on the box, infinite ends), and a property test against an oracle that shares nothing with the kernel: random
polynomials in two or three parameters on random rational boxes, evaluated exactly with fractions on a grid.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.kernel.signs import sign_of
from tests.support.cli import run

P, Q, R = sympy.symbols("p q r", real=True)


def _box(*ends, integer=()) -> Domains:
    """Domains of p, q (, r): closed ends as given (a triple ``(lo, hi, open)`` opens both ends)."""
    out = {}
    for x, e in zip((P, Q, R), ends):
        lo, hi, is_open = (*e, False) if len(e) == 2 else e
        out[x] = Domain(Rational(lo), Rational(hi), is_open, is_open, integer=x in integer)
    return Domains(out, set())


UNIT = (0, 1)


@pytest.mark.parametrize("expr, domains, sign", [
    (P + Q - 2 * P * Q, _box(UNIT, UNIT), "nonneg"),                          # BSC composition: 0 at (0,0), (1,1)
    (1 - P * Q - (1 - P) * (1 - Q), _box(UNIT, UNIT), "nonneg"),
    (Rational(1, 16) - P * (1 - P) * Q * (1 - Q), _box(UNIT, UNIT), "nonneg"),  # 0 at (1/2, 1/2)
    (Rational(1, 8) - P * (1 - P) * Q * (1 - Q), _box(UNIT, UNIT), "pos"),
    (P + Q - 2 * P * Q, _box((0, 1, True), (0, 1, True)), "nonneg"),          # read on the closed box: weak
    (2 - (P + Q) / (1 + P * Q), _box(UNIT, UNIT), "pos"),                     # a positive denominator
    (1 - (P + Q) / (1 + P * Q), _box(UNIT, UNIT), "nonneg"),                  # (1 - p)(1 - q)/(1 + pq)
    (5 * Q - P * Q, _box((1, 5), UNIT, integer=(P,)), "nonneg"),              # an integer domain: its real hull
    (P * Q * R - (P + Q + R) / 27 - 1, _box(UNIT, UNIT, UNIT), "neg"),
])
def test_two_and_three_parameter_facts_are_signed(expr, domains, sign):
    assert sign_of(expr, domains) == sign


@pytest.mark.parametrize("expr, domains", [
    (P * Q - Rational(1, 5), _box(UNIT, UNIT)),                 # false at (0, 0)
    (P + Q - 3 * P * Q, _box(UNIT, UNIT)),                      # -1 at (1, 1)
    (Rational(1, 2) - P * Q / (P + Q), _box(UNIT, UNIT)),       # undefined at (0, 0): no sign at all
    (P + Q - 2 * P * Q, Domains({P: Domain(S.Zero, S.Infinity, False, True), Q: Domain(S.Zero, S.One)}, set())),
    (P + Q - 2 * P * Q, Domains({P: Domain(S.Zero, S.One)}, set())),   # q has no domain
])
def test_no_sign_for_false_claims_undefined_ones_or_unbounded_boxes(expr, domains):
    assert sign_of(expr, domains) is None


def test_derive_prove_decides_two_parameter_claims(capsys):
    args = ["--param", "p = 0 <= p <= 1", "--param", "q = 0 <= q <= 1"]
    code, out, _ = run(["prove", "p*q + (1-p)*(1-q) <= 1", *args], capsys)
    assert code == 0 and out.startswith("proved for every value of p"), out
    code, out, _ = run(["prove", "p*(1-p)*q*(1-q) <= 1/20", *args], capsys)
    assert out.startswith("false"), out


# ---------------------------------------------------------------------------- property test

_COEFF = st.integers(-3, 3)
_END = st.integers(-4, 4).map(lambda k: Fraction(k, 2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 1)), _COEFF, min_size=1,
                       max_size=6),
       st.lists(st.tuples(_END, st.integers(1, 4)), min_size=3, max_size=3), st.integers(-4, 4))
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_a_proved_sign_holds_on_a_grid_of_exact_points(coeffs, ends, shift):
    """Whatever sign the kernel proves holds at every point of a 9 x 9 x 3 grid of the box, each value computed
    from the integer coefficients with fractions (no sympy, no intervals)."""
    box = [(lo, lo + Fraction(w, 2)) for lo, w in ends]
    expr = sum(c * P ** i * Q ** j * R ** k for (i, j, k), c in coeffs.items()) + Rational(shift, 4)
    domains = Domains({x: Domain(Rational(lo.numerator, lo.denominator), Rational(hi.numerator, hi.denominator),
                              False, False) for x, (lo, hi) in zip((P, Q, R), box)}, set())
    sign = sign_of(expr, domains)
    if sign is None:
        return
    grids = [[lo + (hi - lo) * Fraction(k, n) for k in range(n + 1)] for (lo, hi), n in zip(box, (8, 8, 2))]
    for x, y, z in itertools.product(*grids):
        v = sum(c * x ** i * y ** j * z ** k for (i, j, k), c in coeffs.items()) + Fraction(shift, 4)
        ok = {"pos": v > 0, "nonneg": v >= 0, "zero": v == 0, "nonpos": v <= 0, "neg": v < 0}[sign]
        assert ok, (expr, box, sign, (x, y, z), v)
