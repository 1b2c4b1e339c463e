"""Mixtures of k clusters (FKL25 Theorem 18 in PMLR, arXiv Section 5): memorization adds up over the clusters.

A sample of n examples from k equally likely clusters sees cluster j exactly ℓ_j times. Theorem 18 (its proof,
``proofs/fkl25_mixture.toml``) conditions on the cluster ids and uses superadditivity across clusters, so

    mem_n(mixture) ≥ E[ Σ_j mem_(ℓ_j)(P, e_j) ] ≥ Σ_{1 ≤ ℓ ≤ n} E|I_ℓ| · B_ℓ(α)

with I_ℓ the clusters seen exactly ℓ times, E|I_ℓ| = k·C(n, ℓ)·k^(−ℓ)·(1 − 1/k)^(n−ℓ) (uniform weights; FKL25
Lemma 14 / Feldman 2020), and B_ℓ(α) the single-cluster bound of a base template at n = ℓ and classification
error α (``--base gaussian-cluster | boolean-cluster | sparse-hypercube | cluster``; clusters never seen
contribute nothing).

**What replaces c_P and err_ℓ.** The paper writes the per-cluster step as c_P·(|I_ℓ| − 2·err_ℓ)·mem_ℓ(P), from
its Assumption 17 (mem_ℓ(P, α) ≥ c_P·(1 − 2α)·mem_ℓ(P)), which is linear in the advantage 1 − 2α; the bounds
derive certifies (Theorem 7 part 2, C*_α) are convex in the advantage and quadratic near α = 1/2 (C*_α ≈
(1 − 2α)²/2), so they do not give such a c_P. Here ``alpha`` is the learner's average error on the clusters seen
ℓ times (err_ℓ = α·|I_ℓ|, for every ℓ), and since B_ℓ is a non-increasing convex function of that error —
Σ_{j ∈ I_ℓ} B_ℓ(e_j) ≥ |I_ℓ|·B_ℓ(err_ℓ/|I_ℓ|) by Jensen — each cluster seen ℓ times contributes B_ℓ(α) on
average. A negative B_ℓ (the sparse bound at large ℓ) counts as 0 (mutual information is non-negative), and ℓ
with E|I_ℓ| < :data:`NEGLIGIBLE_COUNT` are left out: dropping non-negative terms keeps a lower bound.

Checkpoint (FKL25, n = k = 500): E|I_1| = 184.12.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from derive.errors import InvalidArgument, LimitExceeded
from derive.numeric.exact import float_down
from derive.templates.singletons import MAX_SINGLETON_N, expected_seen_exactly

__all__ = ["mixture", "mixture_terms", "BASES", "NEGLIGIBLE_COUNT", "MAX_MIXTURE_TERMS"]

#: Base templates a mixture can take (a single-cluster memorization bound at n = ℓ).
BASES = ("gaussian-cluster", "boolean-cluster", "sparse-hypercube", "cluster")
#: ℓ with E|I_ℓ| below this are left out (their contribution is ≥ 0).
NEGLIGIBLE_COUNT = 1e-9
#: Most values of ℓ evaluated in one row.
MAX_MIXTURE_TERMS = 2_000


def _log_count(k: int, n: int, l: int) -> float:
    """ln E|I_ℓ| in floating point (only to choose which ℓ to evaluate exactly)."""
    return float(mpmath.log(k) + mpmath.log(mpmath.binomial(n, l)) - l * mpmath.log(k)
                 + (n - l) * mpmath.log1p(-mpmath.mpf(1) / k)) if k > 1 else (0.0 if l == n else -mpmath.inf)


def mixture_terms(k: int, n: int) -> list[int]:
    """The ℓ in 1..n with E|I_ℓ| ≥ :data:`NEGLIGIBLE_COUNT` (a contiguous run around n/k)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (k, n)) or k < 1 or n < 1:
        raise InvalidArgument(f"Expected integers k >= 1 and n >= 1 but got k={k}, n={n}")
    if max(k, n) > MAX_SINGLETON_N:
        raise LimitExceeded(f"k and n are at most {MAX_SINGLETON_N} in the mixture template")
    floor = float(mpmath.log(NEGLIGIBLE_COUNT))
    ls = [l for l in range(1, n + 1) if _log_count(k, n, l) >= floor]
    if len(ls) > MAX_MIXTURE_TERMS:
        raise LimitExceeded(f"{len(ls)} cluster sizes l carry weight; at most {MAX_MIXTURE_TERMS} are evaluated")
    return ls


