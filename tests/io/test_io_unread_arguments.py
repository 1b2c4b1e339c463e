"""A step argument its rule does not read changes nothing, so ``derive check`` says so (it used to be silent:
``split`` on a ``shannon`` step, ``index``/``family`` on any step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.checking import check_file
from derive.io.reader import RULE_ARGS, STEP_ARGS, read_proof_text, unread_arguments
from derive.kernel.rules import rule_names

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_names_real_rules_and_real_arguments():
    assert set(RULE_ARGS) <= set(rule_names())
    assert {a for reads in RULE_ARGS.values() for a in reads} <= set(STEP_ARGS)
    # every argument the reader accepts is read by some rule, but for the two old hints
    assert set(STEP_ARGS) - {a for reads in RULE_ARGS.values() for a in reads} == {"index", "family"}


@pytest.mark.parametrize("path", sorted((ROOT / "proofs").glob("*.toml")), ids=lambda p: p.stem)
def test_no_bundled_proof_gives_an_argument_its_rule_ignores(path):
    assert not [w for w in check_file(path).warnings if "does not read" in w]


@pytest.mark.parametrize("rule, extra, claim", [
    ("shannon", 'split = ["1/2"]', "H(X) >= 0"),
    ("real", 'eta = "1/2"', "p <= 1"),
    ("linear", 'index = "i"', "H(X) >= 0"),
])
def test_an_ignored_argument_is_named_with_what_the_rule_reads(rule, extra, claim):
    text = (f'[proof]\nname = "t"\n[parameters]\np = "0 <= p <= 1"\n[variables]\nrandom = ["X"]\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "{rule}"\n{extra}\n')
    (warning,) = unread_arguments(read_proof_text(text))
    key = extra.split(" =")[0]
    assert f"`{key}`" in warning and f"`{rule}`" in warning and "ignored" in warning
    for read in RULE_ARGS[rule]:
        assert f"`{read}`" in warning


def test_arguments_the_rule_reads_give_no_warning():
    text = ('[proof]\nname = "t"\n[parameters]\np = "0 <= p <= 1/2"\n'
            '[[step]]\nid = "s"\nclaim = "h(p) >= 4*p*(1 - p)"\nrule = "real"\nsplit = ["1/8", "1/4"]\n')
    assert unread_arguments(read_proof_text(text)) == []
