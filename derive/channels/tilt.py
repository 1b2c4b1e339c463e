r"""Certified ``η_KL(P, K)`` for channels with a **binary output**, any number of inputs: a one-dimensional
exponential tilt.

Notation: ``K`` has outputs {0, 1}; ``f(x) = K(1 | x)``; ``P`` the input (only ``x`` with ``P(x) > 0`` count: a
``Q`` with ``D(Q || P) < ∞`` lives there); ``p̄ = E_P f``; ``r = max f − min f`` over the support; ``d(a || b)``
the binary divergence; all logarithms natural (η is a ratio, so the base does not matter).

**1. Reduction to one dimension.** ``QK = Bernoulli(E_Q f)``, so ``D(QK || PK) = d(m || p̄)`` depends on ``Q``
only through ``m = E_Q f``. Among the ``Q`` with ``E_Q f = m`` (``min f < m < max f``) the smallest ``D(Q || P)``
is the exponential tilt ``Q_λ ∝ P e^{λ f}`` with ``E_{Q_λ} f = m`` (Csiszár's I-projection: for any such ``Q``,
``D(Q || P) = D(Q || Q_λ) + λ m − Λ(λ) >= D(Q_λ || P)``, ``Λ(λ) = log E_P e^{λ f}``); at ``m = max f`` (``min f``)
it is ``P`` conditioned on the argmax (argmin) set, the limit ``λ → +∞`` (``−∞``). Hence

    η_KL(P, K) = sup_{λ ∈ [−∞, ∞] \ {0}} R(λ),   R(λ) = N(λ) / D(λ),   N = d(m_λ || p̄),   D = D(Q_λ || P).

With ``κ_j(λ) = Λ^{(j)}(λ)`` (cumulants of ``f`` under ``Q_λ``; ``m = κ_1``, ``m' = κ_2 = Var_{Q_λ} f``):
``D = λ m − Λ``, ``D' = λ κ_2``; ``N' = g(λ) κ_2`` with ``g(λ) = logit m_λ − logit p̄``; and
``g' = κ_2 / (m (1 − m)) = χ(λ) := η_χ²(Q_λ, K)`` (for a binary output, η_χ² = Var f / (m (1 − m))).
Both ``N`` and ``D`` increase in ``|λ|``, and ``N'/D' = ψ(λ) := g(λ)/λ``.
The negative side is the positive side of ``1 − f``: ``Q_{−λ}(f) = Q_λ(1 − f)`` and ``d(1 − m || 1 − p̄) = d(m || p̄)``.

**2. The weighted-average identity.** Integrating by parts (``g(0) = 0``):
``D(λ) = ∫_0^λ (m_λ − m_v) dv`` and ``N(λ) = ∫_0^λ g(v) m'(v) dv = ∫_0^λ χ(v) (m_λ − m_v) dv``, so ``R(λ)`` is the
average of ``χ`` over ``[0, λ]`` with the weights ``m_λ − m_v >= 0``. Consequences: ``R(0+) = χ(0) = η_χ²(P, K)``;
``η_χ² <= η_KL <= sup_v χ(v)``; **if χ(v) <= χ(0) for every v, then η_KL = η_χ² exactly** (the χ-criterion);
if ``χ'(0) ≠ 0`` then ``η_KL > η_χ²``. Also ``ψ(λ) = (1/λ) ∫_0^λ χ`` is the plain average.

**3. A cancellation-free form of 1 − χ.** With ``A = E_P[f(1 − f) e^{λf}]``, ``F = E_P[f e^{λf}]``,
``G = E_P[(1 − f) e^{λf}]``: ``1 − χ(λ) = E_Q[f (1 − f)] / (m (1 − m)) = A/F + A/G =: a(λ) + b(λ)``. ``a`` is the
mean of ``1 − f`` under the tilt of ``P f`` (decreasing in λ), ``b`` the mean of ``f`` under the tilt of
``P (1 − f)`` (increasing). At 0: ``1 − η_χ² = E_P[f (1 − f)] / (p̄ (1 − p̄))`` (no cancellation when η_χ² ≈ 1).

**4. Analytic certificate for symmetric, nearly noiseless channels.** Suppose an involution σ of the support
has ``P∘σ = P`` and ``f∘σ = 1 − f`` (so ``p̄ = 1/2``; e.g. the backward channel of the Boolean cluster). Put
``A_0 = E_P[f(1 − f)]``, ``x = 4 A_0 = 1 − η_χ²``. Jensen under the probability ``P f (1 − f) / A_0`` (whose mean
of ``f`` is 1/2 by symmetry) gives ``A(λ) >= A_0 e^{λ/2}``; convexity of ``e^{λf}`` in ``f ∈ [0, 1]`` gives
``e^{λf} <= (1 − f) + f e^λ``, so ``F <= A_0 + (1/2 − A_0) e^λ`` and ``G <= (1/2 − A_0) + A_0 e^λ``. Then, with
``c = cosh(λ/2)``, ``s = sinh(λ/2)``, ``k = 1 − x = η_χ²``:

    1 − χ(λ) >= A_0 e^{λ/2} (1/F + 1/G) >= 4 A_0 · c / (c² − k² s²),

which is ``>= 4 A_0 = 1 − χ(0)`` iff ``(1 − k²) c² − c + k² <= 0``, i.e. (roots ``c = 1`` and ``k²/(1 − k²)``)
iff ``cosh(λ/2) <= k² / (1 − k²)``. For large λ: ``1 − χ >= b(λ) >= b(T)`` for ``λ >= T`` (b increases), and
``b(T) >= A_0 e^{T/2} / (1/2 − A_0 + A_0 e^T) >= 4 A_0`` iff ``x y² − y + 2 − x <= 0`` at ``y = e^{T/2}``. So if
some ``y >= 1`` satisfies that and ``(y + 1/y)/2 <= k²/(1 − k²)``, then ``χ(λ) <= χ(0)`` for all ``λ >= 0`` (and
by symmetry ``χ`` is even): **η_KL = η_χ² exactly**. Both conditions only get easier as ``x`` decreases
(``y² − 1 >= 0``; ``k²/(1 − k²)`` decreases in ``x``), so an upper bound on ``x`` suffices. It holds for
``x <= 1 − √3/2 ≈ 0.134`` (where the discriminant ``1 − 8x + 4x²`` of the quadratic in ``y`` vanishes; the
cosh condition then still holds, 2 <= 3), i.e. ``η_χ² >= √3/2 ≈ 0.866`` (:func:`symmetric_certificate`).

**5. Cell cover (any binary-output channel).** Derivative bounds: ``|κ_3| <= r κ_2``, ``|κ_4| <= r² κ_2``,
``|κ_5| <= 3.5 r³ κ_2`` (``|f − m| <= r``, ``κ_2 <= r²/4``), and ``χ <= χ_max := min(r, 1)`` (η_χ²(Q, K) <=
η_TV(K) = r on the support). From ``χ = κ_2/u``, ``u = m(1 − m)``, ``u' = κ_2 s``, ``s = 1 − 2m``, ``s' = −2κ_2``:
``χ' = κ_3/u − χ² s``, ``χ'' = κ_4/u − κ_2 κ_3 s/u² − 2χχ's + 2χ²κ_2`` and their derivatives give
``|χ'| <= χ(r + χ)``, ``|χ''| <= C_2 := χ(r² + 3rχ + 2.5χ²)`` and a bound ``C_3`` on ``|χ'''|``
(:func:`_c3`), all at ``χ = χ_max``. Then, on the positive side:

* central cell ``(0, h]``: ``R(λ) <= sup_{[0, h]} χ <= χ(0) + max_{v ∈ [0, h]} (χ'(0) v + χ''(0) v²/2 + C_3 v³/6)``
  (Taylor; ``χ(0), χ'(0), χ''(0)`` exact). When ``χ'(0) = 0`` and ``χ''(0) < 0`` this is ``χ(0)`` for
  ``h <= 3|χ''(0)|/C_3``;
* cells ``[t_1, t_1 + δ]``: by the mediant inequality ``R(λ) <= max(R(t_1), sup_{[t_1, λ]} ψ)``, and chaining from
  the central cell, ``R <= max(central, sup ψ over the cells)``. On a cell, ``χ(t_1 + e) <= χ_1 + χ'_1 e + C_2 e²/2``,
  so ``g(t) <= g_1 + χ_1 d + χ'_1 d²/2 + C_2 d³/6`` and ``ψ(t) <= max(ψ_1, χ_1) + max(χ'_1, 0) δ²/(2 t_1) +
  C_2 δ³/(6 t_1)`` (the first part is a mediant of ``g_1/t_1`` and ``χ_1``);
* tail ``[L, ∞)``: ``R(λ) <= N(∞)/D(L)`` (``N`` increasing to ``N(∞) = d(max f || p̄)``, ``D(λ) >= D(L)``), or
  ``<= max(R(L), g(∞)/L)`` when ``max f < 1``.

``max`` over the cover is a certified upper end; cells whose bound is above the target are bisected
(best first) until the target or the work budget (:mod:`derive.channels.budget`: counted work, so the printed
values do not depend on the machine) is reached — the bound is valid whenever the search stops.
The lower end is ``max(η_χ², R at every evaluated λ, R(±∞))``. When every cell bound is ``<= η_χ²`` the
report says **η_KL = η_χ² (certified)**.

**Arithmetic.** :func:`eta_kl_binary` (certified path): exact rationals (python-flint ``fmpq``) for everything
at ``λ = 0``; arb balls for every point evaluation (ball ends rounded outward to floats); the cell
bounds in float64 with every operation rounded outward (``math.nextafter``). :func:`eta_kl_binary_float` (the
many-problem path, e.g. one problem per ``n`` of a cluster model): the same search, with the point
evaluations in float64 (many ``λ`` at once) and outward margins: every sum of ``k`` terms is widened by
``ε = (k + 64) 2^-50`` (``= 8 (k + 64) u``) times the sum of the absolute values of its terms — above ``γ_k`` of
the summation, the few-ulp error of ``exp``/``expm1``/``log`` and an input error of up to 16 ulp per entry (the
caller adds any larger input error, ``input_rel``) — plus ``|λ| (max f + 1)(2^-50 + input_rel)`` for the
rounding of the exponents; ``log`` results by ``2^-44`` relative plus ``2^-60``; every later operation on the
enclosures rounds outward by one ulp. Cancellation-free forms: ``g = log1p(T / (S_0 p̄))`` with
``T = Σ P (e^{λ(f − p̄)} − 1)(f − p̄)`` for ``λ (max f − p̄) <= 1``; ``D = −log Z − λ Σ w (max f − f) / Z``;
central moments about the computed mean corrected by ``E(f − c)² = κ_2 + (m − c)²`` and
``E(f − c)³ = κ_3 + 3κ_2 (m − c) + (m − c)³``, and widened for input errors of ``f`` by
``2ε sqrt(κ_2 E f²)`` and ``3ε E[(f − c)² f]`` (Cauchy–Schwarz). Tests compare it with the arb path.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from derive.channels.budget import WorkBudget, as_budget
from derive.numeric.exact import float_down, float_up

try:
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a declared dependency
    _flint = None

__all__ = ["TiltBracket", "eta_kl_binary", "eta_kl_binary_float", "symmetric_certificate",
           "binary_output_column", "TILT_BUDGET"]

#: Default budget (nominal seconds of counted work, :mod:`derive.channels.budget`) of one cell search.
TILT_BUDGET = 2.0
#: Work units of one refinement round (the batch call and its bookkeeping) and of each cell it re-bounds.
ROUND_UNITS = 6500
CELL_UNITS = 30


#: Bisections of one cell search at most (the bound is valid whenever it stops).
_MAX_POINTS = 4000
_INF = math.inf


# ----------------------------------------------------------------------------------- outward float arithmetic

#: ``np.log``/``math.log`` margins: relative 2^-44 plus 2^-60 absolute, above their few-ulp error (as in
#: :mod:`derive.channels.simplex`).
_LOGREL = 2.0 ** -44
_LOGABS = 2.0 ** -60

def _u(x: float) -> float:
    """``x`` (a float result of one correctly rounded operation) moved up by one ulp: above the exact value."""
    return math.nextafter(x, _INF)


def _d(x: float) -> float:
    return math.nextafter(x, -_INF)


class _I:
    """A float interval ``[lo, hi]`` with outward-rounded arithmetic (each result widened by one ulp)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi

    def __add__(self, o: "_I") -> "_I":
        return _I(_d(self.lo + o.lo), _u(self.hi + o.hi))

    def __sub__(self, o: "_I") -> "_I":
        return _I(_d(self.lo - o.hi), _u(self.hi - o.lo))

    def __mul__(self, o: "_I") -> "_I":
        ps = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        ps = [0.0 if math.isnan(p) else p for p in ps]
        return _I(_d(min(ps)), _u(max(ps)))

    def __truediv__(self, o: "_I") -> "_I":
        if o.lo <= 0 <= o.hi:
            return _I(-_INF, _INF)
        return self * _I(_d(1 / o.hi), _u(1 / o.lo))

    def sq(self) -> "_I":
        if self.lo >= 0:
            return _I(_d(self.lo * self.lo), _u(self.hi * self.hi))
        if self.hi <= 0:
            return _I(_d(self.hi * self.hi), _u(self.lo * self.lo))
        return _I(0.0, _u(max(self.lo * self.lo, self.hi * self.hi)))


