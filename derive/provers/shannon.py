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
import sympy

from derive.core.hypotheses import Hypothesis, Markov, MutuallyIndependent
from derive.core.parameters import as_domains
from derive.core.linear import LinearForm, linear_form
from derive.core.notation import show
from derive.core.quantities import H, I, h_as_logs
from derive.core.statements import Statement
from derive.core.variables import FamilyMember, FamilyRange, RVSet
from derive.errors import CertificateError, DeriveError, InvalidArgument, LimitExceeded
from derive.kernel.check import check_proposal
from derive.kernel.independence import implies_independence
from derive.kernel.context import StepContext
from derive.kernel.linear import Certificate, Proposal, Term, TwoSidedCertificate, zero_term
from derive.kernel.signs import is_nonnegative
from derive.provers.elemental_lp import (LPInfeasible, discrete_targets, elemental_arrays, generate_columns,
                                         solve_min_sum)

__all__ = ["ShannonResult", "prove", "find_shannon_certificate", "shannon_oracle", "MAX_VARIABLES", "MAX_COPY_STEPS", "check_copy_steps"]

#: Largest number of random variables the prover accepts at all.
MAX_VARIABLES = 16
#: Largest number for which the full elemental LP (2^n - 1 rows, ~n^2 2^(n-2) columns) is tried.
MAX_FULL_VARIABLES = 12
#: Copy steps the copy-lemma search may chain (``copy_steps``; each multiplies the search by about 3^n).
MAX_COPY_STEPS = 2
#: Up to this many variables the full LP (<= 1,800 columns) costs less than the dense GF(2) search (3,000 models,
#: ~0.5 s at n = 7), so :func:`prove` runs that search only after the full LP fails.
CHEAP_FULL_VARIABLES = 8


@dataclass
class ShannonResult:
    """``status``: ``proved`` | ``not_shannon`` | ``false`` | ``unknown`` (too large to decide) | ``unsupported``."""

    status: str
    certificate: Certificate | None = None
    counterexample: dict | None = None
    message: str = ""
    variables: tuple = ()
    timings: dict = field(default_factory=dict)
    #: The copy-lemma steps of a non-Shannon proof (:class:`derive.provers.copy_search.CopyProof`), else ``None``.
    copy: object = None

    def to_json(self) -> dict:
        cert = None
        if self.certificate is not None:
            cert = [{"term": t.label, "kind": t.kind, "multiplier": str(m)} for t, m in self.certificate.used()]
        out = {"status": self.status, "certificate": cert, "counterexample": self.counterexample,
               "message": self.message}
        if self.copy is not None:
            out["copy"] = self.copy.to_json()
        return out


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
                raise InvalidArgument(f"not a Shannon-type quantity: {show(atom)}")
            if not c.is_Rational:
                raise InvalidArgument(f"the coefficient {c} is not a rational number")
            m = self.mask(atom.target)
            out[m] = out.get(m, Fraction(0)) + Fraction(int(c.p), int(c.q))
        return {m: v for m, v in out.items() if v != 0}

    def rvset(self, mask: int) -> RVSet:
        return RVSet(*[self.items[k] for k in range(self.n) if mask >> k & 1])


# A candidate inequality is ``(A, B, C)`` (bitmasks): ``I(A; B | C) >= 0``, or ``H(A | C) >= 0`` when B == 0.

