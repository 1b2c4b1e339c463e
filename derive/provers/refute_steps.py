"""Shannon-type steps the kernel left ``unchecked``: refuted, when a certified counterexample exists.

A ``shannon`` or ``copy`` step without a certificate is ``unchecked`` ("not proved"). When the exact model searches
of the Shannon prover (:func:`derive.provers.shannon.refute`: GF(2)-linear models, exactly evaluated; each satisfies
the hypotheses exactly) find a model of the hypotheses the step uses on which its claim is false, the step cannot
hold, and it is lowered to ``failed`` through the kernel's :func:`~derive.kernel.report.lower_step_status` (which can
only lower a status). Only steps whose premises are hypotheses (a model might violate a premise statement), whose
claim has no parameter, about discrete variables, and (in nats) without a constant term (a homogeneous claim has the
same sign in every unit) are tried.
"""

from __future__ import annotations

from derive.kernel.context import UNCHECKED
from derive.kernel.report import Report, lower_step_status

__all__ = ["refute_unchecked_shannon_steps", "counterexample_text"]

#: Rules whose claims are information inequalities that hold for every distribution satisfying the hypotheses.
_RULES = ("shannon", "copy")


def refute_unchecked_shannon_steps(proof, report: Report, seed: int = 0) -> Report:
    """``report`` with each refutable unchecked Shannon-type step lowered to ``failed`` (see the module docstring)."""
    from derive.core.linear import linear_form
    from derive.errors import InvalidArgument
    from derive.provers.shannon import refute

    from derive.core.hypotheses import continuous_names

    if proof.continuous or any(continuous_names(h) for h in proof.hypotheses.values()):
        return report  # the models are discrete; a Gaussian channel anywhere makes its variables continuous
    parameters = {p.symbol for p in proof.parameters.values()}
    for res in report.steps:
        if res.rule not in _RULES or res.status != UNCHECKED or res.claim is None \
                or res.claim.free_symbols() & parameters:
            continue
        if any(p not in proof.hypotheses for p in res.premises):
            continue
        try:
            if proof.units != "bits" and linear_form(res.claim.slack()).const != 0:
                continue
        except InvalidArgument:
            continue
        cex = refute(res.claim, {p: proof.hypotheses[p] for p in res.premises}, seed=seed)
        if cex is not None:
            report = lower_step_status(report, res.id, "failed", "the claim does not follow from the hypotheses "
                                       "this step uses: it is false on a model of them, " + counterexample_text(cex)
                                       + " (found by the Shannon prover's exact search)", "Counterexample")
    return report


def counterexample_text(cex: dict) -> str:
    """One line: the model and the certified slack of a counterexample of :mod:`derive.provers.refute`."""
    if cex.get("kind") == "gf2-linear":
        model = ", ".join(f"{v} = {d}" for v, d in cex["model"].items())
        copies = cex.get("copies")
        k = cex.get("sources")
        where = (f"{model}, with {'b1' if k == 1 else f'b1..b{k}'} independent uniform bits"
                 + (f", {copies} independent copies (every entropy times {copies})" if copies else ""))
    elif cex.get("kind") == "constant":
        where = "every variable constant"
    else:
        where = f"the distribution {cex.get('pmf')} of {cex.get('variables')}"
    return f"{where}: slack {cex.get('slack_enclosure')} < 0 ({cex.get('method')}, bits)"
