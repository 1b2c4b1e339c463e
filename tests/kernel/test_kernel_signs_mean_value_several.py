"""The mean value step with several parameters (one moves, the others are held anywhere in their domains) and the
enclosure of a power with a symbolic exponent (``a^e`` on the side of 1 where ``a`` lies for ``e >= 0``, across it
for ``e <= 0``).

Accepted instances (Bernoulli's inequality and its relatives, used to turn accuracy into information), refused ones
(false claims, a minimum inside), and property tests against an oracle that shares none of the engine's reasoning:
the expression at a grid of points of the box (ends, far points on half-lines), by mpmath at 50 digits.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.kernel.signs import sign_of

X = sympy.Symbol("x", real=True)
N = sympy.Symbol("n", real=True)

UNIT = Domain(S.Zero, S.One, False, False)
HALF_LINE = Domain(S.Zero, S.Infinity, False, True)
SIZES = Domain(S.One, S.Infinity, False, True, integer=True)
TWO_ON = Domain(Rational(2), S.Infinity, False, True)


def _box(dx: Domain, dn: Domain) -> Domains:
    return Domains({X: dx, N: dn}, set())


@pytest.mark.parametrize("expr, box, sign", [
    ((1 - X) ** N - 1 + N * X, _box(UNIT, SIZES), "nonneg"),                # Bernoulli: (1 - x)^n >= 1 - n x
    (sympy.exp(-N * X) - (1 - X) ** N, _box(UNIT, SIZES), "nonneg"),        # (1 - x)^n <= exp(-n x)
    ((1 + X) ** N - 1 - N * X, _box(HALF_LINE, SIZES), "nonneg"),           # (1 + x)^n >= 1 + n x
    (sympy.exp(X * N) - 1 - X * N, _box(HALF_LINE, HALF_LINE), "nonneg"),  # e^(xy) >= 1 + xy
    (N * X - N * sympy.log(1 + X), _box(HALF_LINE, HALF_LINE), "nonneg"),  # n ln(1 + x) <= n x
    (1 - X ** N, _box(UNIT, HALF_LINE), "nonneg"),                           # x^n <= 1 on [0, 1], n >= 0
    (X ** (-N) - 1, _box(Domain(S.Zero, S.One, True, False), HALF_LINE), "nonneg"),  # x^-n >= 1 on (0, 1]
    ((1 + X) ** N - 1, _box(HALF_LINE, HALF_LINE), "nonneg"),                # (1 + x)^n >= 1
    ((2 + X) ** (-N), _box(HALF_LINE, HALF_LINE), "pos"),
])
def test_classic_facts_in_two_parameters_are_proved(expr, box, sign):
    assert sign_of(expr, box) == sign


@pytest.mark.parametrize("expr, box", [
    ((1 - X) ** N - 1 + N * X - X / 100, _box(UNIT, SIZES)),               # false at n = 1
    ((1 - X) ** N - 1 + N * X / 2, _box(UNIT, SIZES)),                     # false at n = 4, x = 1/2
    ((1 + X) ** N - 1 - N * X, _box(Domain(S(-2), S.Zero, False, False), SIZES)),  # false at n = 3, x = -2
    (sympy.exp(X * N) - 2, _box(HALF_LINE, HALF_LINE)),                     # changes sign
    (X ** N - S.Half, _box(UNIT, HALF_LINE)),                               # changes sign
    ((X - S.Half) ** 2 * N - N / 10, _box(UNIT, TWO_ON)),                   # the least value is inside
])
def test_no_sign_for_claims_false_or_beyond_the_step(expr, box):
    assert sign_of(expr, box) not in ("pos", "nonneg")


_BOXES = [_box(UNIT, SIZES), _box(UNIT, HALF_LINE), _box(HALF_LINE, HALF_LINE), _box(HALF_LINE, SIZES),
          _box(Domain(S.Zero, S.One, True, True), TWO_ON), _box(Domain(S(-1), S.One, False, False), UNIT),
          _box(Domain(Rational(1, 2), S(2), False, False), Domain(S(-2), S(2), False, False))]

_LEAVES = st.sampled_from([X, N, S.One, Rational(-1), Rational(1, 2), Rational(2), 1 - X, 1 + X])


def _extend(children):
    two = st.tuples(children, children)
    return st.one_of(two.map(lambda ab: ab[0] + ab[1]), two.map(lambda ab: ab[0] - ab[1]),
                     two.map(lambda ab: ab[0] * ab[1]), two.map(lambda ab: ab[0] ** ab[1]),
                     children.map(sympy.exp), children.map(sympy.log), children.map(lambda e: -e))


def _grid(d: Domain) -> list:
    lo = d.lo if d.lo.is_finite else d.hi - 20
    hi = d.hi if d.hi.is_finite else lo + 20
    pts = [lo + (hi - lo) * Rational(k, 11) for k in range(12)] + [lo + (hi - lo) / 10 ** 6, hi - (hi - lo) / 10 ** 6]
    pts += [hi + 10 ** k for k in (2, 4) if d.hi.is_infinite]
    if d.integer:
        pts = sorted({sympy.ceiling(p) for p in pts}) + [S(1), S(2), S(3), S(50)]
    return [p for p in pts if d.contains(p)]


def _holds_on_the_grid(expr, box: Domains) -> None:
    sign = sign_of(expr, box)
    if sign is None:
        return
    f = sympy.lambdify((X, N), expr, "mpmath")
    tol = mpmath.mpf(10) ** -35
    with mpmath.workdps(50):
        for x in _grid(box[X]):
            for n in _grid(box[N]):
                try:
                    v = f(mpmath.mpf(x.p) / x.q, mpmath.mpf(n.p) / n.q)
                except (ValueError, ZeroDivisionError, OverflowError):
                    continue
                if isinstance(v, mpmath.mpc) or not mpmath.isfinite(v):
                    continue
                ok = {"pos": v > -tol, "nonneg": v > -tol, "zero": abs(v) < tol, "neg": v < tol,
                      "nonpos": v < tol}[sign]
                assert ok, (expr, sign, x, n, v)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.recursive(_LEAVES, _extend, max_leaves=5), st.sampled_from(range(len(_BOXES))))
def test_a_proved_sign_in_two_parameters_holds_at_every_grid_point(expr, k):
    assume(expr.free_symbols and sympy.count_ops(expr) < 40 and not _tower(expr))
    _holds_on_the_grid(expr, _BOXES[k])


def _tower(expr) -> bool:
    """A power or exp whose exponent holds a power or exp (``(n + 1)^(n^n)`` at n = 50: the oracle cannot evaluate
    it in reasonable time)."""
    return any(isinstance(a, (sympy.Pow, sympy.exp)) and (a.args[-1] if isinstance(a, sympy.Pow) else a.args[0]).has(
        sympy.Pow, sympy.exp) for a in sympy.preorder_traversal(expr))


@pytest.mark.parametrize("c", [Rational(1, 2), Rational(9, 10), S.One, Rational(11, 10), S(2)])
def test_a_family_on_both_sides_of_its_threshold(c):
    """``(1 - x)^n >= 1 - c n x`` holds for every n, x exactly when ``c >= 1``: proved for those, never below."""
    s = sign_of((1 - X) ** N - 1 + c * N * X, _box(UNIT, SIZES))
    assert (s in ("pos", "nonneg")) == (c >= 1) or (s is None and c >= 1)
    _holds_on_the_grid((1 - X) ** N - 1 + c * N * X, _box(UNIT, SIZES))


_SMALL = st.sampled_from([Rational(-2), S(-1), Rational(-1, 2), S.Zero, Rational(1, 2), S.One, Rational(3, 2), S(2)])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SMALL, _SMALL, _SMALL, _SMALL, _SMALL, st.sampled_from([S(-1), S.One]),
       st.sampled_from(range(4)))
def test_bernoulli_like_claims_hold_where_proved(a, b, c, d, e, s, k):
    """``a (1 + s x)^n + b n x + c + d exp(e n x)``: the shapes the mean value step in several parameters is for,
    with constants on both sides of where they hold; every sign proved is checked on the grid."""
    box = [_box(UNIT, SIZES), _box(UNIT, HALF_LINE), _box(Domain(S.Zero, S.Half, False, False), TWO_ON),
           _box(HALF_LINE, SIZES)][k]
    assume(s == 1 or box[X].hi <= 1)  # 1 - x >= 0, so the power is real
    _holds_on_the_grid(a * (1 + s * X) ** N + b * N * X + c + d * sympy.exp(e * N * X), box)


@pytest.mark.parametrize("expr, box, sign", [
    (X ** N - X ** (N + 1), _box(UNIT, SIZES), "nonneg"),                   # x^n falls in n on [0, 1]
    ((1 - X) ** N - (1 - X) ** (N + 1), _box(UNIT, SIZES), "nonneg"),
    (X - X ** N, _box(UNIT, SIZES), "nonneg"),
    (X ** N - X ** (N - 1), _box(UNIT, SIZES), "nonpos"),                   # 0^1 - 0^0 = -1 at x = 0, n = 1
    (3 * X ** N - 3 * X ** (N + 2), _box(UNIT, SIZES), "nonneg"),
    (X ** N - X ** (N + 1), _box(Domain(S.One, S(3), False, False), SIZES), "nonpos"),   # rises on [1, oo)
    (sympy.exp(N) - sympy.exp(2 * N), _box(UNIT, HALF_LINE), "nonpos"),
])
def test_two_powers_of_one_base_compare_by_their_exponents(expr, box, sign):
    assert sign_of(expr, box) in ((sign, "neg") if sign == "nonpos" else (sign, "pos"))


@pytest.mark.parametrize("expr, box", [
    (X ** N - X ** (N + 1), _box(Domain(S.Zero, S(2), False, False), SIZES)),   # the base crosses 1
    (X ** (N - 2) - X ** N, _box(UNIT, SIZES)),                                 # 0^(-1) at n = 1: not >= 0
    ((X - 2) ** N - (X - 2) ** (N + 1), _box(UNIT, SIZES)),                     # a negative base
    (X ** N - 2 * X ** (N + 1), _box(UNIT, SIZES)),                             # different coefficients
])
def test_no_comparison_of_powers_outside_its_conditions(expr, box):
    s = sign_of(expr, box)
    if s is not None:
        _holds_on_the_grid(expr, box)  # another step may still decide it; then it must be right


_EXPONENTS = st.sampled_from([N, N + 1, N - 1, 2 * N, N / 2, S.Zero, S.One, X, X + N, 1 - X, N - 2])
_BASES = st.sampled_from([X, 1 - X, X / 2, 1 + X, 2 * X, X ** 2, sympy.exp(X), 1 + N, N])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BASES, _EXPONENTS, _EXPONENTS, st.sampled_from([S.One, S(3), Rational(1, 2)]), st.sampled_from(range(5)))
def test_a_proved_comparison_of_powers_holds_on_the_grid(b, a, c, k, j):
    box = [_box(UNIT, SIZES), _box(UNIT, HALF_LINE), _box(Domain(S.One, S(3), False, False), SIZES),
           _box(Domain(S.Zero, S(2), False, False), TWO_ON), _box(HALF_LINE, HALF_LINE)][j]
    expr = k * b ** a - k * b ** c
    assume(expr != 0 and not _tower(expr))
    try:
        _holds_on_the_grid(expr, box)
    except ZeroDivisionError:
        pass
