"""``A^e - B^e`` has the sign of ``A - B`` (``A, B >= 0``, ``e > 0``), with ``exp(u)`` read as ``exp(u/e)^e``.

A symbolic exponent is the usual shape of a bound over ``n`` samples: ``(1 - p)^n <= exp(-p n)`` is ``1 - p <=
exp(-p)`` raised to the ``n``-th power. Accepted instances, refused ones (the wrong direction, an exponent that may
be 0 or negative, a base that may be negative, ``u/e`` still depending on ``e``), and a property test against mpmath
at 50 digits on a grid of ``(p, n)`` with ``n`` up to 10^6.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.kernel.signs import sign_of

P = sympy.Symbol("p", real=True)
N = sympy.Symbol("n", real=True)


def _doms(p=(S.Zero, S.One), n_lo=S.One, integer=True) -> Domains:
    return Domains({P: Domain(p[0], p[1], False, False), N: Domain(n_lo, S.Infinity, False, True, integer)}, set())


@pytest.mark.parametrize("expr, domains, signs", [
    (sympy.exp(-P * N) - (1 - P) ** N, _doms(), ("nonneg",)),                        # 1 - p <= e^-p
    ((1 - P) ** N - sympy.exp(-2 * P * N), _doms((S.Zero, Rational(1, 2))), ("nonneg",)),  # 1 - p >= e^-2p there
    (sympy.exp(P * N) - (1 + P) ** N, _doms(integer=False), ("nonneg",)),
    ((1 + P) ** N - (1 + P / 2) ** N, _doms((Rational(1, 2), S.One)), ("pos",)),
])
def test_powers_with_one_exponent(expr, domains, signs):
    assert sign_of(expr, domains) in signs


@pytest.mark.parametrize("expr, domains", [
    ((1 - P) ** N - sympy.exp(-P * N), _doms((Rational(1, 10), S.One))),            # the wrong direction
    (sympy.exp(-P * N) - (1 - P) ** N - Rational(1, 10), _doms()),                  # 0 at p = 0
    ((1 - P) ** N - sympy.exp(-2 * P * N), _doms((S.Zero, S.One))),                # false near p = 1
    (sympy.exp(-P * N) - (1 - P) ** N, _doms(n_lo=S(-2), integer=True)),           # n may be negative
    (sympy.exp(-P * N ** 2) - (1 - P) ** N, _doms((S.Zero, S.One))),              # u/e = -p*n keeps n
])
def test_what_the_step_does_not_conclude(expr, domains):
    s = sign_of(expr, domains)
    assert s not in ("pos", "nonneg", "zero"), (expr, s)


_BASES = [lambda p: 1 - p, lambda p: 1 + p, lambda p: (1 + p) / 2, lambda p: 1 - p / 2, lambda p: p]
_EXPS = [lambda p: -p, lambda p: p, lambda p: -2 * p, lambda p: p / 2, lambda p: -p / 2, lambda p: p - p ** 2 / 2]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(_BASES))), st.sampled_from(range(len(_EXPS))), st.sampled_from([-1, 1]),
       st.sampled_from([(S.Zero, S.One), (S.Zero, Rational(1, 2)), (Rational(1, 4), Rational(3, 4))]),
       st.booleans())
def test_a_proved_sign_holds_on_the_grid(base, ex, side, ends, integer):
    """``side·(A(p)^n - exp(u(p)·n))``: a sign it proves holds at every grid point (mpmath, 50 digits)."""
    expr = side * (_BASES[base](P) ** N - sympy.exp(_EXPS[ex](P) * N))
    domains = _doms(ends, integer=integer)
    sign = sign_of(expr, domains)
    if sign is None:
        return
    f = sympy.lambdify((P, N), expr, "mpmath")
    with mpmath.workdps(50):
        ns = [1, 2, 3, 7, 50, 10 ** 6] + ([] if integer else [Rational(3, 2), Rational(41, 10)])
        for k in range(21):
            p = ends[0] + (ends[1] - ends[0]) * Rational(k, 20)
            for n in ns:
                v = f(mpmath.mpf(p.p) / p.q, mpmath.mpf(sympy.Rational(n).p) / sympy.Rational(n).q)
                tol = mpmath.mpf(10) ** -40
                ok = {"pos": v > 0, "nonneg": v > -tol, "neg": v < 0, "nonpos": v < tol, "zero": abs(v) < tol}[sign]
                assert ok, (expr, ends, integer, sign, p, n, v)
