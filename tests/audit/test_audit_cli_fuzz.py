"""Fuzzing every string the command line accepts.

``derive bound --set/--prior/--channel``, ``derive eta CHANNEL --input DIST``, ``derive eval EXPR
--model MODEL --set``, ``--model-file`` JSON, ``derive prove CLAIM --given HYP``, and the paths of
``check``/``verify``/``compose``/``latex``/``graph`` (with ``-o``/``--plot`` outputs). Any input
gives a result (exit 0 or 1) or a :class:`~derive.errors.DeriveError` with a message (exit 2, one
``derive: ...`` line on stderr) — never an internal error (exit 3), an escaping exception or a hang.

Commands run in-process through :func:`derive.cli.main`; a hang is caught by a wall-clock alarm
(:class:`derive.checking.StepBudget`) that stops the command, not by a timing assertion.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from derive.checking import StepBudget
from derive.cli import main
from derive.errors import StepTimeout

ROOT = Path(__file__).resolve().parents[2]
SDPI = ROOT / "proofs" / "sdpi_chain.toml"

#: Wall-clock seconds after which one command counts as hung (generous: CI machines are shared).
HANG_SECONDS = 30.0

#: Examples per property; ``DERIVE_FUZZ_EXAMPLES=2000`` (and a random seed) for a deeper hunt.
EXAMPLES = int(os.environ.get("DERIVE_FUZZ_EXAMPLES", "40"))

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize="DERIVE_FUZZ_EXAMPLES" not in os.environ,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

#: Strings that have broken parsers elsewhere: huge and tiny numbers, power towers, deep nesting,
#: Unicode look-alikes (minus sign, fullwidth and other-script digits, dotless i), NaN/inf, control
#: characters, empty and very long text.
NASTY = [
    "", " ", "\t", "\n", "\x00", "\u200b", "\ufeff", ",", ":", "=", "..", "...", "[]", "[[]]", "()", "{}",
    "1e999999", "-1e999999", "1e-999999", "1E+400", "9" * 5000, "0." + "1" * 5000, "10**10**10", "10^10^10",
    "2**2**2**2**2**2", "1/0", "0/0", "-0", "+0", "0x10", "0b11", "1_000", "1e", "e5", ".", "-", "+", "--1",
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e308", "1.7976931348623157e309",
    "\u22120.1", "\u2212" + "1", "\uff10.\uff11", "\uff11", "\u0661", "\U0001d7ce.\U0001d7cf", "\u00bd",
    "\u221a2", "\u0131", "I\u0307", "\u0130", "\u212a", "0,1", "1;2", "1 2", "'", '"', "\\", "%s", "{0}",
    "__import__('os').system('true')", "exec('1')", "lambda: 1", "$(true)", "`true`",
    "[" * 2000 + "]" * 2000, "(" * 2000 + ")" * 2000, "[" * 100000, "a" * 100000, "1" * 100000,
    "\ud800", "\udfff", "\x7f", "\x1b[31m",
]
NUMBERS = ["0", "1", "2", "3", "10", "1000", "0.1", "1/10", "1/2", "0.25", "-1", "0.5", "1e3", "1e-3",
           "100000", "1e12", "1e13", "99999999999999999999"]


def text(extra: list[str] = ()) -> st.SearchStrategy[str]:
    """A nasty string, a number, a known-good fragment or arbitrary text (short, or sometimes long)."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(NUMBERS + list(extra)),
        st.text(max_size=30),
        st.text(alphabet="0123456789.,:-+e/[]() ", max_size=40),
        st.builds(lambda a, b, sep: a + sep + b, st.sampled_from(NUMBERS + NASTY[:40]),
                  st.sampled_from(NUMBERS + NASTY[:40]), st.sampled_from(["", ",", "..", ":", "/", " "])),
    )


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``derive ARGV`` in-process: ``(exit code, stdout, stderr)``; fails on an internal error or a hang."""
    try:
        with StepBudget(HANG_SECONDS, "fuzz", what="command"):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse: usage errors (2) and --help (0)
                code = e.code if isinstance(e.code, int) else 2
    except StepTimeout:
        pytest.fail(f"derive {argv!r} did not finish within {HANG_SECONDS} s")
    out = capsys.readouterr()
    shown = _clip(repr(argv))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert code in (0, 1, 2), f"derive {shown} exited {code}: {_clip(out.err)}"
    assert "internal error" not in out.err and "Traceback" not in out.err, f"derive {shown}: {_clip(out.err)}"
    if code == 2:
        assert out.err.strip() or '"error"' in out.out, f"derive {shown} exited 2 without a message"
    return code, out.out, out.err


def _clip(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


# ---------------------------------------------------------------------------- channels and inputs

CHANNEL_KINDS = ["bsc", "bec", "z", "qsc", "awgn", "matrix", "BSC", "Bsc", "b\u0455c", "", "unknown"]
GOOD_CHANNELS = ["bsc:0.1", "bec:0.3", "z:0.3", "qsc:3:0.2", "awgn:3", "matrix:[[0.9,0.1],[0.2,0.8]]",
                 "BSC(1/10)", "matrix([[1/2,1/2],[1/3,2/3]])", "qsc:2:0.5", "bsc:0", "bsc:1/2", "bec:1"]


@st.composite
def channels(draw) -> str:
    kind = draw(st.sampled_from(CHANNEL_KINDS))
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return draw(st.sampled_from(GOOD_CHANNELS))
    if shape == 1:
        return f"{kind}:{draw(text())}"
    if shape == 2:
        return f"{kind}:{draw(text())}:{draw(text())}"
    if shape == 3:
        rows = draw(st.lists(st.lists(text(["0.5", "1", "0"]), max_size=4), max_size=4))
        return "matrix:[" + ",".join("[" + ",".join(r) + "]" for r in rows) + "]"
    return draw(text(GOOD_CHANNELS))


INPUTS = ["uniform", "gaussian", "bern:0.1", "[0.3,0.7]", "[1/2,1/2]", "[0.5,0.5,0]", "uniform:2", "bern:"]


@st.composite
def inputs(draw) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.sampled_from(INPUTS))
    if kind == 1:
        return "bern:" + draw(text())
    if kind == 2:
        return "[" + ",".join(draw(st.lists(text(["0.5", "1", "0"]), max_size=5))) + "]"
    return draw(text(INPUTS))


@SETTINGS
@given(channel=channels(), dist=st.none() | inputs(), as_json=st.booleans())
@example(channel="matrix:" + "[" * 5000 + "]" * 5000, dist=None, as_json=False)
@example(channel="bsc:1e999999", dist=None, as_json=False)
@example(channel="qsc:10**10**10:0.1", dist=None, as_json=False)
@example(channel="qsc:99999999999999999999:0.1", dist=None, as_json=False)
@example(channel="awgn:1e308", dist="gaussian", as_json=True)
@example(channel="awgn:nan", dist=None, as_json=True)
@example(channel="bsc:\u22120.1", dist=None, as_json=False)
@example(channel="bsc:\uff10.\uff11", dist=None, as_json=False)
@example(channel="bsc:0.1", dist="[" * 5000, as_json=False)
@example(channel="bsc:0.1", dist="bern:1e-999999", as_json=False)
@example(channel="matrix:[[1]]", dist="[1]", as_json=True)
def test_eta_channel_and_input(channel, dist, as_json, capsys):
    argv = ["eta", channel] + ([] if dist is None else ["--input", dist]) + (["--json"] if as_json else [])
    code, out, _ = run(argv, capsys)
    if code == 0 and as_json:
        json.loads(out)


@SETTINGS
@given(dps=st.sampled_from(["-1", "0", "1", "15", "50", "100000", "99999999999999999999", "nan", "1e3", ""]))
def test_eta_dps(dps, capsys):
    run(["eta", "bsc:0.1", "--dps", dps], capsys)


# ---------------------------------------------------------------------------- bound --set / --prior / --channel

SET_NAMES = ["n", "d", "rho", "k", "delta", "N", "n\u0307", "\u0131", "", " n", "n ", "1n", "n-1", "_", "prior", "rows"]


@st.composite
def settings_item(draw) -> str:
    name = draw(st.sampled_from(SET_NAMES) | st.text(max_size=8))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        value = draw(text())
    elif kind == 1:
        value = f"{draw(text(['1', '10', '1000']))}..{draw(text(['1', '10', '1000', '1000000']))}"
    elif kind == 2:
        value = ",".join(draw(st.lists(text(), min_size=1, max_size=4)))
    elif kind == 3:
        value = draw(st.sampled_from(["1..10", "1..1000000000000", "0..5", "-5..5", "10..1", "1..1", "1.5..3"]))
    else:
        return draw(text(["n=10", "d=1000", "rho=0.5"]))
    return f"{name}={value}"


@SETTINGS
@given(template=st.sampled_from(["gaussian-cluster", "boolean-cluster", "cluster", "", "unknown", "CLUSTER"]),
       items=st.lists(settings_item(), max_size=3),
       base=st.sampled_from([[], ["n=10"], ["n=1..50", "rho=0.9"], ["n=100", "d=1000", "rho=1/2"]]),
       prior=st.none() | inputs() | st.sampled_from(["uniform:2", "uniform:3", "uniform:\uff12", "uniform:1e999999"]),
       channel=st.none() | channels(),
       output=st.sampled_from([[], ["--json"], ["--latex"]]))
@example(template="cluster", items=["n=10**10**10"], base=[], prior=None, channel="bsc:0.1", output=[])
@example(template="cluster", items=["n=1e999999"], base=[], prior=None, channel="bsc:0.1", output=[])
@example(template="boolean-cluster", items=["rho=nan", "n=10"], base=[], prior=None, channel=None, output=["--json"])
@example(template="boolean-cluster", items=["rho=0", "n=10"], base=[], prior=None, channel=None, output=["--json"])
@example(template="boolean-cluster", items=["rho=1e12", "n=1e12"], base=[], prior=None, channel=None, output=[])
@example(template="gaussian-cluster", items=["n=1..1000000000000"], base=[], prior=None, channel=None, output=[])
@example(template="gaussian-cluster", items=["n=\u22121"], base=[], prior=None, channel=None, output=[])
@example(template="gaussian-cluster", items=["d=-1", "n=10"], base=[], prior=None, channel=None, output=["--json"])
@example(template="gaussian-cluster", items=["d=0", "n=1"], base=[], prior=None, channel=None, output=["--latex"])
@example(template="cluster", items=["n=10"], base=[], prior="[" * 5000, channel="bsc:0.1", output=[])
@example(template="cluster", items=["n=10"], base=[], prior="uniform:99999999999999999999", channel="bsc:0.1",
         output=[])
@example(template="cluster", items=["n=10"], base=[], prior="[0.5,0.5]", channel="awgn:3", output=[])
@example(template="cluster", items=["n=10"], base=[], prior="[1, 0]", channel="matrix:[[1,0],[1,0]]", output=[])
def test_bound_settings(template, items, base, prior, channel, output, capsys):
    argv = ["bound", template] + [a for item in base + items for a in ("--set", item)]
    if prior is not None:
        argv += ["--prior", prior]
    if channel is not None:
        argv += ["--channel", channel]
    code, out, _ = run(argv + output, capsys)
    if code == 0 and output == ["--json"]:
        json.loads(out)


def test_bound_plot_paths(tmp_path, capsys):
    for target in [tmp_path / "b.png", tmp_path / "missing" / "b.png", tmp_path, tmp_path / "b.unknown",
                   Path("\x00"), Path("x" * 5000 + ".png")]:
        run(["bound", "gaussian-cluster", "--set", "n=1..20", "--plot", str(target)], capsys)


# ---------------------------------------------------------------------------- eval --model / --set / --model-file

GOOD_MODELS = ["X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)", "X ~ Uniform(3); Y | X ~ QSC(3, 0.2)",
               "P ~ Categorical([0.5, 0.5]); Q ~ Categorical([0.9, 0.1])", "X, Y ~ Categorical([[1/2, 0], [1/4, 1/4]])"]
EXPRS = ["I(X; Y)", "H(X | Y)", "H(X, Y)", "D(P || Q)", "TV(P, Q)", "I(X; Y) <= h(p)", "h(p)", "log(2)", "H(Z)",
         "I(X; Y) == 0", "2^1000000", "2^-1000000", "sum(H(X), i, 1, n)", "H(X[1..3])", "1/0", "sqrt(-1)"]


@st.composite
def models(draw) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.sampled_from(GOOD_MODELS))
    dist = draw(st.sampled_from(["Bernoulli", "Uniform", "Categorical", "BSC", "BEC", "Z", "QSC", "matrix", "AWGN",
                                 "bernoulli", "Bernou\u0142li", "eval", "__import__"]))
    if kind == 1:
        return f"X ~ {dist}({draw(text())})"
    if kind == 2:
        return f"X ~ Bernoulli(1/2); Y | X ~ {dist}({draw(text())}, {draw(text())})"
    return draw(text(GOOD_MODELS))


@SETTINGS
@given(expr=st.sampled_from(EXPRS) | text(EXPRS), model=st.none() | models(),
       sets=st.lists(settings_item(), max_size=2),
       dps=st.sampled_from([[], ["--dps", "30"], ["--dps", "0"], ["--dps", "100000"]]),
       flags=st.sampled_from([[], ["--json"], ["--nats"], ["--nats", "--json"]]))
@example(expr="I(X; Y)", model="X ~ Uniform(1e999999)", sets=[], dps=[], flags=[])
@example(expr="I(X; Y)", model="X ~ Uniform(10**10**10)", sets=[], dps=[], flags=[])
@example(expr="I(X; Y)", model="X ~ Uniform(100000000)", sets=[], dps=[], flags=[])
@example(expr="I(X; Y)", model="X ~ Categorical([" * 3000 + "1" + "])" * 3000, sets=[], dps=[], flags=[])
@example(expr="H(X)", model="X ~ Bernoulli(\u22121/2)", sets=[], dps=[], flags=[])
@example(expr="H(X)", model="X ~ Bernoulli(nan)", sets=[], dps=["--dps", "30"], flags=["--json"])
@example(expr="h(p)", model=None, sets=["p=nan"], dps=[], flags=["--json"])
@example(expr="h(p)", model=None, sets=["p=1e999999"], dps=[], flags=["--json"])
@example(expr="h(p)", model=None, sets=["p=10**10**10"], dps=[], flags=[])
@example(expr="2^(2^(2^(2^(2^9))))", model=None, sets=[], dps=[], flags=[])
@example(expr="(" * 3000 + "1" + ")" * 3000, model=None, sets=[], dps=[], flags=[])
def test_eval_expression_model_and_settings(expr, model, sets, dps, flags, capsys):
    argv = ["eval", expr] + ([] if model is None else ["--model", model])
    argv += [a for s in sets for a in ("--set", s)] + dps + flags
    code, out, _ = run(argv, capsys)
    if code in (0, 1) and "--json" in flags:
        json.loads(out)


JSON_MODELS = [
    '{"names": ["X", "Y"], "table": [[0.4, 0.1], [0.1, 0.4]]}',
    '{"names": ["X"], "table": [NaN, 1]}', '{"names": ["X"], "table": [Infinity, 0]}',
    '{"names": ["X"], "table": [1e999999, 0]}', '{"names": ["X"], "table": ["1/0", 1]}',
    '{"names": ["X"], "table": ["10**10**10", 1]}', '{"names": ["X"], "table": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"names": "X", "table": 1}', '{"names": [1, 2], "table": [[1]]}', '{"joint": {"names": ["X"], "table": [1]}}',
    '{"names": ["X"], "table": [' + ",".join(["0"] * 200000) + ", 1]}",
    '{"distributions": {"P": [0.5, 0.5], "Q": ["9/10", "1/10"]}}', '{"params": {"p": "nan"}}', '[]', '1', 'null',
    '{"names": ["X", "X"], "table": [[1, 0], [0, 0]]}', "", "\x00", '{"names": ["X"], "table": [0.5, 0.5]',
    '{"names": ["\u0131"], "table": [1]}', '{"names": ["X"], "table": [99999999999999999999999, 1]}',
]


@settings(SETTINGS, max_examples=max(25, EXAMPLES // 2))
@given(content=st.sampled_from(JSON_MODELS) | st.text(max_size=60), expr=st.sampled_from(EXPRS[:5]))
def test_eval_model_file(content, expr, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("model") / "pmf.json"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    run(["eval", expr, "--model-file", str(path), "--json"], capsys)


def test_eval_model_file_paths(tmp_path, capsys):
    for target in [tmp_path / "missing.json", tmp_path, Path("\x00"), Path("x" * 5000), Path("/dev/null")]:
        run(["eval", "H(X)", "--model-file", str(target)], capsys)


# ---------------------------------------------------------------------------- prove CLAIM --given HYP

CLAIMS = ["I(X;Z) <= I(X;Y)", "H(X) <= H(X, Y)", "I(X; Y) >= 0", "H(X|Y) == H(X,Y) - H(Y)", "H(X) <= 1",
          "I(X;Y) <= I(X;Y|Z)", "H(X1, X2, X3) <= H(X1) + H(X2) + H(X3)", "H(X[1..3]) <= 3"]
GIVENS = ["X -> Y -> Z", "X _|_ Y", "X _|_ Y | Z", "Y = f(X)", "X -> X", "X -> Y -> Z -> X", "X _|_ X", "f(X) = Y"]


@SETTINGS
@given(claim=st.sampled_from(CLAIMS) | text(CLAIMS), givens=st.lists(st.sampled_from(GIVENS) | text(GIVENS), max_size=2),
       timeout=st.sampled_from([[], ["--timeout", "20"], ["--timeout", "nan"], ["--timeout", "0"]]),
       maxv=st.sampled_from([[], ["--max-variables", "3"], ["--max-variables", "0"], ["--max-full-variables", "0"],
                             ["--max-full-variables", "17"], ["--max-full-variables", "-1"]]))
@example(claim="H(" + ", ".join(f"X{i}" for i in range(40)) + ") >= 0", givens=[], timeout=[], maxv=[])
@example(claim="H(X[1..100000]) >= 0", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) <= 2^(2^(2^(2^(2^9))))", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) <= 1e999999", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) <= nan", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) <= oo", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) \u2264 I(X; Y)", givens=[], timeout=[], maxv=[])
@example(claim="I(X; Y) <= I(X; Y)", givens=[" -> ".join(f"V{i}" for i in range(200))], timeout=[], maxv=[])
@example(claim="I(X;Z) <= I(X;Y)", givens=["X \u2192 Y \u2192 Z"], timeout=[], maxv=[])
@example(claim="(" * 3000 + "H(X)" + ")" * 3000 + " >= 0", givens=[], timeout=[], maxv=[])
def test_prove_statements(claim, givens, timeout, maxv, capsys):
    argv = ["prove", claim] + [a for g in givens for a in ("--given", g)] + timeout + maxv + ["--json"]
    code, out, _ = run(argv, capsys)
    if code in (0, 1):
        assert json.loads(out)["status"] in ("proved", "not_shannon", "false", "unknown", "unsupported")


# ---------------------------------------------------------------------------- paths (check, verify, compose, latex, graph)

def _paths(tmp: Path) -> list[str]:
    (tmp / "empty_dir").mkdir(exist_ok=True)
    (tmp / "binary.toml").write_bytes(b"\xff\xfe\x00garbage\x80")
    (tmp / "empty.toml").write_text("")
    (tmp / "sdpi.toml").write_text(SDPI.read_text())
    return ["", "\x00", "nonexistent.toml", str(tmp / "empty_dir"), str(tmp / "binary.toml"), str(tmp / "empty.toml"),
            "/dev/null", "x" * 5000 + ".toml", "\udcff.toml", str(tmp / "sdpi.toml"), str(tmp)]


@pytest.mark.parametrize("command", [["check"], ["check", "--json"], ["check", "--timeout", "20"],
                                     ["verify", "--samples", "3"], ["compose"], ["latex"], ["graph"]])
def test_odd_paths(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "" is the current folder
    for p in _paths(tmp_path):
        run(command + [p], capsys)


def test_output_paths(tmp_path, capsys):
    for target in [tmp_path / "out.tex", tmp_path / "missing" / "out.tex", tmp_path, Path("\x00"),
                   Path("x" * 5000 + ".tex"), tmp_path / "out.unknown"]:
        run(["latex", str(SDPI), "-o", str(target)], capsys)
        run(["graph", str(SDPI), "-o", str(target.with_suffix(".dot")) if target.suffix else str(target)], capsys)


@pytest.mark.parametrize("option", [["--samples", "0"], ["--samples", "1000000000"], ["--dps", "1"],
                                    ["--dps", "100000"], ["--seed", "-1"], ["--seed", "99999999999999999999999"]])
def test_verify_options(option, capsys):
    run(["verify", str(SDPI), "--samples", "2"] + option, capsys)


@pytest.mark.parametrize("option", [["--verify", "-1"], ["--verify", "1000000"], ["--timeout", "-1"],
                                    ["--timeout", "nan"], ["--timeout", "1e999"], ["--timeout", "0"]])
def test_check_options(option, capsys):
    run(["check", str(SDPI)] + option, capsys)
