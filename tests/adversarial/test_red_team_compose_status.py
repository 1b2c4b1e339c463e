"""Red team: `derive compose` reports the composition step's status, not the status of what it rests on.

The file below has one false step, ``I(X; Y) <= 0`` (rule ``shannon``; the kernel leaves it unchecked, and it is
false: X = Y a uniform bit gives I(X; Y) = 1 bit), and a theorem from it. ``derive check`` says ``unchecked``,
exit 1. ``derive compose`` prints "composed bound: I(X; Y) <= 0 / status: proved (kernel-checked from s1)" and
"theorem claims: I(X; Y) <= 1 [proved]", exit 0: the status is the theorem step's own (a valid combination of
its premises), although the premise it is composed from is not proved. A false bound called proved.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main

PROOF = """
[proof]
name = "red_compose"
[variables]
random = ["X", "Y"]
[[step]]
id = "s1"
claim = "I(X; Y) <= 0"
rule = "shannon"
[theorem]
claim = "I(X; Y) <= 1"
from = ["s1"]
"""


def test_compose_does_not_call_a_bound_from_an_unproved_step_proved(tmp_path, capsys):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    code = main(["compose", "--json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert out["bound"] == "I(X; Y) <= 0"
    assert out["status"] != "proved"
    assert out["theorem_status"] != "proved"
    assert code != 0

