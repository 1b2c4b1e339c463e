"""LaTeX for every derive object, through one sympy ``LatexPrinter`` subclass.

:class:`DeriveLatexPrinter` prints expressions (information quantities, parameters,
``Sum``, logarithms), statements, hypotheses, channels and parameter domains:

* Greek parameter and variable names become letters (``theta`` → ``\\theta``);
* a family block ``X[1..n]`` is ``X_{1:n}``, a member ``X[i]`` is ``X_{i}``;
* ``sum(f, i, 1, n)`` is ``\\sum_{i=1}^{n} f``;
* a logarithm in bits (``log(x)/log(2)`` in sympy) is ``\\log_2 x``; any other
  natural logarithm is ``\\ln x``;
* a coefficient is written before the information quantity it multiplies:
  ``\\frac{1 - \\tau}{\\rho} I(M; X)`` rather than ``\\frac{(1 - \\tau) I(M; X)}{\\rho}``;
* ``U -> X -> Y`` is ``U \\to X \\to Y``, ``A _|_ B | C`` is ``A \\perp\\!\\!\\!\\perp B \\mid C``.

Use :func:`latex` (math-mode text, no dollars) or the printer directly. Free text
that goes into a document (titles, notes, citations) is escaped by :func:`latex_text`.
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy import Add, Basic, Function, Mul, Pow, S
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter, translate

from derive.core.hypotheses import (
    IID,
    Assume,
    Channel,
    ChannelFamily,
    ChannelSpec,
    FunctionOf,
    Independent,
    Markov,
    MarkovFamily,
    MutuallyIndependent,
)
from derive.core.notation import readable_indices
from derive.core.parameters import Domain, Parameter
from derive.core.quantities import INFO_CLASSES, has_information
from derive.core.statements import Statement
from derive.core.variables import SUBSCRIPTED_NAME, RVItem, RVSet, latex_name

__all__ = ["DeriveLatexPrinter", "latex", "latex_text", "latex_relation", "math", "init_notebook_printing",
           "visible_width"]

LE, GE = r"\le", r"\ge"
_RELATIONS = {"<=": LE, ">=": GE, "==": "="}

#: LaTeX of the independence symbol (two perpendiculars; reads "is independent of").
INDEPENDENT = r"\perp\!\!\!\perp"


#: Parameter names that are words for a standard symbol.
_NAME_ALIASES = {"eps": r"\varepsilon"}


class _Log2(Function):
    """``log(x)/log(2)``: a logarithm in bits, only ever built by the printer for display."""

    nargs = 1


def latex_relation(rel: str) -> str:
    """``<=`` → ``\\le``, ``>=`` → ``\\ge``, ``==`` → ``=``."""
    return _RELATIONS[rel]


def _is_simple(expr: Basic) -> bool:
    """An argument that needs no parentheses after an operator name (``\\log_2 k``)."""
    return bool(expr.is_Symbol or (expr.is_Integer and expr >= 0))


class DeriveLatexPrinter(LatexPrinter):
    """The one LaTeX printer of derive (see the module docstring for its conventions).

    Example
    -------
    >>> from derive.core import I, H
    >>> DeriveLatexPrinter().doprint(I("U", "Y", given="X"))
    'I(U; Y \\\\mid X)'
    """

    printmethod = "_latex"
    #: ``written``: a :class:`~derive.proof.WrittenOrder` (a proof's ``written``); information atoms then print
    #: with the author's argument order (``I(M; S \mid \theta)`` although core stores ``I(S; M | theta)``).
    _default_settings = {**LatexPrinter._default_settings, "written": None}

    # ------------------------------------------------------------------ dispatch
    def _print(self, expr: Any, **kwargs) -> str:
        """derive's own classes are printed by this class's ``_print_<Class>`` methods first.

        (sympy would otherwise ask the object's ``_latex`` method, which uses sympy's plain printer.)
        """
        for cls in type(expr).__mro__:
            if cls.__module__.startswith("derive."):
                method = _own_method(type(self), "_print_" + cls.__name__)
                if method is not None:
                    self._print_level += 1
                    try:
                        return method(self, expr, **kwargs)
                    finally:
                        self._print_level -= 1
        return super()._print(expr, **kwargs)

    def doprint(self, expr: Any) -> str:
        if isinstance(expr, Basic):
            expr = pair_logs(readable_indices(expr))
        return super().doprint(expr)

    def expr(self, expr: Any) -> str:
        """LaTeX of a sympy expression (logs in bits paired first; derive's own summation indices as ``j``, ...)."""
        if isinstance(expr, Basic):
            expr = pair_logs(readable_indices(expr))
        return self._print(expr)

    # ------------------------------------------------------------------ names
    def _print_Symbol(self, expr, style="plain") -> str:
        """sympy's names (``theta`` → ``\\theta``, ``r2`` → ``r_{2}``); other words upright-italic as one
        name (``pe`` → ``\\mathit{pe}``, not the product ``p e``); ``eps`` and ``epsilon`` → ``\\varepsilon``."""
        if not SUBSCRIPTED_NAME.fullmatch(expr.name) and expr not in self._settings["symbol_names"]:
            return latex_name(expr.name)  # M__, x_1_2: as written (sympy would print M^{}, x_{1 2})
        name, supers, subs = split_super_sub(expr.name)
        if name == "epsilon" and expr not in self._settings["symbol_names"]:
            name = "eps"  # one glyph for both spellings: \varepsilon (sympy would print \epsilon for this one)
        elif not (len(name) > 1 and name.isalpha() and translate(name) == name) or expr in self._settings["symbol_names"]:
            return super()._print_Symbol(expr, style=style)
        text = _NAME_ALIASES.get(name, rf"\mathit{{{name}}}")
        if supers:
            text += "^{%s}" % " ".join(translate(s) for s in supers)
        if subs:
            text += "_{%s}" % " ".join(translate(s) for s in subs)
        return text

    # ------------------------------------------------------------------ sums: information first, a plus sign first
    def _print_Add(self, expr, order=None) -> str:
        """A sum; a parameter expression whose terms share one rational factor prints in the author's form,
        ``3/5*(1 - eps)`` as ``\\frac{3}{5} (1 - \\varepsilon)`` rather than sympy's distributed ``3/5 - 3 eps/5``."""
        if not has_information(expr):
            c, rest = expr.primitive()
            if c.is_Rational and c not in (1, -1) and c.q != 1 and isinstance(rest, Add) \
                    and all(abs(t.as_coeff_Mul()[0]) == 1 for t in rest.args):
                return rf"{self._print(c)} \left({''.join(self.add_pieces(rest, order))}\right)"
        return "".join(self.add_pieces(expr, order))

    def rows(self, expr: Basic, width: int) -> list[str]:
        """``expr``'s LaTeX as rows of at most about ``width`` visible characters (:func:`visible_width`): a long sum
        breaks between its terms (each later row starts with its sign); anything else stays one row."""
        tex = self.expr(expr)
        paired = pair_logs(readable_indices(expr)) if isinstance(expr, Basic) else expr
        if visible_width(tex) <= width or not isinstance(paired, Add):
            return [tex]
        rows: list[str] = []
        cur = ""
        for piece in self.add_pieces(paired):
            if cur and visible_width(cur + piece) > width:
                rows.append(cur)
                cur = piece.strip()
                continue
            cur += piece
        rows.append(cur)
        return rows

    def add_pieces(self, expr, order=None) -> list[str]:
        """The terms of a sum as printed, each after the first with its sign (``" + t"``, ``" - t"``): information
        quantities first, a plus sign first. Joined they are the sum's LaTeX; a long sum breaks between pieces."""
        terms = list(self._as_ordered_terms(expr, order=order))
        terms = [t for t in terms if has_information(t)] + [t for t in terms if not has_information(t)]
        if terms[0].could_extract_minus_sign():
            first = next((k for k, t in enumerate(terms) if not t.could_extract_minus_sign()), None)
            if first is not None:
                terms.insert(0, terms.pop(first))
        pieces = []
        for i, term in enumerate(terms):
            sign = ""
            if i > 0:
                if term.could_extract_minus_sign():
                    sign = " - "
                    term = -term
                else:
                    sign = " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            pieces.append(sign + term_tex)
        return pieces

    # ------------------------------------------------------------------ logarithms
    def _print_log(self, expr, exp=None) -> str:
        return self._operator(r"\ln", expr.args[0], exp)

    def _print__Log2(self, expr, exp=None) -> str:
        return self._operator(r"\log_2", expr.args[0], exp)

    def _operator(self, name: str, arg: Basic, exp) -> str:
        head = name if exp is None else f"{name}^{{{exp}}}"
        inner = self._print(arg)
        if _is_simple(arg):
            return f"{head} {inner}"
        return rf"{head}\left({inner}\right)"

    # ------------------------------------------------------------------ information quantities
    def _rvset(self, s: RVSet | tuple) -> str:
        items = s.args if isinstance(s, RVSet) else tuple(s)
        return ", ".join(self._print(item) for item in items) if items else r"\emptyset"

    def _sides(self, expr: Basic, canonical: tuple) -> tuple:
        """The arguments of an information atom in the author's order (setting ``written``), else ``canonical``."""
        written = self._settings.get("written")
        got = written.sides(expr) if written is not None else None
        return canonical if got is None else got

    def _print_RVSet(self, expr: RVSet) -> str:
        return self._rvset(expr)

    def _print_RV(self, expr) -> str:
        return latex_name(expr.name)

    def _print_FamilyMember(self, expr) -> str:
        return f"{latex_name(expr.family)}_{{{self._print(expr.index)}}}"

    def _print_FamilyRange(self, expr) -> str:
        return f"{latex_name(expr.family)}_{{{self._print(expr.lo)}:{self._print(expr.hi)}}}"

    def _print_Dist(self, expr) -> str:
        return latex_name(expr.name)

    @staticmethod
    def _power(body: str, exp) -> str:
        return body if exp is None else rf"{body}^{{{exp}}}"

    def _print_H(self, expr, exp=None) -> str:
        target, given = self._sides(expr, (expr.target.args, expr.given.args))
        cond = rf" \mid {self._rvset(given)}" if given else ""
        return self._power(rf"H({self._rvset(target)}{cond})", exp)

    def _print_I(self, expr, exp=None) -> str:
        left, right, given = self._sides(expr, (expr.left.args, expr.right.args, expr.given.args))
        cond = rf" \mid {self._rvset(given)}" if given else ""
        return self._power(rf"I({self._rvset(left)}; {self._rvset(right)}{cond})", exp)

    def _print_D(self, expr, exp=None) -> str:
        return self._power(rf"D({self._print(expr.args[0])} \,\|\, {self._print(expr.args[1])})", exp)

    def _print_TV(self, expr, exp=None) -> str:
        (p,), (q,) = self._sides(expr, ((expr.args[0],), (expr.args[1],)))
        return self._power(rf"\mathrm{{TV}}({self._print(p)}, {self._print(q)})", exp)

    def _print_h(self, expr, exp=None) -> str:
        arg = expr.args[0]
        inner = self._print(arg)
        body = f"h({inner})" if _is_simple(arg) or arg.is_Number else rf"h\left({inner}\right)"
        return self._power(body, exp)

    # ------------------------------------------------------------------ products: coefficient first
    def _print_Mul(self, expr) -> str:
        if not has_information(expr):
            return self._logs_last(expr)
        if expr.could_extract_minus_sign():
            inner = -expr
            text = self._print(inner)
            if inner.is_Add:
                text = rf"\left({text}\right)"
            return "- " + text
        factors = Mul.make_args(expr)
        info = [f for f in factors if has_information(f)]
        coeff = [f for f in factors if not has_information(f)]
        if not coeff or not info:
            return super()._print_Mul(expr)
        c = Mul(*coeff)
        a = Mul(*info)
        if c == 1:
            return self._print(a)
        ctext = self._print(c)
        if c.is_Add:
            ctext = rf"\left({ctext}\right)"
        atext = self._print(a)
        if a.is_Add:
            atext = rf"\left({atext}\right)"
        return rf"{ctext}\, {atext}"

    def _logs_last(self, expr) -> str:
        """``h(p) \\ln 2`` rather than ``\\ln 2 h(p)`` (which reads as ``\\ln(2 h(p))``): logarithms with a
        bare argument go last in a product without a denominator."""
        factors = Mul.make_args(expr)
        logs = [f for f in factors if isinstance(f, (sympy.log, _Log2)) and _is_simple(f.args[0])]
        others = [f for f in factors if f not in logs]
        if not logs or not others or any(f.is_Pow and f.exp.is_negative for f in others) \
                or any(f.is_Rational and not f.is_Integer for f in others):
            return super()._print_Mul(expr)
        rest = Mul(*others)
        if rest.is_Number and rest != -1:
            return super()._print_Mul(expr)
        tail = r"\, ".join(self._print(f) for f in logs)
        if rest == -1:
            return "- " + tail
        text = self._print(rest)
        if rest.is_Add:
            text = rf"\left({text}\right)"
        return rf"{text}\, {tail}"

    # ------------------------------------------------------------------ statements
    def _print_Statement(self, st: Statement) -> str:
        return f"{self.expr(st.lhs)} {latex_relation(st.rel)} {self.expr(st.rhs)}"

    # ------------------------------------------------------------------ hypotheses
    def _group(self, s: RVSet) -> str:
        body = self._rvset(s)
        return rf"({body})" if len(s) > 1 else body

    def _print_Markov(self, h: Markov) -> str:
        return r" \to ".join(self._group(link) for link in h.chain)

    def _print_MarkovFamily(self, h: MarkovFamily) -> str:
        from derive.core.variables import FamilyMember

        run = [self._print(FamilyMember(h.family, h.lo)), r"\cdots", self._print(FamilyMember(h.family, h.hi))]
        return r" \to ".join([*(self._group(link) for link in h.before), *run, *(self._group(link) for link in h.after)])

    def _print_Independent(self, h: Independent) -> str:
        cond = rf" \mid {self._rvset(h.given)}" if h.given else ""
        return rf"{self._group(h.left)} \mathrel{{{INDEPENDENT}}} {self._group(h.right)}{cond}"

    def _family_members(self, h: MutuallyIndependent) -> str:
        if h.family_range is not None:
            return self._print(h.family_range)
        return ", ".join(self._group(m) for m in h.members)

    def _print_MutuallyIndependent(self, h: MutuallyIndependent) -> str:
        cond = rf" \mid {self._rvset(h.given)}" if h.given else ""
        return rf"{self._family_members(h)}\ \text{{mutually independent}}{cond}"

    def _print_IID(self, h: IID) -> str:
        cond = rf" \mid {self._rvset(h.given)}" if h.given else ""
        return rf"{self._family_members(h)}\ \text{{i.i.d.}}{cond}"

    def _print_ChannelSpec(self, spec: ChannelSpec) -> str:
        if spec.name == "matrix":
            rows = r" \\ ".join(" & ".join(self.expr(v) for v in row) for row in spec.rows or ())
            return rf"\left(\begin{{smallmatrix}} {rows} \end{{smallmatrix}}\right)"
        args = ", ".join(self.expr(p) for p in spec.params)
        return rf"\mathrm{{{spec.name}}}({args})"

    def _print_Channel(self, h: Channel) -> str:
        return rf"P_{{{self._rvset(h.output)} \mid {self._rvset(h.input)}}} = {self._print(h.spec)}"

    def _print_ChannelFamily(self, h: ChannelFamily) -> str:
        return (rf"P_{{{self._rvset(h.output)} \mid {self._rvset(h.input)}}} = {self._print(h.spec)}"
                rf"\ (\text{{for }} {self._print(h.lo)} \le {self._print(h.index)} \le {self._print(h.hi)})")

    def _print_FunctionOf(self, h: FunctionOf) -> str:
        return rf"{self._group(h.output)} = f({self._rvset(h.input)})"

    def _print_Assume(self, h: Assume) -> str:
        return self._print(h.statement)

    # ------------------------------------------------------------------ parameters
    def domain(self, d: Domain, symbol: sympy.Symbol) -> str:
        """``0 \\le \\delta \\le \\frac{1}{2}``; integers as ``n \\in \\mathbb{Z}, n \\ge 1``."""
        name = self._print(symbol)
        lo, lo_strict = d.lower_bound()
        hi, hi_strict = d.upper_bound()
        if lo.is_finite and hi.is_finite:
            body = f"{self._print(lo)} {'<' if lo_strict else LE} {name} {'<' if hi_strict else LE} {self._print(hi)}"
        elif lo.is_finite:
            body = f"{name} {'>' if lo_strict else GE} {self._print(lo)}"
        elif hi.is_finite:
            body = f"{name} {'<' if hi_strict else LE} {self._print(hi)}"
        else:
            body = name
        if d.integer:
            if body == name:
                return rf"{name} \in \mathbb{{Z}}"
            return rf"{name} \in \mathbb{{Z}},\ {body}"
        if body == name:
            return rf"{name} \in \mathbb{{R}}"
        return body

    def _print_Parameter(self, p: Parameter) -> str:
        return self.domain(p.domain, p.symbol)

    def _print_Domain(self, d: Domain) -> str:
        return self.domain(d, sympy.Symbol("x"))


_TEX_WORD = re.compile(r"\\(left|right|mathrm|mathit|operatorname|text|mathbf|displaystyle|,|;|!|quad|qquad)(?![A-Za-z])")
_TEX_CMD = re.compile(r"\\[A-Za-z]+")


def visible_width(tex: str) -> int:
    """Rough number of visible characters of math LaTeX (a command such as ``\\delta`` counts one)."""
    t = _TEX_WORD.sub("", tex)
    t = _TEX_CMD.sub("x", t)
    t = re.sub(r"\s+", " ", re.sub(r"[{}^_&]", "", t))  # a space stands for an operator's spacing
    return len(t.strip())


def _own_method(printer_cls: type, name: str):
    """``name`` defined by derive's printer (not inherited from sympy's ``LatexPrinter``)."""
    for klass in printer_cls.__mro__:
        if klass is LatexPrinter:
            return None
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def pair_logs(expr: Basic) -> Basic:
    """``log(x)^r * log(2)^(-r)`` → ``_Log2(x)^r`` everywhere in ``expr`` (a display form only)."""
    if not isinstance(expr, Basic) or expr.is_Atom or isinstance(expr, (RVItem, RVSet) + INFO_CLASSES):
        return expr
    args = tuple(pair_logs(a) for a in expr.args)
    if args != expr.args:
        expr = expr.func(*args)
    if expr.is_Mul:
        return _pair_in_product(expr)
    return expr


def _pair_in_product(expr: Basic) -> Basic:
    log2 = sympy.log(2)
    budget = S.Zero  # exponent of log(2) still available (negative: in the denominator)
    rest = []
    logs = []
    for f in Mul.make_args(expr):
        base, exp = (f.args if f.is_Pow else (f, S.One))
        if base == log2 and exp.is_Rational:
            budget += exp
        elif isinstance(base, sympy.log) and exp.is_Rational and exp > 0:
            logs.append((base, exp))
        else:
            rest.append(f)
    out = []
    for base, exp in logs:
        if budget < 0 and exp <= -budget:
            out.append(Pow(_Log2(base.args[0]), exp))
            budget += exp
        else:
            out.append(Pow(base, exp))
    if budget != 0:
        out.append(Pow(log2, budget))
    return Mul(*rest, *out)


def latex(obj: Any, **settings: Any) -> str:
    """Math-mode LaTeX (no ``$``) of an expression, statement, hypothesis or parameter (``written=``: a
    :class:`~derive.proof.WrittenOrder` for the author's argument order).

    Example
    -------
    >>> from derive.core import I
    >>> latex(I("U", "X"))
    'I(U; X)'
    """
    return DeriveLatexPrinter(settings or None).doprint(obj)


def math(obj: Any) -> str:
    """``$...$`` around :func:`latex` (inline math for prose)."""
    return f"${latex(obj)}$"


_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_TEXT_RE = re.compile("|".join(re.escape(k) for k in _TEXT_ESCAPES))
_UNICODE = {"–": "--", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''", "…": r"\dots{}",
            "≤": r"$\le$", "≥": r"$\ge$", "η": r"$\eta$", "δ": r"$\delta$", "ε": r"$\varepsilon$",
            "θ": r"$\theta$", "τ": r"$\tau$", "ρ": r"$\rho$", "λ": r"$\lambda$", "μ": r"$\mu$",
            "Σ": r"$\Sigma$", "→": r"$\to$", "⇒": r"$\Rightarrow$", "×": r"$\times$", "·": r"$\cdot$",
            "∅": r"$\emptyset$", "é": r"\'e", "è": r"\`e", "ö": r"\"o", "ü": r"\"u", "ä": r"\"a", "á": r"\'a"}


def latex_text(text: str) -> str:
    """Free text (a title, a note, a citation) escaped for LaTeX's text mode.

    Characters pdflatex cannot typeset without extra packages are replaced
    (``≤`` → ``$\\le$``, Greek letters in math); anything else outside ASCII becomes ``?``.
    """
    out = _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group(0)], text)
    chars = []
    for ch in out:
        if ord(ch) < 128:
            chars.append(ch)
        else:
            chars.append(_UNICODE.get(ch, "?"))
    return "".join(chars)


