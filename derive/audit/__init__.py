"""Soundness audit: mutation testing of proofs (``derive audit``).

:func:`generate_mutants` makes small deliberate errors in a proof; :func:`audit_proof` and
:func:`audit_paths` run each through the kernel and numeric verification and classify it as
*killed*, *accepted_true* or *survivor* (a soundness bug). See :mod:`derive.audit.run`.

:func:`run_generated` (``derive audit --generate N``) is the independent oracle: random proof files
(:mod:`derive.audit.generate`) whose accepted steps are evaluated on concrete models by
:mod:`derive.audit.semantics`, which implements DESIGN.md's semantics without the kernel.
"""

from derive.audit.mutate import OPERATORS, Mutant, clone_proof, generate_mutants, statement_mutations
from derive.audit.run import (
    ACCEPTED_TRUE,
    DEFAULT_SAMPLES,
    KILLED,
    SURVIVOR,
    AuditReport,
    MutantResult,
    ProofAudit,
    audit_paths,
    audit_proof,
)
from derive.audit.generate import CaseResult, GeneratedReport, audit_case, cases, generate_case, run_generated

__all__ = [
    "generate_case", "cases", "audit_case", "run_generated", "GeneratedReport", "CaseResult",
    "Mutant", "generate_mutants", "statement_mutations", "clone_proof", "OPERATORS",
    "audit_proof", "audit_paths", "AuditReport", "ProofAudit", "MutantResult",
    "KILLED", "ACCEPTED_TRUE", "SURVIVOR", "DEFAULT_SAMPLES",
]
