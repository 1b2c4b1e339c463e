"""derive: machine-checked information-theoretic proofs."""

__version__ = "0.1.0"
