"""The one LaTeX printer: names, families, sums, logs in bits, coefficients, hypotheses, domains, text."""

from __future__ import annotations

import sympy
import pytest

from derive.core import (
    IID,
    Assume,
    Channel,
    ChannelSpec,
    D,
    Domain,
    FunctionOf,
    H,
    I,
    Independent,
    Markov,
    MutuallyIndependent,
    RVSet,
    Statement,
    TV,
    h,
    make_parameter,
)
from derive.core.variables import FamilyMember, FamilyRange, index_symbol
from derive.io import ParseContext, parse_statement, read_proof_text
from derive.printing.latex import DeriveLatexPrinter, latex, latex_text, pair_logs

delta = sympy.Symbol("delta", nonnegative=True)
tau = sympy.Symbol("tau", nonnegative=True)
rho = sympy.Symbol("rho", positive=True)


def _parse(text: str, *params: str) -> Statement:
    ctx = ParseContext(parameters={p: sympy.Symbol(p, positive=True) for p in params}, auto_variables=True)
    return parse_statement(text, ctx)


@pytest.mark.parametrize("name, tex", [
    ("theta", r"\theta"), ("delta", r"\delta"), ("tau", r"\tau"), ("rho", r"\rho"), ("eta", r"\eta"),
    ("r2", "r_{2}"), ("pe", r"\mathit{pe}"), ("eps", r"\varepsilon"), ("x", "x"), ("snr", r"\mathit{snr}"),
])
def test_parameter_names(name, tex):
    assert latex(sympy.Symbol(name)) == tex


def test_greek_random_variables_and_families():
    assert latex(I("theta", "X")) in (r"I(X; \theta)", r"I(\theta; X)")
    n = sympy.Symbol("n", integer=True, positive=True)
    assert latex(FamilyRange("X", 1, n)) == "X_{1:n}"
    assert latex(FamilyMember("S", index_symbol("i"))) == "S_{i}"
    assert latex(H(RVSet(FamilyRange("X", 1, n)), given="P")) == r"H(X_{1:n} \mid P)"


def test_information_quantities():
    assert latex(I("U", "Y", given="X")) == r"I(U; Y \mid X)"
    assert latex(H("X", "Y")) == "H(X, Y)"
    assert latex(D("P", "Q")) == r"D(P \,\|\, Q)"
    assert latex(TV("P", "Q")) == r"\mathrm{TV}(P, Q)"
    assert latex(h(delta)) == r"h(\delta)"
    assert latex(h(1 - delta)) == r"h\left(1 - \delta\right)"
    assert latex(I("U", "X") ** 2) == "I(U; X)^{2}"


def test_sum_over_a_family():
    n = sympy.Symbol("n", integer=True, positive=True)
    i = index_symbol("i")
    s = sympy.Sum(I(RVSet(FamilyMember("X", i)), RVSet("M")), (i, 1, n))
    assert latex(s) in (r"\sum_{i=1}^{n} I(M; X_{i})", r"\sum_{i=1}^{n} I(X_{i}; M)")


def test_logs_in_bits_are_log2_and_other_logs_are_ln():
    k = sympy.Symbol("k", positive=True)
    assert latex(sympy.log(k) / sympy.log(2)) == r"\log_2 k"
    assert latex(sympy.log(k - 1) / sympy.log(2)) == r"\log_2\left(k - 1\right)"
    assert latex(sympy.log(k)) == r"\ln k"
    assert latex(delta * sympy.log(k) / sympy.log(2)) == r"\delta\, \log_2 k"
    assert latex(3 * sympy.log(k) / sympy.log(2)) == r"3 \log_2 k"
    # a bare logarithm goes last: h(p) ln 2, not "ln 2 h(p)" (read as ln(2 h(p)))
    assert latex(h(delta) * sympy.log(2)) == r"h(\delta)\, \ln 2"
    # two logs, one power of log 2: only one pairs
    assert r"\log_2" in latex(sympy.log(k) * sympy.log(k + 1) / sympy.log(2))
    assert r"\ln" in latex(sympy.log(k) * sympy.log(k + 1) / sympy.log(2))
    # log 2 left over is written explicitly
    assert latex(sympy.sqrt(sympy.log(2))) == r"\sqrt{\ln 2}"


