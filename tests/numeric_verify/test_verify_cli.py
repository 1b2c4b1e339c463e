"""``derive verify`` and ``derive eval``: exit codes 0/1/2, JSON shapes, clear errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.forge import forged
from derive.numeric import binary_entropy
from support.cli import run

ROOT = Path(__file__).resolve().parents[2]
PROOFS = ROOT / "proofs"
BAD = ROOT / "tests" / "bad_proofs"



# ---------------------------------------------------------------- verify

@pytest.mark.slow
def test_verify_good_proofs_json(capsys):
    code, out, err = run(["verify", PROOFS / "dpi_markov_chain.toml", PROOFS / "sdpi_chain.toml",
                          "--samples", "40", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [Path(p["file"]).name for p in data["proofs"]] == ["dpi_markov_chain.toml", "sdpi_chain.toml"]
    for p in data["proofs"]:
        for s in p["steps"]:
            assert {"id", "status", "samples", "counterexample"} <= set(s)
            assert s["status"] == "tested" and s["counterexample"] is None and s["samples"] == 40
    assert data["proofs"][0]["steps"][-1]["id"] == "theorem"


def test_verify_counterexample_exit_1(capsys):
    code, out, _ = run(["verify", BAD / "reversed_dpi.toml", "--samples", "50", "--json"], capsys)
    assert code == 1
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert step["status"] == "failed"
    ce = step["counterexample"]
    assert ce["joint"]["names"] == ["U", "X", "Y"] and ce["joint"]["alphabet_sizes"] == [2, 2, 2]
    assert float(ce["lhs"]) > float(ce["rhs"])
    code, out, _ = run(["verify", BAD / "reversed_dpi.toml", "--samples", "50"], capsys)
    assert code == 1 and "FAILED" in out and "counterexample" in out and "joint P(U, X, Y)" in out


def test_counterexample_can_be_evaluated_again_with_derive_eval(capsys, tmp_path):
    code, out, _ = run(["verify", BAD / "reversed_dpi.toml", "--samples", "50", "--json"], capsys)
    ce = json.loads(out)["proofs"][0]["steps"][0]["counterexample"]
    f = tmp_path / "ce.json"
    f.write_text(json.dumps(ce))
    code, out, err = run(["eval", "I(U; X) <= I(U; Y)", "--model-file", f, "--json"], capsys)
    assert code == 1, err
    assert json.loads(out)["holds"] is False


@pytest.mark.parametrize("name,what", [
    ("cycle", "step 's2'"),
    ("python_in_claim", ":8"),
    ("markov_chain_misread", "'chain', 'bsc'"),
    ("unknown_rule", "dpi2"),
])
def test_verify_bad_input_exit_2_names_file_line_step(name, what, capsys):
    code, out, err = run(["verify", BAD / f"{name}.toml", "--samples", "5"], capsys)
    assert code == 2
    assert f"{name}.toml" in err and what in err
    assert "Traceback" not in err


def test_verify_bad_options_and_missing_files(capsys):
    assert run(["verify", PROOFS / "dpi_markov_chain.toml", "--samples", "0"], capsys)[0] == 2
    assert run(["verify", PROOFS / "dpi_markov_chain.toml", "--dps", "3"], capsys)[0] == 2
    code, _, err = run(["verify", PROOFS / "dpi_markov_chain.toml", "--seed", "-1"], capsys)  # was an internal error
    assert code == 2 and "Expected an integer seed >= 0 but got seed=-1" in err and "internal error" not in err
    code, _, err = run(["verify", ROOT / "no_such_proof.toml"], capsys)
    assert code == 2 and "no_such_proof" in err


@pytest.mark.slow
def test_verify_json_for_unverifiable_files_in_a_batch(capsys):
    code, out, _ = run(["verify", BAD / "markov_chain_misread.toml", PROOFS / "dpi_markov_chain.toml",
                        "--samples", "10", "--json"], capsys)
    assert code == 2
    rows = json.loads(out)["proofs"]
    assert rows[0]["status"] == "error" and "bsc" in rows[0]["error"] and rows[0]["steps"] == []
    assert rows[1]["status"] == "tested"


# ---------------------------------------------------------------- eval

BSC = "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"


def test_eval_bsc_closed_form(capsys):
    code, out, _ = run(["eval", "I(X; Y)", "--model", BSC, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert abs(data["value"] - (1 - binary_entropy(0.1))) < 1e-12 and data["units"] == "bits"
    code, out, _ = run(["eval", "I(X; Y)", "--model", BSC, "--dps", "50", "--json"], capsys)
    data = json.loads(out)
    assert data["digits"].startswith("0.531004406410718778746410669616679539902834540821")
    code, out, _ = run(["eval", "I(X; Y)", "--model", BSC, "--nats"], capsys)
    assert code == 0 and out.split()[1] == "nats" and abs(float(out.split()[0]) - 0.368064) < 1e-6
    assert "(certified: in [0.36806420716849706991 +/- " in out


def test_eval_distributions_channels_and_statements(capsys):
    code, out, _ = run(["eval", "D(P || Q)", "--model", "P ~ Categorical([1/2, 1/2]); Q ~ Categorical([0.9, 0.1])",
                        "--json"], capsys)
    assert code == 0 and abs(json.loads(out)["value"] - 0.7369655941662062) < 1e-12
    code, out, _ = run(["eval", "I(X; Y)", "--model", "X ~ Categorical([1/4, 3/4]); Y | X ~ BEC(0.3)", "--json"],
                       capsys)
    assert abs(json.loads(out)["value"] - 0.7 * binary_entropy(0.25)) < 1e-12
    code, out, _ = run(["eval", "H(X | Y) <= h(p)", "--model", BSC, "--set", "p=1/10", "--json"], capsys)
    assert code == 0 and json.loads(out)["holds"] is True
    code, out, _ = run(["eval", "H(X | Y) <= h(p)", "--model", BSC, "--set", "p=1/20"], capsys)
    assert code == 1 and out.startswith("FALSE")
    code, out, _ = run(["eval", "I(X[1]; X[2])", "--model", "X[1], X[2] ~ Categorical([[1/2, 0], [0, 1/2]])"],
                       capsys)
    assert code == 0 and out.startswith("1.0")


def test_eval_model_file(capsys, tmp_path):
    f = tmp_path / "pmf.json"
    f.write_text(json.dumps({"names": ["X", "Y"], "table": [[0.45, "1/20"], [0.05, 0.45]],
                             "distributions": {"P": [0.5, 0.5], "Q": ["9/10", "1/10"]}}))
    code, out, err = run(["eval", "I(X; Y) + D(P || Q)", "--model-file", f, "--json"], capsys)
    assert code == 0, err
    assert abs(json.loads(out)["value"] - (1 - binary_entropy(0.1) + 0.7369655941662062)) < 1e-12


@pytest.mark.parametrize("args,what", [
    (["I(X; Y)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10"], "--model:1:"),
    (["I(X; Y)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(3/2)"], "must be in [0, 1] but is 3/2"),
    (["I(X; Y)", "--model", "X ~ Bernoulli(1/2); Y | X ~ AWGN(3)"], "AWGN"),
    (["I(X; Y)", "--model", "X ~ Categorical([1/2, 1/3])"], "sum to exactly 1"),
    (["I(X; Y)", "--model", "X ~ Categorical([-1/2, 3/2])"], "(-1/2 is negative)"),
    (["I(X; W)", "--model", BSC], "W"),
    (["I(X; Y", "--model", BSC], "EXPR:1:"),
    (["__import__('os')"], "EXPR"),
    (["I(X; Y)", "--model", BSC, "--model-file", "x.json"], "not both"),
    (["h(p)", "--set", "p"], "NAME=VALUE"),
])
def test_eval_bad_input_exit_2(args, what, capsys):
    code, out, err = run(["eval", *args], capsys)
    assert code == 2 and what in err and "Traceback" not in err


def test_annotate_check_for_check_verify(capsys):
    from derive.checking import check_file
    from derive.commands.verify import annotate_check

    checked = check_file(PROOFS / "sdpi_chain.toml")
    out = {"file": "sdpi_chain.toml"}
    assert annotate_check(out, checked, samples=20) == []
    assert out["kernel_bugs"] == [] and out["verify"]["status"] == "tested"
    bad = check_file(BAD / "reversed_dpi.toml")
    bad.report = forged(bad.report, **{bad.report.steps[0].id: {"status": "proved"}})  # simulate a kernel bug
    out = {"file": "reversed_dpi.toml"}
    issues = annotate_check(out, bad, samples=20)
    assert len(out["kernel_bugs"]) == 1 and issues[0].kernel_bug
    assert "KERNEL BUG" in capsys.readouterr().err
