"""One notation in every report (issue #17): the kernel's messages use the file grammar (``x^2``,
``sum(f, i, 1, n)``), never sympy's ``**`` / ``Sum(..., (i, 1, n))`` — written so at the source
(:func:`derive.core.notation.show`), not rewritten afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from derive.core.hypotheses import ChannelSpec
from derive.core.notation import show
from derive.core.statements import Statement
from derive.core.variables import FamilyMember, FamilyRange
from derive.errors import DeriveError
from derive.io import read_proof
from derive.kernel import check_proof
from derive.provers.certificate_search import search_oracle

n, i, x = sympy.symbols("n i x", integer=True)
BAD = sorted((Path(__file__).parents[1] / "bad_proofs").glob("*.toml"))


def _sympy_notation(text: str) -> bool:
    return "**" in text or "Sum(" in text


def test_show_writes_powers_and_sums_in_the_file_grammar():
    assert show(x ** 2 + sympy.Sum(x ** i, (i, 1, n))) == "x^2 + sum(x^i, i, 1, n)"
    assert show(sympy.Sum(sympy.Sum(i * x, (i, 1, n)), (x, 1, 3))) == "sum(sum(i*x, i, 1, n), x, 1, 3)"
    assert show("text") == "text" and show(3) == "3"


def test_core_objects_print_in_the_file_grammar():
    assert str(FamilyMember("X", n ** 2)) == "X[n^2]"
    assert str(FamilyRange("X", 1, n ** 2)) == "X[1..n^2]"
    assert str(Statement(x ** 2, "<=", sympy.Sum(x, (i, 1, n)))) == "x^2 <= sum(x, i, 1, n)"
    assert str(ChannelSpec("BSC", (sympy.Symbol("d") ** 2,))) == "BSC(d^2)"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_no_kernel_message_on_a_bad_proof_uses_sympy_notation(path):
    try:
        report = check_proof(read_proof(path), oracle=search_oracle)
    except DeriveError as err:  # structural errors: raised before the kernel's rules run
        assert not _sympy_notation(str(err)), str(err)
        return
    for row in [*report.steps, *([report.theorem] if report.theorem else [])]:
        for text in (row.message, row.error, getattr(row, "suggestion", None)):
            assert not _sympy_notation(str(text or "")), f"{row.id}: {text}"


def test_kernel_messages_name_atoms_in_the_authors_order(tmp_path):
    """Core sorts the sides of I (I(A; Z)); inside derive.checking the kernel's messages print I(Z; A) as written."""
    from derive.checking import check_file

    path = tmp_path / "dpi.toml"
    path.write_text('[proof]\nname = "d"\n[variables]\nrandom = ["Z", "A", "B"]\n[[hypothesis]]\nid = "c"\n'
                    'markov = "Z -> A -> B"\n[[step]]\nid = "s"\nclaim = "I(Z; A) <= I(Z; B)"\nrule = "dpi"\n'
                    'uses = ["c"]\n')
    row = check_file(path, vacuity=False).report.steps[0]
    assert "data processing says I(Z; B) <= I(Z; A)" in row.message
    assert row.suggestion == "swap the two sides: I(Z; B) <= I(Z; A)"
    assert str(row.claim.lhs) == "I(A; Z)"  # outside the block: core's canonical order, the objects unchanged
