"""``derive verify`` also tries the Shannon prover's exact models (session 10).

The drawn models have alphabets of at most 3 values, so ``H(X) <= log(3)`` (false: four equally likely values) was
``tested`` on 200 models while ``derive check`` already called it ``failed``. verify now lowers such a step with the
prover's certified GF(2) model, its joint pmf written out. Oracles: the written joint re-read by ``derive eval
--model-file`` (its own interval-arithmetic certification), and the textbook truth of the controls.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.commands.evaluate import evaluate_text
from derive.commands.verify import verify_one
from derive.core import H, RV, Statement
from derive.provers.shannon import refute

X = RV("X")


def _proof(tmp_path: Path, steps: list[tuple[str, str, list[str]]], extra: str = "") -> Path:
    text = '[proof]\nname = "p"\n\n[variables]\nrandom = ["X", "Y", "Z"]\n\n' + extra
    text += '[[hypothesis]]\nid = "chain"\nmarkov = "X -> Y -> Z"\n\n'
    for sid, claim, uses in steps:
        text += f'[[step]]\nid = "{sid}"\nclaim = "{claim}"\nrule = "shannon"\nuses = {json.dumps(uses)}\n\n'
    path = tmp_path / "p.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("claim, uses", [("H(X) <= log(3)", []), ("H(X) <= 2", ["chain"]),
                                         ("I(X; Z) <= I(X; Y) - 1", ["chain"]), ("H(X, Y) <= H(X) + log(3)", [])])
def test_false_steps_beyond_the_drawn_alphabets_fail_with_a_joint_eval_certifies(tmp_path, claim, uses):
    report = verify_one(_proof(tmp_path, [("s", claim, uses)]), samples=30)
    step = report.get("s")
    assert step.status == "failed" and step.counterexample.certified, step.reason
    model = tmp_path / "model.json"
    model.write_text(json.dumps(step.counterexample.to_json()))
    out = evaluate_text(claim, model_file=str(model))
    assert out["holds"] is False and out["certified"] is True


def test_true_steps_stay_tested(tmp_path):
    report = verify_one(_proof(tmp_path, [("a", "H(X | Y) <= H(X)", []), ("b", "I(X; Z) <= I(X; Y)", ["chain"]),
                                          ("c", "H(X) <= H(X) + log(3)", [])]), samples=30)
    assert [s.status for s in report.steps] == ["tested"] * 3


def test_steps_with_step_premises_are_not_refuted_by_the_prover(tmp_path):
    """A model need not satisfy a premise that is a step: such steps keep the drawn models' verdict."""
    path = _proof(tmp_path, [("a", "H(X) <= 1", []), ("b", "H(X) <= log(3)", ["a"])])
    report = verify_one(path, samples=30)
    assert report.get("a").status == "failed" and report.get("b").status != "failed"


def test_refute_of_a_claim_about_no_variable():
    assert refute(Statement(H(X) - H(X), "<=", -1))["kind"] == "constant"
    assert refute(Statement(H(X) - H(X), "<=", 1)) is None


def test_the_notebook_api_verifies_like_the_cli():
    from derive import api

    api.variables("X")
    proof = api.Proof("api_verify")
    proof.step("s", "H(X) <= log(3)", rule="shannon")
    step = api.verify(proof, samples=20).report.get("s")
    assert step.status == "failed" and step.counterexample.certified


def test_prove_names_the_parameter_of_a_constant_term():
    import sympy

    from derive import api

    res = api.prove(sympy.Symbol("x") <= 1)
    assert res.status == "unsupported" and "parameter(s) x" in res.result.message
