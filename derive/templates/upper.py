"""Upper bounds on memorization from the simple algorithms of FKL25 (description length: mem_n ≤ I(h; X_{1:n}) ≤ H(h)).

Each algorithm returns a classifier h that a few bits describe, so mem_n(A) = I(h; X_{1:n} | θ) ≤ H(h) ≤ its
description length. The paper gives these as O(·) with constants it leaves unspecified ("Θ(d/n)", "sufficiently
large C"); here each unspecified constant is a parameter (default 1) and the output says so. These are the
paper's description lengths at those constants, **not** certified upper bounds: the accuracy guarantee
(error ≤ 0.01) needs the constants large enough, which the paper does not quantify. All values in bits.

* Gaussian clustering (Theorem 10 in PMLR, §4.1; proof PMLR Appendix D.3 / arXiv B.3), n ≤ c√d: the linear
  classifier 1{⟨X^[1:ℓ], q_k(X̂^[1:ℓ])⟩ ≥ t} stores ℓ coordinates of the quantized sample mean at k bits each,
  ℓ = Θ(d/n), k = Θ(log(d/n)):  **ℓ·k = ⌈c_ell·d/n⌉·⌈c_k·log2(d/n)⌉ bits** (ℓ ≤ d, k ≥ 1).
* Boolean clustering (Theorem 12 in PMLR, §4.2; proof PMLR Appendix E.3 / arXiv C.3):
  - n ≤ √d: the bit-wise majority on the first t = min(d, C_sub·d/n) coordinates: **min(d, ⌈C_sub·d/n⌉) bits**;
  - any n: the majority on all coordinates; γ = d·exp(−nλ²/2) bounds the chance it misses θ (Hoeffding and a
    union bound), and Fano gives H(h | θ) ≤ h(γ) + γ·d ≤ **2√γ + γ·d bits** (used when γ < 1/2). The paper then
    writes ≤ 3d²·exp(−nλ²/2), which needs 2√d·exp(−nλ²/4) ≤ 2d²·exp(−nλ²/2), i.e. nλ² ≤ 6 ln d; the
    unsimplified form here holds without it.
* Sparse Boolean hypercube (Theorem 13 in PMLR, §4.3; proof PMLR Appendix F.3 / arXiv D.3): store the sample's
  value on ℓ = Θ(d/2^(2n)) coordinates where it is constant, with their indices:
  **ℓ·(1 + ⌈log2 d⌉) bits, ℓ = ⌈c_ell·d/4^n⌉**.
"""

from __future__ import annotations

import math
from fractions import Fraction

from derive.errors import InvalidArgument

__all__ = ["UPPER_BOUNDS", "UPPER_CONSTANTS", "upper_bound", "gaussian_upper", "boolean_upper", "sparse_upper"]


#: The constants the paper leaves unspecified (``--set name=value`` with ``--upper``; default 1).
UPPER_CONSTANTS = ("c_ell", "c_k", "C_sub")


def _d_n(params: dict, template: str) -> tuple[Fraction, int]:
    if "d" not in params:
        raise InvalidArgument(f"the {template} upper bound needs --set d=... (the dimension)")
    d, n = Fraction(params["d"]), params["n"]
    if d < 1:
        raise InvalidArgument(f"Expected d >= 1 but got d={float(d):.6g}")
    return d, n


def _constant(params: dict, name: str) -> Fraction:
    c = Fraction(params.get(name, 1))
    if c <= 0:
        raise InvalidArgument(f"Expected {name} > 0 but got {name}={float(c):.6g}")
    return c


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def gaussian_upper(params: dict) -> dict:
    """ℓ·k bits: ℓ = ⌈c_ell·d/n⌉ ≤ d coordinates of the quantized mean at k = ⌈c_k·log2(d/n)⌉ ≥ 1 bits each."""
    d, n = _d_n(params, "gaussian-cluster")
    ell = min(int(d), _ceil(_constant(params, "c_ell") * d / n))
    k = max(1, math.ceil(float(_constant(params, "c_k")) * math.log2(max(float(d / n), 1.0))))
    regime = n * n <= d  # the paper's n <= c sqrt(d) with c = 1
    return {"upper": float(ell * k), "upper_route": f"quantized mean: l = {ell} coordinates x k = {k} bits"
            + ("" if regime else " (outside n <= sqrt(d), where the paper claims the algorithm works)")}


def boolean_upper(params: dict) -> dict:
    """min(d, ⌈C_sub·d/n⌉) bits (n ≤ √d), or 2√γ + γ·d bits with γ = d·exp(−nλ²/2) < 1/2, the smaller one."""
    from derive.templates.boolean_routes import boolean_lambda

    d, n = _d_n(params, "boolean-cluster")
    options = []
    if n * n <= d:
        t = min(int(d), _ceil(_constant(params, "C_sub") * d / n))
        options.append((float(t), f"majority on t = {t} coordinates (n <= sqrt(d))"))
    lam = float(boolean_lambda(params)[0])
    log_gamma = math.log(float(d)) - n * lam * lam / 2
    if log_gamma < math.log(0.5):
        gamma = math.exp(log_gamma)
        options.append((2 * math.sqrt(gamma) + gamma * float(d),
                        f"full majority, Fano: 2 sqrt(g) + g d, g = d exp(-n lambda^2/2) = {gamma:.3g}"))
    if not options:
        return {"upper": float(d), "upper_route": "H(h) <= d (no algorithm of the paper applies at this n)"}
    return dict(zip(("upper", "upper_route"), min(options)))


def sparse_upper(params: dict) -> dict:
    """ℓ·(1 + ⌈log2 d⌉) bits, ℓ = ⌈c_ell·d/4^n⌉ ≤ d (values and indices of the stored coordinates)."""
    d, n = _d_n(params, "sparse-hypercube")
    ell = min(int(d), _ceil(_constant(params, "c_ell") * d / Fraction(4) ** n))
    width = 1 + math.ceil(math.log2(float(d))) if d > 1 else 1
    return {"upper": float(ell * width), "upper_route": f"l = {ell} constant coordinates x {width} bits (value, index)"}


UPPER_BOUNDS = {"gaussian-cluster": gaussian_upper, "boolean-cluster": boolean_upper, "sparse-hypercube": sparse_upper}


def upper_bound(template: str, params: dict) -> dict:
    """The paper's description-length upper bound (bits) for ``template`` at ``params``."""
    if template not in UPPER_BOUNDS:
        raise InvalidArgument(f"--upper: no upper bound for {template}; known: {', '.join(UPPER_BOUNDS)}")
    return UPPER_BOUNDS[template](params)
