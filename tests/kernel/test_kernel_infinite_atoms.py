"""Discrete-only identities are never applied to continuous variables, whatever the input path.

``I(X; X) = H(X)`` and ``H(X, Y | X) = H(Y | X)`` hold for discrete ``X``; for a continuous ``X``,
``I(X; X) = +oo`` and ``H(X | X) = -oo`` (a point mass has differential entropy -oo). Core used to rewrite
``I(X; X)`` to ``H(X)`` on construction, so the kernel could not see the atom and proved ``I(X; X) == H(X)``
for a continuous ``X`` built through the Python API (the file grammar refused it, the kernel did not).
Core now keeps such atoms as written and the kernel's door refuses them when the shared variable is continuous.
"""

from __future__ import annotations

import pytest

from derive.api import Proof, check, variables
from derive.core.quantities import H, I
from derive.core.statements import Statement
from derive.core.variables import RVSet




def _row(claim, continuous=("X",)):
    p = Proof("t")
    p.step("s0", "H(X) + H(Y) >= H(X, Y)", "shannon")  # declares X and Y
    if continuous:
        p.declare_continuous(*continuous)
    p.step("s", claim, "linear")
    return check(p).checked.report.steps[1]


X, Y = variables("X Y")


@pytest.mark.parametrize("claim", [
    "I(X; X) == H(X)",
    "I(X; X, Y) <= H(X)",
    "H(X, Y | X) == H(Y | X)",
    "H(X | X) == 0",
])
def test_an_atom_infinite_for_a_continuous_variable_is_refused_as_text(claim):
    row = _row(claim)
    assert row.status == "failed" and "infinite" in row.message


def test_an_atom_infinite_for_a_continuous_variable_is_refused_as_python_objects():
    row = _row(Statement(I(X, X), "==", H(X)))
    assert row.status == "failed" and "infinite" in row.message
    row = _row(Statement(H(RVSet(X, Y), given=X), "==", H(Y, given=X)))
    assert row.status == "failed" and "infinite" in row.message


@pytest.mark.parametrize("claim", [
    "I(X; X) == H(X)",
    "I(X; X, Y) == H(X)",
    "H(X, Y | X) == H(Y | X)",
    "H(X | X) == 0",
])
def test_the_same_identities_are_proved_for_discrete_variables(claim):
    row = _row(claim, continuous=())
    assert row.status == "proved", row.message


def test_a_continuous_variable_on_one_side_only_is_fine():
    row = _row("I(X; Y) <= I(X; Y)")
    assert row.status == "proved", row.message


def test_a_hostile_oracle_cannot_use_an_infinite_atom_as_a_nonnegative_term():
    """I(X; X) >= 0 'holds' as +oo >= 0, but its linear form is H(X): for a continuous X that would prove H(X) >= 0
    (false: X uniform on [0, 1/4] has H(X) = -2 bits). The kernel vets oracle terms: an infinite atom has no sign."""
    from derive.io import read_proof_text
    from derive.kernel import check_proof
    from derive.kernel.linear import Proposal

    text = ('[proof]\nname = "h"\n[variables]\nrandom = ["X"]\ncontinuous = ["X"]\n'
            '[[step]]\nid = "s"\nclaim = "H(X) >= 0"\nrule = "linear"\n')
    for term in (I(X, X), I(X, RVSet(X, Y)), H(X, given=X)):
        row = check_proof(read_proof_text(text), oracle=lambda ctx, t=term: Proposal(nonneg=((t, 1),))).steps[0]
        assert row.status != "proved", (term, row.message)



FAMILY = """
[proof]
name = "apart"
[parameters]
j = "integer >= 0"
k = "integer >= 1"
[variables]
families = {{ X = "0..j + k" }}
continuous = ["X"]
[[step]]
id = "s"
claim = "{claim}"
rule = "shannon"
"""


@pytest.mark.parametrize("claim, well_formed", [
    ("I(X[j]; X[j + k]) >= 0", True),          # k >= 1: two members, provably different
    ("I(X[0..j]; X[j + 1..j + k]) >= 0", True),  # two blocks, provably apart
    ("H(X[j + k] | X[0..j]) <= H(X[j + k])", True),
    ("I(X[j]; X[k]) >= 0", False),             # j = k is admissible: I(X; X) = +oo there
    ("I(X[0]; X[j]) >= 0", False),             # j = 0 is admissible
    ("I(X[0..j]; X[j..j + k]) >= 0", False),   # the blocks share X[j]
    ("H(X[j] | X[0..j]) <= H(X[j])", False),
])
def test_members_of_a_continuous_family_are_apart_when_their_indices_provably_differ(tmp_path, claim, well_formed):
    """Session 19: the door refused I(X[j]; X[j + k]) for a continuous family although k >= 1 keeps the two members
    apart (it compared indices without the domains); it now asks the sign engine whether the index intervals are
    separated, and still refuses whatever may coincide at an admissible value."""
    from derive.checking import check_file

    path = tmp_path / "a.toml"
    path.write_text(FAMILY.format(claim=claim))
    row = check_file(path).report.steps[0]
    assert ("infinite" in (row.message or "")) != well_formed, row.message
