"""Singletons (BBFST21) and clusters seen l times (FKL25 Lemma 14): exact counts against the papers' numbers."""

from __future__ import annotations

import json
from fractions import Fraction

from derive.cli import main
from derive.templates.singletons import expected_seen_exactly


def test_fkl25_lemma_14_checkpoint():
    got = [float(expected_seen_exactly(500, 500, l)) for l in range(5)]
    for g, want in zip(got, [183.76, 184.12, 92.06, 30.63, 7.63]):
        assert abs(g - want) < 0.006


def test_counts_sum_to_k_and_weigh_to_n():
    k, n = 7, 12
    counts = [expected_seen_exactly(k, n, l) for l in range(n + 1)]
    assert sum(counts) == k and sum(l * c for l, c in enumerate(counts)) == n


def test_bbfst21_experiment(capsys):
    assert main(["bound", "singletons", "--set", "n=500", "--set", "N=500", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["values"][0]
    assert abs(row["factor"] - 184.124) < 5e-4 and row["factor"] <= float(500 * Fraction(499, 500) ** 499)
