"""Safety: user text is parsed, never evaluated; reading a proof touches only that file.

1. While the whole corpus is read and checked (every ``proofs/*.toml``, every
   ``tests/bad_proofs/*.toml``, fuzzed variants, and the command-line strings for channels, inputs,
   priors, ``--set`` values, models and statements), ``eval``, ``exec``, ``compile``, ``sympify``,
   ``parse_expr`` (and ``sympy.S(...)``) raise when they are handed a ``str``. sympy calls ``sympify``
   on non-string objects all the time; those calls pass through. Allowed users of ``exec``:
   ``sympy.lambdify``, which runs code *printed from an expression tree* (for the numeric test of
   ``real`` steps; symbol names reach it only as identifiers the grammar accepted, and the test
   checks that every such source is a single generated function), and a short list of library
   code generators (:data:`EXEC_ALLOWED`), none of which may see text from the payloads. No derive module may.
   Module-level code of a library imported lazily mid-check (``sympy.physics`` defines its units with
   ``sympify("yotta")``) runs unguarded: it is the library's own text, and it runs once per process.
2. Reading a proof file opens (and stats) that one path and nothing else: no other file, no
   socket, no subprocess, no ``os.system``.
"""

from __future__ import annotations

import ast
import builtins
import io
import os
import pathlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
import sympy.parsing.sympy_parser

from derive.audit.fuzz import MUTATIONS, fuzz_text
from derive.checking import check
from derive.cli import main
from derive.errors import DeriveError
from derive.io import read_proof, read_proof_text
from derive.kernel.rules import rule_names

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "proofs").glob("*.toml")) + sorted((ROOT / "tests" / "bad_proofs").glob("*.toml"))

#: Library code generators allowed to call ``exec``/``eval``/``compile`` on a string they built
#: themselves: lambdify (code printed from an expression tree), sympy's monomial arithmetic,
#: networkx's argmap, the standard library's class builders (dataclasses, namedtuple) and scipy's
#: array-API shim. Never a derive module; a new caller fails the test until it is reviewed and listed.
EXEC_ALLOWED = {"sympy.utilities.lambdify", "sympy.polys.monomials", "networkx.utils.decorators", "dataclasses",
                "collections", "typing", "scipy._lib.array_api_compat._internal"}

#: Tools that compile source text of Python files (the test runner's own reporting), never user text.
COMPILE_TOOLS = ("ast", "_pytest", "pytest", "pluggy", "inspect", "linecache", "traceback", "codeop")

#: Text from the payloads below must never reach even an allowed generator.
TAINT = ("__import__", "system(", "__subclasses__")


class UserTextEvaluated(AssertionError):
    """A string reached an evaluator."""


