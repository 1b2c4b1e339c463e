"""Only the kernel writes a verdict: reports are frozen, nothing outside ``derive/kernel/`` builds one, and the
one door for later labels (:func:`lower_step_status`) can only lower a status."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from derive.errors import InvalidArgument
from derive.io import read_proof
from derive.kernel import check_proof, lower_step_status, with_warnings
from derive.provers.certificate_search import search_oracle

ROOT = Path(__file__).resolve().parents[2] / "derive"
VERDICT_TYPES = {"Report", "StepResult", "RuleOutcome"}


def _outside_kernel():
    for f in sorted(ROOT.rglob("*.py")):
        if "kernel" not in f.relative_to(ROOT).parts:
            yield f, ast.parse(f.read_text())


def test_nothing_outside_the_kernel_constructs_a_verdict():
    bad = []
    for f, tree in _outside_kernel():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in VERDICT_TYPES:
                    bad.append((str(f.relative_to(ROOT)), node.lineno, name))
                # dataclasses.replace(..., status=...) would forge a verdict on a frozen report
                if name == "replace" and any(k.arg == "status" for k in node.keywords):
                    bad.append((str(f.relative_to(ROOT)), node.lineno, "replace(status=...)"))
                if name in ("__setattr__", "setattr") and any(isinstance(a, ast.Constant) and a.value == "status"
                                                              for a in node.args):
                    bad.append((str(f.relative_to(ROOT)), node.lineno, "__setattr__"))
    assert bad == []


def test_nothing_outside_the_kernel_assigns_a_status_to_a_report():
    bad = []
    for f, tree in _outside_kernel():
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AugAssign, ast.AnnAssign)) else []
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr == "status" and isinstance(t.value, ast.Attribute) \
                        and t.value.attr == "report":
                    bad.append((str(f.relative_to(ROOT)), node.lineno))
    assert bad == []


def _report(path="proofs/sdpi_chain.toml"):
    return check_proof(read_proof(path), oracle=search_oracle)


def test_reports_and_step_results_are_frozen():
    rep = _report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.status = "proved"
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.steps[0].status = "proved"
    assert isinstance(rep.steps, tuple) and isinstance(rep.trusted, tuple)


def test_lower_step_status_only_lowers():
    rep = _report()
    assert rep.status == "proved"
    sid = rep.steps[0].id
    for status in ("proved", "assumed", "certified", ""):
        with pytest.raises(InvalidArgument):
            lower_step_status(rep, sid, status, "raised")
    lowered = lower_step_status(rep, sid, "tested", "numerically only")
    assert lowered.steps[0].status == "tested" and lowered.status == "tested" and rep.status == "proved"
    failed = lower_step_status(lowered, sid, "failed", "counterexample")
    assert failed.status == "failed"
    with pytest.raises(InvalidArgument, match="cannot be raised"):
        lower_step_status(failed, sid, "tested", "back up")
    with pytest.raises(InvalidArgument):
        lower_step_status(rep, "no-such-step", "failed", "x")


def test_strict_lowering_and_warnings_are_not_verdicts():
    rep = _report()
    warned = with_warnings(rep, ["the hypotheses may have no model"])
    assert warned.status == "proved" and warned.warnings == ("the hypotheses may have no model",)
    assert with_warnings(rep, ["w"], refuse=True).status == "failed"
    assert with_warnings(rep, [], refuse=True).status == "proved"  # nothing to refuse for


def test_the_door_refuses_wrong_types_with_a_clear_error():
    import sympy

    from derive.core import Statement
    from derive.core.quantities import H
    from derive.proof import Proof

    p = Proof("t")
    x = p.random("X")
    p.step("s", Statement(H(x), ">=", 0), "linear")
    object.__setattr__(p.steps[0], "claim", H(x) <= sympy.Rational(3, 2)) if dataclasses.is_dataclass(p.steps[0]) \
        and p.steps[0].__dataclass_params__.frozen else setattr(p.steps[0], "claim", H(x) <= sympy.Rational(3, 2))
    with pytest.raises(InvalidArgument, match="step 's': a step's claim must be a derive Statement"):
        check_proof(p)
