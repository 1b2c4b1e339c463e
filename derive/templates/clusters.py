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
  **τ_n = η_KL(law of S_n, S_n → θ)** (S_n the number of +1 observations, sufficient) certified by the tilt route
  (:mod:`derive.channels.tilt`: the output θ is binary, η_KL is a sup over a one-dimensional exponential tilt, and
  where χ(v) <= χ(0) is certified η_KL = η_χ² = E[tanh²(a S_n)]): for η_χ² >= √3/2 ≈ 0.866 by the closed-form symmetric
  certificate (1 − η_χ² = E[sech²(a S_n)] from the float64 window sum with outward margins — :data:`FLOAT_REL`
  and the recursive-summation error of the log-factorial table, (n + 1) 2u log(n!) — and its log-concave tail
  bound), below it by the float64 cell cover (per call at most :data:`TILT_ROWS_BUDGET` seconds). **ρ_n = ρ² τ_n**
  (composition through θ). Rows where the tilt certificate is not completed fall back to the BSC route: the
  posterior lies in [(1 − t)/2, (1 + t)/2], t = tanh(n a), so the backward channel factors through BSC((1 − t)/2)
  with input-free η_KL = t² (Ahlswede & Gács 1976; ``proofs/fkl25_boolean_cluster.toml``'s fallback), factor
  1/(ρ² sinh²(n a)); every row names its ``route`` and keeps the BSC values as ``tau_n_bsc``, ``factor_bsc``.
* ``cluster``: θ_j ~ a finite prior, each observation is θ_j through a finite channel K; the sufficient
  statistic is the type c (counts of each output). Certified τ_n: the Doeblin coefficient of the backward
  channel, 1 − Σ_t min_c P(θ = t | c) ≥ η_TV ≥ η_KL, where the minimum over all types is attained at a
  one-output type c = n·e_y (weighted AM–GM: the likelihood ratios Π_y r_y^{c_y} are at most
  Σ_y (c_y/n) r_y^n), so it costs O(k·m) per n; it equals the exact Dobrushin coefficient for a binary θ.
  For a binary θ with a uniform prior and max_y K(1,y)/K(0,y) · min_y K(1,y)/K(0,y) = 1 (e.g. BSC) the
  posteriors are symmetric and the backward channel factors through a BSC, so τ_n = t² as above. ρ_n = τ_n ·
  (the certified upper end of η_KL(prior, K), ``derive.channels``), by composition through θ. χ² values
  (second eigenvalue of the normalized joint law of θ and the type) are computed in float64 log-space
  when there are at most :data:`MAX_CHI2_TYPES` types, else reported as ``None``. Binary θ: the tilt route
  replaces τ_n wherever it is certified and smaller (:func:`_cluster_tilt`); θ with more values keeps this route.

``info`` (default 1) is a lower bound on I(M; X) that the caller supplies; ``bound = factor · info``. With
``alpha`` (classification error) and no ``info``, ``info`` is the certified lower end of C*_α in nats
(:mod:`derive.templates.accuracy`). It never
defaults to ``d``: in FKL25 accuracy forces only I(M; X) ≥ C_α = O(1), and ``d`` enters through the correlation
(λ = C·d^(-1/4)), not as a factor — the earlier default d overstated the bound by a factor ≈ d.
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

from derive.channels.tilt import eta_kl_binary_float, symmetric_certificate
from derive.channels.tilt_multi import MAX_OUTPUTS
from derive.templates.boolean_routes import boolean_lambda, paper_route
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
    #: ``rows(params, ns)``: the rows at every n of ``ns`` at once (the fast path ``derive bound`` uses)
    rows: Callable[[dict, list[int]], list[dict]] | None = None


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
    """log10 of a positive lower end, rounded down (``None`` for 0)."""
    return _down(mpmath.log10(x)) if x > 0 else None


def _up(x) -> float:
    """The nearest float >= x (an mpf, Fraction or int): a certified upper end stays one after rounding."""
    f = float(x)
    return f if _float_ge(f, x) else math.nextafter(f, math.inf)


def _down(x) -> float:
    """The nearest float <= x: a certified lower end stays one after rounding."""
    f = float(x)
    return f if _float_le(f, x) else math.nextafter(f, -math.inf)


def _float_ge(f: float, x) -> bool:
    if math.isinf(f):
        return f > 0
    return (Fraction(f) >= x) if isinstance(x, (Fraction, int)) else (mpmath.mpf(f) >= x)


def _float_le(f: float, x) -> bool:
    if math.isinf(f):
        return f < 0
    return (Fraction(f) <= x) if isinstance(x, (Fraction, int)) else (mpmath.mpf(f) <= x)


def _gaussian_r2(params: dict) -> Fraction:
    if "r2" in params:
        r2 = Fraction(params["r2"])
    elif "sigma" in params:
        r2 = 1 / (1 + Fraction(params["sigma"]) ** 2)
    else:
        raise InvalidArgument("gaussian-cluster needs --set r2=... (0 < r2 < 1) or --set sigma=... (> 0)")
    if not (0 < r2 < 1):
        raise InvalidArgument(f"Expected 0 < r2 < 1 but got r2={float(r2):.6g}")
    return r2


_GAUSSIAN_REASON = ("jointly Gaussian: eta_KL = eta_chi2 = squared canonical correlation "
                    "(Polyanskiy & Wu 2017; reference/sdpi.md), cited")


def _log10_fraction(x: Fraction) -> float:
    """log10 of a positive rational, rounded down with a margin far above the float error of the two logs."""
    v = math.log10(x.numerator) - math.log10(x.denominator)
    return v - FLOAT_REL * (1 + abs(v))


def gaussian_cluster(params: dict) -> dict:
    """τ_n = n r²/(1 + (n − 1) r²), ρ_n = r² τ_n, factor (1 − r²)/(n r⁴) (cited jointly-Gaussian η_KL)."""
    n = params["n"]
    r2 = _gaussian_r2(params)
    tau = n * r2 / (1 + (n - 1) * r2)  # exact rationals
    rho = r2 * tau
    factor = (1 - tau) / rho
    return {"tau_n": _up(tau), "rho_n": _up(rho), "factor": _down(factor),
            "log10_factor": _log10_fraction(factor), "certified": True, "reason": _GAUSSIAN_REASON}


def gaussian_cluster_rows(params: dict, ns) -> list[dict]:
    """:func:`gaussian_cluster` at each n of ``ns`` (exact rationals; one row per n)."""
    return [gaussian_cluster(dict(params, n=int(n))) for n in ns]


# ---------------------------------------------------------------------------- boolean cluster

_BOOLEAN_REASON = ("tau_n = tanh^2(n atanh rho): the backward channel X_{1:n} -> theta factors through "
                   "BSC((1 - t)/2), t = tanh(n atanh rho), whose input-free eta_KL is t^2 [Ahlswede & Gacs 1976]; "
                   "rho_n = rho^2 tau_n by composition through theta (proofs/fkl25_boolean_cluster.toml)")
_CHI2_NOTE = ("maximal-correlation (eta_chi2) values: eta_chi2 <= eta_KL, so they are NOT certified as "
              "eta_KL upper bounds")

#: Relative (and, in log space, ``FLOAT_REL · (1 + |terms|)`` absolute) outward slack on the certified numbers
#: that the many-n functions compute in float64. Their inputs (atanh ρ, log-ratios of the model) are interval
#: enclosures rounded outward to floats; each certified number then passes through at most ~10 float64
#: operations (products with n, exp, log, log1p, expm1, a log-sum-exp), each within a few ulp (≤ 2^-50
#: relative) of its exact result, and the log-space errors grow at most like 2^-50 times the magnitude of the
#: terms (e.g. n·log-ratio). 1e-12 exceeds those bounds by a factor of more than 1,000, so the float value
#: moved outward by this slack is still a bound. ``tests/templates`` compares it with the interval path.
FLOAT_REL = 1e-12
#: The many-n χ² sums over observation types keep the terms within this many nats of the largest term. Each
#: summand is log-concave in the type with curvature at most −4/(n + 2) (the log-binomial coefficient), so
#: the dropped terms are below e^{−CHI2_WINDOW_NATS} times the largest (χ² values are not certified).
CHI2_WINDOW_NATS = 60.0


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


def _segment_logsumexp(v: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """log Σ exp(v) over each segment v[starts[i]:starts[i + 1]] (segments non-empty; -inf when all -inf)."""
    top = np.maximum.reduceat(v, starts)
    safe = np.where(np.isfinite(top), top, 0.0)
    lengths = np.diff(np.append(starts, len(v)))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.add.reduceat(np.exp(v - np.repeat(safe, lengths)), starts)
        return np.where(np.isfinite(top), np.log(s) + safe, -np.inf)


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(segment index, value) of the concatenated ranges starts[i] .. starts[i] + lengths[i] - 1."""
    seg = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return seg, np.repeat(starts, lengths) + np.arange(int(lengths.sum())) - np.repeat(offsets, lengths)


def _log_binomial(n: np.ndarray, j: np.ndarray, table: np.ndarray | None) -> np.ndarray:
    if table is not None:
        return table[n] - table[j] - table[n - j]
    from scipy.special import gammaln

    return gammaln(n + 1.0) - gammaln(j + 1.0) - gammaln(n - j + 1.0)


def _factorial_table(nmax: int) -> np.ndarray | None:
    return _log_factorials(nmax) if nmax <= 2_000_000 else None


def _window(n: np.ndarray) -> np.ndarray:
    """Half-width of the terms kept around a log-concave summand's peak (see :data:`CHI2_WINDOW_NATS`)."""
    return np.ceil(np.sqrt(CHI2_WINDOW_NATS * (n + 2) / 2)).astype(np.int64) + 2


#: Largest number of terms handled in one vectorized block (memory: a few arrays of this many float64).
_CHUNK = 200_000


def _chunks(lengths: np.ndarray):
    """Index ranges [i, j) of consecutive segments with at most :data:`_CHUNK` terms in all (at least one)."""
    i, total = 0, len(lengths)
    csum = np.concatenate([[0], np.cumsum(lengths)])
    while i < total:
        j = int(np.searchsorted(csum, csum[i] + _CHUNK, side="right")) - 1
        j = max(j, i + 1)
        yield i, min(j, total)
        i = min(j, total)


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


def _map_blocks(fn, blocks) -> None:
    """Run ``fn(i, j)`` for every block, on two threads when there are two CPUs (numpy releases the GIL)."""
    import os

    blocks = list(blocks)
    if len(blocks) < 2 or (os.cpu_count() or 1) < 2:
        for i, j in blocks:
            fn(i, j)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda b: fn(*b), blocks))


