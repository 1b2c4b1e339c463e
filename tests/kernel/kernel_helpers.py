"""Small builders for kernel tests: one step checked against given hypotheses and premises."""

from __future__ import annotations

import sympy

from derive.provers.certificate_search import search_oracle
from derive.core import (RV, Channel, ChannelSpec, Domain, Family, Independent, Markov, MutuallyIndependent,
                         RVSet, Statement, index_symbol)
from derive.kernel import check_proof
from derive.proof import Proof

HALF = sympy.Rational(1, 2)


def domain(lo=None, hi=None, *, lo_open=False, hi_open=False, integer=False) -> Domain:
    return Domain(sympy.S.NegativeInfinity if lo is None else sympy.Rational(lo),
                  sympy.S.Infinity if hi is None else sympy.Rational(hi),
                  True if lo is None else lo_open, True if hi is None else hi_open, integer)


def new_proof(variables="U X Y Z", params=None, families=None) -> tuple[Proof, dict]:
    """A proof with the given variables (space-separated names), parameters {name: Domain}, families {name: (lo, hi)}."""
    p = Proof("test")
    env: dict = {}
    for name in variables.split():
        env[name] = p.random(name)
    for name, dom in (params or {}).items():
        env[name] = p.parameter(name, dom)
    for name, (lo, hi) in (families or {}).items():
        lo = env.get(lo, lo) if isinstance(lo, str) else lo
        hi = env.get(hi, hi) if isinstance(hi, str) else hi
        p.family(name, lo, hi)
        env[name] = Family(name, lo, hi)
    return p, env


def markov(*links) -> Markov:
    return Markov(tuple(RVSet(link) for link in links))


def channel(out, inp, name, *params) -> Channel:
    return Channel(RVSet(out), RVSet(inp), ChannelSpec(name, tuple(sympy.sympify(x) for x in params)))


def matrix_channel(out, inp, rows) -> Channel:
    rows = tuple(tuple(sympy.Rational(v) for v in r) for r in rows)
    return Channel(RVSet(out), RVSet(inp), ChannelSpec("matrix", (), rows))


def check_one(proof: Proof, claim: Statement, rule: str, uses=(), args=None, premises=()):
    """Add premise steps (accepted via `linear` from `assume`-free facts is not needed: we use hypotheses) and
    the step under test; return its StepResult."""
    for sid, st, r, u in premises:
        proof.step(sid, st, r, uses=u)
    proof.step("under_test", claim, rule, uses=uses, args=args or {})
    report = check_proof(proof, oracle=search_oracle)
    return next(s for s in report.steps if s.id == "under_test"), report


__all__ = ["HALF", "domain", "new_proof", "markov", "channel", "matrix_channel", "check_one", "RV", "RVSet",
           "Statement", "Independent", "MutuallyIndependent", "index_symbol", "sympy"]
