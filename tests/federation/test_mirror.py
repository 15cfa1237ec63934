"""A mirror follows an origin registry (each on its own Neo4j): same papers, receipts and events,
resumes after a kill -9, stops on a rewritten history without importing from it."""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conformance.test_tlog_go import http_get
from events_support import arun, payload_for, signed
from live_server import live_server
from neo4j import AsyncDriver, Driver
from starlette.testclient import TestClient

from pith_graph import keystore
from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.core.metadata import parse_metadata
from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.service import events as event_service
from pith_graph.service import mirror
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store.citation_writer import add_citations
from pith_graph.store.driver import open_driver
from pith_graph.store.paper_writer import write_papers

ORIGIN = "origin.test/mirrored"
STATE = """
MATCH (p:Paper)-[:HAS_RECEIPT]->(r:Receipt)
WITH p, collect(r.signature_b64) AS receipts
OPTIONAL MATCH (e:Event {subject: p.pith_number})
WITH p, receipts, collect(e.event_id) AS events
RETURN p.pith_number AS pith, p.canonical_sha256 AS sha, receipts, events ORDER BY pith
"""


def raw_paper(i: int) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": f"2605.{10000 + i:05d}", "version": 1},
        "title": f"Mirrored paper {i}",
        "abstract": "An abstract.",
        "license": "http://creativecommons.org/licenses/by/4.0/",
        "primary_cat": "cs.LG",
        "cross_cats": [],
        "submitted_at": "2026-05-01T10:00:00Z",
        "authors": ["A. Author"],
    }


def register(settings: Settings, start: int, count: int) -> list[str]:
    key = keystore.load_signing_key(settings.data_dir)
    rows = registration_rows([prepare(parse_metadata(raw_paper(i))) for i in range(start, start + count)], key, datetime.now(UTC))
    with open_driver(settings) as driver:
        write_papers(driver, settings.neo4j_database, rows)
    return [r["paper"]["pith_number"] for r in rows]


class _Quiet:
    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...
    def problem(self, file: Path, line: int, kind: str, reason: str) -> None: ...


def graph_state(driver: Driver) -> list[dict[str, Any]]:
    return [dict(r) for r in driver.execute_query(STATE).records]


@pytest.fixture
def origin(clean_graph: Driver, settings: Settings, second_clean: Driver) -> Iterator[tuple[str, Settings]]:
    with live_server(dataclasses.replace(settings, log_origin_setting=ORIGIN, log_interval=0.2)) as served:
        yield served


