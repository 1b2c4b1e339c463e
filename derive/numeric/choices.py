"""Choice sources: every random decision of a drawn model is a small integer, 0 the simplest option.

:class:`RandomChoices` (a seeded :class:`random.Random`, optionally replaying a prefix),
:class:`ReplayChoices` (recorded choices, for shrinking) and :class:`HypothesisChoices` (hypothesis's
``draw``, which shrinks towards 0) all offer ``integer(lo, hi, weights=None)`` and keep ``record``, the
offsets from ``lo`` they used; zeroing choices shrinks a model towards binary alphabets, small ``n`` and
uniform tables.
"""

from __future__ import annotations

import random
from typing import Sequence

__all__ = ["RandomChoices", "ReplayChoices", "HypothesisChoices"]


class RandomChoices:
    """Choices from a seeded :class:`random.Random` (after replaying ``prefix``); records offsets from ``lo``."""

    def __init__(self, rng: random.Random | int | None = None, prefix: Sequence[int] = ()) -> None:
        self.rng = rng if isinstance(rng, random.Random) else random.Random(rng)
        self.prefix = list(prefix)
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        if len(self.record) < len(self.prefix):
            v = lo + max(0, min(self.prefix[len(self.record)], max(hi - lo, 0)))
        elif hi <= lo:
            v = lo
        elif weights is not None:
            w = weights[: hi - lo + 1]
            x = self.rng.random() * sum(w)
            k = 0
            while k < len(w) - 1 and x >= w[k]:
                x -= w[k]
                k += 1
            v = lo + k
        else:
            v = lo + int(self.rng.random() * (hi - lo + 1))
        self.record.append(v - lo)
        return v


class ReplayChoices:
    """Replays recorded offsets (clamped into range; 0 once the record runs out), recording what it used."""

    def __init__(self, offsets: Sequence[int]) -> None:
        self.offsets = list(offsets)
        self.pos = 0
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        k = self.offsets[self.pos] if self.pos < len(self.offsets) else 0
        self.pos += 1
        k = max(0, min(k, max(hi - lo, 0)))
        self.record.append(k)
        return lo + k


class HypothesisChoices:
    """Choices drawn by hypothesis (``st.integers`` shrinks towards ``lo``)."""

    def __init__(self, draw) -> None:
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        v = lo if hi <= lo else self.draw(self.st.integers(min_value=lo, max_value=hi))
        self.record.append(v - lo)
        return v
