"""Every citation's writer: ``(:Paper)-[:CITES]->(:Paper | :Work)`` edges, one transaction per batch.

A citation points from the latest registered version of the citing paper to the latest
registered version of the cited one; a cited arXiv id or DOI that is not registered yet becomes a
``(:Work {kind, value})``, re-pointed to the paper when it arrives (:mod:`pith_graph.store.paper_writer`).
Edges are ``MERGE``d, so a retried or re-run batch leaves the graph as one clean run would. Each
edge carries the sort keys of the keyset pages (:mod:`pith_graph.store.citations`).

A citing paper whose outgoing citations this write changed gets a ``citations`` log leaf
(:func:`pith_graph.core.log.citations_leaf`) in the same transaction, so that a mirror following
the log learns of citations added after the paper's receipt. The list is compared with the one
its last citations leaf recorded: a re-run that changes nothing appends nothing.

File ingest writes its citations in batches with ``log_changes=False`` (how the batches split a
paper's rows would decide how many leaves it got) and then, once all are written, logs each
changed citing paper once, in the input order of the citing papers
(:func:`log_citation_changes`); ``ingest --bulk`` writes the very same leaves.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, Driver, ManagedTransaction

from pith_graph.core.log import citations_leaf
from pith_graph.store._run import WritePlan, run_plan, run_plan_async, write_transaction
from pith_graph.store.citations import CITES_TO_PAPER_KEYS, CITES_TO_WORK_KEYS
from pith_graph.store.counts import PENDING_ON_CREATE, refresh_counts_statement
from pith_graph.store.log import leaf_rows, leaves_statement, lock_statement

__all__ = [
    "OUTGOING_CITATIONS",
    "CitationOutcome",
    "add_citations",
    "add_citations_in",
    "add_citations_in_async",
    "citation_leaves_plan",
    "citation_plan",
    "log_citation_changes",
]

# A paper ``p``'s outgoing citations as citation writer rows (``kind``, ``target``,
# ``position``, ``raw``): what a bundle carries and a citations leaf digests.
OUTGOING_CITATIONS: LiteralString = """[(p)-[c:CITES]->(t) | {
          kind: CASE WHEN t:Work THEN t.kind WHEN t.source_kind = 'arxiv' THEN 'arxiv' ELSE 'doi' END,
          target: CASE WHEN t:Work THEN t.value WHEN t.source_kind = 'arxiv' THEN t.source_id
                  ELSE head([(d:Alias {kind: 'doi'})-[:ALIAS_OF]->(t) | d.value]) END,
          position: c.position, raw: c.raw}]"""

_CITED_NOW: LiteralString = (
    """
UNWIND $source_ids AS sid
MATCH (p:Paper {source_id: sid, is_latest: true})
OPTIONAL MATCH (l:LogEntry {pith_number: p.pith_number, leaf_type: 'citations'})
WITH p, l ORDER BY l.index DESC
WITH p, collect(l.leaf_json)[0] AS logged
RETURN p.source_id AS sid, p.pith_number AS pith, logged, """
    + OUTGOING_CITATIONS
    + """ AS citations
"""
)

_CITE_ARXIV: LiteralString = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (c:Paper {source_id: row.citing, is_latest: true})
OPTIONAL MATCH (t:Paper {source_id: row.target, is_latest: true})
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NOT NULL THEN [1] ELSE [] END |
  MERGE (c)-[r:CITES]->(t) """ + PENDING_ON_CREATE + """ SET c.integrity_dirty = randomUUID(), r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_PAPER_KEYS
    + """)
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NULL THEN [1] ELSE [] END |
  MERGE (w:Work {kind: 'arxiv', value: row.target})
  MERGE (c)-[r:CITES]->(w) SET c.integrity_dirty = randomUUID(), r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_WORK_KEYS
    + """)
RETURN row.i AS i, c IS NOT NULL AS citing_found, t IS NOT NULL AS resolved
"""
)

_CITE_DOI: LiteralString = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (c:Paper {source_id: row.citing, is_latest: true})
OPTIONAL MATCH (:Alias {kind: 'doi', value: row.target})-[:ALIAS_OF]->(t:Paper {is_latest: true})
WITH row, head(collect(c)) AS c, t ORDER BY t.pith_number
WITH row, c, head(collect(t)) AS t
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NOT NULL THEN [1] ELSE [] END |
  MERGE (c)-[r:CITES]->(t) """ + PENDING_ON_CREATE + """ SET c.integrity_dirty = randomUUID(), r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_PAPER_KEYS
    + """)
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NULL THEN [1] ELSE [] END |
  MERGE (w:Work {kind: 'doi', value: row.target})
  MERGE (c)-[r:CITES]->(w) SET c.integrity_dirty = randomUUID(), r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_WORK_KEYS
    + """)
