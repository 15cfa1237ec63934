"""Bulk ingest and ``registerPaper`` are one registration path: the same papers give the same graph.

Same key, same clock: the service (:func:`register_papers`, what the ``registerPaper`` mutation
calls) and the :class:`Ingestor` must leave byte-for-byte the same content (papers, receipts with
their signatures, aliases, version links, transparency-log leaves).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import signing_key_from_seed
from pith_graph.ingest.formats import Format
from pith_graph.ingest.formats.arxiv_metadata import parse_arxiv_metadata_object
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.service.registration import register_papers
from pith_graph.store.graph_content import graph_content_hash

PAPERS = Path(__file__).parents[1] / "fixtures" / "ingest" / "hepth_slice_papers.jsonl.gz"
KEY = signing_key_from_seed("same-path-key", bytes(range(1, 33)))
CLOCK = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class _Collect:
    def __init__(self) -> None:
        self.problems: list[tuple[int, str, str]] = []

    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        self.problems.append((line, kind, reason))


def _service_input(obj: dict[str, Any]) -> dict[str, Any]:
    """A snapshot line as the ``registerPaper`` input (``source {kind, id, version}``, …)."""
    meta, _ = parse_arxiv_metadata_object(obj)
    raw = asdict(meta)
    raw["source"] = {"kind": raw.pop("source_kind"), "id": raw.pop("source_id"),
                     "version": raw.pop("version")}
    raw["cross_cats"] = list(raw["cross_cats"])
    raw["authors"] = list(raw["authors"])
    return raw


def _wipe(driver: Driver, database: str) -> None:
    driver.execute_query(
        "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n", database_=database
    )


def test_ingest_and_register_paper_leave_the_same_graph(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    lines = gzip.decompress(PAPERS.read_bytes()).decode("utf-8").splitlines()
    raws = [_service_input(json.loads(line)) for line in lines]

    piths = register_papers(clean_graph, db, KEY, raws, lambda: CLOCK)
    by_service = graph_content_hash(clean_graph, db)

    _wipe(clean_graph, db)
    reporter = _Collect()
    stats = Ingestor(clean_graph, db, KEY, reporter, clock=lambda: CLOCK, batch_size=7).run(
        [(PAPERS, Format.ARXIV_METADATA)]
    )
    assert stats.papers_new == len(set(piths)) == 50
    assert [p for p in reporter.problems if p[1] != "warning"] == []
    assert graph_content_hash(clean_graph, db) == by_service

    # and each path sees the other's papers as registered: nothing new is written
    assert register_papers(clean_graph, db, KEY, raws, lambda: CLOCK) == piths
    assert graph_content_hash(clean_graph, db) == by_service
