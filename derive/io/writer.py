"""Print expressions, hypotheses and whole proofs in derive's own grammar.

The printers are the inverse of :mod:`derive.io.grammar`: for every expression
``e`` the parser produces, ``parse_expression(format_expression(e, units), ctx) == e``
(in the same units), and ``read_proof_text(write_proof(p)) == p``.

Units: in ``bits`` the parser reads ``log(x)`` as ``ln(x)/ln(2)``; the printer
writes a factor ``ln(x)^r`` paired with ``ln(2)^-r`` back as ``log(x)^r`` and any
other natural logarithm as ``ln(...)``. In ``nats`` ``h(p)`` means
``h(p)*ln(2)`` and ``log2(x)`` means ``ln(x)/ln(2)``; leftover powers of
``ln(2)`` are written explicitly (``log(2)`` in nats, ``ln(2)`` in bits).

Floats (which the parser never produces) are written as decimals and read back
as exact rationals.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import sympy
from sympy import Rational, S

from derive.core.exprs import to_expr
from derive.core.hypotheses import (
    IID,
    Assume,
    AssumeFamily,
    Channel,
    ChannelFamily,
    ChannelSpec,
    FunctionOf,
    Hypothesis,
    Independent,
    Markov,
    MarkovFamily,
    MutuallyIndependent,
)
from derive.core.parameters import Domain
from derive.core.quantities import TV, D, Dist, H, I, h
from derive.core.statements import Statement
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet
from derive.errors import InvalidArgument
from derive.io.grammar import MAX_LITERAL_DIGITS

__all__ = [
    "format_expression",
    "format_statement",
    "format_trusted",
    "format_value",
    "readable",
    "format_rvset",
    "format_hypothesis",
    "format_channel_spec",
    "format_domain",
    "format_range",
    "write_proof",
    "toml_string",
]

_ADD, _MUL, _NEG, _POW, _ATOM = 10, 20, 25, 30, 40

#: How the text of an information quantity begins (the product printer writes these after their coefficient).
_ATOM_HEADS = ("H(", "I(", "D(")

#: Integers longer than this are written as ``((c1*10^900 + c2)*10^900 + c3)``.
_CHUNK = 900


def _int_text(n: int) -> tuple[str, int]:
    """Decimal text of a non-negative integer, within the parser's literal limit."""
    if n < 10 ** MAX_LITERAL_DIGITS:
        return str(n), _ATOM
    chunks = []
    base = 10 ** _CHUNK
    while n:
        n, r = divmod(n, base)
        chunks.append(r)
    chunks.reverse()
    text = str(chunks[0])
    for c in chunks[1:]:
        text = f"({text}*10^{_CHUNK} + {c})"
    return text, _ATOM


