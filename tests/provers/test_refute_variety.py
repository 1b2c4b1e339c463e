"""The refuter stage that builds exact laws on the variety of the hypotheses' conditional independences.

Claims that hold on every Bayesian network and every GF(2)-linear model of their hypotheses, yet are false, were
``not_shannon`` (undecided); :mod:`derive.provers.refute_variety` finds fine-tuned laws for them. Every law it
returns is judged here by oracles that share nothing with it: the hypotheses' independences checked exactly on the
exported joint table (``p(abc) p(c) = p(ac) p(bc)`` in Fractions, written from the hypotheses by hand, not from
derive's equalities), the claim's slack at 60 digits (mpmath) from the test's own list of terms, and
``derive eval --model-file``'s certified verdict.
"""

from __future__ import annotations

import json
import random

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive import api
from derive.provers.refute import joint_of_counterexample
from derive.provers.refute_variety import (independences_of, law_satisfies, readable_orders, snap_law,
                                           variety_counterexample)
from support import joint as oracle
from support import terms as claim_terms
from support.cli import run

NAMES = "A B C D".split()


def _hypothesis(spec):
    """``("indep", A, B, C)`` or ``("markov", X1, ..., Xk)`` as a derive hypothesis."""
    rv = {n: api.variables(n) for n in "A B C D E F W X Y Z".split()}
    if spec[0] == "indep":
        _, a, b, c = spec
        return api.Independent([rv[v] for v in a], [rv[v] for v in b], [rv[v] for v in c] or None)
    return api.Markov(*(rv[v] for v in spec[1:]))


def _independences(spec):
    """The independences a hypothesis means, written from its definition: ``A _|_ B | C`` itself; for a chain
    ``X1 -> ... -> Xk`` each ``I(X1..X_{j-1}; X_{j+1} | X_j) = 0``."""
    if spec[0] == "indep":
        return [tuple(spec[1:])]
    chain = spec[1:]
    return [(chain[:j], (chain[j + 1],), (chain[j],)) for j in range(1, len(chain) - 1)]


def _judge(cex, specs, terms, const=0):
    """Every check of a returned law, by the test's oracles: exact independences, slack < 0 at 60 digits."""
    assert cex["certified"] is True and cex["method"] in ("exact", "interval")
    joint = joint_of_counterexample(cex)
    assert joint is not None
    for spec in specs:
        for a, b, c in _independences(spec):
            assert oracle.conditionally_independent(joint, a, b, c), (spec, cex)
    with mpmath.workdps(60):
        slack = const + claim_terms.value(terms, lambda names: oracle.entropy(joint, names))
        assert slack < -mpmath.mpf(10) ** -30, (slack, cex)
    return joint


# I(Z; X) <= I(Z; Y | W) + I(W; X): true on every chain X -> Y -> Z -> W, false on the variety of the two chains
FINE_TUNED = ([("markov", "X", "Y", "Z"), ("markov", "Y", "Z", "W")],
              [(1, "I", ["Z"], ["Y"], ["W"]), (1, "I", ["W"], ["X"], []), (-1, "I", ["Z"], ["X"], [])])
# Ingleton's inequality under one independence: linear ranks satisfy it, so the GF(2) models never refute it
INGLETON = [(-1, "I", ["A"], ["B"], []), (1, "I", ["A"], ["B"], ["C"]), (1, "I", ["A"], ["B"], ["D"]),
            (1, "I", ["C"], ["D"], [])]


def _claim(terms, rel=">="):
    return api.as_statement(f"{claim_terms.text(terms)} {rel} 0")


@pytest.mark.slow
def test_prove_calls_the_fine_tuned_claim_false_and_the_law_passes_every_oracle(tmp_path, capsys):
    specs, terms = FINE_TUNED
    result = api.prove("I(Z; X) <= I(Z; Y | W) + I(W; X)", "X -> Y -> Z", "Y -> Z -> W")
    assert result.status == "false"
    cex = variety_counterexample(_claim(terms), {f"h{k}": _hypothesis(s) for k, s in enumerate(specs)})
    joint = _judge(cex, specs, terms)
    path = tmp_path / "law.json"
    path.write_text(json.dumps(joint))
    for quantity in ("I(X; Z | Y)", "I(Y; W | Z)", "I(X; W | Y, Z)"):
        code, out, _ = run(["eval", quantity, "--model-file", str(path)], capsys)
        assert code == 0
        if quantity != "I(X; W | Y, Z)":
            assert "exactly 0" in out, out
        else:  # fine-tuned: W depends on X given (Y, Z), which no chain X -> Y -> Z -> W allows
            assert "exactly 0" not in out, out
    code, out, _ = run(["eval", "I(Z; X) <= I(Z; Y | W) + I(W; X)", "--model-file", str(path)], capsys)
    assert out.startswith("FALSE (certified"), out


