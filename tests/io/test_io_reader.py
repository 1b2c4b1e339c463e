"""Proof files: reading, refusing, locating errors, writing back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import sympy
from sympy import Integer, Rational, S

from derive.core import (
    IID,
    RV,
    Assume,
    Channel,
    ChannelSpec,
    Domain,
    FamilyMember,
    FamilyRange,
    FunctionOf,
    H,
    I,
    Independent,
    Markov,
    MutuallyIndependent,
    RVSet,
    Statement,
)
from derive.errors import DuplicateStep, InvalidArgument, LimitExceeded, ParseError
from derive.io import find_proof_files, read_proof, read_proof_text, write_proof
from derive.io.grammar import function_variable
from derive.io.reader import MAX_FILE_BYTES
from derive.proof import Proof

REPO = Path(__file__).resolve().parents[2]

FULL = '''\
[proof]
name = "sdpi_chain"
title = "SDPI along a chain"
notes = "two BSCs"
units = "bits"

[parameters]
delta = "0 <= delta <= 1/2"
n = "integer >= 1"

[variables]
random = ["U", "X", "Y", "Z", "M", "W"]
families = { S = "1..n", T = "1..3" }
distributions = ["P", "Q"]

[[hypothesis]]
id = "chain"
markov = "U -> X -> Y -> Z"

[[hypothesis]]
id = "bsc"
channel = "Y | X ~ BSC(delta)"

[[hypothesis]]
id = "lemma"
assume = "I(U; Y) <= I(U; X)"
cite = "Polyanskiy-Wu 2017, Thm 2"

[[hypothesis]]
id = "samples"
iid = "S[1..n] | W"

[[hypothesis]]
id = "three"
mutually_independent = "T | W"

[[hypothesis]]
id = "indep"
independent = "(U, W) _|_ M | X"

[[hypothesis]]
id = "fn"
function_of = "M = f(X, W)"

[[step]]
id = "s1"
claim = "I(U; Y) <= (1 - 2*delta)^2 * I(U; X)"
rule = "sdpi"
uses = ["chain", "bsc"]
note = "the BSC contracts"
eta = "(1-2*delta)^2"

[[step]]
id = "s2"
claim = "sqrt(I(U; Y)/2) <= sqrt(I(U; X)/2)"
rule = "monotone"
uses = ["lemma"]
function = "sqrt(t/2)"

[[step]]
id = "s3"
claim = "I(U; Z) <= (1 - 2*delta)^4 * I(U; X)"
rule = "linear"
uses = ["s1"]
certificate = { s1 = "1", chain = "(1 - 2*delta)^2" }
nonneg = ["I(X; Z | Y)", "H(U)"]

[[step]]
id = "s4"
claim = "I(M; S[1..n] | W) >= sum(I(M; S[i] | W), i, 1, n)"
rule = "superadditivity"
uses = ["samples"]
index = "i"
family = "S"
alphabet = "n + 1"
error = 0
variable_free = 1

[theorem]
claim = "I(U; Z) <= (1 - 2*delta)^4 * I(U; X)"
from = ["s1", "s3"]
name = "two BSCs"
'''

GOOD = FULL.replace("variable_free = 1\n", "")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text[:start].count("\n") + 1


def test_reads_every_section():
    p = read_proof_text(GOOD, file="demo.toml")
    assert (p.name, p.title, p.notes, p.units, p.file) == ("sdpi_chain", "SDPI along a chain", "two BSCs", "bits",
                                                           "demo.toml")
    delta, n = p.parameters["delta"].symbol, p.parameters["n"].symbol
    assert p.parameters["delta"].domain == Domain(S.Zero, S.Half, False, False)
    assert p.parameters["n"].domain == Domain(S.One, S.Infinity, False, True, True)
    assert list(p.variables) == ["U", "X", "Y", "Z", "M", "W"]
    assert p.families == {"S": (Integer(1), n), "T": (Integer(1), Integer(3))}
    U, X, Y, Z, M, W = (RV(v) for v in "UXYZMW")
    hyps = p.hypotheses
    assert hyps["chain"] == Markov(tuple(RVSet(v) for v in (U, X, Y, Z)))
    assert hyps["bsc"] == Channel(RVSet(Y), RVSet(X), ChannelSpec("BSC", (delta,)))
    assert hyps["lemma"] == Assume(Statement(I(RVSet(U), RVSet(Y), RVSet()), "<=", I(RVSet(U), RVSet(X), RVSet())),
                                   "Polyanskiy-Wu 2017, Thm 2")
    assert hyps["samples"] == IID((), RVSet(W), FamilyRange("S", 1, n))
    assert hyps["three"] == MutuallyIndependent(tuple(RVSet(FamilyMember("T", j)) for j in (1, 2, 3)), RVSet(W))
    assert hyps["indep"] == Independent(RVSet(U, W), RVSet(M), RVSet(X))
    assert hyps["fn"] == FunctionOf(RVSet(M), RVSet(X, W))
    s1, s2, s3, s4 = p.steps
    assert (s1.id, s1.rule, s1.premises, s1.note) == ("s1", "sdpi", ("chain", "bsc"), "the BSC contracts")
    assert s1.args == {"eta": (1 - 2 * delta) ** 2}
    t = function_variable("t")
    assert s2.args == {"function": sympy.sqrt(t / 2), "variable": "t"}
    assert s3.args["certificate"] == {"s1": Integer(1), "chain": (1 - 2 * delta) ** 2}
    assert s3.args["nonneg"] == (I(RVSet(X), RVSet(Z), RVSet(Y)), H(RVSet(U), RVSet()))
    assert s4.args == {"index": "i", "family": "S", "alphabet": n + 1, "error": Integer(0)}
    assert p.theorem.from_steps == ("s1", "s3") and p.theorem.name == "two BSCs"
    assert p.theorem.claim.rhs == (1 - 2 * delta) ** 4 * I(RVSet(U), RVSet(X), RVSet())


def test_lines_point_at_ids_and_claims():
    p = read_proof_text(GOOD)
    assert p.hypothesis_lines["chain"] == line_of(GOOD, 'id = "chain"')
    assert p.hypothesis_lines["fn"] == line_of(GOOD, 'id = "fn"')
    assert [s.line for s in p.steps] == [line_of(GOOD, f'id = "s{k}"') for k in (1, 2, 3, 4)]
    assert p.theorem.line == line_of(GOOD, 'claim = "I(U; Z) <=', 2)


def test_function_variable_can_be_renamed():
    text = GOOD.replace('function = "sqrt(t/2)"', 'function = "sqrt(u/2)"\nvariable = "u"')
    s2 = read_proof_text(text).steps[1]
    assert s2.args == {"function": sympy.sqrt(function_variable("u") / 2), "variable": "u"}


# ---------------------------------------------------------------------------- refusals


def refuse(text: str, fragment: str, line: int | None = None, cls=ParseError, column: int | None = None):
    with pytest.raises(cls) as info:
        read_proof_text(text, file="bad.toml")
    err = info.value
    assert fragment in str(err), str(err)
    assert err.file == "bad.toml"
    if line is not None:
        assert err.line == line, (err.line, str(err))
    if column is not None:
        assert err.column == column, (err.column, str(err))
    return err


def test_unknown_step_key_names_key_table_line_and_suggestion():
    err = refuse(FULL, "unknown key 'variable_free' in step 's4'", line_of(FULL, "variable_free"))
    assert "did you mean 'variable'" in str(err)


@pytest.mark.parametrize("old, new, fragment, needle", [
    ('title = "SDPI along a chain"', 'titel = "x"', "unknown key 'titel' in [proof]; did you mean 'title'", "titel"),
    ('random = [', 'randoms = [', "unknown key 'randoms' in [variables]", "randoms"),
    ('cite = "Polyanskiy', 'cites = "Polyanskiy', "unknown key 'cites'", "cites"),
    ('from = ["s1", "s3"]', 'form = ["s1", "s3"]', "unknown key 'form' in [theorem]; did you mean 'from'", "form ="),
    ('[theorem]', '[theorems]', "unknown table or key 'theorems' at the top level; did you mean 'theorem'",
     "[theorems]"),
    ('rule = "sdpi"', 'rules = "sdpi"', "unknown key 'rules'", "rules ="),
])
def test_unknown_keys(old, new, fragment, needle):
    text = GOOD.replace(old, new, 1)
    refuse(text, fragment, line_of(text, needle))


@pytest.mark.parametrize("old, new, fragment, needle", [
    ('uses = ["chain", "bsc"]', 'uses = "chain"', "Expected an array for 'uses'", 'uses = "chain"'),
    ('claim = "I(U; Y) <= (1 - 2*delta)^2 * I(U; X)"', 'claim = 3', "Expected a string for 'claim'", "claim = 3"),
    ('eta = "(1-2*delta)^2"', 'eta = 0.5', "Expected an expression string for 'eta'", "eta = 0.5"),
    ('random = ["U", "X", "Y", "Z", "M", "W"]', 'random = "U"', "Expected an array for 'random'", 'random = "U"'),
    ('delta = "0 <= delta <= 1/2"', 'delta = 0.5', "Expected a string for 'delta'", "delta = 0.5"),
    ('name = "two BSCs"', 'name = 2', "Expected a string for 'name'", "name = 2"),
    ('units = "bits"', 'units = "bytes"', "Expected units", 'units = "bytes"'),
    ('uses = ["chain", "bsc"]', 'uses = ["chain", 2]', "Expected strings in 'uses'", 'uses = ["chain", 2]'),
])
def test_wrong_types(old, new, fragment, needle):
    text = GOOD.replace(old, new, 1)
    refuse(text, fragment, line_of(text, needle))


def test_missing_required_keys():
    refuse(GOOD.replace('name = "sdpi_chain"\n', ""), "missing required key 'name' in [proof]", 1)
    refuse(GOOD.replace('[proof]\nname = "sdpi_chain"\ntitle = "SDPI along a chain"\nnotes = "two BSCs"\n'
                        'units = "bits"\n', ""), "missing the [proof] table")
    text = GOOD.replace('rule = "linear"\n', "")
    refuse(text, "missing required key 'rule' in step 's3'", line_of(text, 'id = "s3"'))
    text = GOOD.replace('id = "s2"\n', "")
    refuse(text, "missing required key 'id' in [[step]] number 2", line_of(text, "[[step]]", 2))
    text = GOOD.replace('claim = "I(U; Z) <= (1 - 2*delta)^4 * I(U; X)"\nfrom', "from")
    refuse(text, "missing required key 'claim' in [theorem]", line_of(text, "[theorem]"))


def test_duplicate_ids():
    text = GOOD.replace('id = "s2"', 'id = "s1"')
    err = refuse(text, "used twice", line_of(text, 'id = "s1"', 2), cls=DuplicateStep)
    assert err.step == "s1"
    refuse(GOOD.replace('id = "fn"', 'id = "chain"'), "used twice", cls=DuplicateStep)
    refuse(GOOD.replace('id = "s4"', 'id = "bsc"'), "used twice", cls=DuplicateStep)


def test_hypothesis_tables_need_exactly_one_kind():
    text = GOOD.replace('markov = "U -> X -> Y -> Z"', 'markov = "U -> X -> Y -> Z"\nindependent = "U _|_ Z"')
    refuse(text, "exactly one of", line_of(text, "independent = \"U _|_ Z\""))
    text = GOOD.replace('markov = "U -> X -> Y -> Z"\n', "")
    refuse(text, "exactly one of", line_of(text, 'id = "chain"'))
    text = GOOD.replace('channel = "Y | X ~ BSC(delta)"', 'channel = "Y | X ~ BSC(delta)"\ncite = "x"')
    refuse(text, "'cite' goes only with 'assume'", line_of(text, 'cite = "x"'))


@pytest.mark.parametrize("old, new, fragment", [
    ('random = ["U",', 'random = ["delta",', "declared twice (as a parameter and as a random variable)"),
    ('random = ["U",', 'random = ["log",', "reserved word"),
    ('delta = "0 <= delta', 'H = "0 <= delta', "rename it (e.g. H0"),
    ('random = ["U",', 'random = ["2U",', "Expected an identifier"),
    ('delta = "0 <= delta', 'log = "0 <= delta', "reserved word"),
    ('families = { S = "1..n",', 'families = { U = "1..n",', "declared twice"),
    ('distributions = ["P", "Q"]', 'distributions = ["P", "X"]', "declared twice"),
    ('family = "S"', 'family = "R"', "not a declared family"),
    ('index = "i"', 'index = "1i"', "Expected an identifier"),
    ('function = "sqrt(t/2)"', 'function = "sqrt(delta/2)"\nvariable = "delta"', "already declared"),
    ('function = "sqrt(t/2)"', 'variable = "u"', "'variable' names the variable"),
    ('id = "s4"', 'id = "theorem"', "reserved for the [theorem] table"),
])
def test_name_rules(old, new, fragment):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    refuse(text, fragment)


def test_expression_errors_point_into_the_file():
    text = GOOD.replace('claim = "I(U; Y) <= (1 - 2*delta)^2 * I(U; X)"',
                        'claim = "I(U; Y) <= (1 - 2*dleta)^2 * I(U; X)"')
    line = line_of(text, "dleta")
    column = text.splitlines()[line - 1].index("dleta") + 1
    err = refuse(text, "unknown name 'dleta'", line, column=column)
    assert "did you mean 'delta'" in str(err)
    assert str(err).startswith(f"bad.toml:{line}:{column}: ")


@pytest.mark.parametrize("old, new, needle", [
    ('markov = "U -> X -> Y -> Z"', 'markov = "U -> X -> Y -> Q2"', "Q2"),
    ('channel = "Y | X ~ BSC(delta)"', 'channel = "Y | X ~ BSD(delta)"', "BSD"),
    ('nonneg = ["I(X; Z | Y)", "H(U)"]', 'nonneg = ["I(X; Z | Y)", "H(U, V)"]', "V)"),
    ('s1 = "1", chain = "(1 - 2*delta)^2"', 's1 = "1", chain = "(1 - 2*delta)^^2"', "^2\""),
    ('delta = "0 <= delta <= 1/2"', 'delta = "0 <= delta <= 1/2 +"', "\"\n"),
    ('families = { S = "1..n",', 'families = { S = "1..m",', "m\""),
    ('iid = "S[1..n] | W"', 'iid = "S[1..n] | W, S[1]"', "S[1]\""),
])
def test_errors_inside_values_have_columns(old, new, needle):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(ParseError) as info:
        read_proof_text(text)
    err = info.value
    line = line_of(text, new.splitlines()[0])
    assert err.line == line, str(err)
    start = text.splitlines()[line - 1]
    assert err.column is not None and 1 <= err.column <= len(start) + 1, str(err)


def test_toml_syntax_errors_map_to_parse_errors():
    text = GOOD.replace('rule = "sdpi"', 'rule = "sdpi')
    err = refuse(text, "invalid TOML", line_of(text, 'rule = "sdpi'))
    assert err.column is not None
    refuse(GOOD + "\n[[step]\n", "invalid TOML", GOOD.count("\n") + 2)
    refuse(GOOD.replace('[proof]', '[proof]\nname = "again"'), "invalid TOML")


def test_big_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text(GOOD + "#" * 2_000_000 + "\n")
    with pytest.raises(LimitExceeded) as info:
        read_proof(big)
    assert info.value.file == str(big)
    with pytest.raises(LimitExceeded):
        read_proof_text("#" * (MAX_FILE_BYTES + 1))


def test_read_proof_from_disk(tmp_path):
    f = tmp_path / "demo.toml"
    f.write_text(GOOD)
    p = read_proof(f)
    assert p.file == str(f) and p == read_proof_text(GOOD)
    (tmp_path / "bad.toml").write_bytes(b"[proof]\nname = \"\xff\"\n")
    with pytest.raises(ParseError):
        read_proof(tmp_path / "bad.toml")
    with pytest.raises(InvalidArgument):
        read_proof(tmp_path / "missing.toml")


def test_find_proof_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.toml").write_text("")
    (tmp_path / "b" / "notes.txt").write_text("")
    (tmp_path / "a.toml").write_text("")
    (tmp_path / "b" / "c").mkdir()
    (tmp_path / "b" / "c" / "y.toml").write_text("")
    one = tmp_path / "one.txt"
    one.write_text("")
    found = find_proof_files([tmp_path / "b", one, tmp_path / "b" / "z.toml"])
    assert found == [tmp_path / "b" / "c" / "y.toml", tmp_path / "b" / "z.toml", one]
    assert find_proof_files([tmp_path])[0] == tmp_path / "a.toml"
    with pytest.raises(InvalidArgument) as info:
        find_proof_files([tmp_path / "nope"])
    assert "nope" in str(info.value)


# ---------------------------------------------------------------------------- round trips

NATS = '''\
[proof]
name = "nats_demo"
notes = """two lines,
"quoted" and \\\\ backslashed ✓"""
units = "nats"

[parameters]
d = "d >= 0"
p = "0 < p < 1"
q = "2 <= q <= 9, integer"

[variables]
random = ["X", "Y"]
families = { V = "0..q - 1" }

[[hypothesis]]
id = "budget"
assume = "D(P || Q) <= d"

[[hypothesis]]
id = "chan"
channel = "Y | (X, V[0]) ~ matrix([[0.9, 0.1], [1/3, 2/3], [1/2, 1/2], [0, 1]])"

[[hypothesis]]
id = "q"
channel = "Y | X ~ QSC(q, p)"

[[step]]
id = "pinsker"
claim = "TV(P, Q) <= sqrt(D(P || Q)/2)"
rule = "pinsker"

[[step]]
id = "h"
claim = "H(X | Y) <= h(p) + p*log(q - 1) + log2(q) - ln(2)/2"
rule = "fano"
error = "p"
alphabet = "q"
"weird key" = 1
'''


def test_nats_proof_round_trips():
    text = NATS.replace('"weird key" = 1\n', "")
    p = read_proof_text(text)
    assert p.units == "nats"
    written = write_proof(p)
    tomllib.loads(written)
    assert read_proof_text(written) == p
    assert 'claim = "H(X | Y) <= p*log(q - 1) + log2(q) + h(p) - log(2)/2"' in written
    assert p.notes == 'two lines,\n"quoted" and \\ backslashed ✓'


def test_nats_unknown_quoted_key():
    refuse(NATS, "unknown key 'weird key' in step 'h'", line_of(NATS, '"weird key"'))


def test_full_proof_round_trips():
    p = read_proof_text(GOOD)
    written = write_proof(p)
    again = read_proof_text(written)
    assert again == p
    assert write_proof(again) == written


def test_bundled_proofs_round_trip():
    files = find_proof_files([REPO / "proofs"]) if (REPO / "proofs").is_dir() else []
    for f in files:
        p = read_proof(f)
        assert read_proof_text(write_proof(p)) == p, f


def test_python_built_proof_round_trips():
    p = Proof("built", title="from Python", units="bits")
    delta = p.parameter("delta", Domain(S.Zero, S.Half, True, False))  # ln(delta) below: delta > 0
    k = p.parameter("k", Domain(Integer(2), S.Infinity, False, True, True))
    X, Y, Z = p.random("X", "Y", "Z")
    p.family("S", 1, k)
    p.hypothesis("chain", Markov((RVSet(X), RVSet(Y), RVSet(Z))))
    p.hypothesis("lemma", Assume(Statement(H(RVSet(X), RVSet()), "<=", sympy.log(k) / sympy.log(2)), "uniform"))
    p.hypothesis("members", MutuallyIndependent((RVSet(X, Y), RVSet(Z))))
    p.step("s1", Statement(I(RVSet(X), RVSet(Z), RVSet()), "<=", I(RVSet(X), RVSet(Y), RVSet())), "dpi",
           uses=["chain"], args={"certificate": {"chain": Rational(1, 2)}})
    p.step("s2", Statement(H(RVSet(FamilyRange("S", 1, k)), RVSet()), ">=", -delta * sympy.log(delta)), "real",
           note='a "note"')
    p.conclude(Statement(I(RVSet(X), RVSet(Z), RVSet()), "<=", I(RVSet(X), RVSet(Y), RVSet())), ["s1"])
    written = write_proof(p)
    assert read_proof_text(written) == p
    assert 'claim = "H(S[1..k]) >= -delta*ln(delta)"' in written
    assert 'assume = "H(X) <= log(k)"' in written


def test_dataset_named_D_and_hypothesis_named_H_are_random_variables():
    text = """
