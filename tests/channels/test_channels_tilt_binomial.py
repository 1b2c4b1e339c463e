"""derive.channels.tilt_binomial (issue 14): the certified eta_KL bracket of the backward channel of a two-component
binomial mixture, checked against independent computations: mpmath at high precision (sup over the tilt of
D(QK||PK)/D(Q||P), and eta_chi2), a brute-force search over Q (scipy, many starts) on a small alphabet, the closed
form of a one-mixed-type (Z channel) model, and the same bracket without the window."""

from __future__ import annotations

import math
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest

from derive.channels import tilt_binomial as tb
from derive.templates.common import _log_factorials

BSC_PRIOR = (F(7, 10), F(3, 10))
BSC_ROWS = ((F(3, 4), F(1, 4)), (F(1, 4), F(3, 4)))
SKEW_PRIOR = (F(1, 4), F(3, 4))
SKEW_ROWS = ((F(3, 5), F(2, 5)), (F(1, 5), F(4, 5)))


def _mp(x: F):
    return mpmath.mpf(x.numerator) / x.denominator


def _oracle(prior, rows, n, dps):
    """(log(1 - eta_chi2), log(1 - max_lambda R(lambda))) at ``dps`` digits: R = d(m || pbar)/D(Q || P) along the tilt
    Q ~ P e^(lambda f), maximized by a scan over +-10^(k/8) and a golden-section refinement (an independent
    computation: full sums over all n + 1 types, no window, no tail bounds). max R <= eta_KL."""
    with mpmath.workdps(dps):
        wa, wb = _mp(prior[0]), _mp(prior[1])
        Ka, Kb = [_mp(x) for x in rows[0]], [_mp(x) for x in rows[1]]
        Pa = [wa * mpmath.binomial(n, j) * Ka[0] ** j * Ka[1] ** (n - j) for j in range(n + 1)]
        Pb = [wb * mpmath.binomial(n, j) * Kb[0] ** j * Kb[1] ** (n - j) for j in range(n + 1)]
        P = [x + y for x, y in zip(Pa, Pb)]
        f = [y / p for y, p in zip(Pb, P)]
        A0 = mpmath.fsum(x * fj for x, fj in zip(Pa, f))

        def om_r(lam):
            lam = mpmath.mpf(lam)
            e = [p * mpmath.exp(lam * fj) for p, fj in zip(P, f)]
            Z = mpmath.fsum(e)
            m = mpmath.fsum(x * fj for x, fj in zip(e, f)) / Z
            D = lam * m - mpmath.log(Z)
            N = m * mpmath.log(m / wb) + (1 - m) * mpmath.log((1 - m) / (1 - wb))
            return (D - N) / D

        vals = [(om_r(s * 10 ** (k / 8)), s * 10 ** (k / 8)) for s in (1, -1) for k in range(-8, 17)]
        best, l0 = min(vals)
        a, b = sorted((l0 / 1.4, l0 * 1.4))
        for _ in range(30):
            c, d = b - (b - a) / 1.618, a + (b - a) / 1.618
            if om_r(c) < om_r(d):
                b = d
            else:
                a = c
        om_chi0 = A0 / wa + A0 / wb                            # the limit lambda -> 0 of 1 - R
        best = min(best, om_r((a + b) / 2), om_chi0)
        return float(mpmath.log(om_chi0)), float(mpmath.log(best))


def _bracket(prior, rows, ns):
    M = tb.BinomialMixture(prior, rows[0], rows[1])
    return tb.chi_sup_bracket(M, ns, _log_factorials(max(ns)))


@pytest.mark.parametrize("prior, rows, ns", [(BSC_PRIOR, BSC_ROWS, [1, 5, 20, 97]), (SKEW_PRIOR, SKEW_ROWS, [3, 40, 150])])
def test_bracket_contains_the_mpmath_oracle(prior, rows, ns):
    lo, hi = _bracket(prior, rows, ns)
    for n, l, h in zip(ns, lo, hi):
        chi0, best = _oracle(prior, rows, n, dps=40 + int(-h / math.log(10)))
        # l <= log(1 - eta_KL) <= log(1 - max R) = best; h >= log(1 - R(lambda)) at the grid's best lambda >= best
        assert l <= best + 1e-12, (n, l, best)
        assert best <= h + 1e-12, (n, best, h)
        assert h <= chi0 + 1e-9 * (1 + abs(chi0))             # the witness is at least as good as eta_chi2
        assert l < h


@pytest.mark.slow
def test_bracket_contains_the_oracle_at_larger_n():
    ns = [600, 1500]
    lo, hi = _bracket(BSC_PRIOR, BSC_ROWS, ns)
    for n, l, h in zip(ns, lo, hi):
        chi0, best = _oracle(BSC_PRIOR, BSC_ROWS, n, dps=40 + int(-h / math.log(10)))
        assert l <= best <= h <= chi0 + 1e-9 * abs(chi0)
        assert best - l < 0.03 and h - best < 0.03            # both ends within 3% of the oracle in 1 - tau


