"""Harvesting into the real Neo4j: pages, faults, versions, deletions, resumption, equality with
``ingest`` of the same records."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import signing_key_from_seed
from pith_graph.ingest.formats import Format
from pith_graph.ingest.harvest.client import PoliteSickle, user_agent
from pith_graph.ingest.harvest.harvester import HarvestBusy, Harvester, HarvestRequest, HarvestStats
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.store import harvest_state
from pith_graph.store.graph_content import graph_content_hash

from .oai_server import OaiServer, deleted, served

FIXTURES = Path(__file__).parents[2] / "fixtures" / "harvest"
SEED = bytes(range(7, 39))
KEY = signing_key_from_seed("harvest-test-key", SEED)
CLOCK = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OBJS = [json.loads(x) for x in gzip.decompress(
    (FIXTURES / "arxiv_abs_histories.jsonl.gz").read_bytes()).decode().splitlines()]


def _days() -> list[tuple[str, dict[str, Any]]]:
    """Each paper's records on consecutive days, oldest version first (as arXiv announced them)."""
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in OBJS:
        by_id[obj["id"]].append(obj)
    out = []
    for records in by_id.values():
        records.sort(key=lambda o: len(o["versions"]))
        for day, obj in enumerate(records, 1):
            out.append((f"2024-01-{day:02d}", obj))
    out.sort(key=lambda pair: pair[0])  # stable: file order within a day
    return out


DAYS = _days()
LAST_DAY = f"2024-01-{len({day for day, _ in DAYS}) + 1:02d}"  # the deletion's day
ONE_DELETED = OBJS[-1]["id"]  # a single-version paper, deleted upstream on the last day


def _records() -> list[Any]:
    rows = [served(obj, day, ["physics"]) for day, obj in DAYS]
    return rows + [deleted(ONE_DELETED, LAST_DAY)]


class _Collect:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str, str]] = []
        self.notes: list[str] = []
        self.pages: list[int] = []

    def page(self, number: int, stats: HarvestStats) -> None:
        self.pages.append(number)

    def problem(self, identifier: str, kind: str, reason: str) -> None:
        self.problems.append((identifier, kind, reason))

    def note(self, message: str) -> None:
        self.notes.append(message)



class _Quiet:
    """The ingest's reporter, for the comparison run."""

    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...
    def problem(self, file: Path, line: int, kind: str, reason: str) -> None: ...


def _harvest(driver: Driver, db: str, url: str, **request: Any) -> tuple[HarvestStats, _Collect]:
    reporter = _Collect()
    client = PoliteSickle(url, agent=user_agent("http://test"), delay=0, backoff=0.01,
                          max_retries=3)
    stats = Harvester(driver, db, KEY, reporter, client, clock=lambda: CLOCK).run(
        HarvestRequest(endpoint=url, **request)
    )
    return stats, reporter


def _content_without_state(driver: Driver, db: str) -> tuple[dict[str, int], str]:
    driver.execute_query("MATCH (h:HarvestState) DETACH DELETE h", database_=db)
    return graph_content_hash(driver, db)


def _wipe(driver: Driver, db: str) -> None:
    driver.execute_query("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n", database_=db)


def _ingested(driver: Driver, db: str, tmp_path: Path) -> tuple[dict[str, int], str]:
    _wipe(driver, db)
    lines = tmp_path / "same-records.jsonl"
    lines.write_text("".join(json.dumps(obj) + "\n" for _, obj in DAYS))
    Ingestor(driver, db, KEY, _Quiet(), clock=lambda: CLOCK).run(
        [(lines, Format.ARXIV_METADATA)]
    )
    return graph_content_hash(driver, db)


def test_a_harvest_over_pages_and_faults_registers_exactly_what_ingest_does(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    faults = {1: [("503", 1)], 2: [("malformed",)]}
    with OaiServer(_records(), page_size=10, faults=faults) as server:
        stats, reporter = _harvest(clean_graph, db, server.url)
    assert stats.pages == 12 and stats.records == len(DAYS) + 1
    assert stats.deleted == 1
    assert any(kind == "deleted" and ident.endswith(ONE_DELETED)
               for ident, kind, _ in reporter.problems)
    assert any("HTTP 503" in n for n in reporter.notes)
    assert any("malformed page" in n for n in reporter.notes)
    assert stats.last_datestamp == LAST_DAY
    # every version of every paper: a new version got its own pith number and is the latest
    versions = {(o["id"], len(o["versions"])) for _, o in DAYS}
    rows, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper) RETURN p.source_id AS id, p.version AS v, p.is_latest AS latest",
        database_=db,
    )
    assert {(r["id"], r["v"]) for r in rows} == versions
    newest = {i: max(v for j, v in versions if j == i) for i, _ in versions}
    assert {(r["id"], r["v"]) for r in rows if r["latest"]} == set(newest.items())
    # the deleted paper stays registered
    assert any(r["id"] == ONE_DELETED for r in rows)
    assert stats.papers.papers_new == len(rows)

    harvested = _content_without_state(clean_graph, db)
    assert _ingested(clean_graph, db, tmp_path) == harvested


