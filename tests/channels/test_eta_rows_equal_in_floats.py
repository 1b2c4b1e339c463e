"""``derive eta`` on channels whose rows differ by less than a float's precision (session 28's attack).

``derive eta bsc:0.4999999999999999999`` printed ``eta_chi2 (sup) 2e-38`` next to ``eta_KL 4e-38`` although the
two are equal for every channel (Ahlswede & Gács 1976): the float search for the maximizing input computed the
rows' difference in floats, where both rows are (0.5, 0.5), so it saw a constant objective and returned an
arbitrary input ([1, 8.9e-16]); the certified bracket [1.4e-52, 4e-38] held, but its lower end and the printed
value were useless. The search now carries the exact differences. Oracles: the literature's closed form
(1 - 2 delta)^2 for the BSC, and the supremum over pairs and weights found at 60 digits with mpmath (g is concave
in the weight: a golden-section search) for a three-row matrix.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest


def _eta(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "derive.cli", "eta", *args, "--json"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("delta", ["0.4999999999999999999", "1/2 - 1/10^30"])
def test_a_bsc_next_to_one_half_has_its_closed_form_as_eta_chi2(delta):
    d = Fraction(5, 10) - Fraction(1, 10 ** 19) if delta.startswith("0.") else Fraction(1, 2) - Fraction(1, 10 ** 30)
    spec = f"bsc:{d.numerator}/{d.denominator}"
    res = _eta(spec)
    exact = (1 - 2 * d) ** 2
    assert res["exact"]["eta_chi2"] == res["exact"]["eta_kl"] == str(exact), res   # a single point: exact
    assert res["eta_chi2_bracket"] == [float(exact)] * 2
    assert abs(res["eta_chi2"] - res["eta_kl"]) <= 1e-12 * res["eta_kl"]   # input-free: the two are equal


def _sup_over_pairs(rows) -> mpmath.mpf:
    best = mpmath.mpf(0)
    for a, b in itertools.combinations(rows, 2):
        def g(t, a=a, b=b):
            return t * (1 - t) * sum((x - y) ** 2 / (t * x + (1 - t) * y) for x, y in zip(a, b) if t * x + (1 - t) * y)
        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        phi = (mpmath.sqrt(5) - 1) / 2
        for _ in range(200):
            m1, m2 = hi - phi * (hi - lo), lo + phi * (hi - lo)
            if g(m1) < g(m2):
                lo = m1
            else:
                hi = m2
        best = max(best, g((lo + hi) / 2))
    return best


def test_a_matrix_with_rows_equal_in_floats():
    e = Fraction(1, 10 ** 19)
    rows = [[Fraction(1, 2) - e, Fraction(1, 2) + e], [Fraction(1, 2), Fraction(1, 2)],
            [Fraction(1, 2) + 3 * e / 10, Fraction(1, 2) - 3 * e / 10]]
    spec = "matrix:[" + ",".join("[" + ",".join(f"{x.numerator}/{x.denominator}" for x in r) + "]" for r in rows) + "]"
    res = _eta(spec)
    with mpmath.workdps(60):
        sup = _sup_over_pairs([[mpmath.mpf(x.numerator) / x.denominator for x in r] for r in rows])
        lo, hi = res["eta_chi2_bracket"]
        assert lo <= sup * (1 + mpmath.mpf(10) ** -12) and sup <= hi * (1 + mpmath.mpf(10) ** -12), (lo, hi, sup)
        assert hi - lo <= 1e-9 * float(sup)
    assert res["maximizing_input"][1] == 0   # the two outer rows
