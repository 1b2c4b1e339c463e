"""``derive verify --max-cells / --max-alphabet``: the drawn-model caps are flags, validated, and reach the factory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.cli import main
from derive.commands.verify import DEFAULT_MAX_CELLS, MAX_CELLS_LIMIT
from derive.numeric.distributions import MAX_TABLE_SIZE
from derive.numeric.models import MAX_CELLS

PROOF = Path(__file__).resolve().parents[2] / "proofs" / "dpi_markov_chain.toml"


def test_parser_default_matches_the_factory_default():
    assert DEFAULT_MAX_CELLS == MAX_CELLS
    assert MAX_CELLS_LIMIT == MAX_TABLE_SIZE


@pytest.mark.parametrize("flag, value", [("--max-cells", "8"), ("--max-cells", str(MAX_CELLS_LIMIT + 1)),
                                         ("--max-alphabet", "1"), ("--max-alphabet", "9")])
def test_out_of_range_caps_are_bad_input(flag, value, capsys):
    assert main(["verify", str(PROOF), flag, value, "--samples", "2"]) == 2
    assert flag in capsys.readouterr().err


def test_caps_reach_the_models(capsys):
    # with a cap of 16 cells and binary alphabets, U -> X -> Y -> Z (16 cells at most) is still testable
    assert main(["verify", str(PROOF), "--max-cells", "16", "--max-alphabet", "2", "--samples", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    steps = out["proofs"][0]["steps"]
    assert steps and all(s["status"] == "tested" for s in steps)


def test_a_cap_too_small_for_any_model_names_the_flag(capsys):
    boolean = PROOF.parent / "fkl25_boolean_cluster.toml"
    assert main(["verify", str(boolean), "--max-cells", "16", "--samples", "2"]) == 2
    err = capsys.readouterr().err
    assert "fits in 16 cells" in err and "--max-cells" in err
