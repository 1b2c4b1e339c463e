"""``Domain.between``: the piece of a domain from ``a`` to ``b`` that the ``real`` rule's ``split`` and its search
both cut (one owner)."""

from __future__ import annotations

from sympy import Integer, Rational, S

from derive.core.parameters import Domain


def test_a_shared_end_keeps_its_openness_and_a_new_end_is_closed():
    d = Domain(Integer(0), Rational(1, 2), False, True)      # 0 <= p < 1/2
    left, right = d.between(Integer(0), Rational(1, 4)), d.between(Rational(1, 4), Rational(1, 2))
    assert (left.lo_open, left.hi_open) == (False, False)
    assert (right.lo_open, right.hi_open) == (False, True)
    assert right.contains(Rational(1, 4)) and not right.contains(Rational(1, 2))


def test_infinite_ends_stay_open_and_integers_stay_integers():
    d = Domain(S.NegativeInfinity, S.Infinity, True, True, True)
    piece = d.between(Rational(3, 2), S.Infinity)
    assert piece.integer and piece.contains(Integer(2)) and not piece.contains(Integer(1))


def test_a_piece_with_no_integer_is_none():
    d = Domain(Integer(1), S.Infinity, False, True, True)
    assert d.between(Rational(3, 2), Rational(7, 4)) is None
