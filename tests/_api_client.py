"""A GraphQL client over the real app (starlette TestClient, lifespan run)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.store._run import Statements, watching_statements


class GraphQLClient:
    def __init__(self, client: TestClient) -> None:
        self.http = client

    def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a query that must succeed (any ``errors`` entry fails the test)."""
        body = self.raw(query, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single error a failing query returns."""
        body = self.raw(query, variables)
        assert body.get("errors"), body
        error: dict[str, Any] = body["errors"][0]
        return error


class CountingDriver:
    """The API's async driver, and the Cypher statements the store's runner starts meanwhile."""

    def __init__(self, driver: AsyncDriver) -> None:
        self.driver = driver
        self.statements = Statements()

    @property
    def queries(self) -> list[str]:
        return self.statements.queries

    @property
    def request_queries(self) -> list[str]:
        """The requests' statements: the app's background log integrator (and its witness round)
        shares the driver on its own schedule, and its statements are all about :Log… nodes."""
        return [q for q in self.statements.queries if ":Log" not in q]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.driver, name)


@contextmanager
def counted_client(settings: Settings) -> Iterator[tuple[TestClient, CountingDriver]]:
    """The app on its own driver, with every statement it runs counted."""
    counting = CountingDriver(
        AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
    )
    app = create_app(settings, driver=counting)  # type: ignore[arg-type]
    with watching_statements(counting.statements), TestClient(app, raise_server_exceptions=False) as client:
        yield client, counting
        # The app closes only a driver it opened itself: close this one on the app's loop.
        client.portal.call(counting.driver.close)
