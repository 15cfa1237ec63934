"""The registry's public signing keys and mirror manifest, so anyone can verify offline.

| path | answer |
| --- | --- |
| ``/.well-known/pith/keys.json`` | the current key (id, ed25519 raw key in base64 + hex, fingerprints) and ``keys``: every trusted key (current, retired, external) with its status and dates |
| ``/api/pith-number/keys`` | the same document |
| ``/pith-signing-key.json`` | the current key in the reference system's signing-key shape |
| ``/pith-mirrors.json`` | the mirror manifest: this registry (primary), its key, bundle/state URL patterns |

Only public data: the documents are built from ``keys.json`` (and the public half of
``PITH_SIGNING_KEY``); private seeds are never read here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pith_graph import keystore
from pith_graph.core.key_documents import MIRRORS_PATH, SIGNING_KEY_PATH
from pith_graph.http.app_state import RegistryState
from pith_graph.http.errors import Refusal, error_response
from pith_graph.service.keys import mirror_manifest_document, published_keys, signing_key_json
from pith_graph.store import mirror as mirror_store
from pith_graph.store.errors import StoreUnavailable

__all__ = ["routes"]

log = logging.getLogger(__name__)


def _published(
    build: Callable[[Request, RegistryState], dict[str, Any]],
) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def endpoint(request: Request) -> JSONResponse:
        try:
            document = build(request, request.app.state.registry)
        except keystore.KeyStoreError as exc:
            log.warning("cannot publish keys: %s", exc)
            return error_response("UNAVAILABLE", "no signing key is configured")
        return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})

    return endpoint


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.public_base_url)


keys_document = _published(
    lambda request, registry: published_keys(registry.settings.data_dir, env=registry.key_env)
)
signing_key_endpoint = _published(
    lambda request, registry: signing_key_json(
        registry.settings.data_dir, _base_url(request), registry.key_env
    )
)
async def mirrors_endpoint(request: Request) -> JSONResponse:
    """The manifest lists the registries this one follows (``pith-graph mirror follow``)."""
    registry = request.app.state.registry
    try:
        origins = await mirror_store.mirror_origins(registry.driver, registry.settings.neo4j_database)
    except StoreUnavailable as exc:
        return Refusal.of(exc).json()
    return await _published(
        lambda request, registry: mirror_manifest_document(
            registry.settings.data_dir, _base_url(request), origins, registry.key_env
        )
    )(request)


def routes() -> list[BaseRoute]:
    return [
        Route("/.well-known/pith/keys.json", keys_document, methods=["GET"]),
        Route("/api/pith-number/keys", keys_document, methods=["GET"]),
        Route(SIGNING_KEY_PATH, signing_key_endpoint, methods=["GET"]),
        Route(MIRRORS_PATH, mirrors_endpoint, methods=["GET"]),
    ]
