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


def _stat(pid: int) -> tuple[str, int] | None:
    """``(state, parent pid)`` of a process from /proc, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid``."""
    stats = {int(p.name): _stat(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    return [c for c, stat in stats.items() if stat is not None and stat != ("Z", pid) and stat[1] == pid]


def test_serve_with_two_workers_answers_and_stops_them_all(
    neo4j_uri: str, tmp_path: Path
) -> None:
    http_port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "PITH_DATA_DIR": str(tmp_path),
        "PITH_PORT": str(http_port),
        "PITH_LOAD_DEMO": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--workers", "2", "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(http_port, process)
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(process.pid)
        assert len(workers) >= 2, workers  # (multiprocessing may add a resource tracker)
        for _ in range(20):
            assert _graphql(http_port, "{ serviceVersion }")["data"]["serviceVersion"]  # type: ignore[index]
    finally:
        _stop(process)
    # Workers are gone with the parent (a resource tracker may take a moment longer).
    deadline = time.monotonic() + 15
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]


def test_serve_refuses_a_worker_count_out_of_range(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--workers", "0"],
        env={**os.environ, "PITH_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--workers must be 1..64" in result.stderr


def _serve_env(data_dir: Path, bolt_port: int, http_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env.update(
        PITH_DATA_DIR=str(data_dir), PITH_NEO4J_PORT=str(bolt_port), PITH_PORT=str(http_port),
        PITH_NEO4J_HEAP="512m", PITH_NEO4J_PAGE_CACHE="128m", PITH_LOAD_DEMO="0",
    )  # fmt: skip
    return env


def _state_pid(data_dir: Path) -> int | None:
    try:
        return int(json.loads((data_dir / "neo4j" / "launcher.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def test_a_clean_stop_of_serve_keeps_the_state_of_a_launcher_started_after_its_own_died(
    tmp_path: Path,
) -> None:
    bolt_port, http_port = free_port(), free_port()
    first = _start_serve(tmp_path, bolt_port, http_port)
    db_start = second = None
    try:
        _wait_ready(http_port, first)
        java = _state_pid(tmp_path)
        assert java is not None and java in _children(first.pid)
        os.kill(java, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _alive(java):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        db_start = subprocess.Popen(
            [sys.executable, "-m", "pith_graph.cli", "db", "start"],
            env=_serve_env(tmp_path, bolt_port, free_port()),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while _state_pid(tmp_path) in (None, java):
            assert db_start.poll() is None, db_start.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "db start did not bring Neo4j up"
            time.sleep(0.3)
        _stop(first)  # exits 0 ...
        assert _state_pid(tmp_path) not in (None, java)  # ... and leaves db start's state alone
        second = _start_serve(tmp_path, bolt_port, http_port)
        _wait_ready(http_port, second)  # reuses the running launcher
        assert _graphql(http_port, "{ __typename }") == {"data": {"__typename": "Query"}}
        _stop(second)
        second = None
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt_port}") as driver:
            driver.verify_connectivity()  # the reuser left db start's Neo4j running
        db_start.send_signal(signal.SIGTERM)
        assert db_start.wait(timeout=90) == 0
        assert not (tmp_path / "neo4j" / "launcher.json").exists()
    finally:
        for process in (first, second, db_start):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        if db_start is not None and db_start.stderr is not None:
            db_start.stderr.close()
        for pid in [_state_pid(tmp_path)]:
            if pid is not None and _alive(pid):
                os.kill(pid, signal.SIGKILL)
