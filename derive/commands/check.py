"""``derive check PATH...``: check proof files (or folders of ``*.toml``) with the trusted kernel."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from derive.commands._common import EXIT_INPUT, EXIT_NO, EXIT_OK, check_timeout, clip, statement_text
from derive.errors import DeriveError, InvalidArgument, LimitExceeded
from derive.printing import shown_status

__all__ = ["register", "cmd_check"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``check`` subcommand."""
    c = subparsers.add_parser("check", help="check proof files with the trusted kernel")
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


def _step_json(step) -> dict:
    """One kernel step result as JSON: id, rule, status, message, and the optional fields that are set."""
    from derive.printing.certificate import certificate_legend

    out = {"id": step.id, "rule": step.rule, "status": step.status, "message": step.message}
    optional = {"where": certificate_legend(step.certificate), "claim": step.claim, "premises": list(step.premises),
                "trusted": [str(t) for t in step.trusted], "error": step.error, "expected": step.expected, "got": step.got, "suggestion": step.suggestion,
                "line": step.line, "depends_on_unproved": list(step.depends_on_unproved)}
    for key, value in optional.items():
        if value is not None and value != [] and value != "":
            out[key] = value if isinstance(value, (list, int)) else str(value)
    return out


def report_json(report) -> dict:
    """The kernel's report as JSON (``derive check --json``), before the file-notation pass of :func:`_check_file`."""
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    return {"file": report.file, "name": report.name, "status": report.status, "conclusion": report.conclusion,
            "steps": [_step_json(s) for s in rows], "trusted": [str(t) for t in report.trusted],
            "warnings": list(report.warnings)}


def _check_file(path: Path, strict: bool, verify: int = 0, timeout: float | None = None) -> tuple[dict, Any]:
    from derive.checking import check_file

    checked = check_file(path, strict=strict, timeout=timeout)
    report, proof = checked.report, checked.proof
    out = report_json(report)
    out["file"] = str(path)
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    for row, js in zip(rows, out["steps"]):
        if row.claim is not None:
            js["claim"] = statement_text(row.claim, proof.units, proof.written)
    if report.theorem is not None and report.theorem.claim is not None:
        out["conclusion"] = statement_text(report.theorem.claim, proof.units, proof.written)
    from derive.io.writer import format_trusted

    out["trusted"] = [format_trusted(t, proof.units, proof.written) for t in report.trusted]  # as the author wrote them
    from derive.io.writer import format_value

    for row, js in zip(rows, out["steps"]):
        if js.get("trusted"):
            js["trusted"] = [format_trusted(t, proof.units, proof.written) for t in row.trusted]
        for key in ("message", "expected", "got", "suggestion"):  # one notation: the file grammar
            if js.get(key) is not None:
                js[key] = format_value(getattr(row, key), proof.units, proof.written)
    warnings = list(checked.warnings) + [w for w in getattr(report, "warnings", []) if w not in checked.warnings]
    if warnings:
        out["warnings"] = warnings
    if strict:
        refused = strict_refusals(report)
        if refused:
            out["refused_steps"] = refused
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

    timeout = check_timeout(args.timeout, DEFAULT_STEP_TIMEOUT)
    files = find_proof_files([Path(p) for p in args.paths])
    if not files:
        raise InvalidArgument("no proof files: " + ", ".join(args.paths) + " contain"
                              + ("s" if len(args.paths) == 1 else "") + " no .toml files")
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
            msg = (f"{f}: internal error ({type(bug).__name__}: {clip(str(bug))}); please report it "
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


def strict_refusals(report) -> list[dict]:
    """Under ``--strict``: each step the proof needs (and the theorem) that is not kernel-proved outright, with why:
    ``tested`` (numerics only), ``assumed``, or proved only through trusted facts (cited lemmas, assumptions)."""
    needed = [s for s in report.steps if s.id in report.needed] + ([report.theorem] if report.theorem else [])
    out = []
    for s in needed:
        if s.status == "tested":
            out.append({"id": s.id, "reason": "tested on numeric models only, not proved by the kernel"})
        elif s.status == "assumed":
            out.append({"id": s.id, "reason": "assumed (a hypothesis or cited lemma), not proved"})
        elif s.trusted and s.status == "proved":
            names = "; ".join(t.hypothesis or t.citation for t in s.trusted)
            out.append({"id": s.id, "reason": f"relies on trusted facts the kernel did not check ({names})"})
    return out


_MARK = {"proved": "ok", "assumed": "assumed", "tested": "TESTED", "failed": "FAILED", "unchecked": "UNCHECKED",
         "conditional": "CONDITIONAL"}


def _print_report(out: dict, report, verbose: bool) -> None:
    print(f"{out['file']}: {report.name} — {report.status}")
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    width = max([len(s.id) for s in rows] + [4])
    rwidth = max([len(s.rule) for s in rows] + [4])
    claims = {js["id"]: js.get("claim", "") for js in out["steps"]}
    shown = {js["id"]: js for js in out["steps"]}  # fields in the file grammar
    for s in rows:
        mark = _MARK.get(shown_status(s), s.status)
        line = f"  {s.id:<{width}}  {s.rule:<{rwidth}}  {mark:<11}  {claims.get(s.id, s.claim)}"
        print(line)
        if s.status in ("failed", "unchecked", "tested") or verbose:
            js = shown.get(s.id, {})
            if s.message:
                print(f"      {js.get('message', s.message)}")
            for line in js.get("where", []):
                print(f"        where {line}")
            if s.expected is not None:
                print(f"      expected: {js.get('expected', s.expected)}")
            if s.got is not None and s.status == "failed":
                print(f"      got:      {js.get('got', s.got)}")
            if s.suggestion:
                print(f"      hint: {js.get('suggestion', s.suggestion)}")
        if s.depends_on_unproved and s.status in ("proved", "assumed"):
            print(f"      (its own inference is valid, but it rests on unproved step(s): {', '.join(s.depends_on_unproved)})")
    if report.trusted:
        print("  trusted (cited or assumed):")
        for t in out.get("trusted") or report.trusted:
            print(f"    - {t}")
    for r in out.get("refused_steps", []):
        print(f"  refused by --strict: {r['id']}: {r['reason']}")
    for w in out.get("warnings", []):
        print(f"  warning: {w}")
    if out.get("refused"):
        print(f"  refused: {out['refused']}")

