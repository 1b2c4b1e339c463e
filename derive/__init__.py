"""derive: machine-checked information-theoretic proofs.

``from derive import *`` gives the notebook API (:mod:`derive.api`: variables, quantities, hypotheses,
``Proof``, ``check``, ``prove``, ``verify``, ``eta``, ``bound``, ``to_latex``, ``parse``). The names are
loaded on first use, so ``import derive`` itself stays light (the command line imports only what it runs).
"""

__version__ = "0.1.0"

__all__ = [
    "variables", "family", "parameter", "Domain",
    "H", "I", "D", "TV", "h", "sqrt", "exp", "ln",
    "Markov", "Independent", "Channel", "FunctionOf", "Assume", "Statement",
    "Proof", "check", "prove", "verify", "eta", "bound", "to_latex", "parse",
]


def __getattr__(name: str):
    """Load :mod:`derive.api` when one of its names is first used (PEP 562)."""
    if name in __all__:
        from derive import api

        return getattr(api, name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
