"""Random joint pmfs of a family ``X1..Xn`` with a block mutually independent given some variables, and their
entropies with numpy (an oracle that shares nothing with derive's numerics)."""

from __future__ import annotations

import itertools

import numpy as np


def entropy_of(p: dict, idx: list[int]) -> float:
    marg: dict = {}
    for k, v in p.items():
        key = tuple(k[i] for i in idx)
        marg[key] = marg.get(key, 0.0) + v
    return -sum(v * np.log2(v) for v in marg.values() if v > 0)


def mutual_information_of(p: dict):
    def mi(a, b, c):
        return entropy_of(p, a + c) + entropy_of(p, b + c) - entropy_of(p, a + b + c) - entropy_of(p, c)
    return mi


def random_model(rng: np.random.Generator, n: int, block: tuple[int, int], cond: list[str],
                 identical: bool = False) -> tuple[dict, list[str]]:
    """A random pmf over binary ``cond`` variables, ``X1..Xn`` (those in ``block`` mutually independent given
    ``cond``; with ``identical``, i.i.d.: one law given ``cond``), then ``M``, ``P``, ``Q``, ``Z``, ``W`` not in
    ``cond`` — each a random channel of all before it."""
    lo, hi = block
    names = list(cond) + [f"X{k}" for k in range(1, n + 1)] + [v for v in "MPQZW" if v not in cond]
    order = list(cond) + [f"X{k}" for k in range(lo, hi + 1)] + [f"X{k}" for k in range(1, n + 1) if not lo <= k <= hi]
    order += [v for v in "MPQZW" if v not in cond]
    tables: dict[str, dict] = {}
    for pos, v in enumerate(order):
        parents = list(cond) if v in [f"X{k}" for k in range(lo, hi + 1)] else order[:pos]
        tables[v] = (parents, {key: rng.dirichlet([0.6, 0.6]) for key in itertools.product((0, 1), repeat=len(parents))})
        if identical and v in [f"X{k}" for k in range(lo + 1, hi + 1)]:
            tables[v] = tables[f"X{lo}"]
    p = {}
    for values in itertools.product((0, 1), repeat=len(order)):
        val = dict(zip(order, values))
        prob = 1.0
        for v in order:
            parents, table = tables[v]
            prob *= table[tuple(val[u] for u in parents)][val[v]]
        p[tuple(val[name] for name in names)] = prob
    return p, names
