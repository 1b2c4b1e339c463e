"""``derive prove`` over blocks that may be empty (session 23).

Found (session 22's note): ``H(X[2..n]) == sum(H(X[i]), i, 2, n)`` under mutually independent ``X[2..n]`` was
proved for ``n >= 2`` but ``unknown`` for ``n >= 1``, and ``H(X[1..n]) == sum(H(X[i]), i, 1, n)`` under mutually
independent ``X[1..n]`` was ``unknown`` for ``n >= 0``: the search telescopes a block by splitting sums at their
ends, which a possibly empty range does not allow, and an equality whose halves need ``>= 0`` terms was never
searched as two halves. Peeling the first sample off (``H(X[2..n] | P)`` for samples independent given ``P``) was
``unknown`` for every domain. Now ``derive prove`` adds a ``chain_rule`` step for each block of the claim (the
chain rule holds for an empty block: both sides are 0) and the search tries an equality's two halves.

Oracles outside the symbolic path: the finite prover at each fixed size (the claim written out, an LP over concrete
variables; the empty block at the smallest size is the empty set), and ``derive check`` on the printed proof file.
A wrong variant of each claim must be ``false`` with a certified counterexample, never ``proved``.
"""

from __future__ import annotations

import json

import pytest

from derive.checking import check
from derive.io.reader import read_proof_text
from support.cli import run

CASES = [
    # (claim, hypothesis or None, domain of n, sizes checked by the finite prover)
    ("H(X[2..n]) == sum(H(X[i]), i, 2, n)", "mutually_independent: X[2..n]", "integer >= 1", (2, 3, 4)),
    ("H(X[1..n]) == sum(H(X[i]), i, 1, n)", "mutually_independent: X[1..n]", "integer >= 0", (1, 2, 3)),
    ("H(X[2..n] | P) == sum(H(X[i] | P), i, 2, n)", "mutually_independent: X[1..n] | P", "integer >= 1", (2, 3, 4)),
    ("I(M; X[2..n] | P) == sum(I(M; X[i] | X[2..i-1], P), i, 2, n)", None, "integer >= 1", (2, 3, 4)),
]


def _written_out(claim: str, n: int) -> str:
    """The claim at size n with its blocks and sums written out (the finite prover's input)."""
    import re

    def block(m: re.Match) -> str:
        lo = int(m.group(2))
        return ", ".join(f"{m.group(1)}{k}" for k in range(lo, n + 1)) or "EMPTY"

    def total(m: re.Match) -> str:
        body, lo = m.group(1), int(m.group(2))
        terms = []
        for i in range(lo, n + 1):
            t = re.sub(r"X\[2\.\.i-1\]", ", ".join(f"X{k}" for k in range(2, i)) or "EMPTY", body)
            terms.append(t.replace("X[i]", f"X{i}"))
        return "(" + (" + ".join(terms) or "0") + ")"

    text = re.sub(r"sum\((.+?), i, (\d+), n\)", total, claim)
    text = re.sub(r"(X)\[(\d+)\.\.n\]", block, text)
    # an empty block or conditioning set disappears: H(EMPTY | P) is 0, "| EMPTY, P" is "| P"
    text = re.sub(r"H\(EMPTY( \| [^)]*)?\)", "0", text).replace("EMPTY, ", "").replace(" | EMPTY)", ")")
    return text


@pytest.mark.slow
@pytest.mark.parametrize("claim, hypothesis, domain, sizes", CASES)
def test_claims_over_possibly_empty_blocks_are_proved_and_the_proof_file_checks(claim, hypothesis, domain, sizes,
                                                                               capsys):
    given = ["--given", hypothesis] if hypothesis else []
    code, out, _ = run(["prove", claim, *given, "--param", f"n = {domain}", "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "proved", res.get("kernel_message")
    assert check(read_proof_text(res["proof_file"], "p.toml"), vacuity=False).report.status == "proved"
    for n in sizes:   # the finite prover agrees at each size (its own LP and certificate)
        fixed = _written_out(claim, n)
        hyp = []
        if hypothesis:
            lo = int(hypothesis.split("X[")[1].split("..")[0])
            members = " _|_ ".join(f"X{k}" for k in range(lo, n + 1))
            cond = " | P" if "| P" in hypothesis else ""
            if n - lo >= 1:
                hyp = ["--given", members + cond]
        code, out, _ = run(["prove", fixed, *hyp, "--json"], capsys)
        assert json.loads(out)["status"] == "proved", (n, fixed, hyp)


@pytest.mark.slow
@pytest.mark.parametrize("claim, hypothesis", [
    ("H(X[2..n] | P) == sum(H(X[i] | P), i, 2, n) + 1", "mutually_independent: X[1..n] | P"),
    ("H(X[2..n] | P) == sum(H(X[i] | P), i, 1, n)", "mutually_independent: X[1..n] | P"),
    ("H(X[2..n] | P) == sum(H(X[i]), i, 2, n)", "mutually_independent: X[1..n] | P"),
])
def test_wrong_variants_are_false_with_a_certified_counterexample(claim, hypothesis, capsys):
    code, out, _ = run(["prove", claim, "--given", hypothesis, "--param", "n = integer >= 1", "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false"
    assert res["counterexample"]["certified"] is True


@pytest.mark.slow
def test_the_proof_file_has_a_chain_rule_step_for_the_block(capsys):
    code, out, _ = run(["prove", "H(X[2..n] | P) == sum(H(X[i] | P), i, 2, n)", "--given",
                        "mutually_independent: X[1..n] | P", "--param", "n = integer >= 1"], capsys)
    assert code == 0
    assert 'claim = "H(X[2..n] | P) == sum(H(X[j] | X[2..j - 1], P), j, 2, n)"\nrule = "chain_rule"' in out
    assert 'uses = ["chain1", "given1"]' in out
