"""``ingest --bulk``: Neo4j's offline importer writes exactly the graph the transactional ingest
writes (the same content hash), into an empty store only, whole or not at all."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import signing_key_from_seed
from pith_graph.ingest.bulk import StoreNotEmpty, bulk_import
from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.store.driver import open_driver
from pith_graph.store.graph_content import graph_content_hash, graph_counts
from pith_graph.store.migrations import applied_version, load_migrations

FIXTURES = Path(__file__).parents[1] / "fixtures"
KEY = signing_key_from_seed("bulk-test-key", bytes(range(3, 35)))
CLOCK = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


class _Collect:
    def __init__(self) -> None:
        self.problems: list[tuple[str, int, str, str]] = []
        self.phases: list[str] = []

    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, *args: object) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...

    def phase(self, name: str, seconds: float, detail: str) -> None:
        self.phases.append(name)

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        self.problems.append((Path(file).name, line, kind, reason))


def _references(tmp: Path) -> Path:
    """unarXive-style references from real hep-th papers: to DOIs of real arxiv-browse records
    (registered: resolved; unknown: a Work), to arXiv ids not registered (Works), and a
    repeated pair whose last row wins."""
    histories = [json.loads(x) for x in gzip.decompress(
        (FIXTURES / "harvest" / "arxiv_abs_histories.jsonl.gz").read_bytes()).decode().splitlines()]
    dois = [h["doi"].split()[0] for h in histories if h.get("doi")][:6]
    papers = [json.loads(x)["id"] for x in gzip.decompress(
        (FIXTURES / "hepth" / "hepth_api_papers.jsonl.gz").read_bytes()).decode().splitlines()]
    rows = []
    for i, citing in enumerate(papers[:12]):
        rows.append({"citing_arxiv_id": citing, "ids": {"doi": dois[i % len(dois)]},
                     "bib_entry_raw": f"ref {i}"})
        rows.append({"citing_arxiv_id": citing, "ids": {"doi": f"10.9999/unknown.{i % 3}"},
                     "bib_entry_raw": None})
        rows.append({"citing_arxiv_id": citing, "ids": {"arxiv_id": "hep-th/9912999"},
                     "bib_entry_raw": "not registered"})
        rows.append({"citing_arxiv_id": citing, "ids": {"arxiv_id": papers[-1]},
                     "bib_entry_raw": f"again {i}"})
    rows.append({"citing_arxiv_id": "hep-th/0101999", "ids": {"doi": dois[0]}})  # not registered
    path = tmp / "references.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _revised(tmp: Path) -> Path:
    """A snapshot line of a registered version with another title (a conflict: the first
    registration keeps its pith number) and one with the same content (unchanged)."""
    first = json.loads(gzip.decompress(
        (FIXTURES / "harvest" / "arxiv_abs_histories.jsonl.gz").read_bytes()).decode().splitlines()[0])
    path = tmp / "revised.jsonl"
    path.write_text(json.dumps({**first, "title": first["title"] + " (revised)"}) + "\n"
                    + json.dumps(first) + "\n")
    return path


def _files(tmp: Path) -> list[tuple[Path, Format]]:
    return [
        (_revised(tmp), Format.ARXIV_METADATA),
        (FIXTURES / "hepth" / "hepth_api_citations.tsv", Format.CITATIONS_TSV),
        (FIXTURES / "hepth" / "hepth_api_papers.jsonl.gz", Format.ARXIV_METADATA),
        (FIXTURES / "harvest" / "arxiv_abs_histories.jsonl.gz", Format.ARXIV_METADATA),
        (_references(tmp), Format.UNARXIVE_REFERENCES),
    ]


def _loaded(neo4j_dir: Path) -> tuple[dict[str, int], tuple[dict[str, int], str], int]:
    with LocalNeo4j(data_dir=neo4j_dir, port=free_port(), heap="768m", page_cache="256m") as s:
        with open_driver(Settings(neo4j_uri=s.uri)) as driver:
            return (graph_counts(driver, "neo4j"), graph_content_hash(driver, "neo4j"),
                    applied_version(driver, "neo4j"))


def test_bulk_import_writes_exactly_the_graph_of_the_transactional_ingest(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    db = settings.neo4j_database
    # The graph of a freshly migrated store, which the registry's first ingest writes into: its
    # one data node is the log integrator's, at size 0 (migration 0080).
    clean_graph.execute_query(
        "MERGE (i:LogIntegration {log_id: 'main'}) ON CREATE SET i.size = 0", database_=db)
    ingest_problems = _Collect()
    stats = Ingestor(clean_graph, db, KEY, ingest_problems, clock=lambda: CLOCK,
                     batch_size=100, edge_batch_size=1000).run(files)
    transactional = graph_content_hash(clean_graph, db)
    counts = graph_counts(clean_graph, db)
    assert counts["works"] > 0 and counts["unresolved"] > 0 and stats.papers_conflicting > 0
    claims, _, _ = clean_graph.execute_query(
        "MATCH (c:SourceClaim)-[:CLAIMS_VERSION_OF]->(:Paper) RETURN count(c) AS n", database_=db)
    assert claims[0]["n"] > 0
    leaves, _, _ = clean_graph.execute_query(
        "MATCH (l:LogEntry {leaf_type: 'citations'}) RETURN min(l.index) AS first, count(l) AS n",
        database_=db)
    assert leaves[0]["n"] > 0 and leaves[0]["first"] == stats.papers_new  # after the receipts

    # interrupted at any point before the swap (here: Ctrl-C once the importer has run): no
    # store, no leftovers, and the next run starts afresh
    class _Interrupt(_Collect):
        def phase(self, name: str, seconds: float, detail: str) -> None:
            if name == "import":
                raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        bulk_import(files, tmp_path / "neo4j", KEY, CLOCK, _Interrupt())
    assert not (tmp_path / "neo4j" / "store").exists()
    assert not (tmp_path / "neo4j.bulk").exists()

    reporter = _Collect()
    report = bulk_import(files, tmp_path / "neo4j", KEY, CLOCK, reporter)
    assert reporter.phases == ["papers", "citations", "nodes", "import", "schema", "swap"]
    assert report.stats == stats
    assert report.counts == counts
    assert sorted(p[:3] for p in reporter.problems) == sorted(
        (Path(f).name, line, kind) for f, line, kind, _ in ingest_problems.problems
    )
    bulk_counts, bulk_hash, version = _loaded(tmp_path / "neo4j")
    assert bulk_counts == counts
    assert version == load_migrations()[-1].version
    assert bulk_hash == transactional
    assert not (tmp_path / "neo4j.bulk").exists()

    # a second bulk load into the now full store is refused before anything is written
    store = tmp_path / "neo4j" / "store"
    before = sorted((p, p.stat().st_size) for p in store.rglob("*") if p.is_file())
    with pytest.raises(StoreNotEmpty, match="holds 3 nodes"):
        bulk_import(files, tmp_path / "neo4j", KEY, CLOCK, _Collect(), check_empty=lambda d: 3)
    assert sorted((p, p.stat().st_size) for p in store.rglob("*") if p.is_file()) == before
    assert not (tmp_path / "neo4j.bulk").exists()


def test_bulk_needs_the_local_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from pith_graph.cli.main import main

    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("PITH_DATA_DIR", str(tmp_path))
    papers = FIXTURES / "hepth" / "hepth_api_papers.jsonl.gz"
    assert main(["ingest", "--bulk", str(papers)]) == 2
    assert "unset NEO4J_URI" in capsys.readouterr().err
