"""Counterexample search for claims the Shannon LP cannot prove (untrusted; every verdict certified).

Two families of concrete distributions, both satisfying the hypotheses *exactly*:

* **GF(2)-linear models.** ``k`` independent uniform bits ``b_1..b_k``; every
  variable is the XOR of a subset of them (the empty subset: a constant). The
  entropy of a set of variables is the rank of their subsets over GF(2), in bits —
  an exact integer, so hypothesis equalities and the claim are decided exactly.
  These catch the usual false "Shannon" claims (reversed subadditivity, reversed
  data processing, XOR-type dependence).
  A claim with a positive constant (``H(X) <= 1``) is tried on ``t`` independent
  copies of a model (every entropy times ``t``, still exact integers). Last, when
  nothing else refutes the claim, some variables are *pairs* of such XORs
  (``W = (b1, b2)``: the entropy of a set is the rank of all its members' subsets),
  which realize counterexamples that need a variable to hold two independent bits.
* **Random binary pmfs** (no hypotheses, few variables): exact rational pmfs,
  screened in float64 (numpy) and then *certified* with interval arithmetic
  (python-flint ``arb``): a candidate counts only when the upper end of the
  enclosure of its slack is strictly below 0.

Every counterexample goes through :func:`certified_slack` (one function, exact or
interval) and carries ``"certified": true``, ``"method"`` (``"exact"`` or
``"interval"``) and ``"slack_enclosure"``. A candidate that cannot be certified is
not a counterexample: a slack of ``-1.1e-16`` from rounding (``H(X | Y) <= H(X)``
with X, Y independent has slack exactly 0) is never reported.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import sympy

from derive.core.hypotheses import (IID, FunctionOf, Hypothesis, Independent, Markov, MarkovFamily,
                                    MutuallyIndependent)
from derive.core.linear import LinearForm, linear_form
from derive.core.quantities import H
from derive.core.statements import Statement
from derive.core.variables import FamilyMember, FamilyRange
from derive.numeric.certify import CertifiedValue, certified_value, certify, entropy_from_counts
from derive.numeric.exact import float_near

__all__ = ["search_counterexample", "gf2_rank", "certified_slack", "pmf_entropy", "is_certified",
           "hypotheses_are_their_equalities", "constant_model_satisfies", "variables_apart"]

#: A float64 slack below ``-SCREEN`` makes a random pmf a candidate (certification decides).
SCREEN = 1e-12


def gf2_rank(vectors: list[int]) -> int:
    """Rank over GF(2) of bit vectors given as ints."""
    basis: list[int] = []
    for v in vectors:
        for b in basis:
            v = min(v, v ^ b)
        if v:
            basis.append(v)
    return len(basis)


def variables_apart(items: list) -> bool:
    """Whether the models may read ``items`` as distinct variables, whatever values their symbols take: members of
    one family at indices whose difference is a non-zero number (``X[n]``, ``X[n + 1]``), and a block with a
    symbolic end (``X[1..n]``) only alone in its family and provably non-empty. ``X[n]`` next to ``X[2]`` may *be*
    ``X[2]``; a model making them two variables would satisfy a hypothesis about ``X[n]`` that says something about
    ``X[2]`` at ``n = 2`` without keeping it, and refute a claim true for every ``n``."""
    by_family: dict[str, list] = {}
    for it in items:
        if isinstance(it, (FamilyMember, FamilyRange)):
            by_family.setdefault(it.family, []).append(it)
    for members in by_family.values():
        for it in members:
            if isinstance(it, FamilyRange) and (len(members) > 1 or sympy.expand(it.hi - it.lo + 1).is_positive
                                                is not True):
                return False
        for a, b in itertools.combinations(members, 2):
            d = sympy.expand(a.index - b.index)
            if not (d.is_Number and d != 0):
                return False
    return True


def hypotheses_are_their_equalities(hyps: dict[str, Hypothesis]) -> bool:
    """Whether every hypothesis means *exactly* that its ``equalities()`` vanish (conditional independences,
    Markov chains, functional dependence), so that a model on which the equalities hold satisfies it.

    Not so for a channel (a conditional law), i.i.d. (identical laws), a copy, an ``assume`` statement, or a
    Markov chain through a family of unknown length (no equalities at all): with any of these the search
    would find models that violate the hypothesis, so it is not run.
    """
    for h in hyps.values():
        if type(h) in (Markov, Independent, FunctionOf):
            continue
        if type(h) is MutuallyIndependent and h.family_range is None:
            continue
        if type(h) is MarkovFamily:
            try:
                h.instance()
            except Exception:  # noqa: BLE001 - no known length (or too long): its equalities say nothing
                return False
            continue
        return False
    return True


def constant_model_satisfies(hyps: dict[str, Hypothesis]) -> bool:
    """Whether the model where every variable is the same constant satisfies every hypothesis (independence,
    Markov, i.i.d. and functional hypotheses do; a channel or an ``assume`` statement need not)."""
    return all(type(h) in (Markov, MarkovFamily, Independent, MutuallyIndependent, IID, FunctionOf)
               for h in hyps.values())


def constant_counterexample(claim: Statement, slack: sympy.Expr) -> dict[str, Any]:
    """The all-constant model as a certified counterexample of ``claim``, whose slack there is the constant
    ``slack`` (every H and I is 0 when the variables are constant, every D and TV when the distributions are
    equal); the caller has decided exactly that ``slack`` refutes the claim."""
    from derive.core.notation import show
    from derive.core.quantities import TV, D

    equal = any(side.has(D, TV) for side in (claim.lhs, claim.rhs))
    text = show(slack) if isinstance(slack, sympy.Basic) else str(slack)
    shown = text
    if isinstance(slack, sympy.Expr) and not slack.is_Rational and _quick_to_evaluate(slack):
        shown = f"{text} ≈ {sympy.N(slack, 6)}"  # -993/1000 + h(9/20): its sign is not to be seen in the text
    return {"kind": "constant", "model": "all variables constant" + (", all distributions equal" if equal else ""),
            "slack": text, "certified": True, "method": "exact", "slack_enclosure": shown}


def _quick_to_evaluate(c: sympy.Expr) -> bool:
    """A constant made of modest rationals (numerators and denominators below 10^30), logs, ``h``, roots and
    powers with small exponents, and no ``exp``: sympy gives its value to 6 digits at once (``-exp(exp(exp(10)))``
    would take minutes and has more digits in its exponent than Python prints)."""
    return (not c.has(sympy.exp) and all(abs(r.p) < 10 ** 30 and r.q < 10 ** 30 for r in c.atoms(sympy.Rational))
            and all(p.exp.is_Rational and abs(p.exp) <= 64 for p in c.atoms(sympy.Pow)))


def _frac(c: sympy.Expr) -> Fraction:
    return Fraction(int(c.p), int(c.q))


def _joint_items(forms: list[LinearForm]) -> list | None:
    items: dict = {}
    for f in forms:
        for atom, c in f.terms.items():
            if not (isinstance(atom, H) and not atom.given) or not c.is_Rational:
                return None
            for it in atom.target.args:
                items.setdefault(it, None)
        if not f.const.is_Rational:
            return None
    return sorted(items, key=sympy.default_sort_key)


def certified_slack(form: LinearForm, entropy: Callable[[tuple], Any], equality: bool = False) -> CertifiedValue | None:
    """The slack ``form`` (rational coefficients over joint entropies; ``-|form|`` for an equality) on a
    model, when it is *certainly* negative; else ``None``. Every ``false`` of the prover goes through here.

    ``entropy(members)`` returns the joint entropy of the members in bits: an ``int``/``Fraction`` (exact,
    e.g. a GF(2) rank) or an ``arb`` ball computed at the current precision (:func:`pmf_entropy`).
    """
    if not form.const.is_Rational or any(not c.is_Rational for c in form.terms.values()):
        return None
    terms = [(_frac(c), atom.target.args) for atom, c in form.terms.items()]
    def compute() -> CertifiedValue:
        v = certified_value(_frac(form.const), terms, entropy)
        return v.negated_abs() if equality else v

    return certify(compute, "negative")


def is_certified(cex: dict | None) -> bool:
    """Whether a counterexample dict carries a certified violation."""
    return isinstance(cex, dict) and cex.get("certified") is True and cex.get("method") in ("exact", "interval")


def _certified_fields(v: CertifiedValue) -> dict:
    return {"certified": True, "method": v.method, "slack_enclosure": v.text()}


def _value(form: LinearForm, entropy) -> Fraction:
    total = _frac(form.const)
    for atom, c in form.terms.items():
        total += _frac(c) * entropy(atom.target.args)
    return total


def _integer_form(form: LinearForm) -> tuple[int, list[tuple[int, tuple]]]:
    """``form`` times the positive common denominator of its rational coefficients, as integers."""
    fracs = [(_frac(c), atom.target.args) for atom, c in form.terms.items()]
    const = _frac(form.const)
    den = math.lcm(const.denominator, *[f.denominator for f, _ in fracs])
    return int(const * den), [(int(f * den), members) for f, members in fracs]


def _integer_value(form: tuple[int, list[tuple[int, tuple]]], assign: dict, single_bits: bool = False) -> int:
    """The scaled form's value on a GF(2)-linear model (same sign as the form's value). With ``single_bits`` (every
    variable 0 or one source bit, as in the sparse models) a set's rank is the number of distinct bits."""
    const, terms = form
    if single_bits:
        total = const
        for c, members in terms:
            m = 0
            for v in members:
                m |= assign[v]
            total += c * m.bit_count()
        return total
    return const + sum(c * gf2_rank(_vectors(assign, members)) for c, members in terms)


