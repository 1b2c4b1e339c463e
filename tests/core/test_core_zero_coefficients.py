"""``is_zero_coefficient``: an exact test that a coefficient is identically 0, and one that stays small.

``sympy.simplify`` combines ``n·log(3)`` into ``log(3^n)``; on ``log(3)/log(2) - (10^30 + 1)/10^30`` (a bits claim with
a constant off by 10^-30) it tried to build a number of 10^30 digits and the process died for want of memory
(``derive check`` on a one-step file). Logs of rationals are now written over their primes first, and ``simplify``
is not tried on logs next to large numbers; such a coefficient is "not shown to be 0", which every caller reads as
the cautious answer (a multiplier checked, a leftover atom refused, an equality's constant then left to the sign
engine).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational

from derive.core.linear import is_zero_coefficient
from derive.core.quantities import h

p = sympy.Symbol("p", real=True)


@pytest.mark.parametrize("c", [
    sympy.log(6) - sympy.log(2) - sympy.log(3),
    sympy.log(Rational(9, 4)) / sympy.log(2) - 2 * sympy.log(3) / sympy.log(2) + 2,
    (1 - 2 * p) ** 2 - 1 + 4 * p - 4 * p ** 2,
    sympy.sqrt(p ** 2 + 1) ** 2 - p ** 2 - 1,
])
def test_zeros_are_seen(c):
    assert is_zero_coefficient(c)


@pytest.mark.parametrize("c", [
    sympy.log(3) / sympy.log(2) - Rational(10 ** 30 + 1, 10 ** 30),
    sympy.log(3) - Rational(1, 10 ** 30),
    p * sympy.log(3) - p * Rational(10 ** 12 + 1, 10 ** 12),
    sympy.log(6) - sympy.log(2) - sympy.log(3) + Rational(1, 10 ** 40),
])
def test_non_zeros_are_not_zero(c):
    assert not is_zero_coefficient(c)


_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2 ** 30, 3 * 2 ** 30))
{body}
"""


def _in_a_child_with_3_gib(body: str) -> subprocess.CompletedProcess:
    """Run ``body`` in a child Python whose address space is capped (a regression would kill it, not the runner)."""
    code = _LIMITED.format(body=textwrap.dedent(body))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)


def test_a_constant_off_by_a_tiny_amount_stays_small():
    done = _in_a_child_with_3_gib("""
        import sympy
        from derive.core.linear import is_zero_coefficient
        print(is_zero_coefficient(sympy.log(3) / sympy.log(2) - sympy.Rational(10 ** 30 + 1, 10 ** 30)))
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_a_step_with_such_a_constant_is_checked():
    done = _in_a_child_with_3_gib("""
        from derive.io import read_proof_text
        from derive.kernel import check_proof
        from derive.provers.certificate_search import default_oracle
        text = ('[proof]\\nname = "c"\\n\\n[variables]\\nrandom = ["X", "Y"]\\n\\n[[step]]\\nid = "s"\\n'
                'claim = "H(X|Y) <= H(X) + log(3) - 10^-30"\\nrule = "shannon"\\n')
        print(check_proof(read_proof_text(text), oracle=default_oracle()).steps[0].status)
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "proved"


# ---------------------------------------------------------------------------- h written through its logs

def _written_h(x):
    """The binary entropy in bits written out: -(x log x + (1 - x) log(1 - x))/log 2."""
    return -(x * sympy.log(x) + (1 - x) * sympy.log(1 - x)) / sympy.log(2)


@pytest.mark.parametrize("c", [
    h(p) - _written_h(p),                       # `-p*log(p) - (1-p)*log(1-p) == h(p)` was unknown
    h(p) - h(1 - p),                            # symmetry
    h(p ** 2) - _written_h(p ** 2),
    h(Rational(1, 3)) - sympy.log(3) / sympy.log(2) + Rational(2, 3),
])
def test_h_equal_to_its_written_form_is_zero(c):
    assert is_zero_coefficient(c)


@pytest.mark.parametrize("c", [
    h(p) - _written_h(p) * sympy.log(2),        # nats against bits
    h(p) - _written_h(p) - Rational(1, 10 ** 30),
    h(p) - h(p ** 2),
    h(p) - 2 * p * (1 - p),
    h(Rational(1, 3)) - sympy.log(3) / sympy.log(2) + Rational(2, 3) - Rational(1, 10 ** 30),
])
def test_h_against_something_else_is_not_zero(c):
    assert not is_zero_coefficient(c)


_ARGS = [p, 1 - p, p ** 2, p / 2, 1 - p ** 2, (1 + p) / 3]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(len(_ARGS))), st.sampled_from([-2, -1, 1, 2]),
                          st.booleans()), min_size=1, max_size=4))
def test_a_zero_seen_through_h_is_zero_at_every_point(terms):
    """Sums of ``±k·h(a(p))`` and of written-out entropies: where the test says 0, mpmath at 40 digits agrees at
    points of (0, 1) (the oracle evaluates h from its own definition)."""
    c = sum(k * (h(_ARGS[i]) if as_h else _written_h(_ARGS[i])) for i, k, as_h in terms)
    if not is_zero_coefficient(c):
        return
    with mpmath.workdps(40):
        def h_mp(x):
            return -(x * mpmath.log(x, 2) + (1 - x) * mpmath.log(1 - x, 2))

        f = sympy.lambdify(p, c, [{"h": h_mp}, "mpmath"])
        for x in (mpmath.mpf(1) / 7, mpmath.mpf(1) / 2, mpmath.mpf(5) / 6, mpmath.mpf(10) ** -6):
            assert abs(f(x)) < mpmath.mpf(10) ** -30, (c, x)
