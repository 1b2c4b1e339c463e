r"""Contraction coefficients of channels: exact where a theorem gives them, certified brackets elsewhere.

* :func:`eta_tv` — Dobrushin's ``η_TV(K) = max_{x,x'} TV(K(·|x), K(·|x'))``, an exact rational.
* :func:`eta_chi2` — ``η_χ²(P, K)``: the squared second singular value of ``P_XY(x,y)/sqrt(P_X(x) P_Y(y))``,
  in float64 (numpy SVD), at ``dps`` digits (mpmath), and a certified rational lower bound (the Rayleigh
  quotient of a rational zero-mean test function).
* :func:`eta_chi2_sup` — ``sup_P η_χ²(P, K)`` with the maximizing input, as a certified bracket (two-point
  reduction plus concavity, :mod:`derive.channels.binary`).
* :func:`eta_kl` — ``η_KL(P, K)`` or input-free ``η_KL(K)`` as a :class:`Bracket`: each end says which theorem
  or witness gives it.

Theorems used for the ends (logs in any base; the coefficients are ratios):

* ``η_χ²(P, K) <= η_KL(P, K) <= η_TV(K)`` (Polyanskiy & Wu 2017, Thm. 2 and Cohen, Kemperman & Zbăganu 1998);
* ``η_KL(K) = sup_P η_χ²(P, K)`` (Ahlswede & Gács 1976), and the sup is over two-point inputs
  (:mod:`derive.channels.binary`); ``η_KL(P, K) <= η_KL(K)``;
* ``η_KL(P, K)`` is the supremum of ``D(QK||PK) / D(Q||P)`` over ``Q ≠ P``, ``Q << P``: every ``Q`` is a witness;
* closed forms: ``BSC(δ)``: ``(1 - 2δ)²`` input-free and for the uniform input; ``BEC(ε)``: ``1 - ε`` for every
  input with two symbols in its support (``I(U; Y) = (1 - ε) I(U; X)``); ``AWGN(snr)`` with Gaussian input:
  ``snr / (1 + snr)``;
* tensorization with a *product* input: ``η(P1 ⊗ P2, K1 ⊗ K2) = max_i η(P_i, K_i)`` for KL and χ²
  (never for correlated inputs, never for TV);
* composition: ``η_KL(P, K1 K2) <= η_KL(P, K1) η_KL(P K1, K2)``.

Fixed input, finite channel: with a **binary output** (on the support of ``P``) the certified tilt route
(:mod:`derive.channels.tilt`, any number of inputs) gives both ends; with **3 or 4 outputs** the cover of the
output-mean simplex (:mod:`derive.channels.tilt_multi`) adds its ends to the candidates. Each end of the
returned :class:`Bracket` names its route.

This module is untrusted numerics with certificates: the ends of a bracket come from exact rational
arithmetic or rigorous interval enclosures (python-flint ``arb``), and floats are rounded outward.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np

from derive.channels.budget import WorkBudget, as_budget
from derive.channels.binary import binary_kl_bracket, g_exact, pair_terms, pairs_sup, total_variation_exact
from derive.numeric.exact import (Q, float_near, fraction_of_q, iv, iv_log, iv_lower, q_of, to_fraction)
from derive.channels.library import AWGN, BEC, BSC, Channel, Composition, FiniteChannel, Product
from derive.channels.simplex import simplex_kl_upper_fast
from derive.channels.tilt import binary_output_column, eta_kl_binary
from derive.channels.tilt_multi import MAX_OUTPUTS, eta_kl_multi_rational
from derive.errors import InvalidArgument

__all__ = [
    "CoefficientValue",
    "Chi2",
    "Bracket",
    "eta_tv",
    "eta_chi2",
    "eta_chi2_sup",
    "eta_kl",
    "as_input",
    "kl_ratio",
    "closed_form",
    "GAUSSIAN",
]

#: The input ``"gaussian"``: AWGN's ``N(0, snr)`` input.
GAUSSIAN = "gaussian"

PW17 = "Polyanskiy & Wu 2017, Strong data-processing inequalities for channels and Bayesian networks"
CKZ98 = "Cohen, Kemperman & Zbăganu 1998"
AG76 = "Ahlswede & Gács 1976"
TWO_POINT = "two-point reduction: the sup over inputs is reached on two-symbol inputs (derive.channels.binary)"


@dataclass(frozen=True)
class CoefficientValue:
    """A coefficient's value and how it was obtained."""

    value: Fraction
    how: str
    exact: bool = True
    witness: Any = None

    def __float__(self) -> float:
        return float_near(self.value)


@dataclass(frozen=True)
class Chi2:
    """``η_χ²(P, K)``: float64 ``value``, ``mp`` at ``dps`` digits (or ``None``), a certified rational lower
    bound ``lower``, and ``exact`` (a rational) when a closed form gives it."""

    value: float
    mp: Any
    lower: Fraction
    how: str
    exact: Fraction | None = None
    vector: Any = None

    def __float__(self) -> float:
        return self.value


