"""The typed per-request context: store handles, settings, and fresh DataLoaders."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
from neo4j import AsyncDriver, Driver
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from pith_graph.config import Settings
from pith_graph.core.signing import SigningKey
from pith_graph.graphql.loaders import Loaders, make_loaders
from pith_graph.service.keys import registry_signing_key

__all__ = ["Context", "PithGraphQL", "RegistryState", "to_thread"]

T = TypeVar("T")


class RegistryState:
    """What the app holds for all requests: the drivers and the (lazily loaded) signing key."""

    def __init__(self, settings: Settings, driver: AsyncDriver, sync_driver: Driver) -> None:
        self.settings = settings
        self.driver = driver
        self.sync_driver = sync_driver
        self._key: SigningKey | None = None
        self._lock = threading.Lock()

    def signing_key(self) -> SigningKey:
        """The registry key, generated on first use when the data directory has none."""
        with self._lock:
            if self._key is None:
                self._key = registry_signing_key(self.settings.data_dir)
            return self._key


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    registry: RegistryState
    loaders: Loaders

    @property
    def driver(self) -> AsyncDriver:
        return self.registry.driver

    @property
    def database(self) -> str:
        return self.registry.settings.neo4j_database

    @property
    def base_url(self) -> str:
        return self.registry.settings.public_base_url


async def to_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a synchronous service call (the write path) off the event loop."""
    return await anyio.to_thread.run_sync(lambda: fn(*args))


class PithGraphQL(GraphQL[Context, None]):
    """The ASGI GraphQL app, building a :class:`Context` per request."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        registry: RegistryState = request.app.state.registry
        return Context(
            request=request,
            response=response,
            registry=registry,
            loaders=make_loaders(registry.driver, registry.settings.neo4j_database),
        )
