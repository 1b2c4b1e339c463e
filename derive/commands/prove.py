"""``derive prove CLAIM [--given HYP]...`` and ``derive prove --file CLAIMS``: decide Shannon-type inequalities.

One claim prints its verdict (a kernel-checked certificate, or a certified counterexample as a small
table); ``--file`` reads one claim per line (``#`` comments and blank lines skipped) and prints one JSON
object per line, in one process. Exit codes: 0 every claim proved, 1 some claim not proved, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from derive.commands._common import EXIT_INPUT, EXIT_NO, EXIT_OK, Spinner, check_timeout, show_progress, statement_text
from derive.commands.prove_family import params_used, parse_param, written_as_proof_file_kinds
from derive.io.grammar import FUNCTIONS
from derive.errors import DeriveError, InvalidArgument, LimitExceeded, ParseError

__all__ = ["register", "cmd_prove", "NOT_SHANNON_TEXT", "counterexample_table"]

#: Largest ``--max-full-variables`` accepted (the elemental LP has ~n^2 2^(n-2) columns).
MAX_FULL_LIMIT = 16

#: How a ``not_shannon`` verdict reads: undecided, not false.
NOT_SHANNON_TEXT = ("undecided: not provable from Shannon-type inequalities (it may still be true — e.g. "
                    "non-Shannon inequalities)")

#: Said after "unknown name 'p'": the command line declares parameters with ``--param``.
PARAM_HINT = "; declare a parameter with --param (e.g. --param 'p in [0, 1]', --param 'n = integer >= 1')"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``prove`` subcommand."""
    v = subparsers.add_parser("prove", help="decide a Shannon-type inequality (exact, kernel-checked certificate)")
    v.add_argument("claim", metavar="CLAIM", nargs="?", help='e.g. "I(X; Z) <= I(X; Y)"')
    v.add_argument("--file", default=None, metavar="FILE",
                   help="decide every claim in FILE (one per line; '#' starts a comment) and print JSON lines")
    v.add_argument("--given", action="append", default=[], metavar="HYP",
                   help='a hypothesis: "X -> Y -> Z", "A _|_ B | C", "A _|_ B _|_ C" (mutual), "Y = f(X)" (repeatable; with --file it '
                        "applies to every claim)")
    v.add_argument("--json", action="store_true")
    v.add_argument("--latex", action="store_true", help="print the proof as a LaTeX align* block")
    v.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="time budget for the whole search of one claim (default 60; inf for none)")
    v.add_argument("--max-variables", type=int, default=None,
                   help="largest number of random variables accepted (default 16)")
    v.add_argument("--max-full-variables", type=int, default=None, metavar="N",
                   help="largest number of random variables for which the full elemental LP is tried "
                        "(default 12, at most 16: its size grows like n^2 2^n)")
    v.add_argument("--seed", type=int, default=0, help="seed of the counterexample search")
    v.add_argument("--copy-steps", type=int, default=1, metavar="K",
                   help="when the Shannon LP fails and no counterexample is found, search copy-lemma proofs with at "
                        "most K copy steps (0: none; default 1; 2 is slower)")
    v.add_argument("--copy-timeout", type=float, default=20.0, metavar="SECONDS",
                   help="time budget of the copy-lemma search (default 20)")
    v.add_argument("--units", choices=("bits", "nats"), default="bits",
                   help="what log and the information quantities mean (default bits); in nats the claim is decided "
                        "through a one-step proof file, as with --param")
    v.add_argument("--param", action="append", default=[], metavar="NAME=DOMAIN",
                   help='the domain of a parameter of the claim: a real one, e.g. "p = 0 <= p <= 1/2", or just '
                        '"0 <= p <= 1/2" or "p in [0, 1/2]" (the claim is then decided for every value), or a family '
                        'size, e.g. "n = integer >= 2" (repeatable; a family size\'s default is integer >= 1)')
    v.add_argument("--continuous", action="append", default=[], metavar="NAMES",
                   help='real-valued variables or families, e.g. "X, Y" (repeatable): H of them is a differential '
                        "entropy, of any sign; the claim is decided through a one-step proof file, as with --param, "
                        "and refuted by a certified jointly Gaussian or mixed model, or a noisy one (a discrete model "
                        "with each continuous variable its value plus uniform noise, scaled)")
    v.set_defaults(func=cmd_prove)


