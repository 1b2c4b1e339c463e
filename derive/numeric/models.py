"""Concrete models drawn from a proof's hypotheses, every hypothesis holding exactly.

A :class:`ModelFactory` reads a :class:`~derive.proof.Proof` once and draws
models that satisfy *all* of its structural hypotheses with exact
:class:`fractions.Fraction` probabilities:

* **one Bayesian network for everything**, built by :mod:`derive.numeric.network`
  (conditional-independence triples made d-separations; the DAG with most edges);
* **channels** ``Y | X ~ BSC(delta)`` (``BEC``, ``Z``, ``QSC``, ``matrix``) fix
  ``Y``'s parents to exactly ``X`` and its kernel to the channel at the drawn
  parameter values; a memoryless channel between two families of equal length
  acts letter by letter; ``X[i] | X[i-1] ~ K for i in 1..k`` is one channel per
  index at the drawn ``k``. ``AWGN`` has no finite model and is refused.
* **chains through a family** ``U -> X[0] -> ... -> X[k]`` are the finite chain
  at the drawn ``k``.
* **functions** ``Y = f(X)`` are deterministic kernels from ``X``;
* **i.i.d. families** share one kernel from the conditioning variables;
* **families** are instantiated at small lengths (integer parameters are drawn
  from ``lo .. lo + 3`` within their domain), symbolic ends substituted;
* **parameters** are drawn from their domains (exact rationals; closed ends
  included as boundary values, a midpoint, points near the ends, random
  interior points), and a parameter that an ``assume`` defines
  (``tau == n*r2/(1 + (n - 1)*r2)``, ``D(P || Q) <= d``) or that a ``fano``
  step names as its error probability is often set from that definition, so
  steps resting on those premises get tested.

Hypotheses that cannot all be realized raise :class:`UnrealizableHypotheses`
naming them: nothing else is ever tested in their place. ``assume``
statements are premises, not structure: :mod:`derive.numeric.verify` skips a
model for the steps that rest on an assumption the model violates.

Every random decision goes through a *choice source* (:mod:`derive.numeric.choices`:
:class:`RandomChoices`, :class:`ReplayChoices`, or hypothesis's ``draw`` in :func:`models_for`), whose
choices are small integers where 0 is the simplest option: integer parameters
and alphabet sizes are drawn first, so zeroing choices shrinks a
counterexample towards binary alphabets, small ``n`` and uniform tables.
This module is untrusted numerics: it can only ever make a claim ``tested``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np
import sympy

from derive.core.channel_matrix import named_channel_rows
from derive.core.exprs import logs_over_primes
from derive.core.hypotheses import Assume, Channel, ChannelFamily, ChannelSpec
from derive.core.parameters import Domain
from derive.core.quantities import Dist, H, I, has_information
from derive.core.variables import RV, RVSet
from derive.errors import DeriveError, LimitExceeded
from derive.numeric.choices import HypothesisChoices, RandomChoices, ReplayChoices
from derive.numeric.distributions import Distributions, JointPMF, Model
from derive.numeric.network import (InvalidDraw, ModelPlan, UnrealizableHypotheses, build_plan, fmt_values, names_at,
                                    spec_symbols, symbol_values)

__all__ = [
    "ModelFactory",
    "DrawnModel",
    "ModelPlan",
    "UnrealizableHypotheses",
    "InvalidDraw",
    "RandomChoices",
    "ReplayChoices",
    "channel_matrix",
    "hypothesis_violations",
    "models_for",
    "MAX_CELLS",
    "MAX_FAMILY_EXTRA",
]

#: Largest joint table (cells) a drawn model may have; alphabets are reduced to fit.
MAX_CELLS = 4096

#: Integer parameters are drawn from ``lo .. lo + MAX_FAMILY_EXTRA`` (within the domain).
MAX_FAMILY_EXTRA = 3


# ----------------------------------------------------------------------------- channels

def channel_matrix(spec: ChannelSpec, values: Mapping[str, object] | None = None) -> list[list[Fraction]]:
    """Rows ``p(y | x)`` of a channel as exact Fractions: the formulas of :mod:`derive.core.channel_matrix`
    (``BSC(p)``: ``[[1-p, p], [p, 1-p]]``, ...) at the parameter values substituted from ``values``.

    Raises
    ------
    UnrealizableHypotheses
        For ``AWGN`` (no finite model).
    InvalidDraw
        When the values make an entry irrational or the rows not pmfs (e.g. ``BSC(p)`` with ``p > 1``).
    """
    subs = symbol_values(values or {}, spec_symbols(spec))

    def num(e: sympy.Expr, what: str) -> Fraction:
        v = sympy.nsimplify(e.xreplace(subs)) if isinstance(e, sympy.Float) else e.xreplace(subs)
        if v.free_symbols:
            raise InvalidDraw(f"the channel {spec} needs values for {', '.join(sorted(map(str, v.free_symbols)))}")
        if not v.is_Rational:
            v = logs_over_primes(v)  # log(6) - log(2) - log(3) is 0 (never simplify: log(3^(10^30)))
            if not v.is_Rational:
                raise InvalidDraw(f"{what} of {spec} is {sympy.sstr(v)}, not a rational number at these values")
        return Fraction(int(v.p), int(v.q))

    if spec.name == "AWGN":
        raise UnrealizableHypotheses(f"the channel {spec} has a Gaussian input and output; it cannot be realized "
                                     "by a finite model (numeric verification supports BSC, BEC, Z, QSC and matrix)")
    if spec.name == "matrix":
        rows = [[num(v, "an entry") for v in row] for row in spec.rows or ()]
    else:
        params: list = [num(spec.params[-1], "the parameter")]
        if spec.name == "QSC":
            q = num(spec.params[0], "the alphabet size")
            if q.denominator != 1 or q < 2:
                raise InvalidDraw(f"QSC needs an integer alphabet size q >= 2 but got q = {q}")
            params.insert(0, int(q))
        rows = named_channel_rows(spec.name, params)
    for k, row in enumerate(rows):
        if any(v < 0 for v in row) or sum(row) != 1:
            raise InvalidDraw(f"row {k + 1} of {spec} is [{', '.join(map(str, row))}], not a pmf at these values")
    return rows


class ModelFactory:
    """Draws exact models satisfying every structural hypothesis of ``proof`` (see the module docstring).

    Raises
    ------
    UnrealizableHypotheses
        On construction or on the first draw when the hypotheses cannot all be realized.
    """

    def __init__(self, proof, *, max_alphabet: int = 3, max_cells: int = MAX_CELLS, seed: int = 0,
                 gaussian: bool = False) -> None:
        self.proof = proof
        #: Plans for jointly Gaussian models (:mod:`derive.numeric.gaussian`): an ``AWGN`` channel is planned, and
        #: the discrete draw puts a stand-in kernel there (:attr:`DrawnModel.stand_ins`): such a draw is a skeleton
        #: (plan and parameters) for a Gaussian model, never a model of the hypotheses itself.
        self.gaussian = gaussian
        self.max_alphabet = max_alphabet
        self.max_cells = max_cells
        self.seed = seed
        self._plans: dict[tuple, ModelPlan] = {}
        params = proof.parameters
        self.int_params = sorted(n for n, p in params.items() if p.domain.integer)
        self.real_params = sorted(n for n, p in params.items() if not p.domain.integer)
        self.domains: dict[str, Domain] = {n: p.domain for n, p in params.items()}
        self.symbols = {n: p.symbol for n, p in params.items()}
        for hid, h in proof.hypotheses.items():
            if isinstance(h, (Channel, ChannelFamily)) and h.spec.name == "AWGN" and not gaussian:
                raise UnrealizableHypotheses(
                    f"hypothesis {hid!r}: the channel {h.spec} has a Gaussian input and output and cannot be realized "
                    "by a finite model; numeric verification supports BSC, BEC, Z, QSC and matrix channels",
                    hypotheses=[hid], file=proof.file, line=proof.hypothesis_lines.get(hid))
        self.distributions = tuple(sorted(self._distribution_names()))
        self.fano_alphabets: list[tuple[str, str, sympy.Expr]] = []
        self.fano_errors: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = []
        for s in proof.steps:
            if s.rule != "fano":
                continue
            lhs = s.claim.lhs if s.claim.rel != ">=" else s.claim.rhs
            err, k = s.args.get("error"), s.args.get("alphabet")
            if isinstance(lhs, H) and len(lhs.target) == 1 and isinstance(lhs.target.args[0], RV):
                x = lhs.target.args[0].name
                if k is not None:
                    self.fano_alphabets.append((s.id, x, k))
                if isinstance(err, sympy.Symbol) and err.name in self.real_params:
                    ys = tuple(i.name for i in lhs.given.args if isinstance(i, RV))
                    if len(ys) == len(lhs.given.args):
                        self.fano_errors.append((s.id, err.name, (x,), ys))
        self.definitions = self._definitions()

    # -------------------------------------------------------------- analysis
    def _statements(self):
        p = self.proof
        for h in p.hypotheses.values():
            if isinstance(h, Assume):
                yield h.statement
        for s in p.steps:
            yield s.claim
        if p.theorem is not None:
            yield p.theorem.claim

    def _distribution_names(self) -> set[str]:
        out: set[str] = set()
        for st in self._statements():
            for side in (st.lhs, st.rhs):
                for node in sympy.preorder_traversal(side):
                    if isinstance(node, Dist):
                        out.add(node.name)
        return out

    def statement_variables(self, values: Mapping[str, int]) -> list[str]:
        """Variable names mentioned by statements (families expanded at ``values``), in order of appearance."""
        out: list[str] = []
        subs = {self.symbols[k]: sympy.Integer(v) for k, v in values.items() if k in self.symbols}
        for st in self._statements():
            for side in (st.lhs, st.rhs):
                e = side.xreplace(subs) if subs else side
                for node in sympy.preorder_traversal(e):
                    if isinstance(node, RVSet):
                        for item in node.args:
                            if isinstance(item, RV) and item.name not in out:
                                out.append(item.name)
        return out

    def _definitions(self) -> list[tuple[str, str, sympy.Expr, str]]:
        """``(param, kind, expr, source)``: ``kind`` ``eq`` (param == expr), ``ge`` (param >= expr), ``le``."""
        out = []
        for hid, h in self.proof.hypotheses.items():
            if not isinstance(h, Assume):
                continue
            st = h.statement
            for a, b, rel in ((st.lhs, st.rhs, st.rel), (st.rhs, st.lhs, {"<=": ">=", ">=": "<=", "==": "=="}[st.rel])):
                if isinstance(a, sympy.Symbol) and a.name in self.real_params and a not in b.free_symbols:
                    kind = {"==": "eq", ">=": "ge", "<=": "le"}[rel]
                    out.append((a.name, kind, b, hid))
                    break
        return out

    # -------------------------------------------------------------- plans
    def plan(self, int_values: Mapping[str, int]) -> ModelPlan:
        """The Bayesian network at these integer parameter values (cached)."""
        key = tuple(sorted(int_values.items()))
        if key not in self._plans:
            self._plans[key] = build_plan(self, dict(int_values))
        return self._plans[key]

    # -------------------------------------------------------------- drawing
    def draw(self, source) -> "DrawnModel":
        """One model, every choice taken from ``source`` (see :class:`RandomChoices`).

        Raises
        ------
        InvalidDraw
            The drawn parameter values give no valid model (draw again).
        UnrealizableHypotheses
            The hypotheses cannot be realized at all.
        """
        values: dict[str, object] = {}
        for name in self.int_params:
            values[name] = source.integer(*self._int_range(name))
        ints, plan = self._fit_int_values({k: int(v) for k, v in values.items()})
        values.update(ints)
        sizes = self._draw_sizes(plan, source)
        dist_size = source.integer(2, 4) if plan.distributions else 0
        structural = len(getattr(source, "record", ()))
        for name in self.real_params:
            values[name] = _draw_real(self.domains[name], source)
        defined = self._apply_parameter_definitions(values, source)
        kernels: dict[str, list[list[Fraction]]] = {}
        shared: dict[str, list[list[Fraction]]] = {}
        stand_ins: list[str] = []
        for v in plan.order:
            node = plan.nodes[v]
            rows = math.prod(sizes[p] for p in node.parents)
            if node.kind == "channel" and node.spec.name == "AWGN":  # gaussian plans only (see __init__)
                kernels[v] = _draw_kernel(rows, sizes[v], source)
                stand_ins.append(v)
            elif node.kind == "channel":
                try:
                    mat = channel_matrix(node.spec, values)
                except InvalidDraw as err:
                    raise InvalidDraw(f"hypothesis {node.source!r}: {err.message}") from None
                if len(mat) != rows or len(mat[0]) != sizes[v]:
                    raise UnrealizableHypotheses(
                        f"the channel {node.spec} ({node.source!r}) is {len(mat)} x {len(mat[0])} but {v} given "
                        f"{', '.join(node.parents)} needs {rows} x {sizes[v]}", hypotheses=[node.source],
                        file=self.proof.file)
                kernels[v] = mat
            elif node.kind == "function":
                kernels[v] = [_one_hot(sizes[v], source.integer(0, sizes[v] - 1)) for _ in range(rows)]
            elif node.kind == "iid" and node.group in shared:
                kernels[v] = shared[node.group]
            else:
                kernels[v] = _draw_kernel(rows, sizes[v], source)
                if node.kind == "iid":
                    shared[node.group] = kernels[v]
        dists = {}
        if plan.distributions:
            first = None
            for name in plan.distributions:
                if first is None:
                    first = _draw_weights(dist_size, source)
                    dists[name] = first
                else:
                    style = source.integer(0, 3, weights=(0.4, 0.35, 0.15, 0.1))
                    if style == 1:      # close to the first: small perturbation
                        w = [32 * x + source.integer(0, 8) for x in first]
                        w = w if any(w) else [1] * dist_size
                        t = sum(w)
                        dists[name] = [Fraction(x, t) for x in w]
                    elif style == 2:
                        dists[name] = [Fraction(1, dist_size)] * dist_size
                    elif style == 3:
                        dists[name] = list(first)
                    else:
                        dists[name] = _draw_weights(dist_size, source)
        drawn = DrawnModel(self, plan, dict(sizes), kernels, dists, values, list(getattr(source, "record", [])),
                           stand_ins=tuple(stand_ins))
        drawn.structural = structural
        self._apply_model_definitions(drawn, source, defined)
        drawn.choices = list(getattr(source, "record", []))
        return drawn

    def _int_range(self, name: str) -> tuple[int, int]:
        """The integers an integer parameter is drawn from: its domain minimum to MAX_FAMILY_EXTRA above it."""
        d = self.domains[name]
        lo, _ = d.lower_bound()
        hi, _ = d.upper_bound()
        lo_i = int(lo) if lo.is_finite else (int(hi) - MAX_FAMILY_EXTRA if hi.is_finite else 0)
        hi_i = min(int(hi), lo_i + MAX_FAMILY_EXTRA) if hi.is_finite else lo_i + MAX_FAMILY_EXTRA
        return lo_i, hi_i

    @staticmethod
    def _min_cells(plan: ModelPlan) -> int:
        """Cells of the joint table at ``plan`` with every alphabet :meth:`_draw_sizes` may shrink set to 2."""
        total = 1
        for v in plan.order:
            if v in plan.sizes and v not in plan.soft:
                total *= plan.sizes[v]
            else:
                total *= min(plan.sizes.get(v, 2), 2)
        return total

    def _fit_int_values(self, ints: dict[str, int]) -> tuple[dict[str, int], ModelPlan]:
        """The drawn integer parameters (family sizes), lowered one step at a time toward their domain minimum
        (each step the one that shrinks the table most) until the model fits in ``max_cells`` cells.

        Raises
        ------
        LimitExceeded
            Even the smallest instantiation tried has more than ``max_cells`` cells (with binary free alphabets).
        """
        plan = self.plan(ints)
        cells = self._min_cells(plan)
        tried = [(dict(ints), cells)]
        while cells > self.max_cells:
            best = None
            for name in self.int_params:
                if ints[name] <= self._int_range(name)[0]:
                    continue
                cand = dict(ints, **{name: ints[name] - 1})
                try:
                    cand_plan = self.plan(cand)
                except (InvalidDraw, UnrealizableHypotheses):
                    continue
                c = self._min_cells(cand_plan)
                if best is None or c < best[0]:
                    best = (c, cand, cand_plan)
            if best is None:
                shown = "; ".join(f"{fmt_values(v)}: {c} cells" for v, c in tried)
                raise LimitExceeded(
                    f"no model of {self.proof.name!r} fits in {self.max_cells} cells: the family sizes were lowered "
                    f"to their domain minimum and every free alphabet to 2 (tried {shown}); raise the cap with "
                    f"`derive verify --max-cells N` (API: ModelFactory(proof, max_cells=...); default {MAX_CELLS}) or state "
                    "the families over fewer coordinates", file=self.proof.file)
            cells, ints, plan = best
            tried.append((dict(ints), cells))
        return ints, plan

    def _draw_sizes(self, plan: ModelPlan, source) -> dict[str, int]:
        sizes: dict[str, int] = {}
        shared_size: dict[str, int] = {}
        for v in plan.order:
            node = plan.nodes[v]
            if v in plan.sizes:
                sizes[v] = plan.sizes[v]
            elif node.kind == "iid" and node.group in shared_size:
                sizes[v] = shared_size[node.group]
            else:
                sizes[v] = source.integer(2, self.max_alphabet, weights=(0.55, 0.35, 0.1))
            if node.kind == "iid":
                shared_size.setdefault(node.group, sizes[v])
        # fit the table: reduce free alphabets (latest first) to 2
        total = math.prod(sizes.values()) if sizes else 1
        for v in reversed(plan.order):
            if total <= self.max_cells:
                break
            if (v in plan.sizes and v not in plan.soft) or sizes[v] <= 2:
                continue
            node = plan.nodes[v]
            group = [w for w in plan.order if plan.nodes[w].group == node.group] if node.kind == "iid" else [v]
            for w in group:
                total = total // sizes[w] * 2
                sizes[w] = 2
        if total > self.max_cells:
            raise LimitExceeded(f"the model of {self.proof.name!r} at {fmt_values(plan.int_values)} has {total} "
                                f"cells with every free alphabet at 2; at most {self.max_cells} are drawn")
        return sizes

    def _apply_parameter_definitions(self, values: dict[str, object], source) -> set[str]:
        """Set parameters that an ``assume`` defines by an expression in the other parameters (often, not always)."""
        done: set[str] = set()
        pending = [d for d in self.definitions if not has_information(d[2])]
        for _ in range(len(pending) + 1):
            progress = False
            for name, kind, expr, hid in pending:
                if name in done:
                    continue
                deps = {s.name for s in expr.free_symbols}
                if deps & ({d[0] for d in pending} - done - {name}):
                    continue
                use = source.integer(0, 1, weights=(0.7, 0.3)) == 0
                done.add(name)
                progress = True
                if not use:
                    continue
                val = expr.xreplace(symbol_values(values, expr.free_symbols))
                if not val.is_Rational:
                    val = sympy.nsimplify(val) if val.is_number else val
                if val.is_Rational:
                    frac = Fraction(int(val.p), int(val.q))
                    if kind != "eq":
                        bump = Fraction(source.integer(0, 3), 4)
                        frac = frac + bump if kind == "ge" else frac - bump
                    if self.domains[name].contains(sympy.Rational(frac.numerator, frac.denominator)):
                        values[name] = frac
            if not progress:
                break
        return done

    def _apply_model_definitions(self, drawn: "DrawnModel", source, done: set[str]) -> None:
        """Parameters defined by the model: a ``fano`` step's error probability, ``D(P || Q) <= d`` bounds."""
        channel_params = set()
        for v in drawn.plan.order:
            node = drawn.plan.nodes[v]
            if node.spec is not None:
                channel_params |= {s.name for s in spec_symbols(node.spec)}
        for sid, name, xs, ys in self.fano_errors:
            if name in channel_params or name in done:
                continue
            done.add(name)
            if source.integer(0, 1, weights=(0.6, 0.4)) != 0:
                continue
            pe = drawn.map_error(xs, ys)
            if pe is not None and self.domains[name].contains(sympy.Rational(pe.numerator, pe.denominator)):
                drawn.params[name] = pe
        for name, kind, expr, hid in self.definitions:
            if not has_information(expr) or name in channel_params or name in done or kind == "eq":
                continue
            done.add(name)
            if source.integer(0, 1, weights=(0.6, 0.4)) != 0:
                continue
            from derive.numeric.evaluate import evaluate

            try:
                val = evaluate(expr, drawn.model(), units=self.proof.units)
            except DeriveError:
                continue
            if not math.isfinite(val):
                continue
            # a rational just beyond the float value: the premise holds (slack ~1e-9 relative)
            eps = Fraction(1, 1 << 30) * Fraction(abs(val)) + Fraction(1, 1 << 40)
            frac = Fraction(val) + eps if kind == "ge" else Fraction(val) - eps
            frac = frac.limit_denominator(1 << 62) if frac.denominator > (1 << 62) else frac
            if (kind == "ge" and frac < Fraction(val)) or (kind == "le" and frac > Fraction(val)):
                continue
            if self.domains[name].contains(sympy.Rational(frac.numerator, frac.denominator)):
                drawn.params[name] = frac


