"""Dashboard reads over the whole registry: paper lists, aggregates, citation trends, related papers
and the frontier steps of a citation-path search. Literal queries, parameters only.

They read the stored counts of :mod:`pith_graph.store.counts` (``citation_count``,
``reference_count``) and the indexes of ``neo4j/migrations/0100_paper_counts.cypher``:

* ``papers`` ordered ``MOST_CITED`` is a backward range scan of ``(citation_count, pith_number)``
  (``citedByAtLeast`` is the lower bound of that range, the keyset cursor its upper bound); the
  submission orders scan ``(submitted_at, pith_number)`` (a year range is a range of it). The
  other filters are checked on the scanned nodes, and the scan stops at ``first + 1`` hits.
* ``citationsByYear`` reads a paper's ``in_key`` range of the CITES sort-key index
  (``store/citations.py``): the citing paper's year is the first four characters of its part of
  the key, so no citing node is read.
* ``related`` counts two-hop neighbours (co-cited: ``p <- s -> q``; coupled: ``p -> s <- q``) in
  one pass from ``p`` (exact scores over every neighbour: its cost is the sum of the stored counts
  of ``p``'s citing papers or references, read first and bounded); coupling reads its second hop
  from the CITES sort-key index (pith numbers, no citing node read), co-citation expands it.

A *filter* parameter is a map ``{latest_only, categories, primary_only, year_from, year_to,
min_cited, license, has_findings}`` (``categories``/``year_*``/``license``/``has_findings`` null
when not filtered), built by :mod:`pith_graph.service.dashboards`. ``has_findings`` reads the
integrity layer's model: a paper has findings when an active ``(:IntegrityFinding)`` points to
it with ``FINDING_OF``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async
from pith_graph.store.papers import PAPER_BRIEF, PAPER_FIELDS

__all__ = [
    "AGGREGATE_KEYS",
    "PAPER_ORDERS",
    "Aggregate",
    "PaperPage",
    "RelatedKey",
    "RelatedPage",
    "aggregate",
    "aggregate_from_cells",
    "aggregate_scan",
    "cells_answer",
    "citations_by_year",
    "expand_frontier",
    "paper_page",
    "papers_in_order",
    "related_pages",
]

# The filter on a paper ``p`` (every part is a no-op when its parameter is null).
_FILTER: LiteralString = """
  ($f.latest_only = false OR p.is_latest = true)
  AND ($f.categories IS NULL OR (CASE WHEN $f.primary_only
        THEN p.primary_cat IN $f.categories
        ELSE any(c IN p.categories WHERE c IN $f.categories) END))
  AND ($f.year_from IS NULL OR p.year >= $f.year_from)
  AND ($f.year_to IS NULL OR p.year <= $f.year_to)
  AND ($f.license IS NULL OR p.license = $f.license)
  AND ($f.min_cited = 0 OR p.citation_count >= $f.min_cited)"""
# ``hasFindings``, only in the queries of a filter that has it: the planner evaluates the EXISTS
# on every scanned paper whatever the parameter (a walk of each paper's relationships).
_FINDINGS: LiteralString = """
  AND $f.has_findings = EXISTS {
        MATCH (finding:IntegrityFinding)-[:FINDING_OF]->(p) WHERE finding.active = true }"""


def _filter(findings: bool) -> LiteralString:
    return _FILTER + _FINDINGS if findings else _FILTER


# The filter on an aggregate cell ``c`` (a PaperCell or a CitationCell: the same dimensions),
# the paper filter of ``_FILTER`` but for ``hasFindings``, which no cell holds, and
# ``citedByAtLeast``, which only the citation-count cells hold (their own range condition).
_CELL_FILTER: LiteralString = """
  ($f.latest_only = false OR c.latest = true)
  AND ($f.categories IS NULL OR (CASE WHEN $f.primary_only
        THEN c.primary IN $f.categories
        ELSE any(x IN c.categories WHERE x IN $f.categories) END))
  AND ($f.year_from IS NULL OR c.year >= $f.year_from)
  AND ($f.year_to IS NULL OR c.year <= $f.year_to)
  AND ($f.license IS NULL OR c.license = $f.license)"""

# The scan of each order: a hinted index range with its keyset condition on the cursor ``$after``
# (``{c, s, t}``: citation count, submission time, pith number of the last row seen).
_SCANS: dict[str, tuple[LiteralString, LiteralString]] = {
    "MOST_CITED": (
        """
