"""``Statement.xreplace``: one substitution on both sides, the relation kept (one owner for what the kernel's
instances of a family, verify's assumed instances, the refuters' parameter points and the mutation audit did
each by hand)."""

from __future__ import annotations

import sympy

from derive.core.quantities import H
from derive.core.statements import Statement
from derive.core.variables import FamilyMember, RVSet

i, n = sympy.Symbol("i", integer=True), sympy.Symbol("n", integer=True)


def test_both_sides_are_substituted_and_the_relation_kept():
    st = Statement(H(RVSet(FamilyMember("X", i))), ">=", 2 - i)
    at = st.xreplace({i: n})
    assert at == Statement(H(RVSet(FamilyMember("X", n))), ">=", 2 - n)
    assert st.xreplace({i: sympy.Integer(3)}).rhs == -1 and st.rel == ">="


def test_a_substitution_that_touches_nothing_leaves_the_statement_equal():
    st = Statement(H(RVSet("Y")), "==", sympy.Integer(1))
    assert st.xreplace({i: n}) == st
