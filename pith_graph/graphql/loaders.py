"""Per-request DataLoaders: each batches one store read (one Cypher query) per resolver level."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Final, TypeVar

from neo4j import AsyncDriver
from strawberry.dataloader import DataLoader

from pith_graph.service.dashboards import related_pages
from pith_graph.service.errors import TooCostly
from pith_graph.service.events import RecordStatus, record_status
from pith_graph.store import citations, dashboards, papers
from pith_graph.store.citations import NeighbourPage, PageKey
from pith_graph.store.dashboards import RelatedKey, RelatedPage
from pith_graph.store.papers import PaperDetails

__all__ = ["NOT_READY", "Loaders", "NotReady", "ready"]

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    """The DataLoaders of one request, each made when first used: most requests use one or
    two of them, and every request builds this."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    @cached_property
    def paper_by_pith(self) -> DataLoader[str, dict[str, Any] | None]:
        return DataLoader(load_fn=self._load_papers)

    @cached_property
    def details_by_pith(self) -> DataLoader[str, PaperDetails | None]:
        return DataLoader(load_fn=self._load_details)

    @cached_property
    def neighbour_page(self) -> DataLoader[PageKey, NeighbourPage]:
        return DataLoader(load_fn=self._load_pages)

    @cached_property
    def record_status_by_pith(self) -> DataLoader[str, RecordStatus | None]:
        """Derived verification status, events and summary per paper."""
        return DataLoader(load_fn=self._load_status)

    @cached_property
    def citations_by_year(self) -> DataLoader[str, list[dict[str, int]]]:
        return DataLoader(load_fn=self._load_years)

    @cached_property
    def related_page(self) -> DataLoader[RelatedKey, RelatedPage]:
        return DataLoader(load_fn=self._load_related)

    async def _load_papers(self, keys: list[str]) -> list[dict[str, Any] | None]:
        return await papers.papers_by_pith(self._driver, self._database, keys)

    async def _load_details(self, keys: list[str]) -> list[PaperDetails | None]:
        return await papers.paper_details(self._driver, self._database, keys)

    async def _load_pages(self, keys: list[PageKey]) -> list[NeighbourPage]:
        return await citations.neighbour_pages(self._driver, self._database, keys)

    async def _load_status(self, keys: list[str]) -> list[RecordStatus | None]:
        statuses = await record_status(self._driver, self._database, keys)
        # The status query read each paper's receipt, aliases and claims too.
        details = self.details_by_pith
        for key, status in zip(keys, statuses, strict=True):
            if status is not None and status.details is not None:
                details.prime(key, status.details)
        return statuses

    async def _load_years(self, keys: list[str]) -> list[list[dict[str, int]]]:
        return await dashboards.citations_by_year(self._driver, self._database, keys)

    async def _load_related(self, keys: list[RelatedKey]) -> list[RelatedPage | TooCostly]:
        # A refusal is that key's error (the DataLoader raises it in its field only).
        return await related_pages(self._driver, self._database, keys)


class NotReady:
    """What :func:`ready` answers for a value that is not read yet."""


NOT_READY: Final = NotReady()


def ready(loader: DataLoader[K, V], key: K) -> V | NotReady:
    """The value ``loader`` already holds for ``key`` (its read done, without an error), else
    :data:`NOT_READY`: a field answers at once from what the request has read, and awaits
    the loader (which raises the read's error) only otherwise."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return NOT_READY
    return future.result()
