"""The Cypher of a bulk load (``pith-graph ingest --bulk``): is the store empty, the one property
the offline importer cannot write, and the counts of what it loaded."""

from __future__ import annotations

from typing import LiteralString

from neo4j import Driver

from pith_graph.store._run import read_sync, unmanaged_sync

__all__ = ["imported_counts", "registry_node_count", "set_empty_lists"]

_NODES: LiteralString = "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n"

# The importer stores no empty arrays (an empty field is no property); the paper writer stores
# [] for a paper without cross-listings or authors. Every paper has each list property, so on a
# store just loaded the papers without it are exactly those whose list is empty: a label scan
# finds them (no node ids to send), and the writes run in two concurrent transactions (measured
# on 20k papers: 205-356 us a node against 285-687 us in one transaction at a time).
_EMPTY_LISTS: LiteralString = """
MATCH (p:Paper) WHERE p[$name] IS NULL
CALL (p) { SET p += $empty } IN 2 CONCURRENT TRANSACTIONS OF 5000 ROWS
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


def set_empty_lists(driver: Driver, database: str, name: str) -> None:
    """Set the list property ``name`` to ``[]`` on every paper without it (a bulk-loaded store)."""
    unmanaged_sync(driver, database, _EMPTY_LISTS, name=name, empty={name: []})


def imported_counts(driver: Driver, database: str) -> dict[str, int]:
    """Papers, CITES edges to papers and to works, and works, from the database's counts."""
    return dict(read_sync(driver, database, _COUNTS)[0])
