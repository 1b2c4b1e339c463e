"""Printing: LaTeX (one sympy ``LatexPrinter`` subclass), documents, proof graphs, plots, certificates.

* :mod:`.latex` — :class:`~derive.printing.latex.DeriveLatexPrinter`, :func:`~derive.printing.latex.latex`;
* :mod:`.document` — a checked proof as a LaTeX article or a ``proof`` fragment;
* :mod:`.graph` — the dependency graph as DOT, rendered by Graphviz;
* :mod:`.plots` — :func:`~derive.printing.plots.plot_bound` (matplotlib, optional);
* :mod:`.certificate` — a linear certificate as a readable proof (text and LaTeX).
"""

from __future__ import annotations

from typing import Any

__all__ = ["to_latex", "shown_status", "CONDITIONAL"]

#: Shown instead of ``proved``/``assumed`` for a step or theorem whose own inference the kernel accepted but which
#: rests on a step the kernel did not prove: that result is not proved.
CONDITIONAL = "conditional"


def shown_status(result: Any) -> str:
    """The status every printer shows for a kernel step result: its own, except :data:`CONDITIONAL` when it is
    ``proved``/``assumed`` but depends on an unproved step (``result.depends_on_unproved``)."""
    if result.status in ("proved", "assumed") and getattr(result, "depends_on_unproved", ()):
        return CONDITIONAL
    return result.status


def to_latex(obj: Any, *, expand: bool = False, fragment: bool = False, numbered: bool = False,
             all_steps: bool = False, written: Any = None) -> str:
    """LaTeX of anything derive prints.

    * a checked proof (:class:`derive.checking.CheckedProof`, or the notebook's display of one) → a standalone
      document (``fragment=True``: only the ``proof`` environment, ``numbered``: lines labelled
      ``derive:<proof>:<step>`` in the paper's numbering), with the kernel's statuses; ``all_steps``: also the
      steps the theorem does not use;
    * a :class:`derive.proof.Proof` → checked by the kernel first, then the same;
    * an expression, statement, hypothesis or parameter → math-mode LaTeX (no ``$``), its information atoms in
      the argument order recorded in ``written`` (a :class:`~derive.proof.WrittenOrder`; a proof uses its own).
    """
    from derive.proof import Proof

    checked = None
    if hasattr(obj, "checked") and hasattr(getattr(obj, "checked"), "report"):  # the notebook's CheckedView
        obj = obj.checked
    if isinstance(obj, Proof):
        from derive.checking import check

        checked = check(obj)
    elif hasattr(obj, "proof") and hasattr(obj, "report"):
        checked = obj
    if checked is not None:
        from derive.printing.document import proof_document, proof_fragment

        if fragment:
            return proof_fragment(checked.proof, checked.report, expand=expand, numbered=numbered,
                                  all_steps=all_steps)
        return proof_document(checked.proof, checked.report, expand=expand, warnings=checked.warnings,
                              all_steps=all_steps)
    from derive.printing.latex import latex

    return latex(_printable(obj), written=written)


def _printable(obj: Any) -> Any:
    """``obj`` as something derive prints (a Python int or Fraction as a sympy number); refuse the rest
    (``to_latex(object())`` printed a ``mathtt`` box holding ``<object object at ...>``)."""
    import numbers

    import sympy

    from derive.core.hypotheses import ChannelSpec, Hypothesis
    from derive.core.parameters import Domain, Parameter
    from derive.core.statements import Statement
    from derive.errors import InvalidArgument

    if isinstance(obj, numbers.Rational) and not isinstance(obj, bool):
        return sympy.Rational(obj.numerator, obj.denominator)
    if not isinstance(obj, (sympy.Basic, Statement, Hypothesis, ChannelSpec, Parameter, Domain)):
        raise InvalidArgument(f"Expected a proof, an expression, a statement, a hypothesis or a parameter to print "
                              f"as LaTeX but got {type(obj).__name__} {obj!r:.60}")
    return obj
