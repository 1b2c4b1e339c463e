"""The registry of theorem templates (``derive bound TEMPLATE``): one entry per template module.
"""

from __future__ import annotations

from derive.templates.boolean_cluster import boolean_cluster, boolean_cluster_rows
from derive.templates.cluster import cluster, cluster_rows
from derive.templates.common import Template
from derive.templates.gaussian_cluster import gaussian_cluster, gaussian_cluster_rows

__all__ = ["TEMPLATES", "Template"]


TEMPLATES: dict[str, Template] = {
    "gaussian-cluster": Template(
        "gaussian-cluster", ("n",), {"d": 1.0},
        gaussian_cluster,
        "mem_n >= (1 - r2)/(n * r2^2) * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - r^2}{n r^4}\, I(M; X)",
        "Gaussian clustering (FKL25 section 4.1, Theorem 10 in PMLR): theta ~ N(0, I_d), X_i = theta + sigma Z_i, r^2 = 1/(1 + sigma^2)",
        params=("n", "r2", "sigma", "d", "info", "alpha"), rows=gaussian_cluster_rows),
    "boolean-cluster": Template(
        "boolean-cluster", ("n",), {"d": 1.0},
        boolean_cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X), tau_n = eta_KL(law of S_n, S_n -> theta) (certified), rho_n = rho^2 tau_n",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X), \quad \tau_n = \eta_{\mathrm{KL}}(P_{S_n}, S_n \to \theta),\ \rho_n = \rho^2 \tau_n",
        "Boolean clustering (FKL25 section 4.2, Theorem 12 in PMLR): theta uniform on {+-1}^d, coordinates through BSC((1 - rho)/2)",
        params=("n", "rho", "lambda", "C", "d", "M", "logM", "info", "alpha"), rows=boolean_cluster_rows),
    "cluster": Template(
        "cluster", ("n",), {"d": 1.0},
        cluster,
        "mem_n >= (1 - tau_n)/rho_n * I(M; X)",
        r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
        "a new cluster model: theta_j ~ --prior, each observation is theta_j through --channel",
        params=("n", "d", "info", "alpha", "prior", "rows"), rows=cluster_rows),
}


def _register_sparse() -> None:
    from derive.templates.sparse import sparse_hypercube

    TEMPLATES["sparse-hypercube"] = Template(
        "sparse-hypercube", ("n", "d", "nu"), {"alpha": 1 / 3},
        sparse_hypercube,
        "mem_n >= C*_alpha/rho_n - d (h(nu) + nu) bits, rho_n = (nu/(nu + (1 - nu) 2^(1-n)))^2",
        r"\mathrm{mem}_n \ge \frac{C^*_\alpha}{\rho_n} - d\,(h(\nu) + \nu), \quad "
        r"\rho_n = \Bigl(\frac{\nu}{\nu + (1 - \nu) 2^{1-n}}\Bigr)^2",
        "Sparse Boolean hypercube (FKL25 section 4.3, Thm 13): a coordinate is in S w.p. nu, X_S = y_S; bits; "
        "rho_n corrected from the paper's xi^2 to (2 xi)^2",
        params=("n", "d", "nu", "alpha"))


_register_sparse()


def _register_singletons() -> None:
    from derive.templates.singletons import singletons

    TEMPLATES["singletons"] = Template(
        "singletons", ("n",), {},
        singletons,
        "I(M; X | P) >= E[#singletons] * info, E[#singletons] = n (1 - 1/N)^(n - 1)",
        r"I(M; X \mid P) \ge n\,(1 - 1/N)^{n-1} \cdot \mathrm{info}",
        "BBFST21 singletons: n samples from N equally likely subpopulations (N defaults to n); info = bits each "
        "singleton forces (default 1)",
        params=("n", "N", "info"))


_register_singletons()
