"""Statements compiled once, evaluated on many models: joint entropies by variable names, closures for the rest.

A side of a statement becomes ``const + Σ coeff · H(S) + Σ coeff · atom`` (:class:`Side`): ``I`` and
conditional ``H`` are expanded into joint entropies ``H(S)`` keyed by the model's variable names, every
coefficient is a closure over the parameter values (:func:`compile_scalar`), and any other information atom
(``sqrt(I(X; Y))``, ``D(P || Q)``) is left for :func:`derive.numeric.evaluate.evaluate`. The closures compute
each node with :mod:`derive.numeric.expressions` (float64 or mpmath, ``mp`` the parameter), the same code the
evaluator uses, so the two cannot disagree on what a function means. Used by :mod:`derive.numeric.verify`
(many models per statement) and :mod:`derive.numeric.batched` (many pmfs at once).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import sympy
from sympy import S

from derive.core.quantities import H, I, has_information
from derive.core.statements import Statement
from derive.errors import InvalidArgument
from derive.numeric.distributions import Model
from derive.numeric.expressions import FUNCTIONS, expand_sums, leaf, number, rvset_names

__all__ = ["compile_scalar", "expand_information", "Side", "CompiledStatement"]

#: ``f(params, mp)``: a parameter expression's value from ``{name: value}``, float64 (``mp=False``) or mpmath.
ScalarFunction = Callable[[Mapping[str, Any], bool], Any]


def compile_scalar(e: sympy.Expr) -> ScalarFunction:
    """A closure computing the parameter expression ``e`` from ``{name: value}`` (float64 or mpmath).

    Built once from the expression tree (no text is ever evaluated); a node :data:`FUNCTIONS` does not
    know falls back to :func:`derive.numeric.evaluate.evaluate`.
    """
    if isinstance(e, sympy.Symbol):
        name = e.name

        def symbol(P, mp):
            if name not in P:
                raise InvalidArgument(f"Expected a value for the parameter {name} but got none")
            return number(P[name], mp)
        return symbol
    if not e.args and (e.is_Rational or isinstance(e, (sympy.Float, sympy.NumberSymbol))):
        as_float = leaf(e, False)
        return lambda P, mp: leaf(e, True) if mp else as_float
    func = FUNCTIONS.get(e.func)
    if func is not None:
        parts = [compile_scalar(a) for a in e.args]
        return lambda P, mp: func(e, [f(P, mp) for f in parts], mp)

    def fallback(P, mp):
        import mpmath

        from derive.numeric.evaluate import evaluate

        return evaluate(e, Model(params=dict(P)), precision="mp" if mp else "float",
                        dps=max(15, mpmath.mp.dps - 10))
    return fallback


def expand_information(expr: sympy.Expr, coeff: tuple, out: dict, opaque: dict, const: list) -> None:
    """Accumulate ``expr`` (times the factors ``coeff``) as joint entropies, opaque atoms and a constant.

    ``out`` maps a frozenset of variable names to the coefficient products of ``H`` of them, ``opaque`` an
    atom to its coefficient products, and ``const`` collects the information-free products. No
    simplification: the coefficients stay products of the expression's own factors (fast to build,
    evaluated numerically).
    """
    if not has_information(expr):
        const.append(coeff + (expr,))
        return
    if isinstance(expr, sympy.Add):
        for t in expr.args:
            expand_information(t, coeff, out, opaque, const)
        return
    if isinstance(expr, sympy.Mul):
        infos = [f for f in expr.args if has_information(f)]
        if len(infos) == 1:
            scal = tuple(f for f in expr.args if f is not infos[0])
            expand_information(infos[0], coeff + scal, out, opaque, const)
            return
    if isinstance(expr, H):
        whole = frozenset(rvset_names(expr.target)) | frozenset(rvset_names(expr.given))
        out.setdefault(whole, []).append(coeff)
        if expr.given:
            out.setdefault(frozenset(rvset_names(expr.given)), []).append(coeff + (S.NegativeOne,))
        return
    if isinstance(expr, I):
        a, b, c = (frozenset(rvset_names(s)) for s in expr.args)
        for key, sign in ((a | c, 1), (b | c, 1), (a | b | c, -1), (c, -1)):
            if key:
                out.setdefault(key, []).append(coeff if sign == 1 else coeff + (S.NegativeOne,))
        return
    opaque.setdefault(expr, []).append(coeff)


class Side:
    """``const + sum coeff * H(S) + sum coeff * atom``: joint entropies by variable names, compiled coefficients.

    ``terms`` holds ``(coefficient closures, "H", sorted names)`` and ``(coefficient closures, "atom", atom)``.
    """

    def __init__(self, expr: sympy.Expr) -> None:
        self.expr = expr
        ent: dict = {}
        opaque: dict = {}
        const: list = []
        expand_information(expr, (), ent, opaque, const)
        self.const = [compile_scalar(sympy.Mul(*c)) for c in const]
        self.terms: list[tuple[list, str, Any]] = []
        for key, cs in ent.items():
            self.terms.append(([compile_scalar(sympy.Mul(*c)) for c in cs], "H", tuple(sorted(key))))
        for atom, cs in opaque.items():
            self.terms.append(([compile_scalar(sympy.Mul(*c)) for c in cs], "atom", atom))


class CompiledStatement:
    """A statement at fixed integer parameters: sums expanded, both sides compiled."""

    def __init__(self, st: Statement, int_subs: dict) -> None:
        lhs = expand_sums(st.lhs.xreplace(int_subs)) if int_subs else expand_sums(st.lhs)
        rhs = expand_sums(st.rhs.xreplace(int_subs)) if int_subs else expand_sums(st.rhs)
        self.statement = Statement(lhs, st.rel, rhs)
        self.lhs = Side(lhs)
        self.rhs = Side(rhs)
        self.rel = st.rel
