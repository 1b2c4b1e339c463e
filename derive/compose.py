"""Compose a chain of bounds into one (untrusted search; the kernel checks the result).

For a theorem ``L <= R`` the composer starts from ``L`` and repeatedly replaces
an information atom ``a`` that occurs with a provably non-negative coefficient
by the right side of a listed step ``a <= b`` (or any step ``a == b``), until
no step applies; for ``L >= R`` it does the same with lower bounds, for ``L == R`` with
equalities alone. The result
is simplified with sympy (``factor``) and then *checked by the kernel* as a
new theorem built from the same steps: the status printed is the kernel's.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import S

from derive.core.linear import linear_form
from derive.core.notation import messages_for
from derive.core.quantities import INFO_CLASSES, has_information
from derive.core.statements import Statement
from derive.errors import InvalidArgument
from derive.kernel.check import check_proof
from derive.provers.certificate_search import default_oracle
from derive.kernel.signs import is_nonnegative

__all__ = ["ComposedBound", "compose_bound", "compose_theorem"]


@dataclass
class ComposedBound:
    """The composed statement, the kernel's verdict on it, and how it compares to the theorem. Both statuses are
    the kernel's verdict on the whole proof (every step the theorem rests on), as in ``derive check``."""

    statement: Statement
    status: str
    theorem: Statement | None
    theorem_status: str | None
    used: list[str]

    def text(self, bound: str | None = None, theorem: str | None = None, latex: str | None = None) -> str:
        """What ``derive compose`` prints; ``bound``/``theorem``/``latex``: the statements as the file writes them
        (default: as sympy prints them)."""
        lines = [f"composed bound: {bound or self.statement}",
                 f"  status: {self.status} (the kernel's verdict; composed from {', '.join(self.used)})"]
        if self.theorem is not None:
            lines.append(f"  theorem claims: {theorem or self.theorem} [{self.theorem_status}]")
            if self.theorem_status != "proved":
                lines.append("  the theorem's claim is not proved from its `from` (exit 1; `derive check` says why)")
        lines.append(f"  LaTeX: {latex or self.latex()}")
        return "\n".join(lines)

    def latex(self) -> str:
        return self.statement._latex()

    def to_json(self) -> dict:
        return {"bound": str(self.statement), "latex": self.latex(), "status": self.status,
                "theorem": str(self.theorem) if self.theorem else None, "theorem_status": self.theorem_status,
                "from": self.used}


def _oriented(st: Statement, upper: bool) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """``(atom, replacement)`` pairs a statement offers: ``atom <= repl`` (upper) or ``atom >= repl``."""
    out = []
    sides = [(st.lhs, st.rhs), (st.rhs, st.lhs)]
    for a, b in sides:
        if not has_information(a) or len(linear_form(a).terms) == 0:
            continue
        rel = st.rel if (a is st.lhs) else {"<=": ">=", ">=": "<=", "==": "=="}[st.rel]
        if rel == "==" or (rel == "<=" and upper) or (rel == ">=" and not upper):
            out.append((a, b))
    return out


def compose_bound(start: sympy.Expr, steps: dict[str, Statement], domains: dict, *, upper: bool,
                  max_rounds: int = 50, tidy: bool = True) -> tuple[sympy.Expr, list[str]]:
    """Chain the steps' bounds into ``start``; return the bound (factored and collected with ``tidy``) and the step
    ids used."""
    bound = start
    used: list[str] = []
    for _ in range(max_rounds):
        progressed = False
        for sid, st in steps.items():
            for atom, repl in _oriented(st, upper):
                if atom == bound and sid not in used:
                    bound, progressed = repl, True
                    used.append(sid)
                    break
                expanded = sympy.expand(bound)
                coeff = expanded.coeff(atom) if atom in expanded.atoms(type(atom)) else 0
                if coeff == 0 or has_information(coeff) or sid in used:
                    continue
                if is_nonnegative(coeff, domains) or st.rel == "==":
                    bound = sympy.expand(expanded - coeff * atom + coeff * repl)
                    used.append(sid)
                    progressed = True
                    break
            if progressed:
                break
        if not progressed:
            break
    if not used:  # no step bounds an atom the start names: eliminate through the entropies' linear forms
        bound, used = _eliminated(start, steps, upper) or (bound, used)
    if not tidy:
        return bound, used
    return _tidy(bound), used


