"""The ASGI application: ``create_app(settings)`` builds it; resources open in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute

from pith_graph.config import Settings
from pith_graph.core.signing import PublicKey
from pith_graph.graphql.asgi import PithGraphQL
from pith_graph.graphql.schema import build_schema, schema_sdl
from pith_graph.http import extra_routes
from pith_graph.http.app_state import RegistryState
from pith_graph.http.caching import ConditionalGet
from pith_graph.http.errors import error_response
from pith_graph.http.headers import SecurityHeaders
from pith_graph.http.limits import BodySizeLimit
from pith_graph.http.ratelimit import RateLimitMiddleware
from pith_graph.service.log import run_integrator
from pith_graph.service.mirror import run_follower
from pith_graph.service.warmup import WriteWarmth
from pith_graph.service.witness import request_cosignatures
from pith_graph.store.driver import (
    UNAVAILABLE_BUDGET_SECONDS,
    open_async_driver,
    open_driver,
    with_query_timeout,
)
from pith_graph.store.errors import StoreUnavailable
from pith_graph.store.migrations import apply_migrations_async, pending_migrations_async
from pith_graph.store.readiness import probe_write

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger(__name__)
# The driver gives up within its budget; this only caps a probe that hangs for other reasons.
_INTEGRATOR_STOP_SECONDS = 10.0
_READINESS_TIMEOUT = UNAVAILABLE_BUDGET_SECONDS + 1.0


async def healthz(request: Request) -> JSONResponse:
    """The process is alive (says nothing about Neo4j)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """A write would succeed now: a write transaction that changes nothing commits on the
    driver the API's writes use, every migration is applied, and the write path has been
    rehearsed on this server since it started (:mod:`pith_graph.service.warmup`); 503 otherwise,
    saying which."""
    driver: AsyncDriver = request.app.state.driver
    database: str = request.app.state.settings.neo4j_database
    try:
        async with asyncio.timeout(_READINESS_TIMEOUT):
            # In a thread: the write driver is synchronous, like the write path it stands for.
            await asyncio.to_thread(probe_write, request.app.state.write_driver, database)
            pending = await pending_migrations_async(driver, database)
            warm = await request.app.state.write_warmth.is_warm()
    except Exception as exc:  # any failure to reach Neo4j means "not ready", never a 500
        log.warning("readiness check failed: %s", exc)
        request.app.state.write_warmth.forget()
        return JSONResponse(
            {"status": "unavailable", "reason": "a write to Neo4j would not succeed now"},
            status_code=503,
        )
    if pending:
        return JSONResponse(
            {"status": "migrating", "pending_migrations": [m.version for m in pending]},
            status_code=503,
        )
    if not warm:  # a (re)started server plans every query afresh: writes would take seconds
        return JSONResponse(
            {"status": "warming", "reason": "the write path is being rehearsed on a new server"},
            status_code=503,
        )
    return JSONResponse({"status": "ready"})


