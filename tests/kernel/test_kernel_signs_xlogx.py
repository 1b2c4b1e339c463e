"""``x^m log(c x^k)`` at ``x = 0``: the sign engine's continuous extension ``XLogX``.

For its one parameter ``x >= 0``, the engine writes ``log(c·x^k)`` (``c > 0``) as ``log(c) + k·log(x)`` and each term
``a·x^m·log(x)`` (``m > 0``) as ``(a/m)·XLogX(x^m)``, ``XLogX(y) = y ln y`` with its limit 0 at 0: equal wherever the
expression is defined, and defined at 0, so the mean value step may start there (``p ln(1/p) <= sqrt(p)``) and
``XLogX``'s image (falling to ``-1/e`` at ``1/e``, then rising) bounds it on a piece (``ln n <= sqrt n``).

Accepted instances, refused ones (false near 0, a bare ``log(x)`` with no power to tame it, ``log(x)^2``, a domain
reaching below 0), and a property test against mpmath at 50 digits on points from 10^-30 to the upper end.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.kernel.signs import XLogX, _continuous_at_zero, sign_of
from support.cli import run

X = sympy.Symbol("x", real=True)


def _on(lo, hi, lo_open=True, hi_open=False) -> Domains:
    return Domains({X: Domain(sympy.sympify(lo), sympy.sympify(hi), lo_open, hi_open)}, set())


def test_the_rewrite_is_the_same_function_and_defined_at_zero():
    f = sympy.sqrt(X) - X * sympy.log(1 / X) + 3 * X ** 2 * sympy.log(5 * X ** 3)
    g = _continuous_at_zero(f, _on(0, 1))
    assert g.has(XLogX) and sympy.log(X) not in g.atoms(sympy.log)
    with mpmath.workdps(40):
        for x in ("1e-20", "0.3", "0.9"):
            gv = g.subs(X, sympy.Rational(x)).evalf(40)
            fv = f.subs(X, sympy.Rational(x)).evalf(40)
            assert abs(gv - fv) < 1e-30
    assert g.subs(X, 0) == 0
    assert _continuous_at_zero(f, _on(-1, 1)) == f   # x may be negative: nothing is rewritten
    assert _continuous_at_zero(sympy.log(X) + X, _on(0, 1)) == sympy.log(X) + X   # no power of x to tame log(x)


@pytest.mark.parametrize("expr, domain, signs", [
    (sympy.sqrt(X) - X * sympy.log(1 / X), _on(0, Rational(1, 16)), ("pos", "nonneg")),
    (sympy.sqrt(X) - X * sympy.log(1 / X), _on(Rational(1, 16), Rational(1, 2), lo_open=False), ("pos", "nonneg")),
    (1 - 8 * X * sympy.log(10 / X), _on(0, Rational(1, 100)), ("pos", "nonneg")),
    (XLogX(X) + Rational(3, 8), _on(0, 1, lo_open=False), ("pos",)),                    # the least value -1/e
    (XLogX(X) - Rational(14, 10), _on(Rational(1, 2), 2, lo_open=False), ("neg",)),           # 2 ln 2 < 1.4
])
def test_decided_near_zero(expr, domain, signs):
    assert sign_of(expr, domain) in signs


@pytest.mark.parametrize("expr, domain", [
    (sympy.sqrt(X) / 2 - X * sympy.log(1 / X), _on(0, 1)),                # false at x = e^-2
    (sympy.log(X) + 100, _on(0, 1)),                                     # false near 0: log(x) has no power
    (Rational(1, 10) - X * sympy.log(X) ** 2, _on(0, 1)),                # x log(x)^2 = 4/e^2 at e^-2
    (X * sympy.log(1 / X) - Rational(1, 1000), _on(0, 1)),               # false near 0 and at 1
    (XLogX(X) + Rational(36, 100), _on(0, 1, lo_open=False)),            # -1/e < -0.36
])
def test_false_near_zero_is_never_proved(expr, domain):
    assert sign_of(expr, domain) not in ("pos", "nonneg", "zero")


@pytest.mark.slow
def test_through_the_command_line(capsys):
    code, out, _ = run(["prove", "p*ln(1/p) <= sqrt(p)", "--param", "p=0<p<=1"], capsys)
    assert code == 0 and out.startswith("proved for every value of p")
    code, out, _ = run(["prove", "ln(n) <= sqrt(n)", "--param", "n=integer>=1"], capsys)
    assert code == 0 and out.startswith("proved for every value of n")
    code, out, _ = run(["prove", "p*ln(1/p) <= sqrt(p)/2", "--param", "p=0<p<=1"], capsys)
    assert code == 1 and out.startswith("false")


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([-2, -1, 1, 2]), st.sampled_from([Rational(1, 2), S.One, S(2)]),
       st.sampled_from([Rational(1, 3), S.One, S(4)]), st.sampled_from([-1, 1, 2]),
       st.sampled_from([S(0), Rational(1, 2), S.One, S(3)]), st.sampled_from([-2, -1, 0, 1, 2]),
       st.integers(min_value=-30, max_value=30), st.sampled_from([Rational(1, 4), S.One, S(3)]))
def test_a_proved_sign_holds_down_to_zero(a, m, c, k, r, b, const, hi):
    """``a·x^m·log(c·x^k) + b·x^r + const/20`` on ``(0, hi]``: a sign it proves holds at mpmath points from 10^-30
    to ``hi``."""
    expr = a * X ** m * sympy.log(c * X ** k) + b * X ** r + Rational(const, 20)
    sign = sign_of(expr, _on(0, hi))
    if sign is None:
        return
    f = sympy.lambdify(X, expr, "mpmath")
    with mpmath.workdps(50):
        points = [mpmath.mpf(10) ** -e for e in (30, 12, 6, 3)] + [mpmath.mpf(hi.p) / hi.q * j / 40 for j in range(1, 41)]
        for x in points:
            v = f(x)
            tol = mpmath.mpf(10) ** -40
            ok = {"pos": v > 0, "nonneg": v > -tol, "neg": v < 0, "nonpos": v < tol, "zero": abs(v) < tol}[sign]
            assert ok, (expr, hi, sign, x, v)


# ---------------------------------------------------------------------------- the least value -1/e, attained

@pytest.mark.parametrize("expr, domains", [
    (sympy.exp(-1) - X * sympy.log(1 / X), _on(0, 1)),                        # x ln(1/x) <= 1/e, tight at 1/e
    (X * sympy.log(X) + sympy.exp(-1), _on(0, sympy.oo, True, True)),
    (2 * sympy.exp(-1) - sympy.sqrt(X) * sympy.log(1 / X), _on(0, 1)),       # -2 XLogX(sqrt x) <= 2/e
    (X ** 2 * sympy.log(X) + sympy.exp(-1) / 2, _on(0, 1)),                  # XLogX(x^2)/2 >= -1/(2e)
])
def test_the_least_value_minus_one_over_e_is_reached_exactly(expr, domains):
    assert sign_of(expr, domains) in ("nonneg", "pos")


@pytest.mark.parametrize("expr, domains", [
    (sympy.exp(-1) - Rational(1, 10 ** 30) - X * sympy.log(1 / X), _on(0, 1)),   # false at 1/e by 10^-30
    (X * sympy.log(X) + Rational(36, 100), _on(0, 1)),                          # 0.36 < 1/e
    (2 * X * sympy.log(X) + sympy.exp(-1), _on(0, 1)),                          # 2 x ln x reaches -2/e
    (sympy.exp(-1) - X * sympy.log(1 / X) / sympy.log(2), _on(0, 1)),           # in bits the largest value is 1/(e ln 2)
])
def test_below_the_least_value_is_not_signed(expr, domains):
    assert sign_of(expr, domains) not in ("nonneg", "pos", "zero")


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([Rational(1, 2), S.One, Rational(2), Rational(3, 2)]),
       st.sampled_from([S.One, Rational(99, 100), Rational(101, 100), Rational(1, 2), Rational(2)]),
       st.sampled_from([1, 2, Rational(1, 2)]))
def test_a_sign_at_the_least_value_holds_at_the_knee(k, scale, m):
    """``c·k/e + k·x^m ln(x^m)`` on (0, 1]: ``x^m`` runs over (0, 1], so the least value is ``(c - 1)·k/e``, at
    ``x^m = 1/e``; proved ``>= 0`` exactly when ``c >= 1`` (the value at the knee, by mpmath at 50 digits, agrees)."""
    expr = scale * k * sympy.exp(-1) + k * X ** m * sympy.log(X ** m)
    proved = sign_of(expr, _on(0, 1)) in ("nonneg", "pos")
    with mpmath.workdps(50):
        knee = mpmath.e ** (-mpmath.mpf(1) / mpmath.mpf(sympy.Rational(m).p) * sympy.Rational(m).q)  # x^m = 1/e
        at_knee = sympy.lambdify(X, expr, "mpmath")(knee)
        assert (at_knee > -mpmath.mpf(10) ** -40) == (scale >= 1), (expr, at_knee)
    assert proved == (scale >= 1), (expr, proved)
