"""`pith-graph serve` on the embedded default: ready, stops its Neo4j on SIGTERM, keeps the data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from neo4j import GraphDatabase
from pith_graph.neo4j_local import free_port


def _start_serve(data_dir: Path, bolt_port: int, http_port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env.update(
        PITH_DATA_DIR=str(data_dir),
        PITH_NEO4J_PORT=str(bolt_port),
        PITH_PORT=str(http_port),
        PITH_NEO4J_HEAP="512m",
        PITH_NEO4J_PAGE_CACHE="128m",
        PITH_LOAD_DEMO="0",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(http_port: int, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "pith-graph serve exited before it was ready"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("pith-graph serve did not become ready")


def _graphql(http_port: int, query: str) -> object:
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=90) == 0


def test_serve_stops_its_neo4j_on_sigterm_and_keeps_the_data(tmp_path: Path) -> None:
    bolt_port, http_port = free_port(), free_port()
    first = _start_serve(tmp_path, bolt_port, http_port)
    try:
        _wait_ready(http_port, first)
        assert _graphql(http_port, "{ __typename }") == {"data": {"__typename": "Query"}}
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt_port}") as driver:
            driver.execute_query("CREATE (:ServeMark)")
    finally:
        _stop(first)
    # The launcher went down with the service: nothing answers on its Bolt port any more.
    assert not (tmp_path / "neo4j" / "launcher.json").exists()

    second = _start_serve(tmp_path, bolt_port, http_port)
    try:
        _wait_ready(http_port, second)
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt_port}") as driver:
            records, _, _ = driver.execute_query("MATCH (m:ServeMark) RETURN count(m) AS n")
        assert records[0]["n"] == 1
    finally:
        _stop(second)