def test_the_next_run_starts_at_the_last_datestamp_and_changes_nothing(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    with OaiServer(_records(), page_size=25) as server:
        first, _ = _harvest(clean_graph, db, server.url)
        before = graph_content_hash(clean_graph, db)
        again, _ = _harvest(clean_graph, db, server.url)
        assert server.requests[-1]["params"]["from"] == LAST_DAY
        # an explicit --from re-reads everything after it: all unchanged
        third, _ = _harvest(clean_graph, db, server.url, from_="2024-01-02")
    assert first.papers.papers_new > 0 and first.from_ is None
    assert again.from_ == LAST_DAY and again.papers.papers_new == 0
    assert third.papers.papers_new == 0 and third.papers.papers_unchanged > 0
    assert graph_content_hash(clean_graph, db) == before
    state = harvest_state.read_state(clean_graph, db, "arxiv")
    assert state is not None and state["last_datestamp"] == LAST_DAY
    assert "resumption_token" not in state and "lease_owner" not in state


def test_a_harvest_of_a_set_keeps_its_own_state(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    with OaiServer(_records(), page_size=50) as server:
        stats, _ = _harvest(clean_graph, db, server.url, set_spec="physics", until="2024-01-01")
        assert server.requests[0]["params"] == {
            "verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "physics",
            "until": "2024-01-01",
        }
    assert stats.records == sum(1 for day, _ in DAYS if day == "2024-01-01")
    assert harvest_state.read_state(clean_graph, db, "arxiv:physics")["last_datestamp"] == "2024-01-01"
    assert harvest_state.read_state(clean_graph, db, "arxiv") is None


def test_two_harvests_of_one_source_at_once_are_refused(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    assert harvest_state.claim_lease(
        clean_graph, db, "arxiv", "elsewhere:1:abcd", now="2026-12-07T12:00:00.000000Z",
        lease_until="2026-12-07T12:15:00.000000Z",
    )
    with OaiServer(_records()) as server, pytest.raises(HarvestBusy, match="elsewhere"):
        _harvest(clean_graph, db, server.url)
    assert server.requests == []


def test_the_recorded_arxiv_responses_harvest_in_the_arxiv_format(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    recorded = FIXTURES / "recorded"
    static = {
        None: (recorded / "sample_arxiv_record.xml").read_bytes(),
        "physics:hep-th": (recorded / "arxiv-physics-hep-th.xml").read_bytes(),
    }
    with OaiServer(static=static) as server:
        stats, _reporter = _harvest(clean_graph, db, server.url, metadata_prefix="arXiv")
        revised, _ = _harvest(clean_graph, db, server.url, metadata_prefix="arXiv",
                              set_spec="physics:hep-th")
    assert stats.records == 12 and stats.papers.papers_new == 12
    assert stats.last_datestamp == "2018-08-16"
    assert revised.records == 3 and revised.papers.papers_new == 0
    assert sum(revised.papers.skipped.values()) == 3
    rows, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper {source_id: '1601.03238'}) RETURN p.version AS v, p.submitted_at AS t",
        database_=db,
    )
    assert [(r["v"], r["t"]) for r in rows] == [(1, "2016-01-13T00:00:00Z")]


def _cli_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PITH_", "NEO4J_"))}
    env.update(
        NEO4J_URI=settings.neo4j_uri or "",
        PITH_DATA_DIR=str(data_dir),
        PITH_SIGNING_KEY=SEED.hex(),
        PITH_SIGNING_KEY_ID="harvest-test-key",
        PITH_HARVEST_DELAY="0",
    )
    if settings.neo4j_password:
        env.update(NEO4J_USER=settings.neo4j_user, NEO4J_PASSWORD=settings.neo4j_password)
    return env


@pytest.mark.parametrize("killed_at_page", [0, 5])
def test_a_harvest_killed_mid_run_and_run_again_ends_equal_to_a_clean_run(
    clean_graph: Driver, settings: Settings, tmp_path: Path, killed_at_page: int
) -> None:
    db = settings.neo4j_database
    with OaiServer(_records(), page_size=10) as server:
        _harvest(clean_graph, db, server.url)
    clean = _content_without_state(clean_graph, db)

    _wipe(clean_graph, db)
    command = [sys.executable, "-c", "from pith_graph.cli.main import run; run()",
               "harvest", "arxiv", "--backoff", "0", "--no-integrity"]
    env = _cli_env(settings, tmp_path / "data")
    with OaiServer(_records(), page_size=10, faults={killed_at_page: [("block",)]}) as server:
        child = subprocess.Popen([*command, "--endpoint", server.url], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.blocked.wait(120), child.stderr.read() if child.stderr else ""
            child.send_signal(signal.SIGKILL)
            child.wait(30)
        finally:
            if child.poll() is None:
                child.kill()
            child.communicate()
        server.release.set()
        state = harvest_state.read_state(clean_graph, db, "arxiv")
        assert state is not None and state["run_pages"] == killed_at_page
        assert bool(state.get("resumption_token")) == (killed_at_page > 0)
        # the killed run's lease belongs to a dead process of this host: taken over
        again = subprocess.run([*command, "--endpoint", server.url], env=env,
                               capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "resuming the run" in again.stderr
    assert ("resumptionToken" in server.requests[-1]["params"]) == (killed_at_page < 11)
    assert _content_without_state(clean_graph, db) == clean
