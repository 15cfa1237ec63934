"""``/pith/<SUFFIX>/bundle.json``, ``/.well-known/pith/<SUFFIX>/bundle.json``, ``/pith/<SUFFIX>/state.json``.

SUFFIX is any alias ``resolve`` takes (REFERENCE.md "URL shapes" names the 26-character body;
the short form, an arXiv id or a DOI name the same paper). Refusals are the JSON errors of every
paper route (:mod:`pith_graph.http.papers`), never a 500.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pith_graph.http.errors import Refusal
from pith_graph.http.papers import paper_named
from pith_graph.service import bundles
from pith_graph.service.errors import NotFound
from pith_graph.service.events import UnknownSubject
from pith_graph.store.errors import StoreUnavailable

__all__ = ["routes"]


async def _bundle(request: Request) -> dict[str, Any]:
    registry = request.app.state.registry
    paper = await paper_named(request, request.path_params["suffix"], projection="brief")
    key = await anyio.to_thread.run_sync(registry.signing_key)
    try:
        return await bundles.export_bundle(
            registry.driver, registry.settings.neo4j_database, key, paper["pith_number"]
        )
    except UnknownSubject as exc:  # removed between the two reads
        raise Refusal.of(NotFound(str(exc))) from exc
    except StoreUnavailable as exc:
        raise Refusal.of(exc) from exc


async def bundle_json(request: Request) -> JSONResponse:
    try:
        return JSONResponse(await _bundle(request))
    except Refusal as refusal:
        return refusal.json()


async def state_json(request: Request) -> JSONResponse:
    try:
        bundle = await _bundle(request)
    except Refusal as refusal:
        return refusal.json()
    trust = request.app.state.registry.trust_store()
    return JSONResponse(bundles.bundle_state(bundle, trust))


def routes() -> list[BaseRoute]:
    return [
        Route("/pith/{suffix:path}/bundle.json", bundle_json, methods=["GET"]),
        Route("/.well-known/pith/{suffix:path}/bundle.json", bundle_json, methods=["GET"]),
        Route("/pith/{suffix:path}/state.json", state_json, methods=["GET"]),
    ]
