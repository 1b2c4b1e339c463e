"""Channels and their contraction coefficients: exact where a theorem gives them, certified brackets elsewhere.

>>> from derive.channels import BSC, eta_kl, eta_tv
>>> eta_tv(BSC("0.1")).value, eta_kl(BSC("0.1")).value
(Fraction(4, 5), Fraction(16, 25))

Untrusted numerics with certificates: bracket ends come from exact rationals or rigorous interval
enclosures and say which theorem or witness gives them (see :mod:`derive.channels.coefficients`).
"""

from derive.channels.coefficients import (Bracket, Chi2, CoefficientValue, as_input, closed_form, eta_chi2, eta_chi2_sup,
                                          eta_kl, eta_tv, kl_ratio)
from derive.channels.library import (AWGN, BEC, BSC, QSC, Channel, Composition, FiniteChannel, Matrix, Product, Z,
                                     compose, from_spec, product)

__all__ = [
    "Channel", "FiniteChannel", "BSC", "BEC", "Z", "QSC", "AWGN", "Matrix", "Product", "Composition",
    "product", "compose", "from_spec",
    "CoefficientValue", "Chi2", "Bracket", "eta_tv", "eta_chi2", "eta_chi2_sup", "eta_kl", "as_input", "closed_form",
    "kl_ratio",
]
