"""Every registration's writer: the one way a paper enters the graph, whatever path it came by.

Registration, record import, bundle import and bulk ingest all hand this module rows (the Paper
properties, the signed receipt, the aliases and optionally the precomputed log leaf) and it
writes them in the caller's transaction with the same statements, so version linking,
``is_latest``, aliases, receipts and log leaves do not depend on the path. The statements are
literal ``UNWIND $rows`` queries; rows are hashed and signed before the transaction (see
:mod:`pith_graph.service.registration`), so a retried transaction signs nothing again.

Invariants held by the database, not by a read before the write:

* one paper per ``(source_kind, source_id, version)`` (constraint ``paper_source_version``): the
  paper is ``MERGE``d on that key, so of two racing writers of one version the second finds the
  first's node; same content (same ``canonical_sha256``) is the same paper, other content is a
  *conflict* (refused, or skipped by bulk ingest);
* writers of one arXiv id are serialised: the first statement takes the write lock of the id's
  ``arxiv`` alias node (created if new, under its unique constraint), so version linking always
  sees every committed version and exactly one version is ``is_latest``.

Version bookkeeping (graph model): ``is_latest`` marks the newest registered version of an arXiv
id, ``(newer)-[:SUPERSEDES]->(older)`` links consecutive registered versions. Citations point
from and to the latest registered version; a cited work that is not registered becomes a
``(:Work {kind, value})`` which is re-pointed to the paper (and deleted) when the paper arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, Driver, ManagedTransaction

from pith_graph.store._run import WritePlan, read_sync, run_plan, run_plan_async, write_transaction
from pith_graph.store.citations import CITES_TO_PAPER_KEYS
from pith_graph.store.counts import PENDING_ON_CREATE, refresh_counts_statement
from pith_graph.store.errors import StoreError
from pith_graph.store.log import receipt_leaves_statement

__all__ = [
    "PaperConflict",
    "PaperWrite",
    "WriteStatus",
    "registered_versions",
    "write_papers",
    "write_papers_async",
    "write_papers_in",
]

_REGISTERED_VERSIONS: LiteralString = """
UNWIND $keys AS k
OPTIONAL MATCH (p:Paper {source_id: k.source_id, version: k.version})
RETURN p.canonical_sha256 AS sha, p.pith_number AS pith
"""

# Setting a property to its own value takes the node's write lock without changing it: writers of
# one arXiv id queue here, in a fixed order (no deadlock between two batches).
_LOCK_SOURCES: LiteralString = """
UNWIND $sources AS s
MERGE (al:Alias {kind: s.kind, value: s.value})
ON CREATE SET al.created_at = s.created_at
SET al.created_at = al.created_at
"""

_MERGE_PAPERS: LiteralString = """
UNWIND $rows AS row
OPTIONAL MATCH (before:Paper {canonical_sha256: row.canonical_sha256})
WITH row, before IS NULL AS absent
MERGE (p:Paper {source_kind: row.paper.source_kind, source_id: row.paper.source_id,
                version: row.paper.version})
ON CREATE SET p += row.paper, p.created_at = row.created_at, p.updated_at = row.created_at,
              p.is_latest = false, p.integrity_dirty = randomUUID()
RETURN row.i AS i, absent AND p.canonical_sha256 = row.canonical_sha256 AS created,
       p.canonical_sha256 = row.canonical_sha256 AS same, p.pith_number AS pith
"""

_RECEIPTS_AND_ALIASES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Paper {canonical_sha256: row.canonical_sha256})
CREATE (p)-[:HAS_RECEIPT]->(r:Receipt)
SET r += row.receipt
WITH p, row
UNWIND row.aliases AS a
MERGE (al:Alias {kind: a.kind, value: a.value})
ON CREATE SET al.created_at = a.created_at
MERGE (al)-[:ALIAS_OF]->(p)
"""

_LINK_VERSIONS: LiteralString = """
UNWIND $source_ids AS sid
OPTIONAL MATCH (:Paper {source_id: sid})-[s:SUPERSEDES]->(:Paper)
DELETE s
WITH DISTINCT sid
MATCH (p:Paper {source_id: sid})
WITH sid, p ORDER BY p.version
WITH sid, collect(p) AS ps
FOREACH (i IN range(0, size(ps) - 1) |
  FOREACH (x IN [ps[i]] | SET x.is_latest = (i = size(ps) - 1)))
FOREACH (i IN range(1, size(ps) - 1) |
  FOREACH (newer IN [ps[i]] | FOREACH (older IN [ps[i - 1]] | MERGE (newer)-[:SUPERSEDES]->(older))))
"""

# A work cited before it was registered: move its incoming citations onto the (latest) paper,
# with the paper's sort keys (store/citations.py: the keyset pages read them).
_REPOINT_WORKS: LiteralString = (
    """
UNWIND $keys AS k
MATCH (w:Work {kind: k.kind, value: k.value})
MATCH (:Alias {kind: k.kind, value: k.value})-[:ALIAS_OF]->(t:Paper {is_latest: true})
WITH w, t ORDER BY t.pith_number
WITH w, head(collect(t)) AS t
MATCH (c:Paper)-[old:CITES]->(w)
MERGE (c)-[r:CITES]->(t) """ + PENDING_ON_CREATE + """
SET c.integrity_dirty = randomUUID(), r.position = old.position, r.raw = old.raw,"""
    + CITES_TO_PAPER_KEYS
    + """
DELETE old
"""
)

_DELETE_RESOLVED_WORKS: LiteralString = """
UNWIND $keys AS k
MATCH (w:Work {kind: k.kind, value: k.value})
WHERE NOT EXISTS { (w)<-[:CITES]-() }
DELETE w
"""


