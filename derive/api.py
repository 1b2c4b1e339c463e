"""The notebook API: ``from derive import *`` gives everything a notebook cell needs.

Names
-----
* random variables and parameters: :func:`variables` (``U, X, Y = variables("U X Y")``),
  :func:`family` (``X = family("X", 1, n)``; ``X[i]``, ``X.range(1, n)``), :func:`parameter`
  (``delta = parameter("delta", "0 <= delta <= 1/2")``);
* quantities: ``H``, ``I``, ``D``, ``TV``, ``h`` (``H(X, given=Y)``, ``I(X, Y, given=Z)``), ``sqrt``, ``exp``, ``ln``;
* hypotheses taking plain variables: :func:`Markov` (``Markov(U, X, Y)``; a tuple is a joint link),
  :func:`Independent`, :func:`Channel` (``Channel(Y, X, "BSC(delta)")``), :func:`FunctionOf`, :func:`Assume`;
* :class:`Proof` and its builder methods ``given``, ``step``, ``conclude`` (claims as text in the file
  grammar, as :class:`~derive.core.statements.Statement`, or as sympy relations such as ``I(U, Y) <= I(U, X)``);
* :func:`check`, :func:`prove`, :func:`verify`, :func:`eta`, :func:`bound`, :func:`to_latex`, :func:`parse`.

Text goes through derive's grammar (never ``eval``/``sympify``). Arguments of the wrong kind raise
:class:`~derive.errors.InvalidArgument` at the call. Results display as tables in Jupyter
(:mod:`derive.printing.notebook`); verdicts are the kernel's.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import sympy
from sympy import exp, sqrt
from sympy import log as ln

from derive.core import hypotheses as _hyp
from derive.core.parameters import Domain as _Domain
from derive.core.parameters import Parameter, make_parameter
from derive.core.quantities import TV as _TV
from derive.core.quantities import D
from derive.core.quantities import H as _H
from derive.core.quantities import I as _I
from derive.core.quantities import h as _h
from derive.core.statements import Statement
from derive.core.variables import RV, Family, FamilyMember, FamilyRange, RVSet
from derive.errors import InvalidArgument, LimitExceeded, ParseError
from derive.io.grammar import MAX_EXPANSION, ParseContext, check_name, expansion_terms
from derive.io.reader import FOR_CLAUSE, assume_family
from derive.proof import Proof as _BaseProof
from derive.proof import WrittenOrder

__all__ = [
    "variables", "family", "parameter", "Domain",
    "H", "I", "D", "TV", "h", "sqrt", "exp", "ln",
    "Markov", "Independent", "Channel", "FunctionOf", "Assume", "Statement",
    "Proof", "check", "prove", "verify", "eta", "bound", "to_latex", "parse",
]

#: Parameters declared with :func:`parameter` in this session: name -> Parameter (a proof that mentions the
#: symbol declares it with this domain).
_PARAMETERS: dict[str, Parameter] = {}

#: Families declared with :func:`family` in this session (with a last index): a proof that mentions one declares it.
_FAMILIES: dict[str, Family] = {}

#: How this session last wrote each information atom (core stores ``I(M, S)`` as ``I(S; M)``): a proof built here
#: takes the spellings of the atoms it uses, and displays print them (see :class:`~derive.proof.WrittenOrder`).
_WRITTEN = WrittenOrder(last_wins=True)


# ---------------------------------------------------------------------------- names


def _names(text: Any, what: str) -> list[str]:
    if not isinstance(text, str):
        raise InvalidArgument(f"Expected a string of {what} names such as \"X Y Z\" but got {text!r}")
    names = [n for n in re.split(r"[\s,]+", text.strip()) if n]
    if not names:
        raise InvalidArgument(f"Expected at least one {what} name but got {text!r}")
    for n in names:
        try:
            check_name(n, f"a {what}")  # D, H, I, h may name random variables and families
        except ParseError as err:
            raise InvalidArgument(err.message) from None
    return names


def variables(names: str) -> RV | tuple[RV, ...]:
    """Random variables: ``U, X, Y = variables("U X Y")`` (names separated by spaces or commas)."""
    out = tuple(RV(n) for n in _names(names, "random variable"))
    return out[0] if len(out) == 1 else out


def family(name: str, lo: Any = 1, hi: Any = None) -> Family:
    """An indexed family ``name[lo..hi]``: ``X = family("X", 1, n)``; ``X[i]`` a member, ``X.range()`` all."""
    names = _names(name, "family")
    if len(names) != 1:
        raise InvalidArgument(f"Expected one family name but got {name!r}")
    fam = Family(names[0], _expr(lo, "the family's first index"),
                 None if hi is None else _expr(hi, "the family's last index"))
    if fam.hi is not None:
        _FAMILIES[fam.name] = fam
    return fam


def parameter(name: str, domain: Any = None) -> sympy.Symbol:
    """A real parameter: ``delta = parameter("delta", "0 <= delta <= 1/2")`` (domain text, a :class:`Domain`
    or ``None`` for all reals). Its symbol carries the domain's assumptions."""
    from derive.io.grammar import parse_domain

    names = _names(name, "parameter")
    if len(names) != 1:
        raise InvalidArgument(f"Expected one parameter name but got {name!r}")
    n = names[0]
    if domain is None:
        dom = Domain()
    elif isinstance(domain, _Domain):
        dom = domain
    elif isinstance(domain, str):
        dom = parse_domain(domain, n)
    else:
        raise InvalidArgument(f"Expected a domain such as \"0 <= {n} <= 1\" (text) or a Domain but got "
                              f"domain={domain!r}")
    p = make_parameter(n, dom)
    _PARAMETERS[n] = p
    return p.symbol


