"""``derive bound TEMPLATE [--set name=value | name=a..b | name=v1,v2]... [--json] [--plot FILE.png] [--latex]``."""

from __future__ import annotations

import json
import math
import re
import sys
from fractions import Fraction

import mpmath

from derive.errors import InvalidArgument, LimitExceeded

__all__ = ["register", "parse_settings", "compute_rows"]

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Most rows one call computes (parameter combinations).
MAX_ROWS = 50_000
#: An integer range a..b with at most this many values is evaluated at every value; a longer one is sampled at
#: :data:`SAMPLED_VALUES` log-spaced values (and the output says so).
MAX_EVERY = 10_000
SAMPLED_VALUES = 50


def _number(text: str, name: str):
    """A ``--set`` value: a decimal (``0.25``, ``1e-3``) or a ratio (``1/3``), exact (one parser: ``parse_number``)."""
    from derive.numeric.exact import parse_number

    text = text.strip()
    if len(text) > 40 or not (_NUMBER.match(text) or re.fullmatch(r"-?\d+/\d+", text)):
        raise InvalidArgument(f"Expected a number for {name} but got {text!r}")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > 30:
        raise LimitExceeded(f"the exponent of {text!r} for {name} is out of range (|e| <= 30)")
    f = parse_number(text, name)
    if abs(f) > 10 ** 12:
        raise LimitExceeded(f"{name}={text} is out of range (at most 1e12 in size)")
    return int(f) if f.denominator == 1 else f


def parse_settings(items: list[str], sampled: dict | None = None) -> dict[str, list]:
    """``name=value``, ``name=a..b`` (integers: every value when there are at most :data:`MAX_EVERY`, else
    :data:`SAMPLED_VALUES` log-spaced ones) or ``name=v1,v2``. ``sampled`` (optional) receives, for each
    sampled range, ``{name: {"range": [a, b], "values": count}}``."""
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
            if hi - lo + 1 <= MAX_EVERY:
                vals = list(range(lo, hi + 1))
            else:
                lo_pos = max(lo, 1)
                steps = SAMPLED_VALUES - 1
                vals = sorted({lo} | {int(round(math.exp(math.log(lo_pos) + k * (math.log(hi) - math.log(lo_pos)) / steps)))
                                      for k in range(SAMPLED_VALUES)} | {hi})
                if sampled is not None:
                    sampled[name] = {"range": [lo, hi], "values": len(vals)}
            out[name] = vals
        else:
            out[name] = [_number(v, name) for v in value.split(",")]
    return out


def _key(v):
    return repr(v) if isinstance(v, (list, tuple, dict)) else v


def compute_rows(template, settings: dict[str, list]) -> list[dict]:
    """One row per combination of the settings: the template's values as floats (``None`` when not computed),
    ``bound = factor · info`` (``info`` = a lower bound on I(M; X) given with ``--set info=...``, default 1: the
    bound is then the factor) and ``log10_factor`` / ``log10_bound`` (which survive below the float range).

    Certified values are rounded outward by the template (τ_n, ρ_n up, the factor down); ``bound`` is rounded
    down. A template with a many-n function (``template.rows``) computes all n of one combination of the other
    settings at once."""
    unread = [k for k in settings if template.params and k not in template.params]
    if unread:  # a typo (alpah=0.1) would otherwise leave the bound at its default silently
        raise InvalidArgument(f"{template.name} reads no setting {unread[0]!r}; it reads "
                              f"{', '.join(k for k in template.params if k not in ('prior', 'rows', 'base'))}")
    missing = [p for p in template.required if p not in settings]
    if missing:
        raise InvalidArgument(f"{template.name} needs --set {missing[0]}=...")
    names = list(settings)
    combos = [{}]
    for n in names:
        combos = [dict(c, **{n: v}) for c in combos for v in settings[n]]
        if len(combos) > MAX_ROWS:
            raise LimitExceeded(f"more than {MAX_ROWS} parameter combinations; use fewer values")
    for params in combos:
        if "n" in params and (not isinstance(params["n"], int) or isinstance(params["n"], bool) or params["n"] < 1):
            raise InvalidArgument(f"Expected an integer n >= 1 but got n={params['n']}")
    results: dict[tuple, dict] = {}
    if template.rows is not None and "n" in settings:
        groups: dict[tuple, tuple[dict, list]] = {}
        for params in combos:
            key = tuple((k, _key(v)) for k, v in params.items() if k != "n")
            groups.setdefault(key, ({k: v for k, v in params.items() if k != "n"}, []))[1].append(params["n"])
        for key, (base, ns) in groups.items():
            for n, r in zip(ns, template.rows(base, ns)):
                results[key + (("n", n),)] = r
    out = []
    for params in combos:
        key = tuple((k, _key(v)) for k, v in params.items() if k != "n") + ((("n", params["n"]),) if "n" in params else ())
        r = results.get(key)
        if r is None:
            r = template.row(params)
        out.append(_row(template, params, r))
    return out


