"""Search for copy-lemma proofs of claims the Shannon LP cannot prove (untrusted; the kernel decides).

For the claim's variables ``V`` the search tries copy steps "``C`` over ``A``" (``C``, ``A`` disjoint, ``C``
non-empty, subsets of ``V``), smallest first; for each it asks the Shannon LP for a certificate over ``V`` and
the copies, with the equalities the copy lemma gives (:class:`derive.core.hypotheses.CopyOf`). A certificate
is accepted only when the kernel's ``copy`` rule, which builds the copies itself, checks it exactly
(:func:`derive.kernel.check_step`). With ``max_steps = 2`` a second step may copy over the first's copies.

A ``proved`` result is therefore as trustworthy as any kernel-checked step; a miss says nothing (the claim may
be false, or need other copies).
"""

from __future__ import annotations

from derive.core.parameters import as_domains

import itertools
import time
from dataclasses import dataclass, field

from derive.core.hypotheses import Assume, CopySpec, Hypothesis, copy_lemma_extension
from derive.core.linear import linear_form
from derive.core.quantities import H
from derive.core.statements import Statement
from derive.core.variables import RVSet
from derive.errors import CertificateError, DeriveError, InvalidArgument, LimitExceeded
from derive.kernel import PROVED, StepContext, check_step
from derive.provers.certificate_search import proposal_of_certificate

__all__ = ["CopyProof", "search_copy_proof", "copy_specs", "MAX_COPY_SEARCH_VARIABLES"]

#: The search enumerates copy steps only for claims over at most this many variables (3^n specs per step).
MAX_COPY_SEARCH_VARIABLES = 6


@dataclass
class CopyProof:
    """Copy steps and the kernel-checked certificate of the claim in the extended space."""

    steps: tuple[CopySpec, ...]
    certificate: object
    descriptions: list[str] = field(default_factory=list)
    tried: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"copy_steps": [str(s) for s in self.steps], "copies": list(self.descriptions),
                "tried": self.tried, "seconds": round(self.seconds, 3)}


def copy_specs(variables: RVSet) -> list[CopySpec]:
    """Every copy step over ``variables``: copied set non-empty, disjoint from the set it is copied over.
    Ordered by the number of copies (fewest first, so a proof found uses the smallest extension), then by how
    far the kept set is from "all but one" of the other variables."""
    items = list(variables.args)
    out = []
    for assign in itertools.product((0, 1, 2), repeat=len(items)):
        copied = [v for v, a in zip(items, assign) if a == 1]
        over = [v for v, a in zip(items, assign) if a == 2]
        if copied:
            out.append(CopySpec(RVSet(*copied), RVSet(*over)))
    n = len(items)
    # few copied variables first; among them, copies over all but one of the other variables first (the shape
    # of the Zhang-Yeung and most DFZ copy steps), then smaller and larger sets
    return sorted(out, key=lambda s: (len(s.copied), abs(len(s.over) - (n - len(s.copied) - 1)), len(s.over), str(s)))


def _claim_variables(claim: Statement, hyps: dict[str, Hypothesis]) -> RVSet:
    items = []
    for atom in linear_form(claim.slack()).terms:
        if isinstance(atom, H):
            items.extend(atom.target.args)
    for h in hyps.values():
        if not isinstance(h, Assume):
            items.extend(h.variables().args)
    return RVSet(*items)


def _kernel_accepts(claim, hyps, domains, steps, certificate):
    ctx = StepContext("prove", "copy", claim, {"copy": tuple(steps)}, {}, dict(hyps), as_domains(domains), "bits")
    try:
        outcome = check_step(ctx, oracle=lambda ext: proposal_of_certificate(ext, certificate, "found by the prover"))
    except DeriveError:
        return None
    return outcome if outcome.status == PROVED else None


def search_copy_proof(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, domains: dict | None = None,
                      max_steps: int = 1, timeout: float = 20.0) -> CopyProof | None:
    """A kernel-checked copy-lemma proof of ``claim`` with at most ``max_steps`` copy steps, or ``None``.

    Raises
    ------
    LimitExceeded
        If the claim has more than :data:`MAX_COPY_SEARCH_VARIABLES` variables.
    """
    from derive.provers.shannon import find_shannon_certificate

    hyps = {k: h for k, h in (hypotheses or {}).items() if not isinstance(h, Assume)}
    variables = _claim_variables(claim, hyps)
    if len(variables) > MAX_COPY_SEARCH_VARIABLES:
        raise LimitExceeded(f"the copy-lemma search enumerates copy steps for at most {MAX_COPY_SEARCH_VARIABLES} "
                            f"variables; the claim has {len(variables)}")
    t0 = time.monotonic()
    tried = 0
    firsts = copy_specs(variables)
    chains: list[tuple[CopySpec, ...]] = [(s,) for s in firsts]
    if max_steps >= 2:
        chains += [(s, t) for s in firsts for t in _second_steps(s, variables)]
    for steps in chains:
        if time.monotonic() - t0 > timeout:
            return None
        tried += 1
        try:
            extension = copy_lemma_extension(steps, variables)
        except InvalidArgument:
            continue
        ext_hyps = dict(hyps)
        ext_hyps.update({f"copy[{k}]": h for k, h in enumerate(extension, start=1)})
        try:
            res = find_shannon_certificate(claim, ext_hyps, domains=domains,
                                           timeout=max(1.0, timeout - (time.monotonic() - t0)))
        except (LimitExceeded, CertificateError, InvalidArgument):
            continue
        if res.status != "proved":
            continue
        outcome = _kernel_accepts(claim, hyps, domains, steps, res.certificate)
        if outcome is None:
            continue
        return CopyProof(steps, outcome.certificate, [str(h) for h in extension], tried, time.monotonic() - t0)
    return None


def _second_steps(first: CopySpec, variables: RVSet) -> list[CopySpec]:
    """Second copy steps: one variable (original or a first copy) copied over a set including a first copy."""
    from derive.core.hypotheses import CopyRV

    copies = RVSet(*[CopyRV(f"{v}'") for v in first.copied.args])
    pool = RVSet(variables, copies)
    out = []
    for spec in copy_specs(pool):
        if len(spec.copied) == 1 and (not spec.over.isdisjoint(copies) or not spec.copied.isdisjoint(copies)):
            out.append(spec)
    return out
