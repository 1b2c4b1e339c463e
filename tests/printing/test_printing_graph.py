"""Proof graphs: nodes colored by the kernel's verdicts, edges labeled with rules, DOT written by hand."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from derive.checking import check_file
from derive.cli import main
from derive.printing.graph import STATUS_COLORS, GraphvizError, render_dot, status_graph, to_dot

ROOT = Path(__file__).resolve().parents[2]


try:  # one kernel check per proof file for the whole printing suite
    from test_printing_compile import _checked
except ImportError:  # pragma: no cover - another import mode
    @lru_cache(maxsize=None)
    def _checked(path: Path):
        return check_file(path)


def _run(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_status_graph_carries_the_kernels_verdicts():
    c = _checked(ROOT / "proofs" / "sdpi_chain.toml")
    g = status_graph(c.proof, c.report)
    assert g.nodes["chain"]["status"] == "hypothesis"
    assert g.nodes["s1"]["status"] == "assumed" and g.nodes["theorem"]["status"] == "proved"
    assert g.nodes["theorem"]["fill"] == STATUS_COLORS["proved"][0]
    assert g.edges["chain", "s1"]["label"] == "sdpi"
    assert g.edges["s1", "theorem"]["label"] == "compose"
    assert "[assumed]" in g.nodes["s1"]["label"]


def test_without_a_report_nothing_is_drawn_as_proved():
    c = _checked(ROOT / "proofs" / "sdpi_chain.toml")
    g = status_graph(c.proof)
    assert {d["status"] for n, d in g.nodes(data=True) if d["kind"] != "hypothesis"} == {"unchecked"}


def test_failed_steps_are_red_and_bold():
    c = _checked(ROOT / "tests" / "bad_proofs" / "reversed_dpi.toml")
    g = status_graph(c.proof, c.report)
    failed = [n for n, d in g.nodes(data=True) if d["status"] == "failed"]
    assert failed
    dot = to_dot(g, c.proof.name)
    for n in failed:
        line = next(x for x in dot.splitlines() if x.strip().startswith(f'"{n}" ['))
        assert STATUS_COLORS["failed"][1] in line and "bold" in line


def test_dot_text_is_quoted_and_has_a_legend():
    c = _checked(ROOT / "proofs" / "fkl25_framework.toml")
    g = status_graph(c.proof, c.report)
    g.nodes["identity"]["label"] = 'a "quoted" \\ label\nline two'
    dot = to_dot(g, 'name "with" quotes', title="t")
    assert dot.startswith('digraph "name \\"with\\" quotes" {')
    assert 'label="a \\"quoted\\" \\\\ label\\nline two"' in dot
    assert '"learner" -> "identity" [label=" linear "];' in dot
    assert "cluster_legend" in dot and dot.rstrip().endswith("}")


def test_cli_graph_dot_and_stdout(tmp_path):
    path = str(ROOT / "proofs" / "dpi_markov_chain.toml")
    code, out, _ = _run(["graph", path])
    assert code == 0 and out.startswith("digraph")
    code, out, _ = _run(["graph", path, "-o", str(tmp_path / "g.dot")])
    assert code == 0 and (tmp_path / "g.dot").read_text().startswith("digraph")
    code, out, _ = _run(["graph", path, "--json"])
    data = json.loads(out)
    assert data["status"] == "proved" and {n["id"] for n in data["nodes"]} >= {"near", "far", "theorem"}
    assert {"from": "near", "to": "theorem", "rule": "compose"} in data["edges"]


def test_cli_graph_exit_codes(tmp_path, monkeypatch):
    code, _, err = _run(["graph", str(ROOT / "proofs" / "dpi_markov_chain.toml"), "-o", str(tmp_path / "g.txt")])
    assert code == 2 and ".dot" in err
    code, _, _ = _run(["graph", str(ROOT / "tests" / "bad_proofs" / "reversed_dpi.toml"),
                       "-o", str(tmp_path / "bad.dot")])
    assert code == 1 and (tmp_path / "bad.dot").exists()
    import derive.printing.graph as mod

    monkeypatch.setattr(mod.shutil, "which", lambda name: None)
    code, _, err = _run(["graph", str(ROOT / "proofs" / "dpi_markov_chain.toml"), "-o", str(tmp_path / "g.png")])
    assert code == 2 and "graphviz" in err.lower() and "dot" in err


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_render_svg_and_bad_dot(tmp_path):
    c = _checked(ROOT / "proofs" / "dpi_markov_chain.toml")
    svg = render_dot(to_dot(status_graph(c.proof, c.report)), tmp_path / "g.svg")
    assert "<svg" in svg.read_text()
    with pytest.raises(GraphvizError, match="dot failed"):
        render_dot("digraph { a -> }", tmp_path / "bad.png")
