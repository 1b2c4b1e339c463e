"""Work budgets (:mod:`derive.channels.budget`): counted units decide when a search stops; the clock is a safety stop."""

from __future__ import annotations

import derive.channels.budget as budget
from derive.channels.budget import WORK_PER_SECOND, WorkBudget, as_budget


def test_units_decide_and_children_charge_their_parents():
    root = WorkBudget(1.0)
    assert root.units == WORK_PER_SECOND and not root.exhausted()
    a = root.share(2)                                     # half of what is left
    assert a.left() == WORK_PER_SECOND / 2
    a.spend(WORK_PER_SECOND / 2)
    assert a.exhausted() and not root.exhausted()
    assert root.left() == WORK_PER_SECOND / 2
    b = root.child(5.0)                                   # never more than the parent has left
    assert b.seconds == 0.5
    b.spend(WORK_PER_SECOND)                              # overspending is counted, never negative
    assert root.exhausted() and root.left() == 0 and b.left() == 0
    assert not root.stopped_by_clock and not b.stopped_by_clock


def test_the_clock_only_stops_far_past_the_nominal_time(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(budget, "budget_clock", lambda: now[0])
    root = WorkBudget(1.0)
    kid = root.child(0.1)
    now[0] += budget.CLOCK_SAFETY * 0.1 + budget.CLOCK_GRACE - 0.01
    assert not kid.exhausted()                            # slow, but within the safety margin: units decide
    now[0] += 0.02
    assert kid.exhausted() and kid.stopped_by_clock and root.stopped_by_clock   # recorded up the chain
    assert not WorkBudget(1.0).exhausted()                # a new budget starts its own clock


def test_as_budget_and_degenerate_budgets():
    b = WorkBudget(0.3)
    assert as_budget(b) is b
    assert as_budget(2).seconds == 2.0
    assert WorkBudget(0).exhausted() and WorkBudget(-1).exhausted()   # nothing to spend
    assert WorkBudget(1.0).share(0).seconds == 1.0                      # no division by zero
