"""One notation for every message: derive's file grammar, never sympy's own printout.

sympy's printer writes ``x**2`` and ``Sum(f, (i, 1, n))``; a user reads and writes ``x^2`` and
``sum(f, i, 1, n)``. :func:`show` is the text form of an expression in every core ``__str__`` and every
kernel message, so a report reads in one notation whichever layer wrote it. Messages only: no verdict
depends on this module. (The full printer that round-trips through the parser, with units, is
``derive.io.writer.format_expression``.)
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.printing.str import StrPrinter

__all__ = ["show"]


class _GrammarStrPrinter(StrPrinter):
    """sympy's ``str`` printer with powers as ``^`` and sums as ``sum(body, i, lo, hi)``."""

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Sum(self, expr: sympy.Sum) -> str:
        body = self._print(expr.function)
        for var, lo, hi in expr.limits:
            body = f"sum({body}, {self._print(var)}, {self._print(lo)}, {self._print(hi)})"
        return body


_PRINTER = _GrammarStrPrinter()


def show(x: Any) -> str:
    """``x`` in the file grammar's notation (``x^2``, ``sum(f, i, 1, n)``); non-sympy objects by ``str``."""
    return _PRINTER.doprint(x) if isinstance(x, sympy.Basic) else str(x)
