"""Dashboard queries: ``papers``, ``aggregate``, ``citationPath``, and the ``Paper`` fields
``citationsByYear`` and ``related``. Thin: checks arguments, calls the service, builds types."""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from pith_graph.graphql.context import Context
from pith_graph.graphql.cursors import PageInfo, decode_cursor, encode_cursor, page_info
from pith_graph.graphql.queries import NeighborhoodEdge
from pith_graph.graphql.selection import asks_for, paper_projection
from pith_graph.graphql.types import MAX_PAGE, Paper, RelatedBy
from pith_graph.service import dashboards as service
from pith_graph.service.errors import BadInput
from pith_graph.store.dashboards import RelatedKey

__all__ = ["DashboardQueries", "RelatedConnection", "YearCount", "citations_by_year", "related"]


@strawberry.input(description="Which papers a list or an aggregate covers; every field optional.")
class PaperFilter:
    categories: list[str] | None = strawberry.field(
        default=None, description="Papers in any of these categories (primary or cross-listed)."
    )
    primary_only: bool = strawberry.field(
        default=False, description="Match `categories` against the primary category only."
    )
    year_from: int | None = strawberry.field(default=None, description="Submitted in or after.")
    year_to: int | None = strawberry.field(default=None, description="Submitted in or before.")
    cited_by_at_least: int | None = strawberry.field(
        default=None, description="At least this many registered papers cite it."
    )
    license: str | None = strawberry.field(default=None, description="The license URL, exactly.")
    latest_only: bool = strawberry.field(
        default=True, description="Only the newest registered version of each arXiv id."
    )
    has_findings: bool | None = strawberry.field(
        default=None,
        description="With (true) or without (false) an active integrity finding.",
    )

    def to_service(self) -> service.PaperFilter:
        return service.PaperFilter(
            categories=tuple(self.categories) if self.categories is not None else None,
            primary_only=self.primary_only,
            year_from=self.year_from,
            year_to=self.year_to,
            cited_by_at_least=self.cited_by_at_least,
            license=self.license,
            latest_only=self.latest_only,
            has_findings=self.has_findings,
        )


@strawberry.enum(description="Order of `papers`; ties are broken by pith number.")
class PaperOrder(enum.Enum):
    MOST_CITED = "MOST_CITED"
    SUBMITTED_ASC = "SUBMITTED_ASC"
    SUBMITTED_DESC = "SUBMITTED_DESC"


@strawberry.enum(description="What `aggregate` groups by.")
class GroupKey(enum.Enum):
    PRIMARY_CATEGORY = "PRIMARY_CATEGORY"
    CATEGORY = "CATEGORY"
    YEAR = "YEAR"
    LICENSE = "LICENSE"
    VERSION_COUNT = "VERSION_COUNT"


@strawberry.enum(description="What `aggregate` counts.")
class AggregateOf(enum.Enum):
    PAPERS = "PAPERS"
    CITATIONS = "CITATIONS"


@strawberry.type
class PaperEdge:
    cursor: str
    node: Paper


@strawberry.type(description="A keyset-paged list of registered papers.")
class PaperConnection:
    total_count: int | None = strawberry.field(
        description="Papers passing the filter (read only when selected: a scan of them)."
    )
    page_info: PageInfo
    edges: list[PaperEdge]


@strawberry.type(description="How many papers (or citations) share one key.")
class GroupCount:
    key: str
    count: int


@strawberry.type
class Aggregate:
    total: int = strawberry.field(
        description="Papers passing the filter (of: PAPERS) or the citations into them "
        "(of: CITATIONS, the sum of their citationCount)."
    )
    groups: list[GroupCount] = strawberry.field(
        description="YEAR and VERSION_COUNT in ascending order, the others most frequent first. "
        "With CATEGORY a paper counts once per category, so the counts may sum above the total."
    )


@strawberry.type(description="Citing papers submitted in one year.")
class YearCount:
    year: int
    count: int


@strawberry.type
class RelatedEdge:
    cursor: str
    score: int = strawberry.field(
        description="Papers citing both (COCITATION) or references shared (COUPLING)."
    )
    node: Paper
    shared: list[Paper] = strawberry.field(
        description=f"The first {service.EVIDENCE} of the shared papers, by pith number."
    )


@strawberry.type(description="Related papers, highest score first, ties by pith number.")
class RelatedConnection:
    total_count: int
    page_info: PageInfo
    edges: list[RelatedEdge]


