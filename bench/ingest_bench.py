"""Benchmark: ingest the whole shared data set into an empty Neo4j, next to the floor.

    .venv/bin/python bench/ingest_bench.py [--data DIR] [--uri bolt://...]

1. **ingest**: ``Ingestor`` (the code behind ``pith-graph ingest``) on every file of the shared
   data: parse, canonicalise, hash, check what is registered, sign, write in batches.
2. **floor**: the database emptied again, then the *same rows* (papers with their receipts and
   aliases, then the citations) written by a minimal driver loop through the same ``UNWIND``
   statements, with rows built in memory beforehand: no parsing, hashing, signing or lookups
   in the timed part.

Prints papers/s, edges/s and total time of both, and the ratio. Without ``--uri`` a throw-away
local Neo4j (1g heap, 512m page cache) is started in a temporary directory and stopped after.

On a shared machine wall-clock times swing with the neighbours' load, so each phase also reports
the CPU seconds it cost: this Python process (all threads) plus, for a local Neo4j, the server's
JVM (from ``/proc``). The CPU ratio is the steadier comparison; the wall ratio is the target's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from neo4j import Driver

from pith_graph.cli._progress import ConsoleReporter
from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.formats import CitationLine, Format, PaperLine, parse_lines
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store.citation_writer import add_citations
from pith_graph.store.driver import open_driver
from pith_graph.store.graph_content import graph_counts
from pith_graph.store.migrations import apply_migrations
from pith_graph.store.paper_writer import write_papers

sys.path.insert(0, str(Path(__file__).resolve().parent))
import env


def _wipe(driver: Driver, database: str) -> None:
    with driver.session(database=database) as session:
        session.run(
            "MATCH (n) WHERE NOT n:SchemaMigration "
            "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()


class Timer:
    """Wall seconds, and CPU seconds of this process and of the local Neo4j (if any)."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid

    def _server_cpu(self) -> float:
        if self.server_pid is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    def __enter__(self) -> Timer:
        self._wall, self._cpu, self._db = (
            time.perf_counter(), time.process_time(), self._server_cpu()
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self.db_cpu = self._server_cpu() - self._db

    def describe(self) -> str:
        return (f"cpu: python {self.cpu:.1f} s + neo4j {self.db_cpu:.1f} s = "
                f"{self.cpu + self.db_cpu:.1f} s")


def run_ingest(
    driver: Driver, database: str, files: list[tuple[Path, Format]], timer: Timer
) -> IngestStats:
    key = generate_signing_key("bench")
    ingestor = Ingestor(driver, database, key, env.QuietProgress(), clock=lambda: datetime.now(UTC))
    with timer:
        return ingestor.run(files)


def floor_rows(files: list[tuple[Path, Format]]) -> tuple[list[list[dict]], list[list[dict]]]:
    """The rows the ingest writes, built untimed; digests and receipts are placeholders."""
    key = generate_signing_key("floor")
    now = datetime.now(UTC)
    paper_batches: list[list[dict]] = []
    edge_batches: list[list[dict]] = []
    papers: dict[tuple[str, int], object] = {}
    edges: list[dict] = []
    for path, fmt in files:
        for item in parse_lines(fmt, InputFile(path).lines()):
            if isinstance(item, PaperLine):
                papers.setdefault((item.paper.source_id, item.paper.version), prepare(item.paper))
            elif isinstance(item, CitationLine):
                c = item.citation
                edges.append({"citing": c.citing, "kind": c.target_kind.value, "target": c.target,
                              "position": c.position, "raw": c.raw})
    prepared = list(papers.values())
    for i in range(0, len(prepared), 5000):
        paper_batches.append(registration_rows(prepared[i : i + 5000], key, now))  # type: ignore[arg-type]
    for i in range(0, len(edges), 20000):
        edge_batches.append(edges[i : i + 20000])
    return paper_batches, edge_batches


def run_floor(
    driver: Driver,
    database: str,
    paper_batches: list[list[dict]],
    edge_batches: list[list[dict]],
    timer: Timer,
) -> None:
    with timer:
        for rows in paper_batches:
            write_papers(driver, database, rows)
        for rows in edge_batches:
            add_citations(driver, database, rows)


class _Database:
    """A fresh, empty database per phase: a new local Neo4j (or ``--uri``, wiped)."""

    def __init__(self, uri: str | None) -> None:
        self.uri = uri
        self.server: LocalNeo4j | None = None
        self.tmp: tempfile.TemporaryDirectory[str] | None = None

    def timer(self) -> Timer:
        return Timer(self.server.pid if self.server is not None else None)

    def __enter__(self) -> Driver:
        if self.uri is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="pith-bench-ingest-")
            self.server = LocalNeo4j(
                data_dir=Path(self.tmp.name), port=free_port(), heap="1g", page_cache="512m"
            )
            self.server.start()
        settings = Settings(neo4j_uri=self.uri or self.server.uri)  # type: ignore[union-attr]
        self.driver = open_driver(settings)
        apply_migrations(self.driver, DATABASE)
        _wipe(self.driver, DATABASE)
        return self.driver

    def __exit__(self, *exc: object) -> None:
        self.driver.close()
        if self.server is not None:
            self.server.stop()
        if self.tmp is not None:
            self.tmp.cleanup()


