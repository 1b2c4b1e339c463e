"""Certified tau_n = eta_KL from the tilt route in `derive bound` (issue 14): boolean-cluster and binary-theta
cluster rows, the per-row route and fallback, the arb spot check, and the chi2 values as an independent check."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import pytest

from derive.cli import main
from derive.templates import boolean_cluster as boolean_mod, cluster as cluster_mod


def _chi2_mp(n, rho, dps=60, sech=False):
    """tau_n^chi2 = E[tanh^2(atanh(rho) S_n)] (S_n the sum aligned with theta) at ``dps`` digits, independently;
    ``sech``: 1 - tau_n^chi2 = E[sech^2(atanh(rho) S_n)] instead (no cancellation)."""
    with mpmath.workdps(dps):
        r = mpmath.mpf(rho.numerator) / rho.denominator
        p = (1 + r) / 2
        a = mpmath.atanh(r)
        g = (lambda x: mpmath.sech(x) ** 2) if sech else (lambda x: mpmath.tanh(x) ** 2)
        return mpmath.fsum(mpmath.binomial(n, k) * p ** k * (1 - p) ** (n - k) * g(a * (2 * k - n))
                           for k in range(n + 1))


@pytest.mark.slow
@pytest.mark.parametrize("rho", [Fraction(1, 10), Fraction(1, 2)])
def test_boolean_rows_certify_eta_kl_equal_chi2(rho):
    ns = list(range(1, 61)) + [100, 300, 1000, 3000]
    rows = boolean_mod.boolean_cluster_rows({"rho": rho}, ns)
    for n, r in zip(ns, rows):
        assert r["route"].startswith("eta_KL = eta_chi2"), (n, r["route"])
        chi = _chi2_mp(n, rho)
        with mpmath.workdps(60):
            assert mpmath.mpf(r["tau_n"]) >= chi                     # an upper end of tau_n = eta_KL
            assert mpmath.mpf(r["tau_n"]) <= chi + mpmath.mpf(10) ** -9
            one_minus = _chi2_mp(n, rho, sech=True)
            assert r["log10_factor"] <= float(mpmath.log10(one_minus / (mpmath.mpf(rho.numerator) / rho.denominator) ** 2
                                                           / chi))
        assert abs(r["log10_factor"] - r["log10_factor_chi2"]) < math.log10(1 + 1e-6)
        assert r["tau_n_bsc"] >= r["tau_n"] * (1 - 1e-12)


def test_boolean_arb_spot_check_agrees():
    rho = Fraction(1, 2)
    for n in (1, 3, 12, 40, 400):
        r = boolean_mod.boolean_cluster({"n": n, "rho": rho})
        lo, hi = r["arb_check"]["tau_n"]
        assert lo <= r["tau_n"] and r["tau_n"] - hi <= 1e-11


def test_fallback_is_said_per_row(monkeypatch):
    """With no time for the cell cover, rows the closed-form certificate does not reach fall back to the BSC
    route and say so; the others stay certified at eta_KL."""
    monkeypatch.setattr(boolean_mod, "TILT_ROWS_BUDGET", 0.0)
    rows = boolean_mod.boolean_cluster_rows({"rho": Fraction(1, 2)}, [1, 2, 30, 100])
    assert [r["route"] for r in rows[:2]] == [boolean_mod.ROUTE_FALLBACK] * 2
    assert all("fallback" in r["reason"] for r in rows[:2])
    assert rows[0]["tau_n"] == rows[0]["tau_n_bsc"] and rows[1]["factor"] == rows[1]["factor_bsc"]
    assert [r["route"] for r in rows[2:]] == [boolean_mod.ROUTE_ANALYTIC] * 2


def test_cluster_binary_symmetric_is_the_boolean_certificate(capsys):
    assert main(["bound", "cluster", "--prior", "uniform:2", "--channel", "bsc:0.25", "--set", "n=1,2,5,50",
                 "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["values"]
    for r in rows:
        assert r["route"].startswith("eta_KL = eta_chi2")
        assert r["factor"] == pytest.approx(r["factor_chi2"], rel=1e-8)
        assert r["factor"] >= r["factor_fallback"]


def test_cluster_binary_asymmetric_uses_the_cover_at_small_n():
    prior = (Fraction(3, 10), Fraction(7, 10))
    rows = ((Fraction(1), Fraction(0)), (Fraction(3, 10), Fraction(7, 10)))
    out = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, [1, 2])
    for r in out:
        assert r["route"] in (boolean_mod.ROUTE_UPPER, boolean_mod.ROUTE_COVER.replace("tilt, cell cover",
                                                                               "tilt, cell cover over the types"))
        assert r["tau_n_chi2"] <= r["tau_n"] <= r["tau_n_fallback"]


def test_cluster_ternary_takes_the_multi_output_cover_where_it_is_better():
    """theta with 3 values: tau_n from derive.channels.tilt_multi where it beats Doeblin/Dobrushin (n = 1 here), the
    fallback named elsewhere; eta_chi2 <= the certified tau_n <= the fallback's."""
    third = (Fraction(1, 3),) * 3
    rows = tuple(tuple(Fraction(8, 10) if i == j else Fraction(1, 10) for j in range(3)) for i in range(3))
    out = cluster_mod.cluster_rows({"prior": third, "rows": rows}, [1, 5])
    assert out[0]["route"] == cluster_mod.ROUTE_MULTI and "tilt_multi" in out[0]["reason"]
    for r in out:
        assert r["route"] in (cluster_mod.ROUTE_MULTI, cluster_mod.ROUTE_CHAIN, "fallback: Doeblin/Dobrushin")
        assert r["tau_n_chi2"] <= r["tau_n"] <= r["tau_n_fallback"]


