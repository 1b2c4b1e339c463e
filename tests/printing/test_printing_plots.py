"""plot_bound: labels through the one LaTeX printer; matplotlib optional with a clear error."""

from __future__ import annotations

import sys

import pytest
import sympy

from derive.core import I
from derive.errors import InvalidArgument
from derive.printing.plots import PlotError, axis_label, plot_bound


def test_axis_labels_use_the_printer():
    n = sympy.Symbol("n")
    assert axis_label(n) == "$n$"
    assert axis_label(sympy.log(n) / sympy.log(2)) == r"$\log_2 n$"
    assert axis_label(I("M", "S")) == "$I(M; S)$"
    assert axis_label(r"\eta") == r"$\eta$"
    assert axis_label("bound ($n$)") == "bound ($n$)"


def test_bad_input_is_refused(tmp_path):
    with pytest.raises(InvalidArgument, match="as many ys as xs"):
        plot_bound([1, 2], [1], "n", "b", tmp_path / "p.png")
    with pytest.raises(InvalidArgument, match="plot file"):
        plot_bound([1], [1], "n", "b", tmp_path / "p.jpg")
    with pytest.raises(InvalidArgument, match="numbers"):
        plot_bound([1, "x"], [1, 2], "n", "b", tmp_path / "p.png")


def test_without_matplotlib_the_error_says_so(tmp_path, monkeypatch):
    for mod in ("matplotlib", "matplotlib.figure", "matplotlib.backends", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, mod, None)
    with pytest.raises(PlotError, match="needs matplotlib"):
        plot_bound([1, 2], [1, 2], "n", "b", tmp_path / "p.png")
    assert PlotError.exit_code == 2


def test_a_real_plot(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is optional and not installed")
    n = sympy.Symbol("n", positive=True)
    xs = [10, 100, 1000, 10000]
    ys = [0.2, 0.02, 0.002, float("inf")]
    out = plot_bound(xs, ys, n, (1 - sympy.Symbol("r2")) / (n * sympy.Symbol("r2") ** 2), tmp_path / "b.png",
                     logx=True, logy=True, label="bound")
    assert out.read_bytes().startswith(b"\x89PNG")
    svg = plot_bound(xs[:3], ys[:3], n, r"\mathrm{mem}_n", tmp_path / "b.svg")
    assert "<svg" in svg.read_text()
