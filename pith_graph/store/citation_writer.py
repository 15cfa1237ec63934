"""Every citation's writer: ``(:Paper)-[:CITES]->(:Paper | :Work)`` edges, one transaction per batch.

A citation points from the latest registered version of the citing paper to the latest
registered version of the cited one; a cited arXiv id or DOI that is not registered yet becomes a
``(:Work {kind, value})``, re-pointed to the paper when it arrives (:mod:`pith_graph.store.paper_writer`).
Edges are ``MERGE``d, so a retried or re-run batch leaves the graph as one clean run would. Each
edge carries the sort keys of the keyset pages (:mod:`pith_graph.store.citations`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, Driver, ManagedTransaction

from pith_graph.store._run import WritePlan, run_plan, run_plan_async, write_transaction
from pith_graph.store.citations import CITES_TO_PAPER_KEYS, CITES_TO_WORK_KEYS
from pith_graph.store.counts import PENDING_ON_CREATE, refresh_counts_statement

__all__ = ["CitationOutcome", "add_citations", "add_citations_in", "add_citations_in_async", "citation_plan"]

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


def citation_plan(citations: Sequence[Mapping[str, Any]]) -> WritePlan[list[CitationOutcome]]:
    """Write citation rows ``{citing, kind ('arxiv'|'doi'), target, position, raw}``; one outcome
    per row, in row order. A row whose citing paper is not registered writes nothing (its
    outcome says so). A plan, so that sync and async transactions run the same statements."""
    arxiv_rows: list[dict[str, Any]] = []
    doi_rows: list[dict[str, Any]] = []
    for i, row in enumerate(citations):
        (arxiv_rows if row["kind"] == "arxiv" else doi_rows).append({**row, "i": i})
    outcomes = [CitationOutcome(False, False)] * len(citations)
    for query, rows in ((_CITE_ARXIV, arxiv_rows), (_CITE_DOI, doi_rows)):
        if rows:
            for r in (yield query, {"rows": rows}):
                outcomes[r["i"]] = CitationOutcome(r["citing_found"], r["resolved"])
    recount = refresh_counts_statement(source_ids=[row["citing"] for row in (*arxiv_rows, *doi_rows)])
    if recount is not None:
        yield recount
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
    driver: Driver, database: str, citations: Sequence[Mapping[str, Any]]
) -> list[CitationOutcome]:
    """:func:`add_citations_in`, in ONE transaction of its own."""
    return write_transaction(driver, database, add_citations_in, citations)
