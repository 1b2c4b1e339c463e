"""A hostile oracle cannot make the kernel accept a false step: whatever it hands over, the kernel rebuilds every term
itself and checks the identity exactly. (Oracles are untrusted; this attacks the Proposal door of issue 16.)"""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core import RV, RVSet, Statement
from derive.core.hypotheses import Independent, Markov
from derive.core.quantities import H, I
from derive.kernel import Certificate, Proposal, StepContext, check_step
from derive.kernel.linear import Term
from derive.kernel.rules import linear_terms
from derive.core.linear import linear_form

X, Y, Z = RV("X"), RV("Y"), RV("Z")
CHAIN = {"chain": Markov((RVSet(X), RVSet(Y), RVSet(Z)))}

#: False claims (each fails on some distribution satisfying CHAIN), with the rule that checks them.
FALSE = [
    Statement(H(X), "<=", 0),
    Statement(I(X, Z), ">=", I(X, Y)),          # reversed data processing
    Statement(H(RVSet(X, Y)), "<=", H(X)),
    Statement(I(X, Y), "==", 0),
    Statement(H(X, given=Y), ">=", H(X)),
    Statement(I(X, Y), ">=", H(RVSet(X, Y))),
]

ATOMS = [H(X), H(Y), H(Z), H(RVSet(X, Y)), I(X, Y), I(X, Z), I(Y, Z), I(X, Z, given=Y), I(X, Y, given=Z),
         H(X, given=Y), -H(X), H(X) - H(RVSet(X, Y)), sympy.Integer(1)]


def _ctx(claim: Statement, rule: str = "linear", hyps=None) -> StepContext:
    return StepContext("s", rule, claim, {}, {}, dict(CHAIN if hyps is None else hyps), {}, "bits")


def _status(claim, proposal, rule="linear", hyps=None) -> str:
    try:
        return check_step(_ctx(claim, rule, hyps), oracle=lambda _ctx: proposal).status
    except Exception:  # noqa: BLE001 - a refusal of any kind is fine; only `proved` would be wrong
        return "failed"


def test_an_old_style_certificate_with_forged_terms_is_refused():
    claim = Statement(H(X), "<=", 0)
    forged = Term("H(X) <= 0", linear_form(-H(X)), "nonneg", "oracle", H(X))  # says H(X) >= 0, form says -H(X) >= 0
    assert _status(claim, Certificate([(forged, sympy.Integer(1))])) != "proved"


def test_unknown_labels_floats_strings_and_half_equalities_are_refused():
    claim = Statement(I(X, Y), "==", 0)
    for bad in (Proposal((("no such term", sympy.Integer(1)),)),
                Proposal(zero=((I(X, Y), sympy.Float(1.0)),)),
                Proposal(zero=(("I(X; Y)", 1),)),
                Proposal(le=Proposal()),
                Proposal(nonneg=((-I(X, Y), sympy.Integer(1)),)),
                "I(X; Y) = 0", 42, None):
        assert _status(claim, bad) != "proved"
    # the same zero term is admitted when a hypothesis implies it
    ok = Proposal(zero=((I(X, Y), sympy.Integer(-1)),))
    assert _status(claim, ok, hyps={"ind": Independent(RVSet(X), RVSet(Y))}) == "proved"


multipliers = st.fractions(min_value=-3, max_value=3, max_denominator=4).map(lambda f: sympy.Rational(f.numerator,
                                                                                                      f.denominator))


@st.composite
def proposals(draw, claim):
    labels = [t.label for t in linear_terms(_ctx(claim))] + ["chain", "chain[1]", "nonneg[1]", "s", ""]
    return Proposal(
        tuple((draw(st.sampled_from(labels)), draw(multipliers)) for _ in range(draw(st.integers(0, 4)))),
        tuple((draw(st.sampled_from(ATOMS)), draw(multipliers)) for _ in range(draw(st.integers(0, 3)))),
        tuple((draw(st.sampled_from(ATOMS)), draw(multipliers)) for _ in range(draw(st.integers(0, 3)))))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_proposals_never_prove_a_false_claim(data):
    claim = data.draw(st.sampled_from(FALSE))
    rule = data.draw(st.sampled_from(["linear", "shannon"]))
    proposal = data.draw(proposals(claim))
    assert _status(claim, proposal, rule) != "proved", (claim, proposal)


