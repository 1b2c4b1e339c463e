"""``derive graph PATH [-o FILE.dot | FILE.svg | FILE.png | FILE.pdf]``.

Checks the proof with the kernel and draws its dependency graph: hypotheses, steps and the
theorem, colored by status, edges labeled with the rule. Without ``-o`` (or with ``.dot``/``.gv``)
the DOT text is written; image suffixes are rendered with Graphviz's ``dot``. Exit code 0 when
the proof is proved, 1 when it is not (the graph is still drawn), 2 for bad input or no ``dot``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from derive.errors import InvalidArgument

__all__ = ["register", "cmd_graph"]

_TEXT_SUFFIXES = (".dot", ".gv")


def register(subparsers) -> None:
    p = subparsers.add_parser("graph", help="draw a proof's dependency graph, colored by the kernel's verdicts")
    p.add_argument("path", metavar="PATH", help="a proof file (.toml)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="FILE.dot or FILE.gv (DOT text), FILE.svg, FILE.png or FILE.pdf (needs Graphviz); "
                        "default: DOT on stdout")
    p.add_argument("--strict", action="store_true", help="check in strict mode (cited lemmas are not accepted)")
    p.add_argument("--json", action="store_true", help="print one JSON object (status, output, nodes) on stdout")
    p.set_defaults(func=cmd_graph)


def cmd_graph(args: argparse.Namespace) -> int:
    from derive.checking import check_file
    from derive.io import format_hypothesis, format_statement
    from derive.core.statements import Statement
    from derive.printing.graph import IMAGE_FORMATS, render_dot, status_graph, to_dot

    out = Path(args.output) if args.output else None
    if out is not None:
        suffix = out.suffix.lower()
        if suffix not in _TEXT_SUFFIXES and suffix.lstrip(".") not in IMAGE_FORMATS:
            raise InvalidArgument(f"Expected -o FILE with a suffix in .dot, .gv, "
                                  f"{', '.join('.' + f for f in IMAGE_FORMATS)} but got {str(out)!r}")
    checked = check_file(Path(args.path), strict=args.strict)
    proof, report = checked.proof, checked.report

    def text(obj) -> str:
        try:
            if isinstance(obj, Statement):
                return format_statement(obj, proof.units, proof.written)
            return format_hypothesis(obj, proof.units, proof.written)[1]
        except Exception:  # noqa: BLE001 - a label: fall back to sympy's text
            return str(obj)

    g = status_graph(proof, report, text=text)
    dot = to_dot(g, name=proof.name, title=f"{proof.name}: {report.status}")
    if out is None:
        written = None
        if not args.json:
            sys.stdout.write(dot)
    elif out.suffix.lower() in _TEXT_SUFFIXES:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dot, encoding="utf-8")
        written = out
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        written = render_dot(dot, out)
    if args.json:
        print(json.dumps({"file": args.path, "status": report.status, "output": str(written) if written else None,
                          "dot": dot if written is None else None,
                          "nodes": [{"id": n, "kind": d.get("kind"), "status": d.get("status")}
                                    for n, d in g.nodes(data=True)],
                          "edges": [{"from": u, "to": v, "rule": d.get("label")} for u, v, d in g.edges(data=True)]},
                         indent=2))
    elif written is not None:
        print(f"wrote {written} ({report.name}: {report.status})")
    return 0 if report.status == "proved" else 1
