"""Theorem templates: the FKL25 memorization bound instantiated for cluster models.

The framework (``proofs/fkl25_framework.toml``, kernel-checked) gives, for any learner,

    mem_n = I(M; X_{1:n} | θ) >= ((1 - τ_n) / ρ_n) · I(M; X)

whenever τ_n is a valid SDPI constant for (θ, X_{1:n}) — an upper bound on η_KL of the *backward* channel
X_{1:n} → θ at the law of X_{1:n} — and ρ_n one for (X, X_{1:n}). The factor is a valid *lower-bound* factor
only when τ_n and ρ_n are certified **upper** bounds on those coefficients; each row says whether it is,
and why. Certified numbers are computed in interval arithmetic (``mpmath.iv``, 30 digits, outward rounding)
and the conservative end is reported (then rounded to the nearest float); ``log10_factor`` keeps factors
below the float range.

* ``gaussian-cluster``: θ ~ N(0, 1) per coordinate, X_i = θ + σ Z_i, r² = 1/(1 + σ²). Jointly Gaussian
  pairs have η_KL = η_χ² = squared canonical correlation (cited), so τ_n = n r²/(1 + (n − 1) r²) and
  ρ_n = r² τ_n, and the factor is (1 − r²)/(n r⁴).
* ``boolean-cluster``: θ uniform on ±1, each of the n observations is θ through BSC((1 − ρ)/2); a = atanh ρ.
  The posterior P(θ = +1 | x) = (1 + tanh(a s))/2 (s the sum of the ±1 observations) lies in
  [(1 − t)/2, (1 + t)/2] with t = tanh(n a), so the backward channel factors through BSC((1 − t)/2), whose
  input-free η_KL is t² (Ahlswede & Gács 1976): **τ_n = t²** (certified; ``proofs/fkl25_boolean_cluster.toml``
  checks the argument). Composition through θ: **ρ_n = ρ² t²**. Factor: 1/(ρ² sinh²(n a)).
  (The Dobrushin constants t and ρ·t — η_TV of the backward channels — are also valid upper bounds, but
  weaker.) The maximal-correlation value τ_n^χ² = E[tanh²(a S_n)] (S_n the sum aligned with θ) is η_χ² ≤ η_KL;
  whether η_KL equals it is not established, so it is reported as ``chi2``, never as certified.
* ``cluster``: θ_j ~ a finite prior, each observation is θ_j through a finite channel K; the sufficient
  statistic is the type c (counts of each output). Certified τ_n: the Doeblin coefficient of the backward
  channel, 1 − Σ_t min_c P(θ = t | c) ≥ η_TV ≥ η_KL, where the minimum over all types is attained at a
  one-output type c = n·e_y (weighted AM–GM: the likelihood ratios Π_y r_y^{c_y} are at most
  Σ_y (c_y/n) r_y^n), so it costs O(k·m) per n; it equals the exact Dobrushin coefficient for a binary θ.
  For a binary θ with a uniform prior and max_y K(1,y)/K(0,y) · min_y K(1,y)/K(0,y) = 1 (e.g. BSC) the
  posteriors are symmetric and the backward channel factors through a BSC, so τ_n = t² as above. ρ_n = τ_n ·
  (the certified upper end of η_KL(prior, K), ``derive.channels``), by composition through θ. χ² values
  (second eigenvalue of the normalized joint law of θ and the type) are computed in float64 log-space
  when there are at most :data:`MAX_CHI2_TYPES` types, else reported as ``None``.

``info`` (default ``d`` or 1) stands for I(M; X) — e.g. Ω(d) bits from accuracy; ``bound = factor · info``.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from typing import Callable

import mpmath
import numpy as np

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["Template", "TEMPLATES", "gaussian_cluster", "boolean_cluster", "cluster", "MAX_N", "MAX_CHI2_TYPES"]

#: Largest n of the boolean and cluster templates (the χ² sum of boolean-cluster has n + 1 terms).
MAX_N = 10 ** 7
#: The χ² values of ``cluster`` enumerate observation types; above this many they are not computed.
MAX_CHI2_TYPES = 20_000
#: Decimal digits of the interval arithmetic behind certified numbers.
DPS = 30

iv = mpmath.iv


@dataclass
class Template:
    """A named bound: required and optional parameters, a row function, the formula in text and LaTeX.

    ``params`` lists every parameter name the template reads (used to route ``--set`` values when several
    templates are evaluated in one call).
    """

    name: str
    required: tuple[str, ...]
    optional: dict[str, float]
    row: Callable[[dict], dict]
    formula: str
    latex: str
    description: str
    params: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)


@contextmanager
def _iv_dps(dps: int):
    """Set the interval context's precision for a block (``mpmath.iv`` has no ``workdps``)."""
    old = iv.prec
    iv.dps = dps
    try:
        yield
    finally:
        iv.prec = old


