"""Theorem templates and `derive bound`."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from derive.cli import main
from derive.commands.bound import compute_rows, parse_settings
from derive.templates import TEMPLATES


def test_gaussian_factor_matches_closed_form():
    rows = compute_rows(TEMPLATES["gaussian-cluster"], {"r2": [Fraction(1, 20)], "n": [1, 5, 50]})
    for r in rows:
        n, r2 = r["params"]["n"], 1 / 20
        assert r["factor"] == pytest.approx((1 - r2) / (n * r2 ** 2), rel=1e-12)
        assert r["rho_n"] == pytest.approx(r2 * r["tau_n"], rel=1e-12)
        assert r["certified"] is True


def test_gaussian_sigma_parametrization():
    a = compute_rows(TEMPLATES["gaussian-cluster"], {"sigma": [3], "n": [4]})[0]
    b = compute_rows(TEMPLATES["gaussian-cluster"], {"r2": [Fraction(1, 10)], "n": [4]})[0]
    assert a["factor"] == pytest.approx(b["factor"], rel=1e-12)


def test_boolean_chi2_and_certified_values():
    rows = compute_rows(TEMPLATES["boolean-cluster"], {"rho": [Fraction(1, 2)], "n": [1, 3, 10, 200]})
    assert rows[0]["tau_n_chi2"] == pytest.approx(0.25, rel=1e-12)  # n = 1: maximal correlation of a BSC is rho
    for r in rows:
        assert r["tau_n"] >= r["tau_n_chi2"] - 1e-15  # eta_TV >= eta_chi2
        assert r["factor"] <= r["factor_chi2"] + 1e-12  # the certified factor is the smaller one
        assert r["certified"] is True and "NOT certified" in r["chi2_note"]


def test_parse_settings_ranges_and_lists():
    s = parse_settings(["n=1..5", "rho=0.1,0.2", "d=1000"])
    assert s["n"] == [1, 2, 3, 4, 5] and s["rho"] == [Fraction(1, 10), Fraction(1, 5)] and s["d"] == [1000]
    big = parse_settings(["n=1..100000"])["n"]
    assert big[0] == 1 and big[-1] == 100000 and len(big) <= 52


@pytest.mark.parametrize("bad", ["n", "n=abc", "n=5..1", "1n=3", "n=__import__('os')", "n=1e999999"])
def test_bad_settings_exit_2(bad, capsys):
    code = main(["bound", "gaussian-cluster", "--set", "r2=0.1", "--set", bad])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.strip()


def test_bound_cli_json_and_plot(tmp_path, capsys):
    png = tmp_path / "b.png"
    code = main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1..20", "--json", "--plot", str(png)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["template"] == "boolean-cluster" and len(data["values"]) == 20
    for v in data["values"]:
        assert {"params", "tau_n", "rho_n", "factor", "bound", "certified", "reason"} <= set(v)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_template_and_missing_parameter(capsys):
    assert main(["bound", "nope"]) == 2
    assert main(["bound", "boolean-cluster", "--set", "n=3"]) == 2
    assert main(["bound", "gaussian-cluster", "--set", "r2=1.5", "--set", "n=3"]) == 2


def test_cluster_agrees_with_boolean_cluster(capsys):
    assert main(["bound", "cluster", "--prior", "uniform:2", "--channel", "bsc:0.25", "--set", "n=1,4,9", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)["values"]
    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1,4,9", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)["values"]
    for x, y in zip(a, b):
        for key in ("tau_n", "rho_n", "factor", "tau_n_chi2", "rho_n_chi2", "factor_chi2"):
            assert x[key] == pytest.approx(y[key], rel=1e-9, abs=1e-300)


def test_cluster_ternary_prior_and_bad_inputs(capsys):
    assert main(["bound", "cluster", "--prior", "[0.2,0.3,0.5]", "--channel", "qsc:3:0.2", "--set", "n=1,3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["values"]
    for r in rows:
        assert 0 <= r["tau_n_chi2"] <= r["tau_n"] <= 1 and r["certified"] is True
    assert main(["bound", "cluster", "--set", "n=3"]) == 2  # no channel
    assert main(["bound", "cluster", "--prior", "uniform:3", "--channel", "bsc:0.1", "--set", "n=3"]) == 2
    assert main(["bound", "gaussian-cluster", "--channel", "bsc:0.1", "--set", "n=3", "--set", "r2=0.1"]) == 2
