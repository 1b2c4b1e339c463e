"""Would a symmetry reduction speed up the Shannon prover? A measurement, not a prover stage (issue #18, item 4).

For cyclically symmetric claims (Shearer's lemma with cyclic windows, k = 2, 3; subadditivity) at n = 10..16 it
times the prover's structured LP (build + solve) against the same LP reduced by the rotation group: candidate
columns replaced by their orbit sums over the n rotations X_i -> X_{i+1}, one row per orbit of sets (an invariant
target makes the rows of one orbit identical). The reduced LP is feasible exactly when the structured LP is
(average a solution over the group). It does not expand the orbit solution into a certificate (that would give
n copies of every support orbit) — see the README's prover section for the conclusion.

    python benchmarks/shannon_symmetry.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from shannon import derive_case  # noqa: E402

from derive.core.linear import linear_form  # noqa: E402
from derive.provers import elemental_lp as E  # noqa: E402
from derive.provers import shannon as S  # noqa: E402


def permute_masks(m: np.ndarray, perm: list[int], n: int) -> np.ndarray:
    """Bit ``i`` of every mask moved to bit ``perm[i]``."""
    out = np.zeros_like(m)
    for i in range(n):
        out |= ((m >> i) & 1) << perm[i]
    return out


def reduced_solve(target: dict[int, float], cands, perm: list[int], n: int):
    """Orbit-sum LP ``min Σ μ_O`` s.t. ``Σ μ_O (Σ_k rot^k e_O) = target`` on one row per orbit of sets."""
    a, b, c = cands
    keys = []
    A, B, C = a, b, c
    for _ in range(n):  # canonical representative of each column: the least key over the rotations
        lo, hi = np.minimum(A, B), np.maximum(A, B)
        keys.append((np.where(lo != 0, lo, hi) << (2 * n)) | (np.where(lo != 0, hi, 0) << n) | C)
        A, B, C = permute_masks(A, perm, n), permute_masks(B, perm, n), permute_masks(C, perm, n)
    reps = np.unique(np.stack(keys).min(axis=0))
    A, B, C = reps >> (2 * n), (reps >> n) & ((1 << n) - 1), reps & ((1 << n) - 1)
    parts = []
    for _ in range(n):
        parts.append(E._entries(A, B, C))
        A, B, C = permute_masks(A, perm, n), permute_masks(B, perm, n), permute_masks(C, perm, n)
    cols, masks, vals = (np.concatenate(x) for x in zip(*parts))
    canon = np.arange(1 << n, dtype=np.int64)
    r = canon.copy()
    for _ in range(n - 1):
        r = permute_masks(r, perm, n)
        canon = np.minimum(canon, r)
    keep = canon[masks] == masks
    cols, masks, vals = cols[keep], masks[keep], vals[keep]
    rowm = np.unique(np.concatenate([masks, np.array([m for m in target if canon[m] == m], dtype=np.int64)]))
    key = cols * rowm.size + np.searchsorted(rowm, masks)
    uniq, inverse = np.unique(key, return_inverse=True)  # orbit sums repeat (column, row) pairs: add them up
    summed = np.bincount(inverse, weights=vals)
    nz = summed != 0
    rhs = np.zeros(rowm.size)
    for m, v in target.items():
        if canon[m] == m:
            rhs[np.searchsorted(rowm, m)] = v
    k = reps.size
    sol = E._solve(np.ones(k), np.zeros(k), np.full(k, np.inf), (uniq // rowm.size)[nz], (uniq % rowm.size)[nz],
                   summed[nz], rhs)
    return k, rowm.size, sol


def main() -> None:
    print("| case | n | structured columns | structured LP (ms) | orbit columns | orbit rows | reduced LP (ms) | "
          "support orbits |\n|---|---|---|---|---|---|---|---|")
    for case in ("shearer2", "shearer3", "subadditivity"):
        for n in (10, 12, 14, 16):
            claim, _ = derive_case(case, n)
            form = linear_form(claim.slack())
            items = S._items_of([form])
            space = S._Space(items)
            exact = space.vector(form)
            target = {m: float(v) for m, v in exact.items()}
            natural = [space.index[it] for it in sorted(items, key=lambda it: int(str(it)[1:]))]
            perm = [0] * n
            for i in range(n):
                perm[natural[i]] = natural[(i + 1) % n]
            rotated = {int(permute_masks(np.array([m]), perm, n)[0]): v for m, v in exact.items()}
            assert rotated == exact, "the claim is not invariant under the rotation"
            t0 = time.perf_counter()
            cands = S._structured(n, set(exact), list(range(n)))
            full = E.solve_min_sum(target, [], cands)
            t_full = time.perf_counter() - t0
            t0 = time.perf_counter()
            k, rows, sol = reduced_solve(target, cands, perm, n)
            t_red = time.perf_counter() - t0
            assert (full is None) == (sol is None)
            print(f"| {case} | {n} | {cands[0].size} | {t_full * 1e3:.1f} | {k} | {rows} | {t_red * 1e3:.1f} | "
                  f"{None if sol is None else int((sol[0] > 1e-9).sum())} |", flush=True)


if __name__ == "__main__":
    main()
