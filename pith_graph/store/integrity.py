"""Integrity findings in Neo4j: ``(:IntegrityFinding)``, ``(:IntegrityRun)``, ``(:SourceClaim)``.

- ``(:IntegrityFinding {evidence_hash})`` is unique (migration 0070): the same evidence is one
  finding. It mirrors the state its events say (``active``, ``generation`` = number of events so
  far - 1, the latest emission payload) so that pages and counts are one index read; the events
  themselves are ``(:Event)`` nodes written by :func:`pith_graph.store.events.insert_events`, in
  the same transaction, each with its transparency-log leaf.
- ``Paper.integrity_dirty`` is a token every writer of a paper or of its citations sets
  (``randomUUID()``); a run clears it only when it is still the token it read, so a write racing a
  run is seen by the next run.
- ``(:IntegrityRun {name})`` is a detector's watermark: version, time and input hash of its last
  run; another version (or another retraction list) means a full run of that detector.
- Writes of findings take the single ``(:IntegrityLock)`` node's write lock first and check each
  finding's generation is the one the run planned from: two runs at once cannot emit one event
  twice; the later one is told to re-plan (:class:`StaleFindings`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

from pith_graph.core.events import SignedEvent
from pith_graph.store._run import (
    read_async,
    tx_rows_async,
    write_async,
    write_sync,
    write_transaction_async,
)
from pith_graph.store.errors import StoreError
from pith_graph.store.events import RUN_FIELDS, insert_events

__all__ = [
    "StaleFindings",
    "apply_batch",
    "citation_dates",
    "count_subjects",
    "detector_runs",
    "findings_by_subject",
    "findings_page",
    "paper_dates",
    "record_source_claims",
    "reference_identifiers",
    "save_runs",
    "shingle_finding_holders",
    "shingle_index_rows",
    "source_claims",
    "store_signatures",
    "subject_page",
    "texts",
]


class StaleFindings(StoreError):
    """Another run changed some of these findings since they were read: plan the batch again."""


_RUNS: LiteralString = "MATCH (r:IntegrityRun) RETURN r " + RUN_FIELDS + " AS run ORDER BY r.name"

_SAVE_RUNS = """
UNWIND $rows AS row
MERGE (r:IntegrityRun {name: row.name})
SET r.version = row.version, r.ran_at = row.ran_at, r.status = row.status,
    r.input_sha256 = row.input_sha256, r.input_path = row.input_path,
    r.findings_count = COUNT { MATCH (f:IntegrityFinding {detector: row.name}) WHERE f.active }
"""

# Subjects in pith-number order: every paper, or only those changed since the last run.
_ALL_PAGE = """
MATCH (p:Paper) WHERE $after IS NULL OR p.pith_number > $after
RETURN p.pith_number AS pith, p.integrity_dirty AS token
ORDER BY p.pith_number LIMIT $limit
"""

_DIRTY_PAGE = """
MATCH (p:Paper) WHERE p.integrity_dirty IS NOT NULL AND ($after IS NULL OR p.pith_number > $after)
RETURN p.pith_number AS pith, p.integrity_dirty AS token
ORDER BY p.pith_number LIMIT $limit
"""

_COUNT_ALL = "MATCH (p:Paper) RETURN count(p) AS n"
_COUNT_DIRTY = "MATCH (p:Paper) WHERE p.integrity_dirty IS NOT NULL RETURN count(p) AS n"

_CITATION_DATES = """
UNWIND $piths AS pith
MATCH (c:Paper {pith_number: pith})-[:CITES]->(t:Paper)
RETURN c.pith_number AS citing_pith, c.source_id AS citing_id, c.version AS citing_version,
       coalesce(c.version_created_at,
                CASE WHEN c.version = 1 THEN c.submitted_at END) AS citing_at,
       t.pith_number AS cited_pith, t.source_id AS cited_id, t.submitted_at AS cited_v1
"""

# Unresolved references keep the identifier they were cited by; resolved ones the paper's DOI.
_REFERENCES = """
UNWIND $piths AS pith
MATCH (p:Paper {pith_number: pith})
RETURN p.pith_number AS pith, p.doi AS own_doi,
       [(p)-[r:CITES]->(w:Work) | {kind: w.kind, value: w.value, position: r.position}] AS works,
       [(p)-[r:CITES]->(t:Paper) WHERE t.doi IS NOT NULL |
            {kind: 'doi', value: t.doi, position: r.position}] AS cited_dois
"""

_PAPER_DATES = """
UNWIND $piths AS pith
MATCH (p:Paper {pith_number: pith})
RETURN p.pith_number AS pith, p.source_id AS arxiv_id, p.submitted_at AS submitted_at
"""

_SOURCE_CLAIMS = """
UNWIND $piths AS pith
MATCH (p:Paper {pith_number: pith})<-[:CLAIMS_VERSION_OF]-(c:SourceClaim)
RETURN p.pith_number AS pith, p.canonical_json AS registered_json,
       p.canonical_sha256 AS registered_sha256, c.canonical_json AS other_json,
       c.canonical_sha256 AS other_sha256