@dataclass(frozen=True)
class Bracket:
    """A certified ``lower <= η <= upper``; ``lower_how`` / ``upper_how`` name the witness or theorem.

    ``closed_form`` is LaTeX when a closed form gives the value; ``maximizer`` the input attaining the lower
    end (input-free), ``witness`` the ``Q`` of a fixed-input lower end.
    """

    lower: Fraction
    upper: Fraction
    lower_how: str
    upper_how: str
    closed_form: str | None = None
    maximizer: Any = None
    witness: Any = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exact(self) -> bool:
        return self.lower == self.upper

    @property
    def width(self) -> Fraction:
        return self.upper - self.lower

    @property
    def value(self) -> Fraction | None:
        """The value when the bracket is a point, else ``None``."""
        return self.lower if self.exact else None

    def contains(self, x: Any) -> bool:
        v = Fraction(x) if not isinstance(x, Fraction) else x
        return self.lower <= v <= self.upper


# ----------------------------------------------------------------------------- inputs

def as_input(K: Channel, P: Any) -> tuple[Fraction, ...] | str | None:
    """The input distribution ``P`` for ``K`` as exact Fractions summing to 1 (``None``: input-free).

    Accepts ``None``, ``"uniform"``, ``"gaussian"`` (AWGN only) and sequences of numbers (exact, or floats
    summing to 1 within ``1e-9``, which are then normalized exactly).

    Raises
    ------
    InvalidArgument
        Wrong length, negative entries, not summing to one, or a Gaussian input for a finite channel.
    """
    if P is None:
        return None
    if isinstance(K, AWGN):
        if isinstance(P, str) and P.lower() in (GAUSSIAN, "normal"):
            return GAUSSIAN
        raise InvalidArgument(f"Expected the input 'gaussian' for {K} (its coefficients are for the Gaussian "
                              f"input N(0, snr)) but got " + ("[" + ", ".join(map(str, P)) + "]"
                                                              if isinstance(P, (list, tuple)) else str(P)))
    if isinstance(P, str):
        if P.lower() == "uniform":
            k = K.shape[0]
            return tuple(Fraction(1, k) for _ in range(k))
        if P.lower() in (GAUSSIAN, "normal"):
            raise InvalidArgument(f"a Gaussian input needs a Gaussian channel (awgn:SNR), not {K}")
        raise InvalidArgument(f"Expected an input distribution (a list of probabilities or 'uniform') but got {P!r}")
    if isinstance(P, np.ndarray):
        P = P.tolist()
    if not isinstance(P, (list, tuple)):
        raise InvalidArgument(f"Expected an input distribution as a list of probabilities but got {P!r}")
    k = K.shape[0]
    if len(P) != k:
        raise InvalidArgument(f"the input distribution has {len(P)} entries but {K} has {k} inputs")
    vals = [to_fraction(v, f"entry {i + 1} of the input distribution") for i, v in enumerate(P)]
    for i, v in enumerate(vals):
        if v < 0:
            raise InvalidArgument(f"entry {i + 1} of the input distribution is negative ({v})")
    total = sum(vals, Fraction(0))
    floats = any(isinstance(v, float) for v in P)
    if total != 1:
        if floats and abs(float(total) - 1) <= 1e-9 and total > 0:
            vals = [v / total for v in vals]
        else:
            raise InvalidArgument(f"the input distribution sums to {total if not floats else float(total)}, not 1")
    return tuple(vals)


def _support(P: Sequence[Fraction]) -> list[int]:
    return [i for i, v in enumerate(P) if v > 0]


def _show_input(P: Sequence[Fraction]) -> str:
    return "[" + ", ".join(str(v) for v in P) + "]"


# ----------------------------------------------------------------------------- eta_TV

def eta_tv(K: Channel) -> CoefficientValue:
    """``η_TV(K) = max_{x,x'} TV(K(·|x), K(·|x'))`` (Dobrushin), exact.

    For a float matrix, the exact value for its rows normalized exactly (see ``rational_rows``).
    AWGN: ``1`` (``sup_{x,x'} TV(N(x, 1), N(x', 1)) = 1``, not attained).
    """
    if isinstance(K, AWGN):
        return CoefficientValue(Fraction(1), "sup over real inputs x, x' of TV(N(x,1), N(x',1)) = 1 "
                                        "(approached as |x - x'| -> infinity, not attained)")
    K = _finite(K)
    rows = K.rational_rows()
    return _tv_on(rows, range(len(rows)))


def _tv_on(rows: Sequence[Sequence[Fraction]], support: Sequence[int]) -> CoefficientValue:
    idx = list(support)
    best, pair = Fraction(0), None
    if len(idx) >= 2:
        # float pre-screen, exact on the candidates that can matter
        F = np.array([[float_near(v) for v in rows[i]] for i in idx])
        D = np.zeros((len(idx), len(idx)))
        for u in range(len(idx)):
            D[u] = 0.5 * np.abs(F - F[u]).sum(axis=1)
        top = float(D.max())
        for u in range(len(idx)):
            for v in range(u + 1, len(idx)):
                if D[u, v] >= top - 1e-9:
                    tv = total_variation_exact(rows[idx[u]], rows[idx[v]])
                    if pair is None or tv > best:
                        best, pair = tv, (idx[u], idx[v])
    if pair is None:
        return CoefficientValue(Fraction(0), "a single input: every output distribution is the same (eta_TV = 0)")
    i, j = pair
    return CoefficientValue(best, f"Dobrushin: max over input pairs of TV(K(.|x), K(.|x')), attained at inputs "
                             f"{i} and {j}; exact rational", True, pair)


