"""Red team: `derive prove` on a true Shannon inequality scaled by a small constant.

``I(X; Y) <= H(Y)`` is proved; so must be ``10^(-10) * I(X; Y) <= 10^(-10) * H(Y)`` (the same inequality
times a positive constant, exact certificate: multiplier 1 on H(Y | X) >= 0). derive proves it for 10^(-5) and
10^(-8), but from 10^(-10) on it prints "could not turn the LP multipliers into an exact certificate" and exits 1
("the mathematics says no") with no JSON on stdout: the LP's floating multipliers fall below its tolerance and the
rationalization gives up instead of normalizing the claim (or re-scaling) first.
"""

from __future__ import annotations

import json

from derive.cli import main


def test_a_scaled_true_shannon_inequality_is_proved(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "10^(-10)*I(X; Y) <= 10^(-10)*H(Y)"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["status"] == "proved"


def test_the_same_inequality_at_a_milder_scale_is_proved(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "10^(-5)*I(X; Y) <= 10^(-5)*H(Y)"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "proved"


def test_a_huge_scale_is_proved_too(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "10^400*I(X; Y) <= 10^400*H(Y)"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "proved"


def test_a_claim_needing_a_tiny_multiplier_is_proved(capsys):
    code = main(["prove", "--json", "--copy-steps", "0", "I(X; Y) <= (1 + 10^(-12))*H(Y)"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "proved"
