r"""Certified bracket of ``η_KL`` of the backward channel of a **two-component binomial mixture**, at many ``n``
at once (float64, log space, stated margins, windowed sums with log-concave tail bounds).

Setting: θ ∈ {a, b} with prior weights ``w_a, w_b``; each of ``n`` observations is θ through a channel with two
outputs; ``j`` is the number of outputs ``y0`` (sufficient), ``α_j = log P(θ = a, j)`` and ``β_j = log P(θ = b, j)``
(``log C(n, j) + log w + j log K(y0) + (n − j) log K(y1)``), ``f_j = P(θ = b | j)``. Orient the outputs so that
``s = log(K_b0/K_a0) − log(K_b1/K_a1) > 0``: then ``f`` increases in ``j``.

The backward channel ``j → θ`` has a binary output, so (:mod:`derive.channels.tilt`, §2–3)

    η_χ²(P, K) = χ(0) <= η_KL(P, K) <= sup_v χ(v),    1 − χ(v) = a(v) + b(v) = A(v)/F(v) + A(v)/G(v),

with ``A(v) = Σ_j e^{α_j + β_j − π_j + v f_j}`` (``π_j = log P(j)``), ``F(v) = Σ_j e^{β_j + v f_j}``,
``G(v) = Σ_j e^{α_j + v f_j}``; ``a`` decreases and ``b`` increases in ``v``. On a grid ``v_0 < … < v_G`` (0 included):
``1 − sup χ >= min(a(v_0), b(v_G), min_i a(v_{i+1}) + b(v_i))`` (on ``[v_i, v_{i+1}]``, ``a >= a(v_{i+1})`` and
``b >= b(v_i)``; beyond the grid ``a(v) >= a(v_0)`` for ``v <= v_0`` and ``b(v) >= b(v_G)`` for ``v >= v_G``).
So lower ends of ``A`` and upper ends of ``F``, ``G`` at the grid points suffice. Sharper, and what is returned:
``R(λ)`` is a weighted average of ``ψ(t) = (1/t) ∫_0^t χ`` over ``t ∈ (0, λ]``, so ``η_KL <= sup ψ``
(:func:`average_bound`, with the envelopes ``a e^v`` increasing, ``b e^{−v}`` decreasing). The other end, a lower
end of ``η_KL``: ``R(λ)`` at the best grid point, from the same identity with the cell bounds the other way
(:func:`witness_bound`; needs upper ends of ``A`` and lower ends of ``F``, ``G``), and never worse than
``1 − χ(0) <= A(0)^+ (1/w_a + 1/w_b)`` (``F(0) = w_b``, ``G(0) = w_a`` exactly).

**Why a window suffices (and costs O(1) types per n, not n + 1).** ``log A_j = log C(n, j) − log(e^{−α̃_j} +
e^{−β̃_j})`` (``α̃, β̃`` affine in ``j``) is concave in ``j``; its peak sits at the boundary where ``f ≈ 1/2`` and it
falls off at a rate bounded below away from the binomial modes. Only ``j`` in the window ``[L, H]`` where
``log A_j >= peak − W`` are summed:

* ``A(v) >= Σ_{j ∈ [L, H]}`` (all terms are positive: truncation only lowers it);
* tails of ``β`` and ``α``: ``Σ_{j < L} e^{β_j} <= e^{β_{L−1}} / (1 − e^{−Δ})`` with ``Δ = β_{L−1} − β_{L−2} > 0``
  (``β`` is concave, so its increments decrease: the terms left of ``L − 1`` fall at least geometrically), likewise
  ``Σ_{j > H} e^{α_j} <= e^{α_{H+1}} / (1 − e^{Δ'})``, ``Δ' = α_{H+2} − α_{H+1} < 0``; every tail is also at most
  its complement ``w − Σ_{[L, H]}`` (e.g. ``Σ_{j > H} e^{β_j} <= w_b − Σ_{[L, H]} e^{β_j}``), which is the bound used
  for the heavy tails (the mass of θ = b where ``f ≈ 1``);
* on ``j < L``, ``0 <= f_j <= f_L``; on ``j > H``, ``f_H <= f_j <= 1``; so ``e^{v f_j} <= e^{max(v f_L, 0)}`` on the left
  and ``<= e^{max(v, v f_H)}`` on the right, and ``F(v) <= Σ_{[L, H]} e^{β_j + v f_j} + T^β_L e^{max(v f_L, 0)} +
  T^β_R e^{max(v, v f_H)}`` (same for ``G`` with ``α``), ``A(0) <= Σ_{[L, H]} A_j + T^β_L + T^α_R`` (``A_j <= e^{β_j}``,
  ``A_j <= e^{α_j}``); for the witness, ``F(v) >= Σ_{[L, H]} e^{β_j + v f_j} + (w_b − Σ_{[L, H]} e^{β_j} −
  T^β_L) e^{min(v, v f_H)}`` (same for ``G`` on the left) and ``A(v) <= Σ_{[L, H]} + T^β_L e^{max(v f_L, 0)} +
  T^α_R e^{max(v, v f_H)}``.

``W`` is at least :data:`WINDOW_NATS` and grows with the peak (small ``n``) so that the tails stay negligible next to
``F`` and ``G`` at ``|v| = max |grid|``; for small ``n`` the window is all of ``0..n`` (no tails). With a zero entry
(e.g. a Z channel) only one type is mixed (``f ∉ {0, 1}``) and the window is that type; the other side has
``f = 1`` (or ``0``) exactly.

**Margins (float64, u = 2^-53).** The log-factorial table (a cumulative sum of ``n`` float64 logs, supplied by the
caller) is within ``(n + 1) 2u (log n! + 1)`` of exact (recursive summation); the model's logs are within
``2u (|log x| + 1)`` each (``float`` of an exact rational, then ``math.log``), so every ``α_j``, ``β_j`` is within
``E_n = (n + 6) 2u (log n! + n (ℓ + 1) + |log w| + 1)`` (``ℓ`` the largest ``|log K|``), and ``d_j = α_j − β_j``
(computed without the binomial term: two sums of three terms) within ``E^d_n = 16u (n (ℓ + 1) + |log w| + 1)``, so
``f_j = 1/(1 + e^{d_j})`` within ``E^d_n/4 + 4u``. A log-sum-exp of ``k``
terms whose exponents are within ``e`` is within ``e + (k + 16) u + 2^-49 (|result| + 1)`` (the ``exp``/``log`` and
summation errors; the exponents' own rounding ``8u (|x| + 1)`` is added to ``e``). Each log quantity is moved
outward by its margin; tails and complements are rounded outward. Tests compare the bracket with an mpmath
computation of η_KL at 60–400 digits (``tests/channels/test_channels_tilt_binomial.py``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

__all__ = ["BinomialMixture", "chi_sup_bracket", "window_bracket", "average_bound", "witness_bound", "WINDOW_NATS", "GRID"]

#: Tilts of the grid: 0, ±10^(k/16) for k = −32..24 and ±10^(k/8) for k = 13..16 (123 points, from 0.01 to 100).
_POS = np.concatenate([10.0 ** (np.arange(-32, 25) / 16), 10.0 ** (np.arange(13, 17) / 8)])
GRID = np.concatenate([-_POS[::-1], [0.0], _POS])

#: The window keeps the types within at least this many nats of the peak of log A_j.
WINDOW_NATS = 36.0

#: Largest (rows × window × grid) block evaluated at once.
_BLOCK = 1_500_000

_U = 2.0 ** -53


class BinomialMixture:
    """θ ∈ {a, b} with weights ``w = (w_a, w_b)``; observations through rows ``K_a = (K_a0, K_a1)``,
    ``K_b = (K_b0, K_b1)`` (exact rationals; outputs swapped if needed so that ``f`` increases in ``j``)."""

    def __init__(self, w: Sequence[Fraction], Ka: Sequence[Fraction], Kb: Sequence[Fraction]) -> None:
        w = [Fraction(x) for x in w]
        Ka, Kb = [Fraction(x) for x in Ka], [Fraction(x) for x in Kb]
        if min(w) <= 0 or sum(w) != 1:
            raise ValueError("binomial mixture: weights must be positive and sum to 1")
        # s > 0 iff K_b0 K_a1 > K_a0 K_b1
        if Kb[0] * Ka[1] < Ka[0] * Kb[1]:
            Ka, Kb = Ka[::-1], Kb[::-1]
        self.degenerate = Kb[0] * Ka[1] == Ka[0] * Kb[1]                     # f constant: eta = 0
        self.w, self.Ka, self.Kb = w, Ka, Kb
        # with s > 0 the possible zeros are K_a0 = 0 (only j = 0 mixed) and K_b1 = 0 (only j = n mixed)
        self.only_first = Ka[0] == 0
        self.only_last = Kb[1] == 0
        self.deterministic = self.only_first and self.only_last                  # f in {0, 1}: eta = 1

        def lg(x: Fraction) -> float:
            return math.log(float(x)) if x > 0 else -math.inf

        self.lw = (lg(w[0]), lg(w[1]))
        self.la = (lg(Ka[0]), lg(Ka[1]))
        self.lb = (lg(Kb[0]), lg(Kb[1]))
        finite = [abs(x) for x in self.la + self.lb if math.isfinite(x)]
        self.ell = max(finite) if finite else 0.0
        self.lwmax = max(abs(x) for x in self.lw)
        self.log_wmin = min(self.lw)


def _parts(M: BinomialMixture, n: np.ndarray, j: np.ndarray, table: np.ndarray):
    """α_j, β_j, d_j = α_j − β_j (without the binomial term) at integer arrays n, j (broadcast)."""
    lc = table[n] - table[j] - table[n - j]
    with np.errstate(invalid="ignore"):
        ta = M.lw[0] + np.where(j > 0, j * M.la[0], 0.0) + np.where(n - j > 0, (n - j) * M.la[1], 0.0)
        tb = M.lw[1] + np.where(j > 0, j * M.lb[0], 0.0) + np.where(n - j > 0, (n - j) * M.lb[1], 0.0)
    return lc + ta, lc + tb, ta - tb


def _log_a(M: BinomialMixture, n: np.ndarray, j: np.ndarray, table: np.ndarray) -> np.ndarray:
    al, be, d = _parts(M, n, j, table)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(d), be - np.logaddexp(0.0, -d), -np.inf)           # α + β − π = β − log(1 + e^{−d})


def _windows(M: BinomialMixture, ns: np.ndarray, table: np.ndarray, vmax: float) -> tuple[np.ndarray, np.ndarray]:
    """[L, H] per n: the types with log A_j >= peak − W (bisection on the concave log A_j)."""
    if M.only_first:
        return np.zeros(len(ns), dtype=np.int64), np.zeros(len(ns), dtype=np.int64)
    if M.only_last:
        return ns.copy(), ns.copy()
    lo, hi = np.zeros(len(ns), dtype=np.int64), ns.copy()
    while True:                                     # peak: the first j with h(j + 1) <= h(j)
        go = lo < hi
        if not go.any():
            break
        mid = (lo + hi) // 2
        up = _log_a(M, ns, np.minimum(mid + 1, ns), table) > _log_a(M, ns, mid, table)
        up &= mid < ns
        lo = np.where(go & up, mid + 1, lo)
        hi = np.where(go & ~up, mid, hi)
    peak = lo
    hp = _log_a(M, ns, peak, table)
    W = np.maximum(WINDOW_NATS, hp - M.log_wmin + vmax + 45.0)
    thr = hp - W
    # L: first j in [0, peak] with h(j) >= thr (h increasing there)
    lo, hi = np.zeros(len(ns), dtype=np.int64), peak.copy()
    while True:
        go = lo < hi
        if not go.any():
            break
        mid = (lo + hi) // 2
        ok = _log_a(M, ns, mid, table) >= thr
        hi = np.where(go & ok, mid, hi)
        lo = np.where(go & ~ok, mid + 1, lo)
    L = lo
    # H: last j in [peak, n] with h(j) >= thr
    lo, hi = peak.copy(), ns.copy()
    while True:
        go = lo < hi
        if not go.any():
            break
        mid = (lo + hi + 1) // 2
        ok = _log_a(M, ns, mid, table) >= thr
        lo = np.where(go & ok, mid, lo)
        hi = np.where(go & ~ok, mid - 1, hi)
    return L, lo


def _lse_margin(e: np.ndarray, k: np.ndarray | int, r: np.ndarray) -> np.ndarray:
    """Margin of a log-sum-exp of ``k`` terms with exponents within ``e``: ``e + (k + 16) u + 2^-49 (|r| + 1)`` (the
    summation's ``(k − 1) u``, a few ulp per ``exp`` and product, the final ``log``)."""
    return e + (np.asarray(k, dtype=float) + 16) * _U + 2.0 ** -49 * (np.abs(np.where(np.isfinite(r), r, 0.0)) + 1)


def _log_geometric_tail(log_edge: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """log of e^{log_edge} / (1 − e^{−delta}) for delta > 0 (rounded up), +inf where delta <= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dl = np.maximum(delta, 0.0)
        out = log_edge - np.log(-np.expm1(-dl))
    out = out + 2.0 ** -49 * (np.abs(np.where(np.isfinite(out), out, 0.0)) + 1)
    return np.where(delta > 0, out, np.inf)


def _log_complement_hi(w: Fraction, log_sum_lo: np.ndarray) -> np.ndarray:
    """log of an upper end of w − e^{log_sum_lo} (>= 0), rounded up."""
    wf = float(w) * (1 + 2 * _U)
    with np.errstate(divide="ignore", under="ignore"):
        c = np.maximum(np.nextafter(wf - np.exp(log_sum_lo) * (1 - 4 * _U), np.inf), 0.0)
        return np.log(c) + 2.0 ** -49 * (np.abs(np.log(np.maximum(c, 1e-300))) + 1)


def average_bound(grid: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """Per row: a lower end of ``log inf_{λ ≠ 0} (1 − ψ(λ))``, ``ψ(λ) = (1/λ) ∫_0^λ χ`` (so ``η_KL <= sup ψ``: ``R(λ)`` is a
    ``D'``-weighted average of ``ψ`` over ``[0, λ]``, :mod:`derive.channels.tilt` §1, §5), from lower ends ``la``, ``lb``
    of ``log a(v)``, ``log b(v)`` at the grid points (ascending, 0 included).

    ``a`` decreases and ``a(v) e^v`` increases (``a' = −Var_μ f >= −E_μ (1 − f) = −a``, ``μ ∝ P f e^{vf}``); ``b``
    increases and ``b(v) e^{−v}`` decreases (``b' = Var_ν f <= b``). So on a cell ``[v_i, v_{i+1}]`` (width Δ),
    ``a(v) >= max(a_{i+1}, a_i e^{−(v − v_i)})`` and ``b(v) >= max(b_i, b_{i+1} e^{−(v_{i+1} − v)})``, whose integrals
    are ``a_i (1 − e^{−t}) + (Δ − t) a_{i+1}``, ``t = min(Δ, log(a_i/a_{i+1}))`` (and the mirror for ``b``); and
    ``1 − χ >= c_i = a_{i+1} + b_i`` on the cell. For ``λ`` in the cell ``[v_k, v_{k+1}]`` (positive side)
    ``∫_0^λ (1 − χ) >= S_k + (λ − v_k) c_k`` (``S_k`` the sum of the cell integrals below ``v_k``), which divided by
    ``λ`` is monotone on the cell (a ratio of linear functions): at least ``min(S_k/v_k, (S_k + Δ_k c_k)/v_{k+1})``
    (the first cell gives ``c_0``). Beyond the grid, ``1 − χ(v) >= b(v_G)``, and the ratio lies between
    ``S_G/v_G`` and ``b(v_G)``. The negative side is the mirror image, with ``a(v_0)``."""
    z = int(np.flatnonzero(grid == 0.0)[0])
    steps = np.diff(grid)
    logd = np.log(steps) - 4 * _U * (np.abs(np.log(steps)) + 1)
    rnd = lambda x: x - 2.0 ** -49 * (np.abs(np.where(np.isfinite(x), x, 0.0)) + 1) - 4 * _U  # noqa: E731
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = rnd(np.logaddexp(la[:, 1:], lb[:, :-1]))                 # c_i on [grid[i], grid[i + 1]]
        ta = np.clip(la[:, :-1] - la[:, 1:], 0.0, steps[None, :])
        tb = np.clip(lb[:, 1:] - lb[:, :-1], 0.0, steps[None, :])
        ia = np.logaddexp(la[:, :-1] + np.log(-np.expm1(-ta)), la[:, 1:] + np.log(steps[None, :] - ta))
        ib = np.logaddexp(lb[:, 1:] + np.log(-np.expm1(-tb)), lb[:, :-1] + np.log(steps[None, :] - tb))
        whole = rnd(rnd(np.logaddexp(ia, ib)))
        whole = np.maximum(whole, cells + logd[None, :])                # the plain bound Δ c_i is valid too
    out = []
    for side in (1, -1):
        if side == 1:
            c, w, pts, ld, edge = cells[:, z:], whole[:, z:], grid[z + 1:], logd[z:], lb[:, -1]
        else:
            c, w, pts, ld, edge = (cells[:, :z][:, ::-1], whole[:, :z][:, ::-1], -grid[:z][::-1], logd[:z][::-1],
                                   la[:, 0])
        if not len(pts):
            continue
        with np.errstate(invalid="ignore"):
            S = np.logaddexp.accumulate(w, axis=1)                     # S_{k+1}, k = 0..P-1
        S = S - 2.0 ** -48 * (np.abs(S) + 1) * np.arange(1, len(pts) + 1)[None, :] - 8 * _U
        S_before = np.concatenate([np.full((len(S), 1), -np.inf), S[:, :-1]], axis=1)        # S_k
        with np.errstate(invalid="ignore"):
            partial = rnd(np.logaddexp(S_before, c + ld[None, :]))     # S_k + Δ_k c_k
        logv = np.log(pts) + 4 * _U * (np.abs(np.log(pts)) + 1)
        at_points = S - logv[None, :]                                   # λ = v_{k+1}
        inside = partial - logv[None, :]                                # λ inside [v_k, v_{k+1}]
        out.append(np.minimum.reduce([c[:, 0], np.min(at_points, axis=1), np.min(inside, axis=1), edge]))
    low = np.minimum.reduce(out)
    return low - 2.0 ** -49 * (np.abs(low) + 1) - 8 * _U


def _log_mass_lo(w: Fraction, log_rest_hi: np.ndarray) -> np.ndarray:
    """log of a lower end of w − e^{log_rest_hi} (−inf when it is not positive), rounded down."""
    wf = float(w) * (1 - 2 * _U)
    with np.errstate(divide="ignore", under="ignore", invalid="ignore"):
        c = np.nextafter(wf - np.exp(log_rest_hi) * (1 + 4 * _U), -np.inf)
        out = np.where(c > 0, np.log(np.maximum(c, 1e-300)), -np.inf)
    return out - 2.0 ** -49 * (np.abs(np.where(np.isfinite(out), out, 0.0)) + 1)


def witness_bound(grid: np.ndarray, la_hi: np.ndarray, lb_hi: np.ndarray, lF_lo: np.ndarray, lF_hi: np.ndarray,
                  lG_lo: np.ndarray, lG_hi: np.ndarray) -> np.ndarray:
    """Per row: an upper end of ``log min_λ (1 − R(λ))`` over the grid points ``λ ≠ 0``, i.e. a certified lower end of
    η_KL (``R(λ) <= η_KL``), from upper ends of ``log a``, ``log b`` and two-sided bounds on ``log F``, ``log G`` at the
    grid points.

    ``1 − R(λ) = ∫_0^λ (1 − χ(v)) w(v) dv / ∫_0^λ w(v) dv`` with ``w(v) = m_λ − m_v >= 0``, ``m_v = F/(F + G) = Λ'(v)``
    (``Λ = log(F + G)`` the log-mgf of ``f`` under ``P``; :mod:`derive.channels.tilt` §2). On a cell ``[v_i, v_{i+1}] ⊂
    [0, λ]``: ``1 − χ <= U_i = a(v_i) + b(v_{i+1})`` (``a`` decreases, ``b`` increases) and ``∫_cell w = Δ_i m_λ −
    (Λ(v_{i+1}) − Λ(v_i))`` exactly; so the numerator is at most ``Σ U_i (Δ_i m_λ − ΔΛ_i)`` and the denominator is
    ``Σ (Δ_i m_λ − ΔΛ_i)``, each evaluated with the bounds on ``m_λ`` and ``Λ`` in the direction that keeps the ratio an
    upper end (a lower end of a term may be negative: still a lower bound of the sum). ``λ < 0`` is the mirror image.
    Sums by cumulative sums, with ``4 (k + 2) u`` of the sums of absolute values added for their rounding."""
    z = int(np.flatnonzero(grid == 0.0)[0])
    G = len(grid)
    steps = np.diff(grid)
    with np.errstate(over="ignore", invalid="ignore"):
        m_lo = 1.0 / (1.0 + np.exp(lG_hi - lF_lo)) * (1 - 8 * _U)
        m_hi = np.minimum(1.0 / (1.0 + np.exp(lG_lo - lF_hi)) * (1 + 8 * _U), 1.0)
        U = np.logaddexp(la_hi[:, :-1], lb_hi[:, 1:])                    # log upper end of 1 − χ on cell i
        Lam_lo = np.logaddexp(lF_lo, lG_lo)
        Lam_hi = np.logaddexp(lF_hi, lG_hi)
    Lam_lo = Lam_lo - 2.0 ** -49 * (np.abs(Lam_lo) + 1) - 4 * _U
    Lam_hi = Lam_hi + 2.0 ** -49 * (np.abs(Lam_hi) + 1) + 4 * _U
    U = U + 2.0 ** -49 * (np.abs(np.where(np.isfinite(U), U, 0.0)) + 1) + 4 * _U
    dlam_lo = Lam_lo[:, 1:] - Lam_hi[:, :-1]                             # ΔΛ_i, lower and upper ends
    dlam_hi = Lam_hi[:, 1:] - Lam_lo[:, :-1]
    rows = len(U)
    best = np.full(rows, np.inf)
    for side in (1, -1):
        order = np.arange(z, G - 1) if side == 1 else np.arange(z - 1, -1, -1)
        if not len(order):
            continue
        lam = order + 1 if side == 1 else order                         # λ = grid[lam[j]] closes the j-th cell
        Uc = U[:, order]
        with np.errstate(invalid="ignore"):
            top = np.max(np.where(np.isfinite(Uc), Uc, -np.inf), axis=1)
        top = np.where(np.isfinite(top), top, 0.0)
        e = np.exp(Uc - top[:, None])                                   # U_i / e^top
        d = steps[order][None, :]
        if side == 1:                 # term = Δ m_λ − ΔΛ
            S1, S2 = np.cumsum(e * d, axis=1), np.cumsum(e * dlam_lo[:, order], axis=1)
            num = m_hi[:, lam] * S1 - S2
            D1, D2 = np.cumsum(np.broadcast_to(d, e.shape), axis=1), np.cumsum(dlam_hi[:, order], axis=1)
            den = m_lo[:, lam] * D1 - D2
        else:                         # term = ΔΛ − Δ m_λ
            S1, S2 = np.cumsum(e * d, axis=1), np.cumsum(e * dlam_hi[:, order], axis=1)
            num = S2 - m_lo[:, lam] * S1
            D1, D2 = np.cumsum(np.broadcast_to(d, e.shape), axis=1), np.cumsum(dlam_lo[:, order], axis=1)
            den = D2 - m_hi[:, lam] * D1
        kk = np.arange(1, len(order) + 1)[None, :]
        num = num + 4 * (kk + 2) * _U * (S1 + np.abs(S2) + 1e-300)
        den = den - 4 * (kk + 2) * _U * (D1 + np.abs(D2))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where((den > 0) & (num > 0) & np.isfinite(num), np.log(num) - np.log(den) + top[:, None], np.inf)
        best = np.minimum(best, np.min(r, axis=1))
    best = best + 2.0 ** -49 * (np.abs(np.where(np.isfinite(best), best, 0.0)) + 1) + 8 * _U
    return np.where(np.isfinite(best), best, 0.0)


def _serial(fn, blocks) -> None:
    for b in blocks:
        fn(b)


def chi_sup_bracket(M: BinomialMixture, ns: Sequence[int], table: np.ndarray, grid: np.ndarray = GRID,
                    map_blocks=_serial) -> tuple[np.ndarray, np.ndarray]:
    """Per n: ``(lo, hi)`` with ``lo <= log(1 − η_KL) <= hi <= log(1 − η_χ²)`` (float64, outward; ``lo`` from
    :func:`average_bound`, ``hi`` from :func:`witness_bound`);
    ``table``: log-factorials (float64 cumulative sums of logs) up to max n. ``lo = −inf`` where the grid bound gives
    nothing. The upper end of τ_n = η_KL is ``1 − e^{lo}``, its lower end ``1 − e^{hi}``. ``map_blocks(fn, blocks)``
    runs ``fn`` on every block of rows (serially by default; the caller may use threads: numpy releases the GIL)."""
    ns = np.asarray(ns, dtype=np.int64)
    lo_out = np.full(len(ns), -np.inf)
    hi_out = np.zeros(len(ns))
    if M.degenerate or M.deterministic or not len(ns):
        return lo_out, hi_out
    vmax = float(np.abs(grid).max())
    L, H = _windows(M, ns, table, vmax)
    width = H - L + 1
    order = np.argsort(width, kind="stable")
    G = len(grid)
    wa, wb = M.w
    nf = ns.astype(float)
    lfact = table[ns]
    E_all = (nf + 6) * 2 * _U * (lfact + nf * (M.ell + 1) + M.lwmax + 1)
    Ed_all = 16 * _U * (nf * (M.ell + 1) + M.lwmax + 1)                  # d_j = α_j − β_j (no binomial term)
    blocks = []
    i = 0
    while i < len(ns):
        j_end = i + 1
        while j_end < len(ns) and (j_end - i + 1) * int(width[order[j_end]]) * G <= _BLOCK:
            j_end += 1
        blocks.append(order[i:j_end])
        i = j_end

    def block(idx: np.ndarray) -> None:
        wmax = int(width[idx].max())
        n = ns[idx][:, None]
        Li, Hi = L[idx][:, None], H[idx][:, None]
        jj = Li + np.arange(wmax)[None, :]
        valid = jj <= Hi
        jj = np.minimum(jj, Hi)
        al, be, d = _parts(M, n, jj, table)
        with np.errstate(invalid="ignore", over="ignore"):
            lA = np.where(np.isfinite(d), be - np.logaddexp(0.0, -d), -np.inf)
            f = np.where(np.isfinite(d), 1.0 / (1.0 + np.exp(np.minimum(d, 700.0))), np.where(d > 0, 0.0, 1.0))
        E = E_all[idx]
        df = Ed_all[idx] / 4 + 4 * _U                                  # |error of f_j| (|df/dd| <= 1/4)
        # geometric tails: left of beta at L - 1, right of alpha at H + 1
        nn, Lr, Hr = ns[idx], L[idx], H[idx]
        Lm1 = np.maximum(Lr - 1, 0)
        Hp1 = np.minimum(Hr + 1, nn)
        be_L = _parts(M, nn, Lm1, table)[1] + E
        al_H = _parts(M, nn, Hp1, table)[0] + E
        with np.errstate(divide="ignore", invalid="ignore"):
            # increments: beta_{L-1} - beta_{L-2} = log((n - L + 2)/(L - 1)) + log(Kb0/Kb1)
            dB = np.log((nn - Lr + 2.0) / np.maximum(Lr - 1.0, 1.0)) + (M.lb[0] - M.lb[1])
            dA = np.log((nn - Hr - 1.0) / (Hr + 2.0)) + (M.la[0] - M.la[1])                # alpha_{H+2} - alpha_{H+1}
        dB = np.where(Lr >= 2, dB - 16 * _U * (np.abs(np.nan_to_num(dB)) + 1 + M.ell), np.where(Lr == 1, np.inf, -1.0))
        dA = np.where(Hr + 2 <= nn, -dA - 16 * _U * (np.abs(np.nan_to_num(dA)) + 1 + M.ell),
                      np.where(Hr + 1 == nn, np.inf, -1.0))
        with np.errstate(invalid="ignore"):
            tLb = _log_geometric_tail(be_L, dB)
            tRa = _log_geometric_tail(al_H, dA)
        fL = np.where(valid[:, 0], f[:, 0], 0.0) + df                                   # f_j <= fL on j < L
        fH = f[np.arange(len(idx)), (Hr - Lr)] - df                                    # f_j >= fH on j > H
        if M.only_first:                                  # j >= 1: theta = a impossible
            tRa = np.full(len(idx), -np.inf)
            fH = np.ones(len(idx))
        if M.only_last:                                   # j <= n - 1: theta = b impossible
            tLb = np.full(len(idx), -np.inf)
            fL = np.zeros(len(idx))
        lo_out[idx], hi_out[idx] = window_bracket(grid, M.w, al, be, lA, f, valid, E, df, tLb, tRa, Lr > 0, Hr < nn,
                                                  fL, fH)

    map_blocks(block, blocks)
    return lo_out, hi_out


def window_bracket(grid: np.ndarray, w: Sequence[Fraction], al: np.ndarray, be: np.ndarray, lA: np.ndarray,
                   f: np.ndarray, valid: np.ndarray, E: np.ndarray, df: np.ndarray, tLb: np.ndarray, tRa: np.ndarray,
                   has_left: np.ndarray, has_right: np.ndarray, fL: np.ndarray,
                   fH: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (one row per n): ``(lo, hi)`` with ``lo <= log(1 − η_KL) <= hi`` from the summands of a window of
    observation values ``j ∈ [L, H]`` and certified tails (the module docstring's bounds; used by
    :func:`chi_sup_bracket` and :mod:`derive.channels.tilt_lattice`).

    ``al``, ``be``, ``lA``: ``log P(θ = a, j)``, ``log P(θ = b, j)``, ``log A_j`` on the window (rows × width; entries
    with ``valid`` false are ignored), each within ``E`` (per row) of exact; ``f``: ``P(θ = b | j)`` within ``df``,
    increasing in ``j``; ``tLb``, ``tRa``: logs of upper ends of ``Σ_{j < L} P(b, j)`` and ``Σ_{j > H} P(a, j)``
    (``−inf``: none; each is also capped by its complement ``w − Σ_window``); ``has_left``/``has_right``: whether any
    value lies left of ``L``/right of ``H``; ``fL >= f_j`` on ``j < L`` and ``fH <= f_j`` on ``j > H`` (in [0, 1])."""
    wa, wb = w
    al = np.where(valid, al, -np.inf)
    be = np.where(valid, be, -np.inf)
    lA = np.where(valid, lA, -np.inf)
    k = valid.sum(axis=1)
    # exponent magnitudes for the 8u (|x| + 1) rounding of the exponents
    mag = np.max(np.where(valid, np.maximum.reduce([np.abs(np.where(np.isfinite(x), x, 0.0))
                                                     for x in (al, be, lA)]), 0.0), axis=1)
    av = np.abs(grid)[None, :]
    e_v = 2 * E[:, None] + av * df[:, None] + 8 * _U * (mag[:, None] + av + 1)     # exponent error per (n, v)
    # sums over the window at every grid point: exp(x_j − x_max) e^{v f_j − c_v}
    c = np.maximum(grid, 0.0)[None, :]                                            # v f_j <= max(v, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        ex = np.exp(grid[None, None, :] * np.where(valid, f, 0.0)[:, :, None] - c[:, None, :])   # in (0, 1]
    out = {}
    for name, x in (("A", lA), ("F", be), ("G", al)):
        with np.errstate(invalid="ignore", divide="ignore"):
            xm = np.max(x, axis=1)
            xm = np.where(np.isfinite(xm), xm, 0.0)
            wgt = np.exp(x - xm[:, None])
            s = np.einsum("rw,rwg->rg", wgt, ex)
            out[name] = np.log(s) + xm[:, None] + c
            out[name + "0"] = np.log(wgt.sum(axis=1)) + xm                  # v = 0 plain sums
    lA_lo = out["A"] - _lse_margin(e_v, k[:, None], out["A"])
    lF_s = out["F"] + _lse_margin(e_v, k[:, None], out["F"])
    lG_s = out["G"] + _lse_margin(e_v, k[:, None], out["G"])
    e0 = 2 * E + 8 * _U * (mag + 1)
    lA0_hi = out["A0"] + _lse_margin(e0, k, out["A0"])
    lB0_lo = out["F0"] - _lse_margin(e0, k, out["F0"])                   # Σ_window e^β, lower
    lAl0_lo = out["G0"] - _lse_margin(e0, k, out["G0"])                  # Σ_window e^α, lower
    comp_b = _log_complement_hi(wb, lB0_lo)
    comp_a = _log_complement_hi(wa, lAl0_lo)
    with np.errstate(invalid="ignore"):
        tLb = np.where(has_left, np.minimum(tLb, comp_b), -np.inf)
        tRa = np.where(has_right, np.minimum(tRa, comp_a), -np.inf)
    tRb = np.where(has_right, comp_b, -np.inf)
    tLa = np.where(has_left, comp_a, -np.inf)
    fL, fH = np.clip(fL, 0.0, 1.0), np.clip(fH, 0.0, 1.0)
    v = grid[None, :]
    cL = np.maximum(v * fL[:, None], 0.0)
    cR = np.maximum(v, v * fH[:, None])
    cL = cL + 4 * _U * (np.abs(cL) + 1)
    cR = cR + 4 * _U * (np.abs(cR) + 1)

    def down_lse(*terms):
        stack = np.stack(np.broadcast_arrays(*terms))
        with np.errstate(invalid="ignore"):
            r = np.logaddexp.reduce(stack, axis=0)
        return r - 2.0 ** -49 * (np.abs(np.where(np.isfinite(r), r, 0.0)) + 1) - 4 * _U

    def up_lse(*terms):
        stack = np.stack(np.broadcast_arrays(*terms))
        with np.errstate(invalid="ignore"):
            r = np.logaddexp.reduce(stack, axis=0)
        return r + 2.0 ** -49 * (np.abs(np.where(np.isfinite(r), r, 0.0)) + 1) + 4 * _U

    lF_hi = up_lse(lF_s, tLb[:, None] + cL, tRb[:, None] + cR)
    lG_hi = up_lse(lG_s, tLa[:, None] + cL, tRa[:, None] + cR)
    la_lo = lA_lo - lF_hi                                              # log a(v) lower end
    lb_lo = lA_lo - lG_hi
    lo = average_bound(grid, la_lo, lb_lo)
    # 1 - chi(0) <= A(0)^+ (1/w_a + 1/w_b)
    lA0 = up_lse(lA0_hi, tLb, tRa)
    chi0_hi = np.minimum(lA0 + math.log(1 / float(wa) + 1 / float(wb)) * (1 + 4 * _U) + 8 * _U, 0.0)
    # the other direction, for a witness: A(v) upper, F(v) and G(v) lower
    lA_hi = up_lse(out["A"] + _lse_margin(e_v, k[:, None], out["A"]), tLb[:, None] + cL, tRa[:, None] + cR)
    lB0_hi = out["F0"] + _lse_margin(e0, k, out["F0"])
    lAl0_hi = out["G0"] + _lse_margin(e0, k, out["G0"])
    mass_b = _log_mass_lo(wb, up_lse(lB0_hi, tLb))                    # Σ_{j > H} e^β >= w_b − window − left
    mass_a = _log_mass_lo(wa, up_lse(lAl0_hi, tRa))                   # Σ_{j < L} e^α
    dR = np.minimum(v, v * fH[:, None])
    dL = np.minimum(v * fL[:, None], 0.0)
    dR = dR - 4 * _U * (np.abs(dR) + 1)
    dL = dL - 4 * _U * (np.abs(dL) + 1)
    lF_lo = down_lse(out["F"] - _lse_margin(e_v, k[:, None], out["F"]),
                     np.where(has_right, mass_b, -np.inf)[:, None] + dR)
    lG_lo = down_lse(out["G"] - _lse_margin(e_v, k[:, None], out["G"]),
                     np.where(has_left, mass_a, -np.inf)[:, None] + dL)
    wit = witness_bound(grid, lA_hi - lF_lo, lA_hi - lG_lo, lF_lo, lF_hi, lG_lo, lG_hi)
    return lo, np.minimum(chi0_hi, wit)