def _pt(x: float) -> _I:
    return _I(x, x)


def _frac_iv(x: Fraction) -> _I:
    return _I(float_down(x), float_up(x))


# ----------------------------------------------------------------------------------- results

@dataclass(frozen=True)
class TiltBracket:
    """``lower <= η_KL(P, K) <= upper`` for a binary-output channel, by the tilt reduction.

    ``chi2``: η_χ²(P, K) (exact rational on the certified path, else a float upper end); ``equal``: the cover
    showed ``R(λ) <= η_χ²`` everywhere, so η_KL = η_χ² (certified); ``one_minus_lower``: a certified lower
    bound on ``1 − η_KL`` computed without cancellation (useful when η_KL is within 1e-300 of 1).
    """

    lower: Fraction
    upper: Fraction
    chi2: Fraction
    equal: bool
    lower_how: str
    upper_how: str
    route: str
    points: int = 0
    seconds: float = 0.0
    converged: bool = True
    witness_lambda: float | None = None
    one_minus_lower: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def width(self) -> Fraction:
        return self.upper - self.lower


def binary_output_column(rows: Sequence[Sequence[Fraction]]) -> int | None:
    """The column ``y`` with ``f(x) = K(y | x)`` when ``K`` has exactly two outputs (counting outputs that some
    input reaches), else ``None``."""
    live = [y for y in range(len(rows[0])) if any(r[y] != 0 for r in rows)]
    if len(live) == 1:
        return live[0]
    if len(live) == 2:
        return live[1]
    return None