[proof]
name = "dataset"
[variables]
random = ["D", "M", "H"]
[[hypothesis]]
id = "chain"
markov = "D -> M -> H"
[[step]]
id = "s"
claim = "I(D; H) <= I(D; M)"
rule = "dpi"
uses = ["chain"]
"""
    proof = read_proof_text(text)
    assert set(proof.variables) == {"D", "M", "H"}
    assert read_proof_text(write_proof(proof)) == proof


FAMILY = """
[proof]
name = "fam"
[parameters]
b = "b >= 0"
n = "integer >= 1"
[variables]
random = ["M", "P"]
families = { X = "1..3" }
[[hypothesis]]
id = "each"
assume = "I(M; X[i] | P) >= b for i in RANGE"
cite = "per-sample bound"
"""


def test_a_family_of_assumptions_is_one_assumption_per_index():
    from derive.core.hypotheses import Assume

    proof = read_proof_text(FAMILY.replace("RANGE", "1..3"))
    assert list(proof.hypotheses) == ["each[1]", "each[2]", "each[3]"]
    ctx_text = read_proof_text(FAMILY.replace('assume = "I(M; X[i] | P) >= b for i in RANGE"',
                                              'assume = "I(M; X[2] | P) >= b"'))
    assert proof.hypotheses["each[2]"] == Assume(ctx_text.hypotheses["each"].statement, "per-sample bound")
    assert read_proof_text(write_proof(proof)) == proof


def test_a_family_of_assumptions_over_a_symbolic_range_is_one_quantified_assumption():
    from derive.core.hypotheses import AssumeFamily

    proof = read_proof_text(FAMILY.replace("RANGE", "1..n"))
    (each,) = proof.hypotheses.values()
    assert isinstance(each, AssumeFamily) and list(proof.hypotheses) == ["each"]
    assert str(each).endswith(" >= b for i in 1..n  [per-sample bound]")


def test_a_family_of_assumptions_says_why_not():
    refuse(FAMILY.replace("RANGE", "1..100"), "has 100 members", cls=LimitExceeded)
    refuse(FAMILY.replace("RANGE", "1..3").replace("for i", "for b"), "already declared")


@pytest.mark.parametrize("table, text, says", [
    ("hypothesis", 'markov = "V -> X[i] -> Y[i] for i in 1..n"', "write one chain through the family"),
    ("hypothesis", 'independent = "X[i] _|_ Y for i in 1..n"', "mutual independence over the range"),
    ("hypothesis", 'function_of = "Z[i] = f(X[i]) for i in 1..n"', "the function of the whole block"),
    ("step", 'claim = "I(V; Y[i]) <= I(V; X[i]) for i in 1..n"', "a step states one claim"),
])
def test_a_for_clause_where_it_is_not_read_says_what_to_write(tmp_path, table, text, says):
    """Session 29: 'unexpected 'for' in the Markov chain' said neither that only `assume` and `channel` range over
    an index nor what to write instead; the error points at the clause's `for`."""
    from derive.io import read_proof

    body = text if table == "hypothesis" else text + '\nrule = "dpi"'
    path = tmp_path / "p.toml"
    path.write_text('[proof]\nname = "p"\n[parameters]\nn = "integer >= 1"\n[variables]\nrandom = ["V", "Y", "Z"]\n'
                    'families = { X = "1..n", Y = "1..n", Z = "1..n" }\n'.replace('random = ["V", "Y", "Z"]',
                                                                               'random = ["V"]')
                    + f'[[{table}]]\nid = "a"\n{body}\n')
    with pytest.raises(ParseError) as info:
        read_proof(path)
    err = info.value
    line = path.read_text().splitlines()[err.line - 1]
    assert says in err.message and "only `assume` and `channel` range over an index" in err.message, err.message
    assert line[err.column - 1:].startswith("for i in 1..n"), (line, err.column)
