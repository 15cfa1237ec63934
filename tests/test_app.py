from __future__ import annotations

from dataclasses import replace

from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.neo4j_local import free_port


def test_health_ready_and_graphql_answer(settings: Settings, clean_graph: object) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        response = client.post("/graphql", json={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}


def test_graphiql_is_served_to_browsers(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()


def test_readyz_is_503_when_neo4j_is_unreachable(settings: Settings) -> None:
    nowhere = replace(settings, neo4j_uri=f"bolt://127.0.0.1:{free_port()}", migrate_on_start=False)
    with TestClient(create_app(nowhere)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
