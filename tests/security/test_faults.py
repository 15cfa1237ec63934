"""Faults survived, against real processes: Neo4j killed and restarted under a registration load
(its own launcher, data directory and port), registrations racing on one paper, and the ingest
and the API processes SIGKILLed mid-write. Acknowledged writes survive; the graph only ever holds
whole transactions (every paper with its receipt, aliases and log leaf; a dense log).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from neo4j import Driver, GraphDatabase
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.neo4j_local import LocalNeo4j, LocalNeo4jError, free_port

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REGISTER = "mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber } }"


def paper(n: int, title: str = "Fault paper") -> dict[str, Any]:
    return {
        "source": {"id": f"2611.{n:05d}", "version": 1},
        "title": f"{title} {n}",
        "abstract": "Abstract.",
        "submittedAt": "2026-11-01T10:00:00Z",
        "primaryCat": "cs.DC",
        "authors": ["Ada Lovelace"],
    }


def broken_papers(driver: Driver, database: str = "neo4j") -> list[dict[str, Any]]:
    """Papers missing a part of their registration transaction; empty when all are whole."""
    records, _, _ = driver.execute_query(
        """
        MATCH (p:Paper)
        WITH p, COUNT { (p)-[:HAS_RECEIPT]->(:Receipt) } AS receipts,
             COUNT { (:Alias)-[:ALIAS_OF]->(p) } AS aliases,
             COUNT { MATCH (l:LogEntry {pith_number: p.pith_number}) } AS leaves
        WHERE receipts <> 1 OR aliases = 0 OR leaves = 0
        RETURN p.pith_number AS pith, receipts, aliases, leaves
        """,
        database_=database,
    )
    return [dict(r) for r in records]


def log_is_dense(driver: Driver, database: str = "neo4j") -> bool:
    records, _, _ = driver.execute_query(
        """
        OPTIONAL MATCH (h:LogHead {log_id: 'main'})
        OPTIONAL MATCH (l:LogEntry)
        RETURN coalesce(h.size, 0) AS size, count(l) AS n, coalesce(max(l.index), -1) AS top
        """,
        database_=database,
    )
    r = records[0]
    return bool(r["size"] == r["n"] == r["top"] + 1)


def present(driver: Driver, piths: list[str]) -> set[str]:
    records, _, _ = driver.execute_query(
        "UNWIND $p AS pith MATCH (x:Paper {pith_number: pith}) RETURN x.pith_number AS pith",
        p=piths,
    )
    return {r["pith"] for r in records}


def outcome(response: Any) -> tuple[str | None, str | None]:
    """(pith number, None) when acknowledged, else (None, error code)."""
    body = response.json()
    if body.get("errors"):
        return None, body["errors"][0]["extensions"]["code"]
    return body["data"]["registerPaper"]["pithNumber"], None


# --- Neo4j stopped and restarted under load --------------------------------------------------


@pytest.fixture(scope="module")
def own_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(
        data_dir=tmp_path_factory.mktemp("fault-neo4j"), port=free_port(), heap="512m",
        page_cache="128m",
    )  # fmt: skip
    try:
        server.start()
    except LocalNeo4jError as exc:
        pytest.fail(f"the fault-test Neo4j could not be started: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def test_neo4j_killed_mid_load_fails_fast_recovers_and_keeps_every_acknowledged_write(
    own_neo4j: LocalNeo4j, settings: Settings, tmp_path: Path
) -> None:
    fault = dataclasses.replace(
        settings, neo4j_uri=own_neo4j.uri, data_dir=tmp_path / "data", query_timeout=120.0
    )
    acknowledged: dict[int, str] = {}
    refused: dict[int, str] = {}
    stop_load = threading.Event()
    with TestClient(create_app(fault), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200

        def register(n: int) -> None:
            if stop_load.is_set():
                return
            pith, code = outcome(client.post("/graphql", json={"query": REGISTER, "variables": {"input": paper(n)}}))
            if pith is not None:
                acknowledged[n] = pith
            else:
                refused[n] = str(code)

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(register, n) for n in range(400)]
            deadline = time.monotonic() + 300
            while len(acknowledged) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(acknowledged) >= 20, refused
            own_neo4j.kill()  # SIGKILL, registrations in flight
            time.sleep(2)
            stop_load.set()
            for future in futures:
                future.result()
        acked_before_restart = dict(acknowledged)
        assert set(refused.values()) <= {"UNAVAILABLE", "TIMEOUT"}, refused
        assert refused, "the kill should have refused some registrations"

        # While Neo4j is down: fail fast with UNAVAILABLE, and /readyz says 503.
        started = time.monotonic()
        pith, code = outcome(client.post("/graphql", json={"query": REGISTER, "variables": {"input": paper(9999)}}))
        read = client.post("/graphql", json={"query": '{ resolve(alias: "2611.00001") { paper { pithNumber } } }'}).json()
        down_seconds = time.monotonic() - started
        assert (pith, code) == (None, "UNAVAILABLE")
        assert read["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        assert client.get("/readyz").status_code == 503
        assert down_seconds < 30, f"requests hung {down_seconds:.1f} s with Neo4j down"

        # Same data directory and port: the app recovers without a restart of its own.
        own_neo4j.start()
        deadline = time.monotonic() + 120
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the service did not recover"
            time.sleep(0.5)
        pith, code = outcome(client.post("/graphql", json={"query": REGISTER, "variables": {"input": paper(5000)}}))
        assert pith is not None, code

    with GraphDatabase.driver(own_neo4j.uri) as driver:
        assert present(driver, list(acked_before_restart.values())) == set(acked_before_restart.values())
        assert broken_papers(driver) == []
        assert log_is_dense(driver)
        records, _, _ = driver.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
        # Refused registrations are absent or whole (a commit can succeed as the link drops).
        assert len(acked_before_restart) + 1 <= records[0]["n"] <= len(acked_before_restart) + len(refused) + 2
    print(
        f"fault: {len(acked_before_restart)} acknowledged before the kill, all present; "
        f"{len(refused)} refused ({sorted(set(refused.values()))}); down-time requests "
        f"answered in {down_seconds:.1f} s"
    )


# --- racing registrations of one paper ---------------------------------------------------------


def test_racing_registrations_of_one_paper_make_one_node(settings: Settings, clean_graph: Driver) -> None:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:

        def register(_: int) -> tuple[str | None, str | None]:
            return outcome(client.post("/graphql", json={"query": REGISTER, "variables": {"input": paper(77, "Race")}}))

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(register, range(16)))
    piths = {pith for pith, _ in results}
    assert len(piths) == 1 and None not in piths, results
    records, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper {source_id: '2611.00077'}) RETURN count(p) AS n"
    )
    assert records[0]["n"] == 1
    assert broken_papers(clean_graph) == [] and log_is_dense(clean_graph)
    records, _, _ = clean_graph.execute_query("MATCH (l:LogEntry) RETURN count(l) AS n")
    assert records[0]["n"] == 1  # one receipt logged, not sixteen


# --- processes SIGKILLed mid-write -----------------------------------------------------------


def _env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PITH_")}
    env.update(NEO4J_URI=settings.neo4j_uri or "", PITH_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def _paper_count(driver: Driver) -> int:
    records, _, _ = driver.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    return int(records[0]["n"])


def test_ingest_killed_mid_run_leaves_only_whole_transactions(
    settings: Settings, clean_graph: Driver, tmp_path: Path
) -> None:
    command = [
        sys.executable, "-m", "pith_graph.cli", "ingest", "--batch-size", "3",
        str(FIXTURES / "hepth" / "hepth_api_papers.jsonl.gz"),
        str(FIXTURES / "hepth" / "hepth_api_citations.tsv"),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=_env(settings, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 300
        while _paper_count(clean_graph) < 10:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "ingest wrote nothing"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
        process.stderr.close()  # type: ignore[union-attr]
    count = _paper_count(clean_graph)
    assert process.returncode == -signal.SIGKILL
    assert 10 <= count < 255, count  # killed part-way
    assert broken_papers(clean_graph) == []
    assert log_is_dense(clean_graph)
    print(f"ingest killed with {count} of 255 papers written: all whole, log dense")


def test_api_process_killed_mid_requests_leaves_only_whole_transactions(
    settings: Settings, clean_graph: Driver, tmp_path: Path
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--port", str(port), "--log-level", "warning"],
        env=_env(settings, tmp_path, PITH_AUTH="off", PITH_QUERY_TIMEOUT="600"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, "the API did not start"
            assert time.monotonic() < deadline, "the API did not become ready"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)

        def register(n: int) -> None:
            try:
                response = httpx.post(f"{base}/graphql", json={"query": REGISTER, "variables": {"input": paper(n, "Killed")}}, timeout=120)
            except httpx.HTTPError:
                return  # the process died under this request
            pith, _ = outcome(response)
            if pith is not None:
                acknowledged.append(pith)

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(register, n) for n in range(300)]
            deadline = time.monotonic() + 300
            while len(acknowledged) < 10 and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            for future in futures:
                future.result()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert len(acknowledged) >= 10
    assert present(clean_graph, acknowledged) == set(acknowledged)
    assert broken_papers(clean_graph) == []
    assert log_is_dense(clean_graph)
    print(f"API killed after {len(acknowledged)} acknowledged registrations: all present and whole")
