"""Canonicalization and linear forms (trusted core), tested directly and against an independent evaluator.

The oracle here computes conditional entropies and mutual informations from their *definitions* on a joint
pmf (sums of p log p / p log(p p / p p)), not through the joint-entropy identities that ``linear_form`` uses.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core import RV, RVSet, Family, index_symbol
from derive.core.linear import LinearForm, joint_entropy, linear_form
from derive.core.quantities import H, I
from derive.core.variables import InternalSymbol

X, Y, Z, W = (RV(n) for n in "XYZW")
VARS = (X, Y, Z, W)


# ---------------------------------------------------------------------------- canonicalization

def test_mutual_information_is_symmetric_and_self_information_is_entropy():
    assert I(X, Y) == I(Y, X)
    assert I(RVSet(X, Y), Z, given=W) == I(Z, RVSet(Y, X), given=W)
    assert I(X, Y, given=X) == 0  # conditioning on a side removes it (for continuous variables too)
    assert H(RVSet(X, X)) == H(X)
    # discrete-only identities are linear-form facts, not construction-time rewrites: for a continuous X,
    # I(X; X) = +oo and H(X | X) = -oo, and the kernel must still see the atom to refuse it
    assert I(X, X) != H(X) and linear_form(I(X, X)) == linear_form(H(X))
    assert H(X, given=X) != 0 and linear_form(H(X, given=X)).is_zero()
    assert linear_form(I(X, RVSet(X, Y), given=Z)) == linear_form(H(X, given=Z))
    assert linear_form(H(RVSet(X, Y), given=X)) == linear_form(H(Y, given=X))


def test_variable_sets_ignore_order_and_repetition():
    assert RVSet(X, Y, Z) == RVSet(Z, Y, X) == RVSet(X, Y, X, Z)
    assert H(RVSet(Y, X), given=Z) == H(RVSet(X, Y), given=Z)


def test_expansion_into_joint_entropies():
    assert linear_form(I(X, Y, given=Z)) == LinearForm({joint_entropy(RVSet(X, Z)): 1, joint_entropy(RVSet(Y, Z)): 1,
                                                   joint_entropy(RVSet(X, Y, Z)): -1, joint_entropy(RVSet(Z)): -1})
    assert linear_form(H(X, given=Y)) == LinearForm({joint_entropy(RVSet(X, Y)): 1, joint_entropy(RVSet(Y)): -1})
    # the chain rule is an identity of linear forms
    assert (linear_form(H(RVSet(X, Y))) - linear_form(H(X)) - linear_form(H(Y, given=X))).is_zero()
    assert not (linear_form(H(RVSet(X, Y))) - linear_form(H(X)) - linear_form(H(Y))).is_zero()
    # constants and parameters stay in the coefficients
    d = sympy.Symbol("delta")
    f = linear_form(3 + d * I(X, Y))
    assert f.const == 3 and f.coefficient(joint_entropy(RVSet(X))) == d


def test_sums_over_a_family_use_an_internal_index():
    n = sympy.Symbol("n", integer=True, positive=True)
    i = index_symbol("i")
    fam = Family("A", 1, n)
    s = sympy.Sum(I(RVSet(RV("M")), RVSet(fam[i]), given=RVSet(RV("P"))), (i, 1, n))
    form = linear_form(s)
    indices = {lim[0] for a in form.terms for node in sympy.preorder_traversal(a) if isinstance(node, sympy.Sum)
               for lim in node.limits}
    assert indices and all(isinstance(j, InternalSymbol) for j in indices)
    # a user parameter named like the internal index is a different symbol
    assert all(j != sympy.Symbol(j.name) for j in indices)


# ---------------------------------------------------------------------------- independent numeric oracle

def _marginal(p: np.ndarray, keep: tuple[int, ...]) -> np.ndarray:
    drop = tuple(k for k in range(p.ndim) if k not in keep)
    return p.sum(axis=drop, keepdims=True)


def _plogp_ratio(p: np.ndarray, num: list[np.ndarray], den: list[np.ndarray]) -> float:
    """Σ p · log2(Π num / Π den) over the support of p (arrays broadcast against p)."""
    mask = p > 0
    ratio = np.ones_like(p)
    for a in num:
        ratio = ratio * np.broadcast_to(a, p.shape)
    for a in den:
        with np.errstate(divide="ignore", invalid="ignore"):  # zero only off the support of p
            ratio = ratio / np.broadcast_to(a, p.shape)
    return float((p[mask] * np.log2(ratio[mask])).sum())


def _value(atom, p: np.ndarray) -> float:
    """H(A | C) = -Σ p(a, c) log p(a | c); I(A; B | C) = Σ p(a, b, c) log p(a, b, c) p(c) / (p(a, c) p(b, c))."""
    idx = lambda s: tuple(sorted(VARS.index(v) for v in s.args))  # noqa: E731
    if isinstance(atom, H):
        a, c = idx(atom.target), idx(atom.given)
        pac = _marginal(p, tuple(sorted(set(a) | set(c))))
        return -_plogp_ratio(pac, [pac], [_marginal(p, c)] if c else [])
    a, b, c = idx(atom.left), idx(atom.right), idx(atom.given)
    abc = tuple(sorted(set(a) | set(b) | set(c)))
    pabc = _marginal(p, abc)
    return _plogp_ratio(pabc, [pabc] + ([_marginal(p, c)] if c else []),
                        [_marginal(p, tuple(sorted(set(a) | set(c)))), _marginal(p, tuple(sorted(set(b) | set(c))))])


def _joint_value(s: RVSet, p: np.ndarray) -> float:
    return _value(H(s), p) if len(s) else 0.0


subsets = st.sets(st.sampled_from(VARS), min_size=0, max_size=4).map(lambda s: RVSet(*s))
atoms = st.one_of(st.tuples(st.just("H"), subsets.filter(len), subsets),
                  st.tuples(st.just("I"), subsets.filter(len), subsets.filter(len), subsets))


def _atom(spec):
    return H(spec[1], given=spec[2]) if spec[0] == "H" else I(spec[1], spec[2], given=spec[3])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), atoms), min_size=1, max_size=5), st.integers(0, 10 ** 6))
def test_linear_form_agrees_with_the_definitions_on_random_distributions(combo, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(16, 0.7)).reshape(2, 2, 2, 2)
    p[rng.random(p.shape) < 0.2] = 0  # some zeros: the support matters
    p /= p.sum()
    expr = sympy.Add(*[c * _atom(a) for c, a in combo])
    direct = sum(c * _value(_atom(a), p) if _atom(a) != 0 else 0.0 for c, a in combo)
    form = linear_form(expr)
    via_form = float(form.const) + sum(float(c) * _joint_value(atom.target, p) for atom, c in form.terms.items())
    assert abs(direct - via_form) < 1e-9


def test_every_elemental_inequality_is_nonnegative_on_a_random_distribution():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(16)).reshape(2, 2, 2, 2)
    for a, b in itertools.combinations(VARS, 2):
        rest = [v for v in VARS if v not in (a, b)]
        for k in range(len(rest) + 1):
            for c in itertools.combinations(rest, k):
                assert _value(I(a, b, given=RVSet(*c)), p) >= -1e-12
