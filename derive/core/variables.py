"""Random variables, indexed families and sets of variables.

* :class:`RV` — a named random variable ``X``.
* :class:`FamilyMember` — one member ``X[i]`` of an indexed family (``i`` an
  integer or an integer-valued sympy expression).
* :class:`FamilyRange` — the block ``X[a..b] = (X[a], ..., X[b])`` as one joint
  variable (``a``, ``b`` may be symbolic).
* :class:`RVSet` — a canonical (sorted, duplicate-free) set of the above; the
  argument type of ``H``, ``I``.

All are sympy ``Basic`` objects (``x == x.func(*x.args)``), not ``Expr``: they
cannot be added or multiplied by accident.
"""

from __future__ import annotations

import re

import sympy
from sympy import Basic, Symbol
from sympy.core.symbol import Str
from sympy.core.sorting import default_sort_key

from derive.core.exprs import to_expr
from derive.core.notation import show
from derive.errors import InvalidArgument, LimitExceeded

__all__ = [
    "RV",
    "NamedMixin",
    "FamilyMember",
    "FamilyRange",
    "RVSet",
    "Family",
    "as_rvset",
    "MAX_EXPANDED_RANGE",
    "index_symbol",
    "InternalSymbol",
    "fresh_symbol",
    "provably_nonnegative",
]

#: A range ``X[a..b]`` with integer ends and at most this many members is
#: expanded into its members; longer concrete ranges are refused.
MAX_EXPANDED_RANGE = 64


def index_symbol(name: str) -> Symbol:
    """The integer symbol used as a family index or summation variable."""
    return Symbol(name, integer=True)


class InternalSymbol(Symbol):
    """A symbol that derive itself creates (a canonical bound index, a rule's variable).

    It is a class of its own, so it never equals a user's ``Symbol`` whatever its name
    (sympy compares the class first): user names cannot capture it. Its assumptions are
    exactly the ones it is created with; give only what is proved (never ``nonnegative=False``
    for "unknown": in sympy that means negative).
    """


def fresh_symbol(name: str, **assumptions: bool) -> sympy.Dummy:
    """A symbol no other object equals (``sympy.Dummy``), for a rule's local variable."""
    if any(v is False for v in assumptions.values()):
        raise InvalidArgument(f"a fresh symbol carries only proved assumptions, got {assumptions}")
    return sympy.Dummy(name, **assumptions)


#: Names sympy's LaTeX printer writes faithfully: a letter word, digits, at most one ``_subscript``.
SUBSCRIPTED_NAME = re.compile(r"[A-Za-z]+[0-9]*(_[A-Za-z0-9]+)?")


def latex_name(name: str) -> str:
    """LaTeX for a name: a letter word, digits and at most one ``_subscript`` as sympy writes them (``theta_1`` →
    ``\\theta_{1}``, ``X12`` → ``X_{12}``); any other name (``M__``, ``x_1_2``, ``_x``) as written in upright italics,
    underscores escaped, so that it always compiles and never reads as a power or a product."""
    if SUBSCRIPTED_NAME.fullmatch(name):
        return sympy.latex(sympy.Symbol(name))
    return r"\mathit{%s}" % name.replace("_", r"\_")


def _check_index(expr: object, what: str) -> sympy.Expr:
    expr = to_expr(expr) if isinstance(expr, int) else expr
    if not isinstance(expr, sympy.Expr):
        raise InvalidArgument(f"Expected an integer index for {what} but got {expr!r}")
    if expr.is_integer is not True:
        raise InvalidArgument(f"Expected an integer index for {what} but got {expr}, which is not provably an "
                              "integer (declare its parameters as `integer`)")
    return expr


class RVItem(Basic):
    """Base of the things an :class:`RVSet` holds."""

    is_rv_item = True

    def members(self) -> tuple["RVItem", ...]:
        return (self,)


class NamedMixin:
    """A sympy ``Basic`` holding one non-empty name (``RV("X")``, ``Dist("P")``); ``what`` names it in errors."""

    what = "name"

    def __new__(cls, name: str | Str):
        if isinstance(name, str):
            name = Str(name)
        if not isinstance(name, Str) or not name.name:
            raise InvalidArgument(f"Expected a {cls.what} but got name={name!r}")
        return Basic.__new__(cls, name)

    @property
    def name(self) -> str:
        return self.args[0].name

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__

    def _sympystr(self, printer) -> str:  # noqa: D401 - sympy printer hook
        return self.name

    def _latex(self, printer) -> str:
        return latex_name(self.name)


