"""The proof-level verify status is honest: ``tested`` only when every step was tested on some model; a proof
with a step that no model could evaluate is ``partly tested`` (text: "k of n steps tested"), never ``tested``."""

from __future__ import annotations

from pathlib import Path

from derive.cli import main
from derive.io import read_proof
from derive.numeric.verify import PARTLY_TESTED, SKIPPED, TESTED, verify_proof

PARTLY = '''
[proof]
name = "partly"

[variables]
random = ["X", "Y"]

[[hypothesis]]
id = "huge"
assume = "H(X) >= 100"

[[step]]
id = "plain"
claim = "I(X; Y) <= H(X)"
rule = "shannon"

[[step]]
id = "from_huge"
claim = "H(X) >= 50"
rule = "linear"
uses = ["huge"]
'''


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partly.toml"
    path.write_text(text)
    return path


def test_a_step_no_model_reaches_makes_the_proof_partly_tested(tmp_path):
    report = verify_proof(read_proof(_write(tmp_path, PARTLY)), samples=30)
    assert report.get("plain").status == TESTED
    assert report.get("from_huge").status == SKIPPED  # H(X) >= 100 bits holds on no model drawn
    assert report.status == PARTLY_TESTED


def test_every_step_tested_is_tested(tmp_path):
    text = PARTLY.split("[[step]]\nid = \"from_huge\"")[0]
    report = verify_proof(read_proof(_write(tmp_path, text)), samples=30)
    assert report.status == TESTED


def test_cli_headline_says_how_many_steps_were_tested(tmp_path, capsys):
    code = main(["verify", str(_write(tmp_path, PARTLY)), "--samples", "30"])
    out = capsys.readouterr().out
    assert code == 0
    assert "partly tested (1 of 2 steps tested" in out.splitlines()[0]
