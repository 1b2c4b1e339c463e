"""The chain rule for θ with 3–4 values, with each η bounded in log space on a grid of tilts (rows beyond the float
covers: ``cluster._chain_grid_rows``), against independent oracles:

* the ratio D(QW‖PW)/D(Q‖P) at Q = P(type | θ = t) for every t, summed exactly over the types at 40 digits (mpmath),
  and the best of a multi-start scipy search over Q: no value may exceed the grid's certified upper end of τ_n;
* on rows the float covers also certify, the grid's end is valid (>= the brute-force values) though looser;
* rows far beyond the float range (n = 200) get a finite end in log space that beats Doeblin's.
"""

from __future__ import annotations

import math
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize

from cluster_oracles import negative_ratio, types as _types

from derive.templates import cluster as cluster_mod

QSC3 = ((Fr(8, 10), Fr(1, 10), Fr(1, 10)), (Fr(1, 10), Fr(8, 10), Fr(1, 10)), (Fr(1, 10), Fr(1, 10), Fr(8, 10)))
SKEW3 = ((Fr(6, 10), Fr(3, 10), Fr(1, 10)), (Fr(2, 10), Fr(5, 10), Fr(3, 10)), (Fr(1, 10), Fr(2, 10), Fr(7, 10)))
FOUR = ((Fr(7, 10), Fr(3, 10)), (Fr(4, 10), Fr(6, 10)), (Fr(2, 10), Fr(8, 10)), (Fr(1, 20), Fr(19, 20)))
CASES = [((Fr(1, 3),) * 3, QSC3), ((Fr(2, 10), Fr(3, 10), Fr(5, 10)), SKEW3), ((Fr(1, 4),) * 4, FOUR)]


def _backward(prior, rows, n):
    """(law of the type, posterior rows P(θ | type)) in float64 and the per-θ likelihoods at 40 digits."""
    m = len(rows[0])
    with mpmath.workdps(40):
        pri = [mpmath.mpf(p.numerator) / p.denominator for p in prior]
        K = [[mpmath.mpf(v.numerator) / v.denominator for v in r] for r in rows]
        like = []
        for c in _types(n, m):
            mult = mpmath.factorial(n) / mpmath.fprod(mpmath.factorial(x) for x in c)
            like.append([mult * mpmath.fprod(K[s][y] ** c[y] for y in range(m)) for s in range(len(prior))])
        Pc = [mpmath.fsum(pri[s] * L[s] for s in range(len(prior))) for L in like]
    return pri, like, Pc


def _ratio_mp(Q, pri, like, Pc):
    with mpmath.workdps(40):
        d_in = mpmath.fsum(q * mpmath.log(q / p) for q, p in zip(Q, Pc) if q > 0)
        QW = [mpmath.fsum(q * pri[s] * L[s] / p for q, L, p in zip(Q, like, Pc)) for s in range(len(pri))]
        d_out = mpmath.fsum(w * mpmath.log(w / pri[s]) for s, w in enumerate(QW) if w > 0)
        return d_out / d_in


def _estimates(prior, rows, n, starts=8):
    """Lower estimates of τ_n: exact ratios at Q = P(type | θ = t), and a multi-start search over Q re-evaluated at 40
    digits."""
    pri, like, Pc = _backward(prior, rows, n)
    out = [_ratio_mp([L[t] for L in like], pri, like, Pc) for t in range(len(prior))]
    P = np.array([float(p) for p in Pc])
    W = np.array([[float(pri[s] * L[s] / p) for s in range(len(prior))] for L, p in zip(like, Pc)])
    rng = np.random.default_rng(n)

    neg = negative_ratio(P, W)

    best, bq = 0.0, None
    for _ in range(starts):
        r = minimize(neg, rng.normal(size=len(P)) * rng.choice([0.5, 2, 6]), method="Nelder-Mead",
                     options={"maxiter": 3000, "xatol": 1e-9, "fatol": 1e-12})
        if -r.fun > best:
            best, bq = -r.fun, np.exp(r.x - r.x.max()) / np.exp(r.x - r.x.max()).sum()
    if bq is not None:
        out.append(_ratio_mp([mpmath.mpf(float(x)) for x in bq], pri, like, Pc))
    return [float(x) for x in out]


def _grid_rows(prior, rows, ns):
    """Run only the grid route of the chain rule on ``ns`` (no float-cover rows), as the template does beyond them."""
    M = cluster_mod._model(prior, rows)
    act = [t for t in range(len(prior)) if prior[t] > 0]
    q = len(act)
    splits = ([([t], [u for u in act if u != t]) for t in act] if q == 3 else
              [([act[0], u], [v for v in act if v not in (act[0], u)]) for u in act[1:]])
    out = [{"log10_factor": None} for _ in ns]
    idx, t_hi, lo_oms, reasons = [], [], [], []
    cluster_mod._chain_grid_rows(M, np.array(ns), out, splits, None, set(), cluster_mod._log_kl_upper(M),
                                 idx, t_hi, lo_oms, reasons)
    return dict(zip(idx, lo_oms))


@pytest.mark.slow
@pytest.mark.parametrize("prior, rows", CASES, ids=["qsc3", "skew3", "four"])
def test_no_brute_force_value_exceeds_the_grid_end(prior, rows):
    ns = [1, 2, 3, 4]
    lows = _grid_rows(prior, rows, ns)
    assert set(lows) == set(range(len(ns)))
    for i, n in enumerate(ns):
        tau_hi = -math.expm1(lows[i])                     # the certified upper end of tau_n
        assert 0 < tau_hi < 1
        for est in _estimates(prior, rows, n):
            assert est <= tau_hi * (1 + 1e-12), (n, est, tau_hi)


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_far_beyond_the_float_range_the_grid_beats_doeblin(capsys):
    import json

    from derive.cli import main

    assert main(["bound", "cluster", "--prior", "uniform:3", "--channel", "qsc:3:0.2", "--set", "n=50,200",
                 "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["values"]
    for r in rows:
        assert r["route"].startswith("eta_KL <= chain rule") and "on a grid of tilts" in r["reason"]
        lo10, hi10 = r["eta_kl_bracket"]["log10_one_minus_tau_n"]
        assert math.isfinite(lo10) and lo10 < hi10 < 0
        assert r["factor_fallback"] == 0 or r["log10_factor"] > math.log10(r["factor_fallback"])  # Doeblin's
