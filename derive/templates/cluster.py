"""The ``cluster`` template (any finite prior and channel).

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
  replaces τ_n wherever it is certified and smaller (:func:`_cluster_tilt`: the closed-form or cell-cover χ-criterion,
  the float cell cover, and the averaged-χ² bound at every other n — with two observation symbols by the windowed
  sums of :mod:`derive.channels.tilt_binomial`; with three or more, over every type up to a work budget, then on the
  one-dimensional log-likelihood statistic when the likelihood ratios are powers of one number, else between a
  refinement (upper end of τ_n) and a garbling (lower end) of the channel on such lattices,
  :mod:`derive.channels.tilt_lattice`); rows without a bracket of their own get one
  from a smaller n (η_KL increases with n); θ with 3–4 values: the tilt_multi cover for the smallest n; more
  values keep this route. Rows where η_KL = η_χ² is not certified carry ``eta_kl_bracket`` (certified ends of τ_n
  and of log10(1 − τ_n)).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
import math

import mpmath
import numpy as np

from derive.channels.budget import WorkBudget
from derive.channels.tilt import eta_kl_binary_float, symmetric_certificate
from derive.channels.tilt_binomial import BinomialMixture, average_bound, chi_sup_bracket, witness_bound
from derive.channels.tilt_lattice import (COARSE_MAX_N, COARSE_SPAN, GARBLE_SPAN, REFINE_SPAN, LatticeMixture, lattice_bracket,
                                         lattice_garbling, lattice_refinement)
from derive.channels.tilt_multi import MAX_OUTPUTS
from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric.exact import float_down, float_up
from derive.templates.boolean_cluster import (ROUTE_ANALYTIC, ROUTE_COVER, ROUTE_FALLBACK, ROUTE_UPPER,
                                              TILT_ROW_BUDGET, TILT_SLACK, _boolean_chi2_many, _boolean_tilt)
from derive.templates.common import (DEGENERATE_NOTE, DPS, FLOAT_REL, MAX_CHI2_TYPES, MAX_N, _CHI2_NOTE, _certified_rows, _check_ns,
                                     _chi2_values, _chunks, _down, _hi, _iv, _iv_dps, _ldown, _lo, _log10,
                                     _log_binomial, _log_factorials, _map_blocks, _ragged, _row_chunks,
                                     _segment_logsumexp, _up, _window, iv, logsumexp)

__all__ = ["cluster", "cluster_rows"]


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
                "factor": None if factor is None else _down(factor)})
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
        if not rho_hi > 0:                                 # rho_n = 0: no factor (common.DEGENERATE_NOTE)
            return {"tau_n": tau_hi, "rho_n": mpmath.mpf(0), "factor": None, "log10_factor": None, "certified": False,
                    "reason": _cluster_reason(M, how) + "; " + DEGENERATE_NOTE}
        factor = _lo(iv.mpf(om_lo) / rho_iv)
        return {"tau_n": tau_hi, "rho_n": rho_hi, "factor": factor,
                "log10_factor": _log10(factor), "certified": True,
                "reason": _cluster_reason(M, how)}


def _cluster_chi2(M: _Model, n: int) -> dict:
    """χ² values over the types (float64, log space): 1 − τ^χ² is the smallest non-zero eigenvalue of
    L = I − G, G the normalized Gram matrix of the joint law of θ and the type; L's entries are sums of
    non-negative terms, so 1 − τ^χ² keeps its relative accuracy when τ^χ² is close to 1."""
    k = len(M.prior)
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
    if len(act) < 2:                              # theta a point mass: the backward channel is constant, eta = 0
        return {"dobrushin_float": dobrushin, "tau_n_chi2": 0.0, "rho_n_chi2": 0.0, "factor_chi2": None,
                "log10_factor_chi2": None, "chi2_note": _CHI2_NOTE + "; theta is a point mass: eta_chi2 = 0"}
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
            "factor_chi2": math.exp(log_om) / rho_c if rho_c > 0 else None,
            "log10_factor_chi2": (log_om - math.log(rho_c)) / math.log(10) if rho_c > 0 else None,
            "chi2_note": _CHI2_NOTE + "; rho_n_chi2 = eta_chi2(prior, K) * tau_n_chi2 (composition)"}


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


def _log_kl_upper(M) -> float:
    """An upper end of ``log(M.kl_upper)`` rounded outward (``-inf`` when the bound is 0)."""
    if M.kl_upper <= 0:
        return -math.inf
    with mpmath.workdps(DPS), _iv_dps(DPS):
        return _up(_hi(iv.log(_iv(M.kl_upper))))


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
    log_kl_hi = _log_kl_upper(M)
    return _certified_rows(tau_hi, log_om_lo, log_kl_hi, reasons)


def _type_log_error(M: _Model, n: int) -> float:
    """A bound on the error of the float64 log terms of :func:`_type_terms` at ``n`` (and of the posteriors and laws of
    the type built from them): ``2^-53 (8 (n + 2)(L + 1)(m + 2) + 64)``, ``L`` the largest |log| of an entry of the
    channel or the prior, ``m`` the number of live outputs."""
    logs = [abs(math.log(v)) for r in M.rows for v in r if v > 0] + [abs(math.log(p)) for p in M.prior if p > 0]
    return 2.0 ** -53 * (8 * (n + 2) * (max(logs) + 1) * (len(M.live) + 2) + 64)


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
    elif ka < 2:                                  # theta a point mass: the backward channel is constant, eta = 0
        for i in sel.tolist():
            rows[i] = {"tau_n_chi2": 0.0, "rho_n_chi2": 0.0, "factor_chi2": None, "log10_factor_chi2": None,
                       "chi2_note": _CHI2_NOTE + "; theta is a point mass: eta_chi2 = 0"}
        return rows, dob
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
    out = _monotone_brackets(ns, _bhattacharyya_ends(M, ns, _cluster_tilt(M, ns, out)))
    for row in out:
        _chi2_within_certified(row)
    return out


def _chi2_within_certified(row: dict) -> None:
    """Clip the float η_χ² values to what the certified ends allow: 0 ≤ τ_n^χ² ≤ τ_n and 0 ≤ ρ_n^χ² ≤ ρ_n (η_χ² ≤ η_KL,
    both at the same input); without the clip, float noise around 0 showed as a negative τ_n^χ² or a factor of 1e49
    where the observations carry no information (BSC(1/2)). The factor is recomputed only where a value moved."""
    tau_c, rho_c = row.get("tau_n_chi2"), row.get("rho_n_chi2")
    if tau_c is None or rho_c is None:
        return
    tau_hi = 1.0 if row.get("tau_n") is None else row["tau_n"]
    rho_hi = math.inf if row.get("rho_n") is None else row["rho_n"]
    new_tau, new_rho = min(max(tau_c, 0.0), tau_hi), min(max(rho_c, 0.0), rho_hi)
    if (new_tau, new_rho) == (tau_c, rho_c):
        return
    row["tau_n_chi2"], row["rho_n_chi2"] = new_tau, new_rho
    ok = new_rho > 0 and new_tau < 1
    row["factor_chi2"] = (1 - new_tau) / new_rho if ok else (0.0 if new_rho > 0 else None)
    row["log10_factor_chi2"] = math.log10(row["factor_chi2"]) if ok else None


_BHATTACHARYYA_HOW = ("tau_n >= D(QW||PW)/D(Q||P) at Q = the law of the observations given theta = {t} (W: observations -> "
                      "theta), bounded in closed form by the Bhattacharyya coefficients BC = sum_y sqrt(K(t,y) K(s,y)): "
                      "1 - tau_n <= sum_s f(e_s) / (log(1/pi_t) - sum_s sqrt(pi_s/pi_t) BC^n), e_s = sqrt(pi_s/pi_t) "
                      "BC^n / 2, f(x) = x log(pi_s/(pi_t x)) (derive.templates.cluster._bhattacharyya_log_one_minus)")


def _bhattacharyya_log_one_minus(M: _Model, ns: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """A certified upper end of log(1 − τ_n) for every n (any number of θ values), and the θ value t used per n.

    With Q = P(x^n | θ = t), W the backward channel, π the prior and c_s = π_s/π_t (s ≠ t): τ_n ≥ D(QW‖PW)/D(Q‖P), and
    * D(Q‖P) = log(1/π_t) + E_Q log P(t | x^n) ≥ log(1/π_t) − Σ_s √c_s·BC_s^n (log(1 + Σ L_s) ≤ Σ √L_s, L_s the
      posterior odds of s against t, E_Q √L_s = √c_s·BC_s^n);
    * Δ = D(Q‖P) − D(QW‖PW) ≤ Σ_s e_s log(c_s/e_s), e_s = (QW)(s) (from log(1 − u) ≤ −u and
      −(1 − E) log(1 − E) ≤ E), and e_s ≤ ē_s = √c_s·BC_s^n/2 (P(x^n) ≥ 2√(π_t π_s P(x^n|t) P(x^n|s))); x log(c/x)
      increases up to c/e, where it is largest;
    so 1 − τ_n ≤ Δ/D(Q‖P). log BC_s in 30-digit interval arithmetic, the rest in float64 in log space, the result raised
    by the slack :data:`FLOAT_REL`·(1 + |value|) (the float steps are a few roundings each); NaN where D's lower end is
    not positive for any t."""
    act = [t for t in range(len(M.prior)) if M.prior[t] > 0]
    n = ns.astype(float)
    best = np.full(len(ns), np.inf)
    which = [-1] * len(ns)
    for t in act:
        terms, denom_sub = [], np.zeros(len(ns))
        for s_ in act:
            if s_ == t:
                continue
            with mpmath.workdps(DPS), _iv_dps(DPS):
                b = sum((iv.sqrt(_iv(M.rows[t][y] * M.rows[s_][y])) for y in M.live), _iv(0))
                log_bc = _up(_hi(iv.log(b))) if _hi(b) > 0 else -math.inf
                log_c = iv.log(_iv(M.prior[s_] / M.prior[t]))
                log_c_hi = _up(_hi(log_c))
            log_bcn = np.minimum(n * log_bc * (1 - 1e-15 if log_bc < 0 else 1 + 1e-15), 0.0)     # rounded upward
            log_root = 0.5 * log_c_hi + log_bcn                         # log(sqrt(c) BC^n), upper end
            denom_sub += np.exp(log_root)
            log_e = np.minimum(log_root - math.log(2), log_c_hi - 1.0)  # log of min(e-bar, c/e)
            finite = np.isfinite(log_e)                                 # BC = 0: e = 0, f(0) = 0
            safe_e = np.where(finite, log_e, 0.0)
            with np.errstate(divide="ignore"):
                terms.append(np.where(finite, safe_e + np.log(np.maximum(log_c_hi - safe_e, 0.0)),
                                      -np.inf))   # log f(e) upper end (f(0) = 0)
        with mpmath.workdps(DPS), _iv_dps(DPS):
            log_inv_pi = _down(_lo(-iv.log(_iv(M.prior[t]))))
        denom = log_inv_pi - denom_sub * (1 + 1e-12)
        num = np.logaddexp.reduce(np.stack(terms), axis=0) if terms else np.full(len(ns), -np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where(denom > 0, num - np.log(np.where(denom > 0, denom, 1.0)), np.inf)
        val = np.where(np.isfinite(val), val + FLOAT_REL * (1 + np.abs(np.where(np.isfinite(val), val, 0.0))), val)
        for i in np.flatnonzero(val < best):
            best[i], which[i] = val[i], t
    return np.where(np.isfinite(best), np.minimum(best, 0.0), np.nan), which


def _bhattacharyya_ends(M: _Model, ns: np.ndarray, out: list[dict]) -> list[dict]:
    """Every row's η_KL bracket gets the upper end of log10(1 − τ_n) (lower end of τ_n) of
    :func:`_bhattacharyya_log_one_minus` where it is better than the row's own; rows without a bracket whose τ_n is not
    certified equal to η_KL get one (upper end of τ_n: the row's own route, as in :func:`_monotone_brackets`)."""
    if len([t for t in M.prior if t > 0]) < 2:
        return out
    hi_log, which = _bhattacharyya_log_one_minus(M, ns)
    for i, r in enumerate(out):
        if math.isnan(hi_log[i]) or hi_log[i] >= 0:
            continue
        hi10 = hi_log[i] / math.log(10)
        low = max(-math.expm1(hi_log[i]) * (1 - FLOAT_REL), 0.0)
        how = _BHATTACHARYYA_HOW.format(t=which[i])
        b = r.get("eta_kl_bracket")
        if b is None:
            if r.get("log10_factor") is None or not r.get("rho_n") or not str(r.get("route", "")).startswith(
                    ("fallback", "current route", ROUTE_CHAIN, ROUTE_MULTI)):
                continue
            lo10 = r["log10_factor"] + math.log10(r["rho_n"]) - FLOAT_REL * (1 + abs(r["log10_factor"]))
            if not lo10 <= hi10:
                continue
            r["eta_kl_bracket"] = {"tau_n": [low, r["tau_n"]], "log10_one_minus_tau_n": [lo10, hi10],
                                   "equal": False, "how": "lower end: " + how + "; upper end: the row's route"}
        elif hi10 < b["log10_one_minus_tau_n"][1]:
            b["log10_one_minus_tau_n"][1] = hi10
            b["tau_n"][0] = max(b["tau_n"][0], low)
            b["how"] += "; lower end replaced: " + how
    return out


def _monotone_brackets(ns: np.ndarray, out: list[dict]) -> list[dict]:
    """η_KL brackets sharpened (or, for rows without one, given) by a smaller n of the same call: τ_n = η_KL(law of
    X^n, X^n → θ) increases with n (η_KL(P_X, P_{θ|X}) = sup I(U; θ)/I(U; X) over U → X → θ [Polyanskiy & Wu]; a
    U → X^m → θ is a U → X^n → θ with I(U; X^n) = I(U; X^m) for m <= n), so a certified lower end of τ_m is one of τ_n.
    A row without a bracket takes its upper end from its own route (log10(1 − τ_n) >= log10 factor + log10 ρ_n)."""
    best = None                                   # (log10(1 - tau) upper end, tau lower end, n) over smaller n
    for i in np.argsort(ns, kind="stable"):
        r = out[i]
        n = int(ns[i])
        b = r.get("eta_kl_bracket")
        if b is None and best is not None and r.get("log10_factor") is not None and r.get("rho_n"):
            lo10 = r["log10_factor"] + math.log10(r["rho_n"]) - FLOAT_REL * (1 + abs(r["log10_factor"]))
            r["eta_kl_bracket"] = b = {
                "tau_n": [best[1], r["tau_n"]], "log10_one_minus_tau_n": [lo10, best[0]], "equal": False,
                "how": f"lower end: tau_n >= tau_{best[2]} (eta_KL of the backward channel increases with n), its "
                       "certified lower end; upper end: the row's route"}
        elif b is not None and best is not None and best[0] < b["log10_one_minus_tau_n"][1]:
            b["log10_one_minus_tau_n"][1] = best[0]
            b["tau_n"][0] = max(b["tau_n"][0], best[1])
            b["how"] += f"; lower end sharpened by tau_n >= tau_{best[2]} (eta_KL of the backward channel increases with n)"
        if b is not None and (best is None or b["log10_one_minus_tau_n"][1] < best[0]):
            best = (b["log10_one_minus_tau_n"][1], b["tau_n"][0], n)
    return out


def cluster(params: dict) -> dict:
    """θ_j ~ prior, each of n observations is θ_j through channel K: certified τ_n, ρ_n, factor; χ² values.

    The Doeblin/Dobrushin values in 30-digit interval arithmetic, then (binary θ) the tilt route as in
    :func:`cluster_rows`; for a binary θ with n <= :data:`ARB_CHECK_MAX_N` and at most :data:`ARB_CHECK_TYPES`
    observation types, also
    ``arb_check``: the bracket of τ_n = η_KL from :func:`derive.channels.tilt.eta_kl_binary` on the exact rational
    law of the type (arb point evaluations, an independent route)."""
    n = params["n"]
    if n > MAX_N:
        raise LimitExceeded(f"n = {n} exceeds the cluster limit {MAX_N}")
    prior = tuple(Fraction(p) for p in params["prior"])
    rows = tuple(tuple(Fraction(v) for v in r) for r in params["rows"])
    M = _model(prior, rows)
    chi2 = _cluster_chi2(M, n)
    out = _cluster_certified(M, n, chi2.pop("dobrushin_float", None))
    out.update(chi2)
    ns = np.array([n], dtype=np.int64)
    row = _bhattacharyya_ends(M, ns, _cluster_tilt(M, ns, [out]))[0]
    act = [t for t in range(len(prior)) if prior[t] > 0]
    if len(act) == 2 and n <= ARB_CHECK_MAX_N and math.comb(n + len(M.live) - 1, len(M.live) - 1) <= ARB_CHECK_TYPES:
        row["arb_check"] = _arb_check(M, act, n)
    return row


#: The arb spot check of a binary θ (:func:`cluster`) runs up to this n (the exact rational law of the type has
#: numbers of ~n digits and the cover needs 1 − τ_n above ~1e-16 to finish in its budget).
ARB_CHECK_MAX_N = 100


ARB_CHECK_BUDGET = 2.0


#: ... and at most this many observation types (three or more symbols: n <= 30 for three).
ARB_CHECK_TYPES = 500


def _arb_check(M: _Model, act: list[int], n: int) -> dict:
    """``{"tau_n": [lo, hi], "how": ...}``: η_KL of the backward channel by the exact-rational tilt path."""
    from derive.channels.tilt import eta_kl_binary

    a, b = act
    ja, jb = [], []
    for c in _compositions(n, len(M.live)).tolist():
        mult = math.factorial(n)
        for x in c:
            mult //= math.factorial(x)
        ja.append(M.prior[a] * mult * math.prod(M.rows[a][y] ** x for y, x in zip(M.live, c)))
        jb.append(M.prior[b] * mult * math.prod(M.rows[b][y] ** x for y, x in zip(M.live, c)))
    P = [x + y for x, y in zip(ja, jb)]
    keep = [j for j in range(len(P)) if P[j] > 0]
    br = eta_kl_binary([jb[j] / P[j] for j in keep], [P[j] for j in keep], budget=ARB_CHECK_BUDGET)
    return {"tau_n": [float_down(br.lower), float_up(br.upper)],
            "how": f"derive.channels.tilt.eta_kl_binary on the exact law of the type ({br.route}; lower: "
                   f"{br.lower_how}; upper: {br.upper_how})"}


#: The tilt route of ``cluster`` (binary θ, not the symmetric BSC case) runs its cell cover on at most this many
#: observation types per n (the closed-form certificate of a mirror-symmetric model on up to
#: :data:`MAX_CHI2_TYPES`), for the :data:`CLUSTER_COVER_ROWS` smallest n of a call (a count, so the rows do not
#: depend on the machine; the cover converges in ~0.03 s per row, and beyond n ≈ 40 1 − τ_n is below float64's
#: resolution, where the averaged-χ² route in log space takes over), sharing :data:`CLUSTER_TILT_BUDGET` nominal seconds
#: of counted work per call (:mod:`derive.channels.budget`, so the rows do not depend on the machine either).
TILT_MAX_TYPES = 5000


CLUSTER_COVER_ROWS = 16


CLUSTER_TILT_BUDGET = 10.0


_CLUSTER_TILT = ("tau_n = eta_KL(law of the type, type -> theta) <= the upper end of the certified tilt cover "
                 "(derive.channels.tilt, "
                 "section 5; float64 with outward margins){eq}; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by "
                 "composition through theta")


_CLUSTER_NOT_BINARY = ("the tilt routes need theta with 2 to 4 values in the prior's support (derive.channels.tilt, tilt_multi): current route "
                       "kept")


#: θ with 3–4 values: the cover of derive.channels.tilt_multi per n, on at most this many observation types, for the
#: :data:`MULTI_MAX_ROWS` smallest n of a call, with a fixed number of bisections per n (so the printed values do
#: not depend on the machine; :data:`MULTI_ROW_BUDGET` nominal seconds of counted work is only a backstop).
MULTI_MAX_TYPES = 400


MULTI_MAX_ROWS = 4


MULTI_SPLITS = 600


MULTI_ROW_BUDGET = 30.0


MULTI_SLACK = 1e-4


ROUTE_MULTI = "eta_KL <= tilt cover upper end (q-valued theta)"


_CLUSTER_MULTI = ("tau_n = eta_KL(law of the type, type -> theta) <= the upper end of the certified cover of the "
                  "output-mean simplex "
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
    log_kl_hi = _log_kl_upper(M)
    m = len(M.live)
    prior = [M.prior[t] for t in act]
    idx, t_hi, reasons, lows = [], [], [], []
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
        err = _type_log_error(M, n)
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
        lows.append((float_down(br.lower), br.lower_how))
    if idx:
        lo_om = _ldown(np.log1p(-np.array(t_hi)))
        new = _certified_rows(np.array(t_hi), lo_om, log_kl_hi, reasons)
        for i, row, (low, low_how) in zip(idx, new, lows):
            keep = {k: v for k, v in out[i].items() if k.endswith("_chi2") or k in ("chi2_note", "tau_n_fallback",
                                                                                     "factor_fallback")}
            out[i].update(row)
            out[i].update(keep)
            out[i]["route"] = ROUTE_MULTI
            lo_om, hi_om = math.log1p(-out[i]["tau_n"]), math.log1p(-low)
            out[i]["eta_kl_bracket"] = {
                "tau_n": [low, out[i]["tau_n"]],
                "log10_one_minus_tau_n": [lo_om / math.log(10) - FLOAT_REL * (1 + abs(lo_om)),
                                          hi_om / math.log(10) + FLOAT_REL * (1 + abs(hi_om))],
                "equal": False, "how": f"lower end: {low_how}; upper end: the tilt_multi cover"}
    return out


#: θ with 3–4 values: the chain-rule upper end (:func:`_chain_upper`) for the :data:`CHAIN_ROWS` smallest n of a call
#: with at most :data:`TILT_MAX_TYPES` observation types (a count: the rows do not depend on the machine's load).
CHAIN_ROWS = 16


ROUTE_CHAIN = "eta_KL <= chain rule over a binary split of theta (binary tilt covers)"


_CLUSTER_CHAIN = ("tau_n <= 1 - (1 - eta_1)(1 - max_b eta_b) (chain rule: theta = (B, theta) with B = [theta in {G}], "
                  "I(U; theta) = I(U; B) + I(U; theta | B), I(U; X|B) = I(U; X) - I(U; B) for U - X - theta): eta_1 = "
                  "eta_KL(law of the type, type -> B) <= {e1:.6g} (float tilt cover over the types, derive.channels.tilt, "
                  "section 5), eta_b = tau_n of the binary-theta cluster given B = b ({eb}); rho_n = tau_n * eta_KL(prior, "
                  "K) upper end ({kl}) by composition through theta")


#: the chain rule's binary covers stop within this fraction of 1 − η (each costs at most ~0.004 in log10(1 − τ_n)).
CHAIN_SLACK = 1e-3


def _chain_cover(f: np.ndarray, om: np.ndarray, P: np.ndarray, err: float) -> tuple[float, float] | None:
    """(certified lower end of log(1 − η), upper end of η) for the binary-output channel with posteriors ``f`` (and
    ``om`` = 1 − f, computed apart) at the input ``P`` (relative errors ``err``), by the float tilt cover; ``None``
    when it gives no upper end below 1."""
    if len(P) < 2:
        return (0.0, 0.0)                                          # one input: no Q != P, eta = 0
    if not np.any((f > 0) & (om > 0)):
        return None                                                # every posterior 0 or 1 (as floats): not tried
    br = eta_kl_binary_float(f, P, omf=om, budget=TILT_ROW_BUDGET, input_rel=err,
                             slack=CHAIN_SLACK * max(float((P * f * om).sum()), 1e-300))
    if br is None or br.upper is None or not float(br.upper) < 1:
        return None
    up = float(br.upper)
    return math.log1p(-up) - 2.0 ** -50 * (1 + abs(math.log1p(-up))), up


def _chain_upper(M: _Model, ns: np.ndarray, out: list[dict], act: list[int]) -> list[dict]:
    """θ with 3–4 values: a certified upper end of τ_n from a binary split B = [θ ∈ G] of θ (each side of at most two
    values). For U – X^n – θ, I(U; θ) = I(U; B) + I(U; θ | B); given B = b, U – X^n – θ still holds (the law of U
    given X^n is unchanged) and the law of (X^n, θ) is the binary-θ cluster on the side b (prior renormalized), so
    I(U; θ | B = b) ≤ η_b I(U; X^n | B = b), and I(U; X^n | B) = I(U; X^n) − I(U; B); hence
    I(U; θ) ≤ (η_max + (1 − η_max) η_1) I(U; X^n), i.e. 1 − τ_n ≥ (1 − η_1)(1 − η_max), with η_1 = η_KL of the
    binary-output channel type → B at the law of the type (:func:`derive.channels.tilt.eta_kl_binary_float` over the
    types) and η_b the side's τ_n by the same cover (0 for a one-value side). Every split is tried on the smallest n
    where one succeeds, then only the best of them, on the :data:`CHAIN_ROWS` smallest n; τ_n is replaced where the
    result is smaller."""
    q, m = len(act), len(M.live)
    if q == 3:
        splits = [([t], [u for u in act if u != t]) for t in act]
    elif q == 4:
        a = act[0]
        splits = [([a, u], [v for v in act if v not in (a, u)]) for u in act[1:]]
    else:
        return out
    order = [int(i) for i in np.argsort(ns, kind="stable")
             if math.comb(int(ns[i]) + m - 1, m - 1) <= TILT_MAX_TYPES][:CHAIN_ROWS]
    log_kl_hi = _log_kl_upper(M)
    idx, t_hi, lo_oms, reasons = [], [], [], []
    winner = None
    for i in order:
        n = int(ns[i])
        C = _compositions(n, m)
        lj, lpc = _type_terms(M, np.full(len(C), n), C, _log_factorials(n))
        ok = np.isfinite(lpc)
        P = np.exp(lpc[ok])
        err = _type_log_error(M, n) * 4     # a few posteriors summed
        cand = splits if winner is None else [winner]       # every split on the first row, then its winner
        sides: dict = {}
        for side in {tuple(g) for sp in cand for g in sp if len(g) == 2}:
            # given theta in side: the binary-theta cluster (prior renormalized); its law of the type and posterior
            lp, lf, l1f = _side_logs(M, lj, ok, *side)
            sides[side] = _chain_cover(np.exp(lf), np.exp(l1f), np.exp(lp), err)
        best = None
        for G, H in cand:
            f = sum(np.exp(lj[t][ok] - lpc[ok]) for t in G)
            om = sum(np.exp(lj[t][ok] - lpc[ok]) for t in H)
            eb = [sides[tuple(g)] for g in (G, H) if len(g) == 2]
            if any(e is None for e in eb):
                continue
            log_om_b = min(e[0] for e in eb) if eb else 0.0
            e1 = _chain_cover(f, om, P, err)
            if e1 is None:
                continue
            lo_om = e1[0] + log_om_b
            lo_om -= 2.0 ** -50 * (1 + abs(lo_om))
            if best is None or lo_om > best[0]:
                best = (lo_om, e1[1], G, max(e[1] for e in eb) if eb else 0.0, (G, H))
        if best is None:
            continue
        if winner is None:
            winner = best[4]
        up = min(-math.expm1(best[0]) * (1 + FLOAT_REL), 1.0)
        if not up < out[i]["tau_n"]:
            continue
        idx.append(i)
        t_hi.append(up)
        lo_oms.append(best[0])
        reasons.append(_CLUSTER_CHAIN.format(G=", ".join(str(t) for t in best[2]), e1=best[1],
                                             eb=f"max eta_b <= {best[3]:.6g}", kl=M.kl_how))
    _chain_grid_rows(M, ns, out, splits, winner, set(idx), log_kl_hi, idx, t_hi, lo_oms, reasons)
    if idx:
        new = _certified_rows(np.array(t_hi), np.array(lo_oms), log_kl_hi, reasons)
        for i, row in zip(idx, new):
            keep = {k: v for k, v in out[i].items() if k.endswith("_chi2") or k in ("chi2_note", "tau_n_fallback",
                                                                                     "factor_fallback", "eta_kl_bracket")}
            out[i].update(row)
            out[i].update(keep)
            out[i]["route"] = ROUTE_CHAIN
            b = out[i].get("eta_kl_bracket")
            if b is not None:
                b["tau_n"][1] = out[i]["tau_n"]
                lo10 = (out[i]["log10_factor"] + math.log10(out[i]["rho_n"]) - FLOAT_REL * (1 + abs(out[i]["log10_factor"]))
                        if out[i].get("log10_factor") is not None and out[i].get("rho_n") else None)
                if lo10 is not None and lo10 > b["log10_one_minus_tau_n"][0]:
                    b["log10_one_minus_tau_n"][0] = lo10
                b["how"] += "; upper end replaced: the chain rule over a binary split of theta"
    return out


#: Rows beyond the chain rule's float covers: the same chain rule with each η bounded in log space by the
#: weighted-average bound on the grid :data:`CHI_SUP_GRID` (:func:`_average_bound_low`), rows in ascending n until this
#: much work (observation types × grid points × channels bounded, summed over the rows: a count, not a time).
CHAIN_GRID_WORK = 2e7


_CLUSTER_CHAIN_GRID = ("tau_n <= 1 - (1 - eta_1)(1 - max_b eta_b) (chain rule: theta = (B, theta) with B = [theta in {G}], "
                       "as on the rows of the float covers): each 1 - eta from below by 1 - sup_lambda (1/lambda) "
                       "int_0^lambda eta_chi2(Q_v) dv on a grid of tilts, in log space (sums over every observation "
                       "type; cancellation-free, so it holds far below the float range); rho_n = tau_n * eta_KL(prior, "
                       "K) upper end ({kl}) by composition through theta")


def _side_logs(M: _Model, lj: np.ndarray, ok: np.ndarray, a: int, c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Given θ ∈ {a, c}, the binary-θ cluster on that side (prior renormalized), over the types it reaches: logs of
    the law of the type, of P(θ = c | type, side) and of P(θ = a | type, side)."""
    lw = np.logaddexp(lj[a][ok], lj[c][ok])
    live = np.isfinite(lw)
    return (lw[live] - math.log(float(M.prior[a] + M.prior[c])), lj[c][ok][live] - lw[live],
            lj[a][ok][live] - lw[live])


def _tau_and_log10_factor(log_one_minus_tau: float, log_kl_hi: float) -> tuple[float, float]:
    """From a certified lower end of log(1 − τ_n): the upper end of τ_n (rounded up, at most 1) and the log10 of the
    factor (1 − τ_n)/ρ_n it gives with ρ_n = τ_n · exp(log_kl_hi)."""
    up = min(-math.expm1(log_one_minus_tau) * (1 + FLOAT_REL) + 1e-300, 1.0)
    return up, (log_one_minus_tau - math.log(up) - log_kl_hi) / math.log(10)


def _grid_log_one_minus(lp: np.ndarray, lf: np.ndarray, l1f: np.ndarray, e: float) -> float | None:
    """A certified lower end of ``log(1 − η_KL)`` for the binary-output channel ``f`` at the input ``P`` (logs, each
    within ``e``), or ``None`` when a sum is not finite (:func:`_tilt_log_sums`, :func:`_average_bound_low`)."""
    if len(lp) < 2:
        return 0.0                                                  # one input: no Q != P, eta = 0
    sums = _tilt_log_sums(lp, lf, l1f, e)
    return None if sums is None else _average_bound_low(*sums)


def _chain_grid_rows(M: _Model, ns: np.ndarray, out: list[dict], splits: list, winner, done: set, log_kl_hi: float,
                     idx: list, t_hi: list, lo_oms: list, reasons: list) -> None:
    """θ with 3–4 values, rows not in ``done`` (those the float covers improved), in ascending n until
    :data:`CHAIN_GRID_WORK`: the
    chain rule of :func:`_chain_upper` with log(1 − η_1) and log(1 − η_b) from :func:`_grid_log_one_minus`; a row is
    appended to ``idx``/``t_hi``/``lo_oms``/``reasons`` only where its log10 factor beats the current one."""
    m = len(M.live)
    work = 0.0
    for i in (int(j) for j in np.argsort(ns, kind="stable")):
        if i in done:
            continue
        n = int(ns[i])
        cand = splits if winner is None else [winner]
        sides = sorted({tuple(g) for sp in cand for g in sp if len(g) == 2})
        work += math.comb(n + m - 1, m - 1) * len(CHI_SUP_GRID) * (len(cand) + len(sides))
        if work > CHAIN_GRID_WORK:
            break
        C = _compositions(n, m)
        lj, lpc = _type_terms(M, np.full(len(C), n), C, _log_factorials(n))
        ok = np.isfinite(lpc)
        e = _type_log_error(M, n) * 4 + 2.0 ** -48   # a few posteriors summed
        side_low = {}
        for side in sides:
            side_low[side] = _grid_log_one_minus(*_side_logs(M, lj, ok, *side), e)
        best = None
        for G, H in cand:
            with np.errstate(divide="ignore"):
                lf = logsumexp(np.stack([lj[t][ok] for t in G]), axis=0) - lpc[ok]
                l1f = logsumexp(np.stack([lj[t][ok] for t in H]), axis=0) - lpc[ok]
            l1 = _grid_log_one_minus(lpc[ok], lf, l1f, e)
            eb = [side_low[tuple(g)] for g in (G, H) if len(g) == 2]
            if l1 is None or any(x is None for x in eb):
                continue
            lo_om = l1 + (min(eb) if eb else 0.0)                  # 1 - max_b eta_b = min_b (1 - eta_b)
            lo_om -= 2.0 ** -50 * (1 + abs(lo_om))
            if best is None or lo_om > best[0]:
                best = (lo_om, G, (G, H))
        if best is None:
            continue
        if winner is None:
            winner = best[2]
        up, new_log10 = _tau_and_log10_factor(best[0], log_kl_hi)
        old_log10 = out[i].get("log10_factor")
        if old_log10 is not None and not new_log10 > old_log10 + 1e-9:
            continue
        idx.append(i)
        t_hi.append(up)
        lo_oms.append(best[0])
        reasons.append(_CLUSTER_CHAIN_GRID.format(G=", ".join(str(t) for t in best[1]), kl=M.kl_how))


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


ROUTE_CHI_SUP = "eta_KL <= sup over tilts of the average of eta_chi2 (weighted-average bound)"


ROUTE_CHI_SUP_SAME = "eta_KL <= sup over tilts of the average of eta_chi2 (= the Doeblin/Dobrushin value here)"


_CHI_SUP_SAME = ("the eta_KL route (tau_n <= sup over tilts of the average of eta_chi2(Q_v, type -> theta), "
                 "derive.channels.tilt_binomial) gives the same upper end up to rounding (e.g. when a single observation "
                 "type has a posterior other than 0 or 1, both equal 1 - that posterior); certified eta_KL bracket in the "
                 "row field 'eta_kl_bracket'")


_CHI_SUP_HOW = ("tau_n = eta_KL(law of the type, type -> theta) <= sup_lambda (1/lambda) int_0^lambda eta_chi2(Q_v) dv over "
                "the tilts Q_v ~ P e^(v f) (the ratio along the tilt is a weighted average of these averages, "
                "derive.channels.tilt sections 1-2); 1 - eta_chi2(Q_v) = a(v) + b(v) with a decreasing, a e^v increasing, "
                "b increasing, b e^-v decreasing, so the integrals are bounded below cell by cell on a grid of tilts "
                "(derive.channels.tilt_binomial.average_bound), in log space with stated float64 margins")


_CLUSTER_CHI_SUP = (_CHI_SUP_HOW + "; sums over every observation type; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) "
                    "by composition through theta")


def _tilt_log_sums(lp: np.ndarray, lf: np.ndarray, l1f: np.ndarray, e: float, vs: np.ndarray = CHI_SUP_GRID):
    """For a binary-output channel with ``f = P(1 | x)`` at the input ``P`` (logs ``lp``, ``lf``, ``l1f = log(1 − f)``
    per input, each within ``e`` of the exact value): ``(lA, lF, lG, marg)`` at the tilts ``vs``, the float64
    log-sum-exps ``log Σ P f (1 − f) e^{vf}``, ``log Σ P f e^{vf}``, ``log Σ P (1 − f) e^{vf}`` and their margin
    ``marg(r)`` (``E`` of :func:`_chi_sup_rows`' docstring), or ``None`` when a sum is not finite."""
    u = 2.0 ** -53
    f = np.exp(lf)
    k = len(lp)
    fin = lambda x: np.where(np.isfinite(x), np.abs(x), 0.0)  # noqa: E731
    mag = float((fin(lp) + fin(lf) + fin(l1f)).max())
    E_ = vs[:, None] * f[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        lA = logsumexp(lp + lf + l1f + E_, axis=1)
        lF = logsumexp(lp + lf + E_, axis=1)
        lG = logsumexp(lp + l1f + E_, axis=1)
    if not (np.all(np.isfinite(lA)) and np.all(np.isfinite(lF)) and np.all(np.isfinite(lG))):
        return None
    av = np.abs(vs)
    # exponent terms: 3 additions and log-sum-exp's subtraction of its max, each within u of 2 (mag + |v|)
    marg = lambda r: 3 * e + av * e + 8 * u * (mag + av) + (k + 8) * u + 2.0 ** -49 * (np.abs(r) + 1)  # noqa: E731
    return lA, lF, lG, marg


def _average_bound_low(lA: np.ndarray, lF: np.ndarray, lG: np.ndarray, marg, vs: np.ndarray = CHI_SUP_GRID) -> float:
    """A certified lower end of ``log(1 − η_KL)`` from :func:`_tilt_log_sums`: ``1 − χ(v) = a(v) + b(v)`` with
    ``a = A/F``, ``b = A/G`` (lower ends at the grid points), and η_KL <= sup over λ of the average of χ on [0, λ]
    (:func:`derive.channels.tilt_binomial.average_bound`)."""
    la = lA - lF - marg(lA) - marg(lF)
    lb = lA - lG - marg(lA) - marg(lG)
    low = float(average_bound(vs, la[None, :], lb[None, :])[0])      # inf over λ of 1 − (average of χ on [0, λ])
    return float(_ldown(np.array([low]))[0])


def _chi_sup_rows(M: _Model, ns: np.ndarray, a: int, b: int, old_log10: np.ndarray, log_kl_hi: float,
                  t_hi: np.ndarray, lo_om: np.ndarray, routes: list, reasons: list,
                  brackets: dict | None = None) -> None:
    """Binary θ, rows the tilt cover did not certify: τ_n <= sup_v χ(v) (module tilt §2: R(λ) is a weighted average of
    χ over [0, λ]), with ``1 − χ(v) = a(v) + b(v)`` (tilt §3), ``a`` decreasing and ``b`` increasing in ``v``: for a
    grid ``v_0 < … < v_G``, ``1 − sup χ >= min(a(v_0), b(v_G), min_i a(v_{i+1}) + b(v_i))`` — cancellation-free, in log
    space, so it holds when 1 − τ_n is far below the float range. ``f = P(θ = b | type)``.

    Two observation symbols: every n, by :func:`derive.channels.tilt_binomial.chi_sup_bracket` (windowed sums around the
    boundary types with log-concave tail bounds: O(1) types per n), which also gives the certified lower end
    η_χ² <= η_KL; ``brackets[i] = (lo, hi)`` with ``lo <= log(1 − η_KL) <= hi``. More symbols: sums over all types
    (their log terms from :func:`_type_terms`, relative error ``err`` as in :func:`_cluster_tilt`), float64 log-sum-exp
    with the margin ``E = 3e + |v| e + 8u·(largest |exponent term| + |v|) + (k + 8) u + 2^-49 (|result| + 1)`` per sum
    (``e = err + 2^-48``), rows in ascending n until :data:`CHI_SUP_WORK`. Sets only rows whose factor it improves
    (``old_log10``: the current log10 factors; ``log_kl_hi``: log of the ρ_n/τ_n multiplier)."""
    todo = [i for i in range(len(ns)) if routes[i] is None]

    def apply(lo: np.ndarray, hi: np.ndarray, reason: str) -> None:
        for i, low, high in zip(todo, lo.tolist(), hi.tolist()):
            if not (math.isfinite(low) and low < 0):
                continue
            up, new_log10 = _tau_and_log10_factor(low, log_kl_hi)
            if new_log10 > old_log10[i] + 1e-9:
                t_hi[i], lo_om[i] = up, low
                routes[i] = ROUTE_CHI_SUP
                reasons[i] = reason
                if brackets is not None:
                    brackets[i] = (low, high)
            elif brackets is not None and new_log10 >= old_log10[i] - 1e-9 * (1 + abs(old_log10[i])):
                brackets[i] = (low, high)         # the same upper end as the current route (e.g. one mixed type)
            elif brackets is not None:            # the current route is better here: keep it, still give the bracket
                brackets[i] = (low, high, "lower end: D(QK||PK)/D(Q||P) at the best grid tilt (>= eta_chi2); upper "
                               "end: the sup over tilts of the average of eta_chi2 (the row's tau_n, from its route, "
                               "is smaller)")

    if len(M.live) == 2:
        y0, y1 = M.live
        mix = BinomialMixture((M.prior[a], M.prior[b]), (M.rows[a][y0], M.rows[a][y1]),
                              (M.rows[b][y0], M.rows[b][y1]))
        if not todo or mix.degenerate or mix.deterministic:
            return
        sub = ns[todo]
        lo, hi = chi_sup_bracket(mix, sub, _log_factorials(int(sub.max())),
                                 map_blocks=lambda fn, bl: _map_blocks(lambda b, _: fn(b), [(b, None) for b in bl]))
        apply(lo, hi, _CLUSTER_CHI_SUP_WINDOW.format(kl=M.kl_how))
        return
    lat = LatticeMixture.of((M.prior[a], M.prior[b]), [M.rows[a][y] for y in M.live], [M.rows[b][y] for y in M.live])
    if lat is not None:
        if todo:
            lo, hi = lattice_bracket(lat, ns[todo])
            apply(lo, hi, _CLUSTER_CHI_SUP_LATTICE.format(ks=lat.ks, kl=M.kl_how))
        return
    m = len(M.live)
    vs = CHI_SUP_GRID
    u = 2.0 ** -53
    work = 0.0
    pos = {i: t for t, i in enumerate(todo)}
    lo_all, hi_all = np.full(len(todo), -np.inf), np.zeros(len(todo))
    z = int(np.flatnonzero(vs == 0.0)[0])
    log_inv_w = math.log(1 / float(M.prior[a]) + 1 / float(M.prior[b]))
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
        e = _type_log_error(M, n) + 2.0 ** -48
        sums = _tilt_log_sums(lp, lf, l1f, e)
        if sums is None:
            continue
        lA, lF, lG, marg = sums
        lo_all[pos[i]] = _average_bound_low(lA, lF, lG, marg)
        # the witness (a lower end of eta_KL): R at the best grid tilt, and 1 - eta_chi2 = A(0)(1/w_a + 1/w_b)
        lA_hi, lF_lo, lF_hi = lA + marg(lA), lF - marg(lF), lF + marg(lF)
        lG_lo, lG_hi = lG - marg(lG), lG + marg(lG)
        wit = float(witness_bound(vs, (lA_hi - lF_lo)[None, :], (lA_hi - lG_lo)[None, :], lF_lo[None, :],
                                  lF_hi[None, :], lG_lo[None, :], lG_hi[None, :])[0])
        chi0 = float(lA_hi[z]) + log_inv_w * (1 + 4 * u) + 8 * u
        hi_all[pos[i]] = min(wit, chi0 + 2.0 ** -49 * (abs(chi0) + 1), 0.0)
    apply(lo_all, hi_all, _CLUSTER_CHI_SUP.format(kl=M.kl_how))
    # the rest: a refinement K' of the channel with likelihood ratios on a lattice (tau_n(K) <= tau_n(K')), every n
    rest = [i for i in range(len(ns)) if routes[i] is None]
    if not rest:
        return
    Ka_, Kb_ = [M.rows[a][y] for y in M.live], [M.rows[b][y] for y in M.live]
    # two lattices: a coarse one (its law of k fills its support from small n on) and a fine one (tighter at large n);
    # each row takes the better certified end
    lo = np.full(len(rest), -np.inf)
    which: list[tuple[Fraction, list[int]] | None] = [None] * len(rest)
    sub = ns[rest]
    small = np.flatnonzero(sub <= COARSE_MAX_N)          # the coarse lattice only where the fine one may have gaps
    for span in sorted({COARSE_SPAN, REFINE_SPAN}):
        ref = lattice_refinement(Ka_, Kb_, span)
        lat = LatticeMixture.of((M.prior[a], M.prior[b]), ref[0], ref[1]) if ref is not None else None
        rows_ = small if span == COARSE_SPAN else np.arange(len(rest))
        if lat is None or not len(rows_):
            continue
        for t, low in zip(rows_.tolist(), lattice_bracket(lat, sub[rows_])[0].tolist()):
            if low > lo[t]:
                lo[t], which[t] = low, (ref[2], lat.ks)
    # the other end: a garbling of K has a smaller tau_n, so a certified lower end of its eta_KL is one of tau_n(K):
    # the two-output channel of the best threshold on the likelihood ratio (chi_sup_bracket's witness), and a garbling
    # K'' = K G with likelihood ratios on a lattice (tilt_lattice.lattice_garbling; the lattice route's witness)
    ka, kb = _best_binary_merge([M.rows[a][y] for y in M.live], [M.rows[b][y] for y in M.live])
    mix = BinomialMixture((M.prior[a], M.prior[b]), ka, kb)
    hi = np.zeros(len(rest))
    if not (mix.degenerate or mix.deterministic):
        hi = chi_sup_bracket(mix, sub, _log_factorials(int(sub.max())))[1]
    how = [("the certified lower end of eta_KL for the garbled channel that merges the outputs into two by a threshold "
            f"on the likelihood ratio (rows {ka}, {kb}; derive.channels.tilt_binomial.chi_sup_bracket's witness; a "
            "garbling has the smaller tau_n)")] * len(rest)
    for span in sorted({COARSE_SPAN, GARBLE_SPAN}):
        gar = lattice_garbling(Ka_, Kb_, span)
        lat_g = LatticeMixture.of((M.prior[a], M.prior[b]), gar[0], gar[1]) if gar is not None else None
        rows_ = small if span == COARSE_SPAN else np.arange(len(rest))
        if lat_g is None or not len(rows_):
            continue
        for t, h in zip(rows_.tolist(), lattice_bracket(lat_g, sub[rows_])[1].tolist()):
            if h < hi[t]:
                hi[t] = h
                how[t] = ("the certified lower end of eta_KL (the lattice route's witness) for a garbling K'' = K G whose "
                          f"likelihood ratios are powers of beta = {gar[2]} (k = {lat_g.ks}; each output mixed with a "
                          "share of the output of largest or smallest ratio: derive.channels.tilt_lattice."
                          "lattice_garbling; a garbling has the smaller tau_n)")
    for t, (i, low, high) in enumerate(zip(rest, lo.tolist(), hi.tolist())):
        if not (math.isfinite(low) and low < 0):
            continue
        up = min(-math.expm1(low) * (1 + FLOAT_REL) + 1e-300, 1.0)
        if (low - math.log(up) - log_kl_hi) / math.log(10) > old_log10[i] + 1e-9:
            t_hi[i], lo_om[i] = up, low
            routes[i] = ROUTE_REFINED
            reasons[i] = _CLUSTER_REFINED.format(beta=which[t][0], ks=which[t][1], kl=M.kl_how)
            if brackets is not None and high < 0:
                brackets[i] = (low, high, "lower end: " + how[t] + "; upper end: eta_KL of the refined channel with "
                               "lattice likelihood ratios")


def _best_binary_merge(Ka: list[Fraction], Kb: list[Fraction]) -> tuple[tuple[Fraction, Fraction],
                                                                        tuple[Fraction, Fraction]]:
    """The two-output garbling of rows ``K_a``, ``K_b`` (positive) that merges the outputs below and above a threshold on
    ``K_b/K_a`` with the largest Chernoff information ``−min_s log Σ a^{1−s} b^s`` (float, only a choice). An output
    with ``K_a = 0`` has ratio +∞ (or 1 when ``K_b = 0`` too): rows with zeros are allowed."""
    def ratio(y: int) -> float:
        return float(Kb[y] / Ka[y]) if Ka[y] else (math.inf if Kb[y] else 1.0)
    order = sorted(range(len(Ka)), key=ratio)
    best, out = -1.0, None
    for t in range(1, len(order)):
        a = (sum(Ka[y] for y in order[:t]), sum(Ka[y] for y in order[t:]))
        b = (sum(Kb[y] for y in order[:t]), sum(Kb[y] for y in order[t:]))
        af, bf = np.array([float(x) for x in a]), np.array([float(x) for x in b])
        s = np.linspace(0.005, 0.995, 199)[:, None]
        with np.errstate(divide="ignore"):                        # disjoint supports: c = inf
            c = -float(np.log((af ** (1 - s) * bf ** s).sum(axis=1)).min())
        if c > best:
            best, out = c, (a, b)
    return out


ROUTE_REFINED = "eta_KL <= that of a refined channel with lattice likelihood ratios (weighted-average bound)"


_CLUSTER_REFINED = ("tau_n = eta_KL(law of the type, type -> theta) <= eta_KL of the backward channel of a refinement "
                    "K' of the channel (each output split in two whose "
                    "likelihood ratios are powers of beta = {beta}, k = {ks}; merging them gives K back, so the types of K "
                    "are a function of those of K' and tau_n(K) <= tau_n(K'): derive.channels.tilt_lattice."
                    "lattice_refinement), bounded by " + _CHI_SUP_HOW + " over the one-dimensional sufficient statistic of "
                    "K' (derive.channels.tilt_lattice); not eta_KL of K itself: the row's 'eta_kl_bracket' gives the "
                    "certified bracket; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by composition through theta")


_CLUSTER_CHI_SUP_LATTICE = (_CHI_SUP_HOW + "; the likelihood ratios K(y|b)/K(y|a) are beta^k_y (k = {ks}), so the "
                            "posterior depends on the type only through sum_y c_y k_y: sums over that one-dimensional law "
                            "(its tilted n-fold convolution), boundary values with certified tails "
                            "(derive.channels.tilt_lattice); the certified lower end of eta_KL (row field 'eta_kl_bracket') "
                            "is D(QK||PK)/D(Q||P) at the best tilt of the grid, at least eta_chi2; rho_n = tau_n * "
                            "eta_KL(prior, K) upper end ({kl}) by composition through theta")


_CLUSTER_CHI_SUP_WINDOW = (_CHI_SUP_HOW + "; sums over the boundary types with log-concave tail bounds "
                           "(derive.channels.tilt_binomial.chi_sup_bracket); the certified lower end of eta_KL (row field "
                           "'eta_kl_bracket') is D(QK||PK)/D(Q||P) at the best tilt of the grid (the same identity, cell "
                           "bounds the other way), at least eta_chi2; rho_n = tau_n * eta_KL(prior, K) upper end ({kl}) by composition "
                           "through theta")


def _cluster_tilt(M: _Model, ns: np.ndarray, out: list[dict]) -> list[dict]:
    """Binary θ: certified τ_n = η_KL of the backward channel (type → θ) by the tilt route.

    Symmetric BSC model (uniform prior, BSC rows): exactly the Boolean cluster with ρ = |1 − 2δ|
    (:func:`_boolean_tilt`). Otherwise: the float tilt cover of the backward channel over the observation
    types (at most :data:`TILT_MAX_TYPES`, within :data:`CLUSTER_TILT_BUDGET` seconds per call) — first the
    closed-form symmetric certificate when the model is mirror-symmetric (:func:`_mirror`); τ_n is replaced where
    it is smaller than the current (Doeblin/Dobrushin) value. Each row names its route."""

    act = [t for t in range(len(M.prior)) if M.prior[t] > 0]
    for r in out:
        r["tau_n_fallback"], r["factor_fallback"] = r["tau_n"], r["factor"]
        r["route"] = "fallback: " + ("Doeblin/Dobrushin" if not M.symmetric else "BSC factorization")
    if 3 <= len(act) <= MAX_OUTPUTS:
        return _chain_upper(M, ns, _cluster_tilt_multi(M, ns, out, act), act)
    if len(act) != 2:
        for r in out:
            r["route"] = f"current route (theta has {len(act)} values)"
            r["reason"] = r["reason"] + "; " + _CLUSTER_NOT_BINARY
        return out
    log_kl_hi = _log_kl_upper(M)
    tau = np.array([r["tau_n"] for r in out], dtype=float)
    brackets: dict = {}
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
        rows_work = WorkBudget(CLUSTER_TILT_BUDGET)
        covers = 0
        for i in np.argsort(ns, kind="stable"):
            n = int(ns[i])
            count = math.comb(n + m - 1, m - 1)
            if count > (MAX_CHI2_TYPES if sym else TILT_MAX_TYPES) or rows_work.exhausted():
                continue
            if not sym and covers >= CLUSTER_COVER_ROWS:
                continue
            C = _compositions(n, m)
            table = _log_factorials(n)
            lj, lpc = _type_terms(M, np.full(len(C), n), C, table)
            ok = np.isfinite(lpc)
            f = np.exp(lj[b][ok] - lpc[ok])
            om = np.exp(lj[a][ok] - lpc[ok])
            P = np.exp(lpc[ok])
            err = _type_log_error(M, n)
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
            if count > TILT_MAX_TYPES or covers >= CLUSTER_COVER_ROWS:
                continue
            covers += 1
            br = eta_kl_binary_float(f, P, omf=om, budget=rows_work.child(TILT_ROW_BUDGET), input_rel=err,
                                     symmetric=sym,
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
                hi_log = math.log1p(-float_down(br.lower))
                brackets[i] = (lo_om[i], hi_log + 2.0 ** -50 * (abs(hi_log) + 1),
                               f"lower end: {br.lower_how}; upper end: the tilt cover over the types")
        old_log10 = np.array([r["log10_factor"] if r.get("log10_factor") is not None else
                              (math.log10(r["factor"]) if (r["factor"] or 0) > 0 else -math.inf) for r in out], dtype=float)
        _chi_sup_rows(M, ns, a, b, old_log10, log_kl_hi, t_hi, lo_om, routes, reasons, brackets)
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
    replaced = set(idx)
    for i, (lo, hi, *how) in brackets.items():
        if i not in replaced and not how:
            out[i]["route"] = ROUTE_CHI_SUP_SAME
            out[i]["reason"] += "; " + _CHI_SUP_SAME
        out[i]["eta_kl_bracket"] = {
            "tau_n": [max(-math.expm1(hi) * (1 - FLOAT_REL), 0.0), out[i]["tau_n"]],
            "log10_one_minus_tau_n": [lo / math.log(10) - FLOAT_REL * (1 + abs(lo)),
                                      hi / math.log(10) + FLOAT_REL * (1 + abs(hi))],
            "equal": False,
            "how": how[0] if how else (
                "lower end: D(QK||PK)/D(Q||P) at the best grid tilt Q ~ P e^(lambda f) (>= eta_chi2); upper end: "
                "sup over tilts of the average of eta_chi2 (derive.channels.tilt_binomial)")}
    return out
