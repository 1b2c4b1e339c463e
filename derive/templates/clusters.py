"""Theorem templates: the FKL25 memorization bound instantiated for cluster models.

The framework (``proofs/fkl25_framework.toml``, kernel-checked) gives, for any learner,

    mem_n = I(M; X_{1:n} | θ) >= ((1 - τ_n) / ρ_n) · I(M; X)

whenever τ_n is a valid SDPI constant for (θ, X_{1:n}) and ρ_n one for (X, X_{1:n}). The factor is a
valid *lower-bound* factor only when τ_n and ρ_n are certified **upper** bounds on the η_KL coefficients;
each row says whether it is, and why.

* ``gaussian-cluster``: θ ~ N(0, 1) per coordinate, X_i = θ + σ Z_i, r² = 1/(1 + σ²). Jointly Gaussian
  pairs have η_KL = η_χ² = squared canonical correlation (cited), so τ_n = n r²/(1 + (n − 1) r²) and
  ρ_n = r² τ_n are exact (certified by the cited theorem), and the factor is (1 − r²)/(n r⁴).
* ``boolean-cluster``: θ uniform on ±1, each of the n examples' coordinates is θ through
  BSC((1 − ρ)/2). The maximal-correlation value τ_n^χ² = E[tanh²(atanh(ρ)·S_n)] (S_n the sum of the n
  observations aligned with θ) is computed exactly from the binomial law of the number of agreements
  (n + 1 terms, so n in the thousands is fast). Whether η_KL equals it here is not established, so it is
  labeled ``chi2``. Certified upper bounds come from Dobrushin: η_TV(X_{1:n} → θ) = tanh(n·atanh ρ) and,
  by composition X_{1:n} → θ → X, η_TV ≤ ρ·tanh(n·atanh ρ).

``info`` (default ``d`` or 1) stands for I(M; X) — e.g. Ω(d) bits from accuracy; ``bound = factor · info``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import math

import mpmath

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["Template", "TEMPLATES", "gaussian_cluster", "boolean_cluster", "MAX_N"]

#: Largest n the boolean template sums over (n + 1 binomial terms at high precision).
MAX_N = 20_000


@dataclass
class Template:
    """A named bound: required and optional parameters, a row function, the formula in text and LaTeX."""

    name: str
    required: tuple[str, ...]
    optional: dict[str, float]
    row: Callable[[dict], dict]
    formula: str
    latex: str
    description: str
    aliases: dict[str, str] = field(default_factory=dict)


def _mpf(x) -> mpmath.mpf:
    """An exact Fraction/int as an mpmath number (mpmath does not take Fractions directly)."""
    from fractions import Fraction

    f = Fraction(x)
    return mpmath.mpf(f.numerator) / f.denominator


def gaussian_cluster(params: dict) -> dict:
    """τ_n = n r²/(1 + (n − 1) r²), ρ_n = r² τ_n, factor (1 − r²)/(n r⁴) (cited jointly-Gaussian η_KL)."""
    n = params["n"]
    if "r2" in params:
        r2 = _mpf(params["r2"])
    elif "sigma" in params:
        r2 = 1 / (1 + _mpf(params["sigma"]) ** 2)
    else:
        raise InvalidArgument("gaussian-cluster needs --set r2=... (0 < r2 < 1) or --set sigma=... (> 0)")
    if not (0 < r2 < 1):
        raise InvalidArgument(f"Expected 0 < r2 < 1 but got r2={mpmath.nstr(r2, 6)}")
    tau = n * r2 / (1 + (n - 1) * r2)
    rho = r2 * tau
    factor = (1 - tau) / rho
    return {"tau_n": tau, "rho_n": rho, "factor": factor, "certified": True,
            "reason": "jointly Gaussian: eta_KL = eta_chi2 = squared canonical correlation "
                      "(Polyanskiy & Wu 2017; reference/sdpi.md), cited"}


def boolean_cluster(params: dict) -> dict:
    """χ² (maximal-correlation) values and certified Dobrushin upper bounds for the Boolean cluster."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the boolean-cluster limit {MAX_N}")
    with mpmath.workdps(30 + n // 3):  # 1 - tau_n decays exponentially in n: keep enough digits
        return _boolean_cluster(n, _mpf(params["rho"]))


def _boolean_cluster(n: int, rho: mpmath.mpf) -> dict:
    if not (0 < rho < 1):
        raise InvalidArgument(f"Expected 0 < rho < 1 but got rho={mpmath.nstr(rho, 6)}")
    a = mpmath.atanh(rho)
    p, q = (1 + rho) / 2, (1 - rho) / 2
    # K = number of observations agreeing with theta ~ Bin(n, p) given theta; S = 2K - n
    total = mpmath.mpf(0)
    logp, logq = mpmath.log(p), mpmath.log(q)
    for k in range(n + 1):
        w = mpmath.exp(mpmath.loggamma(n + 1) - mpmath.loggamma(k + 1) - mpmath.loggamma(n - k + 1)
                       + k * logp + (n - k) * logq)
        total += w * mpmath.tanh(a * (2 * k - n)) ** 2
    tau_chi2 = total
    rho_chi2 = rho ** 2 * tau_chi2
    tau_tv = mpmath.tanh(n * a)
    rho_tv = rho * tau_tv
    return {"tau_n": tau_tv, "rho_n": rho_tv, "factor": (1 - tau_tv) / rho_tv, "certified": True,
            "reason": "Dobrushin upper bounds: eta_KL <= eta_TV(X_{1:n} -> theta) = tanh(n atanh rho), and "
                      "rho * tanh(n atanh rho) by composition through theta",
            "tau_n_chi2": tau_chi2, "rho_n_chi2": rho_chi2, "factor_chi2": (1 - tau_chi2) / rho_chi2,
            "chi2_note": "maximal-correlation (eta_chi2) values: NOT certified as eta_KL upper bounds"}


TEMPLATES: dict[str, Template] = {
    "gaussian-cluster": Template(
        "gaussian-cluster", ("n",), {"d": 1.0},
        gaussian_cluster,
        "mem_n >= (1 - r2)/(n * r2^2) * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - r^2}{n r^4}\, I(M; X)",
        "Gaussian clustering (FKL25 section 4): theta ~ N(0, I_d), X_i = theta + sigma Z_i, r^2 = 1/(1 + sigma^2)"),
    "boolean-cluster": Template(
        "boolean-cluster", ("n", "rho"), {"d": 1.0},
        boolean_cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
        "Boolean clustering (FKL25 appendix): theta uniform on {+-1}^d, coordinates through BSC((1 - rho)/2)"),
}


# ---------------------------------------------------------------------------- a new distribution

MAX_TYPES = 20_000


def _compositions(n: int, m: int):
    """All count vectors (c_0..c_{m-1}) with sum n."""
    if m == 1:
        yield (n,)
        return
    for c in range(n + 1):
        for rest in _compositions(n - c, m - 1):
            yield (c,) + rest


def cluster(params: dict) -> dict:
    """θ_j ~ prior, each of n observations is θ_j through channel K (the sufficient statistic is the type).

    χ² values: τ_n^χ² = second eigenvalue of the normalized joint law of (θ, type), ρ_n^χ² = η_χ²(prior, K)·τ_n^χ²
    (composition bound). Certified: τ_n <= η_TV(type → θ) (exact max over pairs of posteriors), ρ_n <= τ_n·η_TV(K).
    """
    prior, rows, n = params["prior"], params["rows"], params["n"]
    k, m = len(rows), len(rows[0])
    if len(prior) != k:
        raise InvalidArgument(f"the prior has {len(prior)} values but the channel has {k} inputs")
    count = math.comb(n + m - 1, m - 1)
    if count > MAX_TYPES:
        raise LimitExceeded(f"{count} observation types for n = {n} and {m} outputs; at most {MAX_TYPES}")
    with mpmath.workdps(30 + n // 3):
        pri = [_mpf(p) for p in prior]
        K = [[_mpf(v) for v in r] for r in rows]
        types = list(_compositions(n, m))
        joint = []  # joint[t][c] = P(theta = t, type = c)
        for t in range(k):
            row = []
            for c in types:
                if pri[t] == 0 or any(K[t][y] == 0 and c[y] > 0 for y in range(m)):
                    row.append(mpmath.mpf(0))
                    continue
                logw = mpmath.loggamma(n + 1) - sum(mpmath.loggamma(cy + 1) for cy in c)
                logw += sum(cy * mpmath.log(K[t][y]) for y, cy in enumerate(c) if cy)
                row.append(pri[t] * mpmath.exp(logw))
            joint.append(row)
        pc = [sum(joint[t][j] for t in range(k)) for j in range(len(types))]
        live = [j for j in range(len(types)) if pc[j] > 0]
        # chi^2: eigenvalues of G = B B^T with B[t, c] = P(t, c)/sqrt(P(t) P(c))
        G = mpmath.matrix(k, k)
        for a in range(k):
            for b in range(k):
                if pri[a] == 0 or pri[b] == 0:
                    continue
                G[a, b] = sum(joint[a][j] * joint[b][j] / pc[j] for j in live) / mpmath.sqrt(pri[a] * pri[b])
        eig = sorted(mpmath.eigsy(G)[0], reverse=True)
        tau_chi2 = eig[1] if k > 1 else mpmath.mpf(0)
        post = [[joint[t][j] / pc[j] for t in range(k)] for j in live]
        tau_tv = mpmath.mpf(0)
        if k == 2:
            vals = [p[1] for p in post]
            tau_tv = max(vals) - min(vals)
        else:
            if len(live) > 3000:
                raise LimitExceeded(f"{len(live)} types: the exact Dobrushin coefficient over pairs is limited to 3000")
            for a in range(len(post)):
                for b in range(a + 1, len(post)):
                    tau_tv = max(tau_tv, sum(abs(x - y) for x, y in zip(post[a], post[b])) / 2)
        eta_tv_k = max(sum(abs(x - y) for x, y in zip(K[a], K[b])) / 2 for a in range(k) for b in range(k))
        # eta_chi2(prior, K): second eigenvalue for one observation
        pk = [sum(pri[t] * K[t][y] for t in range(k)) for y in range(m)]
        G1 = mpmath.matrix(k, k)
        for a in range(k):
            for b in range(k):
                if pri[a] and pri[b]:
                    G1[a, b] = sum(pri[a] * K[a][y] * pri[b] * K[b][y] / pk[y] for y in range(m) if pk[y]) \
                        / mpmath.sqrt(pri[a] * pri[b])
        e1 = sorted(mpmath.eigsy(G1)[0], reverse=True)
        chi2_k = e1[1] if k > 1 else mpmath.mpf(0)
        rho_tv = tau_tv * eta_tv_k
        rho_chi2 = chi2_k * tau_chi2
        factor = (1 - tau_tv) / rho_tv if rho_tv > 0 else mpmath.inf
        factor_chi2 = (1 - tau_chi2) / rho_chi2 if rho_chi2 > 0 else mpmath.inf
        return {"tau_n": tau_tv, "rho_n": rho_tv, "factor": factor, "certified": True,
                "reason": "Dobrushin upper bounds: eta_KL <= eta_TV(type -> theta) (exact, over all pairs of "
                          "observation types) and eta_TV(type -> theta) * eta_TV(K) by composition through theta",
                "tau_n_chi2": tau_chi2, "rho_n_chi2": rho_chi2, "factor_chi2": factor_chi2,
                "chi2_note": "maximal-correlation (eta_chi2) values, rho by the composition bound: NOT certified "
                             "as eta_KL upper bounds"}


TEMPLATES["cluster"] = Template(
    "cluster", ("n",), {"d": 1.0},
    cluster,
    "mem_n >= (1 - tau_n)/rho_n * I(M; X)",
    r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
    "a new cluster model: theta_j ~ --prior, each observation is theta_j through --channel")
