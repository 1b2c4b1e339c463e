"""Core keeps H(Y | Y) as written (a discrete-only identity is not applied on construction), so numeric checking
meets Fano's estimator of Y from Y: its error is 0, not an internal error (found by the mutation audit)."""

from __future__ import annotations

from pathlib import Path

from derive.numeric.verify import verify_file

ROOT = Path(__file__).resolve().parents[2]


def test_fano_for_a_variable_estimated_from_itself_is_tested(tmp_path):
    text = (ROOT / "proofs" / "fano_minimax.toml").read_text()
    path = tmp_path / "fano_self.toml"
    path.write_text(text.replace('claim = "H(X | Y) <= h(pe) + pe * log(k - 1)"',
                                 'claim = "H(Y | Y) <= h(pe) + pe * log(k - 1)"'))
    report = verify_file(path, samples=5)
    assert report.get("fano").status == "tested" and report.get("fano").samples == 5
