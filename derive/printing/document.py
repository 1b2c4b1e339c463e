"""A checked proof as a LaTeX document: theorem, hypotheses, cited results, the proof, the kernel's verdicts.

:func:`proof_document` builds a standalone ``article`` (amsmath, amssymb, amsthm, xcolor,
booktabs, geometry — all in TeX Live's ``latex-base``/``latex-recommended``);
:func:`proof_fragment` only the ``proof`` environment, for pasting into a paper.

Every status comes from the kernel's :class:`derive.kernel.check.Report`: a step that is
not ``proved`` (nor ``assumed`` on a cited lemma) carries a red ``\\deriveflag`` —
``FAILED``, ``unchecked`` or ``tested only`` — and so does every line that rests on one.
Nothing the kernel did not accept is typeset as proved.

Layout of the proof: the steps the theorem's composition uses are set as one ``align*``
chain ``a <= b <= c`` when each substitutes into the previous line (with a coefficient the
kernel's sign rules show non-negative); every other step is a line of its own. Each line
ends with its justification, ``(SDPI, H1, H2; Lemma 1)``: the rule, the hypotheses and
steps it uses, and the cited results the kernel trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import networkx as nx
import sympy

from derive import __version__
from derive.printing import shown_status
from derive.core.hypotheses import IID, Assume, AssumeFamily, Channel, ChannelFamily, FunctionOf, Independent, Markov, \
    MarkovFamily, MutuallyIndependent
from derive.core.statements import Statement
from derive.kernel.report import Report, StepResult, TrustedFact
from derive.kernel.linear import Certificate, Term
from derive.kernel.signs import is_nonnegative
from derive.kernel.rules import SUM_SPLIT
from derive.printing.certificate import certificate_rows
from derive.printing.latex import DeriveLatexPrinter, latex_relation, latex_text, visible_width

__all__ = ["proof_document", "proof_fragment", "proof_printer", "RULE_TITLES", "FLAG_MACRO", "PREAMBLE_PACKAGES", "FRAGMENT_PREAMBLE",
           "visible_width", "LINE_CHARS"]

#: How a rule is named in a justification.
RULE_TITLES = {
    "shannon": "Shannon",
    "linear": "linear",
    "dpi": "DPI",
    "sdpi": "SDPI",
    "chain_rule": "chain rule",
    "superadditivity": "superadditivity",
    "subadditivity": "subadditivity",
    "tensorization": "tensorization",
    "fano": "Fano",
    "pinsker": "Pinsker",
    "real": "real arithmetic",
    "monotone": "monotonicity",
    "substitute": "substitution",
    "compose": "combining",
    "copy": "copy lemma",
}

#: What a non-proved status is called on the page.
FLAG_TEXT = {"failed": "FAILED", "unchecked": "unchecked", "tested": "tested only, not proved",
             "conditional": "conditional: rests on unproved steps"}

PREAMBLE_PACKAGES = ("amsmath", "amssymb", "amsthm", "xcolor", "booktabs")

#: The status mark; a fragment defines it only if the host document has not.
FLAG_MACRO = r"\newcommand{\deriveflag}[1]{\textcolor{red!75!black}{\textbf{[#1]}}}"
_FRAGMENT_FLAG = (r"\providecommand{\deriveflag}[1]{\ifdefined\textcolor\textcolor{red}{\textbf{[#1]}}"
                  r"\else\textbf{[#1]}\fi}")

_CHANNEL_WORDS = {
    "BSC": "binary symmetric channel",
    "BEC": "binary erasure channel",
    "Z": "Z-channel",
    "QSC": "$q$-ary symmetric channel",
    "AWGN": "additive white Gaussian noise channel",
    "matrix": "channel with transition matrix",
}


@dataclass
class _Lemma:
    number: int
    reference: str | None  # LaTeX text
    body: str  # LaTeX (text with inline math)


@dataclass
class _Line:
    """One line of a display: ``lhs &REL rhs`` (a long ``rhs`` is a list of rows), its marker and its
    justification (text mode, set in the notes under the display)."""

    lhs: str
    rel: str
    rhs: list[str]
    why: str
    tag: int | None = None
    flags: list[str] = field(default_factory=list)
    step: str | None = None


@dataclass
class _Layout:
    """Step numbering and labels shared by every part of the document."""

    proof: Any
    report: Report
    pr: DeriveLatexPrinter
    hyp_labels: dict[str, str] = field(default_factory=dict)
    lemmas: list[_Lemma] = field(default_factory=list)
    lemma_of_hyp: dict[str, int] = field(default_factory=dict)
    lemma_of_trusted: dict[str, int] = field(default_factory=dict)
    step_tags: dict[str, int] = field(default_factory=dict)
    #: ``document`` (``\\tag{n}``, cited as ``(n)``), ``plain`` (a fragment: no ``\\tag``; a small ``[n]`` beside the
    #: line) or ``numbered`` (a fragment in the paper's numbering: ``\\label{derive:<proof>:<step>}``, ``\\eqref``).
    mode: str = "document"


#: Visible characters of one display line (lhs, relation and rhs) before the rhs breaks across rows: the
#: text block of amsart (about 360 pt) holds about 55 characters of math at 10 pt.
LINE_CHARS = 50

def _ref(lay: "_Layout", sid: str) -> str:
    """How a line is cited in the current mode."""
    n = lay.step_tags[sid]
    if lay.mode == "numbered":
        return rf"\eqref{{{_label(lay, sid)}}}"
    return f"[{n}]" if lay.mode == "plain" else f"({n})"


def _label(lay: "_Layout", sid: str) -> str:
    return "derive:" + re.sub(r"[^A-Za-z0-9_.-]", "-", lay.proof.name) + ":" + re.sub(r"[^A-Za-z0-9_.-]", "-", sid)


def proof_printer(proof) -> DeriveLatexPrinter:
    """The LaTeX printer of one proof: information atoms in the author's argument order (``proof.written``)."""
    return DeriveLatexPrinter({"written": getattr(proof, "written", None)})


def _rows(lay: "_Layout", expr: sympy.Expr, lhs: str, flags: Sequence[str] = ()) -> list[str]:
    """``expr``'s LaTeX as rows that fit :data:`LINE_CHARS` beside ``lhs`` (and the status ``flags`` set on the
    first row): a long sum breaks between terms."""
    return lay.pr.rows(expr, max(LINE_CHARS - visible_width(lhs) - sum(len(f) + 3 for f in flags), 20))


