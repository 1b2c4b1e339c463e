"""Red team: `derive prove` on a false claim whose two sides share an atom that cancels in the slack.

``I(X; Y) <= I(X; Y) - H(Z)`` is false (Z a uniform bit: 1 <= 0 fails; the slack -H(Z) is -1 bit), and so is
``H(B) + H(A, B) <= H(A, B)``. The GF(2) counterexample search builds its model over the variables of the *slack*
(where I(X; Y), resp. H(A, B), cancels) and then evaluates each *side* on it, so the side's X (resp. A) is missing:
derive prints "internal error (KeyError: X); please report it", exits 2 and prints no JSON although ``--json``
promises one object; under ``--file`` the whole batch stops at that line, losing every later claim's verdict.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main


@pytest.mark.parametrize("claim", ["I(X; Y) <= I(X; Y) - H(Z)", "H(B) + H(A, B) <= H(A, B)"])
def test_false_claim_with_a_cancelling_atom_is_refuted(capsys, claim):
    code = main(["prove", "--json", "--copy-steps", "0", claim])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert code == 1
    assert json.loads(out)["status"] == "false"


def test_prove_file_keeps_going_after_a_cancelling_claim(tmp_path, capsys):
    claims = tmp_path / "claims.txt"
    claims.write_text("H(B) + H(A, B) <= H(A, B)\nI(X; Y) <= H(X)\n")
    main(["prove", "--copy-steps", "0", "--file", str(claims)])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert "internal error" not in err
    assert [d["status"] for d in lines] == ["false", "proved"]
