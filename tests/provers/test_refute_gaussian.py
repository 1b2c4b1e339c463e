"""``derive check`` refutes an unchecked Shannon-type step (or a failed ``linear`` step) about continuous variables
with a certified jointly Gaussian counterexample, when every variable is continuous (red team, session 19: such
steps were left ``unchecked``, "no counterexample was found", because the refuter's models are discrete).

Oracle: the covariance printed in the message is parsed back and the claim, the premises and the Markov chain are
re-evaluated with numpy (``slogdet``) and exact Fractions, independently of derive's evaluator."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from support.gaussian import entropy_bits
from derive.checking import check_file

HEAD = """
[proof]
name = "gaussian refutation"
[variables]
random = ["X", "Y", "Z"]
continuous = ["X", "Y", "Z"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
[[hypothesis]]
id = "pos"
assume = "H(X) >= 0"
"""


def _steps(tmp_path, body: str) -> dict:
    path = tmp_path / "g.toml"
    path.write_text(HEAD + body)
    return {s.id: s for s in check_file(path).report.steps}


def _model(message: str) -> tuple[list[str], np.ndarray, list[list[Fraction]]]:
    m = re.search(r"covariance of \(([^)]*)\) = (\[\[.*?\]\])", message)
    names = [n.strip() for n in m.group(1).split(",")]
    rows = re.findall(r"\[([^\[\]]*)\]", m.group(2))
    exact = [[Fraction(x.strip()) for x in r.split(",")] for r in rows]
    return names, np.array([[float(x) for x in r] for r in exact]), exact


def _h(cov, names, vs) -> float:
    return entropy_bits(cov, [names.index(v) for v in vs])


def _markov_holds(names, exact) -> bool:
    x, y, z = (names.index(v) for v in "XYZ")
    return exact[x][z] * exact[y][y] == exact[x][y] * exact[y][z]


@pytest.mark.parametrize("claim, slack", [
    ("H(X | Y) >= 0", lambda c, n: _h(c, n, "XY") - _h(c, n, "Y")),
    ("I(X; Y) <= I(X; Z)", lambda c, n: (_h(c, n, "X") + _h(c, n, "Z") - _h(c, n, "XZ"))
     - (_h(c, n, "X") + _h(c, n, "Y") - _h(c, n, "XY"))),
    ("H(Y) + H(Z) >= 0", lambda c, n: _h(c, n, "Y") + _h(c, n, "Z")),
])
def test_a_false_shannon_step_is_refuted_by_a_gaussian_model(tmp_path, claim, slack):
    step = _steps(tmp_path, f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\nuses = ["m"]\n')["s"]
    assert step.status == "failed" and "jointly Gaussian" in step.message, step.message
    names, cov, exact = _model(step.message)
    assert np.all(np.linalg.eigvalsh(cov) > 0) and _markov_holds(names, exact)
    assert slack(cov, names) < -1e-9


def test_the_premises_hold_on_the_counterexample(tmp_path):
    """H(X) + H(Y) >= 0 from H(X) >= 0: false only where H(Y) < -H(X) <= 0; the model must keep H(X) >= 0."""
    body = '[[step]]\nid = "s"\nclaim = "H(X) + H(Y) >= 0"\nrule = "shannon"\nuses = ["m", "pos"]\n'
    step = _steps(tmp_path, body)["s"]
    assert step.status == "failed" and "the premises pos hold there" in step.message, step.message
    names, cov, _ = _model(step.message)
    assert _h(cov, names, "X") >= 0 > _h(cov, names, "X") + _h(cov, names, "Y")


def test_a_failed_linear_step_says_the_claim_is_false(tmp_path):
    step = _steps(tmp_path, '[[step]]\nid = "s"\nclaim = "H(Z) >= 0"\nrule = "linear"\n')["s"]
    assert step.status == "failed" and "false on a model" in step.message and "jointly Gaussian" in step.message
    names, cov, _ = _model(step.message)
    assert _h(cov, names, "Z") < 0


def test_true_steps_are_not_refuted(tmp_path):
    """True for every continuous law, so for every Gaussian one: proved, or left unchecked saying what was tried."""
    body = "".join(f'[[step]]\nid = "s{k}"\nclaim = "{c}"\nrule = "shannon"\nuses = ["m"]\n' for k, c in enumerate(
        ["I(X; Z) <= I(X; Y)", "H(X | Y) <= H(X)", "I(X; Z | Y) == 0", "H(X, Y, Z) <= H(X) + H(Y | X) + H(Z | Y)"]))
    for step in _steps(tmp_path, body).values():
        assert step.status in ("proved", "unchecked"), step.message


FAMILY = """
[proof]
name = "gaussian refutation, a family of assumptions"
[parameters]
n = "integer >= 2"
[variables]
random = ["M"]
families = { X = "1..n" }
continuous = ["X", "M"]
[[hypothesis]]
id = "each"
assume = "H(X[i]) >= 1 for i in 1..n"
[[step]]
id = "one"
claim = "H(X[1]) >= 2"
rule = "shannon"
uses = ["each"]
[[step]]
id = "two"
claim = "H(X[1], X[2]) >= 3"
rule = "shannon"
uses = ["each"]
[[step]]
id = "true"
claim = "H(X[1]) + H(X[2]) >= 2"
rule = "shannon"
uses = ["each"]
"""


def test_a_family_of_assumptions_over_a_symbolic_range_is_kept_instance_by_instance(tmp_path):
    """Session 25: the Gaussian refuter skipped every step resting on ``... for i in 1..n`` (and said no Gaussian
    model refuted it); it now checks each instance at the drawn n. Oracle: numpy on the printed covariance — every
    instance holds, the claim fails."""
    path = tmp_path / "f.toml"
    path.write_text(FAMILY)
    steps = {s.id: s for s in check_file(path).report.steps}
    assert steps["true"].status == "proved"
    for sid, members, bound in (("one", ["X[1]"], 2), ("two", ["X[1]", "X[2]"], 3)):
        msg = steps[sid].message
        assert steps[sid].status == "failed" and "jointly Gaussian" in msg, msg
        names, cov, _ = _model(msg)
        n = int(re.search(r"at n = (\d+)", msg).group(1))
        for i in range(1, n + 1):
            assert entropy_bits(cov, [names.index(f"X[{i}]")]) >= 1 - 1e-12
        assert entropy_bits(cov, [names.index(m) for m in members]) < bound - 1e-9
