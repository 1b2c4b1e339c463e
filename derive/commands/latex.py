"""``derive latex PATH [-o FILE.tex] [--standalone | --fragment] [--pdf] [--expand]``.

Checks the proof with the kernel (:func:`derive.checking.check_file`) and writes it as LaTeX:
a standalone article (default) or only the ``proof`` environment (``--fragment``). The exit
code follows the kernel: 0 when the proof is proved, 1 when it is not (the document is still
written, with every unproved step marked), 2 for bad input or a missing/failing pdflatex.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from derive.errors import InvalidArgument, PdfLatexError

__all__ = ["register", "cmd_latex", "run_pdflatex", "PdfLatexError", "PDFLATEX_TIMEOUT"]

#: Seconds one pdflatex run may take.
PDFLATEX_TIMEOUT = 120



def register(subparsers) -> None:
    p = subparsers.add_parser("latex", help="export a checked proof as LaTeX (theorem, hypotheses, proof, statuses)")
    p.add_argument("path", metavar="PATH", help="a proof file (.toml)")
    p.add_argument("-o", "--output", metavar="FILE.tex",
                   help="write here (default: stdout; with --pdf: PATH's name with .tex next to the PDF)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--standalone", action="store_true", help="a complete article (the default)")
    mode.add_argument("--fragment", action="store_true", help="only the proof environment, for pasting")
    p.add_argument("--numbered", action="store_true",
                   help="with --fragment: number the lines in the paper's equation numbering, labelled "
                        "\\label{derive:<proof>:<step>} (default: no \\tag, lines marked [1], [2])")
    p.add_argument("--all", dest="all_steps", action="store_true",
                   help="also typeset the steps the theorem does not use (after the proof)")
    p.add_argument("--pdf", action="store_true", help="also compile with pdflatex (FILE.pdf next to FILE.tex)")
    p.add_argument("--expand", action="store_true",
                   help="expand linear and Shannon steps term by term from their checked certificates")
    p.add_argument("--strict", action="store_true", help="check in strict mode (cited lemmas are not accepted)")
    p.add_argument("--json", action="store_true", help="print one JSON object (status, tex, pdf) on stdout")
    p.set_defaults(func=cmd_latex)


def cmd_latex(args: argparse.Namespace) -> int:
    from derive.checking import check_file
    from derive.printing.document import proof_document, proof_fragment

    path = Path(args.path)
    if args.pdf and args.fragment:
        raise InvalidArgument("--pdf compiles a standalone document; drop --fragment")
    if args.numbered and not args.fragment:
        raise InvalidArgument("--numbered goes with --fragment (a standalone document numbers its lines itself)")
    checked = check_file(path, strict=args.strict)
    if args.fragment:
        tex = proof_fragment(checked.proof, checked.report, expand=args.expand, numbered=args.numbered,
                             all_steps=args.all_steps)
    else:
        tex = proof_document(checked.proof, checked.report, expand=args.expand, warnings=checked.warnings,
                             all_steps=args.all_steps)
    out = Path(args.output) if args.output else (Path(path.stem + ".tex") if args.pdf else None)
    pdf = None
    if args.pdf:
        if shutil.which("pdflatex") is None:
            raise PdfLatexError("--pdf needs pdflatex, which is not installed (Debian/Ubuntu: apt-get install "
                                "texlive-latex-base texlive-latex-recommended); without --pdf no TeX is needed")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(tex, encoding="utf-8")
    if args.pdf:
        run_pdflatex(out)
        pdf = out.with_suffix(".pdf")
    status = checked.report.status
    if args.json:
        print(json.dumps({"file": str(path), "status": status, "tex": str(out) if out else tex,
                          "pdf": str(pdf) if pdf else None}, indent=2))
    elif out is None:
        sys.stdout.write(tex)
    else:
        print(f"wrote {out}" + (f" and {pdf}" if pdf else "") + f" ({checked.report.name}: {status})")
    return 0 if status == "proved" else 1


def run_pdflatex(tex_path: Path, *, timeout: float = PDFLATEX_TIMEOUT) -> Path:
    """Compile ``tex_path`` with ``pdflatex -halt-on-error`` (twice, for references); return the PDF's path.

    The auxiliary files stay in a temporary folder; the PDF is written next to the ``.tex``.

    Raises
    ------
    PdfLatexError
        pdflatex is missing, timed out, or stopped on an error (the log's ``!`` lines are quoted).
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfLatexError("pdflatex is not installed (Debian/Ubuntu: apt-get install texlive-latex-base "
                            "texlive-latex-recommended)")
    tex_path = Path(tex_path).resolve()
    with tempfile.TemporaryDirectory(prefix="derive-latex-") as tmp:
        for _ in range(2):
            try:
                proc = subprocess.run(
                    [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                     f"-output-directory={tmp}", tex_path.name],
                    cwd=tex_path.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
            except subprocess.TimeoutExpired as err:
                raise PdfLatexError(f"pdflatex did not finish within {timeout:g} s", file=str(tex_path)) from err
            log_path = Path(tmp) / (tex_path.stem + ".log")
            log = log_path.read_text(encoding="latin-1") if log_path.exists() else proc.stdout.decode("latin-1")
            if proc.returncode != 0:
                raise PdfLatexError("pdflatex failed:\n" + latex_errors(log), file=str(tex_path))
            if "Rerun to get" not in log and "Label(s) may have changed" not in log:
                break
        pdf = Path(tmp) / (tex_path.stem + ".pdf")
        if not pdf.exists():
            raise PdfLatexError("pdflatex wrote no PDF:\n" + latex_errors(log), file=str(tex_path))
        target = tex_path.with_suffix(".pdf")
        shutil.copyfile(pdf, target)
    return target


def latex_errors(log: str, limit: int = 3) -> str:
    """The first ``limit`` errors of a TeX log: each ``!`` line with the ``l.N`` line that follows it."""
    lines = log.splitlines()
    out: list[str] = []
    for k, line in enumerate(lines):
        if line.startswith("!"):
            block = [line]
            for nxt in lines[k + 1:k + 8]:
                if nxt.startswith("l."):
                    block.append(nxt)
                    break
            out.append("\n".join("  " + b for b in block))
            if len(out) >= limit:
                break
    if not out:
        tail = [x for x in lines if x.strip()][-5:]
        return "\n".join("  " + x for x in tail)
    return "\n".join(out)
