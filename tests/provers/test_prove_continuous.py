"""``derive prove --continuous``: claims about real-valued variables (session 20: `prove` had no way to say a variable
is continuous, so it decided every claim for discrete variables, where ``I(X; Y) <= H(X)`` holds).

Accept: balanced Shannon-type inequalities (true for densities too) are proved by the kernel. Reject: discrete
habits are never ``proved``; when every variable is continuous they are ``false`` with a jointly Gaussian
counterexample, re-evaluated here with numpy (``tests/support/gaussian.py``); with a discrete variable among them
they stay ``unknown`` (the discrete finite prover and drawn models are not used).
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pytest

from support.cli import run
from support.gaussian import entropy_bits

ALL = ["--given", "X -> Y -> Z", "--continuous", "X, Y", "--continuous", "Z"]

TRUE = ["H(X | Y) <= H(X)", "I(X; Z) <= I(X; Y)", "H(X, Y) + H(Y, Z) >= H(X, Y, Z) + H(Y)", "I(X; Y | Z) >= 0",
        "H(X | Y, Z) == H(X | Y)"]
#: True for discrete variables, false for continuous ones; each with its slack (larger side minus smaller) in numpy.
DISCRETE_HABITS = {
    "H(X) >= 0": lambda h: h("X"),
    "I(X; Y) <= H(X)": lambda h: h("X") - (h("X") + h("Y") - h("XY")),
    "H(X, Y) >= H(X)": lambda h: h("XY") - h("X"),
    "H(Y | X) >= 0": lambda h: h("XY") - h("X"),
}


def _oracle(message: str):
    m = re.search(r"covariance of \(([^)]*)\) = (\[\[.*?\]\])", message)
    names = [n.strip() for n in m.group(1).split(",")]
    exact = [[Fraction(x.strip()) for x in r.split(",")] for r in re.findall(r"\[([^\[\]]*)\]", m.group(2))]
    cov = np.array([[float(x) for x in r] for r in exact])
    x, y, z = (names.index(v) for v in "XYZ")
    assert exact[x][z] * exact[y][y] == exact[x][y] * exact[y][z]  # the model keeps X -> Y -> Z
    return lambda vs: entropy_bits(cov, [names.index(v) for v in vs])


@pytest.mark.parametrize("claim", TRUE)
def test_balanced_inequalities_are_proved_for_continuous_variables(claim, capsys):
    code, out, _ = run(["prove", claim, *ALL], capsys)
    assert code == 0 and out.startswith("proved:"), out


@pytest.mark.parametrize("claim", sorted(DISCRETE_HABITS))
def test_discrete_habits_are_false_with_a_gaussian_counterexample(claim, capsys):
    code, out, _ = run(["prove", claim, *ALL, "--json"], capsys)
    v = json.loads(out)
    assert code == 1 and v["status"] == "false"
    msg = v["counterexample"]["refuted"]
    assert "jointly Gaussian" in msg and "certified with interval arithmetic" in msg
    assert DISCRETE_HABITS[claim](_oracle(msg)) < 0  # numpy sees the violation too
    code, out, _ = run(["prove", claim, "--given", "X -> Y -> Z"], capsys)  # without --continuous: discrete, true
    assert code == 0 and out.startswith("proved:")


def test_a_discrete_variable_among_them_is_refuted_on_a_mixed_model_never_proved(capsys):
    """Y discrete, X continuous: ``I(X; Y) <= H(X)`` is false (a constant Y and a narrow Gaussian X: 0 > h(X)). Until
    session 23 this was ``unknown`` (the Gaussian models needed every variable continuous); the mixed model (Y a
    constant) refutes it, and numpy sees the violation: I(X; Y) = 0, h(X) from the printed variance."""
    code, out, _ = run(["prove", "I(X; Y) <= H(X)", "--continuous", "X"], capsys)
    assert code == 1 and out.startswith("false:")
    assert re.search(r"Y (constant|a uniform bit) \(independent of the rest\)", out)
    assert "certified with interval arithmetic" in out
    variance = float(Fraction(re.search(r"covariance of \(X\) = \[\[([^\]]+)\]\]", out).group(1)))
    assert entropy_bits(np.array([[variance]]), [0]) < 0
    code, out, _ = run(["prove", "H(Y) >= 0", "--given", "X -> Y -> Z", "--continuous", "X"], capsys)
    assert code == 0 and out.startswith("proved:")  # Y is discrete: H(Y) >= 0 holds


def test_file_mode_declares_per_claim_and_unused_names_are_refused(tmp_path, capsys):
    f = tmp_path / "claims.txt"
    f.write_text("H(X) >= 0\nI(X; Y) >= 0\nH(W) >= 0\n")
    code, out, _ = run(["prove", "--file", f, "--continuous", "X, Y"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in rows] == ["false", "proved", "proved"] and code == 1
    code, _, err = run(["prove", "H(Y) >= 0", "--continuous", "Q"], capsys)
    assert code == 2 and "--continuous names Q" in err


def test_python_api_takes_continuous():
    from derive import prove, variables

    X, Y = variables("X Y")
    assert prove("I(X; Y) <= H(X)", continuous="X Y").status == "false"
    assert prove("I(X; Y) <= H(X)").status == "proved"
    assert prove("I(X; Z) <= I(X; Y)", "X -> Y -> Z", continuous=[X, Y, "Z"]).status == "proved"
    from derive.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="continuous names Q"):
        prove("I(X; Y) >= 0", continuous="Q")


def test_a_refused_hypothesis_is_named_as_written_not_by_the_generated_file(capsys):
    """The door's refusal of a hypothesis said 'CLAIM:11: hypothesis 'given1'' (a line and an id of the proof file
    derive wrote, which the user never saw); it names the --given as typed."""
    code, _, err = run(["prove", "H(Y | X) == 0", "--given", "Y = f(X)", "--continuous", "X, Y"], capsys)
    assert code == 2
    assert err.startswith("derive: --given #1 (Y = f(X)): `function_of` with the continuous Y")
    assert "given1" not in err and "CLAIM:" not in err
    code, _, err = run(["prove", "I(X; Y) >= 0", "--given", "channel: Y | X ~ AWGN(0)"], capsys)
    assert code == 2 and err.startswith("derive: --given #1 (channel: Y | X ~ AWGN(0)): AWGN(0) declares its input")


def test_a_channel_parameter_out_of_range_names_the_given_as_typed(capsys):
    """Session 29: a number outside a channel's range is refused where the channel is written; a symbolic snr whose
    domain allows 0 is still refused by the kernel's door (it needs the domains)."""
    code, _, err = run(["prove", "I(X; Y) >= 0", "--given", "X -> Y -> Z", "--given", "channel: Y | X ~ BSC(3)"],
                       capsys)
    assert code == 2 and err.startswith("derive: --given #2 (channel: Y | X ~ BSC(3)): BSC(3): the crossover "
                                        "probability must be in [0, 1] but is 3"), err
    assert "CLAIM" not in err and "given2" not in err
    code, _, err = run(["prove", "I(X; Y) >= 0", "--given", "channel: Y | X ~ AWGN(s)", "--param", "s = 0 <= s <= 1"],
                       capsys)
    assert code == 2 and err.startswith("derive: --given #1 (channel: Y | X ~ AWGN(s)): AWGN(s) declares its input"), err
