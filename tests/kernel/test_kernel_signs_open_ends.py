"""A root of a univariate rational function at an *open* end of its parameter's domain is not in the domain, so it
does not weaken the proved sign: Sturm counting on the closed hull counted it, and 1 - e on 0 < e < 1 was only
'nonneg' (a multiplier 1/(1 - e) was then refused: its denominator not provably non-zero)."""

from __future__ import annotations

import pytest
import sympy

from derive.core.parameters import Domain
from derive.kernel.signs import sign_of

e = sympy.Symbol("e", real=True)


@pytest.mark.parametrize("lo_open, hi_open, expr, sign", [
    (True, True, 1 - e, "pos"), (True, False, 1 - e, "nonneg"), (False, True, e, "nonneg"),
    (True, True, e * (1 - e), "pos"), (True, True, 1 / (1 - e), "pos"), (False, False, 1 / (1 - e), None),
    (True, True, (1 - 2 * e) ** 2, "nonneg"), (True, True, e - sympy.Rational(1, 2), None),
    (True, True, (e - 1) ** 3, "neg"), (True, False, (e - 1) ** 3, "nonpos"),
])
def test_a_root_at_an_open_end_of_the_domain_does_not_weaken_a_sign(lo_open, hi_open, expr, sign):
    assert sign_of(expr, {e: Domain(sympy.Integer(0), sympy.Integer(1), lo_open, hi_open)}) == sign


def test_the_signs_hold_at_sampled_points_of_the_open_interval():
    """Independent check: the proved strict signs hold at 200 rational points strictly inside (0, 1)."""
    domain = {e: Domain(sympy.Integer(0), sympy.Integer(1), True, True)}
    for expr in (1 - e, e * (1 - e), 1 / (1 - e), -(e - 1) ** 3):
        assert sign_of(expr, domain) == "pos"
        assert all(expr.subs(e, sympy.Rational(k, 201)) > 0 for k in range(1, 201))
