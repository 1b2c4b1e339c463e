"""Random proof files and an independent semantic oracle (``derive audit --generate N``).

:func:`generate_case` draws one proof file (TOML *text*, read back with :func:`derive.io.read_proof_text`)
from a *draw* object — :class:`RandomDraw` (a seeded :class:`random.Random`, for ``--seed``) or
:class:`HypothesisDraw` (hypothesis's ``draw``, for shrinking; see :func:`cases`). Every case is one
*scenario* (a Markov chain through channels, a family of samples, a chain through a family, a memoryless
channel between blocks, an AWGN link, Fano, Pinsker, independence, parameter-only facts, parameter-only claims
with kinks, two parameters and monotone functions around their thresholds) with steps of every
rule whose claims are mostly *plausible mutations* of true statements (a coefficient scaled, a relation
flipped, conditioning dropped or added, a range shifted or reversed), and parameters, names and ranges
drawn on purpose from the edge cases (domains holding 0 or negatives, reals where integers are expected,
empty and reversed ranges, index shifts past the end, names of internal symbols and sympy functions).

Every case carries the *meaning* of what it wrote: each step's statement as a tree of
:mod:`derive.audit.semantics` and a model builder that draws concrete models of the hypotheses (exact
rational pmfs built from the hypotheses — chains of random channels, products, channel matrices,
deterministic maps — or jointly Gaussian models for AWGN). :func:`audit_case` runs the file through
:func:`derive.checking.check`, and tests every step the kernel labels ``proved`` or ``assumed`` on those
models with the independent evaluator. A certified violation is a **false accept**.
"""

from __future__ import annotations

from derive.errors import NoModel

import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from derive.audit.semantics import (
    N, P, Dq, GaussianModel, Hq, Iq, Model, Sum, TVq, add, b, channel_matrix, div, evaluate_statement, fn,
    joint_from_bayes_net, m, mul, neg, pw, render, render_statement, sub, v,
)

__all__ = ["RandomDraw", "HypothesisDraw", "Case", "GenStep", "generate_case", "cases", "audit_case",
           "CaseResult", "run_generated", "GeneratedReport", "RULES", "CATEGORIES", "minimize"]

#: Every rule the generator writes steps for.
RULES = ("shannon", "linear", "dpi", "sdpi", "sdpi_chain", "chain_rule", "superadditivity", "subadditivity",
         "tensorization", "fano", "pinsker", "real", "monotone", "substitute")

#: Edge-case categories the generator covers on purpose (tags on each case).
CATEGORIES = ("domain_zero", "domain_negative", "real_for_integer", "empty_range", "reversed_range", "index_shift",
              "name_collision", "concrete_family", "symbolic_family", "channel_BSC", "channel_BEC", "channel_Z",
              "channel_QSC", "channel_AWGN", "channel_matrix", "channel_block", "channel_conditioned",
              "contradictory", "mutated_claim", "real_limits")

#: Parameter names that collide with symbols the kernel, core or sympy may create or know.
COLLIDING_NAMES = ("t", "_t", "_k0", "__m0", "i", "k", "j", "n", "sin", "gamma", "beta", "zeta", "E", "pi", "Sum",
                   "x", "_i", "_n", "Dummy", "lamda", "nu", "oo")


# ----------------------------------------------------------------------------- draws

class RandomDraw:
    """Choices from a seeded :class:`random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, seq):
        seq = list(seq)
        return seq[self.rng.randrange(len(seq))]

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def coin(self, p: float = 0.5) -> bool:
        return self.rng.random() < p


class HypothesisDraw:
    """Choices from hypothesis's ``draw`` (shrinks towards the first option, the smallest integer, False)."""

    def __init__(self, draw) -> None:
        from hypothesis import strategies as st

        self.draw, self.st = draw, st

    def choice(self, seq):
        return self.draw(self.st.sampled_from(list(seq)))

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi))

    def coin(self, p: float = 0.5) -> bool:
        return self.draw(self.st.integers(0, 999)) >= 1000 * (1 - p)


# ----------------------------------------------------------------------------- parameters

@dataclass
class Domain:
    """A parameter domain: its text and the values a model may take (edges first)."""

    text: str
    edges: tuple[Fraction, ...]
    lo: Fraction | None = None
    hi: Fraction | None = None
    integer: bool = False
    tags: tuple[str, ...] = ()

    def sample(self, rng: random.Random) -> Fraction:
        if rng.random() < 0.4 and self.edges:
            return rng.choice(self.edges)
        if self.integer:
            lo = int(self.lo) if self.lo is not None else -1
            hi = int(self.hi) if self.hi is not None else lo + 3
            return Fraction(rng.randint(lo, hi))
        lo = self.lo if self.lo is not None else Fraction(-2)
        hi = self.hi if self.hi is not None else lo + 3
        return lo + (hi - lo) * Fraction(rng.randint(0, 24), 24)


def _F(x, d=1) -> Fraction:
    return Fraction(x, d)


#: Probability-like domains (channel parameters).
PROB_DOMAINS = {
    "half": lambda x: Domain(f"0 <= {x} <= 1/2", (_F(0), _F(1, 2)), _F(0), _F(1, 2), tags=("domain_zero",)),
    "unit": lambda x: Domain(f"0 <= {x} <= 1", (_F(0), _F(1)), _F(0), _F(1), tags=("domain_zero",)),
    "open": lambda x: Domain(f"0 < {x} < 1/2", (_F(1, 100), _F(49, 100)), _F(1, 100), _F(49, 100)),
    "signed": lambda x: Domain(f"-1/2 <= {x} <= 1/2", (_F(-1, 2), _F(0), _F(1, 2)), _F(-1, 2), _F(1, 2),
                               tags=("domain_negative", "domain_zero")),
    "nonneg": lambda x: Domain(f"{x} >= 0", (_F(0), _F(1, 2), _F(1)), _F(0), _F(2), tags=("domain_zero",)),
}

#: Integer-like domains (family lengths, indices).
INT_DOMAINS = {
    "ge1": lambda x: Domain("integer >= 1", (_F(1), _F(2)), _F(1), _F(3), True),
    "ge0": lambda x: Domain("integer >= 0", (_F(0), _F(1)), _F(0), _F(3), True, ("domain_zero",)),
    "ge2": lambda x: Domain("integer >= 2", (_F(2),), _F(2), _F(3), True),
    "range": lambda x: Domain(f"1 <= {x} <= 3, integer", (_F(1), _F(3)), _F(1), _F(3), True),
    "any": lambda x: Domain("integer", (_F(-1), _F(0), _F(1)), _F(-1), _F(3), True,
                            ("domain_negative", "domain_zero")),
    "real": lambda x: Domain(f"{x} >= 1", (_F(1), _F(3, 2), _F(2)), _F(1), _F(3), False, ("real_for_integer",)),
}


# ----------------------------------------------------------------------------- cases

@dataclass
class GenStep:
    """A generated step: its id, rule, statement tree and whether it was mutated from a true template."""

    id: str
    rule: str
    statement: tuple
    uses: list[str] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)
    mutated: str = ""


@dataclass
class Case:
    """A generated proof file with its meaning: steps as trees and a builder of models of its hypotheses."""

    scenario: str
    params: dict[str, Domain]
    random: list[str]
    families: dict[str, tuple[Any, Any]]          # name -> (lo tree, hi tree)
    hypotheses: list[tuple[str, str, str]]         # (id, key, text)
    steps: list[GenStep]
    build: Callable[[dict, random.Random], Any]    # params -> model (raise NoModel when none)
    tags: set[str] = field(default_factory=set)
    units: str = "bits"
    distributions: list[str] = field(default_factory=list)
    continuous: list[str] = field(default_factory=list)
    assumes: dict[str, tuple] = field(default_factory=dict)   # assume hypothesis id -> statement tree
    name: str = "generated"
    theorem: GenStep | None = None

    def all_steps(self) -> list[GenStep]:
        return self.steps + ([self.theorem] if self.theorem else [])

    def text(self, steps: list[GenStep] | None = None, hypotheses: list | None = None,
             theorem: bool = True) -> str:
        steps = self.steps if steps is None else steps
        hyps = self.hypotheses if hypotheses is None else hypotheses
        out = ["[proof]", f'name = "{self.name}"']
        if self.units != "bits":
            out.append(f'units = "{self.units}"')
        if self.params:
            out.append("[parameters]")
            out += [f'{k} = "{d.text}"' for k, d in self.params.items()]
        out.append("[variables]")
        if self.random:
            out.append("random = [" + ", ".join(f'"{x}"' for x in self.random) + "]")
        if self.families:
            fam = ", ".join(f'{k} = "{_idx(lo)}..{_idx(hi)}"' for k, (lo, hi) in self.families.items())
            out.append("families = { " + fam + " }")
        if self.distributions:
            out.append("distributions = [" + ", ".join(f'"{x}"' for x in self.distributions) + "]")
        if self.continuous:
            out.append("continuous = [" + ", ".join(f'"{x}"' for x in self.continuous) + "]")
        for hid, key, text in hyps:
            out += ["[[hypothesis]]", f'id = "{hid}"', f'{key} = "{text}"']
            if key == "assume":
                out.append('cite = "generated assumption"')
        for s in steps:
            out += ["[[step]]", f'id = "{s.id}"', f'claim = "{render_statement(s.statement)}"', f'rule = "{s.rule}"']
            if s.uses:
                out.append("uses = [" + ", ".join(f'"{u}"' for u in s.uses) + "]")
            out += [f'{k} = {x}' if k in ("certificate", "nonneg") else f'{k} = "{x}"' for k, x in s.args.items()]
        if theorem and self.theorem is not None:
            out += ["[theorem]", f'claim = "{render_statement(self.theorem.statement)}"',
                    "from = [" + ", ".join(f'"{u}"' for u in self.theorem.uses) + "]"]
        return "\n".join(out) + "\n"


def _idx(e) -> str:
    t = render(e)
    return t[1:-1] if t.startswith("(") and e[0] in ("+", "-") else t





# ----------------------------------------------------------------------------- mutations

def _paths(e, pred, path=()):
    if isinstance(e, tuple) and e and isinstance(e[0], str):
        if pred(e):
            yield path
        for k, c in enumerate(e):
            if k == 0:
                continue
            if isinstance(c, tuple):
                if c and isinstance(c[0], str):
                    yield from _paths(c, pred, path + (k,))
                else:
                    for j, cc in enumerate(c):
                        if isinstance(cc, tuple):
                            yield from _paths(cc, pred, path + (k, j))


def _get(e, path):
    for k in path:
        e = e[k]
    return e


def _set(e, path, new):
    if not path:
        return new
    k = path[0]
    lst = list(e)
    lst[k] = _set(e[k], path[1:], new)
    return tuple(lst)


_INFO = lambda e: e[0] in ("H", "I")  # noqa: E731


