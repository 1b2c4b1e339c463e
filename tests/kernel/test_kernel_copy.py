"""The ``copy`` rule (copy lemma): accepted, rejected, and its licensed equalities true on random distributions.

The property test builds the copy *independently of the kernel*: for a random joint pmf of (A, B, X, Y) it
constructs P(a, b, x, y, a') = P(a, b, x, y) P(a' | x, y) with numpy and checks that every equality the
kernel's :class:`CopyOf` licenses holds numerically, and that nothing it licenses is false.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from derive.provers.certificate_search import default_oracle, search_oracle
from derive.checking import check_file
from derive.core import RVSet, Statement
from derive.core.hypotheses import CopyOf, CopyRV, CopySpec, copy_lemma_extension
from derive.core.linear import linear_form
from derive.core.quantities import H, I
from derive.io import read_proof_text, write_proof
from derive.kernel import check_proof
from derive.provers.combination import combination_oracle
from derive.proof import Proof

ROOT = Path(__file__).resolve().parents[2]
A, B, X, Y = (RVSet(n) for n in "ABXY")
ZY = Statement(2 * I(X, Y, RVSet()), "<=", I(A, B, RVSet()) + I(A, X | Y, RVSet()) + 3 * I(X, Y, A) + I(X, Y, B))


def _proof(claim: Statement, copy: tuple[CopySpec, ...]) -> Proof:
    p = Proof("copy_test")
    p.random("A", "B", "X", "Y")
    p.step("s", claim, "copy", args={"copy": copy})
    return p


def test_zhang_yeung_is_proved_by_one_copy_step():
    report = check_proof(_proof(ZY, (CopySpec(A, X | Y),)), oracle=default_oracle())
    assert report.steps[0].status == "proved", report.steps[0].message


def test_the_bundled_zhang_yeung_proof_checks():
    checked = check_file(ROOT / "proofs" / "zhang_yeung.toml")
    assert checked.status == "proved"


@pytest.mark.parametrize("spec", [CopySpec(B, X | Y), CopySpec(X, A | B), CopySpec(A, RVSet())])
def test_a_copy_step_that_does_not_give_zhang_yeung_is_not_accepted(spec):
    row = check_proof(_proof(ZY, (spec,)), oracle=default_oracle()).steps[0]
    assert row.status != "proved"


def test_without_the_independence_the_copy_step_proves_nothing_new(monkeypatch):
    full = CopyOf.equalities
    monkeypatch.setattr(CopyOf, "equalities", lambda self: full(self)[:-1])  # drop I(A'; A, B | X, Y) = 0
    row = check_proof(_proof(ZY, (CopySpec(A, X | Y),)), oracle=default_oracle()).steps[0]
    assert row.status != "proved"


def test_copies_are_made_by_the_kernel_only():
    a_copy = CopyRV("A'")
    claim = Statement(I(RVSet(a_copy), X, RVSet()), ">=", 0)
    row = check_proof(_proof(claim, (CopySpec(A, X | Y),)), oracle=default_oracle()).steps[0]
    assert row.status == "failed" and "kernel only" in row.message
    assert CopyRV("A") != RVSet("A").args[0]  # a copy never equals a user variable of the same name


def test_a_copy_of_an_unmentioned_variable_is_refused():
    p = _proof(Statement(I(A, B, RVSet()), ">=", 0), (CopySpec(RVSet("Q"), A),))
    row = check_proof(p, oracle=search_oracle).steps[0]
    assert row.status == "failed" and "does not mention" in row.message


def test_the_copy_argument_round_trips_through_the_file_format():
    p = _proof(ZY, (CopySpec(A, X | Y), CopySpec(RVSet("B"), RVSet("A"))))
    again = read_proof_text(write_proof(p))
    assert again.steps[0].args["copy"] == p.steps[0].args["copy"]


# ---------------------------------------------------------------------------- property: the lemma's equalities


def _entropy(pmf: np.ndarray, axes: tuple[int, ...]) -> float:
    drop = tuple(k for k in range(pmf.ndim) if k not in axes)
    m = pmf.sum(axis=drop) if drop else pmf
    m = m[m > 0]
    return float(-(m * np.log2(m)).sum())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.sampled_from([(0,), (0, 1), (2,)]), st.sampled_from([(2, 3), (3,), (1, 3), ()]))
def test_every_equality_the_copy_lemma_licenses_holds_on_a_random_distribution(seed, copied, over):
    """Axes 0..3 are A, B, X, Y; the copy of ``copied`` over ``over`` is built as P(.) P(copy | over)."""
    if set(copied) & set(over):
        return
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(16) * 0.7).reshape(2, 2, 2, 2)
    names = ["A", "B", "X", "Y"]
    # P(over, copied) marginal, then P(copied | over); the extension multiplies it in on new axes
    marg_axes = tuple(sorted(set(over) | set(copied)))
    marg = p.sum(axis=tuple(k for k in range(4) if k not in marg_axes))
    over_pos = [marg_axes.index(k) for k in over]
    copied_pos = [marg_axes.index(k) for k in copied]
    cond = marg / marg.sum(axis=tuple(copied_pos), keepdims=True).clip(1e-300)
    ext = np.zeros((2,) * (4 + len(copied)))
    for idx in itertools.product((0, 1), repeat=4 + len(copied)):
        base, new = idx[:4], idx[4:]
        key = [0] * len(marg_axes)
        for k in over:
            key[marg_axes.index(k)] = base[k]
        for j, k in enumerate(copied):
            key[marg_axes.index(k)] = new[j]
        ext[idx] = p[base] * cond[tuple(key)]
    assert abs(ext.sum() - 1) < 1e-12
    spec = CopySpec(RVSet(*[names[k] for k in copied]), RVSet(*[names[k] for k in over]))
    (hyp,) = copy_lemma_extension((spec,), RVSet(*names))
    axis_of = {names[k]: k for k in range(4)}
    axis_of.update({str(c): 4 + j for j, (_, c) in enumerate(hyp.pairs)})

    def value(expr) -> float:
        form = linear_form(expr)
        total = float(form.const)
        for atom, c in form.terms.items():
            assert isinstance(atom, H) and not atom.given
            total += float(c) * _entropy(ext, tuple(axis_of[str(v)] for v in atom.target.args))
        return total

    for eq in hyp.equalities():
        assert abs(value(eq)) < 1e-9, eq


def test_ten_dfz_inequalities_are_proved_with_two_copy_steps_each():
    """DFZ 2011 list 1-4 and the six DFZ 2006 inequalities (psitip's transcription), each kernel-checked."""
    checked = check_file(ROOT / "proofs" / "dfz_four_variable.toml")
    assert checked.status == "proved"
    assert [r.status for r in checked.report.steps] == ["proved"] * 10
    assert all(len(s.args["copy"]) == 2 for s in checked.proof.steps)


def test_a_second_copy_step_may_copy_over_a_first_copy_and_round_trips():
    from derive.io.grammar import ParseContext, parse_copy_spec
    from derive.core import RV

    ctx = ParseContext(variables={n: RV(n) for n in "ABCX"})
    spec = parse_copy_spec("X over C', A", ctx)
    assert CopyRV("C'") in spec.over.args
    p = _proof(ZY, (CopySpec(A, X | Y), CopySpec(X, RVSet(CopyRV("A'"), B))))
    assert read_proof_text(write_proof(p)).steps[0].args["copy"] == p.steps[0].args["copy"]