class _Printer:
    def __init__(self, units: str, written: Any = None) -> None:
        if units not in ("bits", "nats"):
            raise InvalidArgument(f"Expected units 'bits' or 'nats' but got units={units!r}")
        self.units = units
        #: a :class:`~derive.proof.WrittenOrder`: information atoms print with the author's argument order
        self.written = written

    def sides(self, e: Any, canonical: tuple) -> tuple:
        """The arguments of the atom ``e`` in the author's order when recorded, else ``canonical``."""
        got = self.written.sides(e) if self.written is not None else None
        return canonical if got is None else got

    # ------------------------------------------------------------------ entry
    def text(self, e: Any) -> str:
        return self.p(to_expr(e) if isinstance(e, (int, float)) else e)[0]

    def wrap(self, e: sympy.Expr, prec: int) -> str:
        """Text of ``e``, parenthesized unless it binds at least as tightly as ``prec``."""
        t, q = self.p(e)
        return t if q >= prec else f"({t})"

    def p(self, e: Any) -> tuple[str, int]:
        if not isinstance(e, sympy.Basic):
            raise InvalidArgument(f"Expected a sympy expression but got {e!r}")
        if e.is_Integer:
            n = int(e)
            if n < 0:
                t, _ = _int_text(-n)
                return "-" + t, _NEG
            return _int_text(n)
        if e.is_Rational:
            num, _ = _int_text(abs(int(e.p)))
            den, _ = _int_text(int(e.q))
            t = f"{num}/{den}"
            return ("-" + t, _NEG) if e.p < 0 else (t, _MUL)
        if e.is_Float:
            t = sympy.sstr(e, full_prec=False)
            if "e" in t or "E" in t or "." not in t:
                r = Rational(e)
                return self.p(r)
            return (t, _NEG) if t.startswith("-") else (t, _ATOM)
        if e is S.Exp1:
            return "exp(1)", _ATOM
        if e.is_Symbol:
            return e.name, _ATOM
        if e.is_Add:
            return self.add(e)
        if e.is_Mul or e.is_Pow or isinstance(e, (sympy.log, h)):
            return self.factors(e)
        if isinstance(e, sympy.exp):
            return f"exp({self.text(e.args[0])})", _ATOM
        if isinstance(e, sympy.Abs):
            return f"abs({self.text(e.args[0])})", _ATOM
        if isinstance(e, (sympy.Min, sympy.Max)):
            name = "min" if isinstance(e, sympy.Min) else "max"
            return f"{name}({', '.join(self.text(a) for a in e.args)})", _ATOM
        if isinstance(e, sympy.Sum):
            body = self.text(e.function)
            for var, lo, hi in e.limits:
                body = f"sum({body}, {var.name}, {self.text(lo)}, {self.text(hi)})"
            return body, _ATOM
        if isinstance(e, H):
            target, given = self.sides(e, (e.target.args, e.given.args))
            cond = f" | {format_rvset(given)}" if given else ""
            return f"H({format_rvset(target)}{cond})", _ATOM
        if isinstance(e, I):
            left, right, given = self.sides(e, (e.left.args, e.right.args, e.given.args))
            cond = f" | {format_rvset(given)}" if given else ""
            return f"I({format_rvset(left)}; {format_rvset(right)}{cond})", _ATOM
        if isinstance(e, D):
            return f"D({e.args[0].name} || {e.args[1].name})", _ATOM
        if isinstance(e, TV):
            (p,), (q,) = self.sides(e, ((e.args[0],), (e.args[1],)))
            return f"TV({p.name}, {q.name})", _ATOM
        raise InvalidArgument(f"cannot write {sympy.sstr(e)!r} ({type(e).__name__}) in derive's grammar")

    # ------------------------------------------------------------------ sums
    def add(self, e: sympy.Expr) -> tuple[str, int]:
        """A sum; a parameter expression whose terms share one rational factor is written as the author would,
        ``3/5*(1 - eps)``, not sympy's distributed ``3/5 - 3*eps/5`` (both read back as the same expression)."""
        if not any(isinstance(a, (H, I, D, TV)) for a in e.atoms(sympy.Function)):
            c, rest = e.primitive()
            if c.is_Rational and c not in (1, -1) and c.q != 1 and isinstance(rest, sympy.Add) \
                    and all(abs(t.as_coeff_Mul()[0]) == 1 for t in rest.args):
                return f"{self.p(c)[0]}*({self.add(rest)[0]})", _MUL
        try:
            terms = e.as_ordered_terms()
        except Exception:  # pragma: no cover - ordering is cosmetic
            terms = list(e.args)
        if terms[0].could_extract_minus_sign():
            first = next((k for k, t in enumerate(terms) if not t.could_extract_minus_sign()), None)
            if first is not None:
                terms.insert(0, terms.pop(first))
        out = []
        for k, term in enumerate(terms):
            if k == 0:
                # printed as it is: the product printer places a leading minus safely
                out.append(self.wrap(term, _ADD + 1))
                continue
            neg = term.could_extract_minus_sign()
            body = self.wrap(-term if neg else term, _MUL)
            out.append((" - " if neg else " + ") + body)
        return "".join(out), _ADD

    # ------------------------------------------------------------------ products
    def factors(self, e: sympy.Expr) -> tuple[str, int]:
        """Print a product (or a single power/log/h), pairing logs with powers of ln 2 by units."""
        coeff, rest = e.as_coeff_Mul() if e.is_Mul else (S.One, e)
        args = list(sympy.Mul.make_args(rest))
        log2 = sympy.log(2)
        L = S.Zero
        plain: list[tuple[sympy.Expr, sympy.Expr]] = []
        for f in args:
            b, x = (f.args if f.is_Pow else (f, S.One))
            if b == log2 and x.is_Rational:
                L += x
            else:
                plain.append((b, x))
        pieces: list[tuple[str, int, sympy.Expr]] = []  # (base text, base prec, exponent)
        # nats: every h(p)^r is printed as h, which the parser multiplies by ln(2)^r
        if self.units == "nats":
            for b, x in plain:
                if isinstance(b, h) and x.is_Rational:
                    pieces.append((f"h({self.text(b.args[0])})", _ATOM, x))
                    L -= x
        for b, x in plain:
            if self.units == "nats" and isinstance(b, h) and x.is_Rational:
                continue
            if isinstance(b, sympy.log):
                arg = self.text(b.args[0])
                paired = x.is_Rational and L != 0 and (L < 0) == (x > 0) and abs(x) <= abs(L)
                if paired:
                    name = "log" if self.units == "bits" else "log2"
                    L += x
                else:
                    name = "ln" if self.units == "bits" else "log"
                pieces.append((f"{name}({arg})", _ATOM, x))
            elif isinstance(b, h):
                pieces.append((f"h({self.text(b.args[0])})", _ATOM, x))
            else:
                t, q = self.p(b)
                pieces.append((t, q, x))
        if L != 0:
            pieces.append(("ln(2)" if self.units == "bits" else "log(2)", _ATOM, L))

        num: list[tuple[str, int]] = []
        den: list[tuple[str, int]] = []
        if coeff.is_Rational:
            neg = coeff < 0
            c = abs(coeff)
            if c.p != 1:
                num.append(_int_text(int(c.p)))
            if c.q != 1:
                den.append(_int_text(int(c.q)))
        else:  # a Float coefficient
            neg = coeff < 0
            if abs(coeff) != 1:
                num.append(self.p(abs(coeff)))
        numeric_den = bool(den)
        # sums last: the parser multiplies all factors of a product at once, but a unary
        # minus or a parenthesized group multiplies first, and sympy distributes a number
        # over a lone sum (2*(x + 1) -> 2*x + 2); information quantities after the coefficient
        # that multiplies them, as an author writes it: (1 - tau)*I(M; S)
        pieces.sort(key=lambda piece: 2 if piece[0][:2] in _ATOM_HEADS or piece[0][:3] == "TV(" else
                    int(piece[1] <= _ADD and piece[2] == 1))
        for base, prec, x in pieces:
            if x.is_Rational and x < 0:
                den.append(self.power(base, prec, -x))
            else:
                num.append(self.power(base, prec, x))
        if not num and not den:
            text, prec = "1", _ATOM
        elif not den and len(num) == 1:
            text, prec = num[0]
        else:
            ntext = "*".join(t if q > _MUL else f"({t})" for t, q in num) if num else "1"
            if den:
                if len(den) == 1:
                    dtext = "/" + (den[0][0] if den[0][1] > _MUL else f"({den[0][0]})")
                elif numeric_den and any(q <= _ADD for _, q in den):
                    dtext = "".join("/" + (t if q > _MUL else f"({t})") for t, q in den)
                else:
                    dtext = "/(" + "*".join(t if q > _MUL else f"({t})" for t, q in den) + ")"
                text = ntext + dtext
            else:
                text = ntext
            prec = _MUL
        if neg:
            # unary minus binds tighter than * and /, so "-x*y/z" is (-x)*y/z: the same product;
            # but -(x + 1)*y would distribute the minus over the sum first
            if num and num[0][1] <= _MUL:
                return "-1*" + text, _NEG
            return "-" + text, _NEG
        return text, prec

    def power(self, base: str, prec: int, x: sympy.Expr) -> tuple[str, int]:
        if x == 1:
            return base, prec
        if x == S.Half:
            return f"sqrt({base})", _ATOM
        b = base if prec >= _ATOM else f"({base})"
        xt, xq = self.p(x)
        if not (xq >= _ATOM and not xt.startswith("-")):
            xt = f"({xt})"
        return f"{b}^{xt}", _POW


