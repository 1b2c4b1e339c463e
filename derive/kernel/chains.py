"""SDPI along a Markov chain of channels, for a chain of symbolic length.

One rule, ``sdpi_chain``::

    U -> X[lo] -> ... -> X[hi]   (U, W in the links before the run)
    X[i] | X[i-1] ~ K            for every i in m+1..j
    lo <= m <= j <= hi,  eta >= eta_KL(K),  eta >= 0
    -----------------------------------------------------------  sdpi_chain
    I(U; X[j] | W) <= eta^(j - m) * I(U; X[m] | W)

Why it holds: for each ``i`` in ``m+1..j``, ``(U, W) -> X[i-1] -> X[i]`` is a
sub-chain of the hypothesis and ``X[i] | X[i-1] ~ K``, so one SDPI step gives
``I(U; X[i] | W) <= eta_KL(K) * I(U; X[i-1] | W) <= eta * I(U; X[i-1] | W)``
(``I >= 0``); induction on ``i`` multiplies these, which needs ``eta >= 0``.
The claim must read exactly ``eta^(j - m)`` (weaker constants: compose with
``linear``). The coefficient's source decides the status, as for ``sdpi``:
a cited closed form (BSC: ``(1 - 2 delta)^2``) makes the step ``assumed``.
"""

from __future__ import annotations

import sympy

from derive.core.hypotheses import Channel, ChannelFamily, ChannelSpec, MarkovFamily
from derive.core.linear import is_zero_coefficient
from derive.core.notation import show
from derive.core.quantities import I
from derive.core.statements import Statement
from derive.core.variables import MAX_EXPANDED_RANGE, FamilyMember, FamilyRange, RVSet
from derive.errors import RuleMismatch
from derive.kernel.coefficients import Coefficient, smallest_value
from derive.kernel.context import ASSUMED, PROVED, RuleOutcome, StepContext
from derive.kernel.independence import implies_independence
from derive.kernel.rules import channel_coefficients, contraction_parts, first_at_most, register
from derive.kernel.signs import is_nonnegative

__all__ = ["mutual_info_le_power_contraction_of_markov_chain"]

_SHAPE = "I(U; X[k]) <= eta^k * I(U; X[0])"


def _member(s: RVSet) -> FamilyMember | None:
    return s.args[0] if len(s) == 1 and isinstance(s.args[0], FamilyMember) else None


def _mentions(s: RVSet, family: str) -> bool:
    return any(isinstance(it, (FamilyMember, FamilyRange)) and it.family == family for it in s.args)


def _parts(ctx: StepContext) -> tuple[RVSet, FamilyMember, FamilyMember, sympy.Expr, RVSet]:
    """``(U, X[j], X[m], c, W)`` from ``I(U; X[j] | W) <= c * I(U; X[m] | W)``."""
    small, coeff, big = contraction_parts(ctx, _SHAPE)
    for u, y in ((small.left, small.right), (small.right, small.left)):
        out = _member(y)
        if out is None:
            continue
        for a, x in ((big.left, big.right), (big.right, big.left)):
            inp = _member(x)
            if a == u and inp is not None and inp.family == out.family:
                return u, out, inp, coeff, small.given
    raise ctx.mismatch("the two mutual informations must share one side U, the other being members X[j] and "
                         "X[m] of one family", _SHAPE)


def _chain_covers(ctx: StepContext, family: str, uw: RVSet, m: sympy.Expr, j: sympy.Expr,
                  length: int | None) -> str | None:
    """Which hypothesis gives ``(U, W) -> X[i-1] -> X[i]`` for every ``i`` in ``m+1..j``; ``None`` if none."""
    for hid, h in ctx.premise_hypotheses.items():
        if not isinstance(h, MarkovFamily) or h.family != family:
            continue
        before = RVSet(*h.before)
        if uw.issubset(before) and is_nonnegative(m - h.lo, ctx.domains) and is_nonnegative(h.hi - j, ctx.domains):
            return hid
    if length is not None:  # a finite run: each sub-chain from one hypothesis (ordinary Markov chains too)
        hyps = ctx.hypotheses()
        if all(implies_independence(hyps, uw, RVSet(FamilyMember(family, m + t)), RVSet(FamilyMember(family, m + t - 1)))
               for t in range(1, length + 1)):
            return "the Markov chain hypotheses"
    return None


