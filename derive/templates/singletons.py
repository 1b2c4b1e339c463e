"""Counting what a sample sees once: singletons (BBFST21) and clusters seen ℓ times (FKL25 Lemma 14).

* ``expected_seen_exactly(k, n, l)`` — for n draws from k equally likely clusters, the expected number of clusters
  seen exactly ℓ times: E|I_ℓ| = k·C(n, ℓ)·k^(−ℓ)·(1 − 1/k)^(n−ℓ) (exact, a Fraction). FKL25's checkpoint
  n = k = 500: E|I_0..4| = 183.76, 184.12, 92.06, 30.63, 7.63.
* the ``singletons`` template — Brown, Bun, Feldman, Smith & Talwar (2021): with n samples from N equally likely
  subpopulations the expected number of singletons is n·(1 − 1/N)^(n−1) (the ℓ = 1 case with k = N); their
  experiment n = N = 500 gives 184.124. Each singleton contributes the per-example information ``info`` (bits,
  ``--set info=...``; Ω(d) in their theorem, default 1), so ``bound = factor · info`` with ``factor`` the
  expected count. The count is exact; what each singleton contributes is the caller's lower bound.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from derive.numeric.exact import float_down
from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["expected_seen_exactly", "singletons", "MAX_SINGLETON_N"]

#: Largest n (and N) of the exact count.
MAX_SINGLETON_N = 100_000


def expected_seen_exactly(k: int, n: int, l: int) -> Fraction:
    """E|I_ℓ| = k·C(n, ℓ)·k^(−ℓ)·(1 − 1/k)^(n−ℓ): clusters seen exactly ℓ times among n uniform draws from k."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (k, n, l)) or k < 1 or n < 0 or not 0 <= l <= n:
        raise InvalidArgument(f"Expected integers k >= 1, n >= 0 and 0 <= l <= n but got k={k}, n={n}, l={l}")
    if max(k, n) > MAX_SINGLETON_N:
        raise LimitExceeded(f"k and n are at most {MAX_SINGLETON_N} here")
    return k * comb(n, l) * Fraction(1, k) ** l * (1 - Fraction(1, k)) ** (n - l)


def singletons(params: dict) -> dict:
    """One row: ``factor`` = expected singletons n·(1 − 1/N)^(n−1), exact (rounded down to a float)."""
    n, big_n = params.get("n"), params.get("N", params.get("n"))
    if not isinstance(n, int) or not isinstance(big_n, int) or n < 1 or big_n < 1:
        raise InvalidArgument(f"Expected integers n >= 1 and N >= 1 but got n={n}, N={big_n}")
    count = expected_seen_exactly(big_n, n, 1)
    return {"tau_n": 0.0, "rho_n": 1.0, "factor": float_down(count), "certified": True,
            "route": "exact count", "reason": "the expected number of singletons n (1 - 1/N)^(n - 1) is exact"}