def Domain(lo: Any = None, hi: Any = None, *, lo_open: bool = False, hi_open: bool = False,  # noqa: N802
           integer: bool = False) -> _Domain:
    """A parameter's domain ``lo <= x <= hi`` (``None``: unbounded; ``lo_open``/``hi_open`` for strict ends; ends
    are integers, ``Fraction``s, rational sympy numbers or text such as ``"1/2"``)."""
    def end(v: Any, what: str, inf: sympy.Expr) -> sympy.Expr:
        if v is None:
            return inf
        if isinstance(v, bool) or not isinstance(v, (int, str, sympy.Rational, Fraction)):
            raise InvalidArgument(f"Expected a rational number (int, Fraction or text such as \"1/2\") for {what} "
                                  f"but got {what}={v!r}")
        e = sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else \
            parse(v) if isinstance(v, str) else sympy.Integer(v) if isinstance(v, int) else v
        if not e.is_Rational:
            raise InvalidArgument(f"Expected a rational number for {what} but got {what}={v!r}")
        return e

    for k, v in (("lo_open", lo_open), ("hi_open", hi_open), ("integer", integer)):
        if not isinstance(v, bool):
            raise InvalidArgument(f"Expected True or False for {k} but got {k}={v!r}")
    return _Domain(end(lo, "lo", sympy.S.NegativeInfinity), end(hi, "hi", sympy.S.Infinity),
                   lo_open or lo is None, hi_open or hi is None, integer)


def h(p: Any) -> sympy.Expr:
    """The binary entropy ``h(p) = -p log p - (1 - p) log(1 - p)`` of a number ``p`` in ``[0, 1]`` (a parameter
    expression; for a random variable use ``H(X)``)."""
    if isinstance(p, str):
        p = parse(p)
    if isinstance(p, bool) or not isinstance(p, (int, Fraction, sympy.Expr)) or (
            isinstance(p, sympy.Basic) and (p.atoms(RV, FamilyMember, FamilyRange) or p.atoms(_H, _I, D, _TV))):
        raise InvalidArgument(f"Expected a number or parameter expression p in [0, 1] for h(p) (the binary "
                              f"entropy; for a random variable use H(X)) but got {p!r}")
    return _h(sympy.Rational(p.numerator, p.denominator) if isinstance(p, Fraction) else p)


def _items(side: Any) -> list:
    """The variables of one side of ``H``/``I`` in the order written (a list or tuple is read left to right, a
    :func:`family` is its whole range)."""
    from derive.core.variables import as_rvset

    if isinstance(side, (list, tuple)):
        return [it for part in side for it in _items(part)]
    if isinstance(side, Family):
        side = side.range()
    return list(as_rvset(side).args)


def H(*args: Any, given: Any = None) -> sympy.Expr:  # noqa: N802 - the standard name
    """Entropy ``H(X, Y, given=Z)`` = H(X, Y | Z) (core's canonical atom; the order written is kept for display)."""
    target, cond = _items(list(args)), (_items(given) if given is not None else [])
    atom = _H(RVSet(*target), RVSet(*cond)) if target else _H(*args, given=given)  # core's message for no variable
    if isinstance(atom, _H):
        _WRITTEN.record(atom, target, cond)
    return atom


def I(*args: Any, given: Any = None) -> sympy.Expr:  # noqa: E743, N802 - the standard name
    """Mutual information ``I(X, Y, given=Z)`` = I(X; Y | Z), each side a variable or a list of them; printed in the
    order written (core stores the two sides sorted)."""
    if len(args) == 3 and given is None and all(isinstance(a, RVSet) for a in args):
        args, given = args[:2], args[2]  # core's own form I(A, B, C) of three variable sets
    if len(args) != 2:
        raise InvalidArgument(f"Expected I(A, B, given=C) but got {len(args)} positional arguments")
    a, b = args
    left, right, cond = _items(a), _items(b), (_items(given) if given is not None else [])
    atom = _I(RVSet(*left), RVSet(*right), RVSet(*cond))
    if isinstance(atom, _I):
        _WRITTEN.record(atom, left, right, cond)
    return atom