def test_an_oracle_may_give_python_integers_as_multipliers():
    """A Python ``int`` multiplier is exact: the kernel converts it (it used to fail the step with an internal error
    while printing the checked certificate)."""
    from derive.core.quantities import I
    from derive.core.variables import RV
    from derive.io import read_proof_text
    from derive.kernel import check_proof
    from derive.kernel.linear import Proposal

    text = ('[proof]\nname = "h"\n[variables]\nrandom = ["X", "Y"]\n'
            '[[step]]\nid = "s"\nclaim = "H(X) + H(Y) >= H(X, Y)"\nrule = "linear"\n')
    row = check_proof(read_proof_text(text), oracle=lambda ctx: Proposal(nonneg=((I(RV("X"), RV("Y")), 1),))).steps[0]
    assert row.status == "proved", row.message


# -- sums an oracle proposes pass the same door as the claim's (found in session 12: a proposed nonneg term
#    sum(H(X), k, 1, -1/2) -- Karr's convention makes it -H(X)/2, the sign prover called it >= 0 -- proved H(X) <= 0)

_FALSE_FILE = ('[proof]\nname = "a"\n[parameters]\nn = "integer >= 1"\n[variables]\nrandom = ["X", "Y"]\n'
               '[[step]]\nid = "s"\nclaim = "H(X) <= 0"\nrule = "shannon"\n')


def _proof_and_n():
    from derive.io import read_proof_text

    proof = read_proof_text(_FALSE_FILE, "a.toml")
    return proof, next(p.symbol for p in proof.parameters.values())


def test_a_sum_over_a_reversed_or_non_integer_range_is_refused_in_a_proposal():
    from derive.kernel import check_proof

    proof, n = _proof_and_n()
    k = sympy.Symbol("k", integer=True)
    for e in (sympy.Sum(H(X), (k, 1, -sympy.Rational(1, 2))), sympy.Sum(H(X), (k, 3, 1)),
              sympy.Sum(H(X), (k, 1, n - sympy.Rational(5, 2))), sympy.Sum(-H(X), (n, 1, 2)),
              sympy.Sum(H(X), (sympy.Symbol("q", positive=True, integer=True), 1, -1))):
        row = check_proof(proof, oracle=lambda ctx, e=e: Proposal(nonneg=((e, 2),))).steps[0]
        assert row.status != "proved", (e, row.message)


_ENDS = [-2, -1, 0, 1, 3, sympy.Rational(1, 2), -sympy.Rational(1, 2)]


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_random_proposed_sums_never_prove_a_false_claim(data):
    from derive.kernel import check_proof

    proof, n = _proof_and_n()
    k = sympy.Symbol("k", integer=True)
    ends = _ENDS + [n, n - 1, n + sympy.Rational(1, 2), -n]
    entries = []
    for _ in range(data.draw(st.integers(1, 3))):
        body = data.draw(st.sampled_from([H(X), -H(X), I(X, Y), H(RVSet(X, Y)), -H(RVSet(X, Y)), H(Y)]))
        lo, hi = data.draw(st.sampled_from(ends)), data.draw(st.sampled_from(ends))
        entries.append((sympy.Sum(body, (k, lo, hi)), data.draw(multipliers)))
    extra = tuple((data.draw(st.sampled_from(ATOMS)), data.draw(multipliers)) for _ in range(data.draw(st.integers(0, 2))))
    row = check_proof(proof, oracle=lambda ctx: Proposal(nonneg=tuple(entries) + extra)).steps[0]
    assert row.status != "proved", (entries, extra, row.message)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_proposed_sums_aimed_at_the_claim_never_prove_it(data):
    """Aimed, not random: for a proposed sum whose linear form is ``c * H(X)`` with ``c < 0`` (whatever range made it
    so), the multiplier ``-1/c`` would close ``H(X) <= 0`` if the kernel took the sum as ``>= 0``. (Fails on the code
    before the door covered proposals.)"""
    from derive.core.linear import linear_form
    from derive.kernel import check_proof

    proof, n = _proof_and_n()
    k = sympy.Symbol("k", integer=True)
    lo = data.draw(st.sampled_from(_ENDS + [n]))
    hi = data.draw(st.sampled_from(_ENDS + [n - sympy.Rational(5, 2), n - 3]))
    body = data.draw(st.sampled_from([H(X), 2 * H(X), H(X) + I(X, Y) - I(X, Y)]))
    e = sympy.Sum(body, (k, lo, hi))
    c = sympy.nsimplify(linear_form(e).coefficient(H(X)).doit())
    if not (c.is_number and c.is_negative):
        return
    row = check_proof(proof, oracle=lambda ctx: Proposal(nonneg=((e, -1 / c),))).steps[0]
    assert row.status != "proved", (e, c, row.message)
