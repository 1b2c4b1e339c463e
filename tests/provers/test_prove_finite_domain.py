"""``derive prove`` over a finite domain (``--param "n = integer, 2 <= n <= 4"``): when the kernel proves the claim
for no symbolic ``n`` but the finite prover proves it at every value of the domain, the claim is ``proved``, value by
value (a kernel-checked certificate per value, printed); a domain with a value left out (too many values, a value
where a named variable does not exist, an undecided value) stays ``unknown``, a value where it fails makes it
``false``.

Session 27 found ``... --param "n = integer, 2 <= n <= 2"`` answering ``unknown`` although its only value was proved.
Oracle outside derive: the claim at each value on random exact models of the hypotheses, built here (samples
independent given ``P``) and evaluated with ``support.joint`` at 60 digits.
"""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction

import pytest

from derive.commands.prove_family import MAX_INSTANCES, finite_values
from derive.io.grammar import parse_domain
from support.cli import run
from support.joint import conditionally_independent, mutual_information

CLAIM = "I(M; X[1..n] | P) >= I(M; X[1] | P) + I(M; X[n] | P)"
GIVEN = "mutually_independent: X[1..n] | P"


def _model(n: int, rng: random.Random) -> dict:
    """A random exact joint law of (P, X_1..X_n, M), binary: X_i independent given P, M depending on everything."""
    def weights(k):
        w = [Fraction(rng.randint(1, 9)) for _ in range(k)]
        return [x / sum(w) for x in w]

    p_law = weights(2)
    x_laws = [[weights(2) for _ in range(2)] for _ in range(n)]          # x_laws[i][p] = law of X_i given P = p
    m_laws = {key: weights(2) for key in itertools.product(range(2), repeat=n + 1)}
    names = ["P", *(f"X_{i}" for i in range(1, n + 1)), "M"]
    sizes = [2] * (n + 2)

    def table(prefix):
        if len(prefix) == n + 2:
            p, xs, m = prefix[0], prefix[1:-1], prefix[-1]
            prob = p_law[p] * m_laws[(p, *xs)][m]
            for i, x in enumerate(xs):
                prob *= x_laws[i][p][x]
            return str(prob)
        return [table(prefix + (v,)) for v in range(2)]

    return {"names": names, "alphabet_sizes": sizes, "table": table(())}


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_oracle_agrees_at_each_value(n):
    """The claim holds at n = 2..4 on exact models of the hypotheses (and the models satisfy them)."""
    rng = random.Random(n)
    for _ in range(5):
        joint = _model(n, rng)
        xs = [f"X_{i}" for i in range(1, n + 1)]
        for i in range(n):
            assert conditionally_independent(joint, [xs[i]], xs[:i] + xs[i + 1:], ["P"])
        slack = (mutual_information(joint, ["M"], xs, ["P"]) - mutual_information(joint, ["M"], [xs[0]], ["P"])
                 - mutual_information(joint, ["M"], [xs[-1]], ["P"]))
        assert slack >= -1e-40


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_a_claim_proved_at_every_value_of_a_finite_domain_is_proved_value_by_value(capsys):
    code, out, _ = run(["prove", CLAIM, "--given", GIVEN, "--param", "n = integer, 2 <= n <= 4", "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "proved" and res["by_value"] is True, out
    assert [(i["values"], i["status"]) for i in res["instances"]] == [({"n": k}, "proved") for k in (2, 3, 4)]
    assert res["counterexample"] is None
    code, out, _ = run(["prove", CLAIM, "--given", GIVEN, "--param", "n = integer, 2 <= n <= 4"], capsys)
    assert code == 0 and out.startswith(f"proved for every value of n (integer, 2 <= n <= 4): {CLAIM}"), out
    assert "value by value: n = 2: proved; n = 3: proved; n = 4: proved" in out
    assert "at n = 4:" in out and "because" in out       # each value's certificate is printed
    assert "the proof file" not in out                   # no proof file covers every value


def test_the_symbolic_member_case_of_session_27(capsys):
    code, out, _ = run(["prove", "I(X[1]; X[2]) == 0", "--given", "X[1] _|_ X[n]",
                        "--param", "n = integer, 2 <= n <= 2"], capsys)
    assert code == 0 and out.startswith("proved for every value of n (integer, 2 <= n <= 2)"), out


@pytest.mark.slow
def test_a_value_where_the_claim_fails_makes_it_false(capsys):
    """At n = 1, X[1] = X[n]: I(M; X[1] | P) >= 2 I(M; X[1] | P) fails."""
    code, out, _ = run(["prove", CLAIM, "--given", GIVEN, "--param", "n = integer, 1 <= n <= 3", "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false" and res["counterexample"]["at"] == {"n": 1}, out
    assert "by_value" not in res


@pytest.mark.slow
@pytest.mark.parametrize("domain, why", [
    ("integer, 2 <= n <= 12", "more values than the finite prover decides"),
    ("integer >= 2", "an infinite domain"),
])
def test_a_domain_not_covered_value_by_value_stays_unknown(domain, why, capsys):
    code, out, _ = run(["prove", CLAIM, "--given", GIVEN, "--param", f"n = {domain}", "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "unknown" and "by_value" not in res, why
    assert all(i["status"] == "proved" for i in res["instances"])   # true where tried: never false


@pytest.mark.slow
def test_a_value_where_a_named_variable_does_not_exist_leaves_it_unknown(capsys):
    """At n = 2, X[3] does not exist: that value is skipped, so not every value is proved."""
    code, out, _ = run(["prove", "I(M; X[1..n]) >= I(M; X[3])", "--param", "n = integer, 2 <= n <= 3", "--json"],
                       capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "unknown", out
    assert [i["status"] for i in res["instances"]] == ["skipped", "proved"]


@pytest.mark.slow
def test_latex_prints_each_values_certificate(capsys):
    code, out, _ = run(["prove", CLAIM, "--given", GIVEN, "--param", "n = integer, 2 <= n <= 3", "--latex"], capsys)
    assert code == 0 and out.startswith("% proved for every value of n"), out
    assert "% at n = 2:" in out and "% at n = 3:" in out and "\\begin{align" in out


@pytest.mark.slow
def test_python_api():
    from derive import api

    v = api.prove(CLAIM, GIVEN, params={"n": "integer, 2 <= n <= 3"})
    assert v.status == "proved" and v.by_value and "value by value" in v.text()


def test_finite_values():
    assert finite_values(parse_domain("integer, 2 <= n <= 4")) == [2, 3, 4]
    assert finite_values(parse_domain("integer, 1/2 < n < 7/2")) == [1, 2, 3]
    assert finite_values(parse_domain("1/4 <= p <= 1/4")) == [Fraction(1, 4)]
    assert finite_values(parse_domain("integer >= 1")) is None
    assert finite_values(parse_domain("0 <= p <= 1")) is None
    assert finite_values(parse_domain("integer, 1 <= n <= 13")) is None     # more than VALUES_PER_PARAMETER
    assert len(finite_values(parse_domain("integer, 1 <= n <= 12"))) > MAX_INSTANCES
