"""One scalar semantics: the evaluator (a tree walk) and the statement compiler (closures) compute every node with
:mod:`derive.numeric.expressions`, so they agree, in float64 and in mpmath, on values and on refusals."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from derive.core.quantities import h
from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric.compile import compile_scalar
from derive.numeric.distributions import Model
from derive.numeric.evaluate import evaluate
from derive.numeric.expressions import MAX_SUM_TERMS, expand_sums

p, q = sympy.symbols("p q", positive=True)
i, n = sympy.symbols("i n", integer=True)

EXPRESSIONS = [
    (1 - 2 * p) ** 2 + q / 3,
    sympy.log(1 + q) / sympy.log(2) - sympy.exp(-p),
    h(p) + h(1 - p) - 2 * h(p),
    sympy.sqrt(p * q) + sympy.Abs(p - q) + sympy.Min(p, q) - sympy.Max(p, q / 2),
    sympy.floor(7 * p) + sympy.ceiling(q) + sympy.pi * p,
    q ** sympy.Rational(3, 2) - p ** -2,
]
VALUES = {"p": Fraction(1, 3), "q": Fraction(5, 7)}


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=sympy.sstr)
def test_the_evaluator_and_the_compiler_agree(expr):
    exact = float(expr.subs({p: sympy.Rational(1, 3), q: sympy.Rational(5, 7)}).replace(
        lambda e: isinstance(e, h), lambda e: -(e.args[0] * sympy.log(e.args[0], 2)
                                                + (1 - e.args[0]) * sympy.log(1 - e.args[0], 2))).evalf(30))
    walked = evaluate(expr, Model(params=VALUES))
    compiled = compile_scalar(expr)(VALUES, False)
    # the evaluator substitutes the values exactly first (sympy folds 1/p**2 to 9), the compiler does not
    assert abs(walked - compiled) <= 1e-14 * max(1.0, abs(walked))
    assert abs(walked - exact) <= 1e-12 * max(1.0, abs(exact))
    with mpmath.workdps(40):
        walked_mp = evaluate(expr, Model(params=VALUES), precision="mp", dps=40)
        compiled_mp = compile_scalar(expr)(VALUES, True)
        assert abs(walked_mp - compiled_mp) <= mpmath.mpf(10) ** -35


def test_both_refuse_a_value_that_is_not_real_and_overflow_to_infinity():
    for expr in (sympy.log(p - 1), (p - 1) ** sympy.Rational(1, 2), h(p + 1)):
        with pytest.raises(InvalidArgument):
            evaluate(expr, Model(params=VALUES))
        with pytest.raises(InvalidArgument):
            compile_scalar(expr)(VALUES, False)
    big = sympy.exp(1000 * q)
    assert evaluate(big, Model(params=VALUES)) == compile_scalar(big)(VALUES, False) == float("inf")


def test_sums_follow_the_empty_sum_convention_and_the_term_budget():
    assert expand_sums(sympy.Sum(i, (i, 1, 0))) == 0
    assert expand_sums(sympy.Sum(i, (i, 1, 4))) == 10
    with pytest.raises(LimitExceeded):
        expand_sums(sympy.Sum(i, (i, 1, MAX_SUM_TERMS + 1)))
    with pytest.raises(InvalidArgument, match="give values for n"):
        expand_sums(sympy.Sum(i, (i, 1, n)))
