"""Property tests: for every rule, a conclusion the kernel accepts holds numerically on random
distributions that satisfy the rule's premises exactly (exact Fraction pmfs, mpmath at 50 digits).

Each test first asserts the kernel *accepts* the step (so the property is about an accepted
conclusion), then evaluates both sides on models drawn by ``derive.numeric.strategies``.
"""

from __future__ import annotations

import pytest

from fractions import Fraction

import mpmath
import numpy as np
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_helpers import HALF, channel, check_one, domain, markov, matrix_channel, new_proof

import derive.numeric.strategies as ds
from derive.provers.certificate_search import search_oracle
from derive.core import (D, H, TV, Assume, Channel, ChannelSpec, FamilyRange, I, MutuallyIndependent, RVSet,
                         Statement, h, index_symbol)
from derive.numeric.distributions import Distributions, JointPMF
from derive.numeric.evaluate import evaluate_statement

S = Statement
TOL = mpmath.mpf("1e-30")
PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def holds(statement, model, params=None, units="bits") -> bool:
    _, _, slack = evaluate_statement(statement, model, params=params or {}, units=units, precision="mp", dps=50)
    return slack >= -TOL


def accepted(result) -> None:
    assert result.status in ("proved", "assumed"), result.message


# ---------------------------------------------------------------- dpi

def _dpi_claims():
    p, e = new_proof()
    p.hypothesis("chain", markov("U", "X", "Y", "Z"))
    U, X, Y, Z = (e[c] for c in "UXYZ")
    claims = [S(I(U, Z), "<=", I(U, Y)), S(I(U, Z), "<=", I(X, Z)), S(I(U, Y), "<=", I(X, Y)),
              S(I(U, Z, given=X), "<=", I(U, Y, given=X))]
    for k, c in enumerate(claims):
        p.step(f"s{k}", c, "dpi", uses=["chain"])
    from derive.kernel import check_proof
    report = check_proof(p, oracle=search_oracle)
    for r in report.steps:
        accepted(r)
    return claims


DPI_CLAIMS = _dpi_claims()


@PROPS
@given(ds.markov_chains(("U", "X", "Y", "Z"), max_alphabet=3))
def test_dpi_conclusions_hold_on_markov_chains(model):
    for c in DPI_CLAIMS:
        assert holds(c, model)


# ---------------------------------------------------------------- sdpi (BSC closed form, Z channel Dobrushin)

def _sdpi_claim(ch_name):
    params = {"delta": domain(0, HALF)} if ch_name == "BSC" else {"delta": domain(0, 1)}
    p, e = new_proof(params=params)
    d = e["delta"]
    p.hypothesis("chain", markov("U", "X", "Y"))
    p.hypothesis("ch", channel("Y", "X", ch_name, d))
    coef = (1 - 2 * d) ** 2 if ch_name == "BSC" else 1 - d
    claim = S(I(e["U"], e["Y"]), "<=", coef * I(e["U"], e["X"]))
    accepted(check_one(p, claim, "sdpi", uses=["chain", "ch"])[0])
    return claim, d


SDPI_BSC, DELTA = _sdpi_claim("BSC")
SDPI_Z, _ = _sdpi_claim("Z")


@st.composite
def u_x_models(draw):
    """U arbitrary, X binary from U through a random channel."""
    k = draw(ds.alphabet_sizes(3))
    pu = draw(ds.pmf_vectors(k))
    m = draw(ds.channel_matrices(k, 2))
    return JointPMF.exact(("U",), np.array(pu, dtype=object)).apply_channel(("U",), m, "X")


@PROPS
@given(u_x_models(), ds.probabilities(0, Fraction(1, 2)))
def test_sdpi_bsc_holds(model, delta):
    bsc = np.array([[1 - delta, delta], [delta, 1 - delta]], dtype=object)
    full = model.apply_channel(("X",), bsc, "Y")
    assert holds(SDPI_BSC, full, {DELTA: delta})


@PROPS
@given(u_x_models(), ds.probabilities(0, 1))
def test_sdpi_z_channel_dobrushin_holds(model, p):
    zch = np.array([[Fraction(1), Fraction(0)], [p, 1 - p]], dtype=object)
    full = model.apply_channel(("X",), zch, "Y")
    assert holds(SDPI_Z, full, {DELTA: p})


