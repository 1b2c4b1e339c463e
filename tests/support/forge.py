"""Test-only forgery of kernel reports (reports are frozen; only tests that simulate a kernel bug may do this)."""

from __future__ import annotations

import dataclasses


def forged(report, status: str | None = None, **steps: dict):
    """A copy of ``report`` with the named steps' fields replaced (``steps={"s1": {"status": "proved"}}`` as keyword
    ``s1={"status": "proved"}``) and, optionally, the overall ``status``."""
    new_steps = tuple(dataclasses.replace(s, **steps[s.id]) if s.id in steps else s for s in report.steps)
    changes = {"steps": new_steps}
    if status is not None:
        changes["status"] = status
    return dataclasses.replace(report, **changes)
