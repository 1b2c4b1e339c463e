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



UNRELATED = """
[proof]
name = "red_compose_theorem"
[variables]
random = ["X", "Y", "Z"]
[[hypothesis]]
id = "mc"
markov = "X -> Y -> Z"
[[step]]
id = "a"
claim = "I(X; Z) <= I(X; Y)"
rule = "dpi"
uses = ["mc"]
[theorem]
claim = "I(X; Z) <= I(Y; Z) - 1"
from = ["a"]
"""


def test_compose_exits_1_when_the_theorem_itself_fails(tmp_path, capsys):
    """Session 23: the steps compose to a proved bound, but the file's theorem is false (X = Y = Z a uniform bit:
    1 <= 0); `derive compose` printed "[failed]" and exited 0, which a script reads as success. `derive check`
    exits 1 on the same file; so does compose now, and it says why."""
    path = tmp_path / "red.toml"
    path.write_text(UNRELATED)
    assert main(["check", str(path)]) == 1
    capsys.readouterr()
    code = main(["compose", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "composed bound: I(X; Z) <= I(X; Y)" in out and "status: proved" in out
    assert "I(X; Z) <= I(Y; Z) - 1 [failed]" in out and "not proved" in out
    assert main(["compose", "--json", str(path)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["status"] == "proved" and payload["theorem_status"] == "failed"


def test_the_text_output_does_not_call_an_unproved_bound_kernel_checked(tmp_path, capsys):
    """It printed "status: unchecked (kernel-checked from s1)": the status is the kernel's verdict, which here is
    that the bound is not proved."""
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    code = main(["compose", str(path)])
    status_line = next(line for line in capsys.readouterr().out.splitlines() if "status:" in line)
    assert "kernel-checked" not in status_line and "proved" not in status_line.split("(")[0]
    assert "composed from s1" in status_line and code == 1
