"""Theorem templates and `derive bound`."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from derive.cli import main
from derive.commands.bound import compute_rows, parse_settings
from derive.templates import TEMPLATES
from tests.support.cli import run


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
        assert r["tau_n"] >= r["tau_n_chi2"] * (1 - 1e-9)  # eta_KL >= eta_chi2 (issue 14: equal, certified)
        assert r["factor"] <= r["factor_chi2"] * (1 + 1e-9)
        assert r["certified"] is True and r["route"].startswith("eta_KL = eta_chi2") and "eta_chi2" in r["chi2_note"]
        assert r["tau_n_bsc"] >= r["tau_n"] * (1 - 1e-12)  # the BSC route is the weaker fallback


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


# ---------------------------------------------------------------------------- certified values (issue 7)

import itertools
import math

import mpmath

import numpy as np

from derive.templates import boolean_cluster as boolean_mod, cluster as cluster_mod


@pytest.mark.parametrize("rho", [Fraction(1, 10), Fraction(1, 2), Fraction(9, 10)])
def test_boolean_certified_closed_form(rho):
    """tau_n = tanh^2(n atanh rho), rho_n = rho^2 tau_n, factor 1/(rho^2 sinh^2(n atanh rho)); above chi2."""
    a = math.atanh(float(rho))
    for n in (1, 2, 7, 30):
        r = boolean_mod.boolean_cluster_bsc({"n": n, "rho": rho})
        assert float(r["tau_n"]) == pytest.approx(math.tanh(n * a) ** 2, rel=1e-12)
        assert float(r["rho_n"]) == pytest.approx(float(rho) ** 2 * math.tanh(n * a) ** 2, rel=1e-12)
        assert float(r["factor"]) == pytest.approx(1 / (float(rho) ** 2 * math.sinh(n * a) ** 2), rel=1e-12)
        assert r["tau_n"] >= r["tau_n_chi2"] - 1e-15
    one = boolean_mod.boolean_cluster_bsc({"n": 1, "rho": rho})  # n = 1: both equal rho^2
    assert float(one["tau_n"]) == pytest.approx(one["tau_n_chi2"], rel=1e-12)


def _kl(p, q):
    m = p > 0
    return float(np.sum(p[m] * np.log(p[m] / q[m])))


def test_boolean_tau_is_above_kl_ratios_of_random_inputs():
    """Numeric sanity of the certified tau_n: D(QK || PK)/D(Q || P) <= tanh^2(n atanh rho) for the backward
    channel (S -> theta) at random Q (S the number of agreements, a sufficient statistic)."""
    rng = np.random.default_rng(0)
    for rho, n in ((0.3, 2), (0.5, 3), (0.8, 4)):
        k = np.arange(n + 1)
        comb = np.array([math.comb(n, int(j)) for j in k], float)
        plus = comb * ((1 + rho) / 2) ** k * ((1 - rho) / 2) ** (n - k)
        minus = comb * ((1 - rho) / 2) ** k * ((1 + rho) / 2) ** (n - k)
        P = (plus + minus) / 2
        post = plus / 2 / P
        out_p = np.array([P @ post, P @ (1 - post)])
        t2 = math.tanh(n * math.atanh(rho)) ** 2
        for _ in range(300):
            Q = rng.dirichlet(np.full(n + 1, 0.5))
            d = _kl(Q, P)
            if d > 1e-9:
                assert _kl(np.array([Q @ post, Q @ (1 - post)]), out_p) / d <= t2 + 1e-12


def _posteriors(prior, rows, n):
    """Brute force: P(theta | c) for every live type c (floats)."""
    k, m = len(rows), len(rows[0])
    out = []
    for c in itertools.product(range(n + 1), repeat=m):
        if sum(c) != n:
            continue
        joint = [float(prior[t]) * math.prod(float(rows[t][y]) ** c[y] for y in range(m)) for t in range(k)]
        s = sum(joint)
        if s > 0:
            out.append([j / s for j in joint])
    return out


CHANNELS = [
    ((Fraction(1, 4), Fraction(1, 4), Fraction(1, 2)),
     ((Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)), (Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)),
      (Fraction(1, 5), Fraction(1, 5), Fraction(3, 5)))),
    ((Fraction(3, 10), Fraction(7, 10)), ((Fraction(1), Fraction(0)), (Fraction(3, 10), Fraction(7, 10)))),
    ((Fraction(1, 3),) * 3, tuple(tuple(Fraction(8, 10) if i == j else Fraction(1, 10) for j in range(3))
                                  for i in range(3))),
    ((Fraction(1, 2), Fraction(1, 2)), ((Fraction(3, 5), Fraction(3, 10), Fraction(1, 10)),
                                        (Fraction(1, 10), Fraction(3, 10), Fraction(3, 5)))),
]


@pytest.mark.slow
@pytest.mark.parametrize("prior, rows", CHANNELS)
def test_cluster_tau_is_above_brute_force_dobrushin(prior, rows):
    """The fallback (Doeblin/Dobrushin) tau_n is >= the exact Dobrushin coefficient over all pairs of types (brute force), and
    the minimum posterior over all types is attained at a one-output type (the AM-GM argument)."""
    for n in (1, 2, 4, 6):
        post = _posteriors(prior, rows, n)
        dob = max(sum(abs(x - y) for x, y in zip(p, q)) / 2 for p in post for q in post)
        r = cluster_mod.cluster({"prior": prior, "rows": rows, "n": n})
        assert r["tau_n"] <= r["tau_n_fallback"]  # the tilt route replaces it only where smaller
        M = cluster_mod._model(prior, rows)
        if M.symmetric:  # binary, symmetric posteriors: the BSC factorization gives t^2 with t = Dobrushin
            assert float(r["tau_n_fallback"]) == pytest.approx(dob ** 2, rel=1e-12)
            continue
        assert float(r["tau_n_fallback"]) >= dob - 1e-12
        assert float(r["tau_n_fallback"]) <= dob + 2 * cluster_mod.DOBRUSHIN_MARGIN
        doeblin = 1 - sum(min(p[t] for p in post) for t in range(len(prior)))
        vertex = 1 - float(cluster_mod._cluster_certified(M, n)["tau_n"]) if not M.symmetric else None
        if vertex is not None and cluster_mod._cluster_certified(M, n)["reason"].startswith("tau_n: Doeblin"):
            assert vertex == pytest.approx(1 - doeblin, rel=1e-9, abs=1e-15)


@pytest.mark.slow
def test_cluster_ternary_long_range_is_cheap_and_certified(capsys):
    """A range of up to MAX_EVERY values is evaluated at every n; a longer one is sampled and says so."""
    assert main(["bound", "cluster", "--prior", "uniform:3", "--channel", "qsc:3:0.2", "--set", "n=1..300",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["values"]
    assert [r["params"]["n"] for r in rows] == list(range(1, 301)) and "sampled" not in data
    assert rows[197]["tau_n_chi2"] is not None and rows[-1]["tau_n_chi2"] is None  # <= 20,000 types up to n = 198
    assert main(["bound", "cluster", "--prior", "uniform:3", "--channel", "qsc:3:0.2", "--set", "n=1..1000000",
                 "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    rows = data["values"]
    assert rows[-1]["params"]["n"] == 1000000 and len(rows) <= 52
    assert data["sampled"] == {"n": {"range": [1, 1000000], "values": len(rows)}} and "sampled" in captured.err
    logs = [r["log10_factor"] for r in rows]
    assert all(x is not None for x in logs) and logs == sorted(logs, reverse=True)
    assert rows[-1]["factor"] == 0.0 and rows[-1]["log10_factor"] < -9000  # below floats, kept in log10
    assert rows[-1]["tau_n_chi2"] is None and "not computed" in rows[-1]["chi2_note"]
    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1..100000"]) == 0
    assert "sampled at" in capsys.readouterr().out


def test_every_n_of_a_range(capsys):
    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1..3000", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["values"]
    assert [r["params"]["n"] for r in rows] == list(range(1, 3001))
    assert parse_settings(["n=1..10000"])["n"] == list(range(1, 10001))


def test_several_templates_in_one_call(capsys, tmp_path):
    png = tmp_path / "two.png"
    assert main(["bound", "gaussian-cluster+boolean-cluster", "--set", "r2=0.01", "--set", "rho=0.1",
                 "--set", "n=1..5", "--json", "--plot", str(png)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {v["template"] for v in data["values"]} == {"gaussian-cluster", "boolean-cluster"}
    assert len(data["values"]) == 10 and png.read_bytes()[:4] == b"\x89PNG"
    g = [v for v in data["values"] if v["template"] == "gaussian-cluster"]
    assert "rho" not in g[0]["params"] and g[0]["factor"] == pytest.approx(9900)
    assert main(["bound", "gaussian-cluster+boolean-cluster", "--set", "r2=0.01", "--set", "rho=0.1",
                 "--set", "zeta=1", "--set", "n=3"]) == 2
    assert main(["bound", "gaussian-cluster+nope", "--set", "n=3"]) == 2


def test_markdown_table(capsys):
    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1,1000", "--markdown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "| n | rho = 0.5: factor | rho = 0.5: chi2 value |"
    assert out[2] == "| 1 | 12 | 12 |" and out[3] == "| 1000 | 9.756e-64 | 9.756e-64 |"


BOOLEAN_D = (Path(__file__).resolve().parents[2] / "proofs" / "fkl25_boolean_cluster.toml").read_text()


def test_boolean_cluster_proof_tensorizes_over_d_coordinates(tmp_path):
    """proofs/fkl25_boolean_cluster.toml lifts the coefficients to d coordinates with `tensorization`;
    dropping the product input (independent_V) is refused."""
    from derive.checking import check_file

    f = tmp_path / "d.toml"
    f.write_text(BOOLEAN_D)
    assert check_file(f).status == "proved"
    f.write_text(BOOLEAN_D.replace('uses = ["test_example", "x_given_theta", "independent_theta"]',
                                   'uses = ["test_example", "x_given_theta"]'))
    assert check_file(f).status != "proved"
    # the BSC-factorization chain (the fallback, not the theorem's since issue 14) still needs the product input
    f.write_text(BOOLEAN_D.replace('uses = ["factorization", "theta_given_V", "independent_V"]',
                                   'uses = ["factorization", "theta_given_V"]'))
    rep = check_file(f)
    assert any(s.id == "tau_sdpi" and s.status == "failed" for s in rep.report.steps)


def test_boolean_cluster_proof_lists_the_certified_computation():
    """The certified tau enters as an assumed, cited computation: listed among the trusted facts, never proved."""
    from derive.checking import check_file

    rep = check_file(Path(__file__).resolve().parents[2] / "proofs" / "fkl25_boolean_cluster.toml")
    assert rep.status == "proved"
    assert "certified computation" in BOOLEAN_D and "derive.channels.tilt" in BOOLEAN_D
    assert 'from = ["combine_cert", "accuracy"]' in BOOLEAN_D


# ---------------------------------------------------------------------------- many n at once (issue 7)

SAMPLE_N = [1, 2, 3, 5, 8, 13, 50, 99, 198, 199, 500, 2000, 10000]


def _mp(x):
    return mpmath.mpf(x)


@pytest.mark.parametrize("rho", [Fraction(1, 10), Fraction(1, 2), Fraction(99, 100)])
def test_boolean_many_n_is_outward_of_the_interval_path(rho):
    """The float64 many-n BSC-route values (the fallback) bound the 30-digit interval enclosures from the right
    side, within the slack."""
    rows = boolean_mod.boolean_cluster_rows({"rho": rho}, SAMPLE_N)
    for n, r in zip(SAMPLE_N, rows):
        tau, rho_n, factor = boolean_mod._boolean_interval(n, rho)
        assert _mp(r["tau_n_bsc"]) >= tau.b and _mp(r["rho_n_bsc"]) >= rho_n.b
        assert _mp(r["factor_bsc"]) <= factor.a
        assert _mp(r["log10_factor_bsc"]) <= mpmath.log10(factor.a)
        assert r["tau_n_bsc"] == pytest.approx(float(tau.b), rel=1e-10)
        assert r["log10_factor_bsc"] == pytest.approx(float(mpmath.log10(factor.a)), rel=1e-10)
        one = boolean_mod.boolean_cluster_bsc({"n": n, "rho": rho})
        assert r["tau_n_chi2"] == pytest.approx(one["tau_n_chi2"], rel=1e-9)
        assert r["log10_factor_chi2"] == pytest.approx(one["log10_factor_chi2"], rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("prior, rows", CHANNELS + [
    ((Fraction(1, 2), Fraction(1, 2)), ((Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4)))),
    ((Fraction(1, 3),) * 3, ((Fraction(9, 10), Fraction(1, 10)), (Fraction(1, 2), Fraction(1, 2)),
                             (Fraction(1, 5), Fraction(4, 5))))])
def test_cluster_many_n_is_outward_of_the_interval_path(prior, rows):
    ns = [n for n in SAMPLE_N if n <= 500]
    many = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, ns)
    M = cluster_mod._model(prior, rows)
    for n, r in zip(ns, many):
        one = cluster_mod.cluster({"prior": prior, "rows": rows, "n": n})
        dob = cluster_mod._cluster_chi2(M, n).get("dobrushin_float")
        mp = cluster_mod._cluster_certified_mp(M, n, dob)
        assert r["route"] == one["route"] or "tilt" in r["route"] + one["route"]  # tilt rows: per-call budget
        if "tilt" in r["route"] + one["route"]:          # (the q-valued cover tries the smallest n of each call)
            for x in (r, one):
                # within the tilt cover's relative slack 1e-9 (at n = 1 the BSC route is exact too)
                assert x["tau_n"] <= x["tau_n_fallback"] * (1 + 1e-9) and x["factor"] >= x["factor_fallback"] * (1 - 1e-9)
            continue
        assert r["reason"] == one["reason"]
        assert _mp(r["tau_n"]) >= mp["tau_n"] and _mp(r["rho_n"]) >= mp["rho_n"]
        assert _mp(r["factor"]) <= mp["factor"]
        assert r["tau_n"] == pytest.approx(float(mp["tau_n"]), rel=1e-10, abs=1e-15)
        if mp["log10_factor"] is not None:
            assert r["log10_factor"] <= mp["log10_factor"]
            assert r["log10_factor"] == pytest.approx(mp["log10_factor"], rel=1e-10, abs=1e-9)
        if one["tau_n_chi2"] is None:
            assert r["tau_n_chi2"] is None
        else:
            assert r["tau_n_chi2"] == pytest.approx(one["tau_n_chi2"], rel=1e-9)


def test_interval_path_rounds_outward():
    """Floats from the 30-digit interval path: tau_n and rho_n rounded up, the factor down."""
    rho = Fraction(1, 3)
    for n in (1, 7, 40):
        r = boolean_mod.boolean_cluster_bsc({"n": n, "rho": rho})
        tau, rho_n, factor = boolean_mod._boolean_interval(n, rho)
        assert _mp(r["tau_n"]) >= tau.b and _mp(r["rho_n"]) >= rho_n.b and _mp(r["factor"]) <= factor.a


def test_bound_is_rounded_down(capsys):
    assert main(["bound", "boolean-cluster", "--set", "rho=0.3", "--set", "n=1..4", "--set", "d=3", "--json"]) == 0
    for r in json.loads(capsys.readouterr().out)["values"]:
        assert Fraction(r["bound"]) <= Fraction(r["factor"]) * 3


def test_d_never_multiplies_the_bound():
    """FKL25: accuracy forces only I(M; X) >= C_alpha = O(1); d enters through the correlation. The bound is the
    factor times the `info` the caller gives (default 1), never times d (the old default overstated it by ~d)."""
    import json as _json
    import contextlib as _cl
    import io as _io

    from derive.cli import main as _main

    def run(*sets):
        out = _io.StringIO()
        with _cl.redirect_stdout(out):
            assert _main(["bound", "gaussian-cluster", "--set", "r2=0.05", "--set", "n=2", *sets, "--json"]) == 0
        return _json.loads(out.getvalue())["values"][0]

    plain, with_d, with_info = run(), run("--set", "d=1000"), run("--set", "info=0.25")
    assert plain["bound"] == plain["factor"] == with_d["bound"]
    assert abs(with_info["bound"] - plain["factor"] / 4) <= 1e-12 * plain["factor"]


def test_degenerate_cluster_rows_have_no_factor_and_plot_says_so(tmp_path, capsys):
    """rho_n = 0 (theta a point mass): no factor, no bound, not certified, the reason says why; --plot refuses with a
    clear message (exit 2) instead of an empty log-scale plot."""
    from derive.templates import cluster as cluster_mod

    F = Fraction
    rows = cluster_mod.cluster_rows({"prior": (F(1), F(0)), "rows": ((F(9, 10), F(1, 10)), (F(1, 10), F(9, 10)))}, [1, 5])
    for r in rows:
        assert r["rho_n"] == 0.0 and r["factor"] is None and r["certified"] is False
        assert "says nothing" in r["reason"] and r["tau_n_chi2"] == 0.0
    code = main(["bound", "cluster", "--prior", "[1,0]", "--channel", "bsc:0.1", "--set", "n=1..3", "--plot",
                 str(tmp_path / "b.png")])
    assert code == 2 and "no row has a positive bound" in capsys.readouterr().err


@pytest.mark.parametrize("setting, message", [
    (["sigma=0"], "Expected sigma > 0"),
    (["sigma=-3"], "Expected sigma > 0"),      # sigma^2 would hide the sign: refused, not read as sigma = 3
    (["r2=1"], "Expected 0 < r2 < 1"),
    (["r2=0"], "Expected 0 < r2 < 1"),
    (["sigma=3", "r2=1/10"], "not both"),     # one would be ignored silently
])
def test_gaussian_noise_parameter_refused_naming_what_the_user_set(setting, message, capsys):
    args = ["bound", "gaussian-cluster", "--set", "n=3"]
    for s in setting:
        args += ["--set", s]
    code, out, err = run(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_cluster_with_a_noiseless_channel_warns_nothing_and_gives_the_trivial_factor(capsys):
    """Identity channel: the observations reveal theta, tau_n = 1 and the factor is 0 (true, says nothing); the
    Bhattacharyya route meets BC = 0 (log = -inf) and must neither warn nor turn the row into NaN."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run(["bound", "cluster", "--set", "n=1,2,7", "--channel", "matrix:[[1,0],[0,1]]",
                              "--prior", "[1/3,2/3]", "--json"], capsys)
    assert code == 0 and err == ""
    rows = json.loads(out)["values"]
    assert [r["tau_n"] for r in rows] == [1, 1, 1] and all(r["factor"] == 0 for r in rows)


def test_cluster_uninformative_channel_shows_no_float_noise_chi2_factor():
    """BSC(1/2): the observations carry no information, so eta_chi2 = 0 and there is no factor. The float
    eigenvalue route gave tau_n_chi2 = -2.2e-16 at n = 1 and a chi2 factor of 1.6e49 at n = 3."""
    import numpy as np

    from derive.templates.cluster import cluster_rows
    rows = cluster_rows({"prior": [Fraction(1, 2)] * 2, "rows": [[Fraction(1, 2)] * 2] * 2}, np.array([1, 2, 3]))
    for r in rows:
        assert r["rho_n"] == 0 and r["factor"] is None
        assert r["tau_n_chi2"] >= 0 and r["rho_n_chi2"] == 0 and r["factor_chi2"] is None
