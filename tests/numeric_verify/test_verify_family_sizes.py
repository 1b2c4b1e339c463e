"""`derive verify` lowers the symbolic family sizes (toward their domain minimum) until a model fits the cell cap,
and refuses only when the smallest instantiation is still too large — naming the sizes tried and how to raise it."""

from __future__ import annotations

import random

import pytest

from derive.cli import main
from derive.errors import LimitExceeded
from derive.io import read_proof
from derive.numeric.models import MAX_CELLS, ModelFactory, RandomChoices

# families over n samples and d coordinates: 2^(3d + n + 1) cells with binary alphabets (131,072 at n = d = 4)
TWO_SIZES = """
[proof]
name = "two_family_sizes"
units = "nats"
[parameters]
n = "integer >= 1"
d = "integer >= 1"
t = "0 < t < 1"
[variables]
random = ["M"]
families = { S = "1..n", theta = "1..d", V = "1..d", X = "1..d" }
[[hypothesis]]
id = "factorization"
markov = "M -> S[1..n] -> V[1..d] -> theta[1..d] -> X[1..d]"
[[hypothesis]]
id = "independent_V"
mutually_independent = "V[1..d]"
[[hypothesis]]
id = "theta_given_V"
channel = "theta[1..d] | V[1..d] ~ BSC((1 - t)/2)"
[[step]]
id = "tau_sdpi"
claim = "I(M; theta[1..d]) <= t^2 * I(M; V[1..d])"
rule = "tensorization"
uses = ["factorization", "theta_given_V", "independent_V"]
[[step]]
id = "v_dpi"
claim = "I(M; V[1..d]) <= I(M; S[1..n])"
rule = "dpi"
uses = ["factorization"]
[theorem]
claim = "I(M; theta[1..d]) <= t^2 * I(M; S[1..n])"
from = ["tau_sdpi", "v_dpi"]
"""


@pytest.fixture
def proof_file(tmp_path):
    f = tmp_path / "two_sizes.toml"
    f.write_text(TWO_SIZES)
    return f


def test_large_family_sizes_are_lowered_until_the_model_fits(proof_file):
    factory = ModelFactory(read_proof(proof_file))
    seen = set()
    for k in range(40):
        drawn = factory.draw(RandomChoices(random.Random(k)))
        assert drawn.size() <= MAX_CELLS
        seen.add((drawn.int_values["n"], drawn.int_values["d"]))
    assert max(d for _, d in seen) >= 2 and max(n for n, _ in seen) >= 2  # lowered, not all at the minimum


def test_verify_cli_tests_a_proof_with_two_family_sizes(proof_file, capsys):
    assert main(["verify", str(proof_file), "--samples", "15", "--json"]) == 0
    assert "tested" in capsys.readouterr().out


def test_refused_only_when_the_minimal_instantiation_is_too_large(proof_file):
    factory = ModelFactory(read_proof(proof_file), max_cells=16)  # n = d = 1 already has 2^5 = 32 cells
    with pytest.raises(LimitExceeded) as err:
        factory.draw(RandomChoices(random.Random(3)))
    msg = str(err.value)
    assert "d = 1, n = 1: 32 cells" in msg and "max_cells" in msg and "smallest model" not in msg
