"""The row-stochastic matrix ``K[x][y] = p(y | x)`` of every named channel: one owner for these formulas.

* ``BSC(p)``: ``[[1 - p, p], [p, 1 - p]]``;
* ``BEC(e)``: ``[[1 - e, e, 0], [0, e, 1 - e]]`` (output 1 is the erasure);
* ``Z(p)``: ``[[1, 0], [p, 1 - p]]`` (input 0 is received intact);
* ``QSC(q, p)``: ``1 - p`` on the diagonal, ``p / (q - 1)`` elsewhere (``q`` an integer ``>= 2``);
* ``matrix(rows)``: the rows as written;
* ``AWGN(snr)``: continuous, no finite matrix.

:func:`named_channel_rows` applies a formula to parameters of any exact or float number type
(sympy expressions, :class:`fractions.Fraction`, ``float``), so the kernel (symbolic entries), the numeric
models (exact rationals after substitution) and the channel library (Fractions or floats) all read the
same formula. :func:`channel_matrix` is the symbolic matrix of a :class:`ChannelSpec`.
Nothing here checks that the entries lie in ``[0, 1]``: that depends on the parameters' domains.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from derive.core.hypotheses import ChannelSpec
from derive.errors import InvalidArgument

__all__ = ["named_channel_rows", "channel_matrix", "channel_shape", "QSC_MAX_ALPHABET"]

#: Largest alphabet of a ``QSC(q, p)`` whose matrix :func:`channel_matrix` writes out by default.
QSC_MAX_ALPHABET = 64


def named_channel_rows(name: str, params: Sequence[Any]) -> list[list[Any]] | None:
    """The rows ``p(y | x)`` of the named channel ``name(*params)`` in the parameters' own number type.

    ``QSC``'s alphabet size must be a Python ``int`` here (``>= 2``, else :class:`InvalidArgument`);
    ``None`` for ``AWGN`` (no finite matrix).
    """
    if name == "AWGN":
        return None
    p = params[-1]
    zero = p * 0
    one = zero + 1
    if name == "BSC":
        return [[one - p, p], [p, one - p]]
    if name == "BEC":
        return [[one - p, p, zero], [zero, p, one - p]]
    if name == "Z":
        return [[one, zero], [p, one - p]]
    if name == "QSC":
        q = params[0]
        if not isinstance(q, int) or isinstance(q, bool) or q < 2:
            raise InvalidArgument(f"QSC needs an integer alphabet size q >= 2, got {q!r}")
        off = p / (q - 1)
        return [[one - p if i == j else off for j in range(q)] for i in range(q)]
    raise InvalidArgument(f"no named channel {name!r}")


def _alphabet_size(q: sympy.Expr, max_alphabet: int | None) -> int | None:
    if not (q.is_Integer and q >= 2):
        return None
    if max_alphabet is not None and q > max_alphabet:
        return None
    return int(q)


def channel_matrix(spec: ChannelSpec, *, max_alphabet: int | None = QSC_MAX_ALPHABET) -> list[list[sympy.Expr]] | None:
    """The exact rows ``p(y | x)`` of ``spec`` as sympy expressions (symbolic parameters allowed).

    ``None`` for ``AWGN`` and for a ``QSC(q, p)`` whose ``q`` is not a concrete integer ``>= 2``
    (at most ``max_alphabet`` unless that is ``None``).
    """
    if spec.name == "matrix":
        return [list(r) for r in spec.rows or ()]
    if spec.name == "QSC":
        q = _alphabet_size(spec.params[0], max_alphabet)
        if q is None:
            return None
        return named_channel_rows("QSC", (q, spec.params[1]))
    return named_channel_rows(spec.name, spec.params)


def channel_shape(spec: ChannelSpec) -> tuple[int, int] | None:
    """``(number of inputs, number of outputs)`` of ``spec``'s matrix; ``None`` for ``AWGN`` or a ``QSC``
    whose alphabet size is not a concrete integer ``>= 2``."""
    if spec.name in ("BSC", "Z"):
        return 2, 2
    if spec.name == "BEC":
        return 2, 3
    if spec.name == "QSC":
        q = _alphabet_size(spec.params[0], None)
        return None if q is None else (q, q)
    if spec.name == "matrix":
        rows = spec.rows or ()
        return len(rows), len(rows[0])
    return None
