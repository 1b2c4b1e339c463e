"""Every file in tests/bad_proofs/ must fail with the error its first line announces.

Header: ``# expect: <ErrorClass | status> at step <id>`` (or ``at line <n>`` for parse errors).
Structural errors are raised (exit 2 on the CLI); mathematical ones are steps reported ``failed``
with that error class (exit 1). No bad proof may ever be reported ``proved``.

``# expect: vacuous at line <n>``: the hypotheses cannot hold together (:mod:`derive.vacuity`); the report
carries that warning, pointing at the hypothesis on line ``n``. An optional second header line
``# strict: true`` checks the file as ``derive check --strict`` does (a vacuous proof then fails, exit 1).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import derive.errors as errors
from derive.checking import check_file
from derive.cli import main

BAD = sorted((Path(__file__).parent / "bad_proofs").glob("*.toml"))
HEADER = re.compile(r"# expect: (\w+) at (step|line) (\S+)")
STRICT = re.compile(r"# strict: true\s*$")


def _expectation(path: Path) -> tuple[str, str, str]:
    m = HEADER.match(path.read_text().splitlines()[0])
    assert m, f"{path.name} has no '# expect:' header"
    return m.group(1), m.group(2), m.group(3)


def _strict(path: Path) -> bool:
    lines = path.read_text().splitlines()
    return len(lines) > 1 and STRICT.match(lines[1]) is not None


def test_there_are_bad_proofs_for_every_kind_listed_in_the_issue():
    names = {p.stem for p in BAD}
    assert {"reversed_dpi", "sdpi_constant_too_small", "composition_claims_too_much",
            "superadditivity_without_independence", "markov_chain_misread", "multiplier_of_unknown_sign",
            "cycle"} <= names


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_proof_fails_with_expected_error(path: Path):
    expected, where, what = _expectation(path)
    strict = _strict(path)
    if expected == "vacuous":
        from derive.vacuity import find_vacuity

        checked = check_file(path, strict=strict)
        assert checked.vacuity and all(w in checked.report.warnings for w in checked.vacuity)
        assert int(what) in [w.line for w in find_vacuity(checked.proof)]
        if strict:
            assert checked.status == "failed"
        return
    cls = getattr(errors, expected, None)
    if cls is not None and issubclass(cls, errors.DeriveError) and cls.exit_code == 2:
        with pytest.raises(cls) as info:
            check_file(path, strict=strict)
        err = info.value
        assert err.file and path.name in err.file
        if where == "line":
            assert err.line == int(what)
        else:
            assert getattr(err, "step", None) is not None
        return
    checked = check_file(path, strict=strict)
    assert checked.status != "proved"
    rows = list(checked.report.steps) + ([checked.report.theorem] if checked.report.theorem else [])
    row = next(r for r in rows if r.id == what)
    if expected in ("unchecked", "tested"):
        assert row.status == expected
    else:
        assert row.status == "failed"
        assert row.error == expected, row.message
        assert row.message  # says why


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_proof_cli_exit_code(path: Path, capsys):
    expected, _, _ = _expectation(path)
    cls = getattr(errors, expected, None)
    code = main(["check", *(["--strict"] if _strict(path) else []), str(path)])
    want = cls.exit_code if cls is not None and issubclass(cls, errors.DeriveError) else 1
    assert code == want
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if want == 2:
        assert path.name in err
