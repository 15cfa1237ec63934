"""Open the Neo4j driver once per process, with the settings' database and credentials."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from pith_graph.config import Settings

__all__ = ["open_async_driver", "open_driver"]

# Requests fail fast when Neo4j is away instead of hanging on the pool.
_DRIVER_OPTIONS: dict[str, object] = {
    "connection_timeout": 5.0,
    "connection_acquisition_timeout": 10.0,
    "max_transaction_retry_time": 10.0,
    "max_connection_pool_size": 64,
    # Neo4j's query notifications (e.g. "label does not exist yet" on an empty graph) are advice
    # for people writing Cypher by hand, not for a service's log.
    "notifications_min_severity": "OFF",
}


def _uri(settings: Settings) -> str:
    if settings.neo4j_uri is None:
        raise ValueError("no NEO4J_URI: start the local Neo4j first (pith_graph.neo4j_local)")
    return settings.neo4j_uri


def open_async_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(_uri(settings), auth=settings.neo4j_auth, **_DRIVER_OPTIONS)


def open_driver(settings: Settings) -> Driver:
    return GraphDatabase.driver(_uri(settings), auth=settings.neo4j_auth, **_DRIVER_OPTIONS)
