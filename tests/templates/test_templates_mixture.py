"""The mixture template (FKL25 Theorem 18 / Lemma 14) against a direct mpmath summation."""

from __future__ import annotations

import json

import mpmath
import pytest

from derive.cli import main


def _c_star(alpha: mpmath.mpf) -> mpmath.mpf:
    """min over q of D(Ber(q + delta) || Ber(q)), delta = 1 - 2 alpha, by mpmath's minimizer of the derivative."""
    delta = 1 - 2 * alpha
    g = lambda q: (q + delta) * mpmath.log((q + delta) / q) + (1 - q - delta) * mpmath.log((1 - q - delta) / (1 - q))
    q = mpmath.findroot(lambda q: mpmath.diff(g, q), (1 - delta) / 2)
    return g(q)


def _run(capsys, *args) -> dict:
    assert main(["bound", "mixture", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["values"][0]


def test_gaussian_mixture_is_the_weighted_sum_of_single_cluster_bounds(capsys):
    k, n, r2 = 500, 500, mpmath.mpf(1) / 100
    row = _run(capsys, "--base", "gaussian-cluster", "--set", "k=500", "--set", "n=500", "--set", "r2=1/100",
               "--set", "alpha=1/3")
    with mpmath.workdps(30):
        c = _c_star(mpmath.mpf(1) / 3)
        counts = {l: k * mpmath.binomial(n, l) * mpmath.mpf(k) ** -l * (1 - mpmath.mpf(1) / k) ** (n - l)
                  for l in range(1, n + 1)}
        want = mpmath.fsum(counts[l] * (1 - r2) / (l * r2 ** 2) * c for l in counts)
    assert abs(row["E_I1"] - 184.12) < 0.006  # FKL25's checkpoint n = k = 500
    assert row["bound"] <= want and row["bound"] > want * (1 - 1e-6)
    assert row["certified"] is True


def test_sparse_mixture_drops_negative_cluster_bounds(capsys):
    row = _run(capsys, "--base", "sparse-hypercube", "--set", "k=50", "--set", "n=100", "--set", "d=1e6",
               "--set", "nu=1e-3")
    with mpmath.workdps(30):
        nu, d = mpmath.mpf(1) / 1000, mpmath.mpf(10) ** 6
        h_theta = d * (-(nu * mpmath.log(nu, 2) + (1 - nu) * mpmath.log(1 - nu, 2)) + nu)
        c_bits = _c_star(mpmath.mpf(1) / 3) / mpmath.log(2)
        want = mpmath.mpf(0)
        for l in range(1, 101):
            rho = (nu / (nu + (1 - nu) * mpmath.mpf(2) ** (1 - l))) ** 2
            count = 50 * mpmath.binomial(100, l) * mpmath.mpf(50) ** -l * (1 - mpmath.mpf(1) / 50) ** (100 - l)
            want += count * max(c_bits / rho - h_theta, 0)
    assert row["bound"] <= want and row["bound"] > want * (1 - 1e-6)


def test_mixture_needs_a_base(capsys):
    assert main(["bound", "mixture", "--set", "k=5", "--set", "n=5"]) == 2
    assert "--base" in capsys.readouterr().err
    assert main(["bound", "gaussian-cluster", "--base", "sparse-hypercube", "--set", "n=1", "--set", "r2=0.1"]) == 2


@pytest.mark.parametrize("k, n", [(3, 7), (10, 4)])
def test_seen_counts_cover_the_sample(capsys, k, n):
    """factor = sum over l >= 1 of E|I_l| = k (1 - (1 - 1/k)^n): the expected number of clusters seen."""
    row = _run(capsys, "--base", "gaussian-cluster", "--set", f"k={k}", "--set", f"n={n}", "--set", "r2=1/2")
    assert row["factor"] == pytest.approx(k * (1 - (1 - 1 / k) ** n), rel=1e-12)


def test_mixture_prints_as_latex_without_tau_and_rho(capsys):
    assert main(["bound", "mixture", "--base", "gaussian-cluster", "--set", "k=50", "--set", "n=50",
                 "--set", "r2=1/100", "--latex"]) == 0
    out = capsys.readouterr().out
    assert "gaussian-cluster & --- & --- &" in out
