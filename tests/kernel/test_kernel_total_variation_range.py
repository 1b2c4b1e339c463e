"""TV(P, Q) = (1/2) Σ_x |P(x) - Q(x)| lies in [0, 1]: the kernel knows both ends (it knew only TV >= 0, so
``TV(P, Q) <= 1`` and Le Cam's ``(1 - TV(P, Q))/2 >= 0`` could not be proved).

Oracle for the property test: numpy's TV of random pmfs (Dirichlet draws, including near-disjoint supports).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.provers.certificate_search import default_oracle


def _status(claim: str, rule: str = "shannon", units: str = "bits", params: str = "") -> str:
    text = f'''[proof]
name = "tv"
units = "{units}"
[parameters]
{params}
[variables]
distributions = ["P", "Q", "R"]
[[step]]
id = "s"
claim = "{claim}"
rule = "{rule}"
'''
    return check_proof(read_proof_text(text), oracle=default_oracle()).steps[-1].status


@pytest.mark.parametrize("claim", [
    "TV(P, Q) <= 1",
    "(1 - TV(P, Q))/2 >= 0",
    "2*TV(P, Q) - 2 <= 0",
    "TV(P, Q) + TV(Q, R) <= 2",
])
def test_accepted(claim):
    assert _status(claim) == "proved"


def test_accepted_with_a_parameter():
    assert _status("a*TV(P, Q) <= a", params='a = "a >= 0"') == "proved"


@pytest.mark.parametrize("claim, params", [
    ("TV(P, Q) <= 1/2", ""),                   # false: disjoint supports give TV = 1
    ("TV(P, Q) <= 1 - 1/1000", ""),
    ("a*TV(P, Q) <= a", 'a = "a <= 0"'),       # a < 0: -|a| TV <= -|a| is false at TV = 0
    ("TV(P, Q) >= 1", ""),
    ("TV(P, Q) + TV(Q, R) <= 1", ""),          # 2 on disjoint P, R with Q between
])
def test_rejected(claim, params):
    assert _status(claim, params=params) != "proved"
    assert _status(claim, rule="linear", params=params) != "proved"


def test_prove_decides_tv_at_most_one_in_both_units():
    assert derive.prove("TV(P, Q) <= 1").status == "proved"
    assert derive.prove("TV(P, Q) <= 1", units="nats").status == "proved"


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.floats(0.01, 5), st.integers(0, 2**32 - 1))
def test_tv_lies_in_the_unit_interval_on_random_pmfs(k, concentration, seed):
    """What the kernel now uses, checked against numpy: 0 <= TV <= 1, with 1 reached on disjoint supports."""
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.full(k, concentration)), rng.dirichlet(np.full(k, concentration))
    tv = 0.5 * np.abs(p - q).sum()
    assert -1e-12 <= tv <= 1 + 1e-12
    disjoint = 0.5 * np.abs(np.eye(k)[0] - np.eye(k)[1]).sum()
    assert disjoint == 1.0
