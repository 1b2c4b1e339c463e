r"""Boolean clustering (FKL25 §4.2, Theorem 12 in PMLR): the correlation parameter and the paper's own route.

Three routes bound ``τ_n`` (the SDPI constant of ``(θ, X_{1:n})``) and ``ρ_n`` (of ``(X, X_{1:n})``); all are
valid, none dominates everywhere. The first two are certified by derive (:mod:`derive.templates.boolean_cluster`):

* **BSC factorization** (exact, loose): the backward channel factors through a BSC, ``τ_n <= tanh²(n atanh λ)``;
* **certified η_KL** (the tilt, :mod:`derive.channels.tilt`): ``τ_n = η_KL(law of S_n, S_n → θ)``;
* **the paper's approximate SDPI** (this module; *cited*, not certified by derive): advanced composition of
  randomized response (Lemma 21, Proposition 24) makes the ``n`` draws of a coordinate ``δ/d``-close in TV to a
  post-processing of one bit of correlation ``ξ = λ sqrt(8 n ln(d/δ))``; Theorem 8 then gives a
  ``(ξ², δ)``-SDPI for ``(θ, X_{1:n})`` and a ``(λ² ξ², δ)``-SDPI for ``(X, X_{1:n})``, so

      τ_n = 8 n λ² ln(d/δ),   ρ_n = λ² τ_n,   δ = min{(C_α / (d ln|M|))², 1/2},

  and Theorem 7 (3.7 in arXiv) gives ``mem_n >= (1 − τ_n)/ρ_n · I(M; X) − neg_n`` with
  ``neg_n = 8 δ ((1 − τ_n)/ρ_n) ln(|M|/δ) + 8 δ ln(|M|/δ)`` (nats; ``δ_n = ε_n = δ``: the consistent version of
  the paper's proof, per-coordinate TV ``δ/d`` and total ``δ``; the paper's display mixes ``δ d`` with
  ``ln(d/δ)``). **Validity:** Lemma 21 needs ``λ < 1/10`` and ``n < 1/(10 λ²)`` as stated; randomized response
  with bias λ is ``2 atanh(λ)``-DP, not ``λ + o(1)``, so Proposition 24 (``n < 1/(5 ε²)``) needs
  ``n < 1/(20 atanh²(λ))`` (about ``1/(20 λ²)``). derive applies both, the stricter one deciding; a row outside them
  says so instead of printing a number. ``C_α`` is the information the accuracy forces (``info``, or the
  certified ``C*_α`` from ``alpha``).

**Parametrization.** ``λ`` is ``rho`` (or ``lambda``) directly, or ``C · d^(−1/4)`` from ``C`` and ``d`` (the
paper's). The certified routes need a rational λ: ``C d^(−1/4)`` is used exactly when it is rational (``d`` a
fourth power), else rounded to 15 significant digits, and the row says so.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath

from derive.errors import InvalidArgument

__all__ = ["boolean_lambda", "paper_route", "PAPER_ROUTE"]

PAPER_ROUTE = "paper: approximate SDPI (FKL25 Lemma 21 + Thm 8 + Thm 7; cited, not certified)"


def _fourth_root(x: Fraction) -> Fraction | None:
    """The rational fourth root of ``x > 0`` when there is one."""
    out = []
    for v in (x.numerator, x.denominator):
        r = round(v ** 0.25)
        for c in (r - 1, r, r + 1):
            if c > 0 and c ** 4 == v:
                out.append(c)
                break
        else:
            return None
    return Fraction(out[0], out[1])


def boolean_lambda(params: dict) -> tuple[Fraction, str | None]:
    """λ from ``rho`` / ``lambda`` or from ``C`` and ``d`` (λ = C d^(−1/4)); a note when it was rounded."""
    given = [k for k in ("rho", "lambda") if k in params]
    if len(given) > 1:
        raise InvalidArgument("boolean-cluster: give rho or lambda, not both (they are the same correlation)")
    if given:
        if "C" in params:
            raise InvalidArgument("boolean-cluster: give lambda (or rho) or C with d, not both")
        lam, note = Fraction(params[given[0]]), None
    elif "C" in params:
        if "d" not in params:
            raise InvalidArgument("boolean-cluster: C needs d (lambda = C d^(-1/4))")
        C, d = Fraction(params["C"]), Fraction(params["d"])
        if d <= 0 or C <= 0:
            raise InvalidArgument(f"Expected C > 0 and d > 0 but got C={float(C):.6g}, d={float(d):.6g}")
        root = _fourth_root(d)
        if root is not None:
            lam, note = C / root, None
        else:
            with mpmath.workdps(30):
                v = mpmath.mpf(C.numerator) / C.denominator * (mpmath.mpf(d.numerator) / d.denominator) ** mpmath.mpf(-0.25)
                lam = Fraction(mpmath.nstr(v, 15, strip_zeros=False))
            note = (f"lambda = C d^(-1/4) = {float(lam):.15g} rounded to 15 significant digits (d is not a fourth "
                    "power); the certified values are for this rational lambda")
    else:
        raise InvalidArgument("boolean-cluster needs --set rho=... (or lambda=..., or C=... with d=...)")
    if not 0 < lam < 1:
        name = given[0] if given else "lambda"
        raise InvalidArgument(f"Expected 0 < {name} < 1 but got {name}={float(lam):.6g}"
                              + ("" if given else " (lambda = C d^(-1/4))"))
    return lam, note


def _log_M(params: dict) -> float | None:
    if "M" in params and "logM" in params:
        raise InvalidArgument("boolean-cluster: give M or logM, not both")
    if "logM" in params:
        v = float(params["logM"])
        if not v > 0:
            raise InvalidArgument(f"Expected logM > 0 (|M| > 1) but got logM={v:.6g}")
        return v
    if "M" in params:
        M = Fraction(params["M"])
        if not M > 1:
            raise InvalidArgument(f"Expected |M| > 1 but got M={float(M):.6g}")
        return math.log(M)
    return None


def paper_route(n: int, lam: Fraction, params: dict, info: float) -> dict[str, Any]:
    """The paper's approximate-SDPI route at one n (floats: a cited formula, evaluated, not certified).

    Returns ``tau_n_paper``, ``rho_n_paper``, ``factor_paper``, ``neg_n_paper``, ``bound_paper`` (``None`` when
    not valid) and ``paper_note`` (why not, or the δ used)."""
    none = {"tau_n_paper": None, "rho_n_paper": None, "factor_paper": None, "neg_n_paper": None,
            "bound_paper": None}
    logM = _log_M(params)
    if "d" not in params or logM is None:
        return dict(none, paper_note="the paper's route needs d and |M| (--set d=... --set M=... or logM=...)")
    d = float(params["d"])
    lf = float(lam)
    if not lf < 0.1:
        return dict(none, paper_note=f"not valid: Lemma 21 needs lambda < 1/10 (lambda = {lf:.6g})")
    n_paper = 1 / (10 * lf * lf)
    n_dp = 1 / (20 * math.atanh(lf) ** 2)
    if not n < n_paper:
        return dict(none, paper_note=f"not valid: Lemma 21 needs n < 1/(10 lambda^2) = {n_paper:.6g}")
    if not n < n_dp:
        return dict(none, paper_note=(f"not valid: n < 1/(10 lambda^2) = {n_paper:.6g} as the paper states, but "
                                      "randomized response is 2 atanh(lambda)-DP, so advanced composition needs "
                                      f"n < 1/(20 atanh^2 lambda) = {n_dp:.6g}"))
    if not info > 0:
        return dict(none, paper_note="the paper's delta needs C_alpha > 0 (--set alpha=... or info=...)")
    delta = min((info / (d * logM)) ** 2, 0.5)
    tau = 8 * n * lf * lf * math.log(d / delta)
    if not tau < 1:
        return dict(none, paper_note=f"no bound: tau_n = 8 n lambda^2 ln(d/delta) = {tau:.6g} >= 1 (delta = {delta:.3g})")
    rho = lf * lf * tau
    factor = (1 - tau) / rho
    neg = 8 * delta * factor * (logM - math.log(delta)) + 8 * delta * (logM - math.log(delta))
    return {"tau_n_paper": tau, "rho_n_paper": rho, "factor_paper": factor, "neg_n_paper": neg,
            "bound_paper": factor * info - neg,
            "paper_note": f"delta = min((C_alpha/(d ln|M|))^2, 1/2) = {delta:.6g}; cited, not certified"}
