"""Check a proof file end to end: read, validate, kernel-check (with untrusted oracles), test `real` steps.

This is the driver the CLI and notebooks use; the verdicts are the kernel's, except that
``real`` steps the kernel leaves ``unchecked`` are tested numerically (``tested``/``failed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from derive.kernel import Report, check_proof
from derive.kernel.rules import rule_names
from derive.numeric.real import test_unchecked_real_steps
from derive.proof import Proof
from derive.provers.combination import combination_oracle

__all__ = ["CheckedProof", "check", "check_file"]


@dataclass
class CheckedProof:
    """A proof, the kernel's report on it and the structural warnings."""

    proof: Proof
    report: Report
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.report.status


def check(proof: Proof, *, strict: bool = False, use_prover: bool = True) -> CheckedProof:
    """Validate and check ``proof``; structural errors raise, false steps are reported ``failed``."""
    warnings = proof.validate(rule_names())
    report = check_proof(proof, strict=strict, oracle=combination_oracle if use_prover else None)
    test_unchecked_real_steps(proof, report)
    return CheckedProof(proof, report, warnings)


def check_file(path: str | Path, *, strict: bool = False, use_prover: bool = True) -> CheckedProof:
    """Read the proof file at ``path`` and :func:`check` it."""
    from derive.io import read_proof

    return check(read_proof(Path(path)), strict=strict, use_prover=use_prover)