def mutate(st, draw) -> tuple[tuple, str]:
    """A plausible mutation of statement ``st`` (and its name)."""
    lhs, rel, rhs = st
    tree = ("stmt", lhs, rhs)
    ops = ["flip", "scale"]
    nums = list(_paths(tree, lambda e: e[0] == "n" and e[1] not in (0,)))
    if nums:
        ops.append("number")
    given = list(_paths(tree, lambda e: (e[0] == "H" and e[2]) or (e[0] == "I" and e[3])))
    if given:
        ops.append("drop_given")
    infos = list(_paths(tree, _INFO))
    if infos:
        ops.append("add_given")
    ranges = list(_paths(tree, lambda e: e[0] in ("b", "sum")))
    if ranges:
        ops += ["shift_range", "reverse_range"]
    members = list(_paths(tree, lambda e: e[0] == "m"))
    if members:
        ops.append("shift_member")
    names = sorted({_get(tree, p)[1] for p in _paths(tree, lambda e: e[0] == "v")})
    if len(names) >= 2:
        ops.append("swap_variables")
    op = draw.choice(ops)
    if op == "swap_variables":
        x = draw.choice(names)
        y = draw.choice([n for n in names if n != x])
        tree = _swap(tree, x, y)
        return (tree[1], rel, tree[2]), "swap_variables"
    if op == "flip":
        new_rel = {"<=": ">=", ">=": "<="}.get(rel) or draw.choice(["<=", ">="])
        return (lhs, new_rel, rhs), "flip"
    if op == "scale":
        c = N(draw.choice([Fraction(1, 2), Fraction(3, 4), Fraction(9, 10), Fraction(2), Fraction(-1)]))
        if rel == "<=" or (rel == "==" and draw.coin()):
            return (lhs, rel, mul(c, rhs)), "scale_rhs"
        return (mul(c, lhs), rel, rhs), "scale_lhs"
    if op == "number":
        path = draw.choice(nums)
        x = _get(tree, path)[1]
        new = draw.choice([x + 1, x - 1, x * 2, x / 2, -x])
        tree = _set(tree, path, N(new))
        return (tree[1], rel, tree[2]), "number"
    if op == "drop_given":
        path = draw.choice(given)
        e = _get(tree, path)
        e = (e[0], e[1], ()) if e[0] == "H" else (e[0], e[1], e[2], ())
        tree = _set(tree, path, e)
        return (tree[1], rel, tree[2]), "drop_given"
    if op == "add_given":
        path = draw.choice(infos)
        e = _get(tree, path)
        atoms = sorted({x for p in _paths(tree, lambda e: e[0] in ("v", "m")) for x in [_get(tree, p)]}, key=repr)
        extra = draw.choice(atoms) if atoms else v("W")
        e = (e[0], e[1], e[2] + (extra,)) if e[0] == "H" else (e[0], e[1], e[2], e[3] + (extra,))
        tree = _set(tree, path, e)
        return (tree[1], rel, tree[2]), "add_given"
    if op == "shift_range":
        path = draw.choice(ranges)
        e = _get(tree, path)
        d = N(draw.choice([1, -1]))
        if e[0] == "b":
            e = ("b", e[1], e[2], add(e[3], d)) if draw.coin() else ("b", e[1], add(e[2], d), e[3])
        else:
            e = ("sum", e[1], e[2], e[3], add(e[4], d)) if draw.coin() else ("sum", e[1], e[2], add(e[3], d), e[4])
        tree = _set(tree, path, e)
        return (tree[1], rel, tree[2]), "shift_range"
    if op == "reverse_range":
        path = draw.choice(ranges)
        e = _get(tree, path)
        e = ("b", e[1], e[3], e[2]) if e[0] == "b" else ("sum", e[1], e[2], e[4], e[3])
        tree = _set(tree, path, e)
        return (tree[1], rel, tree[2]), "reverse_range"
    path = draw.choice(members)
    e = _get(tree, path)
    e = ("m", e[1], add(e[2], N(draw.choice([1, -1]))))
    tree = _set(tree, path, e)
    return (tree[1], rel, tree[2]), "shift_member"


def _swap(e, x: str, y: str):
    if not isinstance(e, tuple):
        return e
    if e and e[0] == "v" and len(e) == 2 and e[1] in (x, y):
        return ("v", y if e[1] == x else x)
    return tuple(_swap(c, x, y) if isinstance(c, tuple) else c for c in e)


def maybe_mutate(st, draw, p: float = 0.6) -> tuple[tuple, str]:
    if draw.coin(p):
        return mutate(st, draw)
    return st, ""


# ----------------------------------------------------------------------------- model helpers

def _rand_row(rng: random.Random, size: int, zeros: bool = True) -> list[Fraction]:
    w = [rng.randint(0 if zeros else 1, 6) for _ in range(size)]
    if sum(w) == 0:
        w[rng.randrange(size)] = 1
    s = sum(w)
    return [Fraction(x, s) for x in w]


def _valid_channel(mat) -> bool:
    return all(all(x >= 0 for x in row) and sum(row) == 1 for row in mat)


def _channel_cpt(mat):
    return lambda pv: mat[pv[0]]


def _param_values(case: Case, rng: random.Random) -> dict[str, Fraction]:
    return {k: d.sample(rng) for k, d in case.params.items()}


def _int(x: Fraction) -> int:
    if x.denominator != 1:
        raise NoModel(f"a non-integer length {x}")
    return int(x)


# ----------------------------------------------------------------------------- channels

CHANNEL_KINDS = ("BSC", "BEC", "Z", "QSC", "matrix")


def _channel(draw, params: dict, pname: str, kind: str | None = None) -> tuple[str, Callable, str, tuple]:
    """A channel spec: (text, matrix(params), kind, eta candidates as (tree, true?)).

    The parameter ``pname`` is added to ``params`` (a Domain) unless the channel is concrete."""
    kind = kind or draw.choice(CHANNEL_KINDS)
    if kind == "matrix":
        rows = draw.choice([[["3/4", "1/4"], ["1/4", "3/4"]], [["9/10", "1/10"], ["1/5", "4/5"]],
                            [["1", "0"], ["1/2", "1/2"]], [["1/2", "1/2"], ["1/2", "1/2"]],
                            [["2/3", "1/3"], ["1/3", "2/3"]]])
        mat = [[Fraction(x) for x in r] for r in rows]
        text = "matrix([" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "])"
        tv = max(sum(abs(a - c) for a, c in zip(mat[0], mat[1])) / 2, Fraction(0))
        etas = [(N(tv), True), (N(tv * tv), False), (N(tv / 2), False), (N(1), True)]
        return text, (lambda pv: mat), kind, tuple(etas)
    concrete = draw.coin(0.3)
    if concrete:
        val = draw.choice([Fraction(1, 4), Fraction(1, 10), Fraction(0), Fraction(1, 2)])
        pt = N(val)
    else:
        dom = PROB_DOMAINS[draw.choice(list(PROB_DOMAINS))](pname)
        params[pname] = dom
        pt = P(pname)
    if kind == "BSC":
        text = f"BSC({render(pt)})"
        one_m2 = sub(N(1), mul(N(2), pt))
        etas = [(pw(one_m2, N(2)), True), (one_m2, False), (pw(one_m2, N(4)), False), (sub(N(1), pt), True)]
        return text, (lambda pv: channel_matrix("BSC", (_ev(pt, pv),))), kind, tuple(etas)
    if kind == "BEC":
        text = f"BEC({render(pt)})"
        etas = [(sub(N(1), pt), True), (pw(sub(N(1), pt), N(2)), False), (pt, False)]
        return text, (lambda pv: channel_matrix("BEC", (_ev(pt, pv),))), kind, tuple(etas)
    if kind == "Z":
        text = f"Z({render(pt)})"
        etas = [(sub(N(1), pt), True), (pw(sub(N(1), pt), N(2)), False), (mul(N(Fraction(1, 2)), sub(N(1), pt)), False)]
        return text, (lambda pv: channel_matrix("Z", (_ev(pt, pv),))), kind, tuple(etas)
    q = draw.choice([2, 3])
    text = f"QSC({q}, {render(pt)})"
    lin = sub(N(1), div(mul(N(q), pt), N(q - 1)))
    etas = [(pw(lin, N(2)), False), (abs_(lin), True), (N(1), True), (lin, False)]
    return text, (lambda pv: channel_matrix("QSC", (q, _ev(pt, pv)))), "QSC", tuple(etas)


def abs_(e):
    return fn("abs", e)


def _ev(e, pv) -> Fraction:
    return evaluate_exact(e, pv)


# ----------------------------------------------------------------------------- scenarios

def _pname(draw, default: str) -> str:
    if draw.coin(0.3):
        return draw.choice(COLLIDING_NAMES)
    return default


def _distinct(draw, defaults: list[str], used: set[str]) -> list[str]:
    out = []
    for d in defaults:
        name = _pname(draw, d)
        if name in used or name in out:
            name = d
        while name in used or name in out:
            name += "x"
        out.append(name)
    return out


