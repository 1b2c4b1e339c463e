"""Linear forms over joint entropies with exact coefficients.

Every information expression that is linear in its information atoms expands
into ``const + sum_S c_S * H(S)`` where ``H(S)`` is a *joint* entropy (no
conditioning), using

* ``H(A | C) = H(A, C) - H(C)``
* ``I(A; B | C) = H(A, C) + H(B, C) - H(A, B, C) - H(C)``

and ``H(∅) = 0``. Coefficients are sympy expressions free of information
quantities (rationals, parameters, ``log 2``, ...). Atoms that are not entropies
— ``D(P||Q)``, ``TV(P, Q)``, a nonlinear function of information such as
``sqrt(I(X; Y))``, or a ``Sum`` over a family whose summand mentions the index
— stay as opaque atoms, themselves in canonical form. A sum over an index of a
linear expression is split into sums of single joint entropies, so
``sum(I(M; X[i] | P), i, 1, n)`` and the equivalent sum of entropies agree.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterable, Mapping

import sympy
from sympy import Basic, S

from derive.core.exprs import logs_over_primes, to_expr
from derive.core.notation import show
from derive.core.quantities import D, H, I, TV, h, h_as_logs, has_information
from derive.core.variables import MAX_EXPANDED_RANGE, InternalSymbol, RVSet, provably_nonnegative
from derive.errors import InvalidArgument

__all__ = ["LinearForm", "linear_form", "joint_entropy", "normalize_coefficient", "is_zero_coefficient", "sum_index",
           "evaluate_sum"]


def joint_entropy(s: RVSet) -> sympy.Expr:
    """The atom ``H(S)`` (no conditioning); ``0`` for the empty set."""
    return H(s, RVSet())


def normalize_coefficient(c: sympy.Expr) -> sympy.Expr:
    """A canonical exact form of a coefficient: expanded and over a common denominator."""
    if c.is_Rational:
        return c
    return _normalize_symbolic(c)


@lru_cache(maxsize=8192)
def _normalize_symbolic(c: sympy.Expr) -> sympy.Expr:
    c = sympy.expand(c)
    if c.is_Rational:
        return c
    return sympy.cancel(sympy.together(c))


def is_zero_coefficient(c: sympy.Expr) -> bool:
    """Exact test that ``c`` is identically zero (sympy's ``cancel``; ``h`` written through its logs; logs of
    rationals over their primes; ``simplify`` on small leftovers). ``False`` means only "not shown to be 0".

    ``simplify`` is not tried on logs next to large numbers: its ``logcombine`` writes ``n·log(3)`` as ``log(3^n)``
    and ``log(3)/log(2) - (10^30 + 1)/10^30`` would need a number of 10^30 digits."""
    c = normalize_coefficient(c)
    if c == 0:
        return True
    if c.is_Number:
        return False
    if c.has(h):
        c = normalize_coefficient(h_as_logs(c))
        if c == 0:
            return True
    if c.has(sympy.log):
        if logs_over_primes(c) == 0:
            return True
        rationals = c.atoms(sympy.Rational)
        if rationals and math.prod({r.q for r in rationals}) * max(abs(r.p) for r in rationals) > 10 ** 4:
            return False
    if sympy.count_ops(c) <= 400:
        return sympy.simplify(c) == 0
    return False


class LinearForm:
    """``const + sum(coeff[atom] * atom)``; immutable by convention."""

    __slots__ = ("terms", "const")

    def __init__(self, terms: Mapping[Basic, sympy.Expr] | None = None, const: sympy.Expr = S.Zero) -> None:
        clean: dict[Basic, sympy.Expr] = {}
        for atom, c in (terms or {}).items():
            c = normalize_coefficient(to_expr(c))
            if c != 0:
                clean[atom] = c
        self.terms = clean
        self.const = normalize_coefficient(to_expr(const))

    # arithmetic -----------------------------------------------------------
    def __add__(self, other: "LinearForm") -> "LinearForm":
        terms = dict(self.terms)
        for a, c in other.terms.items():
            terms[a] = terms.get(a, S.Zero) + c
        return LinearForm(terms, self.const + other.const)

    def __neg__(self) -> "LinearForm":
        return LinearForm({a: -c for a, c in self.terms.items()}, -self.const)

    def __sub__(self, other: "LinearForm") -> "LinearForm":
        return self + (-other)

    def scale(self, k: sympy.Expr) -> "LinearForm":
        if has_information(to_expr(k)):
            raise InvalidArgument(f"Expected a scalar multiplier but got {k}")
        return LinearForm({a: c * k for a, c in self.terms.items()}, self.const * k)

    # queries ----------------------------------------------------------------
    def atoms(self) -> set[Basic]:
        return set(self.terms)

    def coefficient(self, atom: Basic) -> sympy.Expr:
        return self.terms.get(atom, S.Zero)

    def is_zero(self) -> bool:
        """Exactly zero: every coefficient and the constant vanish identically."""
        return all(is_zero_coefficient(c) for c in self.terms.values()) and is_zero_coefficient(self.const)

    def has_atoms(self) -> bool:
        return any(not is_zero_coefficient(c) for c in self.terms.values())

    def as_expr(self) -> sympy.Expr:
        return sympy.Add(self.const, *[c * a for a, c in self.terms.items()])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinearForm) and (self - other).is_zero()

    def __hash__(self) -> int:  # pragma: no cover - forms are not used as keys
        return hash(frozenset(self.terms))

    def __repr__(self) -> str:
        return f"LinearForm({show(self.as_expr())})"


def _atom(a: Basic) -> LinearForm:
    return LinearForm({a: S.One})


_SUM_INDEX_PREFIX = "_k"


def sum_index(depth: int) -> InternalSymbol:
    """The canonical bound index of a sum at nesting ``depth``: a non-negative integer offset.

    ``sum(f(i), i, lo, hi)`` is kept as ``Sum(f(lo + j), (j, 0, hi - lo))`` with this ``j``: equal sums get
    equal forms whatever the user called the index, the index can never be captured by a user's name
    (:class:`InternalSymbol`), and ``j >= 0`` is known inside the summand (``X[lo..lo+j-1] ∪ X[lo+j]`` merges).
    """
    return InternalSymbol(f"{_SUM_INDEX_PREFIX}{depth}", integer=True, nonnegative=True)


def _canonical_sum(summand: sympy.Expr, j: sympy.Symbol, length_minus_one: sympy.Expr) -> sympy.Expr:
    return sympy.Sum(summand, (j, S.Zero, length_minus_one))


def evaluate_sum(summand: sympy.Expr, j: sympy.Symbol, last: sympy.Expr) -> sympy.Expr:
    """``Σ_{j=0}^{last} summand`` for a summand free of information, with the empty-sum convention.

    The closed form (sympy's ``doit``) is used only when ``last + 1 >= 0`` is known, where sympy's
    convention for reversed limits (Karr: ``Σ_{3}^{1} c = -c``) and derive's (an empty sum is 0) agree;
    otherwise the ``Sum`` is kept, and every reader of a ``Sum`` applies the empty-sum convention.
    """
    count = sympy.expand(last + 1)
    if count.is_Integer and count <= 0:
        return S.Zero  # an empty range
    if provably_nonnegative(count):  # from assumptions; the kernel's door demands it from the domains
        return sympy.Sum(summand, (j, S.Zero, last)).doit()
    return sympy.Sum(summand, (j, S.Zero, last))


def _fixed_sums_written_out(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` (free of information) with each sum whose ends became integers evaluated by :func:`evaluate_sum` (the
    empty-sum convention, not sympy's ``doit`` convention for reversed limits), limits innermost first."""
    def written_out(e: sympy.Sum) -> sympy.Expr:
        body = e.function
        for var, lo, hi in e.limits:
            last = sympy.expand(hi - lo)
            if not last.is_Integer:
                return e
            body = evaluate_sum(body.xreplace({var: lo + var}), var, last)
        return body

    if not expr.has(sympy.Sum):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Sum), written_out)


