"""Red team: copy-lemma copies are named by appending primes, so two copy steps can make the *same* variable.

``copy_lemma_extension`` names the copy of item ``X`` made by step ``k`` ``X`` followed by ``k`` primes. With
``copy = ["A over", "A' over", "A over"]``, step 2 copies ``A'`` (step 1's copy) to ``A'''`` and step 3 copies
``A`` to ``A'''`` too: the "fresh" copy of step 3 is step 2's copy, which is already among the step's variables,
so it lands in its own ``others`` and the lemma's independence ``I(A'''; others | over) = 0`` becomes
``H(A''') = 0``. With ``H(A''') = H(A') = H(A)`` from the copy equalities the kernel proves ``H(A) <= 0``
(and ``H(A | C) <= 0`` likewise), exit 0, status ``proved``.

Independent evidence: A a uniform bit has H(A) = 1 bit > 0.
"""

from __future__ import annotations

import pytest

from derive.io import read_proof
from derive.kernel import check_proof

PROOF = """
[proof]
name = "red_copy_names"
[variables]
random = ["A"]
[[step]]
id = "s"
claim = "H(A) <= 0"
rule = "copy"
copy = ["A over", "A' over", "A over"]
certificate = { "copy[1][1]" = "1", "copy[2][1]" = "1", "copy[3][2]" = "-1" }
"""


@pytest.mark.xfail(strict=True, reason="red team: copy of A' at step 2 and copy of A at step 3 are both A'''")
def test_copy_steps_never_reuse_a_copy_name(tmp_path):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    try:
        report = check_proof(read_proof(path))
    except Exception:  # refusing the copy steps as bad input is also correct
        return
    assert report.steps[0].status != "proved"
    assert report.status != "proved"

