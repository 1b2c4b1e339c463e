"""evaluate() and evaluate_statement(): closed forms in float64 (1e-12) and at 50 digits (1e-40)."""

from __future__ import annotations

import math
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
import sympy

from derive.core import (
    RV, TV, D, Domain, FamilyMember, FamilyRange, H, I, RVSet, Statement, h, index_symbol, make_parameter,
)
from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric import Distributions, JointPMF, Model, evaluate, evaluate_statement
from derive.numeric.distributions import binary_entropy, binary_entropy_mp
from derive.numeric.evaluate import MAX_SUM_TERMS

TOL = 1e-12
MP_TOL = mpmath.mpf(10) ** -40

X, Y, Z, M, Pv = RV("X"), RV("Y"), RV("Z"), RV("M"), RV("P")
delta = make_parameter("delta", Domain(sympy.S(0), sympy.S(1) / 2, False, False)).symbol
n = make_parameter("n", Domain(sympy.S(1), sympy.oo, False, True, integer=True)).symbol
i = index_symbol("i")


def bsc_model(d, input_pmf=(F(1, 2), F(1, 2))):
    return JointPMF.exact(["X"], list(input_pmf)).apply_channel(["X"], [[1 - d, d], [d, 1 - d]], "Y")


def bec_model(e, input_pmf):
    return JointPMF.exact(["X"], list(input_pmf)).apply_channel(["X"], [[1 - e, e, 0], [0, e, 1 - e]], "Y")


def mp_close(a, b, tol=MP_TOL):
    with mpmath.workdps(60):
        return abs(mpmath.mpf(a) - mpmath.mpf(b)) < tol


# ---------------------------------------------------------------- closed forms

@pytest.mark.parametrize("d", [F(0), F(1, 100), F(1, 10), F(1, 4), F(1, 3), F(1, 2)])
def test_bsc_uniform_input_gives_one_minus_h(d):
    P = bsc_model(d)
    assert abs(evaluate(I(X, Y), P) - (1 - binary_entropy(d))) < TOL
    v = evaluate(I(X, Y), P, precision="mp", dps=50)
    assert isinstance(v, mpmath.mpf)
    with mpmath.workdps(60):
        assert abs(v - (1 - binary_entropy_mp(d, dps=60))) < MP_TOL
    # the same closed form written with the parameter delta and h()
    v2 = evaluate(1 - h(delta), P, params={delta: d}, precision="mp")
    assert mp_close(v, v2)
    assert abs(evaluate(1 - h(delta), P, params={"delta": d}) - evaluate(I(X, Y), P)) < TOL


@pytest.mark.parametrize("e", [F(0), F(1, 5), F(1, 2), F(9, 10), F(1)])
def test_bec_gives_one_minus_epsilon_times_hx(e):
    P = bec_model(e, (F(1, 3), F(2, 3)))
    hx = evaluate(H(X), P)
    assert abs(evaluate(I(X, Y), P) - float(1 - e) * hx) < TOL
    with mpmath.workdps(60):
        lhs = evaluate(I(X, Y), P, precision="mp")
        rhs = (1 - mpmath.mpf(e.numerator) / e.denominator) * evaluate(H(X), P, precision="mp")
        assert abs(lhs - rhs) < MP_TOL


@pytest.mark.parametrize("k", [2, 3, 4, 7])
def test_entropy_of_uniform_in_bits_and_nats(k):
    P = JointPMF.uniform(["X"], [k])
    assert abs(evaluate(H(X), P) - math.log2(k)) < TOL
    assert abs(evaluate(H(X), P, units="nats") - math.log(k)) < TOL
    with mpmath.workdps(60):
        assert abs(evaluate(H(X), P, precision="mp") - mpmath.log(k, 2)) < MP_TOL
        assert abs(evaluate(H(X), P, units="nats", precision="mp") - mpmath.log(k)) < MP_TOL


def _random_exact_model():
    rng = np.random.default_rng(7)
    w = rng.integers(1, 10, size=(2, 3, 2))
    table = np.array([F(int(x), int(w.sum())) for x in w.flat], dtype=object).reshape(w.shape)
    return JointPMF.exact(["X", "Y", "Z"], table)


