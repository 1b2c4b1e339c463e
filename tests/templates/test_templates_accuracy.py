"""Accuracy -> information: C*_alpha = min D(Ber(p) || Ber(q)) over p - q >= 1 - 2 alpha, certified.

Oracles: the values in ../shared/reference/memorization.md (checked numerically from the FKL25 full text), an
independent dense grid over the feasible set (numpy), the paper's C_alpha (larger) and Pinsker's 2(1 - 2 alpha)^2
(smaller).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from derive.errors import InvalidArgument
from derive.templates.accuracy import accuracy_information, pinsker_information

REFERENCE = {Fraction(1, 100): 3.912023, Fraction(1, 10): 1.586431, Fraction(1, 4): 0.532298,
             Fraction(1, 3): 0.228062, Fraction(2, 5): 0.080727}


@pytest.mark.parametrize("alpha,value", sorted(REFERENCE.items()))
def test_matches_the_reference_values(alpha, value):
    lo, hi = accuracy_information(alpha)
    assert lo <= hi and hi - lo < 1e-12
    assert abs(lo - value) < 1e-6
    paper = float((1 - 2 * alpha)) * math.log((1 - alpha) / alpha)  # the paper's C_alpha: the symmetric point
    assert hi <= paper + 1e-15 and lo >= float(pinsker_information(alpha)) - 1e-15


def _grid_minimum(alpha: float) -> float:
    delta = 1 - 2 * alpha
    q = np.linspace(1e-9, 1 - delta - 1e-12, 200_001)
    p = q + delta
    with np.errstate(divide="ignore", invalid="ignore"):
        d = p * np.log(p / q) + np.where(p < 1, (1 - p) * np.log((1 - p) / (1 - q)), 0.0)
    return float(np.nanmin(d))


@settings(max_examples=30, deadline=None)
@given(st.fractions(min_value=Fraction(1, 50), max_value=Fraction(49, 100)))
def test_the_bracket_holds_the_grid_minimum(alpha):
    lo, hi = accuracy_information(alpha)
    grid = _grid_minimum(float(alpha))
    assert lo <= grid + 1e-9  # a grid can only overestimate a minimum
    assert grid <= hi + 1e-6 * max(1.0, hi)


def test_edge_cases():
    assert accuracy_information(Fraction(0)) == (math.inf, math.inf)
    for bad in (Fraction(1, 2), Fraction(3, 4), Fraction(-1, 10)):
        with pytest.raises(InvalidArgument):
            accuracy_information(bad)


def test_bound_uses_alpha_when_no_info_is_given(capsys):
    import json

    from derive.cli import main

    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1", "--set", "alpha=1/3", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["values"][0]
    assert abs(row["bound"] - 12 * 0.22806219) < 1e-6 and row["bound"] <= 12 * accuracy_information(Fraction(1, 3))[0]
