from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.store.errors import MigrationError
from pith_graph.store.migrations import applied_version, apply_migrations, load_migrations


def test_migrations_are_applied_once_and_recorded(clean_graph: Driver, settings: Settings) -> None:
    latest = max(m.version for m in load_migrations())
    assert applied_version(clean_graph, settings.neo4j_database) == latest
    assert apply_migrations(clean_graph, settings.neo4j_database) == []


def test_identity_constraints_exist(clean_graph: Driver, settings: Settings) -> None:
    records, _, _ = clean_graph.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type",
        database_=settings.neo4j_database,
    )
    unique = {
        (r["labelsOrTypes"][0], tuple(r["properties"]))
        for r in records
        if r["type"] == "UNIQUENESS"
    }
    assert ("Paper", ("pith_number",)) in unique
    assert ("Paper", ("canonical_sha256",)) in unique
    assert ("Alias", ("kind", "value")) in unique


def test_duplicate_pith_number_is_refused_by_the_database(
    clean_graph: Driver, settings: Settings
) -> None:
    clean_graph.execute_query("CREATE (:Paper {pith_number: 'pith:2026:X'})")
    with pytest.raises(Exception, match="already exists"):
        clean_graph.execute_query("CREATE (:Paper {pith_number: 'pith:2026:X'})")


def test_an_edited_applied_migration_is_an_error(
    clean_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    for migration in load_migrations():
        text = "\n".join(s + ";" for s in migration.statements)
        (tmp_path / f"{migration.version:04d}_{migration.name}.cypher").write_text(
            text + "\n// edited\n"
        )
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(clean_graph, settings.neo4j_database, tmp_path)


def test_a_misnamed_migration_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "constraints.cypher").write_text("RETURN 1;")
    with pytest.raises(MigrationError, match="NNNN_name.cypher"):
        load_migrations(tmp_path)


def test_event_cited_backfill_reads_the_stored_envelope(clean_graph: Driver, settings: Settings) -> None:
    # An event stored before Event.cited existed: the migration takes the pith number from its
    # envelope (and ignores a quoted '"cited": "' inside the note).
    import json

    from events_support import agent_key

    from pith_graph.core.events import build_event
    from pith_graph.store.events import event_row

    cited = "pith:2025:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    event = build_event(
        "citation_signature", "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO",
        {"cited": cited, "note": 'says "cited": "pith:1999:ZZZZ"', "relation": "cites"},
        key=agent_key(), signer_id="agent:test", signer_type="agent", nonce="00" * 8,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )  # fmt: skip
    row = event_row(event, "2026-05-01T00:00:00Z")
    assert row["cited"] == cited
    assert json.loads(row["envelope_json"])["event"]["payload"]["cited"] == cited
    clean_graph.execute_query(
        "CREATE (:Event {event_id: $id, event_type: 'citation_signature', envelope_json: $json})",
        id=event.event_id, json=row["envelope_json"], database_=settings.neo4j_database,
    )  # fmt: skip
    (backfill,) = [m for m in load_migrations() if m.version == 60]
    for statement in backfill.statements:
        clean_graph.execute_query(statement, database_=settings.neo4j_database)
    records, _, _ = clean_graph.execute_query(
        "MATCH (e:Event {event_id: $id}) RETURN e.cited AS cited",
        id=event.event_id, database_=settings.neo4j_database,
    )  # fmt: skip
    assert records[0]["cited"] == cited
