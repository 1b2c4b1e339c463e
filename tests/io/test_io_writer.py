"""Printing in derive's grammar: readable, and parsed back to the same object."""

from __future__ import annotations

import pytest
import sympy
from sympy import Integer, S

from derive.core import RV, Domain, make_parameter
from derive.core.hypotheses import Assume
from derive.errors import InvalidArgument
from derive.io.grammar import (
    ParseContext,
    parse_channel,
    parse_domain,
    parse_expression,
    parse_family_condition,
    parse_function_of,
    parse_independence,
    parse_markov,
    parse_statement,
)
from derive.io.writer import format_domain, format_expression, format_hypothesis, format_statement, toml_string

delta = make_parameter("delta", Domain(S.Zero, S.Half, False, False)).symbol
n = make_parameter("n", Domain(S.One, S.Infinity, False, True, integer=True)).symbol
x = make_parameter("x").symbol
X, Y, Z, U = (RV(v) for v in "XYZU")


def ctx(units="bits") -> ParseContext:
    return ParseContext(parameters={"delta": delta, "n": n, "x": x}, variables={v.name: v for v in (X, Y, Z, U)},
                        families={"S": (Integer(1), n), "T": (Integer(0), Integer(2))}, units=units)


@pytest.mark.parametrize("text, printed, units", [
    ("1/2", "1/2", "bits"),
    ("-1/2", "-1/2", "bits"),
    ("0.1 * delta", "delta/10", "bits"),
    ("(1 - 2*delta)^2", "(1 - 2*delta)^2", "bits"),
    ("-delta^2", "-delta^2", "bits"),
    ("(-x)^3", "-x^3", "bits"),
    ("x^(1/2)", "sqrt(x)", "bits"),
    ("1/sqrt(x)", "1/sqrt(x)", "bits"),
    ("x^(-3/2)", "1/x^(3/2)", "bits"),
    ("2^x", "2^x", "bits"),
    ("(1/2)^x", "(1/2)^x", "bits"),
    ("log(x)", "log(x)", "bits"),
    ("ln(x)", "ln(x)", "bits"),
    ("log(x)^2", "log(x)^2", "bits"),
    ("log(x)/ln(2)", "log(x)/ln(2)", "bits"),
    ("log2(x)", "log(x)", "bits"),
    ("log(x)", "log(x)", "nats"),
    ("log2(x)", "log2(x)", "nats"),
    ("h(delta)", "h(delta)", "bits"),
    ("h(delta)", "h(delta)", "nats"),
    ("h(delta)/log(2)", "h(delta)/log(2)", "nats"),
    ("h(delta) * log2(x)", "h(delta)*log2(x)", "nats"),
    ("h(delta) * ln(x)", "h(delta)*log(x)", "nats"),
    ("exp(1)", "exp(1)", "bits"),
    ("exp(-x)", "exp(-x)", "bits"),
    ("min(x, delta)", "min(delta, x)", "bits"),
    ("abs(x)", "abs(x)", "bits"),
    ("sum(I(U; S[i]), i, 1, n)", "sum(I(S[i]; U), i, 1, n)", "bits"),
    ("H(X, Y | Z) - I(X; Y)", "H(X, Y | Z) - I(X; Y)", "bits"),
    ("H(T)", "H(T[0], T[1], T[2])", "bits"),
    ("H(S[1..n-1] | S[n])", "H(S[1..n - 1] | S[n])", "bits"),
    ("-(x + 1)*(x + 2)", "(-x - 1)*(x + 2)", "bits"),
    ("x/(2*(x + 1))", "x/(2*x + 2)", "bits"),
    ("2*(x + 1)/(x + 2)", "2*(x + 1)/(x + 2)", "bits"),
])
def test_printing(text, printed, units):
    e = parse_expression(text, ctx(units))
    assert format_expression(e, units) == printed
    assert parse_expression(printed, ctx(units)) == e


def test_products_with_sums_keep_their_shape():
    # sympy distributes a number over a lone sum, so these shapes need care when printed
    for e, printed in [(sympy.Mul(-1, x + 1, x + 2), "-1*(x + 1)*(x + 2)"),
                       (x / 2 / (x + 1), "x/2/(x + 1)"),
                       (sympy.Mul(-2, x, x + 1), "-2*x*(x + 1)"),
                       (sympy.Mul(S.Half, x + 1, delta + 2), "(x + 1)*(delta + 2)/2")]:
        assert format_expression(e) == printed
        assert parse_expression(printed, ctx()) == e


def test_big_integers_stay_within_the_literal_limit():
    big = Integer(7) ** 3000   # 2536 digits
    text = format_expression(big)
    assert max(len(tok) for tok in text.replace("(", " ").replace(")", " ").replace("*", " ").replace("+", " ")
               .replace("^", " ").split()) <= 1000
    assert parse_expression(text) == big
    assert parse_expression(format_expression(-big / 3)) == -big / 3


