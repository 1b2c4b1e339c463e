"""One owner for each channel matrix: the library, the numeric models and the model grammar read the formulas of
:mod:`derive.core.channel_matrix` (as the kernel does), so their matrices agree entry for entry."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.channels.library import AWGN, BEC, BSC, QSC, Z, Matrix, from_spec, product
from derive.core.channel_matrix import channel_matrix, channel_shape, named_channel_rows
from derive.core.hypotheses import ChannelSpec
from derive.kernel.coefficients import closed_form_eta_kl
from derive.numeric.model_spec import parse_model
from derive.numeric.models import channel_matrix as numeric_channel_matrix

probabilities = st.fractions(min_value=0, max_value=1, max_denominator=50)


def _fractions(rows):
    return [[Fraction(int(v.p), int(v.q)) for v in r] for r in rows]


@settings(max_examples=25, deadline=None)
@given(probabilities, st.integers(2, 5))
def test_every_owner_reads_the_core_formula(p, q):
    for K in (BSC(p), BEC(p), Z(p), QSC(q, p)):
        spec = K.to_spec()
        core = _fractions(channel_matrix(spec))
        assert [list(r) for r in K.rational_rows()] == core
        assert numeric_channel_matrix(spec) == core
        assert channel_shape(spec) == (len(core), len(core[0]))
        assert from_spec(spec) == K


def test_symbolic_rows_and_the_number_types():
    p = sympy.Symbol("p")
    assert channel_matrix(ChannelSpec("BEC", (p,))) == [[1 - p, p, 0], [0, p, 1 - p]]
    assert channel_matrix(ChannelSpec("QSC", (sympy.Symbol("q"), p))) is None  # no concrete alphabet
    assert channel_matrix(ChannelSpec("AWGN", (p,))) is None
    assert named_channel_rows("Z", [0.25]) == [[1.0, 0.0], [0.25, 0.75]]
    assert named_channel_rows("QSC", [3, Fraction(3, 10)])[0] == [Fraction(7, 10), Fraction(3, 20), Fraction(3, 20)]


def test_the_model_grammar_builds_the_same_rows():
    model = parse_model("X ~ Uniform(3); Y | X ~ QSC(3, 1/5)").build()
    assert model.joint.table[0, 0] == Fraction(1, 3) * Fraction(4, 5)
    assert model.joint.table[0, 1] == Fraction(1, 3) * Fraction(1, 10)


def test_to_spec_reaches_the_kernels_closed_forms():
    assert closed_form_eta_kl(BSC("1/10").to_spec()).value == sympy.Rational(16, 25)
    assert closed_form_eta_kl(AWGN(3).to_spec()).value == sympy.Rational(3, 4)
    mixed = product(BSC("1/10"), Matrix([[1, 0], [0.5, 0.5]]))
    assert from_spec(mixed.to_spec()) == mixed
