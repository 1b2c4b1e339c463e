"""Concrete models drawn from a proof's hypotheses, every hypothesis holding exactly.

A :class:`ModelFactory` reads a :class:`~derive.proof.Proof` once and draws
models that satisfy *all* of its structural hypotheses with exact
:class:`fractions.Fraction` probabilities:

* **one Bayesian network for everything.** Markov chains, independences and
  mutual independences become conditional-independence triples ``A _|_ B | C``.
  For several orderings of the variables the factory starts from the complete
  DAG and removes the fewest edges it can until every triple is a d-separation;
  it keeps the DAG with the most edges (ties: fewest marginally independent
  pairs), and confirms with networkx's ``is_d_separator`` that the DAG implies
  every triple. A Markov chain ``U -> X -> Y`` may so be realized as
  ``U <- X -> Y`` when that keeps more dependence (same independences).
* **channels** ``Y | X ~ BSC(delta)`` (``BEC``, ``Z``, ``QSC``, ``matrix``) fix
  ``Y``'s parents to exactly ``X`` and its kernel to the channel at the drawn
  parameter values; a memoryless channel between two families of equal length
  acts letter by letter; ``X[i] | X[i-1] ~ K for i in 1..k`` is one channel per
  index at the drawn ``k``. ``AWGN`` has no finite model and is refused.
* **chains through a family** ``U -> X[0] -> ... -> X[k]`` are the finite chain
  at the drawn ``k``.
* **functions** ``Y = f(X)`` are deterministic kernels from ``X``;
* **i.i.d. families** share one kernel from the conditioning variables;
* **families** are instantiated at small lengths (integer parameters are drawn
  from ``lo .. lo + 3`` within their domain), symbolic ends substituted;
* **parameters** are drawn from their domains (exact rationals; closed ends
  included as boundary values, a midpoint, points near the ends, random
  interior points), and a parameter that an ``assume`` defines
  (``tau == n*r2/(1 + (n - 1)*r2)``, ``D(P || Q) <= d``) or that a ``fano``
  step names as its error probability is often set from that definition, so
  steps resting on those premises get tested.

Hypotheses that cannot all be realized raise :class:`UnrealizableHypotheses`
naming them: nothing else is ever tested in their place. ``assume``
statements are premises, not structure: :mod:`derive.numeric.verify` skips a
model for the steps that rest on an assumption the model violates.

Every random decision goes through a *choice source* (:class:`RandomChoices`,
:class:`ReplayChoices`, or hypothesis's ``draw`` in :func:`models_for`), whose
choices are small integers where 0 is the simplest option: integer parameters
and alphabet sizes are drawn first, so zeroing choices shrinks a
counterexample towards binary alphabets, small ``n`` and uniform tables.
This module is untrusted numerics: it can only ever make a claim ``tested``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import sympy

from derive.core.hypotheses import IID, Assume, Channel, ChannelFamily, ChannelSpec, FunctionOf, Independent, \
    Markov, MarkovFamily, MutuallyIndependent
from derive.core.channel_matrix import channel_shape, named_channel_rows
from derive.core.parameters import Domain
from derive.core.quantities import Dist, H, I, has_information
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import DeriveError, LimitExceeded
from derive.numeric.distributions import Distributions, JointPMF, Model

__all__ = [
    "ModelFactory",
    "DrawnModel",
    "ModelPlan",
    "UnrealizableHypotheses",
    "InvalidDraw",
    "RandomChoices",
    "ReplayChoices",
    "channel_matrix",
    "hypothesis_violations",
    "models_for",
    "MAX_CELLS",
    "MAX_FAMILY_EXTRA",
]

#: Largest joint table (cells) a drawn model may have; alphabets are reduced to fit.
MAX_CELLS = 4096

#: Integer parameters are drawn from ``lo .. lo + MAX_FAMILY_EXTRA`` (within the domain).
MAX_FAMILY_EXTRA = 3

#: Orderings of the variables tried when building the Bayesian network.
MAX_ORDERINGS = 24


class UnrealizableHypotheses(DeriveError):
    """The hypotheses cannot all hold in one finite model derive can build (names them)."""

    exit_code = 2

    def __init__(self, message: str, *, hypotheses: Sequence[str] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.hypotheses = tuple(hypotheses)


class InvalidDraw(DeriveError):
    """One draw of parameter values gives no valid model (e.g. a channel entry outside [0, 1]); draw again."""


# ----------------------------------------------------------------------------- choice sources

class RandomChoices:
    """Choices from a seeded :class:`random.Random` (after replaying ``prefix``); records offsets from ``lo``."""

    def __init__(self, rng: random.Random | int | None = None, prefix: Sequence[int] = ()) -> None:
        self.rng = rng if isinstance(rng, random.Random) else random.Random(rng)
        self.prefix = list(prefix)
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        if len(self.record) < len(self.prefix):
            v = lo + max(0, min(self.prefix[len(self.record)], max(hi - lo, 0)))
        elif hi <= lo:
            v = lo
        elif weights is not None:
            w = weights[: hi - lo + 1]
            x = self.rng.random() * sum(w)
            k = 0
            while k < len(w) - 1 and x >= w[k]:
                x -= w[k]
                k += 1
            v = lo + k
        else:
            v = lo + int(self.rng.random() * (hi - lo + 1))
        self.record.append(v - lo)
        return v


class ReplayChoices:
    """Replays recorded offsets (clamped into range; 0 once the record runs out), recording what it used."""

    def __init__(self, offsets: Sequence[int]) -> None:
        self.offsets = list(offsets)
        self.pos = 0
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        k = self.offsets[self.pos] if self.pos < len(self.offsets) else 0
        self.pos += 1
        k = max(0, min(k, max(hi - lo, 0)))
        self.record.append(k)
        return lo + k


class _HypothesisChoices:
    """Choices drawn by hypothesis (``st.integers`` shrinks towards ``lo``)."""

    def __init__(self, draw) -> None:
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st
        self.record: list[int] = []

    def integer(self, lo: int, hi: int, weights: Sequence[float] | None = None) -> int:
        v = lo if hi <= lo else self.draw(self.st.integers(min_value=lo, max_value=hi))
        self.record.append(v - lo)
        return v


# ----------------------------------------------------------------------------- channels

def channel_matrix(spec: ChannelSpec, values: Mapping[str, object] | None = None) -> list[list[Fraction]]:
    """Rows ``p(y | x)`` of a channel as exact Fractions: the formulas of :mod:`derive.core.channel_matrix`
    (``BSC(p)``: ``[[1-p, p], [p, 1-p]]``, ...) at the parameter values substituted from ``values``.

    Raises
    ------
    UnrealizableHypotheses
        For ``AWGN`` (no finite model).
    InvalidDraw
        When the values make an entry irrational or the rows not pmfs (e.g. ``BSC(p)`` with ``p > 1``).
    """
    subs = _symbol_values(values or {}, _spec_symbols(spec))

    def num(e: sympy.Expr, what: str) -> Fraction:
        v = sympy.nsimplify(e.xreplace(subs)) if isinstance(e, sympy.Float) else e.xreplace(subs)
        if v.free_symbols:
            raise InvalidDraw(f"the channel {spec} needs values for {', '.join(sorted(map(str, v.free_symbols)))}")
        if not v.is_Rational:
            v = sympy.simplify(v)
            if not v.is_Rational:
                raise InvalidDraw(f"{what} of {spec} is {sympy.sstr(v)}, not a rational number at these values")
        return Fraction(int(v.p), int(v.q))

    if spec.name == "AWGN":
        raise UnrealizableHypotheses(f"the channel {spec} has a Gaussian input and output; it cannot be realized "
                                     "by a finite model (numeric verification supports BSC, BEC, Z, QSC and matrix)")
    if spec.name == "matrix":
        rows = [[num(v, "an entry") for v in row] for row in spec.rows or ()]
    else:
        params: list = [num(spec.params[-1], "the parameter")]
        if spec.name == "QSC":
            q = num(spec.params[0], "the alphabet size")
            if q.denominator != 1 or q < 2:
                raise InvalidDraw(f"QSC needs an integer alphabet size q >= 2 but got q = {q}")
            params.insert(0, int(q))
        rows = named_channel_rows(spec.name, params)
    for k, row in enumerate(rows):
        if any(v < 0 for v in row) or sum(row) != 1:
            raise InvalidDraw(f"row {k + 1} of {spec} is {[str(v) for v in row]}, not a pmf at these values")
    return rows


def _spec_symbols(spec: ChannelSpec) -> set:
    out: set = set()
    for e in spec.params:
        out |= e.free_symbols
    for row in spec.rows or ():
        for e in row:
            out |= e.free_symbols
    return out


def _symbol_values(values: Mapping[str, object], symbols: Iterable) -> dict:
    out = {}
    for s in symbols:
        if s.name in values:
            v = values[s.name]
            out[s] = sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.Integer(v)
    return out


def _channel_sizes(spec: ChannelSpec, int_values: Mapping[str, int]) -> tuple[int | None, int | None]:
    """(input size, output size) of a channel at the drawn integers, ``None`` where unknown."""
    params = tuple(e.xreplace(_symbol_values(int_values, e.free_symbols)) for e in spec.params)
    shape = channel_shape(ChannelSpec(spec.name, params, spec.rows))
    return (None, None) if shape is None else shape


# ----------------------------------------------------------------------------- plans

@dataclass(frozen=True)
class CI:
    """``left _|_ right | given`` over variable names, from hypothesis ``source``."""

    left: frozenset
    right: frozenset
    given: frozenset
    source: str

    def __str__(self) -> str:
        def fmt(s):
            return ", ".join(sorted(s))
        cond = f" | {fmt(self.given)}" if self.given else ""
        return f"{fmt(self.left)} _|_ {fmt(self.right)}{cond}"


@dataclass
class _Node:
    """How one variable is generated: ``free`` (any kernel from its parents), ``channel``, ``function``, ``iid``."""

    name: str
    kind: str = "free"
    parents: tuple[str, ...] = ()
    spec: ChannelSpec | None = None
    source: str | None = None
    group: str | None = None


@dataclass
class ModelPlan:
    """The Bayesian network for one assignment of the integer parameters."""

    int_values: dict[str, int]
    order: tuple[str, ...]
    nodes: dict[str, _Node]
    sizes: dict[str, int]
    dag: nx.DiGraph
    cis: list[CI]
    distributions: tuple[str, ...]
    soft: frozenset = frozenset()

    def describe(self) -> str:
        parts = []
        for v in self.order:
            n = self.nodes[v]
            pa = ", ".join(n.parents) if n.parents else "-"
            extra = f" ~ {n.spec}" if n.spec is not None else (" (function)" if n.kind == "function" else "")
            parts.append(f"{v} <- {pa}{extra}")
        return "; ".join(parts)


def _rvset_names(s: RVSet, values: Mapping[str, int], where: str) -> tuple[str, ...]:
    out: list[str] = []
    for item in s.args:
        if isinstance(item, RV):
            out.append(item.name)
        elif isinstance(item, FamilyMember):
            idx = item.index.xreplace(_symbol_values(values, item.index.free_symbols))
            if not idx.is_Integer:
                raise UnrealizableHypotheses(f"{where}: the index of {item} is not an integer at "
                                             f"{_fmt_values(values)}")
            out.append(str(FamilyMember(item.family, idx)))
        elif isinstance(item, FamilyRange):
            lo = item.lo.xreplace(_symbol_values(values, item.lo.free_symbols))
            hi = item.hi.xreplace(_symbol_values(values, item.hi.free_symbols))
            if not (lo.is_Integer and hi.is_Integer):
                raise UnrealizableHypotheses(f"{where}: the range {item} has non-integer ends at "
                                             f"{_fmt_values(values)}")
            out.extend(str(FamilyMember(item.family, sympy.Integer(k))) for k in range(int(lo), int(hi) + 1))
        else:  # pragma: no cover
            raise UnrealizableHypotheses(f"{where}: unsupported variable {item!r}")
    return tuple(out)


def _fmt_values(values: Mapping[str, object]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(values.items())) or "no parameter values"


def _active_trail(g: nx.DiGraph, a: Iterable[str], b: set, z: set) -> list[str] | None:
    """A trail from ``a`` to ``b`` that is active given ``z`` (Bayes-ball), or ``None`` if d-separated."""
    anc = set(z)
    for v in z:
        anc |= nx.ancestors(g, v)
    prev: dict[tuple[str, str], tuple[str, str] | None] = {}
    queue: list[tuple[str, str]] = []
    for s in a:
        st = (s, "up")
        prev[st] = None
        queue.append(st)
    head = 0
    while head < len(queue):
        node, d = queue[head]
        head += 1
        if node in b and node not in z:
            path = []
            cur: tuple[str, str] | None = (node, d)
            while cur is not None:
                path.append(cur[0])
                cur = prev[cur]
            return path[::-1]
        nxt: list[tuple[str, str]] = []
        if d == "up" and node not in z:
            nxt += [(p, "up") for p in g.predecessors(node)]
            nxt += [(c, "down") for c in g.successors(node)]
        elif d == "down":
            if node not in z:
                nxt += [(c, "down") for c in g.successors(node)]
            if node in anc:
                nxt += [(p, "up") for p in g.predecessors(node)]
        for st in nxt:
            if st not in prev:
                prev[st] = (node, d)
                queue.append(st)
    return None


def _d_separated(g: nx.DiGraph, ci: CI) -> bool:
    return nx.is_d_separator(g, set(ci.left), set(ci.right), set(ci.given))


def _dag_for_order(order: Sequence[str], forced: Mapping[str, tuple[str, ...]], cis: Sequence[CI]):
    """Complete DAG on ``order`` (forced nodes keep exactly their parents), minus edges cut to satisfy ``cis``.

    Returns ``(dag, None)`` or ``(None, (ci, forced edges on an active trail))`` when a triple cannot hold.
    """
    pos = {v: k for k, v in enumerate(order)}
    g = nx.DiGraph()
    g.add_nodes_from(order)
    fixed_edges = set()
    for v in order:
        if v in forced:
            for p in forced[v]:
                g.add_edge(p, v)
                fixed_edges.add((p, v))
        else:
            for u in order[: pos[v]]:
                g.add_edge(u, v)
    # removing an edge only adds d-separations, so one pass over the triples suffices
    for ci in cis:
        while True:
            trail = _active_trail(g, ci.left, set(ci.right), set(ci.given))
            if trail is None:
                break
            edges = [(u, v) if g.has_edge(u, v) else (v, u) for u, v in zip(trail, trail[1:])]
            removable = [e for e in edges if e not in fixed_edges]
            if not removable:
                return None, (ci, edges)
            e = max(removable, key=lambda e: (pos[e[1]], edges.index(e)))
            g.remove_edge(*e)
    return g, None


def _marginal_pairs(g: nx.DiGraph) -> int:
    anc = {v: nx.ancestors(g, v) | {v} for v in g}
    nodes = list(g)
    return sum(1 for i, u in enumerate(nodes) for v in nodes[i + 1:] if not (anc[u] & anc[v]))


def _concrete_hypotheses(proof, symbols: Mapping[str, sympy.Symbol], values: Mapping[str, int]):
    """``(id, hypothesis)`` pairs at these integer values: a chain ``X[0] -> ... -> X[k]`` becomes its finite
    :class:`Markov` (nothing when it has fewer than 3 links), ``... for i in 1..k`` one :class:`Channel` per index."""
    subs = {symbols[n]: sympy.Integer(v) for n, v in values.items() if n in symbols}
    for hid, h in proof.hypotheses.items():
        try:
            if isinstance(h, MarkovFamily):
                inst = h.instance(subs)
                if inst is not None:
                    yield hid, inst
                continue
            if isinstance(h, ChannelFamily):
                for ch in h.members(subs):
                    yield hid, ch
                continue
        except DeriveError as err:
            raise UnrealizableHypotheses(f"hypothesis {hid!r}: {err.message} ({_fmt_values(values)})",
                                         hypotheses=[hid], file=proof.file,
                                         line=proof.hypothesis_lines.get(hid)) from err
        yield hid, h


class _Structure:
    """Hypotheses of a proof turned into CI triples, forced parents and size constraints at fixed integers."""

    def __init__(self, factory: "ModelFactory", values: dict[str, int]) -> None:
        self.f = factory
        self.values = values
        proof = factory.proof
        names: list[str] = list(proof.variables)
        for fam, (lo, hi) in proof.families.items():
            lo_v = lo.xreplace(_symbol_values(values, lo.free_symbols))
            hi_v = hi.xreplace(_symbol_values(values, hi.free_symbols))
            if not (lo_v.is_Integer and hi_v.is_Integer):
                raise UnrealizableHypotheses(f"the family {fam}[{lo}..{hi}] has non-integer ends at "
                                             f"{_fmt_values(values)}", file=proof.file)
            names += [str(FamilyMember(fam, sympy.Integer(k))) for k in range(int(lo_v), int(hi_v) + 1)]
        self.cis: list[CI] = []
        self.forced: dict[str, _Node] = {}
        self.fixed_sizes: dict[str, tuple[int, str]] = {}
        self.same_size: list[tuple[tuple[str, ...], str]] = []
        self.prefs: list[tuple[str, list]] = []
        self.joint_inputs: list = []
        extra: list[str] = []
        for hid, h in _concrete_hypotheses(proof, factory.symbols, values):
            where = f"hypothesis {hid!r}"
            if isinstance(h, Assume):
                continue
            for v in _rvset_names(h.variables(), values, where) if not isinstance(h, MutuallyIndependent) else ():
                if v not in names and v not in extra:
                    extra.append(v)
            if isinstance(h, Markov):
                links = [_rvset_names(s, values, where) for s in h.chain]
                for j in range(1, len(links) - 1):
                    past = frozenset(x for l in links[:j] for x in l)
                    self.cis.append(CI(past, frozenset(links[j + 1]), frozenset(links[j]), hid))
                self.prefs.append(("chain", links))
            elif isinstance(h, Independent):
                l, r, c = (_rvset_names(s, values, where) for s in (h.left, h.right, h.given))
                self.cis.append(CI(frozenset(l), frozenset(r), frozenset(c), hid))
                self.prefs.append(("edges", [(u, v) for u in c for v in l + r]))
            elif isinstance(h, MutuallyIndependent):
                given = _rvset_names(h.given, values, where)
                if h.family_range is not None:
                    members = [(m,) for m in _rvset_names(RVSet(h.family_range), values, where)]
                else:
                    members = [_rvset_names(m, values, where) for m in h.members]
                for v in [x for m in members for x in m] + list(given):
                    if v not in names and v not in extra:
                        extra.append(v)
                for j in range(1, len(members)):
                    past = frozenset(x for m in members[:j] for x in m)
                    self.cis.append(CI(past, frozenset(members[j]), frozenset(given), hid))
                self.prefs.append(("edges", [(u, v) for u in given for m in members for v in m]))
                if isinstance(h, IID):
                    if any(len(m) != 1 for m in members):
                        raise UnrealizableHypotheses(f"{where}: i.i.d. members must be single variables",
                                                     hypotheses=[hid], file=proof.file,
                                                     line=proof.hypothesis_lines.get(hid))
                    flat = tuple(m[0] for m in members)
                    for v in flat:
                        self._force(v, _Node(v, "iid", tuple(given), None, hid, group=hid))
                    self.same_size.append((flat, hid))
            elif isinstance(h, Channel):
                outs = _rvset_names(h.output, values, where)
                ins = _rvset_names(h.input, values, where)
                in_size, out_size = _channel_sizes(h.spec, values)
                if h.spec.name == "AWGN":
                    raise UnrealizableHypotheses(
                        f"{where}: the channel {h.spec} has a Gaussian input and output and cannot be realized by a "
                        "finite model; numeric verification supports BSC, BEC, Z, QSC and matrix channels",
                        hypotheses=[hid], file=proof.file, line=proof.hypothesis_lines.get(hid))
                if len(outs) == len(ins) and len(outs) > 1:
                    pairs = [((i,), o) for i, o in zip(ins, outs)]      # memoryless, letter by letter
                    # P(y^n | x^n) = prod_i K(y_i | x_i): each output sees only its own input
                    block = set(ins) | set(outs)
                    for i, o in zip(ins, outs):
                        self.cis.append(CI(frozenset({o}), frozenset(block - {i, o}), frozenset({i}), hid))
                elif len(outs) == 1:
                    pairs = [(ins, outs[0])]
                else:
                    raise UnrealizableHypotheses(
                        f"{where}: a channel from {len(ins)} to {len(outs)} variables is supported only letter by "
                        "letter between blocks of equal length, or into one output variable",
                        hypotheses=[hid], file=proof.file, line=proof.hypothesis_lines.get(hid))
                for inputs, out in pairs:
                    self._force(out, _Node(out, "channel", tuple(inputs), h.spec, hid))
                    if out_size is not None:
                        self._size(out, out_size, hid)
                    if in_size is not None:
                        if len(inputs) == 1:
                            self._size(inputs[0], in_size, hid)
                        else:
                            self.joint_inputs.append((tuple(inputs), in_size, hid))
            elif isinstance(h, FunctionOf):
                outs = _rvset_names(h.output, values, where)
                ins = _rvset_names(h.input, values, where)
                if set(outs) & set(ins):
                    continue  # trivially true for shared variables; remaining outputs below
                for out in outs:
                    self._force(out, _Node(out, "function", tuple(ins), None, hid))
            else:
                raise UnrealizableHypotheses(f"{where}: unsupported hypothesis {h}", hypotheses=[hid],
                                             file=proof.file, line=proof.hypothesis_lines.get(hid))
        for v in factory.statement_variables(values):
            if v not in names and v not in extra:
                extra.append(v)
        self.names = tuple(names + extra)
        # soft size constraints (fano's alphabet)
        self.soft_sizes: dict[str, int] = {}
        for sid, var, k_expr in factory.fano_alphabets:
            k = k_expr.xreplace(_symbol_values(values, k_expr.free_symbols))
            if k.is_Integer and int(k) >= 2 and var in self.names and var not in self.fixed_sizes:
                self.soft_sizes.setdefault(var, int(k))

    def _force(self, v: str, node: _Node) -> None:
        old = self.forced.get(v)
        proof = self.f.proof
        if old is not None:
            if old.kind == "iid" and node.kind == "iid" and old.parents == node.parents:
                return
            raise UnrealizableHypotheses(
                f"{v} is generated by two hypotheses ({old.source!r}: {old.kind} of {', '.join(old.parents) or '-'}, "
                f"{node.source!r}: {node.kind} of {', '.join(node.parents) or '-'}); derive realizes each variable "
                "by one kernel", hypotheses=[old.source, node.source], file=proof.file,
                line=proof.hypothesis_lines.get(node.source))
        self.forced[v] = node

    def _size(self, v: str, size: int, hid: str) -> None:
        old = self.fixed_sizes.get(v)
        if old is not None and old[0] != size:
            proof = self.f.proof
            raise UnrealizableHypotheses(
                f"{v} needs {old[0]} values for hypothesis {old[1]!r} but {size} for {hid!r}",
                hypotheses=[old[1], hid], file=proof.file, line=proof.hypothesis_lines.get(hid))
        self.fixed_sizes[v] = (size, hid)


class ModelFactory:
    """Draws exact models satisfying every structural hypothesis of ``proof`` (see the module docstring).

    Raises
    ------
    UnrealizableHypotheses
        On construction or on the first draw when the hypotheses cannot all be realized.
    """

    def __init__(self, proof, *, max_alphabet: int = 3, max_cells: int = MAX_CELLS, seed: int = 0) -> None:
        self.proof = proof
        self.max_alphabet = max_alphabet
        self.max_cells = max_cells
        self.seed = seed
        self._plans: dict[tuple, ModelPlan] = {}
        params = proof.parameters
        self.int_params = sorted(n for n, p in params.items() if p.domain.integer)
        self.real_params = sorted(n for n, p in params.items() if not p.domain.integer)
        self.domains: dict[str, Domain] = {n: p.domain for n, p in params.items()}
        self.symbols = {n: p.symbol for n, p in params.items()}
        for hid, h in proof.hypotheses.items():
            if isinstance(h, (Channel, ChannelFamily)) and h.spec.name == "AWGN":
                raise UnrealizableHypotheses(
                    f"hypothesis {hid!r}: the channel {h.spec} has a Gaussian input and output and cannot be realized "
                    "by a finite model; numeric verification supports BSC, BEC, Z, QSC and matrix channels",
                    hypotheses=[hid], file=proof.file, line=proof.hypothesis_lines.get(hid))
        self.distributions = tuple(sorted(self._distribution_names()))
        self.fano_alphabets: list[tuple[str, str, sympy.Expr]] = []
        self.fano_errors: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = []
        for s in proof.steps:
            if s.rule != "fano":
                continue
            lhs = s.claim.lhs if s.claim.rel != ">=" else s.claim.rhs
            err, k = s.args.get("error"), s.args.get("alphabet")
            if isinstance(lhs, H) and len(lhs.target) == 1 and isinstance(lhs.target.args[0], RV):
                x = lhs.target.args[0].name
                if k is not None:
                    self.fano_alphabets.append((s.id, x, k))
                if isinstance(err, sympy.Symbol) and err.name in self.real_params:
                    ys = tuple(i.name for i in lhs.given.args if isinstance(i, RV))
                    if len(ys) == len(lhs.given.args):
                        self.fano_errors.append((s.id, err.name, (x,), ys))
        self.definitions = self._definitions()

    # -------------------------------------------------------------- analysis
    def _statements(self):
        p = self.proof
        for h in p.hypotheses.values():
            if isinstance(h, Assume):
                yield h.statement
        for s in p.steps:
            yield s.claim
        if p.theorem is not None:
            yield p.theorem.claim

    def _distribution_names(self) -> set[str]:
        out: set[str] = set()
        for st in self._statements():
            for side in (st.lhs, st.rhs):
                for node in sympy.preorder_traversal(side):
                    if isinstance(node, Dist):
                        out.add(node.name)
        return out

    def statement_variables(self, values: Mapping[str, int]) -> list[str]:
        """Variable names mentioned by statements (families expanded at ``values``), in order of appearance."""
        out: list[str] = []
        subs = {self.symbols[k]: sympy.Integer(v) for k, v in values.items() if k in self.symbols}
        for st in self._statements():
            for side in (st.lhs, st.rhs):
                e = side.xreplace(subs) if subs else side
                for node in sympy.preorder_traversal(e):
                    if isinstance(node, RVSet):
                        for item in node.args:
                            if isinstance(item, RV) and item.name not in out:
                                out.append(item.name)
        return out

    def _definitions(self) -> list[tuple[str, str, sympy.Expr, str]]:
        """``(param, kind, expr, source)``: ``kind`` ``eq`` (param == expr), ``ge`` (param >= expr), ``le``."""
        out = []
        for hid, h in self.proof.hypotheses.items():
            if not isinstance(h, Assume):
                continue
            st = h.statement
            for a, b, rel in ((st.lhs, st.rhs, st.rel), (st.rhs, st.lhs, {"<=": ">=", ">=": "<=", "==": "=="}[st.rel])):
                if isinstance(a, sympy.Symbol) and a.name in self.real_params and a not in b.free_symbols:
                    kind = {"==": "eq", ">=": "ge", "<=": "le"}[rel]
                    out.append((a.name, kind, b, hid))
                    break
        return out

    # -------------------------------------------------------------- plans
    def plan(self, int_values: Mapping[str, int]) -> ModelPlan:
        """The Bayesian network at these integer parameter values (cached)."""
        key = tuple(sorted(int_values.items()))
        if key not in self._plans:
            self._plans[key] = self._build_plan(dict(int_values))
        return self._plans[key]

    def _build_plan(self, values: dict[str, int]) -> ModelPlan:
        proof = self.proof
        s = _Structure(self, values)
        names = s.names
        forced_parents = {v: n.parents for v, n in s.forced.items()}
        for v, pa in forced_parents.items():
            for p in pa:
                if p not in names:
                    raise UnrealizableHypotheses(f"{p} is not a variable of the proof", file=proof.file)
        fg = nx.DiGraph()
        fg.add_nodes_from(names)
        fg.add_edges_from((p, v) for v, pa in forced_parents.items() for p in pa)
        if not nx.is_directed_acyclic_graph(fg):
            cyc = nx.find_cycle(fg)
            srcs = sorted({s.forced[v].source for _, v in cyc})
            raise UnrealizableHypotheses(
                "the channels/functions generate their variables in a cycle: "
                + " -> ".join([cyc[0][0]] + [v for _, v in cyc]) + f" (hypotheses {', '.join(map(repr, srcs))})",
                hypotheses=srcs, file=proof.file)
        best = None
        failure = None
        rng = random.Random(self.seed)
        for order in self._orders(names, fg, s.prefs, rng):
            dag, why = _dag_for_order(order, forced_parents, s.cis)
            if dag is None:
                failure = failure or why
                continue
            score = (dag.number_of_edges(), -_marginal_pairs(dag))
            if best is None or score > best[0]:
                best = (score, order, dag)
        if best is None:
            ci, edges = failure if failure else (None, [])
            srcs = []
            if ci is not None:
                srcs.append(ci.source)
            for u, v in edges:
                node = s.forced.get(v)
                if node is not None and node.source not in srcs:
                    srcs.append(node.source)
            detail = (f"{ci} (from {ci.source!r}) cannot hold: "
                      + ", ".join(f"{v} depends directly on {u} ({s.forced[v].kind} {s.forced[v].source!r})"
                                  for u, v in edges if v in s.forced)) if ci is not None else ""
            raise UnrealizableHypotheses(
                f"the hypotheses {', '.join(map(repr, srcs))} cannot all hold in one Bayesian network derive can "
                f"build: {detail}", hypotheses=srcs, file=proof.file,
                line=proof.hypothesis_lines.get(srcs[0]) if srcs else None)
        _, order, dag = best
        for ci in s.cis:
            if not _d_separated(dag, ci):  # pragma: no cover - guaranteed by construction; checked anyway
                raise UnrealizableHypotheses(f"internal: the network does not imply {ci} ({ci.source!r})",
                                             hypotheses=[ci.source], file=proof.file)
        nodes = {}
        for v in order:
            if v in s.forced:
                nodes[v] = s.forced[v]
            else:
                nodes[v] = _Node(v, "free", tuple(sorted(dag.predecessors(v), key=order.index)))
        sizes: dict[str, int] = {v: sz for v, (sz, _) in s.fixed_sizes.items()}
        for v, k in s.soft_sizes.items():
            sizes.setdefault(v, k)
        for group, hid in s.same_size:
            fixed = {sizes[v] for v in group if v in sizes}
            if len(fixed) > 1:
                raise UnrealizableHypotheses(f"the i.i.d. members of {hid!r} need equal alphabets but get "
                                             f"{sorted(fixed)}", hypotheses=[hid], file=proof.file)
        for inputs, rows, hid in s.joint_inputs:
            known = [sizes.get(v) for v in inputs]
            if None in known:
                missing = [v for v in inputs if v not in sizes]
                rest = math.prod(k for k in known if k is not None)
                if len(missing) == 1 and rows % rest == 0:
                    sizes[missing[0]] = rows // rest
                else:
                    for v in missing[:-1]:
                        sizes[v] = 2 if rows % 2 == 0 else rows
                        rest *= sizes[v]
                    if rows % rest:
                        raise UnrealizableHypotheses(f"cannot split the {rows} rows of {hid!r} into alphabets of "
                                                     f"{', '.join(inputs)}", hypotheses=[hid], file=proof.file)
                    sizes[missing[-1]] = rows // rest
            elif math.prod(known) != rows:
                raise UnrealizableHypotheses(f"the channel {hid!r} has {rows} rows but its inputs have "
                                             f"{math.prod(known)} joint values", hypotheses=[hid], file=proof.file)
        plan = ModelPlan(values, tuple(order), nodes, sizes, dag, s.cis, self.distributions)
        plan.soft = frozenset(v for v in s.soft_sizes if v not in s.fixed_sizes)
        return plan

    def _orders(self, names: Sequence[str], forced: nx.DiGraph, prefs: list[tuple[str, list]],
                rng: random.Random) -> list[tuple[str, ...]]:
        """Candidate orderings: forced edges always; preference edges (Markov chains forwards, backwards or
        rooted at a middle link; conditioning variables before members) when they keep the graph acyclic."""
        rank = {v: k for k, v in enumerate(names)}
        seen: set = set()
        out: list[tuple[str, ...]] = []

        def edges(kind: str, data: list, mode: int, pivot: int) -> list[tuple[str, str]]:
            if kind == "edges":
                return data if mode != 1 else [(v, u) for u, v in data]
            links = data
            es = []
            for j in range(len(links) - 1):
                a, b = links[j], links[j + 1]
                forward = mode == 0 or (mode == 2 and j >= pivot)
                es += [(u, v) for u in a for v in b] if forward else [(v, u) for u in a for v in b]
            return es

        def add(chosen: list[list[tuple[str, str]]], randomize: bool) -> None:
            g = forced.copy()
            for es in chosen:
                trial = g.copy()
                trial.add_edges_from(es)
                if nx.is_directed_acyclic_graph(trial):
                    g = trial
            order = _random_topological(g, rng) if randomize else tuple(
                nx.lexicographical_topological_sort(g, key=lambda v: rank[v]))
            if order not in seen:
                seen.add(order)
                out.append(order)

        add([edges(k, d, 0, 0) for k, d in prefs], False)
        add([edges(k, d, 1, 0) for k, d in prefs], False)
        add([], False)
        for _ in range(MAX_ORDERINGS * 3):
            if len(out) >= MAX_ORDERINGS:
                break
            chosen = []
            for k, d in prefs:
                mode = rng.randrange(4)
                if mode < 3:
                    chosen.append(edges(k, d, mode, rng.randrange(max(len(d), 1))))
            rng.shuffle(chosen)
            add(chosen, True)
        return out

    # -------------------------------------------------------------- drawing
    def draw(self, source) -> "DrawnModel":
        """One model, every choice taken from ``source`` (see :class:`RandomChoices`).

        Raises
        ------
        InvalidDraw
            The drawn parameter values give no valid model (draw again).
        UnrealizableHypotheses
            The hypotheses cannot be realized at all.
        """
        values: dict[str, object] = {}
        for name in self.int_params:
            values[name] = source.integer(*self._int_range(name))
        ints, plan = self._fit_int_values({k: int(v) for k, v in values.items()})
        values.update(ints)
        sizes = self._draw_sizes(plan, source)
        dist_size = source.integer(2, 4) if plan.distributions else 0
        structural = len(getattr(source, "record", ()))
        for name in self.real_params:
            values[name] = _draw_real(self.domains[name], source)
        defined = self._apply_parameter_definitions(values, source)
        kernels: dict[str, list[list[Fraction]]] = {}
        shared: dict[str, list[list[Fraction]]] = {}
        for v in plan.order:
            node = plan.nodes[v]
            rows = math.prod(sizes[p] for p in node.parents)
            if node.kind == "channel":
                try:
                    mat = channel_matrix(node.spec, values)
                except InvalidDraw as err:
                    raise InvalidDraw(f"hypothesis {node.source!r}: {err.message}") from None
                if len(mat) != rows or len(mat[0]) != sizes[v]:
                    raise UnrealizableHypotheses(
                        f"the channel {node.spec} ({node.source!r}) is {len(mat)} x {len(mat[0])} but {v} given "
                        f"{', '.join(node.parents)} needs {rows} x {sizes[v]}", hypotheses=[node.source],
                        file=self.proof.file)
                kernels[v] = mat
            elif node.kind == "function":
                kernels[v] = [_one_hot(sizes[v], source.integer(0, sizes[v] - 1)) for _ in range(rows)]
            elif node.kind == "iid" and node.group in shared:
                kernels[v] = shared[node.group]
            else:
                kernels[v] = _draw_kernel(rows, sizes[v], source)
                if node.kind == "iid":
                    shared[node.group] = kernels[v]
        dists = {}
        if plan.distributions:
            first = None
            for name in plan.distributions:
                if first is None:
                    first = _draw_weights(dist_size, source)
                    dists[name] = first
                else:
                    style = source.integer(0, 3, weights=(0.4, 0.35, 0.15, 0.1))
                    if style == 1:      # close to the first: small perturbation
                        w = [32 * x + source.integer(0, 8) for x in first]
                        w = w if any(w) else [1] * dist_size
                        t = sum(w)
                        dists[name] = [Fraction(x, t) for x in w]
                    elif style == 2:
                        dists[name] = [Fraction(1, dist_size)] * dist_size
                    elif style == 3:
                        dists[name] = list(first)
                    else:
                        dists[name] = _draw_weights(dist_size, source)
        drawn = DrawnModel(self, plan, dict(sizes), kernels, dists, values, list(getattr(source, "record", [])))
        drawn.structural = structural
        self._apply_model_definitions(drawn, source, defined)
        drawn.choices = list(getattr(source, "record", []))
        return drawn

    def _int_range(self, name: str) -> tuple[int, int]:
        """The integers an integer parameter is drawn from: its domain minimum to MAX_FAMILY_EXTRA above it."""
        d = self.domains[name]
        lo, _ = d.lower_bound()
        hi, _ = d.upper_bound()
        lo_i = int(lo) if lo.is_finite else (int(hi) - MAX_FAMILY_EXTRA if hi.is_finite else 0)
        hi_i = min(int(hi), lo_i + MAX_FAMILY_EXTRA) if hi.is_finite else lo_i + MAX_FAMILY_EXTRA
        return lo_i, hi_i

    @staticmethod
    def _min_cells(plan: ModelPlan) -> int:
        """Cells of the joint table at ``plan`` with every alphabet :meth:`_draw_sizes` may shrink set to 2."""
        total = 1
        for v in plan.order:
            if v in plan.sizes and v not in plan.soft:
                total *= plan.sizes[v]
            else:
                total *= min(plan.sizes.get(v, 2), 2)
        return total

    def _fit_int_values(self, ints: dict[str, int]) -> tuple[dict[str, int], ModelPlan]:
        """The drawn integer parameters (family sizes), lowered one step at a time toward their domain minimum
        (each step the one that shrinks the table most) until the model fits in ``max_cells`` cells.

        Raises
        ------
        LimitExceeded
            Even the smallest instantiation tried has more than ``max_cells`` cells (with binary free alphabets).
        """
        plan = self.plan(ints)
        cells = self._min_cells(plan)
        tried = [(dict(ints), cells)]
        while cells > self.max_cells:
            best = None
            for name in self.int_params:
                if ints[name] <= self._int_range(name)[0]:
                    continue
                cand = dict(ints, **{name: ints[name] - 1})
                try:
                    cand_plan = self.plan(cand)
                except (InvalidDraw, UnrealizableHypotheses):
                    continue
                c = self._min_cells(cand_plan)
                if best is None or c < best[0]:
                    best = (c, cand, cand_plan)
            if best is None:
                shown = "; ".join(f"{_fmt_values(v)}: {c} cells" for v, c in tried)
                raise LimitExceeded(
                    f"no model of {self.proof.name!r} fits in {self.max_cells} cells: the family sizes were lowered "
                    f"to their domain minimum and every free alphabet to 2 (tried {shown}); raise the cap with "
                    f"`derive verify --max-cells N` (API: ModelFactory(proof, max_cells=...); default {MAX_CELLS}) or state "
                    "the families over fewer coordinates", file=self.proof.file)
            cells, ints, plan = best
            tried.append((dict(ints), cells))
        return ints, plan

    def _draw_sizes(self, plan: ModelPlan, source) -> dict[str, int]:
        sizes: dict[str, int] = {}
        shared_size: dict[str, int] = {}
        for v in plan.order:
            node = plan.nodes[v]
            if v in plan.sizes:
                sizes[v] = plan.sizes[v]
            elif node.kind == "iid" and node.group in shared_size:
                sizes[v] = shared_size[node.group]
            else:
                sizes[v] = source.integer(2, self.max_alphabet, weights=(0.55, 0.35, 0.1))
            if node.kind == "iid":
                shared_size.setdefault(node.group, sizes[v])
        # fit the table: reduce free alphabets (latest first) to 2
        total = math.prod(sizes.values()) if sizes else 1
        for v in reversed(plan.order):
            if total <= self.max_cells:
                break
            if (v in plan.sizes and v not in plan.soft) or sizes[v] <= 2:
                continue
            node = plan.nodes[v]
            group = [w for w in plan.order if plan.nodes[w].group == node.group] if node.kind == "iid" else [v]
            for w in group:
                total = total // sizes[w] * 2
                sizes[w] = 2
        if total > self.max_cells:
            raise LimitExceeded(f"the model of {self.proof.name!r} at {_fmt_values(plan.int_values)} has {total} "
                                f"cells with every free alphabet at 2; at most {self.max_cells} are drawn")
        return sizes

    def _apply_parameter_definitions(self, values: dict[str, object], source) -> set[str]:
        """Set parameters that an ``assume`` defines by an expression in the other parameters (often, not always)."""
        done: set[str] = set()
        pending = [d for d in self.definitions if not has_information(d[2])]
        for _ in range(len(pending) + 1):
            progress = False
            for name, kind, expr, hid in pending:
                if name in done:
                    continue
                deps = {s.name for s in expr.free_symbols}
                if deps & ({d[0] for d in pending} - done - {name}):
                    continue
                use = source.integer(0, 1, weights=(0.7, 0.3)) == 0
                done.add(name)
                progress = True
                if not use:
                    continue
                val = expr.xreplace(_symbol_values(values, expr.free_symbols))
                if not val.is_Rational:
                    val = sympy.nsimplify(val) if val.is_number else val
                if val.is_Rational:
                    frac = Fraction(int(val.p), int(val.q))
                    if kind != "eq":
                        bump = Fraction(source.integer(0, 3), 4)
                        frac = frac + bump if kind == "ge" else frac - bump
                    if self.domains[name].contains(sympy.Rational(frac.numerator, frac.denominator)):
                        values[name] = frac
            if not progress:
                break
        return done

    def _apply_model_definitions(self, drawn: "DrawnModel", source, done: set[str]) -> None:
        """Parameters defined by the model: a ``fano`` step's error probability, ``D(P || Q) <= d`` bounds."""
        channel_params = set()
        for v in drawn.plan.order:
            node = drawn.plan.nodes[v]
            if node.spec is not None:
                channel_params |= {s.name for s in _spec_symbols(node.spec)}
        for sid, name, xs, ys in self.fano_errors:
            if name in channel_params or name in done:
                continue
            done.add(name)
            if source.integer(0, 1, weights=(0.6, 0.4)) != 0:
                continue
            pe = drawn.map_error(xs, ys)
            if pe is not None and self.domains[name].contains(sympy.Rational(pe.numerator, pe.denominator)):
                drawn.params[name] = pe
        for name, kind, expr, hid in self.definitions:
            if not has_information(expr) or name in channel_params or name in done or kind == "eq":
                continue
            done.add(name)
            if source.integer(0, 1, weights=(0.6, 0.4)) != 0:
                continue
            from derive.numeric.evaluate import evaluate

            try:
                val = evaluate(expr, drawn.model(), units=self.proof.units)
            except DeriveError:
                continue
            if not math.isfinite(val):
                continue
            # a rational just beyond the float value: the premise holds (slack ~1e-9 relative)
            eps = Fraction(1, 1 << 30) * Fraction(abs(val)) + Fraction(1, 1 << 40)
            frac = Fraction(val) + eps if kind == "ge" else Fraction(val) - eps
            frac = frac.limit_denominator(1 << 62) if frac.denominator > (1 << 62) else frac
            if (kind == "ge" and frac < Fraction(val)) or (kind == "le" and frac > Fraction(val)):
                continue
            if self.domains[name].contains(sympy.Rational(frac.numerator, frac.denominator)):
                drawn.params[name] = frac


