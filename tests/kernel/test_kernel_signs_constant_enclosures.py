"""Irrational constants next to parameters: ``c - sqrt(2)/2 >= 0`` for ``c >= 1`` (Pinsker's constant in bits is
``sqrt(2 ln 2)/2``). The sign engine encloses such a constant between two rationals whose sides it proves with
sympy's certified sign of a constant; the oracle here is mpmath at 60 digits at the domain's closed end, where
``c - K`` is least.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain
from derive.kernel.signs import sign_of

C = sympy.Symbol("c", real=True)

_CONSTANTS = [sympy.sqrt(2) / 2, sympy.sqrt(2) * sympy.sqrt(sympy.log(2)) / 2, sympy.log(3), sympy.pi / 3,
              sympy.exp(Rational(-1, 2)), sympy.sqrt(sympy.log(2) / 2), sympy.E - 2, sympy.exp(-sympy.exp(100)),
              -sympy.sqrt(3), sympy.log(2) ** 2, 1 - sympy.sqrt(2) / 2]


@pytest.mark.parametrize("expr, lo, sign", [
    (C - sympy.sqrt(2) / 2, 1, "pos"), (C - sympy.sqrt(2) * sympy.sqrt(sympy.log(2)) / 2, 1, "pos"),
    (C - sympy.pi / 3, 1, None), (C - sympy.sqrt(2), 1, None), (sympy.sqrt(2) - C, 2, "neg"),
    (C - 1 - sympy.exp(-sympy.exp(100)), 1, None), (C - 1 + sympy.exp(-sympy.exp(100)), 1, "pos"),
    (C - sympy.exp(sympy.exp(100)), 1, None)])
def test_constants_beside_a_parameter(expr, lo, sign):
    assert sign_of(expr, {C: Domain(Rational(lo), S.Infinity, False, True)}) == sign


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.sampled_from(_CONSTANTS), r=st.fractions(min_value=-3, max_value=3, max_denominator=50),
       scale=st.sampled_from([1, -1, 2, Rational(1, 3)]))
def test_a_proved_sign_holds_at_the_least_point(k, r, scale):
    """``scale*c - k`` for ``c >= r``: a proved sign holds at ``c = r`` (60-digit oracle) and, for a negative
    ``scale``, no positive sign is ever claimed (the expression is unbounded below)."""
    expr = scale * C - k
    sign = sign_of(expr, {C: Domain(Rational(r.numerator, r.denominator), S.Infinity, False, True)})
    with mpmath.workdps(60):
        at = mpmath.mpf(scale * Rational(r.numerator, r.denominator)) - mpmath.mpf(sympy.N(k, 70)) \
            if k != sympy.exp(-sympy.exp(100)) else mpmath.mpf(scale * Rational(r.numerator, r.denominator))
    if sign == "pos":
        assert scale > 0 and at > 0
    elif sign == "nonneg":
        assert scale > 0 and at >= 0
    elif sign in ("neg", "nonpos"):
        assert scale < 0 and at <= 0