"""

_RECORD_CLAIMS = """
UNWIND $rows AS row
MATCH (p:Paper {canonical_sha256: row.paper_sha256})
MERGE (c:SourceClaim {paper_sha256: row.paper_sha256, canonical_sha256: row.canonical_sha256})
ON CREATE SET c.canonical_json = row.canonical_json, c.sources = [row.source],
              p.integrity_dirty = randomUUID()
ON MATCH SET c.sources = CASE WHEN row.source IN c.sources THEN c.sources
                              ELSE c.sources + row.source END
MERGE (c)-[:CLAIMS_VERSION_OF]->(p)
"""

_TEXTS = """
UNWIND $piths AS pith
MATCH (p:Paper {pith_number: pith})
RETURN p.pith_number AS pith, p.source_id AS arxiv_id, p.title AS title, p.abstract AS abstract,
       coalesce(p.is_latest, true) AS latest, p.minhash AS minhash
"""

# The LSH index is built from the latest version of every arXiv id (keyset pages).
_INDEX_PAGE = """
MATCH (p:Paper) WHERE coalesce(p.is_latest, true) AND ($after IS NULL OR p.pith_number > $after)
RETURN p.pith_number AS pith, p.source_id AS arxiv_id, p.minhash AS minhash,
       CASE WHEN p.minhash IS NULL THEN p.title END AS title,
       CASE WHEN p.minhash IS NULL THEN p.abstract END AS abstract
ORDER BY p.pith_number LIMIT $limit
"""

_STORE_SIGNATURES = """
UNWIND $rows AS row
MATCH (p:Paper {pith_number: row.pith})
SET p.minhash = row.minhash, p.minhash_version = row.version
"""

_FINDINGS_BY_SUBJECT = """
UNWIND $piths AS pith
MATCH (f:IntegrityFinding {subject: pith})
RETURN f.evidence_hash AS evidence_hash, f.subject AS subject, f.detector AS detector,
       f.active AS active, f.generation AS generation, f.event_id AS event_id,
       f.payload_json AS payload_json
"""

_LOCK = """
MERGE (l:IntegrityLock {lock_id: 'main'})
SET l.lock_token = $token
WITH l
UNWIND $checks AS c
OPTIONAL MATCH (f:IntegrityFinding {evidence_hash: c.evidence_hash})
WITH c, coalesce(f.generation, -1) AS generation
WHERE generation <> c.generation
RETURN c.evidence_hash AS stale
"""

_UPSERT_FINDINGS = """
UNWIND $rows AS row
MATCH (p:Paper {pith_number: row.subject})
MERGE (f:IntegrityFinding {evidence_hash: row.evidence_hash})
ON CREATE SET f.created_at = row.now
SET f.subject = row.subject, f.detector = row.detector, f.detector_version = row.detector_version,
    f.finding_type = row.finding_type, f.severity = row.severity,
    f.verdict_class = row.verdict_class, f.active = row.active, f.generation = row.generation,
    f.event_id = row.event_id, f.last_event_id = row.last_event_id,
    f.audited_at = coalesce(row.audited_at, f.audited_at),
    f.payload_json = row.payload_json, f.related = row.related, f.updated_at = row.now
MERGE (f)-[:FINDING_OF]->(p)
"""

# Holders of shingle findings about any version of these papers, or naming one of them.
_SHINGLE_HOLDERS = """
UNWIND $piths AS pith
MATCH (p:Paper {pith_number: pith})
MATCH (v:Paper {source_id: p.source_id})
CALL (v) {
  MATCH (f:IntegrityFinding {subject: v.pith_number})
  WHERE f.detector = 'shingle_duplication' AND f.active
  RETURN f.subject AS holder
  UNION
  MATCH (f:IntegrityFinding {related: v.pith_number})
  WHERE f.detector = 'shingle_duplication' AND f.active
  RETURN f.subject AS holder
}
RETURN DISTINCT holder
"""

_CLEAR_DIRTY = """
UNWIND $rows AS row
MATCH (p:Paper {pith_number: row.pith})
WHERE p.integrity_dirty = row.token
REMOVE p.integrity_dirty
"""

_PAGE = """
MATCH (f:IntegrityFinding)
WHERE f.active AND ($detector IS NULL OR f.detector = $detector)
  AND ($severity IS NULL OR f.severity = $severity)
  AND ($after IS NULL OR f.evidence_hash > $after)
RETURN f.evidence_hash AS evidence_hash, f.subject AS subject, f.event_id AS event_id,
       f.payload_json AS payload_json, f.audited_at AS audited_at
