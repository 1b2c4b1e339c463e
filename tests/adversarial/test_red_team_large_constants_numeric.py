"""Red team: float64 evaluation of a large exact constant (allowed by the grammar: exponents up to 1000).

``derive eval "p <= 10^400" --set p=1`` is a valid statement (true: 1 <= 10^400); with ``--dps 50`` derive
answers ``true``, but the default float64 path converts ``10^400`` to ``float`` and ends in "internal error
(OverflowError ...) please report it" (exit 2, no JSON with ``--json``). ``derive verify`` likewise skips every
step with such a constant ("could not be evaluated on any model") and still calls the proof ``tested``.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main


def test_eval_statement_with_a_huge_constant(capsys):
    code = main(["eval", "--json", "p <= 10^400", "--set", "p=1"])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert code == 0
    assert json.loads(out)  # one JSON object, as --json promises


def test_eval_statement_with_a_huge_constant_at_high_precision_is_true(capsys):
    code = main(["eval", "p <= 10^400", "--set", "p=1", "--dps", "50"])
    out, _ = capsys.readouterr()
    assert code == 0 and out.startswith("true")
