"""The Bhattacharyya lower end of τ_n (``cluster``, any number of θ values) against independent oracles:

* the ratio D(QW‖PW)/D(Q‖P) at Q = P(type | θ = t), summed exactly over the types at 40 digits (mpmath): its
  1 − ratio must lie below the closed-form end (the end bounds exactly that ratio);
* a multi-start scipy search over Q (n = 2, ternary θ): no Q may beat the certified upper end of τ_n, and the best found
  must lie above the certified lower end;
* for binary θ with τ_n certified equal to η_χ², the end must lie above that value's certified interval.
"""

from __future__ import annotations

import math
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest

from cluster_oracles import negative_ratio, types as _types

from derive.templates import cluster as cluster_mod

QSC3 = ((Fr(8, 10), Fr(1, 10), Fr(1, 10)), (Fr(1, 10), Fr(8, 10), Fr(1, 10)), (Fr(1, 10), Fr(1, 10), Fr(8, 10)))
SKEW3 = ((Fr(6, 10), Fr(3, 10), Fr(1, 10)), (Fr(2, 10), Fr(5, 10), Fr(3, 10)), (Fr(1, 10), Fr(2, 10), Fr(7, 10)))
FOUR = ((Fr(7, 10), Fr(3, 10)), (Fr(4, 10), Fr(6, 10)), (Fr(2, 10), Fr(8, 10)), (Fr(1, 20), Fr(19, 20)))


def _exact_one_minus_ratio(prior, rows, n, t):
    """1 − D(QW‖PW)/D(Q‖P) at Q = P(type | θ = t), 40 digits, by direct summation over the types."""
    with mpmath.workdps(40):
        m = len(rows[0])
        pri = [mpmath.mpf(p.numerator) / p.denominator for p in prior]
        K = [[mpmath.mpf(v.numerator) / v.denominator for v in r] for r in rows]
        joint = []                                   # (P(c | s) for every s) per type c
        for c in _types(n, m):
            mult = mpmath.factorial(n) / mpmath.fprod(mpmath.factorial(x) for x in c)
            joint.append([mult * mpmath.fprod(K[s][y] ** c[y] for y in range(m)) for s in range(len(prior))])
        Pc = [sum(pri[s] * L[s] for s in range(len(prior))) for L in joint]
        Q = [L[t] for L in joint]
        d_in = mpmath.fsum(q * mpmath.log(q / p) for q, p in zip(Q, Pc) if q > 0)
        QW = [mpmath.fsum(q * pri[s] * L[s] / p for q, L, p in zip(Q, joint, Pc)) for s in range(len(prior))]
        d_out = mpmath.fsum(w * mpmath.log(w / pri[s]) for s, w in enumerate(QW) if w > 0)
        return 1 - d_out / d_in


@pytest.mark.parametrize("prior, rows", [((Fr(1, 3),) * 3, QSC3), ((Fr(2, 10), Fr(3, 10), Fr(5, 10)), SKEW3),
                                         ((Fr(1, 4),) * 4, FOUR)])
def test_closed_form_end_bounds_the_exact_ratio(prior, rows):
    M = cluster_mod._model(prior, rows)
    ns = np.array([1, 2, 3, 5, 8, 12, 20])
    hi, which = cluster_mod._bhattacharyya_log_one_minus(M, ns)
    assert np.isfinite(hi[-1]) and hi[-1] < 0                    # informative at n = 20
    for n, h, t in zip(ns, hi, which):
        if np.isnan(h):
            continue
        exact = _exact_one_minus_ratio(prior, rows, int(n), t)
        assert 0 < exact <= mpmath.e ** h, (n, t, exact, h)


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_every_row_bracket_holds_the_scipy_search_and_improves_on_n4():
    from scipy.optimize import minimize

    prior = (Fr(1, 3),) * 3
    ns = [2, 5, 10, 100, 1000]
    out = cluster_mod.cluster_rows({"prior": list(prior), "rows": [list(r) for r in QSC3]}, ns)
    for n, r in zip(ns, out):
        b = r["eta_kl_bracket"]
        lo10, hi10 = b["log10_one_minus_tau_n"]
        assert lo10 <= hi10 < 0
        if n >= 10:
            assert "Bhattacharyya" in b["how"] and hi10 < -0.1 * n   # not the n = 4 end (-0.90) carried over
    # n = 2: the types of two ternary observations; scipy over Q (softmax), many starts
    types = list(_types(2, 3))
    Kf = np.array([[float(v) for v in r] for r in QSC3])
    pri = np.full(3, 1 / 3)
    lik = np.array([[math.factorial(2) / np.prod([math.factorial(x) for x in c]) * np.prod(Kf[s] ** np.array(c))
                     for s in range(3)] for c in types])
    P = lik @ pri
    W = lik * pri / P[:, None]

    def neg_ratio(z):
        Q = np.exp(z - z.max())
        Q /= Q.sum()
        din = float(np.sum(Q * np.log(np.maximum(Q, 1e-300) / P)))
        qw = Q @ W
        return -float(np.sum(qw * np.log(np.maximum(qw, 1e-300) / pri))) / max(din, 1e-300)

    rng = np.random.default_rng(3)
    best = max(-minimize(neg_ratio, rng.normal(scale=3, size=len(types)), method="Nelder-Mead",
                         options={"maxiter": 4000, "xatol": 1e-10, "fatol": 1e-12}).fun for _ in range(12))
    lo_tau, hi_tau = out[0]["eta_kl_bracket"]["tau_n"]
    assert best <= hi_tau + 1e-9
    assert best >= lo_tau - 1e-9


