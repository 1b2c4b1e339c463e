"""Exact sign certificates for expressions in parameters with interval domains.

``sign_of(expr, domains)`` returns what it can *prove* about the sign of
``expr`` for every admissible parameter value: one of ``"pos"``,
``"nonneg"``, ``"zero"``, ``"nonpos"``, ``"neg"`` or ``None`` (unknown).
Nothing here uses floating point. One interval engine does the work: every
node gets an enclosing interval with rational (or infinite) ends, each end open
or closed (:data:`Interval`), and the sign is read off the interval:

* numbers: a rational is its own interval; sympy decides the sign of any other
  constant (``sqrt(2)/2 - 7/10``) exactly or by certified evaluation (``h(q)``
  written with logs, each log of a rational over primes, when it cannot), and
  encloses it between two rationals whose sides it decides that way
  (:func:`_rational_enclosure`);
* parameters: their domain, open or closed ends as declared;
* ``+``, ``*``, integer powers, ``Max``, ``Min``: exact interval arithmetic
  (an end is closed only where it may be attained); ``exp``, ``log`` (``a > 0``),
  ``a^r`` (``r`` rational, ``a >= 0``) and ``h`` on each half of ``[0, 1]`` map
  ``a``'s interval to its image under the monotone function (:func:`_image`:
  irrational image ends replaced by rationals just beyond them), ``exp > 0``,
  ``log(a)`` has the sign of ``a - 1``, ``0 <= h(p) <= 1``; other powers of
  positive bases are positive; ``Abs(a)`` is ``a``'s interval with its negative part
  reflected; ``Sum`` of non-negative terms and information
  atoms (not differential entropies) are ``>= 0``; ``A^e - B^e``, two positive
  terms compared by their logs (``(1 + 1/n)^n <= e``) and sums with
  ``-c*h(b)`` terms by the rules of :func:`_difference_of_powers` and
  :func:`_binary_entropy_terms`;
* a rational function of one parameter: exact real-root counting (Sturm
  sequences via ``Poly.count_roots``) shows the numerator and denominator keep
  their sign, and the sign at one interior rational point fixes it; of several
  parameters with finite rational ends: the Bernstein coefficients of numerator
  and denominator on the box (:func:`_bernstein_sign`), halving it where needed;
* when nothing is known, ``sympy.factor`` and retry; each ``Abs``, ``Max``,
  ``Min`` whose sides compare one way on the whole domain written as the side it
  equals there (:func:`_unkinked`: on a piece of the domain cut at the kink), and
  retry; then, for a smooth
  expression of one real parameter (an integer one: on its real hull; ``h``
  included; also each factor of a product whose sign is asked), the mean value theorem: it
  is at least its value at an end it rises from (:func:`_from_an_end`:
  ``exp(p) >= 1 + p`` for ``p >= 0``), and, concave between two finite ends, at
  least the smaller of its values there (``h(p) >= 2p`` on ``[0, 1/2]``); on a half-line, the same for
  ``f(a - 1 + 1/t)`` on ``0 < t <= 1`` (:func:`_over_a_finite_range`: the limit at infinity is its value at 0);
  for ``x >= 0``, ``x^m log(c x^k)`` written through :class:`XLogX`, ``x ln x`` with its limit 0 at 0
  (:func:`_continuous_at_zero`).
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
from fractions import Fraction
from typing import Mapping

import sympy
from sympy import Rational, S

from derive.core.exprs import logs_over_primes, to_expr
from derive.core.parameters import Domain, Domains, as_domains
from derive.core.quantities import INFO_CLASSES, TV, H, I, h, h_as_logs
from derive.core.variables import RVSet, fresh_symbol

__all__ = ["sign_of", "is_nonnegative", "is_positive", "is_nonpositive", "is_defined", "infinite_part", "Sign"]

Sign = str | None

def is_nonnegative(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """True only when ``expr >= 0`` is proved for every parameter value in ``domains``."""
    return sign_of(expr, domains) in ("pos", "nonneg", "zero")


def is_positive(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """True only when ``expr > 0`` is proved."""
    return sign_of(expr, domains) == "pos"


def is_nonpositive(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """True only when ``expr <= 0`` is proved."""
    return sign_of(expr, domains) in ("neg", "nonpos", "zero")


def sign_of(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain], _depth: int = 0) -> Sign:
    """The proved sign of ``expr`` (see module docstring); ``None`` when unknown.

    Only an expression that is a real number at every admissible parameter value
    (:func:`is_defined`) gets a sign: ``exp(y*log(-x))`` for ``x > 0`` is complex, and no sign rule applies.
    """
    expr = to_expr(expr)
    try:
        if _depth == 0 and not is_defined(expr, domains):
            return None
        return _sign(_enclose(expr, domains, _depth, whole=True))
    except (OverflowError, MemoryError, ValueError):  # sympy evaluating a constant beyond mpmath's range: unknown
        if _depth:
            raise
        return None


#: ``(lo, lo_open, hi, hi_open)``: every value lies between the ends (excluded where open); ends are rational
#: or infinite (an infinite end is open).
Interval = tuple[sympy.Expr, bool, sympy.Expr, bool]
_ANY: Interval = (S.NegativeInfinity, True, S.Infinity, True)
_OF_SIGN: dict[Sign, Interval] = {
    "pos": (S.Zero, True, S.Infinity, True), "nonneg": (S.Zero, False, S.Infinity, True),
    "zero": (S.Zero, False, S.Zero, False), "nonpos": (S.NegativeInfinity, True, S.Zero, False),
    "neg": (S.NegativeInfinity, True, S.Zero, True), None: _ANY}


def _sign(iv: Interval) -> Sign:
    """The sign of every number in the interval."""
    lo, lo_open, hi, hi_open = iv  # ends are sympy rationals or infinities: their is_positive/is_zero are exact
    if lo.is_finite and (lo.is_positive or (lo.is_zero and lo_open)):
        return "pos"
    if hi.is_finite and (hi.is_negative or (hi.is_zero and hi_open)):
        return "neg"
    if lo.is_zero and hi.is_zero:
        return "zero"
    if lo.is_finite and lo.is_nonnegative:
        return "nonneg"
    if hi.is_finite and hi.is_nonpositive:
        return "nonpos"
    return None


def _enclose(expr: sympy.Expr, domains, depth: int, whole: bool = False) -> Interval:
    """An interval holding ``expr`` at every admissible parameter value: interval arithmetic over the parts
    (:func:`_bounds`), narrowed by exact root counting when ``expr`` is a rational function of one parameter,
    and, when nothing is known, by the same for ``sympy.factor(expr)``; for the ``whole`` expression a sign is
    asked of (not each part, whose derivatives would multiply the work), the mean value step."""
    if depth > 40:
        return _ANY
    iv = _bounds(expr, domains, depth, whole)
    if _sign(iv) in ("pos", "neg", "zero"):
        return iv
    univariate = _univariate(expr, domains) if len(expr.free_symbols) < 2 else _on_a_box(expr, domains) if whole \
        else None
    if univariate is not None:
        iv = _meet(iv, _OF_SIGN[univariate])
    if _sign(iv) is None and depth < 2 and not isinstance(expr, (sympy.Symbol, sympy.Number)) \
            and not expr.has(sympy.Sum):
        f = sympy.factor(sympy.cancel(expr)) if expr.is_rational_function() else sympy.factor(expr)
        if f != expr:
            iv = _meet(iv, _enclose(f, domains, depth + 1, whole))
    if _sign(iv) is None and depth < 3 and expr.has(sympy.Abs, sympy.Max, sympy.Min) and not expr.has(sympy.Sum):
        g = _unkinked(expr, domains, depth)
        if g != expr:
            iv = _meet(iv, _enclose(g, domains, depth + 1, whole))
    if _sign(iv) is None and depth < 3 and whole and expr.has(sympy.log) and not expr.has(XLogX):
        g = _continuous_at_zero(expr, domains)
        if g != expr:  # the same depth: g has no XLogX-free x·log(x) left, so this step does not apply to it again
            iv = _meet(iv, _enclose(g, domains, depth, whole))
    if _sign(iv) is None and depth < 3 and whole:
        iv = _meet(iv, _OF_SIGN[_from_an_end(expr, domains, depth)])
    if _sign(iv) is None and depth < 2 and whole:
        iv = _meet(iv, _OF_SIGN[_over_a_finite_range(expr, domains, depth)])
    return iv


class XLogX(sympy.Function):
    """``x ln x`` for ``x >= 0``, continuous at 0 where it is 0 (its limit); the sign engine's own function
    (:func:`_continuous_at_zero`), never in a statement. Derivative ``ln x + 1``."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return S.Zero
        if x.is_number and x.is_positive:
            return x * sympy.log(x)
        return None

    def fdiff(self, argindex=1):
        return sympy.log(self.args[0]) + 1


