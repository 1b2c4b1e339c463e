"""Information quantities as sympy functions that canonicalize in ``eval``.

* ``H(A | C)`` — (conditional) entropy, ``H(target, given)`` with two :class:`RVSet` args;
* ``I(A; B | C)`` — (conditional) mutual information, three :class:`RVSet` args;
* ``D(P || Q)`` — relative entropy between named distributions;
* ``TV(P, Q)`` — total variation distance;
* ``h(p)`` — binary entropy ``-p log2 p - (1-p) log2 (1-p)`` (bits).

Canonical forms (applied on construction): ``H(∅ | C) = 0``; conditioning variables are removed from
the sides of ``I`` (``I(X, Z; Y | X) = I(Z; Y | X)``, and ``= 0`` when a side becomes empty); the two sides
of ``I`` and ``TV`` are sorted; ``D(P || P) = TV(P, P) = 0``. These hold for continuous variables too.
Identities that hold for *discrete* variables only are not applied here: ``H(X, Y | X) = H(Y | X)`` and
``I(X; X, Y) = H(X)`` (for a continuous ``X`` the left sides are ``-oo`` and ``+oo``). Such atoms stay as
written; their linear forms (:mod:`derive.core.linear`) are the discrete values, and the kernel's door
refuses them when the shared variable is continuous.

Build them from Python as ``H(X, Y, given=Z)``, ``I(X, Y, given=Z)`` (each
side a variable, a name or a list), ``D("P", "Q")``.
"""

from __future__ import annotations

import sympy
from sympy import Basic, Function, S
from sympy.core.sorting import default_sort_key

from derive.core.notation import show
from derive.core.variables import NamedMixin, RVSet, as_rvset
from derive.errors import InvalidArgument

__all__ = ["H", "I", "D", "TV", "Dist", "h", "h_as_logs", "INFO_CLASSES", "is_information_atom", "has_information"]


class Dist(NamedMixin, Basic):
    """A named probability distribution, the argument of ``D`` and ``TV``."""

    what = "distribution name"


def _latex_items(s: RVSet, printer) -> str:
    parts = []
    for item in s.args:
        parts.append(printer._print(item) if hasattr(printer, "_print") else str(item))
    return ", ".join(parts)


class _InfoFunction(Function):
    is_real = True
    is_extended_real = True
    is_finite = True
    is_commutative = True

    def _eval_is_nonnegative(self):
        """I, D and TV are >= 0 for every distribution; H only for discrete variables (a differential entropy
        can be negative) and an atom does not know whether its variables are continuous, so for H it is unknown.
        (H used to be declared non-negative: sympy rewrote ``abs(H(X))`` to ``H(X)`` for a continuous X.)"""
        return None if isinstance(self, H) else True

    @property
    def is_number(self) -> bool:
        """An information quantity is never a number: its value depends on a distribution."""
        return False

    def _eval_evalf(self, prec):
        return None

    def __str__(self) -> str:
        return show(self)  # the file grammar, in the author's order inside notation.written_order

    def fdiff(self, argindex=1):  # pragma: no cover - information atoms are not differentiated
        raise InvalidArgument(f"{self.func.__name__} cannot be differentiated")


class H(_InfoFunction):
    """Entropy ``H(A | C) = H(A, C) - H(C)`` (``>= 0`` for discrete variables; a differential one can be < 0).

    ``H(X, Y, given=Z)`` is ``H(X, Y | Z)``; the canonical args are two :class:`RVSet`.
    """

    nargs = 2

    def __new__(cls, *args, given=None, **options):
        if given is None and len(args) == 2 and all(isinstance(a, RVSet) for a in args):
            target, cond = args
        else:
            if not args:
                raise InvalidArgument("Expected at least one variable in H(...) but got none")
            target, cond = RVSet(*args), as_rvset(given)
        return super().__new__(cls, target, cond, **options)

    @classmethod
    def eval(cls, target, given):
        if not isinstance(target, RVSet) or not isinstance(given, RVSet):
            raise InvalidArgument(f"Expected variable sets in H but got {target!r}, {given!r}")
        if not target:
            return S.Zero
        return None  # H(X, Y | X) stays as written: its value is H(Y | X) only for a discrete X (module docstring)

    @property
    def target(self) -> RVSet:
        return self.args[0]

    @property
    def given(self) -> RVSet:
        return self.args[1]

    def _sympystr(self, printer) -> str:
        cond = f" | {self.given}" if self.given else ""
        return f"H({self.target}{cond})"

    def _latex(self, printer) -> str:
        cond = rf" \mid {_latex_items(self.given, printer)}" if self.given else ""
        return rf"H({_latex_items(self.target, printer)}{cond})"


