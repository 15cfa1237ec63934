"""Apply the Cypher migrations under ``neo4j/migrations/`` in order, once each.

A migration is a file ``NNNN_name.cypher``: statements separated by ``;`` at the end of a line,
``//`` comments allowed. Each applied file is recorded as a ``(:SchemaMigration {version})`` node
with its checksum, so re-running is a no-op and an edited, already-applied file is an error rather
than a silent divergence. Schema statements use ``IF NOT EXISTS`` so that a run interrupted
half-way through a file can simply be repeated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from neo4j import AsyncDriver, Driver

from pith_graph.store._run import (
    read_async,
    read_sync,
    unmanaged_async,
    unmanaged_sync,
    write_async,
    write_sync,
    written_by_us,
)
from pith_graph.store.errors import MigrationError

__all__ = [
    "MIGRATIONS_DIR",
    "Migration",
    "applied_version",
    "apply_migrations",
    "apply_migrations_async",
    "apply_schema_for_bulk_load",
    "load_migrations",
    "pending_migrations_async",
]

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "neo4j" / "migrations"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.cypher$")

_APPLIED = "MATCH (m:SchemaMigration) RETURN m.version AS version, m.checksum AS checksum"
_RECORD = """
MERGE (m:SchemaMigration {version: $version})
SET m.name = $name, m.checksum = $checksum, m.applied_at = $applied_at
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


def _split_statements(text: str) -> tuple[str, ...]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return tuple(part.strip() for part in parts if part.strip())


def load_migrations(directory: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """Read every migration file, in version order; a misnamed or duplicate file is an error."""
    migrations: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.cypher")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path}: migration files are named NNNN_name.cypher")
        version = int(match.group(1))
        if version in migrations:
            raise MigrationError(f"{path}: version {version} is used twice")
        text = path.read_text(encoding="utf-8")
        migrations[version] = Migration(
            version=version,
            name=match.group(2),
            statements=_split_statements(text),
            checksum=hashlib.sha256(text.encode()).hexdigest(),
        )
    return tuple(migrations[v] for v in sorted(migrations))


def _pending(migrations: tuple[Migration, ...], applied: dict[int, str]) -> list[Migration]:
    for migration in migrations:
        checksum = applied.get(migration.version)
        if checksum is not None and checksum != migration.checksum:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} was changed after it was "
                "applied; add a new migration instead of editing an applied one"
            )
    return [m for m in migrations if m.version not in applied]


def _record_parameters(migration: Migration) -> dict[str, object]:
    return {
        "version": migration.version,
        "name": migration.name,
        "checksum": migration.checksum,
        "applied_at": datetime.now(UTC).isoformat(),
    }


def apply_migrations(driver: Driver, database: str, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply what is pending; return the versions applied now (empty when up to date)."""
    migrations = load_migrations(directory)
    records = write_sync(driver, database, _APPLIED)
    pending = _pending(migrations, {r["version"]: r["checksum"] for r in records})
    for migration in pending:
        for statement in migration.statements:
            # Schema statements must run as auto-commit queries, one per transaction.
            unmanaged_sync(driver, database, written_by_us(statement))
        write_sync(driver, database, _RECORD, **_record_parameters(migration))
    return [m.version for m in pending]


async def pending_migrations_async(
    driver: AsyncDriver, database: str, directory: Path = MIGRATIONS_DIR
) -> list[Migration]:
    records = await read_async(driver, database, _APPLIED)
    return _pending(load_migrations(directory), {r["version"]: r["checksum"] for r in records})


async def apply_migrations_async(
    driver: AsyncDriver, database: str, directory: Path = MIGRATIONS_DIR
) -> list[int]:
    """The async twin of :func:`apply_migrations`, for the app's lifespan."""
    pending = await pending_migrations_async(driver, database, directory)
    for migration in pending:
        for statement in migration.statements:
            await unmanaged_async(driver, database, written_by_us(statement))
        await write_async(driver, database, _RECORD, **_record_parameters(migration))
    return [m.version for m in pending]


_SCHEMA_STATEMENT = re.compile(
    r"^\s*(CREATE|DROP)\s+(OR\s+REPLACE\s+)?((UNIQUE|RANGE|TEXT|POINT|FULLTEXT|LOOKUP|VECTOR)\s+)?"
    r"(CONSTRAINT|INDEX)\b",
    re.IGNORECASE,
)


def apply_schema_for_bulk_load(
    driver: Driver,
    database: str,
    directory: Path = MIGRATIONS_DIR,
    *,
    timeout_s: int = 7200,
    while_populating: Callable[[], None] | None = None,
) -> list[int]:
    """Every migration's constraints and indexes on a store loaded by the offline importer, then
    every migration recorded as applied; returns the versions.

    The importer wrote the data in the current model (sort keys, counts and every other value
    a backfill would compute are in the files), so the migrations' data statements, which bring
    data written *before* them up to date, have nothing to do and are not run. Waits until the
    indexes are online. Only for an empty database just loaded: it refuses one with migrations.
    ``while_populating`` runs once every statement is in, while the indexes populate (writes of
    properties no index holds: they do not wait for the populations, nor these for them).
    """
    migrations = load_migrations(directory)
    records = write_sync(driver, database, _APPLIED)
    if records:
        raise MigrationError("the database has applied migrations: not a fresh bulk load")
    for migration in migrations:
        for statement in migration.statements:
            if _SCHEMA_STATEMENT.match(statement):
                unmanaged_sync(driver, database, written_by_us(statement))
    if while_populating is not None:
        while_populating()
    unmanaged_sync(driver, database, "CALL db.awaitIndexes($t)", t=timeout_s)
    for migration in migrations:
        write_sync(driver, database, _RECORD, **_record_parameters(migration))
    return [m.version for m in migrations]


def applied_version(driver: Driver, database: str) -> int:
    records = read_sync(driver, database, _APPLIED)
    return max((r["version"] for r in records), default=0)
