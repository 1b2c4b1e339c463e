"""``derive prove`` on a claim with parameters (``--param "p = 0 <= p <= 1/2"``), over families of every size
(``X[i]`` and ``X[1..n]`` together, sums to ``n``), or about distributions (``D``, ``TV``).

The finite prover decides claims over a fixed set of random variables with no parameter. Such a claim is decided
in three untrusted-to-trusted steps:

1. **For every value.** The claim becomes a one-step proof file (:func:`derive.commands.prove.proof_file_for`:
   parameters from ``--param`` and from the indices and the sums' limits, a family size ``integer >= 1`` unless
   ``--param`` says otherwise, each family over ``1..`` its upper end, the ``--given`` hypotheses, one step trying
   the rules of :func:`rules_for` in turn), checked as ``derive check`` checks it: the oracles propose, the kernel
   re-checks. ``proved`` then holds for every parameter value in the domains (``assumed`` when it rests on a cited
   fact, listed), and the printed proof file is the certificate (``derive check`` proves it again).
2. **At the first values.** Otherwise each parameter takes its first values
   (:func:`derive.numeric.real.simple_parameter_values`: a size's least values, a real's ends, midpoint and simple
   rationals; at most :data:`MAX_INSTANCES` instances among :data:`MAX_CANDIDATES`; an instance naming a member
   outside a family's range, or an empty block, is skipped), and each instance is decided by the finite prover. A
   ``false`` instance is a certified counterexample (the claim is false at that value, so not for every value).
   Skipped under ``iid``, ``channel`` and ``assume`` hypotheses, which the finite prover's models need not satisfy.
3. **On drawn models.** Otherwise exact models of the hypotheses are drawn as ``derive verify`` draws them
   (parameter values, channel laws and identical distributions built in; :data:`MODEL_SAMPLES` models within
   :data:`MODEL_SECONDS`); a violation certified by interval arithmetic on a model satisfying every hypothesis is
   a counterexample (an ``assume`` hypothesis must be certified to hold on the model too).

Over finite domains (every parameter's values listed by :func:`finite_values`) whose every value the finite
prover proved in step 2, the claim is ``proved`` value by value (:attr:`FamilyVerdict.by_value`): a kernel-checked
certificate per value, no proof file for them all.

Statuses: ``proved``, ``false`` (a certified counterexample: an instance's, or a drawn model's), ``unknown``.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from derive.core.exprs import to_expr
from derive.errors import DeriveError, InvalidArgument
from derive.io.reader import HYPOTHESIS_KINDS

__all__ = ["FamilyVerdict", "decide_over_families", "finite_values", "parse_param", "rules_for", "written_as_proof_file_kinds", "params_used", "MAX_INSTANCES", "VALUES_PER_PARAMETER",
           "MODEL_SAMPLES", "MODEL_SECONDS", "PROVING_SHARE"]

#: The share of ``--timeout`` the kernel's rules may take to prove the claim for every value; the rest is kept for
#: the values and drawn models that may refute it.
PROVING_SHARE = 0.6
#: Instances decided by the finite prover when the kernel does not prove the claim for every size ...
MAX_INSTANCES = 8
#: ... among the parameters' values from their domains' least values up to this many more (smallest sums first) ...
VALUES_PER_PARAMETER = 12
#: ... and at most this many candidate instances looked at (those naming absent variables are skipped).
MAX_CANDIDATES = 60
#: Then exact models of the hypotheses (``derive verify``'s draws) on which a certified violation refutes the claim,
#: within this many seconds of the time left.
MODEL_SAMPLES = 200
MODEL_SECONDS = 10.0

_PARAM = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)\s*(.+?)\s*$")
#: The words of the domain grammar, which are not parameter names.
_DOMAIN_WORDS = {"integer", "real", "positive", "nonnegative", "in"}


def parse_param(text: str) -> tuple[str, str]:
    """``"n = integer >= 2"`` -> ``("n", "integer >= 2")`` (the domain is read later by the proof-file grammar); a
    domain that names its parameter is enough: ``"0 <= p <= 1/2"``, ``"p in [0, 1/2]"``, ``"n >= 1, integer"``.

    Raises
    ------
    InvalidArgument
        If the text is neither ``NAME = DOMAIN`` nor a domain naming one parameter.
    """
    from derive.io.grammar import ParseContext, parse_domain

    m = _PARAM.match(text)
    named = sorted(set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)) - _DOMAIN_WORDS)
    if m is not None:
        name, domain = m.group(1), m.group(2)
    elif len(named) == 1 and re.search(r"[<>]|\bin\b", text):  # a comparison or an interval naming it
        name, domain = named[0], text.strip()
    else:
        raise InvalidArgument(f"--param {text!r}: expected NAME = DOMAIN or a domain naming its parameter, e.g. "
                              f"\"n = integer >= 2\", \"0 <= p <= 1/2\", \"p in [0, 1/2]\"", file="--param")
    try:
        parse_domain(domain, name, ParseContext(file="--param"))
    except DeriveError as err:
        raise InvalidArgument(f"{text!r}: the domain does not read ({err.message}); e.g. \"n = integer >= 2\"",
                              file="--param") from None
    return name, domain


@dataclass
class Instance:
    """One size: the parameters' values, the claim there, and the finite prover's verdict (or why it was skipped)."""

    values: dict[str, Any]          # name -> an int, or a sympy Rational for a real parameter
    claim: str
    status: str                     # proved | false | not_shannon | unknown | unsupported | skipped
    result: Any = None              # the ShannonResult
    parsed: Any = None              # the parsed claim (for printing)
    why: str = ""
    hyps: dict = field(default_factory=dict)   # the parsed hypotheses at this size (for printing)

    def to_json(self) -> dict:
        out: dict[str, Any] = {"values": {k: v if isinstance(v, int) else str(v) for k, v in self.values.items()},
                               "claim": self.claim, "status": self.status}
        if self.why:
            out["why"] = self.why
        return out


@dataclass
class FamilyVerdict:
    """The verdict on a claim over families of every size (module docstring)."""

    status: str                     # proved | false | unknown
    claim: str
    proof_file: str
    domains: dict[str, str]
    kernel_message: str = ""
    warnings: list[str] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    checked: Any = None             # the CheckedProof of the proof file (LaTeX of a proved claim)
    trusted: list[str] = field(default_factory=list)   # cited facts and hypotheses a proof rests on
    note: str = ""
    given: list[tuple[str, str]] = field(default_factory=list)   # the hypotheses, (kind, text)
    assumed: bool = False           # proved from a cited fact (the kernel's ``assumed``), listed in ``trusted``
    model: Any = None               # a CounterexampleRecord: a certified violation on a drawn model of the hypotheses
    units: str = "bits"
    #: The certified counterexample ``derive check`` found on the proof file (a ``real`` step false at certified
    #: values, a Shannon-type step false on an exact model of the hypotheses), as its message says; ``""``: none.
    refuted: str = ""
    #: ``proved`` value by value: the domains are finite and the finite prover proved the claim at each of their
    #: values (a kernel-checked certificate per value, in :attr:`instances`); no proof file covers them all.
    by_value: bool = False

    @property
    def where(self) -> list[str]:
        """What the numbered hypothesis labels of the kernel's certificate state (``given1[2]: ... = 0``)."""
        from derive.printing.certificate import certificate_legend

        if self.status != "proved" or self.checked is None:
            return []
        step = next((s for s in self.checked.report.steps if s.id == "claim"), None)
        return certificate_legend(step.certificate) if step is not None else []

    def text(self) -> str:
        """The verdict as ``derive prove`` prints it (without the proof file)."""
        return "\n".join(verdict_lines(self))

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:  # a notebook shows the text, not the dataclass's fields
        import html

        return "<pre>" + html.escape(self.text()) + "</pre>"

    @property
    def counterexample(self) -> Instance | None:
        return next((i for i in self.instances if i.status == "false"), None)

    def refuted_at(self) -> dict[str, str] | None:
        """The parameter values of :attr:`refuted` (a ``real`` step's ``false at {...}``); ``None`` for a model."""
        m = re.match(r"false at (\{[^{}]*\}) \(slack", self.refuted)
        return ast.literal_eval(m.group(1)) if m else None  # a literal the numeric tester wrote: names to strings

    def to_json(self) -> dict:
        ce = self.counterexample
        return {"status": self.status, "assumed": self.assumed, "claim": self.claim, "units": self.units,
                "for_every": self.domains,
                "kernel": self.kernel_message, **({"where": self.where} if self.where else {}),
                **({"by_value": True} if self.by_value else {}),
                "proof_file": self.proof_file, "warnings": self.warnings,
                "trusted": self.trusted, **({"note": self.note} if self.note else {}),
                "given": [{"kind": k, "text": t} for k, t in self.given],
                "instances": [i.to_json() for i in self.instances],
                "counterexample": ({"model": self.model.to_json(), **self.model.certification_json()}
                                   if self.model is not None else {"refuted": self.refuted, "at": self.refuted_at()}
                                   if self.refuted and ce is None
                                   else None if ce is None else
                                   {"at": ce.to_json()["values"], "claim": ce.claim,
                                    **(ce.result.counterexample or {})})}


