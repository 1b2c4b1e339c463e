"""Interval enclosures of ``exp``, ``log``, ``a^r`` and ``h`` through their monotonicity.

The sign engine gives ``f(a)`` the image of ``a``'s interval under a strictly monotone ``f`` (``exp``, ``log`` on
``a > 0``, ``a^r`` for rational ``r`` on ``a >= 0``, ``h`` on each half of ``[0, 1]``), each irrational end replaced by
a rational just beyond it whose side sympy certifies; a constant (``1/log(2)``) keeps its magnitude the same way.
So ``x ln x`` is bounded on a piece away from its minimum and ``d ln(1/d) <= 1/2`` is proved with cuts.

Accepted instances, refused ones (claims false at an end or at an interior point), edge cases (ends beyond the
range where ``exp`` is evaluated, a log whose argument reaches 0, ``h`` of an interval around 1/2), and a property
test against mpmath at 50 digits: a random monotone function of an affine map of ``p`` on a random interval.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational

from derive.core.parameters import Domain, Domains
from derive.core.quantities import h
from derive.io.reader import read_proof_text
from derive.kernel import check_proof
from derive.kernel.signs import sign_of
from derive.provers.certificate_search import default_oracle

P = sympy.Symbol("p", real=True)
HALF = Rational(1, 2)


def _on(lo, hi, lo_open=False, hi_open=False) -> Domains:
    return Domains({P: Domain(sympy.sympify(lo), sympy.sympify(hi), lo_open, hi_open)}, set())


@pytest.mark.parametrize("expr, domain, sign", [
    (sympy.exp(P) - 3, _on(0, 1), "neg"),                                  # e < 3
    (sympy.exp(P) - sympy.E, _on(0, 1), "nonpos"),                         # attained at 1
    (sympy.exp(P) - 3, _on(-1, 1, lo_open=True), "neg"),
    (sympy.exp(P) - 1, _on(0, 1, lo_open=True), "pos"),                   # an open end stays open through exp
    (sympy.log(P), _on(1, 2, lo_open=True), "pos"),                         # ... and through log
    (h(P), _on(0, HALF, lo_open=True), "pos"),                              # ... and through h
    (sympy.log(1 + P) - 1, _on(0, 1), "neg"),                              # ln 2 < 1
    (sympy.log(1 + P) / sympy.log(2) - 1, _on(0, 1), "nonpos"),            # log2(2) = 1: the constant keeps its size
    (sympy.sqrt(P) - Rational(3, 4), _on(0, HALF), "neg"),                 # sqrt(1/2) = 0.707...
    (P ** Rational(1, 3) - HALF, _on(Rational(1, 8), 1), "nonneg"),         # (1/8)^(1/3) = 1/2, attained
    (h(P / 4) - Rational(82, 100), _on(0, 1), "neg"),                      # h(1/4) = 0.811...
    (h(P) - Rational(1, 2), _on(Rational(1, 4), Rational(3, 4)), "pos"),   # around 1/2: at least h(1/4)
    (HALF + P * sympy.log(P), _on(Rational(5, 16), Rational(3, 8)), "pos"),  # x ln x near its minimum -1/e
])
def test_monotone_images_give_signs(expr, domain, sign):
    assert sign_of(expr, domain) == sign


@pytest.mark.parametrize("expr, domain", [
    (sympy.exp(P) - sympy.E + Rational(1, 10 ** 6), _on(0, 1)),           # false at 1
    (h(P) - Rational(99, 100), _on(0, HALF)),                              # false near 0
    (P * sympy.log(P) + Rational(36, 100), _on(Rational(1, 4), HALF)),     # false at 1/e: -0.3679 < -0.36
    (sympy.sqrt(P) - P - Rational(1, 100), _on(0, 1)),                     # false at 0
    (sympy.log(P) + 100, _on(0, 1, lo_open=True)),                         # log reaches -oo at 0
])
def test_no_sign_where_the_claim_fails_somewhere(expr, domain):
    assert sign_of(expr, domain) not in ("pos", "nonneg", "zero")


def test_huge_ends_are_not_evaluated():
    """exp of an end beyond 10^4 is not evaluated (the image end is infinite), and nothing overflows."""
    assert sign_of(sympy.exp(P) - 1, _on(0, 10 ** 30)) == "nonneg"
    assert sign_of(sympy.exp(-P), _on(0, 10 ** 30)) == "pos"
    assert sign_of(sympy.exp(P) - 2, _on(-10 ** 30, 0)) == "neg"


def _file(claim: str, domain: str) -> str:
    return (f'[proof]\nname = "t"\nunits = "nats"\n\n[parameters]\nd = "{domain}"\n\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "real"\n')


@pytest.mark.parametrize("claim", ["d*ln(1/d) <= 1/2", "d*ln(1/d) <= 1/2 - d/10"])
def test_x_log_one_over_x_is_proved_on_pieces(claim):
    report = check_proof(read_proof_text(_file(claim, "0 < d <= 1/2")), oracle=default_oracle())
    assert report.steps[0].status == "proved", report.steps[0].message


# ---------------------------------------------------------------------------- property test

_FUNCTIONS = {
    "exp": (sympy.exp, mpmath.exp, None),
    "log": (sympy.log, mpmath.log, "pos"),
    "sqrt": (sympy.sqrt, mpmath.sqrt, "nonneg"),
    "cbrt": (lambda a: a ** Rational(1, 3), lambda a: mpmath.cbrt(a), "nonneg"),
    "inv_sqrt": (lambda a: a ** Rational(-1, 2), lambda a: 1 / mpmath.sqrt(a), "pos"),
    "h": (h, lambda a: mpmath.mpf(0) if a in (0, 1) else -(a * mpmath.log(a, 2) + (1 - a) * mpmath.log(1 - a, 2)),
          "unit"),
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_FUNCTIONS)), st.integers(-4, 4), st.integers(-4, 4), st.integers(-8, 8),
       st.integers(-16, 16), st.integers(1, 16), st.booleans(), st.sampled_from([1, -1]))
def test_a_proved_sign_holds_at_every_point(name, a, b, c, lo16, width16, with_p, side):
    """``side·(f(a p/4 + b/4) + c/8 [+ p])`` on ``[lo, lo + width]`` (sixteenths): whatever sign the kernel proves
    holds at 41 points, each evaluated by mpmath at 50 digits."""
    make, exact, needs = _FUNCTIONS[name]
    lo, hi = Rational(lo16, 16), Rational(lo16 + width16, 16)
    arg = Rational(a, 4) * P + Rational(b, 4)
    ends = [arg.subs(P, lo), arg.subs(P, hi)]
    if needs == "pos" and min(ends) <= 0 or needs == "nonneg" and min(ends) < 0 or \
            needs == "unit" and (min(ends) < 0 or max(ends) > 1):
        return  # f is not defined on the whole interval
    expr = side * (make(arg) + Rational(c, 8) + (P if with_p else 0))
    sign = sign_of(expr, _on(lo, hi))
    if sign is None:
        return
    with mpmath.workdps(50):
        for k in range(41):
            x = mpmath.mpf(lo) + (mpmath.mpf(hi) - mpmath.mpf(lo)) * k / 40
            v = side * (exact(mpmath.mpf(a) / 4 * x + mpmath.mpf(b) / 4) + mpmath.mpf(c) / 8 + (x if with_p else 0))
            tiny = mpmath.mpf(10) ** -40
            ok = {"pos": v > tiny, "nonneg": v > -tiny, "zero": abs(v) < tiny, "nonpos": v < tiny,
                  "neg": v < -tiny}[sign]
            assert ok, (expr, lo, hi, sign, x, v)
