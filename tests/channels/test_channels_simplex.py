"""The fixed-input branch and bound (derive.channels.simplex): its upper end is never below a witness."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.channels import Matrix, eta_chi2, eta_kl, kl_ratio
from derive.channels.simplex import simplex_kl_upper
from derive.numeric.strategies import weights


def _ratio(F, P, Q):
    py, qy = P @ F, Q @ F
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.nansum(np.where(qy > 0, qy * np.log(qy / py), 0.0))
        d = np.nansum(np.where(Q > 0, Q * np.log(Q / P), 0.0))
    return n / d if d > 1e-9 else 0.0


def _dense_search(F, P, rng, n=1500):
    """A float search of sup_Q D(QK||PK)/D(Q||P): random Q, the vertices, and local random walks."""
    k = len(P)
    best, bq = 0.0, None
    cands = list(rng.dirichlet(np.ones(k) * 0.5, size=n)) + list(np.eye(k))
    for Q in cands:
        r = _ratio(F, P, Q)
        if r > best:
            best, bq = r, Q
    for scale in (0.1, 0.02, 0.004):
        for _ in range(150):
            Q = np.clip(bq + rng.normal(size=k) * scale, 0, None)
            Q /= Q.sum()
            r = _ratio(F, P, Q)
            if r > best:
                best, bq = r, Q
    return best, bq


@st.composite
def channel_and_full_input(draw, k_min=3, k_max=4, max_out=4):
    k = draw(st.integers(k_min, k_max))
    m = draw(st.integers(2, max_out))
    rows = []
    for _ in range(k):
        w = draw(weights(m, max_weight=9))
        rows.append([Fraction(v, sum(w)) for v in w])
    p = [draw(st.integers(1, 9)) for _ in range(k)]
    return rows, [Fraction(v, sum(p)) for v in p]


@settings(max_examples=20, deadline=None)
@given(channel_and_full_input())
def test_upper_end_is_above_a_dense_search_and_every_witness(case):
    rows, P = case
    F = np.array([[float(x) for x in r] for r in rows])
    Pf = np.array([float(v) for v in P])
    best, bq = _dense_search(F, Pf, np.random.default_rng(0))
    sb = simplex_kl_upper(rows, P, budget=0.4)
    if sb.upper is None:
        return
    assert best <= float(sb.upper) + 1e-9
    # a rigorous witness never beats the certified upper end
    Qd = [Fraction(float(q)).limit_denominator(1 << 30) for q in bq]
    Qd[-1] = 1 - sum(Qd[:-1])
    if min(Qd) >= 0 and Qd != list(P):
        assert kl_ratio(rows, P, Qd) <= sb.upper
    # and neither does eta_chi2(P, K) (the limit Q -> P)
    assert eta_chi2(Matrix(rows), P).lower <= sb.upper


@settings(max_examples=10, deadline=None)
@given(channel_and_full_input(k_max=3, max_out=3))
def test_bracket_contains_the_dense_search(case):
    rows, P = case
    b = eta_kl(Matrix(rows), P, budget=0.5)
    F = np.array([[float(x) for x in r] for r in rows])
    best, _ = _dense_search(F, np.array([float(v) for v in P]), np.random.default_rng(1))
    assert best <= float(b.upper) + 1e-9
    assert b.lower <= b.upper


def test_three_symbol_input_is_narrow_within_the_budget():
    K = Matrix([["0.5", "0.3", "0.2"], ["0.1", "0.6", "0.3"], ["0.2", "0.2", "0.6"]])
    t = time.perf_counter()
    b = eta_kl(K, ["0.3", "0.3", "0.4"], budget=1.5, target_width=1e-3)
    assert time.perf_counter() - t < 2.0
    assert b.width <= Fraction(1, 10 ** 3)
    assert "branch and bound" in b.upper_how and "witness" in b.lower_how


def test_identical_rows_on_the_support_give_zero():
    rows = [[Fraction(1, 2), Fraction(1, 2)]] * 3
    sb = simplex_kl_upper(rows, [Fraction(1, 3)] * 3, budget=0.5)
    assert sb.upper is not None and sb.upper <= Fraction(1, 10 ** 9)


def test_the_bound_is_valid_whenever_it_stops():
    K = [[Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)], [Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)],
         [Fraction(1, 5), Fraction(1, 5), Fraction(3, 5)], [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)]]
    P = [Fraction(1, 4)] * 4
    F = np.array([[float(x) for x in r] for r in K])
    best, _ = _dense_search(F, np.array([0.25] * 4), np.random.default_rng(2))
    for budget in (0.0, 0.05, 0.3):
        sb = simplex_kl_upper(K, P, budget=budget)
        if sb.upper is not None:
            assert best <= float(sb.upper) + 1e-9