def format_expression(expr: Any, units: str = "bits", written: Any = None) -> str:
    """``expr`` in derive's grammar, so that parsing it back (same units) gives ``expr``; with ``written`` (a
    proof's :class:`~derive.proof.WrittenOrder`) information atoms keep the author's argument order.

    Raises
    ------
    InvalidArgument
        For sympy objects the grammar has no spelling for (``pi``, ``sin``, ...).
    """
    return _Printer(units, written).text(expr)


def format_statement(st: Statement, units: str = "bits", written: Any = None) -> str:
    """``lhs REL rhs`` in derive's grammar (atoms in the order recorded in ``written``, when given)."""
    pr = _Printer(units, written)
    return f"{pr.text(st.lhs)} {st.rel} {pr.text(st.rhs)}"


def format_trusted(fact: Any, units: str = "bits", written: Any = None) -> str:
    """A trusted fact as the author wrote it: ``hyp: I(M; X) <= log(k) [citation]``.

    A fact carrying its ``claim`` (an assumed statement) is printed in the file grammar and the proof's
    units (``log(k)``, not sympy's ``log(k)/log(2)``) with the argument order of ``written``; otherwise its
    ``statement`` text is kept.
    """
    claim = getattr(fact, "claim", None)
    if claim is None or not isinstance(claim, Statement):
        return str(fact)
    try:
        body = format_statement(claim, units, written)
    except InvalidArgument:
        return str(fact)
    hyp = getattr(fact, "hypothesis", None)
    cite = getattr(fact, "citation", None)
    return (f"{hyp}: " if hyp else "") + body + (f" [{cite}]" if cite else "")