#: The rules the one-step proof file tries, in turn, until the kernel proves the claim (:func:`rules_for`).
RULES_TRIED = ("shannon", "superadditivity", "subadditivity", "chain_rule", "linear", "dpi", "sdpi", "tensorization",
               "pinsker", "real")
#: ... those that need a hypothesis (tried only under ``--given``) ...
_NEED_HYPOTHESES = ("superadditivity", "subadditivity", "linear", "dpi", "sdpi", "tensorization")
#: ... and those for a claim about distributions (``D``, ``TV``) or about parameters alone.
_ABOUT_LAWS, _ABOUT_PARAMETERS = ("pinsker",), ("real",)


def rules_for(claim: str, given: bool) -> list[str]:
    """The rules of :data:`RULES_TRIED` worth trying on ``claim``: Pinsker only on a claim naming ``TV`` or ``D``,
    ``real`` only on one free of information quantities (and first: its numeric tester certifies a counterexample at
    a parameter value), the rules of hypotheses only with ``given``."""
    laws = re.search(r"\b(TV|D)\s*\(", claim) is not None
    info = re.search(r"\b(H|I|D|TV)\s*\(", claim) is not None
    rules = [r for r in RULES_TRIED if (given or r not in _NEED_HYPOTHESES) and (laws or r not in _ABOUT_LAWS)
             and (not info or r not in _ABOUT_PARAMETERS)]
    return rules if info else sorted(rules, key=lambda r: r not in _ABOUT_PARAMETERS)