def _random_topological(g: nx.DiGraph, rng: random.Random) -> tuple[str, ...]:
    indeg = {v: g.in_degree(v) for v in g}
    ready = [v for v, d in indeg.items() if d == 0]
    out = []
    while ready:
        v = ready.pop(rng.randrange(len(ready)))
        out.append(v)
        for w in g.successors(v):
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    return tuple(out)


def _one_hot(m: int, k: int) -> list[Fraction]:
    return [Fraction(1) if j == k else Fraction(0) for j in range(m)]


def _cell(v: int) -> int:
    """Choice 0 -> weight 1 (uniform rows), 1 -> weight 0, else the choice itself."""
    return 1 if v == 0 else (0 if v == 1 else v)


def _draw_weights(m: int, source) -> list[Fraction]:
    w = [_cell(source.integer(0, 8)) for _ in range(m)]
    if not any(w):
        w[0] = 1
    t = sum(w)
    return [Fraction(x, t) for x in w]


def _draw_kernel(rows: int, m: int, source) -> list[list[Fraction]]:
    """Rows ``p(y | parents)``: weights, uniform, deterministic or near-uniform (style drawn first)."""
    style = source.integer(0, 3, weights=(0.5, 0.15, 0.15, 0.2))
    if style == 1:
        return [[Fraction(1, m)] * m for _ in range(rows)]
    if style == 2:
        return [_one_hot(m, source.integer(0, m - 1)) for _ in range(rows)]
    if style == 3:
        out = []
        for _ in range(rows):
            w = [32 + source.integer(0, 8) for _ in range(m)]
            t = sum(w)
            out.append([Fraction(x, t) for x in w])
        return out
    return [_draw_weights(m, source) for _ in range(rows)]


