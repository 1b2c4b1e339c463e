"""An oracle independent of derive's Gaussian models: differential entropies of a covariance matrix with numpy."""

from __future__ import annotations

import math

import numpy as np


def entropy_bits(cov: np.ndarray, idx: list[int]) -> float:
    """``h(X_idx) = ½ log2((2πe)^k det Σ_idx)`` of a zero-mean Gaussian with covariance ``cov`` (0 for no index)."""
    if not idx:
        return 0.0
    sign, logdet = np.linalg.slogdet(cov[np.ix_(idx, idx)])
    assert sign > 0
    return 0.5 * (len(idx) * math.log(2 * math.pi * math.e) + logdet) / math.log(2)
