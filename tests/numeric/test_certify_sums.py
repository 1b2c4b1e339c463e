"""Interval and exact certification of sums (session 10's own attack).

``sum(1/i, i, 1, n) <= 3`` (false from n = 11) was ``unchecked``: "numerically false at n = 633, but interval
arithmetic does not certify the violation" — the arb evaluator had no rule for a sum; ``derive eval`` of any
statement with a sum was "not certified", an exact tie with one included. Sums are now written out by the one owner
of that (:func:`derive.numeric.expressions.expand_sums`, at most 64 terms) with the parameters' exact values in their
ends. Oracles: mpmath's harmonic numbers, brute-force double sums, and ties that hold by construction.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from derive.checking import check_file
from derive.commands.evaluate import evaluate_text
from derive.numeric.certify import ArbScalars, Uncertifiable

i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
n = sympy.Symbol("n", integer=True, positive=True)


@given(st.integers(min_value=0, max_value=64))
@settings(max_examples=30, deadline=None)
def test_harmonic_numbers_enclosed(k):
    ball = ArbScalars({"n": k}).value(sympy.Sum(1 / i, (i, 1, n)))
    with mpmath.workdps(40):
        exact = mpmath.harmonic(k)
        lo, hi = (mpmath.mpf(x.str(50, radius=False)) for x in (ball.lower(), ball.upper()))
        assert lo <= exact <= hi and hi - lo < 1e-12


@given(st.integers(min_value=0, max_value=7))
@settings(max_examples=8, deadline=None)
def test_nested_sums_with_an_inner_end_on_the_outer_index(k):
    ball = ArbScalars({"n": k}).value(sympy.Sum(i * j, (j, 1, i), (i, 1, n)))
    assert ball.contains(sum(a * b for a in range(1, k + 1) for b in range(1, a + 1)))


def test_too_many_terms_or_inexact_ends_are_uncertifiable_not_wrong():
    with pytest.raises(Uncertifiable):
        ArbScalars({"n": 10 ** 6}).value(sympy.Sum(1 / i, (i, 1, n)))
    with pytest.raises(Uncertifiable):
        ArbScalars({}).value(sympy.Sum(1 / i, (i, 1, n)))


def test_a_false_real_step_with_a_sum_is_failed(tmp_path):
    src = tmp_path / "s.toml"
    src.write_text('[proof]\nname = "s"\n\n[parameters]\nn = "integer >= 1"\n\n'
                   '[[step]]\nid = "harmonic"\nclaim = "sum(1/i, i, 1, n) <= 3"\nrule = "real"\n')
    step = check_file(src).report.steps[0]
    assert step.status == "failed", step.message
    at = int(step.message.split("'n': '")[1].split("'")[0])
    assert 11 <= at <= 64 and mpmath.harmonic(at) > 3


MODEL = "X[1] ~ Bernoulli(1/2); X[2] ~ Bernoulli(1/3)"


@pytest.mark.parametrize("text, holds", [
    ("sum(H(X[i]), i, 1, 2) <= 2", True),                       # 1 + h(1/3) = 1.918...
    ("sum(H(X[i]), i, 1, 2) <= 1", False),
    ("sum(H(X[i]), i, 1, n) == H(X[1], X[2])", True),           # independent: an exact tie
    ("sum(i * H(X[1]), i, 1, n) <= 3", True),                   # 1 + 2 = 3: an exact tie
    ("sum(i * H(X[1]), i, 1, n) >= 3 + 1/10^30", False),
])
def test_eval_certifies_statements_with_sums(text, holds):
    out = evaluate_text(text, model_text=MODEL, params={"n": sympy.Integer(2)})
    assert out["certified"] is True and out["holds"] is holds