def test_bound_text_table_shows_the_route(capsys):
    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1,40"]) == 0
    out = capsys.readouterr().out
    assert "route" in out and "eta_KL = eta_chi2 (tilt, analytic chi-criterion)" in out


def test_cluster_mirror_symmetric_three_outputs():
    """Uniform binary prior, rows mirrored by an output involution: the closed-form certificate applies to the
    type law (eta_KL = eta_chi2), checked against the chi2 column."""
    half = (Fraction(1, 2), Fraction(1, 2))
    rows = ((Fraction(3, 5), Fraction(3, 10), Fraction(1, 10)), (Fraction(1, 10), Fraction(3, 10), Fraction(3, 5)))
    assert cluster_mod._mirror(cluster_mod._model(half, rows), 0, 1)
    assert not cluster_mod._mirror(cluster_mod._model((Fraction(3, 10), Fraction(7, 10)), rows), 0, 1)
    out = cluster_mod.cluster_rows({"prior": half, "rows": rows}, [1, 3, 40])
    for r in out:
        assert r["route"].startswith("eta_KL = eta_chi2"), r["route"]
        assert r["tau_n_chi2"] * (1 - 1e-12) <= r["tau_n"] <= r["tau_n_chi2"] * (1 + 1e-9) + 1e-300


def test_cluster_binary_nonsymmetric_weighted_average_route():
    """Binary theta, non-symmetric (prior 7/10, 3/10; BSC(1/4)): beyond the rows the tilt cover reaches, tau_n <= sup
    over tilts of eta_chi2 (cancellation-free, log space): between the chi2 value and the Doeblin fallback, and above
    the exact-rational tilt route's certified lower end of eta_KL (an independent computation) at n = 20."""
    from math import comb

    from derive.channels.tilt import eta_kl_binary

    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4)))
    ns = [20, 97, 500]
    out = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, ns)
    for n, r in zip(ns, out):
        assert r["route"] in (cluster_mod.ROUTE_CHI_SUP, boolean_mod.ROUTE_UPPER), (n, r["route"])
        assert r["log10_factor"] <= r["log10_factor_chi2"] + 1e-12
        fb = r["factor_fallback"]
        assert r["factor"] >= fb
    assert out[1]["route"] == cluster_mod.ROUTE_CHI_SUP and out[1]["log10_factor"] > out[1]["log10_factor_chi2"] - 0.2
    n = 20
    joint = [[prior[t] * comb(n, j) * rows[t][0] ** j * rows[t][1] ** (n - j) for j in range(n + 1)] for t in (0, 1)]
    P = [joint[0][j] + joint[1][j] for j in range(n + 1)]
    f = [joint[1][j] / P[j] for j in range(n + 1)]
    exact = eta_kl_binary(f, P, budget=1.0)
    assert float(exact.lower) <= out[0]["tau_n"]


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_cluster_binary_nonsymmetric_every_n_up_to_10000():
    """Binary theta, two observation symbols, not symmetric: the eta_KL route (average of eta_chi2 over tilts,
    windowed sums) certifies tau_n at every n, here sampled up to 10,000 in one call; each row carries the certified
    eta_KL bracket (log10 of 1 - tau_n), whose upper end (a witness tilt) is at least as good as the chi2 value
    (checked against the chi2 column computed independently over all types), and the factor is near the chi2 factor and far above the
    Doeblin fallback."""
    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4)))
    ns = [150, 1091, 4000, 10000]
    out = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, ns)
    for n, r in zip(ns, out):
        assert r["route"] == cluster_mod.ROUTE_CHI_SUP, (n, r["route"])
        lo, hi = r["eta_kl_bracket"]["log10_one_minus_tau_n"]
        assert lo < hi and hi - lo < 0.02
        chi2_om = r["log10_factor_chi2"] + math.log10(r["rho_n_chi2"])            # log10(1 - tau_n^chi2), float
        assert hi <= chi2_om + 1e-6 * (1 + abs(hi))                           # eta_KL >= the witness >= eta_chi2
        assert r["log10_factor"] <= r["log10_factor_chi2"] + 1e-9
        assert r["log10_factor_chi2"] - r["log10_factor"] < 0.1      # bracket width + eta_KL(prior, K)/eta_chi2
        fb = r["factor_fallback"]
        assert fb == 0.0 or r["factor"] >= fb
    # the fallback at n = 10,000 is Doeblin's, about 10^-4770, against about 10^-625 here
    assert out[-1]["log10_factor"] > -700


