"""Numeric verification of a proof: every step and the theorem on many exact models.

:func:`verify_proof` draws ``samples`` models from the proof's hypotheses
(:class:`~derive.numeric.models.ModelFactory`: every structural hypothesis holds
exactly), evaluates each step's claim and the theorem on them, and reports per step

* ``tested`` — true on every model it was evaluated on (never ``proved``);
* ``failed`` — *certainly* false on some model: a :class:`CounterexampleRecord` with the exact
  joint pmf, parameter values and both sides' values, shrunk to a small case, whose violation is
  certified with interval arithmetic on the exact model (:mod:`derive.numeric.certify`);
* ``suspected`` — false on some model at ``dps`` digits, but the violation could not be certified
  (an expression interval arithmetic cannot enclose, an infinite value, or a slack too close to 0):
  a *suspected violation*, never called a counterexample;
* ``skipped`` — evaluated on no model, with the reason.

The models are finite, so they are models of discrete variables only. A target that names a continuous variable
(``continuous = [...]``, or a Gaussian channel's input or output), or rests on an ``assume`` premise that does, is
never tested on them as they are (on a discrete model ``H(X) >= 0`` holds; for a continuous ``X`` it is false): when
every variable of the proof is continuous and its hypotheses are Markov chains, independences, ``assume`` statements
and ``AWGN`` channels, it is tested on jointly Gaussian models (:mod:`derive.numeric.gaussian`). Otherwise it is
tested on *noisy* models: a discrete model with each continuous variable ``V = w_V (D_V + U_V)``, ``D_V`` its value
(an integer label), ``U_V`` uniform on ``[0, 1)`` and independent, ``w_V = 2^-k`` drawn per variable or family
(:data:`NOISY_MODELS`). The pieces ``w [d, d + 1)`` are disjoint, so ``D_V`` is a function of ``V`` and every entropy is exact:
``h(S) = H(D_S) + Σ_{V ∈ S} log w_V``, and ``I`` is the discrete one. The noise keeps every Markov, independence and
i.i.d. hypothesis (one width per family), ``Z = f(X)`` (``f`` of the rounded value) and ``assume`` statements (read
with the noise); a channel naming a continuous variable, or a continuous function value ``X = f(Z)``, is not kept,
and a target with another atom than ``H``/``I`` or resting on a ``fano`` step is not tested that way: those are
``skipped`` with the reasons. Targets naming no continuous variable are tested on the discrete models as they are
(the same law of the discrete variables).

Screening is float64; anything within a margin of violation (and every apparent
violation) is re-evaluated with mpmath at ``dps`` digits on the exact model, and
only a violation confirmed there counts; the reported model is then certified
with arb balls (the enclosure of the slack lies strictly below 0). Equalities pass in float64 when the two
sides agree to rounding (``1e-13`` relative) and go to mpmath otherwise; the
first :data:`ALWAYS_MP` models of every step are decided at ``dps`` digits. ``assume`` hypotheses (and a ``fano``
step's reading of its error probability and alphabet) are *premises*: a model on
which one is false is skipped for the steps that rest on it, and the report says
how many were skipped.

Shrinking (:mod:`derive.numeric.shrink`) replays the failing model's recorded choices
with smaller ones while the claim stays violated with every premise holding; statements
are compiled once by :mod:`derive.numeric.compile`. :func:`verify_report_against_kernel` compares with the kernel: a step the
kernel *proved* that the numbers contradict is a kernel bug, reported loudly.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

import mpmath
import numpy as np
import sympy
from scipy.special import entr

from derive.core.hypotheses import Assume, AssumeFamily, continuous_variables
from derive.core.notation import show
from derive.core.parameters import Domains
from derive.core.quantities import H
from derive.core.statements import Statement
from derive.core.variables import RVItem
from derive.errors import Counterexample, DeriveError, InvalidArgument
from derive.numeric.compile import CompiledStatement, Side
from derive.numeric.distributions import Model
from derive.numeric.evaluate import evaluate, slack_of
from derive.numeric.gaussian import (certified_gaussian_slack, draw_gaussian, gaussian_sides, is_awgn_channel,
                                     uses_only_entropies, why_not_gaussian)
from derive.numeric.expressions import rvset_names
from derive.numeric.noisy import (NOISE_LOG2_WIDTHS, NOISY_MODELS, infinite_for_continuous, noise_breaks_a_hypothesis,
                                  widths_on)
from derive.numeric.shrink import shrink_choices
from derive.numeric.models import (
    DrawnModel,
    InvalidDraw,
    ModelFactory,
    RandomChoices,
    ReplayChoices,
    UnrealizableHypotheses,
    hypothesis_violations,
)

__all__ = [
    "verify_proof",
    "verify_file",
    "VerifyReport",
    "StepVerification",
    "CounterexampleRecord",
    "verify_report_against_kernel",
    "KernelDisagreement",
    "TESTED",
    "FAILED",
    "SKIPPED",
    "SUSPECTED",
    "PARTLY_TESTED",
    "assumed_instances",
]

TESTED, FAILED, SKIPPED, SUSPECTED = "tested", "failed", "skipped", "suspected"
#: The proof-level status when some steps were tested and others evaluated on no model.
PARTLY_TESTED = "partly tested"

#: Relative float64 margin: a slack above ``MARGIN * max(1, |lhs|, |rhs|)`` passes without mpmath.
MARGIN = 1e-9

#: Relative float64 difference treated as rounding when checking an equality (larger ones go to mpmath).
EQUAL_ROUNDING = 1e-13

#: The first evaluations of every step are always decided at ``dps`` digits (equalities included).
ALWAYS_MP = 3

#: Most replays spent shrinking one counterexample, and the most seconds.
SHRINK_BUDGET = 300
SHRINK_SECONDS = 8.0

#: At most this many draws per requested sample (draws whose parameters give no valid model are redrawn).
MAX_DRAWS_PER_SAMPLE = 5

#: Added to the draw number of the Gaussian models, so they are not the discrete models' draws again.
GAUSSIAN_SEED_OFFSET = 7_919

#: Added to the draw number for the scales of the continuous variables on noisy models (their own random sequence,
#: so the discrete draws are those of a proof without continuous variables).
NOISE_SEED_OFFSET = 104_729



#: Per step, samples whose slack is 0 to the working precision (within ``MARGIN`` of 0, relative to the sides) and
#: whose sign interval arithmetic is then asked for (a violation below the working precision is still certified).
MAX_NEAR_ZERO_CERTIFICATIONS = 3


def _near_zero(rel: str, lhs: Any, rhs: Any) -> bool:
    """The slack of ``lhs rel rhs`` is within ``MARGIN`` of 0, relative to the sides' sizes (finite sides only)."""
    try:
        a, b = float(lhs), float(rhs)
    except (TypeError, ValueError, OverflowError):
        return False
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(float(slack_of(rel, a, b))) <= MARGIN * max(1.0, abs(a), abs(b))


