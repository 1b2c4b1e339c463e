"""verify_proof: bundled proofs verify clean, wrong proofs are caught with small exact counterexamples,
premises skip models, nothing is ever ``proved``, and kernel/number disagreements are flagged loudly."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import mpmath
import pytest

from support.forge import forged
from derive.checking import check_file
from derive.core import I, RV, Statement
from derive.io import read_proof, read_proof_text
from derive.numeric import evaluate_statement
from derive.numeric.distributions import JointPMF
from derive.numeric.verify import FAILED, PARTLY_TESTED, SKIPPED, TESTED, verify_proof, verify_report_against_kernel

ROOT = Path(__file__).resolve().parents[2]
PROOFS = sorted((ROOT / "proofs").glob("*.toml"))
BAD = ROOT / "tests" / "bad_proofs"


@pytest.mark.slow
@pytest.mark.parametrize("path", PROOFS, ids=[p.stem for p in PROOFS])
def test_every_bundled_proof_verifies_clean(path):
    report = verify_proof(read_proof(path), samples=60, seed=1)
    assert report.failures() == [], [(s.id, s.counterexample.text()) for s in report.failures()]
    assert all(s.status in (TESTED, SKIPPED) for s in report.steps)
    assert any(s.status == TESTED for s in report.steps)
    assert report.models == 60


def _joint(ce) -> JointPMF:
    j = ce.model["joint"]
    return JointPMF.exact(j["names"], _fractions(j["table"]))


def _fractions(t):
    return [_fractions(x) for x in t] if isinstance(t, list) else F(t)


def test_reversed_dpi_is_caught_with_a_shrunk_binary_counterexample():
    report = verify_proof(read_proof(BAD / "reversed_dpi.toml"), samples=200)
    step = report.get("reversed")
    assert step.status == FAILED and report.status == FAILED
    ce = step.counterexample
    assert ce.shrunk and ce.hypotheses_hold
    assert set(ce.model["alphabet_sizes"].values()) == {2}
    # the recorded joint pmf really violates the claim and satisfies U -> X -> Y, in exact arithmetic
    P = _joint(ce)
    U, X, Y = RV("U"), RV("X"), RV("Y")
    lhs, rhs, slack = evaluate_statement(Statement(I(U, X), "<=", I(U, Y)), P, precision="mp", dps=50)
    assert slack < -mpmath.mpf(10) ** -10
    assert abs(evaluate_statement(Statement(I(U, Y, given=X), "==", 0), P, precision="mp", dps=50)[0]) \
        < mpmath.mpf(10) ** -40
    assert mpmath.mpf(ce.lhs) > mpmath.mpf(ce.rhs)
    err = ce.to_error()
    assert err.exit_code == 1 and err.step == "reversed" and err.distribution["joint"]["names"] == ["U", "X", "Y"]


@pytest.mark.parametrize("name,step", [
    ("shannon_false", "wrong"),
    ("sdpi_constant_too_small", "s1"),
    ("composition_claims_too_much", "theorem"),
    ("pinsker_wrong_constant", "pinsker"),
    ("real_false", "wrong"),
    ("subadditivity_wrong_direction", "sub"),
    ("superadditivity_without_independence", "super"),
    ("chain_rule_dropped_conditioning", "chain"),
    ("multiplier_of_unknown_sign", "scaled"),
    ("fano_bound_too_small", "fano"),
    ("tensorization_correlated_inputs", "contract"),
])
def test_wrong_proofs_are_caught(name, step):
    report = verify_proof(read_proof(BAD / f"{name}.toml"), samples=200)
    row = report.get(step)
    assert row.status == FAILED, row.reason
    ce = row.counterexample
    assert ce.hypotheses_hold
    sizes = ce.model["alphabet_sizes"] or {}
    assert all(v <= 3 for v in sizes.values())
    if "n" in (ce.model["params"] or {}):
        assert int(ce.model["params"]["n"]) <= 2


def test_the_correct_steps_of_a_wrong_proof_stay_tested():
    report = verify_proof(read_proof(BAD / "composition_claims_too_much.toml"), samples=100)
    assert report.get("s1").status == TESTED and report.get("s2").status == TESTED
    assert report.get("theorem").status == FAILED


def test_fano_premises_skip_models_and_are_realized_often_enough():
    report = verify_proof(read_proof(ROOT / "proofs" / "fano_minimax.toml"), samples=200)
    fano, info = report.get("fano"), report.get("information")
    assert fano.status == TESTED and fano.samples >= 50 and fano.skipped_premises > 0
    assert info.status == TESTED and info.samples >= 5
    assert set(info.premises) == {"uniform", "fano:fano"}
    assert "skipped" in info.reason


ASSUME_NEVER = """\
[proof]
name = "never"
[variables]
random = ["X", "Y"]
[[hypothesis]]
id = "impossible"
assume = "I(X; Y) >= H(X) + 1"
[[step]]
id = "s"
claim = "H(X) <= 0"
rule = "linear"
uses = ["impossible"]
[[step]]
id = "free"
claim = "H(X) >= 0"
rule = "shannon"
"""


def test_a_premise_false_on_every_model_gives_skipped_with_the_reason():
    report = verify_proof(read_proof_text(ASSUME_NEVER, "never.toml"), samples=30)
    s = report.get("s")
    assert s.status == SKIPPED and s.samples == 0 and s.skipped_premises == 30
    assert "impossible" in s.reason and "none" in s.reason
    assert report.get("free").status == TESTED
    assert report.status == PARTLY_TESTED  # not `tested`: one step was evaluated on no model


def test_reports_are_deterministic_and_json_shaped():
    proof = read_proof(BAD / "reversed_dpi.toml")
    a = verify_proof(proof, samples=50, seed=5).to_json()
    b = verify_proof(proof, samples=50, seed=5).to_json()
    a.pop("seconds"), b.pop("seconds")
    assert a == b
    row = a["steps"][0]
    assert {"id", "status", "samples", "counterexample"} <= set(row)
    assert row["counterexample"]["joint"]["exact"] is True


def test_kernel_bug_is_reported_loudly_when_the_kernel_proved_a_false_step():
    checked = check_file(BAD / "reversed_dpi.toml")
    report = checked.report
    vreport = verify_proof(checked.proof, samples=50)
    assert verify_report_against_kernel(report, vreport) == []   # the kernel refused it: no disagreement
    report = forged(report, **{report.steps[0].id: {"status": "proved"}})  # pretend the kernel had accepted it
    issues = verify_report_against_kernel(report, vreport)
    assert len(issues) == 1 and issues[0].kernel_bug
    assert "KERNEL BUG" in issues[0].message and "reversed" in issues[0].message
    report = forged(report, **{report.steps[0].id: {"status": "assumed"}})
    issues = verify_report_against_kernel(report, vreport)
    assert len(issues) == 1 and not issues[0].kernel_bug


def test_kernel_proved_bundled_proofs_agree_with_the_numbers():
    for name in ("sdpi_chain", "dpi_markov_chain", "memorization_identity"):
        checked = check_file(ROOT / "proofs" / f"{name}.toml")
        assert verify_report_against_kernel(checked.report, verify_proof(checked.proof, samples=40)) == []


def test_bad_arguments():
    from derive.errors import InvalidArgument

    proof = read_proof(ROOT / "proofs" / "dpi_markov_chain.toml")
    for kw in ({"samples": 0}, {"dps": 5}, {"seed": "x"}):
        with pytest.raises(InvalidArgument):
            verify_proof(proof, **kw)


NEVER_VALID = """\
[proof]
name = "never_valid"
[parameters]
e = "1 < e <= 2"
[variables]
random = ["A", "B"]
[[hypothesis]]
id = "c"
channel = "B | A ~ BSC(e)"
[[step]]
id = "s"
claim = "I(A; B) >= 0"
rule = "shannon"
"""


def test_parameters_that_never_give_a_valid_channel_are_refused_by_name():
    from derive.numeric.models import UnrealizableHypotheses

    with pytest.raises(UnrealizableHypotheses, match="hypothesis 'c'"):
        verify_proof(read_proof_text(NEVER_VALID, "never_valid.toml"), samples=5)
