"""`pith-graph mirror follow` takes the follower lock of its data directory, as ``serve``'s
follower does: one follower per data directory. A second one-off sync says who holds the lock and
exits 1; with ``--watch`` it waits for the holder and then takes over."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.neo4j_local import free_port
from pith_graph.service.mirror import follower_lock, follower_lock_path


def test_a_second_follower_of_a_data_directory_says_so_and_exits_1(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with follower_lock(data_dir) as held:  # serve's follower, or another `mirror follow`
        assert held
        assert main(["mirror", "follow", f"http://127.0.0.1:{free_port()}"]) == 1
    err = capsys.readouterr().err
    assert f"another follower (pid {os.getpid()}) holds {follower_lock_path(data_dir)}" in err
    assert "one follower per data directory" in err and "--watch" in err


def test_a_watching_follower_waits_for_the_holder_then_takes_over(
    settings: Settings, tmp_path: Path
) -> None:
    data_dir = tmp_path / "mirror-data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PITH_", "NEO4J_"))}
    env.update(NEO4J_URI=str(settings.neo4j_uri), PITH_DATA_DIR=str(data_dir))
    if settings.neo4j_password:
        env["NEO4J_PASSWORD"] = settings.neo4j_password
    cli = str(Path(sys.executable).with_name("pith-graph"))
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: each sync fails and is retried
    with follower_lock(data_dir) as held:
        assert held
        child = subprocess.Popen(
            [cli, "mirror", "follow", url, "--watch", "--interval", "0.2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert child.stderr is not None
            first = child.stderr.readline()
            assert "another follower" in first and "waiting for it to exit" in first
            assert child.poll() is None
        except BaseException:
            child.kill()
            child.wait(30)
            raise
    try:
        # the holder exited: the watcher takes the lock and syncs (here: origin unreachable)
        said = [child.stderr.readline() for _ in range(1)]
        while "ORIGIN_UNREACHABLE" not in said[-1] and said[-1] and len(said) < 50:
            said.append(child.stderr.readline())
        assert "ORIGIN_UNREACHABLE" in said[-1], said
        descriptor = os.open(follower_lock_path(data_dir), os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(descriptor)
        assert follower_lock_path(data_dir).read_text().split() == [str(child.pid)]
    finally:
        child.terminate()
        child.wait(30)
        child.stderr.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the lock goes with its holder
        with follower_lock(data_dir) as held:
            if held:
                break
        time.sleep(0.05)
    else:
        raise AssertionError("the lock outlived its holder")
