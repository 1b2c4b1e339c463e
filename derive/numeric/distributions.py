"""Concrete distributions: joint pmfs over named variables, named single pmfs, helpers.

* :class:`JointPMF` — a joint pmf with one numpy axis per named variable
  (names as derive prints them: ``"X"``, ``"theta"``, ``"X[1]"``), held either
  in float64 or exactly (a numpy object array of :class:`fractions.Fraction`).
  Exact tables keep Markov chains and independences *exact*: the structure a
  model is built with holds with no rounding at all.
* :class:`Distributions` — named single pmfs on one common alphabet, for
  ``D(P || Q)`` and ``TV(P, Q)``.
* :class:`Model` — a joint pmf, named distributions and parameter values
  together: what :func:`derive.numeric.evaluate.evaluate` evaluates on.
* :func:`binary_entropy`, :func:`kl_divergence`, :func:`total_variation` and
  their mpmath versions (``*_mp``).

Entropies are ``-sum p log p`` with ``0 log 0 = 0``; the float versions are
vectorized numpy in float64, the ``*_mp`` versions use mpmath at ``dps``
decimal digits (exact ``Fraction`` entries are converted at full precision).
This module is untrusted numerics: it can only ever make a claim ``tested``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import mpmath
import numpy as np

from derive.errors import InvalidArgument, LimitExceeded

__all__ = [
    "check_names",
    "object_matrix",
    "JointPMF",
    "Distributions",
    "Model",
    "binary_entropy",
    "binary_entropy_mp",
    "kl_divergence",
    "kl_divergence_mp",
    "total_variation",
    "total_variation_mp",
    "entropy_of_pmf",
    "entropy_of_pmf_mp",
    "FLOAT_TOLERANCE",
    "MAX_TABLE_SIZE",
]

#: A float table must sum to 1 within this tolerance.
FLOAT_TOLERANCE = 1e-9

#: Joint tables with more cells than this are refused.
MAX_TABLE_SIZE = 1 << 22

#: Extra decimal digits carried inside mpmath computations.
_GUARD_DPS = 10


# ----------------------------------------------------------------------------- numbers

def _is_exact_number(x: object) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (int, Fraction, np.integer)):
        return True
    return _is_sympy_rational(x)


def _is_sympy_rational(x: object) -> bool:
    is_rational = getattr(x, "is_Rational", None)
    return is_rational is True and hasattr(x, "p") and hasattr(x, "q")


def _to_fraction(x: object, what: str) -> Fraction:
    """An exact number (int, Fraction, numpy integer, sympy Rational) as a :class:`Fraction`."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise InvalidArgument(f"Expected an exact number (int or Fraction) in {what} but got {x!r}")
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if _is_sympy_rational(x):
        return Fraction(int(x.p), int(x.q))
    raise InvalidArgument(f"Expected an exact number (int or Fraction) in {what} but got {x!r}")


def _to_float(x: object, what: str) -> float:
    if isinstance(x, (bool, np.bool_)) or isinstance(x, str):
        raise InvalidArgument(f"Expected a number in {what} but got {x!r}")
    if isinstance(x, Fraction):
        return x.numerator / x.denominator
    if _is_sympy_rational(x):
        return int(x.p) / int(x.q)
    try:
        return float(x)
    except (TypeError, ValueError) as err:
        raise InvalidArgument(f"Expected a number in {what} but got {x!r}") from err


def _to_mpf(x: object, what: str = "a value") -> mpmath.mpf:
    """``x`` as an mpmath number at the current precision; Fractions divided at that precision."""
    if isinstance(x, mpmath.mpf):
        return x
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    if isinstance(x, (bool, np.bool_, str)):
        raise InvalidArgument(f"Expected a number in {what} but got {x!r}")
    if isinstance(x, (int, np.integer)):
        return mpmath.mpf(int(x))
    if _is_sympy_rational(x):
        return mpmath.mpf(int(x.p)) / int(x.q)
    if isinstance(x, (float, np.floating)):
        return mpmath.mpf(float(x))
    if hasattr(x, "_mpf_"):
        return mpmath.mpf(x)
    raise InvalidArgument(f"Expected a number in {what} but got {x!r}")


