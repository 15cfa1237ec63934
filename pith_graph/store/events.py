"""Events and author keys in Neo4j: ``(:Event)-[:ABOUT]->(:Paper)``, ``(:AuthorKey)``.

Events are immutable: they are only ever CREATEd (``event_id`` unique, ``(signer_key, nonce)``
unique). Each write appends the event's leaf to the log in the same transaction
(:mod:`pith_graph.store.log`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, Record
from neo4j.exceptions import ConstraintError

from pith_graph.core.events import EventKind, SignedEvent
from pith_graph.core.log import event_leaf
from pith_graph.store._run import read_async, tx_rows_async, write_async, write_transaction_async
from pith_graph.store.errors import StoreError
from pith_graph.store.log import append_leaves, leaf_rows
from pith_graph.store.papers import DETAIL_COLUMNS, PaperDetails, details_of

__all__ = [
    "RUN_FIELDS",
    "EventConflict",
    "UnknownPaper",
    "add_author_key",
    "author_key_registrations",
    "event_envelopes",
    "event_row",
    "events_by_subject",
    "events_page",
    "facts_and_events",
    "insert_events",
    "new_event_rows",
    "store_events",
    "subject_facts",
]


class EventConflict(StoreError):
    """An event id, or a (signer key, nonce) pair, is already stored: the write was a replay."""


class UnknownPaper(StoreError):
    """The pith number an event is about is not registered."""

    def __init__(self, pith_number: str) -> None:
        self.pith_number = pith_number
        super().__init__(f"no paper is registered as {pith_number!r}")


_INSERT = """
UNWIND $rows AS row
MATCH (p:Paper {pith_number: row.subject})
CREATE (e:Event {event_id: row.event_id, event_type: row.event_type, subject: row.subject,
                 target: row.target, created_at: row.created_at, nonce: row.nonce,
                 cited: row.cited,
                 signer_key: row.signer_key, signer_fingerprint: row.signer_fingerprint,
                 signer_id: row.signer_id, signer_type: row.signer_type, key_id: row.key_id,
                 envelope_json: row.envelope_json, accepted_at: row.accepted_at})
CREATE (e)-[:ABOUT]->(p)
RETURN row.event_id AS event_id
"""

# Which of the rows are new: not stored, and not reusing a stored (signer key, nonce) pair.
_NEW_ROWS = """
UNWIND $rows AS row
OPTIONAL MATCH (same:Event {event_id: row.event_id})
OPTIONAL MATCH (slot:Event {signer_key: row.signer_key, nonce: row.nonce})
RETURN row.event_id AS event_id, same IS NOT NULL AS stored, slot IS NOT NULL AS slot_used
"""

_BY_SUBJECT = """
UNWIND $subjects AS subject
OPTIONAL MATCH (e:Event {subject: subject})
WITH subject, e ORDER BY e.created_at, e.event_id
RETURN subject, collect(e.envelope_json) AS envelopes
"""

_BY_ID = """
UNWIND $ids AS id
OPTIONAL MATCH (e:Event {event_id: id})
RETURN id, e.envelope_json AS envelope_json
"""

# Keyset pages over (created_at, event_id); $subject null means the global feed.
_PAGE = """
MATCH (e:Event)
WHERE ($subject IS NULL OR e.subject = $subject)
  AND ($categories IS NULL OR EXISTS {
        MATCH (e)-[:ABOUT]->(p:Paper) WHERE any(c IN $categories WHERE c IN p.categories) })
  AND ($after IS NULL OR [e.created_at, e.event_id] > $after)
