"""Query root of the registry: resolve, resolveMany, citationNeighborhood, search."""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import strawberry
from strawberry.types import Info

from pith_graph.graphql.context import Context
from pith_graph.graphql.cursors import PageInfo, decode_cursor, encode_cursor, page_info
from pith_graph.graphql.selection import fields_under, paper_projection, wants_document
from pith_graph.graphql.types import (
    MAX_PAGE,
    Paper,
    ResolveResult,
    prefetch_pages,
    resolve_result_rows,
)
from pith_graph.service.errors import BadInput
from pith_graph.service.neighborhood import citation_neighborhood
from pith_graph.service.resolution import (
    MAX_ALIASES,
    Resolution,
    exact_pith_number,
    resolve_aliases,
)
from pith_graph.store.search import MAX_SEARCH_TEXT, search_titles

__all__ = ["RegistryQueries"]


@strawberry.enum(description="Which citations to follow: OUT = references, IN = citing papers.")
class Direction(enum.Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@strawberry.type
class NeighborhoodNode:
    paper: Paper
    distance: int


@strawberry.type(description="A CITES edge between two nodes: source cites target.")
class NeighborhoodEdge:
    source: str
    target: str


@strawberry.type
class Neighborhood:
    start: Paper
    nodes: list[NeighborhoodNode] = strawberry.field(
        description="Nodes ordered by (distance, submittedAt, pithNumber); the start is not listed."
    )
    edges: list[NeighborhoodEdge]
    truncated: bool = strawberry.field(description="True when more nodes were within reach.")


@strawberry.type
class SearchEdge:
    cursor: str
    score: float
    node: Paper


@strawberry.type
class SearchConnection:
    total_count: int
    page_info: PageInfo
    edges: list[SearchEdge]


async def _resolve(info: Info[Context, None], aliases: list[str]) -> list[ResolveResult]:
    ctx = info.context
    # The lookup reads the properties the selection needs (brief, listing or all of them), so
    # no field has to read the paper again.
    projection = paper_projection(info, ("paper",), ("candidates",))
    lookup = resolve_aliases(ctx.driver, ctx.database, aliases, projection=projection)
    document = wants_document(info, ("paper",), ("candidates",))
    # Full pith numbers name their papers before the lookup answers: what the found papers'
    # fields will read by pith number (their record's status, their pages) is read at the same
    # time as the lookup, not after it.
    exact: list[str] = []
    if document or fields_under(info, ("paper", "references")) or fields_under(
        info, ("paper", "citations")
    ):
        named = [exact_pith_number(a) for a in aliases]
        exact = list(dict.fromkeys(p for p in named if p)) if all(named) else []
    for pith in exact:
        prefetch_pages(info, ("paper",), pith)
    statuses = ctx.loaders.record_status_by_pith
    if document and exact:
        results, _ = await asyncio.gather(lookup, statuses.load_many(exact))
    else:
        results = await lookup
    if document:
        # The record's status, read for every paper found, primes the receipt, aliases and
        # claims too: a full record costs two queries, the lookup and this one.
        piths = [p["pith_number"] for r in results for p in _papers_of(r)]
        await statuses.load_many(list(dict.fromkeys(piths)))
    return resolve_result_rows(results)  # type: ignore[return-value]  # rows in ResolveResult's shape


def _papers_of(r: Resolution) -> list[dict[str, Any]]:
    return [r.paper] if r.paper is not None else r.candidates


@strawberry.type
class RegistryQueries:
    @strawberry.field(
        description="Resolve any alias: pith number or prefix (>= 8 chars), arXiv id/URL, DOI."
    )
    async def resolve(self, info: Info[Context, None], alias: str) -> ResolveResult:
        return (await _resolve(info, [alias]))[0]

    @strawberry.field(description=f"Resolve up to {MAX_ALIASES} aliases in one database query.")
    async def resolve_many(
        self, info: Info[Context, None], aliases: list[str]
    ) -> list[ResolveResult]:
        return await _resolve(info, aliases)

    @strawberry.field(
        description="Papers within `depth` citation hops, in one bounded query, cut at `limit`."
    )
    async def citation_neighborhood(
        self,
        info: Info[Context, None],
        alias: str,
        depth: int = 1,
        direction: Direction = Direction.BOTH,
        limit: int = 100,
        categories: list[str] | None = None,
    ) -> Neighborhood:
        ctx = info.context
        found = await citation_neighborhood(
            ctx.driver,
            ctx.database,
            alias,
            depth=depth,
            direction=direction.value,
            limit=limit,
            categories=categories,
            brief=paper_projection(info, ("start",), ("nodes", "paper")) == "brief",
        )
        return Neighborhood(
            start=Paper.from_row(found.start),
            nodes=[
                NeighborhoodNode(paper=Paper.from_row(n["paper"]), distance=n["distance"])
                for n in found.nodes
            ],
            edges=[NeighborhoodEdge(source=a, target=b) for a, b in found.edges],
            truncated=found.truncated,
        )

    @strawberry.field(description="Papers whose title matches, best match first (keyset paged).")
    async def search(
        self, info: Info[Context, None], title: str, first: int = 20, after: str | None = None
    ) -> SearchConnection:
        if not title.strip():
            raise BadInput("title: give at least one word")
        if len(title) > MAX_SEARCH_TEXT:  # Lucene refuses queries of over 1,024 words
            raise BadInput(f"title: at most {MAX_SEARCH_TEXT} characters, got {len(title)}")
        if not 0 <= first <= MAX_PAGE:
            raise BadInput(f"first must be 0..{MAX_PAGE}, got {first}")
        cursor = decode_cursor(after, (float, str)) if after else None
        ctx = info.context
        page = await search_titles(
            ctx.driver,
            ctx.database,
            title,
            first=first,
            after=cursor,
        )
        edges = [
            SearchEdge(
                cursor=encode_cursor([row["score"], row["paper"]["pith_number"]]),
                score=row["score"],
                node=Paper.from_row(row["paper"]),
            )
            for row in page.rows
        ]
        return SearchConnection(
            total_count=page.total,
            page_info=page_info(after, page.has_next, [e.cursor for e in edges]),
            edges=edges,
        )
