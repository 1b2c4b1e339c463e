"""Work budgets of the certified searches: counted work, so a printed bound does not depend on the machine.

The tilt covers, the simplex and multi-output branch and bound and the templates' row loops are given budgets in
*nominal seconds*. A budget of ``s`` seconds is ``s * WORK_PER_SECOND`` units of counted work; each search counts its
own units where it works (a point evaluation over ``k`` types, a cell split, ...; the cost models sit next to the
loops and are calibrated so that one unit is about 0.1 µs on the machine the benchmarks ran on). A search stops when
its units are spent, so the same call refines as far, and prints the same numbers, on any machine under any load.

The calling thread's CPU clock (:func:`budget_clock`) only stops a search that runs ``CLOCK_SAFETY`` times past its
nominal seconds (plus ``CLOCK_GRACE``): a machine that much slower than the reference, or a cost model far off. That
stop is recorded (:attr:`WorkBudget.stopped_by_clock`): it is the one case where a printed value may depend on the
machine, and the searches say so in their notes. Every bound is valid wherever its search stops.

Before this module the budgets were CPU seconds; a long garbage collection or a loaded virtual machine then made a
cover stop earlier and a table print other last digits (a flaky test showed it).
"""

from __future__ import annotations

import time

__all__ = ["WORK_PER_SECOND", "CLOCK_SAFETY", "CLOCK_GRACE", "WorkBudget", "budget_clock", "as_budget"]

#: Units of counted work per nominal second (one unit ~ 0.1 µs on the reference machine).
WORK_PER_SECOND = 10_000_000
#: The CPU clock stops a search only past this many times its nominal seconds ...
CLOCK_SAFETY = 4.0
#: ... plus this many seconds (so a short budget is not cut by one garbage collection).
CLOCK_GRACE = 2.0


def budget_clock() -> float:
    """The safety clock of every work budget: CPU seconds of the calling thread (other jobs and other threads of
    this process do not advance it). Every search runs in one thread."""
    return time.thread_time()


class WorkBudget:
    """``seconds`` nominal seconds of counted work (module docstring); a child budget also charges its parent.

    ``spend(units)`` counts work; ``exhausted()`` is true once the units are spent or the safety clock has run out
    (then ``stopped_by_clock`` is set, here and in every ancestor).
    """

    def __init__(self, seconds: float, parent: "WorkBudget | None" = None) -> None:
        seconds = max(float(seconds), 0.0)
        self.seconds = seconds
        self.units = seconds * WORK_PER_SECOND
        self.spent = 0.0
        self.parent = parent
        stop = budget_clock() + CLOCK_SAFETY * seconds + CLOCK_GRACE
        self.clock_stop = min(stop, parent.clock_stop) if parent is not None else stop
        self.stopped_by_clock = False

    def spend(self, units: float) -> None:
        """Count ``units`` of work here and in every ancestor."""
        b: WorkBudget | None = self
        while b is not None:
            b.spent += units
            b = b.parent

    def left(self) -> float:
        """Units not yet spent (>= 0), this budget's and every ancestor's."""
        b: WorkBudget | None = self
        out = float("inf")
        while b is not None:
            out = min(out, max(b.units - b.spent, 0.0))
            b = b.parent
        return out

    def left_seconds(self) -> float:
        return self.left() / WORK_PER_SECOND

    def exhausted(self) -> bool:
        """No units left, or the safety clock has run out (recorded in ``stopped_by_clock``)."""
        if self.left() <= 0:
            return True
        if budget_clock() > self.clock_stop:
            b: WorkBudget | None = self
            while b is not None:
                b.stopped_by_clock = True
                b = b.parent
            return True
        return False

    def child(self, seconds: float) -> "WorkBudget":
        """A budget of at most ``seconds`` (and at most what is left here) whose spending is charged here too."""
        return WorkBudget(min(seconds, self.left_seconds()), parent=self)

    def share(self, parts: int) -> "WorkBudget":
        """A child with an equal share of what is left among ``parts`` consumers."""
        return self.child(self.left_seconds() / max(parts, 1))


def as_budget(budget: "float | WorkBudget") -> WorkBudget:
    """``budget`` itself, or a new budget of that many nominal seconds."""
    return budget if isinstance(budget, WorkBudget) else WorkBudget(budget)