class WriteStatus(Enum):
    CREATED = "created"  # this write stored the paper
    EXISTING = "existing"  # the same content was stored already: nothing written
    CONFLICT = "conflict"  # this version is stored with other content: nothing written


@dataclass(frozen=True, slots=True)
class PaperWrite:
    """What the writer did with one row: its status and the stored paper's pith number."""

    status: WriteStatus
    pith_number: str
    source_id: str
    version: int


class PaperConflict(StoreError):
    """A version is registered with other content (a pith number never changes); nothing written."""

    def __init__(self, conflicts: Sequence[PaperWrite]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__(
            "; ".join(
                f"{c.source_id}v{c.version} is registered as {c.pith_number} with other metadata"
                for c in self.conflicts
            )
        )


def _with_times(row: dict[str, Any]) -> dict[str, Any]:
    """The row with ``created_at`` on the paper and every alias (the write time by default; an
    imported record keeps its signed originals)."""
    created = row.get("created_at") or row["now"]
    aliases = [{**a, "created_at": a.get("created_at") or row["now"]} for a in row["aliases"]]
    return {
        "canonical_sha256": row["canonical_sha256"],
        "created_at": created,
        "paper": row["paper"],
        "receipt": row["receipt"],
        "aliases": aliases,
        **({"log_leaf": row["log_leaf"]} if row.get("log_leaf") else {}),
    }


def _plan(rows: Sequence[dict[str, Any]], refuse_conflicts: bool) -> WritePlan[list[PaperWrite]]:
    rows = [{**_with_times(row), "i": i} for i, row in enumerate(rows)]
    sources: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["paper"]["source_kind"], row["paper"]["source_id"])
        own = [a["created_at"] for a in row["aliases"] if (a["kind"], a["value"]) == key]
        sources.setdefault(key, own[0] if own else row["created_at"])
    yield _LOCK_SOURCES, {
        "sources": [
            {"kind": k, "value": v, "created_at": at} for (k, v), at in sorted(sources.items())
        ]
    }
    merged = yield _MERGE_PAPERS, {"rows": rows}
    outcomes: list[PaperWrite | None] = [None] * len(rows)
    for r in merged:
        status = (
            WriteStatus.CREATED
            if r["created"]
            else WriteStatus.EXISTING
            if r["same"]
            else WriteStatus.CONFLICT
        )
        paper = rows[r["i"]]["paper"]
        outcomes[r["i"]] = PaperWrite(status, r["pith"], paper["source_id"], paper["version"])
    done = [o for o in outcomes if o is not None]
    conflicts = [o for o in done if o.status is WriteStatus.CONFLICT]
    if conflicts and refuse_conflicts:
        raise PaperConflict(conflicts)
    created = [row for row, o in zip(rows, done, strict=True) if o.status is WriteStatus.CREATED]
    if created:
        yield _RECEIPTS_AND_ALIASES, {"rows": created}
        source_ids = sorted({row["paper"]["source_id"] for row in created})
        yield _LINK_VERSIONS, {"source_ids": source_ids}
        work_keys = [
            {"kind": a["kind"], "value": a["value"]}
            for row in created
            for a in row["aliases"]
            if a["kind"] in ("arxiv", "doi")
        ]
        yield _REPOINT_WORKS, {"keys": work_keys}
        yield _DELETE_RESOLVED_WORKS, {"keys": work_keys}
        # A new paper's counts start at 0; re-pointed works changed its citing papers' counts.
        recount = refresh_counts_statement(source_ids=source_ids)
        if recount is not None:
            yield recount
        # Every stored receipt gets its transparency-log leaf in this same transaction, so no
        # receipt exists without its log entry (and no entry without its receipt).
        yield receipt_leaves_statement(created)
    return done


def write_papers_in(
    tx: ManagedTransaction, rows: Sequence[dict[str, Any]], *, refuse_conflicts: bool = True
) -> list[PaperWrite]:
    """Write ``rows`` in the caller's (sync) transaction; one :class:`PaperWrite` per row."""
    return run_plan(tx, _plan(rows, refuse_conflicts))


async def write_papers_async(
    tx: AsyncManagedTransaction, rows: Sequence[dict[str, Any]], *, refuse_conflicts: bool = True
) -> list[PaperWrite]:
    """:func:`write_papers_in` in an async transaction (bundle import writes events with it)."""
    return await run_plan_async(tx, _plan(rows, refuse_conflicts))


def write_papers(
    driver: Driver,
    database: str,
    rows: Sequence[dict[str, Any]],
    *,
    refuse_conflicts: bool = True,
) -> list[PaperWrite]:
    """Write a batch of paper rows in ONE transaction; one :class:`PaperWrite` per row.

    A row whose version is stored with other content raises :class:`PaperConflict` (nothing of
    the batch is written) or, with ``refuse_conflicts=False`` (bulk ingest), is skipped.
    """
    if not rows:
        return []
    return write_transaction(
        driver, database, write_papers_in, rows, refuse_conflicts=refuse_conflicts
    )


def registered_versions(
    driver: Driver, database: str, keys: Sequence[tuple[str, int]]
) -> list[tuple[str, str] | None]:
    """For each ``(arxiv id, version)``: ``(canonical_sha256, pith_number)`` if registered, in key order.

    A read to spare signing what is registered already; the write itself holds the invariant.
    """
    records = read_sync(
        driver,
        database,
        _REGISTERED_VERSIONS,
        keys=[{"source_id": s, "version": v} for s, v in keys],
    )
    return [(r["sha"], r["pith"]) if r["sha"] is not None else None for r in records]
