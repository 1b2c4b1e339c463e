"""Numeric testing of parameter-only (``real``) steps the kernel could not certify.

A step the kernel leaves ``unchecked`` under the ``real`` rule is evaluated at
sampled parameter values (domain ends, interior rationals; mpmath at
``dps`` digits). No violation: ``tested`` (never ``proved``). A violation
certified by interval arithmetic (arb): ``failed``, with the parameter values in the message; a numeric violation
interval arithmetic cannot confirm (cancellation noise) leaves the step ``unchecked``, saying so. A claim
that is undefined at a sampled point of the domain (a log or a root of a negative
number, ``h`` outside [0, 1], a division by zero) is ``failed`` too, with the point
and the offending subexpression: a real inequality must have a value wherever its
parameters may be.

The evaluator below is this module's own (it shares no code with the kernel): it
walks the sympy tree and knows every function of derive's grammar — ``+ * ^``,
``log`` (any base), ``exp``, ``sqrt`` (a power), ``abs``, ``min``, ``max``, ``h``
(binary entropy in bits), ``floor``/``ceiling`` and ``sum(expr, i, lo, hi)`` over
the integers ``lo <= i <= hi`` (empty when ``hi < lo``, never sympy's reversed-limit
convention). A node it does not know makes that point unevaluable (skipped), never
a crash; a step no sampled point could evaluate stays ``unchecked``.
"""

from __future__ import annotations

import random
from typing import Iterable

import mpmath
import sympy
from sympy import S

from derive.core.parameters import Domain
from derive.core.quantities import h
from derive.errors import InvalidArgument, Undefined, Unevaluable as _Unevaluable
from derive.numeric.expressions import FUNCTIONS, leaf

__all__ = ["sample_parameter_values", "test_real_statement", "test_unchecked_real_steps", "evaluate_real",
           "Undefined", "MAX_SUM_TERMS", "MAX_TOTAL_SUM_TERMS"]

#: At most this many summands are added up at one sampled point (else the point is skipped).
MAX_SUM_TERMS = 5_000

#: At most this many summands over all the sampled points of one statement (then sampling stops).
MAX_TOTAL_SUM_TERMS = 100_000

#: A negative argument this close to 0 (after the evaluation's rounding) reads as 0 for log, roots and h.
_ROUNDING = mpmath.mpf("1e-24")








#: Values a real parameter takes first, after its domain's closed finite ends and midpoint (simple ones first).
_SIMPLE_VALUES = tuple(sympy.Rational(p, q) for p, q in ((1, 2), (0, 1), (1, 1), (1, 4), (3, 4), (1, 3), (2, 3),
                                                          (2, 1), (1, 10), (9, 10), (3, 1), (10, 1), (-1, 1), (-1, 2),
                                                          (1, 100), (99, 100), (100, 1), (-10, 1)))


def simple_parameter_values(d: Domain, k: int) -> list[sympy.Rational]:
    """At most ``k`` values of ``d`` in the order a search tries them, for readable counterexamples (where
    :func:`sample_parameter_values` draws at random): an integer domain's least values (from 1, or from its upper
    end when that is below 1, when it has no least), else the closed finite ends, the midpoint of two finite ends,
    then simple rationals (:data:`_SIMPLE_VALUES`); every one exactly inside ``d``."""
    lo, hi = d.lo, d.hi
    if d.integer:
        if lo.is_finite:
            first = int(lo) if lo.is_integer and not d.lo_open else int(sympy.floor(lo)) + 1
            candidates = (first + j for j in range(k))
        elif not hi.is_finite or hi > 1 or (hi == 1 and not d.hi_open):
            candidates = (1 + j for j in range(k))
        else:                                         # below a finite upper end: the greatest values
            last = int(sympy.floor(hi)) - (1 if d.hi_open and hi.is_integer else 0)
            candidates = (last - j for j in range(k))
        return [sympy.Integer(v) for v in candidates if d.contains(sympy.Integer(v))]
    ends = [e for e, is_open in ((lo, d.lo_open), (hi, d.hi_open)) if e.is_finite and not is_open]
    middle = [(lo + hi) / 2] if lo.is_finite and hi.is_finite else []
    found: list[sympy.Rational] = []
    for v in (*ends, *middle, *_SIMPLE_VALUES):
        if v not in found and d.contains(v):
            found.append(v)
    return found[:k]


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


