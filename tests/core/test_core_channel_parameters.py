"""A channel's parameter written as a number is checked against its range where the channel is written (session 29).

``Y | X ~ BSC(2)`` used to be accepted as a hypothesis (in a proof file, ``api.Channel``, a ``--model``) and refused
only where a rule used it ("needs its parameter <= 1"): a hypothesis that describes no channel is an input error
(exit 2, with its line), not a failed step. Ranges, from the channel's matrix (``derive/core/channel_matrix.py``):
a probability in [0, 1] (BSC, BEC, Z, QSC's second), QSC's alphabet an integer >= 2, AWGN's snr >= 0 (a proof's AWGN needs snr > 0: the kernel's door, with the domains). The oracle
for the accepted side: every entry of the written-out matrix lies in [0, 1] and each row sums to 1.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from derive import api
from derive.core.channel_matrix import channel_matrix
from derive.core.hypotheses import ChannelSpec
from derive.errors import DeriveError, InvalidArgument

X, Y = api.variables("X Y")


@pytest.mark.parametrize("spec, why", [
    ("BSC(2)", "crossover probability must be in [0, 1] but is 2"),
    ("BSC(-1/10)", "must be in [0, 1] but is -1/10"),
    ("BSC(sqrt(2))", "must be in [0, 1] but is sqrt(2)"),
    ("BEC(3/2)", "erasure probability must be in [0, 1]"),
    ("Z(1.5)", "must be in [0, 1] but is 3/2"),
    ("QSC(1, 1/10)", "alphabet size must be an integer >= 2 but is 1"),
    ("QSC(5/2, 1/10)", "alphabet size must be an integer >= 2 but is 5/2"),
    ("QSC(3, 2)", "error probability must be in [0, 1] but is 2"),
    ("AWGN(-1)", "signal-to-noise ratio must be >= 0 but is -1"),
])
def test_a_number_outside_the_range_is_refused_where_it_is_written(spec, why):
    with pytest.raises(DeriveError, match=why.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
                       .replace(")", r"\)")):
        api.Channel(Y, X, spec)


@pytest.mark.parametrize("spec", ["BSC(0)", "BSC(1)", "BSC(sqrt(2)/2)", "BEC(1)", "Z(0)", "QSC(3, 1)", "AWGN(0)"])
def test_the_ends_of_the_range_are_accepted(spec):
    assert str(api.Channel(Y, X, spec)) == f"Y | X ~ {spec}"


def test_a_symbolic_parameter_is_left_to_the_kernel():
    delta = sympy.Symbol("delta", real=True)
    assert ChannelSpec("BSC", (delta,)).params == (delta,)


def test_a_complex_number_is_refused():
    with pytest.raises(InvalidArgument, match="not a real number"):
        ChannelSpec("BSC", (sympy.I / 2,))


@given(st.sampled_from(["BSC", "BEC", "Z", "QSC"]), st.fractions(min_value=-2, max_value=3),
       st.integers(min_value=-1, max_value=6))
def test_accepted_exactly_when_the_matrix_is_stochastic(name, p, q):
    """Independent oracle: the channel is accepted iff its written-out matrix is a stochastic matrix."""
    params = (sympy.Integer(q), sympy.Rational(p.numerator, p.denominator)) if name == "QSC" else \
        (sympy.Rational(p.numerator, p.denominator),)
    stochastic = Fraction(0) <= p <= 1 and (name != "QSC" or q >= 2)
    try:
        spec = ChannelSpec(name, params)
    except InvalidArgument:
        assert not stochastic
        return
    assert stochastic
    rows = channel_matrix(spec)
    assert all(0 <= v <= 1 for r in rows for v in r) and all(sum(r) == 1 for r in rows)