def _one_hot(m: int, k: int) -> list[Fraction]:
    return [Fraction(1) if j == k else Fraction(0) for j in range(m)]


def _cell(v: int) -> int:
    """Choice 0 -> weight 1 (uniform rows), 1 -> weight 0, else the choice itself."""
    return 1 if v == 0 else (0 if v == 1 else v)


def _draw_weights(m: int, source) -> list[Fraction]:
    w = [_cell(source.integer(0, 8)) for _ in range(m)]
    if not any(w):
        w[0] = 1
    t = sum(w)
    return [Fraction(x, t) for x in w]


def _draw_kernel(rows: int, m: int, source) -> list[list[Fraction]]:
    """Rows ``p(y | parents)``: weights, uniform, deterministic or near-uniform (style drawn first)."""
    style = source.integer(0, 3, weights=(0.5, 0.15, 0.15, 0.2))
    if style == 1:
        return [[Fraction(1, m)] * m for _ in range(rows)]
    if style == 2:
        return [_one_hot(m, source.integer(0, m - 1)) for _ in range(rows)]
    if style == 3:
        out = []
        for _ in range(rows):
            w = [32 + source.integer(0, 8) for _ in range(m)]
            t = sum(w)
            out.append([Fraction(x, t) for x in w])
        return out
    return [_draw_weights(m, source) for _ in range(rows)]


