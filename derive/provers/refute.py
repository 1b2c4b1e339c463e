"""Counterexample search for claims the Shannon LP cannot prove (untrusted, but exact).

Two families of concrete distributions, both satisfying the hypotheses *exactly*:

* **GF(2)-linear models.** ``k`` independent uniform bits ``b_1..b_k``; every
  variable is the XOR of a subset of them (the empty subset: a constant). The
  entropy of a set of variables is the rank of their subsets over GF(2), in bits —
  an exact integer, so hypothesis equalities and the claim are decided exactly.
  These catch the usual false "Shannon" claims (reversed subadditivity, reversed
  data processing, XOR-type dependence).
* **Random binary pmfs** (no hypotheses, few variables): exact rational pmfs,
  evaluated at high precision with mpmath.

A counterexample is reported with the model, both sides' values and the slack.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from derive.core.hypotheses import Hypothesis
from derive.core.linear import LinearForm, linear_form
from derive.core.quantities import H
from derive.core.statements import Statement

__all__ = ["search_counterexample", "gf2_rank"]


def gf2_rank(vectors: list[int]) -> int:
    """Rank over GF(2) of bit vectors given as ints."""
    basis: list[int] = []
    for v in vectors:
        for b in basis:
            v = min(v, v ^ b)
        if v:
            basis.append(v)
    return len(basis)


def _joint_items(forms: list[LinearForm]) -> list | None:
    items: dict = {}
    for f in forms:
        for atom, c in f.terms.items():
            if not (isinstance(atom, H) and not atom.given) or not c.is_Rational:
                return None
            for it in atom.target.args:
                items.setdefault(it, None)
        if not f.const.is_Rational:
            return None
    return sorted(items, key=sympy.default_sort_key)


def _value(form: LinearForm, entropy) -> Fraction:
    total = Fraction(int(form.const.p), int(form.const.q))
    for atom, c in form.terms.items():
        total += Fraction(int(c.p), int(c.q)) * entropy(atom.target.args)
    return total


def _side_values(claim: Statement, entropy) -> tuple[Fraction, Fraction]:
    return _value(linear_form(claim.lhs), entropy), _value(linear_form(claim.rhs), entropy)


def search_counterexample(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, seed: int = 0,
                          tries: int = 3000, max_sources: int = 5) -> dict[str, Any] | None:
    """A concrete model (satisfying every hypothesis exactly) on which ``claim`` is false, or ``None``.

    Only claims in bits with rational coefficients over entropies are searched.
    """
    hyps = hypotheses or {}
    slack = linear_form(claim.slack())
    eqs = [linear_form(e) for h in hyps.values() for e in h.equalities()]
    items = _joint_items([slack] + eqs)
    if items is None:
        return None
    rng = random.Random(seed)
    sides = [slack] if not claim.is_equality else [slack, -slack]
    for t in range(tries):
        k = 1 + t % max_sources
        assign = {it: (0 if rng.random() < 0.15 else rng.randrange(1, 1 << k)) for it in items}

        def entropy(members, assign=assign) -> int:
            return gf2_rank([assign[m] for m in members])

        if any(_value(q, entropy) != 0 for q in eqs):
            continue
        for s in sides:
            v = _value(s, entropy)
            if v < 0:
                lhs, rhs = _side_values(claim, entropy)
                return {
                    "kind": "gf2-linear",
                    "sources": k,
                    "model": {str(it): _describe(assign[it]) for it in items},
                    "lhs": str(lhs), "rhs": str(rhs), "slack": str(v),
                    "units": "bits",
                    "note": f"b1..b{k} independent uniform bits; each variable is the XOR of the listed bits",
                }
    if not hyps and len(items) <= 6:
        return _random_pmf_search(claim, items, rng)
    return None


def _describe(mask: int) -> str:
    bits = [f"b{k + 1}" for k in range(mask.bit_length()) if mask >> k & 1]
    return " xor ".join(bits) if bits else "constant"


def _random_pmf_search(claim: Statement, items: list, rng: random.Random, tries: int = 300) -> dict | None:
    n = len(items)
    slack = linear_form(claim.slack())
    sides = [slack] if not claim.is_equality else [slack, -slack]
    for _ in range(tries):
        weights = [rng.choice([0, 1, 1, 2, 3, 5, 8]) for _ in range(1 << n)]
        total = sum(weights)
        if total == 0:
            continue
        pmf = [Fraction(w, total) for w in weights]

        def entropy(members, pmf=pmf) -> Fraction:
            idx = [items.index(m) for m in members]
            marg: dict[tuple, Fraction] = {}
            for outcome, p in enumerate(pmf):
                key = tuple(outcome >> i & 1 for i in idx)
                marg[key] = marg.get(key, Fraction(0)) + p
            with mpmath.workdps(50):
                val = -sum(mpmath.mpf(p.numerator) / p.denominator * mpmath.log(mpmath.mpf(p.numerator) / p.denominator, 2)
                           for p in marg.values() if p)
            return val

        for s in sides:
            total_v = mpmath.mpf(int(s.const.p)) / int(s.const.q)
            for atom, c in s.terms.items():
                total_v += mpmath.mpf(int(c.p)) / int(c.q) * entropy(atom.target.args)
            if total_v < mpmath.mpf("-1e-30"):
                return {
                    "kind": "pmf",
                    "variables": [str(it) for it in items],
                    "pmf": {format(o, f"0{n}b")[::-1]: str(p) for o, p in enumerate(pmf) if p},
                    "slack": mpmath.nstr(total_v, 20),
                    "units": "bits",
                    "note": "binary alphabets; outcome strings list the variables' values in order",
                }
    return None
