"""Running literal queries with the driver: error translation in one place.

Every read of the API goes through :func:`read_async` (one ``execute_query`` = one round trip,
routed to readers); the service's synchronous reads through :func:`read_sync`. Driver errors that
mean "the database is not there" become :class:`~pith_graph.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar, cast

from neo4j import AsyncDriver, AsyncManagedTransaction, Driver, ManagedTransaction, Record
from neo4j.exceptions import (
    ClientError,
    ConnectionPoolError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from pith_graph.store.errors import StoreTimeout, StoreUnavailable

__all__ = [
    "Statement",
    "WritePlan",
    "as_store_error",
    "read_async",
    "read_sync",
    "run_plan",
    "run_plan_async",
    "unavailable_as_store_error",
]

T = TypeVar("T")


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


# A write whose later statements depend on earlier results, written once for both driver models:
# a generator that yields ``(query, parameters)`` and receives each statement's rows (as dicts).
# :func:`run_plan` drives it in a sync transaction, :func:`run_plan_async` in an async one.
Statement = tuple[LiteralString, dict[str, Any]]
WritePlan = Generator[Statement, list[dict[str, Any]], T]


def run_plan(tx: ManagedTransaction, plan: WritePlan[T]) -> T:
    """Run every statement of ``plan`` in ``tx``; returns what the plan returns."""
    try:
        query, params = next(plan)
        while True:
            rows = [record.data() for record in tx.run(query, params)]
            query, params = plan.send(rows)
    except StopIteration as stop:
        return cast(T, stop.value)


async def run_plan_async(tx: AsyncManagedTransaction, plan: WritePlan[T]) -> T:
    """:func:`run_plan` in an async transaction."""
    try:
        query, params = next(plan)
        while True:
            result = await tx.run(query, params)
            rows = [record.data() async for record in result]
            query, params = plan.send(rows)
    except StopIteration as stop:
        return cast(T, stop.value)
