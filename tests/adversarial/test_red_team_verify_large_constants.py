"""Red team: `derive verify` on true steps with a large exact constant (10^400 is within the grammar's limits).

Float screening overflows (10^400 -> inf, inf * 0 -> nan, inf - inf -> nan), so ``10^400*x - 10^400*x^2 >= 0``
on 0 <= x <= 1 and ``10^400*I(X; Y) <= 10^400*I(X; Y, Z)`` are "skipped" on every model ("a side evaluates to
nan"), yet the proof is reported ``tested`` with exit 0. Both steps are exactly evaluable (rational pmfs,
mpmath at 50 digits), so each should be tested on its models (or the proof not be called ``tested``).
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main

PROOF = """
[proof]
name = "red_verify_large"
[parameters]
x = "0 <= x <= 1"
[variables]
random = ["X", "Y", "Z"]
[[step]]
id = "info"
claim = "10^400*I(X; Y) <= 10^400*I(X; Y, Z)"
rule = "shannon"
[[step]]
id = "real"
claim = "10^400*x - 10^400*x^2 >= 0"
rule = "real"
"""


def test_steps_with_a_huge_constant_are_evaluated(tmp_path, capsys):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    code = main(["verify", "--json", "--samples", "10", str(path)])
    out, _ = capsys.readouterr()
    steps = {s["id"]: s for s in json.loads(out)["proofs"][0]["steps"]}
    assert code == 0
    assert steps["info"]["samples"] > 0 and steps["info"]["status"] == "tested"
    assert steps["real"]["samples"] > 0 and steps["real"]["status"] == "tested"
