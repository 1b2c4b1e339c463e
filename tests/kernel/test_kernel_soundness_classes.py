"""Issue 13: the classes of soundness bug, each fixed at its root, each with tests that failed before the fix.

The bad proofs in tests/bad_proofs/ (capture_*, sum_*, block_merge_*, channel_concrete_*, awgn_*,
continuous_*, sign_of_*, error_in_*) are the file-level reproductions; here the root of each class is tested
directly, with property tests against oracles that do not share the kernel's code (brute-force sums,
mpmath evaluation of expressions at random points).
"""

from __future__ import annotations

import itertools

import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from derive.provers.certificate_search import search_oracle
from derive.core import FamilyRange, RVSet, Statement
from derive.core.hypotheses import Channel, ChannelSpec, block_of
from derive.core.linear import evaluate_sum, linear_form, sum_index
from derive.core.parameters import Domain, Domains
from derive.core.quantities import H, I, h
from derive.core.variables import InternalSymbol, fresh_symbol
from derive.errors import InvalidArgument
from derive.kernel import check_proof
from derive.kernel.coefficients import closed_form_eta_kl
from derive.kernel.signs import is_defined, sign_of
from derive.kernel.wellformed import problems_of
from derive.proof import Proof

from kernel_helpers import domain, new_proof

# ---------------------------------------------------------------------------- class 1: fresh symbols


def test_internal_symbols_never_equal_a_user_symbol_of_the_same_name_and_assumptions():
    j = sum_index(0)
    assert isinstance(j, InternalSymbol)
    assert j != sympy.Symbol(j.name, integer=True, nonnegative=True)
    assert j != sympy.Symbol(j.name, integer=True)
    assert sum_index(0) == sum_index(0)  # canonical: two constructions agree
    assert fresh_symbol("t", real=True) != fresh_symbol("t", real=True)


def test_fresh_symbols_carry_only_proved_assumptions():
    with pytest.raises(InvalidArgument):
        fresh_symbol("t", real=True, nonnegative=False)  # "unknown" must never be written as False (= negative)


def test_a_user_parameter_named_like_the_sum_index_is_not_captured():
    p, env = new_proof("Y", params={"_k0": domain(integer=True), "n": domain(1, integer=True)},
                       families={"X": (1, "n")})
    i = sympy.Symbol("i", integer=True)
    k0, n = env["_k0"], env["n"]
    lhs = sympy.Sum(I(RVSet(env["X"][i + k0]), RVSet(env["Y"])), (i, 1, n))
    rhs = sympy.Sum(I(RVSet(env["X"][2 * i]), RVSet(env["Y"])), (i, 1, n))
    assert not (linear_form(lhs) - linear_form(rhs)).is_zero()


def test_monotone_variable_named_like_a_parameter_is_refused():
    p, env = new_proof("X Y", params={"t": domain(0, 1)})
    t = env["t"]
    p.hypothesis("a", __import__("derive.core.hypotheses", fromlist=["Assume"]).Assume(Statement(t, "<=", 1)))
    p.step("s", Statement(t ** 2, "<=", 1), "monotone", uses=["a"], args={"function": t ** 2, "variable": "t"})
    row = check_proof(p, oracle=search_oracle).steps[0]
    assert row.status == "failed" and "also a parameter" in row.message


def test_monotone_on_the_reals_does_not_call_t_squared_decreasing():
    from derive.core.hypotheses import Assume

    p, _ = new_proof("X Y")
    t = sympy.Symbol("t", real=True)
    p.hypothesis("a", Assume(Statement(sympy.Integer(-1), "<=", sympy.Integer(2))))
    p.step("s", Statement(sympy.Integer(1), ">=", sympy.Integer(4)), "monotone", uses=["a"],
           args={"function": t ** 2, "variable": "t"})
    assert check_proof(p, oracle=search_oracle).steps[0].status == "failed"

# ---------------------------------------------------------------------------- class 2: one sum convention


