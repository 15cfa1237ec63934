"""The local Neo4j: build the launcher under ``neo4j/launcher`` once, run it, stop it cleanly.

This is the *embedded default*: used when ``NEO4J_URI`` is not set. It runs the real Neo4j 5.26
Community engine with its Bolt connector (see ``neo4j/launcher``), never a stand-in.

A running launcher is described by ``launcher.json`` in its data directory: its pid, Bolt address
and a random *start token* that is also on the launcher's command line. The file is replaced
atomically, and read, written and removed only under ``launcher.lock`` (an ``flock``), so two
``pith-graph`` processes starting at once serialise: the second finds the first's launcher. Only
the process that started a launcher (the holder of its token) removes the file, and only while
the file still names that launcher. A live launcher for the same directory is found and reused
whatever its file says (missing, stale, or naming a dead pid): on Linux the launcher's command line
in ``/proc`` carries its store directory, port and token. A reuser leaves the launcher running.

Neo4j's offline tools (dump, load, consistency check, the bulk importer) run from the same
classpath through :func:`run_admin_tool`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
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
    "LauncherProcess",
    "LocalNeo4j",
    "LocalNeo4jError",
    "LocalNeo4jPortTaken",
    "LocalNeo4jRunning",
    "ensure_launcher_built",
    "free_port",
    "local_neo4j",
    "run_admin_tool",
    "running_launcher",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
LAUNCHER_DIR = Path(os.environ.get("PITH_LAUNCHER_DIR", REPO_ROOT / "neo4j" / "launcher"))
_MAIN_CLASS = "science.pith.launcher.Launcher"
_ADMIN_CLASS = "org.neo4j.cli.AdminTool"
_STATE_FILE = "launcher.json"
_LOCK_FILE = "launcher.lock"
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


class LocalNeo4jPortTaken(LocalNeo4jError):
    """The launcher's Bolt port is held by a program that is not this store's launcher."""


class LocalNeo4jRunning(LocalNeo4jError):
    """An offline operation was asked for while a launcher has the store open."""

    def __init__(self, message: str, launcher: LauncherProcess) -> None:
        super().__init__(message)
        self.launcher = launcher


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


def _cmdline(pid: int) -> list[str] | None:
    """A process's argv from /proc (Linux), or None when it is gone or /proc is not there."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _option(argv: list[str], name: str) -> str | None:
    with contextlib.suppress(ValueError, IndexError):
        return argv[argv.index(name) + 1]
    return None


@dataclass(frozen=True)
class LauncherProcess:
    """A live launcher process: who it is and where its Bolt connector listens."""

    pid: int
    host: str
    port: int
    start_token: str | None

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    def as_state(self) -> dict[str, object]:
        return {"pid": self.pid, "host": self.host, "port": self.port, "start_token": self.start_token}


def _launcher_from_argv(pid: int, argv: list[str], store_dir: Path) -> LauncherProcess | None:
    if _MAIN_CLASS not in argv:
        return None
    data_dir, host, port = _option(argv, "--data-dir"), _option(argv, "--host"), _option(argv, "--port")
    if data_dir is None or host is None or port is None or not port.isdigit():
        return None
    if Path(data_dir).resolve() != store_dir:
        return None
    return LauncherProcess(pid, host, int(port), _option(argv, "--start-token"))


def _scan_for_launcher(store_dir: Path) -> LauncherProcess | None:
    """The live launcher process whose command line names ``store_dir``, found in /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        argv = _cmdline(int(entry.name))
        if argv:
            found = _launcher_from_argv(int(entry.name), argv, store_dir)
            if found is not None:
                return found
    return None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _read_state(path: Path) -> LauncherProcess | None:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict):
        return None
    pid, host, port, token = (state.get(k) for k in ("pid", "host", "port", "start_token"))
    if not (isinstance(pid, int) and isinstance(host, str) and isinstance(port, int)):
        return None
    return LauncherProcess(pid, host, port, token if isinstance(token, str) else None)


@contextlib.contextmanager
def _state_lock(data_dir: Path) -> Iterator[None]:
    """Exclusive use of a data directory's launcher state, across processes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / _LOCK_FILE, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _live_launcher(data_dir: Path) -> LauncherProcess | None:
    """The live launcher of ``data_dir`` (caller holds the state lock); rewrites a wrong file.

    The state file is believed only when its pid is alive, that process carries the file's start
    token (so a recycled pid is not mistaken for the launcher) and its port answers. Otherwise a
    launcher for this store found in /proc is adopted: the file is rewritten to name it.
    """
    store_dir = (data_dir / "store").resolve()
    state_file = data_dir / _STATE_FILE
    state = _read_state(state_file)
    if state is not None and _pid_alive(state.pid):
        argv = _cmdline(state.pid)
        same_process = (
            _launcher_from_argv(state.pid, argv, store_dir) is not None
            and _option(argv, "--start-token") == state.start_token
            if argv is not None
            else not Path("/proc").is_dir()  # no /proc: the pid and port are all we can check
        )
        if same_process and _port_open(state.host, state.port):
            return state
    found = _scan_for_launcher(store_dir)
    if found is None or not _port_open(found.host, found.port):
        return None
    _write_atomically(state_file, json.dumps(found.as_state()))
    return found


