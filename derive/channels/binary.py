r"""Two-input machinery: certified ``sup_P η_χ²(P, K)`` and certified ``η_KL(P, K)`` for binary-support P.

**The binary-input χ² coefficient.** For two rows ``a = K(·|x)``, ``b = K(·|x')`` and the input
``P = t δ_x + (1 - t) δ_x'`` (``0 < t < 1``), with ``d = a - b``::

    g(t) := η_χ²(P, K) = t (1 - t) Σ_y d_y² / (t a_y + (1 - t) b_y).

(The zero-mean functions of a binary ``X`` form one line, ``f = 1{X = x} - t``, and
``E[f | Y = y] = t(1 - t) d_y / P_Y(y)``.) Each term ``d² · t(1-t) / (t a + (1 - t) b)`` is ``d²`` times the
parallel sum of ``t / b`` and ``(1 - t) / a``, a concave function of ``(t, 1 - t)``; so **g is concave** on
``[0, 1]`` (extended by its limits ``g(0+) = Σ_{b_y = 0} a_y`` and ``g(1-) = Σ_{a_y = 0} b_y``). Every tangent
line is then an upper bound on g, and the maximum of the lower envelope of a few tangents, computed in
exact rationals, is a certified upper bound on ``sup_t g``; the best evaluated point (or endpoint limit) is
the certified lower end.

**Two-point reduction.** ``sup_P η_χ²(P, K) = max_{x ≠ x'} sup_t g_{x,x'}(t)``: the supremum over all inputs
is reached on inputs supported on two symbols. Proof: ``η_χ²(P, K) <= c`` iff for every ``w: Y -> R``,
``Var_P(Kw) <= c E_P[K(w²)]`` (Rényi's ``ρ_m² = sup_w Var(E[w(Y)|X]) / Var(w(Y))``; shift ``w`` to make
``E[w(Y)] = 0``). For fixed ``w`` the function ``F(P) = Σ_x P_x (h_x² - c s_x) - (Σ_x P_x h_x)²``, with
``h = Kw`` and ``s = K(w²)``, is maximized over the simplex at a point with at most two non-zero
coordinates: on the slice ``{Σ P_x h_x = μ}`` it is linear, and that slice of the simplex is a polytope
whose vertices lie on edges of the simplex. So ``F <= 0`` on all inputs iff on all two-point inputs. ∎
With ``η_KL(K) = sup_P η_χ²(P, K)`` (Ahlswede & Gács 1976), this certifies input-free ``η_KL``. The kernel
holds this theorem (:mod:`derive.kernel.chi2_envelope`); :func:`pair_sup` takes its upper end from there and
adds only the lower end (``g`` at evaluated points).

**Fixed binary input.** For ``P = Bern(p)`` on the pair and ``Q = Bern(q)``: ``N(q) = D(QK || PK)`` and
``Dn(q) = D(Q || P)`` are convex in q, vanish with their first derivatives at ``q = p``, and
``N'' = g / (t (1 - t))``, ``Dn'' = 1 / (t (1 - t))``. Hence

* ``N(q)/Dn(q)`` is a weighted average of g over ``[p, q]`` (Taylor with integral remainder), so on
  ``(p, p + ε]`` it is at most ``max_{[p, p + ε]} g <= g(p) + max(0, g'(p)) ε`` (concavity of g);
* on a cell ``[q1, q2]`` away from ``p``, N lies below its chord and Dn above its tangents, so
  ``N/Dn <= chord/tangent``, a ratio of affine functions whose maximum is at a cell end.

Branch and bound over cells gives ``[lower, upper]``; logarithms are enclosed rigorously (arb balls) and
each bound uses the enclosure's far end. The lower end is ``max(g(p), N(q)/Dn(q))`` over evaluated ``q``:
``g(p) = η_χ²(P, K) <= η_KL(P, K)`` (a theorem) or an explicit witness ``Q``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from derive.numeric.exact import Q, fraction_of_q, iv, iv_log, iv_lower, iv_upper, q_of, ulp_down, ulp_up

__all__ = [
    "PairSup",
    "pair_terms",
    "g_exact",
    "g_prime_exact",
    "endpoint_limits",
    "tangent_envelope_max",
    "pair_sup",
    "pairs_sup",
    "BinaryKL",
    "binary_kl_bracket",
    "total_variation_exact",
]

_EDGE = Fraction(1, 1 << 50)


# ----------------------------------------------------------------------------- exact pieces

def pair_terms(a: Sequence[Fraction], b: Sequence[Fraction]) -> list[tuple[Any, Any]]:
    """``(b_y, d_y)`` as exact rationals for the outputs where ``d_y = a_y - b_y ≠ 0``."""
    return [(q_of(y), q_of(x - y)) for x, y in zip(a, b) if x != y]


def g_exact(terms: list[tuple[Any, Any]], t: Fraction) -> Fraction:
    """``g(t) = t (1 - t) Σ d² / (b + t d)``, exactly, for ``0 < t < 1``."""
    tq = q_of(t)
    s = Q(0)
    for b, d in terms:
        s += d * d / (b + tq * d)
    return fraction_of_q(tq * (1 - tq) * s)


def g_prime_exact(terms: list[tuple[Any, Any]], t: Fraction) -> Fraction:
    """``g'(t) = Σ d² (b (1 - t)² - a t²) / (t a + (1 - t) b)²`` (``a = b + d``), exactly, for ``0 < t < 1``."""
    tq = q_of(t)
    s = Q(0)
    for b, d in terms:
        u = b + tq * d
        s += d * d * (b * (1 - tq) * (1 - tq) - (b + d) * tq * tq) / (u * u)
    return fraction_of_q(s)