def _draw_real(d: Domain, source) -> Fraction:
    """A rational in the domain: a simple interior point, a closed end, a point near an end or a random point."""
    lo, lo_open = d.lower_bound()
    hi, hi_open = d.upper_bound()
    flo = Fraction(int(lo.p), int(lo.q)) if lo.is_finite else None
    fhi = Fraction(int(hi.p), int(hi.q)) if hi.is_finite else None
    if flo is not None and fhi is not None:
        a, b = flo, fhi
    elif flo is not None:
        a, b = flo, flo + 10
    elif fhi is not None:
        a, b = fhi - 10, fhi
    else:
        a, b = Fraction(-10), Fraction(10)
    if flo is not None and fhi is None and flo == 0:
        simple = Fraction(1)
    elif flo is None and fhi is None:
        simple = Fraction(0)
    else:
        simple = (a + b) / 2
    options: list[Fraction] = [simple]
    if flo is not None and not lo_open:
        options.append(flo)
    if fhi is not None and not hi_open:
        options.append(fhi)
    width = b - a
    options += [a + width / 1000, b - width / 1000]
    kind = source.integer(0, len(options), weights=[0.1] + [0.15] * (len(options) - 3) + [0.05, 0.05, 0.5])
    if kind < len(options):
        val = options[kind]
    else:
        num = source.integer(1, 63)
        val = a + width * Fraction(num, 64)
        if flo is not None and fhi is None and source.integer(0, 1, weights=(0.7, 0.3)) == 1:
            val = a + Fraction(num, 64) * 1000
    if d.integer:  # pragma: no cover - integer parameters are drawn separately
        val = Fraction(math.floor(val))
    return val


