"""Argument order as written (#17): core keeps I, H and TV canonical (the kernel compares canonical atoms), and every
printer shows the order the author wrote: ``I(M; S[1..n] | theta)`` stays so, although core stores
``I(S[1..n]; M | theta)`` (a family block sorts before a variable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import derive
from derive.checking import check
from derive.core import RV, RVSet
from derive.core.quantities import TV, H, I
from derive.core.variables import FamilyMember, FamilyRange
from derive.errors import ParseError
from derive.io import read_proof_text, write_proof
from derive.printing.document import proof_document, proof_fragment
from derive.proof import WrittenOrder

FILE = """
[proof]
name = "written_order"
[parameters]
n = "integer >= 1"
tau = "0 <= tau <= 1"
[variables]
random = ["M", "theta", "U", "X", "Y", "Z"]
families = { S = "1..n" }
distributions = ["Q", "P"]
[[hypothesis]]
id = "sdpi"
assume = "I(M; theta) <= tau * I(M; S[1..n])"
[[hypothesis]]
id = "chain"
markov = "U -> X -> Y"
[[hypothesis]]
id = "tv"
assume = "TV(Q, P) <= 1/2"
[[step]]
id = "identity"
claim = "I(M; S[1..n] | theta) == I(M; S[1..n]) - I(M; theta)"
rule = "linear"
uses = ["sdpi"]
[[step]]
id = "reversed"
claim = "I(X; U) <= I(Y; U)"
rule = "dpi"
uses = ["chain"]
[[step]]
id = "distance"
claim = "TV(Q, P) <= 1/2"
rule = "linear"
uses = ["tv"]
[[step]]
id = "entropy"
claim = "H(Z, Y | X) >= 0"
rule = "shannon"
[theorem]
claim = "I(M; S[1..n] | theta) >= I(M; S[1..n]) - I(M; theta)"
from = ["identity"]
"""

M, THETA = RV("M"), RV("theta")
ROOT = Path(__file__).resolve().parents[2]


def test_core_stays_canonical_and_the_reader_records_the_written_order():
    proof = read_proof_text(FILE)
    claim = proof.steps[0].claim
    atom = next(a for a in claim.lhs.atoms(I))
    # the kernel sees core's canonical atom: the family block first
    assert isinstance(atom.left.args[0], FamilyRange) and atom.right == RVSet(M)
    assert atom == I(RVSet(M), atom.left, RVSet(THETA))  # equal however it is built
    left, right, given = proof.written.sides(atom)
    assert left == (M,) and isinstance(right[0], FamilyRange) and given == (THETA,)
    tv = next(iter(proof.hypotheses["tv"].statement.lhs.atoms(TV)))
    assert [d.name for d in tv.args] == ["P", "Q"]  # canonical
    assert [s[0].name for s in proof.written.sides(tv)] == ["Q", "P"]  # written


def test_text_reports_and_the_proof_file_keep_the_written_order(capsys, tmp_path):
    from derive.cli import main

    f = tmp_path / "written_order.toml"
    f.write_text(FILE, encoding="utf-8")
    main(["check", str(f)])
    text = capsys.readouterr().out
    main(["check", "--json", str(f)])
    data = json.loads(capsys.readouterr().out)["proofs"][0]
    main(["graph", str(f), "-o", str(tmp_path / "g.dot")])
    capsys.readouterr()
    dot = (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert "I(M; S[1..n] | theta)" in dot and "I(S[1..n]" not in dot  # graph labels too
    main(["compose", "--json", str(ROOT / "proofs" / "fkl25_framework.toml")])
    composed = json.loads(capsys.readouterr().out)
    assert composed["bound"].startswith("I(M; S[1..n] | theta) >= ") and "I(S_{1:n}" not in composed["latex"]
    # and the coefficient before the quantity it multiplies, as the file writes it
    assert composed["theorem"] == "I(M; S[1..n] | theta) >= (1 - tau)*I(M; X)/rho"
    assert "I(M; S[1..n] | theta) == I(M; S[1..n]) - I(M; theta)" in text
    assert "I(S[1..n]; M" not in text
    assert "H(Z, Y | X) >= 0" in text and "tv: TV(Q, P) <= 1/2" in text  # a trusted fact as written
    assert data["conclusion"] == "I(M; S[1..n] | theta) >= I(M; S[1..n]) - I(M; theta)"
    # an atom the kernel derived (its expected statement) prints as the author wrote the equal atom
    rev = next(s for s in data["steps"] if s["id"] == "reversed")
    assert rev["status"] == "failed" and rev["expected"] == "I(Y; U) <= I(X; U)" and rev["got"] == "I(X; U) <= I(Y; U)"
    # write_proof writes the author's order, and the file reads back to the same proof and the same order
    proof = read_proof_text(FILE)
    out = write_proof(proof)
    assert 'claim = "I(M; S[1..n] | theta) == I(M; S[1..n]) - I(M; theta)"' in out
    assert 'assume = "TV(Q, P) <= 1/2"' in out and 'claim = "H(Z, Y | X) >= 0"' in out
    again = read_proof_text(out)
    assert again == proof and write_proof(again) == out


def test_latex_document_and_fragment_keep_the_written_order():
    c = check(read_proof_text(FILE))
    for tex in (proof_document(c.proof, c.report, expand=True), proof_fragment(c.proof, c.report, all_steps=True)):
        assert r"I(M; S_{1:n} \mid \theta)" in tex
        assert "I(S_{1:n}; M" not in tex
    doc = proof_document(c.proof, c.report, all_steps=True)
    assert r"\mathrm{TV}(Q, P)" in doc and r"H(Z, Y \mid X)" in doc and r"I(X; U) &\le I(Y; U)" in doc


def test_a_derived_atom_nobody_wrote_puts_the_usual_first_side_first():
    """``I(M; X[1])`` was never written, but M is written first in ``I(M; X[i])``: M stays first."""
    from derive.io.grammar import index_symbol

    w = WrittenOrder()
    i = index_symbol("i")
    written = I(RVSet(M), RVSet(FamilyMember("X", i)))
    w.record(written, [M], [FamilyMember("X", i)], [])
    derived = I(RVSet(M), RVSet(FamilyMember("X", 1)))
    assert derived.left != RVSet(M)  # core sorts X[1] first
    assert w.sides(derived)[0] == (M,)
    assert w.sides(I(RVSet(RV("A")), RVSet(RV("B")))) is None  # nothing known: core's order stands


def test_record_ignores_spellings_core_rewrote_and_keeps_the_first():
    w = WrittenOrder()
    x, y, z = RV("X"), RV("Y"), RV("Z")
    w.record(H(RVSet(x)), [x, x], [])  # no such atom shape: ignored without error
    atom = I(RVSet(x, y), RVSet(z))
    w.record(atom, [z], [y, x], [])
    w.record(atom, [x, y], [z], [])  # a second spelling: the first stays
    assert w.sides(atom) == ((z,), (y, x), ())
    session = WrittenOrder(last_wins=True)
    session.record(atom, [z], [y, x], [])
    session.record(atom, [y, x], [z], [])
    assert session.sides(atom) == ((y, x), (z,), ())


def test_the_notebook_api_keeps_the_order_of_objects_and_text():
    from derive import H as H_, I as I_, Proof, check as check_, parameter, variables

    Mv, Theta, W = variables("M theta W")
    R = derive.family("R", 1, parameter("m", "integer >= 1"))  # a name no other test uses (the session keeps it)
    pf = (Proof("api_order")
          .given("sdpi", "I(M; theta) <= 1/2 * I(M; R[1..m])")
          .step("identity", I_(Mv, R, given=Theta) >= I_(Mv, R) - I_(Mv, Theta) - H_(W, Mv), "linear", uses=["sdpi"])
          .conclude("I(M; R[1..m] | theta) >= I(M; R[1..m]) - I(M; theta) - H(W, M)", from_=["identity"]))
    res = check_(pf)
    claims = {r[0]: r[3] for r in res.rows()}
    assert claims["identity"].startswith("I(M; R[1..m] | theta) >= ")
    assert "H(W, M)" in claims["identity"] and "I(R[1..m]" not in claims["identity"]
    assert r"I(M; R_{1:m} \mid \theta)" in derive.to_latex(res, fragment=True)
    assert r"I(M; R_{1:m} \mid \theta)" in pf._repr_latex_()
    assert derive.to_latex(I_(Mv, R)) == r"I(M; R_{1:m})"
    shown = derive.prove("I(Z; X) <= I(Z; X, Y)")
    assert shown.text().startswith("proved: I(Z; X) <= I(Z; X, Y)\nI(Z; X) <= I(Z; X, Y) because")
    assert r"I(Z; X) \le I(Z; X, Y)" in shown._repr_latex_()
    # a family block in prove: undeclared, the message says how to declare it; declared, a verdict for every m
    with pytest.raises(ParseError, match=r'unknown family .Q.; declare it first, e.g. Q = family\("Q", 1, n\)'):
        derive.prove("I(M; Q[1..m] | W) <= H(M)")
    assert derive.prove("I(M; R[1..m] | W) <= H(M)").status == "proved"


def test_derive_prove_prints_the_claim_and_its_certificate_as_typed(capsys):
    from derive.cli import main

    main(["prove", "I(Z; X) <= I(Y; X)", "--given", "X -> Y -> Z"])
    out = capsys.readouterr().out
    assert out.startswith("proved: I(Z; X) <= I(Y; X)\n")
    assert "I(Y; X) - I(Z; X)" in out and "I(X; Z)" not in out  # core stores I(X; Z)


def test_prove_and_the_notebook_take_d_h_i_as_variable_names_by_use():
    """#17 grammar gap: where variables are declared by use (derive prove, the notebook API), D, H, I and h not
    followed by '(' name random variables (the Ingleton inequality is usually written with A, B, C, D)."""
    from derive.cli import main

    assert main(["prove", "--json", "I(D; H) <= H(D)"]) == 0
    from derive.errors import ParseError
    from derive.io.grammar import ParseContext, parse_statement

    with pytest.raises(ParseError, match="declare it in \\[variables\\]"):
        parse_statement("I(D; X) <= H(X)", ParseContext(variables={}))
