"""``derive eta ... --budget SECONDS``: a longer η_KL search at a fixed input only narrows the certified bracket."""

from __future__ import annotations

import json

import pytest

from derive.cli import main

# 4 outputs, 8 inputs: the 3-4-output branch and bound, whose bracket the default 2 s leaves wide
K = ("matrix:[[0.5,0.2,0.2,0.1],[0.1,0.6,0.2,0.1],[0.2,0.1,0.6,0.1],[0.1,0.1,0.2,0.6],[0.3,0.3,0.2,0.2],"
     "[0.25,0.25,0.25,0.25],[0.7,0.1,0.1,0.1],[0.1,0.1,0.1,0.7]]")
P = "[0.1,0.1,0.1,0.1,0.2,0.1,0.1,0.2]"


def _bracket(budget: str, capsys) -> list[float]:
    assert main(["eta", K, "--input", P, "--budget", budget, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["eta_kl_bracket"]


@pytest.mark.slow
def test_a_longer_budget_gives_a_nested_or_equal_bracket(capsys):
    short, long = _bracket("0.3", capsys), _bracket("4", capsys)
    assert long[1] - long[0] <= short[1] - short[0]
    assert max(short[0], long[0]) <= min(short[1], long[1])  # both certified: they overlap
    assert long[1] <= short[1]


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf", "601"])
def test_a_bad_budget_is_a_clear_error(bad, capsys):
    assert main(["eta", "bsc:0.1", "--budget", bad]) == 2
    err = capsys.readouterr().err
    assert "--budget" in err and "Traceback" not in err
