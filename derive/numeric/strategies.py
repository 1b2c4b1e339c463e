"""Hypothesis strategies for concrete models (public API for users' tests).

Following dit's ``utils/testing.py``:

* alphabet sizes are drawn **first**, so failures shrink to binary alphabets
  (shrinking is heuristic: almost always, not always);
* probabilities are drawn as small non-negative integer weights and
  normalized, so every pmf is an exact :class:`fractions.Fraction` table
  (``exact=False`` converts the finished model to float64); weights shrink
  towards uniform pmfs, then towards zeros, so a shrunk model is simple;
* every structured model is *built* from its structure (a start pmf and
  channels), so the structure holds exactly: on a model from
  :func:`markov_chains`, ``I(X1; X3 | X2)`` is exactly 0 (with mpmath at 50
  digits it evaluates below ``1e-40``).

Example
-------
>>> from hypothesis import given
>>> from derive.numeric.strategies import markov_chains
>>> @given(markov_chains(["X", "Y", "Z"]))
... def test_dpi(P):
...     assert P.mutual_information("X", "Z") <= P.mutual_information("X", "Y") + 1e-12
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from derive.core.channel_matrix import named_channel_rows
from derive.errors import InvalidArgument
from derive.numeric.distributions import Distributions, JointPMF, check_names, object_matrix

__all__ = [
    "alphabet_sizes",
    "weights",
    "pmf_vectors",
    "pmfs",
    "channel_matrices",
    "bsc_matrices",
    "bec_matrices",
    "probabilities",
    "markov_chains",
    "independent_given",
    "conditionally_independent_given",
    "channel_models",
    "named_distributions",
]

#: Largest integer weight drawn for one probability cell (before normalizing).
MAX_WEIGHT = 8


def _check_size(name: str, value: object, lo: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise InvalidArgument(f"Expected an integer >= {lo} for {name} but got {name}={value!r}")
    return value


def alphabet_sizes(max_size: int = 3, min_size: int = 2) -> SearchStrategy[int]:
    """Alphabet sizes in ``[min_size, max_size]``; shrinks towards ``min_size`` (binary by default)."""
    _check_size("min_size", min_size)
    _check_size("max_size", max_size, min_size)
    return st.integers(min_value=min_size, max_value=max_size)


def _cells(allow_zero: bool, max_weight: int) -> SearchStrategy[int]:
    """One integer weight in ``[0 or 1, max_weight]`` that *shrinks to 1*, then to 0.

    The drawn ``v`` maps to weight ``1`` for ``v = 0``, ``0`` for ``v = 1`` and
    ``v`` otherwise, so a shrunk pmf is uniform (an alphabet can then shrink
    without losing mass) and zeros are the next simplest thing.
    """
    _check_size("max_weight", max_weight)
    if not allow_zero:
        return st.integers(min_value=0, max_value=max_weight - 1).map(lambda v: v + 1)
    return st.integers(min_value=0, max_value=max(max_weight, 1)).map(lambda v: 1 if v == 0 else (0 if v == 1 else v))


def _fix_zero(ws: list[int]) -> list[int]:
    return ws if any(ws) else [1] + ws[1:]


def weights(n: int, *, allow_zero: bool = True, max_weight: int = MAX_WEIGHT) -> SearchStrategy[list[int]]:
    """``n`` integer weights in ``[0 or 1, max_weight]``, not all zero (the first is set to 1 if they are).

    Weights shrink towards all ones (the uniform pmf), then towards zeros.
    """
    _check_size("n", n)
    return st.lists(_cells(allow_zero, max_weight), min_size=n, max_size=n).map(_fix_zero)


def _normalize(ws: Sequence[int]) -> list[Fraction]:
    total = sum(ws)
    return [Fraction(w, total) for w in ws]


def pmf_vectors(n: int, *, allow_zero: bool = True, max_weight: int = MAX_WEIGHT) -> SearchStrategy[list[Fraction]]:
    """Exact pmfs on ``n`` values: lists of :class:`Fraction` summing to exactly 1."""
    return weights(n, allow_zero=allow_zero, max_weight=max_weight).map(_normalize)


def _finish(P: JointPMF, exact: bool) -> JointPMF:
    return P if exact else P.to_float()


@st.composite
def pmfs(draw, names: Sequence[str] | Sequence[int] = ("X", "Y"), *, shape: Sequence[int] | None = None,
         max_alphabet: int = 3, min_alphabet: int = 2, exact: bool = True, allow_zero: bool = True,
         max_weight: int = MAX_WEIGHT) -> JointPMF:
    """An arbitrary joint pmf (no structure) over ``names``.

    ``names`` is a sequence of variable names, or a shape (a sequence of
    ints) for variables named ``X1, X2, ...``. Alphabet sizes come from
    ``shape`` or are drawn first in ``[min_alphabet, max_alphabet]``.
    """
    items = tuple(names)
    if items and all(isinstance(k, int) and not isinstance(k, bool) for k in items):
        if shape is not None:
            raise InvalidArgument("Expected either a shape or names with shape=... but got both")
        shape, items = items, tuple(f"X{k + 1}" for k in range(len(items)))
    items = check_names(items)
    if shape is None:
        sizes = tuple(draw(alphabet_sizes(max_alphabet, min_alphabet)) for _ in items)
    else:
        sizes = tuple(_check_size("an alphabet size", s) for s in shape)
        if len(sizes) != len(items):
            raise InvalidArgument(f"Expected one alphabet size per name but got shape={tuple(shape)}")
    cells = math.prod(sizes)
    probs = draw(pmf_vectors(cells, allow_zero=allow_zero, max_weight=max_weight))
    table = np.empty(cells, dtype=object)
    table[:] = probs
    return _finish(JointPMF.exact(items, table.reshape(sizes)), exact)


@st.composite
def channel_matrices(draw, k: int | None = None, m: int | None = None, *, exact: bool = True,
                     allow_zero: bool = True, max_alphabet: int = 3, max_weight: int = MAX_WEIGHT) -> np.ndarray:
    """A ``k x m`` channel matrix, rows ``p(y | x)`` (exact: an object array of Fractions).

    ``k`` and ``m`` are drawn first (in ``[2, max_alphabet]``) when not given.
    """
    k = draw(alphabet_sizes(max_alphabet)) if k is None else _check_size("k", k)
    m = draw(alphabet_sizes(max_alphabet)) if m is None else _check_size("m", m)
    flat = draw(weights(k * m, allow_zero=allow_zero, max_weight=max_weight))  # one draw for the whole matrix
    rows = [_normalize(_fix_zero(flat[r * m:(r + 1) * m])) for r in range(k)]
    mat = np.empty((k, m), dtype=object)
    for r, row in enumerate(rows):
        mat[r, :] = row
    if exact:
        return mat
    return np.array([[float(v) for v in row] for row in mat], dtype=np.float64)


def probabilities(lo: object = 0, hi: object = 1, *, exclude_lo: bool = False, exclude_hi: bool = False,
                  max_denominator: int = 64) -> SearchStrategy[Fraction]:
    """Exact probabilities (:class:`Fraction`) in ``[lo, hi]`` (ends excluded on request)."""
    lo_f, hi_f = Fraction(lo), Fraction(hi)
    if not (0 <= lo_f <= hi_f <= 1):
        raise InvalidArgument(f"Expected 0 <= lo <= hi <= 1 but got lo={lo}, hi={hi}")
    base = st.fractions(min_value=lo_f, max_value=hi_f, max_denominator=max_denominator)
    if exclude_lo or exclude_hi:
        if lo_f == hi_f:
            raise InvalidArgument(f"Expected a non-empty interval but got ({lo}, {hi}) with an end excluded")
        base = base.filter(lambda p: not ((exclude_lo and p == lo_f) or (exclude_hi and p == hi_f)))
    return base


def _matrix(rows: list[list[Fraction]], exact: bool) -> np.ndarray:
    if exact:
        return object_matrix(rows)
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def bsc_matrices(lo: object = 0, hi: object = Fraction(1, 2), *, exact: bool = True) -> SearchStrategy[np.ndarray]:
    """Binary symmetric channels ``[[1-d, d], [d, 1-d]]`` with ``lo <= d <= hi`` (exact Fractions)."""
    return probabilities(lo, hi).map(lambda d: _matrix(named_channel_rows("BSC", [d]), exact))


def bec_matrices(lo: object = 0, hi: object = 1, *, exact: bool = True) -> SearchStrategy[np.ndarray]:
    """Binary erasure channels ``[[1-e, e, 0], [0, e, 1-e]]`` (output 1 is the erasure)."""
    return probabilities(lo, hi).map(lambda e: _matrix(named_channel_rows("BEC", [e]), exact))


@st.composite
def markov_chains(draw, names: Sequence[str] = ("X1", "X2", "X3"), *, max_alphabet: int = 3,
                  min_alphabet: int = 2, exact: bool = True, allow_zero: bool = True,
                  max_weight: int = MAX_WEIGHT) -> JointPMF:
    """A joint pmf of the Markov chain ``names[0] -> names[1] -> ...``, built as a start pmf and channels.

    Guarantee: ``P(x_1..x_k) = P(x_1) prod_j P(x_{j+1} | x_j)`` exactly (Fractions),
    so ``I(X_1..X_{j-1}; X_{j+1} | X_j) = 0`` exactly for every ``j``.
    """
    names = check_names(names)
    if not names:
        raise InvalidArgument("Expected at least one variable in a Markov chain but got none")
    sizes = [draw(alphabet_sizes(max_alphabet, min_alphabet)) for _ in names]
    start = draw(pmf_vectors(sizes[0], allow_zero=allow_zero, max_weight=max_weight))
    P = JointPMF.exact((names[0],), start)
    for j in range(1, len(names)):
        mat = draw(channel_matrices(sizes[j - 1], sizes[j], allow_zero=allow_zero, max_weight=max_weight))
        P = P.apply_channel((names[j - 1],), mat, names[j])
    return _finish(P, exact)


@st.composite
def independent_given(draw, names_given: Sequence[str], names_members: Sequence[str], *,
                      extra: str | None = None, identical: bool = False, max_alphabet: int = 3,
                      min_alphabet: int = 2, exact: bool = True, allow_zero: bool = True,
                      max_weight: int = MAX_WEIGHT) -> JointPMF:
    """Members mutually independent given ``names_given`` (plus, optionally, a variable depending on all).

    The model is ``P(g) prod_i P_i(x_i | g)`` with an arbitrary joint pmf of the
    given variables (none: the members are mutually independent) and one
    channel from the given variables' joint value to each member. With
    ``identical=True`` every member has the same alphabet and the same channel
    (i.i.d. given ``names_given``). With ``extra="M"`` a variable ``M`` is added
    with an arbitrary channel from ``(given, members)`` to ``M`` — it may
    depend on everything, and the members stay independent given the given
    variables (but not given ``M``).

    Guarantee: ``I(X_1..X_{j-1}; X_j | given) = 0`` exactly for every ``j``.
    """
    given = check_names(names_given, "names_given")
    members = check_names(names_members, "names_members")
    if set(given) & set(members):
        raise InvalidArgument("Expected the members and the conditioning variables to be disjoint")
    if extra is not None and (extra in given or extra in members):
        raise InvalidArgument(f"Expected a new name for the extra variable but got extra={extra!r}")
    g_sizes = [draw(alphabet_sizes(max_alphabet, min_alphabet)) for _ in given]
    if identical:
        size = draw(alphabet_sizes(max_alphabet, min_alphabet))
        m_sizes = [size] * len(members)
    else:
        m_sizes = [draw(alphabet_sizes(max_alphabet, min_alphabet)) for _ in members]
    e_size = draw(alphabet_sizes(max_alphabet, min_alphabet)) if extra is not None else None
    rows = math.prod(g_sizes)
    if given:
        table = np.empty(rows, dtype=object)
        table[:] = draw(pmf_vectors(rows, allow_zero=allow_zero, max_weight=max_weight))
        P = JointPMF.exact(given, table.reshape(g_sizes))
    else:
        P = JointPMF.point()
    shared = None
    for name, m in zip(members, m_sizes):
        if identical and shared is not None:
            mat = shared
        else:
            mat = draw(channel_matrices(rows, m, allow_zero=allow_zero, max_weight=max_weight))
            shared = mat
        P = P.apply_channel(given, mat, name)
    if extra is not None:
        inputs = given + members
        k = math.prod(g_sizes) * math.prod(m_sizes)
        mat = draw(channel_matrices(k, e_size, allow_zero=allow_zero, max_weight=max_weight))
        P = P.apply_channel(inputs, mat, extra)
    return _finish(P, exact)


def conditionally_independent_given(model_name: str, members: Sequence[str], **kw) -> SearchStrategy[JointPMF]:
    """``members`` mutually independent given ``model_name`` (a pmf of ``M``, then a channel ``M -> X_i`` each).

    Keyword options as for :func:`independent_given` (``identical=True``: i.i.d. given ``M``).
    """
    if not isinstance(model_name, str) or not model_name:
        raise InvalidArgument(f"Expected a variable name but got model_name={model_name!r}")
    return independent_given((model_name,), members, **kw)


@st.composite
def channel_models(draw, input_name: str = "X", output_name: str = "Y", matrix: object = None, *,
                   exact: bool = True, allow_zero: bool = True, max_alphabet: int = 3,
                   max_weight: int = MAX_WEIGHT) -> JointPMF:
    """An input pmf on ``input_name`` and the output of the channel ``matrix`` (rows ``p(y | x)``).

    ``matrix`` may be a fixed matrix, a strategy for one (e.g. :func:`bsc_matrices`)
    or ``None`` (an arbitrary channel from :func:`channel_matrices`).
    Guarantee: ``P(y | x) = matrix[x, y]`` exactly wherever ``P(x) > 0``.
    """
    if matrix is None:
        matrix = channel_matrices(max_alphabet=max_alphabet, allow_zero=allow_zero, max_weight=max_weight)
    if isinstance(matrix, SearchStrategy):
        matrix = draw(matrix)
    k = np.shape(matrix)[0] if np.ndim(matrix) == 2 else None
    if k is None:
        raise InvalidArgument(f"Expected a channel matrix (rows p(y|x)) but got {matrix!r}")
    start = draw(pmf_vectors(k, allow_zero=allow_zero, max_weight=max_weight))
    P = JointPMF.exact((input_name,), start).apply_channel((input_name,), matrix, output_name)
    return _finish(P, exact and P.is_exact)


@st.composite
def named_distributions(draw, names: Sequence[str] = ("P", "Q"), size: int | None = None, *,
                        max_alphabet: int = 3, exact: bool = True, absolutely_continuous: bool = True,
                        max_weight: int = MAX_WEIGHT) -> Distributions:
    """Named pmfs on one alphabet (drawn first), for ``D`` and ``TV``.

    With ``absolutely_continuous=True`` every pmf after the first has full
    support, so ``D(first || other)`` is finite.
    """
    names = check_names(names)
    n = draw(alphabet_sizes(max_alphabet)) if size is None else _check_size("size", size)
    out = {}
    for k, name in enumerate(names):
        full = absolutely_continuous and k > 0
        out[name] = draw(pmf_vectors(n, allow_zero=not full, max_weight=max_weight))
    if not exact:
        out = {k: [float(x) for x in v] for k, v in out.items()}
    return Distributions(out)
