"""Jointly Gaussian models of continuous variables: what ``derive verify`` tests a claim about them on, and what
``derive check`` refutes an unchecked step about them with (:func:`gaussian_counterexample`).

The finite models of :mod:`derive.numeric.models` are models of discrete variables only. When every random
variable of a proof is continuous (``continuous = [...]``, or a Gaussian channel's input or output) and its
hypotheses are Markov chains, independences, ``assume`` statements and ``AWGN(snr)`` channels
(:func:`why_not_gaussian`), :func:`draw_gaussian` draws a zero-mean linear Gaussian network
on the Bayesian network the discrete factory plans for the hypotheses (:class:`~derive.numeric.network.ModelPlan`:
each conditional independence a hypothesis states is a d-separation in it): along the plan's order,
``X_v = Σ_p b_vp X_p + N(0, d_v)`` over the parents ``p`` of ``v``, with exact rationals ``b_vp`` and ``d_v > 0``,
each variable then rescaled by a rational ``s_v > 0`` (the members of an i.i.d. group share ``b``, ``d`` and ``s``),
so the covariance ``Σ`` is an exact rational positive definite matrix. An ``AWGN(snr)`` channel ``Y | X`` is what
its hypothesis says: ``Y = X + N(0, 1)`` with fresh noise and ``X ~ N(0, snr)`` (neither rescaled). Then

* ``h(S) = ½ log((2πe)^|S| det Σ_S)`` (nats; over ``ln 2`` in bits), ``H(A | C) = h(A, C) - h(C)`` and
  ``I(A; B | C) = h(A, C) + h(B, C) - h(A, B, C) - h(C)``;
* each hypothesis's equality ``I(A; B | C) = 0`` is checked again exactly, ``det Σ_AC det Σ_BC = det Σ_ABC det Σ_C``,
  each i.i.d. group's laws compared, and each AWGN channel's ``Var X = snr``, ``Var Y = Var X + 1`` and
  ``Cov(Y - X, V) = 0`` for every ``V`` not below ``Y`` (:meth:`GaussianModel.violations`);
* a violation is certified with arb balls from the exact determinants (:class:`ArbGaussian`); an information
  quantity that is not ``H`` or ``I`` (``D``, ``TV``) is not evaluated.

Jointly Gaussian laws are a small family: a claim true on all of them can still be false (``tested`` says no more).

**Mixed models** (refutations only: :func:`gaussian_counterexample` with ``mixed``): when some variables are
discrete, each is a constant, or in half the draws an independent uniform bit, independent of the continuous ones,
whose law is the marginal of a drawn network. Every joint entropy is then its continuous part's plus one bit per
uniform bit (``H(A, S) = H(A) + h(S | A) = |A| bits + h(S)``; ``H(A) = 0`` for constants), so the formulas above
apply with the discrete variables dropped; the hypotheses are checked again on that model (``vanishes`` also needs
the bits' count to cancel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import mpmath
import sympy
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix

from derive.core.hypotheses import (Assume, Independent, Markov, MarkovFamily, MutuallyIndependent, continuous_names,
                                    continuous_variables)
from derive.core.linear import linear_form
from derive.core.notation import show
from derive.core.quantities import INFO_CLASSES, H, I
from derive.errors import InvalidArgument, InvalidDraw, Uncertifiable
from derive.numeric.certify import ArbInformation, arb_of
from derive.numeric.compile import CompiledStatement, Side
from derive.numeric.network import names_at, spec_symbols, symbol_values

__all__ = ["why_not_gaussian", "discrete_names", "is_awgn_channel", "GaussianModel", "draw_gaussian", "ArbGaussian", "gaussian_side_value",
           "gaussian_sides", "infinite_atom", "uses_only_entropies", "certified_gaussian_slack", "gaussian_counterexample",
           "leading_minors_positive"]

#: Hypotheses a linear Gaussian network on the plan's DAG satisfies (conditional independences; ``assume``
#: statements are premises, checked on each model; an i.i.d. group shares one law given its parents).
GAUSSIAN_HYPOTHESES = (Markov, MarkovFamily, Independent, MutuallyIndependent, Assume)

#: The edge weights ``b_vp`` and noise variances ``d_v`` drawn (small variances: negative differential entropies).
WEIGHTS = tuple(Fraction(k, 2) for k in range(-4, 5))
VARIANCES = (Fraction(1, 64), Fraction(1, 8), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(8))
#: Each variable is then rescaled by one of these (``h(sX) = h(X) + log|s|``; conditional independences unchanged).
SCALES = (Fraction(1, 8), Fraction(1, 2), Fraction(1), Fraction(1), Fraction(2), Fraction(8))


def why_not_gaussian(proof, allow_discrete: bool = False) -> str | None:
    """Why ``proof`` has no jointly Gaussian models here (a discrete variable, another kind of hypothesis), or
    ``None`` when it has. ``allow_discrete``: discrete variables are allowed, as constants or independent uniform
    bits next to the Gaussian ones (:func:`draw_gaussian`'s ``discrete``; refutations only)."""
    discrete = discrete_names(proof)
    if discrete and not allow_discrete:
        return f"the variable(s) {', '.join(discrete)} are discrete (the Gaussian models need every variable continuous)"
    for hid, h in proof.hypotheses.items():
        if not (isinstance(h, GAUSSIAN_HYPOTHESES) or is_awgn_channel(h)):
            return (f"the hypothesis {hid} ({h.kind}) is not a Markov chain, an independence, an assume statement or "
                    "an AWGN channel")
    return None


def discrete_names(proof) -> list[str]:
    """The names of ``proof``'s discrete variables and families (neither declared continuous nor a Gaussian
    channel's input or output), sorted."""
    continuous = continuous_variables(proof.continuous, proof.hypotheses.values())
    return sorted(n for n in [*proof.variables, *proof.families] if n not in continuous)


def is_awgn_channel(h) -> bool:
    """``h`` is a Gaussian (``AWGN``) channel, single or along a family (:func:`~derive.core.hypotheses.continuous_names`
    names its variables): the Gaussian models realize it exactly."""
    return bool(continuous_names(h))


def _det(cov: list[list[Fraction]], idx: list[int]) -> Fraction:
    if not idx:
        return Fraction(1)
    m = DomainMatrix([[QQ(cov[i][j].numerator, cov[i][j].denominator) for j in idx] for i in idx],
                     (len(idx), len(idx)), QQ)
    d = m.det()
    return Fraction(int(d.numerator), int(d.denominator))


def leading_minors_positive(cov: list[list[Fraction]]) -> bool:
    """Every leading principal minor of the exact symmetric ``cov`` is > 0: positive definite (Sylvester)."""
    return all(_det(cov, list(range(k))) > 0 for k in range(1, len(cov) + 1))


@dataclass
class GaussianModel:
    """A zero-mean jointly Gaussian law of the variables ``names`` with exact covariance ``cov``."""

    names: tuple[str, ...]
    cov: list[list[Fraction]]
    params: dict[str, object]
    int_values: dict[str, int]
    network: str
    #: Each i.i.d. group's members, each as (its parents..., itself): the laws of these tuples must be equal.
    iid_groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    #: Each ``AWGN`` channel as (input, output, snr, the output and the variables below it in the network).
    awgn: tuple[tuple[str, str, Fraction, tuple[str, ...]], ...] = ()
    #: Discrete variables of a mixed model, dropped from the Gaussian part: each a constant independent of the rest,
    #: ``H(A, S) = h(S)`` and ``H(A) = 0`` (the mixed entropy ``H(A) + h(S | A)``), unless it is in ``bits``.
    constants: tuple[str, ...] = ()
    #: Those of the discrete variables that are independent uniform bits instead (``H(A, S) = |A| + h(S)``).
    bits: tuple[str, ...] = ()
    _dets: dict = field(default_factory=dict, repr=False)

    def bits_in(self, names) -> int:
        """How many of ``names`` are uniform bits."""
        return len(frozenset(names) & frozenset(self.bits))

    def continuous_part(self, names) -> frozenset:
        """``names`` without the constants."""
        return frozenset(names) - frozenset(self.constants)

    def det(self, names) -> Fraction:
        """``det Σ_S`` of the variables ``names`` (1 for none; constants dropped)."""
        key = self.continuous_part(names)
        if key not in self._dets:
            try:
                idx = sorted(self.names.index(n) for n in key)
            except ValueError:
                raise InvalidArgument(f"Expected variables of the model but got {sorted(key)}") from None
            self._dets[key] = _det(self.cov, idx)
        return self._dets[key]

    def entropy_mp(self, names, units: str) -> mpmath.mpf:
        """``h(S) = ½ (|S| log(2πe) + log det Σ_S)``, over ``ln 2`` in bits (current mpmath precision)."""
        k, names = self.bits_in(names), self.continuous_part(names)
        d = self.det(names)
        v = (len(names) * mpmath.log(2 * mpmath.pi * mpmath.e)
             + mpmath.log(mpmath.mpf(d.numerator) / d.denominator)) / 2 if names else mpmath.mpf(0)
        return v / mpmath.log(2) + k if units == "bits" else v + k * mpmath.log(2)

    def vanishes(self, e: sympy.Expr, where: str) -> bool:
        """Whether the entropy combination ``e = Σ c_S h(S) + r`` is exactly 0 here: with ``h(S) = ½ (|S| log(2πe) +
        log det Σ_S)`` and rational ``c_S``, that is ``r = 0``, ``Σ c_S |S| = 0`` and ``Π det Σ_S^(c_S L) = 1`` for a
        common denominator ``L`` of the ``c_S`` (``I(A; B | C) = 0``: ``det Σ_AC det Σ_BC = det Σ_ABC det Σ_C``)."""
        form = linear_form(e)
        terms = [(Fraction(int(c.p), int(c.q)), names_at(a.target, self.int_values, where))
                 for a, c in form.terms.items() if isinstance(a, H) and not a.given and c.is_Rational]
        if form.const != 0 or len(terms) != len(form.terms):
            return False
        common = math.lcm(*(c.denominator for c, _ in terms)) if terms else 1
        if any(self.det(names) == 0 for _, names in terms):
            return False  # a degenerate covariance: no density, no differential entropy
        product = math.prod((self.det(names) ** int(c * common) for c, names in terms), start=Fraction(1))
        return (sum(c * len(self.continuous_part(names)) for c, names in terms) == 0 and product == 1
                and sum(c * self.bits_in(names) for c, names in terms) == 0)

    def violations(self, proof) -> list[str]:
        """The hypotheses' entropy equalities that fail on the model (:meth:`vanishes`, exact), laws of an i.i.d.
        group that differ, and ``AWGN`` channels the model does not realize."""
        from derive.numeric.models import hypothesis_equalities

        out = [f"{hid}: {show(e)} is not 0" for hid, e in hypothesis_equalities(proof, self.int_values)
               if not self.vanishes(e, hid)]
        for group in self.iid_groups:  # zero-mean Gaussian laws are equal when their covariances are (constants: equal)
            if any(g[-1] in self.constants for g in group):
                continue
            group = tuple(tuple(x for x in g if x not in self.constants) for g in group)
            laws = [[[self.cov[self.names.index(x)][self.names.index(y)] for y in g] for x in g] for g in group]
            out += [f"{group[k][-1]} and {group[0][-1]} have different laws" for k in range(1, len(group))
                    if laws[k] != laws[0]]
        for x, y, snr, below in self.awgn:  # X ~ N(0, snr); Y - X ~ N(0, 1) independent of all but Y's descendants
            ix, iy = self.names.index(x), self.names.index(y)
            if self.cov[ix][ix] != snr:
                out.append(f"{x} has variance {self.cov[ix][ix]}, not the N(0, {snr}) input of AWGN({snr})")
            if self.cov[iy][iy] != self.cov[ix][ix] + 1 or any(
                    self.cov[iy][j] != self.cov[ix][j] for j, w in enumerate(self.names) if w not in below):
                out.append(f"{y} - {x} is not N(0, 1) noise independent of the variables not below {y}")
        return out

    def as_dict(self) -> dict:
        cov = "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in self.cov) + "]"
        kind = ("uniform bits" if len(self.bits) > 1 else "a uniform bit") if self.bits else "constant"
        held = (f"; {', '.join(self.constants)} {kind} (independent of the rest)") if self.constants else ""
        return {"description": f"jointly Gaussian, mean 0, covariance of ({', '.join(self.names)}) = {cov}{held}",
                "params": {k: str(v) for k, v in self.params.items()}, "network": self.network,
                "covariance": {"names": list(self.names), "matrix": [[str(x) for x in row] for row in self.cov],
                               **({"constants": list(self.constants), "bits": list(self.bits)} if self.constants
                                  else {})}}


