"""README.md (section Limits) lists every limit in the code, with its current value, and only flags that exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from derive.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
ROWS = [line for line in DOC.splitlines() if line.startswith("|")]

#: Module-level limit constants: MAX_*, *_TIMEOUT, SHRINK_* (``_MAX_BITS`` is derived from ``MAX_DIGITS``).
CONSTANT = re.compile(r"^(_?MAX_[A-Z0-9_]*|[A-Z_]*_TIMEOUT|SHRINK_[A-Z]+)\s*=", re.M)
DERIVED = {"_MAX_BITS"}


def _constants() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "derive").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for m in CONSTANT.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) not in DERIVED:
                out.append((rel, m.group(1)))
    return out


def _numbers(text: str) -> set[float]:
    return {float(t.replace(",", "")) for t in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


@pytest.mark.parametrize("rel,name", _constants(), ids=lambda x: x)
def test_every_limit_constant_is_documented_with_its_value(rel, name):
    rows = [r for r in ROWS if f"`{name}`" in r and rel in r]
    assert rows, f"{name} ({rel}) is not in README.md (section Limits)"
    module = importlib.import_module(rel[:-3].replace("/", "."))
    value = getattr(module, name)
    cells = [re.split(r"(?<!\\)\|", r) for r in rows]  # table cells; "\|" is a literal bar
    assert any(float(value) in _numbers(c[2] + c[3]) for c in cells), (
        f"README.md (section Limits) gives another value for {name} ({rel}) than {value}")


def _raise_sites() -> list[str]:
    out = []
    for path in sorted((ROOT / "derive").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "errors.py" and re.search(r"LimitExceeded\(|, LimitExceeded\)", text):
            out.append(path.relative_to(ROOT).as_posix())
    return out


@pytest.mark.parametrize("rel", _raise_sites())
def test_every_module_raising_limit_exceeded_is_documented(rel):
    assert f"`{rel}`" in DOC or rel in DOC, f"{rel} raises LimitExceeded but README.md (section Limits) does not mention it"


def _options(command: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(sub.choices[command]._option_string_actions)


DOCUMENTED_FLAGS = sorted(set(re.findall(r"`derive ([a-z]+)((?: --[a-z-]+)+)", DOC)))


def test_the_doc_names_flags():
    assert len(DOCUMENTED_FLAGS) >= 10


@pytest.mark.parametrize("command,flags", DOCUMENTED_FLAGS)
def test_every_documented_flag_exists(command, flags):
    options = _options(command)
    for flag in flags.split():
        assert flag in options, f"README.md (section Limits) names `derive {command} {flag}`, which does not exist"


LIMIT_FLAG = re.compile(r"--(timeout|max[a-z-]*|samples|dps|jobs|verify)$")


def test_every_limit_flag_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = [f"derive {cmd} {flag}" for cmd, p in sub.choices.items() for flag in p._option_string_actions
               if LIMIT_FLAG.match(flag) and f"derive {cmd} {flag}" not in DOC]
    assert not missing, f"limit flags missing from README.md (section Limits): {missing}"
