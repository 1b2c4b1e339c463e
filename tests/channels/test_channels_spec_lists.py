"""Bracketed number lists on the command line (``matrix:[[...]]``, ``--input [...]``): a small grammar of decimal and
ratio literals, exact, never evaluated. Oracles: Python's ``Fraction`` on the written values; a fuzz that only ever
sees clear errors."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.channels.spec import parse_channel_arg, parse_input_arg, parse_number_list
from derive.cli import main
from derive.errors import DeriveError


def test_ratios_and_decimals_mix_in_a_matrix_and_an_input():
    K = parse_channel_arg("matrix:[[1/2, 0.25, 1 / 4], [1/10, 3/5, 0.3]]")
    assert [list(r) for r in K.rational_rows()] == [[Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
                                                    [Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)]]
    assert parse_input_arg("[1/3, 2/3]", 2) == (Fraction(1, 3), Fraction(2, 3))


def test_exact_thirds_are_a_channel_where_decimals_are_not(capsys):
    """``1/3`` is exact; ``0.333`` rows do not sum to 1 and are refused (no silent rounding either way)."""
    assert main(["eta", "matrix:[[1/3,1/3,1/3],[1/2,1/4,1/4]]", "--json"]) == 0
    capsys.readouterr()
    assert main(["eta", "matrix:[[0.333,0.333,0.333],[0.5,0.25,0.25]]"]) == 2
    assert "sums to" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("[1,,2]", "unexpected ','"), ("[1 2]", "missing comma"), ("[1,]", "unexpected ']'"), ("[1]]", "after the closing"),
    ("[[1", "missing ']'"), ("", "no list"), ("[1/2/3]", "unexpected text"), ("[1/0]", "non-zero denominator"),
    ("[inf, 0]", "finite"), ("[-Infinity]", "finite"), ("[x]", "not a number"), ('["1"]', "not a number"),
    ("[0x10]", "decimal"), ("7", "outside brackets"),
])
def test_malformed_lists_are_clear_errors(text, message):
    with pytest.raises(DeriveError) as err:
        parse_number_list(text, "the input")
    assert message in str(err.value)


fractions = st.fractions(min_value=-10, max_value=10, max_denominator=10 ** 6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(fractions, min_size=1, max_size=5), min_size=1, max_size=4), st.randoms())
def test_written_values_read_back_exactly(rows, rnd):
    def write(q: Fraction) -> str:
        if q.denominator in (1, 2, 4, 5, 8, 10, 20, 25) and rnd.random() < 0.5:   # a finite decimal
            return str(q.numerator / q.denominator) if abs(q.numerator) < 2 ** 50 else f"{q.numerator}/{q.denominator}"
        return f"{q.numerator}{rnd.choice(['/', ' / ', '/ '])}{q.denominator}"

    text = "[" + ", ".join("[" + ",".join(write(q) for q in r) + "]" for r in rows) + "]"
    from derive.channels.spec import _number_lists

    assert _number_lists(text, "the matrix") == [[Fraction(q) for q in r] for r in rows]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[],0123456789./-+eE xnaif\"'", max_size=40))
def test_any_text_gives_a_list_or_a_clear_error(text):
    try:
        parse_number_list(text, "the input")
    except DeriveError:
        pass