def _finite(K: Channel) -> FiniteChannel:
    if not isinstance(K, FiniteChannel):
        raise InvalidArgument(f"Expected a channel but got {K!r}")
    return K


# ----------------------------------------------------------------------------- eta_chi2

def _chi2_float(F: np.ndarray, P: np.ndarray) -> tuple[float, np.ndarray | None]:
    """float64 ``η_χ²(P, K)`` and the top singular direction ``f`` (a zero-mean function of x on the support)."""
    s = P > 0
    if s.sum() <= 1:
        return 0.0, None
    Fs, Ps = F[s], P[s]
    py = Ps @ Fs
    c = py > 0
    u = np.sqrt(Ps)
    v = np.sqrt(py[c])
    B = u[:, None] * Fs[:, c] / v[None, :]
    M = B - np.outer(u, v)
    U, S, _ = np.linalg.svd(M, full_matrices=False)
    f = np.zeros(len(P))
    f[s] = U[:, 0] / u
    return float(S[0] ** 2), f


def _chi2_rayleigh(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], f: np.ndarray) -> Fraction:
    """``Σ_y (Σ_x P(x) K(y|x) f(x))² / P_Y(y) / Σ_x P(x) f(x)²`` for a rational zero-mean ``f``: a certified
    lower bound on ``η_χ²(P, K)`` (Rényi: the sup of this over zero-mean f)."""
    S = _support(P)
    scale = float(np.max(np.abs(f[S]))) or 1.0
    fr = {x: Fraction(round(f[x] / scale * (1 << 52)), 1 << 52) for x in S}
    mean = sum((P[x] * fr[x] for x in S), Fraction(0))
    fq = {x: q_of(fr[x] - mean) for x in S}
    pq = {x: q_of(P[x]) for x in S}
    den = Q(0)
    for x in S:
        den += pq[x] * fq[x] * fq[x]
    if den == 0:
        return Fraction(0)
    m = len(rows[0])
    num = Q(0)
    for y in range(m):
        py = Q(0)
        t = Q(0)
        for x in S:
            kxy = rows[x][y]
            if kxy:
                w = pq[x] * q_of(kxy)
                py += w
                t += w * fq[x]
        if py != 0:
            num += t * t / py
    return fraction_of_q(num / den)


def _chi2_mp(F: Sequence[Sequence[Fraction]], P: Sequence[Fraction], dps: int, f: np.ndarray | None) -> Any:
    """``η_χ²(P, K)`` at ``dps`` digits: the top eigenvalue of the deflated Gram matrix (mpmath ``eigsy``);
    for more than 48 inputs and outputs, the Rayleigh quotient of the float singular vector at ``dps`` digits."""
    S = _support(P)
    if len(S) <= 1:
        return mpmath.mpf(0)
    with mpmath.workdps(dps + 10):
        def mp(x: Fraction) -> Any:
            return mpmath.mpf(x.numerator) / x.denominator
        m = len(F[0])
        py = [sum((mp(P[x]) * mp(F[x][y]) for x in S), mpmath.mpf(0)) for y in range(m)]
        cols = [y for y in range(m) if py[y] > 0]
        u = [mpmath.sqrt(mp(P[x])) for x in S]
        v = [mpmath.sqrt(py[y]) for y in cols]
        M = mpmath.matrix(len(S), len(cols))
        for a, x in enumerate(S):
            for b, y in enumerate(cols):
                M[a, b] = u[a] * mp(F[x][y]) / v[b] - u[a] * v[b]
        if min(len(S), len(cols)) <= 48:
            G = M * M.T if len(S) <= len(cols) else M.T * M
            ev = mpmath.eigsy(G, eigvals_only=True)
            val = max(ev)
        else:
            fv = mpmath.matrix([u[a] * mpmath.mpf(float(f[x])) for a, x in enumerate(S)])
            w = M.T * fv
            val = sum(t * t for t in w) / sum(t * t for t in fv)
        return +val


