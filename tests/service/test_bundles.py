"""Bundles across instances: same events in any order give byte-identical bundles and state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from events_support import (
    REGISTRY_KEY,
    arun,
    insert_paper,
    payload_for,
    seed_records,
    signed,
)
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.bundle import build_bundle
from pith_graph.core.canonical import canonical_bytes
from pith_graph.core.events import EventKind, SignedEvent, build_event
from pith_graph.core.receipts import Receipt
from pith_graph.core.signing import generate_signing_key
from pith_graph.core.trust import default_trust_store
from pith_graph.service import bundles
from pith_graph.service import events as event_service
from pith_graph.service.registration import register_paper
from pith_graph.service.resolution import resolve_aliases_sync

TRUST = default_trust_store([REGISTRY_KEY.public_key])
_WIPE = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"


def _events(papers: list[str]) -> list[SignedEvent]:
    return [
        signed(
            EventKind.CITATION_SIGNATURE,
            papers[0],
            payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]),
            nonce="01" * 8,
        ),
        signed(
            EventKind.STORAGE_ATTESTATION,
            papers[0],
            payload_for(EventKind.STORAGE_ATTESTATION),
            nonce="02" * 8,
        ),
        signed(
            EventKind.REPLICATION_RECORD,
            papers[0],
            payload_for(EventKind.REPLICATION_RECORD),
            nonce="03" * 8,
        ),
    ]


def _instance(settings: Settings, order: list[SignedEvent], pith: str) -> dict[str, Any]:
    async def go(driver: AsyncDriver) -> dict[str, Any]:
        db = settings.neo4j_database
        for event in order:
            try:
                await event_service.submit_event(
                    driver, db, event.to_json(), now=datetime.now(UTC), trust=TRUST
                )
            except event_service.ReplayedEvent:
                pass  # a duplicate delivery: stored once
        return await bundles.export_bundle(driver, db, REGISTRY_KEY, pith)

    return arun(settings, go)


def test_two_instances_agree_byte_for_byte(clean_graph: Driver, settings: Settings) -> None:
    papers = [insert_paper(settings, r) for r in seed_records()]
    events = _events(papers)
    first = _instance(settings, events, papers[0])
    clean_graph.execute_query(_WIPE, database_=settings.neo4j_database)
    papers_b = [insert_paper(settings, r) for r in seed_records()]
    second = _instance(settings, [events[2], events[0], events[1], events[0]], papers_b[0])
    assert canonical_bytes(first) == canonical_bytes(second)
    a, b = bundles.bundle_state(first, TRUST), bundles.bundle_state(second, TRUST)
    assert a["state_sha256"] == b["state_sha256"]
    assert a["valid_event_count"] == 5


def test_an_imported_bundle_exports_identically(clean_graph: Driver, settings: Settings) -> None:
    papers = [insert_paper(settings, r) for r in seed_records()]
    original = _instance(settings, _events(papers), papers[0])
    clean_graph.execute_query(_WIPE, database_=settings.neo4j_database)

    async def go(driver: AsyncDriver) -> tuple[Any, dict[str, Any]]:
        db = settings.neo4j_database
        report = await bundles.import_bundle(driver, db, original, TRUST, datetime.now(UTC))
        return report, await bundles.export_bundle(driver, db, REGISTRY_KEY, papers[0])

    report, mirrored = arun(settings, go)
    assert report.paper_created and len(report.imported) == 3
    assert canonical_bytes(mirrored) == canonical_bytes(original)


def test_untrusted_bundle_key_is_refused(clean_graph: Driver, settings: Settings) -> None:
    papers = [insert_paper(settings, r) for r in seed_records()]
    original = _instance(settings, _events(papers)[:1], papers[0])

    async def go(driver: AsyncDriver) -> Any:
        return await bundles.import_bundle(
            driver, settings.neo4j_database, original, default_trust_store(), datetime.now(UTC)
        )

    with pytest.raises(bundles.InvalidBundle, match="not trusted"):
        arun(settings, go)


def test_a_bundle_with_an_event_borrowing_the_registry_key_id_is_refused(
    clean_graph: Driver, settings: Settings
) -> None:
    papers = [insert_paper(settings, r) for r in seed_records()]
    original = _instance(settings, [], papers[0])
    clean_graph.execute_query(_WIPE, database_=settings.neo4j_database)
    impostor = generate_signing_key(REGISTRY_KEY.key_id, seed=b"\x42" * 32)
    forged = build_event(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION),
        key=impostor, signer_id=f"registry:{REGISTRY_KEY.key_id}", signer_type="registry",
        nonce="42" * 8, created_at=datetime.now(UTC),
    )  # fmt: skip
    # A bundle signed by the trusted registry key that carries the forged event.
    bundle = build_bundle(
        pith_number=papers[0],
        canonical_record=original["canonical_record"],
        receipt=Receipt.from_json(original["receipt"]),
        aliases=original["source_aliases"],
        graph_snapshot={"paper": {}},
        events=[forged.to_json()],
        key=REGISTRY_KEY,
    )

    async def go(driver: AsyncDriver) -> Any:
        return await bundles.import_bundle(
            driver, settings.neo4j_database, bundle, TRUST, datetime.now(UTC)
        )

    with pytest.raises(bundles.InvalidBundle, match="names a trusted key"):
        arun(settings, go)
    records, _, _ = clean_graph.execute_query(
        "MATCH (n) WHERE n:Paper OR n:Event RETURN count(n) AS n", database_=settings.neo4j_database
    )
    assert records[0]["n"] == 0


def _version(version: int) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": "2611.01234", "version": version},
        "title": f"A paper in versions (v{version})",
        "abstract": "Versions arrive by several paths.",
        "submitted_at": "2026-11-02T10:00:00Z",
        "primary_cat": "cs.DL",
        "authors": ["Ada Lovelace"],
    }


def _clock() -> datetime:
    return datetime(2026, 11, 3, tzinfo=UTC)


def _bundle_of_v1_elsewhere(driver: Driver, settings: Settings) -> tuple[str, dict[str, Any]]:
    """v1's pith number and bundle, exported by a registry whose graph is then wiped."""
    db = settings.neo4j_database
    v1 = register_paper(driver, db, REGISTRY_KEY, _version(1), _clock)

    async def export(async_driver: AsyncDriver) -> dict[str, Any]:
        return await bundles.export_bundle(async_driver, db, REGISTRY_KEY, v1)

    bundle = arun(settings, export)
    driver.execute_query(_WIPE, database_=db)
    return v1, bundle


