"""The channel library: named channels, validated matrices, products, compositions, proof-file specs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from derive.channels import AWGN, BEC, BSC, QSC, Matrix, Z, compose, from_spec, product
from derive.numeric.exact import float_down, float_up, parse_number
from derive.errors import InvalidArgument, LimitExceeded


def test_named_channels_have_exact_rows():
    assert BSC("0.1").rows == ((Fraction(9, 10), Fraction(1, 10)), (Fraction(1, 10), Fraction(9, 10)))
    assert BEC("0.3").rows == ((Fraction(7, 10), Fraction(3, 10), 0), (0, Fraction(3, 10), Fraction(7, 10)))
    assert Z("1/4").rows == ((1, 0), (Fraction(1, 4), Fraction(3, 4)))  # the kernel's convention
    q = QSC(3, "0.2")
    assert q.shape == (3, 3) and q.rows[0] == (Fraction(4, 5), Fraction(1, 10), Fraction(1, 10))
    assert str(QSC(3, "0.2")) == "QSC(3, 1/5)"


def test_matrix_numpy_and_sympy_views():
    K = Matrix([["0.9", "0.1"], ["1/5", "4/5"]])
    assert K.exact and K.matrix().dtype == object and K.matrix()[1, 0] == Fraction(1, 5)
    assert K.matrix(exact=False).dtype == np.float64
    assert K.sympy() == sympy.Matrix([[sympy.Rational(9, 10), sympy.Rational(1, 10)],
                                      [sympy.Rational(1, 5), sympy.Rational(4, 5)]])


def test_float_matrix_rows_are_normalized_exactly_for_certified_work():
    K = Matrix([[0.9, 0.1], [0.3, 0.7]])
    assert not K.exact
    assert all(sum(r) == 1 for r in K.rational_rows())


@pytest.mark.parametrize("rows, message", [
    ([[0.5, -0.1, 0.6]], "negative"),
    ([["1/2", "1/3"]], "sums to 5/6, not 1"),
    ([[0.5, 0.4]], "sums to 0.9"),
    ([], "non-empty"),
    ([[]], "non-empty rows"),
    ([[1, 0], [1]], "has 1 entries, expected 2"),
    ([["a", "b"]], "decimal"),
    ([[float("nan"), 1.0]], "finite"),
])
def test_invalid_matrices_give_clear_errors(rows, message):
    with pytest.raises(InvalidArgument, match=message):
        Matrix(rows)


def test_absurd_sizes_are_refused():
    with pytest.raises(LimitExceeded):
        Matrix([[1] + [0] * 300])
    with pytest.raises(LimitExceeded):
        parse_number("1e-99999")
    with pytest.raises(LimitExceeded):
        product(QSC(16, "0.1"), QSC(17, "0.1"))


@pytest.mark.parametrize("maker, arg", [(BSC, "1.5"), (BEC, "-0.1"), (Z, 2), (AWGN, -1)])
def test_parameters_out_of_range(maker, arg):
    with pytest.raises(InvalidArgument):
        maker(arg)


def test_qsc_needs_an_integer_alphabet():
    with pytest.raises(InvalidArgument, match="integer alphabet"):
        QSC("2.5", "0.1")
    with pytest.raises(InvalidArgument):
        QSC(1, "0.1")


def test_product_is_the_kronecker_product():
    K = product(BSC("0.1"), BEC("0.2"))
    assert K.shape == (4, 6)
    expected = np.kron(np.array(BSC("0.1").rows, dtype=object), np.array(BEC("0.2").rows, dtype=object))
    assert (K.matrix() == expected).all()
    assert all(sum(r) == 1 for r in K.rows)


def test_composition_is_the_matrix_product():
    K = compose(BSC("0.1"), BSC("0.2"))
    # two BSCs in series: BSC(0.1 * 0.8 + 0.9 * 0.2)
    assert K == BSC(Fraction(1, 10) * Fraction(4, 5) + Fraction(9, 10) * Fraction(1, 5))
    with pytest.raises(InvalidArgument, match="cannot compose"):
        compose(BEC("0.1"), BSC("0.1"))


def test_awgn_has_no_matrix():
    with pytest.raises(InvalidArgument):
        AWGN(3).matrix()
    assert isinstance(AWGN(3).sympy(), sympy.Expr)


def test_from_spec_reads_proof_file_channels():
    from derive.io.grammar import parse_channel_spec

    assert from_spec(parse_channel_spec("BSC(0.1)")) == BSC("0.1")
    assert from_spec(parse_channel_spec("QSC(3, 1/5)")) == QSC(3, "0.2")
    assert from_spec(parse_channel_spec("matrix([[0.9, 0.1], [0.2, 0.8]])")) == Matrix([["0.9", "0.1"], ["0.2", "0.8"]])
    assert isinstance(from_spec(parse_channel_spec("AWGN(3)")), AWGN)


def test_from_spec_substitutes_parameters():
    from derive.core.hypotheses import ChannelSpec

    d = sympy.Symbol("delta")
    spec = ChannelSpec("BSC", (d,))
    assert from_spec(spec, {"delta": Fraction(1, 4)}) == BSC("1/4")
    assert from_spec(spec, {d: "0.25"}) == BSC("1/4")
    with pytest.raises(InvalidArgument, match="needs values for delta"):
        from_spec(spec, {})


def test_outward_rounding():
    x = Fraction(1, 10)
    assert Fraction(float_down(x)) <= x <= Fraction(float_up(x))
    assert float_down(Fraction(1, 2)) == float_up(Fraction(1, 2)) == 0.5
