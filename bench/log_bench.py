"""Benchmark: tree-head and inclusion-proof latency of the transparency log, before and after tiles.

    .venv/bin/python bench/log_bench.py [--sizes 100000,1000000] [--repeat 5] [--uri bolt://...]

For each size the log is grown to that many leaves (appended through ``store.log.append_leaves``,
then integrated into tiles), and both ways of answering are timed on the same database, in the
same run:

* **before** (the old service): read every leaf hash (one collected list), then hash the whole
  tree for the root (``merkle.root_hash``) or for the root and the audit path
  (``merkle.inclusion_proof``) — O(N);
* **after** (``service.log``): read the O(log N) tiles the answer needs in one query and fold them
  (``signed_tree_head``, ``inclusion_document``), signing included.

Medians of ``--repeat`` runs are printed and written to ``bench/results/log-<stamp>.{md,json}``.
Without ``--uri`` a throw-away local Neo4j (1g heap, 512m page cache) is started and stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver

from pith_graph.config import Settings
from pith_graph.core.log import sign_tree_head
from pith_graph.core.merkle import inclusion_proof, root_hash
from pith_graph.core.signing import generate_signing_key
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.service import log as service
from pith_graph.store import log as store
from pith_graph.store.driver import open_async_driver, open_driver
from pith_graph.store.migrations import apply_migrations

KEY = generate_signing_key("bench", seed=b"\x05" * 32)
ORIGIN = "bench.local/log"
RESULTS = Path(__file__).parent / "results"


async def grow(driver: AsyncDriver, database: str, start: int, end: int) -> float:
    began = time.perf_counter()
    async with driver.session(database=database) as session:
        for low in range(start, end, 20_000):
            leaves = [
                (f"b-{i}", {"leaf_type": "event", "pith_number": f"pith:2026:{i:026d}", "event_id": f"b-{i}"})
                for i in range(low, min(end, low + 20_000))
            ]
            await session.execute_write(store.append_leaves, store.leaf_rows(leaves), "bench")
    await service.integrate(driver, database, KEY, ORIGIN)
    return time.perf_counter() - began


async def old_tree_head(driver: AsyncDriver, database: str) -> dict[str, Any]:
    size = await store.log_size(driver, database)
    hashes = await store.log_leaf_hashes(driver, database, size)
    return sign_tree_head(KEY, size, root_hash(hashes), datetime.now(UTC))


async def old_inclusion(driver: AsyncDriver, database: str, event_id: str) -> dict[str, Any]:
    (entry,) = await store.log_entries_by_ref(driver, database, [event_id])
    assert entry is not None
    size = await store.log_size(driver, database)
    hashes = await store.log_leaf_hashes(driver, database, size)
    path = inclusion_proof(hashes, entry["index"])
    return {"audit_path": [h.hex() for h in path], "signed_tree_head": sign_tree_head(KEY, size, root_hash(hashes), datetime.now(UTC))}


async def timed(repeat: int, fn: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


async def measure(settings: Settings, sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    driver = open_async_driver(settings)
    database = settings.neo4j_database
    rows = []
    try:
        current = await store.log_size(driver, database)
        for size in sizes:
            grow_s = await grow(driver, database, current, size)
            current = size
            probe = f"b-{size // 3}"
            now = datetime.now(UTC)
            before_head, old_doc = await timed(repeat, lambda: old_tree_head(driver, database))
            after_head, new_doc = await timed(
                repeat, lambda: service.signed_tree_head(driver, database, KEY, now, origin=ORIGIN)
            )
            assert old_doc["tree_head"]["root_hash"] == new_doc["tree_head"]["root_hash"]
            before_proof, old_proof = await timed(repeat, lambda: old_inclusion(driver, database, probe))
            after_proof, new_proof = await timed(
                repeat,
                lambda: service.inclusion_document(driver, database, KEY, now, event_id=probe, origin=ORIGIN),
            )
            assert old_proof["audit_path"] == new_proof["audit_path"]
            row = {
                "leaves": size,
                "append_and_integrate_s": round(grow_s, 2),
                "tree_head_before_s": round(before_head, 4),
                "tree_head_after_s": round(after_head, 4),
                "inclusion_before_s": round(before_proof, 4),
                "inclusion_after_s": round(after_proof, 4),
                "tree_head_speedup": round(before_head / after_head, 1),
                "inclusion_speedup": round(before_proof / after_proof, 1),
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    finally:
        await driver.close()
    return rows


def report(rows: list[dict[str, Any]], repeat: int) -> str:
    lines = [
        f"# Log latency, before (all leaf hashes, O(N)) vs after (tiles, O(log N)); median of {repeat}",
        "",
        "| leaves | tree head before | tree head after | speed-up | inclusion before | inclusion after | speed-up |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['leaves']:,} | {r['tree_head_before_s'] * 1000:.0f} ms | {r['tree_head_after_s'] * 1000:.1f} ms "
            f"| {r['tree_head_speedup']}x | {r['inclusion_before_s'] * 1000:.0f} ms "
            f"| {r['inclusion_after_s'] * 1000:.1f} ms | {r['inclusion_speedup']}x |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--uri", help="an existing, disposable Neo4j (its log is appended to)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if args.uri:
            settings = Settings(neo4j_uri=args.uri, data_dir=Path(tmp))
        else:
            server = LocalNeo4j(data_dir=Path(tmp) / "neo4j", port=free_port(), heap="1g", page_cache="512m")
            server.start()
            settings = Settings(neo4j_uri=server.uri, data_dir=Path(tmp))
        try:
            with open_driver(settings) as sync_driver:
                apply_migrations(sync_driver, settings.neo4j_database)
            rows = asyncio.run(measure(settings, sizes, args.repeat))
        finally:
            if server is not None:
                server.stop()
    text = report(rows, args.repeat)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"log-{stamp}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"log-{stamp}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