def _continuous_at_zero(f: sympy.Expr, domains) -> sympy.Expr:
    """``f`` with, for its one parameter ``x >= 0``, each ``log(c·x^k)`` (``c > 0`` a constant) written as
    ``log(c) + k·log(x)`` and then each term ``a·x^m·log(x)`` (``m > 0``) as ``(a/m)·XLogX(x^m)``: equal wherever ``f``
    is defined (there ``x > 0``), and defined at ``x = 0``, where it is the limit (``p ln(1/p) -> 0``)."""
    free = f.free_symbols
    d = domains.get(next(iter(free))) if len(free) == 1 else None
    if d is None or not d.lo >= 0 or _has_info(f):
        return f
    (x,) = free

    def power_of_x(u: sympy.Expr) -> tuple | None:  # (c, k) with u = c·x^k
        c, rest = u.as_independent(x, as_Add=False)
        k = S.One if rest == x else rest.exp if isinstance(rest, sympy.Pow) and rest.base == x else None
        return (c, k) if k is not None and k.is_Rational and _number_sign(c) == "pos" else None

    g = f.replace(lambda n: isinstance(n, sympy.log) and n.args[0] != x and power_of_x(n.args[0]) is not None,
                  lambda n: sympy.log(power_of_x(n.args[0])[0]) + power_of_x(n.args[0])[1] * sympy.log(x))
    if not g.has(sympy.log(x)):
        return f
    terms = []
    for term in sympy.Add.make_args(sympy.expand_mul(g)):
        a, rest = term.as_independent(x, as_Add=False)
        powers = rest.as_powers_dict()
        m = powers.get(x, S.Zero)
        if set(powers) == {x, sympy.log(x)} and powers[sympy.log(x)] == 1 and m.is_Rational and m > 0:
            term = a / m * XLogX(x ** m)
        terms.append(term)
    out = sympy.Add(*terms)
    return out if not out.has(sympy.log(x)) else f


def _over_a_finite_range(f: sympy.Expr, domains, depth: int) -> Sign:
    """The sign of ``f(x)`` on a half-line ``x >= a`` (integers: their real hull) is the sign of
    ``g(t) = f(a - 1 + 1/t)`` on ``0 < t <= 1`` (``t < 1`` where ``a`` is excluded): ``x -> 1/(x - a + 1)`` maps the
    half-line onto that range one to one; ``x <= b`` likewise with ``x = b + 1 - 1/t``. ``g`` is written over one
    denominator (``sympy.together``) and each rational argument of a function in lowest terms (``sympy.cancel``),
    both equal wherever ``f`` is defined, so that its value at the end ``t = 0`` (the limit at infinity) may be
    defined: ``n ln(1 + 1/n) <= 1`` for ``n >= 1`` is ``(ln(1 + t) - t)/t <= 0``."""
    params = _smooth_parameters(f, domains)
    if len(params) != 1:
        return None
    ((x, d),) = params
    (lo, lo_open), (hi, hi_open) = d.lower_bound(), d.upper_bound()
    if lo.is_finite == hi.is_finite or not is_defined(f, domains):
        return None
    image = lo - 1 + 1 / _T if lo.is_finite else hi + 1 - 1 / _T
    g = sympy.together(f.xreplace({x: image}).replace(  # each rational argument in lowest terms: log(1/(1 + t))
        lambda n: isinstance(n, (sympy.log, sympy.exp, h, sympy.Pow)) and n.args[0].is_rational_function(_T),
        lambda n: n.func(sympy.cancel(n.args[0]), *n.args[1:])))
    # the same depth: t's range is finite, so this step does not apply to g again
    return _sign(_enclose(g, Domains({_T: Domain(S.Zero, S.One, True, lo_open if lo.is_finite else hi_open)}, set()),
                          depth, whole=True))


#: The variable of :func:`_over_a_finite_range` (one for all calls, so its steps are cached; its range is finite, so
#: it is never substituted again).
_T = fresh_symbol("t", positive=True)


def _unkinked(expr: sympy.Expr, domains, depth: int) -> sympy.Expr:
    """``expr`` with each ``Abs(a)`` whose argument has a proved sign on the domain written as ``a`` or ``-a``, and
    each ``Max``/``Min`` of two parts whose difference has one written as that part: equal at every admissible value
    (on a piece of the domain that ``split`` cuts at a kink, ``p + |p - 1/2|`` is ``1/2`` or ``2p - 1/2``)."""
    def resolved(n: sympy.Expr) -> sympy.Expr:
        if not isinstance(n, sympy.Abs) and len(n.args) != 2:
            return n
        a, b = (n.args[0], -n.args[0]) if isinstance(n, sympy.Abs) else n.args  # |a| = max(a, -a)
        s = sign_of(a - b, domains, depth + 1)
        larger, smaller = (a, b) if s in ("pos", "nonneg", "zero") else (b, a) if s in ("neg", "nonpos") else (n, n)
        return smaller if isinstance(n, sympy.Min) else larger

    return expr.replace(lambda n: isinstance(n, (sympy.Abs, sympy.Max, sympy.Min)), resolved)


_SMOOTH = (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log, h, XLogX)


