"""Running literal queries with the driver: error translation in one place.

Every read of the API goes through :func:`read_async` (one ``execute_query`` = one round trip,
routed to readers); the service's synchronous reads through :func:`read_sync`. Driver errors that
mean "the database is not there" become :class:`~pith_graph.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, LiteralString

from neo4j import AsyncDriver, Driver, Record
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from pith_graph.store.errors import StoreUnavailable

__all__ = ["read_async", "read_sync", "unavailable_as_store_error"]


@contextmanager
def unavailable_as_store_error() -> Iterator[None]:
    """Translate "cannot reach Neo4j" driver errors into :class:`StoreUnavailable`."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreUnavailable(f"Neo4j is unavailable: {exc}") from exc
    except TransientError as exc:
        raise StoreUnavailable(f"Neo4j could not answer in time: {exc}") from exc
    except OSError as exc:
        raise StoreUnavailable(f"Neo4j is unreachable: {exc}") from exc


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
