"""Non-Shannon inequalities: derive's copy-lemma prover vs psitip 1.1.7's copy lemma, side by side in one run.

Cases: the Zhang–Yeung inequality; inequalities 1–4 of the Dougherty–Freiling–Zeger 2011 list (natural
coordinates, as in ``proofs/dfz_four_variable.toml``); the six DFZ 2006 inequalities as psitip 1.1.7
transcribes them (``zydfz_thm``); and Ingleton's inequality, which is false for some distributions.

derive: ``derive.provers.shannon.prove(claim, copy_steps=K)`` in-process (the copy search, the LP in the extended
space and the kernel's exact re-check of the certificate; ``false`` needs a certified counterexample), median of
``--repeat`` runs after one warm-up; plus the end-to-end CLI wall time for Zhang–Yeung (a fresh process).
psitip: ``with copylem(2, 1).assumed(): bool(claim)`` (and ``copylem(2, 2)`` when the first says no), in its own
venv, one subprocess per case, timed after import. psitip reads its verdict off floating-point LP results and
proves nothing it can show; derive's ``proved`` is an exact certificate the kernel checked.

    python benchmarks/nonshannon.py [--psitip-python PATH] [--repeat 3] [--timeout 300] [--copy-steps 2]

(``--repeat 0`` times the single first run, imports excluded, for a quicker table.)

Writes benchmarks/results/nonshannon.md and nonshannon.json.
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

HERE = Path(__file__).resolve().parent

#: name -> (derive claim text over A, B, C, X; psitip expression over A, B, C, D)
CASES = {
    "Zhang-Yeung": ("2*I(C; X) <= I(A; B) + I(A; C, X) + 3*I(C; X | A) + I(C; X | B)",
                    "2*I(C&D) <= I(A&B) + I(A&C+D) + 3*I(C&D|A) + I(C&D|B)"),
    "DFZ11 #1": ("2*I(A; B) <= 4*I(A; B | C) + 3*I(A; B | X) + 2*I(A; C | B) + I(A; X | B) + I(B; C | A) + 2*I(C; X)",
                 "2*I(A&B) <= 4*I(A&B|C) + 3*I(A&B|D) + 2*I(A&C|B) + I(A&D|B) + I(B&C|A) + 2*I(C&D)"),
    "DFZ11 #2": ("2*I(A; B) <= 5*I(A; B | C) + 3*I(A; B | X) + 2*I(A; C | B) + 3*I(A; X | B) + I(B; X | A) + 2*I(C; X)",
                 "2*I(A&B) <= 5*I(A&B|C) + 3*I(A&B|D) + 2*I(A&C|B) + 3*I(A&D|B) + I(B&D|A) + 2*I(C&D)"),
    "DFZ11 #3": ("3*I(A; B) <= 6*I(A; B | C) + 6*I(A; B | X) + 3*I(A; C | B) + 3*I(A; X | B) + I(B; C | A) + 3*I(C; X)",
                 "3*I(A&B) <= 6*I(A&B|C) + 6*I(A&B|D) + 3*I(A&C|B) + 3*I(A&D|B) + I(B&C|A) + 3*I(C&D)"),
    "DFZ11 #4": ("2*I(A; B) <= 4*I(A; B | C) + 2*I(A; B | X) + 2*I(A; C | B) + I(B; C | A) + 2*I(C; X) + 3*I(C; X | A)",
                 "2*I(A&B) <= 4*I(A&B|C) + 2*I(A&B|D) + 2*I(A&C|B) + I(B&C|A) + 2*I(C&D) + 3*I(C&D|A)"),
    "DFZ06 #1": ("2*I(A; B) <= 3*I(A; B | C) + 3*I(A; C | B) + 3*I(B; C | A) + 2*I(A; X) + 2*I(B; C | X)",
                 "2*I(A&B) <= 3*I(A&B|C) + 3*I(A&C|B) + 3*I(B&C|A) + 2*I(A&D) + 2*I(B&C|D)"),
    "DFZ06 #2": ("2*I(A; B) <= 4*I(A; B | C) + I(A; C | B) + 2*I(B; C | A) + 3*I(A; B | X) + I(B; X | A) + 2*I(C; X)",
                 "2*I(A&B) <= 4*I(A&B|C) + I(A&C|B) + 2*I(B&C|A) + 3*I(A&B|D) + I(B&D|A) + 2*I(C&D)"),
    "DFZ06 #3": ("2*I(A; B) <= 3*I(A; B | C) + 2*I(A; C | B) + 4*I(B; C | A) + 2*I(A; C | X) + I(A; X | C) + "
                 "2*I(B; X) + I(C; X | A)",
                 "2*I(A&B) <= 3*I(A&B|C) + 2*I(A&C|B) + 4*I(B&C|A) + 2*I(A&C|D) + I(A&D|C) + 2*I(B&D) + I(C&D|A)"),
    "DFZ06 #4": ("2*I(A; B) <= 5*I(A; B | C) + 3*I(A; C | B) + I(B; C | A) + 2*I(A; X) + 2*I(B; C | X)",
                 "2*I(A&B) <= 5*I(A&B|C) + 3*I(A&C|B) + I(B&C|A) + 2*I(A&D) + 2*I(B&C|D)"),
    "DFZ06 #5": ("2*I(A; B) <= 4*I(A; B | C) + 4*I(A; C | B) + I(B; C | A) + 2*I(A; X) + 3*I(B; C | X) + I(C; X | B)",
                 "2*I(A&B) <= 4*I(A&B|C) + 4*I(A&C|B) + I(B&C|A) + 2*I(A&D) + 3*I(B&C|D) + I(C&D|B)"),
    "DFZ06 #6": ("2*I(A; B) <= 3*I(A; B | C) + 2*I(A; C | B) + 2*I(B; C | A) + 2*I(A; B | X) + I(A; X | B) + "
                 "I(B; X | A) + 2*I(C; X)",
                 "2*I(A&B) <= 3*I(A&B|C) + 2*I(A&C|B) + 2*I(B&C|A) + 2*I(A&B|D) + I(A&D|B) + I(B&D|A) + 2*I(C&D)"),
    "Ingleton (false)": ("I(A; B) <= I(A; B | C) + I(A; B | X) + I(C; X)",
                         "I(A&B) <= I(A&B|C) + I(A&B|D) + I(C&D)"),
}


def run_derive(text: str, repeat: int, copy_steps: int) -> tuple[float, str, str]:
    from derive.io import ParseContext, parse_statement
    from derive.provers.shannon import prove

    claim = parse_statement(text, ParseContext(auto_variables=True))
    t0 = time.perf_counter()
    res = prove(claim, copy_steps=copy_steps, copy_timeout=300, timeout=600)  # warm-up (and the verdict)
    times = [] if repeat else [time.perf_counter() - t0]  # --repeat 0: the one run is the measurement
    for _ in range(repeat):
        t0 = time.perf_counter()
        prove(claim, copy_steps=copy_steps, copy_timeout=300, timeout=600)
        times.append(time.perf_counter() - t0)
    how = ""
    if res.copy is not None:
        how = "; ".join(str(s) for s in res.copy.steps)
    elif res.status == "false":
        how = "certified counterexample" if res.counterexample.get("certified") else "uncertified"
    return statistics.median(times), res.status, how


def run_cli(text: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "derive.cli", "prove", text], capture_output=True, text=True)
    return time.perf_counter() - t0


def run_psitip(python: str, expr: str, timeout: float) -> tuple[float | None, str]:
    script = textwrap.dedent(f"""
        import time, json
        from psitip import *
        A, B, C, D = rv("A", "B", "C", "D")
        claim = ({expr})
        t0 = time.perf_counter()
        with copylem(2, 1).assumed():
            ok = bool(claim)
        how = "copylem(2,1)"
        if not ok:
            with copylem(2, 2).assumed():
                ok = bool(claim)
            how = "copylem(2,2)"
        print(json.dumps({{"time": time.perf_counter() - t0, "ok": ok, "how": how}}))
    """)
    try:
        out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if out.returncode != 0:
        return None, "error"
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["time"], ("proved" if data["ok"] else "not proved") + f" ({data['how']})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--psitip-python", default=os.environ.get("DERIVE_ANCHOR_PYTHON", "/tmp/anchors/venv/bin/python"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--copy-steps", type=int, default=2)
    ap.add_argument("--render", action="store_true", help="only re-render the Markdown from results/nonshannon.json")
    args = ap.parse_args()
    if args.render:
        print(render(json.loads((HERE / "results" / "nonshannon.json").read_text())))
        return
    rows = []
    for name, (mine, theirs) in CASES.items():
        d_time, d_status, d_how = run_derive(mine, args.repeat, args.copy_steps)
        p_time, p_status = run_psitip(args.psitip_python, theirs, args.timeout) if Path(args.psitip_python).exists() \
            else (None, "psitip not installed")
        rows.append({"case": name, "derive_s": d_time, "derive": d_status, "copies": d_how,
                     "psitip_s": p_time, "psitip": p_status,
                     "ratio": (p_time / d_time) if p_time and d_time and p_status.startswith("proved") else None})
        print(rows[-1], flush=True)
    cli = run_cli(CASES["Zhang-Yeung"][0])
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    data = {"rows": rows, "cli_zhang_yeung_s": cli, "repeat": args.repeat, "copy_steps": args.copy_steps}
    (out / "nonshannon.json").write_text(json.dumps(data, indent=2))
    print(render(data))


def render(data: dict) -> str:
    """The Markdown table of a run (also ``python benchmarks/nonshannon.py --render`` from the json)."""
    repeat, steps = data.get("repeat", 0), data.get("copy_steps", 2)
    lines = ["# Non-Shannon inequalities: derive (copy lemma, exact kernel-checked certificates) vs psitip 1.1.7",
             "", ("Same machine, same run (2 cores shared with other jobs); derive: one in-process run, imports "
                  "excluded" if not repeat else f"Same machine, same run; derive median of {repeat} in-process runs "
                  "after a warm-up") + f" (`--copy-steps {steps}`: the search, the LP in the extended space and the "
             "kernel's exact re-check); psitip `copylem(2, 1)`, then `copylem(2, 2)` when the first says no, timed "
             "after import. ratio = psitip time / derive time (> 1: derive faster), only where both prove the claim.",
             "", "| case | derive (s) | derive verdict | copy steps | psitip (s) | psitip verdict | ratio |",
             "|---|---|---|---|---|---|---|"]
    for r in data["rows"]:
        ps = f"{r['psitip_s']:.3f}" if r["psitip_s"] is not None else "—"
        both = r["psitip_s"] and r["derive_s"] and str(r["psitip"]).startswith("proved") and r["derive"] == "proved"
        ratio = f"{r['psitip_s'] / r['derive_s']:.2f}×" if both else "—"
        lines.append(f"| {r['case']} | {r['derive_s']:.3f} | {r['derive']} | {r['copies']} | {ps} | {r['psitip']} | "
                     f"{ratio} |")
    lines += ["", f"End to end, `derive prove` on Zhang–Yeung in a fresh process: {data['cli_zhang_yeung_s']:.2f} s "
              "(imports included)."]
    text = "\n".join(lines) + "\n"
    (HERE / "results" / "nonshannon.md").write_text(text)
    return text


if __name__ == "__main__":
    main()
