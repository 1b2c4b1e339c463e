"""Hypotheses of a proof, as frozen dataclasses.

Each hypothesis can state itself as information expressions that equal zero
(:meth:`equalities`) where such a finite statement exists:

* ``Markov(A, B, C, ...)``: ``A -> B -> C -> ...``; for every ``j``,
  ``I(X_1..X_{j-1}; X_{j+1} | X_j) = 0``.
* ``MarkovFamily(before, family, lo, hi, after)``: the chain
  ``B_1 -> ... -> X[lo] -> X[lo+1] -> ... -> X[hi] -> ... -> C_m`` through the
  members of a family with a symbolic end (proof files: ``U -> X[0] -> ... -> X[k]``);
  it states nothing finite, schema rules (``sdpi_chain``) use it.
* ``Independent(A, B, given=C)``: ``I(A; B | C) = 0``.
* ``MutuallyIndependent(members, given)``: ``I(X_1..X_{j-1}; X_j | given) = 0`` for
  every ``j`` (a symbolic family states nothing finite; schema rules use it).
* ``IID(members, given)``: mutually independent and identically distributed given
  ``given``.
* ``Channel(output, input, spec)``: ``P(output | input)`` is the channel ``spec``.
* ``ChannelFamily(output, input, spec, index, lo, hi)``: for every integer
  ``i`` in ``lo..hi``, ``P(output(i) | input(i))`` is ``spec`` (proof files:
  ``X[i] | X[i-1] ~ BSC(delta) for i in 1..k``) — exactly the conjunction of
  the channels :meth:`ChannelFamily.member` gives, nothing more.
* ``FunctionOf(output, input)``: ``H(output | input) = 0``.
* ``Assume(statement, cite)``: a statement taken from the literature (status ``assumed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import sympy

from derive.core.exprs import to_expr
from derive.core.linear import is_zero_coefficient
from derive.core.notation import show
from derive.core.quantities import H, I
from derive.core.statements import Statement
from derive.core.variables import MAX_EXPANDED_RANGE, RV, FamilyMember, FamilyRange, InternalSymbol, RVSet
from derive.errors import InvalidArgument, LimitExceeded

__all__ = [
    "Hypothesis",
    "AssumeFamily",
    "Markov",
    "MarkovFamily",
    "Independent",
    "MutuallyIndependent",
    "IID",
    "Channel",
    "ChannelFamily",
    "ChannelSpec",
    "FunctionOf",
    "Assume",
    "CHANNEL_ARITY",
    "continuous_names",
    "continuous_variables",
    "block_of",
    "CopyRV",
    "CopySpec",
    "CopyOf",
    "copy_lemma_extension",
]


class Hypothesis:
    """Base of the hypothesis records."""

    kind = "hypothesis"

    def equalities(self) -> list[sympy.Expr]:
        """Information expressions the hypothesis says are exactly zero."""
        return []

    def for_each_index(self) -> list[tuple[sympy.Symbol, sympy.Expr, sympy.Expr, Statement]]:
        """``(i, lo, hi, S)``: statements ``S(i)`` the hypothesis gives for every integer ``i`` in ``lo..hi``."""
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


def _integer_end(e: object, what: str) -> sympy.Expr:
    if not isinstance(e, sympy.Expr) or e.is_integer is not True:
        raise InvalidArgument(f"Expected an integer {what} but got {e!r}, which is not provably an integer "
                              "(declare its parameters as `integer`)")
    return e


def _at(e: sympy.Expr, values: dict | None) -> sympy.Expr:
    """``e`` with ``values`` (symbol -> integer) substituted."""
    if not values:
        return e
    out = e.xreplace({k: sympy.Integer(v) if isinstance(v, int) else v for k, v in values.items()})
    return sympy.Integer(out) if isinstance(out, int) else out


def _members_at(family: str, lo: sympy.Expr, hi: sympy.Expr, values: dict | None, what: str,
                noun: str) -> tuple[RVSet, ...]:
    """``X[lo], ..., X[hi]`` (each its own set) once ``lo``, ``hi`` are integers after ``values``; none when
    ``hi < lo``.

    Raises
    ------
    InvalidArgument
        If the length is not a known integer.
    LimitExceeded
        Past ``MAX_EXPANDED_RANGE`` members.
    """
    lo, hi = _at(lo, values), _at(hi, values)
    length = sympy.expand(hi - lo + 1)
    if not length.is_Integer:
        raise InvalidArgument(f"{what} has no known length at these values")
    if int(length) > MAX_EXPANDED_RANGE:
        raise LimitExceeded(f"{what} has {int(length)} {noun}; at most {MAX_EXPANDED_RANGE} are expanded")
    return tuple(RVSet(FamilyMember(family, lo + k)) for k in range(max(int(length), 0)))


def _mentions_family(s: RVSet, family: str) -> bool:
    return any(isinstance(it, (FamilyMember, FamilyRange)) and it.family == family for it in s.args)


@dataclass(frozen=True)
class MarkovFamily(Hypothesis):
    """``B_1 -> ... -> B_m -> X[lo] -> X[lo+1] -> ... -> X[hi] -> C_1 -> ... -> C_r``.

    A Markov chain whose middle runs through the members of the family ``X`` in
    order (written ``U -> X[0] -> ... -> X[k]`` in proof files). ``lo`` and
    ``hi`` are integer expressions; when ``hi - lo`` is a known integer the
    chain is finite and :meth:`instance` gives it as a :class:`Markov` (the
    reader does so at once). The links ``B`` and ``C`` must not mention ``X``.
    """

    before: tuple[RVSet, ...]
    family: str
    lo: sympy.Expr
    hi: sympy.Expr
    after: tuple[RVSet, ...] = ()
    kind = "markov"

    def __post_init__(self) -> None:
        if not isinstance(self.family, str) or not self.family:
            raise InvalidArgument(f"Expected a family name but got {self.family!r}")
        _integer_end(self.lo, f"first index of {self.family}[...] in the Markov chain")
        _integer_end(self.hi, f"last index of {self.family}[...] in the Markov chain")
        seen: set = set()
        for k, link in enumerate((*self.before, *self.after)):
            _nonempty(link, f"link {k + 1} of the Markov chain")
            if _mentions_family(link, self.family):
                raise InvalidArgument(f"a link {link} outside the run {self.family}[{self.lo}] -> ... -> "
                                      f"{self.family}[{self.hi}] mentions the family {self.family}")
            if seen & set(link.args):
                raise InvalidArgument(f"a variable appears twice in the Markov chain: {self}")
            seen |= set(link.args)

    def instance(self, values: dict | None = None) -> Markov | None:
        """The finite chain once ``lo``, ``hi`` are integers (after ``values``: symbol -> integer); ``None`` if
        it has fewer than 3 links (it then states nothing).

        Raises
        ------
        InvalidArgument
            If the length is not a known integer.
        """
        run = _members_at(self.family, self.lo, self.hi, values, f"the chain {self}", "family links")
        links = (*self.before, *run, *self.after)
        return Markov(links) if len(links) >= 3 else None

    def equalities(self) -> list[sympy.Expr]:
        length = sympy.expand(self.hi - self.lo + 1)
        if length.is_Integer and int(length) <= MAX_EXPANDED_RANGE:
            inst = self.instance()
            return inst.equalities() if inst is not None else []
        return []

    def variables(self) -> RVSet:
        return RVSet(*self.before, *FamilyRange.make(self.family, self.lo, self.hi), *self.after)

    def __str__(self) -> str:
        run = f"{self.family}[{show(self.lo)}] -> ... -> {self.family}[{show(self.hi)}]"
        return " -> ".join([*(_group(s) for s in self.before), run, *(_group(s) for s in self.after)])


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


#: The bound index of a family hypothesis's equality (a sum over the range); users' names cannot capture it.
_RANGE_INDEX = InternalSymbol("i", integer=True)


@dataclass(frozen=True)
class MutuallyIndependent(Hypothesis):
    """``X[lo..hi]`` mutually independent given ``given``.

    ``members`` is either the finite tuple of member sets or one symbolic :class:`FamilyRange`; then its one
    equality is the sum over the range, ``Σ_{i=lo}^{hi} I(X[i]; X[lo..i-1] | G) = 0`` (each term is ``>= 0``, so
    the sum vanishes exactly when each term does), which linear steps combine with the kernel's splits of sums.
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
        if self.family_range is not None:  # Σ_i I(X[i]; X[lo..i-1] | G) = 0, each term being >= 0
            r, i = self.family_range, _RANGE_INDEX
            return [sympy.Sum(I(RVSet(FamilyMember(r.family, i)), RVSet(*FamilyRange.make(r.family, r.lo, i - 1)),
                                self.given), (i, r.lo, r.hi))]
        out = []
        for j in range(1, len(self.members)):
            out.append(I(RVSet(*self.members[:j]), self.members[j], self.given))
        return out

    def variables(self) -> RVSet:
        if self.family_range is not None:
            return RVSet(self.family_range, self.given)
        return RVSet(*self.members, self.given)

    def instance(self, values: dict | None = None) -> MutuallyIndependent:
        """The finite form, one member per index, once the range's ends are integers (after ``values``: symbol ->
        integer); ``self`` when it already is finite. An empty range gives no members (it states nothing).

        Raises
        ------
        InvalidArgument
            If the range's length is not a known integer.
        """
        if self.family_range is None:
            return self
        r = self.family_range
        members = _members_at(r.family, r.lo, r.hi, values, f"the mutual independence {self}", "members")
        return replace(self, members=members, family_range=None)

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
    """``X[lo..hi]`` i.i.d. given ``given``: mutually independent, same conditional law. Its equalities add the
    entropies' equalities ``H(X[i] | G) = H(X[lo] | G)`` and ``H(X[i]) = H(X[lo])`` (the same law given the same G
    makes the marginals equal: P(X[i] = x) = Σ_g P(G = g) K(x | g)) for each member, or over a symbolic range
    ``Σ_{i=lo}^{hi} (H(X[i] | G) - H(X[lo] | G)) = 0`` and ``Σ_{i=lo}^{hi} (H(X[i]) - H(X[lo])) = 0`` (weaker than
    each term being 0; enough for ``H(X[1..n] | G) = n H(X[1] | G)`` and ``I(X[1..n]; G) <= n I(X[1]; G)``)."""

    kind = "iid"

    def equalities(self) -> list[sympy.Expr]:
        out, conditions = super().equalities(), self._conditions()
        if self.family_range is not None:  # Σ_i (H(X[i] | C) - H(X[lo] | C)) = 0 for C = G and C = {}: each term is 0
            r, i = self.family_range, _RANGE_INDEX
            out += [sympy.Sum(H(FamilyMember(r.family, i), given=c) - H(FamilyMember(r.family, r.lo), given=c),
                              (i, r.lo, r.hi)) for c in conditions]
        elif len(self.members) > 1 and all(len(m) == 1 for m in self.members):
            first = self.members[0]
            out += [H(first, c) - H(m, c) for c in conditions for m in self.members[1:]]
        return out

    def for_each_index(self) -> list[tuple[sympy.Symbol, sympy.Expr, sympy.Expr, Statement]]:
        """Over a symbolic range, ``H(X[i] | C) == H(X[lo] | C)`` for ``C = G`` and ``C = {}``, each ``i``."""
        r, i = self.family_range, _RANGE_INDEX
        return [] if r is None else [(i, r.lo, r.hi, Statement(H(FamilyMember(r.family, i), given=c), "==",
                                                               H(FamilyMember(r.family, r.lo), given=c)))
                                     for c in self._conditions()]

    def _conditions(self) -> list[RVSet]:
        """The conditionings whose entropies the members share: ``G``, and nothing (the marginals)."""
        return [self.given, RVSet()] if self.given else [self.given]


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
        self._check_numeric_params()
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
                if all(v.is_number for v in row) and not is_zero_coefficient(total - 1):
                    raise InvalidArgument(f"row {k + 1} of the channel matrix sums to {total}, not 1")

    def _check_numeric_params(self) -> None:
        """A parameter written as a number must be in its range: a probability (BSC, BEC, Z, QSC's second) in
        [0, 1], QSC's alphabet size an integer >= 2, AWGN's snr >= 0 (a proof's AWGN needs snr > 0, which the
        kernel's door checks with the domains: its input N(0, snr) has a density only then). Symbolic parameters are left to the
        kernel, which proves their range from the declared domains where the channel is used."""
        what = {"BSC": ("the crossover probability",), "BEC": ("the erasure probability",),
                "Z": ("the flip probability of input 1",), "QSC": ("the alphabet size", "the error probability"),
                "AWGN": ("the signal-to-noise ratio",)}.get(self.name, ())
        for name, v in zip(what, self.params):
            if not (isinstance(v, sympy.Expr) and v.is_number):
                continue
            if v.is_real is False:
                raise InvalidArgument(f"{self.name}: {name} {v} is not a real number")
            if name == "the alphabet size":
                ok = v.is_Integer and v >= 2
                want = "an integer >= 2"
            elif self.name == "AWGN":
                ok, want = bool(v >= 0), ">= 0"   # a proof's AWGN needs snr > 0: the kernel's door (domains)
            else:
                ok, want = bool(v >= 0) and bool(v <= 1), "in [0, 1]"
            if not ok:
                raise InvalidArgument(f"{self}: {name} must be {want} but is {show(v)}")

    def __str__(self) -> str:
        if self.name == "matrix":
            rows = ", ".join("[" + ", ".join(show(v) for v in r) + "]" for r in self.rows or ())
            return f"matrix([{rows}])"
        return f"{self.name}({', '.join(show(p) for p in self.params)})"


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
        if not self.output.provably_disjoint(self.input):
            raise InvalidArgument(f"a channel's output and input may share a variable: {self} (blocks of one "
                                  "family must be separated by a constant, e.g. X[1..k] | X[0..k-1] overlaps; "
                                  "for a channel per index write `X[i] | X[i-1] ~ ... for i in 1..k`)")
        if self.is_product:
            out, inp = block_of(self.output), block_of(self.input)
            if out is None or inp is None:
                raise InvalidArgument(f"a channel into several variables is memoryless, letter by letter, between two "
                                      f"blocks of equal length (Y[1..n] | X[1..n]); got {self}")
            if sympy.expand((out[2] - out[1]) - (inp[2] - inp[1])) != 0:
                raise InvalidArgument(f"the blocks of the memoryless channel {self} do not provably have the same "
                                      f"length ({show(out[2] - out[1] + 1)} vs {show(inp[2] - inp[1] + 1)})")

    @property
    def is_product(self) -> bool:
        """A memoryless product channel ``K^{⊗n}``: the output is several variables or a block ``Y[a..b]``,
        whatever the syntax (``Y[1..n] | X[1..n]`` or ``Y[1..2] | X[1..2]``); else one channel from the (joint)
        input to one output variable."""
        return len(self.output) > 1 or any(isinstance(it, FamilyRange) for it in self.output.args)

    def letters(self) -> tuple[tuple[str, sympy.Expr, sympy.Expr], tuple[str, sympy.Expr, sympy.Expr]] | None:
        """``((out_family, lo, hi), (in_family, lo, hi))`` for a product channel (letter ``lo + k`` of the
        input feeds letter ``lo + k`` of the output); ``None`` for a single channel."""
        return (block_of(self.output), block_of(self.input)) if self.is_product else None

    def variables(self) -> RVSet:
        return RVSet(self.output, self.input)

    def __str__(self) -> str:
        return f"{self.output} | {self.input} ~ {self.spec}"