#: Hypothesis kinds whose content is not a set of entropy equalities: a model the finite prover finds under them
#: need not satisfy them (identical distributions, a channel's law, an assumed inequality), so the finite prover refutes
#: no size under them (drawn models may: :func:`_model_counterexample`).
_NOT_ENTROPIC = ("iid", "channel", "assume")
_KIND_PREFIX = re.compile(rf"^\s*({'|'.join(HYPOTHESIS_KINDS)})\s*[:=]\s*(.+?)\s*$")


def params_used(params: dict[str, str], texts: list[str]) -> dict[str, str]:
    """The ``--param`` domains whose names the texts use (whole words)."""
    words = {w for t in texts for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", t)}
    return {k: v for k, v in params.items() if k in words}


def written_as_proof_file_kinds(given: list[str]) -> bool:
    """Some ``--given`` is written ``KIND: TEXT`` as in a proof file (``assume: H(X) <= 1``, ``channel: ...``): only
    the proof-file path (:func:`decide_over_families`) reads those."""
    return any(_KIND_PREFIX.match(g) for g in given)


def given_hypotheses(given: list[str]) -> list[tuple[str, str]]:
    """``--given`` texts as proof-file hypotheses ``(kind, text)``: ``KIND: TEXT`` (a proof file's key:
    ``mutually_independent: X[1..n] | P``, ``iid: X[1..n]``, ``channel: Y | X ~ BSC(1/4)``), or the CLI's spellings
    ``A -> B -> C`` (markov), ``A _|_ B | C`` (independent), ``A _|_ B _|_ C | Z`` (mutually_independent, the
    members listed), ``Y = f(X)`` (function_of).

    Raises
    ------
    InvalidArgument
        A text of none of these forms.
    """
    out = []
    for k, text in enumerate(given, 1):
        m = _KIND_PREFIX.match(text)
        if m:
            out.append((m.group(1), m.group(2).strip().strip('"')))
        elif "->" in text:
            out.append(("markov", text.strip()))
        elif text.count("_|_") == 1:
            out.append(("independent", text.strip()))
        elif text.count("_|_") >= 2:   # A _|_ B _|_ C [| Z]: the members listed, as derive prove --given reads it
            from derive.commands.prove import mutual_members

            out.append(("mutually_independent", mutual_members(text)))
        elif "_|_" not in text and "=" in text:
            out.append(("function_of", text.strip()))
        else:
            raise InvalidArgument(f"--given #{k} {text!r}: for a claim over families of every size write "
                                  "'KIND: TEXT' as in a proof file (mutually_independent: X[1..n] | P, iid: X[1..n], "
                                  "markov: A -> B -> C, independent: A _|_ B | C, function_of: Y = f(X)), or "
                                  "A -> B -> C, A _|_ B | C, Y = f(X)", file="--given")
    return out


def decide_over_families(claim: str, uses: dict[str, set[str]], params: dict[str, str], options: dict,
                         budget: float, given: list[str] = (), units: str = "bits",
                         continuous: list[str] = ()) -> FamilyVerdict:
    """Decide ``claim`` for every size (module docstring); ``params``: ``--param`` domains by name; ``given``: the
    hypotheses (:func:`given_hypotheses`), each rule of :data:`RULES_TRIED` tried in turn; ``units``: the proof
    file's (the finite prover, which works in bits, decides values only of a claim without a constant term);
    ``continuous``: names declared continuous (then no discrete model decides anything: the kernel proves, or
    :mod:`derive.provers.refute_steps` refutes with a jointly Gaussian model when every variable is continuous).

    Raises
    ------
    DeriveError
        Bad input: the proof file does not read (its message names what to fix), a ``--param`` the claim does not
        use.
    """
    from derive.checking import check
    from derive.commands.prove import guessed_ranges, proof_file_for
    from derive.core.hypotheses import continuous_variables
    from derive.io.reader import read_proof_text

    deadline = time.monotonic() + budget
    proving = time.monotonic() + PROVING_SHARE * budget  # the rest is kept for values and drawn models
    hyps = given_hypotheses(list(given))
    unused = sorted(set(params) - set(params_used(params, [claim, *given])))
    if unused:
        raise InvalidArgument(f"--param names {', '.join(unused)}, which neither the claim nor a --given hypothesis "
                              "uses", file="--param")
    text = proof_file_for(claim, uses, params, hyps, units=units, continuous=list(continuous))
    try:
        proof = read_proof_text(text, file="CLAIM")
    except DeriveError as err:
        at = _claim_column(text, claim, err)
        guessed = guessed_ranges(claim, uses, params, hyps)
        if at is not None:  # the claim's own text is at fault: point into it, as for a claim without parameters
            raise InvalidArgument(err.message + (f"\n(derive prove read it with these ranges and domains; write such "
                                                 f"a file with the ones you mean and run derive check on it)\n{text}"
                                                 if guessed else ""), file="CLAIM", line=1, column=at) from None
        k = _given_of_error(text, err)
        if k is not None:   # a --given's own text is at fault: name it as typed, not by the written file's line
            raise InvalidArgument(f"--given #{k} ({given[k - 1]}): {err.message}") from None
        raise InvalidArgument(f"the claim does not read as a claim with parameters or over families of every size: "
                              f"{err}\n(derive prove wrote it as this proof file, each --param a parameter and each "
                              f"family over 1.. the end of its block or sum; write such a file with the ranges you "
                              f"mean and run derive check on it)\n{text}", file="CLAIM") from None
    names = {str(p) for p in proof.parameters}
    unused = sorted(set(params) - names)
    if unused:
        raise InvalidArgument(f"--param names {', '.join(unused)}, which neither the claim nor a --given hypothesis "
                              f"uses (their parameters: {', '.join(sorted(names)) or 'none'})", file="--param")
    domains = {n: params.get(n, "integer >= 1") for n in sorted(names)}
    verdict, rules, cut_short = None, rules_for(claim, bool(hyps)), []

    def proved(attempt: str, step, checked) -> FamilyVerdict:   # the proof file the kernel proved, as printed
        return FamilyVerdict("proved", claim, "\n".join(line for line in attempt.split("\n")
                                                        if not line.startswith("# if derive check")),
                             domains, step.message, list(checked.report.warnings), checked=checked,
                             trusted=[str(t) for t in checked.report.trusted], given=hyps,
                             assumed=step.status == "assumed", units=units)

    for k, rule in enumerate(rules):
        attempt = text if rule == "shannon" else proof_file_for(claim, uses, params, hyps, rule, units,
                                                                 list(continuous))
        try:
            checked = check(proof if rule == "shannon" else read_proof_text(attempt, file="CLAIM"),
                            timeout=max(proving - time.monotonic(), 1.0))
        except InvalidArgument as err:  # the door refuses a hypothesis: name it as the user wrote it, not the file's id
            if (m := re.match(r"hypothesis 'given(\d+)': ", err.message)) is None:
                raise
            raise InvalidArgument(f"--given #{m.group(1)} ({given[int(m.group(1)) - 1]}): {err.message[m.end():]}") \
                from None
        step = next(s for s in checked.report.steps if s.id == "claim")
        if step.message.startswith("the claim is not well formed"):   # the door's refusal: bad input, not a verdict
            given_domains = ", ".join(f"{n} ({d})" for n, d in domains.items()) or "none"
            raise InvalidArgument(f"{step.message}; its parameters: {given_domains}", file="CLAIM")
        if step.status in ("proved", "assumed"):
            if rule == "real" and isinstance(step.certificate, tuple):  # the cut the kernel checked, written out
                attempt += f"split = {json.dumps([str(c) for c in step.certificate])}\n"
            return proved(attempt, step, checked)
        verdict = verdict or FamilyVerdict("unknown", claim, text, domains, step.message,
                                           list(checked.report.warnings), checked=checked, given=hyps, units=units)
        if step.error == "StepTimeout":
            cut_short.append(rule)
        if step.error == "Counterexample":  # false on a model: no rule proves it
            if _certified_refutation(step):
                verdict.refuted, verdict.kernel_message = step.message, step.message
            break
        if time.monotonic() > proving:
            cut_short += rules[k + 1:]
            break
    chained = None if verdict.refuted or time.monotonic() > proving else _with_chain_rules(text, proof, hyps)
    if chained is not None:
        checked = check(read_proof_text(chained, file="CLAIM"), timeout=max(proving - time.monotonic(), 1.0))
        step = next(s for s in checked.report.steps if s.id == "claim")
        if step.status in ("proved", "assumed") and checked.report.status in ("proved", "assumed"):
            return proved(chained, step, checked)
    blocked = sorted({kind for kind, _ in hyps if kind in _NOT_ENTROPIC})
    real_valued = sorted(continuous_variables(proof.continuous, proof.hypotheses.values()))
    if real_valued:  # the finite prover's models are discrete: no evidence about these as they are
        verdict.note = (f"{', '.join(real_valued)} {'is' if len(real_valued) == 1 else 'are'} continuous: the finite "
                        "prover (discrete) was not used; the refuters tried jointly Gaussian, mixed and noisy models")
    elif blocked:
        verdict.note = (f"no size is decided by the finite prover under {', '.join(blocked)} hypotheses (a model "
                        "it finds need not satisfy them)")
    elif units != "bits" and not _homogeneous(proof):
        verdict.note = "no value is decided by the finite prover, which works in bits, for a claim in nats with a constant"
    else:
        verdict.instances = _instances(proof, claim, options, deadline, hyps)
        if not verdict.refuted and _every_value_proved(proof, verdict.instances):
            verdict.status, verdict.by_value, verdict.checked = "proved", True, None
            verdict.kernel_message = ("the domain is finite and the finite prover proved the claim at each of its "
                                      "values (a kernel-checked certificate per value)")
            return verdict
    if not verdict.refuted and verdict.counterexample is None and not real_valued:
        verdict.model, drawn = _model_counterexample(proof, options, deadline)
        if verdict.model is None and drawn:
            verdict.note += ("; " if verdict.note else "") + (f"no certified violation on {drawn} models of the "
                                                              "hypotheses drawn as derive verify draws them")
    if verdict.counterexample is not None or verdict.model is not None or verdict.refuted:
        verdict.status = "false"
    elif cut_short:
        names = ", ".join(f"`{r}`" for r in cut_short)
        verdict.note += ("; " if verdict.note else "") + (
            f"the kernel's {'rule' if len(cut_short) == 1 else 'rules'} {names} "
            f"{'was' if len(cut_short) == 1 else 'were'} cut short or not tried (proving for every value may take "
            f"{PROVING_SHARE:.0%} of the time budget, {budget:g} s; raise it with --timeout)")
    return verdict


def _with_chain_rules(text: str, proof, hyps: list[tuple[str, str]]) -> str | None:
    """The one-step proof file ``text`` with a ``chain_rule`` step before the claim for each entropy ``H(X[a..b] |
    C)`` and mutual information ``I(A; X[a..b] | C)`` (or ``I(X[a..b]; B | C)``) of the claim over a block of
    symbolic length (outside its sums),
    ``H(X[a..b] | C) == sum(H(X[j] | X[a..j-1], C), j, a, b)``, and the claim's step using them with the hypotheses
    (rule ``shannon``); ``None`` when the claim has no such block. The chain rule holds for an empty block too (both
    sides 0), which the search's own splits of a sum at its ends may not assume: ``H(X[2..n] | P) == sum(H(X[i] |
    P), i, 2, n)`` under mutually independent ``X[1..n] | P`` with ``n >= 1`` (at ``n = 1`` the block is empty).
    Untrusted: the kernel checks every step of the file."""
    from derive.core.notation import show
    from derive.core.quantities import H, I
    from derive.core.variables import FamilyRange, RVSet

    claim = next(st for st in proof.steps if st.id == "claim").claim
    taken = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))
    j = next(name for name in ("j", "k", "m", *(f"j{c}" for c in range(1, 99))) if name not in taken)

    def block(items: RVSet) -> FamilyRange | None:
        return items.args[0] if len(items.args) == 1 and isinstance(items.args[0], FamilyRange) else None

    def given(cond: RVSet, extra: str) -> str:
        return ", ".join([extra] + ([show(cond)] if cond.args else []))

    chains = []
    for atom in sorted(claim.lhs.atoms(H, I) | claim.rhs.atoms(H, I), key=show):
        if atom.free_symbols - {p.symbol for p in proof.parameters.values()}:  # inside a sum: its index is free
            continue
        if isinstance(atom, H) and (b := block(atom.args[0])) is not None:
            lo, hi, fam = show(b.lo), show(b.hi), str(b.family)
            chains.append(f"{show(atom)} == sum(H({fam}[{j}] | {given(atom.args[1], f'{fam}[{lo}..{j} - 1]')}), "
                          f"{j}, {lo}, {hi})")
        elif isinstance(atom, I):
            for side in (1, 0):   # I(A; X[a..b] | C) or I(X[a..b]; B | C): the chain over the block's members
                if (b := block(atom.args[side])) is not None:
                    lo, hi, fam = show(b.lo), show(b.hi), str(b.family)
                    pair = [show(atom.args[0]), show(atom.args[1])]
                    pair[side] = f"{fam}[{j}]"
                    chains.append(f"{show(atom)} == sum(I({pair[0]}; {pair[1]} | "
                                  f"{given(atom.args[2], f'{fam}[{lo}..{j} - 1]')}), {j}, {lo}, {hi})")
                    break
    if not chains:
        return None
    head, _, _ = text.partition("\n# if derive check")
    steps = "".join(f'\n[[step]]\nid = "chain{k}"\nclaim = {json.dumps(c)}\nrule = "chain_rule"\n'
                    for k, c in enumerate(chains, 1))
    uses = [f"chain{k}" for k in range(1, len(chains) + 1)] + [f"given{k}" for k in range(1, len(hyps) + 1)]
    return (f"{head.rstrip()}\n{steps}\n[[step]]\nid = \"claim\"\nclaim = {json.dumps(show(claim))}\n"
            f"rule = \"shannon\"\nuses = {json.dumps(uses)}\n")