RETURN row.i AS i, c IS NOT NULL AS citing_found, t IS NOT NULL AS resolved
"""
)

@dataclass(frozen=True, slots=True)
class CitationOutcome:
    """Per input row: was the citing paper registered, and did the target resolve to a paper."""

    citing_found: bool
    resolved: bool


def citation_plan(
    citations: Sequence[Mapping[str, Any]], *, log_changes: bool = True
) -> WritePlan[list[CitationOutcome]]:
    """Write citation rows ``{citing, kind ('arxiv'|'doi'), target, position, raw}``; one outcome
    per row, in row order. A row whose citing paper is not registered writes nothing (its
    outcome says so). A plan, so that sync and async transactions run the same statements.
    ``log_changes=False`` appends no citations leaf (file ingest: see :func:`add_citations`)."""
    arxiv_rows: list[dict[str, Any]] = []
    doi_rows: list[dict[str, Any]] = []
    for i, row in enumerate(citations):
        (arxiv_rows if row["kind"] == "arxiv" else doi_rows).append({**row, "i": i})
    outcomes = [CitationOutcome(False, False)] * len(citations)
    for query, rows in ((_CITE_ARXIV, arxiv_rows), (_CITE_DOI, doi_rows)):
        if rows:
            for r in (yield query, {"rows": rows}):
                outcomes[r["i"]] = CitationOutcome(r["citing_found"], r["resolved"])
    citing = [row["citing"] for row in (*arxiv_rows, *doi_rows)]
    recount = refresh_counts_statement(source_ids=citing)
    if recount is not None:
        yield recount
    if citing and log_changes:
        changed = _changed(sorted(set(citing)), (yield _CITED_NOW, {"source_ids": sorted(set(citing))}))
        if changed:
            # Last: the log head's lock is held from here to the commit only (the MERGEs above
            # hold the citing papers' locks, so the list read is this write's).
            yield leaves_statement(leaf_rows(changed), token=changed[0][0])
    return outcomes


def _changed(
    source_ids: Sequence[str], records: Sequence[Mapping[str, Any]]
) -> list[tuple[str, dict[str, str]]]:
    """``(ref, citations leaf)`` of each paper (in the order of ``source_ids``) whose outgoing
    citations differ from what its latest citations leaf recorded (none: an empty list)."""
    by_source = {r["sid"]: r for r in records}
    changed = []
    for sid in source_ids:
        r = by_source.get(sid)
        if r is None:
            continue
        leaf = citations_leaf(r["pith"], r["citations"])
        logged = json.loads(r["logged"]) if r["logged"] is not None else citations_leaf(r["pith"], [])
        if logged != leaf:
            changed.append((f"citations:{r['pith']}:{leaf['citations_sha256']}", leaf))
    return changed


def citation_leaves_plan(source_ids: Sequence[str], token: str) -> WritePlan[int]:
    """Append a citations leaf for each paper (the latest version of each of ``source_ids``, in
    that order) whose outgoing citations differ from its latest citations leaf; returns how
    many. The log head's lock is taken first, so the lists read are the committed ones and no
    other writer logs between the read and the append (two ingests at once log each change once,
    or the later one again with the later list)."""
    ordered = list(dict.fromkeys(source_ids))
    if not ordered:
        return 0
    yield lock_statement(token)
    changed = _changed(ordered, (yield _CITED_NOW, {"source_ids": ordered}))
    if changed:
        yield leaves_statement(leaf_rows(changed), token=token)
    return len(changed)


def log_citation_changes(
    driver: Driver, database: str, source_ids: Sequence[str], *, batch_size: int = 2000
) -> int:
    """:func:`citation_leaves_plan` over ``source_ids`` (the citing papers of a file ingest, in
    input order), ``batch_size`` papers per transaction; returns the leaves appended. The
    leaves do not depend on the batch size: each paper gets at most one, in the given order."""
    ordered = list(dict.fromkeys(source_ids))
    appended = 0
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        token = f"citations-ingest:{uuid.uuid4()}"

        def write(tx: ManagedTransaction, batch: list[str] = batch, token: str = token) -> int:
            return run_plan(tx, citation_leaves_plan(batch, token))

        appended += write_transaction(driver, database, write)
    return appended


def add_citations_in(
    tx: ManagedTransaction, citations: Sequence[Mapping[str, Any]]
) -> list[CitationOutcome]:
    """:func:`citation_plan` in the caller's transaction."""
    return run_plan(tx, citation_plan(citations))


async def add_citations_in_async(
    tx: AsyncManagedTransaction, citations: Sequence[Mapping[str, Any]]
) -> list[CitationOutcome]:
    """:func:`citation_plan` in the caller's asynchronous transaction (bundle import)."""
    return await run_plan_async(tx, citation_plan(citations))


def add_citations(
    driver: Driver,
    database: str,
    citations: Sequence[Mapping[str, Any]],
    *,
    log_changes: bool = True,
) -> list[CitationOutcome]:
    """:func:`add_citations_in`, in ONE transaction of its own.

    ``pith-graph ingest`` passes ``log_changes=False``: its citations arrive in batches whose
    split would decide how many citations leaves a paper gets, and the offline importer
    (``ingest --bulk``) must write the very same graph; it logs the changes once all its
    batches are written (:func:`log_citation_changes`).
    """

    def write(tx: ManagedTransaction) -> list[CitationOutcome]:
        return run_plan(tx, citation_plan(citations, log_changes=log_changes))

    return write_transaction(driver, database, write)