def _brute_sum(f, lo: int, hi: int):
    """The written semantics: the sum over the integers lo <= i <= hi, 0 when hi < lo."""
    return sum((f(i) for i in range(lo, hi + 1)), sympy.Integer(0))


@settings(max_examples=60, deadline=None)
@given(st.integers(-4, 4), st.integers(-4, 4), st.sampled_from(["c", "i", "i^2", "2^i"]))
def test_evaluate_sum_matches_brute_force_on_every_range(lo, hi, body):
    j = sum_index(0)
    x = {"c": lambda i: sympy.Integer(7), "i": lambda i: sympy.Integer(i), "i^2": lambda i: sympy.Integer(i) ** 2,
         "2^i": lambda i: sympy.Integer(2) ** i}[body]
    summand = x(lo + j) if body == "c" else {"i": lo + j, "i^2": (lo + j) ** 2, "2^i": sympy.Integer(2) ** (lo + j)}[body]
    assert sympy.simplify(evaluate_sum(summand, j, sympy.Integer(hi - lo)) - _brute_sum(x, lo, hi)) == 0


def test_a_reversed_constant_range_is_empty_not_karr():
    i = sympy.Symbol("i", integer=True)
    form = linear_form(sympy.Sum(I(RVSet("X"), RVSet("Y")), (i, 3, 1)))
    assert form.is_zero()  # sympy's doit would give -I(X; Y)


def test_the_door_refuses_ranges_that_may_run_backwards_and_non_integer_limits():
    i = sympy.Symbol("i", integer=True)
    n = sympy.Symbol("n", integer=True)
    x = sympy.Symbol("x", real=True)
    info = I(RVSet("X"), RVSet("Y"))
    dn = Domains({n: domain(0, integer=True), x: domain(0, 3)})
    assert problems_of(sympy.Sum(info, (i, 1, n)), dn) == []
    assert problems_of(sympy.Sum(info, (i, 3, n)), dn)  # n may be 0 < 3 - 1
    assert problems_of(sympy.Sum(info, (i, 1, x)), dn)  # a real limit
    assert problems_of(sympy.Sum(info, (i, 3, 1)), dn)


def test_nested_sums_are_read_and_checked_not_recursed_forever():
    i, j = sympy.symbols("i j", integer=True)
    n = sympy.Symbol("n", integer=True, positive=True)
    body = I(RVSet("X"), RVSet("Y"))
    nested = sympy.Sum(sympy.Sum(body, (j, 1, i)), (i, 1, n))
    form = linear_form(nested)
    assert (form - linear_form(n * (n + 1) / 2 * body)).is_zero()
    dn = Domains({n: domain(1, integer=True)})
    assert problems_of(nested, dn) == []
    assert problems_of(sympy.Sum(sympy.Sum(body, (j, 3, i)), (i, 1, n)), dn)  # the inner range may run backwards

# ---------------------------------------------------------------------------- class 3: block orderings


def test_blocks_merge_only_when_their_ordering_is_known():
    k, n = sympy.symbols("k n", integer=True, positive=True)
    i = sympy.Symbol("i", integer=True, positive=True)
    assert RVSet(FamilyRange("X", 1, k), FamilyRange("X", k + 1, n)) != RVSet(FamilyRange("X", 1, n))
    assert len(RVSet(FamilyRange("X", 1, k), FamilyRange("X", k + 1, n))) == 2
    from derive.core.variables import FamilyMember

    assert RVSet(FamilyRange("X", 1, i - 1), FamilyMember("X", i)) == RVSet(FamilyRange("X", 1, i))


def test_concrete_blocks_agree_with_set_union_of_members():
    for a, b, c in itertools.product(range(0, 4), repeat=3):
        from derive.core.variables import FamilyMember

        got = set(RVSet(*FamilyRange.make("X", 1, a), *FamilyRange.make("X", b, c)).args)
        want = {FamilyMember("X", m) for m in set(range(1, a + 1)) | set(range(b, c + 1))}
        assert got == want