class RV(NamedMixin, RVItem):
    """A named random variable, e.g. ``RV("X")``."""

    what = "variable name"


class FamilyMember(RVItem):
    """Member ``X[i]`` of the family ``X``."""

    def __new__(cls, family: str | Str, index: object) -> "FamilyMember":
        if isinstance(family, str):
            family = Str(family)
        index = _check_index(index, f"{family.name}[...]")
        return Basic.__new__(cls, family, index)

    @property
    def family(self) -> str:
        return self.args[0].name

    @property
    def index(self) -> sympy.Expr:
        return self.args[1]

    def __str__(self) -> str:
        return f"{self.family}[{show(self.index)}]"

    __repr__ = __str__

    def _sympystr(self, printer) -> str:
        return str(self)

    def _latex(self, printer) -> str:
        return f"{latex_name(self.family)}_{{{printer._print(self.index)}}}"


class FamilyRange(RVItem):
    """The block ``X[lo..hi]`` of a family, one joint variable.

    Constructing it with integer ends returns the members instead (see
    :func:`FamilyRange.expand`); use :meth:`make` to get the canonical items.
    """

    def __new__(cls, family: str | Str, lo: object, hi: object) -> "FamilyRange":
        if isinstance(family, str):
            family = Str(family)
        lo = _check_index(lo, f"{family.name}[lo..]")
        hi = _check_index(hi, f"{family.name}[..hi]")
        return Basic.__new__(cls, family, lo, hi)

    @classmethod
    def make(cls, family: str, lo: object, hi: object) -> tuple[RVItem, ...]:
        """Canonical items for ``X[lo..hi]``: members when the length is a known integer."""
        lo = _check_index(lo, f"{family}[lo..]")
        hi = _check_index(hi, f"{family}[..hi]")
        length = sympy.simplify(hi - lo + 1) if not (lo.is_Integer and hi.is_Integer) else hi - lo + 1
        if length.is_Integer:
            n = int(length)
            if n <= 0:
                return ()
            if n > MAX_EXPANDED_RANGE:
                raise LimitExceeded(
                    f"the range {family}[{lo}..{hi}] has {n} members; at most {MAX_EXPANDED_RANGE} "
                    "are expanded (use a symbolic end such as n)")
            return tuple(FamilyMember(family, lo + k) for k in range(n))
        return (cls(family, lo, hi),)

    @property
    def family(self) -> str:
        return self.args[0].name

    @property
    def lo(self) -> sympy.Expr:
        return self.args[1]

    @property
    def hi(self) -> sympy.Expr:
        return self.args[2]

    def __str__(self) -> str:
        return f"{self.family}[{show(self.lo)}..{show(self.hi)}]"

    __repr__ = __str__

    def _sympystr(self, printer) -> str:
        return str(self)

    def _latex(self, printer) -> str:
        return f"{latex_name(self.family)}_{{{printer._print(self.lo)}:{printer._print(self.hi)}}}"


def _items_of(obj: object) -> tuple[RVItem, ...]:
    if isinstance(obj, RVSet):
        return obj.args
    if isinstance(obj, FamilyRange):
        return FamilyRange.make(obj.family, obj.lo, obj.hi)
    if isinstance(obj, RVItem):
        return (obj,)
    if isinstance(obj, str):
        return (RV(obj),)
    if isinstance(obj, (list, tuple, set, frozenset)):
        out: list[RVItem] = []
        for o in obj:
            out.extend(_items_of(o))
        return tuple(out)
    raise InvalidArgument(f"Expected a random variable but got {obj!r}")


def _span(item: RVItem) -> tuple[str, sympy.Expr, sympy.Expr] | None:
    if isinstance(item, FamilyMember):
        return item.family, item.index, item.index
    if isinstance(item, FamilyRange):
        return item.family, item.lo, item.hi
    return None


def provably_nonnegative(e: sympy.Expr) -> bool:
    """``e >= 0`` from sympy's assumptions on its symbols alone (no domains at this layer)."""
    e = sympy.expand(e)
    return bool(e.is_nonnegative) or (e.is_Integer and e >= 0)


