"""/log/checkpoint, /log/tile/… and /log/vkeys over the real app, the integrator in the background."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from events_support import insert_paper, seed_records
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.log import parse_entry_bundle
from pith_graph.core.merkle import leaf_hash, root_hash
from pith_graph.core.note import open_note, parse_checkpoint, parse_vkey

ORIGIN = "registry.test/log"


@pytest.fixture
def client(clean_graph: Driver, settings: Settings) -> Iterator[TestClient]:
    configured = dataclasses.replace(settings, log_origin_setting=ORIGIN, log_interval=0.2)
    with TestClient(create_app(configured), raise_server_exceptions=False) as http:
        yield http


def _checkpoint(client: TestClient, size: int) -> tuple[str, int, bytes]:
    deadline = time.monotonic() + 60
    while True:
        response = client.get("/log/checkpoint")
        if response.status_code == 200:
            verifiers = [parse_vkey(line) for line in client.get("/log/vkeys").text.splitlines()]
            text, _ = open_note(response.text, verifiers)
            checkpoint = parse_checkpoint(text)
            if checkpoint.size >= size:
                assert response.headers["content-type"].startswith("text/plain")
                assert checkpoint.origin == ORIGIN
                return response.text, checkpoint.size, checkpoint.root_hash
        assert time.monotonic() < deadline, "no checkpoint was integrated in time"
        time.sleep(0.2)


def test_the_integrator_publishes_a_signed_checkpoint_and_tiles(client: TestClient, settings: Settings) -> None:
    assert client.get("/log/checkpoint").status_code in (200, 404)
    for raw in seed_records():
        insert_paper(settings, raw)
    _, size, root = _checkpoint(client, 2)
    assert size == 2
    tile = client.get(f"/log/tile/0/000.p/{size}")
    assert tile.status_code == 200 and tile.headers["content-type"] == "application/octet-stream"
    assert tile.headers["cache-control"] == "public, max-age=3600"
    hashes = [tile.content[i : i + 32] for i in range(0, len(tile.content), 32)]
    assert root_hash(hashes) == root
    bundle = client.get(f"/log/tile/entries/000.p/{size}")
    assert [leaf_hash(e) for e in parse_entry_bundle(bundle.content)] == hashes


def test_full_tiles_are_immutable(client: TestClient, settings: Settings, clean_graph: Driver) -> None:
    rows = [{"i": i, "json": '{"n":%d}' % i} for i in range(300)]
    for row in rows:
        row["hash"] = leaf_hash(row["json"].encode()).hex()
    clean_graph.execute_query(
        "MERGE (h:LogHead {log_id: 'main'}) ON CREATE SET h.size = 0 WITH h "
        "UNWIND $rows AS r CREATE (:LogEntry {index: r.i, leaf_json: r.json, leaf_hash: r.hash, "
        "leaf_type: 'event', ref: 'r' + toString(r.i), pith_number: 'p'}) "
        "WITH h, count(*) AS n SET h.size = n",
        rows=rows,
    )
    _checkpoint(client, 300)
    full = client.get("/log/tile/0/000")
    assert full.status_code == 200 and len(full.content) == 8192
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/log/tile/1/000.p/1").status_code == 200
    assert client.get("/log/tile/entries/000").headers["cache-control"].endswith("immutable")
    assert client.get("/log/tile/0/001").status_code == 404  # not full yet
    assert client.get("/log/tile/0/001.p/44").status_code == 200
    assert client.get("/log/tile/0/001.p/45").status_code == 404


@pytest.mark.parametrize("path", ["/log/tile/0/1", "/log/tile/0/000.p/256", "/log/tile/x/000", "/log/tile/0/x000/000"])
def test_bad_tile_paths_are_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400 and response.json()["error"]["code"] == "BAD_INPUT"
