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
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, Driver, ManagedTransaction

from pith_graph.core.log import citations_leaf
from pith_graph.store._run import WritePlan, run_plan, run_plan_async, write_transaction
from pith_graph.store.citations import CITES_TO_PAPER_KEYS, CITES_TO_WORK_KEYS
from pith_graph.store.counts import PENDING_ON_CREATE, refresh_counts_statement
from pith_graph.store.log import leaf_rows, leaves_statement

__all__ = [
    "OUTGOING_CITATIONS",
    "CitationOutcome",
    "add_citations",
    "add_citations_in",
    "add_citations_in_async",
    "citation_plan",
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
RETURN p.pith_number AS pith, logged, """
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
        changed = []
        for r in (yield _CITED_NOW, {"source_ids": sorted(set(citing))}):
            leaf = citations_leaf(r["pith"], r["citations"])
            if r["logged"] is None or json.loads(r["logged"]) != leaf:
                changed.append((f"citations:{r['pith']}:{leaf['citations_sha256']}", leaf))
        if changed:
            # Last: the log head's lock is held from here to the commit only.
            yield leaves_statement(leaf_rows(changed), token=changed[0][0])
    return outcomes


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
    (``ingest --bulk``) must write the very same graph, so file ingest logs no citations leaf.
    """

    def write(tx: ManagedTransaction) -> list[CitationOutcome]:
        return run_plan(tx, citation_plan(citations, log_changes=log_changes))

    return write_transaction(driver, database, write)
