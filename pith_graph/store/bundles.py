"""What bundle export reads, and the one write of a bundle import: its paper (with
:mod:`pith_graph.store.paper_writer`, like every arrival) and its new events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from pith_graph.core.events import SignedEvent
from pith_graph.store._run import read_async, write_transaction_async
from pith_graph.store.citation_writer import OUTGOING_CITATIONS, add_citations_in_async
from pith_graph.store.events import insert_events
from pith_graph.store.paper_writer import WriteStatus, write_papers_async

__all__ = ["papers_for_export", "pith_numbers_by_body", "write_bundle_arrivals"]

_EXPORT = """
UNWIND $pith_numbers AS pith
OPTIONAL MATCH (p:Paper {pith_number: pith})
OPTIONAL MATCH (p)-[:HAS_RECEIPT]->(r:Receipt)
WITH pith, p, r ORDER BY r.signed_at DESC
WITH pith, p, collect(r)[0] AS r
RETURN pith, p {.*} AS paper, r {.*} AS receipt,
       [(a:Alias)-[:ALIAS_OF]->(p) | {alias_kind: a.kind, alias_value: a.value,
                                      created_at: a.created_at}] AS aliases,
       """ + OUTGOING_CITATIONS + """ AS citations
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


async def write_bundle_arrivals(
    driver: AsyncDriver,
    database: str,
    rows: Sequence[dict[str, Any]],
    events: Sequence[SignedEvent],
    accepted_at: str,
    citations: Sequence[Mapping[str, Any]] = (),
) -> list[bool]:
    """ONE transaction: the bundles' papers where missing, then ``events`` with their log
    leaves, then the papers' outgoing ``citations`` (citation writer rows); per row, whether
    its paper was created. Raises what the paper writer and :func:`insert_events` raise
    (nothing is written)."""

    async def write(tx: AsyncManagedTransaction) -> list[bool]:
        written = await write_papers_async(tx, list(rows))
        if events:
            await insert_events(tx, list(events), accepted_at)
        if citations:
            await add_citations_in_async(tx, citations)
        return [w.status is WriteStatus.CREATED for w in written]

    return await write_transaction_async(driver, database, write)
