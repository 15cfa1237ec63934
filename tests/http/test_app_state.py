"""The running app's key: a rotation while it serves signs the next receipt, no restart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph import keystore
from pith_graph.app import create_app
from pith_graph.config import Settings

REGISTER = """
mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber receipt { keyId } } }
"""


def register(client: TestClient, arxiv_id: str) -> str:
    paper = {
        "source": {"id": arxiv_id, "version": 1},
        "title": f"Signed before and after a rotation {arxiv_id}",
        "abstract": "Abstract.",
        "submittedAt": "2026-11-01T10:00:00Z",
        "primaryCat": "cs.DL",
        "authors": ["Ada Lovelace"],
    }
    response = client.post("/graphql", json={"query": REGISTER, "variables": {"input": paper}})
    body = response.json()
    assert "errors" not in body, body
    return str(body["data"]["registerPaper"]["receipt"]["keyId"])


def test_a_key_rotated_while_the_server_runs_signs_the_next_receipt(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    keystore.generate_key(data_dir, "served-key-1")
    with TestClient(create_app(dataclasses.replace(settings, data_dir=data_dir))) as client:
        assert register(client, "2611.07001") == "served-key-1"
        keystore.rotate_key(data_dir, "served-key-2")
        assert register(client, "2611.07002") == "served-key-2"
        published = client.get("/.well-known/pith/keys.json").json()
        assert published["key_id"] == "served-key-2"
        assert {k["key_id"]: k["status"] for k in published["keys"] if k["key_id"].startswith("served")} == {
            "served-key-1": "retired", "served-key-2": "current",
        }  # fmt: skip


def test_the_environment_key_is_read_once_when_the_app_starts(
    clean_graph: Driver, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    keystore.generate_key(data_dir, "file-key")
    monkeypatch.setenv("PITH_SIGNING_KEY", bytes(range(32)).hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", "env-key")
    with TestClient(create_app(dataclasses.replace(settings, data_dir=data_dir))) as client:
        # Changing the environment of a running server changes nothing it signs or publishes.
        monkeypatch.delenv("PITH_SIGNING_KEY")
        monkeypatch.delenv("PITH_SIGNING_KEY_ID")
        assert register(client, "2611.07003") == "env-key"
        assert client.get("/.well-known/pith/keys.json").json()["key_id"] == "env-key"
