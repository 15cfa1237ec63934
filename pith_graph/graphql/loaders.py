"""Per-request DataLoaders: each batches one store read (one Cypher query) per resolver level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from neo4j import AsyncDriver
from pith_graph.service.events import RecordStatus, record_status  # events helper (issue 6)
from pith_graph.store import citations, papers
from pith_graph.store.citations import NeighbourPage, PageKey
from pith_graph.store.papers import PaperDetails

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    paper_by_pith: DataLoader[str, dict[str, Any] | None]
    details_by_pith: DataLoader[str, PaperDetails | None]
    neighbour_page: DataLoader[PageKey, NeighbourPage]
    # events helper (issue 6): derived verification status, events and summary per paper.
    record_status_by_pith: DataLoader[str, RecordStatus | None]


def make_loaders(driver: AsyncDriver, database: str) -> Loaders:
    async def load_papers(keys: list[str]) -> list[dict[str, Any] | None]:
        return await papers.papers_by_pith(driver, database, keys)

    async def load_details(keys: list[str]) -> list[PaperDetails | None]:
        return await papers.paper_details(driver, database, keys)

    async def load_pages(keys: list[PageKey]) -> list[NeighbourPage]:
        return await citations.neighbour_pages(driver, database, keys)

    async def load_status(keys: list[str]) -> list[RecordStatus | None]:
        return await record_status(driver, database, keys)

    return Loaders(
        paper_by_pith=DataLoader(load_fn=load_papers),
        details_by_pith=DataLoader(load_fn=load_details),
        neighbour_page=DataLoader(load_fn=load_pages),
        record_status_by_pith=DataLoader(load_fn=load_status),
    )
