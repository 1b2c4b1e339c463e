"""The certificate search gives a premise about parameters only (its linear form is a constant) a multiplier
instead of a free 0, so the constant part of the claim can cancel against it (red team: the step failed with
"the remaining constant ... is not provably >= 0")."""

from __future__ import annotations

import pytest

from derive.checking import check_file

PROOF = """
[proof]
name = "parameter premise"
[parameters]
p = "0 < p < 1/2"
[variables]
random = ["X"]
[[step]]
id = "r"
claim = "h(p) >= 4*p*(1 - p)"
rule = "real"
[[step]]
id = "s"
claim = "CLAIM"
rule = "linear"
uses = ["r"]
"""


def _step(tmp_path, claim):
    path = tmp_path / "p.toml"
    path.write_text(PROOF.replace("CLAIM", claim))
    report = check_file(path).report
    return {s.id: s for s in report.steps}


@pytest.mark.parametrize("claim", ["h(p) + H(X) >= 4*p*(1 - p)", "2*h(p) + H(X) >= 8*p*(1 - p)",
                                   "H(X) + h(p) - 4*p*(1 - p) >= 0"])
def test_the_premise_about_parameters_is_used(tmp_path, claim):
    steps = _step(tmp_path, claim)
    # h(p) >= 4p(1 - p) is proved on pieces of the domain (it was `tested` before the real rule's split)
    assert steps["r"].status == "proved", steps["r"].message
    assert steps["s"].status == "proved" and steps["s"].depends_on_unproved == ()


@pytest.mark.parametrize("claim", ["h(p) + H(X) >= 5*p*(1 - p)", "h(p) >= 4*p*(1 - p) + H(X)"])
def test_a_claim_the_premise_does_not_give_is_not_proved(tmp_path, claim):
    assert _step(tmp_path, claim)["s"].status == "failed"
