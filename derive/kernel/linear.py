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
from typing import Any, Callable, Mapping, Sequence

import sympy
from sympy import S

from derive.core.exprs import to_expr
from derive.core.linear import LinearForm, is_zero_coefficient, linear_form, normalize_coefficient
from derive.core.notation import show
from derive.core.parameters import Domain
from derive.core.statements import Statement
from derive.errors import CertificateError
from derive.kernel.independence import implies_zero
from derive.kernel.signs import is_nonnegative, sign_of
from derive.kernel.wellformed import problems_of

__all__ = ["Term", "TermMakers", "Certificate", "TwoSidedCertificate", "Proposal", "check_certificate",
           "certificate_of_proposal",
           "term_of_statement", "nonneg_term", "zero_term"]


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
        return f"{self.label}: {show(self.form.as_expr())} {rel}"


#: The terms a step may use: label -> a function building the term, or returning ``None`` when its fact does not
#: hold (an atom not provably ``>= 0``, an independence the hypotheses do not imply).
TermMakers = Mapping[str, Callable[[], "Term | None"]]


@dataclass
class Certificate:
    """Multipliers, one per term; ``residual`` is filled in by :func:`check_certificate`."""

    multipliers: list[tuple[Term, sympy.Expr]]
    residual: sympy.Expr = S.Zero

    def used(self) -> list[tuple[Term, sympy.Expr]]:
        return [(t, m) for t, m in self.multipliers if not is_zero_coefficient(m)]

    def __str__(self) -> str:
        parts = [f"({show(sympy.factor(m))}) * [{t.label}]" for t, m in self.used()]
        if not is_zero_coefficient(self.residual):
            parts.append(f"{show(self.residual)} ({'>= 0 for every parameter value' if self.residual.free_symbols else 'constant >= 0'})")
        return " + ".join(parts) if parts else "0"


@dataclass
class TwoSidedCertificate(Certificate):
    """An equality proved as ``<=`` and ``>=`` separately."""

    le: Certificate | None = None
    ge: Certificate | None = None

    def __str__(self) -> str:
        return f"(<=) {self.le}; (>=) {self.ge}"


@dataclass(frozen=True)
class Proposal:
    """Multipliers an untrusted oracle proposes, in the kernel's vocabulary (never as terms).

    ``multipliers``: ``(label, m)`` for terms the kernel built for the step (premises, hypothesis equalities,
    ``nonneg[k]``, the atoms it mentions); ``nonneg``: ``(e, m)`` for an expression the kernel proves ``>= 0``;
    ``zero``: ``(e, m)`` for ``I(A; B | C)`` / ``H(Y | X)`` the kernel derives ``= 0`` from the hypotheses;
    ``le``/``ge``: an equality as two halves; ``origin``: who proposed it (shown in the step's message).
    """

    multipliers: tuple[tuple[str, Any], ...] = ()
    nonneg: tuple[tuple[sympy.Expr, Any], ...] = ()
    zero: tuple[tuple[sympy.Expr, Any], ...] = ()
    le: "Proposal | None" = None
    ge: "Proposal | None" = None
    origin: str = ""


def certificate_of_proposal(proposal: Proposal, terms: TermMakers, hypotheses: Sequence,
                            domains: Mapping[sympy.Symbol, Domain]) -> Certificate:
    """The certificate a proposal describes, every term built here (unchecked: see :func:`check_certificate`).

    Raises
    ------
    CertificateError
        If the proposal is not a :class:`Proposal`, names a label that is not one of ``terms``, or uses an
        expression that is not well formed (:mod:`derive.kernel.wellformed`, the door every claim passes) or that
        the kernel cannot show ``>= 0`` / ``= 0``.
    """
    if not isinstance(proposal, Proposal):
        raise CertificateError(f"an oracle must propose a Proposal, not {type(proposal).__name__}")
    if proposal.le is not None or proposal.ge is not None:
        if proposal.le is None or proposal.ge is None:
            raise CertificateError("a two-sided proposal needs both halves")
        return TwoSidedCertificate([], S.Zero, certificate_of_proposal(proposal.le, terms, hypotheses, domains),
                                   certificate_of_proposal(proposal.ge, terms, hypotheses, domains))
    mults: list[tuple[Term, sympy.Expr]] = []
    if any(not isinstance(e, sympy.Expr) for e, _ in (*proposal.nonneg, *proposal.zero)):
        raise CertificateError("a proposal's nonneg/zero entries must be sympy expressions")
    for e, _ in (*proposal.nonneg, *proposal.zero):  # the door, as for the claim: a sum over a reversed or non-integer
        found = problems_of(e, domains)              # range means another number to sympy than to the sign prover
        if found:
            raise CertificateError(f"the certificate uses {show(e)}, which is not well formed: {found[0]}")
    for label, m in proposal.multipliers:
        term = terms[label]() if isinstance(label, str) and label in terms else None
        if term is None:
            raise CertificateError(f"the certificate uses [{label}], which is not a premise, a hypothesis "
                                   "consequence or a provably non-negative quantity of this step")
        mults.append((term, m))
    for e, m in proposal.nonneg:
        mults.append((nonneg_term(e, domains), m))
    for e, m in proposal.zero:
        if not implies_zero(hypotheses, e, domains):
            raise CertificateError(f"the certificate uses [{show(e)} = 0], which is not a premise, a hypothesis "
                                   "consequence or a provably non-negative quantity")
        mults.append((zero_term(e, f"{show(e)} = 0", "implied by a hypothesis"), m))
    return Certificate(mults)


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
        raise CertificateError(f"{show(expr)} is not provably >= 0, so it cannot be used as a non-negative term")
    return Term(label or show(expr), linear_form(expr), "nonneg", "nonnegativity", expr)


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
    checked: list[tuple[Term, sympy.Expr]] = []  # the multipliers as exact sympy numbers (an oracle may give ints)
    for term, m in cert.multipliers:
        m = to_expr(m)
        if not isinstance(m, sympy.Expr) or m.has(sympy.Float):
            raise CertificateError(f"the multiplier {m!r} of [{term.label}] is not an exact expression")
        m = normalize_coefficient(m)
        checked.append((term, m))
        if is_zero_coefficient(m):
            continue
        if not _denominator_nonzero(m, domains):
            raise CertificateError(f"the multiplier {show(m)} of [{term.label}] may be undefined "
                                   "(its denominator is not provably non-zero)")
        if term.kind == "nonneg":
            if claim.is_equality:
                raise CertificateError(f"an equality cannot follow from the inequality [{term.label}]")
            if not is_nonnegative(m, domains):
                raise CertificateError(f"the multiplier {show(m)} of [{term.label}] is not provably >= 0")
        elif term.kind != "zero":
            raise CertificateError(f"unknown term kind {term.kind!r}")
        remainder = remainder - term.form.scale(m)
    leftover = {a: c for a, c in remainder.terms.items() if not is_zero_coefficient(c)}
    if leftover:
        shown = " + ".join(f"{show(c)}*{show(a)}" for a, c in list(leftover.items())[:6])
        raise CertificateError(f"the combination does not match the claim; left over: {shown}")
    r = remainder.const
    if claim.is_equality:  # exactly 0: identically (cancel/simplify), or by the sign engine (h(1/3) - log2(3) + 2/3)
        if not (is_zero_coefficient(r) or sign_of(r, domains) == "zero"):
            raise CertificateError(f"the combination differs from the claim by the constant {show(r)}")
        r = S.Zero
    elif not is_nonnegative(r, domains):
        raise CertificateError(f"the remaining constant {show(r)} is not provably >= 0")
    return Certificate(checked, r)


