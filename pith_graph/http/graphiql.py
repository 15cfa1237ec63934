"""GraphiQL on ``GET /graphql`` (a browser), with every asset served from the package.

The page loads React, GraphiQL and its explorer plugin from ``/static/graphiql/`` — pinned npm
files vendored in ``pith_graph/static/graphiql/`` (``VENDOR.json`` lists package, version and
hash) — so it works without network access to a CDN. Each asset carries its SRI hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

__all__ = ["GRAPHIQL_DIR", "GRAPHIQL_PREFIX", "graphiql_page", "routes"]

GRAPHIQL_DIR = Path(__file__).resolve().parents[1] / "static" / "graphiql"
GRAPHIQL_PREFIX = "/static/graphiql"

_STYLES = ("graphiql.min.css", "plugin-explorer.css", "pith-graphiql.css")
_HEAD_SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "js.cookie.min.js")
_BODY_SCRIPTS = ("graphiql.min.js", "plugin-explorer.umd.js", "pith-graphiql.js")
_ICON = (
    "data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 100 100%22>"
    "<text y=%22.9em%22 font-size=%2280%22>&#x1f353;</text></svg>"
)


def _integrity(name: str) -> str:
    digest = hashlib.sha384((GRAPHIQL_DIR / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def _script(name: str) -> str:
    return f'<script src="{GRAPHIQL_PREFIX}/{name}" integrity="{_integrity(name)}"></script>'


@lru_cache(maxsize=1)
def graphiql_page() -> str:
    """The GraphiQL HTML page (built once per process from the vendored files)."""
    versions = json.loads((GRAPHIQL_DIR / "VENDOR.json").read_text(encoding="utf-8"))["files"]
    graphiql = versions["graphiql.min.js"]["version"]
    styles = "\n".join(
        f'<link rel="stylesheet" href="{GRAPHIQL_PREFIX}/{name}" integrity="{_integrity(name)}">'
        for name in _STYLES
    )
    head = "\n".join(_script(name) for name in _HEAD_SCRIPTS)
    body = "\n".join(_script(name) for name in _BODY_SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pith-graph GraphiQL</title>
<meta name="generator" content="GraphiQL {graphiql}">
<link rel="icon" href="{_ICON}">
{styles}
{head}
</head>
<body>
<div id="graphiql" class="graphiql-container">Loading…</div>
{body}
</body>
</html>
"""


def routes() -> list[BaseRoute]:
    return [Mount(GRAPHIQL_PREFIX, app=StaticFiles(directory=GRAPHIQL_DIR), name="graphiql-static")]
