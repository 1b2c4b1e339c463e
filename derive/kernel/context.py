"""What a rule sees when it checks one step, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping


from derive.core.hypotheses import Assume, Hypothesis
from derive.core.parameters import Domains, as_domains
from derive.core.statements import Statement
from derive.errors import RuleMismatch, SideConditionFailed

__all__ = ["StepContext", "RuleOutcome", "Rule", "PROVED", "ASSUMED", "TESTED", "FAILED", "UNCHECKED", "STATUSES"]

PROVED, ASSUMED, TESTED, FAILED, UNCHECKED = "proved", "assumed", "tested", "failed", "unchecked"
STATUSES = (PROVED, ASSUMED, TESTED, FAILED, UNCHECKED)


@dataclass(frozen=True)
class StepContext:
    """One step to check: its claim and args, the accepted premises it uses, the domains and units."""

    step_id: str
    rule: str
    claim: Statement
    args: Mapping[str, Any]
    premise_statements: Mapping[str, Statement]
    premise_hypotheses: Mapping[str, Hypothesis]
    domains: Domains
    units: str = "bits"
    #: An untrusted oracle's :class:`~derive.kernel.linear.Proposal` for a ``linear``/``shannon``/``copy`` step (or
    #: the theorem) without a certificate in the file, and the oracle's note when it found none.
    proposal: Any = None
    search_note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "domains", as_domains(self.domains))

    def mismatch(self, message: str, expected: object, suggestion: str | None = None) -> RuleMismatch:
        """The error for a claim that is not what the rule licenses (``expected`` shows what it does)."""
        return RuleMismatch(message, step=self.step_id, rule=self.rule, expected=expected, got=self.claim,
                            suggestion=suggestion)

    def side(self, message: str, suggestion: str | None = None) -> SideConditionFailed:
        """The error for a side condition of the rule that the premises do not establish."""
        return SideConditionFailed(message, step=self.step_id, rule=self.rule, suggestion=suggestion)

    def hypotheses(self) -> list[Hypothesis]:
        return list(self.premise_hypotheses.values())

    def statements(self) -> dict[str, Statement]:
        """Premise statements: accepted steps and ``assume`` hypotheses."""
        out = dict(self.premise_statements)
        for hid, h in self.premise_hypotheses.items():
            if isinstance(h, Assume):
                out[hid] = h.statement
        return out


@dataclass(frozen=True)
class RuleOutcome:
    """A rule's verdict on a step that it accepts.

    ``status`` is ``proved`` (kernel-checked), ``assumed`` (rests on a cited
    lemma listed in ``trusted``) or ``unchecked`` (the kernel could not decide;
    never a success).
    """

    status: str
    detail: str = ""
    trusted: tuple = ()  # TrustedFact records (derive.kernel.report)
    certificate: Any = None


@dataclass(frozen=True)
class Rule:
    """A registered rule: proof-file ``name`` and Python ``function`` (whose docstring states the rule)."""

    name: str
    function: Callable[[StepContext], RuleOutcome]

    @property
    def python_name(self) -> str:
        return self.function.__name__