def test_cli_prints_the_law_and_exits_1(capsys):
    code, out, _ = run(["prove", "I(Z; X) <= I(Z; Y | W) + I(W; X)", "--given", "X -> Y -> Z",
                        "--given", "Y -> Z -> W"], capsys)
    assert code == 1 and out.startswith("false:"), out
    assert "certified violation" in out and "probability" in out


@pytest.mark.slow
@pytest.mark.parametrize("spec", [("indep", ("A",), ("B",), ("C",)), ("markov", "E", "A", "F")])
def test_ingleton_under_an_independence_is_refuted(spec):
    cex = variety_counterexample(_claim(INGLETON), {"h": _hypothesis(spec)})
    _judge(cex, [spec], INGLETON)


def test_a_claim_with_a_constant_and_an_equality_are_refuted():
    specs = [("indep", ("A",), ("B",), ("C",))]
    hyps = {"h": _hypothesis(specs[0])}
    terms = [(1, "I", ["A"], ["B"], [])]  # I(A; B) <= 1/10 under A _|_ B | C: false (A = B = C a fair bit: 1)
    cex = variety_counterexample(api.as_statement("I(A; B) <= 1/10"), hyps)
    _judge(cex, specs, [(-t[0], *t[1:]) for t in terms], const=0.1)
    # I(A; B) == I(A; B | C) is false under it too (I(A; B) > 0 = I(A; B | C) on a law)
    cex = variety_counterexample(api.as_statement("I(A; B) == I(A; B | C)"), hyps)
    assert cex is not None and cex["certified"] is True
    joint = joint_of_counterexample(cex)
    assert oracle.conditionally_independent(joint, ["A"], ["B"], ["C"])
    assert abs(oracle.mutual_information(joint, ["A"], ["B"])) > 1e-30


TRUE_CLAIMS = [  # each true: the stage must find nothing (a returned law would fail the oracles anyway)
    ("I(X; Z) <= I(X; Y)", [("markov", "X", "Y", "Z")]),
    ("I(X; W) <= I(Y; Z)", [("markov", "X", "Y", "Z", "W")]),
    ("2*I(C; D) <= I(A; B) + I(A; C, D) + 3*I(C; D | A) + I(C; D | B)", [("indep", ("E",), ("F",), ())]),
    ("I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D)", [("indep", ("A",), ("B",), ())]),  # Ingleton, I(A;B) = 0
]


@pytest.mark.slow
@pytest.mark.parametrize("claim, specs", TRUE_CLAIMS)
def test_true_claims_find_nothing(claim, specs):
    assert variety_counterexample(api.as_statement(claim), {f"h{k}": _hypothesis(s)
                                                           for k, s in enumerate(specs)}) is None


@pytest.mark.parametrize("claim, given", [
    ("I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D)", ()),  # no hypotheses: the random pmfs' case
    ("I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D)", ("function_of",)),
    ("I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D) + I(W; E, F)", ("indep", ("E",), ("F",), ())),  # 7 variables
    ("I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D)", ("no order",)),
])
def test_out_of_scope_returns_none(claim, given):
    a, b, c, d = api.variables("A B C D")
    if given == ("function_of",):
        hyps = {"f": api.FunctionOf(c, [a]), "g": api.Independent(a, b)}
    elif given == ("no order",):  # I(A; B | C), I(A; C | B), I(B; C | A): no order reads all three
        hyps = {f"h{k}": api.Independent(x, y, z) for k, (x, y, z) in enumerate([(a, b, c), (a, c, b), (b, c, a)])}
    elif given:
        hyps = {"h": _hypothesis(given)}
    else:
        hyps = {}
    st_ = api.as_statement(claim)
    assert variety_counterexample(st_, hyps) is None


