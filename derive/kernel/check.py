"""``check_proof``: run every step through its rule, compose the theorem, report honestly.

The kernel works on any object with the attributes of :class:`derive.proof.Proof`
(``name``, ``file``, ``units``, ``parameters`` (name → object with ``symbol`` and
``domain``), ``hypotheses`` (id → Hypothesis), ``steps`` (objects with ``id``,
``claim``, ``rule``, ``premises``, ``args``, ``line``) and ``theorem`` (``claim``,
``from_steps``, ``line``) or ``None``). It re-derives the dependency order itself
and rejects unknown ids and cycles: the author's order is not trusted.

Statuses: ``proved`` (kernel-checked), ``assumed`` (rests on a cited lemma or
an ``assume`` hypothesis), ``tested`` (set by numeric testing above the kernel,
never here), ``failed``, ``unchecked`` (the kernel could not decide). A proof is
``proved`` only when the theorem and every step it depends on are ``proved`` or
``assumed``; ``strict=True`` also refuses ``assumed``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable

import networkx as nx

from derive.core.hypotheses import Assume, FunctionOf, continuous_names
from derive.core.parameters import Domains
from derive.core.statements import Statement
import sympy

from derive.errors import (CertificateError, DeriveError, CyclicProof, DuplicateStep, MissingPremise, ProofError,
                           SideConditionFailed, UncheckableStep, UnknownRule)
from derive.kernel.context import ASSUMED, FAILED, PROVED, TESTED, UNCHECKED, RuleOutcome, StepContext
from derive.kernel.linear import Certificate, TwoSidedCertificate, check_certificate, find_certificate, term_of_statement
from derive.kernel.rules import RULES, copy_context, linear_terms, premise_terms
from derive.kernel.signs import is_nonnegative
from derive.kernel.wellformed import problems_of
from derive.kernel.independence import implies_independence
from derive.core.linear import linear_form
from derive.core.quantities import H, I

__all__ = ["check_proof", "check_step", "check_proposed_certificate", "admit_terms", "Report", "StepResult", "Oracle",
           "StepGuard"]

#: An untrusted helper that may propose a certificate for a step the rules left
#: ``unchecked`` (e.g. the Shannon LP prover). Whatever it returns is re-checked.
Oracle = Callable[[StepContext], Any]

#: A context manager factory wrapped around the checking of each step (called with the step id,
#: ``"theorem"`` for the theorem). It may raise a :class:`ProofError` on exit (e.g. a time budget,
#: :class:`derive.errors.StepTimeout`); the step is then ``failed`` with that message. The kernel itself
#: uses no threads, signals or clocks.
StepGuard = Callable[[str], AbstractContextManager]


def _no_guard(step_id: str) -> AbstractContextManager:
    return nullcontext()


@dataclass
class StepResult:
    """The verdict on one step (or on the theorem, ``id == "theorem"``)."""

    id: str
    rule: str
    status: str
    claim: Statement | None = None
    message: str = ""
    premises: tuple[str, ...] = ()
    trusted: list[str] = field(default_factory=list)
    expected: Any = None
    got: Any = None
    suggestion: str | None = None
    error: str | None = None
    line: int | None = None
    depends_on_unproved: list[str] = field(default_factory=list)
    certificate: Any = None

    def to_json(self) -> dict:
        out = {"id": self.id, "rule": self.rule, "status": self.status, "message": self.message}
        if self.claim is not None:
            out["claim"] = str(self.claim)
        if self.premises:
            out["premises"] = list(self.premises)
        if self.trusted:
            out["trusted"] = list(self.trusted)
        if self.error:
            out["error"] = self.error
        if self.expected is not None:
            out["expected"] = str(self.expected)
        if self.got is not None:
            out["got"] = str(self.got)
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.line is not None:
            out["line"] = self.line
        if self.depends_on_unproved:
            out["depends_on_unproved"] = list(self.depends_on_unproved)
        return out


@dataclass
class Report:
    """Per-step results, the theorem's result, the overall status and what was trusted."""

    name: str
    file: str | None
    steps: list[StepResult]
    theorem: StepResult | None
    status: str
    trusted: list[str]
    strict: bool = False
    #: Notes that are not verdicts (e.g. "the hypotheses may have no model"); layers above may add them.
    warnings: list[str] = field(default_factory=list)

    @property
    def conclusion(self) -> str | None:
        return str(self.theorem.claim) if self.theorem is not None and self.theorem.claim is not None else None

    def failures(self) -> list[StepResult]:
        out = [s for s in self.steps if s.status == FAILED]
        if self.theorem is not None and self.theorem.status == FAILED:
            out.append(self.theorem)
        return out

    @property
    def ok(self) -> bool:
        return self.status == PROVED

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "name": self.name,
            "status": self.status,
            "conclusion": self.conclusion,
            "steps": [s.to_json() for s in self.steps] + ([self.theorem.to_json()] if self.theorem else []),
            "trusted": list(self.trusted),
            "warnings": list(self.warnings),
        }


