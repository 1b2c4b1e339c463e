"""An oracle independent of derive's numerics: entropies of an exact joint table (a counterexample's ``joint``
JSON) from Fractions, with mpmath at 60 digits."""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath


def cells(joint: dict) -> dict[tuple, Fraction]:
    """``{outcome tuple: probability}`` of a nested ``table`` over ``names`` with ``alphabet_sizes``."""
    out = {}
    for idx in itertools.product(*(range(k) for k in joint["alphabet_sizes"])):
        t = joint["table"]
        for i in idx:
            t = t[i]
        out[idx] = Fraction(t)
    assert sum(out.values()) == 1
    return out


def entropy(joint: dict, names) -> mpmath.mpf:
    """``H(names)`` in bits."""
    pos = [joint["names"].index(n) for n in names]
    marginal: dict[tuple, Fraction] = {}
    for idx, p in cells(joint).items():
        key = tuple(idx[k] for k in pos)
        marginal[key] = marginal.get(key, Fraction(0)) + p
    with mpmath.workdps(60):
        return -sum(mpmath.mpf(p.numerator) / p.denominator * mpmath.log(mpmath.mpf(p.numerator) / p.denominator, 2)
                    for p in marginal.values() if p)


def mutual_information(joint: dict, a, b, given=()) -> mpmath.mpf:
    """``I(a; b | given)`` in bits."""
    a, b, given = list(a), list(b), list(given)
    return entropy(joint, a + given) + entropy(joint, b + given) - entropy(joint, a + b + given) - entropy(joint, given)


def conditionally_independent(joint: dict, a, b, given=()) -> bool:
    """``I(a; b | given) = 0`` exactly: ``p(a, b, c) p(c) == p(a, c) p(b, c)`` for every value, in Fractions."""
    names = joint["names"]
    a, b, given = ([names.index(n) for n in side] for side in (a, b, given))
    table = cells(joint)

    def marginal(pos):
        out: dict[tuple, Fraction] = {}
        for idx, p in table.items():
            key = tuple(idx[k] for k in pos)
            out[key] = out.get(key, Fraction(0)) + p
        return out

    abc, ac, bc, c = marginal(a + b + given), marginal(a + given), marginal(b + given), marginal(given)
    return all(p * c[key[len(a) + len(b):]] == ac[key[:len(a)] + key[len(a) + len(b):]] * bc[key[len(a):]]
               for key, p in abc.items())  # cells() lists every outcome, so every key is there
