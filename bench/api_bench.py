"""Benchmark: the API's read workloads against the floor and against the peer, on the real data.

    .venv/bin/python bench/api_bench.py [--duration 8] [--concurrency 1,32] [--workloads ...]

(``make bench`` installs wrk and the peer's packages first.) Starts a local Neo4j with APOC
(store kept in ``bench/.data/real``; the shared data set is ingested into it once), our API
(``pith-graph serve``, one process) and the peer (``bench/peer``: @neo4j/graphql on Node.js),
then for every workload and concurrency runs, back to back:

- **ours**: wrk on loopback against ``/graphql``, random bodies from a pre-generated file;
- **floor**: the same Cypher our API ran for those bodies (captured, :mod:`floor`), replayed
  through the Python driver with the same concurrency;
- **peer**: wrk against the peer with the equivalent GraphQL request for the same papers.

Each run lasts ``--duration`` seconds (or ``--max-requests``) after a short warm-up. Writes
``bench/results/latest.{md,json}`` (and a dated copy) and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import env
import floor
import report
import workloads

from pith_graph.neo4j_local import free_port

RESULTS = env.BENCH / "results"
WRK_SCRIPT = env.BENCH / "wrk" / "graphql.lua"
WRK_GET_SCRIPT = env.BENCH / "wrk" / "get.lua"
# The HTTP edge's rows (ours only, no peer or floor): a record fetched by GET, once as a 200
# and once revalidated with its ETag (304), and `resolve` with the rate limiter on.
EDGE_WORKLOADS = ("record_get_200", "record_get_304", "resolve_rate_limited")
PEER_DIR = env.BENCH / "peer"


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


class Server:
    """A benchmarked HTTP server in its own process group, stopped with SIGTERM."""

    def __init__(self, name: str, command: list[str], cwd: Path, extra_env: dict[str, str],
                 port: int, log: Path) -> None:
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}/graphql"
        self._log = open(log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **extra_env}, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        _wait_http(f"http://127.0.0.1:{port}/healthz", self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_ours(db: env.Database, log: Path, workers: int = 1,
               extra_env: dict[str, str] | None = None, name: str = "ours") -> Server:
    port = free_port()
    return Server(
        name,
        [str(Path(sys.executable).with_name("pith-graph")), "serve", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env.REPO,
        {"NEO4J_URI": db.uri, "PITH_DATA_DIR": str(env.DATA_ROOT / name), "PITH_LOAD_DEMO": "0",
         **(extra_env or {})},
        port, log,
    )


def start_peer(db: env.Database, log: Path) -> Server:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node (Node.js 20) is not on PATH: the peer needs it")
    port = free_port()
    return Server("peer", [node, "server.mjs"], PEER_DIR, {"NEO4J_URI": db.uri, "PORT": str(port)},
                  port, log)


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def check_answers(server: Server, bodies: list[dict[str, Any]]) -> None:
    """The first bodies must be answered without GraphQL errors, or the numbers mean nothing."""
    for body in bodies[:3]:
        answer = _post(server.url, body)
        if answer.get("errors"):
            raise SystemExit(f"{server.name} answered with errors: {answer['errors'][:2]}")


def run_wrk(url: str, bodies_file: Path, concurrency: int, duration: float,
            max_requests: int, script: Path = WRK_SCRIPT) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (make bench installs it: apt-get install -y wrk)")
    threads = min(concurrency, 2)
    per_thread = max(1, max_requests // threads)
    command = [wrk, f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
               "--timeout", "60s",
               "-s", str(script), url, "--", str(bodies_file), str(per_thread)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            raw = json.loads(line.removeprefix("WRK_JSON "))
            seconds = raw["duration_us"] / 1e6
            errors = raw["graphql_errors"] + raw["bad_status"] + raw["socket_errors"]
            return {
                "requests": raw["requests"], "seconds": round(seconds, 3),
                "rps": round(raw["requests"] / seconds, 2) if seconds else 0.0,
                "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
                "mean_ms": round(raw["mean_us"] / 1000, 3), "errors": errors,
            }
    raise SystemExit(f"wrk failed: {result.stdout}\n{result.stderr}")


def drain(m: dict[str, Any]) -> None:
    """wrk leaves its last requests in flight, and the server still answers them: wait that out
    so they do not load the next target's run."""
    pending = m["p99_ms"] / 1000 if m["requests"] else 30.0
    time.sleep(min(30.0, pending))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_floor(db: env.Database, captured: list[floor.Captured], concurrency: int,
              duration: float, max_requests: int) -> dict[str, Any]:
    result = floor.run_floor(db.settings, captured, concurrency, duration, max_requests)
    return {
        "requests": result.requests, "seconds": round(result.seconds, 3),
        "rps": round(result.requests / result.seconds, 2) if result.seconds else 0.0,
        "p50_ms": round(_percentile(result.latencies_us, 0.50) / 1000, 3),
        "p99_ms": round(_percentile(result.latencies_us, 0.99) / 1000, 3),
        "mean_ms": round(statistics.fmean(result.latencies_us) / 1000, 3)
        if result.latencies_us else 0.0,
        "errors": result.errors,
    }


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(1)  # so that the servers started here are stopped on the way out


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measured run")
    parser.add_argument("--max-duration", type=float, default=40.0,
                        help="cap of a run stretched for slow requests at high concurrency")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per target")
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per run")
    parser.add_argument("--workloads",
                        default=",".join((*workloads.WORKLOADS, *EDGE_WORKLOADS)))
    parser.add_argument("--targets", default="ours,floor,peer")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of our API (pith-graph serve --workers; default: CPUs)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--tag", default="", help="suffix of the dated result files")
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",")]
    names = [w for w in args.workloads.split(",") if w]
    targets = [t for t in args.targets.split(",") if t]
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pith-bench-"))
    print(f"neo4j (APOC) + real data; logs in {work}", file=sys.stderr, flush=True)
    rows: list[dict[str, Any]] = []
    with env.database("real") as db:
        counts = env.ensure_real_data(db)
        print(f"graph: {counts}", file=sys.stderr, flush=True)
        loads = workloads.build(db.driver)
        servers: dict[str, Server] = {}
        try:
            if "ours" in targets:
                servers["ours"] = start_ours(db, work / "ours.log", args.workers)
            if "peer" in targets:
                servers["peer"] = start_peer(db, work / "peer.log")
            for name in [n for n in names if n not in EDGE_WORKLOADS]:
                load = loads[name]
                files = {}
                for side in ("ours", "peer"):
                    files[side] = work / f"{name}.{side}.jsonl"
                    workloads.write_bodies(getattr(load, side), files[side])
                for side, server in servers.items():
                    check_answers(server, getattr(load, side))
                captured: list[floor.Captured] = []
                if "floor" in targets:
                    sample = load.ours[: min(len(load.ours), 100)]
                    captured = asyncio.run(floor.capture(db.settings, sample))
                print(f"{name}: {len(load.ours)} bodies; ours runs "
                      f"{statistics.fmean(len(c) for c in captured) if captured else 0:.1f} "
                      "queries per request in "
                      f"{statistics.fmean(len(floor.waves(c)) for c in captured) if captured else 0:.1f}"
                      " waves", file=sys.stderr, flush=True)
                serial_ms: dict[str, float] = {}
                for c in levels:
                    for target in targets:
                        # All c requests share one CPU and finish together, so a run must last
                        # several times c x (latency alone) to measure throughput, not start-up.
                        duration = args.duration
                        if c > 1 and target in serial_ms:
                            duration = max(duration, min(args.max_duration,
                                                         3 * c * serial_ms[target] / 1000))
                        if target == "floor":
                            # Warm-ups run one request at a time: at high concurrency they
                            # would leave a queue of slow requests behind them.
                            if args.warmup:
                                run_floor(db, captured, 1, args.warmup, 10**9)
                            m = run_floor(db, captured, c, duration, args.max_requests)
                        else:
                            server = servers[target]
                            if args.warmup:
                                drain(run_wrk(server.url, files[target], 1, args.warmup, 10**9))
                            m = run_wrk(server.url, files[target], c, duration,
                                        args.max_requests)
                            drain(m)
                        if c == 1 and m["requests"]:
                            serial_ms[target] = m["mean_ms"]
                        row = {"workload": name, "concurrency": c, "target": target, **m}
                        rows.append(row)
                        print(f"  c={c:<3} {target:<5} {m['rps']:9.1f} req/s  p50 "
                              f"{m['p50_ms']:8.2f} ms  p99 {m['p99_ms']:8.2f} ms  "
                              f"errors {m['errors']}", file=sys.stderr, flush=True)
            edge = [w for w in names if w in EDGE_WORKLOADS]
            if edge and "ours" in servers:
                rows.extend(run_edge(db, servers["ours"], loads, edge, levels, args, work))
        finally:
            for server in servers.values():
                server.stop()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "make bench  # " + " ".join(["bench/api_bench.py", *(argv or sys.argv[1:])]),
        "duration_s": args.duration, "max_duration_s": args.max_duration,
        "warmup_s": args.warmup, "graph": counts, "ours_workers": args.workers,
        "machine": {"cpus": os.cpu_count(), "load_avg_1m_at_end": os.getloadavg()[0],
                    "python": platform.python_version(), "platform": platform.platform()},
        "peer": "@neo4j/graphql 7.6.3 on Node.js " + _node_version(),
        "peer_notes": workloads.PEER_NOTES, "titles": workloads.TITLES,
    }
    document = {"meta": meta, "results": rows}
    markdown = report.markdown(document)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + (f"-{args.tag}" if args.tag else "")
    for stem in ("latest", stamp):
        (args.out / f"{stem}.json").write_text(json.dumps(document, indent=1) + "\n")
        (args.out / f"{stem}.md").write_text(markdown)
    print(markdown)
    return 0


