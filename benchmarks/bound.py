"""``derive bound`` and ``derive check proofs/``: wall-clock times against the issue-7 targets.

For each case (boolean-cluster; cluster with binary and ternary priors) this measures

* **cli**: ``python -m derive.cli bound ... --set n=1..10000 --json`` in a fresh process (interpreter start,
  imports, the certified eta_KL(prior, K) bracket, every n = 1..10,000 — ``derive bound`` evaluates a range of
  up to 10,000 values at every n — and the JSON of 10,000 rows), best of ``--repeats``;
* **every n**: the same 10,000 rows in this process (``compute_rows``, the templates' many-n functions) with the
  per-model caches cleared, best of ``--repeats``; ``per n`` is its mean;
* **one at a time** (``--reference N``, default 0 = skipped): the templates' one-n reference path (30-digit
  interval arithmetic and a full chi^2 sum per n) at n = 1..N, once.

and ``python -m derive.cli check proofs/`` (all bundled proofs, symbolic only), best of ``--repeats``.
Targets (issue 7): the whole n range under 2 s per case; ``derive check proofs/`` under 5 s.

    python benchmarks/bound.py [--repeats 3] [--reference 0]

Writes benchmarks/results/bound.md and bound.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from derive.commands.bound import _cluster_model, compute_rows, parse_settings  # noqa: E402
from derive.templates import TEMPLATES  # noqa: E402
from derive.templates import cluster as clusters  # noqa: E402

TARGET_RANGE_S = 2.0
TARGET_CHECK_S = 5.0

TARGET_TILT_CLI_S = 5.0
TARGET_TILT_REL = 1e-6

CASES = [
    ("boolean-cluster rho=0.1", "boolean-cluster", ["--set", "rho=0.1"]),
    ("boolean-cluster rho=0.5", "boolean-cluster", ["--set", "rho=0.5"]),
    ("cluster binary uniform:2 bsc:0.25", "cluster", ["--prior", "uniform:2", "--channel", "bsc:0.25"]),
    ("cluster binary [0.3,0.7] z:0.3", "cluster", ["--prior", "[0.3,0.7]", "--channel", "z:0.3"]),
    ("cluster binary [0.7,0.3] bsc:0.25", "cluster", ["--prior", "[0.7,0.3]", "--channel", "bsc:0.25"]),
    ("cluster binary [0.7,0.3], 3 symbols on a lattice", "cluster",
     ["--prior", "[0.7,0.3]", "--channel", "matrix:[[0.6,0.3,0.1],[0.1,0.3,0.6]]"]),
    ("cluster binary [0.7,0.3], 3 symbols off a lattice", "cluster",
     ["--prior", "[0.7,0.3]", "--channel", "matrix:[[0.5,0.2,0.3],[0.1,0.6,0.3]]"]),
    ("cluster ternary uniform:3 qsc:3:0.2", "cluster", ["--prior", "uniform:3", "--channel", "qsc:3:0.2"]),
    ("cluster ternary [0.2,0.3,0.5] qsc:3:0.2", "cluster", ["--prior", "[0.2,0.3,0.5]", "--channel", "qsc:3:0.2"]),
]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT.parent) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _subprocess_best(argv: list[str], repeats: int, cpu: bool = False):
    """Best wall time (and, with ``cpu``, best user + system CPU time of the child: far less sensitive to other
    jobs on the machine than the wall time) over ``repeats`` runs, and the exit code."""
    import resource

    best, best_cpu, code = float("inf"), float("inf"), 0
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "derive.cli", *argv], capture_output=True, text=True,
                           env=_env(), cwd=ROOT.parent)
        best = min(best, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        code = r.returncode
    return (best, best_cpu, code) if cpu else (best, code)


class _Args:
    def __init__(self, extra: list[str]) -> None:
        self.prior = extra[extra.index("--prior") + 1] if "--prior" in extra else None
        self.channel = extra[extra.index("--channel") + 1] if "--channel" in extra else None


def _settings(template: str, extra: list[str], n_values) -> dict:
    sets = [extra[i + 1] for i, a in enumerate(extra) if a == "--set"]
    settings = parse_settings(sets)
    settings["n"] = list(n_values)
    if template == "cluster":
        settings.update(_cluster_model(_Args(extra)))
    return settings


def _clear() -> None:
    clusters._model.cache_clear()
    clusters._vertex_terms.cache_clear()
    clusters._vertex_floats.cache_clear()


N_MAX = 10_000


def run_case(label: str, template: str, extra: list[str], repeats: int, reference: int) -> dict:
    cli, cli_cpu, code = _subprocess_best(["bound", template, *extra, "--set", f"n=1..{N_MAX}", "--json"], repeats,
                                          cpu=True)
    n_values = parse_settings([f"n=1..{N_MAX}"])["n"]
    assert n_values == list(range(1, N_MAX + 1))
    every = every_cpu = float("inf")
    for _ in range(repeats):
        _clear()
        t, c = time.perf_counter(), time.process_time()
        rows = compute_rows(TEMPLATES[template], _settings(template, extra, n_values))
        every = min(every, time.perf_counter() - t)
        every_cpu = min(every_cpu, time.process_time() - c)
    last = rows[-1]
    out = {"case": label, "cli_s": round(cli, 3), "cli_cpu_s": round(cli_cpu, 3), "exit": code, "rows": len(rows),
           "every_n_s": round(every, 3), "every_n_cpu_s": round(every_cpu, 3),
           "per_n_ms": round(1000 * every / len(rows), 4), "log10_factor_at_10000": last["log10_factor"],
           "chi2_at_10000": "computed" if last.get("tau_n_chi2") is not None else "not computed"}
    routes: dict = {}
    for r in rows:
        routes[r.get("route", "-")] = routes.get(r.get("route", "-"), 0) + 1
    out["routes"] = routes
    # the certified factor against the chi2 value (issue 14), compared in log10 (values below the float range)
    eq = [r for r in rows if str(r.get("route", "")).startswith("eta_KL = eta_chi2")]
    import math

    far = [r["params"]["n"] for r in eq
           if r.get("log10_factor") is not None and r.get("log10_factor_chi2") is not None
           and abs(r["log10_factor"] - r["log10_factor_chi2"]) > math.log10(1 + TARGET_TILT_REL)]
    out["n_eta_kl_equals_chi2"] = len(eq)
    out["n_not_certified_equal"] = [r["params"]["n"] for r in rows if r not in eq][:50]
    out["n_factor_off_chi2_by_more_than_1e-6"] = far[:50]
    out["max_rel_factor_vs_chi2"] = max((abs(10 ** (r["log10_factor"] - r["log10_factor_chi2"]) - 1) for r in eq
                                         if r.get("log10_factor") is not None and r.get("log10_factor_chi2") is not None),
                                        default=None)
    # rows whose eta_KL is bracketed, not pinned (binary theta, not symmetric: eta_chi2 <= eta_KL <= the certified end)
    br = [r for r in rows if r.get("eta_kl_bracket")]
    out["n_bracketed"] = len(br)
    out["n_neither"] = len(rows) - len(eq) - len(br)
    if br:
        widths = [r["eta_kl_bracket"]["log10_one_minus_tau_n"][1] - r["eta_kl_bracket"]["log10_one_minus_tau_n"][0]
                  for r in br]
        out["max_bracket_width_log10"] = max(widths)
        out["bracket_samples"] = {r["params"]["n"]: r["eta_kl_bracket"]["log10_one_minus_tau_n"] for r in br
                                  if r["params"]["n"] in (10, 100, 1000, 10000)}
    if reference:
        _clear()
        base = _settings(template, extra, [1])
        params = {k: v[0] for k, v in base.items()}
        row = TEMPLATES[template].row
        t = time.perf_counter()
        for n in range(1, reference + 1):
            row(dict(params, n=n))
        ref = time.perf_counter() - t
        out.update({"reference_n": reference, "reference_s": round(ref, 2),
                    "reference_per_n_ms": round(1000 * ref / reference, 3)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reference", type=int, default=0,
                    help="also time the one-n-at-a-time reference path at n = 1..N (0: skip)")
    args = ap.parse_args()
    rows = []
    for label, template, extra in CASES:
        r = run_case(label, template, extra, args.repeats, args.reference)
        rows.append(r)
        print(f"{label:45s} cli {r['cli_s']:7.3f} s (cpu {r['cli_cpu_s']:.3f})  every n in-process "
              f"{r['every_n_s']:7.3f} s (cpu {r['every_n_cpu_s']:.3f}) "
              f"({r['per_n_ms']:.4f} ms/n)" + (f"  one at a time {r['reference_per_n_ms']:.3f} ms/n"
                                               if "reference_s" in r else ""), flush=True)
    startup, startup_cpu, _ = _subprocess_best(["rules"], args.repeats, cpu=True)
    print(f"process start + CLI imports (derive rules): {startup:.2f} s")
    check_s, check_code = _subprocess_best(["check", "proofs/"], args.repeats)
    nproofs = len(list((ROOT.parent / "proofs").glob("*.toml")))
    print(f"derive check proofs/ ({nproofs} files): {check_s:.2f} s (exit {check_code})")
    out = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
           "repeats": args.repeats, "rows": rows, "startup_s": round(startup, 3),
           "startup_cpu_s": round(startup_cpu, 3), "load_average": os.getloadavg(), "check_s": round(check_s, 3), "check_exit": check_code,
           "check_files": nproofs}
    res = ROOT / "results"
    res.mkdir(exist_ok=True)
    (res / "bound.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    (res / "bound.md").write_text(_markdown(out), encoding="utf-8")


def _markdown(out: dict) -> str:
    ref = any("reference_s" in r for r in out["rows"])
    lines = ["# derive bound and derive check: times", "",
             f"Generated by `python benchmarks/bound.py`. `cli`: `python -m derive.cli bound ... --set n=1..{N_MAX} "
             "--json` in a fresh process: interpreter start, imports, the certified eta_KL bracket, **every** n = "
             f"1..{N_MAX:,} (a range of up to 10,000 values is evaluated at every n; longer ones are sampled at 50 "
             "log-spaced n and the output says so) and the JSON of all rows; best of "
             f"{out['repeats']}. `every n`: the same {N_MAX:,} rows in-process (`compute_rows`, the templates' many-n "
             f"float64 paths) with the model caches cleared, best of {out['repeats']}.", "",
             "`cpu`: user + system CPU seconds of the same runs (process CPU time in-process, both threads), much "
             "less sensitive than wall time to the other jobs on this shared 2-core machine (load average "
             f"{', '.join(f'{x:.1f}' for x in out['load_average'])} at the end of the run).", "",
             "| case | cli, every n (s) | cli cpu (s) | every n in-process (s) | in-process cpu (s) | per n (ms) | "
             + ("one at a time, per n (ms) | " if ref else "") + f"log10 factor at n = {N_MAX:,} | chi2 at {N_MAX:,} | "
             "rows with eta_KL = eta_chi2 certified | max rel. factor vs chi2 |",
             "|---|---|---|---|---|---|" + ("---|" if ref else "") + "---|---|---|---|"]
    for r in out["rows"]:
        mx = r.get("max_rel_factor_vs_chi2")
        lines.append(f"| {r['case']} | {r['cli_s']:.3f} | {r['cli_cpu_s']:.3f} | {r['every_n_s']:.3f} | "
                     f"{r['every_n_cpu_s']:.3f} | {r['per_n_ms']:.4f} | "
                     + (f"{r['reference_per_n_ms']:.3f} (n = 1..{r['reference_n']}) | " if "reference_s" in r else
                        ("— | " if ref else ""))
                     + f"{r['log10_factor_at_10000']:.1f} | {r['chi2_at_10000']} | {r['n_eta_kl_equals_chi2']:,} | "
                     + (f"{mx:.1e}" if mx is not None else "—") + " |")
    lines += ["", "Routes per case (rows of n = 1..10,000):", ""]
    for r in out["rows"]:
        lines.append(f"* {r['case']}: " + "; ".join(f"{k}: {v:,}" for k, v in r["routes"].items()))
    lines += ["", "Rows where eta_KL = eta_chi2 is not certified but eta_KL is bracketed (theta not binary symmetric): "
                  "`eta_kl_bracket` gives certified ends of log10(1 - tau_n) (lower end from the route's upper end of "
                  "tau_n, upper end from a witness: the ratio at the best tilt of the grid, or the cover's witness, never "
                  "worse than eta_chi2 <= eta_KL, or whichever is lower of the closed-form Bhattacharyya end "
                  "(docs/bounds.md) and tau_m's for a smaller m of the call); the bracket's width is the most the certified factor can be below the "
                  "one exact eta_KL gives, in log10:", ""]
    for r in out["rows"]:
        if r.get("n_bracketed"):
            samples = "; ".join(f"n = {n}: [{a:.4f}, {b:.4f}]" for n, (a, b) in r["bracket_samples"].items())
            lines.append(f"* {r['case']}: {r['n_bracketed']:,} rows bracketed, widest "
                         f"{r['max_bracket_width_log10']:.3f} (a factor "
                         + (f"{10 ** r['max_bracket_width_log10']:.3f})" if r['max_bracket_width_log10'] < 6 else
                            f"10^{r['max_bracket_width_log10']:.1f})")
                         + (f"; {samples}" if samples else "") + (f"; {r['n_neither']:,} rows neither pinned nor "
                                                                  "bracketed" if r["n_neither"] else ""))
        elif not r["case"].startswith("boolean"):
            lines.append(f"* {r['case']}: none bracketed ({r['n_neither']:,} rows neither pinned nor bracketed)")
    met_cli = all(r["cli_s"] < TARGET_RANGE_S for r in out["rows"])
    met_every = all(r["every_n_s"] < TARGET_RANGE_S for r in out["rows"])
    lines += ["", f"`derive check proofs/` ({out['check_files']} files, symbolic only): **{out['check_s']:.2f} s** "
                  f"(exit {out['check_exit']}), best of {out['repeats']}.", "",
              "## Against the targets", "",
              f"* every n = 1..{N_MAX:,} computed in-process under {TARGET_RANGE_S:g} s per case: "
              f"**{'met' if met_every else 'not met'}** (worst {max(r['every_n_s'] for r in out['rows']):.2f} s). "
              "Certified values: float64 over all n at once from outward-rounded interval inputs, moved outward by "
              "the slack `clusters.FLOAT_REL` (tests compare them with the 30-digit interval path); chi^2 values: "
              "sums over the observation types, windowed around the peak of the log-concave summand when there are "
              "two outputs, else over every type (at most 20,000 per n).",
              f"* the same through the CLI in a fresh process, under {TARGET_RANGE_S:g} s per case: "
              f"**{'met' if met_cli else 'not met'}** "
              f"(worst {max(r['cli_s'] for r in out['rows']):.2f} s, CPU {max(r['cli_cpu_s'] for r in out['rows']):.2f} s;"
              f" of which process start and the CLI's imports, measured as `derive rules`, take {out['startup_s']:.2f} s,"
              f" CPU {out['startup_cpu_s']:.2f} s).",
              "* issue 14, Boolean cluster rho in {0.1, 0.5}: the certified factor within relative "
              f"{TARGET_TILT_REL:g} of the chi^2 value at every n where eta_KL = eta_chi2 is certified, and all n in < "
              f"{TARGET_TILT_CLI_S:g} s through the CLI (wall time): **"
              + ("met" if all(r["cli_s"] < TARGET_TILT_CLI_S and not r["n_factor_off_chi2_by_more_than_1e-6"]
                              and r["n_eta_kl_equals_chi2"] == N_MAX for r in out["rows"]
                              if r["case"].startswith("boolean")) else "not met")
              + "** (" + "; ".join(f"{r['case']}: wall {r['cli_s']:.2f} s, CPU {r['cli_cpu_s']:.2f} s" for r in out["rows"]
                                   if r["case"].startswith("boolean"))
              + "; n where eta_KL = eta_chi2 is not certified: "
              + "; ".join(f"{r['case']}: {r['n_not_certified_equal'] or 'none'}" for r in out["rows"]
                          if r["case"].startswith("boolean")) + ").",
              "* issue 14 item 1, binary theta with three or more observation symbols: rows of n = 1..10,000 on an eta_KL "
              "route (tilt cover, averaged-chi2 bound over every type or, on a lattice of likelihood ratios, over the "
              "one-dimensional sufficient statistic, or off a lattice between a refinement and a garbling of the channel with "
              "lattice likelihood ratios, whose brackets widen about linearly in n: widths above): "
              + "; ".join(f"{r['case']}: {sum(v for k, v in r['routes'].items() if not k.startswith('fallback')):,}"
                          for r in out["rows"] if "3 symbols" in r["case"]) + ".",
              f"* `derive check proofs/` under {TARGET_CHECK_S:g} s: "
              f"**{'met' if out['check_s'] < TARGET_CHECK_S else 'not met'}**.", "",
              f"Platform: {out['platform']}, Python {out['python']}, {out['cpus']} CPUs; other engineers' jobs were "
              "running on the same machine, so times are upper bounds of an idle run.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
