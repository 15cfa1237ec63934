"""What bundle export reads, and the paper a bundle import creates on a mirror."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction
from pith_graph.core.receipts import Receipt
from pith_graph.store.counts import refresh_counts_async
from pith_graph.store.log import append_receipt_leaf

__all__ = ["create_imported_paper", "papers_for_export", "pith_numbers_by_body"]

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

_IMPORT_PAPER = """
MERGE (p:Paper {pith_number: $pith_number})
ON CREATE SET p += $props, p.import_token = $token
WITH p, p.import_token = $token AS created
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (p)-[:HAS_RECEIPT]->(:Receipt) )
WITH p, created
OPTIONAL MATCH (p)-[:HAS_RECEIPT]->(r:Receipt) WHERE created
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END | SET r += $receipt)
WITH p, created
UNWIND (CASE WHEN created THEN $aliases ELSE [null] END) AS a
FOREACH (_ IN CASE WHEN a IS NOT NULL THEN [1] ELSE [] END |
  MERGE (al:Alias {kind: a.alias_kind, value: a.alias_value})
  ON CREATE SET al.created_at = a.created_at
  MERGE (al)-[:ALIAS_OF]->(p))
RETURN DISTINCT created
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


async def create_imported_paper(
    tx: AsyncManagedTransaction,
    pith_number: str,
    props: Mapping[str, Any],
    receipt: Receipt,
    token: str,
    aliases: Sequence[Mapping[str, Any]] = (),
) -> bool:
    """Create the paper of an imported bundle unless present (with its receipt and log leaf)."""
    result = await tx.run(
        _IMPORT_PAPER,
        pith_number=pith_number,
        props=dict(props),
        receipt=receipt.to_json(),
        token=token,
        aliases=[dict(a) for a in aliases],
    )
    record = await result.single(strict=True)
    if record["created"]:
        await append_receipt_leaf(tx, pith_number, receipt)
        await refresh_counts_async(tx, pith_numbers=[pith_number])
    return bool(record["created"])
