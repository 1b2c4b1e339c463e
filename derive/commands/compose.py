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
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(result.text())
    return EXIT_OK if result.status == "proved" else EXIT_NO

