"""Red team: facts that hold only for discrete variables must not be used for continuous ones.

Independent evidence (closed form): X ~ Uniform[0, 1] and Y = X / 4 give the differential entropy
h(Y) = log2(1/4) = -2 bits < 0, and I(X; Y) = +oo (Y determines X), so for a continuous Y = f(X)
neither ``H(Y | X) == 0`` nor ``H(Y) >= 0`` is true.
"""

from __future__ import annotations

import pytest

from derive.checking import check_file

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
    path = tmp_path / "red.toml"
    path.write_text(_HEADER + body)
    checked = check_file(path, vacuity=False)
    return checked.status, {s.id: s.status for s in checked.report.steps}


@pytest.mark.xfail(strict=True, reason="red team: function_of gives H(Y|X) = 0 for a continuous Y, so H(Y) >= 0 is proved")
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


@pytest.mark.xfail(strict=True, reason="red team: function_of gives H(Y|X) = 0 for a continuous Y (it is -oo)")
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
