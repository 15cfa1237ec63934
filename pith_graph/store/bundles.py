"""What bundle export reads (a bundle import writes its paper with :mod:`pith_graph.store.paper_writer`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncDriver

__all__ = ["papers_for_export", "pith_numbers_by_body"]

_EXPORT = """
UNWIND $pith_numbers AS pith
OPTIONAL MATCH (p:Paper {pith_number: pith})
OPTIONAL MATCH (p)-[:HAS_RECEIPT]->(r:Receipt)
WITH pith, p, r ORDER BY r.signed_at DESC
WITH pith, p, collect(r)[0] AS r
RETURN pith, p {.*} AS paper, r {.*} AS receipt,
       [(a:Alias)-[:ALIAS_OF]->(p) | {alias_kind: a.kind, alias_value: a.value,
                                      created_at: a.created_at}] AS aliases
"""

_BY_BODY = """
UNWIND $bodies AS body
OPTIONAL MATCH (p:Paper {pith_body: body})
RETURN body, p.pith_number AS pith_number
"""

async def papers_for_export(
    driver: AsyncDriver, database: str, pith_numbers: Sequence[str]
) -> list[dict[str, Any] | None]:
    """Paper properties, newest receipt and aliases of each pith number, in key order."""
    records, _, _ = await driver.execute_query(
        _EXPORT, pith_numbers=list(pith_numbers), database_=database, routing_="r"
    )
    return [
        None
        if r["paper"] is None
        else {
            "paper": dict(r["paper"]),
            "receipt": dict(r["receipt"] or {}),
            "aliases": list(r["aliases"]),
        }
        for r in records
    ]


async def pith_numbers_by_body(
    driver: AsyncDriver, database: str, bodies: Sequence[str]
) -> list[str | None]:
    records, _, _ = await driver.execute_query(
        _BY_BODY, bodies=list(bodies), database_=database, routing_="r"
    )
    return [r["pith_number"] for r in records]
