"""The transparency log over HTTP, as C2SP tlog-tiles (and the vkeys to check its checkpoints).

| path | answer |
| --- | --- |
| ``/log/checkpoint`` | the latest checkpoint, a signed note (with witness cosignatures), ``text/plain`` |
| ``/log/tile/<L>/<N>[.p/<W>]`` | a Merkle tile of height 8 (N as ``x001/x234/067``) |
| ``/log/tile/entries/<N>[.p/<W>]`` | an entry bundle: uint16-length-prefixed leaf bytes |
| ``/log/vkeys`` | the note verifier keys of the registry's keys (current first), one per line |

Full tiles never change: ``Cache-Control: public, max-age=31536000, immutable``. A partial tile
of a given width does not change either, but is replaced by wider ones, so it is cached for an
hour; the checkpoint for a second.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph import keystore
from pith_graph.core.merkle import TILE_WIDTH, InvalidProof, parse_tile_path
from pith_graph.core.signing import PublicKey
from pith_graph.http.app_state import RegistryState
from pith_graph.http.errors import Refusal, error_response
from pith_graph.service import log as log_service
from pith_graph.service.keys import published_keys
from pith_graph.store.errors import StoreUnavailable

__all__ = ["registry_vkeys", "routes"]

log = logging.getLogger(__name__)

_IMMUTABLE = "public, max-age=31536000, immutable"
_PARTIAL = "public, max-age=3600"
_CHECKPOINT = "public, max-age=1"


def _unavailable(exc: StoreUnavailable) -> JSONResponse:
    return Refusal.of(exc).json()


async def checkpoint(request: Request) -> Response:
    registry: RegistryState = request.app.state.registry
    try:
        note = await log_service.served_checkpoint(registry.driver, registry.settings.neo4j_database)
    except StoreUnavailable as exc:
        return _unavailable(exc)
    if note is None:
        return error_response("NOT_FOUND", "the log has no checkpoint yet")
    return Response(
        note,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": _CHECKPOINT},
    )


async def tile(request: Request) -> Response:
    registry: RegistryState = request.app.state.registry
    path = "tile/" + request.path_params["path"]
    try:
        level, index, width = parse_tile_path(path)
    except InvalidProof as exc:
        return error_response("BAD_INPUT", str(exc))
    try:
        data = await log_service.tile_bytes(
            registry.driver, registry.settings.neo4j_database, level, index, width
        )
    except StoreUnavailable as exc:
        return _unavailable(exc)
    if data is None:
        return error_response("NOT_FOUND", f"{path} is not in the log (yet)")
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Cache-Control": _IMMUTABLE if width == TILE_WIDTH else _PARTIAL},
    )


def registry_vkeys(registry: RegistryState) -> list[str]:
    """The vkeys of the registry's current and retired keys (current first)."""
    document = published_keys(registry.settings.data_dir, env=registry.key_env)
    current = PublicKey(document["key_id"], bytes.fromhex(document["public_key_hex"]))
    keys = [current] + [
        PublicKey(k["key_id"], bytes.fromhex(k["public_key_hex"]))
        for k in document.get("keys", [])
        # our own keys only: the list also names other registries' keys we accept receipts from
        if k["public_key_hex"] != current.hex and k.get("status") in (None, "current", "retired")
    ]
    return log_service.note_verifier_keys(registry.settings.log_origin, keys)


async def vkeys(request: Request) -> Response:
    try:
        lines = registry_vkeys(request.app.state.registry)
    except keystore.KeyStoreError as exc:
        log.warning("cannot publish keys: %s", exc)
        return error_response("UNAVAILABLE", "no signing key is configured")
    return Response(
        "".join(f"{line}\n" for line in lines),
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/log/checkpoint", checkpoint, methods=["GET"]),
        Route("/log/vkeys", vkeys, methods=["GET"]),
        Route("/log/tile/{path:path}", tile, methods=["GET"]),
    ]
