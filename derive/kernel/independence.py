"""Conditional independences implied by a single hypothesis.

``implies_independence(hyps, A, B, C)`` is True only when some *one*
hypothesis in ``hyps`` implies ``I(A; B | C) = 0``:

* a Markov chain ``N_1 -> ... -> N_k`` (a DAG on its links): ``A`` and ``B``
  inside the chain's variables, ``C`` a union of whole links, and the links
  touching ``A`` d-separated from those touching ``B`` by ``C``'s links (in a
  path, a link strictly between every such pair is in ``C``); this gives every sub-chain, e.g.
  ``U -> X -> Y -> Z`` implies ``U -> Y -> Z``;
* ``L _|_ R | G``: ``A ⊆ L``, ``B ⊆ R`` (either way round) and
  ``C = G ∪ W`` with ``W ⊆ L ∪ R`` disjoint from ``A ∪ B`` (decomposition and
  weak union);
* mutual independence of finite members given ``G``: ``A``, ``B`` inside
  disjoint groups of members and ``C = G ∪`` (other whole members);
* mutual independence of a symbolic block ``X[lo..hi]`` given ``G`` (only with
  the parameters' ``domains``): ``A``, ``B`` and ``C - G`` members or blocks of
  ``X`` inside ``lo..hi``, the index ranges of ``A``'s and ``B``'s items apart
  from each other and from ``C``'s, as the sign engine proves for every admissible
  value (``I(X[2]; X[1] | P) = 0`` from ``X[1..n] | P``, ``n >= 2``);
* ``Y = f(X)``: ``A ⊆ Y`` (or ``B ⊆ Y``) and ``X ⊆ C``.

``implies_zero`` also takes a sum ``Σ_{i=lo}^{hi} Σ_k c_k I(A_k(i); B_k(i) | C_k(i))`` (``c_k`` free of ``i`` and of
information) over a range running forwards, each of its mutual informations as follows: each
member ``X[i + c]`` of the summand read as the block ``X[lo + c..hi + c]`` it runs through, the blocks and the
summand's other members inside one family's mutual independence given ``G`` and apart as above (every term is
then ``I(A; B | C) = 0`` with ``A``, ``B``, ``C - G`` apart members of the family: ``Σ_{i=2}^n I(X[1]; X[i] | P) = 0``).

Hypotheses are never combined with each other here (that needs the Shannon
prover, whose certificates the linear rule checks).
"""

from __future__ import annotations

from typing import Iterable

import sympy
from sympy import S, Sum

from derive.core.hypotheses import FunctionOf, Hypothesis, Independent, Markov, MutuallyIndependent
from derive.core.quantities import H, I, has_information
from derive.core.variables import FamilyMember, FamilyRange, RVSet
from derive.kernel.signs import is_nonnegative

__all__ = ["implies_independence", "implies_mutual_independence", "implies_zero"]


def implies_zero(hyps: Iterable[Hypothesis], expr, domains=None) -> bool:
    """True when one hypothesis implies ``expr = 0``: ``I(A; B | C)`` by :func:`implies_independence`, a sum of
    them over a bound index by a family's mutual independence (module docstring), or ``H(Y' | C)`` with
    ``Y' ⊆ Y`` for a declared ``Y = f(X)`` with ``X ⊆ C``."""
    hyps = list(hyps)
    if isinstance(expr, I):
        return implies_independence(hyps, expr.left, expr.right, expr.given, domains)
    if isinstance(expr, Sum):
        return _summed_independence(hyps, expr, domains)
    return isinstance(expr, H) and any(isinstance(h, FunctionOf) and expr.target.issubset(h.output)
                                       and h.input.issubset(expr.given) for h in hyps)


def implies_independence(hyps: Iterable[Hypothesis], a: RVSet, b: RVSet, c: RVSet, domains=None) -> bool:
    """True when one hypothesis implies ``I(A; B | C) = 0`` (see module docstring; ``domains``: the parameters'
    domains, which a family's symbolic block needs)."""
    a, b = a - c, b - c
    if not a or not b:
        return True
    if not a.isdisjoint(b):
        return False
    return any(_one(h, a, b, c) or (domains is not None and _mutual_block(h, a, b, c, domains)) for h in hyps)


def implies_mutual_independence(hyps: Iterable[Hypothesis], block: RVSet, given: RVSet, domains) -> bool:
    """The members of ``block`` (``X[lo..hi]``) are mutually independent given ``given``: a finite block when each
    member is independent of the ones before it (each by one hypothesis); a symbolic block inside a family's mutual
    independence given part of ``given``, the rest of ``given`` members of that family apart from the block
    (conditioning on some independent members keeps the others independent)."""
    hyps, items = list(hyps), block.args
    if all(isinstance(x, FamilyMember) for x in items) and all(
            implies_independence(hyps, RVSet(x), RVSet(*items[:k]), given, domains) for k, x in enumerate(items) if k):
        return True
    return any(_mutual_block(h, block, RVSet(), given, domains) for h in hyps)


