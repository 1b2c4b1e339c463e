"""An independent evaluator of derive statements on concrete models (the oracle of ``derive audit --generate``).

This module implements the *written* semantics of ``DESIGN.md`` ("Semantics the kernel relies on") without
using the kernel, ``derive.core`` or sympy: statements are small trees (tuples) that
:mod:`derive.audit.generate` builds and renders to proof-file text, and that this module evaluates on a
concrete model of the hypotheses:

* ``sum(e, i, lo, hi)`` is the sum over the integers ``lo <= i <= hi``; empty (``0``) when ``hi < lo``;
  limits that are not integers make the statement undefined (never Karr's convention for reversed limits);
* ``X[a..b]`` is the block of members ``a..b``, empty when ``b < a``; a member or block outside the
  declared range of the family is undefined;
* ``H``, ``I`` on a discrete model: exact rational joint pmfs, logarithms enclosed by arb intervals
  (python-flint); on a jointly Gaussian model (AWGN), differential entropies from exact rational covariance
  determinants; ``D`` and ``TV`` on explicit pmfs;
* ``log`` is in the proof's units (bits or nats), ``h`` is the binary entropy in the same units (undefined
  outside ``[0, 1]``), ``log``/``ln`` of a non-positive number, ``sqrt`` of a negative one and division by
  zero are undefined (:class:`Undefined`).

A violation is **certified** when the arb enclosure of ``rhs - lhs`` lies strictly on the wrong side of 0
(for ``==``: excludes 0); a violation whose enclosure is not decisive is only *suspected*.

Tree grammar (every node a tuple)::

    ("n", Fraction)            a number          ("p", name)      a parameter or bound index
    ("+", a, b) ("-", a, b) ("*", a, b) ("/", a, b) ("^", a, b) ("neg", a)
    ("f", name, (args...))     log, log2, ln, exp, sqrt, h, min, max, abs
    ("sum", body, index, lo, hi)
    ("H", vars, given)  ("I", vars, vars, given)  ("D", P, Q)  ("TV", P, Q)
    vars: tuple of ("v", X) | ("m", F, index_tree) | ("b", F, lo_tree, hi_tree)
    statement: (lhs, rel, rhs) with rel in "<=", ">=", "=="
"""

from __future__ import annotations

from derive.errors import Undefined

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import flint

__all__ = [
    "Undefined", "Model", "GaussianModel", "evaluate", "evaluate_statement", "Verdict", "render", "render_statement",
    "render_vars", "N", "P", "add", "sub", "mul", "div", "pw", "neg", "fn", "Sum", "Hq", "Iq", "Dq", "TVq",
    "v", "m", "b", "pmf_entropy", "binary_entropy", "joint_from_bayes_net", "channel_matrix", "PREC",
]

#: Bits of working precision of the arb enclosures.
PREC = 128
flint.ctx.prec = PREC





# ----------------------------------------------------------------------------- constructors

def N(x) -> tuple:
    return ("n", Fraction(x))


def P(name: str) -> tuple:
    return ("p", name)


def add(a, b):
    return ("+", a, b)


def sub(a, b):
    return ("-", a, b)


def mul(a, b):
    return ("*", a, b)


def div(a, b):
    return ("/", a, b)


def pw(a, b):
    return ("^", a, b)


def neg(a):
    return ("neg", a)


def fn(name: str, *args):
    return ("f", name, tuple(args))


def Sum(body, index: str, lo, hi):
    return ("sum", body, index, lo, hi)


def Hq(vs, given=()):
    return ("H", tuple(vs), tuple(given))


def Iq(a, bb, given=()):
    return ("I", tuple(a), tuple(bb), tuple(given))


def Dq(p: str, q: str):
    return ("D", p, q)


def TVq(p: str, q: str):
    return ("TV", p, q)


def v(name: str):
    return ("v", name)


def m(fam: str, index):
    return ("m", fam, index)


def b(fam: str, lo, hi):
    return ("b", fam, lo, hi)


# ----------------------------------------------------------------------------- rendering

def _num(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator) if x >= 0 else f"({x.numerator})"
    return f"({x.numerator}/{x.denominator})"


