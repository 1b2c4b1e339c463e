"""Shannon-type proving: derive vs psitip 1.1.7, side by side in one run.

Cases (n = 3..12): subadditivity  H(X1..Xn) <= Σ H(Xi); Han's inequality; the n-variable Markov-chain
DPI  I(X1; Xn) <= I(X2; X3); the chain rule (an equality); and a false variant of each of the first
three. Families the prover was not tuned to (issue #18): Shearer's lemma with cyclic windows of k = 2, 3
(Σ_i H(X_i..X_{i+k-1}) >= k H(X1..Xn)) and a false variant (<=); under mutual independence
H(X1..Xn) >= Σ H(Xi) (true) and H(X1..Xn) <= Σ_{i<n} H(Xi) (false). derive's time includes the exact certificate and the kernel's re-check (or the exact
counterexample). psitip runs in its own venv (GPL: benchmark-only, never a dependency), one subprocess
per case, timed after its import; its verdict is compared with derive's.

    python benchmarks/shannon.py [--psitip-python PATH] [--nmax 12] [--repeat 3] [--psitip-timeout 300]

Writes benchmarks/results/shannon.md and shannon.json. Make the anchor venv with
``../shared/tools/install-anchors.sh DIR`` (then PATH is DIR/venv/bin/python).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import sympy

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from derive.core import H, I, RV, Markov, RVSet, Statement  # noqa: E402
from derive.core.hypotheses import MutuallyIndependent  # noqa: E402
from derive.provers.shannon import prove  # noqa: E402

CASES = ["subadditivity", "han", "markov_dpi", "chain_rule", "subadditivity_false", "han_false", "markov_dpi_false",
         "shearer2", "shearer3", "shearer2_false", "indep_true", "indep_false"]
EXPECTED = {c: ("false" if c.endswith("_false") else "proved") for c in CASES}


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
    elif case.startswith("indep"):  # mutually independent: H(X1..Xn) = Σ H(Xi); false: H(X1..Xn) <= Σ_{i<n} H(Xi)
        hyps = {"indep": MutuallyIndependent(tuple(RVSet(x) for x in X))}
        claim = (Statement(H(*X), ">=", sympy.Add(*[H(x) for x in X])) if case == "indep_true"
                 else Statement(H(*X), "<=", sympy.Add(*[H(x) for x in X[:-1]])))
    elif case == "chain_rule":
        claim = Statement(H(*X), "==", sympy.Add(*[H(X[k], given=X[:k]) for k in range(n)]))
    else:
        raise ValueError(case)
    return claim, hyps


def run_derive(case: str, n: int, repeat: int) -> tuple[float, str]:
    times, status = [], None
    from derive.core.linear import _cached_form

    for _ in range(repeat):
        _cached_form.cache_clear()  # cold caches: every repeat pays for canonicalization
        claim, hyps = derive_case(case, n)
        t0 = time.perf_counter()
        res = prove(claim, hyps, timeout=600)
        times.append(time.perf_counter() - t0)
        status = res.status
    return statistics.median(times), status


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
}


def run_psitip(python: str, case: str, n: int, timeout: float) -> tuple[float | None, str]:
    body = PSITIP_CODE[case]
    script = textwrap.dedent(f"""
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
    """)
    try:
        out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if out.returncode != 0:
        return None, "error: " + out.stderr.strip().splitlines()[-1][:120] if out.stderr.strip() else "error"
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["time"], ("proved" if data["ok"] else "not proved")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--psitip-python", default=os.environ.get("DERIVE_ANCHOR_PYTHON", "/tmp/anchors/venv/bin/python"))
    ap.add_argument("--nmin", type=int, default=3)
    ap.add_argument("--nmax", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--psitip-timeout", type=float, default=300.0)
    ap.add_argument("--psitip-repeat", type=int, default=3)
    ap.add_argument("--out", default="shannon", help="results/<OUT>.md and .json (default shannon)")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated families (default: all)")
    ap.add_argument("--render-log", metavar="FILE", help="only rebuild the tables from a run's printed JSON lines")
    args = ap.parse_args()
    if args.render_log:
        render_log(args.render_log, args.repeat, args.psitip_repeat)
        return
    have_psitip = Path(args.psitip_python).exists()
    rows = []
    for n in range(args.nmin, args.nmax + 1):
        for case in args.cases.split(","):
            if case.startswith("shearer3") and n < 4:
                continue
            if case == "markov_dpi" and n < 3:
                continue
            d_time, d_status = run_derive(case, n, args.repeat)
            p_times, p_status = [], "not run"
            if have_psitip:
                for _ in range(args.psitip_repeat):
                    t, p_status = run_psitip(args.psitip_python, case, n, args.psitip_timeout)
                    if t is None:
                        break
                    p_times.append(t)
                    if t > 30:
                        break  # one run is enough for the very slow cases
            p_time = statistics.median(p_times) if p_times else None
            agree = None
            if p_status in ("proved", "not proved"):
                agree = (p_status == "proved") == (d_status == "proved")
            row = {"n": n, "case": case, "derive_s": d_time, "derive_status": d_status, "psitip_s": p_time,
                   "psitip_status": p_status, "ratio": (p_time / d_time) if p_time else None, "agree": agree,
                   "expected": EXPECTED[case]}
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_results(rows, args.repeat, args.psitip_repeat, args.out)


def write_results(rows: list[dict], repeat: int, psitip_repeat: int, out: str = "shannon") -> None:
    out_dir = ROOT / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{out}.json").write_text(json.dumps(rows, indent=2))
    lines = ["# Shannon-type proving: derive vs psitip 1.1.7", "",
             f"Machine: {os.cpu_count()} cores, shared with other jobs during the run; median of {repeat} runs for "
             f"derive, {psitip_repeat} for psitip. derive's time includes the exact certificate and the kernel's "
             "re-check, or the exact counterexample. Ratio = psitip / derive. psitip reports only true/false "
             "(`not proved`); derive's `false` comes with a counterexample.", "",
             "| n | case | derive (s) | derive verdict | psitip (s) | psitip verdict | ratio | agree |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ps = f"{r['psitip_s']:.3f}" if r["psitip_s"] is not None else "—"
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] else "—"
        agree = {True: "yes", False: "**NO**", None: "—"}[r["agree"]]
        lines.append(f"| {r['n']} | {r['case']} | {r['derive_s']:.3f} | {r['derive_status']} | {ps} | "
                     f"{r['psitip_status']} | {ratio} | {agree} |")
    (out_dir / f"{out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def render_log(path: str, repeat: int, psitip_repeat: int) -> None:
    """Rebuild the tables from the JSON lines a (possibly interrupted) run printed."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]
    write_results(rows, repeat, psitip_repeat)


if __name__ == "__main__":
    main()