# ----------------------------------------------------------------------------------- derivative bounds

def _c2(r: float) -> float:
    """``|χ''| <= χ(r² + 3rχ + 2.5χ²)`` at ``χ = χ_max = min(r, 1)`` (rounded up)."""
    c = min(r, 1.0)
    return _u(_u(c * _u(_u(_u(r * r) + _u(3 * _u(r * c))) + _u(2.5 * _u(c * c)))) * (1 + 1e-12))


def _c3(r: float) -> float:
    """A bound on ``|χ'''|`` at ``χ = χ_max`` (module docstring §5): ``χ''' = T1' − T2' − T3' + T4'`` with
    ``T1 = κ4/u``, ``T2 = κ2κ3 s/u²``, ``T3 = 2χχ's``, ``T4 = 2χ²κ2`` and
    ``|T1'| <= 3.5r³χ + r²χ²``, ``|T2'| <= 2r²χ² + 2.5rχ³``, ``|T3'| <= 2χ²(r + χ)² + 2χ²(r² + 3rχ + 2.5χ²)
    + χ³(r + χ)``, ``|T4'| <= χ³(r + χ) + rχ³/2`` (``κ2 = χu <= χ/4``)."""
    c = min(r, 1.0)
    t1 = 3.5 * r ** 3 * c + r * r * c * c
    t2 = 2 * r * r * c * c + 2.5 * r * c ** 3
    t3 = 2 * c * c * (r + c) ** 2 + 2 * c * c * (r * r + 3 * r * c + 2.5 * c * c) + c ** 3 * (r + c)
    t4 = c ** 3 * (r + c) + r * c ** 3 / 2
    return (t1 + t2 + t3 + t4) * (1 + 1e-9)  # a few float operations on non-negative terms: 1e-9 covers them


def _central_bound(chi0: float, d1: float, d2: float, c3: float, h: float) -> float:
    """An upper bound on ``χ0 + max_{v ∈ [0, h]} (d1 v + d2 v²/2 + c3 v³/6)`` (``c3 >= 0``)."""
    if d1 <= 0 and d2 < 0 and c3 * h <= 3 * -d2 * (1 - 1e-9):
        return chi0                                          # p(v) <= v^2 (d2/2 + c3 h/6) <= 0 on [0, h]
    # the cubic p(v) = d1 v + d2 v^2/2 + c3 v^3/6 is bounded on [0, h] by its value at the ends and at its
    # critical points; each evaluation is widened by 1e-12 of the sum of the absolute values of its terms
    cands = [0.0, h]
    a, b, c = c3 / 2, d2, d1                                     # p'(v) = a v^2 + b v + c
    if a > 0:
        disc = b * b - 4 * a * c
        if disc >= 0:
            for v in ((-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)):
                if 0 < v < h:
                    cands.append(v)
    elif b != 0:
        v = -c / b
        if 0 < v < h:
            cands.append(v)
    best = 0.0
    for v in cands:
        terms = (d1 * v, d2 * v * v / 2, c3 * v ** 3 / 6)
        p = sum(terms) + 1e-12 * sum(abs(t) for t in terms)
        best = max(best, p)
    # for v near a critical point the float position may miss the exact maximum by a tiny amount: add the
    # variation over a neighbourhood of relative size 1e-12 of h
    best += (abs(d1) + abs(d2) * h + c3 * h * h) * h * 1e-12
    return _u(chi0 + best) if best > 0 else chi0


# ----------------------------------------------------------------------------------- point evaluations

@dataclass
class _Point:
    t: float
    chi: _I
    dchi: _I
    psi: _I
    R: _I
    D: _I
    N: _I


class _ArbSide:
    """Point evaluations on the positive side for exact rational ``f``, ``P`` (arb balls)."""

    def __init__(self, f: Sequence[Fraction], P: Sequence[Fraction], prec: int) -> None:
        self.prec = prec
        _flint.ctx.prec = prec
        self.fq = [_flint.fmpq(v.numerator, v.denominator) for v in f]
        self.Pq = [_flint.fmpq(v.numerator, v.denominator) for v in P]
        self.fa = [_flint.arb(v) for v in self.fq]
        self.oa = [_flint.arb(1 - v) for v in self.fq]
        self.Pa = [_flint.arb(v) for v in self.Pq]
        self.fmax = max(f)
        self.fmax_a = _flint.arb(_flint.fmpq(self.fmax.numerator, self.fmax.denominator))
        self.dfa = [_flint.arb(_flint.fmpq(self.fmax.numerator, self.fmax.denominator) - v) for v in self.fq]
        pbar = sum((p * v for p, v in zip(P, f)), Fraction(0))
        self.pbar = _flint.arb(_flint.fmpq(pbar.numerator, pbar.denominator))
        self.qbar = 1 - self.pbar
        self.logit_p = (self.pbar / self.qbar).log()
        #: work units of one point evaluation (:mod:`derive.channels.budget`): arb balls over the types
        self.point_units = 480 + 30 * len(f)

    def at(self, t: float) -> _Point:
        _flint.ctx.prec = self.prec
        ta = _flint.arb(t)
        Z = S1 = S0 = Sdf = _flint.arb(0)
        ws = []
        for p, fv, ov, dv in zip(self.Pa, self.fa, self.oa, self.dfa):
            w = p * (-(ta * dv)).exp()
            ws.append(w)
            Z += w
            S1 += w * fv
            S0 += w * ov
            Sdf += w * dv
        m, om = S1 / Z, S0 / Z
        k2 = k3 = _flint.arb(0)
        for w, fv in zip(ws, self.fa):
            dd = fv - m
            d2 = dd * dd
            k2 += w * d2
            k3 += w * d2 * dd
        k2, k3 = k2 / Z, k3 / Z
        u = m * om
        chi = k2 / u
        dchi = k3 / u - chi * chi * (om - m)
        g = (S1 / S0).log() - self.logit_p
        N = m * (m / self.pbar).log() + om * (om / self.qbar).log()
        D = -Z.log() - ta * Sdf / Z
        return _Point(t, _ball(chi), _ball(dchi), _ball(g / ta), _ball(N / D), _ball(D), _ball(N))


def _ball(b: Any) -> _I:
    if not b.is_finite():
        return _I(-_INF, _INF)
    lo, hi = b.lower(), b.upper()
    return _I(float_down(_arbf(lo)), float_up(_arbf(hi)))


def _arbf(v: Any) -> Fraction:
    man, exp = v.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * (1 << exp)) if exp >= 0 else Fraction(man, 1 << -exp)


