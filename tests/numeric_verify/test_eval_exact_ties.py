"""``derive eval`` decides exact ties and slacks too small for interval arithmetic by an exact evaluation.

When every arb enclosure of the slack still holds 0 (PRECISIONS up to 2048 bits), the slack is written exactly
(entropies of rational pmfs as rational combinations of logs) and the kernel's exact sign engine decides it.
Oracles: identities that hold by construction (independence: H(X, Y) = H(X) + H(Y); a uniform X on k values:
H(X) = log2 k; a function: H(X, f(X)) = H(X)) and mpmath at 1,000 digits for slacks near 10^-700.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from derive.cli import main
from derive.commands.evaluate import evaluate_text

pmfs = st.lists(st.integers(1, 9), min_size=2, max_size=4).map(lambda w: [Fraction(x, sum(w)) for x in w])


def _categorical(p: list[Fraction]) -> str:
    return "Categorical([" + ", ".join(f"{x.numerator}/{x.denominator}" for x in p) + "])"


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(pmfs, pmfs, st.sampled_from(["H(X, Y) == H(X) + H(Y)", "H(X | Y) >= H(X)", "I(X; Y) <= 0",
                                    "H(X | Y) + H(Y) == H(X) + H(Y | X)"]))
def test_independence_ties_are_certified_true(p, q, claim):
    out = evaluate_text(claim, model_text=f"X ~ {_categorical(p)}; Y ~ {_categorical(q)}")
    assert out["holds"] is True and out["certified"] is True and out["slack_enclosure"] == "0"


def _mp(x: Fraction) -> mpmath.mpf:
    return mpmath.mpf(x.numerator) / x.denominator


@settings(max_examples=25, deadline=None)
@given(pmfs)
def test_entropy_against_one_bit_agrees_with_mpmath(p):
    # a two-valued uniform X is the only tie; every other verdict must match a 60-digit oracle, certified
    out = evaluate_text("H(X) <= 1", model_text=f"X ~ {_categorical(p)}")
    with mpmath.workdps(60):
        slack = 1 + sum(_mp(x) * mpmath.log(_mp(x), 2) for x in p)
    assert out["certified"] is True
    if abs(slack) < mpmath.mpf(10) ** -40:
        assert out["holds"] is True and out["slack_enclosure"] == "0"
    else:
        assert out["holds"] == (slack > 0) and out["slack_enclosure"] != "0"


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 15))
def test_a_bsc_output_against_its_input_agrees_with_mpmath(a16):
    # Y = X xor Bernoulli(1/7): H(Y) >= H(X), with equality exactly when X is uniform (a = 8/16)
    a = Fraction(a16, 16)
    out = evaluate_text("H(Y) <= H(X)", model_text=f"X ~ Bernoulli({a.numerator}/{a.denominator}); Y | X ~ BSC(1/7)")
    with mpmath.workdps(60):
        m = _mp(a) * 6 / 7 + (1 - _mp(a)) / 7
        h = lambda t: -(t * mpmath.log(t, 2) + (1 - t) * mpmath.log(1 - t, 2))  # noqa: E731
        slack = h(_mp(a)) - h(m)
    assert out["certified"] is True
    if a == Fraction(1, 2):
        assert abs(slack) < mpmath.mpf(10) ** -50 and out["holds"] is True and out["slack_enclosure"] == "0"
    else:
        assert slack < 0 and out["holds"] is False


def test_uniform_entropies_equal_log2_k_exactly():
    for k in range(2, 13):
        out = evaluate_text(f"H(X) == log({k})", model_text=f"X ~ Uniform({k})")
        assert out["holds"] is True and out["certified"] is True, k
        out = evaluate_text(f"H(X) == log({k}) + 10^-30", model_text=f"X ~ Uniform({k})")
        assert out["holds"] is False and out["certified"] is True, k


def test_a_function_of_x_adds_no_entropy():
    out = evaluate_text("H(X, Y) == H(X)", model_text="X ~ Categorical([1/6, 1/3, 1/2]); Y | X ~ matrix([[1, 0], [0, 1], [1, 0]])")
    assert out["holds"] is True and out["certified"] is True


def test_a_slack_below_every_enclosure_gets_its_exact_sign(capsys):
    # log2(3) - H(X) = 0 on a uniform X, so the slack is +-10^-700, beyond 2048-bit balls (~616 digits)
    with mpmath.workdps(1000):
        assert mpmath.log(3, 2) - 3 * (mpmath.mpf(1) / 3) * mpmath.log(3, 2) == 0  # the oracle's own tie
    for claim, holds in (("H(X) >= log(3) - 10^-700", True), ("H(X) <= log(3) - 10^-700", False),
                         ("H(X) == log(3) - 10^-700", False), ("H(X) <= log(3) + 10^-700", True)):
        out = evaluate_text(claim, model_text="X ~ Uniform(3)")
        assert out["certified"] is True and out["holds"] is holds, claim
        assert "decided exactly" in out["slack_enclosure"]
    assert main(["eval", "H(X) <= log(3) - 10^-700", "--model", "X ~ Uniform(3)"]) == 1
    assert "negative (decided exactly)" in capsys.readouterr().out


def test_nats_ties_are_certified():
    out = evaluate_text("H(X) == log(3)", model_text="X ~ Uniform(3)", units="nats")
    assert out["holds"] is True and out["certified"] is True
    out = evaluate_text("H(X) == 3/2", model_text="X ~ Uniform(3)", units="nats")
    assert out["holds"] is False and out["certified"] is True


def test_an_information_expression_that_is_exactly_zero_prints_zero():
    """Red team (session 19): ``h(1/10) - H(Y | X)`` on a BSC(1/10) printed ``-2.220446049250313e-16 bits``."""
    out = evaluate_text("h(1/10) - H(Y | X)", model_text="X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)")
    assert out == {"value": 0.0, "units": "bits", "exactly_zero": True}


@settings(max_examples=25, deadline=None)
@given(pmfs, st.sampled_from(["H(X)", "I(X; Y)", "H(X | Y) - H(X)", "3*H(X, Y) - 2*H(Y)"]))
def test_an_information_expression_comes_with_a_certified_enclosure(p, expr):
    """Oracle: mpmath at 60 digits from the pmf (Y = X here, so I(X; Y) = H(X) and H(X | Y) = 0)."""
    out = evaluate_text(expr, model_text=f"X ~ {_categorical(p)}; Y | X ~ matrix({_identity(len(p))})")
    with mpmath.workdps(60):
        hx = -sum(_mp(x) * mpmath.log(_mp(x), 2) for x in p)
        want = {"H(X)": hx, "I(X; Y)": hx, "H(X | Y) - H(X)": -hx, "3*H(X, Y) - 2*H(Y)": hx}[expr]
        mid, rad = out["enclosure"].strip("[]").split("+/-")
        assert abs(mpmath.mpf(mid) - want) <= mpmath.mpf(rad) + mpmath.mpf(10) ** -19


def _identity(k: int) -> str:
    return "[" + ", ".join("[" + ", ".join("1" if i == j else "0" for j in range(k)) + "]" for i in range(k)) + "]"
