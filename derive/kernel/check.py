"""``check_proof``: run every step through its rule, compose the theorem, report honestly.

The kernel works on any object with the attributes of :class:`derive.proof.Proof`
(``name``, ``file``, ``units``, ``parameters`` (name → object with ``symbol`` and
``domain``), ``hypotheses`` (id → Hypothesis), ``steps`` (objects with ``id``,
``claim``, ``rule``, ``premises``, ``args``, ``line``) and ``theorem`` (``claim``,
``from_steps``, ``line``) or ``None``). It re-derives the dependency order itself
and rejects unknown ids and cycles: the author's order is not trusted.

Multipliers for ``linear``/``shannon``/``copy`` steps and for the theorem come from the file or from
an untrusted ``oracle`` as a :class:`~derive.kernel.linear.Proposal`, and the points that cut a ``real`` step's
domain into pieces from the file (``split``) or the oracle as a tuple of rationals (the kernel searches for nothing);
statuses and reports are those of :mod:`derive.kernel.report`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Mapping

import sympy

from derive.core.hypotheses import Assume, AssumeFamily, FunctionOf, Hypothesis, continuous_variables
from derive.core.parameters import Domain, Domains
from derive.core.statements import Statement
from derive.errors import (CertificateError, CyclicProof, DeriveError, DuplicateStep, InvalidArgument, MissingPremise,
                           ProofError, SideConditionFailed, UncheckableStep, UnknownRule)
from derive.kernel.context import ASSUMED, FAILED, PROVED, UNCHECKED, RuleOutcome, StepContext
from derive.kernel.linear import Certificate, certificate_of_proposal, check_certificate
from derive.kernel.report import Report, StepResult, TrustedFact, overall_status
from derive.kernel.signs import is_positive
from derive.kernel.rules import RULES, copy_context, term_makers
from derive.kernel.wellformed import problems_of

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["check_proof", "check_step", "check_proposal", "Report", "StepResult", "Oracle", "StepGuard"]

#: An untrusted helper proposing multipliers (a :class:`~derive.kernel.linear.Proposal`) for a
#: ``linear``/``shannon``/``copy`` step or the theorem, or split points (a tuple of rationals) for a ``real`` step; it
#: may raise :class:`CertificateError` to say why it found none. Whatever it returns is rebuilt and re-checked by
#: the kernel.
Oracle = Callable[[StepContext], Any]

#: A context manager factory wrapped around the checking of each step (called with the step id,
#: ``"theorem"`` for the theorem). It may raise a :class:`ProofError` on exit (e.g. a time budget,
#: :class:`derive.errors.StepTimeout`); the step is then ``failed`` with that message. The kernel itself
#: uses no threads, signals or clocks.
StepGuard = Callable[[str], AbstractContextManager]


def _no_guard(step_id: str) -> AbstractContextManager:
    return nullcontext()


def _domains(proof) -> Domains:
    """The parameters' domains, and the continuous variables: declared (``proof.continuous``) or the input
    or output of a Gaussian channel anywhere among the proof's hypotheses (not only a step's premises)."""
    names = continuous_variables(getattr(proof, "continuous", None) or (), proof.hypotheses.values())
    return Domains({p.symbol: p.domain for p in proof.parameters.values()}, names)


def _check_continuous(proof, domains: Domains) -> None:
    """Continuous variables have finite differential entropies: a hypothesis true only of discrete variables may not
    name one (``Y = f(X)`` gives ``H(Y | X) = 0`` for a discrete ``Y`` only; for a continuous one it is -oo), and
    ``AWGN(snr)``, which declares its input ``N(0, snr)``, needs ``snr > 0`` (at 0 the input is a constant, whose
    differential entropy is -oo).

    Raises
    ------
    InvalidArgument
        Naming the hypothesis and what is wrong.
    """
    for hid, h in proof.hypotheses.items():
        cont = [it for it in h.output.args if domains.is_continuous(it)] if isinstance(h, FunctionOf) else []
        spec = getattr(h, "spec", None)
        why = (f"`function_of` with the continuous {cont[0]} as the function's value: H(value | argument) = 0 holds "
               "for a discrete value only (for a continuous one it is -oo)") if cont else (
            f"{spec} declares its input N(0, {spec.params[0]}), which has a density only when {spec.params[0]} > 0, "
            "and that is not provable from the parameters' domains (at 0 the input is constant: its differential "
            "entropy is -oo)") if getattr(spec, "name", None) == "AWGN" and not is_positive(spec.params[0], domains) \
            else None
        if why:
            raise InvalidArgument(f"hypothesis {hid!r}: {why}", line=getattr(proof, "hypothesis_lines", {}).get(hid),
                                  file=getattr(proof, "file", None))


def _check_types(proof) -> None:
    """The door: every part of ``proof`` the kernel reads has the type it expects (else bad input, not a verdict).

    Raises
    ------
    InvalidArgument
        Naming the step (or hypothesis) and what it got.
    """
    def need(ok: bool, what: str, got: object, step: str | None = None, line: int | None = None) -> None:
        if not ok:
            raise InvalidArgument(f"{f'step {step!r}: ' if step else ''}{what}; got {type(got).__name__} {got!r:.80}",
                                  line=line, file=getattr(proof, "file", None))

    need(isinstance(proof.hypotheses, Mapping), "hypotheses must be a mapping id -> Hypothesis", proof.hypotheses)
    for hid, h in proof.hypotheses.items():
        need(isinstance(hid, str) and isinstance(h, Hypothesis), "a hypothesis must be a derive Hypothesis", h, hid)
    for p in proof.parameters.values():
        need(isinstance(p.symbol, sympy.Symbol) and isinstance(p.domain, Domain), "a parameter needs a Domain", p)
    for s in proof.steps:
        where = {"step": str(getattr(s, "id", "?")), "line": getattr(s, "line", None)}
        need(isinstance(s.id, str) and isinstance(s.rule, str), "a step needs a string id and rule", s.id, **where)
        need(isinstance(s.claim, Statement), "a step's claim must be a derive Statement (e.g. "
             "Statement(I(X, Y), '<=', H(X)) or parsed text), not a sympy relation or a bool", s.claim, **where)
        need(isinstance(s.args, Mapping) and all(isinstance(k, str) for k in s.args), "step args must be a mapping "
             "with string keys", s.args, **where)
        need(all(isinstance(p, str) for p in s.premises), "`uses` must list ids (strings)", s.premises, **where)
    if proof.theorem is not None:
        need(isinstance(proof.theorem.claim, Statement), "the theorem's claim must be a derive Statement",
             proof.theorem.claim, "theorem", getattr(proof.theorem, "line", None))
        need(all(isinstance(p, str) for p in proof.theorem.from_steps), "`from` must list ids (strings)",
             proof.theorem.from_steps, "theorem")


def _order(proof) -> tuple[list, "nx.DiGraph"]:
    """The steps in a dependency order, and the dependency graph (premise -> step, hypotheses included)."""
    import networkx as nx  # here, not at import: `derive prove` checks one proposal and needs no graph

    _check_types(proof)
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
            if p not in ids and p not in proof.hypotheses:
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
    position = {sid: k for k, sid in enumerate(ids)}
    order = nx.lexicographical_topological_sort(g, key=lambda i: (position.get(i, -1), i))
    return [ids[i] for i in order if i in ids], g


def _propose(ctx: StepContext, oracle: Oracle | None) -> StepContext:
    """``ctx`` with the oracle's proposal (or its note on why it found none); the oracle is never trusted."""
    if oracle is None:
        return ctx
    try:
        found = oracle(ctx)
    except CertificateError as err:
        return replace(ctx, search_note=err.message)
    except DeriveError:
        return ctx
    return replace(ctx, proposal=found)


