"""The ``derive`` command line.

Exit codes (every subcommand): ``0`` success; ``1`` the mathematics says no (a
step failed, a proof is not proved); ``2`` bad input (the message on stderr names
the file, line and step). An unexpected error on user input (a bug in derive that
the input triggers) is also exit ``2``, with a message saying "internal error ...
please report it" (set ``DERIVE_DEBUG=1`` for the traceback); ``3`` is left only for
an internal error with no user input at all (``derive rules``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Sequence

from derive import __version__
from derive.errors import DeriveError, InvalidArgument, LimitExceeded

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_NO, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

#: Largest ``derive prove --max-full-variables`` accepted (the elemental LP has ~n^2 2^(n-2) columns).
MAX_FULL_LIMIT = 16


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one clear line (its default) but never prints a traceback."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"derive: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derive", description="Machine-checked information-theoretic proofs.")
    p.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check proof files with the trusted kernel")
    c.add_argument("paths", nargs="+", metavar="PATH", help="proof files or folders of *.toml")
    c.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    c.add_argument("--strict", action="store_true", help="also refuse cited (assumed) lemmas and tested steps")
    c.add_argument("--verbose", "-v", action="store_true", help="show certificates and trusted facts")
    c.add_argument("--verify", type=int, default=0, metavar="N",
                   help="also test every step on N numeric models; a kernel-proved step that a model "
                        "contradicts is reported loudly as a kernel bug (exit 1)")
    c.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="time budget for checking one step (default 60; 0 for none); a step over budget is "
                        "failed and the proof is not proved (exit 1)")
    c.set_defaults(func=cmd_check)

    k = sub.add_parser("compose", help="print the bound the theorem's listed steps compose to")
    k.add_argument("path", metavar="PATH")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_compose)

    v = sub.add_parser("prove", help="decide a Shannon-type inequality (exact, kernel-checked certificate)")
    v.add_argument("claim", metavar="CLAIM", help='e.g. "I(X; Z) <= I(X; Y)"')
    v.add_argument("--given", action="append", default=[], metavar="HYP",
                   help='a hypothesis: "X -> Y -> Z", "A _|_ B | C", "Y = f(X)" (repeatable)')
    v.add_argument("--json", action="store_true")
    v.add_argument("--latex", action="store_true", help="print the proof as a LaTeX align* block")
    v.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="time budget for the whole search (default 60; inf for none)")
    v.add_argument("--max-variables", type=int, default=None,
                   help="largest number of random variables accepted (default 16)")
    v.add_argument("--max-full-variables", type=int, default=None, metavar="N",
                   help="largest number of random variables for which the full elemental LP is tried "
                        "(default 12, at most 16: its size grows like n^2 2^n)")
    v.add_argument("--seed", type=int, default=0, help="seed of the counterexample search")
    v.add_argument("--copy-steps", type=int, default=1, metavar="K",
                   help="when the Shannon LP fails and no counterexample is found, search copy-lemma proofs with at "
                        "most K copy steps (0: none; default 1; 2 is slower)")
    v.add_argument("--copy-timeout", type=float, default=20.0, metavar="SECONDS",
                   help="time budget of the copy-lemma search (default 20)")
    v.set_defaults(func=cmd_prove)

    r = sub.add_parser("rules", help="list the kernel's rules")
    r.add_argument("--markdown", action="store_true", help="the rule reference as Markdown (docs/rules.md)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rules)

    import importlib

    from derive.commands import COMMAND_MODULES

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue  # that command has not landed yet
            raise
        module.register(sub)
    return p


# ---------------------------------------------------------------------------- check

def _load(path: Path):
    from derive.io import read_proof

    return read_proof(path)


def _statement_text(st, units: str) -> str:
    from derive.io import format_statement

    try:
        return format_statement(st, units)
    except DeriveError:
        return str(st)


def _check_timeout(value: float | None, default: float) -> float:
    """``--timeout`` as seconds (0 means none); refuses negative, NaN and infinite values."""
    import math

    if value is None:
        return default
    if math.isnan(value) or value < 0:
        raise InvalidArgument(f"Expected --timeout >= 0 (seconds; 0 for none) but got {value}")
    if math.isinf(value):
        return 0.0
    if value > 10 ** 7:
        raise LimitExceeded(f"--timeout is at most 10000000 s (0 for none) but got {value:g}")
    return value


def _check_file(path: Path, strict: bool, verify: int = 0, timeout: float | None = None) -> tuple[dict, Any]:
    from derive.checking import check_file

    checked = check_file(path, strict=strict, timeout=timeout)
    report, proof = checked.report, checked.proof
    out = report.to_json()
    out["file"] = str(path)
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    for row, js in zip(rows, out["steps"]):
        if row.claim is not None:
            js["claim"] = _statement_text(row.claim, proof.units)
    if report.theorem is not None and report.theorem.claim is not None:
        out["conclusion"] = _statement_text(report.theorem.claim, proof.units)
    from derive.io.writer import format_trusted

    out["trusted"] = [format_trusted(t, proof.units) for t in report.trusted]  # as the author wrote them
    for row, js in zip(rows, out["steps"]):
        if js.get("trusted"):
            js["trusted"] = [format_trusted(t, proof.units) for t in row.trusted]
    warnings = list(checked.warnings) + [w for w in getattr(report, "warnings", []) if w not in checked.warnings]
    if warnings:
        out["warnings"] = warnings
    if strict and checked.vacuity:
        out["status"] = "failed"
        out["refused"] = ("--strict refuses a proof whose hypotheses may not hold together "
                          f"({len(checked.vacuity)} warning{'s' if len(checked.vacuity) > 1 else ''} above)")
    if verify:
        from derive.commands.verify import annotate_check

        annotate_check(out, checked, verify)
    return out, report


def cmd_check(args: argparse.Namespace) -> int:
    from derive.io import find_proof_files

    if args.verify < 0 or args.verify > 100_000:
        raise InvalidArgument(f"Expected 0 <= --verify <= 100000 but got {args.verify}")
    from derive.checking import DEFAULT_STEP_TIMEOUT

    timeout = _check_timeout(args.timeout, DEFAULT_STEP_TIMEOUT)
    files = find_proof_files([Path(p) for p in args.paths])
    results = []
    worst = EXIT_OK
    for f in files:
        try:
            out, report = _check_file(f, args.strict, args.verify, timeout)
        except RecursionError:
            err = LimitExceeded("the input nests too deeply to process", file=str(f))
            out, report = {"file": str(f), "status": "error", "error": str(err), "steps": []}, None
            worst = max(worst, EXIT_INPUT)
            if not args.json:
                print(f"derive: {err}", file=sys.stderr)
        except OSError as oserr:  # unreadable file (permissions, a name too long, ...): bad input
            err = InvalidArgument(f"cannot read the file: {oserr.strerror or oserr}", file=str(f))
            out, report = {"file": str(f), "status": "error", "error": str(err), "steps": []}, None
            worst = max(worst, EXIT_INPUT)
            if not args.json:
                print(f"derive: {err}", file=sys.stderr)
        except DeriveError as err:
            if err.file is None:
                err.file = str(f)
            out, report = {"file": str(f), "status": "error", "error": str(err), "steps": []}, None
            worst = max(worst, err.exit_code)
            if not args.json:
                print(f"derive: {err}", file=sys.stderr)
        except Exception as bug:  # noqa: BLE001 - a bug triggered by this file: bad input (2), named, never exit 3
            if os.environ.get("DERIVE_DEBUG"):
                traceback.print_exc()
            msg = (f"{f}: internal error ({type(bug).__name__}: {_clip(str(bug))}); please report it "
                   "(DERIVE_DEBUG=1 shows the traceback)")
            out, report = {"file": str(f), "status": "error", "error": msg, "internal": True, "steps": []}, None
            worst = max(worst, EXIT_INPUT)
            if not args.json:
                print(f"derive: {msg}", file=sys.stderr)
        else:
            if out["status"] != "proved" or out.get("kernel_bugs"):
                worst = max(worst, EXIT_NO)
        results.append(out)
        if not args.json and report is not None:
            _print_report(out, report, args.verbose)
    if args.json:
        print(json.dumps({"proofs": results}, indent=2, default=str))
    elif len(files) > 1:
        n_ok = sum(1 for r in results if r["status"] == "proved")
        print(f"\n{n_ok}/{len(files)} proofs proved")
    return worst


_MARK = {"proved": "ok", "assumed": "assumed", "tested": "TESTED", "failed": "FAILED", "unchecked": "UNCHECKED"}


def _print_report(out: dict, report, verbose: bool) -> None:
    print(f"{out['file']}: {report.name} — {report.status}")
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    width = max([len(s.id) for s in rows] + [4])
    rwidth = max([len(s.rule) for s in rows] + [4])
    claims = {js["id"]: js.get("claim", "") for js in out["steps"]}
    for s in rows:
        line = f"  {s.id:<{width}}  {s.rule:<{rwidth}}  {_MARK.get(s.status, s.status):<9}  {claims.get(s.id, s.claim)}"
        print(line)
        if s.status in ("failed", "unchecked", "tested") or verbose:
            if s.message:
                print(f"      {s.message}")
            if s.expected is not None:
                print(f"      expected: {s.expected}")
            if s.got is not None and s.status == "failed":
                print(f"      got:      {s.got}")
            if s.suggestion:
                print(f"      hint: {s.suggestion}")
        if s.depends_on_unproved and s.status in ("proved", "assumed"):
            print(f"      (depends on unproved step(s): {', '.join(s.depends_on_unproved)})")
    if report.trusted:
        print("  trusted (cited or assumed):")
        for t in out.get("trusted") or report.trusted:
            print(f"    - {t}")
    for w in out.get("warnings", []):
        print(f"  warning: {w}")
    if out.get("refused"):
        print(f"  refused: {out['refused']}")


# ---------------------------------------------------------------------------- compose

def cmd_compose(args: argparse.Namespace) -> int:
    from derive.compose import compose_theorem

    proof = _load(Path(args.path))
    from derive.kernel.rules import rule_names

    proof.validate(rule_names())
    result = compose_theorem(proof)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(result.text())
    return EXIT_OK if result.status == "proved" else EXIT_NO


# ---------------------------------------------------------------------------- prove

def _parse_hypothesis(text: str, ctx):
    from derive.errors import ParseError
    from derive.io import parse_function_of, parse_independence, parse_markov

    if "->" in text:
        return parse_markov(text, ctx)
    if "_|_" in text:
        return parse_independence(text, ctx)
    if "=" in text:
        return parse_function_of(text, ctx)
    raise ParseError(f"cannot tell what kind of hypothesis {text!r} is: expected 'A -> B -> C', "
                     "'A _|_ B | C' or 'Y = f(X)'", file="--given")


def cmd_prove(args: argparse.Namespace) -> int:
    from derive.io import ParseContext, parse_statement
    from derive.printing.certificate import certificate_latex, certificate_text
    from derive.provers.shannon import MAX_FULL_VARIABLES, MAX_VARIABLES, prove

    ctx = ParseContext(auto_variables=True, file="CLAIM")
    claim = parse_statement(args.claim, ctx)
    hyps = {}
    for k, text in enumerate(args.given):
        hyps[f"given{k + 1}"] = _parse_hypothesis(text, ParseContext(variables=ctx.variables, auto_variables=True,
                                                                      file=f"--given #{k + 1}"))
    if args.max_variables is not None and args.max_variables < 1:
        raise InvalidArgument(f"Expected --max-variables >= 1 but got {args.max_variables}")
    full = MAX_FULL_VARIABLES if args.max_full_variables is None else args.max_full_variables
    if full < 0:
        raise InvalidArgument(f"Expected --max-full-variables >= 0 but got {full}")
    if full > MAX_FULL_LIMIT:
        raise LimitExceeded(f"--max-full-variables is at most {MAX_FULL_LIMIT} (the full elemental LP on "
                            f"{full} variables would not fit in memory) but got {full}")
    if not args.timeout > 0:
        raise InvalidArgument(f"Expected --timeout > 0 but got {args.timeout}")
    if not 0 <= args.copy_steps <= 2:
        raise InvalidArgument(f"Expected --copy-steps in 0..2 but got {args.copy_steps}")
    if not args.copy_timeout > 0:
        raise InvalidArgument(f"Expected --copy-timeout > 0 but got {args.copy_timeout}")
    from derive.checking import StepBudget
    from derive.errors import StepTimeout

    budget = _check_timeout(args.timeout, 60.0)  # inf: no budget
    try:
        with StepBudget(budget, "prove", what="the claim"):  # a hard wall; the prover also checks between stages
            res = prove(claim, hyps, timeout=budget or float("inf"), max_variables=args.max_variables or MAX_VARIABLES,
                        max_full_variables=full, seed=args.seed, copy_steps=args.copy_steps,
                        copy_timeout=args.copy_timeout)
    except StepTimeout:
        raise LimitExceeded(f"the Shannon prover ran out of its time budget ({budget:g} s; raise it with "
                            "--timeout SECONDS)") from None
    if args.json:
        print(json.dumps(res.to_json(), indent=2))
    else:
        print(f"{res.status}: {_statement_text(claim, 'bits')}")
        if hyps:
            print("  given: " + "; ".join(str(h) for h in hyps.values()))
        if res.copy is not None:
            from derive.printing.document import copy_steps_text

            print(("% " if args.latex else "  ") + "non-Shannon: the copy lemma (Zhang & Yeung 1998) with "
                  + copy_steps_text(res.copy.steps, math=args.latex))
        if res.certificate is not None:
            print(certificate_latex(claim, res.certificate) if args.latex else certificate_text(claim, res.certificate))
        if res.counterexample is not None:
            ce = res.counterexample
            label = (f"certified violation, {ce.get('method')}: slack in {ce.get('slack_enclosure')}"
                     if ce.get("certified") is True else "numerical violation, not certified")
            print(f"  counterexample ({label}): " + json.dumps(ce))
        if res.message and res.status != "proved":
            print(f"  {res.message}")
    return EXIT_OK if res.status == "proved" else EXIT_NO


# ---------------------------------------------------------------------------- rules

def rules_markdown() -> str:
    """The rule reference (docs/rules.md), generated from the kernel's registry."""
    from derive.kernel import RULES

    lines = ["# derive rules", "",
             "Generated by `derive rules --markdown` from the kernel's rule registry; do not edit by hand.", ""]
    for name in sorted(RULES):
        r = RULES[name]
        doc = (r.function.__doc__ or "").strip().splitlines()[0]
        lines += [f"## `{name}`", "", f"*{doc}*", "", f"- statement: {r.statement}",
                  f"- Python: `{r.function.__module__}.{r.python_name}`", f"- reference: {r.reference}"]
        if r.needs:
            lines.append(f"- needs: {r.needs}")
        lines.append("")
    return "\n".join(lines)