def _draw_real(d: Domain, source) -> Fraction:
    """A rational in the domain: a simple interior point, a closed end, a point near an end or a random point."""
    lo, lo_open = d.lower_bound()
    hi, hi_open = d.upper_bound()
    flo = Fraction(int(lo.p), int(lo.q)) if lo.is_finite else None
    fhi = Fraction(int(hi.p), int(hi.q)) if hi.is_finite else None
    if flo is not None and fhi is not None:
        a, b = flo, fhi
    elif flo is not None:
        a, b = flo, flo + 10
    elif fhi is not None:
        a, b = fhi - 10, fhi
    else:
        a, b = Fraction(-10), Fraction(10)
    if flo is not None and fhi is None and flo == 0:
        simple = Fraction(1)
    elif flo is None and fhi is None:
        simple = Fraction(0)
    else:
        simple = (a + b) / 2
    options: list[Fraction] = [simple]
    if flo is not None and not lo_open:
        options.append(flo)
    if fhi is not None and not hi_open:
        options.append(fhi)
    width = b - a
    options += [a + width / 1000, b - width / 1000]
    kind = source.integer(0, len(options), weights=[0.1] + [0.15] * (len(options) - 3) + [0.05, 0.05, 0.5])
    if kind < len(options):
        val = options[kind]
    else:
        num = source.integer(1, 63)
        val = a + width * Fraction(num, 64)
        if flo is not None and fhi is None and source.integer(0, 1, weights=(0.7, 0.3)) == 1:
            val = a + Fraction(num, 64) * 1000
    if d.integer:  # pragma: no cover - integer parameters are drawn separately
        val = Fraction(math.floor(val))
    return val