def _mpf(x) -> mpmath.mpf:
    """An exact Fraction/int as an mpmath number (mpmath does not take Fractions directly)."""
    f = Fraction(x)
    return mpmath.mpf(f.numerator) / f.denominator


def _iv(x) -> "mpmath.iv.mpf":
    """An exact Fraction/int as a (tight) interval."""
    f = Fraction(x)
    return iv.mpf(f.numerator) / f.denominator


def _lo(x) -> mpmath.mpf:
    return mpmath.mpf(x.a)


def _hi(x) -> mpmath.mpf:
    return mpmath.mpf(x.b)


def _log10(x: mpmath.mpf) -> float | None:
    return float(mpmath.log10(x)) if x > 0 else None


def gaussian_cluster(params: dict) -> dict:
    """τ_n = n r²/(1 + (n − 1) r²), ρ_n = r² τ_n, factor (1 − r²)/(n r⁴) (cited jointly-Gaussian η_KL)."""
    n = params["n"]
    if "r2" in params:
        r2 = Fraction(params["r2"])
    elif "sigma" in params:
        r2 = 1 / (1 + Fraction(params["sigma"]) ** 2)
    else:
        raise InvalidArgument("gaussian-cluster needs --set r2=... (0 < r2 < 1) or --set sigma=... (> 0)")
    if not (0 < r2 < 1):
        raise InvalidArgument(f"Expected 0 < r2 < 1 but got r2={float(r2):.6g}")
    tau = n * r2 / (1 + (n - 1) * r2)  # exact rationals
    rho = r2 * tau
    factor = (1 - tau) / rho
    with mpmath.workdps(DPS):
        return {"tau_n": _mpf(tau), "rho_n": _mpf(rho), "factor": _mpf(factor),
                "log10_factor": _log10(_mpf(factor)), "certified": True,
                "reason": "jointly Gaussian: eta_KL = eta_chi2 = squared canonical correlation "
                          "(Polyanskiy & Wu 2017; reference/sdpi.md), cited"}


# ---------------------------------------------------------------------------- boolean cluster

_BOOLEAN_REASON = ("tau_n = tanh^2(n atanh rho): the backward channel X_{1:n} -> theta factors through "
                   "BSC((1 - t)/2), t = tanh(n atanh rho), whose input-free eta_KL is t^2 [Ahlswede & Gacs 1976]; "
                   "rho_n = rho^2 tau_n by composition through theta (proofs/fkl25_boolean_cluster.toml)")
_CHI2_NOTE = ("maximal-correlation (eta_chi2) values: eta_chi2 <= eta_KL, so they are NOT certified as "
              "eta_KL upper bounds")


def _log_factorials(n: int) -> np.ndarray:
    """log(0!), ..., log(n!) (float64)."""
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=float)))])


def logsumexp(a: np.ndarray, axis: int | None = None) -> np.ndarray | float:
    """log Σ exp(a) along ``axis``, stable; -inf for an all -inf slice."""
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis) if axis is not None else float(out.reshape(()))