class I(_InfoFunction):  # noqa: E742 - the standard name
    """Mutual information ``I(A; B | C) = H(A|C) + H(B|C) - H(A,B|C)``.

    ``I(X, Y, given=Z)`` is ``I(X; Y | Z)``; each side may be a list of variables.
    """

    nargs = 3

    def __new__(cls, *args, given=None, **options):
        if given is None and len(args) == 3 and all(isinstance(a, RVSet) for a in args):
            a, b, c = args
        elif len(args) == 2:
            a, b, c = as_rvset(args[0]), as_rvset(args[1]), as_rvset(given)
        else:
            raise InvalidArgument(f"Expected I(A, B, given=C) but got {len(args)} positional arguments")
        return super().__new__(cls, a, b, c, **options)

    @classmethod
    def eval(cls, a, b, c):
        if not all(isinstance(x, RVSet) for x in (a, b, c)):
            raise InvalidArgument(f"Expected variable sets in I but got {a!r}, {b!r}, {c!r}")
        a2, b2 = a - c, b - c
        if not a2 or not b2:
            return S.Zero
        if default_sort_key(b2) < default_sort_key(a2):
            a2, b2 = b2, a2
        if (a2, b2) != (a, b):
            return cls(a2, b2, c)
        return None

    @property
    def left(self) -> RVSet:
        return self.args[0]

    @property
    def right(self) -> RVSet:
        return self.args[1]

    @property
    def given(self) -> RVSet:
        return self.args[2]

    def _sympystr(self, printer) -> str:
        cond = f" | {self.given}" if self.given else ""
        return f"I({self.left}; {self.right}{cond})"

    def _latex(self, printer) -> str:
        cond = rf" \mid {_latex_items(self.given, printer)}" if self.given else ""
        return rf"I({_latex_items(self.left, printer)}; {_latex_items(self.right, printer)}{cond})"


def _as_dist(x) -> Dist:
    if isinstance(x, Dist):
        return x
    if isinstance(x, str):
        return Dist(x)
    raise InvalidArgument(f"Expected a distribution name but got {x!r}")


class D(_InfoFunction):
    """Relative entropy ``D(P || Q) = sum_x P(x) log(P(x)/Q(x)) >= 0``."""

    nargs = 2

    def __new__(cls, p, q, **options):
        return super().__new__(cls, _as_dist(p), _as_dist(q), **options)

    @classmethod
    def eval(cls, p, q):
        if p == q:
            return S.Zero
        return None

    def _sympystr(self, printer) -> str:
        return f"D({self.args[0]} || {self.args[1]})"

    def _latex(self, printer) -> str:
        return rf"D({printer._print(self.args[0])} \,\|\, {printer._print(self.args[1])})"


class TV(_InfoFunction):
    """Total variation distance ``TV(P, Q) = (1/2) sum_x |P(x) - Q(x)|``, in ``[0, 1]``."""

    nargs = 2

    def __new__(cls, p, q, **options):
        return super().__new__(cls, _as_dist(p), _as_dist(q), **options)

    @classmethod
    def eval(cls, p, q):
        if p == q:
            return S.Zero
        if default_sort_key(q) < default_sort_key(p):
            return cls(q, p)
        return None

    def _sympystr(self, printer) -> str:
        return f"TV({self.args[0]}, {self.args[1]})"

    def _latex(self, printer) -> str:
        return rf"\mathrm{{TV}}({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class h(Function):  # noqa: N801 - the standard name
    """Binary entropy in bits: ``h(p) = -p log2(p) - (1-p) log2(1-p)``, ``h(0) = h(1) = 0``."""

    nargs = 1

    def _eval_is_extended_real(self):
        """Real on [0, 1] only (elsewhere the logs are of negative numbers): True when the argument is known to
        lie there, False when it is known not to be real, else unknown. (It used to be declared real for every
        argument, so sympy called exp(h(I*pi)) a positive real number.)"""
        p = self.args[0]
        if p.is_extended_real is False:
            return False
        if p.is_nonnegative and (1 - p).is_nonnegative:
            return True
        return None

    _eval_is_real = _eval_is_extended_real

    @classmethod
    def eval(cls, p):
        if p.is_Number:
            if p in (S.Zero, S.One):
                return S.Zero
            if p == S.Half:
                return S.One
            if p.is_Rational and (p < 0 or p > 1):
                raise InvalidArgument(f"Expected 0 <= p <= 1 in h(p) but got p={p}")
        return None

    def _eval_is_nonnegative(self):
        p = self.args[0]
        if p.is_nonnegative and (1 - p).is_nonnegative:
            return True
        return None

    def fdiff(self, argindex=1):
        p = self.args[0]
        return sympy.log((1 - p) / p) / sympy.log(2)

    def rewrite_as_logs(self) -> sympy.Expr:
        p = self.args[0]
        return (-p * sympy.log(p) - (1 - p) * sympy.log(1 - p)) / sympy.log(2)

    def _eval_evalf(self, prec):
        p = self.args[0]._eval_evalf(prec)
        if p is None or not p.is_Number:
            return None
        if p == 0 or p == 1:
            return sympy.Float(0, prec)
        return ((-p * sympy.log(p) - (1 - p) * sympy.log(1 - p)) / sympy.log(2)).evalf(prec)

    def _latex(self, printer, exp=None) -> str:
        body = rf"h\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


def h_as_logs(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each ``h(x)`` written ``-(x log x + (1 - x) log(1 - x))/log 2``: equal on ``(0, 1)``, and at 0
    and 1 by continuity (where the written form needs ``0 log 0 = 0``)."""
    return expr.replace(lambda n: isinstance(n, h), lambda n: n.rewrite_as_logs()) if expr.has(h) else expr


INFO_CLASSES = (H, I, D, TV)


def is_information_atom(expr: Basic) -> bool:
    """True for an ``H``, ``I``, ``D`` or ``TV`` node."""
    return isinstance(expr, INFO_CLASSES)


def has_information(expr: Basic) -> bool:
    """True when ``expr`` mentions an information quantity anywhere."""
    return any(isinstance(a, INFO_CLASSES) for a in sympy.preorder_traversal(expr))
