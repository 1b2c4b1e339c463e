"""The rule registry: one small pure function per rule.

Each function receives a :class:`StepContext` and either returns a
:class:`RuleOutcome` (the step is accepted) or raises a :class:`ProofError`
subclass saying what it expected and what it got. Proof files name rules by
their short contract names (``dpi``, ``sdpi``, ...); the functions carry the
descriptive names (``mutual_info_le_of_markov``, ...).
"""

from __future__ import annotations

from typing import Callable, Iterable

import sympy
from sympy import S

from derive.core.hypotheses import (Assume, Channel, CopyOf, CopyRV, CopySpec, Hypothesis, MarkovFamily, block_of,
                                    copy_lemma_extension)
from derive.core.cited import TENSORIZATION, fano_fact
from derive.core.linear import is_zero_coefficient, linear_form
from derive.core.notation import decimal_at_least, show
from derive.core.parameters import Domain
from derive.core.quantities import INFO_CLASSES, TV, D, H, I, has_information
from derive.core.statements import Statement
from derive.core.variables import FamilyMember, FamilyRange, RVSet, fresh_symbol
from derive.errors import CertificateError, DeriveError, InvalidArgument, RuleMismatch, SideConditionFailed
from derive.kernel.coefficients import Coefficient, sdpi_coefficient, smallest_value
from derive.kernel.context import ASSUMED, PROVED, UNCHECKED, Rule, RuleOutcome, StepContext
from derive.kernel.independence import implies_independence, implies_mutual_independence, implies_zero
from derive.kernel.linear import (Proposal, Term, TermMakers, certificate_of_proposal, check_certificate, nonneg_term,
                                  term_of_statement, zero_term)
from derive.kernel.signs import is_nonnegative, is_positive, sign_of
from derive.kernel.wellformed import problems_of

__all__ = ["RULES", "register", "rule_names", "linear_terms", "step_terms", "term_makers", "copy_context",
           "contraction_parts", "SUM_SPLIT"]

RULES: dict[str, Rule] = {}
#: The source of the terms that split a sum at an end or at a term (:func:`_linear_terms`), for printers to describe them.
SUM_SPLIT = "a sum over a non-empty range split at an end or at a term"


def register(name: str) -> Callable:
    """Register ``function`` under the proof-file rule ``name``; its docstring states the rule (``Statement:``,
    ``Reference:``, ``Needs:`` sections, read by ``derive rules``)."""

    def deco(fn: Callable[[StepContext], RuleOutcome]) -> Callable[[StepContext], RuleOutcome]:
        RULES[name] = Rule(name, fn)
        return fn

    return deco


def rule_names() -> list[str]:
    return sorted(RULES)


# ---------------------------------------------------------------------------- helpers

def _as_le(st: Statement) -> Statement:
    """``a >= b`` rewritten as ``b <= a``; ``<=`` and ``==`` unchanged."""
    return st.flipped() if st.rel == ">=" else st


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Exactly equal as linear forms over joint entropies (so ``H(X,Y) - H(Y)`` equals ``H(X|Y)``)."""
    return (linear_form(a) - linear_form(b)).is_zero()


def _coefficient_times_atom(expr: sympy.Expr, kind: type) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``c * atom`` with ``atom`` of class ``kind`` and ``c`` free of information; else ``None``."""
    if isinstance(expr, kind):
        return S.One, expr
    if isinstance(expr, sympy.Mul):
        atoms = [f for f in expr.args if has_information(f)]
        if len(atoms) == 1 and isinstance(atoms[0], kind):
            rest = sympy.Mul(*[f for f in expr.args if f is not atoms[0]])
            return rest, atoms[0]
    return None


def _hypotheses_of(ctx: StepContext, kind: type) -> list[tuple[str, Hypothesis]]:
    return [(hid, h) for hid, h in ctx.premise_hypotheses.items() if isinstance(h, kind)]


def _premise_terms(ctx: StepContext) -> dict[str, Callable[[], Term]]:
    """Makers of the terms of every premise: accepted statements (``>= 0``/``== 0``) and hypothesis equalities."""
    makers: dict[str, Callable[[], Term]] = {}
    for sid, st in ctx.statements().items():
        makers[sid] = lambda sid=sid, st=st: term_of_statement(sid, st, "premise")
    for hid, h in ctx.premise_hypotheses.items():
        eqs = () if isinstance(h, Assume) else h.equalities()
        for k, e in enumerate(eqs):
            label = hid if len(eqs) == 1 else f"{hid}[{k + 1}]"
            makers[label] = lambda e=e, label=label, hid=hid: zero_term(e, label, f"hypothesis {hid}: {show(e)} = 0")
    return makers


def _built(makers: TermMakers) -> list[Term]:
    return [t for make in makers.values() if (t := make()) is not None]


def _info_atoms(exprs: Iterable[sympy.Expr]) -> list[sympy.Expr]:
    """Information atoms and sums of information the expressions mention, without bound indices left free."""
    seen: list[sympy.Expr] = []
    for e in exprs:
        bound = _bound_symbols(e)
        for node in sympy.preorder_traversal(e):
            if (isinstance(node, INFO_CLASSES) or (isinstance(node, sympy.Sum) and has_information(node))) \
                    and node not in seen and not (bound and node.free_symbols & bound):
                seen.append(node)
    return seen


def _bound_symbols(e: sympy.Expr) -> set:
    return {lim[0] for node in sympy.preorder_traversal(e) if isinstance(node, sympy.Sum) for lim in node.limits}


# ---------------------------------------------------------------------------- linear / shannon

