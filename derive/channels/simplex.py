r"""Certified upper bound on ``η_KL(P, K)`` for a fixed input ``P`` on any number of symbols: branch and bound
over simplicial cells of the input simplex.

``η_KL(P, K) = sup_{Q ≠ P, Q << P} R(Q)``, ``R(Q) = N(Q) / D(Q)`` with ``N(Q) = D(QK || PK)`` and
``D(Q) = D(Q || P)``; only ``Q`` on the support of ``P`` count (else ``D(Q || P) = ∞``), so the search space
is the simplex ``Δ_S`` over the support ``S`` (outputs with ``PK(y) = 0`` drop out: ``QK(y) = 0`` there).
``Δ_S`` is covered by simplicial cells (first the star of ``P``: ``conv(P, facet_x)`` for every ``x`` in
``S``; then longest-edge bisection). For every cell ``C`` an upper bound ``U(C) >= sup_{Q in C} R(Q)`` is
computed; ``max_C U(C)`` is a certified upper bound on ``η_KL(P, K)``. The cell with the largest ``U`` is
split first (best-first), until the bound is within the target of the lower end or the time budget is spent:
at any moment the maximum over the current cells is valid.

Two cell bounds, each a theorem:

**Convexity (DC) bound.** ``N`` is convex in ``Q`` and, for any ``Q0 > 0`` with ``Σ Q0 <= 1``,
``D(Q) >= T(Q) := Σ_x Q(x) log(Q0(x) / P(x))`` (``D(Q) - T(Q) = D(Q || Q0) >= -log Σ Q0 >= 0``, Gibbs), with
``T`` linear. So ``c T - N`` is concave and its minimum over the simplex ``C`` is at a vertex: if ``T(V) > 0``
at every vertex ``V`` of ``C``, then ``R <= max_V N(V) / T(V)`` on ``C``. (``Q0`` is the cell's centroid.)

**Radial (local χ²) bound.** For ``Q = P + v`` put ``Q_u = P + u v``. Taylor's formula with integral
remainder (``N`` and ``D`` vanish with their first derivatives along the segment at ``u = 0``) gives
``N(Q) = ∫_0^1 (1 - u) vᵀB(Q_u)v du`` and ``D(Q) = ∫_0^1 (1 - u) vᵀA(Q_u)v du`` with
``A(Q') = diag(1/Q')`` and ``B(Q') = Kᵀ diag(1/(Q'K)) K``; so ``R(Q)`` is a weighted average of
``vᵀB(Q_u)v / vᵀA(Q_u)v`` over the segment ``[P, Q]``. If every ``Q'`` of ``conv(P ∪ C)`` lies in the box
``[lo, hi]``, then ``A(Q') ⪰ diag(1/hi)`` and ``B(Q') ⪯ Kᵀ diag(1/(lo K)) K`` (Loewner order); with
``v = Σ_i μ_i (V_i - P)`` (``μ >= 0``, the vertices ``V_i ≠ P`` of ``C``) and the Gram matrices
``G_A[i,j] = (V_i - P)ᵀ diag(1/hi) (V_j - P)``, ``G_B[i,j] = ((V_i - P)K)ᵀ diag(1/(lo K)) ((V_j - P)K)``::

    R(Q) <= μᵀ G_B μ / μᵀ G_A μ <= max_{i,j} G_B[i,j] / G_A[i,j]      (when every G_A[i,j] > 0)

(a ratio of sums of terms with positive denominators is at most the largest term ratio). This bound is
sharp near ``P`` (it tends to the local χ² ratio), where the convexity bound is useless.

Arithmetic: vertices are exact rationals (python-flint ``fmpq``), the Gram matrices and ``QK`` are exact;
logarithms are arb balls and each bound uses the ball's far end. Nothing computed in floating point is
trusted: floats only choose which cell to split and where.

:func:`simplex_kl_upper_fast` (used by ``eta_kl``) is the same search vectorized in numpy: vertices are exact
dyadic barycentric coordinates over ``(P, e_1, ..., e_k)`` (bisection midpoints stay exact up to depth 50;
deeper cells are not split), every cell bound is a float64 interval computation with outward margins (one
operation: 2^-50 relative; a sum or matrix product of ``n <= 1000`` terms: 2^-40 of the sum of absolute
terms, above ``γ_n < 2^-43``; ``np.log``: 2^-44 relative + 2^-60, above its few-ulp error; 2^-1000 absolute
for underflow), and the radial bound uses ``η_χ²(P, K) · max_x hi_x/P_x / min_y (lo K)_y/(PK)_y`` with
``η_χ²(P, K)`` bounded once, exactly (Sylvester). Tests compare the float enclosures with arb values and the
cell bounds with exact ratios at rational points of random cells.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

from derive.channels.budget import WorkBudget, as_budget
from derive.numeric.exact import fraction_of_q, iv_upper, q_of

try:
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a declared dependency
    _flint = None

__all__ = ["SimplexBound", "simplex_kl_upper", "available"]

_INF = math.inf
#: Work units (derive.channels.budget): one exact split over k support points costs EXACT_SPLIT_UNITS * k^2; a round
#: of the float path FAST_ROUND_UNITS, plus FAST_CELL_UNITS per cell kept and FAST_CHILD_UNITS * k^2 per child bounded.
EXACT_SPLIT_UNITS = 320
FAST_ROUND_UNITS, FAST_CELL_UNITS, FAST_CHILD_UNITS = 800, 0.5, 0.8


def available() -> bool:
    """Whether the exact matrix arithmetic this module needs (python-flint) is installed."""
    return _flint is not None


@dataclass
class SimplexBound:
    """``η_KL(P, K) <= upper`` over the simplex on ``supp P`` (``None``: no finite bound reached).

    ``cells``: leaves of the subdivision when it stopped; ``splits``: bisections done; ``seconds``: time;
    ``converged``: the bound reached ``target`` above the given lower end.
    """

    upper: Fraction | None
    cells: int
    splits: int
    seconds: float
    converged: bool
    #: The CPU-time safety stop ended the search (derive.channels.budget): only then may the bound depend on the machine.
    stopped_by_clock: bool = False


class _Vertex:
    __slots__ = ("q", "qf", "qa", "w", "wk", "N", "is_p")

    def __init__(self, q: list[Any], prob: "_Problem", is_p: bool = False) -> None:
        self.q = q
        self.qf = [float(fraction_of_q(v)) if not isinstance(v, int) else float(v) for v in q]
        self.is_p = is_p
        self.qa = [_flint.arb(v) for v in q]
        t = [sum((q[x] * prob.K[x][y] for x in range(prob.k)), _flint.fmpq(0)) for y in range(prob.m)]
        self.w = [q[x] - prob.P[x] for x in range(prob.k)]
        self.wk = [t[y] - prob.PK[y] for y in range(prob.m)]
        n = _flint.arb(0)
        for y in range(prob.m):
            if t[y] != 0:
                ty = _flint.arb(t[y])
                n += ty * (ty.log() - prob.log_pk[y])
        self.N = n


class _Problem:
    def __init__(self, K: list[list[Any]], P: list[Any]) -> None:
        self.K, self.P = K, P
        self.k, self.m = len(P), len(K[0])
        self.PK = [sum((P[x] * K[x][y] for x in range(self.k)), _flint.fmpq(0)) for y in range(self.m)]
        self.log_p = [_flint.arb(v).log() for v in P]
        self.log_pk = [_flint.arb(v).log() for v in self.PK]
        self.scale = [1.0 / math.sqrt(float(fraction_of_q(v))) for v in P]
        self.hint = 0.0  # the lower end: the full-tangent bound is tried only on cells above it


def _u_dc(prob: _Problem, verts: Sequence[_Vertex]) -> float | Fraction:
    """``max_V N(V) / T(V)`` with the tangent point at the centroid (``inf`` when some ``T(V) <= 0``)."""
    k = prob.k
    n = len(verts)
    c = [sum(v.qf[x] for v in verts) / n for x in range(k)]
    s = sum(c)
    q0 = [x / s * (1 - 2.0 ** -30) for x in c]
    if min(q0) <= 0:
        return _INF
    tot = _flint.arb(0)
    for x in q0:
        tot += _flint.arb(x)  # floats are exact arb balls
    if not tot.upper() <= 1:
        return _INF
    L = [_flint.arb(q0[x]).log() - prob.log_p[x] for x in range(k)]
    best: Fraction | float = Fraction(0)
    for v in verts:
        t = _flint.arb(0)
        for x in range(k):
            if v.q[x] != 0:
                t += v.qa[x] * L[x]
        if not t > 0:
            return _INF
        r = v.N / t
        if not r.is_finite():
            return _INF
        u = iv_upper(r)
        if u > best:
            best = u
    return best


def _u_rad(prob: _Problem, verts: Sequence[_Vertex]) -> float | Fraction:
    """``max_{i,j} G_B[i,j] / G_A[i,j]`` over the vertices ``≠ P`` (``inf`` when some ``G_A[i,j] <= 0``)."""
    k, m = prob.k, prob.m
    others = [v for v in verts if not v.is_p]
    lo, hi, tlo = _box(prob, verts)
    if any(t == 0 for t in tlo):
        return _INF
    fm = _flint.fmpq_mat
    n = len(others)
    W = fm(n, k, [e for v in others for e in v.w])
    WK = fm(n, m, [e for v in others for e in v.wk])
    da = fm(k, k, [(1 / hi[x] if x == z else 0) for x in range(k) for z in range(k)])
    db = fm(m, m, [(1 / tlo[y] if y == z else 0) for y in range(m) for z in range(m)])
    GA = W * da * W.transpose()
    GB = WK * db * WK.transpose()
    best = None
    for i in range(n):
        for j in range(i, n):
            a = GA[i, j]
            if a <= 0:
                return _INF
            r = GB[i, j] / a
            if best is None or r > best:
                best = r
    return fraction_of_q(best) if best is not None else _INF


def _box(prob: _Problem, verts: Sequence[_Vertex]) -> tuple[list[Any], list[Any], list[Any]]:
    """Exact ``lo``, ``hi`` of ``conv(P ∪ C)`` and ``lo K``."""
    k, m = prob.k, prob.m
    hi = list(prob.P)
    lo = list(prob.P)
    for v in verts:
        for x in range(k):
            if v.q[x] > hi[x]:
                hi[x] = v.q[x]
            if v.q[x] < lo[x]:
                lo[x] = v.q[x]
    tlo = [sum((lo[x] * prob.K[x][y] for x in range(k)), _flint.fmpq(0)) for y in range(m)]
    return lo, hi, tlo


def _is_pd(M: Any, n: int) -> bool:
    """Sylvester: every leading principal minor of the exact symmetric ``M`` is positive."""
    fm = _flint.fmpq_mat
    for r in range(1, n + 1):
        sub = fm(r, r, [M[i, j] for i in range(r) for j in range(r)])
        if not sub.det() > 0:
            return False
    return True


def _u_full(prob: _Problem, hi: list[Any], tlo: list[Any]) -> float | Fraction:
    """The smallest ``c`` (up to a relative ``1e-9``) with ``c diag(1/hi) - Kᵀ diag(1/(lo K)) K ⪰ 0`` on the
    zero-sum vectors, certified by Sylvester's criterion in exact arithmetic (``inf`` if not certified).

    Every ``v = Q - P`` is zero-sum, so this bounds the local ratio ``vᵀB(Q')v / vᵀA(Q')v`` over the box."""
    import numpy as np
    from scipy.linalg import eigh

    k, m = prob.k, prob.m
    if any(t == 0 for t in tlo):
        return _INF
    fm = _flint.fmpq_mat
    J = fm(k, k - 1, [(1 if x == z else (-1 if x == k - 1 else 0)) for x in range(k) for z in range(k - 1)])
    A = fm(k, k, [(1 / hi[x] if x == z else 0) for x in range(k) for z in range(k)])
    db = fm(m, m, [(1 / tlo[y] if y == z else 0) for y in range(m) for z in range(m)])
    Km = fm(k, m, [e for row in prob.K for e in row])
    Jt = J.transpose()
    Ap = Jt * A * J
    Bp = Jt * (Km * db * Km.transpose()) * J
    n = k - 1
    af = np.array([[float(fraction_of_q(Ap[i, j])) for j in range(n)] for i in range(n)])
    bf = np.array([[float(fraction_of_q(Bp[i, j])) for j in range(n)] for i in range(n)])
    try:
        lam = float(eigh(bf, af, eigvals_only=True)[-1])
    except (np.linalg.LinAlgError, ValueError):
        return _INF
    if not math.isfinite(lam):
        return _INF
    for bump in (1e-9, 1e-6, 1e-3):
        c = Fraction(max(lam, 0.0) * (1 + bump) + bump * 1e-3)
        if _is_pd(q_of(c) * Ap - Bp, n):
            return c
    return _INF


def _bound(prob: _Problem, verts: Sequence[_Vertex]) -> float | Fraction:
    r = _u_rad(prob, verts)
    if isinstance(r, Fraction) and r == 0:
        return r
    d = _u_dc(prob, verts) if not any(v.is_p for v in verts) else _INF
    best = min(r, d)
    if best == _INF or best > prob.hint:
        _, hi, tlo = _box(prob, verts)
        best = min(best, _u_full(prob, hi, tlo))
    return best


def _support(P: Sequence[Any], rows: Sequence[Sequence[Any]]) -> tuple[list[int], list[int]]:
    """The inputs ``P`` charges and the outputs they reach with positive probability."""
    S = [x for x, v in enumerate(P) if v > 0]
    return S, [y for y in range(len(rows[0])) if any(P[x] * rows[x][y] != 0 for x in S)]


def simplex_kl_upper(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], *, lower: Fraction = Fraction(0),
                     target: Fraction = Fraction(1, 10 ** 6), budget: float | WorkBudget = 2.0,
                     max_cells: int = 200_000) -> SimplexBound:
    """Certified ``η_KL(P, K) <= upper`` by branch and bound over the simplex on ``supp P`` (module docstring).

    Stops when ``upper - lower <= target`` (``lower``: a certified lower end found elsewhere), after
    ``budget`` (nominal seconds of counted work, :mod:`derive.channels.budget`: ``EXACT_SPLIT_UNITS * k^2`` a
    split over ``k`` support points, so the same bound on any machine), or at ``max_cells``
    leaves; the returned bound is valid in every case.
    """
    t_start, work = time.perf_counter(), as_budget(budget)
    if _flint is None:  # pragma: no cover
        return SimplexBound(None, 0, 0, 0.0, False)
    _flint.ctx.prec = 96
    S, cols = _support(P, rows)
    K = [[q_of(Fraction(rows[x][y])) for y in cols] for x in S]
    Pq = [q_of(Fraction(P[x])) for x in S]
    prob = _Problem(K, Pq)
    prob.hint = float(lower) + float(target)
    k = prob.k
    pv = _Vertex(list(Pq), prob, is_p=True)
    unit = []
    for x in range(k):
        unit.append(_Vertex([_flint.fmpq(1) if z == x else _flint.fmpq(0) for z in range(k)], prob))
    verts = [pv] + unit
    mids: dict[tuple[int, int], int] = {}
    heap: list[tuple[float, int, tuple[int, ...], Any]] = []
    counter = 0

    def push(cell: tuple[int, ...]) -> None:
        nonlocal counter
        u = _bound(prob, [verts[i] for i in cell])
        counter += 1
        heapq.heappush(heap, (-(float(u) if u != _INF else _INF), counter, cell, u))

    for x in range(k):
        push((0,) + tuple(i + 1 for i in range(k) if i != x))
    splits = 0
    converged = False
    while heap:
        negu, _, cell, u = heap[0]
        if u != _INF and u - lower <= target:
            converged = True
            break
        if work.exhausted() or len(heap) >= max_cells:
            break
        work.spend(EXACT_SPLIT_UNITS * k * k)
        heapq.heappop(heap)
        # longest edge in the metric scaled by 1/sqrt(P)
        best, pair = -1.0, (cell[0], cell[1])
        for a in range(len(cell)):
            va = verts[cell[a]].qf
            for b in range(a + 1, len(cell)):
                vb = verts[cell[b]].qf
                d = sum(((va[x] - vb[x]) * prob.scale[x]) ** 2 for x in range(k))
                if d > best:
                    best, pair = d, (cell[a], cell[b])
        key = (min(pair), max(pair))
        mid = mids.get(key)
        if mid is None:
            qa, qb = verts[key[0]].q, verts[key[1]].q
            verts.append(_Vertex([(qa[x] + qb[x]) / 2 for x in range(k)], prob))
            mid = len(verts) - 1
            mids[key] = mid
        splits += 1
        i, j = pair
        push(tuple(mid if v == i else v for v in cell))
        push(tuple(mid if v == j else v for v in cell))
    top = max((h[3] for h in heap), key=lambda u: float(u) if u != _INF else _INF) if heap else Fraction(0)
    upper = None if top == _INF else Fraction(top)
    return SimplexBound(upper, len(heap), splits, time.perf_counter() - t_start, converged, work.stopped_by_clock)


# ---------------------------------------------------------------------------------------------------------------
# Vectorized float64 branch and bound with rigorous outward rounding
# ---------------------------------------------------------------------------------------------------------------
#
# Every quantity reported as part of a bound is an interval [lo, hi] of float64 numbers that encloses the exact
# real value. Margins (u = 2^-53, the unit roundoff of round-to-nearest float64):
#
# * a rational r >= 0 converted by ``float`` is correctly rounded: r in [f (1 - 2^-50), f (1 + 2^-50)];
# * one float operation (+, -, *, /) on enclosures is widened by 2^-50 |result| (its error is <= u |result|);
# * a sum or matrix product of n <= 1000 terms, in any order, with or without FMA, has error
#   <= gamma_n sum |terms| with gamma_n = n u / (1 - n u) < 2^-43; it is widened by _REL = 2^-40 sum |terms|
#   (for non-negative terms: by 2^-40 |result|);
# * ``np.log`` is accurate to a few ulp of its result (<= 4 ulp = 2^-50 relative); it is widened by
#   _LOGREL = 2^-44 |result| + 2^-60;
# * underflow adds at most 2^-1074 per operation, covered by an absolute 2^-1000 where a result may be tiny.
#
# Vertices are stored exactly in barycentric coordinates beta over (P, e_1, ..., e_k): V = beta_0 P + sum
# beta_x e_x. The initial star cells have beta = unit vectors; a bisection midpoint is (beta_a + beta_b) / 2,
# exact in float64 while the dyadic depth stays <= 50 (enforced: deeper cells are not split), so the cells
# cover the simplex exactly. Only V = beta [P; I] and V K = beta [PK; K] are rounded, with the margins above.

_REL = 2.0 ** -40
_OP = 2.0 ** -50
_LOGREL = 2.0 ** -44
_LOGABS = 2.0 ** -60
_TINY = 2.0 ** -1000
_DYADIC_DEPTH_LIMIT = 50


def _log_iv(lo: Any, hi: Any) -> tuple[Any, Any]:
    """Enclosure of ``log`` over ``[lo, hi]`` (``lo > 0``), from ``np.log`` widened by its error margin."""
    import numpy as np

    a, b = np.log(lo), np.log(hi)
    return a - np.abs(a) * _LOGREL - _LOGABS, b + np.abs(b) * _LOGREL + _LOGABS


def _chi2_upper(prob: _Problem) -> Fraction | None:
    """Certified upper bound on ``η_χ²(P, K)`` (exact Sylvester certificate at the box ``{P}``)."""
    u = _u_full(prob, list(prob.P), list(prob.PK))
    return None if u == _INF else Fraction(u)


class _Fast:
    """Vertex and cell arrays of the float branch and bound (see the comment block above)."""

    def __init__(self, K: list[list[Fraction]], P: list[Fraction], chi_hi: Fraction) -> None:
        import numpy as np

        self.k, self.m = len(P), len(K[0])
        k, m = self.k, self.m
        PK = [sum((P[x] * K[x][y] for x in range(k)), Fraction(0)) for y in range(m)]
        f = lambda r: float(r)  # noqa: E731 - correctly rounded
        Pf = np.array([f(v) for v in P])
        self.Plo, self.Phi = Pf * (1 - _OP), Pf * (1 + _OP)
        PKf = np.array([f(v) for v in PK])
        self.PKlo, self.PKhi = PKf * (1 - _OP), PKf * (1 + _OP)
        Kf = np.array([[f(v) for v in row] for row in K])
        self.Klo, self.Khi = Kf * (1 - _OP), Kf * (1 + _OP)
        # beta -> V and beta -> VK (non-negative matrices)
        self.Mv_lo = np.vstack([self.Plo[None, :], np.eye(k)])
        self.Mv_hi = np.vstack([self.Phi[None, :], np.eye(k)])
        self.Mt_lo = np.vstack([self.PKlo[None, :], self.Klo])
        self.Mt_hi = np.vstack([self.PKhi[None, :], self.Khi])
        self.lP_lo, self.lP_hi = _log_iv(self.Plo, self.Phi)
        self.lPK_lo, self.lPK_hi = _log_iv(self.PKlo, self.PKhi)
        self.chi_hi = float(chi_hi) * (1 + _OP)
        if Fraction(self.chi_hi) < chi_hi:  # pragma: no cover - float() rounds to nearest
            self.chi_hi = math.nextafter(self.chi_hi, math.inf)
        self.scale = 1.0 / np.sqrt(Pf)
        cap = 1 << 12
        self.beta = np.zeros((cap, k + 1))
        self.depth = np.zeros(cap, dtype=np.int64)
        self.n = 0
        self.Vlo = np.zeros((cap, k))
        self.Vhi = np.zeros((cap, k))
        self.Vf = np.zeros((cap, k))
        self.Nhi = np.zeros(cap)

    def add(self, beta: Any, depth: Any) -> Any:
        """Append vertices (rows of ``beta``); returns their indices."""
        import numpy as np

        b = beta.shape[0]
        while self.n + b > self.beta.shape[0]:
            for name in ("beta", "depth", "Vlo", "Vhi", "Vf", "Nhi"):
                a = getattr(self, name)
                setattr(self, name, np.concatenate([a, np.zeros_like(a)]))
        sl = slice(self.n, self.n + b)
        self.beta[sl] = beta
        self.depth[sl] = depth
        vlo = beta @ self.Mv_lo
        vhi = beta @ self.Mv_hi
        self.Vlo[sl] = np.maximum(vlo * (1 - _REL) - _TINY, 0.0)
        self.Vhi[sl] = vhi * (1 + _REL) + _TINY
        self.Vf[sl] = (vlo + vhi) / 2
        tlo = np.maximum((beta @ self.Mt_lo) * (1 - _REL) - _TINY, 0.0)
        thi = (beta @ self.Mt_hi) * (1 + _REL) + _TINY
        # N(V) = sum_y f_y(t_y), f_y(t) = t log(t / PK_y) convex in t: its max over [tlo, thi] is at an end
        self.Nhi[sl] = self._n_upper(tlo, thi)
        idx = np.arange(self.n, self.n + b)
        self.n += b
        return idx

    def _f_upper(self, t: Any) -> Any:
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore"):
            lt_lo, lt_hi = _log_iv(np.where(t > 0, t, 1.0), np.where(t > 0, t, 1.0))
        ell_hi = lt_hi - self.lPK_lo
        ell_hi = ell_hi + np.abs(ell_hi) * _OP
        val = t * ell_hi
        return np.where(t > 0, val, 0.0)

    def _n_upper(self, tlo: Any, thi: Any) -> Any:
        import numpy as np

        terms = np.maximum(self._f_upper(tlo), self._f_upper(thi))
        s = terms.sum(axis=1)
        return s + np.abs(terms).sum(axis=1) * _REL + _TINY

    def bounds(self, cells: Any) -> Any:
        """Upper bounds ``U(C)`` (float, ``inf`` when none) for the cells (rows of vertex indices)."""
        import numpy as np

        Vlo, Vhi = self.Vlo[cells], self.Vhi[cells]  # (c, k, k)
        # radial bound: R <= chi2_hi * max_x hi_x / P_x / min_y (lo K)_y / PK_y on conv(P u C)
        hi = np.maximum(Vhi.max(axis=1), self.Phi)
        lo = np.minimum(Vlo.min(axis=1), self.Plo)
        rho = (hi / self.Plo).max(axis=1) * (1 + _OP)
        loK = np.maximum((lo @ self.Klo) * (1 - _REL) - _TINY, 0.0)
        sig = (loK / self.PKhi).min(axis=1) * (1 - _OP)
        with np.errstate(divide="ignore", invalid="ignore"):
            rad = np.where(sig > 0, self.chi_hi * rho / sig, np.inf)
        rad = rad * (1 + 4 * _OP)
        # convexity bound (cells without P): tangent plane of D(.||P) at the normalized centroid q0
        has_p = (cells == 0).any(axis=1)
        c = np.maximum(self.Vf[cells].mean(axis=1), 1e-300)
        q0 = c / c.sum(axis=1, keepdims=True) * (1 - 2.0 ** -30)
        ok = q0.sum(axis=1) <= 1 - 2.0 ** -35  # the exact sum of q0 is <= 1 (Gibbs step)
        lq_lo, _ = _log_iv(q0, q0)
        L_lo = lq_lo - self.lP_hi
        L_lo = L_lo - np.abs(L_lo) * _OP
        p = np.minimum(Vlo * L_lo[:, None, :], Vhi * L_lo[:, None, :])  # (c, k, k) lower products
        T_lo = p.sum(axis=2) - np.abs(p).sum(axis=2) * _REL - _TINY
        N = np.maximum(self.Nhi[cells], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(T_lo > 0, N / T_lo, np.inf)
        dc = r.max(axis=1) * (1 + 4 * _OP)
        dc = np.where(has_p | ~ok, np.inf, dc)
        out = np.minimum(rad, dc)
        return np.where(np.isnan(out), np.inf, out)  # an undefined bound (inf - inf somewhere) is no bound


def simplex_kl_upper_fast(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], *,
                          lower: Fraction = Fraction(0), target: Fraction = Fraction(1, 10 ** 6),
                          budget: float | WorkBudget = 2.0, max_cells: int = 2_000_000,
                          batch: int = 4096) -> SimplexBound:
    """Certified ``η_KL(P, K) <= upper``: the branch and bound of :func:`simplex_kl_upper`, vectorized in
    float64 with outward rounding (margins in the comment block above ``_Fast``).

    Cell bounds: the convexity bound (centroid tangent plane, as in the exact path) and the radial bound in
    the form ``R(Q) <= η_χ²(P, K) · max_x hi_x / P_x / min_y (lo K)_y / (P K)_y`` over the box ``[lo, hi]`` of
    ``conv(P ∪ C)`` (``A(Q') ⪰ diag(1/P) · min P/hi`` and ``B(Q') ⪯ Kᵀ diag(1/PK) K · max PK/(lo K)``), with
    ``η_χ²(P, K)`` bounded above once, exactly (Sylvester). The reported ``upper`` is a float rounded up to a
    :class:`Fraction`, valid whenever the search stops. A round costs ``FAST_ROUND_UNITS + FAST_CELL_UNITS * cells +
    FAST_CHILD_UNITS * k^2 * children`` units of ``budget`` (:mod:`derive.channels.budget`).
    """
    import numpy as np

    t_start, work = time.perf_counter(), as_budget(budget)
    if _flint is None:  # pragma: no cover
        return SimplexBound(None, 0, 0, 0.0, False)
    _flint.ctx.prec = 96
    S, cols = _support(P, rows)
    Kfr = [[Fraction(rows[x][y]) for y in cols] for x in S]
    Pfr = [Fraction(P[x]) for x in S]
    prob = _Problem([[q_of(v) for v in r] for r in Kfr], [q_of(v) for v in Pfr])
    chi = _chi2_upper(prob)
    if chi is None:
        return SimplexBound(None, 0, 0, time.perf_counter() - t_start, False)
    F = _Fast(Kfr, Pfr, chi)
    k = F.k
    F.add(np.eye(k + 1), np.zeros(k + 1, dtype=np.int64))  # vertex 0 = P, vertex 1 + x = e_x
    cells = np.array([[0] + [1 + z for z in range(k) if z != x] for x in range(k)], dtype=np.int64)
    U = F.bounds(cells)
    frozen = np.zeros(len(cells), dtype=bool)
    thr = float(lower) + float(target)
    mids: dict[int, int] = {}
    splits = 0
    converged = False
    iu = np.triu_indices(k, 1)
    while True:
        active = (U > thr) & ~frozen
        if not active.any():
            converged = not frozen[U > thr].any()
            break
        if work.exhausted() or len(cells) >= max_cells:
            break
        idx = np.nonzero(active)[0]
        b = min(len(idx), max(64, min(batch, len(idx) // 4)))
        work.spend(FAST_ROUND_UNITS + FAST_CELL_UNITS * len(cells) + FAST_CHILD_UNITS * k * k * 2 * b)
        if b < len(idx):
            idx = idx[np.argpartition(-U[idx], b - 1)[:b]]
        sel = cells[idx]
        X = F.Vf[sel] * F.scale  # (b, k, k)
        D = ((X[:, iu[0], :] - X[:, iu[1], :]) ** 2).sum(axis=2)
        e = D.argmax(axis=1)
        ia, ib = iu[0][e], iu[1][e]
        r = np.arange(len(idx))
        va, vb = sel[r, ia], sel[r, ib]
        lo_v, hi_v = np.minimum(va, vb), np.maximum(va, vb)
        keys = (lo_v * (1 << 31) + hi_v).tolist()
        mid = np.empty(len(idx), dtype=np.int64)
        new_pairs: dict[int, list[int]] = {}
        for t, key in enumerate(keys):
            got = mids.get(key)
            if got is not None:
                mid[t] = got
            else:
                new_pairs.setdefault(key, []).append(t)
        if new_pairs:
            first = np.array([ts[0] for ts in new_pairs.values()])
            a_, b_ = lo_v[first], hi_v[first]
            depth = np.maximum(F.depth[a_], F.depth[b_]) + 1
            beta = (F.beta[a_] + F.beta[b_]) / 2
            new = F.add(beta, depth)
            for (key, ts), v in zip(new_pairs.items(), new.tolist()):
                mids[key] = v
                mid[ts] = v
        too_deep = F.depth[mid] > _DYADIC_DEPTH_LIMIT
        if too_deep.any():
            frozen[idx[too_deep]] = True
            keep = ~too_deep
            idx, sel, mid, ia, ib, r = idx[keep], sel[keep], mid[keep], ia[keep], ib[keep], np.arange(keep.sum())
            if len(idx) == 0:
                continue
        c1 = sel.copy()
        c1[r, ia] = mid
        c2 = sel.copy()
        c2[r, ib] = mid
        children = np.concatenate([c1, c2])
        Uc = F.bounds(children)
        mask = np.ones(len(cells), dtype=bool)
        mask[idx] = False
        cells = np.concatenate([cells[mask], children])
        U = np.concatenate([U[mask], Uc])
        frozen = np.concatenate([frozen[mask], np.zeros(len(children), dtype=bool)])
        splits += len(idx)
    top = float(U.max()) if len(U) else 0.0
    upper = None if not math.isfinite(top) else Fraction(top)
    return SimplexBound(upper, len(cells), splits, time.perf_counter() - t_start, converged, work.stopped_by_clock)