def draw_gaussian(factory, source, discrete: frozenset = frozenset(), bits: bool = False) -> GaussianModel:
    """A linear Gaussian network on the plan of one discrete draw (its parameters and integer values too), every
    weight and variance taken from ``source``.

    ``discrete``: names (of variables or families) that are constants in the model instead: the network is drawn
    over every variable as usual, then its marginal law on the others is kept, with each discrete one a constant
    independent of them (:attr:`GaussianModel.constants`; the hypotheses are checked again on that model by
    :meth:`GaussianModel.violations`), or with ``bits`` an independent uniform bit each.

    An ``AWGN(snr)`` channel ``Y | X`` (``factory`` built with ``gaussian=True``) is realized as its hypothesis says:
    ``Y = X + N(0, 1)`` with fresh noise, and ``X ~ N(0, snr)``: the input's weights are halved until their part of
    the variance is below ``snr`` and its own noise makes up the rest (no rescaling of either).

    Raises
    ------
    InvalidDraw
        As :meth:`~derive.numeric.models.ModelFactory.draw` (draw again), or when the drawn values cannot give an
        ``AWGN`` input its variance (an irrational ``snr``, an input that is itself a Gaussian channel's output
        with another variance, two such channels of one input with different ``snr``).
    """
    drawn = factory.draw(source)
    plan = drawn.plan
    order = tuple(plan.order)
    inputs = _awgn_input_variances(plan, drawn.params)
    cov: list[list[Fraction]] = [[Fraction(0)] * len(order) for _ in order]
    scale: list[Fraction] = []
    shared: dict[str, tuple] = {}  # an i.i.d. group's weights (by parent position), noise variance and scale
    groups: dict[str, list[tuple[str, ...]]] = {}
    for k, v in enumerate(order):
        node = plan.nodes[v]
        parents = [order.index(p) for p in node.parents]
        law = shared.get(node.group) if node.kind == "iid" else None
        if law is None:
            law = (tuple(WEIGHTS[source.integer(0, len(WEIGHTS) - 1)] for _ in parents),
                   VARIANCES[source.integer(0, len(VARIANCES) - 1)], SCALES[source.integer(0, len(SCALES) - 1)])
            if node.kind == "iid":
                shared[node.group] = law
        if node.kind == "iid":
            groups.setdefault(node.group, []).append((*node.parents, v))
        b = dict(zip(parents, law[0]))
        noise, s_v = law[1], law[2]
        if _is_awgn(node):  # Y = X + N(0, 1): the weight s_X undoes X's rescaling
            b, noise, s_v = {parents[0]: scale[parents[0]]}, Fraction(1), Fraction(1)
        noise_free = sum((b[p] * b[q] * cov[p][q] for p in parents for q in parents), Fraction(0))
        if v in inputs:  # an AWGN input: Var = snr exactly, not rescaled
            if _is_awgn(node):
                if noise_free + noise != inputs[v]:
                    raise InvalidDraw(f"{v} has variance {noise_free + noise} as a Gaussian channel's output but is "
                                      f"the input of one with snr {inputs[v]}")
            else:
                c = Fraction(1)
                while noise_free * c * c >= inputs[v]:
                    c /= 2
                b, noise_free, s_v = {p: c * w for p, w in b.items()}, noise_free * c * c, Fraction(1)
                noise = inputs[v] - noise_free
        for j in range(k):  # Cov(X_v, X_j) = Σ_p b_vp Cov(X_p, X_j), before any rescaling
            cov[k][j] = cov[j][k] = sum((b[p] * cov[p][j] for p in parents), Fraction(0))
        cov[k][k] = noise_free + noise
        scale.append(s_v)
    cov = [[scale[i] * scale[j] * x for j, x in enumerate(row)] for i, row in enumerate(cov)]  # s_v X_v
    constants = tuple(v for v in order if v.split("[", 1)[0] in discrete)
    keep = [k for k, v in enumerate(order) if v not in constants]   # the marginal law of the continuous ones
    return GaussianModel(tuple(order[k] for k in keep), [[cov[i][j] for j in keep] for i in keep],
                         dict(drawn.params), dict(drawn.int_values), plan.describe(),
                         tuple(tuple(g) for g in groups.values()),
                         awgn=tuple((x, v, inputs[x], _descendants(plan, v)) for v in order if _is_awgn(plan.nodes[v])
                                    for x in plan.nodes[v].parents), constants=constants,
                         bits=constants if bits else ())


