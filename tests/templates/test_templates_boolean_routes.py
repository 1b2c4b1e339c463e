"""boolean-cluster: the three routes side by side (BSC factorization, certified eta_KL, FKL25's approximate SDPI)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from derive.cli import main
from derive.errors import InvalidArgument
from derive.templates import boolean_cluster as boolean_mod
from derive.templates.boolean_routes import boolean_lambda, paper_route


def test_lambda_from_the_papers_parametrization():
    assert boolean_lambda({"C": 2, "d": 10 ** 4}) == (Fraction(1, 5), None)        # d a fourth power: exact
    lam, note = boolean_lambda({"C": 1, "d": 10 ** 6})
    assert abs(float(lam) - 10 ** -1.5) < 1e-15 and "rounded" in note
    assert boolean_lambda({"lambda": Fraction(1, 20)})[0] == Fraction(1, 20)
    with pytest.raises(InvalidArgument):
        boolean_lambda({"rho": 0.1, "lambda": 0.1})
    with pytest.raises(InvalidArgument):
        boolean_lambda({"C": 1})


def test_paper_route_validity_conditions():
    p = {"d": 10 ** 6, "logM": 10 ** 6}
    assert "lambda < 1/10" in paper_route(1, Fraction(1, 10), p, 0.2)["paper_note"]
    # lambda = 0.01: the paper states n < 1/(10 lambda^2) = 1000; the corrected composition needs
    # n < 1/(20 atanh^2 lambda) ~ 499.98
    assert paper_route(1, Fraction(1, 100), p, 0.2)["factor_paper"] is not None
    assert "no bound" in paper_route(400, Fraction(1, 100), p, 0.2)["paper_note"]       # valid, but tau_n >= 1
    r = paper_route(600, Fraction(1, 100), p, 0.2)
    assert r["factor_paper"] is None and "2 atanh" in r["paper_note"]
    assert "1/(10 lambda^2)" in paper_route(1000, Fraction(1, 100), p, 0.2)["paper_note"]
    assert "needs d and |M|" in paper_route(1, Fraction(1, 100), {"d": 100}, 0.2)["paper_note"]


def test_paper_route_values_and_slack():
    lam, d, logM, info = 0.01, 1e8, math.log(1e9), 0.2280
    r = paper_route(10, Fraction(1, 100), {"d": d, "logM": logM}, info)
    delta = (info / (d * logM)) ** 2
    assert r["tau_n_paper"] == pytest.approx(8 * 10 * lam ** 2 * math.log(d / delta), rel=1e-12)
    assert r["rho_n_paper"] == pytest.approx(lam ** 2 * r["tau_n_paper"], rel=1e-12)
    assert 0 < r["neg_n_paper"] < 1e-10 and r["bound_paper"] <= r["factor_paper"] * info


def test_rows_carry_three_routes_and_report_the_best_certified():
    rows = boolean_mod.boolean_cluster_rows({"C": 1, "d": 10 ** 8, "M": 10 ** 9, "alpha": Fraction(1, 3)},
                                         [1, 10, 100, 1000])
    for r in rows:
        routes = r["routes"]
        assert set(routes) == {"bsc_factorization", "eta_kl_tilt", "paper_approximate_sdpi", "reported"}
        assert routes["paper_approximate_sdpi"]["certified"] is False
        certified = [v["factor"] for k, v in routes.items() if k != "reported" and v["certified"]]
        assert max(certified) * (1 - 1e-9) <= r["factor"] <= max(certified)   # tilt kept within its 1e-9 slack
    # at lambda = 1e-2 the paper's route is valid for n < 1/(20 atanh^2 lambda) ~ 500 and weaker than eta_KL there
    assert rows[0]["factor_paper"] is not None and rows[0]["factor_paper"] < rows[0]["factor"]
    assert rows[3]["factor_paper"] is None and "not valid" in rows[3]["paper_note"]


def test_cli_prints_the_paper_column(capsys):
    assert main(["bound", "boolean-cluster", "--set", "lambda=0.01", "--set", "d=1e8", "--set", "M=1e9",
                 "--set", "alpha=1/3", "--set", "n=1,1000"]) == 0
    out = capsys.readouterr().out
    assert "factor_paper" in out and "n/a" in out