def render(e) -> str:
    """Proof-file text of a tree (fully parenthesized: the reader's precedence never matters)."""
    k = e[0]
    if k == "n":
        return _num(e[1])
    if k == "p":
        return e[1]
    if k in ("+", "-", "*", "/", "^"):
        return f"({render(e[1])} {k} {render(e[2])})"
    if k == "neg":
        return f"(-{render(e[1])})"
    if k == "f":
        return f"{e[1]}({', '.join(render(a) for a in e[2])})"
    if k == "sum":
        return f"sum({render(e[1])}, {e[2]}, {render(e[3])}, {render(e[4])})"
    if k == "H":
        g = f" | {render_vars(e[2])}" if e[2] else ""
        return f"H({render_vars(e[1])}{g})"
    if k == "I":
        g = f" | {render_vars(e[3])}" if e[3] else ""
        return f"I({render_vars(e[1])}; {render_vars(e[2])}{g})"
    if k == "D":
        return f"D({e[1]} || {e[2]})"
    if k == "TV":
        return f"TV({e[1]}, {e[2]})"
    raise ValueError(f"unknown node {k!r}")


def _index_text(e) -> str:
    t = render(e)
    return t[1:-1] if t.startswith("(") and t.endswith(")") and e[0] in ("+", "-") else t


def render_vars(vs) -> str:
    out = []
    for x in vs:
        if x[0] == "v":
            out.append(x[1])
        elif x[0] == "m":
            out.append(f"{x[1]}[{_index_text(x[2])}]")
        else:
            out.append(f"{x[1]}[{_index_text(x[2])}..{_index_text(x[3])}]")
    return ", ".join(out)


def render_statement(st) -> str:
    lhs, rel, rhs = st
    return f"{render(lhs)} {rel} {render(rhs)}"


# ----------------------------------------------------------------------------- models

def pmf_entropy(probs, units: str = "bits") -> flint.arb:
    """``-Σ p log p`` of exact probabilities (arb enclosure; 0 log 0 = 0)."""
    total = flint.arb(0)
    for p in probs:
        if p:
            a = flint.arb(p.numerator) / p.denominator
            total -= a * a.log()
    return total / flint.arb(2).log() if units == "bits" else total


def channel_matrix(kind: str, args: tuple) -> list[list[Fraction]]:
    """Rows p(y | x) of a channel, from the written definitions in DESIGN.md."""
    if kind == "BSC":
        (p,) = args
        return [[1 - p, p], [p, 1 - p]]
    if kind == "BEC":
        (e,) = args
        return [[1 - e, Fraction(0), e], [Fraction(0), 1 - e, e]]
    if kind == "Z":
        (p,) = args
        return [[Fraction(1), Fraction(0)], [p, 1 - p]]
    if kind == "QSC":
        q, p = args
        q = int(q)
        return [[(1 - p) if x == y else p / (q - 1) for y in range(q)] for x in range(q)]
    if kind == "matrix":
        return [list(map(Fraction, row)) for row in args[0]]
    raise ValueError(kind)


def joint_from_bayes_net(nodes: list[tuple[str, tuple[str, ...], Callable[[tuple], list[Fraction]], int]]
                         ) -> "Model":
    """Joint pmf of a Bayesian network: ``nodes`` in topological order, each ``(name, parents, cpt, size)``
    where ``cpt(parent_values)`` returns p(name = 0..size-1 | parents)."""
    names = [n for n, _, _, _ in nodes]
    pos = {n: k for k, n in enumerate(names)}
    pmf: dict[tuple, Fraction] = {(): Fraction(1)}
    for name, parents, cpt, size in nodes:
        new: dict[tuple, Fraction] = {}
        for outcome, p in pmf.items():
            row = cpt(tuple(outcome[pos[q]] for q in parents))
            if len(row) != size or sum(row) != 1 or any(r < 0 for r in row):
                raise ValueError(f"bad conditional pmf for {name}: {row}")
            for y, r in enumerate(row):
                if r:
                    new[outcome + (y,)] = p * r
        pmf = new
    return Model(names, pmf)


