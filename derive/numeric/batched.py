"""Vectorized float64 evaluation of information quantities on many pmfs at once.

A *batch* is a numpy array whose first axis indexes models: joint pmfs of shape
``(B, n_1, ..., n_k)`` (one axis per variable, all models on the same alphabets),
or single pmfs of shape ``(B, n)`` for divergences. Every function returns one
float64 value per model (shape ``(B,)``), with ``0 log 0 = 0``:

* :func:`entropy_batch` — ``H(S)`` of the marginal on the axes ``S``;
* :func:`mutual_information_batch` — ``I(A; B | C)``;
* :func:`kl_divergence_batch` — ``D(P || Q)`` (``inf`` where ``P`` is not ``<< Q``);
* :func:`total_variation_batch` — ``TV(P, Q)``;
* :func:`mutual_information_float`, :func:`kl_divergence_float` — the same for one model
  (a lean float64 path: a handful of numpy calls, no validation, no caching);
* :func:`evaluate_batch` — any expression that is linear in joint entropies
  (``H``, ``I``, conditional forms, numeric coefficients) on a batch of joint pmfs.

Used by ``benchmarks/numeric.py``. Untrusted numerics: values here can make a
claim ``tested``, never ``proved``.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import sympy
from scipy.special import entr, rel_entr

from derive.core.exprs import to_expr
from derive.errors import InvalidArgument

__all__ = [
    "entropy_batch",
    "mutual_information_batch",
    "kl_divergence_batch",
    "total_variation_batch",
    "evaluate_batch",
    "random_pmfs",
    "mutual_information_float",
    "kl_divergence_float",
]


_LN2 = math.log(2)


def _ln_base(base: object) -> float:
    if base == 2:
        return _LN2
    if base == "e":
        return 1.0
    if isinstance(base, bool) or not isinstance(base, (int, float)) or base <= 0 or base == 1:
        raise InvalidArgument(f"Expected a logarithm base 2, 'e' or a number > 0, != 1 but got base={base!r}")
    return math.log(base)


def _batch(p: object, min_ndim: int = 2) -> np.ndarray:
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim < min_ndim:
        raise InvalidArgument(f"Expected a batch of pmfs (first axis: models) with at least {min_ndim} axes "
                              f"but got shape {arr.shape}")
    return arr


def _neg_xlogx_sum(flat: np.ndarray) -> np.ndarray:
    """``-sum_j x_j ln x_j`` per row of a 2-d array (``0 ln 0 = 0``)."""
    return entr(flat).sum(axis=1)


def _axes(spec: Sequence[int] | Sequence[str], names: Sequence[str] | None, ndim: int) -> tuple[int, ...]:
    out = []
    for a in spec:
        if isinstance(a, str):
            if names is None or a not in names:
                raise InvalidArgument(f"Expected a variable of {list(names or [])} but got {a!r}")
            a = list(names).index(a)
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < ndim:
            raise InvalidArgument(f"Expected an axis in 0..{ndim - 1} but got {a!r}")
        out.append(int(a))
    return tuple(sorted(set(out)))


def entropy_batch(p: object, axes: Sequence[int] | Sequence[str] | None = None, *,
                  names: Sequence[str] | None = None, base: object = 2) -> np.ndarray:
    """``H(S)`` for every model of the batch ``p`` (shape ``(B, n_1, ..., n_k)``); ``S`` = ``axes`` (all if None)."""
    arr = _batch(p)
    k = arr.ndim - 1
    keep = tuple(range(k)) if axes is None else _axes(axes, names, k)
    if not keep:
        return np.zeros(arr.shape[0])
    drop = tuple(1 + a for a in range(k) if a not in keep)
    m = arr.sum(axis=drop) if drop else arr
    return _neg_xlogx_sum(m.reshape(arr.shape[0], -1)) / _ln_base(base)


def mutual_information_batch(p: object, left: Sequence, right: Sequence, given: Sequence = (), *,
                             names: Sequence[str] | None = None, base: object = 2) -> np.ndarray:
    """``I(left; right | given) = H(L,G) + H(R,G) - H(L,R,G) - H(G)`` for every model of the batch."""
    arr = _batch(p)
    k = arr.ndim - 1
    l, r, g = (_axes(s, names, k) for s in (left, right, given))
    lg, rg, lrg = tuple(sorted(set(l) | set(g))), tuple(sorted(set(r) | set(g))), tuple(sorted(set(l) | set(r) | set(g)))
    h = {}
    for key in {lg, rg, lrg, g}:
        h[key] = entropy_batch(arr, key, base=base) if key else np.zeros(arr.shape[0])
    return h[lg] + h[rg] - h[lrg] - h[g]


def kl_divergence_batch(P: object, Q: object, *, base: object = 2) -> np.ndarray:
    """``D(P_b || Q_b)`` for each row ``b`` (shapes ``(B, n)``); ``inf`` where ``P_b`` is not ``<< Q_b``."""
    a, b = _batch(P), _batch(Q)
    if a.shape != b.shape:
        raise InvalidArgument(f"Expected two batches of the same shape but got {a.shape} and {b.shape}")
    return rel_entr(a, b).reshape(a.shape[0], -1).sum(axis=1) / _ln_base(base)


def total_variation_batch(P: object, Q: object) -> np.ndarray:
    """``TV(P_b, Q_b) = (1/2) sum |P_b - Q_b|`` for each row ``b``."""
    a, b = _batch(P), _batch(Q)
    if a.shape != b.shape:
        raise InvalidArgument(f"Expected two batches of the same shape but got {a.shape} and {b.shape}")
    return 0.5 * np.abs(a - b).reshape(a.shape[0], -1).sum(axis=1)


def evaluate_batch(expr: object, p: object, names: Sequence[str], *, params: Mapping[str, object] | None = None,
                   units: str = "bits") -> np.ndarray:
    """The value of ``expr`` (linear in joint entropies: ``H``, ``I``, conditional forms, sums with integer limits)
    on every joint pmf of the batch ``p`` (axes after the first named by ``names``).

    Coefficients may mention parameters (values from ``params``). Other atoms (``D``, ``sqrt(I(...))``) are
    refused: evaluate those per model with :func:`derive.numeric.evaluate`.

    Raises
    ------
    InvalidArgument
        Unknown variables, parameters without values, or a term that is not linear in entropies.
    """
    from derive.numeric.compile import compile_scalar, expand_information
    from derive.numeric.expressions import expand_sums

    if units not in ("bits", "nats"):
        raise InvalidArgument(f"Expected units 'bits' or 'nats' but got units={units!r}")
    arr = _batch(p)
    if len(names) != arr.ndim - 1:
        raise InvalidArgument(f"Expected {arr.ndim - 1} names (one per axis after the first) but got {len(names)}")
    e = expand_sums(expr if isinstance(expr, sympy.Basic) else to_expr(expr))
    ent: dict = {}
    opaque: dict = {}
    const: list = []
    expand_information(e, (), ent, opaque, const)
    if opaque:
        bad = ", ".join(sympy.sstr(a) for a in opaque)
        raise InvalidArgument(f"Expected an expression linear in entropies but it contains {bad}")
    values = dict(params or {})
    base = 2 if units == "bits" else "e"
    total = np.zeros(arr.shape[0])
    for c in const:
        total = total + compile_scalar(sympy.Mul(*c))(values, False)
    for key, coeffs in ent.items():
        c = sum(compile_scalar(sympy.Mul(*cs))(values, False) for cs in coeffs)
        if c != 0:
            total = total + c * entropy_batch(arr, sorted(key), names=names, base=base)
    return total


def random_pmfs(batch: int, shape: Sequence[int], rng: np.random.Generator | int | None = None,
                alpha: float = 1.0) -> np.ndarray:
    """``batch`` random joint pmfs of the given shape (Dirichlet(``alpha``) over the cells), float64."""
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    cells = int(np.prod(shape))
    x = g.gamma(alpha, size=(batch, cells))
    x /= x.sum(axis=1, keepdims=True)
    return x.reshape((batch,) + tuple(shape))


def mutual_information_float(p: np.ndarray, left: Sequence[int], right: Sequence[int], given: Sequence[int] = (),
                             base: object = 2) -> float:
    """``I(left; right | given) = H(L,G) + H(R,G) - H(L,R,G) - H(G)`` of one float64 joint pmf (axes by index).

    No validation and no caching: a handful of numpy calls (``scipy.special.entr`` is ``-x log x``, 0 at 0).
    """
    nd = p.ndim
    fast = (len(left) == 1 and left[0] == 0 and len(right) == 1 and right[0] == 1 and len(given) == nd - 2
            and (nd == 2 or (given[0] == 2 and given[-1] == nd - 1 and sorted(given) == list(range(2, nd)))))
    if nd == 2 and fast:
        p = p.reshape(p.shape[0], p.shape[1], 1)
    elif not fast:
        l, r, g = tuple(left), tuple(right), tuple(given)
        other = tuple(a for a in range(nd) if a not in l and a not in r and a not in g)
        q = p.sum(axis=other) if other else p
        if other:
            kept = [a for a in range(nd) if a not in other]
            l, r, g = (tuple(kept.index(a) for a in s) for s in (l, r, g))
        nl = math.prod(q.shape[a] for a in l)
        nr = math.prod(q.shape[a] for a in r)
        p = np.transpose(q, l + r + g).reshape(nl, nr, -1)
    elif nd != 3:
        p = p.reshape(p.shape[0], p.shape[1], -1)
    add = np.add.reduce
    p_lg = add(p, 1)
    p_rg = add(p, 0)
    p_g = add(p_rg, 0)
    total = add(entr(p_lg), None) + add(entr(p_rg), None) - add(entr(p), None) - add(entr(p_g), None)
    return float(total) / (_LN2 if base == 2 else _ln_base(base))


def kl_divergence_float(p: np.ndarray, q: np.ndarray, base: object = 2) -> float:
    """``D(p || q)`` of two float64 pmfs of the same shape (``inf`` if ``p`` is not ``<< q``), no validation."""
    return float(np.add.reduce(rel_entr(p, q), None)) / (_LN2 if base == 2 else _ln_base(base))