@dataclass(frozen=True)
class ChannelFamily(Hypothesis):
    """``output(i) | input(i) ~ spec`` for every integer ``i`` in ``lo..hi``.

    Written ``X[i] | X[i-1] ~ BSC(delta) for i in 1..k``. ``output`` is one family member whose index is
    ``index + c`` (``c`` an integer constant), so distinct ``i`` give distinct outputs; ``input`` holds plain
    variables and family members, none of them the output for any ``i``. It means exactly the channels
    :meth:`member` gives, one per ``i``: no independence between them is implied.
    """

    output: RVSet
    input: RVSet
    spec: ChannelSpec
    index: sympy.Symbol
    lo: sympy.Expr
    hi: sympy.Expr
    kind = "channel"

    def __post_init__(self) -> None:
        if not isinstance(self.index, sympy.Symbol) or self.index.is_integer is not True:
            raise InvalidArgument(f"Expected an integer index symbol but got {self.index!r}")
        _integer_end(self.lo, "lower end of the channel family's index")
        _integer_end(self.hi, "upper end of the channel family's index")
        for end in (self.lo, self.hi):
            if self.index in end.free_symbols:
                raise InvalidArgument(f"the ends of the index {self.index} cannot mention it")
        _nonempty(self.output, "the channel output")
        _nonempty(self.input, "the channel input")
        if len(self.output) != 1 or not isinstance(self.output.args[0], FamilyMember):
            raise InvalidArgument(f"Expected one family member such as X[{self.index}] as the output of a channel "
                                  f"family but got {self.output}")
        out = self.output.args[0]
        shift = sympy.expand(out.index - self.index)
        if not shift.is_Integer:
            raise InvalidArgument(f"the output's index must be {self.index} plus an integer constant but got "
                                  f"{show(out.index)}")
        for item in self.input.args:
            if isinstance(item, FamilyRange) and (item.family == out.family or self.index in item.free_symbols):
                raise InvalidArgument(f"the input of a channel family may not hold the block {item}; list members")
            if isinstance(item, FamilyMember) and item.family == out.family:
                gap = sympy.expand(out.index - item.index)
                if not gap.is_Integer or gap == 0:
                    raise InvalidArgument(f"the input {item} must differ from the output {out} by a non-zero "
                                          "integer constant")
        spec_symbols = set().union(*[e.free_symbols for e in self.spec.params],
                                   *[e.free_symbols for row in self.spec.rows or () for e in row])
        if self.index in spec_symbols:
            raise InvalidArgument(f"the channel {self.spec} cannot depend on the index {self.index}")

    def member(self, i: sympy.Expr) -> Channel:
        """The channel for one index value ``i`` (an integer or integer expression)."""
        rule = {self.index: i}
        return Channel(self.output.xreplace(rule), self.input.xreplace(rule), self.spec)

    def shift(self) -> sympy.Expr:
        """``c`` with output ``X[i + c]``."""
        return sympy.expand(self.output.args[0].index - self.index)

    def members(self, values: dict | None = None) -> tuple[Channel, ...]:
        """Every channel once the ends are integers (after ``values``: symbol -> integer).

        Raises
        ------
        InvalidArgument
            If an end is not a known integer.
        """
        lo, hi = _at(self.lo, values), _at(self.hi, values)
        if not (lo.is_Integer and hi.is_Integer):
            raise InvalidArgument(f"the channel family {self} has no known index range at these values")
        if int(hi) - int(lo) + 1 > MAX_EXPANDED_RANGE:
            raise LimitExceeded(f"the channel family {self} has more than {MAX_EXPANDED_RANGE} members")
        return tuple(self.member(sympy.Integer(i)) for i in range(int(lo), int(hi) + 1))

    def variables(self) -> RVSet:
        """Not expanded (the index is bound); use :meth:`members`."""
        return RVSet()

    def __str__(self) -> str:
        return (f"{self.output} | {self.input} ~ {self.spec} for {self.index} in "
                f"{show(self.lo)}..{show(self.hi)}")


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
        return self.text + (f"  [{self.cite}]" if self.cite else "")

    @property
    def text(self) -> str:
        """The assumption as written (without the citation)."""
        return str(self.statement)


