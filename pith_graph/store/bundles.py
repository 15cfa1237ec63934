"""What bundle export reads, and the one write of a bundle import: its paper (with
:mod:`pith_graph.store.paper_writer`, like every arrival) and its new events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from pith_graph.core.events import SignedEvent
from pith_graph.store._run import read_async, write_transaction_async
from pith_graph.store.citation_writer import add_citations_in_async
from pith_graph.store.events import insert_events
from pith_graph.store.paper_writer import WriteStatus, write_papers_async

__all__ = ["papers_for_export", "pith_numbers_by_body", "write_bundle_arrival"]

_EXPORT = """
UNWIND $pith_numbers AS pith
OPTIONAL MATCH (p:Paper {pith_number: pith})
OPTIONAL MATCH (p)-[:HAS_RECEIPT]->(r:Receipt)
WITH pith, p, r ORDER BY r.signed_at DESC
WITH pith, p, collect(r)[0] AS r
RETURN pith, p {.*} AS paper, r {.*} AS receipt,
       [(a:Alias)-[:ALIAS_OF]->(p) | {alias_kind: a.kind, alias_value: a.value,
                                      created_at: a.created_at}] AS aliases,
       [(p)-[c:CITES]->(t) | {
          kind: CASE WHEN t:Work THEN t.kind WHEN t.source_kind = 'arxiv' THEN 'arxiv' ELSE 'doi' END,
          target: CASE WHEN t:Work THEN t.value WHEN t.source_kind = 'arxiv' THEN t.source_id
                  ELSE head([(d:Alias {kind: 'doi'})-[:ALIAS_OF]->(t) | d.value]) END,
          position: c.position, raw: c.raw}] AS citations
"""

_BY_BODY = """
UNWIND $bodies AS body
OPTIONAL MATCH (p:Paper {pith_body: body})
RETURN body, p.pith_number AS pith_number
"""

async def papers_for_export(
    driver: AsyncDriver, database: str, pith_numbers: Sequence[str]
) -> list[dict[str, Any] | None]:
    """Paper properties, newest receipt, aliases and outgoing citations (``kind``, ``target``,
    ``position``, ``raw``: the citation writer's row) of each pith number, in key order."""
    records = await read_async(driver, database, _EXPORT, pith_numbers=list(pith_numbers))
    return [
        None
        if r["paper"] is None
        else {
            "paper": dict(r["paper"]),
            "receipt": dict(r["receipt"] or {}),
            "aliases": list(r["aliases"]),
            "citations": [dict(c) for c in r["citations"] if c["target"] is not None],
        }
        for r in records
    ]


async def pith_numbers_by_body(
    driver: AsyncDriver, database: str, bodies: Sequence[str]
) -> list[str | None]:
    records = await read_async(driver, database, _BY_BODY, bodies=list(bodies))
    return [r["pith_number"] for r in records]


async def write_bundle_arrival(
    driver: AsyncDriver,
    database: str,
    row: dict[str, Any],
    events: Sequence[SignedEvent],
    accepted_at: str,
    citations: Sequence[Mapping[str, Any]] = (),
) -> bool:
    """ONE transaction: the bundle's paper if missing, then ``events`` with their log leaves,
    then the paper's outgoing ``citations`` (citation writer rows); True when the paper was
    created. Raises what the paper writer and :func:`insert_events` raise (nothing is written)."""

    async def write(tx: AsyncManagedTransaction) -> bool:
        (written,) = await write_papers_async(tx, [row])
        if events:
            await insert_events(tx, list(events), accepted_at)
        if citations:
            await add_citations_in_async(tx, citations)
        return written.status is WriteStatus.CREATED

    return await write_transaction_async(driver, database, write)
