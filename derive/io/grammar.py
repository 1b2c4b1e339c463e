"""derive's expression language, parsed with a lark LALR grammar.

The grammar (one lark grammar, several start symbols)::

    expression   2*delta^2 - h(p) + I(X; Y[1..n] | Z) / log(k)
    statement    EXPR (<= | >= | ==) EXPR
    markov       U -> (X, W) -> Y -> Z
                 U -> X[0] -> ... -> X[k]   ('...' runs through every member in order;
                                            a block X[0..k] stays one joint link)
    independence (A, B) _|_ C | D
    family       X[1..n] | P            (mutually_independent and iid)
    channel      Y | X ~ BSC(delta)     (BSC, BEC, Z, QSC, AWGN, matrix([[...], ...]))
                 X[i] | X[i-1] ~ BSC(delta) for i in 1..k   (one channel per index)
    function_of  Y = f(X)
    domain       0 <= delta <= 1/2      integer >= 1    1 <= k <= 10, integer    > 0
    range        1..n                   (a family's index range)

Expressions: integers, decimals and exponent notation (``0.1`` is the exact ``1/10``, ``1e-3`` is ``1/1000``), parameters,
``+ - * /``, ``^`` and ``**`` (right-associative, binding tighter than unary
minus: ``-x^2`` is ``-(x^2)``), parentheses, the functions ``log`` (base 2 in a
``bits`` proof, natural in ``nats``), ``log2``, ``ln``, ``exp``, ``sqrt``,
``min``, ``max``, ``abs``, ``h`` (binary entropy; ``h(p) * log(2)`` in nats),
``sum(expr, i, lo, hi)``, and the information quantities ``H(A, B | C)``,
``I(A, B; C | D)``, ``D(P || Q)``, ``TV(P, Q)``. Variable lists hold ``X``,
``X[i]``, ``X[i-1]``, ``X[1..n]`` and bare family names (the whole declared
range).

Nothing is ever evaluated as Python: the text is tokenized and parsed by lark,
numbers are built with :class:`sympy.Integer`/:class:`sympy.Rational` from the
token text, and every sympy object is built by an explicit constructor after
size checks (see the ``MAX_*`` limits below), so ``2^2^2^2^99`` or 10,000 nested
parentheses are refused at once with :class:`~derive.errors.LimitExceeded`.

Every error is a :class:`~derive.errors.ParseError` (or ``LimitExceeded``)
carrying ``file``, ``line`` and ``column`` in the proof file, taken from the
:class:`ParseContext`.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

import lark
import sympy
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from sympy import Integer, Rational, S, Symbol

from derive.core.hypotheses import (
    CHANNEL_ARITY,
    IID,
    Channel,
    CopyRV,
    CopySpec,
    ChannelFamily,
    ChannelSpec,
    FunctionOf,
    Independent,
    Markov,
    MarkovFamily,
    MutuallyIndependent,
)
from derive.core.notation import show
from derive.core.parameters import Domain, Parameter
from derive.core.quantities import INFO_CLASSES, TV, D, Dist, H, I, h
from derive.core.statements import Statement
from derive.core.variables import RV, FamilyMember, FamilyRange, RVSet, index_symbol
from derive.errors import DeriveError, InvalidArgument, LimitExceeded, ParseError

__all__ = [
    "ParseContext",
    "parse_expression",
    "parse_statement",
    "parse_markov",
    "parse_independence",
    "parse_family_condition",
    "parse_channel",
    "parse_function_of",
    "parse_copy_spec",
    "parse_domain",
    "parse_range",
    "function_variable",
    "is_identifier",
    "check_name",
    "RESERVED_WORDS",
    "VARIABLE_WORDS",
    "FUNCTIONS",
    "MAX_TEXT_LENGTH",
    "MAX_NESTING",
    "MAX_TREE_DEPTH",
    "MAX_EXPONENT",
    "MAX_DIGITS",
    "MAX_LITERAL_DIGITS",
    "MAX_CALL_ARGS",
    "MAX_INDEX_OPS",
    "MAX_EXPANSION",
    "parse_channel_spec",
]

# ---------------------------------------------------------------------------- limits

#: Longest text accepted for one expression, statement or hypothesis (characters).
MAX_TEXT_LENGTH = 20_000

#: Deepest bracket nesting ``( [`` accepted; checked on the raw text before lark runs.
MAX_NESTING = 100

#: Deepest syntax tree accepted (operator chains such as ``2^2^2^...`` or
#: ``- - - x`` count one level per operator); checked while building, so no
#: Python recursion beyond this depth ever happens.
MAX_TREE_DEPTH = 200

#: Largest ``|exponent|`` (and largest exponent denominator) of a power with a
#: numeric exponent; ``x^1001`` and ``2^(1/1001)`` are refused.
MAX_EXPONENT = 1000

#: Largest number of decimal digits of any exact number built while parsing
#: (estimated before sympy computes it). Kept below Python's default limit for
#: converting integers to text (4,300 digits), so every parsed number can be printed.
MAX_DIGITS = 4_000

#: Longest integer or decimal literal accepted (digits).
MAX_LITERAL_DIGITS = 1000

#: Most arguments of ``min``/``max`` and most entries of a channel matrix row.
MAX_CALL_ARGS = 64

#: Most terms an expression may expand to (``sympy.expand``), estimated while building:
#: ``(x + y)^2000`` or ``((x + 1)^2 + 1)^2 ...`` nested would make sympy's sign queries and
#: the kernel's expansions run for hours.
MAX_EXPANSION = 10_000

#: Most operations in a family index such as ``X[i - 1]`` (core simplifies range lengths).
MAX_INDEX_OPS = 40

_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))

#: Words with a meaning in the grammar; they cannot name parameters, variables,
#: families or distributions.
RESERVED_WORDS = frozenset({
    "H", "I", "D", "TV", "h", "log", "log2", "ln", "exp", "sqrt", "min", "max", "abs", "sum",
    "integer", "real", "positive", "nonnegative",
})

#: Reserved words that may still name random variables and families: inside a variable list a name is a
#: variable, and ``H(``, ``I(``, ``D(``, ``h(`` are the functions only when followed by ``(`` (learning-theory
#: papers call the data set ``D``; the Ingleton inequality is written with ``A, B, C, D``).
VARIABLE_WORDS = frozenset({"D", "H", "I", "h"})

#: The functions callable in expressions and their number of arguments (``None``: one or more).
FUNCTIONS: dict[str, int | None] = {
    "log": 1, "log2": 1, "ln": 1, "exp": 1, "sqrt": 1, "abs": 1, "h": 1,
    "min": None, "max": None, "sum": 4,
}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# ---------------------------------------------------------------------------- grammar

_GRAMMAR = r"""
expression: sum
statement: sum (LE | GE | EQ) sum
range: sum ".." sum

markov: link (_ARROW link)+
link: rvlist | "(" rvlist ")" | ELLIPSIS -> ellipsis
independence: side _INDEP side [_BAR rvlist]
side: rvlist | "(" rvlist ")"
family_condition: group ("," group)* [_BAR rvlist]
group: rvitem | "(" rvlist ")"
channel: side _BAR side "~" channel_spec [for_clause]
for_clause: "for" NAME "in" sum ".." sum
channel_spec: NAME "(" channel_args ")"
channel_args: arglist -> channel_params
            | "[" row ("," row)* "]" -> channel_matrix
row: "[" arglist "]"
function_of: side "=" NAME "(" rvlist ")"
copy_spec: copy_side _OVER [copy_side]
copy_side: copy_list | "(" copy_list ")"
copy_list: copy_item ("," copy_item)*
copy_item: rvitem
         | NAME PRIMES -> copy_of

domain: dpart ("," dpart)*
dpart: KW_INTEGER -> d_keyword
     | KW_REAL -> d_keyword
     | KW_POSITIVE -> d_keyword
     | KW_NONNEGATIVE -> d_keyword
     | dop dside -> d_relation
     | dside dop dside -> d_relation
     | dside dop dside dop dside -> d_relation
     | [dside] "in" "[" dside "," dside "]" -> d_closed
     | [dside] "in" "(" dside "," dside ")" -> d_open
     | [dside] "in" "[" dside "," dside ")" -> d_closed_open
     | [dside] "in" "(" dside "," dside "]" -> d_open_closed
dside: sum | KW_INTEGER
dop: LE | GE | LT | GT

?sum: product ((PLUS | MINUS) product)*
?product: unary ((STAR | SLASH) unary)*
?unary: power
      | MINUS unary -> neg
?power: atom
      | atom POW unary -> pow
?atom: INT -> integer
     | DECIMAL -> decimal
     | NAME -> name
     | "(" sum ")"
     | NAME "(" [arglist] ")" -> call
     | "H" "(" rvlist [_BAR rvlist] ")" -> entropy
     | "I" "(" rvlist ";" rvlist [_BAR rvlist] ")" -> mutual
     | "D" "(" NAME "||" NAME ")" -> divergence
     | "TV" "(" NAME "," NAME ")" -> tv
arglist: sum ("," sum)*

rvlist: rvitem ("," rvitem)*
rvitem: NAME -> rv_name
      | NAME "[" sum "]" -> rv_member
      | NAME "[" sum ".." sum "]" -> rv_range

