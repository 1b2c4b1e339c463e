"""The tilt route for binary-output channels (derive.channels.tilt), against independent oracles:
brute-force optimization over Q (scipy), a dense mpmath grid over the tilt parameter at 50 digits, and the
known cases of issue 14 (BSC with a Bernoulli(0.1) input, the BEC(0.8) backward channel, the Boolean cluster)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize

from derive.channels import tilt
from derive.channels.tilt import eta_kl_binary, eta_kl_binary_float, symmetric_certificate
from derive.cli import main

F = Fraction


def _ratio(f, P, Q):
    """D(QK || PK) / D(Q || P) for the binary-output channel f(x) = K(1 | x) (float64)."""
    m, pb = float(Q @ f), float(P @ f)
    n = sum(a * math.log(a / b) for a, b in ((m, pb), (1 - m, 1 - pb)) if a > 0)
    d = float(sum(q * math.log(q / p) for q, p in zip(Q, P) if q > 0))
    return n / d if d > 1e-10 else 0.0


def _brute(f, P, rng, starts=40):
    """sup_Q of the ratio by multistart Nelder-Mead over the simplex (softmax coordinates) plus the vertices
    and random points: an independent oracle that never uses the tilt."""
    k = len(P)
    best = 0.0
    for Q in list(np.eye(k)) + list(rng.dirichlet(np.ones(k), size=300)):
        best = max(best, _ratio(f, P, Q))
    for _ in range(starts):
        z0 = rng.normal(size=k) * 3

        def obj(z):
            e = np.exp(z - z.max())
            return -_ratio(f, P, e / e.sum())

        res = minimize(obj, z0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 4000})
        best = max(best, -res.fun)
    return best


def _mp_grid(f, P, lams, dps=50):
    """R(lambda) = d(m || pbar) / D(Q_lambda || P) on a grid, at ``dps`` digits (mpmath, independent code)."""
    with mpmath.workdps(dps):
        fm = [mpmath.mpf(v.numerator) / v.denominator for v in f]
        pm = [mpmath.mpf(v.numerator) / v.denominator for v in P]
        pb = mpmath.fsum(p * x for p, x in zip(pm, fm))
        out = []
        for lam in lams:
            lam = mpmath.mpf(lam)
            w = [p * mpmath.exp(lam * x) for p, x in zip(pm, fm)]
            Z = mpmath.fsum(w)
            q = [x / Z for x in w]
            m = mpmath.fsum(a * x for a, x in zip(q, fm))
            n = m * mpmath.log(m / pb) + (1 - m) * mpmath.log((1 - m) / (1 - pb))
            d = mpmath.fsum(a * mpmath.log(a / p) for a, p in zip(q, pm) if a > 0)
            out.append(n / d)
        return out


def _cluster(n, rho):
    rho = F(rho)
    p, q = (1 + rho) / 2, (1 - rho) / 2
    f, P = [], []
    for s in range(n + 1):
        bp, bq = p ** s * q ** (n - s), q ** s * p ** (n - s)
        f.append(bp / (bp + bq))
        P.append(math.comb(n, s) * (bp + bq) / 2)
    return f, P


GRID = [s * 10 ** e for e in range(-3, 3) for s in (1, 2, 5)] + [300.0]


def _mpq(x):
    with mpmath.workdps(80):
        return mpmath.mpf(x.numerator) / x.denominator


def _inside_grid(f, P, b):
    """Every independently computed R(lambda) on the grid is <= the certified upper end; returns the max."""
    vals = _mp_grid(f, P, GRID + [-x for x in GRID])
    with mpmath.workdps(80):
        assert max(vals) <= _mpq(b.upper), (float(max(vals)), float(b.upper))
    return max(vals)


# ----------------------------------------------------------------------------------- known cases (issue 14)

def test_bsc_with_bernoulli_input_beats_chi2():
    """BSC(0.1) with input Bernoulli(0.1): eta_KL ~ 0.552096 > eta_chi2 = 16/41 (the chi-criterion fails)."""
    f, P = [F(1, 10), F(9, 10)], [F(9, 10), F(1, 10)]
    b = eta_kl_binary(f, P)
    assert b.chi2 == F(16, 41) and not b.equal
    assert b.lower > F(16, 41)
    assert b.width < F(1, 10 ** 9)
    assert abs(float(b.lower + b.upper) / 2 - 0.552096) < 5e-7
    assert b.witness_lambda is not None and math.isfinite(b.witness_lambda)
    _inside_grid(f, P, b)


def test_bec_backward_channel():
    """BEC(0.8), uniform input, backward channel Y -> X: eta_chi2 = 0.2 but eta_KL >= log 2 / log 10 (the
    sup is the lambda -> infinity limit: Q conditioned on the unerased outputs)."""
    f, P = [F(0), F(1, 2), F(1)], [F(1, 10), F(8, 10), F(1, 10)]
    b = eta_kl_binary(f, P)
    assert b.chi2 == F(1, 5)
    assert float(b.lower) >= math.log(2) / math.log(10) - 1e-15
    assert b.width < F(1, 10 ** 9)
    assert b.witness_lambda in (math.inf, -math.inf)
    _inside_grid(f, P, b)


@pytest.mark.parametrize("n, rho", [(1, F(1, 2)), (2, F(1, 2)), (3, F(1, 2)), (5, F(1, 10)), (4, F(3, 10))])
def test_chi_criterion_holds_for_the_boolean_cluster(n, rho):
    """The chi-criterion certifies eta_KL = eta_chi2 exactly (n = 2: tau_2 = 2 rho^2 / (1 + rho^2))."""
    f, P = _cluster(n, rho)
    b = eta_kl_binary(f, P)
    assert b.equal and b.lower == b.upper == b.chi2
    if n == 2:
        assert b.chi2 == 2 * rho ** 2 / (1 + rho ** 2)
    if n == 1:
        assert b.chi2 == rho ** 2
    with mpmath.workdps(80):
        assert _inside_grid(f, P, b) <= _mpq(b.chi2)


def test_symmetric_analytic_certificate():
    assert symmetric_certificate(0.01) is not None and symmetric_certificate(1e-200) is not None
    assert symmetric_certificate(0.5) is None and symmetric_certificate(0.2) is None
    f, P = _cluster(30, F(1, 2))                              # 1 - eta_chi2 ~ 5e-3
    b = eta_kl_binary(f, P)
    assert b.route == "symmetric-analytic" and b.equal and b.upper == b.chi2
    vals = _mp_grid(f, P, GRID, dps=80)
    with mpmath.workdps(80):
        assert max(vals) <= _mpq(b.chi2)


def test_constant_channel_and_point_mass():
    assert eta_kl_binary([F(1, 3), F(1, 3)], [F(1, 2), F(1, 2)]).upper == 0
    assert eta_kl_binary([F(1, 3), F(2, 3)], [F(1), F(0)]).upper == 0


# ----------------------------------------------------------------------------------- the reduction vs brute force

@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_reduction_against_brute_force_over_q(seed):
    """On 3- and 4-symbol inputs the certified bracket contains the brute-force sup over all Q."""
    rng = np.random.default_rng(seed)
    k = 3 + seed % 2
    f = [F(int(x), 20) for x in rng.integers(1, 20, size=k)]
    if len(set(f)) == 1:
        f[0] = F(1, 2) if f[0] != F(1, 2) else F(1, 4)
    w = rng.integers(1, 10, size=k)
    P = [F(int(x), int(w.sum())) for x in w]
    b = eta_kl_binary(f, P)
    brute = _brute(np.array([float(v) for v in f]), np.array([float(v) for v in P]), rng)
    assert brute <= float(b.upper) + 1e-9
    assert brute >= float(b.lower) - 1e-5                      # the search reaches the sup the tilt found
    _inside_grid(f, P, b)


# ----------------------------------------------------------------------------------- float path vs arb path

@pytest.mark.parametrize("n, rho", [(1, F(1, 10)), (3, F(1, 2)), (8, F(3, 10)), (20, F(1, 10))])
def test_float_path_agrees_with_arb_path(n, rho):
    f, P = _cluster(n, rho)
    a = eta_kl_binary(f, P)
    from derive.templates.boolean_cluster import _boolean_law

    ff, om, PP, err = _boolean_law(n, rho)
    b = eta_kl_binary_float(ff, PP, omf=om, symmetric=True, input_rel=err, budget=2.0)
    assert b.lower <= a.upper and a.lower <= b.upper            # both enclose the same number
    assert abs(float(b.upper) - float(a.upper)) <= 1e-9 * float(a.upper)
    assert b.equal == a.equal or not b.converged


@pytest.mark.parametrize("seed", range(3))
def test_float_path_agrees_with_arb_path_asymmetric(seed):
    rng = np.random.default_rng(100 + seed)
    k = 12
    f = [F(int(x), 97) for x in rng.integers(1, 97, size=k)]
    w = rng.integers(1, 50, size=k)
    P = [F(int(x), int(w.sum())) for x in w]
    a = eta_kl_binary(f, P)
    b = eta_kl_binary_float(np.array([float(v) for v in f]), np.array([float(v) for v in P]),
                            omf=np.array([float(1 - v) for v in f]), budget=2.0)
    assert b.lower <= a.upper and a.lower <= b.upper
    assert float(b.width) < 1e-6


# ----------------------------------------------------------------------------------- derivative bounds

@pytest.mark.parametrize("seed", range(4))
def test_chi_derivative_bounds(seed):
    """|chi''| <= C2 and |chi'''| <= C3 along the tilt (finite differences of the mpmath chi at 50 digits)."""
    rng = np.random.default_rng(seed)
    k = 5
    f = [F(int(x), 50) for x in rng.integers(0, 51, size=k)]
    w = rng.integers(1, 10, size=k)
    P = [F(int(x), int(w.sum())) for x in w]
    r = float(max(f) - min(f))
    if r == 0:
        return
    with mpmath.workdps(50):
        fm = [mpmath.mpf(v.numerator) / v.denominator for v in f]
        pm = [mpmath.mpf(v.numerator) / v.denominator for v in P]

        def chi(v):
            ww = [p * mpmath.exp(v * x) for p, x in zip(pm, fm)]
            Z = mpmath.fsum(ww)
            m = mpmath.fsum(a * x for a, x in zip(ww, fm)) / Z
            var = mpmath.fsum(a * (x - m) ** 2 for a, x in zip(ww, fm)) / Z
            return var / (m * (1 - m))

        for v in (-20 / r, -3 / r, -0.5 / r, 0, 0.5 / r, 3 / r, 20 / r):
            d2 = mpmath.diff(chi, v, 2)
            d3 = mpmath.diff(chi, v, 3)
            assert abs(d2) <= tilt._c2(r) and abs(d3) <= tilt._c3(r)
            assert chi(v) <= min(r, 1) + mpmath.mpf(10) ** -40


# ----------------------------------------------------------------------------------- derive eta

def test_eta_cli_binary_output_many_inputs(capsys):
    rng = np.random.default_rng(7)
    k = 8
    rows = [[round(x, 3), round(1 - x, 3)] for x in rng.uniform(0.05, 0.95, size=k)]
    P = [round(x, 4) for x in rng.dirichlet(np.ones(k))]
    P[-1] = round(1 - sum(P[:-1]), 4)
    assert main(["eta", "matrix:" + json.dumps(rows), "--input", json.dumps(P), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    lo, hi = rep["eta_kl_bracket"]
    assert hi - lo <= 1e-9 and lo >= rep["eta_chi2"] - 1e-15
    assert "tilt route" in rep["how"]["eta_kl_lower"] or "eta_chi2" in rep["how"]["eta_kl_lower"]
    assert "tilt route" in rep["how"]["eta_kl_upper"] or "Dobrushin" in rep["how"]["eta_kl_upper"]


def test_eta_cli_bsc_bernoulli(capsys):
    assert main(["eta", "bsc:0.1", "--input", "bern:0.1", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    lo, hi = rep["eta_kl_bracket"]
    assert lo <= 0.5520956 and hi >= 0.5520955 and lo > 16 / 41


def test_deterministic_and_nearly_constant_channels():
    """f in {0, 1}: eta_KL = 1 exactly. f constant in float64 but not exactly: the float path must not claim 0
    (the exact entries may differ by its input margin), the arb path brackets the exact value."""
    b = eta_kl_binary([F(0), F(0), F(1)], [F(1, 3), F(1, 3), F(1, 3)])
    assert b.lower == b.upper == 1 and b.route == "deterministic"
    f, P = [F(1, 2), F(1, 2) + F(1, 10 ** 20)], [F(1, 2), F(1, 2)]
    exact = eta_kl_binary(f, P)
    eps = F(1, 10 ** 20)
    assert exact.chi2 == eps ** 2 / (1 - eps ** 2) and exact.lower <= exact.chi2 <= exact.upper
    fl = eta_kl_binary_float(np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    assert fl.upper >= exact.upper and fl.lower == 0
