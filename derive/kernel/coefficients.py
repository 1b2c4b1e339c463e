"""Contraction coefficients the kernel may use in SDPI steps.

* Closed forms of the input-free ``η_KL`` (cited lemmas, status ``assumed``):
  ``BSC(δ)``: ``(1 - 2δ)^2``; ``BEC(ε)``: ``1 - ε``; ``AWGN(s)`` with Gaussian
  input: ``s / (1 + s)`` (Polyanskiy & Wu, "Strong data-processing inequalities
  for channels and Bayesian networks", 2017).
* Dobrushin's coefficient ``η_TV(K) = max_{x,x'} TV(K(·|x), K(·|x'))``,
  computed exactly, with ``η_KL(K) <= η_TV(K)`` (Cohen, Kemperman & Zbăganu
  1998; a theorem, so the step is ``proved``).
* For a finite channel with rational entries: the exact χ²-envelope bound of
  :mod:`derive.kernel.chi2_envelope` (``η_KL(K) = sup_P η_χ²(P, K)``, two-point
  reduction, tangent lines of a concave function; ``proved``) — exact
  ``(1 - 2p)²`` for ``BSC(p)``, and often far below ``η_TV``.

Every coefficient here bounds the *input-free* ``η_KL(K)``; with a product input
that is also a valid constant for ``K^{⊗n}`` (``η_KL(⊗P_i, K^{⊗n}) =
max_i η_KL(P_i, K) <= η_KL(K)``). ``η_TV(K^{⊗n})`` itself is larger than
``η_TV(K)``, which is why the rule never computes the coefficient of the product.
Proved routes are offered before cited ones, so a step gets the strongest status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy
from sympy import S

from derive.core.channel_matrix import channel_matrix
from derive.core.cited import TrustedFact, cited_eta_kl
from derive.core.hypotheses import ChannelSpec
from derive.core.linear import is_zero_coefficient
from derive.core.parameters import Domain
from derive.errors import SideConditionFailed
from derive.kernel.chi2_envelope import eta_kl_upper_bound, numeric_rows
from derive.kernel.signs import is_nonnegative, sign_of

__all__ = ["Coefficient", "closed_form_eta_kl", "dobrushin_coefficient", "chi2_envelope_coefficient",
           "sdpi_coefficient", "smallest_value"]


@dataclass(frozen=True)
class Coefficient:
    """A valid upper bound ``value >= η_KL(K)``, how it is known, and whether it tensorizes."""

    value: sympy.Expr
    source: str
    #: The cited lemma the value rests on (``None``: a theorem the kernel computed, so the step is ``proved``).
    fact: TrustedFact | None = None
    #: ``None``: a bound on the input-free ``η_KL(K)``, valid at every input. Otherwise the one input law the
    #: value holds for (AWGN: ``N(0, snr)``), so only an unconditioned step whose input is that law may use it.
    input_law: str | None = None

    @property
    def cited(self) -> bool:
        return self.fact is not None


def closed_form_eta_kl(spec: ChannelSpec) -> Coefficient | None:
    """The cited closed form of the input-free ``η_KL`` for BSC, BEC and AWGN (:mod:`derive.core.cited`); else
    ``None``."""
    found = cited_eta_kl(spec)
    return None if found is None else Coefficient(found.value, str(found.fact), found.fact, found.input_law)


def _abs(x: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> sympy.Expr | None:
    s = sign_of(x, domains)
    if s in ("pos", "nonneg", "zero"):
        return x
    if s in ("neg", "nonpos"):
        return -x
    return None


def dobrushin_coefficient(spec: ChannelSpec, domains: Mapping[sympy.Symbol, Domain]) -> sympy.Expr | None:
    """``η_TV(K) = max_{x,x'} (1/2) Σ_y |K(y|x) - K(y|x')|``, exact; ``None`` if a sign is undecidable."""
    rows = channel_matrix(spec)
    if rows is None:
        return None
    best: sympy.Expr = S.Zero
    candidates: list[sympy.Expr] = []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            total = S.Zero
            for a, b in zip(rows[i], rows[j]):
                d = _abs(sympy.expand(a - b), domains)
                if d is None:
                    return None
                total += d
            candidates.append(sympy.expand(total / 2))
    if not candidates:
        return best
    best = candidates[0]
    for c in candidates[1:]:
        s = sign_of(c - best, domains)
        if s in ("pos", "nonneg", "zero"):
            best = c
        elif s not in ("neg", "nonpos"):
            return None
    return best


_ENVELOPE = ("eta_KL(K) = sup_P eta_chi2(P, K) (Ahlswede & Gacs 1976), reached on two-symbol inputs "
             "(two-point reduction), each bounded by exact tangent lines of the concave binary-input "
             "chi2 coefficient and by the pair's TV; exact rational arithmetic")


def chi2_envelope_coefficient(spec: ChannelSpec, target: sympy.Expr | None = None) -> Coefficient | None:
    """The exact χ²-envelope upper bound on ``η_KL(K)`` for a channel with rational entries; else ``None``.

    ``target`` (a rational) lets the refinement stop as soon as the bound is below it.
    """
    rows = channel_matrix(spec)
    if rows is None:
        return None
    exact = numeric_rows(rows)
    if exact is None:
        return None
    enough = None
    if target is not None and isinstance(target, sympy.Rational):
        from fractions import Fraction

        enough = Fraction(int(target.p), int(target.q))
    u = eta_kl_upper_bound(exact, enough=enough)
    if u is None:
        return None
    return Coefficient(sympy.Rational(u.numerator, u.denominator), _ENVELOPE)


def sdpi_coefficient(spec: ChannelSpec, domains: Mapping[sympy.Symbol, Domain], *,
                     target: sympy.Expr | None = None) -> list[Coefficient]:
    """Every valid upper bound on the input-free ``η_KL(K)`` the kernel knows; proved ones first.

    Every bound here is on the input-free ``η_KL(K)`` and so serves a product channel with a product input
    (module docstring).
    ``target`` is the constant a step claims; it only lets exact refinement stop early.

    Raises
    ------
    SideConditionFailed
        If a channel parameter is not provably inside its range (e.g. ``0 <= p <= 1``).
    """
    _check_channel_parameters(spec, domains)
    out: list[Coefficient] = []
    tv = dobrushin_coefficient(spec, domains)
    if tv is not None:
        out.append(Coefficient(tv, "eta_KL(K) <= eta_TV(K) (Dobrushin coefficient, computed exactly; "
                                   "Cohen, Kemperman & Zbaganu 1998)"))
    env = chi2_envelope_coefficient(spec, target)
    if env is not None:
        out.append(env)
    cf = closed_form_eta_kl(spec)
    if cf is not None:
        out.append(cf)
    return out


def smallest_value(options: list[Coefficient], domains) -> sympy.Expr:
    """The provably smallest value among ``options`` (ties and undecidable pairs keep the earlier)."""
    best = options[0].value
    for c in options[1:]:
        if is_nonnegative(best - c.value, domains) and not (best - c.value).is_zero:
            best = c.value
    return best


def _check_channel_parameters(spec: ChannelSpec, domains) -> None:
    def need(cond: sympy.Expr, text: str) -> None:
        if not is_nonnegative(cond, domains):
            raise SideConditionFailed(f"the channel {spec} needs {text}, which is not provable from the parameters' domains")

    if spec.name in ("BSC", "BEC", "Z"):
        (p,) = spec.params
        need(p, "its parameter >= 0")
        need(1 - p, "its parameter <= 1")
    elif spec.name == "QSC":
        q, p = spec.params
        if not (q.is_Integer and q >= 2):
            raise SideConditionFailed(f"the channel {spec} needs an integer alphabet size q >= 2")
        need(p, "p >= 0")
        need(1 - p, "p <= 1")
    elif spec.name == "AWGN":
        (s,) = spec.params
        need(s, "snr >= 0")
    elif spec.name == "matrix":
        for row in spec.rows or ():
            for v in row:
                need(v, "non-negative entries")
            if not is_zero_coefficient(sum(row) - 1):
                raise SideConditionFailed(f"a row of the channel matrix sums to {sum(row)}, not 1")


