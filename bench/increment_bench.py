"""Increments through the transactional path: batch sizes of the paper writer, and whether
``CALL { … } IN CONCURRENT TRANSACTIONS`` helps node writes.

    .venv/bin/python bench/increment_bench.py [N] [--files DIR]

N papers (default 20,000) of the synthetic registry of ``bench/scale/`` are parsed, hashed and
signed once, before anything is timed. Then, each time into an emptied graph of a throw-away
local Neo4j (1g heap, 512m page cache):

1. ``writer-B``: :func:`pith_graph.store.paper_writer.write_papers` (the one writer: the
   alias-node lock per arXiv id, the MERGE on the version key, receipts, aliases, version links,
   log leaves, all in one transaction per batch) with batches of B papers;
2. ``unwind``: the same Paper property maps written by one ``UNWIND … CREATE`` per 5,000 rows,
   one transaction each (the floor for node writes);
3. ``concurrent-B``: the same rows in one auto-commit ``CALL (row) { CREATE … } IN CONCURRENT
   TRANSACTIONS OF B ROWS``.

Prints papers/s of each and writes ``bench/results/increment-N.json``. ``IN CONCURRENT
TRANSACTIONS`` runs only in an auto-commit query, so the writer, whose receipts and log entries
must commit together with their papers, could use it only by giving that up; the ``unwind`` vs
``concurrent`` figures say what it would buy.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, LiteralString

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "scale"))

import env
import synth

from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.formats import Format, PaperLine, parse_lines
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import apply_migrations
from pith_graph.store.paper_writer import write_papers

_EMPTY: LiteralString = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""
_UNWIND: LiteralString = "UNWIND $rows AS row CREATE (p:Paper) SET p += row"
_CONCURRENT = (
    "UNWIND $rows AS row CALL (row) {{ CREATE (p:Paper) SET p += row }} "
    "IN CONCURRENT TRANSACTIONS OF {b} ROWS"
)


def _rows(papers: Path, n: int) -> list[dict[str, Any]]:
    lines = list(itertools.islice(
        ((i, text) for i, text in enumerate(papers.open(encoding="utf-8"), 1)), n))
    prepared = [prepare(item.paper) for item in parse_lines(Format.ARXIV_METADATA, lines)
                if isinstance(item, PaperLine)]
    return registration_rows(prepared, generate_signing_key("bench-increment"), datetime.now(UTC))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--files", type=Path)
    args = parser.parse_args(argv)
    files_dir = args.files or env.DATA_ROOT / "scale-files" / "100000"
    if not (files_dir / "papers.jsonl").exists():
        print(synth.generate(100_000, files_dir), file=sys.stderr)
    rows = _rows(files_dir / "papers.jsonl", args.n)
    props = [r["paper"] for r in rows]
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, LocalNeo4j(
        data_dir=Path(tmp), port=free_port(), heap="1g", page_cache="512m"
    ) as server, open_driver(Settings(neo4j_uri=server.uri)) as driver:
        apply_migrations(driver, "neo4j")

        def timed(name: str, run: Any) -> None:
            with driver.session(database="neo4j") as session:
                session.run(_EMPTY).consume()
            t0 = time.monotonic()
            run()
            seconds = time.monotonic() - t0
            results[name] = round(len(rows) / seconds, 1)
            print(f"{name:<16} {seconds:7.1f} s  {results[name]:8,.0f} papers/s", flush=True)

        for batch in (500, 2000, 5000, 20000):
            timed(f"writer-{batch}", lambda b=batch: [
                write_papers(driver, "neo4j", rows[i:i + b], refuse_conflicts=False)
                for i in range(0, len(rows), b)])
        timed("unwind-5000", lambda: [
            driver.execute_query(_UNWIND, rows=props[i:i + 5000], database_="neo4j")
            for i in range(0, len(props), 5000)])
        for batch in (1000, 5000):
            query = _CONCURRENT.format(b=batch)

            def concurrent(q: str = query) -> None:
                with driver.session(database="neo4j") as session:
                    session.run(q, rows=props).consume()  # type: ignore[arg-type]
            timed(f"concurrent-{batch}", concurrent)
    out = Path(__file__).resolve().parent / "results" / f"increment-{args.n}.json"
    out.write_text(json.dumps({
        "papers": len(rows), "papers_per_s": results,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
