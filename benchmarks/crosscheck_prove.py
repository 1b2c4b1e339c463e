"""Cross-check with psitip: ``derive prove`` on random claims under structural hypotheses, side by side.

Each case is built near the boundary of truth, so that about half are true: a sum of random conditional entropies
and mutual informations over 4 or 5 variables (each >= 0), plus arbitrary integer multiples (either sign) of the
quantity each hypothesis sets to 0 (a Markov chain ``A -> B -> C``: I(A; C | B); independence ``A _|_ B`` or
``A _|_ B | C``; a function ``B = f(A)``: H(B | A)), minus, in 60% of the cases, a random multiple of one more
quantity (which may break it); expanded into joint entropies, so the prover has to find the combination itself.
derive decides the claim with :func:`derive.api.prove` (``proved``: a kernel-checked certificate; ``false``: a
certified counterexample; ``not_shannon``/``unknown``: undecided); psitip 1.1.7 decides ``hypotheses >> claim``
(a floating-point LP over the Shannon cone). A disagreement is a bug on one side: derive ``proved`` where psitip says
"not implied" (derive's kernel accepted a false claim, or psitip's LP missed a proof), derive ``false`` where psitip
says "implied" (a certified counterexample to a Shannon-type consequence: impossible unless a side is wrong), or
derive undecided where psitip proves it (derive incomplete).

    python benchmarks/crosscheck_prove.py [--cases 300] [--seeds 3,4] [--variables 4,5] [--psitip-python PATH]

psitip runs in its own venv (``../shared/tools/install-anchors.sh``); it is never a dependency of derive.
Writes ``benchmarks/results/crosscheck_prove.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = ["X", "Y", "Z", "W", "U"]


def _form(kind: str, a: list[str], b: list[str], c: list[str]) -> Counter:
    """``H(A | C)`` or ``I(A; B | C)`` as a linear form over joint entropies (frozensets of names)."""
    f: Counter = Counter()
    A, B, C = frozenset(a), frozenset(b), frozenset(c)
    if kind == "H":
        f[A | C] += 1
    else:
        f[A | C] += 1
        f[B | C] += 1
        f[A | B | C] -= 1
    if C:
        f[C] -= 1
    return f


def _quantity(rng: random.Random, names: list[str]) -> Counter:
    if rng.random() < 0.3:
        a = rng.sample(names, rng.randint(1, 2))
        rest = [v for v in names if v not in a]
        return _form("H", a, [], rng.sample(rest, rng.randint(0, 1)))
    a = rng.sample(names, 1)
    rest = [v for v in names if v not in a]
    b = rng.sample(rest, rng.randint(1, 2))
    rest = [v for v in rest if v not in b]
    return _form("I", a, b, rng.sample(rest, rng.randint(0, min(2, len(rest)))))


def _hypothesis(rng: random.Random, names: list[str]) -> tuple[str, str, Counter]:
    """(derive's --given text, psitip's constraint, the linear form the hypothesis sets to 0)."""
    a, b, c = rng.sample(names, 3)
    k = rng.random()
    if k < 0.4:
        return f"{a} -> {b} -> {c}", f"(I({a}&{c}|{b}) == 0)", _form("I", [a], [c], [b])
    if k < 0.7:
        return f"{a} _|_ {b}", f"(I({a}&{b}) == 0)", _form("I", [a], [b], [])
    if k < 0.85:
        return f"{a} _|_ {b} | {c}", f"(I({a}&{b}|{c}) == 0)", _form("I", [a], [b], [c])
    return f"{b} = f({a})", f"(H({b}|{a}) == 0)", _form("H", [b], [], [a])


def _side(items: list[tuple[frozenset, int]], psitip: bool) -> str:
    if not items:
        return "0"
    if psitip:
        return " + ".join(f"{c}*H({'+'.join(sorted(s))})" for s, c in items)
    return " + ".join(f"{c}*H({', '.join(sorted(s))})" if c != 1 else f"H({', '.join(sorted(s))})" for s, c in items)


def cases(seed: int, count: int, sizes: list[int]) -> list[dict]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        names = NAMES[:rng.choice(sizes)]
        hyps = [_hypothesis(rng, names) for _ in range(rng.randint(0, 3 if len(names) > 4 else 2))]
        f: Counter = Counter()
        for _ in range(rng.randint(1, 3)):
            f.update(_quantity(rng, names))
        for _, _, zero in hyps:
            c = rng.choice([-2, -1, 1, 2])
            for k, v in zero.items():
                f[k] += c * v
        if rng.random() < 0.6:
            c = rng.randint(1, 2)
            for k, v in _quantity(rng, names).items():
                f[k] -= c * v
        f = Counter({k: v for k, v in f.items() if v})
        if not f:
            continue
        pos = sorted(((s, v) for s, v in f.items() if v > 0), key=lambda t: sorted(t[0]))
        neg = sorted(((s, -v) for s, v in f.items() if v < 0), key=lambda t: sorted(t[0]))
        if rng.random() < 0.5:
            claim, pclaim = f"{_side(pos, False)} >= {_side(neg, False)}", f"({_side(pos, True)}) >= ({_side(neg, True)})"
        else:
            claim, pclaim = f"{_side(neg, False)} <= {_side(pos, False)}", f"({_side(neg, True)}) <= ({_side(pos, True)})"
        psitip = pclaim if not hyps else f"({' & '.join(h[1] for h in hyps)}) >> ({pclaim})"
        out.append({"variables": names, "claim": claim, "given": [h[0] for h in hyps], "psitip": psitip})
    return out


def psitip_verdicts(python: str, items: list[dict]) -> tuple[list[bool], float]:
    script = ("import json, sys, time\nfrom psitip import *\nX, Y, Z, W, U = rv('X', 'Y', 'Z', 'W', 'U')\n"
              "env = {'X': X, 'Y': Y, 'Z': Z, 'W': W, 'U': U, 'H': H, 'I': I}\nt0 = time.perf_counter()\n"
              "out = [bool(eval(e, env).check()) for e in json.load(sys.stdin)]\n"
              "print(json.dumps({'out': out, 'time': time.perf_counter() - t0}))\n")
    res = subprocess.run([python, "-c", script], input=json.dumps([c["psitip"] for c in items]), text=True,
                         capture_output=True, check=True)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    return data["out"], data["time"]


def main() -> int:
    from derive.api import prove

    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seeds", default="3,4")
    ap.add_argument("--variables", default="4,5", help="numbers of variables drawn from, e.g. 4,5")
    ap.add_argument("--psitip-python", default=os.environ.get("DERIVE_ANCHOR_PYTHON", "/tmp/anchors/venv/bin/python"))
    args = ap.parse_args()
    sizes = [int(v) for v in args.variables.split(",")]
    table: Counter = Counter()
    disagreements, derive_time, psitip_time = [], 0.0, 0.0
    for seed in (int(s) for s in args.seeds.split(",")):
        items = cases(seed, args.cases, sizes)
        truths, spent = psitip_verdicts(args.psitip_python, items)
        psitip_time += spent
        for case, implied in zip(items, truths):
            t0 = time.perf_counter()
            status = prove(case["claim"], *case["given"], timeout=60).status
            derive_time += time.perf_counter() - t0
            table[(status, implied)] += 1
            if (status == "proved") != implied:
                disagreements.append({"seed": seed, **case, "derive": status, "psitip_implied": implied})
    total = sum(table.values())
    lines = ["# `derive prove` under structural hypotheses: derive vs psitip 1.1.7", "",
             f"`python benchmarks/crosscheck_prove.py --cases {args.cases} --seeds {args.seeds} --variables "
             f"{args.variables}` (module docstring: how the claims are built and what is compared). Rows: derive's "
             "verdict; columns: psitip's verdict on hypotheses ⇒ claim.", "",
             "| derive | psitip: implied | psitip: not implied |", "|---|---|---|"]
    for status in ("proved", "false", "not_shannon", "unknown"):
        lines.append(f"| {status} | {table.get((status, True), 0)} | {table.get((status, False), 0)} |")
    lines += ["", f"{total} claims; disagreements: {len(disagreements)} (derive `proved` exactly when psitip says "
              "implied, counting an undecided derive verdict on an implied claim as a disagreement).",
              f"Solve time for all claims, one process each side (not a speed benchmark: psitip's LP only decides, "
              f"derive also writes an exact certificate or certifies a counterexample): derive {derive_time:.1f} s, "
              f"psitip {psitip_time:.1f} s."]
    lines += [f"- seed {d['seed']}: {d['claim']} given {d['given']}: derive {d['derive']}, psitip "
              f"{'implied' if d['psitip_implied'] else 'not implied'}" for d in disagreements]
    (HERE / "results" / "crosscheck_prove.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