def _from_an_end(f: sympy.Expr, domains, depth: int) -> Sign:
    """Mean value theorem: ``f`` is at least its value at an end it rises from (``f' >= 0`` inside, the lower end; or
    ``f' <= 0``, the upper end) and at most its value at an end it rises to; for ``f`` built from real parameters by
    sums, products, powers, exp, log and ``h``, defined on the domain and differentiable inside (its derivative's
    formula defined there); an end's value counts only where ``f`` is defined with that end included (so continuous
    up to it). Between two finite ends, a concave ``f`` (``f'' <= 0`` inside) is at least the smaller of its values
    at the ends, a convex one at most the larger. The sign of ``f'`` may come from this same step applied to ``f'``
    (its ends included where its formula is defined there): ``2 sqrt(p(1-p)) - h(p)`` has ``f'`` infinite at 0,
    falling on ``(0, 1/16)`` to a positive value, so ``f`` rises from ``f(0) = 0``. An integer domain is read as its
    real hull (which holds it; ``f`` must be defined on all of the hull: the step checks that on the domain it gets).
    With several parameters (only for the whole claim, not its derivatives), the step runs in one of them, ``x``,
    with the others held anywhere in their domains: the signs of ``f'`` (in ``x``), ``f''`` and of the values at
    ``x``'s ends are decided over every value of the others, so the conclusion holds at each of them:
    ``(1 - x)^n >= 1 - n x`` (Bernoulli) rises in ``x`` from 0 for every integer ``n >= 1``."""
    params = _smooth_parameters(f, domains)
    if len(params) > 1 and depth > 0:
        return None
    for x, d in params:
        if d.integer:
            (lo, lo_open), (hi, hi_open) = d.lower_bound(), d.upper_bound()
            d = Domain(lo, hi, lo_open, hi_open)
        held = tuple(sorted(((y, e) for y, e in params if y != x), key=lambda ye: ye[0].name))
        s = _from_an_end_on(f, x, d, held, depth)
        if s is not None:
            return s
    return None


#: Most parameters the mean value step runs over (one at a time, the others held).
MAX_MEAN_VALUE_PARAMETERS = 3


def _smooth_parameters(f: sympy.Expr, domains) -> list:
    """``[(x, its domain), ...]`` for the parameters of ``f`` when it is built from at most
    :data:`MAX_MEAN_VALUE_PARAMETERS` parameters with domains by sums, products, powers, exp, log, ``h`` and
    ``XLogX`` (no information atoms); else ``[]``."""
    free = f.free_symbols
    if not 0 < len(free) <= MAX_MEAN_VALUE_PARAMETERS or any(x not in domains for x in free) or _has_info(f) \
            or any(not (n.is_Atom or isinstance(n, _SMOOTH)) for n in sympy.preorder_traversal(f)):
        return []
    return sorted(((x, domains[x]) for x in free), key=lambda xd: xd[0].name)


@functools.lru_cache(maxsize=2048)  # f depends on x and the held parameters alone; derivatives recur
def _from_an_end_on(f: sympy.Expr, x: sympy.Symbol, d: Domain, held: tuple, depth: int) -> Sign:
    domains = Domains({x: d, **dict(held)}, set())
    inside = domains.extended({x: Domain(d.lo, d.hi, True, True)})
    slope = _derivative(f, x, inside)
    if slope is None or not is_defined(f, domains):
        return None
    # the value at an end e speaks for the domain only where f is defined with e included (continuous up to e)
    with_end = lambda e: as_domains(domains).extended(  # noqa: E731 (the domain with the end e included)
        {x: Domain(d.lo, d.hi, d.lo_open and e != d.lo, d.hi_open and e != d.hi)})
    ends = {e: sign_of(f.xreplace({x: e}), domains, depth + 1) for e in (d.lo, d.hi)
            if e.is_finite and is_defined(f, with_end(e))}
    s, raw = sign_of(slope, inside, depth + 1), sympy.diff(f, x)
    combined = sympy.powsimp(raw, combine="exp")  # b^a b^c = b^(a + c) wherever both are defined
    if s is None and combined != raw:  # n - n(1 - x)^n/(1 - x) is n - n(1 - x)^(n - 1)
        s = sign_of(combined, inside, depth + 1)
    if s is None and depth < 2:  # f' by this same step, from sympy's own f' (its combined form's derivative grows fast)
        closed = {e: e.is_finite and is_defined(raw, with_end(e)) for e in (d.lo, d.hi)}
        s = _from_an_end(raw, as_domains(domains).extended(
            {x: Domain(d.lo, d.hi, d.lo_open or not closed[d.lo], d.hi_open or not closed[d.hi])}), depth + 1)
    rising, falling = s in ("pos", "nonneg", "zero"), s in ("neg", "nonpos", "zero")
    for least, most in [(d.lo, d.hi)] * rising + [(d.hi, d.lo)] * falling:  # where f is least, where most
        if ends.get(least) in ("pos", "nonneg", "zero"):
            return "pos" if ends[least] == "pos" else "nonneg"
        if ends.get(most) in ("neg", "nonpos", "zero"):
            return "neg" if ends[most] == "neg" else "nonpos"
    curve = _derivative(sympy.diff(f, x), x, inside) if len(ends) == 2 else None
    if curve is None:
        return None
    bent, at = sign_of(curve, inside, depth + 1), set(ends.values())
    if bent in ("neg", "nonpos", "zero") and at <= {"pos", "nonneg", "zero"}:  # concave: f lies above its chord
        return "pos" if at == {"pos"} else "nonneg"
    if bent in ("pos", "nonneg", "zero") and at <= {"neg", "nonpos", "zero"}:  # convex: f lies below its chord
        return "neg" if at == {"neg"} else "nonpos"
    return None


#: Largest derivative (``sympy.count_ops``) the mean value step works with: derivatives of derivatives grow fast.
MAX_DERIVATIVE_OPS = 300


def _derivative(f: sympy.Expr, x: sympy.Symbol, inside) -> sympy.Expr | None:
    """``f'`` over one denominator (``sympy.together``: sums of fractions combined, nothing cancelled), when both
    its formulas are defined at every point of ``inside`` (so ``f`` is differentiable there and they agree) and it
    has at most :data:`MAX_DERIVATIVE_OPS` operations."""
    raw = sympy.diff(f, x)
    if sympy.count_ops(raw) > MAX_DERIVATIVE_OPS:
        return None
    slope = sympy.together(raw)
    return slope if is_defined(raw, inside) and is_defined(slope, inside) else None


