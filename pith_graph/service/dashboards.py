"""Dashboard use cases: filtered paper lists, aggregates, related papers and citation paths.

Inputs are checked here, before any query: a refused request never reaches Neo4j. The citation
path is a bidirectional breadth-first search run level by level (one query per level): each step
expands whichever side's frontier is cheaper, the cost of a frontier being the sum of its stored
counts (the CITES edges the step would read), and the search is refused with
``QUERY_TOO_COMPLEX`` before a step that would take it over :data:`MAX_PATH_COST` edges in all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver

from pith_graph.service.errors import BadInput, TooCostly
from pith_graph.service.resolution import require_found, resolve_aliases
from pith_graph.store import dashboards as store
from pith_graph.store.dashboards import (
    AGGREGATE_KEYS,
    PAPER_ORDERS,
    Aggregate,
    PaperPage,
    RelatedKey,
    RelatedPage,
)

__all__ = [
    "EVIDENCE",
    "MAX_AGGREGATE_COST",
    "MAX_CATEGORIES",
    "MAX_PATH_COST",
    "MAX_PATH_DEPTH",
    "MAX_RELATED_COST",
    "CitationPath",
    "PaperFilter",
    "aggregate_papers",
    "citation_path",
    "list_papers",
    "related_pages",
]

MAX_CATEGORIES = 50
MAX_PATH_DEPTH = 10
# CITES edges a path search may read in all (a typical pair of a million-paper graph needs a few
# thousand; a search between hubs that would read more is refused, not left to the timeout).
MAX_PATH_COST = 200_000
# Papers and citations an aggregate the cells cannot answer (hasFindings; of citations,
# citedByAtLeast or another key than the citing year) may read on its scan; over it, refused.
MAX_AGGREGATE_COST = 200_000
# Two-hop rows a `related` page may read (the sum of the stored counts of the paper's citing
# papers, co-citation, or of its references, coupling): the median paper of a hep-th-like graph
# needs a few hundred, the largest of a 300k-paper graph about 22,000; over it, refused.
MAX_RELATED_COST = 200_000
# Shared papers shown as the evidence of a related paper.
EVIDENCE = 3
_MAX_YEAR = 9999
_MAX_LICENSE = 500


@dataclass(frozen=True, slots=True)
class PaperFilter:
    """Which papers a list or an aggregate covers (every field optional)."""

    categories: tuple[str, ...] | None = None
    primary_only: bool = False
    year_from: int | None = None
    year_to: int | None = None
    cited_by_at_least: int | None = None
    license: str | None = None
    latest_only: bool = True
    has_findings: bool | None = None

    def to_param(self) -> dict[str, Any]:
        """The store's filter map; :class:`BadInput` for values no paper can have asked badly."""
        if self.categories is not None and len(self.categories) > MAX_CATEGORIES:
            raise BadInput(f"categories: at most {MAX_CATEGORIES}, got {len(self.categories)}")
        for name, year in (("yearFrom", self.year_from), ("yearTo", self.year_to)):
            if year is not None and not 0 <= year <= _MAX_YEAR:
                raise BadInput(f"{name} must be 0..{_MAX_YEAR}, got {year}")
        if self.cited_by_at_least is not None and self.cited_by_at_least < 0:
            raise BadInput(f"citedByAtLeast must be >= 0, got {self.cited_by_at_least}")
        if self.license is not None and len(self.license) > _MAX_LICENSE:
            raise BadInput(f"license: at most {_MAX_LICENSE} characters")
        return {
            "latest_only": self.latest_only,
            "categories": sorted(set(self.categories)) if self.categories is not None else None,
            "primary_only": self.primary_only,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "min_cited": self.cited_by_at_least or 0,
            "license": self.license,
            "has_findings": self.has_findings,
        }


def order_key(order: str, row: dict[str, Any]) -> list[Any]:
    """The keyset cursor of a row in ``order``: its sort key."""
    if order == "MOST_CITED":
        return [int(row.get("citation_count") or 0), row["pith_number"]]
    return [row["submitted_at"], row["pith_number"]]


def _after(order: str, key: Sequence[Any] | None) -> dict[str, Any] | None:
    if key is None:
        return None
    if order == "MOST_CITED":
        return {"c": key[0], "t": key[1]}
    return {"s": key[0], "t": key[1]}


async def list_papers(
    driver: AsyncDriver,
    database: str,
    flt: PaperFilter,
    order: str,
    first: int,
    after: Sequence[Any] | None,
    want_total: bool,
) -> PaperPage:
    """One keyset page of the registry's papers (``after``: the cursor's decoded sort key)."""
    if order not in PAPER_ORDERS:
        raise BadInput(f"order: one of {', '.join(PAPER_ORDERS)}")
    return await store.paper_page(
        driver, database, flt.to_param(), order, first, _after(order, after), want_total
    )


_NUMERIC_KEYS = frozenset({"YEAR", "VERSION_COUNT"})


async def aggregate_papers(
    driver: AsyncDriver, database: str, flt: PaperFilter, key: str, citations: bool
) -> Aggregate:
    """The filtered papers (or the citations into them, by citing paper) grouped by ``key``:
    numeric keys in ascending order, the others most frequent first (ties by key)."""
    if key not in AGGREGATE_KEYS:
        raise BadInput(f"groupBy: one of {', '.join(AGGREGATE_KEYS)}")
    param = flt.to_param()
    if store.cells_answer(param, key, citations):
        result = await store.aggregate_from_cells(driver, database, param, key, citations)
    else:
        scanned = await store.aggregate(
            driver, database, param, key, citations, MAX_AGGREGATE_COST
        )
        if scanned is None:
            raise TooCostly(
                f"this aggregate would read more than {MAX_AGGREGATE_COST:,} papers and "
                "citations: narrow it (years, a higher citedByAtLeast), or leave out "
                "hasFindings (and, of: CITATIONS, citedByAtLeast, and group by YEAR)"
            )
        result = scanned
    groups = [{"key": g["key"] if g["key"] is not None else "", "count": g["count"]} for g in result.groups]
    if key in _NUMERIC_KEYS:
        groups.sort(key=lambda g: (not g["key"].isdigit(), int(g["key"]) if g["key"].isdigit() else 0))
    else:
        groups.sort(key=lambda g: (-g["count"], g["key"]))
    return Aggregate(result.total, groups)


