"""Bugs the audit found outside derive/audit, now fixed: each stays as a regression test."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.checking import check
from derive.errors import DeriveError
from derive.io import read_proof_text

PROOFS = Path(__file__).resolve().parents[2] / "proofs"


def test_an_oracle_given_log_of_zero_does_not_crash_the_check():
    """The LP oracle met log(0) = -inf at a sampled point and scipy raised ValueError; now it skips the point."""
    text = (PROOFS / "fano_minimax.toml").read_text(encoding="utf-8")
    bad = 'claim = "I(X; Y) >= log(k) - h(pe) - pe * log(k - 2)"\nrule = "linear"'
    text = text.replace('claim = "I(X; Y) >= log(k) - h(pe) - pe * log(k - 1)"\nrule = "linear"', bad)
    assert bad in text
    try:  # the reader now refuses log(k - 2) with k >= 2 (log of 0) outright; before, the check must not crash
        proof = read_proof_text(text, "fano_log_zero.toml")
        checked = check(proof, use_prover=True)
    except DeriveError:
        return
    assert checked.report.steps[1].status == "failed"


def _dpi_text() -> str:
    return (PROOFS / "dpi_markov_chain.toml").read_text(encoding="utf-8")


def test_an_enormous_toml_integer_is_a_derive_error():
    """tomllib raised ValueError past Python's int-string limit; the reader now converts it (exit 2)."""
    with pytest.raises(DeriveError):
        read_proof_text(_dpi_text() + "\nextra = " + "9" * 5000 + "\n", "big.toml")


def test_deeply_nested_toml_is_a_derive_error():
    """tomllib recursed once per nested array (RecursionError); the reader now refuses it (LimitExceeded)."""
    with pytest.raises(DeriveError):
        read_proof_text(_dpi_text() + "\nextra = " + "[" * 5000 + "1" + "]" * 5000 + "\n", "deep.toml")
