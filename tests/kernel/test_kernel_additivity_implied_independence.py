"""Super- and subadditivity with the mutual independence a hypothesis *implies*, not only the one it states.

``X[1..n]`` mutually independent given ``P`` makes ``X[2..n]`` mutually independent given ``(P, X[1])``: so
``I(M; X[2..n] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 2, n)`` is superadditivity, and the kernel refused it
(``failed``: "needs X[2..n] mutually independent given X[1], P"). Now a symbolic block is covered by a family's
mutual independence given part of the conditioning, the rest of it other members of that family; a finite block
member by member, each independent of the ones before it by one hypothesis.

Oracles: numpy entropies of random joint pmfs built to satisfy the hypotheses (never derive's numerics), evaluated
at concrete ``n`` for symbolic claims; and hand-made counterexamples to the near misses the kernel must refuse.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.io import read_proof_text
from derive.kernel import check_proof
from tests.support.family_models import mutual_information_of, random_model


def _proof(claim: str, hypotheses: list[str], rule: str = "superadditivity", family: str = "1..n",
           random: str = '"M", "P", "Q", "Z", "W"') -> str:
    hyps = "".join(f'[[hypothesis]]\nid = "h{k}"\n{h}\n' for k, h in enumerate(hypotheses))
    uses = ", ".join(f'"h{k}"' for k in range(len(hypotheses)))
    return f'''[proof]
name = "additivity"
[parameters]
n = "integer >= 3"
[variables]
random = [{random}]
families = {{ X = "{family}" }}
{hyps}
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
uses = [{uses}]
'''


def _status(text: str) -> str:
    return check_proof(read_proof_text(text)).steps[-1].status


MUTUAL = 'mutually_independent = "X[1..n] | P"'


@pytest.mark.parametrize("claim, hyps, rule, family", [
    ("I(M; X[2..n] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 2, n)", [MUTUAL], "superadditivity", "1..n"),
    ("I(M; X[1..n-1] | P, X[n]) >= sum(I(M; X[i] | P, X[n]), i, 1, n - 1)", [MUTUAL], "superadditivity", "1..n"),
    ("I(M; X[3..n] | P, X[1], X[2]) >= sum(I(M; X[i] | P, X[1], X[2]), i, 3, n)", [MUTUAL], "superadditivity",
     "1..n"),
    ("I(M; X[2..n] | P, Q, X[1]) >= sum(I(M; X[i] | P, Q, X[1]), i, 2, n)",
     ['mutually_independent = "X[1..n] | P, Q"'], "superadditivity", "1..n"),
    ("I(M; X[2..n] | W, X[1]) <= sum(I(M; X[i] | W, X[1]), i, 2, n)",
     ['mutually_independent = "X[1..n] | M, W"'], "subadditivity", "1..n"),
    ("I(M; X[2..n] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 2, n)", ['iid = "X[1..n] | P"'], "superadditivity",
     "1..n"),
    # a finite block of a symbolic family's independence, given P and another member
    ("I(M; X[1..2] | P) >= sum(I(M; X[i] | P), i, 1, 2)", [MUTUAL], "superadditivity", "1..n"),
    ("I(M; X[2..3] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 2, 3)", [MUTUAL], "superadditivity", "1..n"),
    # finite blocks, member by member
    ("I(M; X[2..3] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 2, 3)", ['mutually_independent = "X[1..3] | P"'],
     "superadditivity", "1..3"),
    ("I(M; X[1..2] | P) >= sum(I(M; X[i] | P), i, 1, 2)", ['markov = "X[1] -> P -> X[2]"'], "superadditivity",
     "1..3"),
])
def test_an_implied_mutual_independence_is_accepted(claim, hyps, rule, family):
    assert _status(_proof(claim, hyps, rule, family)) == "proved"


@pytest.mark.parametrize("claim, hyps, family, why", [
    # X[1] is outside the independent block X[2..n]: X[1] = X[3] xor X[4] couples X[3], X[4] (false at n = 4)
    ("I(M; X[3..n] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 3, n)", ['mutually_independent = "X[2..n] | P"'],
     "1..n", "outside the hypothesis's block"),
    # Z is not a member: Z = X[1] xor X[2]
    ("I(M; X[1..n] | P, Z) >= sum(I(M; X[i] | P, Z), i, 1, n)", [MUTUAL], "1..n", "not a member"),
    # the hypothesis's conditioning Q is not in the claim's
    ("I(M; X[1..n] | P) >= sum(I(M; X[i] | P), i, 1, n)", ['mutually_independent = "X[1..n] | P, Q"'], "1..n",
     "conditioning not covered"),
    # conditioning on a member of the block itself is not the shape the rule licenses here
    ("I(M; X[1..n] | P, X[1]) >= sum(I(M; X[i] | P, X[1]), i, 1, n)", [MUTUAL], "1..n", "inside the block"),
    # pairwise independence of three members is not mutual independence (X[3] = X[1] xor X[2])
    ("I(M; X[1..3] | P) >= sum(I(M; X[i] | P), i, 1, 3)",
     ['independent = "X[1] _|_ X[2] | P"', 'independent = "X[1] _|_ X[3] | P"', 'independent = "X[2] _|_ X[3] | P"'],
     "1..3", "pairwise only"),
    # a Markov chain through a member: X[1] -> X[2] -> X[3] makes X[1], X[3] independent given X[2], not given P
    ("I(M; X[1..3] | P) >= sum(I(M; X[i] | P), i, 1, 3)", ['markov = "X[1] -> X[2] -> X[3]"'], "1..3", "markov"),
])
def test_a_near_miss_is_refused(claim, hyps, family, why):
    r = check_proof(read_proof_text(_proof(claim, hyps, family=family))).steps[-1]
    assert r.status == "failed" and r.error == "SideConditionFailed" and "mutually independent" in r.message, why


def test_the_refused_outside_member_case_is_really_false():
    """X[2], X[3], X[4] independent fair bits, X[1] = X[3] xor X[4], M = X[3]: given X[1], I(M; X[3], X[4]) = 1 but
    I(M; X[3]) + I(M; X[4]) = 2 — the claim refused above fails at n = 4."""
    joint = {}
    for x2, x3, x4 in itertools.product((0, 1), repeat=3):
        joint[(x3 ^ x4, x2, x3, x4, x3)] = 1 / 8  # (X1, X2, X3, X4, M)
    mi = mutual_information_of(joint)
    lhs = mi([4], [2, 3], [0])
    rhs = mi([4], [2], [0]) + mi([4], [3], [0])
    assert lhs == pytest.approx(1) and rhs == pytest.approx(2)


# ---------------------------------------------------------------------------- property test against numpy


BLOCKS = {"X[1..n]": (1, "n"), "X[2..n]": (2, "n")}


@settings(max_examples=60, deadline=None)
@given(hyp_block=st.sampled_from(sorted(BLOCKS)), with_q=st.booleans(), lo=st.sampled_from(["1", "2", "3"]),
       hi=st.sampled_from(["n", "n - 1"]), extra=st.lists(st.sampled_from(["X[1]", "X[2]", "X[n]", "Z"]), max_size=2,
                                                          unique=True),
       sub=st.booleans(), seed=st.integers(0, 2**16))
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_an_accepted_additivity_step_holds_on_models_of_its_hypothesis(hyp_block, with_q, lo, hi, extra, sub, seed):
    """Whatever the kernel accepts holds, at n = 4 and 5, on random models of the hypothesis (numpy entropies);
    the draws aim at the rule's edges: members inside and outside the block, a non-member, the hypothesis's
    conditioning wholly, partly or not in the claim's."""
    base = ["W"] if sub else ["P"]
    hyp_cond = "M, W" if sub else ("P, Q" if with_q else "P")
    extra = extra + (["Q"] if with_q and seed % 3 else [])
    cond = ", ".join(base + extra)
    claim = (f"I(M; X[{lo}..{hi}] | {cond}) <= sum(I(M; X[i] | {cond}), i, {lo}, {hi})" if sub else
             f"I(M; X[{lo}..{hi}] | {cond}) >= sum(I(M; X[i] | {cond}), i, {lo}, {hi})")
    hyp = f'mutually_independent = "{hyp_block} | {hyp_cond}"'
    status = _status(_proof(claim, [hyp], "subadditivity" if sub else "superadditivity"))
    if status != "proved":
        return
    rng = np.random.default_rng(seed)
    for n in (4, 5):
        at = {"n": n, "n - 1": n - 1}
        a, b = int(lo), at[hi]
        block = (BLOCKS[hyp_block][0], n)
        p, names = random_model(rng, n, block, [v.strip() for v in hyp_cond.split(",")])
        ix = {name: k for k, name in enumerate(names)}
        given_ = [ix[{"X[n]": f"X{n}"}.get(v, v.replace("[", "").replace("]", ""))] for v in base + extra]
        members = [ix[f"X{k}"] for k in range(a, b + 1)]
        mi = mutual_information_of(p)
        whole = mi([ix["M"]], members, given_)
        parts = sum(mi([ix["M"]], [m], given_) for m in members)
        assert (whole <= parts + 1e-9) if sub else (whole >= parts - 1e-9), (claim, hyp, n)
