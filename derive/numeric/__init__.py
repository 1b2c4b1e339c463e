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
