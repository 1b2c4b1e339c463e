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

**4. The cover.** ``Δ_q`` is star-triangulated from ``p̄`` (the ``q`` cells ``conv(p̄, facet)``), cells are bisected
at the midpoint of their longest edge (exact rational vertices, so the children cover the parent exactly), best
bound first, until every cell's bound is ``<=`` the target (lower end plus ``slack``) or the time budget ends; the
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

from derive.channels.exact import float_down, float_up

try:
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a declared dependency
    _flint = None

__all__ = ["MultiBracket", "eta_kl_multi", "eta_kl_multi_rational", "MULTI_BUDGET", "MAX_OUTPUTS"]

#: Default time budget (seconds) of one branch and bound.
MULTI_BUDGET = 2.0
#: The route handles channels with at most this many (live) outputs.
MAX_OUTPUTS = 4
_U = 2.0 ** -53
_INF = math.inf
_PREC = 128


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


def _log_mgf_upper(Fr: np.ndarray, P: np.ndarray, lam: np.ndarray, rel: float) -> Fraction:
    """An upper bound on ``Λ(λ) = log Σ_x P(x) e^{⟨λ, F'(x)⟩}`` for the exact entries within relative ``rel`` of the
    floats ``Fr`` (entries in [0, 1]), ``P`` (module docstring, Arithmetic)."""
    e = Fr @ lam
    M = float(e.max())
    S = float((P * np.exp(e - M)).sum())
    k = len(P)
    l1 = float(np.abs(lam).sum())
    a = l1 * (rel + 11 * _U) * 1.01
    margin = 2 * a + (k + 8) * _U + 4 * _U + 1.01 * rel
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
        self._vcache: dict[tuple, tuple] = {}

    # -- vertex data ---------------------------------------------------------------------------------------
    def vertex(self, v: tuple[Fraction, ...]) -> tuple:
        """``(D_hi(v || p̄), w = v − p̄, A-vector Σ^{-1} w' (arb), ω_hi(w), E(w) (float up))`` for a vertex ``v``."""
        hit = self._vcache.get(v)
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
        wa = _flint.arb_mat([[_arb(w[i])] for i in range(n)])
        lam = self.Sinv * wa
        mid = np.array([float(lam[i, 0].mid()) for i in range(n)])
        rad = np.array([float(lam[i, 0].rad()) for i in range(n)]) + np.abs(mid) * 2 * _U
        om = _omega_upper(self.Fr, mid, rad, self.rel + _U)
        out = (_arb_hi(D), w, [lam[i, 0] for i in range(n)], om, _INF if e_inf else float_up(E))
        self._vcache[v] = out
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
        import scipy.linalg

        n = self.q - 1
        # X(δ) = Σ_{y<q} δ_y²/p̄_y + (Σ δ)²/p̄_q on δ' ∈ R^{q−1}
        Xm = np.diag(1 / self.pbar_f[:-1]) + 1 / self.pbar_f[-1]
        try:
            vals, vecs = scipy.linalg.eigh(Xm, np.linalg.inv(self.Sigma_f))
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


class _Cell:
    __slots__ = ("verts", "central", "lam")

    def __init__(self, verts: tuple, central: bool, lam: np.ndarray) -> None:
        self.verts, self.central, self.lam = verts, central, lam


def _leading_minors_positive(M: list[list[Fraction]]) -> bool:
    """``M`` (symmetric, exact) is positive definite: every leading principal minor is positive (Sylvester)."""
    k = len(M)
    A = [row[:] for row in M]
    for i in range(k):                      # Gaussian elimination: the pivots are ratios of leading minors
        if A[i][i] <= 0:
            return False
        for j in range(i + 1, k):
            f = A[j][i] / A[i][i]
            for t in range(i, k):
                A[j][t] -= f * A[i][t]
    return True


