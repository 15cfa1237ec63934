"""Running the integrity detectors: read what changed, detect (pure), sign, then one write a batch.

A run is **incremental**: a detector whose last run (its ``IntegrityRun`` watermark) has its
current version and inputs only looks at the papers changed since (``Paper.integrity_dirty``,
set by every writer); a detector never run, of a new version, or given another retraction list,
looks at every paper. It is **idempotent**: per paper and detector the findings the detector
sees now are compared with the stored ones -- a new evidence hash is *emitted*, a stored active
one no longer seen is *rescinded* (a new signed event; nothing is deleted), a rescinded one seen
again is *revived*, anything else is left alone. Re-running changes nothing.

Per batch of subjects: one query per detector for its inputs (bounded by the batch), the pure
``detect`` functions of :mod:`pith_graph.core.integrity`, every event signed outside the
transaction, then ONE transaction (:func:`pith_graph.store.integrity.apply_batch`) writing the
events with their log leaves, the finding nodes and the cleared markers.

``shingle_duplication`` compares each subject only with the candidates a MinHash LSH index of
the whole registry returns (built once per run from signatures cached on the papers), never all
pairs; the candidates of a changed paper are re-examined too, so both sides of a pair agree.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from neo4j import AsyncDriver

from pith_graph.core.events import SignedEvent
from pith_graph.core.integrity import DETECTORS, Finding
from pith_graph.core.integrity import citation_time_order as cto
from pith_graph.core.integrity import cited_work_retraction as cwr
from pith_graph.core.integrity import doi_compliance as dc
from pith_graph.core.integrity import metadata_conflict as mc
from pith_graph.core.integrity import shingle_duplication as sd
from pith_graph.core.integrity import submission_date_mismatch as sdm
from pith_graph.core.integrity import unresolvable_identifier as ui
from pith_graph.core.integrity.events import sign_emission, sign_rescission
from pith_graph.core.integrity.payload import emission_payload
from pith_graph.core.receipts import format_receipt_time
from pith_graph.core.signing import SigningKey
from pith_graph.service.errors import ServiceError
from pith_graph.store import integrity as store
from pith_graph.store.events import EventConflict

__all__ = [
    "ALWAYS_ON",
    "RetractionList",
    "RunProgress",
    "RunReport",
    "UnknownDetector",
    "load_retraction_list",
    "run_integrity",
]

# Detectors every run applies; cited_work_retraction needs the operator's list.
ALWAYS_ON = tuple(d for d in DETECTORS if d != cwr.NAME)
SIGNATURE_VERSION = f"{sd.VERSION}/{sd.SHINGLE_WORDS}/{sd.NUM_PERM}/{sd.SEED}"
_BATCH = 500
_INDEX_PAGE = 5000


class UnknownDetector(ServiceError):
    code = "BAD_INPUT"


@dataclass(frozen=True)
class RetractionList:
    """An operator-supplied Retraction Watch CSV, parsed, with the hash of its bytes."""

    path: str
    sha256: str
    table: Mapping[str, cwr.Retraction]


def load_retraction_list(path: str | Path) -> RetractionList:
    """Read and parse the CSV; raises ``OSError``/``ValueError`` naming the problem."""
    data = Path(path).read_bytes()
    table = cwr.parse_retraction_csv(data.decode("utf-8-sig", errors="replace"))
    return RetractionList(str(Path(path).resolve()), hashlib.sha256(data).hexdigest(), table)


class RunProgress(Protocol):
    def start(self, total: int, description: str) -> None: ...
    def advance(self, n: int) -> None: ...
    def finish(self) -> None: ...


class _Quiet:
    def start(self, total: int, description: str) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class RunReport:
    detectors: list[str]
    full: list[str]
    subjects: int = 0
    emitted: Counter[str] = field(default_factory=Counter)
    rescinded: Counter[str] = field(default_factory=Counter)
    revived: Counter[str] = field(default_factory=Counter)
    active: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return sum(self.emitted.values()) + sum(self.rescinded.values()) + sum(self.revived.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "detectors": self.detectors,
            "full": self.full,
            "subjects": self.subjects,
            "emitted": dict(self.emitted),
            "rescinded": dict(self.rescinded),
            "revived": dict(self.revived),
            "active": self.active,
            "seconds": round(self.seconds, 3),
        }


def _select(detectors: Sequence[str] | None, retractions: RetractionList | None) -> list[str]:
    if detectors:
        unknown = sorted(set(detectors) - set(DETECTORS))
        if unknown:
            raise UnknownDetector(
                f"unknown detector(s) {unknown}; the detectors are {sorted(DETECTORS)}"
            )
        if cwr.NAME in detectors and retractions is None:
            raise UnknownDetector(
                f"{cwr.NAME} needs a retraction list: --retractions FILE (Retraction Watch CSV)"
            )
        return [d for d in DETECTORS if d in detectors]
    return [d for d in DETECTORS if d != cwr.NAME or retractions is not None]


class _Shingles:
    """The run's LSH index of the registry's latest versions."""

    def __init__(self) -> None:
        self.index = sd.DuplicateIndex()

    async def build(self, driver: AsyncDriver, database: str) -> None:
        after: str | None = None
        while True:
            rows = await store.shingle_index_rows(driver, database, after=after, limit=_INDEX_PAGE)
            if not rows:
                return
            fresh = []
            for row in rows:
                sig = row["minhash"]
                if sig is None or len(sig) != sd.NUM_PERM:
                    sig = sd.signature(sd.shingles(row["title"] or "", row["abstract"] or ""))
                    fresh.append({"pith": row["pith"], "minhash": sig, "version": SIGNATURE_VERSION})
                self.index.add(row["pith"], row["arxiv_id"], sig)
            await store.store_signatures(driver, database, fresh)
            after = rows[-1]["pith"]

    def candidates(self, row: Mapping[str, Any]) -> list[str]:
        sig = row.get("minhash")
        if sig is None or len(sig) != sd.NUM_PERM:
            sig = sd.signature(sd.shingles(row["title"] or "", row["abstract"] or ""))
        return self.index.candidates(row["pith"], row["arxiv_id"], list(sig))


def _text(row: Mapping[str, Any]) -> sd.Text:
    return sd.Text(row["pith"], row["arxiv_id"], row["title"] or "", row["abstract"] or "")


async def _detect(
    driver: AsyncDriver,
    database: str,
    plan: Mapping[str, set[str]],
    shingles: _Shingles | None,
    retractions: RetractionList | None,
) -> dict[tuple[str, str], list[Finding]]:
    """Findings per (subject, detector) for the detectors ``plan`` names per subject."""
    by_detector: dict[str, list[str]] = {}
    for pith, names in plan.items():
        for name in names:
            by_detector.setdefault(name, []).append(pith)
    found: list[Finding] = []
    if cto.NAME in by_detector:
        rows = await store.citation_dates(driver, database, by_detector[cto.NAME])
        found += cto.detect(
            cto.CitationDates(
                r["citing_pith"], r["citing_id"], r["citing_version"], r["citing_at"],
                r["cited_pith"], r["cited_id"], r["cited_v1"],
            )
            for r in rows
        )
    wants_refs = {ui.NAME, dc.NAME, cwr.NAME} & set(by_detector)
    if wants_refs:
        piths = sorted({p for n in wants_refs for p in by_detector[n]})
        rows = await store.reference_identifiers(driver, database, piths)
        for r in rows:
            works = sorted(r["works"], key=lambda w: (w["position"] or 0, w["kind"], w["value"]))
            if r["pith"] in plan and ui.NAME in plan[r["pith"]]:
                found += ui.detect(
                    ui.Reference(r["pith"], w["kind"], w["value"], w["position"]) for w in works
                )
            if r["pith"] in plan and dc.NAME in plan[r["pith"]]:
                uses = [dc.DoiUse(r["pith"], r["own_doi"], "paper")] if r["own_doi"] else []
                uses += [
                    dc.DoiUse(r["pith"], w["value"], "reference", w["position"])
                    for w in works
                    if w["kind"] == "doi"
                ]
                found += dc.detect(uses)
            if retractions is not None and r["pith"] in plan and cwr.NAME in plan[r["pith"]]:
                cited = [w for w in works if w["kind"] == "doi"] + list(r["cited_dois"])
                found += cwr.detect(
                    (cwr.CitedDoi(r["pith"], w["value"], w["position"]) for w in cited),
                    retractions.table,
                )
    if sdm.NAME in by_detector:
        rows = await store.paper_dates(driver, database, by_detector[sdm.NAME])
        found += sdm.detect(sdm.PaperDate(r["pith"], r["arxiv_id"], r["submitted_at"]) for r in rows)
    if mc.NAME in by_detector:
        rows = await store.source_claims(driver, database, by_detector[mc.NAME])
        found += mc.detect(
            mc.SourceConflict(
                r["pith"], r["registered"], r["registered_sha256"], r["other"], r["other_sha256"]
            )
            for r in rows
        )
    if sd.NAME in by_detector and shingles is not None:
        rows = await store.texts(driver, database, by_detector[sd.NAME])
        subjects = [r for r in rows if r["latest"]]  # older versions: no pair (rescinds any)
        candidates = {r["pith"]: shingles.candidates(r) for r in subjects}
        wanted = sorted({c for cs in candidates.values() for c in cs})
        others = {r["pith"]: _text(r) for r in await store.texts(driver, database, wanted)}
        others.update({r["pith"]: _text(r) for r in subjects})
        found += sd.detect([_text(r) for r in subjects], candidates, others)
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in found:
        if f.detector in plan.get(f.subject, ()):
            out.setdefault((f.subject, f.detector), []).append(f)
    return out


def _related(evidence: Mapping[str, Any]) -> str | None:
    value = evidence.get("duplicate_pith_number") or evidence.get("cited_pith_number")
    return str(value) if value else None


async def _apply(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    plan: Mapping[str, set[str]],
    tokens: Mapping[str, str | None],
    clear: bool,
    shingles: _Shingles | None,
    retractions: RetractionList | None,
    clock: Callable[[], datetime],
    report: RunReport,
) -> None:
    current = await _detect(driver, database, plan, shingles, retractions)
    for attempt in range(4):
        stored = await store.findings_by_subject(driver, database, sorted(plan))
        now = clock()
        stamp = format_receipt_time(now)
        events: list[SignedEvent] = []
        rows: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        counts: dict[str, Counter[str]] = {"emitted": Counter(), "rescinded": Counter(), "revived": Counter()}
        known = {s["evidence_hash"]: s for s in stored}
        for pith, names in plan.items():
            for name in names:
                seen = {f.hash: f for f in current.get((pith, name), [])}
                for h, finding in seen.items():
                    s = known.get(h)
                    if s is not None and s["active"]:
                        continue
                    generation = 0 if s is None else int(s["generation"]) + 1
                    event = sign_emission(finding, key, generation=generation, now=now)
                    events.append(event)
                    checks.append({"evidence_hash": h, "generation": generation - 1})
                    rows.append(_row(finding.subject, emission_payload(finding), event, event, True, generation, stamp))
                    counts["emitted" if s is None else "revived"][name] += 1
                for s in stored:
                    if s["subject"] != pith or s["detector"] != name or not s["active"]:
                        continue
                    if s["evidence_hash"] in seen:
                        continue
                    generation = int(s["generation"]) + 1
                    event = sign_rescission(
                        pith, s["payload"], s["event_id"], key, generation=generation, now=now
                    )
                    events.append(event)
                    checks.append({"evidence_hash": s["evidence_hash"], "generation": generation - 1})
                    rows.append(_row(pith, s["payload"], None, event, False, generation, stamp, s["event_id"]))
                    counts["rescinded"][name] += 1
        cleared = (
            [{"pith": p, "token": t} for p, t in tokens.items() if t is not None and p in plan]
            if clear
            else []
        )
        try:
            await store.apply_batch(
                driver,
                database,
                events=events,
                findings=rows,
                checks=checks,
                cleared=cleared,
                accepted_at=stamp,
                token=uuid.uuid4().hex,
            )
        except (store.StaleFindings, EventConflict):
            if attempt == 3:
                raise
            continue
        report.emitted.update(counts["emitted"])
        report.rescinded.update(counts["rescinded"])
        report.revived.update(counts["revived"])
        return


def _row(
    subject: str,
    payload: Mapping[str, Any],
    emission: SignedEvent | None,
    last: SignedEvent,
    active: bool,
    generation: int,
    stamp: str,
    emission_id: str | None = None,
) -> dict[str, Any]:
    return {
        "subject": subject,
        "evidence_hash": payload["evidence_hash"],
        "detector": payload["detector"],
        "detector_version": payload["detector_version"],
        "finding_type": payload["finding_type"],
        "severity": payload["severity"],
        "verdict_class": last.payload["verdict_class"],
        "active": active,
        "generation": generation,
        "event_id": emission.event_id if emission is not None else emission_id,
        "last_event_id": last.event_id,
        "audited_at": emission.created_at if emission is not None else None,
        "payload_json": json.dumps(dict(payload), sort_keys=True, ensure_ascii=False),
        "related": _related(payload["evidence"]),
        "now": stamp,
    }


async def _shingle_partners(
    driver: AsyncDriver, database: str, dirty: Iterable[str], shingles: _Shingles
) -> set[str]:
    """Papers whose shingle findings may change because ``dirty`` papers did: their LSH
    candidates, and the holders of findings that name them."""
    dirty = list(dirty)
    out: set[str] = set()
    for i in range(0, len(dirty), _BATCH):
        chunk = dirty[i : i + _BATCH]
        for row in await store.texts(driver, database, chunk):
            if row["latest"]:
                out.update(shingles.candidates(row))
        out.update(await store.shingle_finding_holders(driver, database, chunk))
    return out - set(dirty)


async def run_integrity(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    *,
    detectors: Sequence[str] | None = None,
    retractions: RetractionList | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: RunProgress | None = None,
    batch_size: int = _BATCH,
) -> RunReport:
    """Run the detectors (all by default) incrementally; return what changed."""
    started = time.monotonic()
    progress = progress or _Quiet()
    runs = {r["name"]: r for r in await store.detector_runs(driver, database)}
    if retractions is None and cwr.NAME in runs and runs[cwr.NAME].get("input_path"):
        try:  # the list of the last run, if the operator still has it where it was
            retractions = load_retraction_list(runs[cwr.NAME]["input_path"])
        except (OSError, ValueError):
            retractions = None
    selected = _select(detectors, retractions)

    def input_sha(name: str) -> str | None:
        return retractions.sha256 if name == cwr.NAME and retractions is not None else None

    full = [
        d
        for d in selected
        if d not in runs
        or runs[d]["version"] != DETECTORS[d]
        or (d == cwr.NAME and runs[d].get("input_sha256") != input_sha(d))
    ]
    report = RunReport(detectors=selected, full=full)
    # A dirty marker may be cleared once every detector that reads it has seen the paper.
    clear = set(ALWAYS_ON) <= set(selected)
    shingles: _Shingles | None = None
    if sd.NAME in selected:
        shingles = _Shingles()
        await shingles.build(driver, database)
    everything = bool(full)
    total = await store.count_subjects(driver, database, everything=everything)
    progress.start(total, "integrity: " + ("full run" if everything else "changed papers"))
    incremental = [d for d in selected if d not in full]
    dirty_seen: list[str] = []
    after: str | None = None
    while True:
        page = await store.subject_page(
            driver, database, everything=everything, after=after, limit=batch_size
        )
        if not page:
            break
        after = page[-1][0]
        plan = {
            pith: set(full) | (set(incremental) if token is not None else set())
            for pith, token in page
        }
        plan = {p: names for p, names in plan.items() if names}
        dirty_seen += [p for p, t in page if t is not None]
        if plan:
            await _apply(
                driver, database, key, plan, dict(page), clear, shingles, retractions, clock, report
            )
        report.subjects += len(page)
        progress.advance(len(page))
    # Both sides of a near-duplicate pair: the partners of changed papers, for that detector.
    if shingles is not None and sd.NAME in incremental and dirty_seen:
        partners = sorted(await _shingle_partners(driver, database, dirty_seen, shingles))
        for i in range(0, len(partners), batch_size):
            chunk = partners[i : i + batch_size]
            plan = {p: {sd.NAME} for p in chunk}
            await _apply(
                driver, database, key, plan, {}, False, shingles, retractions, clock, report
            )
            report.subjects += len(chunk)
    progress.finish()
    ran_at = format_receipt_time(clock())
    await store.save_runs(
        driver,
        database,
        [
            {
                "name": d,
                "version": DETECTORS[d],
                "ran_at": ran_at,
                "status": "completed",
                "input_sha256": input_sha(d),
                "input_path": retractions.path if d == cwr.NAME and retractions else None,
            }
            for d in selected
        ],
    )
    report.active = {
        r["name"]: int(r["findings_count"] or 0) for r in await store.detector_runs(driver, database)
    }
    report.seconds = time.monotonic() - started
    return report