@dataclass(frozen=True, init=False)
class AssumeFamily(Assume):
    """``body for i in lo..hi``: the statement ``body`` taken as given for every integer ``i`` with
    ``lo <= i <= hi`` (status ``assumed``), for a symbolic range such as ``1..n``.

    What the kernel uses is its sum over the range, ``statement``:

        Σ_{i=lo}^{hi} slack(body(i))  >= 0      (== 0 for an equality),

    which follows from the family by adding the instances (an empty range gives ``0 >= 0``). Being an
    :class:`Assume`, it is listed among the trusted facts wherever an assumption is.
    """

    statement: Statement = field(init=False)  # computed: the sum over the range
    body: Statement
    index: sympy.Symbol
    lo: sympy.Expr
    hi: sympy.Expr

    def __init__(self, body: Statement, index: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr,
                 cite: str | None = None) -> None:
        if not isinstance(body, Statement):
            raise InvalidArgument(f"Expected a statement for the family of assumptions but got {body!r}")
        if not (isinstance(index, sympy.Symbol) and index.is_integer):
            raise InvalidArgument(f"Expected an integer index symbol for the family of assumptions but got {index!r}")
        lo, hi = to_expr(lo), to_expr(hi)
        if index in lo.free_symbols | hi.free_symbols:
            raise InvalidArgument(f"the range {show(lo)}..{show(hi)} of a family of assumptions may not mention "
                                  f"its own index {index}")
        summed = sympy.Sum(body.slack(), (index, lo, hi))
        for name, value in (("statement", Statement(summed, "==" if body.is_equality else ">=", sympy.S.Zero)),
                            ("cite", cite), ("body", body), ("index", index), ("lo", lo), ("hi", hi)):
            object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        return f"{self.body} for {self.index} in {show(self.lo)}..{show(self.hi)}"

    def for_each_index(self) -> list[tuple[sympy.Symbol, sympy.Expr, sympy.Expr, Statement]]:
        return [(self.index, self.lo, self.hi, self.body)]


