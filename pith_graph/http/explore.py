"""The explorer page, its static bundle, badges and the LaTeX snippet.

| path | answer |
| --- | --- |
| ``/explore`` | the explorer page (``?q=`` any alias or title words, ``&depth=``, ``&direction=``) |
| ``/explore/dashboard`` | the dashboard view (``?q=`` the current paper; filter parameters) |
| ``/static/explore/…`` | the committed bundle (``make explorer`` rebuilds it) |
| ``/badge/<SUFFIX>.svg`` | SVG badge: short pith number and attestation state |
| ``/pith/<SUFFIX>/latex`` | the LaTeX snippet, ``text/plain`` |

``SUFFIX`` is any alias ``resolve`` takes (pith number, short form or prefix, arXiv id, DOI).
Badge errors are SVG badges (an ``<img>`` still shows why) with the HTTP status of the JSON
endpoints, or the JSON error itself for ``Accept: application/json``.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from pith_graph.core.badge import render_badge, render_error_badge
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.snippets import latex_snippet
from pith_graph.http.app_state import RegistryState
from pith_graph.http.dashboard_page import dashboard_page
from pith_graph.http.errors import Refusal
from pith_graph.http.explore_page import STATIC_DIR, STATIC_PREFIX, explorer_page
from pith_graph.http.papers import paper_named
from pith_graph.service.events import record_status
from pith_graph.store.errors import StoreUnavailable

__all__ = ["routes"]

log = logging.getLogger(__name__)

_BADGE_WORDS = {404: "not found", 409: "ambiguous", 400: "invalid", 503: "unavailable"}
# Badges are embedded in READMEs: let caches keep them briefly, as state changes are rare.
_BADGE_HEADERS = {"Cache-Control": "public, max-age=300"}


async def explore(request: Request) -> Response:
    query = request.query_params.get("q", "")
    return HTMLResponse(explorer_page(title="pith-graph explorer", initial_query=query))


async def dashboard(request: Request) -> Response:
    return HTMLResponse(dashboard_page(initial_query=request.query_params.get("q", "")))


async def badge(request: Request) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        paper = await paper_named(request, request.path_params["suffix"])
        registry: RegistryState = request.app.state.registry
        (status,) = await record_status(
            registry.driver, registry.settings.neo4j_database, [paper["pith_number"]]
        )
    except Refusal as failure:
        if wants_json:
            return failure.json()
        svg = render_error_badge(_BADGE_WORDS.get(failure.status, "error"))
        return Response(svg, status_code=failure.status, media_type="image/svg+xml")
    except StoreUnavailable:
        return Response(render_error_badge("unavailable"), 503, media_type="image/svg+xml")
    pith = parse_pith_number(paper["pith_number"])
    state = status.attestation_state if status is not None else "unverified"
    return Response(
        render_badge(pith.short, state), media_type="image/svg+xml", headers=_BADGE_HEADERS
    )


async def latex(request: Request) -> Response:
    try:
        paper = await paper_named(request, request.path_params["suffix"])
    except Refusal as failure:
        return failure.json()
    return PlainTextResponse(latex_snippet(parse_pith_number(paper["pith_number"])))


def routes() -> list[BaseRoute]:
    return [
        Route("/explore", explore, methods=["GET"]),
        Route("/explore/dashboard", dashboard, methods=["GET"]),
        Mount(STATIC_PREFIX, app=StaticFiles(directory=STATIC_DIR), name="explore-static"),
        Route("/badge/{suffix:path}.svg", badge, methods=["GET"]),
        Route("/pith/{suffix:path}/latex", latex, methods=["GET"]),
    ]
