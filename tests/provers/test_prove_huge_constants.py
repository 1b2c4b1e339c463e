"""``prove``/``check`` on claims whose constant term is a huge real number (``H(X) <= exp(10^4)``).

Found attacking the prover (session 10): the rational stand-in of an irrational constant was ``ceiling(c·2^k)``,
which for ``exp(10^4)`` made a 4,343-digit integer (an internal error when printed), for ``exp(exp(exp(10)))`` an
overflow, and for ``exp(10^10)`` ran until the 60 s budget. Constants beyond 10^100 are now never rounded: a
negative one is replaced by -1, a positive one dropped (proofs only; the kernel re-checks the claim with its
constant). Oracles: the cone fact (``f + c >= 0`` is Shannon-type iff ``f >= 0`` is, for ``c >= 0``), and each
reported model's slack re-evaluated independently at 50 digits (``_slack_on_reported_model``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mpmath
import pytest
import sympy

from derive.core import H, I, RV, Statement
from derive.provers.shannon import HUGE_CONSTANT, prove, refute
from tests.provers.test_prove_irrational_constant import _slack_on_reported_model

X, Y = RV("X"), RV("Y")
BIG = [sympy.exp(10 ** 4), sympy.exp(10 ** 10), sympy.exp(sympy.exp(sympy.exp(10))), sympy.exp(231)]


@pytest.mark.parametrize("c", BIG)
def test_true_claims_with_a_huge_constant_are_proved_by_the_kernel(c):
    for claim in (Statement(H(X, given=Y), "<=", H(X) + c), Statement(H(X), ">=", -c),
                  Statement(I(X, Y), "<=", H(X, Y) + c)):
        res = prove(claim, timeout=20)
        assert res.status == "proved", (claim, res.message)


@pytest.mark.parametrize("c", BIG)
def test_false_claims_with_a_huge_positive_constant_are_not_refuted_but_said_unsupported(c):
    """``H(X) <= c`` is false (entropy is unbounded) but every witness has more than ``c`` copies of a model."""
    res = prove(Statement(H(X), "<=", c), timeout=20)
    assert res.status == "unsupported"
    assert "10^100" in res.message and res.counterexample is None
    assert refute(Statement(H(X), "<=", c)) is None


@pytest.mark.parametrize("c", BIG)
def test_false_claims_with_a_huge_negative_constant_are_refuted_with_a_certified_model(c):
    for claim in (Statement(H(X), "<=", -c), Statement(H(X), ">=", c), Statement(I(X, Y), ">=", c)):
        res = prove(claim, timeout=20)
        assert res.status == "false", (claim, res.message)
        assert res.counterexample["certified"]
        with mpmath.workdps(50):  # the model's own slack, independently: negative beyond doubt
            if c.free_symbols or not mpmath.isfinite(mpmath.mpf(sympy.N(c, 30))):
                continue
            assert _slack_on_reported_model(claim, res.counterexample) < 0


def test_the_threshold_keeps_rounding_below_it():
    """``exp(230) < 10^100 < exp(231)``: below, the constant is rounded and a model with copies refutes the claim."""
    assert sympy.exp(230) < HUGE_CONSTANT < sympy.exp(231)
    claim = Statement(H(X), "<=", sympy.exp(230))
    res = prove(claim, timeout=20)
    cex = res.counterexample
    assert res.status == "false" and cex["model"] == {"X": "b1"} and cex["copies"] > 10 ** 99
    with mpmath.workdps(250):  # H(X) = copies bits on that model: the slack exp(230) - copies, at 250 digits
        assert mpmath.exp(230) - cex["copies"] < 0


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_check_and_prove_cli_give_verdicts_not_internal_errors(tmp_path: Path):
    proof = tmp_path / "huge.toml"
    proof.write_text("""[proof]
name = "huge"
units = "bits"

[variables]
random = ["X", "Y"]

[[step]]
id = "true_step"
claim = "H(X|Y) <= H(X) + exp(10^4)"
rule = "shannon"

[[step]]
id = "false_step"
claim = "H(X) <= exp(10^4)"
rule = "shannon"
""")
    out = subprocess.run([sys.executable, "-m", "derive.cli", "check", str(proof)], capture_output=True, text=True,
                         timeout=120)
    assert "internal error" not in out.stdout + out.stderr
    lines = {ln.split()[0]: ln for ln in out.stdout.splitlines()[1:] if ln.startswith("  ") and ln.split()}
    assert " ok " in lines["true_step"] and "UNCHECKED" in lines["false_step"]
    out = subprocess.run([sys.executable, "-m", "derive.cli", "prove", "H(X) <= exp(10^10)"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1 and out.stdout.startswith("unsupported"), out.stdout + out.stderr
