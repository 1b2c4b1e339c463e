"""Exact numbers and outward rounding: the one owner for reading numbers exactly and rounding them to floats.

* :func:`parse_number` turns decimal text (``"0.1"``, ``"1/10"``, ``"2.5e-3"``) into an exact
  :class:`~fractions.Fraction`, refusing absurd sizes before any big integer is built.
* :func:`to_fraction` converts numbers (int, Fraction, float, sympy Rational) exactly; a float
  becomes the rational it *is* (``Fraction(0.1)`` is not ``1/10``).
* ``Q`` is python-flint's ``fmpq`` when installed (fast C rationals), else ``Fraction``: exact
  arithmetic for the tangent-line certificates.
* :class:`Interval` helpers wrap python-flint's ``arb`` balls (else ``mpmath.iv``): every
  transcendental quantity a certified bound depends on (logarithms in ``D(Q||P)``) is enclosed
  rigorously, and the bound uses the enclosure's far end.
* :func:`float_down` / :func:`float_up` round an exact rational outward, and :func:`float_lower` /
  :func:`float_upper` the ends of an arb ball, so a certified bracket printed as floats still contains
  the true value; :func:`ulp_down` / :func:`ulp_up` widen a float operation's result (scalars or numpy
  arrays) by one ulp for float interval arithmetic.
"""

from __future__ import annotations

import math
import sys
import re
from fractions import Fraction
from typing import Any

from derive.errors import InvalidArgument, LimitExceeded

try:  # python-flint: fast exact rationals and rigorous ball arithmetic
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a declared dependency
    _flint = None

__all__ = [
    "parse_number",
    "to_fraction",
    "Q",
    "q_of",
    "fraction_of_q",
    "float_down",
    "float_up",
    "float_near",
    "float_lower",
    "ulp_down",
    "ulp_up",
    "float_upper",
    "iv",
    "iv_log",
    "iv_upper",
    "iv_lower",
    "set_interval_precision",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "check_size",
    "MAX_BINARY_OUTPUT_INPUTS",
]

#: Longest number literal accepted (digits, sign, point and exponent together).
MAX_DIGITS = 400
#: Largest decimal exponent accepted in ``1e-300``-style literals.
MAX_EXPONENT = 400

_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$")
_RATIO = re.compile(r"^[+-]?\d+/\d+$")


