"""The cited lemmas are data (``derive.core.cited``): each names its source, and the kernel's SDPI coefficients read
them from there (a step resting on one is ``assumed``)."""

from __future__ import annotations

import sympy

from derive.core.cited import PW17, TENSORIZATION, cited_eta_kl, fano_fact
from derive.core.hypotheses import ChannelSpec
from derive.kernel.coefficients import closed_form_eta_kl, sdpi_coefficient
from derive.core.parameters import Domains


def test_closed_forms_are_the_papers_and_name_their_source():
    d = sympy.Rational(1, 10)
    assert cited_eta_kl(ChannelSpec("BSC", (d,))).value == sympy.Rational(16, 25)  # (1 - 2/10)^2
    assert cited_eta_kl(ChannelSpec("BEC", (d,))).value == sympy.Rational(9, 10)
    awgn = cited_eta_kl(ChannelSpec("AWGN", (sympy.Integer(3),)))
    assert awgn.value == sympy.Rational(3, 4) and awgn.input_law == "N(0, 3)"
    for name in ("BSC", "BEC", "AWGN"):
        fact = cited_eta_kl(ChannelSpec(name, (d,))).fact
        assert fact.citation == PW17 and fact.statement.startswith("eta_KL(")
    assert cited_eta_kl(ChannelSpec("Z", (d,))) is None
    assert "Witsenhausen" in TENSORIZATION.citation


def test_the_kernel_reads_the_cited_forms_and_marks_them_cited():
    spec = ChannelSpec("BSC", (sympy.Rational(1, 4),))
    k = closed_form_eta_kl(spec)
    assert k.cited and k.fact == cited_eta_kl(spec).fact and k.value == sympy.Rational(1, 4)
    assert str(k.fact) == f"eta_KL(BSC(p)) = (1 - 2p)^2 [{PW17}]"
    # proved routes come first, so an SDPI step uses a cited value only when no computed bound is as small
    options = sdpi_coefficient(spec, Domains({}))
    assert not options[0].cited and options[-1].cited


def test_fano_fact_states_its_modelling_hypothesis():
    pe, k = sympy.Symbol("pe"), sympy.Integer(4)
    fact = fano_fact(pe, "X", "Y", k)
    assert "pe the error probability of an estimator of X from Y" in fact.statement
    assert "at most 4 values" in fact.statement and fact.citation == "Cover & Thomas Thm 2.10.1"
    assert "from nothing" in fano_fact(pe, "X", "", k).statement
