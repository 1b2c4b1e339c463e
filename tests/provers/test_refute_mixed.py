"""Claims mixing discrete and continuous variables are refuted on certified mixed models (session 23).

Found: ``derive prove "I(X; Y) <= H(Y)" --continuous Y`` (X discrete, Y continuous: false, a narrow Gaussian Y has
h(Y) < 0 = I(X; Y) for a constant X) said ``unknown``: "no counterexample was sought: ... the Gaussian models need
every variable continuous". Now the refuter also tries mixed models: each discrete variable a constant, independent
of the continuous ones, which are jointly Gaussian (the marginal of a drawn linear Gaussian network), or in half the
draws an independent uniform bit; then every joint entropy is the continuous part's plus one bit per uniform bit,
``H(A, S) = |A| + h(S)`` (the mixed entropy H(A) + h(S | A)), and the hypotheses are checked again exactly on that
model. ``H(X, Y) <= H(Y)`` (X discrete) needs the bits: with X constant it holds.

Oracle, independent of derive's evaluator: the covariance and the constants printed in the message are parsed back;
each claim (built here as a list of terms) is evaluated with numpy's ``slogdet`` on the continuous part, the
constants dropped. Both directions: a ``false`` verdict's model violates the claim (and its hypothesis, when there
is one); a ``proved`` claim holds on random mixed models of the same kind.
"""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.cli import run
from support.terms import text as _text, value as _value
from support.gaussian import entropy_bits

CONTINUOUS = ("Y", "Z")
DISCRETE = ("X", "W")


def _model(message: str) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """(continuous names, covariance, constants, uniform bits) as the message prints them."""
    m = re.search(r"covariance of \(([^)]*)\) = (\[\[.*?\]\])(; ([^(]*?) (constant|a uniform bit|uniform bits) "
                  r"\(independent)?", message)
    assert m, message
    names = [n.strip() for n in m.group(1).split(",")]
    rows = re.findall(r"\[([^\[\]]*)\]", m.group(2))
    cov = np.array([[float(Fraction(x.strip())) for x in r.split(",")] for r in rows])
    discrete = [c.strip() for c in (m.group(4) or "").split(",") if c.strip()]
    bits = discrete if m.group(5) in ("a uniform bit", "uniform bits") else []
    return names, cov, [d for d in discrete if d not in bits], bits


def _h(names, cov, constants, vs, bits=()) -> float:
    """The mixed entropy of the set ``vs`` (bits): one bit per independent uniform bit, constants dropped, h of the
    continuous rest."""
    assert set(vs) <= set(names) | set(constants) | set(bits) | set(DISCRETE)
    continuous = sorted(names.index(v) for v in set(vs) if v in names)
    return entropy_bits(cov, continuous) + len(set(vs) & set(bits))


def _continuous_args(*texts: str) -> list[str]:
    used = [v for v in CONTINUOUS if any(re.search(rf"\b{v}\b", t) for t in texts)]
    return ["--continuous", ", ".join(used)] if used else []


CASES = [  # (claim as "slack terms >= 0": lhs terms, rhs terms, given, expected)
    ([(1, "H", ["Y"], [])], [(1, "I", ["X"], ["Y"], [])], [], "false"),                 # I(X; Y) <= H(Y)
    ([(1, "H", ["Y"], ["X"])], [], [], "false"),                                        # H(Y | X) >= 0
    ([(1, "H", ["X", "Y"], [])], [(1, "H", ["X"], [])], [], "false"),                   # H(X, Y) >= H(X)
    ([(1, "H", ["X"], [])], [(1, "I", ["X"], ["Y"], [])], [], "proved"),                # I(X; Y) <= H(X), X discrete
    ([(1, "I", ["X"], ["Z"], [])], [(1, "I", ["Y"], ["Z"], [])], ["X -> Y -> Z"], "false"),
    ([(1, "I", ["Y"], ["X"], [])], [(1, "I", ["Y"], ["Z"], [])], ["Y -> X -> Z"], "proved"),   # DPI
    ([(1, "H", ["Y"], [])], [(1, "H", ["X", "Y"], [])], [], "false"),                   # H(X, Y) <= H(Y): X a bit
    ([], [(1, "H", ["X"], ["Y"])], [], "false"),                                        # H(X | Y) <= 0
]


@pytest.mark.parametrize("lhs, rhs, hyps, expected", CASES)
def test_mixed_claims_are_decided_and_counterexamples_recheck(lhs, rhs, hyps, expected, capsys):
    claim = f"{_text(lhs)} >= {_text(rhs)}"
    args = ["prove", claim, *_continuous_args(claim, *hyps), "--json"]
    for g in hyps:
        args += ["--given", g]
    code, out, _ = run(args, capsys)
    res = json.loads(out)
    assert res["status"] == expected, res
    if expected != "false":
        return
    assert code == 1
    message = json.dumps(res)
    names, cov, constants, bits = _model(message)
    assert set(constants) | set(bits) <= set(DISCRETE) and set(names) <= set(CONTINUOUS)

    def h(vs):
        return _h(names, cov, constants, vs, bits)

    assert _value(lhs, h) - _value(rhs, h) < -1e-9      # the claim is violated
    for g in hyps:                                         # and the Markov chain A -> B -> C holds: I(A; C | B) = 0
        a, b, c = (v.strip() for v in g.split("->"))
        assert abs(_value([(1, "I", [a], [c], [b])], h)) < 1e-9


_ITEMS = ("X", "W", "Y", "Z")


@st.composite
def _terms(draw):
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        c = draw(st.integers(1, 2))
        a = draw(st.sampled_from(_ITEMS))
        rest = [v for v in _ITEMS if v != a]
        cond = draw(st.lists(st.sampled_from(rest), max_size=1, unique=True))
        if draw(st.booleans()):
            terms.append((c, "H", [a], cond))
        else:
            b = draw(st.sampled_from([v for v in rest if v not in cond]))
            terms.append((c, "I", [a], [b], cond))
    return terms


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lhs=_terms(), rhs=_terms())
def test_mixed_verdicts_agree_with_mixed_models(lhs, rhs, capsys):
    """A ``false`` verdict on a mixed model rechecks; a ``proved`` claim holds on 30 random mixed models (constants
    and a random covariance): the refuter's models never contradict a kernel-checked proof."""
    claim = f"{_text(lhs)} >= {_text(rhs)}"
    continuous = _continuous_args(claim)
    if not continuous:   # a claim about discrete variables only: not what this test is about
        return
    code, out, _ = run(["prove", claim, *continuous, "--json"], capsys)
    res = json.loads(out)
    if res["status"] == "false" and "jointly Gaussian" in res.get("kernel", ""):
        names, cov, constants, bits = _model(res["kernel"])
        assert _value(lhs, lambda vs: _h(names, cov, constants, vs, bits)) \
            - _value(rhs, lambda vs: _h(names, cov, constants, vs, bits)) < -1e-9
    elif res["status"] == "proved":
        rng = random.Random(claim)
        for _ in range(30):
            a = np.array([[rng.uniform(-2, 2) for _ in range(2)] for _ in range(2)])
            cov = a @ a.T + np.eye(2) * rng.choice([1e-3, 0.1, 1.0])

            for bits in ((), DISCRETE):   # the discrete variables constant, or independent uniform bits
                def h(vs, cov=cov, bits=bits):
                    return _h(list(CONTINUOUS), cov, [d for d in DISCRETE if d not in bits], vs, bits)

                assert _value(lhs, h) - _value(rhs, h) >= -1e-9
