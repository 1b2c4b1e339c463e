"""The sparse Boolean hypercube (FKL25 §4.3, Theorem 13; PMLR numbering), with the corrected SDPI constant.

θ = (S, y): each coordinate is in S with probability ν; X_S = y_S and the other coordinates are uniform; n
training examples. No SDPI holds for (θ, X_{1:n}); instead mem_n ≥ I(M; X_{1:n}) − H(θ) with
H(θ) ≤ d·(h(ν) + ν) bits, and a train/test SDPI through a dominating variable Z that agrees with X with
probability 1/2 + ξ, ξ = ν/(2ν + (1 − ν)·2^(2−n)). Agreement 1/2 + ξ is a BSC with correlation 2ξ, so the SDPI
constant is **(2ξ)² = (ν/(ν + (1 − ν)·2^(1−n)))²**; the paper takes ξ² (a factor-4 slip: at n = 1 it would not
give the Boolean value ν²). With accuracy α, I(M; X) ≥ C*_α (:mod:`derive.templates.accuracy`), so

    mem_n ≥ C*_α / ρ_n − d·(h(ν) + ν)      (bits), in the regime n ≤ c·log d.

Every number is enclosed with ball arithmetic (python-flint ``arb``) and the bound is its lower end; ρ_n rests on
the cited BSC closed form η_KL = (correlation)² (Polyanskiy & Wu 2017), named in each row's route and reason;
``certified`` means, as for the Gaussian and Boolean templates' cited closed forms, that every number is certified
given that cited fact (until session 20 these rows said ``False``, the other templates ``True``).
"""

from __future__ import annotations

from fractions import Fraction

import flint

from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric.certify import arb_of
from derive.numeric.exact import float_lower, float_upper
from derive.templates.accuracy import accuracy_information

__all__ = ["sparse_hypercube", "sparse_rho", "MAX_SPARSE_N"]

#: Largest n evaluated (the template's regime is n <= c log d; 2^(1 - n) underflows nothing here).
MAX_SPARSE_N = 200


def sparse_rho(nu: Fraction, n: int) -> Fraction:
    """ρ_n = (2ξ)² = (ν/(ν + (1 − ν)·2^(1−n)))², exact."""
    return (nu / (nu + (1 - nu) * Fraction(2) ** (1 - n))) ** 2


def sparse_hypercube(params: dict) -> dict:
    """One row: ``rho_n``, ``rho_n_paper`` (the paper's ξ²), ``H_theta`` (upper, bits), ``C_alpha`` (bits, lower),
    ``factor = 1/rho_n`` and ``bound = C*_alpha/rho_n - H_theta`` (lower end, bits)."""
    try:
        d, nu, n = Fraction(params["d"]), Fraction(params["nu"]), params["n"]
        alpha = Fraction(params.get("alpha", Fraction(1, 3)))
    except KeyError as err:
        raise InvalidArgument(f"sparse-hypercube needs --set {err.args[0]}=...") from None
    if not isinstance(n, int) or n < 1:
        raise InvalidArgument(f"Expected an integer n >= 1 but got n={n}")
    if n > MAX_SPARSE_N:
        raise LimitExceeded(f"n = {n} exceeds the sparse-hypercube limit {MAX_SPARSE_N} (its regime is n <= c log d)")
    if not (0 < nu < 1) or d < 1:
        raise InvalidArgument(f"Expected 0 < nu < 1 and d >= 1 but got nu={nu}, d={d}")
    rho = sparse_rho(nu, n)
    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        ln2 = flint.arb(2).log()
        c_nats = accuracy_information(alpha)[0]
        c_bits = arb_of(Fraction(c_nats)) / ln2
        nu_a = arb_of(nu)
        h = -(nu_a * nu_a.log() + (1 - nu_a) * (1 - nu_a).log()) / ln2
        h_theta = arb_of(d) * (h + nu_a)
        bound = c_bits / arb_of(rho) - h_theta
        xi = nu / (2 * nu + (1 - nu) * Fraction(2) ** (2 - n))
        # tau_n = 0: no tau-SDPI here; mem >= I(M; X_{1:n}) - H(theta) plays its part, so factor = (1 - 0)/rho_n
        return {"tau_n": 0.0, "rho_n": float_upper(arb_of(rho)), "rho_n_paper": float(xi ** 2),
                "C_alpha_bits": float_lower(c_bits), "H_theta_bits": float_upper(h_theta),
                "factor": float_lower(1 / arb_of(rho)), "bound": float_lower(bound), "units": "bits",
                "certified": True, "route": "cited: BSC eta_KL = (2 xi)^2 (corrected from the paper's xi^2)",
                "reason": "rho_n = (2 xi)^2 exactly, from the cited BSC closed form eta_KL = (1 - 2 delta)^2 "
                          "[Polyanskiy & Wu 2017] at agreement 1/2 + xi (the paper's xi^2 is 4x too small), as the "
                          "Gaussian and Boolean templates rest on their cited closed forms; C*_alpha (certified lower "
                          "end) and H(theta) <= d (h(nu) + nu) bits (upper end) are enclosed with arb; the bound is "
                          "their lower end"}
    finally:
        flint.ctx.prec = old
