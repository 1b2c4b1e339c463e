"""The sign on a half-line through the substitution ``x = a - 1 + 1/t``.

``f`` on ``x >= a`` (integers: their real hull) has the sign of ``g(t) = f(a - 1 + 1/t)`` on ``0 < t <= 1``, and
``x <= b`` likewise with ``x = b + 1 - 1/t``; ``g`` written over one denominator, each rational argument in lowest
terms, may then be defined at ``t = 0`` (the limit at infinity) and the mean value step decides it there:
``n ln(1 + 1/n) <= 1`` and ``n ln(1 - 1/n) <= -1`` for integers ``n``.

Accepted instances, refused ones (false at a finite point, false only far out, false on the real hull but true at
the integers), and a property test against mpmath at 50 digits on points up to ``10^12``.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.kernel.signs import sign_of
from support.cli import run

X = sympy.Symbol("x", real=True)


def _from(lo, lo_open=False, integer=False) -> Domains:
    return Domains({X: Domain(sympy.sympify(lo), S.Infinity, lo_open, True, integer)}, set())


def _up_to(hi, hi_open=False) -> Domains:
    return Domains({X: Domain(S.NegativeInfinity, sympy.sympify(hi), True, hi_open)}, set())


@pytest.mark.parametrize("expr, domain, signs", [
    (X * sympy.log(1 + 1 / X) - 1, _from(1, integer=True), ("neg", "nonpos")),          # (1 + 1/n)^n < e
    (X * sympy.log(1 + 1 / X) - 1, _from(0, lo_open=True), ("neg", "nonpos")),
    (X * sympy.log(1 - 1 / X) + 1, _from(2, integer=True), ("neg", "nonpos")),          # (1 - 1/n)^n < 1/e
    (X * sympy.log(1 + 1 / X) - Rational(1, 2), _from(1, integer=True), ("pos", "nonneg")),
    (sympy.exp(X) - 1 - X, _up_to(0), ("pos", "nonneg")),                                # x <= b side
])
def test_half_lines_are_decided(expr, domain, signs):
    assert sign_of(expr, domain) in signs


@pytest.mark.slow
@pytest.mark.parametrize("expr, domain", [
    (1 - 1 / (2 * X) - X * sympy.log(1 + 1 / X), _from(1, integer=True)),   # false for every n: -1/(3n^2) + ...
    (X * sympy.log(1 + 1 / X) - Rational(999, 1000), _from(1)),               # false far out (the limit is 1)
    ((X - 1) * (X - 2), _from(1, integer=True)),                               # true at the integers only
    (sympy.exp(X) - 1 - X / 2, _up_to(0)),                                     # false at -1
])
def test_false_on_the_half_line_is_never_proved(expr, domain):
    assert sign_of(expr, domain) not in ("pos", "nonneg", "zero")


def test_through_the_command_line(capsys):
    code, out, _ = run(["prove", "n*ln(1-1/n) <= -1", "--param", "n=integer>=2"], capsys)
    assert code == 0 and out.startswith("proved for every value of n")
    code, out, _ = run(["prove", "n*ln(1+1/n) >= 1", "--param", "n=integer>=1"], capsys)
    assert code == 1 and out.startswith("false")


_SHAPES = [  # f(x, c), each with a finite limit at infinity
    lambda x, c: x * sympy.log(1 + c / x),
    lambda x, c: x * (sympy.exp(c / x) - 1),
    lambda x, c: x ** 2 * sympy.log(1 + c / x ** 2),
    lambda x, c: (x + c) / (x + 1),
    lambda x, c: x * sympy.log(1 + c / x) - c * x / (x + 1),
]


def _value(expr, x) -> mpmath.mpf:
    return sympy.lambdify(X, expr, "mpmath")(x)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(_SHAPES))), st.sampled_from([S.One, Rational(1, 2), S(2)]),
       st.sampled_from([S.One, S(2), S(3)]), st.sampled_from([-1, 1]),
       st.integers(min_value=-40, max_value=40), st.booleans())
def test_a_proved_sign_holds_out_to_infinity(shape, c, lo, side, offset, integer):
    """``side·(f - k)`` with ``k`` near ``f``'s range (``offset`` hundredths around the limit ``c``): a sign it proves
    holds at mpmath points from the end out to 10^12 (integers only where the domain is of integers)."""
    expr = side * (_SHAPES[shape](X, c) - c - Rational(offset, 100))
    sign = sign_of(expr, _from(lo, integer=integer))
    if sign is None:
        return
    with mpmath.workdps(50):
        points = [mpmath.mpf(int(lo)) + k for k in range(0, 30)] + [mpmath.mpf(10) ** e for e in range(2, 13)]
        if not integer:
            points += [mpmath.mpf(int(lo)) + mpmath.mpf(k) / 7 for k in range(1, 30)]
        for x in points:
            v = _value(expr, x)
            ok = {"pos": v > 0, "nonneg": v >= -mpmath.mpf(10) ** -40, "neg": v < 0,
                  "nonpos": v <= mpmath.mpf(10) ** -40, "zero": abs(v) < mpmath.mpf(10) ** -40}[sign]
            assert ok, (expr, lo, integer, sign, x, v)