def eta_chi2(K: Channel, P: Any, *, dps: int | None = None) -> Chi2:
    """``η_χ²(P, K)``, the squared maximal correlation of ``X ~ P`` and its output ``Y``.

    ``value`` is float64 (numpy SVD of the deflated normalized joint matrix); ``mp`` is computed at ``dps``
    digits when ``dps`` is given; ``lower`` is a certified rational lower bound.

    Raises
    ------
    InvalidArgument
        If ``P`` is missing or not a distribution on ``K``'s inputs.
    """
    Pin = as_input(K, P)
    if Pin is None:
        raise InvalidArgument("eta_chi2 needs an input distribution P; use eta_chi2_sup(K) for the sup over inputs")
    if isinstance(K, AWGN):
        v = _kernel_eta(K)
        return Chi2(float_near(v), mpmath.mpf(v.numerator) / v.denominator if dps else None, v,
                    "jointly Gaussian (X, Y): eta_chi2 = rho^2 = snr/(1 + snr) (maximal correlation of a "
                    "Gaussian pair is |rho|)", exact=v)
    K = _finite(K)
    rows = K.rational_rows()
    F = K.float_matrix()
    Pf = np.array([float_near(v) for v in Pin])
    val, f = _chi2_float(F, Pf)
    if f is None:
        return Chi2(0.0, mpmath.mpf(0) if dps else None, Fraction(0),
                    "P is a point mass: no zero-mean function of X, eta_chi2 = 0", exact=Fraction(0))
    lower = _chi2_rayleigh(rows, Pin, f)
    mp = _chi2_mp(rows, Pin, dps, f) if dps else None
    how = ("squared second singular value of P_XY(x,y)/sqrt(P_X(x) P_Y(y)) (numpy SVD, float64"
           + (f"; mpmath at {dps} digits" if dps else "") + "); certified lower bound: Rayleigh quotient of a "
           "rational zero-mean test function")
    exact = None
    if isinstance(K, BEC) and len(_support(Pin)) >= 2:
        exact = 1 - Fraction(K.eps)
        how = "BEC: E[f(X)|Y] = f(X) unless erased, so eta_chi2(P, BEC(e)) = 1 - e for every non-degenerate P"
    elif isinstance(K, BSC) and all(v == Fraction(1, 2) for v in Pin):
        exact = (1 - 2 * Fraction(K.delta)) ** 2
        how = "BSC with uniform input: eta_chi2 = (1 - 2 delta)^2 (second singular value 1 - 2 delta)"
    elif len(_support(Pin)) == 2:
        i, j = _support(Pin)
        exact = g_exact(pair_terms(rows[i], rows[j]), Pin[i])
        how = ("two-symbol input P = t delta_x + (1 - t) delta_x': eta_chi2 = t (1 - t) sum_y (K(y|x) - K(y|x'))^2 / "
               "P_Y(y), exact rational (the zero-mean functions of X form one line)")
    return Chi2(val, mp, lower if exact is None else exact, how, exact, f)


def eta_chi2_sup(K: Channel, *, tol: float = 1e-14) -> Bracket:
    """``sup_P η_χ²(P, K)`` as a certified bracket, with the maximizing input (``maximizer``).

    The sup is over two-point inputs (two-point reduction); on each pair the function is concave in the
    weight ``t`` and bracketed by exact tangent lines. A scipy cross-check lives in ``benchmarks/eta.py``.
    """
    if isinstance(K, AWGN):
        raise InvalidArgument("AWGN's coefficients are for its Gaussian input: use eta_chi2(K, 'gaussian')")
    K = _finite(K)
    rows = K.rational_rows()
    return _pairs_bracket(K, rows, range(len(rows)), tol, what="sup_P eta_chi2(P, K)")


def _pairs_bracket(K: FiniteChannel, rows: Sequence[Sequence[Fraction]], support: Sequence[int], tol: float,
                   what: str) -> Bracket:
    F = K.float_matrix()
    lo, hi, best = pairs_sup(rows, F, list(support), tol=tol)
    k = len(rows)
    if best is None:
        return Bracket(Fraction(0), Fraction(0), "fewer than two distinct inputs: every input gives eta = 0",
                       "fewer than two distinct inputs", maximizer=None)
    i, j = best.i, best.j
    if best.t is not None:
        P = [Fraction(0)] * k
        P[i], P[j] = best.t, 1 - best.t
        maxi: Any = tuple(P)
        lower_how = (f"eta_chi2 at the input P* = {_show_input(P) if k <= 8 else f'{best.t} on {i}, {1 - best.t} on {j}'}"
                     f" (exact rational)")
    else:
        on = i if best.limit == "t->1" else j
        off = j if on == i else i
        maxi = {"limit": f"all weight on input {on}, a vanishing weight on input {off}", "inputs": [on, off]}
        lower_how = (f"limit of eta_chi2 at P = (1 - t) delta_{on} + t delta_{off} as t -> 0 "
                     f"(= K({off})'s mass where K(.|{on}) vanishes; exact)")
    upper_how = (f"{TWO_POINT}; on each input pair the coefficient is concave in the weight, bounded by exact "
                 f"tangent lines (also <= the pair's eta_TV)")
    return Bracket(lo, hi, lower_how, upper_how, maximizer=maxi)


# ----------------------------------------------------------------------------- closed forms

def _latex_fraction(v: Fraction) -> str:
    """``v`` as LaTeX, the way sympy prints a rational (``\\frac{16}{25}``, ``-\\frac{1}{2}``, ``3``)."""
    if v.denominator == 1:
        return str(v.numerator)
    sign = "- " if v < 0 else ""
    return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def _kernel_eta(K: Channel) -> Fraction:
    """The kernel's closed form of the input-free ``η_KL`` (:func:`derive.kernel.coefficients.closed_form_eta_kl`:
    ``(1 - 2δ)²``, ``1 - ε``, ``snr/(1 + snr)`` at the Gaussian input), exactly."""
    from derive.kernel.coefficients import closed_form_eta_kl      # sympy: imported where it is used

    v = closed_form_eta_kl(K.to_spec()).value
    return Fraction(int(v.p), int(v.q))



