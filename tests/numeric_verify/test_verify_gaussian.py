"""``derive verify`` tests claims about continuous variables on jointly Gaussian models
(:mod:`derive.numeric.gaussian`) when every variable of the proof is continuous.

The oracle is independent of derive's evaluator: each counterexample's covariance matrix is read back from the
report and both sides are recomputed with numpy (``slogdet``) from ``h(S) = ½ log2((2πe)^|S| det Σ_S)``; the
hypotheses are checked on it with exact Fractions (``det Σ_AC det Σ_BC = det Σ_ABC det Σ_C``)."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.gaussian import entropy_bits
from derive.io import read_proof
from derive.numeric.choices import RandomChoices
from derive.numeric.gaussian import draw_gaussian, why_not_gaussian
from derive.numeric.models import InvalidDraw, ModelFactory
from derive.numeric.verify import FAILED, TESTED, verify_proof

CHAIN = """
[proof]
name = "gaussian chain"
[variables]
random = ["X", "Y", "Z"]
continuous = ["X", "Y", "Z"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
"""

TRUE = {"dpi": "I(X; Z) <= I(X; Y)", "cond": "H(X | Y) <= H(X)", "chain": "I(X; Z | Y) == 0",
        "sub": "H(X, Y) <= H(X) + H(Y)"}
FALSE = {"neg": "H(X) >= 0", "ih": "I(X; Y) <= H(X)", "rev": "I(X; Y) <= I(X; Z)", "hz": "H(X, Y) >= H(Y)"}


def _proof(tmp_path, head: str, steps: dict[str, str]):
    body = "".join(f'[[step]]\nid = "{k}"\nclaim = "{c}"\nrule = "shannon"\n' for k, c in steps.items())
    path = tmp_path / "g.toml"
    path.write_text(head + body)
    return read_proof(path)


def _h(cov: np.ndarray, idx: list[int]) -> float:
    return entropy_bits(cov, idx)


def _side(text: str, names: list[str], cov: np.ndarray) -> float:
    """``H(A)``, ``H(A | B)``, ``I(A; B)``, ``I(A; B | C)`` and sums of them, by the textbook identities."""
    total = 0.0
    for sign, kind, args in re.findall(r"([+-]?)\s*([HI])\(([^)]*)\)", text):
        groups = [[names.index(v.strip()) for v in g.split(",") if v.strip()] for g in re.split(r"[;|]", args)]
        if kind == "H":
            a, c = groups[0], groups[1] if len(groups) > 1 else []
            v = _h(cov, a + c) - _h(cov, c)
        else:
            a, b, c = groups[0], groups[1], groups[2] if len(groups) > 2 else []
            v = _h(cov, a + c) + _h(cov, b + c) - _h(cov, a + b + c) - _h(cov, c)
        total += -v if sign == "-" else v
    return total


def test_true_claims_are_tested_and_false_ones_refuted_with_checked_gaussian_counterexamples(tmp_path):
    proof = _proof(tmp_path, CHAIN, {**TRUE, **FALSE})
    assert why_not_gaussian(proof) is None
    report = {r.id: r for r in verify_proof(proof, samples=60, seed=3).steps}
    for sid in TRUE:
        # 60 jointly Gaussian models, then 60 noisy ones (session 24: tests/numeric_verify/test_verify_noisy.py)
        assert report[sid].status == TESTED and report[sid].samples == 120, report[sid].reason
        assert "on 60 of 60 jointly Gaussian" in report[sid].reason and "on 60 noisy models" in report[sid].reason
    for sid, claim in FALSE.items():
        r = report[sid]
        assert r.status == FAILED and r.counterexample.certified, r.reason
        cov_text = r.counterexample.to_json()["covariance"]  # what --json prints
        names = cov_text["names"]
        exact = [[Fraction(x) for x in row] for row in cov_text["matrix"]]
        cov = np.array([[float(x) for x in row] for row in exact])
        assert np.all(np.linalg.eigvalsh(cov) > 0)
        x, y, z = (names.index(v) for v in "XYZ")
        # X -> Y -> Z: Cov(X, Z) Cov(Y, Y) = Cov(X, Y) Cov(Y, Z), exactly
        assert exact[x][z] * exact[y][y] == exact[x][y] * exact[y][z]
        lhs_text, rel, rhs_text = re.split(r"\s*(<=|>=|==)\s*", claim)
        lhs, rhs = _side(lhs_text, names, cov), _side(rhs_text, names, cov)
        assert (lhs > rhs + 1e-9) if rel == "<=" else (lhs < rhs - 1e-9)
        assert abs(lhs - float(r.counterexample.lhs)) < 1e-9 and abs(rhs - float(r.counterexample.rhs)) < 1e-9


def test_a_family_of_continuous_variables_is_modelled(tmp_path):
    head = """
[proof]
name = "gaussian family"
[parameters]
n = "integer >= 1"
[variables]
random = ["M"]
families = { X = "1..n" }
continuous = ["M", "X"]
[[hypothesis]]
id = "ind"
mutually_independent = "X[1..n]"
"""
    path = tmp_path / "f.toml"
    path.write_text(head + '[[step]]\nid = "super"\nclaim = "I(M; X[1..n]) >= sum(I(M; X[i]), i, 1, n)"\n'
                    'rule = "superadditivity"\nuses = ["ind"]\n'
                    '[[step]]\nid = "sub"\nclaim = "I(M; X[1..n]) <= sum(I(M; X[i]), i, 1, n)"\nrule = "shannon"\n')
    report = {r.id: r for r in verify_proof(read_proof(path), samples=40, seed=1).steps}
    assert report["super"].status == TESTED
    assert report["sub"].status == FAILED and report["sub"].counterexample.certified


def test_a_proof_with_a_discrete_variable_has_no_gaussian_models_and_uses_noisy_ones(tmp_path):
    """Z discrete: no jointly Gaussian models; the discrete models with noise on X and Y refute H(X) >= 0
    (tests/numeric_verify/test_verify_continuous.py checks such counterexamples independently)."""
    proof = _proof(tmp_path, CHAIN.replace('continuous = ["X", "Y", "Z"]', 'continuous = ["X", "Y"]'),
                   {"neg": "H(X) >= 0"})
    assert "Z" in why_not_gaussian(proof)
    r = verify_proof(proof, samples=10, seed=0).steps[0]
    assert r.status == FAILED and "uniform noise" in r.reason and "X" in r.counterexample.to_json()["noise_widths"]


def test_an_assumed_premise_is_kept_on_the_gaussian_models(tmp_path):
    """A false claim whose premise holds on no model is never called false; with the premise H(X) >= 0 kept,
    H(X) >= 0 itself is tested, never refuted."""
    head = CHAIN + '[[hypothesis]]\nid = "pos"\nassume = "H(X) >= 0"\n'
    path = tmp_path / "p.toml"
    path.write_text(head + '[[step]]\nid = "s"\nclaim = "H(X) >= 0"\nrule = "linear"\nuses = ["pos"]\n')
    r = verify_proof(read_proof(path), samples=60, seed=2).steps[0]
    assert r.status == TESTED and r.skipped_premises > 0


CHAINS = st.sampled_from(['markov = "A -> B -> C"', 'markov = "A -> B -> C -> D"', 'independent = "A _|_ C | B"',
                          'independent = "A, B _|_ C, D"', 'mutually_independent = "A, B, C"',
                          'markov = "A -> B -> C"\n[[hypothesis]]\nid = "h2"\nindependent = "A _|_ D"'])


@settings(max_examples=25, deadline=None)
@given(CHAINS, st.integers(0, 10_000))
def test_every_gaussian_model_satisfies_the_hypotheses_and_is_positive_definite(tmp_path_factory, hyp, seed):
    import random

    path = tmp_path_factory.mktemp("g") / "h.toml"
    path.write_text('[proof]\nname = "h"\n[variables]\nrandom = ["A", "B", "C", "D"]\n'
                    'continuous = ["A", "B", "C", "D"]\n[[hypothesis]]\nid = "h"\n' + hyp + "\n")
    proof = read_proof(path)
    try:
        g = draw_gaussian(ModelFactory(proof), RandomChoices(random.Random(seed)))
    except InvalidDraw:
        return
    assert g.violations(proof) == []
    assert np.all(np.linalg.eigvalsh(np.array([[float(x) for x in row] for row in g.cov])) > 0)


IID = """
[proof]
name = "iid"
[parameters]
n = "integer >= 2"
[variables]
random = ["M"]
families = { X = "1..n" }
continuous = ["M", "X"]
[[hypothesis]]
id = "iid"
iid = "X[1..n] | M"
"""


@pytest.mark.parametrize("claim", ["H(X[1]) == H(X[2])", "I(M; X[1]) == I(M; X[2])", "H(X[1] | M) == H(X[2] | M)",
                                   "H(X[1..n] | M) == sum(H(X[i] | M), i, 1, n)"])
def test_identically_distributed_members_have_one_law(tmp_path, claim):
    """Red team (session 19): `iid` is a kind of mutual independence, so it passed as one, and the Gaussian models
    gave each member its own variance: `derive check` refuted the true H(X[1]) == H(X[2]) with a "certified"
    counterexample. The members of an i.i.d. group now share their weights, noise and scale, and every model is
    checked to give them one law."""
    from derive.checking import check_file

    path = tmp_path / "iid.toml"
    path.write_text(IID + f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\nuses = ["iid"]\n')
    assert check_file(path).report.steps[0].status in ("proved", "unchecked")
    r = verify_proof(read_proof(path), samples=60, seed=4).steps[0]
    assert r.status == TESTED, r.reason


def test_every_iid_model_gives_the_members_one_law(tmp_path):
    import random

    path = tmp_path / "iid.toml"
    path.write_text(IID)
    proof = read_proof(path)
    factory = ModelFactory(proof)
    for seed in range(40):
        try:
            g = draw_gaussian(factory, RandomChoices(random.Random(seed)))
        except InvalidDraw:
            continue
        assert g.violations(proof) == []
        xs = sorted(n for n in g.names if n.startswith("X["))
        m = g.names.index("M")
        laws = {(g.cov[g.names.index(x)][g.names.index(x)], g.cov[g.names.index(x)][m]) for x in xs}
        assert len(laws) == 1  # Var(X[i]) and Cov(X[i], M) the same for every member


def test_a_continuous_variable_on_both_sides_is_infinite_not_its_entropy(tmp_path):
    """Red team (session 19): at j = 0, I(X[0]; X[j]) is I(X[0]; X[0]) = +oo for a continuous X[0], but the
    joint-entropy formula gave h(X[0]), and verify "refuted" the true I(X[0]; X[j + k]) <= I(X[0]; X[j]) with a
    certified counterexample there. Such models are now not evaluated (and say so)."""
    path = tmp_path / "inf.toml"
    path.write_text('[proof]\nname = "inf"\n[parameters]\nj = "integer >= 0"\nk = "integer >= 1"\n[variables]\n'
                    'random = ["U"]\nfamilies = { X = "0..j + k" }\ncontinuous = ["U", "X"]\n[[hypothesis]]\n'
                    'id = "chain"\nmarkov = "U -> X[0] -> ... -> X[j + k]"\n[[step]]\nid = "s"\n'
                    'claim = "I(X[0]; X[j + k]) <= I(X[0]; X[j])"\nrule = "shannon"\nuses = ["chain"]\n')
    r = verify_proof(read_proof(path), samples=100, seed=0).steps[0]
    assert r.status == TESTED and r.errors > 0 and "+oo" in r.reason


def test_infinite_atoms_are_recognized():
    from derive.core.quantities import H, I
    from derive.core.variables import RV, RVSet
    from derive.numeric.gaussian import infinite_atom

    x, y = RVSet(RV("X")), RVSet(RV("Y"))
    assert infinite_atom(I(x, x))
    assert infinite_atom(H(x, RVSet(RV("X"), RV("Y"))))
    assert infinite_atom(I(x, y, x)) is None  # I(X; Y | X) = 0
    assert infinite_atom(H(RVSet(RV("X"), RV("Y")), x)) is None  # h(Y | X), finite
