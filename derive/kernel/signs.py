"""Exact sign certificates for expressions in parameters with interval domains.

``sign_of(expr, domains)`` returns what it can *prove* about the sign of
``expr`` for every admissible parameter value: one of ``"pos"``,
``"nonneg"``, ``"zero"``, ``"nonpos"``, ``"neg"`` or ``None`` (unknown).
Nothing here uses floating point. The reasoning is structural:

* numbers: exact comparison (sympy decides signs of constant algebraic
  expressions such as ``sqrt(2)/2 - 7/10`` exactly or by certified evaluation);
* parameters: their domain's lower and upper ends;
* ``a + b``, ``a * b``, ``a ** k``, ``exp``, ``log``, ``sqrt``, ``h``,
  ``Sum``, ``Max``, ``Min``, ``Abs`` and the information atoms (``>= 0``):
  the usual sign rules;
* a rational function of one parameter on an interval: exact real-root
  counting (Sturm sequences via ``Poly.count_roots``) shows the numerator
  and denominator keep their sign, and the sign at one interior rational
  point fixes it;
* exact rational interval arithmetic over the parameters' domains (no
  rounding is needed: every bound is a rational or infinite);
* otherwise ``sympy.factor`` and retry.
"""

from __future__ import annotations

from typing import Mapping

import sympy
from sympy import Rational, S

from derive.core.exprs import to_expr
from derive.core.parameters import Domain
from derive.core.quantities import INFO_CLASSES, H, I, h
from derive.core.variables import RVSet

__all__ = ["sign_of", "is_nonnegative", "is_positive", "is_nonpositive", "is_defined", "infinite_part", "Sign"]

Sign = str | None

_NEG = {"pos": "neg", "nonneg": "nonpos", "zero": "zero", "nonpos": "nonneg", "neg": "pos", None: None}


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
    if _depth > 40:
        return None
    if _depth == 0 and not is_defined(expr, domains):
        return None
    s = _structural(expr, domains, _depth)
    if s in ("pos", "neg", "zero"):
        return s
    t = _univariate(expr, domains)
    if t is not None:
        return _meet(s, t)
    t = _interval_sign(expr, domains)
    if t is not None:
        s = _meet(s, t)
        if s in ("pos", "neg", "zero"):
            return s
    if s is None and _depth < 2 and not isinstance(expr, (sympy.Symbol, sympy.Number)) and not expr.has(sympy.Sum):
        f = sympy.factor(sympy.cancel(expr)) if expr.is_rational_function() else sympy.factor(expr)
        if f != expr:
            return sign_of(f, domains, _depth + 1)
    return s


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
    if isinstance(expr, sympy.Sum):
        bound = {lim[0] for lim in expr.limits}
        return (all(is_defined(e, domains) for lim in expr.limits for e in lim[1:])
                and all(s.is_integer for s in bound) and is_defined(expr.function, domains))
    return False


def infinite_part(atom: sympy.Expr, domains) -> object | None:
    """A continuous variable that may sit on both sides of ``atom = H(A | C)`` or ``I(A; B | C)``, where the
    quantity is infinite (``H(X | X) = -oo``, ``I(X; X) = +oo``); ``None`` when there is none (core keeps such
    atoms as written, since ``I(X; X) = H(X)`` holds for discrete ``X`` only)."""
    is_continuous = getattr(domains, "is_continuous", None)
    if is_continuous is None or not isinstance(atom, (H, I)):
        return None
    a, b = (atom.target, atom.given) if isinstance(atom, H) else (atom.left, atom.right)
    return next((x for x in a.args if is_continuous(x) and not RVSet(x).provably_disjoint(b)), None)


def _h_continuous(expr: sympy.Expr, domains) -> bool:
    """``H(A | C)`` with a continuous variable in ``A``: a differential entropy, of either sign."""
    is_cont = getattr(domains, "is_continuous", None)
    return isinstance(expr, H) and is_cont is not None and any(is_cont(it) for it in expr.target.args)


def _meet(a: Sign, b: Sign) -> Sign:
    """The more precise of two proved signs (both hold)."""
    if a is None:
        return b
    if b is None:
        return a
    order = {"zero": 0, "pos": 0, "neg": 0, "nonneg": 1, "nonpos": 1}
    return a if order[a] <= order[b] else b


def _number_sign(x: sympy.Expr) -> Sign:
    if x.is_zero:
        return "zero"
    if x.is_positive:
        return "pos"
    if x.is_negative:
        return "neg"
    return None


