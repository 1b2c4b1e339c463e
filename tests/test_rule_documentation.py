"""Every kernel rule states itself in its docstring (read by ``derive rules`` and docs/rules.md)."""

import pytest

from derive.commands.rules import rule_documentation, rules_markdown
from derive.kernel import RULES


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_statement_and_a_reference(name):
    doc = rule_documentation(RULES[name])
    assert doc["summary"] and doc["statement"] and doc["reference"]
    assert "Statement:" not in doc["statement"] and "Reference:" not in doc["statement"]


def test_sections_spanning_lines_are_joined():
    doc = rule_documentation(RULES["copy"])
    assert doc["statement"].startswith("for (A, B, C) there is C'")
    assert doc["statement"].endswith("proves a claim about the variables alone")
    assert doc["needs"].startswith("args: copy =")


def test_docs_rules_md_is_generated_from_the_docstrings():
    from pathlib import Path

    assert Path(__file__).resolve().parents[1].joinpath("docs/rules.md").read_text().strip() == rules_markdown().strip()
