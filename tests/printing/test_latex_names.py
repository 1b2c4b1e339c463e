"""Names in the LaTeX export: every name the grammar accepts compiles and reads as written (session 10's attack).

A variable named ``M__`` or ``Yp_`` made the exported document fail to compile (``$M__$``: double subscript), and
sympy's own printer turned the parameter ``a__b`` into ``a^{b}`` (a power) and ``x_1_2`` into ``x_{1 2}``. Names
of the form letters, digits, one ``_subscript`` still print as sympy writes them (``theta_1`` → ``\\theta_{1}``);
any other name prints as written in upright italics. Oracle: pdflatex itself, and the text of the PDF.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import sympy

from derive.checking import check_file
from derive.core.variables import latex_name
from derive.printing.document import proof_document
from derive.printing.latex import latex

ODD = ["M__", "Yp_", "x_1_2", "_x", "a__b", "X__1"]


@pytest.mark.parametrize("name, tex", [("theta_1", r"\theta_{1}"), ("X12", "X_{12}"), ("Sigma2", r"\Sigma_{2}"),
                                       ("M__", r"\mathit{M\_\_}"), ("x_1_2", r"\mathit{x\_1\_2}"),
                                       ("_x", r"\mathit{\_x}"), ("a__b", r"\mathit{a\_\_b}")])
def test_latex_name(name, tex):
    assert latex_name(name) == tex


def test_parameters_with_odd_names_print_as_written_not_as_powers():
    assert latex(sympy.Symbol("a__b", real=True) + 1) == r"\mathit{a\_\_b} + 1"


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                    reason="needs pdflatex and pdftotext (poppler-utils)")
def test_a_proof_with_odd_names_exports_a_document_that_compiles(tmp_path):
    names = ", ".join(f'"{n}"' for n in ODD)
    src = tmp_path / "odd.toml"
    src.write_text(f'[proof]\nname = "odd"\n\n[parameters]\nlam__1 = "0 < lam__1 < 1"\n\n[variables]\n'
                   f'random = [{names}]\n\n[[hypothesis]]\nid = "m"\nmarkov = "M__ -> Yp_ -> x_1_2"\n\n'
                   '[[step]]\nid = "s"\nclaim = "I(M__; x_1_2) <= I(M__; Yp_)"\nrule = "dpi"\nuses = ["m"]\n\n'
                   '[[step]]\nid = "t"\nclaim = "lam__1 * H(_x | a__b, X__1) <= H(_x | a__b, X__1)"\nrule = "linear"\n\n'
                   '[[step]]\nid = "u"\nclaim = "lam__1 <= 1"\nrule = "real"\n')
    checked = check_file(src)
    assert checked.report.status == "proved", [s.message for s in checked.report.steps]
    tex = tmp_path / "odd.tex"
    tex.write_text(proof_document(checked.proof, checked.report))
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    source = tex.read_text()
    for name in ODD + ["lam__1"]:  # written as is (an underscore is a rule, not a glyph, in the PDF's text)
        assert latex_name(name) in source
    text = subprocess.run(["pdftotext", "odd.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "Random variables: M , Yp , x 1 2" in text
