"""Security tests: an app with writes guarded by tokens, and helpers to see the graph unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.service import tokens


@pytest.fixture
def secure_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The session settings with writes guarded (``PITH_AUTH=required``), own key directory."""
    return dataclasses.replace(settings, auth_required=True, data_dir=tmp_path / "pith-data")


@pytest.fixture
def secure_client(secure_settings: Settings, clean_graph: Driver) -> Iterator[TestClient]:
    with TestClient(create_app(secure_settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make_token(clean_graph: Driver, settings: Settings) -> Callable[..., str]:
    def make(*scopes: str, label: str | None = None) -> str:
        token, _ = tokens.create_token(clean_graph, settings.neo4j_database, list(scopes), label)
        return token

    return make


def graph_fingerprint(driver: Driver) -> tuple[int, int, int]:
    """Nodes, relationships and properties: any write changes at least one of them.

    The log integrator's own output (tiles, checkpoints, cosignatures, its lock node) is left
    out: the app's background task writes it on its own schedule, derived from the log
    entries, which are counted.
    """
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT (n:LogTile OR n:LogCheckpoint OR n:LogCosignature "
        "OR n:LogIntegration) "
        "WITH count(n) AS nodes, sum(size(keys(n))) AS props "
        "RETURN nodes, props, COUNT { (a)-[]->(b) WHERE NOT (a:LogTile OR a:LogCheckpoint "
        "OR a:LogCosignature OR a:LogIntegration OR b:LogTile OR b:LogCheckpoint "
        "OR b:LogCosignature OR b:LogIntegration) } AS rels"
    )
    r = records[0]
    return int(r["nodes"]), int(r["rels"]), int(r["props"] or 0)


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    return response
