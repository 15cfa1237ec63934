"""HTTP route tests: the seeded slice and a client over the real app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _api_seed import SeededGraph, seed_api_graph
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings


@pytest.fixture(scope="module")
def seeded(bolt: Driver, settings: Settings) -> SeededGraph:
    return seed_api_graph(bolt, settings.neo4j_database)


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
