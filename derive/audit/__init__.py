"""Soundness audit: mutation testing of proofs (``derive audit``).

:func:`generate_mutants` makes small deliberate errors in a proof; :func:`audit_proof` and
:func:`audit_paths` run each through the kernel and numeric verification and classify it as
*killed*, *accepted_true* or *survivor* (a soundness bug). See :mod:`derive.audit.run`.
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

__all__ = [
    "Mutant", "generate_mutants", "statement_mutations", "clone_proof", "OPERATORS",
    "audit_proof", "audit_paths", "AuditReport", "ProofAudit", "MutantResult",
    "KILLED", "ACCEPTED_TRUE", "SURVIVOR", "DEFAULT_SAMPLES",
]
