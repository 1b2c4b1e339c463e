"""Red team: `derive graph` draws the theorem node "[proved]" in green when it rests on an unproved step.

Same class as the `derive compose` finding (fixed: compose now reports the status of the whole). The file below has
one false step, ``I(X; Y) <= 0`` (unchecked; X = Y a uniform bit gives 1 bit), and a theorem composed from it.
``derive graph --json`` gives the proof status ``unchecked`` but the theorem node ``"status": "proved"``, drawn green
with the label "[proved]" and no "depends on unproved" note (steps get that note; the theorem does not), so the
picture shows a proved theorem that the kernel did not prove.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main

PROOF = """
[proof]
name = "red_graph"
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


def test_graph_does_not_show_a_theorem_on_an_unproved_step_as_proved(tmp_path, capsys):
    path = tmp_path / "red.toml"
    path.write_text(PROOF)
    main(["graph", "--json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert out["status"] != "proved"
    theorem = next(n for n in out["nodes"] if n["id"] == "theorem")
    theorem_line = next(line for line in out["dot"].splitlines() if line.strip().startswith('"theorem" ['))
    assert theorem["status"] != "proved" or "depends on unproved" in theorem_line
