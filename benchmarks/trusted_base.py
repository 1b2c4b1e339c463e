"""Size of the trusted base: lines of code of ``derive/kernel/`` and ``derive/core/``.

A line of code is a non-blank line that holds something other than a comment or a docstring (cloc's convention
for Python). Run ``python benchmarks/trusted_base.py``; README's "Trusted base" paragraph quotes these totals and
``tests/test_trusted_base_doc.py`` keeps it in step.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "derive"
_SKIP = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)


def lines_of_code(path: Path) -> int:
    """Non-blank lines holding a token that is not a comment and not part of a docstring."""
    src = path.read_text()
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            docstrings.update(range(node.lineno, node.end_lineno + 1))
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type not in _SKIP:
            lines.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in docstrings)
    return len(lines)


def sizes(folder: str) -> dict[str, int]:
    return {p.name: lines_of_code(p) for p in sorted((ROOT / folder).glob("*.py"))}


def main() -> int:
    for folder in ("kernel", "core"):
        table = sizes(folder)
        for name, n in table.items():
            print(f"{n:6d}  derive/{folder}/{name}")
        print(f"{sum(table.values()):6d}  derive/{folder}/ total\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