def _linear_terms(ctx: StepContext) -> TermMakers:
    """Makers of the candidate terms of a linear step: premises, hypothesis equalities, ``nonneg`` arguments
    (checked now), independences the hypotheses imply, atoms ``>= 0`` (each checked when named), and each sum over a
    provably non-empty range split at its last and first terms (``Σ_lo^hi f = f(hi) + Σ_lo^(hi-1) f = f(lo) +
    Σ_lo^(hi-1) f(i+1)``; the shorter range is at least empty) with the shorter sums ``>= 0`` where they are — the
    sums of the claim, the premises and the oracle's proposed ``>= 0`` terms (a telescoping through sums the claim
    does not write) —, and the instances ``S(k)`` of a hypothesis's ``S(i) for each i in lo..hi`` at each member
    ``X[k]`` the step names, ``lo <= k <= hi`` proved."""
    makers: dict[str, Callable[[], Term | None]] = dict(_premise_terms(ctx))
    for k, e in enumerate(ctx.args.get("nonneg") or ()):
        try:
            term = nonneg_term(e, ctx.domains, f"nonneg[{k + 1}]")
        except CertificateError as err:
            raise CertificateError(err.message, step=ctx.step_id, rule=ctx.rule) from err
        makers[term.label] = lambda term=term: term
    atoms = _info_atoms([ctx.claim.lhs, ctx.claim.rhs, *[s.lhs for s in ctx.statements().values()],
                         *[s.rhs for s in ctx.statements().values()]])
    hyps = ctx.hypotheses()

    def implied_zero(atom: sympy.Expr, label: str) -> Term | None:  # I(A; B | C), or a sum of them over a range
        return zero_term(atom, label, "implied by a hypothesis") if implies_zero(hyps, atom, ctx.domains) else None

    def nonnegative(atom: sympy.Expr, label: str) -> Term | None:  # None: e.g. a differential entropy
        return nonneg_term(atom, ctx.domains, label) if is_nonnegative(atom, ctx.domains) else None

    for atom in atoms:
        if hyps and (isinstance(atom, I) or isinstance(atom, sympy.Sum) and atom.function.has(I)):
            makers[f"{show(atom)} = 0"] = lambda atom=atom: implied_zero(atom, f"{show(atom)} = 0")
    named = {m for a in atoms if not isinstance(a, sympy.Sum) for m in sympy.preorder_traversal(a)
             if isinstance(m, FamilyMember)}
    for hid, h in ctx.premise_hypotheses.items():  # S(k) of "S(i) for each i in lo..hi" at a member X[k] named
        for i, lo, hi, body in h.for_each_index():
            for k in _indices_naming(body, i, named):
                if is_nonnegative(k - lo, ctx.domains) and is_nonnegative(hi - k, ctx.domains):
                    st = body.xreplace({i: k})
                    label = f"{hid} at {i} = {show(k)}: {st}"
                    makers[label] = lambda st=st, label=label: term_of_statement(label, st, f"hypothesis {hid}")
    for atom in atoms:
        makers[f"{show(atom)} >= 0"] = lambda atom=atom: nonnegative(atom, f"{show(atom)} >= 0")
        if isinstance(atom, TV):  # a total variation distance is at most 1
            makers[f"{show(atom)} <= 1"] = lambda atom=atom: nonnegative(1 - atom, f"{show(atom)} <= 1")
    forms = _forms_of_step(ctx)
    sums = {a for a in atoms if isinstance(a, sympy.Sum)} | {a for e in forms for a in e.atoms()
                                                            if isinstance(a, sympy.Sum)}  # written and canonical
    terms_named = {a for a in atoms if not isinstance(a, sympy.Sum)} | {a for e in forms for a in e.atoms()
                                                                       if not isinstance(a, sympy.Sum)}
    for total in sorted((a for a in sums if len(a.limits) == 1), key=sympy.default_sort_key):
        (i, lo, hi), f = total.limits[0], total.function
        if is_nonnegative(hi - lo, ctx.domains):  # a non-empty range splits at either end into a shorter sum
            shorter = ((hi, sympy.Sum(f, (i, lo, hi - 1))), (lo, sympy.Sum(f.xreplace({i: i + 1}), (i, lo, hi - 1))))
            for end, rest in shorter:
                label = f"{show(total)} = {show(f.xreplace({i: end}))} + {show(rest)}"
                makers[label] = lambda e=total - f.xreplace({i: end}) - rest, label=label: zero_term(
                    e, label, SUM_SPLIT)
                makers[f"{show(rest)} >= 0"] = lambda rest=rest: nonnegative(rest, f"{show(rest)} >= 0")
        for a in sorted(terms_named, key=sympy.default_sort_key):  # at a term f(k) the step names, lo <= k <= hi
            k = _index_of_term(f, i, a)
            if k is not None and is_nonnegative(k - lo, ctx.domains) and is_nonnegative(hi - k, ctx.domains):
                parts = (sympy.Sum(f, (i, lo, k - 1)), sympy.Sum(f, (i, k + 1, hi)))
                label = f"{show(total)} = {show(a)} + {show(parts[0])} + {show(parts[1])}"
                makers[label] = lambda e=total - a - parts[0] - parts[1], label=label: zero_term(e, label, SUM_SPLIT)
                for rest in parts:
                    makers[f"{show(rest)} >= 0"] = lambda rest=rest: nonnegative(rest, f"{show(rest)} >= 0")
    return makers


def _indices_naming(body: Statement, i: sympy.Symbol, named: set) -> list[sympy.Expr]:
    """The ``k`` at which a member ``X[i + c]`` of ``body`` is a member ``X[k + c]`` of ``named``."""
    shifts = {(m.family, sympy.expand(m.index - i)) for side in (body.lhs, body.rhs)
              for m in sympy.preorder_traversal(side) if isinstance(m, FamilyMember) and i in m.index.free_symbols}
    return sorted({sympy.expand(m.index - c) for family, c in shifts if i not in c.free_symbols for m in named
                   if m.family == family}, key=sympy.default_sort_key)


def _index_of_term(f: sympy.Expr, i: sympy.Symbol, atom: sympy.Expr) -> sympy.Expr | None:
    """The integer ``k`` with ``f(k) == atom``, from a member ``X[i + c]`` of ``f`` and the atom's member of ``X``."""
    for node in sympy.preorder_traversal(f):
        c = sympy.expand(node.index - i) if isinstance(node, FamilyMember) else None
        if c is None or i in c.free_symbols or not c.free_symbols.isdisjoint(_bound_symbols(f)):
            continue
        for m in (x for x in sympy.preorder_traversal(atom) if isinstance(x, FamilyMember) and x.family == node.family):
            k = sympy.expand(m.index - c)
            if k.is_integer and k.free_symbols.isdisjoint(_bound_symbols(f)) and f.xreplace({i: k}) == atom:
                return k
    return None


def _forms_of_step(ctx: StepContext) -> list:
    """The linear forms of the claim, the premises (statements and hypothesis equalities) and the expressions an
    oracle's proposal says are ``>= 0`` (the kernel vets those when it builds them; here they only say which sums
    may be split)."""
    halves = [p for p in (ctx.proposal, getattr(ctx.proposal, "le", None), getattr(ctx.proposal, "ge", None)) if p]
    proposed = [e for p in halves for e, _ in getattr(p, "nonneg", ())
                if isinstance(e, sympy.Expr) and not problems_of(e, ctx.domains)]  # only well-formed sums split
    equalities = [e for h in ctx.premise_hypotheses.values() if not isinstance(h, Assume) for e in h.equalities()]
    return [linear_form(st.slack()) for st in (ctx.claim, *ctx.statements().values())] + [
        f for e in proposed + equalities if (f := _form_or_none(e)) is not None]


def _form_or_none(e: sympy.Expr):
    """``linear_form(e)``, or ``None`` for an expression that is not linear in information quantities."""
    try:
        return linear_form(e)
    except DeriveError:
        return None


def term_makers(ctx: StepContext) -> TermMakers:
    """The terms multipliers may name for ``ctx``, each built when named: the theorem (``compose``) uses only its
    listed steps and hypotheses; a step also its atoms and ``nonneg`` arguments."""
    return _premise_terms(ctx) if ctx.rule == "compose" else _linear_terms(ctx)


def linear_terms(ctx: StepContext) -> list[Term]:
    """Every term of a linear step (for searches that need them all)."""
    return _built(_linear_terms(ctx))


