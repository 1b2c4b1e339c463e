"""``derive verify`` and ``derive check`` on proofs with a Gaussian channel ``Y | X ~ AWGN(snr)`` (session 20: verify
exited 2, "cannot be realized by a finite model", and check sought no counterexample).

The hypothesis says ``Y = X + N(0, 1)`` with fresh noise and ``X ~ N(0, snr)``. The jointly Gaussian models realize
it exactly; the oracle here re-checks that independently (numpy and exact Fractions on the printed or returned
covariance), and re-evaluates claims with numpy ``slogdet`` (``tests/support/gaussian.py``), not derive's evaluator.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

import numpy as np
import pytest

from support.gaussian import entropy_bits
from derive.checking import check_file
from derive.io.reader import read_proof_text
from derive.numeric.choices import RandomChoices
from derive.numeric.gaussian import draw_gaussian, why_not_gaussian
from derive.numeric.models import ModelFactory
from derive.numeric.verify import verify_proof
from derive.errors import UnrealizableHypotheses

HEAD = """
[proof]
name = "awgn"
[parameters]
snr = "snr > 0"
[variables]
random = ["W", "U", "X", "Y"]
continuous = ["W", "U"]
[[hypothesis]]
id = "chain"
markov = "W -> U -> X -> Y"
[[hypothesis]]
id = "ch"
channel = "Y | X ~ AWGN(snr)"
"""

STEPS = """
[[step]]
id = "sdpi"
claim = "I(U; Y) <= snr/(1 + snr) * I(U; X)"
rule = "sdpi"
uses = ["chain", "ch"]
[[step]]
id = "dpi"
claim = "I(W; Y) <= I(W; X)"
rule = "dpi"
uses = ["chain"]
[[step]]
id = "too_strong"
claim = "I(U; Y) <= snr/(2 + snr) * I(U; X)"
rule = "linear"
uses = ["sdpi"]
"""


def _h(cov: np.ndarray, names: list[str], vs) -> float:
    return entropy_bits(cov, [names.index(v) for v in vs])


def _mi(cov, names, a, b) -> float:
    return _h(cov, names, a) + _h(cov, names, b) - _h(cov, names, [*a, *b])


def _awgn_holds(names: list[str], cov: list[list[Fraction]], x: str, y: str, snr: Fraction, above: list[str]) -> bool:
    """Var X = snr, Var Y = Var X + 1, and Y - X uncorrelated with (so, jointly Gaussian, independent of) ``above``."""
    ix, iy = names.index(x), names.index(y)
    return (cov[ix][ix] == snr and cov[iy][iy] == snr + 1
            and all(cov[iy][names.index(w)] == cov[ix][names.index(w)] for w in above))


def test_every_drawn_model_realizes_the_channel_exactly():
    proof = read_proof_text(HEAD)
    assert why_not_gaussian(proof) is None
    factory = ModelFactory(proof, gaussian=True)
    seen = 0
    for k in range(60):
        g = draw_gaussian(factory, RandomChoices(random.Random(k)))
        names, cov = list(g.names), g.cov
        snr = Fraction(str(g.params["snr"]))
        assert _awgn_holds(names, cov, "X", "Y", snr, ["W", "U", "X"]), (names, cov)
        assert not g.violations(proof)
        c = np.array([[float(v) for v in row] for row in cov])
        assert np.all(np.linalg.eigvalsh(c) > 0)
        # the Markov chain W -> U -> X -> Y: I(W; X | U) = 0 and I(W, U; Y | X) = 0 (numpy oracle)
        assert abs(_h(c, names, "WU") + _h(c, names, "UX") - _h(c, names, "WUX") - _h(c, names, "U")) < 1e-9
        assert abs(_h(c, names, "WUX") + _h(c, names, "XY") - _h(c, names, "WUXY") - _h(c, names, "X")) < 1e-9
        # the literature (Polyanskiy & Wu): at the input N(0, snr), I(U; Y) <= snr/(1 + snr) I(U; X)
        assert _mi(c, names, "U", "Y") <= float(snr / (1 + snr)) * _mi(c, names, "U", "X") + 1e-12
        seen += 1
    assert seen == 60


def test_a_model_breaking_the_channel_is_caught_by_the_exact_recheck():
    proof = read_proof_text(HEAD)
    g = draw_gaussian(ModelFactory(proof, gaussian=True), RandomChoices(random.Random(3)))
    iy = g.names.index("Y")
    g.cov[iy][iy] += 1  # noise of variance 2: no longer AWGN(snr)
    assert any("N(0, 1) noise" in v for v in g.violations(proof))
    g.cov[iy][iy] -= 1
    ix = g.names.index("X")
    g.cov[ix][ix] += 1  # the input's variance is no longer snr
    assert any("not the N(0," in v for v in g.violations(proof))


def test_verify_tests_true_steps_and_refutes_a_false_one_with_a_certified_counterexample():
    proof = read_proof_text(HEAD + STEPS)
    rep = verify_proof(proof, samples=40, seed=1)
    rows = {r.id: r for r in rep.steps}
    assert rows["sdpi"].status == "tested" and rows["sdpi"].samples == 40
    assert rows["dpi"].status == "tested"
    bad = rows["too_strong"]
    assert bad.status == "failed" and bad.counterexample.certified
    m = bad.counterexample.model
    names = m["covariance"]["names"]
    exact = [[Fraction(x) for x in row] for row in m["covariance"]["matrix"]]
    snr = Fraction(m["params"]["snr"])
    assert _awgn_holds(names, exact, "X", "Y", snr, ["W", "U", "X"])
    c = np.array([[float(x) for x in row] for row in exact])
    lhs, rhs = _mi(c, names, "U", "Y"), float(snr / (2 + snr)) * _mi(c, names, "U", "X")
    assert lhs > rhs  # the oracle sees the violation too
    assert rep.models == 40


def test_check_refutes_an_unchecked_false_step_on_an_awgn_proof(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(HEAD + """
[[step]]
id = "wrong"
claim = "I(U; Y) <= I(W; X)"
rule = "shannon"
uses = ["chain"]
[[step]]
id = "right"
claim = "I(W; Y) <= I(U; X)"
rule = "shannon"
uses = ["chain"]
""")
    steps = {s.id: s for s in check_file(path).report.steps}
    assert steps["right"].status == "proved"
    assert steps["wrong"].status == "failed" and "jointly Gaussian" in steps["wrong"].message
    cov = re.search(r"covariance of \(([^)]*)\) = (\[\[.*?\]\])", steps["wrong"].message)
    names = [n.strip() for n in cov.group(1).split(",")]
    exact = [[Fraction(x.strip()) for x in r.split(",")] for r in re.findall(r"\[([^\[\]]*)\]", cov.group(2))]
    snr = Fraction(re.search(r"at snr = (\S+?) ", steps["wrong"].message).group(1))
    assert _awgn_holds(names, exact, "X", "Y", snr, ["W", "U", "X"])
    c = np.array([[float(x) for x in row] for row in exact])
    assert _mi(c, names, "U", "Y") > _mi(c, names, "W", "X")


def test_blocks_through_a_memoryless_awgn_channel():
    proof = read_proof_text("""
