"""Mirror state in Neo4j: ``(:MirrorOrigin {url})``, one per followed registry."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async, write_async

__all__ = ["mirror_origin", "mirror_origins", "save_mirror_origin"]

_READ: LiteralString = """
MATCH (m:MirrorOrigin {url: $url})
RETURN m.url AS url, m.origin AS origin, m.vkeys AS vkeys, m.size AS size,
       m.checkpoint AS checkpoint, m.next_index AS next_index, m.synced_at AS synced_at
"""
_ALL: LiteralString = """
MATCH (m:MirrorOrigin)
RETURN m.url AS url, m.origin AS origin, m.size AS size, m.next_index AS next_index,
       m.synced_at AS synced_at
ORDER BY url
"""
_SAVE: LiteralString = """
MERGE (m:MirrorOrigin {url: $url})
SET m.origin = $origin, m.vkeys = $vkeys, m.size = $size, m.checkpoint = $checkpoint,
    m.next_index = $next_index, m.synced_at = $now
"""


async def mirror_origin(driver: AsyncDriver, database: str, url: str) -> dict[str, Any] | None:
    records = await read_async(driver, database, _READ, url=url)
    return dict(records[0]) if records else None


async def mirror_origins(driver: AsyncDriver, database: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _ALL)]


async def save_mirror_origin(driver: AsyncDriver, database: str, **state: Any) -> None:
    await write_async(driver, database, _SAVE, **state)