def _symbol_sign(x: sympy.Symbol, domains: Mapping[sympy.Symbol, Domain]) -> Sign:
    d = domains.get(x)
    if d is None:
        if x.is_positive:
            return "pos"
        if x.is_nonnegative:
            return "nonneg"
        if x.is_negative:
            return "neg"
        if x.is_nonpositive:
            return "nonpos"
        return None
    return _range_sign(*d.lower_bound(), *d.upper_bound())


def _range_sign(lo: sympy.Expr, lo_strict: bool, hi: sympy.Expr, hi_strict: bool) -> Sign:
    """The sign of every number in the interval from ``lo`` to ``hi`` (ends excluded when strict)."""
    if lo.is_finite and (lo > 0 or (lo == 0 and lo_strict)):
        return "pos"
    if hi.is_finite and (hi < 0 or (hi == 0 and hi_strict)):
        return "neg"
    if lo.is_finite and lo == 0 and hi.is_finite and hi == 0:
        return "zero"
    if lo.is_finite and lo >= 0:
        return "nonneg"
    if hi.is_finite and hi <= 0:
        return "nonpos"
    return None


def _structural(expr: sympy.Expr, domains, depth: int) -> Sign:
    if expr.is_Number or (expr.is_number and not expr.free_symbols and not _has_info(expr)):
        return _number_sign(expr)
    if isinstance(expr, sympy.Symbol):
        return _symbol_sign(expr, domains)
    if isinstance(expr, INFO_CLASSES):
        return None if _h_continuous(expr, domains) else "nonneg"  # I, D, TV >= 0; H >= 0 when discrete
    if isinstance(expr, sympy.Add):
        signs = [sign_of(a, domains, depth + 1) for a in expr.args]
        if all(s in ("pos", "nonneg", "zero") for s in signs):
            return "pos" if "pos" in signs else ("nonneg" if "nonneg" in signs else "zero")
        if all(s in ("neg", "nonpos", "zero") for s in signs):
            return "neg" if "neg" in signs else ("nonpos" if "nonpos" in signs else "zero")
        return _difference_of_powers(expr, domains, depth) or _binary_entropy_terms(expr, domains, depth)
    if isinstance(expr, sympy.Mul):
        result = "pos"
        for a in expr.args:
            s = sign_of(a, domains, depth + 1)
            if s is None:
                return None
            result = _mul(result, s)
        return result
    if isinstance(expr, sympy.Pow):
        base, ex = expr.args
        if ex.is_Integer and int(ex) % 2 == 0:
            bs = sign_of(base, domains, depth + 1)
            if bs in ("pos", "neg"):
                return "pos"
            if bs == "zero" and ex > 0:
                return "zero"
            return "nonneg" if ex > 0 else ("pos" if bs in ("pos", "neg") else None)
        bs = sign_of(base, domains, depth + 1)
        if bs == "pos":
            return "pos"
        if bs in ("nonneg", "zero"):
            es = sign_of(ex, domains, depth + 1)
            if es == "pos":
                return "nonneg" if bs == "nonneg" else "zero"
            return None
        if bs in ("neg", "nonpos") and ex.is_Integer:
            if int(ex) % 2 == 1:
                return bs if ex > 0 else ("neg" if bs == "neg" else None)
        return None
    if isinstance(expr, sympy.exp):
        return "pos"
    if isinstance(expr, sympy.log):
        arg = expr.args[0]
        s = sign_of(arg - 1, domains, depth + 1)
        if sign_of(arg, domains, depth + 1) != "pos":
            return None
        return {"pos": "pos", "nonneg": "nonneg", "zero": "zero", "neg": "neg", "nonpos": "nonpos"}.get(s)
    if isinstance(expr, h):
        p = expr.args[0]
        if is_nonnegative(p, domains) and is_nonnegative(1 - p, domains):
            return "nonneg"
        return None
    if isinstance(expr, sympy.Abs):
        return "nonneg"
    if isinstance(expr, sympy.Max):
        signs = [sign_of(a, domains, depth + 1) for a in expr.args]
        if any(s == "pos" for s in signs):
            return "pos"
        if any(s in ("nonneg", "zero") for s in signs):
            return "nonneg"
        return None
    if isinstance(expr, sympy.Min):
        signs = [sign_of(a, domains, depth + 1) for a in expr.args]
        if all(s == "pos" for s in signs):
            return "pos"
        if all(s in ("pos", "nonneg", "zero") for s in signs):
            return "nonneg"
        return None
    if isinstance(expr, sympy.Sum):
        s = sign_of(expr.function, domains, depth + 1)
        if s in ("pos", "nonneg", "zero"):
            return "nonneg"
        if s in ("neg", "nonpos"):
            return "nonpos"
        return None
    return None


