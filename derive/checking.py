"""Check a proof file end to end: read, validate, kernel-check (with untrusted oracles), test `real` steps.

This is the driver the CLI and notebooks use; the verdicts are the kernel's, except that
``real`` steps the kernel leaves ``unchecked`` are tested numerically (``tested``/``failed``).

Time budget (``derive check --timeout SECONDS``, ``check(..., timeout=SECONDS)``): the checking of
each step (its rule, and the untrusted prover the kernel may consult) and of the theorem gets at
most ``SECONDS`` of wall-clock time. A step over budget is ``failed`` with a
:class:`~derive.errors.StepTimeout` naming the step; the other steps are still checked and the
proof is not ``proved`` (exit code 1). The budget is enforced by ``SIGALRM`` (``signal.setitimer``)
from this module, never inside the kernel, so it works only on the main thread of a POSIX
process with no interval timer already running; elsewhere (a worker thread, Windows, under
another ``ITIMER_REAL`` user) steps run without a budget. A signal is handled between Python
bytecodes, so one long call into C (a single HiGHS LP, a flint solve) finishes before the step
is stopped.

Vacuity: after the kernel, :mod:`derive.vacuity` (untrusted) looks for hypotheses that cannot hold
together; what it finds is a warning in ``report.warnings``, and under ``strict`` the proof is
``failed``. Any unexpected error while checking becomes :class:`InternalCheckError` (bad input,
exit code 2) naming the step and its line.
"""

from __future__ import annotations

import signal
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from derive.core.notation import messages_for
from derive.io.reader import unread_arguments
from derive.errors import DeriveError, LimitExceeded, StepTimeout, InternalCheckError, BudgetExpired as _Expired
from derive.kernel import Report, check_proof, with_warnings
from derive.kernel.rules import rule_names
from derive.numeric.real import test_unchecked_real_steps
from derive.proof import Proof
from derive.provers.certificate_search import default_oracle
from derive.provers.refute_steps import refute_unchecked_shannon_steps

__all__ = ["CheckedProof", "check", "check_file", "DEFAULT_STEP_TIMEOUT", "StepBudget", "step_budget",
           "can_enforce_timeout", "InternalCheckError", "VACUITY_TIMEOUT"]

#: Seconds allowed for checking one step on the command line (``derive check --timeout``; 0 disables).
DEFAULT_STEP_TIMEOUT = 60.0

#: After the budget runs out the alarm repeats this often, so code that swallows the first
#: interruption (a broad ``except``) is interrupted again.
_REPEAT = 0.05





def can_enforce_timeout() -> bool:
    """Whether a time budget can be enforced here: POSIX ``setitimer``, the main thread, no interval timer running."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


class StepBudget:
    """``with StepBudget(seconds, step_id):`` — raise :class:`StepTimeout` if the block runs longer than ``seconds``.

    Raises
    ------
    StepTimeout
        On exit, when the budget ran out (whatever the block did with the interruption).
    """

    def __init__(self, seconds: float, step_id: str, *, what: str = "step") -> None:
        self.seconds = float(seconds)
        self.step_id = step_id
        self.what = what
        self.armed = False
        self.expired = False
        self._installed = False
        self._previous = None

    def _on_alarm(self, signum, frame) -> None:
        if self.armed:
            self.expired = True
            if not _tearing_down(frame):  # the budget is already on its way out: let it finish
                raise _Expired()

    def __enter__(self) -> "StepBudget":
        if self.seconds > 0 and can_enforce_timeout():
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            self._installed = self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, _REPEAT)
        return self

    def _disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous if self._previous is not None else signal.SIG_DFL)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._installed:
            while True:  # the alarm may fire once more before it is disarmed
                try:
                    self._disarm()
                    break
                except _Expired:
                    self.expired = True
            self._installed = False
        if self.expired or exc_type is _Expired:
            subject = "the theorem" if self.step_id == "theorem" else f"{self.what} {self.step_id!r}"
            raise StepTimeout(f"checking {subject} took longer than its time budget of {self.seconds:g} s "
                              "(raise it with --timeout SECONDS, 0 for none)", step=self.step_id,
                              seconds=self.seconds) from None
        return False


class _NamedStep:
    """Around one step: records which step runs (for messages about internal errors) and enters its budget."""

    def __init__(self, step_id: str, current: dict, budget) -> None:
        self.step_id, self.current, self.budget = step_id, current, budget

    def __enter__(self) -> "_NamedStep":
        self.current["step"] = self.step_id
        self.budget.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            self.budget.__exit__(exc_type, exc, tb)
        except Exception as err:  # noqa: BLE001 - the budget's StepTimeout, re-raised naming its step
            _name_step(err, self.step_id)
            raise
        else:
            if isinstance(exc, Exception):
                _name_step(exc, self.step_id)
        finally:
            self.current["step"] = None
        return False


def _name_step(err: Exception, step_id: str) -> None:
    """Remember on ``err`` which step raised it (the first step named wins)."""
    if getattr(err, "_derive_step", None) is None:
        try:
            err._derive_step = step_id
        except AttributeError:  # pragma: no cover - exceptions without a __dict__
            pass


def _tearing_down(frame) -> bool:
    """Whether ``frame`` (where an alarm interrupted) is inside a budget's own entry or exit: an interruption there
    would escape the ``with`` statement whose exit must disarm the alarm and report the timeout (a budget of 1e-9 s
    expires while it is being armed); the alarm repeats until it is disarmed, and the exit reports an expired
    budget either way."""
    while frame is not None:
        if frame.f_code in _TEARDOWN:
            return True
        frame = frame.f_back
    return False


_TEARDOWN = frozenset({StepBudget.__exit__.__code__, StepBudget._disarm.__code__, _NamedStep.__exit__.__code__,
                       StepBudget.__enter__.__code__, _NamedStep.__enter__.__code__})


def step_budget(seconds: float | None) -> Callable[[str], StepBudget] | None:
    """A kernel ``step_guard`` giving every step ``seconds`` (``None`` or ``<= 0``: no budget)."""
    if seconds is None or not seconds > 0:
        return None
    return lambda step_id: StepBudget(seconds, step_id)


@dataclass
class CheckedProof:
    """A proof, the kernel's report on it and the structural warnings."""

    proof: Proof
    report: Report
    warnings: list[str] = field(default_factory=list)
    #: Warnings that the hypotheses cannot hold together (:mod:`derive.vacuity`; also in ``report.warnings``).
    vacuity: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.report.status