def scenario_markov(draw) -> Case:
    """U -> X -> Y (-> Z), channels on the links; dpi, sdpi, shannon, linear, chain_rule, substitute, monotone."""
    tags: set[str] = set()
    params: dict[str, Domain] = {}
    cond = draw.coin(0.3)
    joint = cond and draw.coin(0.5)      # (U, W) -> X -> Y ...  rather than  W -> U -> X -> Y ...
    names = ["W", "U", "X", "Y", "Z"] if cond else ["U", "X", "Y", "Z"]
    pnames = _distinct(draw, ["delta", "eps"], set(names))
    if pnames != ["delta", "eps"]:
        tags.add("name_collision")
    k1, mat1, kind1, etas1 = _channel(draw, params, pnames[0])
    two = draw.coin(0.5)
    if two:
        k2, mat2, kind2, etas2 = _channel(draw, params, pnames[1])
        tags.add(f"channel_{kind2}")
    tags.add(f"channel_{kind1}")
    if cond:
        tags.add("channel_conditioned")
    chain = " -> ".join(names) if not joint else "(U, W) -> X -> Y -> Z"
    hyps = [("chain", "markov", chain), ("ch1", "channel", f"Y | X ~ {k1}")]
    if two:
        hyps.append(("ch2", "channel", f"Z | Y ~ {k2}"))
    contradictory = draw.coin(0.12)
    if contradictory:
        hyps.append(("det", "function_of", draw.choice(["Y = f(X)", "Z = f(Y)", "X = f(U)"])))
        tags.add("contradictory")
    U, X, Y, Z = v("U"), v("X"), v("Y"), v("Z")
    G = (v("W"),) if cond and draw.coin(0.6) else ()
    if draw.coin(0.1):
        G = (v("Z"),)           # conditioning on a later variable: data processing fails in general
        tags.add("channel_conditioned")
    free = draw.coin(0.12)      # a variable in no hypothesis (the model makes it a collider of U and Y)
    if free:
        names = names + ["V"]
        if draw.coin(0.7):
            G = (v("V"),)
            tags.add("channel_conditioned")
    steps: list[GenStep] = []
    K = draw.integer(3, 6)
    for s in range(K):
        sid = f"s{s}"
        rule = draw.choice(["dpi", "sdpi", "sdpi", "shannon", "linear", "linear", "chain_rule", "substitute", "monotone",
                            "real"])
        uses: list[str] = []
        args: dict[str, str] = {}
        if rule == "linear" and draw.coin(0.5):
            # scale a premise by a multiplier that may be negative; certificates and nonneg terms from the file
            base = GenStep(f"{sid}a", "dpi", (Iq([U], [Y]), "<=", Iq([U], [X])), ["chain"])
            steps.append(base)
            p0 = P(pnames[0]) if pnames[0] in params else N(Fraction(1, 4))
            c = draw.choice([p0, sub(N(1), mul(N(2), p0)), sub(p0, N(Fraction(1, 4))), N(2), pw(p0, N(2)),
                             fn("log", p0), fn("h", p0), sub(N(Fraction(1, 2)), p0)])
            st = (mul(c, Iq([U], [Y])), "<=", mul(c, Iq([U], [X])))
            uses = [base.id]
            if draw.coin(0.4):
                args["certificate"] = "{ " + f'{base.id} = "{render(c)}"' + " }"
            if draw.coin(0.4):
                q = draw.choice([sub(Iq([U], [X]), Iq([U], [Y])), sub(Hq([X]), N(1)), sub(N(1), Hq([Y])),
                                 Iq([U], [Z], [Y]), mul(c, Iq([U], [X])), c])
                args["nonneg"] = f'["{render(q)}"]'
            st, how = maybe_mutate(st, draw, 0.3)
            if how:
                tags.add("mutated_claim")
            steps.append(GenStep(sid, "linear", st, uses, args, how))
            continue
        if rule == "dpi":
            st = draw.choice([(Iq([U], [Y], G), "<=", Iq([U], [X], G)), (Iq([U], [Z], G), "<=", Iq([U], [Y], G)),
                              (Iq([U], [Z], G), "<=", Iq([X], [Z], G)), (Iq([X], [Z], G), "<=", Iq([X], [Y], G))])
            uses = ["chain"]
        elif rule == "sdpi":
            link = draw.choice(["1", "2"] if two else ["1"])
            eta, _ = draw.choice(etas1 if link == "1" else etas2)
            a, c = (X, Y) if link == "1" else (Y, Z)
            src = draw.choice([U, X] if link == "2" else [U])
            st = (Iq([src], [c], G), "<=", mul(eta, Iq([src], [a], G)))
            uses = ["chain", f"ch{link}"]
        elif rule in ("shannon", "linear"):
            st = draw.choice([(Iq([X], [Y]), "<=", Hq([X])), (Hq([X], [Y]), "<=", Hq([X])),
                              (Hq([X, Y]), "<=", add(Hq([X]), Hq([Y]))), (Iq([U], [Z]), "<=", Iq([U], [X])),
                              (Iq([U], [Z], [Y]), "==", N(0)), (Hq([Y], [X]), ">=", N(0)),
                              (Iq([U], [Y], G), "<=", Iq([U], [X], G)),
                              (Hq([Z]), "<=", add(Hq([Y]), Hq([Z], [Y])))])
            uses = ["chain"] + [h[0] for h in hyps if h[1] == "function_of"]
            if rule == "linear" and steps and draw.coin(0.5):
                uses.append(steps[-1].id)
        elif rule == "chain_rule":
            st = draw.choice([(Iq([U], [X, Y], G), "==", add(Iq([U], [X], G), Iq([U], [Y], (X,) + G))),
                              (Hq([X, Y, Z]), "==", add(add(Hq([X]), Hq([Y], [X])), Hq([Z], [X, Y]))),
                              (Hq([U, X], G), "==", add(Hq([U], G), Hq([X], (U,) + G)))])
        elif rule == "substitute":
            eq = GenStep(f"{sid}a", "chain_rule", (Iq([U], [X, Y]), "==", add(Iq([U], [X]), Iq([U], [Y], [X]))))
            base = GenStep(f"{sid}b", "linear", (Iq([U], [X, Y]), ">=", Iq([U], [Y])), [],
                           {"nonneg": f'["{render(Iq([U], [X], [Y]))}"]'})
            steps += [eq, base]
            st = (add(Iq([U], [X]), Iq([U], [Y], [X])), ">=", Iq([U], [Y]))
            uses = [eq.id, base.id]
        elif rule == "monotone":
            base = GenStep(f"{sid}a", "dpi", (Iq([U], [Y]), "<=", Iq([U], [X])), ["chain"])
            steps.append(base)
            var = draw.choice(["t", "t", "_t", "k", "i", "s", "u"] + list(params))
            if var in params or var in ("k", "i", "_t"):
                tags.add("name_collision")
            T = P(var)
            f, rel2 = draw.choice([(fn("sqrt", T), "<="), (pw(T, N(2)), "<="), (neg(T), ">="),
                                   (fn("exp", neg(T)), ">="), (fn("log", add(N(1), T)), "<="),
                                   (pw(sub(T, N(1)), N(2)), "<="), (mul(N(2), T), "<="), (fn("h", T), "<="),
                                   (div(N(1), add(N(1), T)), ">="), (mul(P(pnames[0]) if pnames[0] in params else N(3), T), "<=")])
            sub_a = _subst(f, var, Iq([U], [Y]))
            sub_b = _subst(f, var, Iq([U], [X]))
            st = (sub_a, rel2, sub_b)
            uses = [base.id]
            args = {"function": render(f), "variable": var}
        else:  # real
            p0 = P(pnames[0]) if pnames[0] in params else N(Fraction(1, 4))
            st = draw.choice([(pw(sub(N(1), mul(N(2), p0)), N(2)), "<=", N(1)), (fn("h", p0), "<=", N(1)),
                              (mul(p0, sub(N(1), p0)), "<=", N(Fraction(1, 4))), (p0, ">=", N(0)),
                              (pw(sub(N(1), mul(N(2), p0)), N(2)), "<=", sub(N(1), mul(N(2), p0))),
                              (fn("log", p0), "<=", N(0)), (Sum(p0, "i", N(3), N(1)), "==", N(0)),
                              (fn("sqrt", p0), ">=", p0)])
        st, how = maybe_mutate(st, draw)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(sid, rule, st, uses, args, how))
    fdet = [h[2] for h in hyps if h[1] == "function_of"]

    def build(pv, rng):
        m1 = mat1(pv)
        if not _valid_channel(m1):
            raise NoModel("channel 1 is not a channel at these parameters")
        nx_, ny = len(m1), len(m1[0])
        nodes = []
        if cond:
            nodes.append(("W", (), lambda _: _rand_row(rng, 2, False), 2))
            nodes.append(("U", ("W",), _cpt_rand(rng, 2, 2), 2))
        else:
            nodes.append(("U", (), lambda _: _rand_row(rng, 2, False), 2))
        xdet = "X = f(U)" in fdet
        if joint and not xdet:
            nodes.append(("X", ("U", "W"), _cpt_rand_multi(rng, nx_), nx_))
        else:
            nodes.append(("X", ("U",), _cpt_rand(rng, 2, nx_, det=xdet), nx_))
        nodes.append(("Y", ("X",), _channel_cpt(m1), ny))
        if two:
            m2 = mat2(pv)
            if not _valid_channel(m2):
                raise NoModel("channel 2 is not a channel at these parameters")
            if len(m2) != ny:
                raise NoModel("the output alphabet of channel 1 is not the input alphabet of channel 2")
            nodes.append(("Z", ("Y",), _channel_cpt(m2), len(m2[0])))
        else:
            nodes.append(("Z", ("Y",), _cpt_rand(rng, ny, 2, det="Z = f(Y)" in fdet), 2))
        if free:
            nodes.append(("V", ("U", "Y"), _cpt_rand_multi(rng, 2), 2))
        model = joint_from_bayes_net(nodes)
        for t in fdet:
            y, x = t.split(" = f(")
            if not _is_function(model, y, [x.rstrip(")")]):
                raise NoModel(f"{t} fails on the model built from the channels")
        return model

    return Case("markov", params, names, {}, hyps, steps, build, tags)


def _cpt_rand(rng, n_in: int, n_out: int, det: bool = False):
    if det:
        table = [rng.randrange(n_out) for _ in range(max(n_in, 8))]
        return lambda pv: [Fraction(int(y == table[pv[0]])) for y in range(n_out)]
    rows = [_rand_row(rng, n_out) for _ in range(max(n_in, 8))]
    return lambda pv: rows[pv[0]]


def _is_function(model: Model, y: str, xs: list[str]) -> bool:
    iy = model.names.index(y)
    ix = [model.names.index(x) for x in xs]
    seen: dict = {}
    for o, p in model.pmf.items():
        if p:
            key = tuple(o[k] for k in ix)
            if seen.setdefault(key, o[iy]) != o[iy]:
                return False
    return True


def _subst(e, name: str, new):
    if not isinstance(e, tuple):
        return e
    if e == ("p", name):
        return new
    if e[0] in ("n", "p", "v"):
        return e
    out = [e[0]]
    for c in e[1:]:
        if isinstance(c, tuple) and c and isinstance(c[0], str):
            out.append(_subst(c, name, new))
        elif isinstance(c, tuple):
            out.append(tuple(_subst(x, name, new) for x in c))
        else:
            out.append(c)
    return tuple(out)


