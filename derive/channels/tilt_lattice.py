r"""Certified bracket of ``η_KL`` of the backward channel ``type → θ`` for a **binary θ observed through a channel with
any number of outputs whose log-likelihood ratios lie on a lattice**, at every ``n`` up to 10,000 at once (float64,
log space, stated margins; the bracket itself is :func:`derive.channels.tilt_binomial.window_bracket`).

**The sufficient statistic.** θ ∈ {a, b} with weights ``w_a, w_b``; each of ``n`` observations is θ through rows
``K_a, K_b`` on ``W`` symbols, all positive. If every likelihood ratio is an integer power of one number,
``K_b(y)/K_a(y) = β^{k_y}`` (``β > 1``, integers ``k_y``, checked exactly on the rationals), then the type ``c`` enters
the posterior only through ``k(c) = Σ_y c_y k_y``: ``P(b, c)/P(a, c) = (w_b/w_a) β^{k(c)}``. The backward channel has a
binary output, so ``η_KL(P, type → θ) = sup_λ R(λ)`` along the tilt ``Q_λ ∝ P e^{λ f}`` (:mod:`derive.channels.tilt`,
§1), and ``f = P(b | c)`` is a function of ``k(c)``: ``Q_λ/P`` is a function of ``k``, so ``D(Q_λ ‖ P)`` and
``D(Q_λ K ‖ P K)`` are those of the law of ``k`` and its tilt. Hence ``η_KL(law of the type, type → θ) =
η_KL(law of k, k → θ)``, a problem on the ``n (k_max − k_min) + 1`` values of ``k`` instead of the
``C(n + W − 1, W − 1)`` types. (Without a lattice the values of ``k(c)`` are as many as the types and nothing is
gained; those models keep the sums over every type.)

**The law of k without underflow.** ``P(a, k) = w_a μ_n(k)`` with ``μ_n`` the ``n``-fold convolution of
``μ_1(k') = Σ_{y: k_y = k'} K_a(y)``, and ``P(b, k) = w_b β^k μ_n(k)``. Near the boundary ``f ≈ 1/2`` (the only
values that matter, ``k ≈ log(w_a/w_b)/log β``) ``μ_n`` is ``e^{−n C}`` small, so the recursion runs on the tilted law
``q(k') = μ_1(k') β^{s k'}/Z`` (``Z = Σ μ_1(k') β^{s k'}``, ``s`` a float with ``E_q k' ≈ 0``, Chernoff's point):
``μ_n(k) = Z^n β^{−s k} q^{*n}(k)`` exactly for any ``s``, and ``q^{*n}`` is a probability vector whose bulk sits at the
boundary. Each step ``p ← p * q`` is a sum of ``m`` products of non-negative numbers (``m`` the number of taps), followed
by an exact scaling by a power of two and, every 8 steps, by dropping the end entries below ``2^-200`` of the
largest; with taps ``q >= 2^-50`` (else no route) and the largest entry kept above ``2^-300``, no product leaves the
normal float range.

**Margins (u = 2^-53).** ``q`` and ``log Z`` are rounded from 40-digit values (relative error ``<= 2u`` and
``<= 2u |log Z|``); a product of ``n`` factors each within ``2u`` and ``n`` rounded sums of ``m`` positive terms is
within relative ``e_n = 1.01 n (2u + (m + 2) u)`` of the exact recursion on the kept entries, which is below the
exact ``q^{*n}`` pointwise; the exact dropped mass is carried by the convolution (``Σ q = 1``), so
``q^{*n}(k) <= p̂(k)(1 + e_n) + M_n`` with ``M_n`` the accumulated dropped mass (rounded up), and on a set ``S``:
``Σ_S q^{*n} <= (1 + e_n) Σ_S p̂ + M_n``. The logs ``log P(θ, k) = log w + n log Z + (±) k log β + log p̂`` are within
``E = e_n + 2^-50 (|log w| + n |log Z| + |k| log β + |log p̂| + 8)``. Tails: ``Σ_{k < L} P(b, k) <= w_b Z^n
(Σ_{k < L} β^{(1 − s) k} p̂(k) (1 + e_n) + β^{(1 − s)(L − 1)} M_n)`` (``β^{(1 − s) k}`` increases in ``k``), and the mirror
for ``Σ_{k > H} P(a, k)`` with ``β^{−s k}``; the heavy tails are complements of the exact weights
(:func:`~derive.channels.tilt_binomial.window_bracket`). Tests compare the bracket with an mpmath computation of
``sup_λ R(λ)`` over every type at 40+ digits and with a brute-force search over ``Q``
(``tests/channels/test_channels_tilt_lattice.py``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import mpmath
import numpy as np

from derive.channels.tilt_binomial import GRID, WINDOW_NATS, window_bracket

__all__ = ["LatticeMixture", "lattice_exponents", "lattice_bracket", "lattice_refinement", "lattice_garbling", "MAX_SPAN",
           "REFINE_SPAN", "GARBLE_SPAN", "COARSE_SPAN",
           "COARSE_MAX_N"]

#: Largest ``k_max − k_min`` of the lattice (the law of ``k`` has ``n · span + 1`` values).
MAX_SPAN = 64

#: Largest denominator tried for the exponent ratio of two likelihood ratios.
_MAX_DEN = 64

_U = 2.0 ** -53

#: Smallest tilted tap q(k') the recursion accepts (module docstring: no product leaves the normal float range).
_MIN_TAP = 2.0 ** -50

#: Entries of the convolution below this fraction of the largest are dropped (their mass is carried in ``M_n``).
_DROP = 2.0 ** -200


def _log_mp(x: Fraction) -> mpmath.mpf:
    return mpmath.log(x.numerator) - mpmath.log(x.denominator)


def lattice_exponents(Ka: Sequence[Fraction], Kb: Sequence[Fraction]) -> tuple[list[int], Fraction, int] | None:
    """``(k, ρ, j)`` with ``K_b(y)/K_a(y) = β^{k_y}`` for every ``y``, where ``β^{j} = ρ`` (``ρ > 1`` rational, ``j >= 1``,
    so ``log β = log ρ / j``) and the ``k_y`` have no common factor; ``None`` when the ratios are not integer powers of
    one number (exponent ratios with denominators up to 64, each relation checked exactly), when a ratio is 0 or
    infinite, or when they are all 1."""
    Ka, Kb = [Fraction(x) for x in Ka], [Fraction(x) for x in Kb]
    if any(x <= 0 for x in Ka + Kb):
        return None
    ratios = [b / a for a, b in zip(Ka, Kb)]
    others = [r for r in ratios if r != 1]
    if not others:
        return None
    ref = max(others, key=lambda r: abs(math.log(r.numerator) - math.log(r.denominator)))
    if ref < 1:
        ref = 1 / ref
    lref = math.log(ref.numerator) - math.log(ref.denominator)
    exps: list[Fraction] = []
    for r in ratios:
        if r == 1:
            exps.append(Fraction(0))
            continue
        x = Fraction((math.log(r.numerator) - math.log(r.denominator)) / lref).limit_denominator(_MAX_DEN)
        p, q = x.numerator, x.denominator
        if p == 0 or abs(p) > _MAX_DEN * MAX_SPAN:
            return None
        lhs = r ** q                                   # r^q == ref^p exactly
        rhs = ref ** p
        if lhs != rhs:
            return None
        exps.append(x)
    den = math.lcm(*(e.denominator for e in exps))
    ks = [int(e * den) for e in exps]
    g = math.gcd(*ks)
    ks = [x // g for x in ks]
    j = den // g                                       # ref = beta^j
    if max(ks) - min(ks) > MAX_SPAN:
        return None
    return ks, ref, j


#: Largest span k_max − k_min of :func:`lattice_refinement`'s lattice (finer: a tighter upper end of τ_n, longer
#: convolutions). With β chosen to fit the ratios (:func:`_lattice_beta`) the refinement of the docs' example (ratios
#: 1/5, 3, 1) is within 0.002 in log10(1 − τ_n) of the all-types bracket at n = 1,000.
REFINE_SPAN = 32

#: Largest span of :func:`lattice_garbling`'s lattice (its moves cost more than the refinement's splits).
GARBLE_SPAN = 32

#: A coarse span used beside the fine ones: a fine lattice with few taps leaves gaps in the law of ``k`` at small ``n``
#: (zero entries inside the window, where :func:`lattice_bracket` claims nothing), a coarse one fills them sooner.
COARSE_SPAN = 12

#: derive bound runs the coarse lattice on the rows with n up to this (beyond, the fine lattice has no gaps).
COARSE_MAX_N = 1000


def lattice_refinement(Ka: Sequence[Fraction], Kb: Sequence[Fraction],
                       span: int = REFINE_SPAN) -> tuple[list[Fraction], list[Fraction], Fraction] | None:
    """A channel ``K'`` (rows ``K'_a``, ``K'_b``, exact) of which ``K`` is a garbling and whose likelihood ratios are
    powers of one rational ``β > 1``; ``(K'_a, K'_b, β)``, or ``None`` when an entry is 0.

    Each output ``y`` with ``β^d < ρ_y = K_b(y)/K_a(y) < β^{d+1}`` is split into two outputs with ratios ``β^{d+1}`` and
    ``β^d``: masses ``x = K_a(y)(ρ_y − β^d)/(β^{d+1} − β^d)`` and ``K_a(y) − x`` under ``a`` (times the ratios under
    ``b``), so merging the two gives back ``K(·|a)`` and ``K(·|b)`` exactly. Then ``Y^n`` is a function of ``Y'^n``, and
    ``τ_n(K) <= τ_n(K')``: any ``U → Y^n → θ`` is a ``U → Y'^n → θ`` with ``I(U; Y'^n) = I(U; Y^n)``, and ``η_KL(P_X,
    P_{θ|X}) = sup I(U; θ)/I(U; X)`` over such ``U``. ``β`` is a rational near ``e^{(max log ρ − min log ρ)/span}``."""
    Ka, Kb = [Fraction(x) for x in Ka], [Fraction(x) for x in Kb]
    if any(x <= 0 for x in Ka + Kb):
        return None
    logs = [math.log(b.numerator) - math.log(b.denominator) - math.log(a.numerator) + math.log(a.denominator)
            for a, b in zip(Ka, Kb)]
    beta = _lattice_beta(logs, span)
    if beta is None:
        return None
    outa: list[Fraction] = []
    outb: list[Fraction] = []
    for a, b in zip(Ka, Kb):
        rho = b / a
        d = _cell(rho, beta)
        lo_r, hi_r = beta ** d, beta ** (d + 1)
        if lo_r == rho:
            outa.append(a)
            outb.append(b)
            continue
        x = a * (rho - lo_r) / (hi_r - lo_r)
        outa += [x, a - x]
        outb += [x * hi_r, (a - x) * lo_r]
    return outa, outb, beta



def _lattice_beta(logs: list[float], span: int, inward: bool = False) -> Fraction | None:
    """A rational ``β > 1`` (denominator <= 10^6) whose powers lie close to the log-likelihood ratios ``logs``, with at
    most ``span`` steps between the smallest and the largest; ``None`` when all ratios are equal. Only a choice (every
    use is exact): candidates ``e^{|log ρ_y|/j}`` for every ``y`` and ``j``, scored by the largest distance in log
    from a ratio to the lattice point it is moved to — the nearest one (``inward=False``, :func:`lattice_refinement`), or
    for the extreme ratios the one inside (``inward=True``, :func:`lattice_garbling`, which moves them inward)."""
    width = max(logs) - min(logs)
    if width <= 0:
        return None
    top, bottom = max(logs), min(logs)
    best: tuple[float, Fraction] | None = None
    for anchor in {abs(x) for x in logs if x != 0}:
        for j in range(1, 4 * span + 1):
            if width * j / anchor > span:
                break
            beta = Fraction(math.exp(anchor / j)).limit_denominator(10 ** 6)
            if beta <= 1:
                continue
            lb = math.log(beta)
            if width / lb > span:
                continue
            err = 0.0
            for x in logs:
                if inward and x == top:
                    e = x - lb * math.floor(x / lb + 1e-12)
                elif inward and x == bottom:
                    e = lb * math.ceil(x / lb - 1e-12) - x
                else:
                    e = abs(x - lb * round(x / lb))
                err = max(err, abs(e))
            if best is None or err < best[0]:
                best = (err, beta)
    if best is None:
        beta = Fraction(math.exp(width / span)).limit_denominator(64)
        return beta if beta > 1 else Fraction(65, 64)
    return best[1]


def _cell(rho: Fraction, beta: Fraction) -> int:
    """The integer ``d`` with ``β^d <= ρ < β^{d+1}`` (exact)."""
    d = math.floor((math.log(rho.numerator) - math.log(rho.denominator)) / math.log(beta))
    while beta ** d > rho:
        d -= 1
    while beta ** (d + 1) <= rho:
        d += 1
    return d


def lattice_garbling(Ka: Sequence[Fraction], Kb: Sequence[Fraction], span: int = GARBLE_SPAN
                     ) -> tuple[list[Fraction], list[Fraction], Fraction, list[list[Fraction]]] | None:
    """A garbling ``K'' = K G`` (``G`` a stochastic matrix, exact) of rows ``K_a``, ``K_b`` whose likelihood ratios are
    powers of one rational ``β > 1``: ``(K''_a, K''_b, β, G)``, or ``None`` (an entry 0, all ratios equal, or no such
    ``G`` of this form). It is the other side of :func:`lattice_refinement`: ``τ_n(K'') <= τ_n(K) <= τ_n(K')``.

    Output ``y`` (ratio ``ρ_y = K_b(y)/K_a(y)``, ``β^d < ρ_y < β^{d+1}``) becomes ``z_y = (1 − s_y)·y + t_y·D(y)``: it
    takes a fraction ``t_y`` of a donor output ``D(y)`` — the output of largest ratio to move up to ``β^{d+1}``, of
    smallest ratio to move down to ``β^d`` (the nearer in log; the extremes move inward) — and keeps all of itself
    but the fractions ``s_y`` it gives away (0 unless ``y`` is a donor). The mixture's ratio is ``T = β^{d or d+1}`` when
    ``t_y/(1 − s_y) = u_y = (T K_a(y) − K_b(y))/(K_b(D) − T K_a(D))``; the two donors' ``s`` solve a 2 × 2 linear
    system (``s_D = Σ_{D(y) = D} t_y``), so every column of ``G`` sums to 1. Then ``Y''^n`` is a function of
    ``(Y^n, independent noise)``, and ``τ_n(K'') <= τ_n(K)``: any ``U → Y''^n → θ`` is a ``U → Y^n → θ`` with
    ``I(U; Y^n) <= I(U; Y''^n)``, and ``τ_n = sup I(U; θ)/I(U; Y^n)`` over such ``U``."""
    Ka, Kb = [Fraction(x) for x in Ka], [Fraction(x) for x in Kb]
    if any(x <= 0 for x in Ka + Kb):
        return None
    W = len(Ka)
    rho = [b / a for a, b in zip(Ka, Kb)]
    logs = [math.log(r.numerator) - math.log(r.denominator) for r in rho]
    beta = _lattice_beta(logs, span, inward=True)
    if beta is None:
        return None
    lo_y = min(range(W), key=lambda y: rho[y])
    hi_y = max(range(W), key=lambda y: rho[y])
    lb = math.log(beta)
    donor: list[int | None] = [None] * W
    u: list[Fraction] = [Fraction(0)] * W
    target: list[Fraction] = list(rho)
    for y in range(W):
        d = _cell(rho[y], beta)
        if beta ** d == rho[y]:
            continue
        down, up = beta ** d, beta ** (d + 1)
        if y == hi_y:
            T, D = down, lo_y
        elif y == lo_y:
            T, D = up, hi_y
        else:
            go_up = (d + 1) * lb - logs[y] <= logs[y] - d * lb
            T, D = (up, hi_y) if go_up else (down, lo_y)
            if not rho[lo_y] < T < rho[hi_y]:
                T, D = (down, lo_y) if go_up else (up, hi_y)
        if not rho[lo_y] < T < rho[hi_y]:
            return None
        donor[y], target[y] = D, T
        u[y] = (T * Ka[y] - Kb[y]) / (Kb[D] - T * Ka[D])
    A = sum((u[y] for y in range(W) if donor[y] == hi_y and y != lo_y), Fraction(0))
    B = sum((u[y] for y in range(W) if donor[y] == lo_y and y != hi_y), Fraction(0))
    um = u[lo_y] if donor[lo_y] == hi_y else Fraction(0)      # the smallest output's own share of the largest
    uM = u[hi_y] if donor[hi_y] == lo_y else Fraction(0)
    # s_hi = A + um (1 − s_lo), s_lo = B + uM (1 − s_hi)
    det = 1 - um * uM
    if det <= 0:
        return None
    s_hi = (A + um - um * (B + uM)) / det
    s_lo = B + uM * (1 - s_hi)
    if not (0 <= s_hi < 1 and 0 <= s_lo < 1):
        return None
    s = [Fraction(0)] * W
    s[hi_y], s[lo_y] = s_hi, s_lo
    G = [[Fraction(0)] * W for _ in range(W)]           # G[y][z]: the fraction of output y sent to z_z
    for z in range(W):
        G[z][z] += 1 - s[z]
        if donor[z] is not None:
            G[donor[z]][z] += u[z] * (1 - s[z])
    if any(sum(row) != 1 or min(row) < 0 for row in G):
        return None
    outa = [sum(Ka[y] * G[y][z] for y in range(W)) for z in range(W)]
    outb = [sum(Kb[y] * G[y][z] for y in range(W)) for z in range(W)]
    if any(outb[z] != target[z] * outa[z] for z in range(W)):       # exact: each ratio is its lattice point
        return None
    return outa, outb, beta, G

class LatticeMixture:
    """θ ∈ {a, b} with weights ``w``, rows ``K_a``, ``K_b`` (exact, positive) whose likelihood ratios are ``β^{k_y}``.
    Build with :meth:`of` (``None`` when the ratios are not on a lattice, or a tilted tap is below
    ``2^-50``)."""

    def __init__(self, w: Sequence[Fraction], Ka: Sequence[Fraction], Kb: Sequence[Fraction], ks: list[int],
                 ref: Fraction, j: int) -> None:
        self.w = (Fraction(w[0]), Fraction(w[1]))
        self.ks = ks
        self.kmin, self.kmax = min(ks), max(ks)
        mu: dict[int, Fraction] = {}
        for kv, a in zip(ks, Ka):
            mu[kv] = mu.get(kv, Fraction(0)) + Fraction(a)
        self.taps = sorted(mu)                         # distinct k'
        with mpmath.workdps(40):
            lbeta = (mpmath.log(ref.numerator) - mpmath.log(ref.denominator)) / j
            m = {kv: mpmath.mpf(x.numerator) / x.denominator for kv, x in mu.items()}

            def mean(s):
                return mpmath.fsum(m[kv] * kv * mpmath.exp(s * kv * lbeta) for kv in self.taps)

            lo, hi = mpmath.mpf(0), mpmath.mpf(1)      # E_q k' increases in s; < 0 at s = 0, > 0 at s = 1
            for _ in range(60):
                mid = (lo + hi) / 2
                if mean(mid) < 0:
                    lo = mid
                else:
                    hi = mid
            self.s = float(round(float((lo + hi) / 2) * 2 ** 20)) / 2 ** 20     # an exact float; any s is exact
            s = mpmath.mpf(self.s)
            Z = mpmath.fsum(m[kv] * mpmath.exp(s * kv * lbeta) for kv in self.taps)
            self.q = np.array([float(m[kv] * mpmath.exp(s * kv * lbeta) / Z) for kv in self.taps])
            self.log_z = float(mpmath.log(Z))
            self.lbeta = float(lbeta)
            self.lbeta_err = 2 * _U * self.lbeta + 1e-35
            self.log_wa = float(_log_mp(self.w[0]))
            self.log_wb = float(_log_mp(self.w[1]))
            self.log_ratio = float(_log_mp(self.w[0] / self.w[1]))            # log(w_a/w_b)

    @classmethod
    def of(cls, w: Sequence[Fraction], Ka: Sequence[Fraction], Kb: Sequence[Fraction]) -> "LatticeMixture | None":
        w = [Fraction(x) for x in w]
        if min(w) <= 0 or sum(w) != 1:
            raise ValueError("lattice mixture: weights must be positive and sum to 1")
        found = lattice_exponents(Ka, Kb)
        if found is None:
            return None
        ks, ref, j = found
        M = cls(w, Ka, Kb, ks, ref, j)
        # a tap below 2^-50 could drive products of kept entries (>= 2^-500 of the scale, 8 steps between trims)
        # below the normal float range, where the relative error bound fails: no route then
        return M if float(M.q.min()) >= _MIN_TAP else None


def _lse(x: np.ndarray) -> float:
    """log Σ e^x as ``max + log Σ e^{x − max}`` (−inf for an empty or all −inf array): within ``u (2 |max| + len + 4)``
    of exact for exact inputs (the sum of positive terms; not numpy's pairwise ``logaddexp`` reduction, whose error
    grows with the number of terms times ``|max|``)."""
    if not len(x):
        return -math.inf
    top = float(np.max(x))
    if not math.isfinite(top):
        return -math.inf
    return top + math.log(float(np.sum(np.exp(x - top))))


def lattice_bracket(M: LatticeMixture, ns: Sequence[int], grid: np.ndarray = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Per n: ``(lo, hi)`` with ``lo <= log(1 − η_KL) <= hi <= log(1 − η_χ²)`` for η_KL of the backward channel
    ``type → θ`` (float64, outward; ``lo = −inf``, ``hi = 0`` where no bound is claimed). One pass of the convolution
    up to ``max(ns)``; at each requested n the window of ``k`` where ``log A_k`` is within ``max(WINDOW_NATS, peak −
    log w_min + max |grid| + 45)`` nats of its peak, and the tails (module docstring)."""
    ns = np.asarray(ns, dtype=np.int64)
    lo_out = np.full(len(ns), -np.inf)
    hi_out = np.zeros(len(ns))
    if not len(ns):
        return lo_out, hi_out
    want: dict[int, list[int]] = {}
    for i, n in enumerate(ns.tolist()):
        if n >= 1:
            want.setdefault(n, []).append(i)
    nmax = int(ns.max())
    taps = np.array(M.taps, dtype=np.int64)
    q = M.q
    span = int(taps[-1] - taps[0])
    s, lb = M.s, M.lbeta
    vmax = float(np.abs(grid).max())
    log_wmin = min(M.log_wa, M.log_wb)
    p = np.array([1.0])
    off = 0                         # p[i] is the (scaled) mass at k = off + i
    scale = 0                       # q^{*n}(k) ≈ p[k - off] * 2^scale
    dropped = 0.0                   # M_n / 2^scale, an upper end
    rows = []                       # (index list, window arrays ...) collected for one window_bracket call
    shifts = (taps - taps[0]).tolist()
    mq = len(shifts)                # terms of each convolution sum (one per tap, added in order)
    reach = int(math.ceil((vmax + 45.0 + max(WINDOW_NATS, 0.0) + 60.0) / (min(s, 1 - s) * lb))) + 2
    cut_left = int(math.ceil(80.0 / ((1 - s) * lb))) + 1      # tail entries summed exactly; beyond: weight e^-80
    cut_right = int(math.ceil(80.0 / (s * lb))) + 1
    log2 = math.log(2)
    for n in range(1, nmax + 1):
        e_prev = 1.01 * n * (2 * _U + (mq + 2) * _U) + 4 * _U
        new = np.zeros(len(p) + span)
        for sh, qk in zip(shifts, q.tolist()):     # the convolution with the sparse taps, a sum of mq products
            new[sh:sh + len(p)] += qk * p
        off += int(taps[0])
        if n % 8 == 0:
            top = float(new.max())
            if top < 2.0 ** -300:
                e = math.frexp(top)[1]
                new = np.ldexp(new, -e)
                dropped = math.ldexp(dropped, -e) * (1 + 4 * _U)
                scale += e
                top = math.ldexp(top, -e)
            keep = np.flatnonzero(new >= _DROP * top)
            a, b = int(keep[0]), int(keep[-1])
            if a > 0 or b < len(new) - 1:
                gone = float(new[:a].sum()) + float(new[b + 1:].sum())
                dropped = (dropped + gone * (1 + 2 * e_prev + (len(new) + 4) * _U)) * (1 + 4 * _U)
            p = new[a:b + 1]
            off += a
        else:
            p = new
        if n not in want:
            continue
        e_n = e_prev
        size = len(p)
        c = int(round(M.log_ratio / lb)) - off                       # index of the boundary f = 1/2
        r0, r1 = max(0, min(size - 1, c - reach)), min(size - 1, max(0, c + reach))
        ks = off + np.arange(r0, r1 + 1)
        with np.errstate(divide="ignore"):
            lp = np.log(p[r0:r1 + 1]) + scale * log2
        base = n * M.log_z
        d_k = M.log_ratio - ks * lb                                  # f = 1/(1 + e^d)
        log_pb = M.log_wb + base + (1 - s) * ks * lb + lp
        lA = log_pb - np.logaddexp(0.0, -d_k)                        # P(b, k)(1 − f_k)
        peak = int(np.argmax(lA))
        hp = float(lA[peak])
        if not math.isfinite(hp):
            continue
        W = max(WINDOW_NATS, hp - log_wmin + vmax + 45.0)
        inside = np.flatnonzero(lA >= hp - W)
        L, H = int(inside[0]), int(inside[-1])                       # indices into the region
        pw = p[r0 + L:r0 + H + 1]
        if np.any(pw == 0) and dropped > 0:
            continue                                                 # no bound claimed at this n
        kw = ks[L:H + 1]
        lpw = lp[L:H + 1]
        al = M.log_wa + base - s * kw * lb + lpw
        be = log_pb[L:H + 1]
        with np.errstate(over="ignore"):
            f = 1.0 / (1.0 + np.exp(np.minimum(d_k[L:H + 1], 700.0)))
        kabs = float(np.max(np.abs(kw)))
        kmag = kabs * lb
        lpmag = float(np.max(np.abs(np.where(np.isfinite(lpw), lpw, 0.0))))
        rel = math.log1p(e_n + (dropped / float(np.min(pw)) if dropped > 0 else 0.0))
        E = rel + 2.0 ** -50 * (abs(M.log_wa) + abs(M.log_wb) + n * abs(M.log_z) + kmag + lpmag + 8) \
            + kabs * M.lbeta_err
        Ed = 2.0 ** -50 * (abs(M.log_ratio) + kmag + 1) + kabs * M.lbeta_err
        df = Ed / 4 + 4 * _U
        # tails: sum_{k < L} P(b, k) and sum_{k > H} P(a, k), upper ends (module docstring); the cut_left entries
        # next to the window exactly, the rest with the largest weight among them times their plain sum
        gL, gH = r0 + L, r0 + H                                      # indices into p
        kL, kH = off + gL, off + gH
        log_drop = math.log(dropped) + scale * log2 if dropped > 0 else -math.inf
        ex0 = max(0, gL - cut_left)
        kx = off + np.arange(ex0, gL)
        with np.errstate(divide="ignore"):
            near = _lse((1 - s) * kx * lb + np.log(p[ex0:gL]) + scale * log2)
            rest = float(p[:ex0].sum())
            far = math.log(rest) + scale * log2 + (1 - s) * (off + ex0 - 1) * lb if rest > 0 else -math.inf
        tl = float(np.logaddexp.reduce([near, far, (1 - s) * (kL - 1) * lb + log_drop]))
        ex1 = min(size, gH + 1 + cut_right)
        kx = off + np.arange(gH + 1, ex1)
        with np.errstate(divide="ignore"):
            near = _lse(-s * kx * lb + np.log(p[gH + 1:ex1]) + scale * log2)
            rest = float(p[ex1:].sum())
            far = math.log(rest) + scale * log2 - s * (off + ex1) * lb if rest > 0 else -math.inf
        tr = float(np.logaddexp.reduce([near, far, -s * (kH + 1) * lb + log_drop]))
        kend = abs(off) + abs(off + size) + 2
        tmag = 2.0 ** -49 * (abs(M.log_wa) + abs(M.log_wb) + n * abs(M.log_z) + kend * lb + abs(scale) + lpmag + 700) \
            + kend * M.lbeta_err + math.log1p(e_n + (size + 8) * _U) + (size + 8) * _U
        tLb = M.log_wb + base + tl + tmag
        tRa = M.log_wa + base + tr + tmag
        has_left = kL > n * M.kmin
        has_right = kH < n * M.kmax
        rows.append((want[n], al, be, lA[L:H + 1], f, E, df, tLb, tRa, has_left, has_right,
                     min(float(f[0]) + df, 1.0), max(float(f[-1]) - df, 0.0)))
    # one window_bracket call per block of rows (ragged windows padded)
    _BLOCK = 1_500_000
    i = 0
    G = len(grid)
    rows.sort(key=lambda r: len(r[1]))
    while i < len(rows):
        j = i + 1
        while j < len(rows) and (j - i + 1) * len(rows[j][1]) * G <= _BLOCK:
            j += 1
        chunk = rows[i:j]
        width = max(len(r[1]) for r in chunk)

        def pad(x, fill):
            out = np.full(width, fill)
            out[:len(x)] = x
            return out

        valid = np.array([pad(np.ones(len(r[1]), dtype=bool), False) for r in chunk])
        arr = [np.array([pad(r[c], fill) for r in chunk]) for c, fill in ((1, -np.inf), (2, -np.inf), (3, -np.inf),
                                                                          (4, 0.5))]
        vec = [np.array([r[c] for r in chunk]) for c in range(5, 13)]
        lo, hi = window_bracket(grid, M.w, arr[0], arr[1], arr[2], arr[3], valid, *vec)
        for r, l_, h_ in zip(chunk, lo.tolist(), hi.tolist()):
            for idx in r[0]:
                lo_out[idx], hi_out[idx] = l_, h_
        i = j
    return lo_out, hi_out
