"""Red team: facts that hold only for discrete variables must not be used for continuous ones.

Independent evidence (closed form): X ~ Uniform[0, 1] and Y = X / 4 give the differential entropy
h(Y) = log2(1/4) = -2 bits < 0, and I(X; Y) = +oo (Y determines X), so for a continuous Y = f(X)
neither ``H(Y | X) == 0`` nor ``H(Y) >= 0`` is true.
"""

from __future__ import annotations

import pytest

from derive.checking import check_file
from derive.errors import InvalidArgument

_HEADER = """
[proof]
name = "red_continuous"
[variables]
random = ["X", "Y"]
continuous = ["X", "Y"]
[[hypothesis]]
id = "f"
function_of = "Y = f(X)"
"""


def _statuses(tmp_path, body: str) -> tuple[str, dict[str, str]]:
    """The kernel refuses the hypothesis at its door (bad input, exit 2): then nothing is proved."""
    path = tmp_path / "red.toml"
    path.write_text(_HEADER + body)
    try:
        checked = check_file(path, vacuity=False)
    except InvalidArgument as err:
        assert "`function_of` with the continuous Y" in err.message and err.line == 8  # the hypothesis's `id` line
        return "refused", {"nonneg": "refused", "zero": "refused"}
    return checked.status, {s.id: s.status for s in checked.report.steps}


def test_differential_entropy_of_a_function_is_not_proved_nonnegative(tmp_path):
    status, steps = _statuses(tmp_path, """
[[step]]
id = "eq"
claim = "I(X; Y) == H(Y)"
rule = "shannon"
uses = ["f"]
[[step]]
id = "nonneg"
claim = "H(Y) >= 0"
rule = "linear"
uses = ["eq"]
[theorem]
claim = "H(Y) >= 0"
from = ["nonneg"]
""")
    assert status != "proved"
    assert steps["nonneg"] != "proved"


def test_conditional_differential_entropy_of_a_function_is_not_zero(tmp_path):
    status, steps = _statuses(tmp_path, """
[[step]]
id = "zero"
claim = "H(Y | X) == 0"
rule = "shannon"
uses = ["f"]
[theorem]
claim = "H(Y | X) == 0"
from = ["zero"]
""")
    assert steps["zero"] != "proved"
    assert status != "proved"


def test_the_cli_refuses_a_continuous_function_value_as_bad_input(tmp_path, capsys):
    from derive.cli import main

    path = tmp_path / "red.toml"
    path.write_text(_HEADER + '[[step]]\nid = "zero"\nclaim = "H(Y | X) == 0"\nrule = "shannon"\nuses = ["f"]\n')
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "red.toml:8" in err and "function_of" in err and "Traceback" not in err


def test_a_discrete_function_of_a_continuous_argument_is_still_accepted(tmp_path):
    """H(Y | X) = 0 holds for a discrete Y whatever X is: only a continuous *value* is refused."""
    path = tmp_path / "ok.toml"
    path.write_text(_HEADER.replace('continuous = ["X", "Y"]', 'continuous = ["X"]')
                    + '[[step]]\nid = "zero"\nclaim = "H(Y | X) == 0"\nrule = "shannon"\nuses = ["f"]\n')
    assert check_file(path, vacuity=False).report.steps[0].status == "proved"
