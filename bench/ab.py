"""A/B: two revisions of our API, same database, same bodies, runs alternated in one session.

    .venv/bin/python bench/ab.py A B [--workloads resolve,record] [--concurrency 1,32]
        [--rounds 3] [--duration 5] [--workers 2] [--uri bolt://…]

``A`` and ``B`` are git revisions (``main``, ``HEAD~1``, a commit) or ``.`` for this work tree
as it is, uncommitted changes included. Each revision's ``pith_graph`` is exported
(``git archive``) and served by ``pith-graph serve`` from this virtualenv with the export first
on ``PYTHONPATH``. For every workload and concurrency the two servers are measured ``--rounds``
times, alternately (A B, then B A, ...), so that a machine shared with other jobs loads both
alike; the table gives each side's median requests/s and B/A. Without ``--uri`` it starts the
benchmark's Neo4j (``bench/.data/real``, ingested once by ``make bench``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench
import env
import workloads
from neo4j import GraphDatabase

from pith_graph.neo4j_local import free_port


def export(revision: str, into: Path) -> Path:
    """The source tree holding ``pith_graph`` at ``revision`` (``.``: the work tree itself)."""
    if revision == ".":
        return env.REPO
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(env.REPO), "archive", revision, "pith_graph"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def serve(source: Path, uri: str, workers: int, log: Path, name: str) -> api_bench.Server:
    port = free_port()
    return api_bench.Server(
        name,
        [str(Path(sys.executable).with_name("pith-graph")), "serve", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env.REPO,
        {"NEO4J_URI": uri, "PITH_DATA_DIR": str(env.DATA_ROOT / f"ab-{name}"),
         "PITH_LOAD_DEMO": "0",
         "PYTHONPATH": os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")])},
        port, log,
    )


@contextlib.contextmanager
def _graph(uri: str | None) -> Iterator[tuple[str, object]]:
    if uri:
        driver = GraphDatabase.driver(uri, auth=None)
        try:
            yield uri, driver
        finally:
            driver.close()
        return
    with env.database("real") as db:
        env.ensure_real_data(db)
        yield db.uri, db.driver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--workloads", default=",".join(workloads.WORKLOADS))
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--uri", default=None)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pith-ab-"))
    sources = {"A": export(args.a, work / "A"), "B": export(args.b, work / "B")}
    levels = [int(c) for c in args.concurrency.split(",")]
    lines = [f"A = {args.a}, B = {args.b}; {args.rounds} alternated rounds of "
             f"{args.duration:g} s, {args.workers} workers each; median req/s", "",
             "| workload | c | A req/s | B req/s | B/A |", "| --- | ---: | ---: | ---: | ---: |"]
    with _graph(args.uri) as (uri, driver):
        loads = workloads.build(driver)  # type: ignore[arg-type]
        servers = {side: serve(src, uri, args.workers, work / f"{side}.log", side)
                   for side, src in sources.items()}
        try:
            for name in args.workloads.split(","):
                bodies = work / f"{name}.jsonl"
                workloads.write_bodies(loads[name].ours, bodies)
                for server in servers.values():
                    api_bench.check_answers(server, loads[name].ours)
                for c in levels:
                    rps: dict[str, list[float]] = {"A": [], "B": []}
                    for r in range(args.rounds):
                        for side in ("A", "B") if r % 2 == 0 else ("B", "A"):
                            url = servers[side].url
                            if args.warmup:
                                api_bench.drain(api_bench.run_wrk(url, bodies, 1, args.warmup,
                                                                  10**9))
                            m = api_bench.run_wrk(url, bodies, c, args.duration, 200_000)
                            api_bench.drain(m)
                            rps[side].append(m["rps"])
                            print(f"  {name} c={c} {side}: {m['rps']:.1f} req/s "
                                  f"(errors {m['errors']})", file=sys.stderr, flush=True)
                    a, b = statistics.median(rps["A"]), statistics.median(rps["B"])
                    lines.append(f"| {name} | {c} | {a:.1f} | {b:.1f} | "
                                 f"{b / a if a else 0:.2f}× |")
        finally:
            for server in servers.values():
                server.stop()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