class _VI:
    """:class:`_I` over numpy arrays (elementwise; each result widened by one ulp with ``np.nextafter``)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Any, hi: Any) -> None:
        self.lo, self.hi = lo, hi

    def __add__(self, o: "_VI") -> "_VI":
        return _VI(np.nextafter(self.lo + o.lo, -_INF), np.nextafter(self.hi + o.hi, _INF))

    def __sub__(self, o: "_VI") -> "_VI":
        return _VI(np.nextafter(self.lo - o.hi, -_INF), np.nextafter(self.hi - o.lo, _INF))

    def __mul__(self, o: "_VI") -> "_VI":
        with np.errstate(invalid="ignore", over="ignore"):
            ps = np.stack([self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi])
        ps = np.where(np.isnan(ps), 0.0, ps)
        return _VI(np.nextafter(ps.min(axis=0), -_INF), np.nextafter(ps.max(axis=0), _INF))

    def __truediv__(self, o: "_VI") -> "_VI":
        pos = o.lo > 0
        with np.errstate(divide="ignore", over="ignore"):
            inv = _VI(np.nextafter(1 / np.where(pos, o.hi, 1.0), -_INF), np.nextafter(1 / np.where(pos, o.lo, 1.0), _INF))
        out = self * inv
        return _VI(np.where(pos, out.lo, -_INF), np.where(pos, out.hi, _INF))

    def sq(self) -> "_VI":
        a, b = self.lo * self.lo, self.hi * self.hi
        lo = np.where(self.lo >= 0, a, np.where(self.hi <= 0, b, 0.0))
        return _VI(np.nextafter(lo, -_INF), np.nextafter(np.maximum(a, b), _INF))

    def at(self, i: int) -> _I:
        return _I(float(self.lo[i]), float(self.hi[i]))


def _vrel(v: Any, rel: Any, scale: Any = None) -> _VI:
    """``v ± rel · scale`` (``scale`` defaults to ``|v|``), outward."""
    s = np.abs(v) if scale is None else scale
    return _VI(np.nextafter(v - rel * s, -_INF), np.nextafter(v + rel * s, _INF))


def _vlog(x: _VI) -> _VI:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.log(np.where(x.lo > 0, x.lo, 1.0))
        b = np.log(np.where(x.hi > 0, x.hi, 1.0))
    return _VI(np.where(x.lo > 0, a - np.abs(a) * _LOGREL - _LOGABS, -_INF), b + np.abs(b) * _LOGREL + _LOGABS)


def _vlog1p(x: _VI) -> _VI:
    ok = x.lo > -1
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.log1p(np.where(ok, x.lo, 0.0))
        b = np.log1p(np.where(ok, x.hi, 0.0))
    return _VI(np.where(ok, a - np.abs(a) * _LOGREL - _LOGABS, -_INF), np.where(ok, b + np.abs(b) * _LOGREL + _LOGABS, _INF))


def _vxlogy(x: _VI, y: _VI) -> _VI:
    ly = _vlog(y)
    return _VI(np.maximum(x.lo, 0.0), x.hi) * ly


class _FloatSide:
    """Point evaluations on the positive side in float64 with outward margins (module docstring); many
    ``t`` at once (rows of a ``len(t) × k`` array)."""

    def __init__(self, f: np.ndarray, omf: np.ndarray, P: np.ndarray, pbar: float, extra: float = 0.0) -> None:
        self.f, self.omf, self.P = f, omf, P
        self.extra = extra
        self.k = len(f)
        self.fmax = float(f.max())
        self.dfmax = self.fmax - f                               # >= 0 (computed exactly up to one rounding)
        self.pbar = pbar
        self.df = f - pbar
        self.eps = (self.k + 64) * 2.0 ** -50 + extra
        self.logit_p = math.log(pbar) - math.log1p(-pbar)
        #: work units of one point evaluation (:mod:`derive.channels.budget`): a row of float arrays over the types
        self.point_units = 90 + 0.75 * self.k

    def at(self, t: float) -> _Point:
        return self.at_many([t])[0]

    def at_many(self, ts: Sequence[float]) -> list[_Point]:
        t = np.asarray(ts, dtype=float)[:, None]
        tt = t[:, 0]
        eps = self.eps + tt * (self.fmax + 1) * (2.0 ** -50 + self.extra)   # the exponent's error: |t e| (u + input)
        P, f, om = self.P, self.f, self.omf
        w = P * np.exp(-t * self.dfmax)                          # P e^{t (f - fmax)}
        Z = w.sum(axis=1)
        S1 = (w * f).sum(axis=1)
        S0 = (w * om).sum(axis=1)
        Sdf = (w * self.dfmax).sum(axis=1)
        Zi, S1i, S0i, Sdfi = _vrel(Z, eps), _vrel(S1, eps), _vrel(S0, eps), _vrel(Sdf, eps)
        m_i, om_i = S1i / Zi, S0i / Zi
        mc = S1 / Z
        d = f - mc[:, None]
        wd2 = w * d * d
        k2c = wd2.sum(axis=1) / Z
        k3c = (wd2 * d).sum(axis=1) / Z
        a3 = (wd2 * np.abs(d)).sum(axis=1) / Z
        dm = np.maximum(np.abs(m_i.hi - mc), np.abs(mc - m_i.lo))          # |m - mc|
        # input errors of f (relative <= eps): |d(sum w (f - c)^2)| <= 2 eps sum w |f - c| f <= 2 eps sqrt(k2 E f^2)
        # and |d(sum w (f - c)^3)| <= 3 eps E[(f - c)^2 f]
        ef2 = (w * f * f).sum(axis=1) / Z
        in2 = (2 * eps * np.sqrt(k2c * ef2) + eps * eps * ef2) * (1 + 4 * eps)
        in3 = (3 * eps * (wd2 * f).sum(axis=1) / Z + 3 * eps * eps * (w * np.abs(d)).sum(axis=1) / Z + eps ** 3) \
            * (1 + 4 * eps)
        # E(f - c)^2 = k2 + (m - c)^2 and E(f - c)^3 = k3 + 3 k2 (m - c) + (m - c)^3 (c = mc)
        k2 = _VI(np.maximum(np.nextafter(k2c * (1 - 4 * eps) - in2 - dm * dm, -_INF), 0.0),
                 np.nextafter(k2c * (1 + 4 * eps) + in2, _INF))
        r3 = 4 * eps * a3 + in3 + 3 * k2.hi * dm + dm ** 3
        k3 = _VI(np.nextafter(k3c - r3, -_INF), np.nextafter(k3c + r3, _INF))
        u = m_i * om_i
        chi = k2 / u
        dchi = k3 / u - chi * chi * (om_i - m_i)
        pb = _vrel(np.full(len(tt), self.pbar), eps)
        # g = log(S1 (1 - pbar) / (S0 pbar)). Small t: centred at c = pbar, g = log1p(T / (S0c pbar)) with
        # T = sum P e^{t(f - c)} (f - pbar) = sum P expm1(t (f - c)) (f - pbar) + sum P (f - pbar), the last sum
        # 0 exactly; S0c = sum P (1 - f) e^{t (f - c)}; scaleT also covers input errors of f (t e^{..}).
        small = tt * (self.fmax - self.pbar) <= 1
        ts = np.where(small, tt, 0.0)[:, None]
        ex = ts * self.df
        em = np.expm1(ex)
        T = (P * em * self.df).sum(axis=1)
        scaleT = (P * (np.abs(em) + ts * np.exp(ex)) * (np.abs(self.df) + 1)).sum(axis=1)
        Ti = _vrel(T, 4 * eps, scaleT)
        S0ci = _vrel((P * om * np.exp(ex)).sum(axis=1), eps)
        g_small = _vlog1p(Ti / (S0ci * pb))
        lp = np.full(len(tt), self.logit_p)
        g_large = _vlog(S1i / S0i) - _vrel(lp, 4 * eps, np.abs(lp) + 2)
        g = _VI(np.where(small, g_small.lo, g_large.lo), np.where(small, g_small.hi, g_large.hi))
        N = _vxlogy(m_i, m_i / pb) + _vxlogy(om_i, om_i / (_VI(np.ones(len(tt)), np.ones(len(tt))) - pb))
        lZ = _vlog(Zi)
        D = _VI(-lZ.hi, -lZ.lo) - _VI(tt, tt) * Sdfi / Zi
        D = _VI(np.maximum(D.lo, 0.0), D.hi)
        R = N / D
        psi = g / _VI(tt, tt)
        return [_Point(float(tt[i]), chi.at(i), dchi.at(i), psi.at(i), R.at(i), D.at(i), N.at(i))
                for i in range(len(tt))]




def _logd(x: float) -> float:
    v = math.log(x)
    return v - abs(v) * _LOGREL - _LOGABS


def _logu(x: float) -> float:
    v = math.log(x)
    return v + abs(v) * _LOGREL + _LOGABS


def _log1p_iv(x: _I) -> _I:
    if x.lo <= -1:
        return _I(-_INF, _INF)
    lo, hi = math.log1p(x.lo), math.log1p(x.hi)
    return _I(lo - abs(lo) * _LOGREL - _LOGABS, hi + abs(hi) * _LOGREL + _LOGABS)


def _xlogy_iv(x: _I, y: _I) -> _I:
    """``x log y`` for ``x >= 0``, ``y > 0`` intervals."""
    if y.lo <= 0:
        return _I(-_INF, _INF)
    ly = _I(_logd(y.lo), _logu(y.hi))
    return _I(max(x.lo, 0.0), x.hi) * ly


# ----------------------------------------------------------------------------------- the cover (one side)

@dataclass
class _SideResult:
    upper: float                # certified sup of R on this side (float, rounded up)
    lower: float                # best certified R found on this side (float, rounded down)
    lower_lambda: float | None
    points: int
    converged: bool
    central: float
    central_exact: bool         # the central bound is eta_chi2 itself (chi'(0) = 0, chi''(0) < 0, h small)
    others: float               # max of the cell and tail bounds


def _eval_many(ev: Any, ts: Sequence[float]) -> list[_Point]:
    if hasattr(ev, "at_many"):
        return ev.at_many(ts)
    return [ev.at(t) for t in ts]


class _Cover:
    """The cover of one side (module docstring §5): a central Taylor cell ``(0, h]``, cells between evaluated
    points, and a tail. For a ``λ`` in cell ``j``, ``R(λ) <= min(chain_j, mediant_j)`` with
    ``chain_j = max(central, ψ-bounds of cells 0..j)`` (mediant chained from ``h``) and
    ``mediant_j = max(R_1, (N_1 + ψ_sup ΔD)/(D_1 + ΔD))`` (mediant from the cell's left end)."""

    def __init__(self, ev: Any, chi0_hi: float, d1: _I, d2: _I, r: float, n_inf: _I, d_inf: _I | None,
                 g_inf: float, target: float, scale: float) -> None:
        self.ev, self.r, self.n_inf, self.d_inf, self.g_inf = ev, r, n_inf, d_inf, g_inf
        self.c2, c3 = _c2(r), _c3(r)
        h = 2.0 * scale
        if d1.hi <= 0 <= d1.lo and d2.hi < 0:
            h = min(h, _d(3 * -d2.hi / c3) * (1 - 1e-9))
        central = _central_bound(chi0_hi, d1.hi, d2.hi, c3, h)
        for _ in range(80):
            if central <= max(target, chi0_hi):
                break
            h /= 2
            central = _central_bound(chi0_hi, d1.hi, d2.hi, c3, h)
        self.central = central
        self.central_exact = central == chi0_hi and d1.hi <= 0 <= d1.lo and d2.hi < 0 \
            and c3 * h <= 3 * -d2.hi * (1 - 1e-9)
        ts: list[float] = []
        t, L = h, 40.0 * scale
        while True:
            ts.append(t)
            if t >= L:
                break
            t = t * 1.5 if t * 1.5 < L * 0.999 else L
        self.pts = pts = _eval_many(ev, ts)
        self.best_lo, self.best_lam = -_INF, None
        for p in pts:
            self._note(p)
        self.psib = [self._psi_bound(pts[i], pts[i + 1]) for i in range(len(pts) - 1)]
        self.med = [self._mediant(pts[i], pts[i + 1], self.psib[i]) for i in range(len(pts) - 1)]
        self.converged = False

    def _note(self, p: _Point) -> None:
        if math.isfinite(p.R.lo) and p.R.lo > self.best_lo:
            self.best_lo, self.best_lam = p.R.lo, p.t

    def _psi_bound(self, p: _Point, q: _Point) -> float:
        """``sup_{[p.t, q.t]} ψ``: ``max(ψ_1, (g_1 + χ_1 δ)/(t_1 + δ)) + max(χ'_1, 0) δ²/(2 t_1) + C_2 δ³/(6 t_1)``."""
        t1, delta = p.t, _u(q.t - p.t)
        g1 = _u(p.psi.hi * t1) if p.psi.hi >= 0 else _u(p.psi.hi * _d(t1))
        m2 = _u(_u(g1 + _u(p.chi.hi * delta)) / _d(t1 + delta))
        base = max(p.psi.hi, m2)
        e2 = _u(_u(max(p.dchi.hi, 0.0) * _u(delta * delta)) / _d(2 * t1))
        e3 = _u(_u(self.c2 * _u(_u(delta * delta) * delta)) / _d(6 * t1))
        return _u(_u(base + e2) + e3)

    @staticmethod
    def _mediant(p: _Point, q: _Point, psi_sup: float) -> float:
        if not (p.D.lo > 0 and math.isfinite(p.N.hi) and math.isfinite(q.D.hi)):
            return _INF
        dd = max(_u(q.D.hi - p.D.lo), 0.0)
        a = _u(p.N.hi / p.D.lo)
        b = _u(_u(p.N.hi + _u(max(psi_sup, 0.0) * dd)) / _d(p.D.lo + dd))
        return max(a, b)

    def bounds(self) -> tuple[list[float], float]:
        """Per-cell bounds ``min(chain_j, mediant_j)`` and the tail bound."""
        out, chain = [], self.central
        for pb, md in zip(self.psib, self.med):
            chain = max(chain, pb)
            out.append(min(chain, md))
        last = self.pts[-1]
        tail = _INF
        if last.D.lo > 0 and math.isfinite(self.n_inf.hi):
            tail = _u(self.n_inf.hi / last.D.lo)
        if math.isfinite(self.g_inf):
            gl = _u(self.g_inf / last.t)
            tail = min(tail, max(last.R.hi, gl), max(chain, gl))
        return out, tail

    def refine(self, target: Any, budget: WorkBudget, max_points: int = _MAX_POINTS) -> None:
        """Split every cell above ``target()`` (and extend the tail) per round, until none is above it or the
        work budget or the point limit (``max_points``, at most :data:`_MAX_POINTS`) is reached. A round costs
        ``ROUND_UNITS + CELL_UNITS * cells + new points * ev.point_units`` units of ``budget``."""
        max_points = min(max_points, _MAX_POINTS)
        while True:
            cells, tail = self.bounds()
            tg = target()
            bad = [i for i, b in enumerate(cells) if b > tg]
            if not bad and tail <= tg and self.central <= tg:
                self.converged = True
                return
            if (not bad and tail <= tg) or budget.exhausted() or len(self.pts) > max_points:
                return
            new_pts = []
            if tail > tg:
                if self.pts[-1].t * self.r > 1e6:                 # the float exponent margins stop here
                    if not bad:
                        return
                else:
                    new_pts.append(self.pts[-1].t * 2)
            for i in bad:
                p, q = self.pts[i], self.pts[i + 1]
                tm = math.sqrt(p.t * q.t) if q.t > 2 * p.t else (p.t + q.t) / 2
                if p.t < tm < q.t:
                    new_pts.append(tm)
            if not new_pts:
                return
            old = {(self.pts[i].t, self.pts[i + 1].t): (self.psib[i], self.med[i]) for i in range(len(self.pts) - 1)}
            budget.spend(ROUND_UNITS + CELL_UNITS * len(self.pts) + self.ev.point_units * len(new_pts))
            for newp in _eval_many(self.ev, new_pts):
                self._note(newp)
                self.pts.append(newp)
            self.pts.sort(key=lambda p: p.t)
            self.psib, self.med = [], []
            for i in range(len(self.pts) - 1):          # cells not split keep their bounds (same end points)
                hit = old.get((self.pts[i].t, self.pts[i + 1].t))
                if hit is None:
                    pb = self._psi_bound(self.pts[i], self.pts[i + 1])
                    hit = (pb, self._mediant(self.pts[i], self.pts[i + 1], pb))
                self.psib.append(hit[0])
                self.med.append(hit[1])

    def result(self) -> _SideResult:
        cells, tail = self.bounds()
        upper = max([self.central, tail] + cells)
        best_lo, best_lam = self.best_lo, self.best_lam
        if self.d_inf is not None and self.d_inf.hi > 0 and math.isfinite(self.n_inf.lo) and self.n_inf.lo > 0:
            r_inf = _d(self.n_inf.lo / self.d_inf.hi)
            if r_inf > best_lo:
                best_lo, best_lam = r_inf, _INF
        return _SideResult(upper, best_lo, best_lam, len(self.pts), self.converged, self.central,
                           self.central_exact, max([tail] + cells))


def _run_covers(covers: list[_Cover], chi0_hi: float, chi0_lo: float, slack: float, budget: WorkBudget,
                eq_target: float | None = None, polish: bool = True) -> list[_SideResult]:
    """Refine both sides against the target ``max(η_χ² upper end, best lower end) + slack``."""
    def target() -> float:
        lo = max([chi0_lo] + [c.best_lo for c in covers]
                 + [c.result().lower for c in covers])
        return max(chi0_hi, lo) + slack

    for i, c in enumerate(covers):
        c.refine(target, budget.share(len(covers) - i))
    res = [c.result() for c in covers]
    # polish: no witness above eta_chi2 and the cover is within the slack of it: try to certify equality, with up to
    # twice as many points again per side (counted, like every budget here: derive.channels.budget)
    eq = chi0_hi if eq_target is None else eq_target
    if polish and max(r.others for r in res) > eq and max(r.lower for r in res) <= chi0_hi:
        for i, c in enumerate(covers):
            if c.result().others > eq:  # noqa: SIM102
                c.refine(lambda: eq, budget.share(len(covers) - i), max_points=3 * len(c.pts) + 8)
        res = [c.result() for c in covers]
    return res


# ----------------------------------------------------------------------------------- the symmetric certificate

def symmetric_certificate(x_hi: float) -> float | None:
    """The ``T`` of module docstring §4 when ``1 − η_χ² <= x_hi`` certifies η_KL = η_χ² for a symmetric
    problem, else ``None``. Float evaluation with relative margins far above its rounding errors."""
    x = max(float(x_hi), 1e-300)
    if not x < 0.5:
        return None
    disc = 1 - 4 * x * (2 - x)
    if disc <= 0:
        return None
    y = (1 - math.sqrt(disc)) / (2 * x) if x > 1e-8 else (2 - x) * (1 + 2 * x)   # smaller root (series for tiny x)
    y2 = (1 + math.sqrt(disc)) / (2 * x)
    y = y * (1 + 1e-6)                                       # strictly inside [y1, y2]
    if not (y < y2 * (1 - 1e-6)):
        return None
    if not x * y * y - y + 2 - x <= -1e-9 * (x * y * y + y + 2):
        return None
    k = 1 - x
    lhs = (y + 1 / y) / 2
    rhs = k * k / (x * (2 - x))                              # k^2 / (1 - k^2)
    if not lhs * (1 + 1e-9) <= rhs * (1 - 1e-9):
        return None
    return 2 * math.log(y)


def _is_symmetric(f: Sequence[Fraction], P: Sequence[Fraction]) -> bool:
    """An involution σ of the support with ``P∘σ = P`` and ``f∘σ = 1 − f`` exists (exact check)."""
    pairs = sorted(zip(f, P))
    mirror = sorted((1 - fv, pv) for fv, pv in zip(f, P))
    return pairs == mirror


# ----------------------------------------------------------------------------------- the certified path

def _cumulants(f: Sequence[Fraction], P: Sequence[Fraction]) -> tuple[Fraction, ...]:
    m = sum((p * v for p, v in zip(P, f)), Fraction(0))
    ks = [sum((p * (v - m) ** j for p, v in zip(P, f)), Fraction(0)) for j in (2, 3, 4)]
    k4 = ks[2] - 3 * ks[0] ** 2
    return m, ks[0], ks[1], k4


def _chi_derivs(m: Fraction, k2: Fraction, k3: Fraction, k4: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """``χ, χ', χ''`` at a point from its cumulants (exact)."""
    u = m * (1 - m)
    s = 1 - 2 * m
    chi = k2 / u
    d1 = k3 / u - chi * chi * s
    d2 = k4 / u - k2 * k3 * s / u ** 2 - 2 * chi * d1 * s + 2 * chi * chi * k2
    return chi, d1, d2


def _bin_kl(a: Fraction, b: Fraction, prec: int) -> _I:
    """``d(a || b)`` as an interval (arb)."""
    _flint.ctx.prec = prec
    A, B = _flint.arb(_flint.fmpq(a.numerator, a.denominator)), _flint.arb(_flint.fmpq(b.numerator, b.denominator))
    v = _flint.arb(0)
    if a > 0:
        v += A * (A / B).log()
    if a < 1:
        v += (1 - A) * ((1 - A) / (1 - B)).log()
    return _ball(v)


def eta_kl_binary(f: Sequence[Any], P: Sequence[Any], *, slack: float = 1e-10, budget: float = TILT_BUDGET,
                  prec: int | None = None) -> TiltBracket:
    """Certified ``η_KL(P, K)`` for a binary-output ``K`` with ``f(x) = K(1 | x)`` (exact rationals).

    The bracket's lower end is ``max(η_χ², R(λ) at every evaluated λ, R(±∞))``; the upper end the cover of
    the module docstring, refined until it is within ``slack`` of the lower end (or ``η_KL = η_χ²`` is
    certified) or ``budget`` (nominal seconds of counted work, or a :class:`WorkBudget`) is spent.

    Example
    -------
    >>> b = eta_kl_binary([Fraction(1, 10), Fraction(9, 10)], [Fraction(1, 10), Fraction(9, 10)])
    >>> round(float(b.lower), 6), b.equal
    (0.552096, False)
    """
    if _flint is None:  # pragma: no cover
        raise RuntimeError("python-flint is required for the certified tilt path")
    t0 = time.perf_counter()
    f = [Fraction(v) for v in f]
    P = [Fraction(v) for v in P]
    S = [i for i, p in enumerate(P) if p > 0]
    f, P = [f[i] for i in S], [P[i] for i in S]
    tot = sum(P)
    P = [p / tot for p in P]
    fmin, fmax = min(f), max(f)
    if fmin == fmax:
        z = Fraction(0)
        why = "f = K(1|x) is constant on supp P: the output is independent of the input, eta_KL = 0"
        return TiltBracket(z, z, z, True, why, why, "constant")
    m, k2, k3, k4 = _cumulants(f, P)
    chi0, d1, d2 = _chi_derivs(m, k2, k3, k4)
    if chi0 == 1:
        why = ("f = K(1|x) is 0 or 1 on supp P (a deterministic channel there): eta_chi2 = 1, and eta_KL = 1 "
               "(reweighting the two classes keeps D(QK||PK) = D(Q||P))")
        return TiltBracket(Fraction(1), Fraction(1), Fraction(1), True, why, why, "deterministic",
                           seconds=time.perf_counter() - t0, one_minus_lower=0.0)
    A0 = sum((p * v * (1 - v) for p, v in zip(P, f)), Fraction(0))
    om_chi0 = A0 / (m * (1 - m))                                  # 1 - chi0, exact
    r = float_up(fmax - fmin)
    sym = _is_symmetric(f, P)
    lower_how = ("eta_chi2(P, K) = Var_P f / (pbar (1 - pbar)) (exact rational) <= eta_KL(P, K) "
                 "[Polyanskiy & Wu 2017]")
    if sym:
        T = symmetric_certificate(float_up(om_chi0))
        if T is not None:
            how = ("eta_KL = eta_chi2 (certified, exact): symmetric input (f <-> 1 - f under an involution preserving "
                   f"P) with 1 - eta_chi2 = {float(om_chi0):.3g}: chi(v) <= chi(0) for |v| <= T = {T:.3g} by Jensen and "
                   "convexity bounds, and beyond T because b(v) = E_{P(1-f) e^{vf}}[f] increases "
                   "(derive.channels.tilt, docstring section 4)")
            return TiltBracket(chi0, chi0, chi0, True, lower_how, how, "symmetric-analytic",
                               seconds=time.perf_counter() - t0, one_minus_lower=float_down(om_chi0))
    if prec is None:
        prec = 192 + 2 * max(0, -math.floor(math.log2(max(float(om_chi0), 1e-300))))
    work = as_budget(budget)
    chi0_hi = float_up(chi0)
    scale = 1.0 / r
    covers = []
    for side in (0, 1):
        fs = f if side == 0 else [1 - v for v in f]
        sd1 = d1 if side == 0 else -d1
        ev = _ArbSide(fs, P, prec)
        fm = max(fs)
        pb = m if side == 0 else 1 - m
        n_inf = _bin_kl(fm, pb, prec)
        p_arg = sum((p for p, v in zip(P, fs) if v == fm), Fraction(0))
        _flint.ctx.prec = prec
        d_inf = _ball(-_flint.arb(_flint.fmpq(p_arg.numerator, p_arg.denominator)).log())
        if fm < 1:
            _flint.ctx.prec = prec
            gi = (_flint.arb(_flint.fmpq(fm.numerator, fm.denominator)) / (1 - _flint.arb(_flint.fmpq(fm.numerator, fm.denominator)))).log() \
                - (_flint.arb(_flint.fmpq(pb.numerator, pb.denominator)) / (1 - _flint.arb(_flint.fmpq(pb.numerator, pb.denominator)))).log()
            g_inf = _ball(gi).hi
        else:
            g_inf = _INF
        covers.append(_Cover(ev, chi0_hi, _frac_iv(sd1), _frac_iv(d2), r, n_inf, d_inf, g_inf,
                             chi0_hi + slack, scale))
    results = _run_covers(covers, chi0_hi, float_down(chi0), slack, work, eq_target=float_down(chi0))
    return _assemble(chi0, float_down(chi0), results, slack, t0, sym, exact_chi0=True, om_chi0=om_chi0, r=r,
                     clock_stop=work.stopped_by_clock)


def _target(chi0_hi: float, lower: float, slack: float) -> float:
    return max(chi0_hi, lower) + slack


def _assemble(chi0: Fraction, chi0_lo: float, results: list[_SideResult], slack: float, t0: float, sym: bool, *,
              exact_chi0: bool, om_chi0: Fraction | float | None, r: float = 1.0, clock_stop: bool = False) -> TiltBracket:
    up = max(res.upper for res in results)
    capped = not up < min(r, 1.0)
    up = min(up, r, 1.0)                                         # eta_KL <= eta_TV = r (Dobrushin) <= 1
    lo_side = max(results, key=lambda res: res.lower)
    lower = max(chi0_lo, lo_side.lower)
    equal = all(res.central_exact or Fraction(res.central) <= chi0 for res in results) \
        and all(Fraction(res.others) <= chi0 for res in results)
    lam = lo_side.lower_lambda if lo_side.lower > chi0_lo else None
    if lam is not None and results.index(lo_side) == 1:
        lam = -lam
    if equal:
        upper = chi0
        lower_f = chi0 if exact_chi0 else Fraction(chi0_lo)
        upper_how = ("eta_KL = eta_chi2 (certified): every cell of the tilt cover (central Taylor cell, mediant cells, "
                     "tail) bounds D(QK||PK)/D(Q||P) by eta_chi2 (derive.channels.tilt, docstring section 5)")
        route = "chi-criterion cover"
    else:
        upper = max(Fraction(up), Fraction(lower))
        lower_f = max(Fraction(lower), chi0 if exact_chi0 else Fraction(chi0_lo))
        upper_how = (f"tilt cover over lambda (central Taylor cell, {sum(r.points for r in results)} evaluated points with "
                     "mediant cell bounds, monotone tail; derive.channels.tilt, docstring section 5)"
                     + ("" if all(r.converged for r in results) else " (work budget reached)")
                     + (" (stopped by the CPU-time safety stop: these digits depend on the machine)" if clock_stop
                        else ""))
        route = "tilt cover"
        if capped:
            upper_how = "eta_KL <= eta_TV(K on supp P) = max f - min f (Dobrushin; the tilt cover gave no better bound)"
            route = "Dobrushin"
    if lam is not None and not equal:
        lower_how = (f"witness: the tilt Q ~ P e^(lambda f) at lambda = {lam:.6g}: D(QK||PK)/D(Q||P) enclosed (arb balls or outward-rounded float64)"
                     if math.isfinite(lam) else
                     "witness: P conditioned on the " + ("argmax" if lam > 0 else "argmin") + " of f (lambda = "
                     + ("+" if lam > 0 else "-") + "inf): d(f_max || pbar)/(-log P(argmax)), outward-rounded")
    else:
        lower_how = "eta_chi2(P, K) = Var_P f / (pbar (1 - pbar)) <= eta_KL(P, K) [Polyanskiy & Wu 2017]"
    if lower_f > upper:
        lower_f = upper
    oml = None
    if equal and om_chi0 is not None:
        oml = float_down(Fraction(om_chi0)) if isinstance(om_chi0, Fraction) else float(om_chi0)
    return TiltBracket(lower_f, upper, chi0, equal, lower_how, upper_how, route,
                       points=sum(r.points for r in results), seconds=time.perf_counter() - t0,
                       converged=all(r.converged for r in results), witness_lambda=lam, one_minus_lower=oml)


# ----------------------------------------------------------------------------------- the float path

def eta_kl_binary_float(f: np.ndarray, P: np.ndarray, *, omf: np.ndarray | None = None, symmetric: bool = False,
                        slack: float = 1e-12, budget: float = 0.5, chi0: tuple[float, float] | None = None,
                        om_chi0_lo: float | None = None, polish: bool = True, input_rel: float = 0.0) -> TiltBracket:
    """:func:`eta_kl_binary` with float64 inputs (``omf = 1 − f`` computed accurately by the caller when
    ``f`` is near 1) and float64 point evaluations with outward margins (module docstring).

    ``symmetric``: the caller guarantees the symmetry of §4 (then ``χ'(0) = 0`` exactly). ``chi0``: a certified
    ``(lo, hi)`` of η_χ²(P, K) computed by the caller, else computed here; ``om_chi0_lo``: a certified lower end
    of ``1 − η_χ²``. ``input_rel``: a bound on the relative error of the entries of ``f``, ``1 − f`` and ``P``
    beyond 16 ulp (added to every margin). Returns rationals equal to the float ends (upper rounded up).
    """
    t0 = time.perf_counter()
    f = np.asarray(f, dtype=float)
    P = np.asarray(P, dtype=float)
    omf = 1 - f if omf is None else np.asarray(omf, dtype=float)
    keep = P > 0
    f, P, omf = f[keep], P[keep], omf[keep]
    k = len(f)
    eps = (k + 64) * 2.0 ** -50 + 4 * input_rel
    s = float(P.sum())
    P = P / s
    eps += 2.0 ** -48
    if k <= 1 or P.sum() <= 0:
        z = Fraction(0)
        return TiltBracket(z, z, z, True, "P is a point mass", "P is a point mass", "constant")
    # max f - min f of the exact problem, whose entries are within relative eps of these floats
    r = _u(_u(float(f.max() - f.min()) * (1 + eps)) + _u(2 * eps * float(np.abs(f).max())))
    if float(f.max() - f.min()) == 0:
        how = ("f is constant in float64: eta_KL <= eta_TV = max f - min f <= 2 eps max f for the exact entries "
               "(Dobrushin)")
        return TiltBracket(Fraction(0), Fraction(r), Fraction(r), False, "eta_KL >= 0", how, "Dobrushin",
                           converged=False)
    pbar = float((P * f).sum())
    qbar = float((P * omf).sum())
    if not (0 < pbar < 1 and 0 < qbar < 1):  # an output law at 0 or 1 in float64 (a prior within 1e-17 of a point)
        how = (f"the output law is {pbar!r}/{qbar!r} in float64, too close to a point mass for the float tilt "
               "search: eta_KL <= eta_TV = max f - min f (Dobrushin)")
        return TiltBracket(Fraction(0), Fraction(r), Fraction(r), False, "eta_KL >= 0", how, "Dobrushin",
                           converged=False)
    d = f - pbar
    k2 = float((P * d * d).sum())
    k3 = float((P * d ** 3).sum())
    k4c = float((P * d ** 4).sum())
    a4 = k4c
    A0 = float((P * f * omf).sum())
    # margins: sums of non-negative terms relative eps; signed sums eps times the sum of absolute terms
    pb = _I(_d(pbar * (1 - eps)), _u(pbar * (1 + eps)))
    qb = _I(_d(qbar * (1 - eps)), _u(qbar * (1 + eps)))
    dm = max(pbar, qbar) * 2 * eps                               # |pbar - exact mean| (input errors included)
    # input errors of f (relative <= eps), as in _FloatSide.at_many
    ef2 = float((P * f * f).sum())
    in2 = (2 * eps * math.sqrt(k2 * ef2) + eps * eps * ef2) * (1 + 4 * eps)
    in3 = (3 * eps * float((P * d * d * f).sum()) + 3 * eps * eps * float((P * np.abs(d)).sum()) + eps ** 3) \
        * (1 + 4 * eps)
    in4 = (4 * eps * float((P * np.abs(d) ** 3 * f).sum()) + 6 * eps * eps * k2 + 4 * eps ** 3 + eps ** 4) \
        * (1 + 4 * eps)
    k2i = _I(max(_d(k2 * (1 - 4 * eps) - in2 - dm * dm), 0.0), _u(k2 * (1 + 4 * eps) + in2))
    a3 = float((P * np.abs(d) ** 3).sum())
    r3 = 4 * eps * a3 + in3 + 3 * k2i.hi * dm + dm ** 3
    k3i = _I(_d(k3 - r3), _u(k3 + r3))
    r4 = 8 * eps * a4 + in4 + 4 * a3 * dm + 6 * k2i.hi * dm * dm + dm ** 4
    mu4 = _I(_d(k4c - r4), _u(k4c + r4))
    k4i = mu4 - _pt(3.0) * k2i.sq()
    u = pb * qb
    chi_i = k2i / u
    d1 = _pt(0.0) if symmetric else (k3i / u - chi_i * chi_i * (qb - pb))
    if symmetric:
        d2 = k4i / u + _pt(2.0) * chi_i * chi_i * k2i
    else:
        d2 = (k4i / u - k2i * k3i * (qb - pb) / (u * u) - _pt(2.0) * chi_i * d1 * (qb - pb)
              + _pt(2.0) * chi_i * chi_i * k2i)
    om_chi = _I(_d(A0 * (1 - 2 * eps)), _u(A0 * (1 + 2 * eps))) / u
    if chi0 is None:
        chi0 = (max(chi_i.lo, _d(1 - om_chi.hi)), min(chi_i.hi, _u(1 - om_chi.lo)))
    if om_chi0_lo is None:
        om_chi0_lo = om_chi.lo
    chi0_lo, chi0_hi = chi0
    work = as_budget(budget)
    covers = []
    for side in (0, 1):
        if symmetric and side == 1:
            break
        fs, os_ = (f, omf) if side == 0 else (omf, f)
        pbs = pbar if side == 0 else qbar
        ev = _FloatSide(fs, os_, P, pbs, extra=4 * input_rel)
        sd1 = d1 if side == 0 else _pt(0.0) - d1
        fm = float(fs.max())
        arg = fs >= fm
        p_arg = float(P[arg].sum())
        fm_o = float(os_[arg].min())
        pbi = pb if side == 0 else qb
        n_inf = _xlogy_iv(_I(_d(fm * (1 - eps)), _u(fm * (1 + eps))), _I(_d(fm * (1 - eps)), _u(fm * (1 + eps))) / pbi)
        if fm_o > 0:
            omi = _I(_d(fm_o * (1 - eps)), _u(fm_o * (1 + eps)))
            n_inf = n_inf + _xlogy_iv(omi, omi / (_pt(1.0) - pbi))
        d_inf = _I(-_logu(p_arg * (1 + eps)), -_logd(p_arg * (1 - eps)))
        g_inf = _u((_logu(fm) - _logd(fm_o) - math.log(pbs) + math.log1p(-pbs)) * (1 + eps) + 1e-12) if fm_o > 0 else _INF
        covers.append(_Cover(ev, chi0_hi, sd1, d2, r, n_inf, d_inf, g_inf, chi0_hi + slack, 1.0 / r))
    results = _run_covers(covers, chi0_hi, chi0_lo, slack, work, polish=polish)
    if symmetric:
        results = [results[0], results[0]]
    return _assemble(Fraction(chi0_hi), chi0_lo, results, slack, t0, symmetric, exact_chi0=False,
                     om_chi0=om_chi0_lo, r=r, clock_stop=work.stopped_by_clock)