@dataclass
class Model:
    """A discrete model: exact joint pmf over named atomic variables (``"X"``, ``"S[3]"``)."""

    names: list[str]
    pmf: dict[tuple, Fraction]
    params: dict[str, Fraction] = field(default_factory=dict)
    families: dict[str, tuple[int, int]] = field(default_factory=dict)
    distributions: dict[str, list[Fraction]] = field(default_factory=dict)
    units: str = "bits"
    continuous: bool = False
    _cache: dict = field(default_factory=dict, repr=False)

    def entropy(self, subset: frozenset[str]) -> flint.arb:
        if not subset:
            return flint.arb(0)
        key = subset
        if key not in self._cache:
            idx = [k for k, n in enumerate(self.names) if n in subset]
            if len(idx) != len(subset):
                missing = subset - set(self.names)
                raise Undefined(f"no variable {sorted(missing)} in the model")
            marg: dict[tuple, Fraction] = {}
            for o, p in self.pmf.items():
                t = tuple(o[k] for k in idx)
                marg[t] = marg.get(t, 0) + p
            self._cache[key] = pmf_entropy(marg.values(), "nats")
        h = self._cache[key]
        return h / flint.arb(2).log() if self.units == "bits" else h

    def describe(self) -> dict:
        return {"kind": "discrete", "variables": self.names, "params": {k: str(x) for k, x in self.params.items()},
                "pmf": {",".join(map(str, o)): str(p) for o, p in sorted(self.pmf.items())},
                "distributions": {k: [str(x) for x in d] for k, d in self.distributions.items()}}


@dataclass
class GaussianModel:
    """A jointly Gaussian model (continuous variables) with an exact rational covariance matrix."""

    names: list[str]
    cov: list[list[Fraction]]
    params: dict[str, Fraction] = field(default_factory=dict)
    families: dict[str, tuple[int, int]] = field(default_factory=dict)
    distributions: dict[str, list[Fraction]] = field(default_factory=dict)
    units: str = "bits"
    continuous: bool = True

    def entropy(self, subset: frozenset[str], drop_constants: bool = False) -> flint.arb:
        """Differential entropy; ``drop_constants``: leave out variables of variance 0 (they carry no
        information: used for mutual information only, where they cancel)."""
        if drop_constants:
            subset = frozenset(n for n in subset if self.cov[self.names.index(n)][self.names.index(n)] != 0)
        if not subset:
            return flint.arb(0)
        idx = [k for k, n in enumerate(self.names) if n in subset]
        if len(idx) != len(subset):
            raise Undefined("variable not in the Gaussian model")
        det = _det([[self.cov[i][j] for j in idx] for i in idx])
        if det <= 0:
            raise Undefined("degenerate Gaussian: differential entropy is -infinity")
        k = len(idx)
        two_pi_e = 2 * flint.arb.pi() * flint.arb(1).exp()
        h = (two_pi_e ** k * (flint.arb(det.numerator) / det.denominator)).log() / 2
        return h / flint.arb(2).log() if self.units == "bits" else h

    def describe(self) -> dict:
        return {"kind": "gaussian", "variables": self.names, "params": {k: str(x) for k, x in self.params.items()},
                "covariance": [[str(x) for x in row] for row in self.cov]}


