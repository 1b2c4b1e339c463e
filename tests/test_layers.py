"""The layer boundaries of DESIGN.md: the kernel imports only core, errors, sympy, networkx and the stdlib."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "derive"
STDLIB = set(sys.stdlib_module_names)


def _imports(folder: Path):
    for f in sorted(folder.rglob("*.py")):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    yield f, a.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield f, node.module


def test_kernel_imports_only_core_errors_sympy_networkx_stdlib():
    allowed_prefixes = ("derive.core", "derive.errors", "derive.kernel", "sympy", "networkx")
    bad = [(str(f.relative_to(ROOT)), m) for f, m in _imports(ROOT / "kernel")
           if not (m.startswith(allowed_prefixes) or m.split(".")[0] in STDLIB or m == "__future__")]
    assert bad == []


def test_core_imports_nothing_above_it():
    bad = [(str(f.relative_to(ROOT)), m) for f, m in _imports(ROOT / "core")
           if m.startswith("derive.") and not m.startswith(("derive.core", "derive.errors"))]
    assert bad == []


def test_kernel_has_no_asserts_and_no_floats():
    for f in (ROOT / "kernel").rglob("*.py"):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Assert), f"assert in {f}"
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, float), f"float literal {node.value} in {f}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("float", "eval", "exec"), f"{node.func.id}() in {f}"


def test_no_module_parses_text_with_eval_or_sympify():
    for f in ROOT.rglob("*.py"):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                bare = isinstance(node.func, ast.Name)
                assert not (bare and name in ("eval", "exec")), f"{name}() in {f}"
                assert name != "parse_expr", f"parse_expr() in {f}"
                if name == "sympify" and node.args and isinstance(node.args[0], ast.Constant):
                    assert not isinstance(node.args[0].value, str), f"sympify of a string in {f}"
