"""Real compilation: every bundled proof's LaTeX goes through ``pdflatex -halt-on-error`` and every proof
graph through Graphviz to PNG. Skipped only when pdflatex or dot is not installed (Debian:
``texlive-latex-base texlive-latex-recommended`` and ``graphviz``)."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from derive.checking import check_file
from derive.commands.latex import PdfLatexError, latex_errors, run_pdflatex
from derive.printing.document import proof_document, proof_fragment
from derive.printing.graph import render_dot, status_graph, to_dot

ROOT = Path(__file__).resolve().parents[2]
PROOFS = sorted((ROOT / "proofs").glob("*.toml"))
#: Wrong proofs whose documents must compile and show the kernel's verdicts.
BAD = ["reversed_dpi", "sdpi_constant_too_small", "real_false", "shannon_false", "composition_claims_too_much"]

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not installed (Debian/Ubuntu: apt-get install texlive-latex-base texlive-latex-recommended)")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed (Debian/Ubuntu: apt-get install graphviz)")


@lru_cache(maxsize=None)
def _checked(path: Path):
    return check_file(path)


def test_there_are_bundled_proofs():
    assert len(PROOFS) >= 10


@pytest.mark.slow
@needs_pdflatex
@pytest.mark.parametrize("path", PROOFS, ids=lambda p: p.stem)
def test_every_bundled_proof_compiles_to_pdf(path, tmp_path):
    checked = _checked(path)
    tex = tmp_path / f"{path.stem}.tex"
    tex.write_text(proof_document(checked.proof, checked.report, expand=True, warnings=checked.warnings))
    pdf = run_pdflatex(tex)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
@needs_pdflatex
def test_every_fragment_compiles_in_a_host_document(tmp_path):
    """The ``--fragment`` output pastes into a paper that loads amsmath, amssymb, amsthm (no xcolor)."""
    body = "\n\n".join(proof_fragment(_checked(p).proof, _checked(p).report) for p in PROOFS)
    tex = tmp_path / "host.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage{amsmath,amssymb,amsthm}\n\\begin{document}\n"
                   + body + "\n\\end{document}\n")
    assert run_pdflatex(tex).read_bytes().startswith(b"%PDF")


@needs_pdflatex
@pytest.mark.parametrize("name", BAD)
def test_documents_of_wrong_proofs_compile_with_their_flags(name, tmp_path):
    checked = _checked(ROOT / "tests" / "bad_proofs" / f"{name}.toml")
    assert checked.report.status != "proved"
    text = proof_document(checked.proof, checked.report, expand=True)
    assert r"\deriveflag{NOT PROVED}" in text
    tex = tmp_path / f"{name}.tex"
    tex.write_text(text)
    assert run_pdflatex(tex).exists()


@needs_pdflatex
def test_pdflatex_errors_are_quoted(tmp_path):
    tex = tmp_path / "bad.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\n$\\undefinedmacro$\n\\end{document}\n")
    with pytest.raises(PdfLatexError) as info:
        run_pdflatex(tex)
    assert "! Undefined control sequence." in str(info.value)
    assert "l.3" in str(info.value)


def test_latex_errors_picks_the_bang_lines():
    log = "This is pdfTeX\n! Missing $ inserted.\n<inserted text>\n$\nl.7 x^\n2\n! Emergency stop.\n"
    text = latex_errors(log)
    assert "! Missing $ inserted." in text and "l.7 x^" in text and "! Emergency stop." in text


@needs_dot
@pytest.mark.parametrize("path", PROOFS, ids=lambda p: p.stem)
def test_every_bundled_proof_graph_renders_to_png(path, tmp_path):
    checked = _checked(path)
    g = status_graph(checked.proof, checked.report)
    png = render_dot(to_dot(g, checked.proof.name), tmp_path / f"{path.stem}.png")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 2000


ALL_KINDS = r'''
[proof]
name = "all_kinds"
title = "Every hypothesis kind: 50% of the #1 test_case & more"
notes = "Notes with symbols: a_b ~ c, x^2 <= y, {braces}, back\\slash, θ ≤ 1."

[parameters]
p = "0 <= p <= 1"
q = "integer >= 2"
n = "integer >= 1"

[variables]
random = ["A", "B", "C", "W", "V", "theta"]
families = { S = "1..n", T = "1..3" }

[[hypothesis]]
id = "ind"
independent = "A _|_ B | C"

[[hypothesis]]
id = "fun"
function_of = "W = f(A, B)"

[[hypothesis]]
id = "samples"
iid = "S[1..n] | theta"

[[hypothesis]]
id = "fixed"
mutually_independent = "T[1..3]"

[[hypothesis]]
id = "mat"
channel = "V | A ~ matrix([[9/10, 1/10], [3/10, 7/10]])"

[[hypothesis]]
id = "qsc"
channel = "C | B ~ QSC(q, p)"

[[step]]
id = "indep"
claim = "I(A; B | C) == 0"
rule = "linear"
uses = ["ind"]

[[step]]
id = "func"
claim = "H(W | A, B) <= 0"
rule = "shannon"
uses = ["fun"]
'''


@needs_pdflatex
@needs_dot
def test_every_hypothesis_kind_and_awkward_text_compile(tmp_path):
    src = tmp_path / "all_kinds.toml"
    src.write_text(ALL_KINDS, encoding="utf-8")
    checked = check_file(src)
    text = proof_document(checked.proof, checked.report, expand=True, warnings=checked.warnings)
    for needle in (r"\mathrel{\perp\!\!\!\perp}", r"$W = f(A, B)$", "are i.i.d. given", "smallmatrix",
                   r"\mathrm{QSC}(q, p)", r"50\% of the \#1 test\_case \& more", "Warnings."):
        assert needle in text, needle
    tex = tmp_path / "all_kinds.tex"
    tex.write_text(text, encoding="utf-8")
    assert run_pdflatex(tex).exists()
    g = status_graph(checked.proof, checked.report)
    assert render_dot(to_dot(g, "all_kinds"), tmp_path / "all_kinds.png").exists()
