"""Per-request DataLoaders: each batches one store read (one Cypher query) per resolver level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver
from strawberry.dataloader import DataLoader

from pith_graph.service.dashboards import related_pages
from pith_graph.service.errors import TooCostly
from pith_graph.service.events import RecordStatus, record_status
from pith_graph.store import citations, dashboards, papers
from pith_graph.store.citations import NeighbourPage, PageKey
from pith_graph.store.dashboards import RelatedKey, RelatedPage
from pith_graph.store.papers import PaperDetails

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    paper_by_pith: DataLoader[str, dict[str, Any] | None]
    details_by_pith: DataLoader[str, PaperDetails | None]
    neighbour_page: DataLoader[PageKey, NeighbourPage]
    # Derived verification status, events and summary per paper.
    record_status_by_pith: DataLoader[str, RecordStatus | None]
    citations_by_year: DataLoader[str, list[dict[str, int]]]
    related_page: DataLoader[RelatedKey, RelatedPage]


def make_loaders(driver: AsyncDriver, database: str) -> Loaders:
    async def load_papers(keys: list[str]) -> list[dict[str, Any] | None]:
        return await papers.papers_by_pith(driver, database, keys)

    async def load_details(keys: list[str]) -> list[PaperDetails | None]:
        return await papers.paper_details(driver, database, keys)

    async def load_pages(keys: list[PageKey]) -> list[NeighbourPage]:
        return await citations.neighbour_pages(driver, database, keys)

    async def load_status(keys: list[str]) -> list[RecordStatus | None]:
        statuses = await record_status(driver, database, keys)
        # The status query read each paper's receipt, aliases and claims too.
        for key, status in zip(keys, statuses, strict=True):
            if status is not None and status.details is not None:
                details.prime(key, status.details)
        return statuses

    async def load_years(keys: list[str]) -> list[list[dict[str, int]]]:
        return await dashboards.citations_by_year(driver, database, keys)

    async def load_related(keys: list[RelatedKey]) -> list[RelatedPage | TooCostly]:
        # A refusal is that key's error (the DataLoader raises it in its field only).
        return await related_pages(driver, database, keys)

    details: DataLoader[str, PaperDetails | None] = DataLoader(load_fn=load_details)
    return Loaders(
        paper_by_pith=DataLoader(load_fn=load_papers),
        details_by_pith=details,
        neighbour_page=DataLoader(load_fn=load_pages),
        record_status_by_pith=DataLoader(load_fn=load_status),
        citations_by_year=DataLoader(load_fn=load_years),
        related_page=DataLoader(load_fn=load_related),
    )
