"""The command line: exit codes 0/1/2, --json shapes, and clear errors for bad input (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derive import __version__
from derive.cli import main
from support.cli import run

ROOT = Path(__file__).resolve().parents[1]
PROOFS = ROOT / "proofs"

GOOD = """\
[proof]
name = "tiny"
[variables]
random = ["U", "X", "Y"]
[[hypothesis]]
id = "chain"
markov = "U -> X -> Y"
[[step]]
id = "s1"
claim = "{claim}"
rule = "dpi"
uses = ["chain"]
"""



def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert __version__ in capsys.readouterr().out
    code, out, _ = run([], capsys)
    assert code == 2 and "check" in out


def test_console_script_runs():
    r = subprocess.run([sys.executable, "-m", "derive.cli", "check", str(PROOFS / "dpi_markov_chain.toml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "proved" in r.stdout


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_check_bundled_proofs_json(capsys):
    code, out, _ = run(["check", str(PROOFS), "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    files = sorted(p.name for p in PROOFS.glob("*.toml"))
    assert sorted(Path(p["file"]).name for p in data["proofs"]) == files
    for p in data["proofs"]:
        assert set(p) >= {"file", "name", "status", "conclusion", "steps"}
        assert p["status"] == "proved"
        for s in p["steps"]:
            assert set(s) >= {"id", "rule", "status", "message"}
            assert s["status"] in ("proved", "assumed")


def test_check_false_step_exits_1_and_shows_expected(tmp_path, capsys):
    f = tmp_path / "wrong.toml"
    f.write_text(GOOD.format(claim="I(U; X) <= I(U; Y)"))
    code, out, _ = run(["check", str(f)], capsys)
    assert code == 1
    assert "FAILED" in out and "hint" in out
    code, out, _ = run(["check", str(f), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert code == 1 and step["status"] == "failed" and step["id"] == "s1"


def test_strict_refuses_cited_lemmas(capsys):
    code, _, _ = run(["check", str(PROOFS / "sdpi_chain.toml"), "--strict"], capsys)
    assert code == 1
    code, _, _ = run(["check", str(PROOFS / "dpi_markov_chain.toml"), "--strict"], capsys)
    assert code == 0


def test_compose_prints_the_composed_bound(capsys):
    code, out, _ = run(["compose", str(PROOFS / "sdpi_chain.toml"), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["status"] == "proved"
    assert "(1 - 2*delta)^4" in data["bound"] or "(2*delta - 1)^4" in data["bound"]
    assert "\\le" in data["latex"]


def test_rules_markdown_lists_every_rule(capsys):
    code, out, _ = run(["rules", "--markdown"], capsys)
    assert code == 0
    for name in ("dpi", "sdpi", "chain_rule", "superadditivity", "fano", "pinsker", "real", "substitute"):
        assert f"## `{name}`" in out


BAD_INPUTS = {
    "toml_syntax": ('[proof\nname = "x"\n', ".toml:1:"),
    "unknown_key": ('[proof]\nname = "x"\ncolour = "red"\n', "colour"),
    "unknown_rule": (GOOD.format(claim="I(U; Y) <= I(U; X)").replace('rule = "dpi"', 'rule = "dpi2"'), "dpi2"),
    "unbalanced": (GOOD.format(claim="I(U; Y <= I(U; X)"), ".toml:10:"),
    "double_semicolon": (GOOD.format(claim="I(U;; Y) <= I(U; X)"), ".toml:10:"),
    "undefined_variable": (GOOD.format(claim="I(U; W) <= I(U; X)"), "W"),
    "python_code": (GOOD.format(claim="__import__('os').system('touch /tmp/derive_pwned')"), ".toml:10:"),
    "empty_domain": ('[proof]\nname = "x"\n[parameters]\nd = "1 <= d <= 0"\n', "empty"),
    "index_out_of_range": ('[proof]\nname = "x"\n[variables]\nfamilies = { X = "1..3" }\n[[step]]\nid = "s"\n'
                           'claim = "H(X[5]) >= 0"\nrule = "shannon"\n', "index 5"),
    "huge_exponent": (GOOD.format(claim="I(U; Y) <= 2^2^2^2^99 * I(U; X)"), ".toml:10:"),
    "deep_nesting": (GOOD.format(claim="(" * 5000 + "1" + ")" * 5000 + " >= 0"), ".toml:10:"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_location_and_no_traceback(name, tmp_path, capsys):
    text, needle = BAD_INPUTS[name]
    f = tmp_path / f"{name}.toml"
    f.write_text(text)
    t0 = time.monotonic()
    code, out, err = run(["check", str(f)], capsys)
    assert time.monotonic() - t0 < 60  # refused, not hung (a generous bound, not a timing test)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert f.name in err and needle in err
    assert not Path("/tmp/derive_pwned").exists()


def test_huge_file_is_refused(tmp_path, capsys):
    f = tmp_path / "huge.toml"
    f.write_text('[proof]\nname = "x"\nnotes = "' + "a" * 10_000_000 + '"\n')
    code, _, err = run(["check", str(f)], capsys)
    assert code == 2 and "huge.toml" in err


def test_missing_path_exits_2(capsys):
    code, _, err = run(["check", "/nonexistent/proof.toml"], capsys)
    assert code == 2 and "nonexistent" in err


def test_json_error_entry_for_bad_file(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text("[proof\n")
    code, out, _ = run(["check", str(f), "--json"], capsys)
    data = json.loads(out)
    assert code == 2 and data["proofs"][0]["status"] == "error" and "bad.toml" in data["proofs"][0]["error"]


def test_prove_statuses_and_json(capsys):
    code, out, _ = run(["prove", "I(X; Z) <= I(X; Y)", "--given", "X -> Y -> Z", "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["status"] == "proved" and data["certificate"] and data["counterexample"] is None
    code, out, _ = run(["prove", "I(X; Z) >= I(X; Y)", "--given", "X -> Y -> Z", "--json"], capsys)
    data = json.loads(out)
    assert code == 1 and data["status"] == "false" and data["counterexample"]["model"]
    zy = "2*I(C;E) <= I(A;B) + I(A;C,E) + 3*I(C;E|A) + I(C;E|B)"  # Zhang-Yeung: not Shannon-type, but true
    code, out, _ = run(["prove", zy, "--json", "--copy-steps", "0"], capsys)
    assert code == 1 and json.loads(out)["status"] == "not_shannon"
    code, out, _ = run(["prove", zy, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["status"] == "proved" and data["copy"]["copy_steps"]


def test_prove_text_and_latex(capsys):
    code, out, _ = run(["prove", "H(X, Y) <= H(X) + H(Y)"], capsys)
    assert code == 0 and "I(X; Y)" in out and "Shannon" in out
    code, out, _ = run(["prove", "H(X, Y) <= H(X) + H(Y)", "--latex"], capsys)
    assert code == 0 and "\\begin{align*}" in out


@pytest.mark.parametrize("args", [["prove", "I(X;;Y) <= 1"], ["prove", "I(X;Y) <= 1", "--given", "nonsense"],
                                  ["prove", "I(X;Y) <= 1", "--timeout", "-1"]])
def test_prove_bad_input_exits_2(args, capsys):
    code, _, err = run(args, capsys)
    assert code == 2 and "Traceback" not in err and err.strip()


def test_check_with_verify_reports_numbers_and_no_kernel_bug(capsys):
    code, out, _ = run(["check", str(PROOFS / "sdpi_chain.toml"), "--verify", "10", "--json"], capsys)
    p = json.loads(out)["proofs"][0]
    assert code == 0 and p["kernel_bugs"] == [] and p["verify"]["samples"] >= 1


def test_a_command_module_that_fails_to_import_is_a_clean_internal_error(monkeypatch, capsys):
    """build_parser imports the chosen command's module: an ImportError there is derive's bug (exit 3, one line,
    no traceback), named as such."""
    import derive.cli as cli

    monkeypatch.setitem(cli.COMMANDS, "prove", ("derive.commands._no_such_module", "decide a Shannon-type inequality"))
    monkeypatch.delenv("DERIVE_DEBUG", raising=False)
    code = cli.main(["prove", "H(X) >= 0"])
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error" in err and "'prove' command could not be loaded" in err
    assert "ModuleNotFoundError" in err and "Traceback" not in err
