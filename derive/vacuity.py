"""Hypothesis sets that cannot hold together ("vacuous proofs"): warnings, never verdicts.

From hypotheses that no distribution satisfies, every statement follows, so a proof resting on them proves
nothing. This module looks for such sets where it can find out and says so; it is untrusted and only ever
adds warnings (``derive check`` prints them under the proof, ``--json`` lists them under ``"warnings"``, and
``--strict`` refuses a proof that has one). Finding nothing is no evidence of consistency.

Two sources:

(a) **explicit contradictions**, found symbolically from the hypotheses and the parameters' domains (signs
    decided by the kernel's exact sign rules):

    * a non-deterministic channel (``BSC(p)``, ``BEC(e)``, ``Z(p)``, ``QSC(q, p)`` with ``p`` not 0 or 1, any
      ``AWGN``, a ``matrix`` with a row that is not a point mass) whose output is declared a function of its
      input, or of its input together with variables independent of the output given the input;
    * two channel hypotheses for the same output and input with provably different laws;
    * two Gaussian laws of one variable that are not provably equal: ``AWGN(snr)`` declares its input
      ``N(0, snr)`` and, as ``Y = X + N(0, 1)``, its output ``N(0, snr + 1)``, so one input of ``AWGN(a)`` and
      ``AWGN(b)``, an ``AWGN(s2)`` link fed by an ``AWGN(s1)`` link, one output of two such channels, unless
      the two variances are provably equal (``s2 = s1 + 1``); also inside ``X[i] | X[i-1] ~ AWGN(s) for i in
      lo..hi`` with two or more links;
    * an independence ``X _|_ Y`` with ``Y | X ~ K`` where ``K``'s rows provably differ: then ``X`` must be
      constant (reported as "hold together only in degenerate models");
    * a channel whose output is the input of a channel with fewer input symbols (a chain of ``BEC(e)``, whose
      erasure is a third output): the extra outputs must have probability 0, also inside a channel family with
      two or more links (degenerate).

(b) **no model can be built**: derive's numeric model builder (:mod:`derive.numeric.models`, the one
    ``derive verify`` uses) is asked for a model at a few parameter values; when it finds the independences
    incompatible with the channels and functions it must realize (or alphabet sizes that conflict) and never
    succeeds, the warning is "the hypotheses may have no model". Builder limitations (Gaussian channels,
    unsupported shapes, size caps) are not warnings, nor is a failure involving a function or a channel whose
    rows may be equal (the builder makes every kernel depend on its inputs; a constant function or an
    uninformative channel may still satisfy the independence). (b) runs only when (a) found nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.core.channel_matrix import channel_matrix
from derive.core.hypotheses import Channel, ChannelFamily, ChannelSpec, FunctionOf, Independent
from derive.core.variables import FamilyMember

__all__ = ["VacuityWarning", "find_vacuity", "vacuity_warnings", "CONTRADICTION", "DEGENERATE", "NO_MODEL"]

CONTRADICTION = "contradiction"
DEGENERATE = "degenerate"
NO_MODEL = "no_model"

#: Channel families with a concrete index range up to this many members are expanded into their channels.
_MAX_MEMBERS = 32


@dataclass(frozen=True)
class VacuityWarning:
    """One finding: ``kind`` (:data:`CONTRADICTION`, :data:`DEGENERATE` or :data:`NO_MODEL`), the reason and the hypotheses involved."""

    kind: str
    reason: str
    hypotheses: tuple[str, ...] = ()
    line: int | None = None

    def text(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        if self.kind == CONTRADICTION:
            return f"the hypotheses cannot hold together{where}: {self.reason} — everything follows from them"
        if self.kind == DEGENERATE:
            return f"the hypotheses hold together only in degenerate models{where}: {self.reason}"
        return f"the hypotheses may have no model{where}: {self.reason}"

    def __str__(self) -> str:
        return self.text()


# ----------------------------------------------------------------------------- signs

class _Signs:
    """Provable facts about parameter expressions (the kernel's exact sign rules; any failure reads as unknown)."""

    def __init__(self, proof) -> None:
        self.domains = {p.symbol: p.domain for p in proof.parameters.values()}

    def _ask(self, fn, e) -> bool:
        from derive.kernel import signs

        try:
            return bool(getattr(signs, fn)(sympy.expand(e), self.domains))
        except Exception:  # noqa: BLE001 - an undecidable sign is "unknown", never an error
            return False

    def zero(self, e) -> bool:
        e = sympy.expand(e)
        if e == 0:
            return True
        return self._ask("is_nonnegative", e) and self._ask("is_nonpositive", e)

    def nonzero(self, e) -> bool:
        e = sympy.expand(e)
        if e.is_number:
            return e != 0
        return self._ask("is_positive", e) or self._ask("is_positive", -e)

    def strictly_between_0_and_1(self, e) -> bool:
        return self._ask("is_positive", e) and self._ask("is_positive", 1 - e)

    def is_0_or_1(self, e) -> bool:
        return self.zero(e) or self.zero(1 - e)


def _txt(e) -> str:
    return sympy.sstr(e)


# ----------------------------------------------------------------------------- channels

def _rows(spec: ChannelSpec) -> list[list[sympy.Expr]] | None:
    """Symbolic rows ``p(y | x)`` (:func:`derive.core.channel_matrix.channel_matrix`); ``None`` for AWGN or a QSC
    whose alphabet size is not a small integer."""
    return channel_matrix(spec, max_alphabet=16)


def _noise(spec: ChannelSpec, s: _Signs) -> tuple[str, str]:
    """Is the channel non-deterministic (some row not a point mass)? ``("yes" | "maybe" | "no", condition)``."""
    if spec.name == "AWGN":
        return "yes", ""
    if spec.name in ("BSC", "BEC", "Z", "QSC") and (spec.name != "QSC" or _rows(spec) is not None):
        p = spec.params[-1]
        if s.strictly_between_0_and_1(p):
            return "yes", ""
        if s.is_0_or_1(p):
            return "no", ""
        return "maybe", f"unless {_txt(p)} is 0 or 1"
    rows = _rows(spec)
    if rows is None:
        return "no", ""
    if any(s.strictly_between_0_and_1(v) for row in rows for v in row):
        return "yes", ""
    if all(s.is_0_or_1(v) for row in rows for v in row):
        return "no", ""
    return "maybe", "unless every row is a point mass"


def _informative(spec: ChannelSpec, s: _Signs) -> tuple[str, str]:
    """Do the channel's rows differ (the output depends on the input)? ``("yes" | "maybe" | "no", condition)``."""
    if spec.name == "AWGN":
        snr = spec.params[0]
        if s.nonzero(snr):
            return "yes", ""
        return ("no", "") if s.zero(snr) else ("maybe", f"unless {_txt(snr)} = 0")
    rows = _rows(spec)
    if rows is None or len(rows) < 2:
        return "no", ""
    diffs = [sympy.expand(a - b) for r in rows[1:] for a, b in zip(rows[0], r)]
    if any(s.nonzero(d) for d in diffs):
        return "yes", ""
    if all(s.zero(d) for d in diffs):
        return "no", ""
    return "maybe", "unless its rows are equal"


def _channels(proof) -> list[tuple[str, Channel]]:
    """Every single channel hypothesis, channel families with a concrete short range expanded."""
    out: list[tuple[str, Channel]] = []
    for hid, h in proof.hypotheses.items():
        if isinstance(h, Channel):
            out.append((hid, h))
        elif isinstance(h, ChannelFamily):
            lo, hi = sympy.expand(h.lo), sympy.expand(h.hi)
            if lo.is_Integer and hi.is_Integer and int(hi) - int(lo) + 1 <= _MAX_MEMBERS:
                try:
                    out.extend((hid, c) for c in h.members())
                except Exception:  # noqa: BLE001 - a family we cannot expand is skipped
                    continue
    return out


# ----------------------------------------------------------------------------- (a) explicit contradictions

def _function_of_noisy_channel(proof, chans, s: _Signs) -> list[VacuityWarning]:
    from derive.kernel.independence import implies_independence

    hyps = list(proof.hypotheses.values())
    out = []
    for fid, f in proof.hypotheses.items():
        if not isinstance(f, FunctionOf):
            continue
        for cid, c in chans:
            if not c.output.issubset(f.output) or not c.output.isdisjoint(f.input):
                continue
            rest = f.input - c.input
            if rest and not (c.output.isdisjoint(rest) and _safe(implies_independence, hyps, rest, c.output, c.input)):
                continue
            noisy, cond = _noise(c.spec, s)
            if noisy == "no":
                continue
            extra = f", and {rest} is independent of {c.output} given {c.input}" if rest else ""
            reason = (f"{c.output} is a function of {f.input} ({fid!r}) but {c.output} | {c.input} ~ {c.spec} "
                      f"({cid!r}) is noisy{extra}" + (f" ({cond})" if cond else ""))
            out.append(VacuityWarning(CONTRADICTION, reason, (fid, cid), _line(proof, fid)))
    return out


def _conflicting_channels(proof, chans, s: _Signs) -> list[VacuityWarning]:
    out = []
    for k, (aid, a) in enumerate(chans):
        for bid, b in chans[k + 1:]:
            if a.output != b.output or a.input != b.input or a.spec == b.spec:
                continue
            where = f"{a.output} | {a.input} ~ {a.spec} ({aid!r}) and ~ {b.spec} ({bid!r})"
            ga, gb = a.spec.name == "AWGN", b.spec.name == "AWGN"
            if ga and gb:  # their laws differ only through snr: the inputs' variances (_gaussian_variances)
                continue
            if ga != gb:
                out.append(VacuityWarning(CONTRADICTION, f"{where}: one law is Gaussian, the other discrete",
                                          (aid, bid), _line(proof, bid)))
                continue
            ra, rb = _rows(a.spec), _rows(b.spec)
            if ra is None or rb is None or len(ra) != len(rb) or len(ra[0]) != len(rb[0]):
                continue
            cells = [(i, j, sympy.expand(x - y)) for i, (r1, r2) in enumerate(zip(ra, rb))
                     for j, (x, y) in enumerate(zip(r1, r2))]
            bad = next(((i, j) for i, j, d in cells if s.nonzero(d)), None)
            if bad is not None:
                i, j = bad
                out.append(VacuityWarning(CONTRADICTION, f"{where}: the two laws differ (p(y = {j} | x = {i}) is "
                                          f"{_txt(ra[i][j])} and {_txt(rb[i][j])})", (aid, bid), _line(proof, bid)))
    return out


def _gaussian_variances(proof, chans, s: _Signs) -> list[VacuityWarning]:
    """``AWGN(snr)`` declares its input ``N(0, snr)`` and, as ``Y = X + N(0, 1)``, its output ``N(0, snr + 1)``: two
    such laws of one variable that are not provably equal contradict each other (or hold only where they are
    equal) — one input of two channels, a chain of them, one output of two."""
    laws: dict = {}
    for cid, c in chans:
        if c.spec.name == "AWGN":
            snr = c.spec.params[0]
            laws.setdefault(c.input, []).append((snr, f"the input of {c.output} | {c.input} ~ {c.spec}", cid))
            laws.setdefault(c.output, []).append((sympy.expand(snr + 1), f"the output of {c.output} | {c.input} ~ "
                                                  f"{c.spec}", cid))
    out = []
    for var, said in laws.items():
        for k, (v1, w1, c1) in enumerate(said):
            for v2, w2, c2 in said[k + 1:]:
                d = sympy.expand(v1 - v2)
                if s.zero(d):
                    continue
                cond = "" if s.nonzero(d) else f" unless {_txt(v1)} = {_txt(v2)}"
                out.append(VacuityWarning(CONTRADICTION, f"{var} cannot be both N(0, {_txt(v1)}), as {w1} ({c1!r}), "
                                          f"and N(0, {_txt(v2)}), as {w2} ({c2!r}){cond}", (c1, c2), _line(proof, c2)))
    return out


def _awgn_links(proof, chans, s: _Signs) -> list[VacuityWarning]:
    """Inside ``X[i] | X[i-1] ~ AWGN(s) for i in lo..hi`` (a symbolic range): each link's output, ``N(0, s + 1)``, is
    the next link's input, ``N(0, s)``, once there are two links (concrete short ranges are expanded into
    channels and :func:`_gaussian_variances` sees them)."""
    out = []
    for fid, f in proof.hypotheses.items():
        if not (isinstance(f, ChannelFamily) and f.spec.name == "AWGN"):
            continue
        outs, ins = f.output.args, f.input.args
        if len(ins) != 1 or not isinstance(ins[0], FamilyMember) or ins[0].family != outs[0].family:
            continue
        gap = sympy.expand(outs[0].index - ins[0].index)
        if not gap.is_Integer or gap == 0:
            continue
        room = sympy.expand(f.hi - f.lo - abs(int(gap)))  # two links chain when hi - lo >= |gap|
        if not (room.is_number and room >= 0) and not s._ask("is_nonnegative", room):
            if (room.is_number and room < 0) or s._ask("is_positive", -room):
                continue
            cond = f" (whenever {_txt(f.hi)} - {_txt(f.lo)} >= {abs(int(gap))}: two or more links)"
        else:
            cond = ""
        snr = f.spec.params[0]
        out.append(VacuityWarning(
            CONTRADICTION,
            f"in {f} ({fid!r}) each link's output is N(0, {_txt(snr + 1)}) and is the next link's input, which "
            f"{f.spec} declares N(0, {_txt(snr)}){cond}", (fid,), _line(proof, fid)))
    return out


def _wider_outputs(spec: ChannelSpec, inputs: int, s: _Signs) -> int | None:
    """The first output symbol (by index) of ``spec`` beyond ``inputs`` symbols that has provably positive
    probability from some input; ``None`` if there is none."""
    rows = _rows(spec)
    if rows is None or len(rows[0]) <= inputs:
        return None
    return next((j for j in range(inputs, len(rows[0])) if any(s._ask("is_positive", r[j]) for r in rows)), None)


def _output_feeds_narrower_input(proof, chans, s: _Signs) -> list[VacuityWarning]:
    """A link's output is the next link's input, but the channel has more output symbols than the next one has
    input symbols (``BEC(e)``: 3 outputs; a chain ``X[i] | X[i-1] ~ BEC(e)``): derive's models, which identify
    symbols by index, then need the extra outputs to have probability 0."""
    out = []
    for aid, a in chans:
        for bid, b in chans:
            rows_b = _rows(b.spec)
            if a is b or b.input != a.output or rows_b is None:
                continue
            j = _wider_outputs(a.spec, len(rows_b), s)
            if j is not None:
                out.append(VacuityWarning(
                    DEGENERATE, f"{a.output} is the output of {a.spec} ({aid!r}), which takes {len(_rows(a.spec)[0])} "
                    f"values, and the input of {b.spec} ({bid!r}), which takes {len(rows_b)}: output {j} has positive "
                    "probability, so a model exists only if the first input avoids every row that reaches it",
                    (aid, bid), _line(proof, bid)))
    for fid, f in proof.hypotheses.items():
        if not isinstance(f, ChannelFamily) or f.spec.name == "AWGN" or _rows(f.spec) is None:
            continue
        outs, ins = f.output.args, f.input.args
        if len(ins) != 1 or not isinstance(ins[0], FamilyMember) or ins[0].family != outs[0].family:
            continue
        gap = sympy.expand(outs[0].index - ins[0].index)
        room = sympy.expand(f.hi - f.lo - abs(gap)) if gap.is_Integer and gap != 0 else None
        if room is None or (room.is_number and room < 0) or s._ask("is_positive", -room):
            continue  # at most one link: no output feeds an input
        j = _wider_outputs(f.spec, len(_rows(f.spec)), s)
        if j is not None:
            cond = "" if (room.is_number and room >= 0) or s._ask("is_nonnegative", room) else \
                f" (whenever {_txt(f.hi)} - {_txt(f.lo)} >= {abs(int(gap))}: two or more links)"
            out.append(VacuityWarning(
                DEGENERATE, f"in {f} ({fid!r}) each link's output takes {len(_rows(f.spec)[0])} values and is the next "
                f"link's input, which takes {len(_rows(f.spec))}: output {j} has positive probability, so a model "
                f"exists only if the inputs avoid every row that reaches it{cond}", (fid,), _line(proof, fid)))
    return out


def _independent_but_channel(proof, chans, s: _Signs) -> list[VacuityWarning]:
    out = []
    for iid_, ind in proof.hypotheses.items():
        if not isinstance(ind, Independent) or ind.given:
            continue
        for cid, c in chans:
            for left, right in ((ind.left, ind.right), (ind.right, ind.left)):
                if not (c.input.issubset(left) and c.output.issubset(right)):
                    continue
                informative, cond = _informative(c.spec, s)
                if informative == "no":
                    continue
                reason = (f"{ind} ({iid_!r}) makes {c.output} independent of {c.input}, but {c.output} | {c.input} ~ "
                          f"{c.spec} ({cid!r}) has rows that differ, so {c.input} would have to be constant"
                          + (f" ({cond})" if cond else ""))
                gaussian = c.spec.name == "AWGN"  # which declares the input N(0, snr), snr > 0: never constant
                reason += f", which {c.spec} declares N(0, {_txt(c.spec.params[0])})" if gaussian else ""
                out.append(VacuityWarning(CONTRADICTION if gaussian else DEGENERATE, reason, (iid_, cid),
                                          _line(proof, iid_)))
                break
    return out


def _line(proof, hid: str) -> int | None:
    return getattr(proof, "hypothesis_lines", {}).get(hid)


def _safe(fn, *args) -> bool:
    try:
        return bool(fn(*args))
    except Exception:  # noqa: BLE001 - undecided is "no"
        return False


# ----------------------------------------------------------------------------- (b) the model builder

#: Messages of :class:`~derive.numeric.models.UnrealizableHypotheses` that mean an inconsistency, not a limitation.
_INCONSISTENT = ("cannot all hold in one Bayesian network", "need equal alphabets", "rows but its inputs have",
                 "cannot split the", "values for hypothesis")


#: The model builder is asked only when the model has at most this many variables (families at their largest
#: drawn size); above it, building takes seconds to minutes.
MAX_MODEL_VARIABLES = 16


def _model_size(proof, factory) -> int:
    """Variables of the largest model the builder may draw (integer parameters at the top of their drawn range)."""
    top = {}
    for name in factory.int_params:
        top[factory.symbols[name]] = sympy.Integer(factory._int_range(name)[1])
    count = len(proof.variables)
    for lo, hi in proof.families.values():
        size = sympy.expand(hi.xreplace(top) - lo.xreplace(top) + 1)
        if not size.is_Integer:
            return MAX_MODEL_VARIABLES + 1
        count += max(int(size), 0)
    return count


def _model_builder(proof, tries: int = 3) -> list[VacuityWarning]:
    from derive.errors import DeriveError
    from derive.numeric.models import ModelFactory, RandomChoices, UnrealizableHypotheses

    try:
        factory = ModelFactory(proof)
        if _model_size(proof, factory) > MAX_MODEL_VARIABLES:
            return []  # too big to ask for quickly (the builder tries many orderings)
    except DeriveError:
        return []
    failure: UnrealizableHypotheses | None = None
    for seed in range(tries):
        try:
            factory.draw(RandomChoices(seed))
            return []
        except UnrealizableHypotheses as err:
            if not any(k in err.message for k in _INCONSISTENT):
                return []
            failure = err
        except Exception:  # noqa: BLE001 - a draw that fails for another reason says nothing
            continue
    if failure is None:
        return []
    hyps = tuple(getattr(failure, "hypotheses", ()))
    s = _Signs(proof)
    for hid in hyps:  # the builder makes every kernel depend on its inputs; a function or a channel that may
        h = proof.hypotheses.get(hid)  # ignore them (constant f, equal rows) can satisfy the independence
        if isinstance(h, FunctionOf):
            return []
        if isinstance(h, (Channel, ChannelFamily)) and _informative(h.spec, s)[0] != "yes":
            return []
    reason = f"derive's model builder could not build one ({failure.message})"
    return [VacuityWarning(NO_MODEL, reason, hyps, _line(proof, hyps[0]) if hyps else None)]


# ----------------------------------------------------------------------------- entry points

def find_vacuity(proof, *, use_models: bool = True) -> list[VacuityWarning]:
    """Every finding about ``proof``'s hypotheses (see the module docstring); may raise on malformed input."""
    s = _Signs(proof)
    chans = _channels(proof)
    found: list[VacuityWarning] = []
    for check in (_function_of_noisy_channel, _conflicting_channels, _gaussian_variances, _awgn_links,
                  _output_feeds_narrower_input, _independent_but_channel):
        try:
            found += check(proof, chans, s)
        except RecursionError:
            continue
    if not found and use_models:
        found += _model_builder(proof)
    seen, unique = set(), []
    for w in found:
        if w.reason not in seen:
            seen.add(w.reason)
            unique.append(w)
    return unique


#: Findings by the hypotheses, parameters, variables and families they depend on (mutants of one proof share them).
_CACHE: dict = {}
_CACHE_SIZE = 256


def _cache_key(proof, use_models: bool):
    return (use_models, tuple(proof.hypotheses.items()),
            tuple((n, p.symbol, p.domain) for n, p in proof.parameters.items()),
            tuple(proof.variables), tuple(proof.families.items()), getattr(proof, "file", None))


def vacuity_warnings(proof, *, use_models: bool = True) -> list[VacuityWarning]:
    """:func:`find_vacuity`, never raising: an error while looking is no finding. Results are cached by the
    proof's hypotheses, parameters, variables and families (the steps do not matter)."""
    try:
        key = _cache_key(proof, use_models)
        hash(key)
    except Exception:  # noqa: BLE001 - unhashable: no caching
        key = None
    if key is not None and key in _CACHE:
        return list(_CACHE[key])
    try:
        found = find_vacuity(proof, use_models=use_models)
    except Exception:  # noqa: BLE001 - this module only ever adds warnings
        return []
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = tuple(found)
    return found