def _certified_refutation(step) -> bool:
    """The step of the one-step proof file is ``failed`` with a certified counterexample to the claim itself: a
    ``real`` step false at parameter values (interval arithmetic; not "undefined at"), or a Shannon-type step false on
    an exact model of the hypotheses it uses (:mod:`derive.provers.refute_steps`)."""
    from derive.provers.refute_steps import REFUTED_PREFIX

    return step.status == "failed" and step.error == "Counterexample" and (
        (step.rule == "real" and step.message.startswith("false at ")) or step.message.startswith(REFUTED_PREFIX))


def _homogeneous(proof) -> bool:
    """The claim has no constant term (so it means the same in bits and in nats)."""
    from derive.core.linear import linear_form

    try:
        return linear_form(proof.steps[0].claim.slack()).const == 0
    except DeriveError:
        return False


def _model_counterexample(proof, options: dict, deadline: float) -> tuple[Any, int]:
    """A certified violation of the claim on an exact model of the hypotheses, drawn as ``derive verify`` draws them
    (parameter values, channel laws, identically distributed samples included): ``(record, models drawn)``, the
    record ``None`` when none is found within :data:`MODEL_SAMPLES` models or the time left."""
    from derive.numeric.verify import FAILED, verify_proof

    left = deadline - time.monotonic()
    if left <= 0.5:
        return None, 0
    try:
        report = verify_proof(proof, samples=MODEL_SAMPLES, seed=options.get("seed", 0),
                              time_limit=min(left, MODEL_SECONDS))
    except DeriveError:
        return None, 0
    step = report.get("claim")
    cx = step.counterexample
    if step.status == FAILED and cx is not None and cx.certified and cx.hypotheses_hold:
        return cx, report.models
    return None, report.models


