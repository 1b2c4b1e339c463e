"""``derive verify`` never calls a claim about a continuous variable ``tested`` on its discrete models (red team,
session 19: ``H(X) >= 0`` and ``H(X) >= I(X; Z)`` for a declared continuous ``X`` were ``tested`` on 200 models,
though both are false: ``X ~ N(0, s^2)`` with ``s`` small has ``H(X) < 0``, and ``I(X; Z) >= 0``)."""

from __future__ import annotations

import math

import pytest

from derive.io import read_proof
from derive.numeric.verify import SKIPPED, TESTED, verify_proof

HEAD = """
[proof]
name = "continuous"
[variables]
random = ["X", "Y", "Z", "U"]
continuous = ["X", "Y"]
"""


def _verify(tmp_path, body: str, samples: int = 30):
    path = tmp_path / "c.toml"
    path.write_text(HEAD + body)
    return {r.id: r for r in verify_proof(read_proof(path), samples=samples, seed=1).steps}


def _step(sid: str, claim: str, rule: str = "shannon", uses: str = "") -> str:
    return f'[[step]]\nid = "{sid}"\nclaim = "{claim}"\nrule = "{rule}"\n' + (f"uses = [{uses}]\n" if uses else "")


def test_the_gaussian_oracle_shows_the_false_claims_are_false():
    """The oracle the skip rests on, computed here independently of derive: X ~ N(0, s^2) has differential entropy
    (1/2) log2(2 pi e s^2) bits, negative for s = 1/10; with Z a constant, I(X; Z) = 0 > H(X)."""
    s = 0.1
    h = 0.5 * math.log2(2 * math.pi * math.e * s * s)
    assert h < 0


@pytest.mark.parametrize("claim", ["H(X) >= 0", "H(X) >= I(X; Z)", "I(X; Y) <= H(X)", "H(X | Y) <= H(X)",
                                   "H(Z | X) <= H(Z)", "H(X, Z) >= H(Z)"])
def test_a_claim_naming_a_continuous_variable_is_not_tested(tmp_path, claim):
    r = _verify(tmp_path, _step("s", claim))["s"]
    assert r.status == SKIPPED and r.samples == 0
    assert "continuous variable(s) X" in r.reason and "discrete" in r.reason


def test_the_theorem_naming_a_continuous_variable_is_not_tested(tmp_path):
    body = _step("s", "H(Z | U) <= H(Z)") + '[theorem]\nclaim = "H(X) >= 0"\nfrom = ["s"]\n'
    rs = _verify(tmp_path, body)
    assert rs["s"].status == TESTED
    assert rs["theorem"].status == SKIPPED and "X" in rs["theorem"].reason


def test_a_step_about_discrete_variables_is_tested_under_a_markov_chain_through_a_continuous_one(tmp_path):
    """U -> X -> Z with X continuous: adding independent noise to a discrete X keeps the chain and the law of
    (U, Z), so the discrete models are models of the step, and a false step is still refuted."""
    body = '[[hypothesis]]\nid = "m"\nmarkov = "U -> X -> Z"\n'
    body += _step("true", "H(Z | U) <= H(Z)") + _step("false", "H(Z | U) >= H(Z)")
    rs = _verify(tmp_path, body, samples=60)
    assert rs["true"].status == TESTED and rs["true"].samples > 0
    assert rs["false"].status == "failed"


def test_an_assumed_premise_naming_a_continuous_variable_makes_the_step_untested(tmp_path):
    body = '[[hypothesis]]\nid = "a"\nassume = "H(X) <= H(Z)"\n' + _step("s", "H(Z) >= 0", "linear", '"a"')
    rs = _verify(tmp_path, body)
    assert rs["s"].status == SKIPPED and "X" in rs["s"].reason


def test_a_continuous_function_value_leaves_every_target_untested(tmp_path):
    """X = f(Z): a discrete X plus noise is no longer a function of Z."""
    body = '[[hypothesis]]\nid = "f"\nfunction_of = "X = f(Z)"\n' + _step("s", "H(Z | U) <= H(Z)")
    rs = _verify(tmp_path, body)
    assert rs["s"].status == SKIPPED and "the hypothesis f" in rs["s"].reason


def test_a_discrete_function_of_a_continuous_variable_is_kept(tmp_path):
    """Z = f(X): f of the rounded value of X plus noise is still a function of it."""
    body = '[[hypothesis]]\nid = "f"\nfunction_of = "Z = f(X, U)"\n' + _step("s", "H(Z | U) <= H(Z)")
    rs = _verify(tmp_path, body)
    assert rs["s"].status == TESTED
