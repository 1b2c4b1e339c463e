"""``derive eta`` and ``derive bound cluster`` at inputs within 1e-17 of a point mass (session 10's own attack).

``derive eta bsc:0.1 --input bern:1e-300`` ended in "internal error (ArithmeticError: non-finite enclosure)": the
witness search met points where D(Q||P)'s enclosure holds 0 and divided by it. ``derive bound cluster --prior
bern:1e-17`` ended in "math domain error": the float tilt search took log(1 - pbar) with pbar = 1.0 in float64.
The search now skips such points (the chi2 lower end stands) and the float tilt declines (Dobrushin bracket).
Oracle: the witness Q = point mass at 1, D(QK||PK)/D(Q||P) computed with mpmath at 60 digits, must lie in the
certified bracket (it is a valid lower bound of eta_KL(P, K), and no more than eta_KL).
"""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import pytest


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive.cli", *args], capture_output=True, text=True, timeout=300)


def _ratio_at_point_mass(p: str, delta: str) -> mpmath.mpf:
    """D(QK||PK)/D(Q||P) for BSC(delta), P = Bern(p), Q = point mass at 1 (nats cancel)."""
    with mpmath.workdps(60):
        p, d = mpmath.mpf(p), mpmath.mpf(delta)
        qk = (d, 1 - d)  # output law of Q = delta_1: P(Y=0) = delta
        pk = ((1 - p) * (1 - d) + p * d, (1 - p) * d + p * (1 - d))
        num = sum(a * mpmath.log(a / b) for a, b in zip(qk, pk))
        return num / mpmath.log(1 / p)


@pytest.mark.slow
@pytest.mark.parametrize("p", ["1e-300", "1e-100", "1e-30"])
def test_eta_at_an_input_next_to_a_point_mass_gives_a_certified_bracket(p):
    out = _cli("eta", "bsc:0.1", "--input", f"bern:{p}", "--json")
    assert out.returncode == 0, out.stderr
    lo, hi = json.loads(out.stdout)["eta_kl_bracket"]
    r = _ratio_at_point_mass(p, "0.1")
    assert lo <= hi and lo <= r * (1 + 1e-12) and r <= hi


@pytest.mark.slow
@pytest.mark.parametrize("p", ["1e-300", "1e-17"])
def test_cluster_bound_with_a_prior_next_to_a_point_mass_answers(p):
    out = _cli("bound", "cluster", "--prior", f"bern:{p}", "--channel", "bsc:0.1", "--set", "n=1..3", "--json")
    assert out.returncode == 0 and "internal error" not in out.stderr, out.stderr
    rows = json.loads(out.stdout)["values"]
    assert [r["params"]["n"] for r in rows] == [1, 2, 3]
    for r in rows:  # tau_n is an upper end of eta_KL >= I(T; theta) / H(T) > 0, and rho_n = tau_n * eta_KL(prior, K)
        assert 0 < r["rho_n"] <= r["tau_n"] < 1
