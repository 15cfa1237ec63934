"""Our checkpoint, tiles, entry bundles and proofs, checked by Go's golang.org/x/mod/sumdb/note and
golang.org/x/mod/sumdb/tlog (tests/conformance/tlogcheck): an implementation that is not ours.

Go must be installed: without it this test fails, it never skips.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from events_support import arun, insert_paper, seed_records
from live_server import live_server
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.store import log as store

CHECKER = Path(__file__).parent / "tlogcheck"
ORIGIN = "conformance.test/pith-log"


def go_binary() -> str:
    found = shutil.which("go") or ("/usr/local/go/bin/go" if os.access("/usr/local/go/bin/go", os.X_OK) else None)
    if found is None:
        pytest.fail("the Go toolchain is needed for the conformance test (install go; never skipped)", pytrace=False)
    return found


@pytest.fixture(scope="session")
def tlogcheck(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The checker, built once from tests/conformance/tlogcheck (modules from the Go proxy)."""
    out = tmp_path_factory.mktemp("go") / "tlogcheck"
    env = {**os.environ, "GOFLAGS": "-mod=readonly"}
    built = subprocess.run(
        [go_binary(), "build", "-o", str(out), "."], cwd=CHECKER, env=env, capture_output=True, text=True, timeout=600
    )
    assert built.returncode == 0, f"go build failed:\n{built.stderr}"
    return str(out)


def run_checker(binary: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)


def append_events(settings: Settings, start: int, count: int) -> None:
    leaves = [
        (f"conf-{i}", {"leaf_type": "event", "pith_number": f"pith:2026:{i:026d}", "event_id": f"conf-{i}"})
        for i in range(start, start + count)
    ]
    rows = store.leaf_rows(leaves)

    async def go(driver: AsyncDriver) -> None:
        async with driver.session(database=settings.neo4j_database) as session:
            for k in range(0, len(rows), 20000):
                await session.execute_write(store.append_leaves, rows[k : k + 20000], "conformance")

    arun(settings, go)


def http_get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode())


def graphql(base: str, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


def wait_for_size(base: str, size: int) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            note = http_get(f"{base}/log/checkpoint")
            if int(note.split("\n")[1]) >= size:
                return note
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no checkpoint of size {size}")


@pytest.fixture
def registry(clean_graph: Driver, settings: Settings) -> Iterator[tuple[str, Settings]]:
    configured = dataclasses.replace(settings, log_origin_setting=ORIGIN, log_interval=0.2)
    with live_server(configured) as served:
        yield served


def test_go_checks_checkpoints_tiles_and_proofs(
    registry: tuple[str, Settings], settings: Settings, tlogcheck: str, tmp_path: Path
) -> None:
    base, _ = registry
    papers = [insert_paper(settings, raw) for raw in seed_records()]
    append_events(settings, 0, 66_000)  # three tile levels, full and partial tiles
    old_note = wait_for_size(base, 66_002)
    (tmp_path / "old.note").write_text(old_note, encoding="utf-8")
    append_events(settings, 66_000, 777)
    wait_for_size(base, 66_779)

    data = graphql(
        base,
        '{ a: inclusionProof(pithNumber: "%s") { ... on LogDocument { document } } '
        ' b: inclusionProof(eventId: "conf-65600") { ... on LogDocument { document } } '
        " c: consistencyProof(first: 66002, second: 66779) { ... on LogDocument { document } } "
        " d: consistencyProof(first: 255, second: 66779) { ... on LogDocument { document } } }" % papers[1],
    )
    (tmp_path / "proofs.json").write_text(json.dumps([data[k]["document"] for k in "abcd"]), encoding="utf-8")

    result = run_checker(
        tlogcheck, "-log", f"{base}/log", "-old", str(tmp_path / "old.note"), "-proofs", str(tmp_path / "proofs.json")
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["origin"] == ORIGIN and summary["tree_size"] == 66_779
    assert summary["entries_proved"] >= 64 and summary["consistency_checked"] == 1
    assert summary["served_proofs_valid"] == 4


def test_go_refuses_a_tampered_tile(
    registry: tuple[str, Settings], settings: Settings, clean_graph: Driver, tlogcheck: str
) -> None:
    base, _ = registry
    append_events(settings, 0, 600)
    wait_for_size(base, 600)
    clean_graph.execute_query(
        "MATCH (t:LogTile {level: 0, index: 1}) "
        "SET t.data = [b IN range(0, size(t.data) - 1) | 0]"
    )
    result = run_checker(tlogcheck, "-log", f"{base}/log", "-sample", "600")
    assert result.returncode == 1 and "FAIL" in result.stderr


def test_go_refuses_a_checkpoint_signed_by_another_key(
    registry: tuple[str, Settings], settings: Settings, clean_graph: Driver, tlogcheck: str
) -> None:
    base, _ = registry
    append_events(settings, 0, 10)
    note = wait_for_size(base, 10)
    forged = note.replace("\n10\n", "\n11\n", 1)
    clean_graph.execute_query("MATCH (i:LogIntegration) SET i.checkpoint = $n", n=forged)
    result = run_checker(tlogcheck, "-log", f"{base}/log")
    assert result.returncode == 1 and "note.Open" in result.stderr
