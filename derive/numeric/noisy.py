"""Noisy models: exact models of continuous variables built from discrete ones.

Each continuous variable ``V`` is ``w_V (D_V + U_V)``: ``D_V`` its value in a discrete model (an integer label),
``U_V`` uniform on ``[0, 1)`` and independent of everything, ``w_V > 0`` a scale. The pieces ``w [d, d + 1)`` are
disjoint, so ``D_V`` is a function of ``V``, ``V`` is a function of ``(D_V, U_V)``, and every (mixed) entropy is
exact::

    h(S) = H(D_S) + Σ_{V ∈ S continuous} log w_V,      I(A; B | C) = I(D_A; D_B | D_C).

The noise keeps every hypothesis that is a statement about conditional independence or a function with a discrete
value — Markov chains, independences, i.i.d. families (one scale per family), ``Z = f(X)`` with ``Z`` discrete (``f``
of the rounded value) — and ``assume`` statements are read with it. A channel naming a continuous variable (its law
is fixed) or a continuous function value (``h(X | Z) = -∞``) is not kept (:func:`noise_breaks_a_hypothesis`).

Two consequences the refuters use (:mod:`derive.provers.refute_steps`):

* a counterexample on a discrete model, all scales 1, is a counterexample with the continuous variables noisy
  (``h(D + U) = H(D)``);
* a claim whose slack has a net coefficient ``a_V ≠ 0`` of ``log w_V`` for a continuous ``V`` (an *unbalanced* claim,
  Chan 2003, "Balanced information inequalities", IEEE Trans. IT 49(12)) is false on the constant model with ``w_V``
  small or large enough, when the premises allow it (:func:`scaled_constant_counterexample`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

__all__ = ["NOISY_MODELS", "NOISE_LOG2_WIDTHS", "noise_breaks_a_hypothesis", "widths_on", "log_width_coefficients",
           "scaled_constant_counterexample", "infinite_for_continuous"]

#: The scales ``w = 2^-k`` ``derive verify`` draws for a continuous variable: ``k`` from these (``k = 0``: ``h = H``).
NOISE_LOG2_WIDTHS = (0, 1, 2, 4, 8, -1, -4)

#: What the noisy models are, in a tested step's reason and a counterexample's description.
NOISY_MODELS = ("on noisy models: discrete ones with each continuous V = w_V (D_V + U_V), U_V uniform on [0, 1) and "
                "independent, w_V = 2^-k (exact: h(S) = H(S) + sum of log w_V over the continuous V in S)")


def noise_breaks_a_hypothesis(proof, hypotheses: Mapping[str, Any] | None = None) -> str | None:
    """Why the noisy models are not models of ``hypotheses`` (default: all of ``proof``'s): a hypothesis makes a
    continuous variable a channel's input or output or a function's value; ``None`` when they are."""
    from derive.core.hypotheses import (Assume, FunctionOf, Markov, MarkovFamily, Independent, MutuallyIndependent,
                                        continuous_variables)
    from derive.core.notation import show
    from derive.core.parameters import Domains
    from derive.core.variables import RVItem

    continuous = Domains({}, continuous_variables(proof.continuous, proof.hypotheses.values()))
    kept = (Markov, MarkovFamily, Independent, MutuallyIndependent, Assume)
    for hid, h in (proof.hypotheses if hypotheses is None else hypotheses).items():
        named = h.output.args if isinstance(h, FunctionOf) else () if isinstance(h, kept) else h.variables().args
        found = sorted({show(n) for n in named if isinstance(n, RVItem) and continuous.is_continuous(n)})
        if found:
            return (f"the hypothesis {hid} makes the continuous variable(s) {', '.join(found)} a channel's input or "
                    "output or a function's value, and the numeric models are discrete")
    return None


def _family(name: str) -> str:
    return name.split("[", 1)[0]


def _entropy_atoms(statement):
    """``(atom, names)`` for every ``H`` and ``I`` of ``statement``: the variable names (``X``, ``X[1]``) it names."""
    import sympy

    from derive.core.quantities import H, I
    from derive.numeric.expressions import rvset_names

    for atom in sympy.Add(statement.lhs, statement.rhs, evaluate=False).atoms(H, I):
        yield atom, {n for arg in atom.args for n in rvset_names(arg)}


def infinite_for_continuous(statement, continuous) -> str | None:
    """Why ``statement`` has an atom that is infinite when the variables ``continuous`` (names of variables or
    families; ``X[0]`` counts for ``X``) are continuous — ``I(X; X) = +oo``, ``H(X | X) = -oo``
    (:func:`~derive.numeric.gaussian.infinite_atom`) —, or ``None``. The joint-entropy formulas of a noisy model,
    like the discrete ones, give such an atom a finite value: a statement with one is never evaluated there."""
    from derive.numeric.gaussian import infinite_atom

    for atom, names in _entropy_atoms(statement):
        why = infinite_atom(atom, tuple(sorted(n for n in names if n not in continuous and _family(n) not in continuous)))
        if why:
            return why
    return None


def widths_on(names, widths: Mapping[str, Fraction] | None) -> dict[str, Fraction]:
    """``widths`` (by variable, e.g. of another draw, or by family) on the variables ``names``: a family member
    takes its family's scale (a shrunk model may have other members)."""
    per_family = {_family(n): w for n, w in (widths or {}).items()}
    return {v: per_family[_family(v)] for v in names if _family(v) in per_family}


def log_width_coefficients(statement, continuous: frozenset[str]) -> dict[str, Any]:
    """``a_V`` for each continuous variable ``V`` (a family member counts for its family) with ``a_V ≠ 0``: the
    coefficient of ``log w_V`` in the slack of ``statement`` on noisy models (``rhs - lhs`` for ``<=``, ``lhs - rhs``
    for ``>=``; for ``==`` the ``lhs - rhs`` coefficients). Raises :class:`~derive.errors.InvalidArgument` for a
    statement that is not linear in joint entropies (``sqrt(I(X; Y))``): then nothing is said."""
    from derive.core.linear import linear_form
    from derive.core.quantities import H, I
    from derive.errors import InvalidArgument
    from derive.numeric.expressions import rvset_names

    lf = linear_form(statement.slack())
    out: dict[str, Any] = {}
    for atom, c in lf.terms.items():
        if isinstance(atom, I):
            continue
        if not isinstance(atom, H):
            raise InvalidArgument(f"{atom} is not an entropy")
        target = set(rvset_names(atom.target)) - set(rvset_names(atom.given))
        for v in target:
            if _family(v) in continuous:
                out[_family(v)] = out.get(_family(v), 0) + c
    return {v: a for v, a in out.items() if a != 0}


#: Exponents ``k`` tried for the scale ``2^(∓k)`` of the constant model's continuous variables.
SCALE_EXPONENTS = (1, 2, 4, 8, 16, 32, 64, 128)


def scaled_constant_counterexample(proof, statement, premises=(), units: str = "bits") -> tuple[dict, Any] | None:
    """``(widths, certified slack)``: the model with every variable constant and the continuous variables
    ``V = w_V U_V``, on which ``statement`` is certainly false and every statement of ``premises`` certainly holds
    (the caller checks that the constant model satisfies the hypotheses: independences, Markov chains, functions,
    i.i.d. — not a channel's law); ``None`` when the statement is balanced (every ``a_V = 0``: then a constant model gives its constant part
    only), names a free parameter or another quantity than ``H``/``I``, or no scale ``2^(∓k)`` of
    :data:`SCALE_EXPONENTS` works. ``w_V = 2^(-k sign(a_V))``: the slack gains ``-k Σ |a_V|`` bits."""
    from derive.core.hypotheses import continuous_variables
    from derive.errors import DeriveError
    from derive.numeric.certify import ArbInformation, certified_slack

    continuous = continuous_variables(proof.continuous, proof.hypotheses.values())
    if statement.free_symbols() or any(p.free_symbols() for p in premises) or any(
            infinite_for_continuous(st, continuous) for st in (statement, *premises)):
        return None
    try:
        coeffs = log_width_coefficients(statement, continuous)
    except DeriveError:
        return None
    if not coeffs or not all(getattr(a, "is_Rational", False) for a in coeffs.values()):
        return None
    names = sorted({n for st in (statement, *premises) for _, ns in _entropy_atoms(st) for n in ns})

    def constant(_: frozenset) -> tuple[list[int], int]:
        return [1], 1

    for k in SCALE_EXPONENTS:
        widths = {v: Fraction(1, 2 ** k) if a > 0 else Fraction(2 ** k) for v, a in coeffs.items()}
        on = widths_on(names, widths)
        try:
            cert, _ = certified_slack(lambda: ArbInformation(constant, {}, {}, units, on), statement, "negative")
            if cert is None:
                continue
            if all(certified_slack(lambda: ArbInformation(constant, {}, {}, units, on), p, "nonnegative")[0]
                   is not None for p in premises):
                return on, cert
        except DeriveError:
            return None
    return None
