"""The ``--model`` mini-language of ``derive eval``, and pmf tables read from JSON.

A model is a list of statements separated by ``;``, each adding variables in order::

    X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)
    X ~ Uniform(3); Y | X ~ QSC(3, 0.2); Z | X, Y ~ matrix([[1, 0], [0, 1], ...])
    X, Y ~ Categorical([[1/2, 0], [1/4, 1/4]])      (a joint table: the nesting gives the alphabets)
    P ~ Categorical([0.5, 0.5]); Q ~ Categorical([0.9, 0.1])   (named pmfs for D(P || Q), TV(P, Q))

* marginals: ``Bernoulli(p)`` (values 0, 1; ``P(1) = p``), ``Uniform(k)``, ``Categorical([...])``;
* conditionals ``Y | X1, X2 ~ CHANNEL``, with the channels of proof files: ``BSC(p)``, ``BEC(e)``
  (output 1 is the erasure), ``Z(p)``, ``QSC(q, p)``, ``matrix([[...], ...])`` (rows ``p(y | x)``, the
  inputs' joint values in C order: the last input varies fastest); names are case-insensitive;
* numbers are exact: ``1/10``, ``0.1`` (the exact decimal), ``1 - 1/3``, ``(1/2)*(1/3)``.
  ``AWGN`` has no finite model and is refused.

A name used inside ``D(.||.)`` or ``TV(.,.)`` of the evaluated expression is a *named pmf*;
every other statement defines random variables of one joint pmf.

The text is parsed by a small lark grammar (never evaluated as Python); channel matrices come
from :func:`derive.numeric.models.channel_matrix`, so they mean exactly what they mean in proofs.

JSON tables (``--model-file``)::

    {"names": ["X", "Y"], "table": [[0.4, 0.1], [0.1, 0.4]],
     "distributions": {"P": [0.5, 0.5], "Q": ["9/10", "1/10"]},
     "params": {"delta": "1/10"}}

``table`` is nested one level per name (its shape gives the alphabet sizes) and must sum to 1;
entries are JSON numbers (read as exact decimals) or strings ``"p/q"``. All keys are optional.
The ``joint`` object of a ``derive verify --json`` counterexample (``names``, ``table``, ...)
is accepted as is, alone or under a ``"joint"`` key; so is a jointly Gaussian counterexample::

    {"covariance": {"names": ["X", "Y"], "matrix": [["4", "1/4"], ["1/4", "3/64"]],
                    "constants": ["A"], "bits": []}}

(zero mean; the matrix exact, symmetric and positive definite; ``constants``: discrete variables of a mixed model,
each a constant independent of the rest, or with ``bits`` an independent uniform bit), read into a
:class:`~derive.numeric.gaussian.GaussianModel`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import sympy
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from derive.core.hypotheses import CHANNEL_ARITY, ChannelSpec
from derive.errors import DeriveError, InvalidArgument, LimitExceeded, ParseError
from derive.numeric.distributions import Distributions, JointPMF, Model, object_matrix
from derive.numeric.exact import parse_number

__all__ = ["ModelSpec", "parse_model", "parse_number_expression", "read_model_file", "model_from_json", "MAX_MODEL_TEXT",
           "MAX_MODEL_CELLS", "MAX_GAUSSIAN_VARIABLES", "MAX_MODEL_FILE_BYTES"]

#: The largest ``--model-file`` read, in bytes.
MAX_MODEL_FILE_BYTES = 50_000_000
#: Longest ``--model`` text accepted (characters).
MAX_MODEL_TEXT = 20_000

#: Largest joint table a model may build.
MAX_MODEL_CELLS = 1 << 20

#: Longest number literal (digits) and deepest nesting accepted.
_MAX_DIGITS = 200
_MAX_DEPTH = 50

_GRAMMAR = r"""
model: stmt (";" stmt)* ";"?
stmt: vars "~" call               -> marginal
    | vars "|" vars "~" call      -> conditional
vars: var ("," var)*
var: NAME                         -> plain
   | NAME "[" INT "]"             -> member
call: NAME "(" [args] ")"
args: arg ("," arg)*
?arg: num
    | list
