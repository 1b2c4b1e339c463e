"""Messages of the command line (issue #17 "Messages that teach", #18 batch/refutation, #16 lazy dispatch):
each test matches the text a user reads."""

from __future__ import annotations

import json
import pytest
import re
import subprocess
import sys
from pathlib import Path

from derive.commands.prove import NOT_SHANNON_TEXT
from support.cli import run

ROOT = Path(__file__).resolve().parents[1]
PROOFS = ROOT / "proofs"



def test_not_shannon_reads_undecided(capsys):
    zy = "2*I(X; Y) <= I(A; B) + I(A; X, Y) + 3*I(X; Y | A) + I(X; Y | B)"
    code, out, _ = run(["prove", zy, "--copy-steps", "0"], capsys)
    assert code == 1
    assert out.startswith("not_shannon:")
    assert ("undecided: not provable from Shannon-type inequalities (it may still be true — e.g. non-Shannon "
            "inequalities)") in out
    code, out, _ = run(["prove", zy, "--copy-steps", "0", "--json"], capsys)
    assert json.loads(out)["verdict"] == NOT_SHANNON_TEXT


def test_counterexample_prints_as_a_table_with_both_sides(capsys):
    code, out, _ = run(["prove", "H(X, Y) <= H(X)"], capsys)
    assert code == 1 and out.startswith("false:")
    assert "counterexample: certified violation (exact" in out
    assert "variable  value" in out and "uniform bit" in out
    sides = re.search(r"left side = (\d+), right side = (\d+) \(bits\)", out)
    assert sides and int(sides.group(1)) > int(sides.group(2))  # H(X, Y) > H(X) on the model shown
    assert "{" not in out  # JSON only under --json
    code, out, _ = run(["prove", "H(X, Y) <= H(X)", "--json"], capsys)
    ce = json.loads(out)["counterexample"]
    assert ce["certified"] is True and int(ce["lhs"]) > int(ce["rhs"])


