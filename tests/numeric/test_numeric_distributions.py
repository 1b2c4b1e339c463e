"""JointPMF, Distributions and the entropy / KL / TV helpers (float64 and mpmath)."""

from __future__ import annotations

import math
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
import sympy

from derive.errors import InvalidArgument
from derive.numeric.distributions import (
    Distributions,
    JointPMF,
    Model,
    binary_entropy,
    binary_entropy_mp,
    entropy_of_pmf,
    entropy_of_pmf_mp,
    kl_divergence,
    kl_divergence_mp,
    total_variation,
    total_variation_mp,
)

TOL = 1e-12
MP_TOL = mpmath.mpf(10) ** -40


def _close_mp(a, b, tol=MP_TOL):
    with mpmath.workdps(60):
        return abs(mpmath.mpf(a) - mpmath.mpf(b)) < tol


# ---------------------------------------------------------------- construction and validation

def test_exact_and_float_tables():
    P = JointPMF.exact(["X", "Y"], [[F(1, 2), 0], [F(1, 4), F(1, 4)]])
    assert P.is_exact and P.names == ("X", "Y") and P.alphabet_sizes == {"X": 2, "Y": 2}
    assert all(isinstance(v, F) for v in P.table.flat)
    Q = JointPMF(["X", "Y"], [[0.5, 0.0], [0.25, 0.25]])
    assert not Q.is_exact and Q.table.dtype == np.float64
    assert P.to_float() == Q
    assert JointPMF(["X"], [1, 0]).is_exact  # ints are exact
    assert JointPMF.exact(["X"], [sympy.Rational(1, 3), sympy.Rational(2, 3)]).table[0] == F(1, 3)


def test_table_is_read_only():
    P = JointPMF.exact(["X"], [F(1, 2), F(1, 2)])
    with pytest.raises(ValueError):
        P.table[0] = F(1)


@pytest.mark.parametrize("names, table, msg", [
    (["X"], [F(1, 2), F(1, 3)], "sum to exactly 1"),
    (["X"], [F(3, 2), F(-1, 2)], "non-negative"),
    (["X", "Y"], [F(1, 2), F(1, 2)], "one axis per variable"),
    (["X", "X"], [[1, 0], [0, 0]], "distinct"),
    ([""], [1], "non-empty"),
])
def test_exact_validation(names, table, msg):
    with pytest.raises(InvalidArgument, match=msg):
        JointPMF.exact(names, table)


def test_exact_refuses_floats_and_text():
    with pytest.raises(InvalidArgument, match="exact number"):
        JointPMF.exact(["X"], [0.5, 0.5])
    with pytest.raises(InvalidArgument):
        JointPMF.exact(["X"], ["1/2", "1/2"])


def test_float_validation():
    JointPMF(["X"], [0.5, 0.5 + 1e-12])
    with pytest.raises(InvalidArgument, match="sum to 1"):
        JointPMF(["X"], [0.5, 0.6])
    with pytest.raises(InvalidArgument, match="non-negative"):
        JointPMF(["X"], [1.5, -0.5])
    with pytest.raises(InvalidArgument, match="finite"):
        JointPMF(["X"], [float("nan"), 1.0])
    with pytest.raises(InvalidArgument):
        JointPMF(["X"], [True, False], exact=False)


def test_invalid_argument_is_a_type_error():
    with pytest.raises(TypeError):
        JointPMF.exact(["X"], [F(1, 3)])


# ---------------------------------------------------------------- marginals and entropies

def test_marginal_orders_axes_as_asked():
    P = JointPMF.exact(["X", "Y", "Z"], np.arange(1, 9, dtype=object).reshape(2, 2, 2) / F(36))
    m = P.marginal(["Z", "X"])
    assert m.names == ("Z", "X")
    assert m.table[1, 0] == P.table[0, :, 1].sum()
    assert P.marginal([]).names == () and P.marginal([]).table[()] == 1
    with pytest.raises(InvalidArgument, match="unknown W"):
        P.marginal(["W"])


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_entropy_of_uniform_is_log_k(k):
    P = JointPMF.uniform(["X"], [k])
    assert abs(P.entropy(["X"]) - math.log2(k)) < TOL
    assert abs(P.entropy(["X"], base="e") - math.log(k)) < TOL
    with mpmath.workdps(60):
        assert abs(P.entropy_mp(["X"]) - mpmath.log(k, 2)) < MP_TOL
        assert abs(P.entropy_mp(["X"], base="e") - mpmath.log(k)) < MP_TOL


def test_entropy_zero_log_zero_and_empty_set():
    P = JointPMF.exact(["X", "Y"], [[1, 0], [0, 0]])
    assert P.entropy() == 0.0 and P.entropy([]) == 0.0
    assert P.entropy_mp(["X", "Y"]) == 0


