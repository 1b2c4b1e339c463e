"""sparse-hypercube: the reference checkpoint, the corrected SDPI constant, and the paper's factor-4 slip."""

from __future__ import annotations

import json
import math
from fractions import Fraction

from derive.cli import main
from derive.templates.sparse import sparse_hypercube, sparse_rho


def test_the_reference_checkpoint(capsys):
    """d = 10^6, nu = 10^-3, alpha = 1/3: about 316,600, 70,010 and 8,280 bits; n = 4 negative."""
    assert main(["bound", "sparse-hypercube", "--set", "d=1e6", "--set", "nu=1e-3", "--set", "n=1..4",
                 "--set", "alpha=1/3", "--json"]) == 0
    bounds = [v["bound"] for v in json.loads(capsys.readouterr().out)["values"]]
    assert abs(bounds[0] - 316_600) < 100 and abs(bounds[1] - 70_010) < 10 and abs(bounds[2] - 8_280) < 5
    assert bounds[3] < 0


def test_corrected_constant_gives_the_boolean_value_at_n_1_and_the_paper_is_4x_smaller():
    nu = Fraction(1, 1000)
    assert sparse_rho(nu, 1) == nu ** 2  # one example: a BSC with correlation nu, eta = nu^2
    for n in (1, 2, 3, 5):
        row = sparse_hypercube({"d": 10 ** 6, "nu": nu, "n": n})
        assert math.isclose(row["rho_n"], 4 * row["rho_n_paper"], rel_tol=1e-12)


def test_independent_recomputation():
    d, nu, n = 10 ** 6, 0.001, 2
    c_bits = 0.22806219129280653 / math.log(2)
    h = -(nu * math.log2(nu) + (1 - nu) * math.log2(1 - nu))
    rho = (nu / (nu + (1 - nu) * 2 ** (1 - n))) ** 2
    want = c_bits / rho - d * (h + nu)
    got = sparse_hypercube({"d": d, "nu": Fraction(1, 1000), "n": n})["bound"]
    assert abs(got - want) < 1e-9 * want  # float64 here, ball arithmetic there
