"""The linear rule's sum splits: a sum over a provably non-empty range is its last (or first) term plus the sum over
the rest, ``Σ_lo^hi f = f(hi) + Σ_lo^(hi-1) f = f(lo) + Σ_lo^(hi-1) f(i+1)``, for written sums and for the canonical
sums of the step's linear forms (so chain-rule identities telescope), with the shorter sums ``>= 0`` where they are;
and at a term ``f(k)`` the step names with ``lo <= k <= hi`` provable, ``Σ_lo^hi f = f(k) + Σ_lo^(k-1) f +
Σ_(k+1)^hi f``.

Oracle for the property test: the same claims at n = 2, 3, 4, every sum written out over concrete members, decided by
``derive prove``'s exact search over concrete variables (no symbolic sums on that path).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.api import prove
from derive.checking import check
from derive.io import read_proof_text


def _status(claim: str, n_domain: str = "integer >= 1", extra: str = "") -> tuple[str, str]:
    text = (f'[proof]\nname = "t"\n[parameters]\nn = "{n_domain}"\n[variables]\nrandom = ["M", "P"]\n'
            f'families = {{ X = "1..n", Y = "1..n" }}\n{extra}[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "linear"\n')
    step = check(read_proof_text(text, "t.toml"), vacuity=False).report.steps[0]
    return step.status, step.message


@pytest.mark.slow
@pytest.mark.parametrize("claim", [
    "sum(H(X[i]), i, 1, n) == H(X[n]) + sum(H(X[i]), i, 1, n - 1)",
    "sum(H(X[i]), i, 1, n) == H(X[1]) + sum(H(X[i]), i, 2, n)",
    "sum(I(M; X[i] | P), i, 1, n) >= I(M; X[1] | P)",
    "sum(I(M; X[i] | P), i, 1, n) >= I(M; X[n] | P)",
    "H(X[1..n]) == sum(H(X[i] | X[1..i-1]), i, 1, n)",
    "I(M; X[1..n] | P) == sum(I(M; X[i] | X[1..i-1], P), i, 1, n)",
])
def test_splits_prove_peeling_and_telescoping(claim):
    assert _status(claim)[0] == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim", [
    "sum(I(M; X[i] | P), i, 1, n) >= I(M; X[2] | P)",
    "sum(H(X[i]), i, 1, n) == H(X[2]) + sum(H(X[i]), i, 1, 1) + sum(H(X[i]), i, 3, n)",
    "sum(I(M; X[i] | X[1..i-1]), i, 1, n) >= I(M; X[2] | X[1])",
    "sum(H(X[i]), i, 1, n) >= H(X[n - 1])",
])
def test_a_sum_splits_at_a_term_the_step_names(claim):
    assert _status(claim, "integer >= 2")[0] == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, n_domain", [
    ("sum(I(M; X[i] | P), i, 1, n) >= I(M; X[2] | P)", "integer >= 1"),  # n = 1: X[2] is not a term of the sum
    ("sum(H(X[i]), i, 1, n - 1) >= H(X[n])", "integer >= 2"),  # past the range's end
    ("sum(H(X[i]), i, 2, n) >= H(X[1])", "integer >= 2"),  # before its start
    ("sum(H(X[i]), i, 1, n) == H(X[2]) + sum(H(X[i]), i, 3, n)", "integer >= 2"),  # drops X[1]
    ("sum(H(X[i] | X[1..i-1]), i, 1, n) >= H(X[2])", "integer >= 2"),  # H(X[2]) is not the term H(X[2] | X[1])
])
def test_wrong_interior_splits_are_refused(claim, n_domain):
    assert _status(claim, n_domain)[0] != "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, n_domain", [
    ("sum(H(X[i]), i, 1, n) <= sum(H(X[i]), i, 1, n - 1)", "integer >= 1"),  # false at every n (X[n] a bit)
    ("H(X[1..n]) == sum(H(X[i] | X[1..i]), i, 1, n)", "integer >= 1"),  # each term is 0
    ("sum(H(X[i]), i, 1, n) >= H(X[1])", "integer >= 0"),  # n = 0: the range is empty, no split is offered
    ("sum(H(X[i]), i, 1, n) == H(X[1]) + H(X[n])", "integer >= 1"),  # n = 1 counts X[1] twice
])
def test_wrong_splits_are_refused(claim, n_domain):
    assert _status(claim, n_domain)[0] != "proved"


def test_differential_entropies_split_but_are_not_called_nonnegative():
    extra = 'continuous = ["Y"]\n'  # the family Y holds real-valued variables: H(Y[i]) is a differential entropy
    text = ('[proof]\nname = "t"\n[parameters]\nn = "integer >= 1"\n[variables]\nrandom = ["M"]\n'
            f'families = {{ Y = "1..n" }}\n{extra}')
    steps = ('[[step]]\nid = "peel"\nclaim = "sum(H(Y[i]), i, 1, n) == H(Y[1]) + sum(H(Y[i]), i, 2, n)"\n'
             'rule = "linear"\n[[step]]\nid = "ge"\nclaim = "sum(H(Y[i]), i, 1, n) >= H(Y[1])"\nrule = "linear"\n')
    report = check(read_proof_text(text + steps, "t.toml"), vacuity=False).report
    got = {s.id: s.status for s in report.steps}
    assert got["peel"] == "proved" and got["ge"] != "proved", got


#: summand templates f(i): text with {i}, and the block X[1..i-1] written out by _block
_F = ["H(X[{i}])", "I(M; X[{i}] | P)", "H(X[{i}] | X[1..{i}-1])", "I(M; X[{i}] | X[1..{i}-1])"]
#: the pieces a side may hold: (symbolic text, function n -> concrete text)
_PIECES = [("sum({f}, i, 1, n)", lambda f, n: [f.format(i=k) for k in range(1, n + 1)]),
           ("sum({f}, i, 2, n)", lambda f, n: [f.format(i=k) for k in range(2, n + 1)]),
           ("sum({f}, i, 1, n - 1)", lambda f, n: [f.format(i=k) for k in range(1, n)]),
           ("{f1}", lambda f, n: [f.format(i=1)]), ("{fn}", lambda f, n: [f.format(i=n)]),
           ("{f2}", lambda f, n: [f.format(i=2)])]


def _concrete(text: str) -> str:
    out = text
    for k in range(0, 6):
        out = out.replace(f"X[1..{k}-1]", ", ".join(f"X{m}" for m in range(1, k)) if k > 1 else "")
    out = out.replace(" | )", ")").replace(" | , ", " | ").replace("| P)", "| P)")
    for k in range(1, 6):
        out = out.replace(f"X[{k}]", f"X{k}")
    return out.replace("H(X1 | )", "H(X1)").replace("; X1 | )", "; X1)")


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(f=st.sampled_from(_F), left=st.lists(st.tuples(st.sampled_from(range(6)), st.sampled_from([1, 2])),
                                             min_size=1, max_size=2),
       right=st.lists(st.tuples(st.sampled_from(range(6)), st.sampled_from([1, 2])), min_size=1, max_size=2),
       rel=st.sampled_from(["<=", "=="]))
def test_property_proved_split_claims_hold_at_small_n(f, left, right, rel):
    def side(parts, n=None):
        if n is None:
            first = f.format(i=1).replace(" | X[1..1-1])", ")")  # X[1..0] is empty: written without it
            return " + ".join(f"{c}*" + _PIECES[p][0].format(f=f.format(i="i"), f1=first, fn=f.format(i="n"),
                                                               f2=f.format(i=2))
                              for p, c in parts)
        return " + ".join(f"{c}*(" + (" + ".join(_PIECES[p][1](f, n)) or "0") + ")" for p, c in parts)

    claim = f"{side(left)} {rel} {side(right)}"
    if _status(claim, "integer >= 2")[0] != "proved":
        return
    for n in (2, 3, 4):
        concrete = _concrete(f"{side(left, n)} {rel} {side(right, n)}")
        assert prove(concrete).status == "proved", (claim, n, concrete)
