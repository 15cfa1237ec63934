"""The local launcher runs the real engine: data survives a stop, SIGTERM leaves a clean store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from pith_graph.neo4j_local import (
    LocalNeo4j,
    LocalNeo4jError,
    LocalNeo4jRunning,
    free_port,
    run_admin_tool,
    running_launcher,
)


def _count_marks(uri: str) -> int:
    with GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query("MATCH (m:LauncherMark) RETURN count(m) AS n")
        return int(records[0]["n"])


def _server(data_dir: Path) -> LocalNeo4j:
    return LocalNeo4j(data_dir=data_dir, port=free_port(), heap="512m", page_cache="128m")


def test_data_survives_sigterm_and_restart(tmp_path: Path) -> None:
    first = _server(tmp_path).start()
    try:
        with GraphDatabase.driver(first.uri) as driver:
            driver.execute_query("CREATE (:LauncherMark {at: 1})")
        assert first.pid is not None
        os.kill(first.pid, signal.SIGTERM)  # what `kill -TERM` does
    finally:
        first.stop()
    log = (tmp_path / "store" / "logs" / "debug.log").read_text()
    assert "Checkpoint triggered by \"Database shutdown\"" in log

    second = _server(tmp_path).start()
    try:
        assert _count_marks(second.uri) == 1
    finally:
        second.stop()
    log = (tmp_path / "store" / "logs" / "debug.log").read_text()
    # A clean shutdown leaves nothing for recovery to replay on the next start.
    assert "Recovery required" not in log


def test_a_live_launcher_for_the_same_store_is_reused(tmp_path: Path) -> None:
    with _server(tmp_path) as first:
        with _server(tmp_path) as second:
            assert second.uri == first.uri
            assert second.pid is None  # nothing new was started
        assert _count_marks(first.uri) == 0  # the reuser did not stop it


def test_a_taken_port_is_reported_not_ignored(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        server = LocalNeo4j(data_dir=tmp_path, port=port)
        with pytest.raises(LocalNeo4jError, match="is taken"):
            server.start()


_START_THEN_WAIT = """
import signal, sys, time
from pith_graph.neo4j_local import LocalNeo4j

def _exit(signum, frame):
    raise SystemExit(3)  # what `pith-graph serve` turns SIGTERM into

signal.signal(signal.SIGTERM, _exit)
LocalNeo4j(data_dir=sys.argv[1], port=int(sys.argv[2]), heap="512m", page_cache="128m").start()
time.sleep(600)
"""


def _launcher_pids(data_dir: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "science.pith.launcher.Launcher" in command and str(data_dir) in command:
            pids.append(int(entry.name))
    return pids


def test_sigterm_while_starting_leaves_no_launcher_behind(tmp_path: Path) -> None:
    data_dir = tmp_path.resolve()
    child = subprocess.Popen(
        [sys.executable, "-c", _START_THEN_WAIT, str(data_dir), str(free_port())]
    )
    try:
        deadline = time.monotonic() + 120
        while not _launcher_pids(data_dir):  # the JVM is up but Neo4j takes seconds to be ready
            assert child.poll() is None and time.monotonic() < deadline, "launcher never started"
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=120) == 3
        deadline = time.monotonic() + 30
        while _launcher_pids(data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _launcher_pids(data_dir) == [], "the interrupted start left its Neo4j running"
    finally:
        if child.poll() is None:
            child.kill()
        for pid in _launcher_pids(data_dir):
            os.kill(pid, signal.SIGKILL)


def _state(data_dir: Path) -> dict[str, object]:
    return json.loads((data_dir / "launcher.json").read_text())


def test_stop_leaves_a_state_file_that_names_another_launcher(tmp_path: Path) -> None:
    first = _server(tmp_path).start()
    own = _state(tmp_path)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)  # from outside: the owner still holds its process handle
    first._process.wait()  # type: ignore[union-attr]
    second = _server(tmp_path).start()
    try:
        assert second.pid is not None and second.pid != own["pid"]
        assert _state(tmp_path)["pid"] == second.pid
        first.stop()  # the first owner's clean stop must not take the second's file
        assert _state(tmp_path)["pid"] == second.pid
        third = _server(tmp_path).start()
        assert third.uri == second.uri and third.pid is None  # found and reused
        third.stop()
        assert _count_marks(second.uri) == 0  # still answering
    finally:
        second.stop()
    assert not (tmp_path / "launcher.json").exists()  # its owner removed it


def test_a_live_launcher_is_found_without_its_state_file(tmp_path: Path) -> None:
    with _server(tmp_path) as first:
        (tmp_path / "launcher.json").unlink()
        with _server(tmp_path) as second:
            assert second.uri == first.uri and second.pid is None
        assert _state(tmp_path)["pid"] == first.pid  # the finder wrote the file again
        # A state file naming a live pid that is not this store's launcher is not believed.
        (tmp_path / "launcher.json").write_text(
            json.dumps({"pid": os.getpid(), "host": "127.0.0.1", "port": 1, "start_token": "x"})
        )
        assert running_launcher(tmp_path) is not None
        assert running_launcher(tmp_path).pid == first.pid  # type: ignore[union-attr]
    assert running_launcher(tmp_path) is None


def test_the_admin_tool_refuses_a_running_store_and_dumps_a_stopped_one(tmp_path: Path) -> None:
    server = _server(tmp_path).start()
    try:
        with GraphDatabase.driver(server.uri) as driver:
            driver.execute_query("CREATE (:LauncherMark {at: 1})")
        with pytest.raises(LocalNeo4jRunning, match="is running"):
            run_admin_tool(["database", "dump", "neo4j", f"--to-path={tmp_path}"], tmp_path)
    finally:
        server.stop()
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    run_admin_tool(["database", "dump", "neo4j", f"--to-path={dumps}"], tmp_path, heap="256m")
    assert (dumps / "neo4j.dump").stat().st_size > 0
    with pytest.raises(LocalNeo4jError, match="failed"):
        run_admin_tool(["database", "dump", "no-such-db", f"--to-path={dumps}"], tmp_path, heap="256m")
