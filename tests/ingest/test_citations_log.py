"""File ingest logs the citations it writes: one ``citations`` leaf per citing paper whose outgoing
citations changed, after all its batches, in the input order of the citing papers; the log does
not depend on the batch sizes, and a re-run appends nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.log import citations_leaf
from pith_graph.core.signing import signing_key_from_seed
from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.store.citation_writer import OUTGOING_CITATIONS
from pith_graph.store.graph_content import graph_content_hash

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
PAPERS = (FIXTURES / "hepth_slice_papers.jsonl.gz", Format.ARXIV_METADATA)
CITATIONS = (FIXTURES / "hepth_slice_citations.tsv", Format.CITATIONS_TSV)
KEY = signing_key_from_seed("citations-log-key", bytes(range(5, 37)))
CLOCK = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
DELETE_ALL = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"
LOG = "MATCH (l:LogEntry) RETURN l.index AS i, l.leaf_type AS type, l.leaf_json AS leaf ORDER BY i"
CITED_NOW = "MATCH (p:Paper {pith_number: $pith}) RETURN " + OUTGOING_CITATIONS + " AS citations"


class _Quiet:
    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...
    def problem(self, file: Path, line: int, kind: str, reason: str) -> None: ...


def _ingest(driver: Driver, db: str, files: list[tuple[Path, Format]], **sizes: int) -> IngestStats:
    return Ingestor(driver, db, KEY, _Quiet(), clock=lambda: CLOCK, **sizes).run(files)


def _log(driver: Driver) -> list[dict[str, Any]]:
    return [{**r, "leaf": json.loads(r["leaf"])} for r in driver.execute_query(LOG).records]


def _citing_in_order(driver: Driver, path: Path) -> list[str]:
    """The registered citing papers' pith numbers, in the order the file first names them."""
    sids = list(dict.fromkeys(line.split("\t")[0] for line in path.read_text().splitlines()[1:]))
    records = driver.execute_query(
        "UNWIND $sids AS sid MATCH (p:Paper {source_id: sid, is_latest: true}) "
        "RETURN sid, p.pith_number AS pith", sids=sids).records
    pith = {r["sid"]: r["pith"] for r in records}
    return [pith[s] for s in sids if s in pith]


def test_file_ingest_logs_each_changed_citing_paper_once_whatever_the_batches(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    stats = _ingest(clean_graph, db, [CITATIONS, PAPERS], batch_size=7, edge_batch_size=5)
    log = _log(clean_graph)
    receipts = [e for e in log if e["type"] == "receipt"]
    leaves = [e for e in log if e["type"] == "citations"]
    assert len(receipts) == stats.papers_new and stats.citations_written > 0
    # after every receipt, one per citing paper, in input order, recording the paper's list
    assert [e["i"] for e in leaves] == list(range(len(receipts), len(log)))
    citing = _citing_in_order(clean_graph, CITATIONS[0])
    assert [e["leaf"]["pith_number"] for e in leaves] == citing
    for e in leaves:
        pith = e["leaf"]["pith_number"]
        (now,) = clean_graph.execute_query(CITED_NOW, pith=pith).records
        assert e["leaf"] == citations_leaf(pith, now["citations"])
    content = graph_content_hash(clean_graph, db)

    _ingest(clean_graph, db, [PAPERS, CITATIONS], batch_size=7, edge_batch_size=5)
    assert _log(clean_graph) == log  # a re-run appends nothing

    # later citations among papers already held: a new leaf for the papers whose list changed
    first, second = citing[0], citing[1]
    sids = {r["pith"]: r["sid"] for r in clean_graph.execute_query(
        "MATCH (p:Paper) WHERE p.pith_number IN $p RETURN p.pith_number AS pith, p.source_id AS sid",
        p=[first, second]).records}
    more = tmp_path / "more.tsv"
    more.write_text("citing_arxiv_id\tcited_arxiv_id\n"
                    f"{sids[second]}\t{sids[first]}\n{sids[second]}\thep-th/9912999\n"
                    f"{sids[first]}\thep-th/9802150\n")  # first already cites it: unchanged
    _ingest(clean_graph, db, [(more, Format.CITATIONS_TSV)], edge_batch_size=1)
    added = _log(clean_graph)[len(log):]
    assert [(e["type"], e["leaf"]["pith_number"]) for e in added] == [("citations", second)]

    # the same inputs in other batch sizes write the same graph, log included
    clean_graph.execute_query(DELETE_ALL)
    _ingest(clean_graph, db, [PAPERS, CITATIONS], batch_size=1000, edge_batch_size=1000)
    assert graph_content_hash(clean_graph, db) == content
