"""``derive bound TEMPLATE [--set name=value | name=a..b | name=v1,v2]... [--json] [--plot FILE.png] [--latex]``."""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import mpmath

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["register", "parse_settings", "compute_rows"]

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_ROWS = 2000


def _number(text: str, name: str):
    text = text.strip()
    if not _NUMBER.match(text) or len(text) > 40:
        raise InvalidArgument(f"Expected a number for {name} but got {text!r}")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > 30:
        raise LimitExceeded(f"the exponent of {text!r} for {name} is out of range (|e| <= 30)")
    f = Fraction(text)
    if abs(f) > 10 ** 12:
        raise LimitExceeded(f"{name}={text} is out of range (at most 1e12 in size)")
    return int(f) if f.denominator == 1 else f


def parse_settings(items: list[str]) -> dict[str, list]:
    """``name=value``, ``name=a..b`` (integers; long ranges are sampled log-spaced) or ``name=v1,v2``."""
    out: dict[str, list] = {}
    for item in items:
        if "=" not in item:
            raise InvalidArgument(f"Expected --set name=value but got {item!r}")
        name, _, value = item.partition("=")
        name = name.strip()
        if not _NAME.match(name):
            raise InvalidArgument(f"Expected a parameter name in --set but got {name!r}")
        if ".." in value:
            lo_t, _, hi_t = value.partition("..")
            lo, hi = _number(lo_t, name), _number(hi_t, name)
            if not (isinstance(lo, int) and isinstance(hi, int)) or lo > hi:
                raise InvalidArgument(f"Expected an integer range a..b with a <= b for {name} but got {value!r}")
            if hi - lo + 1 <= 60:
                vals = list(range(lo, hi + 1))
            else:
                lo_pos = max(lo, 1)
                vals = sorted({lo} | {int(round(math.exp(math.log(lo_pos) + k * (math.log(hi) - math.log(lo_pos)) / 49)))
                                      for k in range(50)} | {hi})
            out[name] = vals
        else:
            out[name] = [_number(v, name) for v in value.split(",")]
    return out


def compute_rows(template, settings: dict[str, list]) -> list[dict]:
    missing = [p for p in template.required if p not in settings]
    if missing:
        raise InvalidArgument(f"{template.name} needs --set {missing[0]}=...")
    names = list(settings)
    combos = [{}]
    for n in names:
        combos = [dict(c, **{n: v}) for c in combos for v in settings[n]]
        if len(combos) > MAX_ROWS:
            raise LimitExceeded(f"more than {MAX_ROWS} parameter combinations; use fewer values")
    rows = []
    for c in combos:
        params = dict(c)
        if "n" in params and (not isinstance(params["n"], int) or params["n"] < 1):
            raise InvalidArgument(f"Expected an integer n >= 1 but got n={params['n']}")
        with mpmath.workdps(30):
            r = template.row(params)
        info = params.get("info", params.get("d", template.optional.get("d", 1)))
        row = {"params": {k: _jsonable(v) for k, v in params.items() if k not in ("prior", "rows")}}
        for k, v in r.items():
            row[k] = float(v) if isinstance(v, mpmath.mpf) else v
        row["bound"] = float(r["factor"] * mpmath.mpf(Fraction(info).numerator) / Fraction(info).denominator)
        if "factor_chi2" in r:
            row["bound_chi2"] = float(r["factor_chi2"] * mpmath.mpf(Fraction(info).numerator) / Fraction(info).denominator)
        rows.append(row)
    return rows


def _jsonable(v):
    return v if isinstance(v, int) else float(v)


def _table(rows: list[dict]) -> str:
    keys = list(rows[0]["params"])
    head = keys + ["tau_n", "rho_n", "factor", "bound", "certified"]
    if "factor_chi2" in rows[0]:
        head += ["factor_chi2"]
    lines = ["  ".join(f"{h:>12}" for h in head)]
    for r in rows:
        vals = [r["params"][k] for k in keys] + [r["tau_n"], r["rho_n"], r["factor"], r["bound"], r["certified"]]
        if "factor_chi2" in r:
            vals.append(r["factor_chi2"])
        lines.append("  ".join(f"{v:>12.6g}" if isinstance(v, float) else f"{str(v):>12}" for v in vals))
    return "\n".join(lines)


def _latex_table(template, rows: list[dict]) -> str:
    keys = list(rows[0]["params"])
    cols = "r" * (len(keys) + 4)
    out = [rf"\[ {template.latex} \]", rf"\begin{{tabular}}{{{cols}}}",
           " & ".join([f"${k}$" for k in keys] + [r"$\tau_n$", r"$\rho_n$", r"$(1-\tau_n)/\rho_n$", "bound"]) + r" \\ \hline"]
    for r in rows:
        out.append(" & ".join([str(r["params"][k]) for k in keys]
                              + [f"{r[x]:.4g}" for x in ("tau_n", "rho_n", "factor", "bound")]) + r" \\")
    out.append(r"\end{tabular}")
    return "\n".join(out)


