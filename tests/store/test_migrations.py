from __future__ import annotations

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