def _matrix_sdpi():
    rows = [["9/10", "1/10"], ["3/10", "7/10"]]
    p, e = new_proof()
    p.hypothesis("chain", markov("U", "X", "Y"))
    p.hypothesis("ch", matrix_channel("Y", "X", rows))
    claim = S(I(e["U"], e["Y"]), "<=", sympy.Rational(3, 5) * I(e["U"], e["X"]))
    accepted(check_one(p, claim, "sdpi", uses=["chain", "ch"])[0])
    return claim, np.array([[Fraction(r) for r in row] for row in rows], dtype=object)


SDPI_MATRIX, MATRIX = _matrix_sdpi()


@PROPS
@given(u_x_models())
def test_sdpi_matrix_channel_holds(model):
    assert holds(SDPI_MATRIX, model.apply_channel(("X",), MATRIX, "Y"))


# ---------------------------------------------------------------- tensorization (n = 2)

def _tensor_claim():
    p, e = new_proof("U", params={"delta": domain(0, HALF), "n": domain(1, None, integer=True)},
                     families={"X": (1, "n"), "Y": (1, "n")})
    xs, ys = e["X"].range(1, e["n"]), e["Y"].range(1, e["n"])
    p.hypothesis("chain", markov("U", xs, ys))
    p.hypothesis("mem", Channel(ys, xs, ChannelSpec("BSC", (e["delta"],))))
    p.hypothesis("product", MutuallyIndependent((), RVSet(), family_range=FamilyRange("X", 1, e["n"])))
    claim = S(I(e["U"], ys), "<=", (1 - 2 * e["delta"]) ** 2 * I(e["U"], xs))
    accepted(check_one(p, claim, "tensorization", uses=["chain", "mem", "product"])[0])
    return claim, e["delta"], e["n"]


TENSOR, T_DELTA, T_N = _tensor_claim()


def _tensor_z_claim():
    """Z(p)^n with a product input and eta = 1 - p = eta_TV(Z(p)) (Dobrushin, proved)."""
    p, e = new_proof("U", params={"delta": domain(0, 1), "n": domain(1, None, integer=True)},
                     families={"X": (1, "n"), "Y": (1, "n")})
    xs, ys = e["X"].range(1, e["n"]), e["Y"].range(1, e["n"])
    p.hypothesis("chain", markov("U", xs, ys))
    p.hypothesis("mem", Channel(ys, xs, ChannelSpec("Z", (e["delta"],))))
    p.hypothesis("product", MutuallyIndependent((), RVSet(), family_range=FamilyRange("X", 1, e["n"])))
    claim = S(I(e["U"], ys), "<=", (1 - e["delta"]) * I(e["U"], xs))
    result = check_one(p, claim, "tensorization", uses=["chain", "mem", "product"])[0]
    assert result.status == "proved" and "Dobrushin" in result.message
    return claim, e["delta"], e["n"]


TENSOR_Z, TZ_P, TZ_N = _tensor_z_claim()


@PROPS
@given(st.data(), ds.probabilities(0, Fraction(1, 2)))
def test_tensorization_holds_for_two_uses(data, delta):
    # product input: X[1], X[2] independent; U depends on both (so U - X - Y holds with Y from X alone)
    x1, x2 = data.draw(ds.pmf_vectors(2)), data.draw(ds.pmf_vectors(2))
    k = data.draw(ds.alphabet_sizes(3))
    m = data.draw(ds.channel_matrices(4, k))
    model = JointPMF.exact(("X[1]",), np.array(x1, dtype=object)).product(
        JointPMF.exact(("X[2]",), np.array(x2, dtype=object)))
    model = model.apply_channel(("X[1]", "X[2]"), m, "U")
    bsc = np.array([[1 - delta, delta], [delta, 1 - delta]], dtype=object)
    model = model.apply_channel(("X[1]",), bsc, "Y[1]").apply_channel(("X[2]",), bsc, "Y[2]")
    assert holds(TENSOR, model, {T_DELTA: delta, T_N: 2})


