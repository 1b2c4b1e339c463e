"""Run mutants through the kernel and numeric verification, and classify them.

For each mutant (:mod:`derive.audit.mutate`):

1. **Structure.** A mutant the core refuses to build, or that :meth:`Proof.validate` refuses
   (a dropped hypothesis still named, a cycle, an unknown rule), is *killed*.
2. **Kernel.** The changed steps are checked first with the kernel's own
   :func:`~derive.kernel.check_step` on exactly the :class:`~derive.kernel.StepContext` that
   :func:`~derive.kernel.check_proof` builds (premise claims, the hypotheses used, domains,
   units, the untrusted prover as oracle). When every changed step is rejected the mutant is
   *killed* without looking further. Otherwise every step is checked (unchanged contexts come
   from a cache) and the theorem is composed by :func:`~derive.kernel.check_proof` on a proof
   holding only the theorem and the claims it is composed from (the kernel composes from the
   listed claims alone; step statuses are combined separately, as here).
3. **Numbers.** Every statement the kernel accepted (``proved``/``assumed``, resting only on
   accepted steps) whose meaning changed — its claim or arguments, or the hypotheses under it —
   is tested by :func:`~derive.numeric.verify.verify_proof` on a few exact models of the
   mutant's hypotheses, ``assume`` hypotheses being premises (models where one is false are
   skipped).
4. **Verdict.** *survivor*: an accepted statement is false on a model (a soundness bug; it is
   confirmed with the full :func:`derive.checking.check` before it is reported; ``certified`` says
   whether the violation is certified by interval arithmetic or only numerical — a suspected bug); *accepted_true*:
   the mutated step (or theorem) and the proof are accepted and no counterexample was found;
   *killed*: everything else (the mutated step, the theorem or the proof rejected).

The shortcut in step 2 is an optimization only: :func:`audit_proof` with ``full_check=True``
(``derive audit --full-check``) runs :func:`derive.checking.check` on every mutant that passes
structure and reports any disagreement as an error.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from derive.audit.mutate import Mutant, clone_proof, generate_mutants
from derive.errors import DeriveError, ProofError
from derive.proof import Proof, Step, Theorem

__all__ = ["MutantResult", "ProofAudit", "AuditReport", "audit_proof", "audit_paths", "KILLED", "ACCEPTED_TRUE",
           "SURVIVOR", "DEFAULT_SAMPLES"]

KILLED, ACCEPTED_TRUE, SURVIVOR = "killed", "accepted_true", "survivor"
ACCEPTED = ("proved", "assumed")

#: Models per verification of an accepted mutant (``--samples``).
DEFAULT_SAMPLES = 12

#: Decimal digits of the mpmath confirmation in verification (the audit needs no more).
AUDIT_DPS = 30


@dataclass
class MutantResult:
    """The verdict on one mutant (plain data: JSON-ready, picklable)."""

    id: str
    operator: str
    target: str
    description: str
    verdict: str
    reason: str
    kernel: dict[str, str] = field(default_factory=dict)
    verified: list[str] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    failing: str | None = None
    counterexample: dict | None = None
    counterexample_text: str | None = None
    certified: bool | None = None
    proof_text: str | None = None
    error: str | None = None
    mutated_accepted: bool | None = None
    proof_accepted: bool | None = None

    def to_json(self) -> dict:
        out = {"id": self.id, "operator": self.operator, "target": self.target, "description": self.description,
               "verdict": self.verdict, "reason": self.reason}
        if self.kernel:
            out["kernel"] = dict(self.kernel)
        if self.verified:
            out["verified"] = list(self.verified)
        if self.untested:
            out["untested"] = list(self.untested)
        if self.failing is not None:
            out["step"] = self.failing
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample
        if self.certified is not None:
            out["certified"] = self.certified  # a certified violation, or a numerical one that is not certified
        if self.proof_text is not None:
            out["proof_text"] = self.proof_text
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass
class ProofAudit:
    """Every mutant's verdict for one proof."""

    file: str | None
    name: str
    base_status: str
    results: list[MutantResult]
    seconds: float = 0.0
    error: str | None = None

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.results if r.verdict == verdict)

    def to_json(self) -> dict:
        out = {"file": self.file, "name": self.name, "base_status": self.base_status, "mutants": len(self.results),
               "killed": self.count(KILLED), "accepted_true": self.count(ACCEPTED_TRUE),
               "survivors": self.count(SURVIVOR), "seconds": round(self.seconds, 2)}
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class AuditReport:
    """The audit of several proofs: counts, kill rate, survivors."""

    proofs: list[ProofAudit]
    seed: int
    samples: int
    seconds: float = 0.0

    @property
    def results(self) -> list[MutantResult]:
        return [r for p in self.proofs for r in p.results]

    def count(self, verdict: str) -> int:
        return sum(p.count(verdict) for p in self.proofs)

    @property
    def mutants(self) -> int:
        return len(self.results)

    @property
    def kill_rate(self) -> float:
        """Killed mutants over all mutants (accepted-and-true mutants are not failures, only not kills)."""
        return self.count(KILLED) / self.mutants if self.mutants else 0.0

    def survivors(self) -> list[tuple[ProofAudit, MutantResult]]:
        return [(p, r) for p in self.proofs for r in p.results if r.verdict == SURVIVOR]

    def errors(self) -> list[tuple[ProofAudit, MutantResult]]:
        return [(p, r) for p in self.proofs for r in p.results if r.error]

    def by_operator(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self.results:
            row = out.setdefault(r.operator, {"mutants": 0, KILLED: 0, ACCEPTED_TRUE: 0, SURVIVOR: 0})
            row["mutants"] += 1
            row[r.verdict] += 1
        return dict(sorted(out.items()))

    def to_json(self) -> dict:
        survivors = []
        for p, r in self.survivors():
            js = r.to_json()
            js["file"] = p.file
            js["proof"] = p.name
            survivors.append(js)
        return {
            "mutants": self.mutants,
            "killed": self.count(KILLED),
            "accepted_true": self.count(ACCEPTED_TRUE),
            "survivors": survivors,
            "kill_rate": round(self.kill_rate, 4),
            "untested": sum(1 for r in self.results if r.verdict == ACCEPTED_TRUE and r.untested and not r.verified),
            "seed": self.seed,
            "samples": self.samples,
            "seconds": round(self.seconds, 2),
            "proofs": [p.to_json() for p in self.proofs],
            "operators": self.by_operator(),
            "accepted": [dict(r.to_json(), proof=p.name) for p in self.proofs for r in p.results
                         if r.verdict == ACCEPTED_TRUE],
            "errors": [dict(r.to_json(), proof=p.name) for p, r in self.errors()],
        }


# ----------------------------------------------------------------------------- hashing kernel inputs

def _frozen(v: Any) -> Any:
    if isinstance(v, dict) or hasattr(v, "items"):
        return tuple(sorted((str(k), _frozen(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return tuple(_frozen(x) for x in v)
    return v


def _premise_claims(proof: Proof, step: Step, claims: dict[str, Any]) -> tuple:
    return tuple((p, claims[p]) for p in step.premises if p not in proof.hypotheses)


def _context_key(proof: Proof) -> tuple:
    """What every step's check sees besides the step: the units and the parameters' symbols and domains."""
    return (proof.units, tuple((n, p.symbol, p.domain) for n, p in proof.parameters.items()))


def _domains(proof: Proof) -> dict:
    return {p.symbol: p.domain for p in proof.parameters.values()}


def _step_key(proof: Proof, step: Step, claims: dict[str, Any]) -> tuple:
    hyps = tuple((p, proof.hypotheses[p]) for p in step.premises if p in proof.hypotheses)
    return (step.id, step.rule, step.claim, _frozen(step.args), _premise_claims(proof, step, claims), hyps,
            _context_key(proof))


def _theorem_key(proof: Proof) -> tuple:
    th = proof.theorem
    claims = {s.id: s.claim for s in proof.steps}
    parts = tuple((sid, claims.get(sid), proof.hypotheses.get(sid)) for sid in th.from_steps)
    return (th.claim, parts, _context_key(proof))


# ----------------------------------------------------------------------------- the auditor of one proof

class _Auditor:
    """Kernel and verification caches for one base proof and its mutants."""

    def __init__(self, proof: Proof, *, samples: int, seed: int, full_check: bool = False,
                 shrink: bool = True) -> None:
        from derive.checking import check
        from derive.kernel.rules import rule_names
        from derive.provers.certificate_search import default_oracle

        self.proof = proof
        self.samples = samples
        self.seed = seed
        self.full_check = full_check
        self.shrink = shrink
        self.rule_names = rule_names()
        self.oracle = default_oracle(use_prover=True)
        self.step_cache: dict[tuple, tuple[str, str]] = {}
        self.theorem_cache: dict[tuple, tuple[str, str]] = {}
        self.verify_cache: dict[tuple, Any] = {}
        self.base = check(proof, use_prover=True)
        self.base_claims = {s.id: s.claim for s in proof.steps}
        self.base_args = {s.id: _frozen(s.args) for s in proof.steps}
        self.base_status = self.base.status
        # prime the caches with the base proof (and check that the shortcut agrees with the kernel)
        statuses = self._step_statuses(proof, [s.id for s in proof.steps])
        self.fast_base_disagrees = [s.id for s in self.base.report.steps
                                    if (s.status in ACCEPTED) != (statuses[s.id][0] in ACCEPTED)]

    # kernel ---------------------------------------------------------------------
    def _check_step(self, proof: Proof, step: Step, claims: dict[str, Any]) -> tuple[str, str]:
        from derive.kernel import StepContext, check_step

        key = _step_key(proof, step, claims)
        hit = self.step_cache.get(key)
        if hit is not None:
            return hit
        stmts = {p: claims[p] for p in step.premises if p not in proof.hypotheses}
        hyps = {p: proof.hypotheses[p] for p in step.premises if p in proof.hypotheses}
        ctx = StepContext(step.id, step.rule, step.claim, dict(step.args), stmts, hyps, _domains(proof), proof.units)
        try:
            out = check_step(ctx, self.oracle)
            res = (out.status, (out.detail or "")[:200])
        except ProofError as err:
            res = ("failed", f"{type(err).__name__}: {err.message}"[:300])
        self.step_cache[key] = res
        return res

    def _step_statuses(self, proof: Proof, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        claims = {s.id: s.claim for s in proof.steps}
        by_id = {s.id: s for s in proof.steps}
        return {i: self._check_step(proof, by_id[i], claims) for i in ids}

    def _theorem_status(self, proof: Proof) -> tuple[str, str]:
        """The kernel's verdict on composing the theorem from the listed claims (cached)."""
        from derive.kernel import check_proof

        key = _theorem_key(proof)
        hit = self.theorem_cache.get(key)
        if hit is not None:
            return hit
        th = proof.theorem
        shell = clone_proof(proof)
        # the theorem's composition reads only the listed steps' claims; `substitute` without premises
        # is refused at once, so the shell's own step verdicts cost nothing (and are ignored)
        shell.steps = [Step(s.id, s.claim, "substitute") for s in proof.steps if s.id in th.from_steps]
        shell.theorem = Theorem(th.claim, th.from_steps, th.line, th.name)
        rep = check_proof(shell, oracle=self.oracle)
        res = (rep.theorem.status, rep.theorem.message[:300])
        self.theorem_cache[key] = res
        return res

    # verification -----------------------------------------------------------------
    def _verify(self, proof: Proof, targets: list[str]) -> Any:
        from derive.numeric.verify import verify_proof

        g = proof.graph()
        keep: set[str] = set()
        for t in targets:
            if t == "theorem":
                for sid in proof.theorem.from_steps:
                    keep.add(sid)
                    if sid in g:
                        keep |= nx.ancestors(g, sid)
            else:
                keep.add(t)
                keep |= nx.ancestors(g, t)
        vp = clone_proof(proof)
        vp.steps = [s for s in proof.steps if s.id in keep]
        vp.theorem = proof.theorem if "theorem" in targets else None
        key = (_context_key(vp), tuple(sorted(vp.hypotheses.items(), key=lambda kv: kv[0])),
               tuple((s.id, s.claim, s.rule, s.premises, _frozen(s.args)) for s in vp.steps),
               (vp.theorem.claim, vp.theorem.from_steps) if vp.theorem else None)
        hit = self.verify_cache.get(key)
        if hit is None:
            try:
                hit = verify_proof(vp, samples=self.samples, seed=self.seed, dps=AUDIT_DPS, shrink=self.shrink)
            except DeriveError as err:
                hit = err
            self.verify_cache[key] = hit
        return hit

    # one mutant ---------------------------------------------------------------------
    def run(self, m: Mutant) -> MutantResult:
        res = MutantResult(m.id, m.operator, m.target, m.description, KILLED, "")
        if m.proof is None:
            res.reason = f"refused by the core: {m.refused}"
            return res
        q = m.proof
        try:
            q.validate(self.rule_names)
        except DeriveError as err:
            res.reason = f"structure refused: {type(err).__name__}: {err.message}"
            return res
        try:
            res = self._classify(m, q, res)
            if self.full_check and res.error is None:
                self._cross_check(m, res)
            return res
        except DeriveError as err:
            res.reason = f"refused: {type(err).__name__}: {err.message}"
            return res
        except RecursionError:
            res.reason = "refused: recursion too deep"
            return res
        except Exception as err:  # noqa: BLE001 - a crash is a finding, reported with the mutant
            res.reason = f"internal error: {type(err).__name__}: {err}"
            res.error = f"{type(err).__name__}: {err}"
            return res

    def _classify(self, m: Mutant, q: Proof, res: MutantResult) -> MutantResult:
        users = {s.id for s in q.steps if set(s.premises) & set(m.changed_hypotheses)}
        dirty = [s.id for s in q.steps if s.id in set(m.changed_steps) | users]
        statuses = self._step_statuses(q, dirty)
        res.kernel = {k: v[0] for k, v in statuses.items()}
        if (dirty and not m.changed_theorem and not m.changed_hypotheses
                and all(v[0] not in ACCEPTED for v in statuses.values())):
            first = dirty[0]
            res.reason = f"step {first} rejected: {statuses[first][1]}"
            res.mutated_accepted = False
            return res
        # every step (cached), dependencies, the theorem
        statuses = self._step_statuses(q, [s.id for s in q.steps])
        g = nx.DiGraph()
        for s in q.steps:
            g.add_node(s.id)
            for p in s.premises:
                if p not in q.hypotheses:
                    g.add_edge(p, s.id)
        ok = {sid for sid, (st, _) in statuses.items()
              if st in ACCEPTED and all(statuses[a][0] in ACCEPTED for a in nx.ancestors(g, sid))}
        theorem_status = None
        affected = set(dirty)
        for d in dirty:
            affected |= nx.descendants(g, d)
        if q.theorem is not None:
            theorem_status = self._theorem_status(q)
            res.kernel["theorem"] = theorem_status[0]
            needed: set[str] = set()
            for sid in q.theorem.from_steps:
                if sid in g:
                    needed |= {sid} | nx.ancestors(g, sid)
            proof_ok = theorem_status[0] == "proved" and needed <= ok
            theorem_affected = m.changed_theorem or bool(needed & affected) or bool(
                set(q.theorem.from_steps) & set(m.changed_hypotheses))
        else:
            proof_ok = len(ok) == len(q.steps)
            theorem_affected = False
        # which accepted statements changed meaning
        hyps_changed = bool(m.changed_hypotheses) or m.changed_context
        targets = []
        for s in q.steps:
            if s.id not in ok:
                continue
            if s.id in m.changed_steps or (hyps_changed and s.id in affected):
                if (hyps_changed or s.claim != self.base_claims.get(s.id)
                        or _frozen(s.args) != self.base_args.get(s.id)):
                    targets.append(s.id)
        if q.theorem is not None and proof_ok and theorem_affected:
            if hyps_changed or q.theorem.claim != self.proof.theorem.claim:
                targets.append("theorem")
        # was the mutated thing accepted?
        if m.changed_context:
            mutated_ok = proof_ok
            what = "the proof"
        elif m.changed_theorem:
            mutated_ok = theorem_status is not None and theorem_status[0] == "proved"
            what = "the theorem"
        elif m.changed_steps and not m.changed_hypotheses:
            mutated_ok = all(sid in ok for sid in m.changed_steps)
            what = f"step {', '.join(m.changed_steps)}"
        else:
            mutated_ok = proof_ok
            what = "the proof"
        res.mutated_accepted, res.proof_accepted = mutated_ok, proof_ok
        if targets:
            vr = self._verify(q, targets)
            if isinstance(vr, DeriveError):
                res.untested = list(targets)
                note = f"not verified ({type(vr).__name__}: {vr.message})"
            else:
                note = ""
                for t in targets:
                    row = vr.get(t)
                    if row.status in ("failed", "suspected"):  # suspected: not certified, labeled so
                        return self._survivor(q, res, t, row)
                    (res.verified if row.status == "tested" else res.untested).append(t)
        else:
            note = ""
        if mutated_ok and proof_ok:
            res.verdict = ACCEPTED_TRUE
            res.reason = ("accepted by the kernel; " + (
                f"no counterexample on {self.samples} models ({', '.join(res.verified)})" if res.verified
                else "its statements did not change meaning" if not targets else note or "not testable numerically"))
            return res
        order = [s.id for s in q.steps]
        rejected = [sid for sid in order if sid not in ok and statuses[sid][0] not in ACCEPTED]
        theorem_bad = theorem_status is not None and theorem_status[0] != "proved"

        def why_proof() -> str:
            if rejected:
                return f"step {rejected[0]} rejected: {statuses[rejected[0]][1]}"
            if theorem_bad:
                return f"the theorem rejected: {theorem_status[1]}"
            return "the proof is not proved"

        if not mutated_ok:
            if m.changed_theorem and not m.changed_context:
                res.reason = f"the theorem rejected: {theorem_status[1]}" if theorem_status else "the theorem rejected"
            elif m.changed_steps and not m.changed_hypotheses and not m.changed_context:
                bad = [sid for sid in m.changed_steps if sid not in ok]
                res.reason = f"step {bad[0]} rejected: {statuses[bad[0]][1]}"
            else:
                res.reason = f"the proof rejected: {why_proof()}"
        else:
            res.reason = f"{what} accepted, but the proof is not: {why_proof()}"
        return res

    def _survivor(self, q: Proof, res: MutantResult, target: str, row: Any) -> MutantResult:
        from derive.checking import check

        full = check(q, use_prover=True)
        rows = {s.id: s for s in full.report.steps}
        if full.report.theorem is not None:
            rows["theorem"] = full.report.theorem
        kernel = rows.get(target)
        if kernel is None or kernel.status not in ACCEPTED or kernel.depends_on_unproved or (
                target == "theorem" and full.status != "proved"):
            # the shortcut disagreed with the full check: report it as an internal error, not a survivor
            res.verdict = KILLED
            res.error = (f"the audit's kernel shortcut accepted {target} but derive.checking.check says "
                         f"{kernel.status if kernel else 'nothing'}")
            res.reason = f"internal error: {res.error}"
            return res
        res.verdict = SURVIVOR
        res.failing = target
        ce = row.counterexample
        res.counterexample = ce.to_json() if ce is not None else None
        res.counterexample_text = ce.text() if ce is not None else None
        res.certified = row.status == "failed" and ce is not None and ce.certified
        if res.certified:
            res.reason = (f"KERNEL SOUNDNESS BUG: {target} is {kernel.status} by the kernel but false on a model of "
                          f"the hypotheses (certified violation): {row.claim}")
        else:
            res.reason = (f"SUSPECTED KERNEL SOUNDNESS BUG: {target} is {kernel.status} by the kernel but looks false "
                          f"on a model of the hypotheses (numerical violation, not certified): {row.claim}")
        try:
            from derive.io import write_proof

            res.proof_text = write_proof(q)
        except (DeriveError, Exception):  # noqa: BLE001 - printing must never hide a survivor
            res.proof_text = None
        return res

    def _cross_check(self, m: Mutant, res: MutantResult) -> None:
        """Compare the shortcut's verdicts with :func:`derive.checking.check` on the whole mutant."""
        from derive.checking import check

        try:
            full = check(m.proof, use_prover=True)
        except DeriveError as err:
            if res.mutated_accepted or res.proof_accepted:
                res.error = f"the shortcut accepted the mutant but derive.checking.check refused it: {err.message}"
            return
        rows = {s.id: s for s in full.report.steps}
        if full.report.theorem is not None:
            rows["theorem"] = full.report.theorem
        problems = []
        if res.proof_accepted is not None and res.proof_accepted != (full.status == "proved"):
            problems.append(f"proof accepted {res.proof_accepted} but check() says {full.status}")
        if res.mutated_accepted is not None and m.changed_steps and not (
                m.changed_hypotheses or m.changed_theorem or m.changed_context):
            sid = m.changed_steps[0]
            ok = rows[sid].status in ACCEPTED and not rows[sid].depends_on_unproved
            if ok != res.mutated_accepted:
                problems.append(f"step {sid} accepted {res.mutated_accepted} but check() says {rows[sid].status}")
        if res.mutated_accepted is not None and m.changed_theorem and not m.changed_context:
            if res.mutated_accepted != (rows["theorem"].status == "proved"):
                problems.append(f"theorem accepted {res.mutated_accepted} but check() says {rows['theorem'].status}")
        if problems:
            res.error = "the audit's shortcut disagrees with derive.checking.check: " + "; ".join(problems)

def audit_proof(proof: Proof, *, seed: int = 0, max_mutants: int | None = None, samples: int = DEFAULT_SAMPLES,
                full_check: bool = False, mutants: list[Mutant] | None = None, shrink: bool = True) -> ProofAudit:
    """Mutate ``proof`` and classify every mutant (see the module docstring).

    Parameters
    ----------
    proof
        A proof the kernel accepts (mutants of a rejected proof say little; they are still classified).
    seed
        Seed of the mutant sample, of the rules tried by ``change_rule`` and of the verification draws.
    max_mutants
        At most this many mutants of this proof (a seeded sample); ``None``: all of them.
    samples
        Models per numeric verification of an accepted mutant.
    full_check
        Also run :func:`derive.checking.check` on every mutant that passes structure and report any
        disagreement with the shortcut as an error (several times slower).
    mutants
        The mutants to run (default: :func:`generate_mutants` of ``proof``).
    shrink
        Shrink the counterexamples of survivors (default ``True``).
    """
    start = time.monotonic()
    aud = _Auditor(proof, samples=samples, seed=seed, full_check=full_check, shrink=shrink)
    ms = mutants if mutants is not None else generate_mutants(proof, seed=seed, max_mutants=max_mutants)
    results = [aud.run(m) for m in ms]
    out = ProofAudit(proof.file, proof.name, aud.base_status, results, time.monotonic() - start)
    if aud.fast_base_disagrees:
        out.error = f"the kernel shortcut disagrees with check() on the unmutated steps {aud.fast_base_disagrees}"
    return out


def _audit_file(job: tuple) -> ProofAudit:
    path, seed, max_mutants, samples, shrink, full_check = job
    from derive.io import read_proof

    from derive.kernel.rules import rule_names

    try:
        proof = read_proof(path)
        proof.validate(rule_names())
        return audit_proof(proof, seed=seed, max_mutants=max_mutants, samples=samples, shrink=shrink,
                           full_check=full_check)
    except DeriveError as err:
        if err.file is None:
            err.file = str(path)
        return ProofAudit(str(path), Path(path).stem, "error", [], error=str(err))
    except RecursionError:
        return ProofAudit(str(path), Path(path).stem, "error", [],
                          error=f"{path}: the input nests too deeply to process")


def audit_paths(paths: Iterable[Any], *, seed: int = 0, max_mutants: int | None = None,
                samples: int = DEFAULT_SAMPLES, jobs: int = 1, shrink: bool = True,
                full_check: bool = False) -> AuditReport:
    """Audit every proof file under ``paths`` (files, or folders of ``*.toml``), ``jobs`` processes at a time."""
    from derive.io import find_proof_files

    start = time.monotonic()
    files = find_proof_files(list(paths))
    work = [(str(f), seed, max_mutants, samples, shrink, full_check) for f in files]
    if jobs > 1 and len(work) > 1:
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:  # pragma: no cover - platforms without fork
            ctx = multiprocessing.get_context()
        # the slowest proofs first, so the pool stays busy
        order = sorted(range(len(work)), key=lambda k: -_size_hint(work[k][0]))
        with ctx.Pool(min(jobs, len(work))) as pool:
            done = pool.map(_audit_file, [work[k] for k in order], chunksize=1)
        audits: list[ProofAudit] = [None] * len(work)  # type: ignore[list-item]
        for k, a in zip(order, done):
            audits[k] = a
    else:
        audits = [_audit_file(w) for w in work]
    return AuditReport(audits, seed, samples, time.monotonic() - start)


def _size_hint(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
