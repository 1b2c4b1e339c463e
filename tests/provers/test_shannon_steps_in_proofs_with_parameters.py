"""A ``shannon`` step free of parameters is decided by the Shannon LP even when the proof declares parameters.

Found in session 10: the LP oracle ran only when the proof declared no parameter at all, so in any proof with a
``[parameters]`` table (most real proofs) ``H(Y | Z) <= H(Y)`` was ``unchecked``. The truth of each step here is
textbook (conditioning reduces entropy; Han's inequality for three variables; data processing under a Markov chain);
the same steps in a proof without parameters are the control.
"""

from __future__ import annotations

import pytest

from derive.checking import check_file

STEPS = [
    ("H(Y | Z) <= H(Y)", []),
    ("2 * H(X, Y, Z) <= H(X, Y) + H(Y, Z) + H(X, Z)", []),
    ("I(X; Z) <= I(X; Y)", ["chain"]),
    ("H(Y | Z) <= H(Y) + log(3)", []),
]


def _proof(tmp_path, claim: str, uses: list[str], parameters: bool) -> str:
    params = '[parameters]\nlambda = "0 < lambda < 1"\nn = "integer >= 1"\n\n' if parameters else ""
    text = (f'[proof]\nname = "p"\n\n{params}[variables]\nrandom = ["X", "Y", "Z"]\n\n'
            '[[hypothesis]]\nid = "chain"\nmarkov = "X -> Y -> Z"\n\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\nuses = {uses!r}\n'.replace("'", '"'))
    path = tmp_path / ("with.toml" if parameters else "without.toml")
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("claim, uses", STEPS)
def test_parameter_free_shannon_step_is_proved_whether_or_not_the_proof_has_parameters(tmp_path, claim, uses):
    for parameters in (False, True):
        report = check_file(_proof(tmp_path, claim, uses, parameters)).report
        step = report.steps[0]
        assert step.status == "proved", (parameters, step.message)


def test_a_false_parameter_free_shannon_step_still_fails_with_parameters(tmp_path):
    report = check_file(_proof(tmp_path, "H(Y) <= H(Y | Z)", [], True)).report
    assert report.steps[0].status == "failed"