@pytest.mark.parametrize("rho", [Fr(1, 2), Fr(4, 5)])
def test_end_lies_above_a_certified_equal_binary_value(rho):
    """Binary symmetric θ: τ_n is certified equal to η_χ² (both ends); the closed-form end may not cut below it."""
    d = (1 - rho) / 2
    prior, rows = (Fr(1, 2), Fr(1, 2)), ((1 - d, d), (d, 1 - d))
    ns = np.arange(1, 401)
    out = cluster_mod.cluster_rows({"prior": list(prior), "rows": [list(r) for r in rows]}, ns)
    hi, _ = cluster_mod._bhattacharyya_log_one_minus(cluster_mod._model(prior, rows), ns)
    for r, h in zip(out, hi):
        if np.isnan(h) or r.get("log10_factor") is None or not r.get("rho_n"):
            continue
        certified_lo10 = r["log10_factor"] + math.log10(r["rho_n"]) - 1e-9 * (1 + abs(r["log10_factor"]))
        assert h / math.log(10) >= certified_lo10


@pytest.mark.slow
@pytest.mark.parametrize("prior, rows", [((Fr(2, 10), Fr(3, 10), Fr(5, 10)), QSC3), ((Fr(1, 4),) * 4, FOUR)])
def test_chain_rule_upper_end_lies_above_every_lower_witness(prior, rows):
    """θ with 3–4 values: rows on the chain-rule route (binary split of θ) have τ_n's certified upper end above the
    exact 40-digit ratio at every Q = P(type | θ = t) (each a lower end of τ_n), and below the Doeblin value."""
    ns = [3, 5, 8, 12]
    out = cluster_mod.cluster_rows({"prior": list(prior), "rows": [list(r) for r in rows]}, ns)
    routes = [r["route"] for r in out]
    assert cluster_mod.ROUTE_CHAIN in routes
    for n, r in zip(ns, out):
        witness = max(1 - _exact_one_minus_ratio(prior, rows, n, t) for t in range(len(prior)))
        assert witness <= r["tau_n"] <= r["tau_n_fallback"]
        if r["route"] == cluster_mod.ROUTE_CHAIN:
            assert r["tau_n"] < r["tau_n_fallback"] and "chain rule" in r["reason"]
            if "eta_kl_bracket" not in r:          # no lower end better than eta >= 0 at this n
                continue
            lo10, hi10 = r["eta_kl_bracket"]["log10_one_minus_tau_n"]
            assert lo10 <= float(mpmath.log10(1 - witness)) + 1e-9 and lo10 <= hi10


def test_chain_rule_upper_end_holds_a_scipy_search_over_q():
    """Four θ values, binary observations, n = 1..3 (the chain rule's rows): multi-start Nelder-Mead over Q on the
    types (Q within D(Q‖P) < 1e-7 of P ignored: float noise there) never exceeds the certified upper end of τ_n."""
    from scipy.optimize import minimize

    prior = (Fr(1, 4),) * 4
    ns = [1, 2, 3]
    out = cluster_mod.cluster_rows({"prior": list(prior), "rows": [list(r) for r in FOUR]}, ns)
    assert any(r["route"] == cluster_mod.ROUTE_CHAIN for r in out)
    Kf = np.array([[float(v) for v in r] for r in FOUR])
    pri = np.full(4, 0.25)
    rng = np.random.default_rng(5)
    for n, r in zip(ns, out):
        lik = np.array([[math.comb(n, c) * Kf[s, 0] ** c * Kf[s, 1] ** (n - c) for s in range(4)] for c in range(n + 1)])
        P = lik @ pri
        W = lik * pri / P[:, None]

        neg_ratio = negative_ratio(P, W)

        best = max(-minimize(neg_ratio, rng.normal(scale=4, size=n + 1), method="Nelder-Mead",
                             options={"maxiter": 3000, "xatol": 1e-10, "fatol": 1e-13}).fun for _ in range(10))
        assert 0 < best <= r["tau_n"] + 1e-9