ORDER BY f.evidence_hash
LIMIT $limit
"""


async def detector_runs(driver: AsyncDriver, database: str) -> list[dict[str, Any]]:
    return [dict(r["run"]) for r in await read_async(driver, database, _RUNS)]


async def save_runs(driver: AsyncDriver, database: str, rows: Sequence[Mapping[str, Any]]) -> None:
    await write_async(driver, database, _SAVE_RUNS, rows=[dict(r) for r in rows])


async def count_subjects(driver: AsyncDriver, database: str, *, everything: bool) -> int:
    records = await read_async(driver, database, _COUNT_ALL if everything else _COUNT_DIRTY)
    return int(records[0]["n"])


async def subject_page(
    driver: AsyncDriver, database: str, *, everything: bool, after: str | None, limit: int
) -> list[tuple[str, str | None]]:
    """Up to ``limit`` ``(pith number, dirty token)`` after ``after``: all papers or dirty ones."""
    query = _ALL_PAGE if everything else _DIRTY_PAGE
    records = await read_async(driver, database, query, after=after, limit=limit)
    return [(r["pith"], r["token"]) for r in records]


async def citation_dates(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _CITATION_DATES, piths=list(piths))]


async def reference_identifiers(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _REFERENCES, piths=list(piths))]


async def paper_dates(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _PAPER_DATES, piths=list(piths))]


async def source_claims(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any]]:
    records = await read_async(driver, database, _SOURCE_CLAIMS, piths=list(piths))
    return [
        {
            "pith": r["pith"],
            "registered": json.loads(r["registered_json"]),
            "registered_sha256": r["registered_sha256"],
            "other": json.loads(r["other_json"]),
            "other_sha256": r["other_sha256"],
        }
        for r in records
    ]


def record_source_claims(driver: Any, database: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """(Sync, for the ingest writer thread.) Keep other sources' canonical records of registered
    versions: ``{paper_sha256, canonical_sha256, canonical_json, source}``; idempotent."""
    if not rows:
        return
    write_sync(driver, database, _RECORD_CLAIMS, rows=[dict(r) for r in rows])


async def texts(driver: AsyncDriver, database: str, piths: Sequence[str]) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _TEXTS, piths=list(piths))]


async def shingle_index_rows(
    driver: AsyncDriver, database: str, *, after: str | None, limit: int
) -> list[dict[str, Any]]:
    return [
        dict(r) for r in await read_async(driver, database, _INDEX_PAGE, after=after, limit=limit)
    ]


async def store_signatures(
    driver: AsyncDriver, database: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Cache MinHash signatures on their papers (``{pith, minhash, version}``)."""
    if rows:
        await write_async(driver, database, _STORE_SIGNATURES, rows=[dict(r) for r in rows])


async def shingle_finding_holders(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[str]:
    records = await read_async(driver, database, _SHINGLE_HOLDERS, piths=list(piths))
    return [r["holder"] for r in records]


async def findings_by_subject(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any]]:
    """Every stored finding (active or not) of these papers."""
    records = await read_async(driver, database, _FINDINGS_BY_SUBJECT, piths=list(piths))
    return [{**dict(r), "payload": json.loads(r["payload_json"])} for r in records]


async def apply_batch(
    driver: AsyncDriver,
    database: str,
    *,
    events: Sequence[SignedEvent],
    findings: Sequence[Mapping[str, Any]],
    checks: Sequence[Mapping[str, Any]],
    cleared: Sequence[Mapping[str, Any]],
    accepted_at: str,
    token: str,
) -> None:
    """ONE transaction: lock, check generations, the events (+ log leaves), findings, markers.

    Raises :class:`StaleFindings` (nothing written) when a finding's generation moved.
    """

    async def work(tx: AsyncManagedTransaction) -> None:
        stale = await tx_rows_async(tx, _LOCK, token=token, checks=[dict(c) for c in checks])
        if stale:
            raise StaleFindings(f"{len(stale)} findings changed under this run")
        if events:
            await insert_events(tx, list(events), accepted_at)
        if findings:
            await tx_rows_async(tx, _UPSERT_FINDINGS, rows=[dict(f) for f in findings])
        if cleared:
            await tx_rows_async(tx, _CLEAR_DIRTY, rows=[dict(c) for c in cleared])

    await write_transaction_async(driver, database, work)


async def findings_page(
    driver: AsyncDriver,
    database: str,
    *,
    detector: str | None,
    severity: str | None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Active findings in evidence-hash order after the keyset cursor ``after``."""
    records = await read_async(
        driver, database, _PAGE, detector=detector, severity=severity, after=after, limit=limit
    )
    return [{**dict(r), "payload": json.loads(r["payload_json"])} for r in records]