def step_terms(ctx: StepContext) -> list[Term]:
    """Every term of :func:`term_makers` (for searches that need them all)."""
    return _built(term_makers(ctx))


def _linear_outcome(ctx: StepContext, *, unchecked_ok: bool) -> RuleOutcome:
    """Check the step's multipliers — from the file (``certificate``: labels of the kernel's terms, an error if
    they fail) or from the oracle's proposal (its failure is only a note) — over the kernel's own terms."""
    terms, note = _linear_terms(ctx), ctx.search_note
    written = ctx.args.get("certificate")
    proposal = Proposal(tuple(written.items()), origin="") if written else ctx.proposal
    if proposal is not None:
        try:
            cert = check_certificate(ctx.claim, certificate_of_proposal(proposal, terms, ctx.hypotheses(), ctx.domains),
                                     ctx.domains)
        except CertificateError as err:
            if written:
                raise CertificateError(err.message, step=ctx.step_id, rule=ctx.rule, got=ctx.claim) from err
            note = err.message
        else:
            how = f" ({proposal.origin}, checked by the kernel)" if getattr(proposal, "origin", "") else ""
            return RuleOutcome(PROVED, f"certificate{how}: {cert}", certificate=cert)
    if unchecked_ok:
        return RuleOutcome(UNCHECKED, f"no certificate found ({note})" if note else
                           "no certificate in the file and none found by the searches run")
    fix = "list a missing premise or hypothesis in `uses`, give `nonneg` terms or a `certificate`, or use `shannon`"
    why = (f"no valid combination of the premises gives the claim: {note}" if note else "the claim is not a "
           "non-negative combination of the premises, hypothesis equalities and the information quantities it mentions")
    raise CertificateError(why, step=ctx.step_id, rule=ctx.rule, got=ctx.claim, suggestion=fix)


@register("linear")
def claim_le_of_linear_combination(ctx: StepContext) -> RuleOutcome:
    """The claim is a non-negative combination of premises, information quantities and hypothesis equalities.

    Statement: claim = Σ λ_k·premise_k + Σ μ·(H, I, D, TV ≥ 0; 1 − TV ≥ 0) + Σ ν·(hypothesis equality) + r,
        λ, μ, r ≥ 0; a sum over a non-empty range may be split at an end (Σ_lo^hi f = f(hi) + Σ_lo^(hi-1) f =
        f(lo) + Σ_lo^(hi-1) f(i+1)) or at a term f(k) the step names, lo <= k <= hi (Σ_lo^hi f = f(k) +
        Σ_lo^(k-1) f + Σ_(k+1)^hi f); a hypothesis "S(i) for each i in lo..hi" (an i.i.d. family's
        H(X[i] | G) = H(X[lo] | G), a family of assumptions) gives S(k) at a member X[k] the step names, lo <= k <= hi
    Reference: Yeung, A First Course in Information Theory (2002), ch. 13-14; mathlib linarith (certificate
        checking)
    """
    return _linear_outcome(ctx, unchecked_ok=False)


@register("shannon")
def shannon_type_of_certificate(ctx: StepContext) -> RuleOutcome:
    """Shannon-type step: checked from a certificate (in the file, or found by exact search); else unchecked.

    Statement: a Shannon-type (in)equality: a non-negative combination of elemental inequalities and hypothesis
        equalities, with the certificate checked exactly
    Reference: Yeung 1997, A framework for linear information inequalities (ITIP)
    """
    return _linear_outcome(ctx, unchecked_ok=True)


# ---------------------------------------------------------------------------- copy lemma

def _variables_of(exprs: Iterable[sympy.Expr]) -> RVSet:
    items = []
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, RVSet):
                items.extend(node.args)
    return RVSet(*items)


def copy_context(ctx: StepContext) -> StepContext:
    """The step's context extended by the copy lemma: the kernel's own fresh copies and their equalities.

    Raises
    ------
    SideConditionFailed
        If ``copy`` is missing or malformed, if the step already mentions a copy variable or a copy
        hypothesis (copies are made here only), or a copy step names a variable the step does not mention.
    """
    specs = ctx.args.get("copy")
    if not specs or not isinstance(specs, (tuple, list)) or not all(isinstance(c, CopySpec) for c in specs):
        raise ctx.side("`copy` needs `copy = [\"C, D over A, B\"]`: which variables to copy, over which")
    stmts = ctx.statements()
    exprs = [ctx.claim.lhs, ctx.claim.rhs, *[x for st in stmts.values() for x in (st.lhs, st.rhs)]]
    hyps = [h for h in ctx.premise_hypotheses.values() if not isinstance(h, Assume)]
    mentioned = RVSet(_variables_of(exprs), *[h.variables() for h in hyps])
    if any(isinstance(h, CopyOf) for h in hyps) or any(isinstance(v, CopyRV) for v in mentioned.args):
        raise ctx.side("copy variables are made by the kernel only; the step may not mention one")
    try:
        extension = copy_lemma_extension(tuple(specs), mentioned)
    except InvalidArgument as err:
        raise ctx.side(err.message) from err
    added = {f"copy[{k}]": h for k, h in enumerate(extension, start=1)}
    return StepContext(ctx.step_id, ctx.rule, ctx.claim, ctx.args, ctx.premise_statements,
                       {**ctx.premise_hypotheses, **added}, ctx.domains, ctx.units)


@register("copy")
def claim_of_copy_lemma(ctx: StepContext) -> RuleOutcome:
    """Copy lemma: extend by fresh copies (:func:`copy_context`), then a checked linear certificate.

    Sound because the copies exist for *every* distribution of the original variables, and the claim,
    premises and hypotheses mention only original variables, whose joint law the extension keeps.

    Statement: for (A, B, C) there is C' with (A, C') ~ (A, C) and C' _|_ (B, C) | A (copy lemma); a Shannon-type
        certificate over the variables and their copies proves a claim about the variables alone
    Reference: Zhang & Yeung 1998, On characterization of entropy function via information inequalities; Dougherty,
        Freiling & Zeger 2006, Six new non-Shannon information inequalities
    Needs: args: copy = ["C over A, B", ...] (one or more copy steps, applied in order)
    """
    return _linear_outcome(copy_context(ctx), unchecked_ok=True)


# ---------------------------------------------------------------------------- dpi

def _split_info(ctx: StepContext, expr: sympy.Expr, side: str) -> I:
    if not isinstance(expr, I):
        raise ctx.mismatch(f"the {side} side must be a single mutual information I(.;.|.)",
                        "I(A; C | W) <= I(A; B | W)")
    return expr


