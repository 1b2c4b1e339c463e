"""Reading a file the user names (a proof file, a claims file, a model file): one owner for what can go wrong
before its text is parsed — a missing path, a directory or special file, a size over the limit, a byte-order mark,
bytes that are not UTF-8 — each a clear :class:`~derive.errors.DeriveError` naming the file (and the line)."""

from __future__ import annotations

import os
from pathlib import Path

from derive.errors import InvalidArgument, LimitExceeded, ParseError

__all__ = ["read_user_text"]


def read_user_text(path: str | os.PathLike, what: str, limit: int) -> str:
    """The text of the file ``path`` (UTF-8; a leading byte-order mark, which Windows editors write, dropped).

    ``what`` names the file in messages ("proof file", "claims file", "model file"); ``limit``: its size in bytes.

    Raises
    ------
    InvalidArgument
        The path does not exist, is a directory or a special file, or cannot be read.
    LimitExceeded
        The file is larger than ``limit`` bytes.
    ParseError
        The bytes are not UTF-8 (the message gives the byte and the line).
    """
    p = Path(path)
    if not p.exists():
        raise InvalidArgument(f"no such {what}: {str(p)!r}")
    if not p.is_file():
        raise InvalidArgument(f"Expected a {what} but got {'the directory' if p.is_dir() else 'the special file'} "
                              f"{str(p)!r}")
    try:
        size = p.stat().st_size
        if size > limit:
            raise LimitExceeded(f"the {what} is {size} bytes; the limit is {limit}", file=str(p))
        data = p.read_bytes()
    except OSError as err:
        raise InvalidArgument(f"cannot read the {what}: {err.strerror}", file=str(p)) from None
    if len(data) > limit:  # the file grew between stat and read
        raise LimitExceeded(f"the {what} is larger than {limit} bytes", file=str(p))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ParseError(f"the file is not valid UTF-8 (byte {e.start})", file=str(p), line=line) from None
