"""Proofs as dependency graphs of steps, and their structural validation.

A :class:`Proof` holds parameters, variables, families, named hypotheses, an
ordered list of :class:`Step` and an optional :class:`Theorem`. Its
:meth:`Proof.graph` is a networkx ``DiGraph`` with an edge ``premise -> step``
for every use. :meth:`Proof.validate` checks structure only (ids, references,
cycles, variables); whether a step *holds* is the kernel's business
(:func:`derive.kernel.check_proof`).

Build proofs in Python::

    p = Proof("dpi_demo")
    X, Y, Z = p.random("X", "Y", "Z")
    p.hypothesis("chain", Markov((RVSet(X), RVSet(Y), RVSet(Z))))
    p.step("s1", Statement(I(X, Z), "<=", I(X, Y)), "dpi", uses=["chain"])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import sympy

from derive.core.exprs import to_expr
from derive.core.hypotheses import Assume, Hypothesis
from derive.core.parameters import Domain, Parameter, make_parameter
from derive.core.quantities import TV, H, I
from derive.core.statements import Statement
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import CyclicProof, DuplicateStep, InvalidArgument, MissingPremise, UnknownRule, ProofWarning

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Step", "Theorem", "Proof", "ProofWarning", "UNITS", "WrittenOrder"]

UNITS = ("bits", "nats")


def _ordered_like(written: Iterable[Any], side: RVSet) -> tuple:
    """The items of the canonical ``side`` in the order they were written (``side``'s own order when the written
    items are not exactly its items, e.g. ``X[1], X[2]`` merged into ``X[1..2]``)."""
    out: list = []
    for it in written:
        if it in side.args and it not in out:
            out.append(it)
    return tuple(out) if len(out) == len(side.args) else tuple(side.args)


class WrittenOrder:
    """How the author wrote each information atom's arguments: a display record, never read by the kernel.

    core keeps ``I``, ``H`` and ``TV`` canonical (the two sides of ``I`` and ``TV`` sorted, the variables of a side
    sorted) so that equal atoms are equal objects. The reader and the notebook API record here, for each canonical
    atom, the order the author wrote (``I(M; S | theta)``, stored by core as ``I(S; M | theta)``); printers ask
    :meth:`sides` and print that order. The first spelling of an atom in a proof wins. An ``I`` atom nobody wrote
    (one the kernel derived) puts first a side the author wrote first elsewhere (``M`` in ``I(M; X[1])`` after
    ``I(M; X[i])``).
    """

    def __init__(self, *, last_wins: bool = False) -> None:
        #: ``True`` for a notebook session's record: the latest spelling of an atom wins (a proof keeps its first)
        self.last_wins = last_wins
        self._sides: dict[Any, tuple[tuple, ...]] = {}
        self._first: set[RVSet] = set()  # sides written first in some I(.; .)

    def __len__(self) -> int:
        return len(self._sides)

    def __contains__(self, atom: object) -> bool:
        return atom in self._sides

    def __repr__(self) -> str:
        return f"WrittenOrder({len(self._sides)} atoms)"

    def record(self, atom: Any, *written: Any, replace: bool = False) -> None:
        """Record that ``atom`` (the canonical object core built) was written with the arguments ``written``:
        for ``I`` three item lists (left, right, condition), for ``H`` two (target, condition), for ``TV`` the two
        distributions. Anything that does not match ``atom`` (core rewrote it, e.g. ``I(X; X) = H(X)``) is
        ignored; an atom already recorded keeps its first spelling unless ``replace`` (or ``last_wins``)."""
        if not (replace or self.last_wins) and atom in self._sides:
            return
        sides: tuple[tuple, ...] | None = None
        if isinstance(atom, I) and len(written) == 3:
            left, right, given = (tuple(w) for w in written)
            first = RVSet(*left) - atom.given
            if first not in (atom.left, atom.right):
                return
            second = atom.right if first == atom.left else atom.left
            sides = (_ordered_like(left, first), _ordered_like(right, second), _ordered_like(given, atom.given))
            self._first.add(first)
        elif isinstance(atom, H) and len(written) == 2:
            sides = (_ordered_like(written[0], atom.target), _ordered_like(written[1], atom.given))
        elif isinstance(atom, TV) and len(written) == 2:
            if tuple(written) == atom.args:
                sides = ((atom.args[0],), (atom.args[1],))
            elif tuple(written) == atom.args[::-1]:
                sides = ((atom.args[1],), (atom.args[0],))
        if sides is not None:
            self._sides[atom] = sides

    def update(self, other: "WrittenOrder", atoms: Iterable[Any] | None = None) -> None:
        """Take ``other``'s spellings (of ``atoms`` only, when given) for atoms not recorded here."""
        keys = list(other._sides) if atoms is None else [a for a in atoms if a in other._sides]
        for a in keys:
            if a not in self._sides:
                self._sides[a] = other._sides[a]
                if isinstance(a, I):
                    self._first.add(RVSet(*self._sides[a][0]))

    def sides(self, atom: Any) -> tuple[tuple, ...] | None:
        """The arguments of ``atom`` as item tuples in the written order (``None`` when core's order stands):
        ``I`` → (left, right, condition), ``H`` → (target, condition), ``TV`` → ((P,), (Q,))."""
        got = self._sides.get(atom)
        if got is not None:
            return got
        if isinstance(atom, I) and atom.right in self._first and atom.left not in self._first:
            return tuple(atom.right.args), tuple(atom.left.args), tuple(atom.given.args)
        return None


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Step:
    """One proof line: ``claim`` follows by ``rule`` from ``premises`` (step or hypothesis ids)."""

    id: str
    claim: Statement
    rule: str
    premises: tuple[str, ...] = ()
    args: Mapping[str, Any] = field(default_factory=lambda: _freeze(None))
    line: int | None = None
    note: str | None = None
    #: the family members and blocks as written, with the sums around each (read from a file; see
    #: :attr:`derive.io.ParseContext.mentions`): the range check sees what canonical forms fold away
    mentions: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "premises", tuple(self.premises))
        object.__setattr__(self, "args", _freeze(self.args))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Step):
            return NotImplemented
        return (self.id, self.claim, self.rule, self.premises, dict(self.args), self.note) == (
            other.id, other.claim, other.rule, other.premises, dict(other.args), other.note)

    def __hash__(self) -> int:
        return hash((self.id, self.rule))


