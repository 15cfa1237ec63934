"""Every CLI failure is one line on stderr and a documented exit code; --debug adds the traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from pith_graph.cli.errors import EXIT_BLOCKED, EXIT_DATABASE, EXIT_USAGE, CliError, describe
from pith_graph.neo4j_local import free_port


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pith_graph.cli", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NEO4J_URI", "PITH_DEBUG"}}
    env.update(PITH_DATA_DIR=str(tmp_path), PITH_LOAD_DEMO="0", **extra)
    return env


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    return lines[-1]


def test_serve_on_a_taken_bolt_port_is_one_line_and_exit_4(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = _env(tmp_path, PITH_NEO4J_PORT=port, PITH_PORT=str(free_port()))
        result = _cli("serve", env=env)
        assert result.returncode == EXIT_BLOCKED, result.stderr
        line = _one_line(result.stderr)
        assert line.startswith("pith-graph serve: ") and "is taken by another program" in line
        assert "PITH_NEO4J_PORT" in line  # what to do
        debug = _cli("--debug", "serve", env=env)
        assert debug.returncode == EXIT_BLOCKED
        assert "Traceback" in debug.stderr and "LocalNeo4jPortTaken" in debug.stderr


def test_serve_on_a_taken_api_port_refuses_before_starting_neo4j(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = _env(tmp_path, PITH_PORT=str(taken.getsockname()[1]), PITH_NEO4J_PORT=str(free_port()))
        result = _cli("serve", env=env)
    assert result.returncode == EXIT_BLOCKED
    assert "cannot listen on 127.0.0.1:" in _one_line(result.stderr)
    assert not (tmp_path / "neo4j" / "launcher.json").exists()


def test_an_unreachable_neo4j_is_one_line_and_exit_3(tmp_path: Path) -> None:
    env = _env(tmp_path, NEO4J_URI=f"bolt://127.0.0.1:{free_port()}")
    result = _cli("db", "status", env=env)
    assert result.returncode == EXIT_DATABASE, result.stderr
    line = _one_line(result.stderr)
    assert line.startswith("pith-graph db status: Neo4j is not reachable")
    assert "NEO4J_URI" in line


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _cli("db", "status", env=_env(tmp_path, PITH_NEO4J_PORT="not-a-port"))
    assert result.returncode == EXIT_USAGE
    assert "PITH_NEO4J_PORT='not-a-port' is not an integer" in _one_line(result.stderr)


def test_describe_keeps_the_first_line_and_says_what_to_do() -> None:
    from pith_graph.neo4j_local import LocalNeo4jError

    line, code = describe(LocalNeo4jError("Neo4j did not start on bolt://x; launcher output:\nA\nB"))
    assert code == EXIT_DATABASE and "\n" not in line and "--debug" in line
    line, code = describe(RuntimeError("boom"))
    assert code == 70 and "internal error (RuntimeError): boom" in line and "--debug" in line
    error = CliError("cannot restore", "the target is not empty", "pass --force", EXIT_BLOCKED)
    assert describe(error) == ("cannot restore: the target is not empty; pass --force", EXIT_BLOCKED)
