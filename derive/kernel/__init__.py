"""The trusted kernel: the only code whose bugs can make a false proof pass.

It imports only ``derive.core``, ``derive.errors``, sympy, networkx (where a graph is built) and the
standard library; uses exact arithmetic only; searches for nothing; and raises instead of asserting.
Nothing outside it creates a verdict (:mod:`derive.kernel.report`: frozen reports, statuses only lowered).

What a reader must trust, in reading order:

* ``check.py`` — the door (types, well-formedness via ``wellformed.py``), the dependency order, the theorem;
* ``linear.py`` — a certificate (multipliers over the kernel's own labelled terms) is checked exactly;
* ``rules.py``, ``chains.py`` — one function per rule, its statement and reference in its docstring;
* ``signs.py`` — exact sign decisions (one interval engine, rational ends, open/closed; the mean value theorem
  and concavity for one parameter or one of up to three with the others held, integers on their real hull,
  half-lines through ``x = a - 1 + 1/t``, ``x ln x`` extended to 0 with its least value ``-1/e``, two positive terms
  compared by their logs, two powers of one base by their exponents; Bernstein coefficients for several);
* ``independence.py`` — d-separation for the independences hypotheses imply;
* ``coefficients.py``, ``chi2_envelope.py`` — the contraction coefficients an SDPI step may use;
* ``report.py``, ``context.py`` — verdicts and what a rule sees.

And the parts of :mod:`derive.core` these rely on: ``variables.py`` (variables, families ``X[lo..hi]``, fresh
symbols no user name can capture), ``quantities.py`` (``H``/``I``/``D``/``TV`` and their canonical forms — only
identities that hold for continuous variables too; ``h`` and its derivative), ``linear.py`` (linear forms over
joint entropies), ``parameters.py`` (parameters and domains), ``hypotheses.py`` (what each hypothesis means: its equalities, its
independences, the copy lemma's extension), ``channel_matrix.py`` (the one owner of each channel's matrix),
``cited.py`` (the lemmas cited without proof, as data: each step resting on one is ``assumed``),
``statements.py`` and ``exprs.py``. ``core/notation.py`` only prints messages.
"""

from derive.kernel.check import check_proof, check_proposal, check_step
from derive.kernel.context import ASSUMED, FAILED, PROVED, STATUSES, TESTED, UNCHECKED, Rule, RuleOutcome, StepContext
from derive.kernel.linear import Certificate, Proposal, Term, check_certificate
from derive.kernel.report import Report, StepResult, TrustedFact, lower_step_status, with_warnings
from derive.kernel.rules import RULES, rule_names
from derive.kernel import chains as _chains  # noqa: E402,F401  registers `sdpi_chain`

__all__ = [
    "check_proof", "check_step", "check_proposal", "Report", "StepResult", "TrustedFact", "lower_step_status",
    "with_warnings", "StepContext", "RuleOutcome", "Rule", "RULES", "rule_names", "Certificate", "Proposal", "Term",
    "check_certificate",
    "PROVED", "ASSUMED", "TESTED", "FAILED", "UNCHECKED", "STATUSES",
]
