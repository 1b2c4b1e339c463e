"""The ``gaussian-cluster`` template.

* ``gaussian-cluster``: θ ~ N(0, 1) per coordinate, X_i = θ + σ Z_i, r² = 1/(1 + σ²). Jointly Gaussian
  pairs have η_KL = η_χ² = squared canonical correlation (cited), so τ_n = n r²/(1 + (n − 1) r²) and
  ρ_n = r² τ_n, and the factor is (1 − r²)/(n r⁴).
"""

from __future__ import annotations

from fractions import Fraction

from derive.errors import InvalidArgument
from derive.templates.common import _down, _log10_fraction, _up

__all__ = ["gaussian_cluster", "gaussian_cluster_rows"]


def _gaussian_r2(params: dict) -> Fraction:
    """r² from ``r2`` (0 < r² < 1) or from ``sigma`` (σ > 0, r² = 1/(1 + σ²)); naming both is an error."""
    if "r2" in params and "sigma" in params:
        raise InvalidArgument("gaussian-cluster takes --set r2=... or --set sigma=..., not both")
    if "r2" in params:
        r2 = Fraction(params["r2"])
        if not (0 < r2 < 1):
            raise InvalidArgument(f"Expected 0 < r2 < 1 but got r2={float(r2):.6g}")
        return r2
    if "sigma" in params:
        sigma = Fraction(params["sigma"])
        if not sigma > 0:
            raise InvalidArgument(f"Expected sigma > 0 (the noise's standard deviation) but got sigma={float(sigma):.6g}")
        return 1 / (1 + sigma ** 2)
    raise InvalidArgument("gaussian-cluster needs --set r2=... (0 < r2 < 1) or --set sigma=... (> 0)")


_GAUSSIAN_REASON = ("jointly Gaussian: eta_KL = eta_chi2 = squared canonical correlation "
                    "(Polyanskiy & Wu 2017; reference/sdpi.md), cited")


def gaussian_cluster(params: dict) -> dict:
    """τ_n = n r²/(1 + (n − 1) r²), ρ_n = r² τ_n, factor (1 − r²)/(n r⁴) (cited jointly-Gaussian η_KL)."""
    n = params["n"]
    r2 = _gaussian_r2(params)
    tau = n * r2 / (1 + (n - 1) * r2)  # exact rationals
    rho = r2 * tau
    factor = (1 - tau) / rho
    return {"tau_n": _up(tau), "rho_n": _up(rho), "factor": _down(factor),
            "log10_factor": _log10_fraction(factor), "certified": True, "reason": _GAUSSIAN_REASON}


def gaussian_cluster_rows(params: dict, ns) -> list[dict]:
    """:func:`gaussian_cluster` at each n of ``ns`` (exact rationals; one row per n)."""
    return [gaussian_cluster(dict(params, n=int(n))) for n in ns]
