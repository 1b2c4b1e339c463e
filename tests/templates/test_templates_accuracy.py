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
    with pytest.raises(InvalidArgument, match="alpha = 0: .* is infinite"):   # C*_0 = D(Ber(1) || Ber(0)) = inf
        accuracy_information(Fraction(0))
    for bad in (Fraction(1, 2), Fraction(3, 4), Fraction(-1, 10)):
        with pytest.raises(InvalidArgument):
            accuracy_information(bad)


@pytest.mark.parametrize("template", [
    ["gaussian-cluster", "--set", "d=100", "--set", "r2=0.1"],
    ["boolean-cluster", "--set", "d=10000", "--set", "lambda=0.1"],
    ["sparse-hypercube", "--set", "d=1000", "--set", "nu=0.01"],
    ["cluster", "--prior", "uniform:2", "--channel", "bsc:0.1"],
    ["mixture", "--base", "gaussian-cluster", "--set", "k=5", "--set", "d=100", "--set", "r2=0.1"],
])
def test_alpha_zero_is_a_clear_error_in_every_template(template, capsys):
    """Session 28: alpha = 0 crashed every template with an internal error (an infinite C*_0 turned into a
    Fraction); now exit 2 naming the reason."""
    from derive.cli import main

    assert main(["bound", *template, "--set", "n=3", "--set", "alpha=0"]) == 2
    err = capsys.readouterr().err
    assert "alpha = 0" in err and "internal error" not in err, err


def test_bound_uses_alpha_when_no_info_is_given(capsys):
    import json

    from derive.cli import main

    assert main(["bound", "boolean-cluster", "--set", "rho=0.5", "--set", "n=1", "--set", "alpha=1/3", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["values"][0]
    assert abs(row["bound"] - 12 * 0.22806219) < 1e-6 and row["bound"] <= 12 * accuracy_information(Fraction(1, 3))[0]


def _mp_g(q, delta):
    """D(Ber(q + delta) || Ber(q)) in nats, mpmath at the working precision; q and delta mpf (0 < q <= 1 - delta)."""
    import mpmath

    p = q + delta
    rest = (1 - delta) - q                          # 1 - p, taken without cancellation
    tail = rest * mpmath.log(rest / (1 - q)) if rest > 0 else mpmath.mpf(0)
    return p * mpmath.log(p / q) + tail


@pytest.mark.parametrize("alpha", [Fraction(1, 179), Fraction(1, 200), Fraction(1, 1000), Fraction(1, 10**6),
                                   Fraction(1, 10**30)])
def test_small_alpha_brackets_hold_every_feasible_value(alpha):
    """Session 28: below alpha ~ 1/180 the search for a certified positive slope never ended (the minimizer lies
    within e^(-1/(2 alpha)) of the end p = 1, far below the working precision): `derive bound ... --set
    alpha=1/1000` hung. Oracle: g at 80 digits on points approaching that end geometrically and on a grid; the
    lower end lies below every value, the upper end is within float rounding of the least one found."""
    import mpmath

    lo, hi = accuracy_information(alpha)
    assert lo <= hi and hi - lo < 1e-12 * max(1.0, hi)
    with mpmath.workdps(80):
        a, delta = mpmath.mpf(alpha.numerator) / alpha.denominator, 1 - 2 * mpmath.mpf(alpha.numerator) / alpha.denominator
        top = 1 - delta
        points = [top - top * mpmath.mpf(2) ** -k for k in range(1, 4000, 7)] + [top]
        points += [top * mpmath.mpf(j) / 1000 for j in range(1, 1000)]
        values = [_mp_g(q, delta) for q in points]
        least = min(values)
    assert all(lo <= v for v in values)
    assert float(least) <= hi * (1 + 1e-14) and hi <= float(least) * (1 + 1e-14)
    assert abs(lo - math.log(1 / (2 * float(a)))) < 1e-9 * lo   # C*_alpha -> ln(1/(2 alpha)) (the end p = 1)


def test_small_alpha_in_the_bound_command(capsys):
    from derive.cli import main

    assert main(["bound", "gaussian-cluster", "--set", "d=100", "--set", "r2=0.1", "--set", "n=3",
                 "--set", "alpha=1/1000", "--json"]) == 0
    import json

    row = json.loads(capsys.readouterr().out)["values"][0]
    assert abs(row["bound"] - 30 * math.log(500)) < 1e-9 * row["bound"] and row["bound"] <= 30 * math.log(500)


@pytest.mark.parametrize("template, setting", [
    (["gaussian-cluster", "--set", "d=100", "--set", "r2=0.1"], "alpah=1/10"),      # a typo
    (["singletons"], "alpha=1/3"),        # singletons read info (bits per singleton), not an error rate
    (["singletons"], "d=20"),
    (["sparse-hypercube", "--set", "d=1000", "--set", "nu=0.01"], "info=2"),
])
def test_a_setting_the_template_does_not_read_is_a_clear_error(template, setting, capsys):
    """Session 28: `--set alpah=0.1` was ignored silently, the bound left at its default (I(M; X) >= 1)."""
    from derive.cli import main

    assert main(["bound", *template, "--set", "n=3", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert f"reads no setting {setting.split('=')[0]!r}" in err, err