def block_of(s: RVSet) -> tuple[str, sympy.Expr, sympy.Expr] | None:
    """``(family, lo, hi)`` when ``s`` is one block of a family: ``X[lo..hi]``, or members ``X[a], X[a+1], ...,
    X[a+k]`` with consecutive indices; else ``None``."""
    if len(s) == 1 and isinstance(s.args[0], FamilyRange):
        r = s.args[0]
        return r.family, r.lo, r.hi
    members = list(s.args)
    if not members or not all(isinstance(m, FamilyMember) for m in members) or len({m.family for m in members}) != 1:
        return None
    base = members[0].index
    offsets = [sympy.expand(m.index - base) for m in members]
    if not all(o.is_Integer for o in offsets):
        return None
    lo = min(int(o) for o in offsets)
    if sorted(int(o) for o in offsets) != list(range(lo, lo + len(members))):
        return None
    return members[0].family, sympy.expand(base + lo), sympy.expand(base + lo + len(members) - 1)


#: Channels whose input and output are continuous (real-valued) variables.
CONTINUOUS_CHANNELS = frozenset({"AWGN"})


def continuous_names(h: Hypothesis) -> frozenset[str]:
    """Names of the variables (or families) a hypothesis makes continuous: a Gaussian channel's input and output."""
    if isinstance(h, (Channel, ChannelFamily)) and h.spec.name in CONTINUOUS_CHANNELS:
        items = [*h.output.args, *h.input.args]
        return frozenset(getattr(it, "family", None) or it.name for it in items)
    return frozenset()


