"""Shared by the commands that need a database: the configured one, or the local launcher."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from pith_graph.config import Settings
from pith_graph.neo4j_local import local_neo4j


@contextlib.contextmanager
def connected_settings(settings: Settings, *, quiet: bool = False) -> Iterator[Settings]:
    """Yield settings whose ``neo4j_uri`` answers: ``NEO4J_URI`` if set, else the local launcher
    (built once, started, and stopped again on exit unless it was already running)."""
    if not settings.uses_local_neo4j:
        yield settings
        return
    with local_neo4j(settings) as server:
        if not quiet:
            took = f" in {server.start_seconds:.1f} s" if server.start_seconds else " (already running)"
            print(f"pith-graph: local Neo4j at {server.uri}{took}", file=sys.stderr)
        yield settings.with_neo4j_uri(server.uri)
