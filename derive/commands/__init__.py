"""Subcommands, one module each; each exposes ``register(subparsers)``.

``register`` adds one argparse subparser and sets ``func`` to a callable ``(args) -> int`` that
returns the exit code (0 success, 1 the mathematics says no, 2 bad input) and raises
``DeriveError`` for bad input (the CLI prints it on stderr with exit code 2). Modules import
their heavy dependencies inside functions, so registering a parser is cheap.
"""

#: name -> (module, one-line help shown by ``derive --help`` without importing the module).
COMMANDS = {
    "check": ("derive.commands.check", "check proof files with the trusted kernel"),
    "compose": ("derive.commands.compose", "print the bound the theorem's listed steps compose to"),
    "prove": ("derive.commands.prove", "decide a Shannon-type inequality (exact, kernel-checked certificate)"),
    "rules": ("derive.commands.rules", "list the kernel's rules"),
    "verify": ("derive.commands.verify",
               "test every step numerically on exact models of the hypotheses (tested, never proved)"),
    "eval": ("derive.commands.evaluate", "evaluate an information quantity on a concrete model"),
    "eta": ("derive.commands.eta", "contraction coefficients eta_TV, eta_chi2, eta_KL of a channel (certified brackets)"),
    "latex": ("derive.commands.latex", "export a checked proof as LaTeX (theorem, hypotheses, proof, statuses)"),
    "graph": ("derive.commands.graph", "draw a proof's dependency graph, colored by the kernel's verdicts"),
    "bound": ("derive.commands.bound", "the memorization bound of a theorem template for given parameters"),
    "audit": ("derive.commands.audit", "mutation testing of proofs: every mutant the kernel accepts must be true"),
}

#: Modules of every subcommand (kept for callers that list them).
COMMAND_MODULES = tuple(module for module, _ in COMMANDS.values())
