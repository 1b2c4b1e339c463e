"""``derive eval`` prints a value inside its own certified enclosure (session 28's attack).

``derive eval "I(X; Y)" --model "X ~ Bernoulli(1e-300); Y | X ~ BSC(1/10)"`` printed ``0.0 bits (certified: in
[2.5359e-300 +/- 2.60e-320])``: the float value came from entropies near 0.47 whose difference cancels every digit
(an mpmath retry at 20 digits cancels too), while the arb enclosure, which raises its precision until it excludes
0, had the value. Likewise ``I(X; Y) - 1e-9`` printed ``-1.00000002722922e-09`` beside the enclosure
``[-1.0000000000000000000e-9 +/- 3e-33]``. A value further from the enclosure's midpoint than float rounding is
now printed from the midpoint (17 digits). Oracle: the mutual information at 700 digits with mpmath, from the
model's definition written here.
"""

from __future__ import annotations

import json

import mpmath
import pytest

from support.cli import run

MODEL = "X ~ Bernoulli(1e-300); Y | X ~ BSC(1/10)"


def _mutual_information_bits(p: str, delta: str) -> mpmath.mpf:
    with mpmath.workdps(700):
        p, d = mpmath.mpf(p), mpmath.mpf(delta)
        joint = {(x, y): (p if x else 1 - p) * (d if x != y else 1 - d) for x in (0, 1) for y in (0, 1)}
        px = {x: joint[x, 0] + joint[x, 1] for x in (0, 1)}
        py = {y: joint[0, y] + joint[1, y] for y in (0, 1)}
        return sum(v * mpmath.log(v / (px[x] * py[y]), 2) for (x, y), v in joint.items() if v)


@pytest.mark.parametrize("expr, shift", [("I(X; Y)", 0), ("I(X; Y) - 1e-9", mpmath.mpf("1e-9"))])
def test_the_printed_value_is_the_certified_one(expr, shift, capsys):
    truth = _mutual_information_bits("1e-300", "0.1") - shift
    code, out, _ = run(["eval", expr, "--model", MODEL, "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and "enclosure" in res, out
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(res["value"]) - truth) <= 1e-15 * abs(truth), (res, truth)
        assert abs(mpmath.mpf(res["digits"]) - truth) <= 1e-16 * abs(truth)
    code, out, _ = run(["eval", expr, "--model", MODEL], capsys)
    assert out.startswith(res["digits"] + " bits (certified: in ["), out


def test_a_side_of_a_statement_too(capsys):
    code, out, _ = run(["eval", "I(X; Y) >= 1e-300", "--model", MODEL], capsys)
    assert code == 0 and out.startswith("true (certified:") and ": 2.5359400011538499e-300 >= 1e-300" in out, out


def test_values_float_computes_well_keep_their_short_form(capsys):
    code, out, _ = run(["eval", "H(Y | X)", "--model", "X ~ Bernoulli(1/3); Y | X ~ BSC(1/10)"], capsys)
    assert out.startswith("0.468995593589281 bits (certified"), out


def _binary_entropy_bits(p: str) -> mpmath.mpf:
    with mpmath.workdps(1000):
        p = mpmath.mpf(p)
        return -p * mpmath.log(p, 2) - (1 - p) * mpmath.log(1 - p, 2)


@pytest.mark.parametrize("dps", [None, "20", "60"])
def test_a_value_below_floats_range_is_the_certified_one(dps, capsys):
    """Session 29: ``H(X)`` for Bernoulli(1e-400) is 1.33e-397; its float is 0.0, and the 20-digit (and 60-digit)
    mpmath retry cancelled to ``1.6561326860588922e-41`` (``1 - p`` rounds to 1 at those precisions), printed
    beside the enclosure ``[1.3302e-397 ± 4.5e-417]``. The shown digits are now compared with the ball too."""
    truth = _binary_entropy_bits("1e-400")
    extra = ["--dps", dps] if dps else []
    code, out, _ = run(["eval", "H(X)", "--model", "X ~ Bernoulli(1e-400)", "--json", *extra], capsys)
    res = json.loads(out)
    assert code == 0, out
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(res["digits"]) - truth) <= 1e-15 * truth, (res, truth)
    code, out, _ = run(["eval", "H(X) >= 1e-398", "--model", "X ~ Bernoulli(1e-400)", "--json", *extra], capsys)
    res = json.loads(out)
    with mpmath.workdps(40):
        assert res["holds"] is True and abs(mpmath.mpf(res["lhs_digits"]) - truth) <= 1e-15 * truth, res
