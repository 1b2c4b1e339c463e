"""Where tables, keys and string values sit in a TOML text, for error messages.

``tomllib`` parses the file but forgets positions. :class:`TomlPositions` scans
the same (already valid) text once and records, for every table header and
``key = value`` line, the 1-based line and the offsets of the value, so the
reader can say *line 14, column 22* for an unknown name inside a claim. It never
decides what the file means; if the scan meets something it does not follow,
positions are simply missing (``None``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["TomlPositions", "TableInfo", "KeyInfo"]


@dataclass
class KeyInfo:
    """``key = value`` at ``line``; the value spans ``text[start:end]``."""

    line: int
    column: int
    start: int
    end: int


@dataclass
class TableInfo:
    """A table header (``[name]`` or ``[[name]]``) and the keys that follow it."""

    name: str
    array: bool
    line: int
    keys: dict[str, KeyInfo] = field(default_factory=dict)


def _unquote_key(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


class TomlPositions:
    """Positions of the tables and keys of a TOML text (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tables: list[TableInfo] = [TableInfo("", False, 1)]
        try:
            self._scan()
        except Exception:  # pragma: no cover - positions are a convenience
            pass

    # ------------------------------------------------------------------ queries
    def position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, column)`` of a character offset."""
        k = bisect.bisect_right(self._line_starts, offset) - 1
        return k + 1, offset - self._line_starts[k] + 1

    def table(self, name: str, index: int | None = None) -> TableInfo | None:
        """The ``index``-th ``[[name]]`` table, or the ``[name]`` table (``""`` is the root)."""
        found = [t for t in self.tables if t.name == name and (t.array == (index is not None))]
        if index is None:
            return found[0] if found else None
        return found[index] if 0 <= index < len(found) else None

    def key(self, table: TableInfo | None, key: str) -> KeyInfo | None:
        return table.keys.get(key) if table is not None else None

    def key_line(self, table: TableInfo | None, key: str) -> int | None:
        info = self.key(table, key)
        if info is not None:
            return info.line
        return table.line if table is not None else None

    def string_start(self, table: TableInfo | None, key: str, element: int | str | None = None
                     ) -> tuple[int | None, int | None]:
        """``(line, column)`` of the first character inside a string value.

        ``element`` selects the ``k``-th string of an array value or the value of
        a key of an inline table. Falls back to the key's line and no column.
        """
        info = self.key(table, key)
        if info is None:
            return (table.line if table is not None else None), None
        try:
            if element is None:
                off = self._string_content(info.start)
            elif isinstance(element, int):
                off = self._array_string(info.start, info.end, element)
            else:
                off = self._inline_string(info.start, info.end, element)
        except Exception:  # pragma: no cover - positions are a convenience
            off = None
        if off is None:
            return info.line, None
        return self.position(off)

    # ------------------------------------------------------------------ value helpers
    def _string_content(self, i: int) -> int | None:
        s = self.text
        for delim in ('"""', "'''"):
            if s.startswith(delim, i):
                j = i + 3
                if s.startswith("\r\n", j):
                    j += 2
                elif s.startswith("\n", j):
                    j += 1
                return j
        if i < len(s) and s[i] in "\"'":
            return i + 1
        return None

    def _strings_in(self, start: int, end: int) -> list[int]:
        """Offsets of the string literals between ``start`` and ``end``."""
        s = self.text
        out = []
        i = start
        while i < end:
            c = s[i]
            if c in "\"'":
                out.append(i)
                i = self._skip_string(i)
            elif c == "#":
                nl = s.find("\n", i)
                i = end if nl < 0 else nl
            else:
                i += 1
        return out

    def _array_string(self, start: int, end: int, k: int) -> int | None:
        strings = self._strings_in(start, end)
        return self._string_content(strings[k]) if 0 <= k < len(strings) else None

    def _inline_string(self, start: int, end: int, key: str) -> int | None:
        region = self.text[start:end]
        pat = re.compile(r"(?:[{,]\s*)(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\"|'"
                         + re.escape(key) + r"')\s*=\s*")
        m = pat.search(region)
        if not m:
            return None
        return self._string_content(start + m.end())

    # ------------------------------------------------------------------ scanning
    def _skip_string(self, i: int) -> int:
        s = self.text
        for delim in ('"""', "'''"):
            if s.startswith(delim, i):
                j = i + 3
                while True:
                    k = s.find(delim, j)
                    if k < 0:
                        return len(s)
                    if delim == '"""':
                        bs = 0
                        while k - bs - 1 >= 0 and s[k - bs - 1] == "\\":
                            bs += 1
                        if bs % 2:
                            j = k + 1
                            continue
                    end = k + 3
                    while end < len(s) and s[end] == delim[0] and end - k < 5:
                        end += 1
                    return end
        if s[i] == '"':
            j = i + 1
            while j < len(s) and s[j] not in '"\n':
                j += 2 if s[j] == "\\" else 1
            return j + 1
        k = s.find("'", i + 1)
        return len(s) if k < 0 else k + 1

    def _skip_value(self, i: int) -> int:
        s = self.text
        depth = 0
        while i < len(s):
            c = s[i]
            if c in "\"'":
                i = self._skip_string(i)
            elif c in "[{":
                depth += 1
                i += 1
            elif c in "]}":
                depth -= 1
                i += 1
            elif c == "#":
                nl = s.find("\n", i)
                i = len(s) if nl < 0 else nl
            elif c == "\n" and depth <= 0:
                return i
            else:
                i += 1
        return i

    def _scan(self) -> None:
        s = self.text
        i = 0
        current = self.tables[0]
        while i < len(s):
            c = s[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#":
                nl = s.find("\n", i)
                i = len(s) if nl < 0 else nl
            elif c == "[":
                array = s.startswith("[[", i)
                close = s.find("]]" if array else "]", i)
                if close < 0:
                    return
                name = s[i + (2 if array else 1):close].strip()
                name = ".".join(_unquote_key(part) for part in name.split("."))
                current = TableInfo(name, array, self.position(i)[0])
                self.tables.append(current)
                i = close + (2 if array else 1)
            else:
                # key = value
                j = i
                while j < len(s) and s[j] != "=":
                    if s[j] in "\"'":
                        j = self._skip_string(j)
                    elif s[j] == "\n":
                        return
                    else:
                        j += 1
                key = _unquote_key(s[i:j])
                line, col = self.position(i)
                vs = j + 1
                while vs < len(s) and s[vs] in " \t":
                    vs += 1
                ve = self._skip_value(vs)
                current.keys.setdefault(key, KeyInfo(line, col, vs, ve))
                i = ve
