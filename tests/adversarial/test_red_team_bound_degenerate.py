"""Red team: `derive bound cluster` on degenerate models prints NaN/Infinity and calls the row certified.

* ``--prior [0.5,0.5] --channel bsc:0.5 --set n=3`` (observations independent of theta) gives
  ``"rho_n": NaN, "factor": Infinity, "bound": Infinity, "certified": true``;
* ``--prior [1,0] --channel bsc:0.1 --set n=3`` (theta a point mass) gives ``"rho_n": NaN``,
  ``"certified": true``, route text "theta has more than four values" (it has two), and ``tau_n_chi2 = 1.0``
  above the "certified" upper end ``tau_n = 1e-12``.

``NaN`` and ``Infinity`` are not JSON (RFC 8259; a strict parser such as JavaScript's JSON.parse rejects the
output), although the CLI contract promises one JSON object with floats as numbers; and a NaN coefficient is
no certificate of anything (both models have I(M; X) = 0, so the bound mem_n >= factor * I(M; X) says nothing,
not "mem_n >= Infinity").
"""

from __future__ import annotations

import json
import math

import pytest

from derive.cli import main


def _strict(text: str) -> dict:
    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("prior, channel", [("[0.5,0.5]", "bsc:0.5"), ("[1,0]", "bsc:0.1")])
def test_degenerate_cluster_rows_are_json_and_not_certified_from_nan(capsys, prior, channel):
    code = main(["bound", "cluster", "--prior", prior, "--channel", channel, "--set", "n=3", "--json"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    row = _strict(out)["values"][0]
    for key in ("tau_n", "rho_n", "factor", "bound"):
        value = row.get(key)
        assert value is None or (isinstance(value, (int, float)) and math.isfinite(value)) or not row["certified"]
