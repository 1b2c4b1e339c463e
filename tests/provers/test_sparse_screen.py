"""The numpy screen of the sparse GF(2) models (issue #18) selects exactly the models the exact loop of
``search_counterexample`` would accept: a violated (scaled) slack, every scaled hypothesis equality zero."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core import RV
from derive.provers.refute import _integer_value, _screen_single_bit_models, _sparse_models

ITEMS = [RV(f"X{i}") for i in range(1, 6)]


def _form(draw_terms, const):
    return const, [(c, tuple(ITEMS[i] for i in range(len(ITEMS)) if mask >> i & 1)) for mask, c in draw_terms]


terms = st.lists(st.tuples(st.integers(1, 31), st.integers(-4, 4).filter(bool)), min_size=1, max_size=6)


@settings(max_examples=80, deadline=None)
@given(slack=terms, const=st.integers(-2, 3), eqs=st.lists(terms, max_size=2), equality=st.booleans(),
       seed=st.integers(0, 5))
def test_screen_is_the_exact_condition(slack, const, eqs, equality, seed):
    models = _sparse_models(ITEMS, random.Random(seed))
    s = _form(slack, const)
    qs = [_form(q, 0) for q in eqs]
    expected = []
    for t, a in enumerate(models):
        v = _integer_value(s, a, True)
        hit = v < 0 or (v != 0 if equality else (v - const < 0 <= const))
        if hit and all(_integer_value(q, a, True) == 0 for q in qs):
            expected.append(t)
    assert _screen_single_bit_models(ITEMS, models, s, qs, equality) == expected
