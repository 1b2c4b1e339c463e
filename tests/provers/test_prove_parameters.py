"""``derive prove`` on claims with real parameters (``--param "p = 0 <= p <= 1"``) and about distributions (``D``,
``TV``).

Oracles that do not share the kernel's reasoning: a ``proved for every value`` is never ``false`` at a rational value
of the domain by the finite prover (an LP over concrete variables with its own counterexample search); a ``false``
verdict's instance is false when read afresh, and its slack is evaluated with mpmath; the printed proof file is
proved again by ``derive check`` (a second reading of the text).
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.cli import run

import derive
from derive.commands.prove_family import VALUES_PER_PARAMETER, candidate_values
from derive.core.parameters import Domain


def _json(args, capsys):
    code, out, err = run(["prove", *args, "--json"], capsys)
    assert "Traceback" not in err
    return code, (json.loads(out) if out else None), err


def _recheck(proof_file: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "again.toml"
    path.write_text(proof_file)
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 0 and "proved" in out


def test_a_parameter_claim_is_proved_for_every_value_and_the_file_proves_it_again(capsys, tmp_path):
    code, res, _ = _json(["h(p) <= 1", "--param", "p = 0 <= p <= 1"], capsys)
    assert code == 0 and res["status"] == "proved" and res["for_every"] == {"p": "0 <= p <= 1"}
    assert res["assumed"] is False
    _recheck(res["proof_file"], tmp_path, capsys)


def test_a_false_parameter_claim_names_the_value_and_the_value_is_a_counterexample(capsys):
    code, res, _ = _json(["h(p) <= 1/2", "--param", "p = 0 <= p <= 1"], capsys)
    assert code == 1 and res["status"] == "false"
    at = sympy.Rational(res["counterexample"]["at"]["p"])
    assert Domain(sympy.Integer(0), sympy.Integer(1), False, False).contains(at)
    x = mpmath.mpf(at.p) / at.q                        # independent evaluation of the slack there: 1/2 - h(p) < 0
    h = -(x * mpmath.log(x, 2) + (1 - x) * mpmath.log(1 - x, 2)) if 0 < x < 1 else mpmath.mpf(0)
    assert mpmath.mpf(1) / 2 - h < 0


def test_markov_with_a_coefficient_parameter(capsys):
    claim = "I(X; Z) <= c*I(X; Y)"
    code, res, _ = _json([claim, "--given", "X -> Y -> Z", "--param", "c = c >= 1"], capsys)
    assert code == 0 and res["status"] == "proved"
    code, res, _ = _json([claim, "--given", "X -> Y -> Z", "--param", "c = 0 <= c <= 1"], capsys)
    assert code == 1 and res["status"] == "false"
    c = sympy.Rational(res["counterexample"]["at"]["c"])
    assert c < 1                                            # at c = 1 it is data processing, true
    again = derive.prove(res["counterexample"]["claim"], "X -> Y -> Z")
    assert again.status == "false"


def test_sdpi_through_a_declared_channel_rests_on_the_cited_coefficient(capsys):
    given = ["--given", "channel: Y | X ~ BSC(p)", "--given", "U -> X -> Y", "--param", "p = 0 <= p <= 1/2"]
    code, res, _ = _json(["I(U; Y) <= (1 - 2*p)^2 * I(U; X)", *given], capsys)
    assert code == 0 and res["status"] == "proved" and res["assumed"] is True
    assert any("Polyanskiy" in t for t in res["trusted"])
    code, out, _ = run(["prove", "I(U; Y) <= (1 - 2*p)^2 * I(U; X)", *given], capsys)
    assert out.startswith("proved for every value of p (0 <= p <= 1/2), assuming the cited facts it rests on")


def test_a_coefficient_below_the_contraction_is_never_called_false_under_a_channel(capsys):
    """The finite prover's models need not be the channel's law, so no value refutes a claim under `channel`."""
    code, res, _ = _json(["I(U; Y) <= (1 - 2*p)^4 * I(U; X)", "--given", "channel: Y | X ~ BSC(p)",
                          "--given", "U -> X -> Y", "--param", "p = 0 <= p <= 1/2"], capsys)
    assert code == 1 and res["status"] == "unknown" and res["counterexample"] is None
    assert "channel" in res["note"]


@pytest.mark.parametrize("claim, kernel", [
    ("TV(P, Q) <= sqrt(D(P || Q)/2)", "Pinsker's inequality"), ("D(P || Q) >= 2*TV(P, Q)^2", "Pinsker"),
    ("D(P || Q) >= 0", "D(P || Q) >= 0")])
def test_claims_about_distributions_are_proved_by_the_kernels_rules(claim, kernel, capsys, tmp_path):
    code, res, _ = _json([claim], capsys)
    assert code == 0 and res["status"] == "proved" and kernel in res["kernel"]
    _recheck(res["proof_file"], tmp_path, capsys)


@pytest.mark.parametrize("claim", ["TV(P, Q) <= sqrt(D(P || Q)/4)", "TV(P, Q) <= D(P || Q)", "D(P || Q) <= 1"])
def test_unproved_claims_about_distributions_stay_unsupported_never_false(claim, capsys):
    code, res, _ = _json([claim], capsys)
    assert code == 1 and res["status"] == "unsupported"


def test_prove_file_applies_each_param_to_the_claims_that_use_it(capsys, tmp_path):
    path = tmp_path / "claims.txt"
    path.write_text("h(p) <= 1\nH(X | Y) <= H(X)\nTV(P, Q) <= sqrt(D(P || Q)/2)\nh(p) <= 1/2\n")
    code, out, _ = run(["prove", "--file", str(path), "--param", "p = 0 <= p <= 1"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in rows] == ["proved", "proved", "proved", "false"] and code == 1
    assert rows[0]["for_every"] == {"p": "0 <= p <= 1"} and "for_every" not in rows[1]


def test_python_api_takes_params_for_real_parameters():
    v = derive.prove("h(p) <= 1", params={"p": "0 <= p <= 1"})
    assert v.status == "proved"
    v = derive.prove("I(X; Z) <= c*I(X; Y)", "X -> Y -> Z", params={"c": "1/2 <= c <= 1"})
    assert v.status == "false" and v.counterexample.values["c"] < 1


@pytest.mark.parametrize("args, message", [
    (["h(p) <= 1", "--param", "q = 0 <= q <= 1"], "--param names q, which neither the claim nor"),
    (["h(p) <= 1", "--param", "p = p >= 0"], "h(p) is not defined for every parameter value"),
    (["h(p) <= 1", "--param", "p = 1 <= p <= 0"], "is empty"),
    (["H(X) <= 1", "--param", "X = 0 <= X <= 1"], "'X' is a parameter, not a random variable"),
])
def test_bad_params_are_clear_errors(args, message, capsys):
    code, out, err = run(["prove", *args], capsys)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


_ENDS = st.sampled_from(["0", "1/3", "1/2", "1", "2", "-1"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lo=_ENDS, hi=_ENDS, lo_open=st.booleans(), hi_open=st.booleans(), integer=st.booleans())
def test_candidate_values_lie_in_the_domain(lo, hi, lo_open, hi_open, integer):
    try:
        domain = Domain(sympy.Rational(lo), sympy.Rational(hi), lo_open, hi_open, integer)
    except derive.errors.DeriveError:
        return                                           # an empty domain
    values = candidate_values(domain)
    assert values and len(values) <= VALUES_PER_PARAMETER and len(set(values)) == len(values)
    assert all(domain.contains(v) for v in values)
    if integer:
        assert all(v.is_Integer for v in values)


_TERMS = ["H(X)", "H(Y)", "H(X, Y)", "I(X; Y)", "H(X | Y)", "I(X; Y | Z)", "H(Z)"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(left=st.sampled_from(_TERMS), right=st.lists(st.sampled_from(_TERMS), min_size=1, max_size=2),
       coeff=st.sampled_from(["p", "1 - p", "2*p", "p^2"]), value=st.sampled_from(["1/3", "1/2", "3/4", "1"]))
def test_verdicts_over_a_parameter_agree_with_the_finite_prover_at_a_value(left, right, coeff, value):
    """``proved for every p`` is never refuted at a rational p of the domain by the finite prover; ``false`` comes
    with a value at which the claim, read afresh, is false."""
    claim = f"{left} <= {coeff}*({' + '.join(right)})"
    v = derive.prove(claim, params={"p": "0 <= p <= 1"}, timeout=30)
    at_value = claim.replace("p", f"({value})")
    if v.status == "proved":
        assert derive.prove(at_value, timeout=30).status != "false", (claim, value)
    elif v.status == "false":
        assert derive.prove(v.counterexample.claim, timeout=30).status == "false", claim
