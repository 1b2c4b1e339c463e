"""Long work shows progress on a terminal (#17): a tqdm bar on stderr when stderr is a terminal, nothing under
``--json``, and a one-line summary at the end. The terminal is a pseudo-terminal with a window size (tqdm draws
nothing on a terminal of width 0)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")  # POSIX only
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

ROOT = Path(__file__).resolve().parents[1]
FILES = [str(ROOT / "proofs" / "sdpi_chain.toml"), str(ROOT / "proofs" / "dpi_markov_chain.toml")]


def _run_with_terminal_stderr(args: list[str], timeout: float = 300) -> tuple[int, str, str]:
    """Run ``derive ARGS`` with stderr on a 100-column pseudo-terminal and stdout on a pipe."""
    import struct

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from derive.cli import main; sys.exit(main())", *args],
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    err = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed with the process
                    chunk = b""
                if not chunk and proc.poll() is not None:
                    break
                err += chunk
            elif proc.poll() is not None:
                break
        out = proc.stdout.read().decode()
        proc.wait(timeout=timeout)
    finally:
        os.close(master)
    return proc.returncode, out, err.decode(errors="replace")


@pytest.mark.slow
def test_verify_on_a_terminal_shows_a_bar_and_ends_with_a_summary():
    code, out, err = _run_with_terminal_stderr(["verify", *FILES, "--samples", "5"])
    assert code == 0
    assert "derive verify:" in err and "%|" in err and "0/2" in err  # the bar over files
    assert out.rstrip().splitlines()[-1] == "2/2 proofs without counterexample"


@pytest.mark.slow
def test_nothing_on_the_terminal_under_json():
    code, out, err = _run_with_terminal_stderr(["verify", *FILES, "--samples", "5", "--json"])
    assert code == 0 and err.strip() == ""
    assert out.lstrip().startswith("{")