def _bounds(expr: sympy.Expr, domains, depth: int, whole: bool = False) -> Interval:
    """Interval arithmetic, node by node (each part through :func:`_enclose`; the factors of a ``whole`` product,
    whose signs give its sign, as wholes too)."""
    parts = lambda: [_enclose(a, domains, depth + 1) for a in expr.args]  # noqa: E731
    if expr.is_Rational:
        return expr, False, expr, False
    if expr.is_number and not expr.atoms(sympy.Symbol) and not _has_info(expr):
        # sympy decides the sign of a constant exactly or by certified evaluation; not with a bound index inside
        # (a Sum), where sympy would read the index's own assumptions instead of its range
        known = _number_sign(expr) or (_number_sign(logs_over_primes(h_as_logs(expr)))
                                       if expr.has(sympy.log, h) else None)
        if known is not None:  # evaluable: its sign, narrowed to rationals around it
            return _meet(_OF_SIGN[known], _rational_enclosure(expr))
        if not isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log)):
            return _ANY  # else the rules below, node by node (exp(exp(10^1000)) > 0 without evaluating)
    if isinstance(expr, sympy.Symbol):
        d = domains.get(expr)
        if d is None:
            return _OF_SIGN[next((s for s in ("pos", "nonneg", "neg", "nonpos")
                                  if getattr(expr, f"is_{_ASSUMPTION[s]}")), None)]
        (lo, lo_open), (hi, hi_open) = d.lower_bound(), d.upper_bound()
        return lo, lo_open or lo.is_infinite, hi, hi_open or hi.is_infinite
    if isinstance(expr, TV):  # (1/2) Σ_x |P(x) - Q(x)| lies in [0, 1]
        return S.Zero, False, S.One, False
    if isinstance(expr, INFO_CLASSES):
        return _ANY if _h_continuous(expr, domains) else _OF_SIGN["nonneg"]  # I, D >= 0; H >= 0 when discrete
    if isinstance(expr, sympy.Add):
        iv = functools.reduce(_iadd, parts())
        if _sign(iv) is None and any(_irrational_constant(a) for a in expr.args):  # c - sqrt(2)/2 for c >= 1
            iv = _meet(iv, functools.reduce(_iadd, [_rational_enclosure(a) if _irrational_constant(a) else
                                                    _enclose(a, domains, depth + 1) for a in expr.args]))
        if _sign(iv) not in ("pos", "neg", "zero"):
            iv = _meet(iv, _OF_SIGN[_difference_of_powers(expr, domains, depth) or _same_base_powers(expr, domains, depth)
                                    or _binary_entropy_terms(expr, domains, depth) or _above_least_xlogx(expr)])
        return iv
    if isinstance(expr, sympy.Mul):
        return functools.reduce(_imul, [_enclose(a, domains, depth + 1, whole) for a in expr.args])
    if isinstance(expr, sympy.Pow):
        base, ex = expr.args
        b = _enclose(base, domains, depth + 1)
        if ex.is_Integer:
            return _ipow(b, int(ex))
        if ex.is_Rational and (b[0] > 0 or (b[0] == 0 and (ex > 0 or b[1]))):  # a^r: monotone on a >= 0 (a > 0)
            return _meet(_OF_SIGN["pos" if _sign(b) == "pos" else "nonneg"], _image(
                lambda a: (S.Infinity if ex > 0 else S.Zero) if a.is_infinite else S.Infinity if a == 0 and ex < 0
                else a ** ex, b, increasing=ex > 0))
        e = sign_of(ex, domains, depth + 1)  # a^e with a >= 0: on the side of 1 where a is if e >= 0, across if e <= 0
        unit = ((S.Zero, b[1], S.One, False) if b[0] >= 0 and b[2] <= 1 and e in ("pos", "nonneg", "zero") else
                (S.One, False, S.Infinity, True) if b[0] >= 1 and e in ("pos", "nonneg", "zero") or
                b[0] > 0 and b[2] <= 1 and e in ("neg", "nonpos", "zero") else
                (S.Zero, True, S.One, False) if b[0] >= 1 and e in ("neg", "nonpos", "zero") else _ANY)
        if _sign(b) == "pos":
            return _meet(_OF_SIGN["pos"], unit)
        if _sign(b) in ("nonneg", "zero") and e == "pos":
            return _meet(_OF_SIGN[_sign(b)], unit)
        return unit
    if isinstance(expr, sympy.exp):  # increasing; ends beyond MAX_EXP_ARGUMENT are not evaluated
        return _meet(_OF_SIGN["pos"], _image(lambda a: sympy.sign(a) * S.Infinity if a.is_infinite or abs(a) >
                                             MAX_EXP_ARGUMENT else sympy.exp(a), _enclose(expr.args[0], domains, depth + 1)))
    if isinstance(expr, sympy.log):  # increasing on a > 0; log(a) has the sign of a - 1
        a = _enclose(expr.args[0], domains, depth + 1)
        if _sign(a) != "pos":
            return _ANY
        return _meet(_OF_SIGN[sign_of(expr.args[0] - 1, domains, depth + 1)],
                     _image(lambda x: S.NegativeInfinity if x == 0 else sympy.log(x), a))
    if isinstance(expr, h):  # 0 <= h(p) <= 1 (bits) for 0 <= p <= 1; rising on [0, 1/2], falling on [1/2, 1]
        p = _enclose(expr.args[0], domains, depth + 1)
        if not (p[0] >= 0 and p[2] <= 1):
            return _ANY
        value = lambda q: h(q) if h(q).is_Number else h(q).rewrite_as_logs()  # noqa: E731 (h(1/2) is 1)
        if p[2] <= S.Half or p[0] >= S.Half:
            return _meet((S.Zero, False, S.One, False), _image(value, p, increasing=p[2] <= S.Half))
        ends = [_image(value, (q, q_open, q, q_open)) for q, q_open in ((p[0], p[1]), (p[2], p[3]))]
        least = min(e[0] for e in ends)  # 1/2 lies inside: the largest value 1 is attained
        return least, all(e[1] for e in ends if e[0] == least), S.One, False
    if isinstance(expr, XLogX):  # falling on [0, 1/e], rising on [1/e, oo); least value -1/e
        a = _enclose(expr.args[0], domains, depth + 1)
        if a[0] < 0:
            return _ANY
        value = lambda v: v if v.is_infinite else XLogX(v)  # noqa: E731
        knee = sympy.exp(-1)
        if _number_sign(knee - a[2]) in ("pos", "zero") or _number_sign(a[0] - knee) in ("pos", "zero"):
            return _image(value, a, increasing=a[0] >= knee)
        ends = [_image(value, (q, q_open, q, q_open)) for q, q_open in ((a[0], a[1]), (a[2], a[3]))]
        top = max(e[2] for e in ends)  # 1/e lies inside: the least value -1/e is attained
        return _rational_enclosure(-knee)[0], True, top, all(e[3] for e in ends if e[2] == top)
    if isinstance(expr, sympy.Abs):  # |a|: the interval of a, its negative part reflected
        lo, lo_open, hi, hi_open = _enclose(expr.args[0], domains, depth + 1)
        if lo >= 0 or hi <= 0:
            return (lo, lo_open, hi, hi_open) if lo >= 0 else (-hi, hi_open, -lo, lo_open)
        top = max(hi, -lo)  # 0 lies inside: the least value 0 is attained
        return S.Zero, False, top, (hi_open or hi != top) and (lo_open or -lo != top)
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return _iextreme(parts(), isinstance(expr, sympy.Max))
    if isinstance(expr, sympy.Sum):  # an empty sum is 0, so only the weak sign of the summand carries over
        over = summand_over_range(expr, domains)
        if over is False:
            return _ANY
        if over is None:
            return _OF_SIGN["zero"]
        s = sign_of(*over, depth + 1)
        return _OF_SIGN["nonneg" if s in ("pos", "nonneg", "zero") else "nonpos" if s in ("neg", "nonpos") else None]
    return _ANY