def continuous_variables(declared: Iterable[str], hypotheses: Iterable[Hypothesis]) -> frozenset[str]:
    """Names of the continuous variables and families: the ``declared`` ones and every Gaussian channel's input and
    output among ``hypotheses`` (:func:`continuous_names`)."""
    return frozenset(declared).union(*map(continuous_names, hypotheses))


# ---------------------------------------------------------------------------- the copy lemma


class CopyRV(RV):
    """A variable the copy lemma introduces (``C'``). A class of its own: no user variable equals it.

    Its name is the copied item's text followed by primes (``C'``, ``X[1]''``; user names hold neither ``'`` nor
    ``[``), and it has the kind of what it copies: a copy of a continuous variable is continuous
    (:attr:`copied_name`)."""

    what = "copy variable name"

    @property
    def copied_name(self) -> str:
        """The variable or family whose (copy of a) copy this is: ``C`` for ``C''``, ``X`` for ``X[1]'``."""
        return self.name.split("[")[0].rstrip("'")


@dataclass(frozen=True)
class CopySpec:
    """One copy step: copy the variables ``copied`` over ``over`` (written ``C, D over A, B``)."""

    copied: RVSet
    over: RVSet

    def __post_init__(self) -> None:
        _nonempty(self.copied, "the copied variables")
        if not isinstance(self.over, RVSet):
            raise InvalidArgument(f"Expected a variable set for the variables copied over but got {self.over!r}")
        if not self.copied.isdisjoint(self.over):
            raise InvalidArgument(f"a copy step copies variables over others, not over themselves: {self}")

    def __str__(self) -> str:
        """The proof-file form (``C, D over A, B``; ``C over`` when copied over nothing), which reads back."""
        return f"{self.copied} over {self.over}" if self.over else f"{self.copied} over"


