"""Plots of a bound against a parameter, with axis labels in LaTeX math from the one printer.

matplotlib is optional: it is imported only when a plot is drawn, and its absence is a clear
:class:`PlotError` (exit code 2 on the command line). No pyplot and no global backend: the
figure is drawn on its own Agg canvas, so notebooks keep their settings.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from derive.errors import InvalidArgument, PlotError
from derive.printing.latex import latex

__all__ = ["plot_bound", "axis_label", "save_figure", "plot_format", "PlotError", "PLOT_FORMATS"]

#: Suffixes matplotlib writes without extra software.
PLOT_FORMATS = ("png", "svg", "pdf")



def axis_label(label: Any) -> str:
    """``$...$`` mathtext for an axis: a sympy expression or statement through :func:`latex`; a string is
    taken as LaTeX math already (without dollars) unless it contains ``$``."""
    if isinstance(label, str):
        return label if "$" in label else f"${label}$"
    return f"${latex(label)}$"


def _numbers(values: Sequence[Any], name: str) -> list[float]:
    out = []
    for k, v in enumerate(values):
        try:
            f = float(v)
        except (TypeError, ValueError) as err:
            raise InvalidArgument(f"Expected numbers in {name} but got {name}[{k}]={v!r}") from err
        out.append(f)
    return out


def plot_bound(xs: Sequence[Any], ys: Sequence[Any], xlabel_latex: Any, ylabel_latex: Any, path: str | Path, *,
               title: str | None = None, label: str | None = None, logx: bool = False, logy: bool = False,
               dpi: int = 150) -> Path:
    """Draw ``ys`` against ``xs`` and save it to ``path`` (.png, .svg or .pdf); return the path.

    ``xlabel_latex``/``ylabel_latex`` are LaTeX math strings or sympy objects (printed by
    :class:`derive.printing.latex.DeriveLatexPrinter`). Non-finite values (a bound that is
    infinite or undefined there) are left out of the line.

    Raises
    ------
    InvalidArgument
        Empty or mismatched data, non-numeric values, an unknown suffix.
    PlotError
        matplotlib is not installed, or the file could not be written.
    """
    path = Path(path)
    plot_format(path)
    x = _numbers(xs, "xs")
    y = _numbers(ys, "ys")
    if not x or len(x) != len(y):
        raise InvalidArgument(f"Expected as many ys as xs (at least one) but got {len(x)} xs and {len(y)} ys")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise PlotError("plotting needs matplotlib, which is not installed (pip install matplotlib)") from err
    pts = [(a, b) for a, b in zip(x, y) if math.isfinite(a) and math.isfinite(b)]
    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o" if len(pts) <= 25 else None,
                markersize=3.5, linewidth=1.6, label=label)
    ax.set_xlabel(axis_label(xlabel_latex))
    ax.set_ylabel(axis_label(ylabel_latex))
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if label:
        ax.legend()
    ax.grid(True, alpha=0.3)
    return save_figure(fig, path, dpi)


def plot_format(path: str | Path) -> str:
    """The format of a plot file from its suffix (one of :data:`PLOT_FORMATS`).

    Raises
    ------
    InvalidArgument
        Another suffix."""
    fmt = Path(path).suffix.lstrip(".").lower()
    if fmt not in PLOT_FORMATS:
        raise InvalidArgument(f"Expected a plot file ending in {', '.join('.' + f for f in PLOT_FORMATS)} "
                              f"but got path={str(path)!r}")
    return fmt


def save_figure(fig: Any, path: str | Path, dpi: int = 150) -> Path:
    """Save a matplotlib figure to ``path`` (its folder made if missing) in the format its suffix names.

    Raises
    ------
    InvalidArgument
        An unknown suffix.
    PlotError
        The file could not be written."""
    path = Path(path)
    fmt = plot_format(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=fmt, dpi=dpi)
    except (OSError, ValueError, RuntimeError) as err:
        raise PlotError(f"could not write the plot: {err}", file=str(path)) from err
    return path
