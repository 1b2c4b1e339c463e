"""Run the ``derive`` CLI in-process and capture what it printed."""

from __future__ import annotations

from derive.cli import main


def run(args, capsys) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``derive ARGS`` (each argument as text)."""
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err