def _sums_in_grammar(text: str) -> str:
    """``Sum(body, (i, lo, hi))`` (sympy's printout) → ``sum(body, i, lo, hi)``, innermost first."""
    out = text
    for _ in range(100):  # at most this many sums in one message
        k = out.rfind("Sum(")
        if k < 0 or (k > 0 and (out[k - 1].isalnum() or out[k - 1] == "_")):
            break
        depth, end = 0, None
        for j in range(k + 3, len(out)):
            depth += {"(": 1, ")": -1}.get(out[j], 0)
            if depth == 0:
                end = j
                break
        if end is None:
            break
        inner = out[k + 4:end]
        cut = inner.rfind(", (")
        if cut < 0 or not inner.endswith(")"):
            break
        out = out[:k] + f"sum({inner[:cut]}, {inner[cut + 3:-1]})" + out[end + 1:]
    return out


def readable(text: str) -> str:
    """A message written by sympy's printer in the file grammar's notation: ``x**2`` → ``x^2``,
    ``Sum(f, (i, 1, n))`` → ``sum(f, i, 1, n)``.

    For texts that only carry a formula's printout (kernel messages); expressions themselves are
    printed with :func:`format_expression`.
    """
    if not isinstance(text, str):
        return text
    return _sums_in_grammar(text).replace("**", "^")


def format_value(value: Any, units: str = "bits", written: Any = None) -> Any:
    """A report field in the file grammar: a statement or expression printed by :func:`format_statement` /
    :func:`format_expression` (argument order of ``written``), a message through :func:`readable`; ``None``
    stays ``None``."""
    if value is None:
        return None
    try:
        if isinstance(value, Statement):
            return format_statement(value, units, written)
        if isinstance(value, sympy.Expr):
            return format_expression(value, units, written)
    except InvalidArgument:
        pass
    return readable(value if isinstance(value, str) else str(value))


def _item_text(item: Any) -> str:
    if isinstance(item, RV):
        return item.name
    if isinstance(item, FamilyMember):
        return f"{item.family}[{format_expression(item.index)}]"
    if isinstance(item, FamilyRange):
        return f"{item.family}[{format_expression(item.lo)}..{format_expression(item.hi)}]"
    raise InvalidArgument(f"Expected a random variable but got {item!r}")


def format_rvset(s: RVSet | Iterable[Any]) -> str:
    """``X, Y[i], Z[1..n]``: the items of a variable set, comma-separated."""
    items = s.args if isinstance(s, RVSet) else tuple(s)
    return ", ".join(_item_text(i) for i in items)


def _group(s: RVSet) -> str:
    return f"({format_rvset(s)})" if len(s) > 1 else format_rvset(s)


