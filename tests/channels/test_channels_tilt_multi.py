"""The certified η_KL cover for 3–4 outputs (derive.channels.tilt_multi) against an independent oracle:
scipy minimization of D(QK||PK)/D(Q||P) over Q from many starts must never exceed the certified upper end, and
the lower end must be attained (the oracle's best is at least the lower end minus its own optimization error)."""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest
from scipy.optimize import minimize

from derive.channels.coefficients import eta_chi2, eta_kl
from derive.channels.library import Matrix
from derive.channels.tilt_multi import eta_kl_multi, eta_kl_multi_rational


def _brute(rows, P, starts=16, seed=0):
    """max over Q (softmax-parametrized, Nelder-Mead from random starts of several scales) of the KL ratio."""
    K = np.array([[float(v) for v in r] for r in rows])
    p = np.array([float(v) for v in P])
    pk = p @ K
    rng = np.random.default_rng(seed)

    def neg_ratio(z):
        q = np.exp(z - z.max())
        q /= q.sum()
        qk = q @ K
        d = float(np.sum(np.where(q > 0, q * np.log(np.maximum(q, 1e-300) / p), 0.0)))
        n = float(np.sum(np.where(qk > 0, qk * np.log(np.maximum(qk, 1e-300) / pk), 0.0)))
        return -n / d if d > 1e-12 else 0.0

    best = 0.0
    for _ in range(starts):
        z = np.log(p) + rng.normal(size=len(p)) * rng.choice([0.05, 0.5, 2.0, 8.0])
        r = minimize(neg_ratio, z, method="Nelder-Mead", options=dict(maxiter=3000, xatol=1e-10, fatol=1e-15))
        best = max(best, -r.fun)
    return best


CASES = {
    "qsc3": ([[Fr(8, 10), Fr(1, 10), Fr(1, 10)], [Fr(1, 10), Fr(8, 10), Fr(1, 10)],
              [Fr(1, 10), Fr(1, 10), Fr(8, 10)]], [Fr(1, 2), Fr(3, 10), Fr(2, 10)]),
    "four_inputs": ([[Fr(7, 10), Fr(2, 10), Fr(1, 10)], [Fr(1, 10), Fr(3, 10), Fr(6, 10)],
                     [Fr(2, 10), Fr(5, 10), Fr(3, 10)], [Fr(0), Fr(1, 2), Fr(1, 2)]], [Fr(1, 4)] * 4),
    "z_like": ([[Fr(1), Fr(0), Fr(0)], [Fr(3, 10), Fr(7, 10), Fr(0)], [Fr(0), Fr(3, 10), Fr(7, 10)]], [Fr(1, 3)] * 3),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_bracket_contains_the_brute_force_optimum(name):
    rows, P = CASES[name]
    b = eta_kl_multi_rational(rows, P, slack=1e-2, budget=120, max_cells=500)
    assert b is not None and b.upper is not None
    best = _brute(rows, P)
    assert best <= float(b.upper) + 1e-12              # the oracle never beats the certified upper end
    assert float(b.lower) <= best + 1e-7               # the lower end is attained (up to the oracle's accuracy)
    assert float(b.chi2_lower) <= float(b.lower) <= float(b.upper)
    # the three brute-force cases all have eta_KL > eta_chi2 by more than the slack: the cover saw it
    chi = eta_chi2(Matrix([[str(v) for v in r] for r in rows]), P)
    assert float(b.lower) > float(chi.lower)


def test_four_outputs_give_an_ordered_bracket_above_the_chi2_quotient():
    rows = [[Fr(7, 10), Fr(1, 10), Fr(1, 10), Fr(1, 10)], [Fr(1, 10), Fr(7, 10), Fr(1, 10), Fr(1, 10)],
            [Fr(1, 10), Fr(1, 10), Fr(7, 10), Fr(1, 10)], [Fr(1, 10), Fr(1, 10), Fr(1, 10), Fr(7, 10)]]
    P = [Fr(4, 10), Fr(3, 10), Fr(2, 10), Fr(1, 10)]
    b = eta_kl_multi_rational(rows, P, slack=1e-3, budget=120, max_cells=300)
    assert b is not None
    # a witness tilt is certified: lower end above eta_chi2's Rayleigh quotient or equal to it
    assert b.lower >= b.chi2_lower > 0
    if b.upper is not None:
        assert b.lower <= b.upper


@pytest.mark.slow
def test_float_inputs_with_exact_mean_agree_with_the_rational_path():
    rows, P = CASES["four_inputs"]
    br = eta_kl_multi_rational(rows, P, slack=1e-2, budget=120, max_cells=400)
    F = np.array([[float(v) for v in r] for r in rows])
    Pf = np.array([float(v) for v in P])
    pbar = [sum((P[x] * rows[x][y] for x in range(4)), Fr(0)) for y in range(3)]
    bf = eta_kl_multi(F, Pf, pbar, input_rel=1e-15, slack=1e-2, budget=120, max_cells=400)
    assert br.upper is not None and bf.upper is not None
    assert max(br.lower, bf.lower) <= min(br.upper, bf.upper)


def test_declines_outputs_on_a_line():
    # three outputs whose rows lie on a segment of the simplex: Cov_P(F') is singular, the route declines
    rows = [[Fr(1, 2), Fr(1, 2), Fr(0)], [Fr(1, 4), Fr(1, 2), Fr(1, 4)], [Fr(0), Fr(1, 2), Fr(1, 2)]]
    assert eta_kl_multi_rational(rows, [Fr(1, 3)] * 3, budget=0.5) is None


def test_eta_kl_api_names_the_route_for_three_outputs_on_six_inputs():
    K = Matrix([["0.8", "0.1", "0.1"], ["0.1", "0.8", "0.1"], ["0.1", "0.1", "0.8"], ["0.3", "0.3", "0.4"],
                ["0.5", "0.25", "0.25"], ["0.2", "0.2", "0.6"]])
    b = eta_kl(K, ["0.1", "0.2", "0.3", "0.1", "0.1", "0.2"], budget=1.5)
    assert "tilt_multi" in b.upper_how and b.upper < Fr(7, 10)      # below eta_TV (Dobrushin) = 0.7


@pytest.mark.slow
def test_derive_eta_cli_reports_the_route_for_three_outputs(capsys):
    import json

    from derive.cli import main

    code = main(["eta", "matrix:[[0.8,0.1,0.1],[0.1,0.8,0.1],[0.1,0.1,0.8],[0.3,0.3,0.4],[0.5,0.25,0.25],"
                 "[0.2,0.2,0.6]]", "--input", "[0.1,0.2,0.3,0.1,0.1,0.2]", "--json"])
    assert code == 0
    rep = json.loads(capsys.readouterr().out)
    lo, hi = rep["eta_kl_bracket"]
    assert "tilt_multi" in rep["how"]["eta_kl_upper"] and lo <= hi < 0.7          # below eta_TV = 0.7
    assert rep["eta_chi2"] <= lo + 1e-12
