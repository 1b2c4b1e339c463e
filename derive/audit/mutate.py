"""Mutants of a proof: small, deliberate errors in a :class:`~derive.proof.Proof` object.

Each operator changes one thing — a step's claim, rule, premises or arguments, the theorem,
or one hypothesis — and returns a new proof (the original is never modified). Every mutant
says what it changed (:attr:`Mutant.changed_steps`, :attr:`Mutant.changed_hypotheses`,
:attr:`Mutant.changed_theorem`), so the audit re-checks only what the change can affect.

Operators (``Mutant.operator``):

* on a statement (a step's claim, the theorem, an ``assume`` hypothesis):
  ``flip_relation`` (``<=`` ↔ ``>=``, ``==`` → ``<=``/``>=``, ``<=`` → ``==``),
  ``scale_constant`` (a number outside the information atoms ×2, ×1/2, squared, square-rooted),
  ``scale_coefficient`` (the coefficient of an information atom — ``(1 - 2*delta)^2`` as a
  whole — or a constant term, ×2, ×1/2, squared, square-rooted, sign kept),
  ``swap_variables`` (two random variables, families or distributions exchanged),
  ``replace_variable`` (one variable renamed to another), ``drop_conditioning`` (a variable
  removed from the conditioning of one ``H``/``I``), ``shift_range`` (a family range or sum
  limit moved by one), and for the theorem ``strengthen`` (a stronger claim: a constant
  added on the weak side, or the bound replaced by zero);
* on a step: ``drop_premise``, ``change_rule``, ``change_argument`` (``error``, ``alphabet``,
  ``eta``, ``function`` scaled; a ``nonneg`` term dropped or negated);
* on the theorem: ``drop_premise`` (one of ``from``);
* on the whole proof: ``widen_domain`` (a parameter's domain widened: an end removed, moved out
  by one or closed, an integer made real; every statement is rebound to the new symbol, whose
  sympy assumptions change with it) and ``change_units`` (bits ↔ nats);
* on a hypothesis: ``drop_hypothesis`` (removed with every use of it), ``drop_link`` and
  ``reorder_chain`` (Markov chains), ``reverse_chain`` (an equivalent chain), ``change_channel``
  (a parameter scaled or replaced by ``1 - p``, another channel kind, input and output swapped),
  ``drop_conditioning`` / ``add_conditioning`` / ``shift_range`` (independences), ``swap_function``
  (``X = f(Y)`` becomes ``Y = f(X)``), and the statement operators on ``assume``.

Nothing here parses text: mutants are built from sympy objects and derive's core types.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator

import sympy
from sympy import S
from sympy.core.symbol import Str

from derive.core.hypotheses import (
    IID,
    Assume,
    AssumeFamily,
    Channel,
    ChannelSpec,
    FunctionOf,
    Hypothesis,
    Independent,
    Markov,
    MutuallyIndependent,
)
from derive.core.parameters import Domain, make_parameter
from derive.core.quantities import INFO_CLASSES, H, I, has_information
from derive.core.statements import Statement
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import DeriveError
from derive.proof import Proof, Step

__all__ = ["Mutant", "generate_mutants", "statement_mutations", "clone_proof", "rebind", "OPERATORS", "SCALINGS"]

#: Every operator name a mutant may carry.
OPERATORS = (
    "flip_relation", "scale_constant", "scale_coefficient", "swap_variables", "replace_variable",
    "drop_conditioning", "shift_range", "strengthen", "drop_premise", "change_rule", "change_argument",
    "drop_hypothesis", "drop_link", "reorder_chain", "reverse_chain", "change_channel", "add_conditioning",
    "swap_function", "widen_domain", "change_units",
)

#: The four scalings of a constant or coefficient: ``(name, function)``; each keeps the sign.
SCALINGS: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("x2", lambda c: 2 * c),
    ("x1/2", lambda c: c / 2),
    ("squared", lambda c: -(c ** 2) if _negative(c) else c ** 2),
    ("square-rooted", lambda c: -sympy.sqrt(-c) if _negative(c) else sympy.sqrt(c)),
)

#: Rules tried by ``change_rule`` (each step gets a few of them, chosen by the seed).
_RULES = ("linear", "shannon", "dpi", "sdpi", "chain_rule", "superadditivity", "subadditivity",
          "tensorization", "fano", "pinsker", "real", "monotone", "substitute")


def _negative(c: sympy.Expr) -> bool:
    return bool(c.is_negative) or (c.is_negative is None and c.could_extract_minus_sign())


@dataclass
class Mutant:
    """One mutated proof and what was changed.

    ``changed_steps``: ids of steps whose own kernel inputs (claim, rule, premises, args) changed;
    ``changed_hypotheses``: ids of hypotheses changed or removed; ``changed_theorem``: the
    theorem's claim or ``from`` changed.
    """

    id: str
    operator: str
    target: str
    description: str
    proof: Proof | None
    changed_steps: tuple[str, ...] = ()
    changed_hypotheses: tuple[str, ...] = ()
    changed_theorem: bool = False
    changed_context: bool = False
    refused: str | None = None
    signature: Any = field(default=None, repr=False)

    def to_json(self) -> dict:
        out = {"id": self.id, "operator": self.operator, "target": self.target, "description": self.description}
        if self.refused:
            out["refused"] = self.refused
        return out


# ----------------------------------------------------------------------------- copying

def clone_proof(proof: Proof) -> Proof:
    """A copy of ``proof`` whose containers can be changed without touching the original.

    Steps, hypotheses and statements are immutable and shared.
    """
    q = copy.copy(proof)
    q.parameters = dict(proof.parameters)
    q.variables = dict(proof.variables)
    q.families = dict(proof.families)
    q.hypotheses = dict(proof.hypotheses)
    q.hypothesis_lines = dict(proof.hypothesis_lines)
    q.steps = list(proof.steps)
    return q


def _fmt(x: Any) -> str:
    return sympy.sstr(x) if isinstance(x, sympy.Basic) else str(x)


def _bad(e: sympy.Expr) -> bool:
    """Not a usable real expression (complex unit, infinities, nan)."""
    return e.has(sympy.I, S.ComplexInfinity, S.NaN, S.Infinity, S.NegativeInfinity)


# ----------------------------------------------------------------------------- expression paths

Path = tuple[int, ...]


def _paths(e: sympy.Basic, pred: Callable[[sympy.Basic], bool], into_info: bool = False,
           path: Path = ()) -> Iterator[Path]:
    """Paths (argument indices) to the nodes satisfying ``pred``, not entering ``H``/``I``/``D``/``TV``
    unless ``into_info``."""
    if pred(e):
        yield path
        return
    if not into_info and isinstance(e, INFO_CLASSES):
        return
    if isinstance(e, (RVSet, Str)):
        if not into_info:
            return
    for k, a in enumerate(e.args):
        if isinstance(a, sympy.Basic):
            yield from _paths(a, pred, into_info, path + (k,))


def _at(e: sympy.Basic, path: Path) -> sympy.Basic:
    for k in path:
        e = e.args[k]
    return e


def _replace_at(e: sympy.Basic, path: Path, new: sympy.Basic) -> sympy.Basic:
    if not path:
        return new
    args = list(e.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return e.func(*args)


# ----------------------------------------------------------------------------- statement operators

StatementMutation = tuple[str, str, Statement]  # (operator, description, new statement)


def _sides(st: Statement) -> tuple[tuple[str, sympy.Expr], ...]:
    return (("lhs", st.lhs), ("rhs", st.rhs))


def _with_side(st: Statement, side: str, expr: sympy.Expr) -> Statement:
    return Statement(expr, st.rel, st.rhs) if side == "lhs" else Statement(st.lhs, st.rel, expr)


def _flip(st: Statement) -> list[StatementMutation]:
    out = []
    if st.rel == "==":
        for rel in ("<=", ">="):
            out.append(("flip_relation", f"'==' weakened to {rel!r}", Statement(st.lhs, rel, st.rhs)))
    else:
        other = ">=" if st.rel == "<=" else "<="
        out.append(("flip_relation", f"{st.rel!r} reversed to {other!r}", Statement(st.lhs, other, st.rhs)))
        out.append(("flip_relation", f"{st.rel!r} strengthened to '=='", Statement(st.lhs, "==", st.rhs)))
    return out


def _is_number(e: sympy.Basic) -> bool:
    return isinstance(e, sympy.Number) and e not in (S.One,)


def _scale_constants(st: Statement) -> list[StatementMutation]:
    out = []
    for side, expr in _sides(st):
        for path in _paths(expr, _is_number):
            c = _at(expr, path)
            for name, f in SCALINGS:
                new_c = f(c)
                if new_c == c or _bad(new_c):
                    continue
                try:
                    new = _replace_at(expr, path, new_c)
                except (DeriveError, TypeError, ValueError, ZeroDivisionError):
                    continue
                if _bad(new) or new == expr:
                    continue
                out.append(("scale_constant", f"the constant {_fmt(c)} in the {side} {name} (-> {_fmt(new_c)})",
                            _with_side(st, side, new)))
    return out


def _split_term(term: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr | None]:
    """``coefficient, information part`` of one additive term (``None`` when it has no information)."""
    if not has_information(term):
        return term, None
    if isinstance(term, sympy.Mul):
        info = [f for f in term.args if has_information(f)]
        rest = [f for f in term.args if not has_information(f)]
        return sympy.Mul(*rest), sympy.Mul(*info)
    return S.One, term


def _scale_coefficients(st: Statement) -> list[StatementMutation]:
    out = []
    for side, expr in _sides(st):
        terms = sympy.Add.make_args(expr)
        for k, term in enumerate(terms):
            coeff, info = _split_term(term)
            if coeff == 0:
                continue
            for name, f in SCALINGS:
                new_c = f(coeff)
                if new_c == coeff or _bad(new_c):
                    continue
                new_term = new_c * info if info is not None else new_c
                new = sympy.Add(*terms[:k], new_term, *terms[k + 1:])
                if new == expr or _bad(new):
                    continue
                what = (f"the coefficient {_fmt(coeff)} of {_fmt(info)}" if info is not None
                        else f"the term {_fmt(coeff)}")
                out.append(("scale_coefficient", f"{what} in the {side} {name}", _with_side(st, side, new)))
    return out


def _names_in(st: Statement) -> dict[str, str]:
    """Names mentioned by ``st``: ``{name: kind}`` with kind ``rv``, ``family`` or ``dist``."""
    from derive.core.quantities import Dist

    out: dict[str, str] = {}
    for side in (st.lhs, st.rhs):
        for node in sympy.preorder_traversal(side):
            if isinstance(node, RV):
                out.setdefault(node.name, "rv")
            elif isinstance(node, (FamilyMember, FamilyRange)):
                out.setdefault(node.family, "family")
            elif isinstance(node, Dist):
                out.setdefault(node.name, "dist")
    return out


def _rename(st: Statement, mapping: dict[str, str]) -> Statement:
    rule = {Str(a): Str(b) for a, b in mapping.items()}
    return st.xreplace(rule)


def _pool(proof: Proof, kind: str, mentioned: Iterable[str]) -> list[str]:
    """Names of one kind: those the statement mentions, then the declared ones."""
    declared = {"rv": list(proof.variables), "family": list(proof.families)}.get(kind, [])
    out = list(dict.fromkeys([*mentioned, *declared]))
    return out


def _try(out: list, operator: str, description: str, build: Callable[[], Any]) -> None:
    """Append ``(operator, description, build())`` unless the core refuses to build it."""
    try:
        out.append((operator, description, build()))
    except (DeriveError, TypeError, ValueError, ZeroDivisionError):
        pass


def _swaps(st: Statement, proof: Proof) -> list[StatementMutation]:
    names = _names_in(st)
    out = []
    done: set = set()
    for kind in ("rv", "family", "dist"):
        mentioned = [n for n, k in names.items() if k == kind]
        pool = _pool(proof, kind, mentioned)
        for a in mentioned:
            for b in pool:
                if b == a:
                    continue
                if frozenset((a, b)) not in done:
                    done.add(frozenset((a, b)))
                    _try(out, "swap_variables", f"{a} and {b} swapped", lambda: _rename(st, {a: b, b: a}))
                _try(out, "replace_variable", f"{a} replaced by {b}", lambda: _rename(st, {a: b}))
    return out


def _drop_conditioning(st: Statement) -> list[StatementMutation]:
    out = []
    for side, expr in _sides(st):
        for path in _paths(expr, lambda e: isinstance(e, (H, I)) and bool(e.args[-1])):
            atom = _at(expr, path)
            given = atom.args[-1]
            for item in given.args:
                rest = RVSet(*[g for g in given.args if g != item])
                new_atom = H(atom.target, rest) if isinstance(atom, H) else I(atom.left, atom.right, rest)
                new = _replace_at(expr, path, new_atom)
                if new != expr:
                    out.append(("drop_conditioning", f"{item} dropped from the conditioning of {_fmt(atom)}",
                                _with_side(st, side, new)))
    return out


def _shift_ranges(st: Statement) -> list[StatementMutation]:
    out = []
    for side, expr in _sides(st):
        for path in _paths(expr, lambda e: isinstance(e, FamilyRange), into_info=True):
            rng = _at(expr, path)
            for lo, hi, what in ((rng.lo + 1, rng.hi, "lower end + 1"), (rng.lo, rng.hi - 1, "upper end - 1"),
                                 (rng.lo, rng.hi + 1, "upper end + 1")):
                try:
                    items = FamilyRange.make(rng.family, lo, hi)
                    new_set_items = items
                    parent_path = path[:-1]
                    parent = _at(expr, parent_path)
                    if not isinstance(parent, RVSet):
                        continue
                    siblings = [a for a in parent.args if a != rng]
                    new = _replace_at(expr, parent_path, RVSet(*siblings, *new_set_items))
                except (DeriveError, TypeError, ValueError):
                    continue
                if new != expr and not _bad(new):
                    out.append(("shift_range", f"{rng}: {what}", _with_side(st, side, new)))
        for path in _paths(expr, lambda e: isinstance(e, sympy.Sum)):
            sm = _at(expr, path)
            if len(sm.limits) != 1:
                continue
            var, lo, hi = sm.limits[0]
            for nlo, nhi, what in ((lo + 1, hi, "lower limit + 1"), (lo, hi - 1, "upper limit - 1"),
                                   (lo, hi + 1, "upper limit + 1")):
                new = _replace_at(expr, path, sympy.Sum(sm.function, (var, nlo, nhi)))
                if new != expr:
                    out.append(("shift_range", f"the sum over {var}: {what}", _with_side(st, side, new)))
    return out


def statement_mutations(st: Statement, proof: Proof) -> list[StatementMutation]:
    """Every statement-level mutation of ``st`` (relation, constants, coefficients, variables, ranges)."""
    out: list[StatementMutation] = []
    for op in (_flip, _scale_constants, _scale_coefficients, _drop_conditioning, _shift_ranges):
        try:
            out.extend(op(st))
        except (DeriveError, TypeError, ValueError, ZeroDivisionError, RecursionError):
            continue
    try:
        out.extend(_swaps(st, proof))
    except (DeriveError, TypeError, ValueError):
        pass
    return out


def _strengthen(st: Statement) -> list[StatementMutation]:
    """Stronger versions of a theorem: a constant moved to the weak side, an upper bound replaced by zero,
    the smaller (information) side doubled."""
    out = []
    for c in (S.One / 10, S.One):
        if st.rel in ("<=", "=="):
            out.append(("strengthen", f"{_fmt(c)} subtracted from the larger side",
                        Statement(st.lhs, st.rel, st.rhs - c)))
        if st.rel in (">=", "=="):
            out.append(("strengthen", f"{_fmt(c)} added to the smaller side", Statement(st.lhs, st.rel, st.rhs + c)))
    if st.rel == "<=" and has_information(st.lhs) and st.rhs != 0:
        out.append(("strengthen", "the upper bound replaced by 0", Statement(st.lhs, st.rel, S.Zero)))
    small = st.lhs if st.rel == "<=" else st.rhs
    if st.rel != "==" and has_information(small):
        out.append(("strengthen", "the smaller side doubled", Statement(2 * st.lhs, st.rel, st.rhs)
                    if st.rel == "<=" else Statement(st.lhs, st.rel, 2 * st.rhs)))
    return out


# ----------------------------------------------------------------------------- hypothesis operators

HypMutation = tuple[str, str, Hypothesis]


def _markov_mutations(h: Markov) -> list[HypMutation]:
    out: list[HypMutation] = []
    links = list(h.chain)
    if len(links) > 3:
        for k in range(len(links)):
            chain = tuple(links[:k] + links[k + 1:])
            out.append(("drop_link", f"link {links[k]} removed", Markov(chain)))
    for i in range(len(links)):
        for j in range(i + 1, len(links)):
            chain = list(links)
            chain[i], chain[j] = chain[j], chain[i]
            if tuple(chain) != tuple(reversed(links)):
                out.append(("reorder_chain", f"links {links[i]} and {links[j]} exchanged", Markov(tuple(chain))))
    out.append(("reverse_chain", "the chain reversed (an equivalent hypothesis)", Markov(tuple(reversed(links)))))
    for k in range(len(links) - 1):
        merged = links[:k] + [RVSet(links[k], links[k + 1])] + links[k + 2:]
        if len(merged) >= 3:
            out.append(("drop_link", f"links {links[k]} and {links[k + 1]} merged", Markov(tuple(merged))))
    return out


def _channel_mutations(h: Channel) -> list[HypMutation]:
    out: list[HypMutation] = []
    spec = h.spec
    for k, p in enumerate(spec.params):
        if spec.name == "QSC" and k == 0:
            cands = [("q + 1", p + 1), ("2 q", 2 * p)]
        else:
            cands = [(name, f(p)) for name, f in SCALINGS] + [("1 - p", 1 - p)]
        for name, new_p in cands:
            if new_p == p or _bad(new_p):
                continue
            params = list(spec.params)
            params[k] = new_p
            out.append(("change_channel", f"parameter {_fmt(p)} of {spec} {name}",
                        Channel(h.output, h.input, ChannelSpec(spec.name, tuple(params)))))
    if spec.rows:
        for i, row in enumerate(spec.rows):
            if len(row) == 2:
                rows = list(spec.rows)
                rows[i] = (row[1], row[0])
                out.append(("change_channel", f"row {i + 1} of {spec} reversed",
                            Channel(h.output, h.input, ChannelSpec("matrix", (), tuple(rows)))))
    if len(spec.params) == 1:
        for other in ("BSC", "BEC", "Z"):
            if other != spec.name:
                out.append(("change_channel", f"{spec.name} replaced by {other}",
                            Channel(h.output, h.input, ChannelSpec(other, spec.params))))
    out.append(("change_channel", "input and output exchanged", Channel(h.input, h.output, spec)))
    return out


def _range_shifts(s: RVSet) -> list[tuple[str, RVSet]]:
    out = []
    for item in s.args:
        if isinstance(item, FamilyRange):
            rest = [a for a in s.args if a != item]
            for lo, hi, what in ((item.lo + 1, item.hi, "lower end + 1"), (item.lo, item.hi - 1, "upper end - 1")):
                try:
                    out.append((f"{item}: {what}", RVSet(*rest, *FamilyRange.make(item.family, lo, hi))))
                except DeriveError:
                    continue
    return out


def _independence_mutations(h: Hypothesis, proof: Proof) -> list[HypMutation]:
    out: list[HypMutation] = []
    if isinstance(h, Independent):
        for item in h.given.args:
            out.append(("drop_conditioning", f"{item} dropped from the conditioning",
                        Independent(h.left, h.right, RVSet(*[g for g in h.given.args if g != item]))))
        if h.given:
            out.append(("reorder_chain", "a conditioning variable moved to a side",
                        Independent(h.left, RVSet(h.right, h.given.args[0]),
                                    RVSet(*h.given.args[1:]))))
        for name in proof.variables:
            rv = RV(name)
            if rv not in h.variables():
                out.append(("add_conditioning", f"{name} added to the conditioning",
                            Independent(h.left, h.right, RVSet(h.given, rv))))
    elif isinstance(h, MutuallyIndependent):
        cls = type(h)
        for item in h.given.args:
            out.append(("drop_conditioning", f"{item} dropped from the conditioning",
                        cls(h.members, RVSet(*[g for g in h.given.args if g != item]), h.family_range)))
        for name in proof.variables:
            rv = RV(name)
            if rv not in h.given:
                out.append(("add_conditioning", f"{name} added to the conditioning",
                            cls(h.members, RVSet(h.given, rv), h.family_range)))
        if h.family_range is not None:
            r = h.family_range
            for lo, hi, what in ((r.lo + 1, r.hi, "lower end + 1"), (r.lo, r.hi + 1, "upper end + 1")):
                try:
                    made = FamilyRange.make(r.family, lo, hi)
                except DeriveError:
                    continue
                if len(made) == 1 and isinstance(made[0], FamilyRange):
                    out.append(("shift_range", f"{r}: {what}", cls((), h.given, made[0])))
        if isinstance(h, IID):
            out.append(("change_argument", "i.i.d. weakened to mutually independent",
                        MutuallyIndependent(h.members, h.given, h.family_range)))
    return out


def hypothesis_mutations(hid: str, h: Hypothesis, proof: Proof) -> list[HypMutation]:
    """Every mutation of one hypothesis (``drop_hypothesis`` is handled by the caller)."""
    out: list[HypMutation] = []
    try:
        if isinstance(h, Markov):
            out += _markov_mutations(h)
        elif isinstance(h, Channel):
            out += _channel_mutations(h)
        elif isinstance(h, FunctionOf):
            out.append(("swap_function", "function and argument exchanged", FunctionOf(h.input, h.output)))
        elif isinstance(h, AssumeFamily):  # mutate the family's own statement, keep it quantified
            for op, desc, st in statement_mutations(h.body, proof):
                out.append((op, desc, AssumeFamily(st, h.index, h.lo, h.hi, h.cite)))
        elif isinstance(h, Assume):
            for op, desc, st in statement_mutations(h.statement, proof):
                out.append((op, desc, Assume(st, h.cite)))
        else:
            out += _independence_mutations(h, proof)
    except (DeriveError, TypeError, ValueError):
        pass
    return out


# ----------------------------------------------------------------------------- step operators

def _argument_mutations(step: Step, proof: Proof) -> list[tuple[str, str, dict]]:
    out = []
    args = dict(step.args)
    for key in ("error", "alphabet", "eta", "function"):
        e = args.get(key)
        if not isinstance(e, sympy.Expr):
            continue
        cands = [(name, f(e)) for name, f in SCALINGS]
        if key == "alphabet":
            cands += [("minus 1", e - 1), ("plus 1", e + 1)]
        if key == "function":
            cands += [("negated", -e)]
        for name, new in cands:
            if new == e or _bad(new):
                continue
            out.append(("change_argument", f"argument {key} = {_fmt(e)} {name}", {**args, key: new}))
    nonneg = tuple(args.get("nonneg") or ())
    for k, e in enumerate(nonneg):
        out.append(("change_argument", f"nonneg term {_fmt(e)} dropped",
                    {**args, "nonneg": nonneg[:k] + nonneg[k + 1:]}))
        out.append(("change_argument", f"nonneg term {_fmt(e)} negated",
                    {**args, "nonneg": nonneg[:k] + (-e,) + nonneg[k + 1:]}))
    cert = args.get("certificate")
    if cert:
        for key, m in dict(cert).items():
            for name, f in SCALINGS[:2]:
                out.append(("change_argument", f"certificate multiplier of {key} {name}",
                            {**args, "certificate": {**dict(cert), key: f(m)}}))
    return out


# ----------------------------------------------------------------------------- proof-wide operators

def rebind(obj: Any, rule: dict) -> Any:
    """``obj`` with every sympy sub-expression ``xreplace``-d by ``rule`` (statements, hypotheses, steps, args)."""
    if isinstance(obj, sympy.Basic):
        return obj.xreplace(rule)
    if isinstance(obj, Statement):
        return Statement(rebind(obj.lhs, rule), obj.rel, rebind(obj.rhs, rule))
    if isinstance(obj, (dict, MappingProxyType)):
        return {k: rebind(v, rule) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(rebind(v, rule) for v in obj)
    if isinstance(obj, list):
        return [rebind(v, rule) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: rebind(getattr(obj, f.name), rule) for f in dataclasses.fields(obj) if f.init}
        return replace(obj, **changes)
    return obj


def _widenings(d: Domain) -> list[tuple[str, Domain]]:
    out = []
    if d.lo.is_finite:
        out.append(("lower end removed", Domain(S.NegativeInfinity, d.hi, True, d.hi_open, d.integer)))
        out.append(("lower end lowered by 1", Domain(d.lo - 1, d.hi, d.lo_open, d.hi_open, d.integer)))
        if d.lo_open:
            out.append(("lower end closed", Domain(d.lo, d.hi, False, d.hi_open, d.integer)))
    if d.hi.is_finite:
        out.append(("upper end removed", Domain(d.lo, S.Infinity, d.lo_open, True, d.integer)))
        out.append(("upper end raised by 1", Domain(d.lo, d.hi + 1, d.lo_open, d.hi_open, d.integer)))
        if d.hi_open:
            out.append(("upper end closed", Domain(d.lo, d.hi, d.lo_open, False, d.integer)))
    if d.integer:
        out.append(("integer made real", Domain(d.lo, d.hi, d.lo_open, d.hi_open, False)))
    return out


def _rebind_proof(q: Proof, rule: dict) -> None:
    q.families = {k: (rebind(lo, rule), rebind(hi, rule)) for k, (lo, hi) in q.families.items()}
    q.hypotheses = {k: rebind(h, rule) for k, h in q.hypotheses.items()}
    q.steps = [rebind(s, rule) for s in q.steps]
    if q.theorem is not None:
        q.theorem = rebind(q.theorem, rule)


# ----------------------------------------------------------------------------- the generator

def _step_signature(s: Step) -> tuple:
    return ("step", s.id, s.claim, s.rule, s.premises, tuple(sorted((k, repr(v)) for k, v in s.args.items())))


def _descendants(proof: Proof, ids: Iterable[str]) -> set[str]:
    import networkx as nx

    g = proof.graph()
    out: set[str] = set()
    for i in ids:
        if i in g:
            out |= nx.descendants(g, i)
    return out


class _Builder:
    def __init__(self, proof: Proof, name: str) -> None:
        self.proof = proof
        self.name = name
        self.out: list[Mutant] = []
        self.seen: set = set()

    def add(self, operator: str, target: str, description: str, make: Callable[[Proof], tuple],
            signature: Any, context: bool = False) -> None:
        if signature in self.seen:
            return
        self.seen.add(signature)
        mid = f"{self.name}#{len(self.out) + 1}"
        q = clone_proof(self.proof)
        try:
            changed_steps, changed_hyps, changed_theorem = make(q)
        except DeriveError as err:  # the trusted core refuses to build it
            self.out.append(Mutant(mid, operator, target, description, None, refused=f"{type(err).__name__}: "
                                   f"{err.message}", signature=signature))
            return
        self.out.append(Mutant(mid, operator, target, description, q, tuple(changed_steps), tuple(changed_hyps),
                               changed_theorem, changed_context=context, signature=signature))

    # one-component replacements --------------------------------------------------
    def step(self, operator: str, description: str, old: Step, **changes: Any) -> None:
        new = replace(old, **changes)
        sig = _step_signature(new)
        if sig == _step_signature(old):
            return

        def make(q: Proof) -> tuple:
            q.steps = [new if s.id == old.id else s for s in q.steps]
            return (old.id,), (), False

        self.add(operator, f"step {old.id}", description, make, sig)

    def theorem(self, operator: str, description: str, **changes: Any) -> None:
        old = self.proof.theorem
        new = replace(old, **changes)
        sig = ("theorem", new.claim, new.from_steps)
        if sig == ("theorem", old.claim, old.from_steps):
            return

        def make(q: Proof) -> tuple:
            q.theorem = new
            return (), (), True

        self.add(operator, "theorem", description, make, sig)

    def hypothesis(self, operator: str, description: str, hid: str, new: Hypothesis) -> None:
        sig = ("hyp", hid, new)
        if new == self.proof.hypotheses[hid]:
            return

        def make(q: Proof) -> tuple:
            q.hypotheses[hid] = new
            return (), (hid,), False

        self.add(operator, f"hypothesis {hid}", description, make, sig)

    def widen(self, name: str, description: str, domain: Domain) -> None:
        def make(q: Proof) -> tuple:
            old = q.parameters[name]
            new = make_parameter(name, domain)
            q.parameters[name] = new
            _rebind_proof(q, {old.symbol: new.symbol})
            return [s.id for s in q.steps], (), q.theorem is not None

        self.add("widen_domain", f"parameter {name}", f"parameter {name}: {description} ({domain})", make,
                 ("domain", name, domain), context=True)

    def units(self) -> None:
        other = "nats" if self.proof.units == "bits" else "bits"

        def make(q: Proof) -> tuple:
            q.units = other
            return [s.id for s in q.steps], (), q.theorem is not None

        self.add("change_units", "proof", f"units {self.proof.units} changed to {other}", make, ("units", other),
                 context=True)

    def drop_hypothesis(self, hid: str) -> None:
        def make(q: Proof) -> tuple:
            del q.hypotheses[hid]
            q.hypothesis_lines.pop(hid, None)
            users = []
            for k, s in enumerate(q.steps):
                if hid in s.premises:
                    q.steps[k] = replace(s, premises=tuple(p for p in s.premises if p != hid))
                    users.append(s.id)
            th = False
            if q.theorem is not None and hid in q.theorem.from_steps:
                q.theorem = replace(q.theorem, from_steps=tuple(p for p in q.theorem.from_steps if p != hid))
                th = True
            return users, (hid,), th

        self.add("drop_hypothesis", f"hypothesis {hid}", f"hypothesis {hid} removed (and every use of it)",
                 make, ("drop_hyp", hid))


def generate_mutants(proof: Proof, *, seed: int = 0, max_mutants: int | None = None,
                     rules_per_step: int = 3) -> list[Mutant]:
    """All mutants of ``proof`` (deduplicated), or a seeded sample of ``max_mutants`` of them.

    Mutants the trusted core refuses to construct (e.g. a Markov chain naming one variable
    twice) are kept with ``refused`` set and ``proof=None``.
    """
    rng = random.Random(f"{proof.name}:{seed}")
    b = _Builder(proof, proof.name)
    for s in proof.steps:
        for op, desc, st in statement_mutations(s.claim, proof):
            b.step(op, f"step {s.id}: {desc}", s, claim=st)
        for k, p in enumerate(s.premises):
            b.step("drop_premise", f"step {s.id}: premise {p} dropped", s,
                   premises=s.premises[:k] + s.premises[k + 1:])
        others = [r for r in _RULES if r != s.rule]
        picks = set(rng.sample(others, min(rules_per_step, len(others))))
        if s.rule != "linear":
            picks.add("linear")
        for r in sorted(picks):
            b.step("change_rule", f"step {s.id}: rule {s.rule} replaced by {r}", s, rule=r)
        for op, desc, args in _argument_mutations(s, proof):
            b.step(op, f"step {s.id}: {desc}", s, args=args)
    th = proof.theorem
    if th is not None:
        for op, desc, st in statement_mutations(th.claim, proof) + _strengthen(th.claim):
            b.theorem(op, f"theorem: {desc}", claim=st)
        for k, p in enumerate(th.from_steps):
            b.theorem("drop_premise", f"theorem: {p} dropped from `from`",
                      from_steps=th.from_steps[:k] + th.from_steps[k + 1:])
    for hid, h in proof.hypotheses.items():
        for op, desc, new in hypothesis_mutations(hid, h, proof):
            b.hypothesis(op, f"hypothesis {hid}: {desc}", hid, new)
        b.drop_hypothesis(hid)
    for name, par in proof.parameters.items():
        for desc, dom in _widenings(par.domain):
            b.widen(name, desc, dom)
    b.units()
    mutants = b.out
    if max_mutants is not None and len(mutants) > max_mutants:
        keep = sorted(rng.sample(range(len(mutants)), max_mutants))
        mutants = [mutants[k] for k in keep]
    return mutants
