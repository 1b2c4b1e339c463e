"""``derive compose`` on every bundled proof: a bound worth printing (red team, session 19).

Found: ``fano_minimax`` composed to ``I(X; Y) >= I(X; Y)``, "proved (kernel-checked from uniform, fano)": no step
bounds ``I(X; Y)`` itself, so nothing was substituted, and the trivial start was reported as the bound with every
listed step as its source. Composition now also eliminates through the entropies' linear forms (``I(X; Y) =
H(X) + H(Y) - H(X, Y)``), and says so when nothing composes. Bits proofs printed ``ln`` and ``-1*(tau - 1)``
(factoring over ``ln 2`` hid ``log2``); each coefficient is now factored by the logarithm of each parameter.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import mpmath
import pytest

from derive.cli import main
from derive.compose import compose_theorem
from derive.core.quantities import has_information
from derive.io import read_proof

PROOFS = Path(__file__).resolve().parents[1] / "proofs"
INEQUALITY_THEOREMS = [p for p in sorted(PROOFS.glob("*.toml"))
                       if (pr := read_proof(p)).theorem is not None and pr.theorem.claim.rel != "=="]


@pytest.mark.parametrize("path", INEQUALITY_THEOREMS, ids=lambda p: p.stem)
def test_every_bundled_theorem_composes_to_a_proved_bound_that_reads_well(path, capsys):
    code = main(["compose", "--json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "proved", out
    lhs = out["bound"].split(" >= " if " >= " in out["bound"] else " <= ")[0]
    assert out["bound"] not in (f"{lhs} >= {lhs}", f"{lhs} <= {lhs}")  # never the start itself
    assert "-1*(" not in out["bound"]
    if read_proof(path).units == "bits":
        assert "ln(" not in out["bound"], out["bound"]


def test_fano_minimax_composes_to_its_theorem_through_the_entropies():
    """The oracle: the composed right side equals the theorem's at random parameter values (mpmath, 30 digits)."""
    proof = read_proof(PROOFS / "fano_minimax.toml")
    result = compose_theorem(proof)
    assert result.used == ["uniform", "fano"] or sorted(result.used) == ["fano", "uniform"]
    composed, claimed = result.statement.rhs, proof.theorem.claim.rhs
    assert not has_information(composed)
    symbols = {str(s): s for s in composed.free_symbols | claimed.free_symbols}
    rng = random.Random(5)
    for _ in range(10):
        at = {symbols["k"]: rng.randint(2, 50), symbols["pe"]: rng.uniform(0.01, 0.5)}
        a = mpmath.mpf(str(composed.xreplace(at).evalf(30)))
        b = mpmath.mpf(str(claimed.xreplace(at).evalf(30)))
        assert abs(a - b) < mpmath.mpf(10) ** -25


NOTHING_COMPOSES = """
[proof]
name = "nothing composes"
[variables]
random = ["X", "Y", "Z"]
[[step]]
id = "s"
claim = "I(X; Z) >= 0"
rule = "shannon"
[theorem]
claim = "I(X; Y) >= 0"
from = ["s"]
"""


def test_a_theorem_whose_steps_bound_nothing_it_names_is_an_error_not_a_trivial_bound(tmp_path, capsys):
    path = tmp_path / "t.toml"
    path.write_text(NOTHING_COMPOSES)
    code = main(["compose", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and "nothing composes" in captured.err and "I(X; Y)" in captured.err
    assert "composed bound" not in captured.out


EQUALITY = """
[proof]
name = "equality"
[parameters]
n = "integer >= 1"
[variables]
random = ["P", "M"]
families = { X = "1..n" }
[[hypothesis]]
id = "iid"
iid = "X[1..n] | P"
[[step]]
id = "sum"
claim = "H(X[1..n] | P) == n * H(X[1] | P)"
rule = "shannon"
uses = ["iid"]
[[step]]
id = "bound"
claim = "H(X[1..n] | P) <= n * H(X[1] | P) + 1"
rule = "shannon"
uses = ["iid"]
[theorem]
claim = "H(X[1..n] | P) == n * H(X[1] | P)"
from = [FROM]
"""


def test_an_equality_theorem_composes_from_its_equalities_alone(tmp_path, capsys):
    """It was refused ("composition needs an inequality theorem"); an inequality among its `from` is never used
    (composing with it would turn the equality into a bound)."""
    path = tmp_path / "eq.toml"
    path.write_text(EQUALITY.replace("FROM", '"bound", "sum"'))
    code = main(["compose", "--json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "proved" and out["from"] == ["sum"], out
    assert out["bound"] == "H(X[1..n] | P) == n*H(X[1] | P)"


def test_an_equality_theorem_from_inequalities_only_is_an_error(tmp_path, capsys):
    path = tmp_path / "eq.toml"
    path.write_text(EQUALITY.replace("FROM", '"bound"'))
    code = main(["compose", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "an equality theorem composes from equalities" in err, err
