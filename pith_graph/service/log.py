"""The transparency log: integration into tiles and checkpoints, tree heads and proof documents.

Entries are appended by the writes they record (:mod:`pith_graph.store.log`); :func:`integrate`
folds them, in batches, into C2SP tiles and a signed checkpoint (the app runs it every
``PITH_LOG_INTERVAL`` seconds). Tree heads and proofs read only the O(log N) tiles they need
(one query) and are signed with the registry's current key at request time (shapes in
``schema/log.md``); a proof over entries not integrated yet integrates them first.
CPU-bound steps (hashing a batch, folding tiles) run in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncDriver

from pith_graph.core.events import format_event_time
from pith_graph.core.log import (
    checkpoint_note,
    integrate_entries,
    integration_edge,
    sign_tree_head,
)
from pith_graph.core.merkle import (
    ENTRIES_LEVEL,
    NodeReader,
    leaf_hash,
    stored_consistency_proof,
    stored_inclusion_proof,
    stored_root,
    tile_node_reader,
    tiles_needed,
)
from pith_graph.core.note import add_signatures
from pith_graph.core.signing import SigningKey
from pith_graph.service.errors import ServiceError
from pith_graph.store import log as store
from pith_graph.store import witness as witness_store

__all__ = [
    "MAX_BATCH",
    "LogError",
    "consistency_document",
    "consistency_hashes",
    "current_checkpoint",
    "ensure_integrated",
    "inclusion_document",
    "integrate",
    "note_verifier_keys",
    "run_integrator",
    "served_checkpoint",
    "signed_tree_head",
    "tile_bytes",
]

log = logging.getLogger(__name__)

# One integration transaction holds at most this many new entries (~16 MB of leaves at most).
MAX_BATCH = 65536


class LogError(ServiceError):
    """A proof that cannot be served (unknown leaf, impossible sizes); ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


async def integrate(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    origin: str,
    *,
    now: datetime | None = None,
    max_batch: int = MAX_BATCH,
    until: int | None = None,
) -> int:
    """Integrate appended entries (all of them, or until size ``until``); return the new size."""

    async def build(batch: store.IntegrationBatch) -> store.IntegrationResult:
        return await asyncio.to_thread(_build, batch, key, origin)

    stamp = format_event_time(now or datetime.now(UTC))
    while True:
        old, new = await store.integrate_batch(
            driver,
            database,
            token=uuid.uuid4().hex,
            max_entries=max_batch,
            edge_keys=integration_edge,
            build=build,
            now=stamp,
        )
        if new == old or (until is not None and new >= until):
            return new


def _build(batch: store.IntegrationBatch, key: SigningKey, origin: str) -> store.IntegrationResult:
    entries = [data for _, data, _ in batch.entries]
    for index, data, stored_hash in batch.entries:
        if leaf_hash(data).hex() != stored_hash:
            raise RuntimeError(f"log entry {index}: its stored leaf hash is not its entry's hash")
    tiles, root = integrate_entries(batch.old_size, entries, batch.edge)
    size = batch.old_size + len(entries)
    return store.IntegrationResult(size, root, checkpoint_note(origin, size, root, key), tiles)


async def ensure_integrated(
    driver: AsyncDriver, database: str, key: SigningKey, origin: str, size: int | None = None
) -> int:
    """The integrated size after integrating whatever is appended (or up to ``size``)."""
    head = await store.integrated_head(driver, database)
    integrated, appended = int(head["size"]), int(head["appended"])
    target = appended if size is None else min(size, appended)
    if integrated >= target:
        return integrated
    return await integrate(driver, database, key, origin, until=target)


async def _with_tiles(driver: AsyncDriver, database: str, compute: Callable[[NodeReader], Any]) -> Any:
    """Run ``compute(node)`` on the tiles it needs, read in one query."""
    keys = sorted(tiles_needed(compute))
    tiles = await store.read_tiles(driver, database, keys)
    return await asyncio.to_thread(compute, tile_node_reader(tiles))


async def signed_tree_head(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    now: datetime,
    size: int | None = None,
    *,
    origin: str,
) -> dict[str, Any]:
    """The STH of the current log (or of its first ``size`` leaves), with its checkpoint note."""
    current = await _current(driver, database, key, origin)
    size = current if size is None else size
    if not 0 <= size <= current:
        raise LogError("BAD_TREE_SIZE", f"tree size {size} is outside 0..{current}")
    root = await _with_tiles(driver, database, lambda node: stored_root(size, node))
    document = sign_tree_head(key, size, root, now)
    note = await _checkpoint_of(driver, database, size)
    if note is not None:
        document["checkpoint"] = note
    return document


async def _current(driver: AsyncDriver, database: str, key: SigningKey, origin: str) -> int:
    return await ensure_integrated(driver, database, key, origin)