MATCH (p:Paper)
  USING INDEX p:Paper(citation_count, pith_number)
  WHERE p.citation_count >= $f.min_cited AND p.citation_count <= $max_cited
    AND p.pith_number IS NOT NULL
    AND ($after IS NULL OR p.citation_count < $after.c
         OR (p.citation_count = $after.c AND p.pith_number < $after.t))
    AND""",
        " ORDER BY p.citation_count DESC, p.pith_number DESC",
    ),
    "SUBMITTED_ASC": (
        """
MATCH (p:Paper)
  USING INDEX p:Paper(submitted_at, pith_number)
  WHERE p.submitted_at >= $lo AND p.submitted_at <= $hi AND p.pith_number IS NOT NULL
    AND ($after IS NULL OR p.submitted_at > $after.s
         OR (p.submitted_at = $after.s AND p.pith_number > $after.t))
    AND""",
        " ORDER BY p.submitted_at, p.pith_number",
    ),
    "SUBMITTED_DESC": (
        """
MATCH (p:Paper)
  USING INDEX p:Paper(submitted_at, pith_number)
  WHERE p.submitted_at >= $lo AND p.submitted_at <= $hi AND p.pith_number IS NOT NULL
    AND ($after IS NULL OR p.submitted_at < $after.s
         OR (p.submitted_at = $after.s AND p.pith_number < $after.t))
    AND""",
        " ORDER BY p.submitted_at DESC, p.pith_number DESC",
    ),
}
PAPER_ORDERS = tuple(_SCANS)

# The total of a filtered list, only when asked for: a scan of the filtered set.
def _total(findings: bool) -> LiteralString:
    return """
CALL () {
  WITH 1 AS one WHERE $want_total
  MATCH (p:Paper)
  WHERE p.submitted_at >= $lo AND p.submitted_at <= $hi AND p.pith_number IS NOT NULL AND""" + _filter(
        findings
    ) + """
  RETURN count(p) AS total
}"""


# The same total read from the aggregate cells (store/counts.py) when they hold every filter.
_TOTAL_FROM_CELLS: LiteralString = """
CALL () {
  WITH 1 AS one WHERE $want_total
  MATCH (c:PaperCell)
  WHERE c.papers > 0 AND""" + _CELL_FILTER + """
  RETURN sum(c.papers) AS total
}"""


# With citedByAtLeast: from the citation-count cells.
_TOTAL_FROM_COUNT_CELLS: LiteralString = """
CALL () {
  WITH 1 AS one WHERE $want_total
  MATCH (c:CitationCountCell)
  WHERE c.citation_count >= $f.min_cited AND c.papers > 0 AND""" + _CELL_FILTER + """
  RETURN sum(c.papers) AS total
}"""
_TOTALS: dict[str, LiteralString] = {
    "cells": _TOTAL_FROM_CELLS,
    "count_cells": _TOTAL_FROM_COUNT_CELLS,
}


def _page_query(order: str, total_from: str, findings: bool) -> LiteralString:
    scan, sort = _SCANS[order]
    return (
        (_TOTALS[total_from] if total_from in _TOTALS else _total(findings))
        + """