_ASSUMPTION = {"pos": "positive", "nonneg": "nonnegative", "neg": "negative", "nonpos": "nonpositive"}


def _meet(x: Interval, y: Interval) -> Interval:
    """The intersection of two enclosures of one value (both hold)."""
    lo = max((x[0], x[1]), (y[0], y[1]), key=lambda e: (e[0], e[1]))
    hi = min((x[2], not x[3]), (y[2], not y[3]), key=lambda e: (e[0], e[1]))
    return lo[0], lo[1], hi[0], not hi[1]


def _iadd(x: Interval, y: Interval) -> Interval:
    lo, hi = x[0] + y[0], x[2] + y[2]
    if lo is S.NaN or hi is S.NaN:
        return _ANY
    return lo, x[1] or y[1] or lo.is_infinite, hi, x[3] or y[3] or hi.is_infinite


def _imul(x: Interval, y: Interval) -> Interval:
    """The product: extremes at the corners (``0 * oo = 0``); an extreme is attained (closed) only at a corner of
    two closed finite ends, or where one factor is a closed 0."""
    corners = []
    for a, a_open in ((x[0], x[1]), (x[2], x[3])):
        for b, b_open in ((y[0], y[1]), (y[2], y[3])):
            v = S.Zero if a == 0 or b == 0 else a * b
            closed = (a == 0 and not a_open) or (b == 0 and not b_open) or (
                not (a_open or b_open) and a.is_finite and b.is_finite)
            corners.append((v, closed))
    lo, hi = min(v for v, _ in corners), max(v for v, _ in corners)
    return (lo, not any(c for v, c in corners if v == lo) or lo.is_infinite,
            hi, not any(c for v, c in corners if v == hi) or hi.is_infinite)


def _irecip(x: Interval) -> Interval | None:
    """``1/x`` when the interval excludes 0 (an open 0 end becomes an infinite one)."""
    lo, lo_open, hi, hi_open = x
    if not (lo > 0 or (lo == 0 and lo_open) or hi < 0 or (hi == 0 and hi_open)):
        return None

    def inv(e: sympy.Expr, toward: sympy.Expr) -> sympy.Expr:
        return S.Zero if e.is_infinite else (toward if e == 0 else 1 / e)

    return inv(hi, S.NegativeInfinity), hi_open or hi.is_infinite, inv(lo, S.Infinity), lo_open or lo.is_infinite


def _ipow(x: Interval, k: int) -> Interval:
    """``x^k`` for an integer ``k`` (``0^0 = 1``)."""
    if k < 0:
        r = _irecip(x)
        return _ANY if r is None else _ipow(r, -k)
    lo, lo_open, hi, hi_open = x
    if k == 0:
        return S.One, False, S.One, False
    if k % 2 == 1 or lo >= 0:
        return lo ** k, lo_open, hi ** k, hi_open
    if hi <= 0:
        return hi ** k, hi_open, lo ** k, lo_open
    top = max(lo ** k, hi ** k)  # 0 lies inside: the least value 0 is attained
    return S.Zero, False, top, (lo_open or lo ** k != top) and (hi_open or hi ** k != top)


def _iextreme(parts: list[Interval], is_max: bool) -> Interval:
    """``Max``/``Min`` of values in the ``parts``."""
    if not is_max:
        flipped = _iextreme([(-p[2], p[3], -p[0], p[1]) for p in parts], True)
        return -flipped[2], flipped[3], -flipped[0], flipped[1]
    lo, hi = max(p[0] for p in parts), max(p[2] for p in parts)
    return (lo, any(p[1] for p in parts if p[0] == lo), hi, all(p[3] for p in parts if p[2] == hi))


#: Largest ``|a|`` at which the sign engine evaluates ``exp(a)`` for an end of an image (beyond: an infinite end).
MAX_EXP_ARGUMENT = 10 ** 4


def _image(f, x: Interval, increasing: bool = True) -> Interval:
    """``f`` of every value in ``x``, for ``f`` strictly monotone there (``f`` maps an end, infinite ones included,
    to its image): an image end is attained where ``x``'s end is; an irrational one is replaced by a rational just
    beyond it (open), or by an infinite end when none is certified."""
    lo, lo_open, hi, hi_open = x
    (a, a_open), (b, b_open) = ((lo, lo_open), (hi, hi_open)) if increasing else ((hi, hi_open), (lo, lo_open))
    out = []
    for v, v_open, upper in ((f(a), a_open, False), (f(b), b_open, True)):
        if not (v.is_Rational or v.is_infinite):
            v, v_open = _rational_enclosure(v)[2 if upper else 0], True
        out += [v, v_open or v.is_infinite]
    return tuple(out)


def _irrational_constant(x: sympy.Expr) -> bool:
    return bool(x.is_number) and not x.is_Rational and not x.atoms(sympy.Symbol) and not _has_info(x)


@functools.lru_cache(maxsize=4096)
def _rational_enclosure(x: sympy.Expr) -> Interval:
    """Rationals ``r1 < x < r2`` around sympy's 30-digit value of a real constant, each side proved by
    :func:`_number_sign` (the value only suggests the ends); nothing known when a check fails."""
    try:
        f = x.evalf(30)
        if not (f.is_Float and abs(f) < 10 ** 12):  # exp(exp(100)) as a rational would not fit in memory
            return _ANY
        v = sympy.Rational(int(f * 10 ** 25), 10 ** 25)  # never Rational(f): exp(-exp(100)) has a huge denominator
    except (TypeError, ValueError, OverflowError, MemoryError):
        return _ANY
    eps = (1 + abs(v)) / 10 ** 20
    if _number_sign(x - (v - eps)) == "pos" and _number_sign(v + eps - x) == "pos":
        return v - eps, True, v + eps, True
    return _ANY


def _number_sign(x: sympy.Expr) -> Sign:
    """sympy's exact or certified sign of a constant; ``None`` where its evaluation fails (``exp(exp(10^1000))``
    overflows mpmath)."""
    try:
        return "zero" if x.is_zero else "pos" if x.is_positive else "neg" if x.is_negative else None
    except (OverflowError, ValueError, MemoryError):
        return None


#: Functions real and finite at every real argument (reachable from the Python API; the grammar has none).
_REAL_EVERYWHERE = (sympy.sin, sympy.cos, sympy.tanh, sympy.atan, sympy.sinh, sympy.cosh, sympy.erf)


