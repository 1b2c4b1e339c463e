"""Rich display in Jupyter: checked proofs, prove results, eta reports and bound tables as HTML/LaTeX tables.

The kernel's records (``Report``, ``StepResult``) do not import printing; the notebook API
(:mod:`derive.api`) wraps them in the small display classes below, which only *read* them.
Expressions are shown in the file grammar (:func:`derive.io.writer.format_statement`) in the
HTML tables and typeset with :class:`~derive.printing.latex.DeriveLatexPrinter` in LaTeX.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Sequence

from derive.printing import shown_status

__all__ = ["CheckedView", "ProveView", "EtaView", "BoundView", "VerifyView", "html_table"]

_COLOR = {"suspected": "#9a6700", "skipped": "#6e7781", "proved": "#1a7f37", "assumed": "#7d6b00", "tested": "#9a6700", "failed": "#cf222e",
          "false": "#cf222e", "not_shannon": "#9a6700", "unknown": "#6e7781", "unsupported": "#6e7781",
          "conditional": "#cf222e"}


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "") -> str:
    """An HTML table; cells are escaped text, a ``status`` header colours its cells."""
    def cell(h: str, v: Any) -> str:
        text = html.escape("" if v is None else str(v))
        if h == "status" and str(v) in _COLOR:
            return f'<td style="color:{_COLOR[str(v)]};font-weight:bold">{text}</td>'
        return f'<td style="text-align:left">{text}</td>'

    head = "".join(f'<th style="text-align:left">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(cell(h, v) for h, v in zip(header, r)) + "</tr>" for r in rows)
    cap = f"<caption style=\"text-align:left\">{caption}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _claim_text(claim: Any, units: str, written: Any = None) -> str:
    if claim is None:
        return ""
    from derive.io.writer import format_statement

    try:
        return format_statement(claim, units, written)
    except Exception:  # noqa: BLE001 - a display must never raise; fall back to sympy's text
        return str(claim)


@dataclass(frozen=True)
class CheckedView:
    """Display of a :class:`derive.checking.CheckedProof`: one row per step (id, rule, status, claim, message)."""

    checked: Any

    @property
    def status(self) -> str:
        return self.checked.status

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        from derive.io.writer import readable

        rep, units = self.checked.report, self.checked.proof.units
        written = getattr(self.checked.proof, "written", None)
        out = [(s.id, s.rule, shown_status(s), _claim_text(s.claim, units, written), readable(s.message))
               for s in rep.steps]
        if rep.theorem is not None:
            t = rep.theorem
            out.append(("theorem", t.rule, shown_status(t), _claim_text(t.claim, units, written), readable(t.message)))
        return out

    def trusted(self) -> list[str]:
        """The trusted facts as the author wrote them (file grammar, the proof's units and argument order)."""
        from derive.io.writer import format_trusted

        proof = self.checked.proof
        return [format_trusted(t, proof.units, getattr(proof, "written", None)) for t in self.checked.report.trusted]

    def text(self) -> str:
        rep = self.checked.report
        lines = [f"{rep.name} — {rep.status}"]
        w = max([len(r[0]) for r in self.rows()] + [4])
        for sid, rule, status, claim, msg in self.rows():
            lines.append(f"  {sid:<{w}}  {rule:<10} {status:<9} {claim}" + (f"\n      {msg}" if msg and status != "proved"
                                                                           else ""))
        for t in self.trusted():
            lines.append(f"  trusted: {t}")
        for w_ in rep.warnings:
            lines.append(f"  warning: {w_}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        rep = self.checked.report
        cap = f"<b>{html.escape(rep.name)}</b>: {html.escape(rep.status)}"
        out = html_table(("step", "rule", "status", "claim", "message"), self.rows(), cap)
        if rep.trusted:
            out += "<p>trusted (cited or assumed):</p><ul>" + "".join(
                f"<li>{html.escape(t)}</li>" for t in self.trusted()) + "</ul>"
        if rep.warnings:
            out += "<ul>" + "".join(f"<li>warning: {html.escape(w)}</li>" for w in rep.warnings) + "</ul>"
        return out

    def _repr_latex_(self) -> str:
        from derive.printing.document import notebook_latex

        return notebook_latex(self.checked.proof, self.checked.report)


@dataclass(frozen=True)
class ProveView:
    """Display of a Shannon-prover result (:class:`derive.provers.shannon.ShannonResult`) for ``claim``."""

    result: Any
    claim: Any
    units: str = "bits"
    #: how the claim's information atoms were written (:class:`~derive.proof.WrittenOrder`), or ``None``
    written: Any = None

    @property
    def status(self) -> str:
        return self.result.status

    def text(self) -> str:
        from derive.printing.certificate import certificate_text

        lines = [f"{self.status}: {_claim_text(self.claim, self.units, self.written)}"]
        if self.result.certificate is not None:
            lines.append(certificate_text(self.claim, self.result.certificate, units=self.units,
                                          written=self.written))
        if self.result.counterexample is not None:
            lines.append(f"counterexample: {self.result.counterexample}")
        if self.result.message and self.status != "proved":
            lines.append(self.result.message)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.text()) + "</pre>"

    def _repr_latex_(self) -> str:
        from derive.printing.latex import latex

        mark = {"proved": r"\text{proved: }"}.get(self.status, rf"\text{{{self.status}: }}")
        return f"$\\displaystyle {mark}{latex(self.claim, written=self.written)}$"


@dataclass(frozen=True)
class EtaView:
    """Display of an eta report (the dict of :func:`derive.channels.report.eta_report`)."""

    report: dict

    def __getitem__(self, key: str) -> Any:
        return self.report[key]

    def text(self) -> str:
        from derive.channels.report import format_report

        return format_report(self.report)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        lo, hi = self.report["eta_kl_bracket"]
        ex = self.report.get("exact", {})
        rows = [("eta_TV", self.report["eta_tv"], ex.get("eta_tv", "")),
                ("eta_chi2", self.report["eta_chi2"], ex.get("eta_chi2", "")),
                ("eta_KL", self.report["eta_kl"], ex.get("eta_kl", "")),
                ("eta_KL bracket", f"[{lo!r}, {hi!r}]", "")]
        return html_table(("coefficient", "value", "exact"), rows, html.escape(f"channel {self.report['channel']}"))


@dataclass(frozen=True)
class BoundView:
    """Display of bound rows (the dicts of ``compute_rows``): one column per key."""

    template: str
    rows: list

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, k: int) -> dict:
        return self.rows[k]

    def _flat(self, r: dict) -> dict:
        """A row with its ``params`` spread into columns of their own."""
        out = dict(r.get("params") or {})
        out.update({k: v for k, v in r.items() if k != "params"})
        return out

    def columns(self) -> list[str]:
        cols: list[str] = []
        for r in self.rows:
            cols += [k for k in self._flat(r) if k not in cols]
        return cols

    def table(self) -> list[list[str]]:
        cols = self.columns()
        return [[_short(self._flat(r).get(c)) for c in cols] for r in self.rows]

    def text(self) -> str:
        return "\n".join("  ".join(row) for row in [self.columns()] + self.table())

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return html_table(self.columns(), self.table(), html.escape(self.template))


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return "" if v is None else str(v)


@dataclass(frozen=True)
class VerifyView:
    """Display of a numeric :class:`~derive.numeric.verify.VerifyReport` (``tested`` is numerics only, never
    ``proved``); other attributes are the report's."""

    report: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)

    def rows(self) -> list[tuple]:
        out = []
        for s in self.report.steps:
            note = s.reason or ""
            if s.counterexample is not None:
                note = ("counterexample (certified): " if s.counterexample.certified else
                        "suspected violation (not certified): ") + " ".join(s.counterexample.text().split())
            out.append((s.id, s.status, s.samples, s.claim, note))
        return out

    def text(self) -> str:
        r = self.report
        lines = [f"{r.name} — {r.status} ({r.models} models, seed {r.seed})"]
        lines += [f"  {i:<10} {st:<9} {n:>5} models  {c}" + (f"\n      {note}" if note else "")
                  for i, st, n, c, note in self.rows()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        r = self.report
        cap = f"<b>{html.escape(r.name)}</b>: {html.escape(r.status)} (numeric: {r.models} models, seed {r.seed})"
        return html_table(("step", "status", "models", "claim", "note"), self.rows(), cap)
