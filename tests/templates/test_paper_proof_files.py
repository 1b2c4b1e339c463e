"""The proof files of issue 15 (FKL25 Theorems 7, 8, 18; BBFST21): which steps the kernel checks, what is cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.checking import check_file

PROOFS = Path(__file__).resolve().parents[2] / "proofs"


def _statuses(path: Path) -> tuple[str, dict[str, str], str]:
    checked = check_file(path)
    trusted = " ".join(str(t) for t in checked.report.trusted)
    return checked.status, {r.id: r.status for r in checked.report.steps}, trusted


@pytest.mark.parametrize("name, kernel_steps", [
    ("fkl25_dominating_exact", ["dpi_train", "item1_data_generation", "dpi_test", "item2_test_train", "combine"]),
    ("fkl25_dominating_approximate", ["item1_coupled", "item2_coupled", "combine"]),
    ("fkl25_theorem7_accuracy", ["identity", "part2"]),
    ("fkl25_mixture", ["condition_on_ids", "across_clusters"]),
    ("bbfst21_singletons", ["condition_on_ids", "restrict", "superadditivity"]),
])
def test_steps_are_kernel_checked_and_citations_give_both_numberings(name, kernel_steps):
    status, steps, trusted = _statuses(PROOFS / f"{name}.toml")
    assert status == "proved"
    assert all(steps[s] == "proved" for s in kernel_steps)
    if name.startswith("fkl25"):
        assert "arXiv" in trusted and "PMLR" in trusted


def test_conditioning_on_the_ids_needs_them_to_be_a_function_of_the_sample(tmp_path):
    """Without ``ids = f(X)`` the step I(M; X | P) >= I(M; X | P, ids) is false in general and is not accepted."""
    text = (PROOFS / "bbfst21_singletons.toml").read_text()
    cut = text.replace('function_of = "ids = f(X[1..s + r])"', 'independent = "ids _|_ M | P"')
    assert cut != text
    f = tmp_path / "no_function.toml"
    f.write_text(cut)
    status, steps, _ = _statuses(f)
    assert status != "proved" and steps["ids_known_from_sample"] != "proved"
