"""Bulk writes for ingest: papers (with receipts and aliases) and citations, one transaction per batch.

Every statement is a literal ``UNWIND $rows`` query. Writes are idempotent (``MERGE`` on the unique
keys of ``neo4j/migrations/0001``), so a batch that is retried, or re-run after a crash, leaves the
graph as one clean run would. The transaction functions only run Cypher: rows are hashed and
signed before (see :mod:`pith_graph.ingest.registration`).

Version bookkeeping (graph model): ``is_latest`` marks the newest registered version of an arXiv
id, ``(newer)-[:SUPERSEDES]->(older)`` links consecutive registered versions. Citations point
from and to the latest registered version; a cited work that is not registered becomes a
``(:Work {kind, value})`` which is re-pointed to the paper (and deleted) when the paper arrives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction
from pith_graph.store.citations import CITES_TO_PAPER_KEYS, CITES_TO_WORK_KEYS  # API (issue 4)
from pith_graph.store.counts import refresh_counts
from pith_graph.store.log import append_registration_receipts  # events helper (issue 6)

__all__ = [
    "VOLATILE_PROPERTIES",
    "CitationOutcome",
    "add_citations",
    "graph_content_hash",
    "graph_counts",
    "registered_versions",
    "write_registrations",
]

_REGISTERED_VERSIONS: LiteralString = """
UNWIND $keys AS k
OPTIONAL MATCH (p:Paper {source_id: k.source_id, version: k.version})
RETURN p.canonical_sha256 AS sha, p.pith_number AS pith
"""

_WRITE_PAPERS: LiteralString = """
UNWIND $rows AS row
MERGE (p:Paper {canonical_sha256: row.canonical_sha256})
ON CREATE SET p += row.paper, p.created_at = row.now, p.updated_at = row.now, p.is_latest = false
MERGE (p)-[:HAS_RECEIPT]->(r:Receipt)
ON CREATE SET r += row.receipt
WITH p, row
UNWIND row.aliases AS a
MERGE (al:Alias {kind: a.kind, value: a.value})
ON CREATE SET al.created_at = row.now
MERGE (al)-[:ALIAS_OF]->(p)
"""

_DROP_SUPERSEDES: LiteralString = """
UNWIND $source_ids AS sid
MATCH (:Paper {source_id: sid})-[s:SUPERSEDES]->(:Paper)
DELETE s
"""

_LINK_VERSIONS: LiteralString = """
UNWIND $source_ids AS sid
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
MERGE (c)-[r:CITES]->(t)
SET r.position = old.position, r.raw = old.raw,"""
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

_CITE_ARXIV: LiteralString = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (c:Paper {source_id: row.citing, is_latest: true})
OPTIONAL MATCH (t:Paper {source_id: row.target, is_latest: true})
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NOT NULL THEN [1] ELSE [] END |
  MERGE (c)-[r:CITES]->(t) SET r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_PAPER_KEYS
    + """)
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NULL THEN [1] ELSE [] END |
  MERGE (w:Work {kind: 'arxiv', value: row.target})
  MERGE (c)-[r:CITES]->(w) SET r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_WORK_KEYS
    + """)
RETURN row.i AS i, c IS NOT NULL AS citing_found, t IS NOT NULL AS resolved
"""
)

_CITE_DOI: LiteralString = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (c:Paper {source_id: row.citing, is_latest: true})
OPTIONAL MATCH (:Alias {kind: 'doi', value: row.target})-[:ALIAS_OF]->(t:Paper {is_latest: true})
WITH row, head(collect(c)) AS c, t ORDER BY t.pith_number
WITH row, c, head(collect(t)) AS t
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NOT NULL THEN [1] ELSE [] END |
  MERGE (c)-[r:CITES]->(t) SET r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_PAPER_KEYS
    + """)
FOREACH (_ IN CASE WHEN c IS NOT NULL AND t IS NULL THEN [1] ELSE [] END |
  MERGE (w:Work {kind: 'doi', value: row.target})
  MERGE (c)-[r:CITES]->(w) SET r.position = row.position, r.raw = row.raw,"""
    + CITES_TO_WORK_KEYS
    + """)
RETURN row.i AS i, c IS NOT NULL AS citing_found, t IS NOT NULL AS resolved
"""
)

_COUNTS: LiteralString = """
CALL { MATCH (p:Paper) RETURN count(p) AS papers }
CALL { MATCH (:Paper)-[r:CITES]->(:Paper) RETURN count(r) AS citations }
CALL { MATCH (:Paper)-[r:CITES]->(:Work) RETURN count(r) AS unresolved }
CALL { MATCH (w:Work) RETURN count(w) AS works }
RETURN papers, citations, unresolved, works
"""