def _summed_independence(hyps: list[Hypothesis], total: Sum, domains) -> bool:
    (i, lo, hi), f = total.limits[0], total.function  # reversed ranges: sympy's Karr reading, not these terms
    if domains is None or len(total.limits) != 1 or not is_nonnegative(hi - lo + 1, domains):
        return False
    atoms = [[x for x in sympy.Mul.make_args(t) if isinstance(x, I)] for t in sympy.Add.make_args(f)]
    if any(len(a) != 1 or i in (t / a[0]).free_symbols or has_information(t / a[0])  # Σ_i c·I_i = c·Σ_i I_i
           for a, t in zip(atoms, sympy.Add.make_args(f))):
        return False

    def run(x):  # the items x runs through as i runs over lo..hi; None unless x is free of i or a member X[i + c]
        c = sympy.expand(x.index - i) if isinstance(x, FamilyMember) else S.Zero
        return (x,) if i not in x.free_symbols else None if i in c.free_symbols or not isinstance(
            x, FamilyMember) else FamilyRange.make(x.family, lo + c, hi + c)

    for (atom,) in atoms:
        groups = [[run(x) for x in s.args] for s in (atom.left, atom.right, atom.given)]
        if any(r is None for g in groups for r in g):
            return False
        a, b, c = (RVSet(*[y for r in g for y in r]) for g in groups)
        if not any(_mutual_block(h, a, b, c, domains) for h in hyps):
            return False
    return True


def _mutual_block(h: Hypothesis, a: RVSet, b: RVSet, c: RVSet, domains) -> bool:
    r = getattr(h, "family_range", None)
    if not isinstance(h, MutuallyIndependent) or r is None or not h.given.issubset(c):
        return False
    groups = [a.args, b.args, (c - h.given).args]
    items = [x for g in groups for x in g]
    if not all(isinstance(x, (FamilyMember, FamilyRange)) and x.family == r.family for x in items):
        return False
    ends = {x: (x.index, x.index) if isinstance(x, FamilyMember) else (x.lo, x.hi) for x in items}
    inside = all(is_nonnegative(lo - r.lo, domains) and is_nonnegative(r.hi - hi, domains) for lo, hi in ends.values())
    return inside and all(is_nonnegative(ends[y][0] - ends[x][1] - 1, domains) or is_nonnegative(
        ends[x][0] - ends[y][1] - 1, domains) for g, k in ((0, 1), (0, 2), (1, 2)) for x in groups[g] for y in groups[k])


def _one(h: Hypothesis, a: RVSet, b: RVSet, c: RVSet) -> bool:
    if isinstance(h, Markov):
        return _markov(h, a, b, c)
    if isinstance(h, Independent):
        return _independent(h.left, h.right, h.given, a, b, c) or _independent(h.right, h.left, h.given, a, b, c)
    if isinstance(h, MutuallyIndependent) and h.family_range is None:
        return _mutual(h, a, b, c)
    if isinstance(h, FunctionOf):
        return (a.issubset(h.output) or b.issubset(h.output)) and h.input.issubset(c)
    return False


def _markov(h: Markov, a: RVSet, b: RVSet, c: RVSet) -> bool:
    allvars = h.variables()
    if not (a.issubset(allvars) and b.issubset(allvars) and c.issubset(allvars)):
        return False
    links = list(h.chain)
    cond_nodes = {k for k, link in enumerate(links) if not link.isdisjoint(c)}
    if any(not links[k].issubset(c) for k in cond_nodes):
        return False  # conditioning on part of a link is not covered by the chain
    a_nodes = {k for k, link in enumerate(links) if not link.isdisjoint(a)}
    b_nodes = {k for k, link in enumerate(links) if not link.isdisjoint(b)}
    if a_nodes & b_nodes or a_nodes & cond_nodes or b_nodes & cond_nodes:
        return False
    # d-separation in the path 0 -> 1 -> ... -> k-1: the one path between links i and j runs through the links
    # strictly between them, none a collider, so it is blocked exactly when one of those is conditioned on
    return all(any(min(i, j) < k < max(i, j) for k in cond_nodes) for i in a_nodes for j in b_nodes)


def _independent(left: RVSet, right: RVSet, given: RVSet, a: RVSet, b: RVSet, c: RVSet) -> bool:
    if not given.issubset(c):
        return False
    w = c - given
    if not w.issubset(left | right):
        return False
    return a.issubset(left - w) and b.issubset(right - w)


def _mutual(h: MutuallyIndependent, a: RVSet, b: RVSet, c: RVSet) -> bool:
    if not h.given.issubset(c):
        return False
    members = list(h.members)
    rest = c - h.given
    cond = {k for k, m in enumerate(members) if not m.isdisjoint(rest)}
    if any(not members[k].issubset(rest) for k in cond):
        return False
    if not rest.issubset(RVSet(*[members[k] for k in cond])):
        return False
    ga = {k for k, m in enumerate(members) if not m.isdisjoint(a)}
    gb = {k for k, m in enumerate(members) if not m.isdisjoint(b)}
    covered = RVSet(*members)
    if not (a.issubset(covered) and b.issubset(covered)):
        return False
    return not (ga & gb) and not (ga & cond) and not (gb & cond)
