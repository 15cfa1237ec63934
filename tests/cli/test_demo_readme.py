"""Every GraphQL example in README.md runs against the demo data (what ``make serve`` loads).

The examples are the ``curl … /graphql … -d '{json}'`` commands of the README, taken as written.
The demo is the session's (the ``demo`` fixture of tests/conftest.py), loaded once for every module
that reads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
_CURL = re.compile(r"curl -s [^\n]*/graphql[^\n]*?-d '(\{.*?\})'", re.DOTALL)


def readme_examples() -> list[dict[str, Any]]:
    bodies = [json.loads(m.group(1)) for m in _CURL.finditer(README.read_text("utf-8"))]
    assert len(bodies) >= 5, "the README lost its GraphQL examples"
    return bodies


@pytest.fixture(scope="module")
def demo_client(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("body", readme_examples(), ids=lambda b: b["query"][:40])
def test_readme_example_runs_on_the_demo(demo_client: TestClient, body: dict[str, Any]) -> None:
    response = demo_client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert not answer.get("errors"), answer["errors"]
    assert answer["data"] and all(v is not None for v in answer["data"].values()), answer


def test_readme_examples_find_what_they_show(demo_client: TestClient) -> None:
    by_field: dict[str, dict[str, Any]] = {}
    for body in readme_examples():
        data = demo_client.post("/graphql", json=body).json()["data"]
        for field, value in data.items():
            by_field.setdefault(field, value)
    assert by_field["resolve"]["status"] == "FOUND"
    statuses = [r["status"] for r in by_field["resolveMany"]]
    assert statuses.count("FOUND") >= 3 and "INVALID" in statuses
    assert by_field["citationNeighborhood"]["nodes"]
    assert by_field["search"]["edges"]
