"""Unchecked Shannon-type steps are lowered to ``failed`` only with a certified counterexample.

Before, a false ``shannon`` step (``H(X) <= log(3)``) stayed ``unchecked`` with the hint "the Shannon prover can
supply one". Oracles here do not share the prover's code: the reported GF(2) model is rebuilt as an explicit joint
pmf and every entropy recomputed by brute force with mpmath at 50 digits; true steps are Shannon inequalities from
the textbook and Zhang–Yeung (true, not Shannon-type: it must stay ``unchecked``, never ``failed``).
"""

from __future__ import annotations

import itertools
from collections import Counter

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from derive.checking import check
from derive.core import H, RV, Statement
from derive.core.linear import linear_form
from derive.io import read_proof_text
from derive.provers.shannon import refute

HEAD = '[proof]\nname = "p"\n\n[variables]\nrandom = ["X", "Y", "Z", "U"]\n'


def _steps(*steps: tuple[str, str, str], hyps: str = "", extra: str = "") -> str:
    text = HEAD + extra + hyps
    for sid, claim, rule_and_uses in steps:
        text += f'\n[[step]]\nid = "{sid}"\nclaim = "{claim}"\n{rule_and_uses}\n'
    return text


def _status(text: str) -> dict[str, tuple[str, str]]:
    report = check(read_proof_text(text), vacuity=False).report
    return {r.id: (r.status, r.message) for r in report.steps}


def _brute_force_slack(claim: Statement, cex: dict) -> mpmath.mpf:
    """The claim's slack on the reported model: all 2^k bit patterns, each variable the XOR of its bits (t copies:
    entropies times t), every joint entropy from the explicit pmf."""
    k, t = cex.get("sources", 1), cex.get("copies", 1)
    model = cex["model"] if isinstance(cex["model"], dict) else {}
    masks = {v: [] if d == "constant" else [int(b[1:]) - 1 for b in d.split(" xor ")] for v, d in model.items()}

    def value(v, bits):
        return sum(bits[i] for i in masks.get(v, [])) % 2

    def entropy(names) -> mpmath.mpf:
        counts = Counter(tuple(value(str(n), bits) for n in names) for bits in itertools.product((0, 1), repeat=k))
        return -sum(mpmath.mpf(c) / 2 ** k * mpmath.log(mpmath.mpf(c) / 2 ** k, 2) for c in counts.values())

    form = linear_form(claim.slack())
    with mpmath.workdps(50):
        total = mpmath.mpf(sympy.N(form.const, 60))
        for atom, c in form.terms.items():
            total += mpmath.mpf(sympy.N(c, 60)) * t * entropy(atom.target.args)
        return total


def test_a_false_shannon_step_fails_with_a_certified_counterexample():
    got = _status(_steps(("s1", "H(X) <= log(3)", 'rule = "shannon"'),
                         ("s2", "H(X, Y) <= H(X)", 'rule = "shannon"'),
                         ("s3", "I(X; Z) <= I(X; Y)", 'rule = "shannon"')))
    assert all(status == "failed" for status, _ in got.values()), got
    assert "does not follow" in got["s1"][1] and "slack" in got["s1"][1]


def test_under_hypotheses_it_uses_and_only_those():
    hyps = '\n[[hypothesis]]\nid = "chain"\nmarkov = "X -> Y -> Z"\n'
    got = _status(_steps(("dpi_wrong_way", "I(X; Y) <= I(X; Z)", 'rule = "shannon"\nuses = ["chain"]'),
                         ("dpi", "I(X; Z) <= I(X; Y)", 'rule = "shannon"\nuses = ["chain"]'), hyps=hyps))
    assert got["dpi_wrong_way"][0] == "failed" and got["dpi"][0] == "proved"


def test_steps_with_statement_premises_or_channels_are_left_unchecked():
    """A model might violate a premise statement, and a model of a channel's equalities need not have that
    channel: no refutation is attempted there."""
    extra = '\n[parameters]\np = "0 <= p <= 1/2"\n'
    hyps = '\n[[hypothesis]]\nid = "ch"\nchannel = "Y | X ~ BSC(p)"\n'
    got = _status(_steps(("a", "I(X; Y) <= H(U)", 'rule = "shannon"\nuses = ["ch"]'), hyps=hyps, extra=extra))
    assert got["a"][0] == "unchecked"


def test_zhang_yeung_as_a_plain_shannon_step_is_unchecked_never_failed():
    zy = ("2*I(Z; U) <= I(X; Y) + I(X; Z, U) + 3*I(Z; U | X) + I(Z; U | Y)")
    got = _status(_steps(("zy", zy, 'rule = "shannon"')))
    assert got["zy"][0] == "unchecked"