def test_parsed_logs_read_as_written():
    st = _parse("I(X; Y) >= log(k) - h(pe) - pe * log(k - 1)", "k", "pe")
    text = latex(st)
    assert text.startswith(r"I(X; Y) \ge \log_2 k")
    assert r"\log_2\left(k - 1\right)" in text and r"h(\mathit{pe})" in text
    assert r"\log{" not in text and r"\frac{\log" not in text


def test_pair_logs_is_display_only():
    k = sympy.Symbol("k", positive=True)
    e = sympy.log(k) / sympy.log(2)
    paired = pair_logs(e)
    assert paired != e and latex(paired) == latex(e)


def test_coefficients_come_before_information():
    assert latex((1 - 2 * delta) ** 2 * I("U", "X")) == r"\left(1 - 2 \delta\right)^{2}\, I(U; X)"
    assert latex((1 - tau) / rho * I("M", "X")) == r"\frac{1 - \tau}{\rho}\, I(M; X)"
    assert latex(-I("U", "X") / 2) == r"- \frac{1}{2}\, I(U; X)"


def test_sums_put_information_first_and_start_with_a_plus():
    e = -8 * delta + (1 - tau) * I("S", "M")
    assert latex(e) == r"\left(1 - \tau\right)\, I(M; S) - 8 \delta"
    assert latex(delta - I("U", "X")).startswith(r"\delta - I(U; X)") or latex(delta - I("U", "X")) == \
        r"- I(U; X) + \delta"


def test_statements():
    assert latex(Statement(I("U", "Z"), "<=", I("U", "Y"))) == r"I(U; Z) \le I(U; Y)"
    assert latex(Statement(I("U", "Z"), ">=", delta)) == r"I(U; Z) \ge \delta"
    assert latex(Statement(H("X"), "==", H("Y"))) == "H(X) = H(Y)"


def test_hypotheses():
    chain = Markov((RVSet("U"), RVSet("X"), RVSet("Y", "W")))
    assert latex(chain) == r"U \to X \to (W, Y)"
    ind = Independent(RVSet("A"), RVSet("B"), RVSet("C"))
    assert latex(ind) == r"A \mathrel{\perp\!\!\!\perp} B \mid C"
    ch = Channel(RVSet("Y"), RVSet("X"), ChannelSpec("BSC", (delta,)))
    assert latex(ch) == r"P_{Y \mid X} = \mathrm{BSC}(\delta)"
    mat = ChannelSpec("matrix", rows=((sympy.Rational(9, 10), sympy.Rational(1, 10)),
                                      (sympy.Rational(3, 10), sympy.Rational(7, 10))))
    assert latex(mat) == (r"\left(\begin{smallmatrix} \frac{9}{10} & \frac{1}{10} \\ \frac{3}{10} & \frac{7}{10} "
                          r"\end{smallmatrix}\right)")
    assert latex(FunctionOf(RVSet("Y"), RVSet("X"))) == "Y = f(X)"
    n = sympy.Symbol("n", integer=True, positive=True)
    fam = MutuallyIndependent((), RVSet("P"), FamilyRange("X", 1, n))
    assert latex(fam) == r"X_{1:n}\ \text{mutually independent} \mid P"
    iid = IID((), RVSet("theta"), FamilyRange("S", 1, n))
    assert latex(iid) == r"S_{1:n}\ \text{i.i.d.} \mid \theta"
    assert latex(Assume(Statement(I("U", "X"), "<=", delta), "cite")) == r"I(U; X) \le \delta"


