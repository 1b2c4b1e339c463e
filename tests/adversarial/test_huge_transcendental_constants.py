"""Constants whose size is beyond evaluation (session 10's own attack; the rational case was an earlier red team's).

``exp(exp(10^1000))`` passed the grammar's size limits (they bound exact rationals) and then failed wherever sympy
evaluated it: the kernel's sign engine raised OverflowError on ``exp(exp(10^1000)) >= 2`` (a true ``real`` step
"cannot check ... internal error"), ``derive prove`` printed "internal error" for every claim holding it, and a tiny
negative constant (``H(X) >= exp(-exp(exp(10)))``, false at constant variables) was "unsupported". Now the grammar
refuses numbers it cannot evaluate (exit 2, with the position), the sign engine answers "unknown" instead of raising
and reads ``exp(...) > 0`` structurally, and an irrational constant term provably < 0 is refuted at the all-constant
model. Oracle: the claims' truth is elementary (constant variables make every information quantity 0).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy

from derive.core import H, I, RV, Markov, RVSet, Statement
from derive.core.parameters import Domains
from derive.kernel.signs import sign_of
from derive.provers.shannon import prove, refute

X, Y, Z = RV("X"), RV("Y"), RV("Z")
HUGE = sympy.exp(sympy.exp(sympy.Integer(10) ** 1000))  # reachable from the Python API


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["exp(exp(10^1000)) >= 2", "H(X) <= exp(exp(10^1000))",
                                  "H(X) >= exp(-exp(10^1000))", "H(X) <= 1 + exp(exp(10^1000)) - exp(exp(10^1000))"])
def test_the_grammar_refuses_numbers_beyond_evaluation(text):
    out = _cli("prove", text)
    assert out.returncode == 2 and "too large" in out.stderr and "CLAIM:1:" in out.stderr, out.stderr
    assert "internal error" not in out.stderr


def test_the_sign_engine_answers_instead_of_raising():
    none = Domains({}, set())
    assert sign_of(HUGE, none) == "pos"  # exp(.) > 0 node by node, without evaluating
    assert sign_of(-HUGE, none) == "neg"
    assert sign_of(HUGE - 2, none) is None  # true, but unknown here: never an exception, never a wrong sign
    assert sign_of(sympy.exp(sympy.Integer(10) ** 10) - 2, none) == "pos"


@pytest.mark.parametrize("claim", [
    Statement(H(X), ">=", sympy.exp(-sympy.exp(sympy.exp(10)))),
    Statement(H(X), "<=", -sympy.exp(sympy.exp(sympy.exp(10)))),
    Statement(H(X), "==", sympy.log(3)),
    Statement(I(X, Y), "<=", H(X) + 1 - sympy.log(3) / sympy.log(2)),
])
def test_an_irrational_negative_constant_term_is_refuted_at_constant_variables(claim):
    res = prove(claim, timeout=20)
    assert res.status == "false" and res.counterexample["kind"] == "constant" and res.counterexample["certified"]
    assert refute(claim)["kind"] == "constant"


def test_under_a_markov_chain_the_refutation_at_constants_stands_and_the_true_variant_is_proved():
    """Constant variables satisfy a Markov chain (``refute.constant_model_satisfies``)."""
    chain = {"m": Markov((RVSet(X), RVSet(Y), RVSet(Z)))}
    res = prove(Statement(I(X, Z), "<=", I(X, Y) - sympy.exp(-sympy.exp(sympy.exp(10)))), chain, timeout=20)
    assert res.status == "false" and res.counterexample["kind"] == "constant"  # Markov chains hold at constants
    assert prove(Statement(I(X, Z), "<=", I(X, Y) + sympy.exp(-sympy.exp(sympy.exp(10)))), chain,
                 timeout=20).status == "proved"


def test_a_true_real_step_with_a_huge_constant_is_not_an_internal_error(tmp_path):
    proof = tmp_path / "p.toml"
    proof.write_text('[proof]\nname = "p"\n\n[[step]]\nid = "big"\nclaim = "exp(exp(exp(10))) >= 0"\nrule = "real"\n')
    out = _cli("check", str(proof))
    assert out.returncode == 0 and "internal error" not in out.stdout + out.stderr, out.stdout + out.stderr


def test_the_point_where_every_quantity_is_zero_names_equal_distributions_when_the_claim_has_d_or_tv():
    """D(P||Q) is 0 where P = Q, not where the variables are constant: the model must say so."""
    from derive.core.quantities import D, Dist

    claim = Statement(D(Dist("P"), Dist("Q")), "<=", sympy.log(3) / sympy.log(2) - 2)
    res = prove(claim, timeout=20)
    assert res.status == "false" and "all distributions equal" in res.counterexample["model"]
