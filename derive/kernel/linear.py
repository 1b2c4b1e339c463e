"""The linear rule: a claim as a non-negative combination of known facts.

A *term* is a fact the kernel already trusts, as a linear form ``f``:

* ``nonneg``: ``f >= 0`` — an accepted inequality's slack, or an information
  quantity (``H(A|B)``, ``I(A;B|C)``, ``D``, ``TV`` are ``>= 0``);
* ``zero``: ``f == 0`` — an accepted equality's slack, or a hypothesis
  equality (Markov ⇒ ``I(A; C | B) = 0``, ``Y = f(X)`` ⇒ ``H(Y | X) = 0``).

A certificate gives a multiplier per term. :func:`check_certificate` accepts
it only when, exactly,

    slack(claim) - Σ m_t · f_t  =  r        (r free of information atoms)

with every ``nonneg`` multiplier provably ``>= 0``, every multiplier's
denominator provably non-zero on the parameters' domains, and ``r``
provably ``>= 0`` (``== 0`` for an equality claim, which may use ``zero``
terms only). :func:`find_certificate` *searches* for multipliers by exact
linear algebra (sympy ``linsolve`` over the rational functions of the
parameters); whatever it finds goes through :func:`check_certificate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy
from sympy import S

from derive.core.exprs import to_expr
from derive.core.linear import LinearForm, is_zero_coefficient, linear_form, normalize_coefficient
from derive.core.parameters import Domain
from derive.core.statements import Statement
from derive.errors import CertificateError
from derive.kernel.signs import is_nonnegative, sign_of

__all__ = ["Term", "Certificate", "check_certificate", "find_certificate", "term_of_statement",
           "nonneg_term", "zero_term", "solve_multipliers"]


@dataclass(frozen=True)
class Term:
    """A trusted fact ``form >= 0`` (``kind="nonneg"``) or ``form == 0`` (``kind="zero"``)."""

    label: str
    form: LinearForm
    kind: str  # "nonneg" | "zero"
    source: str = ""
    expr: sympy.Expr | None = None  # the expression (>= 0 or == 0) the form came from, when it is one

    def __str__(self) -> str:
        rel = ">= 0" if self.kind == "nonneg" else "== 0"
        return f"{self.label}: {sympy.sstr(self.form.as_expr())} {rel}"


@dataclass
class Certificate:
    """Multipliers, one per term; ``residual`` is filled in by :func:`check_certificate`."""

    multipliers: list[tuple[Term, sympy.Expr]]
    residual: sympy.Expr = S.Zero

    def used(self) -> list[tuple[Term, sympy.Expr]]:
        return [(t, m) for t, m in self.multipliers if not is_zero_coefficient(m)]

    def __str__(self) -> str:
        parts = [f"({sympy.sstr(sympy.factor(m))}) * [{t.label}]" for t, m in self.used()]
        if not is_zero_coefficient(self.residual):
            parts.append(f"{sympy.sstr(self.residual)} (constant >= 0)")
        return " + ".join(parts) if parts else "0"


@dataclass
class TwoSidedCertificate(Certificate):
    """An equality proved as ``<=`` and ``>=`` separately."""

    le: Certificate | None = None
    ge: Certificate | None = None

    def __str__(self) -> str:
        return f"(<=) {self.le}; (>=) {self.ge}"

    def all_multipliers(self) -> list[tuple[Term, sympy.Expr]]:
        return list((self.le.multipliers if self.le else [])) + list((self.ge.multipliers if self.ge else []))


def term_of_statement(label: str, st: Statement, source: str = "") -> Term:
    """The term a trusted statement gives: its slack, ``>= 0`` or ``== 0``."""
    return Term(label, linear_form(st.slack()), "zero" if st.is_equality else "nonneg", source)


def nonneg_term(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain], label: str | None = None) -> Term:
    """The term ``expr >= 0`` for an expression the sign prover shows non-negative (e.g. ``I(X;Y|Z)``).

    Raises
    ------
    CertificateError
        If ``expr >= 0`` cannot be proved.
    """
    if not is_nonnegative(expr, domains):
        raise CertificateError(f"{sympy.sstr(expr)} is not provably >= 0, so it cannot be used as a non-negative term")
    return Term(label or sympy.sstr(expr), linear_form(expr), "nonneg", "nonnegativity", expr)


def zero_term(expr: sympy.Expr, label: str, source: str = "") -> Term:
    """The term ``expr == 0`` (a hypothesis equality)."""
    return Term(label, linear_form(expr), "zero", source, expr)


def _denominator_nonzero(m: sympy.Expr, domains) -> bool:
    _, den = sympy.fraction(sympy.cancel(sympy.together(m)))
    if den.is_number:
        return den != 0
    return sign_of(den, domains) in ("pos", "neg")


def check_certificate(claim: Statement, cert: Certificate, domains: Mapping[sympy.Symbol, Domain]) -> Certificate:
    """Check ``slack(claim) = Σ m_t f_t + r`` exactly (see module docstring); return it with ``residual`` set.

    Raises
    ------
    CertificateError
        Naming the first multiplier or atom that does not check.
    """
    if isinstance(cert, TwoSidedCertificate):
        if not claim.is_equality or cert.le is None or cert.ge is None:
            raise CertificateError("a two-sided certificate proves an equality from its two halves")
        le = check_certificate(Statement(claim.lhs, "<=", claim.rhs), cert.le, domains)
        ge = check_certificate(Statement(claim.lhs, ">=", claim.rhs), cert.ge, domains)
        if not (is_zero_coefficient(le.residual) and is_zero_coefficient(ge.residual)):
            raise CertificateError("the two halves leave a constant gap, so the equality does not follow")
        return TwoSidedCertificate(cert.multipliers, S.Zero, le, ge)
    remainder = linear_form(claim.slack())
    for term, m in cert.multipliers:
        m = normalize_coefficient(to_expr(m))
        if is_zero_coefficient(m):
            continue
        if not _denominator_nonzero(m, domains):
            raise CertificateError(f"the multiplier {sympy.sstr(m)} of [{term.label}] may be undefined "
                                   "(its denominator is not provably non-zero)")
        if term.kind == "nonneg":
            if claim.is_equality:
                raise CertificateError(f"an equality cannot follow from the inequality [{term.label}]")
            if not is_nonnegative(m, domains):
                raise CertificateError(f"the multiplier {sympy.sstr(m)} of [{term.label}] is not provably >= 0")
        elif term.kind != "zero":
            raise CertificateError(f"unknown term kind {term.kind!r}")
        remainder = remainder - term.form.scale(m)
    leftover = {a: c for a, c in remainder.terms.items() if not is_zero_coefficient(c)}
    if leftover:
        shown = " + ".join(f"{sympy.sstr(c)}*{sympy.sstr(a)}" for a, c in list(leftover.items())[:6])
        raise CertificateError(f"the combination does not match the claim; left over: {shown}")
    r = remainder.const
    if claim.is_equality:
        if not is_zero_coefficient(r):
            raise CertificateError(f"the combination differs from the claim by the constant {sympy.sstr(r)}")
    elif not is_nonnegative(r, domains):
        raise CertificateError(f"the remaining constant {sympy.sstr(r)} is not provably >= 0")
    return Certificate(list(cert.multipliers), r)


def find_certificate(claim: Statement, terms: Sequence[Term], domains: Mapping[sympy.Symbol, Domain],
                     max_terms: int = 60) -> Certificate | None:
    """Search for multipliers (exact linear algebra); return a *checked* certificate or ``None``.

    Tries the terms in growing groups (statements and equalities first, then
    non-negative quantities) and sets free unknowns to zero; incomplete but
    exact — anything returned has passed :func:`check_certificate`.
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
            both = _two_sided(claim, terms, domains)
            if both is not None:
                return both
        if cert is None:
            continue
        try:
            return check_certificate(claim, cert, domains)
        except CertificateError as err:
            last_error = err
    if not claim.is_equality:
        # the solve sets free unknowns to 0, which can pick a negative multiplier; retry with the facts and
        # only one or two of the non-negative quantities (a small, exact, bounded search)
        nonneg = [t for t in terms if t.source == "nonnegativity"][:_SUBSET_POOL]
        for extra in _small_subsets(nonneg):
            cert = solve_multipliers(claim, facts + list(extra))
            if cert is None:
                continue
            try:
                return check_certificate(claim, cert, domains)
            except CertificateError:
                continue
    if last_error is not None:
        raise last_error
    return None