def scenario_family(draw) -> Case:
    """X[1..n] independent given P (or given M); superadditivity, subadditivity, chain_rule, linear."""
    tags: set[str] = set()
    params: dict[str, Domain] = {}
    nname = _pname(draw, "n") if draw.coin(0.5) else "n"
    if nname in ("M", "P", "X"):
        nname = "n"
    if nname != "n":
        tags.add("name_collision")
    concrete = draw.coin(0.25)
    lo0 = draw.choice([1, 1, 1, 0])
    if concrete:
        hi = N(draw.choice([0, 1, 2, 3]))
        tags.add("concrete_family")
        if hi[1] < lo0:
            tags.add("empty_range")
    else:
        dk = draw.choice(list(INT_DOMAINS))
        params[nname] = INT_DOMAINS[dk](nname)
        tags.update(params[nname].tags)
        hi = P(nname)
        tags.add("symbolic_family")
    lo = N(lo0)
    kname = None
    if draw.coin(0.3):
        kname = draw.choice(["k", "_k0", "j", "m0"])
        params[kname] = INT_DOMAINS[draw.choice(["ge0", "ge1", "any", "range"])](kname)
        tags.add("index_shift")
        if kname in COLLIDING_NAMES:
            tags.add("name_collision")
    given_M = draw.coin(0.3)
    kind = draw.choice(["mutually_independent", "iid", "none"])
    cond = "M" if given_M else "P"
    hyps = []
    if kind != "none":
        hyps.append(("indep", kind, f"X[{_idx(lo)}..{_idx(hi)}] | {cond}"))
    iv = "i" if draw.coin(0.8) else draw.choice(["j", "t", "_t", "k"])
    if kname == iv or nname == iv:
        iv = "i"
    I_ = P(iv)
    M, Pv = v("M"), v("P")
    full = b("X", lo, hi)
    steps: list[GenStep] = []
    for s in range(draw.integer(2, 5)):
        sid = f"s{s}"
        rule = draw.choice(["superadditivity", "subadditivity", "chain_rule", "chain_rule", "linear", "shannon"])
        args: dict[str, str] = {}
        uses = ["indep"] if kind != "none" and rule in ("superadditivity", "subadditivity", "linear", "shannon") else []
        if rule == "superadditivity":
            st = (Iq([M], [full], [Pv]), ">=", Sum(Iq([M], [m("X", I_)], [Pv]), iv, lo, hi))
        elif rule == "subadditivity":
            st = (Iq([M], [full]), "<=", Sum(Iq([M], [m("X", I_)]), iv, lo, hi))
        elif rule == "chain_rule":
            opts = [(Hq([full], [Pv]), "==", Sum(Hq([m("X", I_)], [b("X", lo, sub(I_, N(1))), Pv]), iv, lo, hi)),
                    (Iq([M], [full]), "==", Sum(Iq([M], [m("X", I_)], [b("X", lo, sub(I_, N(1)))]), iv, lo, hi)),
                    (Hq([b("X", N(3), N(1))]), "==", N(0))]
            if kname:
                K_ = P(kname)
                opts.append((Iq([M], [full]), "==", add(Iq([M], [b("X", lo, K_)]),
                                                         Iq([M], [b("X", add(K_, N(1)), hi)], [b("X", lo, K_)]))))
                opts.append((Hq([full]), "==", add(Hq([b("X", lo, K_)]), Hq([b("X", add(K_, N(1)), hi)], [b("X", lo, K_)]))))
            st = draw.choice(opts)
            if st[0] == Hq([b("X", N(3), N(1))]):
                tags.add("reversed_range")
        else:
            opts = [(Iq([M], [full], [Pv]), ">=", Iq([M], [m("X", lo)], [Pv])), (Hq([b("X", N(3), N(1))]), "==", N(0)),
                    (Sum(Iq([M], [m("X", I_)], [Pv]), iv, N(3), N(1)), "==", N(0)),
                    (Sum(Hq([m("X", I_)]), iv, lo, hi), ">=", Hq([full])),
                    (Iq([M], [full], [Pv]), "<=", Hq([M])),
                    # zeros the family's independence gives (sessions 25-26): one pair of members, a sum of pairs
                    # over a bound index, conditioning on the first sample; false given M, at hi = lo, shifted
                    (Iq([m("X", lo)], [m("X", hi)], [Pv]), "==", N(0)),
                    (Sum(Iq([m("X", lo)], [m("X", I_)], [Pv]), iv, add(lo, N(1)), hi), "==", N(0)),
                    (Sum(Iq([M], [m("X", I_)], [Pv, m("X", lo)]), iv, add(lo, N(1)), hi), ">=",
                     Sum(Iq([M], [m("X", I_)], [Pv]), iv, add(lo, N(1)), hi)),
                    (Sum(Iq([m("X", I_)], [m("X", add(I_, N(1)))], [Pv]), iv, lo, sub(hi, N(1))), "==", N(0))]
            args = {}
            if kname and draw.coin(0.5):
                K_ = P(kname)
                st = draw.choice([(Hq([full]), ">=", Hq([b("X", lo, K_)])),
                                  (Iq([M], [full]), ">=", Iq([M], [b("X", lo, K_)])),
                                  (Hq([full]), "<=", add(Hq([b("X", lo, K_)]), Hq([b("X", add(K_, N(1)), hi)])))])
                if draw.coin(0.6):
                    q = draw.choice([Hq([b("X", add(K_, N(1)), hi)], [b("X", lo, K_)]),
                                     Iq([M], [b("X", add(K_, N(1)), hi)], [b("X", lo, K_)]),
                                     Iq([b("X", lo, K_)], [b("X", add(K_, N(1)), hi)])])
                    args["nonneg"] = f'["{render(q)}"]'
            else:
                st = draw.choice(opts)
            if st[0][0] == "sum" and st[0][3] == N(3):
                tags.add("reversed_range")
            if kind != "none" and rule == "linear":
                uses = ["indep"]
        st, how = maybe_mutate(st, draw, 0.55)
        if how:
            tags.add("mutated_claim")
            if how in ("reverse_range",):
                tags.add("reversed_range")
            if how in ("shift_range", "shift_member"):
                tags.add("index_shift")
        steps.append(GenStep(sid, rule, st, uses, args if rule in ("linear", "shannon") else {}, how))

    def build(pv, rng):
        lo_i = _int(Fraction(lo[1]))
        hi_i = _int(evaluate_exact(hi, pv))
        if hi_i - lo_i + 1 > 3:
            raise NoModel("too large")
        members = [f"X[{i}]" for i in range(lo_i, hi_i + 1)]
        nodes = []
        if given_M:
            nodes.append(("M", (), lambda _: _rand_row(rng, 2, False), 2))
            nodes.append(("P", ("M",), _cpt_rand(rng, 2, 2), 2))
            shared = _cpt_rand(rng, 2, 2)
            for x in members:
                nodes.append((x, ("M",), shared if kind == "iid" else _cpt_rand(rng, 2, 2), 2))
            if kind == "none":  # arbitrary dependence
                nodes = nodes[:2] + [(x, ("M",) + tuple(members[:k]), _cpt_rand_multi(rng, 2), 2)
                                     for k, x in enumerate(members)]
        else:
            nodes.append(("P", (), lambda _: _rand_row(rng, 2, False), 2))
            shared = _cpt_rand(rng, 2, 2)
            for k, x in enumerate(members):
                if kind == "none":
                    nodes.append((x, ("P",) + tuple(members[:k]), _cpt_rand_multi(rng, 2), 2))
                else:
                    nodes.append((x, ("P",), shared if kind == "iid" else _cpt_rand(rng, 2, 2), 2))
            nodes.append(("M", ("P",) + tuple(members), _cpt_rand_multi(rng, 2), 2))
        model = joint_from_bayes_net(nodes)
        model.families = {"X": (lo_i, hi_i)}
        return model

    assumes = {}
    if kind != "none" and not given_M and draw.coin(0.3):
        # a cited per-sample bound (assume) combined with superadditivity, as in the bundled proof
        bname = "b" if "b" not in params else "b2"
        params[bname] = Domain(f"{bname} >= 0", (_F(0), _F(1, 100)), _F(0), _F(1, 10), tags=("domain_zero",))
        per = (Sum(Iq([M], [m("X", I_)], [Pv]), iv, lo, hi), ">=", mul(hi, P(bname)))
        hyps.append(("per_sample", "assume", render_statement(per)))
        assumes["per_sample"] = per
        sup = GenStep("sup", "superadditivity", (Iq([M], [full], [Pv]), ">=", Sum(Iq([M], [m("X", I_)], [Pv]), iv, lo, hi)),
                      ["indep"])
        st, how = maybe_mutate((Iq([M], [full], [Pv]), ">=", mul(hi, P(bname))), draw, 0.5)
        if how:
            tags.add("mutated_claim")
        steps += [sup, GenStep("total", "linear", st, ["sup", "per_sample"], {}, how)]
    return Case("family", params, ["M", "P"], {"X": (lo, hi)}, hyps, steps, build, tags, assumes=assumes)


def _cpt_rand_multi(rng, n_out: int):
    table: dict = {}

    def cpt(pv):
        if pv not in table:
            table[pv] = _rand_row(rng, n_out)
        return table[pv]
    return cpt


def scenario_chain_family(draw) -> Case:
    """U -> X[0] -> ... -> X[k], X[i] | X[i-1] ~ K for i in a..k; sdpi_chain, and dpi along the chain."""
    tags: set[str] = {"symbolic_family"}
    params: dict[str, Domain] = {}
    kname = _pname(draw, "k")
    if kname in ("U", "X", "delta"):
        kname = "k"
    if kname != "k":
        tags.add("name_collision")
    dk = draw.choice(["ge1", "ge0", "ge2", "range", "any", "real"])
    params[kname] = INT_DOMAINS[dk](kname)
    tags.update(params[kname].tags)
    K = P(kname)
    kind = draw.choice(["BSC", "Z", "matrix", "BSC", "QSC"])
    spec, mat, kind, etas = _channel(draw, params, "delta", kind)
    tags.add(f"channel_{kind}")
    before = draw.coin(0.3)
    if before:
        tags.add("channel_conditioned")
    start = draw.choice([1, 1, 1, 2])
    if start != 1:
        tags.add("index_shift")
    ivar = draw.choice(["i", "i", "j", "t"])
    hyps = [("chain", "markov", ("W -> " if before else "") + f"U -> X[0] -> ... -> X[{kname}]"),
            ("links", "channel", f"X[{ivar}] | X[{ivar}-1] ~ {spec} for {ivar} in {start}..{kname}")]
    steps = []
    for s in range(draw.integer(1, 3)):
        eta, _ = draw.choice(etas)
        j, mm = draw.choice([(K, N(0)), (K, N(1)), (N(2), N(0)), (K, sub(K, N(1))), (add(K, N(1)), N(0)), (N(1), N(0))])
        U = v("U")
        G = (v("W"),) if before and draw.coin(0.6) else ()
        dpi = draw.coin(0.3)  # data processing along the chain (no channel), either way round
        if dpi and draw.coin(0.3):
            j, mm = mm, j
        A = m("X", N(0)) if dpi and draw.coin(0.3) else U  # the run's first member as the source
        st = (Iq([A], [m("X", j)], G), "<=", (Iq([A], [m("X", mm)], G) if dpi else
                                            mul(pw(eta, sub(j, mm)), Iq([U], [m("X", mm)], G))))
        st, how = maybe_mutate(st, draw, 0.5)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", "dpi" if dpi else "sdpi_chain", st, ["chain"] if dpi else ["chain", "links"],
                             {}, how))

    def build(pv, rng):
        k = _int(pv[kname])
        if k < 0 or k > 3:
            raise NoModel("k out of the model range")
        mt = mat(pv)
        if not _valid_channel(mt):
            raise NoModel("not a channel")
        n_in = len(mt)
        if len(mt[0]) != n_in:
            raise NoModel("output alphabet differs from input alphabet")
        nodes = [("U", (), lambda _: _rand_row(rng, 2, False), 2), ("X[0]", ("U",), _cpt_rand(rng, 2, n_in), n_in)]
        if before:
            nodes = [("W", (), lambda _: _rand_row(rng, 2, False), 2), ("U", ("W",), _cpt_rand(rng, 2, 2), 2),
                     ("X[0]", ("U",), _cpt_rand(rng, 2, n_in), n_in)]
        for i in range(1, k + 1):
            cpt = _channel_cpt(mt) if i >= start else _cpt_rand(rng, n_in, n_in)
            nodes.append((f"X[{i}]", (f"X[{i-1}]",), cpt, n_in))
        model = joint_from_bayes_net(nodes)
        model.families = {"X": (0, k)}
        return model

    return Case("chain_family", params, ["W", "U"] if before else ["U"], {"X": (N(0), K)}, hyps, steps, build, tags)


