"""``derive eval`` on values outside float's range (found in session 10): ``exp(10^10)`` printed ``inf`` (and JSON
``Infinity``, which is not JSON), ``exp(-10^10)`` printed ``0.0``, and an uncertified comparison of two such values
compared ``inf`` with ``inf``. Values are now given as 17 significant digits from mpmath (whose exponents are
unbounded) and compared there. Oracle: mpmath directly, and ``log10`` of the printed value against ``x·log10(e)``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import pytest

from derive.commands.evaluate import evaluate_text


@pytest.mark.parametrize("x", [10 ** 4, 10 ** 10, -(10 ** 4), -(10 ** 10)])
def test_exp_beyond_float_range_is_given_in_digits(x):
    out = evaluate_text(f"exp({x})")
    printed = mpmath.mpf(out["digits"])
    with mpmath.workdps(40):
        assert abs(mpmath.log10(printed) - x * mpmath.log10(mpmath.e)) < 1e-12 * max(1, abs(x))
    assert out["value"] is None if x > 0 else out["value"] == 0.0
    json.loads(json.dumps(out, allow_nan=False))  # valid JSON: no Infinity


def test_values_in_float_range_are_unchanged():
    assert evaluate_text("exp(10)") == {"value": float(mpmath.exp(10)), "units": None}
    assert evaluate_text("0") == {"value": 0.0, "units": None}


@pytest.mark.parametrize("model", ["X ~ Bernoulli(1/2)", "X ~ Categorical([0.3, 0.7])"])
def test_comparisons_beyond_float_range_are_decided_on_the_values(model):
    """Both sides overflow float: the verdict must come from the values (certified or not)."""
    false = evaluate_text("H(X) + exp(10^4 + 1) <= exp(10^4)", model_text=model)
    true = evaluate_text("H(X) + exp(10^4) <= exp(10^4 + 1)", model_text=model)
    assert false["holds"] is False and true["holds"] is True
    assert mpmath.mpf(true["rhs_digits"]) > mpmath.mpf(true["lhs_digits"])


def test_cli_prints_digits_not_inf():
    out = subprocess.run([sys.executable, "-m", "derive.cli", "eval", "exp(10^10)"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("1.07775060795856") and "inf" not in out.stdout
