"""This registry as a C2SP witness (tlog-witness).

| path | answer |
| --- | --- |
| ``POST /add-checkpoint`` | ``old <size>``, consistency proof lines, a blank line, a checkpoint: the cosignature line (200), or 400 / 403 / 404 / 409 (``text/x.tlog.size``) / 422 as the spec says |
| ``GET /witness/<sha256(origin) hex>/checkpoint`` | the latest checkpoint this witness cosigned for that log, with the log's and our signatures |
| ``GET /witness/vkey`` | this witness's cosignature/v1 vkey (what a log configures) |
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pith_graph.core.signing import SigningKey
from pith_graph.http.app_state import RegistryState
from pith_graph.service import witness as service
from pith_graph.store import witness as store
from pith_graph.store.errors import StoreUnavailable

__all__ = ["routes"]

log = logging.getLogger(__name__)
_TEXT = "text/plain; charset=utf-8"


async def _key(request: Request) -> SigningKey:
    key: SigningKey | None = getattr(request.app.state, "witness_key", None)
    if key is None:
        registry: RegistryState = request.app.state.registry
        key = await asyncio.to_thread(service.witness_signing_key, registry.settings.data_dir)
        request.app.state.witness_key = key
    return key


async def add_checkpoint(request: Request) -> Response:
    registry: RegistryState = request.app.state.registry
    body = await request.body()
    try:
        status, text, media_type = await service.add_checkpoint(
            registry.driver, registry.settings.neo4j_database, await _key(request),
            registry.settings.witness_name, body, datetime.now(UTC),
        )  # fmt: skip
    except StoreUnavailable as exc:
        log.warning("store unavailable: %s", exc)
        return Response("the witness's database is unavailable\n", 503, media_type=_TEXT)
    return Response(text, status, media_type=media_type)


async def witnessed_checkpoint(request: Request) -> Response:
    registry: RegistryState = request.app.state.registry
    wanted = request.path_params["origin_hash"]
    logs = await store.witnessed_logs(registry.driver, registry.settings.neo4j_database)
    for entry in logs:
        if service.origin_hash(entry["origin"]) == wanted and entry["checkpoint"]:
            return Response(entry["checkpoint"], media_type=_TEXT, headers={"Cache-Control": "public, max-age=5"})
    return Response("this witness has cosigned no checkpoint of that log\n", 404, media_type=_TEXT)


async def witness_vkey(request: Request) -> Response:
    registry: RegistryState = request.app.state.registry
    verifier = service.witness_verifier(registry.settings.witness_name, await _key(request))
    return Response(verifier.vkey + "\n", media_type=_TEXT)


def routes() -> list[BaseRoute]:
    return [
        Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
        Route("/witness/vkey", witness_vkey, methods=["GET"]),
        Route("/witness/{origin_hash:str}/checkpoint", witnessed_checkpoint, methods=["GET"]),
    ]
