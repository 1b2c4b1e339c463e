"""Certificates as readable proofs: text, LaTeX rows (one-sided and two-sided), and to_latex."""

from __future__ import annotations

import shutil

import pytest
import sympy

from derive.core import H, I, Markov, RVSet, Statement
from derive.kernel.linear import Certificate, TwoSidedCertificate, nonneg_term, zero_term
from derive.printing import to_latex
from derive.printing.certificate import certificate_latex, certificate_rows, certificate_text
from derive.provers.shannon import prove


def _dpi():
    claim = Statement(I("X", "Z"), "<=", I("X", "Y"))
    chain = Markov((RVSet("X"), RVSet("Y"), RVSet("Z")))
    return claim, prove(claim, {"m": chain})


def test_prover_certificate_as_text_and_latex():
    claim, res = _dpi()
    assert res.status == "proved"
    text = certificate_text(claim, res.certificate)
    assert text.startswith("I(X; Z) <= I(X; Y) because")
    assert "+ -" not in text and "[= 0: m" in text
    tex = certificate_latex(claim, res.certificate)
    assert tex.splitlines()[1] == r"\begin{align*}" and tex.rstrip().endswith(r"\end{align*}")
    assert r"I(X; Z \mid Y)" in tex and r"\text{(${}=0$: hypothesis m)}" in tex
    assert r"\ge 0, \text{ that is, } I(X; Z) \le I(X; Y)" in tex


def test_two_sided_certificate_rows():
    a, b = H("X"), H("Y")
    claim = Statement(a, "==", b)
    t1 = zero_term(a - b, "eq")
    le = Certificate([(t1, sympy.Integer(-1))])
    ge = Certificate([(t1, sympy.Integer(-1))])
    rows = certificate_rows(claim, TwoSidedCertificate([], sympy.S.Zero, le, ge))
    joined = "\n".join(rows)
    assert r"\text{($\le$)}" in joined and r"\text{($\ge$)}" in joined
    assert joined.count(r"&\quad = -") == 2


def test_negative_multiplier_shown_with_a_minus_and_domains_decide_signs():
    tau = sympy.Symbol("tau", nonnegative=True)
    claim = Statement(I("X", "Y"), ">=", (1 - tau) * I("X", "Y"))
    term = nonneg_term(I("X", "Y"), {}, "I >= 0")
    rows = certificate_rows(claim, Certificate([(term, tau)]))
    assert any(r"&\quad = \tau \cdot I(X; Y)" in r for r in rows)


def test_to_latex_dispatches():
    assert to_latex(I("U", "X")) == "I(U; X)"
    from pathlib import Path

    from derive.checking import check_file

    c = check_file(Path(__file__).resolve().parents[2] / "proofs" / "dpi_markov_chain.toml")
    assert to_latex(c).startswith("\\documentclass")
    assert "\\begin{proof}" in to_latex(c.proof, fragment=True)


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-recommended)")
def test_derive_prove_latex_output_compiles(tmp_path):
    from derive.commands.latex import run_pdflatex

    claim, res = _dpi()
    tex = tmp_path / "cert.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
                   + certificate_latex(claim, res.certificate) + "\n\\end{document}\n")
    assert run_pdflatex(tex).exists()