@dataclass(frozen=True)
class Theorem:
    """The proof's conclusion: ``claim``, composed by the kernel from the steps in ``from_steps``."""

    claim: Statement
    from_steps: tuple[str, ...] = ()
    line: int | None = None
    name: str | None = None
    mentions: tuple = ()  # as :attr:`Step.mentions`

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Theorem):
            return NotImplemented
        return (self.claim, self.from_steps, self.name) == (other.claim, other.from_steps, other.name)

    def __hash__(self) -> int:
        return hash(self.from_steps)


class Proof:
    """A named proof: parameters, variables, hypotheses, steps and a theorem."""

    def __init__(self, name: str, *, title: str | None = None, notes: str | None = None,
                 units: str = "bits", file: str | None = None) -> None:
        if units not in UNITS:
            raise InvalidArgument(f"Expected units in {UNITS} but got units={units!r}")
        self.name = name
        self.title = title
        self.notes = notes
        self.units = units
        self.file = file
        self.parameters: dict[str, Parameter] = {}
        self.variables: dict[str, RV] = {}
        self.families: dict[str, tuple[sympy.Expr, sympy.Expr]] = {}
        #: Names of continuous (real-valued) variables and families; every other variable is discrete.
        self.continuous: set[str] = set()
        self.hypotheses: dict[str, Hypothesis] = {}
        self.hypothesis_lines: dict[str, int | None] = {}
        self.steps: list[Step] = []
        self.theorem: Theorem | None = None
        #: How the author wrote each information atom (display only; not part of equality, never read by the kernel).
        self.written = WrittenOrder()

    # builder ------------------------------------------------------------------
    def parameter(self, name: str, domain: Domain | None = None) -> sympy.Symbol:
        """Declare a real parameter and return its sympy symbol."""
        self._fresh_name(name)
        p = make_parameter(name, domain)
        self.parameters[name] = p
        return p.symbol

    def random(self, *names: str) -> tuple[RV, ...] | RV:
        """Declare random variables; returns one :class:`RV` or a tuple."""
        out = []
        for n in names:
            self._fresh_name(n)
            self.variables[n] = RV(n)
            out.append(self.variables[n])
        return out[0] if len(out) == 1 else tuple(out)

    def family(self, name: str, lo: Any, hi: Any) -> None:
        """Declare an indexed family ``name[lo..hi]``."""
        self._fresh_name(name)
        self.families[name] = (to_expr(lo),
                               to_expr(hi))

    def declare_continuous(self, *names: str) -> None:
        """Declare variables or families continuous: ``H`` of them is a differential entropy (any sign)."""
        for n in names:
            if n not in self.variables and n not in self.families:
                raise InvalidArgument(f"Expected a declared random variable or family but got {n!r}")
            self.continuous.add(n)

    def hypothesis(self, id: str, hyp: Hypothesis, line: int | None = None) -> Hypothesis:
        if id in self.hypotheses or any(s.id == id for s in self.steps):
            raise DuplicateStep(f"the id {id!r} is used twice", step=id, line=line, file=self.file)
        if not isinstance(hyp, Hypothesis):
            raise InvalidArgument(f"Expected a Hypothesis but got {hyp!r}")
        self.hypotheses[id] = hyp
        self.hypothesis_lines[id] = line
        return hyp

    def step(self, id: str, claim: Statement, rule: str, uses: Iterable[str] = (),
             args: Mapping[str, Any] | None = None, line: int | None = None, note: str | None = None,
             mentions: Iterable = ()) -> Step:
        if id in self.hypotheses or any(s.id == id for s in self.steps):
            raise DuplicateStep(f"the id {id!r} is used twice", step=id, line=line, file=self.file)
        s = Step(id, claim, rule, tuple(uses), args or {}, line, note, tuple(mentions))
        self.steps.append(s)
        return s

    def conclude(self, claim: Statement, from_steps: Iterable[str], line: int | None = None,
                 name: str | None = None, mentions: Iterable = ()) -> Theorem:
        self.theorem = Theorem(claim, tuple(from_steps), line, name, tuple(mentions))
        return self.theorem

    def _fresh_name(self, name: str) -> None:
        if name in self.parameters or name in self.variables or name in self.families:
            raise InvalidArgument(f"the name {name!r} is declared twice in proof {self.name!r}")

    # queries ------------------------------------------------------------------
    def get_step(self, id: str) -> Step:
        for s in self.steps:
            if s.id == id:
                return s
        raise MissingPremise(f"no step with id {id!r}", step=id, file=self.file)

    def assumptions(self) -> dict[str, Assume]:
        return {k: v for k, v in self.hypotheses.items() if isinstance(v, Assume)}

    def parameter_domains(self) -> dict[sympy.Symbol, Domain]:
        return {p.symbol: p.domain for p in self.parameters.values()}

    def graph(self) -> "nx.DiGraph":
        """Dependency graph: nodes are hypothesis ids, step ids and ``"theorem"``; edges premise → user."""
        import networkx as nx  # here, not at import: `derive prove` builds a proof and needs no graph

        g = nx.DiGraph()
        for hid, hyp in self.hypotheses.items():
            g.add_node(hid, kind="hypothesis", label=str(hyp))
        for s in self.steps:
            g.add_node(s.id, kind="step", rule=s.rule, label=str(s.claim))
        for s in self.steps:
            for p in s.premises:
                g.add_edge(p, s.id, rule=s.rule)
        if self.theorem is not None:
            g.add_node("theorem", kind="theorem", label=str(self.theorem.claim))
            for p in self.theorem.from_steps:
                g.add_edge(p, "theorem", rule="compose")
        return g

    # validation -----------------------------------------------------------------
    def validate(self, known_rules: Iterable[str] | None = None) -> list[str]:
        """Check the structure; return warnings (unused hypotheses).

        Raises
        ------
        DuplicateStep, MissingPremise, CyclicProof, UnknownRule, InvalidArgument
        """
        ids = set(self.hypotheses)
        seen: set[str] = set()
        for s in self.steps:
            if s.id in seen or s.id in self.hypotheses:
                raise DuplicateStep(f"the id {s.id!r} is used twice", step=s.id, line=s.line, file=self.file)
            seen.add(s.id)
        ids |= seen
        rules = set(known_rules) if known_rules is not None else None
        for s in self.steps:
            if rules is not None and s.rule not in rules:
                raise UnknownRule(f"unknown rule {s.rule!r}", step=s.id, rule=s.rule, line=s.line,
                                  file=self.file, suggestion=_closest(s.rule, rules))
            for p in s.premises:
                if p not in ids:
                    raise MissingPremise(f"uses {p!r}, which is neither a step nor a hypothesis",
                                         step=s.id, rule=s.rule, line=s.line, file=self.file,
                                         suggestion=_closest(p, ids))
            self._check_variables(s.claim, where=f"step {s.id!r}", line=s.line)
        if self.theorem is not None:
            for p in self.theorem.from_steps:
                if p not in ids:
                    raise MissingPremise(f"the theorem uses {p!r}, which is neither a step nor a hypothesis",
                                         step="theorem", line=self.theorem.line, file=self.file,
                                         suggestion=_closest(p, ids))
            self._check_variables(self.theorem.claim, where="the theorem", line=self.theorem.line)
        import networkx as nx

        g = self.graph()
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            path = " -> ".join([cycle[0][0]] + [v for _, v in cycle])
            first = self._step_or_none(cycle[0][1])
            raise CyclicProof(f"the steps depend on each other in a cycle: {path}",
                              step=cycle[0][1], line=first.line if first else None, file=self.file)
        warns = []
        used = {p for s in self.steps for p in s.premises}
        if self.theorem is not None:
            used |= set(self.theorem.from_steps)
        for hid in self.hypotheses:
            if hid not in used:
                warns.append(f"hypothesis {hid!r} is not used by any step")
        return warns

    def _step_or_none(self, id: str) -> Step | None:
        return next((s for s in self.steps if s.id == id), None)

    def _check_variables(self, st: Statement, where: str, line: int | None) -> None:
        for side in (st.lhs, st.rhs):
            for node in sympy.preorder_traversal(side):
                if isinstance(node, RV) and self.variables and node.name not in self.variables:
                    raise InvalidArgument(f"{where} mentions the undeclared variable {node.name!r}",
                                          line=line, file=self.file)
                if isinstance(node, (FamilyMember, FamilyRange)) and node.family not in self.families:
                    raise InvalidArgument(f"{where} mentions the undeclared family {node.family!r}",
                                          line=line, file=self.file)

    def range_warnings(self) -> list[str]:
        """Where a step or the theorem names a family member or block that may lie outside the family's declared
        range for some admissible parameter value (``X[1..j]`` with ``X = "1..n"`` when ``j <= n`` is not provable:
        domains cannot relate two parameters). Such a statement means nothing there, so the proof holds only where
        every variable it names exists; ``--strict`` refuses it."""
        return list(dict.fromkeys(text for texts in self.range_problems().values() for text in texts))

    def range_problems(self) -> dict[str, list[str]]:
        """:meth:`range_warnings` by step id (``"theorem"`` for the theorem); steps without one are left out."""
        statements = [(s.id, f"step {s.id!r}", s.claim, s.mentions) for s in self.steps]
        if self.theorem is not None:
            statements.append(("theorem", "the theorem", self.theorem.claim, self.theorem.mentions))
        out: dict[str, list[str]] = {}
        for sid, where, st, mentions in statements:
            found: list[str] = []
            for side in (st.lhs, st.rhs):
                self._check_ranges(side, {}, where, found)
            for node, bound in mentions:  # as written: canonical forms may have folded some away
                if node.family in self.families:
                    self._check_in_range(node, bound, where, found)
            if found:
                out[sid] = list(dict.fromkeys(found))
        return out

    def names_outside_at(self, step_id: str, point: Mapping) -> bool:
        """The step names (as written, or in its claim) a family member or a non-empty block that lies outside its
        family's declared range at the parameter values ``point`` (symbol -> number): the claim means nothing there,
        so no model there refutes it. Members under a sum's index are left to :meth:`range_problems`."""
        step = self.get_step(step_id)
        nodes = [n for n, _ in step.mentions] + [n for side in (step.claim.lhs, step.claim.rhs)
                                                 for n in sympy.preorder_traversal(side)
                                                 if isinstance(n, (FamilyMember, FamilyRange))]
        for node in nodes:
            if node.family not in self.families:
                continue
            lo, hi = (to_expr(e).xreplace(dict(point)) for e in self.families[node.family])
            a, b = (node.index, node.index) if isinstance(node, FamilyMember) else (node.lo, node.hi)
            a, b = a.xreplace(dict(point)), b.xreplace(dict(point))
            if all(x.is_Integer for x in (a, b, lo, hi)) and a <= b and (a < lo or b > hi):
                return True
        return False

    def _check_ranges(self, e: sympy.Basic, bound: dict, where: str, found: list[str]) -> None:
        """Every family member and block in ``e`` lies in the family's declared range for every admissible
        parameter value (``X[1..j]`` with ``X = "1..n"`` needs ``j <= n`` provable: a statement about variables that
        may not exist has no meaning). ``bound`` maps each summation index around ``e`` to its range's ends."""
        if isinstance(e, sympy.Sum):
            inner = dict(bound)
            for var, lo, hi in reversed(e.limits):  # outer limit first; an inner end may use an outer index
                inner[var] = (lo, hi)
            self._check_ranges(e.function, inner, where, found)
            return
        if isinstance(e, (FamilyMember, FamilyRange)):
            if e.family in self.families:
                self._check_in_range(e, bound, where, found)
            return
        for a in e.args:
            self._check_ranges(a, bound, where, found)

    def _check_in_range(self, node: FamilyMember | FamilyRange, bound: dict, where: str, found: list[str]) -> None:
        """The block's lower end at its least and its upper end at its greatest lie in the declared range (an index
        affine in a summation index takes its extremes at the ends of that index's range; innermost index first).
        Sufficient whether or not a block or a range is empty; an index that is not affine in a summation index is
        left to the reader's checks at the ends."""
        from derive.kernel.signs import is_nonnegative, is_positive, sign_of

        lo, hi = self.families[node.family]
        domains = {p.symbol: p.domain for p in self.parameters.values()}
        a, b = (node.index, node.index) if isinstance(node, FamilyMember) else (node.lo, node.hi)
        if isinstance(node, FamilyRange) and not (a.free_symbols | b.free_symbols) & set(bound) \
                and is_positive(a - b, domains):
            return  # a provably empty block
        least, most = a, b
        for var in reversed(list(bound)):  # innermost first: its ends may mention outer indices
            ends = bound[var]
            for k, (end, want_least) in enumerate(((least, True), (most, False))):
                if var not in end.free_symbols:
                    continue
                slope = sympy.expand(end).coeff(var)
                if var in slope.free_symbols or sympy.expand(end - slope * var).has(var):
                    return  # not affine in the index
                s = sign_of(slope, domains)
                if s not in ("pos", "nonneg", "zero", "neg", "nonpos"):
                    return
                at_lo = (s in ("pos", "nonneg", "zero")) == want_least
                new = end.xreplace({var: ends[0] if at_lo else ends[1]})
                least, most = (new, most) if k == 0 else (least, new)
        if not (is_nonnegative(least - lo, domains) and is_nonnegative(hi - most, domains)):
            need = [f"{sympy.sstr(x)} <= {sympy.sstr(y)}" for x, y, ok in (
                (lo, least, is_nonnegative(least - lo, domains)), (most, hi, is_nonnegative(hi - most, domains)))
                if not ok]
            found.append(f"{where} names {node}, which may lie outside the declared range {node.family}["
                         f"{sympy.sstr(lo)}..{sympy.sstr(hi)}] ({' and '.join(need)} is not provable from the "
                         "parameters' domains): the proof holds only for the parameter values where it lies inside")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Proof):
            return NotImplemented
        return (self.name, self.title, self.notes, self.units, self.parameters, self.variables,
                self.families, self.hypotheses, self.steps, self.theorem) == (
            other.name, other.title, other.notes, other.units, other.parameters, other.variables,
            other.families, other.hypotheses, other.steps, other.theorem)

    def __repr__(self) -> str:
        return f"Proof({self.name!r}, {len(self.hypotheses)} hypotheses, {len(self.steps)} steps)"

    def _repr_latex_(self) -> str:
        """Jupyter display: hypotheses, steps and theorem in LaTeX (not checked; statuses come from the kernel)."""
        from derive.printing.document import notebook_latex

        return notebook_latex(self)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"did you mean {match[0]!r}?" if match else None


def warn_unused(proof: Proof) -> None:  # pragma: no cover - convenience for notebooks
    for w in proof.validate():
        warnings.warn(w, ProofWarning, stacklevel=2)