def init_notebook_printing(written: Any = None) -> None:
    """Make IPython/Jupyter render every sympy expression and derive object with :class:`DeriveLatexPrinter`.

    Statements, quantities and proofs already render through their ``_repr_latex_``; this also
    covers compound sympy expressions (``(1 - 2\\delta)^2 I(U; X)`` with logs in bits) and hypotheses,
    with information atoms in the order recorded in ``written`` (the notebook API passes its session record).
    Does nothing outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is optional
        return
    ip = get_ipython()
    if ip is None:
        return
    fmt = ip.display_formatter.formatters["text/latex"]
    from derive.core.hypotheses import Hypothesis

    for cls in (Basic, Statement, Hypothesis, Parameter):
        fmt.for_type(cls, lambda obj: f"$\\displaystyle {latex(obj, written=written)}$")

    def plain(obj, p, cycle) -> None:
        """Statements, and expressions with information quantities, as plain text in the file grammar (atoms as
        written)."""
        from derive.errors import DeriveError
        from derive.io.writer import format_expression, format_statement

        try:
            if isinstance(obj, Statement):
                p.text(format_statement(obj, "bits", written))
            else:
                p.text(format_expression(obj, "bits", written) if has_information(obj) else sympy.sstr(obj))
        except DeriveError:
            p.text(str(obj))

    for cls in (sympy.Expr, Statement):
        ip.display_formatter.formatters["text/plain"].for_type(cls, plain)