# ----------------------------------------------------------------------------- drawn models

@dataclass
class DrawnModel:
    """One drawn model: the network, alphabet sizes, exact kernels, named pmfs and parameter values.

    :meth:`model` is the float64 :class:`Model` (fast screening); :meth:`exact_model` the exact one
    (``Fraction`` tables: every hypothesis holds with no rounding).
    """

    factory: ModelFactory
    plan: ModelPlan
    sizes: dict[str, int]
    kernels: dict[str, list[list[Fraction]]]
    dists: dict[str, list[Fraction]]
    params: dict[str, object]
    choices: list[int] = field(default_factory=list)
    structural: int = 0
    _float: Model | None = field(default=None, repr=False)
    _exact: Model | None = field(default=None, repr=False)
    _int: tuple | None = field(default=None, repr=False)

    @property
    def int_values(self) -> dict[str, int]:
        return dict(self.plan.int_values)

    def _table(self, integer: bool) -> tuple[tuple[str, ...], np.ndarray, int]:
        """``(names, table, denominator)``: float64 probabilities (denominator 1) or exact integer numerators.

        The integer table is ``P * denominator`` exactly, ``denominator`` the product of each kernel's
        common denominator; sums of Python ints are far cheaper than sums of Fractions.
        """
        order = self.plan.order
        table = np.array(1, dtype=object) if integer else np.array(1.0)
        denom = 1
        names: list[str] = []
        for v in order:
            node = self.plan.nodes[v]
            pa_axes = [names.index(p) for p in node.parents]
            kern = self.kernels[v]
            m = self.sizes[v]
            if integer:
                lcm = 1
                for row in kern:
                    for x in row:
                        lcm = lcm * x.denominator // math.gcd(lcm, x.denominator)
                mat = np.empty((len(kern), m), dtype=object)
                for r, row in enumerate(kern):
                    mat[r, :] = [x.numerator * (lcm // x.denominator) for x in row]
                denom *= lcm
            else:
                mat = np.array([[x.numerator / x.denominator for x in row] for row in kern], dtype=np.float64)
            in_sizes = tuple(self.sizes[p] for p in node.parents)
            k = mat.reshape(in_sizes + (m,))
            perm = sorted(range(len(pa_axes)), key=lambda j: pa_axes[j])
            k = np.transpose(k, tuple(perm) + (len(pa_axes),))
            shape = [1] * len(names) + [m]
            for a in pa_axes:
                shape[a] = table.shape[a]
            table = table[..., np.newaxis] * k.reshape(shape)
            names.append(v)
        return tuple(names), np.array(table, copy=True), denom

    def integer_table(self) -> tuple[tuple[str, ...], np.ndarray, int]:
        """``(names, numerators, denominator)`` of the exact joint pmf (cached)."""
        if self._int is None:
            self._int = self._table(True)
        return self._int

    def _joint(self, exact: bool) -> JointPMF | None:
        if not self.plan.order:
            return None
        if not exact:
            names, table, _ = self._table(False)
            return JointPMF._trusted(names, table)
        names, table, denom = self.integer_table()
        out = np.empty(table.shape, dtype=object)
        for idx, x in np.ndenumerate(table):
            out[idx] = Fraction(int(x), denom)
        return JointPMF._trusted(names, out)

    def _distributions(self, exact: bool) -> Distributions | None:
        if not self.dists:
            return None
        if exact:
            return Distributions(self.dists, exact=True)
        return Distributions({k: [x.numerator / x.denominator for x in v] for k, v in self.dists.items()},
                             exact=False)

    def model(self) -> Model:
        """The float64 model (tables rounded once from the exact ones) with the current parameter values."""
        if self._float is None:
            self._float = Model(self._joint(False), self._distributions(False), {})
        return Model(self._float.joint, self._float.distributions, dict(self.params))

    def exact_model(self) -> Model:
        """The exact model (``Fraction`` tables) with the current parameter values."""
        if self._exact is None:
            self._exact = Model(self._joint(True), self._distributions(True), {})
        return Model(self._exact.joint, self._exact.distributions, dict(self.params))

    def map_error(self, xs: Sequence[str], ys: Sequence[str]) -> Fraction | None:
        """``P(Xhat(Y) != X)`` of the MAP estimator, exactly: ``1 - sum_y max_x P(x, y)``."""
        if not self.plan.order or any(v not in self.plan.order for v in (*xs, *ys)):
            return None
        names, table, denom = self.integer_table()
        keep = [names.index(v) for v in (*ys, *xs)]
        drop = tuple(k for k in range(len(names)) if k not in keep)
        m = table.sum(axis=drop) if drop else table
        m = np.transpose(np.asarray(m, dtype=object), [sorted(keep).index(k) for k in keep])
        ny = math.prod(self.sizes[y] for y in ys)
        tab = m.reshape(ny, -1)
        return 1 - Fraction(sum(int(max(tab[r])) for r in range(ny)), denom)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: the exact joint pmf, named pmfs, parameter values, alphabet sizes and the network."""
        m = self.exact_model()
        return {
            "joint": m.joint.as_dict() if m.joint is not None else None,
            "distributions": m.distributions.as_dict() if m.distributions is not None else None,
            "params": {k: str(v) for k, v in sorted(self.params.items())},
            "alphabet_sizes": {v: self.sizes[v] for v in self.plan.order},
            "network": self.plan.describe(),
        }

    def size(self) -> int:
        """Number of cells of the joint table (a measure of how small a counterexample is)."""
        return math.prod(self.sizes.values()) if self.sizes else 1


# ----------------------------------------------------------------------------- exact checks

def _ci_holds(joint: JointPMF, left: Sequence[str], right: Sequence[str], given: Sequence[str]) -> bool:
    """``P(a,b,c) P(c) == P(a,c) P(b,c)`` for every cell, exactly."""
    l, r, g = list(left), list(right), list(given)
    m = joint.marginal(g + l + r)
    ng = math.prod(m.shape[: len(g)]) if g else 1
    nl = math.prod(m.shape[len(g): len(g) + len(l)])
    nr = math.prod(m.shape[len(g) + len(l):])
    t = m.table.reshape(ng, nl, nr)
    for c in range(ng):
        block = t[c]
        pc = sum(block.flat, Fraction(0)) if joint.is_exact else block.sum()
        pa = block.sum(axis=1)
        pb = block.sum(axis=0)
        for i in range(nl):
            for j in range(nr):
                if block[i, j] * pc != pa[i] * pb[j]:
                    return False
    return True


def hypothesis_violations(drawn: DrawnModel) -> list[str]:
    """Structural hypotheses of the proof that the drawn model violates, checked in exact arithmetic.

    Empty for every model :class:`ModelFactory` draws (that is what the test suite asserts).
    """
    proof = drawn.factory.proof
    m = drawn.exact_model()
    joint = m.joint
    out: list[str] = []
    for ci in drawn.plan.cis:
        if not _ci_holds(joint, sorted(ci.left), sorted(ci.right), sorted(ci.given)):
            out.append(f"{ci.source}: {ci} is false")
    # independently of the network: each hypothesis's own equalities (I(...) = 0, H(Y | X) = 0, ...)
    ints = drawn.int_values
    subs = {p.symbol: sympy.Integer(ints[n]) for n, p in proof.parameters.items() if n in ints}
    for hid, h in proof.hypotheses.items():
        if isinstance(h, Assume):
            continue
        for e in h.equalities():
            e = e.xreplace(subs) if subs else e
            if e == 0:
                continue
            if isinstance(e, I):
                l, r, g = (_rvset_names(s, ints, hid) for s in e.args)
                if not _ci_holds(joint, l, r, g):
                    out.append(f"{hid}: {sympy.sstr(e)} is not 0")
            elif isinstance(e, H):
                t, g = _rvset_names(e.target, ints, hid), _rvset_names(e.given, ints, hid)
                marg = joint.marginal(list(g) + list(t))
                rows = math.prod(marg.shape[: len(g)]) if g else 1
                tab = marg.table.reshape(rows, -1)
                if any(sum(1 for x in tab[r_] if x != 0) > 1 for r_ in range(rows)):
                    out.append(f"{hid}: {sympy.sstr(e)} is not 0")
            else:
                from derive.numeric.evaluate import evaluate

                import mpmath

                if abs(evaluate(e, m, precision="mp", dps=50)) > mpmath.mpf(10) ** -40:
                    out.append(f"{hid}: {sympy.sstr(e)} is not 0")
    for v in drawn.plan.order:
        node = drawn.plan.nodes[v]
        if node.kind not in ("channel", "function", "iid"):
            continue
        pa = list(node.parents)
        marg = joint.marginal(pa + [v])
        rows = math.prod(marg.shape[:-1]) if pa else 1
        tab = marg.table.reshape(rows, -1)
        for r in range(rows):
            tot = sum(tab[r], Fraction(0))
            if tot == 0:
                continue
            cond = [x / tot for x in tab[r]]
            if node.kind == "channel":
                want = channel_matrix(node.spec, drawn.params)[r]
                if cond != want:
                    out.append(f"{node.source}: P({v} | {', '.join(pa)}) row {r + 1} is {cond}, not {want}")
            elif node.kind == "function":
                if sum(1 for x in cond if x != 0) != 1:
                    out.append(f"{node.source}: {v} is not a function of {', '.join(pa)}")
            elif node.kind == "iid":
                first = next(w for w in drawn.plan.order if drawn.plan.nodes[w].group == node.group)
                if first != v:
                    m1 = joint.marginal(pa + [first]).table.reshape(rows, -1)
                    t1 = sum(m1[r], Fraction(0))
                    if [x / t1 for x in m1[r]] != cond:
                        out.append(f"{node.source}: {v} and {first} have different laws given {', '.join(pa)}")
    return out


# ----------------------------------------------------------------------------- hypothesis strategy

def models_for(proof, *, max_alphabet: int = 3, max_cells: int = MAX_CELLS):
    """A hypothesis strategy of :class:`DrawnModel` for ``proof`` (every structural hypothesis exact).

    Alphabet sizes and integer parameters are drawn first, so failures shrink to binary alphabets and
    small ``n``. ``drawn.model()`` is the float model for :func:`derive.numeric.evaluate`,
    ``drawn.exact_model()`` the exact one.

    Example
    -------
    >>> from hypothesis import given
    >>> from derive.io import read_proof
    >>> proof = read_proof("proofs/dpi_markov_chain.toml")
    >>> @given(models_for(proof))
    ... def test_near(drawn):
    ...     from derive.numeric import evaluate_statement
    ...     lhs, rhs, slack = evaluate_statement(proof.get_step("near").claim, drawn.model())
    ...     assert slack >= -1e-9

    Raises
    ------
    UnrealizableHypotheses
        When the strategy is built, if the hypotheses cannot be realized.
    """
    from hypothesis import assume
    from hypothesis import strategies as st

    factory = ModelFactory(proof, max_alphabet=max_alphabet, max_cells=max_cells)

    @st.composite
    def _models(draw):
        try:
            return factory.draw(_HypothesisChoices(draw))
        except InvalidDraw:
            assume(False)

    return _models()