# ---------------------------------------------------------------------------- labels

def _build_layout(proof, report: Report, pr: DeriveLatexPrinter) -> _Layout:
    lay = _Layout(proof, report, pr)
    k = 0
    for hid, h in proof.hypotheses.items():
        if isinstance(h, Assume):
            body = (f"${pr._print(h.body)}$ for every ${pr._print(h.index)} \\in \\{{{pr._print(h.lo)}, \\dots, "
                    f"{pr._print(h.hi)}\\}}$" if isinstance(h, AssumeFamily) else f"${pr._print(h.statement)}$")
            lay.lemmas.append(_Lemma(len(lay.lemmas) + 1, latex_text(h.cite) if h.cite else None, body))
            lay.lemma_of_hyp[hid] = len(lay.lemmas)
        else:
            k += 1
            lay.hyp_labels[hid] = f"H{k}"
    rows = list(report.steps) + ([report.theorem] if report.theorem else [])
    for r in rows:
        for t in r.trusted:
            if t in lay.lemma_of_trusted:
                continue
            hid = t.hypothesis  # an `assume` hypothesis is already a lemma
            if hid in lay.lemma_of_hyp:
                lay.lemma_of_trusted[t] = lay.lemma_of_hyp[hid]
                continue
            body, ref = _split_reference(t, pr)
            lay.lemmas.append(_Lemma(len(lay.lemmas) + 1, ref, body))
            lay.lemma_of_trusted[t] = len(lay.lemmas)
    return lay


def _split_reference(trusted: "TrustedFact | str", pr: DeriveLatexPrinter | None = None) -> tuple[str, str | None]:
    """A trusted fact as (body LaTeX, reference LaTeX), read from the kernel's record: an assumed ``claim`` is
    typeset by the printer, a rule's ``statement`` (ASCII such as ``eta_KL(BSC(p)) = (1 - 2p)^2``) as text with
    inline maths; the ``citation`` is the reference."""
    if not isinstance(trusted, TrustedFact):  # pragma: no cover - the kernel's records are TrustedFact
        return _fact_latex(str(trusted)), None
    prefix = latex_text(trusted.hypothesis) + ": " if trusted.hypothesis else ""
    if trusted.claim is not None:
        body = prefix + f"${(pr or DeriveLatexPrinter())._print(trusted.claim)}$"
    else:
        body = prefix + _fact_latex(trusted.statement)
    return body, latex_text(trusted.citation) if trusted.citation else None


_WORD = re.compile(r"[A-Za-z]+\d*(?:_[A-Za-z0-9]+)?")
_MATH_WORDS = {"max", "min", "log", "sqrt", "exp", "sup", "inf"}


def _fact_latex(text: str) -> str:
    """A kernel fact stated in ASCII (``eta_KL(BSC(p)) = (1 - 2p)^2``) as text with inline math.

    ``prefix: formula`` keeps the prefix as prose. A formula is typeset only when every
    word in it is a symbol-like name; otherwise the whole fact stays text.
    """
    prose, formula = ("", text)
    if ": " in text:
        prose, formula = text.split(": ", 1)
    math = _ascii_math(formula)
    if math is None:
        return latex_text(text)
    return (latex_text(prose) + ": " if prose else "") + f"${math}$"


def _ascii_math(s: str) -> str | None:
    if not re.search(r"<=|>=|=|<|>", s) or re.search(r"[^A-Za-z0-9_ ()+\-*/^=<>,.|]", s):
        return None
    out: list[str] = []
    tokens = re.finditer(r"\.\.\.|<=|>=|[A-Za-z]+\d*(?:_[A-Za-z0-9]+)?|\d+(?:\.\d+)?|\s+|.", s)
    for m in tokens:
        tok = m.group(0)
        if tok == "...":
            out.append(r"\dots")
        elif tok in ("<=", ">="):
            out.append(r" \le " if tok == "<=" else r" \ge ")
        elif tok.isspace():
            out.append(" ")
        elif tok == "x" and out and out[-1] == " ":
            out.append(r"\times")
        elif tok == "*":
            out.append(r"\cdot ")
        elif _WORD.fullmatch(tok):
            name, _, sub = tok.partition("_")
            indexed = re.fullmatch(r"([A-Z])([a-z]|\d+)", name)  # P1, Pn: an indexed name
            if indexed and not sub:
                name, sub = indexed.groups()
            if name.lower() in _MATH_WORDS:
                head = "\\" + name.lower()
            elif len(name) > 1 and name.isupper():
                head = rf"\mathrm{{{name}}}"
            elif len(name) == 1:
                head = name
            else:
                from sympy.printing.latex import translate

                t = translate(name)
                if t == name:
                    return None  # an English word: not a formula
                head = t
            if sub:
                sub_tex = rf"\mathrm{{{sub}}}" if len(sub) > 1 and sub.isalpha() else sub
                head += f"_{{{sub_tex}}}"
            out.append(head)
        elif tok == "^":
            out.append("^")
        else:
            out.append(tok)
    text = "".join(out)
    text = re.sub(r"\^([A-Za-z0-9]+)", r"^{\1}", text)
    return text


# ---------------------------------------------------------------------------- justifications

def _flags(lay: _Layout, res: StepResult | None) -> list[str]:
    """Marks of a line the kernel did not prove (LaTeX text)."""
    if res is None:
        return ["unchecked"]
    out = []
    if res.status in FLAG_TEXT:
        out.append(latex_text(FLAG_TEXT[res.status]))
    bad = [d for d in res.depends_on_unproved if d in lay.step_tags]
    if bad and res.status in ("proved", "assumed"):
        refs = ", ".join(_ref(lay, d) for d in bad)
        out.append(f"rests on unproved {refs}")
    return out


def _flag_tex(flags: Sequence[str]) -> str:
    return "".join(rf" \deriveflag{{{f}}}" for f in flags)


