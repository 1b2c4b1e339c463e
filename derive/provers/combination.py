"""Untrusted search for linear certificates with parameters (an oracle for the kernel).

The kernel's own finder solves for multipliers by exact linear algebra and sets
free unknowns to zero, which can miss a non-negative solution when the system is
underdetermined. This oracle picks the *support*: it instantiates the
parameters at a few rational points of their domains, solves the LP
``min Σ m  s.t.  Σ m_t f_t = slack(claim) (atoms), m_t >= 0 for inequalities``
with HiGHS, and then re-solves exactly and symbolically on that support. The
kernel re-checks whatever is returned.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy

from derive.core.hypotheses import MutuallyIndependent
from derive.core.linear import linear_form
from derive.core.variables import RVSet
from derive.kernel.context import StepContext
from derive.kernel.linear import Certificate, Proposal, Term
from derive.provers.certificate_search import solve_multipliers, two_sided
from derive.kernel.rules import SUM_SPLIT, linear_terms
from derive.numeric.real import sample_parameter_values

__all__ = ["find_support_certificate", "combination_oracle"]


def _lp_support(claim, terms: list[Term], point: "dict | list[dict]") -> list[int] | None:
    """The support of a least-size non-negative combination of ``terms`` giving the claim at the parameter values
    ``point`` — or at every point of a list at once, with the same multipliers (constant multipliers, the ones most
    likely to hold at every parameter value)."""
    if isinstance(point, list):
        rows = [_lp_rows(claim, terms, p) for p in point]
        if not rows or any(r is None for r in rows):
            return None
        A, b = np.vstack([r[0] for r in rows]), np.concatenate([r[1] for r in rows])
        ub = [r[2] for r in rows if r[2] is not None]
        A_ub, b_ub = (np.vstack([u[0] for u in ub]), np.concatenate([u[1] for u in ub])) if ub else (None, None)
    else:
        found = _lp_rows(claim, terms, point)
        if found is None:
            return None
        A, b, up = found
        A_ub, b_ub = up if up is not None else (None, None)
    if A.shape[0] == 0:
        return []
    return _least_combination(claim, terms, A, b, A_ub, b_ub)


def _lp_rows(claim, terms: list[Term], point: dict):
    """``(A, b, (A_ub, b_ub) or None)`` of the LP at ``point``: ``A m = b`` matches every atom's coefficient, the
    inequality keeps the residual constant ``>= 0``; ``None`` where a coefficient does not evaluate."""
    target = linear_form(claim.slack())
    atoms = sorted(set(target.terms).union(*[set(t.form.terms) for t in terms]), key=sympy.default_sort_key)

    def num(c):
        v = c.xreplace(point)
        try:
            x = float(v.evalf(30))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        return x if np.isfinite(x) else None

    A = np.zeros((len(atoms), len(terms)))
    b = np.zeros(len(atoms))
    for r, a in enumerate(atoms):
        v = num(target.coefficient(a))
        if v is None:
            return None
        b[r] = v
        for c, t in enumerate(terms):
            w = num(t.form.coefficient(a))
            if w is None:
                return None
            A[r, c] = w
    # residual constant must stay >= 0: const(slack) - Σ m const(term) >= 0
    cconst = num(target.const)
    tconst = [num(t.form.const) for t in terms]
    if cconst is None or any(v is None for v in tconst):
        return None
    return A, b, (None if claim.is_equality else (np.array([tconst]), np.array([cconst])))


def _least_combination(claim, terms: list[Term], A, b, A_ub, b_ub) -> list[int] | None:
    bounds = [(0, None) if t.kind == "nonneg" else (None, None) for t in terms]
    if claim.is_equality:
        bounds = [(0, 0) if t.kind == "nonneg" else (None, None) for t in terms]
    # minimise the multipliers' total size: a free (equality) multiplier x is x+ - x- with both >= 0, so dependent
    # equalities (a sum split at its ends, and the same sum's other terms) cannot make the LP unbounded
    free = [k for k, bd in enumerate(bounds) if bd == (None, None)]
    A_all = np.hstack([A, -A[:, free]]) if free else A
    bounds_all = [(0, None) if k in free else bd for k, bd in enumerate(bounds)] + [(0, None)] * len(free)
    if A_ub is not None and free:
        A_ub = np.hstack([A_ub, -A_ub[:, free]])
    try:
        import scipy.optimize  # deferred: most steps never need the LP, and scipy costs ~1 s to import

        res = scipy.optimize.linprog(np.ones(A_all.shape[1]), A_eq=A_all, b_eq=b, A_ub=A_ub, b_ub=b_ub,
                                     bounds=bounds_all, method="highs")
    except ValueError:  # an ill-posed instantiation (e.g. non-finite data): no proposal from this point
        return None
    if res.status != 0:
        return None
    x = res.x[:len(terms)].copy()
    for c, k in enumerate(free):
        x[k] -= res.x[len(terms) + c]
    return [k for k, v in enumerate(x) if abs(v) > 1e-9]


def find_support_certificate(claim, terms: list[Term], domains: dict, samples: int = 3,
                             accept=None) -> Certificate | None:
    """A candidate certificate (unchecked): LP support at sampled parameter points, exact multipliers on it.

    With ``accept`` (a test of a candidate), a candidate it refuses does not end the search: the next point's
    support is tried, then the support of one combination with the same multipliers at every point (the LP at one
    point may pick terms whose exact multipliers hold only near it, ``(2 - n) * [H(M) >= 0]``); the first refused
    candidate is returned if none passes."""
    tried: set[tuple[int, ...]] = set()
    refused: Certificate | None = None
    points = list(sample_parameter_values(domains, n=samples, seed=1))
    for point in points:
        support = _lp_support(claim, terms, point)
        if support is None:
            continue
        key = tuple(support)
        if key in tried:
            continue
        tried.add(key)
        cert = solve_multipliers(claim, [terms[k] for k in support]) if support else Certificate([])
        if cert is not None and (accept is None or accept(cert)):
            return cert
        refused = refused or cert
    if accept is not None and len(points) > 1:   # the same multipliers at every point
        support = _lp_support(claim, terms, points)
        cert = None if support is None else solve_multipliers(claim, [terms[k] for k in support])
        if cert is not None and accept(cert):
            return cert
    if refused is not None:
        return refused
    if not domains:
        support = _lp_support(claim, terms, {})
        if support is not None:
            return solve_multipliers(claim, [terms[k] for k in support]) if support else Certificate([])
    return None


def combination_oracle(ctx: StepContext) -> Certificate | None:
    """Kernel oracle for ``linear``, ``shannon``, ``copy`` (in the kernel's extended space) and composition."""
    terms = linear_terms(ctx)
    mentioned = ctx.claim.lhs.free_symbols | ctx.claim.rhs.free_symbols
    if ctx.rule in ("shannon", "copy"):
        from derive.provers.shannon import shannon_oracle

        # the LP reads no parameters: a parameter-free claim directly; blocks X[1..n] as single variables; a claim
        # polynomial in one parameter through its Bernstein coefficients
        cert = (shannon_oracle(ctx) if not mentioned & set(ctx.domains)
                else _blocks_as_variables(ctx, shannon_oracle) or _polynomial_in_one_parameter(ctx, shannon_oracle)
                or (shannon_oracle(ctx) if _parameters_only_in_indices(ctx.claim, ctx.domains) else None))
        if cert is not None and _passes(ctx, cert):
            return cert   # else (the LP's H(Y | X) >= 0 of a continuous Y, which the kernel refuses) search on
    cert = find_support_certificate(ctx.claim, terms, ctx.domains)
    if ctx.rule in ("shannon", "copy") and (cert is None or not _passes(ctx, cert)):
        # Shannon-type steps may use quantities they do not write (``linear`` combines what the step writes)
        termwise = _termwise_sum_terms(ctx)
        if termwise:  # the kernel's split identities of the sums these terms bring (a telescoping the claim does not
            # write), and the quantities at the sums' ends (H(X[1..n], M) after Σ I(M; X[i] | X[1..i-1]) telescopes)
            said = tuple((t.expr, 1) for t in termwise if t.expr is not None)
            terms = linear_terms(replace(ctx, proposal=Proposal(nonneg=said)))
        groups = [[]] + [[a for a in t.form.atoms() if not isinstance(a, sympy.Sum)] for t in terms
                         if t.source == SUM_SPLIT]   # the claim's variables, with those of one split's end
        elementals = {str(t.expr): t for g in groups for t in _elemental_terms(ctx, g)}
        extra = termwise + [replace(t, label=f"elemental [{k}]") for k, t in enumerate(elementals.values())]
        if extra:
            cert = find_support_certificate(ctx.claim, terms + extra, ctx.domains,
                                            accept=lambda c: _passes(ctx, c)) or cert
    if ctx.claim.is_equality and ctx.rule in ("shannon", "copy") and (cert is None or not _passes(ctx, cert)):
        # an equality the LP above could only reach through >= 0 terms: its two halves, each searched as a step
        return two_sided(ctx.claim, lambda half: _checked(replace(ctx, claim=half))) or cert
    return cert


def _parameters_only_in_indices(claim, domains) -> bool:
    """The claim's parameters appear only in the indices of family members and blocks (``H(X[1], X[n] | P)``): the
    LP reads each member or block as a variable, whatever the index (a Shannon-type identity holds for any joint
    law, equal variables included; what a family hypothesis says about its members the kernel proves apart)."""
    form = linear_form(claim.slack())
    return not (form.const.free_symbols | {s for c in form.terms.values() for s in c.free_symbols}) \
        & set(domains)


def _checked(ctx: StepContext) -> Certificate | None:
    """The combination oracle's certificate for ``ctx`` as the kernel checks it (its ``residual`` set), or ``None``."""
    from derive.kernel.linear import check_certificate

    cert = combination_oracle(ctx)
    return None if cert is None else check_certificate(ctx.claim, cert, ctx.domains)


def _passes(ctx: StepContext, cert: Certificate) -> bool:
    """The kernel's own check of a candidate (so a failing one does not stop the search; the kernel checks again)."""
    from derive.errors import CertificateError
    from derive.kernel.linear import check_certificate

    try:
        check_certificate(ctx.claim, cert, ctx.domains)
    except CertificateError:
        return False
    return True


#: Most variables (plain ones and pieces of families) in the summands of one range for :func:`_termwise_sum_terms`.
MAX_SUMMAND_VARIABLES = 4


def _termwise_sum_terms(ctx: StepContext) -> list[Term]:
    """Candidate terms ``Σ_j e(j) >= 0`` for the symbolic sums the step mentions: for each range ``j = 0..L`` of the
    sums in the claim's and premises' linear forms, the elemental inequalities ``e`` (``H(V | rest) >= 0``,
    ``I(A; B | K) >= 0``) over the variables of its summands — plain variables and the pieces of each family's blocks
    and members (:func:`_family_pieces`, ordered by ``j >= 0``), with each member ``X[j + c]`` the members before
    it, ``X[c..j + c - 1]`` —, each summed over the range: ``Σ I(X[i]; X[1..i-1]) >= 0``, which with the kernel's
    splits of its sums gives ``H(X[1..n]) <= Σ H(X[i])`` with no premise or hint. A range whose prefixes make too many
    variables is retried without them; each summed ``I(...)`` the kernel derives ``= 0`` from a family's independence
    (:func:`~derive.kernel.independence.implies_zero`: ``Σ_i I(X[1]; X[i] | P) = 0``) is offered as a zero too. The
    kernel vets each term (an information atom summed over a range is ``>= 0``) and re-checks the identity."""
    from derive.core.quantities import H, I
    from derive.core.variables import RV, FamilyMember, FamilyRange
    from derive.kernel.independence import implies_zero

    forms = [linear_form(ctx.claim.slack())] + [linear_form(st.slack()) for st in ctx.statements().values()]
    groups: dict[tuple, list] = {}
    for form in forms:
        for atom in form.atoms():
            if isinstance(atom, sympy.Sum) and len(atom.limits) == 1 and isinstance(atom.function, H):
                j, lo, last = atom.limits[0]
                if lo == 0 and j not in last.free_symbols:
                    groups.setdefault((j, last), []).append(atom.function)
    for (j, last), summands in list(groups.items()):  # a sum one term longer than another range, split at its
        shorter = (j, sympy.expand(last - 1))           # first term (as the kernel splits it), joins that range:
        if shorter in groups:                           # Σ_2^n I(X[i]; X[2..i-1]) against Σ_1^n I(X[i]; X[1..i-1])
            groups[shorter] += [h.xreplace({j: j + 1}) for h in summands]
    terms: list[Term] = []
    hyps = ctx.hypotheses()
    for (j, last), summands in groups.items():
        items = {it for h in summands for it in h.target.args}
        prefixes = {p for it in items if isinstance(it, FamilyMember)   # X[c..j + c - 1] before X[j + c]: the
                    and (c := sympy.expand(it.index - j)).free_symbols.isdisjoint({j})  # chain rule's conditioning
                    for p in FamilyRange.make(it.family, c, it.index - 1)}
        for extra in (prefixes, set()):  # without the prefixes when they make too many variables
            found = _piece_variables(summands + [H(RVSet(p)) for p in extra], items | extra, ctx.domains)
            if found is not None and len(found[0]) <= MAX_SUMMAND_VARIABLES and all(isinstance(v, RV)
                                                                                   for v in found[0]):
                break
        else:
            continue
        variables, back = found
        for k, e in enumerate(_elementals(variables)):
            total = sympy.Sum(e.xreplace(back), (j, 0, last))
            terms.append(Term(f"sum of elemental [{k}]", linear_form(total), "nonneg", "termwise Shannon", total))
            if isinstance(e, I) and implies_zero(hyps, total, ctx.domains):  # each term zero by a family's
                terms.append(Term(f"sum of elemental [{k}] = 0", linear_form(total), "zero",  # independence
                                  "termwise Shannon", total))
    return terms


def _blocks_as_variables(ctx: StepContext, oracle) -> Certificate | None:
    """A step whose parameters appear only in the ends of blocks ``X[lo..hi]``: each block read as one variable
    (``I(M; X[1..n]) <= H(M)`` is ``I(M; B) <= H(M)``), the parameter-free claim proved by ``oracle``, and the
    certificate's quantities mapped back. A Shannon-type inequality holds for every joint law of its variables, so
    also for blocks (overlapping or empty ones included): mapping every atom of the identity ``slack = Σ m_t f_t``
    term by term keeps it an identity, which the kernel re-checks over its own canonical forms. When that fails, the
    blocks and members of each family are cut into the pieces of their common refinement (:func:`_family_pieces`:
    ``I(M; X[1..n]) >= I(M; X[1])`` for ``n >= 1`` reads ``I(M; P1, P2) >= I(M; P1)`` with ``P1 = X[1]``,
    ``P2 = X[2..n]``). Steps using premises are left alone, but for a family's mutual independence over a symbolic
    range, which the pieces inside it inherit (:func:`_pieces_independent`: ``I(M; X[1..n] | P) >= I(M; X[1] | P) +
    I(M; X[2..n] | P)``)."""
    from derive.core.variables import RV, FamilyRange

    claim = ctx.claim
    if ctx.statements() or any(getattr(h, "family_range", None) is None or not isinstance(h, MutuallyIndependent)
                               for h in ctx.premise_hypotheses.values()):
        return None
    blocks = sorted({node for side in (claim.lhs, claim.rhs) for node in sympy.preorder_traversal(side)
                     if isinstance(node, FamilyRange) and node.free_symbols & set(ctx.domains)}, key=str)
    if not blocks:
        return None
    whole = {b: RVSet(RV(f"⟨{b}⟩")) for b in blocks}  # a name no proof can write
    cert = _abstract_certificate(ctx, oracle, whole, {v.args[0]: RVSet(b) for b, v in whole.items()})
    if cert is None:
        refined = _family_pieces((claim.lhs, claim.rhs), ctx.domains, {b.family for b in blocks})
        if refined is not None:
            cert = _abstract_certificate(ctx, oracle, *refined,
                                         hypotheses=_pieces_independent(ctx.premise_hypotheses, refined[1], ctx.domains))
    return cert


def _pieces_independent(hyps: dict, back: dict, domains) -> dict:
    """For each mutual independence of a family over a symbolic range, the same of the pieces inside that range (each
    proved inside), given the same variables: what it says about the pieces, for the LP over them. The kernel
    re-derives each independence the certificate uses from the original hypothesis (members proved apart)."""
    from derive.core.variables import FamilyMember, FamilyRange
    from derive.provers.shannon import inside_family_range

    out = {}
    for hid, h in hyps.items():
        r = h.family_range
        pieces = [v for v, items in back.items() if all(inside_family_range(it, r, domains) for it in items.args)]
        if len(pieces) > 1 and not any(isinstance(g, (FamilyMember, FamilyRange)) for g in h.given.args):
            out[hid] = MutuallyIndependent(tuple(RVSet(v) for v in sorted(pieces, key=str)), h.given)
    return out


def _abstract_certificate(ctx: StepContext, oracle, as_pieces: dict, back: dict,
                          hypotheses: dict | None = None) -> Certificate | None:
    """``oracle``'s certificate for the claim with each block or member replaced by ``as_pieces[node]`` (a set of
    fresh variables) under ``hypotheses`` about those (default none), its terms mapped back through ``back`` (fresh
    variable -> the variables it stands for)."""
    from dataclasses import replace

    abstract = ctx.claim.xreplace(as_pieces)
    if abstract.free_symbols() & set(ctx.domains):
        return None
    cert = oracle(replace(ctx, claim=abstract, premise_hypotheses=hypotheses or {}))
    if cert is None or type(cert) is not Certificate or any(t.expr is None for t, _ in cert.multipliers):
        return None
    terms = []
    for t, m in cert.multipliers:
        expr = t.expr.xreplace(back)
        terms.append((Term(t.label, linear_form(expr), t.kind, t.source, expr), m))
    return Certificate(terms)


def _elementals(variables: list) -> list[sympy.Expr]:
    """The elemental inequalities' quantities over ``variables``: ``H(V | rest)`` and ``I(A; B | K)``."""
    from itertools import combinations

    from derive.core.quantities import H, I

    out = [H(RVSet(v), RVSet(*[w for w in variables if w != v])) for v in variables]
    for a, b in combinations(variables, 2):
        rest = [w for w in variables if w not in (a, b)]
        out += [I(RVSet(a), RVSet(b), RVSet(*k)) for r in range(len(rest) + 1) for k in combinations(rest, r)]
    return out


#: Most variables (plain ones and pieces of families) of a step for which :func:`_elemental_terms` offers terms.
MAX_ELEMENTAL_VARIABLES = 5


def _elemental_terms(ctx: StepContext, more: list | None = None) -> list[Term]:
    """Candidate terms ``e >= 0`` for the elemental inequalities over the variables of the step's claim and
    premises (outside sums) and of the quantities ``more`` — plain variables and the pieces of each family's blocks and members
    (:func:`_family_pieces`) —, so the support search can combine premises with Shannon facts the claim does not
    mention (``I(M; X[1..n] | P) >= I(M; X[1..n] | P, ids)`` from ``I(M; ids | X[1..n], P) = 0``). The kernel vets
    each term (an information quantity is ``>= 0``; not a differential entropy)."""
    from derive.core.quantities import INFO_CLASSES, TV, D
    from derive.kernel.signs import is_nonnegative

    def atoms(e: sympy.Basic) -> list:
        if isinstance(e, sympy.Sum):
            return []
        return [e] if isinstance(e, INFO_CLASSES) else [a for arg in e.args for a in atoms(arg)]

    exprs = [x for st in (ctx.claim, *ctx.statements().values()) for x in (st.lhs, st.rhs)] + list(more or ())
    found = [a for e in exprs for a in atoms(e)]
    items = {it for a in found for side in a.args if isinstance(side, RVSet) for it in side.args}
    if not items or any(isinstance(a, (D, TV)) for a in found):  # divergences are not over these variables
        return []
    pieces = _piece_variables(found, items, ctx.domains)
    if pieces is None or len(pieces[0]) > MAX_ELEMENTAL_VARIABLES:
        return []
    variables, back = pieces
    terms = []
    for k, e in enumerate(_elementals(variables)):
        expr = e.xreplace(back)
        if is_nonnegative(expr, ctx.domains):  # not a differential entropy: the kernel would refuse the proposal
            terms.append(Term(f"elemental [{k}]", linear_form(expr), "nonneg", "elemental", expr))
    return terms


def _piece_variables(exprs, items: set, domains) -> tuple[list, dict] | None:
    """The variables of ``items`` (plain variables, family members and blocks, as ``exprs`` name them) for the LP:
    plain ones as they are, each family's blocks and members cut into the pieces of :func:`_family_pieces`; with the
    map from each piece back to its members. ``None`` when the pieces cannot be ordered."""
    from derive.core.variables import FamilyMember, FamilyRange

    families = {it.family for it in items if isinstance(it, (FamilyMember, FamilyRange))}
    refined = _family_pieces(exprs, domains, families) if families else ({}, {})
    if refined is None:
        return None
    as_pieces, back = refined
    return sorted({v for it in items for v in (as_pieces[it].args if it in as_pieces else (it,))}, key=str), back


def _family_pieces(exprs, domains, families: set[str]) -> tuple[dict, dict] | None:
    """The common refinement of the blocks and members of ``families`` that ``exprs`` name: the cut points (each
    ``lo`` and ``hi + 1``) in an order proved from the domains, the pieces between consecutive ones, each a fresh
    variable; each block or member maps to the set of its pieces. ``None`` when two cut points cannot be ordered.
    A piece may be empty for some parameter values: the abstract claim is proved for every joint law, constants
    included, and the kernel re-checks the mapped-back identity (blocks merge only when provably adjacent)."""
    import functools

    from derive.core.variables import RV, FamilyMember, FamilyRange
    from derive.kernel.signs import is_nonnegative

    nodes = sorted({node for e in exprs for node in sympy.preorder_traversal(e)
                    if isinstance(node, (FamilyRange, FamilyMember)) and node.family in families}, key=str)
    as_pieces, back = {}, {}
    for family in sorted(families):
        ends = {node: (node.index, node.index) if isinstance(node, FamilyMember) else (node.lo, node.hi)
                for node in nodes if node.family == family}
        cuts: list[sympy.Expr] = []
        for lo, hi in ends.values():
            for c in (sympy.expand(lo), sympy.expand(hi + 1)):
                if all(sympy.expand(c - d) != 0 for d in cuts):
                    cuts.append(c)

        def order(p, q):
            if is_nonnegative(q - p, domains):
                return -1
            if is_nonnegative(p - q, domains):
                return 1
            raise ValueError

        try:
            cuts.sort(key=functools.cmp_to_key(order))
        except ValueError:
            return None
        if any(not is_nonnegative(q - p, domains) for p, q in zip(cuts, cuts[1:])):
            return None
        piece_of = {}
        for k, (p, q) in enumerate(zip(cuts, cuts[1:])):
            items = FamilyRange.make(family, p, q - 1)
            if items:
                piece_of[k] = RV(f"⟨{family}[{p}..{q - 1}]⟩")  # a name no proof can write
                back[piece_of[k]] = RVSet(*items)
        position = {c: k for k, c in enumerate(cuts)}
        for node, (lo, hi) in ends.items():
            first = next(k for c, k in position.items() if sympy.expand(c - lo) == 0)
            stop = next(k for c, k in position.items() if sympy.expand(c - hi - 1) == 0)
            as_pieces[node] = RVSet(*[piece_of[k] for k in range(first, stop) if k in piece_of])
    return as_pieces, back


#: Highest degree in one parameter that :func:`_polynomial_in_one_parameter` handles, and how far it elevates it.
MAX_PARAMETER_DEGREE = 4
MAX_DEGREE_ELEVATION = 6
#: Most parameter-free claims :func:`_polynomial_in_one_parameter` sends to the LP for one step.
MAX_PARAMETER_CLAIMS = 24


def _polynomial_in_one_parameter(ctx: StepContext, oracle) -> Certificate | None:
    """A Shannon-type inequality whose slack is a polynomial of degree ``d <= 4`` in one parameter ``t`` with rational
    ends ``a < b``, written in the Bernstein basis of ``[a, b]``: ``slack(t) = Σ_k B_k(t) F_k`` with
    ``B_k(t) = C(d, k) (t - a)^k (b - t)^(d - k) / (b - a)^d >= 0`` on the domain and ``F_k`` parameter-free. When
    ``oracle`` proves every ``F_k >= 0``, the certificates combine with the multipliers ``B_k(t)`` (the kernel checks
    them ``>= 0`` and the identity); else the same at degrees up to ``d + 6`` (Bernstein coefficients of an elevated
    degree lie closer to the polynomial's range). Degree 1 is the two ends: ``lam * H(X | Y) <= H(X)`` on ``(0, 1)`` from
    ``H(X) >= 0`` and ``I(X; Y) >= 0``; degree 2: ``lam^2 * H(X | Y) <= H(X)`` from ``H(X), H(X), I(X; Y) >= 0``."""
    from dataclasses import replace
    from math import comb

    from derive.core.statements import Statement

    claim = ctx.claim
    params = (claim.lhs.free_symbols | claim.rhs.free_symbols) & set(ctx.domains)
    if len(params) != 1 or claim.is_equality:
        return None
    (t,) = params
    (a, _), (b, _) = ctx.domains[t].lower_bound(), ctx.domains[t].upper_bound()
    if not (a.is_Rational and b.is_Rational and a < b):
        return None
    form = linear_form(claim.slack())
    parts = [*form.terms.items(), (None, form.const)]
    if any(not c.is_polynomial(t) for _, c in parts):
        return None
    d = max(sympy.degree(c, t) if t in c.free_symbols else 0 for _, c in parts)
    if not 1 <= d <= MAX_PARAMETER_DEGREE:
        return None
    u = sympy.Dummy("u")

    def bernstein(c: sympy.Expr, degree: int) -> list[sympy.Expr]:
        """Bernstein coefficients of ``c(t)`` on ``[a, b]`` at ``degree``: ``b_k = Σ_{j<=k} C(k,j)/C(degree,j) q_j``
        for ``c(a + (b - a) u) = Σ_j q_j u^j``."""
        q = sympy.Poly(sympy.expand(c.xreplace({t: a + (b - a) * u})), u).all_coeffs()[::-1]
        q += [sympy.S.Zero] * (degree + 1 - len(q))
        return [sum((sympy.Rational(comb(k, j), comb(degree, j)) * q[j] for j in range(k + 1)), sympy.S.Zero)
                for k in range(degree + 1)]

    proved: dict = {}  # F_k -> its certificate (None: not proved); the two ends are F_0, F_d at every degree

    def certificate_of(f: sympy.Expr):
        if f not in proved:
            cert = oracle(replace(ctx, claim=Statement(f, ">=", 0)))
            proved[f] = cert if cert is not None and type(cert) is Certificate else None
        return proved[f]

    for degree in range(d, d + (MAX_DEGREE_ELEVATION if d > 1 else 0) + 1):  # elevation tightens the middle
        coefficients = {atom: bernstein(c, degree) for atom, c in parts}
        forms = [sum((bk[k] * (atom if atom is not None else 1) for atom, bk in coefficients.items()), sympy.S.Zero)
                 for k in range(degree + 1)]
        if certificate_of(forms[0]) is None or certificate_of(forms[-1]) is None:
            return None  # false at an end of the domain (or not Shannon-type there): no degree helps
        certs = []
        for f_k in forms:
            if len(proved) >= MAX_PARAMETER_CLAIMS and f_k not in proved:
                return None
            cert = certificate_of(f_k)
            if cert is None:
                break
            certs.append(cert)
        else:
            weights = [comb(degree, k) * (t - a) ** k * (b - t) ** (degree - k) / (b - a) ** degree
                       for k in range(degree + 1)]
            return Certificate([(term, w * m) for w, cert in zip(weights, certs) for term, m in cert.multipliers])
    return None
