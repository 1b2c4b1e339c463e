"""A jointly Gaussian model decides a hypothesis's entropy equality exactly (``GaussianModel.vanishes``): an
independence ``I(A; B | C) = 0``, an identical law's ``h(X[i]) - h(X[1]) = 0``, a family's sum of them.

Oracle: numpy's ``slogdet`` in the closed form h(S) = ½ (|S| log(2πe) + log det Σ_S), which shares nothing with
the exact determinant products the model compares.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.core.hypotheses import IID, MutuallyIndependent
from derive.core.quantities import H, I
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.numeric.gaussian import GaussianModel

NAMES = ["X[1]", "X[2]", "X[3]", "T"]
ITEMS = {"X[1]": FamilyMember("X", 1), "X[2]": FamilyMember("X", 2), "X[3]": FamilyMember("X", 3), "T": RV("T")}


def _h(cov: np.ndarray, idx: list[int]) -> float:
    if not idx:
        return 0.0
    sign, logdet = np.linalg.slogdet(cov[np.ix_(idx, idx)])
    assert sign > 0
    return 0.5 * (len(idx) * math.log(2 * math.pi * math.e) + logdet)


def _numpy_value(expr_terms: list[tuple[float, list[str]]], cov: np.ndarray) -> float:
    return sum(c * _h(cov, [NAMES.index(n) for n in names]) for c, names in expr_terms)


def _model(entries: list[int], diagonal: list[int], zero: set) -> tuple[GaussianModel, np.ndarray]:
    """Covariance L L^T + D from a lower-triangular L (entries small integers, some forced to 0) and D > 0."""
    k = len(NAMES)
    L = [[Fraction(0)] * k for _ in range(k)]
    it = iter(entries)
    for i in range(k):
        for j in range(i):
            L[i][j] = Fraction(0) if (i, j) in zero else Fraction(next(it))
        L[i][i] = Fraction(1)
    cov = [[sum((L[i][m] * L[j][m] for m in range(k)), Fraction(0)) + (Fraction(diagonal[i]) if i == j else 0)
            for j in range(k)] for i in range(k)]
    return GaussianModel(tuple(NAMES), cov, {}, {}, ""), np.array([[float(x) for x in row] for row in cov])


def _s(*names: str) -> RVSet:
    return RVSet(*(ITEMS[n] for n in names))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-2, 2), min_size=6, max_size=6), st.lists(st.integers(1, 3), min_size=4, max_size=4),
       st.sets(st.sampled_from([(i, j) for i in range(4) for j in range(i)])))
def test_independences_and_identical_laws_are_decided_as_numpy_computes_them(entries, diagonal, zero):
    model, cov = _model(entries, diagonal, zero)
    for a, b in itertools.combinations(NAMES, 2):
        rest = [n for n in NAMES if n not in (a, b)]
        for r in range(len(rest) + 1):
            for c in itertools.combinations(rest, r):
                e = I(_s(a), _s(b), _s(*c))
                value = _numpy_value([(1, [a, *c]), (1, [b, *c]), (-1, [a, b, *c]), (-1, list(c))], cov)
                assert model.vanishes(e, "t") == (abs(value) < 1e-9), (e, value)
    for a, b in itertools.combinations(NAMES[:3], 2):
        e = H(_s(a), _s("T")) - H(_s(b), _s("T"))
        value = _numpy_value([(1, [a, "T"]), (-1, [b, "T"])], cov)
        assert model.vanishes(e, "t") == (abs(value) < 1e-9), (e, value)


def test_a_family_hypothesis_is_checked_term_by_term():
    """X[1..3] i.i.d. given T: each member's law given T is the same; breaking one member's law is caught."""
    n = sympy.Symbol("n", integer=True, positive=True)
    iid = IID((), RVSet(RV("T")), family_range=FamilyRange("X", 1, n))
    mi, same, marginal = (e.xreplace({n: 3}) for e in iid.equalities())
    # X[i] = T + noise_i, independent noises of variance 1: i.i.d. given T
    cov = [[Fraction(2), Fraction(1), Fraction(1), Fraction(1)], [Fraction(1), Fraction(2), Fraction(1), Fraction(1)],
           [Fraction(1), Fraction(1), Fraction(2), Fraction(1)], [Fraction(1)] * 4]
    good = GaussianModel(tuple(NAMES), cov, {}, {}, "")
    assert good.vanishes(mi, "t") and good.vanishes(same, "t") and good.vanishes(marginal, "t")
    cov[2][2] = Fraction(3)  # X[3]'s noise has variance 2: still independent given T, not identically distributed
    bad = GaussianModel(tuple(NAMES), cov, {}, {}, "")
    assert bad.vanishes(mi, "t") and not bad.vanishes(same, "t") and not bad.vanishes(marginal, "t")
    cov[2][2], cov[1][2], cov[2][1] = Fraction(2), Fraction(3, 2), Fraction(3, 2)  # X[2], X[3] correlated given T
    assert not GaussianModel(tuple(NAMES), cov, {}, {}, "").vanishes(mi, "t")
