"""Untrusted search for linear certificates, handed to the kernel as :class:`~derive.kernel.linear.Proposal`.

:func:`search_oracle` is the default oracle of :func:`derive.checking.check`: for a ``linear``,
``shannon`` or ``copy`` step (and the theorem) without a certificate in the file it solves for
multipliers over the terms the kernel itself builds for the step (:func:`derive.kernel.rules.step_terms`;
the theorem uses only its listed steps) by exact linear algebra (sympy ``linsolve`` over the rational
functions of the parameters), in growing groups, with a bounded subset retry, and an equality as two
inequalities. It keeps a candidate only if :func:`~derive.kernel.linear.check_certificate` accepts it and
returns it as labels of the kernel's terms; the kernel builds the terms again and re-checks.

:func:`chain_oracles` tries several oracles in turn (e.g. this search, then the Shannon LP of
:mod:`derive.provers.combination`); :func:`proposal_of_certificate` turns a certificate found in another
space (the LP's own terms) into the kernel's vocabulary.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Sequence

import sympy
from sympy import S

from derive.core.exprs import to_expr
from derive.core.linear import is_zero_coefficient, linear_form
from derive.core.notation import show
from derive.core.parameters import Domain
from derive.core.statements import Statement
from derive.errors import CertificateError, DeriveError
from derive.kernel.context import StepContext
from derive.kernel.linear import (Certificate, Proposal, Term, TwoSidedCertificate, certificate_of_proposal,
                                  check_certificate, nonneg_term)
from derive.kernel.signs import is_nonnegative
from derive.kernel.rules import step_terms, term_makers
from derive.provers.real_split import split_oracle

__all__ = ["find_certificate", "solve_multipliers", "two_sided", "search_oracle", "chain_oracles",
           "proposal_of_certificate", "default_oracle"]

#: Non-negative quantities the subset retry of :func:`find_certificate` draws from (pairs: at most 66 solves).
_SUBSET_POOL = 11


def solve_multipliers(claim: Statement, terms: Sequence[Term]) -> Certificate | None:
    """Exact multipliers with ``slack(claim) - Σ m_t f_t`` free of atoms (free unknowns set to 0); unchecked."""
    target = linear_form(claim.slack())
    atoms = set(target.terms)
    for t in terms:
        atoms |= set(t.form.terms)
    if not atoms:
        return Certificate([(t, S.Zero) for t in terms])
    if not terms:
        return None
    atoms = list(atoms)
    if all(c.is_Rational for c in target.terms.values()) and all(c.is_Rational for t in terms
                                                                  for c in t.form.terms.values()):
        values = _rational_solution(target, terms, atoms)
        return None if values is None else Certificate(list(zip(terms, values)))
    unknowns = [sympy.Dummy(f"m{k}") for k in range(len(terms))]  # no user parameter can equal these
    touching: dict = {a: [] for a in atoms}  # each atom's (unknown, coefficient) pairs: the system is sparse
    for u, t in zip(unknowns, terms):
        for a, c in t.form.terms.items():
            touching[a].append(u * c)
    sol = sympy.linsolve([sympy.expand(target.coefficient(a) - sympy.Add(*touching[a])) for a in atoms],
                         list(unknowns))
    if not sol:
        return None
    values = next(iter(sol))
    free = set().union(*[v.free_symbols for v in values]) & set(unknowns)
    zero = {u: 0 for u in free}
    return Certificate(list(zip(terms, [sympy.cancel(to_expr(v).subs(zero)) for v in values])))


def _rational_solution(target, terms: Sequence[Term], atoms: list) -> list[sympy.Rational] | None:
    """``Σ m_t f_t = target`` on the atoms by exact row reduction over QQ (free unknowns 0); ``None`` if
    inconsistent. The all-rational case of :func:`solve_multipliers`, without sympy's expression algebra."""
    index = {a: i for i, a in enumerate(atoms)}
    rows = [[S.Zero] * (len(terms) + 1) for _ in atoms]
    for k, t in enumerate(terms):
        for a, c in t.form.terms.items():
            rows[index[a]][k] = c
    for a, c in target.terms.items():
        rows[index[a]][-1] = c
    return _solve_over_rationals(rows, len(terms))