CALL () {"""
        + scan
        + _filter(findings)
        + """
  WITH p"""
        + sort
        + """ LIMIT $limit
  RETURN collect(p """
        + PAPER_FIELDS
        + """) AS rows
}
RETURN total, rows
"""
    )


_PAGES: dict[tuple[str, str, bool], LiteralString] = {
    (order, total_from, findings): _page_query(order, total_from, findings)
    for order in PAPER_ORDERS
    for total_from in ("scan", "cells", "count_cells")
    for findings in (False, True)
}

# A grouping key of a paper ``k`` (a list: a paper has several categories).
_KEYS: dict[str, LiteralString] = {
    "PRIMARY_CATEGORY": "[k.primary_cat]",
    "CATEGORY": "coalesce(k.categories, [])",
    "YEAR": "[toString(k.year)]",
    "LICENSE": "[coalesce(k.license, '')]",
    "VERSION_COUNT": "[toString(COUNT { (v:Paper {source_id: k.source_id}) })]",
}
AGGREGATE_KEYS = tuple(_KEYS)

# The filtered set, through the submission index when years bound it (else every paper).
# The scanned set: a year range of the submission index, a range of the citation-count index
# (citedByAtLeast), or every paper.
_SCAN_RANGES: dict[str, LiteralString] = {
    "years": """
MATCH (p:Paper)
  USING INDEX p:Paper(submitted_at, pith_number)
  WHERE p.submitted_at >= $lo AND p.submitted_at <= $hi AND p.pith_number IS NOT NULL""",
    "cited": """
MATCH (p:Paper)
  USING INDEX p:Paper(citation_count, pith_number)
  WHERE p.citation_count >= $f.min_cited AND p.citation_count <= $max_cited
    AND p.pith_number IS NOT NULL""",
    "all": """
MATCH (p:Paper)
  WHERE p.pith_number IS NOT NULL""",
}
_SETS: dict[str, LiteralString] = {scan: range_ + " AND" for scan, range_ in _SCAN_RANGES.items()}
SCANS = tuple(_SCAN_RANGES)


def _aggregate_query(key: str, citations: bool, scan: str, findings: bool) -> LiteralString:
    filter_ = _filter(findings)
    if citations:  # the CITES edges into the set, grouped by their citing paper ``k``
        groups: LiteralString = """
  CALL (p) {
    MATCH (k:Paper)-[:CITES]->(p)
    UNWIND """ + _KEYS[key] + """ AS key
    RETURN key, count(*) AS n
  }"""
        total: LiteralString = "sum(p.citation_count)"
        cost: LiteralString = (
            "count(p) + sum(CASE WHEN" + filter_ + " THEN p.citation_count ELSE 0 END)"
        )
    else:
        groups = """
  WITH p AS k
  UNWIND """ + _KEYS[key] + """ AS key
  WITH key, 1 AS n"""
        total = "count(p)"
        cost = "count(p)"
    # First the cost, capped: the index entries of the range (and, of citations, the citations
    # into the filtered papers; only the first $cap entries are read); over the cap nothing else is read. The total
    # is a second pass only when a paper can have several keys (categories); for the other keys
    # it is the sum of the groups.
    return (
        """
CALL () {"""
        + _SCAN_RANGES[scan]
        + """
  WITH p LIMIT $cap
  RETURN """
        + cost
        + """ AS cost
}
CALL (cost) {
  WITH 1 AS one WHERE $want_total AND cost < $cap"""
        + _SETS[scan]
        + filter_
        + """
  RETURN """
        + total
        + """ AS total
}
CALL (cost) {
  WITH 1 AS one WHERE cost < $cap"""
        + _SETS[scan]
        + filter_
        + groups
        + """
  WITH key, sum(n) AS n
  RETURN collect({key: key, count: n}) AS groups
}
RETURN cost, total, groups
"""
    )


_AGGREGATES: dict[tuple[str, bool, str, bool], LiteralString] = {
    (key, citations, scan, findings): _aggregate_query(key, citations, scan, findings)
    for key in AGGREGATE_KEYS
    for citations in (False, True)
    for scan in SCANS
    for findings in (False, True)
}

_BY_YEAR: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {
  MATCH ()-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_key)
    WHERE r.in_key > $keys[i] + ' ' AND r.in_key < $keys[i] + '!'
  WITH toInteger(substring(r.in_key, size($keys[i]) + 1, 4)) AS year, count(*) AS n
  ORDER BY year
  RETURN collect({year: year, count: n}) AS years
}
RETURN i, years
ORDER BY i
"""


