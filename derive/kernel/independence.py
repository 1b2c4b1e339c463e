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
* ``Y = f(X)``: ``A ⊆ Y`` (or ``B ⊆ Y``) and ``X ⊆ C``.

Hypotheses are never combined with each other here (that needs the Shannon
prover, whose certificates the linear rule checks).
"""

from __future__ import annotations

from typing import Iterable

from derive.core.hypotheses import FunctionOf, Hypothesis, Independent, Markov, MutuallyIndependent
from derive.core.quantities import H, I
from derive.core.variables import RVSet

__all__ = ["implies_independence", "implies_zero"]


def implies_zero(hyps: Iterable[Hypothesis], expr) -> bool:
    """True when one hypothesis implies ``expr = 0``: ``I(A; B | C)`` by :func:`implies_independence`, or
    ``H(Y' | C)`` with ``Y' ⊆ Y`` for a declared ``Y = f(X)`` with ``X ⊆ C``."""
    hyps = list(hyps)
    if isinstance(expr, I):
        return implies_independence(hyps, expr.left, expr.right, expr.given)
    return isinstance(expr, H) and any(isinstance(h, FunctionOf) and expr.target.issubset(h.output)
                                       and h.input.issubset(expr.given) for h in hyps)


def implies_independence(hyps: Iterable[Hypothesis], a: RVSet, b: RVSet, c: RVSet) -> bool:
    """True when one hypothesis implies ``I(A; B | C) = 0`` (see module docstring)."""
    a, b = a - c, b - c
    if not a or not b:
        return True
    if not a.isdisjoint(b):
        return False
    return any(_one(h, a, b, c) for h in hyps)


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
