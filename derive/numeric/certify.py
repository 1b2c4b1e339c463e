"""Certified signs: a counterexample is reported only when its violation is *certain*.

A float (or even a 50-digit mpmath) evaluation cannot tell a slack of ``-1e-16`` from an exact ``0``:
``H(X | Y) <= H(X)`` with X, Y independent has slack exactly 0, and rounding makes it look negative.
Every path that calls a claim false goes through this module:

* **exact** — the value is a rational number (GF(2)-linear models: entropies are integer ranks;
  constant models: every entropy is 0), so its sign is decided exactly;
* **interval** — the value is enclosed with python-flint's ball arithmetic (``arb``) from an exact
  rational model; a violation is *certified* only when the whole enclosure lies strictly on the wrong
  side of 0 (``upper < 0``). The enclosure is recomputed at increasing precision before giving up;
* **exact tie** — when every enclosure still holds 0, the slack is written exactly (:meth:`ArbInformation.exact`:
  entropies of rational pmfs are rational combinations of logs of integers) and the kernel's exact sign engine
  decides its sign (:func:`exact_slack_sign`): ``H(X) = log2 3`` on a uniform ternary X is then certainly true.

:func:`certified_value` evaluates a linear form over joint entropies (exact rational coefficients)
with a caller-supplied entropy function; :func:`entropy_from_counts` encloses the entropy of an
exact pmf given as integer numerators over a common denominator; :class:`ArbScalars` encloses
parameter expressions (rationals, ``log``, ``exp``, powers, ``h``, ``min``/``max``/``abs``) and
refuses anything else (:class:`Uncertifiable`), so an expression derive cannot enclose is never
certified.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import flint

from derive.errors import Uncertifiable

if TYPE_CHECKING:
    import sympy

__all__ = ["CertifiedValue", "Uncertifiable", "PRECISIONS", "certified_value", "certify", "entropy_from_counts",
           "arb_of", "ArbScalars", "ArbInformation", "certified_slack", "enclosure_text", "exact_slack_sign"]

#: Working precisions (bits) tried in turn until an enclosure excludes 0.
PRECISIONS = (128, 512, 2048)





def arb_of(x: Any) -> "flint.arb":
    """An enclosure of the exact number ``x`` (int, Fraction, sympy Rational) at the current precision."""
    if isinstance(x, flint.arb):
        return x
    if isinstance(x, bool):
        raise Uncertifiable(f"not a number: {x!r}")
    if isinstance(x, int):
        return flint.arb(flint.fmpz(x))
    if isinstance(x, Fraction):
        return flint.arb(flint.fmpq(x.numerator, x.denominator))
    sympy = sys.modules.get("sympy")  # not imported here: the exact-number paths (bounds, eta) run without sympy
    if sympy is not None and isinstance(x, sympy.Rational):
        return flint.arb(flint.fmpq(int(x.p), int(x.q)))
    if isinstance(x, float):  # a binary float is an exact rational
        if x != x or x in (float("inf"), float("-inf")):
            raise Uncertifiable(f"not a finite number: {x!r}")
        f = Fraction(x)
        return flint.arb(flint.fmpq(f.numerator, f.denominator))
    raise Uncertifiable(f"cannot enclose {x!r} exactly")


@dataclass(frozen=True)
class CertifiedValue:
    """A number known exactly (``exact``, a Fraction) or enclosed by a ball (``interval``, an arb), or a ball
    too wide for its sign together with the sign decided exactly (``sign``: ``pos``/``neg``, method ``exact-sign``)."""

    method: str
    exact: Fraction | None = None
    interval: Any = None
    sign: str | None = None

    def is_negative(self) -> bool:
        """Certainly ``< 0``."""
        if self.sign is not None:
            return self.sign == "neg"
        if self.exact is not None:
            return self.exact < 0
        return bool(self.interval.is_finite() and self.interval < 0)

    def is_positive(self) -> bool:
        """Certainly ``> 0``."""
        if self.sign is not None:
            return self.sign == "pos"
        if self.exact is not None:
            return self.exact > 0
        return bool(self.interval.is_finite() and self.interval > 0)

    def is_nonzero(self) -> bool:
        return self.is_negative() or self.is_positive()

    def is_nonnegative(self) -> bool:
        """Certainly ``>= 0`` (a ball around 0 is not: only an exact 0 or a ball inside ``[0, inf)``)."""
        if self.sign is not None:
            return self.sign == "pos"
        if self.exact is not None:
            return self.exact >= 0
        return bool(self.interval.is_finite() and self.interval >= 0)

    def __neg__(self) -> "CertifiedValue":
        if self.sign is not None:
            return CertifiedValue(self.method, interval=-self.interval, sign={"pos": "neg", "neg": "pos"}[self.sign])
        if self.exact is not None:
            return CertifiedValue("exact", exact=-self.exact)
        return CertifiedValue("interval", interval=-self.interval)

    def negated_abs(self) -> "CertifiedValue":
        """``-|v|``: the slack of an equality (certainly negative iff ``v`` is certainly nonzero)."""
        if self.exact is not None:
            return CertifiedValue("exact", exact=-abs(self.exact))
        return CertifiedValue("interval", interval=-abs(self.interval))

    def text(self) -> str:
        """``-1/2`` (exact) or ``[-1.1102230246e-16 +/- 3e-40]`` (a ball containing the value)."""
        if self.exact is not None:
            return str(self.exact)
        if self.sign is not None:
            return f"{enclosure_text(self.interval)}, {'negative' if self.sign == 'neg' else 'positive'} (decided exactly)"
        return enclosure_text(self.interval)


def enclosure_text(x: Any) -> str:
    return x.str(20, radius=True)


def certified_value(const: Fraction, terms: Iterable[tuple[Fraction, Any]],
                    entropy: Callable[[Any], Any]) -> CertifiedValue:
    """``const + sum c * entropy(key)`` exactly when every entropy is an int/Fraction, else as an arb ball.

    ``entropy(key)`` returns an ``int``/``Fraction`` (an exact value) or an ``arb`` (an enclosure); the
    coefficients are exact rationals.
    """
    exact: Fraction | None = Fraction(const)
    ball = None
    for c, key in terms:
        c = Fraction(c)
        if c == 0:
            continue
        v = entropy(key)
        if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
            if exact is not None:
                exact += c * v
            else:
                ball += arb_of(c) * arb_of(v)
            continue
        if not isinstance(v, flint.arb):
            raise Uncertifiable(f"an entropy came back as {type(v).__name__}, not an exact or interval value")
        if exact is not None:
            ball = arb_of(exact)
            exact = None
        ball += arb_of(c) * v
    if exact is not None:
        return CertifiedValue("exact", exact=exact)
    return CertifiedValue("interval", interval=ball)


def certify(compute: Callable[[], CertifiedValue], want: str = "negative") -> CertifiedValue | None:
    """Run ``compute`` at increasing precision until its value is certainly ``want`` (``negative``,
    ``nonzero`` or ``nonnegative``); ``None`` when no precision certifies it (or it cannot be enclosed)."""
    for prec in PRECISIONS:
        with flint.ctx.workprec(prec):
            try:
                v = compute()
            except (Uncertifiable, ZeroDivisionError, ValueError, OverflowError):
                return None
            ok = {"negative": v.is_negative, "nonzero": v.is_nonzero, "nonnegative": v.is_nonnegative}[want]()
        if ok:
            return v
        if v.exact is not None or (want == "negative" and v.is_positive()):
            return None  # certainly on the right side (or exact): more precision does not help
    return None


def entropy_from_counts(counts: Iterable[int], denom: int, base: Any = 2) -> Any:
    """``H = log D - (1/D) sum n log n`` of the pmf ``n / D`` (integer numerators), in ``log base`` units,
    as an arb ball (exactly 0 when one outcome has all the mass)."""
    total = flint.arb(0)
    nonzero = 0
    for n in counts:
        n = int(n)
        if n < 0:
            raise Uncertifiable("a negative probability")
        if n:
            nonzero += 1
            total += flint.arb(flint.fmpz(n)) * flint.arb(flint.fmpz(n)).log()
    if nonzero <= 1:
        return flint.arb(0)
    d = flint.arb(flint.fmpz(int(denom)))
    h = d.log() - total / d
    return h / _ln_base(base)


def _ln_base(base: Any) -> Any:
    if base == 2:
        return flint.arb(2).log()
    if base in ("e", None):
        return flint.arb(1)
    return arb_of(base).log()


# ----------------------------------------------------------------------------- parameter expressions

class ArbScalars:
    """Encloses a sympy expression over exact parameter values; ``atom(expr)`` handles information atoms.

    Supported: rationals, parameter symbols with exact values, ``pi``/``E``, ``+``, ``*``, powers (integer
    exponents of any base, other exponents of a positive base), ``log`` (of a positive argument), ``exp``,
    ``h`` (binary entropy in bits), ``Min``/``Max``/``Abs``/``floor``/``ceiling``, sums with ends that are exact
    integers here. Anything else raises :class:`Uncertifiable`.
    """

    def __init__(self, params: Mapping[str, Any], atom: Callable[[sympy.Expr], Any] | None = None) -> None:
        self.params = dict(params)
        self.atom = atom

    def value(self, e: sympy.Expr) -> Any:
        import sympy

        if e.is_Rational:
            return arb_of(e)
        if isinstance(e, sympy.Symbol):
            if e.name not in self.params:
                raise Uncertifiable(f"no value for the parameter {e.name}")
            return arb_of(self.params[e.name])
        if e is sympy.pi:
            return flint.arb.pi()
        if e is sympy.E:
            return flint.arb(1).exp()
        if isinstance(e, sympy.Add):
            out = flint.arb(0)
            for a in e.args:
                out += self.value(a)
            return out
        if isinstance(e, sympy.Mul):
            out = flint.arb(1)
            for a in e.args:
                out *= self.value(a)
            return out
        if isinstance(e, sympy.Pow):
            b = self.value(e.args[0])
            x = e.args[1]
            if x.is_Integer:
                k = int(x)
                if k < 0:
                    if b.contains(0):
                        raise Uncertifiable(f"{sympy.sstr(e)}: the base may be 0")
                    return 1 / b ** (-k)
                return b ** k
            if not (b > 0):
                raise Uncertifiable(f"{sympy.sstr(e)}: the base is not certainly positive")
            if x == sympy.S.Half:
                return b.sqrt()
            return (self.value(x) * b.log()).exp()
        if isinstance(e, sympy.log):
            if len(e.args) != 1:
                raise Uncertifiable(f"{sympy.sstr(e)}: a logarithm with a base")
            x = self.value(e.args[0])
            if not (x > 0):
                raise Uncertifiable(f"{sympy.sstr(e)}: the argument is not certainly positive")
            return x.log()
        if isinstance(e, sympy.exp):
            return self.value(e.args[0]).exp()
        if isinstance(e, sympy.floor):
            return self.value(e.args[0]).floor()
        if isinstance(e, sympy.ceiling):
            return self.value(e.args[0]).ceil()
        if isinstance(e, sympy.Abs):
            return abs(self.value(e.args[0]))
        if isinstance(e, (sympy.Min, sympy.Max)):
            vals = [self.value(a) for a in e.args]
            out = vals[0]
            for v in vals[1:]:
                d = abs(out - v)
                out = (out + v - d) / 2 if isinstance(e, sympy.Min) else (out + v + d) / 2
            return out
        from derive.core.quantities import INFO_CLASSES, h

        if isinstance(e, h):
            return _binary_entropy(self.value(e.args[0]))
        if isinstance(e, INFO_CLASSES) and self.atom is not None:
            return self.atom(e)
        if isinstance(e, sympy.Sum):
            return self.value(_sums_written_out(e, self.params))
        raise Uncertifiable(f"cannot enclose {sympy.sstr(e)} with interval arithmetic")


def _sums_written_out(e: "sympy.Expr", params: Mapping[str, Any]) -> "sympy.Expr":
    """``e`` with the parameters' exact values written in and every sum expanded into its terms
    (:func:`derive.numeric.expressions.expand_sums`, the one owner of that: ends must be integers, at most
    :data:`~derive.numeric.expressions.MAX_SUM_TERMS` terms), so ``X[i]`` becomes ``X[1]``, ``X[2]``, ...

    Raises
    ------
    Uncertifiable
        A parameter without an exact value, ends that are not integers, too many terms."""
    from derive.errors import DeriveError
    from derive.numeric.expressions import expand_sums

    try:
        values = {sym: _exact_rational(params.get(sym.name), sym.name) for sym in e.free_symbols
                  if sym.name in params}
        return expand_sums(e.xreplace(values))
    except DeriveError as err:
        raise Uncertifiable(f"a sum cannot be written out here: {err}") from err


class ArbInformation:
    """Arb enclosures of information quantities on an exact model.

    ``marginal(names)`` returns ``(numerators, denominator)`` of the exact marginal pmf of the variables ``names``
    (raising ``ValueError`` for a name not in the model); ``dists`` maps a distribution's name to its exact pmf (for
    ``D``/``TV``); ``params`` holds exact parameter values. ``H(A | C) = H(A, C) - H(C)`` and
    ``I(A; B | C) = H(A, C) + H(B, C) - H(A, B, C) - H(C)``, each entropy from :func:`entropy_from_counts`; ``D`` and
    ``TV`` from the pmfs' exact entries. Information quantities are ``>= 0``, so their balls are cut at 0 — except
    an ``H`` whose target names a variable of ``noise_widths``.

    ``noise_widths`` (name → w > 0, a Fraction): that variable is continuous, ``V = w (D + U)`` with ``D`` the model's
    discrete value (an integer label) and ``U`` uniform on [0, 1), independent of everything. The pieces
    ``w [d, d + 1)`` are disjoint, so every joint entropy is exact: ``h(S) = H(S) + Σ_{V ∈ S} log w_V``, and ``I``
    is unchanged.
    """

    def __init__(self, marginal: Callable[[frozenset], tuple[list[int], int]], dists: Mapping[str, Any],
                 params: Mapping[str, Any], units: str, noise_widths: Mapping[str, Fraction] | None = None) -> None:
        self.marginal, self.dists = marginal, dict(dists)
        self.base = 2 if units == "bits" else "e"
        self.noise_widths = dict(noise_widths or {})
        self.scalars = ArbScalars(params, self.atom)
        self._cache: dict = {}

    def value(self, e: "sympy.Expr") -> Any:
        return self.scalars.value(e)

    def entropy(self, names: frozenset) -> Any:
        if not names:
            return flint.arb(0)
        if names not in self._cache:
            v = entropy_from_counts(*self._counts(names), self.base)
            for n in names & self.noise_widths.keys():
                v += arb_of(self.noise_widths[n]).log() / _ln_base(self.base)
            self._cache[names] = v
        return self._cache[names]

    def _can_be_negative(self, e: "sympy.Expr") -> bool:
        """``e`` is an entropy of a noisy (continuous) variable, which can be negative."""
        from derive.core.quantities import H
        from derive.numeric.expressions import rvset_names

        return isinstance(e, H) and bool(set(rvset_names(e.target)) & self.noise_widths.keys())

    def _counts(self, names: frozenset) -> tuple[list[int], int]:
        """The exact marginal pmf of ``names`` as ``(numerators, denominator)``."""
        try:
            return self.marginal(names)
        except ValueError:
            raise Uncertifiable(f"a variable of {sorted(names)} is not in the model") from None

    def atom(self, e: "sympy.Expr") -> Any:
        v = self._information(e, self.entropy, arb_of, lambda x: arb_of(x).log(), _ln_base(self.base))
        return v if self._can_be_negative(e) else v.nonnegative_part()

    def _information(self, e: "sympy.Expr", entropy: Callable[[frozenset], Any], number: Callable[[Fraction], Any],
                     log: Callable[[Fraction], Any], ln_base: Any) -> Any:
        """``H``, ``I`` (from ``entropy`` of sets of names), ``D``, ``TV`` (from the named exact pmfs) in the arithmetic
        of ``entropy``/``number``/``log`` — arb balls (:meth:`atom`) or exact sympy constants (:meth:`exact`)."""
        import sympy

        from derive.core.quantities import TV, D, H, I
        from derive.numeric.expressions import rvset_names

        if isinstance(e, H):
            t, g = frozenset(rvset_names(e.target)), frozenset(rvset_names(e.given))
            return entropy(t | g) - entropy(g)
        if isinstance(e, I):
            a, b, c = (frozenset(rvset_names(x)) for x in e.args)
            return entropy(a | c) + entropy(b | c) - entropy(a | b | c) - entropy(c)
        if not isinstance(e, (D, TV)):
            raise Uncertifiable(f"cannot enclose {sympy.sstr(e)} with interval arithmetic")
        p, q = (self.dists.get(x.name) for x in e.args[:2])
        if p is None or q is None or len(p) != len(q):
            raise Uncertifiable(f"{sympy.sstr(e)}: the named distributions are not in the model")
        p, q = [Fraction(x) for x in p], [Fraction(y) for y in q]
        if isinstance(e, TV):
            return number(sum((abs(x - y) for x, y in zip(p, q)), Fraction(0)) / 2)
        if any(y == 0 < x for x, y in zip(p, q)):
            raise Uncertifiable(f"{sympy.sstr(e)} is infinite")
        total = number(Fraction(0))
        for x, y in zip(p, q):
            if x:
                total += number(x) * log(x / y)
        return total / ln_base

    def exact(self, e: "sympy.Expr") -> "sympy.Expr":
        """``e`` on the model as an exact sympy constant (no floats): ``H`` of the exact pmf ``n / N`` is
        ``(log N - sum (n/N) log n) / log(base)``, ``I`` and conditional ``H`` by the identities of :meth:`atom`,
        ``D(P||Q) = sum p log(p/q) / log(base)``, ``TV`` a rational, ``h(p) = -(p log p + (1-p) log(1-p)) / log 2``,
        parameters by their exact values, sums written out (:func:`_sums_written_out`). Raises :class:`Uncertifiable`
        for anything else (inexact parameters, distributions not in the model, tables with more than :data:`EXACT_TERMS` distinct
        probabilities)."""
        import sympy

        from derive.core.quantities import INFO_CLASSES, h

        ln_base = sympy.log(2) if self.base == 2 else sympy.S.One

        def entropy(names: frozenset) -> sympy.Expr:
            if not names:
                return sympy.S.Zero
            counts, denom = self._counts(names)
            repeats = Counter(int(n) for n in counts if n)  # one term per distinct numerator
            if len(repeats) > EXACT_TERMS:
                raise Uncertifiable(f"{len(repeats)} distinct probabilities are too many for an exact evaluation")
            noise = sympy.Add(*[sympy.log(sympy.Rational(w.numerator, w.denominator))
                                for n, w in self.noise_widths.items() if n in names])
            return (sympy.log(denom) + noise - sympy.Add(*[sympy.Rational(k * n, denom) * sympy.log(n)
                                                           for n, k in repeats.items()])) / ln_base

        def rational(x: Fraction) -> sympy.Rational:
            return sympy.Rational(x.numerator, x.denominator)

        def atom(a: sympy.Expr) -> sympy.Expr:
            return self._information(a, entropy, rational, lambda x: sympy.log(rational(x)), ln_base)

        if e.has(sympy.Sum):
            e = _sums_written_out(e, self.scalars.params)
        out = e.replace(lambda a: isinstance(a, INFO_CLASSES), atom)
        out = out.replace(lambda a: isinstance(a, h), lambda a: _binary_entropy_exact(a.args[0]))
        out = out.xreplace({sym: _exact_rational(self.scalars.params.get(sym.name), sym.name)
                            for sym in out.free_symbols})
        if out.free_symbols or out.has(h, *INFO_CLASSES):
            raise Uncertifiable(f"cannot evaluate {sympy.sstr(e)} exactly")
        return out


#: Most distinct probabilities in one marginal table that :meth:`ArbInformation.exact` writes out symbolically.
EXACT_TERMS = 2048


def _exact_rational(v: Any, name: str) -> "sympy.Rational":
    """The exact value of a parameter (int, Fraction, sympy rational, or a binary float, itself a rational)."""
    import sympy

    if getattr(v, "is_Rational", False):
        return v
    if isinstance(v, (int, Fraction, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf"):
        return sympy.Rational(Fraction(v))
    raise Uncertifiable(f"no exact value for the parameter {name}")


def _binary_entropy_exact(p: "sympy.Expr") -> "sympy.Expr":
    import sympy

    if p.is_Rational and p in (0, 1):
        return sympy.S.Zero
    return -(p * sympy.log(p) + (1 - p) * sympy.log(1 - p)) / sympy.log(2)


def exact_slack_sign(ev: ArbInformation, statement: Any) -> str | None:
    """The sign (``pos``/``neg``/``zero``) of the slack of ``statement`` on the model, decided exactly: its exact
    value (:meth:`ArbInformation.exact`) goes to the kernel's sign engine (logs of rationals written over primes —
    logs of distinct primes are linearly independent over the rationals, so a combination that does not cancel is
    not 0 — and sympy's certified evaluation of constants). The slack of an equality is ``-|lhs - rhs|``.
    ``None`` when undecided or not exactly evaluable."""
    from derive.kernel.signs import sign_of

    try:
        diff = ev.exact(statement.lhs) - ev.exact(statement.rhs)
    except Uncertifiable:
        return None
    s = sign_of(diff, {})
    if s not in ("pos", "neg", "zero"):
        return None
    if statement.rel == "==":
        return "zero" if s == "zero" else "neg"
    flip = {"pos": "neg", "neg": "pos", "zero": "zero"}
    return s if statement.rel == ">=" else flip[s]


def certified_slack(model: Callable[[], ArbInformation], statement: Any, want: str, *,
                    exact_sign: bool = True) -> tuple[Any, str | None]:
    """``(CertifiedValue, None)`` when the slack of ``statement`` on the exact model is certainly ``want``
    (``negative``: the statement is certainly false; ``nonnegative``: certainly true), else ``(None, reason)``.

    The slack is ``rhs - lhs`` for ``<=``, ``lhs - rhs`` for ``>=``, ``-|lhs - rhs|`` for ``==`` (so an equality
    is certainly true only when both sides are enclosed exactly). ``model()`` builds the evaluator afresh at each
    precision :func:`certify` tries. ``exact_sign=False``: a last enclosure holding 0 is not handed to the kernel's
    exact sign engine (intervals only).
    """
    reason: list[str] = []
    last: list[CertifiedValue] = []

    def compute() -> CertifiedValue:
        ev = model()
        try:
            lhs, rhs = ev.value(statement.lhs), ev.value(statement.rhs)
        except Uncertifiable as err:
            reason.append(str(err))
            raise
        if statement.rel == "==":
            v = CertifiedValue("interval", interval=lhs - rhs).negated_abs()
        else:
            v = CertifiedValue("interval", interval=rhs - lhs if statement.rel == "<=" else lhs - rhs)
        last.append(v)
        return v

    out = certify(compute, want)
    if out is not None:
        return out, None
    if exact_sign and last and last[-1].interval is not None and last[-1].interval.contains(0):
        sign = exact_slack_sign(model(), statement)  # a tie (or a slack too small for the enclosures)
        if sign == "zero" and want == "nonnegative":
            return CertifiedValue("exact", exact=Fraction(0)), None
        if sign == "zero":
            return None, "the slack is exactly 0 (decided by the kernel's exact sign engine)"
        if sign == ("neg" if want == "negative" else "pos"):
            return CertifiedValue("exact-sign", interval=last[-1].interval, sign=sign), None
    if reason:
        return None, reason[-1]
    side = "strictly below 0" if want == "negative" else "inside [0, inf)"
    if last:
        return None, f"the enclosure of the slack, {last[-1].text()}, is not {side}"
    return None, "the slack could not be enclosed"


def _binary_entropy(p: Any) -> Any:
    """``h(p)`` in bits; exactly 0 at an exact 0 or 1."""
    if p.is_exact() and (p == 0 or p == 1):
        return flint.arb(0)
    if not (p > 0 and p < 1):
        raise Uncertifiable("h(p) with p not certainly inside (0, 1)")
    q = 1 - p
    return -(p * p.log() + q * q.log()) / flint.arb(2).log()
