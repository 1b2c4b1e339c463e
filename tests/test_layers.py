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


#: The layer table (README, "Layout"): each unit may import only units of a lower layer (or its own).
#: Units: a package folder or a top-level module of ``derive/``.
LAYERS = [
    {"errors"},
    {"core"},
    {"kernel"},
    {"proof"},
    {"io"},
    {"numeric"},
    {"channels"},
    {"provers"},
    {"vacuity"},
    {"checking"},
    {"compose"},
    {"templates"},
    {"printing"},
    {"audit"},
    {"commands"},
    {"api"},
    {"cli", "__main__"},
]
LEVEL = {u: k for k, layer in enumerate(LAYERS) for u in layer}

#: Deferred (function-level) imports that reach *up* the table, each with its reason. Nothing else may.
UPWARD = {
    ("proof", "printing"): "Proof._repr_latex_: notebook display of a proof calls the printer",
}


def _unit(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0].removesuffix(".py")


def _imported_unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "derive":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _all_imports():
    """(unit, imported unit, deferred?) for every ``import derive...`` in the package."""
    for f in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(f.read_text())
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "derive" and {a.name for a in node.names} <= {"__version__"}:
                    continue  # the version string, a constant of the package
            else:
                continue
            for name in names:
                target = _imported_unit(name)
                if target is not None and target != _unit(f):
                    yield f, _unit(f), target, id(node) not in top


def test_every_unit_is_in_the_layer_table():
    units = {_unit(f) for f in ROOT.rglob("*.py")} - {"__init__"}
    assert units <= set(LEVEL), sorted(units - set(LEVEL))


def test_imports_follow_the_layer_table():
    bad = []
    for f, unit, target, deferred in _all_imports():
        if target == "__init__" or unit == "__init__":
            continue  # the package facade may re-export anything (lazily); see test_import_derive_is_light
        if LEVEL[target] > LEVEL[unit] and not (deferred and (unit, target) in UPWARD):
            bad.append((str(f.relative_to(ROOT)), target))
    assert bad == []



def test_every_exception_class_lives_in_errors():
    """One home for exceptions (``derive/errors.py``): no other module defines a ``BaseException`` subclass."""
    import importlib
    import inspect

    bad = []
    for f in sorted(ROOT.rglob("*.py")):
        if f.name in ("errors.py", "__main__.py"):
            continue
        rel = f.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                bad.append((name, cls_name))
    assert bad == []