def _along_a_family_chain(ctx: StepContext, uw: RVSet, b: RVSet, c: RVSet) -> bool:
    """``U, W -> X[m] -> X[j]`` from a used chain ``... -> X[lo] -> ... -> X[hi] -> ...``: ``lo <= m <= j <= hi`` with
    each of ``U, W`` in a link before the run or a member ``X[i]`` of the run, ``i <= m``; or the mirror image
    (``j <= m``; after the run or ``i >= m``): given ``X[m]``, the links on one side are independent of the other's."""
    m, j = (s.args[0] if len(s) == 1 and isinstance(s.args[0], FamilyMember) else None for s in (b, c))
    if m is None or j is None or m.family != j.family:
        return False

    def ordered(*ds) -> bool:
        return all(is_nonnegative(d, ctx.domains) for d in ds)

    for h in ctx.premise_hypotheses.values():
        if not isinstance(h, MarkovFamily) or h.family != m.family:
            continue
        for side, sign in ((RVSet(*h.before), 1), (RVSet(*h.after), -1)):
            if ordered(m.index - h.lo, h.hi - m.index, j.index - h.lo, h.hi - j.index, sign * (j.index - m.index)) \
                    and all(it in side.args or (isinstance(it, FamilyMember) and it.family == m.family and ordered(
                        it.index - h.lo, h.hi - it.index, sign * (m.index - it.index))) for it in uw.args):
                return True
    return False


@register("dpi")
def mutual_info_le_of_markov(ctx: StepContext) -> RuleOutcome:
    """Data processing: ``I(A; C | W) <= I(A; B | W)`` when ``I(A; C | B, W) = 0``.

    Statement: A -> B -> C (given W) ⇒ I(A; C | W) <= I(A; B | W) and I(A; C | W) <= I(B; C | W)
    Reference: Cover & Thomas, Elements of Information Theory, Thm 2.8.1
    Needs: a Markov chain or independence; along a chain through a family (U -> X[lo] -> ... -> X[hi] -> V),
        B = X[m], C = X[j] with lo <= m <= j <= hi provable and A, W before the run or members X[i], i <= m (or the
        mirror image: j <= m, after the run or i >= m)
    """
    st = _as_le(ctx.claim)
    if st.rel != "<=":
        raise ctx.mismatch("data processing gives an inequality", "I(A; C | W) <= I(A; B | W)")
    small, big = _split_info(ctx, st.lhs, "smaller"), _split_info(ctx, st.rhs, "larger")
    w = small.given
    if big.given != w:
        raise ctx.mismatch("both sides must have the same conditioning", f"I(.; . | {w}) <= I(.; . | {w})")
    tried = []
    for a, c in ((small.left, small.right), (small.right, small.left)):
        for x, b in ((big.left, big.right), (big.right, big.left)):
            if x != a:
                continue
            tried.append(f"{a} -> {b} -> {c}" + (f" given {w}" if w else ""))
            if (implies_independence(ctx.hypotheses(), a, c, b | w, ctx.domains)
                    or _along_a_family_chain(ctx, a | w, b, c)):
                return RuleOutcome(PROVED, f"Markov chain {tried[-1]} from the hypotheses")
    if not tried:
        raise ctx.mismatch("the two mutual informations must share one side (A)",
                        "I(A; C | W) <= I(A; B | W)")
    for a, b in ((small.left, small.right), (small.right, small.left)):  # the chain A -> C -> B gives the reverse
        for x, c in ((big.left, big.right), (big.right, big.left)):
            if x == a and implies_independence(ctx.hypotheses(), a, c, b | w, ctx.domains):
                raise ctx.mismatch(f"the inequality may be reversed: the hypotheses give the Markov chain "
                                     f"{a} -> {b} -> {c}, so data processing says {big} <= {small}",
                                Statement(big, "<=", small), suggestion=f"swap the two sides: {big} <= {small}")
    raise ctx.side(f"the Markov chain {' or '.join(tried)} does not follow from the hypotheses this step uses "
                     f"({', '.join(ctx.premise_hypotheses) or 'none'})",
                suggestion="add the Markov chain (or independence) hypothesis to `uses`")


# ---------------------------------------------------------------------------- sdpi / tensorization

def contraction_parts(ctx: StepContext, shape: str = "I(U; Y) <= eta * I(U; X)") -> tuple[I, sympy.Expr, I]:
    """``(I(U; Y | W), c, I(U; X | W))`` from a claim ``I(U; Y | W) <= c * I(U; X | W)`` (or ``>=`` reversed)."""
    st = _as_le(ctx.claim)
    if st.rel != "<=":
        raise ctx.mismatch("SDPI gives an inequality", shape)
    if not isinstance(st.lhs, I):
        raise ctx.mismatch("the smaller side must be one mutual information", shape)
    parts = _coefficient_times_atom(st.rhs, I)
    if parts is None:
        raise ctx.mismatch("the larger side must be a coefficient times one mutual information", shape)
    if st.lhs.given != parts[1].given:
        raise ctx.mismatch("both sides must have the same conditioning", shape)
    return st.lhs, parts[0], parts[1]


def channel_coefficients(ctx: StepContext, spec, eta: sympy.Expr | None = None, *,
                         input_free: bool = False) -> list[Coefficient]:
    """Every bound ``c >= η_KL(K)`` the kernel knows for ``spec`` (only those valid at every input with
    ``input_free``); ``eta`` only lets exact refinement stop early."""
    try:
        options = sdpi_coefficient(spec, ctx.domains, target=eta)
    except SideConditionFailed as err:
        raise ctx.side(err.message) from err
    return [c for c in options if c.input_law is None] if input_free else options


def first_at_most(eta: sympy.Expr, options: list[Coefficient], domains) -> Coefficient | None:
    """The first bound ``c`` in ``options`` with ``eta >= c`` proved (``eta`` is then a valid constant)."""
    return next((c for c in options if is_nonnegative(eta - c.value, domains)), None)