async def inclusion_document(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    now: datetime,
    *,
    event_id: str | None = None,
    pith_number: str | None = None,
    origin: str,
) -> dict[str, Any]:
    """Inclusion proof of an event (by id) or of a pith number's latest receipt, in the current tree."""
    if (event_id is None) == (pith_number is None):
        raise LogError(
            "BAD_REQUEST", "give exactly one of event_id (an event) or pith_number (its receipt)"
        )
    if event_id is not None:
        (entry,) = await store.log_entries_by_ref(driver, database, [event_id])
        missing = f"event {event_id!r} is not in the log"
    else:
        assert pith_number is not None
        (entry,) = await store.latest_receipt_entries(driver, database, [pith_number])
        missing = f"no receipt of {pith_number!r} is in the log"
    if entry is None:
        raise LogError("NOT_IN_LOG", missing)
    size = await _current(driver, database, key, origin)
    index = entry["index"]

    def compute(node: NodeReader) -> tuple[list[bytes], bytes]:
        return stored_inclusion_proof(index, size, node), stored_root(size, node)

    path, root = await _with_tiles(driver, database, compute)
    document = {
        "proof_type": "inclusion",
        "leaf": entry["leaf"],
        "leaf_hash": entry["leaf_hash"],
        "leaf_index": index,
        "tree_size": size,
        "audit_path": [h.hex() for h in path],
        "signed_tree_head": sign_tree_head(key, size, root, now),
    }
    note = await _checkpoint_of(driver, database, size)
    if note is not None:  # the C2SP checkpoint of the same tree, with witness cosignatures
        document["checkpoint"] = note
    return document


async def consistency_document(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    now: datetime,
    first: int,
    second: int,
    *,
    origin: str,
) -> dict[str, Any]:
    """Consistency proof between tree sizes ``first`` and ``second`` with both heads signed."""
    head = await store.integrated_head(driver, database)
    if not 0 < first <= second <= int(head["appended"]):
        raise LogError(
            "BAD_TREE_SIZE",
            f"need 0 < first <= second <= {head['appended']}, got {first}, {second}",
        )
    await _current(driver, database, key, origin)

    def compute(node: NodeReader) -> tuple[list[bytes], bytes, bytes]:
        return (
            stored_consistency_proof(first, second, node),
            stored_root(first, node),
            stored_root(second, node),
        )

    path, first_root, second_root = await _with_tiles(driver, database, compute)
    document = {
        "proof_type": "consistency",
        "consistency_path": [h.hex() for h in path],
        "first_tree_head": sign_tree_head(key, first, first_root, now),
        "second_tree_head": sign_tree_head(key, second, second_root, now),
    }
    note = await _checkpoint_of(driver, database, second)
    if note is not None:
        document["checkpoint"] = note
    return document


async def consistency_hashes(driver: AsyncDriver, database: str, first: int, second: int) -> list[bytes]:
    """The raw RFC 6962 consistency proof between two integrated sizes (for witnesses)."""

    def compute(node: NodeReader) -> list[bytes]:
        return stored_consistency_proof(first, second, node)

    return await _with_tiles(driver, database, compute)  # type: ignore[no-any-return]


async def current_checkpoint(driver: AsyncDriver, database: str) -> tuple[int, str | None]:
    """The integrated size and its signed checkpoint note (``None`` before the first one)."""
    head = await store.integrated_head(driver, database)
    return int(head["size"]), head["note"]


async def tile_bytes(
    driver: AsyncDriver, database: str, level: int, index: int, width: int
) -> bytes | None:
    """The bytes of tile ``level/index`` of ``width`` (full: 256), or ``None`` if not integrated.

    A partial tile is the prefix of the stored tile, which only ever grows: the hashes of a
    tile never change once written.
    """
    tiles = await store.read_tiles(driver, database, [(level, index)])
    data = tiles.get((level, index))
    if data is None:
        return None
    if level != ENTRIES_LEVEL:
        if len(data) < width * 32:
            return None
        return data[: width * 32]
    offset, count = 0, 0
    while offset < len(data) and count < width:
        offset += 2 + int.from_bytes(data[offset : offset + 2], "big")
        count += 1
    return data[:offset] if count == width else None


async def run_integrator(
    driver: AsyncDriver,
    database: str,
    key_source: Callable[[], SigningKey],
    origin: str,
    interval: float,
    after: Callable[[], Awaitable[Any]] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Integrate new entries every ``interval`` seconds until cancelled (the app's background
    task); ``after`` runs after each round (asking witnesses to cosign)."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            await integrate(driver, database, key_source(), origin)
            if after is not None:
                await after()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a transient store error: try again next round
            log.warning("log integration failed: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)



async def served_checkpoint(driver: AsyncDriver, database: str) -> str | None:
    """The latest checkpoint note as served at ``/log/checkpoint``: the log's signature, then
    the cosignatures witnesses returned for that size."""
    size, note = await current_checkpoint(driver, database)
    if note is None:
        return None
    return add_signatures(note, await witness_store.cosignature_lines(driver, database, size))


async def _checkpoint_of(driver: AsyncDriver, database: str, size: int) -> str | None:
    (note,) = await store.checkpoint_notes(driver, database, [size])
    if note is None:
        return None
    return add_signatures(note, await witness_store.cosignature_lines(driver, database, size))


def note_verifier_keys(origin: str, keys: list[Any]) -> list[str]:
    """The note vkeys (key name = origin) of the registry's public keys, current first."""
    from pith_graph.core.note import vkey

    return [vkey(origin, k) for k in keys]
