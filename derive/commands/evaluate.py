"""``derive eval EXPR --model MODEL [--dps D] [--nats] [--json]``: evaluate a quantity on a concrete model.

Examples::

    derive eval "I(X; Y)" --model "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"          # 1 - h(0.1) bits
    derive eval "D(P || Q)" --model "P ~ Categorical([1/2, 1/2]); Q ~ Categorical([0.9, 0.1])" --nats
    derive eval "H(X | Y)" --model-file pmf.json --dps 50
    derive eval "I(X; Y) <= h(p)" --model "..." --set p=1/10     (a statement: both sides and whether it holds)

EXPR is derive's expression language (as in proof files; ``log`` is base 2 unless ``--nats``).
MODEL is the mini-language of :mod:`derive.numeric.model_spec`; ``--model-file`` reads a JSON
pmf table (format documented there; a ``derive verify --json`` counterexample's ``joint`` works as is).
Values are in bits unless ``--nats``. Without ``--dps`` the value is computed in float64; with it,
with mpmath at D digits on the exact model (``"digits"`` holds the D-digit string).

JSON: ``{"value": float, "units": "bits" | "nats" | null}`` (``null`` for an expression without information
quantities; plus ``"digits"``, ``"dps"`` with ``--dps``). A statement:
``lhs``, ``rhs``, ``holds``, ``relation``, ``units`` and ``certified``: ``true`` with ``slack_enclosure`` when interval
arithmetic (arb) on the exact model decides the verdict (false: the slack's enclosure lies below 0; true: inside
``[0, inf)``, an equality only when exact); else ``false`` with ``not_certified_because``, and ``holds`` is the
float/mpmath verdict within a tolerance, never a certified counterexample. Exit 0; 1 when a statement is false;
2 bad input.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
from fractions import Fraction
from typing import Any

import mpmath

from derive.errors import InvalidArgument, ParseError

__all__ = ["register", "cmd_eval", "evaluate_text"]

EXIT_OK, EXIT_NO = 0, 1


def register(subparsers) -> None:
    """Add the ``eval`` subcommand."""
    e = subparsers.add_parser(
        "eval", help="evaluate an information quantity on a concrete model",
        description="Evaluate EXPR (derive's expression language) on a concrete model, e.g. "
                    "derive eval \"I(X; Y)\" --model \"X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)\"")
    e.add_argument("expr", metavar="EXPR", help='an expression such as "I(X; Y | Z)" (or a statement "a <= b")')
    e.add_argument("--model", metavar="MODEL", default=None,
                   help='e.g. "X ~ Bernoulli(1/2); Y | X ~ BSC(1/10)"; Uniform(k), Categorical([...]), '
                        "BSC, BEC, Z, QSC, matrix([[...]])")
    e.add_argument("--model-file", metavar="FILE", default=None, help="a JSON pmf table (see derive.numeric.model_spec)")
    e.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value, e.g. --set delta=1/10 (repeatable)")
    e.add_argument("--dps", type=int, default=None, metavar="D", help="evaluate with mpmath at D digits")
    e.add_argument("--nats", action="store_true", help="information in nats (log base e) instead of bits")
    e.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    e.set_defaults(func=cmd_eval)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _parameters(sets: list[str]) -> dict:
    from derive.numeric.model_spec import parse_number_expression

    out = {}
    for item in sets:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise InvalidArgument(f"Expected --set NAME=VALUE (e.g. delta=1/10) but got {item!r}", file="--set")
        out[name] = parse_number_expression(value, f"--set {name}")
    return out


def evaluate_text(expr_text: str, *, model_text: str | None = None, model_file: str | None = None,
                  params: dict | None = None, units: str = "bits", dps: int | None = None) -> dict:
    """Evaluate ``expr_text`` on the model given as text or as a JSON file; returns the JSON-ready result.

    Raises
    ------
    DeriveError
        Unparsable expression or model, unknown variables, a value that is not real.
    """
    import sympy

    from derive.core.quantities import Dist
    from derive.core.statements import Statement
    from derive.io import ParseContext, parse_expression, parse_statement
    from derive.numeric.distributions import Model
    from derive.numeric.evaluate import evaluate
    from derive.numeric.gaussian import ArbGaussian, GaussianModel
    from derive.numeric.model_spec import parse_model, read_model_file

    if model_text is not None and model_file is not None:
        raise InvalidArgument("Expected one of --model and --model-file, not both")
    if dps is not None and not 15 <= dps <= 1000:
        raise InvalidArgument(f"Expected 15 <= --dps <= 1000 but got {dps}")
    params = dict(params or {})
    spec = parse_model(model_text) if model_text is not None else None
    file_model = read_model_file(model_file) if model_file is not None else None
    gaussian = file_model if isinstance(file_model, GaussianModel) else None
    if gaussian is not None:
        for k, v in gaussian.params.items():
            params.setdefault(k, v)
        gaussian, file_model = dataclasses.replace(gaussian, params=params), None
    names = spec.names() if spec is not None else (list(file_model.joint.names)
                                                   if file_model is not None and file_model.joint is not None else
                                                   [*gaussian.names, *gaussian.constants] if gaussian is not None else [])
    if file_model is not None:
        for k, v in file_model.params.items():
            params.setdefault(k, v)
    families: dict[str, list[int]] = {}
    for n in names:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[(-?[0-9]+)\]", n)
        if m:
            families.setdefault(m.group(1), []).append(int(m.group(2)))
    ctx = ParseContext(
        parameters={k: sympy.Symbol(k, real=True) for k in params},
        families={f: (sympy.Integer(min(ix)), sympy.Integer(max(ix))) for f, ix in families.items()},
        distributions=(list(file_model.distributions) if file_model is not None and file_model.distributions
                       is not None else []),
        units=units, file="EXPR", auto_variables=True)
    is_statement = any(op in expr_text for op in ("<=", ">=", "=="))
    parsed = parse_statement(expr_text, ctx) if is_statement else parse_expression(expr_text, ctx)
    sides = (parsed.lhs, parsed.rhs) if isinstance(parsed, Statement) else (parsed,)
    dists = sorted({node.name for side in sides for node in sympy.preorder_traversal(side) if isinstance(node, Dist)})
    if gaussian is not None:
        return _continuous_result(parsed, lambda: ArbGaussian(gaussian, units), frozenset(gaussian.names),
                                  "a jointly Gaussian model", units, lambda e: gaussian.vanishes(e, "EXPR"))
    if file_model is not None and file_model.noise_widths:
        noisy = Model(file_model.joint, file_model.distributions, params, file_model.noise_widths)
        make = _arb_evaluator(noisy, units)
        if make is None:
            raise InvalidArgument("a noisy model needs exact probabilities")
        return _continuous_result(parsed, make, frozenset(noisy.noise_widths), "a model with continuous variables "
                                  "(noise_widths)", units)
    if spec is not None:
        model = spec.build(dists, params)
    elif file_model is not None:
        model = Model(file_model.joint, file_model.distributions, params)
    else:
        model = Model(params=params)
    precision = "mp" if dps is not None else "float"
    kw = dict(units=units, precision=precision, dps=dps or 50)

    def value(e):
        v = evaluate(e, model, **kw)
        out = {"value": float(v)}
        if dps is not None:
            out["digits"] = mpmath.nstr(v, dps, strip_zeros=False) if mpmath.isfinite(v) else str(v)
        elif not math.isfinite(out["value"]) or out["value"] == 0:  # maybe beyond float's range: exp(±10^10)
            wide = evaluate(e, model, units=units, precision="mp", dps=20)  # mpmath's exponents are unbounded
            if mpmath.isfinite(wide) and wide != 0:
                out = {"value": None if not math.isfinite(out["value"]) else out["value"],
                       "digits": mpmath.nstr(wide, 17)}
        return out

    if isinstance(parsed, Statement):
        from derive.core.quantities import has_information

        lhs, rhs = value(parsed.lhs), value(parsed.rhs)
        for side, part in ((parsed.lhs, lhs), (parsed.rhs, rhs)):  # a side shown outside its enclosure: the ball
            if has_information(side) and (part["value"] is not None and math.isfinite(part["value"])
                                          or "digits" in part):
                found = _certified_value(side, _arb_evaluator(model, units), part)
                part.update({k: found[k] for k in ("value", "digits") if k in found})
        a, b = evaluate(parsed.lhs, model, **kw), evaluate(parsed.rhs, model, **kw)
        if dps is None and not (math.isfinite(float(a)) and math.isfinite(float(b))):  # compare beyond float's range
            a, b = (evaluate(side, model, units=units, precision="mp", dps=30) for side in (parsed.lhs, parsed.rhs))
        tol = 1e-12 * max(1.0, abs(float(a)) if math.isfinite(float(a)) else 1.0,
                          abs(float(b)) if math.isfinite(float(b)) else 1.0)
        with mpmath.workdps(dps or 15):  # at the working precision: a tolerance added at 15 digits would round away
            if dps is not None:
                tol = mpmath.mpf(10) ** (-(dps * 3) // 5)
            holds = {"<=": a <= b + tol, ">=": a + tol >= b, "==": abs(a - b) <= tol}[parsed.rel]
        out = {"lhs": lhs["value"], "rhs": rhs["value"], "holds": bool(holds), "relation": parsed.rel,
               "units": units if _in_units(parsed.lhs) or _in_units(parsed.rhs) else None}
        out.update({f"{side}_digits": part["digits"] for side, part in (("lhs", lhs), ("rhs", rhs)) if "digits" in part})
        out.update(_certified_verdict(parsed, _arb_evaluator(model, units)))
        if dps is not None:
            out.update({"lhs_digits": lhs["digits"], "rhs_digits": rhs["digits"], "dps": dps})
        return out
    from derive.core.quantities import has_information

    out = value(parsed)
    out["units"] = units if _in_units(parsed) else None
    if has_information(parsed):
        out.update(_certified_value(parsed, _arb_evaluator(model, units), out))
        if out.get("exactly_zero"):
            out["value"] = 0.0  # float rounding had left -2.2e-16 for h(1/10) - H(Y | X) on a BSC(1/10)
    if dps is not None:
        out["dps"] = dps
    return out


def _exact_marginals(model) -> Any:
    """``names -> (numerators, denominator)`` of the model's exact joint pmf (``None`` if it is not exact)."""
    joint = model.joint
    if joint is not None and not joint.is_exact:
        return None

    def marginal(names: frozenset) -> tuple[list[int], int]:
        if joint is None or not names <= set(joint.names):
            raise ValueError("a variable is not in the model")
        cells = [Fraction(x) for x in joint.marginal(sorted(names)).table.flat]
        denom = math.lcm(*(c.denominator for c in cells))
        return [int(c * denom) for c in cells], denom

    return marginal