def _domains(proof) -> Domains:
    """The parameters' domains, and the continuous variables: declared (``proof.continuous``) or the input
    or output of a Gaussian channel anywhere among the proof's hypotheses (not only a step's premises)."""
    names = set(getattr(proof, "continuous", None) or ())
    for h in proof.hypotheses.values():
        names |= set(continuous_names(h))
    return Domains({p.symbol: p.domain for p in proof.parameters.values()}, names)


def _order(proof) -> list:
    ids: dict[str, Any] = {}
    for s in proof.steps:
        if s.id in ids or s.id in proof.hypotheses:
            raise DuplicateStep(f"the id {s.id!r} is used twice", step=s.id, line=s.line, file=proof.file)
        ids[s.id] = s
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    for s in proof.steps:
        if s.rule not in RULES:
            raise UnknownRule(f"unknown rule {s.rule!r} (known: {', '.join(sorted(RULES))})", step=s.id,
                              rule=s.rule, line=s.line, file=proof.file)
        for p in s.premises:
            if p in proof.hypotheses:
                continue
            if p not in ids:
                raise MissingPremise(f"uses {p!r}, which is neither a step nor a hypothesis", step=s.id,
                                     rule=s.rule, line=s.line, file=proof.file)
            g.add_edge(p, s.id)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        cycle = []
    if cycle:
        path = " -> ".join([cycle[0][0]] + [v for _, v in cycle])
        raise CyclicProof(f"the steps depend on each other in a cycle: {path}", step=cycle[0][1],
                          line=ids[cycle[0][1]].line, file=proof.file)
    return [ids[i] for i in nx.lexicographical_topological_sort(g, key=lambda i: proof.steps.index(ids[i]))]


def admit_terms(proposal, ctx: StepContext) -> None:
    """Check that every term of an oracle's certificate is a fact the kernel itself vouches for.

    A term is admitted when its form equals one the kernel builds from the step's premises and
    hypotheses (:func:`linear_terms`), or when it carries an expression that the kernel re-derives:
    ``expr >= 0`` by the sign rules (every ``H``, ``I``, ``D``, ``TV`` is ``>= 0``), ``I(A; B | C) == 0``
    by an independence the hypotheses imply, ``H(Y | X) == 0`` for a declared function ``Y = f(X)``.

    Raises
    ------
    CertificateError
        Naming the first term the kernel cannot vouch for.
    """
    hyps = ctx.hypotheses()
    pairs = proposal.all_multipliers() if isinstance(proposal, TwoSidedCertificate) else proposal.multipliers
    own = linear_terms(ctx) if pairs else []
    for term, mult in pairs:
        e = term.expr
        if e is not None and term.kind == "nonneg" and isinstance(e, (H, I)) and (linear_form(e) - term.form).is_zero() \
                and is_nonnegative(e, ctx.domains):
            continue  # a (discrete) entropy or a mutual information: >= 0, no need to search the step's own terms
        if any(o.kind == term.kind and (o.form - term.form).is_zero() for o in own):
            continue
        e = term.expr
        if e is not None and (linear_form(e) - term.form).is_zero():
            if term.kind == "nonneg" and is_nonnegative(e, ctx.domains):
                continue
            if term.kind == "zero" and isinstance(e, I) and implies_independence(hyps, e.left, e.right, e.given):
                continue
            if term.kind == "zero" and isinstance(e, H) and any(
                    isinstance(h, FunctionOf) and e.target.issubset(h.output) and h.input.issubset(e.given)
                    for h in hyps):
                continue
        raise CertificateError(f"the certificate uses [{term.label}], which is not a premise, a hypothesis "
                               "consequence or a provably non-negative quantity")


def _ask_oracle(ctx: StepContext, oracle: Oracle | None) -> RuleOutcome | None:
    """Let an untrusted oracle propose a certificate; accept it only if :func:`check_certificate` does."""
    if oracle is None:
        return None
    try:
        proposal = oracle(ctx)
    except DeriveError:
        return None
    if proposal is None:
        return None
    try:
        cert = check_proposed_certificate(ctx, proposal)
    except CertificateError:
        return None
    return RuleOutcome(PROVED, f"certificate (found by the prover, checked by the kernel): {cert}", certificate=cert)


def check_proposed_certificate(ctx: StepContext, proposal) -> Certificate:
    """Admit every term of an untrusted certificate (:func:`admit_terms`), then check it exactly."""
    admit_terms(proposal, ctx)
    return check_certificate(ctx.claim, proposal, ctx.domains)