def is_defined(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """``expr`` is a (finite) real number for every parameter value in ``domains``.

    Proved node by node: a log of a provably positive argument; a power with a (symbolic) non-negative
    integer exponent, a possibly negative integer exponent of a provably non-zero base, a non-negative
    exponent of a non-negative base, any other exponent of a positive base; ``h(p)`` with ``0 <= p <= 1``;
    ``exp``, ``Abs``, ``Max``, ``Min``, sums and products of defined parts; information atoms (finite by
    the standing assumption); parameters and real symbols. Anything else (an unknown function, a complex
    constant such as ``log(-1)``) is not defined.
    """
    expr = to_expr(expr)
    if isinstance(expr, INFO_CLASSES):
        return infinite_part(expr, domains) is None
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        return expr.is_extended_real is True and expr.is_finite is True
    # any other constant is checked node by node like the rest: sympy calls exp(h(I*pi)) real because h is
    # declared real-valued, whatever its argument
    if isinstance(expr, sympy.Symbol):
        return expr in domains or expr.is_real is True
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Abs, sympy.Max, sympy.Min, sympy.exp, *_REAL_EVERYWHERE)):
        return all(is_defined(a, domains) for a in expr.args)
    if isinstance(expr, sympy.Pow):
        base, ex = expr.args
        if not (is_defined(base, domains) and is_defined(ex, domains)):
            return False
        if ex.is_integer and is_nonnegative(ex, domains):
            return True  # a polynomial power (0^0 = 1)
        if ex.is_integer:
            return sign_of(base, domains) in ("pos", "neg")
        if is_nonnegative(ex, domains):
            return is_nonnegative(base, domains)
        return is_positive(base, domains)
    if isinstance(expr, sympy.log):
        return len(expr.args) == 1 and is_defined(expr.args[0], domains) and is_positive(expr.args[0], domains)
    if isinstance(expr, h):
        p = expr.args[0]
        return is_defined(p, domains) and is_nonnegative(p, domains) and is_nonnegative(1 - p, domains)
    if isinstance(expr, XLogX):
        return is_defined(expr.args[0], domains) and is_nonnegative(expr.args[0], domains)
    if isinstance(expr, sympy.Sum):
        if not all(is_defined(e, domains) for lim in expr.limits for e in lim[1:]):
            return False
        over = summand_over_range(expr, domains)
        return over is not False and (over is None or is_defined(*over))
    return False


def summand_over_range(expr: sympy.Sum, domains) -> tuple[sympy.Expr, Domains] | None | bool:
    """The summand of ``sum(f, i, lo, hi)`` with each bound index replaced by a fresh integer that knows only its
    range (``lo <= i <= hi`` for integer ends, else ``i = lo + s`` with ``s >= 0``), never the index symbol's own
    assumptions or a parameter's domain under the same name; ``None`` for a provably empty range (the sum is 0);
    ``False`` for a range that is not provably one of integers running forwards (``hi >= lo - 1``), where sympy's
    reading (Karr: ``Σ_1^(-1/2) c = -c/2``) and the empty-sum one differ — no sign then, whoever built the sum.
    Outer limits come first: an inner limit may use an outer index."""
    f, doms, sub = expr.function, as_domains(domains), {}
    for var, lo, hi in reversed(expr.limits):
        lo, hi = lo.xreplace(sub), hi.xreplace(sub)
        if lo.is_integer is not True or hi.is_integer is not True or not is_nonnegative(hi - lo + 1, doms):
            return False
        if lo.is_Integer and hi.is_Integer:
            if hi < lo:
                return None
            sub[var] = fresh_symbol(str(var), integer=True)
            doms = doms.extended({sub[var]: Domain(lo, hi, False, False, True)})
        else:
            sub[var] = lo + fresh_symbol("s", integer=True, nonnegative=True)
    return f.xreplace(sub), doms


def infinite_part(atom: sympy.Expr, domains) -> object | None:
    """A continuous variable that may sit on both sides of ``atom = H(A | C)`` or ``I(A; B | C)``, where the
    quantity is infinite (``H(X | X) = -oo``, ``I(X; X) = +oo``); ``None`` when there is none (core keeps such
    atoms as written, since ``I(X; X) = H(X)`` holds for discrete ``X`` only)."""
    is_continuous = getattr(domains, "is_continuous", None)
    if is_continuous is None or not isinstance(atom, (H, I)):
        return None
    a, b = (atom.target, atom.given) if isinstance(atom, H) else (atom.left, atom.right)
    return next((x for x in a.args if is_continuous(x)
                 and not RVSet(x).provably_disjoint(b, lambda gap: is_positive(gap, domains))), None)


def _h_continuous(expr: sympy.Expr, domains) -> bool:
    """``H(A | C)`` with a continuous variable in ``A``: a differential entropy, of either sign."""
    is_cont = getattr(domains, "is_continuous", None)
    return isinstance(expr, H) and is_cont is not None and any(is_cont(it) for it in expr.target.args)


def _difference_of_powers(expr: sympy.Add, domains, depth: int) -> Sign:
    """``A^e - B^e`` with ``A, B >= 0`` and ``e > 0`` has the sign of ``A - B`` (``x -> x^e`` increases on
    ``[0, oo)``); ``exp(u)`` counts as ``exp(u/e)^e`` when ``u/e`` is free of ``e``'s symbols (``(1 - p)^n <=
    exp(-p n)``). A difference ``u - v`` of two positive terms with an ``exp`` or a symbolic exponent has the sign of
    ``ln u - ln v`` (:func:`_log_of`): ``(1 + 1/n)^n <= e`` is ``n ln(1 + 1/n) <= 1``."""
    if len(expr.args) != 2:
        return None
    u, v = expr.args

    def as_power(x: sympy.Expr, e: sympy.Expr) -> tuple | None:  # exp(u) = exp(u/e)^e for e > 0
        if isinstance(x, sympy.Pow):
            return x.args
        if isinstance(x, sympy.exp) and e.free_symbols and not (x.args[0] / e).free_symbols & e.free_symbols:
            return sympy.exp(x.args[0] / e), e
        return None

    for pos, neg in ((u, v), (v, u)):
        c, rest = neg.as_coeff_Mul()
        exponent = next((x.args[1] for x in (pos, rest) if isinstance(x, sympy.Pow)), None)
        if c == -1 and depth < 2 and _has_growth(pos - rest) and _positive(pos, domains, depth) \
                and _positive(rest, domains, depth):  # ln rises on (0, oo); near the top only (it recurses)
            s = sign_of(_log_of(pos, domains, depth) - _log_of(rest, domains, depth), domains, depth + 1)
            if s is not None:
                return s
        if c != -1 or exponent is None or None in (as_power(pos, exponent), as_power(rest, exponent)):
            continue
        (a, e), (b, f) = as_power(pos, exponent), as_power(rest, exponent)
        if e != f or not is_positive(e, domains):
            continue
        if not (is_nonnegative(a, domains) and is_nonnegative(b, domains)):
            continue
        s = sign_of(a - b, domains, depth + 1)
        return s if s in ("pos", "neg", "zero", "nonneg", "nonpos") else None
    return None


def _has_growth(x: sympy.Expr) -> bool:
    """``x`` has an ``exp`` or a power whose exponent is not a number (what a log turns into a product)."""
    return any(isinstance(n, sympy.exp) or (isinstance(n, sympy.Pow) and not n.args[1].is_Number)
               for n in sympy.preorder_traversal(x))


def _positive(x: sympy.Expr, domains, depth: int) -> bool:
    return sign_of(x, domains, depth + 1) == "pos"