def copy_steps_text(specs, math: bool = True) -> str:
    """``A' a copy of A over X, Y`` for each copy step (the kernel names step ``k``'s copies with ``k`` primes)."""
    out = []
    for k, spec in enumerate(specs or (), start=1):
        copies = ", ".join(f"{v}{chr(39) * k}" for v in spec.copied.args)
        parts = (copies, str(spec.copied), str(spec.over) if spec.over else "nothing")
        if math:
            parts = tuple(f"${latex_text(x)}$" if x != "nothing" else x for x in parts)
        out.append(f"{parts[0]} a copy of {parts[1]} over {parts[2]}")
    return "; ".join(out)


def _cuts(step: Any, res: StepResult) -> Sequence | None:
    """The points a ``real`` step's domain was cut at: the file's ``split``, else the ones the kernel checked."""
    return step.args.get("split") or (res.certificate if isinstance(res.certificate, tuple) else None)


def _why(lay: _Layout, rule: str, premises: Iterable[str], trusted: Iterable[str], copies=None, cuts=None) -> str:
    """``SDPI, H1, H2, (1); Lemma 1`` (text mode): the rule, hypotheses, earlier lines and cited lemmas (and the
    points a ``real`` step's domain is cut at)."""
    refs: list[tuple[tuple[int, int, str], str]] = []
    lemmas: list[int] = []
    for p in premises:
        if p in lay.step_tags:
            refs.append(((1, lay.step_tags[p], p), _ref(lay, p)))
        elif p in lay.lemma_of_hyp:
            if lay.lemma_of_hyp[p] not in lemmas:
                lemmas.append(lay.lemma_of_hyp[p])
        elif p in lay.hyp_labels:
            refs.append(((0, int(lay.hyp_labels[p][1:]), p), lay.hyp_labels[p]))
        else:
            refs.append(((2, 0, p), latex_text(p)))
    for t in trusted:
        n = lay.lemma_of_trusted.get(t)
        if n is not None and n not in lemmas:
            lemmas.append(n)
    refs.sort()
    head = ", ".join([RULE_TITLES.get(rule, latex_text(rule.replace("_", " ")))] + [r for _, r in refs])
    if copies:
        head += ": " + copy_steps_text(copies)
    if cuts:
        head += ", on each piece of the domain cut at " + ", ".join(f"${lay.pr.expr(c)}$" for c in cuts)
    if lemmas:
        word = "Lemma" if len(lemmas) == 1 else "Lemmas"
        head += f"; {word} " + ", ".join(str(n) for n in sorted(lemmas))
    return head


def _marker(lay: _Layout, line: _Line) -> str:
    if line.step is None or line.step not in lay.step_tags:
        return r" \notag" if lay.mode == "numbered" else ""
    if lay.mode == "numbered":
        return rf" \label{{{_label(lay, line.step)}}}"
    if lay.mode == "plain":
        return rf" && \text{{\small {_ref(lay, line.step)}}}"
    return rf" \tag{{{lay.step_tags[line.step]}}}"


def _line_tex(lay: _Layout, line: _Line) -> str:
    """The rows of one line: ``lhs &REL first`` then ``&\\quad + rest`` (flags on the last row)."""
    inline = rf" && \text{{({line.why})}}" if line.step is None and line.why else ""
    rows = [rf"{line.lhs} &{line.rel} {line.rhs[0]}{_flag_tex(line.flags)}{_marker(lay, line)}{inline}"]
    rows += [rf"&\quad {r}" + (r" \notag" if lay.mode == "numbered" else "") for r in line.rhs[1:]]
    return " \\\\\n".join(rows)


def _align(lay: _Layout, lines: Sequence[_Line], after: str = "") -> str:
    """The display, then its justifications as a small paragraph under it (so they wrap inside the text block)."""
    env = "align" if lay.mode == "numbered" else "align*"
    body = " \\\\\n".join(_line_tex(lay, x) for x in lines)
    notes = [f"{_ref(lay, x.step)}~{x.why}." for x in lines if x.step is not None and x.step in lay.step_tags and x.why]
    out = f"\\begin{{{env}}}\n" + body + f"\n\\end{{{env}}}" + (f"\n{after}" if after else "")
    if notes:
        out += "\n{\\small\\sloppy\\noindent " + "\\quad ".join(notes) + "\\par}"
    return out


# ---------------------------------------------------------------------------- the chain

def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    if a == b:
        return True
    try:
        if sympy.expand(a - b) == 0:
            return True
        from derive.core.linear import linear_form

        return (linear_form(a) - linear_form(b)).is_zero()
    except Exception:  # noqa: BLE001 - a display heuristic: "not recognisably equal"
        return False


def _substitute(cur: sympy.Expr, a: sympy.Expr, b: sympy.Expr, rel: str, domains) -> sympy.Expr | None:
    """``cur`` with ``a`` replaced by ``b`` when that is licensed by ``a REL b``; else ``None``.

    For an inequality ``cur`` must be ``c * a + r`` with ``c`` provably ``>= 0``.
    """
    if _same(cur, a):
        return b
    d = sympy.Dummy("chain")
    e = cur.subs(a, d)
    if d not in e.free_symbols:
        return None
    c = sympy.diff(e, d)
    if d in c.free_symbols:
        return None
    if rel != "==" and not is_nonnegative(c, domains):
        return None
    return e.subs(d, b)


def _oriented(st: Statement, rel: str) -> list[tuple[str, Statement]]:
    """Ways ``st`` can serve as a link of a ``rel`` chain: ``(link relation, statement lhs -> rhs)``."""
    if st.rel == "==":
        return [("==", st), ("==", st.flipped())]
    if rel == "==":
        return []
    return [(rel, st if st.rel == rel else st.flipped())]


def _chain(lay: _Layout) -> list[tuple[str, sympy.Expr, str | None]] | None:
    """Links ``(rel, expression, fact id)`` from the theorem's lhs to its rhs, or ``None``."""
    proof, th = lay.proof, lay.proof.theorem
    facts: dict[str, Statement] = {}
    for sid in th.from_steps:
        if sid in proof.hypotheses:
            h = proof.hypotheses[sid]
            if isinstance(h, Assume):
                facts[sid] = h.statement
        else:
            facts[sid] = proof.get_step(sid).claim
    domains = proof.parameter_domains()
    cur = th.claim.lhs
    links: list[tuple[str, sympy.Expr, str | None]] = []
    used: set[str] = set()
    while not (links and _same(cur, th.claim.rhs)):
        for fid, st in facts.items():
            if fid in used:
                continue
            new = None
            for link_rel, o in _oriented(st, th.claim.rel):
                try:
                    new = _substitute(cur, o.lhs, o.rhs, link_rel, domains)
                except Exception:  # noqa: BLE001 - a display heuristic; the kernel decided already
                    new = None
                if new is not None:
                    break
            if new is not None:
                links.append((link_rel, new, fid))
                used.add(fid)
                cur = new
                break
        else:
            return None
    if cur != th.claim.rhs:
        links.append(("==", th.claim.rhs, None))
    return links