def test_false_under_mutual_independence_is_certified(capsys):
    n = 8
    claim = f"H({', '.join(f'X{i}' for i in range(1, n + 1))}) <= " + " + ".join(f"H(X{i})" for i in range(1, n))
    given = " _|_ ".join(f"X{i}" for i in range(1, n + 1))
    code, out, _ = run(["prove", claim, "--given", given, "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false"
    assert res["counterexample"]["certified"] is True and res["counterexample"]["method"] == "exact"


def test_family_block_with_symbolic_n_is_one_variable(capsys):
    code, out, _ = run(["prove", "I(M; X[1..n] | P) <= H(M)"], capsys)
    assert code == 0 and out.startswith("proved:")
    assert "note: X[1..n] is read as one random variable X_block, so the verdict holds for every size" in out


def test_family_with_literal_range_is_expanded(capsys):
    code, out, _ = run(["prove", "H(X[1..3]) <= H(X[1]) + H(X[2]) + H(X[3])"], capsys)
    assert code == 0 and out.startswith("proved: H(X_1, X_2, X_3) <= H(X_1) + H(X_2) + H(X_3)")


def test_sums_over_fixed_ranges_are_written_out(capsys):
    code, out, _ = run(["prove", "sum(H(X[i] | X[1..i-1]), i, 1, 4) == H(X[1..4])"], capsys)
    assert code == 0 and out.startswith(
        "proved: H(X_1) + H(X_2 | X_1) + H(X_3 | X_1, X_2) + H(X_4 | X_1, X_2, X_3) == H(X_1, X_2, X_3, X_4)")
    code, out, _ = run(["prove", "sum(sum(I(X[i]; X[k]), k, 1, i - 1), i, 1, 3) <= 0",
                        "--given", "X[1] _|_ X[2] _|_ X[3]"], capsys)
    assert code == 0 and out.startswith("proved:")
    code, out, _ = run(["prove", "sum(H(X[i]), i, 1, 4) <= H(X[1..3])"], capsys)  # X_4 a fair bit
    assert code == 1 and out.startswith("false:") and "certified violation" in out
    code, out, _ = run(["prove", "sum(H(X[i]), i, 1, n) >= H(X[1..n])"], capsys)  # every size: kernel-checked
    assert code == 0 and out.startswith("proved for every value of n (integer >= 1)")


@pytest.mark.slow
def test_family_with_mixed_symbolic_uses_is_decided_for_every_size(capsys):
    """A claim over families of every size, with hypotheses, is decided through a proof file or at the smallest
    sizes (tests/provers/test_prove_every_size.py); a hypothesis it cannot read is exit 2 naming --given."""
    code, out, _ = run(["prove", "I(M; X[1..n] | P) <= H(X[n])", "--given", "M _|_ P"], capsys)
    assert code == 1 and out.startswith("false: I(M; X[1..n] | P) <= H(X[n])") and "given: independent: M _|_ P" in out
    code, _, err = run(["prove", "I(M; X[1..n] | P) <= H(X[n])", "--given", "M and P are unrelated"], capsys)
    assert code == 2 and "--given #1" in err and "Traceback" not in err


def test_prove_file_prints_json_lines(tmp_path, capsys):
    f = tmp_path / "claims.txt"
    f.write_text("H(X | Y) <= H(X)\n# a comment\n\nH(X, Y) <= H(X)  # false\nH(X <=\n", encoding="utf-8")
    code, out, _ = run(["prove", "--file", str(f)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["status"]) for r in rows] == [(1, "proved"), (4, "false"), (5, "error")]
    assert rows[1]["counterexample"]["certified"] is True
    assert rows[2]["error"].startswith(f"{f}:5:")
    assert code == 2


def test_prove_needs_a_claim_or_a_file(capsys):
    code, _, err = run(["prove"], capsys)
    assert code == 2 and "give a CLAIM" in err


def test_check_on_a_folder_without_toml_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert f"no proof files: {tmp_path} contains no .toml files" in err


def test_strict_names_each_refused_step_and_why(capsys):
    code, out, _ = run(["check", "--strict", str(PROOFS / "fkl25_framework.toml")], capsys)
    assert code == 1
    assert "refused by --strict: mem_vs_info: relies on trusted facts the kernel did not check (tau_sdpi)" in out
    assert "refused by --strict: info_vs_test: relies on trusted facts the kernel did not check (rho_sdpi)" in out
    code, out, _ = run(["check", "--strict", "--json", str(PROOFS / "fkl25_framework.toml")], capsys)
    refused = json.loads(out)["proofs"][0]["refused_steps"]
    assert {r["id"] for r in refused} == {"mem_vs_info", "info_vs_test"}


def test_no_progress_bar_when_not_a_terminal(capsys):
    code, out, err = run(["prove", "H(X | Y) <= H(X)"], capsys)
    assert code == 0 and err == ""


def test_help_and_dispatch_import_only_the_chosen_command():
    code = ("import sys; from derive.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sympy', 'scipy', 'numpy', 'mpmath', 'derive.commands.bound') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0
    assert "check" in r.stdout and "prove" in r.stdout and "bound" in r.stdout  # every command listed
    assert r.stdout.strip().splitlines()[-1] == "HEAVY="  # and none of the heavy modules imported


def test_prove_names_the_flag_that_declares_a_parameter(capsys):
    code, _, err = run(["prove", "p <= 1"], capsys)
    assert code == 2
    assert "CLAIM:1:1: unknown name 'p'; expected a declared parameter" in err
    assert "declare a parameter with --param (e.g. --param 'p in [0, 1]', --param 'n = integer >= 1')" in err
    code, _, err = run(["prove", "pp <= 1", "--param", "pp=0<=pp<=1", "--param", "q=0<=q<=1"], capsys)
    assert code == 2 and "--param names q" in err  # an unused --param is named, not guessed at


def test_a_complex_number_is_not_printed_as_sympys_I(capsys):
    """``sqrt(-1)`` is sympy's ``I``, which a user reads as mutual information: the message names the position."""
    code, _, err = run(["prove", "I(X; Y) >= 1 - sqrt(-1)"], capsys)
    assert code == 2
    assert err.startswith("derive: CLAIM:1:16: this is not a real number")
    assert " I " not in err and "I*" not in err


def test_an_error_in_a_claim_with_parameters_points_into_the_claim(capsys):
    """The claim is read through a proof file derive writes for it; an error on its claim line is reported at the
    claim's own column, without the file."""
    code, _, err = run(["prove", "I(X;Y) >= sqrt(-q)", "--param", "q=0<=q<=1"], capsys)
    assert code == 2
    assert err.startswith("derive: CLAIM:1:11: sqrt(-q) is not defined for every parameter value")
    assert "[proof]" not in err
    code, _, err = run(["prove", 'I(M; X[".."]) >= I(M; X["])'], capsys)
    assert code == 2 and "[proof]" in err  # an error elsewhere in the written file still shows it


def test_decimals_that_miss_1_by_a_rounding_error_get_a_hint(capsys):
    code, _, err = run(["eta", "matrix:[[0.3333333333333333,0.6666666666666666],[0.75,0.25]]"], capsys)
    assert code == 2
    assert "sums to 9999999999999999/10000000000000000, not 1 (decimals are read exactly: write 1/3" in err
    code, _, err = run(["eta", "matrix:[[0.3,0.6],[0.75,0.25]]"], capsys)
    assert code == 2 and "sums to 9/10, not 1" in err and "decimals are read exactly" not in err


def test_a_nats_proofs_messages_print_h_as_the_proof_reads_it(tmp_path, capsys):
    """Core's ``h`` is in bits; a nats proof's ``h(p)`` is ``ln(2)*h(p)`` in core. Its certificates print ``h(p)``
    (read back in nats: the same expression), not ``ln(2)*h(p)`` (read back in nats: ln 2 times too large)."""
    f = tmp_path / "h_nats.toml"
    f.write_text('[proof]\nname = "h nats"\nunits = "nats"\n\n[parameters]\np = "0 <= p <= 1"\n\n'
                 '[[step]]\nid = "s"\nclaim = "h(p) <= ln(2)"\nrule = "real"\n')
    code, out, _ = run(["check", "-v", str(f)], capsys)
    assert code == 0 and "-h(p) + ln(2) >= 0 by an exact sign certificate" in out, out
    code, out, _ = run(["prove", "h(p) <= 3/4", "--units", "nats", "--param", "p = 0 <= p <= 1"], capsys)
    assert code == 0 and "3/4 - h(p) >= 0" in out, out
    code, out, _ = run(["prove", "h(p) <= 3/4", "--param", "p = 0 <= p <= 1"], capsys)
    assert code == 1 and "3/4 - h(p)" not in out  # false in bits (h(1/2) = 1)


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_a_counterexample_to_a_claim_about_numbers_names_no_model(capsys):
    """A claim without information quantities is false at a value, not on a model: no "every variable constant"."""
    code, out, _ = run(["prove", "2^n >= n^2", "--param", "n >= 1, integer"], capsys)
    assert code == 1 and "at n = 3 the claim reads 2^3 >= 3^2, which is false:" in out, out
    assert "model" not in out and "every variable constant" not in out
    code, out, _ = run(["prove", "H(X) <= n", "--param", "n = integer >= 0"], capsys)
    assert code == 1 and "and a model violates it:" in out, out  # with an information quantity: a model


#: Bad inputs to eta, bound and eval: each must exit 2 with a message in derive's own notation.
BAD_INPUTS = [
    ["eta", "bsc:1.5"], ["eta", "matrix:[[0.5,0.6],[0.1,0.9]]"], ["eta", "bsc:0.1", "--input", "[0.3,0.3]"],
    ["eta", "bsc:0.1", "--input", "[0.3,0.7,0]"], ["eta", "qsc:2.5:0.1"], ["eta", "z:0.3", "--input", "bern:1.5"],
    ["eta", "awgn:3", "--input", "[0.5,0.5]"], ["eta", "awgn:-1"],
    ["bound", "cluster", "--prior", "[0.5,0.6]", "--channel", "bsc:0.1", "--set", "n=1"],
    ["bound", "cluster", "--prior", "bern:0.3", "--channel", "matrix:[[0.5,0.5]]", "--set", "n=1"],
    ["bound", "boolean-cluster", "--set", "rho=1.5", "--set", "n=1"],
    ["bound", "boolean-cluster", "--set", "C=2", "--set", "d=1", "--set", "n=1"],
    ["bound", "gaussian-cluster", "--set", "r2=2", "--set", "n=1"],
    ["bound", "sparse-hypercube", "--set", "d=10", "--set", "nu=0", "--set", "n=1"],
    ["eval", "h(3/2)"], ["eval", "I(X;Y)", "--model", "X ~ Bernoulli(3/2)"],
    ["eval", "I(X;Y)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(2)"],
]


def test_bad_inputs_get_messages_in_derive_notation_not_python_reprs(capsys):
    """Session 20: QSC(2.5) said 'got Fraction(5, 2)', BSC(2)'s row was "['-1', '2']", rho=1.5 was called lambda,
    a prior summing to 11/10 did not say so. A message shows numbers as derive writes them."""
    for args in BAD_INPUTS:
        code, out, err = run(args, capsys)
        assert code == 2, (args, out, err)
        assert err.startswith("derive: "), (args, err)
        for python in ("Fraction(", "Symbol(", "Rational(", "mpf(", "Integer(", "['", "Traceback"):
            assert python not in err, (args, err)
    assert "got rho=1.5" in run(BAD_INPUTS[10], capsys)[2]
    assert "sum to 11/10" in run(BAD_INPUTS[8], capsys)[2]