def test_entropy_float_and_exact_agree():
    P = JointPMF.exact(["X", "Y"], [[F(1, 7), F(2, 7)], [F(3, 7), F(1, 7)]])
    exact_value = -sum(float(p) * math.log2(float(p)) for p in P.table.flat)
    assert abs(P.entropy() - exact_value) < TOL
    assert abs(P.to_float().entropy() - P.entropy()) < TOL
    assert abs(float(P.entropy_mp()) - P.entropy()) < TOL


def test_chain_rule_on_a_table():
    P = JointPMF.exact(["X", "Y", "Z"], np.array(
        [F(1, 20), F(2, 20), F(3, 20), F(1, 20), F(4, 20), F(2, 20), F(1, 20), F(6, 20)], dtype=object
    ).reshape(2, 2, 2))
    with mpmath.workdps(60):
        lhs = P.entropy_mp(["X", "Y", "Z"])
        rhs = (P.entropy_mp(["X"]) + (P.entropy_mp(["X", "Y"]) - P.entropy_mp(["X"]))
               + (P.entropy_mp(["X", "Y", "Z"]) - P.entropy_mp(["X", "Y"])))
        assert abs(lhs - rhs) < MP_TOL
    i = P.mutual_information(["X"], ["Y"], ["Z"])
    assert i >= -TOL
    assert abs(i - float(P.mutual_information_mp(["X"], ["Y"], ["Z"]))) < TOL


# ---------------------------------------------------------------- building models

def test_product_is_independent():
    A = JointPMF.exact(["X"], [F(1, 3), F(2, 3)])
    B = JointPMF.exact(["Y"], [F(1, 4), F(1, 4), F(1, 2)])
    P = A.product(B)
    assert P.names == ("X", "Y") and P.shape == (2, 3) and P.is_exact
    assert P.table[1, 2] == F(1, 3)
    assert P.mutual_information_mp(["X"], ["Y"]) < MP_TOL
    with pytest.raises(InvalidArgument, match="disjoint"):
        A.product(A)


def test_apply_channel_uses_c_order_rows_for_several_inputs():
    P = JointPMF.exact(["X", "Y"], [[F(1, 2), 0], [F(1, 4), F(1, 4)]])
    rows = [[1, 0], [0, 1], [F(1, 2), F(1, 2)], [F(1, 3), F(2, 3)]]
    Q = P.apply_channel(["Y", "X"], rows, "Z")  # row index = 2*y + x
    assert Q.names == ("X", "Y", "Z") and Q.is_exact
    for x in range(2):
        for y in range(2):
            for z in range(2):
                assert Q.table[x, y, z] == P.table[x, y] * F(rows[2 * y + x][z])


def test_apply_channel_with_no_inputs_is_an_independent_variable():
    P = JointPMF.exact(["X"], [F(1, 2), F(1, 2)]).apply_channel([], [[F(1, 3), F(2, 3)]], "W")
    assert P.marginal(["W"]).table.tolist() == [F(1, 3), F(2, 3)]
    assert P.mutual_information_mp(["X"], ["W"]) < MP_TOL


def test_apply_channel_validation():
    P = JointPMF.exact(["X"], [F(1, 2), F(1, 2)])
    with pytest.raises(InvalidArgument, match="2 rows"):
        P.apply_channel(["X"], [[1, 0]], "Y")
    with pytest.raises(InvalidArgument, match="row 2"):
        P.apply_channel(["X"], [[1, 0], [F(1, 2), F(1, 3)]], "Y")
    with pytest.raises(InvalidArgument, match="new variable"):
        P.apply_channel(["X"], [[1, 0], [0, 1]], "X")
    with pytest.raises(InvalidArgument, match="unknown W"):
        P.apply_channel(["W"], [[1, 0], [0, 1]], "Y")


def test_apply_float_channel_to_exact_pmf_gives_float():
    P = JointPMF.exact(["X"], [F(1, 2), F(1, 2)]).apply_channel(["X"], [[0.9, 0.1], [0.1, 0.9]], "Y")
    assert not P.is_exact
    assert abs(P.table[0, 1] - 0.05) < TOL


def test_function_of_is_deterministic():
    P = JointPMF.uniform(["X", "Y"], [2, 3])
    Q = P.function_of(["X", "Y"], lambda x, y: (x + y) % 2, "S")
    assert Q.is_exact and Q.alphabet_sizes["S"] == 2
    assert Q.entropy_mp(["X", "Y", "S"]) - Q.entropy_mp(["X", "Y"]) < MP_TOL  # H(S | X, Y) = 0
    R = P.function_of(["Y"], [0, 0, 1], "T", size=3)
    assert R.alphabet_sizes["T"] == 3 and R.marginal(["T"]).table.tolist() == [F(2, 3), F(1, 3), 0]
    with pytest.raises(InvalidArgument, match="3 function values"):
        P.function_of(["Y"], [0, 1], "T")


