"""Running literal queries with the driver: error translation in one place.

Every read of the API goes through :func:`read_async` (one ``execute_query`` = one round trip,
routed to readers); the service's synchronous reads through :func:`read_sync`. Driver errors that
mean "the database is not there" become :class:`~pith_graph.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, LiteralString

from neo4j.exceptions import (
    ClientError,
    ConnectionPoolError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from neo4j import AsyncDriver, Driver, Record
from pith_graph.store.errors import StoreTimeout, StoreUnavailable

__all__ = ["as_store_error", "read_async", "read_sync", "unavailable_as_store_error"]


def as_store_error(exc: BaseException) -> StoreUnavailable | None:
    """The store error a driver exception means, or None when it means something else."""
    if isinstance(exc, ClientError) and "TransactionTimedOut" in (exc.code or ""):
        return StoreTimeout(f"the query ran longer than its timeout: {exc.message}")
    if isinstance(exc, (ServiceUnavailable, SessionExpired, ConnectionPoolError)):
        return StoreUnavailable(f"Neo4j is unavailable: {exc}")
    if isinstance(exc, TransientError):
        return StoreUnavailable(f"Neo4j could not answer in time: {exc}")
    if isinstance(exc, OSError):
        return StoreUnavailable(f"Neo4j is unreachable: {exc}")
    return None


@contextmanager
def unavailable_as_store_error() -> Iterator[None]:
    """Translate "cannot reach Neo4j" (and timeout) driver errors into :class:`StoreUnavailable`."""
    try:
        yield
    except Exception as exc:
        translated = as_store_error(exc)
        if translated is None:
            raise
        raise translated from exc


async def read_async(
    driver: AsyncDriver, database: str, query: LiteralString, **params: Any
) -> list[Record]:
    with unavailable_as_store_error():
        records, _, _ = await driver.execute_query(
            query, parameters_=params, database_=database, routing_="r"
        )
    return list(records)


def read_sync(driver: Driver, database: str, query: LiteralString, **params: Any) -> list[Record]:
    with unavailable_as_store_error():
        records, _, _ = driver.execute_query(
            query, parameters_=params, database_=database, routing_="r"
        )
    return list(records)