def check_proposal(ctx: StepContext, proposal) -> Certificate:
    """The certificate ``proposal`` describes over the kernel's own terms for ``ctx``, checked exactly.

    Raises
    ------
    CertificateError
        If a term cannot be built or the combination does not give the claim.
    """
    cert = certificate_of_proposal(proposal, term_makers(replace(ctx, proposal=proposal)), ctx.hypotheses(),
                                   ctx.domains)
    return check_certificate(ctx.claim, cert, ctx.domains)


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
    """Apply the step's rule; a ``linear``/``shannon``/``copy`` step without a certificate in the file gets the
    oracle's proposal (in the copy lemma's extended space for ``copy``), which the rule rebuilds and checks; a
    ``real`` step without ``split`` that the rule leaves unchecked gets the oracle's split points, which the rule
    checks piece by piece."""
    check_well_formed(ctx)
    if ctx.rule == "copy":
        ctx = copy_context(ctx)  # the kernel's own copies; the oracle proposes in the extended space
    rule = RULES["shannon" if ctx.rule == "copy" else ctx.rule].function
    if ctx.rule in ("linear", "shannon", "copy") and not ctx.args.get("certificate"):
        ctx = _propose(ctx, oracle)
    out = rule(ctx)
    if ctx.rule == "real" and out.status == UNCHECKED and oracle is not None and not ctx.args.get("split"):
        return rule(_propose(ctx, oracle))  # cut the domain where the oracle proposes
    return out