def _sdpi_common(ctx: StepContext, *, tensorized: bool) -> RuleOutcome:
    out_i, eta, in_i = contraction_parts(ctx)
    w = out_i.given
    channels = _hypotheses_of(ctx, Channel)
    if not channels:
        raise ctx.side("no channel hypothesis (`channel = \"Y | X ~ ...\"`) among the premises",
                    suggestion="add the channel hypothesis to `uses`")
    problems = []
    for hid, ch in channels:
        product = ch.is_product  # decided by what the hypothesis means (core), not by its syntax
        if product != tensorized:
            problems.append(f"{hid} is {'a memoryless product' if product else 'a single-letter'} channel: "
                            f"use `{'tensorization' if product else 'sdpi'}`")
            continue
        for u, y in ((out_i.left, out_i.right), (out_i.right, out_i.left)):
            if y != ch.output:
                continue
            x_side = in_i.right if in_i.left == u else (in_i.left if in_i.right == u else None)
            if x_side != ch.input:
                continue
            if not implies_independence(ctx.hypotheses(), u | w, y, ch.input, ctx.domains):
                problems.append(f"the Markov chain {u} -> {ch.input} -> {y}"
                                + (f" (jointly with {w})" if w else "") + " does not follow from the hypotheses used")
                continue
            if tensorized and not _product_input(ctx, ch.input, w):
                raise ctx.side(f"tensorization needs a product input: {ch.input} mutually independent"
                                 + (f" given {w}" if w else "") + "; with correlated inputs the single-letter "
                                 "coefficient is not a valid constant",
                            suggestion=f"add `mutually_independent = \"{ch.input}\"` and list it in `uses`")
            options = channel_coefficients(ctx, ch.spec, eta)
            if not options:
                problems.append(f"no valid contraction coefficient is known for {ch.spec}")
                continue
            specific = [c for c in options if c.input_law is not None]
            if w and specific:
                options = [c for c in options if c.input_law is None]
                problems.append(f"{specific[0].source.split(' [')[0]} holds only at the input {specific[0].input_law}; "
                                f"conditioned on {w} the input of {hid} need not be {specific[0].input_law}")
                if not options:
                    continue
            coeff = first_at_most(eta, options, ctx.domains)
            if coeff is not None:
                trusted = [coeff.fact] if coeff.fact else []
                if tensorized:
                    trusted.append(TENSORIZATION)
                status = ASSUMED if coeff.cited else PROVED
                return RuleOutcome(status, f"eta = {show(eta)} >= {show(coeff.value)} "
                                           f"({coeff.source})", trusted=tuple(trusted))
            best, text = decimal_at_least(smallest_value(options, ctx.domains))
            known = f"{text} (rounded up)" if best.is_Rational and best != smallest_value(options, ctx.domains) else text
            raise RuleMismatch(f"the coefficient {show(eta)} is not provably >= the contraction "
                               f"coefficient of {ch.spec} that the kernel can certify, {known}",
                               step=ctx.step_id, rule=ctx.rule, expected=Statement(out_i, "<=", best * in_i),
                               got=ctx.claim, suggestion=f"use eta >= {text}")
    if problems:
        raise ctx.side("; ".join(problems))
    raise ctx.mismatch("no channel hypothesis matches: the claim must read I(U; Y) <= eta * I(U; X) for a "
                         "declared channel Y | X", "I(U; Y) <= eta * I(U; X) with channel Y | X",
                    suggestion=", ".join(f"{hid}: {ch}" for hid, ch in channels))


def _product_input(ctx: StepContext, block: RVSet, given: RVSet) -> bool:
    """The input block ``X[lo..hi]`` is mutually independent (given ``given``) as a hypothesis says or implies."""
    found = block_of(block)
    return found is not None and _independence_covers(ctx, found[0], found[1], found[2], given)


@register("sdpi")
def mutual_info_le_contraction_of_channel(ctx: StepContext) -> RuleOutcome:
    """Strong data processing: ``I(U; Y) <= η·I(U; X)`` for ``U - X - Y`` with ``Y | X ~ K``, ``η >= η_KL(K)``.

    Statement: U -> X -> Y, Y | X ~ K ⇒ I(U; Y) <= eta * I(U; X) for every eta >= eta_KL(K); eta is checked against
        eta_TV(K) (exact Dobrushin, proved), the exact chi2-envelope bound for channels with rational entries
        (proved), or a cited closed form (BSC, BEC, AWGN; assumed)
    Reference: Polyanskiy & Wu 2017; Ahlswede & Gács 1976; Cohen, Kemperman & Zbăganu 1998
    Needs: a channel hypothesis and a Markov chain
    """
    return _sdpi_common(ctx, tensorized=False)


@register("tensorization")
def mutual_info_le_contraction_of_product_channel(ctx: StepContext) -> RuleOutcome:
    """SDPI through ``K^{⊗n}`` with a product input: ``η_KL(⊗P_i, K^{⊗n}) = max_i η_KL(P_i, K) <= η_KL(K)``.

    The product input matters: with correlated inputs the single-letter coefficient can fail (BSC(1/4)
    twice, a correlated input: ratio 0.282 > (1 - 2/4)^2 = 0.25). Any valid bound on the input-free
    ``η_KL(K)`` serves, η_TV(K) included; η_TV of the product ``K^{⊗n}`` is larger and never used.

    Statement: U -> X[1..n] -> Y[1..n], Y[1..n] | X[1..n] ~ K (memoryless), X[1..n] mutually independent ⇒ I(U;
        Y[1..n]) <= eta * I(U; X[1..n]) for eta >= any bound on the single-letter eta_KL(K) (the same bounds as
        sdpi; never eta_TV of the product)
    Reference: Polyanskiy & Wu 2017 (tensorization: eta_KL(P1 x P2, K1 x K2) = max_i eta_KL(P_i, K_i)); Witsenhausen
        1975
    Needs: a memoryless product channel, a product input (mutual independence) and a Markov chain
    """
    return _sdpi_common(ctx, tensorized=True)


# ---------------------------------------------------------------------------- chain rule

def _family_range_in(expr: sympy.Expr, var: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr) -> FamilyRange | None:
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, FamilyRange) and _same_index(node.hi, hi) and _same_index(node.lo, lo):
            return node
    return None