def closed_form(K: Channel, P: Any = None) -> tuple[Fraction, str, str] | None:
    """``(value, LaTeX, theorem)`` of ``η_KL`` when a closed form covers ``(K, P)``, else ``None``."""
    Pin = as_input(K, P) if not isinstance(P, tuple) or isinstance(K, AWGN) else P
    if isinstance(K, BSC):
        if Pin is None or all(v == Fraction(1, 2) for v in Pin):
            v = _kernel_eta(K)
            tex = r"\eta_{\mathrm{KL}} = (1 - 2\delta)^2 = " + _latex_fraction(v)
            thm = ("eta_KL(BSC(delta)) = (1 - 2 delta)^2, input-free" + (
                "" if Pin is None else "; with uniform input eta_chi2(U, K) = (1 - 2 delta)^2 <= eta_KL(U, K) <= "
                                       "eta_KL(K) = (1 - 2 delta)^2") + f" [{PW17}]")
            return v, tex, thm
        return None
    if isinstance(K, BEC):
        if Pin is None or len(_support(Pin)) >= 2:
            v = _kernel_eta(K)
            tex = r"\eta_{\mathrm{KL}} = 1 - \varepsilon = " + _latex_fraction(v)
            thm = f"BEC(e): I(U; Y) = (1 - e) I(U; X) for every U - X - Y, so eta_KL(P, K) = 1 - e for every non-degenerate P [{PW17}]"
            return v, tex, thm
        return None
    if isinstance(K, AWGN):
        v = _kernel_eta(K)
        tex = (r"\eta_{\mathrm{KL}} = \frac{\mathrm{snr}}{1 + \mathrm{snr}} = "
               + _latex_fraction(v))
        thm = (f"AWGN with Gaussian input N(0, snr): eta_KL = eta_chi2 = rho^2 = snr/(1 + snr) [{PW17}; Erkip & Cover 1998]"
               "; over all inputs under a power constraint eta_KL = 1")
        return v, tex, thm
    return None


# ----------------------------------------------------------------------------- eta_KL

def kl_ratio(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], Qd: Sequence[Fraction]) -> Fraction:
    """A certified lower bound on ``D(QK||PK) / D(Q||P)`` (rigorous interval enclosure; ``Q << P``, ``Q ≠ P``)."""
    S = [x for x in range(len(P)) if P[x] > 0 or Qd[x] > 0]
    if any(P[x] == 0 for x in S):
        return Fraction(0)
    m = len(rows[0])
    n = iv(Fraction(0))
    for y in range(m):
        qy = sum((Qd[x] * rows[x][y] for x in S), Fraction(0))
        if qy > 0:
            py = sum((P[x] * rows[x][y] for x in S), Fraction(0))
            n = n + iv(qy) * (iv_log(iv(qy)) - iv_log(iv(py)))
    d = iv(Fraction(0))
    for x in S:
        if Qd[x] > 0:
            d = d + iv(Qd[x]) * (iv_log(iv(Qd[x])) - iv_log(iv(P[x])))
    if iv_lower(d) <= 0:
        return Fraction(0)
    return max(Fraction(0), iv_lower(n / d))


def _witness_search(F: np.ndarray, P: np.ndarray, f: np.ndarray | None, budget: int = 12) -> np.ndarray | None:
    """A float ``Q`` (on the support of P) with a large ``D(QK||PK)/D(Q||P)`` (untrusted; checked later)."""
    from scipy.optimize import minimize

    S = np.flatnonzero(P > 0)
    Fs, Ps = F[S], P[S]
    py = Ps @ Fs
    cols = py > 0
    Fs, py = Fs[:, cols], py[cols]
    k = len(S)
    logp = np.log(Ps)

    def ratio_and_grad(z: np.ndarray) -> tuple[float, np.ndarray]:
        z = z - z.max()
        q = np.exp(z)
        q /= q.sum()
        qy = q @ Fs
        with np.errstate(divide="ignore", invalid="ignore"):
            lq = np.where(qy > 0, np.log(qy / py), 0.0)
            n = float(np.sum(np.where(qy > 0, qy * lq, 0.0)))
            lqx = np.where(q > 0, np.log(q) - logp, 0.0)
        d = float(np.sum(q * lqx))
        if d < 1e-10:
            return 0.0, np.zeros_like(z)
        gn = Fs @ lq + 1.0
        gd = lqx + 1.0
        gq = (gn * d - n * gd) / (d * d)
        gz = q * (gq - np.dot(q, gq))
        return -n / d, -gz

    starts = []
    with np.errstate(divide="ignore", invalid="ignore"):  # the vertices Q = delta_x, best ratios first
        vr = np.array([np.nansum(np.where(Fs[x] > 0, Fs[x] * np.log(Fs[x] / py), 0.0)) / -logp[x]
                       if Ps[x] < 1 else 0.0 for x in range(k)])
    for x in np.argsort(-vr)[:6]:
        z = np.full(k, -8.0)
        z[x] = 0.0
        starts.append(z)
    if f is not None:
        fs = f[S] / (np.max(np.abs(f[S])) or 1.0)
        for t in (0.3, 0.9, 3.0):
            for sgn in (1, -1):
                q = Ps * np.exp(sgn * t * fs)
                starts.append(np.log(q / q.sum()))
    rng = np.random.default_rng(0)
    for _ in range(max(0, budget - len(starts))):
        starts.append(np.log(rng.dirichlet(np.ones(k))))
    best, best_q = 0.0, None
    for z0 in starts[:budget]:
        try:
            res = minimize(ratio_and_grad, z0, jac=True, method="BFGS", options={"maxiter": 100, "gtol": 1e-9})
        except (ValueError, FloatingPointError):  # pragma: no cover
            continue
        val = -float(res.fun)
        if val > best and np.all(np.isfinite(res.x)):
            z = res.x - res.x.max()
            q = np.exp(z)
            best, best_q = val, q / q.sum()
    if best_q is None:
        return None
    out = np.zeros(len(P))
    out[S] = best_q
    return out


