"""Shannon-type prover (untrusted): LP over the entropy vector, exact certificates for the kernel.

Yeung's method. Over the ``n`` random variables a claim mentions, every
entropy vector ``h`` (one coordinate ``h(S)`` per non-empty subset ``S``)
satisfies the *elemental* inequalities

* ``H(X_i | X_{N - i}) >= 0`` and
* ``I(X_i; X_j | X_K) >= 0`` for ``i < j``, ``K ⊆ N - {i, j}``,

and the hypotheses add equalities (Markov ⇒ ``I(A; C | B) = 0``, ...). A
claim ``f(h) >= 0`` is Shannon-type iff ``f = Σ λ_e e + Σ ν_q q`` with
``λ >= 0``. We find ``λ, ν`` with HiGHS (scipy ``linprog``), lazily: start
from the elemental inequalities that share a variable pair with the claim,
price the rest against the LP dual and add the violated ones (column
generation). The float multipliers are rounded to rationals; if the rounded
combination is not exact, the support is re-solved exactly over the
rationals. The result goes to the kernel's :func:`check_certificate`; the
prover never reports ``proved`` for a certificate the kernel did not accept.

When the LP has no solution the claim does not follow from the elemental
inequalities; :func:`prove` then looks for a concrete counterexample
distribution and reports ``false`` with it, else ``not_shannon`` (the claim may
still be true: Zhang–Yeung).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Sequence

import numpy as np
import scipy.optimize
import scipy.sparse as sp
import sympy

from derive.core.hypotheses import Hypothesis
from derive.core.linear import LinearForm, linear_form
from derive.core.quantities import H, I
from derive.core.statements import Statement
from derive.core.variables import RVSet
from derive.errors import CertificateError, InvalidArgument, LimitExceeded
from derive.kernel.linear import Certificate, Term, check_certificate, nonneg_term, zero_term

__all__ = ["ShannonResult", "prove", "find_shannon_certificate", "shannon_oracle", "MAX_VARIABLES"]

#: Largest number of random variables the prover accepts (2^n - 1 coordinates).
MAX_VARIABLES = 14


@dataclass
class ShannonResult:
    """``status``: ``proved`` | ``not_shannon`` | ``false`` | ``unsupported``."""

    status: str
    certificate: Certificate | None = None
    counterexample: dict | None = None
    message: str = ""
    variables: tuple = ()
    timings: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        cert = None
        if self.certificate is not None:
            cert = [{"term": t.label, "kind": t.kind, "multiplier": str(m)} for t, m in self.certificate.used()]
        return {"status": self.status, "certificate": cert, "counterexample": self.counterexample,
                "message": self.message}


# ---------------------------------------------------------------------------- encoding

class _Space:
    """Entropy coordinates over ``n`` base variables: subset bitmask ``m`` ↦ column ``m - 1``."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = list(items)
        self.n = len(self.items)
        self.index = {it: k for k, it in enumerate(self.items)}

    def mask(self, s: RVSet) -> int:
        m = 0
        for it in s.args:
            m |= 1 << self.index[it]
        return m

    def vector(self, form: LinearForm) -> dict[int, Fraction]:
        out: dict[int, Fraction] = {}
        for atom, c in form.terms.items():
            if not (isinstance(atom, H) and not atom.given):
                raise InvalidArgument(f"not a Shannon-type quantity: {atom}")
            if not c.is_Rational:
                raise InvalidArgument(f"the coefficient {c} is not a rational number")
            m = self.mask(atom.target)
            out[m] = out.get(m, Fraction(0)) + Fraction(int(c.p), int(c.q))
        return {m: v for m, v in out.items() if v != 0}

    def rvset(self, mask: int) -> RVSet:
        return RVSet(*[self.items[k] for k in range(self.n) if mask >> k & 1])