@PROPS
@given(st.data(), ds.probabilities(0, 1))
def test_tensorization_with_dobrushin_bound_holds_for_two_uses(data, p):
    x1, x2 = data.draw(ds.pmf_vectors(2)), data.draw(ds.pmf_vectors(2))
    k = data.draw(ds.alphabet_sizes(3))
    m = data.draw(ds.channel_matrices(4, k))
    model = JointPMF.exact(("X[1]",), np.array(x1, dtype=object)).product(
        JointPMF.exact(("X[2]",), np.array(x2, dtype=object)))
    model = model.apply_channel(("X[1]", "X[2]"), m, "U")
    z = np.array([[Fraction(1), Fraction(0)], [p, 1 - p]], dtype=object)
    model = model.apply_channel(("X[1]",), z, "Y[1]").apply_channel(("X[2]",), z, "Y[2]")
    assert holds(TENSOR_Z, model, {TZ_P: p, TZ_N: 2})


def test_tensorization_needs_product_input_counterexample():
    """Why the rule demands independent inputs: BSC(1/4) twice with a correlated input beats (1 - 2/4)^2."""
    m = np.array([[Fraction(1, 5)] * 3 + [Fraction(2, 5)], [Fraction(2, 5)] + [Fraction(1, 5)] * 3], dtype=object)
    model = JointPMF.exact(("U",), np.array([Fraction(1, 2)] * 2, dtype=object)).apply_channel(("U",), m, "Xj")
    model = model.function_of(("Xj",), [0, 0, 1, 1], "X[1]", size=2).function_of(("Xj",), [0, 1, 0, 1], "X[2]", size=2)
    model = model.marginal(("U", "X[1]", "X[2]"))
    d = Fraction(1, 4)
    bsc = np.array([[1 - d, d], [d, 1 - d]], dtype=object)
    model = model.apply_channel(("X[1]",), bsc, "Y[1]").apply_channel(("X[2]",), bsc, "Y[2]")
    assert not holds(TENSOR, model, {T_DELTA: d, T_N: 2})


# ---------------------------------------------------------------- chain rule

def _chain_claims():
    i = index_symbol("i")
    p, e = new_proof("M P", params={"n": domain(1, None, integer=True)}, families={"X": (1, "n")})
    X, n = e["X"], e["n"]
    c1 = S(I(e["M"], X.range(1, n), given=e["P"]), "==",
           sympy.Sum(I(e["M"], X[i], given=[X.range(1, i - 1), e["P"]]), (i, 1, n)))
    accepted(check_one(p, c1, "chain_rule")[0])
    return c1, n


CHAIN, C_N = _chain_claims()


@PROPS
@given(ds.pmfs(("M", "P", "X[1]", "X[2]", "X[3]"), max_alphabet=2))
def test_chain_rule_over_family_holds_at_n_3(model):
    assert holds(CHAIN, model, {C_N: 3})


# ---------------------------------------------------------------- super/subadditivity

def _additive_claim(rule, rel, cond):
    i = index_symbol("i")
    p, e = new_proof("M P", params={"n": domain(1, None, integer=True)}, families={"X": (1, "n")})
    X, n = e["X"], e["n"]
    p.hypothesis("ind", MutuallyIndependent((), RVSet(e[cond]), family_range=FamilyRange("X", 1, n)))
    g = e["P"] if rule == "superadditivity" else None
    claim = S(I(e["M"], X.range(1, n), given=g), rel, sympy.Sum(I(e["M"], X[i], given=g), (i, 1, n)))
    accepted(check_one(p, claim, rule, uses=["ind"])[0])
    return claim, n


SUPER, SUP_N = _additive_claim("superadditivity", ">=", "P")
SUB, SUB_N = _additive_claim("subadditivity", "<=", "M")
MEMBERS = ("X[1]", "X[2]", "X[3]")


@PROPS
@given(ds.independent_given(("P",), MEMBERS, extra="M", max_alphabet=2))
def test_superadditivity_holds_when_samples_independent_given_p(model):
    assert holds(SUPER, model, {SUP_N: 3})


@PROPS
@given(ds.conditionally_independent_given("M", MEMBERS, max_alphabet=2))
def test_subadditivity_holds_when_samples_independent_given_m(model):
    assert holds(SUB, model, {SUB_N: 3})


# ---------------------------------------------------------------- fano

