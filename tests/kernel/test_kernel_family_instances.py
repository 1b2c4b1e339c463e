"""What a family hypothesis says about the members a step names, not only about its whole range.

Before, ``X[1..n]`` mutually independent (or i.i.d.) given ``P`` reached a linear step only as a sum over the range,
and ``assume = "S(i) for i in 1..n"`` only as ``Σ_i S(i)``, so ``I(X[2]; X[1] | P) == 0``, ``H(X[n] | P) ==
H(X[1] | P)`` under i.i.d. and ``I(M; X[1] | P) >= b`` from ``I(M; X[i] | P) >= b for i in 1..n`` were all
unchecked. Now:

* ``I(A; B | C) = 0`` when ``A``, ``B`` and the rest of ``C`` are members or blocks of the independent family, their
  index ranges apart (the sign engine proves it for every admissible value);
* ``S(k)`` of a hypothesis that holds for each ``i`` in ``lo..hi`` (an i.i.d. family's ``H(X[i] | G) ==
  H(X[lo] | G)``; a family of assumptions' body) at each member ``X[k]`` the step names, ``lo <= k <= hi`` proved.

Oracles: numpy entropies of random models of the hypothesis at concrete n (``tests/support/family_models.py``), and
the instances' own arithmetic for the assumption family.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.provers.certificate_search import default_oracle
from tests.support.family_models import entropy_of, mutual_information_of, random_model


def _proof(claim: str, hypothesis: str, family: str = "1..n", rule: str = "shannon", n: str = "integer >= 3") -> str:
    return f'''[proof]
name = "instances"
[parameters]
n = "{n}"
b = "b >= 0"
[variables]
random = ["M", "P", "Q", "Z"]
families = {{ X = "{family}" }}
[[hypothesis]]
id = "h"
{hypothesis}
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
uses = ["h"]
'''


def _status(text: str) -> str:
    return check_proof(read_proof_text(text), oracle=default_oracle()).steps[-1].status


MUTUAL = 'mutually_independent = "X[1..n] | P"'
IID = 'iid = "X[1..n] | P"'


@pytest.mark.slow
@pytest.mark.parametrize("claim, hypothesis", [
    ("I(X[2]; X[1] | P) == 0", MUTUAL),
    ("I(X[n]; X[1] | P) == 0", MUTUAL),
    ("I(X[n]; X[1..n-1] | P) == 0", MUTUAL),
    ("I(X[1]; X[3..n] | P, X[2]) == 0", MUTUAL),
    ("I(X[1], X[2]; X[n] | P) == 0", MUTUAL),
    ("I(X[2]; X[1] | P) == 0", IID),
    ("H(X[n] | P) == H(X[1] | P)", IID),
    ("H(X[2]) == H(X[1])", IID),
    ("I(X[2]; P) == I(X[1]; P)", IID),
    ("H(X[1], X[2] | P) == 2 * H(X[1] | P)", IID),
    ("I(M; X[1] | P) >= b", 'assume = "I(M; X[i] | P) >= b * i for i in 1..n"'),
    ("I(M; X[n] | P) >= n * b", 'assume = "I(M; X[i] | P) >= b * i for i in 1..n"'),
    ("I(M; X[1] | P) + I(M; X[2] | P) >= 3 * b", 'assume = "I(M; X[i] | P) >= b * i for i in 1..n"'),
    ("I(M; X[n-1] | P) == I(M; X[n] | P)", 'assume = "I(M; X[i] | P) == I(M; X[i + 1] | P) for i in 1..n-1"'),
])
def test_an_instance_the_step_names_is_proved(claim, hypothesis):
    assert _status(_proof(claim, hypothesis)) == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, hypothesis, family", [
    # X[0] is outside the independent block: X[0] = X[1] xor X[2] is allowed
    ("I(X[0]; X[1] | P) == 0", MUTUAL, "0..n"),
    ("I(X[0]; X[1], X[2] | P) == 0", MUTUAL, "0..n"),
    # overlapping blocks: X[1..2] and X[2..n] share X[2]
    ("I(X[1..2]; X[2..n] | P) == 0", MUTUAL, "1..n"),
    # a conditioning outside the family (Z = X[1] xor X[2])
    ("I(X[1]; X[2] | P, Z) == 0", MUTUAL, "1..n"),
    # the hypothesis's conditioning missing (X[1], X[2] may both copy P)
    ("I(X[1]; X[2]) == 0", MUTUAL, "1..n"),
    # identically distributed is not equal as variables, nor the same law jointly with M
    ("I(M; X[2] | P) == I(M; X[1] | P)", IID, "1..n"),
    ("H(X[0] | P) == H(X[1] | P)", IID, "0..n"),
    # an index outside the assumed range, or past its end
    ("I(M; X[0] | P) >= 1", 'assume = "I(M; X[i] | P) >= 1 for i in 1..n"', "0..n"),
    ("I(M; X[n] | P) >= 1", 'assume = "I(M; X[i] | P) >= 1 for i in 1..n-1"', "0..n"),
    # the instance gives b * 1, not 2 * b
    ("I(M; X[1] | P) >= 2 * b", 'assume = "I(M; X[i] | P) >= b * i for i in 1..n"', "1..n"),
])
def test_a_near_miss_is_not_proved(claim, hypothesis, family):
    assert _status(_proof(claim, hypothesis, family, rule="linear").replace('rule = "linear"', 'rule = "shannon"')) \
        != "proved"


def test_an_assumption_about_an_index_outside_the_range_is_not_used_when_the_range_may_be_empty():
    """``for i in 1..m`` with ``m >= 0``: at m = 0 nothing is assumed, so I(M; X[1] | P) >= 1 does not follow."""
    text = _proof("I(M; X[1] | P) >= 1", 'assume = "I(M; X[i] | P) >= 1 for i in 1..n"', n="integer >= 0",
                  family="1..n+1")
    assert _status(text) != "proved"


# ---------------------------------------------------------------------------- property test against numpy

ITEMS = ["X[1]", "X[2]", "X[n]", "X[n-1]", "X[1..2]", "X[3..n]", "X[2..n]", "X[1..n-1]", "Z", "Q"]


def _indices(item: str, n: int) -> list[str]:
    """The numpy model's names for an item at size n."""
    if item in ("Z", "Q"):
        return [item]
    body = item[2:-1].replace("n-1", str(n - 1)).replace("n", str(n))
    lo, _, hi = body.partition("..")
    return [f"X{k}" for k in range(int(lo), int(hi or lo) + 1)]


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(a=st.lists(st.sampled_from(ITEMS), min_size=1, max_size=2, unique=True),
       b=st.lists(st.sampled_from(ITEMS), min_size=1, max_size=2, unique=True),
       c=st.lists(st.sampled_from(ITEMS), max_size=2, unique=True), with_q=st.booleans(), lo=st.sampled_from([1, 2]),
       seed=st.integers(0, 2**16))