_ARROW: "->"
ELLIPSIS: "..."
_INDEP: "_|_"
_OVER: "over"
PRIMES: /'+/
_BAR: "|"
LE: "<=" | "≤"
GE: ">=" | "≥"
EQ: "=="
LT: "<"
GT: ">"
PLUS: "+"
MINUS: "-"
STAR: "*" | "·"
SLASH: "/"
POW: "^" | "**"
KW_INTEGER: "integer"
KW_REAL: "real"
KW_POSITIVE: "positive"
KW_NONNEGATIVE: "nonnegative"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
DECIMAL.2: /[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+|[0-9]+\.[0-9]+/
INT: /[0-9]+/
%ignore /[ \t\r\n]+/
"""

_STARTS = ("expression", "statement", "range", "markov", "independence", "family_condition",
           "channel", "channel_spec", "function_of", "copy_spec", "domain")

#: Human names of the pattern terminals, for "expected ..." messages.
_TERMINAL_NAMES = {"NAME": "a name", "INT": "a number", "DECIMAL": "a number", "POW": "'^'", "LE": "'<='",
                   "GE": "'>='", "STAR": "'*'",
                   "$END": "the end of the text"}


def _normalize(value: str) -> Callable[[Token], Token]:
    """A lexer callback writing a Unicode operator (``≤ ≥ ·``) as its ASCII spelling."""
    return lambda tok: tok.update(value=value)


def _grammar_cache() -> str | bool:
    """Where lark keeps the analysed grammar between runs (a 0.2 s build otherwise), or ``False``.

    A file in the user's private cache directory (``$XDG_CACHE_HOME/derive`` or ``~/.cache/derive``, mode
    0700, owned by the user), never a shared temporary directory: lark reads the file back with pickle.
    ``DERIVE_NO_GRAMMAR_CACHE=1`` turns the cache off.
    """
    if os.environ.get("DERIVE_NO_GRAMMAR_CACHE"):
        return False
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "derive")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
        if st.st_uid != os.getuid() or st.st_mode & 0o077:
            return False
    except (OSError, AttributeError):
        return False
    key = hashlib.sha256(f"{_GRAMMAR}{lark.__version__}{_STARTS}".encode()).hexdigest()[:20]
    return os.path.join(folder, f"grammar-{key}.lark")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The one parser (built once per process; the grammar analysis is cached on disk, see :func:`_grammar_cache`)."""
    return Lark(_GRAMMAR, parser="lalr", lexer="contextual", start=list(_STARTS),
                propagate_positions=True, maybe_placeholders=True, cache=_grammar_cache(),
                lexer_callbacks={"LE": _normalize("<="), "GE": _normalize(">="), "STAR": _normalize("*")})


# ---------------------------------------------------------------------------- context


@dataclass
class ParseContext:
    """What names mean while parsing, and where the text sits in its file.

    Parameters
    ----------
    parameters
        name -> sympy ``Symbol`` (or :class:`~derive.core.Parameter`) of the real parameters.
    variables
        name -> :class:`~derive.core.RV` of the random variables.
    families
        name -> ``(lo, hi)``: the declared index range of each indexed family.
    distributions
        declared distribution names; inside ``D(P || Q)`` and ``TV(P, Q)`` any
        identifier that is not otherwise declared is accepted as well.
    units
        ``"bits"`` (``log`` is base 2) or ``"nats"`` (``log`` is natural).
    file, line, column
        where the text's first character sits (1-based) so errors point into the file.
    bound
        extra names bound to symbols (the variable of a step's ``function``).
    auto_variables
        when true, an unknown name used as a random variable declares it (for the
        command line, where there is no ``[variables]`` table).
    """

    parameters: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, RV] = field(default_factory=dict)
    families: dict[str, tuple[sympy.Expr, sympy.Expr]] = field(default_factory=dict)
    distributions: Iterable[str] = field(default_factory=frozenset)
    units: str = "bits"
    file: str | None = None
    line: int = 1
    column: int | None = 1
    bound: dict[str, Symbol] = field(default_factory=dict)
    auto_variables: bool = False
    #: parameter symbol -> :class:`~derive.core.Domain`; when known, a function applied to parameters must be
    #: defined on the whole domain, checked *before* sympy can fold it away (``log(p - 2) - log(p - 2)``).
    domains: dict = field(default_factory=dict)
    #: names of continuous variables and families (declared, or of a Gaussian channel): ``I(X; X)`` and
    #: ``H(X | X)`` of them are infinite, not ``H(X)`` and ``0``, and are refused before core canonicalizes them.
    continuous: set = field(default_factory=set)
    #: where to record how each information atom was written (a :class:`~derive.proof.WrittenOrder`, usually the
    #: proof's ``written``), so printers can keep the author's argument order; ``None``: not recorded.
    written: Any = None
    #: where to record every family member and block as written, with the ranges of the sums around it
    #: (``(node, {index: (lo, hi)})``, outermost sum first): core folds ``I(M; X[0..j] | M)`` to 0, and the proof's
    #: range check (:meth:`derive.proof.Proof.range_problems`) must still see ``X[0..j]``; ``None``: not recorded.
    mentions: list | None = None
    #: said after "unknown name 'p'; expected a declared parameter" when no declared name is close (where the
    #: command line declares parameters its own way)
    unknown_hint: str = ""

    def __post_init__(self) -> None:
        if self.units not in ("bits", "nats"):
            raise InvalidArgument(f"Expected units 'bits' or 'nats' but got units={self.units!r}")
        self.distributions = frozenset(self.distributions)

    def at(self, line: int, column: int | None = 1, **changes: Any) -> "ParseContext":
        """A copy whose text starts at ``line``, ``column`` of the file (column ``None``: unknown)."""
        return replace(self, line=line, column=column, **changes)

    @classmethod
    def from_proof(cls, proof: Any, **changes: Any) -> "ParseContext":
        """The context of a :class:`~derive.proof.Proof`'s declarations."""
        changes.setdefault("written", getattr(proof, "written", None))
        return cls(parameters={n: p.symbol for n, p in proof.parameters.items()},
                   variables=dict(proof.variables), families=dict(proof.families),
                   units=proof.units, file=proof.file, **changes)

    def symbol(self, name: str) -> Symbol | None:
        p = self.parameters.get(name)
        return p.symbol if isinstance(p, Parameter) else p

    def declared_names(self) -> set[str]:
        return set(self.parameters) | set(self.variables) | set(self.families) | set(self.distributions)

    def locate(self, line: int | None, column: int | None) -> tuple[int | None, int | None]:
        """File position of a position (1-based) inside the parsed text."""
        if line is None:
            return self.line, self.column
        if line == 1:
            return self.line, None if self.column is None else self.column + (column or 1) - 1
        return self.line + line - 1, column


def is_identifier(name: object) -> bool:
    """True for ``[A-Za-z_][A-Za-z0-9_]*``."""
    return isinstance(name, str) and _IDENT.match(name) is not None


def check_name(name: object, what: str, ctx: ParseContext | None = None) -> str:
    """Check a name to declare: an identifier, not reserved; returns it.

    Raises
    ------
    ParseError
        "Expected an identifier for a parameter but got '2x'" and the like.
    """
    ctx = ctx or ParseContext()
    if not is_identifier(name):
        raise _error(ctx, f"Expected an identifier [A-Za-z_][A-Za-z0-9_]* for {what} but got {name!r}")
    if name in VARIABLE_WORDS and ("random variable" in what or "family" in what):
        return name  # type: ignore[return-value]
    if name in VARIABLE_WORDS:
        raise _error(ctx, f"{name!r} is the function {name}(...) in expressions, so it cannot name {what}; "
                          f"rename it (e.g. {name}0 or {name}_1); {name!r} may name a random variable or family")
    if name in RESERVED_WORDS:
        raise _error(ctx, f"{name!r} is a reserved word and cannot name {what}; reserved: "
                          f"{', '.join(sorted(RESERVED_WORDS))}")
    return name  # type: ignore[return-value]


def function_variable(name: str) -> Symbol:
    """The symbol of a step's ``function`` variable: ``Symbol(name, real=True)``."""
    return Symbol(name, real=True)


# ---------------------------------------------------------------------------- errors


def _error(ctx: ParseContext, message: str, line: int | None = None, column: int | None = None,
           cls: type[DeriveError] = ParseError) -> DeriveError:
    fl, fc = ctx.locate(line, column)
    return cls(message, file=ctx.file, line=fl, column=fc)


def _pos(node: Any) -> tuple[int | None, int | None]:
    if isinstance(node, Token):
        return node.line, node.column
    if isinstance(node, Tree):
        meta = node.meta
        if not getattr(meta, "empty", True):
            return meta.line, meta.column
        for child in node.children:
            if child is not None:
                return _pos(child)
    return None, None


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def _describe_terminals(names: Iterable[str]) -> str:
    parser = _parser()
    out: list[str] = []
    for n in sorted(set(names)):
        if n in _TERMINAL_NAMES:
            text = _TERMINAL_NAMES[n]
        else:
            try:
                term = parser.get_terminal(n)
            except KeyError:
                text = n
            else:
                pat = term.pattern
                text = repr(pat.value) if pat.type == "str" else n
        if text not in out:
            out.append(text)
    if not out:
        return "something else"
    ordered = sorted(out, key=lambda t: (not t.startswith("a "), t))
    if len(ordered) > 10:
        ordered = ordered[:10] + ["..."]
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " or " + ordered[-1]


