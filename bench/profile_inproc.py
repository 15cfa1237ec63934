"""Where one request's time goes, in-process: our ASGI app on the benchmark's database, no HTTP.

    .venv/bin/python bench/profile_inproc.py [--uri bolt://…] [--workloads resolve,record]
        [--requests 200] [--cprofile] [--top 30]

For each workload, answers its benchmark bodies one at a time through the ASGI app and prints the
mean time per request, the time inside the store runner's statements (the database and
Bolt; concurrent calls add up), this process's CPU time per request (HTTP aside, everything
Python does: GraphQL, resolvers, JSON, the driver's decoding) and the queries per request. ``--cprofile`` adds the
functions with the most time (cumulative and own). ``--floor`` adds the CPU time per request of
the floor (the same requests' captured queries replayed on a plain driver, :mod:`floor`) and of
ours, both as this thread's CPU time: unlike wall time, it does not stretch when the machine is
shared, so it says what ours costs above the driver however loaded the machine is. Without
``--uri`` it starts the benchmark's Neo4j (``bench/.data/real``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import env
import floor
import workloads
from neo4j import GraphDatabase

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.store._run import read_async, watching_statements, write_async, written_by_us
from pith_graph.store.driver import open_async_driver


class _Timing:
    """Watches the store's runner: adds up the time its statements take (concurrent ones add
    up) and counts them."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0
        self._starts: list[float] = []

    def started(self, query: str, params: dict[str, Any], routing: str) -> None:
        self._starts.append(time.perf_counter())
        self.queries += 1

    def finished(self) -> None:
        self.seconds += time.perf_counter() - self._starts.pop()


@contextlib.contextmanager
def _database(uri: str | None) -> Iterator[tuple[Settings, Any]]:
    if uri:
        settings = Settings(neo4j_uri=uri, data_dir=env.DATA_ROOT / "profile")
        driver = GraphDatabase.driver(uri, auth=None)
        try:
            yield settings, driver
        finally:
            driver.close()
        return
    with env.database("real") as db:
        env.ensure_real_data(db)
        yield Settings(neo4j_uri=db.uri, data_dir=env.DATA_ROOT / "profile"), db.driver


async def _run(settings: Settings, bodies: list[dict[str, Any]], requests: int,
               profile: cProfile.Profile | None) -> dict[str, float]:
    driver = open_async_driver(settings)
    timing = _Timing()
    app = create_app(settings, driver=driver)
    encoded = [json.dumps(b).encode() for b in bodies]
    try:
        with watching_statements(timing):
            async with app.router.lifespan_context(app):
                for body in encoded[:5]:  # warm-up: caches, pools
                    answer = json.loads(await floor._post(app, body))
                    if answer.get("errors"):
                        raise SystemExit(f"errors: {answer['errors'][:1]}")
                timing.seconds, timing.queries = 0.0, 0
                if profile is not None:
                    profile.enable()
                started, cpu = time.perf_counter(), time.process_time()
                for i in range(requests):
                    await floor._post(app, encoded[i % len(encoded)])
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                if profile is not None:
                    profile.disable()
    finally:
        await driver.close()
    return {
        "ms": 1000 * wall / requests,
        "cpu_ms": 1000 * cpu / requests,
        "db_ms": 1000 * timing.seconds / requests,
        "queries": timing.queries / requests,
    }


async def _cpu_against_floor(settings: Settings, bodies: list[dict[str, Any]], requests: int,
                             rounds: int = 3) -> tuple[float, float]:
    """Median thread CPU ms per request of ours (through the ASGI app) and of the floor (the
    captured queries of the same bodies on a plain driver), measured alternately."""
    sample = bodies[: min(len(bodies), 50)]
    captured = await floor.capture(settings, sample)
    encoded = [json.dumps(b).encode() for b in sample]
    app = create_app(settings)
    driver = open_async_driver(settings)
    ours: list[float] = []
    replay: list[float] = []
    try:
        async with app.router.lifespan_context(app):
            for body in encoded[:3]:
                await floor._post(app, body)
            for _ in range(rounds):
                started = time.thread_time()
                for i in range(requests):
                    await floor._post(app, encoded[i % len(encoded)])
                ours.append((time.thread_time() - started) / requests)
                started = time.thread_time()
                for i in range(requests):
                    for wave in floor.waves(captured[i % len(captured)]):
                        await asyncio.gather(*(
                            (read_async if routing == "r" else write_async)(
                                driver, settings.neo4j_database, written_by_us(query), **params
                            )
                            for query, params, routing in wave
                        ))
                replay.append((time.thread_time() - started) / requests)
    finally:
        await driver.close()
    return 1000 * statistics.median(ours), 1000 * statistics.median(replay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--uri", default=None)
    parser.add_argument("--workloads", default=",".join(workloads.WORKLOADS))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--floor", action="store_true",
                        help="also the thread CPU time per request of ours and of the floor")
    args = parser.parse_args(argv)
    with _database(args.uri) as (settings, sync_driver):
        loads = workloads.build(sync_driver)
        for name in args.workloads.split(","):
            n = args.requests if name != "resolve_many" else max(5, args.requests // 20)
            profile = cProfile.Profile() if args.cprofile else None
            m = asyncio.run(_run(settings, loads[name].ours, n, profile))
            print(f"{name:<14} {m['ms']:8.2f} ms/request  driver {m['db_ms']:8.2f} ms  "
                  f"Python CPU {m['cpu_ms']:8.2f} ms  queries {m['queries']:.1f}", flush=True)
            if args.floor:
                ours, floor_cpu = asyncio.run(_cpu_against_floor(settings, loads[name].ours, n))
                print(f"{'':<14} thread CPU per request: ours {ours:8.2f} ms  floor {floor_cpu:8.2f} ms"
                      f"  above the driver {ours - floor_cpu:8.2f} ms", flush=True)
            if profile is not None:
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
                    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