# Both relations first read the cost from the stored counts of the paper's neighbours ``s`` (the
# two-hop rows the pass would read; at most $cap neighbours are read, each counting at least one
# row): over $cap nothing else is read. Then one pass over the two-hop rows scores every related
# paper (the number of shared papers reaching it), and the page is the top of that list in
# (score DESC, pith_number) order after the keyset cursor. The two relations walk the second hop
# differently, each the way that measured faster on the million-paper graph:
_RELATED_COST: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {
  MATCH """

# Co-citation, ``p <- s -> q``: ``p``'s citing papers ``s`` are many and each cites a few papers,
# which an expansion from the already-read ``s`` reaches cheapest; the pass keeps the shared
# ``s`` of each ``q`` for the evidence. (Matching the evidence again per returned paper started
# from ``q``, a highly cited paper for the top scores, read its citations: most of the time.)
def _cocitation(fields: LiteralString) -> LiteralString:
    return (
    _RELATED_COST
    + """(:Paper {pith_number: k.pith})<-[:CITES]-(s:Paper)
  WITH s LIMIT $cap
  RETURN count(s) + sum(coalesce(s.reference_count, 0)) AS cost
}
CALL (k, cost) {
  WITH 1 AS one WHERE cost <= $cap
  MATCH (p:Paper {pith_number: k.pith})<-[:CITES]-(s:Paper)-[:CITES]->(q:Paper)
  WHERE q <> p
  WITH q, count(*) AS score, collect(s) AS via
  RETURN count(q) AS total, collect({q: q, score: score, via: via}) AS all
}
CALL (k, cost, all) {
  WITH 1 AS one WHERE cost <= $cap
  UNWIND all AS cand
  WITH cand.q AS q, cand.score AS score, cand.via AS via
  WHERE k.after IS NULL OR score < k.after.score
        OR (score = k.after.score AND q.pith_number > k.after.t)
  WITH q, score, via ORDER BY score DESC, q.pith_number LIMIT $limit
  RETURN collect({score: score, paper: q """
    + fields
    + """,
    shared: COLLECT { UNWIND via AS s WITH s ORDER BY s.pith_number LIMIT $evidence RETURN s """
    + fields
    + """ AS s }}) AS rows
}
RETURN i, cost, total, rows
ORDER BY i
"""
)

# Bibliographic coupling, ``p -> s <- q``: ``p``'s references ``s`` are few and each is cited by
# many papers. An expansion would read every citing node ``q`` (to check its label and identity),
# one random read per two-hop row; the ``in_key`` range of ``s`` (``store/citations.py``: the
# cited pith number, the citing paper's submission time and pith number) lists the same citing
# papers contiguously, their pith numbers in the index entries. So the pass scores pith numbers
# read from ``in_key`` ranges, reads only the page's papers, and takes each one's evidence from
# its own ``out_key`` range (its references, keyed the same way) met with ``p``'s references:
# 2-3x faster than the expansion at a million papers, the same answers.
def _coupling(fields: LiteralString) -> LiteralString:
    return (
    _RELATED_COST
    + """(:Paper {pith_number: k.pith})-[:CITES]->(s:Paper)
  WITH s LIMIT $cap
  RETURN count(s) + sum(coalesce(s.citation_count, 0)) AS cost, collect(s.pith_number) AS refs
}
CALL (k, cost, refs) {
  WITH 1 AS one WHERE cost <= $cap
  UNWIND refs AS ref
  MATCH ()-[r:CITES]->()
    USING INDEX SEEK r:CITES(in_key)
    WHERE r.in_key > ref + ' ' AND r.in_key < ref + '!'
  WITH split(r.in_key, ' ')[2] AS t
  WHERE t <> k.pith
  WITH t, count(*) AS score
  RETURN count(t) AS total, collect([score, t]) AS all
}
CALL (k, cost, refs, all) {
  WITH 1 AS one WHERE cost <= $cap
  UNWIND all AS cand
  WITH cand[0] AS score, cand[1] AS t
  WHERE k.after IS NULL OR score < k.after.score
        OR (score = k.after.score AND t > k.after.t)
  WITH score, t ORDER BY score DESC, t LIMIT $limit
  MATCH (q:Paper {pith_number: t})
  RETURN collect({score: score, paper: q """
    + fields
    + """,
    shared: COLLECT {
      MATCH ()-[r:CITES]->()
        USING INDEX SEEK r:CITES(out_key)
        WHERE r.out_key > t + ' ' AND r.out_key < t + '!'
      WITH split(r.out_key, ' ')[2] AS shared WHERE shared IN refs
      WITH shared ORDER BY shared LIMIT $evidence
      MATCH (s:Paper {pith_number: shared})
      RETURN s """
    + fields
    + """ AS s }}) AS rows
}
RETURN i, cost, total, rows
ORDER BY i
"""
)

# By (relation, brief): the page's papers and their evidence as listing rows or brief rows
# (PAPER_BRIEF: half the property reads of a page's papers and shared papers, most of a page's
# time once the pass is an index read).
_RELATED: dict[tuple[str, bool], LiteralString] = {
    (by, brief): build(PAPER_BRIEF if brief else PAPER_FIELDS)
    for by, build in (("COCITATION", _cocitation), ("COUPLING", _coupling))
    for brief in (False, True)
}

# One record holding every row as a list: the driver's cost per record, not Neo4j's, was most of
# a step's time (a step of a thousand citations: 40 ms as records, 6 ms as one list).
_EXPAND: dict[str, LiteralString] = {
    "out": """