def _structured(n: int, sets: Iterable[int], order: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Basic inequalities between 'interesting' sets: the claim's sets, singletons, prefixes and
    co-singletons of a variable order. ``I(A - B; B - A | A ∩ B) >= 0`` for every pair, plus
    ``H(X_i | X_{N-i}) >= 0``. Most textbook certificates (chain rules, Han, Markov chains) live here.
    Returned as candidate arrays ``(a, b, c)`` (:mod:`derive.provers.elemental_lp`), sorted and distinct."""
    full = (1 << n) - 1
    family = {m for m in sets if m} | {1 << i for i in range(n)} | {full}
    prefix = 0
    for i in order:
        prefix |= 1 << i
        family.add(prefix)
        family.add(full & ~(1 << i))
    suffix = 0
    for i in reversed(order):
        suffix |= 1 << i
        family.add(suffix)
    for a in range(len(order)):  # intervals of the order: Markov chains live here
        block = 0
        for b in range(a, len(order)):
            block |= 1 << order[b]
            family.add(block)
    fam = np.array(sorted(family), dtype=np.int64)
    i, j = np.triu_indices(fam.size, 1)
    x, y = fam[i], fam[j]
    a, b, c = x & ~y, y & ~x, x & y
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # both differences non-empty: I(a; b | c); one empty: H(the other | c) (the smaller set is inside the larger)
    first = np.where(lo != 0, lo, hi)
    second = np.where(lo != 0, hi, 0)
    singles = np.array([1 << k for k in range(n)], dtype=np.int64)
    first = np.concatenate([first[first != 0], singles])
    second = np.concatenate([second[(np.where(lo != 0, lo, hi)) != 0], np.zeros(n, dtype=np.int64)])
    third = np.concatenate([c[(np.where(lo != 0, lo, hi)) != 0], full & ~singles])
    key = (first << (2 * n)) | (second << n) | third
    key = np.sort(key)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    mask = (1 << n) - 1
    return key >> (2 * n), (key >> n) & mask, key & mask


def _candidate_vector(e: tuple[int, int, int]) -> dict[int, int]:
    a, b, c = e
    v: dict[int, int] = {}
    parts = ((a | c, 1), (c, -1)) if b == 0 else ((a | c, 1), (b | c, 1), (a | b | c, -1), (c, -1))
    for m, k in parts:
        if m:
            v[m] = v.get(m, 0) + k
    return {m: k for m, k in v.items() if k}


def _candidate_expr(space: "_Space", e: tuple[int, int, int]) -> sympy.Expr:
    a, b, c = e
    if b == 0:
        return H(space.rvset(a), given=space.rvset(c))
    return I(space.rvset(a), space.rvset(b), space.rvset(c))


# ---------------------------------------------------------------------------- LP

def _solve_lp(target: dict[int, Fraction], equalities: list[dict[int, Fraction]],
              candidates: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """``min Σλ`` s.t. ``Σ λ_e e + Σ ν_q q = target``, ``λ >= 0`` over the coordinates used; None if infeasible."""
    return solve_min_sum({m: float(v) for m, v in target.items()},
                         [{m: float(v) for m, v in q.items()} for q in equalities], candidates)


# ---------------------------------------------------------------------------- exact certificate

def _rationalize(x: float) -> Fraction:
    return Fraction(x).limit_denominator(10 ** 6)


def _exact_solve(columns: list[dict[int, Fraction]], target: dict[int, Fraction]) -> list[Fraction] | None:
    """Exact solution of ``Σ x_c column_c = target`` (python-flint when present, else Fractions), or None."""
    try:
        return _exact_solve_flint(columns, target)
    except ImportError:
        return _exact_solve_fractions(columns, target)


def _exact_solve_flint(columns: list[dict[int, Fraction]], target: dict[int, Fraction]) -> list[Fraction] | None:
    import flint

    rows = sorted(set(target) | {m for col in columns for m in col})
    ridx = {m: r for r, m in enumerate(rows)}
    A = flint.fmpq_mat(len(rows), len(columns))
    b = flint.fmpq_mat(len(rows), 1)
    for c, col in enumerate(columns):
        for m, v in col.items():
            A[ridx[m], c] = flint.fmpq(v.numerator, v.denominator)
    for m, v in target.items():
        b[ridx[m], 0] = flint.fmpq(v.numerator, v.denominator)
    aug = flint.fmpq_mat(len(rows), len(columns) + 1)
    for r in range(len(rows)):
        for c in range(len(columns)):
            aug[r, c] = A[r, c]
        aug[r, len(columns)] = b[r, 0]
    rref, rank = aug.rref()
    x = [Fraction(0)] * len(columns)
    for r in range(rank):
        lead = next(c for c in range(len(columns) + 1) if rref[r, c] != 0)
        if lead == len(columns):
            return None  # inconsistent
        v = rref[r, len(columns)]
        x[lead] = Fraction(int(v.p), int(v.q))
    return x


def _exact_solve_fractions(columns: list[dict[int, Fraction]], target: dict[int, Fraction]) -> list[Fraction] | None:
    """Gaussian elimination over Fractions (the fallback without python-flint)."""
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


#: Rounds of residual refinement in the exact repair (each resolves the part of the claim ~10^-9 below the last).
REFINE_ROUNDS = 4


def _exact_multipliers(target: dict[int, Fraction], eq_vecs: list[dict[int, Fraction]], lam: np.ndarray,
                       nu: np.ndarray, candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
                       rounds: int = REFINE_ROUNDS) -> tuple[dict[int, Fraction], list[Fraction]]:
    """Exact ``λ >= 0`` (candidate index ↦ value) and ``ν`` with ``Σ λ_e e + Σ ν_q q = target`` from the LP's floats.

    The rationalized floats, else the exact solution on the LP's support; else *residual refinement*: the
    rationalized ``λ``, ``ν`` leave an exact residual ``r = target − Σ λ_e e − Σ ν_q q`` (e.g. the part
    ``10^-12 H(Y)`` of ``I(X;Y) <= (1 + 10^-12) H(Y)``, below HiGHS's tolerances); ``r / max|r|`` is solved by the
    same LP and repaired the same way, and its multipliers (``>= 0``) are added, scaled back by ``max|r|``."""
    ca, cb, cc = candidates
    used = [int(k) for k in np.flatnonzero(lam > 1e-9)]
    eq_used = [j for j, v in enumerate(nu) if abs(v) > 1e-9]
    lam_q = [_rationalize(float(lam[k])) for k in used]
    nu_q = [_rationalize(float(nu[j])) for j in eq_used]
    cols = ([{m: Fraction(v) for m, v in _candidate_vector((int(ca[k]), int(cb[k]), int(cc[k]))).items()}
             for k in used] + [eq_vecs[j] for j in eq_used])

    def result(xs: list[Fraction]) -> tuple[dict[int, Fraction], list[Fraction]]:
        nus = [Fraction(0)] * len(eq_vecs)
        for j, v in zip(eq_used, xs[len(used):]):
            nus[j] = v
        return {k: v for k, v in zip(used, xs[:len(used)]) if v != 0}, nus

    residual = _residual(cols, lam_q + nu_q, target)
    if not residual:
        return result(lam_q + nu_q)
    exact = _exact_solve(cols, target)
    if exact is not None and all(v >= 0 for v in exact[:len(used)]):
        return result(exact)
    if rounds <= 0 or any(v < 0 for v in lam_q):
        raise CertificateError("could not turn the LP multipliers into an exact certificate")
    size = max(abs(v) for v in residual.values())
    scaled = {m: v / size for m, v in residual.items()}
    free = list(eq_vecs)
    sol = _solve_lp(scaled, free, candidates)
    if sol is None:
        # the residual may need *less* of the support (H(X,Y,Z) <= 10^20 H(X,Y,Z) + H(X|Y,Z): the exact
        # certificate is (1 - 10^-20) H(X,Y,Z) + 10^-20 H(X|Y,Z)), so the support's columns join as free ones;
        # their totals are checked >= 0 below
        free = list(eq_vecs) + cols[:len(used)]
        sol = _solve_lp(scaled, free, candidates)
    if sol is None:
        raise CertificateError("could not turn the LP multipliers into an exact certificate (the residual of the "
                               "rounded multipliers is not a non-negative combination)")
    more_lam, more_nu = _exact_multipliers(scaled, free, sol[0], sol[1], candidates, rounds - 1)
    lam_out, nu_out = result(lam_q + nu_q)
    for k, v in more_lam.items():
        lam_out[k] = lam_out.get(k, Fraction(0)) + v * size
    for k, v in zip(used, more_nu[len(eq_vecs):]):  # the support's adjustments (when it joined as free columns)
        lam_out[k] = lam_out.get(k, Fraction(0)) + v * size
    if any(v < 0 for v in lam_out.values()):
        raise CertificateError("could not turn the LP multipliers into an exact certificate (an adjusted multiplier "
                               "of an inequality came out negative)")
    return lam_out, [a + b * size for a, b in zip(nu_out, more_nu[:len(eq_vecs)])]


def _certificate(space: _Space, target: dict[int, Fraction], eq_terms: list[tuple[Term, dict[int, Fraction]]],
                 lam: np.ndarray, nu: np.ndarray, candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
                 scale: Fraction = Fraction(1)) -> Certificate:
    """Exact multipliers for ``scale * target`` from the LP's for ``target`` (:func:`_exact_multipliers`)."""
    ca, cb, cc = candidates
    lam_x, nu_x = _exact_multipliers(target, [vec for _, vec in eq_terms], lam, nu, candidates)
    mults: list[tuple[Term, sympy.Expr]] = []
    for k in sorted(lam_x):
        m = lam_x[k] * scale
        if m == 0:
            continue
        expr = _candidate_expr(space, (int(ca[k]), int(cb[k]), int(cc[k])))
        mults.append((Term(_label(expr), linear_form(expr), "nonneg", "nonnegativity", expr),
                      sympy.Rational(m.numerator, m.denominator)))
    for (t, _), m in zip(eq_terms, nu_x):
        if m != 0:
            m = m * scale
            mults.append((t, sympy.Rational(m.numerator, m.denominator)))
    return Certificate(mults)


def _label(expr: sympy.Expr) -> str:
    return f"{sympy.sstr(expr)} >= 0"


def _residual(cols: list[dict[int, Fraction]], xs: list[Fraction], target: dict[int, Fraction]) -> dict[int, Fraction]:
    """``target − Σ x_c col_c``, exactly (zero entries dropped)."""
    acc = dict(target)
    for col, x in zip(cols, xs):
        if x == 0:
            continue
        for m, v in col.items():
            acc[m] = acc.get(m, Fraction(0)) - x * v
    return {m: v for m, v in acc.items() if v != 0}


# ---------------------------------------------------------------------------- public API

def _items_of(forms: Iterable[LinearForm]) -> list:
    seen: dict = {}
    for f in forms:
        for atom in f.terms:
            if isinstance(atom, H) and not atom.given:
                for it in atom.target.args:
                    seen.setdefault(it, None)
    return sorted(seen, key=sympy.default_sort_key)


def _proposal(cert: Certificate, hypotheses: dict[str, Hypothesis], own: dict | None = None) -> Proposal:
    """The certificate in the kernel's vocabulary without building the kernel's terms a second time: a hypothesis
    equality by its label (when the kernel's equality of that label is the same expression), every other term as
    its expression (``>= 0`` / ``= 0``) for the kernel to vet. ``own``: the hypotheses' own equalities
    (label ↦ expression, :func:`hypothesis_equalities` without sub-chains) when the caller has them."""
    if own is None:
        own = dict(hypothesis_equalities(hypotheses, subchains=False))
    if isinstance(cert, TwoSidedCertificate):
        return Proposal(le=_proposal(cert.le, hypotheses, own), ge=_proposal(cert.ge, hypotheses, own),
                        origin="found by the prover")
    labels, nonneg, zero = [], [], []
    for t, m in cert.multipliers:
        if m == 0:
            continue
        if t.kind == "zero" and own.get(t.label) is not None and own[t.label] == t.expr:
            labels.append((t.label, m))
        elif t.expr is None:
            raise CertificateError(f"the prover's term [{t.label}] has no expression")
        else:
            (nonneg if t.kind == "nonneg" else zero).append((t.expr, m))
    return Proposal(tuple(labels), tuple(nonneg), tuple(zero), origin="found by the prover")


def _kernel_check(claim: Statement, hypotheses: dict[str, Hypothesis], domains: dict, cert: Certificate,
                  own: dict | None = None) -> Certificate:
    """The kernel admits every term (premise, hypothesis consequence, quantity >= 0) and checks the identity."""
    ctx = StepContext("prove", "shannon", claim, {}, {}, dict(hypotheses), as_domains(domains), "bits")
    try:
        return check_proposal(ctx, _proposal(cert, hypotheses, own))
    except CertificateError:  # e.g. an equality the kernel only admits by its label: match terms by form
        from derive.provers.certificate_search import proposal_of_certificate

        return check_proposal(ctx, proposal_of_certificate(ctx, cert, "found by the prover"))


def find_shannon_certificate(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None,
                             *, domains: dict | None = None, max_variables: int = MAX_VARIABLES,
                             max_full_variables: int = MAX_FULL_VARIABLES, timeout: float = 60.0,
                             max_generated_variables: int | None = None, structured_stages: bool = True,
                             kernel_hypotheses: dict[str, Hypothesis] | None = None) -> ShannonResult:
    """Decide ``claim`` from the elemental inequalities and the hypotheses' equalities.

    Stages: the structured LP; then the full elemental LP for ``n <= max_full_variables``, or, for
    ``n <= max_generated_variables`` (default ``max_variables``; 0: no such stage), the same LP by column
    generation (:func:`derive.provers.elemental_lp.generate_columns`); with ``structured_stages=False`` (the caller
    ran them already) only the last. ``kernel_hypotheses`` (default ``hypotheses``): what the kernel checks the
    certificate against, when the search ran on a restriction of them. Returns ``proved`` with a
    kernel-checked certificate, ``not_shannon`` when the LP is infeasible (no counterexample search here: see
    :func:`prove`), ``unknown`` or ``unsupported``.
    """
    if max_generated_variables is None:
        max_generated_variables = max_variables
    t0 = time.monotonic()
    domains = as_domains(domains)   # a Domains keeps the continuous variables (dict() would drop them)
    hypotheses = hypotheses or {}
    checked_against = hypotheses if kernel_hypotheses is None else kernel_hypotheses
    try:
        identity = linear_form(claim.slack())
    except InvalidArgument as err:
        return ShannonResult("unsupported", message=str(err))
    if not identity.terms and identity.const.is_Rational and (identity.const == 0 or
                                                             (identity.const > 0 and not claim.is_equality)):
        # an identity of joint entropies (e.g. a chain rule): the empty certificate
        return ShannonResult("proved", _kernel_check(claim, checked_against, domains, Certificate([])),
                             message="an identity of joint entropies")
    focus = RVSet(*[it for atom in identity.terms if isinstance(atom, H) for it in atom.target.args])
    own_equalities = hypothesis_equalities(hypotheses, focus, subchains=False)  # sub-chains: only when needed
    # a family's equality over a symbolic range is no column of this LP; what it says about the claim's members is
    equalities = [(label, e) for label, e in own_equalities if not e.has(sympy.Sum)] + family_instances(
        hypotheses, focus, domains)
    if claim.is_equality:
        halves = [find_shannon_certificate(Statement(claim.lhs, r, claim.rhs), hypotheses, domains=domains,
                                           max_variables=max_variables, max_full_variables=max_full_variables,
                                           timeout=timeout, max_generated_variables=max_generated_variables,
                                           structured_stages=structured_stages, kernel_hypotheses=kernel_hypotheses)
                  for r in ("<=", ">=")]
        bad = next((h for h in halves if h.status != "proved"), None)
        if bad is not None:
            return bad
        cert = TwoSidedCertificate(halves[0].certificate.multipliers, sympy.S.Zero, halves[0].certificate,
                                   halves[1].certificate)
        return ShannonResult("proved", _kernel_check(claim, checked_against, domains, cert), variables=halves[0].variables)
    try:
        target_form = linear_form(claim.slack())
        eq_forms = [(label, linear_form(e)) for label, e in equalities]
    except InvalidArgument as err:
        return ShannonResult("unsupported", message=str(err))
    if not target_form.const.is_Rational or target_form.const != 0:
        if not target_form.const.is_Rational:
            c = target_form.const
            why = ("a floating-point constant term (write it exactly, e.g. 1/10)" if c.has(sympy.Float)
                   else f"a constant term with the parameter(s) {', '.join(sorted(map(str, c.free_symbols)))} "
                        f"({c}); the Shannon prover decides claims whose constants are numbers (a `real` or "
                        "`linear` step of a proof takes parameters)" if c.free_symbols
                   else f"a constant term that is not rational ({c})")
            return ShannonResult("unsupported", message=f"the claim has {why}")
    items = _items_of([target_form] + [f for _, f in eq_forms])
    if len(items) > max_variables:
        raise LimitExceeded(f"the claim and hypotheses mention {len(items)} random variables; the Shannon prover "
                            f"accepts at most {max_variables} (raise it with --max-variables)")
    space = _Space(items)
    try:
        target = space.vector(target_form)
        # the LPs see the target scaled to unit size (a claim times 10^-10 is below HiGHS's tolerances); the exact
        # multipliers are scaled back, so the certificate is for the claim as written
        scale = max((abs(v) for v in target.values()), default=Fraction(1)) or Fraction(1)
        target = {m: v / scale for m, v in target.items()}
        eq_terms = [(zero_term(eq, label, "hypothesis"), space.vector(f)) for (label, eq), (_, f) in zip(equalities, eq_forms)]
    except InvalidArgument as err:
        return ShannonResult("unsupported", message=str(err), variables=tuple(items))
    const = target_form.const
    from derive.provers.refute import constant_counterexample, constant_model_satisfies

    if const < 0 and constant_model_satisfies(hypotheses):  # constant variables must be a model of them
        return ShannonResult("false", message=("the claim is about numbers alone, and reads 0 <= "
                                               if not claim.mentions_information() else
                             "constant random variables make every information quantity 0, and then the claim reads "
                             "0 <= ") + str(const),
                             counterexample=constant_counterexample(claim, const), variables=tuple(items))
    if const < 0:  # the elemental inequalities and the equalities have no constant term: no certificate exists
        return ShannonResult("not_shannon", message="the claim has a negative constant term, which no combination "
                             "of elemental inequalities and hypothesis equalities yields (and constant variables "
                             "are not a model of the hypotheses)", variables=tuple(items))
    n = space.n
    if n == 0:
        status = "proved" if const >= 0 else "not_shannon"
        return ShannonResult(status, Certificate([]) if status == "proved" else None, variables=())
    order = [space.index[it] for it in items]
    has_chains = any(isinstance(h, Markov) for h in hypotheses.values())
    built: dict = {}

    def all_terms() -> list:
        """The hypotheses' own equalities, then (Markov chains) every sub-chain independence."""
        if "terms" not in built:
            terms = list(eq_terms)
            if has_chains:
                for label, e in hypothesis_equalities(hypotheses, focus)[len(own_equalities):]:
                    try:
                        terms.append((zero_term(e, label, "hypothesis"), space.vector(linear_form(e))))
                    except InvalidArgument:
                        continue  # a variable outside the claim's space: not needed here
            built["terms"] = terms
        return built["terms"]

    def structured(terms_of=all_terms):
        key = "lean" if terms_of is not all_terms else "all"
        if key not in built:
            sets = set(target) | {m for _, v in terms_of() for m in v}
            built[key] = _structured(n, sets, order)
        return built[key]

    # Markov chains: first the chain's own n - 2 equalities only (a much smaller LP: factorizations live there)
    stages = [("structured", lambda: structured(lambda: eq_terms), lambda: eq_terms)] if has_chains else []
    if structured_stages:
        if eq_terms:
            # under hypotheses, first the basic inequalities between the claim's and the equalities' own sets (no
            # variable-order sets): often the equalities nearly are the certificate (H(X1..Xn) >= Σ H(Xi) under
            # mutual independence), and this LP is ~n^2 columns where the structured one has thousands at n = 12
            own = _structured(n, set(target) | {m for _, v in eq_terms for m in v}, [])
            stages.insert(0, ("own sets", lambda: own, lambda: eq_terms))
        stages.append(("structured", structured, all_terms))  # without hypotheses too: small certificates
    else:
        stages = []  # the caller has run them (prove: the quick pass); only the full / generated LP remains
    if n <= max_full_variables:
        stages.append(("elemental", lambda: elemental_arrays(n), all_terms))
    elif n <= max_generated_variables:
        def generated():
            try:
                return generate_columns({m: float(v) for m, v in target.items()},
                                        [{m: float(v) for m, v in q.items()} for _, q in all_terms()], n,
                                        structured(), deadline=t0 + timeout, continuous=continuous)
            except TimeoutError:
                raise LimitExceeded(f"the Shannon prover ran out of its time budget ({timeout} s)") from None

        stages.append(("generated", generated, all_terms))
    continuous = sum(1 << space.index[it] for it in items if domains.is_continuous(it))
    if continuous:  # H(A | C) >= 0 only for a discrete A: a differential entropy may be negative
        stages = [(stage, lambda make=make: discrete_targets(make(), continuous), terms_of)
                  for stage, make, terms_of in stages]
    timings: dict[str, float] = {}
    repair_error: CertificateError | None = None
    for stage, make, terms_of in stages:
        if time.monotonic() - t0 > timeout:
            raise LimitExceeded(f"the Shannon prover ran out of its time budget ({timeout} s)")
        t1 = time.monotonic()
        try:
            candidates = make()
        except LPInfeasible:
            timings[f"lp_{stage}"] = time.monotonic() - t1
            return ShannonResult("not_shannon", message="the LP over the elemental inequalities is infeasible "
                                 "(decided by column generation over all of them)", variables=tuple(items),
                                 timings=timings)
        terms = terms_of()
        sol = _solve_lp(target, [v for _, v in terms], candidates)
        timings[f"lp_{stage}"] = timings.get(f"lp_{stage}", 0.0) + time.monotonic() - t1
        if sol is None:
            continue
        t1 = time.monotonic()
        try:
            cert = _certificate(space, target, terms, sol[0], sol[1], candidates, scale)
        except CertificateError as err:  # a larger stage may still give an exact certificate
            repair_error = repair_error or err
            continue
        finally:
            timings["rationalize"] = timings.get("rationalize", 0.0) + time.monotonic() - t1
        t1 = time.monotonic()
        checked = _kernel_check(claim, checked_against, domains, cert)  # the kernel decides
        timings["kernel_check"] = time.monotonic() - t1
        return ShannonResult("proved", checked, variables=tuple(items), timings=timings,
                             message=f"certificate from the {stage} LP")
    if repair_error is not None:  # an LP was feasible: the claim is not shown false, only unrepaired
        return ShannonResult("unknown", message="a floating-point LP finds a combination of elemental inequalities, "
                             f"but it could not be made exact ({repair_error.message}): undecided, not refuted",
                             variables=tuple(items), timings=timings)
    if n > max_full_variables and n > max_generated_variables:
        return ShannonResult("unknown", message=f"no certificate among the structured inequalities, and {n} variables "
                             f"exceed the full elemental LP limit ({max_full_variables})", variables=tuple(items),
                             timings=timings)
    return ShannonResult("not_shannon", message="the LP over the elemental inequalities is infeasible",
                         variables=tuple(items), timings=timings)


def hypothesis_equalities(hyps: dict[str, Hypothesis], focus: RVSet | None = None,
                          subchains: bool = True) -> list[tuple[str, sympy.Expr]]:
    """``(label, expr)`` pairs: every finite equality the hypotheses state, then (with ``subchains``) the
    sub-chain independences of each Markov chain (``I(L_a; L_c | L_b) = 0`` for ``a < b < c``, and with
    whole pasts/futures), which the kernel re-derives by d-separation. With ``focus`` (the claim's
    variables) only single links that meet it are paired, which keeps the LP small."""
    out = []
    for hid, h in hyps.items():
        eqs = h.equalities()
        for k, e in enumerate(eqs):
            out.append((hid if len(eqs) == 1 else f"{hid}[{k + 1}]", e))
    if not subchains:
        return out
    seen = {e for _, e in out}
    for hid, h in hyps.items():
        if not isinstance(h, Markov):
            continue
        links = h.chain
        # with pairwise disjoint links, past _|_ future | present holds by the chain itself (the kernel re-derives
        # every term it admits by d-separation); only overlapping links need the d-separation query here
        disjoint = sum(len(link.args) for link in links) == len(RVSet(*links).args)
        for b in range(1, len(links) - 1):
            def wanted(link: RVSet) -> bool:
                return focus is None or not link.isdisjoint(focus)

            pasts = [links[a] for a in range(b) if wanted(links[a])] + ([RVSet(*links[:b])] if b > 1 else [])
            futures = [links[c] for c in range(b + 1, len(links)) if wanted(links[c])] + (
                [RVSet(*links[b + 1:])] if len(links) - b > 2 else [])
            for past in pasts:
                for future in futures:
                    e = I(past, future, links[b])
                    if e != 0 and e not in seen and (disjoint or implies_independence([h], past, future, links[b])):
                        seen.add(e)
                        out.append((f"{hid}: {sympy.sstr(e)} = 0", e))
    return out


def inside_family_range(item, r: FamilyRange, domains) -> bool:
    """``item`` is a member or block of ``r``'s family lying inside ``r = X[lo..hi]`` for every admissible value."""
    if not isinstance(item, (FamilyMember, FamilyRange)) or item.family != r.family:
        return False
    lo, hi = (item.index, item.index) if isinstance(item, FamilyMember) else (item.lo, item.hi)
    return is_nonnegative(lo - r.lo, domains) and is_nonnegative(r.hi - hi, domains)


def family_instances(hyps: dict[str, Hypothesis], focus: RVSet, domains) -> list[tuple[str, sympy.Expr]]:
    """What a hypothesis over a symbolic range ``X[lo..hi]`` says about the members of ``focus`` inside it (proved
    inside, and apart from each other, for every admissible value): their mutual independence, as a finite one's
    equalities, and its per-index statements at their indices (an i.i.d. family's ``H(X[k] | G) = H(X[lo] | G)``);
    the kernel re-derives each (``implies_independence``, its instances of ``for_each_index``)."""
    out = []
    for hid, h in hyps.items():
        r = getattr(h, "family_range", None)
        if not isinstance(h, MutuallyIndependent) or r is None:
            continue
        members = [m for m in focus.args if isinstance(m, FamilyMember) and inside_family_range(m, r, domains)]
        apart = all(is_nonnegative(a.index - b.index - 1, domains) or is_nonnegative(b.index - a.index - 1, domains)
                    for a, b in itertools.combinations(members, 2))
        if len(members) > 1 and apart:
            out += [(f"{hid}: {show(e)} = 0", e) for e in MutuallyIndependent(tuple(RVSet(m) for m in members),
                                                                                h.given).equalities()]
        for i, _, _, body in h.for_each_index():
            out += [(f"{hid} at {show(m.index)}", e) for m in members
                    if (e := body.slack().xreplace({i: m.index})) != 0]
    return out


def _restrict_markov_chains(hyps: dict[str, Hypothesis], focus: RVSet) -> dict[str, Hypothesis] | None:
    """Each Markov chain cut down to its links that meet ``focus`` (a sub-chain of a Markov chain is Markov);
    ``None`` when no chain gets shorter. Other hypotheses are kept as they are."""
    out: dict[str, Hypothesis] = {}
    shorter = False
    for hid, h in hyps.items():
        if isinstance(h, Markov):
            kept = tuple(link for link in h.chain if not link.isdisjoint(focus))
            shorter = shorter or len(kept) < len(h.chain)
            if len(kept) >= 3:
                out[hid] = Markov(kept)
            continue
        out[hid] = h
    return out if shorter else None


def _prove_on_claim_variables(claim: Statement, hyps: dict[str, Hypothesis], domains: dict, max_variables: int,
                              max_full_variables: int, timeout: float) -> ShannonResult | None:
    """A fast first try: the LP over the claim's own variables, with every Markov chain restricted to the links
    the claim mentions (the DPI ``I(X1; Xn) <= I(X2; X3)`` along X1 -> ... -> Xn needs only X1, X2, X3, Xn).
    The certificate is then admitted against the *original* hypotheses by the kernel (every zero term by
    d-separation), so the restriction is only a search heuristic. ``None`` when it does not prove the claim."""
    try:
        form = linear_form(claim.slack())
    except InvalidArgument:
        return None
    focus = RVSet(*[it for atom in form.terms if isinstance(atom, H) for it in atom.target.args])
    restricted = _restrict_markov_chains(hyps, focus)
    if restricted is None:
        return None
    try:
        quick = find_shannon_certificate(claim, restricted, domains=domains, max_variables=max_variables,
                                         max_full_variables=min(max_full_variables, 8), timeout=timeout,
                                         max_generated_variables=0, kernel_hypotheses=hyps)
        if quick.status != "proved":
            return None
    except (CertificateError, LimitExceeded, InvalidArgument):
        return None
    return ShannonResult("proved", quick.certificate, variables=quick.variables, timings=quick.timings,
                         message=f"{quick.message} (Markov chains restricted to the claim's variables; "
                                 "every term re-admitted against the full hypotheses)")


def _settle_by_equalities(claim: Statement, hyps: dict[str, Hypothesis], domains: dict, max_variables: int,
                          equalities: list[tuple[str, sympy.Expr]]) -> ShannonResult | None:
    """The claim from the hypotheses' own equalities and ``H(S) >= 0`` alone, without an LP
    (:func:`derive.provers.reduction.settle_by_equalities`: the slack reduced exactly modulo the equalities, largest
    sets first, leaves nothing or only non-negative joint entropies), re-checked by the kernel; ``None`` when the
    reduction leaves a negative coefficient (the LPs decide then) or the kernel refuses. ``equalities``:
    :func:`hypothesis_equalities` without sub-chains."""
    from derive.provers.reduction import settle_by_equalities

    t0 = time.monotonic()
    try:
        form = linear_form(claim.slack())
        const = form.const
        if not const.is_Rational or const < 0 or (claim.is_equality and const != 0):
            return None
        eq_forms = [linear_form(e) for _, e in equalities]
        items = _items_of([form] + eq_forms)
        if not equalities or len(items) > max_variables:
            return None
        space = _Space(items)
        target = space.vector(form)
        eq_vecs = [space.vector(f) for f in eq_forms]
    except InvalidArgument:
        return None
    found = settle_by_equalities(target, eq_vecs, equality_claim=claim.is_equality)
    if found is None:
        return None
    nu, rest = found
    mults: list[tuple[Term, sympy.Expr]] = []
    for j in sorted(nu):
        label, e = equalities[j]
        mults.append((zero_term(e, label, "hypothesis"), sympy.Rational(nu[j].numerator, nu[j].denominator)))
    for m in sorted(rest):
        expr = H(space.rvset(m))
        mults.append((Term(_label(expr), linear_form(expr), "nonneg", "nonnegativity", expr),
                      sympy.Rational(rest[m].numerator, rest[m].denominator)))
    t1 = time.monotonic()
    try:
        checked = _kernel_check(claim, hyps, domains, Certificate(mults), dict(equalities))  # the kernel decides
    except CertificateError:
        return None
    t2 = time.monotonic()
    return ShannonResult("proved", checked, variables=tuple(items),
                         timings={"reduction": t1 - t0, "kernel_check": t2 - t1},
                         message="certificate from the hypotheses' equalities (the claim reduced exactly modulo "
                                 "them; no LP)")


def check_copy_steps(copy_steps: object, what: str = "copy_steps") -> int:
    """``copy_steps`` when it is an integer in ``0..MAX_COPY_STEPS``.

    Raises
    ------
    InvalidArgument
        Otherwise (``-1``, ``1.5``, ``True``, ``3``).
    """
    if isinstance(copy_steps, bool) or not isinstance(copy_steps, int) or not 0 <= copy_steps <= MAX_COPY_STEPS:
        raise InvalidArgument(f"Expected {what} an integer in 0..{MAX_COPY_STEPS} but got {copy_steps!r}")
    return copy_steps


def prove(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, domains: dict | None = None,
          max_variables: int = MAX_VARIABLES, max_full_variables: int = MAX_FULL_VARIABLES, timeout: float = 60.0,
          search_counterexample: bool = True, seed: int = 0, copy_steps: int = 0,
          copy_timeout: float = 20.0) -> ShannonResult:
    """Decide a Shannon-type claim: ``proved`` (exact, kernel-checked), ``false`` (with a counterexample),
    ``not_shannon`` (the LP fails and no counterexample was found) or ``unknown`` (too large).

    Order: under hypotheses, the exact reduction modulo their equalities (no LP: :func:`_settle_by_equalities`); a
    short exact (GF(2)) counterexample search, (Markov chains) the LP over the claim's own variables,
    the structured LP, a longer GF(2) search (above :data:`CHEAP_FULL_VARIABLES` variables), the full
    elemental LP, and only when that fails, random pmfs (on at most 6 variables, no hypotheses) and exact laws
    fine-tuned on the variety of the hypotheses' conditional independences
    (:func:`derive.provers.refute_variety.variety_counterexample`) before the copy search.
    """
    check_copy_steps(copy_steps)
    hyps = hypotheses or {}
    at_constants = _refuted_at_constants(claim, hyps)
    if at_constants is not None:
        return ShannonResult("false", counterexample=at_constants, message=f"with {at_constants['model']}, every "
                             f"information quantity is 0, and the claim's slack is then {at_constants['slack']}")
    stand_in = _rational_stand_in(claim)
    if isinstance(stand_in, ShannonResult):
        return stand_in
    if stand_in == "halves":  # an equality whose constant is not rational: it fails as soon as one half does
        halves = [prove(Statement(claim.lhs, rel, claim.rhs), hyps, domains=domains, max_variables=max_variables,
                        max_full_variables=max_full_variables, timeout=timeout,
                        search_counterexample=search_counterexample, seed=seed) for rel in ("<=", ">=")]
        for half, rel in zip(halves, ("<=", ">=")):
            if half.status == "false":
                cex = dict(half.counterexample, equality_note=f"it violates the half `{rel}`, so the two sides differ")
                return ShannonResult("false", counterexample=cex, message=half.message, variables=half.variables)
        undecided = next((h for h in halves if h.status != "proved"), None)
        if undecided is None:  # the constant is 0 after all, though the sign engine did not say so at once
            le, ge = (half.certificate for half in halves)
            try:
                if le is None or ge is None:
                    raise CertificateError("a half was proved without a certificate")
                return ShannonResult("proved", _kernel_check(claim, hyps, as_domains(domains), TwoSidedCertificate(
                    le.multipliers, sympy.S.Zero, le, ge)), variables=halves[0].variables,
                    message="both halves of the equality")
            except CertificateError:
                undecided = ShannonResult("unknown", message="both halves are proved, but not as one certificate")
        return ShannonResult(undecided.status, message=f"{undecided.message} (one half of the equality)",
                             variables=undecided.variables)
    if stand_in is not None:
        weaker, shifts = stand_in
        res = prove(weaker, hyps, domains=domains, max_variables=max_variables, max_full_variables=max_full_variables,
                    timeout=timeout, search_counterexample=search_counterexample, seed=seed, copy_steps=copy_steps,
                    copy_timeout=copy_timeout)
        return _for_original_claim(claim, weaker, shifts, res, hyps, as_domains(domains))
    try:
        is_identity = not linear_form(claim.slack()).terms
    except InvalidArgument:
        is_identity = False
    from derive.provers.refute import is_certified, search_counterexample as search

    false_message = "a concrete distribution satisfying the hypotheses violates the claim"
    own = [] if is_identity else hypothesis_equalities(hyps, subchains=False)
    if own:  # exact reduction modulo the hypotheses' equalities: no LP, no search
        settled = _settle_by_equalities(claim, hyps, as_domains(domains), max_variables, own)
        if settled is not None:
            return settled
    if search_counterexample and not is_identity:  # the sparse exact GF(2) models only: cheap next to the LPs
        cex = search(claim, hyps, seed=seed, tries=0, pmf=False, equalities=[e for _, e in own])
        if is_certified(cex):  # only a certified violation makes a claim false
            return ShannonResult("false", counterexample=cex, message=false_message)
    if not is_identity:
        fast = _prove_on_claim_variables(claim, hyps, as_domains(domains), max_variables, max_full_variables, timeout)
        if fast is not None:
            return fast
    quick = find_shannon_certificate(claim, hyps, domains=domains, max_variables=max_variables,
                                     max_full_variables=0, max_generated_variables=0, timeout=timeout)
    if quick.status in ("proved", "false", "unsupported"):
        return quick
    if search_counterexample and len(quick.variables) > CHEAP_FULL_VARIABLES:
        cex = search(claim, hyps, seed=seed, pmf=False)
        if is_certified(cex):
            return ShannonResult("false", counterexample=cex, variables=quick.variables, message=false_message)
    full = find_shannon_certificate(claim, hyps, domains=domains, max_variables=max_variables,
                                    max_full_variables=max_full_variables, timeout=timeout, structured_stages=False)
    if full.status == "not_shannon" and search_counterexample:  # random pmfs (Ingleton-type violations) last
        cex = search(claim, hyps, seed=seed, variety=True)  # last, laws fine-tuned on the variety
        if is_certified(cex):
            return ShannonResult("false", counterexample=cex, variables=full.variables, message=false_message)
    if full.status == "not_shannon" and copy_steps > 0:
        return _try_copies(claim, hyps, domains, full, copy_steps, min(copy_timeout, timeout))
    return full


def _refuted_at_constants(claim: Statement, hyps: dict[str, Hypothesis]) -> dict | None:
    """The all-constant model as a counterexample when the claim's constant term ``c`` is not rational and provably
    ``< 0`` (decided by the kernel's sign engine): constant variables satisfy independence, Markov and functional
    hypotheses and make every information quantity 0, so the slack there is ``c``. (Rational constants are the
    LP stages' case.) ``None`` otherwise."""
    from derive.kernel.signs import sign_of
    from derive.provers.refute import constant_counterexample, constant_model_satisfies

    try:
        form = linear_form(claim.slack())
    except InvalidArgument:
        return None
    c = form.const
    if c.is_Rational or not c.is_number or c.free_symbols or c.has(sympy.Float) or not constant_model_satisfies(hyps):
        return None
    if sign_of(c, {}) != "neg" and not (claim.is_equality and sign_of(c, {}) == "pos"):
        return None
    return constant_counterexample(claim, c)


#: Constants larger than this in size are not rounded to rationals by :func:`_rational_stand_in`.
HUGE_CONSTANT = sympy.Integer(10) ** 100


def _rational_stand_in(claim: Statement) -> tuple[Statement, tuple] | ShannonResult | str | None:
    """Claims whose sides carry constants that are real numbers but not all rational (``H(X) <= log(3)`` in bits:
    ``log(3)/log(2)``; ``H(X, Y) + log(3) <= H(X) + log(3)``), which the LPs and the exact models cannot read.

    Returns the claim with each side's constant moved off and the slack's constant ``c`` replaced by a rational
    ``r >= c`` of the same strict sign (``r = c`` when ``c`` is rational), with ``(delta, shift_l, shift_r)``:
    ``delta = r - c >= 0`` (decided exactly by the kernel's sign engine) and what each side of the claim is above
    the new claim's side; ``"halves"`` for an equality whose ``c`` is not rational; ``None`` when every constant
    is rational (or a side is not linear); ``unsupported`` when the sign of ``c`` is undecided.

    Why it decides the claim: every violation of the weaker claim violates the claim (its slack is ``delta``
    lower), and Shannon-type provability depends on the constant only through its sign (the region the elemental
    inequalities and the homogeneous hypothesis equalities cut out is a cone containing 0), so a proof of the
    weaker claim certifies the homogeneous part, and the kernel then re-checks the claim itself.

    Constants not provably within :data:`HUGE_CONSTANT` in size (``exp(10^4)``) are never rounded to a rational
    (its digits would not fit in memory, or take hours): a negative one ``<= -1`` becomes ``r = -1`` (still
    ``r >= c``, same sign); a positive one is dropped (``r = 0 < c``), which keeps proofs valid (the kernel re-checks the claim with its
    constant) but not counterexamples (``delta < 0``: :func:`_for_original_claim` then reports ``unsupported``)."""
    try:
        c_l, c_r = linear_form(claim.lhs).const, linear_form(claim.rhs).const
    except InvalidArgument:
        return None
    if (c_l.is_Rational and c_r.is_Rational) or any(not x.is_number or x.has(sympy.Float) or x.free_symbols
                                                    for x in (c_l, c_r)):
        return None
    c = c_l - c_r if claim.rel == ">=" else c_r - c_l
    from derive.core.notation import show
    from derive.kernel.signs import is_nonnegative, sign_of

    sign = "rational" if c.is_Rational else sign_of(c, {})
    if sign == "rational":
        r = c
    elif sign == "zero":  # log(1/3)/3 + 2*log(2/3)/3 + h(1/3) is 0 (the kernel's sign engine decides it)
        r = sympy.S.Zero
    elif claim.is_equality:
        return "halves"
    elif sign == "pos" and not is_nonnegative(HUGE_CONSTANT - c, {}):
        r = sympy.S.Zero  # proofs only: a counterexample would need more than c copies of a model
    elif sign == "neg" and not is_nonnegative(HUGE_CONSTANT + c, {}) and is_nonnegative(-1 - c, {}):
        r = sympy.S.NegativeOne
    elif sign in ("pos", "neg"):
        # sympy's ceiling cannot evaluate h: the guess reads h through its logs; the kernel's sign engine checks r >= c
        guess = h_as_logs(c)
        try:
            for k in (8, 16, 32, 64, 128):
                r = sympy.Rational(sympy.ceiling(guess * 2 ** k), 2 ** k)
                if (sign == "pos" or r < 0) and is_nonnegative(r - c, {}):
                    break
            else:
                r = None
        except (OverflowError, ValueError, MemoryError, TypeError):  # sympy cannot evaluate c (beyond mpmath's range)
            r = None
        if r is None:
            return ShannonResult("unsupported", message=f"no rational bound above the constant term {show(c)} "
                                 "could be certified")
    else:
        return ShannonResult("unsupported", message=f"the sign of the constant term {show(c)} could not be decided "
                             "exactly")
    # each side loses its own constant and the right side gets the rational one, so that both sides' values on a
    # model stay exact: slack = f + c becomes f + r
    moved = -r if claim.rel == ">=" else r
    weaker = Statement(sympy.expand(claim.lhs - c_l), claim.rel, sympy.expand(claim.rhs - c_r) + moved)
    return weaker, (sympy.expand(r - c), c_l, c_r - moved)


def _for_original_claim(claim: Statement, weaker: Statement, shifts: tuple, res: ShannonResult,
                        hyps: dict[str, Hypothesis], domains: dict) -> ShannonResult:
    """The result for ``claim`` from the result ``res`` for its :func:`_rational_stand_in` ``weaker``: a proof's
    certificate re-checked by the kernel against ``claim`` itself; a counterexample's slack lowered by ``delta``
    and its sides shifted back (exactly, when the model's values are exact); other statuses as they are."""
    from derive.core.notation import show

    from derive.kernel.signs import is_nonnegative

    delta, shift_l, shift_r = shifts
    kept = is_nonnegative(delta, {})  # r >= c: violations carry over; else the constant was dropped (proofs only)

    note = (f"the constant term was replaced by a rational at least as large ({show(weaker)})" if kept
            else f"the constant term (above 10^100) was dropped ({show(weaker)})")
    if res.status == "proved":
        if res.copy is not None:
            return ShannonResult("unknown", message=f"{note}, proved with the copy lemma; the kernel's re-check of the "
                                 "claim with its own constant is not available for copy-lemma proofs",
                                 variables=res.variables, timings=res.timings)
        try:
            cert = _kernel_check(claim, hyps, domains, res.certificate)
        except CertificateError as err:
            return ShannonResult("unknown", message=f"{note}, which is proved, but the kernel refused the certificate "
                                 f"for the claim itself ({err.message})", variables=res.variables, timings=res.timings)
        return ShannonResult("proved", cert, variables=res.variables, timings=res.timings, message=res.message)
    if res.status == "false" and not kept:  # the constant was dropped (HUGE_CONSTANT)
        return ShannonResult("unsupported", message=(
            f"the claim's constant term exceeds 10^100: derive proves such a claim when the claim without its "
            f"constant ({show(weaker)}) is Shannon-type, but that is false on a model, so the claim fails only on "
            "more independent copies of that model than the constant, which derive does not write out (not certified "
            "here)"), variables=res.variables, timings=res.timings)
    if res.status == "false" and res.counterexample is not None:
        cex = dict(res.counterexample)
        if cex.get("method") == "exact":
            slack = sympy.Rational(str(cex["slack"])) - delta  # our own rational text (str of a Fraction)
            cex["slack"] = cex["slack_enclosure"] = show(sympy.expand(slack))
            for side, shift in (("lhs", shift_l), ("rhs", shift_r)):
                if side in cex:
                    cex[side] = show(sympy.expand(sympy.Rational(str(cex[side])) + shift))
        else:
            cex["slack_enclosure"] = f"{cex.get('slack_enclosure')} - {show(delta)}"
        if delta != 0:
            cex["constant_note"] = f"{note}; a violation of that claim is one of this claim, by {show(delta)} more"
        message = res.message
        if cex.get("kind") == "constant":
            message = f"constant random variables make every information quantity 0, and the claim's slack is then {cex['slack']}"
        return ShannonResult("false", counterexample=cex, message=message, variables=res.variables,
                             timings=res.timings)
    return ShannonResult(res.status, None, None, f"{res.message} ({note})", res.variables, res.timings)


def refute(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, seed: int = 0,
           tries: int = 300, premises: list[Statement] = ()) -> dict | None:
    """A certified counterexample to ``claim`` (bits) under ``hypotheses`` from the exact model searches alone (no
    LP: :func:`derive.provers.refute.search_counterexample`, with its stage on the variety of the independences when
    there are no premises; constants that are not rational through
    :func:`_rational_stand_in`), or ``None``. Every model satisfies the hypotheses exactly, and the ``premises``
    (accepted statements over entropies with no constant term; ``None`` is returned for others) too."""
    from derive.provers.refute import is_certified, search_counterexample

    hyps = hypotheses or {}
    forms = [linear_form(st.slack()) for st in premises]
    if any(f.const != 0 for f in forms):
        return None  # a constant term: the all-constant and copied models need not keep the premise
    extra_eqs = [st.slack() for st in premises if st.is_equality]
    at_least_zero = [st.slack() for st in premises if not st.is_equality]
    at_constants = _refuted_at_constants(claim, hyps)  # homogeneous premises are 0 there
    if at_constants is not None:
        return at_constants
    stand_in = _rational_stand_in(claim)
    if not (stand_in is None or isinstance(stand_in, tuple)):
        return None
    target = claim if stand_in is None else stand_in[0]
    try:
        equalities = [e for h in hyps.values() for e in h.equalities()] + extra_eqs if premises else None
        cex = search_counterexample(target, hyps, seed=seed, tries=tries, equalities=equalities,
                                    at_least_zero=at_least_zero, variety=not premises)
    except (InvalidArgument, LimitExceeded):
        return None
    if not is_certified(cex):
        return None
    if stand_in is None:
        return cex
    mapped = _for_original_claim(claim, target, stand_in[1], ShannonResult("false", counterexample=cex), hyps, {})
    return mapped.counterexample


def _try_copies(claim: Statement, hyps: dict[str, Hypothesis], domains: dict | None, full: ShannonResult,
                steps: int, timeout: float) -> ShannonResult:
    """``not_shannon`` claims: search copy-lemma proofs (each re-checked by the kernel's ``copy`` rule)."""
    from derive.provers.copy_search import search_copy_proof

    try:
        found = search_copy_proof(claim, hyps, domains=domains, max_steps=steps, timeout=timeout)
    except LimitExceeded as err:
        full.message += f"; copy-lemma search skipped: {err.message}"
        return full
    if found is None:
        full.message += (f"; no copy-lemma proof with at most {steps} copy step(s) found (it may still be true, "
                         "e.g. need more copies)")
        return full
    return ShannonResult("proved", found.certificate, variables=full.variables, copy=found,
                         message="non-Shannon: proved with the copy lemma (" + "; ".join(found.descriptions) + ")")


def shannon_oracle(ctx) -> Certificate | None:
    """Kernel oracle: propose a certificate for a ``shannon``/``linear`` step from its hypotheses. Premise statements
    are not read (combining them is the support search's job, which runs after): a claim that is Shannon-type by
    itself is proved whether or not the step also lists premises."""
    from derive.core.hypotheses import Assume

    hyps = {k: h for k, h in ctx.premise_hypotheses.items() if not isinstance(h, Assume)}
    stand_in = _rational_stand_in(ctx.claim)  # constants that are not rational: multipliers of the weaker claim
    claim = stand_in[0] if isinstance(stand_in, tuple) else ctx.claim
    from derive.provers.refute import is_certified, search_counterexample

    try:
        refuted = is_certified(search_counterexample(claim, hyps, tries=0, pmf=False))
    except DeriveError:
        refuted = False
    if refuted:
        return None  # false on a sparse exact model (as `prove` checks first): no LP to run
    try:
        res = find_shannon_certificate(claim, hyps, domains=ctx.domains)
    except (LimitExceeded, CertificateError, InvalidArgument):
        return None
    return res.certificate if res.status == "proved" else None