def check_well_formed(ctx: StepContext) -> None:
    """Refuse a step whose claim, premises or expression arguments are not well formed (see
    :mod:`derive.kernel.wellformed`: sums over possibly reversed or non-integer ranges, undefined functions).

    Raises
    ------
    SideConditionFailed
        Naming the expression and why.
    """
    exprs = [("the claim", side) for side in (ctx.claim.lhs, ctx.claim.rhs)]
    for pid, st in ctx.statements().items():
        exprs += [(f"premise [{pid}]", st.lhs), (f"premise [{pid}]", st.rhs)]
    for key, value in ctx.args.items():
        values = value.values() if isinstance(value, dict) else (value if isinstance(value, (list, tuple)) else [value])
        exprs += [(f"argument `{key}`", v) for v in values if isinstance(v, sympy.Expr)]
    for what, e in exprs:
        found = problems_of(e, ctx.domains, defined=what != "argument `function`")
        if found:
            raise SideConditionFailed(f"{what} is not well formed: {found[0]}", step=ctx.step_id, rule=ctx.rule)


def check_step(ctx: StepContext, oracle: Oracle | None = None) -> RuleOutcome:
    """Apply the step's rule; for ``linear``/``shannon`` ask ``oracle`` when the kernel's own search fails."""
    check_well_formed(ctx)
    if ctx.rule == "copy":
        ctx = copy_context(ctx)  # the kernel's own copies; the oracle searches in the extended space
        rule = RULES["shannon"].function
        if oracle is not None and not ctx.args.get("certificate"):
            rescued = _ask_oracle(ctx, oracle)  # the LP is the way to certificates in the larger space; checked
            if rescued is not None:
                return rescued
    else:
        rule = RULES[ctx.rule].function
    if ctx.rule not in ("linear", "shannon", "copy"):
        return rule(ctx)
    try:
        outcome = rule(ctx)
    except CertificateError:
        if ctx.args.get("certificate"):
            raise  # an explicit certificate is checked as written, never replaced
        rescued = _ask_oracle(ctx, oracle)
        if rescued is None:
            raise
        return rescued
    if outcome.status == UNCHECKED:
        return _ask_oracle(ctx, oracle) or outcome
    return outcome


def check_proof(proof, *, strict: bool = False, oracle: Oracle | None = None,
                step_guard: StepGuard | None = None) -> Report:
    """Check every step and the theorem of ``proof``; never raises for a false step (it is ``failed``).

    ``step_guard(step_id)`` (optional) is entered around each step's check and the theorem's; a
    :class:`ProofError` it raises makes that step ``failed`` and checking goes on.

    Raises
    ------
    UnknownRule, MissingPremise, CyclicProof, DuplicateStep
        For structurally bad proofs (bad input, not bad mathematics).
    """
    order = _order(proof)
    domains = _domains(proof)
    guard = step_guard or _no_guard
    results: dict[str, StepResult] = {}
    for step in order:
        stmts = {p: proof.get_step(p).claim if hasattr(proof, "get_step") else _find(proof, p).claim
                 for p in step.premises if p not in proof.hypotheses}
        hyps = {p: proof.hypotheses[p] for p in step.premises if p in proof.hypotheses}
        ctx = StepContext(step.id, step.rule, step.claim, dict(step.args), stmts, hyps, domains, proof.units)
        res = StepResult(step.id, step.rule, FAILED, step.claim, premises=tuple(step.premises), line=step.line)
        try:
            with guard(step.id):
                out = check_step(ctx, oracle)
            res.status, res.message, res.trusted, res.certificate = out.status, out.detail, list(out.trusted), out.certificate
        except ProofError as err:
            res.status = FAILED
            res.message = err.message
            res.error = type(err).__name__
            res.expected, res.got, res.suggestion = err.expected, err.got, err.suggestion
        except Exception as err:  # noqa: BLE001 - any other error fails this step only (failing is always sound)
            _fail_unexpected(res, err)
        results[step.id] = res
        for p in step.premises:
            if p in proof.hypotheses and isinstance(proof.hypotheses[p], Assume):
                h = proof.hypotheses[p]
                res.trusted.append(f"{p}: {h.statement}" + (f" [{h.cite}]" if h.cite else " [assumed]"))
    _mark_dependencies(proof, results)
    theorem = None
    if proof.theorem is not None:
        try:
            with guard("theorem"):
                theorem = _check_theorem(proof, results, domains, oracle)
        except ProofError as err:
            th = proof.theorem
            theorem = StepResult("theorem", "compose", FAILED, th.claim, message=err.message,
                                 premises=tuple(th.from_steps), error=type(err).__name__, line=th.line)
        except Exception as err:  # noqa: BLE001
            th = proof.theorem
            theorem = StepResult("theorem", "compose", FAILED, th.claim, premises=tuple(th.from_steps), line=th.line)
            _fail_unexpected(theorem, err)
    steps = [results[s.id] for s in proof.steps]
    status = overall_status(proof, steps, theorem, strict)
    trusted = sorted({t for s in steps for t in s.trusted} | set(theorem.trusted if theorem else []))
    return Report(proof.name, proof.file, steps, theorem, status, trusted, strict)


