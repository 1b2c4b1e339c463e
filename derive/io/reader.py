"""Read proof files (TOML, see ``DESIGN.md``, "Proof files") into :class:`~derive.proof.Proof`.

The file is data: ``tomllib`` reads the TOML and :mod:`derive.io.grammar` parses
every expression string; nothing is evaluated. Unknown keys, values of the
wrong type and missing required keys are :class:`~derive.errors.ParseError`
naming the key, the table and the line; duplicate ids are
:class:`~derive.errors.DuplicateStep`. Errors inside an expression string point
at the line and column inside the file.

Step arguments (``Step.args``), by key (:data:`STEP_ARGS`):

* ``eta``, ``error``, ``alphabet`` — a sympy expression;
* ``function`` — a sympy expression in the symbol
  :func:`~derive.io.grammar.function_variable` of ``variable``;
* ``variable`` — ``str`` (always present when ``function`` is, default ``"t"``);
* ``index``, ``family`` — ``str`` (``family`` must be a declared family);
* ``certificate`` — ``dict[str, sympy.Expr]`` (premise or hypothesis id -> multiplier);
* ``nonneg`` — ``tuple[sympy.Expr, ...]``.
* ``copy`` — ``tuple[CopySpec, ...]`` (``"C, D over A, B"``, one string or a list, applied in order).

The reader does not call :meth:`Proof.validate`; callers do, with the kernel's rule names.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

import sympy

from derive.core.hypotheses import continuous_variables, Assume, AssumeFamily, Hypothesis
from derive.errors import DeriveError, InvalidArgument, LimitExceeded, ParseError
from derive.io.grammar import (
    RESERVED_WORDS,
    ParseContext,
    check_name,
    function_variable,
    parse_copy_spec,
    is_identifier,
    parse_channel,
    parse_domain,
    parse_expression,
    parse_family_condition,
    parse_function_of,
    parse_independence,
    parse_markov,
    parse_range,
    parse_statement,
)
from derive.io.positions import TableInfo, TomlPositions
from derive.proof import Proof

__all__ = [
    "read_proof",
    "read_proof_text",
    "find_proof_files",
    "STEP_ARGS",
    "RULE_ARGS",
    "unread_arguments",
    "HYPOTHESIS_KINDS",
    "MAX_FILE_BYTES",
]

#: Most members of a family of assumptions (``assume = "... for i in 1..k"``).
MAX_ASSUME_FAMILY = 64

FOR_CLAUSE = re.compile(r"^(.*\S)\s+for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(\S.*)$", re.S)

#: What to write instead of ``... for i in lo..hi`` where it is not read (see :meth:`_Reader.no_for_clause`).
_NOT_PER_INDEX = {
    "markov": "write one chain through the family (`X[0] -> ... -> X[k]`), a chain between blocks "
              "(`V -> X[1..n] -> Y[1..n]`), or a chain at a literal index",
    "independent": "write a mutual independence over the range (`mutually_independent = \"X[1..n] | P\"`)",
    "mutually_independent": "the range is written in the hypothesis itself (`X[1..n] | P`)",
    "iid": "the range is written in the hypothesis itself (`X[1..n] | P`)",
    "function_of": "write the function of the whole block (`Vhat = f(Y[1..n])`) or one at a literal index",
    "step": "a step states one claim: write the sum over the index (`sum(I(V; Y[i]), i, 1, n) <= ...`), a member "
            "at a literal index, or take the per-index fact as a family of assumptions "
            "(`assume = \"... for i in 1..n\"` with a `cite`)",
}

#: Largest proof file accepted (bytes); larger files are refused before parsing.
MAX_FILE_BYTES = 1_000_000

#: Optional step arguments and how each is read: ``expression`` (sympy Expr),
#: ``function`` (Expr in ``variable``), ``name`` (str), ``certificate``
#: (dict id -> Expr), ``expressions`` (tuple of Expr). Order is the writing order.
STEP_ARGS: dict[str, str] = {
    "eta": "expression",
    "error": "expression",
    "function": "function",
    "variable": "name",
    "alphabet": "expression",
    "certificate": "certificate",
    "nonneg": "expressions",
    "split": "expressions",
    "index": "name",
    "family": "name",
    "copy": "copy_specs",
}

#: The step arguments each rule reads; any other argument a step gives is ignored, and :func:`unread_arguments`
#: warns about it (``index`` and ``family`` are read by no rule: older files wrote them as hints).
RULE_ARGS: dict[str, tuple[str, ...]] = {
    "linear": ("certificate", "nonneg"),
    "shannon": ("certificate", "nonneg"),
    "copy": ("copy", "certificate", "nonneg"),
    "sdpi": ("eta",),
    "tensorization": ("eta",),
    "sdpi_chain": ("eta",),
    "fano": ("error", "alphabet"),
    "monotone": ("function", "variable"),
    "real": ("split",),
}


def unread_arguments(proof: Any) -> list[str]:
    """A warning for each step argument its rule does not read (:data:`RULE_ARGS`): it changes nothing."""
    out = []
    for step in proof.steps:
        for key in step.args:
            if key not in RULE_ARGS.get(step.rule, ()):
                reads = ", ".join(f"`{k}`" for k in RULE_ARGS.get(step.rule, ())) or "none"
                out.append(f"step {step.id!r} gives `{key}`, which the rule `{step.rule}` does not read (it reads "
                           f"{reads}); it is ignored")
    return out


#: The hypothesis kinds of a ``[[hypothesis]]`` table (exactly one per table).
HYPOTHESIS_KINDS = ("markov", "independent", "mutually_independent", "iid", "channel", "function_of", "assume")

_TOP_KEYS = ("proof", "parameters", "variables", "hypothesis", "step", "theorem")
_PROOF_KEYS = ("name", "title", "notes", "units")
_VARIABLE_KEYS = ("random", "families", "distributions", "continuous")
_HYPOTHESIS_KEYS = ("id",) + HYPOTHESIS_KINDS + ("cite",)
_STEP_KEYS = ("id", "claim", "rule", "uses", "note") + tuple(STEP_ARGS)
_THEOREM_KEYS = ("claim", "from", "name")

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _type_name(v: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
            dict: "a table"}.get(type(v), type(v).__name__)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    m = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {m[0]!r}?" if m else ""


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.pos = TomlPositions(text)

    # ------------------------------------------------------------------ errors
    def err(self, message: str, line: int | None = None, column: int | None = None,
            cls: type[DeriveError] = ParseError) -> DeriveError:
        return cls(message, file=self.file, line=line, column=column)

    def check_keys(self, data: dict, allowed: Iterable[str], label: str, table: TableInfo | None) -> None:
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                raise self.err(f"unknown key {key!r} in {label}{_did_you_mean(key, allowed)} "
                               f"(allowed: {', '.join(allowed)})", self.pos.key_line(table, key))

    def want(self, value: Any, kind: type, key: str, label: str, table: TableInfo | None) -> Any:
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            names = {str: "a string", list: "an array", dict: "a table", int: "an integer"}
            raise self.err(f"Expected {names.get(kind, kind.__name__)} for {key!r} in {label} but got "
                           f"{_type_name(value)} {value!r}", self.pos.key_line(table, key))
        return value

    def string_list(self, value: Any, key: str, label: str, table: TableInfo | None) -> list[str]:
        self.want(value, list, key, label, table)
        for k, v in enumerate(value):
            if not isinstance(v, str):
                raise self.err(f"Expected strings in {key!r} in {label} but element {k + 1} is "
                               f"{_type_name(v)} {v!r}", self.pos.key_line(table, key))
        return list(value)

    def at(self, ctx: ParseContext, table: TableInfo | None, key: str,
           element: int | str | None = None, **changes: Any) -> ParseContext:
        line, col = self.pos.string_start(table, key, element)
        return ctx.at(ctx.line, ctx.column, **changes) if line is None else ctx.at(line, col, **changes)

    def expression(self, value: Any, ctx: ParseContext, key: str, label: str, table: TableInfo | None,
                   element: int | str | None = None) -> sympy.Expr:
        if isinstance(value, int) and not isinstance(value, bool):
            return sympy.Integer(value)
        if not isinstance(value, str):
            hint = " (write decimals as strings, e.g. \"0.1\", so they stay exact)" if isinstance(value, float) \
                else ""
            where = f"{key!r}" + (f" entry {element!r}" if element is not None else "")
            raise self.err(f"Expected an expression string for {where} in {label} but got "
                           f"{_type_name(value)} {value!r}{hint}", self.pos.key_line(table, key))
        return parse_expression(value, self.at(ctx, table, key, element))

    # ------------------------------------------------------------------ reading
    def read(self) -> Proof:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as e:
            raise self._toml_error(e) from None
        except ValueError as e:  # e.g. an integer literal past Python's int-string conversion limit
            raise self.err(f"invalid TOML value: {e}", None) from None
        except RecursionError:
            raise LimitExceeded("the TOML nests arrays or tables too deeply", file=self.file) from None
        root = self.pos.table("")
        for key, value in data.items():
            if key not in _TOP_KEYS:
                t = self.pos.table(key) or self.pos.table(key, 0)
                line = t.line if t is not None else self.pos.key_line(root, key)
                raise self.err(f"unknown table or key {key!r} at the top level{_did_you_mean(key, _TOP_KEYS)} "
                               f"(allowed: {', '.join(_TOP_KEYS)})", line)
        if "proof" not in data:
            raise self.err("missing the [proof] table (with at least name = \"...\")", 1)
        proof = self.proof_table(data["proof"])
        ctx = ParseContext(units=proof.units, file=self.file, written=proof.written)
        self.parameters(data.get("parameters", {}), proof, ctx)
        self.variables(data.get("variables", {}), proof, ctx)
        self.hypotheses(data.get("hypothesis", []), proof, ctx)
        ctx.continuous = set(continuous_variables(proof.continuous, proof.hypotheses.values()))
        self.steps(data.get("step", []), proof, ctx)
        if "theorem" in data:
            self.theorem(data["theorem"], proof, ctx)
        return proof

    def _toml_error(self, e: tomllib.TOMLDecodeError) -> ParseError:
        msg = str(e)
        m = _TOML_POS.search(msg)
        if m:
            return self.err(f"invalid TOML: {msg[:m.start()]}", int(m.group(1)), int(m.group(2)))
        m = _TOML_END.search(msg)
        if m:
            line, col = self.pos.position(len(self.text))
            return self.err(f"invalid TOML: {msg[:m.start()]} (at the end of the file)", line, col)
        return self.err(f"invalid TOML: {msg}")

    def proof_table(self, data: Any) -> Proof:
        t = self.pos.table("proof")
        label = "[proof]"
        if not isinstance(data, dict):
            raise self.err(f"Expected a [proof] table but got {_type_name(data)}",
                           self.pos.key_line(self.pos.table(""), "proof"))
        self.check_keys(data, _PROOF_KEYS, label, t)
        if "name" not in data:
            raise self.err("missing required key 'name' in [proof]", t.line if t else None)
        name = self.want(data["name"], str, "name", label, t)
        if not name.strip():
            raise self.err("the proof's name is empty", self.pos.key_line(t, "name"))
        title = self.want(data["title"], str, "title", label, t) if "title" in data else None
        notes = self.want(data["notes"], str, "notes", label, t) if "notes" in data else None
        units = self.want(data.get("units", "bits"), str, "units", label, t)
        if units not in ("bits", "nats"):
            raise self.err(f"Expected units = \"bits\" or \"nats\" but got {units!r}", self.pos.key_line(t, "units"))
        return Proof(name, title=title, notes=notes, units=units, file=self.file)

    def declare(self, name: str, what: str, declared: dict[str, str], line: int | None,
                column: int | None = None) -> None:
        check_name(name, what, ParseContext(file=self.file, line=line or 1, column=column or 1))
        if name in declared:
            raise self.err(f"the name {name!r} is declared twice (as {declared[name]} and as {what})", line, column)
        declared[name] = what

    def parameters(self, data: Any, proof: Proof, ctx: ParseContext) -> None:
        t = self.pos.table("parameters")
        if not isinstance(data, dict):
            raise self.err(f"Expected a [parameters] table but got {_type_name(data)}")
        self._declared: dict[str, str] = {}
        for name, value in data.items():
            line = self.pos.key_line(t, name)
            self.declare(name, "a parameter", self._declared, line)
            if isinstance(value, dict):
                raise self.err(f"Expected a domain string such as \"0 <= {name} <= 1\" for parameter {name!r} "
                               f"but got a table", line)
            text = self.want(value, str, name, "[parameters]", t)
            domain = parse_domain(text, name, self.at(ctx, t, name))
            try:
                ctx.parameters[name] = proof.parameter(name, domain)
                ctx.domains[ctx.parameters[name]] = domain
            except InvalidArgument as e:
                raise self.err(e.message, line) from None

    def variables(self, data: Any, proof: Proof, ctx: ParseContext) -> None:
        t = self.pos.table("variables")
        label = "[variables]"
        if not isinstance(data, dict):
            raise self.err(f"Expected a [variables] table but got {_type_name(data)}")
        self.check_keys(data, _VARIABLE_KEYS, label, t)
        declared = self._declared
        if "random" in data:
            names = self.string_list(data["random"], "random", label, t)
            for k, name in enumerate(names):
                line, col = self.pos.string_start(t, "random", k)
                self.declare(name, "a random variable", declared, line, col)
                ctx.variables[name] = proof.random(name)
        if "families" in data:
            fams = self.want(data["families"], dict, "families", label, t)
            for name, value in fams.items():
                line, col = self.pos.string_start(t, "families", name)
                self.declare(name, "a family", declared, line, col)
                if not isinstance(value, str):
                    raise self.err(f"Expected an index range string such as \"1..n\" for family {name!r} but got "
                                   f"{_type_name(value)} {value!r}", line)
                lo, hi = parse_range(value, self.at(ctx, t, "families", name))
                proof.family(name, lo, hi)
                ctx.families[name] = proof.families[name]
        if "distributions" in data:
            names = self.string_list(data["distributions"], "distributions", label, t)
            for k, name in enumerate(names):
                line, col = self.pos.string_start(t, "distributions", k)
                self.declare(name, "a distribution", declared, line, col)
            ctx.distributions = frozenset(names)
        if "continuous" in data:
            names = self.string_list(data["continuous"], "continuous", label, t)
            for k, name in enumerate(names):
                if name not in proof.variables and name not in proof.families:
                    line, col = self.pos.string_start(t, "continuous", k)
                    raise self.err(f"`continuous` lists {name!r}, which is not a declared random variable or family",
                                   line)
            proof.declare_continuous(*names)

    def _tables(self, data: Any, name: str) -> list[dict]:
        if isinstance(data, dict):
            t = self.pos.table(name)
            raise self.err(f"Expected [[{name}]] tables (an array of tables) but got a single [{name}] table",
                           t.line if t else None)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise self.err(f"Expected [[{name}]] tables but got {_type_name(data)}",
                           self.pos.key_line(self.pos.table(""), name))
        return data

    @staticmethod
    def _label(kind: str, data: dict, k: int) -> str:
        hid = data.get("id")
        if isinstance(hid, str) and hid.strip():
            return f"{kind} {hid!r}"
        return f"[[{kind}]] number {k + 1}"

    def _id(self, data: dict, label: str, t: TableInfo | None) -> str:
        if "id" not in data:
            raise self.err(f"missing required key 'id' in {label}", t.line if t else None)
        hid = self.want(data["id"], str, "id", label, t)
        if not hid.strip():
            raise self.err(f"the id in {label} is empty", self.pos.key_line(t, "id"))
        if hid == "theorem":
            raise self.err("'theorem' is reserved for the [theorem] table; choose another id",
                           self.pos.key_line(t, "id"))
        return hid

    def hypotheses(self, data: Any, proof: Proof, ctx: ParseContext) -> None:
        for k, h in enumerate(self._tables(data, "hypothesis")):
            t = self.pos.table("hypothesis", k)
            label = self._label("hypothesis", h, k)
            self.check_keys(h, _HYPOTHESIS_KEYS, label, t)
            hid = self._id(h, label, t)
            kinds = [key for key in HYPOTHESIS_KINDS if key in h]
            if len(kinds) != 1:
                what = "none" if not kinds else ", ".join(kinds)
                raise self.err(f"{label} needs exactly one of {', '.join(HYPOTHESIS_KINDS)}; got {what}",
                               self.pos.key_line(t, kinds[1] if len(kinds) > 1 else "id"))
            kind = kinds[0]
            if "cite" in h and kind != "assume":
                raise self.err(f"'cite' goes only with 'assume' (in {label})", self.pos.key_line(t, "cite"))
            text = self.want(h[kind], str, kind, label, t)
            hctx = self.at(ctx, t, kind)
            hyp: Hypothesis
            if kind in ("markov", "independent", "function_of", "mutually_independent", "iid"):
                self.no_for_clause(text, hctx, f"the {kind} of {label}", _NOT_PER_INDEX[kind])
            if kind == "markov":
                hyp = parse_markov(text, hctx)
            elif kind == "independent":
                hyp = parse_independence(text, hctx)
            elif kind in ("mutually_independent", "iid"):
                hyp = parse_family_condition(text, hctx, iid=(kind == "iid"))
            elif kind == "channel":
                hyp = parse_channel(text, hctx)
            elif kind == "function_of":
                hyp = parse_function_of(text, hctx)
            else:
                cite = self.want(h["cite"], str, "cite", label, t) if "cite" in h else None
                family = FOR_CLAUSE.match(text)
                if family is not None:
                    for fid, fhyp in self.assume_family(family, hctx, label, hid, cite):
                        proof.hypothesis(fid, fhyp, line=self.pos.key_line(t, "id"))
                    continue
                hyp = Assume(parse_statement(text, hctx), cite)
            proof.hypothesis(hid, hyp, line=self.pos.key_line(t, "id"))

    def no_for_clause(self, text: str, ctx: ParseContext, what: str, instead: str) -> None:
        """Refuse ``... for i in lo..hi`` where only ``assume`` and ``channel`` take it, saying what to write."""
        m = FOR_CLAUSE.match(text)
        if m is None:
            return
        offset = text.rfind("for", 0, m.start(2))   # the clause's 'for'
        line, column = ctx.line, (ctx.column + offset if ctx.column is not None else None)
        raise self.err(f"{what} ends with 'for {m.group(2)} in {m.group(3)}': only `assume` and `channel` range over "
                       f"an index; {instead}", line, column)

    def assume_family(self, m: re.Match, ctx: ParseContext, label: str, hid: str,
                      cite: str | None) -> list[tuple[str, Assume]]:
        """``assume = "... for i in lo..hi"`` (see :func:`assume_family`), errors naming this file."""
        return assume_family(m, ctx, label, hid, cite, err=self.err)

    def steps(self, data: Any, proof: Proof, ctx: ParseContext) -> None:
        for k, s in enumerate(self._tables(data, "step")):
            t = self.pos.table("step", k)
            label = self._label("step", s, k)
            self.check_keys(s, _STEP_KEYS, label, t)
            sid = self._id(s, label, t)
            for key in ("claim", "rule"):
                if key not in s:
                    raise self.err(f"missing required key {key!r} in {label}", self.pos.key_line(t, "id"))
            claim_text = self.want(s["claim"], str, "claim", label, t)
            self.no_for_clause(claim_text, self.at(ctx, t, "claim"), f"the claim of {label}", _NOT_PER_INDEX["step"])
            mentions: list = []
            claim = parse_statement(claim_text, self.at(ctx, t, "claim", mentions=mentions))
            rule = self.want(s["rule"], str, "rule", label, t)
            if not rule.strip():
                raise self.err(f"the rule of {label} is empty", self.pos.key_line(t, "rule"))
            uses = self.string_list(s.get("uses", []), "uses", label, t)
            note = self.want(s["note"], str, "note", label, t) if "note" in s else None
            args = self.step_args(s, ctx, label, t)
            proof.step(sid, claim, rule, uses=uses, args=args, line=self.pos.key_line(t, "id"), note=note,
                       mentions=mentions)

    def step_args(self, s: dict, ctx: ParseContext, label: str, t: TableInfo | None) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if "variable" in s and "function" not in s:
            raise self.err(f"'variable' names the variable of 'function', which {label} does not have",
                           self.pos.key_line(t, "variable"))
        for key, kind in STEP_ARGS.items():
            if key not in s or key == "variable":
                continue
            value = s[key]
            if kind == "expression":
                args[key] = self.expression(value, ctx, key, label, t)
            elif kind == "function":
                var = self.want(s.get("variable", "t"), str, "variable", label, t)
                vline, vcol = self.pos.string_start(t, "variable") if "variable" in s else (None, None)
                check_name(var, "the function's variable",
                           ParseContext(file=self.file, line=vline or self.pos.key_line(t, key) or 1,
                                        column=vcol or 1))
                if var in ctx.declared_names():
                    raise self.err(f"the function's variable {var!r} is already declared; choose another name",
                                   vline or self.pos.key_line(t, key), vcol)
                fctx = replace(ctx, bound={var: function_variable(var)})
                args[key] = self.expression(value, fctx, key, label, t)
                args["variable"] = var
            elif kind == "name":
                name = self.want(value, str, key, label, t)
                line, col = self.pos.string_start(t, key)
                if not is_identifier(name):
                    raise self.err(f"Expected an identifier for {key!r} in {label} but got {name!r}", line, col)
                if key == "family" and name not in ctx.families:
                    raise self.err(f"{key!r} in {label} names {name!r}, which is not a declared family"
                                   + _did_you_mean(name, ctx.families), line, col)
                if key == "index" and name in RESERVED_WORDS:
                    raise self.err(f"the index {name!r} is a reserved word", line, col)
                args[key] = name
            elif kind == "certificate":
                table = self.want(value, dict, key, label, t)
                args[key] = {str(k): self.expression(v, ctx, key, label, t, element=str(k))
                             for k, v in table.items()}
            elif kind == "copy_specs":
                items = [value] if isinstance(value, str) else self.want(value, list, key, label, t)
                specs = []
                for k, v in enumerate(items):
                    if not isinstance(v, str):
                        raise self.err(f"Expected copy steps such as \"C, D over A, B\" in {label} but got "
                                       f"{_type_name(v)} {v!r}", self.pos.key_line(t, key))
                    specs.append(parse_copy_spec(v, self.at(ctx, t, key, k if not isinstance(value, str) else None)))
                args[key] = tuple(specs)
            elif kind == "expressions":
                items = self.want(value, list, key, label, t)
                args[key] = tuple(self.expression(v, ctx, key, label, t, element=k) for k, v in enumerate(items))
        return args

    def theorem(self, data: Any, proof: Proof, ctx: ParseContext) -> None:
        t = self.pos.table("theorem")
        label = "[theorem]"
        if not isinstance(data, dict):
            raise self.err(f"Expected a [theorem] table but got {_type_name(data)}")
        self.check_keys(data, _THEOREM_KEYS, label, t)
        if "claim" not in data:
            raise self.err("missing required key 'claim' in [theorem]", t.line if t else None)
        mentions: list = []
        claim = parse_statement(self.want(data["claim"], str, "claim", label, t),
                                self.at(ctx, t, "claim", mentions=mentions))
        from_steps = self.string_list(data.get("from", []), "from", label, t)
        name = self.want(data["name"], str, "name", label, t) if "name" in data else None
        proof.conclude(claim, from_steps, line=self.pos.key_line(t, "claim"), name=name, mentions=mentions)


def assume_family(m: re.Match, ctx: ParseContext, label: str, hid: str, cite: str | None,
              err: Callable[..., DeriveError] | None = None) -> list[tuple[str, Assume]]:
    """``assume = "I(M; X[i] | P) >= b for i in 1..n"``: a family of assumptions (``m`` matches :data:`FOR_CLAUSE`).

    A range with integer ends (at most :data:`MAX_ASSUME_FAMILY` members) is expanded into one assumption per
    index, ids ``id[1]``, ``id[2]``, ...; a symbolic range (``1..n``) gives one quantified assumption
    (:class:`~derive.core.hypotheses.AssumeFamily`, id ``id``), which the kernel uses through its sum.
    """
    err = err or (lambda message, line=None, column=None, cls=ParseError: cls(message, line=line, column=column))
    body, index, range_text = m.group(1), m.group(2), m.group(3)
    check_name(index, "an index", ctx)
    if index in ctx.declared_names():
        raise err(f"the index {index!r} of {label} is already declared; choose another index name", ctx.line)
    lo, hi = parse_range(range_text, ctx)
    sym = sympy.Symbol(index, integer=True)
    st = parse_statement(body, ctx.at(ctx.line, ctx.column, bound={**ctx.bound, index: sym}))
    if not (lo.is_Integer and hi.is_Integer):
        if sym not in st.lhs.free_symbols | st.rhs.free_symbols:
            raise err(f"{label}: the statement does not mention its index {index!r}; a family of "
                      "assumptions states one fact per index", ctx.line)
        try:
            return [(hid, AssumeFamily(st, sym, lo, hi, cite))]
        except InvalidArgument as bad:
            raise err(f"{label}: {bad.message}", ctx.line) from bad
    count = int(hi - lo) + 1
    if count < 1 or count > MAX_ASSUME_FAMILY:
        raise err(f"{label}: the range {range_text.strip()} has {max(count, 0)} members; a family of "
                  f"assumptions has 1 to {MAX_ASSUME_FAMILY}", ctx.line, cls=LimitExceeded if count > 0 else ParseError)
    return [(f"{hid}[{k}]", Assume(st.subs(sym, k), cite)) for k in range(int(lo), int(hi) + 1)]


def read_proof_text(text: str, file: str = "<string>") -> Proof:
    """Parse the text of a proof file into a :class:`~derive.proof.Proof` (not validated).

    Raises
    ------
    ParseError
        Invalid TOML, unknown keys, wrong types, missing keys, bad expressions.
    LimitExceeded
        Text over :data:`MAX_FILE_BYTES`, or an expression over a grammar limit.
    DuplicateStep
        Two steps or hypotheses with one id.
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"Expected the text of a proof file but got {type(text).__name__}")
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LimitExceeded(f"the proof file is larger than {MAX_FILE_BYTES} bytes", file=file)
    return _Reader(text, file).read()


def read_proof(path: str | os.PathLike) -> Proof:
    """Read a proof file (UTF-8 TOML, a leading byte-order mark ignored; at most :data:`MAX_FILE_BYTES` bytes)."""
    from derive.io.files import read_user_text

    return read_proof_text(read_user_text(path, "proof file", MAX_FILE_BYTES), file=str(Path(path)))


def find_proof_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The proof files named by ``paths``: files as given, folders searched for ``*.toml`` recursively.

    Each folder's files are sorted; duplicates are dropped.

    Raises
    ------
    InvalidArgument
        For a path that does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InvalidArgument(f"no such file or directory: {str(p)!r}")
        found = sorted(q for q in p.rglob("*.toml") if q.is_file()) if p.is_dir() else [p]
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out
