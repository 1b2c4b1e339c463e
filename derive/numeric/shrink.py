"""Shrinking a counterexample: replay its recorded choices with smaller ones while it stays a counterexample.

Integer parameters and alphabet sizes are drawn first (:mod:`derive.numeric.choices`), so lowering the first
choices shrinks ``n`` and alphabets first; each change is kept when the claim is still violated with every
premise holding and the model is smaller or simpler: the same idea as hypothesis's shrinker, run from the
counterexample found.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable

from derive.errors import LimitExceeded
from derive.numeric.choices import RandomChoices, ReplayChoices
from derive.numeric.network import InvalidDraw

__all__ = ["shrink_choices"]


def shrink_choices(draw: Callable[[Any], Any], violated: Callable[[Any], bool], choices: list[int], deadline: float,
                   *, seed: int = 0, budget: int = 300) -> tuple[list[int], int]:
    """Simplify the recorded ``choices`` while ``violated(draw(source))`` stays true; returns the simplest
    choices found and how many models were drawn (at most ``budget``, until ``time.monotonic()`` passes
    ``deadline``).

    First the structural choices (integer parameters, alphabet sizes): each is lowered with the later
    choices redrawn at random a few times; then every choice is set to 0, halved or decremented with
    the rest replayed. A candidate is kept when its model has fewer cells, or as many and simpler choices.
    """
    calls = 0
    rng = random.Random(seed)

    def run(src) -> tuple | None:
        nonlocal calls
        calls += 1
        try:
            drawn = draw(src)
        except (InvalidDraw, LimitExceeded):
            return None
        return ((drawn.size(), len(src.record), src.record), drawn.structural) if violated(drawn) else None

    def budget_ok() -> bool:
        return calls < budget and time.monotonic() < deadline

    first = run(ReplayChoices(choices))
    if first is None:  # pragma: no cover - replaying a recorded violation is deterministic
        return list(choices), calls
    best, structural = first
    improved = True
    while improved and budget_ok():
        improved = False
        # 1. structural choices lowered, the rest redrawn
        i = 0
        while i < structural and budget_ok():
            seq = best[2]
            for v in range(0, seq[i]):
                hit = None
                for _ in range(12):
                    if not budget_ok():
                        break
                    got = run(RandomChoices(random.Random(rng.random()), prefix=seq[:i] + [v]))
                    if got is not None and got[0] < best:
                        hit = got
                        break
                if hit is not None:
                    best, structural = hit
                    improved = True
                    break
            i += 1
        # 2. everything simplest after a prefix
        for cut in (0, len(best[2]) // 8, len(best[2]) // 4, len(best[2]) // 2):
            if not budget_ok():
                break
            got = run(ReplayChoices(best[2][:cut]))
            if got is not None and got[0] < best:
                best, structural = got
                improved = True
                break
        # 3. each choice to 0, then halved, then minus one
        i = 0
        while i < len(best[2]) and budget_ok():
            seq = best[2]
            if seq[i] > 0:
                for v in sorted({0, seq[i] // 2, seq[i] - 1}):
                    if v >= seq[i]:
                        continue
                    got = run(ReplayChoices(seq[:i] + [v] + seq[i + 1:]))
                    if got is not None and got[0] < best:
                        best, structural = got
                        improved = True
                        break
            i += 1
    return list(best[2]), calls
