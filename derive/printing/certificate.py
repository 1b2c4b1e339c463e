"""A linear certificate as a human proof: the claim's slack as a sum of named, justified facts.

Text::

    I(X; Z) <= I(X; Y) because
      I(X; Y) - I(X; Z)
        = I(X; Y | Z)          [>= 0: Shannon (non-negativity)]
        - I(X; Z | Y)          [= 0: given1]

LaTeX: an ``align*`` environment, one justified term per line, every expression
through :class:`derive.printing.latex.DeriveLatexPrinter`.
"""

from __future__ import annotations

from typing import Callable, Mapping

import sympy

from derive.core.linear import is_zero_coefficient
from derive.core.statements import Statement
from derive.kernel.linear import Certificate, Term, TwoSidedCertificate
from derive.kernel.signs import is_nonnegative
from derive.kernel.rules import SUM_SPLIT
from derive.printing.latex import DeriveLatexPrinter, latex_relation, latex_text, visible_width

__all__ = ["certificate_text", "certificate_latex", "certificate_rows", "term_expression", "certificate_legend"]


def _why(t: Term) -> str:
    if t.kind == "zero":
        if t.source == "premise":
            return f"= 0: step {t.label}"
        if t.source.startswith("implied"):
            return f"= 0: {t.label.split(' = 0')[0]} (independence implied by the hypotheses)"
        if t.source == SUM_SPLIT:
            return "= 0: a sum split at an end or at a term"
        return f"= 0: {t.label}"
    if t.source == "premise":
        return f">= 0: step {t.label}"
    return ">= 0: Shannon (non-negativity)"


def certificate_legend(cert) -> list[str]:
    """What each numbered hypothesis label in ``cert``'s text states: ``given1[2]: I(U; Y | X) = 0`` for the second
    equality of a hypothesis that has several (a Markov chain, a mutual independence, i.i.d.), which the kernel's
    one-line certificate names only by label. Empty for anything else (or no certificate)."""
    parts = [cert.le, cert.ge] if isinstance(cert, TwoSidedCertificate) else [cert]
    out: list[str] = []
    for part in parts:
        if not isinstance(part, Certificate):
            continue
        for t, _ in part.used():
            if t.kind == "zero" and t.source.startswith("hypothesis ") and t.label.endswith("]"):
                line = f"{t.label}: {t.source.split(': ', 1)[1]}"
                if line not in out:
                    out.append(line)
    return out


def term_expression(t: Term, statements: Mapping[str, Statement] | None = None) -> sympy.Expr:
    """The expression a term says is ``>= 0`` (or ``== 0``): a premise's slack, the quantity itself, or the form."""
    if statements and t.label in statements:
        return statements[t.label].slack()
    if t.expr is not None:
        return t.expr
    return t.form.as_expr()


def _signed(m: sympy.Expr, domains: Mapping | None = None) -> tuple[bool, sympy.Expr]:
    """``(negative, |m|)`` for display; with the parameters' ``domains`` the sign is the kernel's."""
    if m.is_Number:
        return bool(m < 0), abs(m)
    m = sympy.cancel(sympy.together(m))
    neg = None
    if domains is not None:
        if is_nonnegative(m, domains):
            neg = False
        elif is_nonnegative(-m, domains):
            neg = True
    if neg is None:
        neg = bool(m.as_coeff_Mul()[0] < 0)
    mag = -m if neg else m
    return neg, _shortest(mag)


def _shortest(e: sympy.Expr) -> sympy.Expr:
    """``e`` as given or factored (``4 d^2 - 4 d + 1`` → ``(2 d - 1)^2``), whichever prints shorter."""
    try:
        f = sympy.factor(e)
    except (sympy.PolynomialError, NotImplementedError):  # pragma: no cover - non-polynomial forms
        return e
    return f if len(sympy.sstr(f)) < len(sympy.sstr(e)) else e


def certificate_text(claim, cert: Certificate, *, units: str = "bits", written=None) -> str:
    """Plain-text proof of ``claim`` from ``cert``, in the file grammar (``^``, ``sum(f, i, lo, hi)``; information
    atoms in the argument order of ``written``, a :class:`~derive.proof.WrittenOrder`, when given)."""
    from derive.errors import InvalidArgument
    from derive.io.writer import format_expression, readable

    def text(e) -> str:
        try:
            return format_expression(e, units, written)
        except InvalidArgument:  # a form the grammar has no spelling for: sympy's text in the grammar's notation
            return readable(sympy.sstr(e))

    if isinstance(cert, TwoSidedCertificate):
        le = certificate_text(type(claim)(claim.lhs, "<=", claim.rhs), cert.le, units=units, written=written)
        ge = certificate_text(type(claim)(claim.lhs, ">=", claim.rhs), cert.ge, units=units, written=written)
        return f"{text(claim.lhs)} == {text(claim.rhs)} holds in both directions:\n{le}\n{ge}"
    lines = [f"{text(claim.lhs)} {claim.rel} {text(claim.rhs)} because", f"  {text(claim.slack())}"]
    used = sorted(cert.used(), key=lambda tm: _signed(tm[1])[0])  # added terms first, subtracted ones after
    rows = []
    for k, (t, m) in enumerate(used):
        neg, mag = _signed(m)
        lead = ("- " if neg else "= ") if k == 0 else ("- " if neg else "+ ")
        if k == 0 and neg:
            lead = "= -"
        coeff = "" if mag == 1 else f"{text(mag)} * "
        e = term_expression(t)
        body = f"({text(e)})" if e.is_Add and (coeff or neg) else text(e)  # - 2 * (H(A') - H(A))
        rows.append((f"    {lead}{coeff}{body}", _why(t)))
    rest = ">= 0 for every parameter value" if cert.residual.free_symbols else "a constant >= 0"
    if not used:
        rows.append((f"    = {text(cert.residual)}", rest if cert.residual != 0 else ""))
    elif not is_zero_coefficient(cert.residual):
        rows.append((f"    + {text(cert.residual)}", rest))
    width = max(len(r[0]) for r in rows)
    for body, why in rows:
        lines.append(f"{body:<{width}}    [{why}]" if why else body)
    return "\n".join(lines)


