"""Steps over symbolic sums proved termwise: the oracle offers ``Σ_i e(i) >= 0`` for the elemental inequalities ``e``
over the variables of each range's summands; the kernel vets each term and re-checks the identity.

Oracle for the property test: the same claim at n = 1, 2, 3 (sums written out over concrete members) decided by
``derive prove``'s exact search on concrete variables — a path that shares no code with the symbolic sums.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.api import prove
from derive.checking import check
from derive.io import read_proof_text

HEAD = ('[proof]\nname = "t"\n[parameters]\nn = "integer >= 1"\n[variables]\nrandom = ["M", "P"]\n'
        'families = { X = "1..n" }\n')


def _status(claim: str, rule: str = "shannon", extra: str = "") -> str:
    text = HEAD + extra + f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "{rule}"\n' + (
        'uses = ["chain"]\n' if extra else "")
    report = check(read_proof_text(text, "t.toml"), vacuity=False).report
    return next(s for s in report.steps if s.id == "s").status


CHAIN = ('[[step]]\nid = "chain"\nclaim = "H(X[1..n]) == sum(H(X[i] | X[1..i-1]), i, 1, n)"\n'
         'rule = "chain_rule"\n')


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_subadditivity_over_a_symbolic_family_from_the_chain_rule_needs_no_hint():
    assert _status("H(X[1..n]) <= sum(H(X[i]), i, 1, n)", extra=CHAIN) == "proved"
    assert _status("H(X[1..n]) >= sum(H(X[i]), i, 1, n)", extra=CHAIN) != "proved"
    # `linear` combines what the step writes: the summed I(X[i]; X[1..i-1]) must be given
    assert _status("H(X[1..n]) <= sum(H(X[i]), i, 1, n)", "linear", extra=CHAIN) == "failed"


@pytest.mark.slow
@pytest.mark.parametrize("claim, rule", [
    ("sum(I(M; X[i] | X[1..i-1]), i, 1, n) <= sum(H(X[i]), i, 1, n)", "shannon"),
    ("sum(I(M; X[i] | P), i, 1, n) <= sum(H(X[i] | P), i, 1, n)", "shannon"),
    ("sum(H(X[i] | X[1..i-1]), i, 1, n) <= sum(H(X[i]), i, 1, n)", "shannon"),
])
def test_termwise_shannon_sums_are_proved(claim, rule):
    assert _status(claim, rule) == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim", [
    "sum(H(X[i]), i, 1, n) <= sum(I(M; X[i] | X[1..i-1]), i, 1, n)",
    "sum(H(X[i]), i, 1, n) <= sum(H(X[i] | X[1..i-1]), i, 1, n)",
    "sum(H(X[i] | P), i, 1, n) <= sum(I(M; X[i] | P), i, 1, n)",
])
def test_false_termwise_claims_are_not_proved(claim):
    assert _status(claim) != "proved" and _status(claim, "linear") != "proved"


_SUMMANDS = ["H(X[i])", "H(X[i] | X[1..i-1])", "I(M; X[i] | X[1..i-1])", "H(X[i] | P)", "I(M; X[i] | P)",
             "I(X[i]; X[1..i-1])", "H(M | X[1..i])"]


def _concrete(claim: str, n: int) -> str:
    """The claim with each sum written out over X[1..n] (i replaced by numbers; X[1..0] dropped)."""
    out = claim
    for body in sorted(set(_SUMMANDS), key=len, reverse=True):
        parts = []
        for i in range(1, n + 1):
            t = body.replace("X[1..i-1]", f"X[1..{i - 1}]" if i > 1 else "").replace("X[1..i]", f"X[1..{i}]")
            t = t.replace("X[i]", f"X[{i}]").replace(" | )", ")").replace("(X[1]; )", "(X[1]; X[1])")
            parts.append(t)
        out = out.replace(f"sum({body}, i, 1, n)", "(" + " + ".join(parts) + ")")
    return out.replace("I(X[1]; X[1])", "0").replace("X[1..1]", "X[1]")


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(left=st.sampled_from(_SUMMANDS), right=st.sampled_from(_SUMMANDS), k=st.sampled_from([1, 2]))
def test_property_proved_sum_claims_hold_at_every_small_n(left, right, k):
    claim = f"{k}*sum({left}, i, 1, n) <= 2*sum({right}, i, 1, n)"
    if _status(claim, "shannon") != "proved":
        return
    for n in (1, 2, 3):
        concrete = _concrete(claim, n).replace("X[", "X")
        concrete = concrete.replace("X1..1", "X1").replace("X1..2", "X1, X2").replace("X1..3", "X1, X2, X3")
        concrete = concrete.replace("]", "")
        assert prove(concrete).status == "proved", (claim, n, concrete)  # termwise Shannon: Shannon at each n


@pytest.mark.parametrize("claim", ["sum(I(M; X[i] | X[1..i-1]), i, 1, n) >= I(M; X[1])",
                                   "I(M; X[1..n] | P) >= I(M; X[1] | P)"])
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_prove_suggests_a_proof_file_that_checks(claim, tmp_path, capsys):
    """For a family used in several symbolic shapes `derive prove` proves the claim for every size through a proof
    file, which it prints and `derive check` proves again here."""
    from derive.cli import main

    assert main(["prove", claim]) == 0
    out = capsys.readouterr().out
    assert out.startswith("proved for every value of n (integer >= 1)")
    skeleton = out[out.index("[proof]"):]
    (tmp_path / "s.toml").write_text(skeleton)
    report = check(read_proof_text(skeleton, str(tmp_path / "s.toml")), vacuity=False).report
    assert report.status == "proved", skeleton