#: At most this many variables copied, and copied over, in one copy step (2^|A| (2^|C| - 1) equalities).
MAX_COPY_VARIABLES = 6


@dataclass(frozen=True)
class CopyOf(Hypothesis):
    """``C'`` is a copy of ``C`` over ``A`` (Zhang & Yeung 1998, the copy lemma): for any jointly distributed
    ``(A, B, C)`` there is ``C'`` with ``(A, C') ~ (A, C)`` and ``C' _|_ (B, C) | A``.

    Its equalities are exactly what the lemma gives: ``H(S, C'_T) = H(S, C_T)`` for every ``S ⊆ A`` and
    non-empty ``T`` (the joint law of ``(A, C')`` is that of ``(A, C)``), and ``I(C'; B, C | A) = 0`` with
    ``B`` = ``others`` (every other variable the step mentions). Only the kernel builds it, with fresh
    :class:`CopyRV` variables (:func:`copy_lemma_extension`).
    """

    pairs: tuple[tuple[object, CopyRV], ...]
    over: RVSet
    others: RVSet
    kind = "copy"

    def __post_init__(self) -> None:
        copies = [c for _, c in self.pairs]
        if len(set(copies)) != len(copies) or not RVSet(*copies).isdisjoint(RVSet(self.over, self.others)):
            raise InvalidArgument(f"a copy must be a new variable, distinct from the others and from the variables it "
                                  f"is copied over: {', '.join(str(c) for c in copies)}")

    def equalities(self) -> list[sympy.Expr]:
        from itertools import combinations

        originals = [o for o, _ in self.pairs]
        copies = [c for _, c in self.pairs]
        a = list(self.over.args)
        out: list[sympy.Expr] = []
        for r in range(len(a) + 1):
            for s in combinations(a, r):
                for t in range(1, len(copies) + 1):
                    for idx in combinations(range(len(copies)), t):
                        out.append(H(RVSet(*s, *[copies[k] for k in idx]), RVSet())
                                   - H(RVSet(*s, *[originals[k] for k in idx]), RVSet()))
        if self.others:
            out.append(I(RVSet(*copies), self.others, self.over))
        return out

    def variables(self) -> RVSet:
        return RVSet(self.over, self.others, *[c for _, c in self.pairs])

    def __str__(self) -> str:
        copies = ", ".join(str(c) for _, c in self.pairs)
        originals = ", ".join(str(o) for o, _ in self.pairs)
        return (f"({copies}) is a copy of ({originals}) over ({self.over}), independent of ({self.others}) given "
                f"({self.over})")


