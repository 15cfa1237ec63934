"""The citation neighborhood of a paper: ONE bounded query, deterministic truncation.

Breadth first, level by level (depth 1..3): level ``d`` holds the papers at distance ``d`` not
seen at a smaller distance, ordered by ``(submitted_at, pith_number)``. Nodes are taken in
``(distance, submitted_at, pith_number)`` order until ``limit``; a level is only expanded while the
budget is not spent, and each level collects at most ``limit + 1`` nodes. Neighbour lists are read
from the CITES sort-key indexes in sort order and cut at ``limit + 1`` unseen nodes, so the work
is bounded by the frontier size times ``limit`` (plus the already-seen neighbours skipped),
whatever the degrees: a paper with 100,000 citations costs what one with 200 does. ``truncated``
says whether more nodes were reachable. Edges are the ``CITES`` relationships among the returned
nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async
from pith_graph.store.papers import PAPER_BRIEF, PAPER_FIELDS

__all__ = ["MAX_DEPTH", "MAX_LIMIT", "Neighborhood", "neighborhood"]

MAX_DEPTH = 3
MAX_LIMIT = 1000

# One level: the neighbours of every frontier node not seen yet, in sort order, at most
# ``$limit + 1``. Each neighbour list is read from the CITES sort-key indexes (migration 0030)
# in index order, skipping seen nodes, and cut at ``$limit + 1``: a frontier node costs at most
# ``$limit + 1`` plus its seen neighbours index entries, whatever its degree. The parameters switch
# the seeks: a ``null`` bound reads nothing (``IN`` has no out seeks, a category filter no plain
# ones). Out keys below ``' ~ ~'`` exclude unregistered works.
_EXPAND: LiteralString = """
  UNWIND frontier AS m
  CALL (m, seen) {
    MATCH (n:Paper)-[r:CITES]->()
      USING INDEX SEEK r:CITES(in_key)
      WHERE r.in_key > CASE WHEN $inward AND $categories IS NULL THEN m.pith_number + ' ' END
        AND r.in_key < m.pith_number + '!' AND NOT n IN seen
    WITH n, r ORDER BY r.in_key LIMIT $limit + 1
    RETURN n
    UNION
    MATCH ()-[r:CITES]->(n:Paper)
      USING INDEX SEEK r:CITES(out_key)
      WHERE r.out_key > CASE WHEN $outward AND $categories IS NULL THEN m.pith_number + ' ' END
        AND r.out_key < m.pith_number + ' ~ ~' AND NOT n IN seen
    WITH n, r ORDER BY r.out_key LIMIT $limit + 1
    RETURN n
    UNION
    UNWIND coalesce($categories, []) AS cat
    CALL (m, seen, cat) {
      MATCH (n:Paper)-[r:CITES]->()
        USING INDEX SEEK r:CITES(in_cat_key)
        WHERE r.in_cat_key > CASE WHEN $inward THEN m.pith_number + ' ' + cat + ' ' END
          AND r.in_cat_key < m.pith_number + ' ' + cat + '!' AND NOT n IN seen
      WITH n, r ORDER BY r.in_cat_key LIMIT $limit + 1
      RETURN n
    }
    RETURN n
    UNION
    UNWIND coalesce($categories, []) AS cat
    CALL (m, seen, cat) {
      MATCH ()-[r:CITES]->(n:Paper)
        USING INDEX SEEK r:CITES(out_cat_key)
        WHERE r.out_cat_key > CASE WHEN $outward THEN m.pith_number + ' ' + cat + ' ' END
          AND r.out_cat_key < m.pith_number + ' ' + cat + '!' AND NOT n IN seen
      WITH n, r ORDER BY r.out_cat_key LIMIT $limit + 1
      RETURN n
    }
    RETURN n
  }
  WITH DISTINCT n ORDER BY n.submitted_at, n.pith_number
  RETURN collect(n)[0..$limit + 1] AS next
