"""Verdicts: the kernel's immutable report, and the one way to lower a status after checking.

Statuses: ``proved`` (kernel-checked), ``assumed`` (rests on a cited lemma or an ``assume``
hypothesis, listed as a :class:`TrustedFact`), ``tested`` (numerically tested above the kernel),
``failed``, ``unchecked`` (the kernel could not decide). A proof is ``proved`` only when the theorem
and every step it depends on are ``proved`` or ``assumed``; ``strict`` also refuses ``assumed``.

Reports and step results are frozen. Layers above the kernel never build or edit a verdict: numeric
testing records ``tested``/``failed`` through :func:`lower_step_status`, which can only take a step
*away* from ``proved``/``assumed``, never towards them, and recomputes the overall status itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from derive.core.cited import TrustedFact
from derive.core.statements import Statement
from derive.errors import InvalidArgument
from derive.kernel.context import ASSUMED, FAILED, PROVED, TESTED, UNCHECKED

__all__ = ["TrustedFact", "StepResult", "Report", "overall_status", "lower_step_status", "with_warnings"]


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step (or on the theorem, ``id == "theorem"``)."""

    id: str
    rule: str
    status: str
    claim: Statement | None = None
    message: str = ""
    premises: tuple[str, ...] = ()
    trusted: tuple[TrustedFact, ...] = ()
    expected: Any = None
    got: Any = None
    suggestion: str | None = None
    error: str | None = None
    line: int | None = None
    depends_on_unproved: tuple[str, ...] = ()
    certificate: Any = None


@dataclass(frozen=True)
class Report:
    """Per-step results, the theorem's result, the overall status and what was trusted.

    ``needed``: the steps the theorem depends on (every step when there is no theorem); ``uses_assume``: whether an
    ``assume`` hypothesis is among them. Both let the kernel recompute ``status`` when a step is lowered.
    """

    name: str
    file: str | None
    steps: tuple[StepResult, ...]
    theorem: StepResult | None
    status: str
    trusted: tuple[TrustedFact, ...]
    strict: bool = False
    #: Notes that are not verdicts (e.g. "the hypotheses may have no model"); see :func:`with_warnings`.
    warnings: tuple[str, ...] = ()
    needed: frozenset[str] = field(default_factory=frozenset)
    uses_assume: bool = False

    @property
    def conclusion(self) -> str | None:
        return str(self.theorem.claim) if self.theorem is not None and self.theorem.claim is not None else None

    def failures(self) -> list[StepResult]:
        return [s for s in (*self.steps, self.theorem) if s is not None and s.status == FAILED]

    @property
    def ok(self) -> bool:
        return self.status == PROVED


def overall_status(steps: tuple[StepResult, ...], theorem: StepResult | None, needed: frozenset[str],
                   uses_assume: bool, strict: bool) -> str:
    """The proof's status from the statuses of the steps it needs (and the theorem's)."""
    relevant = [s for s in steps if s.id in needed] + ([theorem] if theorem is not None else [])
    statuses = {s.status for s in relevant}
    if FAILED in statuses:
        return FAILED
    if UNCHECKED in statuses:
        return UNCHECKED
    if TESTED in statuses:
        return FAILED if strict else TESTED
    if ASSUMED in statuses or uses_assume or any(s.trusted for s in relevant):
        return FAILED if strict else PROVED
    return PROVED


#: A status may only move to one of lower or equal rank; ``tested`` and ``unchecked`` are both "not a proof".
_RANK = {PROVED: 3, ASSUMED: 2, TESTED: 1, UNCHECKED: 1, FAILED: 0}


def lower_step_status(report: Report, step_id: str, status: str, message: str, error: str | None = None) -> Report:
    """A new report with step ``step_id`` set to ``status`` (``tested``, ``unchecked`` or ``failed``).

    Raises
    ------
    InvalidArgument
        If ``status`` would raise the step (e.g. to ``proved``), or the step does not exist.
    """
    if status not in _RANK or status in (PROVED, ASSUMED):
        raise InvalidArgument(f"only the kernel decides {status!r}; a step can only be lowered to tested/unchecked/failed")
    old = next((s for s in report.steps if s.id == step_id), None)
    if old is None:
        raise InvalidArgument(f"no step {step_id!r} in the report")
    if _RANK[status] > _RANK[old.status]:
        raise InvalidArgument(f"step {step_id!r} is {old.status}; it cannot be raised to {status}")
    steps = tuple(replace(s, status=status, message=message, error=error or s.error) if s.id == step_id else s
                  for s in report.steps)
    return replace(report, steps=steps,
                   status=overall_status(steps, report.theorem, report.needed, report.uses_assume, report.strict))


def with_warnings(report: Report, texts: list[str], *, refuse: bool = False) -> Report:
    """A new report with warnings added (not verdicts); ``refuse`` (``strict`` with a vacuity warning) fails it."""
    new = tuple(dict.fromkeys((*report.warnings, *texts)))
    return replace(report, warnings=new, status=FAILED if refuse and texts else report.status)