def _plot(template, rows: list[dict], path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - matplotlib is a dependency
        raise InvalidArgument("--plot needs matplotlib") from err
    if "n" not in rows[0]["params"]:
        raise InvalidArgument("--plot draws the bound against n: give --set n=a..b")
    fig, ax = plt.subplots(figsize=(5, 3.4))
    groups: dict[tuple, list] = {}
    for r in rows:
        key = tuple((k, v) for k, v in r["params"].items() if k != "n")
        groups.setdefault(key, []).append(r)
    for key, rs in groups.items():
        label = ", ".join(f"{k}={v}" for k, v in key) or template.name
        ax.plot([r["params"]["n"] for r in rs], [r["bound"] for r in rs], marker="o", ms=3,
                label=label + (" (certified)" if rs[0]["certified"] else ""))
        if "bound_chi2" in rs[0]:
            ax.plot([r["params"]["n"] for r in rs], [r["bound_chi2"] for r in rs], ls="--",
                    label=label + r" ($\chi^2$ value, not certified)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$n$")
    ax.set_ylabel(r"lower bound on $I(M; X_{1:n} \mid \theta)$")
    ax.set_title("$" + template.latex.replace(r"\ge", r"\geq").replace(r"\mathrm{mem}", r"\mathrm{mem}") + "$", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def _cluster_model(args) -> dict[str, list]:
    from derive.channels.library import FiniteChannel
    from derive.channels.spec import parse_channel_arg, parse_input_arg

    if not args.channel:
        raise InvalidArgument("the cluster template needs --channel (e.g. bsc:0.25, matrix:[[0.9,0.1],[0.2,0.8]])")
    K = parse_channel_arg(args.channel)
    if not isinstance(K, FiniteChannel):
        raise InvalidArgument(f"the cluster template needs a finite channel, not {args.channel!r}")
    rows = [list(r) for r in K.rational_rows()]
    text = args.prior or "uniform"
    if text.lower().startswith("uniform:"):
        k = int(_number(text[8:], "the prior size"))
        if k != len(rows):
            raise InvalidArgument(f"uniform:{k} has {k} values but the channel has {len(rows)} inputs")
        text = "uniform"
    prior = parse_input_arg(text, len(rows))
    if prior == "uniform":
        prior = tuple(Fraction(1, len(rows)) for _ in rows)
    if not isinstance(prior, tuple) or sum(prior) != 1 or any(p < 0 for p in prior):
        raise InvalidArgument(f"Expected a prior (uniform, uniform:k, bern:p or [p1, ...]) but got {args.prior!r}")
    return {"prior": [prior], "rows": [rows]}


def cmd_bound(args) -> int:
    from derive.templates import TEMPLATES

    if args.template not in TEMPLATES:
        raise InvalidArgument(f"unknown template {args.template!r}; known: {', '.join(sorted(TEMPLATES))}")
    template = TEMPLATES[args.template]
    settings = parse_settings(args.set)
    if args.template == "cluster":
        settings.update(_cluster_model(args))
    elif args.prior or args.channel:
        raise InvalidArgument("--prior and --channel belong to the `cluster` template")
    rows = compute_rows(template, settings)
    if args.plot:
        _plot(template, rows, args.plot)
    if args.json:
        print(json.dumps({"template": template.name, "formula": template.formula, "latex": template.latex,
                          "values": rows}, indent=2))
    elif args.latex:
        print(_latex_table(template, rows))
    else:
        print(f"{template.name}: {template.formula}")
        print(f"  {template.description}")
        print(_table(rows))
        reasons = sorted({r["reason"] for r in rows})
        for reason in reasons:
            print(f"  certified: {reason}")
        if "chi2_note" in rows[0]:
            print(f"  note: {rows[0]['chi2_note']}")
    return 0


def register(sub) -> None:
    b = sub.add_parser("bound", help="the memorization bound of a theorem template for given parameters")
    b.add_argument("template", metavar="TEMPLATE", help="gaussian-cluster | boolean-cluster | cluster")
    b.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter: name=value, name=a..b (integers) or name=v1,v2 (repeatable)")
    b.add_argument("--prior", metavar="PRIOR", help="cluster: the prior of theta_j (uniform:k, bern:p, [p1,...])")
    b.add_argument("--channel", metavar="CHANNEL", help="cluster: the channel theta_j -> observation "
                                                        "(bsc:0.25, qsc:3:0.2, matrix:[[...]])")
    b.add_argument("--json", action="store_true")
    b.add_argument("--latex", action="store_true", help="the formula and a LaTeX table")
    b.add_argument("--plot", metavar="FILE.png", help="plot the bound against n (log scale)")
    b.set_defaults(func=cmd_bound)
