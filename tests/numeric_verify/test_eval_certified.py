"""``derive eval`` on a statement: a verdict is *certified* only when interval arithmetic decides it.

Oracle: mpmath at 60 digits on the same exact model (independent of the arb evaluator), and exact identities.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from derive.cli import main
from derive.commands.evaluate import evaluate_text

BSC = "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"


def _run(args, capsys):
    code = main(args)
    return code, capsys.readouterr().out


def _info_bsc(a: Fraction, d: Fraction) -> mpmath.mpf:
    """I(X; Y) in bits for X ~ Bernoulli(a), Y = X xor Bernoulli(d), at 60 digits (independent oracle)."""
    with mpmath.workdps(60):
        a, d = mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(d.numerator) / d.denominator

        def h(p):
            return 0 if p in (0, 1) else -(p * mpmath.log(p, 2) + (1 - p) * mpmath.log(1 - p, 2))

        return h(a * (1 - d) + (1 - a) * d) - h(d)


def test_a_violation_is_certified_with_its_enclosure(capsys):
    code, out = _run(["eval", "I(X; Y) <= 1/2", "--model", BSC, "--json"], capsys)
    data = json.loads(out)
    assert code == 1 and data["holds"] is False and data["certified"] is True
    lo = float(data["slack_enclosure"].strip("[]").split("+/-")[0])
    assert abs(lo - float(Fraction(1, 2) - Fraction(str(_info_bsc(Fraction(1, 2), Fraction(1, 10)))))) < 1e-15
    code, out = _run(["eval", "I(X; Y) <= 1/2", "--model", BSC], capsys)
    assert code == 1 and out.startswith("FALSE (certified: the slack lies in [-0.0310044064")


def test_an_exact_tie_is_never_called_false_and_is_certified_true():
    # H(X | Y) = H(X) exactly for independent X, Y; H(X) = log2(3) exactly for a uniform X on 3 values
    for expr, model in (("H(X | Y) <= H(X)", "X ~ Bernoulli(1/2); Y ~ Bernoulli(1/3)"),
                        ("H(X) >= log(3)", "X ~ Uniform(3)"), ("H(X) == 1", "X ~ Bernoulli(1/2)")):
        for dps in (None, 30):
            out = evaluate_text(expr, model_text=model, dps=dps)
            assert out["holds"] is True and out["certified"] is True and out["slack_enclosure"] == "0"


def test_a_violation_inside_the_float_tolerance_is_found_by_the_certificate():
    # log2(3) - 10^-14 < H(X): float64 within its 1e-12 tolerance would call it true
    out = evaluate_text("H(X) <= log(3) - 10^-14", model_text="X ~ Uniform(3)")
    assert out["holds"] is False and out["certified"] is True


def test_a_strict_truth_is_certified():
    out = evaluate_text("D(P || Q) >= 7/10", model_text="P ~ Categorical([1/2, 1/2]); Q ~ Categorical([0.9, 0.1])")
    assert out["holds"] is True and out["certified"] is True  # D = 0.73697 bits


def test_float_probabilities_are_not_certified():
    from derive.commands.evaluate import _arb_evaluator, _certified_verdict
    from derive.core.quantities import H
    from derive.core.statements import Statement
    from derive.core.variables import RVSet
    from derive.numeric.distributions import JointPMF, Model

    model = Model(JointPMF(["X"], [0.1, 0.9], exact=False))  # a float table need not sum to exactly 1
    out = _certified_verdict(Statement(H(RVSet("X")), "<=", sympy.Rational(1, 10)), _arb_evaluator(model, "bits"))
    assert out["certified"] is False and "float" in out["not_certified_because"]


def test_json_decimals_in_a_model_file_are_exact(tmp_path):
    f = tmp_path / "pmf.json"
    f.write_text(json.dumps({"joint": {"names": ["X"], "table": [0.1, 0.9]}}))
    out = evaluate_text("H(X) <= 1/10", model_file=str(f))
    assert out["holds"] is False and out["certified"] is True


def test_a_pure_number_has_no_units(capsys):
    code, out = _run(["eval", "1/2"], capsys)
    assert code == 0 and out.strip() == "0.5"
    code, out = _run(["eval", "H(X)", "--model", "X ~ Uniform(4)"], capsys)
    assert out.strip() == "2.0 bits (certified: in [2.0000000000000000000 +/- 1e-24])"


def test_exponent_notation_in_models_and_set_is_exact(capsys):
    """``1e-3`` is 1/1000 in --model, --set and the expression, as parse_number reads it for `derive eta`."""
    code, a = _run(["eval", "H(X)", "--model", "X ~ Bernoulli(1e-3)"], capsys)
    code2, b = _run(["eval", "H(X)", "--model", "X ~ Bernoulli(1/1000)"], capsys)
    assert code == code2 == 0 and a == b
    code, c = _run(["eval", "h(p) == h(1e-3)", "--set", "p=0.001"], capsys)
    assert code == 0 and c.startswith("true (certified: the slack is exactly 0)")


def test_a_value_prints_without_float_rounding_noise(capsys):
    """H(Y | X) = 1/3 exactly (one of three inputs gives a fair coin): float64 arithmetic gives 0.33333333333333326;
    the printed value has 15 digits, as a statement's sides do."""
    code, out = _run(["eval", "H(Y | X)", "--model", "X ~ Uniform(3); Y | X ~ matrix([[1, 0], [0, 1], [1/2, 1/2]])"],
                     capsys)
    assert code == 0 and out.startswith("0.333333333333333 bits (certified: in [0.3333333333")


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 15), st.integers(1, 15), st.fractions(Fraction(0), Fraction(1), max_denominator=50))
def test_certified_verdicts_agree_with_an_independent_oracle(a16, d32, r):
    a, d = Fraction(a16, 16), Fraction(d32, 32)
    out = evaluate_text(f"I(X; Y) <= {r.numerator}/{r.denominator}",
                        model_text=f"X ~ Bernoulli({a.numerator}/{a.denominator}); Y | X ~ BSC({d.numerator}/{d.denominator})")
    truth = _info_bsc(a, d)
    with mpmath.workdps(60):
        slack = mpmath.mpf(r.numerator) / r.denominator - truth
    if out["certified"]:
        assert out["holds"] == (slack >= 0)
    else:  # only a tie (slack 0 up to the oracle's precision) may stay uncertified
        assert abs(slack) < mpmath.mpf(10) ** -50