def _solve_over_rationals(rows: list[list[sympy.Rational]], unknowns: int) -> list[sympy.Rational] | None:
    """The augmented rational system ``rows`` (each ``unknowns`` coefficients and a right-hand side) by row
    reduction over QQ, free unknowns 0; ``None`` if inconsistent."""
    from sympy.polys.domains import QQ
    from sympy.polys.matrices import DomainMatrix

    if not rows:
        return [S.Zero] * unknowns
    matrix = DomainMatrix([[QQ.from_sympy(c) for c in row] for row in rows], (len(rows), unknowns + 1), QQ)
    reduced, pivots = matrix.rref()
    if unknowns in pivots:
        return None  # a pivot in the right-hand column: 0 = 1
    values = [S.Zero] * unknowns
    dense = reduced.to_list()
    for i, p in enumerate(pivots):
        values[p] = QQ.to_sympy(dense[i][-1])
    return values


def find_certificate(claim: Statement, terms: Sequence[Term], domains: Mapping[sympy.Symbol, Domain],
                     max_terms: int = 60) -> Certificate | None:
    """Search for multipliers (exact linear algebra); return a certificate that :func:`check_certificate`
    accepts, or ``None``.

    Tries the terms in growing groups (statements and equalities first, then non-negative quantities) and
    sets free unknowns to zero; incomplete but exact.

    Raises
    ------
    CertificateError
        The last reason a candidate was refused, when there was one (a diagnostic for the step's message).
    """
    terms = list(terms)[:max_terms]
    facts = [t for t in terms if t.source != "nonnegativity"]
    groups = [facts, terms] if len(facts) < len(terms) else [terms]
    last_error: CertificateError | None = None
    for group in groups:
        if claim.is_equality:
            group = [t for t in group if t.kind == "zero"]
        cert = solve_multipliers(claim, group)
        if cert is None and claim.is_equality and any(t.kind == "nonneg" for t in terms):
            both = two_sided(claim, lambda half: find_certificate(half, terms, domains))
            if both is not None:
                return both
        if cert is None:
            continue
        try:
            return check_certificate(claim, cert, domains)
        except CertificateError as err:
            last_error = err
    retries: list[list[Term]] = []
    if not claim.is_equality:
        # the solve sets free unknowns to 0, which can pick a negative multiplier; retry with the facts and
        # only one or two of the non-negative quantities (a small, exact, bounded search)
        nonneg = [t for t in terms if t.source == "nonnegativity"][:_SUBSET_POOL]
        retries += [facts + list(extra) for extra in _subsets(nonneg)]
    for group in retries:
        cert = solve_multipliers(claim, group)
        if cert is None:
            continue
        try:
            return check_certificate(claim, cert, domains)
        except CertificateError:
            continue
    if not claim.is_equality and (found := _dropping_negative(claim, terms, domains)) is not None:
        return found
    consts = [t for t in terms if t.kind == "nonneg" and not t.form.terms and not is_zero_coefficient(t.form.const)]
    left = None if claim.is_equality else _constant_left(claim, [t for t in terms if t not in consts])
    found = left and (_with_parameter_premises(claim, left, consts, domains) or _with_split_constant(claim, left, domains))
    if found is not None:
        return found
    if last_error is not None:
        raise last_error
    return None


def _dropping_negative(claim: Statement, terms: Sequence[Term], domains) -> Certificate | None:
    """Solve over all ``terms``, drop each ``>= 0`` term whose multiplier is not provably ``>= 0``, and solve again
    until none is left to drop (at most one round per term): an active-set pass for when every group above keeps a
    premise the combination must not use (``I(X; Y) >= 0`` next to the premise ``I(X; Y) <= 0``)."""
    group = list(terms)
    while group:
        cert = solve_multipliers(claim, group)
        if cert is None:
            return None
        bad = {id(t) for t, m in cert.multipliers if t.kind == "nonneg" and not is_zero_coefficient(m)
               and not is_nonnegative(m, domains)}
        if not bad:
            try:
                return check_certificate(claim, cert, domains)
            except CertificateError:
                return None
        group = [t for t in group if id(t) not in bad]
    return None


def _with_parameter_premises(claim: Statement, left: tuple[Certificate, sympy.Expr], consts: Sequence[Term],
                             domains) -> Certificate | None:
    """A premise about parameters only (``consts``) has a constant linear form, so the solve leaves its multiplier
    free (0): give such premises ``c_i >= 0`` multipliers ``q_i`` that cancel the constant ``r`` the solve ``left``:
    ``q = r / c`` for one premise when it is a positive rational (``h(p) + H(X) >= 4p(1 - p)`` from
    ``h(p) >= 4p(1 - p)``), else rationals ``q_i >= 0`` with ``r = Σ q_i c_i`` term by term after expansion
    (``1 - h(p) + p log M - p log(M-1)`` from ``1 - h(p) >= 0`` and ``p log M - p log(M-1) >= 0``); checked as always."""
    base, rest = left
    candidates = [[(t, sympy.cancel(rest / t.form.const))] for t in consts]
    groups = ([list(consts)] if len(consts) > 3 else []) + list(_subsets(consts[:8], (2, 3)))
    candidates += [c for group in groups if (c := _monomial_combination(rest, group))]
    for extra in candidates:
        if all(q.is_Rational and q >= 0 for _, q in extra) and any(q > 0 for _, q in extra):
            try:
                return check_certificate(claim, Certificate(base.multipliers + extra), domains)
            except CertificateError:
                continue
    return None


