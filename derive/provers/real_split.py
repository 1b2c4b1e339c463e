"""Untrusted search for the points that cut a ``real`` step's domain into pieces the kernel can sign.

The kernel's sign engine (:mod:`derive.kernel.signs`) decides a claim about one real parameter on an interval by
interval arithmetic, exact root counting and the mean value theorem (monotone or concave on the whole interval).
A claim whose slack touches 0 inside, or changes its curvature, needs the domain cut: ``h(p) >= 4 p (1 - p)`` on
``[0, 1/2]`` is concave near 0 and convex near 1/2. :func:`split_oracle` bisects the domain until the kernel's own
sign check passes on every piece, and proposes the cut points (a tuple of rationals); the kernel checks each piece
again (``split`` of the ``real`` rule). Nothing found here is trusted.
"""

from __future__ import annotations

import time

import sympy
from sympy import Rational, S

from derive.core.parameters import Domain
from derive.errors import CertificateError, DeriveError
from derive.kernel.context import StepContext
from derive.kernel.signs import sign_of

__all__ = ["split_oracle", "split_points", "MAX_REAL_PIECES", "MAX_REAL_DEPTH", "REAL_SPLIT_TIMEOUT"]

#: Most pieces :func:`split_points` checks before it gives up (each is one sign decision of the kernel).
MAX_REAL_PIECES = 16
#: Most halvings of one piece.
MAX_REAL_DEPTH = 4
#: Seconds after which the search tries no further piece (a piece's sign decision is not interrupted); the step
#: then stays ``unchecked`` and is tested numerically, never ``failed`` for a slow search.
REAL_SPLIT_TIMEOUT = 10.0


def split_oracle(ctx: StepContext) -> tuple | None:
    """Split points for a ``real`` step the kernel cannot sign on its whole domain (the kernel asks only then);
    ``None`` when none are needed or the step is not one of one parameter.

    Raises
    ------
    CertificateError
        When no cut into at most :data:`MAX_REAL_PIECES` pieces works (the message says where it failed).
    """
    c = ctx.claim
    if ctx.rule != "real" or c.is_equality or c.mentions_information():
        return None
    slack = c.slack()
    free = list(slack.free_symbols)
    if len(free) != 1 or free[0] not in ctx.domains:
        return None
    return split_points(slack, free[0], ctx.domains) or None


def _cut(lo: sympy.Expr, hi: sympy.Expr) -> sympy.Rational:
    """A simple rational strictly between ``lo`` and ``hi``: the midpoint, or a step of size ``max(1, |end|)`` away
    from a finite end toward an infinite one (0 between two infinite ends)."""
    if lo.is_infinite and hi.is_infinite:
        return S.Zero
    if hi.is_infinite:
        return lo + max(S.One, abs(lo))
    if lo.is_infinite:
        return hi - max(S.One, abs(hi))
    return (lo + hi) / 2


def _probes(d: Domain) -> list:
    """A few rational points of the domain: its finite ends, the cut points of the first two halvings."""
    mid = _cut(d.lo, d.hi)
    points = [d.lo, d.hi, mid, _cut(d.lo, mid), _cut(mid, d.hi)]
    return [v for v in points if v.is_finite and d.contains(v)]


#: Distances from a finite end toward an infinite one (and from an open end at 0) at which the search looks at the
#: claim numerically before searching: a claim false only far out (``(1 + 1/n)^(n+1) >= 2719/1000``) fails on every
#: cut, after many costly sign decisions.
_FAR = (10 ** 3, 10 ** 6, 10 ** 9, 10 ** 12)


def _looks_negative_far_out(slack: sympy.Expr, x: sympy.Symbol, d: Domain) -> sympy.Expr | None:
    """A far point of an infinite end (or a point near an open end at 0) where ``slack`` evaluates below ``-10^-20``
    at 50 digits; ``None`` when there is none. A hint for the search only, never a verdict."""
    from derive.numeric.real import evaluate_real

    points = [d.lo + k for k in _FAR if d.hi.is_infinite and d.lo.is_finite] + [
        d.hi - k for k in _FAR if d.lo.is_infinite and d.hi.is_finite] + [
        Rational(1, k) for k in _FAR if d.lo == 0 and d.hi.is_finite and d.hi > 0]
    for v in points:
        if not d.contains(v):
            continue
        try:
            value = evaluate_real(slack, {x: v}, dps=50)
        except (DeriveError, ArithmeticError, ValueError):  # undefined or unevaluable there: no hint
            continue
        if value == value and value < -1e-20:  # not nan
            return v
    return None


def split_points(slack: sympy.Expr, x: sympy.Symbol, domains) -> tuple:
    """Rational points inside the domain of ``x`` such that the kernel proves ``slack >= 0`` on every closed piece
    between them (halving a piece it cannot sign, depth first, left to right).

    Raises
    ------
    CertificateError
        When a piece is proved negative somewhere, is halved :data:`MAX_REAL_DEPTH` times, more than
        :data:`MAX_REAL_PIECES` pieces were tried, or :data:`REAL_SPLIT_TIMEOUT` seconds have passed.
    """
    d = domains[x]
    for v in _probes(d):  # a claim false at a point is false on every cut: give up at once
        if sign_of(slack.xreplace({x: v}), domains) == "neg":
            raise CertificateError(f"the claim is false at {x} = {v}: no cut of the domain helps")
    far = _looks_negative_far_out(slack, x, d)
    if far is not None:  # numerics decide nothing here: the search only stops (the tester certifies a violation)
        raise CertificateError(f"the claim looks false at {x} = {far} (numerically): no cut searched")
    todo, cuts, tried, stop = [(d.lo, d.hi, 0)], [], 0, time.monotonic() + REAL_SPLIT_TIMEOUT
    while todo:
        if time.monotonic() > stop:
            raise CertificateError(f"no cut of the domain of {x} found within {REAL_SPLIT_TIMEOUT:g} s")
        lo, hi, depth = todo.pop()
        part = d.between(lo, hi)  # None: an empty piece of an integer domain, nothing to prove
        piece = None if part is None else domains.extended({x: part})
        tried += 1
        if tried > MAX_REAL_PIECES:
            raise CertificateError(f"no cut of the domain of {x} into at most {MAX_REAL_PIECES} pieces the kernel "
                                   "can sign")
        sign = None if piece is None else sign_of(slack, piece)
        if piece is None or sign in ("pos", "nonneg", "zero"):
            if hi != d.hi:
                cuts.append(hi)
            continue
        if depth >= MAX_REAL_DEPTH or sign in ("neg", "nonpos"):
            raise CertificateError(f"the kernel cannot sign the claim's slack on {lo} <= {x} <= {hi}, even cut "
                                   f"{depth} times")
        mid = _cut(lo, hi)
        todo += [(mid, hi, depth + 1), (lo, mid, depth + 1)]  # the left half first
    return tuple(Rational(c) for c in sorted(set(cuts)))
