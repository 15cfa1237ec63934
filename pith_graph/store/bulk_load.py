"""The Cypher of a bulk load (``pith-graph ingest --bulk``): is the store empty, and the one
property the offline importer cannot write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import LiteralString

from neo4j import Driver

from pith_graph.store._run import read_sync, write_sync

__all__ = ["registry_node_count", "set_empty_lists"]

_NODES: LiteralString = "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n"

# The importer stores no empty arrays (an empty field is no property); the paper writer stores
# [] for a paper without cross-listings or authors.
_EMPTY_LISTS: LiteralString = """
UNWIND $piths AS pn
MATCH (p:Paper {pith_number: pn})
SET p += $empty
"""


def registry_node_count(driver: Driver, database: str) -> int:
    """Nodes other than the migrations' bookkeeping: 0 for an empty registry."""
    return int(read_sync(driver, database, _NODES)[0]["n"])


def set_empty_lists(
    driver: Driver, database: str, name: str, piths: Sequence[str], batch: int = 20000
) -> None:
    """Set the list property ``name`` to ``[]`` on these papers."""
    for i in range(0, len(piths), batch):
        write_sync(
            driver, database, _EMPTY_LISTS, piths=list(piths[i : i + batch]), empty={name: []}
        )
