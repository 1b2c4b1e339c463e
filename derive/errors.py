"""Every exception derive raises, under one root :class:`DeriveError`.

Two families matter to the command line:

* *bad input* (exit code 2): :class:`ParseError`, :class:`InvalidArgument`,
  :class:`LimitExceeded` and the structural proof errors (:class:`UnknownRule`,
  :class:`CyclicProof`, :class:`MissingPremise`, :class:`DuplicateStep`);
* *the mathematics says no* (exit code 1): :class:`RuleMismatch`,
  :class:`SideConditionFailed`, :class:`CertificateError`, :class:`StepTimeout`, :class:`Counterexample`.

Each class carries an ``exit_code`` so the CLI never has to guess.

Two more families live here so that every exception class has one home: *internal signals*
(:class:`InternalSignal` and its subclasses, and :class:`BudgetExpired`) are raised and caught inside one
module to steer a computation (a point where an expression has no value, a model that does not exist) and
never reach a user, so they are deliberately *not* :class:`DeriveError` instances; and :class:`ProofWarning` is a
warning category.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DeriveError",
    "InternalCheckError",
    "PlotError",
    "GraphvizError",
    "PdfLatexError",
    "UnrealizableHypotheses",
    "InvalidDraw",
    "InternalSignal",
    "Undefined",
    "NoModel",
    "Uncertifiable",
    "Unevaluable",
    "LPInfeasible",
    "BudgetExpired",
    "ProofWarning",
    "InvalidArgument",
    "ParseError",
    "LimitExceeded",
    "ProofError",
    "UnknownRule",
    "CyclicProof",
    "MissingPremise",
    "DuplicateStep",
    "RuleMismatch",
    "SideConditionFailed",
    "CertificateError",
    "UncheckableStep",
    "StepTimeout",
    "Counterexample",
]


class DeriveError(Exception):
    """Root of every error derive raises on purpose."""

    exit_code = 2

    def __init__(self, message: str = "", *, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def location(self) -> str:
        """``file:line:column`` (whatever parts are known), or ``""``."""
        parts = [str(p) for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class InvalidArgument(DeriveError, TypeError):
    """An argument of the wrong kind or out of range: "Expected X but got name=value"."""


class ParseError(DeriveError):
    """Text that derive's grammar or the proof-file format does not accept."""


class LimitExceeded(DeriveError):
    """An input beyond a documented resource limit (size, depth, exponent, variables)."""


class ProofError(DeriveError):
    """A step that cannot be accepted. Carries the step id, rule, expected and got."""

    def __init__(self, message: str = "", *, step: str | None = None, rule: str | None = None,
                 expected: Any = None, got: Any = None, suggestion: str | None = None,
                 file: str | None = None, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, file=file, line=line, column=column)
        self.step = step
        self.rule = rule
        self.expected = expected
        self.got = got
        self.suggestion = suggestion

    def __str__(self) -> str:
        head = []
        loc = self.location()
        if loc:
            head.append(loc)
        if self.step is not None:
            head.append(f"step {self.step!r}" + (f" ({self.rule})" if self.rule else ""))
        text = ": ".join(head + [self.message]) if head else self.message
        if self.expected is not None or self.got is not None:
            text += f"\n  expected: {self.expected}\n  got:      {self.got}"
        if self.suggestion:
            text += f"\n  hint: {self.suggestion}"
        return text


class UnknownRule(ProofError):
    """A step names a rule the registry does not have."""


class CyclicProof(ProofError):
    """Steps depend on each other in a cycle."""


class MissingPremise(ProofError):
    """A step refers to a premise or hypothesis id that does not exist."""


class DuplicateStep(ProofError):
    """Two steps or hypotheses share one id."""


class RuleMismatch(ProofError):
    """The rule, applied to the premises, does not yield the claimed statement."""

    exit_code = 1


class SideConditionFailed(ProofError):
    """A rule's side condition (a hypothesis, a sign, a domain) could not be established."""

    exit_code = 1


class CertificateError(ProofError):
    """A certificate (multipliers, sign proof) does not check exactly."""

    exit_code = 1


class UncheckableStep(ProofError):
    """Checking one step raised an error that is not a rule's verdict (an invalid argument inside a certificate,
    an expression too deeply nested, an internal error): the step is ``failed``, never accepted, and the
    message says why. The rest of the proof is still checked."""

    exit_code = 1


class StepTimeout(ProofError):
    """Checking one step took longer than its time budget (``derive check --timeout``).

    Exit code 1: the step is ``failed`` because its mathematics was not established,
    not because the input is malformed. ``seconds`` is the budget that ran out.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, seconds: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.seconds = seconds


class Counterexample(DeriveError):
    """A concrete model on which a claimed statement is false.

    ``distribution`` holds the model (a joint pmf and parameter values); ``lhs``
    and ``rhs`` the two sides' values.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, distribution: Any = None, lhs: Any = None,
                 rhs: Any = None, step: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.distribution = distribution
        self.lhs = lhs
        self.rhs = rhs
        self.step = step


class InternalCheckError(InvalidArgument):
    """Checking a proof file raised an unexpected error (a bug in derive, triggered by this input).

    Exit code 2 like any bad input (user input never makes derive exit 3), but the message says
    "internal error ... please report it" and names the file, the step and its line where known.
    """


class PlotError(DeriveError):
    """matplotlib is missing or could not write the figure (exit code 2)."""


class GraphvizError(DeriveError):
    """Graphviz's ``dot`` is missing or failed (exit code 2)."""


class PdfLatexError(DeriveError):
    """pdflatex is missing or rejected the document (exit code 2)."""


class UnrealizableHypotheses(DeriveError):
    """The hypotheses cannot all hold in one finite model derive can build (names them)."""

    exit_code = 2

    def __init__(self, message: str, *, hypotheses: Any = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.hypotheses = tuple(hypotheses)


class InvalidDraw(DeriveError):
    """One draw of parameter values gives no valid model (e.g. a channel entry outside [0, 1]); draw again."""


class InternalSignal(Exception):
    """Raised and caught inside one module to steer a computation; never reaches a user (not a DeriveError)."""


class Undefined(InternalSignal):
    """An expression has no (real) value at this point or on this model (``reason`` says which part and why)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class NoModel(InternalSignal):
    """The hypotheses have no model at these parameter values."""


class Uncertifiable(InternalSignal):
    """A value cannot be enclosed (an unsupported function, a float-only input, an infinity, ...)."""


class Unevaluable(InternalSignal):
    """A point cannot be evaluated here (an unknown node, a sum too long, an overflow): skip it."""


class LPInfeasible(InternalSignal):
    """The elemental LP (column generation past the full-LP cap) is (numerically) infeasible: no certificate."""


class BudgetExpired(BaseException):
    """Raised by a time budget's alarm inside a step; a ``BaseException`` so that ``except Exception`` in a rule or an
    oracle does not swallow it. Never escapes :class:`derive.checking.StepBudget`."""


class ProofWarning(UserWarning):
    """Something suspicious but not wrong in a proof (an unused hypothesis)."""
