"""``A^e - B^e`` has the sign of ``A - B`` (``A, B >= 0``, ``e > 0``), with ``exp(u)`` read as ``exp(u/e)^e``.

A symbolic exponent is the usual shape of a bound over ``n`` samples: ``(1 - p)^n <= exp(-p n)`` is ``1 - p <=
exp(-p)`` raised to the ``n``-th power. Accepted instances, refused ones (the wrong direction, an exponent that may
be 0 or negative, a base that may be negative, ``u/e`` still depending on ``e``), and a property test against mpmath
at 50 digits on a grid of ``(p, n)`` with ``n`` up to 10^6. Two positive terms with an ``exp`` or a symbolic
exponent are compared by their logs (``(1 + 1/n)^n <= e``): accepted classics, refused false ones (false at a point,
or only in the limit), and a property test against mpmath out to ``n = 10^12``.
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


@pytest.mark.slow
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


# ---------------------------------------------------------------------------- two positive terms compared by their logs

def _n(lo, integer=True) -> Domains:
    return Domains({N: Domain(S(lo), S.Infinity, False, True, integer)}, set())


@pytest.mark.parametrize("expr, domains, signs", [
    (sympy.E - (1 + 1 / N) ** N, _n(1), ("pos", "nonneg")),                    # (1 + 1/n)^n <= e: n ln(1 + 1/n) <= 1
    (sympy.E - (1 + 1 / N) ** N, _n(1, integer=False), ("pos", "nonneg")),
    ((1 + 1 / N) ** (N + 1) - sympy.E, _n(1), ("pos", "nonneg")),              # ... and (1 + 1/n)^(n+1) >= e
    (sympy.exp(-1) - (1 - 1 / N) ** N, _n(2), ("pos", "nonneg")),              # (1 - 1/n)^n <= 1/e
    ((1 - 1 / N) ** (N - 1) - sympy.exp(-1), _n(2), ("pos", "nonneg")),
    (2 ** N - N ** 2, _n(4), ("pos", "nonneg")),                                # n ln 2 >= 2 ln n from n = 4
])
def test_positive_terms_compared_by_their_logs(expr, domains, signs):
    assert sign_of(expr, domains) in signs


@pytest.mark.slow
@pytest.mark.parametrize("expr, domains", [
    (sympy.E - (1 + 1 / N) ** (N + 1), _n(1)),                # false: 4 > e at n = 1
    (Rational(27, 10) - (1 + 1 / N) ** N, _n(1)),             # false only far out: the limit e > 2.7
    (2 ** N - N ** 2, _n(2)),                                  # false at n = 3
    ((1 + 1 / N) ** N - sympy.E, _n(1)),                        # the wrong direction
    (sympy.exp(N) - N ** 3, _n(1, integer=False)),              # e^x - x^3: negative near 4.5
])
def test_what_comparing_logs_does_not_conclude(expr, domains):
    s = sign_of(expr, domains)
    assert s not in ("pos", "nonneg", "zero"), (expr, s)


_GROWING = [lambda n: (1 + 1 / n) ** n, lambda n: (1 + 1 / n) ** (n + 1), lambda n: (1 - 1 / (n + 1)) ** n,
            lambda n: 2 ** n, lambda n: n ** 2, lambda n: sympy.exp(n / 3), lambda n: n ** Rational(1, 2),
            lambda n: sympy.E * n, lambda n: (1 + 2 / n) ** n]
_SCALES = [S.One, Rational(1, 2), Rational(27, 10), sympy.E, Rational(3), Rational(1, 10)]


_PAIRS = (st.sampled_from(range(len(_GROWING))), st.sampled_from(range(len(_GROWING))), st.sampled_from(_SCALES),
          st.sampled_from([1, 2, 5]), st.booleans())


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*_PAIRS)
def test_a_sign_from_logs_holds_far_out(i, j, c, lo, integer):
    """``c·u(n) - v(n)`` for two positive terms: a proved sign holds at n up to 10^12 (mpmath at 60 digits)."""
    _sign_from_logs_holds_far_out(i, j, c, lo, integer)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*_PAIRS)
def test_a_sign_from_logs_holds_far_out_many(i, j, c, lo, integer):
    """The same on 200 draws (about 2 minutes; CI runs it)."""
    _sign_from_logs_holds_far_out(i, j, c, lo, integer)


def _sign_from_logs_holds_far_out(i, j, c, lo, integer) -> None:
    expr = c * _GROWING[i](N) - _GROWING[j](N)
    if expr.is_number:
        return
    sign = sign_of(expr, _n(lo, integer))
    if sign is None:
        return
    f = sympy.lambdify(N, expr, "mpmath")
    with mpmath.workdps(60):
        pts = [lo, lo + 1, lo + 2, 7, 10, 50, 1000, 10 ** 6, 10 ** 12] + ([] if integer else [lo + Rational(1, 3), Rational(9, 2)])
        for n in (sympy.Rational(x) for x in pts if x >= lo):
            v = f(mpmath.mpf(n.p) / n.q)
            tol = mpmath.mpf(10) ** -45
            ok = {"pos": v > 0, "nonneg": v > -tol, "neg": v < 0, "nonpos": v < tol, "zero": abs(v) < tol}[sign]
            assert ok, (expr, lo, integer, sign, n, v)
