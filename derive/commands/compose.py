"""``derive compose PATH``: the bound the theorem's listed steps compose to."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from derive.commands._common import EXIT_NO, EXIT_OK

__all__ = ["register", "cmd_compose"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``compose`` subcommand."""
    k = subparsers.add_parser("compose", help="print the bound the theorem's listed steps compose to")
    k.add_argument("path", metavar="PATH")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_compose)


def cmd_compose(args: argparse.Namespace) -> int:
    from derive.compose import compose_theorem
    from derive.io import read_proof

    proof = read_proof(Path(args.path))
    from derive.kernel.rules import rule_names

    proof.validate(rule_names())
    result = compose_theorem(proof)
    out = result.to_json()
    # the file grammar and the author's argument order (proof.written), as in derive check
    from derive.commands._common import statement_text
    from derive.printing.latex import latex

    out["bound"] = statement_text(result.statement, proof.units, proof.written)
    out["latex"] = latex(result.statement, written=proof.written)
    if result.theorem is not None:
        out["theorem"] = statement_text(result.theorem, proof.units, proof.written)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(result.text(out["bound"], out.get("theorem"), out["latex"]))
    # exit 0 only when the composed bound and the file's theorem (when it has one) are both proved
    theorem_ok = result.theorem is None or result.theorem_status == "proved"
    return EXIT_OK if result.status == "proved" and theorem_ok else EXIT_NO

