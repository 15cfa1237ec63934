"""The HTML view of a record: the hook ``/pith/<SUFFIX>`` calls for ``Accept: text/html``.

This placeholder is a minimal page; the explorer replaces :func:`render_html` with the real one
(same signature: the request and the v1 record document in, a response out).
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = ["render_html"]


def render_html(request: Request, record: dict[str, Any]) -> Response:
    paper = record.get("paper", {})
    links = record.get("links", {})
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(record["pith_number"])}</title></head>
<body>
<h1>{escape(str(paper.get("title", "")))}</h1>
<p><code>{escape(record["pith_number"])}</code> ({escape(record["short_pith_number"])})</p>
<p>{escape(str(paper.get("authors_text", "")))}</p>
<p><a href="{escape(str(links.get("json", "")))}">record JSON</a></p>
</body></html>
"""
    return HTMLResponse(body)
