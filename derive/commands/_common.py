"""Helpers shared by the subcommands: exit codes, ``--timeout`` parsing, statement text, clipping."""

from __future__ import annotations

from derive.errors import DeriveError, InvalidArgument, LimitExceeded

EXIT_OK, EXIT_NO, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def statement_text(st, units: str, written=None) -> str:
    """A statement in the file grammar (``str(st)`` if it cannot be written so); ``written``: the proof's record of
    the author's argument order (:class:`derive.proof.WrittenOrder`)."""
    from derive.io import format_statement

    try:
        return format_statement(st, units, written)
    except DeriveError:
        return str(st)


def check_timeout(value: float | None, default: float) -> float:
    """``--timeout`` as seconds (0 means none); refuses negative, NaN and infinite values."""
    import math

    if value is None:
        return default
    if math.isnan(value) or value < 0:
        raise InvalidArgument(f"Expected --timeout >= 0 (seconds; 0 for none) but got {value}")
    if math.isinf(value):
        return 0.0
    if value > 10 ** 7:
        raise LimitExceeded(f"--timeout is at most 10000000 s (0 for none) but got {value:g}")
    return value


def clip(text: str, n: int = 200) -> str:
    """``text`` cut to ``n`` characters (with ``...``)."""
    return text if len(text) <= n else text[: n - 3] + "..."


def show_progress(json_output: bool) -> bool:
    """Progress bars only on a terminal (stderr) and never under ``--json``."""
    import sys

    return not json_output and sys.stderr.isatty()


def progress(iterable, *, total: int | None = None, desc: str = "", enabled: bool = True):
    """``iterable`` wrapped in a tqdm bar on stderr when ``enabled``, else unchanged."""
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True)


class Spinner:
    """A context manager that shows an elapsed-time bar on stderr once the work has taken ``after`` seconds
    (``enabled`` false: does nothing)."""

    def __init__(self, desc: str, enabled: bool, after: float = 1.0) -> None:
        self.desc, self.enabled, self.after = desc, enabled, after
        self._thread = None
        self._stop = None

    def _run(self) -> None:
        import time

        t0 = time.time()
        if self._stop.wait(self.after):
            return
        from tqdm import tqdm

        bar = tqdm(desc=self.desc, total=None, leave=False, bar_format="{desc}: {elapsed}", dynamic_ncols=True)
        bar.start_t = t0  # elapsed time since the work began, not since the bar appeared
        while not self._stop.wait(0.2):
            bar.refresh()
        bar.close()

    def __enter__(self) -> "Spinner":
        if self.enabled:
            import threading

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
