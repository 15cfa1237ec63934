"""`pith-graph ingest` against the real Neo4j: counts, idempotence, resume after kill -9,
unresolved references, malformed lines, --strict, and plain progress output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.store.graph_content import graph_content_hash, graph_counts

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
PAPERS = FIXTURES / "hepth_slice_papers.jsonl.gz"  # 50 hep-th papers, 35 with several versions
CITATIONS = FIXTURES / "hepth_slice_citations.tsv"  # 86 edges among 60 papers (10 not in PAPERS)
MALFORMED = FIXTURES / "malformed_papers.jsonl"  # lines 2 and 3 are malformed


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    assert settings.neo4j_uri is not None
    values = {"NEO4J_URI": settings.neo4j_uri, "PITH_DATA_DIR": str(settings.data_dir)}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _counts(driver: Driver, settings: Settings) -> dict[str, int]:
    return graph_counts(driver, settings.neo4j_database)


def test_ingest_registers_papers_and_edges_with_unresolved_references(
    clean_graph: Driver, settings: Settings, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(CITATIONS), str(PAPERS)]) == 0  # papers go first anyway
    counts = _counts(clean_graph, settings)
    # 10 edges start at papers that are not in the slice (skipped), edges to the 10 missing
    # papers wait as unresolved references.
    assert counts["papers"] == 50
    assert counts["citations"] + counts["unresolved"] == 76
    assert counts["unresolved"] > 0
    out = capsys.readouterr()
    assert "papers:     50 new" in out.out
    assert "10 x citing paper is not registered" in out.out
    records, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper {is_latest: true}) RETURN count(p) AS n, "
        "count { MATCH (:Paper)-[:SUPERSEDES]->(:Paper) } AS s"
    )
    assert records[0]["n"] == 50


def test_second_run_changes_nothing(
    clean_graph: Driver, settings: Settings, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(PAPERS), str(CITATIONS)]) == 0
    before = graph_content_hash(clean_graph, settings.neo4j_database)
    capsys.readouterr()
    assert main(["ingest", str(PAPERS), str(CITATIONS)]) == 0
    assert graph_content_hash(clean_graph, settings.neo4j_database) == before
    assert "papers:     0 new, 50 unchanged" in capsys.readouterr().out


def test_unresolved_reference_resolves_when_the_paper_arrives(
    clean_graph: Driver, settings: Settings, env: dict[str, str], tmp_path: Path
) -> None:
    citing = tmp_path / "a.jsonl"
    cited = tmp_path / "b.jsonl"
    lines = PAPERS.read_bytes()
    import gzip

    rows = gzip.decompress(lines).decode().splitlines()
    citing.write_text(rows[0] + "\n")
    cited.write_text(rows[1] + "\n")
    import json

    a, b = json.loads(rows[0])["id"], json.loads(rows[1])["id"]
    edges = tmp_path / "edges.tsv"
    edges.write_text(f"{a}\t{b}\n")
    assert main(["ingest", str(citing), str(edges)]) == 0
    assert _counts(clean_graph, settings) | {} == {
        "papers": 1, "citations": 0, "unresolved": 1, "works": 1
    }
    assert main(["ingest", str(cited)]) == 0
    assert _counts(clean_graph, settings) == {"papers": 2, "citations": 1, "unresolved": 0, "works": 0}
    records, _, _ = clean_graph.execute_query(
        "MATCH (x:Paper {source_id: $a})-[:CITES]->(y:Paper {source_id: $b}) RETURN count(*) AS n",
        a=a,
        b=b,
    )
    assert records[0]["n"] == 1


def test_malformed_lines_are_reported_with_file_and_line_and_skipped(
    clean_graph: Driver, settings: Settings, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(MALFORMED)]) == 1
    err = capsys.readouterr().err
    assert f"{MALFORMED}:2: malformed: invalid metadata field 'versions'" in err
    assert f"{MALFORMED}:3: malformed: not valid JSON" in err
    assert _counts(clean_graph, settings)["papers"] == 2


def test_strict_stops_at_the_first_malformed_line(
    clean_graph: Driver, settings: Settings, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--strict", str(MALFORMED)]) == 3
    err = capsys.readouterr().err
    assert f"stopped at {MALFORMED}:2:" in err
    assert f"{MALFORMED}:3:" not in err


def test_unknown_format_is_a_usage_error(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text("hello world\n")
    assert main(["ingest", str(odd)]) == 2
    assert "name it with --format" in capsys.readouterr().err


def test_progress_is_plain_lines_when_not_a_terminal(
    clean_graph: Driver, settings: Settings, env: dict[str, str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pith_graph.cli", "ingest", "--progress-interval", "0",
         "--batch-size", "10", str(PAPERS)],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ingest: hepth_slice_papers.jsonl.gz" in result.stderr
    assert "%" in result.stderr and "papers" in result.stderr and "eta" in result.stderr
    assert "\x1b[" not in result.stderr  # no terminal control codes
    assert "papers:     50 new" in result.stdout


def _edges(counts: dict[str, int]) -> int:
    return counts["citations"] + counts["unresolved"]


@pytest.mark.parametrize(
    ("phase", "batches", "started", "unfinished"),
    [
        # killed while papers are written (batches of 5 papers)
        ("papers", ["--batch-size", "5", "--edge-batch-size", "5"],
         lambda c: c["papers"] >= 20, lambda c: c["papers"] < 50),
        # killed while citations are written (one edge per transaction)
        ("citations", ["--batch-size", "50", "--edge-batch-size", "1"],
         lambda c: _edges(c) >= 10, lambda c: _edges(c) < 76),
    ],
)
def test_kill_9_then_rerun_gives_the_graph_of_a_clean_run(
    clean_graph: Driver,
    settings: Settings,
    env: dict[str, str],
    phase: str,
    batches: list[str],
    started: Callable[[dict[str, int]], bool],
    unfinished: Callable[[dict[str, int]], bool],
) -> None:
    command = [sys.executable, "-m", "pith_graph.cli", "ingest", *batches, str(PAPERS),
               str(CITATIONS)]
    run_env = {**os.environ, **env}
    assert subprocess.run(command, env=run_env, capture_output=True, timeout=120).returncode == 0
    clean = graph_content_hash(clean_graph, settings.neo4j_database)

    with clean_graph.session(database=settings.neo4j_database) as session:
        session.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume()
    process = subprocess.Popen(command, env=run_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not started(_counts(clean_graph, settings)) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert unfinished(_counts(clean_graph, settings)), f"the run finished before the kill ({phase})"
    assert subprocess.run(command, env=run_env, capture_output=True, timeout=120).returncode == 0
    assert graph_content_hash(clean_graph, settings.neo4j_database) == clean


def test_progress_is_a_rich_bar_with_rate_and_eta_on_a_terminal(
    clean_graph: Driver, settings: Settings, env: dict[str, str]
) -> None:
    import pty

    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pith_graph.cli", "ingest", "--batch-size", "10", str(PAPERS)],
            stdout=subprocess.PIPE, stderr=secondary, env={**os.environ, **env, "COLUMNS": "160"},
        )
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(primary)
        if secondary != -1:
            os.close(secondary)
    assert process.returncode == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in screen  # a live display, redrawn in place
    assert "━" in screen  # rich's bar
    assert "hepth_slice_papers.jsonl.gz" in screen
    assert "/s)" in screen and "ETA" in screen  # rates and the time remaining
    assert "100%" in screen
    assert b"papers:     50 new" in stdout


def test_reference_by_doi_resolves_when_a_paper_with_that_doi_arrives(
    clean_graph: Driver, settings: Settings, env: dict[str, str], tmp_path: Path
) -> None:
    import gzip
    import json

    rows = [json.loads(r) for r in gzip.decompress(PAPERS.read_bytes()).decode().splitlines()]
    citing, cited = rows[0], {**rows[1], "doi": "10.1000/Example.DOI"}
    (tmp_path / "a.jsonl").write_text(json.dumps(citing) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps(cited) + "\n")
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({
        "citing_arxiv_id": citing["id"], "bib_key": "k1",
        "ids": {"doi": "https://doi.org/10.1000/example.doi", "arxiv_id": ""},
        "bib_entry_raw": "B. Author, Example (2000).",
    }) + "\n")
    assert main(["ingest", str(tmp_path / "a.jsonl"), str(refs)]) == 0
    assert _counts(clean_graph, settings) == {
        "papers": 1, "citations": 0, "unresolved": 1, "works": 1
    }
    assert main(["ingest", str(tmp_path / "b.jsonl")]) == 0
    assert _counts(clean_graph, settings) == {
        "papers": 2, "citations": 1, "unresolved": 0, "works": 0
    }
    records, _, _ = clean_graph.execute_query(
        "MATCH (:Paper {source_id: $a})-[r:CITES]->(:Paper {source_id: $b}) "
        "RETURN r.raw AS raw, r.position AS position",
        a=citing["id"], b=cited["id"],
    )
    assert [dict(r) for r in records] == [{"raw": "B. Author, Example (2000).", "position": 1}]