def _exact_array(values: object, what: str) -> np.ndarray:
    """An object array of :class:`Fraction` (entries: int, Fraction, sympy Rational)."""
    arr = np.array(values, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = _to_fraction(v, what)
    return out


def _float_array(values: object, what: str) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype != object:
        try:
            return np.array(values, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise InvalidArgument(f"Expected numbers in {what} but got {values!r}") from err
    arr = np.array(values, dtype=object)
    out = np.empty(arr.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(arr):
        out[idx] = _to_float(v, what)
    return out


def _all_exact(values: object) -> bool:
    if isinstance(values, np.ndarray) and values.dtype != object:
        return np.issubdtype(values.dtype, np.integer)
    try:
        arr = np.array(values, dtype=object)
    except (TypeError, ValueError):
        return False
    return all(_is_exact_number(v) for v in arr.flat)


def _as_table(values: object, exact: bool | None, what: str) -> np.ndarray:
    """``values`` as a Fraction object array (``exact``) or a float64 array; ``None`` detects."""
    if exact is None:
        exact = _all_exact(values)
    return _exact_array(values, what) if exact else _float_array(values, what)


def _is_exact_table(table: np.ndarray) -> bool:
    return table.dtype == object


def _check_pmf_values(table: np.ndarray, what: str, *, total_one: bool = True) -> None:
    """Raise unless ``table`` is a pmf: entries non-negative (finite) and summing to 1."""
    if _is_exact_table(table):
        if any(v < 0 for v in table.flat):
            bad = next(v for v in table.flat if v < 0)
            raise InvalidArgument(f"Expected non-negative probabilities in {what} but got {bad}")
        if total_one:
            total = sum(table.flat, Fraction(0))
            if total != 1:
                raise InvalidArgument(f"Expected {what} to sum to exactly 1 but got {total}")
        return
    if not np.all(np.isfinite(table)):
        raise InvalidArgument(f"Expected finite probabilities in {what} but got {table!r}")
    if np.any(table < 0):
        raise InvalidArgument(f"Expected non-negative probabilities in {what} but got {table.min()!r}")
    if total_one:
        total = float(table.sum())
        if abs(total - 1.0) > FLOAT_TOLERANCE:
            raise InvalidArgument(f"Expected {what} to sum to 1 (within {FLOAT_TOLERANCE}) but got {total!r}")


def _float_of_table(table: np.ndarray) -> np.ndarray:
    if _is_exact_table(table):
        out = np.empty(table.shape, dtype=np.float64)
        for idx, v in np.ndenumerate(table):
            out[idx] = v.numerator / v.denominator
        return out
    return table


# ----------------------------------------------------------------------------- logarithms

def _is_natural(base: object) -> bool:
    return (isinstance(base, str) and base == "e") or (isinstance(base, float) and base == math.e)


def _check_base(base: object) -> None:
    if _is_natural(base):
        return
    if isinstance(base, (bool, str)) or not isinstance(base, (int, float, Fraction, np.integer, np.floating)):
        raise InvalidArgument(f"Expected a logarithm base (2, 'e' or a number > 0, != 1) but got base={base!r}")
    if not (base > 0 and base != 1):
        raise InvalidArgument(f"Expected a logarithm base > 0 and != 1 but got base={base!r}")


def _base_key(base: object) -> object:
    return "e" if _is_natural(base) else (Fraction(base) if not isinstance(base, float) else base)


def _ln_base_float(base: object) -> float:
    _check_base(base)
    if _is_natural(base):
        return 1.0
    return math.log(_to_float(base, "the base"))


def _ln_base_mp(base: object) -> mpmath.mpf:
    """ln(base) at the current mpmath precision (call inside ``workdps``)."""
    _check_base(base)
    if _is_natural(base):
        return mpmath.mpf(1)
    return mpmath.log(_to_mpf(base, "the base"))


def _neg_sum_plogp_float(p: np.ndarray, base: object) -> float:
    p = np.asarray(p, dtype=np.float64).ravel()
    p = p[p > 0]
    if p.size == 0:
        return 0.0
    if not _is_natural(base) and base == 2:
        return float(-(p * np.log2(p)).sum())
    return float(-(p * np.log(p)).sum() / _ln_base_float(base))


def _neg_sum_plogp_mp(values: Iterable[object], base: object) -> mpmath.mpf:
    """``-sum p ln p / ln base`` at the current mpmath precision."""
    total = mpmath.mpf(0)
    for v in values:
        if v == 0:
            continue
        x = _to_mpf(v)
        total -= x * mpmath.log(x)
    return total / _ln_base_mp(base)


# ----------------------------------------------------------------------------- single pmfs

def _vector(p: object, what: str, exact: bool | None = None) -> np.ndarray:
    table = _as_table(p, exact, what)
    _check_pmf_values(table, what)
    return table.ravel()


def _pair(p: object, q: object) -> tuple[np.ndarray, np.ndarray]:
    exact = _all_exact(p) and _all_exact(q)
    a, b = _vector(p, "p", exact), _vector(q, "q", exact)
    if a.shape != b.shape:
        raise InvalidArgument(f"Expected two pmfs on the same alphabet but got sizes {a.size} and {b.size}")
    return a, b


def entropy_of_pmf(p: object, base: object = 2) -> float:
    """``H(p) = -sum_x p(x) log p(x)`` (float64, ``0 log 0 = 0``)."""
    v = _vector(p, "p")
    return _neg_sum_plogp_float(_float_of_table(v), base)


def entropy_of_pmf_mp(p: object, base: object = 2, dps: int = 50) -> mpmath.mpf:
    """``H(p) = -sum_x p(x) log p(x)`` with mpmath at ``dps`` digits."""
    v = _vector(p, "p")
    with mpmath.workdps(dps + _GUARD_DPS):
        return _neg_sum_plogp_mp(v.flat, base)


def _check_probability(p: object) -> None:
    if p < 0 or p > 1:
        raise InvalidArgument(f"Expected 0 <= p <= 1 but got p={p!r}")


def binary_entropy(p: object, base: object = 2) -> float:
    """``h(p) = -p log p - (1 - p) log(1 - p)`` in float64 (bits by default); ``h(0) = h(1) = 0``."""
    if isinstance(p, Fraction) or _is_sympy_rational(p) or isinstance(p, (int, np.integer)):
        q = _to_fraction(p, "h(p)")
        _check_probability(q)
        if q in (0, 1):
            return 0.0
        x = q.numerator / q.denominator
        y = (1 - q).numerator / (1 - q).denominator
        return float(-(x * math.log(x) + y * math.log(y)) / _ln_base_float(base))
    x = _to_float(p, "h(p)")
    if math.isnan(x):
        raise InvalidArgument(f"Expected 0 <= p <= 1 but got p={p!r}")
    _check_probability(x)
    if x == 0.0 or x == 1.0:
        return 0.0
    return float(-(x * math.log(x) + (1.0 - x) * math.log1p(-x)) / _ln_base_float(base))


def binary_entropy_mp(p: object, base: object = 2, dps: int = 50) -> mpmath.mpf:
    """``h(p)`` with mpmath at ``dps`` digits (bits by default); exact ``p`` converted at full precision."""
    with mpmath.workdps(dps + _GUARD_DPS):
        if isinstance(p, Fraction) or _is_sympy_rational(p) or isinstance(p, (int, np.integer)):
            q = _to_fraction(p, "h(p)")
            _check_probability(q)
            return _neg_sum_plogp_mp([q, 1 - q], base)
        x = _to_mpf(p, "h(p)")
        if mpmath.isnan(x):
            raise InvalidArgument(f"Expected 0 <= p <= 1 but got p={p!r}")
        _check_probability(x)
        return _neg_sum_plogp_mp([x, 1 - x], base)


def kl_divergence(p: object, q: object, base: object = 2) -> float:
    """``D(p || q) = sum_x p(x) log(p(x) / q(x))`` in float64; ``inf`` when ``p`` is not ``<< q``."""
    a, b = _pair(p, q)
    a, b = _float_of_table(a), _float_of_table(b)
    mask = a > 0
    if np.any(b[mask] == 0):
        return math.inf
    pa, qb = a[mask], b[mask]
    return float((pa * (np.log(pa) - np.log(qb))).sum() / _ln_base_float(base))


def kl_divergence_mp(p: object, q: object, base: object = 2, dps: int = 50) -> mpmath.mpf:
    """``D(p || q)`` with mpmath at ``dps`` digits; ``mpmath.inf`` when ``p`` is not ``<< q``."""
    a, b = _pair(p, q)
    with mpmath.workdps(dps + _GUARD_DPS):
        total = mpmath.mpf(0)
        for x, y in zip(a.flat, b.flat):
            if x == 0:
                continue
            if y == 0:
                return mpmath.inf
            if isinstance(x, Fraction) and isinstance(y, Fraction):
                ratio = x / y
                total += _to_mpf(x) * mpmath.log(_to_mpf(ratio))
            else:
                total += _to_mpf(x) * (mpmath.log(_to_mpf(x)) - mpmath.log(_to_mpf(y)))
        return total / _ln_base_mp(base)


def total_variation(p: object, q: object) -> float:
    """``TV(p, q) = (1/2) sum_x |p(x) - q(x)|`` (computed exactly for exact inputs, returned as float)."""
    a, b = _pair(p, q)
    if _is_exact_table(a):
        t = sum((abs(x - y) for x, y in zip(a.flat, b.flat)), Fraction(0)) / 2
        return t.numerator / t.denominator
    return float(0.5 * np.abs(a - b).sum())


def total_variation_mp(p: object, q: object, dps: int = 50) -> mpmath.mpf:
    """``TV(p, q)`` with mpmath at ``dps`` digits (exact inputs: the exact value, rounded once)."""
    a, b = _pair(p, q)
    with mpmath.workdps(dps + _GUARD_DPS):
        if _is_exact_table(a):
            t = sum((abs(x - y) for x, y in zip(a.flat, b.flat)), Fraction(0)) / 2
            return _to_mpf(t)
        return mpmath.fsum(abs(_to_mpf(x) - _to_mpf(y)) for x, y in zip(a.flat, b.flat)) / 2


# ----------------------------------------------------------------------------- joint pmfs

def object_matrix(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    """A 2-D numpy object array of ``rows`` (exact Fractions stay Fractions)."""
    mat = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        mat[r, :] = list(row)
    return mat


def check_names(names: object, what: str = "names") -> tuple[str, ...]:
    """``names`` (one name or a sequence) as a tuple of distinct non-empty strings, else InvalidArgument."""
    if isinstance(names, str):
        names = (names,)
    try:
        names = tuple(names)  # type: ignore[arg-type]
    except TypeError as err:
        raise InvalidArgument(f"Expected a sequence of variable names but got {what}={names!r}") from err
    for n in names:
        if not isinstance(n, str) or not n:
            raise InvalidArgument(f"Expected variable names (non-empty strings) but got {what}={names!r}")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InvalidArgument(f"Expected distinct variable names but got {', '.join(dup)} twice in {what}")
    return names


class JointPMF:
    """A joint pmf ``P(x_1, ..., x_k)`` over named variables, one table axis per name.

    Parameters
    ----------
    names
        Variable names as derive prints them (``"X"``, ``"theta"``, ``"X[1]"``).
    table
        An array with ``table.ndim == len(names)``; value ``x_j`` of variable
        ``j`` is index ``x_j`` on axis ``j``.
    exact
        ``True``: entries are converted to :class:`Fraction` (ints, Fractions,
        sympy Rationals only) and must sum to exactly 1; ``False``: float64,
        summing to 1 within :data:`FLOAT_TOLERANCE`; ``None`` (default):
        exact when every entry is an exact number.

    Raises
    ------
    InvalidArgument
        Repeated or empty names, a shape that does not match, negative
        entries, a total other than 1.

    Example
    -------
    >>> from fractions import Fraction as F
    >>> P = JointPMF.exact(["X", "Y"], [[F(1, 2), 0], [0, F(1, 2)]])
    >>> P.entropy(["X"])
    1.0
    """

    __slots__ = ("_names", "_table", "_cache")

    def __init__(self, names: Sequence[str], table: object, *, exact: bool | None = None) -> None:
        names = check_names(names)
        tab = _as_table(table, exact, "the joint pmf")
        if tab.ndim != len(names):
            raise InvalidArgument(
                f"Expected a table with one axis per variable ({len(names)}: {', '.join(names)}) "
                f"but got shape {tab.shape}")
        if any(s < 1 for s in tab.shape):
            raise InvalidArgument(f"Expected every alphabet to have at least one value but got shape {tab.shape}")
        if tab.size > MAX_TABLE_SIZE:
            raise LimitExceeded(f"the joint pmf has {tab.size} cells; at most {MAX_TABLE_SIZE} are allowed")
        _check_pmf_values(tab, "the joint pmf")
        tab.setflags(write=False)
        self._names = names
        self._table = tab
        self._cache: dict = {}

    @classmethod
    def _trusted(cls, names: tuple[str, ...], table: np.ndarray) -> "JointPMF":
        """Build without re-validating (tables computed from valid ones)."""
        obj = cls.__new__(cls)
        table.setflags(write=False)
        obj._names = names
        obj._table = table
        obj._cache = {}
        return obj

    # constructors ------------------------------------------------------------
    @classmethod
    def exact(cls, names: Sequence[str], table: object) -> "JointPMF":
        """An exact joint pmf: entries ints, :class:`Fraction` or sympy Rationals, summing to exactly 1."""
        return cls(names, table, exact=True)

    @classmethod
    def uniform(cls, names: Sequence[str], sizes: Sequence[int], *, exact: bool = True) -> "JointPMF":
        """The uniform pmf on ``prod(sizes)`` values."""
        names = check_names(names)
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) != len(names) or any(s < 1 for s in sizes):
            raise InvalidArgument(f"Expected one positive alphabet size per name but got sizes={sizes}")
        n = math.prod(sizes)
        if n > MAX_TABLE_SIZE:
            raise LimitExceeded(f"the joint pmf has {n} cells; at most {MAX_TABLE_SIZE} are allowed")
        if exact:
            tab = np.empty(sizes, dtype=object)
            tab.fill(Fraction(1, n))
        else:
            tab = np.full(sizes, 1.0 / n)
        return cls._trusted(names, tab)

    @classmethod
    def point(cls) -> "JointPMF":
        """The joint pmf of no variables (the constant 1)."""
        return cls._trusted((), np.array(Fraction(1), dtype=object))

    # basic properties ----------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def table(self) -> np.ndarray:
        """The (read-only) table: float64, or an object array of Fractions when :attr:`is_exact`."""
        return self._table

    @property
    def is_exact(self) -> bool:
        return _is_exact_table(self._table)

    @property
    def alphabet_sizes(self) -> dict[str, int]:
        """``{name: alphabet size}`` in the order of :attr:`names`."""
        return dict(zip(self._names, self._table.shape))

    @property
    def shape(self) -> tuple[int, ...]:
        return self._table.shape

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        kind = "exact" if self.is_exact else "float"
        sizes = ", ".join(f"{n}:{s}" for n, s in self.alphabet_sizes.items())
        return f"JointPMF({kind}; {sizes})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JointPMF):
            return NotImplemented
        if set(other.names) != set(self.names):
            return False
        o = other.marginal(self.names)
        if o.shape != self.shape:
            return False
        if self.is_exact and o.is_exact:
            return bool(np.all(self._table == o._table))
        return bool(np.array_equal(_float_of_table(self._table), _float_of_table(o._table)))

    __hash__ = None  # type: ignore[assignment]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly description: names, alphabet sizes and the table (Fractions as ``"p/q"`` strings)."""
        if self.is_exact:
            table = np.vectorize(str, otypes=[object])(self._table).tolist() if self._table.ndim else str(
                self._table.item())
        else:
            table = self._table.tolist()
        return {"names": list(self._names), "alphabet_sizes": list(self._table.shape),
                "exact": self.is_exact, "table": table}

    def to_float(self) -> "JointPMF":
        """The same pmf in float64 (each Fraction correctly rounded)."""
        if not self.is_exact:
            return self
        return JointPMF._trusted(self._names, _float_of_table(self._table).copy())

    # helpers ---------------------------------------------------------------------
    def _axes(self, names: Iterable[str], what: str = "names") -> tuple[int, ...]:
        names = check_names(names, what)
        missing = [n for n in names if n not in self._names]
        if missing:
            raise InvalidArgument(
                f"Expected variables of this model ({', '.join(self._names) or 'none'}) "
                f"but got unknown {', '.join(missing)}")
        return tuple(self._names.index(n) for n in names)

    # marginals and entropies -------------------------------------------------------
    def marginal(self, names: Iterable[str]) -> "JointPMF":
        """The marginal pmf of ``names`` (axes in the order given)."""
        names = check_names(names)
        axes = self._axes(names)
        drop = tuple(k for k in range(len(self._names)) if k not in axes)
        tab = self._table.sum(axis=drop) if drop else self._table
        if not isinstance(tab, np.ndarray):
            tab = np.array(tab, dtype=object if self.is_exact else np.float64)
        # after summing, remaining axes are in increasing original order
        kept = sorted(axes)
        perm = tuple(kept.index(a) for a in axes)
        tab = np.transpose(tab, perm) if perm else tab
        return JointPMF._trusted(names, np.array(tab, copy=True))

    def _key(self, names: Iterable[str]) -> frozenset:
        names = check_names(names)
        self._axes(names)
        return frozenset(names)

    def entropy(self, names: Iterable[str] | None = None, base: object = 2) -> float:
        """``H(names) = -sum p log p`` of the marginal (float64; bits by default; ``0 log 0 = 0``)."""
        names = self._names if names is None else check_names(names)
        key = ("H", self._key(names), _base_key(base))
        if key not in self._cache:
            _check_base(base)
            m = self.marginal(sorted(names, key=self._names.index)) if names else None
            self._cache[key] = 0.0 if m is None else _neg_sum_plogp_float(_float_of_table(m._table), base)
        return self._cache[key]

    def entropy_mp(self, names: Iterable[str] | None = None, base: object = 2, dps: int = 50) -> mpmath.mpf:
        """``H(names)`` with mpmath at ``dps`` digits; exact entries are converted at full precision."""
        names = self._names if names is None else check_names(names)
        if not isinstance(dps, int) or isinstance(dps, bool) or dps < 5 or dps > 10_000:
            raise InvalidArgument(f"Expected 5 <= dps <= 10000 digits but got dps={dps!r}")
        key = ("Hmp", self._key(names), _base_key(base), dps)
        if key not in self._cache:
            _check_base(base)
            if not names:
                self._cache[key] = mpmath.mpf(0)
            else:
                m = self.marginal(sorted(names, key=self._names.index))
                with mpmath.workdps(dps + _GUARD_DPS):
                    self._cache[key] = _neg_sum_plogp_mp(m._table.flat, base)
        return self._cache[key]

    def mutual_information(self, left: Iterable[str], right: Iterable[str], given: Iterable[str] = (),
                           base: object = 2) -> float:
        """``I(left; right | given) = H(L,G) + H(R,G) - H(L,R,G) - H(G)`` (float64)."""
        l, r, g = set(check_names(left)), set(check_names(right)), set(check_names(given))
        return (self.entropy(l | g, base) + self.entropy(r | g, base)
                - self.entropy(l | r | g, base) - self.entropy(g, base))

    def mutual_information_mp(self, left: Iterable[str], right: Iterable[str], given: Iterable[str] = (),
                              base: object = 2, dps: int = 50) -> mpmath.mpf:
        """``I(left; right | given)`` with mpmath at ``dps`` digits."""
        l, r, g = set(check_names(left)), set(check_names(right)), set(check_names(given))
        with mpmath.workdps(dps + _GUARD_DPS):
            return (self.entropy_mp(l | g, base, dps) + self.entropy_mp(r | g, base, dps)
                    - self.entropy_mp(l | r | g, base, dps) - self.entropy_mp(g, base, dps))

    # building new pmfs ---------------------------------------------------------------
    def rename(self, mapping: Mapping[str, str]) -> "JointPMF":
        """The same pmf with variables renamed (``{old: new}``; names not in ``mapping`` are kept)."""
        self._axes(list(mapping), "the names to rename")
        names = check_names([mapping.get(n, n) for n in self._names], "the renamed variables")
        return JointPMF._trusted(names, np.array(self._table, copy=True))

    def reorder(self, names: Sequence[str]) -> "JointPMF":
        """The same pmf with its axes in the order ``names`` (all of this pmf's names)."""
        names = check_names(names)
        if set(names) != set(self._names):
            raise InvalidArgument(f"Expected a permutation of {', '.join(self._names)} but got {', '.join(names)}")
        return self.marginal(names)

    def product(self, other: "JointPMF") -> "JointPMF":
        """The independent joint ``P(x) Q(y)`` of two pmfs with disjoint names."""
        if not isinstance(other, JointPMF):
            raise InvalidArgument(f"Expected a JointPMF but got {other!r}")
        common = set(self._names) & set(other._names)
        if common:
            raise InvalidArgument(f"Expected pmfs over disjoint variables but both have {', '.join(sorted(common))}")
        a, b = self._table, other._table
        if self.is_exact != other.is_exact:
            a, b = _float_of_table(a), _float_of_table(b)
        size = a.size * b.size
        if size > MAX_TABLE_SIZE:
            raise LimitExceeded(f"the joint pmf would have {size} cells; at most {MAX_TABLE_SIZE} are allowed")
        tab = np.multiply.outer(a, b)
        if not isinstance(tab, np.ndarray):
            tab = np.array(tab, dtype=a.dtype)
        return JointPMF._trusted(self._names + other._names, tab)

    def apply_channel(self, input_names: Sequence[str], matrix: object, output_name: str) -> "JointPMF":
        """Add ``output_name`` with ``P(y | inputs) = matrix[row, y]``.

        ``row`` is the index of the inputs' joint value in C order (the last
        input varies fastest); ``input_names`` may be empty (``matrix`` then
        has one row: an independent variable). The result is exact when this
        pmf and every matrix entry are exact.

        Raises
        ------
        InvalidArgument
            Unknown inputs, an existing output name, a matrix of the wrong
            number of rows, or rows that are not pmfs.
        """
        input_names = check_names(input_names, "input_names")
        axes = self._axes(input_names, "input_names")
        (output_name,) = check_names((output_name,), "output_name")
        if output_name in self._names:
            raise InvalidArgument(f"Expected a new variable name for the channel output but got {output_name!r}")
        exact = self.is_exact and _all_exact(matrix)
        mat = _as_table(matrix, exact, "the channel matrix")
        if mat.ndim != 2:
            raise InvalidArgument(f"Expected a channel matrix (rows p(y|x)) but got shape {mat.shape}")
        in_sizes = tuple(self._table.shape[a] for a in axes)
        rows = math.prod(in_sizes)
        if mat.shape[0] != rows or mat.shape[1] < 1:
            raise InvalidArgument(
                f"Expected a channel matrix with {rows} rows (the values of {', '.join(input_names) or 'nothing'}) "
                f"but got shape {mat.shape}")
        for k in range(rows):
            _check_pmf_values(mat[k], f"row {k + 1} of the channel matrix")
        size = self._table.size * mat.shape[1]
        if size > MAX_TABLE_SIZE:
            raise LimitExceeded(f"the joint pmf would have {size} cells; at most {MAX_TABLE_SIZE} are allowed")
        base = self._table if exact else _float_of_table(self._table)
        kernel = mat.reshape(in_sizes + (mat.shape[1],))
        # move the kernel's input axes to their positions in the joint, size 1 elsewhere
        order = sorted(range(len(axes)), key=lambda j: axes[j])
        kernel = np.transpose(kernel, tuple(order) + (len(axes),))
        shape = [1] * self._table.ndim + [mat.shape[1]]
        for a in axes:
            shape[a] = self._table.shape[a]
        kernel = kernel.reshape(shape)
        tab = base[..., np.newaxis] * kernel
        return JointPMF._trusted(self._names + (output_name,), np.array(tab, copy=True))

    def function_of(self, input_names: Sequence[str], f_table: object, output_name: str,
                    size: int | None = None) -> "JointPMF":
        """Add ``output_name = f(inputs)`` (deterministic; exactness is kept).

        ``f_table`` holds ``f``'s value (an int in ``range(size)``) at each joint
        value of the inputs: an array of shape the inputs' alphabet sizes, a
        flat sequence in C order, or a Python callable ``f(*values) -> int``.
        ``size`` defaults to ``max(f) + 1``.
        """
        input_names = check_names(input_names, "input_names")
        axes = self._axes(input_names, "input_names")
        in_sizes = tuple(self._table.shape[a] for a in axes)
        rows = math.prod(in_sizes)
        if callable(f_table):
            values = [f_table(*idx) for idx in np.ndindex(*in_sizes)] if in_sizes else [f_table()]
        else:
            arr = np.array(f_table, dtype=object).reshape(-1) if np.ndim(f_table) else np.array([f_table], dtype=object)
            values = list(arr)
        if len(values) != rows:
            raise InvalidArgument(f"Expected {rows} function values (one per value of the inputs) but got {len(values)}")
        for v in values:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
                raise InvalidArgument(f"Expected function values that are integers >= 0 but got {v!r}")
        values = [int(v) for v in values]
        width = max(values) + 1 if size is None else int(size)
        if max(values) >= width:
            raise InvalidArgument(f"Expected function values below size={width} but got {max(values)}")
        mat = np.empty((rows, width), dtype=object)
        mat.fill(Fraction(0))
        for r, v in enumerate(values):
            mat[r, v] = Fraction(1)
        if not self.is_exact:
            mat = _float_of_table(mat)
        return self.apply_channel(input_names, mat, output_name)

    def conditionally_independent_copy(self, names: Sequence[str], given: Sequence[str],
                                       new_names: Sequence[str]) -> "JointPMF":
        """Add copies ``new_names`` of ``names``: same law given ``given``, independent of all else given it.

        ``P(..., x') = P(...) P_{names | given}(x' | g)``; where ``P(g) = 0`` the
        copy is set to the first value (it has probability zero anyway). Useful
        for i.i.d. samples: the copy of ``X`` given ``theta`` is i.i.d. with ``X``.
        """
        names = check_names(names)
        given = check_names(given, "given")
        new_names = check_names(new_names, "new_names")
        if len(new_names) != len(names):
            raise InvalidArgument(f"Expected {len(names)} new names but got {len(new_names)}")
        if set(names) & set(given):
            raise InvalidArgument("Expected the copied variables and the conditioning variables to be disjoint")
        joint = self.marginal(given + names)
        g_sizes = joint.shape[:len(given)]
        x_sizes = joint.shape[len(given):]
        rows, width = math.prod(g_sizes), math.prod(x_sizes)
        flat = joint._table.reshape(rows, width)
        exact = self.is_exact
        mat = np.empty((rows, width), dtype=object if exact else np.float64)
        for r in range(rows):
            total = sum(flat[r], Fraction(0)) if exact else float(flat[r].sum())
            if total == 0:
                mat[r] = Fraction(0) if exact else 0.0
                mat[r, 0] = Fraction(1) if exact else 1.0
            else:
                mat[r] = [v / total for v in flat[r]] if exact else flat[r] / total
        tmp_name = "\x00copy"
        while tmp_name in self._names:
            tmp_name += "_"
        out = self.apply_channel(given, mat, tmp_name)
        # split the copy's flat axis into one axis per new name
        tab = out._table.reshape(out.shape[:-1] + x_sizes)
        return JointPMF._trusted(self._names + new_names, np.array(tab, copy=True))


# ----------------------------------------------------------------------------- named pmfs

class Distributions(Mapping[str, np.ndarray]):
    """Named single pmfs on one common alphabet, for ``D(P || Q)`` and ``TV(P, Q)``.

    ``Distributions({"P": [F(1, 2), F(1, 2)], "Q": [F(1, 4), F(3, 4)]})``;
    entries exact (ints, Fractions) or floats, as for :class:`JointPMF`.
    Multi-dimensional tables are flattened (C order).

    Raises
    ------
    InvalidArgument
        A table that is not a pmf, or pmfs on alphabets of different sizes.
    """

    def __init__(self, pmfs: Mapping[str, object] | None = None, *, exact: bool | None = None,
                 **kw: object) -> None:
        items = dict(pmfs or {})
        items.update(kw)
        tables: dict[str, np.ndarray] = {}
        size = None
        for name, p in items.items():
            if not isinstance(name, str) or not name:
                raise InvalidArgument(f"Expected a distribution name but got {name!r}")
            v = _vector(p, f"the distribution {name}", exact)
            if size is not None and v.size != size:
                raise InvalidArgument(
                    f"Expected distributions on one alphabet but {name} has {v.size} values, not {size}")
            size = v.size
            v.setflags(write=False)
            tables[name] = v
        self._tables = tables

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._tables[name]
        except KeyError:
            raise InvalidArgument(
                f"Expected a distribution of this model ({', '.join(self._tables) or 'none'}) "
                f"but got unknown {name}") from None

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        return f"Distributions({', '.join(self._tables)})"

    def kl(self, p: str, q: str, base: object = 2) -> float:
        """``D(p || q)`` in float64."""
        return kl_divergence(self[p], self[q], base)

    def kl_mp(self, p: str, q: str, base: object = 2, dps: int = 50) -> mpmath.mpf:
        """``D(p || q)`` with mpmath at ``dps`` digits."""
        return kl_divergence_mp(self[p], self[q], base, dps)

    def tv(self, p: str, q: str) -> float:
        """``TV(p, q)`` in float64."""
        return total_variation(self[p], self[q])

    def tv_mp(self, p: str, q: str, dps: int = 50) -> mpmath.mpf:
        """``TV(p, q)`` with mpmath at ``dps`` digits."""
        return total_variation_mp(self[p], self[q], dps)

    def as_dict(self) -> dict[str, list]:
        return {n: [str(x) if isinstance(x, Fraction) else float(x) for x in t] for n, t in self._tables.items()}


@dataclass(frozen=True)
class Model:
    """A concrete model: a joint pmf, named distributions and parameter values (any may be absent).

    ``noise_widths`` (name → w, a Fraction): those variables are continuous, ``w (D + U)`` over the joint's discrete
    value ``D`` (:mod:`derive.numeric.noisy`); the float/mpmath evaluator refuses such a model, which ``derive eval``
    evaluates with interval arithmetic."""

    joint: JointPMF | None = None
    distributions: Distributions | None = None
    params: Mapping[object, object] = field(default_factory=dict)
    noise_widths: Mapping[str, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.joint is not None and not isinstance(self.joint, JointPMF):
            raise InvalidArgument(f"Expected a JointPMF but got joint={self.joint!r}")
        if self.distributions is not None and not isinstance(self.distributions, Distributions):
            object.__setattr__(self, "distributions", Distributions(self.distributions))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly description (for counterexamples)."""
        return {
            "joint": self.joint.as_dict() if self.joint is not None else None,
            "distributions": self.distributions.as_dict() if self.distributions is not None else None,
            "params": {str(k): str(v) for k, v in self.params.items()},
        }
