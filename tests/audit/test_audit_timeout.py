"""Per-step time budget (``derive check --timeout``): a slow step fails clearly, the others are still checked."""

from __future__ import annotations

import dataclasses
import json
import signal
import threading
import time
from pathlib import Path

import pytest

from derive.checking import StepBudget, can_enforce_timeout, check_file
from derive.cli import main
from derive.errors import DeriveError, ProofError, StepTimeout
from derive.kernel import rules as kernel_rules

ROOT = Path(__file__).resolve().parents[2]
SDPI = ROOT / "proofs" / "sdpi_chain.toml"

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX setitimer")


def _slow(rule_fn, only: str = "s2"):
    """``rule_fn`` made slow (a 5 s busy loop in Python, with a broad ``except``) for step ``only``."""

    def slow(ctx):
        if ctx.step_id == only:
            end = time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    sum(range(1000))
                except Exception:  # a rule with a broad except must not hide the budget
                    pass
        return rule_fn(ctx)

    return slow


@pytest.fixture
def slow_sdpi(monkeypatch):
    check_file(SDPI)  # warm sympy's caches, so that only the slow step runs over a small budget
    rule = kernel_rules.RULES["sdpi"]
    monkeypatch.setitem(kernel_rules.RULES, "sdpi", dataclasses.replace(rule, function=_slow(rule.function)))


def test_step_over_budget_fails_and_the_rest_is_checked(slow_sdpi):
    t0 = time.monotonic()
    checked = check_file(SDPI, timeout=0.5)
    assert time.monotonic() - t0 < 4  # the 5 s busy loop was interrupted
    steps = {s.id: s for s in checked.report.steps}
    assert steps["s1"].status in ("proved", "assumed")  # the BSC closed form is cited
    assert steps["s2"].status == "failed"
    assert steps["s2"].error == "StepTimeout"
    assert "'s2'" in steps["s2"].message and "0.5 s" in steps["s2"].message and "--timeout" in steps["s2"].message
    assert checked.report.theorem is not None and checked.report.theorem.status == "proved"
    assert checked.status == "failed"


def test_cli_timeout_exit_1_and_json(slow_sdpi, capsys):
    code = main(["check", str(SDPI), "--timeout", "0.5", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    s2 = next(s for s in out["proofs"][0]["steps"] if s["id"] == "s2")
    assert s2["status"] == "failed" and s2["error"] == "StepTimeout" and "time budget" in s2["message"]


def test_cli_text_names_the_step(slow_sdpi, capsys):
    code = main(["check", str(SDPI), "--timeout", "0.5"])
    out = capsys.readouterr().out
    assert code == 1 and "FAILED" in out and "checking step 's2' took longer" in out


def test_timeout_zero_disables(monkeypatch, capsys):
    rule = kernel_rules.RULES["sdpi"]

    def sleepy(ctx):
        time.sleep(0.3)
        return rule.function(ctx)

    monkeypatch.setitem(kernel_rules.RULES, "sdpi", dataclasses.replace(rule, function=sleepy))
    assert main(["check", str(SDPI), "--timeout", "0"]) == 0
    assert main(["check", str(SDPI), "--timeout", "inf"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("bad", ["-1", "nan", "1e300"])
def test_bad_timeout_is_bad_input(bad, capsys):
    assert main(["check", str(SDPI), "--timeout", bad]) == 2
    assert "--timeout" in capsys.readouterr().err


@pytest.mark.slow
def test_default_budget_does_not_disturb_bundled_proofs(capsys):
    assert main(["check", str(ROOT / "proofs"), "--timeout", "60"]) == 0
    capsys.readouterr()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) or callable(signal.getsignal(signal.SIGALRM))


@pytest.mark.slow
def test_budget_survives_broad_except():
    with pytest.raises(StepTimeout) as e:
        with StepBudget(0.1, "x"):
            end = time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    time.sleep(0.01)
                except BaseException:  # swallows the first interruption, and the next ...
                    pass
    assert isinstance(e.value, ProofError) and isinstance(e.value, DeriveError) and e.value.exit_code == 1
    assert e.value.step == "x" and e.value.seconds == 0.1


def test_an_alarm_repeating_while_the_step_guard_exits_does_not_escape():
    """After a budget runs out its alarm repeats until the exit disarms it. A repeat that landed in the step guard's
    own exit (a ``contextlib`` frame, before the budget's ``__exit__`` ran) escaped as a bare ``BudgetExpired``
    traceback from ``derive.check(..., timeout=20)`` on a step that expanded a huge product. Alarms landing in a
    guard's exit now stand down; the step still reports its timeout."""
    import sys

    from derive.checking import _NamedStep
    from derive.errors import BudgetExpired

    budget = StepBudget(1000, "s")
    budget.armed = budget.expired = True  # it fired once already

    class AlarmOnExit:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            budget._on_alarm(signal.SIGALRM, sys._getframe())  # the repeat lands inside the guard's exit
            return budget.__exit__(*exc)

    current = {"step": None}
    with pytest.raises(StepTimeout) as e:
        with _NamedStep("s", current, AlarmOnExit()):
            raise BudgetExpired()
    assert e.value.step == "s" and e.value._derive_step == "s" and current["step"] is None
    with pytest.raises(BudgetExpired):  # inside the step itself the alarm still interrupts
        budget._on_alarm(signal.SIGALRM, sys._getframe())


@pytest.mark.parametrize("seconds", [1e-9, 1e-7, 1e-5])
def test_a_budget_that_expires_while_it_is_armed_reports_a_timeout(seconds):
    """Session 28: ``derive prove "H(X) >= 0" --timeout 1e-9`` ended in a ``BudgetExpired`` traceback: the alarm
    fired inside ``StepBudget.__enter__`` (right after ``setitimer``), before the ``with`` body, so no exit caught it.
    An alarm inside a budget's entry now stands down; the exit (or the repeating alarm) reports the timeout."""
    for _ in range(20):
        with pytest.raises(StepTimeout):
            with StepBudget(seconds, "x"):
                time.sleep(0.01)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_tiny_prove_timeout_is_a_clear_error(capsys):
    for _ in range(5):
        assert main(["prove", "I(X; Y | Z) <= H(X) + H(Y)", "--timeout", "1e-9"]) == 2
        assert "ran out of its time budget" in capsys.readouterr().err


def test_budget_restores_signal_state():
    before = signal.getsignal(signal.SIGALRM)
    with StepBudget(5, "quick"):
        pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_passes_other_errors_through():
    with pytest.raises(ValueError):
        with StepBudget(5, "x"):
            raise ValueError("not a timeout")


def test_no_budget_off_the_main_thread():
    seen = {}

    def work():
        seen["can"] = can_enforce_timeout()
        with StepBudget(0.05, "t"):
            time.sleep(0.2)  # no budget here: no StepTimeout
        seen["done"] = True

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert seen == {"can": False, "done": True}
