"""Claims settled by the hypotheses' equalities alone, before any LP (untrusted; the kernel re-checks).

Vectors are dicts ``subset bitmask ↦ Fraction`` over the joint entropies ``h(S)`` (as in
:mod:`derive.provers.shannon`). The hypotheses' equalities ``q_j = 0`` span a subspace ``Q``; the claim's slack
``t`` (``t >= 0`` is the claim) is reduced modulo ``Q`` exactly:

    ``t = Σ_j ν_j q_j + r``,

eliminating the *largest* sets first (a joint entropy is rewritten through smaller ones: under mutual
independence ``h(X1..Xn) → Σ h(Xi)``, along a Markov chain ``h(X1..Xk+1) → h(X1..Xk) + h(Xk, Xk+1) − h(Xk)``).
Then

* ``r = 0``: the claim is a linear identity modulo the hypotheses (an equality claim too), certificate ``ν``;
* every coefficient of ``r`` ``>= 0``: ``r = Σ r_S h(S)`` with ``h(S) >= 0``, certificate ``ν`` and ``r``.

Otherwise the reduction says nothing (the claim may still be true: the LPs decide). ``r`` is unique once the
elimination order is fixed, so the test is a few exact row operations on vectors of at most a few dozen entries —
what psitip's simplifier does for these claims, with an exact certificate instead of a verdict.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["reduce_modulo", "settle_by_equalities"]


def _key(mask: int) -> tuple[int, int]:
    """Elimination order: larger sets first (then larger masks)."""
    return mask.bit_count(), mask


def _eliminate(vec: dict[int, Fraction], combo: dict[int, Fraction],
               basis: dict[int, tuple[dict[int, Fraction], dict[int, Fraction]]]) -> None:
    """Subtract basis rows from ``vec`` (in place, with their combinations from ``combo``) until no pivot of
    ``basis`` is left in it. Every basis row has pivot coefficient 1 on its largest set, so eliminating the largest
    pivot present only introduces smaller sets: the largest pivot present falls each time, so this terminates. The
    result is the same whatever the order of the rows (it is the unique ``r`` with no pivot set)."""
    while True:
        hits = [m for m in vec if m in basis]
        if not hits:
            return
        m = max(hits, key=_key)
        c = vec[m]
        row, row_combo = basis[m]
        _subtract(vec, c, row)
        _subtract(combo, c, row_combo)


def _subtract(acc: dict, c, vec: dict) -> None:
    """``acc -= c * vec`` in place, dropping the entries that become zero."""
    for k, v in vec.items():
        w = acc.get(k, 0) - c * v
        if w:
            acc[k] = w
        else:
            acc.pop(k, None)


def _num(v: Fraction | int) -> Fraction | int:
    """``v`` as an ``int`` when it is one (integer arithmetic is ~10× Fraction's; most coefficients are integers)."""
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


def _div(v: Fraction | int, p: Fraction | int) -> Fraction | int:
    if isinstance(v, int) and isinstance(p, int) and v % p == 0:
        return v // p
    return _num(Fraction(v) / p)


def reduce_modulo(target: dict[int, Fraction], equalities: list[dict[int, Fraction]]
                  ) -> tuple[dict[int, Fraction], dict[int, Fraction]]:
    """``(r, ν)`` with ``target = Σ_j ν_j equalities[j] + r`` exactly and ``r`` free of every pivot set of the
    equalities' echelon form (largest sets eliminated first; ``ν`` sparse, index ↦ multiplier)."""
    basis: dict[int, tuple[dict[int, Fraction], dict[int, Fraction]]] = {}
    for j, q in enumerate(equalities):
        vec = {m: _num(v) for m, v in q.items() if v}
        combo = {j: 1}
        _eliminate(vec, combo, basis)
        if not vec:
            continue  # dependent on the earlier equalities
        pivot = max(vec, key=_key)
        p = vec[pivot]
        basis[pivot] = ({m: _div(v, p) for m, v in vec.items()}, {k: _div(v, p) for k, v in combo.items()})
    r = {m: _num(v) for m, v in target.items() if v}
    nu: dict[int, Fraction] = {}
    _eliminate(r, nu, basis)
    return ({m: Fraction(v) for m, v in r.items()},
            {j: -Fraction(v) for j, v in nu.items()})  # r = target − Σ ν_j q_j: the combination was subtracted


def settle_by_equalities(target: dict[int, Fraction], equalities: list[dict[int, Fraction]], *,
                         equality_claim: bool = False) -> tuple[dict[int, Fraction], dict[int, Fraction]] | None:
    """``(ν, r)`` when ``target >= 0`` (``== 0`` with ``equality_claim``) follows from the equalities and
    ``h(S) >= 0`` alone: ``target = Σ ν_j q_j + Σ r_S h(S)`` with every ``r_S >= 0`` (``r = {}`` for an equality
    claim); else ``None``."""
    if not equalities:
        return None
    r, nu = reduce_modulo(target, equalities)
    if equality_claim and r:
        return None
    if any(v < 0 for v in r.values()):
        return None
    return nu, r
