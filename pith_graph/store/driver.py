"""Open the Neo4j driver once per process, with the settings' database and credentials.

The API's drivers are opened with ``query_timeout``: every transaction they run (``execute_query``,
a session's managed transaction or an auto-commit ``session.run``) carries that server-side timeout unless the caller set its
own, so one request can never hold the database longer than ``PITH_QUERY_TIMEOUT``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypedDict

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase, Query, unit_of_work

from pith_graph.config import Settings

__all__ = ["UNAVAILABLE_BUDGET_SECONDS", "open_async_driver", "open_driver", "with_query_timeout"]

# The time a request may spend finding out that Neo4j is not there, all included: connecting,
# waiting for a pooled connection, the managed-transaction retries and the sleeps between them.
# The driver stops retrying only once its retry window has passed *and then* after one more
# sleep, and by default sleeps 1, 2, 4 ... s (a 3 s window slept up to 7.4 s). Here the sleeps
# start at 0.1 s and double: with a 0.8 s window they add up to at most about 1.8 s, which with an
# attempt refused at once (a stopped server) keeps a request under the budget; a server that does
# not answer at all costs at most one more connection timeout. Lock conflicts (transient errors)
# retry inside the same window, which is many attempts at these delays.
UNAVAILABLE_BUDGET_SECONDS = 2.0
_RETRY_WINDOW_SECONDS = 0.8



class _DriverOptions(TypedDict):
    connection_timeout: float
    connection_acquisition_timeout: float
    max_transaction_retry_time: float
    initial_retry_delay: float
    retry_delay_multiplier: float
    retry_delay_jitter_factor: float
    max_connection_pool_size: int
    notifications_min_severity: Literal["OFF", "WARNING", "INFORMATION"]


_DRIVER_OPTIONS: _DriverOptions = {
    "connection_timeout": 1.0,
    "connection_acquisition_timeout": UNAVAILABLE_BUDGET_SECONDS,
    "max_transaction_retry_time": _RETRY_WINDOW_SECONDS,
    "initial_retry_delay": 0.1,
    "retry_delay_multiplier": 2.0,
    "retry_delay_jitter_factor": 0.2,
    "max_connection_pool_size": 64,
    # Neo4j's query notifications (e.g. "label does not exist yet" on an empty graph) are advice
    # for people writing Cypher by hand, not for a service's log.
    "notifications_min_severity": "OFF",
}


def _uri(settings: Settings) -> str:
    if settings.neo4j_uri is None:
        raise ValueError("no NEO4J_URI: start the local Neo4j first (pith_graph.neo4j_local)")
    return settings.neo4j_uri


def open_async_driver(settings: Settings, *, query_timeout: float | None = None) -> AsyncDriver:
    driver = AsyncGraphDatabase.driver(_uri(settings), auth=settings.neo4j_auth, **_DRIVER_OPTIONS)
    return driver if query_timeout is None else with_query_timeout(driver, query_timeout)


def open_driver(settings: Settings, *, query_timeout: float | None = None) -> Driver:
    driver = GraphDatabase.driver(_uri(settings), auth=settings.neo4j_auth, **_DRIVER_OPTIONS)
    return driver if query_timeout is None else with_query_timeout(driver, query_timeout)


def _timed_query(query: Any, timeout: float) -> Any:
    if isinstance(query, Query):
        return query if query.timeout is not None else Query(query.text, query.metadata, timeout)
    return Query(query, timeout=timeout)


def _timed_work(work: Callable[..., Any], timeout: float) -> Callable[..., Any]:
    if getattr(work, "timeout", None) is not None:
        return work
    return unit_of_work(timeout=timeout)(work)


class _Delegate:
    def __init__(self, inner: Any, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _TimedSession(_Delegate):
    def execute_read(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._inner.execute_read(_timed_work(work, self._timeout), *args, **kwargs)

    def execute_write(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._inner.execute_write(_timed_work(work, self._timeout), *args, **kwargs)

    def run(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        return self._inner.run(_timed_query(query, self._timeout), *args, **kwargs)

    def __enter__(self) -> _TimedSession:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> Any:
        return self._inner.__exit__(*exc)

    async def __aenter__(self) -> _TimedSession:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> Any:
        return await self._inner.__aexit__(*exc)


class _TimedDriver(_Delegate):
    def execute_query(self, query_: Any, *args: Any, **kwargs: Any) -> Any:
        # Sync drivers return the result, async ones a coroutine: both pass straight through.
        return self._inner.execute_query(_timed_query(query_, self._timeout), *args, **kwargs)

    def session(self, **kwargs: Any) -> _TimedSession:
        return _TimedSession(self._inner.session(**kwargs), self._timeout)

    def __enter__(self) -> _TimedDriver:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> Any:
        return self._inner.__exit__(*exc)

    async def __aenter__(self) -> _TimedDriver:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> Any:
        return await self._inner.__aexit__(*exc)


def with_query_timeout(driver: Any, timeout: float) -> Any:
    """``driver`` (sync or async), with ``timeout`` seconds on every transaction it runs."""
    return _TimedDriver(driver, timeout)
