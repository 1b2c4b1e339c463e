"""Sums of information quantities over a fixed range are written out term by term in linear forms (trusted core).

``sum(f(i), i, lo, hi)`` with ``hi - lo`` a known integer below ``MAX_EXPANDED_RANGE`` has the linear form of
``f(lo) + ... + f(hi)``; a symbolic range keeps a ``Sum`` atom. Oracles: the explicit sums written by hand, the chain
rule (an identity the expansion must reproduce exactly), and an independent numeric evaluation of the sum term by
term from the definitions on random pmfs.
"""

from __future__ import annotations


import numpy as np
import sympy
from hypothesis import given, settings, strategies as st

from derive.core import RV, RVSet, index_symbol
from derive.core.linear import linear_form
from derive.core.quantities import H, I
from derive.core.variables import MAX_EXPANDED_RANGE, FamilyMember, FamilyRange, InternalSymbol

i, k = index_symbol("i"), index_symbol("k")
M = RV("M")


def X(j) -> RVSet:
    return RVSet(FamilyMember("X", j))


def block(lo, hi) -> RVSet:
    return RVSet(*FamilyRange.make("X", lo, hi))


def test_a_fixed_range_sum_is_the_sum_of_its_terms():
    s = sympy.Sum(H(X(i)), (i, 1, 3))
    assert linear_form(s) == linear_form(H(X(1)) + H(X(2)) + H(X(3)))
    weighted = sympy.Sum(i * I(M, X(i)), (i, 2, 4))
    assert linear_form(weighted) == linear_form(2 * I(M, X(2)) + 3 * I(M, X(3)) + 4 * I(M, X(4)))


def test_the_chain_rule_is_reproduced_exactly():
    # sum_i H(X[i] | X[1..i-1]) = H(X[1..n]) for n = 1..6: the conditioning blocks expand with the index
    for n in range(1, 7):
        s = sympy.Sum(H(X(i), given=block(1, i - 1)), (i, 1, n))
        assert linear_form(s) == linear_form(H(block(1, n))), n
        mi = sympy.Sum(I(M, X(i), given=block(1, i - 1)), (i, 1, n))
        assert linear_form(mi) == linear_form(I(M, block(1, n))), n


def test_nested_fixed_sums_and_an_inner_range_that_depends_on_the_outer_index():
    s = sympy.Sum(sympy.Sum(I(X(i), X(k)), (k, 1, 2)), (i, 3, 4))
    explicit = sum(I(X(a), X(b)) for a in (3, 4) for b in (1, 2))
    assert linear_form(s) == linear_form(explicit)
    tri = sympy.Sum(sympy.Sum(H(X(k)), (k, 1, i)), (i, 1, 3))  # = 3 H(X1) + 2 H(X2) + H(X3)
    assert linear_form(tri) == linear_form(3 * H(X(1)) + 2 * H(X(2)) + H(X(3)))


def test_a_symbolic_or_long_range_keeps_a_sum_atom():
    n = sympy.Symbol("n", integer=True, positive=True)
    for hi in (n, MAX_EXPANDED_RANGE + 1):
        form = linear_form(sympy.Sum(H(X(i)), (i, 1, hi)))
        assert any(isinstance(a, sympy.Sum) for a in form.terms), hi
    assert not any(isinstance(a, sympy.Sum) for a in linear_form(sympy.Sum(H(X(i)), (i, 1, MAX_EXPANDED_RANGE))).terms)


def test_a_fixed_outer_sum_around_a_symbolic_inner_one_keeps_distinct_indices():
    n = sympy.Symbol("n", integer=True, positive=True)
    s = sympy.Sum(sympy.Sum(I(X(i), X(k)), (k, 1, n)), (i, 1, 2))
    form = linear_form(s)
    sums = [a for a in form.terms if isinstance(a, sympy.Sum)]
    assert sums and all(isinstance(lim[0], InternalSymbol) for a in sums for lim in a.limits)
    assert form == linear_form(sympy.Sum(I(X(1), X(k)), (k, 1, n)) + sympy.Sum(I(X(2), X(k)), (k, 1, n)))


# ---------------------------------------------------------------------------- independent numeric oracle