def format_channel_spec(spec: ChannelSpec, units: str = "bits") -> str:
    """``BSC(delta)``, ``QSC(q, p)``, ``matrix([[9/10, 1/10], [1/5, 4/5]])``."""
    pr = _Printer(units)
    if spec.name == "matrix":
        rows = ", ".join("[" + ", ".join(pr.text(v) for v in row) + "]" for row in spec.rows or ())
        return f"matrix([{rows}])"
    return f"{spec.name}({', '.join(pr.text(v) for v in spec.params)})"


def format_hypothesis(hyp: Hypothesis, units: str = "bits", written: Any = None) -> tuple[str, str]:
    """``(key, text)`` of a hypothesis as written in a ``[[hypothesis]]`` table.

    An :class:`~derive.core.Assume` gives ``("assume", statement)``; its ``cite``
    is written separately by :func:`write_proof`.
    """
    if isinstance(hyp, Markov):
        return "markov", " -> ".join(_group(s) for s in hyp.chain)
    if isinstance(hyp, MarkovFamily):
        run = [_item_text(FamilyMember(hyp.family, hyp.lo)), "...", _item_text(FamilyMember(hyp.family, hyp.hi))]
        return "markov", " -> ".join([*(_group(s) for s in hyp.before), *run, *(_group(s) for s in hyp.after)])
    if isinstance(hyp, Independent):
        cond = f" | {format_rvset(hyp.given)}" if hyp.given else ""
        return "independent", f"{_group(hyp.left)} _|_ {_group(hyp.right)}{cond}"
    if isinstance(hyp, MutuallyIndependent):
        key = "iid" if isinstance(hyp, IID) else "mutually_independent"
        if hyp.family_range is not None:
            body = _item_text(hyp.family_range)
        else:
            body = ", ".join(_group(m) for m in hyp.members)
        cond = f" | {format_rvset(hyp.given)}" if hyp.given else ""
        return key, body + cond
    if isinstance(hyp, Channel):
        return "channel", f"{_group(hyp.output)} | {_group(hyp.input)} ~ {format_channel_spec(hyp.spec, units)}"
    if isinstance(hyp, ChannelFamily):
        return "channel", (f"{_group(hyp.output)} | {_group(hyp.input)} ~ {format_channel_spec(hyp.spec, units)} "
                           f"for {hyp.index.name} in {format_range(hyp.lo, hyp.hi)}")
    if isinstance(hyp, FunctionOf):
        return "function_of", f"{_group(hyp.output)} = f({format_rvset(hyp.input)})"
    if isinstance(hyp, AssumeFamily):
        return "assume", (f"{format_statement(hyp.body, units, written)} for {hyp.index.name} in "
                          f"{format_range(hyp.lo, hyp.hi)}")
    if isinstance(hyp, Assume):
        return "assume", format_statement(hyp.statement, units, written)
    raise InvalidArgument(f"cannot write the hypothesis {hyp!r} in a proof file")


def format_domain(domain: Domain, name: str) -> str:
    """A parameter's domain as written in ``[parameters]``: ``0 <= delta <= 1/2``, ``n >= 1, integer``."""
    lo = None if domain.lo.is_infinite else (format_expression(domain.lo), "<" if domain.lo_open else "<=")
    hi = None if domain.hi.is_infinite else (format_expression(domain.hi), "<" if domain.hi_open else "<=")
    if lo and hi:
        rel = f"{lo[0]} {lo[1]} {name} {hi[1]} {hi[0]}"
    elif lo:
        rel = f"{name} {'>' if domain.lo_open else '>='} {lo[0]}"
    elif hi:
        rel = f"{name} {hi[1]} {hi[0]}"
    else:
        rel = ""
    if domain.integer:
        return f"{rel}, integer" if rel else "integer"
    return rel or "real"


def format_range(lo: Any, hi: Any) -> str:
    """A family's index range ``lo..hi``."""
    return f"{format_expression(lo)}..{format_expression(hi)}"


# ---------------------------------------------------------------------------- TOML

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(s: str) -> str:
    """A TOML basic string holding ``s`` exactly."""
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else toml_string(k)


def _list(items: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(i) for i in items) + "]"


