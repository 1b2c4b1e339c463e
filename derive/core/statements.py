"""Statements ``lhs REL rhs`` with REL in ``<=``, ``>=``, ``==``.

Not sympy relationals on purpose: sympy evaluates ``Le(1, 2)`` to ``True``,
and a claim must stay a claim until the kernel has checked it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.core.notation import show
from derive.core.quantities import has_information
from derive.errors import InvalidArgument

__all__ = ["Statement", "RELATIONS"]

RELATIONS = ("<=", ">=", "==")
_FLIP = {"<=": ">=", ">=": "<=", "==": "=="}


@dataclass(frozen=True)
class Statement:
    """``lhs rel rhs`` over information atoms and parameters."""

    lhs: sympy.Expr
    rel: str
    rhs: sympy.Expr

    def __post_init__(self) -> None:
        if self.rel not in RELATIONS:
            raise InvalidArgument(f"Expected a relation in {RELATIONS} but got rel={self.rel!r}")
        for name in ("lhs", "rhs"):
            side = getattr(self, name)
            if isinstance(side, int) and not isinstance(side, bool):
                side = sympy.Integer(side)
                object.__setattr__(self, name, side)
            if not isinstance(side, sympy.Expr):
                raise InvalidArgument(f"Expected an expression but got {side!r}")

    def mentions_information(self) -> bool:
        """Either side names an information quantity (``H``, ``I``, ``D``, ``TV``); else it is about numbers alone."""
        return has_information(self.lhs) or has_information(self.rhs)

    @property
    def is_equality(self) -> bool:
        return self.rel == "=="

    def slack(self) -> sympy.Expr:
        """The quantity the statement says is ``>= 0`` (``== 0`` for equalities): ``rhs - lhs`` for ``<=``."""
        if self.rel == ">=":
            return self.lhs - self.rhs
        return self.rhs - self.lhs

    def xreplace(self, mapping) -> "Statement":
        """The statement with ``mapping`` substituted on both sides (sympy's exact ``xreplace``)."""
        return Statement(self.lhs.xreplace(mapping), self.rel, self.rhs.xreplace(mapping))

    def flipped(self) -> "Statement":
        """The same statement written the other way round: ``a <= b`` becomes ``b >= a``."""
        return Statement(self.rhs, _FLIP[self.rel], self.lhs)

    def negated_relation(self) -> "Statement":
        """The reversed claim (``a <= b`` becomes ``a >= b``), used to build wrong instances."""
        return Statement(self.lhs, _FLIP[self.rel], self.rhs)

    def subs(self, *args, **kw) -> "Statement":
        return Statement(self.lhs.subs(*args, **kw), self.rel, self.rhs.subs(*args, **kw))

    def free_symbols(self) -> set:
        return self.lhs.free_symbols | self.rhs.free_symbols

    def __str__(self) -> str:
        return f"{show(self.lhs)} {self.rel} {show(self.rhs)}"

    def _latex(self, printer=None) -> str:
        from sympy import latex

        rel = {"<=": r"\le", ">=": r"\ge", "==": "="}[self.rel]
        return f"{latex(self.lhs)} {rel} {latex(self.rhs)}"

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"
