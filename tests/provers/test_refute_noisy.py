"""Claims about continuous variables refuted on *noisy* models (session 24; :mod:`derive.numeric.noisy`).

Found by fuzzing ``derive prove --continuous`` against ``derive verify``'s noisy models: false claims such as
``I(W; X) <= I(X; Y | Z)`` under ``Z -> W -> Y`` (Z, W continuous) and ``H(Z) >= H(X)`` under ``X = f(Z)`` were
``unknown``: the Gaussian models cannot realize a function or a non-Gaussian dependence, and the discrete refuter was
not run for continuous variables. Two searches now run after the Gaussian ones, each valid because a continuous
``V = w (D + U)`` (``D`` discrete, ``U`` uniform on [0, 1), independent) has every entropy exact,
``h(S) = H(D_S) + Σ log w_V``, and keeps Markov chains, independences and functions with a discrete value:

* the discrete refuter's GF(2) models with ``w = 1`` (every entropy as on the discrete model);
* for an *unbalanced* claim (a continuous variable's net coefficient is not 0), the constant model with that variable
  scaled (``V = w U``: ``h(V) = log w``).

Oracles, independent of derive's evaluators: a GF(2) model's entropies are ranks over GF(2) of the printed bit masks
(numpy elimination here), a scaled constant's ``h(w U) = log2 w`` — each claim evaluated from terms built in the test.
And soundness: a claim that is ``proved`` is never refuted on the noisy models ``derive verify`` draws, and the
noisy refutations never fire where the noise would break a hypothesis (a Gaussian channel, a continuous function
value) or an ``assume`` premise forbids the scale.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pytest

from support.cli import run
from support.terms import text as _text, value as _value


def _gf2_rank(vectors: list[int]) -> int:
    rows, rank = [v for v in vectors if v], 0
    while rows:
        pivot = max(rows)
        top = pivot.bit_length() - 1
        rows = [r ^ pivot if r >> top & 1 else r for r in rows if r != pivot]
        rows = [r for r in rows if r]
        rank += 1
    return rank


def _gf2_model(message: str) -> tuple[dict[str, list[int]], int]:
    """``{variable: bit masks}`` and the number of copies of the GF(2) model the message prints."""
    m = re.search(r"it is false on a model of them, (.*?), with b1", message)
    assert m, message
    model: dict[str, list[int]] = {}
    for name, desc in re.findall(r"(\w+) = (\([^)]*\)|[^,]+)", m.group(1)):
        parts = desc[1:-1].split(", ") if desc.startswith("(") else [desc]
        model[name] = [0 if d.strip() in ("constant", "0") else
                       sum(1 << (int(b.strip()[1:]) - 1) for b in d.split(" xor ")) for d in parts]
    copies = re.search(r"(\d+) independent copies", message)
    return model, int(copies.group(1)) if copies else 1


def _prove(lhs, rhs, continuous: str, given: list[str], capsys) -> tuple[int, dict]:
    args = ["prove", f"{_text(lhs)} >= {_text(rhs)}", "--continuous", continuous, "--json", "--copy-steps", "0"]
    for g in given:
        args += ["--given", g]
    code, out, _ = run(args, capsys)
    return code, json.loads(out)


GF2_CASES = [  # lhs >= rhs, continuous, given: false on a GF(2) model whose continuous variables carry noise
    ([(1, "I", ["X"], ["Y"], ["Z"])], [(1, "I", ["W"], ["X"], [])], "Z, W", ["Z -> W -> Y"]),
    ([(1, "H", ["Z"], ["X"])], [(1, "H", ["Z"], [])], "Z", ["X = f(Z)"]),        # H(Z) <= H(Z | X)
    ([(1, "I", ["X"], ["W"], [])], [(1, "I", ["Z"], ["W"], [])], "Z", ["X = f(Y)", "Y -> X -> Z"]),
]


@pytest.mark.parametrize("lhs, rhs, continuous, given", GF2_CASES)
def test_a_balanced_false_claim_is_refuted_on_a_discrete_model_with_noise(lhs, rhs, continuous, given, capsys):
    code, res = _prove(lhs, rhs, continuous, given, capsys)
    assert code == 1 and res["status"] == "false", res
    message = json.dumps(res)
    assert "uniform noise on [0, 1)" in message and "(h(D + U) = H(D)" in message
    model, copies = _gf2_model(message)

    def h(vs):   # noise of width 1 adds log2(1) = 0 to each continuous variable's entropy
        return copies * _gf2_rank([m for v in set(vs) for m in model.get(v, [0])])

    assert _value(lhs, h) - _value(rhs, h) < -1e-9
    for g in given:     # the hypotheses hold on the model
        if "->" in g:
            a, b, c = (v.strip() for v in g.split("->"))
            assert _value([(1, "I", [a], [c], [b])], h) == 0
        else:
            out, inp = (v.strip() for v in re.fullmatch(r"(\w+) = f\((\w+)\)", g).groups())
            assert _value([(1, "H", [out], [inp])], h) == 0


UNBALANCED_CASES = [  # false only because a continuous variable can be scaled
    ([(1, "H", ["Z"], [])], [(1, "H", ["X"], [])], "Z", ["X = f(Z)"]),          # H(Z) >= H(X): Z small
    ([], [(1, "H", ["Z"], ["X"]), (-3, "H", ["X"], [])], "Z", ["X = f(Z)"]),     # H(Z | X) <= 3 H(X): Z large
    ([(1, "I", ["X"], ["Z"], [])], [(1, "H", ["Z"], ["Y"])], "Z", ["X = f(Y, Z)"]),  # H(Z | Y) <= I(X; Z)
]


@pytest.mark.parametrize("lhs, rhs, continuous, given", UNBALANCED_CASES)
def test_an_unbalanced_claim_is_refuted_on_a_scaled_constant(lhs, rhs, continuous, given, capsys):
    code, res = _prove(lhs, rhs, continuous, given, capsys)
    assert code == 1 and res["status"] == "false", res
    message = json.dumps(res)
    scales = dict(re.findall(r"(\w+) = (\d+(?:/\d+)?) U_\w+", message))
    assert scales and "unbalanced" in message, message

    def h(vs):   # every variable constant but V = w U: h(V) = log2 w
        return sum(np.log2(float(Fraction(scales[v]))) for v in set(vs) if v in scales)

    assert _value(lhs, h) - _value(rhs, h) < -1e-9


NOT_REFUTED = [  # true, or not refutable by scaling: never "false"
    ("H(Z | X) <= 3", "Z", ["assume: H(Z) <= 2"]),       # H(Z | X) <= H(Z) <= 2
    ("H(Z) >= -1", "Z", ["assume: H(Z) >= 0"]),          # the premise forbids a small scale
    ("H(X) <= I(X; Z)", "Z", ["X = f(Z)"]),              # I(X; Z) = H(X)
    ("H(Z | X) <= H(Z)", "Z", ["X = f(Z)"]),
    ("H(Y | X) >= 2", "X, Y", ["channel: Y | X ~ AWGN(1)"]),  # true: h(N(0, 1)) = 2.047 bits; the law is fixed
]


@pytest.mark.parametrize("claim, continuous, given", NOT_REFUTED)
def test_no_noisy_refutation_where_the_claim_holds_or_the_scale_is_not_free(claim, continuous, given, capsys):
    args = ["prove", claim, "--continuous", continuous, "--json", "--copy-steps", "0"]
    for g in given:
        args += ["--given", g]
    _, out, _ = run(args, capsys)
    assert json.loads(out)["status"] in ("proved", "unknown"), out


def test_check_refutes_an_unchecked_step_about_a_continuous_function_argument(tmp_path, capsys):
    """Through ``derive check`` too: a shannon step without certificate, X = f(Z), H(Z) >= H(X) (Z continuous)."""
    path = tmp_path / "p.toml"
    path.write_text('[proof]\nname = "p"\n[variables]\nrandom = ["X", "Z"]\ncontinuous = ["Z"]\n'
                    '[[hypothesis]]\nid = "f"\nfunction_of = "X = f(Z)"\n'
                    '[[step]]\nid = "s"\nclaim = "H(Z) >= H(X)"\nrule = "shannon"\nuses = ["f"]\n')
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 1 and "failed" in out and "unbalanced" in out


def test_an_unbalanced_claim_in_nats_with_a_constant_is_refuted_in_nats(capsys):
    """The discrete refuter takes claims in bits (or homogeneous) only; the scaled constant is evaluated in the
    proof's units: h(Z) = ln w for Z = w U, and -1 > ln(1/4) = -1.386."""
    code, out, _ = run(["prove", "H(Z) >= -1", "--continuous", "Z", "--units", "nats", "--given", "X = f(Z)",
                        "--json", "--copy-steps", "0"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "false", res
    w = re.findall(r"Z = (\d+(?:/\d+)?) U_Z", json.dumps(res))[0]
    assert np.log(float(Fraction(w))) < -1