# ---------------------------------------------------------------------------- the proof body

def _premise_statement(proof, pid: str) -> Statement | None:
    h = proof.hypotheses.get(pid)
    if h is not None:
        return h.statement if type(h) is Assume else None  # a single assumed statement
    s = next((x for x in proof.steps if x.id == pid), None)
    return s.claim if s is not None else None


def _named_substitution(lay: _Layout, step) -> tuple[sympy.Expr, sympy.Symbol, sympy.Expr] | None:
    """A ``substitute`` step that puts the value of a parameter (an equality ``t == value`` among its premises) into
    another premise: ``(rhs in terms of t, t, value)`` when the claim is exactly that premise at ``t = value`` and
    printing it with ``t`` is shorter. Such a line prints as ``... with t = value`` instead of the nested fraction
    sympy makes of the substituted value (``fkl25_boolean_cluster``, step ``sub_t``)."""
    if step.rule != "substitute":
        return None
    prem = {p: st for p in step.premises if (st := _premise_statement(lay.proof, p)) is not None}
    claim = step.claim
    for eid, e in prem.items():
        if not e.is_equality:
            continue
        for name, value in ((e.lhs, e.rhs), (e.rhs, e.lhs)):
            if not isinstance(name, sympy.Symbol) or name in value.free_symbols:
                continue
            for sid, other in prem.items():
                if sid == eid or other.rel != claim.rel or name not in other.rhs.free_symbols:
                    continue
                try:
                    exact = (_same(other.lhs.subs(name, value), claim.lhs)
                             and _same(other.rhs.subs(name, value), claim.rhs))
                except Exception:  # noqa: BLE001 - a display choice; the kernel decided already
                    exact = False
                if exact and visible_width(lay.pr.expr(other.rhs)) + 10 < visible_width(lay.pr.expr(claim.rhs)):
                    return other.rhs, name, value
    return None


def _step_line(lay: _Layout, res: StepResult, step) -> _Line:
    st = step.claim
    lhs = lay.pr.expr(st.lhs)
    flags = _flags(lay, res)
    named = _named_substitution(lay, step)
    if named is None:
        rows = _rows(lay, st.rhs, lhs, flags)
    else:  # the claim is exactly this line at name = value
        rhs, name, value = named
        rows = _rows(lay, rhs, lhs, flags) + [rf"\text{{with }} {lay.pr.expr(name)} = {lay.pr.expr(value)}"]
    return _Line(lhs, latex_relation(st.rel), rows,
                 _why(lay, step.rule, step.premises, res.trusted, step.args.get("copy"), _cuts(step, res)),
                 lay.step_tags.get(step.id),
                 flags, step.id)


def _describe_term(lay: _Layout) -> Any:
    def describe(t: Term) -> str:
        label = t.label
        base = label.split("[")[0]
        if t.source == "premise":
            if label in lay.step_tags:
                return rf"\text{{(by {_ref(lay, label)})}}"
            if label in lay.lemma_of_hyp:
                return rf"\text{{(by Lemma {lay.lemma_of_hyp[label]})}}"
            return rf"\text{{(by {latex_text(label)})}}"
        if t.kind == "zero":
            if base in lay.hyp_labels:
                return rf"\text{{(${{}} = 0$ by {lay.hyp_labels[base]})}}"
            if t.source.startswith("implied"):
                return r"\text{(${}= 0$: independence implied by the hypotheses)}"
            if t.source == SUM_SPLIT:
                return r"\text{(${}= 0$: a sum split at an end or at a term)}"
            return rf"\text{{(${{}} = 0$: {latex_text(label)})}}"
        return r"\text{(${}\ge 0$)}"

    return describe


def _expansion(lay: _Layout, title: str, claim: Statement, cert: Any) -> str:
    statements = {s.id: s.claim for s in lay.proof.steps}
    statements.update({hid: h.statement for hid, h in lay.proof.hypotheses.items() if isinstance(h, Assume)})
    rows = certificate_rows(claim, cert, describe=_describe_term(lay), statements=statements, printer=lay.pr,
                            domains=lay.proof.parameter_domains())
    return (f"\\noindent\\emph{{{title}}}\n{{\\small\n\\begin{{align*}}\n" + "\n".join(rows)
            + "\n\\end{align*}}")


def _ordered_steps(proof, ids: set[str]) -> list:
    """The steps ``ids`` in an order where every step comes after the steps it uses (file order otherwise)."""
    index = {s.id: k for k, s in enumerate(proof.steps)}
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    for s in proof.steps:
        if s.id in ids:
            g.add_edges_from((p, s.id) for p in s.premises if p in ids)
    try:
        order = list(nx.lexicographical_topological_sort(g, key=lambda sid: index[sid]))
    except nx.NetworkXUnfeasible:  # a cycle: validate() refuses these; keep the file order
        order = sorted(ids, key=index.__getitem__)
    return [proof.get_step(sid) for sid in order]


def _used_steps(proof, report: Report) -> set[str]:
    """The steps the theorem rests on (every step when there is no theorem)."""
    ids = {s.id for s in proof.steps}
    if proof.theorem is None or report.theorem is None:
        return ids
    g = proof.graph()
    used = set()
    for src in proof.theorem.from_steps:
        if src in ids:
            used.add(src)
            used |= {n for n in nx.ancestors(g, src) if n in ids} if src in g else set()
    return used


