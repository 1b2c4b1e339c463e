"""The provers keep which variables are continuous (session 24).

Found: ``H(Y) >= -1`` from ``assume: H(Y | X) >= 0`` with Y continuous — true: H(Y) = H(Y | X) + I(X; Y) >= 0 — was
``unknown``, while ``H(Y) >= a`` from ``H(Y | X) >= a`` was proved. The Shannon prover received ``dict(domains)``
(or ``domains or {}``, which replaces an empty ``Domains`` by ``{}``), which drops the continuous variables: its LP
then used ``H(Y | X) >= 0`` of the continuous Y, the kernel refused that certificate, and the combination oracle
stopped at the refused candidate instead of searching on (with ``I(X; Y) >= 0``). The kernel never accepted the
wrong certificate; the fix is in the untrusted layer: the provers pass ``Domains`` on (``as_domains``), and a
candidate the kernel would refuse no longer ends the search.
"""

from __future__ import annotations

import json

import pytest

from derive import api
from derive.core.parameters import Domains
from derive.provers.shannon import find_shannon_certificate
from support.cli import run


@pytest.mark.parametrize("claim, given, params", [
    ("H(Y) >= -1", ["assume: H(Y | X) >= 0"], []),
    ("H(Y) >= a - 1", ["assume: H(Y | X) >= a"], ["a in [0, 1]"]),
    ("H(Y) + 2 >= H(Y | X)", [], []),                                # I(X; Y) >= 0, and a constant
    ("H(X | Y) >= -1/2", [], []),                                    # X discrete: H(X | Y) >= 0
])
def test_true_continuous_claims_with_constants_are_proved(claim, given, params, capsys):
    args = ["prove", claim, "--continuous", "Y", "--json"]
    for g in given:
        args += ["--given", g]
    for p in params:
        args += ["--param", p]
    code, out, _ = run(args, capsys)
    assert json.loads(out)["status"] == "proved" and code == 0, out


@pytest.mark.parametrize("claim", ["H(Y) >= -1", "H(Y | X) >= -3", "H(X, Y) >= H(X) - 1"])
def test_false_ones_stay_false(claim):
    """Without the premise, a narrow Y has h(Y) below any constant: refuted, never proved."""
    assert api.prove(claim, continuous="Y").status == "false"


def test_the_shannon_prover_never_proves_a_continuous_entropy_nonnegative():
    """The root: given a ``Domains`` naming Y continuous (and no parameter, so the mapping is empty), the prover
    proved H(Y) >= 0 with its discrete elementals; session 24 made it meet the kernel's refusal, and session 25 its
    LP has no ``H(A | C) >= 0`` of a continuous A at all: the LP is infeasible, ``not_shannon``."""
    st = api.as_statement(api.parse("H(Y) >= 0"))
    assert find_shannon_certificate(st, {}, domains=Domains({}, frozenset({"Y"}))).status == "not_shannon"
    assert find_shannon_certificate(st, {}, domains=Domains({}, frozenset())).status == "proved"   # Y discrete


@pytest.mark.parametrize("claim, continuous, expected", [
    ("H(X, Y) >= H(X)", {"Y"}, "not_shannon"),          # h(Y | X) may be negative
    ("H(X, Y) >= H(X)", {"X"}, "proved"),               # H(Y | X) >= 0 for a discrete Y, whatever X is
    ("H(X | Y) <= H(X)", {"X", "Y"}, "proved"),         # I(X; Y) >= 0 holds for real-valued variables too
    ("H(X) + H(Y) >= H(X, Y)", {"X", "Y"}, "proved"),
    ("H(X, Y, Z) >= H(X, Z)", {"Y"}, "not_shannon"),
    ("I(X; Y | Z) <= H(X | Z)", {"X"}, "not_shannon"),  # I(X; Y | Z) <= h(X | Z) fails for a narrow X
    ("I(X; Y | Z) <= H(X | Z)", {"Y", "Z"}, "proved"),  # H(X | Y, Z) >= 0 for a discrete X
])
def test_the_lp_uses_only_elementals_valid_for_real_valued_variables(claim, continuous, expected):
    """Each ``H(A | C) >= 0`` with a continuous variable in A is left out; every ``I(A; B | C) >= 0`` stays; what the
    LP proves the kernel accepts (no CertificateError), and ``not_shannon`` only where a real-valued law breaks the
    claim (a narrow uniform in the continuous variable: h = log of its width, as negative as one likes)."""
    st = api.as_statement(api.parse(claim))
    res = find_shannon_certificate(st, {}, domains=Domains({}, frozenset(continuous)))
    assert res.status == expected, res.message
    if expected == "not_shannon":
        assert api.prove(claim, continuous=", ".join(sorted(continuous))).status == "false"
