"""The soundness audit of the bundled proofs: at least 1,000 mutants, zero survivors."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from derive.audit import ACCEPTED_TRUE, KILLED, audit_paths

PROOFS = Path(__file__).resolve().parents[2] / "proofs"

#: Mutants per proof: a seeded sample of at least 1,000 mutants in all keeps the run within the test budget
#: (with 25 bundled proofs, 80 per proof took 280 s on a loaded machine); ``derive audit proofs/`` without
#: ``--max-mutants`` runs all of them (3,361 on 21 proofs, 0 survivors; README).
PER_PROOF = max(50, -(-1200 // max(1, len(list(PROOFS.glob("*.toml"))))))


@pytest.mark.slow
def test_bundled_proofs_have_no_survivors():
    start = time.monotonic()
    report = audit_paths([PROOFS], seed=0, max_mutants=PER_PROOF, samples=8, jobs=min(2, os.cpu_count() or 1),
                         shrink=False)
    seconds = time.monotonic() - start
    survivors = [(p.name, r.description, r.reason, r.counterexample_text) for p, r in report.survivors()]
    assert survivors == []
    assert report.mutants >= 1000, report.mutants
    assert report.count(KILLED) + report.count(ACCEPTED_TRUE) == report.mutants
    assert all(p.base_status == "proved" and p.error is None for p in report.proofs), \
        [(p.name, p.base_status, p.error) for p in report.proofs]
    # a crash on a mutant is a bug too (the three found so far are regression tests in test_audit_findings.py)
    assert [(p.name, r.description, r.error) for p, r in report.errors()] == []
    # the kernel must reject most mutants: a collapse of the kill rate means it stopped looking
    assert report.kill_rate > 0.75, report.kill_rate
    print(f"\naudit of {len(report.proofs)} bundled proofs: {report.mutants} mutants, {report.count(KILLED)} killed "
          f"({100 * report.kill_rate:.1f}%), {report.count(ACCEPTED_TRUE)} accepted and true, 0 survivors, "
          f"{seconds:.0f}s")