def _merge_adjacent(items: set) -> set:
    """Join blocks of one family that provably abut: ``X[1..i-1] ∪ X[i] = X[1..i]``.

    ``X[a..b] ∪ X[b+1..c] = X[a..c]`` holds only when neither block is shorter than empty:
    ``b >= a - 1`` and ``c >= b`` (with ``k > n``, ``X[1..k] ∪ X[k+1..n]`` is ``X[1..k]``, not
    ``X[1..n]``). Both orderings must follow from the symbols' assumptions; otherwise the blocks stay
    apart (sound: the set is still the union, only not in merged form).
    """
    changed = True
    while changed:
        changed = False
        spans = [(it, _span(it)) for it in items]
        spans = [(it, sp) for it, sp in spans if sp is not None]
        for a, (fa, loa, hia) in spans:
            for b, (fb, lob, hib) in spans:
                if a is b or fa != fb:
                    continue
                if sympy.expand(hia + 1 - lob) != 0:
                    continue
                if not (provably_nonnegative(hia + 1 - loa) and provably_nonnegative(hib + 1 - lob)):
                    continue
                merged = FamilyRange.make(fa, loa, hib)
                if len(merged) == 1 and isinstance(merged[0], FamilyRange):
                    items = (items - {a, b}) | {merged[0]}
                    changed = True
                    break
            if changed:
                break
    return items


class RVSet(Basic):
    """A canonical set of random variables: sorted, without duplicates."""

    def __new__(cls, *items: object) -> "RVSet":
        flat: list[RVItem] = []
        for it in items:
            flat.extend(_items_of(it))
        uniq = sorted(_merge_adjacent(set(flat)), key=default_sort_key)
        return Basic.__new__(cls, *uniq)

    @property
    def items(self) -> frozenset[RVItem]:
        return frozenset(self.args)

    def __len__(self) -> int:
        return len(self.args)

    def __iter__(self):
        return iter(self.args)

    def __bool__(self) -> bool:
        return bool(self.args)

    def __contains__(self, item: object) -> bool:
        return item in self.args

    def union(self, *others: "RVSet") -> "RVSet":
        return RVSet(self, *others)

    __or__ = union

    def minus(self, other: "RVSet") -> "RVSet":
        drop = set(other.args)
        return RVSet(*[a for a in self.args if a not in drop])

    __sub__ = minus

    def issubset(self, other: "RVSet") -> bool:
        return set(self.args) <= set(other.args)

    def isdisjoint(self, other: "RVSet") -> bool:
        return not (set(self.args) & set(other.args))

    def provably_disjoint(self, other: "RVSet", positive=None) -> bool:
        """No variable of ``self`` is provably absent from ``other`` unless shown here: members and blocks of
        one family are disjoint only when their index intervals are separated by a positive integer constant
        (``X[1..k]`` and ``X[0..k-1]`` may overlap; ``X[i]`` and ``X[i-1]`` do not), or by a gap ``positive(gap)``
        says is positive (the kernel passes its sign engine: ``X[j]``, ``X[j + k]`` for ``k >= 1``)."""
        return all(_items_disjoint(a, b, positive) for a in self.args for b in other.args)

    def __str__(self) -> str:
        return ", ".join(str(a) for a in self.args) if self.args else "∅"

    __repr__ = __str__

    def _sympystr(self, printer) -> str:
        return str(self)


def _interval(item) -> tuple[sympy.Expr, sympy.Expr] | None:
    if isinstance(item, FamilyMember):
        return item.index, item.index
    if isinstance(item, FamilyRange):
        return item.lo, item.hi
    return None


def _items_disjoint(a, b, positive=None) -> bool:
    if a == b:
        return False
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None or a.family != b.family:
        return True  # distinct plain variables, or different families
    gaps = (sympy.expand(ib[0] - ia[1]), sympy.expand(ia[0] - ib[1]))
    return any((g.is_Integer and g > 0) or (positive is not None and positive(g)) for g in gaps)


def as_rvset(obj: object) -> RVSet:
    """Coerce a variable, a name, an iterable of them or an :class:`RVSet` to an :class:`RVSet`."""
    if obj is None:
        return RVSet()
    return obj if isinstance(obj, RVSet) else RVSet(obj)


class Family:
    """Python-side handle of an indexed family: ``X = Family("X"); X[1]; X.range(1, n)``."""

    def __init__(self, name: str, lo: object = 1, hi: object = None) -> None:
        self.name = name
        self.lo = to_expr(lo) if isinstance(lo, int) else lo
        self.hi = to_expr(hi) if isinstance(hi, int) else hi

    def __getitem__(self, index: object) -> FamilyMember:
        return FamilyMember(self.name, index)

    def range(self, lo: object = None, hi: object = None) -> RVSet:
        lo = self.lo if lo is None else lo
        hi = self.hi if hi is None else hi
        if hi is None:
            raise InvalidArgument(f"Expected an upper end for family {self.name} but got hi=None")
        return RVSet(*FamilyRange.make(self.name, lo, hi))

    def __repr__(self) -> str:
        return f"Family({self.name!r}, {self.lo}, {self.hi})"

