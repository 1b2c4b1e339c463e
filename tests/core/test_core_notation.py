"""Message helpers of :mod:`derive.core.notation` (messages only; no verdict depends on them)."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=Fraction(1, 10 ** 9), max_value=10 ** 9), st.integers(1, 8))
def test_decimal_at_least_rounds_up_and_prints_what_it_returns(q, digits):
    """Messages suggest ``eta >= text``: the text is the returned r, and r >= x (never a value below the bound)."""
    from derive.core.notation import decimal_at_least

    x = sympy.Rational(q.numerator, q.denominator)
    r, text = decimal_at_least(x, digits)
    assert r >= x and sympy.Rational(text) == r
    assert r <= x * (1 + sympy.Rational(1, 10 ** (digits - 1)))          # only the last digit rounded up
