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


def test_copy_steps_never_reuse_a_copy_name(tmp_path):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    try:
        report = check_proof(read_proof(path))
    except Exception:  # refusing the copy steps as bad input is also correct
        return
    assert report.steps[0].status != "proved"
    assert report.status != "proved"



def test_copies_are_new_variables_whatever_the_names():
    """The class fix: a copy step's copies get more primes while a name is taken, and a CopyOf whose copy is among
    the variables it is independent of (or copied over) cannot be built at all."""
    from derive.core.hypotheses import CopyOf, CopyRV, CopySpec, copy_lemma_extension
    from derive.core.variables import RV, RVSet
    from derive.errors import InvalidArgument

    a = RV("A")
    first = copy_lemma_extension((CopySpec(RVSet(a), RVSet()),), RVSet(a))[0].pairs[0][1]
    steps = (CopySpec(RVSet(a), RVSet()), CopySpec(RVSet(first), RVSet()), CopySpec(RVSet(a), RVSet()))
    made = [c for h in copy_lemma_extension(steps, RVSet(a)) for _, c in h.pairs]
    assert len(set(made)) == 3 and all(c != a for c in made)
    with pytest.raises(InvalidArgument):
        CopyOf(((a, CopyRV("A'")),), RVSet(), RVSet(a, CopyRV("A'")))
