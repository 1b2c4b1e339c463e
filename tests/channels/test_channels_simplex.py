"""The fixed-input branch and bound (derive.channels.simplex): its upper end is never below a witness."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derive.channels import Matrix, eta_chi2, eta_kl, kl_ratio
from derive.channels.simplex import _Fast, _chi2_upper, _Problem, simplex_kl_upper, simplex_kl_upper_fast
from derive.numeric.strategies import weights


def _ratio(F, P, Q):
    py, qy = P @ F, Q @ F
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.nansum(np.where(qy > 0, qy * np.log(qy / py), 0.0))
        d = np.nansum(np.where(Q > 0, Q * np.log(Q / P), 0.0))
    # a float D(QK||PK) carries ~1e-16 of rounding, so a Q within D(Q||P) < 1e-6 of P could show a ratio of 1e-10
    # or more where the true one is 0 (identical rows); Q -> P is covered exactly by the eta_chi2 check below
    return n / d if d > 1e-6 else 0.0


def _dense_search(F, P, rng, n=1500):
    """A float search of sup_Q D(QK||PK)/D(Q||P): random Q, the vertices, and local random walks."""
    k = len(P)
    best, bq = 0.0, None
    cands = list(rng.dirichlet(np.ones(k) * 0.5, size=n)) + list(np.eye(k))
    for Q in cands:
        r = _ratio(F, P, Q)
        if r > best:
            best, bq = r, Q
    for scale in (0.1, 0.02, 0.004):
        for _ in range(150):
            Q = np.clip(bq + rng.normal(size=k) * scale, 0, None)
            Q /= Q.sum()
            r = _ratio(F, P, Q)
            if r > best:
                best, bq = r, Q
    return best, bq


@st.composite
def channel_and_full_input(draw, k_min=3, k_max=4, max_out=4):
    k = draw(st.integers(k_min, k_max))
    m = draw(st.integers(2, max_out))
    rows = []
    for _ in range(k):
        w = draw(weights(m, max_weight=9))
        rows.append([Fraction(v, sum(w)) for v in w])
    p = [draw(st.integers(1, 9)) for _ in range(k)]
    return rows, [Fraction(v, sum(p)) for v in p]


def _assert_upper_end_above_search_and_witnesses(rows, P, sb) -> None:
    """The certified upper end ``sb.upper`` is above a dense float search, a rigorous witness and η_χ²(P, K)."""
    if sb.upper is None:
        return
    F = np.array([[float(x) for x in r] for r in rows])
    best, bq = _dense_search(F, np.array([float(v) for v in P]), np.random.default_rng(0))
    assert best <= float(sb.upper) + 1e-9
    # a rigorous witness never beats the certified upper end
    Qd = [Fraction(float(q)).limit_denominator(1 << 30) for q in bq]
    Qd[-1] = 1 - sum(Qd[:-1])
    if min(Qd) >= 0 and Qd != list(P):
        assert kl_ratio(rows, P, Qd) <= sb.upper
    # and neither does eta_chi2(P, K) (the limit Q -> P)
    assert eta_chi2(Matrix(rows), P).lower <= sb.upper


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(channel_and_full_input())
def test_upper_end_is_above_a_dense_search_and_every_witness(case):
    rows, P = case
    _assert_upper_end_above_search_and_witnesses(rows, P, simplex_kl_upper(rows, P, budget=0.4))


@settings(max_examples=10, deadline=None)
@given(channel_and_full_input(k_max=3, max_out=3))
def test_bracket_contains_the_dense_search(case):
    rows, P = case
    b = eta_kl(Matrix(rows), P, budget=0.5)
    F = np.array([[float(x) for x in r] for r in rows])
    best, _ = _dense_search(F, np.array([float(v) for v in P]), np.random.default_rng(1))
    assert best <= float(b.upper) + 1e-9
    assert b.lower <= b.upper


def test_three_symbol_input_is_narrow_within_the_budget():
    K = Matrix([["0.5", "0.3", "0.2"], ["0.1", "0.6", "0.3"], ["0.2", "0.2", "0.6"]])
    b = eta_kl(K, ["0.3", "0.3", "0.4"], budget=1.5, target_width=1e-3)
    assert b.width <= Fraction(1, 10 ** 3)
    assert "branch and bound" in b.upper_how and "witness" in b.lower_how


def test_identical_rows_on_the_support_give_zero():
    rows = [[Fraction(1, 2), Fraction(1, 2)]] * 3
    sb = simplex_kl_upper(rows, [Fraction(1, 3)] * 3, budget=0.5)
    assert sb.upper is not None and sb.upper <= Fraction(1, 10 ** 9)


def test_the_bound_is_valid_whenever_it_stops():
    K = [[Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)], [Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)],
         [Fraction(1, 5), Fraction(1, 5), Fraction(3, 5)], [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)]]
    P = [Fraction(1, 4)] * 4
    F = np.array([[float(x) for x in r] for r in K])
    best, _ = _dense_search(F, np.array([0.25] * 4), np.random.default_rng(2))
    for budget in (0.0, 0.05, 0.3):
        sb = simplex_kl_upper(K, P, budget=budget)
        if sb.upper is not None:
            assert best <= float(sb.upper) + 1e-9


# --- the vectorized float64 path: same guarantees, with outward-rounding margins -------------------------------


@pytest.mark.slow  # several seconds in a plain run (session 29's --durations); CI runs it
@settings(max_examples=8, deadline=None)
@given(channel_and_full_input(k_max=5, max_out=5))
def test_fast_upper_end_is_above_a_dense_search_and_every_witness(case):
    rows, P = case
    _assert_upper_end_above_search_and_witnesses(rows, P, simplex_kl_upper_fast(rows, P, budget=0.2))


def _fast_problem(rows, P):
    from derive.numeric.exact import q_of

    prob = _Problem([[q_of(v) for v in r] for r in rows], [q_of(v) for v in P])
    chi = _chi2_upper(prob)
    # None without a certified eta_chi2 bound (e.g. identical rows: eta = 0, and c = 0 is not positive definite):
    # the production path then returns no simplex bound at all (simplex_kl_upper_fast)
    return None if chi is None else _Fast(rows, P, chi)


def _exact_point(beta, P):
    """The exact rational point beta_0 P + sum beta_x e_x (beta: dyadic floats)."""
    b = [Fraction(float(v)) for v in beta]
    return [b[0] * P[x] + b[1 + x] for x in range(len(P))]


def _exact_ratio(rows, P, Q):
    return kl_ratio(rows, P, Q) if Q != list(P) else None


@settings(max_examples=15, deadline=None)
@given(channel_and_full_input(k_max=5, max_out=5), st.integers(0, 2 ** 31))
def test_float_cell_bounds_enclose_the_exact_values(case, seed):
    """Float vs exact: vertex enclosures contain the exact (arb) values, and every cell bound is at least the
    exact ratio at rational points of the cell (its vertices and random dyadic points inside)."""
    import flint

    from derive.numeric.exact import iv_lower, iv_upper

    rows, P = case
    rng = np.random.default_rng(seed)
    k = len(P)
    fast = _fast_problem(rows, P)
    assume(fast is not None)
    fast.add(np.eye(k + 1), np.zeros(k + 1, dtype=np.int64))
    finite_cells = []
    # random dyadic cells inside the star cell conv(P, e_j : j != x), deep and shallow
    for _ in range(6):
        x = int(rng.integers(k))
        base = np.eye(k + 1)[[0] + [1 + z for z in range(k) if z != x]]
        depth = int(rng.integers(1, 30))
        scale = 2.0 ** -depth
        corner = rng.dirichlet(np.ones(k))
        corner = np.floor(corner / scale) * scale
        corner[0] = 1 - corner[1:].sum()
        verts = []
        for i in range(k):  # a small simplex: corner + scale (unit_i - unit_0)
            w = corner.copy()
            if i:
                shift = min(scale, w[0])
                w[0] -= shift
                w[i] += shift
            verts.append(w @ base)
        B = np.array(verts)
        idx = fast.add(B, np.full(k, depth))
        u = fast.bounds(idx[None, :])[0]
        for j, b in zip(idx, B):
            Q = _exact_point(b, P)
            assert all(fast.Vlo[j][z] <= Q[z] <= fast.Vhi[j][z] for z in range(k))
            t = [sum((Q[z] * rows[z][y] for z in range(k)), Fraction(0)) for y in range(len(rows[0]))]
            pk = [sum((P[z] * rows[z][y] for z in range(k)), Fraction(0)) for y in range(len(rows[0]))]
            n = flint.arb(0)
            for ty, py in zip(t, pk):
                if ty:
                    n += flint.arb(ty.numerator) / ty.denominator * (
                        (flint.arb(ty.numerator) / ty.denominator / (flint.arb(py.numerator) / py.denominator)).log())
            assert iv_upper(n) <= Fraction(fast.Nhi[j])
        if not np.isfinite(u):
            continue
        finite_cells.append(u)
        for _ in range(4):
            lam = rng.dirichlet(np.ones(k))
            b = lam @ B
            Q = _exact_point(b, P)
            Q = [Fraction(v) for v in Q]
            if sum(Q) != 1 or Q == list(P):
                continue
            assert kl_ratio(rows, P, Q) <= Fraction(u)


def test_fast_five_symbols_use_branch_and_bound():
    """Five inputs, three outputs: the branch and bound gives the upper end (no timing assertion: the budget bounds
    the run)."""
    K = [[Fraction(v, 10) for v in r] for r in ([5, 3, 2], [1, 6, 3], [2, 2, 6], [3, 3, 4], [6, 1, 3])]
    P = [Fraction(v, 15) for v in (1, 2, 3, 4, 5)]
    b = eta_kl(Matrix(K), P, budget=1.5)
    assert b.lower <= b.upper
    assert "branch and bound" in b.upper_how


def test_fast_identical_rows_give_zero_and_stops_validly():
    rows = [[Fraction(1, 2), Fraction(1, 2)]] * 3
    sb = simplex_kl_upper_fast(rows, [Fraction(1, 3)] * 3, budget=0.5)
    assert sb.upper is not None and sb.upper <= Fraction(1, 10 ** 9)
    K = [[Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)], [Fraction(1, 10), Fraction(3, 5), Fraction(3, 10)],
         [Fraction(1, 5), Fraction(1, 5), Fraction(3, 5)], [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)]]
    F = np.array([[float(x) for x in r] for r in K])
    best, _ = _dense_search(F, np.array([0.25] * 4), np.random.default_rng(2))
    for budget in (0.0, 0.01, 0.1):
        sb = simplex_kl_upper_fast(K, [Fraction(1, 4)] * 4, budget=budget)
        if sb.upper is not None:
            assert best <= float(sb.upper) + 1e-9


def test_float_cell_bounds_are_finite_on_small_cells_and_above_exact_ratios():
    rows = [[Fraction(v, 10) for v in r] for r in ([5, 3, 2], [1, 6, 3], [2, 2, 6], [3, 3, 4])]
    P = [Fraction(v, 10) for v in (1, 2, 3, 4)]
    fast = _fast_problem(rows, P)
    assert fast is not None
    fast.add(np.eye(5), np.zeros(5, dtype=np.int64))
    rng = np.random.default_rng(5)
    seen = 0
    for depth in (4, 8, 12):
        s = 2.0 ** -depth
        for c0 in (0.5, 0.25, 0.0):
            base = np.array([[c0, 1 - c0 - 2 * s, s, s, 0.0], [c0, 1 - c0 - 3 * s, 2 * s, s, 0.0],
                             [c0, 1 - c0 - 2 * s, s, 2 * s, 0.0], [c0, 1 - c0 - 3 * s, s, s, s]])
            idx = fast.add(base, np.full(4, depth))
            u = fast.bounds(idx[None, :])[0]
            if not np.isfinite(u):
                continue
            seen += 1
            for lam in list(np.eye(4)) + list(rng.dirichlet(np.ones(4), size=5)):
                Q = _exact_point(lam @ base, P)
                if sum(Q) == 1:
                    assert kl_ratio(rows, P, Q) <= Fraction(u)
    assert seen >= 3