# ----------------------------------------------------------------------------- drawn models

@dataclass
class DrawnModel:
    """One drawn model: the network, alphabet sizes, exact kernels, named pmfs and parameter values.

    :meth:`model` is the float64 :class:`Model` (fast screening); :meth:`exact_model` the exact one
    (``Fraction`` tables: every hypothesis holds with no rounding).
    """

    factory: ModelFactory
    plan: ModelPlan
    sizes: dict[str, int]
    kernels: dict[str, list[list[Fraction]]]
    dists: dict[str, list[Fraction]]
    params: dict[str, object]
    choices: list[int] = field(default_factory=list)
    structural: int = 0
    #: Variables whose kernel is a stand-in (an ``AWGN`` output in a Gaussian plan): the draw is then only a
    #: skeleton for :func:`~derive.numeric.gaussian.draw_gaussian` and has no table.
    stand_ins: tuple[str, ...] = ()
    _float: Model | None = field(default=None, repr=False)
    _exact: Model | None = field(default=None, repr=False)
    _int: tuple | None = field(default=None, repr=False)

    @property
    def int_values(self) -> dict[str, int]:
        return dict(self.plan.int_values)

    def _table(self, integer: bool) -> tuple[tuple[str, ...], np.ndarray, int]:
        """``(names, table, denominator)``: float64 probabilities (denominator 1) or exact integer numerators.

        The integer table is ``P * denominator`` exactly, ``denominator`` the product of each kernel's
        common denominator; sums of Python ints are far cheaper than sums of Fractions.
        """
        if self.stand_ins:
            raise UnrealizableHypotheses(f"{', '.join(self.stand_ins)} come from a Gaussian channel: this draw is the "
                                         "skeleton of a jointly Gaussian model, not a finite model")
        order = self.plan.order
        table = np.array(1, dtype=object) if integer else np.array(1.0)
        denom = 1
        names: list[str] = []
        for v in order:
            node = self.plan.nodes[v]
            pa_axes = [names.index(p) for p in node.parents]
            kern = self.kernels[v]
            m = self.sizes[v]
            if integer:
                lcm = 1
                for row in kern:
                    for x in row:
                        lcm = lcm * x.denominator // math.gcd(lcm, x.denominator)
                mat = np.empty((len(kern), m), dtype=object)
                for r, row in enumerate(kern):
                    mat[r, :] = [x.numerator * (lcm // x.denominator) for x in row]
                denom *= lcm
            else:
                mat = np.array([[x.numerator / x.denominator for x in row] for row in kern], dtype=np.float64)
            in_sizes = tuple(self.sizes[p] for p in node.parents)
            k = mat.reshape(in_sizes + (m,))
            perm = sorted(range(len(pa_axes)), key=lambda j: pa_axes[j])
            k = np.transpose(k, tuple(perm) + (len(pa_axes),))
            shape = [1] * len(names) + [m]
            for a in pa_axes:
                shape[a] = table.shape[a]
            table = table[..., np.newaxis] * k.reshape(shape)
            names.append(v)
        return tuple(names), np.array(table, copy=True), denom

    def integer_table(self) -> tuple[tuple[str, ...], np.ndarray, int]:
        """``(names, numerators, denominator)`` of the exact joint pmf (cached)."""
        if self._int is None:
            self._int = self._table(True)
        return self._int

    def integer_marginal(self, names) -> tuple[list[int], int]:
        """``(numerators, denominator)`` of the exact marginal pmf of ``names`` (cells in table order).

        Raises ``ValueError`` for a name that is not a variable of the model.
        """
        all_names, table, denom = self.integer_table()
        keep = [all_names.index(n) for n in names]
        drop = tuple(k for k in range(len(all_names)) if k not in keep)
        marg = table.sum(axis=drop) if drop else table
        return [int(x) for x in np.asarray(marg, dtype=object).flat], denom

    def _joint(self, exact: bool) -> JointPMF | None:
        if not self.plan.order:
            return None
        if not exact:
            names, table, _ = self._table(False)
            return JointPMF._trusted(names, table)
        names, table, denom = self.integer_table()
        out = np.empty(table.shape, dtype=object)
        for idx, x in np.ndenumerate(table):
            out[idx] = Fraction(int(x), denom)
        return JointPMF._trusted(names, out)

    def _distributions(self, exact: bool) -> Distributions | None:
        if not self.dists:
            return None
        if exact:
            return Distributions(self.dists, exact=True)
        return Distributions({k: [x.numerator / x.denominator for x in v] for k, v in self.dists.items()},
                             exact=False)

    def model(self) -> Model:
        """The float64 model (tables rounded once from the exact ones) with the current parameter values."""
        if self._float is None:
            self._float = Model(self._joint(False), self._distributions(False), {})
        return Model(self._float.joint, self._float.distributions, dict(self.params))

    def exact_model(self) -> Model:
        """The exact model (``Fraction`` tables) with the current parameter values."""
        if self._exact is None:
            self._exact = Model(self._joint(True), self._distributions(True), {})
        return Model(self._exact.joint, self._exact.distributions, dict(self.params))

    def map_error(self, xs: Sequence[str], ys: Sequence[str]) -> Fraction | None:
        """``P(Xhat(Y) != X)`` of the MAP estimator, exactly: ``1 - sum_y max_x P(x, y)``."""
        if not self.plan.order or any(v not in self.plan.order for v in (*xs, *ys)):
            return None
        xs = [x for x in xs if x not in ys]  # a part of X that Y holds is read off exactly (H(Y | Y) is 0)
        if not xs:
            return Fraction(0)
        names, table, denom = self.integer_table()
        keep = [names.index(v) for v in (*ys, *xs)]
        drop = tuple(k for k in range(len(names)) if k not in keep)
        m = table.sum(axis=drop) if drop else table
        m = np.transpose(np.asarray(m, dtype=object), [sorted(keep).index(k) for k in keep])
        ny = math.prod(self.sizes[y] for y in ys)
        tab = m.reshape(ny, -1)
        return 1 - Fraction(sum(int(max(tab[r])) for r in range(ny)), denom)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: the exact joint pmf, named pmfs, parameter values, alphabet sizes and the network."""
        m = self.exact_model()
        return {
            "joint": m.joint.as_dict() if m.joint is not None else None,
            "distributions": m.distributions.as_dict() if m.distributions is not None else None,
            "params": {k: str(v) for k, v in sorted(self.params.items())},
            "alphabet_sizes": {v: self.sizes[v] for v in self.plan.order},
            "network": self.plan.describe(),
        }

    def size(self) -> int:
        """Number of cells of the joint table (a measure of how small a counterexample is)."""
        return math.prod(self.sizes.values()) if self.sizes else 1


# ----------------------------------------------------------------------------- exact checks

def _ci_holds(joint: JointPMF, left: Sequence[str], right: Sequence[str], given: Sequence[str]) -> bool:
    """``P(a,b,c) P(c) == P(a,c) P(b,c)`` for every cell, exactly."""
    l, r, g = list(left), list(right), list(given)
    m = joint.marginal(g + l + r)
    ng = math.prod(m.shape[: len(g)]) if g else 1
    nl = math.prod(m.shape[len(g): len(g) + len(l)])
    nr = math.prod(m.shape[len(g) + len(l):])
    t = m.table.reshape(ng, nl, nr)
    for c in range(ng):
        block = t[c]
        pc = sum(block.flat, Fraction(0)) if joint.is_exact else block.sum()
        pa = block.sum(axis=1)
        pb = block.sum(axis=0)
        for i in range(nl):
            for j in range(nr):
                if block[i, j] * pc != pa[i] * pb[j]:
                    return False
    return True


def hypothesis_equalities(proof, ints: Mapping[str, int]):
    """``(id, e)`` for each equality ``e = 0`` a structural hypothesis states (``I(A; B | C)``, ``H(Y | X)``, ...), at
    the integer parameter values ``ints``; those that are identically 0 there are left out."""
    subs = {p.symbol: sympy.Integer(ints[n]) for n, p in proof.parameters.items() if n in ints}
    for hid, h in proof.hypotheses.items():
        if isinstance(h, Assume):
            continue
        for e in h.equalities():
            e = e.xreplace(subs) if subs else e
            for term in _terms_of_sum(e):
                if term != 0:
                    yield hid, term


def _terms_of_sum(e: sympy.Expr) -> list[sympy.Expr]:
    """A family hypothesis's sum over a range that is now fixed, written out: each term is 0 on a model of the
    hypothesis (a mutual independence's ``I(X[i]; X[lo..i-1] | G)``, an i.i.d. family's ``H(X[i] | G) - H(X[lo] |
    G)``), which is what the model must satisfy; anything else as it is."""
    if isinstance(e, sympy.Sum) and len(e.limits) == 1:
        i, lo, hi = e.limits[0]
        if lo.is_Integer and hi.is_Integer:
            return [e.function.xreplace({i: sympy.Integer(k)}) for k in range(int(lo), int(hi) + 1)]
    return [e]


def hypothesis_violations(drawn: DrawnModel) -> list[str]:
    """Structural hypotheses of the proof that the drawn model violates, checked in exact arithmetic.

    Empty for every model :class:`ModelFactory` draws (that is what the test suite asserts).
    """
    proof = drawn.factory.proof
    m = drawn.exact_model()
    joint = m.joint
    out: list[str] = []
    for ci in drawn.plan.cis:
        if not _ci_holds(joint, sorted(ci.left), sorted(ci.right), sorted(ci.given)):
            out.append(f"{ci.source}: {ci} is false")
    # independently of the network: each hypothesis's own equalities (I(...) = 0, H(Y | X) = 0, ...)
    ints = drawn.int_values
    for hid, e in hypothesis_equalities(proof, ints):
        if isinstance(e, I):
            l, r, g = (names_at(s, ints, hid) for s in e.args)
            if not _ci_holds(joint, l, r, g):
                out.append(f"{hid}: {sympy.sstr(e)} is not 0")
        elif isinstance(e, H):
            t, g = names_at(e.target, ints, hid), names_at(e.given, ints, hid)
            marg = joint.marginal(list(g) + list(t))
            rows = math.prod(marg.shape[: len(g)]) if g else 1
            tab = marg.table.reshape(rows, -1)
            if any(sum(1 for x in tab[r_] if x != 0) > 1 for r_ in range(rows)):
                out.append(f"{hid}: {sympy.sstr(e)} is not 0")
        else:
            from derive.numeric.evaluate import evaluate

            import mpmath

            if abs(evaluate(e, m, precision="mp", dps=50)) > mpmath.mpf(10) ** -40:
                out.append(f"{hid}: {sympy.sstr(e)} is not 0")
    for v in drawn.plan.order:
        node = drawn.plan.nodes[v]
        if node.kind not in ("channel", "function", "iid"):
            continue
        pa = list(node.parents)
        marg = joint.marginal(pa + [v])
        rows = math.prod(marg.shape[:-1]) if pa else 1
        tab = marg.table.reshape(rows, -1)
        for r in range(rows):
            tot = sum(tab[r], Fraction(0))
            if tot == 0:
                continue
            cond = [x / tot for x in tab[r]]
            if node.kind == "channel":
                want = channel_matrix(node.spec, drawn.params)[r]
                if cond != want:
                    out.append(f"{node.source}: P({v} | {', '.join(pa)}) row {r + 1} is {cond}, not {want}")
            elif node.kind == "function":
                if sum(1 for x in cond if x != 0) != 1:
                    out.append(f"{node.source}: {v} is not a function of {', '.join(pa)}")
            elif node.kind == "iid":
                first = next(w for w in drawn.plan.order if drawn.plan.nodes[w].group == node.group)
                if first != v:
                    m1 = joint.marginal(pa + [first]).table.reshape(rows, -1)
                    t1 = sum(m1[r], Fraction(0))
                    if [x / t1 for x in m1[r]] != cond:
                        out.append(f"{node.source}: {v} and {first} have different laws given {', '.join(pa)}")
    return out


# ----------------------------------------------------------------------------- hypothesis strategy

def models_for(proof, *, max_alphabet: int = 3, max_cells: int = MAX_CELLS):
    """A hypothesis strategy of :class:`DrawnModel` for ``proof`` (every structural hypothesis exact).

    Alphabet sizes and integer parameters are drawn first, so failures shrink to binary alphabets and
    small ``n``. ``drawn.model()`` is the float model for :func:`derive.numeric.evaluate`,
    ``drawn.exact_model()`` the exact one.

    Example
    -------
    >>> from hypothesis import given
    >>> from derive.io import read_proof
    >>> proof = read_proof("proofs/dpi_markov_chain.toml")
    >>> @given(models_for(proof))
    ... def test_near(drawn):
    ...     from derive.numeric import evaluate_statement
    ...     lhs, rhs, slack = evaluate_statement(proof.get_step("near").claim, drawn.model())
    ...     assert slack >= -1e-9

    Raises
    ------
    UnrealizableHypotheses
        When the strategy is built, if the hypotheses cannot be realized.
    """
    from hypothesis import assume
    from hypothesis import strategies as st

    factory = ModelFactory(proof, max_alphabet=max_alphabet, max_cells=max_cells)

    @st.composite
    def _models(draw):
        try:
            return factory.draw(HypothesisChoices(draw))
        except InvalidDraw:
            assume(False)

    return _models()