def check_proof(proof, *, strict: bool = False, oracle: Oracle | None = None,
                step_guard: StepGuard | None = None) -> Report:
    """Check every step and the theorem of ``proof``; never raises for a false step (it is ``failed``).

    ``oracle`` proposes multipliers (:data:`Oracle`; without one, ``linear`` steps need a certificate in the
    file). ``step_guard(step_id)`` (optional) is entered around each step's check and the theorem's; a
    :class:`ProofError` it raises makes that step ``failed`` and checking goes on.

    Raises
    ------
    UnknownRule, MissingPremise, CyclicProof, DuplicateStep
        For structurally bad proofs (bad input, not bad mathematics).
    """
    import networkx as nx

    order, graph = _order(proof)
    domains = _domains(proof)
    _check_continuous(proof, domains)
    guard = step_guard or _no_guard
    claims = {s.id: s.claim for s in proof.steps}
    results: dict[str, StepResult] = {}
    for step in order:
        stmts = {p: claims[p] for p in step.premises if p not in proof.hypotheses}
        hyps = {p: proof.hypotheses[p] for p in step.premises if p in proof.hypotheses}
        ctx = StepContext(step.id, step.rule, step.claim, dict(step.args), stmts, hyps, domains, proof.units)
        base = StepResult(step.id, step.rule, FAILED, step.claim, premises=tuple(step.premises), line=step.line)
        res = _run(lambda: check_step(ctx, oracle), guard(step.id), base)
        facts = _assumed_facts(hyps)
        ancestors = [a for a in nx.ancestors(graph, step.id)
                     if a in results and results[a].status not in (PROVED, ASSUMED)]
        results[step.id] = replace(res, trusted=res.trusted + facts, depends_on_unproved=tuple(sorted(ancestors)))
    theorem, needed = None, frozenset(graph.nodes)
    if proof.theorem is not None:
        th = proof.theorem
        base = StepResult("theorem", "compose", FAILED, th.claim, premises=tuple(th.from_steps), line=th.line)
        theorem = _run(lambda: _check_theorem(proof, results, domains, oracle), guard("theorem"), base)
        needed = frozenset(th.from_steps).union(*[nx.ancestors(graph, sid) for sid in th.from_steps if sid in graph])
        theorem = replace(theorem, depends_on_unproved=tuple(sorted(
            a for a in needed if a in results and results[a].status not in (PROVED, ASSUMED))))
    uses_assume = any(isinstance(h, Assume) for hid, h in proof.hypotheses.items() if hid in needed)
    steps = tuple(results[s.id] for s in proof.steps)
    status = overall_status(steps, theorem, needed, uses_assume, strict)
    trusted = sorted({t for s in (*steps, *([theorem] if theorem else [])) for t in s.trusted}, key=str)
    return Report(proof.name, proof.file, steps, theorem, status, tuple(trusted), strict, (), needed, uses_assume)


def _run(check: Callable[[], "RuleOutcome | StepResult"], guard: AbstractContextManager, base: StepResult) -> StepResult:
    """``base`` with the verdict of ``check()`` run inside ``guard``: its outcome, or ``failed`` with the reason."""
    try:
        with guard:
            out = check()
    except ProofError as err:
        return replace(base, message=err.message, error=type(err).__name__, expected=err.expected, got=err.got,
                       suggestion=err.suggestion)
    except Exception as err:  # noqa: BLE001 - any other error fails this step only (failing is always sound)
        if isinstance(err, DeriveError):
            why = f"cannot check this step: {err.message if hasattr(err, 'message') else err}"
        elif isinstance(err, RecursionError):
            why = "cannot check this step: the expression is nested too deeply"
        else:
            why = f"cannot check this step (internal error {type(err).__name__}: {err}); please report it"
        return replace(base, message=why, error=UncheckableStep.__name__)
    if isinstance(out, StepResult):
        return out
    return replace(base, status=out.status, message=out.detail, trusted=tuple(out.trusted), certificate=out.certificate)


def _assumed_facts(hyps: dict) -> tuple[TrustedFact, ...]:
    """The ``assume`` hypotheses among ``hyps``, as trusted facts."""
    return tuple(TrustedFact(h.text, h.cite or "assumed", hid, None if isinstance(h, AssumeFamily) else h.statement)
                 for hid, h in hyps.items() if isinstance(h, Assume))


def _check_theorem(proof, results: dict[str, StepResult], domains, oracle: Oracle | None = None) -> StepResult:
    """The theorem as a non-negative combination of its listed steps and hypotheses (multipliers from ``oracle``)."""
    th = proof.theorem
    stmts = {sid: results[sid].claim for sid in th.from_steps if sid not in proof.hypotheses}
    hyps = {sid: proof.hypotheses[sid] for sid in th.from_steps if sid in proof.hypotheses}
    ctx = StepContext("theorem", "compose", th.claim, {}, stmts, hyps, domains, proof.units)
    check_well_formed(ctx)
    res = StepResult("theorem", "compose", FAILED, th.claim, premises=tuple(th.from_steps), line=th.line,
                     trusted=_assumed_facts(hyps))
    ctx = _propose(ctx, oracle)
    try:
        if ctx.proposal is None:
            raise CertificateError("the theorem is not a non-negative combination of the listed steps")
        cert = check_proposal(ctx, ctx.proposal)
    except CertificateError as err:
        return replace(res, error=type(err).__name__, message=f"the listed steps do not give the theorem: {err.message}",
                       got=th.claim, suggestion="list every step the theorem needs in `from`, or add a `linear` step")
    return replace(res, status=PROVED, message=f"composed: {cert}", certificate=cert)
