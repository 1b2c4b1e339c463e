"""The exact refuters build models in which distinct variables are distinct: a member with a symbolic index
(``X[n]``, ``X[2*n - 2]``) in a hypothesis may *be* a member the claim names (``X[2]`` at ``n = 2``).

Session 27 found ``derive check`` calling a true step ``failed``: with ``n`` fixed to 2 by its domain, the hypothesis
``X[1] _|_ X[n]`` says ``X[1] _|_ X[2]``, so ``I(X[1]; X[2]) == 0`` holds; the refuter read ``X[n]`` as a variable of
its own and printed "X[1] = b1, X[2] = b1, X[n] = constant" as a counterexample. A refutation now substitutes an
admissible value of every parameter the claim, the hypotheses it uses and its premises name, and is tried only
where no symbolic index is left.
"""

from __future__ import annotations

import pytest

from support.cli import run

TEMPLATE = """
[proof]
name = "symbolic member"
[parameters]
n = "{domain}"
[variables]
families = {{ X = "1..n" }}
random = ["Y"]
[[hypothesis]]
id = "h"
independent = "{hypothesis}"
[[step]]
id = "claim"
claim = "{claim}"
rule = "shannon"
uses = ["h"]
"""


@pytest.mark.slow
@pytest.mark.parametrize("domain, hypothesis, claim", [
    ("integer, 2 <= n <= 2", "X[1] _|_ X[n]", "I(X[1]; X[2]) == 0"),
    ("integer, 2 <= n <= 2", "X[1] _|_ X[2*n - 2]", "I(X[1]; X[2]) == 0"),
    ("integer, 3 <= n <= 3", "X[n] _|_ Y", "I(X[3]; Y) <= 0"),
])
def test_a_step_true_at_every_admissible_value_is_never_failed(tmp_path, capsys, domain, hypothesis, claim):
    path = tmp_path / "p.toml"
    path.write_text(TEMPLATE.format(domain=domain, hypothesis=hypothesis, claim=claim))
    code, out, _ = run(["check", str(path)], capsys)
    assert "FAILED" not in out and "false on a model" not in out, out


def test_a_step_false_at_some_admissible_value_is_refuted_there(tmp_path, capsys):
    """n >= 2: at n = 2 the step holds, at n = 3 (X[1] _|_ X[3] says nothing about X[2]) it does not; the
    refutation names the least value that refutes it (the simplest values are tried before random ones)."""
    path = tmp_path / "p.toml"
    path.write_text(TEMPLATE.format(domain="integer >= 2", hypothesis="X[1] _|_ X[n]", claim="I(X[1]; X[2]) == 0"))
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 1 and "FAILED" in out, out
    assert "at n = 3 (in its domain)" in out, out
    assert "X[n]" not in out.split("false on a model", 1)[1], out  # the model names members, not X[n]


def test_prove_in_python_never_refutes_on_members_that_may_coincide(monkeypatch):
    """The same class through the API: the hypothesis names ``X[n]``, the claim ``X[2]``, and ``n`` is 2."""
    from derive import api

    for session in ("_PARAMETERS", "_FAMILIES"):  # the notebook session's names: keep other tests' session clean
        monkeypatch.setattr(api, session, dict(getattr(api, session)))
    n = api.parameter("n_fixed_two", "integer, 2 <= n_fixed_two <= 2")
    x = api.family("X", 1, n)
    result = api.prove(api.I(x[1], x[2]) <= 0, api.Independent(x[1], x[n]))
    assert result.status != "false", result


def test_variables_apart():
    import sympy

    from derive.core.variables import FamilyMember, FamilyRange
    from derive.provers.refute import variables_apart

    n = sympy.Symbol("n", integer=True, positive=True)
    k = sympy.Symbol("k", integer=True)
    X = lambda i: FamilyMember("X", i)  # noqa: E731
    assert variables_apart([X(1), X(2), FamilyMember("Y", 1)])
    assert variables_apart([X(n), X(n + 1), X(n + 3)])
    assert not variables_apart([X(1), X(n)])  # X[n] is X[1] at n = 1
    assert not variables_apart([X(n), X(2 * n - 2)])  # the same member at n = 2
    assert variables_apart([FamilyRange("X", 1, n)])  # alone and non-empty
    assert not variables_apart([FamilyRange("X", 1, k)])  # may be empty (k <= 0): a constant, not a variable
    assert not variables_apart([FamilyRange("X", 1, n), X(n + 1)])  # a block next to a member of its family


def test_admissible_points_try_the_simplest_values_first():
    import sympy

    from derive.io.grammar import parse_domain
    from derive.provers.refute_steps import PARAMETER_POINTS, SIMPLE_POINTS, admissible_points

    n, p = sympy.Symbol("n"), sympy.Symbol("p")
    domains = {n: parse_domain("integer >= 2"), p: parse_domain("0 <= p <= 1/2")}
    points = admissible_points(domains, seed=0)
    assert points[:SIMPLE_POINTS] == [{n: 2, p: 0}, {n: 2, p: sympy.Rational(1, 2)}, {n: 3, p: 0}]
    assert len(points) == PARAMETER_POINTS and all(d.contains(pt[s]) for pt in points for s, d in domains.items())
    assert len({tuple(sorted(pt.items(), key=str)) for pt in points}) == len(points)  # distinct
