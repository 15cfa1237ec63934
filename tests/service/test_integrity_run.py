"""The integrity run against the real Neo4j, on hand-made papers: every detector, rescinding,
reviving, idempotence, concurrency of two runs, and offline verification of the signed findings."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from events_support import arun
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.events import EventKind, parse_event
from pith_graph.core.integrity.section import active_findings
from pith_graph.core.merge import merge_state
from pith_graph.core.trust import default_trust_store
from pith_graph.ingest.pipeline import Ingestor
from pith_graph.ingest.reader import sniff_format
from pith_graph.service.integrity import RetractionList, load_retraction_list, run_integrity
from pith_graph.service.keys import registry_signing_key
from pith_graph.store.events import events_by_subject

ABSTRACT = (
    "We study the thermodynamics of black holes in three dimensional anti de Sitter space and "
    "show that the entropy equals twice the perimeter of the horizon in suitable units, which "
    "agrees with the counting of states in the boundary conformal field theory of the model."
)


class _Reporter:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def start_file(self, file: Any, fmt: Any) -> None: ...
    def progress(self, file: Any, stats: Any) -> None: ...
    def end_file(self, file: Any, stats: Any) -> None: ...

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        self.problems.append((kind, reason))


def _paper(ident: str, v1: str, *, versions: list[str] | None = None, title: str = "",
           abstract: str = "", doi: str | None = None) -> dict[str, Any]:
    dates = versions or [v1]
    return {
        "id": ident, "submitter": "x", "authors": "A. Author", "title": title or f"Paper {ident}",
        "comments": None, "journal-ref": None, "doi": doi, "report-no": None,
        "categories": "hep-th", "license": None,
        "abstract": abstract or f"Abstract of {ident} with its own words number {ident}.",
        "versions": [{"version": f"v{i + 1}", "created": d} for i, d in enumerate(dates)],
        "update_date": "2001-01-01",
    }  # fmt: skip


def _write(tmp: Path, name: str, lines: list[Any], tsv: bool = False) -> Path:
    path = tmp / name
    with gzip.open(path, "wt") as out:
        if tsv:
            out.write("citing_arxiv_id\tcited_arxiv_id\n")
            out.writelines(f"{a}\t{b}\n" for a, b in lines)
        else:
            out.writelines(json.dumps(o) + "\n" for o in lines)
    return path


def _ingest(settings: Settings, bolt: Driver, *paths: Path) -> _Reporter:
    reporter = _Reporter()
    Ingestor(
        bolt, settings.neo4j_database, registry_signing_key(settings.data_dir), reporter,
        clock=lambda: datetime.now(UTC),
    ).run([(p, sniff_format(p)) for p in paths])  # fmt: skip
    return reporter


def _run(settings: Settings, **kw: Any) -> Any:
    key = registry_signing_key(settings.data_dir)

    async def go(driver: AsyncDriver) -> Any:
        return await run_integrity(driver, settings.neo4j_database, key, **kw)

    return arun(settings, go)


def _pith(bolt: Driver, settings: Settings, arxiv_id: str) -> str:
    records, _, _ = bolt.execute_query(
        "MATCH (p:Paper {source_id: $id, is_latest: true}) RETURN p.pith_number AS p",
        id=arxiv_id, database_=settings.neo4j_database,
    )  # fmt: skip
    return str(records[0]["p"])


def _events(settings: Settings, pith: str) -> list[Any]:
    async def go(driver: AsyncDriver) -> Any:
        return (await events_by_subject(driver, settings.neo4j_database, [pith]))[0]

    return [parse_event(e) for e in arun(settings, go)]


def _active(settings: Settings, pith: str, detector: str) -> list[dict[str, Any]]:
    return [
        e.payload
        for e in active_findings(_events(settings, pith))
        if e.payload["detector"] == detector
    ]


def _count(bolt: Driver, settings: Settings, query: str) -> int:
    records, _, _ = bolt.execute_query(query, database_=settings.neo4j_database)
    return int(records[0][0])


@pytest.fixture
def corpus(clean_graph: Driver, settings: Settings, tmp_path: Path) -> Path:
    papers = [
        # cites a paper submitted after its only version: a time-order finding
        _paper("hep-th/9902153", "Mon, 22 Feb 1999 21:22:16 GMT"),
        _paper("hep-th/9903161", "Thu, 18 Mar 1999 17:47:18 GMT"),
        # its latest version is after the cited v1: no finding
        _paper("hep-th/9901001", "Fri, 1 Jan 1999 10:00:00 GMT",
               versions=["Fri, 1 Jan 1999 10:00:00 GMT", "Mon, 1 Nov 1999 10:00:00 GMT"]),
        # v1 dated years after its id's month
        _paper("hep-th/9509068", "Wed, 13 Sep 2000 10:00:00 GMT"),
        # a near-duplicate pair
        _paper("hep-th/9905001", "Sat, 1 May 1999 10:00:00 GMT", title="Black holes", abstract=ABSTRACT),
        _paper("hep-th/9906001", "Tue, 1 Jun 1999 10:00:00 GMT", title="Black holes",
               abstract=ABSTRACT.replace("suitable", "natural")),
        # a DOI with punctuation carried over from the citing text
        _paper("hep-th/9907001", "Thu, 1 Jul 1999 10:00:00 GMT", doi="10.1016/s0370-2693(99)00001-x"),
    ]  # fmt: skip
    files = tmp_path / "in"
    files.mkdir()
    _write(files, "papers.jsonl.gz", papers)
    _write(
        files,
        "cites.tsv.gz",
        [("hep-th/9902153", "hep-th/9903161"), ("hep-th/9901001", "hep-th/9903161"),
         ("hep-th/9907001", "hep-th/9903161")],
        tsv=True,
    )  # fmt: skip
    return files


def test_every_detector_on_hand_made_papers_and_a_rerun_changes_nothing(
    corpus: Path, settings: Settings, bolt: Driver
) -> None:
    _ingest(settings, bolt, corpus / "papers.jsonl.gz", corpus / "cites.tsv.gz")
    report = _run(settings)
    assert report.full  # never run before: every paper
    citing = _pith(bolt, settings, "hep-th/9902153")
    (time_order,) = _active(settings, citing, "citation_time_order")
    assert time_order["evidence"]["cited_arxiv_id"] == "hep-th/9903161"
    assert report.active["citation_time_order"] == 1
    assert _active(settings, _pith(bolt, settings, "hep-th/9901001"), "citation_time_order") == []
    (date,) = _active(settings, _pith(bolt, settings, "hep-th/9509068"), "submission_date_mismatch")
    assert date["severity"] == "informational" and date["evidence"]["id_month"] == "1995-09"
    a, b = _pith(bolt, settings, "hep-th/9905001"), _pith(bolt, settings, "hep-th/9906001")
    (dup,) = _active(settings, a, "shingle_duplication")
    assert dup["evidence"]["duplicate_pith_number"] == b
    assert dup["verdict_class"] == "threshold_with_margin"
    assert float(dup["evidence"]["similarity"]) >= 0.8
    assert len(_active(settings, b, "shingle_duplication")) == 1
    assert report.active["shingle_duplication"] == 2
    events = _count(bolt, settings, "MATCH (e:Event) RETURN count(e)")
    leaves = _count(bolt, settings, "MATCH (l:LogEntry {leaf_type: 'event'}) RETURN count(l)")
    assert events == leaves == sum(report.active.values())

    again = _run(settings)
    assert again.full == [] and again.changed == 0 and again.subjects == 0
    assert _count(bolt, settings, "MATCH (e:Event) RETURN count(e)") == events
    assert _count(bolt, settings, "MATCH (f:IntegrityFinding) RETURN count(f)") == events


def test_a_finding_whose_evidence_disappears_is_rescinded_by_a_new_event(
    corpus: Path, settings: Settings, bolt: Driver, tmp_path: Path
) -> None:
    _ingest(settings, bolt, corpus / "papers.jsonl.gz")
    _run(settings)
    a_v1 = _pith(bolt, settings, "hep-th/9905001")
    b = _pith(bolt, settings, "hep-th/9906001")
    assert len(_active(settings, b, "shingle_duplication")) == 1
    # a new version of a rewrites its abstract: the pair is gone, on both sides
    rewritten = _paper(
        "hep-th/9905001", "Sat, 1 May 1999 10:00:00 GMT", title="Black holes",
        abstract="An entirely different text about string compactifications on orbifolds "
        "with discrete torsion and the resulting chiral spectra of the gauge theory.",
        versions=["Sat, 1 May 1999 10:00:00 GMT", "Sun, 2 May 1999 10:00:00 GMT"],
    )  # fmt: skip
    _ingest(settings, bolt, _write(tmp_path, "v2.jsonl.gz", [rewritten]))
    report = _run(settings)
    assert report.full == [] and report.rescinded["shingle_duplication"] == 2
    assert _active(settings, b, "shingle_duplication") == []
    assert _active(settings, a_v1, "shingle_duplication") == []
    rescissions = [
        e for e in _events(settings, b) if e.payload["verdict_class"] == "rescinded"
    ]
    (r,) = rescissions
    first = [e for e in _events(settings, b) if e.payload["rescinds"] is None][0]
    assert r.payload["rescinds"] == first.event_id
    assert r.payload["evidence_hash"] == first.payload["evidence_hash"]
    # nothing was deleted: the emission is still there, and the finding node is inactive
    assert _count(bolt, settings, "MATCH (f:IntegrityFinding {active: false}) RETURN count(f)") == 2


def test_metadata_conflict_between_two_sources(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    first = _paper("hep-th/9908001", "Sun, 1 Aug 1999 10:00:00 GMT", title="One title")
    other = {**first, "title": "Another title", "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"}
    _ingest(settings, clean_graph, _write(tmp_path, "a.jsonl.gz", [first]))
    reporter = _ingest(settings, clean_graph, _write(tmp_path, "b.jsonl.gz", [other]))
    assert any("other metadata" in reason for _, reason in reporter.problems)
    _run(settings)
    (conflict,) = _active(settings, _pith(clean_graph, settings, "hep-th/9908001"), "metadata_conflict")
    assert conflict["verdict_class"] == "cross_source"
    assert conflict["evidence"]["fields"] == ["metadata.license", "metadata.title_canon_sha256"]


def _csv(tmp: Path, doi: str) -> RetractionList:
    path = tmp / f"rw-{doi.replace('/', '_')}.csv"
    path.write_text(
        "Record ID,Title,RetractionDate,RetractionDOI,OriginalPaperDOI,RetractionNature,Reason\n"
        f"9,T,1/2/2020 0:00,10.9/r,{doi},Retraction,+Error in data;\n"
    )
    return load_retraction_list(path)


def test_cited_work_retraction_is_critical_and_a_new_list_rescinds_it(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    lines = [
        {"citing_arxiv_id": "hep-th/9909001", "bib_key": "b1",
         "ids": {"doi": "10.1000/RETRACTED.1"}, "bib_entry_raw": "A. B., J. 1 (1999)"},
        {"citing_arxiv_id": "hep-th/9909001", "bib_key": "b2",
         "ids": {"doi": "10.1000/fine.2"}, "bib_entry_raw": "C. D., J. 2 (1999)"},
    ]  # fmt: skip
    papers = _write(tmp_path, "p.jsonl.gz", [_paper("hep-th/9909001", "Wed, 1 Sep 1999 10:00:00 GMT")])
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps(x) + "\n" for x in lines))
    _ingest(settings, clean_graph, papers, refs)
    pith = _pith(clean_graph, settings, "hep-th/9909001")
    _run(settings, retractions=_csv(tmp_path, "10.1000/retracted.1"))
    (critical,) = _active(settings, pith, "cited_work_retraction")
    assert critical["severity"] == "critical" and critical["evidence"]["ref_index"] == 1
    report = _run(settings, retractions=_csv(tmp_path, "10.1000/other.9"))
    assert report.full == ["cited_work_retraction"]
    assert report.rescinded["cited_work_retraction"] == 1
    assert _active(settings, pith, "cited_work_retraction") == []


def test_findings_verify_offline_and_two_runs_at_once_emit_each_finding_once(
    corpus: Path, settings: Settings, bolt: Driver
) -> None:
    _ingest(settings, bolt, corpus / "papers.jsonl.gz", corpus / "cites.tsv.gz")
    key = registry_signing_key(settings.data_dir)

    async def both(driver: AsyncDriver) -> Any:
        return await asyncio.gather(
            run_integrity(driver, settings.neo4j_database, key),
            run_integrity(driver, settings.neo4j_database, key),
        )

    arun(settings, both)
    hashes = _count(bolt, settings, "MATCH (f:IntegrityFinding) RETURN count(f)")
    assert hashes == _count(bolt, settings, "MATCH (e:Event) RETURN count(e)")
    citing = _pith(bolt, settings, "hep-th/9902153")
    raw = [e.to_json() for e in _events(settings, citing)]
    state = merge_state(citing, raw, default_trust_store([key.public_key]))
    assert state["invalid_event_count"] == 0
    assert [v["payload"]["detector"] for v in state["current"]["integrity_findings"]] == [
        "citation_time_order"
    ]
    assert all(parse_event(e).kind is EventKind.INTEGRITY for e in raw)
