"""A GraphQL client over the real app (starlette TestClient, lifespan run)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


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