def _spelled_out(ch: str) -> str | None:
    """The ASCII name of a Greek letter (``θ`` -> ``theta``, ``ε`` -> ``epsilon``), which names may use and the
    LaTeX output prints as the letter; ``None`` for any other character."""
    import unicodedata

    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", name)
    if m is None:
        return None
    word = m.group(2).lower().replace("lamda", "lambda")
    return word if m.group(1) == "SMALL" else word.capitalize()


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _convert_lark_error(err: UnexpectedInput, text: str, ctx: ParseContext, what: str) -> DeriveError:
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if 0 <= err.pos_in_stream < len(text) else "?"
        expected = _describe_terminals(err.allowed or ())
        hint = _spelled_out(ch)
        return _error(ctx, f"unexpected character {ch!r} in {what}; expected {expected}"
                      + (f" (names are ASCII: write {hint} for {ch}; the LaTeX output prints it as \\{hint})"
                         if hint else ""),
                      err.line, err.column)
    if isinstance(err, UnexpectedToken):
        tok = err.token
        names = err.expected or ()
        try:
            names = err.interactive_parser.accepts() or names
        except Exception:  # pragma: no cover - fall back to the table's lookaheads
            pass
        expected = _describe_terminals(names)
        if tok.type == "$END":
            line, col = _end_position(text)
            return _error(ctx, f"unexpected end of {what}; expected {expected}", line, col)
        return _error(ctx, f"unexpected {str(tok)!r} in {what}; expected {expected}", tok.line, tok.column)
    if isinstance(err, UnexpectedEOF):
        line, col = _end_position(text)
        return _error(ctx, f"unexpected end of {what}; expected {_describe_terminals(err.expected or ())}",
                      line, col)
    return _error(ctx, f"cannot parse {what}: {err}", getattr(err, "line", None), getattr(err, "column", None))


def _check_text(text: object, ctx: ParseContext, what: str) -> str:
    if not isinstance(text, str):
        raise _error(ctx, f"Expected a string holding {what} but got {type(text).__name__} {text!r}")
    if len(text) > MAX_TEXT_LENGTH:
        raise _error(ctx, f"{what} is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}",
                     cls=LimitExceeded)
    depth, line, col = 0, 1, 0
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise _error(ctx, f"{what} nests brackets more than {MAX_NESTING} levels deep", line, col,
                             cls=LimitExceeded)
        elif ch in ")]}":
            depth -= 1
    if not text.strip():
        raise _error(ctx, f"Expected {what} but got an empty string")
    return text


def _parse_tree(text: object, start: str, ctx: ParseContext, what: str) -> Tree:
    text = _check_text(text, ctx, what)
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as err:
        raise _convert_lark_error(err, text, ctx, what) from None
    except RecursionError:  # pragma: no cover - prevented by the nesting limit
        raise _error(ctx, f"{what} nests too deeply", cls=LimitExceeded) from None


# ---------------------------------------------------------------------------- number guards


def _rational_bits(r: sympy.Rational) -> int:
    return int(r.p).bit_length() + (int(r.q).bit_length() if r.q != 1 else 0)


def _size_bits(e: sympy.Expr) -> int:
    """Estimated bits of the exact number sympy would carry for ``e``'s numeric part."""
    if e.is_Rational:
        return _rational_bits(e)
    if e.is_Pow:
        b, x = e.args
        if b.is_Rational and x.is_Rational:
            return math.ceil(_rational_bits(b) * abs(float(x)))
        return _size_bits(b) if x.is_Rational and abs(x) >= 1 else 0
    if e.is_Mul or e.is_Add:
        first = e.args[0]
        return _rational_bits(first) if first.is_Rational else 0
    return 0


def _stored_bits(e: sympy.Expr) -> int:
    """Bits of the exact numbers sympy stores at the top of ``e`` (its value or coefficient)."""
    if e.is_Rational:
        return _rational_bits(e)
    if e.is_Mul or e.is_Add:
        first = e.args[0]
        return _rational_bits(first) if first.is_Rational else 0
    if e.is_Pow and e.args[0].is_Rational:
        return _rational_bits(e.args[0])
    return 0


def expansion_terms(e: sympy.Expr, memo: dict | None = None) -> int:
    """How many terms ``sympy.expand(e)`` could have: an over-estimate, capped at ``MAX_EXPANSION + 1``; ``memo``
    keeps the counts of parts already seen."""
    memo = {} if memo is None else memo
    got = memo.get(e)
    if got is not None:
        return got
    if e.is_Add:
        r = min(sum(expansion_terms(a, memo) for a in e.args), MAX_EXPANSION + 1)
    elif e.is_Mul:
        r = 1
        for a in e.args:
            r = min(r * expansion_terms(a, memo), MAX_EXPANSION + 1)
    elif e.is_Pow and e.args[1].is_Rational:
        t = expansion_terms(e.args[0], memo)
        r = 1 if t == 1 else _power_terms(abs(int(e.args[1])), t)
    else:
        r = 1
    memo[e] = r
    return r


def _power_terms(n: int, t: int) -> int:
    """Terms of ``(a_1 + ... + a_t)^n`` expanded: ``C(n + t - 1, n)``, capped above :data:`MAX_EXPANSION`."""
    k = min(n, t - 1)
    total, r = n + t - 1, 1
    for j in range(1, k + 1):
        r = r * (total - k + j) // j
        if r > MAX_EXPANSION:
            return MAX_EXPANSION + 1
    return r


def _too_big(ctx: ParseContext, node: Any, what: str) -> DeriveError:
    return _error(ctx, f"{what} would produce a number with more than {MAX_DIGITS} digits", *_pos(node),
                  cls=LimitExceeded)


# ---------------------------------------------------------------------------- builder


