"""Messages that teach (issue #17): each kernel message names what went wrong in the proof's own terms."""

from __future__ import annotations

import pytest

from derive.io import read_proof_text
from derive.kernel import check_proof
from derive.provers.certificate_search import search_oracle


def _step(text: str):
    report = check_proof(read_proof_text(text), oracle=search_oracle)
    return report.steps[0]


def _proof(units: str, variables: str, hyps: str, claim: str, rule: str, uses=(), extra: str = "") -> str:
    return (f'[proof]\nname = "m"\nunits = "{units}"\n[parameters]\npe = "0 <= pe <= 1/4"\nk = "k >= 4"\n'
            f"[variables]\n{variables}\n{hyps}\n[[step]]\nid = \"s\"\nclaim = \"{claim}\"\nrule = \"{rule}\"\n"
            f"uses = {list(uses)!r}\n{extra}").replace("'", '"')


def test_a_flipped_dpi_says_the_inequality_may_be_reversed():
    row = _step(_proof("bits", 'random = ["U", "X", "Y"]', '[[hypothesis]]\nid = "c"\nmarkov = "U -> X -> Y"',
                       "I(U; X) <= I(U; Y)", "dpi", ["c"]))
    assert row.status == "failed" and "the inequality may be reversed" in row.message
    assert "add the Markov chain" not in row.message and "add the Markov chain" not in (row.suggestion or "")


def test_a_too_small_sdpi_constant_suggests_a_short_decimal_the_kernel_accepts():
    hyps = ('[[hypothesis]]\nid = "c"\nmarkov = "U -> X -> Y"\n[[hypothesis]]\nid = "k1"\n'
            'channel = "Y | X ~ matrix([[9/10, 1/10], [1/5, 4/5]])"')
    row = _step(_proof("bits", 'random = ["U", "X", "Y"]', hyps, "I(U; Y) <= 1/3 * I(U; X)", "sdpi", ["c", "k1"]))
    assert row.status == "failed" and row.suggestion.startswith("use eta >= ")
    value = row.suggestion.removeprefix("use eta >= ")
    assert len(value) <= 8 and "/" not in value  # a short decimal, not a 50-digit fraction
    accepted = _step(_proof("bits", 'random = ["U", "X", "Y"]', hyps, f"I(U; Y) <= {value} * I(U; X)", "sdpi",
                            ["c", "k1"]))
    assert accepted.status == "proved", accepted.message  # the suggestion is one the kernel accepts


@pytest.mark.parametrize("units, constant, says", [
    ("nats", "sqrt(D(P || Q) * log(2) / 2)", "this proof is in nats; Pinsker in nats reads TV <= sqrt(D/2)"),
    ("bits", "sqrt(D(P || Q)) / 2", "this proof is in bits; Pinsker in bits reads TV <= sqrt(D*log(2)/2)"),
])
def test_pinsker_in_the_wrong_units_says_which_units_the_proof_is_in(units, constant, says):
    row = _step(_proof(units, 'distributions = ["P", "Q"]', "", f"TV(P, Q) <= {constant}", "pinsker"))
    assert row.status == "failed" and says in row.message


def test_fano_with_a_natural_log_in_a_bits_proof_says_so():
    extra = 'error = "pe"\nalphabet = "k"\n'
    row = _step(_proof("bits", 'random = ["X", "Y"]', "", "H(X | Y) <= h(pe) + pe * ln(k - 1)", "fano", [], extra))
    assert row.status == "failed" and "this proof is in bits" in row.message and "`ln` is the natural log" in row.message
    # the same text is Fano's bound in nats (`h` and `log` follow the units; `ln` is natural in both)
    ok = _step(_proof("nats", 'random = ["X", "Y"]', "", "H(X | Y) <= h(pe) + pe * ln(k - 1)", "fano", [],
                      extra))
    assert ok.status == "assumed", ok.message
    assert _step(_proof("bits", 'random = ["X", "Y"]', "", "H(X | Y) <= h(pe) + pe * log(k - 1)", "fano", [],
                        extra)).status == "assumed"