UNWIND $piths AS pn
MATCH (:Paper {pith_number: pn})-[:CITES]->(q:Paper)
RETURN collect([pn, q.pith_number, q.citation_count, q.reference_count, true]) AS rows
""",
    "in": """
UNWIND $piths AS pn
MATCH (:Paper {pith_number: pn})<-[:CITES]-(q:Paper)
RETURN collect([pn, q.pith_number, q.citation_count, q.reference_count, false]) AS rows
""",
    "both": """
UNWIND $piths AS pn
MATCH (p:Paper {pith_number: pn})-[r:CITES]-(q:Paper)
RETURN collect([pn, q.pith_number, q.citation_count, q.reference_count, startNode(r) = p])
       AS rows
""",
}

_PAPERS_IN_ORDER: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (p:Paper {pith_number: $keys[i]})
RETURN i, p """ + PAPER_FIELDS + """ AS paper
ORDER BY i
"""

_CELL_KEYS: dict[str, LiteralString] = {
    "PRIMARY_CATEGORY": "[c.primary]",
    "CATEGORY": "c.categories",
    "YEAR": "[toString(c.year)]",
    "LICENSE": "[c.license]",
    "VERSION_COUNT": "[toString(c.versions)]",
}


def _cells_query(key: str, label: str) -> LiteralString:
    match: LiteralString = (
        """
MATCH (c:CitationCountCell)
WHERE c.citation_count >= $f.min_cited AND c.papers > 0 AND"""
        if label == "CitationCountCell"
        else """
MATCH (c:PaperCell)
WHERE c.papers > 0 AND"""
    )
    return (
        match
        + _CELL_FILTER
        + """
WITH collect(c) AS cells
RETURN reduce(t = 0, c IN cells | t + c.papers) AS total,
       COLLECT { UNWIND cells AS c UNWIND """
        + _CELL_KEYS[key]
        + """ AS key
                 WITH key, sum(c.papers) AS n RETURN {key: key, count: n} } AS groups
"""
    )


_CELLS: dict[tuple[str, str], LiteralString] = {
    (key, label): _cells_query(key, label)
    for key in _CELL_KEYS
    for label in ("PaperCell", "CitationCountCell")
}

_CITATION_YEAR_CELLS: LiteralString = (
    """
MATCH (c:CitationCell)
WHERE c.n > 0 AND"""
    + _CELL_FILTER
    + """
WITH c.citing_year AS year, sum(c.n) AS n
WITH collect({key: toString(year), count: n}) AS groups, sum(n) AS total
RETURN total, groups
"""
)