async def schema_document(request: Request) -> PlainTextResponse:
    """``/schema.graphql``: the SDL of the API this server runs."""
    return PlainTextResponse(schema_sdl(), media_type="application/graphql")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Router-level refusals (no such path, wrong method) as coded JSON, like every other error."""
    status = getattr(exc, "status_code", 500)
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(status, "BAD_INPUT")
    detail = getattr(exc, "detail", "") or "refused"
    return error_response(code, str(detail), status)


def _middleware(settings: Settings) -> list[Middleware]:
    middleware = [
        Middleware(SecurityHeaders),  # outermost: every answer, refusals included, carries them
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:  # none by default: browsers on other origins cannot call the API
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                allow_credentials=False,
                max_age=600,
            )
        )
    # Inner to outer below: a 304 still carries the client's RateLimit headers.
    middleware.append(Middleware(RateLimitMiddleware))
    middleware.append(Middleware(ConditionalGet))
    return middleware


def create_app(settings: Settings, driver: AsyncDriver | None = None) -> Starlette:
    """Build the app. Without ``driver``, one is opened (and closed) by the lifespan.

    Start-up fails (the app never serves) when the signing key cannot be loaded safely, e.g. a
    key file readable by group or others.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own_driver = driver is None
        timeout = settings.query_timeout
        raw_driver = open_async_driver(settings) if driver is None else driver
        app.state.driver = with_query_timeout(raw_driver, timeout)
        app.state.settings = settings
        # The write path (service + ingest store) is synchronous: mutations run it in a worker
        # thread with this driver; reads use the async driver above.
        sync_driver = open_driver(settings, query_timeout=timeout)
        app.state.write_driver = sync_driver
        app.state.registry = RegistryState(settings, app.state.driver, sync_driver)
        app.state.write_warmth = WriteWarmth(sync_driver, settings.neo4j_database)
        try:
            app.state.registry.signing_key()  # refuse to start with an unsafe or broken key
            if settings.migrate_on_start:
                # Schema changes on a large graph may run long: not under the request timeout.
                applied = await apply_migrations_async(raw_driver, settings.neo4j_database)
                if applied:
                    log.info("applied migrations %s", applied)
            # Serve only once a write would be fast: rehearsed on this server (a no-op when this
            # process has already rehearsed on it). Unreachable now: /readyz retries it later.
            try:
                await asyncio.to_thread(app.state.write_warmth.warm_now)
            except StoreUnavailable as exc:
                log.warning("write path not rehearsed at start: %s", exc)
            # New log entries are folded into tiles and a signed checkpoint every
            # PITH_LOG_INTERVAL seconds (and an existing log is tiled from its first entry).
            stop_integrator = asyncio.Event()
            integrator = None if settings.log_interval <= 0 else asyncio.create_task(
                run_integrator(
                    app.state.driver,
                    settings.neo4j_database,
                    app.state.registry.signing_key,
                    settings.log_origin,
                    settings.log_interval,
                    after=lambda: request_cosignatures(app.state.driver, settings.neo4j_database),
                    stop=stop_integrator,
                )
            )
            # PITH_MIRROR_ORIGIN: follow another registry in the background.
            follower = None if settings.mirror_origin is None else asyncio.create_task(
                run_follower(
                    app.state.driver,
                    settings.neo4j_database,
                    settings.mirror_origin,
                    app.state.registry.trust_store,
                    settings.mirror_interval,
                    stop_integrator,
                    origin_key=(
                        PublicKey("origin", bytes.fromhex(settings.mirror_origin_key))
                        if settings.mirror_origin_key else None
                    ),
                    data_dir=settings.data_dir,  # one follower, however many workers
                )
            )
            try:
                yield
            finally:
                if follower is not None:
                    stop_integrator.set()
                    try:
                        await asyncio.wait_for(asyncio.shield(follower), _INTEGRATOR_STOP_SECONDS)
                    except TimeoutError:
                        follower.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await follower
                if integrator is not None:
                    # Let a round in progress finish (cancelling it mid-transaction would leave
                    # its session unclosed); cancel only if it does not end in time.
                    stop_integrator.set()
                    try:
                        await asyncio.wait_for(asyncio.shield(integrator), _INTEGRATOR_STOP_SECONDS)
                    except TimeoutError:
                        integrator.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await integrator
        finally:
            sync_driver.close()
            if own_driver:
                await raw_driver.close()

    graphql_app = PithGraphQL(
        build_schema(settings),
        graphql_ide="graphiql",
        allowed_origins=settings.cors_origins,
        response_cache_seconds=settings.response_cache_seconds,
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        Route("/schema.graphql", schema_document, methods=["GET"]),
        *extra_routes(),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=_middleware(settings),
        exception_handlers={404: _http_error, 405: _http_error},
    )


def app_from_env() -> Starlette:
    """The app of the settings in the environment: what each worker process of
    ``pith-graph serve --workers N`` builds (uvicorn imports it by name in every worker)."""
    return freeze_start_up(create_app(Settings.from_env()))


def freeze_start_up(app: Starlette) -> Starlette:
    """``app``, with what the serving process built so far (modules, the schema) kept out of
    the garbage collector's scans: it lives as long as the process, and rescanning it after
    every burst of allocations cost a resolveMany of 1,000 aliases a sixth of its CPU. Only
    for a process that serves one app until it exits (``pith-graph serve``)."""
    gc.collect()
    gc.freeze()
    return app