def _in_units(expr: Any) -> bool:
    """The value of ``expr`` depends on the units (bits or nats): it has an entropy, a mutual information, a
    divergence, a binary entropy ``h`` or a logarithm. A total variation, or a number without a log, has no units."""
    import sympy

    from derive.core.quantities import D, H, I, h

    return any(isinstance(a, (H, I, D, h, sympy.log)) for a in sympy.preorder_traversal(expr))


def _arb_evaluator(model, units: str):
    """A maker of the arb evaluator (:class:`derive.numeric.certify.ArbInformation`) on the exact model, or ``None``
    when a probability is a float."""
    from derive.numeric.certify import ArbInformation

    marginal = _exact_marginals(model)
    dists = {}
    for name in model.distributions or ():
        pmf = list(model.distributions[name])
        if not all(isinstance(x, (int, Fraction)) and not isinstance(x, bool) for x in pmf):
            marginal = None
        dists[name] = pmf
    params = {str(k): v for k, v in model.params.items()}
    widths = dict(model.noise_widths)
    return None if marginal is None else (lambda: ArbInformation(marginal, dists, params, units, widths))


def _continuous_result(parsed, make, continuous: frozenset, what: str, units: str, vanishes=None) -> dict:
    """``derive eval`` on a model with continuous variables ``continuous``: a noisy model (``noise_widths``: ``V = w (D
    + U)``, :mod:`derive.numeric.noisy`) or a jointly Gaussian one (``covariance``); every value from the interval
    arithmetic of the evaluator ``make()`` builds (:class:`~derive.numeric.certify.ArbInformation` with the widths,
    :class:`~derive.numeric.gaussian.ArbGaussian`); only ``H`` and ``I`` are read, and an atom infinite for a
    continuous variable (``I(X; X)``) is refused. ``vanishes(e)``: whether an entropy combination is exactly 0 on
    the model (a Gaussian model's determinants), for ties the enclosures cannot decide; what neither decides is a
    numeric verdict, ``certified: false``."""
    from derive.core.statements import Statement
    from derive.errors import Uncertifiable
    from derive.numeric.gaussian import uses_only_entropies
    from derive.numeric.noisy import infinite_for_continuous

    sides = (parsed.lhs, parsed.rhs) if isinstance(parsed, Statement) else (parsed,)
    if not all(uses_only_entropies(side) for side in sides):
        raise InvalidArgument(f"on {what} derive eval reads H and I only")
    why = infinite_for_continuous(parsed if isinstance(parsed, Statement) else Statement(parsed, "==", parsed),
                                  continuous)
    if why:
        raise InvalidArgument(f"{why} on this model: its variables {', '.join(sorted(continuous))} are continuous")

    def exactly_zero(e) -> bool:
        return vanishes is not None and vanishes(e)

    def value(e) -> dict:
        try:
            out = {"value": float(make().value(e).mid())}
            out.update(_certified_value(e, make) or ({"exactly_zero": True} if exactly_zero(e) else {}))
        except Uncertifiable as err:
            raise InvalidArgument(f"cannot evaluate it on this model: {err}") from None
        return {**out, "value": 0.0} if out.get("exactly_zero") else out

    if isinstance(parsed, Statement):
        lhs, rhs = value(parsed.lhs)["value"], value(parsed.rhs)["value"]
        out = {"lhs": lhs, "rhs": rhs, "relation": parsed.rel, "units": units}
        verdict = _certified_verdict(parsed, make)
        if not verdict["certified"] and exactly_zero(parsed.lhs - parsed.rhs):  # a tie, decided exactly
            verdict = {"holds": True, "certified": True, "slack_enclosure": "0"}
        if not verdict["certified"]:  # the numeric verdict stands, as for a float model
            tol = 1e-12 * max(1.0, abs(lhs), abs(rhs))
            verdict["holds"] = {"<=": lhs <= rhs + tol, ">=": lhs + tol >= rhs, "==": abs(lhs - rhs) <= tol}[parsed.rel]
        out.update(verdict)
        return out
    return {**value(parsed), "units": units}