def _det(a: list[list[Fraction]]) -> Fraction:
    a = [row[:] for row in a]
    n = len(a)
    det = Fraction(1)
    for c in range(n):
        piv = next((r for r in range(c, n) if a[r][c] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != c:
            a[c], a[piv] = a[piv], a[c]
            det = -det
        det *= a[c][c]
        for r in range(c + 1, n):
            f = a[r][c] / a[c][c]
            if f:
                for k in range(c, n):
                    a[r][k] -= f * a[c][k]
    return det


# ----------------------------------------------------------------------------- evaluation

def _arb(x) -> flint.arb:
    if isinstance(x, flint.arb):
        return x
    x = Fraction(x)
    return flint.arb(x.numerator) / x.denominator


def _exact(e, env: dict) -> Fraction | None:
    """The exact rational value of a parameter-only polynomial-like tree, else None."""
    k = e[0]
    if k == "n":
        return e[1]
    if k == "p":
        x = env.get(e[1])
        return x if isinstance(x, Fraction) else (Fraction(x) if isinstance(x, int) else None)
    if k in ("+", "-", "*", "/"):
        a, c = _exact(e[1], env), _exact(e[2], env)
        if a is None or c is None:
            return None
        if k == "+":
            return a + c
        if k == "-":
            return a - c
        if k == "*":
            return a * c
        if c == 0:
            raise Undefined("division by zero")
        return a / c
    if k == "neg":
        a = _exact(e[1], env)
        return None if a is None else -a
    if k == "^":
        a, c = _exact(e[1], env), _exact(e[2], env)
        if a is None or c is None or c.denominator != 1 or abs(c) > 4000:
            return None
        if a == 0 and c < 0:
            raise Undefined("0 to a negative power")
        if a == 0 and c == 0:
            return Fraction(1)
        return a ** int(c)
    if k == "sum":
        lo, hi = _int_limit(e[3], env), _int_limit(e[4], env)
        total = Fraction(0)
        for i in range(lo, hi + 1):
            x = _exact(e[1], {**env, e[2]: Fraction(i)})
            if x is None:
                return None
            total += x
        return total
    return None


def _int_limit(e, env) -> int:
    x = _exact(e, env)
    if x is None or x.denominator != 1:
        raise Undefined(f"a non-integer index or limit {render(e)} = {x}")
    return int(x)


def _atoms(vs, env: dict, model) -> frozenset[str]:
    out: set[str] = set()
    for x in vs:
        if x[0] == "v":
            if x[1] in model.families:
                lo, hi = model.families[x[1]]
                out.update(f"{x[1]}[{i}]" for i in range(lo, hi + 1))
            else:
                out.add(x[1])
            continue
        fam = x[1]
        if fam not in model.families:
            raise Undefined(f"no family {fam}")
        flo, fhi = model.families[fam]
        if x[0] == "m":
            i = _int_limit(x[2], env)
            if not flo <= i <= fhi:
                raise Undefined(f"{fam}[{i}] is outside the declared range {flo}..{fhi}")
            out.add(f"{fam}[{i}]")
        else:
            lo, hi = _int_limit(x[2], env), _int_limit(x[3], env)
            if hi < lo:
                continue  # the empty block
            if lo < flo or hi > fhi:
                raise Undefined(f"{fam}[{lo}..{hi}] is outside the declared range {flo}..{fhi}")
            out.update(f"{fam}[{i}]" for i in range(lo, hi + 1))
    return frozenset(out)


def _log(x: flint.arb, units: str) -> flint.arb:
    if not x > 0:
        if x <= 0:
            raise Undefined("log of a non-positive number")
        raise Undefined("log of a number not certainly positive")
    return x.log() / flint.arb(2).log() if units == "bits" else x.log()


def _h(x: flint.arb, units: str, exact: Fraction | None) -> flint.arb:
    if exact is not None:
        if exact < 0 or exact > 1:
            raise Undefined("h outside [0, 1]")
        if exact in (0, 1):
            return flint.arb(0)
        return pmf_entropy([exact, 1 - exact], units)
    if not (x > 0 and x < 1):
        raise Undefined("h of a value not certainly inside (0, 1)")
    val = -(x * x.log() + (1 - x) * (1 - x).log())
    return val / flint.arb(2).log() if units == "bits" else val


binary_entropy = lambda x, units="bits": _h(_arb(x), units, Fraction(x) if not isinstance(x, flint.arb) else None)  # noqa: E731


def evaluate(e, model, env: dict | None = None) -> flint.arb:
    """The value of tree ``e`` on ``model`` (parameters from ``model.params``, bound indices from ``env``)."""
    env = dict(model.params) if env is None else env
    ex = _exact(e, env)
    if ex is not None:
        return _arb(ex)
    k = e[0]
    units = model.units
    if k == "p":
        raise Undefined(f"unknown name {e[1]}")
    if k in ("+", "-", "*", "/", "^"):
        a = evaluate(e[1], model, env)
        if k == "^":
            ce = _exact(e[2], env)
            if ce is not None and ce.denominator == 1:
                if a.contains(0) and ce < 0:
                    raise Undefined("0 to a negative power")
                return a ** int(ce)
            c = evaluate(e[2], model, env)
            if not a > 0:
                raise Undefined("a real power of a number not certainly positive")
            return (c * a.log()).exp()
        c = evaluate(e[2], model, env)
        if k == "+":
            return a + c
        if k == "-":
            return a - c
        if k == "*":
            return a * c
        if c.contains(0):
            raise Undefined("division by a number that may be zero")
        return a / c
    if k == "neg":
        return -evaluate(e[1], model, env)
    if k == "f":
        name, args = e[1], e[2]
        vals = [evaluate(a, model, env) for a in args]
        if name == "log":
            return _log(vals[0], units)
        if name == "log2":
            return _log(vals[0], "bits")
        if name == "ln":
            return _log(vals[0], "nats")
        if name == "exp":
            return vals[0].exp()
        if name == "sqrt":
            x = vals[0]
            if x < 0:
                raise Undefined("sqrt of a negative number")
            if not x >= 0:  # the enclosure straddles 0
                return flint.arb(0).union(flint.arb(x.upper()).sqrt())
            return x.sqrt()
        if name == "h":
            return _h(vals[0], units, _exact(args[0], env))
        if name == "abs":
            return abs(vals[0])
        if name in ("min", "max"):
            out = vals[0]
            for x in vals[1:]:
                out = _minmax(out, x, name)
            return out
        raise Undefined(f"unknown function {name}")
    if k == "sum":
        lo, hi = _int_limit(e[3], env), _int_limit(e[4], env)
        total = flint.arb(0)
        for i in range(lo, hi + 1):
            total += evaluate(e[1], model, {**env, e[2]: Fraction(i)})
        return total
    if k == "H":
        a, g = _atoms(e[1], env, model), _atoms(e[2], env, model)
        if isinstance(model, GaussianModel) and a & g:
            raise Undefined("the differential entropy of a continuous variable given itself is -infinity")
        return model.entropy(a | g) - model.entropy(g)
    if k == "I":
        a, c, g = _atoms(e[1], env, model), _atoms(e[2], env, model), _atoms(e[3], env, model)
        if isinstance(model, GaussianModel):
            if (a & c) - g:
                raise Undefined("I(X; X) of a continuous variable is infinite")
            ent = lambda x: model.entropy(x, drop_constants=True)  # noqa: E731
        else:
            ent = model.entropy
        return ent(a | g) + ent(c | g) - ent(a | c | g) - ent(g)
    if k == "D":
        p, q = model.distributions[e[1]], model.distributions[e[2]]
        total = flint.arb(0)
        for x, y in zip(p, q):
            if x:
                if not y:
                    raise Undefined("D is infinite")
                total += _arb(x) * (_arb(x) / _arb(y)).log()
        return total / flint.arb(2).log() if units == "bits" else total
    if k == "TV":
        p, q = model.distributions[e[1]], model.distributions[e[2]]
        return _arb(sum(abs(x - y) for x, y in zip(p, q)) / 2)
    raise Undefined(f"unknown node {k}")


def _minmax(a: flint.arb, c: flint.arb, name: str) -> flint.arb:
    if name == "min":
        if a <= c:
            return a
        if c <= a:
            return c
        return flint.arb(min(a.lower(), c.lower())).union(flint.arb(min(a.upper(), c.upper())))
    if a >= c:
        return a
    if c >= a:
        return c
    return flint.arb(max(a.lower(), c.lower())).union(flint.arb(max(a.upper(), c.upper())))


@dataclass
class Verdict:
    """The outcome of one statement on one model: ``holds``, ``violated`` (certified), ``suspect`` (the
    enclosure straddles the wrong side) or ``undefined``; ``slack`` is ``rhs - lhs`` (mid-point)."""

    outcome: str
    slack: float | None = None
    detail: str = ""


#: A violation smaller than this (mid-point) is never even suspected: it is numerical noise.
SUSPECT_TOLERANCE = 1e-12


def evaluate_statement(st, model) -> Verdict:
    """Whether statement ``(lhs, rel, rhs)`` holds on ``model``."""
    lhs, rel, rhs = st
    try:
        slack = evaluate(rhs, model) - evaluate(lhs, model)
    except Undefined as err:
        return Verdict("undefined", None, str(err))
    except (ZeroDivisionError, OverflowError, ValueError) as err:
        return Verdict("undefined", None, f"{type(err).__name__}: {err}")
    mid = float(slack.mid())
    if rel == ">=":
        slack, mid = -slack, -mid
    if rel == "==":
        if slack > 0 or slack < 0:
            return Verdict("violated", mid, f"lhs - rhs = {-slack}")
        return Verdict("holds", mid)
    if slack < 0:
        return Verdict("violated", mid, f"slack = {slack}")
    if mid < -SUSPECT_TOLERANCE and not slack >= 0:
        return Verdict("suspect", mid, f"slack = {slack}")
    return Verdict("holds", mid)
