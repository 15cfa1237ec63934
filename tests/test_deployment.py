"""docker-compose.yml cannot run on these machines; check its wiring instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_neo4j_service_is_the_official_lts_image_with_auth_volume_and_healthcheck() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26"
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert "neo4j-data" in _compose()["volumes"]


def test_api_is_built_here_and_waits_for_a_healthy_neo4j() -> None:
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD")
    assert "8000:8000" in api["ports"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.strip().splitlines()[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text()
