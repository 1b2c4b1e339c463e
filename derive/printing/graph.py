"""A proof's dependency graph — hypotheses, steps, theorem — as Graphviz DOT, colored by the kernel's verdicts.

:func:`status_graph` annotates :meth:`derive.proof.Proof.graph` with each node's status (from a
:class:`derive.kernel.check.Report`), label and colors; :func:`to_dot` writes DOT text itself
(no pydot/pygraphviz needed); :func:`render_dot` runs Graphviz's ``dot`` binary for images.

Edges go from a premise to the step that uses it and are labeled with that step's rule.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

import networkx as nx

from derive.core.hypotheses import Assume
from derive.errors import GraphvizError
from derive.printing import shown_status

__all__ = ["status_graph", "to_dot", "render_dot", "GraphvizError", "STATUS_COLORS", "IMAGE_FORMATS",
           "DOT_TIMEOUT"]

#: ``status -> (fill, border)``; hypotheses are ``"hypothesis"``.
STATUS_COLORS = {
    "proved": ("#d8f0d8", "#2e7d32"),
    "assumed": ("#fff1c1", "#a67c00"),
    "conditional": ("#fde2cf", "#c62828"),
    "tested": ("#ffe0b2", "#e65100"),
    "unchecked": ("#eeeeee", "#c62828"),
    "failed": ("#f8d0d0", "#c62828"),
    "hypothesis": ("#e3eefa", "#1f5f9f"),
}

#: Output suffixes rendered by Graphviz (anything else is written as DOT text).
IMAGE_FORMATS = ("png", "svg", "pdf")

#: Seconds ``dot`` may take.
DOT_TIMEOUT = 60

_WRAP = 60



def _wrap(text: str, width: int = _WRAP) -> list[str]:
    """Break a long statement at spaces into lines of about ``width`` characters."""
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


def status_graph(proof, report=None, text: Callable[[object], str] = str) -> nx.DiGraph:
    """``proof.graph()`` with ``status``, ``label``, ``fill``, ``color`` on every node and ``label`` on edges.

    Parameters
    ----------
    proof : Proof
    report : Report, optional
        The kernel's verdicts; without one every step is ``unchecked`` (never drawn as proved).
    text : callable
        How a statement or hypothesis is written in a label (the CLI passes derive's grammar).
    """
    g = proof.graph()
    results = {}
    if report is not None:
        results = {r.id: r for r in report.steps}
        if report.theorem is not None:
            results["theorem"] = report.theorem
    for node, data in g.nodes(data=True):
        if data.get("kind") == "hypothesis":
            hyp = proof.hypotheses[node]
            kind = "assumed" if isinstance(hyp, Assume) else "hypothesis"
            body = text(hyp.statement) if isinstance(hyp, Assume) else text(hyp)
            head = f"{node} ({hyp.kind})"
            status = kind
            lines = [head, *_wrap(body)]
            if isinstance(hyp, Assume):
                lines.append("[assumed" + (": cited]" if hyp.cite else "]"))
        elif node == "theorem" and data.get("kind") == "theorem":
            res = results.get("theorem")
            status = shown_status(res) if res is not None else "unchecked"
            name = proof.theorem.name or "theorem"
            lines = [name, *_wrap(text(proof.theorem.claim)), f"[{status}]"]
        else:
            res = results.get(node)
            status = shown_status(res) if res is not None else "unchecked"
            step = proof.get_step(node)
            lines = [f"{node}: {step.rule}", *_wrap(text(step.claim)), f"[{status}]"]
        if node in results and results[node].depends_on_unproved and status == "conditional":
            lines.append("depends on unproved " + ", ".join(results[node].depends_on_unproved))
        fill, border = STATUS_COLORS.get(status, STATUS_COLORS["unchecked"])
        g.nodes[node].update(status=status, label="\n".join(lines), fill=fill, color=border)
    for u, v, data in g.edges(data=True):
        data["label"] = data.get("rule", "")
    return g


def _q(s: str) -> str:
    """A DOT double-quoted string; newlines become centered line breaks."""
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s.replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(g: nx.DiGraph, name: str = "proof", title: str | None = None) -> str:
    """DOT text for a :func:`status_graph` graph, with a legend of the statuses drawn."""
    out = [f"digraph {_q(name)} {{",
           '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.55'
           + (f", label={_q(title)}, labelloc=t" if title else "") + "];",
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, penwidth=1.4];',
           '  edge [fontname="Helvetica", fontsize=10, color="#555555", fontcolor="#333333"];']
    for node, data in g.nodes(data=True):
        attrs = [f"label={_q(data.get('label', str(node)))}",
                 f"fillcolor={_q(data.get('fill', '#ffffff'))}",
                 f"color={_q(data.get('color', '#000000'))}"]
        if data.get("kind") == "theorem":
            attrs.append("penwidth=2.4")
        if data.get("status") in ("failed", "unchecked", "tested"):
            attrs.append('style="rounded,filled,bold"')
        out.append(f"  {_q(str(node))} [{', '.join(attrs)}];")
    for u, v, data in g.edges(data=True):
        label = data.get("label", "")
        out.append(f"  {_q(str(u))} -> {_q(str(v))}" + (f" [label={_q(' ' + label + ' ')}]" if label else "") + ";")
    statuses = [s for s in STATUS_COLORS if any(d.get("status") == s for _, d in g.nodes(data=True))]
    if statuses:
        out.append('  subgraph "cluster_legend" {')
        out.append('    label="status"; fontsize=10; color="#bbbbbb"; style="rounded";')
        for s in statuses:
            fill, border = STATUS_COLORS[s]
            out.append(f'    {_q("legend_" + s)} [label={_q(s)}, fillcolor={_q(fill)}, color={_q(border)}, '
                       'fontsize=9, height=0.25];')
        out.append("    {rank=same; " + " ".join(_q("legend_" + s) + ";" for s in statuses) + "}")
        for a, b in zip(statuses, statuses[1:]):
            out.append(f'    {_q("legend_" + a)} -> {_q("legend_" + b)} [style=invis];')
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def render_dot(dot: str, path: str | Path, fmt: str | None = None, *, timeout: float = DOT_TIMEOUT) -> Path:
    """Render DOT text to ``path`` (format from its suffix: png, svg, pdf) with Graphviz's ``dot``.

    Raises
    ------
    GraphvizError
        ``dot`` is not installed, timed out or rejected the graph.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in IMAGE_FORMATS:
        raise GraphvizError(f"Expected an image format in {IMAGE_FORMATS} but got {fmt!r}", file=str(path))
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError("drawing an image needs Graphviz's `dot`, which is not installed (Debian/Ubuntu: "
                            "apt-get install graphviz); write FILE.dot instead to get the DOT text",
                            file=str(path))
    try:
        proc = subprocess.run([exe, f"-T{fmt}", "-o", str(path)], input=dot.encode("utf-8"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as err:
        raise GraphvizError(f"dot did not finish within {timeout:g} s", file=str(path)) from err
    if proc.returncode != 0:
        raise GraphvizError("dot failed: " + proc.stderr.decode("utf-8", "replace").strip(), file=str(path))
    return path
