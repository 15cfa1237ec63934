"""Mirror state in Neo4j: ``(:MirrorOrigin {url})``, one per followed registry."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async, write_async

__all__ = ["graph_content", "mirror_origin", "mirror_origins", "save_mirror_origin"]

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


# What a mirror must hold the same as its origin, without local times or bookkeeping: papers
# (hash, latest flag, receipt signatures), aliases, citations (to papers or unregistered works)
# and accepted events.
_CONTENT: dict[str, LiteralString] = {
    "papers": """
MATCH (p:Paper)
RETURN p.pith_number AS pith, p.canonical_sha256 AS sha, coalesce(p.is_latest, false) AS latest,
       [(p)-[:HAS_RECEIPT]->(r:Receipt) | r.signature_b64] AS receipts
ORDER BY pith
""",
    "aliases": """
MATCH (a:Alias)-[:ALIAS_OF]->(p:Paper)
RETURN a.kind AS kind, a.value AS value, p.pith_number AS pith ORDER BY kind, value, pith
""",
    "citations": """
MATCH (c:Paper)-[r:CITES]->(t)
RETURN c.pith_number AS citing,
       CASE WHEN t:Paper THEN t.pith_number ELSE t.kind + ':' + t.value END AS cited,
       r.position AS position
ORDER BY citing, cited, position
""",
    "events": """
MATCH (e:Event)
RETURN e.event_id AS event_id, e.subject AS subject ORDER BY event_id
""",
}


async def graph_content(driver: AsyncDriver, database: str) -> dict[str, list[dict[str, Any]]]:
    """Papers, aliases, citations and events, each as sorted rows (see ``_CONTENT``)."""
    out = {
        kind: [dict(r) for r in await read_async(driver, database, query)]
        for kind, query in _CONTENT.items()
    }
    for paper in out["papers"]:
        paper["receipts"] = sorted(paper["receipts"])
    return out