# Above every stored count (the upper bound of the MOST_CITED range before any cursor).
_MAX_COUNT = 2**62


@dataclass(frozen=True, slots=True)
class PaperPage:
    """Rows (listing properties) of one page, whether more follow, and the total if asked for."""

    rows: list[dict[str, Any]]
    has_next: bool
    total: int | None


def _year_bounds(flt: dict[str, Any]) -> tuple[str, str]:
    # submitted_at is 'YYYY-MM-DDTHH:MM:SSZ': a year's times lie between 'YYYY' and 'YYYY~'.
    lo = f"{flt['year_from']:04d}" if flt.get("year_from") is not None else ""
    hi = f"{flt['year_to']:04d}~" if flt.get("year_to") is not None else "~"
    return lo, hi


async def paper_page(
    driver: AsyncDriver,
    database: str,
    flt: dict[str, Any],
    order: str,
    first: int,
    after: dict[str, Any] | None,
    want_total: bool,
) -> PaperPage:
    """One keyset page of the papers passing ``flt`` in ``order`` (one query)."""
    lo, hi = _year_bounds(flt)
    records = await read_async(
        driver,
        database,
        _PAGES[(order, _total_from(flt), flt.get("has_findings") is not None)],
        f=flt,
        lo=lo,
        hi=hi,
        max_cited=_MAX_COUNT,
        after=after,
        limit=first + 1,
        want_total=want_total,
    )
    rows = [dict(r) for r in records[0]["rows"]]
    return PaperPage(rows[:first], len(rows) > first, records[0]["total"] if want_total else None)


@dataclass(frozen=True, slots=True)
class Aggregate:
    total: int
    groups: list[dict[str, Any]]  # {key, count}, unordered


def cells_answer(flt: dict[str, Any], key: str, citations: bool) -> bool:
    """Whether the aggregate cells answer this aggregate exactly: filters on the cells'
    dimensions (and, of papers, ``citedByAtLeast``: the citation-count cells) only, and (of
    citations) grouped by the citing paper's year."""
    if flt.get("has_findings") is not None:
        return False
    if citations:
        return key == "YEAR" and flt.get("min_cited", 0) == 0
    return True


def _total_from(flt: dict[str, Any]) -> str:
    """Where a list's total is read: ``cells``, ``count_cells`` or ``scan`` of the papers."""
    if not cells_answer(flt, "YEAR", False):
        return "scan"
    return "count_cells" if flt.get("min_cited", 0) > 0 else "cells"


async def aggregate_from_cells(
    driver: AsyncDriver, database: str, flt: dict[str, Any], key: str, citations: bool
) -> Aggregate:
    """:func:`aggregate` read from the cells (:mod:`pith_graph.store.counts`): O(cells), one
    query; only where :func:`cells_answer` says so."""
    if citations:
        query = _CITATION_YEAR_CELLS
    else:
        label = "CitationCountCell" if flt.get("min_cited", 0) > 0 else "PaperCell"
        query = _CELLS[(key, label)]
    records = await read_async(driver, database, query, f=flt)
    return Aggregate(int(records[0]["total"] or 0), [dict(g) for g in records[0]["groups"]])


def aggregate_scan(flt: dict[str, Any]) -> str:
    """The index range :func:`aggregate` scans for ``flt``."""
    if flt.get("min_cited", 0) > 0:
        return "cited"
    if flt.get("year_from") is not None or flt.get("year_to") is not None:
        return "years"
    return "all"


async def aggregate(
    driver: AsyncDriver,
    database: str,
    flt: dict[str, Any],
    key: str,
    citations: bool,
    max_cost: int,
) -> Aggregate | None:
    """Counts of the filtered papers (or of the citations into them) per value of ``key``, and
    their total, by a scan of the papers (one query); ``None`` when the scan would read more than
    ``max_cost`` index entries and citations (then it reads at most ``max_cost`` entries)."""
    lo, hi = _year_bounds(flt)
    multi = key == "CATEGORY"
    records = await read_async(
        driver,
        database,
        _AGGREGATES[(key, citations, aggregate_scan(flt), flt.get("has_findings") is not None)],
        f=flt,
        lo=lo,
        hi=hi,
        max_cited=_MAX_COUNT,
        cap=max_cost + 1,
        want_total=multi,
    )
    if records[0]["cost"] > max_cost:
        return None
    groups = [dict(g) for g in records[0]["groups"]]
    total = int(records[0]["total"] or 0) if multi else sum(g["count"] for g in groups)
    return Aggregate(total, groups)