def test_brute_force_over_q_on_a_small_alphabet():
    """n = 3 (four observation types): D(QK||PK)/D(Q||P) over Q from many random starts (scipy Nelder-Mead on a
    softmax parametrization) never exceeds the certified upper end 1 - e^lo, and the best found lies in the bracket."""
    from scipy.optimize import minimize

    n = 3
    lo, hi = _bracket(SKEW_PRIOR, SKEW_ROWS, [n])
    wa, wb = (float(x) for x in SKEW_PRIOR)
    Ka, Kb = [float(x) for x in SKEW_ROWS[0]], [float(x) for x in SKEW_ROWS[1]]
    Pa = np.array([wa * math.comb(n, j) * Ka[0] ** j * Ka[1] ** (n - j) for j in range(n + 1)])
    Pb = np.array([wb * math.comb(n, j) * Kb[0] ** j * Kb[1] ** (n - j) for j in range(n + 1)])
    P, f = Pa + Pb, Pb / (Pa + Pb)

    def neg_ratio(z):
        Q = np.exp(z - z.max())
        Q /= Q.sum()
        dq = float(np.sum(Q * np.log(np.maximum(Q, 1e-300) / P)))
        m = float(Q @ f)
        if dq < 1e-10:
            return 0.0
        return -(m * math.log(m / wb) + (1 - m) * math.log((1 - m) / (1 - wb))) / dq

    rng = np.random.default_rng(0)
    best = max(-minimize(neg_ratio, rng.normal(size=n + 1) * s, method="Nelder-Mead",
                         options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000}).fun
               for s in (0.3, 1.0, 3.0) for _ in range(10))
    upper = -math.expm1(lo[0])
    lower = -math.expm1(hi[0])
    assert best <= upper + 1e-12
    assert lower - 1e-9 <= best


def test_one_mixed_type_closed_form():
    """Z-type rows (theta = a never shows y0): only the all-y1 type is mixed, with posterior q = P(b | it); then
    b(v) = q for every v and a(v) -> 0, so sup of the averages of eta_chi2 is 1 - q: lo = log q (up to the margins)."""
    prior = (F(3, 10), F(7, 10))
    rows = ((F(1), F(0)), (F(3, 10), F(7, 10)))
    ns = [1, 7, 300, 10000]
    lo, hi = _bracket(prior, rows, ns)
    for n, l, h in zip(ns, lo, hi):
        log_q = math.log(0.7) + n * math.log(0.3) - math.log(0.3 + 0.7 * 0.3 ** n)
        assert l <= log_q + 1e-12 and log_q - l < 1e-6 * (1 + abs(log_q))
        # 1 - eta_chi2 = q + w_a q / w_b (A0 = w_a q): the upper end is at most that
        log_om = log_q + math.log(1 + 0.3 / 0.7)
        assert l < h <= log_om + 1e-9 * (1 + abs(log_om))


def test_window_gives_the_same_bracket_as_all_types(monkeypatch):
    """The windowed sums with tail bounds against the same computation over every type (a huge window)."""
    ns = [30, 200, 400]
    lo, hi = _bracket(SKEW_PRIOR, SKEW_ROWS, ns)
    monkeypatch.setattr(tb, "WINDOW_NATS", 5000.0)
    M = tb.BinomialMixture(SKEW_PRIOR, SKEW_ROWS[0], SKEW_ROWS[1])
    L, H = tb._windows(M, np.array(ns), _log_factorials(max(ns)), 100.0)
    assert list(L) == [0] * 3 and list(H) == ns
    lo_all, hi_all = _bracket(SKEW_PRIOR, SKEW_ROWS, ns)
    assert np.allclose(lo, lo_all, rtol=1e-9, atol=1e-9)
    assert np.allclose(hi, hi_all, rtol=1e-6, atol=1e-9)     # the witness end uses the tails at e^{v f_H}


def test_degenerate_models():
    half = (F(1, 2), F(1, 2))
    same = tb.BinomialMixture(half, (F(1, 3), F(2, 3)), (F(1, 3), F(2, 3)))
    assert same.degenerate
    lo, hi = tb.chi_sup_bracket(same, [5], _log_factorials(5))
    assert lo[0] == -math.inf and hi[0] == 0.0              # no bound claimed
    swapped = tb.BinomialMixture(half, (F(1, 4), F(3, 4)), (F(3, 4), F(1, 4)))
    direct = tb.BinomialMixture(half, (F(3, 4), F(1, 4)), (F(1, 4), F(3, 4)))
    a = tb.chi_sup_bracket(swapped, [9, 50], _log_factorials(50))
    b = tb.chi_sup_bracket(direct, [9, 50], _log_factorials(50))
    assert np.allclose(a, b, rtol=0, atol=1e-12)