def _constant_left(claim: Statement, terms: Sequence[Term]) -> tuple[Certificate, sympy.Expr] | None:
    """The solve over ``terms`` and the constant ``r`` it leaves (``slack = Σ m_t f_t + r``), when it leaves no
    atom; else ``None``."""
    base = solve_multipliers(claim, terms)
    if base is None:
        return None
    rest = linear_form(claim.slack())
    for t, m in base.multipliers:
        rest = rest - t.form.scale(m)
    return None if rest.terms else (base, rest.const)


#: The most expanded terms of a remaining constant :func:`_with_split_constant` splits (at most 31 splits).
_SPLIT_TERMS = 6


def _with_split_constant(claim: Statement, left: tuple[Certificate, sympy.Expr], domains) -> Certificate | None:
    """The constant ``r`` the solve ``left``, as two parts the sign engine proves ``>= 0`` one at a time
    (``1 - h(p) + p log M - p log(M - 1)``: ``1 - h(p)`` and ``p log M - p log(M - 1)``), each proposed as a
    ``>= 0`` term with multiplier 1, for the kernel to vet again; sums of at most :data:`_SPLIT_TERMS` terms."""
    base, rest = left
    parts = sympy.Add.make_args(sympy.expand(rest))
    if not 2 <= len(parts) <= _SPLIT_TERMS:
        return None
    for mask in range(1, 2 ** (len(parts) - 1)):
        first = sympy.Add(*[a for k, a in enumerate(parts) if mask >> k & 1])
        split = [first, sympy.expand(rest - first)]
        if all(is_nonnegative(e, domains) for e in split):
            extra = [(nonneg_term(e, domains, f"{show(e)} >= 0"), S.One) for e in split]
            try:
                return check_certificate(claim, Certificate(base.multipliers + extra), domains)
            except CertificateError:
                continue
    return None


def _monomial_combination(r: sympy.Expr, group: Sequence[Term]) -> list[tuple[Term, sympy.Expr]] | None:
    """Rationals ``q_i`` with ``r = Σ q_i c_i`` coefficient by coefficient over the expanded monomials of ``r`` and of
    the constants ``c_i`` of ``group`` (free unknowns 0), or ``None``."""
    def monomials(e: sympy.Expr) -> dict | None:
        out: dict = {}
        for a in sympy.Add.make_args(sympy.expand(e)):
            c, m = a.as_coeff_Mul()
            if not c.is_Rational:
                return None
            out[m] = out.get(m, S.Zero) + c
        return out

    target, columns = monomials(r), [monomials(t.form.const) for t in group]
    if target is None or any(c is None for c in columns):
        return None
    keys = list(set(target).union(*columns))
    values = _solve_over_rationals([[col.get(k, S.Zero) for col in columns] + [target.get(k, S.Zero)] for k in keys],
                                   len(group))
    return None if values is None else list(zip(group, values))


def _subsets(pool: Sequence[Term], sizes=(1, 2)):
    """The subsets of ``pool`` of each size in ``sizes``, in turn."""
    from itertools import combinations

    for k in sizes:
        yield from combinations(pool, k)


def two_sided(claim: Statement, search: Callable[[Statement], Certificate | None]) -> Certificate | None:
    """An equality as two inequalities ``<=`` and ``>=``, each with its own checked certificate from ``search``
    (a certificate whose ``residual`` is set, or ``None``; a :class:`CertificateError` counts as ``None``)."""
    halves = []
    for st in (Statement(claim.lhs, "<=", claim.rhs), Statement(claim.lhs, ">=", claim.rhs)):
        try:
            half = search(st)
        except CertificateError:
            return None
        if half is None:
            return None
        halves.append(half)
    le, ge = halves
    if not (is_zero_coefficient(le.residual) and is_zero_coefficient(ge.residual)):
        return None  # a strict gap in either direction would contradict the equality
    return TwoSidedCertificate(le.multipliers, S.Zero, le, ge)