def _row_chunks(widths: np.ndarray):
    """[i, j) blocks of rows (widths ascending) whose rectangle (j − i) · widths[j − 1] stays near :data:`_CHUNK`."""
    i, total = 0, len(widths)
    while i < total:
        j = min(total, i + max(1, _CHUNK // max(int(widths[i]), 1)))
        while j > i + 1 and (j - i) * int(widths[j - 1]) > _CHUNK:
            j = i + (j - i) // 2
        yield i, j
        i = j


def _boolean_chi2_many(ns: np.ndarray, rho: Fraction) -> np.ndarray:
    """log(1 − τ_n^χ²) = log E[sech²(a S_n)] for every n of ``ns`` at once (float64).

    Pairing s with −s: E[sech²(a S_n)] = (1 − ρ²)^{n/2} 2^{−n} Σ_k C(n, k) sech(a (2k − n)); the summand is
    log-concave in k and symmetric about k = n/2, its peak, so only s = 2k − n = n mod 2, n mod 2 + 2, ... up
    to the :func:`_window` is summed (twice, except s = 0).
    """
    r = float(rho)
    a = math.atanh(r)
    ns = np.asarray(ns, dtype=np.int64)
    order = np.argsort(ns, kind="stable")
    sorted_ns = ns[order]
    w = _window(sorted_ns)
    table = _factorial_table(int(ns.max()))
    out = np.empty(len(ns))

    def block(i, j):
        n = sorted_ns[i:j, None]
        s2 = n % 2 + 2 * np.arange(int(w[j - 1]) + 1)[None, :]           # s = 2k - n >= 0
        k = (n + s2) // 2
        valid = k <= n
        k = np.where(valid, k, n)
        x = a * s2
        terms = (_log_binomial(n, k, table) + math.log(2) - x - np.log1p(np.exp(-2 * x))
                 + np.where(s2 == 0, 0.0, math.log(2)))
        out[order[i:j]] = logsumexp(np.where(valid, terms, -np.inf), axis=1)

    _map_blocks(block, _row_chunks(w + 1))
    return out + ns * (0.5 * math.log1p(-r * r) - math.log(2))


def _check_rho(params: dict) -> Fraction:
    """The Boolean correlation λ (``rho``, ``lambda``, or ``C d^(−1/4)``: :func:`boolean_routes.boolean_lambda`)."""
    return boolean_lambda(params)[0]


def _info_of(params: dict) -> float | None:
    """The information the accuracy forces, as ``derive bound`` uses it: ``info``, else the certified lower end of
    C*_α from ``alpha``, else ``None``."""
    if "info" in params:
        return float(params["info"])
    if "alpha" in params:
        from derive.templates.accuracy import accuracy_information

        return accuracy_information(Fraction(params["alpha"]))[0]
    return None


def _check_ns(ns, name: str) -> np.ndarray:
    ns = np.asarray([int(n) for n in ns], dtype=np.int64)
    if len(ns) and ns.max() > MAX_N:
        raise LimitExceeded(f"n = {int(ns.max())} exceeds the {name} limit {MAX_N}")
    if len(ns) and ns.min() < 1:
        raise InvalidArgument(f"Expected an integer n >= 1 but got n={int(ns.min())}")
    return ns


def _boolean_interval(n: int, rho: Fraction):
    """Interval enclosures (τ_n, ρ_n, (1 − τ_n)/ρ_n) in 30-digit ``mpmath.iv`` arithmetic."""
    with mpmath.workdps(DPS), _iv_dps(DPS):
        r = _iv(rho)
        a = iv.log((1 + r) / (1 - r)) / 2
        e = iv.exp(-2 * n * a)                      # e^{-2na}; t = (1 - e)/(1 + e)
        t = (1 - e) / (1 + e)
        one_minus_tau = 4 * e / (1 + e) ** 2        # 1 - t^2 = sech^2(n a), no cancellation
        tau = t ** 2
        rho_n = r ** 2 * tau
        return tau, rho_n, one_minus_tau / rho_n


def _chi2_values(log_om: float, chi2_k: float, note: str) -> dict:
    """τ^χ², ρ^χ² = chi2_k · τ^χ² and the χ² factor from log(1 − τ^χ²) (floats)."""
    tau_c = -math.expm1(log_om)
    rho_c = chi2_k * tau_c
    return {"tau_n_chi2": tau_c, "rho_n_chi2": rho_c,
            "factor_chi2": math.exp(log_om) / rho_c if rho_c > 0 else math.inf,
            "log10_factor_chi2": (log_om - math.log(rho_c)) / math.log(10) if rho_c > 0 else None,
            "chi2_note": note}


def boolean_cluster_bsc(params: dict) -> dict:
    """The BSC-factorization route alone: certified τ_n = tanh²(n atanh ρ), ρ_n = ρ² τ_n, factor
    1/(ρ² sinh²(n atanh ρ)); and the χ² values. One n, in 30-digit interval arithmetic (the fallback of
    :func:`boolean_cluster_rows`, and the reference for its float64 fallback values)."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the boolean-cluster limit {MAX_N}")
    rho = _check_rho(params)
    tau, rho_n, factor = _boolean_interval(n, rho)
    with mpmath.workdps(DPS):
        out = {"tau_n": _up(_hi(tau)), "rho_n": _up(_hi(rho_n)), "factor": _down(_lo(factor)),
               "log10_factor": _log10(_lo(factor)), "certified": True, "reason": _BOOLEAN_REASON}
    _, log_om = _boolean_chi2(n, rho)
    out.update(_chi2_values(log_om, float(rho) ** 2, _CHI2_NOTE))
    return out


def boolean_cluster(params: dict) -> dict:
    """One n of :func:`boolean_cluster_rows` (the certified η_KL route, falling back to the BSC route), plus
    ``arb_check``: the arb spot check of τ_n (:func:`boolean_tau_arb`) when n <= 2000."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the boolean-cluster limit {MAX_N}")
    row = boolean_cluster_rows(params, [n])[0]
    if n <= ARB_CHECK_MAX_N:
        lo, hi, how = boolean_tau_arb(n, _check_rho(params))
        row["arb_check"] = {"tau_n": [lo, hi], "how": how}
    return row


def _lup(v: np.ndarray, size: np.ndarray | float = 0.0) -> np.ndarray:
    """A float64 log-space value moved up by FLOAT_REL · (1 + |v| + size) (size: magnitude of its terms)."""
    return v + FLOAT_REL * (1 + np.abs(v) + size)


def _ldown(v: np.ndarray, size: np.ndarray | float = 0.0) -> np.ndarray:
    return v - FLOAT_REL * (1 + np.abs(v) + size)


def _certified_rows(tau_hi: np.ndarray, log_om_lo: np.ndarray, log_rho_factor_hi: float, reasons) -> list[dict]:
    """Rows from float64 bounds: τ_n ≤ tau_hi, log(1 − τ_n) ≥ log_om_lo and log of the ρ_n/τ_n multiplier ≤
    log_rho_factor_hi; ρ_n ≤ tau_hi · e^{log_rho_factor_hi} and the factor ≥ (1 − τ_n)/ρ_n, rounded outward."""
    tau_hi = np.minimum(tau_hi, 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        rho_hi = np.minimum(_lup(np.log(tau_hi) + log_rho_factor_hi), 0.0)
        rho_n = np.exp(rho_hi) * (1 + FLOAT_REL)
        rho_n = np.where(tau_hi > 0, np.minimum(rho_n, 1.0), 0.0)
        log_f = _ldown(log_om_lo - np.log(tau_hi) - log_rho_factor_hi)
        factor = np.exp(log_f) * (1 - FLOAT_REL)
    factor = np.where(np.isinf(factor), np.finfo(float).max, factor)
    rows = []
    for i in range(len(tau_hi)):
        if tau_hi[i] <= 0 or not math.isfinite(log_rho_factor_hi):
            f, l10 = math.inf, None
        elif not np.isfinite(log_om_lo[i]):
            f, l10 = 0.0, None
        else:
            f, l10 = float(factor[i]), float(log_f[i] / math.log(10)) - FLOAT_REL * (1 + abs(log_f[i]))
        rows.append({"tau_n": float(tau_hi[i]), "rho_n": float(rho_n[i]), "factor": f, "log10_factor": l10,
                     "certified": True, "reason": reasons if isinstance(reasons, str) else reasons[i]})
    return rows


def _boolean_bsc_rows(rho: Fraction, ns: np.ndarray) -> list[dict]:
    """The BSC-factorization route at every n (float64 with the outward slack :data:`FLOAT_REL`)."""
    with mpmath.workdps(DPS), _iv_dps(DPS):
        r = _iv(rho)
        a_hi = _up(_hi(iv.log((1 + r) / (1 - r)) / 2))        # tau_n and 1/(1 - tau_n) increase with a
        log_rho2_hi = _up(_hi(2 * iv.log(r)))
    u = ns * a_hi                                              # n a, rounded to nearest: relative error 2^-53
    e = np.exp(-2 * u)
    t = -np.expm1(-2 * u) / (1 + e)                            # tanh(n a): relative error a few ulp
    tau_hi = np.minimum(t * t * (1 + FLOAT_REL), 1.0)
    log_om_lo = _ldown(math.log(4) - 2 * u - 2 * np.log1p(e), 2 * u)   # log sech^2(n a)
    return _certified_rows(tau_hi, log_om_lo, log_rho2_hi, _BOOLEAN_REASON)


def boolean_cluster_rows(params: dict, ns) -> list[dict]:
    """Certified τ_n = η_KL(law of S_n, S_n → θ) and ρ_n = ρ² τ_n at every n of ``ns`` (the tilt route,
    :mod:`derive.channels.tilt`), falling back per row to the BSC route (:func:`boolean_cluster_bsc`) where the
    tilt certificate is not completed; each row names its ``route``. Float64 with outward margins."""
    rho = _check_rho(params)
    ns = _check_ns(ns, "boolean-cluster")
    bsc = _boolean_bsc_rows(rho, ns)
    log_om = _boolean_chi2_many(ns, rho)
    with mpmath.workdps(DPS), _iv_dps(DPS):
        log_rho2_hi = _up(_hi(2 * iv.log(_iv(rho))))
    tau_hi, log_om_lo, reasons, routes = _boolean_tilt(ns, rho, log_om, np.array([r["tau_n"] for r in bsc]))
    tilt = _certified_rows(np.where(np.isnan(tau_hi), 1.0, tau_hi), np.where(np.isnan(log_om_lo), -np.inf, log_om_lo),
                           log_rho2_hi, reasons)
    _, lam_note = boolean_lambda(params)
    info = _info_of(params)
    rows = []
    for i, (b, t, lo) in enumerate(zip(bsc, tilt, log_om)):
        # the larger certified factor; within relative 1e-9 (the tilt cover's slack) the tilt route is kept
        use_tilt = not math.isnan(tau_hi[i]) and not b["factor"] > t["factor"] * (1 + 1e-9)
        row = dict(t) if use_tilt else dict(b, reason=reasons[i] if math.isnan(tau_hi[i]) else _BOOLEAN_REASON)
        row["route"] = routes[i] if use_tilt or math.isnan(tau_hi[i]) else ROUTE_BSC_BETTER
        row["tau_n_bsc"], row["rho_n_bsc"] = b["tau_n"], b["rho_n"]
        row["factor_bsc"], row["log10_factor_bsc"] = b["factor"], b["log10_factor"]
        row.update(_chi2_values(float(lo), float(rho) ** 2, _CHI2_NOTE_TILT))
        row.update(paper_route(int(ns[i]), rho, params, info if info is not None else 0.0))
        if info is None and row["paper_note"].startswith("the paper's delta"):
            row["paper_note"] = "the paper's route needs C_alpha: --set alpha=... or info=..."
        row["routes"] = {"bsc_factorization": {"factor": b["factor"], "certified": True},
                         "eta_kl_tilt": ({"factor": t["factor"], "certified": True} if not math.isnan(tau_hi[i])
                                         else {"factor": None, "certified": False, "note": reasons[i]}),
                         "paper_approximate_sdpi": {"factor": row["factor_paper"], "bound": row["bound_paper"],
                                                    "certified": False, "note": row["paper_note"]},
                         "reported": "the larger certified factor: " + row["route"]}
        if lam_note:
            row["lambda_note"] = lam_note
        rows.append(row)
    return rows


#: The numeric tilt cover (rows the analytic certificate does not reach) gets at most this many seconds per
#: call of the many-n path; rows beyond it fall back to the BSC route (and say so).
TILT_ROWS_BUDGET = 3.0
#: Seconds for one row's cover at most.
TILT_ROW_BUDGET = 0.25
#: :func:`boolean_cluster` adds an arb spot check of τ_n up to this n.
ARB_CHECK_MAX_N = 2000
#: Relative slack of the numeric cover's upper end above η_χ² (far below the 1e-6 the tables show).
TILT_SLACK = 1e-9

_TILT_ANALYTIC = ("tau_n = eta_KL(law of S_n, S_n -> theta) = eta_chi2 = E[tanh^2(a S_n)], certified: the symmetric "
                  "analytic chi-criterion (derive.channels.tilt, section 4: chi(v) <= chi(0) for every tilt v); "
                  "1 - tau_n = E[sech^2(a S_n)] summed in float64 with outward margins and a log-concave window tail "
                  "bound; rho_n = rho^2 tau_n by composition through theta [Polyanskiy & Wu 2017]")
_TILT_COVER = ("tau_n = eta_KL(law of S_n, S_n -> theta) = eta_chi2 = E[tanh^2(a S_n)], certified: chi-criterion cell "
               "cover of the tilt (derive.channels.tilt, section 5; float64 with outward margins); rho_n = rho^2 tau_n "
               "by composition through theta [Polyanskiy & Wu 2017]")
_TILT_UPPER = ("tau_n <= the upper end of the certified tilt cover of eta_KL(law of S_n, S_n -> theta) (derive.channels."
               "tilt, section 5; eta_KL = eta_chi2 not certified at this n); rho_n = rho^2 tau_n by composition")
_CHI2_NOTE_TILT = ("maximal-correlation (eta_chi2) values; eta_chi2 <= eta_KL, and they are certified values of "
                   "eta_KL exactly on the rows whose route is 'eta_KL = eta_chi2'")

ROUTE_ANALYTIC = "eta_KL = eta_chi2 (tilt, analytic chi-criterion)"
ROUTE_COVER = "eta_KL = eta_chi2 (tilt, cell cover)"
ROUTE_UPPER = "eta_KL <= tilt cover upper end"
ROUTE_FALLBACK = "fallback: BSC factorization (tilt certificate not completed)"
ROUTE_BSC_BETTER = "BSC factorization (larger than the tilt route's certified factor here)"


def _boolean_law(n: int, rho: Fraction) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """f(s) = P(θ = +1 | S = s), 1 − f(s) and P(S = s), s = 0..n: arb balls (128 bits) rounded to the nearest
    float, so every entry is within one ulp (plus 2^-100 relative) of its exact value; the last item is the
    extra relative input error for :func:`derive.channels.tilt.eta_kl_binary_float` (0: inside its 16 ulp)."""
    import flint

    flint.ctx.prec = 128 + 2 * int(math.log2(n + 2))
    r = flint.arb(flint.fmpq(rho.numerator, rho.denominator))
    a2 = ((1 + r) / (1 - r)).log()                            # 2 atanh rho
    p, q = (1 + r) / 2, (1 - r) / 2
    f, om, P = np.empty(n + 1), np.empty(n + 1), np.empty(n + 1)
    c = flint.arb(1)
    for s in range(n + 1):
        e = (-a2 * (2 * s - n)).exp()
        f[s] = float(1 / (1 + e))
        om[s] = float(e / (1 + e))
        P[s] = float(c * (p ** s * q ** (n - s) + q ** s * p ** (n - s)) / 2)
        c = c * (n - s) / (s + 1)
    return f, om, P, 0.0


def _boolean_tilt(ns: np.ndarray, rho: Fraction, log_om: np.ndarray, tau_bsc: np.ndarray):
    """Per n: (upper end of τ_n, lower end of log(1 − τ_n), reason, route), NaN where the tilt route gives no
    improvement on the BSC route. ``log_om``: the float64 window sum log E[sech²(a S_n)] (= log(1 − η_χ²))."""
    import time

    a = math.atanh(float(rho))
    size = 2 * ns * a
    # the log-factorial table is a cumulative sum of n float64 logs: absolute error <= (n + 1) 2u log(n!) (recursive
    # summation), plus the n log p terms; moved outward by that on top of the FLOAT_REL slack
    nf = ns.astype(float)
    lfact = np.where(nf > 1, nf * np.log(np.maximum(nf, 1.0)), 1.0) + 1
    table_err = (nf + 1) * 2.0 ** -52 * (lfact + nf * (abs(math.log1p(float(rho))) + abs(math.log1p(-float(rho)))) + 1)
    log_x_lo = _ldown(log_om, size) - table_err
    log_x_hi = _lup(log_om, size) + table_err + np.log1p((ns + 1.0) * math.exp(-CHI2_WINDOW_NATS))   # + window tail
    tau = np.full(len(ns), np.nan)
    log_om_lo = np.full(len(ns), np.nan)
    reasons = [_BOOLEAN_REASON] * len(ns)
    routes = [ROUTE_FALLBACK] * len(ns)
    pending = []
    for i in range(len(ns)):
        if symmetric_certificate(math.exp(log_x_hi[i])) is not None:
            tau[i] = min(-math.expm1(log_x_lo[i]) * (1 + FLOAT_REL), 1.0)
            log_om_lo[i] = log_x_lo[i]
            reasons[i], routes[i] = _TILT_ANALYTIC, ROUTE_ANALYTIC
        else:
            pending.append(i)
    deadline = time.perf_counter() + TILT_ROWS_BUDGET
    for i in sorted(pending, key=lambda j: ns[j]):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        n = int(ns[i])
        f, om, P, err = _boolean_law(n, rho)
        chi0 = -math.expm1(float(log_om[i]))
        b = eta_kl_binary_float(f, P, omf=om, symmetric=True, budget=min(TILT_ROW_BUDGET, left),
                                slack=TILT_SLACK * max(chi0, 1e-300), input_rel=err)
        up = float(b.upper)
        if b.equal and b.one_minus_lower and b.one_minus_lower > 0:
            tau[i] = up
            log_om_lo[i] = _ldown(np.array([math.log(b.one_minus_lower)]))[0]
            reasons[i], routes[i] = _TILT_COVER, ROUTE_COVER
        elif up < tau_bsc[i] and up < 1:
            tau[i] = up
            log_om_lo[i] = _ldown(np.array([math.log1p(-up)]))[0]
            reasons[i], routes[i] = _TILT_UPPER, ROUTE_UPPER
    for i in range(len(ns)):
        if routes[i] == ROUTE_FALLBACK:
            why = ("the cell cover did not beat it within its time budget" if i in pending else "")
            reasons[i] = (f"fallback ({why or 'tilt certificate not completed'}; the tilt rows of this call share "
                          f"{TILT_ROWS_BUDGET:g} s): " + _BOOLEAN_REASON)
    return tau, log_om_lo, reasons, routes


def boolean_tau_arb(n: int, rho: Fraction) -> tuple[float, float, str]:
    """An arb spot check of τ_n = η_KL(law of S_n, S_n → θ): ``(lo, hi, how)``.

    1 − η_χ² = E[sech²(a S_n)] is summed over all n + 1 values in arb (256 bits + 4 n); when the symmetric
    analytic certificate holds the bracket is the η_χ² ball, else (n <= 60) the exact-rational cover
    :func:`derive.channels.tilt.eta_kl_binary`, else ``(nan, nan, "not checked")``."""
    import flint

    from derive.channels.tilt import eta_kl_binary

    rho = Fraction(rho)
    flint.ctx.prec = 256 + 4 * int(n)
    r = flint.arb(flint.fmpq(rho.numerator, rho.denominator))
    p, q = (1 + r) / 2, (1 - r) / 2
    A = flint.arb(0)
    for s in range(n + 1):
        bp = p ** s * q ** (n - s)
        bq = q ** s * p ** (n - s)
        A += flint.arb(math.comb(n, s)) * bp * bq / (bp + bq)      # 2 P(s) f(s) (1 - f(s))
    x = 2 * A                                                   # 1 - eta_chi2 = 4 A_0 (p bar = 1/2)
    xl, xh = x.lower(), x.upper()
    lo_om, hi_om = float(xl), float(xh)
    if symmetric_certificate(hi_om * (1 + 1e-12)) is not None:
        return (-math.expm1(math.log(hi_om)) if hi_om > 0 else 1.0) * (1 - 1e-15), \
            (-math.expm1(math.log(lo_om)) if lo_om > 0 else 1.0) * (1 + 1e-15), \
            "arb: 1 - eta_chi2 = E[sech^2(a S)] ball, symmetric analytic certificate"
    if n <= 60:
        pq, qq = (1 + rho) / 2, (1 - rho) / 2
        fs, Ps = [], []
        for s in range(n + 1):
            bp, bq = pq ** s * qq ** (n - s), qq ** s * pq ** (n - s)
            fs.append(bp / (bp + bq))
            Ps.append(math.comb(n, s) * (bp + bq) / 2)
        b = eta_kl_binary(fs, Ps, budget=5.0)
        return float(b.lower), float(b.upper), f"arb: exact-rational tilt cover ({b.route})"
    return math.nan, math.nan, "not checked (no analytic certificate and n > 60)"


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
    """All count vectors (c_0..c_{m-1}) >= 0 with sum n, one per row (c_0 ascending, then the rest)."""
    if m == 1:
        return np.array([[n]], dtype=np.int64)
    if m == 2:
        j = np.arange(n + 1, dtype=np.int64)
        return np.stack([j, n - j], axis=1)
    if m == 3:
        first = np.arange(n + 1, dtype=np.int64)
        c0, c1 = _ragged(np.zeros(n + 1, dtype=np.int64), n + 1 - first)
        return np.stack([c0, c1, n - c0 - c1], axis=1)
    blocks = []
    for first in range(n + 1):
        rest = _compositions(n - first, m - 1)
        blocks.append(np.hstack([np.full((len(rest), 1), first, dtype=np.int64), rest]))
    return np.vstack(blocks)


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


_SYMMETRIC_HOW = ("binary theta, symmetric posteriors: the backward channel factors through BSC((1 - t)/2), "
                  "t = its Dobrushin coefficient, input-free eta_KL = t^2 [Ahlswede & Gacs 1976]")
_DOEBLIN_HOW = ("Doeblin: eta_KL <= eta_TV <= 1 - sum_t min_c P(theta = t | c) (minimum at one-output "
                "types by AM-GM; exact Dobrushin for binary theta) [Cohen, Kemperman & Zbaganu 1998]")
_DOBRUSHIN_HOW = ("Dobrushin: eta_KL <= eta_TV(type -> theta) = max_A (max_c P(A | c) - min_c P(A | c)) over all "
                  f"observation types (float64, + {DOBRUSHIN_MARGIN:g} for rounding) [Cohen, Kemperman & Zbaganu 1998]")


def _cluster_reason(M: _Model, how: str) -> str:
    return (f"tau_n: {how}; rho_n = tau_n * eta_KL(prior, K) upper end ({M.kl_how}) by "
            "composition through theta")


def _cluster_certified(M: _Model, n: int, dobrushin: float | None = None) -> dict:
    """Doeblin (or, symmetric binary, BSC-factorization) upper bounds in interval arithmetic; when the types
    were enumerated, the exact Dobrushin coefficient (float64 + :data:`DOBRUSHIN_MARGIN`) if it is smaller.
    Floats rounded outward (τ_n, ρ_n up; the factor down)."""
    out = _cluster_certified_mp(M, n, dobrushin)
    factor = out["factor"]
    out.update({"tau_n": _up(out["tau_n"]), "rho_n": _up(out["rho_n"]),
                "factor": math.inf if factor == mpmath.inf else _down(factor)})
    return out


def _cluster_certified_mp(M: _Model, n: int, dobrushin: float | None = None) -> dict:
    """:func:`_cluster_certified` with the 30-digit interval ends (mpf) unrounded."""
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
            how = _SYMMETRIC_HOW
        else:
            one_minus_tau = sum(mins[1:], mins[0])
            tau = 1 - one_minus_tau
            how = _DOEBLIN_HOW
        tau_hi = min(_hi(tau), mpmath.mpf(1))
        om_lo = max(_lo(one_minus_tau), mpmath.mpf(0))
        if not M.symmetric and dobrushin is not None and dobrushin + DOBRUSHIN_MARGIN < tau_hi:
            tau_hi = mpmath.mpf(dobrushin) + DOBRUSHIN_MARGIN
            om_lo = 1 - tau_hi
            how = _DOBRUSHIN_HOW
        rho_iv = iv.mpf(tau_hi) * _iv(M.kl_upper)
        rho_hi = _hi(rho_iv)
        factor = _lo(iv.mpf(om_lo) / rho_iv) if rho_hi > 0 else mpmath.inf
        return {"tau_n": tau_hi, "rho_n": rho_hi, "factor": factor,
                "log10_factor": _log10(factor) if factor != mpmath.inf else None, "certified": True,
                "reason": _cluster_reason(M, how)}


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


# ---------------------------------------------------------------------------- a new distribution, many n at once

@lru_cache(maxsize=32)
def _vertex_floats(M: _Model) -> tuple:
    """:func:`_vertex_terms` as float64 upper ends: per (t, y) None or (log(w_s/w_t), log(K_sy/K_ty)) arrays."""
    out = []
    with mpmath.workdps(DPS), _iv_dps(DPS):
        for per_y in _vertex_terms(M):
            if per_y is None:
                out.append(None)
                continue
            out.append(tuple((np.array([_up(_hi(iv.log(ratio))) for ratio, _ in pairs]),
                              np.array([_up(_hi(logr)) for _, logr in pairs])) for pairs in per_y))
    return tuple(out)


def _cluster_certified_many(M: _Model, ns: np.ndarray, dobrushin: np.ndarray) -> list[dict]:
    """:func:`_cluster_certified` at every n of ``ns``: float64 from outward-rounded interval inputs, with the
    slack :data:`FLOAT_REL`. ``dobrushin``: the float64 Dobrushin coefficient per n (NaN when not computed).

    P(θ = t | n e_y) = 1/(1 + g), log g = logsumexp_s(log(w_s/w_t) + n log(K_sy/K_ty)); upper ends of the inputs
    (n >= 0) give an upper end of g, so a lower end of each minimum posterior."""
    nf = ns.astype(float)
    log_mins = []
    for per_y in _vertex_floats(M):
        if per_y is None:
            log_mins.append(np.full(len(ns), -np.inf))
            continue
        best = np.full(len(ns), np.inf)
        for lr, lk in per_y:
            if len(lr) == 0:                                      # no other theta explains y: P = 1
                best = np.minimum(best, 0.0)
                continue
            lg = logsumexp(lr[:, None] + lk[:, None] * nf[None, :], axis=0)
            lp = -(np.maximum(lg, 0.0) + np.log1p(np.exp(-np.abs(lg))))          # -log(1 + g)
            best = np.minimum(best, _ldown(lp, np.abs(lr).max() + np.abs(lk).max() * nf))
        log_mins.append(best)
    with np.errstate(divide="ignore", invalid="ignore"):
        if M.symmetric:
            log_mm = np.minimum(log_mins[0], log_mins[1])          # log of a lower end of min_c P(theta | c)
            mm = np.exp(log_mm) * (1 - FLOAT_REL)                  # <= min_c P(theta | c) <= 1/2
            t_hi = np.nextafter(1 - 2 * mm, 2.0)
            tau_hi = np.minimum(t_hi * t_hi * (1 + FLOAT_REL), 1.0)
            log_om_lo = _ldown(math.log(4) + log_mm + np.log1p(-mm))              # 4 mm (1 - mm), increasing
            reasons = [_cluster_reason(M, _SYMMETRIC_HOW)] * len(ns)
        else:
            log_om_lo = _ldown(logsumexp(np.vstack(log_mins), axis=0))
            om = np.exp(log_om_lo)
            tau_hi = np.minimum(np.nextafter(1 - om, 2.0), 1.0)
            reasons = [_cluster_reason(M, _DOEBLIN_HOW)] * len(ns)
            better = np.isfinite(dobrushin) & (dobrushin + DOBRUSHIN_MARGIN < tau_hi)
            for i in np.flatnonzero(better):
                tau_hi[i] = math.nextafter(float(dobrushin[i]) + DOBRUSHIN_MARGIN, 2.0)
                log_om_lo[i] = _ldown(np.log(np.nextafter(1 - tau_hi[i], -1.0)))
                reasons[i] = _cluster_reason(M, _DOBRUSHIN_HOW)
    if M.kl_upper > 0:
        with mpmath.workdps(DPS), _iv_dps(DPS):
            log_kl_hi = _up(_hi(iv.log(_iv(M.kl_upper))))
    else:
        log_kl_hi = -math.inf
    return _certified_rows(tau_hi, log_om_lo, log_kl_hi, reasons)


def _type_terms(M: _Model, n: np.ndarray, C: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log P(θ = t, c) for every t (rows), log P(c)) at types c (rows of C, counts of the live outputs)."""
    k = len(M.prior)
    with np.errstate(divide="ignore"):
        logK = np.log(np.array([[float(M.rows[t][y]) for y in M.live] for t in range(k)]))
        logw = np.log(np.array([float(p) for p in M.prior]))
    lognc = table[n] - table[C].sum(axis=1)
    lj = np.empty((k, len(n)))
    for t in range(k):
        finite = np.isfinite(logK[t])
        dead = (C[:, ~finite] > 0).any(axis=1)
        lj[t] = np.where(dead, -np.inf, logw[t] + lognc + (C * np.where(finite, logK[t], 0.0)).sum(axis=1))
    with np.errstate(invalid="ignore"):
        return lj, logsumexp(lj, axis=0)


def _pair_sums(M: _Model, ns: np.ndarray, types, want_dobrushin: bool, table: np.ndarray):
    """For every n: log S_ab = log Σ_c P(a, c) P(b | c) over the types ``types(n)`` (pairs a < b of the prior's
    support), and (``want_dobrushin``) the Dobrushin coefficient max_A (max_c P(A | c) − min_c P(A | c))."""
    k = len(M.prior)
    act = [t for t in range(k) if M.prior[t] > 0]
    pairs = [(a, b) for i, a in enumerate(act) for b in act[i + 1:]]
    logS = {p: np.empty(len(ns)) for p in pairs}
    dob = np.full(len(ns), np.nan)
    comps = [types(int(n)) for n in ns]
    lengths = np.array([len(c) for c in comps], dtype=np.int64)
    for i, j in _chunks(lengths):
        C = np.vstack(comps[i:j])
        n = np.repeat(ns[i:j], lengths[i:j])
        starts = np.concatenate([[0], np.cumsum(lengths[i:j])[:-1]])
        lj, lpc = _type_terms(M, n, C, table)
        ok = np.isfinite(lpc)
        with np.errstate(invalid="ignore"):
            for a, b in pairs:
                logS[(a, b)][i:j] = _segment_logsumexp(np.where(ok, lj[a] + lj[b] - lpc, -np.inf), starts)
            if want_dobrushin:
                post = np.where(ok, np.exp(lj - np.where(ok, lpc, 0.0)), 0.0)
                best = np.zeros(j - i)
                for mask in range(1, 2 ** (k - 1)):                # subsets A not containing k - 1
                    pa = post[[t for t in range(k) if mask >> t & 1]].sum(axis=0)
                    hi = np.maximum.reduceat(np.where(ok, pa, -np.inf), starts)
                    lo = np.minimum.reduceat(np.where(ok, pa, np.inf), starts)
                    best = np.maximum(best, hi - lo)
                dob[i:j] = best
    return act, logS, dob


def _binary_output_pair_sums(M: _Model, ns: np.ndarray, table: np.ndarray) -> dict:
    """log S_ab for every n with two live outputs, types c = (j, n − j): the summand log P(a, c) P(b | c) is
    concave in j on the j where both are positive, so its peak is found by bisection on the differences and only
    the :func:`_window` around it is summed."""
    k = len(M.prior)
    act = [t for t in range(k) if M.prior[t] > 0]
    y0, y1 = M.live
    with np.errstate(divide="ignore"):
        l0 = np.array([math.log(M.rows[t][y0]) if M.rows[t][y0] > 0 else -np.inf for t in range(k)])
        l1 = np.array([math.log(M.rows[t][y1]) if M.rows[t][y1] > 0 else -np.inf for t in range(k)])
    logw = {t: math.log(M.prior[t]) for t in act}
    order = np.argsort(ns, kind="stable")
    sorted_ns = ns[order]

    def logA(t, n, j):
        """log P(theta = t, c) minus log C(n, j); -inf where the channel cannot produce c."""
        v = logw[t] + (j * l0[t] if np.isfinite(l0[t]) else 0.0) + ((n - j) * l1[t] if np.isfinite(l1[t]) else 0.0)
        if not np.isfinite(l0[t]):
            v = np.where(j > 0, -np.inf, v)
        if not np.isfinite(l1[t]):
            v = np.where(n - j > 0, -np.inf, v)
        return v

    def f(a, b, n, j):
        with np.errstate(invalid="ignore"):
            if len(act) == 2 and np.isfinite([l0[a], l0[b], l1[a], l1[b]]).all():
                d = (logw[a] - logw[b]) + j * (l0[a] - l0[b]) + (n - j) * (l1[a] - l1[b])     # xa - xb
                return (_log_binomial(n, j, table) + logw[b] + j * l0[b] + (n - j) * l1[b] + np.minimum(d, 0.0)
                        - np.log1p(np.exp(-np.abs(d))))
            xa, xb = logA(a, n, j), logA(b, n, j)
            if len(act) == 2:                                  # log P(a, c) P(b, c) / P(c) = min - log(1 + e^-|d|)
                return _log_binomial(n, j, table) + np.minimum(xa, xb) - np.log1p(np.exp(-np.abs(xa - xb)))
            xs = [logA(t, n, j) for t in act]
            top = xs[0]
            for x in xs[1:]:
                top = np.maximum(top, x)
            safe = np.where(np.isfinite(top), top, 0.0)
            with np.errstate(divide="ignore"):
                lse = np.log(sum(np.exp(x - safe) for x in xs)) + safe
            return _log_binomial(n, j, table) + xa + xb - lse

    out = {}
    for ia, a in enumerate(act):
        for b in act[ia + 1:]:
            lo = np.zeros(len(ns), dtype=np.int64)
            hi = sorted_ns.copy()
            for t in (a, b):
                if not np.isfinite(l0[t]):
                    hi = np.minimum(hi, 0)
                if not np.isfinite(l1[t]):
                    lo = np.maximum(lo, sorted_ns)
            empty = lo > hi
            L, H = lo.copy(), np.maximum(hi, lo)
            while True:
                go = np.flatnonzero(L < H)
                if not len(go):
                    break
                mid = (L[go] + H[go]) // 2
                up = f(a, b, sorted_ns[go], mid) < f(a, b, sorted_ns[go], mid + 1)
                L[go] = np.where(up, mid + 1, L[go])
                H[go] = np.where(up, H[go], mid)
            w = _window(sorted_ns)
            start = np.maximum(lo, L - w)
            width = np.where(empty, 1, np.minimum(hi, L + w) - start + 1)
            res = np.empty(len(ns))

            def block(i, j, a=a, b=b, start=start, width=width, empty=empty, res=res):
                n = sorted_ns[i:j, None]
                jj = start[i:j, None] + np.arange(int(width[i:j].max()))[None, :]
                valid = (jj - start[i:j, None] < width[i:j, None]) & ~empty[i:j, None]
                jj = np.minimum(jj, n)
                with np.errstate(invalid="ignore"):
                    res[i:j] = logsumexp(np.where(valid, f(a, b, n, jj), -np.inf), axis=1)

            _map_blocks(block, _row_chunks(np.maximum.accumulate(width)))
            logS = np.empty(len(ns))
            logS[order] = res
            out[(a, b)] = logS
    return out


#: With two outputs and three or more values of θ, the float Dobrushin coefficient over all n + 1 types is
#: computed (to improve on the Doeblin bound) only up to this n.
DOBRUSHIN_BINARY_MAX_N = 2000


def _cluster_chi2_many(M: _Model, ns: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """:func:`_cluster_chi2` at every n of ``ns`` (float64): the χ² rows and the Dobrushin coefficients (NaN
    where the types were not enumerated). 1 − τ^χ² is the second eigenvalue of L, L_ab = −S_ab/√(w_a w_b),
    L_aa = Σ_{s≠a} S_as / w_a. With two outputs and two values of θ only a window of types around the peak of
    S_01's summand is summed (:data:`CHI2_WINDOW_NATS`); otherwise every type."""
    k = len(M.prior)
    m = len(M.live)
    counts = np.array([math.comb(int(n) + m - 1, m - 1) for n in ns])
    done = counts <= MAX_CHI2_TYPES
    rows: list[dict] = [{"tau_n_chi2": None, "rho_n_chi2": None, "factor_chi2": None, "log10_factor_chi2": None,
                         "chi2_note": _CHI2_NOTE + f"; not computed above {MAX_CHI2_TYPES} observation types"}
                        for _ in ns]
    dob = np.full(len(ns), np.nan)
    sel = np.flatnonzero(done)
    if not len(sel):
        return rows, dob
    ns_c = ns[sel]
    table = _log_factorials(int(ns_c.max()))
    act_n = sum(1 for p in M.prior if p > 0)
    if m == 2:
        act = [t for t in range(k) if M.prior[t] > 0]
        logS = _binary_output_pair_sums(M, ns_c, table)
        if act_n >= 3:
            small = np.flatnonzero(ns_c <= DOBRUSHIN_BINARY_MAX_N)
            if len(small):
                _, _, d = _pair_sums(M, ns_c[small], lambda n: _compositions(n, m), True, table)
                dob[sel[small]] = d
    else:
        act, logS, d = _pair_sums(M, ns_c, lambda n: _compositions(n, m), k >= 3, table)
        dob[sel] = d
    logw = {t: math.log(M.prior[t]) for t in act}
    ka = len(act)
    if ka == 2:
        a, b = act
        log_lam = logS[(a, b)] - logw[a] - logw[b]
    elif ka < 2:
        log_lam = np.full(len(ns_c), -np.inf)
    else:
        logL = np.full((len(ns_c), ka, ka), -np.inf)
        sign = np.ones((ka, ka))
        for (a, b), v in logS.items():
            i, j = act.index(a), act.index(b)
            logL[:, i, j] = logL[:, j, i] = v - 0.5 * (logw[a] + logw[b])
            sign[i, j] = sign[j, i] = -1.0
        for i, a in enumerate(act):
            others = np.stack([logS[(min(a, s), max(a, s))] for s in act if s != a])
            logL[:, i, i] = logsumexp(others, axis=0) - logw[a]
        top = np.max(np.where(np.isfinite(logL), logL, -np.inf), axis=(1, 2))
        top = np.where(np.isfinite(top), top, 0.0)
        eig = np.sort(np.linalg.eigvalsh(sign * np.exp(logL - top[:, None, None])), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_lam = np.where(eig[:, 1] > 0, np.log(eig[:, 1]) + top, -np.inf)
    for i, lam in zip(sel.tolist(), log_lam.tolist()):
        if not math.isfinite(lam):
            rows[i] = {"tau_n_chi2": 1.0, "rho_n_chi2": M.chi2_k, "factor_chi2": 0.0, "log10_factor_chi2": None,
                       "chi2_note": _CHI2_NOTE}
        else:
            rows[i] = _chi2_values(lam, M.chi2_k, _CHI2_NOTE + "; rho_n_chi2 = eta_chi2(prior, K) * tau_n_chi2 "
                                                              "(composition)")
    return rows, dob


def cluster_rows(params: dict, ns) -> list[dict]:
    """:func:`cluster` at every n of ``ns`` at once (float64; certified values with the slack
    :data:`FLOAT_REL` on outward-rounded interval inputs); for a binary θ the tilt route
    (:func:`_cluster_tilt`) replaces τ_n wherever it is certified and smaller."""
    ns = _check_ns(ns, "cluster")
    prior = tuple(Fraction(p) for p in params["prior"])
    rows = tuple(tuple(Fraction(v) for v in r) for r in params["rows"])
    M = _model(prior, rows)
    chi2, dob = _cluster_chi2_many(M, ns)
    out = _cluster_certified_many(M, ns, dob)
    for row, c in zip(out, chi2):
        row.update(c)
    return _cluster_tilt(M, ns, out)


def cluster(params: dict) -> dict:
    """θ_j ~ prior, each of n observations is θ_j through channel K: certified τ_n, ρ_n, factor; χ² values.

    The Doeblin/Dobrushin values in 30-digit interval arithmetic, then (binary θ) the tilt route as in
    :func:`cluster_rows`."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the cluster limit {MAX_N}")
    prior = tuple(Fraction(p) for p in params["prior"])
    rows = tuple(tuple(Fraction(v) for v in r) for r in params["rows"])
    M = _model(prior, rows)
    chi2 = _cluster_chi2(M, n)
    out = _cluster_certified(M, n, chi2.pop("dobrushin_float", None))
    out.update(chi2)
    return _cluster_tilt(M, np.array([n], dtype=np.int64), [out])[0]


#: The tilt route of ``cluster`` (binary θ, not the symmetric BSC case) runs its cell cover on at most this many
#: observation types per n (the closed-form certificate of a mirror-symmetric model on up to
#: :data:`MAX_CHI2_TYPES`), and spends at most :data:`CLUSTER_TILT_BUDGET` seconds per call.
TILT_MAX_TYPES = 5000
CLUSTER_TILT_BUDGET = 1.0
_CLUSTER_TILT = ("tau_n <= eta_KL(law of the type, type -> theta) from the certified tilt cover (derive.channels.tilt, "
                 "section 5; float64 with outward margins){eq}; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by "
                 "composition through theta")
_CLUSTER_NOT_BINARY = ("the tilt routes need theta with 2 to 4 values (derive.channels.tilt, tilt_multi): current route "
                       "kept")
#: θ with 3–4 values: the cover of derive.channels.tilt_multi per n, on at most this many observation types, for the
#: :data:`MULTI_MAX_ROWS` smallest n of a call, with a fixed number of bisections per n (so the printed values do
#: not depend on the machine's load; :data:`MULTI_ROW_BUDGET` seconds is only a safety stop).
MULTI_MAX_TYPES = 400
MULTI_MAX_ROWS = 4
MULTI_SPLITS = 600
MULTI_ROW_BUDGET = 30.0
MULTI_SLACK = 1e-4
ROUTE_MULTI = "eta_KL <= tilt cover upper end (q-valued theta)"
_CLUSTER_MULTI = ("tau_n <= eta_KL(law of the type, type -> theta) from the certified cover of the output-mean simplex "
                  "(derive.channels.tilt_multi; theta has {q} values; eta_chi2 = {chi:.6g} <= eta_KL, equality not "
                  "certified by this route); rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by composition through "
                  "theta")


def _cluster_tilt_multi(M: _Model, ns: np.ndarray, out: list[dict], act: list[int]) -> list[dict]:
    """θ with 3–4 values: τ_n from :func:`derive.channels.tilt_multi.eta_kl_multi` on the backward channel
    (type → θ, posteriors in float64 with a stated relative error; its output law is the prior, exact), wherever it
    is certified and smaller than the current (Doeblin/Dobrushin) value; other rows keep that route and say so
    (rows beyond :data:`MULTI_MAX_TYPES` types, beyond the :data:`MULTI_MAX_ROWS` smallest n, or after the first n
    where the cover does not beat that value)."""
    from derive.channels.tilt_multi import eta_kl_multi

    for r in out:
        r["tau_n_fallback"], r["factor_fallback"] = r["tau_n"], r["factor"]
        r["route"] = "fallback: Doeblin/Dobrushin"
    tau = np.array([r["tau_n"] for r in out], dtype=float)
    if M.kl_upper > 0:
        with mpmath.workdps(DPS), _iv_dps(DPS):
            log_kl_hi = _up(_hi(iv.log(_iv(M.kl_upper))))
    else:
        log_kl_hi = -math.inf
    m = len(M.live)
    prior = [M.prior[t] for t in act]
    logs = [abs(math.log(v)) for r in M.rows for v in r if v > 0] + [abs(math.log(p)) for p in M.prior if p > 0]
    idx, t_hi, reasons = [], [], []
    tried = 0
    for i in np.argsort(ns, kind="stable"):
        n = int(ns[i])
        if math.comb(n + m - 1, m - 1) > MULTI_MAX_TYPES or tried >= MULTI_MAX_ROWS:
            continue
        tried += 1
        C = _compositions(n, m)
        lj, lpc = _type_terms(M, np.full(len(C), n), C, _log_factorials(n))
        ok = np.isfinite(lpc)
        F = np.stack([np.exp(lj[t][ok] - lpc[ok]) for t in act], axis=1)
        P = np.exp(lpc[ok])
        err = 2.0 ** -53 * (8 * (n + 2) * (max(logs) + 1) * (m + 2) + 64)
        br = eta_kl_multi(F, P, prior, input_rel=err, slack=MULTI_SLACK, budget=MULTI_ROW_BUDGET,
                          max_cells=MULTI_SPLITS)
        if br is None or br.upper is None:
            break
        up = float(br.upper)
        if not (up < tau[i] and up < 1):
            break                                   # tau_n grows with n: a larger n is not tried once one fails
        idx.append(int(i))
        t_hi.append(up)
        reasons.append(_CLUSTER_MULTI.format(q=len(act), chi=float(br.chi2_lower), kl=M.kl_how))
    if idx:
        lo_om = _ldown(np.log1p(-np.array(t_hi)))
        new = _certified_rows(np.array(t_hi), lo_om, log_kl_hi, reasons)
        for i, row in zip(idx, new):
            keep = {k: v for k, v in out[i].items() if k.endswith("_chi2") or k in ("chi2_note", "tau_n_fallback",
                                                                                     "factor_fallback")}
            out[i].update(row)
            out[i].update(keep)
            out[i]["route"] = ROUTE_MULTI
    return out


def _mirror(M: _Model, a: int, b: int) -> bool:
    """Equal prior weights and an involution σ of the live outputs with K(a, y) = K(b, σ(y)) (exact): then the
    law of the type is invariant under c ↦ σ(c) and P(θ = b | σ(c)) = 1 − P(θ = b | c) (module tilt, §4)."""
    if M.prior[a] != M.prior[b]:
        return False
    live = list(M.live)
    sigma: dict[int, int] = {}
    for y in live:
        if y in sigma:
            continue
        cands = [z for z in live if z not in sigma and M.rows[a][y] == M.rows[b][z] and M.rows[a][z] == M.rows[b][y]]
        if not cands:
            return False
        z = cands[0]
        sigma[y], sigma[z] = z, y
    return all(M.rows[a][y] == M.rows[b][sigma[y]] and M.rows[b][y] == M.rows[a][sigma[y]] for y in live)


#: The weighted-average route of a binary θ (:func:`_chi_sup_rows`): tilts on this grid (0 and ±10^(k/8),
#: k = −16..16) and at most this much work (observation types × grid points, summed over the rows, smallest n first;
#: a count, so the rows do not depend on the machine's load).
CHI_SUP_GRID = np.concatenate([-(10.0 ** (np.arange(-16, 17) / 8))[::-1], [0.0], 10.0 ** (np.arange(-16, 17) / 8)])
CHI_SUP_WORK = 4e7
ROUTE_CHI_SUP = "eta_KL <= sup over tilts of eta_chi2 (weighted-average bound)"
_CLUSTER_CHI_SUP = ("tau_n <= sup_v eta_chi2(Q_v, type -> theta) over the tilts Q_v ~ P e^(v f) (the ratio along the tilt "
                    "is a weighted average of these, derive.channels.tilt section 2); 1 - eta_chi2(Q_v) = a(v) + b(v) with "
                    "a = E_{{P f e^(vf)}}[1 - f] decreasing and b = E_{{P (1 - f) e^(vf)}}[f] increasing, so on [v1, v2] it is "
                    ">= a(v2) + b(v1), beyond the grid >= b(V) or a(-V): certified on a 67-point grid in log space with "
                    "stated float64 margins; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by composition through theta")


def _chi_sup_rows(M: _Model, ns: np.ndarray, a: int, b: int, old_log10: np.ndarray, log_kl_hi: float,
                  t_hi: np.ndarray, lo_om: np.ndarray, routes: list, reasons: list) -> None:
    """Binary θ, rows the tilt cover did not certify: τ_n <= sup_v χ(v) (module tilt §2: R(λ) is a weighted average of
    χ over [0, λ]), with ``1 − χ(v) = a(v) + b(v)`` (tilt §3), ``a`` decreasing and ``b`` increasing in ``v``: for a
    grid ``v_0 < … < v_G``, ``1 − sup χ >= min(a(v_0), b(v_G), min_i a(v_{i+1}) + b(v_i))`` — cancellation-free, in log
    space, so it holds when 1 − τ_n is far below the float range. ``f = P(θ = b | type)``. Sums over all types (their
    log terms from :func:`_type_terms`, relative error ``err`` as in :func:`_cluster_tilt`), float64 log-sum-exp with
    the margin ``E = 3e + |v| e + 8u·(largest |exponent term| + |v|) + (k + 8) u + 2^-49 (|result| + 1)`` per sum
    (``e = err + 2^-48``). Fills the rows (ascending n) until :data:`CHI_SUP_WORK`; sets only rows whose factor it
    improves (``old_log10``: the current log10 factors; ``log_kl_hi``: log of the ρ_n/τ_n multiplier)."""
    m = len(M.live)
    vs = CHI_SUP_GRID
    u = 2.0 ** -53
    logs = [abs(math.log(v)) for r in M.rows for v in r if v > 0] + [abs(math.log(p)) for p in M.prior if p > 0]
    work = 0.0
    for i in np.argsort(ns, kind="stable"):
        if routes[i] is not None:
            continue
        n = int(ns[i])
        count = math.comb(n + m - 1, m - 1)
        work += count * len(vs)
        if work > CHI_SUP_WORK:
            break
        C = _compositions(n, m)
        lj, lpc = _type_terms(M, np.full(len(C), n), C, _log_factorials(n))
        ok = np.isfinite(lpc)
        lp, lf, l1f = lpc[ok], lj[b][ok] - lpc[ok], lj[a][ok] - lpc[ok]
        f = np.exp(lf)
        k = len(lp)
        e = 2.0 ** -53 * (8 * (n + 2) * (max(logs) + 1) * (m + 2) + 64) + 2.0 ** -48
        fin = lambda x: np.where(np.isfinite(x), np.abs(x), 0.0)  # noqa: E731
        mag = float((fin(lp) + fin(lf) + fin(l1f)).max())
        E_ = vs[:, None] * f[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            lA = logsumexp(lp + lf + l1f + E_, axis=1)
            lF = logsumexp(lp + lf + E_, axis=1)
            lG = logsumexp(lp + l1f + E_, axis=1)
        if not (np.all(np.isfinite(lA)) and np.all(np.isfinite(lF)) and np.all(np.isfinite(lG))):
            continue
        av = np.abs(vs)
        # exponent terms: 3 additions and log-sum-exp's subtraction of its max, each within u of 2 (mag + |v|)
        marg = lambda r: 3 * e + av * e + 8 * u * (mag + av) + (k + 8) * u + 2.0 ** -49 * (np.abs(r) + 1)  # noqa: E731
        la = lA - lF - marg(lA) - marg(lF)
        lb = lA - lG - marg(lA) - marg(lG)
        cells = np.logaddexp(la[1:], lb[:-1])
        cells = cells - 2.0 ** -49 * (np.abs(cells) + 1)
        low = float(min(cells.min(), la[0], lb[-1]))
        low = float(_ldown(np.array([low]))[0])
        if low >= 0:
            continue
        up = min(-math.expm1(low) * (1 + FLOAT_REL) + 1e-300, 1.0)
        new_log10 = (low - math.log(up) - log_kl_hi) / math.log(10)        # compared in log space: 1 - tau_n may
        if new_log10 > old_log10[i] + 1e-9:                                # be far below the float resolution
            t_hi[i], lo_om[i] = up, low
            routes[i] = ROUTE_CHI_SUP
            reasons[i] = _CLUSTER_CHI_SUP.format(kl=M.kl_how)


def _cluster_tilt(M: _Model, ns: np.ndarray, out: list[dict]) -> list[dict]:
    """Binary θ: certified τ_n = η_KL of the backward channel (type → θ) by the tilt route.

    Symmetric BSC model (uniform prior, BSC rows): exactly the Boolean cluster with ρ = |1 − 2δ|
    (:func:`_boolean_tilt`). Otherwise: the float tilt cover of the backward channel over the observation
    types (at most :data:`TILT_MAX_TYPES`, within :data:`CLUSTER_TILT_BUDGET` seconds per call) — first the
    closed-form symmetric certificate when the model is mirror-symmetric (:func:`_mirror`); τ_n is replaced where
    it is smaller than the current (Doeblin/Dobrushin) value. Each row names its route."""
    import time

    act = [t for t in range(len(M.prior)) if M.prior[t] > 0]
    for r in out:
        r["tau_n_fallback"], r["factor_fallback"] = r["tau_n"], r["factor"]
        r["route"] = "fallback: " + ("Doeblin/Dobrushin" if not M.symmetric else "BSC factorization")
    if 3 <= len(act) <= MAX_OUTPUTS:
        return _cluster_tilt_multi(M, ns, out, act)
    if len(act) != 2:
        for r in out:
            r["route"] = "current route (theta has more than four values)"
            r["reason"] = r["reason"] + "; " + _CLUSTER_NOT_BINARY
        return out
    if M.kl_upper > 0:
        with mpmath.workdps(DPS), _iv_dps(DPS):
            log_kl_hi = _up(_hi(iv.log(_iv(M.kl_upper))))
    else:
        log_kl_hi = -math.inf
    tau = np.array([r["tau_n"] for r in out], dtype=float)
    if M.symmetric and len(M.live) == 2:
        y0 = M.live[0]
        rho = abs(M.rows[0][y0] - M.rows[1][y0])
        log_om = _boolean_chi2_many(ns, rho)
        t_hi, lo_om, reasons, routes = _boolean_tilt(ns, rho, log_om, tau)
        reasons = [(x.split("; rho_n = ")[0] + "; rho_n = tau_n * eta_KL(prior, K) upper end (" + M.kl_how
                    + ") by composition through theta") if rt != ROUTE_FALLBACK else None
                   for x, rt in zip(reasons, routes)]
    else:
        t_hi = np.full(len(ns), np.nan)
        lo_om = np.full(len(ns), np.nan)
        reasons, routes = [None] * len(ns), [None] * len(ns)
        a, b = act
        m = len(M.live)
        sym = _mirror(M, a, b)
        deadline = time.perf_counter() + CLUSTER_TILT_BUDGET
        for i in np.argsort(ns, kind="stable"):
            n = int(ns[i])
            count = math.comb(n + m - 1, m - 1)
            if count > (MAX_CHI2_TYPES if sym else TILT_MAX_TYPES) or time.perf_counter() > deadline:
                continue
            C = _compositions(n, m)
            table = _log_factorials(n)
            lj, lpc = _type_terms(M, np.full(len(C), n), C, table)
            ok = np.isfinite(lpc)
            f = np.exp(lj[b][ok] - lpc[ok])
            om = np.exp(lj[a][ok] - lpc[ok])
            P = np.exp(lpc[ok])
            logs = [abs(math.log(v)) for r in M.rows for v in r if v > 0] + [abs(math.log(p)) for p in M.prior if p > 0]
            err = 2.0 ** -53 * (8 * (n + 2) * (max(logs) + 1) * (m + 2) + 64)
            if sym:
                # the analytic certificate (derive.channels.tilt, section 4) from 1 - eta_chi2 = 4 sum P f (1 - f)
                eps = (len(P) + 64) * 2.0 ** -50 + 4 * err
                x = 4 * float((P * f * om).sum())
                if x > 0 and symmetric_certificate(x * (1 + 8 * eps)) is not None:
                    t_hi[i] = min(-math.expm1(math.log(x) - 8 * eps) * (1 + FLOAT_REL), 1.0)
                    lo_om[i] = _ldown(np.array([math.log(x) - 8 * eps]))[0]
                    if t_hi[i] < tau[i]:
                        routes[i] = ROUTE_ANALYTIC
                        reasons[i] = _CLUSTER_TILT.format(eq=" = eta_chi2 (symmetric analytic chi-criterion, section 4)",
                                                          kl=M.kl_how)
                        continue
                    t_hi[i] = lo_om[i] = np.nan
            left = deadline - time.perf_counter()
            if count > TILT_MAX_TYPES:
                continue
            br = eta_kl_binary_float(f, P, omf=om, budget=min(TILT_ROW_BUDGET, left), input_rel=err, symmetric=sym,
                                     slack=TILT_SLACK * max(float((P * f * om).sum()), 1e-300))
            up = float(br.upper)
            if br.equal and br.one_minus_lower and br.one_minus_lower > 0 and up < tau[i]:
                t_hi[i] = up
                lo_om[i] = _ldown(np.array([math.log(br.one_minus_lower)]))[0]
                routes[i] = ROUTE_COVER.replace("tilt, cell cover", "tilt, cell cover over the types")
                reasons[i] = _CLUSTER_TILT.format(eq=" = eta_chi2 (chi-criterion)", kl=M.kl_how)
            elif up < tau[i] and up < 1:
                t_hi[i] = up
                lo_om[i] = _ldown(np.array([math.log1p(-up)]))[0]
                routes[i] = ROUTE_UPPER
                reasons[i] = _CLUSTER_TILT.format(eq=f" (eta_chi2 = {float(br.chi2):.6g} <= eta_KL; equality not "
                                                     "certified)", kl=M.kl_how)
        old_log10 = np.array([r["log10_factor"] if r.get("log10_factor") is not None else
                              (math.log10(r["factor"]) if r["factor"] > 0 else -math.inf) for r in out], dtype=float)
        _chi_sup_rows(M, ns, a, b, old_log10, log_kl_hi, t_hi, lo_om, routes, reasons)
    idx = [i for i in range(len(ns)) if routes[i] is not None and routes[i] != ROUTE_FALLBACK and not math.isnan(t_hi[i])]
    if idx:
        new = _certified_rows(np.array([t_hi[i] for i in idx]), np.array([lo_om[i] for i in idx]), log_kl_hi,
                              [reasons[i] for i in idx])
        for i, row in zip(idx, new):
            keep = {k: v for k, v in out[i].items() if k.endswith("_chi2") or k in ("chi2_note", "tau_n_fallback",
                                                                                     "factor_fallback")}
            out[i].update(row)
            out[i].update(keep)
            out[i]["route"] = routes[i]
    return out


TEMPLATES: dict[str, Template] = {
    "gaussian-cluster": Template(
        "gaussian-cluster", ("n",), {"d": 1.0},
        gaussian_cluster,
        "mem_n >= (1 - r2)/(n * r2^2) * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - r^2}{n r^4}\, I(M; X)",
        "Gaussian clustering (FKL25 section 4.1, Theorem 10 in PMLR): theta ~ N(0, I_d), X_i = theta + sigma Z_i, r^2 = 1/(1 + sigma^2)",
        params=("n", "r2", "sigma", "d", "info", "alpha"), rows=gaussian_cluster_rows),
    "boolean-cluster": Template(
        "boolean-cluster", ("n",), {"d": 1.0},
        boolean_cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X), tau_n = eta_KL(law of S_n, S_n -> theta) (certified), rho_n = rho^2 tau_n",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X), \quad \tau_n = \eta_{\mathrm{KL}}(P_{S_n}, S_n \to \theta),\ \rho_n = \rho^2 \tau_n",
        "Boolean clustering (FKL25 section 4.2, Theorem 12 in PMLR): theta uniform on {+-1}^d, coordinates through BSC((1 - rho)/2)",
        params=("n", "rho", "lambda", "C", "d", "M", "logM", "info", "alpha"), rows=boolean_cluster_rows),
    "cluster": Template(
        "cluster", ("n",), {"d": 1.0},
        cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
        "a new cluster model: theta_j ~ --prior, each observation is theta_j through --channel",
        params=("n", "d", "info", "alpha", "prior", "rows"), rows=cluster_rows),
}


def _register_sparse() -> None:
    from derive.templates.sparse import sparse_hypercube

    TEMPLATES["sparse-hypercube"] = Template(
        "sparse-hypercube", ("n", "d", "nu"), {"alpha": 1 / 3},
        sparse_hypercube,
        "mem_n >= C*_alpha/rho_n - d (h(nu) + nu) bits, rho_n = (nu/(nu + (1 - nu) 2^(1-n)))^2",
        r"\mathrm{mem}_n \ge \frac{C^*_\alpha}{\rho_n} - d\,(h(\nu) + \nu), \quad "
        r"\rho_n = \Bigl(\frac{\nu}{\nu + (1 - \nu) 2^{1-n}}\Bigr)^2",
        "Sparse Boolean hypercube (FKL25 section 4.3, Thm 13): a coordinate is in S w.p. nu, X_S = y_S; bits; "
        "rho_n corrected from the paper's xi^2 to (2 xi)^2",
        params=("n", "d", "nu", "alpha"))


_register_sparse()


def _register_singletons() -> None:
    from derive.templates.singletons import singletons

    TEMPLATES["singletons"] = Template(
        "singletons", ("n",), {},
        singletons,
        "I(M; X | P) >= E[#singletons] * info, E[#singletons] = n (1 - 1/N)^(n - 1)",
        r"I(M; X \mid P) \ge n\,(1 - 1/N)^{n-1} \cdot \mathrm{info}",
        "BBFST21 singletons: n samples from N equally likely subpopulations (N defaults to n); info = bits each "
        "singleton forces (default 1)",
        params=("n", "N", "info"))


_register_singletons()
