"""The reference system's JSON endpoints: same documents as GraphQL, JSON errors with codes."""

from __future__ import annotations

import pytest
from _api_client import GraphQLClient
from _api_seed import CENTRE, FOUNDING_PITH, SeededGraph, founding_record
from starlette.testclient import TestClient

BODY = FOUNDING_PITH.split(":")[2]


@pytest.mark.parametrize("suffix", [BODY, FOUNDING_PITH, "pith:XTYU6EUZ", "XTYU6EUZ", "2603.13419"])
def test_record_json_by_any_suffix(seeded: SeededGraph, http: TestClient, suffix: str) -> None:
    response = http.get(f"/pith/{suffix}.json")
    assert response.status_code == 200
    record = response.json()
    reference = founding_record()
    assert record["pith_number"] == FOUNDING_PITH
    assert record["receipt"] == reference["receipt"]
    assert record["canonical_record"] == reference["canonical_record"]


def test_record_is_the_graphql_record(seeded: SeededGraph, http: TestClient) -> None:
    data = GraphQLClient(http)(
        "query($a: String!) { resolve(alias: $a) { paper { record } } }", {"a": CENTRE}
    )
    assert http.get(f"/pith/{CENTRE}.json").json() == data["resolve"]["paper"]["record"]


def test_content_negotiation(seeded: SeededGraph, http: TestClient) -> None:
    ld = http.get(f"/pith/{BODY}", headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    assert ld.json()["pith_number"] == FOUNDING_PITH
    html = http.get(f"/pith/{BODY}", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert FOUNDING_PITH in html.text


def test_graph_and_events_json(seeded: SeededGraph, http: TestClient) -> None:
    graph = http.get(f"/api/pith-number/{BODY}/graph.json").json()
    assert graph["graph_snapshot"] == http.get(f"/pith/{BODY}.json").json()["graph_snapshot"]
    events = http.get(f"/api/pith-number/{CENTRE}/events.json").json()
    assert events["events"] == []


@pytest.mark.parametrize(
    "query", ["arxiv=2603.13419", "arxiv=2603.13419v2&json=true", "doi=10.48550/arXiv.2603.13419", f"alias={BODY[:10].lower()}", "alias=https://arxiv.org/abs/2603.13419"]
)
def test_resolve_endpoint(seeded: SeededGraph, http: TestClient, query: str) -> None:
    response = http.get(f"/api/pith-number/resolve?{query}")
    assert response.status_code == 200
    assert response.json()["pith_number"] == FOUNDING_PITH


def test_errors_are_json_with_codes(seeded: SeededGraph, http: TestClient) -> None:
    missing = http.get("/api/pith-number/resolve?arxiv=hep-th/9901999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    invalid = http.get("/api/pith-number/resolve?alias=not-an-alias!")
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "INVALID_ALIAS"
    assert "accepted forms" in invalid.json()["error"]["message"]
    none = http.get("/api/pith-number/resolve")
    assert none.status_code == 400 and none.json()["error"]["code"] == "BAD_INPUT"
    assert http.get("/pith/hep-th/9901999.json").status_code == 404
