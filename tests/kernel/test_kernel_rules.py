"""Every kernel rule: an accepted instance and rejected wrong instances
(flipped relation, wrong constant, missing hypothesis)."""

from __future__ import annotations

import pytest
import sympy
from kernel_helpers import (HALF, Independent, MutuallyIndependent, RVSet, Statement, channel, check_one, domain,
                            markov, matrix_channel, new_proof)

from derive.core import D, H, TV, Assume, I, h, index_symbol
from derive.kernel import RULES

S = Statement


def test_every_contract_rule_is_registered():
    contract = {"shannon", "linear", "dpi", "sdpi", "chain_rule", "superadditivity", "subadditivity",
                "tensorization", "fano", "pinsker", "real", "monotone", "substitute"}
    assert contract <= set(RULES)
    for r in RULES.values():
        from derive.commands.rules import rule_documentation

        doc = rule_documentation(r)
        assert doc["statement"] and doc["reference"]


# ---------------------------------------------------------------- dpi

def _dpi(claim, hyps):
    p, e = new_proof()
    for k, hyp in enumerate(hyps):
        p.hypothesis(f"h{k}", hyp)
    return check_one(p, claim(e), "dpi", uses=[f"h{k}" for k in range(len(hyps))])[0]


def test_dpi_accepts_sub_chain_and_both_sides():
    chain = markov("U", "X", "Y", "Z")
    assert _dpi(lambda e: S(I(e["U"], e["Z"]), "<=", I(e["U"], e["Y"])), [chain]).status == "proved"
    assert _dpi(lambda e: S(I(e["U"], e["Z"]), "<=", I(e["X"], e["Z"])), [chain]).status == "proved"
    assert _dpi(lambda e: S(I(e["X"], e["Y"]), ">=", I(e["U"], e["Y"])), [chain]).status == "proved"


def test_dpi_conditional_form():
    chain = markov("U", "X", "Y", "Z")
    r = _dpi(lambda e: S(I(e["U"], e["Z"], given=e["X"]), "<=", I(e["U"], e["Y"], given=e["X"])), [chain])
    assert r.status == "proved"


def test_dpi_rejects_reversed_inequality():
    r = _dpi(lambda e: S(I(e["U"], e["Y"]), "<=", I(e["U"], e["Z"])), [markov("U", "X", "Y", "Z")])
    assert r.status == "failed" and r.error == "RuleMismatch"  # the chain gives the reverse (issue #17's message)
    assert "the inequality may be reversed" in r.message and "I(U; Z) <= I(U; Y)" in r.message


def test_dpi_rejects_missing_hypothesis_and_wrong_chain():
    r = _dpi(lambda e: S(I(e["U"], e["Z"]), "<=", I(e["U"], e["Y"])), [])
    assert r.status == "failed" and "add the Markov chain" in (r.suggestion or "")
    r = _dpi(lambda e: S(I(e["U"], e["Z"]), "<=", I(e["U"], e["Y"])), [markov("U", "Z", "Y")])
    assert r.status == "failed"


def test_dpi_rejects_conditioning_on_part_of_a_link():
    p, e = new_proof("U V X Y")
    p.hypothesis("h", markov(["U", "V"], "X", "Y"))
    # conditioning on V alone is not covered by the chain (U, V) -> X -> Y
    r = check_one(p, S(I(e["U"], e["Y"], given=e["V"]), "<=", I(e["U"], e["X"], given=e["V"])), "dpi", uses=["h"])[0]
    assert r.status == "failed"


def test_dpi_from_independence():
    p, e = new_proof("A B C")
    p.hypothesis("ind", Independent(RVSet(e["A"]), RVSet(e["C"]), RVSet(e["B"])))
    r = check_one(p, S(I(e["A"], e["C"]), "<=", I(e["A"], e["B"])), "dpi", uses=["ind"])[0]
    assert r.status == "proved"


def test_dpi_rejects_non_mutual_information_sides():
    p, e = new_proof()
    p.hypothesis("c", markov("U", "X", "Y"))
    r = check_one(p, S(H(e["U"]), "<=", I(e["U"], e["X"])), "dpi", uses=["c"])[0]
    assert r.status == "failed" and r.error == "RuleMismatch"


# ---------------------------------------------------------------- sdpi

DELTA = {"delta": domain(0, HALF)}


