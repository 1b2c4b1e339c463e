"""Certificates written in the file name the kernel's own terms, like an oracle's proposal (one path for both)."""

from __future__ import annotations

from derive.io import read_proof_text
from derive.kernel import check_proof

HEAD = '[proof]\nname = "c"\n[variables]\nrandom = ["X", "Y"]\n[[step]]\nid = "s"\nclaim = "H(X | Y) <= H(X)"\n'


def _row(body: str):
    return check_proof(read_proof_text(HEAD + body)).steps[0]  # no oracle: the file's certificate alone


def test_a_nonneg_term_in_the_certificate_counts_once():
    # H(X) - H(X | Y) = 1 * I(X; Y): the kernel used to add the `nonneg[1]` multiplier twice and refuse this
    row = _row('rule = "linear"\nnonneg = ["I(X; Y)"]\ncertificate = { "nonneg[1]" = "1" }\n')
    assert row.status == "proved", row.message
    row = _row('rule = "linear"\nnonneg = ["I(X; Y)"]\ncertificate = { "nonneg[1]" = "1/2" }\n')
    assert row.status == "failed" and "does not match" in row.message


def test_a_certificate_naming_an_unknown_term_is_refused():
    row = _row('rule = "linear"\ncertificate = { "mystery" = "1" }\n')
    assert row.status == "failed" and "[mystery], which is not a premise" in row.message


def test_without_an_oracle_or_certificate_a_linear_step_fails_and_a_shannon_step_is_unchecked():
    assert _row('rule = "linear"\n').status == "failed"
    assert _row('rule = "shannon"\n').status == "unchecked"
