"""Reports print numbers, never Python reprs of numpy scalars (``np.float64(1.73)`` leaked into a witness text)."""

from __future__ import annotations

import pytest

from derive.cli import main

CASES = [
    ["bound", "cluster", "--prior", "[0.5,0.3,0.2]", "--channel", "matrix:[[0.7,0.2,0.1],[0.2,0.6,0.2],[0.1,0.3,0.6]]",
     "--set", "n=1..2", "--json"],
    ["eta", "matrix:[[0.7,0.2,0.1],[0.2,0.6,0.2],[0.1,0.3,0.6]]", "--input", "[0.5,0.3,0.2]", "--json"],
    ["eta", "matrix:[[0.9,0.1],[0.2,0.8],[0.5,0.5]]", "--input", "[0.2,0.3,0.5]"],
]


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
@pytest.mark.parametrize("args", CASES, ids=["cluster", "eta-3", "eta-2"])
def test_no_numpy_scalar_repr_in_output(args, capsys):
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "np." not in out and "float64(" not in out and "array(" not in out
