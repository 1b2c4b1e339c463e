"""Exact laws on the variety of conditional independences: counterexamples that need fine-tuning (untrusted).

A claim can hold on every Bayesian network of its hypotheses and on every GF(2)-linear model, and still be false:
under ``X -> Y -> Z`` and ``Y -> Z -> W``, ``W`` may depend on ``X`` given ``(Y, Z)`` as long as ``P(W | Y, Z)``
does not depend on ``Y``. This stage looks for binary laws that satisfy every conditional independence
``I(A; B | C) = 0`` of the hypotheses *exactly* and violate the claim.

1. **Search (float, untrusted).** Random starts of L-BFGS over a softmax parametrization of the joint pmf minimize
   the claim's slack plus ``μ Σ I(A; B | C)`` with ``μ`` rising (entropies and their gradients in numpy): the
   candidates lie *near* the variety.
2. **Exact law.** In an order ``V_1, ..., V_k`` of the variables the law is ``p = Π_j T_j(v_j | v_1..v_{j-1})``.
   An independence ``I(A; B | C) = 0`` (``A``, ``B``, ``C`` disjoint) is *readable* in the order when every member
   of ``C`` comes before the first position where both ``A`` and ``B`` have a member
   (``max C < max(min A, min B)``). Then at each step ``j`` with ``V_j`` in ``A`` (or ``B``) the restriction
   ``I(A_{<=j}; B_{<=j} | C) = 0`` (implied by the whole, ``I`` being monotone in each side) says
   ``p(a, b, c) p(c) = p(a, c) p(b, c)`` for every value, which is *linear* in ``T_j`` once ``T_1..T_{j-1}`` are
   fixed (only ``p(a, b, c)`` and ``p(a, c)`` involve ``V_j``). The table whose rows are all ``(1/2, 1/2)``
   (``V_j`` independent of the past) solves these equations when the earlier steps solved theirs. So each step
   takes the candidate's conditional table, rounded to small denominators (small entries to 0), projects it
   exactly onto the step's equations (python-flint ``fmpq_mat``), and mixes it with the table of equal rows when
   an entry comes out negative: every step's equations hold exactly, so every independence does at the end.

Every law is checked again on the joint table (each independence as ``p(abc) p(c) = p(ac) p(bc)`` in
``Fraction``) before its violation is certified (:func:`derive.provers.refute.pmf_counterexample`, interval
arithmetic): nothing here decides a verdict.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from derive.core.hypotheses import FunctionOf, Hypothesis
from derive.core.linear import linear_form
from derive.core.quantities import I
from derive.core.statements import Statement
from derive.core.variables import FamilyRange
from derive.numeric.exact import float_near

__all__ = ["variety_counterexample", "independences_of", "readable_orders", "snap_law", "law_satisfies", "law_weights"]

#: At most this many variables (binary: a joint table of 2^k cells).
MAX_VARIABLES = 6
#: Orders tried (the readable ones, in a seeded random order).
MAX_ORDERS = 6
#: Sizes of the claim's coefficients (and largest constant) the float search reads.
MIN_SIZE, MAX_SIZE = 1e-9, 1e9
#: Random starts of the float optimization.
RESTARTS = 16
#: Denominators the float conditional tables are rounded to, smallest first (small ones give readable laws).
DENOMINATORS = (4, 12, 60, 1000, 10 ** 6)
NOTE = ("an exact law on which every conditional independence of the hypotheses holds (checked as "
        "p(abc) p(c) = p(ac) p(bc)); binary alphabets; outcome strings list the variables' values in order")

Independence = tuple[frozenset, frozenset, frozenset]


def independences_of(hyps: dict[str, Hypothesis]) -> list[Independence] | None:
    """Each hypothesis equality ``I(A; B | C) = 0`` as ``(A, B, C)`` (sets of variables, disjoint: ``I``
    drops ``C`` from each side), or ``None`` when an equality is anything else (a functional dependence, a sum over
    a family, a block ``X[a..b]``) or a side shares a variable with the other (a functional dependence in disguise)."""
    out: list[Independence] = []
    for h in hyps.values():
        if isinstance(h, FunctionOf):
            return None
        for e in h.equalities():
            if not isinstance(e, I):
                return None
            sides = [frozenset(s.args) for s in (e.left, e.right, e.given)]
            if any(isinstance(v, FamilyRange) for s in sides for v in s) or sides[0] & sides[1]:
                return None
            out.append((sides[0], sides[1], sides[2]))
    return out


def _readable(order: dict, ci: Independence) -> bool:
    a, b, c = ci
    return not c or max(order[v] for v in c) < max(min(order[v] for v in a), min(order[v] for v in b))


def readable_orders(items: list, cis: list[Independence], rng: random.Random, limit: int = MAX_ORDERS) -> list[list]:
    """Up to ``limit`` orders of ``items`` in which every independence is readable (module docstring)."""
    perms = list(itertools.permutations(items))
    rng.shuffle(perms)
    out = []
    for perm in perms:
        pos = {v: i for i, v in enumerate(perm)}
        if all(_readable(pos, ci) for ci in cis):
            out.append(list(perm))
            if len(out) == limit:
                break
    return out


def _step_equations(prefix: list, law: dict[tuple, Fraction], var, cis: list[Independence]) -> list[list[Fraction]]:
    """The linear equations on ``T(var | prefix)`` (unknown ``row * 2 + value``, rows the prefix's cells in
    ``law``'s order) that the independences readable at this step state (module docstring)."""
    pos = {v: i for i, v in enumerate(prefix)}
    cells = list(law)
    eqs = []
    for a, b, c in cis:
        if var in b:
            a, b = b, a
        if var not in a:
            continue
        a_before = [v for v in a if v in pos]
        b_now = [v for v in b if v in pos]
        if not b_now or any(v not in pos for v in c):
            continue
        cs = sorted(c, key=lambda v: pos[v])
        p_c: dict = {}
        p_bc: dict = {}
        for cell, p in law.items():
            kc = tuple(cell[pos[v]] for v in cs)
            kb = tuple(cell[pos[v]] for v in b_now)
            p_c[kc] = p_c.get(kc, 0) + p
            p_bc[kb, kc] = p_bc.get((kb, kc), 0) + p
        for va in itertools.product(range(2), repeat=len(a_before)):
            for vj in range(2):
                for kb in itertools.product(range(2), repeat=len(b_now)):
                    for kc in itertools.product(range(2), repeat=len(cs)):
                        row = [Fraction(0)] * (2 * len(cells))
                        for r, cell in enumerate(cells):
                            p = law[cell]
                            if not p or tuple(cell[pos[v]] for v in cs) != kc or \
                                    tuple(cell[pos[v]] for v in a_before) != va:
                                continue
                            same_b = tuple(cell[pos[v]] for v in b_now) == kb
                            row[2 * r + vj] = p * ((p_c.get(kc, 0) if same_b else 0) - p_bc.get((kb, kc), 0))
                        if any(row):
                            eqs.append(row)
    return eqs


def _marginal(law: dict[tuple, Fraction], idx: list[int]) -> dict[tuple, Fraction]:
    out: dict = {}
    for cell, p in law.items():
        k = tuple(cell[i] for i in idx)
        out[k] = out.get(k, 0) + p
    return out


def law_satisfies(law: dict[tuple, Fraction], order: list, ci: Independence) -> bool:
    """``p(a, b, c) p(c) == p(a, c) p(b, c)`` for every value, exactly: ``I(A; B | C) = 0`` on ``law``."""
    pos = {v: i for i, v in enumerate(order)}
    a, b, c = ([pos[v] for v in s] for s in ci)
    abc, ac, bc, cc = (_marginal(law, idx) for idx in (a + b + c, a + c, b + c, c))
    for ka in itertools.product(range(2), repeat=len(a)):
        for kb in itertools.product(range(2), repeat=len(b)):
            for kc in itertools.product(range(2), repeat=len(c)):
                if abc.get(ka + kb + kc, 0) * cc.get(kc, 0) != ac.get(ka + kc, 0) * bc.get(kb + kc, 0):
                    return False
    return True


def law_weights(law: dict[tuple, Fraction], order: list, items: list) -> list[int]:
    """``law`` (cells over ``order``) as integer weights over outcomes ``o`` whose bit ``i`` is ``items[i]``
    (the probabilities times their common denominator), as :func:`derive.provers.refute.pmf_counterexample` reads."""
    den = math.lcm(*(p.denominator for p in law.values()))
    index = {v: i for i, v in enumerate(items)}
    weights = [0] * (1 << len(items))
    for cell, p in law.items():
        weights[sum(bit << index[var] for var, bit in zip(order, cell))] += int(p * den)
    return weights


class _EntropyForm:
    """``Σ_S c_S H(p_S)`` (bits) of a binary joint pmf ``p`` (cell ``o``: bit ``i`` is variable ``i``) with its
    gradient in ``p`` (``∂H(p_S)/∂p(o) = -(log2 p_S(o_S) + 1/ln 2)``), for the float search only."""

    def __init__(self, n: int, terms: list[tuple[float, tuple[int, ...]]]):
        cells = np.arange(1 << n)
        merged: dict = {}
        for c, s in terms:
            merged[s] = merged.get(s, 0.0) + c
        self.parts = [(c, sum(((cells >> i) & 1) << j for j, i in enumerate(s)), 1 << len(s))
                      for s, c in merged.items() if c and s]

    def value_grad(self, p: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(p)
        for c, keys, size in self.parts:
            m = np.bincount(keys, weights=p, minlength=size)
            logm = np.log2(np.where(m > 0, m, 1.0))
            total -= c * float((m * logm).sum())
            grad -= c * (logm[keys] + 1 / math.log(2))
        return total, grad


def _ci_terms(ci: Independence, index: dict) -> list[tuple[float, tuple[int, ...]]]:
    """``I(A; B | C) = H(AC) + H(BC) - H(ABC) - H(C)`` as entropy terms over positions."""
    a, b, c = ([index[v] for v in s] for s in ci)
    return [(1.0, tuple(sorted(a + c))), (1.0, tuple(sorted(b + c))), (-1.0, tuple(sorted(a + b + c))),
            (-1.0, tuple(sorted(c)))]


def _optimized_laws(n: int, slack_terms: list, const: float, sign: float, penalty_terms: list,
                    rng: np.random.Generator, restarts: int, mus: tuple[float, ...] = (10.0, 100.0, 1e3, 1e4),
                    tolerance: float = 1e-5) -> list[np.ndarray]:
    """Float joint pmfs near the variety (penalty ``μ Σ I(A; B | C)``, ``μ`` rising) with ``sign * slack``
    (``slack = const + Σ c_S H(S)``) below ``-10^-4`` and penalty below ``tolerance``: L-BFGS over a softmax
    parametrization from random starts, one run per ``μ`` in ``mus``. Only candidates: the exact law is built
    after."""
    from scipy.optimize import minimize

    slack_form = _EntropyForm(n, [(sign * c, s) for c, s in slack_terms])
    pen_form = _EntropyForm(n, penalty_terms)
    out = []
    for _ in range(restarts):
        theta = rng.normal(size=1 << n) * 2.0
        for mu in mus:
            def f(th, mu=mu):
                e = np.exp(th - th.max())
                p = e / e.sum()
                v1, g1 = slack_form.value_grad(p)
                v2, g2 = pen_form.value_grad(p)
                g = g1 + mu * g2
                return v1 + mu * v2, p * (g - float(p @ g))
            theta = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": 300}).x
        e = np.exp(theta - theta.max())
        p = e / e.sum()
        if sign * const + slack_form.value_grad(p)[0] < -1e-4 and pen_form.value_grad(p)[0] < tolerance:
            out.append(p)
    return out


def _exact_projection(eqs: list[list[Fraction]], rhs: list[Fraction], target: list[Fraction]) -> list[Fraction] | None:
    """The point of ``{x : eqs · x = rhs}`` nearest ``target`` (exact), or ``None`` when the system has no
    solution."""
    n = len(target)
    aug = flint.fmpq_mat(len(eqs), n + 1, [flint.fmpq(f.numerator, f.denominator)
                                           for row, b in zip(eqs, rhs) for f in (*row, b)])
    red, rank = aug.rref()
    rows = [[red[i, j] for j in range(n + 1)] for i in range(rank)]
    if any(all(x == 0 for x in r[:n]) for r in rows):
        return None  # 0 = b with b != 0
    if not rows:
        return list(target)
    r = flint.fmpq_mat(rank, n, [x for row in rows for x in row[:n]])
    b = flint.fmpq_mat(rank, 1, [row[n] for row in rows])
    t = flint.fmpq_mat(n, 1, [flint.fmpq(f.numerator, f.denominator) for f in target])
    y = (r * r.transpose()).solve(r * t - b)
    x = t - r.transpose() * y
    return [Fraction(int(x[i, 0].p), int(x[i, 0].q)) for i in range(n)]


def snap_law(p: np.ndarray, items: list, order: list, cis: list[Independence],
             denominator: int = 10 ** 6) -> dict[tuple, Fraction]:
    """An exact law near the float joint ``p`` (cell bit ``i`` is ``items[i]``) on which every independence
    readable in ``order`` holds: step by step, ``p``'s conditional table of ``V_j`` rounded to rationals, entries
    below ``10^-3`` set to 0, projected exactly onto the step's equations (``_exact_projection``), and mixed with
    the feasible table of equal rows when an entry comes out negative (or the zeros are inconsistent)."""
    index = {v: i for i, v in enumerate(items)}
    joint = p.reshape((2,) * len(items))  # axis len-1-i is items[i]
    law: dict[tuple, Fraction] = {(): Fraction(1)}
    for j, var in enumerate(order):
        prefix = order[:j]
        keep = [len(items) - 1 - index[v] for v in order[:j + 1]]
        marg = joint.sum(axis=tuple(a for a in range(len(items)) if a not in keep))
        marg = np.moveaxis(marg, [sorted(keep).index(a) for a in keep], list(range(len(keep))))
        cells = list(law)
        target = []
        for cell in cells:
            row = marg[cell] if cell else marg
            tot = float(row.sum())
            for v in range(2):
                x = float(row[v]) / tot if tot > 0 else 0.5
                target.append(Fraction(0) if x < 1e-3 else Fraction(x).limit_denominator(denominator))
        eqs = _step_equations(prefix, law, var, cis)
        sums = [[Fraction(int(i // 2 == r)) for i in range(2 * len(cells))] for r in range(len(cells))]
        rhs = [Fraction(0)] * len(eqs) + [Fraction(1)] * len(cells)
        zeros = [[Fraction(int(i == k)) for i in range(2 * len(cells))] for k, t in enumerate(target) if t == 0]
        table = _exact_projection(eqs + sums + zeros, rhs + [Fraction(0)] * len(zeros), target)
        if table is None:
            table = _exact_projection(eqs + sums, rhs, target)
        start = [Fraction(1, 2)] * (2 * len(cells))
        if table is None:  # pragma: no cover - the equal rows solve the step's equations (module docstring)
            table = start
        neg = [s / (s - t) for t, s in zip(table, start) if t < 0]
        if neg:
            lam = min(neg)
            table = [lam * t + (1 - lam) * s for t, s in zip(table, start)]
        law = {cell + (v,): law[cell] * table[2 * r + v] for r, cell in enumerate(cells) for v in range(2)}
    return law


def variety_counterexample(claim: Statement, hyps: dict[str, Hypothesis], *, seed: int = 0,
                           restarts: int = RESTARTS) -> dict[str, Any] | None:
    """A binary law satisfying every hypothesis exactly on which ``claim`` is *certainly* false, or ``None``.

    Only hypotheses that are conditional independences (:func:`independences_of`) and claims over at most
    :data:`MAX_VARIABLES` variables with rational coefficients over entropies, in bits."""
    from derive.provers.refute import SCREEN, _frac, _joint_items, hypotheses_are_their_equalities, \
        pmf_counterexample, variables_apart

    if not hyps or not hypotheses_are_their_equalities(hyps):
        return None
    cis = independences_of(hyps)
    if not cis:
        return None
    try:
        slack = linear_form(claim.slack())
    except Exception:  # noqa: BLE001 - not a linear information expression: nothing to search
        return None
    items = _joint_items([slack])
    if items is None:
        return None
    items = sorted(set(items).union(*(s for ci in cis for s in ci)), key=sympy.default_sort_key)
    if len(items) > MAX_VARIABLES or any(isinstance(v, FamilyRange) for v in items) or not variables_apart(items):
        return None
    rng = random.Random(seed)
    orders = readable_orders(items, cis, rng)
    if not orders:
        return None
    terms = [(float_near(_frac(c)), atom.target.args) for atom, c in slack.terms.items()]
    const = float_near(_frac(slack.const))
    if not all(MIN_SIZE <= abs(c) <= MAX_SIZE for c, _ in terms) or abs(const) > MAX_SIZE:
        return None  # the float search would overflow or not see the term (10^400, 10^-400)
    index = {v: i for i, v in enumerate(items)}
    position_terms = [(c, tuple(sorted(index[m] for m in members))) for c, members in terms]
    slack_form = _EntropyForm(len(items), position_terms)

    def certified(law: dict[tuple, Fraction], order: list) -> dict[str, Any] | None:
        weights = law_weights(law, order, items)
        total = sum(weights)  # each probability to a float on its own: the integers may exceed a float's range
        v = const + slack_form.value_grad(np.array([float(Fraction(w, total)) for w in weights]))[0]
        if not (v < -SCREEN or (claim.is_equality and abs(v) > SCREEN)):
            return None
        if not all(law_satisfies(law, order, ci) for ci in cis):  # pragma: no cover - the construction's theorem
            return None
        return pmf_counterexample(claim, slack, items, weights, note=NOTE)

    # fine-tuned laws by optimization: float candidates near the variety, each made exact in a readable order
    penalty = [t for ci in cis for t in _ci_terms(ci, index)]
    nprng = np.random.default_rng(seed)
    for sign in ((1.0, -1.0) if claim.is_equality else (1.0,)):
        for p in _optimized_laws(len(items), position_terms, const, sign, penalty, nprng, restarts):
            for denominator, order in itertools.product(DENOMINATORS, orders):
                found = certified(snap_law(p, items, order, cis, denominator), order)
                if found is not None:
                    return found
    return None