def mixture(params: dict) -> dict:
    """One row: ``bound`` = Σ_ℓ E|I_ℓ|·max(0, B_ℓ(α)) (rounded down), ``factor`` = Σ_ℓ E|I_ℓ| over the ℓ
    evaluated (the expected number of clusters seen), ``E_I1`` = E|I_1|, in the base template's units."""
    from derive.templates.accuracy import accuracy_information, times_information_down
    from derive.templates.registry import TEMPLATES

    base_name = params.get("base")
    if base_name not in BASES:
        raise InvalidArgument(f"the mixture template needs --base, one of {', '.join(BASES)}")
    k, n = params.get("k"), params.get("n")
    if "k" not in params:
        raise InvalidArgument("mixture needs --set k=...")
    ls = mixture_terms(k, n)
    if "info" in params:
        raise InvalidArgument("mixture takes alpha (the per-cluster error), not info")
    base = TEMPLATES[base_name]
    own = {name: v for name, v in params.items() if name not in ("k", "n", "base")}
    own.setdefault("alpha", Fraction(1, 3))
    missing = [p for p in base.required if p != "n" and p not in own]
    if missing:
        raise InvalidArgument(f"mixture --base {base_name} needs --set {missing[0]}=...")
    base_rows = (base.rows(own, ls) if base.rows is not None else [base.row(dict(own, n=l)) for l in ls]) if ls else []
    info = Fraction(accuracy_information(Fraction(own["alpha"]))[0])  # C*_alpha, certified lower end (nats)
    total, seen = Fraction(0), Fraction(0)
    certified = True
    for l, r in zip(ls, base_rows):
        count = expected_seen_exactly(k, n, l)
        seen += count
        certified &= bool(r.get("certified"))
        # a template whose bound is factor x I(M; X) gets I(M; X) >= C*_alpha; the sparse one computes its own
        b = r["bound"] if "bound" in r else times_information_down(r["factor"], info)
        if b is not None and b > 0:
            total += count * Fraction(b)  # b is already a lower end (rounded down by the base template)
    e1 = expected_seen_exactly(k, n, 1)
    reason = ("E|I_l| = k C(n, l) k^(-l) (1 - 1/k)^(n - l) exact; per-cluster bounds from the base template "
              f"{base_name} at n = l; clusters with E|I_l| < {NEGLIGIBLE_COUNT:g} and negative per-cluster bounds "
              "count 0")
    if not certified:
        reason = f"not certified: a per-cluster bound of {base_name} is not certified; " + reason
    units = {r.get("units", "nats" if "bound" not in r else None) for r in base_rows} - {None}
    return {"tau_n": None, "rho_n": None, "factor": float_down(seen), "bound": float_down(total),
            **({"units": units.pop()} if len(units) == 1 else {}),
            "E_I1": float_down(e1), "terms": [ls[0], ls[-1]] if ls else [], "certified": certified,
            "route": f"sum over l = {ls[0]}..{ls[-1]} of E|I_l| x {base_name}(n = l)" if ls else "no cluster weight",
            "reason": reason}


def _register() -> None:
    from derive.templates.registry import TEMPLATES, Template

    TEMPLATES["mixture"] = Template(
        "mixture", ("n", "k"), {"alpha": 1 / 3},
        mixture,
        "mem_n >= sum_{l=1..n} E|I_l| * B_l(alpha), E|I_l| = k C(n, l) k^(-l) (1 - 1/k)^(n - l), B_l = --base at n = l",
        r"\mathrm{mem}_n \ge \sum_{\ell=1}^{n} \mathbb{E}|I_\ell|\, B_\ell(\alpha), \quad "
        r"\mathbb{E}|I_\ell| = k\binom{n}{\ell} k^{-\ell} (1 - 1/k)^{n-\ell}",
        "Mixture of k equally likely clusters (FKL25 Theorem 18 in PMLR, arXiv Section 5): per-cluster bounds "
        "of --base at n = l, weighted by the expected number of clusters seen l times (Lemma 14)",
        params=("n", "k", "base", "alpha", "d", "r2", "sigma", "rho", "lambda", "C", "nu", "M", "logM", "prior", "rows"))


_register()