def parse_number(text: str, what: str = "a number", *, max_exponent: int = MAX_EXPONENT) -> Fraction:
    """The exact value of a decimal or ratio literal: ``"0.1"`` → ``1/10``.

    Raises
    ------
    InvalidArgument
        If ``text`` is not a plain decimal (``0.25``, ``-3``, ``1e-3``) or ratio (``1/4``) literal,
        or is ``nan``/``inf``.
    LimitExceeded
        If the literal is longer than :data:`MAX_DIGITS` or its exponent exceeds ``max_exponent``
        (default :data:`MAX_EXPONENT`).
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"Expected text for {what} but got {text!r}")
    s = text.strip()
    if len(s) > MAX_DIGITS:
        raise LimitExceeded(f"{what} has {len(s)} characters; at most {MAX_DIGITS} are accepted")
    m = _DECIMAL.match(s)
    if m:
        if m.group(1) is not None and abs(int(m.group(1))) > max_exponent:
            raise LimitExceeded(f"the exponent of {what} ({s}) is beyond ±{max_exponent}")
        return Fraction(s)
    if _RATIO.match(s):
        num, den = s.split("/")
        if int(den) == 0:
            raise InvalidArgument(f"Expected a non-zero denominator in {what} but got {s!r}")
        return Fraction(int(num), int(den))
    shown = s if len(s) <= 40 else s[:37] + "..."
    raise InvalidArgument(f"Expected {what} as a decimal (0.1, 1e-3) or ratio (1/10) but got {shown!r}")


def to_fraction(x: Any, what: str = "a number") -> Fraction:
    """``x`` as an exact :class:`Fraction` (a float becomes the binary rational it holds).

    Raises
    ------
    InvalidArgument
        For booleans, non-finite floats and non-numbers. Strings go through :func:`parse_number`.
    """
    if isinstance(x, bool):
        raise InvalidArgument(f"Expected a number for {what} but got {x!r}")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, str):
        return parse_number(x, what)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise InvalidArgument(f"Expected a finite number for {what} but got {x!r}")
        return Fraction(x)
    rational = getattr(x, "is_Rational", None)
    if rational is True and hasattr(x, "p") and hasattr(x, "q"):
        return Fraction(int(x.p), int(x.q))
    if getattr(x, "is_Float", False):
        return to_fraction(float(x), what)
    try:  # numpy scalars
        import numpy as np

        if isinstance(x, np.integer):
            return Fraction(int(x))
        if isinstance(x, np.floating):
            return to_fraction(float(x), what)
    except ImportError:  # pragma: no cover
        pass
    if _flint is not None and isinstance(x, _flint.fmpq):
        return Fraction(int(x.p), int(x.q))
    raise InvalidArgument(f"Expected a number for {what} but got {x!r}")


# ----------------------------------------------------------------------------- exact rationals

if _flint is not None:
    Q = _flint.fmpq

    def q_of(x: Fraction) -> Any:
        """``x`` (a Fraction) as the fast exact rational type."""
        return _flint.fmpq(x.numerator, x.denominator)

    def fraction_of_q(x: Any) -> Fraction:
        """Back from the fast exact rational type to :class:`Fraction`."""
        return Fraction(int(x.p), int(x.q))
else:  # pragma: no cover
    Q = Fraction

    def q_of(x: Fraction) -> Any:
        return x

    def fraction_of_q(x: Any) -> Fraction:
        return x


# ----------------------------------------------------------------------------- outward rounding

def float_near(x: Fraction) -> float:
    """The float nearest to ``x`` (Python's int division rounds correctly); ``±inf`` beyond float64's range
    (``10^400``), as float arithmetic overflows."""
    try:
        return x.numerator / x.denominator
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def float_down(x: Fraction) -> float:
    """The largest float ``<= x``: a certified lower end stays a lower end."""
    f = float_near(x)
    if math.isinf(f):
        return f if f < 0 else sys.float_info.max
    if Fraction(f) > x:
        f = math.nextafter(f, -math.inf)
    return f


def float_up(x: Fraction) -> float:
    """The smallest float ``>= x``: a certified upper end stays an upper end."""
    f = float_near(x)
    if math.isinf(f):
        return f if f > 0 else -sys.float_info.max
    if Fraction(f) < x:
        f = math.nextafter(f, math.inf)
    return f


def ulp_down(x: Any) -> Any:
    """``x`` (a float, or a numpy array of them, each the correctly rounded result of one operation) moved
    one ulp down: below the exact result, so float interval arithmetic stays rigorous."""
    import numpy as np

    return np.nextafter(x, -np.inf)


def ulp_up(x: Any) -> Any:
    """``x`` moved one ulp up (see :func:`ulp_down`)."""
    import numpy as np

    return np.nextafter(x, np.inf)


def float_lower(x: Any) -> float:
    """The largest float ``<=`` the lower end of the arb ball ``x``: a certified lower bound stays one."""
    lo = x.lower()
    f = float(lo)
    return f if _flint.arb(f) <= lo else math.nextafter(f, -math.inf)


def float_upper(x: Any) -> float:
    """The smallest float ``>=`` the upper end of the arb ball ``x``: a certified upper bound stays one."""
    hi = x.upper()
    f = float(hi)
    return f if _flint.arb(f) >= hi else math.nextafter(f, math.inf)


# ----------------------------------------------------------------------------- rigorous intervals

_PREC_BITS = 192


def set_interval_precision(bits: int) -> None:
    """Working precision (bits) of the rigorous interval arithmetic (default 192)."""
    global _PREC_BITS
    _PREC_BITS = max(64, int(bits))


if _flint is not None:
    def iv(x: Fraction) -> Any:
        """An interval (arb ball) that contains the rational ``x``."""
        _flint.ctx.prec = _PREC_BITS
        return _flint.arb(_flint.fmpq(x.numerator, x.denominator))

    def iv_log(x: Any) -> Any:
        """An enclosure of ``log x`` (natural); ``x`` must be an interval of positive numbers."""
        _flint.ctx.prec = _PREC_BITS
        return x.log()

    def _arb_point(v: Any) -> Fraction:
        man, exp = v.man_exp()
        man, exp = int(man), int(exp)
        return Fraction(man * (1 << exp)) if exp >= 0 else Fraction(man, 1 << -exp)

    def iv_upper(x: Any) -> Fraction:
        """A rational ``>=`` every point of the interval ``x``."""
        if not x.is_finite():
            raise ArithmeticError("non-finite enclosure")
        return _arb_point(x.upper())

    def iv_lower(x: Any) -> Fraction:
        """A rational ``<=`` every point of the interval ``x``."""
        if not x.is_finite():
            raise ArithmeticError("non-finite enclosure")
        return _arb_point(x.lower())
else:  # pragma: no cover - fallback: mpmath's interval arithmetic
    import mpmath as _mpmath

    def iv(x: Fraction) -> Any:
        _mpmath.iv.prec = _PREC_BITS
        return _mpmath.iv.mpf(x.numerator) / x.denominator

    def iv_log(x: Any) -> Any:
        _mpmath.iv.prec = _PREC_BITS
        return _mpmath.iv.log(x)

    def _mpf_point(v: Any) -> Fraction:
        sign, man, exp, _bc = _mpmath.mpf(v)._mpf_
        val = Fraction(int(man) * (1 << exp)) if exp >= 0 else Fraction(int(man), 1 << -exp)
        return -val if sign else val

    def iv_upper(x: Any) -> Fraction:
        return _mpf_point(x.b)

    def iv_lower(x: Any) -> Fraction:
        return _mpf_point(x.a)


#: Inputs a channel with at most two outputs may have: its η_KL at a fixed input is a one-dimensional tilt
#: (:mod:`derive.channels.tilt`), and its η_TV is ``max f - min f``, so size costs little.
MAX_BINARY_OUTPUT_INPUTS = 1024


def check_size(rows: int, cols: int, limit: int = 256) -> None:
    """Refuse channels beyond ``limit`` x ``limit`` (``MAX_BINARY_OUTPUT_INPUTS`` inputs with at most two outputs)."""
    most = MAX_BINARY_OUTPUT_INPUTS if cols <= 2 else limit
    if rows > most or cols > limit:
        raise LimitExceeded(f"channels have at most {limit} inputs and {limit} outputs ({most} inputs with two "
                            f"outputs); got {rows} x {cols}" if cols <= 2 else
                            f"channels have at most {limit} inputs and {limit} outputs "
                            f"({MAX_BINARY_OUTPUT_INPUTS} inputs with two outputs); got {rows} x {cols}")