async def citations_by_year(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[list[dict[str, int]]]:
    """For each pith number, ``[{year, count}]`` of its citing papers, by year ascending."""
    records = await read_async(driver, database, _BY_YEAR, keys=list(piths))
    return [[dict(y) for y in r["years"]] for r in records]


@dataclass(frozen=True, slots=True)
class RelatedKey:
    """One ``related`` page request (hashable, for the DataLoader)."""

    pith: str
    by: str  # "COCITATION" | "COUPLING"
    first: int
    after: tuple[int, str] | None = None
    brief: bool = False  # rows of PAPER_BRIEF's properties (paper and evidence), not the listing

    def to_param(self) -> dict[str, Any]:
        after = {"score": self.after[0], "t": self.after[1]} if self.after is not None else None
        return {"pith": self.pith, "first": self.first, "after": after}


@dataclass(frozen=True, slots=True)
class RelatedPage:
    """Rows ``{score, paper, shared}``, whether more follow, and how many papers are related;
    ``over_cost``: not computed, the two-hop pass would read more rows than allowed."""

    rows: list[dict[str, Any]]
    has_next: bool
    total: int
    over_cost: bool = False


async def related_pages(
    driver: AsyncDriver,
    database: str,
    keys: Sequence[RelatedKey],
    evidence: int,
    max_cost: int,
) -> list[RelatedPage]:
    """One page per key, in key order: one query per kind of relation in the batch. A key whose
    pass would read more than ``max_cost`` two-hop rows (by the stored counts of its paper's
    neighbours) is not computed: its page says ``over_cost``."""
    out = [RelatedPage([], False, 0) for _ in keys]
    for (by, brief), query in _RELATED.items():
        index = [i for i, k in enumerate(keys) if k.by == by and k.brief == brief]
        if not index:
            continue
        records = await read_async(
            driver,
            database,
            query,
            keys=[keys[i].to_param() for i in index],
            limit=max(keys[i].first for i in index) + 1,
            evidence=evidence,
            cap=max_cost,
        )
        for record in records:
            j = index[record["i"]]
            if record["cost"] > max_cost:
                out[j] = RelatedPage([], False, 0, over_cost=True)
                continue
            rows = [
                {
                    "score": r["score"],
                    "paper": dict(r["paper"]),
                    "shared": [dict(s) for s in r["shared"]],
                }
                for r in record["rows"]
            ]
            first = keys[j].first
            out[j] = RelatedPage(rows[:first], len(rows) > first, int(record["total"]))
    return out


async def expand_frontier(
    driver: AsyncDriver, database: str, piths: Sequence[str], direction: str
) -> list[tuple[str, str, int, int, bool]]:
    """``(parent, child, child's citation count, child's reference count, parent cites child)``
    for every citation between a paper of ``piths`` and another paper: ``out`` = the papers it
    cites, ``in`` = the papers citing it, ``both`` (a pair citing each other gives two rows)."""
    records = await read_async(driver, database, _EXPAND[direction], piths=list(piths))
    return [
        (parent, child, int(cited or 0), int(cites or 0), bool(outward))
        for parent, child, cited, cites, outward in records[0]["rows"]
    ]


async def papers_in_order(
    driver: AsyncDriver, database: str, piths: Sequence[str]
) -> list[dict[str, Any] | None]:
    """The listing properties of each pith number (``None`` when unknown), in order."""
    records = await read_async(driver, database, _PAPERS_IN_ORDER, keys=list(piths))
    return [dict(r["paper"]) if r["paper"] is not None else None for r in records]
