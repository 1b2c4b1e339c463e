"""The ``derive eta`` report: every coefficient of a channel (and input), with how each number was obtained.

:func:`eta_report` returns the JSON object of the CLI contract::

    {"channel", "input", "eta_tv", "eta_chi2", "eta_kl", "eta_kl_bracket": [lo, hi], "closed_form",
     "exact": {...}, "how": {...}, "maximizing_input"}

Floats are numbers. A bracket that is not a single point is rounded *outward* (its float ends still
contain the true value); exact values are also given as rational strings under ``"exact"``. ``eta_kl`` is a
number only when the bracket is narrower than ``1e-12`` (``how.eta_kl`` says whether it is exact), else
``null``. For a fixed input η_KL comes from :func:`derive.channels.coefficients.eta_kl` (the certified tilt routes for a
binary output, any number of inputs, and for 3–4 outputs); ``how.eta_kl_lower`` / ``how.eta_kl_upper`` name the
route of each end. :func:`format_report` renders the same object as a readable table.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath

from derive.channels.coefficients import (GAUSSIAN, KL_BUDGET, Bracket, as_input, closed_form, eta_chi2, eta_chi2_sup, eta_kl,
                                          eta_tv)
from derive.numeric.exact import float_down, float_near, float_up
from derive.channels.library import AWGN, BEC, BSC, Channel, FiniteChannel
from derive.errors import InvalidArgument

__all__ = ["eta_report", "format_report", "KL_POINT_WIDTH"]

#: A bracket narrower than this is also reported as a single number ``eta_kl``.
KL_POINT_WIDTH = Fraction(1, 10 ** 12)


def _bracket_floats(b: Bracket) -> list[float]:
    if b.exact:
        v = float_near(b.lower)
        return [v, v]
    return [float_down(b.lower), float_up(b.upper)]


def _frac(x: Fraction) -> str:
    return str(x)


def _input_json(P: Any) -> Any:
    if P is None or isinstance(P, str):
        return P
    return [float_near(v) for v in P]


def _maximizer_json(m: Any) -> Any:
    if m is None or isinstance(m, (str, dict)):
        return m
    return [float_near(v) for v in m]


def eta_report(K: Channel, P: Any = None, *, dps: int = 50, tol: float = 1e-12,
               budget: float = KL_BUDGET) -> dict[str, Any]:
    """Every coefficient of ``K`` (input-free when ``P`` is ``None``) as the CLI's JSON object; ``budget``: CPU
    seconds of the η_KL search at a fixed input (a longer search only narrows the bracket).

    Raises
    ------
    InvalidArgument
        For a bad input distribution, ``dps`` outside ``[15, 1000]`` or ``budget`` outside ``(0, 600]``.
    """
    if not isinstance(dps, int) or not 15 <= dps <= 1000:
        raise InvalidArgument(f"Expected --dps between 15 and 1000 but got {dps!r}")
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 < budget <= 600:
        raise InvalidArgument(f"Expected --budget between 0 and 600 seconds but got {budget!r}")
    if isinstance(K, AWGN) and P is None:
        P = GAUSSIAN
    Pin = as_input(K, P)
    tv = eta_tv(K)
    out: dict[str, Any] = {"channel": str(K)}
    how: dict[str, str] = {}
    exact: dict[str, str] = {}
    if isinstance(K, FiniteChannel):
        out["shape"] = list(K.shape)
    out["input"] = _input_json(Pin)
    out["eta_tv"] = float_near(tv.value)
    exact["eta_tv"] = _frac(tv.value)
    how["eta_tv"] = tv.how
    maximizer = None
    if Pin is None:
        sup = eta_chi2_sup(K)
        chi_val = float_near(sup.lower) if sup.exact else float_near((sup.lower + sup.upper) / 2)
        out["eta_chi2"] = chi_val
        out["eta_chi2_bracket"] = _bracket_floats(sup)
        lo_s, hi_s = _bracket_floats(sup)
        how["eta_chi2"] = (f"sup over inputs (certified bracket [{lo_s!r}, {hi_s!r}]"
                           f"{', exact' if sup.exact else ''}): "
                           f"lower: {sup.lower_how}; upper: {sup.upper_how}")
        if sup.exact:
            exact["eta_chi2"] = _frac(sup.lower)
        maximizer = sup.maximizer
    else:
        chi = eta_chi2(K, Pin, dps=dps)
        out["eta_chi2"] = float_near(chi.exact) if chi.exact is not None else chi.value
        how["eta_chi2"] = chi.how
        if chi.exact is not None:
            exact["eta_chi2"] = _frac(chi.exact)
        elif chi.mp is not None:
            exact["eta_chi2"] = mpmath.nstr(chi.mp, dps)
            exact["eta_chi2_lower"] = f"{float_down(chi.lower)!r} (certified)"
    kl = _eta_kl_route(K, Pin, tol, tv, budget)
    if kl.width <= KL_POINT_WIDTH:
        out["eta_kl"] = float_near(kl.lower) if kl.exact else float_near((kl.lower + kl.upper) / 2)
        how["eta_kl"] = ("exact: the bracket is a single point" if kl.exact else
                         f"certified to within {float(kl.width):.1e} (the bracket's midpoint)")
    else:
        out["eta_kl"] = None
        how["eta_kl"] = (f"only a bracket is known (width {float(kl.width):.3g}); never the chi2 value unless a "
                         "theorem makes them equal")
    out["eta_kl_bracket"] = _bracket_floats(kl)
    if kl.exact:
        exact["eta_kl"] = _frac(kl.lower)
    how["eta_kl_lower"] = kl.lower_how
    how["eta_kl_upper"] = kl.upper_how
    if kl.notes:
        how["notes"] = "; ".join(kl.notes)
    out["closed_form"] = kl.closed_form
    if Pin is None:
        maximizer = maximizer if maximizer is not None else kl.maximizer
        out["maximizing_input"] = _maximizer_json(maximizer)
    elif kl.witness is not None:
        out["witness_q"] = [float_near(v) for v in kl.witness]
    if isinstance(K, AWGN):
        how["input"] = ("Gaussian N(0, snr) (AWGN's standard input); over all power-constrained inputs "
                        "eta_KL = 1")
    out["exact"] = exact
    out["how"] = how
    return out


def _eta_kl_route(K: Channel, Pin: Any, tol: float, tv: Any, budget: float = KL_BUDGET) -> Bracket:
    """η_KL as a :class:`Bracket` from :func:`derive.channels.coefficients.eta_kl` (which takes the tilt routes for
    binary and 3–4-symbol outputs at a fixed input), checked against a closed form when one exists."""
    kl = eta_kl(K, Pin, tol=tol, budget=budget)
    if Pin is None or isinstance(Pin, str) or not isinstance(K, (BSC, BEC)):
        return kl
    cf = closed_form(K, Pin)
    if cf is None or kl.exact:
        return kl
    v, tex, thm = cf
    if not kl.lower <= v <= kl.upper:  # pragma: no cover - would be a bug in one of the two
        raise ArithmeticError(f"closed form {v} outside the bracket [{kl.lower}, {kl.upper}]")
    return Bracket(v, v, thm, thm, tex, notes=(f"the certified route agrees: [{float(kl.lower)!r}, {float(kl.upper)!r}]",))


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.12g}"
    return str(x)


def format_report(rep: dict[str, Any]) -> str:
    """The report as a readable table (what ``derive eta`` prints without ``--json``)."""
    lines = []
    shape = rep.get("shape")
    lines.append(f"channel  {rep['channel']}" + (f"   ({shape[0]} inputs, {shape[1]} outputs)" if shape else ""))
    inp = rep.get("input")
    if inp is None:
        lines.append("input    none: input-free coefficients (sup over input distributions)")
    elif isinstance(inp, str):
        lines.append(f"input    {inp}")
    else:
        lines.append("input    [" + ", ".join(f"{v:.6g}" for v in inp) + "]")
    ex = rep.get("exact", {})
    lo, hi = rep["eta_kl_bracket"]
    rows = [
        ("eta_TV", _num(rep["eta_tv"]), ex.get("eta_tv", "")),
        ("eta_chi2" + (" (sup)" if inp is None else ""), _num(rep["eta_chi2"]), ex.get("eta_chi2", "")),
        ("eta_KL", _num(rep["eta_kl"]), ex.get("eta_kl", "")),
        ("eta_KL bracket", f"[{lo!r}, {hi!r}]", f"width {hi - lo:.3g}"),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines.append("")
    lines.append(f"  {'coefficient':<{w0}}  {'value':<{w1}}  exact / note")
    for name, val, note in rows:
        lines.append(f"  {name:<{w0}}  {val:<{w1}}  {note}")
    if rep.get("closed_form"):
        lines.append("")
        lines.append(f"closed form: {rep['closed_form']}")
    if rep.get("maximizing_input") is not None:
        m = rep["maximizing_input"]
        shown = m if isinstance(m, (str, dict)) else "[" + ", ".join(f"{v:.6g}" for v in m) + "]"
        lines.append(f"maximizing input: {shown}")
    lines.append("")
    lines.append("how:")
    for key, text in rep.get("how", {}).items():
        lines.append(f"  {key}: {text}")
    return "\n".join(lines)
