"""Hypotheses of a proof, as frozen dataclasses.

Each hypothesis can state itself as information expressions that equal zero
(:meth:`equalities`) where such a finite statement exists:

* ``Markov(A, B, C, ...)``: ``A -> B -> C -> ...``; for every ``j``,
  ``I(X_1..X_{j-1}; X_{j+1} | X_j) = 0``.
* ``Independent(A, B, given=C)``: ``I(A; B | C) = 0``.
* ``MutuallyIndependent(members, given)``: ``I(X_1..X_{j-1}; X_j | given) = 0`` for
  every ``j`` (a symbolic family states nothing finite; schema rules use it).
* ``IID(members, given)``: mutually independent and identically distributed given
  ``given``.
* ``Channel(output, input, spec)``: ``P(output | input)`` is the channel ``spec``.
* ``FunctionOf(output, input)``: ``H(output | input) = 0``.
* ``Assume(statement, cite)``: a statement taken from the literature (status ``assumed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from derive.core.quantities import H, I
from derive.core.statements import Statement
from derive.core.variables import FamilyRange, RVSet
from derive.errors import InvalidArgument

__all__ = [
    "Hypothesis",
    "Markov",
    "Independent",
    "MutuallyIndependent",
    "IID",
    "Channel",
    "ChannelSpec",
    "FunctionOf",
    "Assume",
    "CHANNEL_ARITY",
]


class Hypothesis:
    """Base of the hypothesis records."""

    kind = "hypothesis"

    def equalities(self) -> list[sympy.Expr]:
        """Information expressions the hypothesis says are exactly zero."""
        return []

    def variables(self) -> RVSet:
        return RVSet()


def _nonempty(s: RVSet, what: str) -> RVSet:
    if not isinstance(s, RVSet):
        raise InvalidArgument(f"Expected a variable set for {what} but got {s!r}")
    if not s:
        raise InvalidArgument(f"Expected at least one variable for {what} but got none")
    return s


@dataclass(frozen=True)
class Markov(Hypothesis):
    """``X_1 -> X_2 -> ... -> X_k``: each link sees the past only through its predecessor."""

    chain: tuple[RVSet, ...]
    kind = "markov"

    def __post_init__(self) -> None:
        if len(self.chain) < 3:
            raise InvalidArgument(f"Expected a Markov chain of at least 3 links but got {len(self.chain)}")
        seen: set = set()
        for k, link in enumerate(self.chain):
            _nonempty(link, f"link {k + 1} of the Markov chain")
            if seen & set(link.args):
                raise InvalidArgument(f"a variable appears twice in the Markov chain: {self}")
            seen |= set(link.args)

    def equalities(self) -> list[sympy.Expr]:
        out = []
        for j in range(1, len(self.chain) - 1):
            past = RVSet(*self.chain[:j])
            out.append(I(past, self.chain[j + 1], self.chain[j]))
        return out

    def variables(self) -> RVSet:
        return RVSet(*self.chain)

    def __str__(self) -> str:
        return " -> ".join(_group(s) for s in self.chain)


def _group(s: RVSet) -> str:
    return f"({s})" if len(s) > 1 else str(s)


@dataclass(frozen=True)
class Independent(Hypothesis):
    """``A _|_ B | C``: ``I(A; B | C) = 0``."""

    left: RVSet
    right: RVSet
    given: RVSet = field(default_factory=RVSet)
    kind = "independent"

    def __post_init__(self) -> None:
        _nonempty(self.left, "the left side of _|_")
        _nonempty(self.right, "the right side of _|_")
        if not self.left.isdisjoint(self.right):
            raise InvalidArgument(f"the two sides of an independence share a variable: {self}")

    def equalities(self) -> list[sympy.Expr]:
        return [I(self.left, self.right, self.given)]

    def variables(self) -> RVSet:
        return RVSet(self.left, self.right, self.given)

    def __str__(self) -> str:
        cond = f" | {self.given}" if self.given else ""
        return f"{_group(self.left)} _|_ {_group(self.right)}{cond}"


@dataclass(frozen=True)
class MutuallyIndependent(Hypothesis):
    """``X[lo..hi]`` mutually independent given ``given``.

    ``members`` is either the finite tuple of member sets or one symbolic
    :class:`FamilyRange` (then only schema rules can use it).
    """

    members: tuple[RVSet, ...]
    given: RVSet = field(default_factory=RVSet)
    family_range: FamilyRange | None = None
    kind = "mutually_independent"

    def __post_init__(self) -> None:
        seen: set = set()
        for k, m in enumerate(self.members):
            if not m.isdisjoint(self.given):
                raise InvalidArgument(f"member {k + 1} of a mutual independence is also in its conditioning: {m}")
            if seen & set(m.args):
                raise InvalidArgument(f"a variable appears in two members of a mutual independence: {m}")
            seen |= set(m.args)
        if self.family_range is not None and self.family_range in self.given.args:
            raise InvalidArgument("a family cannot be independent given itself")

    def equalities(self) -> list[sympy.Expr]:
        if self.family_range is not None:
            return []
        out = []
        for j in range(1, len(self.members)):
            out.append(I(RVSet(*self.members[:j]), self.members[j], self.given))
        return out

    def variables(self) -> RVSet:
        if self.family_range is not None:
            return RVSet(self.family_range, self.given)
        return RVSet(*self.members, self.given)

    def covers(self, family: str, given: RVSet) -> bool:
        """True when this hypothesis is about the whole symbolic range of ``family`` given exactly ``given``."""
        return (self.family_range is not None and self.family_range.family == family
                and self.given == given)

    def __str__(self) -> str:
        body = str(self.family_range) if self.family_range is not None else ", ".join(map(str, self.members))
        cond = f" | {self.given}" if self.given else ""
        return f"{body}{cond}"


@dataclass(frozen=True)
class IID(MutuallyIndependent):
    """``X[lo..hi]`` i.i.d. given ``given``: mutually independent, same conditional law."""

    kind = "iid"

    def equalities(self) -> list[sympy.Expr]:
        out = super().equalities()
        if self.family_range is None and len(self.members) > 1 and all(len(m) == 1 for m in self.members):
            first = self.members[0]
            out += [H(first, self.given) - H(m, self.given) for m in self.members[1:]]
        return out


#: Channel names accepted in proof files and the number of parameters each takes.
CHANNEL_ARITY = {"BSC": 1, "BEC": 1, "Z": 1, "QSC": 2, "AWGN": 1, "matrix": -1}


@dataclass(frozen=True)
class ChannelSpec:
    """A named channel and its parameters: ``BSC(delta)``, ``QSC(q, p)``, ``matrix(rows)``."""

    name: str
    params: tuple[sympy.Expr, ...] = ()
    rows: tuple[tuple[sympy.Expr, ...], ...] | None = None

    def __post_init__(self) -> None:
        if self.name not in CHANNEL_ARITY:
            raise InvalidArgument(f"Expected a channel in {sorted(CHANNEL_ARITY)} but got {self.name!r}")
        arity = CHANNEL_ARITY[self.name]
        if arity >= 0 and len(self.params) != arity:
            raise InvalidArgument(f"Expected {arity} parameter(s) for {self.name} but got {len(self.params)}")
        if self.name == "matrix":
            if not self.rows or not all(self.rows):
                raise InvalidArgument("Expected a non-empty matrix of rows p(y|x) but got an empty one")
            width = len(self.rows[0])
            for k, row in enumerate(self.rows):
                if len(row) != width:
                    raise InvalidArgument(f"row {k + 1} of the channel matrix has {len(row)} entries, expected {width}")
                for v in row:
                    if v.is_number and v.is_negative:
                        raise InvalidArgument(f"row {k + 1} of the channel matrix has a negative entry {v}")
                total = sympy.nsimplify(sum(row)) if any(isinstance(v, sympy.Float) for v in row) else sum(row)
                if all(v.is_number for v in row) and sympy.simplify(total - 1) != 0:
                    raise InvalidArgument(f"row {k + 1} of the channel matrix sums to {total}, not 1")

    def __str__(self) -> str:
        if self.name == "matrix":
            rows = ", ".join("[" + ", ".join(sympy.sstr(v) for v in r) + "]" for r in self.rows or ())
            return f"matrix([{rows}])"
        return f"{self.name}({', '.join(sympy.sstr(p) for p in self.params)})"


@dataclass(frozen=True)
class Channel(Hypothesis):
    """``output | input ~ spec``: the conditional law of ``output`` given ``input`` is the channel."""

    output: RVSet
    input: RVSet
    spec: ChannelSpec
    kind = "channel"

    def __post_init__(self) -> None:
        _nonempty(self.output, "the channel output")
        _nonempty(self.input, "the channel input")
        if not self.output.isdisjoint(self.input):
            raise InvalidArgument(f"a channel's output and input share a variable: {self}")

    def variables(self) -> RVSet:
        return RVSet(self.output, self.input)

    def __str__(self) -> str:
        return f"{self.output} | {self.input} ~ {self.spec}"


@dataclass(frozen=True)
class FunctionOf(Hypothesis):
    """``output = f(input)``: ``H(output | input) = 0``."""

    output: RVSet
    input: RVSet
    kind = "function_of"

    def __post_init__(self) -> None:
        _nonempty(self.output, "the function's value")
        _nonempty(self.input, "the function's argument")

    def equalities(self) -> list[sympy.Expr]:
        return [H(self.output, self.input)]

    def variables(self) -> RVSet:
        return RVSet(self.output, self.input)

    def __str__(self) -> str:
        return f"{self.output} = f({self.input})"


@dataclass(frozen=True)
class Assume(Hypothesis):
    """A statement taken as given, optionally with a citation (status ``assumed``)."""

    statement: Statement
    cite: str | None = None
    kind = "assume"

    def __str__(self) -> str:
        return str(self.statement) + (f"  [{self.cite}]" if self.cite else "")
