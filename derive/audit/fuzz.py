"""Structured mutations of proof-file *text*, for fuzzing the reader (the only text-level mutants).

Each mutation takes the text of a proof file and a :class:`random.Random` and returns new text:
a line deleted or duplicated, a ``[[step]]``/``[[hypothesis]]`` table duplicated, two keys' values
or names exchanged, characters replaced by Unicode look-alikes (Cyrillic and Greek letters,
the minus sign, ``≤``, full-width forms, zero-width and bidirectional controls), enormous numbers,
deep nesting (of brackets inside expression strings and of TOML arrays and tables), truncation,
control bytes, and values of the wrong TOML type. :func:`fuzz_text` applies a few at random.

The reader's contract under these inputs: a :class:`~derive.proof.Proof` or a
:class:`~derive.errors.DeriveError` naming the problem — never another exception, a hang or
runaway memory.
"""

from __future__ import annotations

import random
import re
from typing import Callable

__all__ = ["MUTATIONS", "fuzz_text", "LOOKALIKES"]

#: ASCII characters and Unicode look-alikes an attacker or a word processor might substitute.
LOOKALIKES: dict[str, tuple[str, ...]] = {
    "a": ("а", "ɑ", "ａ"), "e": ("е", "ё"), "o": ("о", "ο", "０"), "p": ("р", "ρ"), "c": ("с", "ϲ"),
    "x": ("х", "×"), "y": ("у",), "i": ("і", "ı", "ｉ"), "I": ("Ι", "І", "Ⅰ", "ｌ"), "H": ("Η", "Н"),
    "X": ("Χ", "Х"), "Y": ("Υ", "Ү"), "Z": ("Ζ",), "M": ("Μ", "М"), "S": ("Ѕ",), "T": ("Т", "Τ"),
    "1": ("l", "１", "𝟏"), "0": ("O", "０"), "2": ("２", "ƻ"),
    "-": ("−", "–", "‐", "﹣"), "=": ("＝", "⩵"), "<": ("‹", "＜", "˂"), ">": ("›", "＞"),
    "(": ("（", "❨"), ")": ("）", "❩"), ";": (";", "；"), "|": ("∣", "ǀ", "｜"), "*": ("∗", "×", "·"),
    "/": ("∕", "⁄"), "^": ("ˆ", "＾"), "_": ("＿",), ".": ("․", "。"), " ": ("\u00a0", "\u2009", "\u3000"),
    '"': ("“", "”", "＂"), "[": ("［",), "]": ("］",),
}

_INVISIBLE = ("\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u00ad", "\u0301")

_KEY_LINE = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*)(\s*=\s*)(.*)$')
_TABLE = re.compile(r"^\s*\[\[?[^\]]*\]\]?\s*$")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _key_lines(lines: list[str]) -> list[int]:
    return [k for k, ln in enumerate(lines) if _KEY_LINE.match(ln)]


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    if lines:
        del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    lines.insert(k, lines[k])
    return "\n".join(lines)


