"""Compose a chain of bounds into one (untrusted search; the kernel checks the result).

For a theorem ``L <= R`` the composer starts from ``L`` and repeatedly replaces
an information atom ``a`` that occurs with a provably non-negative coefficient
by the right side of a listed step ``a <= b`` (or any step ``a == b``), until
no step applies; for ``L >= R`` it does the same with lower bounds. The result
is simplified with sympy (``factor``) and then *checked by the kernel* as a
new theorem built from the same steps: the status printed is the kernel's.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

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

    def text(self) -> str:
        lines = [f"composed bound: {self.statement}", f"  status: {self.status} (kernel-checked from {', '.join(self.used)})"]
        if self.theorem is not None:
            lines.append(f"  theorem claims: {self.theorem} [{self.theorem_status}]")
        lines.append(f"  LaTeX: {self.latex()}")
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
    if not tidy:
        return bound, used
    return sympy.factor(bound) if not has_information(bound) else _tidy(bound), used


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Collect the coefficient of each information atom and factor it."""
    expr = sympy.expand(expr)
    atoms = sorted({a for a in sympy.preorder_traversal(expr) if isinstance(a, INFO_CLASSES)},
                   key=sympy.default_sort_key)
    collected = sympy.collect(expr, atoms, evaluate=False)
    return sympy.Add(*[sympy.factor(c) * a for a, c in collected.items()])


def compose_theorem(proof) -> ComposedBound:
    """Compose the theorem's ``from`` steps starting at its left side; the kernel checks the result.

    Raises
    ------
    InvalidArgument
        If the proof has no theorem or the theorem is an equality.
    """
    if proof.theorem is None:
        raise InvalidArgument("the proof has no [theorem] to compose", file=proof.file)
    th = proof.theorem.claim
    if th.rel == "==":
        raise InvalidArgument("composition needs an inequality theorem", file=proof.file)
    statements = {}
    for sid in proof.theorem.from_steps:
        if sid in proof.hypotheses:
            st = getattr(proof.hypotheses[sid], "statement", None)
            if st is not None:
                statements[sid] = st
        else:
            statements[sid] = proof.get_step(sid).claim
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
    return ComposedBound(composed, report.status, th, report_original.status, used or list(original.from_steps))
