r"""An exact, kernel-checked upper bound on the input-free ``η_KL(K)`` of a finite numeric channel.

**Theorem chain** (each step a theorem; all arithmetic below is exact rational):

1. ``η_KL(K) = sup_P η_χ²(P, K)`` — the input-free KL and χ² contraction coefficients coincide
   (Ahlswede & Gács 1976; Polyanskiy & Wu 2017, Theorem 3.3).
2. ``sup_P η_χ²(P, K) = max_{x ≠ x'} sup_{0<t<1} g_{x,x'}(t)`` — the supremum is reached on inputs
   supported on two symbols. Proof: ``η_χ²(P, K) <= c`` iff ``Var_P(Kw) <= c·E_P[K(w²)]`` for every
   ``w: Y → R`` (Rényi's maximal correlation, ``w`` shifted to ``E[w(Y)] = 0``). For fixed ``w``,
   ``F(P) = Σ_x P_x (h_x² − c s_x) − (Σ_x P_x h_x)²`` (``h = Kw``, ``s = K(w²)``) is linear on each
   slice ``{Σ_x P_x h_x = μ}`` of the simplex, whose vertices lie on edges of the simplex; so
   ``F <= 0`` everywhere iff on two-point inputs. ∎
3. For the rows ``a = K(·|x)``, ``b = K(·|x')`` and ``d = a − b``, the binary-input coefficient is
   ``g(t) = t(1 − t) Σ_y d_y² / (b_y + t d_y)``; each term is ``d_y²`` times the parallel sum of
   ``t/b_y`` and ``(1 − t)/a_y``, which is concave, so **g is concave** on ``[0, 1]`` and every
   tangent line lies above it. The lower envelope of a few tangents (exact slopes ``g'``) is a
   piecewise-linear upper bound whose maximum is attained at ``0``, ``1`` or a crossing point.
4. Also ``η_KL(K) <= η_TV(K) <= 1`` (Dobrushin; Cohen, Kemperman & Zbăganu 1998); the pair bound is
   clipped at ``TV(a, b)``.

The tangent points are found here by exact bisection on the sign of ``g'`` (g' decreases), so no
untrusted input is involved; when a dyadic point, or a simple fraction inside the last bracket, has
``g' = 0`` (e.g. ``t = 1/2`` for symmetric channels) the bound is exact — for ``BSC(p)`` with
rational ``p`` it is ``(1 − 2p)²``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import sympy

__all__ = ["MAX_INPUTS", "BISECTION_STEPS", "numeric_rows", "eta_kl_upper_bound", "pair_chi2_upper_bound"]

#: Channels with more input symbols than this are not tried (pairs grow quadratically).
MAX_INPUTS = 24
#: Exact bisection steps on ``g'`` per pair (the slack then is about ``|g''|·4^-steps``).
BISECTION_STEPS = 34
#: Entries with more digits than this are not tried (exact arithmetic would crawl).
MAX_DIGITS = 60


def numeric_rows(rows: Sequence[Sequence[sympy.Expr]]) -> list[list[Fraction]] | None:
    """The rows as exact ``Fraction``s when every entry is a rational number; else ``None``."""
    out: list[list[Fraction]] = []
    for row in rows:
        r: list[Fraction] = []
        for v in row:
            if not isinstance(v, sympy.Rational):  # floats are not exact: no certificate
                return None
            if len(str(v.p)) > MAX_DIGITS or len(str(v.q)) > MAX_DIGITS:
                return None
            r.append(Fraction(int(v.p), int(v.q)))
        out.append(r)
    return out


def _g(terms: list[tuple[Fraction, Fraction]], t: Fraction) -> Fraction:
    """``g(t) = t (1 - t) Σ d² / (b + t d)``."""
    return t * (1 - t) * sum((d * d / (b + t * d) for b, d in terms), Fraction(0))


def _g_prime(terms: list[tuple[Fraction, Fraction]], t: Fraction) -> Fraction:
    """``g'(t) = Σ d² (b (1 - t)² - (b + d) t²) / (b + t d)²``."""
    s = Fraction(0)
    for b, d in terms:
        u = b + t * d
        s += d * d * (b * (1 - t) ** 2 - (b + d) * t * t) / (u * u)
    return s


def _envelope_max(lines: list[tuple[Fraction, Fraction, Fraction]]) -> Fraction:
    """``max_{0<=t<=1} min_i (g_i + s_i (t - t_i))`` over lines ``(t_i, g_i, s_i)``."""
    def env(t: Fraction) -> Fraction:
        return min(g + s * (t - ti) for ti, g, s in lines)

    cands = [Fraction(0), Fraction(1)]
    for i, (ti, gi, si) in enumerate(lines):
        for tj, gj, sj in lines[i + 1:]:
            if si != sj:
                t = (gj - gi + si * ti - sj * tj) / (si - sj)
                if 0 < t < 1:
                    cands.append(t)
    return max(env(t) for t in cands)


def pair_chi2_upper_bound(a: Sequence[Fraction], b: Sequence[Fraction], steps: int = BISECTION_STEPS,
                          enough: Fraction | None = None) -> Fraction:
    """An exact ``u >= sup_{0<t<1} η_χ²(t δ_x + (1 - t) δ_x', K)`` for the rows ``a = K(·|x)``, ``b = K(·|x')``.

    Refinement stops early once the bound is ``<= enough`` (it is then good enough for the caller).
    """
    terms = [(y, x - y) for x, y in zip(a, b) if x != y]
    if not terms:
        return Fraction(0)
    tv = sum((abs(x - y) for x, y in zip(a, b)), Fraction(0)) / 2
    if enough is not None and tv <= enough:
        return tv
    lo, hi = Fraction(0), Fraction(1)
    left = right = None  # the tangents at the last points left and right of the maximizer
    lines: list[tuple[Fraction, Fraction, Fraction]] = []
    for _ in range(steps):
        t = (lo + hi) / 2
        s = _g_prime(terms, t)
        line = (t, _g(terms, t), s)
        if s == 0:  # the maximum itself: the flat tangent is exact
            return min(line[1], tv, Fraction(1))
        if s > 0:
            lo, left = t, line
        else:
            hi, right = t, line
        if enough is not None and left is not None and right is not None and _envelope_max([left, right]) <= enough:
            break
    if left is not None and right is not None:
        simple = ((lo + hi) / 2).limit_denominator(10_000)  # a simple maximizer (4/7, ...) is exact
        if lo <= simple <= hi and _g_prime(terms, simple) == 0:
            return min(_g(terms, simple), tv, Fraction(1))
    lines = [ln for ln in (left, right) if ln is not None]
    return min(_envelope_max(lines), tv, Fraction(1))


def eta_kl_upper_bound(rows: Sequence[Sequence[Fraction]], enough: Fraction | None = None) -> Fraction | None:
    """An exact ``u >= η_KL(K) = max_{x ≠ x'} sup_t g_{x,x'}(t)`` (module docstring); ``None`` if too large.

    With ``enough``, pairs are refined only until their bound is ``<= max(enough, best so far)``: the
    result is still a valid upper bound, and ``<= enough`` whenever refinement can get there.
    """
    if not rows or len(rows) > MAX_INPUTS:
        return None
    best = Fraction(0)
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            target = best if enough is None else max(best, enough)
            best = max(best, pair_chi2_upper_bound(rows[i], rows[j], enough=target))
    return best
