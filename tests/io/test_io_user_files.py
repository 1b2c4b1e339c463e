"""Files the user names (proof files, ``derive prove --file`` claims files, ``--model-file``) are read by one owner,
:func:`derive.io.files.read_user_text` (session 28's attack): bytes that are not UTF-8 in a claims file or a model
file ended in "internal error (UnicodeDecodeError ...)"; a proof file or claims file saved with a byte-order mark
(Windows editors) read as invalid TOML or a claim starting with '\\ufeff'; ``/dev/null`` was called a directory."""

from __future__ import annotations

import json

import pytest

from derive.errors import InvalidArgument, LimitExceeded, ParseError
from derive.io.files import read_user_text
from support.cli import run

PROOF = '[proof]\nname = "bom"\n[variables]\nrandom = ["X", "Y"]\n[[step]]\nid = "s"\nclaim = "H(X | Y) <= H(X)"\nrule = "shannon"\n'
BOM = b"\xef\xbb\xbf"
NOT_UTF8 = b"H(X) >= 0\n\xf8\xa0 H(Y) >= 0\n"


def test_a_byte_order_mark_is_dropped(tmp_path, capsys):
    proof = tmp_path / "p.toml"
    proof.write_bytes(BOM + PROOF.replace("\n", "\r\n").encode())
    code, out, _ = run(["check", str(proof)], capsys)
    assert code == 0 and "proved" in out, out
    claims = tmp_path / "c.txt"
    claims.write_bytes(BOM + b"H(X | Y) <= H(X)\n")
    code, out, _ = run(["prove", "--file", str(claims)], capsys)
    assert code == 0 and json.loads(out.splitlines()[0])["claim"] == "H(X | Y) <= H(X)", out


@pytest.mark.parametrize("args", [["prove", "--file", "{f}"], ["eval", "H(X)", "--model-file", "{f}"],
                                  ["check", "{f}"], ["audit", "{f}"]])
def test_bytes_that_are_not_utf8_are_a_clear_error(args, tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_bytes(NOT_UTF8)
    code, _, err = run([a.format(f=f) for a in args], capsys)
    assert code == 2 and "not valid UTF-8 (byte 10)" in err and "bad.toml:2" in err and "internal error" not in err, err


def test_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(InvalidArgument, match="no such claims file"):
        read_user_text(tmp_path / "missing.txt", "claims file", 100)
    with pytest.raises(InvalidArgument, match="the directory"):
        read_user_text(tmp_path, "model file", 100)
    with pytest.raises(InvalidArgument, match="the special file '/dev/null'"):
        read_user_text("/dev/null", "proof file", 100)
    big = tmp_path / "big.txt"
    big.write_text("x" * 101)
    with pytest.raises(LimitExceeded, match="101 bytes; the limit is 100"):
        read_user_text(big, "claims file", 100)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(NOT_UTF8)
    with pytest.raises(ParseError) as e:
        read_user_text(bad, "claims file", 100)
    assert e.value.line == 2
