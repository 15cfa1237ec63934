"""References and citations of papers: index-backed keyset pages, totals and facets, many at once.

Sort keys live on the CITES edges (migration ``0030_cites_sort_keys``). A neighbour's *sort key* is
``submitted_at + ' ' + pith_number`` for a paper and ``'~ ~' + kind + ':' + value`` for an
unregistered work (so works sort after every paper). Each edge ``(c)-[r:CITES]->(t)`` carries

* ``r.out_key = c.pith_number + ' ' + sortkey(t)`` (the references of ``c``),
* ``r.in_key = t.pith_number + ' ' + sortkey(c)`` (the citations of ``t``),
* ``r.out_cat_key`` / ``r.in_cat_key``: the same with the neighbour's primary category between
  owner and sort key (category filters and facets),

each in a range index. A page is one range seek ``lo < key < hi`` read in index order and cut
at ``first + 1`` entries (no sort, no skip): page 1,000 of a 100,000-citation list reads as many
index entries as page 1 (``tests/store/test_citation_paging_cost.py`` checks it with PROFILE). A
year filter narrows the range (the sort key starts with the year); a category filter seeks each
category's range and merges at most ``len(categories) * (first + 1)`` rows. The keyset cursor is
the last row's sort key ``(submitted_at, pith_number)`` (``('~', '~kind:value')`` for a work).

``totalCount`` without filters is the node's relationship degree (a counter, O(1)). Facets, and
the total of a filtered list, read the owner's category-key range once: O(degree) index entries,
no record reads, only when selected. Facets come twice: of the whole list (what a dashboard shows
beside a filtered list) and of the filtered list.

Every statement writing a CITES edge sets the keys with :data:`CITES_TO_PAPER_KEYS` or
:data:`CITES_TO_WORK_KEYS` (``store/citation_writer.py``), so the keys stay true when a work later becomes
a registered paper: its edges are re-created with the paper's keys in the registration's
transaction. Paper nodes never change the properties a key is made of (they are content-addressed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, Record

from pith_graph.store._run import read_async
from pith_graph.store.papers import (
    PAPER_BRIEF,
    PAPER_BRIEF_WITH_ALIASES,
    PAPER_FIELDS,
    PAPER_FIELDS_WITH_ALIASES,
)

__all__ = [
    "CITES_TO_PAPER_KEYS",
    "CITES_TO_WORK_KEYS",
    "NeighbourPage",
    "PageKey",
    "neighbour_pages",
]

# SET items for an edge ``r`` from paper ``c`` to paper ``t`` / to work ``w`` (same formulas as the
# backfill in neo4j/migrations/0030_cites_sort_keys.cypher; a test keeps them equal).
CITES_TO_PAPER_KEYS: LiteralString = """
  r.out_key = c.pith_number + ' ' + coalesce(t.submitted_at, '~') + ' ' + t.pith_number,
  r.in_key = t.pith_number + ' ' + coalesce(c.submitted_at, '~') + ' ' + c.pith_number,
  r.out_cat_key = c.pith_number + ' ' + coalesce(t.primary_cat, '') + ' '
                  + coalesce(t.submitted_at, '~') + ' ' + t.pith_number,
  r.in_cat_key = t.pith_number + ' ' + coalesce(c.primary_cat, '') + ' '
                 + coalesce(c.submitted_at, '~') + ' ' + c.pith_number
"""
CITES_TO_WORK_KEYS: LiteralString = """
  r.out_key = c.pith_number + ' ~ ~' + w.kind + ':' + w.value,
  r.in_key = null, r.out_cat_key = null, r.in_cat_key = null
"""


# ``USING INDEX SEEK``: a plan cached while the graph was small could otherwise scan a whole index
# and filter it. One row per page key. Of the four row lists exactly one can be non-empty: the parameters give
# the other seeks null bounds, and a seek with a null bound reads nothing.
def _page_query(order: LiteralString, paper: LiteralString) -> LiteralString:
    """The page query, ascending (``order=""``) or descending (``order=" DESC"``), projecting
    neighbour papers ``q`` with ``paper``: one text, so the variants cannot drift apart."""
    return (
        """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
OPTIONAL MATCH (p:Paper {pith_number: k.pith})
WITH i, k, CASE
  WHEN p IS NULL OR NOT k.degree THEN null
  WHEN k.direction = 'in' THEN COUNT { (p)<-[:CITES]-() }
  ELSE COUNT { (p)-[:CITES]->() } END AS degree