def _is_awgn(node) -> bool:
    return node.kind == "channel" and node.spec is not None and node.spec.name == "AWGN"


def _awgn_input_variances(plan, params) -> dict[str, Fraction]:
    """The variance ``snr`` each ``AWGN`` channel's input must have, at the drawn parameter values (exact)."""
    out: dict[str, Fraction] = {}
    for v in plan.order:
        node = plan.nodes[v]
        if not _is_awgn(node):
            continue
        if len(node.parents) != 1:
            raise InvalidDraw(f"{v}: an AWGN channel has one input here, not {len(node.parents)}")
        snr = node.spec.params[0].xreplace(symbol_values(params, spec_symbols(node.spec)))
        if not (snr.is_Rational and snr > 0):
            raise InvalidDraw(f"{node.spec} at these values has snr = {sympy.sstr(snr)}, not a positive rational")
        value = Fraction(int(snr.p), int(snr.q))
        if out.setdefault(node.parents[0], value) != value:
            raise InvalidDraw(f"{node.parents[0]} is the input of Gaussian channels with different snr")
    return out


def _descendants(plan, v: str) -> tuple[str, ...]:
    """``v`` and the variables below it in the plan's network."""
    import networkx as nx

    g = nx.DiGraph((p, w) for w in plan.order for p in plan.nodes[w].parents)
    g.add_nodes_from(plan.order)
    return (v, *sorted(nx.descendants(g, v)))