class _Builder:
    """Walks a lark tree top-down (so ``sum`` can bind its index) and builds sympy objects."""

    def __init__(self, ctx: ParseContext, what: str) -> None:
        self.ctx = ctx
        self.what = what
        self._terms: dict[sympy.Expr, int] = {}
        self._sums: dict[Symbol, tuple[sympy.Expr, sympy.Expr]] = {}  # the ranges of the sums being read

    # -- errors ------------------------------------------------------------------
    def err(self, node: Any, message: str, cls: type[DeriveError] = ParseError) -> DeriveError:
        return _error(self.ctx, message, *_pos(node), cls=cls)

    def core(self, node: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Call a core constructor; its InvalidArgument becomes a ParseError at ``node``."""
        try:
            return fn(*args, **kw)
        except LimitExceeded as e:
            raise self.err(node, e.message, LimitExceeded) from None
        except InvalidArgument as e:
            raise self.err(node, e.message) from None

    # -- expressions ----------------------------------------------------------------
    def expr(self, t: Any, scope: Mapping[str, Symbol], depth: int = 0) -> sympy.Expr:
        if depth == 0:
            built = self.expr(t, scope, 1)
            try:
                settled = _canonical(built)
                outside = _outside_grammar(settled)
                if outside:
                    raise self.err(t, f"sympy rewrites this expression with {outside}, which derive's grammar "
                                      "cannot state (e.g. abs or a fractional power of a parameter that may be "
                                      "negative); write it in a form that is real for every parameter value")
                return settled
            except RecursionError:
                raise self.err(t, "the expression nests too deeply to build", LimitExceeded) from None
            except _SYMPY_ERRORS as e:
                raise self.err(t, f"cannot build this expression ({type(e).__name__}: {_clip(str(e))})") from None
        if depth > MAX_TREE_DEPTH:
            raise self.err(t, f"the expression nests more than {MAX_TREE_DEPTH} levels deep", LimitExceeded)
        kind = t.data
        method = getattr(self, f"_e_{kind}", None)
        if method is None:  # pragma: no cover - every expression rule has a method
            raise self.err(t, f"unsupported construct {kind!r}")
        try:
            return method(t, scope, depth + 1)
        except DeriveError:
            raise
        except RecursionError:
            raise self.err(t, "the expression nests too deeply to build", LimitExceeded) from None
        except _SYMPY_ERRORS as e:
            # sympy evaluating a combination it cannot handle (e.g. comparing a Sum of
            # information quantities with a number): refuse the text, name the cause
            raise self.err(t, f"cannot build this expression ({type(e).__name__}: {_clip(str(e))})") from None

    def _e_expression(self, t: Tree, scope, depth) -> sympy.Expr:
        return self.expr(t.children[0], scope, depth)

    def _e_integer(self, t: Tree, scope, depth) -> sympy.Expr:
        tok = t.children[0]
        digits = str(tok)
        if len(digits) > MAX_LITERAL_DIGITS:
            raise self.err(tok, f"the number has {len(digits)} digits; literals have at most "
                                f"{MAX_LITERAL_DIGITS}", LimitExceeded)
        return Integer(int(digits))

    def _e_decimal(self, t: Tree, scope, depth) -> sympy.Expr:
        """``0.25`` or ``1e-3``/``2.5E4``, exactly (``1e-3`` is 1/1000)."""
        tok = t.children[0]
        mantissa, _, exponent = str(tok).lower().partition("e")
        whole, _, frac = mantissa.partition(".")
        if len(whole) + len(frac) > MAX_LITERAL_DIGITS or abs(int(exponent or 0)) > MAX_LITERAL_DIGITS:
            raise self.err(tok, f"the number {_clip(str(tok), 40)} is too long or its exponent too large; literals have "
                                f"at most {MAX_LITERAL_DIGITS} digits and exponents within ±{MAX_LITERAL_DIGITS}",
                           LimitExceeded)
        return Rational(int(whole + frac), 10 ** len(frac)) * Rational(10) ** int(exponent or 0)

    def _e_name(self, t: Tree, scope, depth) -> sympy.Expr:
        tok = t.children[0]
        name = str(tok)
        if name in scope:
            return scope[name]
        sym = self.ctx.symbol(name)
        if sym is not None:
            return sym
        ctx = self.ctx
        if name in ctx.variables:
            raise self.err(tok, f"{name!r} is a random variable, not a number; use it inside H(...) or I(...)")
        if name in ctx.families:
            raise self.err(tok, f"{name!r} is a family of random variables, not a number; "
                                f"use it inside H(...) or I(...)")
        if name in ctx.distributions:
            raise self.err(tok, f"{name!r} is a distribution, not a number; use it inside D(P || Q) or TV(P, Q)")
        if name in FUNCTIONS:
            raise self.err(tok, f"{name!r} is a function; write {name}(...)")
        raise self.err(tok, f"unknown name {name!r}; expected a declared parameter"
                            + (_suggest(name, list(ctx.parameters) + list(scope)) or ctx.unknown_hint))

    def _e_neg(self, t: Tree, scope, depth) -> sympy.Expr:
        return self.mul(t, [S.NegativeOne, self.expr(t.children[1], scope, depth)])

    def _e_sum(self, t: Tree, scope, depth) -> sympy.Expr:
        ch = t.children
        terms = [self.expr(ch[0], scope, depth)]
        for k in range(1, len(ch), 2):
            term = self.expr(ch[k + 1], scope, depth)
            terms.append(term if ch[k].type == "PLUS" else self.mul(ch[k + 1], [S.NegativeOne, term]))
        return self.add(t, terms)

    def _e_product(self, t: Tree, scope, depth) -> sympy.Expr:
        ch = t.children
        factors = [self.expr(ch[0], scope, depth)]
        for k in range(1, len(ch), 2):
            f = self.expr(ch[k + 1], scope, depth)
            if ch[k].type == "SLASH":
                if f == 0:
                    raise self.err(ch[k + 1], "division by zero")
                self.defined(ch[k + 1], f"a division by {_short(f)}", f, "nonzero")
                f = self.power(ch[k + 1], f, S.NegativeOne)
            factors.append(f)
        return self.mul(t, factors)

    def _e_pow(self, t: Tree, scope, depth) -> sympy.Expr:
        base = self.expr(t.children[0], scope, depth)
        exp = self.expr(t.children[2], scope, depth)
        what = f"({_short(base)})^({_short(exp)})"
        if exp.is_integer:
            if exp.is_nonnegative is not True:
                self.defined(t, what, base, "nonzero")
        elif exp.is_positive:
            self.defined(t, what, base, "nonneg")
        else:
            self.defined(t, what, base, "pos")
        return self.power(t, base, exp)

    # -- guarded constructors ---------------------------------------------------------
    def terms(self, e: sympy.Expr) -> int:
        """How many terms ``sympy.expand(e)`` could have (:func:`expansion_terms`)."""
        return expansion_terms(e, self._terms)

    def check_terms(self, node: Any, count: int) -> None:
        if count > MAX_EXPANSION:
            raise self.err(node, f"this expression would expand to more than {MAX_EXPANSION} terms", LimitExceeded)

    def add(self, node: Any, terms: list[sympy.Expr]) -> sympy.Expr:
        if len(terms) == 1:
            return terms[0]
        self.check_terms(node, sum(self.terms(t) for t in terms))
        den = num = 0
        for term in terms:
            c = term if term.is_Rational else (term.args[0] if (term.is_Mul or term.is_Add)
                                                and term.args[0].is_Rational else None)
            if c is not None:
                den += int(c.q).bit_length() if c.q != 1 else 0
                num = max(num, int(c.p).bit_length())
        if den + num + len(terms).bit_length() > 2 * _MAX_BITS:
            raise _too_big(self.ctx, node, "this sum")
        return self.value(node, self.sized(node, sympy.Add(*terms), "this sum"))

    def mul(self, node: Any, factors: list[sympy.Expr]) -> sympy.Expr:
        if len(factors) == 1:
            return factors[0]
        count = 1
        for f in factors:
            count = min(count * self.terms(f), MAX_EXPANSION + 1)
        self.check_terms(node, count)
        if sum(_size_bits(f) for f in factors) > 2 * _MAX_BITS:
            raise _too_big(self.ctx, node, "this product")
        return self.value(node, self.sized(node, _settle(sympy.Mul(*factors)), "this product"))

    def power(self, node: Any, base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
        if exp.is_number:
            coeff = exp if exp.is_Rational else exp.as_coeff_Mul()[0]
            if coeff.is_Rational and (abs(coeff) > MAX_EXPONENT or coeff.q > MAX_EXPONENT):
                raise self.err(node, f"the exponent {_short(exp)} is too large; numeric exponents are at most "
                                     f"{MAX_EXPONENT} in size (numerator and denominator)", LimitExceeded)
            if exp.is_Rational:
                if base == 0 and exp < 0:
                    raise self.err(node, "division by zero")
                if base.is_Add or base.is_Mul:
                    t = self.terms(base)
                    if t > 1 and _power_terms(abs(int(exp)), t) > MAX_EXPANSION:
                        raise self.err(node, f"this power would expand to more than {MAX_EXPANSION} terms",
                                       LimitExceeded)
                if _size_bits(base) * abs(float(exp)) > 2 * _MAX_BITS:
                    raise _too_big(self.ctx, node, "this power")
        return self.real(node, self.value(node, self.sized(node, _settle(sympy.Pow(base, exp)), "this power")))

    def defined(self, node: Any, what: str, e: sympy.Expr, need: str) -> None:
        """Refuse ``what`` unless ``e`` is provably ``> 0`` / ``>= 0`` / ``!= 0`` on the parameters' domains.

        Checked only where every symbol of ``e`` is a parameter with a known domain (the kernel's door checks the
        rest), and a product factor by factor (each factor so checked must be ``!= 0``): this sees ``log(p - 2)``
        before sympy folds ``log(p - 2) - log(p - 2)`` to ``0``, and ``H(X)/H(X)`` (``H(X) = 0`` for a constant
        ``X``) before sympy folds it to ``1``. An information quantity's sign is what
        the kernel knows of it (``H >= 0`` for discrete variables only, ``I, D >= 0``, ``0 <= TV <= 1``).
        """
        if not isinstance(e, sympy.Expr) or e.is_number:
            return
        info = has_information_atom(e)
        doms = self.ctx.domains
        partial = not all(sym in doms for sym in e.free_symbols)
        if isinstance(e, sympy.Mul) and (need == "nonzero" or (need == "pos" and partial)):
            # a product of finite factors is 0 where a factor is: each factor that can be checked must be != 0, so
            # H(X)*h(delta) is refused for its H(X) even when delta has no domain, as 1/H(X) (its folded form) is
            for f in e.args:
                self.defined(node, what, f.base if f.is_Pow and f.exp.is_integer else f, "nonzero")
            return
        if not (doms or info) or partial:
            return
        from derive.core.parameters import Domains
        from derive.kernel.signs import sign_of

        sign = sign_of(e, Domains(doms, self.ctx.continuous))
        ok = {"pos": sign == "pos", "nonneg": sign in ("pos", "nonneg", "zero"), "nonzero": sign in ("pos", "neg")}[need]
        if not ok:
            cond = {"pos": "> 0", "nonneg": ">= 0", "nonzero": "!= 0"}[need]
            if not info:
                raise self.err(node, f"{what} is not defined for every parameter value in the domains (it needs "
                                     f"{_short(e)} {cond}); narrow the parameters' domains")
            why = ("; a differential entropy can be negative" if need == "nonneg" and any(
                       any(map(Domains(doms, self.ctx.continuous).is_continuous, a.target.args)) for a in e.atoms(H))
                   else "; an information quantity is 0 for some distributions (a constant variable, P = Q)"
                   if need != "nonneg" and isinstance(e, INFO_CLASSES) else "")
            raise self.err(node, f"{what} is not defined for every distribution (it needs {_short(e)} {cond}{why})")

    def real(self, node: Any, e: sympy.Expr) -> sympy.Expr:
        """Refuse complex results such as ``sqrt(-delta) = I*sqrt(delta)`` (powers and logs only make them)."""
        if e.has(S.ImaginaryUnit) or any(_is_plain_number(f) and f.is_extended_real is False
                                         for f in sympy.Mul.make_args(e)):
            raise self.err(node, "this is not real (a root or log of a negative quantity)")
        return e

    def sized(self, node: Any, e: sympy.Expr, what: str) -> sympy.Expr:
        """Refuse a result whose exact number exceeds :data:`MAX_DIGITS` (the estimate before it
        allowed at most twice that, so computing it was cheap)."""
        if _stored_bits(e) > _MAX_BITS:
            raise _too_big(self.ctx, node, what)
        return e

    def value(self, node: Any, e: sympy.Expr) -> sympy.Expr:
        """Refuse numbers that are not finite reals (``1/0``, ``log(0)``, ``sqrt(-1)``) and numbers whose size is
        beyond evaluation (``exp(exp(10^1000))``: its exponent alone has 10^1000 digits; every later sign query,
        printout or model evaluation of it would fail)."""
        if _is_plain_number(e):
            if e.has(S.ComplexInfinity, S.NaN, S.Infinity, S.NegativeInfinity):
                raise self.err(node, "this is not a finite number (a division by zero or log(0)?)")
            try:
                e.evalf(5)
            except (OverflowError, ValueError, MemoryError, RecursionError):
                raise self.err(node, "this number is too large (or too close to 0) to evaluate: its exponent "
                                     "overflows", LimitExceeded) from None
            if e.is_extended_real is False:
                raise self.err(node, "this is not a real number (an even root or a log of a negative number?)")
        return e

    # -- calls -----------------------------------------------------------------------------
    def _e_call(self, t: Tree, scope, depth) -> sympy.Expr:
        name_tok, arglist = t.children
        name = str(name_tok)
        arg_trees = list(arglist.children) if arglist is not None else []
        if name not in FUNCTIONS:
            declared = name in self.ctx.declared_names() or name in scope
            hint = f"{name!r} is not a function" if declared else f"unknown function {name!r}"
            raise self.err(name_tok, f"{hint}; expected one of {', '.join(sorted(FUNCTIONS))}, "
                                     "H, I, D, TV" + _suggest(name, FUNCTIONS))
        arity = FUNCTIONS[name]
        if arity is not None and len(arg_trees) != arity:
            shape = "sum(expr, i, lo, hi)" if name == "sum" else f"{name}(x)"
            raise self.err(name_tok, f"{name} takes {arity} argument{'s' if arity > 1 else ''}: {shape}; "
                                     f"got {len(arg_trees)}")
        if arity is None and not arg_trees:
            raise self.err(name_tok, f"{name} takes at least one argument")
        if name == "sum":
            return self._sum(t, arg_trees, scope, depth)
        if len(arg_trees) > MAX_CALL_ARGS:
            raise self.err(name_tok, f"{name} has {len(arg_trees)} arguments; at most {MAX_CALL_ARGS}",
                           LimitExceeded)
        args = [self.expr(a, scope, depth) for a in arg_trees]
        x = args[0]
        if name in ("log", "ln", "log2"):
            self.defined(t, f"{name}({_short(x)})", x, "pos")
        elif name == "sqrt":
            self.defined(t, f"sqrt({_short(x)})", x, "nonneg")
        elif name == "h":
            self.defined(t, f"h({_short(x)})", x, "nonneg")
            self.defined(t, f"h({_short(x)})", 1 - x, "nonneg")
        if name == "log":
            return self.log_units(t, x)
        if name == "ln":
            return self.real(t, self.value(t, sympy.log(x)))
        if name == "log2":
            return self.mul(t, [self.real(t, self.value(t, sympy.log(x))), sympy.Pow(sympy.log(2), -1)])
        if name == "exp":
            self._check_exp(t, x)
            return self.value(t, sympy.exp(x))
        if name == "sqrt":
            return self.power(t, x, S.Half)
        if name == "abs":
            return self.value(t, sympy.Abs(x))
        if name == "h":
            v = self.core(t, h, x)
            return v if self.ctx.units == "bits" else self.mul(t, [v, sympy.log(2)])
        cls = sympy.Min if name == "min" else sympy.Max
        if all(_is_plain_number(a) for a in args):
            return self.value(t, cls(*args))
        return cls(*args, evaluate=False)

    def log_units(self, node: Any, x: sympy.Expr) -> sympy.Expr:
        ln = self.real(node, self.value(node, sympy.log(x)))
        if self.ctx.units == "nats":
            return ln
        return self.mul(node, [ln, sympy.Pow(sympy.log(2), -1)])

    def _check_exp(self, node: Any, x: sympy.Expr) -> None:
        # sympy rewrites exp(c*log(a)) as a**c: bound that power before it is computed
        for term in sympy.Add.make_args(x):
            c, rest = term.as_coeff_Mul()
            for f in sympy.Mul.make_args(rest):
                if isinstance(f, sympy.log) and c.is_Rational:
                    if abs(c) > MAX_EXPONENT or c.q > MAX_EXPONENT:
                        raise self.err(node, f"exp({_short(x)}) is a power with an exponent above "
                                             f"{MAX_EXPONENT}", LimitExceeded)
                    if _size_bits(f.args[0]) * abs(float(c)) > 2 * _MAX_BITS:
                        raise _too_big(self.ctx, node, f"exp({_short(x)})")

    def _sum(self, t: Tree, arg_trees: list, scope, depth) -> sympy.Expr:
        body, var, lo_t, hi_t = arg_trees
        if not (isinstance(var, Tree) and var.data == "name"):
            raise self.err(var, "the second argument of sum(expr, i, lo, hi) must be an index name such as i")
        name = str(var.children[0])
        if name in RESERVED_WORDS:
            raise self.err(var, f"{name!r} is a reserved word and cannot be a summation index")
        if name in scope:
            raise self.err(var, f"the index {name!r} is already bound by an enclosing sum or function")
        if name in self.ctx.declared_names():
            raise self.err(var, f"the index {name!r} is already declared; choose another index name")
        lo = self.expr(lo_t, scope, depth)
        hi = self.expr(hi_t, scope, depth)
        for end, tree in ((lo, lo_t), (hi, hi_t)):
            if sympy.count_ops(end) > MAX_INDEX_OPS:
                raise self.err(tree, f"the limits of sum have at most {MAX_INDEX_OPS} operations", LimitExceeded)
            if end.is_integer is False:
                raise self.err(tree, f"the limits of sum must be integers but got {_short(end)}")
        i = index_symbol(name)
        inner = dict(scope)
        inner[name] = i
        self._sums[i] = (lo, hi)
        try:
            summand = self.expr(body, inner, depth)
        finally:
            del self._sums[i]
        self._check_summand_indices(t, summand, name, i, lo, hi)
        return sympy.Sum(summand, (i, lo, hi))

    def _check_summand_indices(self, t: Tree, summand: sympy.Expr, name: str, i: sympy.Symbol, lo: sympy.Expr,
                               hi: sympy.Expr) -> None:
        """Family members indexed by the sum's index must lie in their declared range at the first and last value of
        a range that is not empty (``sum(H(X[i]), i, 1, 5)`` with ``X[1..3]`` names X[4] and X[5]; a block
        ``X[1..i-1]`` may be empty). Indices are short expressions of ``i`` checked at the ends only."""
        if not (hi - lo).is_nonnegative:
            return
        for node in sympy.preorder_traversal(summand):
            if isinstance(node, FamilyMember) and i in node.index.free_symbols:
                spans = [(node.index, node.index)]
            elif isinstance(node, FamilyRange) and i in (node.lo.free_symbols | node.hi.free_symbols):
                spans = [(node.lo, node.hi)]
            else:
                continue
            decl = self.ctx.families.get(node.family)
            if decl is None:
                continue
            for a, b in spans:
                for end in (lo, hi):
                    a_end, b_end = a.xreplace({i: end}), b.xreplace({i: end})
                    if (b_end - a_end).is_negative:
                        continue                              # an empty block at this end
                    for idx in {a_end, b_end}:
                        if _outside(idx, *decl):
                            raise self.err(t, f"at {name} = {_short(end)} the sum names {node.family}[{_short(idx)}], "
                                              f"outside the declared range {node.family}[{_short(decl[0])}.."
                                              f"{_short(decl[1])}]")

    # -- information quantities -----------------------------------------------------------
    def _e_entropy(self, t: Tree, scope, depth) -> sympy.Expr:
        target, given = t.children
        ta = self.rvitems(target, scope, depth)
        tc = self.rvitems(given, scope, depth) if given is not None else []
        a = self.core(target, RVSet, *ta)
        c = self.core(given, RVSet, *tc) if given is not None else RVSet()
        self.finite(t, "H", a, c)
        return self.written(self.core(t, H, a, c), ta, tc)

    def _e_mutual(self, t: Tree, scope, depth) -> sympy.Expr:
        left, right, given = t.children
        ta, tb = self.rvitems(left, scope, depth), self.rvitems(right, scope, depth)
        tc = self.rvitems(given, scope, depth) if given is not None else []
        a, b = self.core(left, RVSet, *ta), self.core(right, RVSet, *tb)
        c = self.core(given, RVSet, *tc) if given is not None else RVSet()
        self.finite(t, "I", a, b)
        self.finite(t, "I", a, c)
        self.finite(t, "I", b, c)
        return self.written(self.core(t, I, a, b, c), ta, tb, tc)

    def written(self, atom: sympy.Expr, *args: Any) -> sympy.Expr:
        """Record how ``atom`` was written (its arguments in the author's order) in ``ctx.written``; returns it."""
        if self.ctx.written is not None and isinstance(atom, (H, I, TV)):
            self.ctx.written.record(atom, *args)
        return atom

    def finite(self, node: Any, what: str, a: RVSet, b: RVSet) -> None:
        """Refuse a continuous variable on two sides of ``H(. | .)`` or ``I(.; . | .)``: the quantity is infinite
        (``I(X; X) = +oo``, ``h(X | X) = -oo``), and core's discrete canonical forms (``H(X)``, ``0``) would hide it."""
        if not self.ctx.continuous:
            return
        shared = [it for it in a.args if it in b.args
                  and (getattr(it, "family", None) or getattr(it, "name", None)) in self.ctx.continuous]
        if shared:
            raise self.err(node, f"{shared[0]} is continuous, and it appears twice in this {what}(...): the quantity "
                                 "is infinite (I(X; X) = +oo, H(X | X) = -oo for a continuous X)")

    def dist(self, tok: Token, scope) -> Dist:
        name = str(tok)
        ctx = self.ctx
        for table, kind in ((ctx.parameters, "a parameter"), (ctx.variables, "a random variable"),
                            (ctx.families, "a family of random variables"), (scope, "a bound index")):
            if name in table:
                raise self.err(tok, f"{name!r} is {kind}, not a distribution; D and TV compare distributions")
        if name in RESERVED_WORDS:
            raise self.err(tok, f"{name!r} is a reserved word, not a distribution")
        return Dist(name)

    def _e_divergence(self, t: Tree, scope, depth) -> sympy.Expr:
        p, q = t.children
        return self.core(t, D, self.dist(p, scope), self.dist(q, scope))

    def _e_tv(self, t: Tree, scope, depth) -> sympy.Expr:
        p, q = t.children
        dp, dq = self.dist(p, scope), self.dist(q, scope)
        return self.written(self.core(t, TV, dp, dq), dp, dq)

    # -- random variables -----------------------------------------------------------------
    def rvset(self, t: Tree, scope, depth) -> RVSet:
        return self.core(t, RVSet, *self.rvitems(t, scope, depth))

    def rvitems(self, t: Tree, scope, depth) -> list:
        if t.data == "rvlist":
            out: list = []
            for item in t.children:
                out.extend(self.rvitem(item, scope, depth))
            return out
        return self.rvitem(t, scope, depth)

    def rvitem(self, t: Tree, scope, depth) -> list:
        tok = t.children[0]
        name = str(tok)
        ctx = self.ctx
        if t.data == "rv_name":
            if name in ctx.variables:
                return [ctx.variables[name]]
            if name in ctx.families:
                lo, hi = ctx.families[name]
                return list(self.core(t, FamilyRange.make, name, lo, hi))
            self._not_a_variable(tok, scope)
            return [self._auto_variable(tok)]
        if name not in ctx.families:
            if name in ctx.variables:
                raise self.err(tok, f"{name!r} is a random variable, not a family; write {name} without an index")
            self._not_a_variable(tok, scope)
            raise self.err(tok, f"unknown family {name!r}" + _suggest(name, ctx.families))
        decl_lo, decl_hi = ctx.families[name]
        if t.data == "rv_member":
            idx_tree = t.children[1]
            idx = self.expr(idx_tree, scope, depth)
            self._check_index(idx_tree, name, idx, decl_lo, decl_hi)
            return self.mentioned([self.core(t, FamilyMember, name, idx)])
        lo_t, hi_t = t.children[1], t.children[2]
        lo = self.expr(lo_t, scope, depth)
        hi = self.expr(hi_t, scope, depth)
        self._check_index(lo_t, name, lo, decl_lo, decl_hi)
        self._check_index(hi_t, name, hi, decl_lo, decl_hi)
        return self.mentioned(list(self.core(t, FamilyRange.make, name, lo, hi)))

    def mentioned(self, nodes: list) -> list:
        """Record the family members and blocks as written (see :attr:`ParseContext.mentions`); returns them."""
        if self.ctx.mentions is not None:
            self.ctx.mentions.extend((n, dict(self._sums)) for n in nodes if isinstance(n, (FamilyMember, FamilyRange)))
        return nodes

    def _not_a_variable(self, tok: Token, scope) -> None:
        name = str(tok)
        ctx = self.ctx
        if self.ctx.symbol(name) is not None:
            raise self.err(tok, f"{name!r} is a parameter, not a random variable")
        if name in scope:
            raise self.err(tok, f"{name!r} is an index, not a random variable; write a family member such as X[{name}]")
        if name in ctx.distributions:
            raise self.err(tok, f"{name!r} is a distribution, not a random variable")
        if name in VARIABLE_WORDS and ctx.auto_variables:
            return  # D, H, I, h not followed by "(" name a variable where variables are declared by use
        if name in RESERVED_WORDS:
            raise self.err(tok, f"{name!r} is a reserved word, not a random variable"
                                + (f"; declare it in [variables] to use it as one (a name followed by '(' is "
                                   f"the function {name}(...))" if name in VARIABLE_WORDS else ""))

    def _auto_variable(self, tok: Token) -> RV:
        name = str(tok)
        if not self.ctx.auto_variables:
            raise self.err(tok, f"unknown random variable {name!r}; declare it in [variables]"
                                + _suggest(name, list(self.ctx.variables) + list(self.ctx.families)))
        rv = RV(name)
        self.ctx.variables[name] = rv
        return rv

    def _check_index(self, node: Any, family: str, idx: sympy.Expr, lo: sympy.Expr, hi: sympy.Expr) -> None:
        if sympy.count_ops(idx) > MAX_INDEX_OPS:
            raise self.err(node, f"the index of {family} has more than {MAX_INDEX_OPS} operations; "
                                 "indices are short expressions such as i - 1 or n/2", LimitExceeded)
        if idx.is_integer is False:
            raise self.err(node, f"the index of {family} must be an integer but got {_short(idx)}")
        if _outside(idx, lo, hi):
            raise self.err(node, f"the index {_short(idx)} is outside the declared range "
                                 f"{family}[{_short(lo)}..{_short(hi)}]")


def _outside(idx: sympy.Expr, lo: sympy.Expr, hi: sympy.Expr) -> bool:
    """The index is certainly outside ``lo..hi`` (an unknown relation is not: such indices are checked later)."""
    return bool((idx - lo).is_negative or (hi - idx).is_negative)


_SYMPY_ERRORS = (ArithmeticError, AttributeError, TypeError, ValueError, NotImplementedError, KeyError,
                 IndexError)


def _settle(e: sympy.Expr) -> sympy.Expr:
    """Re-evaluate a product until sympy leaves it alone: ``(2^(-3/2))^(-3/2)`` first gives
    ``2*sqrt(2)*2^(3/4)``, which sympy itself rewrites as ``4*2^(1/4)``. Printing relies on
    every parsed product being such a fixed point."""
    for _ in range(4):
        if not e.is_Mul:
            return e
        again = sympy.Mul(*e.args)
        if again == e:
            return e
        e = again
    return e


def _rebuild(e: Any) -> Any:
    if not isinstance(e, sympy.Expr) or e.is_Atom or isinstance(e, (H, I, D, TV)):
        return e
    args = [_rebuild(a) for a in e.args]
    if isinstance(e, (sympy.Min, sympy.Max)):
        if all(_is_plain_number(a) for a in args):
            return e.func(*args)
        return e.func(*args, evaluate=False)
    return e.func(*args)


def _canonical(e: sympy.Expr) -> sympy.Expr:
    """Rebuild ``e`` bottom-up until sympy leaves it alone.

    sympy's automatic evaluation is not always idempotent: ``abs(h(p)^2/x)`` first
    gives ``h(p)^2*Abs(1/x)``, and building that again gives ``h(p)^2/Abs(x)``. The
    parser returns the settled form, so that printing and parsing again is the identity.
    """
    for _ in range(4):
        again = _rebuild(e)
        if again == e:
            return e
        e = again
    return e


_FOREIGN_FUNCTIONS = (sympy.re, sympy.im, sympy.arg, sympy.atan2, sympy.sign, sympy.cos, sympy.sin, sympy.tan,
                      sympy.atan, sympy.Piecewise, sympy.polar_lift)


def _outside_grammar(e: sympy.Expr) -> str | None:
    """The name of a function sympy introduced that the grammar (and so the writer) has no word for."""
    for f in _FOREIGN_FUNCTIONS:
        if e.has(f):
            return f.__name__
    return None


def _is_plain_number(e: sympy.Expr) -> bool:
    """A constant free of information quantities (sympy calls ``Sum(H(X), (i, 1, 3))`` a number)."""
    return bool(e.is_number) and not has_information_atom(e)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short(e: Any, limit: int = 60) -> str:
    try:
        if isinstance(e, sympy.Integer) and int(e).bit_length() > 200:
            return f"<an integer of about {int(int(e).bit_length() * 0.30103)} digits>"
        text = show(e) if isinstance(e, sympy.Basic) else str(e)  # derive's notation: x^2, abs(...), D(P || Q)
    except Exception:  # pragma: no cover - display only
        text = "<expression>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------- public API


def _ctx(ctx: ParseContext | None) -> ParseContext:
    if ctx is None:
        return ParseContext()
    if not isinstance(ctx, ParseContext):
        raise InvalidArgument(f"Expected a ParseContext but got ctx={ctx!r}")
    return ctx


def _scope(ctx: ParseContext) -> dict[str, Symbol]:
    return dict(ctx.bound)


def parse_expression(text: str, ctx: ParseContext | None = None) -> sympy.Expr:
    """Parse an expression such as ``(1 - 2*delta)^2 * I(U; X)`` into a sympy expression.

    Raises
    ------
    ParseError
        Bad syntax, unknown or misused names, indices outside a family's range.
    LimitExceeded
        Text over :data:`MAX_TEXT_LENGTH`, nesting over :data:`MAX_NESTING`,
        exponents over :data:`MAX_EXPONENT`, numbers over :data:`MAX_DIGITS` digits.
    """
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "expression", ctx, "the expression")
    return _Builder(ctx, "the expression").expr(tree, _scope(ctx))


def parse_statement(text: str, ctx: ParseContext | None = None) -> Statement:
    """Parse ``lhs REL rhs`` (REL one of ``<=``, ``>=``, ``==``) into a :class:`~derive.core.Statement`."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "statement", ctx, "the statement")
    b = _Builder(ctx, "the statement")
    lhs_t, rel, rhs_t = tree.children
    scope = _scope(ctx)
    lhs = b.expr(lhs_t, scope)
    rhs = b.expr(rhs_t, scope)
    return b.core(tree, Statement, lhs, str(rel), rhs)


def parse_range(text: str, ctx: ParseContext | None = None) -> tuple[sympy.Expr, sympy.Expr]:
    """Parse a family's index range ``lo..hi`` (expressions in the parameters); both ends integer-valued."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "range", ctx, "the index range")
    b = _Builder(ctx, "the index range")
    scope = _scope(ctx)
    ends = []
    for t in tree.children:
        e = b.expr(t, scope)
        if sympy.count_ops(e) > MAX_INDEX_OPS:
            raise b.err(t, f"the ends of an index range have at most {MAX_INDEX_OPS} operations", LimitExceeded)
        if e.is_integer is False:
            raise b.err(t, f"Expected an integer end of the index range but got {_short(e)}")
        if has_information_atom(e):
            raise b.err(t, "the ends of an index range are expressions in the parameters")
        ends.append(e)
    return ends[0], ends[1]


def has_information_atom(e: sympy.Expr) -> bool:
    from derive.core.quantities import has_information

    return has_information(e)


def _side_set(b: _Builder, t: Tree) -> RVSet:
    # side / link: rvlist, possibly parenthesized
    inner = t.children[0]
    return b.rvset(inner, _scope(b.ctx), 0)


def parse_markov(text: str, ctx: ParseContext | None = None) -> Markov | MarkovFamily:
    """Parse a Markov chain ``A -> B -> C`` (links are comma lists, optionally parenthesized).

    A literal ``...`` between two members of one family runs through every member in order:
    ``U -> X[0] -> ... -> X[k]`` is ``U -> X[0] -> X[1] -> ... -> X[k]``. With a known length it is
    expanded into an ordinary :class:`~derive.core.hypotheses.Markov`; with a symbolic end it is a
    :class:`~derive.core.hypotheses.MarkovFamily`. (A block ``X[0..k]`` is still one joint link.)
    """
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "markov", ctx, "the Markov chain")
    b = _Builder(ctx, "the Markov chain")
    dots = [k for k, t in enumerate(tree.children) if t.data == "ellipsis"]
    links = tuple(None if t.data == "ellipsis" else _side_set(b, t) for t in tree.children)
    for link, t in zip(links, tree.children):
        if link is not None and not link:
            raise b.err(t, "a link of the Markov chain is empty")
    if not dots:
        return b.core(tree, Markov, links)
    if len(dots) > 1:
        raise b.err(tree.children[dots[1]], "a Markov chain may hold one '...' (between two members of a family)")
    k = dots[0]
    ends = []
    for j in (k - 1, k + 1):
        link = links[j] if 0 <= j < len(links) else None
        if link is None or len(link) != 1 or not isinstance(link.args[0], FamilyMember):
            raise b.err(tree.children[k], "'...' must stand between two members of one family, as in "
                                          "X[0] -> ... -> X[k]")
        ends.append(link.args[0])
    first, last = ends
    if first.family != last.family:
        raise b.err(tree.children[k], f"'...' joins members of two families ({first} and {last}); "
                                      "it runs through one family")
    before, after = links[: k - 1], links[k + 2:]
    length = sympy.expand(last.index - first.index + 1)
    if (last.index - first.index).is_negative:
        raise b.err(tree.children[k], f"'...' must run upwards, but {first} -> ... -> {last} does not")
    if length.is_Integer:
        if int(length) < 2:
            raise b.err(tree.children[k], f"'...' must run upwards, but {first} -> ... -> {last} does not")
    chain = b.core(tree, MarkovFamily, before, first.family, first.index, last.index, after)
    if length.is_Integer:
        finite = b.core(tree, chain.instance)
        if finite is None:
            raise b.err(tree, "Expected a Markov chain of at least 3 links but got 2")
        return finite
    return chain


