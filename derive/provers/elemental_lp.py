"""Elemental-inequality LPs for the Shannon prover (untrusted floats; the kernel re-checks the exact certificate).

A candidate inequality is a triple of subset bitmasks ``(a, b, c)``: ``I(A; B | C) >= 0``, or ``H(A | C) >= 0``
when ``b == 0``. Candidates travel as three numpy ``int64`` arrays, so building an LP is a few array operations
(no Python loop per column). Entropy coordinates are bitmasks ``m >= 1`` (``h(S)`` for the set ``S``).

* :func:`solve_min_sum` — ``min Σλ`` s.t. ``Σ λ_e e + Σ ν_q q = target``, ``λ >= 0`` over given candidates.
* :func:`generate_columns` — the same LP over *all* elemental inequalities of ``n`` variables without building
  them all as an LP: phase-1 column generation (start from a small set, price every elemental inequality against
  the restricted LP's row duals in one vectorized pass, add the violated ones, repeat). It answers the same
  question as the full LP; the full LP has ``~n² 2ⁿ⁻²`` columns (≈2·10⁶ at n = 16), the generated one a few
  hundred to a few thousand.

HiGHS is called through ``highspy`` (imported in ~10 ms) when installed, else through ``scipy.optimize.linprog``
(whose import costs ~0.4–0.6 s of start-up on this machine).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Sequence

import numpy as np

from derive.errors import LPInfeasible

__all__ = ["elemental_arrays", "candidate_arrays", "solve_min_sum", "generate_columns", "LPInfeasible"]




# ---------------------------------------------------------------------------- candidates

def elemental_arrays(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All elemental inequalities of ``n`` variables as arrays ``(a, b, c)``: ``H(X_i | X_{N-i})`` (``b = 0``)
    and ``I(X_i; X_j | X_K)`` for ``i < j``, ``K ⊆ N - {i, j}`` (``n + C(n,2) 2^(n-2)`` rows)."""
    full = (1 << n) - 1
    masks = np.arange(1 << n, dtype=np.int64)
    a_parts = [np.array([1 << i for i in range(n)], dtype=np.int64)]
    b_parts = [np.zeros(n, dtype=np.int64)]
    c_parts = [np.array([full & ~(1 << i) for i in range(n)], dtype=np.int64)]
    for i in range(n):
        for j in range(i + 1, n):
            pair = (1 << i) | (1 << j)
            ks = masks[(masks & pair) == 0]
            a_parts.append(np.full(ks.size, 1 << i, dtype=np.int64))
            b_parts.append(np.full(ks.size, 1 << j, dtype=np.int64))
            c_parts.append(ks)
    return np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(c_parts)


