"""One notation for every message: derive's file grammar, never sympy's own printout.

sympy's printer writes ``x**2`` and ``Sum(f, (i, 1, n))``; a user reads and writes ``x^2`` and
``sum(f, i, 1, n)``. :func:`show` is the text form of an expression in every core ``__str__`` and every
kernel message, so a report reads in one notation whichever layer wrote it. Messages only: no verdict
depends on this module. (The full printer that round-trips through the parser, with units, is
``derive.io.writer.format_expression``.)
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

import sympy
from sympy.printing.str import StrPrinter

__all__ = ["show", "written_order", "message_units", "messages_for", "readable_indices", "decimal_at_least"]

#: The author's spelling of information atoms for the messages being written (``None``: core's order).
_WRITTEN: ContextVar[Any] = ContextVar("derive_written_order", default=None)
#: The units of the proof whose messages are being written (how its ``h`` reads).
_UNITS: ContextVar[str] = ContextVar("derive_message_units", default="bits")


@contextmanager
def message_units(units: str) -> Iterator[None]:
    """Within the block, :func:`show` writes the binary entropy as a proof in ``units`` reads ``h``.

    Core's ``h`` is the binary entropy in bits; a nats proof's ``h(p)`` is ``ln(2)*h(p)`` in core, which a message
    must print ``h(p)`` (read back in nats it is the same expression). ``log`` is never printed (``ln``, ``exp(1)``
    read the same in both units), so ``h`` is the only unit-dependent spelling.
    """
    token = _UNITS.set(units)
    try:
        yield
    finally:
        _UNITS.reset(token)


@contextmanager
def messages_for(proof: Any) -> Iterator[None]:
    """Within the block, messages read as ``proof`` is written: information atoms in the author's order
    (:func:`written_order`, from ``proof.written``) and ``h`` in the proof's units (:func:`message_units`)."""
    with written_order(getattr(proof, "written", None)), message_units(getattr(proof, "units", "bits")):
        yield


class NatsBinaryEntropy(sympy.Function):
    """Display only: the binary entropy in nats, printed ``h`` in a nats proof's messages (never reasoned about;
    its assumptions and numeric value are core's ``h``'s, so sympy rewrites it in a message as it rewrites ``h``)."""

    def _bits(self) -> sympy.Expr:
        from derive.core.quantities import h

        return h(self.args[0])

    def _eval_is_extended_real(self) -> bool | None:
        return self._bits().is_extended_real

    def _eval_is_nonnegative(self) -> bool | None:
        return self._bits().is_nonnegative

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        bits = self._bits()._eval_evalf(prec)
        return None if bits is None else (sympy.log(2) * bits).evalf(prec)

    _eval_is_real = _eval_is_extended_real


@contextmanager
def written_order(order: Any) -> Iterator[None]:
    """Within the block, :func:`show` prints each information atom as the author wrote it.

    ``order.sides(atom)`` gives the atom's arguments as item tuples in the written order, or ``None``
    (``derive.proof.WrittenOrder``): ``I(M; S | theta)`` rather than core's sorted ``I(S; M | theta)``.
    Messages only; what an atom *is* stays core's canonical object.
    """
    token = _WRITTEN.set(order)
    try:
        yield
    finally:
        _WRITTEN.reset(token)


class _GrammarStrPrinter(StrPrinter):
    """sympy's ``str`` printer with powers as ``^``, sums as ``sum(body, i, lo, hi)``, the natural log as ``ln`` and
    Euler's number as ``exp(1)`` (as the grammar writes them) and information atoms in the author's order when one is
    known (:func:`written_order`)."""

    def _print(self, expr: Any, **kwargs: Any) -> str:
        order = _WRITTEN.get()
        if order is not None and type(expr).__name__ in ("H", "I", "TV"):
            sides = order.sides(expr)
            if sides is not None:
                return _atom_as_written(type(expr).__name__, sides)
        return super()._print(expr, **kwargs)

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Exp1(self, expr: sympy.Expr) -> str:  # sympy prints Euler's number E, which reads as a name
        return "exp(1)"

    def _print_log(self, expr: sympy.log) -> str:  # the natural log: `log` is base 2 in a bits proof's grammar
        return f"ln({self._print(expr.args[0])})"

    def _print_lower_case(self, expr: sympy.Expr) -> str:  # Abs, Max, Min as the grammar's abs, max, min
        return f"{type(expr).__name__.lower()}({', '.join(self._print(a) for a in expr.args)})"

    _print_Abs = _print_Max = _print_Min = _print_lower_case

    def _print_NatsBinaryEntropy(self, expr: sympy.Expr) -> str:
        return f"h({self._print(expr.args[0])})"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        body = self._print(expr.function)
        for var, lo, hi in expr.limits:
            body = f"sum({body}, {self._print(var)}, {self._print(lo)}, {self._print(hi)})"
        return body


def _atom_as_written(kind: str, sides: tuple[tuple, ...]) -> str:
    def items(side: tuple) -> str:
        return ", ".join(str(it) for it in side)

    if kind == "TV":
        return f"TV({items(sides[0])}, {items(sides[1])})"
    *parts, given = sides
    cond = f" | {items(given)}" if given else ""
    return f"{kind}({'; '.join(items(p) for p in parts)}{cond})"


_PRINTER = _GrammarStrPrinter()


def show(x: Any) -> str:
    """``x`` in the file grammar's notation (``x^2``, ``sum(f, i, 1, n)``); non-sympy objects by ``str``."""
    return _PRINTER.doprint(_h_in_units(readable_indices(x))) if isinstance(x, sympy.Basic) else str(x)


def _h_in_units(x: sympy.Basic) -> sympy.Basic:
    """In a nats proof's messages, core's ``h(p)`` (bits) as ``h_nats(p)/ln(2)`` (:func:`message_units`)."""
    if _UNITS.get() != "nats":
        return x
    from derive.core.quantities import h  # core.quantities prints through this module

    return x.replace(h, lambda p: NatsBinaryEntropy(p) / sympy.log(2)) if x.has(h) else x  # innermost first


def readable_indices(x: sympy.Basic) -> sympy.Basic:
    """``x`` for display, with derive's own summation indices (``_k0``, ...) named ``j``, ``k``, ``l``, ... — names
    no other symbol of ``x`` has. Display only: the result is never reasoned about."""
    symbols = x.atoms(sympy.Symbol)  # bound indices too
    internal = sorted((s for s in symbols if type(s).__name__ == "InternalSymbol"), key=lambda s: s.name)
    if not internal:
        return x
    taken = {s.name for s in symbols}
    names = (n for n in ("j", "k", "l", "m", "r", "u", "v", "w", *(f"j{d}" for d in range(1, 100))) if n not in taken)
    return x.xreplace({s: sympy.Symbol(next(names), integer=True) for s in internal})


def decimal_at_least(x: sympy.Expr, digits: int = 5) -> tuple[sympy.Expr, str]:
    """A short decimal ``r >= x`` (``digits`` significant digits, rounded up) and its text, for a positive rational
    ``x``; anything else is returned as it is. Messages only: the kernel re-checks any constant a user writes."""
    if not (isinstance(x, sympy.Rational) and x > 0):
        return x, show(x)
    k = digits - 1 - int(sympy.floor(sympy.log(x, 10)))
    m = int(sympy.ceiling(x * sympy.Integer(10) ** k))
    r = sympy.Rational(m) / sympy.Integer(10) ** k
    if k <= 0:
        return r, str(m * 10 ** -k)
    text = str(m).rjust(k + 1, "0")
    return r, (text[:-k] + "." + text[-k:]).rstrip("0").rstrip(".")
