"""The store's one query runner: every Cypher statement of the package runs through here.

It names the database, routes reads to readers, owns the transactions (a write of several
statements is one managed transaction here, never a session opened elsewhere) and translates
driver errors: "the database
is not there" becomes :class:`~pith_graph.store.errors.StoreUnavailable`, a server-side timeout
:class:`~pith_graph.store.errors.StoreTimeout`. The timeout itself is the driver's: the API opens
its drivers with ``query_timeout`` (:func:`pith_graph.store.driver.with_query_timeout`), which
every statement and transaction run here carries. Queries are literal (``LiteralString``), their
values always parameters.

Both driver models are served (the API's async driver, the CLI's and the write path's sync one)
with the same names, ``*_async`` for the async driver.

The API's reads (:func:`read_async`) are auto-commit transactions: one round trip (RUN and
PULL pipelined) where a managed read transaction costs two (BEGIN, RUN and PULL, then COMMIT);
a single read statement needs no transaction around it, and repeating it is harmless, so it is
retried once when its pooled connection turns out to be gone. Because every statement passes
here, this is also where statements are counted (:func:`watching_statements`): the tests that
hold the API to a fixed number of queries per request, and the benchmark's floor, watch this
runner rather than a wrapped driver.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, LiteralString, ParamSpec, Protocol, TypeVar, cast

from neo4j import (
    READ_ACCESS,
    AsyncDriver,
    AsyncManagedTransaction,
    Driver,
    ManagedTransaction,
    Record,
)
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
    "StatementWatcher",
    "Statements",
    "WritePlan",
    "as_store_error",
    "read_async",
    "read_sync",
    "rolled_back",
    "run_plan",
    "run_plan_async",
    "stream_read",
    "tx_rows",
    "tx_rows_async",
    "unavailable_as_store_error",
    "unmanaged_async",
    "unmanaged_sync",
    "watching_statements",
    "write_async",
    "write_sync",
    "write_transaction",
    "write_transaction_async",
    "written_by_us",
]

T = TypeVar("T")
P = ParamSpec("P")


class StatementWatcher(Protocol):
    """Told of every statement this runner starts (``routing`` "r" for a read on a reader, "w"
    otherwise) and of each one's end."""

    def started(self, query: str, params: dict[str, Any], routing: str) -> None: ...

    def finished(self) -> None: ...


class Statements:
    """A :class:`StatementWatcher` that keeps the text of each statement: one entry a round trip
    (a read, a write, a statement inside a transaction)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def started(self, query: str, params: dict[str, Any], routing: str) -> None:
        self.queries.append(query)

    def finished(self) -> None:
        pass


_watchers: list[StatementWatcher] = []

W = TypeVar("W", bound=StatementWatcher)


@contextmanager
def watching_statements(watcher: W) -> Iterator[W]:
    """``watcher`` is told of every statement this process runs through the runner, whichever
    driver or task runs it, until the block ends."""
    _watchers.append(watcher)
    try:
        yield watcher
    finally:
        _watchers.remove(watcher)


def _started(query: str, params: dict[str, Any], routing: str) -> None:
    for watcher in _watchers:
        watcher.started(query, params, routing)


def _finished() -> None:
    for watcher in _watchers:
        watcher.finished()


def written_by_us(text: str) -> LiteralString:
    """``text`` as a query: only for Cypher this package wrote (its migration files, a query
    composed from its own constants), never for anything that came from input."""
    # mypy reads LiteralString as str (the cast is for checkers that tell them apart).
    return cast(LiteralString, text)  # type: ignore[redundant-cast]


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


async def _auto_commit_read(
    driver: AsyncDriver, database: str, query: LiteralString, params: dict[str, Any]
) -> list[Record]:
    async with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
        result = await session.run(query, params)
        # Buffered at once, as ``execute_query`` does: cheaper than a record at a time.
        return (await result.to_eager_result()).records


async def read_async(
    driver: AsyncDriver, database: str, query: LiteralString, **params: Any
) -> list[Record]:
    """One read statement as an auto-commit transaction on a reader (one round trip)."""
    if _watchers:
        _started(query, params, "r")
    try:
        with unavailable_as_store_error():
            try:
                return await _auto_commit_read(driver, database, query, params)
            except (SessionExpired, ServiceUnavailable):
                # A pooled connection the server closed (a restart): once more, on a new one.
                return await _auto_commit_read(driver, database, query, params)
    finally:
        if _watchers:
            _finished()


def read_sync(driver: Driver, database: str, query: LiteralString, **params: Any) -> list[Record]:
    if _watchers:
        _started(query, params, "r")
    try:
        with unavailable_as_store_error():
            records, _, _ = driver.execute_query(
                query, parameters_=params, database_=database, routing_="r"
            )
        return list(records)
    finally:
        if _watchers:
            _finished()


async def write_async(
    driver: AsyncDriver, database: str, query: LiteralString, **params: Any
) -> list[Record]:
    """One write statement in its own transaction, on the writer."""
    if _watchers:
        _started(query, params, "w")
    try:
        with unavailable_as_store_error():
            records, _, _ = await driver.execute_query(
                query, parameters_=params, database_=database
            )
        return list(records)
    finally:
        if _watchers:
            _finished()


def write_sync(driver: Driver, database: str, query: LiteralString, **params: Any) -> list[Record]:
    """:func:`write_async` with the sync driver."""
    if _watchers:
        _started(query, params, "w")
    try:
        with unavailable_as_store_error():
            records, _, _ = driver.execute_query(query, parameters_=params, database_=database)
        return list(records)
    finally:
        if _watchers:
            _finished()


async def write_transaction_async(
    driver: AsyncDriver,
    database: str,
    work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``work(tx, *args, **kwargs)`` in one managed write transaction (retried on transient
    errors by the driver); what it raises that is not a driver error passes through."""
    with unavailable_as_store_error():
        async with driver.session(database=database) as session:
            return await session.execute_write(work, *args, **kwargs)


