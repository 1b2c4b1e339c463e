"""The Shannon-type prover: proofs with exact kernel-checked certificates, refutations with real
counterexamples, `not_shannon` for Zhang-Yeung, and the kernel's refusal of corrupted certificates."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core import H, I, Independent, Markov, RV, RVSet, Statement
from derive.errors import CertificateError
from derive.kernel import check_certificate
from derive.kernel.check import check_proposal
from derive.kernel.linear import Proposal
from derive.provers.certificate_search import proposal_of_certificate
from derive.kernel.context import StepContext
from derive.kernel.linear import Certificate, Term
from derive.core.linear import linear_form
from derive.provers.refute import gf2_rank
from derive.provers.shannon import find_shannon_certificate, prove

S = Statement


def rvs(n):
    return [RV(f"X{i}") for i in range(1, n + 1)]


def chain(xs):
    return {"m": Markov(tuple(RVSet(x) for x in xs))}


KNOWN = {
    "subadditivity": lambda X: S(H(*X), "<=", sympy.Add(*[H(x) for x in X])),
    "han": lambda X: S(H(*X), "<=", sympy.Add(*[H(*[y for y in X if y != x]) for x in X]) / (len(X) - 1)),
    "chain_rule": lambda X: S(H(*X), "==", sympy.Add(*[H(X[k], given=X[:k]) for k in range(len(X))])),
    "conditioning_reduces": lambda X: S(H(X[0], given=X[1:]), "<=", H(X[0])),
}


@pytest.mark.parametrize("n", [3, 4, 6])
@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_shannon_inequalities_are_proved_with_certificates(name, n):
    X = rvs(n)
    claim = KNOWN[name](X)
    res = prove(claim)
    assert res.status == "proved" and res.certificate is not None
    if not claim.is_equality:
        assert check_certificate(claim, res.certificate, {}) is not None  # re-checked independently


@pytest.mark.parametrize("n", [3, 5, 6])
def test_markov_chain_dpi_proved(n):
    X = rvs(n)
    res = prove(S(I(X[0], X[-1]), "<=", I(X[1], X[2])), chain(X))
    assert res.status == "proved"


def _check_gf2_counterexample(claim, cex, hyps):
    """Recompute the counterexample independently: entropies are GF(2) ranks of the listed XORs."""
    assert cex["kind"] == "gf2-linear"
    masks = {}
    for name, desc in cex["model"].items():
        m = 0
        if desc != "constant":
            for b in desc.split(" xor "):
                m |= 1 << (int(b[1:]) - 1)
        masks[name] = m

    def value(expr):
        f = linear_form(expr)
        return sum(Fraction(int(c.p), int(c.q)) * gf2_rank([masks[str(v)] for v in a.target.args])
                   for a, c in f.terms.items()) + Fraction(int(f.const.p), int(f.const.q))

    for h in hyps.values():
        for e in h.equalities():
            assert value(e) == 0
    assert value(claim.slack()) < 0


@pytest.mark.parametrize("n", [3, 5, 8])
def test_false_variants_are_refuted_with_a_real_counterexample(n):
    X = rvs(n)
    cases = [
        (S(H(*X), ">=", sympy.Add(*[H(x) for x in X])), {}),
        (S(I(X[0], X[-1]), ">=", I(X[1], X[2])), chain(X)),
        (S(H(*X), ">=", sympy.Add(*[H(*[y for y in X if y != x]) for x in X]) / (n - 1)), {}),
    ]
    for claim, hyps in cases:
        res = prove(claim, hyps)
        assert res.status == "false", claim
        _check_gf2_counterexample(claim, res.counterexample, hyps)


def test_zhang_yeung_is_not_shannon():
    A, B, C, D_ = rvs(4)
    zy = S(2 * I(C, D_), "<=", I(A, B) + I(A, [C, D_]) + 3 * I(C, D_, given=A) + I(C, D_, given=B))
    assert prove(zy).status == "not_shannon"


def test_never_false_without_counterexample():
    A, B, C, D_ = rvs(4)
    zy = S(2 * I(C, D_), "<=", I(A, B) + I(A, [C, D_]) + 3 * I(C, D_, given=A) + I(C, D_, given=B))
    res = prove(zy, search_counterexample=False)
    assert res.status != "false" and res.counterexample is None


def _elementals(X):
    n = len(X)
    out = [H(X[i], given=[x for x in X if x != X[i]]) for i in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        rest = [X[k] for k in range(n) if k not in (i, j)]
        for r in range(len(rest) + 1):
            for ks in itertools.combinations(rest, r):
                out.append(I(X[i], X[j], given=list(ks)))
    return out


@settings(max_examples=20, deadline=None)
@given(st.integers(3, 4), st.lists(st.integers(0, 3), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_random_nonnegative_combinations_of_elementals_are_proved(n, weights, rnd):
    X = rvs(n)
    els = _elementals(X)
    chosen = [rnd.choice(els) for _ in weights]
    combo = sympy.Add(*[w * e for w, e in zip(weights, chosen)])
    res = find_shannon_certificate(S(combo, ">=", 0))
    assert res.status == "proved"


def test_corrupted_certificate_is_rejected_by_the_kernel():
    X = rvs(4)
    claim = KNOWN["subadditivity"](X)
    res = prove(claim)
    good = res.certificate
    rng = random.Random(0)
    for _ in range(10):
        mults = list(good.multipliers)
        k = rng.randrange(len(mults))
        t, m = mults[k]
        mults[k] = (t, m + rng.choice([sympy.Rational(1, 2), -sympy.Rational(1, 3), 1]))
        with pytest.raises(CertificateError):
            check_certificate(claim, Certificate(mults), {})


def test_fabricated_zero_term_is_not_admitted():
    """An oracle may not smuggle in 'I(X;Y) = 0' without a hypothesis that implies it."""
    X, Y = RV("X"), RV("Y")
    claim = S(I(X, Y), "<=", 0)
    fake = Proposal(zero=((I(X, Y), sympy.Integer(-1)),))
    ctx = StepContext("s", "shannon", claim, {}, {}, {}, {}, "bits")
    with pytest.raises(CertificateError, match="not a premise"):
        check_proposal(ctx, fake)
    # with the independence hypothesis the same term is admitted
    ctx = StepContext("s", "shannon", claim, {}, {}, {"ind": Independent(RVSet(X), RVSet(Y))}, {}, "bits")
    assert check_proposal(ctx, fake) is not None


def test_fabricated_nonneg_term_with_wrong_form_is_not_admitted():
    X, Y = RV("X"), RV("Y")
    claim = S(H(X), "<=", 0)
    ctx = StepContext("s", "shannon", claim, {}, {}, {}, {}, "bits")
    # an oracle cannot hand over a term at all (the kernel builds every term from a label or an expression) ...
    with pytest.raises(CertificateError, match="Proposal"):
        check_proposal(ctx, Certificate([(Term("I(X;Y)>=0", linear_form(-H(X)), "nonneg", "oracle", I(X, Y)), 1)]))
    # ... and an expression it calls ">= 0" must be provably so: -H(X) >= 0 is refused
    with pytest.raises(CertificateError):
        check_proposal(ctx, Proposal(nonneg=((-H(X), sympy.Integer(1)),)))
    with pytest.raises(CertificateError, match="not a premise"):
        check_proposal(ctx, Proposal((("I(X;Y)>=0", sympy.Integer(1)),)))


def test_markov_dpi_is_proved_on_the_claim_variables_and_rechecked_on_the_full_chain():
    from derive.kernel.context import StepContext
    from derive.provers.shannon import _restrict_markov_chains, prove

    X = [RV(f"X{i}") for i in range(1, 10)]
    hyps = {"chain": Markov(tuple(RVSet(x) for x in X))}
    claim = Statement(I(X[0], X[-1]), "<=", I(X[1], X[2]))
    r = prove(claim, hyps)
    assert r.status == "proved" and "restricted" in r.message
    ctx = StepContext("s", "shannon", claim, {}, {}, hyps, {}, "bits")
    check_proposal(ctx, proposal_of_certificate(ctx, r.certificate, "prover"))  # admitted against the full chain
    # the restriction keeps whole links that meet the claim and drops the others
    pair = RVSet(X[3], X[4])
    links = (RVSet(X[0]), pair, RVSet(X[5]), RVSet(X[6]))
    cut = _restrict_markov_chains({"m": Markov(links)}, RVSet(X[0], X[3], X[6]))
    assert cut["m"].chain == (RVSet(X[0]), pair, RVSet(X[6]))
    assert _restrict_markov_chains({"m": Markov(links)}, RVSet(*X)) is None  # nothing to cut
    # the false direction is still refuted
    assert prove(Statement(I(X[0], X[-1]), ">=", I(X[1], X[2])), hyps).status == "false"
