"""docs/bounds.md: every ``derive bound ... --markdown`` table in it must match the tool's current output."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import pytest
from pathlib import Path

from derive.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "bounds.md"
BLOCK = re.compile(r"```bash\n(derive bound [^\n]*--markdown)\n```\n\n((?:\|[^\n]*\n)+)")


def _run(command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(shlex.split(command)[1:]) == 0, command
    return out.getvalue()


@pytest.mark.slow
def test_bounds_doc_tables_are_current():
    text = DOC.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 3, "docs/bounds.md should hold the gaussian, boolean and cluster tables"
    for command, table in blocks:
        assert _run(command) == table, (
            f"docs/bounds.md is stale for `{command}`: rerun it and paste its output under the command")


def test_bounds_doc_plot_command_and_image(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"(derive bound \S+ [^\n]*--plot) docs/img/bound_vs_n\.png", text)
    assert m and (ROOT / "docs" / "img" / "bound_vs_n.png").read_bytes()[:4] == b"\x89PNG"
    png = tmp_path / "b.png"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(shlex.split(m.group(1))[1:] + [str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