@pytest.mark.parametrize("lhs, rhs", [
    (H(X, Y, Z), H(X) + H(Y, given=X) + H(Z, given=[X, Y])),
    (I(X, [Y, Z]), I(X, Y) + I(X, Z, given=Y)),
    (I(X, Y, given=Z), H(X, given=Z) - H(X, given=[Y, Z])),
    (H(X, Y), H(X) + H(Y) - I(X, Y)),
])
def test_chain_rule_identities(lhs, rhs):
    P = _random_exact_model()
    assert abs(evaluate(lhs, P) - evaluate(rhs, P)) < TOL
    assert mp_close(evaluate(lhs, P, precision="mp"), evaluate(rhs, P, precision="mp"))
    _, _, slack = evaluate_statement(Statement(lhs, "==", rhs), P, precision="mp")
    assert slack <= 0 and -slack < MP_TOL


def test_units_scale_information_but_not_log_or_h():
    P = bsc_model(F(1, 10))
    bits = evaluate(I(X, Y), P)
    assert abs(evaluate(I(X, Y), P, units="nats") - bits * math.log(2)) < TOL
    # log is the natural log; h is binary entropy in bits, whatever the units
    assert abs(evaluate(sympy.log(2), P, units="bits") - math.log(2)) < TOL
    assert abs(evaluate(h(sympy.Rational(1, 10)), P, units="nats") - binary_entropy(F(1, 10))) < TOL
    # bits written through log: I(X;Y) * log(2) in nats equals I in nats
    assert abs(evaluate(I(X, Y) * sympy.log(2), P) - evaluate(I(X, Y), P, units="nats")) < TOL


# ---------------------------------------------------------------- D and TV

