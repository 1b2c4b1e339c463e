"""``derive bound`` outputs (session 10's attack): ``--plot p.txt`` was an internal error (matplotlib's ValueError) and
``--latex`` wrote parameter columns as ``$rho$`` (the letters r h o). The plot goes through the one saver of plots
(:func:`derive.printing.plots.save_figure`: suffix checked first, folder made, write errors named); parameter
names through :func:`derive.core.variables.latex_name`. Oracle for the table: pdflatex.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from derive.commands.latex import run_pdflatex


def _bound(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive.cli", "bound", "boolean-cluster", "--set", "n=1..3",
                           "--set", "rho=0.5", *args], capture_output=True, text=True, timeout=120)


def test_a_plot_with_an_unknown_suffix_is_bad_input(tmp_path):
    out = _bound("--plot", str(tmp_path / "p.txt"))
    assert out.returncode == 2 and "Expected a plot file ending in .png" in out.stderr and "internal" not in out.stderr


def test_a_plot_into_a_missing_folder_is_written(tmp_path):
    target = tmp_path / "a" / "b" / "p.png"
    assert _bound("--plot", str(target)).returncode == 0 and target.stat().st_size > 0


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_the_latex_table_compiles_with_greek_parameter_names(tmp_path):
    out = _bound("--latex")
    assert out.returncode == 0 and r"$\rho$" in out.stdout and "$rho$" not in out.stdout
    doc = tmp_path / "t.tex"
    doc.write_text("\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n" + out.stdout
                   + "\n\\end{document}\n")
    assert run_pdflatex(doc).exists()  # the project's compile helper: raises with the log's errors