# ---------------------------------------------------------------------------- class 4: product channels


def test_a_channel_between_concrete_blocks_is_a_product_channel():
    from derive.core.variables import FamilyMember

    ch = Channel(RVSet(*FamilyRange.make("Y", 1, 2)), RVSet(*FamilyRange.make("X", 1, 2)),
                 ChannelSpec("BSC", (sympy.Rational(1, 4),)))
    assert ch.is_product and ch.letters() == (("Y", 1, 2), ("X", 1, 2))
    single = Channel(RVSet("Y"), RVSet(FamilyMember("X", 1), FamilyMember("X", 2)), ChannelSpec("BSC", (sympy.Rational(1, 4),)))
    assert not single.is_product


def test_product_channel_blocks_must_have_equal_length():
    n = sympy.Symbol("n", integer=True, positive=True)
    with pytest.raises(InvalidArgument, match="same"):
        Channel(RVSet(FamilyRange("Y", 1, n)), RVSet(FamilyRange("X", 1, n + 1)), ChannelSpec("BSC", (sympy.Rational(1, 4),)))
    with pytest.raises(InvalidArgument, match="blocks"):
        Channel(RVSet("Y", "Z"), RVSet("X"), ChannelSpec("BSC", (sympy.Rational(1, 4),)))
    assert block_of(RVSet(*FamilyRange.make("X", 3, 5))) == ("X", 3, 5)


def test_single_letter_sdpi_refuses_a_product_channel_whatever_its_syntax():
    from derive.core.hypotheses import Markov

    p, env = new_proof("U", families={"X": (1, 2), "Y": (1, 2)})
    xs, ys = RVSet(*FamilyRange.make("X", 1, 2)), RVSet(*FamilyRange.make("Y", 1, 2))
    p.hypothesis("chain", Markov((RVSet("U"), xs, ys)))
    p.hypothesis("ch", Channel(ys, xs, ChannelSpec("BSC", (sympy.Rational(1, 4),))))
    p.step("s", Statement(I(RVSet("U"), ys), "<=", sympy.Rational(1, 4) * I(RVSet("U"), xs)), "sdpi",
           uses=["chain", "ch"])
    assert check_proof(p, oracle=search_oracle).steps[0].status == "failed"

# ---------------------------------------------------------------------------- class 5: inputs and continuity


def test_awgn_coefficient_states_its_input():
    cf = closed_form_eta_kl(ChannelSpec("AWGN", (sympy.Integer(3),)))
    assert cf.input_law == "N(0, 3)"
    assert closed_form_eta_kl(ChannelSpec("BSC", (sympy.Rational(1, 10),))).input_law is None


def test_entropy_of_a_continuous_variable_has_no_sign_but_information_does():
    d = Domains({}, continuous={"Y"})
    assert sign_of(H(RVSet("Y"), RVSet()), d) is None
    assert sign_of(H(RVSet("Y"), RVSet("X")), d) is None
    assert sign_of(H(RVSet("X"), RVSet("Y")), d) == "nonneg"  # discrete target, continuous conditioning
    assert sign_of(I(RVSet("Y"), RVSet("X"), RVSet()), d) == "nonneg"


def test_a_gaussian_channel_makes_its_variables_continuous_in_every_step():
    p, _ = new_proof("X Y Z")
    p.hypothesis("ch", Channel(RVSet("Y"), RVSet("X"), ChannelSpec("AWGN", (sympy.Integer(3),))))
    p.step("s", Statement(H(RVSet("Y"), RVSet()), ">=", 0), "linear")  # does not even list the channel
    assert check_proof(p, oracle=search_oracle).steps[0].status == "failed"
    p2, _ = new_proof("X Y")
    p2.declare_continuous("X")
    p2.step("s", Statement(H(RVSet("X"), RVSet("Y")), ">=", 0), "linear")
    assert check_proof(p2, oracle=search_oracle).steps[0].status == "failed"

# ---------------------------------------------------------------------------- class 6: defined expressions

