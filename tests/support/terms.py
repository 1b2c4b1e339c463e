"""Claims built in a test as lists of terms, evaluated by a test's own entropy function (independent of derive)."""

from __future__ import annotations

from typing import Callable


def value(terms, h: Callable[[list[str]], float]) -> float:
    """Σ c·q over terms ``(c, "H", A, C)`` = H(A | C) and ``(c, "I", A, B, C)`` = I(A; B | C), each from the joint
    entropies ``h(names)``."""
    total = 0.0
    for t in terms:
        if t[1] == "H":
            c, _, a, cond = t
            total += c * (h(a + cond) - h(cond))
        else:
            c, _, a, b, cond = t
            total += c * (h(a + cond) + h(b + cond) - h(a + b + cond) - h(cond))
    return total


def text(terms) -> str:
    """The terms as derive's claim syntax (``0`` for none)."""
    out = []
    for t in terms:
        if t[1] == "H":
            q = f"H({', '.join(t[2])}{' | ' + ', '.join(t[3]) if t[3] else ''})"
        else:
            q = f"I({', '.join(t[2])}; {', '.join(t[3])}{' | ' + ', '.join(t[4]) if t[4] else ''})"
        out.append(f"{t[0]}*{q}")
    return " + ".join(out) or "0"
