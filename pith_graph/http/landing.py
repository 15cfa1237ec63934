"""``/``: a landing page pointing to the explorer, GraphiQL and the API's documentation
(``/schema.graphql``, which the GraphQL app serves)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph import __version__

__all__ = ["landing_page", "routes"]

def landing_page() -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pith-graph registry</title>
</head>
<body>
<main>
<h1>pith-graph</h1>
<p>An open registry of pith numbers: content-addressed, Ed25519-signed identifiers for
scientific papers, served as a GraphQL API over a Neo4j graph (version {__version__}).</p>
<ul>
  <li><a href="/explore">Explorer</a>: find a paper by pith number, arXiv id, DOI or title words, and walk its citations.</li>
  <li><a href="/graphql">GraphQL API</a> (<code>POST /graphql</code>; GraphiQL in a browser).</li>
  <li><a href="/schema.graphql">API documentation</a>: the schema (SDL) with every field described;
    GraphiQL's "Docs" pane browses it, and the README's "GraphQL API and JSON endpoints" section walks through it.</li>
  <li>JSON records: <code>/pith/&lt;pith number or alias&gt;.json</code>, bundles: <code>/pith/&lt;alias&gt;/bundle.json</code>,
    signing keys: <a href="/.well-known/pith/keys.json"><code>/.well-known/pith/keys.json</code></a>.</li>
  <li>Health: <a href="/healthz"><code>/healthz</code></a>, readiness: <a href="/readyz"><code>/readyz</code></a>.</li>
</ul>
</main>
</body>
</html>
"""


async def landing(request: Request) -> Response:
    return HTMLResponse(landing_page())


def routes() -> list[BaseRoute]:
    return [
        Route("/", landing, methods=["GET"]),
    ]