def test_no_readable_order_for_the_three_pairwise_conditional_independences():
    cis = [(frozenset(x), frozenset(y), frozenset(z)) for x, y, z in (("A", "B", "C"), ("A", "C", "B"),
                                                                       ("B", "C", "A"))]
    assert readable_orders(list("ABC"), cis, random.Random(0)) == []
    assert readable_orders(list("ABC"), cis[:2], random.Random(0)) != []


def test_overlapping_sides_and_blocks_are_not_read():
    x, y, z = api.variables("X Y Z")
    assert independences_of({"f": api.FunctionOf(y, [x])}) is None
    assert independences_of({"h": api.Markov(x, y, z)}) is not None


def _random_specs(rng: random.Random, names: list[str]) -> list:
    specs = []
    for _ in range(rng.randint(1, 2)):
        if rng.random() < 0.4:
            specs.append(("markov", *rng.sample(names, rng.randint(3, len(names)))))
            continue
        shuffled = rng.sample(names, len(names))
        na, nb = rng.randint(1, 2), rng.randint(1, 2)
        nc = rng.randint(0, len(names) - na - nb)
        a, b, c = shuffled[:na], shuffled[na:na + nb], shuffled[na + nb:na + nb + nc]
        specs.append(("indep", tuple(a), tuple(b), tuple(c)))
    return specs


def _random_terms(rng: random.Random, names: list[str]) -> list:
    out = []
    for _ in range(rng.randint(2, 4)):
        shuffled = rng.sample(names, len(names))
        na, nb = rng.randint(1, 2), rng.randint(1, 2)
        nc = rng.randint(0, len(names) - na - nb)
        out.append((rng.choice([-2, -1, -1, 1, 1, 2]), "I", shuffled[:na], shuffled[na:na + nb],
                    shuffled[na + nb:na + nb + nc]))
    return out


@pytest.mark.slow
def test_random_claims_under_random_independences_every_law_passes_the_oracles():
    """Random claims Σ c_k I(A_k; B_k | C_k) >= 0 under one or two random independences or chains on 4 variables:
    every law the stage returns satisfies the hypotheses exactly and violates the claim (oracles above); some are
    found (the test is not vacuous)."""
    rng = random.Random(2026)
    found = 0
    for _ in range(30):
        specs, terms = _random_specs(rng, NAMES), _random_terms(rng, NAMES)
        hyps = {f"h{k}": _hypothesis(s) for k, s in enumerate(specs)}
        cex = variety_counterexample(_claim(terms), hyps, seed=rng.randrange(100), restarts=4)
        if cex is not None:
            _judge(cex, specs, terms)
            found += 1
    assert found >= 5


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10 ** 6))
def test_property_snapped_laws_satisfy_every_readable_independence_exactly(seed):
    """Any float joint (here random, far from the variety) snapped in a readable order gives an exact law on which
    every independence holds (the construction's theorem; oracle: exact Fractions on the joint table)."""
    rng = random.Random(seed)
    specs = _random_specs(rng, NAMES)
    hyps = {f"h{k}": _hypothesis(s) for k, s in enumerate(specs)}
    cis = independences_of(hyps)
    items = sorted({v for ci in cis for s in ci for v in s}, key=str)
    orders = readable_orders(items, cis, rng, limit=1)
    if not orders:
        return
    p = np.random.default_rng(seed).dirichlet(np.full(1 << len(items), 0.3))
    law = snap_law(p, items, orders[0], cis, denominator=rng.choice([4, 60, 10 ** 6]))
    assert sum(law.values()) == 1 and all(q >= 0 for q in law.values())
    assert all(law_satisfies(law, orders[0], ci) for ci in cis)
    names = [str(v) for v in orders[0]]
    table = {"names": names, "alphabet_sizes": [2] * len(names), "table": np.empty((2,) * len(names), object)}
    for cell, q in law.items():
        table["table"][cell] = str(q)
    table["table"] = table["table"].tolist()
    for spec in specs:
        for a, b, c in _independences(spec):
            assert oracle.conditionally_independent(table, a, b, c), (spec, law)


@pytest.mark.slow
def test_the_search_is_deterministic_for_a_seed():
    specs, terms = FINE_TUNED
    hyps = {f"h{k}": _hypothesis(s) for k, s in enumerate(specs)}
    first = variety_counterexample(_claim(terms), hyps, seed=3)
    assert first is not None and first == variety_counterexample(_claim(terms), hyps, seed=3)


