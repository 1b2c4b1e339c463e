"""The ``derive`` command line: parses arguments and dispatches to ``derive/commands/<name>.py``.

Only the chosen subcommand's module is imported (each imports what it needs), so ``derive prove`` does
not pay for ``derive bound`` and ``derive --help`` imports no mathematics at all.

Exit codes (every subcommand): ``0`` success; ``1`` the mathematics says no (a
step failed, a proof is not proved); ``2`` bad input (the message on stderr names
the file, line and step). An unexpected error on user input (a bug in derive that
the input triggers) is also exit ``2``, with a message saying "internal error ...
please report it" (set ``DERIVE_DEBUG=1`` for the traceback); ``3`` is left only for
an internal error with no user input at all (``derive rules``, or a command module that fails to import).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Sequence

from derive import __version__
from derive.commands import COMMANDS
from derive.commands._common import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, clip as _clip
from derive.errors import DeriveError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one clear line (its default) but never prints a traceback."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"derive: error: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser. ``only``: register that subcommand's full parser (importing its module) and list
    the others by name and help line without importing them; ``None``: every subcommand in full."""
    p = _Parser(prog="derive", description="Machine-checked information-theoretic proofs.")
    p.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_line) in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=help_line, add_help=False)
    return p


def _command_of(argv: Sequence[str]) -> str:
    """The subcommand named in ``argv`` (the first argument not starting with ``-``), or ``""``."""
    for a in argv:
        if not a.startswith("-"):
            return a if a in COMMANDS else ""
    return ""


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


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    command = _command_of(argv)
    try:
        parser = build_parser(only=command)
    except Exception as err:  # noqa: BLE001 - a command module that fails to import is derive's bug, not the input's
        if os.environ.get("DERIVE_DEBUG"):
            traceback.print_exc()
        what = f"the '{command}' command" if command else "the command line"
        print(f"derive: internal error: {what} could not be loaded ({type(err).__name__}: {_clip(str(err))}); "
              "please report it (DERIVE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL
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
        return _json_error(args, str(err), err.exit_code)
    except RecursionError:
        print("derive: the input nests too deeply to process", file=sys.stderr)
        return _json_error(args, "the input nests too deeply to process", EXIT_INPUT)
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
        return _json_error(args, f"{where}{err.strerror or err}", EXIT_INPUT)
    except Exception as err:  # a bug in derive; on user input still exit 2 (bad input), never 3
        if os.environ.get("DERIVE_DEBUG"):
            traceback.print_exc()
        text = (f"{_input_names(args)}internal error ({type(err).__name__}: {_clip(str(err))}); please report it "
                "(DERIVE_DEBUG=1 shows the traceback)")
        print(f"derive: {text}", file=sys.stderr)
        return _json_error(args, text, EXIT_INTERNAL if args.command in _NO_INPUT_COMMANDS else EXIT_INPUT)


def _json_error(args: argparse.Namespace, message: str, code: int) -> int:
    """With ``--json``, the error as the one JSON object on stdout too (the message also goes to stderr); returns
    ``code``."""
    if getattr(args, "json", False):
        import json

        print(json.dumps({"status": "error", "error": message, "exit_code": code}))
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