RETURN e.envelope_json AS envelope_json, e.created_at AS created_at, e.event_id AS event_id
ORDER BY e.created_at, e.event_id
LIMIT $limit
"""

_FACTS = """
UNWIND $subjects AS subject
OPTIONAL MATCH (p:Paper {pith_number: subject})
RETURN subject, p IS NOT NULL AS exists, p.canonical_sha256 AS canonical_sha256,
       p.source_id AS source_id,
       p.canonical_json AS canonical_json, p.authors AS authors,
       p.categories AS categories,
       EXISTS { MATCH (p)-[:HAS_RECEIPT]->(:Receipt) } AS has_receipt,
       COUNT { MATCH (p)-[:CITES]->() } AS references,
       COUNT { MATCH (p)-[:CITES]->(:Work) } AS unresolved
"""

# What a record document needs, in one round trip: the facts, the time-ordered envelopes, and
# the graph around the paper (reference and citation samples, which signed citations name
# registered papers, and the registered papers holding a signed citation of this one). The
# citation sample is the newest citing papers: a backward read of the paper's in_key range
# (O(sample), not O(citations)); the reference sample is the first references in citation order.
# A detector run (an ``IntegrityRun`` node ``r``) as a record's integrity section reads it
# (store.integrity.detector_runs reads the same).
RUN_FIELDS: LiteralString = """{
  .name, .version, .ran_at, .status, .input_sha256, .input_path, .findings_count
}"""

# A record's facts, graph and events, with the paper's receipt, aliases and claims
# (store.papers.DETAIL_COLUMNS) and the detector runs (RUN_FIELDS, the same on every row):
# everything a record document needs beyond the paper's properties, in ONE query.
_FACTS_AND_EVENTS: LiteralString = (
    """
UNWIND $subjects AS subject
OPTIONAL MATCH (p:Paper {pith_number: subject})
CALL (p) {
  MATCH (c:Paper)-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_key)
    WHERE r.in_key > p.pith_number + ' ' AND r.in_key < p.pith_number + '!'
  WITH c, r ORDER BY r.in_key DESC LIMIT $sample
  RETURN collect({pith_number: c.pith_number, title: c.title, submitted_at: c.submitted_at,
                  primary_cat: c.primary_cat}) AS citation_sample
}
RETURN subject, p IS NOT NULL AS exists, p.canonical_sha256 AS canonical_sha256,
       p.source_id AS source_id, p.canonical_json AS canonical_json, p.authors AS authors,
       p.categories AS categories,
       EXISTS { MATCH (p)-[:HAS_RECEIPT]->(:Receipt) } AS has_receipt,
       COUNT { MATCH (p)-[:CITES]->() } AS references,
       COUNT { MATCH (p)-[:CITES]->(:Work) } AS unresolved,
       COUNT { MATCH (p)<-[:CITES]-() } AS citations,
       citation_sample,
       COLLECT { MATCH (p)-[r:CITES]->(t)
                 WITH r, t ORDER BY r.position, r.out_key LIMIT $sample
                 RETURN {position: r.position, raw: r.raw, resolved: t:Paper,
                         pith_number: CASE WHEN t:Paper THEN t.pith_number END,
                         title: CASE WHEN t:Paper THEN t.title END,
                         work: CASE WHEN t:Work THEN {kind: t.kind, value: t.value} END}
               } AS reference_sample,
       COLLECT { MATCH (e:Event {subject: subject}) WHERE e.event_type = 'citation_signature'
                 MATCH (q:Paper {pith_number: e.cited})
                 RETURN DISTINCT q.pith_number } AS registered_cited,
       size(COLLECT { MATCH (e:Event {cited: subject}) WHERE e.event_type = 'citation_signature'
                      MATCH (:Paper {pith_number: e.subject})
                      RETURN DISTINCT e.subject }) AS inbound_anchors,
       COLLECT { MATCH (e:Event {subject: subject})
                 WITH e ORDER BY e.created_at, e.event_id
                 RETURN e.envelope_json } AS envelopes,
       COLLECT { MATCH (r:IntegrityRun) RETURN r """
    + RUN_FIELDS
    + """ AS run ORDER BY r.name } AS runs,
       """
    + DETAIL_COLUMNS
    + """