def test_cluster_binary_arb_spot_check_agrees():
    """One n of a non-symmetric binary theta: the exact-rational arb tilt path (independent of the float routes)
    brackets eta_KL; the row's certified tau_n is above its lower end, and the row's eta_KL bracket (when the row
    has one) meets it."""
    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4)))
    for n in (3, 40, 70):
        r = cluster_mod.cluster({"prior": prior, "rows": rows, "n": n})
        lo, hi = r["arb_check"]["tau_n"]
        assert lo <= hi and lo <= r["tau_n"] * (1 + 1e-12)
        if "eta_kl_bracket" in r:
            b_lo, b_hi = r["eta_kl_bracket"]["log10_one_minus_tau_n"]
            assert b_lo <= math.log10(1 - lo) + 1e-9 and math.log10(max(1 - hi, 1e-300)) <= b_hi + 1e-9


def test_bound_text_table_lists_the_eta_kl_bracket(capsys):
    """Rows where eta_KL = eta_chi2 is not certified print their certified bracket of log10(1 - tau_n)."""
    assert main(["bound", "cluster", "--prior", "[0.7,0.3]", "--channel", "bsc:0.25", "--set", "n=100"]) == 0
    out = capsys.readouterr().out
    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4)))
    lo, hi = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, [100])[0]["eta_kl_bracket"]["log10_one_minus_tau_n"]
    assert lo < hi < -6
    assert "eta_KL: log10(1 - tau_n) in" in out and f"[{lo:.4f}, {hi:.4f}]" in out


def test_cluster_binary_three_symbols_on_a_lattice_every_n():
    """Binary theta, three observation symbols whose likelihood ratios are 6^k (k = -1, 0, 1), prior (7/10, 3/10): the
    posterior depends on the type only through one integer, so the eta_KL route (derive.channels.tilt_lattice)
    certifies tau_n at every n up to 10,000, each row with its eta_KL bracket; the witness end is at least as good as
    the chi2 value computed independently over all types (n = 150), and n = 10,000 is far above Doeblin."""
    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(3, 5), Fraction(3, 10), Fraction(1, 10)), (Fraction(1, 10), Fraction(3, 10), Fraction(3, 5)))
    ns = [150, 1000, 10000]
    out = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, ns)
    for n, r in zip(ns, out):
        assert r["route"] == cluster_mod.ROUTE_CHI_SUP and "tilt_lattice" in r["reason"], (n, r["route"])
        lo, hi = r["eta_kl_bracket"]["log10_one_minus_tau_n"]
        assert lo < hi and hi - lo < 0.02
        assert r["factor"] >= r["factor_fallback"]
    chi2_om = out[0]["log10_factor_chi2"] + math.log10(out[0]["rho_n_chi2"])
    assert out[0]["eta_kl_bracket"]["log10_one_minus_tau_n"][1] <= chi2_om + 1e-6 * (1 + abs(chi2_om))
    assert out[-1]["log10_factor"] > -1100                       # Doeblin: about 10^-7781


