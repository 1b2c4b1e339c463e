"""A library of channels: rows ``p(y|x)``, exact where the parameters are.

* Named channels (rows from the one formula of :mod:`derive.core.channel_matrix`): :class:`BSC` ``(δ)``, :class:`BEC` ``(ε)`` (outputs ``0, e, 1``), :class:`Z` ``(p)``
  (rows ``[1, 0]`` and ``[p, 1 - p]``, as the kernel spells it), :class:`QSC` ``(q, p)`` (q-ary symmetric:
  keep the symbol with probability ``1 - p``, else one of the other ``q - 1`` uniformly) and
  :class:`AWGN` ``(snr)`` (``Y = X + N``, ``N ~ N(0, 1)``, Gaussian input ``X ~ N(0, snr)``: not a finite matrix).
* :class:`Matrix` ``(rows)``: exact (int, Fraction, sympy Rational, decimal text) or float entries;
  validated: rectangular, non-empty, non-negative, rows summing to 1 (exactly for exact entries,
  within ``1e-9`` for floats), at most 256 x 256.
* :func:`product` (tensor product ``K1 ⊗ K2``, inputs and outputs in row-major pairs) and
  :func:`compose` (``K1`` then ``K2``: the matrix product).
* :func:`from_spec` builds a channel from a proof file's :class:`~derive.core.hypotheses.ChannelSpec`.

Every finite channel has :meth:`FiniteChannel.matrix` (numpy: object array of Fractions when exact,
else float64), :meth:`FiniteChannel.sympy` (a sympy Matrix) and :meth:`FiniteChannel.rational_rows`,
the exact rows the certified coefficients use (float rows are normalized exactly, so they sum to 1).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from derive.numeric.exact import check_size, float_near, to_fraction
from derive.errors import InvalidArgument

__all__ = [
    "Channel",
    "FiniteChannel",
    "BSC",
    "BEC",
    "Z",
    "QSC",
    "AWGN",
    "Matrix",
    "Product",
    "Composition",
    "product",
    "compose",
    "from_spec",
    "MAX_SIZE",
    "FLOAT_ROW_TOLERANCE",
]

#: Largest number of inputs (rows) and outputs (columns) of a finite channel.
MAX_SIZE = 256
#: A float row must sum to 1 within this tolerance.
FLOAT_ROW_TOLERANCE = 1e-9


def _number(x: Any, what: str) -> Fraction | float:
    """An exact Fraction for exact input (int, Fraction, Rational, text), else a float."""
    if isinstance(x, float) or type(x).__name__ in ("float64", "float32", "Float"):
        f = float(x)
        if not np.isfinite(f):
            raise InvalidArgument(f"Expected a finite number for {what} but got {x!r}")
        return f
    return to_fraction(x, what)


def _probability(x: Any, what: str) -> Fraction | float:
    v = _number(x, what)
    if not 0 <= v <= 1:
        raise InvalidArgument(f"Expected {what} in [0, 1] but got {_show(v)}")
    return v


def _show(v: Fraction | float) -> str:
    return str(v) if isinstance(v, Fraction) else repr(v)


def _sympy_number(v: Fraction | float) -> Any:
    import sympy

    f = v if isinstance(v, Fraction) else Fraction(v)  # a float is the binary rational it holds
    return sympy.Rational(f.numerator, f.denominator)


def _named_rows(name: str, args: list) -> list:
    """:func:`derive.core.channel_matrix.named_channel_rows` (imported on use: it loads sympy)."""
    from derive.core.channel_matrix import named_channel_rows

    return named_channel_rows(name, args)


class Channel:
    """A channel ``K(y|x)``. Subclasses set ``name`` and implement ``__str__``."""

    name = "channel"
    finite = False

    def parameters(self) -> tuple[Any, ...]:
        """The parameters of a named channel, in the order of its proof-file spelling (``QSC(q, p)``)."""
        raise InvalidArgument(f"{self} is not a named channel")

    def to_spec(self) -> Any:
        """The proof files' :class:`~derive.core.hypotheses.ChannelSpec` of this channel, with exact entries
        (floats become the binary rationals they hold): the inverse of :func:`from_spec`, so the kernel's
        coefficients (:mod:`derive.kernel.coefficients`) can be asked about a library channel."""
        from derive.core.hypotheses import ChannelSpec

        if self.name in ("BSC", "BEC", "Z", "QSC", "AWGN"):
            return ChannelSpec(self.name, tuple(_sympy_number(v) for v in self.parameters()))
        rows = self.rational_rows()  # type: ignore[attr-defined]
        return ChannelSpec("matrix", (), tuple(tuple(_sympy_number(v) for v in r) for r in rows))

    def latex(self) -> str:
        import sympy

        return sympy.latex(sympy.Symbol(str(self)))


class FiniteChannel(Channel):
    """A channel given by a finite row-stochastic matrix ``rows[x][y] = K(y|x)``."""

    finite = True

    def __init__(self, rows: Sequence[Sequence[Any]], what: str = "the channel matrix") -> None:
        self._rows, self.exact = _validate_rows(rows, what)
        self._rational: tuple[tuple[Fraction, ...], ...] | None = None

    # ---------------------------------------------------------------- shape and entries
    @property
    def shape(self) -> tuple[int, int]:
        """``(number of inputs, number of outputs)``."""
        return len(self._rows), len(self._rows[0])

    @property
    def rows(self) -> tuple[tuple[Fraction | float, ...], ...]:
        """The rows as given (Fractions when exact, else floats)."""
        return self._rows

    def matrix(self, exact: bool | None = None) -> np.ndarray:
        """The matrix: an object array of Fractions (``exact``) or float64 (default: as given)."""
        exact = self.exact if exact is None else exact
        if exact:
            return np.array([list(r) for r in self.rational_rows()], dtype=object)
        return np.array([[float_near(v) if isinstance(v, Fraction) else v for v in r] for r in self._rows],
                        dtype=np.float64)

    def float_matrix(self) -> np.ndarray:
        """float64 rows of :meth:`rational_rows` (normalized)."""
        return self.matrix(exact=False) if self.exact else np.array(
            [[float_near(v) for v in r] for r in self.rational_rows()], dtype=np.float64)

    def rational_rows(self) -> tuple[tuple[Fraction, ...], ...]:
        """Exact rows summing exactly to 1: the rows themselves, or float rows converted exactly
        (``Fraction(x)``) and divided by their exact sum."""
        if self._rational is None:
            if self.exact:
                self._rational = self._rows  # type: ignore[assignment]
            else:
                out = []
                for r in self._rows:
                    fr = [Fraction(v) for v in r]
                    total = sum(fr, Fraction(0))
                    out.append(tuple(v / total for v in fr))
                self._rational = tuple(out)
        return self._rational  # type: ignore[return-value]

    def sympy(self) -> sympy.Matrix:
        """A sympy Matrix: Rationals when exact, Floats otherwise."""
        import sympy

        if self.exact:
            return sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in r] for r in self._rows])
        return sympy.Matrix([[sympy.Float(v) for v in r] for r in self._rows])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FiniteChannel) and self.rational_rows() == other.rational_rows()

    def __hash__(self) -> int:
        return hash(self.rational_rows())

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        body = ", ".join("[" + ", ".join(_show(v) for v in r) + "]" for r in self._rows)
        return f"matrix([{body}])"


def _validate_rows(rows: Any, what: str) -> tuple[tuple[tuple[Any, ...], ...], bool]:
    if isinstance(rows, np.ndarray):
        rows = rows.tolist()
    if not isinstance(rows, (list, tuple)) or len(rows) == 0:
        raise InvalidArgument(f"Expected a non-empty list of rows p(y|x) for {what} but got {rows!r}"[:200])
    if any(not isinstance(r, (list, tuple, np.ndarray)) for r in rows):
        raise InvalidArgument(f"Expected each row of {what} to be a list of numbers")
    width = len(rows[0])
    if width == 0:
        raise InvalidArgument(f"Expected non-empty rows in {what} but row 1 is empty")
    check_size(len(rows), max(len(r) for r in rows), MAX_SIZE)
    for k, r in enumerate(rows):
        if len(r) != width:
            raise InvalidArgument(f"row {k + 1} of {what} has {len(r)} entries, expected {width} (rows must "
                                  "all have the same length)")
    vals = [[_number(v, f"entry ({i + 1}, {j + 1}) of {what}") for j, v in enumerate(r)] for i, r in enumerate(rows)]
    exact = all(isinstance(v, Fraction) for r in vals for v in r)
    if not exact:
        vals = [[float_near(v) if isinstance(v, Fraction) else float(v) for v in r] for r in vals]
    for i, r in enumerate(vals):
        for j, v in enumerate(r):
            if v < 0:
                raise InvalidArgument(f"entry ({i + 1}, {j + 1}) of {what} is negative ({_show(v)}); "
                                      "probabilities are >= 0")
        if exact:
            total = sum(r, Fraction(0))
            if total != 1:
                raise InvalidArgument(f"row {i + 1} of {what} sums to {total}, not 1" + _EXACT_HINT * (
                    abs(total - 1) < Fraction(1, 10 ** 6)))
        else:
            total = float(sum(r))
            if abs(total - 1.0) > FLOAT_ROW_TOLERANCE:
                raise InvalidArgument(f"row {i + 1} of {what} sums to {total!r}, not 1 "
                                      f"(floats: within {FLOAT_ROW_TOLERANCE})")
    return tuple(tuple(r) for r in vals), exact


#: Written decimals are exact (``0.1`` is ``1/10``): a row printed from floats misses 1 by a rounding error.
_EXACT_HINT = (" (decimals are read exactly: write 1/3 rather than 0.3333333333333333, or decimals whose row sums "
               "to exactly 1)")


# ----------------------------------------------------------------------------- named channels

class BSC(FiniteChannel):
    """Binary symmetric channel: ``K(y|x) = 1 - δ`` if ``y = x`` else ``δ``."""

    name = "BSC"

    def __init__(self, delta: Any) -> None:
        self.delta = _probability(delta, "the BSC crossover probability δ")
        super().__init__(_named_rows("BSC", [self.delta]), "BSC")

    def parameters(self) -> tuple[Any, ...]:
        return (self.delta,)

    def __str__(self) -> str:
        return f"BSC({_show(self.delta)})"


class BEC(FiniteChannel):
    """Binary erasure channel: outputs ``0, e, 1``; the input is erased with probability ``ε``."""

    name = "BEC"

    def __init__(self, eps: Any) -> None:
        self.eps = _probability(eps, "the BEC erasure probability ε")
        super().__init__(_named_rows("BEC", [self.eps]), "BEC")

    def parameters(self) -> tuple[Any, ...]:
        return (self.eps,)

    def __str__(self) -> str:
        return f"BEC({_show(self.eps)})"


class Z(FiniteChannel):
    """Z channel: input 0 is received intact; input 1 flips to 0 with probability ``p``."""

    name = "Z"

    def __init__(self, p: Any) -> None:
        self.p = _probability(p, "the Z-channel flip probability p")
        super().__init__(_named_rows("Z", [self.p]), "Z")

    def parameters(self) -> tuple[Any, ...]:
        return (self.p,)

    def __str__(self) -> str:
        return f"Z({_show(self.p)})"


class QSC(FiniteChannel):
    """q-ary symmetric channel: keep the symbol w.p. ``1 - p``, else one of the ``q - 1`` others uniformly."""

    name = "QSC"

    def __init__(self, q: Any, p: Any) -> None:
        qq = to_fraction(q, "the QSC alphabet size q") if not isinstance(q, float) else q
        if not (isinstance(qq, Fraction) and qq.denominator == 1 and 2 <= qq <= MAX_SIZE):
            raise InvalidArgument(f"Expected an integer alphabet size 2 <= q <= {MAX_SIZE} for QSC but got {q}")
        self.q = int(qq)
        self.p = _probability(p, "the QSC error probability p")
        super().__init__(_named_rows("QSC", [self.q, self.p]), "QSC")

    def parameters(self) -> tuple[Any, ...]:
        return (self.q, self.p)

    def __str__(self) -> str:
        return f"QSC({self.q}, {_show(self.p)})"


class Matrix(FiniteChannel):
    """A channel given by its rows ``p(y|x)``."""

    name = "matrix"

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        super().__init__(rows, "the channel matrix")


class AWGN(Channel):
    """``Y = X + N`` with ``N ~ N(0, 1)`` and Gaussian input ``X ~ N(0, snr)``: not a finite matrix."""

    name = "AWGN"

    def __init__(self, snr: Any) -> None:
        v = _number(snr, "the AWGN signal-to-noise ratio")
        if v < 0:
            raise InvalidArgument(f"Expected snr >= 0 for AWGN but got {_show(v)}")
        self.snr = v
        self.exact = isinstance(v, Fraction)

    def matrix(self, exact: bool | None = None) -> np.ndarray:
        raise InvalidArgument("AWGN is a continuous channel: it has no finite matrix")

    def sympy(self) -> sympy.Expr:
        """The conditional density ``exp(-(y - x)^2 / 2) / sqrt(2π)``."""
        import sympy

        x, y = sympy.symbols("x y", real=True)
        return sympy.exp(-(y - x) ** 2 / 2) / sympy.sqrt(2 * sympy.pi)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AWGN) and Fraction(self.snr) == Fraction(other.snr)

    def __hash__(self) -> int:
        return hash(("AWGN", Fraction(self.snr)))

    def parameters(self) -> tuple[Any, ...]:
        return (self.snr,)

    def __str__(self) -> str:
        return f"AWGN({_show(self.snr)})"

    __repr__ = __str__


# ----------------------------------------------------------------------------- combinations

def _finite(k: Any, what: str) -> FiniteChannel:
    if not isinstance(k, FiniteChannel):
        raise InvalidArgument(f"Expected a finite channel for {what} but got {k!r} "
                              "(AWGN has no finite matrix)")
    return k


class Product(FiniteChannel):
    """The tensor product ``K1 ⊗ K2 ⊗ ...``: independent uses; input ``(x1, x2)`` is row ``x1 * k2 + x2``."""

    name = "product"

    def __init__(self, factors: Sequence[FiniteChannel]) -> None:
        if len(factors) < 2:
            raise InvalidArgument(f"Expected at least two factors for a product channel but got {len(factors)}")
        self.factors = tuple(_finite(f, f"factor {i + 1} of the product") for i, f in enumerate(factors))
        k = int(np.prod([f.shape[0] for f in self.factors]))
        m = int(np.prod([f.shape[1] for f in self.factors]))
        check_size(k, m, MAX_SIZE)
        exact = all(f.exact for f in self.factors)
        mat = self.factors[0].rational_rows() if exact else self.factors[0].matrix(exact=False)
        mat = np.array(mat, dtype=object if exact else np.float64)
        for f in self.factors[1:]:
            other = np.array(f.rational_rows(), dtype=object) if exact else f.matrix(exact=False)
            mat = np.kron(mat, other)
        super().__init__(mat.tolist(), "the product channel")

    def __str__(self) -> str:
        return " ⊗ ".join(f"({f})" if isinstance(f, Composition) else str(f) for f in self.factors)


class Composition(FiniteChannel):
    """``K1`` then ``K2``: ``(K1 K2)(z|x) = Σ_y K1(y|x) K2(z|y)``."""

    name = "composition"

    def __init__(self, first: FiniteChannel, second: FiniteChannel) -> None:
        self.first = _finite(first, "the first channel")
        self.second = _finite(second, "the second channel")
        if first.shape[1] != second.shape[0]:
            raise InvalidArgument(f"cannot compose: {first} has {first.shape[1]} outputs but {second} has "
                                  f"{second.shape[0]} inputs")
        exact = first.exact and second.exact
        if exact:
            a = first.rational_rows()
            b = second.rational_rows()
            rows = [[sum((a[i][j] * b[j][k] for j in range(len(b))), Fraction(0)) for k in range(len(b[0]))]
                    for i in range(len(a))]
        else:
            rows = (first.float_matrix() @ second.float_matrix()).tolist()
        super().__init__(rows, "the composed channel")

    def __str__(self) -> str:
        return f"{self.first} ∘ {self.second}"


def product(*channels: FiniteChannel) -> Product:
    """The tensor product ``K1 ⊗ K2 ⊗ ...`` (independent parallel uses)."""
    if len(channels) == 1 and isinstance(channels[0], (list, tuple)):
        channels = tuple(channels[0])
    return Product(channels)


def compose(first: FiniteChannel, second: FiniteChannel) -> Composition:
    """``first`` then ``second`` (a Markov chain ``X -> Y -> Z``)."""
    return Composition(first, second)


# ----------------------------------------------------------------------------- from a proof file

def from_spec(spec: Any, params: Mapping[Any, Any] | None = None) -> Channel:
    """The channel a proof file's ``ChannelSpec`` names, with its symbols replaced by ``params``.

    ``params`` maps parameter symbols (or their names) to numbers; every parameter the spec uses must
    be given, and the substituted values must be rational numbers.

    Raises
    ------
    InvalidArgument
        If a parameter is missing or not a number, or the channel is invalid.
    """
    import sympy

    from derive.core.hypotheses import ChannelSpec

    if not isinstance(spec, ChannelSpec):
        raise InvalidArgument(f"Expected a ChannelSpec but got {spec!r}")
    subs = {}
    for key, val in (params or {}).items():
        sym = key if isinstance(key, sympy.Symbol) else None
        if sym is None:
            subs[str(key)] = val
        else:
            subs[sym.name] = val
    exprs = [*spec.params] + [v for r in (spec.rows or ()) for v in r]
    symbols = set().union(*[e.free_symbols for e in exprs]) if exprs else set()
    missing = sorted(s.name for s in symbols if s.name not in subs)
    if missing:
        raise InvalidArgument(f"the channel {spec} needs values for {', '.join(missing)}")
    mapping = {}
    for s in symbols:
        x = subs[s.name]
        x = to_fraction(x, f"the value of {s.name}") if not isinstance(x, float) else x
        mapping[s] = sympy.Rational(x.numerator, x.denominator) if isinstance(x, Fraction) else sympy.Float(x)

    def value(e: sympy.Expr, what: str) -> Fraction | float:
        v = e.xreplace(mapping) if mapping else e
        if v.is_Rational:
            return Fraction(int(v.p), int(v.q))
        if v.is_Float:
            return float(v)
        if v.is_number:
            v = v.evalf(30)
            if v.is_Float:
                return float(v)
        raise InvalidArgument(f"Expected a number for {what} of {spec} but got {v}")

    if spec.name == "matrix":
        rows = [[value(e, f"entry ({i + 1}, {j + 1})") for j, e in enumerate(r)] for i, r in enumerate(spec.rows)]
        return Matrix(rows)
    vals = [value(e, f"parameter {i + 1}") for i, e in enumerate(spec.params)]
    maker = {"BSC": BSC, "BEC": BEC, "Z": Z, "QSC": QSC, "AWGN": AWGN}[spec.name]
    return maker(*vals)

