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

from pith_graph.http.errors import Refusal
from pith_graph.service.errors import ServiceError
from pith_graph.service.resolution import resolve_paper
from pith_graph.store.errors import StoreUnavailable
from pith_graph.store.resolve import Projection

__all__ = ["paper_named"]

log = logging.getLogger(__name__)

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
