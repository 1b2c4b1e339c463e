"""Constants made of logarithms of rationals: exact zeros sympy cannot see (``log(6) - log(2) - log(3)``).

The kernel writes each ``log(q)`` over the primes of ``q`` (exact for ``q > 0``); the oracle here is mpmath at 80
digits (logs of distinct primes are linearly independent over the rationals, so a combination that is not
identically zero is far from 0 at that precision for these small coefficients).
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from derive.kernel.signs import sign_of

L = sympy.log


@pytest.mark.parametrize("expr", [
    L(6) - L(2) - L(3),
    (L(6) - L(2) - L(3)) / L(2),            # in bits
    L(sympy.Rational(3, 2)) + L(2) - L(3),
    2 * L(6) - L(4) - L(9),
    L(sympy.Rational(10, 21)) - L(10) + L(3) + L(7),
])
def test_exact_zeros_are_zero(expr):
    assert sign_of(expr, {}) == "zero"


@pytest.mark.parametrize("expr, sign", [
    (L(6) - L(2) - L(3) + sympy.Rational(1, 10**30), "pos"),
    (L(6) - L(2) - L(3) - sympy.Rational(1, 10**30), "neg"),
    (L(7) - L(2) - L(3), "pos"),
    (L(5) - L(6), "neg"),
])
def test_near_zeros_keep_their_sign(expr, sign):
    assert sign_of(expr, {}) == sign


def test_logs_of_non_rationals_and_huge_rationals_are_left_alone():
    """``log(sqrt(2))`` is not rewritten; a numerator past 10^12 is not factored (sympy decides what it can)."""
    assert sign_of(2 * L(sympy.sqrt(2)) - L(2), {}) in ("zero", None)
    big = sympy.Integer(10**13 + 37)
    assert sign_of(L(big) - L(big - 1), {}) == "pos"


_PRIMES = [2, 3, 5, 7, 11]


@settings(max_examples=60, deadline=None)
@given(numerators=st.lists(st.integers(1, 60), min_size=1, max_size=4),
       denominators=st.lists(st.integers(1, 60), min_size=1, max_size=4),
       coefficients=st.lists(st.integers(-3, 3), min_size=4, max_size=4),
       shift=st.sampled_from([0, 0, sympy.Rational(1, 10**20), -sympy.Rational(1, 10**20)]))
def test_property_sign_matches_80_digits(numerators, denominators, coefficients, shift):
    terms = [c * L(sympy.Rational(n, d)) for c, n, d in zip(coefficients, numerators, denominators)]
    expr = sympy.Add(*terms) + shift
    with mpmath.workdps(80):
        value = mpmath.mpf(sympy.Rational(shift).p) / sympy.Rational(shift).q
        value += sum(c * mpmath.log(mpmath.mpf(n) / d) for c, n, d in zip(coefficients, numerators, denominators))
    got = sign_of(expr, {})
    if abs(value) < mpmath.mpf(10) ** -60:
        assert got in ("zero", None)
    elif value > 0:
        assert got in ("pos", None)
    else:
        assert got in ("neg", None)
    # an exactly-zero combination (shift 0 and identical as a combination of prime logs) is recognised
    if shift == 0 and abs(value) < mpmath.mpf(10) ** -60:
        assert got == "zero"