list: "[" [arg ("," arg)*] "]"
?num: term
    | num PLUS term               -> binop
    | num MINUS term              -> binop
?term: factor
     | term STAR factor           -> binop
     | term SLASH factor          -> binop
?factor: INT                      -> integer
       | DECIMAL                  -> decimal
       | MINUS factor             -> neg
       | "(" num ")"
PLUS: "+"
MINUS: "-"
STAR: "*"
SLASH: "/"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
DECIMAL.2: /[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+|[0-9]+\.[0-9]+/
INT: /[0-9]+/
%ignore /[ \t\r\n]+/
"""


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", start=["model", "num"], propagate_positions=True)


def _parse(text: object, start: str, what: str, where: str) -> Tree:
    if not isinstance(text, str):
        raise InvalidArgument(f"Expected text for {what} but got {text!r}")
    if len(text) > MAX_MODEL_TEXT:
        raise LimitExceeded(f"{what} has {len(text)} characters; at most {MAX_MODEL_TEXT} are accepted", file=where)
    depth = 0
    for ch in text:
        depth += ch in "([" 
        depth -= ch in ")]"
        if depth > _MAX_DEPTH:
            raise LimitExceeded(f"{what} nests brackets deeper than {_MAX_DEPTH}", file=where)
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as err:
        col = getattr(err, "column", None)
        if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
            msg = "unexpected end of the text"
        elif isinstance(err, UnexpectedCharacters):
            msg = f"unexpected character {text[err.pos_in_stream]!r}" if err.pos_in_stream < len(text) else \
                "unexpected end of the text"
        else:
            tok = getattr(err, "token", None)
            msg = f"unexpected {str(tok)!r}" if tok is not None else "syntax error"
        expected = sorted(getattr(err, "expected", None) or getattr(err, "allowed", None) or [])
        hint = f" (expected one of: {', '.join(expected[:8])})" if expected else ""
        raise ParseError(f"cannot read {what}: {msg}{hint}", file=where, line=1 if col else None,
                         column=col if col and col > 0 else None) from None


def _number(t: Any, where: str) -> Fraction:
    if isinstance(t, Token):  # pragma: no cover - the grammar wraps tokens
        t = Tree("integer", [t])
    kind = t.data
    if kind in ("integer", "decimal"):
        return _literal(str(t.children[0]), where)
    if kind == "neg":
        return -_number(t.children[-1], where)
    if kind == "binop":
        a, op, b = t.children
        x, y = _number(a, where), _number(b, where)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            out = x * y
        else:
            if y == 0:
                raise InvalidArgument("division by zero in a number", file=where)
            out = x / y
        if max(out.numerator.bit_length(), out.denominator.bit_length()) > 4 * _MAX_DIGITS:
            raise LimitExceeded("a number grows too large", file=where)
        return out
    raise ParseError(f"Expected a number but got a {kind}", file=where)


def _literal(text: str, where: str, max_exponent: int = 4 * _MAX_DIGITS) -> Fraction:
    """A number literal through the one reader, :func:`derive.numeric.exact.parse_number`, located at ``where``
    (at most :data:`_MAX_DIGITS` digits before any exponent)."""
    mantissa = text.lower().partition("e")[0].lstrip("+-")
    if len(mantissa) > _MAX_DIGITS:
        raise LimitExceeded(f"the number {text[:40]!r} has {len(mantissa)} digits (at most {_MAX_DIGITS})", file=where)
    try:
        return parse_number(text, "a number", max_exponent=max_exponent)
    except DeriveError as err:
        raise type(err)(err.message, file=where) from None


def parse_number_expression(text: str, where: str = "a number") -> Fraction:
    """An exact number from text such as ``1/10``, ``0.1``, ``1 - 1/3``: ``+ - * /`` and brackets over
    literals (lark grammar; nothing is evaluated); each literal is read by :func:`_literal`."""
    return _number(_parse(text.strip() if isinstance(text, str) else text, "num", "a number", where), where)


@dataclass
class _Stmt:
    outputs: tuple[str, ...]
    inputs: tuple[str, ...]
    name: str
    args: list
    column: int | None


@dataclass
class ModelSpec:
    """Parsed ``--model`` statements; :meth:`build` makes the :class:`Model`."""

    statements: list[_Stmt] = field(default_factory=list)
    where: str = "--model"

    def names(self) -> list[str]:
        out: list[str] = []
        for s in self.statements:
            out += [n for n in s.outputs if n not in out]
        return out

    def build(self, distribution_names: Iterable[str] = (), params: dict | None = None) -> Model:
        """The exact model: named pmfs for ``distribution_names``, one joint pmf for the other statements."""
        dist_names = set(distribution_names)
        dists: dict[str, list[Fraction]] = {}
        joint: JointPMF | None = None
        for s in self.statements:
            loc = f"{self.where} (statement defining {', '.join(s.outputs)})"
            if set(s.outputs) & dist_names:
                if s.inputs or len(s.outputs) != 1:
                    raise InvalidArgument(f"{loc}: {s.outputs[0]} is used as a distribution in D/TV, so it must be "
                                          "a marginal pmf such as P ~ Categorical([...])")
                table = _marginal_table(s, loc)
                if table.ndim != 1:
                    raise InvalidArgument(f"{loc}: a named distribution is one list of probabilities")
                dists[s.outputs[0]] = list(table)
                continue
            have = joint.names if joint is not None else ()
            for n in s.outputs:
                if n in have:
                    raise InvalidArgument(f"{loc}: {n} is defined twice")
            if not s.inputs:
                table = _marginal_table(s, loc)
                if table.ndim != len(s.outputs):
                    raise InvalidArgument(f"{loc}: {len(s.outputs)} variable(s) need a table nested "
                                          f"{len(s.outputs)} level(s) deep, got {table.ndim}")
                part = JointPMF.exact(s.outputs, table)
                joint = part if joint is None else joint.product(part)
            else:
                missing = [n for n in s.inputs if n not in have]
                if missing:
                    raise InvalidArgument(f"{loc}: define {', '.join(missing)} before conditioning on it")
                if len(s.outputs) != 1:
                    raise InvalidArgument(f"{loc}: a channel has one output variable")
                n_rows = math.prod(joint.alphabet_sizes[n] for n in s.inputs)
                rows = _channel_rows(s, loc, n_rows)
                if len(rows) != n_rows:
                    raise InvalidArgument(f"{loc}: the channel has {len(rows)} rows but {', '.join(s.inputs)} "
                                          f"take {n_rows} joint values")
                joint = joint.apply_channel(s.inputs, object_matrix(rows), s.outputs[0])
            if joint.table.size > MAX_MODEL_CELLS:
                raise LimitExceeded(f"{loc}: the joint pmf has more than {MAX_MODEL_CELLS} cells")
        unknown = dist_names - set(dists)
        if unknown:
            raise InvalidArgument(f"{self.where}: no pmf for the distribution(s) {', '.join(sorted(unknown))} "
                                  "(add e.g. P ~ Categorical([1/2, 1/2]))")
        distributions = Distributions(dists, exact=True) if dists else None
        return Model(joint, distributions, dict(params or {}))


def _value(a: Any, where: str) -> Any:
    if isinstance(a, Tree) and a.data == "list":
        return [_value(x, where) for x in a.children if x is not None]
    return _number(a, where)


def _one(s: _Stmt, loc: str) -> Fraction:
    if len(s.args) != 1 or isinstance(s.args[0], list):
        raise InvalidArgument(f"{loc}: {s.name} takes one number")
    return s.args[0]


def _marginal_table(s: _Stmt, loc: str) -> np.ndarray:
    name = s.name.lower()
    if name == "bernoulli":
        p = _one(s, loc)
        if not 0 <= p <= 1:
            raise InvalidArgument(f"{loc}: Expected 0 <= p <= 1 in Bernoulli(p) but got p = {p}")
        vals: Any = [1 - p, p]
    elif name == "uniform":
        k = _one(s, loc)
        if k.denominator != 1 or k < 1:
            raise InvalidArgument(f"{loc}: Expected an integer k >= 1 in Uniform(k) but got {k}")
        if k > MAX_MODEL_CELLS:
            raise LimitExceeded(f"{loc}: Uniform({k}) is too large")
        vals = [Fraction(1, int(k))] * int(k)
    elif name == "categorical":
        if len(s.args) != 1 or not isinstance(s.args[0], list):
            raise InvalidArgument(f"{loc}: Categorical takes one list of probabilities, e.g. Categorical([1/2, 1/2])")
        vals = s.args[0]
    else:
        known = "Bernoulli(p), Uniform(k), Categorical([...])"
        if s.name.upper() in CHANNEL_ARITY or s.name.lower() == "matrix":
            raise InvalidArgument(f"{loc}: {s.name} is a channel; write it as Y | X ~ {s.name}(...)")
        raise InvalidArgument(f"{loc}: unknown distribution {s.name!r}; expected {known}")
    try:
        table = np.array(vals, dtype=object)
    except ValueError:
        raise InvalidArgument(f"{loc}: the table is ragged (rows of different lengths)") from None
    if table.size == 0 or any(isinstance(x, list) for x in table.flat):
        raise InvalidArgument(f"{loc}: the table is empty or ragged")
    negative = [x for x in table.flat if x < 0]
    if negative or sum(table.flat, Fraction(0)) != 1:
        why = f"{negative[0]} is negative" if negative else f"they sum to {sum(table.flat, Fraction(0))}"
        raise InvalidArgument(f"{loc}: the probabilities must be >= 0 and sum to exactly 1 ({why})")
    return table


def _channel_rows(s: _Stmt, loc: str, n_rows: int | None = None) -> list[list[Fraction]]:
    """The rows of the channel of statement ``s``; a ``QSC(q, p)`` whose ``q`` differs from ``n_rows`` (the
    inputs' joint alphabet) is refused before its q × q matrix is built."""
    from derive.numeric.models import InvalidDraw, UnrealizableHypotheses, channel_matrix

    upper = {k.upper(): k for k in CHANNEL_ARITY}
    name = upper.get(s.name.upper())
    if name is None:
        raise InvalidArgument(f"{loc}: unknown channel {s.name!r}; expected one of "
                              f"{', '.join(sorted(CHANNEL_ARITY))}")
    try:
        if name == "matrix":
            if (len(s.args) != 1 or not isinstance(s.args[0], list)
                    or not all(isinstance(r, list) and all(isinstance(v, Fraction) for v in r) for r in s.args[0])):
                raise InvalidArgument(f"{loc}: matrix takes its rows p(y|x): matrix([[0.9, 0.1], [0.2, 0.8]])")
            rows = tuple(tuple(sympy.Rational(v.numerator, v.denominator) for v in row) for row in s.args[0])
            spec = ChannelSpec("matrix", (), rows)
        else:
            if any(isinstance(a, list) for a in s.args):
                raise InvalidArgument(f"{loc}: {name} takes numbers, not lists")
            if name == "QSC" and n_rows is not None and s.args and s.args[0] != n_rows:
                raise InvalidArgument(f"{loc}: QSC({s.args[0]}, ...) has {s.args[0]} rows but {', '.join(s.inputs)} "
                                      f"take {n_rows} joint values")
            spec = ChannelSpec(name, tuple(sympy.Rational(a.numerator, a.denominator) for a in s.args))
        return channel_matrix(spec)
    except (InvalidDraw, UnrealizableHypotheses) as err:
        raise InvalidArgument(f"{loc}: {err.message}") from None
    except InvalidArgument as err:
        if err.message.startswith(loc):
            raise
        raise InvalidArgument(f"{loc}: {err.message}") from None


def _var_name(t: Tree) -> str:
    if t.data == "plain":
        return str(t.children[0])
    return f"{t.children[0]}[{int(str(t.children[1]))}]"


def parse_model(text: str, where: str = "--model") -> ModelSpec:
    """Parse ``--model`` text (see the module docstring) into a :class:`ModelSpec`.

    Raises
    ------
    ParseError
        Text the grammar does not accept (with the column).
    InvalidArgument
        Unknown distributions or channels, wrong arguments.
    """
    tree = _parse(text, "model", "the model", where)
    out = ModelSpec(where=where)
    seen: set[str] = set()
    for st in tree.children:
        if st.data == "marginal":
            vars_t, call_t = st.children
            inputs: tuple[str, ...] = ()
        else:
            vars_t, in_t, call_t = st.children
            inputs = tuple(_var_name(v) for v in in_t.children)
        outputs = tuple(_var_name(v) for v in vars_t.children)
        if len(set(outputs)) != len(outputs) or set(outputs) & set(inputs):
            raise InvalidArgument(f"{where}: a variable appears twice in the statement for {', '.join(outputs)}")
        for n in outputs:
            if n in seen:
                raise InvalidArgument(f"{where}: {n} is defined twice")
            seen.add(n)
        name_tok, args_t = call_t.children
        args = [_value(a, where) for a in args_t.children] if args_t is not None else []
        column = getattr(st.meta, "column", None) if hasattr(st, "meta") else None
        out.statements.append(_Stmt(outputs, inputs, str(name_tok), args, column))
    return out


# ----------------------------------------------------------------------------- JSON tables

def _json_number(x: Any, where: str) -> Fraction:
    if isinstance(x, bool):
        raise InvalidArgument(f"{where}: Expected a probability but got {x!r}")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Fraction):
        return x
    if isinstance(x, str):
        return parse_number_expression(x, where)
    raise InvalidArgument(f"{where}: Expected a number or a \"p/q\" string but got {x!r}")


def _exact_nested(x: Any, where: str, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise LimitExceeded(f"{where}: the table nests too deeply")
    if isinstance(x, list):
        return [_exact_nested(v, where, depth + 1) for v in x]
    return _json_number(x, where)


def model_from_json(data: Any, where: str = "--model-file") -> Model:
    """A :class:`Model` from parsed JSON (see the module docstring for the format)."""
    if not isinstance(data, dict):
        raise InvalidArgument(f"{where}: Expected a JSON object with \"names\" and \"table\"")
    if "joint" in data and isinstance(data["joint"], dict):
        inner = dict(data["joint"])
        rest = {k: v for k, v in data.items() if k != "joint"}
        data = {**rest, **inner}
    allowed = {"names", "table", "distributions", "params", "alphabet_sizes", "exact", "network", "lhs", "rhs",
               "slack", "step", "claim", "premises_holding", "hypotheses_hold", "shrunk", "dps", "description",
               "noise_widths"}
    if data.get("covariance"):
        return _gaussian_from_json(data, allowed, where)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidArgument(f"{where}: unknown key(s) {', '.join(unknown)} (expected names, table, "
                              "distributions, params)")
    joint = None
    if "table" in data or "names" in data:
        names = data.get("names")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise InvalidArgument(f"{where}: Expected \"names\": a list of variable names")
        table = np.array(_exact_nested(data.get("table"), where), dtype=object)
        if table.ndim != len(names):
            raise InvalidArgument(f"{where}: the table is nested {table.ndim} level(s) deep but there are "
                                  f"{len(names)} names (or it is ragged)")
        if table.size > MAX_MODEL_CELLS:
            raise LimitExceeded(f"{where}: the table has more than {MAX_MODEL_CELLS} cells")
        joint = JointPMF.exact(names, table)
    dists = None
    if data.get("distributions"):
        d = data["distributions"]
        if not isinstance(d, dict):
            raise InvalidArgument(f"{where}: Expected \"distributions\": {{name: [probabilities]}}")
        dists = Distributions({k: _exact_nested(v, where) for k, v in d.items()}, exact=True)
    params = {}
    for k, v in (data.get("params") or {}).items():
        params[str(k)] = _json_number(v, where)
    widths = {}
    noise = data.get("noise_widths") or {}
    if not isinstance(noise, dict):
        raise InvalidArgument(f"{where}: Expected \"noise_widths\": {{variable: width}}")
    for k, v in noise.items():
        w = _json_number(v, where)
        if joint is None or k not in joint.names or not isinstance(w, (int, Fraction)) or not w > 0:
            raise InvalidArgument(f"{where}: Expected a positive exact width for a variable of the table in "
                                  f"\"noise_widths\" but got {k!r}: {v!r}")
        widths[str(k)] = Fraction(w)
    return Model(joint, dists, params, widths)


#: Most variables of a jointly Gaussian model file.
MAX_GAUSSIAN_VARIABLES = 64


def _gaussian_from_json(data: dict, allowed: set, where: str):
    """A :class:`~derive.numeric.gaussian.GaussianModel` from a ``"covariance"`` object (module docstring): names
    distinct, the matrix exact, symmetric and positive definite (every leading principal minor > 0, Sylvester), the
    constants and bits other variables."""
    from derive.numeric.gaussian import GaussianModel, leading_minors_positive

    unknown = sorted(set(data) - allowed - {"covariance", "joint"})
    if unknown or data.get("joint") is not None or data.get("table") is not None:
        raise InvalidArgument(f"{where}: a jointly Gaussian model takes \"covariance\" and \"params\" only"
                              + (f" (unknown key(s) {', '.join(unknown)})" if unknown else " (no pmf table)"))
    cov = data["covariance"]
    names = cov.get("names") if isinstance(cov, dict) else None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names) \
            or len(set(names)) != len(names):
        raise InvalidArgument(f"{where}: Expected \"covariance\": {{\"names\": distinct variable names, "
                              "\"matrix\": [[...]]}")
    if len(names) > MAX_GAUSSIAN_VARIABLES:
        raise LimitExceeded(f"{where}: the covariance has more than {MAX_GAUSSIAN_VARIABLES} variables")
    rows = cov.get("matrix")
    if not isinstance(rows, list) or len(rows) != len(names) or not all(
            isinstance(r, list) and len(r) == len(names) for r in rows):
        raise InvalidArgument(f"{where}: Expected a {len(names)} x {len(names)} \"matrix\" (one row per name)")
    matrix = [[_json_number(x, where) for x in r] for r in rows]
    if any(matrix[i][j] != matrix[j][i] for i in range(len(names)) for j in range(i)):
        raise InvalidArgument(f"{where}: the covariance matrix is not symmetric")
    if not leading_minors_positive(matrix):
        raise InvalidArgument(f"{where}: the covariance matrix is not positive definite (a degenerate Gaussian has "
                              "no density, so no differential entropy)")
    extra = {key: cov.get(key) or [] for key in ("constants", "bits")}
    if any(not isinstance(v, list) or not all(isinstance(n, str) and n for n in v) for v in extra.values()) \
            or set(extra["constants"]) & set(names) or not set(extra["bits"]) <= set(extra["constants"]):
        raise InvalidArgument(f"{where}: Expected \"constants\" (and \"bits\" among them): names of discrete "
                              "variables outside the covariance")
    params = {str(k): _json_number(v, where) for k, v in (data.get("params") or {}).items()}
    return GaussianModel(tuple(names), matrix, params, {}, str(data.get("network") or ""),
                         constants=tuple(extra["constants"]), bits=tuple(extra["bits"]))


def read_model_file(path: str | Path) -> Model:
    """Read a JSON pmf table (see the module docstring); JSON numbers are read as exact decimals."""
    from derive.io.files import read_user_text

    p = Path(path)
    where = str(p)
    text = read_user_text(p, "model file", MAX_MODEL_FILE_BYTES)

    def exact_float(s: str) -> Fraction:
        return _literal(s, where)  # decimals and exponent notation (1e-3), exactly

    def exact_int(s: str) -> int:
        if len(s.lstrip("-")) > _MAX_DIGITS:
            raise LimitExceeded(f"a number with {len(s)} digits (at most {_MAX_DIGITS})", file=where)
        return int(s)

    try:
        data = json.loads(text, parse_float=exact_float, parse_int=exact_int)
    except json.JSONDecodeError as err:
        raise ParseError(f"invalid JSON: {err.msg}", file=where, line=err.lineno, column=err.colno) from None
    except RecursionError:
        raise LimitExceeded("the JSON nests too deeply", file=where) from None
    return model_from_json(data, where)
