"""The reduction stage (issue #18): a claim that is a linear identity modulo the hypotheses' equalities, up to
non-negative joint entropies, is proved without an LP, with an exact certificate the kernel re-checks; false
variants stay `false` with a certified counterexample; true claims the reduction cannot settle go on to the LPs."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core import H, I, RV, Markov, RVSet, Statement
from derive.core.hypotheses import FunctionOf, MutuallyIndependent
from derive.core.linear import linear_form
from derive.provers.reduction import reduce_modulo, settle_by_equalities
from derive.provers.refute import is_certified
from derive.provers.shannon import prove

STAGE = "hypotheses' equalities"


def _vars(n):
    return [RV(f"X{i}") for i in range(1, n + 1)]


def _indep(X):
    return {"indep": MutuallyIndependent(tuple(RVSet(x) for x in X))}


def _chain(X):
    return {"chain": Markov(tuple(RVSet(x) for x in X))}


def _only_hypothesis_terms_and_entropies(cert) -> bool:
    return all(t.kind == "zero" or (t.kind == "nonneg" and isinstance(t.expr, H) and not t.expr.given)
               for t, _ in cert.used())


@pytest.mark.parametrize("n", [3, 6, 9])
def test_mutual_independence_joint_entropy_is_the_sum_of_marginals(n):
    X = _vars(n)
    res = prove(Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])), _indep(X))
    assert res.status == "proved" and STAGE in res.message
    assert _only_hypothesis_terms_and_entropies(res.certificate)
    # the certificate is the n - 1 independences, each with multiplier -1 (Σ_j I(X1..Xj; Xj+1) = Σ H(Xi) - H(all))
    assert sorted(m for _, m in res.certificate.used()) == [-1] * (n - 1)


def test_equality_claims_and_non_negative_remainders():
    X = _vars(5)
    total = sympy.Add(*[H(x) for x in X])
    eq = prove(Statement(H(*X), "==", total), _indep(X))
    assert eq.status == "proved" and STAGE in eq.message
    # H(X1..X5) >= H(X1) + ... + H(X4): the reduction leaves H(X5) >= 0
    rest = prove(Statement(H(*X), ">=", total - H(X[-1])), _indep(X))
    assert rest.status == "proved" and STAGE in rest.message
    assert any(t.kind == "nonneg" for t, _ in rest.certificate.used())


@pytest.mark.parametrize("n", [3, 5, 8])
def test_markov_factorisation(n):
    X = _vars(n)
    rhs = H(X[0]) + sympy.Add(*[H(X[i + 1], given=[X[i]]) for i in range(n - 1)])
    res = prove(Statement(H(*X), "==", rhs), _chain(X))
    assert res.status == "proved" and STAGE in res.message
    assert _only_hypothesis_terms_and_entropies(res.certificate)


@pytest.mark.parametrize("claim_of, hyps_of", [
    (lambda X: Statement(H(*X), "<=", sympy.Add(*[H(x) for x in X[:-1]])), _indep),  # X_n a fair bit
    (lambda X: Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])), _chain),  # X1 = X2 = ... a fair bit
    (lambda X: Statement(H(*X), "==", sympy.Add(*[H(x) for x in X[1:]])), _indep),
])
def test_false_variants_stay_false_with_a_certified_counterexample(claim_of, hyps_of):
    X = _vars(6)
    res = prove(claim_of(X), hyps_of(X))
    assert res.status == "false" and is_certified(res.counterexample)


@pytest.mark.parametrize("claim_of, hyps_of", [
    # functional dependence: H(X1..Xn) <= Σ_{i<n} H(Xi) needs subadditivity (an LP), not only H(Xn | rest) = 0
    (lambda X: Statement(H(*X), "<=", sympy.Add(*[H(x) for x in X[:-1]])),
     lambda X: {"fd": FunctionOf(RVSet(X[-1]), RVSet(*X[:-1]))}),
    # the data-processing inequality along a chain: an elemental inequality besides the chain's equalities
    (lambda X: Statement(I(X[0], X[-1]), "<=", I(X[1], X[2])), _chain),
    # under independence, H(X3, X4) = H(X3) + H(X4) needs I(X3; X4) <= I(X1, X2, X3; X4) = 0 (an elemental row)
    (lambda X: Statement(H(X[0], X[1]) + H(X[2], X[3]), ">=", H(*X[:4])), _indep),
])
def test_true_claims_the_reduction_cannot_settle_go_to_the_lps(claim_of, hyps_of):
    X = _vars(5)
    res = prove(claim_of(X), hyps_of(X))
    assert res.status == "proved" and STAGE not in res.message


def _vec(draw_ints):
    return {m: Fraction(v) for m, v in draw_ints.items() if v}


vectors = st.dictionaries(st.integers(1, 31), st.integers(-3, 3), max_size=6).map(_vec)


@settings(max_examples=60, deadline=None)
@given(target=vectors, equalities=st.lists(vectors, max_size=4))
def test_reduce_modulo_is_an_exact_decomposition(target, equalities):
    r, nu = reduce_modulo(target, equalities)
    total = dict(r)
    for j, v in nu.items():
        for m, c in equalities[j].items():
            total[m] = total.get(m, 0) + v * c
    assert {m: v for m, v in total.items() if v} == target
    # r has no pivot set left: reducing it again changes nothing
    assert reduce_modulo(r, equalities)[0] == r


@settings(max_examples=60, deadline=None)
@given(target=vectors, equalities=st.lists(vectors, min_size=1, max_size=4))
def test_settle_only_answers_with_non_negative_remainders(target, equalities):
    found = settle_by_equalities(target, equalities)
    if found is not None:
        nu, r = found
        assert all(v > 0 for v in r.values())


def test_kernel_rechecks_the_certificate():
    """The stage's certificate is the kernel's: every hypothesis equality is re-admitted by label."""
    X = _vars(4)
    res = prove(Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])), _indep(X))
    slack = linear_form(Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])).slack())
    total = slack
    for t, m in res.certificate.used():
        total = total - t.form.scale(m)
    assert total.is_zero()


def test_cli_proves_it_and_says_what_the_hypothesis_is(capsys):
    from derive.cli import main

    code = main(["prove", "H(A,B,C) >= H(A) + H(B) + H(C)", "--given", "A _|_ B _|_ C"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("proved:")
    assert "given: mutually independent: A, B, C" in out