#: The most instances of a family of assumptions :func:`assumed_instances` lists.
MAX_ASSUMED_INSTANCES = 64


def assumed_instances(h: Assume, subs: Mapping | None = None) -> list[Statement] | None:
    """The statements a model of the ``assume`` hypothesis ``h`` must keep, at the parameter values ``subs``
    (symbol → sympy Integer): its statement, or every instance of a family of assumptions (its ``statement``, the sum over
    the range that the kernel uses, is weaker: a model of the sum need not be one of the family); ``None`` when the
    range's ends are not integers there, or it has more than :data:`MAX_ASSUMED_INSTANCES` members."""
    if not isinstance(h, AssumeFamily):
        return [h.statement]
    lo, hi = (h.lo.xreplace(subs), h.hi.xreplace(subs)) if subs else (h.lo, h.hi)
    if not (lo.is_Integer and hi.is_Integer) or hi - lo >= MAX_ASSUMED_INSTANCES:
        return None
    return [h.body.xreplace({h.index: i})
            for i in range(int(lo), int(hi) + 1)]


# ----------------------------------------------------------------------------- records

@dataclass
class CounterexampleRecord:
    """A model on which a claim is false: the exact joint pmf, parameters, both sides' values."""

    step: str
    claim: str
    lhs: str
    rhs: str
    slack: str
    model: dict
    shrunk: bool = False
    shrink_replays: int = 0
    hypotheses_hold: bool = True
    premises: list[str] = field(default_factory=list)
    dps: int = 50
    certified: bool = False
    method: str | None = None
    slack_enclosure: str | None = None
    not_certified_because: str | None = None

    @property
    def verdict(self) -> str:
        """``certified violation`` or ``numerical violation, not certified``."""
        return "certified violation" if self.certified else "numerical violation, not certified"

    def to_json(self) -> dict:
        return {
            "step": self.step,
            "claim": self.claim,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "slack": self.slack,
            "joint": self.model.get("joint"),
            "distributions": self.model.get("distributions"),
            "params": self.model.get("params"),
            "alphabet_sizes": self.model.get("alphabet_sizes"),
            "network": self.model.get("network"),
            **({"description": self.model["description"]} if self.model.get("description") else {}),
            **({"covariance": self.model["covariance"]} if self.model.get("covariance") else {}),  # Gaussian
            **({"noise_widths": self.model["noise_widths"]} if self.model.get("noise_widths") else {}),  # noisy
            "premises_holding": list(self.premises),
            "hypotheses_hold": self.hypotheses_hold,
            "shrunk": self.shrunk,
            "dps": self.dps,
        }

    def certification_json(self) -> dict:
        """``{"certified", "certification", "slack_enclosure", "verdict"[, "not_certified_because"]}``: kept
        beside the counterexample (whose JSON ``derive eval --model-file`` reads back unchanged)."""
        out = {"certified": self.certified, "certification": self.method, "slack_enclosure": self.slack_enclosure,
               "verdict": self.verdict}
        if not self.certified:
            out["not_certified_because"] = self.not_certified_because
        return out

    def to_error(self) -> Counterexample:
        """The record as a :class:`~derive.errors.Counterexample` exception."""
        return Counterexample(f"{self.claim} is false: lhs = {self.lhs}, rhs = {self.rhs}",
                              distribution=self.model, lhs=self.lhs, rhs=self.rhs, step=self.step)

    def text(self) -> str:
        m = self.model
        lines = [f"lhs = {self.lhs}", f"rhs = {self.rhs}"] + ([f"model: {m['description']}"] if m.get("description") else [])
        if m.get("params"):
            lines.append("params: " + ", ".join(f"{k} = {v}" for k, v in m["params"].items()))
        if m.get("alphabet_sizes"):
            lines.append("alphabets: " + ", ".join(f"|{k}| = {v}" for k, v in m["alphabet_sizes"].items()))
        if m.get("network"):
            lines.append(f"network: {m['network']}")
        if m.get("noise_widths"):
            lines.append("noise widths: " + ", ".join(f"w_{k} = {v}" for k, v in m["noise_widths"].items()))
        j = m.get("joint")
        if j:
            lines.append(f"joint P({', '.join(j['names'])}) = {_flat_table(j['table'])}")
        if m.get("distributions"):
            for k, v in m["distributions"].items():
                lines.append(f"{k} = [{', '.join(map(str, v))}]")
        if self.certified:
            lines.append(f"certified violation ({self.method} arithmetic): slack in {self.slack_enclosure}")
        else:
            lines.append("numerical violation, not certified" + (
                f" ({self.not_certified_because})" if self.not_certified_because else ""))
        return "\n".join(lines)


def _flat_table(t: Any) -> str:
    if isinstance(t, list):
        return "[" + ", ".join(_flat_table(x) for x in t) + "]"
    return str(t)


@dataclass
class StepVerification:
    """The numeric verdict on one step (or the theorem, ``id == "theorem"``)."""

    id: str
    rule: str
    claim: str
    status: str = SKIPPED
    samples: int = 0
    skipped_premises: int = 0
    errors: int = 0
    reason: str | None = None
    counterexample: CounterexampleRecord | None = None
    premises: tuple[str, ...] = ()
    line: int | None = None
    first_error: str | None = None

    def to_json(self) -> dict:
        out = {"id": self.id, "status": self.status, "samples": self.samples,
               "counterexample": self.counterexample.to_json() if self.counterexample else None,
               "rule": self.rule, "claim": self.claim, "skipped": self.skipped_premises + self.errors}
        if self.counterexample is not None:
            out.update(self.counterexample.certification_json())
        if self.skipped_premises:
            out["skipped_premises"] = self.skipped_premises
        if self.errors:
            out["errors"] = self.errors
        if self.premises:
            out["premises"] = list(self.premises)
        if self.reason:
            out["reason"] = self.reason
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass
class VerifyReport:
    """Per-step numeric verdicts for one proof."""

    name: str
    file: str | None
    steps: list[StepVerification]
    samples: int
    models: int
    rejected: int
    seed: int
    dps: int
    seconds: float = 0.0

    @property
    def status(self) -> str:
        """``failed`` / ``suspected`` if any step is; ``tested`` only when *every* step was tested on some model;
        ``partly tested`` when some steps were and others were evaluated on no model; else ``skipped``."""
        s = {r.status for r in self.steps}
        if FAILED in s:
            return FAILED
        if SUSPECTED in s:
            return SUSPECTED
        if TESTED in s:
            return PARTLY_TESTED if SKIPPED in s else TESTED
        return SKIPPED

    def failures(self) -> list[StepVerification]:
        """Steps with a certified counterexample."""
        return [r for r in self.steps if r.status == FAILED]

    def suspicions(self) -> list[StepVerification]:
        """Steps numerically false on a model whose violation could not be certified."""
        return [r for r in self.steps if r.status == SUSPECTED]

    def get(self, step_id: str) -> StepVerification:
        for r in self.steps:
            if r.id == step_id:
                return r
        raise InvalidArgument(f"Expected a step of {self.name!r} but got {step_id!r}")

    def to_json(self) -> dict:
        return {"file": self.file, "name": self.name, "status": self.status,
                "steps": [s.to_json() for s in self.steps], "samples": self.samples, "models": self.models,
                "rejected": self.rejected, "seed": self.seed, "dps": self.dps, "seconds": round(self.seconds, 3)}


