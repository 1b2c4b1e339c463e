"""``derive prove`` on i.i.d. samples given a parameter (session 23): what n samples tell about the parameter.

Found: under ``iid: X[1..n] | T``, ``I(X[1..n]; T) <= n*I(X[1]; T)`` (n samples carry at most n times one sample's
information about T: the step that turns a per-sample bound into a sample-size bound) and ``H(X[1..n]) <=
n*H(X[1])`` were ``unknown``: the hypothesis stated only the conditional entropies' equality
``Σ_i (H(X[i] | T) - H(X[1] | T)) = 0``, not that the marginals are equal too, and the prover tried no chain rule
over a block in the first argument of ``I``. Now both are proved for every n.

Oracles outside the symbolic path: numpy on conditionally i.i.d. models (T a random pmf, one random kernel
K(x | t) for every sample) checks each proved claim at n = 1..4 and each false variant's violation on the same
kind of model; ``derive check`` proves the printed proof file again.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from derive.checking import check
from derive.io.reader import read_proof_text
from support.cli import run


def _entropy(p: np.ndarray, axes: tuple[int, ...]) -> float:
    if not axes:
        return 0.0
    drop = tuple(a for a in range(p.ndim) if a not in axes)
    m = (p.sum(axis=drop) if drop else p).ravel()
    m = m[m > 0]
    return float(-(m * np.log2(m)).sum())


def _iid_model(n: int, seed: int, k: int = 3) -> np.ndarray:
    """Joint pmf of (X[1], ..., X[n], T): T on k values, each X[i] from the same kernel K(. | T), independently."""
    rng = np.random.default_rng(seed)
    t, kernel = rng.dirichlet(np.ones(k) * 0.5), rng.dirichlet(np.ones(2) * 0.5, size=k)
    p = np.zeros((2,) * n + (k,))
    for cell in itertools.product(*([range(2)] * n + [range(k)])):
        *xs, tv = cell
        p[cell] = t[tv] * np.prod([kernel[tv][x] for x in xs])
    return p


def _info_samples_theta(p: np.ndarray, n: int) -> tuple[float, float]:
    """(I(X[1..n]; T), I(X[1]; T)) in bits."""
    xs, t = tuple(range(n)), (n,)
    whole = _entropy(p, xs) + _entropy(p, t) - _entropy(p, xs + t)
    one = _entropy(p, (0,)) + _entropy(p, t) - _entropy(p, (0, n))
    return whole, one


TRUE = {  # claim -> its slack on a model (must be >= 0)
    "I(X[1..n]; T) <= n*I(X[1]; T)": lambda p, n: n * _info_samples_theta(p, n)[1] - _info_samples_theta(p, n)[0],
    "I(T; X[1..n]) <= n*I(T; X[1])": lambda p, n: n * _info_samples_theta(p, n)[1] - _info_samples_theta(p, n)[0],
    "H(X[1..n]) <= n*H(X[1])": lambda p, n: n * _entropy(p, (0,)) - _entropy(p, tuple(range(n))),
}
FALSE = {
    "I(X[1..n]; T) <= (n - 1)*I(X[1]; T)":
        lambda p, n: (n - 1) * _info_samples_theta(p, n)[1] - _info_samples_theta(p, n)[0],
    "H(X[1..n]) >= n*H(X[1])": lambda p, n: _entropy(p, tuple(range(n))) - n * _entropy(p, (0,)),
}


@pytest.mark.slow
@pytest.mark.parametrize("claim", sorted(TRUE))
def test_iid_sample_bounds_are_proved_for_every_n_and_hold_on_models(claim, capsys):
    code, out, _ = run(["prove", claim, "--given", "iid: X[1..n] | T", "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "proved", res
    assert check(read_proof_text(res["proof_file"], "p.toml"), vacuity=False).report.status == "proved"
    for n in range(1, 5):
        for seed in range(5):
            assert TRUE[claim](_iid_model(n, seed), n) >= -1e-9


@pytest.mark.slow
@pytest.mark.parametrize("claim", sorted(FALSE))
def test_false_variants_are_refuted_and_fail_on_iid_models(claim, capsys):
    code, out, _ = run(["prove", claim, "--given", "iid: X[1..n] | T", "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false"
    assert res["counterexample"]["certified"] is True
    # the oracle agrees that the claim fails on a conditionally i.i.d. model
    assert min(FALSE[claim](_iid_model(n, seed), n) for n in range(2, 4) for seed in range(5)) < -1e-6


@pytest.mark.slow
def test_without_identical_laws_the_sample_bound_is_not_proved(capsys):
    """Mutual independence given T alone does not make the marginals equal: X[1] constant, X[2] = T gives
    I(X[1..2]; T) = H(T) > 2 I(X[1]; T) = 0."""
    code, out, _ = run(["prove", "I(X[1..n]; T) <= n*I(X[1]; T)", "--given", "mutually_independent: X[1..n] | T",
                        "--json"], capsys)
    assert json.loads(out)["status"] != "proved"