def test_importing_an_older_versions_bundle_keeps_the_newer_latest(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    v1, bundle_v1 = _bundle_of_v1_elsewhere(clean_graph, settings)
    v2 = register_paper(clean_graph, db, REGISTRY_KEY, _version(2), _clock)

    async def go(driver: AsyncDriver) -> Any:
        return await bundles.import_bundle(driver, db, bundle_v1, TRUST, datetime.now(UTC))

    assert arun(settings, go).paper_created
    records, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper) RETURN p.pith_number AS pith, p.is_latest AS latest ORDER BY p.version"
    )
    assert [(r["pith"], r["latest"]) for r in records] == [(v1, False), (v2, True)]
    records, _, _ = clean_graph.execute_query(
        "MATCH (n:Paper)-[:SUPERSEDES]->(o:Paper) RETURN n.pith_number AS n, o.pith_number AS o"
    )
    assert [(r["n"], r["o"]) for r in records] == [(v2, v1)]
    latest, first = resolve_aliases_sync(clean_graph, db, ["2611.01234", "2611.01234v1"])
    assert latest.paper is not None and latest.paper["pith_number"] == v2
    assert first.paper is not None and first.paper["is_latest"] is False
    records, _, _ = clean_graph.execute_query("MATCH (l:LogEntry) RETURN count(l) AS n")
    assert records[0]["n"] == 2
    # Again: nothing more is written.
    assert not arun(settings, go).paper_created
    records, _, _ = clean_graph.execute_query("MATCH (l:LogEntry) RETURN count(l) AS n")
    assert records[0]["n"] == 2


def test_a_bundle_of_a_version_registered_with_other_metadata_is_refused(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    _v1, bundle_v1 = _bundle_of_v1_elsewhere(clean_graph, settings)
    other = register_paper(clean_graph, db, REGISTRY_KEY, {**_version(1), "title": "Other"}, _clock)

    async def go(driver: AsyncDriver) -> Any:
        return await bundles.import_bundle(driver, db, bundle_v1, TRUST, datetime.now(UTC))

    with pytest.raises(bundles.InvalidBundle, match="other metadata"):
        arun(settings, go)
    records, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN p.pith_number AS p")
    assert [r["p"] for r in records] == [other]