def _row(template, params: dict, r: dict) -> dict:
    # I(M; X) is what the caller knows (e.g. from accuracy: FKL25 force only a constant, C_alpha, not d); it never
    # defaults to d: that overstated the paper's bound by a factor ~d (issue 15)
    if "info" in params:
        info = Fraction(params["info"])
    elif "alpha" in params:  # accuracy -> information: the certified lower end of C*_alpha (nats)
        from derive.templates.accuracy import accuracy_information

        info = Fraction(accuracy_information(Fraction(params["alpha"]))[0])
    else:
        info = Fraction(1)
    row = {"params": {k: _jsonable(v) for k, v in params.items() if k not in ("prior", "rows")}}
    for k, v in r.items():
        row[k] = _number_out(v)
    if "bound" not in r and row.get("factor") is None:  # no factor (rho_n = 0: the row's reason says why)
        row["bound"], row["log10_bound"] = None, None
    elif "bound" not in r:  # a template whose bound is not factor x I(M; X) computes its own (sparse-hypercube)
        from derive.templates.accuracy import times_information_down

        row["bound"] = times_information_down(row["factor"], info)
        row["log10_bound"] = _log10_bound(row.get("log10_factor"), info)
        if "info" not in params and "alpha" in params:
            row["units"] = "nats"  # C*_alpha is in nats
    if "factor_chi2" in r:
        row["bound_chi2"] = None if r["factor_chi2"] is None else float(r["factor_chi2"]) * float(info)
        row["log10_bound_chi2"] = _log10_bound(row.get("log10_factor_chi2"), info)
    return row


def _json(head: dict, rows: list[dict]) -> str:
    """One JSON object: ``head`` indented, then ``"values"`` with one row per line (the C encoder; a range of
    10,000 rows prints several times faster than ``indent=2`` on every level)."""
    text = json.dumps(head, indent=2)
    body = ",\n    ".join(json.dumps(r) for r in rows)
    return text[:-2] + ',\n  "values": [' + (f"\n    {body}\n  " if rows else "") + "]\n}"


def _number_out(v):
    """mpmath and numpy numbers as JSON floats; everything else unchanged."""
    if isinstance(v, (mpmath.mpf, float)) and not isinstance(v, bool):
        return float(v)
    if hasattr(v, "dtype"):
        return float(v)
    return v


def _log10_bound(log10_factor, info: Fraction):
    if log10_factor is None or info <= 0:
        return None
    return float(log10_factor) + math.log10(info)


def _jsonable(v):
    return v if isinstance(v, (int, str)) else float(v)


def _sci(value, log10, digits: int = 6) -> str:
    """A float to ``digits`` significant digits, or (below the float range) ``m.mmmmme-NNN`` from its log10."""
    if value is None:
        return "—"
    if value == 0 and log10 is not None:
        e = math.floor(log10)
        return f"{10 ** (log10 - e):.{digits}g}e{e}"
    return f"{value:.{digits}g}"


def _table(rows: list[dict]) -> str:
    keys = list(rows[0]["params"])
    multi = "template" in rows[0]
    head = (["template"] if multi else []) + keys + ["tau_n", "rho_n", "factor", "bound", "certified"]
    chi2 = any("factor_chi2" in r for r in rows)
    if chi2:
        head += ["factor_chi2"]
    paper = any(r.get("paper_note") is not None for r in rows)
    if paper:
        head += ["factor_paper"]
    upper = any("upper" in r for r in rows)
    if upper:
        head += ["upper_bits"]
    bracket = any("eta_kl_bracket" in r for r in rows)
    if bracket:
        head += [f"{'eta_KL: log10(1 - tau_n) in':>27}"]
    route = any("route" in r for r in rows)
    if route:
        head += ["route"]
    lines = ["  ".join(f"{h:>12}" for h in head)]
    for r in rows:
        vals = ([r["template"]] if multi else []) + [r["params"].get(k, "") for k in keys]
        vals = [f"{v:>12.6g}" if isinstance(v, float) else f"{str(v):>12}" for v in vals]
        vals += [f"{_sci(r['tau_n'], None):>12}", f"{_sci(r['rho_n'], None):>12}",
                 f"{_sci(r['factor'], r.get('log10_factor')):>12}", f"{_sci(r['bound'], r.get('log10_bound')):>12}",
                 f"{str(r['certified']):>12}"]
        if chi2:
            vals.append(f"{_sci(r.get('factor_chi2'), r.get('log10_factor_chi2')):>12}")
        if paper:
            fp = r.get("factor_paper")
            vals.append(f"{_sci(fp, None):>12}" if fp is not None else f"{'n/a':>12}")
        if upper:
            vals.append(f"{_sci(r.get('upper'), None):>12}")
        if bracket:
            b = r.get("eta_kl_bracket")
            text = (f"[{b['log10_one_minus_tau_n'][0]:.4f}, {b['log10_one_minus_tau_n'][1]:.4f}]" if b
                    else ("= chi2 value" if str(r.get("route", "")).startswith("eta_KL = eta_chi2") else "-"))
            vals.append(f"{text:>27}")
        if route:
            vals.append(f"  {r.get('route', '')}")
        lines.append("  ".join(vals))
    return "\n".join(lines)


