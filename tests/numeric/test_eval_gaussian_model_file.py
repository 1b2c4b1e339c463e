"""``derive eval --model-file`` reads a jointly Gaussian counterexample back (session 25).

``derive verify`` and ``derive check`` refute continuous claims on jointly Gaussian models and print their exact
covariance; ``derive eval`` refused such a file ("reads discrete and noisy models only"), so a user could not
evaluate another quantity on the counterexample. Now it reads ``covariance`` (names, an exact symmetric positive
definite matrix, and a mixed model's discrete ``constants``/``bits``) and evaluates ``H`` and ``I`` with interval
arithmetic; an exact tie (``I(X; Y) == 0`` for independent blocks) is decided from the determinants.

Oracle: numpy's ``slogdet`` of the covariance (``tests/support/gaussian.py``), never derive's evaluator.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from support.cli import run
from support.gaussian import entropy_bits

PROOF = """
[proof]
name = "gauss"
[variables]
random = ["X", "Y", "Z"]
continuous = ["X", "Y", "Z"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
[[step]]
id = "wrong"
claim = "I(X; Z) >= I(X; Y)"
rule = "shannon"
uses = ["m"]
"""


def _write(tmp_path, data: dict) -> str:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    return str(path)


def _eval(expr: str, path: str, capsys) -> tuple[int, dict, str]:
    code, out, err = run(["eval", expr, "--model-file", path, "--json"], capsys)
    return code, (json.loads(out) if out.strip() else {}), err


def test_a_verify_counterexample_is_read_back_and_its_values_match_numpy(tmp_path, capsys):
    proof = tmp_path / "g.toml"
    proof.write_text(PROOF)
    code, out, _ = run(["verify", str(proof), "--json"], capsys)
    step = json.loads(out)["proofs"][0]["steps"][0]
    assert code == 1 and step["status"] == "failed", step
    cex = step["counterexample"]
    assert "covariance" in cex
    path = _write(tmp_path, cex)
    names = cex["covariance"]["names"]
    cov = np.array([[float(Fraction(x)) for x in row] for row in cex["covariance"]["matrix"]])
    ix = {n: k for k, n in enumerate(names)}

    def h(*vs):
        return entropy_bits(cov, [ix[v] for v in vs])

    code, res, _ = _eval("I(X; Z) >= I(X; Y)", path, capsys)
    assert code == 1 and res["holds"] is False and res["certified"] is True
    assert res["lhs"] == pytest.approx(h("X") + h("Z") - h("X", "Z"), abs=1e-9)
    assert res["rhs"] == pytest.approx(h("X") + h("Y") - h("X", "Y"), abs=1e-9)
    for expr, expected in [("H(Y | X)", h("X", "Y") - h("X")), ("I(X; Z | Y)", h("X", "Y") + h("Y", "Z")
                                                                                 - h("X", "Y", "Z") - h("Y")),
                           ("H(X, Y, Z)", h("X", "Y", "Z"))]:
        code, res, _ = _eval(expr, path, capsys)
        assert code == 0 and res["value"] == pytest.approx(expected, abs=1e-9), expr
        if abs(expected) > 1e-6:
            assert "enclosure" in res, expr


COV = {"covariance": {"names": ["X", "Y", "Z"], "matrix": [["2", "0", "1"], ["0", "1/2", "0"], ["1", "0", "1"]],
                      "constants": ["A", "B"], "bits": ["A"]}}


def test_a_mixed_model_with_an_independent_block_and_discrete_constants(tmp_path, capsys):
    """Y is independent of (X, Z); A is a uniform bit and B a constant, both independent of the rest."""
    path = _write(tmp_path, COV)
    cov = np.array([[2, 0, 1], [0, 0.5, 0], [1, 0, 1]], dtype=float)
    cases = [("I(X, Z; Y) == 0", True), ("I(X; Y | Z) <= 0", True), ("I(A; X) == 0", True), ("H(B) == 0", True),
             ("I(X; Z) <= 0", False)]
    for expr, holds in cases:
        code, res, _ = _eval(expr, path, capsys)
        assert res["holds"] is holds and res["certified"] is True and code == (0 if holds else 1), (expr, res)
    code, res, _ = _eval("H(A, X)", path, capsys)
    assert res["value"] == pytest.approx(1 + entropy_bits(cov, [0]), abs=1e-9)
    code, res, _ = _eval("H(X | Z)", path, capsys)
    assert res["value"] == pytest.approx(entropy_bits(cov, [0, 2]) - entropy_bits(cov, [2]), abs=1e-9)


def test_nats_and_parameters(tmp_path, capsys):
    path = _write(tmp_path, {**COV, "params": {"t": "1/2"}})
    code, out, _ = run(["eval", "H(Y) <= t", "--model-file", path, "--nats", "--json"], capsys)
    res = json.loads(out)
    cov = np.array([[0.5]])
    assert res["lhs"] == pytest.approx(entropy_bits(cov, [0]) * np.log(2), abs=1e-9)
    assert res["holds"] is (res["lhs"] <= 0.5) and res["certified"] is True


@pytest.mark.parametrize("data, message", [
    ({"covariance": {"names": ["X", "Y"], "matrix": [["1", "1/2"], ["1/3", "1"]]}}, "not symmetric"),
    ({"covariance": {"names": ["X", "Y"], "matrix": [["1", "1"], ["1", "1"]]}}, "not positive definite"),
    ({"covariance": {"names": ["X"], "matrix": [["-1"]]}}, "not positive definite"),
    ({"covariance": {"names": ["X", "Y"], "matrix": [["1", "0"]]}}, "2 x 2"),
    ({"covariance": {"names": ["X", "X"], "matrix": [["1", "0"], ["0", "1"]]}}, "distinct"),
    ({"covariance": {"names": ["X"], "matrix": [["1"]], "constants": ["X"]}}, "outside the covariance"),
    ({"covariance": {"names": ["X"], "matrix": [["1"]], "bits": ["A"]}}, "bits"),
    ({"covariance": {"names": ["X"], "matrix": [["1"]]}, "table": [0.5, 0.5]}, "no pmf table"),
    ({"covariance": {"names": ["X"], "matrix": [["1"]]}, "extra": 1}, "unknown key"),
    ({"covariance": {"names": ["X"], "matrix": [[True]]}}, "Expected"),
    ({"covariance": {"names": ["X"], "matrix": [["0.1"]]}, "params": {"p": "x"}}, "number"),
])
def test_a_bad_covariance_file_is_refused_with_a_message(tmp_path, capsys, data, message):
    code, _, err = run(["eval", "H(X)", "--model-file", _write(tmp_path, data)], capsys)
    assert code == 2 and message in err and "internal error" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("expr, message", [
    ("I(X; X)", "+oo"), ("H(X | X)", "-oo"), ("D(X || Y)", "H and I only"), ("H(W)", "Expected variables"),
])
def test_what_a_gaussian_model_cannot_give_is_refused(tmp_path, capsys, expr, message):
    code, _, err = run(["eval", expr, "--model-file", _write(tmp_path, COV)], capsys)
    assert code == 2 and message in err and "internal error" not in err, err