def test_a_statement_prints_its_sides_to_15_digits_and_numbers_have_no_units(capsys):
    """Red team (session 19): an exact tie printed two different 17-digit floats ("0.46899559358928117 ==
    0.46899559358928133", certified exactly 0); a claim about numbers alone printed "(bits)"; sides beyond float's
    range crashed the new printer before it read their digits."""
    code, out = _run(["eval", "h(1/10) == H(Y | X)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"], capsys)
    assert code == 0 and out.strip() == ("true (certified: the slack is exactly 0): 0.468995593589281 == "
                                         "0.468995593589281 (bits)")
    code, out = _run(["eval", "1/3 <= 1/2"], capsys)
    assert code == 0 and out.strip().endswith("0.333333333333333 <= 0.5")
    code, out = _run(["eval", "exp(10^10) >= 1"], capsys)
    assert code == 0 and "1.0777506079585649e+4342944819 >= 1" in out and "(bits)" not in out


@pytest.mark.parametrize("text, model, units", [
    ("TV(P, Q)", "P ~ Bernoulli(1/2); Q ~ Bernoulli(3/4)", None),          # a total variation has no units
    ("TV(P, Q) <= 1/2", "P ~ Bernoulli(1/2); Q ~ Bernoulli(3/4)", None),
    ("3/4", None, None),
    ("log(3)", None, "bits"),                                               # log2(3): the value depends on the units
    ("h(1/3)", None, "bits"),
    ("D(P || Q) >= 2*TV(P, Q)^2", "P ~ Bernoulli(1/2); Q ~ Bernoulli(3/4)", "bits"),
    ("H(X)", "X ~ Bernoulli(1/3)", "bits"),
])
def test_units_are_named_only_where_the_value_depends_on_them(text, model, units):
    """``derive eval "TV(P, Q)"`` printed ``0.25 bits``: TV is a number in [0, 1], the same in bits and nats."""
    out = evaluate_text(text, model_text=model)
    assert out["units"] == units
    other = evaluate_text(text, model_text=model, units="nats")
    key = "value" if "value" in out else "lhs"
    assert (other[key] == out[key]) == (units is None)  # the oracle: the value itself changes with the units or not
