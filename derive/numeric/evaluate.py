"""The value of an information expression on a concrete model.

:func:`evaluate` takes a sympy expression built from derive's core objects
(``H``, ``I``, ``D``, ``TV``, ``h``, ``Sum``, parameters, ``log``, ``sqrt``, ...)
and a concrete :class:`~derive.numeric.distributions.Model` (or just a
:class:`~derive.numeric.distributions.JointPMF`) and returns a number:

1. parameter values are substituted (exactly: ``int`` and ``Fraction`` become
   sympy Rationals);
2. every ``Sum`` whose limits became integers is expanded term by term (at
   most :data:`MAX_SUM_TERMS` terms per sum, else ``LimitExceeded``);
3. the expression is expanded with :func:`derive.core.linear.linear_form` into
   joint entropies ``H(S)`` and opaque atoms;
4. each ``H(S)`` is the entropy of the model's marginal on ``S`` (variable
   names ``str(item)``: ``"X"``, ``"X[1]"``), ``D(P || Q)`` and ``TV(P, Q)`` come
   from the model's named distributions, and any other atom (``sqrt(I(X; Y))``,
   a product of two informations, ``h(I(X; Y))``, ...) is evaluated by first
   evaluating its arguments recursively, then the function.

Information quantities are in the proof's ``units`` (``"bits"``: base 2,
``"nats"``: base e); ``log`` in an expression is the natural log, and
``h(p)`` is the binary entropy in bits, as in :mod:`derive.core.quantities`.
``precision="float"`` computes in float64, ``precision="mp"`` with mpmath at
``dps`` digits. This is untrusted numerics: it can make a claim ``tested``,
never ``proved``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath
import numpy as np
import sympy
from sympy import Basic

from derive.core.exprs import to_expr
from derive.core.linear import linear_form
from derive.core.quantities import INFO_CLASSES, TV, D, Dist, H, h, has_information
from derive.core.statements import Statement
from derive.core.variables import RVSet
from derive.errors import InvalidArgument
from derive.numeric.distributions import Distributions, JointPMF, Model
from derive.numeric.expressions import (MAX_EXPANDED_TERMS, MAX_SUM_TERMS, FUNCTIONS, binary_entropy_clamped,
                                        expand_sums, leaf, number, rvset_names)

__all__ = ["evaluate", "evaluate_statement", "slack_of", "as_model", "MAX_SUM_TERMS", "MAX_EXPANDED_TERMS", "UNITS"]

#: Logarithm base of information quantities for each unit.
UNITS = {"bits": 2, "nats": "e"}

_PRECISIONS = ("float", "mp")
_GUARD_DPS = 10


# ----------------------------------------------------------------------------- models

def as_model(model: object) -> Model:
    """``model`` as a :class:`Model`: a Model, a JointPMF, a Distributions or ``None``."""
    if isinstance(model, Model):
        return model
    if isinstance(model, JointPMF):
        return Model(joint=model)
    if isinstance(model, Distributions):
        return Model(distributions=model)
    if model is None:
        return Model()
    raise InvalidArgument(f"Expected a Model, JointPMF or Distributions but got model={model!r}")


# ----------------------------------------------------------------------------- parameters

def _param_value(symbol: sympy.Symbol, value: object) -> sympy.Expr:
    if isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    elif isinstance(value, mpmath.mpf):
        value = sympy.Float(value, max(15, mpmath.mp.dps))
    if isinstance(value, str):
        raise InvalidArgument(f"Expected a number for the parameter {symbol} but got the text {value!r}")
    expr = to_expr(value)
    if not isinstance(expr, sympy.Expr) or expr.free_symbols or has_information(expr):
        raise InvalidArgument(f"Expected a number for the parameter {symbol} but got {value!r}")
    if symbol.is_integer and isinstance(expr, sympy.Float) and expr == int(expr):
        expr = sympy.Integer(int(expr))
    if symbol.is_integer and not expr.is_integer:
        raise InvalidArgument(f"Expected an integer value for the parameter {symbol} but got {value!r}")
    return expr


def _substitution(expr: Basic, params: Mapping[object, object]) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
    """``(symbol, value)`` pairs for the free symbols of ``expr`` named in ``params`` (keys: Symbol or name)."""
    by_name: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(key, sympy.Symbol):
            by_name[key.name] = value
        elif isinstance(key, str):
            by_name[key] = value
        else:
            raise InvalidArgument(f"Expected parameter names or sympy Symbols as keys but got {key!r}")
    pairs = []
    for s in sorted(expr.free_symbols, key=lambda s: (s.name, str(s.assumptions0))):
        if isinstance(s, sympy.Symbol) and s.name in by_name:
            pairs.append((s, _param_value(s, by_name[s.name])))
    return tuple(pairs)


# ----------------------------------------------------------------------------- preparation

@dataclass(frozen=True)
class _Prepared:
    expr: sympy.Expr
    variables: frozenset[str]
    distributions: frozenset[str]


@functools.lru_cache(maxsize=512)
def _prepare(expr: sympy.Expr, subs: tuple[tuple[sympy.Symbol, sympy.Expr], ...]) -> _Prepared:
    if subs:
        expr = expr.xreplace(dict(subs))
    free = sorted({str(s) for s in expr.free_symbols})
    if free:
        raise InvalidArgument(f"Expected values for the parameter(s) {', '.join(free)} but got none "
                              "(pass params={symbol: value})")
    expr = expand_sums(expr)
    variables: set[str] = set()
    dists: set[str] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, RVSet):
            variables.update(rvset_names(node))
        elif isinstance(node, Dist):
            dists.add(node.name)
    return _Prepared(expr, frozenset(variables), frozenset(dists))


@functools.lru_cache(maxsize=2048)
def _linear(expr: sympy.Expr):
    return linear_form(expr)


@functools.lru_cache(maxsize=2048)
def _known_nonnegative(expr: sympy.Expr) -> bool:
    """``expr >= 0`` on every model this evaluator reads: discrete ones, where an entropy is ``>= 0`` too (an ``H``
    atom does not say so to sympy, as a differential entropy can be negative)."""
    entropies = {a: sympy.Dummy(nonnegative=True) for a in expr.atoms(H)}
    return bool((expr.xreplace(entropies) if entropies else expr).is_nonnegative)


# ----------------------------------------------------------------------------- evaluation

class _Evaluator:
    """Evaluates a prepared (parameter-free, sum-free) expression on one model."""

    def __init__(self, model: Model, base: object, mp: bool, dps: int) -> None:
        self.joint = model.joint
        self.dists = model.distributions
        self.base = base
        self.mp = mp
        self.dps = dps
        self.inner_dps = dps + _GUARD_DPS

    # numbers ------------------------------------------------------------------
    def number(self, x: object) -> Any:
        return number(x, self.mp)

    # information -----------------------------------------------------------------
    def entropy(self, atom: H) -> Any:
        names = rvset_names(atom.target)
        if self.mp:
            return self.joint.entropy_mp(names, self.base, self.inner_dps)
        return self.joint.entropy(names, self.base)

    def divergence(self, atom: Basic) -> Any:
        p, q = atom.args[0].name, atom.args[1].name
        if isinstance(atom, D):
            return self.dists.kl_mp(p, q, self.base, self.inner_dps) if self.mp else self.dists.kl(p, q, self.base)
        return self.dists.tv_mp(p, q, self.inner_dps) if self.mp else self.dists.tv(p, q)

    def value(self, expr: Basic) -> Any:
        """The value of ``expr`` (info-free or not)."""
        if not has_information(expr):
            return self.scalar(expr)
        form = _linear(expr)
        total = self.scalar(form.const)
        for atom, coeff in form.terms.items():
            total = total + self.scalar(coeff) * self.atom(atom)
        return total

    def atom(self, atom: Basic) -> Any:
        if isinstance(atom, H):
            if atom.given:  # pragma: no cover - linear_form expands conditionals
                return self.value(atom)
            return self.entropy(atom)
        if isinstance(atom, (D, TV)):
            return self.divergence(atom)
        if isinstance(atom, sympy.Sum):  # pragma: no cover - sums are expanded in _prepare
            raise InvalidArgument(f"Expected a finite sum but got {sympy.sstr(atom)}")
        return self.apply(atom)

    def argument(self, arg: Basic) -> Any:
        """An argument's value; an information argument known to be ``>= 0`` is clamped at 0 (rounding)."""
        v = self.value(arg)
        if v < 0 and has_information(arg) and _known_nonnegative(arg):
            return self.number(0)
        return v

    def scalar(self, expr: Basic) -> Any:
        if not expr.args:
            return leaf(expr, self.mp)
        return self.apply(expr)

    # functions ------------------------------------------------------------------------
    def apply(self, node: Basic) -> Any:
        func = FUNCTIONS.get(node.func)
        if func is None:
            return self.fallback(node)
        return func(node, [self.argument(a) for a in node.args], self.mp)

    def fallback(self, node: Basic) -> Any:
        """Any other sympy function: information atoms become dummies, then lambdify (numpy/mpmath)."""
        atoms, f = function_of_atoms(node, self.mp)
        vals = []
        for a in atoms:
            v = self.value(a)
            vals.append(self.number(0) if v < 0 else v)
        try:
            out = f(*vals)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as err:
            raise InvalidArgument(f"Expected {sympy.sstr(node)} to have a real value but evaluating it failed: {err}") from err
        return self.real(out, node)

    def real(self, v: Any, node: Basic) -> Any:
        if isinstance(v, (complex, mpmath.mpc)) or (isinstance(v, np.ndarray)):
            if isinstance(v, np.ndarray) and v.shape == () and np.isrealobj(v):
                v = float(v)
            elif isinstance(v, mpmath.mpc) and v.imag == 0:
                v = v.real
            elif isinstance(v, complex) and v.imag == 0:
                v = v.real
            else:
                raise InvalidArgument(f"Expected {sympy.sstr(node)} to be real but it evaluates to {v}")
        if self.mp:
            return v if isinstance(v, mpmath.mpf) else mpmath.mpf(v)
        return float(v)


