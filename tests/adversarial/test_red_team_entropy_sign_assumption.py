"""Red team: sympy must not be told that an entropy is non-negative.

``H >= 0`` holds for discrete variables only; a differential entropy can be negative (X ~ N(0, s) has
h(X) = (1/2) log2(2 pi e s) < 0 for s < 1/(2 pi e)). The atoms ``H(...)`` used to declare themselves
non-negative to sympy, which then rewrote ``abs(H(X))`` to ``H(X)``, ``min(H(X), 0)`` to ``0`` and
``sqrt(H(X)^2)`` to ``H(X)`` while parsing, so the kernel proved ``abs(H(X)) <= H(X)`` for a continuous X.

Oracles that share none of the parser's assumptions: the closed form of a Gaussian's differential entropy, and,
for the property test, Python's own arithmetic on the generated text's meaning (each generated expression carries
a Python function computing its value from the atoms' values, negative entropies included).
"""

from __future__ import annotations

import math
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.checking import check_file
from derive.cli import main
from derive.core.quantities import H, I
from derive.io.grammar import ParseContext, parse_expression

FALSE_FOR_A_CONTINUOUS_X = [  # each false when h(X) = -1 bit (X ~ N(0, 1/(8 pi e)))
    "abs(H(X)) <= H(X)",
    "min(H(X), 0) == 0",
    "max(H(X), 0) == H(X)",
    "sqrt(H(X)^2) == H(X)",
    "abs(H(X | Y)) == H(X | Y)",
]


def test_a_gaussian_has_negative_differential_entropy():
    """The oracle the cases rely on: h(N(0, s)) = (1/2) log2(2 pi e s) bits, -1 at s = 1/(8 pi e)."""
    s = 1 / (8 * math.pi * math.e)
    assert math.isclose(0.5 * math.log2(2 * math.pi * math.e * s), -1.0)


@pytest.mark.parametrize("claim", FALSE_FOR_A_CONTINUOUS_X)
def test_kernel_does_not_prove_sign_rewrites_for_continuous_entropy(tmp_path, claim):
    path = tmp_path / "sign.toml"
    path.write_text(f"""
[proof]
name = "sign"
[variables]
random = ["X", "Y"]
continuous = ["X", "Y"]
[[step]]
id = "s"
claim = "{claim}"
rule = "shannon"
[theorem]
claim = "{claim}"
from = ["s"]
""")
    checked = check_file(path, vacuity=False)
    assert checked.status != "proved"
    assert {s.id: s.status for s in checked.report.steps}["s"] != "proved"


@pytest.mark.parametrize("claim", FALSE_FOR_A_CONTINUOUS_X)
def test_prove_does_not_call_sign_rewrites_proved_for_continuous_entropy(capsys, claim):
    code = main(["prove", claim, "--continuous", "X, Y" if "Y" in claim else "X"])
    out = capsys.readouterr().out
    assert code != 0 and not out.startswith("proved")


MEANING = {  # each claim's truth as a function of h = h(X), Python's arithmetic
    "abs(H(X)) <= H(X)": lambda h: abs(h) <= h,
    "min(H(X), 0) == 0": lambda h: min(h, 0) == 0,
    "sqrt(H(X)^2) == H(X)": lambda h: math.sqrt(h * h) == h,
    "max(H(X), 0) == H(X)": lambda h: max(h, 0) == h,   # max(0, h) is the integer 0 where h < 0
}