# ----------------------------------------------------------------------------- evaluation

def _short(e: sympy.Basic, n: int = 80) -> str:
    text = sympy.sstr(e)
    return text if len(text) <= n else text[: n - 3] + "..."


class _Evaluator:
    """Values of a parameter-only expression at one point, in mpmath (the current precision)."""

    def __init__(self, env: dict) -> None:
        self.env = dict(env)
        self.terms = 0

    def value(self, e: sympy.Basic):
        if e.is_Symbol:
            if e in self.env:
                return self.env[e]
            raise _Unevaluable(f"no value for {e}")
        if not e.args:
            try:
                return leaf(e, True)
            except InvalidArgument as err:
                raise _Unevaluable(err.message) from None
        strict = _STRICT.get(e.func) or (_Evaluator.binary_entropy if isinstance(e, h) else None)
        if strict is not None:
            return strict(self, e)
        shared = FUNCTIONS.get(e.func)
        if shared is None:
            raise _Unevaluable(f"unknown function {e.func}")
        return shared(e, [self.value(a) for a in e.args], True)

    # nodes whose domain is checked strictly here (the rest: derive.numeric.expressions) ----------------
    def add(self, e):
        return mpmath.fsum(self.value(a) for a in e.args)

    def pow(self, e):
        base_e, exp_e = e.args
        b, x = self.value(base_e), self.value(exp_e)
        integral = exp_e.is_Integer or (mpmath.isfinite(x) and x == mpmath.floor(x))
        if b < 0 and not integral:
            if b > -_ROUNDING:
                b = mpmath.mpf(0)
            else:
                raise Undefined(f"{_short(e)} is a root of a negative number ({mpmath.nstr(b, 8)})")
        if b == 0 and x < 0:
            raise Undefined(f"{_short(e)} divides by zero")
        try:
            return mpmath.power(b, x)
        except (OverflowError, ValueError, ZeroDivisionError) as err:
            raise _Unevaluable(str(err)) from None

    def log(self, e):
        x = self.value(e.args[0])
        if x < 0:
            if x > -_ROUNDING:
                x = mpmath.mpf(0)
            else:
                raise Undefined(f"{_short(e)} is a log of a negative number ({mpmath.nstr(x, 8)})")
        if x == 0:
            return -mpmath.inf
        out = mpmath.log(x)
        if len(e.args) == 2:  # log(x, base)
            base = self.value(e.args[1])
            if base <= 0 or base == 1:
                raise Undefined(f"{_short(e)} has the base {mpmath.nstr(base, 8)}")
            out = out / mpmath.log(base)
        return out

    def binary_entropy(self, e):
        p = self.value(e.args[0])
        if p < 0 and p > -_ROUNDING:
            p = mpmath.mpf(0)
        elif p > 1 and p < 1 + _ROUNDING:
            p = mpmath.mpf(1)
        if not 0 <= p <= 1:
            raise Undefined(f"{_short(e)} is h outside [0, 1] (its argument is {mpmath.nstr(p, 8)})")
        if p == 0 or p == 1:
            return mpmath.mpf(0)
        return -(p * mpmath.log(p, 2) + (1 - p) * mpmath.log(1 - p, 2))

    def sum(self, e):
        # limits run innermost first: evaluate the outermost and recurse on the rest
        var, lo_e, hi_e = e.limits[-1]
        body = sympy.Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        lo, hi = self.value(lo_e), self.value(hi_e)
        if not (mpmath.isfinite(lo) and mpmath.isfinite(hi)) or lo != mpmath.floor(lo) or hi != mpmath.floor(hi):
            raise Undefined(f"{_short(e)} has limits that are not integers ({mpmath.nstr(lo, 8)}, {mpmath.nstr(hi, 8)})")
        lo_i, hi_i = int(lo), int(hi)
        if hi_i < lo_i:
            return mpmath.mpf(0)  # derive's convention: an empty sum
        self.terms += hi_i - lo_i + 1
        if self.terms > MAX_SUM_TERMS:
            raise _Unevaluable(f"the sums have more than {MAX_SUM_TERMS} terms here")
        saved = self.env.get(var)
        total = mpmath.mpf(0)
        try:
            for k in range(lo_i, hi_i + 1):
                self.env[var] = mpmath.mpf(k)
                total += self.value(body)
        finally:
            if saved is None:
                self.env.pop(var, None)
            else:
                self.env[var] = saved
        return total