def linear_form(expr: sympy.Expr, _depth: int = 0) -> LinearForm:
    """Expand ``expr`` into a :class:`LinearForm` over joint entropies and opaque atoms (cached).

    Raises
    ------
    InvalidArgument
        If ``expr`` is not a sympy expression.
    """
    if _depth == 0 and isinstance(expr, Basic):
        return _cached_form(expr)
    return _linear_form(expr, _depth)


@lru_cache(maxsize=4096)
def _cached_form(expr: Basic) -> LinearForm:
    return _linear_form(expr, 0)


def _linear_form(expr: sympy.Expr, _depth: int = 0) -> LinearForm:
    if not isinstance(expr, Basic):
        expr = to_expr(expr) if isinstance(expr, (int,)) else expr
        if not isinstance(expr, Basic):
            raise InvalidArgument(f"Expected an expression but got {expr!r}")
    if not has_information(expr):
        return LinearForm({}, expr)
    if isinstance(expr, sympy.Add):
        out = LinearForm()
        for t in expr.args:
            out = out + linear_form(t, _depth)
        return out
    if isinstance(expr, sympy.Mul):
        scalars = [f for f in expr.args if not has_information(f)]
        infos = [f for f in expr.args if has_information(f)]
        if len(infos) == 1:
            return linear_form(infos[0], _depth).scale(sympy.Mul(*scalars))
        return _atom(expr)
    if isinstance(expr, H):
        if not expr.given:
            return _atom(expr)
        return _atom(joint_entropy(expr.target | expr.given)) - _atom_or_zero(expr.given)
    if isinstance(expr, I):
        a, b, c = expr.args
        return (_atom_or_zero(a | c) + _atom_or_zero(b | c) - _atom_or_zero(a | b | c) - _atom_or_zero(c))
    if isinstance(expr, (D, TV)):
        return _atom(expr)
    if isinstance(expr, sympy.Sum):
        return _sum_form(expr, _depth)
    return _atom(expr)