def scenario_tensorization(draw) -> Case:
    """U -> X[1..n] -> Y[1..n], a memoryless channel between the blocks; tensorization and sdpi."""
    tags: set[str] = {"channel_block"}
    params: dict[str, Domain] = {}
    concrete = draw.coin(0.4)
    if concrete:
        n = N(draw.choice([1, 2, 2]))
        tags.add("concrete_family")
    else:
        params["n"] = INT_DOMAINS[draw.choice(["ge1", "ge0", "range"])]("n")
        tags.update(params["n"].tags)
        n = P("n")
        tags.add("symbolic_family")
    kind = draw.choice(["BSC", "BEC", "Z", "matrix", "BSC", "QSC"])
    spec, mat, kind, etas = _channel(draw, params, "delta", kind)
    tags.add(f"channel_{kind}")
    nt = _idx(n)
    form = draw.choice(["block", "block", "per_index"])
    ch = f"Y[1..{nt}] | X[1..{nt}] ~ {spec}" if form == "block" else f"Y[i] | X[i] ~ {spec} for i in 1..{nt}"
    extra = []
    if concrete and n[1] == 2 and draw.coin(0.3):
        ch = f"Y[1] | X[1] ~ {spec}"
        extra = [("memoryless2", "channel", f"Y[2] | X[2] ~ {spec}")]
    independent = draw.coin(0.7)
    hyps = [("chain", "markov", f"U -> X[1..{nt}] -> Y[1..{nt}]"), ("memoryless", "channel", ch)] + extra
    if independent:
        hyps.append(("inputs", "mutually_independent", f"X[1..{nt}]"))
    U = v("U")
    steps = []
    for s in range(draw.integer(1, 3)):
        eta, _ = draw.choice(etas)
        rule = draw.choice(["tensorization", "tensorization", "sdpi"])
        st = draw.choice([(Iq([U], [b("Y", N(1), n)]), "<=", mul(eta, Iq([U], [b("X", N(1), n)]))),
                          (Iq([U], [m("Y", N(1))]), "<=", mul(eta, Iq([U], [m("X", N(1))])))])
        uses = [h[0] for h in hyps]
        st, how = maybe_mutate(st, draw, 0.4)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", rule, st, uses, {}, how))

    def build(pv, rng):
        nn = _int(evaluate_exact(n, pv))
        if nn < 0 or nn > 2:
            raise NoModel("n out of the model range")
        mt = mat(pv)
        if not _valid_channel(mt):
            raise NoModel("not a channel")
        ni, no = len(mt), len(mt[0])
        xs = [f"X[{i}]" for i in range(1, nn + 1)]
        nodes = []
        if not independent and rng.random() < 0.5:
            # the repetition input: U uniform, every X[i] = U (correlated inputs beat the single-letter eta)
            nodes.append(("U", (), lambda _: [Fraction(1, 2), Fraction(1, 2)], 2))
            for x in xs:
                nodes.append((x, ("U",), lambda pv: [Fraction(int(y == pv[0])) for y in range(ni)], ni))
        else:
            for k, x in enumerate(xs):
                nodes.append((x, () if independent else tuple(xs[:k]),
                              (lambda r: (lambda _: r))(_rand_row(rng, ni, False)) if independent
                              else _cpt_rand_multi(rng, ni), ni))
            nodes.append(("U", tuple(xs), _cpt_rand_multi(rng, 2), 2))
        for i in range(1, nn + 1):
            nodes.append((f"Y[{i}]", (f"X[{i}]",), _channel_cpt(mt), no))
        model = joint_from_bayes_net(nodes)
        model.families = {"X": (1, nn), "Y": (1, nn)}
        return model

    return Case("tensorization", params, ["U"], {"X": (N(1), n), "Y": (N(1), n)}, hyps, steps, build, tags)


def evaluate_exact(e, pv) -> Fraction:
    from derive.audit.semantics import _exact

    x = _exact(e, dict(pv))
    if x is None:
        raise NoModel("not exact")
    return x


def scenario_awgn(draw) -> Case:
    """U -> X -> Y, Y | X ~ AWGN(snr): jointly Gaussian models; sdpi with snr/(1 + snr), continuous H."""
    tags = {"channel_AWGN"}
    params: dict[str, Domain] = {}
    sname = _pname(draw, "snr")
    if sname in ("U", "X", "Y", "W", "Z"):
        sname = "snr"
    if sname != "snr":
        tags.add("name_collision")
    concrete = draw.coin(0.3)
    if concrete:
        S_ = N(draw.choice([Fraction(3), Fraction(1, 2), Fraction(1)]))
    else:
        params[sname] = draw.choice([Domain(f"{sname} > 0", (_F(1, 100), _F(1, 10), _F(3)), _F(1, 20), _F(4)),
                                     Domain(f"{sname} >= 0", (_F(0), _F(1)), _F(0), _F(4), tags=("domain_zero",))])
        tags.update(params[sname].tags)
        S_ = P(sname)
    cond = draw.coin(0.3)
    second = draw.coin(0.15)
    names = ["W", "U", "X", "Y"] if cond else ["U", "X", "Y"]
    hyps = [("chain", "markov", " -> ".join(names) + (" -> Z" if second else "")),
            ("ch", "channel", f"Y | X ~ AWGN({render(S_)})")]
    if second:
        names.append("Z")
        hyps.append(("ch2", "channel", f"Z | Y ~ AWGN({render(S_)})"))
        tags.add("contradictory")
    if cond:
        tags.add("channel_conditioned")
    U, X, Y = v("U"), v("X"), v("Y")
    G = (v("W"),) if cond else ()
    eta_true = div(S_, add(N(1), S_))
    steps = []
    for s in range(draw.integer(1, 3)):
        rule = draw.choice(["sdpi", "sdpi", "linear", "shannon", "dpi"])
        if rule == "sdpi":
            eta = draw.choice([eta_true, div(S_, add(N(2), S_)), pw(eta_true, N(2)), N(1)])
            st = (Iq([U], [Y], G), "<=", mul(eta, Iq([U], [X], G)))
            uses = ["chain", "ch"]
        elif rule == "dpi":
            st = (Iq([U], [Y], G), "<=", Iq([U], [X], G))
            uses = ["chain"]
        else:
            st = draw.choice([(Hq([X]), ">=", N(0)), (Hq([Y], [X]), ">=", N(0)), (Iq([U], [Y]), ">=", N(0)),
                              (Iq([X], [X]), "==", Hq([X])), (Hq([X], [X]), ">=", N(0)), (Hq([X, Y], [X]), "==", Hq([Y], [X])),
                              (Iq([X], [X, Y]), "<=", Hq([X])),
                              (Iq([X], [Y]), "<=", Hq([X])), (Hq([X], [Y]), "<=", Hq([X]))])
            uses = ["chain"]
        st, how = maybe_mutate(st, draw, 0.4)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", rule, st, uses, {}, how))

    def build(pv, rng):
        if second:
            raise NoModel("Y ~ N(0, snr + 1) cannot be the N(0, snr) input of the second AWGN channel")
        snr = evaluate_exact(S_, pv)
        if snr < 0:
            raise NoModel("negative snr")
        # U ~ N(0, 1); X = a U + noise with Var X = snr, Cov(U, X) = c, c^2 <= snr; Y = X + N(0, 1).
        rho2 = Fraction(rng.randint(0, 9), 10)
        c = _sqrt_rational_scale(snr, rho2, rng)
        if cond:
            # W ~ N(0,1), U = r W + noise (Var U = 1): Markov W -> U -> X -> Y holds for Gaussian chains.
            r = Fraction(rng.randint(-4, 4), 5)
            cov = [[Fraction(1), r, r * c, r * c], [r, Fraction(1), c, c], [r * c, c, snr, snr], [r * c, c, snr, snr + 1]]
            names_ = ["W", "U", "X", "Y"]
        else:
            cov = [[Fraction(1), c, c], [c, snr, snr], [c, snr, snr + 1]]
            names_ = ["U", "X", "Y"]
        return GaussianModel(names_, cov)

    return Case("awgn", params, names, {}, hyps, steps, build, tags, continuous=["X", "Y"] if draw.coin(0.3) else [])


def _sqrt_rational_scale(snr: Fraction, rho2: Fraction, rng) -> Fraction:
    """A rational c with c^2 <= snr (a correlation between U ~ N(0, 1) and X ~ N(0, snr))."""
    c = Fraction(0)
    for den in (1, 2, 3, 4, 5, 8, 10):
        for num in range(0, 41):
            x = Fraction(num, den)
            if x * x <= snr * rho2 and x > c:
                c = x
    return c if rng.random() < 0.5 else -c


def scenario_fano(draw) -> Case:
    """H(X | Y) <= h(pe) + pe log(k - 1) with pe the error probability of an estimator and |X| <= k."""
    tags: set[str] = set()
    params: dict[str, Domain] = {}
    pe = _pname(draw, "pe") if draw.coin(0.3) else "pe"
    kname = draw.choice(["k", "k", "q", "_k0"])
    if pe == kname or pe in ("X", "Y"):
        pe = "pe"
    if pe != "pe" or kname == "_k0":
        tags.add("name_collision")
    params[pe] = draw.choice([PROB_DOMAINS["half"](pe), PROB_DOMAINS["half"](pe), PROB_DOMAINS["unit"](pe),
                              PROB_DOMAINS["nonneg"](pe)])
    params[kname] = INT_DOMAINS[draw.choice(["ge2", "ge2", "ge2", "ge1", "real", "range"])](kname)
    tags.update(params[pe].tags + params[kname].tags)
    units = draw.choice(["bits", "bits", "nats"])
    X, Y = v("X"), v("Y")
    E, K = P(pe), P(kname)
    st = (Hq([X], [Y]), "<=", add(fn("h", E), mul(E, fn("log", sub(K, N(1))))))
    st, how = maybe_mutate(st, draw, 0.5)
    if how:
        tags.add("mutated_claim")
    alpha = draw.choice([K, K, K, add(K, N(1)), sub(K, N(1))])
    hs = [_get(("s", st[0], st[2]), q) for q in _paths(("s", st[0], st[2]), lambda e: e[0] == "H")]
    hx = [h for h in hs if len(h[1]) == 1 and h[1][0][0] == "v"]
    fano_target = (hx[0][1][0][1], {x[1] for x in hx[0][2]}) if hx else (None, None)
    steps = [GenStep("fano", "fano", st, [], {"error": pe, "alphabet": _idx(alpha)}, how)]
    if draw.coin(0.4):
        steps.append(GenStep("info", "linear", (Iq([X], [Y]), ">=", sub(Hq([X]), add(fn("h", E), mul(E, fn("log", sub(K, N(1))))))),
                             ["fano"]))

    def build(pv, rng):
        k = evaluate_exact(alpha, pv)       # |target| <= the alphabet argument
        if k < 1:
            raise NoModel("alphabet bound below 1")
        target, given = fano_target
        sx = rng.randint(1, min(int(k), 4)) if target in ("X", None) else 2
        sy = rng.randint(1, min(int(k), 3)) if target == "Y" else 2
        joint = {(x, y): Fraction(rng.randint(0, 4)) for x in range(sx) for y in range(sy)}
        tot = sum(joint.values())
        if tot == 0:
            raise NoModel("retry")
        pmf = {o: w / tot for o, w in joint.items() if w}
        model = Model(["X", "Y"], pmf)
        # the meaning of pe (the fano rule's premise): P(Ahat(G) != A) <= pe for the claim's H(A | G), an
        # estimator of A from G (blind when G is empty)
        a = target or "X"
        g = [x for x in ("X", "Y") if x in (given or {"Y"} if target is None else given)]
        if a in g:
            err = Fraction(0)
        else:
            pag = _marg(model, [a] + g)
            best: dict = {}
            for o, p in pag.items():
                best[o[1:]] = max(best.get(o[1:], 0), p)
            err = 1 - sum(best.values())
        d = params[pe]
        if d.hi is not None and err > d.hi:
            raise NoModel("the MAP error exceeds the domain of pe")
        hi = d.hi if d.hi is not None else Fraction(1)
        pv[pe] = rng.choice([err, hi, err + (hi - err) * Fraction(rng.randint(0, 4), 4)])
        return model

    return Case("fano", params, ["X", "Y"], {}, [], steps, build, tags, units=units)