def test_a_proved_independence_holds_on_models_of_the_hypothesis(a, b, c, with_q, lo, seed):
    """Whatever zero the kernel proves from ``X[lo..n]`` mutually independent given P (and Q) holds at n = 4 and 5 on
    random models whose other variables depend on everything (numpy entropies)."""
    if set(a) & set(b):
        return
    cond = ["P"] + (["Q"] if with_q else [])
    claim = f"I({', '.join(a)}; {', '.join(b)} | {', '.join(cond + [x for x in c if x not in cond])}) == 0"
    hyp = f'mutually_independent = "X[{lo}..n] | {", ".join(cond)}"'
    try:
        status = _status(_proof(claim, hyp, family="1..n", rule="linear").replace('rule = "linear"',
                                                                                  'rule = "shannon"'))
    except Exception as err:  # noqa: BLE001 - a claim the reader refuses (e.g. a variable on both sides)
        assert type(err).__name__ in ("ParseError", "InvalidArgument", "ProofError") or "Error" in type(err).__name__
        return
    if status != "proved":
        return
    rng = np.random.default_rng(seed)
    for n in (4, 5):
        p, names = random_model(rng, n, (lo, n), cond)
        ix = {name: k for k, name in enumerate(names)}
        pick = lambda items: sorted({ix[v] for item in items for v in _indices(item, n)})  # noqa: E731
        gc = sorted(set(pick(c) + [ix[v] for v in cond]))  # I(A; B | C) = I(A - C; B - C | C)
        ga, gb = sorted(set(pick(a)) - set(gc)), sorted(set(pick(b)) - set(gc))
        value = mutual_information_of(p)(ga, gb, gc) if ga and gb else 0.0
        assert abs(value) < 1e-9, (claim, hyp, n, value)


MEMBERS = ["X[1]", "X[2]", "X[n]", "X[n-1]"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(a=st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=2, unique=True),
       b=st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=2, unique=True), given_p=st.booleans(),
       quantity=st.sampled_from(["H", "I"]), scale=st.sampled_from([1, 2]), seed=st.integers(0, 2**16))
def test_a_proved_iid_equality_holds_on_iid_models(a, b, given_p, quantity, scale, seed):
    """Whatever equality of entropies the kernel proves from ``X[1..n]`` i.i.d. given P holds at n = 4 and 5 on
    random i.i.d. models whose other variables depend on everything (numpy entropies)."""
    def text(items):
        return f"H({', '.join(items)}{' | P' if given_p else ''})" if quantity == "H" else f"I({', '.join(items)}; P)"
    claim = f"{text(a)} == {scale} * {text(b)}"
    status = _status(_proof(claim, IID))
    if status != "proved":
        return
    rng = np.random.default_rng(seed)
    for n in (4, 5):
        p, names = random_model(rng, n, (1, n), ["P"], identical=True)
        ix = {name: k for k, name in enumerate(names)}
        pick = lambda items: sorted({ix[v] for item in items for v in _indices(item, n)})  # noqa: E731
        mi = mutual_information_of(p)

        def value(items):
            if quantity == "I":
                return mi(pick(items), [ix["P"]], [])
            return entropy_of(p, pick(items) + [ix["P"]] * given_p) - (entropy_of(p, [ix["P"]]) if given_p else 0)
        assert abs(value(a) - scale * value(b)) < 1e-9, (claim, n)