def _fano_claim():
    p, e = new_proof("X Y", params={"k": domain(2, None, integer=True), "pe": domain(0, 1)})
    k, pe = e["k"], e["pe"]
    bound = h(pe) + pe * sympy.log(k - 1) / sympy.log(2)
    claim = S(H(e["X"], given=e["Y"]), "<=", bound)
    # the domain pe <= 1 is too wide for Fano (needs pe <= 1 - 1/k): the kernel must refuse ...
    assert check_one(p, claim, "fano", args={"error": pe, "alphabet": k})[0].status == "failed"
    p, e = new_proof("X Y", params={"k": domain(2, None, integer=True), "pe": domain(0, HALF)})
    k, pe = e["k"], e["pe"]
    claim = S(H(e["X"], given=e["Y"]), "<=", h(pe) + pe * sympy.log(k - 1) / sympy.log(2))
    accepted(check_one(p, claim, "fano", args={"error": pe, "alphabet": k})[0])  # ... and accept pe <= 1/2
    return claim, k, pe


FANO, F_K, F_PE = _fano_claim()


@PROPS
@given(st.data())
def test_fano_holds_for_the_map_estimator(data):
    k = data.draw(ds.alphabet_sizes(4))
    model = data.draw(ds.pmfs(("X", "Y"), shape=(k, data.draw(ds.alphabet_sizes(3)))))
    table = model.table
    # the MAP estimator's error probability
    pe = 1 - sum(max(table[x, y] for x in range(k)) for y in range(table.shape[1]))
    if pe > Fraction(1, 2):
        return  # outside the declared domain of pe (the kernel refused that case above)
    assert holds(FANO, model, {F_K: k, F_PE: Fraction(pe)})


# ---------------------------------------------------------------- pinsker

