"""A ``shannon`` step free of parameters is decided by the Shannon LP even when the proof declares parameters.

Found in session 10: the LP oracle ran only when the proof declared no parameter at all, so in any proof with a
``[parameters]`` table (most real proofs) ``H(Y | Z) <= H(Y)`` was ``unchecked``. The truth of each step here is
textbook (conditioning reduces entropy; Han's inequality for three variables; data processing under a Markov chain);
the same steps in a proof without parameters are the control.
"""

from __future__ import annotations

import pytest
import sympy

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


def _param_proof(tmp_path, claim: str, uses: list[str]) -> str:
    text = ('[proof]\nname = "q"\n\n[parameters]\nlam = "0 < lam < 1"\nmu = "0 <= mu <= 2"\n\n'
            '[variables]\nrandom = ["X", "Y", "Z"]\n\n[[hypothesis]]\nid = "chain"\nmarkov = "X -> Y -> Z"\n\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\nuses = {uses!r}\n'.replace("'", '"'))
    path = tmp_path / "q.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("claim, uses", [
    ("lam * H(X | Y) <= H(X)", []),                          # (1 - lam) H(X) + lam I(X; Y) >= 0
    ("I(X; Z) + lam * I(X; Y | Z) <= I(X; Y)", ["chain"]),    # data processing, weighted
    ("lam * H(X) <= H(X, Y) - (1 - lam) * H(Y)", []),
    ("mu * I(X; Z) <= mu * I(X; Y)", ["chain"]),
    ("lam^2 * H(X | Y) <= H(X)", []),                          # Bernstein degree 2: H(X), H(X), I(X; Y) >= 0
    ("lam^3 * H(X | Y) + lam * (1 - lam) * I(X; Y) <= H(X)", []),
    ("mu * (2 - mu) * I(X; Y) <= 3/2 * H(X)", []),            # degree 2 gives 2 > 3/2 at the middle; degree 3 gives 4/3
])
def test_a_shannon_step_polynomial_in_one_parameter_is_proved_from_its_bernstein_coefficients(tmp_path, claim, uses):
    step = check_file(_param_proof(tmp_path, claim, uses)).report.steps[0]
    assert step.status == "proved", step.message


@pytest.mark.parametrize("claim, uses, at", [
    ("mu * H(X | Y) <= H(X)", [], "mu = 2"),                  # false at mu = 2 (independent X, Y)
    ("I(X; Y) <= mu * I(X; Z)", ["chain"], "mu = "),         # false at mu = 0 (and wherever Z is constant)
    ("mu * (2 - mu) * I(X; Y) <= H(X) / 2", [], "mu = "),     # false around mu = 1 only (X = Y one bit)
])
def test_a_shannon_step_false_at_an_admissible_parameter_value_fails_saying_where(tmp_path, claim, uses, at):
    step = check_file(_param_proof(tmp_path, claim, uses)).report.steps[0]
    assert step.status == "failed" and at in step.message, step.message


def test_parameters_tied_to_the_distribution_are_not_refuted_by_verify():
    """fano's ``error = pe`` ties pe to the estimator's error: verify must not refute its claim at pe = 0."""
    from pathlib import Path

    from derive.commands.verify import verify_one

    report = verify_one(Path(__file__).resolve().parents[2] / "proofs" / "fano_minimax.toml", samples=40)
    assert report.status != "failed"


def _block_proof(tmp_path, claim: str, n_domain: str = "integer >= 1") -> str:
    text = (f'[proof]\nname = "b"\n\n[parameters]\nn = "{n_domain}"\nm = "integer >= 1"\n\n'
            '[variables]\nrandom = ["M", "P"]\nfamilies = { X = "1..n", Y = "1..m" }\n\n'
            f'[[step]]\nid = "s"\nclaim = "{claim}"\nrule = "shannon"\n')
    path = tmp_path / "b.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("claim", [
    "I(M; X[1..n]) <= H(M)",
    "I(M; X[1..n] | P) <= H(X[1..n] | P)",
    "I(M; X[1..n], Y[1..m]) >= I(M; Y[1..m])",
    "H(X[1..n], Y[1..m]) <= H(X[1..n]) + H(Y[1..m])",
    "I(M; X[1..n] | Y[1..m]) + I(M; Y[1..m]) == I(M; X[1..n], Y[1..m])",
])
def test_blocks_with_symbolic_ends_are_read_as_single_variables(tmp_path, claim):
    for dom in ("integer >= 1", "integer >= 0"):  # an empty block is a constant: the inequality still holds
        step = check_file(_block_proof(tmp_path, claim, dom)).report.steps[0]
        assert step.status == "proved", (dom, step.message)


