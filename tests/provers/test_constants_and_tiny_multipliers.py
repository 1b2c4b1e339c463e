"""Two prover gaps of issue #18: a certificate needing a multiplier far below HiGHS's tolerances (residual
refinement of the exact repair), and claims with a positive constant refuted on copies of a GF(2) model."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from derive.core import H, I, RV, Independent, RVSet, Statement
from derive.core.linear import linear_form
from derive.provers.refute import certified_slack, gf2_rank, search_counterexample
from derive.provers.shannon import prove

X, Y, Z = RV("X"), RV("Y"), RV("Z")
E12, E15, E20 = sympy.Rational(1, 10**12), sympy.Rational(1, 10**15), sympy.Rational(1, 10**20)


@pytest.mark.parametrize("claim", [
    Statement(I(X, Y), "<=", (1 + E12) * H(Y)),
    Statement(I(X, Y), "<=", (1 + E12) * H(Y) + E15 * H(X)),
    Statement(I(X, Y, given=Z), "<=", (1 + E12) * H(Y, given=Z) + E20 * H(Z)),
    Statement(H(X, Y), "<=", H(X) + (1 + E12) * H(Y)),
])
def test_tiny_multipliers_give_an_exact_certificate(claim):
    res = prove(claim)
    assert res.status == "proved"
    # the kernel-checked multipliers really contain the tiny part (not rounded away)
    assert any(0 < m < sympy.Rational(1, 10**9) for _, m in res.certificate.used())


def test_the_tiny_multiplier_version_slightly_too_strong_is_false():
    res = prove(Statement(I(X, Y), "<=", (1 - E12) * H(Y)))
    assert res.status == "false" and res.counterexample["certified"] is True


def _recheck(claim, cex, items):
    """The violation re-evaluated from the reported model: t copies of a GF(2) model, every entropy t * rank."""
    t = cex.get("copies", 1)
    bits = {str(v): 0 if d == "constant" else sum(1 << (int(b[1:]) - 1) for b in d.split(" xor "))
            for v, d in cex["model"].items()}
    form = linear_form(claim.slack())
    return certified_slack(form, lambda members: t * gf2_rank([bits[str(m)] for m in members]))


@pytest.mark.parametrize("claim, hyps", [
    (Statement(H(X), "<=", 1), {}),
    (Statement(H(X), "<=", 2), {}),
    (Statement(H(X), "<=", sympy.Rational(5, 2)), {}),
    (Statement(H(X, Y), "<=", 3), {}),
    (Statement(I(X, Y), "<=", 1), {}),
    (Statement(H(X), "<=", 1), {"ind": Independent(RVSet(X), RVSet(Y))}),
    (Statement(H(X) + H(Y), "<=", H(X, Y) + 1), {}),
])
def test_a_positive_constant_is_beaten_on_copies_of_a_model(claim, hyps):
    res = prove(claim, hyps)
    assert res.status == "false"
    cex = res.counterexample
    assert cex["certified"] is True and cex["method"] == "exact" and cex["copies"] >= 2
    v = _recheck(claim, cex, None)
    assert v is not None and v.exact is not None and v.exact < 0


@pytest.mark.parametrize("claim", [
    Statement(H(X), ">=", 0),
    Statement(H(X), "<=", H(X, Y) + 1),
    Statement(I(X, Y), "<=", H(X) + sympy.Rational(1, 3)),
    Statement(H(X, Y), "<=", H(X) + H(Y) + 2),
])
def test_true_claims_with_constants_are_never_called_false(claim):
    assert search_counterexample(claim) is None
    assert prove(claim).status == "proved"