DATABASE = "neo4j"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--data", type=Path, help="default: ../shared/data")
    parser.add_argument("--uri", help="an existing, disposable Neo4j (its data is deleted)")
    args = parser.parse_args(argv)
    args.data = args.data or env.shared_data()
    if not args.data.is_dir():
        print(f"no shared data at {args.data}", file=sys.stderr)
        return 2
    files = env.data_files(args.data)
    paper_batches, edge_batches = floor_rows(files)
    n_papers = sum(map(len, paper_batches))
    n_edges = sum(map(len, edge_batches))
    print("floor (same rows, minimal driver loop):", file=sys.stderr)
    with (database := _Database(args.uri)) as driver:
        floor = database.timer()
        run_floor(driver, DATABASE, paper_batches, edge_batches, floor)
        floor_counts = graph_counts(driver, DATABASE)
    del paper_batches, edge_batches
    print("ingest (parse, hash, sign, write):", file=sys.stderr)
    with (database := _Database(args.uri)) as driver:
        ingest = database.timer()
        stats = run_ingest(driver, DATABASE, files, ingest)
        counts = graph_counts(driver, DATABASE)
    ingest_s, floor_s = ingest.wall, floor.wall
    edges = stats.citations_written + stats.citations_unresolved
    print("summary, as `pith-graph ingest` prints it:")
    reporter = ConsoleReporter(out=sys.stdout, tty=False)
    reporter.started = time.monotonic() - ingest.wall  # its "time:" line is the ingest's
    reporter.summary(stats, counts)
    print(f"data: {args.data} ({len(files)} files)")
    print(f"graph after ingest: {counts}")
    print(f"graph after floor:  {floor_counts}")
    print(f"ingest: {ingest_s:6.1f} s  papers {stats.papers_new} ({stats.papers_new / ingest_s:,.0f}/s)"
          f"  edges {edges} ({edges / ingest_s:,.0f}/s)")
    print(f"floor:  {floor_s:6.1f} s  papers {n_papers} ({n_papers / floor_s:,.0f}/s)"
          f"  edge rows {n_edges} ({n_edges / floor_s:,.0f}/s)")
    print(f"ingest {ingest.describe()}")
    print(f"floor  {floor.describe()}")
    print(f"ratio ingest/floor: {ingest_s / floor_s:.2f}x wall (target <= 1.5x), "
          f"{(ingest.cpu + ingest.db_cpu) / max(floor.cpu + floor.db_cpu, 1e-9):.2f}x cpu; "
          f"total {ingest_s:.1f} s (target < 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