def parse_independence(text: str, ctx: ParseContext | None = None) -> Independent:
    """Parse ``A _|_ B | C`` (condition optional; sides may be comma lists in parentheses)."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "independence", ctx, "the independence")
    b = _Builder(ctx, "the independence")
    left_t, right_t, given_t = tree.children
    left = _side_set(b, left_t)
    right = _side_set(b, right_t)
    given = b.rvset(given_t, _scope(ctx), 0) if given_t is not None else RVSet()
    return b.core(tree, Independent, left, right, given)


def parse_family_condition(text: str, ctx: ParseContext | None = None,
                           iid: bool = False) -> MutuallyIndependent:
    """Parse ``X[1..n] | P``: mutually independent (or i.i.d. when ``iid``) members given ``P``.

    With integer ends, ``members`` is one :class:`~derive.core.RVSet` per member and
    ``family_range`` is ``None``; with a symbolic end, ``members == ()`` and
    ``family_range`` is the :class:`~derive.core.FamilyRange`. Listing variables
    (``A, B, (C, D) | P``) gives one member per item or parenthesized group.
    """
    ctx = _ctx(ctx)
    what = "the i.i.d. family" if iid else "the mutually independent family"
    tree = _parse_tree(text, "family_condition", ctx, what)
    b = _Builder(ctx, what)
    scope = _scope(ctx)
    *groups, given_t = tree.children
    members: list[RVSet] = []
    symbolic: list[tuple[FamilyRange, Tree]] = []
    for g in groups:
        inner = g.children[0]
        if inner.data == "rvlist":
            members.append(b.rvset(inner, scope, 0))
            continue
        for item in b.rvitem(inner, scope, 0):
            if isinstance(item, FamilyRange):
                symbolic.append((item, g))
            else:
                members.append(RVSet(item))
    given = b.rvset(given_t, scope, 0) if given_t is not None else RVSet()
    cls = IID if iid else MutuallyIndependent
    if symbolic:
        if len(symbolic) > 1 or members:
            raise b.err(symbolic[0][1], f"a symbolic range such as {symbolic[0][0]} must be the only "
                                        f"entry of {what}")
        rng = symbolic[0][0]
        for item in given:
            if _may_overlap(item, rng):
                raise b.err(given_t, f"{item} is not provably outside {rng} for every value of the parameters: a "
                                     "variable cannot be on both sides of '|'")
        return b.core(tree, cls, (), given, rng)
    if not members:
        raise b.err(tree, f"{what} has no members (an empty range?)")
    seen: set = set()
    for m in members:
        if seen & set(m.args) or not m.isdisjoint(given):
            raise b.err(tree, f"a variable appears twice in {what}")
        seen |= set(m.args)
    return b.core(tree, cls, tuple(members), given, None)


def _may_overlap(item: Any, rng: FamilyRange) -> bool:
    """True unless ``item`` provably shares no member with the symbolic range ``rng`` for every value of the
    parameters: ``X[n + 1]`` and ``X[0]`` are apart from ``X[1..n]``; ``X[2..3]`` is not (it overlaps for ``n >= 2``),
    nor is ``X[k]`` (for ``k <= n``). A hypothesis must mean something at every admissible value."""
    def provably(e: sympy.Expr) -> bool:
        return bool(e.is_nonnegative)

    if isinstance(item, FamilyMember) and item.family == rng.family:
        return not (provably(rng.lo - item.index - 1) or provably(item.index - rng.hi - 1))
    if isinstance(item, FamilyRange) and item.family == rng.family:
        return not (provably(rng.lo - item.hi - 1) or provably(item.lo - rng.hi - 1)
                    or provably(item.lo - item.hi - 1))
    return False


_CHANNEL_NAMES = {name.lower(): name for name in CHANNEL_ARITY}


def parse_channel(text: str, ctx: ParseContext | None = None) -> Channel | ChannelFamily:
    """Parse ``Y | X ~ BSC(delta)``; channels ``BSC(p)``, ``BEC(e)``, ``Z(p)``, ``QSC(q, p)``,
    ``AWGN(snr)``, ``matrix([[...], ...])`` (rows ``p(y|x)``). Names are case-insensitive.

    ``X[i] | X[i-1] ~ BSC(delta) for i in 1..k`` is one channel per index (a
    :class:`~derive.core.hypotheses.ChannelFamily`): for each ``i``, ``X[i]`` given ``X[i-1]``.
    """
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "channel", ctx, "the channel")
    b = _Builder(ctx, "the channel")
    out_t, in_t, spec_t, for_t = tree.children
    spec = _channel_spec(b, spec_t)
    if for_t is None:
        output = _side_set(b, out_t)
        inp = _side_set(b, in_t)
        return b.core(tree, Channel, output, inp, spec)
    var, lo_t, hi_t = for_t.children
    name = str(var)
    if name in RESERVED_WORDS:
        raise b.err(var, f"{name!r} is a reserved word and cannot be an index")
    if name in ctx.declared_names() or name in ctx.bound:
        raise b.err(var, f"the index {name!r} is already declared; choose another index name")
    scope = _scope(ctx)
    lo = b.expr(lo_t, scope)
    hi = b.expr(hi_t, scope)
    for end, t in ((lo, lo_t), (hi, hi_t)):
        if sympy.count_ops(end) > MAX_INDEX_OPS:
            raise b.err(t, f"the ends of an index range have at most {MAX_INDEX_OPS} operations", LimitExceeded)
        if end.is_integer is not True:
            raise b.err(t, f"Expected an integer end of the index range but got {_short(end)}, which is not "
                           "provably an integer (declare its parameters as `integer`)")
        if has_information_atom(end):
            raise b.err(t, "the ends of an index range are expressions in the parameters")
    i = index_symbol(name)
    inner = dict(scope)
    inner[name] = i
    output = b.rvset(out_t.children[0], inner, 0)
    inp = b.rvset(in_t.children[0], inner, 0)
    return b.core(tree, ChannelFamily, output, inp, spec, i, lo, hi)


def parse_channel_spec(text: str, ctx: ParseContext | None = None) -> ChannelSpec:
    """Parse a channel alone: ``BSC(0.1)``, ``QSC(3, 0.2)``, ``matrix([[0.9, 0.1], [0.3, 0.7]])``."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "channel_spec", ctx, "the channel")
    return _channel_spec(_Builder(ctx, "the channel"), tree)


