"""The `sdpi_chain` rule (SDPI along a Markov chain of k channels, symbolic k), tested three ways:
accepted instances, rejected wrong instances, and a property test (premises true on random exact
distributions => the accepted conclusion holds, mpmath at 50 digits)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_helpers import HALF, channel, check_one, domain, markov, new_proof

import derive.numeric.strategies as ds
from derive.provers.certificate_search import search_oracle
from derive.core import I, RVSet, Statement, index_symbol
from derive.core.hypotheses import ChannelFamily, ChannelSpec, MarkovFamily
from derive.core.variables import FamilyMember
from derive.errors import InvalidArgument
from derive.io import read_proof
from derive.kernel import RULES, check_proof
from derive.numeric.distributions import JointPMF
from derive.numeric.evaluate import evaluate_statement

S = Statement
PARAMS = {"delta": domain(0, HALF), "k": domain(1, None, integer=True)}
TOL = mpmath.mpf("1e-30")
PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def X(i) -> FamilyMember:
    return FamilyMember("X", i)


def _setup(params=None, variables="U W", chain="default", links="default", lo=0):
    """A proof with U, W, a family X[lo..k], the chain U -> X[lo] -> ... -> X[k] and X[i] | X[i-1] ~ BSC(delta)."""
    p, e = new_proof(variables, params=params or PARAMS, families={"X": (lo, "k")})
    d, k = e["delta"], e["k"]
    uses = []
    if chain == "default":
        chain = MarkovFamily((RVSet(e["U"]),), "X", sympy.Integer(lo), k)
    if chain is not None:
        p.hypothesis("chain", chain)
        uses.append("chain")
    i = index_symbol("i")
    if links == "default":
        links = ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (d,)), i, sympy.Integer(lo + 1), k)
    elif callable(links):
        links = links(e, i)
    if links is not None:
        p.hypothesis("links", links)
        uses.append("links")
    return p, e, uses


def _check(claim, **kw):
    args = kw.pop("args", None)
    p, e, uses = _setup(**kw)
    return check_one(p, claim(e), "sdpi_chain", uses=uses, args=args)[0]


def _main(e, exponent=None, m=0, j=None):
    d, k = e["delta"], e["k"]
    j = k if j is None else j
    exponent = 2 * (j - m) if exponent is None else exponent
    return S(I(e["U"], X(j)), "<=", (1 - 2 * d) ** exponent * I(e["U"], X(m)))


# ---------------------------------------------------------------- registry and the bundled proof

def test_rule_is_registered_with_its_python_name():
    rule = RULES["sdpi_chain"]
    assert rule.python_name == "mutual_info_le_power_contraction_of_markov_chain"
    from derive.commands.rules import rule_documentation

    assert "eta^(j - m)" in rule_documentation(rule)["statement"]


def test_bundled_proof_is_proved_with_the_cited_bsc_coefficient():
    report = check_proof(read_proof("proofs/sdpi_chain_k.toml"), oracle=search_oracle)
    assert report.status == "proved"
    step = report.steps[0]
    assert (step.rule, step.status) == ("sdpi_chain", "assumed")
    assert any("eta_KL(BSC(p)) = (1 - 2p)^2" in t for t in map(str, step.trusted))


# ---------------------------------------------------------------- accepted

def test_accepts_k_links_cited_closed_form_is_assumed():
    r = _check(_main)
    assert r.status == "assumed", r.message
    assert any("Polyanskiy" in t for t in map(str, r.trusted))


def test_accepts_the_reversed_spelling():
    r = _check(lambda e: S((1 - 2 * e["delta"]) ** (2 * e["k"]) * I(e["U"], X(0)), ">=", I(e["U"], X(e["k"]))))
    assert r.status == "assumed", r.message


def test_accepts_any_sub_run_with_its_own_exponent():
    assert _check(lambda e: _main(e, j=e["k"] - 1)).status == "assumed"
    assert _check(lambda e: _main(e, m=1)).status == "assumed"
    assert _check(lambda e: _main(e, m=e["k"] - 1)).status == "assumed"     # one link: plain sdpi
    r = _check(lambda e: S(I(e["U"], X(0)), "<=", I(e["U"], X(0))))          # no link at all
    assert r.status == "proved", r.message


def test_dobrushin_coefficient_needs_no_citation():
    r = _check(lambda e: S(I(e["U"], X(e["k"])), "<=", (1 - 2 * e["delta"]) ** e["k"] * I(e["U"], X(0))))
    assert r.status == "proved", r.message
    assert r.trusted == ()


def test_numeric_bsc_is_proved_without_citing():
    links = lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (sympy.Rational(1, 10),)),
                                       i, sympy.Integer(1), e["k"])
    r = _check(lambda e: S(I(e["U"], X(e["k"])), "<=", sympy.Rational(16, 25) ** e["k"] * I(e["U"], X(0))),
               links=links)
    assert r.status == "proved", r.message


def test_explicit_eta_argument():
    p, e, uses = _setup()
    r = check_one(p, _main(e), "sdpi_chain", uses=uses, args={"eta": (1 - 2 * e["delta"]) ** 2})[0]
    assert r.status == "assumed", r.message
    p, e, uses = _setup()
    r = check_one(p, _main(e), "sdpi_chain", uses=uses, args={"eta": 1 - 2 * e["delta"]})[0]
    assert r.status == "failed" and "eta = 1 - 2*delta given" in r.message


def test_conditioning_variables_before_the_run():
    p, e, uses = _setup(chain=None)
    p.hypothesis("chain", MarkovFamily((RVSet(e["U"]), RVSet(e["W"])), "X", sympy.Integer(0), e["k"]))
    d, k = e["delta"], e["k"]
    claim = S(I(e["U"], X(k), given=e["W"]), "<=", (1 - 2 * d) ** (2 * k) * I(e["U"], X(0), given=e["W"]))
    r = check_one(p, claim, "sdpi_chain", uses=uses + ["chain"])[0]
    assert r.status == "assumed", r.message


def test_channel_family_written_with_a_shifted_index():
    links = lambda e, i: ChannelFamily(RVSet(X(i + 1)), RVSet(X(i)), ChannelSpec("BSC", (e["delta"],)),
                                       i, sympy.Integer(0), e["k"] - 1)
    assert _check(_main, links=links).status == "assumed"


def test_finite_chain_from_ordinary_markov_and_single_channels():
    p, e = new_proof("U", params={"delta": domain(0, HALF)}, families={"X": (0, 2)})
    d = e["delta"]
    p.hypothesis("chain", markov("U", X(0), X(1), X(2)))
    p.hypothesis("first", channel(X(1), X(0), "BSC", d))
    p.hypothesis("second", channel(X(2), X(1), "BSC", d))
    claim = S(I(e["U"], X(2)), "<=", (1 - 2 * d) ** 4 * I(e["U"], X(0)))
    r = check_one(p, claim, "sdpi_chain", uses=["chain", "first", "second"])[0]
    assert r.status == "assumed", r.message
    p.steps.clear()
    r = check_one(p, claim, "sdpi_chain", uses=["chain", "first"])[0]      # link X[2] | X[1] missing
    assert r.status == "failed" and r.error == "SideConditionFailed"


# ---------------------------------------------------------------- rejected

def _failed(r, error):
    assert r.status == "failed", r.message
    assert r.error == error, (r.error, r.message)
    return r


def test_rejects_flipped_inequality():
    _failed(_check(lambda e: S(I(e["U"], X(e["k"])), ">=", (1 - 2 * e["delta"]) ** (2 * e["k"]) * I(e["U"], X(0)))),
            "RuleMismatch")


@pytest.mark.parametrize("exponent", [lambda k: 2 * k + 2, lambda k: 3 * k, lambda k: 2 * k + 1])
def test_rejects_an_exponent_that_claims_more_than_the_chain_gives(exponent):
    """(1 - 2δ)^e with e > 2k is below (1 - 2δ)^(2k) for δ in (0, 1/2): a stronger claim, false on some chain."""
    r = _failed(_check(lambda e: _main(e, exponent=exponent(e["k"]))), "RuleMismatch")
    assert "(1 - 2*delta)^(2*k)" in str(r.expected)


@pytest.mark.parametrize("exponent", [lambda k: 2 * k - 2, lambda k: 2])
def test_accepts_a_weaker_exponent_through_a_larger_eta(exponent):
    """(1 - 2δ)^e with e <= 2k (k >= 1) is at least (1 - 2δ)^(2k): a weaker, true claim. The rule takes
    η = (1 - 2δ)^(e/k) >= (1 - 2δ)^2 = η_KL(BSC(δ)) (a power of a base in [0, 1] falls in its exponent) and applies
    the induction with it. (Until session 18 the sign engine could not compare the two powers, and this test asserted
    the true claim was refused.) The induction's conclusion is checked by mpmath on a BSC chain, k = 1..4."""
    r = _check(lambda e: _main(e, exponent=exponent(e["k"])))
    assert r.status == "assumed", r.message
    with mpmath.workdps(30):
        for k in range(1, 5):
            for delta in (mpmath.mpf("0.05"), mpmath.mpf("0.2"), mpmath.mpf("0.45")):
                e = exponent(sympy.Integer(k))
                assert (1 - 2 * delta) ** (2 * k) <= (1 - 2 * delta) ** int(e) + mpmath.mpf(10) ** -25


