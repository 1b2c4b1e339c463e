"""Real parameters with domains, carried into sympy assumptions.

A :class:`Domain` is an interval ``lo (<|<=) x (<|<=) hi`` (either end may be
infinite), optionally restricted to integers. :func:`make_parameter` turns a
name and a domain into a sympy ``Symbol`` whose assumptions (``real``,
``integer``, ``nonnegative``, ``positive``) say as much of the domain as sympy
can hold; the full interval stays in the :class:`Domain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

import sympy
from sympy import Rational, S, Symbol

from derive.core.exprs import to_expr
from derive.errors import InvalidArgument

__all__ = ["Domain", "Domains", "Parameter", "make_parameter", "as_domains"]


@dataclass(frozen=True)
class Domain:
    """``lo <= x <= hi`` (strict where ``lo_open``/``hi_open``), integers only if ``integer``."""

    lo: sympy.Expr = S.NegativeInfinity
    hi: sympy.Expr = S.Infinity
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False

    def __post_init__(self) -> None:
        for end in (self.lo, self.hi):
            if not (end.is_Rational or end in (S.Infinity, S.NegativeInfinity)):
                raise InvalidArgument(f"Expected rational domain ends but got {end}")
        if self.is_empty():
            raise InvalidArgument(f"the domain {self} is empty")

    def is_empty(self) -> bool:
        lo, hi = self.lo, self.hi
        if self.integer:
            ilo = _int_lo(lo, self.lo_open)
            ihi = _int_hi(hi, self.hi_open)
            return ilo is not None and ihi is not None and ilo > ihi
        if lo > hi:
            return True
        if lo == hi:
            return self.lo_open or self.hi_open or lo.is_infinite
        return False

    def contains(self, value: sympy.Expr) -> bool:
        """Exact membership of a rational value."""
        v = to_expr(value)
        if self.integer and not v.is_integer:
            return False
        if self.lo_open and not v > self.lo and self.lo.is_finite:
            return False
        if not self.lo_open and v < self.lo:
            return False
        if self.hi_open and not v < self.hi and self.hi.is_finite:
            return False
        if not self.hi_open and v > self.hi:
            return False
        return True

    def between(self, a: sympy.Expr, b: sympy.Expr) -> "Domain | None":
        """The values of this domain from ``a`` to ``b`` (``lo <= a <= b <= hi``): an end it shares with this domain
        is as open as here, a new end is closed; ``None`` when no value is left (an integer domain between two
        integers)."""
        try:
            return Domain(a, b, self.lo_open and a == self.lo, self.hi_open and b == self.hi, self.integer)
        except InvalidArgument:
            return None

    def as_set(self) -> sympy.Set:
        if self.integer:
            lo = _int_lo(self.lo, self.lo_open)
            hi = _int_hi(self.hi, self.hi_open)
            return sympy.Range(lo if lo is not None else S.NegativeInfinity,
                               (hi + 1) if hi is not None else S.Infinity)
        return sympy.Interval(self.lo, self.hi, self.lo_open, self.hi_open)

    def assumptions(self) -> dict[str, bool]:
        """The sympy assumptions this domain guarantees."""
        out: dict[str, bool] = {"real": True}
        if self.integer:
            out["integer"] = True
        lo = self.lo
        if self.integer and lo.is_finite:
            lo = Rational(_int_lo(lo, self.lo_open))
            strict = False
        else:
            strict = self.lo_open
        if lo.is_finite and (lo > 0 or (lo == 0 and strict)):
            out["positive"] = True
        elif lo.is_finite and lo == 0:
            out["nonnegative"] = True
        hi = self.hi
        if hi.is_finite and (hi < 0 or (hi == 0 and self.hi_open)):
            out["negative"] = True
        elif hi.is_finite and hi == 0:
            out["nonpositive"] = True
        return out

    def lower_bound(self) -> tuple[sympy.Expr, bool]:
        """``(lo, strict)``: effective lower end (integers rounded inward)."""
        if self.integer and self.lo.is_finite:
            return Rational(_int_lo(self.lo, self.lo_open)), False
        return self.lo, self.lo_open and self.lo.is_finite

    def upper_bound(self) -> tuple[sympy.Expr, bool]:
        """``(hi, strict)``: effective upper end (integers rounded inward)."""
        if self.integer and self.hi.is_finite:
            return Rational(_int_hi(self.hi, self.hi_open)), False
        return self.hi, self.hi_open and self.hi.is_finite

    def __str__(self) -> str:
        parts = []
        if self.integer:
            parts.append("integer")
        lo = "" if self.lo.is_infinite else f"{self.lo} {'<' if self.lo_open else '<='} "
        hi = "" if self.hi.is_infinite else f" {'<' if self.hi_open else '<='} {self.hi}"
        if lo or hi:
            parts.append(f"{lo}x{hi}")
        return ", ".join(parts) if parts else "real"


def _int_lo(lo: sympy.Expr, open_: bool) -> int | None:
    if not lo.is_finite:
        return None
    v = math.floor(lo) + 1 if open_ and lo.is_integer else math.ceil(lo)
    return int(v)


def _int_hi(hi: sympy.Expr, open_: bool) -> int | None:
    if not hi.is_finite:
        return None
    v = math.ceil(hi) - 1 if open_ and hi.is_integer else math.floor(hi)
    return int(v)


@dataclass(frozen=True)
class Parameter:
    """A named real parameter: its sympy ``symbol`` and its :class:`Domain`."""

    name: str
    domain: Domain
    symbol: Symbol

    def __str__(self) -> str:
        return f"{self.name} in {self.domain}"


def make_parameter(name: str, domain: Domain | None = None) -> Parameter:
    """A parameter whose sympy symbol carries the domain's assumptions."""
    if not name or not (name[0].isalpha() or name[0] == "_") or not name.replace("_", "a").isalnum():
        raise InvalidArgument(f"Expected an identifier for a parameter but got name={name!r}")
    domain = domain or Domain()
    return Parameter(name, domain, Symbol(name, **domain.assumptions()))


class Domains(Mapping):
    """The setting a statement is read in: each parameter's :class:`Domain`, and which variables are continuous.

    A mapping ``Symbol -> Domain`` (so it reads like a dict) plus ``continuous``: the names of random
    variables and families that are continuous (declared so, or the input or output of a Gaussian channel).
    Everything else is discrete. Immutable; :meth:`extended` gives a copy with more symbols.
    """

    __slots__ = ("_map", "continuous")

    def __init__(self, domains: Mapping | None = None, continuous: Iterable[str] = ()) -> None:
        self._map = dict(domains or {})
        self.continuous = frozenset(continuous)

    def __getitem__(self, key):
        return self._map[key]

    def __iter__(self) -> Iterator:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def extended(self, more: Mapping) -> "Domains":
        """A copy with the symbols of ``more`` added (their domains), same continuous variables."""
        out = dict(self._map)
        out.update(more)
        return Domains(out, self.continuous)

    def is_continuous(self, item) -> bool:
        """True when the variable (``RV``, ``FamilyMember`` or ``FamilyRange``) is continuous; a copy-lemma copy is
        continuous when what it copies is."""
        name = getattr(item, "copied_name", None) or getattr(item, "family", None) or getattr(item, "name", None)
        return name in self.continuous

    def __repr__(self) -> str:
        return f"Domains({self._map!r}, continuous={sorted(self.continuous)})"


def as_domains(domains: Mapping | None) -> Domains:
    """``domains`` as :class:`Domains` (a plain mapping: every variable discrete)."""
    return domains if isinstance(domains, Domains) else Domains(domains or {})