def _channel_spec(b: _Builder, spec_t: Tree) -> ChannelSpec:
    scope = _scope(b.ctx)
    name_tok, args_t = spec_t.children
    name = _CHANNEL_NAMES.get(str(name_tok).lower())
    if name is None:
        raise b.err(name_tok, f"unknown channel {str(name_tok)!r}; expected one of "
                              f"{', '.join(sorted(CHANNEL_ARITY))}" + _suggest(str(name_tok), CHANNEL_ARITY))
    if args_t.data == "channel_matrix":
        if name != "matrix":
            raise b.err(args_t, f"{name} takes parameters such as {name}(p), not a matrix")
        rows = []
        for row in args_t.children:
            entries = row.children[0].children
            if len(entries) > MAX_CALL_ARGS or len(args_t.children) > MAX_CALL_ARGS:
                raise b.err(row, f"channel matrices have at most {MAX_CALL_ARGS} rows and columns",
                            LimitExceeded)
            rows.append(tuple(b.expr(e, scope) for e in entries))
        for row, row_t in zip(rows, args_t.children):
            for v, e in zip(row, row_t.children[0].children):
                if has_information_atom(v):
                    raise b.err(e, "channel entries are expressions in the parameters, not information quantities")
        return b.core(args_t, ChannelSpec, "matrix", (), tuple(rows))
    if name == "matrix":
        raise b.err(args_t, "matrix takes its rows p(y|x): matrix([[0.9, 0.1], [0.2, 0.8]])")
    params = tuple(b.expr(e, scope) for e in args_t.children[0].children)
    for p, e in zip(params, args_t.children[0].children):
        if has_information_atom(p):
            raise b.err(e, "channel parameters are expressions in the parameters, not information quantities")
    return b.core(args_t, ChannelSpec, name, params)


