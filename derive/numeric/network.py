"""One Bayesian network for a proof's structural hypotheses at fixed integer parameters (graph construction).

Markov chains, independences and mutual independences become conditional-independence triples
``A _|_ B | C`` (:class:`CI`); channels, functions and i.i.d. families fix a variable's parents
(:class:`Node`). For several orderings of the variables, :func:`build_plan` starts from the complete DAG,
removes the fewest edges it can until every triple is a d-separation (Bayes-ball trails), keeps the DAG with
the most edges (ties: fewest marginally independent pairs), and confirms with networkx's
``is_d_separator`` that the DAG implies every triple. A Markov chain ``U -> X -> Y`` may so be realized as
``U <- X -> Y`` when that keeps more dependence (same independences). A function ``F = f(X, Y)`` reads all its
inputs unless no network then satisfies the triples (``X _|_ Y | F``): then it may read a subset of them, still a
function of them all. Hypotheses that cannot all be
realized raise :class:`UnrealizableHypotheses` naming them. Drawing the numbers is
:mod:`derive.numeric.models`'s part.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import networkx as nx
import sympy

from derive.core.channel_matrix import channel_shape
from derive.core.hypotheses import IID, Assume, Channel, ChannelFamily, ChannelSpec, FunctionOf, Hypothesis, \
    Independent, Markov, MarkovFamily, MutuallyIndependent
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import DeriveError, UnrealizableHypotheses, InvalidDraw

if TYPE_CHECKING:  # annotations only (models imports this module)
    from derive.numeric.models import ModelFactory

__all__ = ["CI", "Node", "ModelPlan", "UnrealizableHypotheses", "InvalidDraw", "build_plan", "names_at",
           "symbol_values", "spec_symbols", "fmt_values", "MAX_ORDERINGS"]

#: Orderings of the variables tried when building the Bayesian network.
MAX_ORDERINGS = 24








def spec_symbols(spec: ChannelSpec) -> set:
    """The parameter symbols a channel's parameters and entries mention."""
    out: set = set()
    for e in spec.params:
        out |= e.free_symbols
    for row in spec.rows or ():
        for e in row:
            out |= e.free_symbols
    return out


def symbol_values(values: Mapping[str, object], symbols: Iterable) -> dict:
    """``{symbol: exact value}`` for the ``symbols`` named in ``values`` (ints and Fractions)."""
    out = {}
    for s in symbols:
        if s.name in values:
            v = values[s.name]
            out[s] = sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.Integer(v)
    return out


def _channel_sizes(spec: ChannelSpec, int_values: Mapping[str, int]) -> tuple[int | None, int | None]:
    """(input size, output size) of a channel at the drawn integers, ``None`` where unknown."""
    params = tuple(e.xreplace(symbol_values(int_values, e.free_symbols)) for e in spec.params)
    shape = channel_shape(ChannelSpec(spec.name, params, spec.rows))
    return (None, None) if shape is None else shape


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
class Node:
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
    nodes: dict[str, Node]
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


def names_at(s: RVSet, values: Mapping[str, int], where: str) -> tuple[str, ...]:
    """The model's variable names of ``s`` with family indices and ends at the integer ``values``."""
    out: list[str] = []
    for item in s.args:
        if isinstance(item, RV):
            out.append(item.name)
        elif isinstance(item, FamilyMember):
            idx = item.index.xreplace(symbol_values(values, item.index.free_symbols))
            if not idx.is_Integer:
                raise UnrealizableHypotheses(f"{where}: the index of {item} is not an integer at "
                                             f"{fmt_values(values)}")
            out.append(str(FamilyMember(item.family, idx)))
        elif isinstance(item, FamilyRange):
            lo = item.lo.xreplace(symbol_values(values, item.lo.free_symbols))
            hi = item.hi.xreplace(symbol_values(values, item.hi.free_symbols))
            if not (lo.is_Integer and hi.is_Integer):
                raise UnrealizableHypotheses(f"{where}: the range {item} has non-integer ends at "
                                             f"{fmt_values(values)}")
            out.extend(str(FamilyMember(item.family, sympy.Integer(k))) for k in range(int(lo), int(hi) + 1))
        else:  # pragma: no cover
            raise UnrealizableHypotheses(f"{where}: unsupported variable {item!r}")
    return tuple(out)


def fmt_values(values: Mapping[str, object]) -> str:
    """``n = 2, p = 1/3`` (sorted), or ``no parameter values``."""
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