def test_parameter_domains():
    half = sympy.Rational(1, 2)
    assert latex(make_parameter("delta", Domain(sympy.S.Zero, half, False, False))) == \
        r"0 \le \delta \le \frac{1}{2}"
    assert latex(make_parameter("n", Domain(sympy.S.One, sympy.S.Infinity, False, True, integer=True))) == \
        r"n \in \mathbb{Z},\ n \ge 1"
    assert latex(make_parameter("rho", Domain(sympy.S.Zero, sympy.S.Infinity, True, True))) == r"\rho > 0"
    assert latex(make_parameter("x")) == r"x \in \mathbb{R}"


def test_every_bundled_claim_prints_without_sympys_plain_forms():
    from pathlib import Path

    from derive.io import read_proof

    for path in sorted((Path(__file__).resolve().parents[2] / "proofs").glob("*.toml")):
        proof = read_proof(path)
        for s in proof.steps:
            text = latex(s.claim)
            assert r"\log{\left(" not in text, (path.name, text)
            assert "RVSet" not in text and "Str(" not in text


def test_text_escaping():
    assert latex_text("a_b & 50% #1 {x} ~ ^ \\") == \
        r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    assert latex_text("x ≤ y — η") == r"x $\le$ y --- $\eta$"
    assert latex_text("snowman ☃") == "snowman ?"


def test_one_printer_class_and_statement_repr():
    st = Statement(I("U", "Z"), "<=", I("U", "Y"))
    assert st._repr_latex_().startswith("$")
    from sympy.printing.latex import LatexPrinter

    assert isinstance(DeriveLatexPrinter(), LatexPrinter)


def test_proof_repr_latex_shows_steps_and_says_unchecked():
    proof = read_proof_text("""
[proof]
name = "demo"
[variables]
random = ["X", "Y", "Z"]
[[hypothesis]]
id = "m"
markov = "X -> Y -> Z"
[[step]]
id = "s"
claim = "I(X; Z) <= I(X; Y)"
rule = "dpi"
uses = ["m"]
""")
    text = proof._repr_latex_()
    assert text.startswith("$$") and text.endswith("$$")
    assert r"X \to Y \to Z" in text and r"I(X; Z) \le I(X; Y)" in text
    assert "not checked" in text and "proved" not in text


def test_notebook_printing_uses_the_derive_printer():
    pytest.importorskip("IPython", reason="IPython is optional")
    from IPython.core.interactiveshell import InteractiveShell

    from derive.printing.latex import init_notebook_printing

    shell = InteractiveShell.instance()
    try:
        init_notebook_printing()
        k = sympy.Symbol("k", positive=True)
        data, _ = shell.display_formatter.format(sympy.log(k) / sympy.log(2) * I("U", "X"))
        assert data["text/latex"] == r"$\displaystyle \log_2 k\, I(U; X)$"
        chain = Markov((RVSet("U"), RVSet("X"), RVSet("Y")))
        data, _ = shell.display_formatter.format(chain)
        assert data["text/latex"] == r"$\displaystyle U \to X \to Y$"
    finally:
        InteractiveShell.clear_instance()


def test_notebook_printing_keeps_the_written_order_in_latex_and_plain_text():
    """With a session's :class:`WrittenOrder`, IPython shows ``I(M; S[1..n])`` as written (core: S block first)."""
    pytest.importorskip("IPython", reason="IPython is optional")
    from IPython.core.interactiveshell import InteractiveShell

    from derive.core.statements import Statement
    from derive.core.variables import FamilyRange
    from derive.printing.latex import init_notebook_printing
    from derive.proof import WrittenOrder

    n = sympy.Symbol("n", integer=True, positive=True)
    block = FamilyRange("S", 1, n)
    atom = I(RVSet("M"), RVSet(block))
    assert atom.left == RVSet(block)  # core's order
    written = WrittenOrder()
    written.record(atom, list(RVSet("M").args), [block], [])
    shell = InteractiveShell.instance()
    try:
        init_notebook_printing(written=written)
        data, _ = shell.display_formatter.format(Statement(atom, "<=", H(RVSet("M"))))
        assert data["text/plain"] == "I(M; S[1..n]) <= H(M)"
        assert data["text/latex"] == r"$\displaystyle I(M; S_{1:n}) \le H(M)$"
    finally:
        InteractiveShell.clear_instance()
