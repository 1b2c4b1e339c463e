"""Numeric verification (untrusted: yields ``tested``, never ``proved``).

* :mod:`derive.numeric.exact` — exact numbers (``parse_number``, ``to_fraction``) and outward rounding
  (``float_down``/``float_up``, ``float_lower``/``float_upper``, ``ulp_down``/``ulp_up``): one owner;
* :mod:`derive.numeric.distributions` — :class:`JointPMF` (float64 or exact
  Fraction tables), :class:`Distributions`, :class:`Model`, entropy helpers;
* :mod:`derive.numeric.expressions` — how each scalar node is computed (float64 or mpmath), sum expansion;
* :mod:`derive.numeric.evaluate` — :func:`evaluate` and :func:`evaluate_statement`
  (note: ``derive.numeric.evaluate`` is the function; the module is
  ``sys.modules["derive.numeric.evaluate"]``);
* :mod:`derive.numeric.compile` — statements compiled once for many models (used by ``verify`` and
  ``batched``);
* :mod:`derive.numeric.network` (one Bayesian network for a proof's hypotheses), :mod:`derive.numeric.choices`
  (choice sources) and :mod:`derive.numeric.models` (drawing exact models);
* :mod:`derive.numeric.verify` (the driver), :mod:`derive.numeric.shrink` (shrinking counterexamples) and
  :mod:`derive.numeric.certify` (certified signs);
* :mod:`derive.numeric.strategies` — hypothesis strategies for models (import it
  directly; it needs the ``hypothesis`` test extra);
* :mod:`derive.numeric.real` — numeric testing of parameter-only steps.
"""

import importlib as _importlib
import sys as _sys
import types as _types

#: Public names and the submodule that owns each. They are imported on first use, so ``derive.numeric.exact`` (the
#: channels' and bounds' exact numbers) loads without sympy (which ``evaluate`` needs); every name stays importable.
_LAZY = {
    **{name: "derive.numeric.distributions" for name in (
        "Distributions", "JointPMF", "Model", "binary_entropy", "binary_entropy_mp", "kl_divergence",
        "kl_divergence_mp", "total_variation", "total_variation_mp")},
    "evaluate": "derive.numeric.evaluate",
    "evaluate_statement": "derive.numeric.evaluate",
}

__all__ = [
    "JointPMF", "Distributions", "Model",
    "binary_entropy", "binary_entropy_mp", "kl_divergence", "kl_divergence_mp",
    "total_variation", "total_variation_mp",
    "evaluate", "evaluate_statement",
]


class _Package(_types.ModuleType):
    """The package module: a name of :data:`_LAZY` always reads the function from its submodule (also after the
    submodule ``derive.numeric.evaluate`` was imported, which binds the *module* to the package attribute
    ``evaluate``: ``derive.numeric.evaluate`` is the function, as before)."""

    def __getattribute__(self, name: str):
        home = _LAZY.get(name)
        if home is not None:
            return getattr(_importlib.import_module(home), name)
        return super().__getattribute__(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_LAZY))


_sys.modules[__name__].__class__ = _Package