[proof]
name = "block"
[parameters]
snr = "snr > 0"
n = "integer >= 1"
[variables]
random = ["U"]
families = { X = "1..n", Y = "1..n" }
continuous = ["U"]
[[hypothesis]]
id = "chain"
markov = "U -> X[1..n] -> Y[1..n]"
[[hypothesis]]
id = "ind"
mutually_independent = "X[1..n]"
[[hypothesis]]
id = "ch"
channel = "Y[1..n] | X[1..n] ~ AWGN(snr)"
[[step]]
id = "t"
claim = "I(U; Y[1..n]) <= snr/(1 + snr) * I(U; X[1..n])"
rule = "tensorization"
uses = ["chain", "ind", "ch"]
[[step]]
id = "wrong"
claim = "I(U; Y[1..n]) <= snr/(2 + snr) * I(U; X[1..n])"
rule = "tensorization"
uses = ["chain", "ind", "ch"]
""")
    rows = {r.id: r for r in verify_proof(proof, samples=30, seed=0).steps}
    assert rows["t"].status == "tested"
    assert rows["wrong"].status == "failed" and rows["wrong"].counterexample.certified
    m = rows["wrong"].counterexample.model
    names = m["covariance"]["names"]
    exact = [[Fraction(x) for x in row] for row in m["covariance"]["matrix"]]
    snr = Fraction(m["params"]["snr"])
    n = int(m["params"]["n"])
    xs, ys = [f"X[{i}]" for i in range(1, n + 1)], [f"Y[{i}]" for i in range(1, n + 1)]
    for x, y in zip(xs, ys):  # each letter: its own unit noise, independent of U, of every input and other noise
        assert _awgn_holds(names, exact, x, y, snr, ["U", *xs])
        assert all(exact[names.index(y)][names.index(o)] == exact[names.index(x)][names.index(o)] for o in ys if o != y)


def test_chained_awgn_channels_have_no_model_and_say_so():
    extra = '[[hypothesis]]\nid = "ch2"\nchannel = "Z | Y ~ AWGN(snr)"\n'
    text = HEAD.replace('random = ["W", "U", "X", "Y"]', 'random = ["W", "U", "X", "Y", "Z"]').replace(
        'markov = "W -> U -> X -> Y"', 'markov = "W -> U -> X -> Y -> Z"') + extra + """
[[step]]
id = "d"
claim = "I(U; Z) <= I(U; Y)"
rule = "dpi"
uses = ["chain"]
"""
    rows = {r.id: r for r in verify_proof(read_proof_text(text), samples=5, seed=0).steps}
    # Y ~ N(0, snr + 1) cannot be the N(0, snr) input of the second channel
    assert rows["d"].status == "skipped" and "no jointly Gaussian model could be drawn" in rows["d"].reason
    assert "snr" in rows["d"].reason


def test_a_discrete_variable_skips_with_the_reason_instead_of_exit_2():
    text = HEAD.replace('continuous = ["W", "U"]', 'continuous = ["U"]') + STEPS
    rows = {r.id: r for r in verify_proof(read_proof_text(text), samples=5, seed=0).steps}
    for r in rows.values():
        assert r.status == "skipped"
        assert "W are discrete" in r.reason


def test_the_discrete_factory_still_refuses_awgn():
    with pytest.raises(UnrealizableHypotheses, match="AWGN"):
        ModelFactory(read_proof_text(HEAD))
    drawn = ModelFactory(read_proof_text(HEAD), gaussian=True).draw(RandomChoices(random.Random(0)))
    assert drawn.stand_ins == ("Y",)
    with pytest.raises(UnrealizableHypotheses, match="skeleton"):
        drawn.model()


@pytest.mark.slow
def test_cli_verify_exit_codes(tmp_path, capsys):
    from derive.cli import main

    ok = tmp_path / "ok.toml"
    ok.write_text(HEAD + STEPS.split("[[step]]\nid = \"too_strong\"")[0])
    assert main(["verify", str(ok), "--samples", "20"]) == 0
    assert "jointly Gaussian" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(HEAD + STEPS)
    assert main(["verify", str(bad), "--samples", "20"]) == 1
