"""The same ``derive bound cluster`` / ``derive eta`` call prints the same numbers whatever the machine's speed or load.

Every search budget is counted work (:mod:`derive.channels.budget`); the thread's CPU clock is only a safety stop far
beyond the nominal time. Oracle: the same calls under clocks that disagree with the real one about how much time
passes — one that adds 5 ms at every reading (a slow, loaded machine) and one that jumps by half a second every 25
readings (long garbage collections, the likely cause of a CI flake in session 11). With the CPU-second budgets of
before, the second clock changed the QSC rows (checked when this test was written).
"""

from __future__ import annotations

import itertools
import json
import time

import derive.channels.budget as budget
import pytest
from derive.cli import main

CLUSTER = ["bound", "cluster", "--prior", "uniform:3", "--channel", "qsc:3:0.2", "--set", "n=1..14", "--json"]
BOOLEAN = ["bound", "cluster", "--prior", "[0.7,0.3]", "--channel", "bsc:1/4", "--set", "n=1..12", "--json"]
ETA = ["eta", "matrix:[[0.5,0.25,0.25],[0.1,0.6,0.3],[0.2,0.2,0.6],[0.3,0.3,0.4]]", "--input", "[0.1,0.2,0.3,0.4]",
       "--budget", "0.5", "--json"]


def _out(args, capsys) -> dict:
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def _rows(args, capsys) -> list:
    out = _out(args, capsys)
    return [(r["tau_n"], r["route"]) for r in out["values"]] if "values" in out else [out["eta_kl_bracket"]]


def _slow_clock():
    ticks = itertools.count()
    return lambda: time.thread_time() + 0.005 * next(ticks)   # every reading 5 ms later than the last


def _pausing_clock():
    calls = itertools.count()
    return lambda: time.thread_time() + 0.5 * (next(calls) // 25)   # a 0.5 s pause every 25 readings


@pytest.mark.slow
def test_rows_do_not_depend_on_how_fast_the_clock_runs(capsys, monkeypatch):
    for args in (CLUSTER, BOOLEAN, ETA):
        steady = _rows(args, capsys)
        for clock in (_slow_clock(), _pausing_clock()):
            monkeypatch.setattr(budget, "budget_clock", clock)
            assert _rows(args, capsys) == steady, args
            monkeypatch.setattr(budget, "budget_clock", time.thread_time)
    assert any(route.startswith("eta_KL <= chain rule") for _, route in _rows(CLUSTER, capsys))  # the route that varied


def test_the_safety_stop_is_reported_when_it_fires(capsys, monkeypatch):
    """A clock far past every budget stops the covers at once; the bound stays valid and the text says the digits
    depend on the machine."""
    steady = _out(ETA, capsys)
    ticks = itertools.count()
    monkeypatch.setattr(budget, "budget_clock", lambda: 1e6 * next(ticks))   # each reading a million seconds on
    stopped = _out(ETA, capsys)
    lo, hi = stopped["eta_kl_bracket"]
    s_lo, s_hi = steady["eta_kl_bracket"]
    assert lo <= s_hi and s_lo <= hi                      # both certified: they overlap
    assert "CPU-time safety stop" in json.dumps(stopped)
    assert "CPU-time safety stop" not in json.dumps(steady)
