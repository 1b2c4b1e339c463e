"""Shared pieces of the cluster templates: the Template record, interval and float64 log-space helpers.

Theorem templates: the FKL25 memorization bound instantiated for cluster models.

The framework (``proofs/fkl25_framework.toml``, kernel-checked) gives, for any learner,

    mem_n = I(M; X_{1:n} | θ) >= ((1 - τ_n) / ρ_n) · I(M; X)

whenever τ_n is a valid SDPI constant for (θ, X_{1:n}) — an upper bound on η_KL of the *backward* channel
X_{1:n} → θ at the law of X_{1:n} — and ρ_n one for (X, X_{1:n}). The factor is a valid *lower-bound* factor
only when τ_n and ρ_n are certified **upper** bounds on those coefficients; each row says whether it is,
and why. Certified numbers are computed in interval arithmetic (``mpmath.iv``, 30 digits, outward rounding)
and the conservative end is reported (then rounded to the nearest float); ``log10_factor`` keeps factors
below the float range.

``info`` (default 1) is a lower bound on I(M; X) that the caller supplies; ``bound = factor · info``. With
``alpha`` (classification error) and no ``info``, ``info`` is the certified lower end of C*_α in nats
(:mod:`derive.templates.accuracy`). It never
defaults to ``d``: in FKL25 accuracy forces only I(M; X) ≥ C_α = O(1), and ``d`` enters through the correlation
(λ = C·d^(-1/4)), not as a factor — the earlier default d overstated the bound by a factor ≈ d.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable
import math

import mpmath
import numpy as np

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["Template", "MAX_N", "MAX_CHI2_TYPES", "logsumexp"]


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


def _log10_fraction(x: Fraction) -> float:
    """log10 of a positive rational, rounded down with a margin far above the float error of the two logs."""
    v = math.log10(x.numerator) - math.log10(x.denominator)
    return v - FLOAT_REL * (1 + abs(v))


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


def _chi2_values(log_om: float, chi2_k: float, note: str) -> dict:
    """τ^χ², ρ^χ² = chi2_k · τ^χ² and the χ² factor from log(1 − τ^χ²) (floats)."""
    tau_c = -math.expm1(log_om)
    rho_c = chi2_k * tau_c
    return {"tau_n_chi2": tau_c, "rho_n_chi2": rho_c,
            "factor_chi2": math.exp(log_om) / rho_c if rho_c > 0 else None,           # rho = 0: no factor
            "log10_factor_chi2": (log_om - math.log(rho_c)) / math.log(10) if rho_c > 0 else None,
            "chi2_note": note}


def _lup(v: np.ndarray, size: np.ndarray | float = 0.0) -> np.ndarray:
    """A float64 log-space value moved up by FLOAT_REL · (1 + |v| + size) (size: magnitude of its terms)."""
    return v + FLOAT_REL * (1 + np.abs(v) + size)


def _ldown(v: np.ndarray, size: np.ndarray | float = 0.0) -> np.ndarray:
    return v - FLOAT_REL * (1 + np.abs(v) + size)


DEGENERATE_NOTE = ("rho_n = 0 (the observations carry no information about theta, or theta is a point mass): "
                   "I(M; X) = 0, so mem_n >= factor * I(M; X) holds with any factor and says nothing; no factor given")


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
            # rho_n = 0: X tells the sample nothing (I(M; X) = 0), the bound mem_n >= factor * I(M; X) says nothing
            rows.append({"tau_n": float(max(tau_hi[i], 0.0)), "rho_n": 0.0, "factor": None, "log10_factor": None,
                         "certified": False, "reason": (reasons if isinstance(reasons, str) else reasons[i])
                         + "; " + DEGENERATE_NOTE})
            continue
        if not np.isfinite(log_om_lo[i]):
            f, l10 = 0.0, None
        else:
            f, l10 = float(factor[i]), float(log_f[i] / math.log(10)) - FLOAT_REL * (1 + abs(log_f[i]))
        rows.append({"tau_n": float(tau_hi[i]), "rho_n": float(rho_n[i]), "factor": f, "log10_factor": l10,
                     "certified": True, "reason": reasons if isinstance(reasons, str) else reasons[i]})
    return rows
