"""The door of every step: a statement the kernel reasons about must mean one real number.

``problems_of(expr, domains)`` lists why an expression is not well formed, in the semantics of
DESIGN.md ("Semantics the kernel relies on"):

* ``sum(f, i, lo, hi)`` is the sum over the integers ``lo <= i <= hi``, empty (= 0) when
  ``hi < lo``. Its limits must be provably integers, and ``hi >= lo - 1`` must be provable from the
  parameters' domains (inner limits may use the outer indices, each known to lie in its range).
  Then sympy's closed forms (Karr's convention, ``Σ_{3}^{1} c = -c``) and the empty-sum convention agree,
  so no reader of a sum can disagree with another.
* Numbers are exact: a floating-point number (from the Python API) is refused, since its rounding would
  be reasoned about as if exact.
* No information quantity may be infinite: a continuous variable on both sides of ``H(. | .)`` or
  ``I(.; .)`` is refused (core keeps such atoms as written, since ``I(X; X) = H(X)`` holds for a discrete
  ``X`` only).
* Every function must be defined and real at every admissible parameter value
  (:func:`derive.kernel.signs.is_defined`: no log of a non-positive number, no even root of a negative one,
  no division by zero, ``h(p)`` only on ``[0, 1]``).
"""

from __future__ import annotations

from typing import Mapping

import sympy

from derive.core.notation import show
from derive.core.quantities import INFO_CLASSES, H, I
from derive.core.variables import fresh_symbol
from derive.kernel.signs import infinite_part, is_defined, is_nonnegative

__all__ = ["problems_of"]


def problems_of(expr: sympy.Expr, domains: Mapping, *, defined: bool = True) -> list[str]:
    """Why ``expr`` is not a well-formed real expression on ``domains`` (empty list: it is).

    ``defined=False`` checks numbers and sums only (a ``monotone`` function, whose variable is no parameter).
    """
    problems: list[str] = []
    if any(isinstance(node, sympy.Float) for node in sympy.preorder_traversal(expr)):
        problems.append(f"{show(expr)} holds a floating-point number; the kernel reasons about exact numbers only "
                        "(write 1/10, not a float)")
        return problems
    _sums(expr, {}, domains, problems)
    infinite = next(filter(None, (_infinite(a, domains) for a in expr.atoms(H, I))), None)
    if infinite:
        problems.append(infinite)
    if defined and not problems and not is_defined(expr, domains):
        problems.append(f"{show(expr)} is not provably a real number for every admissible parameter value "
                        "(a log of a possibly non-positive number, a root of a possibly negative one, a division "
                        "by a possibly zero one, or h outside [0, 1])")
    return problems


def _infinite(atom: H | I, domains: Mapping) -> str | None:
    shared = infinite_part(atom, domains)
    if shared is None:
        return None
    return (f"{show(atom)}: the continuous {shared} may appear on both sides, where the quantity is infinite "
            "(I(X; X) = +oo, H(X | X) = -oo for a continuous X)")


#: The assumptions a summation index may carry: an integer, or a non-negative integer over a range starting at a
#: provably non-negative value (core's canonical index ``_k`` runs from 0).
_PLAIN_INDEX = [sympy.Symbol("i", integer=True).assumptions0, sympy.Symbol("i", integer=True, nonnegative=True).assumptions0]


def _sums(e: sympy.Basic, outer: dict, domains: Mapping, problems: list[str]) -> None:
    if isinstance(e, INFO_CLASSES):
        return
    if isinstance(e, sympy.Sum):
        local = dict(outer)
        for var, lo, hi in reversed(e.limits):  # sympy lists the innermost limit first
            lo_s, hi_s = lo.xreplace(local), hi.xreplace(local)
            where = f"sum over {var} from {show(lo)} to {show(hi)}"
            if var in domains or not (var.assumptions0 == _PLAIN_INDEX[0] or (
                    var.assumptions0 == _PLAIN_INDEX[1] and is_nonnegative(lo_s, domains))):
                problems.append(f"the index {var} of the {where} must be a plain integer symbol, not a parameter and "
                                "with no assumption of its own (its values are its range; sympy would read its "
                                "assumptions instead)")
                return
            if lo_s.is_integer is not True or hi_s.is_integer is not True:
                problems.append(f"the limits of the {where} are not provably integers (declare their parameters "
                                "`integer`)")
                return
            if not is_nonnegative(hi_s - lo_s + 1, domains):
                problems.append(f"in the {where}, {show(hi)} >= {show(lo)} - 1 is not provable from the "
                                "parameters' domains, so the range may be reversed; derive's sums are over "
                                "lo <= i <= hi and refuse ranges that may run backwards")
                return
            local[var] = lo_s + fresh_symbol("s", integer=True, nonnegative=True)
        _sums(e.function, local, domains, problems)
        return
    for a in e.args:
        if isinstance(a, sympy.Expr):
            _sums(a, outer, domains, problems)
