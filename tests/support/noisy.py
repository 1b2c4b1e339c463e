"""An oracle independent of derive's evaluators for noisy counterexamples (``noise_widths``): the entropy of a set
of variables from the printed table, by the definition of (mixed) differential entropy."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def entropy_bits(ce: dict, names) -> float:
    """``h`` of ``names`` on the counterexample ``ce`` (its JSON): a continuous ``V = w (D + U)`` has density
    ``p / Π w`` on each cell, so ``h(S) = -Σ p log2 p + Σ_{V ∈ S} log2 w_V`` (0 for no name)."""
    names = list(names)
    if not names:
        return 0.0
    joint = ce["joint"]
    table = np.vectorize(Fraction, otypes=[object])(np.array(joint["table"], dtype=object))
    drop = tuple(i for i, n in enumerate(joint["names"]) if n not in names)
    m = table.sum(axis=drop) if drop else table
    widths = {k: Fraction(v) for k, v in (ce.get("noise_widths") or {}).items()}
    return (-sum(float(p) * math.log2(float(p)) for p in np.ravel(m) if p > 0)
            + sum(math.log2(widths[n]) for n in names if n in widths))
