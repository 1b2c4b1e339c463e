"""The trusted kernel: the only code whose bugs can make a false proof pass.

It imports only ``derive.core``, ``derive.errors``, sympy, networkx and the
standard library; uses exact arithmetic only; and raises instead of asserting.
"""

from derive.kernel.check import check_proof, check_proposal, check_step
from derive.kernel.context import ASSUMED, FAILED, PROVED, STATUSES, TESTED, UNCHECKED, Rule, RuleOutcome, StepContext
from derive.kernel.linear import Certificate, Proposal, Term, check_certificate
from derive.kernel.report import Report, StepResult, TrustedFact, lower_step_status, with_warnings
from derive.kernel.rules import RULES, rule_names
from derive.kernel import chains as _chains  # noqa: E402,F401  registers `sdpi_chain`

__all__ = [
    "check_proof", "check_step", "check_proposal", "Report", "StepResult", "TrustedFact", "lower_step_status",
    "with_warnings", "StepContext", "RuleOutcome", "Rule", "RULES", "rule_names", "Certificate", "Proposal", "Term",
    "check_certificate",
    "PROVED", "ASSUMED", "TESTED", "FAILED", "UNCHECKED", "STATUSES",
]