def _parse_hypothesis(text: str, ctx):
    from derive.io import parse_function_of, parse_independence, parse_markov

    if "->" in text:
        return parse_markov(text, ctx)
    if text.count("_|_") >= 2:  # mutual independence A _|_ B _|_ C [| Z]: the members listed as a family condition
        from derive.io import parse_family_condition

        return parse_family_condition(mutual_members(text), ctx)
    if "_|_" in text:
        return parse_independence(text, ctx)
    if "=" in text:
        return parse_function_of(text, ctx)
    raise ParseError(f"cannot tell what kind of hypothesis {text!r} is: expected 'A -> B -> C', "
                     "'A _|_ B | C' or 'Y = f(X)'", file="--given")


def mutual_members(text: str) -> str:
    """``A _|_ B, C _|_ D | Z`` as a family condition's text, ``A, (B, C), D | Z`` (each member a group)."""
    parts = [p.strip() for p in text.split("_|_")]
    last, _, given = parts[-1].partition("|")
    members = [p if "," not in p or p.startswith("(") else f"({p})" for p in [*parts[:-1], last.strip()]]
    return ", ".join(members) + (f" | {given.strip()}" if given.strip() else "")


FAMILY_USE = re.compile(r"\b([A-Za-z_][A-Za-z_0-9]*)\s*\[([^\]]*)\]")
_LITERAL_INDEX = re.compile(r"\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$")


def family_uses(texts: list[str]) -> dict[str, set[str]]:
    """Each indexed family in ``texts`` and the index texts it is used with (spaces removed)."""
    uses: dict[str, set[str]] = {}
    for text in texts:
        for m in FAMILY_USE.finditer(text):
            uses.setdefault(m.group(1), set()).add(re.sub(r"\s+", "", m.group(2)))
    return uses


def symbolic_shapes(texts: list[str]) -> bool:
    """Some family is used with a symbolic index other than one single block (``X[i]``, or ``X[1..n]`` next to
    ``X[n]``): the claim is about families of every size, beyond the finite prover (:mod:`.prove_family`)."""
    for idx in family_uses(texts).values():
        symbolic = [i for i in idx if not _LITERAL_INDEX.match(i)]
        if symbolic and not (len(idx) == 1 and ".." in symbolic[0]):
            return True
    return False


def over_every_size(claim: str, given: list[str], where: str = "CLAIM") -> bool:
    """The claim (with its hypotheses) is about families of every size: :func:`symbolic_shapes` once the sums over
    fixed ranges are written out (those name literal members)."""
    return symbolic_shapes([sums_written_out(claim, where), *given])


def through_proof_file(claim: str, given: list[str], params: dict, units: str, where: str = "CLAIM",
                       continuous: list[str] = ()) -> bool:
    """The claim is decided through a one-step proof file (:mod:`derive.commands.prove_family`), not by the finite
    prover alone: it has parameters, is in nats, names continuous variables, has a hypothesis written ``KIND: TEXT``,
    or is over families of every size (the CLI, ``--file`` and the Python API route by this one test). The finite
    prover's models are discrete: they decide nothing about continuous variables."""
    return (bool(params) or units == "nats" or bool(continuous) or written_as_proof_file_kinds(given)
            or over_every_size(claim, given, where))


def continuous_names(texts: list[str]) -> list[str]:
    """The names of ``--continuous`` (each text a list separated by commas or spaces), in order, once each."""
    out: list[str] = []
    for t in texts:
        out += [n for n in re.split(r"[\s,]+", t.strip()) if n and n not in out]
    return out


def continuous_used(names: list[str], texts: list[str]) -> list[str]:
    """Those of ``names`` that ``texts`` (a claim and its hypotheses) mention, as a variable or a family."""
    return [n for n in names if any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\w(])", t) for t in texts)]


def continuous_for(names: list[str], claim: str, given: list[str], option: str = "--continuous") -> list[str]:
    """``names`` declared continuous for one claim: each must be one the claim or a hypothesis uses (the CLI and the
    Python API check it here)."""
    used = continuous_used(names, [claim, *given])
    unused = [n for n in names if n not in used]
    if unused:
        raise InvalidArgument(f"{option} names {', '.join(unused)}, which neither the claim nor a hypothesis uses")
    return used