#: Nodes whose value is undefined outside their domain (a log or root of a negative number, h outside [0, 1]):
#: :class:`Undefined` here, where the shared :data:`~derive.numeric.expressions.FUNCTIONS` would refuse or give
#: an infinity; sums are evaluated with the index bound, not expanded.
_STRICT = {
    sympy.Add: _Evaluator.add,
    sympy.Pow: _Evaluator.pow,
    sympy.log: _Evaluator.log,
    sympy.Sum: _Evaluator.sum,
    h: _Evaluator.binary_entropy,
}


def evaluate_real(expr: sympy.Basic, values: dict, dps: int = 30, *, counter: list | None = None):
    """The value of the parameter-only ``expr`` at ``values`` (``{Symbol: Rational}``), an ``mpmath.mpf``;
    ``nan`` where it cannot be evaluated here (an unknown node, more than :data:`MAX_SUM_TERMS` summands).
    ``counter`` (a one-element list), if given, accumulates the summands added.

    Raises
    ------
    Undefined
        When ``expr`` has no real value there (a log or root of a negative number, ``h`` outside
        [0, 1], a division by zero); ``reason`` names the subexpression.
    """
    with mpmath.workdps(dps):
        env = {s: mpmath.mpf(int(v.p)) / int(v.q) for s, v in values.items()}
        ev = _Evaluator(env)
        try:
            return ev.value(expr)
        except (_Unevaluable, RecursionError):
            return mpmath.nan
        finally:
            if counter is not None:
                counter[0] += ev.terms


def _point_text(values: dict, free: list) -> str:
    return ", ".join(f"{s.name} = {values[s]}" for s in free) or "every point"


def _assumed_domain(s: sympy.Symbol) -> Domain:
    """The values a symbol that is no declared parameter may take, from its sympy assumptions (the Python API's
    ``Symbol("z", positive=True)`` means z > 0: a counterexample at z = -867 would be no counterexample)."""
    lo, lo_open, hi, hi_open = S.NegativeInfinity, True, S.Infinity, True
    if s.is_positive:
        lo = S.Zero
    elif s.is_nonnegative:
        lo, lo_open = S.Zero, False
    if s.is_negative:
        hi = S.Zero
    elif s.is_nonpositive:
        hi, hi_open = S.Zero, False
    return Domain(lo, hi, lo_open, hi_open, bool(s.is_integer))


#: Sampled points where the slack is within the tolerance of 0 at the working precision and interval arithmetic at
#: higher precision (:data:`derive.numeric.certify.PRECISIONS`) is asked for its sign, per statement.
MAX_NEAR_ZERO_CERTIFICATIONS = 20