def infinite_atom(atom: sympy.Expr, constants: tuple[str, ...] = ()) -> str | None:
    """Why ``atom`` is infinite for continuous variables (``None`` when it is finite): ``I(A; B | C)`` with a variable
    of ``A`` in ``B`` but not in ``C`` (``I(X; X) = +oo``), ``H(A | C)`` with ``A`` inside ``C`` (``H(X | X) = -oo``);
    the joint-entropy formula would give a finite number for them. ``constants`` (a mixed model's discrete
    variables, constants there) are left out: ``I(A; A) = H(A) = 0`` and ``H(A | A) = 0`` for them."""
    from derive.numeric.expressions import rvset_names

    def names(s) -> set:
        return set(rvset_names(s)) - set(constants)

    if isinstance(atom, I):
        a, b, c = (names(s) for s in atom.args)
        if (a & b) - c:
            return f"{sympy.sstr(atom)} is +oo (a continuous variable on both sides)"
    elif isinstance(atom, H) and names(atom.target) and names(atom.target) <= names(atom.given):
        return f"{sympy.sstr(atom)} is -oo (a continuous variable given itself)"
    return None


def gaussian_sides(model: GaussianModel, comp: CompiledStatement, units: str) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Both sides of a compiled statement (sums written out) on the model at the current mpmath precision.

    Raises
    ------
    InvalidArgument
        When an atom is infinite for continuous variables (:func:`infinite_atom`).
    """
    st = comp.statement
    why = next(filter(None, (infinite_atom(a, model.constants)
                             for a in sympy.Add(st.lhs, st.rhs, evaluate=False).atoms(H, I))), None)
    if why:
        raise InvalidArgument(why)
    return gaussian_side_value(model, comp.lhs, units), gaussian_side_value(model, comp.rhs, units)


def gaussian_side_value(model: GaussianModel, side: Side, units: str) -> mpmath.mpf:
    """A compiled side on the model at the current mpmath precision (``H`` terms from determinants)."""
    total = mpmath.mpf(0)
    for f in side.const:
        total += f(model.params, True)
    for coeffs, kind, payload in side.terms:
        c = sum((f(model.params, True) for f in coeffs), mpmath.mpf(0))
        if c != 0:
            total += c * (model.entropy_mp(payload, units) if kind == "H" else _function_value(model, payload, units))
    return total


def _function_value(model: GaussianModel, node: sympy.Expr, units: str) -> mpmath.mpf:
    """A function of information quantities (``abs(H(X))``, ``min(H(X), 0)``) on the model: the value of each
    quantity, then the function (the fast screen; a refutation is certified with arb afterwards)."""
    from derive.numeric.evaluate import function_of_atoms

    if not uses_only_entropies(node):
        raise InvalidArgument(f"{show(node)} is not evaluated on a Gaussian model (only H and I)")
    atoms, f = function_of_atoms(node)
    v = f(*(gaussian_side_value(model, Side(a), units) for a in atoms))
    if not isinstance(v, (int, float, mpmath.mpf)):  # a complex or mpc value is not real
        raise InvalidArgument(f"{show(node)} has no real value on the model")
    return mpmath.mpf(v)  # max(0, h) is the int 0 where h < 0


class ArbGaussian(ArbInformation):
    """Arb enclosures of ``H`` and ``I`` on a Gaussian model: ``h(S)`` from the exact ``det Σ_S``; a differential
    entropy has any sign (only ``I`` is cut at 0); no exact ties (:meth:`exact` refuses)."""

    def __init__(self, model: GaussianModel, units: str) -> None:
        super().__init__(lambda names: ([], 1), {}, model.params, units)
        self.model = model

    def entropy(self, names: frozenset) -> Any:
        k, names = self.model.bits_in(names), self.model.continuous_part(names)
        if not names:
            return flint.arb(k) if self.base == 2 else k * flint.arb(2).log()
        d = self.model.det(names)
        h = (len(names) * (2 * flint.arb.pi() * flint.arb(1).exp()).log() + arb_of(d).log()) / 2
        return h / flint.arb(2).log() + k if self.base == 2 else h + k * flint.arb(2).log()

    def atom(self, e: sympy.Expr) -> Any:
        if not isinstance(e, (H, I)) or infinite_atom(e, self.model.constants):
            raise Uncertifiable(f"cannot enclose {sympy.sstr(e)} on a Gaussian model")
        v = self._information(e, self.entropy, arb_of, lambda x: arb_of(x).log(), None)
        return v.nonnegative_part() if isinstance(e, I) else v

    def exact(self, e: sympy.Expr) -> sympy.Expr:
        raise Uncertifiable("a Gaussian model's entropies have no exact form here")


def uses_only_entropies(expr: sympy.Expr) -> bool:
    """Every information atom of ``expr`` is an ``H`` or an ``I``."""
    return all(isinstance(a, (H, I)) for a in sympy.preorder_traversal(expr) if isinstance(a, INFO_CLASSES))


def certified_gaussian_slack(model: GaussianModel, statement, units: str, want: str) -> tuple[Any, str | None]:
    """:func:`~derive.numeric.certify.certified_slack` on the Gaussian model."""
    from derive.numeric.certify import certified_slack

    return certified_slack(lambda: ArbGaussian(model, units), statement, want)


#: Gaussian models a refutation of one claim tries (``derive check``: unchecked Shannon-type steps), and digits.
REFUTATION_MODELS = 300
REFUTATION_DPS = 30


def gaussian_counterexample(proof, statement, premises=(), seed: int = 0,
                            models: int = REFUTATION_MODELS, mixed: bool = False) -> tuple[GaussianModel, Any] | None:
    """A jointly Gaussian model of ``proof``'s hypotheses on which every statement of ``premises`` certainly holds
    (a family of assumptions over a symbolic range among them: each of its instances at the drawn size) and
    ``statement`` is certainly false (arb), with the certified slack; ``None`` when none of ``models`` draws
    is one, or when the proof has no Gaussian models (:func:`why_not_gaussian`) or a statement names a quantity
    other than ``H`` and ``I``. ``mixed``: the proof's discrete variables are constants or uniform bits, independent
    of the jointly Gaussian continuous ones (:func:`draw_gaussian`'s ``discrete``)."""
    import random

    from derive.core.statements import Statement
    from derive.errors import DeriveError
    from derive.numeric.choices import RandomChoices
    from derive.numeric.evaluate import slack_of
    from derive.numeric.models import ModelFactory

    from derive.core.hypotheses import AssumeFamily
    from derive.numeric.verify import assumed_instances

    bodies = [p.body if isinstance(p, AssumeFamily) else p for p in premises]
    if why_not_gaussian(proof, allow_discrete=mixed) is not None or not all(
            uses_only_entropies(s.lhs) and uses_only_entropies(s.rhs) for s in (statement, *bodies)):
        return None
    symbols = {n: p.symbol for n, p in proof.parameters.items()}
    try:
        factory = ModelFactory(proof, gaussian=True)
    except DeriveError:
        return None
    units = proof.units
    discrete = frozenset(discrete_names(proof) if mixed else ())

    def compiled(st: Statement, g: GaussianModel) -> CompiledStatement:
        return CompiledStatement(st, {symbols[n]: sympy.Integer(v) for n, v in g.int_values.items() if n in symbols})

    def kept(g: GaussianModel) -> list[Statement]:
        """The premises at the model's parameter values: a family of assumptions over a symbolic range as its
        instances there (:func:`~derive.numeric.verify.assumed_instances`)."""
        out = []
        for p in premises:
            at = assumed_instances(p, {symbols[n]: sympy.Integer(v) for n, v in g.int_values.items() if n in symbols}) \
                if isinstance(p, AssumeFamily) else [p]
            if at is None:
                raise InvalidDraw("too many instances of a family of assumptions at the drawn size")
            out += at
        return out

    rng = random.Random(seed * 1_000_003 + 104_729)
    for _ in range(models):
        try:
            g = draw_gaussian(factory, RandomChoices(random.Random(rng.random())), discrete,
                              bits=mixed and rng.random() < 0.5)   # draws nothing more for an all-continuous proof
            if g.violations(proof):
                continue
            comp = compiled(statement, g)
            with mpmath.workdps(REFUTATION_DPS):
                if slack_of(comp.rel, *gaussian_sides(g, comp, units)) >= -mpmath.mpf(10) ** (-REFUTATION_DPS // 2):
                    continue
            cert, _ = certified_gaussian_slack(g, comp.statement, units, "negative")
            if cert is None or any(certified_gaussian_slack(g, compiled(p, g).statement, units, "nonnegative")[0]
                                   is None for p in kept(g)):
                continue
        except (InvalidDraw, DeriveError, ArithmeticError, ValueError, TypeError):
            continue
        return g, cert
    return None