@pytest.mark.parametrize("claim", [
    "I(M; X[1..n]) >= I(M; X[1])",
    "I(M; X[1..n]) >= I(M; X[n])",
    "I(M; X[1..n]) >= I(M; X[2..n])",
    "H(X[1..n], Y[1..m]) <= H(X[1..n]) + H(Y[1]) + H(Y[2..m])",
    "I(M; X[1..n]) == I(M; X[1]) + I(M; X[2..n] | X[1])",
])
def test_blocks_and_members_of_one_family_are_cut_into_common_pieces(tmp_path, claim):
    """X[1..n] with X[1] (n >= 1): pieces X[1], X[2..n]; the kernel re-checks the identity with the pieces merged."""
    step = check_file(_block_proof(tmp_path, claim)).report.steps[0]
    assert step.status == "proved", step.message


@pytest.mark.parametrize("claim, n_domain", [
    ("I(M; X[1..n]) <= I(M; X[1])", "integer >= 1"),  # false from n = 2 (X[2] = M a bit)
    ("I(M; X[1..n]) >= I(M; X[1])", "integer >= 0"),  # X[1] need not be in X[1..n]: the cut points are unordered
    ("H(X[2..n]) >= H(X[1])", "integer >= 1"),  # false (X[1] a bit, the rest constant)
])
def test_pieces_never_prove_what_does_not_follow(tmp_path, claim, n_domain):
    step = check_file(_block_proof(tmp_path, claim, n_domain)).report.steps[0]
    assert step.status in ("failed", "unchecked"), step.message


@pytest.mark.parametrize("claim", ["H(X[1..n]) <= H(M)", "I(M; X[1..n]) <= 1"])
def test_false_block_claims_fail_at_an_admissible_length(tmp_path, claim):
    step = check_file(_block_proof(tmp_path, claim)).report.steps[0]
    assert step.status == "failed" and "n = " in step.message, step.message


def _ctx(claim_text: str):
    from derive.core.parameters import Domain, Domains
    from derive.io import ParseContext, parse_statement
    from derive.kernel.context import StepContext

    lam = sympy.Symbol("lam", real=True)
    doms = Domains({lam: Domain(sympy.S.Zero, sympy.S.One, False, False)})
    st = parse_statement(claim_text, ParseContext(parameters={"lam": lam}, auto_variables=True, units="bits"))
    return StepContext("s", "shannon", st, {}, {}, {}, doms, "bits")


def test_the_bernstein_search_stops_at_a_failing_end_and_is_bounded():
    """The LP calls of a failing search are bounded (a false 10-variable step took 50 s before the bound)."""
    from derive.provers.combination import MAX_PARAMETER_CLAIMS, _polynomial_in_one_parameter

    calls = []

    def never(ctx):
        calls.append(ctx.claim)
        return None

    assert _polynomial_in_one_parameter(_ctx("lam^4 * H(X | Y) <= H(X)"), never) is None
    assert len(calls) == 1  # the end lam = 0 already fails

    calls.clear()

    def ends_only(ctx):
        calls.append(ctx.claim)
        from derive.kernel.linear import Certificate

        from derive.core.linear import linear_form

        ends = len(linear_form(ctx.claim.slack()).terms) == 1  # the ends are H(X)/8 >= 0 alone
        return Certificate([]) if ends else None

    # the ends (H(X)/8 >= 0) pass, every middle coefficient fails (the claim is false at lam = 1/2): bounded
    assert _polynomial_in_one_parameter(_ctx("lam * (1 - lam) * I(X; Y) <= H(X) / 8"), ends_only) is None
    assert 3 <= len(calls) <= MAX_PARAMETER_CLAIMS