def _fail_unexpected(res: StepResult, err: Exception) -> None:
    """A step whose check raised something other than a :class:`ProofError` is ``failed``, with the cause."""
    res.status = FAILED
    res.error = UncheckableStep.__name__
    if isinstance(err, DeriveError):
        res.message = f"cannot check this step: {err.message if hasattr(err, 'message') else err}"
    elif isinstance(err, RecursionError):
        res.message = "cannot check this step: the expression is nested too deeply"
    else:
        res.message = f"cannot check this step (internal error {type(err).__name__}: {err}); please report it"


def _find(proof, sid: str):
    return next(s for s in proof.steps if s.id == sid)


def _mark_dependencies(proof, results: dict[str, StepResult]) -> None:
    g = nx.DiGraph()
    for s in proof.steps:
        g.add_node(s.id)
        for p in s.premises:
            if p not in proof.hypotheses:
                g.add_edge(p, s.id)
    for s in proof.steps:
        bad = [a for a in nx.ancestors(g, s.id) if results[a].status not in (PROVED, ASSUMED)]
        results[s.id].depends_on_unproved = sorted(bad)


def _check_theorem(proof, results: dict[str, StepResult], domains, oracle: Oracle | None = None) -> StepResult:
    th = proof.theorem
    res = StepResult("theorem", "compose", FAILED, th.claim, premises=tuple(th.from_steps), line=th.line)
    door = StepContext("theorem", "compose", th.claim, {}, {}, {sid: proof.hypotheses[sid] for sid in th.from_steps
                                                               if sid in proof.hypotheses}, domains, proof.units)
    check_well_formed(door)
    terms = []
    trusted: list[str] = []
    for sid in th.from_steps:
        if sid in proof.hypotheses:
            h = proof.hypotheses[sid]
            if isinstance(h, Assume):
                terms.append(term_of_statement(sid, h.statement, "premise"))
                trusted.append(f"{sid}: {h.statement}" + (f" [{h.cite}]" if h.cite else " [assumed]"))
            else:
                ctx = StepContext("theorem", "compose", th.claim, {}, {}, {sid: h}, domains, proof.units)
                terms.extend(premise_terms(ctx))
        else:
            terms.append(term_of_statement(sid, results[sid].claim, "premise"))
    try:
        try:
            cert = find_certificate(th.claim, terms, domains)
        except CertificateError:
            cert = None
        if cert is None and oracle is not None:
            stmts = {sid: (results[sid].claim if sid in results else proof.hypotheses[sid].statement)
                     for sid in th.from_steps if sid in results or isinstance(proof.hypotheses.get(sid), Assume)}
            hyps = {sid: proof.hypotheses[sid] for sid in th.from_steps
                    if sid in proof.hypotheses and not isinstance(proof.hypotheses[sid], Assume)}
            rescued = _ask_oracle(StepContext("theorem", "compose", th.claim, {}, stmts, hyps, domains, proof.units),
                                  oracle)
            cert = rescued.certificate if rescued else None
        if cert is None:
            raise CertificateError("the theorem is not a non-negative combination of the listed steps")
        res.status = PROVED
        res.message = f"composed: {cert}"
        res.certificate = cert
    except CertificateError as err:
        res.status = FAILED
        res.error = type(err).__name__
        res.message = f"the listed steps do not give the theorem: {err.message}"
        res.got = th.claim
        res.suggestion = "list every step the theorem needs in `from`, or add a `linear` step"
    res.trusted = trusted
    return res


def overall_status(proof, steps: list[StepResult], theorem: StepResult | None, strict: bool) -> str:
    if theorem is not None:
        g = nx.DiGraph()
        for s in proof.steps:
            for p in s.premises:
                g.add_edge(p, s.id)
        needed: set[str] = set()
        for sid in theorem.premises:
            needed.add(sid)
            if sid in g:
                needed |= nx.ancestors(g, sid)
        relevant = [s for s in steps if s.id in needed] + [theorem]
        uses_assume = any(h in needed and isinstance(proof.hypotheses[h], Assume) for h in proof.hypotheses)
    else:
        relevant = steps
        uses_assume = any(isinstance(h, Assume) for h in proof.hypotheses.values())
    statuses = {s.status for s in relevant}
    if FAILED in statuses:
        return FAILED
    if UNCHECKED in statuses:
        return UNCHECKED
    if TESTED in statuses:
        return TESTED if not strict else FAILED
    if ASSUMED in statuses or uses_assume or any(s.trusted for s in relevant):
        return FAILED if strict else PROVED
    return PROVED

