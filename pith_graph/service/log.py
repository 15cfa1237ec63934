"""Signed tree heads and proof documents of the transparency log (shapes in ``schema/log.md``).

Proofs are computed from the stored leaf hashes (one query per request) and signed with the
registry's current key at request time; ``pith-graph log verify`` checks them offline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from neo4j import AsyncDriver
from pith_graph.core.log import sign_tree_head
from pith_graph.core.merkle import consistency_proof, inclusion_proof, root_hash
from pith_graph.core.signing import SigningKey
from pith_graph.store import log as store

__all__ = ["LogError", "consistency_document", "inclusion_document", "signed_tree_head"]


class LogError(Exception):
    """A proof that cannot be served (unknown leaf, impossible sizes); ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


async def signed_tree_head(
    driver: AsyncDriver, database: str, key: SigningKey, now: datetime, size: int | None = None
) -> dict[str, Any]:
    """The STH of the current log (or of its first ``size`` leaves)."""
    current = await store.log_size(driver, database)
    size = current if size is None else size
    if not 0 <= size <= current:
        raise LogError("BAD_TREE_SIZE", f"tree size {size} is outside 0..{current}")
    hashes = await store.log_leaf_hashes(driver, database, size)
    return sign_tree_head(key, size, root_hash(hashes), now)


async def inclusion_document(
    driver: AsyncDriver,
    database: str,
    key: SigningKey,
    now: datetime,
    *,
    event_id: str | None = None,
    pith_number: str | None = None,
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
    size = await store.log_size(driver, database)
    hashes = await store.log_leaf_hashes(driver, database, size)
    return {
        "proof_type": "inclusion",
        "leaf": entry["leaf"],
        "leaf_hash": entry["leaf_hash"],
        "leaf_index": entry["index"],
        "tree_size": size,
        "audit_path": [h.hex() for h in inclusion_proof(hashes, entry["index"])],
        "signed_tree_head": sign_tree_head(key, size, root_hash(hashes), now),
    }


async def consistency_document(
    driver: AsyncDriver, database: str, key: SigningKey, now: datetime, first: int, second: int
) -> dict[str, Any]:
    """Consistency proof between tree sizes ``first`` and ``second`` with both heads signed."""
    current = await store.log_size(driver, database)
    if not 0 < first <= second <= current:
        raise LogError(
            "BAD_TREE_SIZE", f"need 0 < first <= second <= {current}, got {first}, {second}"
        )
    hashes = await store.log_leaf_hashes(driver, database, second)
    return {
        "proof_type": "consistency",
        "consistency_path": [h.hex() for h in consistency_proof(hashes, first)],
        "first_tree_head": sign_tree_head(key, first, root_hash(hashes[:first]), now),
        "second_tree_head": sign_tree_head(key, second, root_hash(hashes), now),
    }
