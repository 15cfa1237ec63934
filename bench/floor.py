"""The floor: the very Cypher our API runs for a request, through the Python driver, nothing else.

The queries are not copied from the store: they are *captured*. Our app is run in-process while
the store's runner is watched (:func:`pith_graph.store._run.watching_statements`: query text,
parameters, reader or writer) as it answers each benchmark request once; the floor then replays
each request's queries, in order, through the same runner's functions (auto-commit reads, as
ours) on a plain ``AsyncDriver`` (same pool options as ours), with the same concurrency. Queries our app had in
flight at once (a record's status read beside its lookup) are replayed at once too: replayed one
after the other they would make the floor slower than the same Cypher through the same driver.
So the floor follows the store whatever it becomes, and ``ours / floor`` is exactly what HTTP,
GraphQL parsing, validation, execution, the resolvers' Python and JSON cost on top of the
database.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import random
import time
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver
from starlette.applications import Starlette

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.store._run import read_async, watching_statements, write_async, written_by_us
from pith_graph.store.driver import open_async_driver

# (query, parameters, routing, wave): queries of one wave were in flight at the same time.
Captured = list[tuple[str, dict[str, Any], str, int]]
_current: contextvars.ContextVar[Captured | None] = contextvars.ContextVar("captured", default=None)


class _Recorder:
    """Notes each statement of the request being captured, and which of them overlapped: a
    query started while another was in flight joins its wave."""

    def __init__(self) -> None:
        self._in_flight = 0
        self._wave = 0

    def started(self, query: str, params: dict[str, Any], routing: str) -> None:
        captured = _current.get()
        if captured is None:
            return
        if self._in_flight == 0:
            self._wave += 1
        captured.append((query, dict(params), routing, self._wave))
        self._in_flight += 1

    def finished(self) -> None:
        if _current.get() is not None:
            self._in_flight -= 1


async def _post(app: Starlette, body: bytes) -> bytes:
    """One POST /graphql through the ASGI app, no sockets."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                    (b"accept", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def capture(settings: Settings, bodies: list[dict[str, Any]]) -> list[Captured]:
    """The queries our app runs for each body (in order)."""
    driver = open_async_driver(settings)
    app = create_app(settings, driver=driver)
    out: list[Captured] = []
    try:
        with watching_statements(_Recorder()):
            async with app.router.lifespan_context(app):
                for body in bodies:
                    captured: Captured = []
                    token = _current.set(captured)
                    try:
                        answer = json.loads(await _post(app, json.dumps(body).encode()))
                    finally:
                        _current.reset(token)
                    if answer.get("errors"):
                        raise RuntimeError(f"our API answered with errors: {answer['errors'][:1]}")
                    out.append(captured)
    finally:
        await driver.close()
    return out


def waves(queries: Captured) -> list[list[tuple[str, dict[str, Any], str]]]:
    """The captured queries of one request as waves: each wave's queries run at once, the
    waves one after the other, as our app ran them."""
    out: list[list[tuple[str, dict[str, Any], str]]] = []
    last = None
    for query, params, routing, wave in queries:
        if wave != last:
            out.append([])
            last = wave
        out[-1].append((query, params, routing))
    return out


@dataclass
class FloorResult:
    requests: int
    seconds: float
    latencies_us: list[float]
    errors: int
    first_error: str | None = None


async def _replay(
    driver: AsyncDriver, database: str, requests: list[Captured], concurrency: int,
    duration: float, max_requests: int,
) -> FloorResult:
    latencies: list[float] = []
    errors = 0
    first_error: str | None = None
    deadline = time.perf_counter() + duration
    rng = random.Random()

    async def worker() -> None:
        nonlocal errors, first_error
        while time.perf_counter() < deadline and len(latencies) < max_requests:
            queries = requests[rng.randrange(len(requests))]
            started = time.perf_counter()
            try:
                for wave in waves(queries):
                    await asyncio.gather(*(
                        (read_async if routing == "r" else write_async)(
                            driver, database, written_by_us(query), **params
                        )
                        for query, params, routing in wave
                    ))
            except Exception as exc:
                errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                continue
            latencies.append((time.perf_counter() - started) * 1e6)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return FloorResult(
        len(latencies), time.perf_counter() - started, latencies, errors, first_error
    )


def run_floor(
    settings: Settings, requests: list[Captured], concurrency: int, duration: float,
    max_requests: int, warmup: float = 0.0,
) -> FloorResult:
    """Replay captured requests for ``duration`` seconds with ``concurrency`` tasks (uvloop, as
    uvicorn uses)."""

    async def main() -> FloorResult:
        driver = open_async_driver(settings)
        try:
            if warmup:
                await _replay(driver, settings.neo4j_database, requests, concurrency, warmup, 10**9)
            return await _replay(
                driver, settings.neo4j_database, requests, concurrency, duration, max_requests
            )
        finally:
            await driver.close()

    try:
        import uvloop

        return uvloop.run(main())
    except ImportError:
        return asyncio.run(main())
