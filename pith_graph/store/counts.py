"""Stored citation and reference counts of papers, kept exact inside every writer's transaction.

Every ``Paper`` node carries two integer properties:

* ``p.citation_count``: the number of ``CITES`` relationships ending at ``p``, i.e. the number of
  registered papers citing it (a pair of papers has at most one ``CITES`` edge, and only papers
  cite). It equals ``citations.totalCount`` and the sum of ``citationsByYear``.
* ``p.reference_count``: the number of ``CITES`` relationships starting at ``p``, to papers *and*
  to unregistered works (``references.totalCount``, unresolved references included).

Both are the node's relationship degree, which Neo4j keeps as a counter, so recomputing them is
cheap; storing them makes ``papers(order: MOST_CITED)``, ``citedByAtLeast`` and the dashboards'
aggregates index-backed (``neo4j/migrations/0100_paper_counts.cypher``) instead of a degree read
per paper and request.

The rule for writers (registration, ``addReferences``, ingest, record and bundle import, and any
bulk importer or mirror, which must produce the same graph): after adding, moving or removing
CITES edges in a transaction, call :func:`refresh_counts` (or :func:`refresh_counts_async`) in
that same transaction with the papers whose edges changed, by arXiv id (``source_ids``, every
registered version of each) and/or by ``pith_numbers``. It recomputes both counts of those
papers, the citation count of every paper they cite and the reference count of every paper
citing them, so an edge needs only one of its two ends named. A new paper must be named too (its
counts start at 0). Each node is write-locked *before* its degree is read (the ``SET`` of the
same value takes the lock): two transactions adding edges to one paper at once cannot lose an
update, the second recounts after the first commits. A bulk load that writes the store files
directly sets the same two properties once, from the final degrees (the statement of the
migration is that backfill).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import LiteralString

from neo4j import AsyncManagedTransaction, ManagedTransaction

from pith_graph.store._run import Statement, tx_rows, tx_rows_async

__all__ = ["refresh_counts", "refresh_counts_async", "refresh_counts_statement"]

# The named papers, then their neighbours: each node is locked (SET of its current value), then
# its degree read. Sorted by pith number so that concurrent writers lock in the same order.
_REFRESH: LiteralString = """
CALL () {
  UNWIND $source_ids AS sid
  MATCH (p:Paper {source_id: sid})
  RETURN p
  UNION
  UNWIND $pith_numbers AS pn
  MATCH (p:Paper {pith_number: pn})
  RETURN p
}
WITH p ORDER BY p.pith_number
SET p.citation_count = p.citation_count, p.reference_count = p.reference_count
WITH p
SET p.citation_count = COUNT { (p)<-[:CITES]-() },
    p.reference_count = COUNT { (p)-[:CITES]->() }
WITH collect(p) AS named
CALL (named) {
  UNWIND named AS p
  MATCH (p)-[:CITES]->(t:Paper)
  WITH DISTINCT t ORDER BY t.pith_number
  SET t.citation_count = t.citation_count
  WITH t
  SET t.citation_count = COUNT { (t)<-[:CITES]-() }
  RETURN count(t) AS cited
}
CALL (named) {
  UNWIND named AS p
  MATCH (c:Paper)-[:CITES]->(p)
  WITH DISTINCT c ORDER BY c.pith_number
  SET c.reference_count = c.reference_count
  WITH c
  SET c.reference_count = COUNT { (c)-[:CITES]->() }
  RETURN count(c) AS citing
}
RETURN size(named) AS named, cited, citing
"""


def _params(
    source_ids: Iterable[str], pith_numbers: Iterable[str]
) -> dict[str, list[str]]:
    return {"source_ids": sorted(set(source_ids)), "pith_numbers": sorted(set(pith_numbers))}


def refresh_counts_statement(
    *, source_ids: Iterable[str] = (), pith_numbers: Iterable[str] = ()
) -> Statement | None:
    """:func:`refresh_counts` as a statement of a write plan (``None``: nothing to recount)."""
    params = _params(source_ids, pith_numbers)
    if params["source_ids"] or params["pith_numbers"]:
        return _REFRESH, dict(params)
    return None


def refresh_counts(
    tx: ManagedTransaction,
    *,
    source_ids: Iterable[str] = (),
    pith_numbers: Iterable[str] = (),
) -> None:
    """Recompute the stored counts around the named papers, in the caller's transaction."""
    params = _params(source_ids, pith_numbers)
    if params["source_ids"] or params["pith_numbers"]:
        tx_rows(tx, _REFRESH, **params)


async def refresh_counts_async(
    tx: AsyncManagedTransaction,
    *,
    source_ids: Iterable[str] = (),
    pith_numbers: Iterable[str] = (),
) -> None:
    """:func:`refresh_counts` for an asynchronous transaction (bundle import)."""
    params = _params(source_ids, pith_numbers)
    if params["source_ids"] or params["pith_numbers"]:
        await tx_rows_async(tx, _REFRESH, **params)