def _proof_body(lay: _Layout, expand: bool, all_steps: bool = False) -> str:
    """The proof: its lines (each after the lines it cites), the chain to the theorem, the notes under each
    display. Steps the theorem does not use are left out, or set after the proof with ``all_steps``."""
    proof, report = lay.proof, lay.report
    results = {r.id: r for r in report.steps}
    used = _used_steps(proof, report)
    chain = _chain(lay) if proof.theorem is not None and report.theorem is not None else None
    chain_ids = [fid for _, _, fid in chain or [] if fid is not None and fid in results]
    prelim = _ordered_steps(proof, used - set(chain_ids))
    if chain and any(p in chain_ids for s in prelim for p in s.premises):
        chain, chain_ids = None, []  # a line would cite a later line of the chain: no chain
        prelim = _ordered_steps(proof, used)
    n = 0
    for s in prelim + [proof.get_step(sid) for sid in chain_ids]:
        n += 1
        lay.step_tags[s.id] = n
    others = _ordered_steps(proof, {s.id for s in proof.steps} - used) if all_steps else []
    for s in others:
        n += 1
        lay.step_tags[s.id] = n
    parts: list[str] = []
    if prelim:
        parts.append(_align(lay, [_step_line(lay, results[s.id], s) for s in prelim]))
        if expand:
            parts += _expansions(lay, prelim, results)
    th, th_res = proof.theorem, report.theorem
    if th is not None and th_res is not None:
        parts += _conclusion(lay, chain, chain_ids, results, expand, bool(prelim))
    if others:
        parts.append("\\medskip\\noindent\\emph{Steps the theorem does not use (checked as well).}")
        parts.append(_align(lay, [_step_line(lay, results[s.id], s) for s in others]))
    return "\n\n".join(parts)


def _conclusion(lay: _Layout, chain, chain_ids, results, expand: bool, after_lines: bool) -> list[str]:
    proof, th, th_res = lay.proof, lay.proof.theorem, lay.report.theorem
    parts: list[str] = []
    th_flags = [latex_text(FLAG_TEXT[th_res.status])] if th_res.status in FLAG_TEXT else []
    if chain:
        if after_lines:
            parts.append("\\noindent Hence")
        lines = []
        lhs0 = lay.pr.expr(th.claim.lhs)
        for k, (rel, e, fid) in enumerate(chain):
            lhs = lhs0 if k == 0 else ""
            fl = _flags(lay, results[fid]) if fid in results else []
            if k == len(chain) - 1:
                fl = fl + th_flags
            rows = _rows(lay, e, lhs0, fl)
            if fid is None:
                lines.append(_Line(lhs, "=", rows, "algebra", None, []))
            elif fid in results:
                step = proof.get_step(fid)
                lines.append(_Line(lhs, latex_relation(rel), rows,
                                   _why(lay, step.rule, step.premises, results[fid].trusted, step.args.get("copy"),
                                        _cuts(step, results[fid])),
                                   lay.step_tags[fid], _flags(lay, results[fid]), fid))
            else:
                lines.append(_Line(lhs, latex_relation(rel), rows, f"Lemma {lay.lemma_of_hyp[fid]}", None, []))
        lines[-1].flags += th_flags
        parts.append(_align(lay, lines, "\\noindent which is the claim."))
        if expand:
            parts += _expansions(lay, [proof.get_step(s) for s in chain_ids], results)
    else:
        parts.append(f"Combining {_refs_prose(lay, th.from_steps, th_res.trusted)} linearly "
                     "(non-negative multipliers, checked by the kernel) gives")
        lhs = lay.pr.expr(th.claim.lhs)
        rows = _rows(lay, th.claim.rhs, lhs)
        body = f"{lhs} &{latex_relation(th.claim.rel)} " + " \\\\\n&\\quad ".join(rows)
        parts.append("\\begin{align*}\n" + body + ".\n\\end{align*}" + (_flag_tex(th_flags) if th_flags else ""))
    if expand and th_res.certificate is not None and not _is_trivial(th_res.certificate):
        parts.append(_expansion(lay, "Composition of the theorem, term by term.", th.claim, th_res.certificate))
    return parts


def _refs_prose(lay: _Layout, premises: Iterable[str], trusted: Iterable[str]) -> str:
    """``(1), (2) and Lemma 1``."""
    refs: list[str] = []
    for p in premises:
        if p in lay.step_tags:
            refs.append(_ref(lay, p))
        elif p in lay.lemma_of_hyp:
            refs.append(f"Lemma {lay.lemma_of_hyp[p]}")
        elif p in lay.hyp_labels:
            refs.append(f"({lay.hyp_labels[p]})")
    for t in trusted:
        n = lay.lemma_of_trusted.get(t)
        if n is not None and f"Lemma {n}" not in refs:
            refs.append(f"Lemma {n}")
    if not refs:
        return "the steps above"
    return refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]


def _is_trivial(cert: Any) -> bool:
    """One premise times 1 and nothing else: the expansion would only repeat the premise."""
    if not isinstance(cert, Certificate) or type(cert) is not Certificate:
        return False
    used = cert.used()
    return len(used) == 1 and used[0][1] == 1 and cert.residual == 0


def _expansions(lay: _Layout, steps: Sequence[Any], results: dict[str, StepResult]) -> list[str]:
    out = []
    for s in steps:
        res = results[s.id]
        if isinstance(res.certificate, Certificate):
            out.append(_expansion(lay, f"Certificate of {_ref(lay, s.id)}, term by term.", s.claim,
                                  res.certificate))
    return out


# ---------------------------------------------------------------------------- hypotheses and setting

def _hypothesis_text(pr: DeriveLatexPrinter, h: Any) -> str:
    if isinstance(h, (Markov, MarkovFamily)):
        return f"${pr._print(h)}$ is a Markov chain"
    if isinstance(h, ChannelFamily):
        words = _CHANNEL_WORDS.get(h.spec.name, "channel")
        i, lo, hi = pr._print(h.index), pr._print(h.lo), pr._print(h.hi)
        return (f"for every ${lo} \\le {i} \\le {hi}$, ${pr._rvset(h.output)}$ is the output of the {words} "
                f"${pr._print(h.spec)}$ with input ${pr._rvset(h.input)}$")
    if isinstance(h, Independent):
        return f"${pr._print(h)}$"
    if isinstance(h, MutuallyIndependent):
        fam = h.family_range
        if fam is not None:
            members = _family_list(pr, fam)
        else:
            members = ", ".join(pr._group(m) for m in h.members)
        word = "i.i.d." if isinstance(h, IID) else "mutually independent"
        given = f" given ${pr._rvset(h.given)}$" if h.given else ""
        return f"${members}$ are {word}{given}"
    if isinstance(h, Channel):
        words = _CHANNEL_WORDS.get(h.spec.name, "channel")
        if h.spec.name == "matrix":
            return (f"${pr._rvset(h.output)}$ is the output of the {words} "
                    f"${pr._print(h.spec)}$ (rows $p(y \\mid x)$) with input ${pr._rvset(h.input)}$")
        return f"${pr._print(h)}$, the {words} from ${pr._rvset(h.input)}$ to ${pr._rvset(h.output)}$"
    if isinstance(h, FunctionOf):
        return f"${pr._print(h)}$ for a deterministic function $f$"
    return f"${pr._print(h)}$"