def _instances(proof, claim: str, options: dict, deadline: float, hyps: list[tuple[str, str]] = ()
               ) -> list[Instance]:
    """The claim at the parameters' first values (:func:`derive.numeric.real.simple_parameter_values`), decided by the
    finite prover (under the hypotheses at those values), until one is false."""
    from derive.commands.prove import decide_claim
    from derive.numeric.real import simple_parameter_values

    params = sorted(proof.parameters.items(), key=lambda kv: str(kv[0]))
    candidates = [simple_parameter_values(p.domain, VALUES_PER_PARAMETER) for _, p in params]
    offsets = sorted(itertools.product(*(range(len(c)) for c in candidates)), key=lambda o: (sum(o), o))[:MAX_CANDIDATES]
    out: list[Instance] = []
    for off in offsets:
        if len([i for i in out if i.status != "skipped"]) >= MAX_INSTANCES or time.monotonic() > deadline:
            break
        values = {str(name): int(c[k]) if c[k].is_Integer else c[k] for (name, _), c, k in zip(params, candidates, off)}
        text = _substituted(claim, values)
        given = [g for kind, t in hyps if (g := _given_at(kind, _substituted(t, values)))]
        why = _outside_ranges(proof, text, values, given)
        if why:
            out.append(Instance(values, text, "skipped", why=why))
            continue
        try:
            parsed, parsed_hyps, res, _ = decide_claim(text, given, options, max(deadline - time.monotonic(), 1.0))
        except DeriveError as err:
            out.append(Instance(values, text, "skipped", why=str(err).split("\n")[0]))
            continue
        out.append(Instance(values, text, res.status, res, parsed, hyps=parsed_hyps))
        if res.status == "false":
            break
    return out


