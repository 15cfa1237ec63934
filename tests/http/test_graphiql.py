"""GraphiQL on /graphql loads from the package alone: every asset is local, pinned and served."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from pith_graph.http.graphiql import GRAPHIQL_DIR

ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*?>')


def _page(http: TestClient) -> str:
    response = http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response.text


def test_graphiql_references_only_local_urls_that_answer(http: TestClient) -> None:
    page = _page(http)
    assert "unpkg.com" not in page and "cdn" not in page.lower()
    urls = ASSET.findall(page)
    assert len([u for u in urls if u.endswith(".js")]) >= 5, urls
    for url in urls:
        if url.startswith("data:"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        response = http.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 0


def test_graphiql_assets_carry_their_integrity(http: TestClient) -> None:
    page = _page(http)
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", page):
        url = re.search(r'(?:src|href)="(/[^"]+)"', tag)
        if url is None:
            continue
        body = http.get(url.group(1)).content
        expected = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert f'integrity="{expected}"' in tag, tag


def test_vendored_files_are_the_pinned_npm_files() -> None:
    manifest = json.loads((GRAPHIQL_DIR / "VENDOR.json").read_text())
    pinned = {f["package"] for f in manifest["files"].values()}
    assert {"react", "react-dom", "graphiql", "@graphiql/plugin-explorer"} <= pinned
    for name, entry in manifest["files"].items():
        digest = hashlib.sha384((GRAPHIQL_DIR / name).read_bytes()).digest()
        assert entry["integrity"] == "sha384-" + base64.b64encode(digest).decode(), name
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), entry
