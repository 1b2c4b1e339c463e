"""Red team: `derive prove` on a well-formed claim with a large (allowed) constant.

``I(X; Y) <= 10^400`` is inside the grammar's limits (exponent <= 1000) and is a linear information
inequality. It is false as a Shannon-type statement (I(X; Y) = log2 k for X = Y uniform on k values, any k),
so the answer is ``false`` or ``not_shannon`` (exit 1). Instead the counterexample search converts the constant
to a float (``float(Fraction(10**400))``), raises OverflowError, and derive prints "internal error ... please
report it" with no JSON object on stdout, although ``--json`` promises one.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main


def test_prove_with_a_huge_constant_answers_instead_of_an_internal_error(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "I(X; Y) <= 10^400"])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert code == 1
    assert json.loads(out)["status"] in ("false", "not_shannon")
