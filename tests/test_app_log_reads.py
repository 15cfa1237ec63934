"""CPU-bound log work (hashing and tiling tens of thousands of new entries, building proofs) runs
off the event loop: ``/healthz`` answers at once while a tree head that must first integrate a
large log is being computed."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime

from events_support import arun
from neo4j import AsyncDriver, Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.canonical import Digest
from pith_graph.core.log import receipt_leaf
from pith_graph.core.receipts import issue_receipt
from pith_graph.core.signing import generate_signing_key
from pith_graph.store.log import append_leaves, leaf_rows

ENTRIES = 10_000
STH = "{ signedTreeHead }"


def _append(settings: Settings, count: int) -> None:
    key = generate_signing_key("registry-test", b"\x05" * 32)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    leaves = []
    for i in range(count):
        digest = Digest(hashlib.sha256(f"entry {i}".encode()).digest())
        receipt = issue_receipt(key, digest, now)
        pith = f"pith:2026:{i:026d}"
        leaves.append((f"receipt:{receipt.signature_b64}", receipt_leaf(pith, receipt)))
    rows = leaf_rows(leaves)

    async def write(driver: AsyncDriver) -> None:
        async with driver.session(database=settings.neo4j_database) as session:
            await session.execute_write(append_leaves, rows, "log-read-test")

    arun(settings, write)


def test_healthz_answers_while_a_large_log_is_integrated_and_proved(
    clean_graph: Driver, settings: Settings
) -> None:
    _append(settings, ENTRIES)
    with TestClient(create_app(settings)) as client:
        answer: dict[str, object] = {}

        def tree_head() -> None:
            started = time.monotonic()
            answer["body"] = client.post("/graphql", json={"query": STH}).json()
            answer["seconds"] = time.monotonic() - started

        worker = threading.Thread(target=tree_head)
        worker.start()
        latencies = []
        while worker.is_alive():
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.02)
        worker.join()
    body = answer["body"]
    assert isinstance(body, dict) and "errors" not in body, body
    assert body["data"]["signedTreeHead"]["tree_head"]["tree_size"] == ENTRIES
    seconds = float(answer["seconds"])  # type: ignore[arg-type]
    print(
        f"\ntree head over {ENTRIES} new entries: {seconds:.2f} s; /healthz meanwhile: "
        f"{len(latencies)} answers, max {max(latencies) * 1000:.0f} ms"
    )
    # The tree head took seconds; /healthz kept answering throughout, each in a fraction of it.
    assert len(latencies) >= 5, (seconds, latencies)
    assert max(latencies) < max(0.5, seconds / 4), (seconds, max(latencies))
