"""README's "Trusted base" paragraph quotes the measured size of ``derive/kernel/`` and ``derive/core/``."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sizes():
    spec = importlib.util.spec_from_file_location("trusted_base", ROOT / "benchmarks" / "trusted_base.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return sum(mod.sizes("kernel").values()), sum(mod.sizes("core").values())


def test_readme_states_the_trusted_base_size_within_five_percent():
    text = (ROOT / "README.md").read_text()
    m = re.search(r"\*\*Trusted base\.\*\* `derive/kernel/` \(([\d,]+) lines of code.*?`derive/core/` it relies on "
                  r"\(([\d,]+):", text, re.S)
    assert m, "README's trusted-base paragraph lost its numbers"
    stated = [int(g.replace(",", "")) for g in m.groups()]
    for said, measured in zip(stated, _sizes()):
        assert abs(said - measured) <= 0.05 * measured, (said, measured)


#: The trusted base may not grow silently (issue 16: the design aims at ~1,500 lines for the kernel). Raise a
#: ceiling only in a commit whose message says why, with a note on issue 16; lower it whenever code leaves.
KERNEL_CEILING = 2277  # +26 (session 18): the mean value step in several parameters, a^e for a symbolic e,
#                        two powers of one base compared by their exponents; +15 (session 19): dpi along a Markov
#                        chain through a family of symbolic length, either way (U -> X[0] -> ... -> X[n] gave no DPI);
#                        +1 (session 19): the door sees members of a continuous family apart when the sign engine
#                        shows their indices differ (it refused I(X[j]; X[j + k]) for k >= 1); +1 (session 21):
#                        the sums of the hypotheses' equalities are split too (a family's independence is a sum);
#                        +4 (session 21): TV(P, Q) <= 1 (the sign engine's interval and a linear term); +6
#                        (session 25): super/subadditivity with an implied mutual independence (X[2..n] given P,
#                        X[1] from X[1..n] given P; the rule refused I(M; X[2..n] | P, X[1]) >= sum(...)); +17
#                        (session 25): what a family hypothesis says about the members a step names
#                        (I(X[2]; X[1] | P) = 0 from X[1..n] | P; an i.i.d. family's and a family of assumptions'
#                        instances at a named X[k]: all three were unchecked); +16 (session 26): a sum over a
#                        bound index of mutual informations each zero by a family's mutual independence is zero
#                        (sum(I(X[1]; X[i] | P), i, 2, n) == 0 was failed, and so unknown what rests on it; +7: a summand
#                        combining several, coefficients free of i)
CORE_CEILING = 1530  # +31: messages print a nats proof's h in nats (core/notation.py, session 18); +3:
#                      Statement.mentions_information, one owner for four copies (kernel, provers, commands); +4
#                      (session 20): continuous_variables, one owner for "declared or a Gaussian channel's input or
#                      output" (the kernel, the reader, the LaTeX setting and the refuter each had a copy; kernel -2);
#                      +7 (session 21): mutual independence and i.i.d. over a symbolic range state their equalities
#                      (sums over the range), so H(X[1..n]) == sum(H(X[i]), i, 1, n) is proved for every n; +11
#                      (session 25): Hypothesis.for_each_index, the statements a family gives for each index; +2
#                      (session 25 review): Statement.xreplace, one owner for five copies (kernel, numeric, provers,
#                      audit); +27 (session 29): a channel's numeric parameter checked against its range where the
#                      channel is written (BSC(2) was a hypothesis until a rule used it), and a mutual independence
#                      over a range written out at values (MutuallyIndependent.instance, sharing MarkovFamily's helper)


def test_the_trusted_base_does_not_grow_past_its_ceilings():
    kernel, core = _sizes()
    assert kernel <= KERNEL_CEILING, (f"derive/kernel/ has {kernel} lines of code, above its ceiling "
                                      f"{KERNEL_CEILING}: move search or diagnostics out, or raise the ceiling "
                                      "with a reason noted on issue 16")
    assert core <= CORE_CEILING, (f"derive/core/ has {core} lines of code, above its ceiling {CORE_CEILING}")