def _elementals(n: int) -> list[tuple[int, int, int]]:
    """All elemental inequalities as ``(i, j, K)``; ``j = -1`` encodes ``H(X_i | X_{N-i})``."""
    out = [(i, -1, 0) for i in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        rest = [k for k in range(n) if k not in (i, j)]
        for r in range(len(rest) + 1):
            for ks in itertools.combinations(rest, r):
                out.append((i, j, sum(1 << k for k in ks)))
    return out


def _elemental_vector(n: int, e: tuple[int, int, int]) -> dict[int, int]:
    i, j, k = e
    full = (1 << n) - 1
    if j < 0:
        v = {full: 1}
        if full & ~(1 << i):
            v[full & ~(1 << i)] = -1
        return v
    v: dict[int, int] = {}
    for m, c in ((k | 1 << i, 1), (k | 1 << j, 1), (k | 1 << i | 1 << j, -1), (k, -1)):
        if m:
            v[m] = v.get(m, 0) + c
    return v


def _elemental_expr(space: _Space, e: tuple[int, int, int]) -> sympy.Expr:
    i, j, k = e
    if j < 0:
        full = (1 << space.n) - 1
        return H(space.rvset(1 << i), given=space.rvset(full & ~(1 << i)))
    return I(space.rvset(1 << i), space.rvset(1 << j), space.rvset(k))


# ---------------------------------------------------------------------------- LP

def _solve_lp(n: int, target: dict[int, Fraction], equalities: list[dict[int, Fraction]],
              elementals: list[tuple[int, int, int]], deadline: float) -> tuple[np.ndarray, np.ndarray, list] | None:
    """Column generation over the elemental inequalities; returns (λ, ν, active elementals) or None."""
    rows = (1 << n) - 1
    b = np.zeros(rows)
    for m, v in target.items():
        b[m - 1] = float(v)
    eq_cols = []
    for q in equalities:
        col = np.zeros(rows)
        for m, v in q.items():
            col[m - 1] = float(v)
        eq_cols.append(col)
    # all elementals as one sparse matrix, priced lazily
    data, ri, ci = [], [], []
    for c, e in enumerate(elementals):
        for m, v in _elemental_vector(n, e).items():
            data.append(v)
            ri.append(m - 1)
            ci.append(c)
    E = sp.csc_matrix((data, (ri, ci)), shape=(rows, len(elementals)))
    support = set(b.nonzero()[0]) | {r for col in eq_cols for r in col.nonzero()[0]}
    touched = np.asarray(abs(E[list(support), :]).sum(axis=0)).ravel() > 0 if support else np.zeros(len(elementals), bool)
    active = list(np.flatnonzero(touched)) or list(range(min(len(elementals), 50)))
    Q = np.column_stack(eq_cols) if eq_cols else np.zeros((rows, 0))
    for _ in range(200):
        if time.monotonic() > deadline:
            raise LimitExceeded("the Shannon LP ran out of its time budget")
        A = sp.hstack([E[:, active], sp.csc_matrix(Q), sp.csc_matrix(-Q)]).tocsc()
        c = np.concatenate([np.ones(len(active)), np.zeros(2 * Q.shape[1])])
        res = scipy.optimize.linprog(c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        if res.status == 0:
            k = len(active)
            lam = res.x[:k]
            nu = res.x[k:k + Q.shape[1]] - res.x[k + Q.shape[1]:]
            return lam, nu, active
        # infeasible with these columns: price the missing ones with a Farkas ray of the phase-1 problem
        new = _price(E, Q, b, active)
        if not new:
            return None
        active = sorted(set(active) | set(new))
    return None


def _price(E: sp.csc_matrix, Q: np.ndarray, b: np.ndarray, active: list[int]) -> list[int]:
    """Columns to add: solve the phase-1 LP (min slack) and take elementals with negative reduced cost."""
    rows = E.shape[0]
    k = len(active)
    A = sp.hstack([E[:, active], sp.csc_matrix(Q), sp.csc_matrix(-Q), sp.identity(rows), -sp.identity(rows)]).tocsc()
    c = np.concatenate([np.zeros(k + 2 * Q.shape[1]), np.ones(2 * rows)])
    res = scipy.optimize.linprog(c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    if res.status != 0 or res.fun < 1e-9:
        return []
    y = res.eqlin.marginals
    reduced = -(E.T @ y)  # reduced cost of each elemental column (zero objective coefficient)
    mask = np.ones(E.shape[1], bool)
    mask[active] = False
    cand = np.flatnonzero((reduced < -1e-9) & mask)
    return list(cand[np.argsort(reduced[cand])][:500])


# ---------------------------------------------------------------------------- exact certificate

def _rationalize(x: float) -> Fraction:
    return Fraction(x).limit_denominator(10 ** 6)


def _exact_solve(columns: list[dict[int, Fraction]], target: dict[int, Fraction]) -> list[Fraction] | None:
    """Exact solution of ``Σ x_c column_c = target`` (Gaussian elimination over Fractions), or None."""
    rows = sorted(set(target) | {m for col in columns for m in col})
    ridx = {m: r for r, m in enumerate(rows)}
    ncol = len(columns)
    M = [[Fraction(0)] * (ncol + 1) for _ in rows]
    for c, col in enumerate(columns):
        for m, v in col.items():
            M[ridx[m]][c] = Fraction(v)
    for m, v in target.items():
        M[ridx[m]][ncol] = Fraction(v)
    pivots = []
    r = 0
    for c in range(ncol):
        piv = next((k for k in range(r, len(rows)) if M[k][c] != 0), None)
        if piv is None:
            continue
        M[r], M[piv] = M[piv], M[r]
        inv = 1 / M[r][c]
        M[r] = [v * inv for v in M[r]]
        for k in range(len(rows)):
            if k != r and M[k][c] != 0:
                f = M[k][c]
                M[k] = [a - f * bb for a, bb in zip(M[k], M[r])]
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    if any(all(v == 0 for v in M[k][:ncol]) and M[k][ncol] != 0 for k in range(len(rows))):
        return None
    x = [Fraction(0)] * ncol
    for k, c in enumerate(pivots):
        x[c] = M[k][ncol]
    return x


def _certificate(space: _Space, claim: Statement, target: dict[int, Fraction],
                 eq_terms: list[tuple[Term, dict[int, Fraction]]], lam: np.ndarray, nu: np.ndarray,
                 active: list[int], elementals: list[tuple[int, int, int]]) -> Certificate:
    n = space.n
    used = [(elementals[a], float(v)) for a, v in zip(active, lam) if v > 1e-9]
    eq_used = [(t, vec, float(v)) for (t, vec), v in zip(eq_terms, nu) if abs(v) > 1e-9]
    lam_q = [_rationalize(v) for _, v in used]
    nu_q = [_rationalize(v) for _, _, v in eq_used]
    cols = [{m: Fraction(v) for m, v in _elemental_vector(n, e).items()} for e, _ in used] + [vec for _, vec, _ in eq_used]
    if not _combination_equals(cols, lam_q + nu_q, target):
        exact = _exact_solve(cols, target)
        if exact is None:
            raise CertificateError("could not turn the LP multipliers into an exact certificate")
        lam_q, nu_q = exact[:len(used)], exact[len(used):]
        if any(v < 0 for v in lam_q):
            raise CertificateError("the exact repair produced a negative multiplier")
    mults: list[tuple[Term, sympy.Expr]] = []
    for (e, _), m in zip(used, lam_q):
        if m == 0:
            continue
        expr = _elemental_expr(space, e)
        mults.append((Term(_label(expr), linear_form(expr), "nonneg", "nonnegativity"), sympy.Rational(m.numerator, m.denominator)))
    for (t, _, _), m in zip(eq_used, nu_q):
        if m != 0:
            mults.append((t, sympy.Rational(m.numerator, m.denominator)))
    return Certificate(mults)


def _label(expr: sympy.Expr) -> str:
    return f"{sympy.sstr(expr)} >= 0"


def _combination_equals(cols: list[dict[int, Fraction]], xs: list[Fraction], target: dict[int, Fraction]) -> bool:
    acc: dict[int, Fraction] = {}
    for col, x in zip(cols, xs):
        if x == 0:
            continue
        for m, v in col.items():
            acc[m] = acc.get(m, Fraction(0)) + x * v
    acc = {m: v for m, v in acc.items() if v != 0}
    return acc == {m: v for m, v in target.items() if v != 0}


# ---------------------------------------------------------------------------- public API

def _items_of(forms: Iterable[LinearForm]) -> list:
    seen: dict = {}
    for f in forms:
        for atom in f.terms:
            if isinstance(atom, H) and not atom.given:
                for it in atom.target.args:
                    seen.setdefault(it, None)
    return sorted(seen, key=sympy.default_sort_key)


def find_shannon_certificate(claim: Statement, equalities: Sequence[tuple[str, sympy.Expr]] = (),
                             *, domains: dict | None = None, max_variables: int = MAX_VARIABLES,
                             timeout: float = 60.0) -> ShannonResult:
    """Decide ``claim`` from the elemental inequalities and the ``(label, expr == 0)`` equalities.

    Returns ``proved`` with a kernel-checked certificate, or ``not_shannon`` when the LP is infeasible
    (no counterexample search here: see :func:`prove`), or ``unsupported``.
    """
    t0 = time.monotonic()
    domains = domains or {}
    if claim.is_equality:
        halves = [find_shannon_certificate(Statement(claim.lhs, r, claim.rhs), equalities, domains=domains,
                                           max_variables=max_variables, timeout=timeout) for r in ("<=", ">=")]
        bad = next((h for h in halves if h.status != "proved"), None)
        if bad is not None:
            return bad
        from derive.kernel.linear import TwoSidedCertificate

        cert = TwoSidedCertificate(halves[0].certificate.multipliers, sympy.S.Zero, halves[0].certificate,
                                   halves[1].certificate)
        return ShannonResult("proved", cert, variables=halves[0].variables)
    try:
        target_form = linear_form(claim.slack())
        eq_forms = [(label, linear_form(e)) for label, e in equalities]
    except InvalidArgument as err:
        return ShannonResult("unsupported", message=str(err))
    if not target_form.const.is_Rational or target_form.const != 0:
        if not target_form.const.is_Rational:
            return ShannonResult("unsupported", message="the claim has a non-rational constant term")
    items = _items_of([target_form] + [f for _, f in eq_forms])
    if len(items) > max_variables:
        raise LimitExceeded(f"the claim and hypotheses mention {len(items)} random variables; the Shannon prover "
                            f"accepts at most {max_variables} (raise it with --max-variables)")
    space = _Space(items)
    try:
        target = space.vector(target_form)
        eq_terms = [(zero_term(eq, label, "hypothesis"), space.vector(f)) for (label, eq), (_, f) in zip(equalities, eq_forms)]
    except InvalidArgument as err:
        return ShannonResult("unsupported", message=str(err), variables=tuple(items))
    const = target_form.const
    if const < 0 and not target:
        return ShannonResult("not_shannon", message="the claim is a false constant inequality", variables=tuple(items))
    n = space.n
    if n == 0:
        status = "proved" if const >= 0 else "not_shannon"
        return ShannonResult(status, Certificate([]) if status == "proved" else None, variables=())
    elementals = _elementals(n)
    sol = _solve_lp(n, target, [v for _, v in eq_terms], elementals, t0 + timeout)
    t_lp = time.monotonic() - t0
    if sol is None:
        return ShannonResult("not_shannon", message="the LP over the elemental inequalities is infeasible",
                             variables=tuple(items), timings={"lp": t_lp})
    lam, nu, active = sol
    cert = _certificate(space, claim, target, eq_terms, lam, nu, active, elementals)
    t_cert = time.monotonic() - t0 - t_lp
    checked = check_certificate(claim, cert, domains)  # the kernel decides
    t_check = time.monotonic() - t0 - t_lp - t_cert
    return ShannonResult("proved", checked, variables=tuple(items),
                         timings={"lp": t_lp, "rationalize": t_cert, "kernel_check": t_check})


def hypothesis_equalities(hyps: dict[str, Hypothesis]) -> list[tuple[str, sympy.Expr]]:
    """``(label, expr)`` pairs: every finite equality the hypotheses state."""
    out = []
    for hid, h in hyps.items():
        eqs = h.equalities()
        for k, e in enumerate(eqs):
            out.append((hid if len(eqs) == 1 else f"{hid}[{k + 1}]", e))
    return out


def prove(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, domains: dict | None = None,
          max_variables: int = MAX_VARIABLES, timeout: float = 60.0, search_counterexample: bool = True,
          seed: int = 0) -> ShannonResult:
    """Decide a Shannon-type claim: ``proved`` (exact, kernel-checked), ``false`` (with a counterexample) or
    ``not_shannon``."""
    hyps = hypotheses or {}
    res = find_shannon_certificate(claim, hypothesis_equalities(hyps), domains=domains,
                                   max_variables=max_variables, timeout=timeout)
    if res.status == "not_shannon" and search_counterexample:
        from derive.provers.refute import search_counterexample as search

        cex = search(claim, hyps, seed=seed)
        if cex is not None:
            res.status = "false"
            res.counterexample = cex
            res.message = "a concrete distribution violates the claim"
    return res


def shannon_oracle(ctx) -> Certificate | None:
    """Kernel oracle: propose a certificate for a ``shannon``/``linear`` step from its premises and hypotheses."""
    from derive.core.hypotheses import Assume

    eqs = hypothesis_equalities({k: h for k, h in ctx.premise_hypotheses.items() if not isinstance(h, Assume)})
    premise_stmts = ctx.statements()
    if premise_stmts:
        return None  # premises with parameters are the finder's job; keep the oracle to pure Shannon steps
    try:
        res = find_shannon_certificate(ctx.claim, eqs, domains=dict(ctx.domains))
    except (LimitExceeded, CertificateError, InvalidArgument):
        return None
    return res.certificate if res.status == "proved" else None