def finite_values(domain) -> list | None:
    """Every value of a finite domain (an integer one between finite ends, or a single point ``[a, a]``), at most
    :data:`VALUES_PER_PARAMETER` of them; ``None`` for a larger or infinite one."""
    from derive.numeric.real import simple_parameter_values

    if domain.integer and domain.lo.is_finite and domain.hi.is_finite:
        values = simple_parameter_values(domain, VALUES_PER_PARAMETER + 1)
        return values if len(values) <= VALUES_PER_PARAMETER else None
    if domain.lo == domain.hi and domain.lo.is_finite:   # a closed point: the domain is not empty
        return [domain.lo]
    return None


def _every_value_proved(proof, instances: list[Instance]) -> bool:
    """Every parameter's domain is finite (:func:`finite_values`) and each assignment of values is an instance the
    finite prover proved: then the claim holds at every value, value by value. An instance skipped (a variable that
    does not exist at that value) or undecided leaves it open."""
    columns = {}
    for name, param in proof.parameters.items():
        values = finite_values(param.domain)
        if values is None:
            return False
        columns[str(name)] = values
    every = {tuple(sorted(zip(columns, combo))) for combo in itertools.product(*columns.values())}
    proved = {tuple(sorted((k, to_expr(v)) for k, v in i.values.items())) for i in instances if i.status == "proved"}
    return bool(every) and every <= proved


