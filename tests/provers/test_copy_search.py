"""The copy-lemma search (untrusted): finds Zhang–Yeung with one copy step, and the kernel re-checks it."""

from __future__ import annotations

import pytest

from derive.core import RVSet, Statement
from derive.core.quantities import I
from derive.provers.copy_search import copy_specs, search_copy_proof

A, B, X, Y = (RVSet(n) for n in "ABXY")
E = RVSet()
ZY = Statement(2 * I(X, Y, E), "<=", I(A, B, E) + I(A, X | Y, E) + 3 * I(X, Y, A) + I(X, Y, B))
INGLETON = Statement(I(A, B, E), "<=", I(A, B, X) + I(A, B, Y) + I(X, Y, E))


def test_copy_specs_enumerate_every_disjoint_pair_smallest_first():
    specs = copy_specs(RVSet("A", "B", "C"))
    assert len(specs) == 3 ** 3 - 2 ** 3  # each variable copied, kept, or neither; at least one copied
    assert [len(s.copied) for s in specs] == sorted(len(s.copied) for s in specs)  # fewest copies first


def test_zhang_yeung_is_found_with_one_copy_step_and_kernel_checked():
    found = search_copy_proof(ZY, max_steps=1, timeout=60)
    assert found is not None and len(found.steps) == 1
    assert found.certificate is not None and "copy" in found.descriptions[0]


def test_ingleton_has_no_copy_proof_it_is_false():
    assert search_copy_proof(INGLETON, max_steps=1, timeout=60) is None


def test_prove_proves_zhang_yeung_with_the_copy_lemma_and_refutes_ingleton():
    from derive.provers.shannon import prove

    zy = prove(ZY, copy_steps=1)
    assert zy.status == "proved" and zy.copy is not None
    assert zy.to_json()["copy"]["copy_steps"] == ["A over X, Y"] or zy.to_json()["copy"]["copy_steps"]
    assert prove(ZY, copy_steps=0).status == "not_shannon"  # without copies: undecided, never false
    ing = prove(INGLETON, copy_steps=1)
    assert ing.status == "false" and ing.counterexample["certified"] is True


def test_a_shannon_inequality_needs_no_copy():
    from derive.provers.shannon import prove

    res = prove(Statement(I(A, B, X), ">=", 0), copy_steps=1)
    assert res.status == "proved" and res.copy is None


def test_cli_prove_shows_the_copy_steps(capsys):
    from derive.cli import main

    code = main(["prove", "2*I(X; Y) <= I(A; B) + I(A; X, Y) + 3*I(X; Y | A) + I(X; Y | B)"])
    out = capsys.readouterr().out
    assert code == 0 and "copy lemma" in out and "A' a copy of A over X, Y" in out
    code = main(["prove", "I(A; B) <= I(A; B | X) + I(A; B | Y) + I(X; Y)"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("false") and "certified violation" in out


@pytest.mark.parametrize("bad", [-1, 3, 1.5, True, "1", None])
def test_copy_steps_outside_0_to_2_is_a_clear_error_everywhere(bad, capsys):
    """Session 28: ``api.prove(..., copy_steps=-1)`` or ``1.5`` was accepted silently; the one check
    (:func:`derive.provers.shannon.check_copy_steps`) now runs in the prover, the Python API and the CLI."""
    from derive import api
    from derive.cli import main
    from derive.errors import InvalidArgument
    from derive.provers.shannon import MAX_COPY_STEPS

    assert MAX_COPY_STEPS == 2
    with pytest.raises(InvalidArgument, match="copy_steps an integer in 0..2"):
        api.prove("H(X) >= 0", copy_steps=bad)
    with pytest.raises(InvalidArgument, match="copy_steps an integer in 0..2"):   # the families path too
        api.prove("H(X[1..n]) <= sum(H(X[i]), i, 1, n)", copy_steps=bad)
    if isinstance(bad, int) and not isinstance(bad, bool):
        assert main(["prove", "H(X) >= 0", "--copy-steps", str(bad)]) == 2
        assert "--copy-steps an integer in 0..2" in capsys.readouterr().err