def running_launcher(data_dir: Path) -> LauncherProcess | None:
    """The live launcher for a launcher data directory (``Settings.local_neo4j_dir``), or None."""
    data_dir = Path(data_dir).resolve()
    with _state_lock(data_dir):
        return _live_launcher(data_dir)


def _classpath(target: Path, *, apoc: bool = False) -> str:
    classpath = f"{target / 'classes'}{os.pathsep}{target / 'lib' / '*'}"
    if apoc:
        # APOC registers its kernel extensions (ApocConfig, ...) through META-INF/services,
        # which Neo4j reads from the classpath only; the plugins dir alone gives its
        # procedures but not the configuration they need.
        classpath += f"{os.pathsep}{target / 'plugins' / '*'}"
    return classpath


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise LocalNeo4jError("java is not on PATH: the local Neo4j needs a JDK 17")
    return java


def run_admin_tool(
    args: list[str],
    data_dir: Path,
    *,
    heap: str = "1g",
    timeout: float | None = None,
    allow_running: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run Neo4j's ``neo4j-admin`` (``org.neo4j.cli.AdminTool``) on the launcher's store.

    ``args`` are neo4j-admin's own, e.g. ``["database", "dump", "neo4j", "--to-path=DIR"]``.
    ``data_dir`` is the launcher's data directory (``Settings.local_neo4j_dir``): the tool gets the
    launcher's store as its NEO4J_HOME, so it finds the same databases and transaction logs. The
    offline commands need the store closed: with a launcher running for ``data_dir`` this raises
    :class:`LocalNeo4jRunning` (unless ``allow_running``). A failing command raises
    :class:`LocalNeo4jError` with the tool's output; the result carries its stdout and stderr.
    """
    data_dir = Path(data_dir).resolve()
    home = data_dir / "store"
    home.mkdir(parents=True, exist_ok=True)
    if not allow_running:
        live = running_launcher(data_dir)
        if live is not None:
            raise LocalNeo4jRunning(
                f"the local Neo4j for {data_dir} is running (pid {live.pid}, {live.uri}); "
                "stop it (the `pith-graph serve` or `pith-graph db start` using it) first",
                live,
            )
    target = ensure_launcher_built()
    environment = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    command = [_java(), f"-Xmx{heap}", *_JVM_OPTIONS, "-cp", _classpath(target), _ADMIN_CLASS, *args]
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise LocalNeo4jError(
            f"neo4j-admin {' '.join(args)} failed (exit {result.returncode}):\n{output}"
        )
    return result


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
    # Threads of each index population job (None: Neo4j's default, a quarter of the cores).
    index_population_workers: int | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self._process: subprocess.Popen[str] | None = None
        self._token: str | None = None
        self._lock_held = False
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
        return self.data_dir / _STATE_FILE

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # Reentrant within this object: stop() runs inside start() when a start is interrupted,
        # and a second flock on a new descriptor of the same file would wait for ourselves.
        if self._lock_held:
            yield
            return
        with _state_lock(self.data_dir):
            self._lock_held = True
            try:
                yield
            finally:
                self._lock_held = False

    def start(self) -> LocalNeo4j:
        with self._locked():
            running = _live_launcher(self.data_dir)
            if running is not None:
                self.host, self.port = running.host, running.port
                self._reused = True
                return self
            if _port_open(self.host, self.port):
                raise LocalNeo4jPortTaken(
                    f"port {self.host}:{self.port} is taken by another program; "
                    "set PITH_NEO4J_PORT to a free port, or NEO4J_URI to use that server"
                )
            self._reused = False
            return self._launch()

    def _launch(self) -> LocalNeo4j:
        target = ensure_launcher_built()
        self._token = secrets.token_hex(16)
        self._ready.clear()
        command = [
            _java(),
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *_JVM_OPTIONS,
            "-cp",
            _classpath(target, apoc=self.apoc),
            _MAIN_CLASS,
            "--host", self.host,
            "--port", str(self.port),
            "--data-dir", str(self.data_dir / "store"),
            "--page-cache", self.page_cache,
            # On the command line so that whoever finds this process can tell it from a pid
            # that was recycled, and match it against the state file.
            "--start-token", self._token,
        ]
        if self.apoc:
            command += ["--plugins-dir", str(target / "plugins")]
        if self.index_population_workers is not None:
            command += ["--index-population-workers", str(self.index_population_workers)]
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
        state = LauncherProcess(self._process.pid, self.host, self.port, self._token)
        _write_atomically(self._state_file, json.dumps(state.as_state()))
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
        self._release_state(process.pid)

    def _release_state(self, pid: int) -> None:
        """Remove the state file if, and only if, it still names the launcher we started."""
        token, self._token = self._token, None
        with self._locked():
            state = _read_state(self._state_file)
            if state is not None and state.pid == pid and state.start_token == token:
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
