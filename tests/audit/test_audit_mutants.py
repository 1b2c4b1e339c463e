"""The audit's mutants and verdicts: deliberate errors are killed, weaker claims accepted, planted bugs caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy

from derive.audit import (ACCEPTED_TRUE, KILLED, OPERATORS, SURVIVOR, AuditReport, audit_proof, clone_proof,
                          generate_mutants, statement_mutations)
from derive.cli import main
from derive.io import read_proof, write_proof
from derive.kernel import PROVED, RuleOutcome
from derive.kernel.context import Rule
from derive.kernel.rules import RULES, contraction_parts

PROOFS = Path(__file__).resolve().parents[2] / "proofs"
ALL = sorted(PROOFS.glob("*.toml"))


def _proof(name: str):
    return read_proof(PROOFS / f"{name}.toml")


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_mutants_change_exactly_one_thing_and_leave_the_original_alone(path):
    proof = read_proof(path)
    before = write_proof(proof)
    mutants = generate_mutants(proof)
    assert write_proof(proof) == before
    assert proof == read_proof(path)
    assert len({m.id for m in mutants}) == len(mutants)
    assert len({m.signature for m in mutants}) == len(mutants)
    for m in mutants:
        assert m.operator in OPERATORS
        if m.proof is None:
            assert m.refused
            continue
        assert m.proof is not proof
        assert m.changed_steps or m.changed_hypotheses or m.changed_theorem or m.changed_context
        if m.changed_context:  # proof-wide: every statement rebound (widen_domain) or read in other units
            assert m.operator in ("widen_domain", "change_units")
            assert set(m.changed_steps) == {s.id for s in proof.steps}
            continue
        changed = [s.id for s, t in zip(m.proof.steps, proof.steps) if s != t]
        assert set(changed) <= set(m.changed_steps)
        if not m.changed_theorem:
            assert m.proof.theorem == proof.theorem
        if not m.changed_hypotheses:
            assert m.proof.hypotheses == proof.hypotheses


@pytest.mark.slow
def test_the_bundled_proofs_give_every_kind_of_mutant():
    mutants = [m for p in ALL for m in generate_mutants(read_proof(p))]
    assert set(OPERATORS) - {m.operator for m in mutants} <= {"swap_function"}  # no bundled Y = f(X)
    assert sum(m.proof is None for m in mutants) < len(mutants) // 20
    assert len(mutants) >= 1000


def test_parameter_dependent_coefficients_are_scaled_as_a_whole():
    proof = _proof("sdpi_chain")
    delta = proof.parameters["delta"].symbol
    claim = proof.get_step("s1").claim
    coeffs = set()
    for op, _desc, st in statement_mutations(claim, proof):
        if op == "scale_coefficient" and st.lhs == claim.lhs:
            coeffs.add(sympy.simplify(st.rhs / claim.rhs.args[-1] if isinstance(claim.rhs, sympy.Mul) else st.rhs))
    c = (1 - 2 * delta) ** 2
    for want in (2 * c, c / 2, c ** 2, sympy.sqrt(c)):
        assert any(sympy.simplify(got - want) == 0 for got in coeffs), want


def test_mutant_statements_swap_variables_and_flip_relations():
    proof = _proof("dpi_markov_chain")
    claim = proof.get_step("near").claim
    texts = {(op, str(st)) for op, _d, st in statement_mutations(claim, proof)}
    assert ("flip_relation", "I(U; Z) >= I(U; Y)") in texts
    assert ("swap_variables", "I(U; Y) <= I(U; Z)") in texts
    assert any(op == "replace_variable" for op, _ in texts)


def test_widening_a_domain_rebinds_every_statement_to_the_new_symbol():
    proof = _proof("sdpi_two_channels")
    old = proof.parameters["delta"].symbol
    m = next(m for m in generate_mutants(proof) if m.description == "parameter delta: lower end removed (x <= 1/2)")
    new = m.proof.parameters["delta"].symbol
    assert new != old and new.name == "delta" and new.is_nonnegative is None
    mentions = [s.claim for s in m.proof.steps] + [m.proof.theorem.claim]
    assert all(old not in st.free_symbols() for st in mentions)
    assert any(new in st.free_symbols() for st in mentions)
    assert m.proof.hypotheses["bsc"].spec.params == (new,)
    assert proof.hypotheses["bsc"].spec.params == (old,)


def test_widened_domains_are_killed_where_the_proof_needs_them():
    cases = {"sdpi_chain": "parameter delta: upper end removed (0 <= x)",
             "fkl25_framework": "parameter tau: upper end raised by 1 (0 <= x <= 2)",
             "pinsker_accuracy": "parameter d: lower end removed (real)"}
    for name, text in cases.items():
        proof = _proof(name)
        audit = audit_proof(proof, mutants=_only(generate_mutants(proof), text), samples=4)
        assert [r.verdict for r in audit.results] == [KILLED], (name, audit.results[0].reason)
        assert audit.results[0].proof_accepted is False


def test_clone_proof_is_independent():
    proof = _proof("sdpi_chain")
    q = clone_proof(proof)
    q.steps.pop()
    del q.hypotheses["first"]
    assert len(proof.steps) == 2 and "first" in proof.hypotheses


def _only(mutants, text):
    out = [m for m in mutants if text in m.description]
    assert out, text
    return out


def test_false_mutants_are_killed_and_weaker_ones_accepted():
    proof = _proof("sdpi_chain")
    mutants = generate_mutants(proof)
    pick = (_only(mutants, "step s1: the coefficient (1 - 2*delta)**2 of I(U; X) in the rhs x1/2")
            + _only(mutants, "step s1: '<=' reversed")
            + _only(mutants, "theorem: the coefficient (1 - 2*delta)**4 of I(U; X) in the rhs square-rooted")
            + _only(mutants, "hypothesis first: parameter delta of BSC(delta) x1/2")
            + _only(mutants, "hypothesis chain removed"))
    audit = audit_proof(proof, mutants=pick, samples=6)
    verdicts = {r.description: r.verdict for r in audit.results}
    assert verdicts == {
        pick[0].description: KILLED, pick[1].description: KILLED, pick[2].description: ACCEPTED_TRUE,
        pick[3].description: KILLED, pick[4].description: KILLED}, verdicts
    weaker = next(r for r in audit.results if r.verdict == ACCEPTED_TRUE)
    assert weaker.verified == ["theorem"]
    assert all(r.error is None for r in audit.results)


def test_a_dropped_hypothesis_is_refused_as_structure_or_killed():
    proof = _proof("dpi_markov_chain")
    audit = audit_proof(proof, mutants=_only(generate_mutants(proof), "hypothesis chain removed"), samples=4)
    assert [r.verdict for r in audit.results] == [KILLED]
    assert audit.results[0].mutated_accepted is False


def _unsound_sdpi(ctx):
    """A planted bug: any coefficient is accepted as a contraction coefficient."""
    contraction_parts(ctx)
    return RuleOutcome(PROVED, "planted: any eta")


@pytest.fixture
def planted_bug(monkeypatch):
    monkeypatch.setitem(RULES, "sdpi", Rule("sdpi", _unsound_sdpi))


def test_a_planted_kernel_bug_is_reported_as_a_survivor_with_a_counterexample(planted_bug):
    proof = _proof("sdpi_chain")
    pick = [m for m in generate_mutants(proof) if m.target == "step s1" and m.operator == "scale_coefficient"]
    audit = audit_proof(proof, mutants=pick, samples=12)
    survivors = [r for r in audit.results if r.verdict == SURVIVOR]
    assert survivors, [(r.description, r.verdict, r.reason) for r in audit.results]
    s = survivors[0]
    assert s.failing == "s1" and "KERNEL SOUNDNESS BUG" in s.reason
    assert s.counterexample["joint"] and s.counterexample_text
    assert read_proof_text_ok(s.proof_text)
    js = json.loads(json.dumps(AuditReport([audit], 0, 12).to_json()))
    assert js["mutants"] == len(pick) and len(js["survivors"]) == len(survivors)
    row = js["survivors"][0]
    assert row["proof"] == "sdpi_chain" and row["step"] == "s1" and row["counterexample"]["joint"]
    assert {"id", "operator", "description", "reason", "proof_text"} <= set(row)


def read_proof_text_ok(text: str) -> bool:
    from derive.io import read_proof_text

    return read_proof_text(text).name == "sdpi_chain"


@pytest.mark.slow
def test_the_shortcut_agrees_with_the_full_check():
    """The audit checks only what a mutation can change; derive.checking.check must agree on every verdict."""
    from derive.checking import check

    for name, k in (("dpi_markov_chain", 25), ("memorization_identity", 25), ("sdpi_chain", 20)):
        proof = _proof(name)
        mutants = generate_mutants(proof, seed=3, max_mutants=k)
        audit = audit_proof(proof, mutants=mutants, samples=4)
        for m, r in zip(mutants, audit.results):
            if m.proof is None or r.reason.startswith("structure refused"):
                continue
            full = check(m.proof, use_prover=True)
            rows = {s.id: s for s in full.report.steps}
            if full.report.theorem is not None:
                rows["theorem"] = full.report.theorem
            if r.proof_accepted is not None:
                assert r.proof_accepted == (full.status == "proved"), (m.description, r.reason, full.status)
            if m.changed_steps and not m.changed_hypotheses and not m.changed_theorem:
                sid = m.changed_steps[0]
                ok = rows[sid].status in ("proved", "assumed") and not rows[sid].depends_on_unproved
                assert r.mutated_accepted == ok, (m.description, r.reason, rows[sid].status)
            if m.changed_theorem and not m.changed_context:
                assert r.mutated_accepted == (rows["theorem"].status == "proved"), (m.description, r.reason)
            if r.verdict == ACCEPTED_TRUE:
                assert full.status == "proved", (m.description, full.status)


def test_cli_json_and_exit_codes(capsys):
    code = main(["audit", str(PROOFS / "dpi_markov_chain.toml"), "--json", "--max-mutants", "12", "--samples", "4",
                 "--jobs", "1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["mutants"] == 12 and out["killed"] + out["accepted_true"] == 12 and out["survivors"] == []
    assert 0 <= out["kill_rate"] <= 1 and out["proofs"][0]["name"] == "dpi_markov_chain"
    assert main(["audit", "no/such/file.toml"]) == 2
    assert main(["audit", str(PROOFS), "--samples", "0"]) == 2
    assert main(["audit", str(PROOFS), "--max-mutants", "0"]) == 2


@pytest.mark.slow
def test_cli_exits_1_and_prints_the_survivor(planted_bug, capsys):
    code = main(["audit", str(PROOFS / "sdpi_chain.toml"), "--max-mutants", "40", "--samples", "12", "--jobs", "1",
                 "--no-shrink"])
    text = capsys.readouterr().out
    assert code == 1
    assert "SURVIVOR" in text and "KERNEL SOUNDNESS BUG" in text and "joint P(" in text


def test_cli_bad_proof_file_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text('[proof]\nname = "broken"\n[[step]]\nid = "s"\nclaim = "I(X; Y) <= "\nrule = "linear"\n',
                   encoding="utf-8")
    code = main(["audit", str(bad), "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 2
    assert "broken.toml" in captured.err


@pytest.mark.slow
def test_full_check_mode_finds_no_disagreement():
    for name in ("pinsker_accuracy", "superadditivity_samples"):
        proof = _proof(name)
        audit = audit_proof(proof, max_mutants=30, seed=7, samples=4, full_check=True)
        assert [(r.description, r.error) for r in audit.results if r.error] == []


def test_cli_text_report(capsys):
    code = main(["audit", str(PROOFS / "subadditivity_given_model.toml"), "--max-mutants", "10", "--samples", "4",
                 "--jobs", "1", "--verbose"])
    text = capsys.readouterr().out
    assert code == 0
    assert "subadditivity_given_model" in text and "10 mutants" in text and "killed" in text
