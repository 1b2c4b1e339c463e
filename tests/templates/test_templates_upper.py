"""`derive bound ... --upper`: the description lengths of FKL25's simple algorithms, and the lower/upper plot."""

from __future__ import annotations

import json
import math

import pytest

from derive.cli import main


def _rows(capsys, *args) -> list[dict]:
    assert main(["bound", *args, "--upper", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["values"]


def test_sparse_upper_is_ell_times_value_and_index_bits(capsys):
    rows = _rows(capsys, "sparse-hypercube", "--set", "d=1e6", "--set", "nu=1e-3", "--set", "n=1..3")
    for r in rows:
        n = r["params"]["n"]
        ell = math.ceil(10 ** 6 / 4 ** n)
        assert r["upper"] == ell * (1 + 20)  # 2^19 < 10^6 <= 2^20
        assert 0 < r["lower_bits"] < r["upper"]  # the lower bound sits below the algorithm's description length


def test_gaussian_upper_counts_quantized_coordinates(capsys):
    rows = _rows(capsys, "gaussian-cluster", "--set", "d=1e6", "--set", "r2=1e-3", "--set", "n=10,1000",
                 "--set", "alpha=1/3", "--set", "c_ell=2", "--set", "c_k=3")
    for r in rows:
        n = r["params"]["n"]
        assert r["upper"] == math.ceil(2 * 10 ** 6 / n) * math.ceil(3 * math.log2(10 ** 6 / n))
        assert r["units"] == "nats" and r["lower_bits"] == pytest.approx(r["bound"] / math.log(2))


def test_boolean_upper_takes_the_smaller_algorithm(capsys):
    small, large = _rows(capsys, "boolean-cluster", "--set", "d=10000", "--set", "lambda=1/5", "--set", "n=10,5000")
    assert small["upper"] == 10000 / 10  # majority on min(d, C_sub d/n) coordinates, C_sub = 1
    gamma = 10000 * math.exp(-5000 * 0.04 / 2)  # Fano route: 2 sqrt(g) + g d
    assert large["upper"] == pytest.approx(2 * math.sqrt(gamma) + gamma * 10000, rel=1e-12)
    assert large["lower_bits"] <= large["upper"]


def test_upper_constants_need_upper_and_plot_draws_both(capsys, tmp_path):
    assert main(["bound", "sparse-hypercube", "--set", "d=1e6", "--set", "nu=1e-3", "--set", "n=1",
                 "--set", "c_ell=2"]) == 2
    assert "--upper" in capsys.readouterr().err
    out = tmp_path / "both.png"
    assert main(["bound", "sparse-hypercube+gaussian-cluster", "--set", "d=1e6", "--set", "nu=1e-3",
                 "--set", "r2=1e-3", "--set", "n=1..4", "--upper", "--plot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "upper_bits" in capsys.readouterr().out
