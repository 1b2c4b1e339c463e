"""Cross-check with psitip: Shannon steps that rest on a premise, decided by derive and by psitip side by side.

Each case is a random premise ``P`` (an inequality between non-negative combinations of entropies and mutual
informations over 3 or 4 variables, no constant term) and a random claim ``C``. derive checks a proof file whose
step ``s`` (``rule = "shannon"``, ``uses = ["p"]``) rests on the step ``p`` restating the assumed ``P``; psitip 1.1.7
decides ``P >> C`` (a floating-point LP). A disagreement is a bug on one side: derive ``proved`` where psitip says
"not implied" (derive's kernel would have accepted a false step), or derive ``failed`` — which needs a certified
counterexample on which the premise holds — where psitip says "implied". derive ``unchecked`` is honest either way.

    python benchmarks/crosscheck_premises.py [--cases 150] [--seeds 1,2,3] [--psitip-python PATH]

psitip runs in its own venv (``../shared/tools/install-anchors.sh``); it is never a dependency of derive.
Writes ``benchmarks/results/crosscheck_premises.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
VARIABLES = ["X", "Y", "Z", "W"]


def _quantity(rng: random.Random, names: list[str]) -> tuple[str, str]:
    """One quantity in derive's grammar and in psitip's."""
    a, b, c = rng.sample(names, 3)
    kind = rng.choice(["H", "Hc", "I", "Ic"])
    return {"H": (f"H({a})", f"H({a})"), "Hc": (f"H({a} | {b})", f"H({a}|{b})"),
            "I": (f"I({a}; {b})", f"I({a}&{b})"), "Ic": (f"I({a}; {b} | {c})", f"I({a}&{b}|{c})")}[kind]


def _side(rng: random.Random, names: list[str], terms: int) -> tuple[str, str]:
    pairs = []
    for _ in range(terms):
        c = rng.choice([1, 1, 2])
        d, p = _quantity(rng, names)
        pairs.append((f"{c}*{d}", f"{c}*{p}"))
    return " + ".join(d for d, _ in pairs), "+".join(p for _, p in pairs)


def cases(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        names = VARIABLES[:rng.choice([3, 4])]
        (pl, ppl), (pr, ppr) = _side(rng, names, 1), _side(rng, names, rng.choice([1, 2]))
        (cl, pcl), (cr, pcr) = _side(rng, names, rng.choice([1, 2])), _side(rng, names, rng.choice([1, 2]))
        out.append({"variables": names, "premise": f"{pl} <= {pr}", "claim": f"{cl} <= {cr}",
                    "psitip": f"(({ppl}) <= ({ppr})) >> (({pcl}) <= ({pcr}))"})
    return out


def psitip_verdicts(python: str, items: list[dict]) -> list[bool]:
    script = textwrap.dedent("""
        import json, sys
        from psitip import *
        X, Y, Z, W = rv("X", "Y", "Z", "W")
        env = {"X": X, "Y": Y, "Z": Z, "W": W, "H": H, "I": I}
        print(json.dumps([bool(eval(e, env).check()) for e in json.load(sys.stdin)]))
    """)
    out = subprocess.run([python, "-c", script], input=json.dumps([c["psitip"] for c in items]), text=True,
                         capture_output=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def derive_verdict(case: dict) -> str:
    from derive.checking import check
    from derive.io import read_proof_text

    text = (f'[proof]\nname = "x"\n[variables]\nrandom = {json.dumps(case["variables"])}\n'
            f'[[hypothesis]]\nid = "a"\nassume = "{case["premise"]}"\ncite = "the premise"\n'
            f'[[step]]\nid = "p"\nclaim = "{case["premise"]}"\nrule = "linear"\nuses = ["a"]\n'
            f'[[step]]\nid = "s"\nclaim = "{case["claim"]}"\nrule = "shannon"\nuses = ["p"]\n')
    report = check(read_proof_text(text, "x.toml"), vacuity=False).report
    return next(r.status for r in report.steps if r.id == "s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=150)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--psitip-python", default=os.environ.get("DERIVE_ANCHOR_PYTHON", "/tmp/anchors/venv/bin/python"))
    args = ap.parse_args()
    table, disagreements = {}, []
    for seed in (int(s) for s in args.seeds.split(",")):
        items = cases(seed, args.cases)
        truths = psitip_verdicts(args.psitip_python, items)
        for case, implied in zip(items, truths):
            status = derive_verdict(case)
            table[(status, implied)] = table.get((status, implied), 0) + 1
            if (status == "proved" and not implied) or (status == "failed" and implied):
                disagreements.append({"seed": seed, **case, "derive": status, "psitip_implied": implied})
    lines = ["# Shannon steps with a premise: derive vs psitip 1.1.7", "",
             f"`python benchmarks/crosscheck_premises.py --cases {args.cases} --seeds {args.seeds}` (module "
             "docstring: what is compared). Rows: derive's status of the step; columns: psitip's verdict on "
             "premise ⇒ claim.", "", "| derive | psitip: implied | psitip: not implied |", "|---|---|---|"]
    for status in ("proved", "failed", "unchecked"):
        lines.append(f"| {status} | {table.get((status, True), 0)} | {table.get((status, False), 0)} |")
    lines += ["", f"Disagreements: {len(disagreements)}."]
    lines += [f"- seed {d['seed']}: {d['premise']} ⇒ {d['claim']}: derive {d['derive']}, psitip "
              f"{'implied' if d['psitip_implied'] else 'not implied'}" for d in disagreements]
    (HERE / "results" / "crosscheck_premises.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