def TV(p: Any, q: Any) -> sympy.Expr:  # noqa: N802 - the standard name
    """Total variation distance ``TV("P", "Q")`` (printed in the order written)."""
    atom = _TV(p, q)
    if isinstance(atom, _TV):
        from derive.core.quantities import Dist

        _WRITTEN.record(atom, *(x if isinstance(x, Dist) else Dist(x) for x in (p, q)))
    return atom


def to_latex(obj: Any, **options: Any) -> str:
    """LaTeX of a checked proof, a :class:`Proof` (checked first), an expression/statement (or its text); see
    :func:`derive.printing.to_latex` for the options. Information atoms keep the order they were written."""
    from derive.printing import to_latex as _to_latex

    if isinstance(obj, str):   # text in the file grammar: a statement or an expression
        obj = parse(obj)
    elif isinstance(obj, (sympy.core.relational.Relational, sympy.logic.boolalg.BooleanAtom, bool)):
        # I(X, Y) <= H(X): printed as derive's statement; I(X, Y) >= 0 (sympy made it True): refused
        obj = as_statement(obj)
    return _to_latex(obj, written=_WRITTEN, **options)


def _expr(value: Any, what: str) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, (int, sympy.Expr, str)):
        raise InvalidArgument(f"Expected a number or expression for {what} but got {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, str):
        return parse(value)
    return value


# ---------------------------------------------------------------------------- hypotheses


def _rvset(obj: Any, what: str) -> RVSet:
    """Variables given as ``X``, ``X[1]``, ``X.range()``, a tuple/list of these, or an RVSet."""
    if isinstance(obj, RVSet):
        return obj
    if isinstance(obj, (RV, FamilyMember, FamilyRange)):
        return RVSet(obj)
    if isinstance(obj, Family):
        return obj.range()
    if isinstance(obj, (tuple, list)) and obj:
        return RVSet(*[_rvset(o, what) for o in obj])
    raise InvalidArgument(f"Expected random variables (X, X[i], a tuple of them) for {what} but got {obj!r}")


def Markov(*links: Any) -> _hyp.Markov:  # noqa: N802 - reads like the hypothesis
    """``Markov(U, X, Y, Z)`` is ``U -> X -> Y -> Z``; a tuple is one joint link: ``Markov(U, (X, W), Y)``."""
    if len(links) < 3:
        raise InvalidArgument(f"Expected a Markov chain of at least 3 links, Markov(X, Y, Z), but got "
                              f"{len(links)} link(s): Markov{links!r}")
    return _hyp.Markov(tuple(_rvset(l, f"link {k + 1} of the Markov chain") for k, l in enumerate(links)))


def Independent(left: Any, right: Any, given: Any = None) -> _hyp.Independent:  # noqa: N802
    """``Independent(A, B, given=C)`` is ``A _|_ B | C``."""
    return _hyp.Independent(_rvset(left, "the left side"), _rvset(right, "the right side"),
                            RVSet() if given is None else _rvset(given, "the condition"))


def Channel(output: Any, input: Any, spec: Any) -> _hyp.Channel:  # noqa: N802, A002
    """``Channel(Y, X, "BSC(delta)")`` is ``Y | X ~ BSC(delta)`` (spec: text or a ChannelSpec)."""
    if isinstance(spec, str):
        from derive.io.grammar import parse_channel_spec

        spec = parse_channel_spec(spec, _context(None))
    if not isinstance(spec, _hyp.ChannelSpec):
        raise InvalidArgument(f"Expected a channel such as \"BSC(delta)\" but got spec={spec!r}")
    return _hyp.Channel(_rvset(output, "the channel output"), _rvset(input, "the channel input"), spec)


def FunctionOf(output: Any, input: Any) -> _hyp.FunctionOf:  # noqa: N802, A002
    """``FunctionOf(Y, X)`` is ``Y = f(X)``."""
    return _hyp.FunctionOf(_rvset(output, "the function's value"), _rvset(input, "the function's argument"))


def Assume(claim: Any, cite: str | None = None) -> _hyp.Assume:  # noqa: N802
    """A claim taken as given (status ``assumed``), optionally with a citation."""
    if cite is not None and not isinstance(cite, str):
        raise InvalidArgument(f"Expected a citation string but got cite={cite!r}")
    return _hyp.Assume(as_statement(claim), cite)


# ---------------------------------------------------------------------------- text and statements


def _context(proof: Any, units: str = "bits") -> ParseContext:
    if isinstance(proof, _BaseProof):
        ctx = ParseContext.from_proof(proof, auto_variables=True)
    else:
        ctx = ParseContext(units=units, auto_variables=True, file="<input>", written=_WRITTEN)
    for n, p in _PARAMETERS.items():
        ctx.parameters.setdefault(n, p.symbol)
    for n, f in _FAMILIES.items():  # the session's families, unless the name means something else here
        if n not in ctx.parameters and n not in ctx.variables:
            ctx.families.setdefault(n, (f.lo, f.hi))
    return ctx


def parse(text: str, proof: Any = None, *, units: str = "bits") -> Any:
    """Text in the file grammar → derive objects: a statement (``I(X; Y) <= H(X)``), a hypothesis
    (``U -> X -> Y``, ``A _|_ B | C``, ``Y | X ~ BSC(d)``, ``Y = f(X)``) or an expression.

    Names: the parameters declared with :func:`parameter` (and the ``proof``'s declarations); any other name
    used as a random variable declares it.
    """
    from derive.io import grammar

    if not isinstance(text, str):
        raise InvalidArgument(f"Expected text in derive's grammar but got {text!r}")
    ctx = _context(proof, units)
    if "->" in text:
        how = grammar.parse_markov
    elif "_|_" in text:
        how = grammar.parse_independence
    elif "~" in text:
        how = grammar.parse_channel
    elif re.search(r"<=|>=|==|[≤≥]", text):
        how = grammar.parse_statement
    elif re.fullmatch(r"[^=]*[^<>=!]=[^=].*", text):
        how = grammar.parse_function_of
    else:
        how = grammar.parse_expression
    try:
        return how(text, ctx)
    except ParseError as err:
        unknown = re.match(r"unknown family '(\w+)'", err.message)
        if unknown:  # the notebook has no [variables] table: say how to declare one
            err.message += (f"; declare it first, e.g. {unknown.group(1)} = family(\"{unknown.group(1)}\", 1, n) "
                            "with n = parameter(\"n\", \"integer >= 1\")")
        raise


_REL = {sympy.LessThan: "<=", sympy.GreaterThan: ">=", sympy.Equality: "=="}


def _bounded(obj: Any, what: str = "a side of the claim") -> Any:
    """``obj`` when no expression in it would expand past the grammar's limit or holds a float (inexact). Text is
    held to both as it is read; what is built in Python (a claim, a hypothesis, a step argument) is held to them
    here: ``(1 + p)^1000 * (1 + q)^1000`` is a million terms, and ``0.1*H(X)`` is 0.1000000000000000055...·H(X).
    Walks statements, hypotheses (their dataclass fields), lists, tuples and dicts."""
    if isinstance(obj, sympy.Expr):
        if expansion_terms(obj) > MAX_EXPANSION:
            raise LimitExceeded(f"{what} would expand to more than {MAX_EXPANSION} terms")
        floats = sorted({repr(float(f)) for f in obj.atoms(sympy.Float)})
        if floats:
            raise InvalidArgument(f"{what} holds the floating-point number {floats[0]} (a Python float); derive "
                                  "reasons about exact numbers: write sympy.Rational(1, 10) or the claim as text "
                                  "(\"0.1\" in text is exactly 1/10)")
    elif isinstance(obj, Statement):
        _bounded(obj.lhs, what)
        _bounded(obj.rhs, what)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _bounded(getattr(obj, f.name, None), what)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            _bounded(x, what)
    elif isinstance(obj, dict):
        for x in obj.values():
            _bounded(x, what)
    return obj


def as_statement(claim: Any, proof: Any = None) -> Statement:
    """A claim as a :class:`Statement`: a Statement, text in the file grammar, or a sympy relation
    (``I(U, Y) <= I(U, X)``, ``sympy.Eq(a, b)``)."""
    if isinstance(claim, Statement):
        return _bounded(claim)
    if isinstance(claim, str):
        st = parse(claim, proof, units=getattr(proof, "units", "bits"))
        if not isinstance(st, Statement):
            raise InvalidArgument(f"Expected a claim with <=, >= or == but got {claim!r}")
        return st
    for cls, rel in _REL.items():
        if isinstance(claim, cls):
            return _bounded(Statement(claim.lhs, rel, claim.rhs))
    if isinstance(claim, (bool, sympy.logic.boolalg.BooleanAtom)):
        raise InvalidArgument(f"the relation evaluated to {claim} before derive saw it (sympy decides e.g. "
                              "I(X; Y) >= 0 at once); write the claim as text, e.g. \"I(X; Y) >= 0\"")
    if isinstance(claim, (sympy.StrictLessThan, sympy.StrictGreaterThan)):
        raise InvalidArgument(f"Expected <=, >= or == but got the strict relation {claim}")
    raise InvalidArgument(f"Expected a claim (text such as \"H(X|Y) <= H(X)\", a Statement or a sympy relation "
                          f"such as H(X) <= H(X, Y)) but got {claim!r}")


# ---------------------------------------------------------------------------- proofs


def _atoms(st: Statement) -> set:
    """The information atoms (``H``, ``I``, ``TV``) of a statement."""
    return st.lhs.atoms(_H, _I, _TV) | st.rhs.atoms(_H, _I, _TV)


def _symbols_and_variables(st: Statement) -> tuple[set, set]:
    """Names of the session's parameters, and the random variables and family members, in ``st``."""
    from sympy import preorder_traversal

    syms, rvs = set(), set()
    for side in (st.lhs, st.rhs):
        for node in preorder_traversal(side):
            if isinstance(node, sympy.Symbol) and node.name in _PARAMETERS:
                syms.add(node.name)
            elif isinstance(node, (RV, FamilyMember, FamilyRange)):
                rvs.add(node)
    return syms, rvs


class Proof(_BaseProof):
    """A proof built in Python; each builder method returns the proof, so calls chain.

    ``given(id, hypothesis)``, ``step(id, claim, rule, uses=(), **args)``, ``conclude(claim, from_=steps)``.
    Hypotheses and claims are objects or text in the file grammar; the variables and the parameters
    (of :func:`parameter`) they mention are declared on first use. After :func:`check` the proof displays
    each step's status.
    """

    def __init__(self, name: str, *, title: str | None = None, notes: str | None = None, units: str = "bits") -> None:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", name):
            raise InvalidArgument(f"Expected a proof name (letters, digits, _ or -) but got name={name!r}")
        for key, v in (("title", title), ("notes", notes)):
            if v is not None and not isinstance(v, str):
                raise InvalidArgument(f"Expected text for {key} but got {key}={v!r}")
        super().__init__(name, title=title, notes=notes, units=units)
        self.checked: Any = None

    def _declare(self, variables: Iterable[Any], params: Iterable[str]) -> None:
        """Declare the random variables, the families of the members and blocks (from :func:`family`) and the
        session's parameters that ``variables`` and ``params`` use."""
        params = set(params)
        for v in sorted(variables, key=str):
            if isinstance(v, RV):
                if v.name not in self.variables and v.name not in self.families:
                    self.random(v.name)
                continue
            fam = _FAMILIES.get(v.family)
            if v.family in self.families or v.family in self.variables or fam is None:
                continue  # an undeclared family: Proof.validate names it
            self.family(fam.name, fam.lo, fam.hi)
            params |= {x.name for e in (fam.lo, fam.hi) for x in e.free_symbols if x.name in _PARAMETERS}
        for n in sorted(params):
            if n not in self.parameters:
                p = _PARAMETERS[n]
                self.parameters[n] = p

    def _declare_statement(self, st: Statement) -> Statement:
        syms, rvs = _symbols_and_variables(st)
        self._declare(rvs, syms)
        self.written.update(_WRITTEN, _atoms(st))  # objects built with H/I/TV: the order they were written in
        return st

    def _declare_hypothesis(self, hyp: _hyp.Hypothesis) -> None:
        rvs = {it for it in hyp.variables().args if isinstance(it, (RV, FamilyMember, FamilyRange))}
        syms = set()
        for p in getattr(getattr(hyp, "spec", None), "params", ()) or ():
            syms |= {s.name for s in p.free_symbols if s.name in _PARAMETERS}
        if isinstance(hyp, _hyp.Assume):
            s2, r2 = _symbols_and_variables(hyp.statement)
            syms |= s2
            rvs |= r2
            self.written.update(_WRITTEN, _atoms(hyp.statement))
        self._declare(rvs, syms)

    def declare_continuous(self, *items: Any) -> "Proof":  # type: ignore[override]
        """Declare variables or families continuous (the file's ``continuous = [...]``): ``H`` of them is a
        differential entropy, of any sign. Takes objects of :func:`variables` and :func:`family`, or names
        (``"U Z"``); one not mentioned yet is declared here (a name that is not a family: a random variable)."""
        names: list[str] = []
        for it in items:
            if isinstance(it, Family):
                if it.name not in self.families and it.name not in self.variables:
                    if it.hi is None:
                        raise InvalidArgument(f"Expected a family with its last index, family({it.name!r}, lo, hi), "
                                              f"to declare continuous but got {it!r}")
                    self._declare([FamilyRange(it.name, it.lo, it.hi)], ())
                    if it.name not in self.families:
                        self.family(it.name, it.lo, it.hi)
                names.append(it.name)
            elif isinstance(it, (RV, str)):
                for n in [it.name] if isinstance(it, RV) else _names(it, "random variable or family"):
                    if n not in self.variables and n not in self.families:
                        self.random(n)
                    names.append(n)
            else:
                raise InvalidArgument(f"Expected a random variable, a family or their names to declare continuous "
                                      f"but got {it!r}")
        super().declare_continuous(*names)
        self.checked = None
        return self

    def given(self, id: str, hypothesis: Any) -> "Proof":  # noqa: A002 - the file's key
        """Add a hypothesis (an object, or text: ``"U -> X -> Y"``, ``"Z | Y ~ BSC(delta)"``, a claim to assume)."""
        _id(id)
        family = FOR_CLAUSE.match(hypothesis) if isinstance(hypothesis, str) else None
        if family is not None:  # "I(M; X[i] | P) >= b for i in 1..n": one quantified assumption (or one per index)
            for fid, fhyp in assume_family(family, _context(self, self.units), f"hypothesis {id!r}", id, None):
                self._declare_hypothesis(fhyp)
                self.hypothesis(fid, fhyp)
            self.checked = None
            return self
        if isinstance(hypothesis, str):
            parsed = parse(hypothesis, self, units=self.units)
            hypothesis = _hyp.Assume(parsed) if isinstance(parsed, Statement) else parsed
        elif isinstance(hypothesis, (Statement, sympy.core.relational.Relational)):
            hypothesis = _hyp.Assume(as_statement(hypothesis, self))
        if not isinstance(hypothesis, _hyp.Hypothesis):
            raise InvalidArgument(f"Expected a hypothesis (Markov(...), Independent(...), Channel(...), text) for "
                                  f"{id!r} but got {hypothesis!r}")
        _bounded(hypothesis, f"an expression in hypothesis {id!r}")
        self._declare_hypothesis(hypothesis)
        self.hypothesis(id, hypothesis)
        self.checked = None
        return self

    def step(self, id: str, claim: Any, rule: str, uses: Iterable[str] = (), args: Any = None,  # type: ignore[override]
             line: int | None = None, note: str | None = None, **kwargs: Any) -> "Proof":
        """Add a step: ``step("dpi", "I(U; Y) <= I(U; X)", "dpi", uses=["chain"])``; rule arguments as keywords
        (``eta="(1 - 2*delta)^2"``: text is parsed, numbers and sympy expressions are taken as they are)."""
        _id(id)
        if not isinstance(rule, str):
            raise InvalidArgument(f"Expected a rule name (derive rules lists them) but got rule={rule!r}")
        uses = _ids(uses, "uses")
        st = self._declare_statement(as_statement(claim, self))
        merged = dict(args or {})
        for k, v in kwargs.items():
            merged[k] = parse(v, self, units=self.units) if isinstance(v, str) and k not in ("variable", "index",
                                                                                           "family") else v
        _bounded(merged, f"an argument of step {id!r}")
        super().step(id, st, rule, uses, merged, line, note)
        self.checked = None
        return self

    def conclude(self, claim: Any, from_steps: Iterable[str] = (), line: int | None = None,  # type: ignore[override]
                 name: str | None = None, *, from_: Iterable[str] | None = None) -> "Proof":
        """The theorem: ``conclude("I(U; Z) <= ...", from_=["dpi", "sdpi"])``."""
        steps = _ids(from_ if from_ is not None else from_steps, "from_")
        super().conclude(self._declare_statement(as_statement(claim, self)), steps, line, name)
        self.checked = None
        return self

    def _repr_latex_(self) -> str:
        from derive.printing.document import notebook_latex

        return notebook_latex(self, self.checked.report if self.checked is not None else None)


def _id(v: Any) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", v):
        raise InvalidArgument(f"Expected an id (letters, digits, _ or -) but got {v!r}")
    return v


def _ids(v: Any, what: str) -> tuple[str, ...]:
    if isinstance(v, str):
        return (_id(v),)
    if not isinstance(v, (list, tuple)):
        raise InvalidArgument(f"Expected a list of ids for {what} but got {v!r}")
    return tuple(_id(x) for x in v)


# ---------------------------------------------------------------------------- actions


def _proof_of(obj: Any) -> _BaseProof:
    if isinstance(obj, _BaseProof):
        return obj
    if isinstance(obj, (str, Path)):
        from derive.io import read_proof

        return read_proof(Path(obj))
    raise InvalidArgument(f"Expected a Proof or the path of a proof file but got {obj!r}")


def check(proof: Any, *, strict: bool = False, timeout: float | None = None):
    """Check a proof (a :class:`Proof` or a file path) with the kernel; returns a display of the
    :class:`~derive.checking.CheckedProof` (``.checked``, ``.status``, ``.rows()``)."""
    from derive.checking import check as _check
    from derive.printing.notebook import CheckedView

    pf = _proof_of(proof)
    checked = _check(pf, strict=strict, timeout=timeout)
    if isinstance(pf, Proof):
        pf.checked = checked
    return CheckedView(checked)


def prove(claim: Any, *given: Any, timeout: float = 60.0, copy_steps: int = 0, params: dict | None = None,
          units: str = "bits", continuous: Any = ()):
    """Decide a Shannon-type claim (text, Statement or sympy relation) under ``given`` hypotheses
    (objects or text); ``.status`` is ``proved`` (kernel-checked certificate), ``false`` (certified
    counterexample), ``not_shannon`` (undecided) or ``unknown``.

    A text claim with parameters (``params``: domains by name, ``{"p": "0 <= p <= 1/2"}``; without it, the domains
    declared with :func:`parameter` for the parameters the claim names, a Python-built claim then read as text),
    over families of every size (``X[i]`` next to ``X[1..n]``; ``given`` as text, e.g.
    ``"mutually_independent: X[1..n] | P"``, ``"channel: Y | X ~ BSC(p)"``) or about distributions (``D``, ``TV``)
    is decided as ``derive prove`` decides it:
    a :class:`~derive.commands.prove_family.FamilyVerdict` (``.status`` ``proved`` for every value in the domains,
    ``false`` with a certified counterexample — ``.counterexample`` at a value, by the finite prover, or ``.model``,
    an exact model of the hypotheses — or ``unknown``; ``.proof_file``); a family size's default domain is
    ``integer >= 1``. ``units="nats"`` reads ``log`` and the quantities in nats (decided the same way).
    ``continuous``: real-valued variables or families (``"X Y"``, or the objects): ``H`` of them is a differential
    entropy; decided the same way, refuted only on jointly Gaussian models (never by the discrete finite prover)."""
    from derive.printing.notebook import ProveView
    from derive.provers.shannon import prove as _prove

    if units not in ("bits", "nats"):
        raise InvalidArgument(f"Expected units 'bits' or 'nats' but got units={units!r}")
    from derive.provers.shannon import check_copy_steps

    check_copy_steps(copy_steps)
    if isinstance(timeout, bool) or not (isinstance(timeout, (int, float)) and timeout > 0):
        raise InvalidArgument(f"Expected timeout > 0 seconds but got timeout={timeout!r}")
    if params is not None and not isinstance(params, dict):
        raise InvalidArgument(f"Expected params as a dict of domains by name, e.g. {{'p': '0 <= p <= 1/2'}}, but got "
                              f"params={params!r}")
    if params is None and all(isinstance(g, str) for g in given):
        claim, params = _with_declared_parameters(claim, given)
    real_valued = _continuous_names(continuous)
    if real_valued and not (isinstance(claim, str) and all(isinstance(g, str) for g in given)):
        raise InvalidArgument("continuous is read with a text claim and text hypotheses; give them as text")
    if isinstance(claim, str) and all(isinstance(g, str) for g in given):
        from derive.commands.prove import about_laws, continuous_for, family_uses, through_proof_file

        continuous_for(real_valued, claim, list(given), "continuous")
        if through_proof_file(claim, list(given), params or {}, units, "claim", real_valued) or about_laws(claim):
            from derive.commands.prove_family import decide_over_families, parse_param
            from derive.provers.shannon import MAX_FULL_VARIABLES, MAX_VARIABLES

            domains = {}
            for k, v in (params or {}).items():
                try:
                    name, domain = parse_param(f"{k} = {v}")
                except InvalidArgument as err:   # named as the API writes it, not as the CLI's --param
                    raise InvalidArgument(f"params[{k!r}] = {v!r}: {err.message}") from None
                domains[name] = domain
            options = dict(max_variables=MAX_VARIABLES, max_full_variables=MAX_FULL_VARIABLES, seed=0,
                           copy_steps=copy_steps, copy_timeout=20.0)
            return decide_over_families(claim, family_uses([claim, *given]), domains, options, timeout, list(given),
                                        units=units, continuous=real_valued)
    if params or units != "bits":
        raise InvalidArgument("params and units are read with a text claim; give the claim as text")

    st = as_statement(claim)  # text is parsed into the session's record of spellings
    written = WrittenOrder()
    written.update(_WRITTEN, _atoms(st))
    hyps = {}
    for k, g in enumerate(given):
        hyp = parse(g) if isinstance(g, str) else g
        if not isinstance(hyp, _hyp.Hypothesis):
            raise InvalidArgument(f"Expected a hypothesis for given #{k + 1} but got {g!r}")
        hyps[f"given{k + 1}"] = hyp
    return ProveView(_prove(st, hyps, timeout=timeout, copy_steps=copy_steps), st, written=written)


def _with_declared_parameters(claim: Any, given: tuple) -> tuple[Any, dict | None]:
    """The claim (as text when it was built in Python) and the domains of the parameters declared with
    :func:`parameter` that it or the hypotheses name, or ``(claim, None)`` when they name none: ``prove("h(p) <= 1")``
    after ``parameter("p", "0 <= p <= 1")`` is decided for every ``p`` in that domain, as ``derive prove --param``
    decides it."""
    from derive.commands.prove import family_uses
    from derive.commands.prove_family import params_used
    from derive.io.writer import format_domain, format_statement

    if not _PARAMETERS:
        return claim, None
    if isinstance(claim, str):
        texts = [claim, *given]
        if any(f not in _FAMILIES for f in family_uses(texts)):
            return claim, None  # an undeclared family: the session's parse says how to declare it
        used = list(params_used(dict.fromkeys(_PARAMETERS, ""), texts))   # the names the texts use, as --param's
    else:
        st = as_statement(claim)
        symbols = st.lhs.free_symbols | st.rhs.free_symbols
        used = [n for n, p in _PARAMETERS.items() if p.symbol in symbols]
        if used:
            claim = format_statement(st)
    if not used:
        return claim, None
    return claim, {n: format_domain(_PARAMETERS[n].domain, n) for n in used}


def _continuous_names(items: Any) -> list[str]:
    """Names from ``continuous=``: text (``"X Y"``), variables, families, or a list of them."""
    if isinstance(items, (str, RV, Family)):
        items = [items]
    out: list[str] = []
    for it in items:
        if isinstance(it, (RV, Family)):
            out.append(it.name)
        elif isinstance(it, str):
            out += _names(it, "random variable or family")
        else:
            raise InvalidArgument(f"Expected random variables, families or their names in continuous but got {it!r}")
    return list(dict.fromkeys(out))


def verify(proof: Any, samples: int = 200, seed: int = 0):
    """Test every step of a proof on ``samples`` exact models of its hypotheses (numeric: ``tested``, never
    ``proved``); returns the :class:`~derive.numeric.verify.VerifyReport` in a display wrapper."""
    from derive.numeric.verify import verify_proof
    from derive.printing.notebook import VerifyView
    from derive.provers.refute_steps import refute_tested_steps

    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidArgument(f"Expected samples >= 1 (an integer) but got samples={samples!r}")
    p = _proof_of(proof)
    return VerifyView(refute_tested_steps(p, verify_proof(p, samples=samples, seed=seed), seed))  # as `derive verify`


def eta(channel: str, input: str | None = None, *, dps: int = 50):  # noqa: A002
    """Contraction coefficients of a channel (``"bsc:0.1"``, ``"BSC(1/10)"``, ``"matrix:[[...]]"``), input-free
    or for an input (``"uniform"``, ``"bern:0.1"``); eta_KL as a certified bracket."""
    from derive.channels.library import AWGN
    from derive.channels.report import eta_report
    from derive.channels.spec import parse_channel_arg, parse_input_arg
    from derive.printing.notebook import EtaView

    if not isinstance(channel, str):
        raise InvalidArgument(f"Expected a channel such as \"bsc:0.1\" but got {channel!r}")
    K = parse_channel_arg(channel)
    P = None
    if input is not None:
        if not isinstance(input, str):
            raise InvalidArgument(f"Expected an input such as \"uniform\" or \"bern:0.1\" but got {input!r}")
        P = parse_input_arg(input, None if isinstance(K, AWGN) else K.shape[0])
    return EtaView(eta_report(K, P, dps=dps))


def bound(template: str, **settings: Any):
    """Evaluate a bound template (``derive bound --help`` lists them) at the settings: a value or a list of values
    per parameter (``bound("gaussian-cluster", n=[1, 10, 100], d=10, ...)``); one row per combination."""
    from derive.commands.bound import compute_rows
    from derive.printing.notebook import BoundView
    from derive.templates import TEMPLATES

    if template not in TEMPLATES:
        raise InvalidArgument(f"unknown template {template!r}; known: {', '.join(sorted(TEMPLATES))}")
    def number(name: str, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float, str, Fraction)):
            raise InvalidArgument(f"Expected a number for {name} but got {name}={v!r}")
        return v if isinstance(v, (int, Fraction)) else _number(v if isinstance(v, str) else repr(v), name)

    from derive.commands.bound import _number

    values = {k: [number(k, x) for x in (v if isinstance(v, (list, tuple, range)) else [v])]
              for k, v in settings.items()}
    return BoundView(template, compute_rows(TEMPLATES[template], values))


def _notebook_display() -> None:
    """In IPython/Jupyter: expressions and statements display through derive's LaTeX printer, atoms as written."""
    from derive.printing.latex import init_notebook_printing

    init_notebook_printing(written=_WRITTEN)


_notebook_display()