def _boolean_chi2(n: int, rho: Fraction) -> tuple[float, float]:
    """(τ_n^χ², log(1 − τ_n^χ²)) = E[tanh²(a S_n)] and log E[sech²(a S_n)], float64 in log space."""
    r = float(rho)
    a = math.atanh(r)
    k = np.arange(n + 1, dtype=float)
    lf = _log_factorials(n)
    logw = lf[n] - lf[:n + 1] - lf[n::-1] + k * math.log1p(r) + (n - k) * math.log1p(-r) - n * math.log(2)
    x = 2 * a * np.abs(2 * k - n)
    log_sech2 = math.log(4) - x - 2 * np.log1p(np.exp(-x))
    log_one_minus = float(logsumexp(logw + log_sech2))
    return -math.expm1(log_one_minus), log_one_minus


def boolean_cluster(params: dict) -> dict:
    """Certified τ_n = tanh²(n atanh ρ), ρ_n = ρ² τ_n, factor 1/(ρ² sinh²(n atanh ρ)); and the χ² values."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the boolean-cluster limit {MAX_N}")
    rho = Fraction(params["rho"])
    if not (0 < rho < 1):
        raise InvalidArgument(f"Expected 0 < rho < 1 but got rho={float(rho):.6g}")
    with mpmath.workdps(DPS), _iv_dps(DPS):
        r = _iv(rho)
        a = iv.log((1 + r) / (1 - r)) / 2
        e = iv.exp(-2 * n * a)                      # e^{-2na}; t = (1 - e)/(1 + e)
        t = (1 - e) / (1 + e)
        one_minus_tau = 4 * e / (1 + e) ** 2        # 1 - t^2 = sech^2(n a), no cancellation
        tau = t ** 2
        rho_n = r ** 2 * tau
        factor = one_minus_tau / rho_n
        out = {"tau_n": _hi(tau), "rho_n": _hi(rho_n), "factor": _lo(factor),
               "log10_factor": _log10(_lo(factor)), "certified": True, "reason": _BOOLEAN_REASON}
    tau_c, log_om = _boolean_chi2(n, rho)
    rho_c = float(rho) ** 2 * tau_c
    out.update({"tau_n_chi2": tau_c, "rho_n_chi2": rho_c,
                "factor_chi2": math.exp(log_om) / rho_c if rho_c > 0 else math.inf,
                "log10_factor_chi2": (log_om - math.log(rho_c)) / math.log(10), "chi2_note": _CHI2_NOTE})
    return out


# ---------------------------------------------------------------------------- a new distribution

@dataclass(frozen=True)
class _Model:
    prior: tuple[Fraction, ...]
    rows: tuple[tuple[Fraction, ...], ...]
    live: tuple[int, ...]                 # outputs with positive probability
    symmetric: bool                       # binary theta, uniform prior, ratio extremes reciprocal
    kl_upper: Fraction                    # certified upper end of eta_KL(prior, K)
    kl_how: str
    chi2_k: float                         # eta_chi2(prior, K) (one observation), float


def _compositions(n: int, m: int) -> np.ndarray:
    """All count vectors (c_0..c_{m-1}) >= 0 with sum n, one per row (stars and bars)."""
    if m == 1:
        return np.array([[n]], dtype=np.int64)
    bars = np.array(list(combinations(range(n + m - 1), m - 1)), dtype=np.int64).reshape(-1, m - 1)
    edges = np.hstack([np.full((len(bars), 1), -1), bars, np.full((len(bars), 1), n + m - 1)])
    return np.diff(edges, axis=1) - 1


def _named_channel(rows):
    """BSC / BEC rows as those channels (their cited closed forms), else a matrix."""
    from derive.channels.library import BSC, Matrix

    if len(rows) == 2 and len(rows[0]) == 2 and rows[0][0] == rows[1][1] and rows[0][1] == rows[1][0]:
        return BSC(rows[0][1])
    return Matrix([list(r) for r in rows])


@lru_cache(maxsize=32)
def _model(prior: tuple[Fraction, ...], rows: tuple[tuple[Fraction, ...], ...]) -> _Model:
    from derive.channels.coefficients import eta_kl
    from derive.channels.library import Matrix

    k, m = len(rows), len(rows[0])
    if len(prior) != k:
        raise InvalidArgument(f"the prior has {len(prior)} values but the channel has {k} inputs")
    live = tuple(y for y in range(m) if any(prior[t] * rows[t][y] > 0 for t in range(k)))
    symmetric = False
    if k == 2 and prior[0] == prior[1] and all(rows[0][y] > 0 and rows[1][y] > 0 for y in live):
        ratios = [rows[1][y] / rows[0][y] for y in live]
        symmetric = max(ratios) * min(ratios) == 1
    support = [t for t in range(k) if prior[t] > 0]
    if len(support) <= 2:
        b = eta_kl(_named_channel(rows), prior, tol=1e-6)
    else:
        # eta_KL(P, K) <= eta_KL(K restricted to supp P) (input-free): the same upper end as the fixed-input
        # bracket gives for >= 3 inputs, without its (lower-end) witness search
        b = eta_kl(Matrix([list(rows[t]) for t in support]), tol=1e-6)
    P = np.array([float(p) for p in prior])
    F = np.array([[float(v) for v in r] for r in rows])
    pk = P @ F
    B = np.zeros((k, m))
    for t in range(k):
        for y in range(m):
            if P[t] > 0 and pk[y] > 0:
                B[t, y] = P[t] * F[t, y] / math.sqrt(P[t] * pk[y])
    sv = np.linalg.svd(B, compute_uv=False)
    chi2_k = float(sv[1] ** 2) if len(sv) > 1 else 0.0
    return _Model(prior, rows, live, symmetric, b.upper, b.upper_how, chi2_k)


@lru_cache(maxsize=32)
def _vertex_terms(M: _Model) -> tuple:
    """Per (t, y): None when min_c P(t | c) = 0 is forced, else [(w_s/w_t, log(K_sy/K_ty)) for s != t] as
    intervals; P(t | n e_y) = 1/(1 + Σ_s (w_s/w_t)·exp(n·log(K_sy/K_ty)))."""
    k = len(M.prior)
    with mpmath.workdps(DPS), _iv_dps(DPS):
        out = []
        for t in range(k):
            if M.prior[t] == 0 or any(M.rows[t][y] == 0 for y in M.live):
                out.append(None)
                continue
            per_y = []
            for y in M.live:
                per_y.append([(_iv(M.prior[s] / M.prior[t]), iv.log(_iv(M.rows[s][y] / M.rows[t][y])))
                              for s in range(k) if s != t and M.prior[s] > 0 and M.rows[s][y] > 0])
            out.append(per_y)
        return tuple(out)


#: Added to a float64 Dobrushin coefficient before it is used as a certified upper bound. Each posterior is
#: computed in log space from at most MAX_CHI2_TYPES types (n <= a few hundred for >= 3 outputs): its relative
#: error is below 1e-12, so the subset sums defining the coefficient are off by far less than this margin.
DOBRUSHIN_MARGIN = 1e-9


def _cluster_certified(M: _Model, n: int, dobrushin: float | None = None) -> dict:
    """Doeblin (or, symmetric binary, BSC-factorization) upper bounds in interval arithmetic; when the types
    were enumerated, the exact Dobrushin coefficient (float64 + :data:`DOBRUSHIN_MARGIN`) if it is smaller."""
    terms = _vertex_terms(M)
    with mpmath.workdps(DPS), _iv_dps(DPS):
        mins = []  # interval enclosures of min_c P(theta = t | c), attained at a one-output type n e_y
        for per_y in terms:
            if per_y is None:
                mins.append(iv.mpf(0))
                continue
            best = None
            for pairs in per_y:
                g = iv.mpf(0)
                for ratio, logr in pairs:
                    g += ratio * iv.exp(n * logr)
                p = 1 / (1 + g)
                best = p if best is None else iv.mpf([min(best.a, p.a), min(best.b, p.b)])
            mins.append(best)
        if M.symmetric:
            mm = iv.mpf([min(mins[0].a, mins[1].a), min(mins[0].b, mins[1].b)])
            t_n = 1 - 2 * mm
            tau = t_n ** 2
            one_minus_tau = 4 * mm * (1 - mm)
            how = ("binary theta, symmetric posteriors: the backward channel factors through BSC((1 - t)/2), "
                   "t = its Dobrushin coefficient, input-free eta_KL = t^2 [Ahlswede & Gacs 1976]")
        else:
            one_minus_tau = sum(mins[1:], mins[0])
            tau = 1 - one_minus_tau
            how = ("Doeblin: eta_KL <= eta_TV <= 1 - sum_t min_c P(theta = t | c) (minimum at one-output "
                   "types by AM-GM; exact Dobrushin for binary theta) [Cohen, Kemperman & Zbaganu 1998]")
        tau_hi = min(_hi(tau), mpmath.mpf(1))
        om_lo = max(_lo(one_minus_tau), mpmath.mpf(0))
        if not M.symmetric and dobrushin is not None and dobrushin + DOBRUSHIN_MARGIN < tau_hi:
            tau_hi = mpmath.mpf(dobrushin) + DOBRUSHIN_MARGIN
            om_lo = 1 - tau_hi
            how = ("Dobrushin: eta_KL <= eta_TV(type -> theta) = max_A (max_c P(A | c) - min_c P(A | c)) over all "
                   f"observation types (float64, + {DOBRUSHIN_MARGIN:g} for rounding) [Cohen, Kemperman & Zbaganu 1998]")
        rho_iv = iv.mpf(tau_hi) * _iv(M.kl_upper)
        rho_hi = _hi(rho_iv)
        factor = _lo(iv.mpf(om_lo) / rho_iv) if rho_hi > 0 else mpmath.inf
        return {"tau_n": tau_hi, "rho_n": rho_hi, "factor": factor,
                "log10_factor": _log10(factor) if factor != mpmath.inf else None, "certified": True,
                "reason": f"tau_n: {how}; rho_n = tau_n * eta_KL(prior, K) upper end ({M.kl_how}) by "
                          "composition through theta"}


def _cluster_chi2(M: _Model, n: int) -> dict:
    """χ² values over the types (float64, log space): 1 − τ^χ² is the smallest non-zero eigenvalue of
    L = I − G, G the normalized Gram matrix of the joint law of θ and the type; L's entries are sums of
    non-negative terms, so 1 − τ^χ² keeps its relative accuracy when τ^χ² is close to 1."""
    k, m = len(M.prior), len(M.rows[0])
    live = list(M.live)
    count = math.comb(n + len(live) - 1, len(live) - 1)
    if count > MAX_CHI2_TYPES:
        return {"tau_n_chi2": None, "rho_n_chi2": None, "factor_chi2": None, "log10_factor_chi2": None,
                "chi2_note": _CHI2_NOTE + f"; not computed above {MAX_CHI2_TYPES} observation types"}
    C = _compositions(n, len(live)).astype(float)              # types over the live outputs
    with np.errstate(divide="ignore"):
        logK = np.log(np.array([[float(M.rows[t][y]) for y in live] for t in range(k)]))
        logw = np.log(np.array([float(p) for p in M.prior]))
    lf = _log_factorials(n)
    lognc = lf[n] - lf[C.astype(np.int64)].sum(axis=1)
    # log P(theta = t, type = c); 0 * log 0 = 0
    lj = np.empty((k, len(C)))
    for t in range(k):
        finite = np.isfinite(logK[t])
        terms = C * np.where(finite, logK[t], 0.0)
        dead = (C[:, ~finite] > 0).any(axis=1)
        lj[t] = np.where(dead, -np.inf, logw[t] + lognc + terms.sum(axis=1))
    with np.errstate(invalid="ignore"):
        lpc = logsumexp(lj, axis=0)
    ok = np.isfinite(lpc)
    lj, lpc = lj[:, ok], lpc[ok]
    lpost = lj - lpc                                           # log P(theta = t | c)
    # exact Dobrushin coefficient of the backward channel: max_A (max_c P(A | c) - min_c P(A | c)), float64
    post = np.exp(lpost)
    dobrushin = 0.0
    for mask in range(1, 2 ** (k - 1)):                        # subsets A not containing k - 1 (A ~ complement)
        pa = post[[t for t in range(k) if mask >> t & 1]].sum(axis=0)
        dobrushin = max(dobrushin, float(pa.max() - pa.min()))
    act = [t for t in range(k) if M.prior[t] > 0]
    logL = np.full((len(act), len(act)), -np.inf)
    sign = np.ones((len(act), len(act)))
    for i, a in enumerate(act):
        for j, b in enumerate(act):
            if i == j:
                others = [s for s in act if s != a]
                if not others:
                    continue
                log1m = logsumexp(lpost[others], axis=0)       # log(1 - P(a | c))
                logL[i, i] = logsumexp(lj[a] + log1m) - logw[a]
            else:
                logL[i, j] = logsumexp(lj[a] + lpost[b]) - 0.5 * (logw[a] + logw[b])
                sign[i, j] = -1.0
    top = np.max(logL[np.isfinite(logL)]) if np.isfinite(logL).any() else 0.0
    L = sign * np.exp(logL - top)
    eig = np.sort(np.linalg.eigvalsh(L))
    lam = eig[1] if len(eig) > 1 else 0.0                    # eig[0] = 0 (the constant function)
    if lam <= 0:
        return {"dobrushin_float": dobrushin, "tau_n_chi2": 1.0, "rho_n_chi2": M.chi2_k, "factor_chi2": 0.0, "log10_factor_chi2": None,
                "chi2_note": _CHI2_NOTE}
    log_om = math.log(lam) + top
    tau_c = -math.expm1(log_om)
    rho_c = M.chi2_k * tau_c
    return {"dobrushin_float": dobrushin, "tau_n_chi2": tau_c, "rho_n_chi2": rho_c,
            "factor_chi2": math.exp(log_om) / rho_c if rho_c > 0 else math.inf,
            "log10_factor_chi2": (log_om - math.log(rho_c)) / math.log(10) if rho_c > 0 else None,
            "chi2_note": _CHI2_NOTE + "; rho_n_chi2 = eta_chi2(prior, K) * tau_n_chi2 (composition)"}


def cluster(params: dict) -> dict:
    """θ_j ~ prior, each of n observations is θ_j through channel K: certified τ_n, ρ_n, factor; χ² values."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the cluster limit {MAX_N}")
    prior = tuple(Fraction(p) for p in params["prior"])
    rows = tuple(tuple(Fraction(v) for v in r) for r in params["rows"])
    M = _model(prior, rows)
    chi2 = _cluster_chi2(M, n)
    out = _cluster_certified(M, n, chi2.pop("dobrushin_float", None))
    out.update(chi2)
    return out


TEMPLATES: dict[str, Template] = {
    "gaussian-cluster": Template(
        "gaussian-cluster", ("n",), {"d": 1.0},
        gaussian_cluster,
        "mem_n >= (1 - r2)/(n * r2^2) * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - r^2}{n r^4}\, I(M; X)",
        "Gaussian clustering (FKL25 section 4): theta ~ N(0, I_d), X_i = theta + sigma Z_i, r^2 = 1/(1 + sigma^2)",
        params=("n", "r2", "sigma", "d", "info")),
    "boolean-cluster": Template(
        "boolean-cluster", ("n", "rho"), {"d": 1.0},
        boolean_cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X) = I(M; X)/(rho^2 sinh^2(n atanh rho))",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X) = \frac{I(M; X)}{\rho^2 \sinh^2(n\,\mathrm{atanh}\,\rho)}",
        "Boolean clustering (FKL25 appendix): theta uniform on {+-1}^d, coordinates through BSC((1 - rho)/2)",
        params=("n", "rho", "d", "info")),
    "cluster": Template(
        "cluster", ("n",), {"d": 1.0},
        cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
        "a new cluster model: theta_j ~ --prior, each observation is theta_j through --channel",
        params=("n", "d", "info", "prior", "rows")),
}