def scenario_pinsker(draw) -> Case:
    """TV(P, Q) <= sqrt(D(P || Q) / 2) (nats) and a monotone step through an assumed budget."""
    tags: set[str] = set()
    params: dict[str, Domain] = {}
    units = draw.choice(["bits", "nats"])
    dname = _pname(draw, "d") if draw.coin(0.3) else "d"
    if dname in ("P", "Q"):
        dname = "d"
    params[dname] = Domain(f"{dname} >= 0", (_F(0), _F(1, 10), _F(1)), _F(0), _F(2), tags=("domain_zero",))
    Dv = Dq("P", "Q")
    const = {"nats": N(Fraction(1, 2)), "bits": div(fn("ln", N(2)), N(2))}[units]
    st = (TVq("P", "Q"), "<=", fn("sqrt", mul(Dv, const)))
    st, how = maybe_mutate(st, draw, 0.5)
    steps = [GenStep("pinsker", "pinsker", st, [], {}, how)]
    hyps = [("budget", "assume", f"D(P || Q) <= {dname}")]
    assumes = {"budget": (Dv, "<=", P(dname))}
    if draw.coin(0.6):
        var = draw.choice(["t", "_t", dname, "k"])
        T = P(var)
        f = draw.choice([fn("sqrt", div(T, N(2))), fn("sqrt", T), neg(T), pw(T, N(2)), fn("sqrt", mul(T, const))])
        rel = ">=" if f[0] == "neg" else "<="
        st2 = (_subst(f, var, Dv), rel, _subst(f, var, P(dname)))
        st2, how2 = maybe_mutate(st2, draw, 0.4)
        if var == dname:
            tags.add("name_collision")
        steps.append(GenStep("root", "monotone", st2, ["budget"], {"function": render(f), "variable": var}, how2))
        if how2:
            tags.add("mutated_claim")
    if how:
        tags.add("mutated_claim")

    def build(pv, rng):
        size = rng.choice([2, 3])
        p = _rand_row(rng, size)
        q = _rand_row(rng, size, zeros=rng.random() < 0.3)
        return Model([], {(): Fraction(1)}, distributions={"P": p, "Q": q})

    return Case("pinsker", params, [], {}, hyps, steps, build, tags, units=units, distributions=["P", "Q"],
                assumes=assumes)


def scenario_independence(draw) -> Case:
    """X _|_ Y | Z, Y = f(X) and friends: linear and shannon steps on hypothesis equalities."""
    tags: set[str] = set()
    X, Y, Z = v("X"), v("Y"), v("Z")
    kind = draw.choice(["independent", "function_of", "both"])
    hyps = []
    if kind in ("independent", "both"):
        hyps.append(("ind", "independent", "X _|_ Y | Z"))
    if kind in ("function_of", "both"):
        hyps.append(("det", "function_of", draw.choice(["Y = f(X)", "Z = f(X, Y)", "X = f(Z)"])))
    if kind == "both":
        tags.add("contradictory")
    steps = []
    for s in range(draw.integer(1, 4)):
        st = draw.choice([(Iq([X], [Y], [Z]), "==", N(0)), (Hq([X, Y], [Z]), "==", add(Hq([X], [Z]), Hq([Y], [Z]))),
                          (Hq([Y], [X]), "==", N(0)), (Iq([X], [Y]), "==", Hq([Y])), (Hq([Z]), "<=", Hq([X, Y])),
                          (Iq([X], [Y]), "<=", Iq([X], [Z])), (Hq([X], [Z]), "<=", Hq([X], [Y, Z]))])
        st, how = maybe_mutate(st, draw, 0.5)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", draw.choice(["linear", "shannon"]), st, [h[0] for h in hyps], {}, how))
    fdet = [h[2] for h in hyps if h[1] == "function_of"]

    def build(pv, rng):
        nodes = [("Z", (), lambda _: _rand_row(rng, 2, False), 2)]
        if kind == "independent":
            nodes += [("X", ("Z",), _cpt_rand(rng, 2, 2), 2), ("Y", ("Z",), _cpt_rand(rng, 2, 2), 2)]
            model = joint_from_bayes_net(nodes)
        else:
            model = _make_function(rng, fdet[0], det_x=kind == "both" and rng.random() < 0.7)
        for t in fdet:
            y, x = t.split(" = f(")
            if not _is_function(model, y, [a.strip() for a in x.rstrip(")").split(",")]):
                raise NoModel(f"{t} fails")
        if kind in ("independent", "both") and not _is_independent(model, ["X"], ["Y"], ["Z"]):
            raise NoModel("X _|_ Y | Z fails")
        return model

    return Case("independence", {}, ["X", "Y", "Z"], {}, hyps, steps, build, tags)


def _make_function(rng, text: str, det_x: bool = False) -> Model:
    """A model where ``text`` (Y = f(X), Z = f(X, Y) or X = f(Z)) holds; ``det_x``: X is also a function of Z."""
    if text in ("Y = f(X)", "X = f(Z)"):
        f = [rng.randrange(2) for _ in range(2)]
        xdet = det_x or text == "X = f(Z)"
        nodes = [("Z", (), lambda _: _rand_row(rng, 2, False), 2), ("X", ("Z",), _cpt_rand(rng, 2, 2, det=xdet), 2)]
        if text == "Y = f(X)":
            nodes.append(("Y", ("X",), lambda pv: [Fraction(int(y == f[pv[0]])) for y in range(2)], 2))
        else:
            nodes.append(("Y", ("X", "Z"), _cpt_rand_multi(rng, 2), 2))
        return joint_from_bayes_net(nodes)
    f = {(a, c): rng.randrange(2) for a in range(2) for c in range(2)}
    nodes = [("X", (), lambda _: _rand_row(rng, 2, False), 2), ("Y", ("X",), _cpt_rand(rng, 2, 2), 2),
             ("Z", ("X", "Y"), lambda pv: [Fraction(int(z == f[pv])) for z in range(2)], 2)]
    return joint_from_bayes_net(nodes)


def _marg(model: Model, names: list[str]) -> dict:
    idx = [model.names.index(x) for x in names]
    out: dict = {}
    for o, p in model.pmf.items():
        k = tuple(o[i] for i in idx)
        out[k] = out.get(k, 0) + p
    return out


def _is_independent(model: Model, a: list[str], c: list[str], g: list[str]) -> bool:
    """Exactly: p(a, c, g) p(g) == p(a, g) p(c, g) for every outcome."""
    pacg, pag, pcg, pg = _marg(model, a + c + g), _marg(model, a + g), _marg(model, c + g), _marg(model, g)
    na, nc = len(a), len(c)
    for ka in {k[:na] + k[na + nc:] for k in pacg}:
        for kc in {k[na:] for k in pacg}:
            if ka[na:] != kc[nc:]:
                continue
            gk = kc[nc:]
            joint = pacg.get(ka[:na] + kc, 0)
            if joint * pg.get(gk, 0) != pag.get(ka, 0) * pcg.get(kc, 0):
                return False
    return True


def _real_monotone(draw, steps: list, s: int, p_, n_, params: dict, tags: set) -> None:
    """A true parameter fact a <= b (``real``) and a ``monotone`` step applying f to both sides."""
    a, c = draw.choice([(sub(p_, N(1)), N(0)), (p_, N(1)), (mul(N(2), p_), N(1)), (N(0), p_),
                        (neg(p_), N(0)), (p_, add(p_, N(1)))])
    base = GenStep(f"s{s}a", "real", (a, "<=", c))
    var = draw.choice(["t", "_t", "k", "x", "u", "Dummy", "_k0", "__m0"])
    if var in params:
        var = "u"
    if var != "t":
        tags.add("name_collision")
    T = P(var)
    f, rel = draw.choice([(pw(T, N(2)), "<="), (fn("sqrt", T), "<="), (fn("log", T), "<="), (div(N(1), T), ">="),
                          (neg(T), ">="), (fn("exp", T), "<="), (fn("h", T), "<="), (fn("abs", T), "<="),
                          (pw(T, N(3)), "<="), (mul(T, n_), "<="), (fn("log", add(N(1), T)), "<=")])
    st, how = maybe_mutate((_subst(f, var, a), rel, _subst(f, var, c)), draw, 0.3)
    if how:
        tags.add("mutated_claim")
    steps += [base, GenStep(f"s{s}", "monotone", st, [base.id], {"function": render(f), "variable": var}, how)]


def _no_variables(pv, rng) -> Model:
    """The model of a parameter-only case: no random variables."""
    return Model([], {(): Fraction(1)})


def scenario_real(draw) -> Case:
    """Parameter-only facts: sums with empty and reversed ranges, (1 - 2p)^2 <= 1, h(p) <= 1, log(k - 1) >= 0."""
    tags: set[str] = set()
    params: dict[str, Domain] = {}
    pn = _pname(draw, "p")
    nn = _pname(draw, "n")
    if pn == nn:
        nn = "n" if pn != "n" else "m1"
    if pn != "p" or nn != "n":
        tags.add("name_collision")
    params[pn] = PROB_DOMAINS[draw.choice(list(PROB_DOMAINS))](pn)
    params[nn] = INT_DOMAINS[draw.choice(list(INT_DOMAINS))](nn)
    tags.update(params[pn].tags + params[nn].tags)
    p_, n_ = P(pn), P(nn)
    iv = draw.choice(["i", "i", "j", "t", "_t", "k"])
    if iv in (pn, nn):
        iv = "i" if "i" not in (pn, nn) else "jj"
    I_ = P(iv)
    kn = draw.choice(["k", "_k0", "m2"])
    if kn in (pn, nn, iv):
        kn = "m2"
    params[kn] = INT_DOMAINS[draw.choice(["ge0", "ge1", "any", "range"])](kn)
    k_ = P(kn)
    body = draw.choice([pw(p_, I_), add(I_, p_), mul(I_, I_), N(1)])
    steps = []
    for s in range(draw.integer(1, 4)):
        if draw.coin(0.15):
            _real_monotone(draw, steps, s, p_, n_, params, tags)
            continue
        st = draw.choice([
            # splitting, peeling and shifting sums: true in derive's convention only with ordered limits
            (Sum(body, iv, N(1), n_), "==", add(Sum(body, iv, N(1), k_), Sum(body, iv, add(k_, N(1)), n_))),
            (Sum(body, iv, N(1), n_), "==", add(Sum(body, iv, N(1), sub(n_, N(1))), _subst(body, iv, n_))),
            (Sum(body, iv, N(1), n_), "==", add(_subst(body, iv, N(1)), Sum(body, iv, N(2), n_))),
            (Sum(body, iv, N(1), n_), "==", Sum(_subst(body, iv, add(I_, N(1))), iv, N(0), sub(n_, N(1)))),
            (Sum(body, iv, k_, n_), "<=", Sum(body, iv, N(1), n_)),
            (Sum(N(1), iv, k_, n_), "==", add(sub(n_, k_), N(1))),
            (Sum(N(1), iv, N(3), N(1)), "==", N(0)),
            (Sum(I_, iv, N(1), n_), "==", div(mul(n_, add(n_, N(1))), N(2))),
            (Sum(N(1), iv, N(1), n_), "==", n_),
            (Sum(p_, iv, N(1), n_), "<=", n_),
            (Sum(pw(p_, I_), iv, N(0), n_), ">=", N(0)),
            (Sum(N(1), iv, n_, N(1)), "<=", N(1)),
            (pw(sub(N(1), mul(N(2), p_)), N(2)), "<=", N(1)),
            (fn("h", p_), "<=", N(1)),
            (fn("log", sub(n_, N(1))), ">=", N(0)),
            (mul(p_, fn("log", p_)), "<=", N(0)),
            (pw(sub(N(1), p_), n_), "<=", N(1)),
            (fn("sqrt", p_), "<=", N(1)),
            (div(N(1), n_), "<=", N(1)),
            (fn("min", p_, sub(N(1), p_)), "<=", N(Fraction(1, 2))),
            (fn("max", p_, sub(N(1), p_)), ">=", N(Fraction(1, 2))),
            (fn("abs", sub(N(1), mul(N(2), p_))), "<=", N(1)),
            (fn("exp", neg(p_)), "<=", N(1)),
            (fn("h", p_), ">=", mul(N(2), fn("min", p_, sub(N(1), p_)))),
            (fn("log2", add(N(1), p_)), "<=", p_),
            (fn("ln", add(N(1), p_)), "<=", p_),
            # undefined subterms that sympy's automatic folding would erase (sign of undefined expressions)
            (sub(fn("log", sub(p_, N(2))), fn("log", sub(p_, N(2)))), "==", N(0)),
            (sub(fn("h", add(p_, N(2))), fn("h", add(p_, N(2)))), ">=", N(0)),
            (pw(fn("sqrt", sub(p_, N(Fraction(1, 2)))), N(2)), "==", sub(p_, N(Fraction(1, 2)))),
            (div(sub(n_, N(1)), sub(n_, N(1))), "==", N(1)),
            (mul(N(0), fn("log", sub(n_, N(1)))), "<=", N(0)),
            (div(N(0), n_), "<=", N(1)),
            # Karr's convention for reversed limits (never derive's): these are false
            (Sum(N(1), iv, N(3), N(1)), "==", N(-1)),
            (Sum(I_, iv, N(3), N(1)), "==", N(-2)),
            (Sum(N(1), iv, n_, N(1)), "==", sub(N(2), n_)),
            (Sum(N(1), iv, add(n_, N(1)), n_), "==", N(0)),
            (Sum(N(1), iv, add(n_, N(2)), n_), ">=", N(0)),
            # a bound index named like a parameter (capture)
            (Sum(P(pn), pn, N(1), N(2)), "==", N(3)),
            (Sum(P(nn), nn, N(1), N(3)), "<=", mul(N(6), pw(P(nn), N(0)))),
            (add(Sum(P(pn), pn, N(1), N(2)), P(pn)), "<=", add(N(3), P(pn))),
        ])
        if st[0][0] == "sum" and st[0][2] in (pn, nn):
            tags.add("name_collision")
        if st[0][0] == "sum" and st[0][3] == N(3):
            tags.update({"reversed_range", "empty_range"})
        if st[0][0] == "sum" and st[0][3] == n_:
            tags.add("reversed_range")
        st, how = maybe_mutate(st, draw, 0.5)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", "real", st, [], {}, how))

    return Case("real", params, [], {}, [], steps, _no_variables, tags)