def test_real_statement(slack: sympy.Expr, domains: dict, n: int = 200, seed: int = 0, dps: int = 30,
                        tol: float = 1e-20, *, equality: bool = False) -> dict | None:
    """A parameter assignment where ``slack < -tol`` (or ``|slack| > tol`` with ``equality``), or where
    ``slack`` is undefined; ``None`` if none was found.

    A violation counts only when interval arithmetic certifies it (:func:`_certified_violation`), which is also
    asked at points where the slack is 0 to the working precision (at most :data:`MAX_NEAR_ZERO_CERTIFICATIONS`
    of them); an uncertified
    one is returned as ``{"values": ..., "slack": ..., "suspected": True}`` if nothing better is found.
    The result is ``{"values": {name: value}, "slack": text}`` for a certified violation and
    ``{"values": ..., "undefined": reason}`` for an undefined point; ``{"evaluated": 0}`` (no
    ``values``) when no sampled point could be evaluated at all, and ``{"evaluated": k, "ok": True}``
    when only ``k < n`` points could be (long sums) and all of them hold.
    """
    free = sorted(slack.free_symbols, key=lambda s: s.name)
    evaluated = near_zero = 0
    counter = [0]
    suspected = None
    with mpmath.workdps(dps):
        for values in sample_parameter_values({s: domains.get(s) or _assumed_domain(s) for s in free}, n, seed):
            if counter[0] > MAX_TOTAL_SUM_TERMS:
                break
            try:
                v = evaluate_real(slack, values, dps, counter=counter)
            except Undefined as err:
                return {"values": {s.name: str(values[s]) for s in free}, "undefined": err.reason,
                        "point": _point_text(values, free)}
            if not isinstance(v, mpmath.mpf) or mpmath.isnan(v):
                continue
            evaluated += 1
            bad = abs(v) > tol if equality else v < -tol
            cert = None
            if not bad and abs(v) <= tol and near_zero < MAX_NEAR_ZERO_CERTIFICATIONS:
                # within the working precision of 0: interval arithmetic at higher precision may still see the sign
                # (1 - 10^-300 - h(1/2 - 10^-200) is -10^-300 + 3*10^-400, 0 at 30 digits)
                near_zero += 1
                cert = _certified_violation(slack, values, equality)
                bad = cert is not None
            if bad:
                found = {"values": {s.name: str(values[s]) for s in free}, "slack": mpmath.nstr(v, 15),
                         "point": _point_text(values, free)}
                cert = cert or _certified_violation(slack, values, equality)
                if cert is not None:
                    return {**found, "slack": cert.text()}
                suspected = suspected or found  # rounding noise or a real violation: not a counterexample
    if suspected:
        return {**suspected, "suspected": True}
    if evaluated == 0:
        return {"evaluated": 0}
    return {"evaluated": evaluated, "ok": True} if evaluated < n else None


def _certified_violation(slack: sympy.Expr, values: dict, equality: bool):
    """The slack at ``values`` enclosed by interval arithmetic (arb, increasing precision) when it is certainly
    ``< 0`` (``!= 0`` for an equality); ``None`` when no precision certifies it: a 30-digit evaluation of
    ``10^40*(h(p) - h(1 - p))`` (exactly 0) is about -10^9 from cancellation alone."""
    from derive.numeric.certify import ArbScalars, CertifiedValue, certify

    params = {s.name: v for s, v in values.items()}

    def compute() -> CertifiedValue:
        return CertifiedValue("interval", interval=ArbScalars(params).value(slack))

    return certify(compute, "nonzero" if equality else "negative")


def test_unchecked_real_steps(proof, report, n: int = 200, seed: int = 0):
    """``report`` with its ``unchecked`` ``real`` steps tested numerically: ``tested`` or ``failed``, recorded through
    the kernel's :func:`~derive.kernel.report.lower_step_status` (which can only lower a status).

    A step that no sampled point could evaluate stays ``unchecked``, with a message saying so.
    """
    from derive.kernel.report import lower_step_status

    domains = {p.symbol: p.domain for p in proof.parameters.values()}
    for res in report.steps:
        if res.rule != "real" or res.status != "unchecked" or res.claim is None:
            continue
        try:
            bad = test_real_statement(res.claim.slack(), domains, n, seed, equality=res.claim.is_equality)
        except Exception:  # noqa: BLE001 - untrusted numerics: a failure to test leaves the step unchecked
            bad = {"evaluated": 0}
        if bad is None or bad.get("ok"):
            count = n if bad is None else bad["evaluated"]
            report = lower_step_status(report, res.id, "tested", "no exact certificate; numerically true at "
                                       f"{count} sampled parameter values (not a proof)")
        elif bad.get("suspected"):
            report = lower_step_status(report, res.id, "unchecked", "no exact certificate; numerically false at "
                                       f"{bad['values']} (slack ~ {bad['slack']}), but interval arithmetic does not "
                                       "certify the violation (it may be rounding): not a counterexample, not tested")
        elif "evaluated" in bad:
            report = lower_step_status(report, res.id, "unchecked", "no exact certificate, and the numeric tester "
                                       "could not evaluate the claim at any sampled parameter value (not tested)")
        elif "undefined" in bad:
            report = lower_step_status(report, res.id, "failed", f"undefined at {bad['point']}: {bad['undefined']}",
                                       "Counterexample")
        else:
            report = lower_step_status(report, res.id, "failed",
                                       f"false at {bad['values']} (slack = {bad['slack']})", "Counterexample")
    return report
