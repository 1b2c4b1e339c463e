"""Conversion of Python numbers to sympy objects without ever parsing text."""

from __future__ import annotations

from fractions import Fraction

import sympy

from derive.errors import InvalidArgument

__all__ = ["to_expr", "logs_over_primes"]


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


def logs_over_primes(x: sympy.Expr) -> sympy.Expr:
    """``x`` with each ``log(q)`` of a positive rational ``q`` (numerator and denominator below 10^12) written as
    ``Σ e_p·log(p)`` over the primes of ``q``, expanded: equal to ``x`` (``log(ab) = log(a) + log(b)`` for
    ``a, b > 0``), and an exact zero such as ``log(6) - log(2) - log(3)`` becomes ``0``."""
    def over_primes(q: sympy.Rational) -> sympy.Expr:
        return sympy.Add(*[e * sympy.log(p) for p, e in sympy.factorint(q.p).items()]) \
            - sympy.Add(*[e * sympy.log(p) for p, e in sympy.factorint(q.q).items()])

    return sympy.expand(x.replace(
        lambda n: isinstance(n, sympy.log) and n.args[0].is_Rational and 0 < n.args[0] and n.args[0].p < 10 ** 12
        and n.args[0].q < 10 ** 12, lambda n: over_primes(n.args[0])))
