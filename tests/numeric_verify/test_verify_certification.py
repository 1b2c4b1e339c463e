"""A numeric violation is a counterexample only when certified: arb balls on the exact model put the slack
strictly below 0. Otherwise it is a *suspected violation (not certified)*, in JSON, text, ``check --verify``
and the audit (issue 13, class 9)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import flint
import pytest
import sympy

import derive.numeric.verify as nv
from derive.cli import main
from derive.core.quantities import h
from derive.io import read_proof
from derive.numeric.certify import ArbScalars, Uncertifiable, certify, CertifiedValue, entropy_from_counts
from derive.numeric.verify import FAILED, SKIPPED, SUSPECTED, TESTED, verify_proof

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "bad_proofs"
PROOFS = ROOT / "proofs"


@pytest.mark.parametrize("name,step", [("reversed_dpi", "reversed"), ("pinsker_wrong_constant", "pinsker"),
                                       ("fano_bound_too_small", "fano"), ("chain_rule_dropped_conditioning", "chain"),
                                       ("sdpi_constant_too_small", "s1")])
def test_counterexamples_of_wrong_proofs_are_certified(name, step):
    report = verify_proof(read_proof(BAD / f"{name}.toml"), samples=60)
    s = report.get(step)
    assert s.status == FAILED and report.status == FAILED
    ce = s.counterexample
    assert ce.certified and ce.method == "interval" and ce.slack_enclosure.startswith("[-")
    assert ce.text().splitlines()[-1].startswith("certified violation (interval arithmetic): slack in [-")
    row = s.to_json()
    assert row["certified"] is True and row["verdict"] == "certified violation" and row["slack_enclosure"]
    assert "certified violation" in s.reason


def _always_violated(monkeypatch):
    """Simulate a rounding false positive: every step check (not premises) says ``violated``."""
    real = nv._check

    def fake(sample, comp, force_mp=False, confirm_violations=True):
        verdict, lhs, rhs = real(sample, comp, force_mp, confirm_violations)
        if not confirm_violations:
            return verdict, lhs, rhs
        return "violated", lhs, rhs

    monkeypatch.setattr(nv, "_check", fake)


@pytest.mark.parametrize("name", ["dpi_markov_chain", "memorization_identity", "sdpi_chain", "pinsker_accuracy", "fano_minimax"])
def test_a_numerical_false_positive_on_a_true_proof_is_never_a_counterexample(monkeypatch, name):
    path = PROOFS / f"{name}.toml"
    if not path.exists():
        pytest.skip(f"{name}.toml is not bundled")
    _always_violated(monkeypatch)
    report = verify_proof(read_proof(path), samples=8, shrink=False)
    assert report.failures() == []
    assert report.suspicions() and report.status == SUSPECTED
    for s in report.steps:
        assert s.status in (SUSPECTED, SKIPPED, TESTED)
        if s.status == SUSPECTED:
            assert not s.counterexample.certified and s.counterexample.not_certified_because
            assert s.reason.startswith("suspected violation (not certified)")
            assert s.to_json()["certified"] is False
            assert s.counterexample.text().splitlines()[-1].startswith("numerical violation, not certified")


def test_cli_verify_labels_a_suspected_violation(monkeypatch, capsys):
    _always_violated(monkeypatch)
    code = main(["verify", str(PROOFS / "dpi_markov_chain.toml"), "--samples", "5", "--no-shrink"])
    out = capsys.readouterr().out
    assert code == 1  # exit codes unchanged: a suspicion is still not a clean run
    assert "SUSPECTED" in out and "suspected violation (numerical violation, not certified)" in out
    assert "FAILED" not in out and "counterexample (certified" not in out
    code = main(["verify", str(PROOFS / "dpi_markov_chain.toml"), "--samples", "5", "--no-shrink", "--json"])
    data = json.loads(capsys.readouterr().out)
    steps = [s for s in data["proofs"][0]["steps"] if s["status"] != "skipped"]
    assert steps and all(s["status"] == "suspected" and s["certified"] is False for s in steps)
    assert all(s["verdict"] == "numerical violation, not certified" for s in steps)


def test_cli_verify_labels_a_certified_counterexample(capsys):
    code = main(["verify", str(BAD / "reversed_dpi.toml"), "--samples", "40"])
    out = capsys.readouterr().out
    assert code == 1 and "counterexample (certified violation) (shrunk):" in out and "not certified" not in out


def test_check_verify_calls_an_uncertified_disagreement_a_possible_kernel_bug(monkeypatch, capsys):
    _always_violated(monkeypatch)
    code = main(["check", str(PROOFS / "dpi_markov_chain.toml"), "--verify", "5", "--json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    bugs = data["proofs"][0]["kernel_bugs"]
    assert code == 1 and bugs and all(b["certified"] is False for b in bugs)
    assert "POSSIBLE KERNEL BUG" in captured.err and "not certified" in captured.err
    assert "(certified violation)" not in captured.err


def test_an_exact_zero_is_not_certified_negative_at_any_precision():
    # H of the uniform pmf on 4 points minus 2 bits is exactly 0: the ball always contains 0
    def compute():
        return CertifiedValue("interval", interval=entropy_from_counts([1, 1, 1, 1], 4) - 2)

    assert certify(compute) is None
    assert certify(lambda: CertifiedValue("interval", interval=entropy_from_counts([1, 1, 1, 1], 4) - 3)) is not None
    assert certify(lambda: CertifiedValue("exact", exact=Fraction(0))) is None
    assert certify(lambda: CertifiedValue("exact", exact=Fraction(-1, 10 ** 30))) is not None
    assert certify(lambda: CertifiedValue("exact", exact=Fraction(1, 3)).negated_abs()) is not None


def test_arb_scalars_enclose_the_grammar_and_refuse_the_rest():
    p = sympy.Symbol("p")
    sc = ArbScalars({"p": Fraction(1, 2)})
    with flint.ctx.workprec(128):
        assert (sc.value(h(p)) - 1).contains(0)
        assert sc.value(sympy.log(2 * p) + sympy.exp(0 * p) + sympy.Min(p, 1) + sympy.sqrt(p) ** 2 - 2).contains(0)
        assert sc.value(sympy.Abs(p - 1) - p).contains(0)
        with pytest.raises(Uncertifiable):
            sc.value(sympy.sin(p))
        with pytest.raises(Uncertifiable):
            sc.value(sympy.log(p - p))
        with pytest.raises(Uncertifiable):
            ArbScalars({}).value(p)


def test_a_premise_that_holds_only_numerically_leaves_the_violation_uncertified(monkeypatch, tmp_path):
    text = (PROOFS / "pinsker_accuracy.toml").read_text().replace(
        'id = "accuracy"\nclaim = "TV(P, Q) <= sqrt(d / 2)"', 'id = "accuracy"\nclaim = "TV(P, Q) <= sqrt(d / 8)"')
    bad = tmp_path / "pinsker_bad.toml"
    bad.write_text(text)
    s = verify_proof(read_proof(bad), samples=40).get("accuracy")
    assert s.status == FAILED and s.counterexample.certified  # the premise budget certainly holds there
    monkeypatch.setattr(nv, "certify_holds", lambda drawn, statement, units, widths=None: False)
    s = verify_proof(read_proof(bad), samples=40).get("accuracy")
    assert s.status == SUSPECTED and not s.counterexample.certified
    assert "premise budget holds only numerically" in s.counterexample.not_certified_because
