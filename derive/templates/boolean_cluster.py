"""The ``boolean-cluster`` template.

* ``boolean-cluster``: θ uniform on ±1, each of the n observations is θ through BSC((1 − ρ)/2); a = atanh ρ.
  **τ_n = η_KL(law of S_n, S_n → θ)** (S_n the number of +1 observations, sufficient) certified by the tilt route
  (:mod:`derive.channels.tilt`: the output θ is binary, η_KL is a sup over a one-dimensional exponential tilt, and
  where χ(v) <= χ(0) is certified η_KL = η_χ² = E[tanh²(a S_n)]): for η_χ² >= √3/2 ≈ 0.866 by the closed-form symmetric
  certificate (1 − η_χ² = E[sech²(a S_n)] from the float64 window sum with outward margins — :data:`FLOAT_REL`
  and the recursive-summation error of the log-factorial table, (n + 1) 2u log(n!) — and its log-concave tail
  bound), below it by the float64 cell cover (per call at most :data:`TILT_ROWS_BUDGET` nominal seconds of counted work). **ρ_n = ρ² τ_n**
  (composition through θ). Rows where the tilt certificate is not completed fall back to the BSC route: the
  posterior lies in [(1 − t)/2, (1 + t)/2], t = tanh(n a), so the backward channel factors through BSC((1 − t)/2)
  with input-free η_KL = t² (Ahlswede & Gács 1976; ``proofs/fkl25_boolean_cluster.toml``'s fallback), factor
  1/(ρ² sinh²(n a)); every row names its ``route`` and keeps the BSC values as ``tau_n_bsc``, ``factor_bsc``.
"""

from __future__ import annotations

from fractions import Fraction
import math

import mpmath
import numpy as np

from derive.channels.budget import WorkBudget
from derive.channels.tilt import eta_kl_binary_float, symmetric_certificate
from derive.errors import LimitExceeded
from derive.templates.boolean_routes import boolean_lambda, paper_route
from derive.templates.common import (CHI2_WINDOW_NATS, DPS, FLOAT_REL, MAX_N, _CHI2_NOTE, _certified_rows, _check_ns,
                                     _chi2_values, _down, _factorial_table, _hi, _info_of, _iv, _iv_dps, _ldown, _lo,
                                     _log10, _log_binomial, _log_factorials, _lup, _map_blocks, _row_chunks, _up,
                                     _window, iv, logsumexp)

__all__ = ["boolean_cluster", "boolean_cluster_rows", "boolean_cluster_bsc", "boolean_tau_arb"]


_BOOLEAN_REASON = ("tau_n = tanh^2(n atanh rho): the backward channel X_{1:n} -> theta factors through "
                   "BSC((1 - t)/2), t = tanh(n atanh rho), whose input-free eta_KL is t^2 [Ahlswede & Gacs 1976]; "
                   "rho_n = rho^2 tau_n by composition through theta (proofs/fkl25_boolean_cluster.toml)")


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


#: The numeric tilt cover (rows the analytic certificate does not reach) runs on at most
#: :data:`TILT_COVER_ROWS` rows per call of the many-n path (smallest n first), sharing this many nominal seconds of
#: counted work (:mod:`derive.channels.budget`: the rows do not depend on the machine); rows beyond fall back to the
#: BSC route (and say so).
TILT_ROWS_BUDGET = 10.0


TILT_COVER_ROWS = 400


#: Nominal seconds of counted work (:mod:`derive.channels.budget`) for one row's cover at most: about 4x what the
#: slowest rows of the tables need (0.15 s for the cluster row n = 10 of prior (0.7, 0.3), BSC(1/4)).
TILT_ROW_BUDGET = 0.6


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
    pp, qq = [flint.arb(1)], [flint.arb(1)]                     # powers p^s, q^s (running products; arb radii)
    for _ in range(n):
        pp.append(pp[-1] * p)
        qq.append(qq[-1] * q)
    step = (-2 * a2).exp()                                    # e^{-a2 (2s - n)} = e^{a2 n} step^s
    e = (a2 * n).exp()
    c = flint.arb(1)
    for s in range(n + 1):
        f[s] = float(1 / (1 + e))
        om[s] = float(e / (1 + e))
        P[s] = float(c * (pp[s] * qq[n - s] + qq[s] * pp[n - s]) / 2)
        c = c * (n - s) / (s + 1)
        e = e * step
    return f, om, P, 0.0


def _boolean_tilt(ns: np.ndarray, rho: Fraction, log_om: np.ndarray, tau_bsc: np.ndarray):
    """Per n: (upper end of τ_n, lower end of log(1 − τ_n), reason, route), NaN where the tilt route gives no
    improvement on the BSC route. ``log_om``: the float64 window sum log E[sech²(a S_n)] (= log(1 − η_χ²))."""
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
    rows_work = WorkBudget(TILT_ROWS_BUDGET)
    for k, i in enumerate(sorted(pending, key=lambda j: ns[j])):
        if rows_work.exhausted() or k >= TILT_COVER_ROWS:
            break
        n = int(ns[i])
        f, om, P, err = _boolean_law(n, rho)
        chi0 = -math.expm1(float(log_om[i]))
        b = eta_kl_binary_float(f, P, omf=om, symmetric=True, budget=rows_work.child(TILT_ROW_BUDGET),
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
            why = ("the cell cover did not beat it within its work budget" if i in pending else "")
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
