"""``derive eta``: every channel kind with and without --input, the --json shape, exit 2 for bad specs."""

from __future__ import annotations

import json

import pytest

from support.cli import run

KEYS = {"channel", "eta_tv", "eta_chi2", "eta_kl", "eta_kl_bracket", "closed_form", "how"}



@pytest.mark.parametrize("spec, tv, kl", [
    ("bsc:0.1", 0.8, 0.64),
    ("bec:0.3", 0.7, 0.7),
    ("z:0.3", 0.7, 0.7),
    ("qsc:3:0.2", 0.7, 49 / 90),
    ("awgn:3", 1.0, 0.75),
    ("matrix:[[0.9,0.1],[0.2,0.8]]", 0.7, None),
    ("BSC(1/10)", 0.8, 0.64),
])
def test_json_input_free(spec, tv, kl, capsys):
    code, out, err = run(["eta", spec, "--json"], capsys)
    assert code == 0 and err == ""
    rep = json.loads(out)
    assert KEYS <= set(rep)
    assert rep["eta_tv"] == pytest.approx(tv)
    lo, hi = rep["eta_kl_bracket"]
    assert lo <= hi and hi - lo < 1e-12
    if kl is not None:
        assert rep["eta_kl"] == pytest.approx(kl, abs=1e-15) and lo <= kl <= hi
    assert isinstance(rep["eta_chi2"], float) and isinstance(rep["how"], dict)
    assert "eta_kl_lower" in rep["how"] and "eta_kl_upper" in rep["how"]


@pytest.mark.parametrize("spec, dist", [
    ("bsc:0.1", "uniform"),
    ("bsc:0.1", "bern:0.3"),
    ("bec:0.3", "[0.2,0.8]"),
    ("z:0.3", "uniform"),
    ("qsc:3:0.2", "[0.2,0.3,0.5]"),
    ("awgn:3", "gaussian"),
    ("matrix:[[0.9,0.1],[0.2,0.8]]", "[0.3,0.7]"),
])
def test_json_with_input(spec, dist, capsys):
    code, out, err = run(["eta", spec, "--input", dist, "--json"], capsys)
    assert code == 0, err
    rep = json.loads(out)
    assert KEYS <= set(rep) and rep["input"] is not None
    lo, hi = rep["eta_kl_bracket"]
    assert lo <= hi <= rep["eta_tv"] + 1e-15
    assert rep["eta_chi2"] <= hi + 1e-12
    if rep["eta_kl"] is None:
        assert "only a bracket" in rep["how"]["eta_kl"]


def test_bsc_uniform_is_the_closed_form_and_bern_is_not(capsys):
    rep = json.loads(run(["eta", "bsc:0.1", "--input", "uniform", "--json"], capsys)[1])
    assert rep["exact"]["eta_kl"] == "16/25" and rep["closed_form"]
    rep = json.loads(run(["eta", "bsc:0.1", "--input", "bern:0.3", "--json"], capsys)[1])
    assert rep["closed_form"] is None and rep["eta_kl_bracket"][0] > rep["eta_chi2"] + 0.01


@pytest.mark.parametrize("spec", ["bsc:0.1", "qsc:3:0.2", "awgn:3", "matrix:[[0.9,0.1],[0.2,0.8]]"])
def test_text_table(spec, capsys):
    code, out, err = run(["eta", spec], capsys)
    assert code == 0
    assert "eta_TV" in out and "eta_KL bracket" in out and "how:" in out


def test_dps(capsys):
    rep = json.loads(run(["eta", "matrix:[[0.9,0.1],[0.2,0.8]]", "--input", "[0.3,0.7]", "--dps", "30", "--json"],
                         capsys)[1])
    assert rep["exact"]["eta_chi2"]
    code, _, err = run(["eta", "bsc:0.1", "--dps", "5"], capsys)
    assert code == 2 and "--dps" in err


@pytest.mark.parametrize("args, message", [
    (["eta", "foo:0.1"], "unknown channel kind"),
    (["eta", "bsc"], "Expected a channel"),
    (["eta", "bsc:1.5"], "[0, 1]"),
    (["eta", "bsc:abc"], "decimal"),
    (["eta", "bsc:0.1:0.2"], "takes 1 parameter"),
    (["eta", "qsc:2.5:0.1"], "integer alphabet"),
    (["eta", "matrix:[[0.9,0.2],[0.2,0.8]]"], "sums to 11/10"),
    (["eta", "matrix:[[1.1,-0.1]]"], "negative"),
    (["eta", "matrix:[]"], "non-empty"),
    (["eta", "matrix:[[0.5,0.5],[1]]"], "same length"),
    (["eta", "matrix:[[0.5,0.5"], "cannot read"),
    (["eta", "matrix:[[NaN,1]]"], "finite"),
    (["eta", "matrix:[[\"a\",1]]"], "not a number"),
    (["eta", "matrix:[[1e999999,0]]"], "exponent"),
    (["eta", "matrix:" + "[" * 5000 + "]" * 5000], ""),
    (["eta", "matrix:[" + ",".join(["[1]"] * 1100) + "]"], "at most 1024"),
    (["eta", "matrix:[" + ",".join(["[0.5,0.25,0.25]"] * 300) + "]"], "at most 256"),
    (["eta", "bsc:0.1", "--input", "[0.5,0.6]"], "not 1"),
    (["eta", "bsc:0.1", "--input", "[0.2,0.3,0.5]"], "has 2 inputs"),
    (["eta", "qsc:3:0.1", "--input", "bern:0.5"], "2 inputs"),
    (["eta", "bsc:0.1", "--input", "gaussian"], "Gaussian"),
    (["eta", "awgn:3", "--input", "uniform"], "gaussian"),
    (["eta", "bsc:0.1", "--input", "poisson"], "Expected an input"),
])
def test_bad_input_exits_2_with_one_line(args, message, capsys):
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("derive: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_a_binary_output_channel_on_1024_inputs_gets_a_certified_bracket_through_the_cli(capsys):
    """Issue 14: `derive eta` at a fixed input, any input size for two outputs (up to 1,024 inputs on the command
    line): the tilt route's bracket, here ~1e-10 wide, holds the chi2 value from below."""
    import json
    import random

    from derive.cli import main

    rng = random.Random(3)
    rows = ",".join(f"[{a / 100}, {(100 - a) / 100}]" for a in (rng.randint(1, 99) for _ in range(1024)))
    assert main(["eta", f"matrix:[{rows}]", "--input", "uniform", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    lo, hi = out["eta_kl_bracket"]
    assert out["shape"] == [1024, 2] and out["eta_chi2"] <= lo + 1e-12 and hi - lo <= 1e-9


def test_awgn_with_a_finite_input_names_it_in_the_grammar(capsys):
    """An AWGN channel's coefficients are for its Gaussian input; the error shows the input as written in the grammar
    (it printed Python's ``(Fraction(1, 2), Fraction(1, 2))``)."""
    from derive.cli import main

    assert main(["eta", "awgn:3", "--input", "[0.5,0.5]"]) == 2
    err = capsys.readouterr().err
    assert "got [1/2, 1/2]" in err and "Fraction" not in err