def endpoint_limits(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, Fraction]:
    """``(g(0+), g(1-)) = (Σ_{b_y = 0} a_y, Σ_{a_y = 0} b_y)``."""
    g0 = sum((x for x, y in zip(a, b) if y == 0), Fraction(0))
    g1 = sum((y for x, y in zip(a, b) if x == 0), Fraction(0))
    return g0, g1


def total_variation_exact(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    """``TV(a, b) = (1/2) Σ |a_y - b_y|``, exactly."""
    return sum((abs(x - y) for x, y in zip(a, b)), Fraction(0)) / 2


def tangent_envelope_max(lines: Sequence[tuple[Fraction, Fraction, Fraction]], lo: Fraction = Fraction(0),
                         hi: Fraction = Fraction(1)) -> Fraction:
    """``max_{t in [lo, hi]} min_i (g_i + s_i (t - t_i))`` for lines ``(t_i, g_i, s_i)``, exactly.

    The lower envelope of lines is concave and piecewise linear, so its maximum is at ``lo``, ``hi`` or
    where two lines cross.
    """
    def env(t: Fraction) -> Fraction:
        return min(g + s * (t - ti) for ti, g, s in lines)

    cands = [lo, hi]
    for i in range(len(lines)):
        ti, gi, si = lines[i]
        for j in range(i + 1, len(lines)):
            tj, gj, sj = lines[j]
            if si != sj:
                t = (gj - gi + si * ti - sj * tj) / (si - sj)
                if lo < t < hi:
                    cands.append(t)
    return max(env(t) for t in cands)


def _dyadic(x: float, bits: int = 52) -> Fraction:
    """``x`` rounded to a multiple of ``2^-bits`` inside ``[2^-bits, 1 - 2^-bits]``."""
    n = 1 << bits
    k = min(max(int(round(x * n)), 1), n - 1)
    return Fraction(k, n)


# ----------------------------------------------------------------------------- float search

def _float_argmax(A: np.ndarray, B: np.ndarray, iters: int = 46, D: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (rows of A, B): the argmax ``t*`` of the concave g on [0, 1] and ``g(t*)`` (floats);
    bisection on the sign of g' (``iters`` halvings). ``D``: the rows' differences ``a - b`` to more than float
    precision (:func:`_float_differences`); ``A - B`` when omitted, which is 0 for rows equal to within rounding."""
    zero = (A == 0) & (B == 0)
    A = np.where(zero, 1.0, A)  # a column unused by both rows: d = 0, and u = 1 avoids 0/0
    B = np.where(zero, 1.0, B)
    D = A - B if D is None else np.where(zero, 0.0, D)
    D2 = D * D

    def gp(t: np.ndarray) -> np.ndarray:
        tt = t[:, None]
        st = 1 - tt
        u = tt * A + st * B
        return (D2 * (B * st * st - A * tt * tt) / (u * u)).sum(axis=1)

    def g(t: np.ndarray) -> np.ndarray:
        tt = t[:, None]
        u = tt * A + (1 - tt) * B
        return t * (1 - t) * (D2 / u).sum(axis=1)

    n = A.shape[0]
    eps = 2.0 ** -50
    lo = np.full(n, eps)
    hi = np.full(n, 1 - eps)
    glo, ghi = gp(lo), gp(hi)
    for _ in range(iters):
        mid = (lo + hi) / 2
        s = gp(mid)
        up = s > 0
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    t = (lo + hi) / 2
    t = np.where(glo <= 0, eps, t)
    t = np.where(ghi >= 0, 1 - eps, t)
    return t, g(t)


# ----------------------------------------------------------------------------- one pair

@dataclass
class PairSup:
    """Certified ``lower <= sup_t g_{i,j}(t) <= upper`` for the input pair ``(i, j)``.

    ``t`` is the weight on ``i`` of the best input found, or ``None`` when the lower end is the limit
    ``limit`` (``"t->0"``: all weight on ``j``; ``"t->1"``: all weight on ``i``).
    """

    i: int
    j: int
    lower: Fraction
    upper: Fraction
    t: Fraction | None
    limit: str | None
    tv: Fraction
    points: list[Fraction] = field(default_factory=list)


def pair_sup(a: Sequence[Fraction], b: Sequence[Fraction], t_float: float | None = None, *, i: int = 0,
             j: int = 1, tv: Fraction | None = None, threshold: Fraction | None = None) -> PairSup:
    """Certified bracket on ``sup_t η_χ²(t δ_a + (1 - t) δ_b, K)`` (see the module docstring).

    The lower end is ``g`` at the dyadic rounding of ``t_float`` (a float estimate of the maximizer, found
    here when omitted), at a simple fraction next to it, or an endpoint limit. The upper end is the
    kernel's :func:`~derive.kernel.chi2_envelope.pair_chi2_upper_bound` (tangents of the concave g at exact
    bisection points, clipped at TV and 1; its width is about ``|g''| 4^-34``, e.g. at most ``8e-22`` on
    300 random channels with up to 6 outputs), which stops refining once it is below ``threshold``.
    """
    a = [Fraction(x) for x in a]
    b = [Fraction(x) for x in b]
    tv = total_variation_exact(a, b) if tv is None else tv
    terms = pair_terms(a, b)
    if not terms:
        return PairSup(i, j, Fraction(0), Fraction(0), Fraction(1, 2), None, tv)
    if t_float is None:
        F = np.array([[float(x) for x in a], [float(x) for x in b]])
        D = _float_differences(F, _float_residuals([a, b], F), np.array([0]), np.array([1]))
        t_float = float(_float_argmax(F[:1], F[1:], D=D)[0][0])
    g0, g1 = endpoint_limits(a, b)
    points: list[Fraction] = []
    best, best_t, limit = Fraction(-1), None, None

    def add(t: Fraction) -> None:
        nonlocal best, best_t, limit
        if t in points or not 0 < t < 1:
            return
        points.append(t)
        g = g_exact(terms, t)
        if g > best:
            best, best_t, limit = g, t, None

    t0 = _dyadic(t_float)
    add(t0)
    simple = Fraction(t_float).limit_denominator(1000)
    if abs(simple - Fraction(t_float)) < Fraction(1, 10 ** 9):
        add(simple)  # a simple rational maximizer (1/2 by symmetry, ...) makes the bracket a point
    for gl, name in ((g0, "t->0"), (g1, "t->1")):
        if gl > best:
            best, best_t, limit = gl, None, name
    # the upper end is the kernel's theorem (concave g below its tangents, clipped at TV and 1)
    from derive.kernel.chi2_envelope import pair_chi2_upper_bound       # sympy: imported where it is used

    upper = max(pair_chi2_upper_bound(a, b, enough=threshold), best)
    return PairSup(i, j, best, upper, best_t, limit, tv, points)


def _tangent_upper_intervals(A_lo: np.ndarray, A_hi: np.ndarray, B_lo: np.ndarray, B_hi: np.ndarray,
                             t: np.ndarray) -> np.ndarray:
    """Rigorous float upper bounds on ``max_{[0,1]}`` of the tangent of g at ``t`` (one per pair), hence on
    ``sup_t g``: interval arithmetic with every IEEE operation rounded outward by one ulp (``nextafter``),
    rows given as enclosures ``[A_lo, A_hi]``, ``[B_lo, B_hi]``; ``t`` are exact dyadic floats.

    Summation error: ``|fl(Σ x) - Σ x| <= γ Σ |x|`` with ``γ = 4 m 2^-53`` covers any summation order.
    Any non-finite intermediate gives ``+inf`` (the pair is then handled exactly).
    """
    m = A_lo.shape[1]
    gamma = 4.0 * (m + 2) * 2.0 ** -53
    tt = t[:, None]
    ss = 1.0 - tt  # exact: t is a dyadic rational with at most 52 bits after the point
    with np.errstate(all="ignore"):
        both_zero = (A_hi == 0) & (B_hi == 0)
        d_lo = ulp_down(A_lo - B_hi)
        d_hi = ulp_up(A_hi - B_lo)
        sq_lo, sq_hi = ulp_up(d_lo * d_lo), ulp_up(d_hi * d_hi)
        d2_hi = np.maximum(sq_lo, sq_hi)
        d2_lo = np.where(d_lo > 0, ulp_down(d_lo * d_lo), np.where(d_hi < 0, ulp_down(d_hi * d_hi), 0.0))
        u_lo = ulp_down(ulp_down(tt * A_lo) + ulp_down(ss * B_lo))
        u_hi = ulp_up(ulp_up(tt * A_hi) + ulp_up(ss * B_hi))
        ok = u_lo > 0
        g_terms = np.where(both_zero, 0.0, np.where(ok, ulp_up(d2_hi / np.where(ok, u_lo, 1.0)), np.inf))
        g_sum = g_terms.sum(axis=1)
        g_sum = ulp_up(g_sum + ulp_up(gamma * g_sum))
        g_up = ulp_up(ulp_up(t * (1.0 - t)) * g_sum)
        t2_lo, t2_hi = ulp_down(tt * tt), ulp_up(tt * tt)
        s2_lo, s2_hi = ulp_down(ss * ss), ulp_up(ss * ss)
        w_lo = ulp_down(ulp_down(B_lo * s2_lo) - ulp_up(A_hi * t2_hi))
        w_hi = ulp_up(ulp_up(B_hi * s2_hi) - ulp_down(A_lo * t2_lo))
        u2_lo = ulp_down(u_lo * u_lo)
        u2_hi = ulp_up(u_hi * u_hi)
        ok2 = ok & (u2_lo > 0)
        safe_lo = np.where(ok2, u2_lo, 1.0)
        hi_pos = ulp_up(ulp_up(d2_hi * w_hi) / safe_lo)
        hi_neg = ulp_up(ulp_up(d2_lo * w_hi) / u2_hi)
        p_hi = np.where(w_hi >= 0, hi_pos, hi_neg)
        lo_neg = ulp_down(ulp_down(d2_hi * w_lo) / safe_lo)
        lo_pos = ulp_down(ulp_down(d2_lo * w_lo) / u2_hi)
        p_lo = np.where(w_lo < 0, lo_neg, lo_pos)
        p_hi = np.where(both_zero, 0.0, np.where(ok2, p_hi, np.inf))
        p_lo = np.where(both_zero, 0.0, np.where(ok2, p_lo, -np.inf))
        s_hi = ulp_up(p_hi.sum(axis=1) + ulp_up(gamma * np.abs(p_hi).sum(axis=1)))
        s_lo = ulp_down(p_lo.sum(axis=1) - ulp_up(gamma * np.abs(p_lo).sum(axis=1)))
        right = ulp_up(s_hi * (1.0 - t))
        left = ulp_up(-s_lo * t)
        out = ulp_up(g_up + np.maximum(right, left))
    return np.where(np.isfinite(out), out, np.inf)


def _float_residuals(rows: Sequence[Sequence[Fraction]], F: np.ndarray) -> np.ndarray:
    """``rows - F`` (exact rows minus their nearest floats), as floats."""
    return np.array([[float(x - Fraction(v)) for v, x in zip(fr, r)] for fr, r in zip(F.tolist(), rows)],
                    dtype=np.float64).reshape(F.shape)


def _float_differences(F: np.ndarray, R: np.ndarray, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Rows ``I`` minus rows ``J`` of the exact matrix ``F + R`` in floats: ``F_i - F_j`` is exact for close
    entries (Sterbenz), and the residuals carry what rounding to ``F`` dropped, so rows that differ by less than
    a float's precision (a BSC(1/2 - 10^-19)) keep their difference instead of reading as equal."""
    return (F[I] - F[J]) + (R[I] - R[J])


def _float_enclosure(rows: Sequence[Sequence[Fraction]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest floats of exact rows and an enclosure ``[lo, hi]`` of each entry (exact zeros stay 0)."""
    F = np.array([[x.numerator / x.denominator for x in r] for r in rows], dtype=np.float64)
    exact = np.array([[Fraction(v) == x for v, x in zip(fr, r)] for fr, r in zip(F.tolist(), rows)])
    lo = np.where(exact, F, ulp_down(F))
    hi = np.where(exact, F, ulp_up(F))
    return F, np.maximum(lo, 0.0), hi


def pairs_sup(rows: Sequence[Sequence[Fraction]], float_rows: np.ndarray | None = None,
              support: Sequence[int] | None = None, *, tol: float = 1e-14,
              chunk: int = 4096) -> tuple[Fraction, Fraction, PairSup | None]:
    """Certified ``[lower, upper]`` on ``sup_P η_χ²(P, K)`` over inputs on ``support`` (two-point reduction).

    Float search on every pair; exact rational certificates on the pairs that can matter. A pair is set
    aside without exact work only when a rigorous float-interval bound (:func:`_tangent_upper_intervals`)
    puts its supremum at or below the certified lower end. Returns ``(lower, upper, best_pair)``;
    ``best_pair`` is ``None`` when fewer than two distinct inputs (then the bracket is ``[0, 0]``).
    ``tol`` no longer steers anything (each pair's width is set by the kernel's bound, see :func:`pair_sup`);
    it stays until :mod:`derive.channels.coefficients` stops passing it.
    """
    idx = list(range(len(rows))) if support is None else list(support)
    pairs = [(idx[u], idx[v]) for u in range(len(idx)) for v in range(u + 1, len(idx))
             if rows[idx[u]] != rows[idx[v]]]
    if not pairs:
        return Fraction(0), Fraction(0), None
    F, F_lo, F_hi = _float_enclosure(rows)
    R = _float_residuals(rows, F)
    I = np.array([p[0] for p in pairs])
    J = np.array([p[1] for p in pairs])
    n = len(pairs)
    coarse = n > 64  # many pairs: a coarse search first, full precision only where it can matter
    t_star = np.empty(n)
    g_star = np.empty(n)
    for c in range(0, n, chunk):
        sl = slice(c, c + chunk)
        t_star[sl], g_star[sl] = _float_argmax(F[I[sl]], F[J[sl]], iters=18 if coarse else 46,
                                               D=_float_differences(F, R, I[sl], J[sl]))
    t_star = np.array([float(_dyadic(float(t))) for t in t_star])
    order = np.argsort(-g_star)

    def exact(k: int, threshold: Fraction | None) -> PairSup:
        t = float(t_star[k])
        if coarse:
            t = float(_float_argmax(F[I[k:k + 1]], F[J[k:k + 1]], D=_float_differences(F, R, I[k:k + 1],
                                                                                         J[k:k + 1]))[0][0])
        return pair_sup(rows[I[k]], rows[J[k]], t, i=int(I[k]), j=int(J[k]), threshold=threshold)

    first = exact(int(order[0]), None)
    lower, best = first.lower, first
    uppers = [first.upper]
    if n > 1:
        bound = np.empty(n)
        for c in range(0, n, chunk):
            sl = slice(c, c + chunk)
            bound[sl] = _tangent_upper_intervals(F_lo[I[sl]], F_hi[I[sl]], F_lo[J[sl]], F_hi[J[sl]], t_star[sl])
        lower_f = float(lower)
        for k in order[1:]:
            k = int(k)
            if bound[k] <= lower_f and Fraction(bound[k]) <= lower:
                continue  # rigorous: sup of this pair <= bound <= lower
            ps = exact(k, lower)
            uppers.append(ps.upper)
            if ps.lower > lower:
                lower, best, lower_f = ps.lower, ps, float(ps.lower)
    upper = max([lower, *uppers])
    return lower, upper, best


# ----------------------------------------------------------------------------- fixed binary input

@dataclass
class BinaryKL:
    """Certified ``lower <= η_KL(P, K) <= upper`` for ``P = p δ_a + (1 - p) δ_b``.

    ``lower_from`` is ``"chi2"`` (``g(p) = η_χ²(P, K)``, a theorem) or ``"witness"`` (then ``witness_q`` is the
    weight on ``a`` of the witness ``Q``, whose ratio ``D(QK||PK)/D(Q||P)`` was enclosed rigorously);
    ``upper_from`` is ``"certificate"`` (``F_c >= 0`` checked, see :func:`binary_kl_bracket`) or
    ``"input-free"`` (the pair's certified ``sup_t g``).
    """

    lower: Fraction
    upper: Fraction
    lower_from: str
    witness_q: Fraction | None
    chi2: Fraction
    upper_from: str
    checks: int


class _Side:
    """The side ``q > p`` of ``F_c(q) = c D(Q||P) - D(QK||PK)``, ``Q = q δ_a + (1 - q) δ_b`` (mirror the rows
    and ``p`` for the side ``q < p``)."""

    def __init__(self, a: Sequence[Fraction], b: Sequence[Fraction], p: Fraction) -> None:
        self.a, self.b, self.p = list(a), list(b), p
        self.py = [y + p * (x - y) for x, y in zip(a, b)]
        self.log_py = [iv_log(iv(v)) if v > 0 else None for v in self.py]
        self.log_p = iv_log(iv(p))
        self.log_1p = iv_log(iv(1 - p))
        self.terms = pair_terms(a, b)
        self.cache: dict[Fraction, tuple[Any, Any, Any, Any]] = {}
        self.fa = np.array([float(x) for x in a])
        self.fb = np.array([float(x) for x in b])
        self.fd = np.array([[float(x - y) for x, y in zip(a, b)]])   # exact differences, rounded once

    def at(self, q: Fraction) -> tuple[Any, Any, Any, Any]:
        """Enclosures of ``N(q) = D(QK||PK)``, ``N'(q)``, ``Dn(q) = D(Q||P)``, ``Dn'(q)`` (``None`` at ``q = 1``)."""
        hit = self.cache.get(q)
        if hit is not None:
            return hit
        n = iv(Fraction(0))
        dn_ = iv(Fraction(0))
        for x, y, lpy in zip(self.a, self.b, self.log_py):
            qy = y + q * (x - y)
            if qy > 0:
                lq = iv_log(iv(qy)) - lpy
                n = n + iv(qy) * lq
                if x != y:
                    dn_ = dn_ + iv(x - y) * lq
        qi = iv(q)
        dn = qi * (iv_log(qi) - self.log_p)
        if q < 1:
            ri = iv(1 - q)
            dn = dn + ri * (iv_log(ri) - self.log_1p)
            slope = iv_log(iv(q * (1 - self.p) / (self.p * (1 - q))))
        else:
            slope = None
        out = (n, dn_, dn, slope)
        self.cache[q] = out
        return out

    def ratio_lower(self, q: Fraction) -> Fraction:
        n, _, dn, _ = self.at(q)
        return iv_lower(n / dn)

    def g(self, t: Fraction) -> Fraction:
        return g_exact(self.terms, t)

    def F(self, c: Fraction, q: Fraction) -> Any:
        n, _, dn, _ = self.at(q)
        return iv(c) * dn - n

    def Fp(self, c: Fraction, q: Fraction) -> Any:
        _, n_, _, slope = self.at(q)
        return iv(c) * slope - n_

    def check(self, c: Fraction) -> bool:
        """True only if ``F_c(q) >= 0`` for every ``q`` in ``[p, 1]`` is certified.

        ``F_c(p) = F_c'(p) = 0`` and ``F_c'' = (c - g) / (t (1 - t))``; with g concave, ``{g > c}`` is an
        interval ``(t-, t+)``, so ``F_c`` is convex on ``[p, t-]``, concave on ``[t-, t+]`` and convex on
        ``[t+, 1]``; its minimum over ``[p, 1]`` is therefore ``>= min(0, min_{[t+, 1]} F_c)``.
        """
        p = self.p
        g0, g1 = endpoint_limits(self.a, self.b)
        # 1. is g <= c on the whole side? (then F_c is convex with F_c(p) = F_c'(p) = 0)
        fa, fb = self.fa[None, :], self.fb[None, :]
        t_all, _ = _float_argmax(fa, fb, D=self.fd)
        tm = max(float(t_all[0]), float(p))
        lines = [(p, self.g(p), g_prime_exact(self.terms, p))]
        tq = _dyadic(tm, 62)
        if p < tq < 1:
            lines.append((tq, self.g(tq), g_prime_exact(self.terms, tq)))
        if lines[0][2] <= 0 and lines[0][1] <= c:
            return True  # g decreasing on [p, 1] and g(p) <= c
        if tangent_envelope_max(lines, p, Fraction(1)) <= c:
            return True
        # 2. t+ = the right end of {g > c}
        if g1 >= c:
            t_hi = Fraction(1)
            t_lo = None
        else:
            lo = tq if p < tq < 1 and self.g(tq) > c else None
            if lo is None:
                return False  # cannot place {g > c}: give up (the caller falls back)
            hi = Fraction(1)
            for _ in range(72):  # exact bisection: g(lo) > c, g(hi-) < c
                mid = (lo + hi) / 2
                if self.g(mid) > c:
                    lo = mid
                else:
                    hi = mid
            t_lo, t_hi = lo, hi
        if t_hi == 1:
            # F_c concave on [t-, 1]: its minimum there is at an end; F_c(t-) >= 0 (increasing before t-)
            return iv_lower(self.F(c, Fraction(1))) >= 0
        # 3. on [t_lo, t_hi] (contains t+): F_c'' >= -kappa, kappa = (max g - c) / min t (1 - t) there
        h = t_hi - t_lo
        g_top = tangent_envelope_max([(t, self.g(t), g_prime_exact(self.terms, t)) for t in (t_lo, t_hi)], t_lo, t_hi)
        kappa = max(Fraction(0), g_top - c) / min(t_lo * (1 - t_lo), t_hi * (1 - t_hi))
        f_lo = iv_lower(self.F(c, t_lo))
        fp_lo = iv_lower(self.Fp(c, t_lo))
        if f_lo + min(Fraction(0), fp_lo) * h - kappa * h * h / 2 < 0:
            return False
        # 4. F_c convex on [t_hi, 1]: locate its minimum by the sign of F_c'
        if iv_lower(self.Fp(c, t_hi)) >= 0:
            return iv_lower(self.F(c, t_hi)) >= 0
        lo, hi = t_hi, Fraction(1)
        for _ in range(80):
            mid = (lo + hi) / 2
            if iv_upper(self.Fp(c, mid)) <= 0:
                lo = mid
            else:
                hi = mid
            if hi - lo < Fraction(1, 1 << 70):
                break
        qa = lo  # F_c'(qa) <= 0 certified (or qa = t_hi, also certified above)
        fa_ = iv_lower(self.F(c, qa))
        fpa = iv_lower(self.Fp(c, qa))
        # the minimum over [t_hi, 1] is >= F(qa) + F'(qa) (qb - qa) for any qb with F'(qb) >= 0
        qb = hi
        while qb < 1 and iv_lower(self.Fp(c, qb)) < 0:
            qb = (qb + 1) / 2
            if 1 - qb < Fraction(1, 1 << 80):
                return False
        if qb >= 1:
            return False
        return fa_ + min(Fraction(0), fpa) * (qb - qa) >= 0


def _best_witness(side: _Side) -> tuple[Fraction, Fraction | None]:
    """The best certified ratio ``D(QK||PK)/D(Q||P)`` over ``q > p`` found by a search on rigorous
    enclosures: a grid geometric in ``q - p`` (and ``q = 1``), then golden-section refinement."""
    p = side.p
    span = 1 - p
    if span <= 0:
        return Fraction(-1), None

    def point(k: int, n: int = 1 << 62) -> Fraction:
        return p + span * Fraction(k, n)

    def val(q: Fraction) -> float:
        n, _, dn, _ = side.at(q)
        try:
            return float(iv_lower(n / dn))
        except ArithmeticError:  # D(Q||P)'s enclosure holds 0 (q next to a tiny p): no witness at this q
            return float("-inf")

    grid = [Fraction(1)] + [p + span * Fraction(1, 2 ** k) * Fraction(3, 4) ** j
                            for k in range(0, 40, 2) for j in (0, 1)]
    grid = sorted(set(g for g in grid if p < g <= 1))
    vals = [val(q) for q in grid]
    k = max(range(len(grid)), key=lambda i: vals[i])
    best_q, best_v = grid[k], vals[k]
    lo = grid[k - 1] if k > 0 else p + (grid[0] - p) / 2
    hi = grid[k + 1] if k + 1 < len(grid) else grid[k]
    phi = Fraction(618034, 1000000)
    x1, x2 = hi - phi * (hi - lo), lo + phi * (hi - lo)
    v1, v2 = val(x1), val(x2)
    for _ in range(60):
        if hi - lo < Fraction(1, 1 << 50) * span:
            break
        if v1 >= v2:
            hi, x2, v2 = x2, x1, v1
            x1 = _round_q(hi - phi * (hi - lo))
            v1 = val(x1)
        else:
            lo, x1, v1 = x1, x2, v2
            x2 = _round_q(lo + phi * (hi - lo))
            v2 = val(x2)
        for x, v in ((x1, v1), (x2, v2)):
            if v > best_v:
                best_q, best_v = x, v
    if best_v == float("-inf"):  # no point with a finite enclosure: no witness (the chi2 lower end stands)
        return Fraction(-1), None
    return side.ratio_lower(best_q), best_q


def _round_q(x: Fraction) -> Fraction:
    """``x`` rounded to a multiple of ``2^-80`` (keeps the exact arithmetic small)."""
    n = 1 << 80
    return Fraction(round(x * n), n)


def _float_ratio_max(a: np.ndarray, b: np.ndarray, p: float) -> float | None:
    """A float maximizer ``q > p`` of ``D(QK||PK) / D(Q||P)`` (untrusted: it only seeds the search):
    the best of a grid geometric in ``q - p``, refined by golden-section search."""
    d = a - b
    py = b + p * d

    def ratio(q: np.ndarray) -> np.ndarray:
        qy = b[None, :] + q[:, None] * d[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.nansum(np.where(qy > 0, qy * np.log(qy / py[None, :]), 0.0), axis=1)
            r = np.where(q < 1, (1 - q) * np.log((1 - q) / (1 - p)), 0.0)
            dn = q * np.log(q / p) + np.nan_to_num(r)
            return np.where(dn > 1e-13, n / dn, 0.0)

    span = 1 - p
    if span <= 0:
        return None
    grid = p + span * np.geomspace(1e-5, 1.0, 400)
    vals = ratio(grid)
    k = int(np.argmax(vals))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    phi = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        x1 = hi - phi * (hi - lo)
        x2 = lo + phi * (hi - lo)
        v1, v2 = ratio(np.array([x1, x2]))
        if v1 >= v2:
            hi = x2
        else:
            lo = x1
    q = (lo + hi) / 2
    return float(q) if np.isfinite(q) and p < q <= 1 else None


def binary_kl_bracket(a: Sequence[Fraction], b: Sequence[Fraction], p: Fraction, *,
                      tol: float = 1e-12) -> BinaryKL:
    """Certified bracket on ``η_KL(P, K)`` for ``P = p δ_a + (1 - p) δ_b`` with ``0 < p < 1``.

    Lower end: ``max(η_χ²(P, K), D(QK||PK)/D(Q||P))`` for the best witness ``Q`` found (both sides of p).
    Upper end: the smallest ``c = lower + δ`` (``δ = tol, 100 tol, ...``) for which
    ``F_c(q) = c D(Q||P) - D(QK||PK) >= 0`` is certified on both sides (:meth:`_Side.check`), which is
    exactly ``η_KL(P, K) <= c``; else the pair's certified input-free ``sup_t g`` (always valid).
    """
    a = [Fraction(x) for x in a]
    b = [Fraction(x) for x in b]
    p = Fraction(p)
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    terms = pair_terms(a, b)
    if not terms:
        return BinaryKL(Fraction(0), Fraction(0), "chi2", None, Fraction(0), "certificate", 0)
    chi2 = g_exact(terms, p)
    lower, lower_from, wq = chi2, "chi2", None
    sides = [(_Side(a, b, p), False), (_Side(b, a, 1 - p), True)]
    for side, mirrored in sides:
        r, q = _best_witness(side)
        if q is not None and r > lower:
            lower, lower_from, wq = r, "witness", (1 - q if mirrored else q)
    ps = pair_sup(a, b)
    checks = 0
    delta = Fraction(tol) if tol > 0 else Fraction(1, 10 ** 12)
    while lower + delta < ps.upper:
        c = lower + delta
        checks += 1
        if all(side.check(c) for side, _ in sides):
            return BinaryKL(lower, c, lower_from, wq, chi2, "certificate", checks)
        delta *= 100
    return BinaryKL(lower, max(ps.upper, lower), lower_from, wq, chi2, "input-free", checks)