def cmd_rules(args: argparse.Namespace) -> int:
    from derive.kernel import RULES

    if args.markdown:
        print(rules_markdown())
    elif args.json:
        print(json.dumps({"rules": [{"name": n, "statement": r.statement, "reference": r.reference,
                                     "python": r.python_name} for n, r in sorted(RULES.items())]}, indent=2))
    else:
        for n, r in sorted(RULES.items()):
            print(f"{n:<16} {r.statement}")
    return EXIT_OK


# ---------------------------------------------------------------------------- main

#: Subcommands that read no user input: an unexpected error there is derive's own (exit 3).
_NO_INPUT_COMMANDS = frozenset({"rules"})


def _input_names(args: argparse.Namespace) -> str:
    """``"FILE: "`` (or the claim) an unexpected error was triggered by, for the message; ``""`` if unknown."""
    names = [str(p) for p in (getattr(args, "paths", None) or [])]
    for key in ("path", "claim"):
        value = getattr(args, key, None)
        if isinstance(value, (str, Path)) and value:
            names.append(str(value))
    return f"{_clip(', '.join(names), 120)}: " if names else ""


def _clip(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if argv is not None and any("\x00" in str(a) for a in argv):
        # a shell cannot pass a NUL byte; in-process callers get the same one-line refusal
        print("derive: error: an argument contains a NUL character", file=sys.stderr)
        return EXIT_INPUT
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except DeriveError as err:
        print(f"derive: {err}", file=sys.stderr)
        return err.exit_code
    except RecursionError:
        print("derive: the input nests too deeply to process", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. `derive eta ... | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except OSError as err:  # a path the user named cannot be read or written: bad input, not a bug
        where = f"{_clip(os.fsdecode(err.filename))}: " if err.filename is not None else ""
        print(f"derive: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:  # a bug in derive; on user input still exit 2 (bad input), never 3
        if os.environ.get("DERIVE_DEBUG"):
            traceback.print_exc()
        print(f"derive: {_input_names(args)}internal error ({type(err).__name__}: {_clip(str(err))}); please report "
              "it (DERIVE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL if args.command in _NO_INPUT_COMMANDS else EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