def _certified_verdict(statement, make) -> dict:
    """The verdict decided by interval arithmetic on the exact model whose evaluator ``make()`` builds (``None``: a
    float model; :func:`derive.numeric.certify.certified_slack`):
    ``{"holds", "certified": True, "slack_enclosure"}`` when the slack is certainly negative (false) or certainly
    ``>= 0`` (true; an equality only when exact), else ``{"certified": False, "not_certified_because"}`` and the
    numeric verdict stands."""
    from derive.numeric.certify import certified_slack

    if make is None:
        return {"certified": False, "not_certified_because": "the model has inexact (float) probabilities"}
    why = ""
    for want, holds in (("negative", False), ("nonnegative", True)):
        cert, why = certified_slack(make, statement, want)
        if cert is not None:
            return {"holds": holds, "certified": True, "slack_enclosure": cert.text()}
    return {"certified": False, "not_certified_because": why}


def _certified_value(expr, make, shown: dict | None = None) -> dict:
    """An information quantity's value on the exact model: ``{"enclosure"}``, an arb ball excluding 0, or
    ``{"exactly_zero": True}`` when every ball holds 0 and the exact value is 0 (the kernel's sign engine decides
    it); ``{}`` when neither (a float model, an expression arb cannot enclose). When the value ``shown`` (its
    ``"digits"`` if it has them, else its float ``"value"``) differs from the ball's midpoint by more than float
    rounding — cancellation: ``I(X; Y) = 2.5e-300`` computed as ``0.0`` from entropies near 0.47, or
    ``H(X) = 1.3e-397`` for Bernoulli(1e-400) computed as ``1.7e-41`` at 20 digits — the midpoint replaces it:
    ``{"value", "digits"}`` (17 digits) too."""
    import sympy

    from derive.core.statements import Statement
    from derive.numeric.certify import CertifiedValue, certify, exact_slack_sign

    if make is None:
        return {}
    cert = certify(lambda: CertifiedValue("interval", interval=make().value(expr)), "nonzero")
    if cert is not None:
        out = {"enclosure": cert.text()}
        ball = cert.interval
        if shown is not None and ball is not None and (shown.get("value") is not None or "digits" in shown):
            digits = ball.mid().str(17, radius=False)
            with mpmath.workdps(30):
                mid = mpmath.mpf(digits)
                value = mpmath.mpf(shown["digits"]) if "digits" in shown else mpmath.mpf(shown["value"])
                off = abs(value - mid) > mpmath.mpf(10) ** -12 * abs(mid)   # not float rounding
            if off:
                out.update(value=float(mid), digits=digits)
        return out
    return {"exactly_zero": True} if exact_slack_sign(make(), Statement(expr, "==", sympy.S.Zero)) == "zero" else {}


