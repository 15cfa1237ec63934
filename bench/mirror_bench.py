"""Benchmark: sync the shared hep-th data set from an origin registry to an empty mirror.

    nice -n 10 .venv/bin/python bench/mirror_bench.py [--data DIR] [--limit N]

Two throw-away local Neo4js (768m heap, 256m page cache each). The origin's graph is filled by
``Ingestor`` (the code behind ``pith-graph ingest``, signing with the origin's own key), then
``pith-graph serve`` serves it and integrates its log; the timed part is one
``pith-graph mirror follow URL`` into the empty mirror, as a user runs it (its own process):
checkpoint, tiles, entry bundles, every bundle fetched, verified and imported. After it the
papers, aliases, citations and events of both graphs are counted (and must be equal).
``--limit N`` ingests the first N lines of the papers files (all the citation files: rows whose
citing paper is not registered are skipped, cited papers not registered become works).
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pith_graph import keystore
from pith_graph.config import Settings
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import apply_migrations

sys.path.insert(0, str(Path(__file__).resolve().parent))
import env

CLI = str(Path(sys.executable).with_name("pith-graph"))
COUNTS = """
CALL { MATCH (p:Paper) RETURN count(p) AS papers }
CALL { MATCH (a:Alias) RETURN count(a) AS aliases }
CALL { MATCH (:Paper)-[c:CITES]->() RETURN count(c) AS citations }
CALL { MATCH (e:Event) RETURN count(e) AS events }
RETURN papers, aliases, citations, events
"""


def _env(uri: str, data_dir: Path, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PITH_", "NEO4J_"))}
    return {**out, "NEO4J_URI": uri, "PITH_DATA_DIR": str(data_dir), "PITH_AUTH": "off", **extra}


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def _limited(files: list[tuple[Path, Any]], limit: int, tmp: Path) -> list[tuple[Path, Any]]:
    """``files`` with only the first ``limit`` lines of the papers files (in their order)."""
    out, left = [], limit
    for path, fmt in files:
        if not fmt.has_papers:
            out.append((path, fmt))
            continue
        if left <= 0:
            continue
        target = tmp / f"first-{limit}-{path.name.removesuffix('.gz')}"
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as source, target.open("w", encoding="utf-8") as sink:
            for line in source:
                if left <= 0:
                    break
                sink.write(line)
                left -= bool(line.strip())
        out.append((target, fmt))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="default: the shared hep-th set")
    parser.add_argument("--limit", type=int, help="ingest only the first N papers at the origin")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error("--limit is at least 1")
    data = args.data or env.shared_data() / "hepth"
    with tempfile.TemporaryDirectory(prefix="mirror-bench-") as tmp:
        root = Path(tmp)
        servers = [
            LocalNeo4j(data_dir=root / f"neo4j-{n}", port=free_port(), heap="768m", page_cache="256m")
            for n in ("origin", "mirror")
        ]
        for server in servers:
            server.start()
        try:
            origin_dir, mirror_dir = root / "origin", root / "mirror"
            keystore.generate_key(origin_dir)
            settings = Settings(neo4j_uri=servers[0].uri, data_dir=origin_dir)
            with open_driver(settings) as driver:
                apply_migrations(driver, "neo4j")
                began = time.perf_counter()
                ingestor = env.Ingestor(
                    driver, "neo4j", keystore.load_signing_key(origin_dir), env.QuietProgress(),
                    clock=lambda: datetime.now(UTC),
                )  # fmt: skip
                files = env.data_files(data)
                if args.limit is not None:
                    files = _limited(files, args.limit, root)
                stats = ingestor.run(files)
                print(f"origin: ingested {stats.papers_new} papers in {time.perf_counter() - began:.1f} s", flush=True)
                origin_counts = dict(driver.execute_query(COUNTS).records[0])
                # receipts, then the citations leaves of the citing papers
                logged = driver.execute_query(
                    "OPTIONAL MATCH (h:LogHead {log_id: 'main'}) RETURN coalesce(h.size, 0) AS n"
                ).records[0]["n"]
            with open_driver(Settings(neo4j_uri=servers[1].uri, data_dir=mirror_dir)) as driver:
                apply_migrations(driver, "neo4j")
            port = free_port()
            serve = subprocess.Popen(
                [CLI, "serve"],
                env=_env(servers[0].uri, origin_dir, PITH_PORT=str(port), PITH_RATE_LIMIT="off"),
            )
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 1800
                while True:
                    try:
                        if int(_get(f"{url}/log/checkpoint").split("\n")[1]) >= logged:
                            break
                    except OSError:
                        pass
                    if time.monotonic() > deadline or serve.poll() is not None:
                        raise SystemExit("the origin did not integrate its log")
                    time.sleep(1)
                size = int(_get(f"{url}/log/checkpoint").split("\n")[1])
                began = time.perf_counter()
                subprocess.run([CLI, "mirror", "follow", url], env=_env(servers[1].uri, mirror_dir), check=True)
                seconds = time.perf_counter() - began
            finally:
                serve.terminate()
                serve.wait(60)
            with open_driver(Settings(neo4j_uri=servers[1].uri, data_dir=mirror_dir)) as driver:
                mirror_counts = dict(driver.execute_query(COUNTS).records[0])
            print(f"log size {size}; origin {origin_counts}; mirror {mirror_counts}")
            print(
                f"mirror follow: {seconds:.1f} s for {origin_counts['papers']} papers "
                f"({origin_counts['papers'] / seconds:.0f} papers/s); equal: {origin_counts == mirror_counts}"
            )
        finally:
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
