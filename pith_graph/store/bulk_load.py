"""The Cypher of a bulk load (``pith-graph ingest --bulk``): is the store empty, the one property
the offline importer cannot write, and the counts of what it loaded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import LiteralString

from neo4j import Driver

from pith_graph.store._run import read_sync, write_sync

__all__ = ["imported_counts", "registry_node_count", "set_empty_lists"]

_NODES: LiteralString = "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n"

# The importer stores no empty arrays (an empty field is no property); the paper writer stores
# [] for a paper without cross-listings or authors. The bulk load knows each paper's node id
# (it gave them to the importer): a lookup by id needs no index, so this runs before any exists.
_EMPTY_LISTS: LiteralString = """
UNWIND $ids AS i
MATCH (p:Paper) WHERE id(p) = i
SET p += $empty
"""

# Counts the database keeps (count store): no scan of the edges. Only papers cite.
_COUNTS: LiteralString = """
CALL { MATCH (p:Paper) RETURN count(p) AS papers }
CALL { MATCH ()-[r:CITES]->(:Paper) RETURN count(r) AS citations }
CALL { MATCH ()-[r:CITES]->(:Work) RETURN count(r) AS unresolved }
CALL { MATCH (w:Work) RETURN count(w) AS works }
RETURN papers, citations, unresolved, works
"""


def registry_node_count(driver: Driver, database: str) -> int:
    """Nodes other than the migrations' bookkeeping: 0 for an empty registry."""
    return int(read_sync(driver, database, _NODES)[0]["n"])


def set_empty_lists(
    driver: Driver, database: str, name: str, node_ids: Sequence[int], batch: int = 50000
) -> None:
    """Set the list property ``name`` to ``[]`` on the papers of these node ids."""
    for i in range(0, len(node_ids), batch):
        write_sync(
            driver, database, _EMPTY_LISTS, ids=list(node_ids[i : i + batch]), empty={name: []}
        )


def imported_counts(driver: Driver, database: str) -> dict[str, int]:
    """Papers, CITES edges to papers and to works, and works, from the database's counts."""
    return dict(read_sync(driver, database, _COUNTS)[0])
