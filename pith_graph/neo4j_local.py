"""The local Neo4j: build the launcher under ``neo4j/launcher`` once, run it, stop it cleanly.

This is the *embedded default*: used when ``NEO4J_URI`` is not set. It runs the real Neo4j 5.26
Community engine with its Bolt connector (see ``neo4j/launcher``), never a stand-in.

A running launcher writes ``launcher.json`` (pid, Bolt URI) into its data directory. A second
``pith-graph`` process that finds a live launcher for the same directory reuses it instead of
starting another (Neo4j locks its store, so two could not run anyway) and leaves it running.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LAUNCHER_DIR",
    "LocalNeo4j",
    "LocalNeo4jError",
    "ensure_launcher_built",
    "free_port",
    "local_neo4j",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
LAUNCHER_DIR = Path(os.environ.get("PITH_LAUNCHER_DIR", REPO_ROOT / "neo4j" / "launcher"))
_MAIN_CLASS = "science.pith.launcher.Launcher"
_READY = "PITH_NEO4J_READY"
# Options Neo4j's own start script passes to its JVM, trimmed to those that matter here.
_JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)


class LocalNeo4jError(RuntimeError):
    """The local Neo4j could not be built or started; the message carries the launcher's log tail."""


def _source_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted([LAUNCHER_DIR / "pom.xml", *(LAUNCHER_DIR / "src").rglob("*.java")]):
        digest.update(path.relative_to(LAUNCHER_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_launcher_built() -> Path:
    """Build the launcher with Maven unless its sources are unchanged since the last build.

    Returns the ``target`` directory. The first build downloads Neo4j from Maven Central into
    ``~/.m2`` (about 120 MB); later ones take no time at all.
    """
    target = LAUNCHER_DIR / "target"
    stamp = target / ".pith-build-stamp"
    fingerprint = _source_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint and (target / "lib").is_dir():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError("Maven (mvn) is not on PATH: it is needed to build neo4j/launcher")
    result = subprocess.run(
        [mvn, "-q", "-B", "-DskipTests", "package"],
        cwd=LAUNCHER_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise LocalNeo4jError(f"building neo4j/launcher with Maven failed:\n{tail}")
    stamp.write_text(fingerprint)
    return target


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for test servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class LocalNeo4j:
    """One launcher process (or a live one found for the same data directory)."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 7687
    heap: str = "4g"
    page_cache: str = "4g"
    apoc: bool = False
    start_timeout: float = 180.0

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self._process: subprocess.Popen[str] | None = None
        self._log_tail: deque[str] = deque(maxlen=60)
        self._ready = threading.Event()
        self._reused = False
        self.start_seconds: float | None = None

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def _state_file(self) -> Path:
        return self.data_dir / "launcher.json"

    def _running_launcher(self) -> dict[str, object] | None:
        try:
            state = json.loads(self._state_file.read_text())
        except (OSError, ValueError):
            return None
        pid, host, port = state.get("pid"), state.get("host"), state.get("port")
        if not (isinstance(pid, int) and isinstance(host, str) and isinstance(port, int)):
            return None
        if _pid_alive(pid) and _port_open(host, port):
            return state
        return None

    def start(self) -> LocalNeo4j:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        running = self._running_launcher()
        if running is not None:
            self.host, self.port = str(running["host"]), int(str(running["port"]))
            self._reused = True
            return self
        if _port_open(self.host, self.port):
            raise LocalNeo4jError(
                f"port {self.host}:{self.port} is taken by another program; "
                "set PITH_NEO4J_PORT to a free port, or NEO4J_URI to use that server"
            )
        target = ensure_launcher_built()
        java = shutil.which("java")
        if java is None:
            raise LocalNeo4jError("java is not on PATH: the local Neo4j needs a JDK 17")
        classpath = f"{target / 'classes'}{os.pathsep}{target / 'lib' / '*'}"
        if self.apoc:
            # APOC registers its kernel extensions (ApocConfig, ...) through META-INF/services,
            # which Neo4j reads from the classpath only; the plugins dir alone gives its
            # procedures but not the configuration they need.
            classpath += f"{os.pathsep}{target / 'plugins' / '*'}"
        command = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *_JVM_OPTIONS,
            "-cp",
            classpath,
            _MAIN_CLASS,
            "--host", self.host,
            "--port", str(self.port),
            "--data-dir", str(self.data_dir / "store"),
            "--page-cache", self.page_cache,
        ]
        if self.apoc:
            command += ["--plugins-dir", str(target / "plugins")]
        started = time.monotonic()
        # Its own session: a Ctrl-C in the terminal reaches us, and we stop it in order.
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._pump = threading.Thread(target=self._pump_output, daemon=True)
        self._pump.start()
        deadline = started + self.start_timeout
        try:
            while not self._ready.wait(0.2):
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise LocalNeo4jError(
                        f"Neo4j did not start on {self.uri} (data dir {self.data_dir}); "
                        "launcher output:\n" + "\n".join(self._log_tail)
                    )
        except BaseException:
            # Not started means not ours to keep: a timeout, or a SIGTERM/Ctrl-C that arrives
            # while we wait (SystemExit, KeyboardInterrupt), must not orphan the launcher in
            # its own session, where no terminal signal would ever reach it.
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        self._state_file.write_text(
            json.dumps({"pid": self._process.pid, "host": self.host, "port": self.port})
        )
        return self

    def _pump_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self._log_tail.append(line.rstrip())
            if line.startswith(_READY):
                self._ready.set()

    def stop(self, timeout: float = 90.0) -> None:
        """SIGTERM, then wait: the launcher's shutdown hook checkpoints and closes the store."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._close_output(process)
        with contextlib.suppress(OSError):
            self._state_file.unlink()

    def _close_output(self, process: subprocess.Popen[str]) -> None:
        self._pump.join(timeout=5)  # it ends at EOF, which the exit has just caused
        if process.stdout is not None:
            process.stdout.close()

    def kill(self) -> None:
        """SIGKILL, for crash tests: the store must recover on the next start."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._close_output(self._process)
            self._process = None

    def __enter__(self) -> LocalNeo4j:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if not self._reused:
            self.stop()


@contextlib.contextmanager
def local_neo4j(settings: object) -> Iterator[LocalNeo4j]:
    """Run the local launcher for ``settings`` (a :class:`pith_graph.config.Settings`)."""
    from pith_graph.config import Settings

    assert isinstance(settings, Settings)
    with LocalNeo4j(
        data_dir=settings.local_neo4j_dir,
        host=settings.local_neo4j_host,
        port=settings.local_neo4j_port,
        heap=settings.local_neo4j_heap,
        page_cache=settings.local_neo4j_page_cache,
        apoc=settings.local_neo4j_apoc,
    ) as server:
        yield server
