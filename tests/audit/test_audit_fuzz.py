"""Fuzzing the proof-file reader with structured mutations of the bundled files.

Any input gives a result or a DeriveError with a message — never another exception, a hang or
runaway memory. Mutations (derive.audit.fuzz): lines deleted or duplicated, tables duplicated,
keys and values exchanged, Unicode look-alikes and invisible characters, enormous numbers, deep
nesting, truncation, control characters, values of the wrong type, dangling references.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.audit.fuzz import MUTATIONS, fuzz_text
from derive.errors import DeriveError
from derive.io import read_proof_text, write_proof
from derive.kernel.rules import rule_names

PROOFS = Path(__file__).resolve().parents[2] / "proofs"
TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(PROOFS.glob("*.toml"))}

#: Seconds one read may take before it counts as a hang (generous: CI machines are shared).
READ_SECONDS = 20.0

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

fuzzed = st.builds(
    fuzz_text,
    st.sampled_from(sorted(TEXTS)).map(TEXTS.__getitem__),
    st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=4),
    st.integers(0, 2 ** 32 - 1),
)


def _read(text: str):
    """read, validate and write back: a proof, or ``None`` after a DeriveError with a message."""
    start = time.monotonic()
    try:
        proof = read_proof_text(text, "fuzzed.toml")
        proof.validate(rule_names())
        written = write_proof(proof)
    except DeriveError as err:
        assert str(err).strip(), "a DeriveError without a message"
        return None
    finally:
        assert time.monotonic() - start < READ_SECONDS
    assert isinstance(written, str)
    return proof


@SETTINGS
@given(fuzzed)
def test_fuzzed_proof_files_give_a_proof_or_a_derive_error(text):
    proof = _read(text)
    if proof is not None:
        again = read_proof_text(write_proof(proof), "fuzzed.toml")
        assert again == proof


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_mutation_on_each_bundled_file(name):
    for stem, text in TEXTS.items():
        for seed in range(4):
            _read(fuzz_text(text, [name], seed))


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_change_the_text(name):
    changed = sum(fuzz_text(t, [name], s) != t for t in TEXTS.values() for s in range(3))
    assert changed >= len(TEXTS)


@pytest.mark.slow
def test_the_fuzzer_reaches_past_the_toml_layer():
    """Enough mutated files still read for the grammar, validation and the kernel to be exercised."""
    read = sum(_read(fuzz_text(t, [name], s)) is not None
               for t in TEXTS.values() for name in MUTATIONS for s in range(2))
    assert read >= len(TEXTS) * len(MUTATIONS) * 2 // 10


@pytest.mark.slow
@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.builds(fuzz_text, st.sampled_from(sorted(TEXTS)).map(TEXTS.__getitem__),
                 st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=2), st.integers(0, 2 ** 32 - 1)))
def test_fuzzed_proofs_that_read_also_check_without_crashing(text):
    """Past the reader: the kernel (with the prover) gives a report or a DeriveError on whatever was read."""
    from derive.checking import check

    proof = _read(text)
    if proof is None:
        return
    try:
        check(proof, use_prover=True)
    except DeriveError:
        pass
