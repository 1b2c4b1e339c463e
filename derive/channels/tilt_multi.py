r"""Certified ``η_KL(P, K)`` for channels with **q = 3 or 4 outputs**, any number of inputs: a branch and bound
over the mean of the tilted output law.

Notation: ``F(x) = K(· | x)`` (a point of the probability simplex ``Δ_q``); ``P`` the input (only its support
counts); ``p̄ = E_P F = PK``; coordinates ``μ' = (μ_1, …, μ_{q−1})`` of a point ``μ ∈ Δ_q`` (``μ_q = 1 − Σ μ'``);
``Λ(λ) = log E_P e^{⟨λ, F'⟩}`` for ``λ ∈ R^{q−1}``; ``Σ = Cov_P(F')`` (assumed invertible: ``F`` spans a
``(q − 1)``-dimensional affine set, else this route declines); all logarithms natural.

**1. Reduction to the output mean.** ``D(QK || PK) = D(μ || p̄)`` with ``μ = E_Q F`` depends on ``Q`` only through
``μ``, and ``min {D(Q || P) : E_Q F = μ} = Λ*(μ) = sup_λ ⟨λ, μ'⟩ − Λ(λ)`` (Csiszár's I-projection: the minimizer is
the tilt ``Q_λ ∝ P e^{⟨λ, F'⟩}``; ``Λ* = +∞`` off the convex hull of the ``F(x)``). Hence

    η_KL(P, K) = sup_{μ ∈ Δ_q, μ ≠ p̄} R(μ),   R(μ) = D(μ || p̄) / Λ*(μ),

a ``(q − 1)``-dimensional problem for any number of inputs (the ``(q − 1)``-dimensional tilt of the issue, in the
coordinates of its mean: ``μ = E_{Q_λ} F``).

**2. Cells away from p̄ (concave minorant).** For a simplex cell ``C ⊂ Δ_q`` and any ``λ``,
``L_λ(μ) = ⟨λ, μ'⟩ − Λ(λ) <= Λ*(μ)`` (Fenchel–Young). For ``c >= 0`` the function ``c L_λ − D(· || p̄)`` is concave
(linear minus convex), so its minimum over ``C`` is at a vertex; if every vertex ``v`` has ``L_λ(v) > 0`` then with
``c = max_v D(v || p̄) / L_λ(v)`` it is ``>= 0`` on ``C``, i.e. ``D(μ || p̄) <= c L_λ(μ) <= c Λ*(μ)``:
**sup_C R <= max_v D(v || p̄) / L_λ(v)**. ``λ`` is the (numerically found) dual point of the cell's centroid, so
``L_λ`` is tangent to ``Λ*`` there and the bound is accurate to second order in the cell size (no certification
of ``λ`` is needed: every ``λ`` gives a valid bound).

**3. Cells at p̄ (local expansion).** Let ``C = conv(p̄, p̄ + w_1, …, p̄ + w_{q−1})`` and ``δ = μ − p̄ = Σ a_i w_i``,
``s = Σ a_i <= 1``. With ``λ = Σ^{-1} δ'``: ``⟨λ, δ'⟩ = λᵀ Σ λ = Q(δ) := δ'ᵀ Σ^{-1} δ'``, and the centred cumulant
generating function of ``Z = ⟨λ, F' − p̄'⟩`` (mean 0, variance ``Q``, range ``ω(δ) = max_x Z − min_x Z``) has
third derivative at most ``ω · Var <= ω³/4`` under every tilt (Popoviciu), so ``Λ*(μ) >= Q(δ)/2 − ω(δ)³/24``.
With ``e_y = δ_y / p̄_y`` (``Σ p̄_y e_y = 0``) and ``(1 + e) log(1 + e) − e <= e²/2 + [e < 0] |e|³/(6(1 + e))``:
``D(μ || p̄) <= X(δ)/2 + E(δ)``, ``X(δ) = Σ_y δ_y² / p̄_y`` (the χ² form), ``E(δ) = Σ_{e_y < 0} p̄_y |e_y|³/(6(1 + e_y))``.
So ``c Λ* − D >= (c Q − X)(δ)/2 − c ω³/24 − E``. The quadratic part is ``Σ a_i a_j G_ij >= s² min_ij G_ij`` with
``G_ij = c A_ij − B_ij``, ``A_ij = w_i'ᵀ Σ^{-1} w_j'``, ``B_ij = Σ_y w_iy w_jy / p̄_y`` (when ``min G_ij >= 0``);
``ω`` is convex and positively homogeneous, and ``E(s δ) <= s³ E(δ)`` with ``E`` convex, so the cubic part is at most
``s³ (c W³/24 + E_max)`` with ``W = max_i ω(w_i)``, ``E_max = max_i E(w_i)``. Hence ``R <= c`` on ``C`` whenever
``c (A_ij/2 − W³/24) >= B_ij/2 + E_max`` for all ``i, j``: **sup_C R <= max_ij (B_ij/2 + E_max)/(A_ij/2 − W³/24)**
(infinite unless every ``A_ij/2 > W³/24``). As the cell shrinks this tends to the largest χ² ratio
``X/Q`` over its directions, whose sup over all directions is ``η_χ²(P, K)``.

**4. The cover.** The simplex ``{μ ∈ Δ_q : μ_y >= min_x F(x)_y}`` (which contains the hull of the ``F(x)``, hence
every ``μ`` with ``Λ*(μ) < ∞``) is star-triangulated from ``p̄`` (the ``q`` cells ``conv(p̄, facet)``), cells are bisected
at the midpoint of their longest edge (exact rational vertices, so the children cover the parent exactly), best
bound first, until every cell's bound is ``<=`` the target (lower end plus ``slack``) or the work budget ends; the
upper end is the largest bound left, valid whenever the search stops. **Lower end:** the largest of ``η_χ²``'s
Rayleigh quotient at a float test direction (``X(δ)/Q(δ)``, a certified lower bound of η_χ² <= η_KL), ``R`` at the
best tilt ``Q_λ`` met (``D(μ_λ || p̄)/D(Q_λ || P)``), and ``R`` at ``P`` conditioned on one input
(``D(F(x) || p̄)/(−log P(x))``), all enclosed in arb balls. **What this route does not do:** certify
``η_KL = η_χ²`` exactly (the local expansion of §3 always leaves a cubic excess, so the upper end is
``η_χ² + slack`` at best, never ``η_χ²``), and ``Σ`` singular (``F`` on a lower-dimensional set).

**Arithmetic.** Cell vertices are exact rationals; ``p̄`` is an exact rational supplied by the caller (the true mean
of the problem: for a backward channel it is the prior); ``D(v || p̄)``, ``B``, ``E`` are evaluated exactly or in arb
balls; ``Σ^{-1}`` in arb from the entries as balls of relative radius ``2^-53 + input_rel``; ``Λ(λ)`` in float64 with
an outward margin (:func:`_log_mgf_upper`: exponents off by at most ``|λ|_1 (input_rel + 11 u) 1.01``, each term of
the positive sum by ``4u``, the sum by ``(k + 8) u``, the entries of ``P`` by ``input_rel + u``, ``log`` by ``2^-50``
relative); ``ω`` likewise (:func:`_omega_upper`).
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from derive.channels.budget import WorkBudget, as_budget
from derive.numeric.exact import float_down, float_up

try:
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a declared dependency
    _flint = None

__all__ = ["MultiBracket", "eta_kl_multi", "eta_kl_multi_rational", "MULTI_BUDGET", "MAX_OUTPUTS"]

#: Default budget (nominal seconds of counted work, :mod:`derive.channels.budget`) of one branch and bound.
MULTI_BUDGET = 2.0
#: The route handles channels with at most this many (live) outputs.
MAX_OUTPUTS = 4
_U = 2.0 ** -53
_INF = math.inf
_PREC = 128
#: Cells split per round of the search (their children's dual points are found together, vectorized).
_BATCH = 32
#: Work units (derive.channels.budget) of a child cell's central bound, of a child's dual point and minorant, and of
#: each type in that evaluation, for q = 3 outputs; times (q - 2)^2 for q outputs (4 x for q = 4, measured 4.3 x).
CHILD_UNITS, NEED_UNITS, TYPE_UNITS = 900, 3000, 6


@dataclass(frozen=True)
class MultiBracket:
    """``lower <= η_KL(P, K) <= upper`` (``upper`` is ``None`` when the search left a cell without a finite bound)."""

    lower: Fraction
    upper: Fraction | None
    chi2_lower: Fraction
    lower_how: str
    upper_how: str
    route: str
    cells: int
    seconds: float
    converged: bool
    witness_lambda: tuple[float, ...] | None = None


def _arb(x: Any, rel: float = 0.0) -> Any:
    if isinstance(x, Fraction):
        b = _flint.arb(_flint.fmpq(x.numerator, x.denominator))
    else:
        b = _flint.arb(float(x))
    if rel:
        b = _flint.arb(b.mid(), b.rad() + abs(float(x)) * rel)
    return b


def _arb_hi(b: Any) -> float:
    if not b.is_finite():
        return _INF
    return float_up(_arbf(b.upper()))


def _arb_lo(b: Any) -> float:
    if not b.is_finite():
        return -_INF
    return float_down(_arbf(b.lower()))


def _arbf(v: Any) -> Fraction:
    man, exp = v.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * (1 << exp)) if exp >= 0 else Fraction(man, 1 << -exp)


def _log_mgf_upper(Fr: np.ndarray, P: np.ndarray, lam: np.ndarray, rel: float) -> Fraction | None:
    """An upper bound on ``Λ(λ) = log Σ_x P(x) e^{⟨λ, F'(x)⟩}`` for the exact entries within relative ``rel`` of the
    floats ``Fr`` (entries in [0, 1]), ``P`` (module docstring, Arithmetic); ``None`` on float overflow."""
    e = Fr @ lam
    M = float(e.max())
    S = float((P * np.exp(e - M)).sum())
    k = len(P)
    l1 = float(np.abs(lam).sum())
    a = l1 * (rel + 11 * _U) * 1.01
    margin = 2 * a + (k + 8) * _U + 4 * _U + 1.01 * rel
    if not (S > 0 and math.isfinite(S) and math.isfinite(M) and math.isfinite(margin)):
        return None
    ls = math.log(S)
    margin += 2.0 ** -50 * (abs(ls) + 1)
    return Fraction(M) + Fraction(ls) + Fraction(margin) * Fraction(101, 100)


def _omega_upper(Fr: np.ndarray, lam_mid: np.ndarray, lam_rad: np.ndarray, rel: float) -> float:
    """An upper bound on ``max_x ⟨λ, F'(x)⟩ − min_x ⟨λ, F'(x)⟩`` for every ``λ`` within ``lam_rad`` of ``lam_mid``."""
    z = Fr @ lam_mid
    l1 = float(np.abs(lam_mid).sum())
    err = l1 * (rel + 8 * _U) * 1.01 + float(lam_rad.sum()) * (1 + rel) * 1.01
    return float_up(Fraction(float(z.max())) - Fraction(float(z.min())) + Fraction(2 * err) * Fraction(101, 100))


class _Problem:
    """The data of one ``η_KL(P, K)`` problem and the evaluations the cover needs."""

    def __init__(self, F: np.ndarray, P: np.ndarray, pbar: Sequence[Fraction], rel: float) -> None:
        self.F, self.P, self.rel = F, P, rel
        self.q = F.shape[1]
        self.Fr = F[:, :-1]
        self.pbar = tuple(pbar)
        self.pbar_f = np.array([float(v) for v in pbar])
        _flint.ctx.prec = _PREC
        r = rel + _U
        pb = [_arb(v) for v in pbar]
        n = self.q - 1
        S = [[_flint.arb(0) for _ in range(n)] for _ in range(n)]
        # Σ = Cov_P(F') = Σ_x P(x) (F'(x) − p̄')(F'(x) − p̄')ᵀ with the exact mean p̄ (entries as balls)
        Fa = [[_arb(v, r) for v in row] for row in self.Fr.tolist()]
        Pa = [_arb(v, r) for v in P.tolist()]
        for px, row in zip(Pa, Fa):
            d = [row[i] - pb[i] for i in range(n)]
            for i in range(n):
                for j in range(i, n):
                    S[i][j] += px * d[i] * d[j]
        for i in range(n):
            for j in range(i):
                S[i][j] = S[j][i]
        self.Sinv = _flint.arb_mat(S).inv()          # raises ZeroDivisionError when not certified invertible
        self.Sigma_f = np.array([[float(S[i][j].mid()) for j in range(n)] for i in range(n)])
        self._vcache: dict[tuple, tuple] = {}           # by _vkey
        self._ccache: dict[frozenset, float] = {}       # cone bounds by the set of _vkey
        eye = np.eye(n)
        self.axis_dirs = [eye[i] for i in range(n)] + [-eye[i] for i in range(n)] + [np.ones(n), -np.ones(n)]

    # -- vertex data ---------------------------------------------------------------------------------------
    def vertex(self, v: tuple[Fraction, ...]) -> tuple:
        """``(D_hi(v || p̄), w = v − p̄, A-vector Σ^{-1} w' (arb), ω_hi(w), E(w) (float up))`` for a vertex ``v``."""
        key = _vkey(v)
        hit = self._vcache.get(key)
        if hit is not None:
            return hit
        _flint.ctx.prec = _PREC
        w = tuple(a - b for a, b in zip(v, self.pbar))
        # D(v || p̄) = Σ p̄_y ((1 + e) log(1 + e) − e), e = w_y / p̄_y: non-negative terms (no cancellation)
        D = _flint.arb(0)
        E = Fraction(0)
        e_inf = False
        for wy, py in zip(w, self.pbar):
            e = wy / py
            if e == 0:
                continue
            ea = _arb(e)
            if e == -1:
                D += _arb(py)
            else:
                D += _arb(py) * ((1 + ea) * ea.log1p() - ea)
            if e < 0:
                t = -e
                if t >= 1:
                    e_inf = True
                else:
                    E += py * t ** 3 / (6 * (1 - t))
        n = self.q - 1
        wb = [_arb(x) for x in w]
        lam = self.Sinv * _flint.arb_mat([[wb[i]] for i in range(n)])
        mid = np.array([float(lam[i, 0].mid()) for i in range(n)])
        rad = np.array([float(lam[i, 0].rad()) for i in range(n)]) + np.abs(mid) * 2 * _U
        om = _omega_upper(self.Fr, mid, rad, self.rel + _U)
        pb = [_arb(x) for x in self.pbar]
        wq = [wb[y] / pb[y] for y in range(self.q)]            # w / p̄, for the χ² form B
        out = (_arb_hi(D), wb, [lam[i, 0] for i in range(n)], om, _INF if e_inf else float_up(E),
               [_arb(x) for x in v], wq)
        self._vcache[key] = out
        return out

    # -- the dual point of a mean --------------------------------------------------------------------------
    def dual(self, mu: np.ndarray, lam0: np.ndarray) -> tuple[np.ndarray, float]:
        """A ``λ`` near ``argmax ⟨λ, μ'⟩ − Λ(λ)`` (damped Newton, float64; any ``λ`` is valid for the bounds) and the
        float estimate of ``R`` at the tilt ``Q_λ``."""
        lam, val, ok = self._newton(mu, lam0)
        if not ok and np.any(lam0):
            lam2, val2, _ = self._newton(mu, np.zeros_like(lam0))
            if val2 > val:
                lam = lam2
        return lam, self._ratio_float(lam)

    def _newton(self, mu: np.ndarray, lam0: np.ndarray) -> tuple[np.ndarray, float, bool]:
        Fr, P = self.Fr, self.P
        lam = lam0.copy()
        ok = False

        def phi(lv: np.ndarray) -> float:
            e = Fr @ lv
            M = e.max()
            return float(lv @ mu - M - math.log((P * np.exp(e - M)).sum()))

        cur = phi(lam)
        for _ in range(25):
            e = Fr @ lam
            w = P * np.exp(e - e.max())
            w /= w.sum()
            m = w @ Fr
            g = mu - m
            if float(np.abs(g).max()) < 1e-10:
                ok = True
                break
            C = (Fr * w[:, None]).T @ Fr - np.outer(m, m)
            try:
                step = np.linalg.solve(C + 1e-13 * np.eye(len(mu)), g)
            except np.linalg.LinAlgError:
                break
            sm = float(np.abs(step).max())
            if sm > 50:
                step *= 50 / sm
            t = 1.0
            while t > 1e-6:
                cand = lam + t * step
                val = phi(cand)
                if val >= cur:
                    lam, cur = cand, val
                    break
                t /= 2
            else:
                break
        return lam, cur, ok

    def dual_many(self, mus: np.ndarray, lam0: np.ndarray, iters: int = 25, retry: bool = True) -> np.ndarray:
        """:meth:`dual` for many means at once (rows of ``mus``; damped Newton, vectorized)."""
        Fr, P = self.Fr, self.P
        n = Fr.shape[1]

        def phi(L: np.ndarray) -> np.ndarray:
            e = L @ Fr.T
            M = e.max(axis=1, keepdims=True)
            return (L * mus).sum(axis=1) - M[:, 0] - np.log((P * np.exp(e - M)).sum(axis=1))

        def phi_rows(L: np.ndarray, mu: np.ndarray) -> np.ndarray:
            e = L @ Fr.T
            M = e.max(axis=1, keepdims=True)
            return (L * mu).sum(axis=1) - M[:, 0] - np.log((P * np.exp(e - M)).sum(axis=1))

        lam = lam0.copy()
        cur = phi(lam)
        active = np.ones(len(mus), dtype=bool)
        done = np.zeros(len(mus), dtype=bool)
        eye = np.eye(n) * 1e-13
        for _ in range(iters):
            if not active.any():
                break
            L = lam[active]
            e = L @ Fr.T
            w = P * np.exp(e - e.max(axis=1, keepdims=True))
            w /= w.sum(axis=1, keepdims=True)
            m = w @ Fr
            g = mus[active] - m
            conv = np.abs(g).max(axis=1) < 1e-10
            C = np.einsum("bk,ki,kj->bij", w, Fr, Fr) - m[:, :, None] * m[:, None, :] + eye
            try:
                step = np.linalg.solve(C, g[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                break
            sm = np.abs(step).max(axis=1, keepdims=True)
            step = np.where(sm > 50, step * 50 / np.maximum(sm, 1e-300), step)
            idx = np.flatnonzero(active)
            t = np.ones(len(idx))
            todo = ~conv
            for _ in range(20):                          # backtracking, on the rows still searching only
                rows = np.flatnonzero(todo)
                if not len(rows):
                    break
                cand = L[rows] + t[rows, None] * step[rows]
                E = cand @ Fr.T
                Mx = E.max(axis=1)
                val = (cand * mus[idx[rows]]).sum(axis=1) - Mx - np.log((P * np.exp(E - Mx[:, None])).sum(axis=1))
                ok = val >= cur[idx[rows]]
                lam[idx[rows[ok]]] = cand[ok]
                cur[idx[rows[ok]]] = val[ok]
                todo[rows[ok]] = False
                t[rows[~ok]] /= 2
            done[idx[conv]] = True
            active[idx[conv | todo]] = False
        if retry and not done.all() and np.any(lam0[~done]):
            bad = np.flatnonzero(~done)
            again = self.dual_many(mus[bad], np.zeros((len(bad), n)), iters, retry=False)
            better = phi_rows(again, mus[bad]) > cur[bad]
            lam[bad[better]] = again[better]
        return lam

    def ratio_float_many(self, lams: np.ndarray) -> np.ndarray:
        """Float estimates of ``R`` at the tilts ``Q_λ`` (rows of ``lams``): only to choose which to certify."""
        e = lams @ self.Fr.T
        M = e.max(axis=1, keepdims=True)
        w = self.P * np.exp(e - M)
        Z = w.sum(axis=1)
        mu = (w @ self.F) / Z[:, None]
        Dq = (lams * (mu[:, :-1])).sum(axis=1) - M[:, 0] - np.log(Z)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(mu > 0, mu * np.log(mu / self.pbar_f), 0.0)
            return np.where(Dq > 1e-12, t.sum(axis=1) / Dq, -_INF)

    def _ratio_float(self, lam: np.ndarray) -> float:
        e = self.Fr @ lam
        w = self.P * np.exp(e - e.max())
        Z = w.sum()
        w = w / Z
        mu = w @ self.F
        Dq = float(lam @ (w @ self.Fr)) - float(e.max()) - math.log(float((self.P * np.exp(e - e.max())).sum()))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(mu > 0, mu * np.log(mu / self.pbar_f), 0.0)
        N = float(t.sum())
        return N / Dq if Dq > 1e-12 else -_INF

    # -- certified lower ends ------------------------------------------------------------------------------
    def ratio_arb(self, lam: np.ndarray) -> float:
        """A certified lower bound on ``R`` at the tilt ``Q_λ`` (arb, entries as balls)."""
        _flint.ctx.prec = _PREC
        r = self.rel + _U
        la = [_flint.arb(float(v)) for v in lam]
        ex = (self.Fr @ lam)
        shift = _flint.arb(float(ex.max()))
        Z = _flint.arb(0)
        S = [_flint.arb(0) for _ in range(self.q)]
        for px, row in zip(self.P.tolist(), self.F.tolist()):
            Fa = [_arb(v, r) for v in row]
            z = sum((la[i] * Fa[i] for i in range(self.q - 1)), _flint.arb(0))
            wgt = _arb(px, r) * (z - shift).exp()
            Z += wgt
            for y in range(self.q):
                S[y] += wgt * Fa[y]
        mu = [s / Z for s in S]
        Dq = sum((la[i] * mu[i] for i in range(self.q - 1)), _flint.arb(0)) - shift - Z.log()
        N = _flint.arb(0)
        for y in range(self.q):
            if _arb_hi(mu[y]) <= 0:
                continue
            N += mu[y] * (mu[y] / _arb(self.pbar[y])).log()
        if _arb_lo(Dq) <= 0:
            return -_INF
        return _arb_lo(N / Dq)

    def conditional_lower(self) -> tuple[float, int]:
        """``max_x D(F(x) || p̄)/(−log P(x))`` (``Q`` = ``P`` conditioned on ``x``), certified lower end."""
        _flint.ctx.prec = _PREC
        r = self.rel + _U
        est = []
        for x, (px, row) in enumerate(zip(self.P.tolist(), self.F.tolist())):
            if px >= 1:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                n = sum(v * math.log(v / p) for v, p in zip(row, self.pbar_f) if v > 0)
            est.append((n / -math.log(px), x))
        est.sort(reverse=True)
        best, arg = -_INF, -1
        for _, x in est[:3]:
            row, px = self.F[x].tolist(), float(self.P[x])
            N = _flint.arb(0)
            for v, p in zip(row, self.pbar):
                if v > 0:
                    va = _arb(v, r)
                    N += va * (va / _arb(p)).log()
            val = _arb_lo(N / -(_arb(px, r).log()))
            if val > best:
                best, arg = val, x
        return best, arg

    def chi2_lower(self) -> float:
        """A certified lower bound on η_χ²(P, K) = sup_δ X(δ)/Q(δ): the Rayleigh quotient at the float maximizer."""
        n = self.q - 1
        # X(δ) = Σ_{y<q} δ_y²/p̄_y + (Σ δ)²/p̄_q on δ' ∈ R^{q−1}
        Xm = np.diag(1 / self.pbar_f[:-1]) + 1 / self.pbar_f[-1]
        try:
            from scipy.linalg import eigh               # imported on use (scipy's start-up cost)

            vals, vecs = eigh(Xm, np.linalg.inv(self.Sigma_f))
        except (np.linalg.LinAlgError, ValueError):
            return 0.0
        d = vecs[:, int(np.argmax(vals))]
        _flint.ctx.prec = _PREC
        da = [_flint.arb(float(v)) for v in d]
        X = sum((da[i] ** 2 / _arb(self.pbar[i]) for i in range(n)), _flint.arb(0)) \
            + sum(da, _flint.arb(0)) ** 2 / _arb(self.pbar[-1])
        Q = _flint.arb(0)
        for i in range(n):
            for j in range(n):
                Q += da[i] * self.Sinv[i, j] * da[j]
        return max(_arb_lo(X / Q), 0.0)


def _vkey(v: tuple[Fraction, ...]) -> tuple[int, ...]:
    """A cache key of a vertex: its coordinates' numerators and denominators (hashing Fractions is slow)."""
    return tuple(x for c in v for x in (c.numerator, c.denominator))


class _Cell:
    __slots__ = ("verts", "central", "lam")

    def __init__(self, verts: tuple, central: bool, lam: np.ndarray) -> None:
        self.verts, self.central, self.lam = verts, central, lam


def _cone_bound(pr: _Problem, ws: list[tuple]) -> float:
    """§3 on ``conv(p̄, p̄ + w_1, …, p̄ + w_{q−1})`` (``ws``: vertex data): the smaller of the entrywise criterion
    ``max_ij (B_ij/2 + E_max)/(A_ij/2 − W³/24)`` and the least ``c`` (float guess, checked in arb) for which
    ``c (A/2 − (W³/24) J) − (B/2 + E_max J)`` is positive definite (``J`` the all-ones matrix; a positive definite
    form is non-negative on the cone ``a >= 0``; the check: Gaussian elimination in arb, every pivot certified
    positive)."""
    W = max(d[3] for d in ws)
    Emax = max(d[4] for d in ws)
    if not math.isfinite(Emax) or not math.isfinite(W):
        return _INF
    _flint.ctx.prec = _PREC
    W3 = _flint.arb(W) ** 3 / 24
    E = _flint.arb(Emax)
    n, k = pr.q - 1, len(ws)
    Ap = [[None] * k for _ in range(k)]
    Bp = [[None] * k for _ in range(k)]
    entry = -_INF
    for i in range(k):
        for j in range(i, k):
            a = sum((ws[i][1][t] * ws[j][2][t] for t in range(n)), _flint.arb(0)) / 2 - W3
            bb = sum((ws[i][1][t] * ws[j][6][t] for t in range(pr.q)), _flint.arb(0)) / 2 + E
            Ap[i][j] = Ap[j][i] = a
            Bp[i][j] = Bp[j][i] = bb
            if entry < _INF:
                entry = max(entry, _arb_hi(bb / a)) if _arb_lo(a) > 0 else _INF
    # positive-definite criterion: guess c from the float generalized eigenvalue, then check in arb
    Af = np.array([[float(Ap[i][j].mid()) for j in range(k)] for i in range(k)])
    Bf = np.array([[float(Bp[i][j].mid()) for j in range(k)] for i in range(k)])
    try:
        from scipy.linalg import eigh                   # imported on use (scipy's start-up cost)

        lam_max = float(eigh(Bf, Af, eigvals_only=True)[-1])
    except (np.linalg.LinAlgError, ValueError):
        return entry
    if not math.isfinite(lam_max) or lam_max <= 0:
        return entry
    c_f = lam_max * (1 + 1e-9) + 1e-15
    if c_f >= entry:
        return entry
    c = _flint.arb(c_f)
    M = [[c * Ap[i][j] - Bp[i][j] for j in range(k)] for i in range(k)]
    for i in range(k):
        if not _arb_lo(M[i][i]) > 0:
            return entry
        for j in range(i + 1, k):
            f = M[j][i] / M[i][i]
            for t in range(i, k):
                M[j][t] -= f * M[i][t]
    return min(entry, _arb_hi(c))


def _central_bound(pr: _Problem, cell: _Cell) -> float:
    """§3 for a cell at ``p̄``; for a cell away from it, the max of §3 over the cones from ``p̄`` on its facets
    (the cell lies in their union)."""
    verts = [v for v in cell.verts if v != pr.pbar]
    if cell.central:
        return _cone_bound_cached(pr, verts)
    return max(_cone_bound_cached(pr, verts[:i] + verts[i + 1:]) for i in range(len(verts)))


def _cone_bound_cached(pr: _Problem, verts: list[tuple]) -> float:
    """:func:`_cone_bound` of the cone from ``p̄`` on ``verts``, once per vertex set (bisected cells share facets, so
    the same cone recurs; the bound depends only on the set)."""
    key = frozenset(_vkey(v) for v in verts)
    hit = pr._ccache.get(key)
    if hit is None:
        hit = pr._ccache[key] = _cone_bound(pr, [pr.vertex(v) for v in verts])
    return hit


def _minorant_bound(pr: _Problem, cell: _Cell, lam: np.ndarray) -> float:
    """§2: ``max_v D(v || p̄)/L_λ(v)`` (``L`` in arb from the float upper bound of ``Λ(λ)``), or ``inf`` unless every
    ``L_λ(v) > 0``."""
    if not np.all(np.isfinite(lam)):
        return _INF
    _flint.ctx.prec = _PREC
    Lf = _log_mgf_upper(pr.Fr, pr.P, lam, pr.rel + _U)
    if Lf is None:
        return _INF
    Lhi = _arb(Lf)
    la = [_flint.arb(float(x)) for x in lam]
    worst = 0.0
    for v in cell.verts:
        d = pr.vertex(v)
        L = sum((la[i] * d[5][i] for i in range(pr.q - 1)), _flint.arb(0)) - Lhi
        lo = _arb_lo(L)
        if not (lo > 0 and math.isfinite(lo) and math.isfinite(d[0])):
            return _INF
        worst = max(worst, float_up(Fraction(d[0]) / Fraction(lo)))
    return worst


def _outside(pr: _Problem, cell: _Cell, dirs: list[np.ndarray]) -> bool:
    """The cell misses the hull of the ``F(x)`` (so ``Λ* = ∞`` on it and it can be dropped): for one direction
    ``u``, ``min_v ⟨u, v'⟩ > max_x ⟨u, F'(x)⟩`` (the right side rounded up for float and input errors)."""
    _flint.ctx.prec = _PREC
    for u in dirs:
        if not np.all(np.isfinite(u)) or not np.any(u):
            continue
        h = float((pr.Fr @ u).max()) + float(np.abs(u).sum()) * (pr.rel + 8 * _U) * 1.01 + 1e-300
        ua = [_flint.arb(float(x)) for x in u]
        if all(_arb_lo(sum((ua[i] * pr.vertex(v)[5][i] for i in range(pr.q - 1)), _flint.arb(0))) > _up(h)
               for v in cell.verts):
            return True
    return False


def _up(x: float) -> float:
    return math.nextafter(math.nextafter(x, _INF), _INF)


def _centroid(cell: _Cell, q: int) -> np.ndarray:
    return np.array([float(sum(v[y] for v in cell.verts) / len(cell.verts)) for y in range(q - 1)])


def _vertex_duals(pr: _Problem, cell: _Cell, cen: np.ndarray) -> float:
    """§2 with the dual points of the vertices moved a little towards the centroid (a cell across a face of the
    hull of the ``F(x)``, where the centroid's dual point gives no bound): the smallest bound."""
    verts = np.array([[float(v[y]) for y in range(pr.q - 1)] for v in cell.verts])
    lams = pr.dual_many(verts + (cen - verts) * 0.01, np.repeat(cell.lam[None, :], len(verts), axis=0))
    cands = list(lams)
    big = float(np.abs(cell.lam).max()) if np.all(np.isfinite(cell.lam)) else 0.0
    s = 1.0
    while big * s > 0.5 and s > 1e-6:         # the centroid's (diverged) dual point scaled down: a cell at a vertex
        s /= 4                                  # of the hull needs a moderate tilt in that direction
        cands.append(cell.lam * s)
    best = _INF
    for lv in cands:
        b = _minorant_bound(pr, cell, lv)
        if b < best:
            best, cell.lam = b, lv
    return best


def _split(cell: _Cell, pbar: tuple) -> tuple[_Cell, _Cell]:
    vs = cell.verts
    best, bi, bj = -1.0, 0, 1
    for i in range(len(vs)):
        for j in range(i + 1, len(vs)):
            d = sum(float(a - b) ** 2 for a, b in zip(vs[i], vs[j]))
            if d > best:
                best, bi, bj = d, i, j
    m = tuple((a + b) / 2 for a, b in zip(vs[bi], vs[bj]))
    c1 = tuple(m if k == bj else v for k, v in enumerate(vs))
    c2 = tuple(m if k == bi else v for k, v in enumerate(vs))
    return (_Cell(c1, pbar in c1, cell.lam.copy()), _Cell(c2, pbar in c2, cell.lam.copy()))


def _outer_simplex(F: np.ndarray, pbar: tuple, rel: float) -> list[tuple[Fraction, ...]]:
    """Vertices of ``{μ ∈ Δ_q : μ_y >= l_y}`` with ``l_y`` below ``min_x F(x)_y`` (rounded down for float and input
    errors) and below ``p̄_y`` (so ``p̄`` is interior): a simplex containing the hull of the ``F(x)``, the region the
    cover must cover (``Λ* = ∞`` outside the hull). Exact rationals."""
    q = F.shape[1]
    low = []
    for y in range(q):
        m = float(F[:, y].min())
        lo = Fraction(float_down(Fraction(m) * (1 - Fraction(rel + 4 * _U))))
        lo = min(lo, pbar[y] * Fraction(999, 1000))
        low.append(max(lo, Fraction(0)))
    rest = 1 - sum(low)
    return [tuple(low[i] + (rest if i == y else 0) for i in range(q)) for y in range(q)]


def eta_kl_multi(F: np.ndarray, P: np.ndarray, pbar: Sequence[Fraction], *, input_rel: float = 0.0,
                 slack: float = 1e-6, budget: float | WorkBudget = MULTI_BUDGET,
                 max_cells: int = 200_000) -> MultiBracket | None:
    """Certified ``η_KL(P, K)`` for ``q = 3`` or ``4`` outputs by the cover of the module docstring.

    ``F``: the ``k × q`` float matrix ``K(y | x)`` on the support of ``P`` (every output reached); ``P``: float
    input; ``pbar``: the **exact** output law ``PK`` (rationals); ``input_rel``: a bound on the relative error of
    the floats beyond one rounding. The search stops when every cell bound is ``<= lower + slack`` (``slack``
    relative to ``lower``), after ``budget`` (nominal seconds of counted work, :mod:`derive.channels.budget`) or
    ``max_cells`` splits. Returns ``None`` when ``Σ`` is not certified invertible (the outputs span a
    lower-dimensional set).
    """
    if _flint is None:  # pragma: no cover
        raise RuntimeError("python-flint is required for the certified tilt path")
    old_prec = _flint.ctx.prec                       # arb's precision is global: restored on the way out
    try:
        return _eta_kl_multi(F, P, pbar, input_rel, slack, budget, max_cells)
    finally:
        _flint.ctx.prec = old_prec


def _eta_kl_multi(F: Any, P: Any, pbar: Sequence[Fraction], input_rel: float, slack: float, budget: float | WorkBudget,
                  max_cells: int) -> MultiBracket | None:
    t0 = time.perf_counter()
    work = as_budget(budget)                    # counted work (derive.channels.budget), not seconds
    F = np.asarray(F, dtype=float)
    P = np.asarray(P, dtype=float)
    keep = P > 0
    F, P = F[keep], P[keep]
    q = F.shape[1]
    if not 3 <= q <= MAX_OUTPUTS or any(p <= 0 for p in pbar):
        return None
    try:
        pr = _Problem(F, P, pbar, input_rel)
    except ZeroDivisionError:
        return None
    chi_lo = pr.chi2_lower()
    cond_lo, cond_x = pr.conditional_lower()
    lower, lower_how, wit = chi_lo, ("eta_chi2(P, K) <= eta_KL(P, K) [Polyanskiy & Wu 2017]; eta_chi2 from below by "
                                     "the Rayleigh quotient X(d)/Q(d) at a test direction (arb)"), None
    if cond_lo > lower:
        lower, lower_how = cond_lo, (f"witness: Q = P conditioned on input {cond_x}: D(K(.|x) || PK)/(-log P(x)), "
                                     "arb")
    best_est, best_lam = -_INF, None
    pb = tuple(pbar)
    e = _outer_simplex(F, pb, input_rel)
    zero = np.zeros(q - 1)
    cells = [_Cell((pb,) + tuple(e[y] for y in range(q) if y != j), True, zero.copy()) for j in range(q)]
    heap: list = []
    counter = 0

    def target() -> float:
        lo = max(lower, best_est * (1 - 1e-9) if math.isfinite(best_est) else -_INF)
        return lo + slack * max(lo, 1e-300)

    for c in cells:
        b = _central_bound(pr, c)
        heapq.heappush(heap, (-b, counter, c))
        counter += 1
    splits = 0
    converged = False
    while heap:
        tg = target()
        if -heap[0][0] <= tg:
            converged = True
            break
        if work.exhausted() or splits >= max_cells:
            break
        batch = []
        while heap and len(batch) < _BATCH and -heap[0][0] > tg:
            nb, _, c = heapq.heappop(heap)
            batch.append((-nb, c))
        splits += len(batch)
        children, inherited = [], []
        for b0, c in batch:                                 # a child lies in its parent: the parent's bound holds
            for ch in _split(c, pb):
                children.append(ch)
                inherited.append(b0)
        bounds = [min(_central_bound(pr, ch), b0) for ch, b0 in zip(children, inherited)]
        need = [i for i, ch in enumerate(children) if not ch.central and bounds[i] > tg]
        work.spend((CHILD_UNITS * len(children) + (NEED_UNITS + TYPE_UNITS * len(P)) * len(need)) * (q - 2) ** 2)
        if need:
            mus = np.array([_centroid(children[i], q) for i in need])
            lams = pr.dual_many(mus, np.array([children[i].lam for i in need]))
            ests = pr.ratio_float_many(lams)
            for j, i in enumerate(need):
                ch = children[i]
                b = _minorant_bound(pr, ch, lams[j])
                ch.lam = lams[j]
                if not math.isfinite(b):
                    if _outside(pr, ch, [lams[j]] + pr.axis_dirs):
                        b = -_INF
                    else:
                        b = _vertex_duals(pr, ch, mus[j])
                bounds[i] = min(bounds[i], b)
                if ests[j] > best_est:
                    best_est, best_lam = float(ests[j]), lams[j].copy()
        for ch, b in zip(children, bounds):
            if b == -_INF:
                continue                                        # outside the hull of the F(x): dropped
            heapq.heappush(heap, (-b, counter, ch))
            counter += 1
    if best_lam is not None:
        rl = pr.ratio_arb(best_lam)
        if rl > lower:
            lower, wit = rl, tuple(float(v) for v in best_lam)
            lower_how = (f"witness: the tilt Q ~ P exp(<lambda, K(.|x)>) at lambda = {[round(float(v), 6) for v in best_lam]} "
                         "(last output's coordinate 0): D(QK||PK)/D(Q||P) enclosed in arb balls")
    up = max((-h[0] for h in heap), default=lower)
    up = max(up, lower)
    secs = time.perf_counter() - t0
    if not math.isfinite(up):
        return MultiBracket(Fraction(lower), None, Fraction(chi_lo), lower_how,
                            "the cover left a cell without a finite bound (work budget reached)", "none",
                            counter, secs, False, wit)
    how = (f"cover of the output-mean simplex by {counter} simplex cells ({splits} bisections in {secs:.2f} s"
           + ("" if converged else ", work budget reached") + (", stopped by the CPU-time safety stop: these digits "
                                                               "depend on the machine" if work.stopped_by_clock else "")
           + "): cells at PK by the local expansion "
           "(cubic remainders), the others by a concave minorant with a tangent dual point "
           "(derive.channels.tilt_multi, docstring sections 2-4); eta_KL = eta_chi2 is never certified by this route")
    return MultiBracket(Fraction(lower), Fraction(float_up(Fraction(up))), Fraction(chi_lo), lower_how, how,
                        "tilt cover (q outputs)", counter, secs, converged, wit)


def eta_kl_multi_rational(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], **kw: Any) -> MultiBracket | None:
    """:func:`eta_kl_multi` for exact rational ``K`` (rows) and ``P``: outputs no input reaches are dropped, the
    output law is computed exactly."""
    S = [x for x, p in enumerate(P) if p > 0]
    live = [y for y in range(len(rows[0])) if any(rows[x][y] != 0 for x in S)]
    if not 3 <= len(live) <= MAX_OUTPUTS:
        return None
    pbar = [sum((P[x] * rows[x][y] for x in S), Fraction(0)) for y in live]
    F = np.array([[float(rows[x][y]) for y in live] for x in S])
    Pf = np.array([float(P[x]) for x in S])
    return eta_kl_multi(F, Pf, pbar, **kw)