def test_rejects_constant_below_the_coefficient():
    _failed(_check(lambda e: S(I(e["U"], X(e["k"])), "<=", (1 - 2 * e["delta"]) ** (3 * e["k"]) * I(e["U"], X(0)))),
            "RuleMismatch")
    links = lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (sympy.Rational(1, 10),)),
                                       i, sympy.Integer(1), e["k"])
    # eta_KL(BSC(1/10)) = 16/25 exactly; a hair below is false
    _failed(_check(lambda e: S(I(e["U"], X(e["k"])), "<=", (sympy.Rational(16, 25) - sympy.Rational(1, 10 ** 9)) ** e["k"]
                               * I(e["U"], X(0))), links=links), "RuleMismatch")


def test_rejects_missing_hypotheses():
    _failed(_check(_main, chain=None), "SideConditionFailed")
    _failed(_check(_main, links=None), "SideConditionFailed")


def test_rejects_chain_out_of_order_or_with_u_after_the_run():
    p, e, uses = _setup(chain=None)
    p.hypothesis("chain", MarkovFamily((RVSet(e["U"]),), "X", e["k"], sympy.Integer(0)))    # X[k] -> ... -> X[0]
    _failed(check_one(p, _main(e), "sdpi_chain", uses=uses + ["chain"])[0], "SideConditionFailed")
    p, e, uses = _setup(chain=None)
    p.hypothesis("chain", MarkovFamily((), "X", sympy.Integer(0), e["k"], (RVSet(e["U"]),)))  # ... -> X[k] -> U
    _failed(check_one(p, _main(e), "sdpi_chain", uses=uses + ["chain"])[0], "SideConditionFailed")
    p, e, uses = _setup(chain=None)
    p.hypothesis("chain", MarkovFamily((RVSet(e["U"]),), "X", sympy.Integer(1), e["k"]))      # X[0] not in the run
    _failed(check_one(p, _main(e), "sdpi_chain", uses=uses + ["chain"])[0], "SideConditionFailed")


