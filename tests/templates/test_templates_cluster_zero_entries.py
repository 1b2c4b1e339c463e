"""`derive bound cluster` on channels whose rows have zeros (an observation impossible under some theta).

Such channels crashed the binary-theta tilt route (``Kb/Ka`` with ``Ka = 0`` while sorting outputs by likelihood
ratio) and made the Bhattacharyya route warn on disjoint rows. Oracle, independent of the template: the ratio
D(QW‖PW)/D(Q‖P) of the backward channel W (type of x^n -> theta) at Q = P(type | theta = t) for every t, and a
multi-start scipy search over Q; no value may exceed the certified upper end tau_n.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction as Fr

import numpy as np
import pytest
from scipy.optimize import minimize

from cluster_oracles import negative_ratio, types

from derive.templates.cluster import cluster_rows

ZERO_ROWS = [
    ((Fr(1, 2), Fr(1, 2)), ((Fr(1), Fr(0), Fr(0)), (Fr(0), Fr(1, 2), Fr(1, 2)))),          # disjoint supports
    ((Fr(1, 4), Fr(3, 4)), ((Fr(1, 2), Fr(0), Fr(1, 2)), (Fr(0), Fr(1), Fr(0)))),
    ((Fr(1, 3), Fr(2, 3)), ((Fr(1), Fr(0), Fr(0)), (Fr(1, 2), Fr(1, 4), Fr(1, 4)))),     # one row inside the other
    ((Fr(2, 3), Fr(1, 3)), ((Fr(0), Fr(1), Fr(0)), (Fr(3, 8), Fr(1, 4), Fr(3, 8)))),
    ((Fr(1, 2), Fr(1, 2)), ((Fr(1, 3), Fr(2, 3), Fr(0)), (Fr(0), Fr(1, 5), Fr(4, 5)))),
    ((Fr(1, 2), Fr(0), Fr(1, 2)), ((Fr(1), Fr(0), Fr(0)), (Fr(1, 3), Fr(5, 9), Fr(1, 9)),
                                   (Fr(1, 14), Fr(4, 7), Fr(5, 14)))),                     # a theta of prior 0
    ((Fr(1, 3), Fr(1, 3), Fr(1, 3)), ((Fr(0), Fr(1, 2), Fr(1, 2)), (Fr(1, 2), Fr(0), Fr(1, 2)),
                                      (Fr(1, 2), Fr(1, 2), Fr(0)))),
]
NS = [1, 2, 3]


def _tau_estimates(prior, rows, n: int) -> float:
    """The largest ratio found (a lower estimate of the true tau_n, float64)."""
    pi = np.array([float(p) for p in prior if p > 0])
    K = np.array([[float(v) for v in r] for p, r in zip(prior, rows) if p > 0])
    like = np.array([[math.factorial(n) / math.prod(math.factorial(c) for c in t) * np.prod(K[s] ** np.array(t))
                      for s in range(len(pi))] for t in types(n, K.shape[1])])
    P = like @ pi
    keep = P > 0
    like, P = like[keep], P[keep]
    W = like * pi / P[:, None]
    neg = negative_ratio(P, W)
    best = max(-neg(np.log(np.maximum(like[:, t], 1e-300))) for t in range(len(pi)))
    rng = np.random.default_rng(n)
    for _ in range(6):
        r = minimize(neg, rng.normal(size=len(P)) * 3, method="Nelder-Mead",
                     options={"maxiter": 2000, "xatol": 1e-10, "fatol": 1e-12})
        best = max(best, -r.fun)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("prior, rows", ZERO_ROWS)
def test_zero_entries_give_certified_rows_without_warnings(prior, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = cluster_rows({"prior": prior, "rows": rows}, np.array(NS))
    for n, r in zip(NS, out):
        assert r["tau_n"] is not None and 0 <= r["tau_n"] <= 1
        assert _tau_estimates(prior, rows, n) <= r["tau_n"] * (1 + 1e-7) + 1e-9, (n, r["route"])
        if r.get("tau_n_chi2") is not None:
            assert r["tau_n_chi2"] <= r["tau_n"] * (1 + 1e-9) + 1e-12     # eta_chi2 <= eta_KL <= tau_n