def _same_index(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.expand(a - b) == 0


def _with_upper(expr: sympy.Expr, rng: FamilyRange, new_hi: sympy.Expr) -> sympy.Expr:
    """``expr`` with the block ``rng = X[lo..hi]`` replaced by ``X[lo..new_hi]`` (rebuilt canonically)."""
    replacement = RVSet(*FamilyRange.make(rng.family, rng.lo, new_hi))

    def rebuild(node):
        if isinstance(node, RVSet):
            if rng in node.args:
                return RVSet(*[a for a in node.args if a != rng], replacement)
            return node
        if not node.args:
            return node
        return node.func(*[rebuild(a) for a in node.args])

    return rebuild(expr)


@register("chain_rule")
def entropy_eq_sum_of_chain_rule(ctx: StepContext) -> RuleOutcome:
    """Chain rule: an identity of joint entropies (finite), or a telescoping sum over a family.

    Statement: H(X_1..X_n | Z) = Σ_i H(X_i | X_1..X_{i-1}, Z) and I(Y; X_1..X_n | Z) = Σ_i I(Y; X_i | X_1..X_{i-1},
        Z), finite or over a family X[1..n]
    Reference: Cover & Thomas, Thms 2.5.1 and 2.5.2
    """
    st = ctx.claim
    if st.rel != "==":
        raise ctx.mismatch("the chain rule is an equality", "H(X[1..n] | Z) == sum(H(X[i] | X[1..i-1], Z), i, 1, n)")
    if _same(st.lhs, st.rhs):
        return RuleOutcome(PROVED, "an identity of joint entropies")
    sums = [(side, other) for side, other in ((st.rhs, st.lhs), (st.lhs, st.rhs)) if isinstance(side, sympy.Sum)]
    for total, whole in sums:
        if len(total.limits) != 1:
            continue
        var, lo, hi = total.limits[0]
        rng = _family_range_in(whole, var, lo, hi)
        if rng is None:
            continue
        if not is_nonnegative(hi - lo + 1, ctx.domains):
            raise ctx.side(f"the range {show(lo)}..{show(hi)} may be shorter than empty (need {show(hi - lo + 1)} >= 0)")
        # t = lo + s runs over lo..hi; s is a fresh integer >= 0, so X[lo..t-1] ∪ X[t] provably merges
        t = lo + fresh_symbol("s", integer=True, nonnegative=True)
        f_t = _with_upper(whole, rng, t)
        term = total.function.xreplace({var: t})
        f_prev = _with_upper(whole, rng, t - 1)
        if not (linear_form(term) - (linear_form(f_t) - linear_form(f_prev))).is_zero():
            continue
        start = _with_upper(whole, rng, lo - 1)
        if not linear_form(start).is_zero():
            continue
        return RuleOutcome(PROVED, f"telescoping over {rng}: each term is F(i) - F(i-1) with F(lo-1) = 0")
    raise ctx.mismatch("the two sides are not equal by the chain rule",
                    "H(X[1..n] | Z) == sum(H(X[i] | X[1..i-1], Z), i, 1, n) (or a finite identity)")


# ---------------------------------------------------------------------------- super/subadditivity

def _family_sum_parts(ctx: StepContext, total: sympy.Expr, shape: str) -> tuple[sympy.Symbol, sympy.Expr, sympy.Expr, I]:
    if not (isinstance(total, sympy.Sum) and len(total.limits) == 1 and isinstance(total.function, I)):
        raise ctx.mismatch("one side must be sum(I(M; X[i] | P), i, lo, hi)", shape)
    var, lo, hi = total.limits[0]
    return var, lo, hi, total.function


def _family_of_term(term: I, var: sympy.Symbol) -> tuple[str, RVSet, RVSet] | None:
    """``I(M; X[i] | P)`` → (family, M, P) when one side is exactly the member ``X[var]``."""
    for mine, other in ((term.left, term.right), (term.right, term.left)):
        if len(mine) == 1 and isinstance(mine.args[0], FamilyMember) and mine.args[0].index == var:
            if var not in other.free_symbols and var not in term.given.free_symbols:
                return mine.args[0].family, other, term.given
    return None


def _independence_covers(ctx: StepContext, family: str, lo, hi, given: RVSet) -> bool:
    return implies_mutual_independence(ctx.hypotheses(), RVSet(*FamilyRange.make(family, lo, hi)), given, ctx.domains)


def _additivity(ctx: StepContext, *, super_: bool) -> RuleOutcome:
    shape = ("I(M; X[1..n] | P) >= sum(I(M; X[i] | P), i, 1, n)" if super_
             else "I(M; X[1..n] | W) <= sum(I(M; X[i] | W), i, 1, n)")
    st = _as_le(ctx.claim)
    if st.rel != "<=":
        raise ctx.mismatch("this rule gives an inequality", shape)
    whole, total = (st.rhs, st.lhs) if super_ else (st.lhs, st.rhs)
    var, lo, hi, term = _family_sum_parts(ctx, total, shape)
    found = _family_of_term(term, var)
    if found is None:
        raise ctx.mismatch("the summand must be I(M; X[i] | P) with the family member indexed by the sum", shape)
    family, m, p = found
    block = RVSet(*FamilyRange.make(family, lo, hi))
    expected_whole = I(m, block, p)
    if not _same(whole, expected_whole):
        raise ctx.mismatch("the whole-family side does not match the summand",
                        Statement(expected_whole, ">=" if super_ else "<=", total))
    if not is_nonnegative(hi - lo + 1, ctx.domains):
        raise ctx.side(f"the range {show(lo)}..{show(hi)} may be shorter than empty")
    cond = p if super_ else (p | m)
    if not _independence_covers(ctx, family, lo, hi, cond):
        what = f"{family}[{show(lo)}..{show(hi)}] mutually independent given {cond or 'nothing'}"
        raise ctx.side(f"needs {what}, and no hypothesis this step uses says so",
                    suggestion=f"add `mutually_independent = \"{family}[{show(lo)}..{show(hi)}]"
                               + (f" | {cond}" if cond else "") + "\"` (or `iid`) and list it in `uses`")
    return RuleOutcome(PROVED, f"{family} members mutually independent given {cond or 'nothing'}")


@register("superadditivity")
def mutual_info_ge_sum_of_independent(ctx: StepContext) -> RuleOutcome:
    """Superadditivity: ``I(M; X^n | P) >= Σ I(M; X_i | P)`` when the ``X_i`` are independent given ``P``.

    Statement: X[1..n] mutually independent given P ⇒ I(M; X[1..n] | P) >= Σ_i I(M; X[i] | P)
    Reference: Brown, Bun, Feldman, Smith & Talwar 2021 (superadditivity over independent samples); Cover & Thomas,
        Ch. 2
    Needs: X[lo..hi] mutually independent given P, as a hypothesis says or implies: a finite block member by
        member, each independent of the ones before it given P by one hypothesis; a symbolic block inside a family's
        mutual independence given part of P, the rest of P other members of that family
    """
    return _additivity(ctx, super_=True)


@register("subadditivity")
def mutual_info_le_sum_of_conditionally_independent(ctx: StepContext) -> RuleOutcome:
    """Subadditivity: ``I(M; X^n | W) <= Σ I(M; X_i | W)`` when the ``X_i`` are independent given ``(M, W)``.

    Statement: X[1..n] mutually independent given (M, W) ⇒ I(M; X[1..n] | W) <= Σ_i I(M; X[i] | W)
    Reference: Cover & Thomas (memoryless channel capacity argument, Lemma 7.9.2)
    Needs: X[lo..hi] mutually independent given (M, W), as a hypothesis says or implies (as for superadditivity)
    """
    return _additivity(ctx, super_=False)


# ---------------------------------------------------------------------------- fano / pinsker

def _log_units(x: sympy.Expr, units: str) -> sympy.Expr:
    return sympy.log(x) / sympy.log(2) if units == "bits" else sympy.log(x)


def _h_units(p: sympy.Expr, units: str) -> sympy.Expr:
    from derive.core.quantities import h

    return h(p) if units == "bits" else h(p) * sympy.log(2)


@register("fano")
def cond_entropy_le_of_fano(ctx: StepContext) -> RuleOutcome:
    """Fano: ``H(X | Y) <= h(pe) + pe·log(k - 1)``; the meaning of ``pe`` is an assumption listed in the report.

    Statement: P(Xhat(Y) != X) <= pe, |X| <= k ⇒ H(X | Y) <= h(pe) + pe * log(k - 1)  (0 <= pe <= 1 - 1/k)
    Reference: Cover & Thomas, Thm 2.10.1 (Fano's inequality)
    Needs: args: error = pe (error probability of an estimator of X from Y), alphabet = k
    """
    pe, k = ctx.args.get("error"), ctx.args.get("alphabet")
    if pe is None or k is None:
        raise ctx.side("Fano needs `error = \"pe\"` (the estimator's error probability) and `alphabet = \"k\"`")
    st = _as_le(ctx.claim)
    if st.rel != "<=" or not isinstance(st.lhs, H):
        raise ctx.mismatch("Fano bounds one conditional entropy from above", "H(X | Y) <= h(pe) + pe*log(k - 1)")
    bound = _h_units(pe, ctx.units) + pe * _log_units(k - 1, ctx.units)
    for cond, text in ((pe, "pe >= 0"), (1 - 1 / k - pe, "pe <= 1 - 1/k"), (k - 2, "k >= 2")):
        if not is_nonnegative(cond, ctx.domains):
            raise ctx.side(f"Fano needs {text}, which is not provable from the parameters' domains")
    if not is_nonnegative(sympy.expand(st.rhs - bound), ctx.domains) or has_information(st.rhs):
        other = "nats" if ctx.units == "bits" else "bits"
        in_other = _h_units(pe, other) + pe * _log_units(k - 1, other)
        hint = (f"; it is at least Fano's bound in {other}, but this proof is in {ctx.units}: Fano reads h(pe) + "
                f"pe*log(k - 1) with `log` in {ctx.units} (`ln` is the natural log, `log2` base 2)"
                if not has_information(st.rhs) and is_nonnegative(sympy.expand(st.rhs - in_other), ctx.domains) else "")
        raise ctx.mismatch("the bound is smaller than Fano's" + hint, Statement(st.lhs, "<=", bound))
    x, y = st.lhs.target, st.lhs.given
    if any(ctx.domains.is_continuous(it) for it in x.args):
        raise ctx.side(f"Fano's inequality is for a discrete {x}; {x} is continuous here")
    return RuleOutcome(ASSUMED, "Fano's inequality", trusted=(fano_fact(pe, x, y, k),))


@register("pinsker")
def tv_le_sqrt_of_pinsker(ctx: StepContext) -> RuleOutcome:
    """Pinsker: ``TV(P,Q) <= c·sqrt(D(P||Q))`` for ``c >= sqrt(1/2)`` (nats), ``sqrt(ln 2 / 2)`` (bits).

    Statement: TV(P, Q) <= sqrt(D(P || Q) / 2) (D in nats; sqrt(D ln 2 / 2) in bits)
    Reference: Tsybakov, Introduction to Nonparametric Estimation, Lemma 2.5
    """
    st = _as_le(ctx.claim)
    k = S.Half if ctx.units == "nats" else sympy.log(2) / 2
    shape = "TV(P, Q) <= sqrt(D(P || Q) / 2)" + ("" if ctx.units == "nats" else " * sqrt(log(2))")
    units = (f"this proof is in {ctx.units}; Pinsker in {ctx.units} reads "
             + ("TV <= sqrt(D/2)" if ctx.units == "nats" else "TV <= sqrt(D*log(2)/2) (D in bits)"))
    if st.rel != "<=":
        raise ctx.mismatch("Pinsker gives an inequality", shape)
    if isinstance(st.lhs, TV):
        parts = _coefficient_times_atom(st.rhs, sympy.Pow)
        if parts and isinstance(parts[1].args[0], D) and parts[1].args[1] == S.Half:
            c, div = parts[0], parts[1].args[0]
            if set(div.args) == set(st.lhs.args) and is_nonnegative(c - sympy.sqrt(k), ctx.domains):
                return RuleOutcome(PROVED, "Pinsker's inequality")
            if set(div.args) == set(st.lhs.args):
                raise ctx.mismatch(f"the constant {show(c)} is below Pinsker's: {units}",
                                   Statement(st.lhs, "<=", sympy.sqrt(k) * parts[1]))
    elif isinstance(st.rhs, D) or _coefficient_times_atom(st.rhs, D):
        # 2 TV^2 <= D  (nats)
        c_d = _coefficient_times_atom(st.rhs, D)
        c_tv = _coefficient_times_atom(st.lhs, sympy.Pow)
        if c_d and c_tv and isinstance(c_tv[1].args[0], TV) and c_tv[1].args[1] == 2:
            div, tv = c_d[1], c_tv[1].args[0]
            # TV^2 <= k D, so c_tv TV^2 <= c_d D whenever c_d >= 0 and c_d >= k c_tv
            if set(div.args) == set(tv.args) and is_nonnegative(c_d[0], ctx.domains) \
                    and is_nonnegative(c_d[0] - k * c_tv[0], ctx.domains):
                return RuleOutcome(PROVED, "Pinsker's inequality (squared form)")
            if set(div.args) == set(tv.args):
                raise ctx.mismatch(f"the constant of D is below Pinsker's: {units}", Statement(c_tv[1], "<=", k * div))
    raise ctx.mismatch("not an instance of Pinsker's inequality", shape)


# ---------------------------------------------------------------------------- monotone / substitute / real

def _monotonicity(f: sympy.Expr, t: sympy.Symbol, domains) -> str | None:
    """``"inc"``/``"dec"``/``"const"`` when proved on the domain of ``t``; structural, then by the derivative."""
    if t not in f.free_symbols:
        return "const"
    if f == t:
        return "inc"
    if isinstance(f, (sympy.Add, sympy.Max, sympy.Min)):  # each preserves monotonicity in every argument
        parts = [_monotonicity(a, t, domains) for a in f.args]
        if all(p in ("inc", "const") for p in parts):
            return "inc"
        if all(p in ("dec", "const") for p in parts):
            return "dec"
        return None
    if isinstance(f, sympy.Mul):
        const = sympy.Mul(*[a for a in f.args if t not in a.free_symbols])
        rest = [a for a in f.args if t in a.free_symbols]
        if len(rest) == 1:
            inner = _monotonicity(rest[0], t, domains)
            s = sign_of(const, domains)
            if inner is None or s is None:
                return None
            if s in ("zero",):
                return "const"
            flip = s in ("neg", "nonpos")
            return {"inc": "dec", "dec": "inc", "const": "const"}[inner] if flip else inner
    if isinstance(f, sympy.Pow) and t not in f.args[1].free_symbols:
        base, ex = f.args
        inner = _monotonicity(base, t, domains)
        if inner in ("inc", "dec") and is_nonnegative(base, domains):
            if is_positive(ex, domains):
                return inner
            if ex.is_negative and is_positive(base, domains):
                return {"inc": "dec", "dec": "inc"}[inner]
    if isinstance(f, (sympy.log,)) and is_positive(f.args[0], domains):
        return _monotonicity(f.args[0], t, domains)
    if isinstance(f, sympy.exp):
        return _monotonicity(f.args[0], t, domains)
    d = sympy.diff(f, t)
    s = sign_of(d, domains)
    if s in ("pos", "nonneg"):
        return "inc"
    if s in ("neg", "nonpos"):
        return "dec"
    return None


@register("monotone")
def apply_monotone_of_le(ctx: StepContext) -> RuleOutcome:
    """Apply a monotone function to both sides of one premise; monotonicity is proved, not assumed.

    Statement: a <= b and f non-decreasing on a range holding a, b ⇒ f(a) <= f(b) (reversed if f is non-increasing)
    Reference: calculus
    Needs: args: function = "f(t)", variable = "t"
    """
    f, var = ctx.args.get("function"), ctx.args.get("variable", "t")
    if f is None:
        raise ctx.side("`monotone` needs `function = \"...\"` (an expression in the variable `t`)")
    prem = ctx.statements()
    if len(prem) != 1:
        raise ctx.side(f"`monotone` uses exactly one premise, got {len(prem)}")
    (pid, p), = prem.items()
    named = [s for s in f.free_symbols if getattr(s, "name", None) == var]
    if any(s in ctx.domains for s in named) or any(getattr(s, "name", None) == var for s in ctx.domains):
        raise ctx.side(f"the function's variable {var!r} is also a parameter of the proof; rename the variable")
    if len(named) != 1:
        raise ctx.side(f"the function {show(f)} does not mention its variable {var!r}" if not named
                    else f"the function {show(f)} has several symbols named {var!r}")
    t = named[0]
    lo_ok = all(is_nonnegative(side, ctx.domains) for side in (p.lhs, p.rhs))
    # a fresh symbol no user name can equal, with exactly the assumption that is proved (t >= 0 or nothing)
    t_dom = fresh_symbol(var, real=True, nonnegative=True) if lo_ok else fresh_symbol(var, real=True)
    domains = ctx.domains.extended({t_dom: Domain(S.Zero, S.Infinity, False, True)}) if lo_ok else ctx.domains
    g = f.xreplace({t: t_dom})
    mono = _monotonicity(g, t_dom, domains)
    if p.rel == "==":
        rel = "=="
    elif mono in ("inc", "const"):
        rel = p.rel
    elif mono == "dec":
        rel = {"<=": ">=", ">=": "<="}[p.rel]
    else:
        raise ctx.side(f"cannot prove that {show(f)} is monotone in {var}"
                         + (" on t >= 0" if lo_ok else " on the reals (the premise's sides are not provably >= 0)"))
    expected = Statement(f.xreplace({t: p.lhs}), rel, f.xreplace({t: p.rhs}))
    c = ctx.claim
    for cand in (expected, expected.flipped()):
        if cand.rel == c.rel and is_zero_coefficient(c.lhs - cand.lhs) and is_zero_coefficient(c.rhs - cand.rhs):
            return RuleOutcome(PROVED, f"{show(f)} is {'non-decreasing' if mono != 'dec' else 'non-increasing'}")
    raise ctx.mismatch(f"applying {show(f)} to [{pid}] gives a different statement", expected)


@register("substitute")
def statement_of_substitution(ctx: StepContext) -> RuleOutcome:
    """Replace equals by equals: one premise is an equality ``L == R``, another the statement rewritten.

    Statement: L == R and S ⇒ S with L replaced by R (or R by L)
    Reference: equality of reals
    """
    prem = ctx.statements()
    eqs = [(k, s) for k, s in prem.items() if s.is_equality]
    if not eqs:
        raise ctx.side("`substitute` needs an equality among its premises")
    tried = []
    for eid, e in eqs:
        others = [(k, s) for k, s in prem.items() if k != eid] or [(eid, e)]
        for sid, s in others:
            for a, b in ((e.lhs, e.rhs), (e.rhs, e.lhs)):
                cand = Statement(s.lhs.subs(a, b), s.rel, s.rhs.subs(a, b))
                tried.append(cand)
                c = ctx.claim
                for cc in (cand, cand.flipped()):
                    if cc.rel == c.rel and is_zero_coefficient(c.lhs - cc.lhs) and is_zero_coefficient(c.rhs - cc.rhs):
                        return RuleOutcome(PROVED, f"[{sid}] with {show(a)} replaced by {show(b)} ([{eid}])")
    raise ctx.mismatch("the claim is not a premise with equals replaced by equals",
                    tried[0] if tried else "S[L := R]")


def _pieces(ctx: StepContext, slack: sympy.Expr) -> tuple[list, list]:
    """The domains that ``split`` (from the file, else an oracle's proposal: rational points strictly inside the
    domain of the claim's one parameter) cuts the step's into, and the points; the closed pieces between the points
    cover it."""
    points = ctx.args.get("split") or (ctx.proposal if isinstance(ctx.proposal, tuple) else ())
    if not points:
        return [ctx.domains], []
    free = list(slack.free_symbols)
    if len(free) != 1 or free[0] not in ctx.domains or not all(isinstance(c, sympy.Rational) for c in points):
        raise ctx.side("`split` cuts the domain of the claim's one parameter at rational points (such as \"1/4\")")
    x, d, cuts = free[0], ctx.domains[free[0]], sorted(set(points))
    if not all(d.lo < c < d.hi for c in cuts):
        raise ctx.side(f"a point of `split` is not inside the domain of {x} ({d}): {', '.join(map(str, cuts))}")
    ends = [d.lo, *cuts, d.hi]
    pieces = [d.between(a, b) for a, b in zip(ends, ends[1:])]  # an empty piece (integers) holds no value
    return [ctx.domains.extended({x: piece}) for piece in pieces if piece is not None], cuts


@register("real")
def real_inequality_of_sign(ctx: StepContext) -> RuleOutcome:
    """Parameter-only inequality: ``proved`` only with an exact sign certificate; otherwise ``unchecked``.

    Statement: an inequality between parameter expressions, proved by an exact sign certificate (else tested
        numerically, never proved), on the whole domain or on each piece of it that `split` cuts
    Reference: exact real arithmetic (Sturm sequences); the mean value theorem (a smooth function of one parameter,
        or of one of several with the others held, is at least its value at an end it rises from; a concave one at
        least the smaller of its values at the ends); |a| = max(a, -a), and a max or min is the side it equals where
        the sides compare one way; u <= v iff ln u <= ln v for u, v > 0
    Needs: args (optional): split = ["1/8", "1/4"] (rational points inside the domain of the claim's one parameter)
    """
    c = ctx.claim
    if c.mentions_information():
        raise ctx.mismatch("`real` is for statements about parameters only; use `linear` for information "
                             "quantities", "an inequality without H, I, D or TV")
    slack = c.slack()
    if c.is_equality:
        if is_zero_coefficient(slack):
            return RuleOutcome(PROVED, "an identity")
        return RuleOutcome(UNCHECKED, "not an identity the kernel can verify exactly")
    pieces, cuts = _pieces(ctx, slack)
    if all(is_nonnegative(slack, piece) for piece in pieces):
        cut = f" on each of {len(pieces)} pieces of the domain (cut at {', '.join(map(str, cuts))})" if cuts else ""
        return RuleOutcome(PROVED, f"{show(slack)} >= 0 by an exact sign certificate{cut}",
                           certificate=tuple(cuts) or None)
    if sign_of(slack, ctx.domains) in ("neg",):
        raise RuleMismatch(f"false: {show(slack)} < 0 for every parameter value",
                           step=ctx.step_id, rule=ctx.rule, got=c)
    note = f"; {ctx.search_note}" if ctx.search_note else ""
    return RuleOutcome(UNCHECKED, f"no exact sign certificate found{note} (numeric testing can only give `tested`)")
