"""Red team: `derive prove` gives up on a trivially true claim whose coefficients differ by 10^10 or more.

``H(X, Y, Z) <= 10^10*H(X, Y, Z) + H(X | Y, Z)``: the slack is ``(10^10 - 1)*H(X, Y, Z) + H(X | Y, Z)``, a
non-negative combination of two non-negative atoms (exact certificate: multipliers 10^10 - 1 and 1). derive proves it
at 10^6, but at 10^10, 10^15, 10^20, 10^30 it prints "could not turn the LP multipliers into an exact certificate
(the residual of the rounded multipliers is not a non-negative combination)" and exits 1 ("the mathematics says no"),
status "error". Scaling the whole claim to unit size (last round's fix) does not help when the claim mixes scales:
the small coefficient falls below the LP's tolerance relative to the large one. Not unsound (nothing false is proved),
but a true Shannon inequality reported as not provable. Same with 3 variables only: ``H(X, Y) <= 10^30*H(X, Y) +
H(X | Y, Z)`` is proved, ``H(X, Z) <= 10^30*H(X, Y, Z) + H(X | Y, Z)`` is not.
"""

from __future__ import annotations

import json

import pytest

from derive.cli import main


@pytest.mark.parametrize("claim", [
    "H(X, Y, Z) <= 10^10*H(X, Y, Z) + H(X | Y, Z)",
    "H(X, Z) <= 10^30*H(X, Y, Z) + H(X | Y, Z)",
    "H(X, Y) <= 10^15*H(X, Y, Z) + H(X | Z) + H(Y) - 10^-20 * I(X; Y)",
])
def test_a_true_claim_mixing_scales_is_proved(capsys, claim):
    code = main(["prove", "--json", "--copy-steps", "0", claim])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "proved"


def test_the_same_claim_at_a_milder_scale_is_proved(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "H(X, Y, Z) <= 10^6*H(X, Y, Z) + H(X | Y, Z)"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "proved"
