"""Red team: a copy (copy lemma) of a continuous variable must stay continuous.

The kernel's copy ``X'`` of a continuous ``X`` is a :class:`CopyRV` whose name ("X'") is not among the
continuous names, so the sign prover calls ``H(X')`` non-negative; with the copy equality
``H(X') = H(X)`` any oracle can then prove ``H(X) >= 0`` for a continuous ``X``.

Independent evidence (closed form): X ~ Uniform[0, 1/4] has differential entropy log2(1/4) = -2 bits < 0.
Oracles are untrusted by design (kernel/check.py), so the kernel must refuse this proposal.
"""

from __future__ import annotations

import sympy

from derive.core.hypotheses import CopyRV
from derive.core.quantities import H
from derive.core.variables import RVSet
from derive.io import read_proof
from derive.kernel import check_proof
from derive.kernel.linear import Proposal

PROOF = """
[proof]
name = "red_copy_continuous"
[variables]
random = ["X"]
continuous = ["X"]
[[step]]
id = "s1"
claim = "H(X) >= 0"
rule = "copy"
copy = ["X over"]
"""


def _copy_oracle(ctx):
    """H(X) = H(X') - (H(X') - H(X)): the copy's entropy as a 'non-negative' term, the copy equality as a zero term."""
    return Proposal(multipliers=(("copy[1][1]", sympy.Integer(-1)),),
                    nonneg=((H(RVSet(CopyRV("X'")), RVSet()), sympy.Integer(1)),), origin="red team")


def test_copy_of_a_continuous_variable_gives_no_nonnegative_entropy(tmp_path):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    report = check_proof(read_proof(path), oracle=_copy_oracle)
    step = next(s for s in report.steps if s.id == "s1")
    assert step.status != "proved"


def test_a_copy_of_a_discrete_variable_keeps_its_nonnegative_entropy(tmp_path):
    """The same proposal for a discrete X proves H(X) >= 0 (true): only continuity changed the verdict."""
    path = tmp_path / "ok.toml"
    path.write_text(PROOF.replace('continuous = ["X"]\n', ""))
    step = check_proof(read_proof(path), oracle=_copy_oracle).steps[0]
    assert step.status == "proved", step.message


def test_copies_have_the_kind_of_what_they_copy():
    from derive.core.parameters import Domains

    domains = Domains({}, {"X", "F"})
    for name, continuous in (("X'", True), ("X''", True), ("F[1]'", True), ("F[1..n]''", True), ("Y'", False)):
        assert domains.is_continuous(CopyRV(name)) is continuous, name