def test_cluster_binary_three_symbols_off_lattice_says_its_bracket():
    """Likelihood ratios 1/5, 6, 1 (not powers of one number): the sums over every type certify the eta_KL route up to
    the work budget, with brackets; beyond it tau_n is bounded by a refinement of the channel with lattice likelihood
    ratios (every n), the bracket's other end by a two-output garbling or a smaller n (eta_KL increases with n). At
    n = 120 both routes run: the refinement's certified end lies below the all-types witness (tau_n(K') >= tau_n(K)),
    and the garbling's lower end of eta_KL below the all-types upper end."""
    from derive.channels import tilt_binomial as tb, tilt_lattice as tl
    from derive.templates.common import _log_factorials

    prior = (Fraction(7, 10), Fraction(3, 10))
    rows = ((Fraction(1, 2), Fraction(1, 5), Fraction(3, 10)), (Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)))
    assert tl.lattice_exponents(*rows) is None
    out = cluster_mod.cluster_rows({"prior": prior, "rows": rows}, [120, 5000])      # 7,381 types at n = 120
    assert out[0]["route"] == cluster_mod.ROUTE_CHI_SUP
    lo, hi = out[0]["eta_kl_bracket"]["log10_one_minus_tau_n"]
    assert lo < hi and hi - lo < 0.05
    far = out[1]
    assert far["route"] == cluster_mod.ROUTE_REFINED and far["factor"] > far["factor_fallback"]
    b = far["eta_kl_bracket"]["log10_one_minus_tau_n"]
    assert b[0] < b[1] <= hi
    assert far["log10_factor"] > -400                               # Doeblin: about 10^-2385 at n = 5,000
    Ka, Kb, beta = tl.lattice_refinement(*rows)
    assert sum(Ka) == 1 and sum(Kb) == 1 and beta > 1
    ref_lo, _ = tl.lattice_bracket(tl.LatticeMixture.of(prior, Ka, Kb), [120])
    assert ref_lo[0] / math.log(10) <= hi
    ka, kb = cluster_mod._best_binary_merge(list(rows[0]), list(rows[1]))
    _, merge_hi = tb.chi_sup_bracket(tb.BinomialMixture(prior, ka, kb), [120, 5000], _log_factorials(5000))
    assert lo <= merge_hi[0] / math.log(10)
    # the lattice garbling's witness is the better lower end of tau_n at n = 5,000 (the bracket names it)
    assert b[1] < merge_hi[1] / math.log(10) and "lattice_garbling" in far["eta_kl_bracket"]["how"]


def test_cluster_three_symbols_arb_spot_check_agrees():
    """One n, three observation symbols (on and off a lattice): the exact-rational arb tilt path on the law of the type
    (independent of the float routes) meets the row's certified eta_KL bracket."""
    prior = (Fraction(7, 10), Fraction(3, 10))
    for rows in (((Fraction(3, 5), Fraction(3, 10), Fraction(1, 10)), (Fraction(1, 10), Fraction(3, 10), Fraction(3, 5))),
                 ((Fraction(1, 2), Fraction(1, 5), Fraction(3, 10)), (Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)))):
        r = cluster_mod.cluster({"prior": prior, "rows": rows, "n": 12})
        lo, hi = r["arb_check"]["tau_n"]
        b_lo, b_hi = r["eta_kl_bracket"]["tau_n"]
        assert lo <= hi and lo <= b_hi * (1 + 1e-12) and b_lo <= hi * (1 + 1e-12)
