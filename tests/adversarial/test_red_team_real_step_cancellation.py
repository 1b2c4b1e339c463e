"""Red team: `derive check` calls a true `real` step false from an uncertified 30-digit evaluation.

``10^40 * (h(p) - h(1 - p)) >= 0`` on ``0 < p < 1`` is true: the binary entropy is symmetric,
h(p) = h(1 - p), so the left side is exactly 0 (an mpmath check at 60 digits gives 0.0 at p = 28/125). The kernel
has no certificate (``unchecked``), so the numeric tester (numeric/real.py) evaluates the slack at 30 digits, where
the two terms of size 10^40 cancel to about 10^40 * 10^-30, and compares with an *absolute* tolerance 1e-20:
the step is reported ``failed``, "false at {'p': '28/125'} (slack = -1073741824.0)", a counterexample that is
rounding noise. (exp(80) in place of 10^40 does the same.) A violation counts only when certified; the tolerance
must at least scale with the size of the terms (as derive verify's does since the last round).
"""

from __future__ import annotations

import mpmath
import pytest

from derive.checking import check_file

PROOF = """
[proof]
name = "red_real_cancellation"
[parameters]
p = "0 < p < 1"
[[step]]
id = "s"
claim = "10^40*(h(p) - h(1 - p)) >= 0"
rule = "real"
"""


def test_the_claim_is_an_identity_at_high_precision():
    with mpmath.workdps(80):
        h = lambda x: -x * mpmath.log(x, 2) - (1 - x) * mpmath.log(1 - x, 2)  # noqa: E731
        p = mpmath.mpf(28) / 125
        assert abs(mpmath.mpf(10) ** 40 * (h(p) - h(1 - p))) < mpmath.mpf(10) ** -30


def test_true_real_step_is_not_called_false(tmp_path):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    step = check_file(path, vacuity=False).report.steps[0]
    assert step.status != "failed", step.message


def test_an_api_symbol_is_sampled_where_its_assumptions_allow():
    """A symbol that is no declared parameter takes the values its sympy assumptions allow: the counterexample to
    ``z - 1 >= 0`` for a positive ``z`` lies in (0, 1), not at a negative z."""
    import sympy
    from fractions import Fraction

    from derive.api import Proof, Statement
    from derive.checking import check

    z = sympy.Symbol("z", positive=True)
    step = check(Proof("red_assumed").step("s", Statement(z - 1, ">=", sympy.Integer(0)), "real")).report.steps[0]
    assert step.status == "failed"
    value = Fraction(step.message.split("'z': '")[1].split("'")[0])
    assert 0 < value < 1
