"""The exact χ²-envelope bound on ``η_KL(K)`` (``derive.kernel.chi2_envelope``), used by ``sdpi``.

Three ways, as for every rule: accepted instances and rejected wrong ones (here and in
``test_kernel_rules.py``), and properties: the bound is never below ``η_χ²(P, K)`` for any input P
(``η_χ²(P, K) <= η_KL(K)``), and an ``sdpi`` step the kernel accepts with it holds on random models.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from kernel_helpers import check_one, markov, matrix_channel, new_proof

import derive.numeric.strategies as ds
from derive.core import I, Statement
from derive.kernel.chi2_envelope import MAX_INPUTS, eta_kl_upper_bound, numeric_rows, pair_chi2_upper_bound
from derive.numeric.distributions import JointPMF
from derive.numeric.evaluate import evaluate_statement

F = Fraction
PROPS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _chi2(p, rows) -> float:
    """``η_χ²(P, K)``: the squared second singular value of ``diag(√P) K diag(1/√PK)`` (floats)."""
    p = np.array([float(x) for x in p])
    k = np.array([[float(x) for x in r] for r in rows])
    py = p @ k
    keep = py > 0
    m = np.sqrt(p)[:, None] * k[:, keep] / np.sqrt(py[keep])[None, :]
    s = np.linalg.svd(m, compute_uv=False)
    return float(s[1] ** 2) if len(s) > 1 else 0.0


def test_bsc_bound_is_the_closed_form_exactly():
    for p in (F(0), F(1, 10), F(1, 4), F(1, 3), F(1, 2), F(9, 10)):
        assert eta_kl_upper_bound([[1 - p, p], [p, 1 - p]]) == (1 - 2 * p) ** 2


def test_bec_and_z_channel_bounds():
    e = F(3, 10)
    assert eta_kl_upper_bound([[1 - e, e, 0], [0, e, 1 - e]]) == 1 - e
    assert eta_kl_upper_bound([[1, 0], [e, 1 - e]]) == 1 - e  # g(1-) = 1 - e: the sup at a vanishing input


def test_bound_is_tight_on_an_asymmetric_channel():
    u = eta_kl_upper_bound([[F(9, 10), F(1, 10)], [F(2, 10), F(8, 10)]])
    assert u == F(1, 2)  # the maximizer t = 4/7 is found; a lower witness: eta_chi2 at P = (4/7, 3/7)
    assert abs(_chi2([F(4, 7), F(3, 7)], [[0.9, 0.1], [0.2, 0.8]]) - 0.5) < 1e-12


def test_identical_rows_and_refusals():
    assert eta_kl_upper_bound([[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)]]) == 0
    assert eta_kl_upper_bound([]) is None
    assert eta_kl_upper_bound([[F(1)]] * (MAX_INPUTS + 1)) is None
    assert numeric_rows([[sympy.Symbol("p"), 1]]) is None
    assert numeric_rows([[sympy.Float(0.5), sympy.Float(0.5)]]) is None  # floats are not exact


def test_early_stop_still_gives_a_valid_bound():
    a, b = [F(9, 10), F(1, 10)], [F(3, 10), F(7, 10)]
    tight = pair_chi2_upper_bound(a, b)
    loose = pair_chi2_upper_bound(a, b, enough=F(1, 2))
    assert tight <= loose <= F(1, 2)


@st.composite
def exact_channels(draw, max_in: int = 3, max_out: int = 3):
    k = draw(st.integers(2, max_in))
    m = draw(st.integers(2, max_out))
    return [list(draw(ds.pmf_vectors(m))) for _ in range(k)]


@PROPS
@given(exact_channels(4, 4), st.data())
def test_bound_dominates_chi2_at_every_input(rows, data):
    u = eta_kl_upper_bound(rows)
    tv = max(sum(abs(x - y) for x, y in zip(r, s)) / 2 for r in rows for s in rows)
    assert 0 <= u <= tv
    for _ in range(5):
        p = data.draw(ds.pmf_vectors(len(rows)))
        assert _chi2(p, rows) <= float(u) + 1e-12


@PROPS
@given(exact_channels(3, 3), st.data())
def test_accepted_sdpi_with_envelope_holds(rows, data):
    p, e = new_proof()
    p.hypothesis("chain", markov("U", "X", "Y"))
    p.hypothesis("ch", matrix_channel("Y", "X", [[str(x) for x in r] for r in rows]))
    u = eta_kl_upper_bound(rows)
    assume(u > 0)  # identical rows: I(U; Y) = 0, not an sdpi shape
    claim = Statement(I(e["U"], e["Y"]), "<=", sympy.Rational(u.numerator, u.denominator) * I(e["U"], e["X"]))
    result = check_one(p, claim, "sdpi", uses=["chain", "ch"])[0]
    assert result.status == "proved", result.message
    k = data.draw(ds.alphabet_sizes(3))
    pu = data.draw(ds.pmf_vectors(k))
    to_x = data.draw(ds.channel_matrices(k, len(rows)))
    model = (JointPMF.exact(("U",), np.array(pu, dtype=object)).apply_channel(("U",), to_x, "X")
             .apply_channel(("X",), np.array(rows, dtype=object), "Y"))
    _, _, slack = evaluate_statement(claim, model, params={}, units="bits", precision="mp", dps=50)
    assert slack >= -mpmath.mpf("1e-30")
