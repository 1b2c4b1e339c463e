"""Conversion of Python numbers to sympy objects without ever parsing text."""

from __future__ import annotations

from fractions import Fraction

import sympy

from derive.errors import InvalidArgument

__all__ = ["to_expr"]


def to_expr(value: object) -> sympy.Basic:
    """``value`` as a sympy object: sympy objects unchanged, ``int`` and ``Fraction`` exact, ``float`` as ``Float``.

    Strings are refused: text reaches sympy only through derive's grammar.
    """
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool):
        raise InvalidArgument(f"Expected a number but got {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sympy.Float(value)
    raise InvalidArgument(f"Expected a number or a sympy expression but got {value!r}")
