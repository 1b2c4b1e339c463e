"""Shannon-type proving: derive vs psitip 1.1.7, side by side in one run (issue #18).

Families, each true (``proved``) or known false under its hypotheses (``false``):

* textbook: subadditivity H(X1..Xn) <= Σ H(Xi); Han's inequality; the Markov-chain DPI I(X1; Xn) <= I(X2; X3)
  along X1 -> ... -> Xn; the chain rule (an equality); a false (reversed) variant of the first three;
* Shearer's lemma with cyclic windows, k = 2, 3: Σ_i H(X_i..X_{i+k-1}) >= k H(X1..Xn), and the reversed (false)
  variants;
* random non-negative combinations of 2n elemental inequalities (integer weights 1..5, seed = n) expanded into
  joint entropies (``random_true``), and the reverse of the same combination (``random_false``: false, since
  every elemental inequality is strict on some distribution);
* mutual independence of X1..Xn: H(X1..Xn) >= Σ H(Xi) (true), H(X1..Xn) <= Σ_{i<n} H(Xi) (false);
* functional dependence Xn = f(X1..X_{n-1}): H(X1..Xn) <= Σ_{i<n} H(Xi) (true), H(X1..Xn) >= Σ_i H(Xi) (false);
* a Markov chain X1 -> ... -> Xn: H(X1..Xn) >= H(X1) + Σ H(X_{i+1} | X_i) (true), H(X1..Xn) >= Σ H(Xi) (false).

Columns: derive's solve time in-process (``prove``, including the exact certificate and the kernel's re-check, or
the certified counterexample), psitip's solve time (timed inside its script after the import), and the end-to-end
wall time of one fresh process each: ``python -m derive.cli prove CLAIM --given ... --json`` against psitip's
script (import, build, check). Rounds alternate derive in-process, derive CLI, psitip; medians over the rounds.
psitip runs in its own venv (GPL: benchmark-only, never a dependency) with a timeout; once it times out on a
family, larger n of that family are not run for psitip. derive's verdict is compared with psitip's.

    python benchmarks/shannon.py [--psitip-python PATH] [--nmin 4] [--nmax 16] [--repeat 3] [--psitip-timeout 60]
    python benchmarks/shannon.py --render-log RUN.log [RERUN.log ...]   # tables from printed rows (later derive wins)

Writes benchmarks/results/shannon.md and shannon.json. Make the anchor venv with
``../shared/tools/install-anchors.sh DIR`` (then PATH is DIR/venv/bin/python).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import sympy

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from derive.core import H, I, RV, Markov, RVSet, Statement  # noqa: E402
from derive.core.hypotheses import FunctionOf, MutuallyIndependent  # noqa: E402
from derive.core.linear import linear_form  # noqa: E402
from derive.provers.shannon import prove  # noqa: E402

CASES = ["subadditivity", "han", "markov_dpi", "chain_rule", "subadditivity_false", "han_false", "markov_dpi_false",
         "shearer2", "shearer3", "shearer2_false", "shearer3_false", "random_true", "random_false",
         "indep_true", "indep_false", "fd_true", "fd_false", "markov_factor", "markov_factor_false"]
EXPECTED = {c: ("false" if c.endswith("_false") else "proved") for c in CASES}


def random_combination(X: list, seed: int, terms: int) -> sympy.Expr:
    """Σ w_k e_k: ``terms`` elemental inequalities of the variables ``X`` drawn with ``random.Random(seed)``
    (H(X_i | rest) or I(X_i; X_j | X_K), K a uniform subset of the rest), integer weights 1..5, expanded into joint
    entropies (so the structure is not visible in the claim)."""
    rng = random.Random(seed)
    n = len(X)

    def h(s):
        return H(*s) if s else 0

    total = 0
    for _ in range(terms):
        w = rng.randint(1, 5)
        if rng.random() < n / (n + n * (n - 1) / 2 * 2 ** (n - 2)):
            i = rng.randrange(n)
            rest = [x for k, x in enumerate(X) if k != i]
            total += w * (h(X) - h(rest))
        else:
            i, j = sorted(rng.sample(range(n), 2))
            K = [x for k, x in enumerate(X) if k not in (i, j) and rng.random() < 0.5]
            total += w * (h([X[i], *K]) + h([X[j], *K]) - h([X[i], X[j], *K]) - h(K))
    return sympy.expand(total)


def derive_case(case: str, n: int):
    X = [RV(f"X{i}") for i in range(1, n + 1)]
    hyps = {}
    if case.startswith("subadditivity"):
        claim = Statement(H(*X), "<=" if case == "subadditivity" else ">=", sympy.Add(*[H(x) for x in X]))
    elif case.startswith("han"):
        rhs = sympy.Add(*[H(*[y for y in X if y != x]) for x in X]) / (n - 1)
        claim = Statement(H(*X), "<=" if case == "han" else ">=", rhs)
    elif case.startswith("markov_dpi"):
        hyps = {"chain": Markov(tuple(RVSet(x) for x in X))}
        claim = Statement(I(X[0], X[-1]), "<=" if case == "markov_dpi" else ">=", I(X[1], X[2]))
    elif case.startswith("shearer"):  # cyclic windows of k consecutive variables: Σ_i H(window_i) >= k H(X1..Xn)
        k = int(case[7])
        lhs = sympy.Add(*[H(*[X[(i + j) % n] for j in range(k)]) for i in range(n)])
        claim = Statement(lhs, ">=" if not case.endswith("_false") else "<=", k * H(*X))
    elif case.startswith("random"):
        claim = Statement(random_combination(X, n, 2 * n), ">=" if case == "random_true" else "<=", 0)
    elif case.startswith("indep"):  # mutually independent: H(X1..Xn) = Σ H(Xi); false: H(X1..Xn) <= Σ_{i<n} H(Xi)
        hyps = {"indep": MutuallyIndependent(tuple(RVSet(x) for x in X))}
        claim = (Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])) if case == "indep_true"
                 else Statement(H(*X), "<=", sympy.Add(*[H(x) for x in X[:-1]])))
    elif case.startswith("fd"):  # Xn = f(X1..X_{n-1})
        hyps = {"fd": FunctionOf(RVSet(X[-1]), RVSet(*X[:-1]))}
        claim = (Statement(H(*X), "<=", sympy.Add(*[H(x) for x in X[:-1]])) if case == "fd_true"
                 else Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])))
    elif case.startswith("markov_factor"):
        hyps = {"chain": Markov(tuple(RVSet(x) for x in X))}
        rhs = (H(X[0]) + sympy.Add(*[H(X[i + 1], given=[X[i]]) for i in range(n - 1)]) if case == "markov_factor"
               else sympy.Add(*[H(x) for x in X]))
        claim = Statement(H(*X), ">=", rhs)
    elif case == "chain_rule":
        claim = Statement(H(*X), "==", sympy.Add(*[H(X[k], given=X[:k]) for k in range(n)]))
    else:
        raise ValueError(case)
    return claim, hyps


def cli_args(case: str, n: int) -> list[str]:
    """The same case as ``derive prove`` arguments (the claim in the file grammar, the hypotheses as --given)."""
    from derive.commands._common import statement_text

    claim, _ = derive_case(case, n)
    names = [f"X{i}" for i in range(1, n + 1)]
    given = []
    if case.startswith(("markov_dpi", "markov_factor")):
        given = [" -> ".join(names)]
    elif case.startswith("indep"):
        given = [" _|_ ".join(names)]
    elif case.startswith("fd"):
        given = [f"{names[-1]} = f({', '.join(names[:-1])})"]
    out = [statement_text(claim, "bits")]
    for g in given:
        out += ["--given", g]
    return out


def psitip_body(case: str, n: int) -> str:
    """The psitip statement ``r`` of a case (``X`` the variables, ``A`` their joint, ``joint`` a helper)."""
    if case.startswith("random"):
        form = linear_form(derive_case(case, n)[0].slack())  # the claim is: rhs - lhs >= 0
        terms = " + ".join(f"({c}) * H(joint([{', '.join(f'X[{int(str(v)[1:]) - 1}]' for v in atom.target.args)}]))"
                           for atom, c in form.terms.items())
        return f"r = ({terms}) >= 0"
    return PSITIP_CODE[case]

PSITIP_CODE = {
    "subadditivity": "r = H(A) <= sum(H(x) for x in X)",
    "subadditivity_false": "r = H(A) >= sum(H(x) for x in X)",
    "han": "r = H(A) * (n - 1) <= sum(H(joint([X[j] for j in range(n) if j != i])) for i in range(n))",
    "han_false": "r = H(A) * (n - 1) >= sum(H(joint([X[j] for j in range(n) if j != i])) for i in range(n))",
    "markov_dpi": "r = markov(*X) >> (I(X[0] & X[n - 1]) <= I(X[1] & X[2]))",
    "markov_dpi_false": "r = markov(*X) >> (I(X[0] & X[n - 1]) >= I(X[1] & X[2]))",
    "shearer2": "r = sum(H(joint([X[(i + j) % n] for j in range(2)])) for i in range(n)) >= 2 * H(A)",
    "shearer3": "r = sum(H(joint([X[(i + j) % n] for j in range(3)])) for i in range(n)) >= 3 * H(A)",
    "shearer2_false": "r = sum(H(joint([X[(i + j) % n] for j in range(2)])) for i in range(n)) <= 2 * H(A)",
    "indep_true": "r = indep(*X) >> (H(A) >= sum(H(x) for x in X))",
    "indep_false": "r = indep(*X) >> (H(A) <= sum(H(x) for x in X[:-1]))",
    "chain_rule": "s = H(X[0]) + sum(H(X[k] | joint(X[:k])) for k in range(1, n)); r = (H(A) <= s) & (H(A) >= s)",
    "shearer3_false": "r = sum(H(joint([X[(i + j) % n] for j in range(3)])) for i in range(n)) <= 3 * H(A)",
    "fd_true": "r = (H(X[n - 1] | joint(X[:n - 1])) == 0) >> (H(A) <= sum(H(x) for x in X[:n - 1]))",
    "fd_false": "r = (H(X[n - 1] | joint(X[:n - 1])) == 0) >> (H(A) >= sum(H(x) for x in X))",
    "markov_factor": "r = markov(*X) >> (H(A) >= H(X[0]) + sum(H(X[i + 1] | X[i]) for i in range(n - 1)))",
    "markov_factor_false": "r = markov(*X) >> (H(A) >= sum(H(x) for x in X))",
}


def derive_solve(case: str, n: int, timeout: float) -> tuple[float, str]:
    """One in-process ``prove`` (caches of canonical forms cleared first, so every run pays for them)."""
    from derive.core.linear import _cached_form

    _cached_form.cache_clear()
    claim, hyps = derive_case(case, n)
    t0 = time.perf_counter()
    res = prove(claim, hyps, timeout=timeout)
    return time.perf_counter() - t0, res.status


#: The CLI runs with Python's bytecode cache (under a temporary prefix), as an installed derive does (pip writes
#: it); with ``PYTHONDONTWRITEBYTECODE`` set, as on the machine of these runs, every process would recompile derive's
#: sources (~0.1 s). psitip's venv has its bytecode from the install.
CLI_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
           "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "derive-benchmark-pycache")}


def derive_cli(case: str, n: int, timeout: float) -> tuple[float | None, str]:
    """Wall time of ``python -m derive.cli prove ... --json`` in a fresh process (start-up included)."""
    cmd = [sys.executable, "-m", "derive.cli", "prove", *cli_args(case, n), "--json", "--timeout", str(timeout)]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30, cwd=ROOT.parent, env=CLI_ENV)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    wall = time.perf_counter() - t0
    try:
        return wall, json.loads(out.stdout)["status"]
    except (ValueError, KeyError):
        return wall, "error: " + (out.stderr.strip().splitlines() or ["?"])[-1][:120]


def run_psitip(python: str, case: str, n: int, timeout: float) -> tuple[float | None, float | None, str]:
    """``(solve time, end-to-end wall time, verdict)`` of psitip in a fresh process."""
    body = psitip_body(case, n)
    script = textwrap.dedent("""
        import time, json, functools, operator
        from psitip import *
        n = {n}
        X = list(rv_array("X", 1, n + 1))
        def joint(vs):
            return functools.reduce(operator.add, vs)
        A = joint(X)
        t0 = time.perf_counter()
        {body}
        ok = bool(r.check())
        print(json.dumps({{"time": time.perf_counter() - t0, "ok": ok}}))
    """).format(n=n, body=body)
    t0 = time.perf_counter()
    try:
        out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, "timeout"
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        return None, None, "error: " + out.stderr.strip().splitlines()[-1][:120] if out.stderr.strip() else "error"
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["time"], wall, ("proved" if data["ok"] else "not proved")


def _median(xs: list) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def measure(case: str, n: int, args, psitip_ok: bool) -> dict:
    """Alternating rounds: derive in-process, derive CLI, psitip. psitip stops repeating once a run takes longer
    than ``--psitip-repeat-below`` seconds, the CLI after one run above ``--cli-repeat-nmax`` variables; psitip is
    not run at all when ``psitip_ok`` is false."""
    d_solve, d_wall, p_solve, p_wall = [], [], [], []
    d_status = cli_status = None
    p_status = "not run"
    for r in range(args.repeat):
        t, d_status = derive_solve(case, n, args.derive_timeout)
        d_solve.append(t)
        if r < (args.cli_repeat if n <= args.cli_repeat_nmax else 1):
            w, cli_status = derive_cli(case, n, args.derive_timeout)
            d_wall.append(w)
        if psitip_ok and (not p_solve or (p_solve[-1] < args.psitip_repeat_below and len(p_solve) == r)):
            ts, tw, p_status = run_psitip(args.psitip_python, case, n, args.psitip_timeout)
            if ts is None:
                psitip_ok = False
            else:
                p_solve.append(ts)
                p_wall.append(tw)
    agree = None
    if p_status in ("proved", "not proved"):
        agree = (p_status == "proved") == (d_status == "proved")
    row = {"n": n, "case": case, "expected": EXPECTED[case], "derive_s": _median(d_solve),
           "derive_status": d_status, "derive_runs": len(d_solve), "derive_cli_s": _median(d_wall),
           "derive_cli_status": cli_status, "derive_cli_runs": len(d_wall), "psitip_s": _median(p_solve),
           "psitip_wall_s": _median(p_wall), "psitip_status": p_status, "psitip_runs": len(p_solve), "agree": agree}
    row["ratio"] = row["psitip_s"] / row["derive_s"] if row["psitip_s"] else None
    row["ratio_e2e"] = row["psitip_wall_s"] / row["derive_cli_s"] if row["psitip_wall_s"] and row["derive_cli_s"] else None
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--psitip-python", default=os.environ.get("DERIVE_ANCHOR_PYTHON", "/tmp/anchors/venv/bin/python"))
    ap.add_argument("--nmin", type=int, default=4)
    ap.add_argument("--nmax", type=int, default=16)
    ap.add_argument("--ns", default=None, help="comma-separated sizes instead of nmin..nmax (e.g. 4,6,8,10,12,14,16)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating rounds (medians over them)")
    ap.add_argument("--cli-repeat", type=int, default=3, help="rounds that also time the derive CLI end to end")
    ap.add_argument("--cli-repeat-nmax", type=int, default=8, help="above this n the CLI runs once")
    ap.add_argument("--psitip-timeout", type=float, default=40.0)
    ap.add_argument("--psitip-repeat-below", type=float, default=10.0,
                    help="psitip is run again only while its last run took less than this (s)")
    ap.add_argument("--derive-timeout", type=float, default=120.0)
    ap.add_argument("--out", default="shannon", help="results/<OUT>.md and .json (default shannon)")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated families (default: all)")
    ap.add_argument("--render-log", metavar="FILE", nargs="+",
                    help="only rebuild the tables from runs' printed JSON lines; a later file's derive columns replace "
                         "an earlier one's for the same (n, case), its psitip columns only where it ran psitip")
    ap.add_argument("--no-psitip", action="store_true", help="time derive only (e.g. to re-measure after a change)")
    ap.add_argument("--note", default="", help="a sentence added to the results' header (e.g. how runs were merged)")
    args = ap.parse_args()
    if args.render_log:
        write_results(merge_logs(args.render_log), args, args.out)
        return
    have_psitip = Path(args.psitip_python).exists() and not args.no_psitip
    if args.cli_repeat:
        derive_cli("chain_rule", 2, args.derive_timeout)  # writes the bytecode cache the timed runs use
    psitip_gave_up: set[str] = set()
    rows = []
    sizes = [int(k) for k in args.ns.split(",")] if args.ns else range(args.nmin, args.nmax + 1)
    for n in sizes:
        for case in args.cases.split(","):
            if case.startswith("shearer3") and n < 4:
                continue
            row = measure(case, n, args, have_psitip and case not in psitip_gave_up)
            if row["psitip_status"] == "timeout":
                psitip_gave_up.add(case)
            elif case in psitip_gave_up:
                row["psitip_status"] = "skipped"
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_results(rows, args, args.out)


PSITIP_FIELDS = ("psitip_s", "psitip_wall_s", "psitip_status", "psitip_runs")
CLI_FIELDS = ("derive_cli_s", "derive_cli_status", "derive_cli_runs")


def merge_logs(paths: list[str]) -> list[dict]:
    """Rows of several runs' JSON lines by ``(n, case)`` in first-seen order: a later run's derive columns replace
    the earlier ones (its CLI columns only where it ran the CLI); its psitip columns only where it ran psitip. Ratios and agreement are recomputed."""
    rows: dict[tuple, dict] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if not line.startswith("{"):
                continue
            new = json.loads(line)
            key = (new["n"], new["case"])
            old = rows.get(key)
            if old is not None and new["psitip_status"] == "not run":
                new.update({k: old[k] for k in PSITIP_FIELDS})
            if old is not None and not new["derive_cli_runs"]:  # a run without the CLI keeps the earlier e2e
                new.update({k: old[k] for k in CLI_FIELDS})
            rows[key] = new
    for r in rows.values():
        r["ratio"] = r["psitip_s"] / r["derive_s"] if r["psitip_s"] and r["derive_s"] else None
        r["ratio_e2e"] = (r["psitip_wall_s"] / r["derive_cli_s"]
                          if r["psitip_wall_s"] and r["derive_cli_s"] else None)
        r["agree"] = ((r["psitip_status"] == "proved") == (r["derive_status"] == "proved")
                      if r["psitip_status"] in ("proved", "not proved") else None)
    return list(rows.values())


def _fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _ratio(x: float | None) -> str:
    return "—" if x is None else (f"{x:.2f}×" if x < 1 else f"{x:.1f}×")


def write_results(rows: list[dict], args, out: str = "shannon") -> None:
    out_dir = ROOT / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{out}.json").write_text(json.dumps(rows, indent=2))
    lines = ["# Shannon-type proving: derive vs psitip 1.1.7", "",
             f"`python benchmarks/shannon.py` (issue #18). Machine: {os.cpu_count()} cores, shared with other jobs "
             f"during the run (timings are noisy). Rounds alternate derive in-process, derive CLI, psitip; medians "
             f"over {args.repeat} rounds (psitip: one run once it takes > {args.psitip_repeat_below:g} s; the derive CLI: "
             f"one run above n = {args.cli_repeat_nmax}; runs per cell in the JSON file). "
             "*solve*: derive's `prove` in-process, including the exact certificate and the kernel's re-check (or "
             "the certified counterexample); psitip's `check()` timed inside its script after the import. *e2e*: "
             "wall time of a fresh process, `python -m derive.cli prove CLAIM --given ... --json` (with Python's bytecode "
             "cache, as an installed derive has it) against psitip's "
             f"script (import, build, check). psitip timeout {args.psitip_timeout:g} s; after a timeout larger n of "
             "that family are skipped for psitip. Ratio = psitip / derive. psitip reports only true/false "
             "(`not proved`); derive's `false` comes with a certified counterexample."
             + (f" {args.note}" if getattr(args, "note", "") else ""), "",
             "| n | case | expected | derive solve (s) | derive e2e (s) | derive verdict | psitip solve (s) | "
             "psitip e2e (s) | psitip verdict | solve ratio | e2e ratio | agree |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        agree = {True: "yes", False: "**NO**", None: "—"}[r["agree"]]
        verdict = r["derive_status"] if r["derive_status"] == r["expected"] else f"**{r['derive_status']}**"
        lines.append(f"| {r['n']} | {r['case']} | {r['expected']} | {_fmt(r['derive_s'], 4)} | {_fmt(r['derive_cli_s'], 2)} "
                     f"| {verdict} | {_fmt(r['psitip_s'], 4)} | {_fmt(r['psitip_wall_s'], 2)} | {r['psitip_status']} | "
                     f"{_ratio(r['ratio'])} | {_ratio(r['ratio_e2e'])} | {agree} |")
    lines += ["", "## Summary per n", "",
              "Over the families psitip decided (solve ratio = psitip / derive; ≥ 10× is the issue's target):", "",
              "| n | psitip decided | solve ratio min–max | ≥ 10× | below 1× (derive slower) | derive solve max (s) | "
              "derive e2e median (s) | psitip e2e median (s) |", "|---|---|---|---|---|---|---|---|"]
    for n in sorted({r["n"] for r in rows}):
        at = [r for r in rows if r["n"] == n]
        both = [r for r in at if r["ratio"] is not None]
        ratios = [r["ratio"] for r in both]
        slower = ", ".join(r["case"] for r in both if r["ratio"] < 1) or "none"
        e2e = _median([r["derive_cli_s"] for r in at])
        p_e2e = _median([r["psitip_wall_s"] for r in at])
        span = f"{_ratio(min(ratios))} – {_ratio(max(ratios))}" if ratios else "—"
        lines.append(f"| {n} | {len(both)} of {len(at)} | {span} | {sum(x >= 10 for x in ratios)} | {slower} | "
                     f"{_fmt(max((r['derive_s'] for r in at if r['derive_s'] is not None), default=None), 3)} | "
                     f"{_fmt(e2e, 2)} | {_fmt(p_e2e, 2)} |")
    (out_dir / f"{out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