def _cone_bound(pr: _Problem, ws: list[tuple]) -> float:
    """§3 on ``conv(p̄, p̄ + w_1, …, p̄ + w_{q−1})`` (``ws``: vertex data): the smaller of the entrywise criterion
    ``max_ij (B_ij/2 + E_max)/(A_ij/2 − W³/24)`` and the least ``c`` (float guess, exact check) for which
    ``c (A/2 − (W³/24) J) − (B/2 + E_max J)`` is positive definite (``J`` the all-ones matrix; a positive definite
    form is non-negative on the cone ``a >= 0``)."""
    W = max(d[3] for d in ws)
    Emax = max(d[4] for d in ws)
    if not math.isfinite(Emax):
        return _INF
    W3 = Fraction(float_up(Fraction(W) ** 3 / 24))
    E = Fraction(Emax)
    n, k = pr.q - 1, len(ws)
    _flint.ctx.prec = _PREC
    Amid = [[Fraction(0)] * k for _ in range(k)]
    Arad = Fraction(0)
    B = [[Fraction(0)] * k for _ in range(k)]
    entry = -_INF
    for i in range(k):
        for j in range(i, k):
            a = sum((_arb(ws[i][1][t]) * ws[j][2][t] for t in range(n)), _flint.arb(0))
            if not a.is_finite():
                return _INF
            Amid[i][j] = Amid[j][i] = _arbf(a.mid())
            Arad += 2 * _arbf(a.rad()) if i != j else _arbf(a.rad())
            B[i][j] = B[j][i] = sum((x * y / p for x, y, p in zip(ws[i][1], ws[j][1], pr.pbar)), Fraction(0))
            den = (Amid[i][j] - _arbf(a.rad())) / 2 - W3
            entry = _INF if den <= 0 or entry == _INF else max(entry, float_up((B[i][j] / 2 + E) / den))
    # positive-definite criterion: guess c from the float generalized eigenvalue, then check exactly
    Ap = np.array([[float(Amid[i][j] / 2 - W3) for j in range(k)] for i in range(k)])
    Bp = np.array([[float(B[i][j] / 2 + E) for j in range(k)] for i in range(k)])
    try:
        import scipy.linalg
        lam_max = float(scipy.linalg.eigh(Bp, Ap, eigvals_only=True)[-1])
    except (np.linalg.LinAlgError, ValueError):
        return entry
    if not math.isfinite(lam_max) or lam_max <= 0:
        return entry
    c = Fraction(lam_max * (1 + 1e-9) + 1e-15)
    if c >= Fraction(entry) if math.isfinite(entry) else False:
        return entry
    M = [[c * (Amid[i][j] / 2 - W3) - (B[i][j] / 2 + E) - (c * Arad / 2 if i == j else 0) for j in range(k)]
         for i in range(k)]
    # c * Arad / 2 bounds the spectral norm of the perturbation c (A - Amid)/2 (sum of |entries|)
    if _leading_minors_positive(M):
        return min(entry, float_up(c))
    return entry


def _central_bound(pr: _Problem, cell: _Cell) -> float:
    """§3 for a cell at ``p̄``; for a cell away from it, the max of §3 over the cones from ``p̄`` on its facets
    (the cell lies in their union)."""
    data = [pr.vertex(v) for v in cell.verts if v != pr.pbar]
    if cell.central:
        return _cone_bound(pr, data)
    return max(_cone_bound(pr, data[:i] + data[i + 1:]) for i in range(len(data)))


def _outer_bound(pr: _Problem, cell: _Cell, target: float) -> float:
    """§2: ``max_v D(v || p̄)/L_λ(v)``, ``λ`` the dual point of the centroid; when that bound is above ``target``
    (a cell across a face of the hull of the ``F(x)``, where the centroid may lie outside), also the dual points of
    the vertices moved a little towards the centroid: the smallest bound (float, rounded up)."""
    q = pr.q
    verts = [np.array([float(v[y]) for y in range(q - 1)]) for v in cell.verts]
    cen = sum(verts) / len(verts)
    lam, _ = pr.dual(cen, cell.lam)
    best = _minorant_bound(pr, cell, lam)
    cell.lam = lam
    if not math.isfinite(best):
        for vf in verts:
            lv, _ = pr.dual(vf + (cen - vf) * 0.01, lam)
            b = _minorant_bound(pr, cell, lv)
            if b < best:
                best, cell.lam = b, lv
    return best


