"""Numeric testing of parameter-only (``real``) steps the kernel could not certify.

A step the kernel leaves ``unchecked`` under the ``real`` rule is evaluated at
sampled parameter values (domain ends, interior rationals; mpmath at
``dps`` digits). No violation: ``tested`` (never ``proved``). A violation
beyond tolerance: ``failed``, with the parameter values in the message.
"""

from __future__ import annotations

import random
from typing import Iterable

import mpmath
import sympy

from derive.core.parameters import Domain

__all__ = ["sample_parameter_values", "test_real_statement", "test_unchecked_real_steps"]


def _points(d: Domain, rng: random.Random, n: int) -> list[sympy.Rational]:
    lo, lo_open = d.lower_bound()
    hi, hi_open = d.upper_bound()
    lo_f = lo if lo.is_finite else None
    hi_f = hi if hi.is_finite else None
    pts: list[sympy.Rational] = []
    if lo_f is not None and not lo_open:
        pts.append(sympy.Rational(lo_f))
    if hi_f is not None and not hi_open:
        pts.append(sympy.Rational(hi_f))
    for _ in range(n):
        if lo_f is not None and hi_f is not None:
            v = lo_f + (hi_f - lo_f) * sympy.Rational(rng.randint(1, 999), 1000)
        elif lo_f is not None:
            v = lo_f + sympy.Rational(rng.randint(1, 10 ** 4), rng.choice([1, 10, 100]))
        elif hi_f is not None:
            v = hi_f - sympy.Rational(rng.randint(1, 10 ** 4), rng.choice([1, 10, 100]))
        else:
            v = sympy.Rational(rng.randint(-10 ** 4, 10 ** 4), rng.choice([1, 10, 100]))
        if d.integer:
            v = sympy.Integer(int(sympy.ceiling(v)) if lo_f is not None else int(sympy.floor(v)))
            if not d.contains(v):
                continue
        if d.contains(v):
            pts.append(v)
    return pts


def sample_parameter_values(domains: dict, n: int = 200, seed: int = 0) -> Iterable[dict]:
    """``n`` assignments of rational values to the parameters, boundary points first."""
    rng = random.Random(seed)
    columns = {s: _points(d, rng, n) for s, d in domains.items()}
    for k in range(n):
        yield {s: (pts[k % len(pts)] if pts else sympy.Integer(0)) for s, pts in columns.items()}


def test_real_statement(slack: sympy.Expr, domains: dict, n: int = 200, seed: int = 0, dps: int = 30,
                        tol: float = 1e-20) -> dict | None:
    """A parameter assignment where ``slack < -tol`` (high precision), or ``None`` if none was found."""
    free = sorted(slack.free_symbols, key=lambda s: s.name)
    with mpmath.workdps(dps):
        f = sympy.lambdify(free, slack, modules="mpmath")
        for values in sample_parameter_values({s: domains.get(s, Domain()) for s in free}, n, seed):
            try:
                v = f(*[mpmath.mpf(values[s].p) / values[s].q for s in free])
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if isinstance(v, mpmath.mpc):
                continue
            if v < -tol:
                return {"values": {s.name: str(values[s]) for s in free}, "slack": mpmath.nstr(v, 15)}
    return None


def test_unchecked_real_steps(proof, report, n: int = 200, seed: int = 0) -> None:
    """Turn ``unchecked`` ``real`` steps of ``report`` into ``tested`` or ``failed`` (in place)."""
    domains = {p.symbol: p.domain for p in proof.parameters.values()}
    changed = False
    for res in report.steps:
        if res.rule != "real" or res.status != "unchecked" or res.claim is None:
            continue
        slack = res.claim.slack()
        if res.claim.is_equality:
            bad = test_real_statement(slack, domains, n, seed) or test_real_statement(-slack, domains, n, seed)
        else:
            bad = test_real_statement(slack, domains, n, seed)
        if bad is None:
            res.status = "tested"
            res.message = f"no exact certificate; numerically true at {n} sampled parameter values (not a proof)"
        else:
            res.status = "failed"
            res.error = "Counterexample"
            res.message = f"false at {bad['values']} (slack = {bad['slack']})"
        changed = True
    if changed:
        from derive.kernel.check import overall_status

        report.status = overall_status(proof, report.steps, report.theorem, report.strict)
