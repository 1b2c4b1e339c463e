"""Mutual independence and i.i.d. over a symbolic range ``X[lo..hi]`` as equalities the kernel can use.

``mutually_independent = "X[lo..hi] | G"`` states ``Σ_{i=lo}^{hi} I(X[i]; X[lo..i-1] | G) = 0`` (each term is
``>= 0``, so the sum vanishes exactly when every term does: the definition of mutual independence);
``iid`` adds ``Σ_{i=lo}^{hi} (H(X[i] | G) - H(X[lo] | G)) = 0`` (each term is 0). Before, a family hypothesis
over a symbolic range stated no equality at all, so ``H(X[1..n]) == sum(H(X[i]), i, 1, n)`` under mutual
independence, a textbook step, could not be proved for every n.

Oracles: numpy entropies of random joint pmfs (the equality's value must be the total correlation
``Σ H(X_i | G) - H(X^n | G)``, zero exactly on independent models), and the finite hypothesis's equalities at each n.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive.core.hypotheses import IID, MutuallyIndependent
from derive.core.linear import linear_form
from derive.core.quantities import H
from derive.core.variables import FamilyMember, FamilyRange, RVSet
from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.provers.certificate_search import default_oracle


def _proof(claim: str, hypothesis: str, rule: str = "shannon", n: str = "integer >= 1", extra: str = "") -> str:
    return f'''[proof]
name = "fam"
[parameters]
n = "{n}"
[variables]
random = ["T"]
families = {{ X = "1..n" }}
[[hypothesis]]
id = "h"
{hypothesis}
{extra}
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
uses = ["h"{', "c"' if extra else ''}]
'''


def _status(text: str) -> str:
    return check_proof(read_proof_text(text), oracle=default_oracle()).steps[-1].status


CHAIN = '''[[step]]
id = "c"
claim = "H(X[1..n]) == sum(H(X[i] | X[1..i-1]), i, 1, n)"
rule = "chain_rule"'''


@pytest.mark.parametrize("claim, hypothesis", [
    ("H(X[1..n]) == sum(H(X[i]), i, 1, n)", 'mutually_independent = "X[1..n]"'),
    ("H(X[1..n]) >= sum(H(X[i]), i, 1, n)", 'mutually_independent = "X[1..n]"'),
    ("H(X[1..n] | T) == sum(H(X[i] | T), i, 1, n)", 'mutually_independent = "X[1..n] | T"'),
    ("H(X[1..n]) == n*H(X[1])", 'iid = "X[1..n]"'),
    ("H(X[1..n] | T) == n*H(X[1] | T)", 'iid = "X[1..n] | T"'),
    ("I(T; X[1..n]) <= sum(I(T; X[i]), i, 1, n)", 'mutually_independent = "X[1..n] | T"'),
    # session 23: i.i.d. given T makes the marginals equal too
    ("sum(H(X[i]), i, 1, n) == n*H(X[1])", 'iid = "X[1..n] | T"'),
])
def test_accepted_for_every_n(claim, hypothesis):
    assert _status(_proof(claim, hypothesis)) == "proved"


@pytest.mark.slow
def test_iid_given_t_bounds_the_joint_entropy_through_the_chain_rule():
    """H(X[1..n]) <= n H(X[1]) for X[1..n] i.i.d. given T: subadditivity (the chain rule) and equal marginals."""
    assert _status(_proof("H(X[1..n]) <= n*H(X[1])", 'iid = "X[1..n] | T"', extra=CHAIN)) == "proved"
    assert _status(_proof("H(X[1..n]) <= n*H(X[1])", 'mutually_independent = "X[1..n] | T"', extra=CHAIN)) != "proved"


def test_accepted_through_the_chain_rule_with_the_linear_rule():
    assert _status(_proof("H(X[1..n]) == sum(H(X[i]), i, 1, n)", 'mutually_independent = "X[1..n]"',
                          rule="linear", extra=CHAIN)) == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, hypothesis", [
    # independence given T says nothing about the unconditioned law (X[i] = T for every i)
    ("H(X[1..n]) == sum(H(X[i]), i, 1, n)", 'mutually_independent = "X[1..n] | T"'),
    ("H(X[1..n]) >= sum(H(X[i]), i, 1, n)", 'independent = "T _|_ X[1..n]"'),
    ("H(X[1..n]) == (n + 1)*H(X[1])", 'iid = "X[1..n]"'),              # false at n = 1 when H(X[1]) > 0
    ("H(X[1..n]) == n*H(X[1])", 'mutually_independent = "X[1..n]"'),   # identical laws are not given
    ("H(X[1..n]) <= sum(H(X[i]), i, 1, n) - 1", 'iid = "X[1..n]"'),
    ("H(X[1..n]) >= n*H(X[1])", 'iid = "X[1..n] | T"'),                 # X[i] = T for every i: H(T) < n H(T)
    ("H(X[1..n]) <= n*H(X[1])", 'mutually_independent = "X[1..n] | T"'),  # X[1] constant, X[2] = T a bit
])
def test_rejected(claim, hypothesis):
    assert _status(_proof(claim, hypothesis)) != "proved"
    assert _status(_proof(claim, hypothesis, rule="linear", extra=CHAIN)) != "proved"


@pytest.mark.slow
def test_prove_decides_the_textbook_steps_for_every_n():
    v = derive.prove("H(X[1..n]) == sum(H(X[i]), i, 1, n)", "mutually_independent: X[1..n]")
    assert v.status == "proved"
    assert derive.prove("H(X[1..n]) == n*H(X[1])", "iid: X[1..n]").status == "proved"
    assert derive.prove("H(X[1..n]) == n*H(X[1])", "mutually_independent: X[1..n]").status != "proved"


def test_an_empty_range_states_nothing():
    """n = 0: the sum is empty, the equality reads 0 = 0."""
    h = MutuallyIndependent((), family_range=FamilyRange("X", 1, sympy.Symbol("n", integer=True, nonnegative=True)))
    (eq,) = h.equalities()
    n = sympy.Symbol("n", integer=True, nonnegative=True)
    assert linear_form(eq.xreplace({n: 0})).is_zero()


# ---- the equality's meaning, against numpy --------------------------------------------------------------------

def _entropy(p: np.ndarray, axes: tuple[int, ...]) -> float:
    """Entropy in bits of the marginal of the joint pmf ``p`` on ``axes``."""
    if not axes:
        return 0.0
    drop = tuple(a for a in range(p.ndim) if a not in axes)
    m = p.sum(axis=drop).ravel() if drop else p.ravel()
    m = m[m > 0]
    return float(-(m * np.log2(m)).sum())


def _value(expr: sympy.Expr, p: np.ndarray, axis_of: dict) -> float:
    """The value on ``p`` of ``expr``'s linear form: each joint entropy read off numpy."""
    form = linear_form(expr)
    total = float(form.const)
    for atom, c in form.terms.items():
        assert isinstance(atom, H) and not atom.given
        total += float(c) * _entropy(p, tuple(sorted(axis_of[item] for item in atom.target.args)))
    return total


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.booleans(), st.integers(0, 2**32 - 1))
def test_the_equalities_mean_total_correlation_and_identical_marginals(n_value, conditioned, seed):
    rng = np.random.default_rng(seed)
    k = n_value + (1 if conditioned else 0)
    p = rng.dirichlet(np.ones(2 ** k)).reshape((2,) * k)   # a random joint law of X[1..n] (and T last)
    n = sympy.Symbol("n", integer=True, positive=True)
    T = derive.variables("T")
    g = RVSet(T) if conditioned else RVSet()
    axis_of = {FamilyMember("X", i + 1): i for i in range(n_value)} | ({T: n_value} if conditioned else {})
    block = FamilyRange("X", 1, n)
    mi = MutuallyIndependent((), g, family_range=block).equalities()[0].xreplace({n: n_value})
    iid_eqs = IID((), g, family_range=block).equalities()
    tc_axes = [(i,) for i in range(n_value)]
    cond = (n_value,) if conditioned else ()

    def h(axes):  # H(axes | T) from numpy
        return _entropy(p, tuple(axes) + cond) - _entropy(p, cond)

    total_correlation = sum(h(a) for a in tc_axes) - h(tuple(range(n_value)))
    assert _value(mi, p, axis_of) == pytest.approx(total_correlation, abs=1e-9)
    assert total_correlation >= -1e-12
    identical = sum(h(a) for a in tc_axes) - n_value * h((0,))
    assert _value(iid_eqs[1].xreplace({n: n_value}), p, axis_of) == pytest.approx(identical, abs=1e-9)
    # on a product of identical marginals (given T) both equalities vanish
    if not conditioned:
        q = rng.dirichlet(np.ones(2))
        prod = np.array([np.prod([q[b] for b in bits]) for bits in itertools.product((0, 1), repeat=n_value)])
        prod = prod.reshape((2,) * n_value)
        assert _value(mi, prod, axis_of) == pytest.approx(0, abs=1e-9)
        assert _value(iid_eqs[1].xreplace({n: n_value}), prod, axis_of) == pytest.approx(0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_iid_given_t_makes_both_identity_sums_vanish(n_value, seed):
    """X[1..n] i.i.d. given T (T a random pmf on 2 values, each X[i] drawn from one random kernel K(. | T)): the
    three equalities vanish (numpy); on a random joint law the marginal one is Σ_i H(X[i]) - n H(X[1]) (its meaning)."""
    rng = np.random.default_rng(seed)
    t, kernel = rng.dirichlet(np.ones(2)), rng.dirichlet(np.ones(2), size=2)
    p = np.zeros((2,) * (n_value + 1))
    for cell in itertools.product((0, 1), repeat=n_value + 1):
        *xs, tv = cell
        p[cell] = t[tv] * np.prod([kernel[tv][x] for x in xs])
    n = sympy.Symbol("n", integer=True, positive=True)
    T = derive.variables("T")
    axis_of = {FamilyMember("X", i + 1): i for i in range(n_value)} | {T: n_value}
    eqs = IID((), RVSet(T), family_range=FamilyRange("X", 1, n)).equalities()
    assert len(eqs) == 3   # mutual independence given T, identical conditional entropies, identical marginals
    for e in eqs:
        assert _value(e.xreplace({n: n_value}), p, axis_of) == pytest.approx(0, abs=1e-9)
    q = rng.dirichlet(np.ones(2 ** (n_value + 1))).reshape((2,) * (n_value + 1))   # any joint law of (X[1..n], T)
    marginals = [_entropy(q, (i,)) for i in range(n_value)]
    assert _value(eqs[2].xreplace({n: n_value}), q, axis_of) == pytest.approx(sum(marginals) - n_value * marginals[0],
                                                                              abs=1e-9)


def test_finite_iid_members_state_equal_marginals_too():
    h = IID((RVSet(FamilyMember("X", 1)), RVSet(FamilyMember("X", 2))), RVSet(derive.variables("T")))
    x1, x2 = FamilyMember("X", 1), FamilyMember("X", 2)
    assert any((linear_form(e) - linear_form(H(x1) - H(x2))).is_zero() for e in h.equalities())
    assert any((linear_form(e) - linear_form(H(x1, RVSet(derive.variables("T"))) - H(x2, RVSet(derive.variables("T")))))
               .is_zero() for e in h.equalities())


@pytest.mark.parametrize("n_value", [1, 2, 3, 5])
def test_at_each_size_the_sum_is_the_finite_hypotheses_equalities_added(n_value):
    n = sympy.Symbol("n", integer=True, positive=True)
    members = tuple(RVSet(FamilyMember("X", i)) for i in range(1, n_value + 1))
    finite = sum((linear_form(e) for e in MutuallyIndependent(members).equalities()), linear_form(sympy.S.Zero))
    family = MutuallyIndependent((), family_range=FamilyRange("X", 1, n)).equalities()[0].xreplace({n: n_value})
    assert (linear_form(family) - finite).is_zero()