def _sdpi(coef, ch=None, chain=("U", "X", "Y"), rule="sdpi", params=DELTA, claim=None):
    p, e = new_proof(params=params)
    d = e.get("delta")
    p.hypothesis("chain", markov(*chain))
    uses = ["chain"]
    if ch is not False:
        p.hypothesis("ch", ch(e) if ch else channel("Y", "X", "BSC", d))
        uses.append("ch")
    st = claim(e) if claim else S(I(e["U"], e["Y"]), "<=", coef(d) * I(e["U"], e["X"]))
    return check_one(p, st, rule, uses=uses)[0]


def test_sdpi_bsc_closed_form_is_assumed_and_cited():
    r = _sdpi(lambda d: (1 - 2 * d) ** 2)
    assert r.status == "assumed"
    assert any("Polyanskiy" in t for t in map(str, r.trusted))


def test_sdpi_accepts_larger_constant():
    # (1 - 2d) >= (1 - 2d)^2 on [0, 1/2]; and 1 - 2d is BSC(d)'s Dobrushin coefficient: proved, nothing cited
    r = _sdpi(lambda d: 1 - 2 * d)
    assert r.status == "proved" and "Dobrushin" in r.message and not r.trusted
    r = _sdpi(lambda d: (1 - 2 * d) ** 2 + d * (1 - 2 * d))  # between the closed form and eta_TV: cited
    assert r.status == "assumed"


def test_sdpi_rejects_too_small_constant():
    r = _sdpi(lambda d: (1 - 2 * d) ** 3)
    assert r.status == "failed" and r.error == "RuleMismatch"
    assert "not provably >=" in r.message and r.expected is not None


def test_sdpi_rejects_flipped_relation():
    r = _sdpi(None, claim=lambda e: S(I(e["U"], e["Y"]), ">=", (1 - 2 * e["delta"]) ** 2 * I(e["U"], e["X"])))
    assert r.status == "failed"


def test_sdpi_rejects_missing_channel_or_markov():
    assert _sdpi(lambda d: (1 - 2 * d) ** 2, ch=False).status == "failed"
    r = _sdpi(lambda d: (1 - 2 * d) ** 2, chain=("X", "U", "Y"))
    assert r.status == "failed" and "Markov" in r.message


def test_sdpi_rejects_parameter_outside_channel_range():
    r = _sdpi(lambda d: (1 - 2 * d) ** 2, params={"delta": domain(0, 2)})
    assert r.status == "failed" and r.error == "SideConditionFailed"


def test_sdpi_matrix_channel_uses_exact_dobrushin_and_is_proved():
    ch = lambda e: matrix_channel("Y", "X", [["9/10", "1/10"], ["3/10", "7/10"]])  # noqa: E731
    r = _sdpi(lambda d: sympy.Rational(3, 5), ch=ch)
    assert r.status == "proved" and "Dobrushin" in r.message


def test_sdpi_matrix_channel_below_dobrushin_uses_exact_chi2_envelope():
    # eta_KL = sup_P eta_chi2(P, K) ~ 0.38505 for this channel, eta_TV = 0.6
    ch = lambda e: matrix_channel("Y", "X", [["9/10", "1/10"], ["3/10", "7/10"]])  # noqa: E731
    r = _sdpi(lambda d: sympy.Rational(386, 1000), ch=ch)
    assert r.status == "proved" and "chi2" in r.message and not r.trusted
    r = _sdpi(lambda d: sympy.Rational(385, 1000), ch=ch)  # just below eta_KL: false, rejected
    assert r.status == "failed" and r.error == "RuleMismatch"
    # the exact bound is 0.38504545...; the message gives a short decimal rounded up, which the kernel accepts
    assert "0.38505 (rounded up)" in r.message and r.suggestion == "use eta >= 0.38505"
    assert _sdpi(lambda d: sympy.Rational(38505, 100000), ch=ch).status == "proved"


def test_sdpi_numeric_bsc_is_proved_exactly_by_chi2_envelope():
    ch = lambda e: channel("Y", "X", "BSC", sympy.Rational(1, 10))  # noqa: E731
    r = _sdpi(lambda d: sympy.Rational(16, 25), ch=ch)  # (1 - 2/10)^2, exactly, without citing
    assert r.status == "proved" and not r.trusted
    r = _sdpi(lambda d: sympy.Rational(16, 25) - sympy.Rational(1, 10 ** 30), ch=ch)
    assert r.status == "failed"