def _h_function(mp: bool, dps: int):
    def hfun(p):
        return binary_entropy_clamped(p, mp)
    return hfun


@functools.lru_cache(maxsize=256)
def _lambdified_cached(node: Basic, atoms: tuple, mp: bool, dps: int):
    """``node`` as a numeric function of its information atoms (lambdify from the expression, never text)."""
    dummies = [sympy.Dummy(f"a{k}") for k in range(len(atoms))]
    body = node.xreplace(dict(zip(atoms, dummies))) if atoms else node
    body = body.replace(lambda e: isinstance(e, h), lambda e: sympy.Function("_derive_h")(*e.args))
    hmap = {"_derive_h": _h_function(mp, dps)}
    return sympy.lambdify(dummies, body, modules=[hmap, "mpmath" if mp else "math"])


def _lambdified(node: Basic, atoms: tuple, mp: bool):
    return _lambdified_cached(node, atoms, mp, mpmath.mp.dps if mp else 0)


def function_of_atoms(node: Basic, mp: bool = True) -> tuple[tuple, Any]:
    """``node``'s information atoms (in order of first appearance) and ``node`` as a numeric function of their
    values (mpmath at the current precision, or floats)."""
    atoms = tuple(dict.fromkeys(a for a in sympy.preorder_traversal(node) if isinstance(a, INFO_CLASSES)))
    return atoms, _lambdified(node, atoms, mp)