def _labels(cert: Certificate, origin: str) -> Proposal:
    if isinstance(cert, TwoSidedCertificate):
        return Proposal(le=_labels(cert.le, origin), ge=_labels(cert.ge, origin), origin=origin)
    return Proposal(tuple((t.label, m) for t, m in cert.multipliers if not is_zero_coefficient(m)), origin=origin)


def search_oracle(ctx: StepContext) -> Proposal | None:
    """Exact multipliers over the kernel's own terms for ``ctx`` (see the module docstring), or ``None``.

    Raises
    ------
    CertificateError
        Why the best candidate was refused (a diagnostic only).
    """
    cert = find_certificate(ctx.claim, step_terms(ctx), ctx.domains)
    if cert is None:
        return None
    own = term_makers(ctx)
    if any(t.label not in own for t, m in cert.multipliers if not is_zero_coefficient(m)):  # a split constant
        return proposal_of_certificate(ctx, cert, "")
    return _labels(cert, "")


def proposal_of_certificate(ctx: StepContext, cert: Certificate, origin: str) -> Proposal:
    """A certificate over another oracle's terms, in the kernel's vocabulary: each term as the label of the
    kernel's term with the same kind and form, else as its expression (``>= 0`` or ``= 0``) for the kernel to vet."""
    if isinstance(cert, TwoSidedCertificate):
        return Proposal(le=proposal_of_certificate(ctx, cert.le, origin),
                        ge=proposal_of_certificate(ctx, cert.ge, origin), origin=origin)
    # the kernel splits the sums of the proposed >= 0 terms too: its split identities are then labels it builds
    said = tuple((t.expr, m) for t, m in cert.multipliers if t.kind == "nonneg" and t.expr is not None)
    own = step_terms(replace(ctx, proposal=Proposal(nonneg=said)) if said else ctx)
    labels, nonneg, zero = [], [], []
    for t, m in cert.multipliers:
        if is_zero_coefficient(to_expr(m)):
            continue
        same = next((o for o in own if o.kind == t.kind and (o.form - t.form).is_zero()), None)
        if same is not None:
            labels.append((same.label, m))
        elif t.expr is not None and (linear_form(t.expr) - t.form).is_zero():
            (nonneg if t.kind == "nonneg" else zero).append((t.expr, m))
        else:
            raise CertificateError(f"the oracle's term [{t.label}] has no counterpart the kernel can build")
    return Proposal(tuple(labels), tuple(nonneg), tuple(zero), origin=origin)


Oracle = Callable[[StepContext], "Proposal | None"]


def chain_oracles(*oracles: Oracle) -> Oracle:
    """An oracle trying ``oracles`` in turn; a proposal counts only if the kernel's check would accept it.
    When none succeeds, the first diagnostic (a :class:`CertificateError`) is raised again."""

    def chained(ctx: StepContext) -> Proposal | None:
        first: CertificateError | None = None
        for oracle in oracles:
            try:
                found = oracle(ctx)
                if found is None:
                    continue
                cert = certificate_of_proposal(found, term_makers(replace(ctx, proposal=found)), ctx.hypotheses(),
                                               ctx.domains)
                check_certificate(ctx.claim, cert, ctx.domains)
                return found
            except CertificateError as err:
                first = first or err
            except DeriveError:
                continue
        if first is not None:
            raise first
        return None

    return chained


def _prover_oracle(ctx: StepContext) -> Proposal | None:
    """The LP oracles of :mod:`derive.provers.combination`, their certificates in the kernel's vocabulary."""
    from derive.provers.combination import combination_oracle

    cert = combination_oracle(ctx)
    return None if cert is None else proposal_of_certificate(ctx, cert, "found by the prover")


def default_oracle(use_prover: bool = True) -> Oracle:
    """Exact search over the step's own terms, then (``use_prover``) the LP oracles; ``copy`` steps try the LP first
    (certificates in the extended space of the copies are the LP's); ``real`` steps get split points
    (:func:`derive.provers.real_split.split_oracle`)."""
    search = chain_oracles(search_oracle, _prover_oracle) if use_prover else search_oracle
    lp_first = chain_oracles(_prover_oracle, search_oracle)

    def oracle(ctx: StepContext) -> Proposal | tuple | None:
        if ctx.rule == "real":
            return split_oracle(ctx)
        return lp_first(ctx) if use_prover and ctx.args.get("copy") is not None and ctx.rule == "shannon" else search(ctx)

    return oracle
