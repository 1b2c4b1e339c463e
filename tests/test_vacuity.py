"""Vacuous proofs (issue 13, class 8): hypotheses that cannot hold together get a warning; --strict refuses.

Accept: every bundled proof gets no warning. Reject: each contradictory set below gets its warning, in the
text report, in ``--json`` and as a ``--strict`` failure (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.checking import check_file
from derive.cli import main
from derive.errors import InvalidArgument
from derive.io import read_proof
from derive.vacuity import CONTRADICTION, DEGENERATE, NO_MODEL, find_vacuity, vacuity_warnings

PROOFS = sorted((Path(__file__).resolve().parents[1] / "proofs").glob("*.toml"))


def _file(tmp_path: Path, name: str, *, parameters: str = "", variables: str = '["U", "X", "Y", "Z"]',
          families: str = "", hypotheses: list[tuple[str, str, str]], claim: str = "I(X; Y) >= 0") -> Path:
    text = f'[proof]\nname = "{name}"\n'
    if parameters:
        text += f"[parameters]\n{parameters}\n"
    text += f"[variables]\nrandom = {variables}\n" + (f"families = {{ {families} }}\n" if families else "")
    for hid, key, value in hypotheses:
        text += f'[[hypothesis]]\nid = "{hid}"\n{key} = "{value}"\n'
    text += f'[[step]]\nid = "s1"\nclaim = "{claim}"\nrule = "linear"\n[theorem]\nclaim = "{claim}"\nfrom = ["s1"]\n'
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


# ----------------------------------------------------------------------------- accept

@pytest.mark.parametrize("path", PROOFS, ids=[p.stem for p in PROOFS])
def test_bundled_proofs_get_no_vacuity_warning(path: Path):
    assert find_vacuity(read_proof(path)) == []


def test_consistent_sets_get_no_warning(tmp_path):
    cases = [
        # a chain of BSCs, a noisy channel whose output is a function of the input *and* other variables
        [("c", "markov", "U -> X -> Y -> Z"), ("k1", "channel", "Y | X ~ BSC(1/4)"), ("k2", "channel", "Z | Y ~ BSC(1/4)")],
        [("k", "channel", "Y | X ~ BSC(1/4)"), ("f", "function_of", "Y = f(X, Z)")],
        # a deterministic channel is a function
        [("k", "channel", "Y | X ~ BSC(0)"), ("f", "function_of", "Y = f(X)")],
        [("k", "channel", "Y | X ~ matrix([[1, 0], [0, 1]])"), ("f", "function_of", "Y = f(X)")],
        # independence with an uninformative channel
        [("i", "independent", "X _|_ Y"), ("k", "channel", "Y | X ~ BSC(1/2)")],
        # the same channel twice; the AWGN chain with the right input variance
        [("a", "channel", "Y | X ~ BSC(1/4)"), ("b", "channel", "Y | X ~ BSC(1/4)")],
        [("a", "channel", "Y | X ~ AWGN(3)"), ("b", "channel", "Z | Y ~ AWGN(4)")],
        # one input of two Gaussian channels with the same snr; two outputs of one variance
        [("a", "channel", "Y | X ~ AWGN(3)"), ("b", "channel", "Z | X ~ AWGN(3)")],
        [("a", "channel", "Y | X ~ AWGN(1)"), ("b", "channel", "Y | Z ~ AWGN(1)")],
    ]
    for k, hyps in enumerate(cases):
        path = _file(tmp_path, f"ok{k}", hypotheses=hyps)
        assert find_vacuity(read_proof(path)) == [], hyps


def test_awgn_chain_with_symbolic_variance_plus_one_is_fine(tmp_path):
    path = _file(tmp_path, "awgn_ok", parameters='s = "s > 0"',
                 hypotheses=[("a", "channel", "Y | X ~ AWGN(s)"), ("b", "channel", "Z | Y ~ AWGN(s + 1)")])
    assert find_vacuity(read_proof(path)) == []


def test_narrower_inputs_are_fine_with_one_link_or_no_extra_output(tmp_path):
    one = _file(tmp_path, "bec_one", parameters='e = "0 < e < 1"', variables='["U"]', families='X = "0..1"',
                hypotheses=[("l", "channel", "X[i] | X[i-1] ~ BEC(e) for i in 1..1")], claim="I(U; X[1]) >= 0")
    assert find_vacuity(read_proof(one)) == []
    bsc = _file(tmp_path, "bsc_then_bec", hypotheses=[("a", "channel", "Y | X ~ BSC(1/4)"),
                                                       ("b", "channel", "Z | Y ~ BEC(1/3)")])
    assert find_vacuity(read_proof(bsc)) == []  # two outputs feed two inputs; the erasure is Z's, at the end


def test_awgn_family_with_one_link_is_fine(tmp_path):
    path = _file(tmp_path, "awgn_one", parameters='s = "s > 0"', variables='["U"]', families='X = "0..1"',
                 hypotheses=[("l", "channel", "X[i] | X[i-1] ~ AWGN(s) for i in 1..1")], claim="I(U; X[1]) >= 0")
    assert find_vacuity(read_proof(path)) == []


# ----------------------------------------------------------------------------- reject

REJECT = {
    "bsc_function_of": dict(hypotheses=[("noisy", "channel", "Y | X ~ BSC(1/4)"), ("clean", "function_of", "Y = f(X)")],
                            kind=CONTRADICTION, words=["function of", "BSC(1/4)"]),
    "bsc_symbolic_function_of": dict(parameters='p = "0 < p < 1/2"',
                                     hypotheses=[("noisy", "channel", "Y | X ~ BSC(p)"),
                                                 ("clean", "function_of", "Y = f(X)")],
                                     kind=CONTRADICTION, words=["function of", "BSC(p)"]),
    "bec_function_of_with_independent_extra": dict(
        hypotheses=[("noisy", "channel", "Y | X ~ BEC(1/3)"), ("ind", "independent", "Z _|_ Y | X"),
                    ("clean", "function_of", "Y = f(X, Z)")],
        kind=CONTRADICTION, words=["independent of Y given X"]),
    "awgn_function_of": dict(hypotheses=[("g", "channel", "Y | X ~ AWGN(2)"), ("f", "function_of", "Y = f(X)")],
                             kind=CONTRADICTION, words=["AWGN(2)"]),
    "matrix_function_of": dict(hypotheses=[("m", "channel", "Y | X ~ matrix([[1, 0], [1/3, 2/3]])"),
                                           ("f", "function_of", "Y = f(X)")], kind=CONTRADICTION, words=["matrix"]),
    "two_channels": dict(hypotheses=[("a", "channel", "Y | X ~ BSC(1/4)"), ("b", "channel", "Y | X ~ BSC(1/3)")],
                         kind=CONTRADICTION, words=["differ"]),
    "awgn_and_bsc": dict(hypotheses=[("a", "channel", "Y | X ~ AWGN(1)"), ("b", "channel", "Y | X ~ BSC(1/3)")],
                         kind=CONTRADICTION, words=["Gaussian"]),
    "awgn_chain": dict(parameters='snr = "snr > 0"',
                       hypotheses=[("c", "markov", "U -> X -> Y -> Z"), ("first", "channel", "Y | X ~ AWGN(snr)"),
                                   ("second", "channel", "Z | Y ~ AWGN(snr)")],
                       kind=CONTRADICTION, words=["N(0, snr + 1)", "'second'"]),
    # one variable, two Gaussian laws (session 20: only the chain and one output-and-input pair were caught)
    "awgn_one_input_two_snr": dict(hypotheses=[("a", "channel", "Y | X ~ AWGN(1)"), ("b", "channel", "Z | X ~ AWGN(2)")],
                                   kind=CONTRADICTION, words=["X cannot be both N(0, 1)", "N(0, 2)", "'b'"]),
    "awgn_one_output_two_snr": dict(hypotheses=[("a", "channel", "Y | X ~ AWGN(1)"), ("b", "channel", "Y | Z ~ AWGN(3)")],
                                    kind=CONTRADICTION, words=["Y cannot be both N(0, 2)", "N(0, 4)"]),
    "awgn_same_pair_two_snr": dict(hypotheses=[("a", "channel", "Y | X ~ AWGN(1)"), ("b", "channel", "Y | X ~ AWGN(2)")],
                                   kind=CONTRADICTION, words=["cannot be both"]),
    "awgn_family_chain": dict(parameters='k = "integer >= 2"\ns = "s > 0"', variables='["U"]', families='X = "0..k"',
                              hypotheses=[("links", "channel", "X[i] | X[i-1] ~ AWGN(s) for i in 1..k")],
                              claim="I(U; X[k]) >= 0", kind=CONTRADICTION, words=["N(0, s + 1)"]),
    "bec_family_chain": dict(parameters='k = "integer >= 2"\ne = "0 < e < 1"', variables='["U"]', families='X = "0..k"',
                             hypotheses=[("links", "channel", "X[i] | X[i-1] ~ BEC(e) for i in 1..k")],
                             claim="I(U; X[k]) >= 0", kind=DEGENERATE, words=["takes 3 values", "takes 2"]),
    "bec_then_bsc": dict(hypotheses=[("first", "channel", "Y | X ~ BEC(1/3)"), ("second", "channel", "Z | Y ~ BSC(1/4)")],
                         kind=DEGENERATE, words=["takes 3 values", "'second'"]),
    "independent_bsc": dict(parameters='p = "0 <= p <= 1/4"',
                            hypotheses=[("ind", "independent", "X _|_ Y"), ("ch", "channel", "Y | X ~ BSC(p)")],
                            kind=DEGENERATE, words=["constant"]),
    "independent_awgn": dict(hypotheses=[("ind", "independent", "X _|_ Y"), ("ch", "channel", "Y | X ~ AWGN(1)")],
                             kind=CONTRADICTION, words=["constant", "declares N(0, 1)"]),
    "model_builder": dict(hypotheses=[("ind", "independent", "X _|_ Y | Z"), ("ch", "channel", "Y | X ~ BSC(1/4)"),
                                      ("zi", "independent", "Z _|_ X")],
                          kind=NO_MODEL, words=["model builder"]),
}


@pytest.mark.parametrize("name", sorted(REJECT))
def test_contradictory_hypotheses_get_their_warning(tmp_path, name):
    spec = dict(REJECT[name])
    kind, words = spec.pop("kind"), spec.pop("words")
    path = _file(tmp_path, name, **spec)
    found = find_vacuity(read_proof(path))
    assert found, name
    assert found[0].kind == kind
    for w in words:
        assert w in found[0].reason, (w, found[0].reason)
    if name == "awgn_function_of":  # the kernel's door refuses a continuous function value outright (bad input)
        with pytest.raises(InvalidArgument, match="function_of"):
            check_file(path)
        return
    checked = check_file(path)
    assert checked.vacuity and checked.vacuity[0] in checked.report.warnings
    assert checked.status == "proved"  # a warning, not a verdict
    strict = check_file(path, strict=True)
    assert strict.status == "failed"


def test_bsc_function_of_with_possible_zero_noise_says_unless(tmp_path):
    path = _file(tmp_path, "maybe", parameters='p = "0 <= p <= 1/2"',
                 hypotheses=[("noisy", "channel", "Y | X ~ BSC(p)"), ("clean", "function_of", "Y = f(X)")])
    (w,) = find_vacuity(read_proof(path))
    assert "unless p is 0 or 1" in w.reason


def test_cli_prints_warning_and_strict_refuses(tmp_path, capsys):
    path = _file(tmp_path, "cli", **{k: v for k, v in REJECT["bsc_function_of"].items() if k not in ("kind", "words")})
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: the hypotheses cannot hold together (line 9): " in out and "everything follows from them" in out
    assert main(["check", "--strict", str(path)]) == 1
    out = capsys.readouterr().out
    assert "— failed" in out and "refused: --strict" in out
    assert main(["check", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)["proofs"][0]
    assert data["status"] == "proved"
    assert any(w.startswith("the hypotheses cannot hold together") for w in data["warnings"])
    assert main(["check", "--json", "--strict", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)["proofs"][0]
    assert data["status"] == "failed" and data["refused"]


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
def test_bundled_proofs_have_no_vacuity_warning_on_the_cli(capsys):
    assert main(["check", "--json", *map(str, PROOFS)]) == 0
    for p in json.loads(capsys.readouterr().out)["proofs"]:
        assert not any("hold together" in w or "no model" in w for w in p.get("warnings", [])), p["file"]


def test_vacuity_warnings_never_raise():
    class Broken:
        parameters = property(lambda self: 1 / 0)

    assert vacuity_warnings(Broken()) == []


def test_large_models_are_not_built(tmp_path):
    """A family of 60+ members: the model builder (minutes there) is not asked; the symbolic checks still run."""
    import time

    path = _file(tmp_path, "big", parameters='n = "integer >= 60"', variables='["M", "P"]', families='X = "1..n"',
                 hypotheses=[("ind", "mutually_independent", "X[1..n] | P"), ("ch", "markov", "P -> X[1..n] -> M")],
                 claim="I(M; P) >= 0")
    start = time.monotonic()
    assert find_vacuity(read_proof(path)) == []
    assert time.monotonic() - start < 5


def test_two_symbolic_gaussian_laws_of_one_input_say_unless(tmp_path):
    path = _file(tmp_path, "maybe_awgn", parameters='a = "a > 0"\nb = "b > 0"',
                 hypotheses=[("g1", "channel", "Y | X ~ AWGN(a)"), ("g2", "channel", "Z | X ~ AWGN(b)")])
    (w,) = find_vacuity(read_proof(path))
    assert w.kind == CONTRADICTION and "unless a = b" in w.reason
    same = _file(tmp_path, "same_awgn", parameters='a = "a > 0"',
                 hypotheses=[("g1", "channel", "Y | X ~ AWGN(a)"), ("g2", "channel", "Z | X ~ AWGN(2*a - a)")])
    assert find_vacuity(read_proof(same)) == []