def _latex_table(template, rows: list[dict]) -> str:
    from derive.core.variables import latex_name

    keys = list(rows[0]["params"])
    cols = "r" * (len(keys) + 4)
    out = [rf"\[ {template.latex} \]", rf"\begin{{tabular}}{{{cols}}}",
           " & ".join([f"${latex_name(k)}$" for k in keys] + [r"$\tau_n$", r"$\rho_n$", r"$(1-\tau_n)/\rho_n$", "bound"]) + r" \\ \hline"]
    for r in rows:
        out.append(" & ".join([str(r["params"].get(k, "")) for k in keys]
                              + [_latex_number(r[x], r.get("log10_" + x)) for x in ("tau_n", "rho_n", "factor", "bound")])
                   + r" \\")
    out.append(r"\end{tabular}")
    return "\n".join(out)


def _latex_number(value, log10) -> str:
    if value is None:
        return "---"
    text = _sci(value, log10)
    if "e" in text:
        m, _, e = text.partition("e")
        return rf"${float(m):.4g} \cdot 10^{{{int(e)}}}$"
    return f"{value:.4g}"


def _markdown_table(template, rows: list[dict]) -> str:
    """The factor (1 - tau_n)/rho_n as a Markdown table: one row per n, one column per other setting; the
    chi^2 values (eta_chi2 <= eta_KL; certified values only on rows whose route says eta_KL = eta_chi2) in extra
    columns when the template has them."""
    if "n" not in rows[0]["params"]:
        raise InvalidArgument("--markdown tabulates the factor against n: give --set n=...")
    combos: dict[tuple, dict[int, dict]] = {}
    for r in rows:
        key = ((("template", r["template"]),) if "template" in r else ()) \
            + tuple((k, v) for k, v in r["params"].items() if k not in ("n", "d", "info"))
        combos.setdefault(key, {})[r["params"]["n"]] = r

    def name(key):
        return ", ".join(str(v) if k == "template" else f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                         for k, v in key) or template.name

    chi2 = any(r.get("factor_chi2", None) is not None or "factor_chi2" in r for r in rows)
    head = ["n"] + [f"{name(k)}: factor" for k in combos]
    if chi2:
        head += [f"{name(k)}: chi2 value" for k in combos]
    ns = sorted({r["params"]["n"] for r in rows})
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in ns:
        cells = [str(n)]
        for k in combos:
            r = combos[k].get(n)
            cells.append(_sci(r["factor"], r.get("log10_factor"), 4) if r else "")
        if chi2:
            for k in combos:
                r = combos[k].get(n)
                cells.append(_sci(r.get("factor_chi2"), r.get("log10_factor_chi2"), 4) if r else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plot(template, rows: list[dict], path: str) -> None:
    from derive.printing.plots import plot_format, save_figure

    plot_format(path)  # refuse an unknown suffix before any work
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - matplotlib is a dependency
        raise InvalidArgument("--plot needs matplotlib") from err
    if "n" not in rows[0]["params"]:
        raise InvalidArgument("--plot draws the bound against n: give --set n=a..b")
    upper = any("upper" in r for r in rows)
    if not any(r["bound"] and r["bound"] > 0 for r in rows) and not any(r.get("bound_chi2") for r in rows):
        raise InvalidArgument("--plot: no row has a positive bound to draw on a log scale (e.g. rho_n = 0: the "
                              "bound says nothing; see the rows' reasons)")
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    groups: dict[tuple, list] = {}
    for r in rows:
        key = ((("template", r["template"]),) if "template" in r else ()) \
            + tuple((k, v) for k, v in r["params"].items() if k != "n")
        groups.setdefault(key, []).append(r)
    hidden = False
    for key, rs in groups.items():
        label = ", ".join(f"{v}" if k == "template" else f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in key) or template.name
        pts = [(r["params"]["n"], _in_bits(r) if upper else r["bound"]) for r in rs if r["bound"] and r["bound"] > 0]
        hidden |= len(pts) < len(rs)
        line, = ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=2.5,
                        label=label + (" (certified)" if rs[0]["certified"] else ""))
        up = [(r["params"]["n"], r["upper"]) for r in rs if r.get("upper")]
        if up:
            ax.plot([p[0] for p in up], [p[1] for p in up], ls=":", marker="^", ms=2.5, color=line.get_color(),
                    label=label + " (upper: the paper's algorithm)")
        scale = 1 / math.log(2) if upper and rs[0].get("units") == "nats" else 1
        chi = [(r["params"]["n"], r["bound_chi2"] * scale) for r in rs if r.get("bound_chi2")]
        if chi:
            ax.plot([p[0] for p in chi], [p[1] for p in chi], ls="--", color=line.get_color(),
                    label=label + r" ($\chi^2$ value)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$n$ (training examples)")
    ax.set_ylabel(r"bits of $I(M; X_{1:n} \mid \theta)$: lower and upper bound" if upper
                  else r"lower bound on $I(M; X_{1:n} \mid \theta)$")
    title = "$" + template.latex.replace(r"\ge", r"\geq") + "$"
    if hidden:
        title += "\n(bounds <= 0 or below the float range are not drawn)"
    ax.set_title(title, fontsize=8)
    entries = len(ax.get_legend_handles_labels()[0])
    if entries > 3:  # below the axes, so it hides no line
        fig.set_size_inches(5.5, 3.6 + 0.16 * entries)
        ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    else:
        ax.legend(fontsize=6.5)
    ax.grid(True, which="major", lw=0.3, alpha=0.5)
    fig.tight_layout()
    try:
        save_figure(fig, path, dpi=150)
    finally:
        plt.close(fig)