def test_divergence_and_total_variation_from_named_distributions():
    dists = Distributions({"P": [F(1, 2), F(1, 2)], "Q": [F(1, 4), F(3, 4)], "R": [1, 0]})
    expected = 0.5 * math.log2(2) + 0.5 * math.log2(2 / 3)
    assert abs(evaluate(D("P", "Q"), dists) - expected) < TOL
    assert evaluate(TV("P", "Q"), dists) == 0.25
    assert evaluate(TV("Q", "P"), dists, precision="mp") == mpmath.mpf(1) / 4
    assert evaluate(D("P", "R"), dists) == math.inf
    assert abs(evaluate(D("R", "P"), dists) - 1.0) < TOL
    # Pinsker in nats: TV <= sqrt(D / 2)
    lhs, rhs, slack = evaluate_statement(
        Statement(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") / 2)), dists, units="nats")
    assert slack > 0 and abs(rhs - math.sqrt(expected * math.log(2) / 2)) < TOL
    with pytest.raises(InvalidArgument, match="distribution\\(s\\) S"):
        evaluate(D("P", "S"), dists)


def test_model_with_joint_distributions_and_params():
    model = Model(joint=bsc_model(F(1, 5)), distributions={"P": [F(1, 2), F(1, 2)], "Q": [F(1, 3), F(2, 3)]},
                  params={delta: F(1, 5)})
    v = evaluate(I(X, Y) + TV("P", "Q") - (1 - h(delta)), model)
    assert abs(v - 1 / 6) < TOL
    # explicit params override the model's
    assert abs(evaluate(h(delta), model, params={"delta": F(1, 2)}) - 1.0) < TOL


# ---------------------------------------------------------------- families and sums

def _family_model():
    """P -> X[1], X[2], X[3] i.i.d. given P; M depends on all."""
    P = JointPMF.exact(["P"], [F(1, 3), F(2, 3)])
    P = P.apply_channel(["P"], [[F(3, 4), F(1, 4)], [F(1, 5), F(4, 5)]], "X[1]")
    P = P.conditionally_independent_copy(["X[1]"], ["P"], ["X[2]"])
    P = P.conditionally_independent_copy(["X[1]"], ["P"], ["X[3]"])
    return P.function_of(["X[1]", "X[2]", "X[3]", "P"], lambda a, b, c, p: (a + b + c + p) % 2, "M")


def test_sum_over_a_family_at_n_3():
    model = _family_model()
    s = sympy.Sum(I(M, FamilyMember("X", i), given=Pv), (i, 1, n))
    manual = sum(evaluate(I(M, FamilyMember("X", k), given=Pv), model) for k in (1, 2, 3))
    assert abs(evaluate(s, model, params={n: 3}) - manual) < TOL
    with mpmath.workdps(60):
        manual_mp = mpmath.fsum(evaluate(I(M, FamilyMember("X", k), given=Pv), model, precision="mp")
                                for k in (1, 2, 3))
        assert abs(evaluate(s, model, params={"n": 3}, precision="mp") - manual_mp) < MP_TOL
    # superadditivity for members independent given P
    block = I(M, RVSet(*FamilyRange.make("X", 1, n)), given=Pv)
    _, _, slack = evaluate_statement(Statement(block, ">=", s), model, params={n: 3})
    assert slack >= -TOL
    # a sum with a coefficient depending on the index, and an empty sum
    weighted = sympy.Sum(i * H(FamilyMember("X", i), given=Pv), (i, 1, n))
    hx = evaluate(H(FamilyMember("X", 1), given=Pv), model)
    assert abs(evaluate(weighted, model, params={n: 3}) - 6 * hx) < TOL
    assert evaluate(s, model, params={n: 0}) == 0.0


def test_nested_sums_and_family_ranges():
    model = _family_model()
    j = index_symbol("j")
    nested = sympy.Sum(sympy.Sum(I(FamilyMember("X", i), FamilyMember("X", j), given=Pv), (i, 1, j - 1)), (j, 1, n))
    assert abs(evaluate(nested, model, params={n: 3})) < TOL  # conditionally independent pairs
    rng = I(M, FamilyRange("X", 1, n), given=Pv)
    assert abs(evaluate(rng, model, params={n: 3})
               - evaluate(I(M, [FamilyMember("X", k) for k in (1, 2, 3)], given=Pv), model)) < TOL


def test_sum_limits():
    model = _family_model()
    s = sympy.Sum(H(FamilyMember("X", i)), (i, 1, n))
    with pytest.raises(LimitExceeded, match=str(MAX_SUM_TERMS)):
        evaluate(s, model, params={n: MAX_SUM_TERMS + 1})
    with pytest.raises(InvalidArgument, match="parameter\\(s\\) n"):
        evaluate(s, model)
    with pytest.raises(InvalidArgument, match="X\\[4\\]"):
        evaluate(s, model, params={n: 4})
    with pytest.raises(InvalidArgument, match="integer"):
        evaluate(s, model, params={n: F(1, 2)})


# ---------------------------------------------------------------- nonlinear atoms

def test_sqrt_of_information():
    P = bsc_model(F(1, 10), (F(1, 3), F(2, 3)))
    i_xy = evaluate(I(X, Y), P)
    assert abs(evaluate(sympy.sqrt(I(X, Y)), P) - math.sqrt(i_xy)) < TOL
    with mpmath.workdps(60):
        assert abs(evaluate(sympy.sqrt(2 * I(X, Y)), P, precision="mp")
                   - mpmath.sqrt(2 * evaluate(I(X, Y), P, precision="mp"))) < MP_TOL
    # independent: I is 0 exactly, float rounding must not make sqrt complain
    Q = JointPMF.exact(["X"], [F(1, 3), F(2, 3)]).product(JointPMF.exact(["Y"], [F(1, 7), F(2, 7), F(4, 7)]))
    assert evaluate(sympy.sqrt(I(X, Y)), Q) < 1e-7
    assert evaluate(sympy.sqrt(I(X, Y)), Q, precision="mp") < mpmath.mpf(10) ** -20


def test_products_min_max_and_functions_of_information():
    P = _random_exact_model()
    a, b = evaluate(I(X, Y), P), evaluate(H(Z), P)
    assert abs(evaluate(I(X, Y) * H(Z), P) - a * b) < TOL
    assert abs(evaluate(sympy.Min(I(X, Y), H(Z)), P) - min(a, b)) < TOL
    assert abs(evaluate(sympy.Max(I(X, Y), H(Z)) ** 2, P) - max(a, b) ** 2) < TOL
    assert abs(evaluate(sympy.exp(-I(X, Y)), P) - math.exp(-a)) < TOL
    assert abs(evaluate(h(I(X, Y)), P) - binary_entropy(a)) < TOL
    # a function without a fast path goes through lambdify (math / mpmath)
    assert abs(evaluate(sympy.atan(I(X, Y)) + sympy.pi, P) - (math.atan(a) + math.pi)) < TOL
    with mpmath.workdps(60):
        ref = mpmath.atan(evaluate(I(X, Y), P, precision="mp")) + mpmath.pi
        assert abs(evaluate(sympy.atan(I(X, Y)) + sympy.pi, P, precision="mp") - ref) < MP_TOL


def test_domain_errors_are_reported():
    P = bsc_model(F(1, 10))
    with pytest.raises(InvalidArgument, match="positive argument"):
        evaluate(sympy.log(I(X, Y) - 2), P)
    with pytest.raises(InvalidArgument, match="real"):
        evaluate(sympy.sqrt(I(X, Y) - 2), P)
    with pytest.raises(InvalidArgument, match="0 <= p <= 1"):
        evaluate(h(H(X) + 1), P)


# ---------------------------------------------------------------- statements and errors

def test_evaluate_statement_slack_conventions():
    P = bsc_model(F(1, 10))
    ixy, hx = evaluate(I(X, Y), P), evaluate(H(X), P)
    lhs, rhs, slack = evaluate_statement(Statement(I(X, Y), "<=", H(X)), P)
    assert (lhs, rhs) == (ixy, hx) and abs(slack - (hx - ixy)) < TOL
    _, _, slack = evaluate_statement(Statement(I(X, Y), ">=", H(X)), P)
    assert abs(slack - (ixy - hx)) < TOL
    _, _, slack = evaluate_statement(Statement(I(X, Y), "==", H(X)), P)
    assert abs(slack + abs(ixy - hx)) < TOL


def test_unknown_variables_are_named():
    P = bsc_model(F(1, 10))
    with pytest.raises(InvalidArgument, match="variable\\(s\\) W, Z"):
        evaluate(I(X, [Z, RV("W")]), P)
    with pytest.raises(InvalidArgument, match="joint pmf"):
        evaluate(H(X), Distributions({"P": [1]}))


def test_bad_options():
    P = bsc_model(F(1, 10))
    with pytest.raises(InvalidArgument, match="units"):
        evaluate(H(X), P, units="bans")
    with pytest.raises(InvalidArgument, match="precision"):
        evaluate(H(X), P, precision="double")
    with pytest.raises(InvalidArgument, match="Statement"):
        evaluate(Statement(H(X), "<=", 1), P)
    with pytest.raises(InvalidArgument):
        evaluate(H(X), "not a model")
    with pytest.raises(InvalidArgument, match="text"):
        evaluate(h(delta), P, params={"delta": "1/2"})


def test_numbers_and_parameters_without_information():
    assert evaluate(sympy.Rational(1, 3), None) == 1 / 3
    assert evaluate(3, None) == 3.0
    with mpmath.workdps(60):
        assert abs(evaluate(sympy.Rational(1, 3), None, precision="mp") - mpmath.mpf(1) / 3) < MP_TOL
    assert evaluate((1 - 2 * delta) ** 2, None, params={delta: 0.25}) == 0.25


def test_fallback_functions_with_h_and_piecewise():
    P = JointPMF.uniform(["X", "Y"], [2, 2])
    e = sympy.atan(h(I(X, Y) + sympy.Rational(1, 3)))
    assert abs(evaluate(e, P) - math.atan(binary_entropy(F(1, 3)))) < TOL
    with mpmath.workdps(60):
        ref = mpmath.atan(binary_entropy_mp(F(1, 3), dps=60))
        assert abs(evaluate(e, P, precision="mp") - ref) < MP_TOL
    pw = sympy.Piecewise((H(X), H(X) > sympy.Rational(1, 2)), (0, True))
    assert evaluate(pw, P) == 1.0
