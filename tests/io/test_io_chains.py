"""Chains through a family (``U -> X[0] -> ... -> X[k]``) and per-index channels
(``X[i] | X[i-1] ~ BSC(delta) for i in 1..k``): parsing, refusals, writing back."""

from __future__ import annotations

import pytest
import sympy
from sympy import Integer, S

from derive.core import RV, Channel, ChannelSpec, Domain, FamilyMember, FamilyRange, Markov, RVSet, index_symbol, \
    make_parameter
from derive.core.hypotheses import ChannelFamily, MarkovFamily
from derive.errors import ParseError
from derive.io import format_hypothesis, read_proof, read_proof_text, write_proof
from derive.io.grammar import ParseContext, parse_channel, parse_expression, parse_markov

delta = make_parameter("delta", Domain(S.Zero, S.Half, False, False)).symbol
k = make_parameter("k", Domain(S.One, S.Infinity, False, True, integer=True)).symbol
r = make_parameter("r", Domain(S.One, S.Infinity, False, True)).symbol
U, W = RV("U"), RV("W")


def context() -> ParseContext:
    return ParseContext(parameters={"delta": delta, "k": k, "r": r}, variables={"U": U, "W": W},
                        families={"X": (Integer(0), k), "Y": (Integer(0), k)})


def X(i) -> FamilyMember:
    return FamilyMember("X", i)


def test_ellipsis_runs_through_the_family():
    got = parse_markov("U -> X[0] -> ... -> X[k]", context())
    assert got == MarkovFamily((RVSet(U),), "X", Integer(0), k)
    assert got.variables() == RVSet(U, FamilyRange("X", 0, k))
    assert got.equalities() == []                      # symbolic: schema rules only
    assert got.instance({k: 3}) == Markov((RVSet(U), *(RVSet(X(j)) for j in range(4))))
    got = parse_markov("(U, W) -> X[1] -> ... -> X[k - 1]", context())
    assert got.before == (RVSet(U, W),) and (got.lo, got.hi) == (1, k - 1)
    assert parse_markov("X[0] -> ... -> X[k] -> U", context()).after == (RVSet(U),)


def test_ellipsis_with_known_length_is_an_ordinary_chain():
    got = parse_markov("U -> X[0] -> ... -> X[3]", context())
    assert got == Markov((RVSet(U), *(RVSet(X(j)) for j in range(4))))
    assert parse_markov("U -> X[k - 2] -> ... -> X[k]", context()) == Markov(
        (RVSet(U), RVSet(X(k - 2)), RVSet(X(k - 1)), RVSet(X(k))))


def test_a_block_is_still_one_link():
    got = parse_markov("U -> X[0..k] -> W", context())
    assert isinstance(got, Markov) and got.chain[1] == RVSet(FamilyRange("X", 0, k))


@pytest.mark.parametrize("text, message", [
    ("U -> ... -> X[k]", "between two members"),
    ("U -> X[0] -> ...", "between two members"),
    ("U -> X[0] -> ... -> Y[k]", "two families"),
    ("U -> X[0] -> ... -> X[2] -> ... -> X[k]", "one '...'"),
    ("U -> X[k] -> ... -> X[0]", "upwards"),
    ("U -> X[3] -> ... -> X[1]", "upwards"),
    ("X[0] -> ... -> X[1]", "at least 3 links"),
    ("U -> X[0] -> ... -> X[k] -> X[1]", "mentions the family"),
    ("U -> X[0] -> ... -> X[k] -> U", "twice"),
    ("U -> (X[0], W) -> ... -> X[k]", "between two members"),
])
def test_ellipsis_refusals(text, message):
    with pytest.raises(ParseError, match=message):
        parse_markov(text, context())


def test_channel_for_each_index():
    got = parse_channel("X[i] | X[i-1] ~ BSC(delta) for i in 1..k", context())
    i = index_symbol("i")
    assert got == ChannelFamily(RVSet(X(i)), RVSet(X(i - 1)), ChannelSpec("BSC", (delta,)), i, Integer(1), k)
    assert got.members({k: 2}) == (Channel(RVSet(X(1)), RVSet(X(0)), ChannelSpec("BSC", (delta,))),
                                   Channel(RVSet(X(2)), RVSet(X(1)), ChannelSpec("BSC", (delta,))))
    assert got.member(k) == Channel(RVSet(X(k)), RVSet(X(k - 1)), ChannelSpec("BSC", (delta,)))
    other = parse_channel("Y[j] | X[j], U ~ bsc(1/10) for j in 0..k", context())
    assert other.input == RVSet(FamilyMember("X", index_symbol("j")), U)
    assert isinstance(parse_channel("X[1] | X[0] ~ BSC(delta)", context()), Channel)


@pytest.mark.parametrize("text, message", [
    ("X[i] | X[i-1] ~ BSC(delta) for k in 1..k", "already declared"),
    ("X[i] | X[i-1] ~ BSC(delta) for log in 1..k", "reserved"),
    ("X[i] | X[i-1] ~ BSC(delta) for i in 1..r", "integer"),
    ("X[i] | X[i-1] ~ BSC(i) for i in 1..k", "unknown|not"),
    ("X[i] | X[i] ~ BSC(delta) for i in 1..k", "share|differ"),
    ("U | X[i] ~ BSC(delta) for i in 1..k", "one family member"),
    ("X[2*i] | X[i] ~ BSC(delta) for i in 1..k", "plus an integer"),
    ("X[i] | X[0..i-1] ~ BSC(delta) for i in 1..k", "block"),
    ("X[i] | X[i-1] ~ BSC(delta) for i in 1..k for j in 1..k", "unexpected"),
])
def test_channel_family_refusals(text, message):
    with pytest.raises(ParseError, match=message):
        parse_channel(text, context())


def test_for_and_in_stay_ordinary_names_elsewhere():
    ctx = context()
    ctx.parameters["inx"] = sympy.Symbol("inx", real=True)
    assert parse_expression("inx + 1", ctx) == ctx.parameters["inx"] + 1


def test_writer_round_trips_and_bundled_proof_reads():
    p = read_proof("proofs/sdpi_chain_k.toml")
    assert format_hypothesis(p.hypotheses["chain"]) == ("markov", "U -> X[0] -> ... -> X[k]")
    assert format_hypothesis(p.hypotheses["links"]) == ("channel", "X[i] | X[i - 1] ~ BSC(delta) for i in 1..k")
    q = read_proof_text(write_proof(p))
    assert q.hypotheses == p.hypotheses
    assert [s.claim for s in q.steps] == [s.claim for s in p.steps]


@pytest.mark.parametrize("text", ["X[1..k] | X[0..k-1] ~ BSC(delta)", "X[1..k] | X[k] ~ BSC(delta)",
                                  "X[0..k] | Y[0..k], X[1] ~ BSC(delta)"])
def test_channel_between_overlapping_blocks_is_refused(text):
    # a memoryless channel between blocks that may share members contradicts itself (X[1] would be both an
    # output and an input); only blocks separated by a constant are accepted
    with pytest.raises(ParseError, match="may share"):
        parse_channel(text, context())


def test_channel_between_separated_blocks_and_members_is_accepted():
    assert parse_channel("X[1..2] | X[3..4] ~ BSC(delta)", context())
    assert parse_channel("Y[1..k] | X[1..k] ~ BSC(delta)", context())
