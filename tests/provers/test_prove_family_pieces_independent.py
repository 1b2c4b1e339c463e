"""The Shannon LP over the pieces of a family (``X[1]``, ``X[2..n]``) under the family's mutual independence.

``I(M; X[1..n] | P) >= I(M; X[1] | P) + I(M; X[2..n] | P)`` for samples mutually independent given ``P`` (peel a
sample off: the chain rule and ``I(X[1]; X[2..n] | P) = 0``) was ``unknown``: the search that reads a family's
blocks and members as the pieces of their common refinement left every step with a hypothesis alone. Now the
pieces inside the independent range inherit the independence (``_pieces_independent``); the kernel re-derives each
independence the certificate uses from the original hypothesis.

Oracles: numpy entropies of random models of the hypothesis at n = 3, 4 for every claim the search proves, and
hand-made counterexamples for the near misses.
"""

from __future__ import annotations

import numpy as np
import pytest

from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.provers.certificate_search import default_oracle
from tests.support.family_models import mutual_information_of, random_model


def _status(claim: str, hypothesis: str | None, n: str = "integer >= 2") -> str:
    hyp = f'[[hypothesis]]\nid = "h"\n{hypothesis}\n' if hypothesis else ""
    text = f'''[proof]
name = "pieces"
[parameters]
n = "{n}"
[variables]
random = ["M", "P"]
families = {{ X = "1..n" }}
{hyp}[[step]]
id = "s"
claim = "{claim}"
rule = "shannon"
uses = [{'"h"' if hypothesis else ''}]
'''
    return check_proof(read_proof_text(text), oracle=default_oracle()).steps[-1].status


PEEL = "I(M; X[1..n] | P) >= I(M; X[1] | P) + I(M; X[2..n] | P)"
MUTUAL = 'mutually_independent = "X[1..n] | P"'

CLAIMS = [
    (PEEL, MUTUAL),
    ("I(M; X[1..n] | P) >= I(M; X[1..n-1] | P) + I(M; X[n] | P)", MUTUAL),
    ("I(M; X[1..n] | P) <= I(M; X[1] | P) + I(M; X[2..n] | P, X[1])", None),  # the chain rule, no hypothesis
    (PEEL, 'iid = "X[1..n] | P"'),
]


@pytest.mark.parametrize("claim, hypothesis", CLAIMS)
def test_peeling_a_sample_off_is_proved_and_holds_on_models(claim, hypothesis):
    assert _status(claim, hypothesis) == "proved"
    rng = np.random.default_rng(0)
    for n in (3, 4):
        p, names = random_model(rng, n, (1, n), ["P"])
        ix = {name: k for k, name in enumerate(names)}
        mi = mutual_information_of(p)
        xs = [ix[f"X{k}"] for k in range(1, n + 1)]
        m, pp = [ix["M"]], [ix["P"]]
        if claim == PEEL:
            assert mi(m, xs, pp) >= mi(m, xs[:1], pp) + mi(m, xs[1:], pp) - 1e-9
        elif "X[1..n-1]" in claim:
            assert mi(m, xs, pp) >= mi(m, xs[:-1], pp) + mi(m, xs[-1:], pp) - 1e-9


@pytest.mark.parametrize("hypothesis", [None, 'mutually_independent = "X[2..n] | P"',
                                        'mutually_independent = "X[1..n] | M"'])
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_peeling_without_the_independence_it_needs_is_not_proved(hypothesis):
    """No hypothesis, X[1] outside the independent block, or independence given the wrong variable: M = X[1] =
    X[2] (a constant P) gives I(M; X[1], X[2]) = 1 < I(M; X[1]) + I(M; X[2]) = 2 at n = 2."""
    assert _status(PEEL, hypothesis) != "proved"
    joint = {(b, b, b): 0.5 for b in (0, 1)}  # (M, X1, X2), P constant

    def h(idx):
        marg: dict = {}
        for k, v in joint.items():
            key = tuple(k[i] for i in idx)
            marg[key] = marg.get(key, 0) + v
        return -sum(v * np.log2(v) for v in marg.values())

    def i(a, b):
        return h(a) + h(b) - h(a + b)
    assert i([0], [1, 2]) < i([0], [1]) + i([0], [2])
