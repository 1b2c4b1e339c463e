"""A family of assumptions is a premise instance by instance, never only through its sum (session 24).

Found: with ``assume = "H(X[i]) >= 2 - i for i in 1..n"``, the true step ``H(X[1]) >= 1`` (instance i = 1) was
``failed`` by ``derive verify`` "on a model satisfying every hypothesis and the premises": the models were checked
against the family's ``statement`` — the sum over the range the kernel uses, ``Σ_i (H(X[i]) - 2 + i) >= 0`` —, which
a model with H(X[1]) = 0, H(X[2]) = 1 keeps while breaking instance 1. ``derive check`` did the same on continuous
variables with a jointly Gaussian "counterexample". A model of the sum is not a model of the family: premises are now
every instance at the model's parameter values (verify), and the refuters skip a family over a symbolic range.

Oracle: each counterexample's printed table is read back and every instance recomputed here with numpy.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from derive.checking import check_file
from derive.io import read_proof
from derive.numeric.verify import FAILED, TESTED, verify_proof

HEAD = """
[proof]
name = "fam"
[parameters]
n = "integer >= 2"
[variables]
families = {{ X = "1..n" }}
{continuous}
[[hypothesis]]
id = "fam"
assume = "H(X[i]) >= {bound} for i in 1..n"
"""


def _file(tmp_path, claim: str, *, bound: str = "2 - i", continuous: str = "") -> str:
    path = tmp_path / "f.toml"
    path.write_text(HEAD.format(continuous=continuous, bound=bound)
                    + f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\nuses = ["fam"]\n')
    return path


def _entropies(ce: dict) -> dict[str, float]:
    joint = ce["joint"]
    table = np.vectorize(Fraction, otypes=[object])(np.array(joint["table"], dtype=object))
    out = {}
    for k, name in enumerate(joint["names"]):
        m = table.sum(axis=tuple(a for a in range(table.ndim) if a != k))
        out[name] = -sum(float(p) * math.log2(float(p)) for p in np.ravel(m) if p > 0)
    return out


def test_a_step_true_by_one_instance_is_never_failed(tmp_path):
    r = verify_proof(read_proof(_file(tmp_path, "H(X[1]) >= 1")), samples=100, seed=0).steps[0]
    assert r.status == TESTED and r.skipped_premises > 0, r.reason


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_false_step_fails_on_a_model_of_every_instance(tmp_path, seed):
    """``H(X[1]) + H(X[2]) >= 2`` is false (instances: H(X[1]) >= 1, H(X[2]) >= 0): the counterexample keeps every
    instance, as recomputed from its table."""
    r = verify_proof(read_proof(_file(tmp_path, "H(X[1]) + H(X[2]) >= 2")), samples=200, seed=seed).steps[0]
    assert r.status == FAILED and r.counterexample.certified, r.reason
    ce = r.counterexample.to_json()
    n = int(ce["params"]["n"])
    h = _entropies(ce)
    assert all(h[f"X[{i}]"] >= 2 - i - 1e-12 for i in range(1, n + 1))
    assert h["X[1]"] + h["X[2]"] < 2 - 1e-9


def test_continuous_family_step_true_by_one_instance_is_not_refuted(tmp_path):
    """The same on continuous variables: jointly Gaussian and noisy models test it, ``derive check`` does not
    call it false: it was unchecked while the kernel used the family through its sum only; since session 25 the
    kernel proves it from the instance at i = 1."""
    path = _file(tmp_path, "H(X[1]) >= 1", bound="3 - 2*i", continuous='continuous = ["X"]')
    r = verify_proof(read_proof(path), samples=100, seed=0).steps[0]
    assert r.status == TESTED and "jointly Gaussian" in r.reason
    step = check_file(path).report.steps[0]
    assert step.status == "proved" and "at i = 1" in step.message, step.message