@pytest.mark.parametrize("claim", sorted(MEANING))
def test_gaussian_models_refute_functions_of_differential_entropy(capsys, claim):
    """The Gaussian refuter evaluates functions of H and I (it refused any but H and I): each claim is `false` with
    a certified counterexample, a variance at which the closed form h = (1/2) log2(2 pi e s) makes it false."""
    code = main(["prove", claim, "--continuous", "X"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("false"), out
    m = re.search(r"covariance of \(X\) = \[\[(\d+)/(\d+)\]\]", out)
    s = int(m.group(1)) / int(m.group(2))
    assert not MEANING[claim](0.5 * math.log2(2 * math.pi * math.e * s))


def test_information_and_divergence_stay_nonnegative_to_sympy():
    """I, D and TV are >= 0 for every distribution, discrete or continuous: sympy may use it."""
    ctx = ParseContext(auto_variables=True)
    assert parse_expression("abs(I(X; Y | Z))", ctx) == parse_expression("I(X; Y | Z)", ctx)
    assert parse_expression("abs(D(P || Q))", ctx) == parse_expression("D(P || Q)", ctx)
    assert parse_expression("abs(H(X))", ctx) != parse_expression("H(X)", ctx)


# ---- property: the parse of any expression over the atoms means what its text means, for every real H ----

_ATOMS = {"H(X)": "h", "H(X | Y)": "hc", "I(X; Y)": "i"}


def _expressions():
    """(text, value) pairs: ``value(env)`` is the text's meaning computed by Python from the atoms' values."""
    leaves = st.sampled_from([(t, (lambda k: (lambda env: env[k]))(k)) for t, k in _ATOMS.items()]
                             + [("2", lambda env: 2.0), ("1/3", lambda env: 1 / 3)])

    def extend(children):
        unary = st.tuples(st.sampled_from(["abs", "neg", "sq", "exp"]), children).map(_unary)
        binary = st.tuples(st.sampled_from(["min", "max", "+", "-", "*"]), children, children).map(_binary)
        return unary | binary

    return st.recursive(leaves, extend, max_leaves=6)


def _unary(args):
    op, (t, f) = args
    if op == "abs":
        return f"abs({t})", lambda env: abs(f(env))
    if op == "neg":
        return f"-({t})", lambda env: -f(env)
    if op == "sq":
        return f"sqrt(({t})^2)", lambda env: abs(f(env))
    return f"exp(min({t}, 3))", lambda env: math.exp(min(f(env), 3))


def _binary(args):
    op, (a, f), (b, g) = args
    if op in ("min", "max"):
        fn = min if op == "min" else max
        return f"{op}({a}, {b})", lambda env: fn(f(env), g(env))
    py = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}[op]
    return f"({a}) {op} ({b})", lambda env: py(f(env), g(env))


@settings(max_examples=150, deadline=None)
@given(_expressions(), st.floats(-5, 5), st.floats(-5, 5), st.floats(0, 5))
def test_parse_is_faithful_for_negative_entropies(expression, h_value, hc_value, i_value):
    text, meaning = expression
    parsed = parse_expression(text, ParseContext(auto_variables=True))
    values = {}
    for atom in parsed.atoms(H, I):
        values[atom] = {"H(X)": h_value, "H(X | Y)": hc_value, "I(X; Y)": i_value}[str(atom)]
    got = float(parsed.xreplace({a: sympy.Float(v, 30) for a, v in values.items()}).evalf(30))
    want = meaning({"h": h_value, "hc": hc_value, "i": i_value})
    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (text, got, want)


# ---- an undefined subexpression must not be folded away before the door sees it -----------------------------

@pytest.mark.parametrize("claim, fragment", [
    ("H(X)/H(X) == 1", "a division by H(X) is not defined for every distribution"),      # 0/0 for a constant X
    ("I(X; Y)*(1/I(X; Y)) <= 1", "a division by I(X; Y)"),
    ("log(H(X)) - log(H(X)) == 0", "log(H(X)) is not defined for every distribution"),
    ("1/(H(X)/2) >= 0", "a division by"),
])
def test_a_division_by_a_quantity_that_can_be_zero_is_refused_before_sympy_cancels_it(capsys, claim, fragment):
    """sympy folds H(X)/H(X) to 1 while building the expression, so the kernel's door (which refuses a division by
    a possibly zero quantity) never saw it: `derive prove` printed "proved: 1 == 1"."""
    code = main(["prove", claim])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "Traceback" not in err


def test_a_proof_file_step_dividing_by_an_entropy_is_bad_input(tmp_path, capsys):
    path = tmp_path / "div.toml"
    path.write_text('[proof]\nname = "div"\n[variables]\nrandom = ["X"]\n[[step]]\nid = "s"\n'
                    'claim = "H(X)/H(X) == 1"\nrule = "shannon"\n')
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "div.toml:7" in err and "a division by H(X)" in err


@pytest.mark.parametrize("text", ["I(X; Y)/(1 + I(X; Y))", "TV(P, Q)/(2 - TV(P, Q))", "H(X)/log(3)"])
def test_divisions_by_quantities_that_cannot_be_zero_still_parse(text):
    parse_expression(text, ParseContext(auto_variables=True))


def test_a_continuous_entropy_under_a_root_is_refused_with_the_reason(capsys):
    code = main(["prove", "sqrt(H(X)) >= 0", "--continuous", "X"])
    err = capsys.readouterr().err
    assert code == 2 and "a differential entropy can be negative" in err
