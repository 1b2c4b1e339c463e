"""Every step about continuous variables the kernel proves holds on jointly Gaussian models (session 19).

The oracle (:mod:`derive.numeric.gaussian`: differential entropies from exact covariance determinants, violations
certified with arb) shares nothing with the kernel's reasoning, which never evaluates a distribution. For
continuous variables the kernel must not use ``H >= 0``: ``I(X; Y) <= H(X)`` and ``H(X, Y) >= H(Y)`` are Shannon
inequalities for discrete variables and false for continuous ones. Random linear claims over ``H`` and ``I`` of three
continuous variables, under a Markov chain, an independence or nothing, with rules ``shannon`` and ``linear``;
and accepted instances of ``dpi``, ``chain_rule`` and ``superadditivity`` over continuous variables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.checking import check_file
from derive.io import read_proof
from derive.numeric.verify import FAILED, TESTED, verify_proof

VARS = ("X", "Y", "Z")
HYPS = ('markov = "X -> Y -> Z"', 'independent = "X _|_ Z"', 'independent = "X _|_ Y | Z"', None)


@st.composite
def atoms(draw):
    if draw(st.booleans()):
        target = draw(st.lists(st.sampled_from(VARS), min_size=1, max_size=2, unique=True))
        rest = [v for v in VARS if v not in target]
        given_ = draw(st.sampled_from([None, *rest]))
        return f"H({', '.join(target)}{' | ' + given_ if given_ else ''})"
    a, b = draw(st.lists(st.sampled_from(VARS), min_size=2, max_size=2, unique=True))
    c = next(v for v in VARS if v not in (a, b))
    return f"I({a}; {b}{' | ' + c if draw(st.booleans()) else ''})"


@st.composite
def sides(draw):
    terms = draw(st.lists(st.tuples(st.sampled_from([1, 1, 2, 3]), atoms()), min_size=1, max_size=3))
    return " + ".join(f"{k}*{a}" for k, a in terms)


def _file(tmp, hyp, claim, rule):
    text = '[proof]\nname = "c"\n[variables]\nrandom = ["X", "Y", "Z"]\ncontinuous = ["X", "Y", "Z"]\n'
    if hyp:
        text += f'[[hypothesis]]\nid = "h"\n{hyp}\n'
    text += f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "{rule}"\n' + ('uses = ["h"]\n' if hyp else "")
    path = tmp / "c.toml"
    path.write_text(text)
    return path


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HYPS), sides(), st.sampled_from(["<=", ">="]), st.one_of(sides(), st.just("0")),
       st.sampled_from(["shannon", "linear"]))
def test_a_proved_claim_about_continuous_variables_holds_on_gaussian_models(tmp_path_factory, hyp, lhs, rel, rhs,
                                                                           rule):
    path = _file(tmp_path_factory.mktemp("c"), hyp, f"{lhs} {rel} {rhs}", rule)
    step = check_file(path).report.steps[0]
    if step.status != "proved":
        return
    r = verify_proof(read_proof(path), samples=60, seed=1).steps[0]
    assert r.status == TESTED, (f"{lhs} {rel} {rhs}", hyp, r.reason)


@pytest.mark.parametrize("hyp, claim, rule", [
    ('markov = "X -> Y -> Z"', "I(X; Z) <= I(X; Y)", "dpi"),
    ('markov = "X -> Y -> Z"', "I(X; Z) <= I(Y; Z)", "dpi"),
    (None, "H(X, Y, Z) == H(X) + H(Y | X) + H(Z | X, Y)", "chain_rule"),
    (None, "H(X | Y) <= H(X)", "shannon"),
    ('independent = "X _|_ Z"', "I(X; Y, Z) >= I(X; Y)", "shannon"),
    (None, "H(X | Y) <= H(X) + I(X; Y)", "linear"),
])
def test_accepted_instances_over_continuous_variables_hold_on_gaussian_models(tmp_path, hyp, claim, rule):
    path = _file(tmp_path, hyp, claim, rule)
    step = check_file(path).report.steps[0]
    assert step.status == "proved", step.message
    assert verify_proof(read_proof(path), samples=60, seed=2).steps[0].status == TESTED


@pytest.mark.parametrize("hyp, claim, rule", [
    (None, "I(X; Y) <= H(X)", "shannon"),
    (None, "H(X, Y) >= H(Y)", "shannon"),
    (None, "H(X) >= 0", "linear"),
    ('markov = "X -> Y -> Z"', "I(X; Y) <= H(Y)", "shannon"),
    ('markov = "X -> Y -> Z"', "I(X; Y) <= I(X; Z)", "dpi"),
])
def test_discrete_habits_are_refused_and_refuted_by_a_gaussian_model(tmp_path, hyp, claim, rule):
    path = _file(tmp_path, hyp, claim, rule)
    step = check_file(path).report.steps[0]
    assert step.status != "proved"
    assert verify_proof(read_proof(path), samples=100, seed=3).steps[0].status == FAILED