def _eliminated(start: sympy.Expr, steps: dict[str, Statement], upper: bool) -> tuple[sympy.Expr, list[str]] | None:
    """``start = Σ m_t f_t + r`` over the canonical linear forms (``I(X; Y) = H(X) + H(Y) - H(X, Y)``), each ``f_t``
    a step's slack with ``m_t >= 0`` (any sign for an equality), no information atom left in ``r``: then
    ``start >= r`` (``start <= -r`` for an upper bound, from ``-start``); ``None`` when the exact solve finds none.
    Untrusted: the kernel checks the composed statement."""
    from derive.kernel.linear import term_of_statement
    from derive.provers.certificate_search import solve_multipliers

    terms = [term_of_statement(sid, st) for sid, st in steps.items()]
    target = Statement(start, "<=" if upper else ">=", S.Zero)
    cert = solve_multipliers(target, terms)
    if cert is None:
        return None
    rest = linear_form(target.slack())
    for t, m in cert.multipliers:
        if t.kind == "nonneg" and not (m.is_number and m >= 0):
            return None
        rest = rest - t.form.scale(m)
    used = [t.label for t, m in cert.multipliers if not m.is_zero]
    if rest.terms or not used:
        return None
    return (-rest.const if upper else rest.const), used


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Collect the coefficient of each information atom and tidy it (:func:`_tidy_coefficient`)."""
    expr = sympy.expand(expr)
    atoms = sorted({a for a in sympy.preorder_traversal(expr) if isinstance(a, INFO_CLASSES)},
                   key=sympy.default_sort_key)
    collected = sympy.collect(expr, atoms, evaluate=False)
    return sympy.Add(*[_tidy_coefficient(c) * a for a, c in collected.items()])


def _tidy_coefficient(c: sympy.Expr) -> sympy.Expr:
    """``c`` factored, by the logarithm of each parameter when it has one (factoring them together over the bits'
    ``ln 2`` would hide ``log2``: ``-(pe ln M - ln M + ln 2)/ln 2``), with a factor ``-(a - b)`` written ``(b - a)``."""
    logs = sorted((a for a in c.atoms(sympy.log) if not a.args[0].is_number), key=sympy.default_sort_key)
    if not logs:
        return _fewer_minus(sympy.factor(c))
    parts = sympy.collect(sympy.expand(c), logs, evaluate=False)
    return sympy.Add(*[_fewer_minus(sympy.factor(k)) * a for a, k in parts.items()])


def _fewer_minus(c: sympy.Expr) -> sympy.Expr:
    """``-(tau - 1)*x`` as ``(1 - tau)*x``: a negative product with a sum among its factors negates the sum."""
    coeff, factors = c.as_coeff_mul()
    if coeff >= 0 or not any(isinstance(f, sympy.Add) for f in factors):
        return c
    k = next(k for k, f in enumerate(factors) if isinstance(f, sympy.Add))
    return sympy.Mul(-coeff, *factors[:k], sympy.expand(-factors[k]), *factors[k + 1:])


def compose_theorem(proof) -> ComposedBound:
    """Compose the theorem's ``from`` steps starting at its left side; the kernel checks the result.

    Raises
    ------
    InvalidArgument
        If the proof has no theorem, or no listed step bounds its left side (for an equality theorem: no listed
        equality rewrites it).
    """
    if proof.theorem is None:
        raise InvalidArgument("the proof has no [theorem] to compose", file=proof.file)
    th = proof.theorem.claim
    statements = {}
    for sid in proof.theorem.from_steps:
        if sid in proof.hypotheses:
            st = getattr(proof.hypotheses[sid], "statement", None)
            if st is not None:
                statements[sid] = st
        else:
            statements[sid] = proof.get_step(sid).claim
    if th.rel == "==":  # an equality composes from equalities alone: each rewrite keeps the value
        statements = {sid: st for sid, st in statements.items() if st.rel == "=="}
    domains = proof.parameter_domains()
    original, oracle = proof.theorem, default_oracle()  # the oracles of `derive check`
    with messages_for(proof):  # atoms as the author wrote them, `h` in the proof's units
        report_original = check_proof(proof, oracle=oracle)
        for tidy in (True, False):  # factoring may change a form the kernel matches ((1 - 2d)^(2k) -> (2d - 1)^(2k))
            bound, used = compose_bound(th.lhs, statements, domains, upper=(th.rel == "<="), tidy=tidy)
            composed = Statement(th.lhs, th.rel, bound)
            try:
                proof.theorem = type(original)(composed, tuple(original.from_steps), original.line, original.name)
                report = check_proof(proof, oracle=oracle)
            finally:
                proof.theorem = original
            if report.theorem is not None and report.theorem.status == "proved":
                break
    # the proof's status, not the theorem step's own: a valid combination of unproved steps is not proved
    if not used:  # the start itself: `I(X; Y) >= I(X; Y)` is proved and says nothing
        what = "equality (an equality theorem composes from equalities)" if th.rel == "==" else "step or hypothesis"
        raise InvalidArgument(f"no {what} in the theorem's `from` ({', '.join(original.from_steps)}) "
                              f"bounds {th.lhs} or the entropies it is made of, so nothing composes; "
                              "`derive check` checks the theorem as a linear combination", file=proof.file)
    return ComposedBound(composed, report.status, th, report_original.status, used)
