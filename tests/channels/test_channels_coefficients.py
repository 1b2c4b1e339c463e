"""Coefficients: closed forms, the ordering eta_chi2 <= eta_KL <= eta_TV, certified brackets, tensorization."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.channels import (AWGN, BEC, BSC, QSC, Matrix, Z, compose, eta_chi2, eta_chi2_sup, eta_kl, eta_tv,
                             product)
from derive.errors import InvalidArgument
from derive.numeric.strategies import weights

DELTAS = [Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(7, 10), Fraction(1)]


# ----------------------------------------------------------------------------- closed forms

@pytest.mark.parametrize("d", DELTAS)
def test_bsc_closed_form(d):
    b = eta_kl(BSC(d))
    assert b.lower == b.upper == (1 - 2 * d) ** 2 and b.closed_form
    assert eta_tv(BSC(d)).value == abs(1 - 2 * d)
    # the generic certified machinery agrees on the same matrix, without the closed form
    g = eta_kl(Matrix(BSC(d).rows))
    assert g.contains((1 - 2 * d) ** 2) and g.width <= Fraction(1, 10 ** 12)
    u = eta_kl(BSC(d), "uniform")
    assert u.lower == u.upper == (1 - 2 * d) ** 2


@pytest.mark.parametrize("e", DELTAS)
def test_bec_closed_form_for_every_input(e):
    assert eta_kl(BEC(e)).value == 1 - e
    for P in (["0.5", "0.5"], ["0.1", "0.9"]):
        assert eta_kl(BEC(e), P).value == 1 - e
        assert eta_chi2(BEC(e), P).exact == 1 - e
    assert eta_tv(BEC(e)).value == 1 - e
    assert eta_kl(BEC(e), [1, 0]).value == 0  # a point mass: nothing to contract


@pytest.mark.parametrize("snr", [0, Fraction(1, 2), 3, 100])
def test_awgn_gaussian_input_closed_form(snr):
    b = eta_kl(AWGN(snr))
    assert b.value == Fraction(snr) / (1 + Fraction(snr)) and "Gaussian" in b.lower_how
    assert eta_chi2(AWGN(snr), "gaussian").exact == Fraction(snr) / (1 + Fraction(snr))
    assert eta_tv(AWGN(snr)).value == 1
    with pytest.raises(InvalidArgument):
        eta_kl(AWGN(snr), [Fraction(1, 2), Fraction(1, 2)])


def test_z_channel_input_free_equals_dobrushin():
    # sup_t eta_chi2 = p(1-q)/(p + (1-p)q) -> 1 - q as the input concentrates on the noiseless symbol
    b = eta_kl(Z("0.3"))
    assert b.value == Fraction(7, 10) and isinstance(b.maximizer, dict)


def test_qsc_input_free_is_the_pair_value():
    # two-point reduction: the uniform input on two symbols, (1 - p - p/(q-1))^2 / (1 - p + p/(q-1))
    q, p = 3, Fraction(1, 5)
    a, c = 1 - p, p / (q - 1)
    assert eta_kl(QSC(q, p)).value == (a - c) ** 2 / (a + c)
    # the uniform input on all symbols gives the smaller chi2 value (1 - pq/(q-1))^2 ...
    assert abs(eta_chi2(QSC(q, p), "uniform").value - float((1 - p * q / (q - 1)) ** 2)) < 1e-12
    # ... and eta_KL(uniform) is only bracketed, never reported as the chi2 value
    b = eta_kl(QSC(q, p), "uniform")
    assert b.lower > Fraction(49, 100) and b.upper <= (a - c) ** 2 / (a + c)


# ----------------------------------------------------------------------------- the ordering, on random channels

@st.composite
def channels(draw, max_in=4, max_out=4):
    k = draw(st.integers(2, max_in))
    m = draw(st.integers(2, max_out))
    rows = []
    for _ in range(k):
        w = draw(weights(m, max_weight=9))
        rows.append([Fraction(v, sum(w)) for v in w])
    return Matrix(rows)


@st.composite
def channel_and_input(draw, max_in=3, max_out=3):
    K = draw(channels(max_in, max_out))
    w = draw(weights(K.shape[0], max_weight=9))
    return K, [Fraction(v, sum(w)) for v in w]


def _ratio(F, P, Q):
    py, qy = P @ F, Q @ F
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.nansum(np.where(qy > 0, qy * np.log(qy / py), 0.0))
        d = np.nansum(np.where(Q > 0, Q * np.log(Q / P), 0.0))
    return n / d if d > 1e-9 else 0.0


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(channel_and_input())
def test_ordering_chi2_le_kl_le_tv(case):
    K, P = case
    tv = eta_tv(K).value
    chi = eta_chi2(K, P)
    kl = eta_kl(K, P)
    free = eta_kl(K)
    assert chi.value <= float(kl.upper) + 1e-12
    assert kl.lower <= kl.upper <= tv
    assert kl.upper <= free.upper
    assert free.lower <= free.upper <= tv
    # brute force: no witness Q beats the certified upper end
    F = K.float_matrix()
    Pf = np.array([float(v) for v in P])
    S = Pf > 0
    rng = np.random.default_rng(0)
    for _ in range(200):
        Qf = np.zeros_like(Pf)
        Qf[S] = rng.dirichlet(np.ones(int(S.sum())) * 0.5)
        assert _ratio(F, Pf, Qf) <= float(kl.upper) + 1e-9


@settings(max_examples=15, deadline=None)
@given(channels(4, 4))
def test_input_free_bracket_contains_a_dense_search(K):
    b = eta_chi2_sup(K)
    F = K.float_matrix()
    rng = np.random.default_rng(1)
    for P in rng.dirichlet(np.ones(K.shape[0]) * 0.5, size=300):
        assert eta_chi2(K, P.tolist()).value <= float(b.upper) + 1e-9
    assert b.upper - b.lower <= Fraction(1, 10 ** 12)


def test_chi2_float_mp_and_certified_lower_agree():
    K = Matrix([["0.5", "0.3", "0.2"], ["0.1", "0.6", "0.3"], ["0.2", "0.2", "0.6"]])
    c = eta_chi2(K, ["0.2", "0.5", "0.3"], dps=50)
    assert abs(c.value - float(c.mp)) < 1e-13
    assert float(c.lower) <= float(c.mp) + 1e-30 and abs(float(c.lower) - float(c.mp)) < 1e-13


def test_binary_input_kl_bracket_is_narrow_and_contains_the_brute_force():
    K = Matrix([["0.9", "0.1"], ["0.2", "0.8"]])
    b = eta_kl(K, ["0.3", "0.7"])
    assert b.width <= Fraction(1, 10 ** 11) and "witness" in b.lower_how
    F, P = K.float_matrix(), np.array([0.3, 0.7])
    best = max(_ratio(F, P, np.array([q, 1 - q])) for q in np.linspace(0, 1, 20001) if abs(q - 0.3) > 1e-4)
    assert float(b.lower) - 1e-7 <= best <= float(b.upper) + 1e-12


def test_non_uniform_bsc_is_not_the_chi2_value():
    b = eta_kl(BSC("0.1"), ["0.3", "0.7"])
    chi = eta_chi2(BSC("0.1"), ["0.3", "0.7"])
    assert b.lower > chi.exact + Fraction(1, 100)  # strict: eta_KL(P, K) > eta_chi2(P, K) here
    assert b.upper < Fraction(16, 25)


# ----------------------------------------------------------------------------- tensorization

@pytest.mark.parametrize("K1, P1, K2, P2", [
    (BSC("0.1"), ["0.3", "0.7"], BEC("0.2"), ["0.5", "0.5"]),
    (BSC("1/4"), ["0.5", "0.5"], Z("0.3"), ["0.4", "0.6"]),
])
def test_tensorization_with_a_product_input(K1, P1, K2, P2):
    K = product(K1, K2)
    P = [Fraction(a) * Fraction(b) for a in P1 for b in P2]
    chi = eta_chi2(K, P).value
    assert abs(chi - max(eta_chi2(K1, P1).value, eta_chi2(K2, P2).value)) < 1e-12
    b = eta_kl(K, P)
    b1, b2 = eta_kl(K1, P1), eta_kl(K2, P2)
    assert b.lower >= max(b1.lower, b2.lower) and b.upper <= max(b1.upper, b2.upper)
    assert "tensorization" in b.lower_how + b.upper_how


def test_eta_tv_does_not_tensorize():
    assert eta_tv(product(BEC("0.5"), BEC("0.5"))).value == Fraction(3, 4) > eta_tv(BEC("0.5")).value
    bsc = BSC("1/4")
    assert eta_tv(product(bsc, bsc, bsc)).value > eta_tv(bsc).value
    # two copies of a BSC happen to keep |1 - 2 delta| (worth knowing: the growth starts at three)
    assert eta_tv(product(bsc, bsc)).value == eta_tv(bsc).value


def test_correlated_inputs_exceed_the_single_letter_coefficient():
    # input-free eta_KL of BSC x BSC is NOT eta_KL(BSC): a correlated input (00 vs 11) does better
    bsc = BSC("1/4")
    both = eta_kl(product(bsc, bsc))
    assert both.lower > Fraction(1, 4) and both.value == Fraction(2, 5)


def test_composition_bound():
    K = compose(QSC(3, "0.1"), QSC(3, "0.2"))
    P = ["0.2", "0.3", "0.5"]
    b = eta_kl(K, P)
    assert b.lower <= b.upper
    assert eta_kl(K).upper <= eta_kl(QSC(3, "0.1")).upper * eta_kl(QSC(3, "0.2")).upper


def test_inputs_are_validated():
    with pytest.raises(InvalidArgument, match="has 2 inputs"):
        eta_kl(BSC("0.1"), ["0.2", "0.3", "0.5"])
    with pytest.raises(InvalidArgument, match="not 1"):
        eta_kl(BSC("0.1"), ["0.2", "0.3"])
    with pytest.raises(InvalidArgument, match="negative"):
        eta_kl(BSC("0.1"), ["-0.2", "1.2"])
    with pytest.raises(InvalidArgument):
        eta_chi2(BSC("0.1"), None)