def _log_of(x: sympy.Expr, domains, depth: int) -> sympy.Expr:
    """``ln x`` for ``x > 0``: ``ln(b^e) = e ln b`` (``b > 0``), ``ln(exp(u)) = u``, ``ln(a b) = ln a + ln b`` (each
    factor ``> 0``), ``ln e = 1``; else ``ln x`` as it is."""
    if isinstance(x, sympy.exp):
        return x.args[0]
    if x == sympy.E:
        return S.One
    if isinstance(x, sympy.Pow) and _positive(x.args[0], domains, depth):
        return x.args[1] * _log_of(x.args[0], domains, depth)
    if isinstance(x, sympy.Mul) and all(_positive(f, domains, depth) for f in x.args):
        return sympy.Add(*(_log_of(f, domains, depth) for f in x.args))
    return sympy.log(x)


def _above_least_xlogx(expr: sympy.Add) -> Sign:
    """``c + k·XLogX(u) >= 0`` for constants ``k > 0`` and ``c >= k/e``: ``x ln x >= -1/e``, attained at the
    irrational ``1/e``, where enclosures with rational ends cannot meet 0 (``x ln(1/x) <= 1/e``)."""
    xl = [t for t in expr.args if t.has(XLogX)]
    k, atom = xl[0].as_coeff_Mul() if len(xl) == 1 else (S.Zero, None)
    c = expr - xl[0] if xl else None
    if not (isinstance(atom, XLogX) and k.is_Number and k > 0 and c.is_number and not c.free_symbols):
        return None
    s = _number_sign(c - k * sympy.exp(-1))
    return "pos" if s == "pos" else "nonneg" if s == "zero" else None


def _same_base_powers(expr: sympy.Add, domains, depth: int) -> Sign:
    """``k (b^a - b^c)``, ``k > 0`` a number: for ``0 <= b <= 1`` it is ``>= 0`` when ``c >= a >= 0`` (``b^x`` falls in
    ``x``; at ``b = 0``, ``0^a = 0^c = 0`` for ``a > 0`` and ``0^0 = 1``), ``<= 0`` when ``a >= c >= 0``; for ``b >= 1``
    it has the weak sign of ``a - c`` (``b^x`` rises): ``(1 - p)^n >= (1 - p)^(n + 1)``, ``e^a`` against ``e^c``."""
    (k, u), (m, v) = (t.as_coeff_Mul() for t in expr.args) if len(expr.args) == 2 else ((S.One, None), (S.One, None))
    if not (k.is_Rational and k == -m and k != 0):
        return None
    (b, a), (base, c) = (u.as_base_exp(), v.as_base_exp()) if k > 0 else (v.as_base_exp(), u.as_base_exp())
    at_least = lambda e: sign_of(e, domains, depth + 1) in ("pos", "nonneg", "zero")  # noqa: E731
    lo, _, hi, _ = _enclose(b, domains, depth + 1) if b == base else (S.NegativeInfinity, True, S.Zero, True)
    if lo >= 0 and hi <= 1:
        return "nonneg" if at_least(c - a) and at_least(a) else "nonpos" if at_least(a - c) and at_least(c) else None
    return ("nonneg" if at_least(a - c) else "nonpos" if at_least(c - a) else None) if lo >= 1 else None