# ----------------------------------------------------------------------------- public API

def _check_options(units: str, precision: str, dps: int) -> None:
    if units not in UNITS:
        raise InvalidArgument(f"Expected units in {sorted(UNITS)} but got units={units!r}")
    if precision not in _PRECISIONS:
        raise InvalidArgument(f"Expected precision in {_PRECISIONS} but got precision={precision!r}")
    if not isinstance(dps, int) or isinstance(dps, bool) or not 5 <= dps <= 10_000:
        raise InvalidArgument(f"Expected 5 <= dps <= 10000 digits but got dps={dps!r}")


def _check_model_has(prepared: _Prepared, model: Model) -> None:
    if prepared.variables:
        if model.joint is None:
            raise InvalidArgument(
                f"Expected a joint pmf for the variables {', '.join(sorted(prepared.variables))} "
                "but the model has none")
        missing = sorted(prepared.variables - set(model.joint.names))
        if missing:
            raise InvalidArgument(
                f"Expected the model to have the variable(s) {', '.join(missing)} but it has only "
                f"{', '.join(model.joint.names) or 'none'}")
    if prepared.distributions:
        have = set(model.distributions) if model.distributions is not None else set()
        missing = sorted(prepared.distributions - have)
        if missing:
            raise InvalidArgument(
                f"Expected the model to have the distribution(s) {', '.join(missing)} but it has only "
                f"{', '.join(sorted(have)) or 'none'}")