def _families(texts: list[str]) -> dict[str, str]:
    """Indexed families in the claim and hypotheses: the plain variable name each member or block is read as.

    ``X[1..3]`` names the members ``X[1]``, ``X[2]``, ``X[3]``, read as ``X_1``, ``X_2``, ``X_3`` (see
    :func:`_expand_families`). A family whose every use is one and the same symbolic range (``X[1..n]``) is one
    random variable, the block, read as ``X_block``: the claim is then decided for every ``n`` at once (a
    Shannon-type inequality holds for any random variables, blocks included). Any other symbolic use (``X[i]``, or
    ``X[1..n]`` next to ``X[n]``) is refused with the reason. Each name is fresh: when the texts already use
    ``X_1`` (or ``X_block``) as a variable of their own, the member gets another name (``X_1_2``), never the
    user's. Returns ``{"X[1]": "X_1", ..., "X[1..n]": "X_block"}``.
    """
    uses = family_uses(texts)
    taken = {w for t in texts for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", t)}
    names: dict[str, str] = {}

    def fresh(key: str, base: str) -> None:
        name, j = base, 1
        while name in taken:
            j += 1
            name = f"{base}_{j}"
        taken.add(name)
        names[key] = name

    for name, idx in sorted(uses.items()):
        symbolic = sorted(i for i in idx if not _LITERAL_INDEX.match(i))
        if not symbolic:
            members = set()
            for i in idx:
                lit = _LITERAL_INDEX.match(i)
                lo = int(lit.group(1))
                hi = int(lit.group(2)) if lit.group(2) else lo
                if hi < lo:
                    raise InvalidArgument(f"the index range {name}[{i}] is empty")
                if hi - lo >= 64:
                    raise LimitExceeded(f"the index range {name}[{i}] has more than 64 variables")
                members.update(range(lo, hi + 1))
            for k in sorted(members):
                fresh(f"{name}[{k}]", f"{name}_{k}")
            continue
        if len(idx) == 1 and ".." in symbolic[0]:
            fresh(f"{name}[{symbolic[0]}]", f"{name}_block")
            continue
        raise InvalidArgument(
            f"the family {name} is used as {', '.join(f'{name}[{i}]' for i in sorted(idx))}: `derive prove` "
            "decides inequalities over a fixed, finite set of random variables, so a symbolic index works only "
            f"when the family always appears as one and the same block (such as {name}[1..n], read as one random "
            f"variable); give the indices as numbers (e.g. {name}[1..4]) to decide one size, or write a proof "
            "file for every n and run `derive check` on it (the kernel's `shannon` and `linear` rules prove "
            "steps over families of any size), e.g.\n" + proof_file_for(texts[0], uses))
    return names


def _family_notes(names: dict[str, str]) -> list[str]:
    """What the printed verdict's names mean: every block, and every member whose name is not the usual ``X_k``."""
    notes = []
    for key, name in names.items():
        family, _, index = key[:-1].partition("[")
        if ".." in index:
            notes.append(f"{key} is read as one random variable {name}, so the verdict holds for every size")
        elif name != f"{family}_{index}":
            notes.append(f"{key} is written {name} ({family}_{index} is another variable of the claim)")
    return notes


def distribution_names(text: str) -> set[str]:
    """The names inside ``D(P || Q)`` and ``TV(P, Q)`` (distributions, not random variables)."""
    found = set()
    for m in re.finditer(r"\b(D|TV)\s*\(([^()]*)\)", text):
        found |= set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", m.group(2)))
    return found


def _sum_limits(text: str) -> list[tuple[str, str, str]]:
    """``(index, lo, hi)`` of every ``sum(body, index, lo, hi)`` in ``text`` (top-level commas of each call)."""
    out = []
    for m in re.finditer(r"\bsum\s*\(", text):
        depth, parts, start = 1, [], m.end()
        for k in range(m.end(), len(text)):
            ch = text[k]
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
                if depth == 0:
                    parts.append(text[start:k])
                    break
            elif ch == "," and depth == 1:
                parts.append(text[start:k])
                start = k + 1
        if len(parts) == 4:
            out.append(tuple(x.strip() for x in parts[1:]))
    return out


_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def _parameter_names(claim: str, uses: dict[str, set[str]], domains: dict[str, str],
                     hypotheses: list[tuple[str, str]] = ()) -> list[str]:
    """The parameters :func:`proof_file_for` declares: names in the families' indices and the sums' limits (not
    summation indices), and the names ``domains`` gives that the claim or a hypothesis writes."""
    limits = _sum_limits(claim)
    bound = {i for i, _, _ in limits}
    texts = [i for idx in uses.values() for i in idx] + [e for _, lo, hi in limits for e in (lo, hi)]
    written = {w for t in [claim, *(t for _, t in hypotheses)] for w in _WORD.findall(t)}
    return sorted(({w for t in texts for w in _WORD.findall(t)} | (set(domains) & written)) - bound)


def guessed_ranges(claim: str, uses: dict[str, set[str]], domains: dict[str, str] | None = None,
                   hypotheses: list[tuple[str, str]] = ()) -> bool:
    """Whether :func:`proof_file_for` guesses a range or domain for this claim: a family's range, or a parameter
    without a domain in ``domains`` (given ``integer >= 1``)."""
    return bool(uses) or any(n not in (domains or {}) for n in _parameter_names(claim, uses, domains or {}, hypotheses))


def _last_end(ends: list[str], names: list[str], domains: dict[str, str] | None = None) -> str:
    """The upper end of a guessed family range: the largest of ``ends`` when they are comparable by their text
    (integers: ``3`` next to ``1``; one name plus integer offsets: ``n + 1`` next to ``n``), else the one the
    parameters' ``domains`` (default ``integer >= 1``) prove at least every other (``k + r`` next to ``k`` with
    ``r >= 0``), else the first."""
    largest = _provably_largest(ends, names, domains or {})
    if largest is not None:
        return largest
    offsets = [re.fullmatch(r"\s*([A-Za-z_]\w*)?\s*(?:([+-])\s*(\d+))?\s*|\s*(-?\d+)\s*", e) for e in ends]
    if ends and all(offsets) and len({m.group(1) for m in offsets}) == 1:
        def offset(m: re.Match) -> int:
            return int(m.group(4)) if m.group(4) is not None else int(f"{m.group(2) or '+'}{m.group(3) or 0}")
        return max(zip(offsets, ends), key=lambda pair: offset(pair[0]))[1]
    return ends[0] if ends else (names[0] if names else "n")


def _provably_largest(ends: list[str], names: list[str], domains: dict[str, str]) -> str | None:
    """The end (read by the grammar, each parameter with its domain) that the kernel's sign decision proves ``>=``
    every other end; ``None`` when there is none or an end does not read."""
    import sympy

    from derive.errors import DeriveError
    from derive.io import ParseContext, parse_expression
    from derive.io.grammar import parse_domain
    from derive.kernel.signs import is_nonnegative

    if len(set(ends)) < 2:
        return None
    try:
        symbols = {n: sympy.Symbol(n, real=True) for n in names}
        ctx = ParseContext(parameters=symbols, file="--param")
        values = [parse_expression(e, ctx) for e in ends]
        doms = {symbols[n]: parse_domain(domains.get(n, "integer >= 1"), n) for n in names}
    except DeriveError:
        return None
    for e, v in zip(ends, values):
        if all(is_nonnegative(v - w, doms) for w in values):
            return e
    return None


def proof_file_for(claim: str, uses: dict[str, set[str]], domains: dict[str, str] | None = None,
                   hypotheses: list[tuple[str, str]] = (), rule: str = "shannon", units: str = "bits",
                   continuous: list[str] = ()) -> str:
    """A proof file to start from for a claim over symbolic families: its parameters (names in the indices and the
    sums' limits, not summation indices) as integers ``>= 1`` (or as ``domains`` says, e.g. ``{"n": "integer >=
    2"}``), each family from 1 (or a smaller literal start: ``X[0]``, a sum from 0) to the upper end of a block or of
    the sum that indexes it, the ``hypotheses``
    (``(kind, text)``, e.g. ``("mutually_independent", "X[1..n] | P")``), one step by ``rule`` using them. A
    suggestion: the user adjusts the domains and ranges."""
    limits = _sum_limits(claim)
    bound = {i for i, _, _ in limits}
    domains = domains or {}
    names = _parameter_names(claim, uses, domains, hypotheses)
    families = []
    for fam, idx in sorted(uses.items()):
        ends = [i.split("..", 1)[-1] for i in sorted(idx) if not set(_WORD.findall(i)) & bound]
        ends += [hi for i, _, hi in limits if any(i in _WORD.findall(x) for x in idx)]
        symbolic = [e for e in ends if _WORD.search(e)]
        starts = [i.split("..", 1)[0] for i in idx] + [lo for i, lo, _ in limits if any(i in _WORD.findall(x) for x in idx)]
        first = min([1] + [int(s) for s in starts if re.fullmatch(r"-?\d+", s.strip())])   # X[0] or a sum from 0
        families.append(f'{fam} = {json.dumps(f"{first}.." + _last_end(symbolic or ends, names, domains))}')
    params = "".join(f'{n} = {json.dumps(domains.get(n, "integer >= 1"))}\n' for n in names)
    functions = set(FUNCTIONS) | {"H", "I", "D", "TV"}  # the grammar's functions, and the information quantities
    texts = [claim] + [t for kind, t in hypotheses if kind != "channel"] + [t.split("~")[0] for kind, t in hypotheses
                                                                          if kind == "channel"]
    laws = distribution_names(" ".join(texts))
    plain = sorted(set(_WORD.findall(re.sub(r"\b[A-Za-z_][A-Za-z_0-9]*\s*\[[^\]]*\]", " ", " ".join(texts))))
                   - functions - set(names) - bound - set(uses) - laws - {"f", "for", "in"})
    random_line = f"random = [{', '.join(json.dumps(v) for v in plain)}]\n" if plain else ""
    random_line += f"distributions = [{', '.join(json.dumps(v) for v in sorted(laws))}]\n" if laws else ""
    hyps = "".join(f"\n[[hypothesis]]\nid = \"given{k}\"\n{kind} = {json.dumps(text)}\n"
                   for k, (kind, text) in enumerate(hypotheses, 1))
    listed = f"uses = {json.dumps([f'given{k}' for k in range(1, len(hypotheses) + 1)])}\n" if hypotheses else ""
    head = '[proof]\nname = "claim"\n' + ('units = "nats"\n' if units == "nats" else "")
    family_line = f"families = {{ {', '.join(families)} }}\n" if families else ""
    family_line += f"continuous = [{', '.join(json.dumps(v) for v in continuous)}]\n" if continuous else ""
    return (f"{head}\n[parameters]\n{params}\n[variables]\n{random_line}{family_line}{hyps}"
            "\n# if derive check leaves this step unchecked, add the steps it needs (e.g. the chain rule over a block)"
            f"\n[[step]]\nid = \"claim\"\nclaim = {json.dumps(claim)}\nrule = \"{rule}\"\n{listed}")


def sums_written_out(text: str, where: str) -> str:
    """``text`` with each sum over a fixed range written out (``sum(H(X[i]), i, 1, 3)`` -> ``H(X[1]) + H(X[2]) +
    H(X[3])``), so that its family members are literal indices: read by derive's grammar (families declared for the
    occasion) and expanded by :func:`derive.numeric.expressions.expand_sums`. Unchanged when there is no such sum or
    the text does not read (the usual reading then says what is wrong).

    Raises
    ------
    LimitExceeded
        A sum with more terms than :func:`expand_sums` writes out.
    InvalidArgument
        A sum whose limits are not integers (only when the text reads, i.e. with numbers as limits after all).
    """
    if "sum" not in text:
        return text
    import sympy

    from derive.core.statements import Statement
    from derive.errors import DeriveError
    from derive.io import ParseContext, format_statement, parse_statement
    from derive.numeric.expressions import expand_sums

    wide = (sympy.Integer(0), sympy.Integer(10 ** 6))
    ctx = ParseContext(auto_variables=True, file=where,
                       families={m.group(1): wide for m in FAMILY_USE.finditer(text)})
    try:
        st = parse_statement(text, ctx)
    except DeriveError:
        return text
    lhs, rhs = expand_sums(st.lhs), expand_sums(st.rhs)  # too many terms: its own clear error
    if (lhs, rhs) == (st.lhs, st.rhs):
        return text
    return format_statement(Statement(lhs, st.rel, rhs))


def _expand_families(text: str, names: dict[str, str]) -> str:
    """``X[1..3]`` -> ``X_1, X_2, X_3``, ``X[2]`` -> ``X_2``, a symbolic block ``X[1..n]`` -> ``X_block``: the names
    :func:`_families` chose (fresh for the texts)."""

    def repl(m: re.Match) -> str:
        key = m.group(1) + "[" + re.sub(r"\s+", "", m.group(2)) + "]"
        if key in names:
            return names[key]
        lit = _LITERAL_INDEX.match(m.group(2))
        lo = int(lit.group(1))
        hi = int(lit.group(2)) if lit.group(2) else lo
        return ", ".join(names[f"{m.group(1)}[{k}]"] for k in range(lo, hi + 1))

    return FAMILY_USE.sub(repl, text)


def _options(args: argparse.Namespace) -> dict:
    from derive.provers.shannon import MAX_FULL_VARIABLES, MAX_VARIABLES

    if args.max_variables is not None and args.max_variables < 1:
        raise InvalidArgument(f"Expected --max-variables >= 1 but got {args.max_variables}")
    full = MAX_FULL_VARIABLES if args.max_full_variables is None else args.max_full_variables
    if full < 0:
        raise InvalidArgument(f"Expected --max-full-variables >= 0 but got {full}")
    if full > MAX_FULL_LIMIT:
        raise LimitExceeded(f"--max-full-variables is at most {MAX_FULL_LIMIT} (the full elemental LP on "
                            f"{full} variables would not fit in memory) but got {full}")
    if not args.timeout > 0:
        raise InvalidArgument(f"Expected --timeout > 0 but got {args.timeout}")
    from derive.provers.shannon import check_copy_steps

    check_copy_steps(args.copy_steps, "--copy-steps")
    if not args.copy_timeout > 0:
        raise InvalidArgument(f"Expected --copy-timeout > 0 but got {args.copy_timeout}")
    return dict(max_variables=args.max_variables or MAX_VARIABLES, max_full_variables=full, seed=args.seed,
                copy_steps=args.copy_steps, copy_timeout=args.copy_timeout)


def decide_claim(claim_text: str, given: list[str], options: dict, budget: float, where: str = "CLAIM",
                 line: int = 1, written=None):
    """Parse one claim (and the hypotheses) and run the prover; returns ``(claim, hyps, result)``. ``written``: a
    :class:`derive.proof.WrittenOrder` that records the claim's argument order for printing."""
    from derive.checking import StepBudget
    from derive.errors import StepTimeout
    from derive.io import ParseContext, parse_statement
    from derive.provers.shannon import prove

    claim_text = sums_written_out(claim_text, where)
    names = _families([claim_text, *given])
    ctx = ParseContext(auto_variables=True, file=where, line=line, written=written, unknown_hint=PARAM_HINT)
    claim = parse_statement(_expand_families(claim_text, names), ctx)
    hyps = {}
    for k, text in enumerate(given):
        hyps[f"given{k + 1}"] = _parse_hypothesis(
            _expand_families(text, names), ParseContext(variables=ctx.variables, auto_variables=True, file=f"--given #{k + 1}"))
    try:
        with StepBudget(budget, "prove", what="the claim"):  # a hard wall; the prover also checks between stages
            res = prove(claim, hyps, timeout=budget or float("inf"), **options)
    except StepTimeout:
        raise LimitExceeded(f"the Shannon prover ran out of its time budget ({budget:g} s; raise it with "
                            "--timeout SECONDS)") from None
    return claim, hyps, res, _family_notes(names)


def _result_json(res) -> dict:
    out = res.to_json()
    if res.status == "not_shannon":
        out["verdict"] = NOT_SHANNON_TEXT
    return out


def cmd_prove(args: argparse.Namespace) -> int:
    options = _options(args)
    budget = check_timeout(args.timeout, 60.0)  # inf: no budget
    if args.file is not None:
        if args.claim is not None:
            raise InvalidArgument("give either a CLAIM or --file FILE, not both")
        return _prove_file(args, options, budget)
    if args.claim is None:
        raise InvalidArgument("give a CLAIM (e.g. \"I(X; Z) <= I(X; Y)\") or --file FILE")
    params = dict(parse_param(t) for t in args.param)
    continuous = continuous_for(continuous_names(args.continuous), args.claim, args.given)
    if through_proof_file(args.claim, args.given, params, args.units, continuous=continuous):
        return _print_verdict(args, _decide_every_value(args, options, budget, params, continuous))
    from derive.proof import WrittenOrder

    written = WrittenOrder()  # the claim's argument order as typed (core sorts the sides of I)
    with Spinner("derive prove: searching", show_progress(args.json)):
        claim, hyps, res, notes = decide_claim(args.claim, args.given, options, budget, written=written)
    v = _kernel_on_laws(args.claim, args.given, options, budget) if res.status == "unsupported" else None
    if v is not None:  # D, TV: the kernel's rules (Pinsker, ...) prove it, or a drawn model refutes it
        return _print_verdict(args, v)
    if args.json:
        print(json.dumps({**_result_json(res), **({"notes": notes} if notes else {})}, indent=2))
    else:
        _print_result(claim, hyps, res, args.latex, written)
        for note in notes:
            print(f"  note: {note}")
    return EXIT_OK if res.status == "proved" else EXIT_NO


def about_laws(claim: str) -> bool:
    """The claim names a divergence or a total variation (``D(P || Q)``, ``TV(P, Q)``): beyond the finite prover."""
    return re.search(r"\b(D|TV)\s*\(", claim) is not None


def _kernel_on_laws(text: str, given: list[str], options: dict, budget: float):
    """The verdict of :func:`~derive.commands.prove_family.decide_over_families` on a claim about distributions that
    the finite prover does not support, when it is ``proved`` (by the kernel's rules) or ``false`` (a certified
    violation on an exact model); else ``None``."""
    from derive.commands.prove_family import decide_over_families

    if not about_laws(text):
        return None
    try:
        v = decide_over_families(text, family_uses([text, *given]), {}, options, budget, given)
    except DeriveError:
        return None
    return v if v.status in ("proved", "false") else None


def _decide_every_value(args: argparse.Namespace, options: dict, budget: float, params: dict,
                        continuous: list[str]):
    """A claim with parameters, continuous variables or over families of every size
    (:mod:`derive.commands.prove_family`): the kernel for every value, else the finite prover at the first values."""
    from derive.commands.prove_family import decide_over_families

    with Spinner("derive prove: checking for every value", show_progress(args.json)):
        return decide_over_families(args.claim, family_uses([args.claim, *args.given]), params, options, budget,
                                    args.given, units=args.units, continuous=continuous)


def _print_verdict(args: argparse.Namespace, v) -> int:
    """Print a :class:`~derive.commands.prove_family.FamilyVerdict` (text, ``--json`` or ``--latex``); the exit code."""
    from derive.commands.prove_family import show_values, verdict_lines

    ce = v.counterexample
    if args.json:
        print(json.dumps(v.to_json(), indent=2, default=str))
    elif args.latex:
        lines = verdict_lines(v)
        print("\n".join("% " + line for line in lines))
        if v.by_value:
            for i in v.instances:
                if i.status == "proved":
                    print(f"% at {show_values(i.values)}:")
                    _print_result(i.parsed, i.hyps, i.result, True)
        elif v.status == "proved":
            from derive.printing import to_latex

            print(to_latex(v.checked, fragment=True))
        elif ce is not None:
            _print_result(ce.parsed, ce.hyps, ce.result, True)
    else:
        print("\n".join(verdict_lines(v)))
        if ce is not None:
            print("\n".join("  " + line for line in counterexample_table(ce.result.counterexample,
                                                                         ce.parsed.mentions_information())))
        elif v.by_value:
            for i in v.instances:
                if i.status == "proved":
                    print(f"\nat {show_values(i.values)}:")
                    _print_result(i.parsed, i.hyps, i.result, False)
        elif v.model is None and not v.refuted:
            print("\n" + ("the proof file (`derive check` proves it again):" if v.status == "proved" else
                          "a proof file to start from (add the steps the kernel needs, then run `derive check`):"))
            print(v.proof_file)
    return EXIT_OK if v.status == "proved" else EXIT_NO


def _hypothesis_text(h) -> str:
    """A hypothesis as the text output shows it: a mutual independence (whose ``str`` lists only its members,
    ``A, B, C``) says what it is."""
    from derive.core.hypotheses import IID, MutuallyIndependent

    if isinstance(h, MutuallyIndependent):
        return f"{'i.i.d.' if isinstance(h, IID) else 'mutually independent'}: {h}"
    return str(h)


def _print_result(claim, hyps: dict, res, latex: bool, written=None) -> None:
    from derive.printing.certificate import certificate_latex, certificate_text

    def say(text: str) -> None:  # with --latex every line outside the align* block is a LaTeX comment
        print("\n".join(("% " if latex else "") + line for line in text.split("\n")))

    say(f"{res.status}: {statement_text(claim, 'bits', written)}")
    if hyps:
        say("  given: " + "; ".join(_hypothesis_text(h) for h in hyps.values()))
    if res.copy is not None:
        from derive.printing.document import copy_steps_text

        say(("" if latex else "  ") + "non-Shannon: the copy lemma (Zhang & Yeung 1998) with "
            + copy_steps_text(res.copy.steps, math=latex))
    if res.certificate is not None:
        print(certificate_latex(claim, res.certificate, written=written) if latex
              else certificate_text(claim, res.certificate, written=written))
    if res.counterexample is not None:
        say("\n".join("  " + line for line in counterexample_table(res.counterexample, claim.mentions_information())))
    if res.status == "not_shannon":
        say(f"  {NOT_SHANNON_TEXT}")
        if res.message:
            say(f"  ({res.message})")
    elif res.message and res.status != "proved":
        say(f"  {res.message}")


def counterexample_table(ce: dict, variables: bool = True) -> list[str]:
    """A counterexample as text lines: how it was certified, a table of the model (none for a claim without
    ``variables``: about numbers alone), and the two sides."""
    label = (f"certified violation ({ce.get('method')}; slack in {ce.get('slack_enclosure')})"
             if ce.get("certified") is True else "numerical violation, not certified")
    lines = [f"counterexample: {label}"]
    if ce.get("kind") == "gf2-linear":
        model = ce.get("model", {})
        w = max([len("variable")] + [len(v) for v in model])
        lines.append(f"  {'variable':<{w}}  value")
        lines += [f"  {v:<{w}}  {val}" for v, val in model.items()]
        k = ce.get("sources")
        if any(val != "constant" for val in model.values()):  # the bits are named only where a variable uses them
            lines.append("  (b1 a uniform bit: 0 or 1 with probability 1/2)" if k == 1 else
                         f"  (b1..b{k} independent uniform bits, each 0 or 1 with probability 1/2)")
        if any(val.startswith("(") for val in model.values()):
            lines.append("  (a value (u, v) is a variable holding both XORs: 4 values)")
        if ce.get("copies"):
            lines.append(f"  ({ce['copies']} independent copies of this model: each variable is a vector of "
                         f"{ce['copies']} such values, and every entropy is {ce['copies']} times the above)")
    elif ce.get("kind") == "pmf":
        names = ce.get("variables", [])
        widths = [max(len(n), 1) for n in names]
        lines.append("  " + "  ".join(f"{n:>{w}}" for n, w in zip(names, widths)) + "  probability")
        for outcome, p in ce.get("pmf", {}).items():
            lines.append("  " + "  ".join(f"{c:>{w}}" for c, w in zip(outcome, widths)) + f"  {p}")
    elif ce.get("kind") == "constant":
        equal = ", every distribution equal" if "distributions equal" in str(ce.get("model")) else ""
        lines += [f"  every variable constant{equal} (every information quantity is 0)"] if variables else []
    else:
        lines.append("  " + json.dumps({k: v for k, v in ce.items() if k not in ("certified",)}))
    if "lhs" in ce and "rhs" in ce:
        lines.append(f"  left side = {ce['lhs']}, right side = {ce['rhs']} ({ce.get('units', 'bits')})")
    elif "slack" in ce:
        lines.append(f"  slack (the side that should be larger minus the other) = {ce['slack']} ({ce.get('units', 'bits')})")
    lines += [f"  ({ce[k]})" for k in ("constant_note", "equality_note") if ce.get(k)]
    return lines


def _prove_file(args: argparse.Namespace, options: dict, budget: float) -> int:
    """One claim per line; one JSON object per line on stdout (``line``, ``claim``, ``status``, ...)."""
    from pathlib import Path

    from derive.commands._common import progress

    from derive.io.files import read_user_text
    from derive.io.reader import MAX_FILE_BYTES

    path = Path(args.file)
    lines = read_user_text(path, "claims file", MAX_FILE_BYTES).splitlines()
    claims = [(k, t.split("#", 1)[0].strip()) for k, t in enumerate(lines, 1)]
    claims = [(k, t) for k, t in claims if t]
    if not claims:
        raise InvalidArgument(f"{path}: no claims (one claim per line; '#' starts a comment)")
    worst = EXIT_OK
    counts: dict[str, int] = {}
    params = dict(parse_param(t) for t in args.param)
    for k, text in progress(claims, desc="derive prove", enabled=show_progress(False) and not sys.stdout.isatty()):
        row = {"line": k, "claim": text}
        used = params_used(params, [text, *args.given])
        try:
            real_valued = continuous_used(continuous_names(args.continuous), [text, *args.given])
            every_size = through_proof_file(text, args.given, used, args.units, str(path), real_valued)
        except DeriveError:
            every_size = False                         # the usual reading below says what is wrong
        if every_size:                                 # a claim with parameters or over families of every size
            from derive.commands.prove_family import decide_over_families

            try:
                v = decide_over_families(text, family_uses([text, *args.given]), used, options, budget,
                                         args.given, units=args.units, continuous=real_valued)
            except DeriveError as err:
                row.update(status="error", error=str(err))
                worst = max(worst, EXIT_INPUT)
            else:
                row.update({k2: v2 for k2, v2 in v.to_json().items() if k2 != "claim"})
                worst = max(worst, EXIT_OK if v.status == "proved" else EXIT_NO)
            counts[row["status"]] = counts.get(row["status"], 0) + 1
            print(json.dumps(row, default=str), flush=True)
            continue
        try:
            _, _, res, notes = decide_claim(text, args.given, options, budget, where=str(path), line=k)
        except DeriveError as err:
            row.update(status="error", error=str(err))
            worst = max(worst, EXIT_INPUT)
        else:
            v = _kernel_on_laws(text, args.given, options, budget) if res.status == "unsupported" else None
            row.update({k2: v2 for k2, v2 in v.to_json().items() if k2 != "claim"} if v else _result_json(res))
            if notes:
                row["notes"] = notes
            if res.status != "proved" and v is None:
                worst = max(worst, EXIT_NO)
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        print(json.dumps(row), flush=True)
    if sys.stderr.isatty():
        print(f"derive prove: {len(claims)} claims: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
              file=sys.stderr)
    return worst