def _family_covers(ctx: StepContext, h: ChannelFamily, family: str, a: sympy.Expr, b: sympy.Expr) -> bool:
    """``h`` gives ``X[i] | X[i-1]`` for every ``i`` in ``a..b``."""
    out = _member(h.output)
    inp = _member(h.input)
    if out is None or inp is None or out.family != family or inp.family != family:
        return False
    c = h.shift()
    if sympy.expand(out.index - inp.index) != 1:
        return False
    return is_nonnegative(a - c - h.lo, ctx.domains) and is_nonnegative(h.hi - (b - c), ctx.domains)


def _link_channels(ctx: StepContext, family: str, m: sympy.Expr, j: sympy.Expr,
                   length: int | None) -> list[tuple[str, ChannelSpec]] | None:
    """The channel of every link ``X[i] | X[i-1]``, ``i`` in ``m+1..j``: ``(hypothesis id, spec)`` per source."""
    families = [(hid, h) for hid, h in ctx.premise_hypotheses.items() if isinstance(h, ChannelFamily)]
    for hid, h in families:
        if _family_covers(ctx, h, family, m + 1, j):
            return [(hid, h.spec)]
    if length is None:
        return None
    singles = [(hid, h) for hid, h in ctx.premise_hypotheses.items() if isinstance(h, Channel)]
    found: list[tuple[str, ChannelSpec]] = []
    for t in range(1, length + 1):
        i = m + t
        y, x = RVSet(FamilyMember(family, i)), RVSet(FamilyMember(family, i - 1))
        hit = next(((hid, h.spec) for hid, h in singles if h.output == y and h.input == x), None)
        if hit is None:
            hit = next(((hid, h.spec) for hid, h in families if _family_covers(ctx, h, family, i, i)), None)
        if hit is None:
            return None
        if hit not in found:
            found.append(hit)
    return found


def _eta_candidates(ctx: StepContext, coeff: sympy.Expr, e: sympy.Expr, options: list[Coefficient]) -> list[sympy.Expr]:
    """Values of ``eta`` to try for ``coeff = eta^e`` (each is re-checked exactly; this only proposes)."""
    if ctx.args.get("eta") is not None:
        return [ctx.args["eta"]]
    out: list[sympy.Expr] = [o.value for o in options]
    if isinstance(coeff, sympy.Pow) and e != 0:
        base, ex = coeff.args
        out.append(sympy.Pow(base, sympy.cancel(ex / e)))
    elif e != 0 and e.is_Integer:
        out.append(sympy.root(coeff, int(e)))
    return out