# Conditional information inequalities that hold for every distribution (Kaced & Romashchenko, "Conditional and
# unconditional information inequalities: an algebraic example", arXiv:1201.6398, inequalities (1) and (2); (1) is
# Zhang & Yeung 1997, (2) Matúš 1999). Both are *essentially conditional*: laws near the variety violate them, so a
# refuter that rounded its way onto the variety inexactly could call them false.
CONDITIONAL = [
    ([(1, "I", ["C"], ["D"], ["A"]), (1, "I", ["C"], ["D"], ["B"]), (-1, "I", ["C"], ["D"], [])],
     [("indep", ("A",), ("B",), ("C",)), ("indep", ("A",), ("B",), ())]),
    ([(1, "I", ["C"], ["D"], ["A"]), (1, "I", ["C"], ["D"], ["B"]), (1, "I", ["A"], ["B"], []),
      (-1, "I", ["C"], ["D"], [])],
     [("indep", ("A",), ("B",), ("C",)), ("indep", ("B",), ("D",), ("C",))]),
]


@pytest.mark.slow
@pytest.mark.parametrize("terms, specs", CONDITIONAL)
def test_true_conditional_inequalities_from_the_literature_are_never_refuted(terms, specs):
    from derive.core.linear import linear_form
    from derive.provers.refute import pmf_counterexample
    from derive.provers.refute_variety import _ci_terms, _optimized_laws, law_weights

    hyps = {f"h{k}": _hypothesis(s) for k, s in enumerate(specs)}
    claim = _claim(terms)
    assert variety_counterexample(claim, hyps) is None
    assert api.prove(claim, *hyps.values()).status != "false"
    # adversarial: candidates found with a weak penalty (off the variety, violating the claim), each made exact
    cis = independences_of(hyps)
    items = list(api.variables("A B C D"))
    index = {v: i for i, v in enumerate(items)}
    slack = linear_form(claim.slack())
    position_terms = [(float(c), tuple(sorted(index[m] for m in atom.target.args))) for atom, c in slack.terms.items()]
    penalty = [t for ci in cis for t in _ci_terms(ci, index)]
    candidates = _optimized_laws(4, position_terms, 0.0, 1.0, penalty, np.random.default_rng(0), 8, mus=(1.0,),
                                 tolerance=10.0)
    assert candidates  # the float search does find violating laws near (not on) the variety
    for p in candidates:
        for order in readable_orders(items, cis, random.Random(0)):
            law = snap_law(p, items, order, cis)
            weights = law_weights(law, order, items)
            assert pmf_counterexample(claim, slack, items, weights) is None
            total = sum(weights)
            table = np.empty((2,) * 4, object)
            for o, w in enumerate(weights):
                table[tuple(o >> i & 1 for i in range(4))] = f"{w}/{total}"
            joint = {"names": NAMES, "alphabet_sizes": [2] * 4, "table": table.tolist()}
            for spec in specs:
                for a, b, c in _independences(spec):
                    assert oracle.conditionally_independent(joint, a, b, c)
            with mpmath.workdps(60):  # the sum too, not only each entropy, at 60 digits
                assert claim_terms.value(terms, lambda names: oracle.entropy(joint, names)) > -mpmath.mpf(10) ** -45


@pytest.mark.parametrize("claim", [
    "I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D) + 10^400",
    "I(A; B) <= I(A; B | C) + I(A; B | D) + I(C; D) - 10^400",
    "10^400*I(A; B) <= 10^400*I(A; B | C) + I(A; B | D) + I(C; D)",
    "10^(-400)*I(A; B) <= I(A; B | C)",
])
def test_sizes_past_floats_are_out_of_scope_not_an_error(claim):
    """Coefficients or constants a float cannot hold (the float search would overflow): no search, no exception
    (the GF(2) models decide such claims exactly before this stage)."""
    a, b, c = api.variables("A B C")
    assert variety_counterexample(api.as_statement(claim), {"h": api.Independent(a, b, c)}) is None


def test_scaled_ingleton_is_refuted():
    claim = "1000*I(A; B) <= 1000*I(A; B | C) + 1000*I(A; B | D) + 1000*I(C; D) + 1/10"
    terms = [(1000 * t[0], *t[1:]) for t in INGLETON]
    specs = [("indep", ("A",), ("B",), ("C",))]
    cex = variety_counterexample(api.as_statement(claim), {"h": _hypothesis(specs[0])})
    _judge(cex, specs, terms, const=mpmath.mpf(1) / 10)