@pytest.mark.parametrize("links", [
    lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 2)), ChannelSpec("BSC", (e["delta"],)), i, sympy.Integer(2),
                               e["k"]),                                           # X[i] | X[i-2]
    lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (e["delta"],)), i, sympy.Integer(2),
                               e["k"]),                                           # link 1 missing
    lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (e["delta"],)), i, sympy.Integer(1),
                               e["k"] - 1),                                       # link k missing
    lambda e, i: ChannelFamily(RVSet(X(i)), RVSet(X(i - 1), e["W"]), ChannelSpec("BSC", (e["delta"],)), i,
                               sympy.Integer(1), e["k"]),                         # another input
    lambda e, i: ChannelFamily(RVSet(X(i - 1)), RVSet(X(i)), ChannelSpec("BSC", (e["delta"],)), i, sympy.Integer(1),
                               e["k"]),                                           # backwards
])
def test_rejects_channels_for_the_wrong_links(links):
    _failed(_check(_main, links=links), "SideConditionFailed")


def test_rejects_u_inside_the_family_or_differing_conditioning():
    _failed(_check(lambda e: S(I(X(0), X(e["k"])), "<=", I(X(0), X(0)))), "RuleMismatch")
    _failed(_check(lambda e: S(I(e["U"], X(e["k"]), given=e["W"]), "<=", I(e["U"], X(0)))), "RuleMismatch")


def test_rejects_eta_not_provably_nonnegative():
    p, e, uses = _setup()
    d, k = e["delta"], e["k"]
    eta = -(1 - 2 * d) ** 2
    claim = S(I(e["U"], X(k)), "<=", eta ** k * I(e["U"], X(0)))
    r = check_one(p, claim, "sdpi_chain", uses=uses, args={"eta": eta})[0]
    assert r.status == "failed" and "not provably >= 0" in r.message


def test_rejects_channel_parameter_outside_its_range():
    _failed(_check(_main, params={"delta": domain(0, 2), "k": domain(1, None, integer=True)}), "SideConditionFailed")


def test_index_of_a_real_parameter_is_refused():
    kr = sympy.Symbol("kr", real=True)
    with pytest.raises(InvalidArgument):
        MarkovFamily((RVSet("U"),), "X", sympy.Integer(0), kr)
    with pytest.raises(InvalidArgument):
        FamilyMember("X", kr)