@pytest.fixture
def no_evaluation(monkeypatch):
    """Make every string evaluator raise; returns the list of allowed ``exec`` sources seen."""
    allowed_sources: list[str] = []
    real_exec, real_eval, real_compile = builtins.exec, builtins.eval, builtins.compile
    real_sympify = sys.modules["sympy.core.sympify"].sympify
    real_parse_expr = sympy.parsing.sympy_parser.parse_expr

    def caller() -> str:
        return sys._getframe(2).f_globals.get("__name__", "?")

    def importing() -> bool:
        """Module-level code of a library being imported (lazily, mid-check), not derive's own call."""
        f = sys._getframe(2)
        while f is not None:
            name = f.f_globals.get("__name__", "")
            if name.startswith(("importlib", "_frozen_importlib")):
                return True
            if name.startswith(("derive", "test_audit", "tests.")) and not f.f_code.co_name.startswith("guarded_"):
                return False
            f = f.f_back
        return False

    def guarded_exec(source, *args, **kw):
        if isinstance(source, (str, bytes)) and not importing():
            who = caller()
            if who not in EXEC_ALLOWED or any(t in str(source) for t in TAINT):
                raise UserTextEvaluated(f"exec of a string from {who}: {source[:200]!r}")
            if who == "sympy.utilities.lambdify":
                allowed_sources.append(source if isinstance(source, str) else source.decode())
        if not args and "globals" not in kw:  # evaluate in the caller's scope, as the builtin would
            frame = sys._getframe(1)
            args = (frame.f_globals, frame.f_locals)
        return real_exec(source, *args, **kw)

    def guarded_eval(source, *args, **kw):
        if isinstance(source, (str, bytes)) and not importing() and (
                caller() not in EXEC_ALLOWED or any(t in str(source) for t in TAINT)):
            raise UserTextEvaluated(f"eval of a string from {caller()}: {source[:200]!r}")
        if not args and "globals" not in kw:
            frame = sys._getframe(1)
            args = (frame.f_globals, frame.f_locals)
        return real_eval(source, *args, **kw)

    def guarded_compile(source, *args, **kw):
        if isinstance(source, (str, bytes)) and not importing():
            who = caller()
            if not who.startswith(COMPILE_TOOLS) and (who not in EXEC_ALLOWED or any(t in str(source) for t in TAINT)):
                raise UserTextEvaluated(f"compile of a string from {who}: {str(source)[:200]!r}")
            if who == "sympy.utilities.lambdify":
                allowed_sources.append(source if isinstance(source, str) else source.decode())
        return real_compile(source, *args, **kw)

    def guarded_sympify(a, *args, **kw):
        if isinstance(a, str) and not importing():
            raise UserTextEvaluated(f"sympify of a string: {a[:200]!r}")
        return real_sympify(a, *args, **kw)

    def guarded_parse_expr(s, *args, **kw):
        if not importing():
            raise UserTextEvaluated(f"parse_expr: {str(s)[:200]!r}")
        return real_parse_expr(s, *args, **kw)

    monkeypatch.setattr(builtins, "exec", guarded_exec)
    monkeypatch.setattr(builtins, "eval", guarded_eval)
    monkeypatch.setattr(builtins, "compile", guarded_compile)
    # every module holding its own reference (``from sympy import sympify``), derive's included
    patched = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name.startswith(("sympy", "derive")) or name == "__main__"):
            continue
        if not hasattr(module, "__dict__"):
            continue
        for attr, fake, real in (("sympify", guarded_sympify, real_sympify),
                                 ("parse_expr", guarded_parse_expr, real_parse_expr)):
            if getattr(module, attr, None) is real:
                monkeypatch.setattr(module, attr, fake)
                patched += 1
    monkeypatch.setattr(type(sympy.S), "__call__", staticmethod(guarded_sympify))
    assert patched >= 3 and sympy.sympify is guarded_sympify
    with pytest.raises(UserTextEvaluated):
        sympy.sympify("1 + 1")
    assert sympy.sympify(1) == 1  # non-strings pass
    yield allowed_sources
    for src in allowed_sources:  # only imports and single generated functions: def _lambdifygenerated(delta): ...
        tree = ast.parse(src)
        if all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body):
            continue  # lambdify's namespace set-up: "from mpmath import *"
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef), src[:300]
        assert tree.body[0].name.startswith("_lambdifygenerated"), src[:300]


def _read_and_check(text: str, name: str) -> None:
    try:
        proof = read_proof_text(text, name)
        check(proof)
    except DeriveError:
        pass
    except RecursionError:
        pass  # deep nesting: the CLI reports it as LimitExceeded


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_never_evaluates_text(path, no_evaluation):
    _read_and_check(path.read_text(encoding="utf-8"), str(path))


def test_real_steps_are_tested_without_generated_code(no_evaluation):
    """A ``real`` step the kernel cannot certify is tested numerically by derive's own tree-walking evaluator
    (derive/numeric/real.py), which compiles nothing: the guard sees no generated source at all."""
    path = ROOT / "tests" / "bad_proofs" / "real_false.toml"
    _read_and_check(path.read_text(encoding="utf-8"), str(path))
    assert not any("_lambdifygenerated" in src for src in no_evaluation)


def test_fuzzed_corpus_never_evaluates_text(no_evaluation):
    texts = [p.read_text(encoding="utf-8") for p in CORPUS[:6]]
    for k, name in enumerate(sorted(MUTATIONS)):
        for t in texts:
            try:
                read_proof_text(fuzz_text(t, [name], k), "fuzzed.toml").validate(rule_names())
            except (DeriveError, RecursionError):
                pass


def test_python_in_proof_text_is_refused(no_evaluation):
    for payload in ["__import__('os').system('true')", "eval('1')", "(lambda: 1)()", "exec('x=1')",
                    "sympify('1')", "().__class__.__bases__[0].__subclasses__()"]:
        text = f'[proof]\nname = "p"\n[parameters]\nd = "0 <= d <= 1"\n[[step]]\nid = "s"\nrule = "real"\n' \
               f'claim = "{payload} <= 1"\n'
        with pytest.raises(DeriveError):
            read_proof_text(text, "payload.toml")