async def related_pages(
    driver: AsyncDriver, database: str, keys: Sequence[RelatedKey]
) -> list[RelatedPage | TooCostly]:
    """One ``related`` page per key (a batch of one resolver level), or, for a paper whose
    related papers would read more than :data:`MAX_RELATED_COST` rows, the refusal."""
    pages = await store.related_pages(driver, database, keys, EVIDENCE, MAX_RELATED_COST)
    return [
        TooCostly(
            f"related(by: {key.by}) of {key.pith} would read more than {MAX_RELATED_COST:,} "
            "citations of its neighbours: try the other relation"
        )
        if page.over_cost
        else page
        for key, page in zip(keys, pages, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class CitationPath:
    """``papers`` (listing rows) from ``from`` to ``to`` inclusive; ``length`` = citations in it;
    ``citations`` the (citing, cited) pith numbers of each step, in chain order."""

    found: bool
    length: int | None
    papers: list[dict[str, Any]]
    citations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Side:
    """One side of the search: distances and parents of the papers it reached, and its frontier
    with the cost of expanding it."""

    direction: str  # the CITES direction this side follows: "out", "in" or "both"
    dist: dict[str, int]
    parent: dict[str, str | None]
    # Does a paper's parent cite it (True) or does it cite its parent (False)?
    outward: dict[str, bool]
    frontier: list[str]
    cost: int
    depth: int = 0


def _cost(direction: str, cited: int, cites: int) -> int:
    return {"out": cites, "in": cited, "both": cited + cites}[direction]


async def citation_path(
    driver: AsyncDriver,
    database: str,
    source: str,
    target: str,
    max_depth: int = 6,
    directed: bool = True,
) -> CitationPath:
    """A shortest chain ``source`` cites p1 cites … cites ``target`` (``directed``), or a chain
    of citations either way; papers given by any alias. Ties: the meeting paper and each parent
    are the smallest pith number among the equally short."""
    if not 1 <= max_depth <= MAX_PATH_DEPTH:
        raise BadInput(f"maxDepth must be 1..{MAX_PATH_DEPTH}, got {max_depth}")
    a, b = await resolve_aliases(driver, database, [source, target], projection="listing")
    start, end = require_found(a), require_found(b)
    s, t = start["pith_number"], end["pith_number"]
    if s == t:
        return CitationPath(True, 0, [start])

    def side(row: dict[str, Any], direction: str) -> _Side:
        cost = _cost(direction, int(row.get("citation_count") or 0), int(row.get("reference_count") or 0))
        pith = row["pith_number"]
        return _Side(direction, {pith: 0}, {pith: None}, {}, [pith], cost)

    forward = side(start, "out" if directed else "both")
    backward = side(end, "in" if directed else "both")
    spent = 0
    while forward.depth + backward.depth < max_depth and forward.frontier and backward.frontier:
        this, other = (forward, backward) if forward.cost <= backward.cost else (backward, forward)
        if spent + this.cost > MAX_PATH_COST:
            raise TooCostly(
                f"citationPath: the search would read more than {MAX_PATH_COST} citations "
                f"(maxDepth {max_depth}); try a smaller maxDepth or directed paths"
            )
        spent += this.cost
        pairs = await store.expand_frontier(driver, database, this.frontier, this.direction)
        this.depth += 1
        found: dict[str, tuple[str, bool, int]] = {}
        for parent, child, cited, cites, outward in pairs:
            if child in this.dist:
                continue
            if child not in found or (parent, not outward) < found[child][:2]:
                found[child] = (parent, not outward, _cost(this.direction, cited, cites))
        for child, (parent, inward, _) in found.items():
            this.dist[child] = this.depth
            this.parent[child] = parent
            this.outward[child] = not inward
        this.frontier = sorted(found)
        this.cost = sum(c for _, _, c in found.values())
        meets = sorted(p for p in found if p in other.dist)
        if meets:
            return await _path(driver, database, forward, backward, meets[0])
    return CitationPath(False, None, [])


async def _path(
    driver: AsyncDriver, database: str, forward: _Side, backward: _Side, meet: str
) -> CitationPath:
    chain: list[str] = []
    node: str | None = meet
    while node is not None:
        chain.append(node)
        node = forward.parent[node]
    chain.reverse()
    node = backward.parent[meet]
    while node is not None:
        chain.append(node)
        node = backward.parent[node]
    steps = []
    for i, (a, b) in enumerate(zip(chain, chain[1:], strict=False)):
        if i < forward.dist[meet]:  # a is b's parent on the forward side
            steps.append((a, b) if forward.outward[b] else (b, a))
        else:  # b is a's parent on the backward side
            steps.append((b, a) if backward.outward[a] else (a, b))
    rows = await store.papers_in_order(driver, database, chain)
    papers = [r for r in rows if r is not None]
    if len(papers) != len(chain):  # a paper of the chain was deleted meanwhile
        return CitationPath(False, None, [])
    return CitationPath(True, len(chain) - 1, papers, steps)
