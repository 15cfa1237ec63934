"""Alias lookup: the candidate papers of many normalised aliases in ONE query, in key order.

A key is ``{kind, value, alias_kind}``: ``kind`` ``'pith'`` (a full 26-character body),
``'pith_prefix'`` (8-25 characters) or ``'alias'`` (an ``Alias`` node ``(alias_kind, value)``:
``arxiv``, ``arxiv_version`` or ``doi``, values normalised by ``core.parse_alias``).

The whole batch is one ``UNWIND`` answered as ONE record (``[i, candidates]`` pairs): the driver
reads one Bolt message, not one per key, which for 1,000 keys took more of the API's CPU than
the rest of the request. Per key, two index seeks, no ``UNION``: a ``STARTS WITH`` range
seek on ``Paper.pith_body`` (a full body is its own only prefix: bodies have one length) and a
unique-constraint seek on ``Alias(kind, value)``. The parameters give each key exactly one
non-null seek value; a seek on ``null`` reads nothing. Which candidate wins (latest version,
ambiguity) is decided by the caller (:mod:`pith_graph.service.resolution`), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, LiteralString

from neo4j import AsyncDriver, Driver, Record

from pith_graph.store._run import read_async, read_sync
from pith_graph.store.papers import PAPER_BRIEF, PAPER_FIELDS

__all__ = ["MAX_CANDIDATES", "Projection", "candidates_for", "candidates_for_sync"]

# Enough to list an ambiguous prefix's candidates without reading a whole index range.
MAX_CANDIDATES = 20

Projection = Literal["full", "listing", "brief"]


def _candidates_query(paper: LiteralString) -> LiteralString:
    """The lookup, returning each candidate ``p`` as ``paper``: one text for every projection."""
    return (
        """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
WITH i, COLLECT {
    MATCH (p:Paper) USING INDEX SEEK p:Paper(pith_body) WHERE p.pith_body STARTS WITH k.prefix
    WITH p ORDER BY p.pith_body LIMIT $max_candidates
    RETURN """
        + paper
        + """ AS paper
  } + COLLECT {
    MATCH (:Alias {kind: k.alias_kind, value: k.alias_value})-[:ALIAS_OF]->(p:Paper)
    WITH p ORDER BY p.source_id, p.version DESC LIMIT $max_candidates
    RETURN """
        + paper
        + """ AS paper
  } AS candidates
RETURN collect([i, candidates]) AS found
"""
    )


# All properties (record documents, writes); the listing properties without the text blobs
# (store.papers.PAPER_FIELDS); or only what names and places a paper (PAPER_BRIEF).
_CANDIDATES: dict[Projection, LiteralString] = {
    "full": _candidates_query("properties(p)"),
    "listing": _candidates_query("p " + PAPER_FIELDS),
    "brief": _candidates_query("p " + PAPER_BRIEF),
}


def _param(key: dict[str, Any]) -> dict[str, Any]:
    by_body = key["kind"] in ("pith", "pith_prefix")
    return {
        "prefix": key["value"] if by_body else None,
        "alias_kind": None if by_body else key["alias_kind"],
        "alias_value": None if by_body else key["value"],
    }


def _by_key(records: list[Record], n: int) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    for record in records:
        for i, candidates in record["found"]:
            out[i] = candidates
    return out


async def candidates_for(
    driver: AsyncDriver,
    database: str,
    keys: Sequence[dict[str, Any]],
    *,
    projection: Projection = "full",
) -> list[list[dict[str, Any]]]:
    """Candidate papers of each key, in key order, with all their properties (``"full"``), the
    listing properties (``"listing"``: no abstract or canonical JSON) or ``"brief"`` ones."""
    if not keys:
        return []
    records = await read_async(
        driver,
        database,
        _CANDIDATES[projection],
        keys=[_param(k) for k in keys],
        max_candidates=MAX_CANDIDATES,
    )
    return _by_key(records, len(keys))


def candidates_for_sync(
    driver: Driver, database: str, keys: Sequence[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """:func:`candidates_for` (all properties) for the synchronous write paths."""
    if not keys:
        return []
    records = read_sync(
        driver,
        database,
        _CANDIDATES["full"],
        keys=[_param(k) for k in keys],
        max_candidates=MAX_CANDIDATES,
    )
    return _by_key(records, len(keys))