def duplicate_table(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    heads = [k for k, ln in enumerate(lines) if _TABLE.match(ln)]
    if not heads:
        return duplicate_line(text, rng)
    start = rng.choice(heads)
    end = next((k for k in heads if k > start), len(lines))
    block = lines[start:end]
    at = rng.choice(heads + [len(lines)])
    return "\n".join(lines[:at] + block + lines[at:])


def swap_values(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    keys = _key_lines(lines)
    if len(keys) < 2:
        return text
    a, b = rng.sample(keys, 2)
    ma, mb = _KEY_LINE.match(lines[a]), _KEY_LINE.match(lines[b])
    lines[a] = ma.group(1) + ma.group(2) + ma.group(3) + mb.group(4)
    lines[b] = mb.group(1) + mb.group(2) + mb.group(3) + ma.group(4)
    return "\n".join(lines)


def swap_keys(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    keys = _key_lines(lines)
    if len(keys) < 2:
        return text
    a, b = rng.sample(keys, 2)
    ma, mb = _KEY_LINE.match(lines[a]), _KEY_LINE.match(lines[b])
    lines[a] = ma.group(1) + mb.group(2) + ma.group(3) + ma.group(4)
    lines[b] = mb.group(1) + ma.group(2) + mb.group(3) + mb.group(4)
    return "\n".join(lines)


def lookalike(text: str, rng: random.Random) -> str:
    spots = [k for k, ch in enumerate(text) if ch in LOOKALIKES]
    if not spots:
        return text
    k = rng.choice(spots)
    return text[:k] + rng.choice(LOOKALIKES[text[k]]) + text[k + 1:]


def invisible(text: str, rng: random.Random) -> str:
    k = rng.randrange(len(text) + 1)
    return text[:k] + rng.choice(_INVISIBLE) + text[k:]


_NUMBER = re.compile(r"(?<![A-Za-z_\[])\d+(?:\.\d+)?")


def enormous_number(text: str, rng: random.Random) -> str:
    spots = list(_NUMBER.finditer(text))
    huge = rng.choice([
        "9" * rng.choice([30, 400, 1200, 5000]),
        "1" + "0" * 5000,
        "1e999999", "1.5e-400", "0." + "0" * 3000 + "1",
        "10^10^10^10", "2^99999999", "(2^1000)^(2^1000)", "9" * 20 + "^" + "9" * 20,
        "1/" + "9" * 500, "1" * 19,
    ])
    if not spots:
        return text + "\n" + f'x = {huge}'
    m = rng.choice(spots)
    return text[:m.start()] + huge + text[m.end():]


def deep_nesting(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    keys = [k for k in _key_lines(lines) if '"' in lines[k]]
    depth = rng.choice([60, 150, 600, 5000])
    kind = rng.randrange(5)
    if kind == 0 and keys:  # brackets inside an expression string
        k = rng.choice(keys)
        m = _KEY_LINE.match(lines[k])
        body = m.group(4).strip().strip('"')
        lines[k] = m.group(1) + m.group(2) + m.group(3) + '"' + "(" * depth + body + ")" * depth + '"'
    elif kind == 1 and keys:  # nested function calls
        k = rng.choice(keys)
        m = _KEY_LINE.match(lines[k])
        body = m.group(4).strip().strip('"')
        fn = rng.choice(["sqrt(", "log(", "h(", "-(", "min(1, "])
        lines[k] = m.group(1) + m.group(2) + m.group(3) + '"' + fn * depth + body + ")" * depth + '"'
    elif kind == 2:  # nested TOML arrays
        lines.append("deep = " + "[" * depth + "1" + "]" * depth)
    elif kind == 3:  # nested inline tables
        lines.append("deep = " + "{ a = " * depth + "1" + " }" * depth)
    else:  # a long chain of operators
        if keys:
            k = rng.choice(keys)
            m = _KEY_LINE.match(lines[k])
            body = m.group(4).strip().strip('"')
            lines[k] = m.group(1) + m.group(2) + m.group(3) + '"' + " + ".join([body] * min(depth, 400)) + '"'
    return "\n".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def control_bytes(text: str, rng: random.Random) -> str:
    k = rng.randrange(len(text) + 1)
    return text[:k] + rng.choice(["\x00", "\x1b[2J", "\r", "\x7f", "\ud800", "\x0c", "\t\t", "\\", "\\u0000"]) + text[k:]


def wrong_type(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    keys = _key_lines(lines)
    if not keys:
        return text
    k = rng.choice(keys)
    m = _KEY_LINE.match(lines[k])
    value = rng.choice(["1", "-0.5", "true", "[]", '["a", 1]', "{}", '{ x = "y" }', '""', "1979-05-27", "inf", "nan",
                        '"""\nmulti\nline"""', "'literal'"])
    lines[k] = m.group(1) + m.group(2) + m.group(3) + value
    return "\n".join(lines)


def rename_reference(text: str, rng: random.Random) -> str:
    """An id, a variable or a rule renamed in one place only (dangling references, shadowing)."""
    words = sorted(set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', text)))
    if not words:
        return text
    w = rng.choice(words)
    new = rng.choice([w + "2", w.upper(), "proof", "theorem", "I", "H", "log", "n", "sum", ""])
    spots = [m.start() for m in re.finditer(rf'"{re.escape(w)}"', text)]
    k = rng.choice(spots)
    return text[:k] + f'"{new}"' + text[k + len(w) + 2:]


#: Every structured mutation, by name.
MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "delete_line": delete_line,
    "duplicate_line": duplicate_line,
    "duplicate_table": duplicate_table,
    "swap_values": swap_values,
    "swap_keys": swap_keys,
    "lookalike": lookalike,
    "invisible": invisible,
    "enormous_number": enormous_number,
    "deep_nesting": deep_nesting,
    "truncate": truncate,
    "control_bytes": control_bytes,
    "wrong_type": wrong_type,
    "rename_reference": rename_reference,
}


def fuzz_text(text: str, names: list[str], seed: int) -> str:
    """``text`` with the named mutations applied in order, each driven by ``seed``."""
    rng = random.Random(seed)
    for name in names:
        text = MUTATIONS[name](text, rng)
    return text
