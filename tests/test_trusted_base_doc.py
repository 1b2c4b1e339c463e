"""README's "Trusted base" paragraph quotes the measured size of ``derive/kernel/`` and ``derive/core/``."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sizes():
    spec = importlib.util.spec_from_file_location("trusted_base", ROOT / "benchmarks" / "trusted_base.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return sum(mod.sizes("kernel").values()), sum(mod.sizes("core").values())


def test_readme_states_the_trusted_base_size_within_five_percent():
    text = (ROOT / "README.md").read_text()
    m = re.search(r"\*\*Trusted base\.\*\* `derive/kernel/` \(([\d,]+) lines of code.*?`derive/core/` it relies on "
                  r"\(([\d,]+):", text, re.S)
    assert m, "README's trusted-base paragraph lost its numbers"
    stated = [int(g.replace(",", "")) for g in m.groups()]
    for said, measured in zip(stated, _sizes()):
        assert abs(said - measured) <= 0.05 * measured, (said, measured)