def evaluate(expr: object, model: object, *, params: Mapping[object, object] | None = None,
             units: str = "bits", precision: str = "float", dps: int = 50) -> Any:
    """The value of ``expr`` on ``model``: ``float`` (``precision="float"``) or ``mpmath.mpf`` (``"mp"``).

    Parameters
    ----------
    expr
        A sympy expression over derive's information atoms, parameters and
        functions (or a plain number).
    model
        A :class:`Model`, or a :class:`JointPMF` / :class:`Distributions` alone.
    params
        Values of the parameters: ``{Symbol or name: int | Fraction | float}``;
        added to (and overriding) ``model.params``.
    units
        ``"bits"`` (information in base 2) or ``"nats"`` (base e).
    precision
        ``"float"`` (float64) or ``"mp"`` (mpmath at ``dps`` digits).

    Returns
    -------
    float or mpmath.mpf
        ``inf`` when a ``D(P || Q)`` is infinite; ``nan`` for undefined
        combinations such as ``inf - inf``.

    Raises
    ------
    InvalidArgument
        Unknown variables or distributions, parameters without values, a
        sum with non-integer limits, or a value that is not real (``log`` of
        a negative number).
    LimitExceeded
        A sum with more than :data:`MAX_SUM_TERMS` terms.

    Example
    -------
    >>> from derive.core import I, RV
    >>> from derive.numeric.distributions import JointPMF
    >>> evaluate(I(RV("X"), RV("Y")), JointPMF.exact(["X", "Y"], [[1, 0], [0, 0]]))
    0.0
    """
    _check_options(units, precision, dps)
    model = as_model(model)
    if model.noise_widths:
        raise InvalidArgument("the model has continuous variables (noise_widths): evaluated with interval arithmetic "
                              "only (derive eval)")
    if isinstance(expr, Statement):
        raise InvalidArgument("Expected an expression but got a Statement (use evaluate_statement)")
    if not isinstance(expr, Basic):
        expr = to_expr(expr)
    all_params = dict(model.params)
    all_params.update(params or {})
    prepared = _prepare(expr, _substitution(expr, all_params))
    _check_model_has(prepared, model)
    mp = precision == "mp"
    ev = _Evaluator(model, UNITS[units], mp, dps)
    if mp:
        with mpmath.workdps(dps + _GUARD_DPS):
            return ev.real(ev.value(prepared.expr), prepared.expr)
    return ev.real(ev.value(prepared.expr), prepared.expr)


def evaluate_statement(statement: Statement, model: object, *, params: Mapping[object, object] | None = None,
                       units: str = "bits", precision: str = "float", dps: int = 50) -> tuple[Any, Any, Any]:
    """``(lhs, rhs, slack)`` of ``statement`` on ``model``; the statement holds iff ``slack >= 0``.

    ``slack = rhs - lhs`` for ``<=``, ``lhs - rhs`` for ``>=`` and
    ``-|lhs - rhs|`` for ``==`` (so a violation is always ``slack < -tol``).
    Options as for :func:`evaluate`.
    """
    if not isinstance(statement, Statement):
        raise InvalidArgument(f"Expected a Statement but got {statement!r}")
    kw = dict(params=params, units=units, precision=precision, dps=dps)
    lhs = evaluate(statement.lhs, model, **kw)
    rhs = evaluate(statement.rhs, model, **kw)
    if precision == "mp":
        with mpmath.workdps(dps + _GUARD_DPS):
            slack = slack_of(statement.rel, lhs, rhs)
    else:
        slack = slack_of(statement.rel, lhs, rhs)
    return lhs, rhs, slack


def slack_of(rel: str, lhs: Any, rhs: Any) -> Any:
    """``rhs - lhs`` for ``<=``, ``lhs - rhs`` for ``>=``, ``-|lhs - rhs|`` for ``==``: the statement holds iff it is
    ``>= 0`` (in the arithmetic of ``lhs`` and ``rhs``)."""
    if rel == "<=":
        return rhs - lhs
    if rel == ">=":
        return lhs - rhs
    return -abs(lhs - rhs)
