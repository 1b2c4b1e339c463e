"""Signs of expressions with kinks: ``abs``, ``max``, ``min`` of parameters.

Two steps in :mod:`derive.kernel.signs`: ``|a|`` gets the interval of ``a`` with its negative part reflected (so
``|p - 1/2| <= 1/2`` on ``[0, 1]`` needs no cut), and where the argument of an ``abs`` (or the difference of the two
parts of a ``max``/``min``) has a proved sign on the domain, the kink is written as the part it equals there, so on
each piece of a domain cut at the kink (``split``, from the file or the search) the expression is smooth again.

Accepted instances, refused ones (false claims, a kink left inside a piece, undefined arguments), and a property
test against an oracle that shares nothing with the kernel: random piecewise-linear claims (sums of ``abs``, ``max``
and ``min`` of linear functions with rational coefficients), evaluated exactly with Python fractions at 97 points.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, S

from derive.core.parameters import Domain, Domains
from derive.io.reader import read_proof_text
from derive.kernel import check_proof
from derive.kernel.signs import sign_of
from derive.provers.certificate_search import default_oracle
from tests.support.cli import run

P = sympy.Symbol("p", real=True)


def _on(lo, hi, lo_open=False, hi_open=False) -> Domains:
    return Domains({P: Domain(sympy.sympify(lo), sympy.sympify(hi), lo_open, hi_open)}, set())


def _file(claim: str, split: str | None = None, domain: str = "0 <= p <= 1") -> str:
    extra = f"split = {split}\n" if split is not None else ""
    return (f'[proof]\nname = "t"\n\n[parameters]\np = "{domain}"\n\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "real"\n{extra}')


def _status(text: str, oracle=None) -> tuple[str, str]:
    step = check_proof(read_proof_text(text), oracle=oracle).steps[0]
    return step.status, step.message


HALF = Rational(1, 2)


@pytest.mark.parametrize("expr, domain, sign", [
    (HALF - sympy.Abs(P - HALF), _on(0, 1), "nonneg"),                   # |p - 1/2| <= 1/2: the reflected interval
    (HALF - sympy.Abs(P - HALF), _on(0, 1, True, True), "pos"),          # open ends: never 1/2
    (sympy.Abs(P - 3) - 1, _on(0, 1), "pos"),                            # the argument is negative: reflected
    (sympy.Abs(P + 1) - 1, _on(0, 1), "nonneg"),                         # the argument is positive: kept
    (P + sympy.Abs(P - HALF) - HALF, _on(0, HALF), "zero"),              # the kink written out: 1/2 - p + p - 1/2
    (P + sympy.Abs(P - HALF) - HALF, _on(HALF, 1), "nonneg"),            # 2p - 1 >= 0
    (sympy.Max(P, 1 - P) - HALF, _on(0, HALF), "nonneg"),                # max is 1 - p there
    (HALF - sympy.Min(P, 1 - P), _on(HALF, 1, True), "pos"),             # min is 1 - p < 1/2 there
    (sympy.exp(sympy.Abs(P - 1)) - 2 + P, _on(0, 1), "nonneg"),          # |p - 1| = 1 - p, then e^x >= 1 + x
])
def test_kinks_with_a_known_side_are_signed(expr, domain, sign):
    assert sign_of(expr, domain) == sign


@pytest.mark.parametrize("expr, domain", [
    (P + sympy.Abs(P - HALF) - HALF, _on(0, 1)),          # true, but the kink is inside: needs a cut
    (2 * sympy.Abs(P - HALF) - HALF, _on(0, 1)),          # changes sign: -1/2 at 1/2, 1/2 at the ends
    (sympy.Max(P, 1 - P) - Rational(3, 4), _on(0, 1)),    # false at 1/2
    (sympy.Abs(sympy.log(P)) - 1, _on(0, 1)),             # log(0) is undefined: no sign at all
    (Rational(1, 4) - sympy.Abs(P - HALF), _on(0, 1)),    # false at the ends
])
def test_no_sign_where_a_kink_is_inside_or_the_claim_is_false(expr, domain):
    assert sign_of(expr, domain) is None


@pytest.mark.parametrize("claim, split", [
    ("abs(p - 1/2) >= 1/2 - p", '["1/2"]'),
    ("max(p, 1 - p) >= 1/2", '["1/2"]'),
    ("min(p, 1 - p) <= p/2 + 1/3", '["1/2"]'),
    ("abs(p - 1/4) + abs(p - 3/4) >= 1/2", '["1/4", "3/4"]'),
])
def test_a_cut_at_the_kink_proves_the_claim_and_the_search_finds_it(claim, split):
    assert _status(_file(claim))[0] == "unchecked"
    status, message = _status(_file(claim, split))
    assert status == "proved" and "pieces" in message, message
    assert _status(_file(claim), oracle=default_oracle())[0] == "proved"


@pytest.mark.parametrize("claim, split", [
    ("abs(p - 1/4) + abs(p - 3/4) >= 1/2", '["1/4"]'),   # the kink at 3/4 is left inside the last piece
    ("abs(p - 1/2) >= 1/8", '["1/2"]'),                  # false near 1/2: no cut helps
    ("max(p, 1 - p) >= 5/8", '["1/2"]'),                 # false at 1/2
])
def test_a_kink_left_inside_or_a_false_claim_stays_unchecked(claim, split):
    status, message = _status(_file(claim, split))
    assert status == "unchecked", message


def test_derive_prove_decides_claims_with_abs(capsys):
    code, out, _ = run(["prove", "abs(p - 1/2) >= 1/4 - p/2", "--param", "p = 0 <= p <= 1"], capsys)
    assert code == 0 and out.startswith("proved for every value of p"), out
    code, out, _ = run(["prove", "2*abs(p - 1/2) >= 1", "--param", "p = 0 <= p <= 1"], capsys)
    assert out.startswith("false"), out


# ---------------------------------------------------------------------------- property test

_LINEAR = st.tuples(st.integers(-4, 4), st.integers(-8, 8)).map(lambda ab: (Fraction(ab[0], 2), Fraction(ab[1], 8)))


def _kink(draw_kind: str, f: tuple, g: tuple):
    """A kink of the linear functions ``f``, ``g`` (``(slope, offset)``): as sympy, as text, as an exact function."""
    (a, b), (c, d) = f, g
    fs, gs = Rational(a) * P + Rational(b), Rational(c) * P + Rational(d)
    ft, gt = f"({a})*p + ({b})", f"({c})*p + ({d})"
    fx = lambda x: a * x + b  # noqa: E731
    gx = lambda x: c * x + d  # noqa: E731
    if draw_kind == "abs":
        return sympy.Abs(fs), f"abs({ft})", lambda x: abs(fx(x))
    if draw_kind == "max":
        return sympy.Max(fs, gs), f"max({ft}, {gt})", lambda x: max(fx(x), gx(x))
    return sympy.Min(fs, gs), f"min({ft}, {gt})", lambda x: min(fx(x), gx(x))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["abs", "max", "min"]), _LINEAR, _LINEAR, st.sampled_from([-1, 1])),
                min_size=1, max_size=3),
       _LINEAR, st.lists(st.integers(1, 15), max_size=3))
@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_a_proved_piecewise_linear_claim_holds_at_every_point(kinks, rest, sixteenths):
    """Whatever the kernel proves (with random cut points, or none) holds at 97 points of [0, 1], each evaluated
    exactly with fractions: the oracle knows nothing of intervals, kinks or pieces."""
    parts = [_kink(kind, f, g) for kind, f, g, _ in kinks]
    signs = [s for *_, s in kinks]
    text = " + ".join(f"({s})*{t}" for (_, t, _), s in zip(parts, signs)) + f" + ({rest[0]})*p + ({rest[1]})"
    split = "[" + ", ".join(f'"{k}/16"' for k in sorted(set(sixteenths))) + "]" if sixteenths else None
    status, message = _status(_file(f"{text} >= 0", split))
    if status != "proved":
        return
    for k in range(97):
        x = Fraction(k, 96)
        value = sum(s * fn(x) for (_, _, fn), s in zip(parts, signs)) + rest[0] * x + rest[1]
        assert value >= 0, (text, split, x, value, message)
    # the same claim as sympy: its sign on [0, 1] (no cut) must agree with the exact values too
    expr = sum(s * e for (e, _, _), s in zip(parts, signs)) + Rational(rest[0]) * P + Rational(rest[1])
    assert sign_of(expr, _on(0, 1)) in (None, "pos", "nonneg", "zero")


def test_a_kink_inside_a_sum_is_signed_over_the_index_range():
    """No kink inside a ``Sum`` is written out at the top: the summand is signed with its index ranging over the
    sum's range (``i - |i|`` is ``2i < 0`` for the negative ``i`` of ``-5..n``, ``0`` for the others)."""
    i = sympy.Symbol("i", integer=True)
    n = sympy.Symbol("n", integer=True)
    doms = Domains({n: Domain(S.One, S.Infinity, False, True, integer=True)}, set())
    assert sign_of(sympy.Sum(i - sympy.Abs(i), (i, -5, n)), doms) in ("nonpos", None)
    assert sign_of(sympy.Sum(sympy.Abs(i) - i, (i, -5, n)), doms) in ("nonneg", None)
    assert sign_of(sympy.Sum(sympy.Abs(i) - i - 1, (i, -5, n)), doms) is None  # 9 at i = -5, -1 at i = 1
