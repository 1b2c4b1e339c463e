"""``derive audit PATH... [--json] [--seed S] [--max-mutants N] [--samples K] [--jobs J]``: mutation testing.

Every proof is mutated (a relation flipped, a constant or coefficient scaled, variables swapped,
a hypothesis dropped or changed, a premise dropped, the theorem strengthened; see
:mod:`derive.audit.mutate`) and each mutant goes through the kernel and, when the kernel accepts
it, through numeric verification (:mod:`derive.audit.run`). Verdicts:

* ``killed`` — the kernel rejects the mutated step, the theorem or the proof (or its structure);
* ``accepted_true`` — the kernel accepts it and no counterexample was found (a weaker or
  equivalent statement);
* ``survivor`` — the kernel accepts it but a model of the hypotheses contradicts it: a soundness bug.

Exit codes: 0 no survivor; 1 a survivor (printed with its counterexample); 2 bad input.

``derive audit --generate N [--seed S] [--samples K] [--json]``: the independent oracle
(:mod:`derive.audit.generate`). N random proof files (every rule, edge-case parameters and ranges,
mostly plausible-but-false claims) go through the kernel; every step it accepts (``proved``, or
``assumed`` by a cited fact) is evaluated on up to K concrete models of the hypotheses by
:mod:`derive.audit.semantics`, which implements DESIGN.md's written semantics without the kernel.
A certified violation is a *false accept* (exit 1, printed with its minimal proof text and the model);
hypotheses with no model are counted apart (vacuous accepts), as are uncertified suspicions and
accepted claims that are undefined on a model. JSON: ``{"files", "steps", "accepted", "per_rule",
"false_accepts": [...], "no_model_files", "vacuous_accepts", "suspects", "undefined_accepts", ...}``.

JSON (``--json``)::

    {"mutants": N, "killed": K, "accepted_true": A, "survivors": [{"proof", "file", "id", "operator",
     "description", "step", "reason", "counterexample": {...}, "proof_text": "..."}], "kill_rate": K / N,
     "proofs": [...], "operators": {...}, "accepted": [...], "errors": [...], "seconds": ...}
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["register", "cmd_audit"]

EXIT_OK, EXIT_NO, EXIT_INPUT = 0, 1, 2


def register(subparsers) -> None:
    """Add the ``audit`` subcommand."""
    a = subparsers.add_parser(
        "audit", help="mutation testing of proofs: every mutant the kernel accepts must be true",
        description="Generate mutants of every proof (flipped relations, scaled constants and coefficients, "
                    "swapped variables, dropped or changed hypotheses and premises, stronger theorems), run each "
                    "through the kernel and, when accepted, through numeric verification. Exit 1 if a mutant "
                    "the kernel accepts is false on a model of its hypotheses (a soundness bug).")
    a.add_argument("paths", nargs="*", metavar="PATH", help="proof files or folders of *.toml (not with --generate)")
    a.add_argument("--generate", type=int, default=None, metavar="N",
                   help="instead of mutating PATHs, generate N random proof files and test every step the kernel "
                        "accepts on concrete models with an independent evaluator (exit 1 on a false accept)")
    a.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    a.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed of the mutant sample, of the rules tried and of the models (default 0)")
    a.add_argument("--max-mutants", type=int, default=None, metavar="N",
                   help="at most N mutants per proof, a seeded sample (default: all)")
    a.add_argument("--samples", type=int, default=None, metavar="K",
                   help="models per numeric verification of an accepted mutant (default 12); with --generate, models "
                        "per generated file (default 6)")
    a.add_argument("--jobs", "-j", type=int, default=None, metavar="J",
                   help="proofs audited in parallel (default: the number of CPUs, at most 4)")
    a.add_argument("--full-check", action="store_true",
                   help="also run the full `derive check` driver on every mutant and report any disagreement "
                        "with the audit's incremental kernel run (slower)")
    a.add_argument("--no-shrink", action="store_true", help="report survivors' counterexamples as found, unshrunk")
    a.add_argument("--verbose", "-v", action="store_true", help="also list the accepted mutants")
    a.set_defaults(func=cmd_audit)


def _options(args: argparse.Namespace) -> tuple[int, int | None, int, int]:
    from derive.audit import DEFAULT_SAMPLES

    samples = DEFAULT_SAMPLES if args.samples is None else args.samples
    if samples < 1:
        raise InvalidArgument(f"Expected --samples >= 1 but got {samples}")
    if samples > 10_000:
        raise LimitExceeded(f"--samples is at most 10000 but got {samples}")
    if args.max_mutants is not None and args.max_mutants < 1:
        raise InvalidArgument(f"Expected --max-mutants >= 1 but got {args.max_mutants}")
    jobs = args.jobs if args.jobs is not None else max(1, min(4, os.cpu_count() or 1))
    if jobs < 1:
        raise InvalidArgument(f"Expected --jobs >= 1 but got {jobs}")
    return args.seed, args.max_mutants, samples, jobs


def cmd_audit(args: argparse.Namespace) -> int:
    from derive.audit import audit_paths

    if args.generate is not None:
        return _cmd_generate(args)
    if not args.paths:
        raise InvalidArgument("Expected PATH... or --generate N")

    seed, max_mutants, samples, jobs = _options(args)
    from derive.commands._common import Spinner, show_progress

    with Spinner("derive audit: mutating and checking", show_progress(args.json)):
        report = audit_paths(args.paths, seed=seed, max_mutants=max_mutants, samples=samples, jobs=jobs,
                             shrink=not args.no_shrink, full_check=args.full_check)
    bad_input = [p for p in report.proofs if p.base_status == "error"]
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        _print(report, args.verbose)
    for p in bad_input:
        print(f"derive: {p.error}", file=sys.stderr)
    if report.survivors():
        return EXIT_NO
    return EXIT_INPUT if bad_input else EXIT_OK


def _print(report, verbose: bool) -> None:
    width = max([len(p.name) for p in report.proofs] + [5])
    print(f"{'proof':<{width}}  mutants  killed  accepted_true  survivors")
    for p in report.proofs:
        if p.base_status == "error":
            print(f"{p.name:<{width}}  error: {p.error}")
            continue
        note = "" if p.base_status == "proved" else f"  (the unmutated proof is {p.base_status})"
        print(f"{p.name:<{width}}  {len(p.results):>7}  {p.count('killed'):>6}  {p.count('accepted_true'):>13}  "
              f"{p.count('survivor'):>9}{note}")
    n = report.mutants
    print(f"\n{n} mutants: {report.count('killed')} killed ({100 * report.kill_rate:.1f}%), "
          f"{report.count('accepted_true')} accepted and true, {len(report.survivors())} survivors "
          f"({report.seconds:.1f}s, seed {report.seed}, {report.samples} models per verification)")
    for p, r in report.survivors():
        print(f"\nSURVIVOR {r.id} ({p.file}): {r.description}")
        print(f"  {r.reason}")
        if r.counterexample_text:
            for line in r.counterexample_text.splitlines():
                print(f"    {line}")
    for p, r in report.errors():
        print(f"\nwarning: {r.id} ({p.file}): {r.description}: {r.error}")
    if verbose:
        print("\naccepted (and true on every model tried):")
        for p in report.proofs:
            for r in p.results:
                if r.verdict == "accepted_true":
                    print(f"  {r.id}: {r.description} — {r.reason}")


def _cmd_generate(args: argparse.Namespace) -> int:
    from derive.audit.generate import run_generated

    if args.paths:
        raise InvalidArgument("Expected either PATH... or --generate N, not both")
    if args.generate < 1:
        raise InvalidArgument(f"Expected --generate >= 1 but got {args.generate}")
    if args.generate > 10_000_000:
        raise LimitExceeded(f"--generate is at most 10000000 but got {args.generate}")
    samples = 6 if args.samples is None else args.samples
    if not 1 <= samples <= 1000:
        raise InvalidArgument(f"Expected 1 <= --samples <= 1000 but got {samples}")

    from derive.commands._common import show_progress

    bar = None
    if show_progress(args.json):
        from tqdm import tqdm

        bar = tqdm(total=args.generate, desc="derive audit --generate", unit="file", leave=False, dynamic_ncols=True)

    def progress(k: int, res) -> None:
        if bar is not None:
            bar.update(1)
        elif not args.json and args.verbose and (k + 1) % 100 == 0:
            print(f"  {k + 1} files", file=sys.stderr, flush=True)

    try:
        report = run_generated(args.generate, args.seed, models=samples, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        _print_generated(report, args.verbose)
    return EXIT_NO if report.false_accepts else EXIT_OK


def _print_generated(rep, verbose: bool) -> None:
    print(f"{rep.files} proof files generated (seed {rep.seed}) in {rep.seconds:.1f}s: {rep.steps} steps, "
          f"{rep.accepted} accepted by the kernel, {rep.tested} tested on models; {rep.read_errors} files refused "
          f"by the reader")
    print(f"{len(rep.false_accepts)} false accepts; {rep.no_model_files} files with no model "
          f"({rep.vacuous_accepts} vacuous accepts); {len(rep.suspects)} uncertified suspicions; "
          f"{len(rep.undefined_accepts)} accepted claims undefined on a model (and {rep.flagged_undefined} more the "
          f"report warns may name variables outside their range); {len(rep.errors)} internal errors")
    print(f"\n{'rule':<16} " + " ".join(f"{s:>9}" for s in ("proved", "assumed", "failed", "other")))
    for rule in sorted(rep.per_rule):
        c = rep.per_rule[rule]
        other = sum(v for k, v in c.items() if k not in ("proved", "assumed", "failed"))
        print(f"{rule:<16} {c.get('proved', 0):>9} {c.get('assumed', 0):>9} {c.get('failed', 0):>9} {other:>9}")
    for fa in rep.false_accepts:
        print(f"\nFALSE ACCEPT file {fa['file']} (seed {fa['seed']}, {fa['scenario']}), step {fa['step']} "
              f"({fa['rule']}): {fa['claim']}")
        print(f"  violated on: {json.dumps(fa['model'])}  ({fa['detail']})")
        for line in fa["proof_text"].splitlines():
            print(f"    {line}")
    if verbose:
        for kind, items in (("SUSPECT", rep.suspects), ("UNDEFINED", rep.undefined_accepts)):
            for x in items:
                print(f"\n{kind} file {x['file']} step {x['step']} ({x['rule']}): {x['claim']}: {x['detail']}")
        for e in rep.errors:
            print(f"\nERROR file {e['file']}: {e['error']}")