def _dag_for_order(order: Sequence[str], forced: Mapping[str, tuple[str, ...]], cis: Sequence[CI],
                   loose: frozenset = frozenset()):
    """Complete DAG on ``order`` (forced nodes keep exactly their parents), minus edges cut to satisfy ``cis``.
    The forced edges into a node of ``loose`` (a function) may be cut too: a function of some of its inputs is
    still a function of them all.

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
                if v not in loose:
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
            raise UnrealizableHypotheses(f"hypothesis {hid!r}: {err.message} ({fmt_values(values)})",
                                         hypotheses=[hid], file=proof.file,
                                         line=proof.hypothesis_lines.get(hid)) from err
        yield hid, h


class _Structure:
    """Hypotheses of a proof turned into CI triples, forced parents and size constraints at fixed integers.

    Each hypothesis kind has its own handler (:meth:`add`, dispatched on the hypothesis' class).
    """

    def __init__(self, factory: "ModelFactory", values: dict[str, int]) -> None:
        self.f = factory
        self.values = values
        proof = factory.proof
        names: list[str] = list(proof.variables)
        for fam, (lo, hi) in proof.families.items():
            lo_v = lo.xreplace(symbol_values(values, lo.free_symbols))
            hi_v = hi.xreplace(symbol_values(values, hi.free_symbols))
            if not (lo_v.is_Integer and hi_v.is_Integer):
                raise UnrealizableHypotheses(f"the family {fam}[{lo}..{hi}] has non-integer ends at "
                                             f"{fmt_values(values)}", file=proof.file)
            names += [str(FamilyMember(fam, sympy.Integer(k))) for k in range(int(lo_v), int(hi_v) + 1)]
        self.cis: list[CI] = []
        self.forced: dict[str, Node] = {}
        self.fixed_sizes: dict[str, tuple[int, str]] = {}
        self.same_size: list[tuple[tuple[str, ...], str]] = []
        self.prefs: list[tuple[str, list]] = []
        self.joint_inputs: list = []
        self.names: tuple[str, ...] | list[str] = names
        for hid, h in _concrete_hypotheses(proof, factory.symbols, values):
            self.add(h, hid, f"hypothesis {hid!r}")
        for v in factory.statement_variables(values):
            self._mention(v)
        self.names = tuple(self.names)
        # soft size constraints (fano's alphabet)
        self.soft_sizes: dict[str, int] = {}
        for sid, var, k_expr in factory.fano_alphabets:
            k = k_expr.xreplace(symbol_values(values, k_expr.free_symbols))
            if k.is_Integer and int(k) >= 2 and var in self.names and var not in self.fixed_sizes:
                self.soft_sizes.setdefault(var, int(k))

    def _mention(self, v: str) -> None:
        if v not in self.names:
            self.names.append(v)

    def _mention_variables(self, h: Hypothesis, where: str) -> None:
        for v in self._names(h.variables(), where):
            self._mention(v)

    def _names(self, s: RVSet, where: str) -> tuple[str, ...]:
        return names_at(s, self.values, where)

    def _refuse(self, message: str, hid: str) -> UnrealizableHypotheses:
        proof = self.f.proof
        return UnrealizableHypotheses(message, hypotheses=[hid], file=proof.file, line=proof.hypothesis_lines.get(hid))

    # -------------------------------------------------------------- one handler per hypothesis kind
    @functools.singledispatchmethod
    def add(self, h: Hypothesis, hid: str, where: str) -> None:
        raise self._refuse(f"{where}: unsupported hypothesis {h}", hid)

    @add.register
    def _(self, h: Assume, hid: str, where: str) -> None:
        pass  # a premise, not structure

    @add.register
    def _(self, h: Markov, hid: str, where: str) -> None:
        self._mention_variables(h, where)
        links = [self._names(s, where) for s in h.chain]
        for j in range(1, len(links) - 1):
            past = frozenset(x for l in links[:j] for x in l)
            self.cis.append(CI(past, frozenset(links[j + 1]), frozenset(links[j]), hid))
        self.prefs.append(("chain", links))

    @add.register
    def _(self, h: Independent, hid: str, where: str) -> None:
        l, r, c = (self._names(s, where) for s in (h.left, h.right, h.given))
        self._mention_variables(h, where)
        self.cis.append(CI(frozenset(l), frozenset(r), frozenset(c), hid))
        self.prefs.append(("edges", [(u, v) for u in c for v in l + r]))

    @add.register
    def _(self, h: MutuallyIndependent, hid: str, where: str) -> None:
        given = self._names(h.given, where)
        if h.family_range is not None:
            members = [(m,) for m in self._names(RVSet(h.family_range), where)]
        else:
            members = [self._names(m, where) for m in h.members]
        for v in [x for m in members for x in m] + list(given):
            self._mention(v)
        for j in range(1, len(members)):
            past = frozenset(x for m in members[:j] for x in m)
            self.cis.append(CI(past, frozenset(members[j]), frozenset(given), hid))
        self.prefs.append(("edges", [(u, v) for u in given for m in members for v in m]))
        if isinstance(h, IID):
            if any(len(m) != 1 for m in members):
                raise self._refuse(f"{where}: i.i.d. members must be single variables", hid)
            flat = tuple(m[0] for m in members)
            for v in flat:
                self._force(v, Node(v, "iid", tuple(given), None, hid, group=hid))
            self.same_size.append((flat, hid))

    @add.register
    def _(self, h: Channel, hid: str, where: str) -> None:
        self._mention_variables(h, where)
        outs = self._names(h.output, where)
        ins = self._names(h.input, where)
        in_size, out_size = _channel_sizes(h.spec, self.values)
        if h.spec.name == "AWGN" and not self.f.gaussian:
            raise self._refuse(f"{where}: the channel {h.spec} has a Gaussian input and output and cannot be realized "
                               "by a finite model; numeric verification supports BSC, BEC, Z, QSC and matrix channels",
                               hid)
        if len(outs) == len(ins) and len(outs) > 1:
            pairs = [((i,), o) for i, o in zip(ins, outs)]      # memoryless, letter by letter
            # P(y^n | x^n) = prod_i K(y_i | x_i): each output sees only its own input
            block = set(ins) | set(outs)
            for i, o in zip(ins, outs):
                self.cis.append(CI(frozenset({o}), frozenset(block - {i, o}), frozenset({i}), hid))
        elif len(outs) == 1:
            pairs = [(ins, outs[0])]
        else:
            raise self._refuse(f"{where}: a channel from {len(ins)} to {len(outs)} variables is supported only letter "
                               "by letter between blocks of equal length, or into one output variable", hid)
        for inputs, out in pairs:
            self._force(out, Node(out, "channel", tuple(inputs), h.spec, hid))
            if out_size is not None:
                self._size(out, out_size, hid)
            if in_size is not None:
                if len(inputs) == 1:
                    self._size(inputs[0], in_size, hid)
                else:
                    self.joint_inputs.append((tuple(inputs), in_size, hid))

    @add.register
    def _(self, h: FunctionOf, hid: str, where: str) -> None:
        self._mention_variables(h, where)
        outs = self._names(h.output, where)
        ins = self._names(h.input, where)
        if set(outs) & set(ins):
            return  # trivially true for shared variables
        for out in outs:
            self._force(out, Node(out, "function", tuple(ins), None, hid))

    # -------------------------------------------------------------- constraints
    def _force(self, v: str, node: Node) -> None:
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


def build_plan(factory, values: dict[str, int]) -> ModelPlan:
    """The Bayesian network of ``factory``'s proof at these integer values: of the DAGs that make every CI triple a
    d-separation (one per candidate ordering), the one with most edges, ties broken by fewest marginally
    independent pairs.

    Raises
    ------
    UnrealizableHypotheses
        The hypotheses cannot all hold in one network derive can build (names them).
    """
    proof = factory.proof
    s = _Structure(factory, values)
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
    orders = _orders(names, fg, s.prefs, random.Random(factory.seed))
    # a function's inputs are its parents; only when no network has them all (a triple conditions on the
    # function's value, e.g. X[1] _|_ X[2] | f(X[1], X[2])) may a function read a subset of its inputs
    functions = frozenset(v for v, n in s.forced.items() if n.kind == "function")
    for loose in (frozenset(), functions) if functions else (frozenset(),):
        for order in orders:
            dag, why = _dag_for_order(order, forced_parents, s.cis, loose)
            if dag is None:
                failure = failure or why
                continue
            score = (dag.number_of_edges(), -_marginal_pairs(dag))
            if best is None or score > best[0]:
                best = (score, order, dag)
        if best is not None:
            break
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
        if v in s.forced and s.forced[v].kind == "function":
            kept = tuple(p for p in s.forced[v].parents if dag.has_edge(p, v))
            nodes[v] = s.forced[v] if len(kept) == len(s.forced[v].parents) else replace(s.forced[v], parents=kept)
        elif v in s.forced:
            nodes[v] = s.forced[v]
        else:
            nodes[v] = Node(v, "free", tuple(sorted(dag.predecessors(v), key=order.index)))
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
    plan = ModelPlan(values, tuple(order), nodes, sizes, dag, s.cis, factory.distributions)
    plan.soft = frozenset(v for v in s.soft_sizes if v not in s.fixed_sizes)
    return plan

def _orders(names: Sequence[str], forced: nx.DiGraph, prefs: list[tuple[str, list]],
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