def _latex_why(t: Term) -> str:
    if t.kind == "zero":
        if t.source == "premise":
            return rf"\text{{(step {latex_text(t.label)})}}"
        if t.source.startswith("implied"):
            return r"\text{(${}=0$: implied independence)}"
        if t.source == SUM_SPLIT:
            return r"\text{(${}=0$: a sum split at an end or at a term)}"
        return rf"\text{{(${{}}=0$: hypothesis {latex_text(t.label)})}}"
    if t.source == "premise":
        return rf"\text{{(step {latex_text(t.label)})}}"
    return r"\text{(${}\ge 0$)}"


def certificate_rows(claim: Statement, cert: Certificate, *,
                     describe: Callable[[Term], str] | None = None,
                     statements: Mapping[str, Statement] | None = None,
                     printer: DeriveLatexPrinter | None = None,
                     domains: Mapping | None = None) -> list[str]:
    """``align*`` rows proving ``claim``: the slack ``rhs - lhs``, then ``= m_1 t_1 (why)``, ``+ m_2 t_2 (why)``, ...

    ``describe(term)`` gives the LaTeX justification of a term (default: its kind and label);
    ``statements`` maps premise labels to their statements, shown as slacks instead of entropy forms;
    ``domains`` (parameter symbol → Domain) lets the kernel's sign rules decide how a multiplier's sign is shown.
    """
    pr = printer or DeriveLatexPrinter()
    why = describe or _latex_why
    if isinstance(cert, TwoSidedCertificate):
        rows = [r"&\text{($\le$)} \\"]
        rows += certificate_rows(Statement(claim.lhs, "<=", claim.rhs), cert.le, describe=describe,
                                 statements=statements, printer=pr, domains=domains)
        rows[-1] += r" \\"
        rows.append(r"&\text{($\ge$)} \\")
        rows += certificate_rows(Statement(claim.lhs, ">=", claim.rhs), cert.ge, describe=describe,
                                 statements=statements, printer=pr, domains=domains)
        return rows
    used = cert.used()
    slack_rows = pr.rows(claim.slack(), _ROW_CHARS)
    lines: list[str] = [rf"&{slack_rows[0]}"] + [rf"&\qquad {r}" for r in slack_rows[1:]]
    for k, (t, m) in enumerate(used):
        neg, mag = _signed(m, domains)
        e = term_expression(t, statements)
        body = pr.expr(e)
        if e.is_Add:
            body = rf"\left({body}\right)"
        if mag != 1:
            ctext = pr.expr(mag)
            if mag.is_Add:
                ctext = rf"\left({ctext}\right)"
            body = rf"{ctext} \cdot {body}"
        op = "=" if k == 0 else ("-" if neg else "+")
        sign = "-" if (k == 0 and neg) else ""
        lines.append(rf"&\quad {op} {sign}{body} \qquad {why(t)}")
    if not used:
        lines.append(rf"&\quad = {pr.expr(cert.residual)}")
    elif not is_zero_coefficient(cert.residual):
        lines.append(rf"&\quad + {pr.expr(cert.residual)} \qquad \text{{(a constant ${{}}\ge 0$)}}")
    if not claim.is_equality:
        text = pr._print(claim)
        if visible_width(text) <= _ROW_CHARS - 12:
            lines.append(rf"&\quad \ge 0, \text{{ that is, }} {text}")
        else:  # a long claim: on rows of its own, its right side broken between terms
            lhs = pr.expr(claim.lhs)
            rows = pr.rows(claim.rhs, max(_ROW_CHARS - visible_width(lhs) - 4, 20))
            lines.append(r"&\quad \ge 0, \text{ that is,}")
            lines.append(rf"&\quad {lhs} {latex_relation(claim.rel)} {rows[0]}")
            lines += [rf"&\qquad {r}" for r in rows[1:]]
    return [line + r" \\" for line in lines[:-1]] + lines[-1:]


#: Visible characters of one certificate row (small type, beside the justification column) before it breaks.
_ROW_CHARS = 64


def certificate_latex(claim, cert: Certificate, *, written=None) -> str:
    """An ``align*`` block deriving ``claim`` term by term (argument order of ``written`` when given)."""
    pr = DeriveLatexPrinter({"written": written})
    rows = certificate_rows(claim, cert, printer=pr)
    head = f"% {pr._print(claim)}"
    return "\n".join([head, r"\begin{align*}", *rows, r"\end{align*}"])