def cmd_eval(args: argparse.Namespace) -> int:
    params = _parameters(args.set)
    try:
        result = evaluate_text(args.expr, model_text=args.model, model_file=args.model_file, params=params,
                               units="nats" if args.nats else "bits", dps=args.dps)
    except RecursionError:
        raise ParseError("the input nests too deeply to process", file="EXPR") from None
    if args.json:
        print(json.dumps(result))
    elif "holds" in result:
        # 15 digits: float64's last digits differ between two ways to one value (h(1/10) and H(Y | X) of a BSC)
        lhs, rhs = (result[f"{side}_digits"] if f"{side}_digits" in result else f"{result[side]:.15g}"
                    for side in ("lhs", "rhs"))
        how = ((("certified: the slack is exactly 0" if result["slack_enclosure"] == "0" else
                 f"certified: the slack lies in {result['slack_enclosure']}")) if result["certified"]
               else f"numerically; not certified: {result['not_certified_because']}")
        verdict = "true" if result["holds"] else "FALSE"
        print(f"{verdict} ({how}): {lhs} {result['relation']} {rhs}" + (f" ({result['units']})" if result["units"] else ""))
    else:
        how = (" (exactly 0)" if result.get("exactly_zero") else
               f" (certified: in {result['enclosure']})" if result.get("enclosure") else "")
        # 15 digits, as for statements: float64's last digits are rounding noise (H(Y | X) = 1/3 printed ...326)
        value = result.get("digits") or repr(float(f"{result['value']:.15g}"))
        print(value + (f" {result['units']}" if result["units"] else "")
              + how)
    return EXIT_OK if result.get("holds", True) else EXIT_NO