def _rational_q(q: np.ndarray, P: Sequence[Fraction]) -> tuple[Fraction, ...]:
    """``q`` rounded to multiples of ``2^-40`` on the support of P, summing exactly to 1."""
    S = _support(P)
    n = 1 << 40
    vals = {x: max(0, round(float(q[x]) * n)) for x in S}
    big = max(S, key=lambda x: vals[x])
    vals[big] += n - sum(vals.values())
    if vals[big] < 0:
        return tuple(P)
    return tuple(Fraction(vals[x], n) if x in vals else Fraction(0) for x in range(len(P)))


def _is_product_input(K: Product, P: Sequence[Fraction]) -> list[tuple[Fraction, ...]] | None:
    """The factor inputs when ``P`` is exactly the product of its marginals along ``K``'s factors."""
    sizes = [f.shape[0] for f in K.factors]
    arr = np.array(P, dtype=object).reshape(sizes)
    margs = []
    for axis in range(len(sizes)):
        other = tuple(a for a in range(len(sizes)) if a != axis)
        m = arr.sum(axis=other) if other else arr
        margs.append(tuple(Fraction(v) for v in np.atleast_1d(m)))
    prod = margs[0]
    for m in margs[1:]:
        prod = tuple(a * b for a in prod for b in m)
    return margs if tuple(prod) == tuple(P) else None


#: The note of a bracket one of whose searches the CPU-time safety stop ended (derive.channels.budget).
CLOCK_NOTE = ("a search was stopped by the CPU-time safety stop (this machine ran far slower than the nominal work "
              "rate): the bracket is certified, but its digits may differ on another machine")
#: Default budget (nominal seconds of counted work) of the fixed-input branch and bound (inputs on three or more
#: symbols).
KL_BUDGET = 2.0
#: The fixed-input branch and bound stops once the bracket is this narrow.
KL_TARGET_WIDTH = 1e-4
#: Inputs with more support symbols than this skip the branch and bound: the vectorized search reaches 1e-4 on
#: 5 symbols in about 2 s, but on 6 or 8 symbols no bound below the input-free one in 2 s
#: (benchmarks/results/eta.md), so it would only add latency.
MAX_SEARCH_SYMBOLS = 5


def eta_kl(K: Channel, P: Any = None, *, tol: float = 1e-12, budget: float | WorkBudget = KL_BUDGET,
           target_width: float = KL_TARGET_WIDTH) -> Bracket:
    """``η_KL(P, K)`` (``P`` given) or the input-free ``η_KL(K)`` (``P = None``) as a certified :class:`Bracket`.

    For a fixed input on three or more symbols the upper end comes from a certified branch and bound over
    the input simplex (:mod:`derive.channels.simplex`), which stops once the bracket is narrower than
    ``target_width`` or after ``budget`` (nominal seconds of counted work, :mod:`derive.channels.budget`, so the
    same call gives the same bracket on any machine); its bound is valid whenever it stops.

    Example
    -------
    >>> b = eta_kl(BSC("0.1"))
    >>> b.lower == b.upper == Fraction(16, 25)
    True
    """
    Pin = as_input(K, P)
    if isinstance(K, AWGN):
        v, tex, thm = closed_form(K, GAUSSIAN)  # type: ignore[misc]
        return Bracket(v, v, thm, thm, tex, maximizer=GAUSSIAN,
                       notes=("for the Gaussian input N(0, snr); over all inputs with a power constraint eta_KL = 1",))
    K = _finite(K)
    rows = K.rational_rows()
    cf = closed_form(K, Pin if Pin is not None else None) if isinstance(K, (BSC, BEC)) else None
    if Pin is None:
        b = _pairs_bracket(K, rows, range(len(rows)), min(tol, 1e-14), "eta_KL(K)")
        tv = _tv_on(rows, range(len(rows)))
        lower_how = b.lower_how + f"; eta_chi2(P*, K) <= eta_KL(P*, K) <= eta_KL(K) [{PW17}]"
        upper_how = f"eta_KL(K) = sup_P eta_chi2(P, K) [{AG76}]; " + b.upper_how
        upper = b.upper
        if tv.value < upper:
            upper, upper_how = tv.value, f"eta_KL(K) <= eta_TV(K) [{CKZ98}] (Dobrushin, exact)"
        out = Bracket(b.lower, upper, lower_how, upper_how, maximizer=b.maximizer)
        if cf is not None:
            v, tex, thm = cf
            if not out.contains(v):  # pragma: no cover - would be a bug in one of the two
                raise ArithmeticError(f"closed form {v} outside the computed bracket [{out.lower}, {out.upper}]")
            k = len(rows)
            out = replace(out, lower=v, upper=v, lower_how=thm, upper_how=thm, closed_form=tex,
                          maximizer=tuple(Fraction(1, k) for _ in range(k)))
        return out
    return _eta_kl_fixed(K, rows, Pin, tol, cf, budget, target_width)


