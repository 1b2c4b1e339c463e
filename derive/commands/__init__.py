"""Subcommands that live in their own modules; each exposes ``register(subparsers)``.

``register`` adds one argparse subparser and sets ``func`` to a callable ``(args) -> int`` that
returns the exit code (0 success, 1 the mathematics says no, 2 bad input) and raises
``DeriveError`` for bad input (the CLI prints it on stderr with exit code 2).
"""

#: Modules loaded by ``derive.cli.build_parser`` when present.
COMMAND_MODULES = ("derive.commands.verify", "derive.commands.evaluate", "derive.commands.eta", "derive.commands.latex",
                   "derive.commands.graph", "derive.commands.bound", "derive.commands.audit")
