"""A family of assumptions over a symbolic range (``assume = "... for i in 1..n"``): the kernel uses it through
its sum over the range, Σ_{i=lo}^{hi} slack(body(i)) >= 0, and nothing stronger."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core.hypotheses import AssumeFamily
from derive.core.quantities import I
from derive.core.statements import Statement
from derive.core.variables import RV, FamilyMember
from derive.errors import DeriveError, InvalidArgument
from derive.io import read_proof, read_proof_text
from derive.io.writer import write_proof
from derive.kernel import check_proof
from derive.provers.certificate_search import search_oracle

ROOT = Path(__file__).resolve().parents[2]


def _proof(claim: str, *, n: str = "integer >= 0", family: str = "I(M; X[i] | P) >= b for i in 1..n",
           rule: str = "linear") -> str:
    return f'''[proof]
name = "fam"
[parameters]
n = "{n}"
b = "b >= 0"
[variables]
random = ["M", "P"]
families = {{ X = "1..n" }}
[[hypothesis]]
id = "per_sample"
assume = "{family}"
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
uses = ["per_sample"]
'''


def _status(text: str) -> tuple[str, str]:
    row = check_proof(read_proof_text(text), oracle=search_oracle).steps[0]
    return row.status, row.message


def test_the_bundled_family_proof_is_proved_and_lists_the_family_as_assumed():
    report = check_proof(read_proof(ROOT / "proofs" / "per_sample_family.toml"), oracle=search_oracle)
    assert report.status == "proved"
    (fact,) = [t for t in report.trusted if t.hypothesis == "per_sample"]
    assert "for i in 1..n" in fact.statement


@pytest.mark.parametrize("claim, family", [
    ("sum(I(M; X[i] | P), i, 1, n) >= n * b", "I(M; X[i] | P) >= b for i in 1..n"),
    ("sum(I(M; X[i] | P), i, 2, n) >= (n - 1) * b", "I(M; X[i] | P) >= b for i in 2..n"),
    ("sum(I(M; X[j] | P), j, 1, n) >= n * b", "I(M; X[i] | P) >= b for i in 1..n"),  # any index name
    ("sum(I(M; X[i] | P), i, 1, n) == n * b", "I(M; X[i] | P) == b for i in 1..n"),
])
def test_the_sum_over_the_range_is_accepted(claim, family):
    n = "integer >= 1" if "2.." in family else "integer >= 0"
    status, message = _status(_proof(claim, n=n, family=family))
    assert status == "proved", message


@pytest.mark.parametrize("claim", [
    "sum(I(M; X[i] | P), i, 1, n) >= n * b + 1",        # stronger than the sum
    "sum(I(M; X[i] | P), i, 1, n) >= (n + 1) * b",      # one sample too many
    "sum(I(M; X[i] | P), i, 1, n) == n * b",            # an inequality family gives no equality
    "I(M; X[1] | P) >= b",                              # an instance: X[1] need not exist (n may be 0)
])
def test_nothing_stronger_than_the_sum_is_accepted(claim):
    status, _ = _status(_proof(claim))
    assert status != "proved"


def test_a_range_that_may_run_backwards_is_refused():
    status, message = _status(_proof("sum(I(M; X[i] | P), i, 1, n) >= n * b", n="integer"))
    assert status == "failed" and "may be reversed" in message


@pytest.mark.parametrize("family, says", [
    ("I(M; X[1] | P) >= b for i in 1..n", "does not mention its index"),
    ("I(M; X[b] | P) >= b for b in 1..n", "already declared"),
    ("I(M; X[i] | P) >= b for i in 1..i", ""),
])
def test_malformed_families_are_bad_input(family, says):
    with pytest.raises(DeriveError) as err:
        check_proof(read_proof_text(_proof("sum(I(M; X[i] | P), i, 1, n) >= n * b", family=family)))
    assert says in str(err.value)


def test_the_family_must_be_quantified_over_an_integer_index_outside_its_range():
    i, n = sympy.Symbol("i", integer=True), sympy.Symbol("n", integer=True)
    body = Statement(I(RV("M"), FamilyMember("X", i), given=RV("P")), ">=", sympy.Symbol("b"))
    with pytest.raises(InvalidArgument):
        AssumeFamily(body, sympy.Symbol("i"), 1, n)            # not an integer symbol
    with pytest.raises(InvalidArgument):
        AssumeFamily(body, i, 1, n + i)                         # the range mentions the index
    with pytest.raises(InvalidArgument):
        AssumeFamily("I(M; X[i]) >= b", i, 1, n)               # text, not a statement


def test_the_family_is_written_back_as_it_was_read():
    proof = read_proof(ROOT / "proofs" / "per_sample_family.toml")
    text = write_proof(proof)
    assert 'assume = "I(M; X[i] | P) >= b for i in 1..n"' in text or "for i in 1..n" in text
    again = read_proof_text(text)
    assert again.hypotheses["per_sample"] == proof.hypotheses["per_sample"]


@settings(max_examples=60, deadline=None)
@given(lo=st.integers(-3, 3), length=st.integers(0, 6), data=st.data())
def test_the_kernel_consequence_is_the_sum_of_the_instances(lo, length, data):
    """Property: on concrete values that satisfy every instance (lhs_i >= rhs_i, checked by an independent loop),
    the family's summed statement holds; and its value is exactly Σ (lhs_i - rhs_i)."""
    i, n = sympy.Symbol("i", integer=True), sympy.Symbol("n", integer=True)
    f = sympy.Function("f")
    values = [Fraction(data.draw(st.integers(0, 20)), data.draw(st.integers(1, 5))) for _ in range(length)]
    bound = Fraction(data.draw(st.integers(-5, 0)), 3)
    fam = AssumeFamily(Statement(f(i), ">=", sympy.Rational(bound.numerator, bound.denominator)), i, lo, n)
    hi = lo + length - 1
    table = {f(k): sympy.Rational(v.numerator, v.denominator) for k, v in zip(range(lo, hi + 1), values)}
    slack = fam.statement.slack().subs(n, hi).doit().xreplace(table)
    independent = sum((v - bound for v in values), Fraction(0))
    assert slack == sympy.Rational(independent.numerator, independent.denominator)
    assert slack >= 0  # every instance holds (values >= 0 >= bound), so the sum does


def test_the_notebook_api_takes_a_family_of_assumptions_as_text(monkeypatch):
    import derive.api as api
    from derive.api import Proof, check, family, parameter

    for session in ("_PARAMETERS", "_FAMILIES"):  # the notebook session's names: keep other tests' session clean
        monkeypatch.setattr(api, session, dict(getattr(api, session)))

    n, _ = parameter("n", "integer >= 0"), parameter("b", "b >= 0")
    family("X", 1, n)
    p = Proof("fam").given("per", "I(M; X[i] | P) >= b for i in 1..n")
    assert isinstance(p.hypotheses["per"], AssumeFamily)
    p.step("tot", "sum(I(M; X[i] | P), i, 1, n) >= n*b", "linear", uses=["per"])
    p.step("bad", "sum(I(M; X[i] | P), i, 1, n) >= n*b + 1", "linear", uses=["per"])
    steps = {s.id: s.status for s in check(p).checked.report.steps}
    assert steps == {"tot": "proved", "bad": "failed"}
