"""The same ``derive bound cluster`` call prints the same table whatever the machine's speed or load.

The tilt covers used to give their polishing stage (certifying η_KL = η_χ²) twice the CPU time spent so far, so
a loaded machine printed other last digits (τ_12 = 0.99999081 or ...85 for a ternary θ). The polish now gets a count
of points; the CPU clock is only a safety stop. Oracle: the same call under two clocks that disagree about how
much time each step takes (the real one, and one that adds 5 ms at every reading).
"""

from __future__ import annotations

import itertools
import json
import time


import derive.channels.tilt as tilt
import derive.channels.tilt_multi as tilt_multi
import derive.templates.boolean_cluster as boolean_cluster
import derive.templates.cluster as cluster
from derive.cli import main

ARGS = ["bound", "cluster", "--prior", "uniform:3", "--channel", "qsc:3:0.2", "--set", "n=1..14", "--json"]


def _rows(capsys) -> list[dict]:
    assert main(ARGS) == 0
    return json.loads(capsys.readouterr().out)["values"]


def test_rows_do_not_depend_on_how_fast_the_clock_runs(capsys, monkeypatch):
    steady = _rows(capsys)
    ticks = itertools.count()

    def slow_clock() -> float:  # every reading 5 ms later than the last: a slow, loaded machine
        return time.thread_time() + 0.005 * next(ticks)

    for mod in (tilt, tilt_multi, cluster, boolean_cluster):
        monkeypatch.setattr(mod, "budget_clock", slow_clock)
    slow = _rows(capsys)
    assert [r["tau_n"] for r in slow] == [r["tau_n"] for r in steady]
    assert [r["route"] for r in slow] == [r["route"] for r in steady]
    assert any(r["route"].startswith("eta_KL <= chain rule") for r in steady)  # the route that used to vary
