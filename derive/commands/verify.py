"""``derive verify PATH... [--samples N] [--seed S] [--dps D] [--json]``: numeric falsification of proofs.

Every step and the theorem is evaluated on ``N`` exact models of the proof's hypotheses
(:func:`derive.numeric.verify.verify_proof`). Statuses are ``tested`` (never ``proved``),
``failed`` (with a shrunk counterexample whose violation is certified by interval arithmetic on the
exact model), ``suspected`` (numerically false on a model, but the violation could not be certified:
a *suspected violation*, not a counterexample) and ``skipped`` (with the reason).

Exit codes: 0 no counterexample and no suspected violation; 1 a counterexample (or a suspected
violation) was found; 2 bad input (unreadable or structurally wrong proof, hypotheses that no finite
model realizes) — the message names the file, line and step.

JSON (``--json``)::

    {"proofs": [{"file": ..., "name": ..., "status": ..., "steps": [
        {"id": ..., "status": "tested" | "failed" | "suspected" | "skipped", "samples": N_evaluated,
         "counterexample": null | {"joint": {...}, "params": {...}, "lhs": ..., "rhs": ...},
         "certified": true | false, "certification": "interval" | null, "slack_enclosure": "[... +/- ...]",
         "verdict": "certified violation" | "numerical violation, not certified", ...}]}]}

(the certification keys appear with a counterexample only).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from derive.errors import DeriveError, InvalidArgument, LimitExceeded

#: Largest ``--max-cells`` (the joint-table cap of :mod:`derive.numeric.distributions`, 2^22).
MAX_CELLS_LIMIT = 4_194_304
#: Largest ``--max-alphabet``.
MAX_ALPHABET_LIMIT = 8
#: The default joint-table cap of drawn models (``derive.numeric.models.MAX_CELLS``, repeated here so that
#: building the parser does not import sympy; a test keeps the two equal).
DEFAULT_MAX_CELLS = 4096

__all__ = ["register", "cmd_verify", "verify_paths", "verify_one", "annotate_check"]

EXIT_OK, EXIT_NO, EXIT_INPUT = 0, 1, 2


def register(subparsers) -> None:
    """Add the ``verify`` subcommand."""
    v = subparsers.add_parser(
        "verify", help="test every step numerically on exact models of the hypotheses (tested, never proved)",
        description="Evaluate every step and the theorem on N exact models drawn from the proof's hypotheses; "
                    "report counterexamples (shrunk to small alphabets). Exit 1 if any step is false on a model.")
    v.add_argument("paths", nargs="+", metavar="PATH", help="proof files or folders of *.toml")
    v.add_argument("--samples", type=int, default=200, metavar="N", help="models per proof (default 200)")
    v.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the draws (default 0)")
    v.add_argument("--dps", type=int, default=50, metavar="D",
                   help="decimal digits of the mpmath confirmation (default 50)")
    v.add_argument("--no-shrink", action="store_true", help="report counterexamples as found, unshrunk")
    v.add_argument("--max-cells", type=int, default=None, metavar="N",
                   help=f"cells of a drawn model's joint table (default {DEFAULT_MAX_CELLS}, at most {MAX_CELLS_LIMIT})")
    v.add_argument("--max-alphabet", type=int, default=None, metavar="K",
                   help=f"alphabet size of a drawn free variable (default 3, at most {MAX_ALPHABET_LIMIT})")
    v.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    v.set_defaults(func=cmd_verify)


def _check_options(args: argparse.Namespace) -> None:
    if args.samples < 1:
        raise InvalidArgument(f"Expected --samples >= 1 but got {args.samples}")
    if args.samples > 100_000:
        raise LimitExceeded(f"--samples is at most 100000 but got {args.samples}")
    if not 15 <= args.dps <= 1000:
        raise InvalidArgument(f"Expected 15 <= --dps <= 1000 but got {args.dps}")
    cells, alphabet = getattr(args, "max_cells", None), getattr(args, "max_alphabet", None)
    if cells is not None and not 16 <= cells <= MAX_CELLS_LIMIT:
        raise (LimitExceeded if cells > MAX_CELLS_LIMIT else InvalidArgument)(
            f"Expected 16 <= --max-cells <= {MAX_CELLS_LIMIT} but got {cells}")
    if alphabet is not None and not 2 <= alphabet <= MAX_ALPHABET_LIMIT:
        raise (LimitExceeded if alphabet > MAX_ALPHABET_LIMIT else InvalidArgument)(
            f"Expected 2 <= --max-alphabet <= {MAX_ALPHABET_LIMIT} but got {alphabet}")


def verify_one(path: Path, samples: int = 200, seed: int = 0, dps: int = 50, shrink: bool = True, *,
               max_cells: int | None = None, max_alphabet: int | None = None):
    """Read, validate and verify one proof file; returns the :class:`~derive.numeric.verify.VerifyReport`.

    Raises
    ------
    DeriveError
        Bad input (with ``file`` set): parse errors, structural errors, unrealizable hypotheses.
    """
    from derive.io import read_proof
    from derive.kernel.rules import rule_names
    from derive.numeric.verify import verify_proof
    from derive.provers.refute_steps import refute_tested_steps

    try:
        proof = read_proof(path)
        proof.validate(rule_names())
        report = verify_proof(proof, samples=samples, seed=seed, dps=dps, shrink=shrink, max_cells=max_cells,
                              max_alphabet=max_alphabet)
        return refute_tested_steps(proof, report, seed)  # the prover's exact models, beyond the drawn alphabets
    except RecursionError:
        raise LimitExceeded("the input nests too deeply to process", file=str(path)) from None
    except DeriveError as err:
        if err.file is None:
            err.file = str(path)
        raise


def verify_paths(paths, samples: int = 200, seed: int = 0, dps: int = 50, shrink: bool = True,
                 on_report=None, *, max_cells: int | None = None, max_alphabet: int | None = None,
                 progress_bar: bool = False) -> tuple[list[dict], int]:
    """Verify every proof file under ``paths``; returns ``(json rows, exit code)``. ``progress_bar``: a bar over
    the files on stderr (for a terminal)."""
    from derive.commands._common import progress
    from derive.io import find_proof_files

    files = find_proof_files([Path(p) for p in paths])
    files = progress(files, total=len(files), desc="derive verify", enabled=progress_bar and len(files) > 1)
    rows: list[dict] = []
    worst = EXIT_OK
    for f in files:
        try:
            report = verify_one(f, samples, seed, dps, shrink, max_cells=max_cells, max_alphabet=max_alphabet)
        except DeriveError as err:
            code = err.exit_code if err.exit_code != EXIT_NO else EXIT_INPUT
            worst = max(worst, code)
            rows.append({"file": str(f), "status": "error", "error": str(err), "steps": []})
            if on_report is not None:
                on_report(f, None, err)
            continue
        row = report.to_json()
        row["file"] = str(f)
        rows.append(row)
        if report.failures() or report.suspicions():
            worst = max(worst, EXIT_NO)
        if on_report is not None:
            on_report(f, report, None)
    return rows, worst


def annotate_check(out: dict, checked, samples: int, seed: int = 0, dps: int = 50) -> list:
    """For ``derive check --verify N``: verify ``checked.proof`` numerically and add the verdicts to the check row.

    Adds ``out["verify"]`` (the :class:`~derive.numeric.verify.VerifyReport` as JSON, or ``{"error": ...}`` when
    the hypotheses cannot be realized) and ``out["kernel_bugs"]`` (steps the kernel *proved* that a model
    contradicts). Prints every disagreement loudly on stderr and returns them
    (:class:`~derive.numeric.verify.KernelDisagreement`); the caller exits 1 if any has ``kernel_bug``.
    """
    from derive.numeric.verify import verify_proof, verify_report_against_kernel

    try:
        vreport = verify_proof(checked.proof, samples=samples, seed=seed, dps=dps)
    except DeriveError as err:
        out["verify"] = {"error": str(err)}
        out["kernel_bugs"] = []
        return []
    out["verify"] = vreport.to_json()
    issues = verify_report_against_kernel(checked.report, vreport)
    out["kernel_bugs"] = [i.to_json() for i in issues if i.kernel_bug]  # each says whether it is "certified"
    for i in issues:
        bar = "!" * 78
        print(f"{bar}\nderive: {out.get('file', '')}: {i.message}\n{bar}" if i.kernel_bug
              else f"derive: {out.get('file', '')}: {i.message}", file=sys.stderr)
    return issues


_MARK = {"tested": "tested", "failed": "FAILED", "suspected": "SUSPECTED", "skipped": "skipped"}


def _print_report(path: Path, report, err: DeriveError | None) -> None:
    if err is not None:
        print(f"derive: {err}", file=sys.stderr)
        return
    tested = sum(1 for s in report.steps if s.status == "tested")
    part = f"{tested} of {len(report.steps)} steps tested, " if report.status == "partly tested" else ""
    print(f"{path}: {report.name} — {report.status} ({part}{report.models} models, seed {report.seed}, "
          f"{report.seconds:.1f} s)")
    width = max([len(s.id) for s in report.steps] + [4])
    for s in report.steps:
        print(f"  {s.id:<{width}}  {_MARK.get(s.status, s.status):<8}  {s.samples:>5} models  {s.claim}")
        if s.reason and s.status != "tested":
            print(f"      {s.reason}")
        elif s.reason:
            print(f"      ({s.reason})")
        if s.counterexample is not None:
            ce = s.counterexample
            head = "counterexample (certified violation)" if ce.certified else \
                "suspected violation (numerical violation, not certified)"
            print(f"      {head}" + (" (shrunk)" if ce.shrunk else "") + ":")
            for line in ce.text().splitlines():
                print(f"        {line}")
            if not ce.hypotheses_hold:  # pragma: no cover - models satisfy their hypotheses by construction
                print("        WARNING: the model violates a hypothesis (a bug in derive's model builder)")


def cmd_verify(args: argparse.Namespace) -> int:
    _check_options(args)
    printer = None if args.json else _print_report
    from derive.commands._common import Spinner, show_progress

    bar = show_progress(args.json)
    single = len(args.paths) == 1 and Path(args.paths[0]).is_file()
    with Spinner(f"derive verify: {args.samples} models", bar and single):
        rows, code = verify_paths(args.paths, args.samples, args.seed, args.dps, not args.no_shrink, printer,
                                  max_cells=args.max_cells, max_alphabet=args.max_alphabet, progress_bar=bar)
    if args.json:
        print(json.dumps({"proofs": rows}, indent=2, default=str))
    elif len(rows) > 1:
        failed = sum(1 for r in rows if r.get("status") == "failed")
        suspected = sum(1 for r in rows if r.get("status") == "suspected")
        errors = sum(1 for r in rows if r.get("status") == "error")
        print(f"\n{len(rows) - failed - suspected - errors}/{len(rows)} proofs without counterexample"
              + (f", {failed} with counterexamples" if failed else "")
              + (f", {suspected} with suspected violations (not certified)" if suspected else "")
              + (f", {errors} not verifiable" if errors else ""))
    return code