def _pinsker_claim():
    p, e = new_proof("")
    p.units = "nats"
    claim = S(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") / 2))
    accepted(check_one(p, claim, "pinsker")[0])
    return claim


PINSKER = _pinsker_claim()


@PROPS
@given(ds.named_distributions(("P", "Q")))
def test_pinsker_holds(dists):
    assert holds(PINSKER, dists, units="nats")


# ---------------------------------------------------------------- monotone, substitute, real, linear

_T = sympy.Symbol("t")


def _monotone_claim(f):
    """f(I(U; Y)) <= f(I(U; X)) from the DPI, by ``monotone`` (accepted: f is non-decreasing on t >= 0)."""
    p, e = new_proof()
    p.hypothesis("chain", markov("U", "X", "Y"))
    U, X, Y = e["U"], e["X"], e["Y"]
    p.step("dpi", S(I(U, Y), "<=", I(U, X)), "dpi", uses=["chain"])
    claim = S(f.subs(_T, I(U, Y)), "<=", f.subs(_T, I(U, X)))
    accepted(check_one(p, claim, "monotone", uses=["dpi"], args={"function": f, "variable": "t"})[0])
    return claim


MONOTONE = _monotone_claim(sympy.sqrt(_T))
#: through max and min (session 23): min(max(t, 1/10), 1 - exp(-t) + 1/5)
MONOTONE_MAX = _monotone_claim(sympy.Min(sympy.Max(_T, sympy.Rational(1, 10)), 1 - sympy.exp(-_T) + sympy.Rational(1, 5)))


@PROPS
@given(ds.markov_chains(("U", "X", "Y")))
def test_monotone_conclusion_holds(model):
    assert holds(MONOTONE, model)


@PROPS
@given(ds.markov_chains(("U", "X", "Y")))
def test_monotone_through_max_min_conclusion_holds(model):
    assert holds(MONOTONE_MAX, model)


def _linear_claim():
    p, e = new_proof(params={"delta": domain(0, HALF)})
    U, X, Y, Z = (e[c] for c in "UXYZ")
    d = e["delta"]
    p.hypothesis("chain", markov("U", "X", "Y", "Z"))
    p.hypothesis("b1", channel("Y", "X", "BSC", d))
    p.hypothesis("b2", channel("Z", "Y", "BSC", d))
    p.step("s1", S(I(U, Y), "<=", (1 - 2 * d) ** 2 * I(U, X)), "sdpi", uses=["chain", "b1"])
    p.step("s2", S(I(U, Z), "<=", (1 - 2 * d) ** 2 * I(U, Y)), "sdpi", uses=["chain", "b2"])
    claim = S(I(U, Z), "<=", (1 - 2 * d) ** 4 * I(U, X))
    accepted(check_one(p, claim, "linear", uses=["s1", "s2"])[0])
    return claim, d


LINEAR, L_D = _linear_claim()


@PROPS
@given(u_x_models(), ds.probabilities(0, Fraction(1, 2)))
def test_linear_composition_holds_on_bsc_chains(model, delta):
    bsc = np.array([[1 - delta, delta], [delta, 1 - delta]], dtype=object)
    full = model.apply_channel(("X",), bsc, "Y").apply_channel(("Y",), bsc, "Z")
    assert holds(LINEAR, full, {L_D: delta})


def _substitute_and_real():
    p, e = new_proof("X Y", params={"a": domain(0, None), "b": domain(0, None)})
    p.hypothesis("eq", Assume(S(e["a"], "==", 2 * e["b"])))
    p.hypothesis("ineq", Assume(S(I(e["X"], e["Y"]), "<=", e["a"])))
    sub = S(I(e["X"], e["Y"]), "<=", 2 * e["b"])
    accepted(check_one(p, sub, "substitute", uses=["eq", "ineq"])[0])
    p2, e2 = new_proof("", params={"delta": domain(0, HALF)})
    real = S((1 - 2 * e2["delta"]) ** 2, "<=", 1 - 2 * e2["delta"])
    accepted(check_one(p2, real, "real")[0])
    return sub, e["b"], real, e2["delta"]


SUBST, S_B, REAL, R_D = _substitute_and_real()


@PROPS
@given(ds.pmfs(("X", "Y")), st.fractions(min_value=0, max_value=1))
def test_substitute_conclusion_holds_when_premises_do(model, slackness):
    from derive.numeric.evaluate import evaluate
    info = evaluate(SUBST.lhs, model, precision="mp", dps=50)
    a = Fraction(mpmath.nstr(info, 45)) + Fraction(1, 10 ** 40) + slackness  # premise I(X;Y) <= a holds
    assert holds(SUBST, model, {S_B: a / 2})  # and a == 2b


@PROPS
@given(ds.probabilities(0, Fraction(1, 2)))
def test_real_conclusion_holds_on_its_domain(delta):
    assert holds(REAL, Distributions({"P": [1]}), {R_D: delta})


def test_models_really_satisfy_premises_used_above():
    # the Z-channel model applies the channel to X exactly
    model = JointPMF.exact(("X",), np.array([Fraction(1, 3), Fraction(2, 3)], dtype=object))
    zch = np.array([[Fraction(1), Fraction(0)], [Fraction(1, 4), Fraction(3, 4)]], dtype=object)
    full = model.apply_channel(("X",), zch, "Y")
    assert full.marginal(("X", "Y")).table[1, 0] == Fraction(2, 3) * Fraction(1, 4)


# ---------------------------------------------------------------- binary entropy monotonicity (signs)

_HX = sympy.Symbol("hx", real=True)
_H_CANDIDATES = [h(_HX) - h(_HX * q) for q in (sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(9, 10))] + [
    1 - h(_HX), 2 * h(_HX) - h(_HX / 2) - h(_HX / 3), h(_HX) - h(_HX / 2) + _HX - sympy.Rational(1, 4),
    h(sympy.Rational(1, 2) - _HX / 2) - h(_HX / 4), h(_HX / 2) - h(_HX)]


@PROPS
@given(st.sampled_from(_H_CANDIDATES), st.sampled_from([(0, HALF), (0, 1), (HALF, 1)]),
       st.lists(ds.probabilities(0, 1), min_size=5, max_size=5))
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_binary_entropy_sign_claims_hold(expr, dom, points):
    from derive.kernel.signs import sign_of

    lo, hi = dom
    s = sign_of(expr, {_HX: domain(lo, hi)})
    if s not in ("pos", "nonneg", "zero"):
        return
    for t in points:
        x = sympy.Rational(lo) + (sympy.Rational(hi) - sympy.Rational(lo)) * sympy.Rational(t)
        value = expr.subs(_HX, x).rewrite(sympy.log)
        v = mpmath.mpf(sympy.N(value.replace(h, lambda p: _h_float(p)), 40))
        assert v >= -mpmath.mpf("1e-30") if s != "zero" else abs(v) < mpmath.mpf("1e-30")


def _h_float(p):
    p = sympy.Rational(p)
    if p in (0, 1):
        return sympy.Integer(0)
    return -(p * sympy.log(p) + (1 - p) * sympy.log(1 - p)) / sympy.log(2)
