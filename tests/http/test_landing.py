"""``/``, ``/schema.graphql`` and the security headers every page carries."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient


def test_the_landing_page_links_the_explorer_graphiql_and_the_api_docs(http: TestClient) -> None:
    response = http.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    links = set(re.findall(r'href="([^"]+)"', response.text))
    assert {"/explore", "/graphql", "/schema.graphql"} <= links
    for link in links - {"/readyz"}:  # readiness depends on the database's migrations
        assert http.get(link, headers={"accept": "text/html"}).status_code == 200, link


def test_the_schema_is_served_as_sdl(http: TestClient) -> None:
    response = http.get("/schema.graphql")
    assert response.status_code == 200
    assert "type Query" in response.text and "resolveMany" in response.text


@pytest.mark.parametrize("path", ["/", "/explore", "/explore/dashboard", "/graphql"])
def test_html_pages_carry_nosniff_and_a_csp_with_frame_ancestors(http: TestClient, path: str) -> None:
    response = http.get(path, headers={"accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html"), (path, response.status_code)
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "unpkg" not in policy and "'unsafe-eval'" not in policy


def test_json_answers_are_not_sniffed_either(http: TestClient) -> None:
    response = http.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


@pytest.mark.parametrize(
    "query", ["arxiv=2603.13419&arxiv=hep-th/9711200", "alias=a&alias=b", "doi=10.1/x&doi=10.1/x"]
)
def test_a_repeated_resolve_parameter_is_refused(http: TestClient, query: str) -> None:
    response = http.get(f"/api/pith-number/resolve?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_INPUT"
    assert "repeated" in response.json()["error"]["message"]


def test_refusals_echo_at_most_a_few_hundred_characters(http: TestClient) -> None:
    alias = "pith:" + "Z" * 50_000
    response = http.get(f"/pith/{alias}.json")
    assert response.status_code in (400, 404)
    assert len(response.json()["error"]["message"]) < 600
    body = http.post(
        "/graphql", json={"query": "query($a: String!) { resolve(alias: $a) { reason } exportBundle(pithNumber: $a) }",
                          "variables": {"a": alias}},
    ).json()
    for error in body["errors"]:
        assert len(error["message"]) < 600 and error["extensions"]["code"], error
