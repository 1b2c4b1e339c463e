"""How a scalar node is computed, in float64 or in mpmath: one owner for every numeric evaluator.

:func:`derive.numeric.evaluate.evaluate` (a tree walk over any expression) and the statement compiler
:mod:`derive.numeric.compile` (closures over parameter expressions, used by :mod:`derive.numeric.verify`
and :mod:`derive.numeric.batched`) both compute numbers and functions here, with ``mp`` (``False``:
float64; ``True``: mpmath at the current precision) as the parameter:

* :func:`number` and :func:`leaf`: a Python or sympy number (``Rational``, ``Float``, ``pi``, ``oo``);
* :data:`FUNCTIONS`: ``Add``, ``Mul``, ``Pow``, ``log`` (one or two arguments), ``exp``, ``Abs``, ``Min``,
  ``Max``, ``floor``, ``ceiling`` and the binary entropy ``h`` (bits; arguments within :data:`H_SLACK` of
  ``[0, 1]`` are rounding and clamped); ``log(0) = -inf``, ``0^(-k) = inf``, overflow gives ``inf``;
  a value that is not real (``log`` of a negative number, a negative base to a fractional power) raises
  :class:`~derive.errors.InvalidArgument`;
* :func:`expand_sums`: every ``Sum`` with integer limits as its terms (the empty-sum convention of
  DESIGN.md; at most :data:`MAX_SUM_TERMS` per sum and :data:`MAX_EXPANDED_TERMS` in all);
* :func:`rvset_names`: the model's variable names of a set of random variables (``"X"``, ``"X[1]"``).

Untrusted numerics: these values can make a claim ``tested``, never ``proved``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import mpmath
import sympy
from sympy import Basic, S

from derive.core.quantities import h
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric.distributions import binary_entropy, binary_entropy_mp
from derive.numeric.exact import float_near

__all__ = ["number", "leaf", "FUNCTIONS", "H_SLACK", "expand_sums", "rvset_names", "MAX_SUM_TERMS",
           "MAX_EXPANDED_TERMS"]

#: A ``Sum`` is expanded only when it has at most this many terms.
MAX_SUM_TERMS = 64

#: At most this many summands in total are produced by expanding (nested) sums.
MAX_EXPANDED_TERMS = 4096

#: Arguments of ``h`` this far outside ``[0, 1]`` (rounding of an evaluated argument) are clamped.
H_SLACK = 1e-12


# ----------------------------------------------------------------------------- numbers

def number(x: object, mp: bool) -> Any:
    """``x`` (int, Fraction, float, mpf) as a float64 or an mpmath number."""
    if mp:
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        return mpmath.mpf(x)
    if isinstance(x, Fraction):
        return float_near(x)
    return float(x)


def leaf(e: Basic, mp: bool) -> Any:
    """The value of a sympy number without arguments; a symbol left without a value is an error."""
    if e.is_Rational:
        return mpmath.mpf(int(e.p)) / int(e.q) if mp else float_near(Fraction(int(e.p), int(e.q)))
    if isinstance(e, sympy.Float):
        return mpmath.mpf(e) if mp else float(e)
    if e is S.Infinity:
        return mpmath.inf if mp else math.inf
    if e is S.NegativeInfinity:
        return -mpmath.inf if mp else -math.inf
    if isinstance(e, sympy.NumberSymbol):
        return mpmath.mpf(e._as_mpf_val(mpmath.mp.prec)) if mp else float(e)
    if e.is_Symbol:
        raise InvalidArgument(f"Expected a value for the parameter {e} but got none")
    raise InvalidArgument(f"Expected a real number but got {sympy.sstr(e)}")


# ----------------------------------------------------------------------------- functions

def _add(node: Basic, vals: list, mp: bool) -> Any:
    total = vals[0]
    for v in vals[1:]:
        total = total + v
    return total


def _mul(node: Basic, vals: list, mp: bool) -> Any:
    out = vals[0]
    for v in vals[1:]:
        out = out * v
    return out


def _pow(node: Basic, vals: list, mp: bool) -> Any:
    b, e = vals
    if b < 0 and e != (mpmath.floor(e) if mp else math.floor(e)):
        shown = mpmath.nstr(b, 8) if mp else repr(b)
        raise InvalidArgument(f"Expected {sympy.sstr(node)} to be real but its base is {shown} < 0")
    if b == 0 and e < 0:
        return mpmath.inf if mp else math.inf
    if mp:
        return mpmath.power(b, e)
    try:
        return float(b) ** float(e)
    except OverflowError:
        return math.inf


def _log(node: Basic, vals: list, mp: bool) -> Any:
    if len(vals) != 1:
        x, base = vals
        return _log(node, [x], mp) / _log(node, [base], mp)
    (x,) = vals
    if x < 0:
        raise InvalidArgument(f"Expected a positive argument in {sympy.sstr(node)} but got {x}")
    if x == 0:
        return -mpmath.inf if mp else -math.inf
    if mp:
        return mpmath.log(x)
    return math.log(x) if x != math.inf else math.inf


def _exp(node: Basic, vals: list, mp: bool) -> Any:
    (x,) = vals
    if mp:
        return mpmath.exp(x)
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _abs(node: Basic, vals: list, mp: bool) -> Any:
    return abs(vals[0])


def _min(node: Basic, vals: list, mp: bool) -> Any:
    return min(vals)


def _max(node: Basic, vals: list, mp: bool) -> Any:
    return max(vals)


def _floor(node: Basic, vals: list, mp: bool) -> Any:
    return mpmath.floor(vals[0]) if mp else float(math.floor(vals[0]))


def _ceiling(node: Basic, vals: list, mp: bool) -> Any:
    return mpmath.ceil(vals[0]) if mp else float(math.ceil(vals[0]))


def binary_entropy_clamped(p: Any, mp: bool, node: Basic | None = None) -> Any:
    """``h(p)`` in bits; ``p`` within :data:`H_SLACK` outside ``[0, 1]`` is clamped, farther is an error."""
    if -H_SLACK < p < 0:
        p = number(0, mp)
    elif 1 < p < 1 + H_SLACK:
        p = number(1, mp)
    if p < 0 or p > 1:
        where = sympy.sstr(node) if node is not None else "h(p)"
        raise InvalidArgument(f"Expected 0 <= p <= 1 in {where} but got p={p}")
    return binary_entropy_mp(p, 2, mpmath.mp.dps) if mp else binary_entropy(p, 2)


def _binary_entropy(node: Basic, vals: list, mp: bool) -> Any:
    return binary_entropy_clamped(vals[0], mp, node)


#: ``{sympy function: f(node, argument values, mp)}``.
FUNCTIONS: dict[Any, Callable[[Basic, list, bool], Any]] = {
    sympy.Add: _add,
    sympy.Mul: _mul,
    sympy.Pow: _pow,
    sympy.log: _log,
    sympy.exp: _exp,
    sympy.Abs: _abs,
    sympy.Min: _min,
    sympy.Max: _max,
    sympy.floor: _floor,
    sympy.ceiling: _ceiling,
    h: _binary_entropy,
}


# ----------------------------------------------------------------------------- sums and variables

class SumBudget:
    """How many summands the expansion of one expression has produced so far."""

    def __init__(self) -> None:
        self.used = 0


def expand_sums(expr: Basic, budget: SumBudget | None = None) -> Basic:
    """``expr`` with every ``Sum`` whose limits are integers replaced by the sum of its terms
    (``sum(f, i, lo, hi)`` is empty when ``hi < lo``).

    Raises
    ------
    InvalidArgument
        A limit that is not an integer.
    LimitExceeded
        A sum of more than :data:`MAX_SUM_TERMS` terms, or more than :data:`MAX_EXPANDED_TERMS` in all.
    """
    budget = SumBudget() if budget is None else budget
    if not isinstance(expr, Basic) or not expr.args or not expr.has(sympy.Sum):
        return expr
    if isinstance(expr, sympy.Sum):
        # limits run innermost first; expand the outermost, whose range cannot depend on the others
        var, lo, hi = expr.limits[-1]
        body = sympy.Sum(expr.function, *expr.limits[:-1]) if len(expr.limits) > 1 else expr.function
        lo, hi = sympy.expand(expand_sums(lo, budget)), sympy.expand(expand_sums(hi, budget))
        if not (lo.is_Integer and hi.is_Integer):
            missing = sorted(str(s) for s in (lo.free_symbols | hi.free_symbols))
            raise InvalidArgument(
                f"Expected integer limits in {sympy.sstr(expr)} but got {lo}..{hi}"
                + (f"; give values for {', '.join(missing)}" if missing else ""))
        count = int(hi) - int(lo) + 1
        if count > MAX_SUM_TERMS:
            raise LimitExceeded(
                f"the sum {sympy.sstr(expr)} has {count} terms; at most {MAX_SUM_TERMS} are evaluated "
                "(use a smaller value of the summation bound)")
        if count <= 0:
            return S.Zero
        budget.used += count
        if budget.used > MAX_EXPANDED_TERMS:
            raise LimitExceeded(f"expanding the sums produces more than {MAX_EXPANDED_TERMS} terms")
        return sympy.Add(*[expand_sums(body.xreplace({var: sympy.Integer(k)}), budget)
                           for k in range(int(lo), int(hi) + 1)])
    new_args = tuple(expand_sums(a, budget) for a in expr.args)
    return expr if new_args == expr.args else expr.func(*new_args)


def _item_names(item: Basic) -> list[str]:
    if isinstance(item, RV):
        return [item.name]
    if isinstance(item, FamilyMember):
        if not item.index.is_Integer:
            raise InvalidArgument(f"Expected an integer index in {item} but got {sympy.sstr(item.index)}")
        return [str(item)]
    if isinstance(item, FamilyRange):
        members = FamilyRange.make(item.family, item.lo, item.hi)
        if any(isinstance(m, FamilyRange) for m in members):
            raise InvalidArgument(f"Expected integer ends in {item}; give values for its parameters")
        return [str(m) for m in members]
    raise InvalidArgument(f"Expected a random variable but got {item!r}")


def rvset_names(s: RVSet) -> tuple[str, ...]:
    """The model's variable names of the members of ``s``, in order (``X[1..3]``: ``X[1], X[2], X[3]``)."""
    out: list[str] = []
    for item in s.args:
        out.extend(_item_names(item))
    return tuple(out)
