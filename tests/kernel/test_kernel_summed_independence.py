"""A sum over a bound index of mutual informations each zero by a family's mutual independence is zero.

``X[1..n]`` mutually independent given ``P`` gives ``I(X[1]; X[k] | P) = 0`` for each named ``k`` (session 25), but
``Σ_{i=2}^n I(X[1]; X[i] | P) = 0`` was refused: the kernel's implied zeros were single atoms, never a sum whose
summand is zero for every ``i`` in its range. Now ``implies_zero`` reads each member ``X[i + c]`` of the summand as
the block ``X[lo + c..hi + c]`` it runs through and asks the family's independence about the blocks (inside the
family's range and apart). The linear rule admits it for a sum the step names; an oracle may propose it.

Oracles: hand-made counterexamples for the near misses, numpy entropies of random models of the hypothesis at
n = 4, 5 for the property test (``tests/support/family_models.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core.hypotheses import Markov, MutuallyIndependent
from derive.core.parameters import Domain
from derive.core.quantities import I
from derive.core.variables import FamilyMember, FamilyRange, RV, RVSet, index_symbol
from derive.errors import DeriveError
from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.kernel.independence import implies_zero
from derive.provers.certificate_search import default_oracle
from tests.support.family_models import mutual_information_of, random_model


def _proof(claim: str, hypothesis: str = 'mutually_independent = "X[1..n] | P"', n: str = "integer >= 2",
           family: str = "1..n", rule: str = "linear", extra: str = "") -> str:
    return f'''[proof]
name = "summed"
[parameters]
n = "{n}"
[variables]
random = ["M", "P", "Z"]
families = {{ X = "{family}" }}
[[hypothesis]]
id = "h"
{hypothesis}
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
uses = ["h"]
{extra}
'''


def _status(text: str) -> str:
    return check_proof(read_proof_text(text), oracle=default_oracle()).steps[-1].status


@pytest.mark.slow
@pytest.mark.parametrize("claim", [
    "sum(I(X[1]; X[i] | P), i, 2, n) == 0",
    "sum(I(X[i]; X[1] | P), i, 2, n) == 0",
    "sum(I(X[1]; X[i] | P, X[2]), i, 3, n) == 0",
    "sum(I(X[i]; X[1], X[2] | P), i, 3, n) == 0",
    "sum(I(X[i + 1]; X[1] | P), i, 1, n - 1) == 0",
    "sum(I(X[i]; X[1..2] | P), i, 3, n) == 0",
    "sum(I(X[i]; X[1] | P, X[2]), i, 3, n) == 0",
    "sum(I(X[1]; X[i] | P), i, 2, n) <= 0",
    # a combination of such terms, its coefficients free of i
    "sum(2*I(X[1]; X[i] | P), i, 2, n) == 0",
    "sum(I(X[1]; X[i] | P) - I(X[2]; X[i] | P), i, 3, n) == 0",
])
def test_a_sum_of_implied_zeros_is_proved_zero(claim):
    assert _status(_proof(claim)) == "proved"


def test_the_empty_range_at_the_smallest_size_is_fine():
    """n >= 1: at n = 1 the range 2..1 is empty and the sum is 0."""
    assert _status(_proof("sum(I(X[1]; X[i] | P), i, 2, n) == 0", n="integer >= 1")) == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, n, why", [
    # the term i = 1 is I(X[1]; X[1] | P) = H(X[1] | P)
    ("sum(I(X[1]; X[i] | P), i, 1, n) == 0", "integer >= 2", "a term with i = 1"),
    # X[n+1] is outside the independent block X[1..n]
    ("sum(I(X[1]; X[i] | P), i, 2, n + 1) == 0", "integer >= 2", "past the block"),
    # the hypothesis's conditioning is missing: X[1], X[2] may both copy P
    ("sum(I(X[1]; X[i]), i, 2, n) == 0", "integer >= 2", "P missing"),
    # conditioning on a variable outside the family (M = X[1] xor X[2])
    ("sum(I(X[1]; X[i] | P, M), i, 2, n) == 0", "integer >= 2", "M outside the family"),
    # a range that may run backwards (n = 0: 2..0, which sympy reads as minus the term at 1)
    ("sum(I(X[1]; X[i] | P), i, 2, n) == 0", "integer >= 0", "reversed at n = 0"),
    # a summand with the same member on both sides is H(X[i] | P)
    ("sum(I(X[i]; X[i] | P), i, 1, n) == 0", "integer >= 2", "same member on both sides"),
    # one term of a combination fails: at i = 2, I(X[2]; X[2] | P) = H(X[2] | P)
    ("sum(I(X[1]; X[i] | P) + I(X[2]; X[i] | P), i, 2, n) == 0", "integer >= 2", "one term at i = 2"),
])
def test_a_near_miss_is_not_proved(claim, n, why):
    family = "1..n+1" if "n + 1" in claim else "1..n"
    try:
        status = _status(_proof(claim, n=n, family=family))
    except DeriveError:
        return  # refused at the door: also not proved
    assert status != "proved", why


@pytest.mark.slow
def test_a_coefficient_depending_on_the_index_is_not_read():
    """``Σ_i i·I_i`` is 0 too, but the kernel only takes coefficients free of the index (nothing else is needed)."""
    assert _status(_proof("sum(i*I(X[1]; X[i] | P), i, 2, n) == 0")) != "proved"


def test_only_a_family_mutual_independence_gives_it():
    """A Markov chain through the members is not read member by member over a range (X[1] -> X[2] -> X[3]: X[1],
    X[3] are dependent)."""
    n, i = index_symbol("n"), index_symbol("i")
    domains = {n: Domain(sympy.Integer(3), sympy.oo, False, True, True)}
    total = sympy.Sum(I(RVSet(FamilyMember("X", 1)), RVSet(FamilyMember("X", i)), RVSet(RV("P"))), (i, 2, n))
    chain = Markov((RVSet(FamilyMember("X", 1)), RVSet(FamilyMember("X", 2)), RVSet(FamilyMember("X", 3))))
    assert not implies_zero([chain], total, domains)
    mutual = MutuallyIndependent(members=(), given=RVSet(RV("P")), family_range=FamilyRange("X", 1, n))
    assert implies_zero([mutual], total, domains)
    assert not implies_zero([mutual], total, None)  # without the domains nothing about a symbolic range


@pytest.mark.slow
def test_a_step_using_the_zero_sum_is_proved():
    """``Σ_{i=2}^n I(M; X[i] | P, X[1]) >= Σ_{i=2}^n I(M; X[i] | P)``: each term is ``I(X[i]; X[1] | P, M) -
    I(X[i]; X[1] | P) >= 0``; from the zero sum (a step of its own) and the conditional sum ``>= 0`` named."""
    text = _proof("sum(I(X[i]; X[1] | P), i, 2, n) == 0") + \
        """[[step]]
