"""``derive verify`` never calls a claim about a continuous variable ``tested`` on its discrete models as they are
(red team, session 19: ``H(X) >= 0`` and ``H(X) >= I(X; Z)`` for a declared continuous ``X`` were ``tested`` on 200
models, though both are false: ``X ~ N(0, s^2)`` with ``s`` small has ``H(X) < 0``, and ``I(X; Z) >= 0``). Since
session 24 such claims are tested on *noisy* models (each continuous variable its discrete value plus uniform noise
of width ``w``); the oracle here recomputes every counterexample from its printed table and widths by the definition
of differential entropy (the density is constant on each cell ``{d} x [d, d + w)``)."""

from __future__ import annotations

import math

import pytest

from derive.io import read_proof
from support.noisy import entropy_bits
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


FALSE_CLAIMS = ["H(X) >= 0", "H(X) >= I(X; Z)", "I(X; Y) <= H(X)", "H(X, Z) >= H(Z)"]
TRUE_CLAIMS = ["H(X | Y) <= H(X)", "H(Z | X) <= H(Z)", "I(X; Z) <= H(Z)", "H(X, Z) >= H(X)"]


def _side_bits(text: str, ce: dict) -> float:
    """``H(A)``, ``H(A | B)``, ``I(A; B)`` on the counterexample's noisy model, from the definition: the density of
    a cell is ``p / prod w`` over the continuous variables of the cell, so ``h(S) = -sum p log2(p / prod w)``."""
    import re

    def h(group: list[str]) -> float:
        return entropy_bits(ce, group)

    kind, args = re.fullmatch(r"([HI])\((.*)\)", text.strip()).groups()
    groups = [[v.strip() for v in g.split(",") if v.strip()] for g in re.split(r"[;|]", args)]
    if kind == "H":
        a, c = groups[0], groups[1] if len(groups) > 1 else []
        return h(a + c) - h(c)
    a, b = groups[0], groups[1]
    return h(a) + h(b) - h(a + b)


@pytest.mark.parametrize("claim", FALSE_CLAIMS)
def test_a_false_claim_naming_a_continuous_variable_fails_on_a_noisy_model_the_oracle_confirms(tmp_path, claim):
    r = _verify(tmp_path, _step("s", claim))["s"]
    assert r.status == "failed" and r.counterexample.certified, r.reason
    ce = r.counterexample.to_json()
    assert ce["noise_widths"] and set(ce["noise_widths"]) <= {"X", "Y"}
    lhs_text, rel, rhs_text = (claim.partition(" >= ") if " >= " in claim else claim.partition(" <= "))
    lhs = _side_bits(lhs_text, ce) if lhs_text.strip() != "0" else 0.0
    rhs = _side_bits(rhs_text, ce) if rhs_text.strip() != "0" else 0.0
    assert (lhs < rhs - 1e-9) if rel.strip() == ">=" else (lhs > rhs + 1e-9)
    assert float(ce["lhs"]) == pytest.approx(lhs, abs=1e-9) and float(ce["rhs"]) == pytest.approx(rhs, abs=1e-9)


@pytest.mark.parametrize("claim", TRUE_CLAIMS)
def test_a_true_claim_naming_a_continuous_variable_is_tested_on_noisy_models(tmp_path, claim):
    r = _verify(tmp_path, _step("s", claim))["s"]
    assert r.status == TESTED and r.samples == 30 and "(D_V + U_V)" in r.reason


def test_the_theorem_naming_a_continuous_variable_is_tested_too(tmp_path):
    body = _step("s", "H(Z | U) <= H(Z)") + '[theorem]\nclaim = "H(X) >= 0"\nfrom = ["s"]\n'
    rs = _verify(tmp_path, body)
    assert rs["s"].status == TESTED and "noise" not in (rs["s"].reason or "")   # discrete: the models as they are
    assert rs["theorem"].status == "failed" and rs["theorem"].counterexample.to_json()["noise_widths"]["X"]


def test_a_step_about_discrete_variables_is_tested_under_a_markov_chain_through_a_continuous_one(tmp_path):
    """U -> X -> Z with X continuous: adding independent noise to a discrete X keeps the chain and the law of
    (U, Z), so the discrete models are models of the step, and a false step is still refuted."""
    body = '[[hypothesis]]\nid = "m"\nmarkov = "U -> X -> Z"\n'
    body += _step("true", "H(Z | U) <= H(Z)") + _step("false", "H(Z | U) >= H(Z)")
    rs = _verify(tmp_path, body, samples=60)
    assert rs["true"].status == TESTED and rs["true"].samples > 0
    assert rs["false"].status == "failed"


def test_an_assumed_premise_naming_a_continuous_variable_is_read_on_the_noisy_models(tmp_path):
    """The premise H(X) <= H(Z) holds on some noisy models and not on others (X's noise width): the step is
    tested where it holds, and a step false exactly where the premise holds is refuted there."""
    body = '[[hypothesis]]\nid = "a"\nassume = "H(X) <= H(Z)"\n' + _step("s", "H(Z) >= 0", "linear", '"a"')
    body += _step("f", "H(X) >= 0", "linear", '"a"')
    rs = _verify(tmp_path, body, samples=60)
    assert rs["s"].status == TESTED and rs["s"].samples > 0 and rs["s"].skipped_premises > 0
    assert rs["f"].status == "failed" and rs["f"].counterexample.premises == ["a"]


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
