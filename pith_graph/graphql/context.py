"""The typed per-request context: store handles, settings, and fresh DataLoaders."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread
from neo4j import AsyncDriver
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from pith_graph.graphql.execution import DocumentMemo
from pith_graph.graphql.loaders import Loaders
from pith_graph.http.app_state import RegistryState
from pith_graph.service.tokens import Principal, authenticate

__all__ = ["Context", "request_context", "request_loaders", "set_request_context", "to_thread"]

T = TypeVar("T")


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    registry: RegistryState
    loaders: Loaders
    # Nodes the operation may return (set before execution by the cost check).
    requested_nodes: int = 0
    _principal: asyncio.Future[Principal] | None = field(default=None, repr=False)
    # Said in the response's ``extensions.warnings``: accepted, but worth the client's attention.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    # What resolvers derive from the selection, kept with the document for all its requests
    # (a document the schema keeps, executed on the short path; else None).
    document_memo: DocumentMemo | None = None

    def warn(self, code: str, message: str, path: list[str | int] | None = None) -> None:
        self.warnings.append({"code": code, "message": message, **({"path": path} if path else {})})

    async def principal(self) -> Principal:
        """The request's API token, looked up once however many mutation fields ask."""
        if self._principal is None:
            header = self.request.headers.get("authorization")
            self._principal = asyncio.ensure_future(
                authenticate(self.driver, self.database, header)
            )
        return await asyncio.shield(self._principal)

    async def token_id(self) -> str | None:
        """The id of the request's API token when it is a valid one, else None (no error)."""
        if not self.request.headers.get("authorization"):
            return None
        try:
            return (await self.principal()).token_id
        except Exception:  # an invalid token identifies nobody: the client is its IP
            return None

    @property
    def driver(self) -> AsyncDriver:
        return self.registry.driver

    @property
    def database(self) -> str:
        return self.registry.settings.neo4j_database

    @property
    def base_url(self) -> str:
        return self.registry.settings.public_base_url


# The context of the request being executed, for the plain attributes of a type that read more
# than their object holds (a Paper's aliases, receipt or record document): an attribute has no
# ``info``. Set with the request's Context, in the task that executes the request (the tasks
# graphql-core starts copy it).
_REQUEST_CONTEXT: contextvars.ContextVar[Context] = contextvars.ContextVar("request_context")


def request_context() -> Context:
    """The Context of the request this task is answering."""
    return _REQUEST_CONTEXT.get()


def request_loaders() -> Loaders:
    """The DataLoaders of the request this task is answering."""
    return _REQUEST_CONTEXT.get().loaders


def set_request_context(context: Context) -> None:
    """Make ``context`` the current request's (called where it is built)."""
    _REQUEST_CONTEXT.set(context)


async def to_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a synchronous service call (the write path) off the event loop."""
    return await anyio.to_thread.run_sync(lambda: fn(*args))