def _atom_or_zero(s: RVSet) -> LinearForm:
    if not s:
        return LinearForm()
    return _atom(joint_entropy(s))


def _sum_form(expr: sympy.Sum, depth: int) -> LinearForm:
    """``sum(f, i, lo, hi)`` over the integers ``lo <= i <= hi`` (empty, = 0, when ``hi < lo``).

    Several limits (sympy folds ``Sum(Sum(f, a), b)`` into ``Sum(f, a, b)``) are peeled innermost first.
    """
    (var, lo, hi), outer = expr.limits[0], expr.limits[1:]
    if outer:
        # the outer index gets this depth; the inner sum and anything nested in it get deeper (distinct) indices
        inner_form = _sum_form(sympy.Sum(expr.function, (var, lo, hi)), depth + len(outer))
        return _sum_of_form(inner_form, outer[::-1], depth, reverse_depths=True)
    return _sum_of_form(linear_form(expr.function, depth + 1), ((var, lo, hi),), depth, shift_body=expr.function)


def _sum_of_form(body: LinearForm, limits: tuple, depth: int, shift_body: sympy.Expr | None = None,
                 reverse_depths: bool = False) -> LinearForm:
    """Sum ``body`` over ``limits``; with ``reverse_depths`` the limits are outermost first and the last
    (innermost remaining) gets the deepest index, so no index is reused inside another's scope."""
    if reverse_depths:
        (var, lo, hi), rest = limits[-1], limits[:-1]
        j_depth = depth + len(rest)
    else:
        (var, lo, hi), rest = limits[0], limits[1:]
        j_depth = depth
    j = sum_index(j_depth)
    last = sympy.expand(hi - lo)
    if shift_body is not None:
        body = linear_form(shift_body.xreplace({var: lo + j}), depth + 1)
    else:
        body = LinearForm({a.xreplace({var: lo + j}): c.xreplace({var: lo + j}) for a, c in body.terms.items()},
                          body.const.xreplace({var: lo + j}))
    if last.is_Integer and last < MAX_EXPANDED_RANGE:
        # a fixed range (at most as many terms as a block X[lo..hi] expands into): the finite sum itself, so that
        # sum(H(X[i]), i, 1, 3) and H(X[1]) + H(X[2]) + H(X[3]) have one linear form (empty when last < 0)
        out = LinearForm()
        for k in range(int(last) + 1):
            out = out + LinearForm({}, _fixed_sums_written_out(body.const.xreplace({j: k})))
            for atom, coeff in body.terms.items():
                # j is gone: a sum nested in the atom takes j's index depth, as if written without this sum
                out = out + linear_form(atom.xreplace({j: k}), j_depth).scale(
                    _fixed_sums_written_out(coeff.xreplace({j: k})))
        return _sum_of_form(out, rest, depth, reverse_depths=True) if rest else out
    out = LinearForm({}, evaluate_sum(body.const, j, last) if body.const != 0 else S.Zero)
    for atom, coeff in body.terms.items():
        if j in atom.free_symbols:
            if j in coeff.free_symbols:
                out = out + _atom(_canonical_sum(coeff * atom, j, last))
            else:
                out = out + _atom(_canonical_sum(atom, j, last)).scale(coeff)
        else:
            out = out + _atom(atom).scale(evaluate_sum(coeff, j, last))
    if rest:
        return _sum_of_form(out, rest, depth, reverse_depths=True)
    return out


def forms_of(exprs: Iterable[sympy.Expr]) -> list[LinearForm]:
    return [linear_form(e) for e in exprs]
