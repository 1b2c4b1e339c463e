"""Command-line spellings of channels and inputs, parsed without evaluating any text.

Channels: ``bsc:0.1``, ``bec:0.3``, ``z:0.3``, ``qsc:3:0.2``, ``awgn:3``, ``matrix:[[0.9,0.1],[0.2,0.8]]``,
or the proof-file spelling ``BSC(1/10)`` / ``matrix([[...]])`` (through :func:`derive.io.parse_channel_spec`).
Inputs: ``uniform``, ``bern:0.1`` (``P(X = 1) = 0.1``), ``[0.3,0.7]``, ``gaussian`` (AWGN).

Numbers become exact Fractions from their decimal or ratio text (``"0.1"`` and ``"1/10"`` are ``1/10``); bracketed
lists (``[[0.9, 1/10], [1/5, 4/5]]``) are read by a small grammar (:func:`_number_lists`) that does the same. Every failure is an :class:`~derive.errors.InvalidArgument`,
:class:`~derive.errors.ParseError` or :class:`~derive.errors.LimitExceeded` with a one-line message.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from derive.numeric.exact import parse_number
from derive.channels.library import AWGN, BEC, BSC, MAX_SIZE, QSC, Channel, Matrix, Z
from derive.numeric.exact import MAX_BINARY_OUTPUT_INPUTS, check_size
from derive.errors import InvalidArgument, LimitExceeded, ParseError

__all__ = ["parse_channel_arg", "parse_input_arg", "parse_number_list", "MAX_TEXT"]

#: Longest channel or input text accepted.
MAX_TEXT = 1_000_000

_KINDS = {"bsc": 1, "bec": 1, "z": 1, "qsc": 2, "awgn": 1, "matrix": -1}
_SPELLING = "bsc:0.1, bec:0.3, z:0.3, qsc:3:0.2, awgn:3, matrix:[[0.9,0.1],[0.2,0.8]]"


_LIST_TOKEN = re.compile(r"\s*(?:(?P<open>\[)|(?P<close>\])|(?P<comma>,)|(?P<num>[^\s\[\],/]+(?:\s*/\s*[^\s\[\],/]+)?))")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _number_lists(text: str, what: str) -> Any:
    """Nested brackets of number literals (``[[0.9, 1/10], [0.2, 0.8]]``) as lists of exact Fractions.

    A small grammar, read without recursion and without evaluating anything: ``list := [ (item (, item)*)? ]``,
    ``item := list | number``, each number a decimal or ratio literal of :func:`parse_number`.
    """
    if len(text) > MAX_TEXT:
        raise LimitExceeded(f"{what} has {len(text)} characters; at most {MAX_TEXT} are accepted")

    def fail(why: str, at: int) -> ParseError:
        return ParseError(f"cannot read {what}: {why} at character {at + 1}; expected e.g. [[0.9, 0.1], [0.2, 0.8]]",
                          file=what)

    stack: list[list] = []
    done: Any = None
    pos, expect_item = 0, True          # expect_item: a value may come next (after '[' or ',')
    while pos < len(text.rstrip()):
        m = _LIST_TOKEN.match(text, pos)
        if m is None:
            raise fail("unexpected text", pos)
        at = m.start(m.lastgroup)
        if done is not None:
            raise fail("text after the closing bracket", at)
        if m.group("open"):
            if stack and not expect_item:
                raise fail("a missing comma", at)
            stack.append([])
            expect_item = True
        elif m.group("close"):
            if not stack or (expect_item and stack[-1]):
                raise fail("an unexpected ']'", at)
            inner = stack.pop()
            if stack:
                stack[-1].append(inner)
            else:
                done = inner
            expect_item = False
        elif m.group("comma"):
            if not stack or expect_item:
                raise fail("an unexpected ','", at)
            expect_item = True
        else:
            tok = re.sub(r"\s+", "", m.group("num"))     # "1 / 2" is the ratio 1/2
            if not stack:
                raise fail("a number outside brackets", at)
            if not expect_item:
                raise fail("a missing comma", at)
            if tok.lower() in _NOT_FINITE:
                raise InvalidArgument(f"Expected finite numbers in {what} but got {tok}")
            if tok[:1] in "\"'" or not any(c.isdigit() for c in tok):
                raise InvalidArgument(f"{what}: {_clip(tok, 20)} at character {at + 1} is not a number (write a "
                                      "decimal such as 0.1 or a ratio such as 1/10)")
            stack[-1].append(parse_number(tok, f"a number in {what}"))
            expect_item = False
        pos = m.end()
    if done is None:
        raise fail("a missing ']'" if stack else "no list", len(text))
    return done


def parse_number_list(text: str, what: str) -> list[Fraction]:
    """``[0.3, 0.7]`` as exact Fractions."""
    data = _number_lists(text, what)
    if not isinstance(data, list) or not data or any(not isinstance(v, Fraction) for v in data):
        raise InvalidArgument(f"Expected {what} as a non-empty list of numbers like [0.3, 0.7] but got {_clip(text)}")
    if len(data) > MAX_SIZE * MAX_SIZE:
        raise LimitExceeded(f"{what} has {len(data)} entries; at most {MAX_SIZE * MAX_SIZE}")
    return data


def _clip(text: str, n: int = 60) -> str:
    return repr(text if len(text) <= n else text[: n - 3] + "...")


def _matrix_rows(text: str) -> list[list[Fraction]]:
    what = "the channel matrix"
    data = _number_lists(text, what)
    if not isinstance(data, list) or not data:
        raise InvalidArgument(f"Expected {what} as a non-empty list of rows like [[0.9,0.1],[0.2,0.8]] but got "
                              f"{_clip(text)}")
    if len(data) > max(MAX_SIZE, MAX_BINARY_OUTPUT_INPUTS):
        raise LimitExceeded(f"{what} has {len(data)} rows; at most {MAX_BINARY_OUTPUT_INPUTS} are accepted (with "
                            f"two outputs; {MAX_SIZE} otherwise)")
    for k, row in enumerate(data):
        if not isinstance(row, list):
            raise InvalidArgument(f"row {k + 1} of {what} is not a list of numbers")
        if len(row) > MAX_SIZE:
            raise LimitExceeded(f"row {k + 1} of {what} has {len(row)} entries; at most {MAX_SIZE} are accepted")
        if any(not isinstance(v, Fraction) for v in row):
            raise InvalidArgument(f"row {k + 1} of {what} has an entry that is not a number")
    check_size(len(data), max(len(row) for row in data), MAX_SIZE)
    return data


def parse_channel_arg(text: str) -> Channel:
    """A channel from its command-line spelling (see the module docstring).

    Raises
    ------
    InvalidArgument, ParseError, LimitExceeded
        For unknown kinds, wrong parameter counts, bad numbers, invalid matrices or absurd sizes.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument(f"Expected a channel such as {_SPELLING} but got nothing")
    if len(text) > MAX_TEXT:
        raise LimitExceeded(f"the channel text has {len(text)} characters; at most {MAX_TEXT} are accepted")
    s = text.strip()
    kind, sep, rest = s.partition(":")
    key = kind.strip().lower()
    if not sep:
        if "(" in s:
            return _proof_spelling(s)
        raise InvalidArgument(f"Expected a channel such as {_SPELLING} but got {_clip(s)}")
    if key not in _KINDS:
        raise InvalidArgument(f"unknown channel kind {kind.strip()!r}; expected one of "
                              f"{', '.join(sorted(_KINDS))} (e.g. {_SPELLING})")
    if key == "matrix":
        return Matrix(_matrix_rows(rest))
    parts = rest.split(":")
    if len(parts) != _KINDS[key]:
        example = {"bsc": "bsc:0.1", "bec": "bec:0.3", "z": "z:0.3", "qsc": "qsc:3:0.2", "awgn": "awgn:3"}[key]
        raise InvalidArgument(f"{key} takes {_KINDS[key]} parameter(s) separated by ':' (e.g. {example}) but got "
                              f"{len(parts)}")
    nums = [parse_number(p, f"parameter {i + 1} of {key}") for i, p in enumerate(parts)]
    if key == "bsc":
        return BSC(nums[0])
    if key == "bec":
        return BEC(nums[0])
    if key == "z":
        return Z(nums[0])
    if key == "awgn":
        return AWGN(nums[0])
    return QSC(nums[0], nums[1])