def wait_integrated(url: str, size: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if int(http_get(f"{url}/log/checkpoint").split("\n")[1]) >= size:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("not integrated")


def follow(second_settings: Settings, url: str, **kw: Any) -> mirror.SyncReport:
    trust = keystore.trust_store_for(second_settings.data_dir)

    async def go(driver: AsyncDriver) -> mirror.SyncReport:
        return await mirror.follow_once(driver, second_settings.neo4j_database, url, trust, **kw)

    return arun(second_settings, go)


def follow_process(second_settings: Settings, url: str) -> subprocess.Popen[bytes]:
    """`pith-graph mirror follow URL` as a user runs it: its own process, on the mirror's Neo4j."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PITH_", "NEO4J_"))}
    env.update(NEO4J_URI=str(second_settings.neo4j_uri), PITH_DATA_DIR=str(second_settings.data_dir))
    if second_settings.neo4j_password:
        env["NEO4J_PASSWORD"] = second_settings.neo4j_password
    cli = str(Path(sys.executable).with_name("pith-graph"))
    return subprocess.Popen([cli, "mirror", "follow", url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_mirror_killed_mid_sync_resumes_to_the_state_of_a_clean_sync(
    origin: tuple[str, Settings], settings: Settings, second_settings: Settings, clean_graph: Driver, second_clean: Driver
) -> None:
    url, _ = origin
    papers = register(settings, 0, 400)
    event = signed(EventKind.CITATION_SIGNATURE, papers[0], payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]))
    trust = keystore.trust_store_for(settings.data_dir)
    arun(settings, lambda d: event_service.submit_event(d, settings.neo4j_database, event.to_json(), now=datetime.now(UTC), trust=trust))
    wait_integrated(url, 401)

    child = follow_process(second_settings, url)
    try:
        # SIGKILL once the first entry bundle is saved, while the second is being imported.
        deadline = time.monotonic() + 600
        while True:
            assert child.poll() is None, "the sync ended before it could be killed"
            assert time.monotonic() < deadline, "the sync made no progress"
            saved = second_clean.execute_query("MATCH (m:MirrorOrigin) RETURN m.next_index AS n").records
            if saved and saved[0]["n"]:
                break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
        for pipe in (child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
    assert child.returncode == -signal.SIGKILL
    assert 0 < len(graph_state(second_clean)) < 400
    rerun = follow_process(second_settings, url)  # resumes
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()
    assert "size 401" in out.decode()
    assert graph_state(second_clean) == graph_state(clean_graph)
    # Growth: still in step; a sync with nothing new imports nothing.
    more = register(settings, 400, 5)
    wait_integrated(url, 406)
    again = follow(second_settings, url)
    assert again.entries == 5 and graph_state(second_clean) == graph_state(clean_graph)
    assert follow(second_settings, url).entries == 0  # idempotent
    assert more[0] in {row["pith"] for row in graph_state(second_clean)}
    hashes = [arun(s, lambda d, s=s: mirror.content_hash(d, s.neo4j_database)) for s in (settings, second_settings)]
    assert hashes[0] == hashes[1]


def test_a_rewritten_history_stops_the_mirror(
    origin: tuple[str, Settings], settings: Settings, second_settings: Settings, clean_graph: Driver, second_clean: Driver
) -> None:
    url, _ = origin
    register(settings, 0, 20)
    wait_integrated(url, 20)
    follow(second_settings, url)
    before = graph_state(second_clean)
    clean_graph.execute_query(
        "MATCH (n) WHERE n:LogEntry OR n:LogTile OR n:LogCheckpoint OR n:LogIntegration OR n:LogHead "
        "OR n:Paper OR n:Receipt OR n:Alias DETACH DELETE n"
    )
    register(settings, 100, 30)  # another history under the same key
    wait_integrated(url, 30)
    with pytest.raises(mirror.ForkDetected) as info:
        follow(second_settings, url)
    assert "previous_checkpoint" in info.value.evidence and "consistency_proof" in info.value.evidence
    assert "\n20\n" in info.value.evidence["previous_checkpoint"] and "\n30\n" in info.value.evidence["checkpoint"]
    assert graph_state(second_clean) == before  # nothing imported from the fork


def test_citations_added_after_the_papers_reach_a_mirror_already_past_them(
    origin: tuple[str, Settings], settings: Settings, second_settings: Settings, clean_graph: Driver,
    second_clean: Driver, tmp_path: Path,
) -> None:  # fmt: skip
    url, _ = origin
    a, b = register(settings, 0, 2)
    wait_integrated(url, 2)
    assert follow(second_settings, url).entries == 2
    # Later, A cites B (and an unregistered work): one citations leaf names A in the log.
    rows = [
        {"citing": "2605.10000", "kind": "arxiv", "target": "2605.10001", "position": 0, "raw": None},
        {"citing": "2605.10000", "kind": "doi", "target": "10.9999/late.1", "position": 1, "raw": "Late, 2020"},
    ]
    with open_driver(settings) as driver:
        add_citations(driver, settings.neo4j_database, rows)
        add_citations(driver, settings.neo4j_database, rows)  # a re-run changes nothing: no leaf
    leaves = clean_graph.execute_query("MATCH (l:LogEntry {leaf_type: 'citations'}) RETURN l.pith_number AS p").records
    assert [r["p"] for r in leaves] == [a]
    wait_integrated(url, 3)
    again = follow(second_settings, url)
    assert again.entries == 1 and again.bundles_imported == 1
    hashes = [arun(s, lambda d, s=s: mirror.content_hash(d, s.neo4j_database)) for s in (settings, second_settings)]
    assert hashes[0] == hashes[1]
    cited = second_clean.execute_query(
        "MATCH (:Paper {pith_number: $a})-[:CITES]->(t) RETURN coalesce(t.pith_number, t.value) AS t ORDER BY t", a=a
    ).records
    assert [r["t"] for r in cited] == sorted([b, "10.9999/late.1"])
    # A sync that redoes the round (killed before it saved its progress) finds the paper in
    # step: the mirror's own latest citations leaf of A is the same leaf; nothing is refetched.
    second_clean.execute_query("MATCH (m:MirrorOrigin) SET m.next_index = 2")
    redo = follow(second_settings, url)
    assert (redo.entries, redo.in_step, redo.bundles_imported) == (1, 1, 0)

    # `pith-graph ingest` of a citations file among papers the mirror holds: the ingest logs a
    # citations leaf per changed citing paper (A's list grows, B gets one), the mirror follows.
    tsv = tmp_path / "late_citations.tsv"
    tsv.write_text("citing_arxiv_id\tcited_arxiv_id\n2605.10001\t2605.10000\n"
                   "2605.10001\thep-th/9912999\n2605.10000\thep-th/9802150\n"
                   "2605.10000\t2605.10001\n")  # already cited: A changes by one row
    with open_driver(settings) as driver:
        Ingestor(driver, settings.neo4j_database, keystore.load_signing_key(settings.data_dir),
                 _Quiet(), clock=lambda: datetime.now(UTC), edge_batch_size=1).run(
            [(tsv, Format.CITATIONS_TSV)])
    leaves = clean_graph.execute_query(
        "MATCH (l:LogEntry {leaf_type: 'citations'}) RETURN l.pith_number AS p ORDER BY l.index").records
    assert [r["p"] for r in leaves] == [a, b, a]  # input order of the citing papers
    wait_integrated(url, 5)
    synced = follow(second_settings, url)
    assert (synced.entries, synced.bundles_imported) == (2, 2)
    hashes = [arun(s, lambda d, s=s: mirror.content_hash(d, s.neo4j_database)) for s in (settings, second_settings)]
    assert hashes[0] == hashes[1]
    query = """{ a: resolve(alias: "arXiv:2605.10000") { paper { referenceCount citationCount
        references(first: 10) { totalCount edges { resolved position raw node { pithNumber } work { kind value } } }
        citations(first: 10) { totalCount edges { node { pithNumber } } } } }
      b: resolve(alias: "arXiv:2605.10001") { paper { referenceCount citationCount
        references(first: 10) { totalCount edges { resolved position raw node { pithNumber } work { kind value } } }
        citations(first: 10) { totalCount edges { node { pithNumber } } } } } }"""
    answers = []
    for served in (settings, second_settings):
        with TestClient(create_app(dataclasses.replace(served, mirror_origin=None, log_interval=0.0))) as client:
            response = client.post("/graphql", json={"query": query})
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            answers.append(response.json()["data"])
    assert answers[0] == answers[1]
    assert answers[1]["b"]["paper"]["references"]["totalCount"] == 2
    assert answers[1]["a"]["paper"]["citations"]["edges"] == [{"node": {"pithNumber": b}}]


def test_one_worker_follows_however_many_serve_and_another_takes_over(
    origin: tuple[str, Settings], settings: Settings, second_settings: Settings, clean_graph: Driver,
    second_clean: Driver, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    url, _ = origin
    register(settings, 0, 3)
    wait_integrated(url, 3)
    caplog.set_level(logging.INFO, logger="pith_graph.service.mirror")
    # Two apps on one data directory: what `serve --workers 2` runs, one per process.
    workers = dataclasses.replace(
        second_settings, data_dir=tmp_path / "mirror", mirror_origin=url, mirror_interval=0.2, log_interval=0.0
    )

    def said(text: str) -> int:
        return sum(text in r.getMessage() for r in caplog.records)

    def wait_for(what: str, check: Any) -> None:
        deadline = time.monotonic() + 60
        while not check():
            assert time.monotonic() < deadline, what
            time.sleep(0.1)

    holder: TestClient | None = TestClient(create_app(workers))
    holder.__enter__()  # the first worker up takes the lock
    try:
        with TestClient(create_app(workers)):
            wait_for("the mirror in step", lambda: graph_state(second_clean) == graph_state(clean_graph))
            wait_for("the waiting worker", lambda: said("another process follows") == 1)
            assert said("followed by this process") == 1
            holder.__exit__(None, None, None)  # the follower's worker exits: the other takes over
            holder = None
            wait_for("the takeover", lambda: said("followed by this process") == 2)
            register(settings, 3, 2)
            wait_for("the mirror in step again", lambda: graph_state(second_clean) == graph_state(clean_graph))
    finally:
        if holder is not None:
            holder.__exit__(None, None, None)