def _family_list(pr: DeriveLatexPrinter, fam) -> str:
    from derive.core.variables import FamilyMember

    first = pr._print(FamilyMember(fam.family, fam.lo))
    last = pr._print(FamilyMember(fam.family, fam.hi))
    return rf"{first}, \dots, {last}"


def _setting(lay: _Layout) -> str:
    proof, pr = lay.proof, lay.pr
    sentences = []
    if proof.parameters:
        doms = ", ".join(f"${pr._print(p)}$" for p in proof.parameters.values())
        sentences.append(f"Parameters: {doms}.")
    from derive.core.hypotheses import continuous_variables
    from derive.core.variables import FamilyRange

    continuous = set(continuous_variables(proof.continuous, proof.hypotheses.values()))
    kinds: dict[bool, list[str]] = {False: [], True: []}
    for name, v in proof.variables.items():
        kinds[name in continuous].append(pr._print(v))
    for name, (lo, hi) in proof.families.items():
        kinds[name in continuous].append(_family_list(pr, FamilyRange(name, lo, hi)) if not (lo.is_Integer and hi.is_Integer)
                                         else ", ".join(pr._print(m) for m in FamilyRange.make(name, lo, hi)))
    groups = [", ".join(f"${x}$" for x in kinds[False]) + " (discrete)" if kinds[False] else "",
              ", ".join(f"${x}$" for x in kinds[True]) + " (continuous: $H$ of them is a differential entropy, of any "
              "sign)" if kinds[True] else ""]
    if kinds[False] or kinds[True]:
        sentences.append("Random variables: " + "; ".join(g for g in groups if g) + ".")
    dists = _distributions(proof)
    if dists:
        sentences.append("Distributions: " + ", ".join(f"${d}$" for d in dists) + ".")
    used = _functions_used(proof)
    if proof.units == "bits":
        sentences.append("Information is measured in bits" + (r" ($\log_2$ is the logarithm to base 2)"
                                                              if "log2" in used else "") + ".")
    else:
        sentences.append("Information is measured in nats.")
    if "ln" in used:
        sentences.append(r"$\ln$ is the natural logarithm.")
    if "h" in used:
        sentences.append(r"$h(p) = -p \log_2 p - (1 - p) \log_2 (1 - p)$ is the binary entropy function.")
    return " ".join(sentences)


def _functions_used(proof) -> set[str]:
    """Which of ``log2``, ``ln``, ``h`` the proof's statements display."""
    from derive.core.quantities import h
    from derive.printing.latex import _Log2, pair_logs

    out: set[str] = set()
    for st in _statements(proof):
        for side in (st.lhs, st.rhs):
            for node in sympy.preorder_traversal(pair_logs(side)):
                if isinstance(node, _Log2):
                    out.add("log2")
                elif isinstance(node, sympy.log):
                    out.add("ln")
                elif isinstance(node, h):
                    out.add("h")
    return out


def _statements(proof) -> list[Statement]:
    out = [s.claim for s in proof.steps] + ([proof.theorem.claim] if proof.theorem else [])
    return out + [h.statement for h in proof.hypotheses.values() if isinstance(h, Assume)]


def _distributions(proof) -> list[str]:
    from derive.core.quantities import Dist

    seen: list[str] = []
    pr = DeriveLatexPrinter()
    for st in _statements(proof):
        for side in (st.lhs, st.rhs):
            for node in sympy.preorder_traversal(side):
                if isinstance(node, Dist):
                    t = pr._print(node)
                    if t not in seen:
                        seen.append(t)
    return seen


def _needed(proof) -> tuple[set[str], set[str]]:
    """Steps and hypotheses the theorem depends on."""
    g = proof.graph()
    if proof.theorem is None or "theorem" not in g:
        return {s.id for s in proof.steps}, set(proof.hypotheses)
    anc = nx.ancestors(g, "theorem")
    return {a for a in anc if a not in proof.hypotheses}, {a for a in anc if a in proof.hypotheses}


# ---------------------------------------------------------------------------- the pieces

def _hypotheses_section(lay: _Layout) -> str:
    items = []
    for hid, h in lay.proof.hypotheses.items():
        if hid in lay.hyp_labels:
            items.append(rf"\item[({lay.hyp_labels[hid]})] {_hypothesis_text(lay.pr, h)}.")
    if not items:
        return ""
    return "\\paragraph{Hypotheses.}\n\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}"


def _lemmas_section(lay: _Layout) -> str:
    if not lay.lemmas:
        return ""
    out = ["\\paragraph{Cited and assumed results.} The kernel takes these as given; "
           "every step that uses one is marked with its number."]
    for lem in lay.lemmas:
        opt = f"[{{{lem.reference}}}]" if lem.reference else "[assumed]"
        out.append(f"\\begin{{lemma}}{opt}\n{lem.body}\n\\end{{lemma}}")
    return "\n".join(out)


