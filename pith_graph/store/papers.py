"""Papers by pith number, and their receipts, aliases and claims: batched reads in key order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, Record

from pith_graph.core.paper import LARGE_PROPERTIES, PAPER_PROPERTIES
from pith_graph.store._run import read_async, written_by_us

__all__ = [
    "DETAIL_COLUMNS",
    "PAPER_BRIEF",
    "PAPER_BRIEF_WITH_ALIASES",
    "PAPER_FIELDS",
    "PAPER_FIELDS_WITH_ALIASES",
    "PaperDetails",
    "details_of",
    "paper_details",
    "papers_by_pith",
]

# The Paper properties the API lists (a map projection body: ``q`` + PAPER_FIELDS): every stored
# property (:data:`pith_graph.core.paper.PAPER_PROPERTIES`, the one definition) but the large
# texts ``abstract`` and ``canonical_json``. The full properties (:func:`papers_by_pith`) are read
# only for papers whose abstract, canonical record or record document a request selects; lists of
# 500 references would otherwise carry megabytes nobody asked for. (Built from names the code
# defines, never from input: a literal query.)
_LISTING = written_by_us(
    "\n  "
    + ", ".join("." + name for name in PAPER_PROPERTIES if name not in LARGE_PROPERTIES),
)
PAPER_FIELDS: LiteralString = "{" + _LISTING + "\n}"

# What names and places a paper (identity, title, date, category): enough for most listings of
# many papers (``resolveMany``, neighborhoods), at half the database and decoding cost of
# PAPER_FIELDS. Callers choose it only when nothing else is asked for.
PAPER_BRIEF: LiteralString = """{
  .pith_number, .pith_body, .canonical_sha256, .source_kind, .source_id, .version, .title,
  .primary_cat, .submitted_at, .year, .is_latest
}"""

# The listing properties plus ``aliases`` (as :func:`paper_details` orders them) of a paper node
# named ``q``: lists whose papers show their aliases (a references table) get them in the same
# query instead of a second round trip.
_ALIASES_OF_Q: LiteralString = """,
  aliases: COLLECT {
    MATCH (a:Alias)-[:ALIAS_OF]->(q)
    RETURN {kind: a.kind, value: a.value, created_at: a.created_at} AS alias
    ORDER BY alias.kind, alias.value
  }
}"""
PAPER_FIELDS_WITH_ALIASES: LiteralString = "{" + _LISTING + _ALIASES_OF_Q
# PAPER_BRIEF's properties plus ``aliases``: a references table of titles and aliases.
PAPER_BRIEF_WITH_ALIASES: LiteralString = PAPER_BRIEF.removesuffix("\n}") + _ALIASES_OF_Q

_PAPERS_BY_PITH: LiteralString = """
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (p:Paper {pith_number: $keys[i]})
RETURN i, properties(p) AS paper
ORDER BY i
"""

# What hangs off a paper node ``p`` (possibly null), as columns ``found, receipt, aliases,
# claims`` (:func:`details_of` reads them): also read with a record's facts
# (store.events.facts_and_events), so that a record costs one query.
DETAIL_COLUMNS: LiteralString = """p IS NOT NULL AS found,
  head(COLLECT { MATCH (p)-[:HAS_RECEIPT]->(r:Receipt) RETURN properties(r) AS receipt }) AS receipt,
  COLLECT {
    MATCH (a:Alias)-[:ALIAS_OF]->(p)
    RETURN {kind: a.kind, value: a.value, created_at: a.created_at} AS alias
    ORDER BY alias.kind, alias.value
  } AS aliases,
  COLLECT {
    MATCH (p)-[:HAS_CLAIM]->(c:Claim)
    RETURN properties(c) AS claim ORDER BY c.seq
  } AS claims"""

_PAPER_DETAILS: LiteralString = (
    """
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (p:Paper {pith_number: $keys[i]})
RETURN i, """
    + DETAIL_COLUMNS
    + """
ORDER BY i
"""
)


@dataclass(frozen=True, slots=True)
class PaperDetails:
    """What hangs off a paper: its receipt (as stored), aliases and claims (in claim order)."""

    receipt: dict[str, Any] | None
    aliases: list[dict[str, Any]]
    claims: list[dict[str, Any]]


def _paper(record: Record) -> dict[str, Any] | None:
    return dict(record["paper"]) if record["paper"] is not None else None


def details_of(record: Record) -> PaperDetails | None:
    """The :class:`PaperDetails` of a record with :data:`DETAIL_COLUMNS` (``None``: no paper)."""
    if not record["found"]:
        return None
    receipt = dict(record["receipt"]) if record["receipt"] is not None else None
    return PaperDetails(receipt, list(record["aliases"]), [dict(c) for c in record["claims"]])


async def papers_by_pith(
    driver: AsyncDriver, database: str, keys: Sequence[str]
) -> list[dict[str, Any] | None]:
    """The Paper properties for each pith number (``None`` when unknown), in key order."""
    records = await read_async(driver, database, _PAPERS_BY_PITH, keys=list(keys))
    return [_paper(r) for r in records]


async def paper_details(
    driver: AsyncDriver, database: str, keys: Sequence[str]
) -> list[PaperDetails | None]:
    """Receipt, aliases and claims for each pith number (``None`` when unknown), in key order."""
    records = await read_async(driver, database, _PAPER_DETAILS, keys=list(keys))
    return [details_of(r) for r in records]
