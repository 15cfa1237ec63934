"""`pith-graph integrity run` and `pith-graph ingest` running it (or not: --no-integrity)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
PAPERS = FIXTURES / "hepth_slice_papers.jsonl.gz"
CITATIONS = FIXTURES / "hepth_slice_citations.tsv"

FINDINGS = "MATCH (f:IntegrityFinding) RETURN count(f) AS n"
RUNS = "MATCH (r:IntegrityRun) RETURN count(r) AS n"


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.neo4j_uri is not None
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("PITH_DATA_DIR", str(settings.data_dir))


def _n(driver: Driver, settings: Settings, query: str) -> int:
    records, _, _ = driver.execute_query(query, database_=settings.neo4j_database)
    return int(records[0]["n"])


def test_ingest_runs_the_detectors_unless_told_not_to(
    clean_graph: Driver, settings: Settings, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--no-integrity", str(PAPERS), str(CITATIONS)]) == 0
    assert _n(clean_graph, settings, RUNS) == 0
    assert "integrity:" not in capsys.readouterr().out
    assert main(["ingest", str(PAPERS), str(CITATIONS)]) == 0
    out = capsys.readouterr().out
    assert "integrity:" in out and "citation_time_order" in out
    assert _n(clean_graph, settings, RUNS) >= 6


def test_integrity_run_is_incremental_and_reports_as_json(
    clean_graph: Driver, settings: Settings, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--no-integrity", str(PAPERS), str(CITATIONS)]) == 0
    capsys.readouterr()
    assert main(["integrity", "run", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["subjects"] == 50 and set(first["full"]) == set(first["detectors"])
    assert main(["integrity", "run", "--json", "--detector", "citation_time_order"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["detectors"] == ["citation_time_order"] and again["subjects"] == 0
    assert again["emitted"] == {} and again["rescinded"] == {}


def test_integrity_run_usage_errors(
    clean_graph: Driver, env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["integrity", "run", "--detector", "no_such_detector"]) == 2
    assert "unknown detector" in capsys.readouterr().err
    assert main(["integrity", "run", "--retractions", str(tmp_path / "missing.csv")]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["integrity", "run", "--retractions", str(bad)]) == 2


def test_harvest_runs_the_detectors_on_what_it_wrote_unless_told_not_to(
    clean_graph: Driver, settings: Settings, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    from ingest.harvest.oai_server import OaiServer, served

    histories = Path(__file__).parents[1] / "fixtures" / "harvest" / "arxiv_abs_histories.jsonl.gz"
    records = [json.loads(x) for x in gzip.decompress(histories.read_bytes()).decode().splitlines()]
    dirty = "MATCH (p:Paper) WHERE p.integrity_dirty IS NOT NULL RETURN count(p) AS n"
    with OaiServer([served(records[0], "2024-01-01")]) as server:
        harvest = ["harvest", "arxiv", "--endpoint", server.url, "--delay", "0", "--from",
                   "2024-01-01"]
        assert main([*harvest, "--no-integrity"]) == 0
        assert "integrity:" not in capsys.readouterr().out
        assert _n(clean_graph, settings, RUNS) == 0 and _n(clean_graph, settings, dirty) > 0
    with OaiServer([served(records[1], "2024-01-02")]) as server:
        harvest[3] = server.url
        assert main(harvest) == 0
        out = capsys.readouterr().out
    assert "integrity:" in out and "citation_time_order" in out
    assert _n(clean_graph, settings, RUNS) >= 6 and _n(clean_graph, settings, dirty) == 0
    # nothing new harvested: no detector run
    with OaiServer([served(records[1], "2024-01-02")]) as server:
        harvest[3] = server.url
        assert main(harvest) == 0
        assert "integrity:" not in capsys.readouterr().out