"""
)

_ADD_AUTHOR_KEY = """
MATCH (p:Paper {pith_number: $pith_number})
MERGE (k:AuthorKey {fingerprint: $fingerprint, pith_number: $pith_number, author: $author})
ON CREATE SET k.public_key = $public_key, k.registered_at = $registered_at
SET k.identity_verified = $identity_verified
RETURN k.fingerprint AS fingerprint
"""

_AUTHOR_KEYS = """
UNWIND $keys AS key
OPTIONAL MATCH (k:AuthorKey {fingerprint: key.fingerprint, pith_number: key.pith_number,
                             author: key.author})
RETURN k IS NOT NULL AS registered, coalesce(k.identity_verified, false) AS identity_verified
"""


def event_row(event: SignedEvent, accepted_at: str) -> dict[str, Any]:
    """The row of one event (pure)."""
    return {
        "event_id": event.event_id,
        "event_type": event.kind.value,
        "subject": event.subject,
        "target": event.target,
        "created_at": event.created_at,
        "nonce": event.nonce,
        "signer_key": event.signer.public_key.hex(),
        "signer_fingerprint": event.signer.fingerprint,
        "signer_id": event.signer.signer_id,
        "signer_type": event.signer.signer_type.value,
        "key_id": event.signer.key_id,
        # The pith number a signed citation names (indexed: who signed a citation of a paper).
        "cited": event.payload.get("cited") if event.kind is EventKind.CITATION_SIGNATURE else None,
        "envelope_json": json.dumps(event.to_json(), sort_keys=True, ensure_ascii=False),
        "accepted_at": accepted_at,
    }


async def insert_events(
    tx: AsyncManagedTransaction, events: Sequence[SignedEvent], accepted_at: str
) -> int:
    """CREATE ``events`` and append their log leaves, in the caller's transaction.

    Raises :class:`UnknownPaper` (nothing written: the caller's transaction rolls back) when a
    subject is not registered, and :class:`EventConflict` on a stored id or nonce.
    Returns the log index of the first event.
    """
    rows = [event_row(e, accepted_at) for e in events]
    try:
        created = {r["event_id"] for r in await tx_rows_async(tx, _INSERT, rows=rows)}
    except ConstraintError as exc:
        raise EventConflict(
            f"already stored (event id or signer nonce reused): {exc.message}"
        ) from exc
    for event in events:
        if event.event_id not in created:
            raise UnknownPaper(event.subject)
    leaves = leaf_rows([(e.event_id, event_leaf(e)) for e in events])
    return await append_leaves(tx, leaves, token=events[0].event_id)


async def store_events(
    driver: AsyncDriver, database: str, events: Sequence[SignedEvent], accepted_at: str
) -> int:
    """:func:`insert_events` in ONE transaction of its own; the log index of the first event."""
    return await write_transaction_async(driver, database, insert_events, events, accepted_at)


async def new_event_rows(
    driver: AsyncDriver, database: str, events: Sequence[SignedEvent]
) -> list[tuple[bool, bool]]:
    """``(stored, slot_used)`` for each event, in order (used by bundle import to skip)."""
    rows = [
        {"event_id": e.event_id, "signer_key": e.signer.public_key.hex(), "nonce": e.nonce}
        for e in events
    ]
    records = await read_async(driver, database, _NEW_ROWS, rows=rows)
    return [(bool(r["stored"]), bool(r["slot_used"])) for r in records]


async def events_by_subject(
    driver: AsyncDriver, database: str, subjects: Sequence[str]
) -> list[list[dict[str, Any]]]:
    """Every stored envelope of each subject, time-ordered, in key order."""
    records = await read_async(driver, database, _BY_SUBJECT, subjects=list(subjects))
    return [[json.loads(e) for e in r["envelopes"]] for r in records]


async def event_envelopes(
    driver: AsyncDriver, database: str, event_ids: Sequence[str]
) -> list[dict[str, Any] | None]:
    """Envelopes by event id, in key order; ``None`` for a miss."""
    records = await read_async(driver, database, _BY_ID, ids=list(event_ids))
    return [json.loads(r["envelope_json"]) if r["envelope_json"] else None for r in records]


async def events_page(
    driver: AsyncDriver,
    database: str,
    *,
    subject: str | None,
    categories: Sequence[str] | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` envelopes after the keyset cursor ``(created_at, event_id)``."""
    records = await read_async(
        driver,
        database,
        _PAGE,
        subject=subject,
        categories=list(categories) if categories else None,
        after=list(after) if after else None,
        limit=limit,
    )
    return [json.loads(r["envelope_json"]) for r in records]


async def subject_facts(
    driver: AsyncDriver, database: str, subjects: Sequence[str]
) -> list[dict[str, Any] | None]:
    """What the graph says about each pith number (``None`` when it is not registered)."""
    records = await read_async(driver, database, _FACTS, subjects=list(subjects))
    return [_facts(r) for r in records]


async def facts_and_events(
    driver: AsyncDriver, database: str, subjects: Sequence[str], sample: int = 10
) -> tuple[list[tuple[dict[str, Any] | None, list[dict[str, Any]], PaperDetails | None]],
           list[dict[str, Any]]]:
    """:func:`subject_facts`, :func:`events_by_subject` and the paper's details
    (:func:`pith_graph.store.papers.paper_details`) of each pith number, and the detector runs
    (:func:`pith_graph.store.integrity.detector_runs`), in ONE query. The facts come with the
    paper's graph: ``citations``, ``citation_sample`` (the ``sample`` newest citing papers),
    ``reference_sample`` (the first ``sample`` references in citation order),
    ``registered_cited`` (the registered papers its signed citations name) and
    ``inbound_anchors`` (registered papers with a signed citation of it)."""
    records = await read_async(
        driver, database, _FACTS_AND_EVENTS, subjects=list(subjects), sample=sample
    )
    out: list[tuple[dict[str, Any] | None, list[dict[str, Any]], PaperDetails | None]] = []
    for r in records:
        facts = _facts(r)
        if facts is not None:
            facts.update(
                citations=int(r["citations"]),
                citation_sample=[dict(c) for c in r["citation_sample"]],
                reference_sample=[dict(x) for x in r["reference_sample"]],
                registered_cited=list(r["registered_cited"]),
                inbound_anchors=int(r["inbound_anchors"]),
            )
        out.append((facts, [json.loads(e) for e in r["envelopes"]], details_of(r)))
    runs = [dict(run) for run in records[0]["runs"]] if records else []
    return out, runs


def _facts(r: Record) -> dict[str, Any] | None:
    if not r["exists"]:
        return None
    return {
        "canonical_sha256": r["canonical_sha256"],
        "source_id": r["source_id"],
        "canonical_json": r["canonical_json"],
        "authors": list(r["authors"] or []),
        "categories": list(r["categories"] or []),
        "has_receipt": bool(r["has_receipt"]),
        "references": int(r["references"]),
        "unresolved": int(r["unresolved"]),
    }


async def add_author_key(driver: AsyncDriver, database: str, row: Mapping[str, Any]) -> None:
    """Register (or re-flag) an author key for a paper; :class:`UnknownPaper` if not registered."""
    records = await write_async(driver, database, _ADD_AUTHOR_KEY, **row)
    if not records:
        raise UnknownPaper(str(row["pith_number"]))


async def author_key_registrations(
    driver: AsyncDriver, database: str, keys: Sequence[Mapping[str, str]]
) -> list[tuple[bool, bool]]:
    """``(registered, identity_verified)`` for each ``{fingerprint, pith_number, author}``."""
    records = await read_async(driver, database, _AUTHOR_KEYS, keys=[dict(k) for k in keys])
    return [(bool(r["registered"]), bool(r["identity_verified"])) for r in records]
