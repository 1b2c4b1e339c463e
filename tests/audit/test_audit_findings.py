"""Bugs the audit found outside derive/audit, pinned until they are fixed (xfail strict: a fix turns them red)."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.checking import check
from derive.errors import DeriveError
from derive.io import read_proof_text

PROOFS = Path(__file__).resolve().parents[2] / "proofs"


@pytest.mark.xfail(strict=True, raises=ValueError, reason=(
    "derive/provers/combination.py _lp_support passes non-finite numbers to scipy linprog: with "
    "log(k - 2) and k >= 2 the sampled point k = 2 gives -inf, linprog raises ValueError, the kernel's "
    "_ask_oracle only catches DeriveError, and `derive check` exits 3 (internal error) instead of "
    "reporting the step failed. Found by the audit (fano_minimax, constant -1 in log(k - 1) doubled)."))
def test_an_oracle_given_log_of_zero_does_not_crash_the_check():
    text = (PROOFS / "fano_minimax.toml").read_text(encoding="utf-8")
    bad = 'claim = "I(X; Y) >= log(k) - h(pe) - pe * log(k - 2)"\nrule = "linear"'
    text = text.replace('claim = "I(X; Y) >= log(k) - h(pe) - pe * log(k - 1)"\nrule = "linear"', bad)
    assert bad in text
    proof = read_proof_text(text, "fano_log_zero.toml")
    try:
        checked = check(proof, use_prover=True)
    except DeriveError:
        return
    assert checked.report.steps[1].status == "failed"


def _dpi_text() -> str:
    return (PROOFS / "dpi_markov_chain.toml").read_text(encoding="utf-8")


@pytest.mark.xfail(strict=True, raises=ValueError, reason=(
    "derive/io/reader.py _Reader.read catches only tomllib.TOMLDecodeError; an integer literal of more than "
    "4300 digits makes tomllib raise ValueError (Python's int-string conversion limit), so read_proof raises "
    "ValueError and `derive check`/`derive verify` exit 3 (internal error). Found by the reader fuzzer "
    "(enormous numbers)."))
def test_an_enormous_toml_integer_is_a_derive_error():
    read_proof_text(_dpi_text() + "\nextra = " + "9" * 5000 + "\n", "big.toml")


@pytest.mark.xfail(strict=True, raises=RecursionError, reason=(
    "derive/io/reader.py: tomllib recurses once per nested TOML array or inline table, so 5000 nested "
    "brackets raise RecursionError from read_proof_text (the CLI converts it, the Python API does not). "
    "Found by the reader fuzzer (deep nesting)."))
def test_deeply_nested_toml_is_a_derive_error():
    read_proof_text(_dpi_text() + "\nextra = " + "[" * 5000 + "1" + "]" * 5000 + "\n", "deep.toml")
