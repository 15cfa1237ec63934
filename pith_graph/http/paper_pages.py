"""A paper's page and its claims, for any alias.

| path | answer |
| --- | --- |
| ``/paper/<short8 \\| arXiv id \\| any alias>`` | browsers: the explorer on the paper's card; ``Accept: application/json``: the v1 record |
| ``/pith/<any alias>/claims.json`` | ``{schema, pith_number, arxiv_id, count, claims}`` (the record's ``paper_claims``) |

Aliases resolve as everywhere else (:func:`pith_graph.service.resolution.resolve_aliases`);
errors are the JSON routes' coded errors (404, 409 with candidates, 400, 503).
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph.http.explore_page import explorer_page
from pith_graph.http.reference_routes import answer_for_alias

__all__ = ["CLAIMS_SCHEMA", "claims_document", "routes"]

CLAIMS_SCHEMA = "pith.claims.v1"


def claims_document(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": CLAIMS_SCHEMA,
        "pith_number": record["pith_number"],
        "arxiv_id": record["source"]["id"],
        "count": len(record["paper_claims"]),
        "claims": record["paper_claims"],
    }


def _claims(request: Request, record: dict[str, Any]) -> Response:
    return JSONResponse(claims_document(record))


def _paper(request: Request, record: dict[str, Any]) -> Response:
    accept = request.headers.get("accept", "")
    if "application/json" in accept or "application/ld+json" in accept or "text/html" not in accept:
        return JSONResponse(record)
    title = f"{record['paper']['title']} — {record['short_pith_number']}"
    return HTMLResponse(
        explorer_page(title=title, initial_query=record["pith_number"], card_html=paper_card(record))
    )


def paper_card(record: dict[str, Any]) -> str:
    """The card shown before the explorer's script takes over: the paper, and its findings."""
    paper, integrity = record["paper"], record["graph_snapshot"]["integrity"]
    body = record["pith_number"].split(":")[-1]
    findings = "".join(
        f'<li class="finding severity-{escape(f["severity"])}">'
        f'<span class="severity">{escape(f["severity"])}</span> '
        f'<code>{escape(f["detector"])}</code>: {escape(f["note"])}</li>'
        for f in integrity["findings"]
    )
    verdict = "no findings" if not integrity["findings"] else (
        "clean (informational findings only)" if integrity["clean"] else "findings"
    )
    return (
        '<article class="card paper-card">'
        f"<h2>{escape(paper['title'])}</h2>"
        f"<p class=\"pith\"><code>{escape(record['pith_number'])}</code> · arXiv "
        f"{escape(record['source']['id'])}v{record['source']['version']}</p>"
        f"<p class=\"authors\">{escape(paper['authors_text'])}</p>"
        f'<section class="integrity"><h3>Integrity: {escape(verdict)}</h3>'
        f"<ul>{findings}</ul>"
        f'<a href="/pith/{escape(body)}/integrity.json">integrity.json</a></section>'
        "</article>"
    )


async def claims_json(request: Request) -> Response:
    return await answer_for_alias(request, request.path_params["suffix"], _claims)


async def paper_page(request: Request) -> Response:
    return await answer_for_alias(request, request.path_params["alias"], _paper)


def routes() -> list[BaseRoute]:
    return [
        Route("/pith/{suffix:path}/claims.json", claims_json, methods=["GET"]),
        Route("/paper/{alias:path}", paper_page, methods=["GET"]),
    ]