def _record_paths(server: Server, pith_numbers: list[str], work: Path) -> tuple[Path, Path]:
    """Two path files for get.lua: record paths alone, and each with its current ETag."""
    base = server.url.removesuffix("/graphql")
    plain, tagged = work / "record_get.tsv", work / "record_get_304.tsv"
    lines, tagged_lines = [], []
    for pith in pith_numbers:
        path = f"/pith/{pith.split(':')[-1]}.json"
        with urllib.request.urlopen(base + path, timeout=60) as response:
            lines.append(path)
            tagged_lines.append(f"{path}\t{response.headers['ETag']}")
    plain.write_text("\n".join(lines) + "\n")
    tagged.write_text("\n".join(tagged_lines) + "\n")
    return plain, tagged


def run_edge(db: env.Database, ours: Server, loads: dict[str, workloads.Workload],
             names: list[str], levels: list[int], args: argparse.Namespace,
             work: Path) -> list[dict[str, Any]]:
    """The HTTP edge's rows: GET of records (200, and 304 on a matching If-None-Match), and
    `resolve` through a second server whose rate limiter is on for every client."""
    rows: list[dict[str, Any]] = []
    record_piths = [b["variables"]["p"] for b in loads["record"].peer][:200]
    files: dict[str, Path] = {}
    if record_piths and {"record_get_200", "record_get_304"} & set(names):
        files["record_get_200"], files["record_get_304"] = _record_paths(ours, record_piths, work)
    limited: Server | None = None
    if "resolve_rate_limited" in names:
        limited = start_ours(db, work / "ours-limited.log", args.workers, {
            "PITH_RATE_LIMIT": "100000000/minute", "PITH_RATE_LIMIT_LOOPBACK": "1"},
            name="ours-limited")
        files["resolve_rate_limited"] = work / "resolve_rate_limited.jsonl"
        workloads.write_bodies(loads["resolve"].ours, files["resolve_rate_limited"])
    try:
        for name in names:
            if name not in files:
                print(f"{name}: no bodies, skipped", file=sys.stderr)
                continue
            for c in levels:
                if name == "resolve_rate_limited":
                    assert limited is not None
                    url, script = limited.url, WRK_SCRIPT
                else:
                    url, script = ours.url.removesuffix("/graphql"), WRK_GET_SCRIPT
                if args.warmup:
                    drain(run_wrk(url, files[name], 1, args.warmup, 10**9, script))
                m = run_wrk(url, files[name], c, args.duration, args.max_requests, script)
                drain(m)
                rows.append({"workload": name, "concurrency": c, "target": "ours", **m})
                print(f"  {name} c={c:<3} {m['rps']:9.1f} req/s  p50 {m['p50_ms']:8.2f} ms  "
                      f"p99 {m['p99_ms']:8.2f} ms  errors {m['errors']}", file=sys.stderr,
                      flush=True)
    finally:
        if limited is not None:
            limited.stop()
    return rows


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "?"
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
