"""One writer for every path: versions arriving in any order, by any path, give the same graph.

A source registry registers every version once; its records and bundles are what the other
paths carry. Then, for a random arrival order and a random path per version (registration,
bulk ingest, record import, bundle import), the graph must have exactly one latest version per
arXiv id, the highest that arrived, consecutive ``SUPERSEDES`` links, and the same content hash
as when the same versions arrive in the same order by registration alone. (The order matters
to the hash only through the transparency log, whose leaves are numbered by arrival.)

The papers carry only what every format carries (an abstract under 600 characters, sorted
authors, sorted cross-lists, no publisher DOI): a record or a bundle holds no more.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from events_support import REGISTRY_KEY, arun
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.metadata import parse_metadata
from pith_graph.core.paper import BOOKKEEPING_PROPERTIES, PAPER_PROPERTIES
from pith_graph.core.trust import default_trust_store
from pith_graph.ingest.formats import PaperLine
from pith_graph.ingest.pipeline import Ingestor
from pith_graph.service import bundles
from pith_graph.service.importing import import_record
from pith_graph.service.records import record_document
from pith_graph.service.registration import register_paper
from pith_graph.store.graph_content import graph_content_hash
from pith_graph.store.papers import paper_details, papers_by_pith

TRUST = default_trust_store([REGISTRY_KEY.public_key])
CLOCK = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
_WIPE = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"
IDS = ("2611.05001", "2611.05002")
VERSIONS = 3
PATHS = ("register", "ingest", "record", "bundle")


def raw(arxiv_id: str, version: int) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": arxiv_id, "version": version},
        "title": f"Arrivals of {arxiv_id}, version {version}",
        "abstract": f"Version {version} of a paper that arrives by every path.",
        "submitted_at": "2026-11-02T10:00:00Z",
        "primary_cat": "cs.DL",
        "cross_cats": ["cs.DB", "cs.IR"],
        "authors": ["Ada Lovelace", "Alan Turing"],
        "license": "http://creativecommons.org/licenses/by/4.0/",
    }


class _Quiet:
    def start_file(self, *_: Any) -> None: ...
    def progress(self, *_: Any) -> None: ...
    def end_file(self, *_: Any) -> None: ...
    def problem(self, *_: Any) -> None: ...


def _clock() -> datetime:
    return CLOCK


@pytest.fixture(scope="module")
def carried(bolt: Driver, settings: Settings) -> dict[tuple[str, int], dict[str, Any]]:
    """Per version: its pith number, record document and bundle, from a source registry."""
    db = settings.neo4j_database
    bolt.execute_query(_WIPE, database_=db)
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for arxiv_id in IDS:
        for version in range(1, VERSIONS + 1):
            pith = register_paper(bolt, db, REGISTRY_KEY, raw(arxiv_id, version), _clock)

            async def export(driver: AsyncDriver, pith: str = pith) -> dict[str, Any]:
                # Read now: registering the next version makes this one no longer the latest.
                (paper,) = await papers_by_pith(driver, db, [pith])
                (details,) = await paper_details(driver, db, [pith])
                assert paper is not None and details is not None
                return {
                    "pith": pith,
                    "record": record_document(paper, details, "https://pith.example"),
                    "bundle": await bundles.export_bundle(driver, db, REGISTRY_KEY, pith),
                }

            out[(arxiv_id, version)] = arun(settings, export)
    bolt.execute_query(_WIPE, database_=db)
    return out


def _arrive(
    driver: Driver, settings: Settings, carried: dict[tuple[str, int], dict[str, Any]],
    key: tuple[str, int], path: str,
) -> None:  # fmt: skip
    db = settings.neo4j_database
    if path == "register":
        register_paper(driver, db, REGISTRY_KEY, raw(*key), _clock)
    elif path == "ingest":
        ingestor = Ingestor(driver, db, REGISTRY_KEY, _Quiet(), clock=_clock)
        try:
            ingestor.write_papers(Path("test"), [PaperLine(1, parse_metadata(raw(*key)))])
        finally:
            ingestor.close()
    elif path == "record":
        import_record(driver, db, carried[key]["record"], TRUST, _clock)
    else:

        async def go(async_driver: AsyncDriver) -> Any:
            return await bundles.import_bundle(
                async_driver, db, carried[key]["bundle"], TRUST, CLOCK
            )

        arun(settings, go)


arrivals = st.lists(
    st.tuples(st.sampled_from(IDS), st.integers(1, VERSIONS)), min_size=1, max_size=5, unique=True
).flatmap(
    lambda order: st.tuples(st.just(order), st.lists(
        st.sampled_from(PATHS), min_size=len(order), max_size=len(order)
    ))
)  # fmt: skip


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(arrivals)
def test_any_order_any_path_gives_one_latest_and_the_same_graph(
    bolt: Driver,
    settings: Settings,
    carried: dict[tuple[str, int], dict[str, Any]],
    case: tuple[list[tuple[str, int]], list[str]],
) -> None:
    order, paths = case
    db = settings.neo4j_database
    bolt.execute_query(_WIPE, database_=db)
    for key, path in zip(order, paths, strict=True):
        _arrive(bolt, settings, carried, key, path)
    records, _, _ = bolt.execute_query(
        "MATCH (p:Paper) RETURN p.source_id AS id, p.version AS v, p.is_latest AS latest, "
        "p.pith_number AS pith"
    )
    arrived = {(r["id"], r["v"]) for r in records}
    assert arrived == set(order)
    for arxiv_id in {k[0] for k in order}:
        highest = max(v for i, v in order if i == arxiv_id)
        latest = [(r["id"], r["v"]) for r in records if r["id"] == arxiv_id and r["latest"]]
        assert latest == [(arxiv_id, highest)], (order, paths)
    for r in records:
        assert r["pith"] == carried[(r["id"], r["v"])]["pith"]
    links, _, _ = bolt.execute_query(
        "MATCH (n:Paper)-[:SUPERSEDES]->(o:Paper) RETURN n.source_id AS id, n.version AS n, "
        "o.version AS o"
    )
    expected_links = set()
    for arxiv_id in IDS:
        versions = sorted(v for i, v in order if i == arxiv_id)
        expected_links |= {(arxiv_id, b, a) for a, b in itertools.pairwise(versions)}
    assert {(r["id"], r["n"], r["o"]) for r in links} == expected_links
    keys, _, _ = bolt.execute_query("MATCH (p:Paper) RETURN DISTINCT keys(p) AS keys")
    allowed = set(PAPER_PROPERTIES) | set(BOOKKEEPING_PROPERTIES)
    for r in keys:  # every path writes the one property set
        assert set(r["keys"]) <= allowed, set(r["keys"]) - allowed
    _, mixed = graph_content_hash(bolt, db)

    bolt.execute_query(_WIPE, database_=db)
    for key in order:
        _arrive(bolt, settings, carried, key, "register")
    _, registered = graph_content_hash(bolt, db)
    assert mixed == registered, (order, paths)
