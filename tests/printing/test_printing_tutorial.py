"""docs/tutorial.md cannot rot: every ``$ `` command in its ```console blocks runs here, in a temporary
copy of the repository's proofs, and must exit with the code the tutorial shows (0 unless an
``echo $?`` line follows with another code). ```toml blocks whose first line is ``# NAME.toml`` are
written to NAME.toml first; ```python blocks are run too.

Commands that need pdflatex (``--pdf``) or Graphviz (an image from ``derive graph``) are skipped,
with a reason, only when those programs are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"

FENCE = re.compile(r"^```(\w*)\s*\n(.*?)^```\s*$", re.S | re.M)


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def _console_commands(body: str) -> list[tuple[str, int]]:
    """``(command, expected exit code)`` for every ``$ `` line of a console block."""
    out: list[tuple[str, int]] = []
    lines = body.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("$ "):
            cmd = line[2:].strip()
            if cmd == "echo $?":
                if not out:
                    raise AssertionError("`echo $?` before any command in a console block")
                code = lines[k + 1].strip() if k + 1 < len(lines) else ""
                assert code.isdigit(), f"`echo $?` must be followed by the exit code, got {code!r}"
                out[-1] = (out[-1][0], int(code))
                k += 2
                continue
            out.append((cmd, 0))
        k += 1
    return out


def _shown_outputs(body: str) -> list[list[str]]:
    """The output the tutorial shows under each command of :func:`_console_commands` (same order)."""
    shown: list[list[str]] = []
    lines = body.splitlines()
    k = 0
    while k < len(lines):
        if lines[k].startswith("$ "):
            if lines[k][2:].strip() == "echo $?":
                k += 2
                continue
            shown.append([])
        elif shown:
            shown[-1].append(lines[k])
        k += 1
    return shown


def _normalized(lines: list[str]) -> list[str]:
    """Lines without trailing blanks, timings as ``<t> s`` (they vary from run to run)."""
    return [re.sub(r"\b\d+(\.\d+)? s\b", "<t> s", line.rstrip()) for line in lines]


def _needs(cmd: str) -> str | None:
    """The external program a command needs, if it is missing."""
    if "derive latex" in cmd and "--pdf" in cmd and shutil.which("pdflatex") is None:
        return "pdflatex"
    if "derive graph" in cmd and re.search(r"\.(png|svg|pdf)\b", cmd) and shutil.which("dot") is None:
        return "dot (Graphviz)"
    return None


def test_tutorial_parses_into_commands():
    blocks = _blocks(TUTORIAL.read_text(encoding="utf-8"))
    commands = [c for lang, body in blocks if lang == "console" for c in _console_commands(body)]
    assert len(commands) >= 12
    assert any(code == 1 for _, code in commands), "the tutorial shows a failing check"
    for needed in ("derive check", "derive prove", "derive latex", "derive graph", "--fragment", "--pdf"):
        assert any(needed in c for c, _ in commands), needed
    files = [body.splitlines()[0] for lang, body in blocks if lang == "toml"]
    assert "# first.toml" in files


def _in_process(cmd: str) -> bool:
    """A plain ``derive ...`` command (no shell syntax): run through ``derive.cli.main`` in this process."""
    return cmd.startswith("derive ") and not re.search(r"[|&;<>`$]", cmd.replace("->", ""))


def _run_derive(cmd: str, cwd: Path, monkeypatch) -> tuple[int, str, str]:
    """``derive.cli.main`` on the command's arguments, in ``cwd``; (exit code, stdout, stderr)."""
    import contextlib
    import io
    import shlex

    from derive.cli import main

    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as m:
        m.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(shlex.split(cmd)[1:])
            except SystemExit as exc:  # argparse errors
                code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_every_tutorial_command_runs_with_the_exit_code_shown(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "proofs", tmp_path / "proofs")
    bindir = tmp_path / "_bin"
    bindir.mkdir()
    shim = bindir / "derive"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m derive.cli "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}"
    ran, skipped = 0, []
    for lang, body in _blocks(TUTORIAL.read_text(encoding="utf-8")):
        first = body.splitlines()[0] if body.strip() else ""
        if lang == "toml" and re.fullmatch(r"# [\w.-]+\.toml", first):
            (tmp_path / first[2:]).write_text(body, encoding="utf-8")
        elif lang == "python":
            with monkeypatch.context() as m:
                m.chdir(tmp_path)
                try:
                    exec(compile(body, f"{TUTORIAL.name} (python block)", "exec"), {"__name__": "__tutorial__"})
                except Exception as err:  # noqa: BLE001 - report the block with the error
                    raise AssertionError(f"a python block of the tutorial failed:\n{body}") from err
        elif lang == "console":
            for (cmd, expected), shown in zip(_console_commands(body), _shown_outputs(body)):
                missing = _needs(cmd)
                if missing:
                    skipped.append(f"{cmd} (needs {missing})")
                    continue
                if not _in_process(cmd):
                    proc = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True,
                                          text=True, timeout=300)
                    code, out, err = proc.returncode, proc.stdout, proc.stderr
                else:
                    code, out, err = _run_derive(cmd, tmp_path, monkeypatch)
                assert code == expected, (
                    f"`{cmd}` exited {code}, the tutorial shows {expected}\n"
                    f"stdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}")
                if shown:  # what the reader sees is what derive prints (timings aside)
                    assert _normalized((out + err).rstrip("\n").splitlines()) == _normalized(shown), (
                        f"the tutorial shows another output for `{cmd}`:\n" + "\n".join(shown)
                        + f"\n--- derive printed:\n{out}{err}")
                ran += 1
    assert ran >= 12
    assert (tmp_path / "first.tex").exists()
    if skipped:
        pytest.skip(f"ran {ran} tutorial commands; skipped {len(skipped)} whose program is not installed: "
                    + "; ".join(skipped))