def test_sdpi_z_channel_dobrushin():
    params = {"p": domain(0, 1)}
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "Z", e["p"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", (1 - e["p"]) * I(e["U"], e["X"])))
    assert r.status == "proved"
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "Z", e["p"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", (1 - e["p"]) ** 2 * I(e["U"], e["X"])))
    assert r.status == "failed"


def test_sdpi_bec_and_awgn_closed_forms():
    params = {"e": domain(0, 1)}
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "BEC", e["e"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", (1 - e["e"]) * I(e["U"], e["X"])))
    assert r.status == "proved" and "Dobrushin" in r.message  # BEC's eta_TV is also 1 - e
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "BEC", e["e"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", (1 - e["e"]) ** 2 * I(e["U"], e["X"])))
    assert r.status == "failed"
    params = {"s": domain(0, None, lo_open=True)}  # AWGN(s) declares the input N(0, s): s > 0
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "AWGN", e["s"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", e["s"] / (1 + e["s"]) * I(e["U"], e["X"])))
    assert r.status == "assumed"
    r = _sdpi(None, ch=lambda e: channel("Y", "X", "AWGN", e["s"]), params=params,
              claim=lambda e: S(I(e["U"], e["Y"]), "<=", e["s"] / (2 + e["s"]) * I(e["U"], e["X"])))
    assert r.status == "failed"


def test_awgn_needs_a_positive_snr():
    """AWGN(s) declares its input N(0, s); at s = 0 the input is constant and its differential entropy -oo, so a
    domain admitting 0 is refused at the door (H(X | Y) <= H(X) would read -oo <= -oo)."""
    from derive.errors import InvalidArgument

    def run(dom):
        return _sdpi(None, ch=lambda e: channel("Y", "X", "AWGN", e["s"]), params={"s": dom},
                     claim=lambda e: S(I(e["U"], e["Y"]), "<=", e["s"] / (1 + e["s"]) * I(e["U"], e["X"])))

    for dom in (domain(0, None, lo_open=True), domain(1, 2)):
        assert run(dom).status == "assumed"
    for dom in (domain(0, None), domain(0, 1), domain(None, None)):
        with pytest.raises(InvalidArgument, match=r"N\(0, s\).*s > 0"):
            run(dom)


# ---------------------------------------------------------------- tensorization

def _tensor(coef, ch_name="BSC", with_chain=True, product=True):
    n = sympy.Symbol("n", integer=True, positive=True)
    p, e = new_proof("U", params={"delta": domain(0, HALF), "n": domain(1, None, integer=True)},
                     families={"X": (1, "n"), "Y": (1, "n")})
    n = e["n"]
    xs, ys = e["X"].range(1, n), e["Y"].range(1, n)
    uses = ["mem"]
    if with_chain:
        p.hypothesis("chain", markov("U", xs, ys))
        uses.append("chain")
    from derive.core import Channel, ChannelSpec, FamilyRange
    p.hypothesis("mem", Channel(ys, xs, ChannelSpec(ch_name, (e["delta"],))))
    if product:
        p.hypothesis("product", MutuallyIndependent((), RVSet(), family_range=FamilyRange("X", 1, n)))
        uses.append("product")
    return check_one(p, S(I(e["U"], ys), "<=", coef(e["delta"]) * I(e["U"], xs)), "tensorization", uses=uses)[0]


def test_tensorization_accepts_bsc_product():
    r = _tensor(lambda d: (1 - 2 * d) ** 2)
    assert r.status == "assumed" and any("tensorization" in t for t in map(str, r.trusted))


def test_tensorization_rejects_wrong_constant_and_missing_markov():
    assert _tensor(lambda d: (1 - 2 * d) ** 4).status == "failed"
    assert _tensor(lambda d: (1 - 2 * d) ** 2, with_chain=False).status == "failed"


def test_tensorization_rejects_correlated_inputs():
    r = _tensor(lambda d: (1 - 2 * d) ** 2, product=False)
    assert r.status == "failed" and "product input" in r.message


def test_tensorization_accepts_dobrushin_bound_with_product_input():
    # eta_KL(P1 x ... x Pn, Z^n) = max_i eta_KL(P_i, Z) <= eta_KL(Z) <= eta_TV(Z) = 1 - d: valid with a product
    # input (eta_TV(Z^n) itself is larger, but the rule never uses the product's eta_TV)
    r = _tensor(lambda d: 1 - d, ch_name="Z")
    assert r.status == "proved" and "Dobrushin" in r.message


def test_tensorization_rejects_constant_below_eta_kl_of_z_channel():
    r = _tensor(lambda d: (1 - d) ** 2, ch_name="Z")  # eta_KL(Z(d)) = 1 - d > (1 - d)^2 on (0, 1/2]
    assert r.status == "failed" and r.error == "RuleMismatch"


def test_sdpi_refuses_product_channel():
    p, e = new_proof("U", params={"delta": domain(0, HALF), "n": domain(1, None, integer=True)},
                     families={"X": (1, "n"), "Y": (1, "n")})
    xs, ys = e["X"].range(1, e["n"]), e["Y"].range(1, e["n"])
    from derive.core import Channel, ChannelSpec
    p.hypothesis("chain", markov("U", xs, ys))
    p.hypothesis("mem", Channel(ys, xs, ChannelSpec("BSC", (e["delta"],))))
    r = check_one(p, S(I(e["U"], ys), "<=", (1 - 2 * e["delta"]) ** 2 * I(e["U"], xs)), "sdpi",
                  uses=["chain", "mem"])[0]
    assert r.status == "failed" and "tensorization" in r.message


# ---------------------------------------------------------------- chain rule

def test_chain_rule_finite_identity_and_rejection():
    p, e = new_proof("X Y Z")
    X, Y, Z = e["X"], e["Y"], e["Z"]
    r = check_one(p, S(H(X, Y, Z), "==", H(X) + H(Y, given=X) + H(Z, given=[X, Y])), "chain_rule")[0]
    assert r.status == "proved"
    p, e = new_proof("X Y Z")
    r = check_one(p, S(H(X, Y, Z), "==", H(X) + H(Y) + H(Z, given=[X, Y])), "chain_rule")[0]
    assert r.status == "failed"
    p, e = new_proof("X Y Z")
    r = check_one(p, S(H(X, Y, Z), "<=", H(X) + H(Y, given=X) + H(Z, given=[X, Y])), "chain_rule")[0]
    assert r.status == "failed"


def _family_chain(claim_of):
    p, e = new_proof("M P", params={"n": domain(1, None, integer=True)}, families={"X": (1, "n")})
    return check_one(p, claim_of(e), "chain_rule")[0]


def test_chain_rule_over_symbolic_family():
    i = index_symbol("i")

    def claim(e):
        X, n = e["X"], e["n"]
        return S(I(e["M"], X.range(1, n), given=e["P"]), "==",
                 sympy.Sum(I(e["M"], X[i], given=[X.range(1, i - 1), e["P"]]), (i, 1, n)))

    assert _family_chain(claim).status == "proved"

    def entropy(e):
        X, n = e["X"], e["n"]
        return S(H(X.range(1, n)), "==", sympy.Sum(H(X[i], given=X.range(1, i - 1)), (i, 1, n)))

    assert _family_chain(entropy).status == "proved"


def test_chain_rule_over_family_rejects_dropped_conditioning():
    i = index_symbol("i")

    def claim(e):
        X, n = e["X"], e["n"]
        return S(I(e["M"], X.range(1, n), given=e["P"]), "==", sympy.Sum(I(e["M"], X[i], given=e["P"]), (i, 1, n)))

    r = _family_chain(claim)
    assert r.status == "failed"


# ---------------------------------------------------------------- super/subadditivity

def _additive(rule, rel, given_of, independence):
    i = index_symbol("i")
    p, e = new_proof("M P", params={"n": domain(1, None, integer=True)}, families={"X": (1, "n")})
    X, n = e["X"], e["n"]
    uses = []
    if independence is not None:
        p.hypothesis("ind", MutuallyIndependent((), RVSet(independence(e)), family_range=_range(X, n)))
        uses = ["ind"]
    g = given_of(e)
    claim = S(I(e["M"], X.range(1, n), given=g), rel, sympy.Sum(I(e["M"], X[i], given=g), (i, 1, n)))
    return check_one(p, claim, rule, uses=uses)[0]


def _range(X, n):
    from derive.core import FamilyRange
    return FamilyRange(X.name, 1, n)


def test_superadditivity_needs_independence_given_p():
    ok = _additive("superadditivity", ">=", lambda e: e["P"], lambda e: e["P"])
    assert ok.status == "proved"
    missing = _additive("superadditivity", ">=", lambda e: e["P"], None)
    assert missing.status == "failed" and missing.error == "SideConditionFailed"
    wrong_given = _additive("superadditivity", ">=", lambda e: e["P"], lambda e: e["M"])
    assert wrong_given.status == "failed"
    flipped = _additive("superadditivity", "<=", lambda e: e["P"], lambda e: e["P"])
    assert flipped.status == "failed"


def test_subadditivity_needs_independence_given_model():
    ok = _additive("subadditivity", "<=", lambda e: None, lambda e: e["M"])
    assert ok.status == "proved"
    assert _additive("subadditivity", "<=", lambda e: None, None).status == "failed"
    assert _additive("subadditivity", "<=", lambda e: None, lambda e: e["P"]).status == "failed"
    assert _additive("subadditivity", ">=", lambda e: None, lambda e: e["M"]).status == "failed"


def test_superadditivity_finite_family():
    p, e = new_proof("M P", families={"X": (1, 3)})
    i = index_symbol("i")
    X = e["X"]
    p.hypothesis("ind", MutuallyIndependent(tuple(RVSet(X[k]) for k in (1, 2, 3)), RVSet(e["P"])))
    claim = S(I(e["M"], X.range(1, 3), given=e["P"]), ">=", sympy.Sum(I(e["M"], X[i], given=e["P"]), (i, 1, 3)))
    assert check_one(p, claim, "superadditivity", uses=["ind"])[0].status == "proved"


# ---------------------------------------------------------------- fano

def _fano(bound, pe_dom=(0, HALF), args=True):
    p, e = new_proof("X Y", params={"k": domain(2, None, integer=True), "pe": domain(*pe_dom)})
    k, pe = e["k"], e["pe"]
    a = {"error": pe, "alphabet": k} if args else {}
    return check_one(p, S(H(e["X"], given=e["Y"]), "<=", bound(k, pe)), "fano", args=a)[0]


def test_fano_accepts_its_bound_as_assumed_modelling():
    r = _fano(lambda k, pe: h(pe) + pe * sympy.log(k - 1) / sympy.log(2))
    assert r.status == "assumed" and "Fano" in str(r.trusted[0])


def test_fano_rejects_smaller_bound_missing_args_and_bad_domain():
    assert _fano(lambda k, pe: h(pe)).status == "failed"
    assert _fano(lambda k, pe: h(pe) + pe * sympy.log(k - 1) / sympy.log(2), args=False).status == "failed"
    assert _fano(lambda k, pe: h(pe) + pe * sympy.log(k - 1) / sympy.log(2), pe_dom=(0, 1)).status == "failed"


def test_fano_with_a_smaller_error_bound_uses_monotonicity_of_h():
    # the estimator errs with probability <= pe/2; the claim uses the weaker h(pe) + pe log(k - 1):
    # h(pe/2) <= h(pe) because h rises on [0, 1/2]
    p, e = new_proof("X Y", params={"k": domain(2, None, integer=True), "pe": domain(0, HALF)})
    k, pe = e["k"], e["pe"]
    claim = S(H(e["X"], given=e["Y"]), "<=", h(pe) + pe * sympy.log(k - 1) / sympy.log(2))
    r = check_one(p, claim, "fano", args={"error": pe / 2, "alphabet": k})[0]
    assert r.status == "assumed", r.message
    # the other way round (error pe, claim at pe/2) is smaller than Fano's bound: refused
    p, e = new_proof("X Y", params={"k": domain(2, None, integer=True), "pe": domain(0, HALF)})
    k, pe = e["k"], e["pe"]
    claim = S(H(e["X"], given=e["Y"]), "<=", h(pe / 2) + pe / 2 * sympy.log(k - 1) / sympy.log(2))
    assert check_one(p, claim, "fano", args={"error": pe, "alphabet": k})[0].status == "failed"


def test_binary_entropy_monotonicity_in_signs():
    from derive.kernel.signs import sign_of

    x = sympy.Symbol("x", real=True)
    half, unit = {x: domain(0, HALF)}, {x: domain(0, 1)}
    assert sign_of(h(x) - h(x / 2), half) == "nonneg"
    assert sign_of(1 - h(x), half) == "nonneg"  # h <= 1 in bits
    assert sign_of(h(x / 2) - h(x), half) == "nonpos"  # the other direction, by the mean value step: never >= 0
    assert sign_of(h(x) - h(x / 2), unit) is None  # false for x near 1 (h(0.9) < h(0.45))
    assert sign_of(sympy.Rational(1, 2) - h(x), half) is None
    # on [1/2, 1] h falls: 1/2 <= 1 - x <= 1 - x/3 gives h(1 - x) >= h(1 - x/3), not the reverse
    assert sign_of(h(1 - x) - h(1 - x / 3), half) == "nonneg"
    assert sign_of(h(1 - x / 3) - h(1 - x), half) == "nonpos"  # h falls on [1/2, 1] and 1 - x/3 >= 1 - x


# ---------------------------------------------------------------- pinsker

def _pinsker(claim, units="nats"):
    p, e = new_proof("")
    p.units = units
    return check_one(p, claim, "pinsker")[0]


def test_pinsker_accepts_nats_and_squared_form():
    assert _pinsker(S(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") / 2))).status == "proved"
    assert _pinsker(S(2 * TV("P", "Q") ** 2, "<=", D("P", "Q"))).status == "proved"
    assert _pinsker(S(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") * sympy.log(2) / 2)), units="bits").status == "proved"


def test_pinsker_rejects_wrong_constant_flip_and_units():
    assert _pinsker(S(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") / 3))).status == "failed"
    assert _pinsker(S(TV("P", "Q"), ">=", sympy.sqrt(D("P", "Q") / 2))).status == "failed"
    assert _pinsker(S(3 * TV("P", "Q") ** 2, "<=", D("P", "Q"))).status == "failed"
    # in bits D is larger by 1/ln 2, so the nats constant 1/2 is not valid: sqrt(D/2) < sqrt(D ln2 / 2)? no: ln2 < 1
    assert _pinsker(S(TV("P", "Q"), "<=", sympy.sqrt(D("P", "Q") / 4)), units="bits").status == "failed"
    assert _pinsker(S(TV("P", "R"), "<=", sympy.sqrt(D("P", "Q") / 2))).status == "failed"


# ---------------------------------------------------------------- monotone / substitute / real

def _with_assumption(assumption, claim, rule, args=None, params=None):
    p, e = new_proof("X Y", params=params or {"d": domain(0, None)})
    p.hypothesis("a", Assume(assumption(e)))
    return check_one(p, claim(e), rule, uses=["a"], args=args)[0]


def test_monotone_increasing_decreasing_and_rejections():
    t = sympy.Symbol("t")
    inc = _with_assumption(lambda e: S(I(e["X"], e["Y"]), "<=", e["d"]),
                           lambda e: S(sympy.sqrt(I(e["X"], e["Y"])), "<=", sympy.sqrt(e["d"])),
                           "monotone", {"function": sympy.sqrt(t), "variable": "t"})
    assert inc.status == "proved"
    dec = _with_assumption(lambda e: S(I(e["X"], e["Y"]), "<=", e["d"]),
                           lambda e: S(sympy.exp(-I(e["X"], e["Y"])), ">=", sympy.exp(-e["d"])),
                           "monotone", {"function": sympy.exp(-t), "variable": "t"})
    assert dec.status == "proved"
    wrong_dir = _with_assumption(lambda e: S(I(e["X"], e["Y"]), "<=", e["d"]),
                                 lambda e: S(sympy.exp(-I(e["X"], e["Y"])), "<=", sympy.exp(-e["d"])),
                                 "monotone", {"function": sympy.exp(-t), "variable": "t"})
    assert wrong_dir.status == "failed"
    not_monotone = _with_assumption(lambda e: S(I(e["X"], e["Y"]), "<=", e["d"]),
                                    lambda e: S(sympy.sin(I(e["X"], e["Y"])), "<=", sympy.sin(e["d"])),
                                    "monotone", {"function": sympy.sin(t), "variable": "t"})
    assert not_monotone.status == "failed" and "monotone" in not_monotone.message


def test_monotone_through_max_and_min():
    """max and min of non-decreasing functions are non-decreasing; max(t, -t) = |t| is not monotone."""
    t = sympy.Symbol("t")

    def step(f, rel, d_rel="<="):
        return _with_assumption(lambda e: S(I(e["X"], e["Y"]), d_rel, e["d"]),
                                lambda e: S(f.subs(t, I(e["X"], e["Y"])), rel, f.subs(t, e["d"])),
                                "monotone", {"function": f, "variable": "t"})

    assert step(sympy.Max(t, 1), "<=").status == "proved"
    assert step(sympy.Min(sympy.sqrt(t), 1), "<=").status == "proved"
    assert step(sympy.Max(-t, -2), ">=").status == "proved"
    assert step(sympy.Max(t, 1), ">=").status == "failed"                   # the wrong direction
    assert step(sympy.Max(t - 1, 1 - t), "<=").status == "failed"            # |t - 1|: not monotone on t >= 0
    assert step(sympy.Min(t, -t), "<=").status == "failed"                   # -t on t >= 0: decreasing, refused
    assert step(sympy.Max(t, 1), "<=", ">=").status == "failed"              # premise in the other direction


def test_substitute_replaces_equals_and_rejects_others():
    p, e = new_proof("X Y", params={"a": domain(0, None), "b": domain(0, None)})
    p.hypothesis("eq", Assume(S(e["a"], "==", 2 * e["b"])))
    p.hypothesis("ineq", Assume(S(I(e["X"], e["Y"]), "<=", e["a"])))
    r = check_one(p, S(I(e["X"], e["Y"]), "<=", 2 * e["b"]), "substitute", uses=["eq", "ineq"])[0]
    assert r.status == "proved"
    p, e = new_proof("X Y", params={"a": domain(0, None), "b": domain(0, None)})
    p.hypothesis("eq", Assume(S(e["a"], "==", 2 * e["b"])))
    p.hypothesis("ineq", Assume(S(I(e["X"], e["Y"]), "<=", e["a"])))
    r = check_one(p, S(I(e["X"], e["Y"]), "<=", e["b"]), "substitute", uses=["eq", "ineq"])[0]
    assert r.status == "failed"


def test_real_proved_only_with_exact_certificate():
    p, e = new_proof("", params={"delta": domain(0, HALF)})
    d = e["delta"]
    assert check_one(p, S((1 - 2 * d) ** 2, "<=", 1), "real")[0].status == "proved"
    p, e = new_proof("", params={"delta": domain(0, HALF)})
    r = check_one(p, S((1 - 2 * d) ** 2, ">=", 1), "real")[0]
    assert r.status in ("failed", "unchecked")  # false, and never proved
    p, e = new_proof("", params={"x": domain(0, None)})
    r = check_one(p, S(sympy.log(1 + e["x"]), "<=", e["x"]), "real")[0]
    assert r.status == "proved"  # the mean value step: x - ln(1 + x) is 0 at 0 and rises (derivative x/(1 + x))
    p, e = new_proof("", params={"x": domain(-1, None)})
    r = check_one(p, S(sympy.exp(e["x"]), ">=", 1 + e["x"]), "real")[0]
    assert r.status == "unchecked"  # true (least value 0 inside, at x = 0) but no certificate: never `proved`


def test_real_rejects_information_quantities():
    p, e = new_proof("X")
    assert check_one(p, S(H(e["X"]), ">=", 0), "real")[0].status == "failed"


# ---------------------------------------------------------------- linear / shannon

def test_linear_transitivity_with_parametric_multiplier():
    p, e = new_proof(params={"a": domain(0, 1), "b": domain(0, 1)})
    U, X, Y, Z = (e[c] for c in "UXYZ")
    a, b = e["a"], e["b"]
    p.hypothesis("s1", Assume(S(I(U, Z), "<=", a * I(U, Y))))
    p.hypothesis("s2", Assume(S(I(U, Y), "<=", b * I(U, X))))
    r = check_one(p, S(I(U, Z), "<=", a * b * I(U, X)), "linear", uses=["s1", "s2"])[0]
    assert r.status == "proved"


def test_linear_rejects_claim_stronger_than_premises():
    p, e = new_proof(params={"a": domain(0, 1), "b": domain(0, 1)})
    U, X, Y, Z = (e[c] for c in "UXYZ")
    a, b = e["a"], e["b"]
    p.hypothesis("s1", Assume(S(I(U, Z), "<=", a * I(U, Y))))
    p.hypothesis("s2", Assume(S(I(U, Y), "<=", b * I(U, X))))
    r = check_one(p, S(I(U, Z), "<=", a * b ** 2 * I(U, X)), "linear", uses=["s1", "s2"])[0]
    assert r.status == "failed" and r.error == "CertificateError"


def test_linear_rejects_multiplier_of_unknown_sign():
    p, e = new_proof(params={"a": domain(-1, 1)})
    U, X, Y = (e[c] for c in "UXY")
    a = e["a"]
    p.hypothesis("s1", Assume(S(I(U, Y), "<=", I(U, X))))
    r = check_one(p, S(a * I(U, Y), "<=", a * I(U, X)), "linear", uses=["s1"])[0]
    assert r.status == "failed" and "not provably >= 0" in r.message


def test_linear_memorization_identity_from_markov():
    p, e = new_proof("theta X M")
    th, X, M = e["theta"], e["X"], e["M"]
    p.hypothesis("learner", markov("theta", "X", "M"))
    r = check_one(p, S(I(M, X, given=th), "==", I(M, X) - I(M, th)), "linear", uses=["learner"])[0]
    assert r.status == "proved"
    p, e = new_proof("theta X M")
    r = check_one(p, S(I(M, X, given=th), "==", I(M, X) - I(M, th)), "linear")[0]
    assert r.status == "failed"  # without the Markov hypothesis


def test_linear_explicit_certificate_checked_and_corrupted_rejected():
    p, e = new_proof(params={"delta": domain(0, HALF)})
    U, X, Y, Z = (e[c] for c in "UXYZ")
    d = e["delta"]
    p.hypothesis("s1", Assume(S(I(U, Y), "<=", (1 - 2 * d) ** 2 * I(U, X))))
    p.hypothesis("s2", Assume(S(I(U, Z), "<=", (1 - 2 * d) ** 2 * I(U, Y))))
    claim = S(I(U, Z), "<=", (1 - 2 * d) ** 4 * I(U, X))
    good = check_one(p, claim, "linear", uses=["s1", "s2"],
                     args={"certificate": {"s1": (1 - 2 * d) ** 2, "s2": sympy.Integer(1)}})[0]
    assert good.status == "proved"
    p2, _ = new_proof(params={"delta": domain(0, HALF)})
    p2.hypothesis("s1", Assume(S(I(U, Y), "<=", (1 - 2 * d) ** 2 * I(U, X))))
    p2.hypothesis("s2", Assume(S(I(U, Z), "<=", (1 - 2 * d) ** 2 * I(U, Y))))
    bad = check_one(p2, claim, "linear", uses=["s1", "s2"],
                    args={"certificate": {"s1": (1 - 2 * d), "s2": sympy.Integer(1)}})[0]
    assert bad.status == "failed" and bad.error == "CertificateError"


def test_shannon_without_certificate_is_never_proved_by_accident():
    p, e = new_proof("A B C D")
    A, B, C, Dv = (e[c] for c in "ABCD")
    zhang_yeung = S(2 * I(C, Dv), "<=", I(A, B) + I(A, [C, Dv]) + 3 * I(C, Dv, given=A) + I(C, Dv, given=B))
    r = check_one(p, zhang_yeung, "shannon")[0]
    assert r.status == "unchecked"


def test_shannon_with_nonneg_hint_proves_subadditivity_of_entropy():
    p, e = new_proof("X Y Z")
    X, Y, Z = e["X"], e["Y"], e["Z"]
    r = check_one(p, S(H(X, Y, Z), "<=", H(X) + H(Y) + H(Z)), "shannon",
                  args={"nonneg": (I(X, Y), I([X, Y], Z))})[0]
    assert r.status == "proved"


def test_shannon_false_claim_fails_or_stays_unchecked_never_proved():
    p, e = new_proof("X Y")
    r = check_one(p, S(H(e["X"]), "<=", H(e["X"], given=e["Y"])), "shannon")[0]
    assert r.status != "proved"


@pytest.mark.parametrize("rule", sorted({"dpi", "sdpi", "tensorization", "superadditivity", "subadditivity",
                                         "fano", "pinsker", "monotone", "substitute"}))
def test_schema_rules_reject_a_claim_about_unrelated_quantities(rule):
    p, e = new_proof("X Y")
    r = check_one(p, S(H(e["X"]), ">=", 0), rule)[0]
    assert r.status == "failed"
