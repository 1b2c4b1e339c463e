"""DESIGN's CLI contract: with ``--json`` every subcommand prints one JSON object on stdout, bad input too (exit 2,
the message also on stderr): ``{"status": "error", "error": ..., "exit_code": 2}``."""

from __future__ import annotations

import json

import pytest

from derive.cli import main


@pytest.mark.parametrize("argv", [["eta", "bsc:2", "--json"], ["check", "--json", "/nonexistent/derive.toml"],
                                  ["prove", "--json", "H(X) <= "], ["bound", "cluster", "--channel", "nonsense",
                                                                      "--json"]])
def test_bad_input_with_json_is_one_json_error_object(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and err.startswith("derive: ")
    row = json.loads(out)
    assert row["status"] == "error" and row["exit_code"] == 2 and row["error"]