_X, _Y, _Z = sympy.symbols("x y z", real=True)
_DOMAINS = Domains({_X: domain(-2, 2), _Y: domain(0, 1), _Z: domain(0, None, lo_open=True)})
_SAMPLE = {_X: [-2, -1.3, -0.5, 0, 0.4, 1, 2], _Y: [0, 0.1, 0.5, 0.9, 1], _Z: [1e-6, 0.2, 1, 3, 40]}


def _safe(f, a, b):
    try:
        return f(a, b)
    except ValueError:  # sympy refuses Max/Min of a complex constant
        return a


def _safe_h(a):
    try:
        return h(a)
    except InvalidArgument:  # h of a constant outside [0, 1] is refused at construction
        return h(_Y)


def _expressions():
    leaves = st.sampled_from([_X, _Y, _Z, sympy.Integer(1), sympy.Integer(-1), sympy.Rational(1, 2), sympy.Integer(2)])

    def extend(children):
        return st.one_of(
            st.builds(lambda a, b: a + b, children, children),
            st.builds(lambda a, b: a * b, children, children),
            st.builds(lambda a: a - 1, children),
            st.builds(lambda a, k: a ** k, children, st.sampled_from([2, 3, -1, sympy.Rational(1, 2), -2])),
            st.builds(sympy.log, children),
            st.builds(sympy.exp, children),
            st.builds(sympy.sqrt, children),
            st.builds(_safe_h, children),
            st.builds(lambda a, b: _safe(sympy.Max, a, b), children, children),
            st.builds(lambda a, b: _safe(sympy.Min, a, b), children, children),
            st.builds(lambda a, b: sympy.exp(a * sympy.log(b)), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=5)


def _mp_value(e: sympy.Expr, point: dict):
    """An independent evaluation: mpmath in the complex plane (h and Max/Min by their definitions)."""
    if e.is_number and not e.free_symbols and not isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow, sympy.log, sympy.exp,
                                                                 sympy.Abs, h, sympy.Max, sympy.Min)):
        return mpmath.mpc(complex(sympy.N(e, 30)))
    if e.is_Symbol:
        return mpmath.mpc(point[e])
    args = [_mp_value(a, point) for a in e.args]
    if isinstance(e, sympy.Add):
        return mpmath.fsum(args)
    if isinstance(e, sympy.Mul):
        return mpmath.fprod(args)
    if isinstance(e, sympy.Pow):
        if args[0] == 0 and mpmath.re(args[1]) <= 0 and args[1] != 0:
            raise ZeroDivisionError
        return mpmath.power(args[0], args[1])
    if isinstance(e, sympy.log):
        if args[0] == 0:
            raise ZeroDivisionError
        return mpmath.log(args[0])
    if isinstance(e, sympy.exp):
        return mpmath.exp(args[0])
    if isinstance(e, sympy.Abs):
        return mpmath.mpc(abs(args[0]))
    if isinstance(e, h):
        p = args[0]
        if mpmath.im(p) != 0 or not (0 <= mpmath.re(p) <= 1):
            return mpmath.mpc(0, 1)  # undefined: marked complex
        p = mpmath.re(p)
        return mpmath.mpc(0 if p in (0, 1) else -(p * mpmath.log(p, 2) + (1 - p) * mpmath.log(1 - p, 2)))
    if isinstance(e, (sympy.Max, sympy.Min)):
        if any(mpmath.im(a) != 0 for a in args):
            return mpmath.mpc(0, 1)
        return mpmath.mpc((max if isinstance(e, sympy.Max) else min)(mpmath.re(a) for a in args))
    raise NotImplementedError(type(e))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_a_sign_is_claimed_only_for_expressions_real_with_that_sign_at_sampled_points(e):
    s = sign_of(e, _DOMAINS)
    if s is None:
        return
    syms = sorted(e.free_symbols, key=lambda v: v.name)
    with mpmath.workdps(30):
        for values in itertools.product(*[_SAMPLE[v] for v in syms]):
            point = dict(zip(syms, values))
            try:
                v = _mp_value(e, point)
            except (OverflowError, MemoryError):
                continue  # mpmath's limit (exp(exp(exp(40)...))), not an undefined value
            except (ZeroDivisionError, ValueError):
                pytest.fail(f"sign_of({e}) = {s} but it is undefined at {point}")
            assert abs(mpmath.im(v)) <= mpmath.mpf(10) ** -20 * (1 + abs(v)), f"{e} = {v} (complex) at {point}, sign {s}"
            r = mpmath.re(v)
            tol = mpmath.mpf(10) ** -20 * (1 + abs(r))
            ok = {"pos": r > -tol, "nonneg": r > -tol, "zero": abs(r) <= tol, "neg": r < tol, "nonpos": r < tol}[s]
            assert ok, f"sign_of({e}) = {s} but it is {r} at {point}"


