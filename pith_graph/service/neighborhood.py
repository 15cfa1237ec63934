"""The citation neighbourhood of a paper named by any alias: the use case behind
``citationNeighborhood`` (bounds, the lookup of the alias, one bounded read)."""

from __future__ import annotations

from collections.abc import Sequence

from neo4j import AsyncDriver

from pith_graph.service.errors import BadInput, NotFound
from pith_graph.service.resolution import exact_pith_number, resolve_paper
from pith_graph.store import neighborhood as store
from pith_graph.store.neighborhood import MAX_DEPTH, MAX_LIMIT, Neighborhood

__all__ = ["MAX_DEPTH", "MAX_LIMIT", "Neighborhood", "citation_neighborhood"]


async def citation_neighborhood(
    driver: AsyncDriver,
    database: str,
    alias: str,
    *,
    depth: int,
    direction: str,
    limit: int,
    categories: Sequence[str] | None = None,
    brief: bool = False,
) -> Neighborhood:
    """Papers within ``depth`` citation hops of the paper ``alias`` names (any notation
    ``resolve`` takes), cut at ``limit``; BAD_INPUT out of bounds, the alias's coded refusal."""
    if not 1 <= depth <= MAX_DEPTH:
        raise BadInput(f"depth must be 1..{MAX_DEPTH}, got {depth}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"limit must be 1..{MAX_LIMIT}, got {limit}")

    async def around(pith: str) -> Neighborhood | None:
        return await store.neighborhood(
            driver,
            database,
            pith,
            depth=depth,
            direction=direction,
            limit=limit,
            categories=categories,
            brief=brief,
        )

    # A full pith number names its paper without a lookup: one query when it is there; the
    # lookup (and its coded refusal) only when it is not.
    exact = exact_pith_number(alias)
    found = await around(exact) if exact is not None else None
    if found is None:
        paper = await resolve_paper(driver, database, alias, projection="brief")
        found = await around(paper["pith_number"])
    if found is None:  # deleted between the two reads
        raise NotFound(f"no paper is registered under {alias!r}")
    return found