def _h_term(term: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(c, p)`` when ``term = c·h(p)`` with ``c`` a number."""
    c, rest = term.as_coeff_Mul()
    return (c, rest.args[0]) if isinstance(rest, h) and c.is_Number else None


def _h_ge(a: sympy.Expr, b: sympy.Expr, domains) -> bool:
    """``h(a) >= h(b)``: ``0 <= b <= a <= 1/2`` or ``1/2 <= a <= b <= 1`` (h rises on [0, 1/2], falls on [1/2, 1])."""
    return ((is_nonnegative(b, domains) and is_nonnegative(a - b, domains) and is_nonnegative(S.Half - a, domains))
            or (is_nonnegative(1 - b, domains) and is_nonnegative(b - a, domains)
                and is_nonnegative(a - S.Half, domains)))


def _binary_entropy_terms(expr: sympy.Add, domains, depth: int) -> Sign:
    """``>= 0`` for sums with negative binary-entropy terms ``-c·h(b)`` (``c > 0``), each bounded using
    ``h(b) <= h(a)`` against a positive term ``c'·h(a)`` (``c' >= c``) or ``h(b) <= 1`` (bits): if what is left
    is provably ``>= 0`` (``> 0``), so is ``expr``. Only the direction ``>= 0`` is concluded."""
    terms = list(expr.args)
    negative = [(i, t) for i, t in enumerate(terms) if (ht := _h_term(t)) is not None and ht[0] < 0]
    if not negative or depth > 20:
        return None
    lower = S.Zero  # a lower bound of expr, built term by term
    used: set[int] = set()
    for i, t in negative:
        c, b = _h_term(t)
        partner = None
        for j, u in enumerate(terms):
            hu = _h_term(u)
            if j in used or j == i or hu is None or hu[0] < -c or not _h_ge(hu[1], b, domains):
                continue
            partner = (j, hu)
            break
        if partner is not None:
            j, (c2, a) = partner
            used.update((i, j))
            lower += (c2 + c) * h(a)  # c2·h(a) + c·h(b) >= (c2 + c)·h(a) as c < 0 and h(b) <= h(a)
        elif is_nonnegative(b, domains) and is_nonnegative(1 - b, domains):
            used.add(i)
            lower += c  # c·h(b) >= c since c < 0 and h(b) <= 1 (bits)
        else:
            return None
    lower += sympy.Add(*(t for k, t in enumerate(terms) if k not in used))
    s = sign_of(lower, domains, depth + 1)
    if s == "pos":
        return "pos"
    return "nonneg" if s in ("nonneg", "zero") else None  # expr >= lower = 0 says >= 0, never == 0


def _has_info(expr: sympy.Expr) -> bool:
    return any(isinstance(a, INFO_CLASSES) for a in sympy.preorder_traversal(expr))


def _univariate(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> Sign:
    """Exact sign of a rational function of one parameter over its (real) domain."""
    free = expr.free_symbols
    if len(free) != 1 or _has_info(expr):
        return None
    (x,) = free
    d = domains.get(x)
    if d is None:
        if not x.is_real:
            return None
        (lo, lo_open), (hi, hi_open) = (S.NegativeInfinity, True), (S.Infinity, True)
    else:  # an integer domain is contained in its real hull, so this is sound
        (lo, lo_open), (hi, hi_open) = d.lower_bound(), d.upper_bound()
    return _rational_function_sign(expr, x, lo, lo_open, hi, hi_open)


@functools.lru_cache(maxsize=4096)  # derivatives and their parts come back many times in the mean value steps
def _rational_function_sign(expr: sympy.Expr, x: sympy.Symbol, lo, lo_open: bool, hi, hi_open: bool) -> Sign:
    if not expr.is_rational_function(x):
        return None
    num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
    try:
        pn = sympy.Poly(num, x, domain="QQ")
        pd = sympy.Poly(den, x, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed, ValueError):
        return None
    sn = _poly_sign_on(pn, lo, hi, lo_open, hi_open)
    sd = _poly_sign_on(pd, lo, hi, lo_open, hi_open)
    if sn is None or sd is None:
        return None
    if sd in ("nonneg", "nonpos", "zero"):
        return None  # the denominator may vanish: no claim
    return _sign(_imul(_OF_SIGN[sn], _OF_SIGN[sd]))


#: Most Bernstein coefficients, over every box, from which the sign of a polynomial in several parameters is read
#: (a polynomial with more than a tenth of that in one box is not tried).
MAX_BERNSTEIN_COEFFICIENTS = 4000


def _on_a_box(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> Sign:
    """Exact sign of a rational function of several parameters with finite rational ends (integer domains lie in
    their real hull), from the Bernstein coefficients of its numerator and denominator on the closed box."""
    xs = tuple(sorted(expr.free_symbols, key=str))
    ds = [domains.get(x) for x in xs]
    if _has_info(expr) or not expr.is_rational_function(*xs) or any(
            d is None or not (d.lo.is_Rational and d.hi.is_Rational) for d in ds):
        return None
    return _box_sign(sympy.cancel(sympy.together(expr)), xs,
                     tuple((d.lower_bound()[0], d.upper_bound()[0]) for d in ds))


@functools.lru_cache(maxsize=256)  # the same fraction comes back through the factored form
def _box_sign(fraction: sympy.Expr, xs: tuple, box: tuple) -> Sign:
    try:
        polys = [sympy.Poly(e, *xs, domain="QQ") for e in sympy.fraction(fraction)]
    except (sympy.PolynomialError, sympy.CoercionFailed, ValueError):
        return None
    degrees = [[max(q.degree(x), 0) for x in xs] for q in polys]
    if max(math.prod(d + 1 for d in ds) for ds in degrees) > MAX_BERNSTEIN_COEFFICIENTS // 10:
        return None  # too many coefficients in one box to leave room for halving it
    exact = lambda q: Fraction(int(q.p), int(q.q))  # noqa: E731 (a sympy rational as a fraction)
    budget, ends = [MAX_BERNSTEIN_COEFFICIENTS], [(exact(a), exact(b)) for a, b in box]
    sn, sd = (_bernstein_sign([(m, exact(c)) for m, c in q.terms()], ds, ends, budget) for q, ds in zip(polys, degrees))
    return _sign(_imul(_OF_SIGN[sn], _OF_SIGN[sd])) if sn and sd in ("pos", "neg") else None


def _bernstein_sign(terms: list, degrees: list[int], box: list, budget: list[int]) -> Sign:
    """Sign of ``p = Σ c·x^m`` (``terms``) on the closed ``box``: with ``x_i = lo_i + (hi_i - lo_i)·t_i``, ``p`` is a
    convex combination of its Bernstein coefficients ``b_J = Σ_(I <= J) a_I Π_i C(j_i, i_i)/C(d_i, i_i)`` (``a_I``
    its coefficients in ``t``; the tensor Bernstein basis is non-negative and sums to 1 on ``[0, 1]^k``), so
    ``min b <= p <= max b``; where they disagree in sign, each half box (every side halved) is checked, widest boxes
    first, until ``p`` is seen to change sign at two corners (``b`` there is ``p``'s value) or the budget is spent."""
    grid = list(itertools.product(*[range(d + 1) for d in degrees]))
    corners = [J for J in grid if all(j in (0, d) for j, d in zip(J, degrees))]
    found, boxes = set(), collections.deque([box])
    while boxes:
        sub = boxes.popleft()
        b: dict[tuple, Fraction] = {}
        for m, c in terms:  # a_I: expand Π (lo_i + w_i t_i)^(m_i)
            parts = [[(i, math.comb(e, i) * lo ** (e - i) * (hi - lo) ** i) for i in range(e + 1)]
                     for e, (lo, hi) in zip(m, sub)]
            for pick in itertools.product(*parts):
                index = tuple(i for i, _ in pick)
                b[index] = b.get(index, Fraction(0)) + c * math.prod(v for _, v in pick)
        for axis, d in enumerate(degrees):  # the 1-D transform along each axis in turn
            b = {J: sum((b.get(J[:axis] + (i,) + J[axis + 1:], 0) * Fraction(math.comb(J[axis], i), math.comb(d, i))
                         for i in range(J[axis] + 1)), Fraction(0)) for J in grid}
        budget[0] -= len(grid)
        least, most = min(b.values()), max(b.values())
        if least >= 0 or most <= 0:
            found.add("zero" if least == most == 0 else "pos" if least > 0 else "neg" if most < 0 else
                      "nonneg" if least == 0 else "nonpos")
        elif min(b[J] for J in corners) < 0 < max(b[J] for J in corners) or budget[0] < 0:
            return None
        else:
            boxes.extend(itertools.product(*[((lo, (lo + hi) / 2), ((lo + hi) / 2, hi)) for lo, hi in sub]))
    for sign, weaker in (("pos", "nonneg"), ("neg", "nonpos")):
        if found <= {sign}:
            return sign
        if found <= {sign, weaker, "zero"}:
            return "zero" if found == {"zero"} else weaker
    return None


def _poly_sign_on(p: sympy.Poly, lo: sympy.Expr, hi: sympy.Expr, lo_open: bool = False, hi_open: bool = False) -> Sign:
    """Sign of polynomial ``p`` on the interval from ``lo`` to ``hi`` (ends may be infinite; an open end is not in
    the interval, so a root there does not make the sign weak)."""
    if p.is_zero:
        return "zero"
    if p.degree() == 0:
        return _number_sign(p.LC())
    a = None if lo.is_infinite else lo
    b = None if hi.is_infinite else hi
    # roots of odd multiplicity strictly inside (lo, hi) change the sign
    touches_zero = False
    for factor, mult in p.sqf_list()[1]:
        n_closed = factor.count_roots(a, b)
        at_ends = sum(1 for e in (a, b) if e is not None and factor.as_expr().subs(factor.gen, e) == 0)
        if a is not None and b is not None and a == b:
            at_ends = min(at_ends, 1)
        interior = n_closed - at_ends
        if interior > 0 and mult % 2 == 1:
            return None
        at_open_ends = sum(1 for e, is_open in ((a, lo_open), (b, hi_open))
                           if e is not None and is_open and factor.as_expr().subs(factor.gen, e) == 0)
        if a is not None and b is not None and a == b:
            at_open_ends = min(at_open_ends, 1)
        if n_closed - at_open_ends > 0:  # a root inside, or at an end that belongs to the interval
            touches_zero = True
    for k in range(2, 12):
        v = p.as_expr().subs(p.gen, _interior_point(lo, hi, k))
        if v != 0:
            if v > 0:
                return "nonneg" if touches_zero else "pos"
            return "nonpos" if touches_zero else "neg"
    return None


def _interior_point(lo: sympy.Expr, hi: sympy.Expr, k: int) -> sympy.Rational:
    """The k-th of a sequence of distinct rational points inside ``(lo, hi)``."""
    if lo.is_infinite and hi.is_infinite:
        return Rational(1, k)
    if lo.is_infinite:
        return Rational(hi) - k
    if hi.is_infinite:
        return Rational(lo) + k
    return (Rational(lo) * k + Rational(hi)) / (k + 1)
