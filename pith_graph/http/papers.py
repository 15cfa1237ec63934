"""The paper an HTTP route names, and the JSON refusal when it names none.

Every route with a paper in its path (``/pith/<SUFFIX>…``, ``/.well-known/pith/<SUFFIX>/…``,
``/api/pith-number/<SUFFIX>/…``, badges) takes any alias ``resolve`` takes — the 26-character
body, the full or short pith number, a prefix, an arXiv id (old-style ids hold a slash), a DOI —
through :func:`paper_named`, and refuses like ``resolve``: 400 ``INVALID_ALIAS``, 404
``NOT_FOUND``, 409 ``AMBIGUOUS_ALIAS`` (with ``candidates``), 503 ``UNAVAILABLE``, as
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from pith_graph.graphql.errors import shorten_message
from pith_graph.service.errors import AmbiguousAlias, ServiceError
from pith_graph.service.resolution import resolve_paper
from pith_graph.store.errors import StoreUnavailable
from pith_graph.store.resolve import Projection

__all__ = ["HTTP_STATUS", "Refusal", "paper_named"]

log = logging.getLogger(__name__)

HTTP_STATUS = {"NOT_FOUND": 404, "AMBIGUOUS_ALIAS": 409, "INVALID_ALIAS": 400, "BAD_INPUT": 400}


class Refusal(Exception):
    """A route's coded refusal; :meth:`json` is the response."""

    def __init__(self, code: str, message: str, status: int, **extra: Any) -> None:
        message = shorten_message(message)
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra

    def json(self) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message, **self.extra}}
        return JSONResponse(body, status_code=self.status)

    @classmethod
    def of(cls, exc: ServiceError | StoreUnavailable) -> Refusal:
        if isinstance(exc, AmbiguousAlias):
            return cls(exc.code, str(exc), 409, candidates=list(exc.candidates))
        if isinstance(exc, ServiceError):
            return cls(exc.code, str(exc), HTTP_STATUS.get(exc.code, 400))
        log.warning("store unavailable: %s", exc)
        return cls("UNAVAILABLE", "the graph database is unavailable; try again later", 503)


async def paper_named(
    request: Request, alias: str, *, projection: Projection = "full"
) -> dict[str, Any]:
    """The paper ``alias`` names (its properties), or a :class:`Refusal`."""
    registry = request.app.state.registry
    try:
        return await resolve_paper(
            registry.driver, registry.settings.neo4j_database, alias, projection=projection
        )
    except (ServiceError, StoreUnavailable) as exc:
        raise Refusal.of(exc) from exc