@pytest.mark.parametrize("claim", [
    Statement(H(RV("X")), "<=", sympy.log(3) / sympy.log(2)),
    Statement(H(RV("X"), RV("Y")), "<=", H(RV("X")) + sympy.Rational(1, 2)),
    Statement(H(RV("X")) + H(RV("Y")), "<=", H(RV("X"), RV("Y"))),
])
def test_every_reported_model_is_a_real_violation(claim):
    cex = refute(claim)
    assert cex is not None and cex["certified"] is True
    assert _brute_force_slack(claim, cex) < 0


_TRUE = ["H(X | Y) <= H(X)", "I(X; Y) <= H(X)", "H(X, Y) <= H(X) + H(Y)", "I(X; Y | Z) <= H(X | Z)",
         "H(X, Y, Z) <= H(X, Y) + H(Z)", "I(X; Y, Z) >= I(X; Y)", "H(X) + H(Y, Z) >= H(X, Y, Z)",
         "H(X, Y) + H(Y, Z) >= H(X, Y, Z) + H(Y)"]


@settings(max_examples=12, deadline=None)
@given(claims=st.lists(st.sampled_from(_TRUE), min_size=1, max_size=3),
       constant=st.sampled_from(["", " + log(3)", " + 1/2", " + 0"]))
def test_property_true_steps_are_never_failed(claims, constant):
    steps = [(f"s{k}", c + (constant if "<=" in c else ""), 'rule = "shannon"')
             for k, c in enumerate(claims)]
    got = _status(_steps(*steps))
    assert all(status == "proved" for status, _ in got.values()), got


def test_no_discrete_refutation_through_a_gaussian_channel():
    """Differential entropies are not those of the discrete models, and noise on a discrete model does not give a
    Gaussian channel's law: a step using an AWGN channel is never refuted by the discrete or noisy models (the true
    h(Y | X) = log2(2 pi e)/2 = 2.05 bits <= 3 stays unchecked). A step that does not use the channel means its claim
    for every distribution: ``H(U) <= 1`` (U discrete) is refuted on a discrete model, the continuous X and Y noisy
    (session 24; before, a file with an AWGN channel was left alone entirely)."""
    extra = '\n[parameters]\nsnr = "snr > 0"\n'
    hyps = '\n[[hypothesis]]\nid = "awgn"\nchannel = "Y | X ~ AWGN(snr)"\n'
    got = _status(_steps(("a", "H(U) <= 1", 'rule = "shannon"'),
                         ("b", "H(Y | X) <= 3", 'rule = "shannon"\nuses = ["awgn"]'), hyps=hyps, extra=extra))
    assert got["b"][0] == "unchecked" and "no noisy models either: the hypothesis awgn" in got["b"][1]
    assert got["a"][0] == "failed" and "uniform noise on [0, 1)" in got["a"][1]


def test_a_failed_linear_step_names_the_quantities_it_lacks_and_the_hint_works():
    got = _status(_steps(("s", "H(X, Y | Z) <= H(X | Z) + H(Y | Z)", 'rule = "linear"')))
    status, message = got["s"]
    assert status == "failed" and 'nonneg = ["I(X; Y | Z)"]' in message
    fixed = _status(_steps(("s", "H(X, Y | Z) <= H(X | Z) + H(Y | Z)", 'rule = "linear"\nnonneg = ["I(X; Y | Z)"]')))
    assert fixed["s"][0] == "proved"


def test_a_false_linear_step_says_so_with_a_counterexample():
    status, message = _status(_steps(("s", "H(X, Y) <= H(X)", 'rule = "linear"')))["s"]
    assert status == "failed" and message.startswith("the claim does not follow") and "slack -1 < 0" in message


def test_a_step_left_unchecked_says_what_was_tried_and_never_promises_the_prover():
    # H(Y | X) <= 1 is true under a BSC(1/4) channel (H(Y | X) = h(1/4)) but no entropy equality says so. (Until
    # session 23 the example was H(X[1]) <= H(X[2]) under iid X[1..2] | P; the iid hypothesis now states equal
    # marginals, which proves it.)
    text = ('[proof]\nname = "p"\n[variables]\nrandom = ["X", "Y"]\n'
            '[[hypothesis]]\nid = "ch"\nchannel = "Y | X ~ BSC(1/4)"\n'
            '[[step]]\nid = "s1"\nclaim = "H(Y | X) <= 1"\nrule = "shannon"\nuses = ["ch"]\n')
    report = check(read_proof_text(text), vacuity=False).report
    (step,) = report.steps
    assert step.status == "unchecked"
    assert "the Shannon prover found none either" in step.message and "channel laws" in step.message
    assert "can supply" not in step.message
    off = check(read_proof_text(text), vacuity=False, use_prover=False).report.steps[0]
    assert off.status == "unchecked" and "the Shannon prover (not run here) may find one" in off.message