def _proof_spelling(text: str) -> Channel:
    from derive.channels.library import from_spec
    from derive.io.grammar import parse_channel_spec

    spec = parse_channel_spec(text)
    return from_spec(spec, {})


def parse_input_arg(text: str, k: int | None) -> Any:
    """An input distribution: ``uniform``, ``bern:P1`` (``[1 - P1, P1]``), ``[p1, ...]`` or ``gaussian``.

    ``k`` is the channel's number of inputs (``None`` for AWGN). Returns a tuple of Fractions or a keyword.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument("Expected an input distribution (uniform, bern:0.1, [0.3,0.7]) but got nothing")
    s = text.strip()
    low = s.lower()
    if low in ("uniform", "gaussian", "normal"):
        return low
    if low.startswith("bern:"):
        p = parse_number(s[5:], "the Bernoulli parameter")
        if not 0 <= p <= 1:
            raise InvalidArgument(f"Expected a Bernoulli parameter in [0, 1] but got {p}")
        if k is not None and k != 2:
            raise InvalidArgument(f"bern:{s[5:]} is a distribution on 2 inputs but the channel has {k}")
        return (1 - p, p)
    if s.startswith("["):
        vals = parse_number_list(s, "the input distribution")
        return tuple(vals)
    raise InvalidArgument(f"Expected an input distribution (uniform, bern:0.1, [0.3,0.7]"
                          f"{', gaussian' if k is None else ''}) but got {_clip(s)}")
