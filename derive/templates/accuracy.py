"""Accuracy → information: the least I(M; X) that classification error α forces, certified.

FKL25 (Theorem 7 part 2) turn accuracy into information with a binary-classification argument: a learner whose
error is at most α on the test example has I(M; X) ≥ C*_α with

    C*_α = min { D(Ber(p) ‖ Ber(q)) : p − q ≥ 1 − 2α }      (nats; 0 < α < 1/2; C*_0 = ∞)

The paper states C_α = D(Ber(1 − α) ‖ Ber(α)) = (1 − 2α)·ln((1 − α)/α), the value at the symmetric point; the
minimum is smaller (α = 1/3: C*_α ≈ 0.228062 vs C_α ≈ 0.231049; α = 0.01: ln 50 ≈ 3.912 vs 4.503), see
``../shared/reference/memorization.md`` and ``docs/papers.md``. Pinsker gives the simpler valid 2(1 − 2α)².

The minimum sits on the line p = q + δ, δ = 1 − 2α (D grows with p − q at fixed q... on the feasible side), where
g(q) = D(Ber(q + δ) ‖ Ber(q)) is convex (a jointly convex function on a line) on (0, 1 − δ], infinite at q = 0,
with g′(q) = ln(p/q) − ln((1 − p)/(1 − q)) − p/q + (1 − p)/(1 − q). :func:`accuracy_information` brackets the root
of g′ by bisection with ball arithmetic (python-flint ``arb``); on the bracket [a, b], convexity gives
g ≥ max(g(a) + g′(a)(b − a), g(b) − g′(b)(b − a)) and outside it g ≥ min(g(a), g(b)) — a certified lower end; the
upper end is min(g(a), g(b)).
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint

from derive.errors import InvalidArgument
from derive.numeric.certify import arb_of
from derive.numeric.exact import float_down, float_lower, float_upper

__all__ = ["accuracy_information", "pinsker_information", "times_information_down"]


#: Halvings of the distance to the end q = 1 − δ (p = 1) searched for a point with a certified positive slope; for
#: small α the minimizer lies closer to that end than this (within e^(−1/(2α)) or so), and the bracket is taken there.
_END_STEPS = 128


def _g_and_slope(q: Fraction, delta: Fraction) -> tuple:
    """(g(q), g'(q)) as arb balls, for 0 < q and q + delta < 1 (1 − p and 1 − q taken exactly: near the end
    q = 1 − δ they are far below the working precision of 1)."""
    p = q + delta
    qa, pa, rp, rq = arb_of(q), arb_of(p), arb_of(1 - p), arb_of(1 - q)
    g = pa * (pa / qa).log() + rp * (rp / rq).log()
    s = (pa / qa).log() - (rp / rq).log() - pa / qa + rp / rq
    return g, s


def accuracy_information(alpha: Fraction, bits: int = 40) -> tuple[float, float]:
    """A certified bracket ``[lo, hi]`` (nats) of C*_α = min D(Ber(p) ‖ Ber(q)) over p − q ≥ 1 − 2α.

    Raises
    ------
    InvalidArgument
        Unless 0 < α < 1/2 (at α ≥ 1/2 accuracy forces nothing; the bound is 0 — pass ``info`` instead). At α = 0,
        C*_0 = D(Ber(1) ‖ Ber(0)) = ∞: error 0 would need I(M; X) = ∞, so no learner reaches it when X has finite
        entropy (or its positives and nulls overlap), and a bound "≥ ∞" over no learner says nothing; refused.
    """
    alpha = Fraction(alpha)
    if alpha == 0:
        raise InvalidArgument("alpha = 0: the information error 0 forces, C*_0 = D(Ber(1) || Ber(0)), is infinite, "
                              "so no learner has error 0 here (I(M; X) would be infinite) and the bound says nothing; "
                              "give a classification error 0 < alpha < 1/2")
    if not 0 < alpha < Fraction(1, 2):
        raise InvalidArgument(f"Expected a classification error 0 < alpha < 1/2 but got alpha={alpha}")
    delta = 1 - 2 * alpha
    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        top = 1 - delta
        a = top / 2
        while not _g_and_slope(a, delta)[1] < 0:  # g' -> -oo at 0+: a point with a certified negative slope
            a /= 2
        b = top / 2
        for _ in range(_END_STEPS):  # g' -> +oo at (1 - delta)-: a certified positive slope
            slope = _g_and_slope(b, delta)[1]
            if slope > 0:
                break
            if slope < 0:
                a = max(a, b)
            b = (b + top) / 2
        else:  # the minimizer lies in [a, top], within top / 2^_END_STEPS of the end p = 1
            # convexity: g >= g(a) + g'(a)(q - a) >= g(a) + g'(a)(top - a) on [a, top] (g'(a) < 0), g >= g(a) before;
            # the end itself is feasible: g(top) = D(Ber(1) || Ber(top)) = ln(1/top)
            ga, sa = _g_and_slope(a, delta)
            return float_lower(ga + sa * arb_of(top - a)), float_upper(-arb_of(top).log())
        if b < a:
            a, b = b, a  # impossible for a convex g with these signs, but keep the order meaningful
        for _ in range(bits):
            mid = (a + b) / 2
            s_mid = _g_and_slope(mid, delta)[1]
            if s_mid < 0:
                a = mid
            elif s_mid > 0:
                b = mid
            else:
                break  # the ball holds 0: the bracket [a, b] is as tight as this precision allows
        ga, sa = _g_and_slope(a, delta)
        gb, sb = _g_and_slope(b, delta)
        width = arb_of(b - a)
        # tangents lie below the convex g everywhere: min g >= g(a) + g'(a)(b - a) and >= g(b) - g'(b)(b - a)
        lower = max(float_lower(ga + sa * width), float_lower(gb - sb * width))
        upper = min(float_upper(ga), float_upper(gb))
        return lower, upper
    finally:
        flint.ctx.prec = old


def pinsker_information(alpha: Fraction) -> Fraction:
    """Pinsker's simpler valid bound 2(1 − 2α)² (nats) on the information accuracy α forces."""
    alpha = Fraction(alpha)
    if not 0 <= alpha < Fraction(1, 2):
        raise InvalidArgument(f"Expected a classification error 0 <= alpha < 1/2 but got alpha={alpha}")
    return 2 * (1 - 2 * alpha) ** 2


def times_information_down(factor: float, info: Fraction) -> float:
    """factor · info rounded down to a float (a lower bound on the product; ±inf factors keep their sign).

    ``factor`` is a lower bound on (1 − τ_n)/ρ_n (a float), ``info`` a lower bound on I(M; X) ≥ 0 (e.g. the
    certified lower end of C*_α); the product is taken exactly and rounded toward −∞."""
    factor = float(factor)
    info = Fraction(info)
    if info == 0 or factor == 0:
        return 0.0
    if math.isinf(factor):
        return factor if info > 0 else -factor
    return float_down(Fraction(factor) * info)