def _vectors(assign: dict, members) -> list[int]:
    """The GF(2) vectors of ``members`` in a model: one per variable (an ``int``), or each of a variable's pair
    (a ``tuple`` of ints: the variable is that pair of XORs)."""
    out: list[int] = []
    for m in members:
        v = assign[m]
        out.extend(v) if isinstance(v, tuple) else out.append(v)
    return out


def _side_forms(claim: Statement, slack: LinearForm) -> tuple[LinearForm, LinearForm]:
    """The linear forms of both sides, the one with more terms derived from the other and ``slack``
    (``lhs − rhs`` for ``>=``, else ``rhs − lhs``): expanding a long side costs as much as the slack did."""
    sign = 1 if claim.rel == ">=" else -1  # slack = sign * (lhs - rhs)
    if len(sympy.Add.make_args(claim.lhs)) <= len(sympy.Add.make_args(claim.rhs)):
        lhs = linear_form(claim.lhs)
        return lhs, (lhs - slack if sign == 1 else lhs + slack)
    rhs = linear_form(claim.rhs)
    return (rhs + slack if sign == 1 else rhs - slack), rhs


def search_counterexample(claim: Statement, hypotheses: dict[str, Hypothesis] | None = None, *, seed: int = 0,
                          tries: int = 3000, max_sources: int = 5, pmf: bool = True,
                          equalities: list[sympy.Expr] | None = None,
                          at_least_zero: list[sympy.Expr] | None = None, variety: bool = False) -> dict[str, Any] | None:
    """A concrete model (satisfying every hypothesis exactly) on which ``claim`` is *certainly* false, or ``None``.

    Only claims in bits with rational coefficients over entropies are searched, and only under hypotheses that
    mean exactly their equalities (:func:`hypotheses_are_their_equalities`). GF(2)-linear models first; then,
    with ``pmf`` and no hypotheses on at most 6 variables, random binary pmfs (slower: the prover runs them only
    after its LPs fail). ``equalities``: every hypothesis's ``equalities()`` in order, when the caller has them;
    ``at_least_zero``: homogeneous expressions the model must also keep ``>= 0`` (a step's premise inequalities; with
    them, or with premise equalities among ``equalities``, no random pmf is tried). ``variety``: last, exact laws
    fine-tuned on the variety of the hypotheses' independences
    (:func:`derive.provers.refute_variety.variety_counterexample`; not with premise statements, which they need not
    keep).
    """
    hyps = hypotheses or {}
    if not hypotheses_are_their_equalities(hyps):
        return None  # a model of the equalities need not satisfy the hypotheses: no sound search
    slack = linear_form(claim.slack())
    if equalities is None:
        equalities = [e for h in hyps.values() for e in h.equalities()]
    eqs = [linear_form(e) for e in equalities]
    ineqs = [linear_form(e) for e in at_least_zero or ()]
    items = _joint_items([slack] + eqs + ineqs)
    if items == []:  # a claim about no variable: its constant is its slack on every model
        c = slack.const
        false = c.is_Rational and (c < 0 or (claim.is_equality and c != 0))
        return constant_counterexample(claim, c) if false and constant_model_satisfies(hyps) else None
    if items is None or not variables_apart(items):
        return None
    rng = random.Random(seed)
    slack_int = _integer_form(slack)
    eqs_int = [_integer_form(q) for q in eqs]
    ineqs_int = [_integer_form(q) for q in ineqs]
    sparse = _sparse_models(items, rng)
    screened = _screen_single_bit_models(items, sparse, slack_int, eqs_int, claim.is_equality)
    for t in itertools.chain(screened, range(len(sparse), len(sparse) + tries)):
        if t < len(sparse):
            assign = sparse[t]
            k = max(1, max(assign.values()).bit_length())
        else:
            k = 1 + (t - len(sparse)) % max_sources
            assign = {it: (0 if rng.random() < 0.15 else rng.randrange(1, 1 << k)) for it in items}
        found = _gf2_counterexample(claim, slack, assign, k, slack_int, eqs_int, ineqs_int)
        if found is not None:
            return found
    if pmf and not hyps and not eqs and not ineqs and len(items) <= 6:
        found = _random_pmf_search(claim, items, rng)
        if found is not None:
            return found
    if tries and len(items) >= 2:  # last: some variables pairs of XORs (W = (b1, b2)), from a seed of their own
        pairs = random.Random(seed + 1)
        for t in range(tries // 2):
            k = 2 + t % (max_sources - 1)

            def one() -> int:
                return 0 if pairs.random() < 0.15 else pairs.randrange(1, 1 << k)

            scalar = {it: one() for it in items}
            assign = dict(scalar)
            for it in pairs.sample(items, pairs.randint(1, min(2, len(items)))):  # each the pair of two others
                others = [o for o in items if o != it]
                assign[it] = tuple(scalar[pairs.choice(others)] if pairs.random() < 0.7 else one() for _ in "uv")
            found = _gf2_counterexample(claim, slack, assign, k, slack_int, eqs_int, ineqs_int)
            if found is not None:
                return found
    # the laws keep the hypotheses' independences only: not with premise equalities or inequalities to keep too
    if variety and not ineqs and len(eqs) == sum(len(h.equalities()) for h in hyps.values()):
        from derive.provers.refute_variety import variety_counterexample

        return variety_counterexample(claim, hyps, seed=seed)
    return None


def _gf2_counterexample(claim: Statement, slack: LinearForm, assign: dict, k: int, slack_int: tuple,
                        eqs_int: list, ineqs_int: list) -> dict[str, Any] | None:
    """The GF(2) model ``assign`` (each variable an int, the XOR of the bits it sets among ``k`` uniform bits, or a
    tuple of such, the pair of them) as a certified counterexample of ``claim`` when it is one (the scaled slack
    ``slack_int`` violated, every scaled equality ``eqs_int`` zero and ``ineqs_int`` non-negative); else ``None``."""

    def entropy(members, assign=assign) -> int:
        return gf2_rank(_vectors(assign, members))

    # screened in integers (ranks are integers; the forms scaled by a positive common denominator)
    single = all(isinstance(m, int) and m & (m - 1) == 0 for m in assign.values())
    v = _integer_value(slack_int, assign, single)
    copies = 1
    if v >= 0 and not claim.is_equality and v - slack_int[0] < 0 <= slack_int[0]:
        # a positive constant c (H(X) <= 1): t independent copies of the model scale every entropy by t, keep
        # every hypothesis (its equalities are homogeneous) and make the slack c + t*(v - c) < 0
        copies = slack_int[0] // (slack_int[0] - v) + 1

        def entropy(members, assign=assign, copies=copies) -> int:
            return copies * gf2_rank(_vectors(assign, members))

        v = slack_int[0] + copies * (v - slack_int[0])
    if not ((v < 0 or (claim.is_equality and v != 0)) and all(_integer_value(q, assign, single) == 0 for q in eqs_int)
            and all(_integer_value(q, assign, single) >= 0 for q in ineqs_int)):
        return None
    cert = certified_slack(slack, entropy, claim.is_equality)
    if cert is None:  # pragma: no cover - an exact rank evaluation is always certain
        return None
    # the sides' own variables too: an atom cancelling in the slack (I(X; Y) <= I(X; Y) - H(Z)) is still
    # printed per side (a variable only there is constant in the model)
    lhs_form, rhs_form = _side_forms(claim, slack)
    for it in _joint_items([lhs_form, rhs_form]) or []:
        assign.setdefault(it, 0)  # in place: ``entropy`` reads this dict
    shown = sorted(assign, key=sympy.default_sort_key)
    lhs, rhs = _value(lhs_form, entropy), _value(rhs_form, entropy)
    pair = any(isinstance(m, tuple) for m in assign.values())
    return {
        "kind": "gf2-linear",
        "sources": k,
        "model": {str(it): _describe(assign[it]) for it in shown},
        "lhs": str(lhs), "rhs": str(rhs), "slack": cert.text(),
        **_certified_fields(cert),
        "units": "bits",
        "note": ("b1 a uniform bit" if k == 1 else f"b1..b{k} independent uniform bits")
                + "; each variable is the XOR of the listed bits"
                + ("; a variable (u, v) is the pair of the two XORs" if pair else "")
                + (f"; {copies} independent copies of this model (each variable a vector of {copies} such "
                   f"values, every entropy times {copies})" if copies > 1 else ""),
        **({"copies": copies} if copies > 1 else {}),
    }


def _screen_single_bit_models(items: list, models: list[dict], slack: tuple[int, list], eqs: list[tuple[int, list]],
                              equality: bool) -> list[int]:
    """Indices (in order) of the models, each variable 0 or one source bit, on which the scaled slack may be
    violated (negative, non-zero for an equality, or negative after copies when its constant is positive) while every
    scaled equality vanishes, computed for all models at once with numpy: on such a model the rank of a set is the
    number of distinct bits among its members, the popcount of their OR. A superset of the models the exact loop of
    :func:`search_counterexample` accepts (it re-decides each). Every index when the integers could overflow."""
    everything = list(range(len(models)))
    terms = [members for _, ts in [slack, *eqs] for _, members in ts]
    if not models or not terms or len(items) > 62:
        return everything
    index = {it: i for i, it in enumerate(items)}
    masks = sorted({sum(1 << index[m] for m in members) for members in terms})
    col = {m: j for j, m in enumerate(masks)}
    bound = max(abs(c) for _, ts in [slack, *eqs] for c, _ in ts) * len(items) * len(masks) + abs(slack[0])
    if bound >= 2 ** 62:
        return everything
    member = (np.array(masks, dtype=np.int64)[:, None] >> np.arange(len(items), dtype=np.int64)) & 1  # set × var
    values = np.array([[a[it] for it in items] for a in models], dtype=np.int64)  # model × var: 0 or 2^k
    ored = np.bitwise_or.reduce(values[:, None, :] * member[None, :, :], axis=2)  # model × set
    ranks = _popcount(ored)

    def coefficients(form: tuple[int, list]) -> np.ndarray:
        out = np.zeros(len(masks), dtype=np.int64)
        for c, members in form[1]:
            out[col[sum(1 << index[m] for m in members)]] += c
        return out

    const = slack[0]
    v = const + ranks @ coefficients(slack)
    hit = (v < 0) | ((v != 0) if equality else ((v - const < 0) & (const >= 0)))
    for q in eqs:
        hit &= (q[0] + ranks @ coefficients(q)) == 0
    return [int(t) for t in np.flatnonzero(hit)]


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits of each non-negative ``int64``."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(x).astype(np.int64)
    out = np.zeros_like(x)
    while np.any(x):
        out += x & 1
        x = x >> 1
    return out


def _sparse_models(items: list, rng: random.Random, draws: int = 24) -> list[dict]:
    """GF(2) models that product-form hypotheses (mutual independence, independent blocks) admit but the dense
    sampler almost never draws: one variable a fresh bit and all others constant, two variables equal to one
    fresh bit and the others constant (each elemental inequality ``I(X_i; X_j | X_K) >= 0`` is strict there, so the
    reverse of any non-zero non-negative combination of them fails on one of these), every variable its own fresh
    bit, and random subsets of fresh bits (the rest constant)."""
    n = len(items)
    models = [{it: (1 if i == j else 0) for i, it in enumerate(items)} for j in range(n)]
    models += [{it: (1 if i in (j, k) else 0) for i, it in enumerate(items)} for j in range(n) for k in range(j + 1, n)]
    models.append({it: 1 << i for i, it in enumerate(items)})
    for _ in range(draws):
        models.append({it: (1 << i if rng.random() < 0.5 else 0) for i, it in enumerate(items)})
    return models


#: Largest joint table :func:`joint_of_counterexample` writes out (cells).
MAX_JOINT_CELLS = 1 << 16


def joint_of_counterexample(cex: dict) -> dict | None:
    """The exact joint pmf of a counterexample's model as a table (``{"names", "alphabet_sizes", "exact", "table"}``
    with ``"p/q"`` entries, the format ``derive verify`` prints and ``derive eval --model-file`` reads), or ``None``
    when it has more than :data:`MAX_JOINT_CELLS` cells. A GF(2) model with ``k`` source bits and ``t`` copies: every
    variable a vector of ``t`` XORs of the bits (alphabet ``2^t``, value ``sum_c bit_c 2^c``), each of the ``2^(kt)``
    outcomes of the bits with probability ``2^-(kt)``; a pair of XORs ``(u, v)`` has alphabet ``4^t`` (value bit
    ``2c`` is ``u``, bit ``2c + 1`` is ``v`` of copy ``c``); a random pmf: its binary table; all-constant: one cell."""
    if cex.get("kind") == "constant":
        return None
    if cex.get("kind") == "pmf":
        names, n = list(cex["variables"]), len(cex["variables"])
        table = np.full((2,) * n, Fraction(0), dtype=object)
        for outcome, p in cex["pmf"].items():
            table[tuple(int(b) for b in outcome)] = Fraction(p)
        sizes = [2] * n
    elif cex.get("kind") == "gf2-linear":
        names = list(cex["model"])
        k, t = int(cex["sources"]), int(cex.get("copies", 1))
        vectors = [_masks_of_description(d) for d in cex["model"].values()]
        sizes = [1 << (t * len(v)) for v in vectors]
        if math.prod(sizes) > MAX_JOINT_CELLS or k * t > 16:
            return None
        table = np.full(tuple(sizes), Fraction(0), dtype=object)
        weight = Fraction(1, 1 << (k * t))
        for outcome in range(1 << (k * t)):  # copy c reads bits c*k .. c*k + k - 1; value bit c*len(v) + j: m_j
            cell = tuple(sum((bin(m & (outcome >> (c * k))).count("1") & 1) << (c * len(v) + j)
                             for c in range(t) for j, m in enumerate(v)) for v in vectors)
            table[cell] += weight
    else:
        return None
    return {"names": names, "alphabet_sizes": sizes, "exact": True,
            "table": np.vectorize(lambda x: str(Fraction(x)), otypes=[object])(table).tolist()}


def _describe(mask: int | tuple) -> str:
    """``b1 xor b3`` (``constant`` for no bit); a pair of XORs as ``(b1, b2 xor b3)``."""
    if isinstance(mask, tuple):
        return "(" + ", ".join(_describe(m).replace("constant", "0") for m in mask) + ")"
    bits = [f"b{k + 1}" for k in range(mask.bit_length()) if mask >> k & 1]
    return " xor ".join(bits) if bits else "constant"


def _masks_of_description(text: str) -> list[int]:
    """The GF(2) vectors of one variable from :func:`_describe`'s text: ``b1 xor b3`` -> ``[0b101]``,
    ``(b1, b2)`` -> ``[0b1, 0b10]``, ``constant`` -> ``[0]``."""
    parts = text[1:-1].split(", ") if text.startswith("(") else [text]
    return [0 if d in ("constant", "0") else sum(1 << (int(b[1:]) - 1) for b in d.split(" xor ")) for d in parts]


def pmf_entropy(weights: list[int], n: int, positions: tuple[int, ...]) -> Any:
    """Enclosure (arb, bits) of the joint entropy of the variables at ``positions`` of the binary pmf
    ``weights[o] / sum(weights)`` over outcomes ``o`` (bit ``i`` of ``o`` is variable ``i``)."""
    marg: dict[int, int] = {}
    for o, w in enumerate(weights):
        if w:
            key = 0
            for j, i in enumerate(positions):
                key |= (o >> i & 1) << j
            marg[key] = marg.get(key, 0) + w
    return entropy_from_counts(marg.values(), sum(weights), 2)


def _float_entropies(p: np.ndarray, n: int, subsets: list[tuple[int, ...]]) -> dict[tuple[int, ...], float]:
    table = p.reshape((2,) * n)  # axis n-1-i is variable i (outcome bit i)
    out = {}
    for s in subsets:
        keep = {n - 1 - i for i in s}
        drop = tuple(a for a in range(n) if a not in keep)
        m = table.sum(axis=drop) if drop else table
        m = m[m > 0]
        out[s] = float(-(m * np.log2(m)).sum())
    return out


def _random_pmf_search(claim: Statement, items: list, rng: random.Random, tries: int = 300) -> dict | None:
    """Random rational binary pmfs, dense and sparse (a few atoms): screened in float64, returned only when
    certified by :func:`certified_slack`."""
    n = len(items)
    index = {it: i for i, it in enumerate(items)}
    slack = linear_form(claim.slack())
    terms = [(float_near(_frac(c)), tuple(sorted(index[m] for m in atom.target.args)))
             for atom, c in slack.terms.items()]
    const = float_near(_frac(slack.const))
    subsets = sorted({s for _, s in terms})
    for t in range(tries):
        if t % 2:  # sparse: a few atoms with small weights (Ingleton's violations live there)
            weights = [0] * (1 << n)
            for cell in rng.sample(range(1 << n), min(1 << n, rng.randint(2, 2 * n))):
                weights[cell] = rng.choice([1, 1, 2, 3])
        else:
            weights = [rng.choice([0, 1, 1, 2, 3, 5, 8]) for _ in range(1 << n)]
        total = sum(weights)
        if total == 0:
            continue
        p = np.array(weights, dtype=float) / total
        ents = _float_entropies(p, n, subsets)
        v = const + sum(c * ents[s] for c, s in terms)
        if not (v < -SCREEN or (claim.is_equality and abs(v) > SCREEN)):
            continue
        found = pmf_counterexample(claim, slack, items, weights)
        if found is not None:
            return found
    return None


def pmf_counterexample(claim: Statement, slack: LinearForm, items: list, weights: list[int],
                       note: str = "binary alphabets; outcome strings list the variables' values in order") -> dict | None:
    """The binary pmf ``weights[o] / sum(weights)`` (bit ``i`` of outcome ``o`` is ``items[i]``) as a certified
    counterexample of ``claim`` (``slack`` its slack's linear form) when :func:`certified_slack` certifies the
    violation; else ``None`` (a rounding artefact, or too close to call)."""
    n, total = len(items), sum(weights)
    index = {it: i for i, it in enumerate(items)}

    def entropy(members):
        return pmf_entropy(weights, n, tuple(sorted(index[m] for m in members)))

    cert = certified_slack(slack, entropy, claim.is_equality)
    if cert is None:
        return None
    return {
        "kind": "pmf",
        "variables": [str(it) for it in items],
        "pmf": {format(o, f"0{n}b")[::-1]: str(Fraction(w, total)) for o, w in enumerate(weights) if w},
        "slack": cert.interval.str(20, radius=False) if cert.exact is None else str(cert.exact),
        **_certified_fields(cert),
        "units": "bits",
        "note": note,
    }