class _Sample:
    """Caches for one drawn model: float model, parameter-expression values, premise verdicts."""

    def __init__(self, drawn: DrawnModel, units: str, dps: int,
                 noise_widths: Mapping[str, Fraction] | None = None) -> None:
        self.drawn = drawn
        self.units = units
        self.dps = dps
        #: continuous variables: the discrete value plus uniform noise of this width (see :func:`_noise_log`)
        self.noise_widths = dict(noise_widths or {})
        self.base = 2 if units == "bits" else "e"
        self.fmodel = drawn.model()
        joint = self.fmodel.joint
        self.ftable = joint.table if joint is not None else None
        self.faxes = {n: k for k, n in enumerate(joint.names)} if joint is not None else {}
        self.ln_base = math.log(2) if units == "bits" else 1.0
        self.num_cache: dict = {}
        self.conditions: dict[str, bool | None] = {}
        self._exact: Model | None = None

    def exact(self) -> Model:
        if self._exact is None:
            self._exact = self.drawn.exact_model()
        return self._exact

    def entropy_float(self, names: tuple[str, ...]) -> float:
        """``H(names)`` of the float64 joint (cached per subset)."""
        key = ("H", names)
        v = self.num_cache.get(key)
        if v is None:
            try:
                keep = {self.faxes[n] for n in names}
            except KeyError as err:
                raise InvalidArgument(f"Expected a variable of the model but got {err.args[0]}") from None
            drop = tuple(a for a in range(self.ftable.ndim) if a not in keep)
            m = np.add.reduce(self.ftable, axis=drop) if drop else self.ftable
            v = float(np.add.reduce(entr(m), axis=None)) / self.ln_base
            v += sum(math.log(self.noise_widths[n]) for n in names if n in self.noise_widths) / self.ln_base
            self.num_cache[key] = v
        return v

    def entropy_mp(self, names: tuple[str, ...]) -> mpmath.mpf:
        """``H(names)`` from the exact integer table: ``log D - sum N log N / D`` (current mpmath precision)."""
        key = ("Hmp", frozenset(names))
        v = self.num_cache.get(key)
        if v is None:
            counts, denom = self.drawn.integer_marginal(names)
            logs = self.num_cache.setdefault("logs", {})
            total = mpmath.mpf(0)
            for x in counts:
                if x:
                    lx = logs.get(x)
                    if lx is None:
                        lx = logs[x] = mpmath.log(x)
                    total += x * lx
            ld = logs.get(denom)
            if ld is None:
                ld = logs[denom] = mpmath.log(denom)
            v = ld - total / denom
            for n in names:
                if n in self.noise_widths:
                    w = self.noise_widths[n]
                    v += mpmath.log(w.numerator) - mpmath.log(w.denominator)
            if self.base == 2:
                v = v / mpmath.log(2)
            self.num_cache[key] = v
        return v

    def side_value(self, side: Side, mp: bool, *, with_scale: bool = False) -> Any:
        """``side`` on this model: float64 on the float joint, or mpmath (current precision) on the exact one.

        ``with_scale``: also ``Σ |term|`` (constants and ``|c·v|``), the size rounding errors scale with when
        huge multiples cancel (``10^400·I(X; Y) - 10^400·I(X; Y, Z)`` on a model where both are equal)."""
        P = self.drawn.params
        zero = mpmath.mpf(0) if mp else 0.0
        total = scale = zero
        for f in side.const:
            v = f(P, mp)
            total += v
            scale += abs(v)
        for coeffs, kind, payload in side.terms:
            c = zero
            for f in coeffs:
                c += f(P, mp)
            if c == 0:
                continue
            if kind == "H":
                v = self.entropy_mp(payload) if mp else self.entropy_float(payload)
            elif mp:
                v = evaluate(payload, self.exact(), units=self.units, precision="mp", dps=self.dps)
            else:
                v = evaluate(payload, self.fmodel, units=self.units)
            total += c * v
            scale += abs(c * v)
        return (total, scale) if with_scale else total