def test_rename_and_reorder():
    P = JointPMF.exact(["X", "Y"], [[F(1, 2), 0], [F(1, 4), F(1, 4)]])
    Q = P.rename({"X": "X[1]"})
    assert Q.names == ("X[1]", "Y") and np.array_equal(Q.table, P.table)
    assert P.reorder(["Y", "X"]).table[1, 0] == 0
    with pytest.raises(InvalidArgument, match="distinct"):
        P.rename({"X": "Y"})


def test_conditionally_independent_copy_is_iid_given():
    P = JointPMF.exact(["T", "X"], [[F(1, 6), F(1, 3)], [F(1, 8), F(3, 8)]])
    Q = P.conditionally_independent_copy(["X"], ["T"], ["X2"])
    assert Q.names == ("T", "X", "X2")
    assert Q.marginal(["T", "X2"]) == P.marginal(["T", "X"]).rename({"X": "X2"})
    assert Q.mutual_information_mp(["X"], ["X2"], ["T"]) < MP_TOL
    assert Q.mutual_information(["X"], ["X2"]) > 1e-6  # dependent through T


def test_as_dict_is_json_friendly():
    d = JointPMF.exact(["X"], [F(1, 3), F(2, 3)]).as_dict()
    assert d == {"names": ["X"], "alphabet_sizes": [2], "exact": True, "table": ["1/3", "2/3"]}


# ---------------------------------------------------------------- single pmfs

@pytest.mark.parametrize("p", [F(1, 10), F(1, 3), F(1, 2), F(7, 8)])
def test_binary_entropy(p):
    x = float(p)
    expected = -x * math.log2(x) - (1 - x) * math.log2(1 - x)
    assert abs(binary_entropy(p) - expected) < TOL
    assert abs(binary_entropy(x) - expected) < TOL
    with mpmath.workdps(60):
        q = mpmath.mpf(p.numerator) / p.denominator
        ref = -(q * mpmath.log(q, 2) + (1 - q) * mpmath.log(1 - q, 2))
        assert abs(binary_entropy_mp(p) - ref) < MP_TOL
    assert binary_entropy(0) == 0.0 and binary_entropy(1.0) == 0.0
    with pytest.raises(InvalidArgument):
        binary_entropy(1.5)


def test_kl_and_tv_small_examples():
    p, q = [F(1, 2), F(1, 2)], [F(1, 4), F(3, 4)]
    expected = 0.5 * math.log2(2) + 0.5 * math.log2(F(2, 3))
    assert abs(kl_divergence(p, q) - expected) < TOL
    with mpmath.workdps(60):
        ref = mpmath.mpf(1) / 2 * mpmath.log(2, 2) + mpmath.mpf(1) / 2 * mpmath.log(mpmath.mpf(2) / 3, 2)
        assert abs(kl_divergence_mp(p, q) - ref) < MP_TOL
    assert kl_divergence(p, p) == 0.0
    assert kl_divergence([1, 0], [F(1, 2), F(1, 2)]) == pytest.approx(1.0, abs=TOL)
    assert kl_divergence([F(1, 2), F(1, 2)], [1, 0]) == math.inf
    assert kl_divergence_mp([F(1, 2), F(1, 2)], [1, 0]) == mpmath.inf
    assert total_variation(p, q) == 0.25
    assert total_variation_mp(p, q) == mpmath.mpf(1) / 4
    assert total_variation([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.25, abs=TOL)
    assert abs(entropy_of_pmf([F(1, 4)] * 4) - 2.0) < TOL
    assert _close_mp(entropy_of_pmf_mp([F(1, 4)] * 4), 2)


def test_pinsker_on_an_example():
    p, q = [F(1, 5), F(4, 5)], [F(1, 2), F(1, 2)]
    assert total_variation(p, q) <= math.sqrt(kl_divergence(p, q, base="e") / 2)


def test_distributions_same_alphabet():
    d = Distributions({"P": [F(1, 2), F(1, 2)], "Q": [F(1, 4), F(3, 4)]})
    assert set(d) == {"P", "Q"} and d.tv("P", "Q") == 0.25
    assert abs(d.kl("P", "Q") - kl_divergence([F(1, 2), F(1, 2)], [F(1, 4), F(3, 4)])) < TOL
    with pytest.raises(InvalidArgument, match="one alphabet"):
        Distributions({"P": [F(1, 2), F(1, 2)], "Q": [1, 0, 0]})
    with pytest.raises(InvalidArgument, match="unknown R"):
        d.kl("P", "R")


def test_model_wraps_parts():
    m = Model(joint=JointPMF.uniform(["X"], [2]), distributions={"P": [1, 0]}, params={"d": F(1, 3)})
    assert isinstance(m.distributions, Distributions)
    assert m.as_dict()["params"] == {"d": "1/3"}
    with pytest.raises(InvalidArgument):
        Model(joint="X")