def test_channel_family_refuses_ambiguous_shapes():
    i = index_symbol("i")
    k = sympy.Symbol("k", integer=True, positive=True)
    bsc = ChannelSpec("BSC", (sympy.Rational(1, 10),))
    for out, inp in ((RVSet(X(i)), RVSet(X(i))), (RVSet(X(2 * i)), RVSet(X(i - 1))), (RVSet("U"), RVSet(X(i))),
                     (RVSet(X(i), X(i + 1)), RVSet(X(i - 1)))):
        with pytest.raises(InvalidArgument):
            ChannelFamily(out, inp, bsc, i, sympy.Integer(1), k)
    with pytest.raises(InvalidArgument):
        ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (i / 10,)), i, sympy.Integer(1), k)


# ---------------------------------------------------------------- property: accepted => true

def _accepted_claims():
    p, e, uses = _setup(variables="U")
    d, k = e["delta"], e["k"]
    claims = [_main(e), _main(e, m=1), _main(e, j=k - 1),
              S(I(e["U"], X(k)), "<=", (1 - 2 * d) ** k * I(e["U"], X(0)))]
    for n, c in enumerate(claims):
        p.step(f"s{n}", c, "sdpi_chain", uses=uses)
    report = check_proof(p, oracle=search_oracle)
    for r in report.steps:
        assert r.status in ("proved", "assumed"), r.message
    return claims, d, k


CLAIMS, DELTA, K = _accepted_claims()


@st.composite
def bsc_chains(draw):
    """U (2-3 values) -> X[0] (binary, random channel) -> X[1] -> ... -> X[k] through BSC(delta), k in 1..4."""
    k = draw(st.integers(1, 4))
    delta = draw(ds.probabilities(0, Fraction(1, 2)))
    size = draw(ds.alphabet_sizes(3))
    model = JointPMF.exact(("U",), np.array(draw(ds.pmf_vectors(size)), dtype=object))
    model = model.apply_channel(("U",), draw(ds.channel_matrices(size, 2)), "X[0]")
    bsc = np.array([[1 - delta, delta], [delta, 1 - delta]], dtype=object)
    for i in range(1, k + 1):
        model = model.apply_channel((f"X[{i - 1}]",), bsc, f"X[{i}]")
    return model, k, delta


@PROPS
@given(bsc_chains())
def test_accepted_conclusions_hold_on_random_bsc_chains(chain):
    model, k, delta = chain
    for claim in CLAIMS:
        _, _, slack = evaluate_statement(claim, model, params={DELTA: delta, K: k}, precision="mp", dps=50)
        assert slack >= -TOL, (claim, k, delta, slack)


def test_the_false_exponent_fails_numerically():
    """The same models refute the claim with one link too many (so the property test has teeth)."""
    model = JointPMF.exact(("U",), np.array([Fraction(1, 2)] * 2, dtype=object))
    model = model.apply_channel(("U",), np.array([[1, 0], [0, 1]], dtype=object), "X[0]")
    delta = Fraction(1, 10)
    bsc = np.array([[1 - delta, delta], [delta, 1 - delta]], dtype=object)
    for i in range(1, 3):
        model = model.apply_channel((f"X[{i - 1}]",), bsc, f"X[{i}]")
    p, e, _ = _setup(variables="U")
    wrong = _main(e, exponent=2 * e["k"] + 2)
    _, _, slack = evaluate_statement(wrong, model, params={e["delta"]: delta, e["k"]: 2}, precision="mp", dps=50)
    assert slack < 0


# ---------------------------------------------------------------- numeric models (derive verify)

def test_models_realize_the_chain_with_bsc_links_at_small_k():
    import random

    from derive.numeric.models import ModelFactory, RandomChoices, _ci_holds, hypothesis_violations

    proof = read_proof("proofs/sdpi_chain_k.toml")
    factory = ModelFactory(proof)
    for kv in (1, 2, 3):
        plan = factory.plan({"k": kv})
        for i in range(1, kv + 1):
            node = plan.nodes[f"X[{i}]"]
            assert (node.kind, node.parents, node.spec.name) == ("channel", (f"X[{i - 1}]",), "BSC")
    rng = random.Random(0)
    seen = set()
    for _ in range(30):
        drawn = factory.draw(RandomChoices(rng))
        seen.add(drawn.int_values["k"])
        assert hypothesis_violations(drawn) == []
        chain = proof.hypotheses["chain"].instance({proof.parameters["k"].symbol: drawn.int_values["k"]})
        names = [str(link) for link in chain.chain]
        joint = drawn.exact_model().joint
        for j in range(1, len(names) - 1):
            assert _ci_holds(joint, names[:j], [names[j + 1]], [names[j]])
    assert {1, 2, 3} <= seen
