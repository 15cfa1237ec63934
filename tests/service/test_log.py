"""The log in tiles: batched integration, checkpoints, the one-time migration of an existing log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from events_support import REGISTRY_KEY, arun
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.log import leaf_hash_hex, parse_entry_bundle
from pith_graph.core.merkle import ENTRIES_LEVEL, root_hash, verify_consistency, verify_inclusion
from pith_graph.core.note import NoteVerifier, open_note, parse_checkpoint
from pith_graph.service import log as service
from pith_graph.store import log as store
from pith_graph.store.migrations import apply_migrations

ORIGIN = "log.test/pith"


def _leaf(i: int) -> tuple[str, dict[str, str]]:
    return f"ev-{i}", {"leaf_type": "event", "pith_number": f"pith:2026:{i:026d}", "event_id": f"ev-{i}"}


def append(settings: Settings, start: int, count: int) -> None:
    rows = store.leaf_rows([_leaf(i) for i in range(start, start + count)])

    async def go(driver: AsyncDriver) -> None:
        async with driver.session(database=settings.neo4j_database) as session:
            await session.execute_write(store.append_leaves, rows, "test")

    arun(settings, go)


def old_root(settings: Settings) -> tuple[int, bytes]:
    """The root the log had before tiles: every leaf hash read and hashed (the old way)."""

    async def go(driver: AsyncDriver) -> tuple[int, bytes]:
        size = await store.log_size(driver, settings.neo4j_database)
        return size, root_hash(await store.log_leaf_hashes(driver, settings.neo4j_database, size))

    return arun(settings, go)  # type: ignore[no-any-return]


def integrate(settings: Settings, **kw: Any) -> int:
    async def go(driver: AsyncDriver) -> int:
        return await service.integrate(driver, settings.neo4j_database, REGISTRY_KEY, ORIGIN, **kw)

    return arun(settings, go)  # type: ignore[no-any-return]


def head(settings: Settings) -> dict[str, Any]:
    async def go(driver: AsyncDriver) -> dict[str, Any]:
        return await store.integrated_head(driver, settings.neo4j_database)

    return arun(settings, go)  # type: ignore[no-any-return]


def _verified_checkpoint(note: str) -> tuple[int, bytes]:
    text, _ = open_note(note, [NoteVerifier.for_key(ORIGIN, REGISTRY_KEY.public_key)])
    checkpoint = parse_checkpoint(text)
    assert checkpoint.origin == ORIGIN
    return checkpoint.size, checkpoint.root_hash


def test_batches_make_one_checkpoint_each_with_the_full_tree_root(clean_graph: Driver, settings: Settings) -> None:
    append(settings, 0, 300)
    assert integrate(settings) == 300
    append(settings, 300, 1000)
    assert integrate(settings, max_batch=400) == 1300
    records = clean_graph.execute_query("MATCH (c:LogCheckpoint) RETURN c.size AS s ORDER BY s").records
    assert [r["s"] for r in records] == [300, 700, 1100, 1300]
    size, root = _verified_checkpoint(head(settings)["note"])
    assert (size, root) == old_root(settings)
    assert integrate(settings) == 1300  # nothing new: no new checkpoint
    assert clean_graph.execute_query("MATCH (c:LogCheckpoint) RETURN count(c) AS n").records[0]["n"] == 4


def test_two_integrators_at_once_agree(clean_graph: Driver, settings: Settings) -> None:
    append(settings, 0, 2000)

    async def go(driver: AsyncDriver) -> list[int]:
        db = settings.neo4j_database
        return list(
            await asyncio.gather(
                *(service.integrate(driver, db, REGISTRY_KEY, ORIGIN, max_batch=300) for _ in range(3))
            )
        )

    assert arun(settings, go) == [2000, 2000, 2000]
    assert _verified_checkpoint(head(settings)["note"]) == old_root(settings)


def test_an_existing_log_moves_into_tiles_once_with_the_same_root(clean_graph: Driver, settings: Settings) -> None:
    append(settings, 0, 5000)
    before = old_root(settings)
    # The registry as it was before the tiles migration: entries only, migration not applied.
    clean_graph.execute_query(
        "MATCH (n) WHERE n:LogTile OR n:LogCheckpoint OR n:LogIntegration DETACH DELETE n"
    )
    clean_graph.execute_query("MATCH (m:SchemaMigration {version: 80}) DELETE m")
    assert 80 in apply_migrations(clean_graph, settings.neo4j_database)
    assert head(settings)["size"] == 0
    assert integrate(settings, max_batch=1024) == 5000
    assert _verified_checkpoint(head(settings)["note"]) == before
    assert apply_migrations(clean_graph, settings.neo4j_database) == []


def test_proofs_and_tiles_from_storage(clean_graph: Driver, settings: Settings) -> None:
    append(settings, 0, 777)
    now = datetime.now(UTC)

    async def go(driver: AsyncDriver) -> tuple[Any, ...]:
        db = settings.neo4j_database
        inclusion = await service.inclusion_document(driver, db, REGISTRY_KEY, now, event_id="ev-500", origin=ORIGIN)
        consistency = await service.consistency_document(driver, db, REGISTRY_KEY, now, 300, 777, origin=ORIGIN)
        bundle = await service.tile_bytes(driver, db, ENTRIES_LEVEL, 1, 256)
        partial = await service.tile_bytes(driver, db, 0, 3, 9)
        missing = await service.tile_bytes(driver, db, 0, 3, 10)
        return inclusion, consistency, bundle, partial, missing

    inclusion, consistency, bundle, partial, missing = arun(settings, go)
    _, root = old_root(settings)
    verify_inclusion(
        bytes.fromhex(inclusion["leaf_hash"]), 500, 777, [bytes.fromhex(h) for h in inclusion["audit_path"]], root
    )
    assert inclusion["leaf_hash"] == leaf_hash_hex(_leaf(500)[1])
    hashes = arun(settings, lambda d: store.log_leaf_hashes(d, settings.neo4j_database, 300))
    verify_consistency(300, 777, [bytes.fromhex(h) for h in consistency["consistency_path"]], root_hash(hashes), root)
    assert [e.decode() for e in parse_entry_bundle(bundle)][0] == store.leaf_rows([_leaf(256)])[0]["leaf_json"]
    assert len(partial) == 9 * 32 and missing is None


@pytest.mark.parametrize("first,second", [(0, 3), (5, 4), (1, 10**6)])
def test_impossible_sizes_are_refused(clean_graph: Driver, settings: Settings, first: int, second: int) -> None:
    append(settings, 0, 10)

    async def go(driver: AsyncDriver) -> Any:
        return await service.consistency_document(
            driver, settings.neo4j_database, REGISTRY_KEY, datetime.now(UTC), first, second, origin=ORIGIN
        )

    with pytest.raises(service.LogError) as info:
        arun(settings, go)
    assert info.value.code == "BAD_TREE_SIZE"