CALL (k) {
  MATCH (q)-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_key)
    WHERE r.in_key > k.in_plain.lo AND r.in_key < k.in_plain.hi
  WITH q, r ORDER BY r.in_key"""
        + order
        + """ LIMIT $limit
  RETURN collect({key: r.in_key, position: r.position, raw: r.raw, paper: q """
        + paper
        + """}) AS in_plain
}
CALL (k) {
  MATCH ()-[r:CITES]->(q)
    USING INDEX SEEK r:CITES(out_key)
    WHERE r.out_key > k.out_plain.lo AND r.out_key < k.out_plain.hi
  WITH q, r ORDER BY r.out_key"""
        + order
        + """ LIMIT $limit
  RETURN collect({key: r.out_key, position: r.position, raw: r.raw,
    paper: CASE WHEN q:Paper THEN q """
        + paper
        + """ END,
    work: CASE WHEN q:Work THEN q {.kind, .value} END}) AS out_plain
}
CALL (k) {
  UNWIND k.in_cats AS span
  CALL (span) {
    MATCH (q)-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_cat_key)
    WHERE r.in_cat_key > span.lo AND r.in_cat_key < span.hi
    RETURN q, r ORDER BY r.in_cat_key"""
        + order
        + """ LIMIT $limit
  }
  WITH q, r ORDER BY r.in_key"""
        + order
        + """ LIMIT $limit
  RETURN collect({key: r.in_key, position: r.position, raw: r.raw, paper: q """
        + paper
        + """}) AS in_cats
}
CALL (k) {
  UNWIND k.out_cats AS span
  CALL (span) {
    MATCH ()-[r:CITES]->(q)
    USING INDEX SEEK r:CITES(out_cat_key)
    WHERE r.out_cat_key > span.lo AND r.out_cat_key < span.hi
    RETURN q, r ORDER BY r.out_cat_key"""
        + order
        + """ LIMIT $limit
  }
  WITH q, r ORDER BY r.out_key"""
        + order
        + """ LIMIT $limit
  RETURN collect({key: r.out_key, position: r.position, raw: r.raw, paper: q """
        + paper
        + """}) AS out_cats
}
CALL (k) {
  MATCH ()-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_cat_key)
    WHERE r.in_cat_key > k.in_scan.lo AND r.in_cat_key < k.in_scan.hi
  WITH split(substring(r.in_cat_key, size(k.pith) + 1), ' ') AS parts
  WITH parts[0] AS category, toInteger(substring(parts[1], 0, 4)) AS year, count(*) AS n
  RETURN collect({category: category, year: year, count: n}) AS in_cells
}
CALL (k) {
  MATCH ()-[r:CITES]->()
    USING INDEX SEEK r:CITES(out_cat_key)
    WHERE r.out_cat_key > k.out_scan.lo AND r.out_cat_key < k.out_scan.hi
  WITH split(substring(r.out_cat_key, size(k.pith) + 1), ' ') AS parts
  WITH parts[0] AS category, toInteger(substring(parts[1], 0, 4)) AS year, count(*) AS n
  RETURN collect({category: category, year: year, count: n}) AS out_cells
}
RETURN i, degree, in_plain + out_plain + in_cats + out_cats AS rows, in_cells + out_cells AS cells
"""
    )


# The neighbours' projection by (with aliases, brief): the listing properties, or PAPER_BRIEF's
# when the page shows no more (half the database and decoding cost), with or without aliases.
_NEIGHBOUR_FIELDS: dict[tuple[bool, bool], LiteralString] = {
    (False, False): PAPER_FIELDS,
    (True, False): PAPER_FIELDS_WITH_ALIASES,
    (False, True): PAPER_BRIEF,
    (True, True): PAPER_BRIEF_WITH_ALIASES,
}
# By (descending, with aliases, brief).
_PAGES: dict[tuple[bool, bool, bool], LiteralString] = {
    (descending, aliases, brief): _page_query(" DESC" if descending else "", fields)
    for descending in (False, True)
    for (aliases, brief), fields in _NEIGHBOUR_FIELDS.items()
}


# Bounds of the sort-key part of a range: '' is below every sort key; None means "no upper
# bound" (the owner prefix's successor is used). A year's keys lie strictly between 'YYYY' and
# 'YYYY~' (they continue with '-'); works ('~ ~…') are outside every year.
_NO_KEYS = ("", "")


@dataclass(frozen=True, slots=True)
class PageKey:
    """One page request; hashable so DataLoaders can de-duplicate it.

    ``total``/``facets`` say whether the count and the facets are wanted (they cost a scan of the
    paper's category keys when a filter is set or facets are asked for); ``aliases`` whether
    the neighbours' rows carry their aliases; ``brief`` whether PAPER_BRIEF's properties are
    all they need."""

    pith: str
    direction: str  # "out" (references) | "in" (citations)
    first: int
    after: tuple[str, str] | None = None
    descending: bool = False
    categories: tuple[str, ...] | None = None
    year: int | None = None
    facets: bool = True
    total: bool = True
    aliases: bool = False
    brief: bool = False

    @property
    def filtered(self) -> bool:
        return self.categories is not None or self.year is not None

    def _sort_bounds(self) -> tuple[str, str | None]:
        lo, hi = "", None
        if self.year is not None:
            if not 0 <= self.year <= 9999:
                return _NO_KEYS
            lo, hi = f"{self.year:04d}", f"{self.year:04d}~"
        if self.after is not None:
            key = f"{self.after[0]} {self.after[1]}"
            if self.descending:
                hi = key if hi is None else min(hi, key)
            else:
                lo = max(lo, key)
        return lo, hi

    @staticmethod
    def _span(prefix: str, bounds: tuple[str, str | None]) -> dict[str, str]:
        # Every key of the owner starts with ``prefix`` (which ends with ' '); '!' follows ' '.
        lo, hi = bounds
        return {"lo": prefix + lo, "hi": prefix + hi if hi is not None else prefix[:-1] + "!"}

    def to_param(self) -> dict[str, Any]:
        owner = self.pith + " "
        bounds = self._sort_bounds()
        plain, spans = None, []
        if self.categories is None:
            plain = self._span(owner, bounds)
        else:
            spans = [
                self._span(owner + c + " ", bounds) if _plain_category(c) else {"lo": "", "hi": ""}
                for c in sorted(set(self.categories))
            ]
        scan = None
        if self.facets or (self.total and self.filtered):
            scan = self._span(owner, ("", None))
        inward = self.direction == "in"
        return {
            "pith": self.pith,
            "direction": self.direction,
            "degree": self.total and not self.filtered,
            "in_plain": plain if inward else None,
            "out_plain": None if inward else plain,
            "in_cats": spans if inward else [],
            "out_cats": [] if inward else spans,
            "in_scan": scan if inward else None,
            "out_scan": None if inward else scan,
        }

    def keeps(self, category: str, year: int | None) -> bool:
        """Does a neighbour with this category and year pass the filters?"""
        return (self.categories is None or category in self.categories) and (
            self.year is None or year == self.year
        )


def _plain_category(category: str) -> bool:
    # A category with a space or control character would seek inside another category's keys.
    return bool(category) and all(ch > " " for ch in category)


@dataclass(frozen=True, slots=True)
class NeighbourPage:
    """One page: rows (``s``/``t`` sort key, ``position``, ``raw``, ``paper`` or ``work``), whether
    more follow, the filtered total (``None`` when not asked for) and the facets of the whole list
    and of the filtered list (empty when not asked for)."""

    rows: list[dict[str, Any]]
    has_next: bool
    total: int | None
    by_category: list[dict[str, Any]]
    by_year: list[dict[str, Any]]
    filtered_by_category: list[dict[str, Any]]
    filtered_by_year: list[dict[str, Any]]


def _facets(cells: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    counts: dict[Any, int] = {}
    for cell in cells:
        counts[cell[field]] = counts.get(cell[field], 0) + cell["count"]
    if field == "category":  # most frequent first
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    else:  # by year
        order = sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    return [{"value": v, "count": n} for v, n in order]


def _row(pith: str, row: dict[str, Any]) -> dict[str, Any]:
    s, t = row["key"][len(pith) + 1 :].split(" ", 1)
    return {
        "s": s,
        "t": t,
        "position": row.get("position"),
        "raw": row.get("raw"),
        "paper": dict(row["paper"]) if row.get("paper") is not None else None,
        "work": dict(row["work"]) if row.get("work") is not None else None,
    }


def _page(record: Record, key: PageKey) -> NeighbourPage:
    rows = [_row(key.pith, dict(r)) for r in record["rows"]]
    cells = [dict(c) for c in record["cells"]]
    kept = [c for c in cells if key.keeps(c["category"], c["year"])]
    total = record["degree"] if not key.filtered else sum(c["count"] for c in kept)
    return NeighbourPage(
        rows=rows[: key.first],
        has_next=len(rows) > key.first,
        total=total if key.total else None,
        by_category=_facets(cells, "category") if key.facets else [],
        by_year=_facets(cells, "year") if key.facets else [],
        filtered_by_category=_facets(kept, "category") if key.facets else [],
        filtered_by_year=_facets(kept, "year") if key.facets else [],
    )


def _empty(key: PageKey) -> NeighbourPage:
    return NeighbourPage([], False, 0 if key.total else None, [], [], [], [])


async def neighbour_pages(
    driver: AsyncDriver, database: str, keys: Sequence[PageKey]
) -> list[NeighbourPage]:
    """One page per key, in key order (an unknown paper gives an empty page).

    Keys sorted ascending and descending need different ``ORDER BY`` clauses, so a batch mixing
    both takes two queries. When one key of an order wants aliases, all of that order's rows
    carry them (an unused list is cheaper than another round trip); rows are brief only when
    every key of the order is.
    """
    out = [_empty(k) for k in keys]
    for descending in (False, True):
        index = [i for i, k in enumerate(keys) if k.descending is descending]
        if not index:
            continue
        query = _PAGES[
            (
                descending,
                any(keys[i].aliases for i in index),
                all(keys[i].brief for i in index),
            )
        ]
        records = await read_async(
            driver,
            database,
            query,
            keys=[keys[i].to_param() for i in index],
            limit=max(keys[i].first for i in index) + 1,
        )
        for record in records:
            j = index[record["i"]]
            out[j] = _page(record, keys[j])
    return out