def _eta_kl_fixed(K: FiniteChannel, rows: Sequence[Sequence[Fraction]], P: tuple[Fraction, ...], tol: float,
                  cf: tuple[Fraction, str, str] | None, budget: float | WorkBudget = KL_BUDGET,
                  target_width: float = KL_TARGET_WIDTH) -> Bracket:
    work = as_budget(budget)                     # counted work (derive.channels.budget): the same bound on any machine
    S = _support(P)
    if len(S) <= 1:
        return Bracket(Fraction(0), Fraction(0), "P is a point mass: I(U; X) = 0 for every U, eta_KL(P, K) = 0",
                       "P is a point mass (no Q != P with Q << P)")
    if cf is not None:
        v, tex, thm = cf
        return Bracket(v, v, thm, thm, tex)
    Srows = [rows[x] for x in S]
    if len(S) >= 3 and binary_output_column(Srows) is not None:   # (two inputs: the pair route below is exact-er)
        return _eta_kl_binary_output(rows, P, S, work)  # its notes say whether the safety stop fired
    F = K.float_matrix()
    Pf = np.array([float_near(v) for v in P])
    candidates_hi: list[tuple[Fraction, str]] = []
    candidates_lo: list[tuple[Fraction, str, Any]] = []
    # input-free bounds on the support: eta_KL(P, K) <= eta_KL(K_S) <= eta_TV(K_S)
    tv = _tv_on(rows, S)
    candidates_hi.append((tv.value, f"eta_KL(P, K) <= eta_TV(K restricted to supp P) [{CKZ98}] (exact)"))
    pb = _pairs_bracket(K, rows, S, 1e-14, "eta_KL(K_S)")
    candidates_hi.append((pb.upper, f"eta_KL(P, K) <= eta_KL(K restricted to supp P) = sup eta_chi2 [{AG76}]; "
                                    + pb.upper_how))
    chi = eta_chi2(K, P)
    candidates_lo.append((chi.lower, f"eta_chi2(P, K) <= eta_KL(P, K) [{PW17}]; eta_chi2 certified from below by "
                                     "the Rayleigh quotient of a rational zero-mean test function", None))
    if len(S) == 2:
        i, j = S
        bk = binary_kl_bracket(rows[i], rows[j], P[i], tol=tol)
        if bk.lower_from == "witness" and bk.witness_q is not None:
            Qd = [Fraction(0)] * len(P)
            Qd[i], Qd[j] = bk.witness_q, 1 - bk.witness_q
            candidates_lo.append((bk.lower, f"witness Q = {_show_input(Qd) if len(P) <= 8 else 'on inputs ' + str((i, j))}: "
                                            "D(QK||PK)/D(Q||P) enclosed rigorously (arb)", tuple(Qd)))
        if bk.upper_from == "certificate":
            candidates_hi.append((bk.upper, "F_c(Q) = c D(Q||P) - D(QK||PK) >= 0 for every Q on the two-symbol "
                                            "support, certified with c = this bound (concavity of the binary-input "
                                            "chi2 coefficient fixes where F_c is convex; arb enclosures)"))
    else:
        q = _witness_search(F, Pf, chi.vector)
        if q is not None:
            Qd = _rational_q(q, P)
            r = kl_ratio(rows, P, Qd)
            candidates_lo.append((r, f"witness Q = {_show_input(Qd) if len(P) <= 8 else '(see witness)'}: "
                                     "D(QK||PK)/D(Q||P) enclosed rigorously (arb)", Qd))
    if isinstance(K, Product):
        margs = _is_product_input(K, P)
        if margs is not None:
            subs = [eta_kl(f, m, tol=tol, budget=work.child(work.seconds), target_width=target_width)
                    for f, m in zip(K.factors, margs)]
            thm = f"tensorization with a product input: eta_KL(P1 x P2, K1 x K2) = max_i eta_KL(P_i, K_i) [{PW17}]"
            candidates_lo.append((max(s.lower for s in subs), thm + " (max of the factors' lower ends)", None))
            candidates_hi.append((max(s.upper for s in subs), thm + " (max of the factors' upper ends)"))
    if isinstance(K, Composition):
        b1 = eta_kl(K.first, P, tol=tol, budget=work.child(work.seconds), target_width=target_width)
        PY = tuple(sum((P[x] * K.first.rational_rows()[x][y] for x in range(len(P))), Fraction(0))
                   for y in range(K.first.shape[1]))
        b2 = eta_kl(K.second, PY, tol=tol, budget=work.child(work.seconds), target_width=target_width)
        candidates_hi.append((b1.upper * b2.upper, "composition: eta_KL(P, K1 K2) <= eta_KL(P, K1) eta_KL(P K1, K2) "
                                                   f"[{PW17}]"))
    lo_now = max(c[0] for c in candidates_lo)
    if 3 <= len(S) <= MAX_SEARCH_SYMBOLS and work.left() > 0 \
            and min(c[0] for c in candidates_hi) - lo_now > Fraction(target_width):
        sb = simplex_kl_upper_fast(rows, P, lower=lo_now, target=Fraction(target_width), budget=work)
        if sb.upper is not None:
            candidates_hi.append((sb.upper, (
                "branch and bound over the input simplex on supp P (derive.channels.simplex): every cell C "
                "has sup_{Q in C} D(QK||PK)/D(Q||P) <= U(C), from convexity of D(QK||PK) with a tangent "
                "plane of D(Q||P) (max over the cell's vertices), or from the ratio being a weighted "
                "average of local chi2 ratios along the segment [P, Q] (Loewner bounds on the cell's box times "
                "an exact Sylvester upper bound on eta_chi2(P, K)); upper = max_C U(C) over "
                f"{sb.cells} cells after {sb.splits} bisections in {sb.seconds:.2f} s"
                + ("" if sb.converged else " (work budget reached)")
                + (" (stopped by the CPU-time safety stop: these digits depend on the machine)" if sb.stopped_by_clock
                   else "")
                + "; exact dyadic cell vertices, float64 cell bounds with stated outward-rounding margins")))
    live = [y for y in range(len(rows[0])) if any(r[y] != 0 for r in Srows)]
    left = work.left_seconds()
    width = min(c[0] for c in candidates_hi) - max(c[0] for c in candidates_lo)
    if 3 <= len(live) <= MAX_OUTPUTS and left > 0.05 and width > Fraction(target_width):
        mb = eta_kl_multi_rational(rows, P, budget=work, slack=target_width / 10)
        if mb is not None:
            route = f"tilt route, {len(live)} outputs (derive.channels.tilt_multi): "
            candidates_lo.append((mb.lower, route + mb.lower_how, None))
            if mb.upper is not None:
                candidates_hi.append((mb.upper, route + mb.upper_how))
    lo, lo_how, wit = max(candidates_lo, key=lambda c: c[0])
    hi, hi_how = min(candidates_hi, key=lambda c: c[0])
    hi = max(hi, lo)
    return Bracket(lo, hi, lo_how, hi_how, witness=wit, notes=(CLOCK_NOTE,) if work.stopped_by_clock else ())