#: Non-negative quantities the subset retry of :func:`find_certificate` draws from (pairs: at most 66 solves).
_SUBSET_POOL = 11


def _small_subsets(pool: Sequence[Term]):
    """Subsets of ``pool`` of size 1, then 2."""
    for i, a in enumerate(pool):
        yield (a,)
    for i, a in enumerate(pool):
        for b in pool[i + 1:]:
            yield (a, b)


def _two_sided(claim: Statement, terms: Sequence[Term], domains) -> Certificate | None:
    """An equality as two inequalities ``<=`` and ``>=``, each with its own checked certificate."""
    halves = []
    for st in (Statement(claim.lhs, "<=", claim.rhs), Statement(claim.lhs, ">=", claim.rhs)):
        try:
            half = find_certificate(st, terms, domains)
        except CertificateError:
            return None
        if half is None:
            return None
        halves.append(half)
    le, ge = halves
    if not (is_zero_coefficient(le.residual) and is_zero_coefficient(ge.residual)):
        return None  # a strict gap in either direction would contradict the equality
    return TwoSidedCertificate(le.multipliers, S.Zero, le, ge)


def solve_multipliers(claim: Statement, terms: Sequence[Term]) -> Certificate | None:
    """Exact multipliers with ``slack(claim) - Σ m_t f_t`` free of atoms (free unknowns set to 0); unchecked."""
    target = linear_form(claim.slack())
    unknowns = [sympy.Dummy(f"m{k}") for k in range(len(terms))]  # no user parameter can equal these
    atoms = set(target.terms)
    for t in terms:
        atoms |= set(t.form.terms)
    if not atoms:
        return Certificate([(t, S.Zero) for t in terms])
    eqs = []
    for a in atoms:
        eqs.append(sympy.expand(target.coefficient(a) - sum(u * t.form.coefficient(a) for u, t in zip(unknowns, terms))))
    if not terms:
        return None
    sol = sympy.linsolve(eqs, list(unknowns))
    if not sol:
        return None
    values = next(iter(sol))
    free = set().union(*[v.free_symbols for v in values]) & set(unknowns)
    zero = {u: 0 for u in free}
    mults = [sympy.cancel(to_expr(v).subs(zero)) for v in values]
    return Certificate(list(zip(terms, mults)))
