"""Shannon-type steps the kernel left ``unchecked``: refuted, when a certified counterexample exists.

A ``shannon`` or ``copy`` step without a certificate is ``unchecked`` ("not proved"). When the exact model searches
of the Shannon prover (:func:`derive.provers.shannon.refute`: GF(2)-linear models, exactly evaluated; each satisfies
the hypotheses exactly) find a model of the hypotheses the step uses on which its claim is false, the step cannot
hold, and it is lowered to ``failed`` through the kernel's :func:`~derive.kernel.report.lower_step_status` (which can
only lower a status). Only steps whose premises are hypotheses (a model might violate a premise statement), whose
claim has no parameter, about discrete variables, and (in nats) without a constant term (a homogeneous claim has the
same sign in every unit) are tried. When every variable is continuous, jointly Gaussian models of the hypotheses
are searched instead (:func:`derive.numeric.gaussian.gaussian_counterexample`; the step's assumed and premise
statements must certainly hold there).

A failed ``linear`` step over entropies (``linear`` combines only the quantities the step writes) gets the same
search: a certified counterexample replaces "no valid combination" by "false on a model of its hypotheses"; a
Shannon proof instead names the non-negative quantities the step lacks (``nonneg = [...]``). A Shannon-type step
left unchecked says what was tried. Only messages change.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import sympy

from derive.core.hypotheses import MutuallyIndependent
from derive.kernel.context import FAILED, UNCHECKED
from derive.kernel.report import Report, lower_step_status

__all__ = ["REFUTED_PREFIX", "refute_unchecked_shannon_steps", "refute_tested_steps", "counterexample_text"]

#: Rules whose claims are information inequalities that hold for every distribution satisfying the hypotheses.
_RULES = ("shannon", "copy")


def refute_unchecked_shannon_steps(proof, report: Report, seed: int = 0, prover_ran: bool = True) -> Report:
    """``report`` with each refutable unchecked Shannon-type step lowered to ``failed``, each failed ``linear``
    step over entropies explained, and each Shannon-type step left unchecked told what was tried (``prover_ran``:
    the Shannon prover's LP was among the step's oracles) (see the module docstring)."""
    from derive.core.hypotheses import continuous_variables

    from derive.numeric.gaussian import why_not_gaussian

    discrete = not continuous_variables(proof.continuous, proof.hypotheses.values())
    no_gaussian = None if discrete else why_not_gaussian(proof)
    gaussian = not discrete and no_gaussian is None  # every variable continuous: Gaussian models
    # discrete and continuous variables: the discrete ones constants or uniform bits, the continuous ones Gaussian
    mixed = not discrete and not gaussian and why_not_gaussian(proof, allow_discrete=True) is None
    claims = {r.id: r.claim for r in report.steps if r.claim is not None}  # premises the models must keep
    for res in report.steps:
        if res.status == UNCHECKED and res.rule in _RULES:
            # the GF(2) models are discrete: a Gaussian channel anywhere makes its variables continuous
            cex = (_refutation(proof, res, seed, claims) if discrete and _eligible(proof, res, claims) else
                   _gaussian_refutation(proof, res, seed, claims, mixed) if gaussian or mixed else None)
            if cex is None and not discrete:
                cex = _noisy_refutation(proof, res, seed, claims)
            if cex is not None:
                report = lower_step_status(report, res.id, FAILED, REFUTED_PREFIX + cex, "Counterexample")
            else:
                why = (_NOT_FOUND if discrete else (
                    _NOT_FOUND_GAUSSIAN if gaussian else _NOT_FOUND_MIXED if mixed
                    else _NO_GAUSSIAN + no_gaussian) + _noisy_tried(proof, res, claims)) if prover_ran else _NOT_RUN
                report = lower_step_status(report, res.id, UNCHECKED, res.message + why)
            continue
        if res.status != FAILED or res.rule != "linear" or res.error != "CertificateError":
            continue
        if discrete and _eligible(proof, res, claims):
            report = _explain_linear_failure(proof, report, res, seed, claims)
        elif not discrete and ((cex := _gaussian_refutation(proof, res, seed, claims, mixed) if gaussian or mixed
                                else None) or (cex := _noisy_refutation(proof, res, seed, claims))):
            report = lower_step_status(report, res.id, FAILED, REFUTED_PREFIX + cex, res.error)
    return report


def _gaussian_refutation(proof, res, seed: int, claims: dict, mixed: bool = False) -> str | None:
    """A certified counterexample among jointly Gaussian models (every variable continuous; ``mixed``: the discrete
    variables constants or uniform bits, independent of the continuous ones) of the hypotheses, on which the step's
    assumed and premise statements certainly hold (:func:`derive.numeric.gaussian.gaussian_counterexample`), as one
    line; ``None`` when none is found."""
    from derive.core.hypotheses import Assume, AssumeFamily
    from derive.numeric.gaussian import gaussian_counterexample
    from derive.numeric.verify import assumed_instances

    if res.claim is None:
        return None
    premises = []
    for p in res.premises:
        h = proof.hypotheses.get(p)
        if isinstance(h, AssumeFamily) and not (h.lo.is_Integer and h.hi.is_Integer):
            premises.append(h)  # a symbolic range: its instances at each drawn model's size
        elif isinstance(h, Assume):
            instances = assumed_instances(h)
            if instances is None:
                return None
            premises += instances
        elif h is None:
            if p not in claims:
                return None
            premises.append(claims[p])
    found = gaussian_counterexample(proof, res.claim, premises, seed, mixed=mixed)
    if found is None:
        return None
    g, cert = found
    kept = [p for p in res.premises if p not in proof.hypotheses or isinstance(proof.hypotheses[p], Assume)]
    at = f" at {', '.join(f'{k} = {v}' for k, v in g.params.items())}" if g.params else ""
    network = f"the continuous ones' marginal of the network {g.network}" if g.constants else f"network {g.network}"
    return (f"{g.as_dict()['description']}{at} ({network}): slack {cert.text()} (certified with interval "
            "arithmetic" + (f"; the premises {', '.join(kept)} hold there)" if kept else ")"))


def _hypotheses_used(proof, step) -> dict:
    """The hypotheses among the premises of ``step``."""
    return {p: proof.hypotheses[p] for p in step.premises if p in proof.hypotheses}


def _why_not_noisy(proof, res, claims: dict) -> str | None:
    """Why the noisy models are not searched for ``res``: ``""`` when the step is none they could read (no claim, a
    premise that is neither a hypothesis nor a step's claim: nothing to say), the reason when the noise breaks a
    hypothesis it uses, ``None`` when they are searched."""
    from derive.numeric.noisy import noise_breaks_a_hypothesis

    if res.claim is None or any(p not in proof.hypotheses and p not in claims for p in res.premises):
        return ""
    return noise_breaks_a_hypothesis(proof, _hypotheses_used(proof, res))


def _with_noise(text: str, continuous) -> str:
    """A discrete counterexample's text, read with the continuous variables noisy at scale 1."""
    return (f"{text}, with the continuous variable(s) {', '.join(continuous)} each its value there plus independent "
            "uniform noise on [0, 1) (h(D + U) = H(D): every entropy as on the discrete model)")


def _noisy_tried(proof, res, claims: dict) -> str:
    """What the noisy models said about an unrefuted step: not found, or why they were not tried."""
    why = _why_not_noisy(proof, res, claims)
    return "" if why == "" else _NOT_FOUND_NOISY if why is None else f"; no noisy models either: {why}"


def _noisy_refutation(proof, res, seed: int, claims: dict) -> str | None:
    """A certified counterexample among the noisy models (:mod:`derive.numeric.noisy`: each continuous variable
    ``w (D + U)`` over a discrete model) of the hypotheses the step uses, on which its assumed and premise statements
    certainly hold, as one line; ``None`` when none is found or the noise breaks one of those hypotheses. Two
    searches: an unbalanced claim on the constant model with the continuous variables scaled
    (:func:`~derive.numeric.noisy.scaled_constant_counterexample`), then the discrete refuter's exact models with
    every scale 1 (``h(D + U) = H(D)``: the discrete counterexample is one with the continuous variables noisy)."""
    from derive.core.hypotheses import Assume, continuous_variables
    from derive.numeric.noisy import scaled_constant_counterexample
    from derive.numeric.verify import assumed_instances
    from derive.provers.refute import constant_model_satisfies

    if _why_not_noisy(proof, res, claims) is not None:
        return None
    hyps = _hypotheses_used(proof, res)
    assumed = [assumed_instances(h) for h in hyps.values() if isinstance(h, Assume)]
    premises = [st for group in assumed for st in group or ()] + [claims[p] for p in _premise_steps(proof, res)]
    kept = [p for p in res.premises if p not in proof.hypotheses or isinstance(proof.hypotheses[p], Assume)]
    holds = f"; the premises {', '.join(kept)} hold there" if kept else ""
    # the constant model keeps independences, Markov chains and functions, not a channel's law or a copy
    constant_ok = None not in assumed and constant_model_satisfies(
        {k: h for k, h in hyps.items() if not isinstance(h, Assume)})
    found = scaled_constant_counterexample(proof, res.claim, premises, proof.units) if constant_ok else None
    if found is not None:
        widths, cert = found
        scaled = ", ".join(f"{v} = {w} U_{v}" for v, w in sorted(widths.items()))
        return (f"every variable constant except the continuous {scaled} (U uniform on [0, 1): h = log w): slack "
                f"{cert.text()} (certified with interval arithmetic{holds}; the claim is unbalanced: scaling a "
                "continuous variable moves its entropy and not the rest)")
    if not _eligible(proof, res, claims):   # the discrete refuter's claims: in bits or homogeneous, ...
        return None
    continuous = sorted(continuous_variables(proof.continuous, proof.hypotheses.values()))
    text = _refutation(proof, res, seed, claims, frozenset(continuous))
    return None if text is None else _with_noise(text, continuous)


def refute_tested_steps(proof, vreport, seed: int = 0):
    """``derive verify``'s report with each step its random models left ``tested`` (or ``skipped``) lowered to
    ``failed`` when the Shannon prover's exact models refute it: a rule whose step means its claim
    (``_MEANING_IS_THE_CLAIM``), under the same conditions as :func:`refute_unchecked_shannon_steps` (premises
    hypotheses or statements about entropies the models keep, discrete, bits or homogeneous; parameters at values in
    their domains, the simplest first). The models keep every hypothesis of the proof, as the drawn ones do; when
    none is found there, those the step uses (the reason then names the hypotheses the model drops: the step is
    false as written, its claim perhaps not in the proof's setting).
    The drawn models have small alphabets; ``H(X) <= log(3)`` needs four values (the GF(2) models scale by copies).
    The counterexample's joint pmf is written out when small (:func:`~derive.provers.refute.joint_of_counterexample`).
    """
    from derive.core.hypotheses import continuous_variables
    from derive.numeric.noisy import noise_breaks_a_hypothesis, widths_on
    from derive.numeric.verify import FAILED as V_FAILED, SKIPPED as V_SKIPPED, TESTED as V_TESTED
    from derive.numeric.verify import CounterexampleRecord
    from derive.provers.refute import joint_of_counterexample

    continuous = sorted(continuous_variables(proof.continuous, proof.hypotheses.values()))
    steps = {st.id: st for st in proof.steps}
    claims = {st.id: st.claim for st in proof.steps}
    for rec in vreport.steps:
        st = steps.get(rec.id)
        if st is None or rec.status not in (V_TESTED, V_SKIPPED) or st.rule not in _MEANING_IS_THE_CLAIM \
                or not _eligible(proof, st, claims):
            continue
        # the models keep every hypothesis, as the drawn ones do; else (a hypothesis the search cannot model, or no
        # model found) those the step uses: the step is then false as written, and the reason names what it drops
        used = _hypotheses_used(proof, st)
        found, dropped = None, []
        for hyps in [dict(proof.hypotheses)] + ([used] if len(used) < len(proof.hypotheses) else []):
            # continuous variables: the discrete model is one with them noisy (scale 1), if the noise keeps the
            # hypotheses (derive.numeric.noisy)
            if continuous and noise_breaks_a_hypothesis(proof, hyps) is not None:
                continue
            found = _refute_at_admissible_values(proof, st, seed, claims, frozenset(continuous), hyps)
            if found is not None:
                dropped = sorted(set(proof.hypotheses) - set(hyps))
                break
        if found is None:
            continue
        point, cex = found
        joint = joint_of_counterexample(cex)
        model = {"joint": joint, "params": {str(k): str(v) for k, v in point.items()},
                 "description": _with_noise(counterexample_text(cex), continuous) if continuous
                 else counterexample_text(cex)}
        if joint is not None:
            model["alphabet_sizes"] = dict(zip(joint["names"], joint["alphabet_sizes"]))
            if continuous:
                model["noise_widths"] = {n: "1" for n in widths_on(joint["names"], dict.fromkeys(continuous, 1))}
        rec.status = V_FAILED
        kept = _premise_steps(proof, st)
        kept_hyps = ("every hypothesis" if not dropped else
                     "the hypotheses the step uses" + (f" ({', '.join(sorted(used))})" if used else " (none)")
                     + f" but not {', '.join(dropped)}, which it does not use")
        at = f" at {', '.join(f'{k} = {v}' for k, v in point.items())}" if point else ""
        rec.reason = (f"false{at} on a model satisfying {kept_hyps}" + (f" and the premises {', '.join(kept)}"
                                                                        if kept else "")
                      + " (certified violation; found by the Shannon prover's exact search"
                      + (")" if dropped else ", the random models missed it)"))
        rec.counterexample = CounterexampleRecord(
            rec.id, rec.claim, cex.get("lhs", "-"), cex.get("rhs", "-"), cex["slack"], model,
            hypotheses_hold=True, dps=vreport.dps, certified=True, method=cex["method"],
            slack_enclosure=cex["slack_enclosure"])
    return vreport


#: How the message of a step refuted on an exact model of its hypotheses begins.
REFUTED_PREFIX = "the claim does not follow from the hypotheses this step uses: it is false on a model of them, "
_NOT_FOUND = ("; the Shannon prover found none either, and no counterexample was found: the claim may need hypotheses "
              "the step does not list in `uses`, copies (`copy = [...]`, for a non-Shannon inequality), or facts no "
              "entropy equality expresses (identical distributions, channel laws)")
_NOT_RUN = "; the Shannon prover (not run here) may find one"
_NOT_FOUND_GAUSSIAN = ("; the Shannon prover found none either, and no jointly Gaussian model of the hypotheses (the "
                       "models of continuous variables searched) refutes it")
_NOT_FOUND_MIXED = ("; the Shannon prover found none either, and no model of the hypotheses with the discrete variables "
                    "constants or independent uniform bits and the continuous ones jointly Gaussian (the mixed models "
                    "searched) refutes it")
_NO_GAUSSIAN = "; the Shannon prover found none either; there are no jointly Gaussian models: "
_NOT_FOUND_NOISY = ("; nor do the noisy models searched (the discrete refuter's models with each continuous variable its "
                    "value plus uniform noise, and for an unbalanced claim the constant model with it scaled)")


#: Rules whose step means its claim under the hypotheses it uses, nothing more (``fano``'s ``error = pe`` ties a
#: parameter to the distribution; ``sdpi`` needs a channel law): only these are refuted for ``derive verify``.
_MEANING_IS_THE_CLAIM = ("shannon", "copy", "linear", "dpi", "chain_rule", "subadditivity", "superadditivity")


def _eligible(proof, res, claims: dict | None = None) -> bool:
    """A claim about entropies (and free parameters: a ``shannon``/``linear`` step holds for every value in their
    domains), in bits or homogeneous, whose premises are hypotheses or (with ``claims``, the steps' claims by id)
    statements about entropies with no parameter and no constant term, which the models must then keep."""
    from derive.core.linear import linear_form
    from derive.errors import InvalidArgument

    if res.claim is None:
        return False
    try:
        for p in res.premises:
            if p not in proof.hypotheses and (claims is None or p not in claims or claims[p].free_symbols()
                                              or linear_form(claims[p].slack()).const != 0):
                return False
        return proof.units == "bits" or linear_form(res.claim.slack()).const == 0
    except InvalidArgument:
        return False


def _premise_steps(proof, step) -> list[str]:
    """The premises of ``step`` that are steps (not hypotheses): statements a model must keep."""
    return [p for p in step.premises if p not in proof.hypotheses]


#: Parameter values tried per claim with parameters: the simplest values first (a size's least values, a real's
#: ends and midpoint: a refutation names the smallest it finds), then values drawn at random; each in its domain.
PARAMETER_POINTS = 6
#: ... of which at most this many are simplest values.
SIMPLE_POINTS = 3


def admissible_points(domains: dict, seed: int) -> list[dict]:
    """At most :data:`PARAMETER_POINTS` distinct assignments of values to the parameters (``{symbol: domain}``): the
    :data:`SIMPLE_POINTS` simplest (:func:`derive.numeric.real.simple_parameter_values`, smallest sums of positions
    first), then :func:`derive.numeric.real.sample_parameter_values`'s draws (boundary points, then random)."""
    from derive.numeric.real import sample_parameter_values, simple_parameter_values

    symbols = list(domains)
    columns = [simple_parameter_values(domains[s], SIMPLE_POINTS) for s in symbols]
    offsets = sorted(itertools.product(*(range(len(c)) for c in columns)), key=lambda o: (sum(o), o))
    points: list[dict] = []
    for off in offsets[:SIMPLE_POINTS]:
        points.append({s: c[k] for s, c, k in zip(symbols, columns, off)})
    for point in sample_parameter_values(domains, n=PARAMETER_POINTS, seed=seed):
        if len(points) >= PARAMETER_POINTS:
            break
        if point not in points:
            points.append(point)
    return points


def _refute_at_admissible_values(proof, res, seed: int, claims: dict | None = None,
                                 continuous: frozenset = frozenset(),
                                 hyps: dict | None = None) -> tuple[dict, dict] | None:
    """``(point, counterexample)``: parameter values in their domains (none for a claim without parameters) at which
    the claim is false on a model of the hypotheses the step uses and of its premise statements (``claims``); a
    claim false at one admissible value is false. ``continuous``: names of continuous variables, whose discrete
    models then stand for noisy ones (:mod:`derive.numeric.noisy`); a point where the claim or a premise has an
    atom infinite for them (``I(X[0]; X[j])`` at ``j = 0``) is skipped: the discrete value is not theirs.
    ``hyps``: the hypotheses the models keep (default: those the step uses)."""
    from derive.core.statements import Statement
    from derive.errors import DeriveError
    from derive.numeric.expressions import expand_sums as _expand
    from derive.numeric.noisy import infinite_for_continuous
    from derive.provers.shannon import refute

    hyps = _hypotheses_used(proof, res) if hyps is None else hyps
    premises = [claims[p] for p in _premise_steps(proof, res)]
    # every parameter the claim, the hypotheses or the premises name: X[n] in a hypothesis *is* X[2] at n = 2
    named = set(res.claim.free_symbols()).union(*(_free_symbols(h) for h in hyps.values()),
                                                 *(st.free_symbols() for st in premises))
    domains = {p.symbol: p.domain for p in proof.parameters.values() if p.symbol in named}
    points = [{}] if not domains else admissible_points(domains, seed)
    named_by_step = any(st.id == res.id for st in proof.steps)
    for point in points:
        if not all(domains[s].contains(v) for s, v in point.items()):
            continue
        if named_by_step and proof.names_outside_at(res.id, point):
            continue  # X[2] at n = 1: the claim means nothing there, so no model there refutes it
        try:  # X[1..n] at n = 8902 is beyond the members written out: no search at that point
            claim = res.claim.xreplace(point)
            if continuous and any(infinite_for_continuous(Statement(_expand(st.lhs), st.rel, _expand(st.rhs)),
                                                          continuous) for st in (claim, *premises)):
                continue
            hyps_at = {k: _hypothesis_at(h, point) for k, h in hyps.items()}
            premises_at = [st.xreplace(point) for st in premises]
            # the models make distinct variables distinct: only where no index is left symbolic
            left = set(claim.free_symbols()).union(*(_free_symbols(h) for h in hyps_at.values()),
                                                    *(st.free_symbols() for st in premises_at))
            cex = None if left else refute(claim, hyps_at, seed=seed, premises=premises_at)
        except DeriveError:
            continue
        if cex is not None:
            return point, cex
    return None


def _free_symbols(h) -> set:
    """The symbols a hypothesis names (indices of its members, ends of its ranges, channel parameters)."""
    out: set = set()
    for f in dataclasses.fields(h):
        out |= _symbols_in(getattr(h, f.name))
    return out


def _symbols_in(value) -> set:
    if isinstance(value, sympy.Basic):
        return set(value.free_symbols)
    if isinstance(value, (tuple, list)):
        return set().union(*(_symbols_in(v) for v in value)) if value else set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return set().union(*(_symbols_in(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return set()


def _hypothesis_at(h, point: dict):
    """``h`` with the parameters' values ``point`` substituted in every field (``X[n]`` -> ``X[2]``); the
    hypothesis's own checks run again (a chain whose links now coincide raises ``InvalidArgument``). A mutual
    independence over a family's range is written out member by member (the exact searches take finite ones)."""
    if point and _free_symbols(h):
        h = dataclasses.replace(h, **{f.name: _substituted(getattr(h, f.name), point) for f in dataclasses.fields(h)
                                      if f.init})
    if isinstance(h, MutuallyIndependent) and h.family_range is not None and not _symbols_in(h.family_range):
        return h.instance()
    return h


def _substituted(value, point: dict):
    if isinstance(value, sympy.Basic):
        return value.xreplace(point)
    if isinstance(value, tuple):
        return tuple(_substituted(v, point) for v in value)
    if isinstance(value, list):
        return [_substituted(v, point) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and _symbols_in(value):
        return dataclasses.replace(value, **{f.name: _substituted(getattr(value, f.name), point)
                                             for f in dataclasses.fields(value) if f.init})
    return value


def _refutation(proof, res, seed: int, claims: dict | None = None, continuous: frozenset = frozenset()) -> str | None:
    found = _refute_at_admissible_values(proof, res, seed, claims, continuous)
    if found is None:
        return None
    point, cex = found
    at = f"at {', '.join(f'{k} = {v}' for k, v in point.items())} (in its domain), " if point else ""
    kept = _premise_steps(proof, res)
    return at + counterexample_text(cex) + " (found by the Shannon prover's exact search" + (
        f"; the premises {', '.join(kept)} hold there)" if kept else ")")


def _explain_linear_failure(proof, report: Report, res, seed: int, claims: dict | None = None) -> Report:
    """A failed ``linear`` step: a certified counterexample says the claim is false; a Shannon proof names the
    non-negative quantities the step did not mention (``linear`` combines only what the step writes)."""
    from derive.errors import DeriveError
    from derive.provers.shannon import prove

    cex = _refutation(proof, res, seed, claims)
    if cex is not None:
        return lower_step_status(report, res.id, FAILED, REFUTED_PREFIX + cex, res.error)
    if _premise_steps(proof, res):
        return report  # the Shannon prover reads hypotheses, not premise statements
    try:
        found = prove(res.claim, {p: proof.hypotheses[p] for p in res.premises}, timeout=5.0, copy_steps=0,
                      search_counterexample=False)
    except DeriveError:
        return report
    if found.status != "proved" or found.certificate is None:
        return report
    extra = [t.label for t, m in found.certificate.used() if t.kind == "nonneg" and m != 0]
    if not extra:
        return report
    listed = ", ".join(f'"{x}"' for x in extra)
    return lower_step_status(report, res.id, FAILED, f"{res.message}. The claim is Shannon-type: it follows with "
                             f"the non-negative quantities {', '.join(extra)}, which the step does not mention; add "
                             f"`nonneg = [{listed}]`, or use `rule = \"shannon\"`", res.error)


def counterexample_text(cex: dict) -> str:
    """One line: the model and the certified slack of a counterexample of :mod:`derive.provers.refute`."""
    if cex.get("kind") == "gf2-linear":
        model = ", ".join(f"{v} = {d}" for v, d in cex["model"].items())
        copies = cex.get("copies")
        k = cex.get("sources")
        where = (f"{model}, with {'b1 a uniform bit' if k == 1 else f'b1..b{k} independent uniform bits'}"
                 + (", (u, v) a variable holding both" if "(" in model else "")
                 + (f", {copies} independent copies (every entropy times {copies})" if copies else ""))
    elif cex.get("kind") == "constant":
        where = "every variable constant"
    else:
        where = f"the distribution {cex.get('pmf')} of {cex.get('variables')}"
    return f"{where}: slack {_short(str(cex.get('slack_enclosure')))} < 0 ({cex.get('method')}, bits)"


def _short(value: str, digits: int = 20) -> str:
    """An exact rational too long to read (``p/q`` of more than ``digits`` characters) as a decimal with the number
    of digits of ``p/q`` (the exact value is what was certified); anything else as it is."""
    from fractions import Fraction

    import mpmath

    if len(value) <= digits or not re.fullmatch(r"-?\d+(/\d+)?", value):
        return value
    exact = Fraction(value)
    with mpmath.workdps(digits + 5):
        approx = mpmath.nstr(mpmath.mpf(exact.numerator) / exact.denominator, digits)
    return f"{approx} (an exact rational of {len(value)} characters)"
