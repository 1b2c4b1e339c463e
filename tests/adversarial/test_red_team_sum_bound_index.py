"""Red team: the sign of a ``Sum`` is read off its summand with the *bound* index's own assumptions or domain.

``sign_of(Sum(f, (j, lo, hi)))`` calls the sum non-negative when ``f`` is, but decides ``f``'s sign from what
the symbol ``j`` says about itself (sympy assumptions, or a parameter's domain when ``j`` is also a parameter's
symbol), not from the range ``lo <= j <= hi`` it runs over. The file grammar refuses such indices, but the
Python API takes sympy expressions, and the kernel proves with ``real``:

* ``sum(j, j, -5, -1) >= 0`` for ``j = Symbol("j", integer=True, positive=True)``: the sum is -15;
* ``sum(5 - k, k, 1, n) >= 0`` where ``k`` is the parameter ``integer, k <= 5`` (its symbol carries no sign
  assumption, so it is the same sympy symbol as an index ``k``): at n = 10 the sum is 50 - 55 = -5.

Independent evidence: direct integer arithmetic (below).
"""

from __future__ import annotations

import pytest
import sympy

from derive.api import Proof, Statement, parameter
from derive.kernel import check_proof


@pytest.fixture(autouse=True)
def _own_parameters(monkeypatch):
    """Parameters declared here stay out of the session's record (other API tests use the names n and k)."""
    import derive.api

    monkeypatch.setattr(derive.api, "_PARAMETERS", dict(derive.api._PARAMETERS))


def _status(expr: sympy.Expr) -> str:
    proof = Proof("red_sum_index").step("s", Statement(expr, ">=", sympy.Integer(0)), "real")
    return check_proof(proof).steps[0].status


def test_sum_over_negative_range_of_a_positive_symbol_is_not_proved_nonnegative():
    j = sympy.Symbol("j", integer=True, positive=True)
    assert sum(range(-5, 0)) == -15
    assert _status(sympy.Sum(j, (j, -5, -1))) != "proved"


def test_sum_whose_index_is_a_parameter_symbol_is_not_proved_nonnegative():
    k = parameter("k", "integer, k <= 5")
    n = parameter("n", "integer >= 1")
    assert sum(5 - i for i in range(1, 11)) == -5  # n = 10
    assert _status(sympy.Sum(5 - k, (k, 1, n))) != "proved"


def test_a_true_sum_over_its_range_is_still_proved():
    j = sympy.Symbol("j", integer=True)
    n = parameter("n", "integer >= 1")
    assert _status(sympy.Sum(j ** 2, (j, 1, n))) == "proved"


def test_an_index_with_assumptions_of_its_own_is_refused_at_the_door():
    """The class fix: sympy's own machinery (simplify, doit, is_positive) reads a bound index's assumptions, so the
    kernel's door refuses an index that is a parameter or carries any assumption beyond its range (a non-negative
    index only over a range starting at a non-negative value)."""
    i_nonneg = sympy.Symbol("i", integer=True, nonnegative=True)
    j = sympy.Symbol("j", integer=True, positive=True)
    for claim in (Statement(sympy.Sum(j, (j, -5, -1)), "==", sympy.Integer(-15)),
                  Statement(sympy.Sum(i_nonneg, (i_nonneg, -5, -1)), "<=", sympy.Integer(0))):
        step = check_proof(Proof("red_sum_door").step("s", claim, "real")).steps[0]
        assert step.status == "failed" and "plain integer symbol" in step.message
    ok = Statement(sympy.Sum(i_nonneg, (i_nonneg, 0, 3)), "==", sympy.Integer(6))
    assert check_proof(Proof("red_sum_ok").step("s", ok, "real")).steps[0].status == "proved"