@register("sdpi_chain")
def mutual_info_le_power_contraction_of_markov_chain(ctx: StepContext) -> RuleOutcome:
    """SDPI iterated along a chain: ``I(U; X[j]) <= eta^(j - m)·I(U; X[m])`` for ``eta >= eta_KL(K)``, ``eta >= 0``.

    Induction on ``j - m``: each link ``U -> X[i-1] -> X[i]`` with ``X[i] | X[i-1] ~ K`` contracts by
    ``eta_KL(K) <= eta``, and products of the non-negative factors ``eta`` keep the inequalities.

    Statement: U -> X[lo] -> ... -> X[hi], X[i] | X[i-1] ~ K for each link ⇒ I(U; X[j] | W) <= eta^(j - m) * I(U;
        X[m] | W) for lo <= m <= j <= hi, eta >= eta_KL(K), eta >= 0 (U, W before the run)
    Reference: Polyanskiy & Wu 2017 (SDPI), iterated along the chain by induction on its length
    Needs: a Markov chain through the family (`U -> X[0] -> ... -> X[k]`) and a channel for each link (`X[i] |
        X[i-1] ~ K for i in 1..k`)
    """
    u, out, inp, coeff, w = _parts(ctx)
    family, j, m = out.family, out.index, inp.index
    e = sympy.expand(j - m)
    if e.is_integer is not True:
        raise ctx.side(f"the number of links {show(e)} is not provably an integer")
    if not is_nonnegative(e, ctx.domains):
        raise ctx.side(f"needs {inp} before {out} in the chain ({show(e)} >= 0 is not provable)")
    if _mentions(u | w, family):
        raise ctx.mismatch(f"U and W must be outside the family {family}", _SHAPE)
    if not u.isdisjoint(w) or not u:
        raise ctx.mismatch("U must be non-empty and disjoint from the conditioning W", _SHAPE)
    length = int(e) if e.is_Integer and int(e) <= MAX_EXPANDED_RANGE else None
    if e.is_Integer and length is None:
        raise ctx.side(f"a finite run of {int(e)} links is longer than {MAX_EXPANDED_RANGE}; use a symbolic end")
    if length == 0:
        if is_zero_coefficient(coeff - 1):
            return RuleOutcome(PROVED, "no link: I <= 1 * I")
        raise ctx.mismatch("with no link between the two sides the coefficient is 1", Statement(
            I(u, RVSet(out), w), "<=", I(u, RVSet(inp), w)))
    chain = _chain_covers(ctx, family, u | w, m, j, length)
    if chain is None:
        raise ctx.side(f"needs the Markov chain {u | w} -> {family}[{show(m)}] -> ... -> "
                         f"{family}[{show(j)}] ({u | w} in the links before the run), and no hypothesis this "
                         f"step uses says so",
                    suggestion=f"add `markov = \"{u | w} -> {family}[{show(m)}] -> ... -> "
                               f"{family}[{show(j)}]\"` (or a longer chain) and list it in `uses`")
    links = _link_channels(ctx, family, m, j, length)
    if links is None:
        raise ctx.side(f"needs a channel {family}[i] | {family}[i-1] for every i in {show(m + 1)}.."
                         f"{show(j)}, and no hypothesis this step uses gives all of them",
                    suggestion=f"add `channel = \"{family}[i] | {family}[i-1] ~ ... for i in {show(m + 1)}.."
                               f"{show(j)}\"` and list it in `uses`")
    per_link: list[tuple[str, ChannelSpec, list[Coefficient]]] = []
    for hid, spec in links:
        # input-free bounds only: a link's output is the next link's input, whose law differs (AWGN at N(0, snr)
        # feeds N(0, snr + 1) on), so an input-specific value never serves every link
        options = channel_coefficients(ctx, spec, input_free=True)
        if not options:
            raise ctx.side(f"no valid contraction coefficient is known for {spec} ({hid})")
        per_link.append((hid, spec, options))
    tried = []
    for eta in _eta_candidates(ctx, coeff, e, [o for _, _, opts in per_link for o in opts]):
        if not is_zero_coefficient(coeff - eta ** e):
            continue
        tried.append(eta)
        if not is_nonnegative(eta, ctx.domains):
            continue
        chosen = []
        for hid, spec, options in per_link:
            if eta.is_Rational:
                options = channel_coefficients(ctx, spec, eta, input_free=True)
            ok = first_at_most(eta, options, ctx.domains)
            if ok is None:
                break
            chosen.append(ok)
        else:
            trusted = tuple(dict.fromkeys(c.fact for c in chosen if c.fact))
            status = ASSUMED if trusted else PROVED
            bounds = ", ".join(f"{show(c.value)} ({c.source})" for c in chosen)
            return RuleOutcome(status, f"eta = {show(eta)} >= 0 and >= {bounds}; induction over the "
                                       f"{show(e)} links of {chain}", trusted=trusted)
    if ctx.args.get("eta") is not None and tried and not is_nonnegative(tried[0], ctx.domains):
        raise ctx.side(f"eta = {show(tried[0])} is not provably >= 0 (the induction multiplies by eta)")
    best = smallest_value(per_link[0][2], ctx.domains)
    want = Statement(I(u, RVSet(out), w), "<=", best ** e * I(u, RVSet(inp), w))
    raise RuleMismatch(f"the coefficient {show(coeff)} is not eta^{show(e)} for an eta provably >= "
                       f"the contraction coefficient {show(best)} of each link"
                       + ("" if ctx.args.get("eta") is None else f" (eta = {show(ctx.args['eta'])} given)"),
                       step=ctx.step_id, rule=ctx.rule, expected=want, got=ctx.claim)
