"""A rehearsal of the write path: the writers' statements run for a probe paper, then rolled back.

A Neo4j that has just (re)started plans every query afresh in a cold JVM: the first registration
after a restart took 9 s here (20–36 s on a loaded machine) while the later ones took 0.2 s. The
readiness check rehearses the writes once per server incarnation, so that "ready" means a write
would succeed *now*, not after the server has compiled its plans. The rehearsal writes through the
writers themselves (same statements, same plan-cache keys) in one explicit transaction that is
always rolled back: nothing is committed, nothing reaches the transaction log. While it runs it
holds the locks a registration holds (the probe's alias and the log head), for well under a
second on a warm server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

from neo4j import Driver
from neo4j.exceptions import ClientError

from pith_graph.store._run import rolled_back, write_sync
from pith_graph.store.citation_writer import add_citations_in
from pith_graph.store.paper_writer import registered_versions, write_papers_in

__all__ = ["rehearse_writes", "server_incarnation"]

# Which server process answers: its JVM's name (pid@host) and start time. A restart changes it
# even when no request saw the server go away (the driver reconnects silently). The database's
# own "lastStartTime" would not do: it survives a restart of the process.
_INCARNATION: LiteralString = """
CALL dbms.queryJmx('java.lang:type=Runtime') YIELD attributes
RETURN attributes.Name.value AS name, toString(attributes.StartTime.value) AS started
"""


def server_incarnation(driver: Driver, database: str) -> tuple[tuple[str, str], ...] | None:
    """The (JVM name, start time) of the server process that answers for ``database``; None when
    this account may not ask (a managed service may not offer JMX)."""
    try:
        # Routed as a write: the server that matters is the one the writes reach.
        records = write_sync(driver, database, _INCARNATION)
    except ClientError:  # not allowed, or no such procedure: unknown, not an error
        return None
    return tuple(sorted((str(r["name"]), str(r["started"])) for r in records))


def rehearse_writes(
    driver: Driver,
    database: str,
    paper_rows: Sequence[dict[str, Any]],
    citation_rows: Sequence[Mapping[str, Any]],
) -> None:
    """Run the paper and citation writers for ``paper_rows`` and ``citation_rows`` in one
    transaction, and roll it back."""
    keys = [(row["paper"]["source_id"], row["paper"]["version"]) for row in paper_rows]
    registered_versions(driver, database, keys)
    with rolled_back(driver, database) as tx:
        write_papers_in(tx, paper_rows, refuse_conflicts=False)
        add_citations_in(tx, [dict(row) for row in citation_rows])
