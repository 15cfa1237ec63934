"""The one mapping of refusals to HTTP: a coded error's status and its JSON body.

Every JSON route refuses as ``{"error": {"code", "message", ...}}`` with the status
:data:`HTTP_STATUS` gives its code (400 for a code it does not list), the message cut like
GraphQL's. Service errors and an unreachable store become a :class:`Refusal` through
:meth:`Refusal.of`; a route raises it or returns :meth:`Refusal.json`.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import JSONResponse

from pith_graph.service.errors import AmbiguousAlias, ServiceError
from pith_graph.store.errors import StoreUnavailable

__all__ = [
    "HTTP_STATUS",
    "MAX_MESSAGE_CHARS",
    "Refusal",
    "error_response",
    "http_error",
    "shorten_message",
]

log = logging.getLogger(__name__)

HTTP_STATUS = {
    "BAD_INPUT": 400,
    "INVALID_ALIAS": 400,
    "MALFORMED_EVENT": 400,
    "BAD_SIGNATURE": 400,
    "FORBIDDEN_KIND": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "UNREGISTERED_AUTHOR_KEY": 403,
    "NOT_FOUND": 404,
    "UNKNOWN_SUBJECT": 404,
    "METHOD_NOT_ALLOWED": 405,
    "AMBIGUOUS_ALIAS": 409,
    "REPLAYED_EVENT": 409,
    "TOO_LARGE": 413,
    "RATE_LIMITED": 429,
    "UNAVAILABLE": 503,
}

# Messages quote the input they refuse; a 100,000-character alias is not echoed back whole.
MAX_MESSAGE_CHARS = 400


def shorten_message(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}… ({len(message) - limit:,} more characters not shown)"


def http_error(status: int, code: str, message: str) -> JSONResponse:
    """A refusal before GraphQL ran, in the GraphQL response shape."""
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
    )


_UNAVAILABLE = "the graph database is unavailable; try again later"


def error_response(
    code: str, message: str, status: int | None = None, **extra: Any
) -> JSONResponse:
    """The JSON refusal ``code`` (its status from :data:`HTTP_STATUS` unless given)."""
    return Refusal(code, message, status, **extra).json()


class Refusal(Exception):
    """A route's coded refusal; :meth:`json` is the response."""

    def __init__(self, code: str, message: str, status: int | None = None, **extra: Any) -> None:
        message = shorten_message(message)
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra
        self.status = HTTP_STATUS.get(code, 400) if status is None else status

    def json(self) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message, **self.extra}}
        return JSONResponse(body, status_code=self.status)

    @classmethod
    def of(cls, exc: ServiceError | StoreUnavailable) -> Refusal:
        """The refusal a service error or an unreachable store means."""
        if isinstance(exc, AmbiguousAlias):
            return cls(exc.code, str(exc), candidates=list(exc.candidates))
        if isinstance(exc, ServiceError):
            return cls(exc.code, str(exc))
        log.warning("store unavailable: %s", exc)
        return cls("UNAVAILABLE", _UNAVAILABLE)