def _distributions(proof: Any) -> list[str]:
    names: set[str] = set()
    statements = [s.claim for s in proof.steps]
    if proof.theorem is not None:
        statements.append(proof.theorem.claim)
    statements += [h.statement for h in proof.hypotheses.values() if isinstance(h, Assume)]
    exprs = [side for st in statements for side in (st.lhs, st.rhs)]
    for s in proof.steps:
        for v in s.args.values():
            if isinstance(v, sympy.Basic):
                exprs.append(v)
            elif isinstance(v, dict):
                exprs += [x for x in v.values() if isinstance(x, sympy.Basic)]
            elif isinstance(v, (tuple, list)):
                exprs += [x for x in v if isinstance(x, sympy.Basic)]
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, Dist):
                names.add(node.name)
    return sorted(names)


def _write_arg(key: str, value: Any, units: str, written: Any = None) -> str:
    from derive.io.reader import STEP_ARGS

    kind = STEP_ARGS.get(key)
    if kind is None:
        raise InvalidArgument(f"cannot write the step argument {key!r}; known: {', '.join(sorted(STEP_ARGS))}")
    if kind in ("expression", "function"):
        return f"{key} = {toml_string(format_expression(value, units, written))}"
    if kind == "name":
        return f"{key} = {toml_string(str(value))}"
    if kind == "certificate":
        body = ", ".join(f"{_key(str(k))} = {toml_string(format_expression(v, units, written))}"
                         for k, v in value.items())
        return f"{key} = {{ {body} }}" if body else f"{key} = {{}}"
    if kind == "expressions":
        return f"{key} = {_list(format_expression(v, units, written) for v in value)}"
    if kind == "copy_specs":
        return f"{key} = {_list(str(c) for c in value)}"
    raise InvalidArgument(f"cannot write the step argument {key!r}")  # pragma: no cover


def write_proof(proof: Any) -> str:
    """The TOML proof file of ``proof``; ``read_proof_text(write_proof(p)) == p``.

    Raises
    ------
    InvalidArgument
        For objects the proof-file format cannot hold (an unknown step argument,
        a sympy function outside the grammar).
    """
    from derive.io.reader import STEP_ARGS

    units = proof.units
    written = getattr(proof, "written", None)  # the author's argument order of each information atom
    out = ["[proof]", f"name = {toml_string(proof.name)}"]
    if proof.title is not None:
        out.append(f"title = {toml_string(proof.title)}")
    if proof.notes is not None:
        out.append(f"notes = {toml_string(proof.notes)}")
    out.append(f"units = {toml_string(units)}")
    if proof.parameters:
        out += ["", "[parameters]"]
        for name, par in proof.parameters.items():
            out.append(f"{name} = {toml_string(format_domain(par.domain, name))}")
    dists = _distributions(proof)
    if proof.variables or proof.families or dists:
        out += ["", "[variables]"]
        if proof.variables:
            out.append(f"random = {_list(proof.variables)}")
        if proof.families:
            body = ", ".join(f"{name} = {toml_string(format_range(lo, hi))}"
                             for name, (lo, hi) in proof.families.items())
            out.append(f"families = {{ {body} }}")
        if dists:
            out.append(f"distributions = {_list(dists)}")
        if proof.continuous:
            out.append(f"continuous = {_list(sorted(proof.continuous))}")
    for hid, hyp in proof.hypotheses.items():
        key, text = format_hypothesis(hyp, units, written)
        out += ["", "[[hypothesis]]", f"id = {toml_string(hid)}", f"{key} = {toml_string(text)}"]
        if isinstance(hyp, Assume) and hyp.cite is not None:
            out.append(f"cite = {toml_string(hyp.cite)}")
    for step in proof.steps:
        out += ["", "[[step]]", f"id = {toml_string(step.id)}",
                f"claim = {toml_string(format_statement(step.claim, units, written))}",
                f"rule = {toml_string(step.rule)}"]
        if step.premises:
            out.append(f"uses = {_list(step.premises)}")
        if step.note is not None:
            out.append(f"note = {toml_string(step.note)}")
        for key in [k for k in STEP_ARGS if k in step.args] + [k for k in step.args if k not in STEP_ARGS]:
            out.append(_write_arg(key, step.args[key], units, written))
    if proof.theorem is not None:
        th = proof.theorem
        out += ["", "[theorem]", f"claim = {toml_string(format_statement(th.claim, units, written))}",
                f"from = {_list(th.from_steps)}"]
        if th.name is not None:
            out.append(f"name = {toml_string(th.name)}")
    return "\n".join(out) + "\n"
