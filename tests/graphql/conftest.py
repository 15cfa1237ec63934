"""GraphQL tests: a GraphQL client over the module's app (``http``, ``seeded``: tests/conftest.py)."""

from __future__ import annotations

import pytest
from _api_client import GraphQLClient
from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def gql(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http)