def parse_function_of(text: str, ctx: ParseContext | None = None) -> FunctionOf:
    """Parse ``Y = f(X)``: ``Y`` is a function of ``X`` (any function name)."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "function_of", ctx, "the functional dependence")
    b = _Builder(ctx, "the functional dependence")
    out_t, _fname, in_t = tree.children
    output = _side_set(b, out_t)
    inp = b.rvset(in_t, _scope(ctx), 0)
    return b.core(tree, FunctionOf, output, inp)


def parse_copy_spec(text: str, ctx: ParseContext | None = None) -> CopySpec:
    """Parse a copy step ``C, D over A, B``: copy ``C, D`` keeping their joint law with ``A, B`` (copy lemma)."""
    ctx = _ctx(ctx)
    tree = _parse_tree(text, "copy_spec", ctx, "the copy step")
    b = _Builder(ctx, "the copy step")
    copied_t, over_t = tree.children
    copied = _copy_side(b, copied_t)
    over = _copy_side(b, over_t) if over_t is not None else RVSet()
    return b.core(tree, CopySpec, copied, over)


def _copy_side(b: _Builder, t: Tree) -> RVSet:
    """Variables, and copies made by earlier copy steps (``C'`` after one step, ``C''`` after two)."""
    items: list = []
    for item in t.children[0].children:
        if item.data == "copy_of":
            name, primes = (str(c) for c in item.children)
            if name not in b.ctx.variables:
                raise b.err(item.children[0], f"{name}{primes} names a copy of {name!r}, which is not a declared "
                                              "random variable")
            items.append(CopyRV(name + primes))
        else:
            items.extend(b.rvitem(item.children[0], _scope(b.ctx), 0))
    return b.core(t, RVSet, *items)


# ---------------------------------------------------------------------------- domains


def parse_domain(text: str, name: str | None = None, ctx: ParseContext | None = None) -> Domain:
    """Parse a parameter's domain into a :class:`~derive.core.Domain`.

    Accepted: ``0 <= delta <= 1/2``, ``0 < r2 < 1``, ``integer >= 1``, ``integer``,
    ``real``, ``positive``, ``nonnegative``, ``> 0``, ``rho > 0``, ``x >= 1/2``,
    ``1 <= k <= 10, integer``, intervals ``delta in [0, 1/2]``, ``in (0, 1]``, ``r in [0, 1)``
    (parts separated by commas are intersected). The
    ends are rational constants. A name, when written, must be ``name``.

    Raises
    ------
    ParseError
        Bad syntax, a different name, irrational ends, an empty domain.
    """
    ctx = ParseContext(file=ctx.file, line=ctx.line, column=ctx.column) if ctx is not None else ParseContext()
    tree = _parse_tree(text, "domain", ctx, "the domain")
    b = _Builder(ctx, "the domain")
    state = {"lo": S.NegativeInfinity, "lo_open": True, "hi": S.Infinity, "hi_open": True, "integer": False}

    def lower(v: sympy.Expr, open_: bool) -> None:
        if v > state["lo"] or (v == state["lo"] and open_ and not state["lo_open"]):
            state["lo"], state["lo_open"] = v, open_

    def upper(v: sympy.Expr, open_: bool) -> None:
        if v < state["hi"] or (v == state["hi"] and open_ and not state["hi_open"]):
            state["hi"], state["hi_open"] = v, open_

    for part in tree.children:
        if part.data == "d_keyword":
            word = str(part.children[0])
            if word == "integer":
                state["integer"] = True
            elif word == "positive":
                lower(S.Zero, True)
            elif word == "nonnegative":
                lower(S.Zero, False)
            continue
        if part.data in _INTERVALS:  # [x] in [a, b], (a, b), [a, b), (a, b]: the ends' openness from the brackets
            subject, lo, hi = (None if c is None else _domain_side(b, c, name, state) for c in part.children)
            if subject is not None or lo is None or hi is None:
                raise b.err(part, f"an interval is written {name or 'x'} in [a, b] (or (a, b), [a, b), (a, b]) with "
                                  "rational ends a <= b")
            lower(lo, _INTERVALS[part.data][0])
            upper(hi, _INTERVALS[part.data][1])
            continue
        # d_relation: [side] op side [op side]
        items = list(part.children)
        sides: list[Any] = []   # None marks the subject
        ops: list[str] = []
        if items[0].data == "dop":
            sides.append(None)
        for it in items:
            if it.data == "dop":
                ops.append(str(it.children[0]))
            else:
                sides.append(_domain_side(b, it, name, state))
        subjects = [k for k, s in enumerate(sides) if s is None]
        if len(subjects) != 1:
            what = "names the parameter twice" if subjects else "does not name the parameter"
            raise b.err(part, f"the comparison {what}; write e.g. 0 <= {name or 'x'} <= 1")
        k = subjects[0]
        for j, op in enumerate(ops):
            left, right = sides[j], sides[j + 1]
            strict = op in ("<", ">")
            if left is None:      # x op right
                (upper if op in ("<", "<=") else lower)(right, strict)
            elif right is None:   # left op x
                (lower if op in ("<", "<=") else upper)(left, strict)
            else:
                raise b.err(part, "a comparison must have the parameter on one side; "
                                  f"write e.g. 0 <= {name or 'x'} <= 1")
        del k
    try:
        return Domain(state["lo"], state["hi"], state["lo_open"], state["hi_open"], state["integer"])
    except InvalidArgument:
        raise _error(ctx, f"the domain {text.strip()!r} is empty") from None


#: Interval forms of a domain: whether the lower and the upper end are open.
_INTERVALS = {"d_closed": (False, False), "d_open": (True, True), "d_closed_open": (False, True),
              "d_open_closed": (True, False)}


def _domain_side(b: _Builder, it: Tree, name: str | None, state: dict) -> sympy.Expr | None:
    inner = it.children[0]
    if isinstance(inner, Token) and inner.type == "KW_INTEGER":
        state["integer"] = True
        return None
    if isinstance(inner, Tree) and inner.data == "name":
        word = str(inner.children[0])
        if name is None or word == name:
            return None
        raise b.err(inner, f"the domain of {name!r} is written in terms of {word!r}: a domain's ends are numbers; "
                           f"to relate two parameters write one through the other (for {name} <= {word}: {word} as "
                           f"{name} + r, with a parameter r = integer >= 0)")
    v = b.expr(inner, {})
    if not v.is_Rational:
        raise b.err(inner, f"Expected a rational number as a domain end but got {_short(v)}")
    return v
