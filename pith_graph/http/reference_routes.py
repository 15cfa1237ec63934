"""JSON endpoints of the reference system, serving the same documents as the GraphQL API.

| path | answer |
| --- | --- |
| ``/pith/<SUFFIX>.json`` | the v1 record |
| ``/pith/<SUFFIX>`` | the record as JSON (``Accept: application/json`` or ``application/ld+json``) or HTML |
| ``/api/pith-number/<SUFFIX>/graph.json`` | the record's graph snapshot |
| ``/api/pith-number/<SUFFIX>/events.json`` | the record's accepted signed events and their summary |
| ``/api/pith-number/resolve?arxiv=…|doi=…|alias=…`` | the v1 record of the resolved alias |

``SUFFIX`` is anything ``resolve`` takes: the 26-character body, the full or short pith number,
a prefix, an arXiv id (old-style ids contain a slash) or a DOI. Errors are JSON
``{"error": {"code", "message"}}``: 404 not found, 409 ambiguous (with ``candidates``), 400
invalid, 503 when Neo4j is unavailable.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph.http import record_html
from pith_graph.http.app_state import RegistryState
from pith_graph.http.errors import Refusal
from pith_graph.http.papers import paper_named
from pith_graph.service.events import record_status
from pith_graph.service.records import record_document
from pith_graph.store.errors import StoreUnavailable

__all__ = ["answer_for_alias", "routes"]

log = logging.getLogger(__name__)

_JSON_TYPES = ("application/json", "application/ld+json")


def _error(code: str, message: str, status: int, **extra: Any) -> JSONResponse:
    return Refusal(code, message, status, **extra).json()


async def _record(request: Request, alias: str) -> dict[str, Any]:
    registry: RegistryState = request.app.state.registry
    database = registry.settings.neo4j_database
    paper = await paper_named(request, alias)
    # The derived verification status, events and graph, with the receipt, aliases and claims.
    (status,) = await record_status(registry.driver, database, [paper["pith_number"]])
    if status is None or status.details is None:  # removed between the two reads
        raise StoreUnavailable("the paper changed while it was read; try again")
    return record_document(paper, status.details, registry.settings.public_base_url, status)


async def _answer(request: Request, alias: str, shape: Any) -> Response:
    try:
        record = await _record(request, alias)
    except Refusal as refusal:
        return refusal.json()
    except StoreUnavailable as exc:
        return Refusal.of(exc).json()
    return shape(request, record)  # type: ignore[no-any-return]


# The one way the JSON routes answer for an alias: resolve, build the record, shape it (or the
# coded error). Other route modules (integrity.json, claims.json, /paper/…) shape it their way.
answer_for_alias = _answer


def _json(media_type: str = "application/json") -> Any:
    def shape(request: Request, record: dict[str, Any]) -> Response:
        return JSONResponse(record, media_type=media_type)

    return shape


def _negotiated(request: Request, record: dict[str, Any]) -> Response:
    accept = request.headers.get("accept", "")
    for media_type in _JSON_TYPES:
        if media_type in accept:
            return JSONResponse(record, media_type=media_type)
    if "text/html" in accept:
        return record_html.render_html(request, record)
    return JSONResponse(record)


def _graph(request: Request, record: dict[str, Any]) -> Response:
    return JSONResponse(
        {
            "pith_number": record["pith_number"],
            "short_pith_number": record["short_pith_number"],
            "canonical_sha256": record["canonical_sha256"],
            "graph_snapshot": record["graph_snapshot"],
        }
    )


def _events(request: Request, record: dict[str, Any]) -> Response:
    return JSONResponse(
        {
            "pith_number": record["pith_number"],
            "events": record["events"],
            "event_summary": record["event_summary"],
        }
    )


async def record_page(request: Request) -> Response:
    suffix: str = request.path_params["suffix"]
    if suffix.endswith(".json"):
        return await _answer(request, suffix[: -len(".json")], _json())
    return await _answer(request, suffix, _negotiated)


async def graph_json(request: Request) -> Response:
    return await _answer(request, request.path_params["suffix"], _graph)


async def events_json(request: Request) -> Response:
    return await _answer(request, request.path_params["suffix"], _events)


async def resolve_endpoint(request: Request) -> Response:
    repeated = sorted({k for k in request.query_params if len(request.query_params.getlist(k)) > 1})
    if repeated:
        return _error("BAD_INPUT", f"repeated query parameter {repeated[0][:40]!r}: give it once", 400)
    given = [(k, request.query_params[k]) for k in ("arxiv", "doi", "alias") if k in request.query_params]
    if len(given) != 1 or not given[0][1].strip():
        return _error("BAD_INPUT", "give exactly one of ?arxiv=, ?doi= or ?alias=", 400)
    kind, value = given[0]
    if kind == "doi" and not value.lower().startswith(("doi:", "http")):
        value = f"doi:{value}"
    elif kind == "arxiv" and not value.lower().startswith(("arxiv:", "http")):
        value = f"arXiv:{value}"
    return await _answer(request, value, _json())


def routes() -> list[BaseRoute]:
    return [
        Route("/api/pith-number/resolve", resolve_endpoint, methods=["GET"]),
        Route("/api/pith-number/{suffix:path}/graph.json", graph_json, methods=["GET"]),
        Route("/api/pith-number/{suffix:path}/events.json", events_json, methods=["GET"]),
        Route("/pith/{suffix:path}", record_page, methods=["GET"]),
    ]