def discrete_targets(cands: tuple[np.ndarray, np.ndarray, np.ndarray], continuous: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidates valid when the variables of the mask ``continuous`` are real-valued: every ``I(A; B | C)``,
    and ``H(A | C)`` only when ``A`` has none of them (a differential entropy may be negative)."""
    a, b, c = cands
    keep = (b != 0) | ((a & continuous) == 0)
    return a[keep], b[keep], c[keep]


def candidate_arrays(triples: Sequence[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``[(a, b, c), ...]`` as three ``int64`` arrays."""
    arr = np.array(list(triples), dtype=np.int64).reshape(-1, 3)
    return arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy()


def _entries(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-zero entries ``(column, mask, value)`` of the candidates' vectors: ``h(A∪C) + h(B∪C) − h(A∪B∪C) − h(C)``
    (``h(A∪C) − h(C)`` when ``b = 0``; ``h(∅) = 0`` dropped). The four masks of one column are distinct."""
    k = a.size
    cols = np.repeat(np.arange(k, dtype=np.int64), 4)
    masks = np.stack([a | c, b | c, a | b | c, c], axis=1).ravel()
    vals = np.tile(np.array([1.0, 1.0, -1.0, -1.0]), k)
    is_h = np.repeat(b == 0, 4)
    keep = masks != 0
    keep &= ~(is_h & (np.tile(np.arange(4), k) >= 1) & (np.tile(np.arange(4), k) <= 2))  # H(A|C): a|c and c only
    return cols[keep], masks[keep], vals[keep]


def _price(y_of_mask: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``y · e`` for every candidate ``e`` (``y_of_mask[0] = 0``)."""
    ac, abc = a | c, a | b | c
    out = y_of_mask[ac] - y_of_mask[c]
    is_i = b != 0
    out[is_i] += y_of_mask[(b | c)[is_i]] - y_of_mask[abc[is_i]]
    return out


# ---------------------------------------------------------------------------- HiGHS

_BANNER_SILENCED = False


def _new_highs():
    """A silent ``highspy.Highs``. HiGHS prints a banner on stdout (C level) when the first instance of a process
    is made, which would corrupt ``--json`` output: the first construction runs with file descriptor 1 on
    ``/dev/null``."""
    import highspy

    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _BANNER_SILENCED = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)  # HiGHS's worker threads cost ~1 ms (median) to 7 ms (90th pct.) per small LP here
    return h


def _have_highspy() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def _solve(cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, cols: np.ndarray, rows: np.ndarray,
           vals: np.ndarray, b: np.ndarray, method: str = "simplex") -> tuple[np.ndarray, np.ndarray] | None:
    """``min cost·x`` s.t. ``M x = b``, ``lower <= x <= upper`` (``M`` from COO entries). ``(x, row duals)`` with
    HiGHS's sign convention (reduced cost ``= cost − Mᵀy``), or ``None`` when not optimal (infeasible)."""
    ncol, nrow = cost.size, b.size
    if _have_highspy():
        import highspy

        order = np.lexsort((rows, cols))
        cols, rows, vals = cols[order], rows[order], vals[order]
        start = np.searchsorted(cols, np.arange(ncol + 1)).astype(np.int32)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = ncol, nrow
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
        lp.row_lower_, lp.row_upper_ = b, b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        h = _new_highs()
        h.setOptionValue("solver", method)
        if method == "simplex":  # presolve costs more than it saves on these LPs: 0.56 -> 0.40 ms (15 x 66),
            h.setOptionValue("presolve", "off")  # 23 -> 14 ms (1,023 x 9,180), never slower on the benchmark's

        h.passModel(lp)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        return np.asarray(sol.col_value), np.asarray(sol.row_dual)
    import scipy.optimize
    import scipy.sparse as sp

    A = sp.csc_matrix((vals, (rows, cols)), shape=(nrow, ncol))
    res = scipy.optimize.linprog(cost, A_eq=A, b_eq=b, bounds=np.stack([lower, upper], axis=1),
                                 method="highs-ipm" if method == "ipm" else "highs-ds")
    if res.status != 0:
        return None
    return res.x, np.asarray(res.eqlin.marginals)


def _model(target: dict[int, float], equalities: list[dict[int, float]], a: np.ndarray, b: np.ndarray,
           c: np.ndarray, extra_masks: np.ndarray | None = None):
    """COO entries over compressed rows: candidate columns, then ``ν⁺``, ``ν⁻`` per equality. Returns
    ``(row_masks, cols, rows, vals, rhs)``."""
    ccols, cmasks, cvals = _entries(a, b, c)
    k = a.size
    nq = len(equalities)
    eq_cols, eq_masks, eq_vals = [], [], []
    for j, q in enumerate(equalities):
        for m, v in q.items():
            eq_cols += [k + j, k + nq + j]
            eq_masks += [m, m]
            eq_vals += [float(v), -float(v)]
    all_masks = np.concatenate([cmasks, np.array(eq_masks, dtype=np.int64), np.array(list(target), dtype=np.int64)]
                               + ([extra_masks] if extra_masks is not None else []))
    row_masks = _sorted_distinct(all_masks)
    cols = np.concatenate([ccols, np.array(eq_cols, dtype=np.int64)])
    masks = np.concatenate([cmasks, np.array(eq_masks, dtype=np.int64)])
    vals = np.concatenate([cvals, np.array(eq_vals, dtype=float)])
    rows = np.searchsorted(row_masks, masks)
    rhs = np.zeros(row_masks.size)
    for m, v in target.items():
        rhs[np.searchsorted(row_masks, m)] = float(v)
    return row_masks, cols, rows, vals, rhs


def _sorted_distinct(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` without its import of ``numpy.ma`` (~30 ms of start-up)."""
    s = np.sort(x)
    return s[np.concatenate([[True], s[1:] != s[:-1]])] if s.size else s


def solve_min_sum(target: dict[int, float], equalities: list[dict[int, float]],
                  cands: tuple[np.ndarray, np.ndarray, np.ndarray], method: str = "simplex"
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """``min Σλ + 10⁻³ Σ|ν|`` s.t. ``Σ λ_e e + Σ ν_q q = target``, ``λ >= 0``: ``(λ, ν)`` or ``None`` (infeasible)."""
    a, b, c = cands
    k, nq = a.size, len(equalities)
    _, cols, rows, vals, rhs = _model(target, equalities, a, b, c)
    cost = np.concatenate([np.ones(k), np.full(2 * nq, 1e-3)])  # small |ν| keeps the vertex tidy
    sol = _solve(cost, np.zeros(k + 2 * nq), np.full(k + 2 * nq, np.inf), cols, rows, vals, rhs, method)
    if sol is None:
        return None
    x = sol[0]
    return x[:k], x[k:k + nq] - x[k + nq:]


def generate_columns(target: dict[int, float], equalities: list[dict[int, float]], n: int,
                     start: tuple[np.ndarray, np.ndarray, np.ndarray], *, deadline: float = float("inf"),
                     batch: int = 2000, tol: float = 1e-9, method: str = "ipm",
                     continuous: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elemental inequalities of ``n`` variables that suffice for the claim: a subset ``S`` (containing ``start``)
    such that ``target`` is a non-negative combination of ``S`` plus the equalities. Raises :class:`LPInfeasible`
    when no such combination exists over *all* elemental inequalities (without ``H(A | C)`` of a variable in the
    mask ``continuous``).

    Phase 1 of the simplex method by columns: ``min Σ(s⁺ + s⁻)`` s.t. ``Σ λ_e e + Σ ν_q q + s⁺ − s⁻ = target``
    over the current set; with row duals ``y`` (``|y| <= 1``; ``0`` on rows the restricted LP does not touch, a
    valid dual choice since their right-hand side is 0) every elemental ``e`` with ``y·e > 0`` has negative reduced
    cost and enters (the ``batch`` most violated per round). When none enters, ``y`` is dual feasible for the full
    LP, so the restricted optimum is the full optimum: 0 means feasible, positive means infeasible.
    """
    all_a, all_b, all_c = discrete_targets(elemental_arrays(n), continuous)  # continuous: real-valued variables
    a, b, c = discrete_targets(start, continuous)
    in_set = np.zeros(all_a.size, dtype=bool)
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("column generation ran out of time")
        k, nq = a.size, len(equalities)
        row_masks, cols, rows, vals, rhs = _model(target, equalities, a, b, c)
        nr = row_masks.size
        art_cols = np.arange(k + 2 * nq, k + 2 * nq + 2 * nr, dtype=np.int64)
        cols2 = np.concatenate([cols, art_cols])
        rows2 = np.concatenate([rows, np.arange(nr), np.arange(nr)])
        vals2 = np.concatenate([vals, np.ones(nr), -np.ones(nr)])
        cost = np.concatenate([np.zeros(k + 2 * nq), np.ones(2 * nr)])
        ncol = k + 2 * nq + 2 * nr
        sol = _solve(cost, np.zeros(ncol), np.full(ncol, np.inf), cols2, rows2, vals2, rhs, method)
        if sol is None:  # pragma: no cover - phase 1 is always feasible and bounded
            raise LPInfeasible("the phase-1 LP did not solve")
        x, y = sol
        infeasibility = float(x[k + 2 * nq:].sum())
        if infeasibility <= 1e-9:
            return a, b, c
        y_of_mask = np.zeros(1 << n)
        y_of_mask[row_masks] = y
        score = _price(y_of_mask, all_a, all_b, all_c)
        score[in_set] = -np.inf
        enter = np.flatnonzero(score > tol)
        if enter.size == 0:
            raise LPInfeasible(f"phase-1 optimum {infeasibility:.3g} > 0 with no improving elemental inequality")
        batch = max(batch, enter.size // 2)  # many violated rows: take half of them (fewer rounds)
        if enter.size > batch:
            enter = enter[np.argpartition(-score[enter], batch)[:batch]]
        in_set[enter] = True
        a = np.concatenate([a, all_a[enter]])
        b = np.concatenate([b, all_b[enter]])
        c = np.concatenate([c, all_c[enter]])
