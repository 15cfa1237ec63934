"""The registry's public signing keys, so that anyone can verify receipts offline.

| path | answer |
| --- | --- |
| ``/.well-known/pith/keys.json`` | the current key (id, ed25519 raw key in base64 + hex, fingerprint) and ``keys``: every current and retired key with its status and dates |
| ``/api/pith-number/keys`` | the same document |

Only public data: the document is built from ``keys.json`` (and the public half of
``PITH_SIGNING_KEY``); private seeds are never read here.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pith_graph import keystore
from pith_graph.service.keys import published_keys

__all__ = ["routes"]

log = logging.getLogger(__name__)


async def keys_document(request: Request) -> JSONResponse:
    data_dir = request.app.state.settings.data_dir
    try:
        document = published_keys(data_dir)
    except keystore.KeyStoreError as exc:
        log.warning("cannot publish keys: %s", exc)
        return JSONResponse(
            {"error": {"code": "UNAVAILABLE", "message": "no signing key is configured"}},
            status_code=503,
        )
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})


def routes() -> list[BaseRoute]:
    return [
        Route("/.well-known/pith/keys.json", keys_document, methods=["GET"]),
        Route("/api/pith-number/keys", keys_document, methods=["GET"]),
    ]