def _tolerance(dps: int) -> mpmath.mpf:
    return mpmath.mpf(10) ** (-(dps * 3) // 5)


def _check(sample: _Sample, comp: CompiledStatement, force_mp: bool = False,
           confirm_violations: bool = True) -> tuple[str, Any, Any]:
    """``("ok" | "violated", lhs, rhs)``; a violation is confirmed with mpmath on the exact model.

    Inequalities: a float64 slack above the margin passes; anything else is decided at ``dps`` digits.
    Equalities: a float64 difference at rounding level (``1e-13`` relative) passes, anything larger is
    decided at ``dps`` digits; ``force_mp`` decides at ``dps`` digits regardless. With
    ``confirm_violations=False`` (premises) a clear float64 violation is taken as it is.
    Raises ``DeriveError``/``ArithmeticError`` when the statement cannot be evaluated on this model.
    """
    if sample.noise_widths and (why := _infinite_on(comp, frozenset(sample.noise_widths))):
        raise InvalidArgument(why)
    lhs = sample.side_value(comp.lhs, False)
    rhs = sample.side_value(comp.rhs, False)
    if force_mp or math.isnan(lhs) or math.isnan(rhs):  # float64 overflow (10^400 * 0): decide at dps digits
        return _confirm(sample, comp)
    scale = max(1.0, abs(lhs) if math.isfinite(lhs) else 1.0, abs(rhs) if math.isfinite(rhs) else 1.0)
    margin = MARGIN * scale
    if comp.rel == "==":
        if lhs == rhs or (math.isfinite(lhs) and math.isfinite(rhs) and abs(lhs - rhs) <= EQUAL_ROUNDING * scale):
            return "ok", lhs, rhs
        if not confirm_violations and (not math.isfinite(lhs - rhs) or abs(lhs - rhs) > margin):
            return "violated", lhs, rhs
    else:
        slack = rhs - lhs if comp.rel == "<=" else lhs - rhs
        if math.isnan(slack):  # both sides overflowed float64: decide at dps digits
            return _confirm(sample, comp)
        if slack > margin:
            return "ok", lhs, rhs
        if not confirm_violations and slack < -margin:
            return "violated", lhs, rhs
    return _confirm(sample, comp)


def _infinite_on(comp: CompiledStatement, noisy: frozenset) -> str | None:
    """:func:`~derive.numeric.noisy.infinite_for_continuous` of the compiled statement, cached on it per set of
    noisy variables."""
    cache = comp.__dict__.setdefault("_infinite", {})
    if noisy not in cache:
        cache[noisy] = infinite_for_continuous(comp.statement, noisy)
    return cache[noisy]


def _confirm(sample: _Sample, comp: CompiledStatement) -> tuple[str, Any, Any]:
    with mpmath.workdps(sample.dps + 10):
        lhs, lhs_scale = sample.side_value(comp.lhs, True, with_scale=True)
        rhs, rhs_scale = sample.side_value(comp.rhs, True, with_scale=True)
        if mpmath.isnan(lhs) or mpmath.isnan(rhs):
            raise InvalidArgument("a side evaluates to nan")
        # relative to the terms' sizes, not the (possibly cancelled) result
        tol = _tolerance(sample.dps) * max(1, *(x for x in (lhs_scale, rhs_scale) if mpmath.isfinite(x)))
        if comp.rel == "==":
            bad = lhs != rhs and not (mpmath.isfinite(lhs) and mpmath.isfinite(rhs) and abs(lhs - rhs) <= tol)
        else:
            slack = rhs - lhs if comp.rel == "<=" else lhs - rhs
            if mpmath.isnan(slack):
                raise InvalidArgument("the two sides are both infinite")
            bad = slack < -tol
    return ("violated" if bad else "ok"), lhs, rhs


# ----------------------------------------------------------------------------- the proof's targets

@dataclass
class _Target:
    id: str
    rule: str
    statement: Statement
    conditions: tuple[str, ...]
    line: int | None


class _Verifier:
    def __init__(self, proof, *, dps: int, max_cells: int | None = None, max_alphabet: int | None = None) -> None:
        self.proof = proof
        self.dps = dps
        limits = {k: v for k, v in (("max_cells", max_cells), ("max_alphabet", max_alphabet)) if v is not None}
        #: An AWGN channel makes its variables continuous, so every target is then tested on Gaussian models only,
        #: and the factory plans the channel for them (its discrete draws are skeletons, never models).
        self.awgn = any(is_awgn_channel(h) for h in proof.hypotheses.values())
        self.factory = ModelFactory(proof, gaussian=self.awgn, **limits)
        self.symbols = {n: p.symbol for n, p in proof.parameters.items()}
        self.targets = self._targets()
        self._compiled: dict[tuple, CompiledStatement] = {}
        self.assumptions = {hid: h for hid, h in proof.hypotheses.items() if isinstance(h, Assume)}
        self.continuous = Domains({}, continuous_variables(proof.continuous, proof.hypotheses.values()))

    def _statements_of(self, target: _Target) -> list[Statement]:
        return [target.statement] + [self.assumptions[c].statement for c in target.conditions
                                     if c in self.assumptions]

    def not_discrete(self, target: _Target) -> str | None:
        """Why the finite models are no evidence for ``target`` (see the module docstring), or ``None``."""
        if why := noise_breaks_a_hypothesis(self.proof):
            return why
        names = self._continuous_in([node for st in self._statements_of(target) for side in (st.lhs, st.rhs)
                                     for node in sympy.preorder_traversal(side)])
        if names:
            return (f"it names the continuous variable(s) {names}, and the numeric models are discrete (on a "
                    "discrete model H(X) >= 0 holds; a continuous X can have H(X) < 0)")
        return None

    def why_not_noisy(self, target: _Target) -> str | None:
        """Why ``target`` (naming continuous variables) cannot be tested on the noisy models — the discrete ones with
        each continuous variable its value plus uniform noise (:meth:`noise_widths`) —, or ``None``."""
        if self.awgn:
            return "an AWGN channel's variables are Gaussian"
        if why := noise_breaks_a_hypothesis(self.proof):
            return why
        if any(c.startswith("fano:") for c in target.conditions):
            return "it rests on a fano step (read on discrete variables)"
        if not all(uses_only_entropies(side) for st in self._statements_of(target) for side in (st.lhs, st.rhs)):
            return "it names a quantity other than H and I"
        return None

    def noise_widths(self, drawn: DrawnModel, rng: random.Random) -> dict[str, Fraction]:
        """A scale ``w = 2^-k`` (``k`` from :data:`NOISE_LOG2_WIDTHS`) per continuous variable or family of the
        proof, for every continuous variable of the model ``drawn`` (a family's members share their family's)."""
        per_family = {n: Fraction(1, 2) ** rng.choice(NOISE_LOG2_WIDTHS) for n in sorted(self.continuous.continuous)}
        return widths_on(drawn.plan.order, per_family)

    def _continuous_in(self, nodes) -> str:
        found = {show(n) for n in nodes if isinstance(n, RVItem) and self.continuous.is_continuous(n)}
        return ", ".join(sorted(found))

    def _targets(self) -> list[_Target]:
        proof = self.proof
        own: dict[str, set[str]] = {}
        step_ids = {s.id for s in proof.steps}
        for s in proof.steps:
            c = {p for p in s.premises if isinstance(proof.hypotheses.get(p), Assume)}
            if s.rule == "fano":
                c.add(f"fano:{s.id}")
            own[s.id] = c
        memo: dict[str, set[str]] = {}

        def conds(sid: str, stack: tuple = ()) -> set[str]:
            if sid in memo:
                return memo[sid]
            if sid in stack:
                return set()
            out = set(own[sid])
            for p in proof.get_step(sid).premises:
                if p in step_ids:
                    out |= conds(p, stack + (sid,))
            memo[sid] = out
            return out

        out = [_Target(s.id, s.rule, s.claim, tuple(sorted(conds(s.id))), s.line) for s in proof.steps]
        if proof.theorem is not None:
            c: set[str] = set()
            for p in proof.theorem.from_steps:
                if p in step_ids:
                    c |= conds(p) 
                elif isinstance(proof.hypotheses.get(p), Assume):
                    c.add(p)
            out.append(_Target("theorem", "compose", proof.theorem.claim, tuple(sorted(c)), proof.theorem.line))
        return out

    def compiled(self, key: str, st: Statement, int_values: Mapping[str, int]) -> CompiledStatement:
        k = (key, tuple(sorted(int_values.items())))
        comp = self._compiled.get(k)
        if comp is None:
            subs = {self.symbols[n]: sympy.Integer(v) for n, v in int_values.items() if n in self.symbols}
            comp = CompiledStatement(st, subs)
            self._compiled[k] = comp
        return comp

    # premises ---------------------------------------------------------------
    def premise(self, cid: str, int_values: Mapping[str, int]) -> list[CompiledStatement]:
        """The ``assume`` premise ``cid`` compiled at the model's integer parameters: its statement, or every
        instance of a family of assumptions over its range there (the family's ``statement``, the sum over the
        range that the kernel uses, is weaker: a model of the sum need not be one of the family)."""
        h = self.assumptions[cid]
        if not isinstance(h, AssumeFamily):
            return [self.compiled(f"hyp:{cid}", h.statement, int_values)]
        instances = assumed_instances(h, {self.symbols[n]: sympy.Integer(v) for n, v in int_values.items()
                                          if n in self.symbols})
        if instances is None:
            raise InvalidArgument(f"the instances of the family of assumptions {cid} cannot be listed here")
        return [self.compiled(f"hyp:{cid}[{k}]", st, int_values) for k, st in enumerate(instances)]

    def condition(self, sample: _Sample, cid: str) -> bool | None:
        """Whether premise ``cid`` holds on the sample (``None``: it cannot be evaluated there)."""
        if cid in sample.conditions:
            return sample.conditions[cid]
        try:
            if cid.startswith("fano:"):
                ok = self._fano_holds(sample, cid[5:])
            else:
                ok = all(_check(sample, comp, confirm_violations=False)[0] == "ok"
                         for comp in self.premise(cid, sample.drawn.int_values))
        except (DeriveError, ArithmeticError, ValueError, TypeError):
            ok = None
        sample.conditions[cid] = ok
        return ok

    def _fano_holds(self, sample: _Sample, sid: str) -> bool:
        """``|X| <= k``, ``2 <= k``, ``P_e(MAP) <= pe <= 1 - 1/k`` on this model (exact where possible)."""
        step = self.proof.get_step(sid)
        lhs = step.claim.lhs if step.claim.rel != ">=" else step.claim.rhs
        if not isinstance(lhs, H):
            return False
        drawn = sample.drawn
        pe_e, k_e = step.args.get("error"), step.args.get("alphabet")
        values = {**drawn.params}
        subs = {self.symbols[n]: (sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                                  else sympy.Integer(v)) for n, v in values.items() if n in self.symbols}
        pe = pe_e.xreplace(subs) if pe_e is not None else None
        k = k_e.xreplace(subs) if k_e is not None else None
        if pe is None or k is None or not (pe.is_Rational and k.is_Rational):
            return False  # exact values are needed to compare with the exact MAP error
        xs = rvset_names(lhs.target)
        ys = rvset_names(lhs.given)
        size_x = math.prod(drawn.sizes.get(x, 1) for x in xs)
        if not (k >= 2 and size_x <= k and pe >= 0 and pe <= 1 - 1 / k):
            return False
        err = drawn.map_error(xs, ys)
        if err is None:
            return False
        return bool(pe >= sympy.Rational(err.numerator, err.denominator))

    def holds_premises(self, sample: _Sample, target: _Target) -> bool:
        return all(self.condition(sample, c) is True for c in target.conditions)

    # checking -----------------------------------------------------------------
    def check(self, sample: _Sample, target: _Target, force_mp: bool = False) -> tuple[str, Any, Any]:
        comp = self.compiled(f"step:{target.id}", target.statement, sample.drawn.int_values)
        return _check(sample, comp, force_mp)

    def violated(self, drawn: DrawnModel, target: _Target,
                 widths: Mapping[str, Fraction] | None = None) -> tuple[bool, _Sample | None, Any, Any]:
        sample = _Sample(drawn, self.proof.units, self.dps, widths_on(drawn.plan.order, widths))
        if not self.holds_premises(sample, target):
            return False, None, None, None
        try:
            verdict, lhs, rhs = self.check(sample, target)
        except (DeriveError, ArithmeticError, ValueError, TypeError):
            return False, None, None, None
        return verdict == "violated", sample, lhs, rhs


# ----------------------------------------------------------------------------- the driver

def _fmt(v: Any) -> str:
    if isinstance(v, mpmath.mpf):
        return mpmath.nstr(v, 25)
    return repr(v) if isinstance(v, float) else str(v)


def verify_proof(proof, samples: int = 200, seed: int = 0, dps: int = 50, *, shrink: bool = True,
                 time_limit: float | None = None, max_cells: int | None = None,
                 max_alphabet: int | None = None) -> VerifyReport:
    """Test every step and the theorem of ``proof`` on ``samples`` exact models of its hypotheses.

    Parameters
    ----------
    proof
        A :class:`~derive.proof.Proof` (e.g. from :func:`derive.io.read_proof`).
    samples
        Number of models drawn (draws whose parameter values give no valid model are redrawn).
    seed
        Seed of the draws: the same seed gives the same models and report.
    dps
        Decimal digits of the mpmath confirmation (default 50).
    shrink
        Shrink each counterexample to a small case (binary alphabets, small ``n``, simple tables).
    time_limit
        Seconds after which no new models are drawn (``None``: no limit).
    max_cells, max_alphabet
        Caps of the drawn models (joint-table cells, alphabet of a free variable); ``None``: the
        defaults of :class:`~derive.numeric.models.ModelFactory`.

    Returns
    -------
    VerifyReport
        Statuses ``tested`` (never ``proved``), ``failed`` (with a counterexample) or ``skipped`` (with a reason).

    Raises
    ------
    UnrealizableHypotheses
        The hypotheses cannot all be realized by a finite model (names them); nothing is tested instead.
    InvalidArgument
        ``samples < 1`` or ``dps`` outside ``[15, 1000]``.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidArgument(f"Expected samples >= 1 but got samples={samples!r}")
    if isinstance(dps, bool) or not isinstance(dps, int) or not 15 <= dps <= 1000:
        raise InvalidArgument(f"Expected 15 <= dps <= 1000 but got dps={dps!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:   # numpy's generators take seeds >= 0
        raise InvalidArgument(f"Expected an integer seed >= 0 but got seed={seed!r}")
    start = time.monotonic()
    v = _Verifier(proof, dps=dps, max_cells=max_cells, max_alphabet=max_alphabet)
    results = {t.id: StepVerification(t.id, t.rule, _statement_text(t.statement, proof.units, getattr(proof, "written", None)), premises=t.conditions,
                                      line=t.line)
               for t in v.targets}
    not_discrete = {t.id: why for t in v.targets if (why := v.not_discrete(t))}
    no_gaussian = why_not_gaussian(proof) if not_discrete else None
    gaussian = bool(not_discrete) and no_gaussian is None   # every variable continuous: jointly Gaussian models
    # claims naming continuous variables: (also) the noisy models, if they keep every hypothesis and the claim is
    # about H and I only
    not_noisy = {t.id: v.why_not_noisy(t) for t in v.targets if t.id in not_discrete}
    noisy = [t for t in v.targets if t.id in not_noisy and not_noisy[t.id] is None]
    for tid, why in not_discrete.items():
        if gaussian or not_noisy[tid] is None:
            continue
        results[tid].status, results[tid].reason = SKIPPED, f"not tested: {why}" + (
            f"; there are no jointly Gaussian models: {no_gaussian}" if no_gaussian else "") + (
            f"; nor discrete models with noise: {not_noisy[tid]}" if not_noisy[tid] != why else "")
    targets = [t for t in v.targets if t.id not in not_discrete]
    models = rejected = 0
    on_gaussian: dict[str, StepVerification] = {}   # the Gaussian verdicts of steps then tested on noisy models
    if gaussian:
        models = _verify_on_gaussian_models(v, [t for t in v.targets if t.id in not_discrete], results, samples,
                                            seed, start, time_limit)
        noisy = [t for t in noisy if results[t.id].status not in (FAILED, SUSPECTED)]
        for t in noisy:
            on_gaussian[t.id], r = results[t.id], results[t.id]
            results[t.id] = StepVerification(t.id, r.rule, r.claim, premises=r.premises, line=r.line)
    gaussian_models, models = models, 0
    attempt = 0
    first_rejection: str | None = None
    found: dict[str, tuple[list[int], Any, Any, dict | None]] = {}
    near_zero: dict[str, int] = {}   # per step: samples whose slack was 0 to the working precision, certified

    def test(sample: _Sample, t: _Target, choices: list[int]) -> None:
        r = results[t.id]
        if not v.holds_premises(sample, t):
            r.skipped_premises += 1
            return
        try:
            verdict, lhs, rhs = v.check(sample, t, force_mp=r.samples < ALWAYS_MP)
        except (DeriveError, ArithmeticError, ValueError, TypeError) as err:
            r.errors += 1
            if r.first_error is None:
                r.first_error = str(err)
            return
        r.samples += 1
        if verdict == "ok" and t.id not in found and near_zero.get(t.id, 0) < MAX_NEAR_ZERO_CERTIFICATIONS \
                and _near_zero(t.statement.rel, lhs, rhs):
            # 0 to the working precision: interval arithmetic at higher precision may still see a violation
            # (I(U; Y) >= (1 - 2p)^2 I(U; X) - 1e-300 through a BSC(1e-300): slack about -1e-297)
            near_zero[t.id] = near_zero.get(t.id, 0) + 1
            comp = v.compiled(f"step:{t.id}", t.statement, sample.drawn.int_values)
            if certify_violation(sample.drawn, comp.statement, proof.units, sample.noise_widths or None,
                                 exact_sign=False)[0] is not None:
                verdict = "violated"
        if verdict == "violated" and t.id not in found:
            found[t.id] = (choices, lhs, rhs, sample.noise_widths or None)

    while (targets or noisy) and models < samples and attempt < samples * MAX_DRAWS_PER_SAMPLE:  # discrete models
        if time_limit is not None and time.monotonic() - start > time_limit:
            break
        src = RandomChoices(random.Random(seed * 1_000_003 + attempt))
        attempt += 1
        try:
            drawn = v.factory.draw(src)
        except InvalidDraw as err:
            rejected += 1
            first_rejection = first_rejection or err.message
            continue
        models += 1
        sample = _Sample(drawn, proof.units, dps)
        for t in targets:
            test(sample, t, list(src.record))
        if noisy:
            widths = v.noise_widths(drawn, random.Random(seed * 1_000_003 + attempt + NOISE_SEED_OFFSET))
            noisy_sample = _Sample(drawn, proof.units, dps, widths)
            for t in noisy:
                test(noisy_sample, t, list(src.record))
    if models == 0 and gaussian_models == 0 and rejected:
        raise UnrealizableHypotheses(f"none of {rejected} parameter draws from the declared domains gives a valid "
                                     f"model, e.g. {first_rejection}", file=proof.file)
    noisy_ids = {t.id for t in noisy}
    for t in targets + noisy:
        r = results[t.id]
        if t.id in found:
            r.counterexample = _counterexample(v, t, *found[t.id], shrink=shrink)
            where = ("on a model satisfying every hypothesis" + (
                f" and the premises {', '.join(t.conditions)}" if t.conditions else "")
                + (" (a discrete model with uniform noise added to each continuous variable)"
                   if t.id in noisy_ids else ""))
            if r.counterexample.certified:
                r.status = FAILED
                r.reason = f"false {where} (certified violation)"
            else:
                r.status = SUSPECTED
                r.reason = (f"suspected violation (not certified): false at {dps} digits {where}, but interval "
                            f"arithmetic could not certify it ({r.counterexample.not_certified_because})")
        elif r.samples and t.id in on_gaussian:   # tested on both kinds
            g = on_gaussian[t.id]
            r.reason = f"{g.reason}; and {NOISY_MODELS.replace('on noisy', f'on {r.samples} noisy', 1)}"
            r.status, r.samples = TESTED, g.samples + r.samples
            r.skipped_premises += g.skipped_premises
            r.errors += g.errors
            r.first_error = g.first_error or r.first_error
        elif t.id in on_gaussian:
            results[t.id] = on_gaussian[t.id]
        elif r.samples:
            r.status = TESTED
            notes = [NOISY_MODELS] if t.id in noisy_ids else []
            if r.skipped_premises:
                notes.append(f"{r.skipped_premises} model(s) skipped: premise(s) {', '.join(t.conditions)} false there")
            if r.errors:
                notes.append(f"{r.errors} model(s) where it could not be evaluated ({r.first_error})")
            r.reason = "; ".join(notes) or None
        else:
            r.status = SKIPPED
            if r.errors and not r.skipped_premises:
                r.reason = f"could not be evaluated on any model: {r.first_error}"
            elif r.skipped_premises:
                r.reason = (f"the premise(s) {', '.join(t.conditions)} held on none of the {models} models"
                            + (f"; {r.errors} could not be evaluated ({r.first_error})" if r.errors else ""))
            else:
                r.reason = "no model could be drawn" + (
                    f" ({rejected} draws rejected, e.g. {first_rejection})" if first_rejection else "")
    return VerifyReport(proof.name, proof.file, [results[t.id] for t in v.targets], samples,
                        gaussian_models + models, rejected, seed, dps, time.monotonic() - start)


def _verify_on_gaussian_models(v: _Verifier, targets: list[_Target], results: dict, samples: int, seed: int,
                               start: float, time_limit: float | None) -> int:
    """Test ``targets`` (claims about continuous variables) on jointly Gaussian models
    (:mod:`derive.numeric.gaussian`), at ``v.dps`` digits; a violation counts only when arb certifies it, with
    every premise certainly holding. No shrinking (the covariance is printed as drawn)."""
    proof = v.proof
    found: dict[str, tuple] = {}
    models = attempt = 0
    first_rejection: str | None = None
    for t in targets:
        results[t.id].status, results[t.id].reason = SKIPPED, None
    while models < samples and attempt < samples * MAX_DRAWS_PER_SAMPLE:
        if time_limit is not None and time.monotonic() - start > time_limit:
            break
        src = RandomChoices(random.Random(seed * 1_000_003 + attempt + GAUSSIAN_SEED_OFFSET))
        attempt += 1
        try:
            g = draw_gaussian(v.factory, src)
        except InvalidDraw as err:
            first_rejection = first_rejection or err.message
            continue
        if g.violations(proof):  # pragma: no cover - the plan's d-separations hold in a linear Gaussian network
            continue
        models += 1
        for t in targets:
            r = results[t.id]
            try:
                if not all(all(_gaussian_decided(v, g, comp)[0] == "ok" for comp in v.premise(c, g.int_values))
                           if c in v.assumptions else False for c in t.conditions):
                    r.skipped_premises += 1
                    continue
                verdict, lhs, rhs = _gaussian_decide(v, g, f"step:{t.id}", t.statement)
            except (DeriveError, ArithmeticError, ValueError, TypeError) as err:
                r.errors += 1
                r.first_error = r.first_error or str(err)
                continue
            r.samples += 1
            if verdict == "violated" and t.id not in found:
                found[t.id] = (g, lhs, rhs)
    where = f"{models} jointly Gaussian models (the claim names continuous variables)"
    for t in targets:
        r = results[t.id]
        if t.id in found:
            r.counterexample = _gaussian_record(v, t, *found[t.id])
            if r.counterexample.certified:
                r.status, r.reason = FAILED, "false on a jointly Gaussian model satisfying every hypothesis" + (
                    f" and the premises {', '.join(t.conditions)}" if t.conditions else "") + " (certified violation)"
            else:
                r.status = SUSPECTED
                r.reason = (f"suspected violation (not certified) on a jointly Gaussian model: "
                            f"{r.counterexample.not_certified_because}")
        elif r.samples:
            r.status, r.reason = TESTED, f"on {r.samples} of {where}" + (
                f"; {r.skipped_premises} skipped: premise(s) {', '.join(t.conditions)} false there"
                if r.skipped_premises else "") + (f"; {r.errors} not evaluated ({r.first_error})" if r.errors else "")
        else:
            r.reason = (f"evaluated on none of {where}: " + (r.first_error or "its premises held on none")
                        if models else "no jointly Gaussian model could be drawn" + (
                            f" (e.g. {first_rejection})" if first_rejection else ""))
    return models


def _gaussian_decide(v: _Verifier, g, key: str, statement: Statement) -> tuple[str, Any, Any]:
    """``("ok" | "violated", lhs, rhs)`` of ``statement`` on the Gaussian model ``g`` at ``v.dps`` digits."""
    return _gaussian_decided(v, g, v.compiled(key, statement, g.int_values))


def _gaussian_decided(v: _Verifier, g, comp: CompiledStatement) -> tuple[str, Any, Any]:
    """:func:`_gaussian_decide` of a compiled statement."""
    with mpmath.workdps(v.dps + 10):
        lhs, rhs = gaussian_sides(g, comp, v.proof.units)
        tol = _tolerance(v.dps) * max(1, abs(lhs), abs(rhs))
        return ("violated" if slack_of(comp.rel, lhs, rhs) < -tol else "ok"), lhs, rhs


def _gaussian_record(v: _Verifier, target: _Target, g, lhs: Any, rhs: Any) -> CounterexampleRecord:
    units = v.proof.units
    comp = v.compiled(f"step:{target.id}", target.statement, g.int_values)
    cert, why = certified_gaussian_slack(g, comp.statement, units, "negative")
    for cid in target.conditions if cert is not None else ():
        if any(certified_gaussian_slack(g, prem.statement, units, "nonnegative")[0] is None
               for prem in v.premise(cid, g.int_values)):
            cert, why = None, f"the premise {cid} holds only numerically (interval arithmetic cannot certify it)"
            break
    with mpmath.workdps(v.dps + 10):
        slack = slack_of(target.statement.rel, lhs, rhs)
    slack = _slack_shown(slack, cert, v.dps)
    return CounterexampleRecord(
        step=target.id, claim=_statement_text(target.statement, units, getattr(v.proof, "written", None)),
        lhs=_fmt(lhs), rhs=_fmt(rhs), slack=_fmt(slack), model=g.as_dict(), premises=list(target.conditions),
        dps=v.dps, certified=cert is not None, method=cert.method if cert is not None else None,
        slack_enclosure=cert.text() if cert is not None else None, not_certified_because=why)


def _counterexample(v: _Verifier, target: _Target, choices: list[int], lhs: Any, rhs: Any,
                    widths: Mapping[str, Fraction] | None = None, *, shrink: bool) -> CounterexampleRecord:
    """The record of a violation found with ``choices`` (and the noise ``widths`` of a noisy model, kept while
    shrinking)."""
    replays = 0
    shrunk = False
    original = list(choices)
    if shrink:
        new, replays = shrink_choices(v.factory.draw, lambda drawn: v.violated(drawn, target, widths)[0], choices,
                                      time.monotonic() + SHRINK_SECONDS, budget=SHRINK_BUDGET)
        shrunk = new != choices
        choices = new
    rec = _record(v, target, choices, lhs, rhs, shrunk, replays, widths)
    if not rec.certified and shrunk:  # the shrunk model may sit where the certification fails: try the original
        first = _record(v, target, original, lhs, rhs, False, replays, widths)
        if first.certified:
            return first
    return rec


def _record(v: _Verifier, target: _Target, choices: list[int], lhs: Any, rhs: Any, shrunk: bool,
            replays: int, widths: Mapping[str, Fraction] | None = None) -> CounterexampleRecord:
    drawn = v.factory.draw(ReplayChoices(choices))
    widths = widths_on(drawn.plan.order, widths)
    bad, _, lhs2, rhs2 = v.violated(drawn, target, widths)
    if bad:  # else (never: replaying a recorded violation is deterministic) the recorded values stand
        lhs, rhs = lhs2, rhs2
    with mpmath.workdps(v.dps + 10):
        slack = slack_of(target.statement.rel, lhs, rhs) if isinstance(lhs, mpmath.mpf) and isinstance(
            rhs, mpmath.mpf) else None
    violations = hypothesis_violations(drawn) if drawn.plan.order else []
    comp = v.compiled(f"step:{target.id}", target.statement, drawn.int_values)
    cert, why = certify_violation(drawn, comp.statement, v.proof.units, widths)
    if cert is not None and violations:  # pragma: no cover - models satisfy their hypotheses by construction
        cert, why = None, f"the model violates a hypothesis ({violations[0]})"
    if cert is not None:  # the premises (assume statements) must certainly hold on the model too
        for cid in target.conditions:
            if cid.startswith("fano:"):
                continue  # decided exactly (Fractions) by _fano_holds
            if not all(certify_holds(drawn, prem.statement, v.proof.units, widths)
                       for prem in v.premise(cid, drawn.int_values)):
                cert, why = None, f"the premise {cid} holds only numerically (interval arithmetic cannot certify it)"
                break
    slack = _slack_shown(slack, cert, v.dps)
    return CounterexampleRecord(
        step=target.id, claim=_statement_text(target.statement, v.proof.units, getattr(v.proof, "written", None)), lhs=_fmt(lhs), rhs=_fmt(rhs),
        slack=_fmt(slack) if slack is not None else "", model=_with_noise(drawn.as_dict(), widths), shrunk=shrunk,
        shrink_replays=replays, hypotheses_hold=not violations, premises=list(target.conditions), dps=v.dps,
        certified=cert is not None, method=cert.method if cert is not None else None,
        slack_enclosure=cert.text() if cert is not None else None, not_certified_because=why)


def _slack_shown(slack: Any, cert: Any, dps: int) -> Any:
    """The slack a certified counterexample prints: the computed one, or, when it is not negative (a violation below
    the working precision), the midpoint of the certified enclosure."""
    if cert is not None and slack is not None and slack >= 0 and getattr(cert, "interval", None) is not None:
        with mpmath.workdps(dps + 10):
            return mpmath.mpf(cert.interval.mid().str(30, radius=False))
    return slack


def _with_noise(model: dict, widths: Mapping[str, Fraction] | None) -> dict:
    """A discrete model's record, with the noise widths of its continuous variables (a noisy model)."""
    if widths:
        model = {**model, "noise_widths": {n: str(w) for n, w in sorted(widths.items())},
                 "description": NOISY_MODELS.replace("on noisy models: discrete ones", "the discrete model below")}
    return model


# ----------------------------------------------------------------------------- certification

def _arb_model(drawn: DrawnModel, units: str, widths: Mapping[str, Fraction] | None = None) -> Any:
    """The shared arb evaluator (:class:`derive.numeric.certify.ArbInformation`) over the exact model ``drawn``
    (``widths``: the noise widths of its continuous variables)."""
    from derive.numeric.certify import ArbInformation

    def marginal(names: frozenset) -> tuple[list[int], int]:
        if not drawn.plan.order:
            raise ValueError("the model has no joint table")
        return drawn.integer_marginal(sorted(names))

    return ArbInformation(marginal, drawn.dists or {}, drawn.params, units, widths)


def certify_violation(drawn: DrawnModel, statement: Statement, units: str,
                      widths: Mapping[str, Fraction] | None = None, *,
                      exact_sign: bool = True) -> tuple[Any, str | None]:
    """``(CertifiedValue, None)`` when ``statement`` (sums expanded) is *certainly* false on the exact model
    ``drawn`` (with noise of ``widths`` on its continuous variables) — the arb enclosure of its slack lies strictly
    below 0 —, else ``(None, reason)``. ``exact_sign=False``: intervals only, no exact sign engine for a ball
    that holds 0 (the cheap check of slacks that are 0 to the working precision)."""
    from derive.numeric.certify import certified_slack

    return certified_slack(lambda: _arb_model(drawn, units, widths), statement, "negative", exact_sign=exact_sign)


def certify_holds(drawn: DrawnModel, statement: Statement, units: str,
                  widths: Mapping[str, Fraction] | None = None) -> bool:
    """Whether ``statement`` *certainly* holds on the exact model: the enclosure of its slack lies in
    ``[0, inf)`` (an equality only when both sides are enclosed exactly)."""
    from derive.numeric.certify import certified_slack

    return certified_slack(lambda: _arb_model(drawn, units, widths), statement, "nonnegative")[0] is not None


def _statement_text(st: Statement, units: str, written: Any = None) -> str:
    try:
        from derive.io import format_statement

        return format_statement(st, units, written)  # written: the author's argument order (Proof.written)
    except Exception:  # noqa: BLE001 - printing must never hide a counterexample
        return str(st)


def verify_file(path, samples: int = 200, seed: int = 0, dps: int = 50, **kw: Any) -> VerifyReport:
    """Read the proof file at ``path`` (structure validated with the kernel's rule names) and verify it."""
    from derive.io import read_proof
    from derive.kernel.rules import rule_names

    proof = read_proof(path)
    proof.validate(rule_names())
    return verify_proof(proof, samples=samples, seed=seed, dps=dps, **kw)


# ----------------------------------------------------------------------------- kernel vs numbers

@dataclass
class KernelDisagreement:
    """A step the kernel accepted (``proved``/``assumed``) that a model contradicts."""

    id: str
    kernel_status: str
    message: str
    kernel_bug: bool
    counterexample: CounterexampleRecord | None = None
    certified: bool = True

    def to_json(self) -> dict:
        return {"id": self.id, "kernel_status": self.kernel_status, "kernel_bug": self.kernel_bug,
                "certified": self.certified, "message": self.message,
                "counterexample": self.counterexample.to_json() if self.counterexample else None}


def verify_report_against_kernel(report, vreport: VerifyReport) -> list[KernelDisagreement]:
    """Steps the kernel accepted but the numbers contradict (for ``derive check --verify N``).

    A ``proved`` step with a certified counterexample is a **KERNEL BUG** (the trusted kernel accepted a
    false statement); with a suspected violation (``certified`` false: numerically false, not certified) it
    is reported as a *possible* kernel bug (``kernel_bug`` stays true, so ``derive check --verify`` exits 1
    as before). An ``assumed`` step with one rests on a cited lemma or an assumption that does not say
    what the proof needs. Steps the kernel refused are not listed.
    """
    rows = list(report.steps) + ([report.theorem] if getattr(report, "theorem", None) is not None else [])
    out: list[KernelDisagreement] = []
    for row in rows:
        try:
            num = vreport.get(row.id)
        except InvalidArgument:
            continue
        if num.status not in (FAILED, SUSPECTED):
            continue
        ce = num.counterexample
        where = f" ({ce.text().splitlines()[0]}, {ce.text().splitlines()[1]})" if ce else ""
        certified = num.status == FAILED
        if row.status == "proved":
            out.append(KernelDisagreement(
                row.id, row.status,
                (f"KERNEL BUG: step {row.id!r} was PROVED by the kernel but is FALSE on a model satisfying every "
                 f"hypothesis{where} (certified violation). Please report this with the proof file and the "
                 "counterexample.") if certified else
                (f"POSSIBLE KERNEL BUG: step {row.id!r} was PROVED by the kernel but looks false on a model "
                 f"satisfying every hypothesis{where}: a suspected violation (numerical violation, not certified). "
                 "Please report this with the proof file and the model."),
                True, ce, certified))
        elif row.status == "assumed":
            out.append(KernelDisagreement(
                row.id, row.status,
                (f"step {row.id!r} rests on a cited lemma or assumption, and is FALSE on a model satisfying every "
                 f"hypothesis and premise{where} (certified violation): the cited result does not say what this "
                 "step needs") if certified else
                (f"step {row.id!r} rests on a cited lemma or assumption, and looks false on a model satisfying "
                 f"every hypothesis and premise{where}: a suspected violation (numerical violation, not "
                 "certified)"),
                False, ce, certified))
    return out