def test_complex_and_undefined_expressions_have_no_sign():
    x = sympy.Symbol("x", positive=True)
    y = sympy.Symbol("y", real=True)
    d = Domains({x: domain(0, None, lo_open=True), y: domain()})
    assert not is_defined(sympy.exp(y * sympy.log(-x)), d)
    assert sign_of(sympy.exp(y * sympy.log(-x)), d) is None
    assert sign_of(sympy.Max(1, sympy.log(x - 1)), d) is None  # log(x - 1) is undefined for x <= 1
    assert sign_of(1 / (x - 1) ** 2, d) is None  # x may be 1
    assert sign_of(h(x), d) is None  # x may exceed 1
    assert sign_of((1 - x) ** 2, d) == "nonneg"
    assert sign_of(sympy.exp(h(sympy.I * sympy.pi)), d) is None  # sympy calls it real: h is declared real-valued

# ---------------------------------------------------------------------------- class 7: errors stay in their step


def test_an_error_inside_a_rule_fails_that_step_only(monkeypatch):
    from derive.kernel import rules

    p, _ = new_proof("X Y")
    p.step("boom", Statement(I(RVSet("X"), RVSet("Y")), ">=", 0), "pinsker")
    p.step("fine", Statement(I(RVSet("X"), RVSet("Y")), ">=", 0), "linear")

    def explode(ctx):
        raise ZeroDivisionError("deliberate")

    monkeypatch.setitem(rules.RULES, "pinsker", rules.RULES["pinsker"].__class__(
        "pinsker", explode))
    report = check_proof(p, oracle=search_oracle)
    boom, fine = report.steps
    assert boom.status == "failed" and boom.error == "UncheckableStep" and "ZeroDivisionError" in boom.message
    assert fine.status == "proved"


@pytest.mark.slow
@pytest.mark.parametrize("claim, status", [
    ("H(X) + h(1/3) == H(X) + log(3) - 2/3", "proved"),                 # h(1/3) = log2(3) - 2/3 exactly
    ("I(X; Y) + h(1/4) == I(X; Y) + 2 - 3*log(3)/4", "proved"),         # h(1/4) = 2 - (3/4) log2(3)
    ("H(X) + h(1/3) == H(X) + log(3) - 2/3 + 10^-30", "not proved"),    # off by 10^-30: not zero
    ("H(X) + h(1/3) == H(X) + log(3) - 2/3 - 10^-30", "not proved"),
])
def test_an_equalitys_leftover_constant_must_be_exactly_zero(claim, status):
    """The leftover constant of an equality's certificate is 0 when sympy sees it, or when the sign engine proves it
    is 0 (``h`` and logs of rationals written over primes); a constant off by 10^-30 is not."""
    from derive.io import read_proof_text
    from derive.kernel import check_proof
    from derive.provers.certificate_search import default_oracle

    proof = read_proof_text('[proof]\nname = "c"\n\n[variables]\nrandom = ["X", "Y"]\n\n'
                            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\n')
    got = check_proof(proof, oracle=default_oracle()).steps[0].status
    assert got == status if status == "proved" else got != "proved"
