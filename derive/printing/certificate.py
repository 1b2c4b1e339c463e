"""A linear certificate as a human proof: the claim as a sum of named, justified facts.

Text::

    I(X1; X3) <= I(X2; X3) because
      I(X2; X3) - I(X1; X3)
        = 1 * I(X1; X3 | X2)     [= 0: hypothesis m]
        + 1 * I(X2; X1 | X3)     [>= 0: Shannon]

LaTeX: an ``align*`` environment, one justified term per line.
"""

from __future__ import annotations

import sympy

from derive.kernel.linear import Certificate, Term, TwoSidedCertificate

__all__ = ["certificate_text", "certificate_latex"]


def _why(t: Term) -> str:
    if t.kind == "zero":
        return f"= 0: {t.source or t.label}" if t.source and t.source not in ("hypothesis",) else f"= 0: {t.label}"
    if t.source == "premise":
        return f">= 0: step {t.label}"
    return ">= 0: Shannon (non-negativity)"


def _term_text(t: Term) -> str:
    if t.expr is not None:
        return sympy.sstr(t.expr)
    return sympy.sstr(t.form.as_expr())


def certificate_text(claim, cert: Certificate) -> str:
    """Plain-text proof of ``claim`` from ``cert``."""
    if isinstance(cert, TwoSidedCertificate):
        le = certificate_text(type(claim)(claim.lhs, "<=", claim.rhs), cert.le)
        ge = certificate_text(type(claim)(claim.lhs, ">=", claim.rhs), cert.ge)
        return f"{claim} holds in both directions:\n{le}\n{ge}"
    lines = [f"{claim} because", f"  {sympy.sstr(claim.slack())}"]
    used = cert.used()
    for k, (t, m) in enumerate(used):
        lead = "=" if k == 0 else "+"
        lines.append(f"    {lead} {sympy.sstr(m)} * {_term_text(t)}    [{_why(t)}]")
    if not used:
        lines.append("    = 0")
    if cert.residual != 0:
        lines.append(f"    + {sympy.sstr(cert.residual)}    [a constant >= 0]")
    return "\n".join(lines)


def _latex_why(t: Term) -> str:
    if t.kind == "zero":
        return r"\text{(hypothesis: } = 0)"
    if t.source == "premise":
        return rf"\text{{(step {t.label})}}"
    return r"\text{(Shannon: } \ge 0)"


def certificate_latex(claim, cert: Certificate) -> str:
    """An ``align*`` block deriving ``claim`` term by term."""
    if isinstance(cert, TwoSidedCertificate):
        return (certificate_latex(type(claim)(claim.lhs, "<=", claim.rhs), cert.le) + "\n"
                + certificate_latex(type(claim)(claim.lhs, ">=", claim.rhs), cert.ge))
    rows = [rf"{sympy.latex(claim.slack())} &= {sympy.latex(cert.residual) if not cert.used() else ''}"]
    body = []
    for t, m in cert.used():
        expr = t.expr if t.expr is not None else t.form.as_expr()
        body.append(rf"  &\quad + {sympy.latex(m)} \cdot {sympy.latex(expr)} && {_latex_why(t)}")
    if cert.residual != 0 and cert.used():
        body.append(rf"  &\quad + {sympy.latex(cert.residual)} && \text{{(constant }} \ge 0)")
    rel = {"<=": r"\le", ">=": r"\ge", "==": "="}[claim.rel]
    head = rf"% {sympy.latex(claim.lhs)} {rel} {sympy.latex(claim.rhs)}"
    return "\n".join([head, r"\begin{align*}", rows[0] + r" \\", " \\\\\n".join(body), r"\end{align*}"])
