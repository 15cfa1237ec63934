"""What every API benchmark needs: a local Neo4j (with APOC, for the peer) holding the real data.

The store lives in ``bench/.data/<name>`` and is kept between runs: the shared data set is
ingested (with ``Ingestor``, the code behind ``pith-graph ingest``) only into an empty graph.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import Ingestor, IngestStats, order_files
from pith_graph.ingest.reader import InputFile, sniff_format
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.store import graph_content as ingest_store
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import apply_migrations

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA_ROOT = BENCH / ".data"
DATABASE = "neo4j"


def shared_data() -> Path:
    for candidate in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    raise SystemExit("no shared data set (../shared/data or /work/shared/data)")


def data_files(data: Path) -> list[tuple[Path, Format]]:
    files = sorted(p for p in data.rglob("*.gz") if "/source/" not in str(p))
    return order_files([(p, sniff_format(p)) for p in files])


class QuietProgress:
    """Ingest progress for benchmarks: one line per file, nothing per batch."""

    def start_file(self, file: InputFile, fmt: Format) -> None:
        print(f"  ingest {file.path.name} ({fmt})", file=sys.stderr, flush=True)

    def progress(self, file: InputFile, stats: IngestStats) -> None:
        pass

    def end_file(self, file: InputFile, stats: IngestStats) -> None:
        pass

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        pass


def ingest(driver: Driver, files: list[tuple[Path, Format]]) -> tuple[float, IngestStats]:
    key = generate_signing_key("bench")
    ingestor = Ingestor(driver, DATABASE, key, QuietProgress(), clock=lambda: datetime.now(UTC))
    started = time.perf_counter()
    stats = ingestor.run(files)
    return time.perf_counter() - started, stats


@dataclass
class Database:
    server: LocalNeo4j
    driver: Driver
    settings: Settings

    @property
    def uri(self) -> str:
        return self.server.uri


@contextlib.contextmanager
def database(
    name: str, *, heap: str | None = None, page_cache: str | None = None
) -> Iterator[Database]:
    """A local Neo4j with APOC on a free port, migrated; its store kept in ``bench/.data/name``."""
    server = LocalNeo4j(
        data_dir=DATA_ROOT / name,
        port=free_port(),
        heap=heap or os.environ.get("PITH_NEO4J_HEAP", "2g"),
        page_cache=page_cache or os.environ.get("PITH_NEO4J_PAGE_CACHE", "2g"),
        apoc=True,
    )
    with server:
        settings = Settings(neo4j_uri=server.uri, data_dir=DATA_ROOT / name)
        driver = open_driver(settings)
        try:
            apply_migrations(driver, DATABASE)
            yield Database(server, driver, settings)
        finally:
            driver.close()


def ensure_real_data(db: Database) -> dict[str, int]:
    """Ingest the shared data set unless the graph holds it already; the graph's counts."""
    counts = ingest_store.graph_counts(db.driver, DATABASE)
    if counts.get("papers", 0) == 0:
        files = data_files(shared_data())
        seconds, stats = ingest(db.driver, files)
        print(f"  ingested {stats.papers_new} papers in {seconds:.1f} s", file=sys.stderr)
        counts = ingest_store.graph_counts(db.driver, DATABASE)
    return counts
