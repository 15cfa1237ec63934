"""References and citations of papers: keyset pages, totals and facets, for many papers at once.

A page key (:class:`PageKey`) names the paper, the direction (``out`` = its references, ``in`` =
the papers citing it), the page size, the keyset cursor ``after`` (the sort key of the last row
seen), the order and the filters. ONE query answers a whole list of keys (a DataLoader batch).

The sort key of a neighbour is ``(submitted_at, pith_number)``; an unregistered work (a ``Work``
node: references only) sorts after every paper, by ``~kind:value``. Paging compares sort keys, never
skips rows, so page 1,000 costs what page 1 costs. Facets count the neighbours by primary category
and by year, ignoring the filters (what a dashboard shows beside a filtered list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, Record

from pith_graph.store._run import read_async

__all__ = ["PageKey", "NeighbourPage", "neighbour_pages"]

_PAGE_ASC: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
MATCH (p:Paper {pith_number: k.pith})
CALL (p, k) {
  MATCH (p)-[c:CITES]-(q)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT c, q, k
  WHERE (k.categories IS NULL OR q.primary_cat IN k.categories) AND (k.year IS NULL OR q.year = k.year)
  RETURN count(c) AS total
}
CALL (p, k) {
  WITH p, k WHERE k.facets
  MATCH (p)-[c:CITES]-(q:Paper)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT q
  WITH q.primary_cat AS value, count(q) AS n ORDER BY n DESC, value
  RETURN collect({value: value, count: n}) AS by_category
}
CALL (p, k) {
  WITH p, k WHERE k.facets
  MATCH (p)-[c:CITES]-(q:Paper)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT q
  WITH q.year AS value, count(q) AS n ORDER BY value
  RETURN collect({value: value, count: n}) AS by_year
}
CALL (p, k) {
  MATCH (p)-[c:CITES]-(q)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT c, q, k
  WHERE (k.categories IS NULL OR q.primary_cat IN k.categories) AND (k.year IS NULL OR q.year = k.year)
  WITH c, q, k, coalesce(q.submitted_at, '~') AS s,
       coalesce(q.pith_number, '~' + q.kind + ':' + q.value) AS t
  WHERE k.after IS NULL OR s > k.after[0] OR (s = k.after[0] AND t > k.after[1])
  WITH c, q, k, s, t ORDER BY s, t
  WITH k, collect({
    s: s, t: t, position: c.position, raw: c.raw,
    paper: CASE WHEN q:Paper THEN properties(q) END,
    work: CASE WHEN q:Work THEN {kind: q.kind, value: q.value} END
  }) AS rows
  RETURN rows[0..k.first + 1] AS rows
}
RETURN i, total, by_category, by_year, rows
"""

_PAGE_DESC: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
MATCH (p:Paper {pith_number: k.pith})
CALL (p, k) {
  MATCH (p)-[c:CITES]-(q)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT c, q, k
  WHERE (k.categories IS NULL OR q.primary_cat IN k.categories) AND (k.year IS NULL OR q.year = k.year)
  RETURN count(c) AS total
}
CALL (p, k) {
  WITH p, k WHERE k.facets
  MATCH (p)-[c:CITES]-(q:Paper)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT q
  WITH q.primary_cat AS value, count(q) AS n ORDER BY n DESC, value
  RETURN collect({value: value, count: n}) AS by_category
}
CALL (p, k) {
  WITH p, k WHERE k.facets
  MATCH (p)-[c:CITES]-(q:Paper)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT q
  WITH q.year AS value, count(q) AS n ORDER BY value
  RETURN collect({value: value, count: n}) AS by_year
}
CALL (p, k) {
  MATCH (p)-[c:CITES]-(q)
  WHERE (k.direction = 'out' AND startNode(c) = p) OR (k.direction = 'in' AND endNode(c) = p)
  WITH DISTINCT c, q, k
  WHERE (k.categories IS NULL OR q.primary_cat IN k.categories) AND (k.year IS NULL OR q.year = k.year)
  WITH c, q, k, coalesce(q.submitted_at, '~') AS s,
       coalesce(q.pith_number, '~' + q.kind + ':' + q.value) AS t
  WHERE k.after IS NULL OR s < k.after[0] OR (s = k.after[0] AND t < k.after[1])
  WITH c, q, k, s, t ORDER BY s DESC, t DESC
  WITH k, collect({
    s: s, t: t, position: c.position, raw: c.raw,
    paper: CASE WHEN q:Paper THEN properties(q) END,
    work: CASE WHEN q:Work THEN {kind: q.kind, value: q.value} END
  }) AS rows
  RETURN rows[0..k.first + 1] AS rows
}
RETURN i, total, by_category, by_year, rows
"""


@dataclass(frozen=True, slots=True)
class PageKey:
    """One page request; hashable so DataLoaders can de-duplicate it."""

    pith: str
    direction: str  # "out" (references) | "in" (citations)
    first: int
    after: tuple[str, str] | None = None
    descending: bool = False
    categories: tuple[str, ...] | None = None
    year: int | None = None
    facets: bool = True

    def to_param(self) -> dict[str, Any]:
        return {
            "pith": self.pith,
            "direction": self.direction,
            "first": self.first,
            "after": list(self.after) if self.after is not None else None,
            "categories": list(self.categories) if self.categories is not None else None,
            "year": self.year,
            "facets": self.facets,
        }


@dataclass(frozen=True, slots=True)
class NeighbourPage:
    """One page: rows (``s``/``t`` sort key, ``position``, ``raw``, ``paper`` or ``work``), whether
    more follow, the filtered total and the facets."""

    rows: list[dict[str, Any]]
    has_next: bool
    total: int
    by_category: list[dict[str, Any]]
    by_year: list[dict[str, Any]]


_EMPTY = NeighbourPage([], False, 0, [], [])


def _page(record: Record, first: int) -> NeighbourPage:
    rows = [dict(r) for r in record["rows"]]
    return NeighbourPage(
        rows=rows[:first],
        has_next=len(rows) > first,
        total=record["total"],
        by_category=[dict(f) for f in record["by_category"]],
        by_year=[dict(f) for f in record["by_year"]],
    )


async def neighbour_pages(
    driver: AsyncDriver, database: str, keys: Sequence[PageKey]
) -> list[NeighbourPage]:
    """One page per key, in key order (an unknown paper gives an empty page).

    Keys sorted ascending and descending need different ``ORDER BY`` clauses, so a batch mixing
    both takes two queries.
    """
    out = [_EMPTY] * len(keys)
    for query, descending in ((_PAGE_ASC, False), (_PAGE_DESC, True)):
        index = [i for i, k in enumerate(keys) if k.descending is descending]
        if not index:
            continue
        records = await read_async(
            driver, database, query, keys=[keys[i].to_param() for i in index]
        )
        for record in records:
            j = index[record["i"]]
            out[j] = _page(record, keys[j].first)
    return out
