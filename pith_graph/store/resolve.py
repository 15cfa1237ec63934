"""Alias lookup: the candidate papers of many normalised aliases in ONE query, in key order.

A key is ``{kind, value, alias_kind}``: ``kind`` ``'pith'`` (a full 26-character body),
``'pith_prefix'`` (8-25 characters) or ``'alias'`` (an ``Alias`` node ``(alias_kind, value)``).
Which candidate wins (latest version, ambiguity) is decided by the caller
(:mod:`pith_graph.service.resolution`), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, Driver, Record

from pith_graph.store._run import read_async, read_sync

__all__ = ["MAX_CANDIDATES", "candidates_for", "candidates_for_sync"]

# Enough to list an ambiguous prefix's candidates without reading a whole index range.
MAX_CANDIDATES = 20

_CANDIDATES: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {
  WITH k WHERE k.kind = 'pith'
  MATCH (p:Paper {pith_body: k.value})
  RETURN p
  UNION
  WITH k WHERE k.kind = 'pith_prefix'
  MATCH (p:Paper) WHERE p.pith_body STARTS WITH k.value
  RETURN p ORDER BY p.pith_body LIMIT $max_candidates
  UNION
  WITH k WHERE k.kind = 'alias'
  MATCH (:Alias {kind: k.alias_kind, value: k.value})-[:ALIAS_OF]->(p:Paper)
  RETURN p ORDER BY p.source_id, p.version DESC LIMIT $max_candidates
}
WITH i, p ORDER BY i, p.source_id, p.version DESC, p.pith_number
RETURN i, collect(properties(p)) AS candidates
"""


def _by_key(records: list[Record], n: int) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    for record in records:
        out[record["i"]] = [dict(c) for c in record["candidates"]]
    return out


async def candidates_for(
    driver: AsyncDriver, database: str, keys: Sequence[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """Candidate papers (properties) of each key, newest version first, in key order."""
    if not keys:
        return []
    records = await read_async(
        driver, database, _CANDIDATES, keys=list(keys), max_candidates=MAX_CANDIDATES
    )
    return _by_key(records, len(keys))


def candidates_for_sync(
    driver: Driver, database: str, keys: Sequence[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    if not keys:
        return []
    records = read_sync(
        driver, database, _CANDIDATES, keys=list(keys), max_candidates=MAX_CANDIDATES
    )
    return _by_key(records, len(keys))