def _given_at(kind: str, text: str) -> str | None:
    """A hypothesis at fixed values as ``derive prove --given`` spells it (``None``: it says nothing there, a
    mutual independence of one member); mutual independence lists the members, ``X[1..3] | P`` ->
    ``X[1] _|_ X[2] _|_ X[3] | P``."""
    if kind != "mutually_independent":
        return text
    members, _, cond = text.partition("|")
    groups = []
    for item in (s.strip() for s in members.split(",") if s.strip()):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z_0-9]*)\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]", item)
        groups += [f"{m.group(1)}[{k}]" for k in range(int(m.group(2)), int(m.group(3)) + 1)] if m else [item]
    if len(groups) < 2:
        return None
    return " _|_ ".join(groups) + (f" | {cond.strip()}" if cond.strip() else "")


def _substituted(claim: str, values: dict) -> str:
    """The claim text with each parameter name replaced by its value (whole words only; a negative or fractional
    value in parentheses)."""
    for name, v in values.items():
        bare = isinstance(v, int) and v >= 0

        def value(m: re.Match, bare=bare, v=v) -> str:   # no second pair of parentheses: h(1/2), not h((1/2))
            alone = m.string[:m.start()].rstrip().endswith(("(", ",")) and m.string[m.end():].lstrip()[:1] in (")", ",")
            return str(v) if bare or alone else f"({v})"

        claim = re.sub(rf"(?<![A-Za-z_0-9]){re.escape(name)}(?![A-Za-z_0-9])", value, claim)
    return claim


