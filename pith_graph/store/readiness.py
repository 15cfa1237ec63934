"""Whether a write would succeed now: a write transaction that changes nothing.

The query has a write clause, so a server that cannot write (a follower reached directly, a
database in read-only mode) refuses it, and ``execute_write`` routes it to the writer of a
cluster; it matches no node, so it commits no change and leaves nothing in the transaction log.
It runs on the driver (and pool) that the API's writes use.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import Driver, ManagedTransaction

from pith_graph.store._run import tx_rows, write_transaction

__all__ = ["probe_write"]

_WRITE_NOTHING: LiteralString = "MATCH (n:PithReadinessProbe) SET n.probed = true RETURN count(n) AS n"


def _write_nothing(tx: ManagedTransaction) -> int:
    (row,) = tx_rows(tx, _WRITE_NOTHING)
    return int(row["n"])


def probe_write(driver: Driver, database: str) -> None:
    """Run a write transaction that touches nothing; raises StoreUnavailable when it cannot."""
    write_transaction(driver, database, _write_nothing)