def _theorem_env(lay: _Layout) -> str:
    proof, report = lay.proof, lay.report
    th = proof.theorem
    if th is None:
        return ""
    _, hyps = _needed(proof)
    labels = [lay.hyp_labels[h] for h in proof.hypotheses if h in hyps and h in lay.hyp_labels]
    lemmas = sorted({lay.lemma_of_hyp[h] for h in hyps if h in lay.lemma_of_hyp})
    uses = []
    if labels:
        uses.append(", ".join(f"({x})" for x in labels))
    if lemmas:
        uses.append(("Lemma " if len(lemmas) == 1 else "Lemmas ") + ", ".join(map(str, lemmas)))
    lead = f"Assume {' and '.join(uses)}. Then" if uses else ""
    name = f"[{{{latex_text(th.name)}}}]" if th.name else ""
    flag = ""
    if report.status != "proved":
        flag = rf"\deriveflag{{NOT PROVED: {latex_text(report.status)}}} "
    return (f"\\begin{{theorem}}{name}\n{flag}{lead}\n\\[ {lay.pr._print(th.claim)}. \\]\n\\end{{theorem}}")


def _report_section(lay: _Layout) -> str:
    report = lay.report
    rows = []
    by_tag = sorted(report.steps, key=lambda r: lay.step_tags.get(r.id, 10 ** 6))
    for r in by_tag + ([report.theorem] if report.theorem else []):
        tag = f"({lay.step_tags[r.id]})" if r.id in lay.step_tags else ("Thm." if r.id == "theorem" else "")
        shown = shown_status(r)
        status = latex_text(shown)
        if shown in FLAG_TEXT:
            status = rf"\deriveflag{{{latex_text(shown)}}}"
        note = ""
        if r.status in ("failed", "unchecked", "tested") and r.message:
            msg = r.message if len(r.message) <= 160 else r.message[:157] + "..."
            note = latex_text(msg)
        elif r.trusted:
            nums = sorted({lay.lemma_of_trusted[t] for t in r.trusted if t in lay.lemma_of_trusted})
            note = ("rests on " + ("Lemma " if len(nums) == 1 else "Lemmas ") + ", ".join(map(str, nums))) if nums else ""
        if r.depends_on_unproved:
            note += ("; " if note else "") + "depends on unproved " + ", ".join(
                f"({lay.step_tags[d]})" if d in lay.step_tags else latex_text(d) for d in r.depends_on_unproved)
        rows.append(rf"{tag} & \texttt{{{latex_text(r.id)}}} & {latex_text(r.rule)} & {status} & {note} \\")
    hyps = ", ".join(rf"{lab} = \texttt{{{latex_text(hid)}}}" for hid, lab in lay.hyp_labels.items())
    lem_h = ", ".join(rf"Lemma {n} = \texttt{{{latex_text(hid)}}}" for hid, n in lay.lemma_of_hyp.items())
    names = "; ".join(x for x in (hyps, lem_h) if x)
    verdict = latex_text(report.status)
    if report.status != "proved":
        verdict = rf"\deriveflag{{{verdict}}}"
    strict = " (strict)" if report.strict else ""
    out = ["\\section*{Kernel report}",
           f"Verdict of the \\texttt{{derive}} {latex_text(__version__)} kernel{strict}: \\textbf{{{verdict}}}."
           + (f" Labels: {names}." if names else ""),
           "\\begin{center}\\small",
           "\\begin{tabular}{@{}llllp{0.36\\textwidth}@{}}",
           "\\toprule",
           r"Line & Step & Rule & Status & Note \\",
           "\\midrule",
           *rows,
           "\\bottomrule",
           "\\end{tabular}",
           "\\end{center}"]
    return "\n".join(out)


# ---------------------------------------------------------------------------- entry points

#: What a paper needs in its preamble for a fragment (documented in docs/tutorial.md): nothing beyond these.
FRAGMENT_PREAMBLE = "\\usepackage{amsmath,amssymb,amsthm}"


def proof_fragment(proof, report: Report, *, expand: bool = False, numbered: bool = False,
                   all_steps: bool = False) -> str:
    """Only the ``proof`` environment, for pasting into an amsart/acmart/neurips paper whose preamble has
    :data:`FRAGMENT_PREAMBLE` (xcolor optional: it only colours the status marks).

    No ``\\tag``: lines are marked ``[1]``, ``[2]`` beside them; with ``numbered`` they take the paper's equation
    numbers instead, labelled ``\\label{derive:<proof>:<step>}`` and cited with ``\\eqref``. H1 and Lemma 1 refer
    to the standalone document's numbering. ``all_steps``: also the steps the theorem does not use.
    """
    pr = proof_printer(proof)
    lay = _build_layout(proof, report, pr)
    lay.mode = "numbered" if numbered else "plain"
    body = _proof_body(lay, expand, all_steps)
    head = ("% derive " + __version__ + ": proof of " + proof.name + " (kernel verdict: " + report.status + ")\n"
            "% needs " + FRAGMENT_PREAMBLE + " (and xcolor for the red status marks)\n")
    return head + _FRAGMENT_FLAG + "\n" + _report_warnings(report, "\n\n") + "\\begin{proof}\n" + body \
        + "\n\\end{proof}\n"


def _report_warnings(report: Report, after: str) -> str:
    """The report's own warnings (hypotheses that cannot hold together, variables that may not exist: what the
    verdict alone does not say), flagged where a reader meets the proof; empty when there are none."""
    if not report.warnings:
        return ""
    return ("\\noindent\\deriveflag{WARNING} " + " ".join(_sentence(w) for w in report.warnings)
            + " (derive's report)" + after)


def _sentence(text: str) -> str:
    """A warning as a LaTeX sentence: capital first letter, final full stop."""
    return latex_text(text[:1].upper() + text[1:]) + "."