def _outside_ranges(proof, text: str, values: dict[str, int], given: list[str] = ()) -> str:
    """Why the instance (the claim ``text`` and the hypotheses ``given`` at these values) names a variable outside
    its family's range (``""``: it names none)."""
    from derive.commands.prove import FAMILY_USE, sums_written_out

    try:
        written = " ".join([sums_written_out(text, "CLAIM"), *given])
    except DeriveError as err:
        return str(err)
    subs = {p.symbol: to_expr(values[name]) for name, p in proof.parameters.items()}
    for m in FAMILY_USE.finditer(written):
        fam, idx = m.group(1), re.sub(r"\s+", "", m.group(2)).replace("(", "").replace(")", "")
        rng = proof.families.get(fam)
        if rng is None:
            continue
        ends_at = [to_expr(e).xreplace(subs) for e in rng]   # the family's ends, as the reader holds them
        if not all(e.is_Integer for e in ends_at):
            return f"the family {fam} has a non-integer end at {show_values(values)}"
        lo, hi = (int(e) for e in ends_at)
        parts = idx.split("..")
        try:
            ends = [int(p) for p in parts]
        except ValueError:
            return f"{m.group(0)} has an index that is not a number at {show_values(values)}"
        a, b = ends[0], ends[-1]
        if len(ends) == 2 and b < a:
            return f"{m.group(0)} is an empty block at {show_values(values)}"
        if a < lo or b > hi:
            return f"{m.group(0)} lies outside {fam}[{lo}..{hi}] at {show_values(values)}"
    return ""


def show_values(values: dict[str, int]) -> str:
    """``n = 2, p = 1/4``: parameter values as the outputs print them."""
    return ", ".join(f"{k} = {v}" for k, v in values.items())


def verdict_lines(v: FamilyVerdict) -> list[str]:
    """The text output: the verdict, for which sizes, the kernel's reason or the instances, and the proof file."""
    every = " for every value of " + ", ".join(f"{n} ({d})" for n, d in v.domains.items()) if v.domains else ""
    head = {"proved": f"proved{every}" + (", assuming the cited facts it rests on" if v.assumed else ""),
            "false": "false", "unknown": f"unknown: not proved{every}"}[v.status]
    lines = [f"{head}: {v.claim}" + (f"  (in {v.units})" if v.units != "bits" else "")]
    if v.given:
        lines.append("  given: " + "; ".join(f"{k.replace('_', ' ')}: {t}" for k, t in v.given))
    if v.status == "proved":
        lines.append(f"  kernel: {v.kernel_message}")
        lines += [f"    where {w}" for w in v.where]
        lines += [f"  rests on: {t}" for t in v.trusted]
        if v.by_value:
            lines.append("  value by value: " + "; ".join(f"{show_values(i.values)}: {i.status}" for i in v.instances
                                                          if i.status == "proved"))
    ce = v.counterexample
    if ce is not None:
        violated = "and a model violates it" if ce.parsed.mentions_information() else "which is false"
        lines.append(f"  at {show_values(ce.values)} the claim reads {ce.claim}, {violated}:" if ce.values
                     else "  a model violates it (the finite prover's, in bits):")
    elif v.refuted:
        lines.append(f"  derive check refutes it (certified): {v.refuted}")
    elif v.model is not None:
        lines.append("  an exact model of the hypotheses violates it (drawn as derive verify draws models):")
        lines += ["    " + line for line in v.model.text().split("\n")]
    elif v.status == "unknown":
        decided = [i for i in v.instances if i.status != "skipped"]
        if v.instances:
            lines.append("  at the values tried: " + "; ".join(f"{show_values(i.values)}: {i.status}" for i in decided)
                         if decided else "  no value could be decided by the finite prover")
        lines.append(f"  kernel, for every value: {v.kernel_message}")
        if v.note:
            lines.append(f"  note: {v.note}")
    for w in v.warnings:
        lines.append(f"  warning: {w}")
    return lines


def _given_of_error(text: str, err: DeriveError) -> int | None:
    """``k`` when ``err`` lies in the ``[[hypothesis]]`` table ``id = "given<k>"`` of the proof file ``text`` written
    for the claim (the table runs from its header to the next one); else ``None``."""
    if err.line is None:
        return None
    lines = text.splitlines()[:err.line]
    start = max((k for k, line in enumerate(lines) if line.startswith("[")), default=None)
    if start is None or lines[start] != "[[hypothesis]]":
        return None
    for line in text.splitlines()[start + 1:]:
        if line.startswith("["):
            return None
        if m := re.fullmatch(r'id = "given(\d+)"', line):
            return int(m.group(1))
    return None


def _claim_column(text: str, claim: str, err: DeriveError) -> int | None:
    """The column in ``claim`` of an error at ``err``'s position in the proof file ``text`` written for it, when the
    error lies on the step's ``claim = "..."`` line and the claim is written there unescaped; else ``None``."""
    lines = text.splitlines()
    prefix = 'claim = "'
    row = next((k + 1 for k, line in enumerate(lines) if line == f"{prefix}{claim}\""), None)
    if row is None or err.line != row or err.column is None or err.column <= len(prefix):
        return None
    return err.column - len(prefix)
