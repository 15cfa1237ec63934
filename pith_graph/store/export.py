"""Reads for exporting the whole registry as files: every paper's pith number, in pages."""

from __future__ import annotations

from typing import LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async

__all__ = ["pith_numbers_after"]

_PAGE: LiteralString = """
MATCH (p:Paper) WHERE p.pith_number > $after
RETURN p.pith_number AS pith ORDER BY pith LIMIT $limit
"""


async def pith_numbers_after(driver: AsyncDriver, database: str, after: str, limit: int) -> list[str]:
    """Up to ``limit`` pith numbers greater than ``after``, ascending (``""`` for the first page)."""
    records = await read_async(driver, database, _PAGE, after=after, limit=limit)
    return [str(r["pith"]) for r in records]
