"""Numeric verification (untrusted: yields ``tested``, never ``proved``).

* :mod:`derive.numeric.distributions` — :class:`JointPMF` (float64 or exact
  Fraction tables), :class:`Distributions`, :class:`Model`, entropy helpers;
* :mod:`derive.numeric.evaluate` — :func:`evaluate` and :func:`evaluate_statement`
  (note: ``derive.numeric.evaluate`` is the function; the module is
  ``sys.modules["derive.numeric.evaluate"]``);
* :mod:`derive.numeric.strategies` — hypothesis strategies for models (import it
  directly; it needs the ``hypothesis`` test extra);
* :mod:`derive.numeric.real` — numeric testing of parameter-only steps.
"""

from derive.numeric.distributions import (
    Distributions,
    JointPMF,
    Model,
    binary_entropy,
    binary_entropy_mp,
    kl_divergence,
    kl_divergence_mp,
    total_variation,
    total_variation_mp,
)
from derive.numeric.evaluate import evaluate, evaluate_statement

__all__ = [
    "JointPMF", "Distributions", "Model",
    "binary_entropy", "binary_entropy_mp", "kl_divergence", "kl_divergence_mp",
    "total_variation", "total_variation_mp",
    "evaluate", "evaluate_statement",
]