def _difference_of_powers(expr: sympy.Add, domains, depth: int) -> Sign:
    """``A^e - B^e`` with ``A, B >= 0`` and ``e > 0`` has the sign of ``A - B`` (``x -> x^e`` increases on
    ``[0, oo)``)."""
    if len(expr.args) != 2:
        return None
    u, v = expr.args
    for pos, neg in ((u, v), (v, u)):
        c, rest = neg.as_coeff_Mul()
        if c != -1 or not (isinstance(pos, sympy.Pow) and isinstance(rest, sympy.Pow)):
            continue
        (a, e), (b, f) = pos.args, rest.args
        if e != f or not is_positive(e, domains):
            continue
        if not (is_nonnegative(a, domains) and is_nonnegative(b, domains)):
            continue
        s = sign_of(a - b, domains, depth + 1)
        return s if s in ("pos", "neg", "zero", "nonneg", "nonpos") else None
    return None


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


def _mul(a: str, b: str) -> str:
    if a == "zero" or b == "zero":
        return "zero"
    neg = (a in ("neg", "nonpos")) != (b in ("neg", "nonpos"))
    strict = a in ("pos", "neg") and b in ("pos", "neg")
    if neg:
        return "neg" if strict else "nonpos"
    return "pos" if strict else "nonneg"


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
    return _mul(sn, sd)


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


Interval = tuple[sympy.Expr, sympy.Expr]


def _interval_sign(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> Sign:
    iv = _interval(expr, domains, 0)
    return None if iv is None else _range_sign(iv[0], False, iv[1], False)


def _interval(expr: sympy.Expr, domains, depth: int) -> Interval | None:
    """An enclosing closed interval ``[lo, hi]`` with rational (or infinite) ends, or ``None``."""
    if depth > 60:
        return None
    if expr.is_Rational:
        return expr, expr
    if isinstance(expr, sympy.Symbol):
        d = domains.get(expr)
        if d is None:
            if expr.is_nonnegative:
                return S.Zero, S.Infinity
            return None
        return d.lower_bound()[0], d.upper_bound()[0]
    if isinstance(expr, sympy.Add):
        lo, hi = S.Zero, S.Zero
        for a in expr.args:
            iv = _interval(a, domains, depth + 1)
            if iv is None:
                return None
            lo, hi = lo + iv[0], hi + iv[1]
        if lo is S.NaN or hi is S.NaN:
            return None
        return lo, hi
    if isinstance(expr, sympy.Mul):
        acc: Interval = (S.One, S.One)
        for a in expr.args:
            iv = _interval(a, domains, depth + 1)
            if iv is None:
                return None
            acc = _imul(acc, iv)
            if acc is None:
                return None
        return acc
    if isinstance(expr, sympy.Pow) and expr.args[1].is_Integer:
        base = _interval(expr.args[0], domains, depth + 1)
        if base is None:
            return None
        k = int(expr.args[1])
        if k < 0:
            base = _irecip(base)
            if base is None:
                return None
            k = -k
        return _ipow(base, k)
    return None


def _prod(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if a == 0 or b == 0:
        return S.Zero
    return a * b


def _imul(x: Interval, y: Interval) -> Interval | None:
    cands = [_prod(a, b) for a in x for b in y]
    if any(c is S.NaN for c in cands):
        return None
    return min(cands), max(cands)


def _irecip(x: Interval) -> Interval | None:
    lo, hi = x
    if (lo.is_finite and lo > 0) or (hi.is_finite and hi < 0):
        return (1 / hi if hi.is_finite else S.Zero), (1 / lo if lo.is_finite else S.Zero)
    return None


def _ipow(x: Interval, k: int) -> Interval:
    lo, hi = x
    if k == 0:
        return S.One, S.One
    if k % 2 == 1 or lo >= 0:
        return lo ** k, hi ** k
    if hi <= 0:
        return hi ** k, lo ** k
    return S.Zero, max(lo ** k, hi ** k)