def scenario_real_curves(draw) -> Case:
    """Parameter-only claims aimed at the sign engine's kinks (abs, max, min), polynomials in two parameters
    (Bernstein coefficients) and monotone images (exp, log, sqrt, h), with constants drawn around each claim's
    threshold, so that about half are false somewhere on the domain."""
    tags: set[str] = {"real_curves"}
    pn, qn = "p", draw.choice(["q", "_q", "n"])
    params = {pn: PROB_DOMAINS[draw.choice(list(PROB_DOMAINS))](pn), qn: PROB_DOMAINS[draw.choice(list(PROB_DOMAINS))](qn)}
    tags.update(params[pn].tags + params[qn].tags)
    p_, q_ = P(pn), P(qn)
    steps = []
    for s in range(draw.integer(1, 3)):
        c = N(draw.choice([Fraction(1, 8), Fraction(1, 4), Fraction(3, 8), Fraction(9, 25), Fraction(37, 100),
                           Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(2)]))
        st = draw.choice([
            (add(fn("abs", sub(p_, N(Fraction(1, 2)))), mul(N(Fraction(1, 2)), p_)), ">=", c),
            (fn("max", p_, sub(N(1), p_)), ">=", c),
            (add(fn("min", p_, sub(N(1), p_)), fn("abs", sub(q_, p_))), "<=", c),
            (add(mul(p_, q_), mul(sub(N(1), p_), sub(N(1), q_))), "<=", c),
            (mul(mul(p_, sub(N(1), p_)), mul(q_, sub(N(1), q_))), "<=", mul(c, N(Fraction(1, 8)))),
            (add(p_, sub(q_, mul(N(2), mul(p_, q_)))), ">=", sub(c, N(1))),
            (mul(p_, fn("exp", neg(p_))), "<=", c),
            (fn("h", p_), "<=", mul(mul(N(4), c), fn("sqrt", mul(p_, sub(N(1), p_))))),
            (fn("h", p_), ">=", mul(mul(N(8), c), mul(p_, sub(N(1), p_)))),
            (mul(p_, fn("ln", add(p_, N(Fraction(1, 4))))), ">=", neg(c)),
            (fn("exp", p_), "<=", add(N(1), mul(mul(N(2), c), p_))),
            (fn("sqrt", add(p_, q_)), "<=", add(c, N(1))),
        ])
        st, how = maybe_mutate(st, draw, 0.3)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", "real", st, [], {}, how))

    return Case("real_curves", params, [], {}, [], steps, _no_variables, tags)


#: Domains whose sample points include points far out and very near 0 (``Domain.sample`` picks an edge 40% of the
#: time): a claim true on a grid but false only as ``n -> oo`` or ``p -> 0`` is seen there.
FAR_DOMAINS = {
    "int_half_line": lambda x: Domain("integer >= 1", (_F(1), _F(2), _F(10**6), _F(10**12)), _F(1), _F(12), True),
    "int_half_line2": lambda x: Domain("integer >= 2", (_F(2), _F(7), _F(10**9)), _F(2), _F(12), True),
    "real_half_line": lambda x: Domain(f"{x} >= 1", (_F(1), _F(10**6), _F(10**12)), _F(1), _F(12)),
    "near_zero": lambda x: Domain(f"0 < {x} <= 1", (_F(1, 10**9), _F(1, 10**30), _F(1)), _F(1, 100), _F(1)),
    "near_zero_half": lambda x: Domain(f"0 < {x} <= 1/2", (_F(1, 10**9), _F(1, 10**30), _F(1, 2)), _F(1, 100),
                                       _F(1, 2)),
    "open_half_line": lambda x: Domain(f"{x} > 0", (_F(1, 10**30), _F(3, 8), _F(10**6)), _F(1, 100), _F(3)),
}


def scenario_real_limits(draw) -> Case:
    """Parameter-only claims whose truth is decided at a limit: ``n ln(1 + 1/n) <= c`` (sup 1 as ``n -> oo``),
    ``p ln(1/p) <= c sqrt(p)`` (max 2/e), ``h(p)`` against ``p log(e/p)`` near 0, ``ln n <= c sqrt(n)``, ``(1 -
    p)^n`` against ``exp(-c p n)``, ``x ln x >= -c`` (min -1/e): the sign engine's half-lines, ``x ln x`` at 0 and
    powers with a symbolic exponent, Bernoulli's ``(1 - p)^n >= 1 - c n p`` (two parameters: the mean value step
    with one held). Constants are drawn on both sides of each threshold and the domains sample
    far points and points near 0 (:data:`FAR_DOMAINS`), so a claim false only in the limit is seen."""
    tags: set[str] = {"real_limits"}
    nn, pn, xn, yn = draw.choice([("n", "p", "x", "y"), ("n", "p", "t", "_t"), ("k", "_p", "x", "E"),
                                  ("m1", "q", "sin", "lamda")])
    if (nn, pn, xn, yn) != ("n", "p", "x", "y"):
        tags.add("name_collision")
    n_, p_, x_, y_ = P(nn), P(pn), P(xn), P(yn)
    params = {nn: FAR_DOMAINS[draw.choice(["int_half_line", "int_half_line", "int_half_line2"])](nn),
              pn: FAR_DOMAINS[draw.choice(["near_zero", "near_zero_half"])](pn),
              xn: FAR_DOMAINS["real_half_line"](xn), yn: FAR_DOMAINS["open_half_line"](yn)}

    def c(*options) -> tuple:
        return N(draw.choice([Fraction(o) for o in options]))

    steps = []
    for s in range(draw.integer(1, 3)):
        st = draw.choice([
            (mul(n_, fn("ln", add(N(1), div(N(1), n_)))), "<=", c(1, "999/1000", "1001/1000")),
            (mul(n_, fn("ln", sub(N(1), div(N(1), add(n_, N(1)))))), "<=", neg(c(1, "999/1000", "1001/1000"))),
            (mul(x_, fn("ln", add(N(1), div(N(1), add(x_, N(1)))))), "<=", c(1, "999/1000")),
            (mul(n_, sub(N(1), fn("exp", neg(div(N(1), n_))))), "<=", c(1, "999/1000")),
            (mul(p_, fn("ln", div(N(1), p_))), "<=", mul(c(1, "3/4", "7/10"), fn("sqrt", p_))),
            (fn("h", p_), "<=", mul(c(1, "99/100"), mul(p_, fn("log", div(fn("exp", N(1)), p_))))),
            (fn("ln", n_), "<=", mul(c(1, "3/4", "7/10"), fn("sqrt", n_))),
            (fn("ln", x_), "<=", mul(c(1, "3/4", "7/10"), fn("sqrt", x_))),
            (pw(sub(N(1), p_), n_), "<=", fn("exp", neg(mul(c(1, "101/100", "9/10"), mul(p_, n_))))),
            (pw(add(N(1), p_), n_), "<=", fn("exp", mul(c(1, "9/10"), mul(p_, n_)))),
            (mul(y_, fn("ln", y_)), ">=", neg(c("1/2", "37/100", "9/25"))),
            (mul(pw(y_, N(2)), fn("ln", add(y_, pw(y_, N(3))))), ">=", neg(c("1/2", "1/10", "1/100"))),
            (mul(mul(N(8), p_), fn("log", div(N(10), p_))), "<=", c(1, "4/5", "3/4")),
            (pw(add(N(1), div(N(1), n_)), n_), "<=", draw.choice([fn("exp", N(1)), N(Fraction(27, 10)),
                                                                   N(Fraction(2719, 1000))])),
            (pw(add(N(1), div(N(1), n_)), add(n_, N(1))), ">=", draw.choice([fn("exp", N(1)), N(Fraction(2719, 1000))])),
            (mul(p_, fn("ln", p_)), ">=", neg(mul(c(1, "1/2"), fn("sqrt", p_)))),
            (pw(sub(N(1), p_), n_), ">=", sub(N(1), mul(c(1, "99/100", "1/2", "3/2"), mul(n_, p_)))),  # Bernoulli
            (pw(add(N(1), p_), n_), ">=", add(N(1), mul(c(1, "101/100", "1/2"), mul(n_, p_)))),
        ])
        st, how = maybe_mutate(st, draw, 0.3)
        if how:
            tags.add("mutated_claim")
        steps.append(GenStep(f"s{s}", "real", st, [], {}, how))

    return Case("real_limits", params, [], {}, [], steps, _no_variables, tags)


SCENARIOS: dict[str, Callable] = {
    "markov": scenario_markov, "family": scenario_family, "chain_family": scenario_chain_family,
    "tensorization": scenario_tensorization, "awgn": scenario_awgn, "fano": scenario_fano,
    "pinsker": scenario_pinsker, "independence": scenario_independence, "real": scenario_real,
    "real_curves": scenario_real_curves, "real_limits": scenario_real_limits,
}

_WEIGHTS = ["markov"] * 4 + ["family"] * 3 + ["chain_family"] * 2 + ["tensorization"] * 2 + ["awgn", "fano",
           "pinsker", "independence", "real", "real_curves", "real_limits"]


