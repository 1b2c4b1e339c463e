"""Models drawn from hypotheses satisfy every hypothesis exactly; unrealizable hypotheses are refused by name."""

from __future__ import annotations

import random
from fractions import Fraction as F
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from derive.io import read_proof, read_proof_text
from derive.numeric.gaussian import draw_gaussian, is_awgn_channel
from derive.numeric.models import (
    InvalidDraw,
    ModelFactory,
    RandomChoices,
    ReplayChoices,
    UnrealizableHypotheses,
    hypothesis_violations,
    models_for,
)

ROOT = Path(__file__).resolve().parents[2]
PROOFS = sorted((ROOT / "proofs").glob("*.toml"))


def _draws(factory, n, seed=0):
    out = []
    k = 0
    while len(out) < n and k < 5 * n:
        try:
            out.append(factory.draw(RandomChoices(random.Random(seed * 7919 + k))))
        except InvalidDraw:
            pass
        k += 1
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", PROOFS, ids=[p.stem for p in PROOFS])
def test_models_of_bundled_proofs_satisfy_every_hypothesis_exactly(path):
    proof = read_proof(path)
    if any(is_awgn_channel(h) for h in proof.hypotheses.values()):  # no finite model: jointly Gaussian ones
        with pytest.raises(UnrealizableHypotheses, match="AWGN"):
            ModelFactory(proof)
        factory = ModelFactory(proof, gaussian=True)
        for k in range(12):
            g = draw_gaussian(factory, RandomChoices(random.Random(k)))
            assert g.violations(proof) == []
            assert all(g.det(g.names[:j]) > 0 for j in range(1, len(g.names) + 1))  # positive definite
        return
    factory = ModelFactory(proof)
    for drawn in _draws(factory, 12):
        assert hypothesis_violations(drawn) == []
        m = drawn.exact_model()
        if m.joint is not None:
            assert m.joint.is_exact and sum(m.joint.table.flat, F(0)) == 1
        for name, d in factory.domains.items():
            import sympy

            v = drawn.params[name]
            assert d.contains(sympy.Rational(v.numerator, v.denominator) if isinstance(v, F) else sympy.Integer(v))
        # the network implies every declared independence (networkx's d-separation)
        for ci in drawn.plan.cis:
            assert nx.is_d_separator(drawn.plan.dag, set(ci.left), set(ci.right), set(ci.given))


PROOF = """\
[proof]
name = "mixed"
[parameters]
n = "integer >= 2"
e = "0 <= e <= 1"
[variables]
random = ["theta", "A", "B", "C", "F"]
families = {{ X = "1..n" }}
{hyps}
[[step]]
id = "s"
claim = "I(A; B) >= 0"
rule = "shannon"
"""


def _proof(hyps: str):
    return read_proof_text(PROOF.format(hyps=hyps), "mixed.toml")


HYPS = """
[[hypothesis]]
id = "samples"
iid = "X[1..n] | theta"
[[hypothesis]]
id = "erasure"
channel = "B | A ~ BEC(e)"
[[hypothesis]]
id = "indep"
independent = "A _|_ theta | C"
[[hypothesis]]
id = "func"
function_of = "F = f(A, B)"
[[hypothesis]]
id = "chain"
markov = "theta -> X[1..n] -> C"
"""


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_iid_channels_functions_independence_together():
    proof = _proof(HYPS)
    factory = ModelFactory(proof)
    draws = _draws(factory, 25, seed=3)
    assert {d.int_values["n"] for d in draws} >= {2, 3}
    for drawn in draws:
        assert hypothesis_violations(drawn) == []
        nodes = drawn.plan.nodes
        assert nodes["B"].parents == ("A",) and nodes["B"].kind == "channel"
        assert drawn.sizes["A"] == 2 and drawn.sizes["B"] == 3
        assert set(nodes["F"].parents) == {"A", "B"} and nodes["F"].kind == "function"
        n = drawn.int_values["n"]
        members = [f"X[{i}]" for i in range(1, n + 1)]
        assert {drawn.sizes[m] for m in members} == {drawn.sizes[members[0]]}
        assert all(drawn.kernels[m] == drawn.kernels[members[0]] for m in members)


def test_markov_chain_may_be_rooted_in_the_middle_to_keep_dependence():
    """U -> X[1..2] -> Y[1..2] with independent inputs: U becomes a child of the inputs (same independences)."""
    proof = read_proof(ROOT / "proofs" / "tensorization_bsc.toml")
    plan = ModelFactory(proof).plan({"n": 2})
    assert set(plan.nodes["U"].parents) == {"X[1]", "X[2]"}
    assert plan.nodes["X[1]"].parents == () and plan.nodes["X[2]"].parents == ()


