"""``/pith/<SUFFIX>/bundle.json``, ``/.well-known/pith/<SUFFIX>/bundle.json``, ``/pith/<SUFFIX>/state.json``.

SUFFIX is the 26-character body of the pith number (REFERENCE.md "URL shapes"). Unknown or
malformed suffixes answer 404 with a JSON error, never a 500.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pith_graph import keystore
from pith_graph.service import bundles
from pith_graph.service.events import UnknownSubject
from pith_graph.store.bundles import pith_numbers_by_body

__all__ = ["routes"]


async def _bundle(request: Request) -> dict[str, object] | JSONResponse:
    registry = request.app.state.registry
    suffix = request.path_params["suffix"].upper()
    database = registry.settings.neo4j_database
    (pith,) = await pith_numbers_by_body(registry.driver, database, [suffix])
    if pith is None:
        return JSONResponse(
            {"error": {"code": "NOT_FOUND", "message": f"no pith number with body {suffix!r}"}},
            status_code=404,
        )
    key = await anyio.to_thread.run_sync(registry.signing_key)
    try:
        return await bundles.export_bundle(registry.driver, database, key, pith)
    except UnknownSubject as exc:
        return JSONResponse({"error": {"code": "NOT_FOUND", "message": str(exc)}}, status_code=404)


async def bundle_json(request: Request) -> JSONResponse:
    result = await _bundle(request)
    return result if isinstance(result, JSONResponse) else JSONResponse(result)


async def state_json(request: Request) -> JSONResponse:
    result = await _bundle(request)
    if isinstance(result, JSONResponse):
        return result
    trust = keystore.trust_store_for(request.app.state.settings.data_dir)
    return JSONResponse(bundles.bundle_state(result, trust))


def routes() -> list[BaseRoute]:
    return [
        Route("/pith/{suffix}/bundle.json", bundle_json),
        Route("/.well-known/pith/{suffix}/bundle.json", bundle_json),
        Route("/pith/{suffix}/state.json", state_json),
    ]
