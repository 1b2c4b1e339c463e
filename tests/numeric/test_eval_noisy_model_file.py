"""``derive eval --model-file`` reads a noisy counterexample of ``derive verify`` back (session 24).

A counterexample with ``noise_widths`` (continuous ``V = w (D + U)`` over its discrete table) was refused by eval as
an unknown key; read as a discrete table it would have given the discrete entropies, ``H(Y) >= 0``. Now its values
come from interval arithmetic with the widths, and they must agree with an independent computation from the table:
``h(S) = -Σ p log2 p + Σ_{V ∈ S} log2 w_V``.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from derive.errors import InvalidArgument
from derive.numeric.distributions import JointPMF, Model
from derive.numeric.evaluate import evaluate
from support.cli import run
from support.noisy import entropy_bits

PROOF = """
[proof]
name = "mixed"
[variables]
random = ["X", "Y", "Z"]
continuous = ["Y"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
[[step]]
id = "neg"
claim = "H(Y | X) >= 0"
rule = "shannon"
"""


def _counterexample(tmp_path, capsys) -> tuple[dict, str]:
    proof = tmp_path / "m.toml"
    proof.write_text(PROOF)
    code, out, _ = run(["verify", str(proof), "--samples", "40", "--json"], capsys)
    ce = json.loads(out)["proofs"][0]["steps"][0]["counterexample"]
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(ce))
    return ce, str(path)


def _h(ce: dict, names: list[str]) -> float:
    return entropy_bits(ce, names)


def test_the_counterexample_reads_back_with_its_widths(tmp_path, capsys):
    ce, path = _counterexample(tmp_path, capsys)
    assert ce["noise_widths"]
    code, out, _ = run(["eval", "H(Y | X) >= 0", "--model-file", path, "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["holds"] is False and res["certified"] is True
    assert res["lhs"] == pytest.approx(_h(ce, ["X", "Y"]) - _h(ce, ["X"]), abs=1e-12)
    code, out, _ = run(["eval", "I(X; Y)", "--model-file", path, "--json"], capsys)
    assert json.loads(out)["value"] == pytest.approx(_h(ce, ["X"]) + _h(ce, ["Y"]) - _h(ce, ["X", "Y"]), abs=1e-12)


@pytest.mark.parametrize("expr, message", [("I(Y; Y)", "+oo"), ("H(Y | Y)", "-oo"), ("sqrt(H(Y))", "cannot evaluate"),
                                           ("D(P || Q)", "H and I only")])
def test_what_a_noisy_model_cannot_say_is_refused(tmp_path, capsys, expr, message):
    _, path = _counterexample(tmp_path, capsys)
    code, _, err = run(["eval", expr, "--model-file", path], capsys)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("widths", [{"Y": "-1/2"}, {"Y": "0"}, {"W": "1/2"}, {"Y": "x"}, ["Y"]])
def test_bad_widths_are_refused(tmp_path, capsys, widths):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"names": ["X", "Y"], "table": [[0.25, 0.25], [0.25, 0.25]], "noise_widths": widths}))
    code, _, err = run(["eval", "H(Y)", "--model-file", str(path)], capsys)
    assert code == 2 and "Traceback" not in err


def test_the_float_evaluator_refuses_a_noisy_model():
    joint = JointPMF.exact(["Y"], np.array([Fraction(1, 2), Fraction(1, 2)], dtype=object))
    with pytest.raises(InvalidArgument, match="continuous"):
        from derive.core.quantities import H
        from derive.core.variables import RV
        evaluate(H(RV("Y")), Model(joint, noise_widths={"Y": Fraction(1, 4)}))
