"""What the graph holds, as counts and as one content hash (ingest reports, tests, benchmarks)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, LiteralString

from neo4j import Driver

from pith_graph.store._run import read_sync, stream_read

__all__ = ["VOLATILE_PROPERTIES", "graph_content_hash", "graph_counts"]

_COUNTS: LiteralString = """
CALL { MATCH (p:Paper) RETURN count(p) AS papers }
CALL { MATCH (:Paper)-[r:CITES]->(:Paper) RETURN count(r) AS citations }
CALL { MATCH (:Paper)-[r:CITES]->(:Work) RETURN count(r) AS unresolved }
CALL { MATCH (w:Work) RETURN count(w) AS works }
RETURN papers, citations, unresolved, works
"""

# An aggregate cell at zero is the same as no cell (store/counts.py): writers leave them, a
# rebuild does not make them.
_ALL_NODES: LiteralString = """
MATCH (n) WHERE NOT n:SchemaMigration
  AND NOT (n:PaperCell AND n.papers = 0) AND NOT (n:CitationCell AND n.n = 0)
  AND NOT (n:CitationCountCell AND n.papers = 0)
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
    {
        "created_at",
        "updated_at",
        "signed_at",
        "last_reissued_at",
        "first_computed_at",
        "lock_token",
        # the integrity layer's "changed since its last run" marker and its runs' times
        "integrity_dirty",
        "ran_at",
    }
)


def graph_counts(driver: Driver, database: str) -> dict[str, int]:
    """Papers, paper->paper citations, paper->work (unresolved) citations and works."""
    records = read_sync(driver, database, _COUNTS)
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
    with stream_read(driver, database, _ALL_NODES) as nodes:
        for record in nodes:
            props = {k: v for k, v in record["props"].items() if k not in VOLATILE_PROPERTIES}
            node_hash[record["id"]] = _digest([sorted(record["labels"]), props])
    with stream_read(driver, database, _ALL_RELATIONSHIPS) as relationships:
        rel_hashes = [
            _digest([node_hash[r["a"]], r["type"], dict(r["props"]), node_hash[r["b"]]])
            for r in relationships
        ]
    everything = sorted(node_hash.values()) + sorted(rel_hashes)
    counts = {"nodes": len(node_hash), "relationships": len(rel_hashes)}
    return counts, hashlib.sha256("\n".join(everything).encode()).hexdigest()
