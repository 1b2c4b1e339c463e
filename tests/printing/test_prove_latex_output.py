"""``derive prove --latex`` prints LaTeX only (session 10): the status line, hypotheses, counterexample table and
messages were plain text around the align* block, so ``H(X_1) + ...`` in the status line broke a document that
\\input the output. Every line outside the block is now a LaTeX comment. Oracle: pdflatex.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
@pytest.mark.parametrize("claim, given", [("sum(H(X[i]), i, 1, 3) >= H(X[1..3])", []),
                                          ("I(X; Z) <= I(X; Y)", ["X -> Y -> Z"]),
                                          ("H(X_1 | Y_2) <= log(3)", [])])
def test_prove_latex_output_is_a_compilable_fragment(tmp_path, claim, given):
    args = [sys.executable, "-m", "derive.cli", "prove", claim, "--latex"] + sum((["--given", g] for g in given), [])
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1) and out.stdout.strip(), out.stderr
    assert all(line.startswith("%") or "\\" in line or line.startswith("&") or not line.strip()
               for line in out.stdout.splitlines() if "align" not in line)
    doc = tmp_path / "p.tex"
    doc.write_text("\\documentclass{article}\\usepackage{amsmath,amssymb}\\begin{document}\n" + out.stdout
                   + "\n\\end{document}\n")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", doc.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-1500:]
