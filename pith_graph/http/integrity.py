"""``/pith/<any alias>/integrity.json``: a paper's integrity findings and their signed events.

The shape is the reference system's (REFERENCE.md "Integrity"): ``{schema, pith_number,
arxiv_id, integrity: graph_snapshot.integrity, events: [{event_id, event_type, payload_sha256,
signature_b64, signing_key_id, created_at, payload}]}``; each event also carries its whole signed
``envelope``, so anyone can verify it offline with the published key (``/pith-signing-key.json``).
Every ``pith.integrity.v1`` event is listed, rescissions included: the section is what they merge to.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.events import EventKind
from pith_graph.http.reference_routes import answer_for_alias

__all__ = ["INTEGRITY_SCHEMA", "integrity_document", "routes"]

INTEGRITY_SCHEMA = "pith.integrity.v1"


def integrity_document(record: dict[str, Any]) -> dict[str, Any]:
    """The integrity.json document of a record (pure)."""
    events = []
    for envelope in record["events"]:
        statement = envelope["event"]
        if statement["event_type"] != EventKind.INTEGRITY.value:
            continue
        events.append(
            {
                "event_id": envelope["event_id"],
                "event_type": statement["event_type"],
                "payload_sha256": sha256_digest(canonical_bytes(statement["payload"])).hex,
                "signature_b64": envelope["signature_b64"],
                "signing_key_id": statement["signer"]["key_id"],
                "created_at": statement["created_at"],
                "payload": statement["payload"],
                "envelope": envelope,
            }
        )
    return {
        "schema": INTEGRITY_SCHEMA,
        "pith_number": record["pith_number"],
        "arxiv_id": record["source"]["id"],
        "integrity": record["graph_snapshot"]["integrity"],
        "events": events,
    }


def _shape(request: Request, record: dict[str, Any]) -> Response:
    return JSONResponse(integrity_document(record))


async def integrity_json(request: Request) -> Response:
    return await answer_for_alias(request, request.path_params["suffix"], _shape)


def routes() -> list[BaseRoute]:
    return [Route("/pith/{suffix:path}/integrity.json", integrity_json, methods=["GET"])]