def _in_bits(row: dict) -> float:
    """A row's lower bound in bits (rows whose bound is factor x C*_alpha are in nats)."""
    return row["bound"] / math.log(2) if row.get("units") == "nats" else row["bound"]


def _add_upper(name: str, rows: list[dict], constants: dict) -> None:
    """``--upper``: the paper's description-length upper bound (bits) on each row, from its parameters."""
    from derive.templates.upper import upper_bound

    for r in rows:
        r.update(upper_bound(name, dict(r["params"], **constants)))
        r["lower_bits"] = _in_bits(r)


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
        why = (f" (its entries sum to {sum(prior)}, not 1)" if isinstance(prior, tuple) and sum(prior) != 1 else
               " (a negative entry)" if isinstance(prior, tuple) else "")
        raise InvalidArgument(f"Expected a prior (uniform, uniform:k, bern:p or [p1, ...]) but got {args.prior}{why}")
    return {"prior": [prior], "rows": [rows]}


def _combined(templates) -> "object":
    """A stand-in template for several evaluated together (name ``a+b``; the framework's formula)."""
    from derive.templates import Template

    return Template("+".join(t.name for t in templates), (), {}, lambda p: {},
                    "; ".join(f"{t.name}: {t.formula}" for t in templates),
                    r"\mathrm{mem}_n \ge \frac{1 - \tau_n}{\rho_n}\, I(M; X)",
                    " | ".join(t.description for t in templates))


