"""Closed forms reproduced through the verification models and ``derive eval``'s model language.

BSC with a uniform input: ``I(X; Y) = 1 - h(delta)``; BEC: ``I(X; Y) = (1 - eps) H(X)``; Fano is tight for
a uniform ``X`` seen through a q-ary symmetric channel. Float64 to 1e-12, mpmath at 50 digits to 1e-40.
"""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
import sympy

from derive.core import ChannelSpec, I, H, RV
from derive.numeric import JointPMF, binary_entropy, binary_entropy_mp, evaluate
from derive.numeric.distributions import entropy_of_pmf
from derive.numeric.batched import (
    evaluate_batch,
    kl_divergence_batch,
    kl_divergence_float,
    mutual_information_batch,
    mutual_information_float,
    random_pmfs,
)
from derive.numeric.model_spec import parse_model, parse_number_expression
from derive.numeric.models import channel_matrix

X, Y = RV("X"), RV("Y")
TINY_MP = mpmath.mpf(10) ** -40


def _channel_model(p_x, spec: ChannelSpec) -> JointPMF:
    rows = channel_matrix(spec)
    mat = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        mat[r, :] = row
    return JointPMF.exact(["X"], p_x).apply_channel(["X"], mat, "Y")


@pytest.mark.parametrize("delta", [F(0), F(1, 10), F(1, 4), F(1, 3), F(49, 100), F(1, 2)])
def test_bsc_uniform_input_is_one_minus_h(delta):
    P = _channel_model([F(1, 2), F(1, 2)], ChannelSpec("BSC", (sympy.Rational(delta.numerator, delta.denominator),)))
    assert abs(evaluate(I(X, Y), P) - (1 - binary_entropy(delta))) < 1e-12
    with mpmath.workdps(60):
        exact = 1 - binary_entropy_mp(delta, dps=60)
        got = evaluate(I(X, Y), P, precision="mp", dps=50)
        assert abs(got - exact) < TINY_MP


@pytest.mark.parametrize("eps", [F(0), F(3, 10), F(1, 2), F(9, 10), F(1)])
@pytest.mark.parametrize("p_x", [[F(1, 2), F(1, 2)], [F(1, 5), F(4, 5)], [F(1), F(0)]])
def test_bec_is_one_minus_eps_times_input_entropy(eps, p_x):
    P = _channel_model(p_x, ChannelSpec("BEC", (sympy.Rational(eps.numerator, eps.denominator),)))
    hx = entropy_of_pmf([float(v) for v in p_x])
    assert abs(evaluate(I(X, Y), P) - float(1 - eps) * hx) < 1e-12
    with mpmath.workdps(60):
        hx_mp = -mpmath.fsum(mpmath.mpf(v.numerator) / v.denominator * mpmath.log(mpmath.mpf(v.numerator) / v.denominator, 2)
                             for v in p_x if v)
        exact = (mpmath.mpf(1) - mpmath.mpf(eps.numerator) / eps.denominator) * hx_mp
        assert abs(evaluate(I(X, Y), P, precision="mp", dps=50) - exact) < TINY_MP


@pytest.mark.parametrize("k,pe", [(3, F(1, 5)), (4, F(1, 3)), (5, F(1, 10))])
def test_fano_is_tight_for_a_uniform_input_through_a_symmetric_channel(k, pe):
    """H(X | Y) = h(pe) + pe log2(k - 1) when X is uniform and Y = X w.p. 1 - pe, else uniform on the others."""
    spec = ChannelSpec("QSC", (sympy.Integer(k), sympy.Rational(pe.numerator, pe.denominator)))
    P = _channel_model([F(1, k)] * k, spec)
    bound = binary_entropy(pe) + float(pe) * np.log2(k - 1)
    assert abs(evaluate(H(X, given=Y), P) - bound) < 1e-12
    with mpmath.workdps(60):
        exact = binary_entropy_mp(pe, dps=60) + mpmath.mpf(pe.numerator) / pe.denominator * mpmath.log(k - 1, 2)
        assert abs(evaluate(H(X, given=Y), P, precision="mp", dps=50) - exact) < TINY_MP


def test_model_language_builds_the_same_exact_model():
    spec = parse_model("X ~ Bernoulli(1/2); Y | X ~ BSC(0.1)")
    m = spec.build()
    assert m.joint.is_exact and m.joint.names == ("X", "Y")
    assert list(m.joint.table.flat) == [F(9, 20), F(1, 20), F(1, 20), F(9, 20)]
    assert abs(evaluate(I(X, Y), m) - (1 - binary_entropy(F(1, 10)))) < 1e-12
    assert (parse_number_expression("1 - 1/3") == F(2, 3) and parse_number_expression("0.125") == F(1, 8)
            and parse_number_expression("-(1/2)*3") == F(-3, 2))


def test_channels_mean_what_proof_files_say():
    p = sympy.Rational(1, 4)
    assert channel_matrix(ChannelSpec("BSC", (p,))) == [[F(3, 4), F(1, 4)], [F(1, 4), F(3, 4)]]
    assert channel_matrix(ChannelSpec("BEC", (p,))) == [[F(3, 4), F(1, 4), 0], [0, F(1, 4), F(3, 4)]]
    assert channel_matrix(ChannelSpec("Z", (p,))) == [[1, 0], [F(1, 4), F(3, 4)]]
    q = channel_matrix(ChannelSpec("QSC", (sympy.Integer(3), p)))
    assert q[0] == [F(3, 4), F(1, 8), F(1, 8)] and all(sum(r) == 1 for r in q)


def test_batched_and_float_paths_agree_with_evaluate():
    rng = np.random.default_rng(1)
    batch = random_pmfs(40, (2, 3, 2), rng)
    got = mutual_information_batch(batch, [0], [1], [2])
    from derive.io import ParseContext, parse_expression

    expr = parse_expression("I(A; B | C) + 2*H(A | B) - H(C)", ParseContext(auto_variables=True))
    via_batch = evaluate_batch(expr, batch, ["A", "B", "C"])
    for k in range(40):
        J = JointPMF(["A", "B", "C"], batch[k], exact=False)
        ref = J.mutual_information(["A"], ["B"], ["C"])
        assert abs(got[k] - ref) < 1e-12
        assert abs(mutual_information_float(batch[k], [0], [1], [2]) - ref) < 1e-12
        assert abs(via_batch[k] - evaluate(expr, J)) < 1e-12
    P, Q = random_pmfs(10, (5,), rng), random_pmfs(10, (5,), rng)
    from derive.numeric import kl_divergence

    kl = kl_divergence_batch(P, Q)
    for k in range(10):
        assert abs(kl[k] - kl_divergence(P[k], Q[k])) < 1e-12
        assert abs(kl_divergence_float(P[k], Q[k]) - kl[k]) < 1e-12
    assert kl_divergence_batch(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))[0] == np.inf
