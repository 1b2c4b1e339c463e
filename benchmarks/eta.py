"""Contraction coefficients: time, bracket width and agreement with brute force on random channels.

For random exact k x m channels (k, m in {2, 4, 8, 16}; rows from integer weights, so every entry is an
exact rational) and a random exact input P, this measures

* the time of ``eta_tv``, ``eta_chi2(K, P)`` (float64 + certified rational lower end), ``eta_chi2`` at 50 digits,
  input-free ``eta_kl(K)`` and fixed-input ``eta_kl(K, P)``;
* accuracy: float64 ``eta_chi2`` against the 50-digit value; float ``eta_tv`` against the exact rational;
* the width of both eta_KL brackets;
* agreement with brute force on small channels (k, m <= 4): a dense search over inputs (random Dirichlet
  samples plus multi-start Nelder-Mead over the whole simplex) for ``sup_P eta_chi2``, and over witnesses Q
  (random samples plus multi-start local search of ``D(QK||PK)/D(Q||P)``) for ``eta_KL(P, K)``: the brute
  force must lie inside the certified bracket (up to float rounding of the search, 1e-12).

It also checks the closed forms (BSC, BEC, AWGN) are reported exactly.

    python benchmarks/eta.py [--seeds 3] [--sizes 2,4,8,16]

Writes benchmarks/results/eta.md and eta.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from derive.channels import AWGN, BEC, BSC, Matrix, eta_chi2, eta_chi2_sup, eta_kl, eta_tv  # noqa: E402

TARGET_TV_CHI2_MS = 10.0
TARGET_WIDTH = {2: 1e-6, 8: 1e-3}
TARGET_SECONDS = 2.0


def random_channel(rng: np.random.Generator, k: int, m: int) -> Matrix:
    rows = []
    for _ in range(k):
        w = rng.integers(0, 1000, size=m)
        w[rng.integers(0, m)] += 1  # never an all-zero row
        if rng.random() < 0.3:  # some zeros: the hard cases for witnesses
            w[rng.integers(0, m)] = 0
            if w.sum() == 0:
                w[0] = 1
        s = int(w.sum())
        rows.append([Fraction(int(v), s) for v in w])
    return Matrix(rows)


def random_input(rng: np.random.Generator, k: int) -> list[Fraction]:
    w = rng.integers(1, 1000, size=k)
    s = int(w.sum())
    return [Fraction(int(v), s) for v in w]


def timed(fn, *a, repeat: int = 1, **kw):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*a, **kw)
        best = min(best, time.perf_counter() - t)
    return out, best


def chi2_float(F: np.ndarray, P: np.ndarray) -> float:
    s = P > 1e-15
    if s.sum() <= 1:
        return 0.0
    py = P[s] @ F[s]
    c = py > 0
    B = np.sqrt(P[s])[:, None] * F[s][:, c] / np.sqrt(py[c])[None, :]
    M = B - np.outer(np.sqrt(P[s]), np.sqrt(py[c]))
    return float(np.linalg.svd(M, compute_uv=False)[0] ** 2)


def kl_ratio_float(F: np.ndarray, P: np.ndarray, Q: np.ndarray) -> float:
    py, qy = P @ F, Q @ F
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.nansum(np.where(qy > 0, qy * np.log(qy / py), 0.0))
        d = np.nansum(np.where(Q > 0, Q * np.log(Q / P), 0.0))
    return float(n / d) if d > 1e-8 else 0.0


def brute_sup_chi2(F: np.ndarray, rng: np.random.Generator) -> float:
    """A dense search of sup_P eta_chi2(P, K) over the whole simplex (no two-point reduction)."""
    from scipy.optimize import minimize

    k = F.shape[0]
    best = 0.0
    for P in rng.dirichlet(np.ones(k) * 0.5, size=2000):
        best = max(best, chi2_float(F, P))
    if k == 2:
        for t in np.linspace(1e-6, 1 - 1e-6, 20001):
            best = max(best, chi2_float(F, np.array([t, 1 - t])))
    for _ in range(12):
        z0 = rng.normal(size=k) * 2

        def neg(z):
            q = np.exp(z - z.max())
            return -chi2_float(F, q / q.sum())

        r = minimize(neg, z0, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 4000})
        best = max(best, -float(r.fun))
    return best


def brute_kl_fixed(F: np.ndarray, P: np.ndarray, rng: np.random.Generator) -> float:
    """A dense search of sup_Q D(QK||PK)/D(Q||P) (witnesses Q on the support of P)."""
    from scipy.optimize import minimize

    k = F.shape[0]
    best = 0.0
    if k == 2:
        for q in np.linspace(0, 1, 40001):
            if abs(q - P[0]) > 1e-4:
                best = max(best, kl_ratio_float(F, P, np.array([q, 1 - q])))
    for Q in rng.dirichlet(np.ones(k) * 0.4, size=4000):
        best = max(best, kl_ratio_float(F, P, Q))
    for x in range(k):
        e = np.zeros(k)
        e[x] = 1.0
        best = max(best, kl_ratio_float(F, P, e))
    for _ in range(12):
        z0 = rng.normal(size=k) * 2

        def neg(z):
            q = np.exp(z - z.max())
            return -kl_ratio_float(F, P, q / q.sum())

        r = minimize(neg, z0, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 4000})
        best = max(best, -float(r.fun))
    return best


def closed_forms() -> list[dict]:
    out = []
    for d in ("0", "0.01", "0.1", "0.25", "1/3", "0.5", "0.9"):
        v = (1 - 2 * Fraction(d)) ** 2
        b = eta_kl(BSC(d))
        g = eta_kl(Matrix(BSC(d).rows))  # the generic certified path on the same matrix
        out.append({"channel": f"BSC({d})", "expected": str(v), "reported": [str(b.lower), str(b.upper)],
                    "exact": b.lower == b.upper == v, "generic_contains": g.contains(v),
                    "generic_width": float(g.width)})
    for e in ("0", "0.1", "0.3", "0.5", "1"):
        v = 1 - Fraction(e)
        b = eta_kl(BEC(e))
        bp = eta_kl(BEC(e), ["0.2", "0.8"])
        out.append({"channel": f"BEC({e})", "expected": str(v), "reported": [str(b.lower), str(b.upper)],
                    "exact": b.lower == b.upper == v and bp.lower == bp.upper == v,
                    "generic_contains": eta_kl(Matrix(BEC(e).rows)).contains(v), "generic_width": None})
    for s in ("0", "0.5", "3", "100"):
        v = Fraction(s) / (1 + Fraction(s))
        b = eta_kl(AWGN(s))
        out.append({"channel": f"AWGN({s})", "expected": str(v), "reported": [str(b.lower), str(b.upper)],
                    "exact": b.lower == b.upper == v, "generic_contains": None, "generic_width": None})
    return out


def _fixed_route(K, P):
    """The fixed-input bracket ``derive eta`` reports (the tilt route for a binary output, since issue 14)."""
    from derive.channels.report import _eta_kl_route

    return _eta_kl_route(K, tuple(P), 1e-12, eta_tv(K))


BINARY_SIZES = (8, 64, 1024)
TARGET_BINARY_WIDTH = 1e-9
TARGET_BINARY_SECONDS = 2.0


def run_binary_case(k: int, seed: int) -> dict:
    """A k x 2 channel (f = K(1|x) from integer weights) and a random exact input: the certified tilt route
    (derive.channels.tilt.eta_kl_binary; ``derive eta`` uses it for k <= 256, the channel size limit), its
    width and time, and an independent check: the largest D(QK||PK)/D(Q||P) over random Q (Dirichlet around P,
    float64) must stay below the upper end."""
    from derive.channels.tilt import eta_kl_binary

    rng = np.random.default_rng(77 + 1000 * k + seed)
    f = [Fraction(int(x), 1000) for x in rng.integers(1, 1000, size=k)]
    P = random_input(rng, k)
    t = time.perf_counter()
    b = eta_kl_binary(f, P)
    dt = time.perf_counter() - t
    ff = np.array([float(v) for v in f])
    Pf = np.array([float(v) for v in P])
    best = 0.0
    for conc in (1.0, 10.0, 100.0, 1000.0):
        for Q in rng.dirichlet(Pf * conc * k + 1e-3, size=200):
            m, pb = float(Q @ ff), float(Pf @ ff)
            n = m * np.log(m / pb) + (1 - m) * np.log((1 - m) / (1 - pb))
            d = float(np.sum(np.where(Q > 0, Q * np.log(np.where(Q > 0, Q, 1) / Pf), 0.0)))
            if d > 1e-8:
                best = max(best, n / d)
    return {"k": k, "seed": seed, "t": dt, "lower": float(b.lower), "upper": float(b.upper),
            "width": float(b.width), "chi2": float(b.chi2), "equal": b.equal, "route": b.route, "points": b.points,
            "random_q_max": float(best), "random_q_below_upper": bool(best <= float(b.upper) + 1e-12),
            "witness_lambda": b.witness_lambda}


def run_binary_cli(k: int = 1024, seed: int = 0, repeats: int = 2) -> dict:
    """``derive eta "matrix:[...]" --input uniform --json`` on a k x 2 channel (f = j/1000) in a fresh process: wall and
    CPU seconds (best of ``repeats``; CPU of the child, far less sensitive to the machine's load), the bracket's
    width, and whether ``sympy`` is imported on that path (it should not be: start-up)."""
    import resource
    import subprocess

    rng = np.random.default_rng(9000 + seed)
    js = rng.integers(1, 1000, size=k)
    spec = "matrix:[" + ",".join(f"[0.{j:03d},0.{1000 - j:03d}]" for j in js) + "]"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT.parent) + os.pathsep + env.get("PYTHONPATH", "")
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "derive.cli", "eta", spec, "--input", "uniform", "--json"],
                           capture_output=True, text=True, env=env, cwd=ROOT.parent)
        best = min(best, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        out = json.loads(r.stdout)
    probe = subprocess.run([sys.executable, "-c", "import sys, derive.cli, derive.commands.eta, derive.channels.report; "
                            "print('sympy' in sys.modules)"], capture_output=True, text=True, env=env, cwd=ROOT.parent)
    lo, hi = out["eta_kl_bracket"]
    return {"k": k, "wall_s": best, "cpu_s": best_cpu, "width": hi - lo, "bracket": [lo, hi],
            "sympy_imported": probe.stdout.strip() == "True"}


MULTI_CASES = ((3, 3), (8, 3), (64, 3), (4, 4), (8, 4))


def run_multi_case(k: int, q: int, seed: int) -> dict:
    """A random exact k x q channel (q = 3 or 4 outputs) and a random exact input: the fixed-input bracket
    (``eta_kl``, which adds the derive.channels.tilt_multi cover for 3-4 outputs), its width and time against
    Dobrushin, and an independent oracle for k <= 8: Nelder-Mead over Q from many starts must stay below the upper
    end."""
    rng = np.random.default_rng(500 + 100 * k + 10 * q + seed)
    K = random_channel(rng, k, q)
    P = random_input(rng, k)
    t = time.perf_counter()
    b = eta_kl(K, P)
    dt = time.perf_counter() - t
    tv = float(eta_tv(K).value)
    row = {"k": k, "q": q, "seed": seed, "t": dt, "lower": float(b.lower), "upper": float(b.upper),
           "width": float(b.width), "tv": tv, "upper_from": "tilt_multi" if "tilt_multi" in b.upper_how else
           b.upper_how.split(" (")[0][:50]}
    if k <= 8:
        best = brute_kl_fixed(K.float_matrix(), np.array([float(v) for v in P]), rng)
        row["brute"] = best
        row["brute_below_upper"] = bool(best <= float(b.upper) + 1e-12)
    return row


def run_case(k: int, m: int, seed: int, brute: bool) -> dict:
    rng = np.random.default_rng(1000 * k + 10 * m + seed)
    K = random_channel(rng, k, m)
    P = random_input(rng, k)
    F = K.float_matrix()
    Pf = np.array([float(v) for v in P])
    row: dict = {"k": k, "m": m, "seed": seed}
    tv, row["t_tv"] = timed(eta_tv, K, repeat=3)
    tv_float = max(0.5 * float(np.abs(F[i] - F[j]).sum()) for i in range(k) for j in range(k))
    row["tv_float_err"] = abs(tv_float - float(tv.value))
    chi, row["t_chi2"] = timed(eta_chi2, K, P, repeat=3)
    chi_mp, row["t_chi2_mp50"] = timed(eta_chi2, K, P, dps=50)
    row["chi2_float_vs_mp"] = abs(chi.value - float(chi_mp.mp))
    row["chi2_lower_gap"] = float(chi_mp.mp) - float(chi.lower)
    free, row["t_kl_free"] = timed(eta_kl, K)
    row["kl_free"] = [float(free.lower), float(free.upper)]
    row["kl_free_width"] = float(free.width)
    fixed, row["t_kl_fixed"] = timed(_fixed_route, K, P)
    row["kl_fixed"] = [float(fixed.lower), float(fixed.upper)]
    row["kl_fixed_width"] = float(fixed.width)
    row["kl_fixed_upper_from"] = fixed.upper_how.split(" [")[0][:60]
    if brute:
        t = time.perf_counter()
        b_free = brute_sup_chi2(F, rng)
        b_fixed = brute_kl_fixed(F, Pf, rng)
        row["t_brute"] = time.perf_counter() - t
        row["brute_free"] = b_free
        row["brute_fixed"] = b_fixed
        row["free_contains_brute"] = float(free.lower) - 1e-9 <= b_free <= float(free.upper) + 1e-12
        row["fixed_contains_brute"] = b_fixed <= float(fixed.upper) + 1e-12
        row["free_gap_to_brute"] = b_free - float(free.lower)
        row["fixed_gap_to_brute"] = b_fixed - float(fixed.lower)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--sizes", default="2,4,8,16")
    ap.add_argument("--binary-only", action="store_true",
                    help="rerun only the binary-output cases (and the CLI timing) with the stored other sections")
    ap.add_argument("--multi-only", action="store_true",
                    help="rerun only the 3-4-output cases and rewrite the results with the stored other sections")
    args = ap.parse_args()
    res = ROOT / "results"
    if args.binary_only or args.multi_only:
        out = json.loads((res / "eta.json").read_text())
        for key in ("binary_width_max", "binary_time_max"):        # JSON turned the int keys into strings
            out["summary"][key] = {int(k): v for k, v in out["summary"][key].items()}
        if args.multi_only:
            out["multi_output"] = _run_multi(args.seeds)
        if args.binary_only:
            out["binary_output"] = _run_binary(args.seeds, out["summary"])
        (res / "eta.json").write_text(json.dumps(out, indent=2))
        md = markdown(out["rows"], out["closed_forms"], out["summary"], out["binary_output"], out["multi_output"])
        (res / "eta.md").write_text(md)
        print(md)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    eta_kl(BSC("0.1"), ["0.2", "0.8"])  # warm the imports
    eta_kl(Matrix([["0.5", "0.3", "0.2"]] * 2 + [["0.1", "0.1", "0.8"]]), ["0.2", "0.3", "0.5"])
    rows = []
    for k in sizes:
        for m in sizes:
            for seed in range(args.seeds):
                r = run_case(k, m, seed, brute=(k <= 4 and m <= 4))
                rows.append(r)
                print(f"{k:>2}x{m:<2} seed {seed}: tv {r['t_tv'] * 1e3:.2f} ms, chi2 {r['t_chi2'] * 1e3:.2f} ms, "
                      f"KL free {r['t_kl_free']:.3f} s width {r['kl_free_width']:.1e}, "
                      f"KL(P) {r['t_kl_fixed']:.3f} s width {r['kl_fixed_width']:.1e}"
                      + (f", brute ok {r['free_contains_brute'] and r['fixed_contains_brute']}" if "brute_free" in r
                         else ""), flush=True)
    cf = closed_forms()
    summary = summarize(rows, cf)
    binary = _run_binary(args.seeds, summary)
    multi = _run_multi(args.seeds)
    out = {"platform": platform.platform(), "python": platform.python_version(), "rows": rows,
           "closed_forms": cf, "binary_output": binary, "multi_output": multi, "summary": summary}
    res.mkdir(exist_ok=True)
    (res / "eta.json").write_text(json.dumps(out, indent=2))
    (res / "eta.md").write_text(markdown(rows, cf, summary, binary, multi))
    print(markdown(rows, cf, summary, binary, multi))


def _run_binary(seeds: int, summary: dict) -> list[dict]:
    """The k x 2 cases (:data:`BINARY_SIZES`) and the CLI timing on 1,024 inputs; fills the summary's binary keys."""
    binary = []
    for k in BINARY_SIZES:
        for seed in range(seeds):
            r = run_binary_case(k, seed)
            binary.append(r)
            print(f"binary output, {k} inputs, seed {seed}: {r['t']:.3f} s width {r['width']:.1e} "
                  f"({r['route']}, eta_KL - eta_chi2 = {r['lower'] - r['chi2']:.3g})", flush=True)
    summary["binary_width_max"] = {k: max(r["width"] for r in binary if r["k"] == k) for k in BINARY_SIZES}
    summary["binary_time_max"] = {k: max(r["t"] for r in binary if r["k"] == k) for k in BINARY_SIZES}
    summary["binary_target_met_1024"] = summary["binary_width_max"][1024] <= TARGET_BINARY_WIDTH and \
        summary["binary_time_max"][1024] < TARGET_BINARY_SECONDS
    summary["binary_random_q_below_upper"] = all(r["random_q_below_upper"] for r in binary)
    cli = run_binary_cli()
    print(f"derive eta, 1,024 x 2, fixed input, fresh process: {cli['wall_s']:.2f} s wall, {cli['cpu_s']:.2f} s CPU, "
          f"width {cli['width']:.1e}, sympy imported: {cli['sympy_imported']}", flush=True)
    summary["binary_cli"] = cli
    summary["binary_cli_target_met"] = cli["width"] <= TARGET_BINARY_WIDTH and cli["wall_s"] < TARGET_BINARY_SECONDS
    return binary


def _run_multi(seeds: int) -> list[dict]:
    multi = []
    for k, q in MULTI_CASES:
        for seed in range(min(seeds, 2)):
            r = run_multi_case(k, q, seed)
            multi.append(r)
            print(f"{q} outputs, {k} inputs, seed {seed}: {r['t']:.2f} s width {r['width']:.1e} "
                  f"(upper from {r['upper_from']}, eta_TV {r['tv']:.3g})", flush=True)
    return multi


def summarize(rows: list[dict], cf: list[dict]) -> dict:
    s: dict = {}
    s["closed_forms_exact"] = all(c["exact"] for c in cf)
    s["closed_forms_generic_contain"] = all(c["generic_contains"] in (True, None) for c in cf)
    big = [r for r in rows if r["k"] == 16 and r["m"] == 16]
    if big:
        s["tv_ms_16x16_max"] = max(r["t_tv"] for r in big) * 1e3
        s["chi2_ms_16x16_max"] = max(r["t_chi2"] for r in big) * 1e3
    s["tv_float_err_max"] = max(r["tv_float_err"] for r in rows)
    s["chi2_float_vs_mp_max"] = max(r["chi2_float_vs_mp"] for r in rows)
    s["tv_chi2_target_met"] = bool(big) and s["tv_ms_16x16_max"] < TARGET_TV_CHI2_MS and \
        s["chi2_ms_16x16_max"] < TARGET_TV_CHI2_MS and s["chi2_float_vs_mp_max"] < 1e-12
    brute = [r for r in rows if "brute_free" in r]
    s["brute_cases"] = len(brute)
    s["brute_inside_brackets"] = all(r["free_contains_brute"] and r["fixed_contains_brute"] for r in brute)
    for n, w in TARGET_WIDTH.items():
        sel = [r for r in rows if r["k"] == n and r["m"] == n]
        if sel:
            s[f"kl_free_width_max_{n}x{n}"] = max(r["kl_free_width"] for r in sel)
            s[f"kl_fixed_width_max_{n}x{n}"] = max(r["kl_fixed_width"] for r in sel)
            s[f"kl_time_max_{n}x{n}"] = max(max(r["t_kl_free"], r["t_kl_fixed"]) for r in sel)
            s[f"kl_free_target_met_{n}x{n}"] = s[f"kl_free_width_max_{n}x{n}"] < w and \
                max(r["t_kl_free"] for r in sel) < TARGET_SECONDS
            s[f"kl_fixed_target_met_{n}x{n}"] = s[f"kl_fixed_width_max_{n}x{n}"] < w and \
                max(r["t_kl_fixed"] for r in sel) < TARGET_SECONDS
    s["kl_free_time_max"] = max(r["t_kl_free"] for r in rows)
    s["kl_fixed_time_max"] = max(r["t_kl_fixed"] for r in rows)
    return s


def _med(xs):
    return statistics.median(xs)


def markdown(rows: list[dict], cf: list[dict], s: dict, binary: list[dict] | None = None,
             multi: list[dict] | None = None) -> str:
    lines = ["# Contraction coefficients: benchmark", "",
             "Generated by `python benchmarks/eta.py`. Random exact k x m channels (integer weights, ~30% with a "
             "zero entry) and a random exact input P; times are medians over seeds (best of 3 runs for eta_TV and "
             "eta_chi2). Widths are max over seeds. Brute force (k, m <= 4): dense random + multi-start Nelder-Mead "
             "search over the whole simplex (inputs for sup eta_chi2, witnesses Q for eta_KL(P, K)).", "",
             "| k x m | eta_TV ms | eta_chi2(P) ms | eta_chi2 50-digit ms | float vs 50 digits | eta_KL(K) s | "
             "width | eta_KL(P,K) s | width | brute force inside |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["k"], r["m"]) for r in rows})
    for k, m in keys:
        sel = [r for r in rows if (r["k"], r["m"]) == (k, m)]
        brute = [r for r in sel if "brute_free" in r]
        inside = ("yes" if all(r["free_contains_brute"] and r["fixed_contains_brute"] for r in brute) else "NO") \
            if brute else "-"
        lines.append(f"| {k}x{m} | {_med([r['t_tv'] for r in sel]) * 1e3:.2f} | {_med([r['t_chi2'] for r in sel]) * 1e3:.2f} | "
                     f"{_med([r['t_chi2_mp50'] for r in sel]) * 1e3:.1f} | {max(r['chi2_float_vs_mp'] for r in sel):.1e} | "
                     f"{_med([r['t_kl_free'] for r in sel]):.3f} | {max(r['kl_free_width'] for r in sel):.1e} | "
                     f"{_med([r['t_kl_fixed'] for r in sel]):.3f} | {max(r['kl_fixed_width'] for r in sel):.1e} | {inside} |")
    lines += ["", "## Closed forms", "", "| channel | expected | reported | exact | generic path contains it (width) |",
              "|---|---|---|---|---|"]
    for c in cf:
        gw = f" ({c['generic_width']:.0e})" if c.get("generic_width") is not None else ""
        gen = "-" if c["generic_contains"] is None else ("yes" if c["generic_contains"] else "NO") + gw
        lines.append(f"| {c['channel']} | {c['expected']} | [{c['reported'][0]}, {c['reported'][1]}] | "
                     f"{'yes' if c['exact'] else 'NO'} | {gen} |")
    if binary:
        lines += ["", "## Fixed inputs, binary output (the tilt route, issue 14)", "",
                  "k x 2 channels (f = K(1|x) = j/1000) with a random exact input on all k symbols; "
                  "derive.channels.tilt.eta_kl_binary (arb point evaluations, certified cell cover). `derive eta` uses it "
                  "for every binary-output channel with a fixed input (up to 1,024 inputs, MAX_BINARY_OUTPUT_INPUTS). "
                  "Check: random Q (Dirichlet around P) never exceed the upper end.", "",
                  "| inputs | seed | time s | width | eta_chi2 | eta_KL bracket | eta_KL = eta_chi2 | random Q below upper |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in binary:
            lines.append(f"| {r['k']} | {r['seed']} | {r['t']:.3f} | {r['width']:.1e} | {r['chi2']:.10f} | "
                         f"[{r['lower']:.12f}, {r['upper']:.12f}] | {'yes' if r['equal'] else 'no'} | "
                         f"{'yes' if r['random_q_below_upper'] else 'NO'} |")
    if multi:
        lines += ["", "## Fixed inputs, 3 or 4 outputs (the cover of derive.channels.tilt_multi, issue 14 item 1)", "",
                  "Random exact k x q channels and inputs; `eta_kl(K, P)` with its default 2 s budget (for k <= 5 the "
                  "input-simplex search runs first and the tilt_multi cover gets the rest of the budget). `upper from`: "
                  "the route that gave the upper end. Oracle (k <= 8): multi-start Nelder-Mead over Q, never above the "
                  "upper end.", "",
                  "| q | inputs | seed | time s | width | eta_KL bracket | eta_TV | upper from | oracle max | oracle below upper |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for r in multi:
            lines.append(f"| {r['q']} | {r['k']} | {r['seed']} | {r['t']:.2f} | {r['width']:.1e} | "
                         f"[{r['lower']:.6f}, {r['upper']:.6f}] | {r['tv']:.4f} | {r['upper_from']} | "
                         + (f"{r['brute']:.6f} | {'yes' if r['brute_below_upper'] else 'NO'} |" if "brute" in r
                            else "- | - |"))
    lines += ["", "## Targets", ""]

    def yes(b):
        return "**met**" if b else "**not met**"

    if binary:
        lines.append(f"- Binary output, fixed input on 1,024 symbols: width <= {TARGET_BINARY_WIDTH:g} in < "
                     f"{TARGET_BINARY_SECONDS:g} s: {yes(s['binary_target_met_1024'])} (max width "
                     f"{s['binary_width_max'][1024]:.1e}, slowest {s['binary_time_max'][1024]:.2f} s; 8 inputs: "
                     f"{s['binary_width_max'][8]:.1e} in {s['binary_time_max'][8]:.2f} s; 64 inputs: "
                     f"{s['binary_width_max'][64]:.1e} in {s['binary_time_max'][64]:.2f} s).")
        if "binary_cli" in s:
            c = s["binary_cli"]
            lines.append(f"- The same through the CLI, `derive eta \"matrix:[...]\" --input uniform --json` on a 1,024 x 2 "
                         f"channel in a fresh process (start-up included): width <= {TARGET_BINARY_WIDTH:g} in < "
                         f"{TARGET_BINARY_SECONDS:g} s wall: {yes(s['binary_cli_target_met'])} ({c['wall_s']:.2f} s wall, "
                         f"{c['cpu_s']:.2f} s CPU, width {c['width']:.1e}; sympy imported on this path: "
                         f"{'yes' if c['sympy_imported'] else 'no'}).")

    if multi:
        m3 = [r for r in multi if r["q"] == 3 and r["k"] > 5]
        m4 = [r for r in multi if r["q"] == 4 and r["k"] > 5]
        lines.append(f"- 3-4 outputs, inputs beyond the simplex search (no numeric target in issue 14): 3 outputs: "
                     f"max width {max(r['width'] for r in m3):.1e} within the 2 s budget (the cover gives the upper end "
                     f"in {sum(r['upper_from'] == 'tilt_multi' for r in m3)}/{len(m3)} cases); 4 outputs: max width "
                     f"{max(r['width'] for r in m4):.1e} (the cover gives the upper end in "
                     f"{sum(r['upper_from'] == 'tilt_multi' for r in m4)}/{len(m4)} cases: the 3-dimensional cover "
                     f"needs more than 2 s); the oracle never exceeds an upper end: "
                     f"{yes(all(r.get('brute_below_upper', True) for r in multi))}.")
    lines.append(f"- Closed forms exact: {yes(s['closed_forms_exact'])}.")
    if "tv_ms_16x16_max" in s:
        lines.append(f"- eta_TV and eta_chi2(P, K) exact to 1e-12 in under 10 ms for 16x16: "
                     f"{yes(s['tv_chi2_target_met'])} (max {s['tv_ms_16x16_max']:.2f} ms and "
                     f"{s['chi2_ms_16x16_max']:.2f} ms; eta_TV is an exact rational; float eta_chi2 within "
                     f"{s['chi2_float_vs_mp_max']:.1e} of the 50-digit value over all sizes).")
    lines.append(f"- eta_KL brackets contain the brute-force value: {yes(s['brute_inside_brackets'])} "
                 f"({s['brute_cases']} small channels, input-free and fixed input).")
    for n, w in TARGET_WIDTH.items():
        if f"kl_free_width_max_{n}x{n}" in s:
            lines.append(f"- {n}x{n}: width < {w:g} within 2 s — input-free eta_KL(K): "
                         f"{yes(s[f'kl_free_target_met_{n}x{n}'])} (max width {s[f'kl_free_width_max_{n}x{n}']:.1e}); "
                         f"fixed input eta_KL(P, K): {yes(s[f'kl_fixed_target_met_{n}x{n}'])} "
                         f"(max width {s[f'kl_fixed_width_max_{n}x{n}']:.1e}); slowest {s[f'kl_time_max_{n}x{n}']:.2f} s.")
    lines += ["", "How the ends are certified: input-free, the two-point reduction (sup over inputs is reached on "
              "two-symbol inputs) and concavity of the binary-input chi2 coefficient give exact rational tangent-line "
              "bounds; fixed two-symbol inputs, a witness Q and the certificate F_c = c D(Q||P) - D(QK||PK) >= 0 "
              "(arb enclosures); fixed inputs on three or more symbols, a witness Q below and, above, a certified best-first "
              "branch and bound over the input simplex (derive.channels.simplex: per simplicial cell, a convexity bound "
              "max over vertices of D(VK||PK)/T(V) with T a tangent plane of D(.||P), or a local-chi2 bound from the "
              "ratio being a weighted average of local chi2 ratios along [P, Q], times an exact Sylvester upper bound on "
              "eta_chi2(P, K); vectorized float64 with exact dyadic vertices and stated outward-rounding margins), stopped at width 1e-4 or after its 2 s budget (then the bound reached so far; the table's "
              "time includes the witness search). The number of cells grows quickly with the number of input symbols (5 symbols: ~2e5 cells in 2 s; 6 and 8 symbols: no bound below the input-free one in 2 s), so it runs only on inputs with at most 5 symbols (MAX_SEARCH_SYMBOLS); larger supports keep min(eta_TV, input-free eta_KL on the support) above — except binary outputs, which since issue 14 take the tilt route at any input size (the k x 2 rows above and the table of binary-output cases).",
              "", f"Platform: {platform.platform()}, Python {platform.python_version()}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