def _entropy(p: np.ndarray, keep: tuple[int, ...]) -> float:
    if not keep:
        return 0.0
    drop = tuple(a for a in range(p.ndim) if a not in keep)
    q = p.sum(axis=drop).ravel()
    q = q[q > 0]
    return float(-(q * np.log2(q)).sum())


def _value_of_form(form, p: np.ndarray, axis: dict) -> float:
    total = float(form.const)
    for atom, c in form.terms.items():
        members = tuple(sorted(axis[str(m)] for m in atom.target.args))
        total += float(c) * _entropy(p, members)
    return total


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2 ** 31 - 1), st.sampled_from(["cond", "mi", "weighted"]))
def test_expanded_sums_agree_with_a_term_by_term_evaluation(n, seed, kind):
    # variables X[1..n] and M on bits; each term evaluated from its definition (H(A|B) = H(A,B) - H(B) etc. by
    # direct marginalization here, independent of linear_form)
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(2 ** (n + 1))).reshape((2,) * (n + 1))
    axis = {f"X[{j}]": j - 1 for j in range(1, n + 1)} | {"M": n}
    xs = lambda lo, hi: tuple(range(lo - 1, hi))  # noqa: E731 - axes of X[lo..hi]
    if kind == "cond":
        expr = sympy.Sum(H(X(i), given=block(1, i - 1)), (i, 1, n))
        direct = sum(_entropy(p, xs(1, j)) - _entropy(p, xs(1, j - 1)) for j in range(1, n + 1))
    elif kind == "mi":
        expr = sympy.Sum(I(M, X(i)), (i, 1, n))
        direct = sum(_entropy(p, (n,)) + _entropy(p, (j - 1,)) - _entropy(p, (j - 1, n)) for j in range(1, n + 1))
    else:
        expr = sympy.Sum(i ** 2 * H(X(i), given=RVSet(M)), (i, 1, n))
        direct = sum(j * j * (_entropy(p, (j - 1, n)) - _entropy(p, (n,))) for j in range(1, n + 1))
    form = linear_form(expr)
    assert not any(isinstance(a, sympy.Sum) for a in form.terms)
    assert abs(_value_of_form(form, p, axis) - direct) < 1e-9


def test_a_fixed_sum_between_two_symbolic_ones_matches_its_terms_written_out():
    n = sympy.Symbol("n", integer=True, positive=True)
    m = index_symbol("m")
    three = sympy.Sum(sympy.Sum(sympy.Sum(k * I(X(i), X(m), given=RVSet(FamilyMember("Y", k))), (m, 1, n)), (k, 1, 2)),
                      (i, 1, n))
    written = sum(sympy.Sum(sympy.Sum(c * I(X(i), X(m), given=RVSet(FamilyMember("Y", c))), (m, 1, n)), (i, 1, n))
                  for c in (1, 2))
    form = linear_form(three)
    assert form == linear_form(written)
    for a in form.terms:  # nested sums never reuse an index inside another's scope
        if isinstance(a, sympy.Sum):
            inner = [lim[0] for node in sympy.preorder_traversal(a) if isinstance(node, sympy.Sum) for lim in node.limits]
            assert len(inner) == len(set(inner))


def test_an_inner_range_that_depends_on_the_outer_index_and_constant_inner_sums():
    # sum_{i=1}^{3} sum_{k=1}^{i-1} I(X[i]; X[k]): the pairs below the diagonal (the first inner range is empty)
    pairs = sympy.Sum(sympy.Sum(I(X(i), X(k)), (k, 1, i - 1)), (i, 1, 3))
    assert linear_form(pairs) == linear_form(I(X(2), X(1)) + I(X(3), X(1)) + I(X(3), X(2)))
    # an information-free inner sum in a coefficient is evaluated with the empty-sum convention:
    # sum_{k=1}^{i-2} 1 is 0 at i = 1 and i = 2 (sympy's Karr convention would give -1 at i = 1)
    weights = sympy.Sum(sympy.Sum(1, (k, 1, i - 2)) * H(X(i)), (i, 1, 4))
    form = linear_form(weights)
    assert form == linear_form(H(X(3)) + 2 * H(X(4)))
    assert not any(c.has(sympy.Sum) for c in form.terms.values())