def generate_case(draw) -> Case:
    """One random proof file (see the module docstring)."""
    scen = draw.choice(_WEIGHTS)
    case = SCENARIOS[scen](draw)
    if draw.coin(0.4):
        _add_theorem(case, draw)
    return case


def _add_theorem(case: Case, draw) -> None:
    """A ``[theorem]`` composed from one or two steps: their sum (or one of them), often mutated."""
    ineq = [s for s in case.steps if s.statement[1] in ("<=", ">=")]
    if not ineq:
        return
    le = {x.id: ((x.statement[0], x.statement[2]) if x.statement[1] == "<=" else (x.statement[2], x.statement[0]))
          for x in ineq}
    chains = []
    for x in ineq:                      # x: A <= c * Q  and  y: Q <= R  give  A <= c * R
        lx, rx = le[x.id]
        coeff, q = (rx[1], rx[2]) if rx[0] == "*" else (None, rx)
        for y in ineq:
            if y.id != x.id and le[y.id][0] == q:
                chains.append((x, y, coeff))
    if chains and draw.coin(0.6):
        x, y, coeff = draw.choice(chains)
        rhs = le[y.id][1] if coeff is None else mul(coeff, le[y.id][1])
        st, how = maybe_mutate((le[x.id][0], "<=", rhs), draw, 0.5)
        if how:
            case.tags.add("mutated_claim")
        case.theorem = GenStep("theorem", "compose", st, [x.id, y.id], {}, how)
        return
    a = draw.choice(ineq)
    la, ra = le[a.id]
    uses = [a.id]
    if len(ineq) > 1 and draw.coin(0.5):
        c = draw.choice(ineq)
        if c.id != a.id:
            lc, rc = (c.statement[0], c.statement[2]) if c.statement[1] == "<=" else (c.statement[2], c.statement[0])
            la, ra = add(la, lc), add(ra, rc)
            uses.append(c.id)
    st, how = maybe_mutate((la, "<=", ra), draw, 0.6)
    if how:
        case.tags.add("mutated_claim")
    case.theorem = GenStep("theorem", "compose", st, uses, {}, how)


def cases():
    """A hypothesis strategy of :class:`Case` (shrinks to small, early choices)."""
    from hypothesis import strategies as st

    @st.composite
    def _cases(draw):
        return generate_case(HypothesisDraw(draw))
    return _cases()


# ----------------------------------------------------------------------------- oracle

ACCEPTED = ("proved", "assumed")


@dataclass
class CaseResult:
    """What happened to one generated file."""

    scenario: str
    tags: set[str]
    read_error: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    #: Steps the report warns may name variables outside their family's range.
    out_of_range: tuple[str, ...] = ()
    rules: dict[str, str] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    models: int = 0
    no_model: bool = False
    false_accepts: list[dict] = field(default_factory=list)
    suspects: list[dict] = field(default_factory=list)
    undefined_accepts: list[dict] = field(default_factory=list)
    #: Undefined on a model, and the report warns that the step may name variables outside their range.
    flagged_undefined: list[dict] = field(default_factory=list)
    vacuous_accepts: list[str] = field(default_factory=list)
    error: str | None = None
    text: str = ""


def _models(case: Case, rng: random.Random, count: int, tries: int) -> list:
    out = []
    for _ in range(tries):
        if len(out) >= count:
            break
        pv = _param_values(case, rng)
        try:
            model = case.build(pv, rng)
        except NoModel:
            continue
        model.params = dict(pv)
        model.units = case.units
        if not model.families and case.families:
            pass
        ok = True
        for hid, st in case.assumes.items():
            if evaluate_statement(st, model).outcome != "holds":
                ok = False
        if ok:
            out.append(model)
    return out


def _kernel(text: str, timeout: float) -> dict[str, str]:
    return _kernel_report(text, timeout)[0]


def _kernel_report(text: str, timeout: float) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each step's status (``..._on_unproved`` when it rests on a step not accepted) and the ids of the steps the
    report warns may name variables outside their family's range (:meth:`derive.proof.Proof.range_problems`)."""
    from derive.checking import check
    from derive.io import read_proof_text

    proof = read_proof_text(text, "<generated>")
    checked = check(proof, timeout=timeout, vacuity=False)
    out = {}
    results = list(checked.report.steps) + ([checked.report.theorem] if checked.report.theorem else [])
    for s in results:
        # a step resting on a premise that is not accepted is not an accepted fact, whatever its own status
        out[s.id] = s.status if not s.depends_on_unproved else f"{s.status}_on_unproved"
    if "theorem" in out and out["theorem"] == "ok":
        out["theorem"] = "proved"
    return out, tuple(proof.range_problems())


def audit_case(case: Case, rng: random.Random, *, models: int = 6, timeout: float = 10.0,
               minimize_found: bool = True) -> CaseResult:
    """Run ``case`` through the kernel and test every accepted step on up to ``models`` models."""
    from derive.errors import DeriveError

    text = case.text()
    res = CaseResult(case.scenario, set(case.tags), text=text)
    res.rules = {s.id: s.rule for s in case.all_steps()}
    try:
        res.statuses, res.out_of_range = _kernel_report(text, timeout)
    except DeriveError as err:
        res.read_error = f"{type(err).__name__}: {err}"
        return res
    by_id = {s.id: s for s in case.all_steps()}
    res.accepted = [sid for sid, st in res.statuses.items() if st in ACCEPTED and _premises_accepted(sid, by_id, res.statuses)]
    if not res.accepted:
        return res
    found = _models(case, rng, models, tries=models * 6)
    res.models = len(found)
    if not found:
        res.no_model = True
        res.vacuous_accepts = list(res.accepted)
        return res
    for sid in res.accepted:
        step = by_id[sid]
        for model in found:
            verdict = evaluate_statement(step.statement, model)
            rec = {"step": sid, "rule": step.rule, "claim": render_statement(step.statement),
                   "mutation": step.mutated, "model": model.describe(), "detail": verdict.detail,
                   "slack": verdict.slack}
            if verdict.outcome == "violated":
                if minimize_found:
                    rec["proof_text"] = minimize(case, sid, model, timeout)
                else:
                    rec["proof_text"] = text
                res.false_accepts.append(rec)
                break
            if verdict.outcome == "suspect":
                rec["proof_text"] = text
                res.suspects.append(rec)
                break
            if verdict.outcome == "undefined":
                rec["proof_text"] = text
                # a step the report already says may name variables that do not exist is flagged, not silent
                (res.flagged_undefined if sid in res.out_of_range else res.undefined_accepts).append(rec)
                break
    return res


def _premises_accepted(sid: str, by_id: dict, statuses: dict) -> bool:
    """Every step ``sid`` rests on (transitively) is accepted too."""
    seen, todo = set(), list(by_id[sid].uses) if sid in by_id else []
    while todo:
        x = todo.pop()
        if x in seen or x not in by_id:
            continue
        seen.add(x)
        if statuses.get(x) not in ACCEPTED:
            return False
        todo += by_id[x].uses
    return True


def minimize(case: Case, sid: str, model, timeout: float) -> str:
    """The smallest proof text (only ``sid``, its premises and the hypotheses they use) that the kernel still
    accepts at ``sid``; falls back to the full text."""
    by_id = {s.id: s for s in case.all_steps()}
    need, todo = set(), [sid]
    while todo:
        x = todo.pop()
        if x in need or x not in by_id:
            continue
        need.add(x)
        todo += by_id[x].uses
    steps = [s for s in case.steps if s.id in need]
    used = {u for s in steps for u in s.uses}
    hyps = [h for h in case.hypotheses if h[0] in used]
    for cand_hyps in (hyps, case.hypotheses):
        text = case.text(steps, cand_hyps, theorem=sid == "theorem")
        try:
            if _kernel(text, timeout).get(sid) in ACCEPTED:
                return text
        except Exception:  # noqa: BLE001 - minimization is best effort
            pass
    return case.text()


@dataclass
class GeneratedReport:
    """Summary of a generated run."""

    files: int = 0
    seed: int = 0
    read_errors: int = 0
    steps: int = 0
    accepted: int = 0
    tested: int = 0
    no_model_files: int = 0
    vacuous_accepts: int = 0
    per_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)
    false_accepts: list[dict] = field(default_factory=list)
    suspects: list[dict] = field(default_factory=list)
    undefined_accepts: list[dict] = field(default_factory=list)
    #: Undefined on a model where the report already warns the step may name variables outside their range.
    flagged_undefined: int = 0
    errors: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"files": self.files, "seed": self.seed, "read_errors": self.read_errors, "steps": self.steps,
                "accepted": self.accepted, "tested_on_models": self.tested, "no_model_files": self.no_model_files,
                "vacuous_accepts": self.vacuous_accepts, "per_rule": self.per_rule, "categories": self.categories,
                "scenarios": self.scenarios, "false_accepts": self.false_accepts, "suspects": self.suspects,
                "undefined_accepts": self.undefined_accepts, "flagged_undefined": self.flagged_undefined,
                "errors": self.errors, "seconds": round(self.seconds, 2)}


def run_generated(count: int, seed: int = 0, *, models: int = 6, timeout: float = 10.0,
                  progress: Callable[[int, CaseResult], None] | None = None,
                  on_false_accept: Callable[[int, dict], None] | None = None) -> GeneratedReport:
    """Generate ``count`` proof files from ``seed`` and audit each (see :func:`audit_case`).

    File ``k`` is drawn from ``random.Random(f"{seed}:{k}")``, so every file can be regenerated alone."""
    rep = GeneratedReport(seed=seed)
    t0 = time.monotonic()
    for k in range(count):
        rng = random.Random(f"{seed}:{k}")
        try:
            case = generate_case(RandomDraw(rng))
        except NoModel:
            continue
        rep.files += 1
        rep.scenarios[case.scenario] = rep.scenarios.get(case.scenario, 0) + 1
        for t in case.tags:
            rep.categories[t] = rep.categories.get(t, 0) + 1
        try:
            res = audit_case(case, random.Random(f"models:{seed}:{k}"), models=models, timeout=timeout)
        except Exception as err:  # noqa: BLE001 - an internal error is reported, the run goes on
            rep.errors.append({"file": k, "error": f"{type(err).__name__}: {err}", "proof_text": case.text()})
            continue
        if res.read_error:
            rep.read_errors += 1
        for sid, rule in res.rules.items():
            st = res.statuses.get(sid, "not_read")
            rep.steps += 1
            rep.per_rule.setdefault(rule, {})
            rep.per_rule[rule][st] = rep.per_rule[rule].get(st, 0) + 1
        rep.accepted += len(res.accepted)
        if res.no_model:
            rep.no_model_files += 1
            rep.vacuous_accepts += len(res.vacuous_accepts)
        elif res.accepted:
            rep.tested += len(res.accepted)
        for fa in res.false_accepts:
            fa = {"file": k, "seed": seed, "scenario": case.scenario, **fa}
            rep.false_accepts.append(fa)
            if on_false_accept:
                on_false_accept(k, fa)
        rep.suspects += [{"file": k, **x} for x in res.suspects]
        rep.undefined_accepts += [{"file": k, **x} for x in res.undefined_accepts]
        rep.flagged_undefined += len(res.flagged_undefined)
        if progress:
            progress(k, res)
    rep.seconds = time.monotonic() - t0
    return rep