def test_memoryless_channel_acts_letter_by_letter():
    proof = read_proof(ROOT / "tests" / "bad_proofs" / "tensorization_correlated_inputs.toml")
    for drawn in _draws(ModelFactory(proof), 10):
        assert hypothesis_violations(drawn) == []
        n = drawn.int_values["n"]
        for i in range(1, n + 1):
            assert drawn.plan.nodes[f"Y[{i}]"].parents == (f"X[{i}]",)
        # P(y^n | x^n) is the product of the letters: Y[i] independent of the rest given X[i]
        other = [f"X[{j}]" for j in range(1, n + 1) if j != 1] + [f"Y[{j}]" for j in range(2, n + 1)]
        assert nx.is_d_separator(drawn.plan.dag, {"Y[1]"}, set(other), {"X[1]"})


def test_contradictory_channel_and_chain_are_refused_by_name():
    proof = read_proof(ROOT / "tests" / "bad_proofs" / "markov_chain_misread.toml")
    with pytest.raises(UnrealizableHypotheses) as info:
        ModelFactory(proof).plan({})
    assert set(info.value.hypotheses) == {"chain", "bsc"}
    assert "chain" in str(info.value) and "bsc" in str(info.value)
    assert info.value.file and "markov_chain_misread" in info.value.file


def test_awgn_and_conflicting_alphabets_are_refused():
    awgn = _proof('[[hypothesis]]\nid = "g"\nchannel = "B | A ~ AWGN(3)"\n')
    with pytest.raises(UnrealizableHypotheses, match="AWGN"):
        ModelFactory(awgn)
    clash = _proof('[[hypothesis]]\nid = "one"\nchannel = "B | A ~ BEC(e)"\n'
                   '[[hypothesis]]\nid = "two"\nchannel = "C | B ~ BSC(e)"\n')
    with pytest.raises(UnrealizableHypotheses) as info:
        ModelFactory(clash).plan({"n": 2})
    assert set(info.value.hypotheses) == {"one", "two"}
    twice = _proof('[[hypothesis]]\nid = "one"\nchannel = "B | A ~ BSC(e)"\n'
                   '[[hypothesis]]\nid = "two"\nchannel = "B | C ~ BSC(e)"\n')
    with pytest.raises(UnrealizableHypotheses, match="two hypotheses"):
        ModelFactory(twice).plan({"n": 2})


def test_invalid_parameter_values_are_redrawn_not_used():
    proof = _proof('[[hypothesis]]\nid = "c"\nchannel = "B | A ~ BSC(2*e)"\n')
    factory = ModelFactory(proof)
    bad = ok = 0
    for k in range(60):
        try:
            drawn = factory.draw(RandomChoices(k))
        except InvalidDraw:
            bad += 1
            continue
        ok += 1
        assert drawn.params["e"] <= F(1, 2)
        assert hypothesis_violations(drawn) == []
    assert bad and ok


def test_replaying_choices_rebuilds_the_same_model_and_zero_choices_are_simplest():
    proof = read_proof(ROOT / "proofs" / "dpi_markov_chain.toml")
    factory = ModelFactory(proof)
    src = RandomChoices(11)
    drawn = factory.draw(src)
    again = factory.draw(ReplayChoices(src.record))
    assert again.exact_model().joint == drawn.exact_model().joint
    simplest = factory.draw(ReplayChoices([]))
    assert set(simplest.sizes.values()) == {2}
    assert all(x == F(1, 2) for row in simplest.kernels["X"] for x in row)


PROOF_FOR_STRATEGY = read_proof(ROOT / "proofs" / "sdpi_two_channels.toml")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_for(PROOF_FOR_STRATEGY))
def test_models_for_strategy_satisfies_the_hypotheses(drawn):
    assert hypothesis_violations(drawn) == []
    assert drawn.plan.nodes["Z"].spec.name == "Z"
    assert 0 <= drawn.params["p"] <= 1 and 0 <= drawn.params["delta"] <= F(1, 2)


def test_a_function_that_a_triple_conditions_on_reads_a_subset_of_its_inputs():
    # X[1] _|_ X[2] | F with F = f(X[1], X[2]) and X[1], X[2] dependent on nothing else: no network with both
    # edges X[i] -> F makes the triple a d-separation, so F reads fewer inputs (still a function of them all)
    proof = _proof("""
[[hypothesis]]
id = "func"
function_of = "F = f(X[1..n])"
[[hypothesis]]
id = "given_f"
mutually_independent = "X[1..n] | theta, F"
""")
    for drawn in _draws(ModelFactory(proof), 12, seed=5):
        assert hypothesis_violations(drawn) == []
        node = drawn.plan.nodes["F"]
        inputs = {f"X[{i}]" for i in range(1, drawn.int_values["n"] + 1)}
        assert node.kind == "function" and set(node.parents) < inputs