id = "t"
claim = "sum(I(M; X[i] | P, X[1]), i, 2, n) >= sum(I(M; X[i] | P), i, 2, n)"
rule = "linear"
uses = ["s"]
nonneg = ["sum(I(X[i]; X[1] | P, M), i, 2, n)"]
"""
    assert _status(text) == "proved"
    # without the zero sum the step does not follow (its terms alone give nothing about I(X[i]; X[1] | P))
    assert _status(text.replace('uses = ["s"]', 'uses = []')) != "proved"


# ---------------------------------------------------------------------------- property test against numpy

ITEMS = ["X[i]", "X[i-1]", "X[i+1]", "X[1]", "X[2]", "X[n]", "X[1..2]", "X[1..i-1]", "Z"]


def _indices(item: str, n: int, i: int) -> list[str]:
    """The numpy model's names for an item at size n and index i: the family ``X[0..n+2]`` is the model's
    ``X1..X(n+3)`` (member ``X[k]`` is ``X(k+1)``; the door only warns about a member outside the declared range
    ``X[0..n+1]`` in a summand it reads as 0)."""
    if item == "Z":
        return ["Z"]
    body = item[2:-1].replace("i-1", str(i - 1)).replace("i+1", str(i + 1)).replace("i", str(i)).replace(
        "n", str(n))
    lo, _, hi = body.partition("..")
    return [f"X{k + 1}" for k in range(int(lo), int(hi or lo) + 1)]


GROUP = st.lists(st.sampled_from(ITEMS), min_size=1, max_size=2, unique=True)
TERM = st.tuples(GROUP, GROUP, st.lists(st.sampled_from(ITEMS), max_size=2, unique=True)).filter(
    lambda t: not set(t[0]) & set(t[1]))


@pytest.mark.slow  # about 5.5 minutes (120 proof files through the kernel's oracles); CI runs it
@settings(max_examples=120, deadline=None)
@given(terms=st.lists(TERM, min_size=1, max_size=2), lo=st.sampled_from([1, 2, 3]),
       hi=st.sampled_from(["n", "n-1", "n+1"]), block_lo=st.sampled_from([1, 2]), seed=st.integers(0, 2**16))
def test_a_proved_zero_sum_holds_on_models_of_the_hypothesis(terms, lo, hi, block_lo, seed):
    """Whatever zero sum (of one or two mutual informations, the second times 2) the kernel proves from
    ``X[block_lo..n]`` mutually independent given P holds at n = 4 and 5 on random models whose other variables
    (``X[0]``, ``X[n+1]``, ``Z``, ``M``) depend on everything (numpy entropies, each term at each index)."""
    written = [f"I({', '.join(a)}; {', '.join(b)} | {', '.join(['P'] + c)})" for a, b, c in terms]
    claim = f"sum({' + 2*'.join(written)}, i, {lo}, {hi}) == 0"
    hyp = f'mutually_independent = "X[{block_lo}..n] | P"'
    try:
        status = _status(_proof(claim, hyp, n="integer >= 3", family="0..n+1"))
    except DeriveError:
        return
    if status != "proved":
        return
    rng = np.random.default_rng(seed)
    for n in (4, 5):
        p, names = random_model(rng, n + 3, (block_lo + 1, n + 1), ["P"])  # X[0..n+2]: X[i+1] at i = n+1 too
        ix = {name: k for k, name in enumerate(names)}
        mi = mutual_information_of(p)
        top = {"n": n, "n-1": n - 1, "n+1": n + 1}[hi]
        for i in range(lo, top + 1):
            for a, b, c in terms:
                picked = [[_indices(x, n, i) for x in group] for group in (a, b, c)]
                ga, gb, gc = ({ix[v] for x in g for v in x} for g in picked)
                gc |= {ix["P"]}
                ga, gb = sorted(ga - gc), sorted(gb - gc)
                value = mi(ga, gb, sorted(gc)) if ga and gb else 0.0
                assert abs(value) < 1e-9, (claim, hyp, n, i, value)
