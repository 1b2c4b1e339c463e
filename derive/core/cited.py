"""The lemmas the kernel cites without proving them, as data: each a :class:`TrustedFact` (statement, source).

A step resting on one of these is ``assumed`` (never ``proved``) and the fact is listed in the report. The
conditions are part of each statement:

* ``η_KL`` closed forms (Polyanskiy & Wu 2017), input-free: ``BSC(δ)``: ``(1 - 2δ)²``; ``BEC(ε)``: ``1 - ε``;
  ``AWGN(snr)``: ``snr / (1 + snr)`` only at the Gaussian input ``N(0, snr)`` (:func:`cited_eta_kl`);
* tensorization with a product input (:data:`TENSORIZATION`);
* Fano's inequality, with the meaning of its error probability a modelling hypothesis (:func:`fano_fact`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.core.hypotheses import ChannelSpec
from derive.core.notation import show
from derive.core.statements import Statement

__all__ = ["TrustedFact", "CitedCoefficient", "cited_eta_kl", "TENSORIZATION", "fano_fact", "PW17"]

PW17 = "Polyanskiy & Wu 2017, Strong data-processing inequalities for channels and Bayesian networks"


@dataclass(frozen=True)
class TrustedFact:
    """A fact the kernel relied on without checking it: a cited lemma, or an ``assume`` hypothesis (``hypothesis``
    is then its id and ``claim`` its statement). ``str()`` reads ``[id: ]statement [citation]``."""

    statement: str
    citation: str
    hypothesis: str | None = None
    claim: Statement | None = None

    def __str__(self) -> str:
        return f"{self.hypothesis + ': ' if self.hypothesis else ''}{self.statement} [{self.citation}]"


@dataclass(frozen=True)
class CitedCoefficient:
    """A cited value of ``η_KL(K)``; ``input_law`` is ``None`` when it holds at every input, else the one input."""

    value: sympy.Expr
    fact: TrustedFact
    input_law: str | None = None


def cited_eta_kl(spec: ChannelSpec) -> CitedCoefficient | None:
    """The cited closed form of ``η_KL`` for ``BSC``, ``BEC`` and ``AWGN`` (module docstring); else ``None``."""
    if spec.name == "BSC":
        (p,) = spec.params
        return CitedCoefficient((1 - 2 * p) ** 2, TrustedFact("eta_KL(BSC(p)) = (1 - 2p)^2", PW17))
    if spec.name == "BEC":
        (e,) = spec.params
        return CitedCoefficient(1 - e, TrustedFact("eta_KL(BEC(e)) = 1 - e", PW17))
    if spec.name == "AWGN":
        (s,) = spec.params
        return CitedCoefficient(s / (1 + s), TrustedFact(
            "eta_KL(AWGN(snr), Gaussian input N(0, snr)) = snr/(1 + snr)", PW17), input_law=f"N(0, {show(s)})")
    return None


TENSORIZATION = TrustedFact("tensorization with a product input: eta_KL(P1 x ... x Pn, K^n) = max_i eta_KL(P_i, K)",
                            "Polyanskiy & Wu 2017; Witsenhausen 1975")


def fano_fact(pe: sympy.Expr, x: object, y: object, k: sympy.Expr) -> TrustedFact:
    """Fano's inequality for an estimator of ``x`` from ``y`` with error probability ``pe``, ``x`` taking at most
    ``k`` values (Cover & Thomas Thm 2.10.1)."""
    return TrustedFact(f"Fano with {show(pe)} the error probability of an estimator of {x} from {y or 'nothing'} "
                       f"and {x} taking at most {show(k)} values (a modelling hypothesis)", "Cover & Thomas Thm 2.10.1")