def copy_lemma_extension(specs: tuple[CopySpec, ...], mentioned: RVSet) -> list[CopyOf]:
    """The copy hypotheses of ``specs``, applied in order to the variables ``mentioned`` by a step.

    Step ``k`` copies each variable ``X`` of its ``copied`` set to ``CopyRV("X" + "'" * k)``, with one more prime
    while that name is taken: a copy must be a new variable (``A'`` copied at step 2 and ``A`` at step 3 would both
    be ``A'''``, and the lemma's independence would then read ``H(A''') = 0``). Later steps may copy over (or
    copy) earlier copies. ``others`` is every variable present so far outside ``over`` and the
    new copies (the lemma's ``B`` and ``C``).

    Raises
    ------
    InvalidArgument
        If a step copies a variable that is not present, or is too large (:data:`MAX_COPY_VARIABLES`).
    """
    present = RVSet(mentioned)
    out: list[CopyOf] = []
    for k, spec in enumerate(specs, start=1):
        if len(spec.copied) + len(spec.over) > MAX_COPY_VARIABLES:
            raise InvalidArgument(f"copy step {k} ({spec}) involves {len(spec.copied) + len(spec.over)} variables; at "
                                  f"most {MAX_COPY_VARIABLES}")
        missing = [str(v) for v in (*spec.copied.args, *spec.over.args) if v not in present.args]
        if missing:
            raise InvalidArgument(f"copy step {k} ({spec}) names {', '.join(missing)}, which the step does not "
                                  "mention (or an earlier copy step did not create)")
        pairs: list[tuple[object, CopyRV]] = []
        for item in spec.copied.args:  # a copy is new: never a variable already there, nor another new copy
            name = f"{item}{chr(39) * k}"
            while CopyRV(name) in present.args or any(c.name == name for _, c in pairs):
                name += chr(39)
            pairs.append((item, CopyRV(name)))
        others = present - spec.over
        out.append(CopyOf(tuple(pairs), spec.over, others))
        present = RVSet(present, *[c for _, c in pairs])
    return out