def cmd_bound(args) -> int:
    from derive.templates import TEMPLATES

    names = args.template.split("+")
    for name in names:
        if name not in TEMPLATES:
            raise InvalidArgument(f"unknown template {name!r}; known: {', '.join(sorted(TEMPLATES))} "
                                  "(several: a+b)")
    if len(set(names)) != len(names):
        raise InvalidArgument(f"a template is repeated in {args.template!r}")
    from derive.templates.upper import UPPER_CONSTANTS

    sampled: dict = {}
    settings = parse_settings(args.set, sampled)
    constants = {}
    for name in UPPER_CONSTANTS:
        if name in settings:
            if not args.upper:
                raise InvalidArgument(f"--set {name}=... is a constant of the --upper algorithms; add --upper")
            if len(settings[name]) != 1:
                raise InvalidArgument(f"--set {name}=... takes one value")
            constants[name] = settings.pop(name)[0]
    if "cluster" not in names and "mixture" not in names and (args.prior or args.channel):
        raise InvalidArgument("--prior and --channel belong to the `cluster` template")
    if "mixture" in names:
        if not args.base:
            raise InvalidArgument("the mixture template needs --base (gaussian-cluster, boolean-cluster, "
                                  "sparse-hypercube or cluster)")
        settings["base"] = [args.base]
        if args.base == "cluster":
            settings.update(_cluster_model(args))
    elif args.base:
        raise InvalidArgument("--base belongs to the `mixture` template")
    if len(names) == 1:
        template = TEMPLATES[names[0]]
        if names[0] == "cluster":
            settings.update(_cluster_model(args))
        rows = compute_rows(template, settings)
        parts = [(template, rows)]
    else:
        # several templates (e.g. for one plot): each takes the --set values it reads
        parts, used = [], set()
        for name in names:
            t = TEMPLATES[name]
            own = {k: v for k, v in settings.items() if k in t.params}
            used |= set(own)
            if name == "cluster":
                own.update(_cluster_model(args))
            rs = compute_rows(t, own)
            for r in rs:
                r["template"] = name
            parts.append((t, rs))
        unused = sorted(set(settings) - used)
        if unused:
            raise InvalidArgument(f"--set {unused[0]}=... is read by none of {', '.join(names)}")
        template = _combined([t for t, _ in parts])
        rows = [r for _, rs in parts for r in rs]
    if args.upper:
        for t, rs in parts:
            _add_upper(t.name, rs, constants)
    if args.plot:
        _plot(template, rows, args.plot)
    notes = [f"{name} = {v['range'][0]}..{v['range'][1]} has more than {MAX_EVERY} values: sampled at "
             f"{v['values']} log-spaced values" for name, v in sampled.items()]
    if args.json:
        head = {"template": template.name, "formula": template.formula, "latex": template.latex}
        if sampled:
            head["sampled"] = sampled
        print(_json(head, rows))
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    elif args.latex or args.markdown:
        print("\n\n".join(_latex_table(t, rs) for t, rs in parts) if args.latex else _markdown_table(template, rows))
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        for note in notes:
            print(f"note: {note}")
        for t, rs in parts:
            print(f"{t.name}: {t.formula}")
            print(f"  {t.description}")
            print(_table(rs))
            for reason in sorted({r["reason"] for r in rs}):
                print(f"  {reason}" if reason.startswith("not certified") else f"  certified: {reason}")
            if args.upper:
                print("  upper_bits: the paper's algorithm, description length in bits at the constants given "
                      "(unspecified in the paper; default 1): not certified")
                if any(r.get("units") == "nats" for r in rs):
                    print("  the bound column is in nats (C*_alpha); in bits it is bound / ln 2")
                for route in dict.fromkeys(r["upper_route"] for r in rs):
                    print(f"  upper: {route}")
            notes = sorted({r["chi2_note"] for r in rs if "chi2_note" in r})
            for note in notes:
                print(f"  note: {note}")
    return 0


def register(sub) -> None:
    b = sub.add_parser("bound", help="the memorization bound of a theorem template for given parameters")
    b.add_argument("template", metavar="TEMPLATE", help="gaussian-cluster | boolean-cluster | cluster | sparse-hypercube | singletons | "
                                                     "mixture, or several joined by + (each reads the --set values it "
                                                     "knows; one table, JSON or plot)")
    b.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter: name=value, name=a..b (integers a <= b: every value if there are at most "
                        f"{MAX_EVERY:,}, else {SAMPLED_VALUES} log-spaced ones) or name=v1,v2 (repeatable)")
    b.add_argument("--prior", metavar="PRIOR", help="cluster: the prior of theta_j (uniform:k, bern:p, [p1,...])")
    b.add_argument("--channel", metavar="CHANNEL", help="cluster: the channel theta_j -> observation "
                                                        "(bsc:0.25, qsc:3:0.2, matrix:[[...]])")
    b.add_argument("--base", metavar="TEMPLATE", help="mixture: the single-cluster template evaluated at n = l "
                                                      "(gaussian-cluster, boolean-cluster, sparse-hypercube, cluster)")
    b.add_argument("--json", action="store_true")
    b.add_argument("--latex", action="store_true", help="the formula and a LaTeX table")
    b.add_argument("--markdown", action="store_true", help="the factor as a Markdown table (rows n, a column per "
                                                             "other setting)")
    b.add_argument("--plot", metavar="FILE.png", help="plot the bound against n (log scale; with --upper, lower "
                                                       "and upper bound in bits on one picture)")
    b.add_argument("--upper", action="store_true", help="also the paper's upper bound (bits): the description "
                                                         "length of its simple algorithm (gaussian-cluster, "
                                                         "boolean-cluster, sparse-hypercube; constants c_ell, c_k, "
                                                         "C_sub default 1)")
    b.set_defaults(func=cmd_bound)