_ALL_NODES: LiteralString = """
MATCH (n) WHERE NOT n:SchemaMigration
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""

_ALL_RELATIONSHIPS: LiteralString = """
MATCH (a)-[r]->(b) WHERE NOT a:SchemaMigration AND NOT b:SchemaMigration
RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, elementId(b) AS b
"""

# Properties that record *when* (or in which transaction) something was written, not *what*: a
# resumed run writes them at other times, and in other batches, than a clean run, so the content
# hash leaves them out. ``lock_token`` is the log head's last writer (see store/log.py).
VOLATILE_PROPERTIES = frozenset(
    {"created_at", "updated_at", "signed_at", "last_reissued_at", "first_computed_at", "lock_token"}
)


@dataclass(frozen=True, slots=True)
class CitationOutcome:
    """Per input row: was the citing paper registered, and did the target resolve to a paper."""

    citing_found: bool
    resolved: bool


def registered_versions(
    driver: Driver, database: str, keys: Sequence[tuple[str, int]]
) -> list[tuple[str, str] | None]:
    """For each ``(arxiv id, version)``: ``(canonical_sha256, pith_number)`` if registered, in key order."""
    records, _, _ = driver.execute_query(
        _REGISTERED_VERSIONS,
        keys=[{"source_id": s, "version": v} for s, v in keys],
        database_=database,
        routing_="r",
    )
    return [(r["sha"], r["pith"]) if r["sha"] is not None else None for r in records]


def _write_batch(tx: ManagedTransaction, rows: list[dict[str, Any]]) -> None:
    source_ids = sorted({row["paper"]["source_id"] for row in rows})
    work_keys = [
        a for row in rows for a in row["aliases"] if a["kind"] in ("arxiv", "doi")
    ]
    # The log leaf (precomputed by bulk ingest) is for the log append only: not sent twice.
    paper_rows = [{k: v for k, v in row.items() if k != "log_leaf"} for row in rows]
    tx.run(_WRITE_PAPERS, rows=paper_rows).consume()
    tx.run(_DROP_SUPERSEDES, source_ids=source_ids).consume()
    tx.run(_LINK_VERSIONS, source_ids=source_ids).consume()
    tx.run(_REPOINT_WORKS, keys=work_keys).consume()
    tx.run(_DELETE_RESOLVED_WORKS, keys=work_keys).consume()
    refresh_counts(tx, source_ids=source_ids)
    # events helper (issue 6): every stored receipt gets its transparency-log leaf in this same
    # transaction, so no receipt exists without its log entry (and no entry without its receipt).
    append_registration_receipts(tx, rows)


def write_registrations(driver: Driver, database: str, rows: list[dict[str, Any]]) -> None:
    """Write a batch of registration rows (papers, receipts, aliases) in ONE transaction.

    In the same transaction: versions are re-linked (``is_latest``, ``SUPERSEDES``) and citations
    waiting on these papers as ``Work`` nodes are re-pointed to them.
    """
    if not rows:
        return
    with driver.session(database=database) as session:
        session.execute_write(_write_batch, rows)


def _cite_batch(
    tx: ManagedTransaction, arxiv_rows: list[dict[str, Any]], doi_rows: list[dict[str, Any]]
) -> list[tuple[int, bool, bool]]:
    out = []
    for query, rows in ((_CITE_ARXIV, arxiv_rows), (_CITE_DOI, doi_rows)):
        if rows:
            result = tx.run(query, rows=rows)
            out.extend((r["i"], r["citing_found"], r["resolved"]) for r in result)
    refresh_counts(tx, source_ids=[row["citing"] for row in (*arxiv_rows, *doi_rows)])
    return out


def add_citations(
    driver: Driver, database: str, citations: Sequence[dict[str, Any]]
) -> list[CitationOutcome]:
    """Write citation rows ``{citing, kind ('arxiv'|'doi'), target, position, raw}`` in ONE
    transaction; returns one outcome per row, in row order. A row whose citing paper is not
    registered writes nothing (its outcome says so)."""
    arxiv_rows, doi_rows = [], []
    for i, row in enumerate(citations):
        (arxiv_rows if row["kind"] == "arxiv" else doi_rows).append({**row, "i": i})
    with driver.session(database=database) as session:
        results = session.execute_write(_cite_batch, arxiv_rows, doi_rows)
    outcomes = [CitationOutcome(False, False)] * len(citations)
    for i, found, resolved in results:
        outcomes[i] = CitationOutcome(found, resolved)
    return outcomes


def graph_counts(driver: Driver, database: str) -> dict[str, int]:
    """Papers, paper->paper citations, paper->work (unresolved) citations and works."""
    records, _, _ = driver.execute_query(_COUNTS, database_=database, routing_="r")
    return dict(records[0])


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def graph_content_hash(driver: Driver, database: str) -> tuple[dict[str, int], str]:
    """Counts and a SHA-256 over the whole graph's content (migration bookkeeping excluded).

    Each node hashes as its sorted labels and its properties minus :data:`VOLATILE_PROPERTIES`;
    each relationship as (start node hash, type, properties, end node hash). The graph hash is
    the SHA-256 of the sorted list of all of them, so it does not depend on element ids, write
    order or timestamps: two graphs with the same content hash the same.
    """
    node_hash: dict[str, str] = {}
    with driver.session(database=database, default_access_mode="READ") as session:
        for record in session.run(_ALL_NODES):
            props = {k: v for k, v in record["props"].items() if k not in VOLATILE_PROPERTIES}
            node_hash[record["id"]] = _digest([sorted(record["labels"]), props])
        rel_hashes = [
            _digest([node_hash[r["a"]], r["type"], dict(r["props"]), node_hash[r["b"]]])
            for r in session.run(_ALL_RELATIONSHIPS)
        ]
    everything = sorted(node_hash.values()) + sorted(rel_hashes)
    counts = {"nodes": len(node_hash), "relationships": len(rel_hashes)}
    return counts, hashlib.sha256("\n".join(everything).encode()).hexdigest()