def _minorant_bound(pr: _Problem, cell: _Cell, lam: np.ndarray) -> float:
    q = pr.q
    if not np.all(np.isfinite(lam)):
        return _INF
    Lhi = _log_mgf_upper(pr.Fr, pr.P, lam, pr.rel + _U)
    lq = [Fraction(float(v)) for v in lam]
    worst = 0.0
    for v in cell.verts:
        L = sum((lq[i] * v[i] for i in range(q - 1)), Fraction(0)) - Lhi
        if L <= 0:
            return _INF
        Dv = pr.vertex(v)[0]
        worst = max(worst, float_up(Fraction(Dv) / L))
    return worst


def _bound(pr: _Problem, cell: _Cell, target: float) -> float:
    """The smaller of §3 (valid on every cell: ``s <= 1``) and, for a cell without the vertex ``p̄``, §2."""
    b = _central_bound(pr, cell)
    if cell.central or b <= target:
        return b
    return min(b, _outer_bound(pr, cell, target))


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


def eta_kl_multi(F: np.ndarray, P: np.ndarray, pbar: Sequence[Fraction], *, input_rel: float = 0.0,
                 slack: float = 1e-6, budget: float = MULTI_BUDGET, max_cells: int = 200_000) -> MultiBracket | None:
    """Certified ``η_KL(P, K)`` for ``q = 3`` or ``4`` outputs by the cover of the module docstring.

    ``F``: the ``k × q`` float matrix ``K(y | x)`` on the support of ``P`` (every output reached); ``P``: float
    input; ``pbar``: the **exact** output law ``PK`` (rationals); ``input_rel``: a bound on the relative error of
    the floats beyond one rounding. The search stops when every cell bound is ``<= lower + slack`` (``slack``
    relative to ``lower``), after ``budget`` seconds or ``max_cells`` splits. Returns ``None`` when ``Σ`` is not
    certified invertible (the outputs span a lower-dimensional set).
    """
    if _flint is None:  # pragma: no cover
        raise RuntimeError("python-flint is required for the certified tilt path")
    t0 = time.perf_counter()
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
    e = [tuple(Fraction(int(i == y)) for i in range(q)) for y in range(q)]
    zero = np.zeros(q - 1)
    cells = [_Cell((pb,) + tuple(e[y] for y in range(q) if y != j), True, zero.copy()) for j in range(q)]
    heap: list = []
    counter = 0

    def target() -> float:
        lo = max(lower, best_est * (1 - 1e-9) if math.isfinite(best_est) else -_INF)
        return lo + slack * max(lo, 1e-300)

    for c in cells:
        b = _bound(pr, c, target())
        heapq.heappush(heap, (-b, counter, c))
        counter += 1
    splits = 0
    converged = False
    while heap:
        nb, _, c = heap[0]
        if -nb <= target():
            converged = True
            break
        if time.perf_counter() - t0 > budget or splits >= max_cells:
            break
        heapq.heappop(heap)
        splits += 1
        for ch in _split(c, pb):
            b = _bound(pr, ch, target())
            if not ch.central:
                est = pr._ratio_float(ch.lam)
                if est > best_est:
                    best_est, best_lam = est, ch.lam.copy()
            heapq.heappush(heap, (-b, counter, ch))
            counter += 1
    if best_lam is not None:
        rl = pr.ratio_arb(best_lam)
        if rl > lower:
            lower, wit = rl, tuple(float(v) for v in best_lam)
            lower_how = (f"witness: the tilt Q ~ P exp(<lambda, K(.|x)>) at lambda = {list(np.round(best_lam, 6))} "
                         "(last output's coordinate 0): D(QK||PK)/D(Q||P) enclosed in arb balls")
    up = max((-h[0] for h in heap), default=lower)
    up = max(up, lower)
    secs = time.perf_counter() - t0
    if not math.isfinite(up):
        return MultiBracket(Fraction(lower), None, Fraction(chi_lo), lower_how,
                            "the cover left a cell without a finite bound (time budget reached)", "none",
                            counter, secs, False, wit)
    how = (f"cover of the output-mean simplex by {counter} simplex cells ({splits} bisections in {secs:.2f} s"
           + ("" if converged else ", time budget reached") + "): cells at PK by the local expansion "
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