def _eta_kl_binary_output(rows: Sequence[Sequence[Fraction]], P: Sequence[Fraction], S: Sequence[int],
                          budget: float | WorkBudget) -> Bracket:
    """A binary output on ``supp P``: the certified tilt route (:func:`derive.channels.tilt.eta_kl_binary`), its
    upper end capped by η_TV on the support (Dobrushin); each end names its route."""
    Srows = [rows[x] for x in S]
    col = binary_output_column(Srows)
    tb = eta_kl_binary([r[col] for r in rows], P, budget=budget)
    lower, upper = tb.lower, tb.upper
    lower_how = "tilt route (derive.channels.tilt, binary output): " + tb.lower_how
    upper_how = "tilt route (derive.channels.tilt, binary output): " + tb.upper_how
    tv = _tv_on(rows, S)
    if tv.value < upper:
        upper, upper_how = tv.value, f"eta_KL(P, K) <= eta_TV(K restricted to supp P) (Dobrushin, exact) [{CKZ98}]"
    notes = []
    if tb.equal:
        notes.append("eta_KL = eta_chi2 certified: the chi-criterion holds (every tilted input has eta_chi2 <= the one "
                     "at P), so eta_KL(P, K) = Var_P f / (pbar (1 - pbar)) exactly")
    elif tb.witness_lambda is not None:
        notes.append("eta_KL > eta_chi2 here: a tilted input beats eta_chi2 (the chi-criterion fails)")
    notes.append(f"tilt route: {tb.route}, {tb.points} evaluated points, {tb.seconds:.2f} s"
                 + ("" if tb.converged else " (work budget reached; the bracket is valid)"))
    if isinstance(budget, WorkBudget) and budget.stopped_by_clock:
        notes.append(CLOCK_NOTE)
    return Bracket(lower, max(upper, lower), lower_how, upper_how, notes=tuple(notes))