def write_transaction(
    driver: Driver,
    database: str,
    work: Callable[Concatenate[ManagedTransaction, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """:func:`write_transaction_async` with the sync driver."""
    with unavailable_as_store_error(), driver.session(database=database) as session:
        return session.execute_write(work, *args, **kwargs)


@contextmanager
def stream_read(
    driver: Driver, database: str, query: LiteralString, **params: Any
) -> Iterator[Iterator[Record]]:
    """The records of one read, streamed as they arrive (a whole-graph scan that must not be
    held in memory at once)."""
    with (
        unavailable_as_store_error(),
        driver.session(database=database, default_access_mode="READ") as session,
    ):
        if _watchers:
            _started(query, params, "r")
            _finished()
        yield iter(session.run(query, params))


def unmanaged_sync(driver: Driver, database: str, query: LiteralString, **params: Any) -> None:
    """One statement in an auto-commit transaction: what a managed transaction cannot hold
    (schema commands mixed with ``CALL {…} IN TRANSACTIONS`` in a migration)."""
    if _watchers:
        _started(query, params, "w")
        _finished()
    with unavailable_as_store_error(), driver.session(database=database) as session:
        session.run(query, params).consume()


async def unmanaged_async(
    driver: AsyncDriver, database: str, query: LiteralString, **params: Any
) -> None:
    """:func:`unmanaged_sync` with the async driver."""
    if _watchers:
        _started(query, params, "w")
        _finished()
    with unavailable_as_store_error():
        async with driver.session(database=database) as session:
            await (await session.run(query, params)).consume()


@contextmanager
def rolled_back(driver: Driver, database: str) -> Iterator[ManagedTransaction]:
    """A write transaction that is always rolled back: a rehearsal of the write path."""
    with unavailable_as_store_error(), driver.session(database=database) as session:
        tx = session.begin_transaction()
        try:
            yield cast(ManagedTransaction, tx)
        finally:
            tx.rollback()


def tx_rows(tx: ManagedTransaction, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
    """One statement inside a transaction this runner opened; its rows as dicts."""
    if _watchers:
        _started(query, params, "w")
        _finished()
    return [record.data() for record in tx.run(query, params)]


async def tx_rows_async(
    tx: AsyncManagedTransaction, query: LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """:func:`tx_rows` in an async transaction."""
    if _watchers:
        _started(query, params, "w")
        _finished()
    result = await tx.run(query, params)
    return [record.data() async for record in result]


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
            query, params = plan.send(tx_rows(tx, query, **params))
    except StopIteration as stop:
        return cast(T, stop.value)


async def run_plan_async(tx: AsyncManagedTransaction, plan: WritePlan[T]) -> T:
    """:func:`run_plan` in an async transaction."""
    try:
        query, params = next(plan)
        while True:
            query, params = plan.send(await tx_rows_async(tx, query, **params))
    except StopIteration as stop:
        return cast(T, stop.value)
