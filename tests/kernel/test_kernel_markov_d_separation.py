"""The kernel's d-separation for Markov chains against two oracles that share none of its code.

The kernel decides ``I(A; B | C) = 0`` for a chain ``N_1 -> ... -> N_k`` by the path criterion (a link strictly
between every link touching A and every link touching B is conditioned on). Oracles: networkx's general
``is_d_separator`` on the chain's DAG, and the definition itself — the exact conditional mutual information on a
random chain of binary channels (each link one bit), which is 0 when the independence holds and, for generic
channels, positive when it does not.
"""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core.hypotheses import Markov
from derive.core.variables import RV, RVSet
from derive.kernel.independence import implies_independence


def _chain(k: int) -> tuple[Markov, list[RV]]:
    xs = [RV(f"X{i}") for i in range(k)]
    return Markov(tuple(RVSet(x) for x in xs)), xs


def _networkx_says(k: int, a: set, b: set, c: set) -> bool:
    g = nx.DiGraph()
    g.add_nodes_from(range(k))
    g.add_edges_from((i, i + 1) for i in range(k - 1))
    return nx.is_d_separator(g, a, b, c)


def _conditional_mi(k: int, a: set, b: set, c: set, rng: random.Random) -> float:
    """I(X_A; X_B | X_C) in bits on a chain of k bits with random binary channels (brute force over 2^k)."""
    p0 = rng.uniform(0.2, 0.8)
    flips = [rng.uniform(0.05, 0.45) for _ in range(k - 1)]
    joint = {}
    for xs in itertools.product((0, 1), repeat=k):
        p = p0 if xs[0] else 1 - p0
        for i in range(1, k):
            p *= flips[i - 1] if xs[i] != xs[i - 1] else 1 - flips[i - 1]
        joint[xs] = p

    def h(nodes: set) -> float:
        marg: dict = {}
        for xs, p in joint.items():
            key = tuple(xs[i] for i in sorted(nodes))
            marg[key] = marg.get(key, 0.0) + p
        return -sum(p * math.log2(p) for p in marg.values() if p > 0)

    return h(a | c) + h(b | c) - h(a | b | c) - h(c)


@settings(max_examples=300, deadline=None)
@given(k=st.integers(3, 7), data=st.data())
def test_the_path_criterion_agrees_with_networkx_and_with_the_distribution(k, data):
    roles = data.draw(st.lists(st.sampled_from("abc."), min_size=k, max_size=k))
    a = {i for i, r in enumerate(roles) if r == "a"}
    b = {i for i, r in enumerate(roles) if r == "b"}
    c = {i for i, r in enumerate(roles) if r == "c"}
    if not a or not b:
        return
    h, xs = _chain(k)
    pick = lambda nodes: RVSet(*[xs[i] for i in nodes])  # noqa: E731
    kernel = implies_independence([h], pick(a), pick(b), pick(c))
    assert kernel == _networkx_says(k, a, b, c), (roles, kernel)
    mi = _conditional_mi(k, a, b, c, random.Random(k * 1000 + len(a) * 10 + len(c)))
    assert (mi < 1e-12) == kernel, (roles, mi)


def test_accepted_and_rejected_instances():
    h, (x0, x1, x2, x3) = _chain(4)
    assert implies_independence([h], RVSet(x0), RVSet(x3), RVSet(x1))  # U -> X -> Y -> Z gives U -> X -> Z
    assert implies_independence([h], RVSet(x0), RVSet(x3), RVSet(x2))
    assert implies_independence([h], RVSet(x0, x1), RVSet(x3), RVSet(x2))
    assert not implies_independence([h], RVSet(x0), RVSet(x3), RVSet())  # nothing in between is conditioned on
    assert not implies_independence([h], RVSet(x1), RVSet(x2), RVSet(x0, x3))  # neighbours are never separated
    assert not implies_independence([h], RVSet(x0, x2), RVSet(x3), RVSet(x1))  # X2 -- X3 unblocked