#: Seconds the (untrusted) vacuity check may take per proof; over budget it reports nothing.
VACUITY_TIMEOUT = 3.0


def _vacuity(proof: Proof, use_models: bool = True) -> list[str]:
    """Warnings that the hypotheses cannot hold together (:mod:`derive.vacuity`). Never raises."""
    from derive.vacuity import vacuity_warnings

    found = []
    try:
        budget = StepBudget(VACUITY_TIMEOUT, "vacuity", what="the hypothesis consistency check")
        with budget:
            found = vacuity_warnings(proof, use_models=use_models)
    except (StepTimeout, RecursionError):
        found = []
    return [w.text() for w in found]


def check(proof: Proof, *, strict: bool = False, use_prover: bool = True, timeout: float | None = None,
          vacuity: bool = True) -> CheckedProof:
    """Validate and check ``proof``; structural errors raise, false steps are reported ``failed``.

    ``timeout``: seconds per step (see the module docstring); ``None`` or ``0``: no budget.
    ``vacuity``: also look for hypotheses that cannot hold together (:mod:`derive.vacuity`): warnings in
    ``report.warnings``; with ``strict`` such a proof is ``failed``.

    Raises
    ------
    DeriveError
        Structural errors (bad input). Any other error raised while checking becomes an
        :class:`InternalCheckError` naming the step being checked and its line.
    """
    current: dict = {"step": None}
    budget = step_budget(timeout)

    def guard(step_id: str) -> _NamedStep:
        return _NamedStep(step_id, current, budget(step_id) if budget is not None else nullcontext())

    try:
        warnings = proof.validate(rule_names()) + unread_arguments(proof)
        with messages_for(proof):  # atoms as the author wrote them, `h` in the proof's units
            report = check_proof(proof, strict=strict, oracle=default_oracle(use_prover), step_guard=guard)
        current["step"] = None
        current["phase"] = "numeric testing of real steps"
        report = test_unchecked_real_steps(proof, report)
        current["phase"] = "refuting unchecked Shannon-type steps"
        report = refute_unchecked_shannon_steps(proof, report, prover_ran=use_prover)
    except DeriveError:
        raise
    except RecursionError as err:
        current["step"] = getattr(err, "_derive_step", None) or current.get("step")
        raise LimitExceeded("the input nests too deeply to process" + _where(proof, current),
                            file=proof.file) from None
    except Exception as err:  # noqa: BLE001 - the CLI turns this into a clear message, exit 2
        current["step"] = getattr(err, "_derive_step", None) or current.get("step")
        raise InternalCheckError(f"internal error ({type(err).__name__}: {_clip(str(err))}){_where(proof, current)}; "
                                 "please report it (DERIVE_DEBUG=1 shows the traceback)", file=proof.file) from err
    found = proof.range_warnings() + (_vacuity(proof) if vacuity else [])
    if found:  # warnings, not verdicts; under ``strict`` a proof whose hypotheses may have no model, or that names
        # variables that may not exist, is refused
        report = with_warnings(report, found, refuse=strict)
    return CheckedProof(proof, report, warnings, found)


def _clip(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _where(proof: Proof, current: dict) -> str:
    sid = current.get("step")
    if sid is None:
        phase = current.get("phase")
        return f" while {phase}" if phase else ""
    if sid == "theorem":
        line = getattr(proof.theorem, "line", None)
        return " while checking the theorem" + (f" (line {line})" if line else "")
    step = next((s for s in proof.steps if s.id == sid), None)
    line = getattr(step, "line", None)
    return f" while checking step {sid!r}" + (f" (line {line})" if line else "")


def check_file(path: str | Path, *, strict: bool = False, use_prover: bool = True,
               timeout: float | None = None, vacuity: bool = True) -> CheckedProof:
    """Read the proof file at ``path`` and :func:`check` it (``timeout``: seconds per step)."""
    from derive.io import read_proof

    return check(read_proof(Path(path)), strict=strict, use_prover=use_prover, timeout=timeout, vacuity=vacuity)