@strawberry.type
class CitationPathResult:
    found: bool
    length: int | None = strawberry.field(description="Citations in the chain; null if none.")
    papers: list[Paper] = strawberry.field(description="From `from` to `to`, both included.")
    citations: list[NeighborhoodEdge] = strawberry.field(
        description="Each step of the chain as a citation (source cites target), in order; "
        "undirected chains may step against the direction of citation."
    )


def _check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise BadInput(f"first must be 0..{MAX_PAGE}, got {first}")


_CURSOR_TYPES = {"MOST_CITED": (int, str), "SUBMITTED_ASC": (str, str), "SUBMITTED_DESC": (str, str)}


async def citations_by_year(paper: Paper, info: Info[Context, None]) -> list[YearCount]:
    years = await info.context.loaders.citations_by_year.load(paper.pith_number)
    return [YearCount(year=y["year"], count=y["count"]) for y in years]


async def related(
    paper: Paper, info: Info[Context, None], by: RelatedBy, first: int, after: str | None
) -> RelatedConnection:
    _check_first(first)
    cursor = decode_cursor(after, (int, str)) if after else None
    brief = paper_projection(info, ("edges", "node"), ("edges", "shared")) == "brief"
    key = RelatedKey(paper.pith_number, by.value, first, cursor, brief)
    page = await info.context.loaders.related_page.load(key)
    edges = [
        RelatedEdge(
            cursor=encode_cursor([row["score"], row["paper"]["pith_number"]]),
            score=row["score"],
            node=Paper.from_row(row["paper"]),
            shared=[Paper.from_row(s) for s in row["shared"]],
        )
        for row in page.rows
    ]
    return RelatedConnection(
        total_count=page.total,
        page_info=page_info(after, page.has_next, [e.cursor for e in edges]),
        edges=edges,
    )


@strawberry.type
class DashboardQueries:
    @strawberry.field(description="Registered papers passing `filter`, keyset-paged in `order`.")
    async def papers(
        self,
        info: Info[Context, None],
        filter: PaperFilter | None = None,
        order: PaperOrder = PaperOrder.MOST_CITED,
        first: int = 20,
        after: str | None = None,
    ) -> PaperConnection:
        _check_first(first)
        flt = (filter or PaperFilter()).to_service()
        key = decode_cursor(after, _CURSOR_TYPES[order.value]) if after else None
        ctx = info.context
        page = await service.list_papers(
            ctx.driver, ctx.database, flt, order.value, first, key, asks_for(info, "totalCount")
        )
        edges = [
            PaperEdge(
                cursor=encode_cursor(service.order_key(order.value, row)),
                node=Paper.from_row(row),
            )
            for row in page.rows
        ]
        return PaperConnection(
            total_count=page.total,
            page_info=page_info(after, page.has_next, [e.cursor for e in edges]),
            edges=edges,
        )

    @strawberry.field(
        description="Papers passing `filter` (or, of: CITATIONS, the citations into them, by "
        "the citing paper) counted per `groupBy` key, with their total."
    )
    async def aggregate(
        self,
        info: Info[Context, None],
        group_by: GroupKey,
        filter: PaperFilter | None = None,
        of: AggregateOf = AggregateOf.PAPERS,
    ) -> Aggregate:
        ctx = info.context
        result = await service.aggregate_papers(
            ctx.driver,
            ctx.database,
            (filter or PaperFilter()).to_service(),
            group_by.value,
            of is AggregateOf.CITATIONS,
        )
        return Aggregate(
            total=result.total,
            groups=[GroupCount(key=g["key"], count=g["count"]) for g in result.groups],
        )

    @strawberry.field(
        description="A shortest citation chain between two papers given by any alias "
        "(directed: `from` cites p1 cites … cites `to`; else citations either way), bounded by "
        f"`maxDepth` (at most {service.MAX_PATH_DEPTH}) and by {service.MAX_PATH_COST} "
        "citations read."
    )
    async def citation_path(
        self,
        info: Info[Context, None],
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_depth: int = 6,
        directed: bool = True,
    ) -> CitationPathResult:
        ctx = info.context
        path = await service.citation_path(ctx.driver, ctx.database, from_, to, max_depth, directed)
        return CitationPathResult(
            found=path.found,
            length=path.length,
            papers=[Paper.from_row(row) for row in path.papers],
            citations=[NeighborhoodEdge(source=a, target=b) for a, b in path.citations],
        )
