"""``derive verify`` on noisy models (session 24, :mod:`derive.numeric.noisy`).

A continuous ``V = w (D + U)`` over a discrete model has exact entropies ``h(S) = H(D_S) + Σ log2 w_V``. Where the
Gaussian models exist (every variable continuous) the noisy ones test a step too: a claim true for every jointly
Gaussian law but false in general — ``I(X; Y, Z) <= 0`` when X is independent of Y and of Z (Gaussian: pairwise
uncorrelated gives jointly independent) — was ``tested``; it is now refuted by the Shannon prover's exact GF(2)
model with the continuous variables noisy (``X = Y xor Z``). Where they do not (i.i.d. families, functions), the
noisy models are the only ones.

Oracle: every counterexample's printed joint table and widths are read back and the claim recomputed here from the
definition (numpy, Fractions), the hypotheses too.
"""

from __future__ import annotations

from derive.io import read_proof
from derive.numeric.verify import FAILED, TESTED, verify_proof
from derive.provers.refute_steps import refute_tested_steps
from support.noisy import entropy_bits

PAIRWISE = """
[proof]
name = "pairwise"
[variables]
random = ["X", "Y", "Z"]
continuous = ["X", "Y", "Z"]
[[hypothesis]]
id = "ix"
independent = "X _|_ Y"
[[hypothesis]]
id = "iz"
independent = "X _|_ Z"
[[step]]
id = "jointly"
claim = "I(X; Y, Z) <= 0"
rule = "shannon"
uses = ["ix", "iz"]
[[step]]
id = "cond"
claim = "H(X | Y) <= H(X)"
rule = "shannon"
"""

IID = """
[proof]
name = "iid"
[parameters]
n = "integer >= 2"
[variables]
random = ["T"]
families = { X = "1..n" }
continuous = ["X"]
[[hypothesis]]
id = "samples"
iid = "X[1..n] | T"
[[step]]
id = "pair"
claim = "H(X[1], X[2] | T) == 2*H(X[1] | T)"
rule = "shannon"
uses = ["samples"]
[[step]]
id = "neg"
claim = "H(X[1] | T) >= 0"
rule = "shannon"
"""


def _verify(tmp_path, text: str, samples: int = 40):
    path = tmp_path / "p.toml"
    path.write_text(text)
    proof = read_proof(path)   # the CLI's path: the exact search after the drawn models
    return {r.id: r for r in refute_tested_steps(proof, verify_proof(proof, samples=samples, seed=2), 2).steps}


def _entropy(ce: dict, names: list[str]) -> float:
    return entropy_bits(ce, names)


def _mi(ce, a, b, c=()) -> float:
    h = lambda vs: _entropy(ce, list(vs)) if vs else 0.0  # noqa: E731
    return h([*a, *c]) + h([*b, *c]) - h([*a, *b, *c]) - h(list(c))


def test_a_claim_true_only_for_gaussians_is_refuted_on_a_noisy_exact_model(tmp_path):
    rs = _verify(tmp_path, PAIRWISE)
    r = rs["jointly"]
    assert r.status == FAILED and r.counterexample.certified, r.reason
    ce = r.counterexample.to_json()
    assert set(ce["noise_widths"]) == {"X", "Y", "Z"}
    assert _mi(ce, ["X"], ["Y", "Z"]) > 0.5                                   # the claim is false there
    assert abs(_mi(ce, ["X"], ["Y"])) < 1e-12 and abs(_mi(ce, ["X"], ["Z"])) < 1e-12   # the hypotheses hold


def test_a_true_step_is_tested_on_gaussian_and_noisy_models(tmp_path):
    r = _verify(tmp_path, PAIRWISE)["cond"]
    assert r.status == TESTED and r.samples == 80
    assert "jointly Gaussian" in r.reason and "on 40 noisy models" in r.reason


def test_an_iid_family_of_continuous_samples_is_tested_with_one_scale_per_family(tmp_path):
    """No Gaussian models for iid; on the noisy ones h(X[1], X[2] | T) = 2 h(X[1] | T) holds only because both
    members share their family's scale, and h(X[1] | T) >= 0 fails with a scale below 1."""
    rs = _verify(tmp_path, IID)
    assert rs["pair"].status == TESTED and rs["pair"].samples == 40, rs["pair"].reason
    r = rs["neg"]
    assert r.status == FAILED and r.counterexample.certified
    ce = r.counterexample.to_json()
    widths = ce["noise_widths"]
    assert len(set(widths.values())) == 1 and {"X[1]", "X[2]"} <= set(widths)
    assert _entropy(ce, ["X[1]", "T"]) - _entropy(ce, ["T"]) < 0
