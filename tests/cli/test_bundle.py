"""`pith-graph bundle export|import|state` against the real Neo4j."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from events_support import (
    REGISTRY_KEY,
    TRUST,
    arun,
    count,
    insert_paper,
    payload_for,
    seed_records,
    signed,
)
from neo4j import AsyncDriver, Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.service import events as event_service


@pytest.fixture
def env(
    data_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, clean_graph: Driver
) -> Settings:
    monkeypatch.setenv("NEO4J_URI", str(settings.neo4j_uri))
    monkeypatch.setenv("PITH_SIGNING_KEY", REGISTRY_KEY.export_seed().hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", REGISTRY_KEY.key_id)
    return settings


def _exported(env: Settings, tmp_path: Path) -> tuple[str, Path]:
    papers = [insert_paper(env, r) for r in seed_records()]
    events = [
        signed(
            EventKind.CITATION_SIGNATURE,
            papers[0],
            payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]),
        ),
        signed(
            EventKind.STORAGE_ATTESTATION,
            papers[0],
            payload_for(EventKind.STORAGE_ATTESTATION),
            nonce="01" * 8,
        ),
    ]

    async def go(driver: AsyncDriver) -> None:
        for e in events:
            await event_service.submit_event(
                driver, env.neo4j_database, e.to_json(), now=datetime.now(UTC), trust=TRUST
            )

    arun(env, go)
    out = tmp_path / "bundle.json"
    assert main(["bundle", "export", papers[0], "-o", str(out)]) == 0
    return papers[0], out


def _clear(bolt: Driver, settings: Settings) -> None:
    bolt.execute_query(
        "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n", database_=settings.neo4j_database
    )


def test_export_then_import_into_an_empty_instance(
    env: Settings, bolt: Driver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = _exported(env, tmp_path)
    bundle = json.loads(path.read_text())
    assert bundle["bundle_type"] == "pith_open_graph_bundle"
    assert [e["event"]["event_type"] for e in bundle["events"]][:2] == [
        "record_created",
        "graph_snapshot",
    ]
    _clear(bolt, env)
    capsys.readouterr()
    assert main(["bundle", "import", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["paper_created"] and len(report["imported"]) == 2
    assert count(bolt, env, "MATCH (:Event)-[:ABOUT]->(:Paper) RETURN count(*)") == 2
    assert count(bolt, env, "MATCH (l:LogEntry) RETURN count(l)") == 3  # receipt + 2 events
    # importing again changes nothing
    assert main(["bundle", "import", str(path)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == [] and len(again["already_stored"]) == 2
    assert again["state_sha256"] == report["state_sha256"]
    assert count(bolt, env, "MATCH (l:LogEntry) RETURN count(l)") == 3


def test_tampered_bundle_is_refused_and_writes_nothing(
    env: Settings, bolt: Driver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = _exported(env, tmp_path)
    bundle: dict[str, Any] = json.loads(path.read_text())
    bundle["events"][2]["event"]["payload"]["note"] = "edited"
    path.write_text(json.dumps(bundle))
    _clear(bolt, env)
    assert main(["bundle", "import", str(path)]) == 1
    assert "nothing stored" in capsys.readouterr().err
    assert count(bolt, env, "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n)") == 0


def test_state_is_the_same_from_a_shuffled_duplicated_bundle(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = _exported(env, tmp_path)
    capsys.readouterr()
    assert main(["bundle", "state", str(path)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["state_type"] == "pith_open_graph_state" and first["valid_event_count"] == 4
    bundle = json.loads(path.read_text())
    # Another mirror got the events in reverse, one of them twice: the bundle signature no
    # longer matches, so the state is computed from the events themselves via the merge.
    from pith_graph.core.merge import merge_state
    from pith_graph.core.trust import default_trust_store

    trust = default_trust_store([REGISTRY_KEY.public_key])
    shuffled = list(reversed(bundle["events"])) + bundle["events"][:1]
    other = merge_state(bundle["pith_number"], shuffled, trust, bundle["source_aliases"])
    assert other == first


def test_unknown_record_exits_1(env: Settings) -> None:
    assert main(["bundle", "export", "pith:2020:AAAAAAAAAAAAAAAAAAAAAAAAAA"]) == 1


def test_author_key_add_registers_the_key(env: Settings, bolt: Driver) -> None:
    pith = insert_paper(env, seed_records()[0])
    key = "ab" * 32
    assert (
        main(["events", "author-key", "add", pith, "Tim Kaiser", key, "--identity-verified"]) == 0
    )
    assert count(bolt, env, "MATCH (k:AuthorKey {identity_verified: true}) RETURN count(k)") == 1
    assert main(["events", "author-key", "add", pith, "Nobody", key]) == 1