def proof_document(proof, report: Report, *, expand: bool = False, warnings: Sequence[str] = (),
                   all_steps: bool = False) -> str:
    """A standalone LaTeX article: title, setting, hypotheses, cited results, theorem, proof, kernel report."""
    pr = proof_printer(proof)
    lay = _build_layout(proof, report, pr)
    body = _proof_body(lay, expand, all_steps)  # numbers the steps first
    title = _prose(proof.title or proof.name)
    parts = [
        "\\documentclass[11pt]{article}",
        "\\usepackage[margin=1in]{geometry}",
        "\\usepackage{" + ",".join(PREAMBLE_PACKAGES) + "}",
        "\\newtheorem{theorem}{Theorem}",
        "\\newtheorem{lemma}{Lemma}",
        FLAG_MACRO,
        "\\allowdisplaybreaks",
        "\\sloppy",
        f"\\title{{{title}}}",
        f"\\author{{\\normalsize Checked by the \\texttt{{derive}} {latex_text(__version__)} kernel "
        f"(\\texttt{{{latex_text(proof.name)}}})}}",
        "\\date{}",
        "\\begin{document}",
        "\\maketitle",
    ]
    n_preamble = len(parts)
    if report.status != "proved":
        bad = [r for r in list(report.steps) + ([report.theorem] if report.theorem else []) if r.status in FLAG_TEXT]
        listed = ", ".join(f"\\texttt{{{latex_text(r.id)}}} ({latex_text(r.status)})" for r in bad)
        parts.append("\\begin{center}\\fbox{\\parbox{0.9\\textwidth}{\\centering "
                     f"\\deriveflag{{NOT PROVED}} The kernel's verdict is \\textbf{{{latex_text(report.status)}}}"
                     + (f": {listed}" if listed else "") + ".}}\\end{center}")
    if report.warnings:
        parts.append(_report_warnings(report, ""))
    if proof.notes:
        parts.append("\\begin{abstract}\n" + _prose(proof.notes) + "\n\\end{abstract}")
    parts.append("\\paragraph{Setting.} " + _setting(lay))
    for section in (_hypotheses_section(lay), _lemmas_section(lay), _theorem_env(lay)):
        if section:
            parts.append(section)
    parts.append("\\begin{proof}\n" + body + "\n\\end{proof}")
    warnings = list(dict.fromkeys([*warnings, *report.warnings]))
    if warnings:
        parts.append("\\paragraph{Warnings.} " + " ".join(_sentence(w) for w in warnings))
    parts.append(_report_section(lay))
    parts.append("\\end{document}")
    preamble = "\n".join(parts[:n_preamble])
    return preamble + "\n\n" + "\n\n".join(parts[n_preamble:]) + "\n"


#: Control sequences refused in an author's ``$...$`` (file access, definitions, environments): such a
#: segment is printed as escaped text instead.
_UNSAFE_TEX = re.compile(r"\\(input|include|openin|openout|read|write|immediate|csname|[egx]?def|let|catcode|special|"
                         r"(re)?newcommand|usepackage|documentclass|begin|end|jobname|endinput|makeatletter)(?![A-Za-z])")
_MATH_SEGMENT = re.compile(r"(?<!\\)\$([^$]+)(?<!\\)\$")
_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega")
#: derive's own notation inside plain text: ``X[1..n]``, ``theta^n``, Greek names, ``<=``/``>=``.
_ASCII_MATH = re.compile(r"\b([A-Za-z]\w*)\[(\w+)\.\.(\w+)\]|\b(%s)\b(\^(\w+))?|\b([A-Za-z])\^(\w+)|<=|>=|(?<= )~(?= )|\b([A-Za-z])_([A-Za-z0-9]+)\b(\^(\w+))?" % "|".join(_GREEK))


def _ascii_piece(m: re.Match) -> str:
    if m.group(1):
        return f"${m.group(1)}_{{{m.group(2)}:{m.group(3)}}}$"
    if m.group(4):
        g = r"\varepsilon" if m.group(4) in ("eps", "epsilon") else "\\" + m.group(4)
        return f"${g}" + (f"^{{{m.group(6)}}}" if m.group(6) else "") + "$"
    if m.group(7):
        return f"${m.group(7)}^{{{m.group(8)}}}$"
    if m.group(9):
        sub = m.group(10)
        sub = ("\\" + sub) if sub in _GREEK and sub != "eps" else (r"\varepsilon" if sub == "eps" else sub)
        return f"${m.group(9)}_{{{sub}}}" + (f"^{{{m.group(12)}}}" if m.group(12) else "") + "$"
    return {"<=": r"$\le$", ">=": r"$\ge$"}.get(m.group(0), r"$\sim$")


def _plain_prose(text: str) -> str:
    out, last = [], 0
    for m in _ASCII_MATH.finditer(text):
        out.append(latex_text(text[last:m.start()]))
        out.append(_ascii_piece(m))
        last = m.end()
    out.append(latex_text(text[last:]))
    return "".join(out)


def _prose(text: str) -> str:
    """An author's title or note: ``$...$`` is the author's LaTeX maths (kept, unless it uses a control sequence
    of :data:`_UNSAFE_TEX`); other text is escaped, with derive's notation in it (``S[1..n]``, ``theta^n``,
    Greek names, ``<=``) set as maths."""
    out, last = [], 0
    for m in _MATH_SEGMENT.finditer(text):
        out.append(_plain_prose(text[last:m.start()]))
        out.append(m.group(0) if not _UNSAFE_TEX.search(m.group(1)) else latex_text(m.group(0)))
        last = m.end()
    out.append(_plain_prose(text[last:]))
    return "".join(out)


# ---------------------------------------------------------------------------- notebooks

def notebook_latex(proof, report: Report | None = None) -> str:
    """MathJax-friendly display of a proof for Jupyter (``Proof._repr_latex_``).

    With the kernel's ``report`` each step shows its status; without one the display says the
    proof is not checked yet (nothing is shown as proved that the kernel has not accepted).
    """
    pr = proof_printer(proof)
    rows = []
    title = latex_text(proof.title or proof.name).replace("$", "")
    rows.append(rf"&\textbf{{{title}}}")
    for hid, h in proof.hypotheses.items():
        rows.append(rf"&\text{{{latex_text(hid)}:}}\quad {pr._print(h)}")
    results = {r.id: r for r in report.steps} if report is not None else {}
    if report is not None and report.theorem is not None:
        results["theorem"] = report.theorem

    def status(sid: str) -> str:
        res = results.get(sid)
        if report is None:
            return ""
        st = res.status if res is not None else "unchecked"
        color = {"proved": "green", "assumed": "olive"}.get(st, "red")
        return rf"\quad \color{{{color}}}{{\text{{[{st}]}}}}"

    for s in proof.steps:
        rows.append(rf"&\text{{{latex_text(s.id)} ({latex_text(s.rule)}):}}\quad {pr._print(s.claim)}{status(s.id)}")
    if proof.theorem is not None:
        rows.append(rf"&\textbf{{Theorem:}}\quad {pr._print(proof.theorem.claim)}{status('theorem')}")
    if report is None:
        rows.append(r"&\text{(not checked yet: derive.checking.check(proof) runs the kernel)}")
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"
