"""Brute-force helpers shared by the cluster tests (independent of derive's code)."""

from __future__ import annotations

from collections.abc import Iterator


def types(n: int, m: int) -> Iterator[tuple[int, ...]]:
    """Every count vector of ``n`` observations over ``m`` symbols (the observation types)."""
    if m == 1:
        yield (n,)
        return
    for c in range(n + 1):
        for rest in types(n - c, m - 1):
            yield (c,) + rest


def negative_ratio(P, W):
    """``z -> -D(QW‖PW)/D(Q‖P)`` with ``Q = softmax(z)`` (float64, for scipy's minimizers; 0 where ``D(Q‖P) < 1e-7``),
    ``P`` the input law and ``W`` the channel's rows (numpy arrays)."""
    import numpy as np

    out_law = P @ W

    def neg(z):
        q = np.exp(z - z.max())
        q /= q.sum()
        d = float(np.sum(q * np.log(np.maximum(q, 1e-300) / P)))
        if d < 1e-7:
            return 0.0
        qw = q @ W
        return -float(np.sum(qw * np.log(np.maximum(qw, 1e-300) / out_law))) / d

    return neg