"""


def _neighborhood_query(paper: LiteralString) -> LiteralString:
    """The neighborhood query projecting its papers with ``paper``: one text for both."""
    return (
        """
MATCH (s:Paper {pith_number: $pith})
CALL (s) {
  WITH [s] AS frontier, [s] AS seen"""
        + _EXPAND
        + """}
WITH s, next AS l1
CALL (s, l1) {
  WITH CASE WHEN $depth >= 2 AND size(l1) < $limit THEN l1 ELSE [] END AS frontier,
       [s] + l1 AS seen"""
        + _EXPAND
        + """}
WITH s, l1, next[0..$limit + 1 - size(l1)] AS l2
CALL (s, l1, l2) {
  WITH CASE WHEN $depth >= 3 AND size(l1) + size(l2) < $limit THEN l2 ELSE [] END AS frontier,
       [s] + l1 + l2 AS seen"""
        + _EXPAND
        + """}
WITH s, l1, l2, next[0..$limit + 1 - size(l1) - size(l2)] AS l3
WITH s, [x IN l1 | [x, 1]] + [x IN l2 | [x, 2]] + [x IN l3 | [x, 3]] AS found
WITH s, found[0..$limit] AS kept, size(found) > $limit AS truncated
WITH s, kept, truncated, [s] + [x IN kept | x[0]] AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[:CITES]->(b:Paper)
  WHERE b IN nodes AND a <> b
  WITH a.pith_number AS source, b.pith_number AS target ORDER BY source, target
  RETURN collect([source, target]) AS edges
}
CALL (kept) {
  UNWIND range(0, size(kept) - 1) AS j
  WITH j, kept[j][0] AS n, kept[j][1] AS distance ORDER BY j
  RETURN collect({paper: n """
        + paper
        + """, distance: distance}) AS listed
}
RETURN s """
        + paper
        + """ AS start, listed AS nodes, edges, truncated
"""
    )


# Papers come with their listing properties (store.papers.PAPER_FIELDS), not the text blobs, or
# with the brief ones (PAPER_BRIEF) when that is all the caller shows.
_NEIGHBORHOOD: LiteralString = _neighborhood_query(PAPER_FIELDS)
_NEIGHBORHOOD_BRIEF: LiteralString = _neighborhood_query(PAPER_BRIEF)


@dataclass(frozen=True, slots=True)
class Neighborhood:
    """The start paper (distance 0), the nodes found (properties + distance), edges, truncation."""

    start: dict[str, Any]
    nodes: list[dict[str, Any]]
    edges: list[tuple[str, str]]
    truncated: bool


async def neighborhood(
    driver: AsyncDriver,
    database: str,
    pith: str,
    *,
    depth: int,
    direction: str,
    limit: int,
    categories: Sequence[str] | None = None,
    brief: bool = False,
) -> Neighborhood | None:
    """The neighborhood of ``pith`` (``None`` if no such paper); bounds are checked here too.

    Papers carry their listing properties, or (``brief``) only :data:`PAPER_BRIEF`'s."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be 1..{MAX_DEPTH}, got {depth}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}, got {limit}")
    if direction not in ("OUT", "IN", "BOTH"):
        raise ValueError(f"direction must be OUT, IN or BOTH, got {direction!r}")
    records = await read_async(
        driver,
        database,
        _NEIGHBORHOOD_BRIEF if brief else _NEIGHBORHOOD,
        pith=pith,
        depth=depth,
        inward=direction in ("IN", "BOTH"),
        outward=direction in ("OUT", "BOTH"),
        limit=limit,
        categories=list(categories) if categories is not None else None,
    )
    if not records:
        return None
    r = records[0]
    return Neighborhood(
        start=dict(r["start"]),
        nodes=[{"paper": dict(n["paper"]), "distance": n["distance"]} for n in r["nodes"]],
        edges=[(e[0], e[1]) for e in r["edges"]],
        truncated=r["truncated"],
    )