def test_unprintable_objects_are_refused():
    with pytest.raises(InvalidArgument):
        format_expression(sympy.pi)
    with pytest.raises(InvalidArgument):
        format_expression(sympy.sin(x))
    with pytest.raises(InvalidArgument):
        format_expression(x, units="bytes")


@pytest.mark.parametrize("text, parse", [
    ("U -> (X, Z) -> Y", parse_markov),
    ("(U, X) _|_ Y | Z", parse_independence),
    ("X _|_ Y", parse_independence),
    ("Y | X ~ BSC(delta)", parse_channel),
    ("Y | (X, Z) ~ matrix([[9/10, 1/10], [1/5, 4/5], [1/2, 1/2], [0, 1]])", parse_channel),
    ("Y = f(X, Z)", parse_function_of),
])
def test_hypotheses_round_trip(text, parse):
    hyp = parse(text, ctx())
    key, printed = format_hypothesis(hyp)
    assert printed == text
    assert parse(printed, ctx()) == hyp


def test_family_hypotheses_round_trip():
    for text, iid in [("S[1..n] | Z", True), ("T[0], T[1], T[2]", False), ("X, (Y, Z) | U", False)]:
        hyp = parse_family_condition(text, ctx(), iid=iid)
        key, printed = format_hypothesis(hyp)
        assert key == ("iid" if iid else "mutually_independent")
        assert printed == text
        assert parse_family_condition(printed, ctx(), iid=iid) == hyp
    assert format_hypothesis(parse_family_condition("T", ctx()))[1] == "T[0], T[1], T[2]"


def test_assume_and_statement():
    st = parse_statement("I(U; Y) <= (1 - 2*delta)^2*I(U; X)", ctx())
    assert format_statement(st) == "I(U; Y) <= (1 - 2*delta)^2*I(U; X)"
    assert format_hypothesis(Assume(st, "a paper")) == ("assume", format_statement(st))


@pytest.mark.parametrize("text, printed", [
    ("0 <= x <= 1/2", "0 <= x <= 1/2"),
    ("0 < x < 1", "0 < x < 1"),
    ("x > 0", "x > 0"),
    ("positive", "x > 0"),
    ("nonnegative", "x >= 0"),
    ("x <= -1", "x <= -1"),
    ("integer >= 1", "x >= 1, integer"),
    ("integer", "integer"),
    ("real", "real"),
    ("1 <= x <= 10, integer", "1 <= x <= 10, integer"),
])
def test_domains(text, printed):
    d = parse_domain(text, "x")
    assert format_domain(d, "x") == printed
    assert parse_domain(printed, "x") == d


def test_toml_strings_escape_everything():
    import tomllib

    for s in ['plain', 'with "quotes"', "back\\slash", "new\nline\ttab", "\x00\x1f\x7f", "ünïcødé ✓"]:
        assert tomllib.loads(f"k = {toml_string(s)}")["k"] == s


def test_trusted_facts_print_as_the_author_wrote_them():
    """An assumed statement with log in bits prints log(k), not log(k)/log(2); powers as ^, sums as sum(...)."""
    import subprocess
    import sys
    from pathlib import Path

    from derive.checking import check_file
    from derive.io.writer import format_trusted

    root = Path(__file__).resolve().parents[2] / "proofs"
    fano = check_file(root / "fano_minimax.toml", vacuity=False)
    texts = [format_trusted(t, "bits") for t in fano.report.trusted]
    assert "uniform: H(X) == log(k) [X is uniform on k values]" in texts
    samples = check_file(root / "superadditivity_samples.toml", vacuity=False)
    (per,) = [format_trusted(t, samples.proof.units) for t in samples.report.trusted if t.hypothesis == "per_sample"]
    assert per.startswith("per_sample: sum(I(X[i]; M | P), i, 1, n) >= b*n [")
    out = subprocess.run(["derive", "check", str(root / "fano_minimax.toml")],
                         capture_output=True, text=True).stdout
    assert "- uniform: H(X) == log(k) [X is uniform" in out and "log(k)/log(2)" not in out


def test_reports_use_one_notation_the_file_grammar():
    """Kernel messages and expected/got fields print as the grammar writes them: ^ and sum(f, i, lo, hi)."""
    import subprocess
    from pathlib import Path

    from derive.io.writer import format_value, readable

    assert readable("eta = (1 - 2*delta)**2") == "eta = (1 - 2*delta)^2"
    assert readable("I(X[1..n]; M | P) == Sum(I(X[i]; M | P), (i, 1, n))") == \
        "I(X[1..n]; M | P) == sum(I(X[i]; M | P), i, 1, n)"
    assert readable("CheckSum(x)") == "CheckSum(x)"
    delta = sympy.Symbol("delta")
    assert format_value((1 - 2 * delta) ** 2) == "(1 - 2*delta)^2" and format_value(None) is None
    bad = Path(__file__).resolve().parents[2] / "tests" / "bad_proofs" / "sdpi_constant_too_small.toml"
    out = subprocess.run(["derive", "check", str(bad)], capture_output=True, text=True).stdout
    assert "hint: use eta >= (1 - 2*delta)^2" in out and "**" not in out