CLI = [
    ["eta", "bsc:0.1"], ["eta", "matrix:[[0.9,0.1],[0.3,0.7]]", "--input", "[0.3,0.7]"], ["eta", "qsc:3:0.2"],
    ["eta", "BSC(1/10)"], ["eta", "awgn:3", "--input", "gaussian"], ["eta", "z:0.3", "--input", "bern:0.1"],
    ["eta", "__import__('os')"], ["eta", "matrix:[[1-0.1, 0.1], [0, 1]]"],
    ["bound", "gaussian-cluster", "--set", "n=1..30", "--set", "d=1000"],
    ["bound", "boolean-cluster", "--set", "n=10,20", "--set", "rho=1/2"],
    ["bound", "cluster", "--set", "n=10", "--channel", "bsc:0.25", "--prior", "uniform:2"],
    ["bound", "cluster", "--set", "n=10", "--channel", "qsc:3:0.2", "--prior", "[0.2, 0.3, 0.5]"],
    ["bound", "gaussian-cluster", "--set", "n=__import__('os')"],
    ["eval", "I(X; Y)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"],
    ["eval", "D(P || Q)", "--model", "P ~ Categorical([0.5, 0.5]); Q ~ Categorical([0.9, 0.1])", "--nats"],
    ["eval", "I(X; Y) <= h(p)", "--model", "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)", "--set", "p=1/10", "--dps", "30"],
    ["eval", "h(p) + log(3) * sqrt(p)", "--set", "p=1/3"],
    ["eval", "__import__('os').system('true')"], ["eval", "H(X)", "--model", "X ~ eval('1')"],
    ["prove", "I(X;Z) <= I(X;Y)", "--given", "X -> Y -> Z"], ["prove", "H(X) <= H(X, Y)"],
    ["prove", "I(X; Y) <= 1", "--given", "X _|_ Y | Z"], ["prove", "H(Y) <= H(X)", "--given", "Y = f(X)"],
    ["prove", "__import__('os').system('true') <= 1"],
    ["check", str(ROOT / "proofs" / "sdpi_chain.toml"), "--json"],
    ["verify", str(ROOT / "proofs" / "sdpi_chain.toml"), "--samples", "3"],
]


@pytest.mark.parametrize("argv", CLI, ids=lambda a: " ".join(a)[:60])
def test_cli_strings_never_evaluate_text(argv, no_evaluation, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "internal error" not in err and "UserTextEvaluated" not in err, err


# ---------------------------------------------------------------------------- filesystem, network, processes

class Forbidden(AssertionError):
    """The reader reached for something beyond the one file."""


@pytest.fixture
def confined(monkeypatch):
    """Record every path opened or stat'ed; refuse sockets, subprocesses and ``os.system``."""
    seen: list[str] = []
    real_io_open, real_os_open, real_stat = io.open, os.open, os.stat
    real_path_open = pathlib.Path.open

    def record(path) -> None:
        seen.append(os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else repr(path))

    def fake_io_open(file, *a, **kw):
        record(file)
        return real_io_open(file, *a, **kw)

    def fake_os_open(path, *a, **kw):
        record(path)
        return real_os_open(path, *a, **kw)

    def fake_stat(path, *a, **kw):
        record(path)
        return real_stat(path, *a, **kw)

    def fake_path_open(self, *a, **kw):
        record(self)
        return real_path_open(self, *a, **kw)

    def refuse(what):
        def f(*a, **kw):
            raise Forbidden(f"{what} called while reading a proof: {a!r}")
        return f

    monkeypatch.setattr(builtins, "open", fake_io_open)
    monkeypatch.setattr(io, "open", fake_io_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(pathlib.Path, "open", fake_path_open)
    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    monkeypatch.setattr(os, "popen", refuse("os.popen"))
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))
    monkeypatch.setattr(subprocess, "run", refuse("subprocess.run"))
    for name in ("execv", "execve", "execvp", "fork", "spawnv", "posix_spawn"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse(f"os.{name}"))
    return seen


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reading_a_proof_touches_only_that_file(path, confined):
    read_proof_text("[proof]\nname = 'warm'\n", "warm.toml")  # lazy imports happen before we look
    confined.clear()
    try:
        proof = read_proof(path)
        proof.validate(rule_names())
    except DeriveError:
        pass
    assert confined, "the reader did not open the file at all"
    assert {Path(p) for p in confined} == {path}, confined


def test_reading_a_missing_or_odd_path_touches_only_it(tmp_path, confined):
    for p in [tmp_path / "missing.toml", tmp_path]:
        confined.clear()
        with pytest.raises(DeriveError):
            read_proof(p)
        assert {Path(x) for x in confined} == {p}, confined


def test_the_guards_work(confined, tmp_path):
    with pytest.raises(Forbidden):
        socket.socket()
    with pytest.raises(Forbidden):
        subprocess.run(["true"])
    with pytest.raises(Forbidden):
        os.system("true")
    (tmp_path / "x").write_text("x")
    assert str(tmp_path / "x") in confined
