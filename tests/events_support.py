"""Helpers of the event, log and bundle tests: papers in the real Neo4j, signed events, async runs.

Until the registration service writes papers, ``insert_paper`` creates the ``(:Paper)`` and its
``(:Receipt)`` the way the graph model says, and appends the receipt's log leaf in the same
transaction through :func:`pith_graph.store.log.append_receipt_leaf`, as registration does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from neo4j import AsyncDriver, AsyncManagedTransaction
from pith_graph.config import Settings
from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.events import EventKind, SignedEvent, build_event
from pith_graph.core.pith_number import pith_number_for
from pith_graph.core.receipts import Receipt, issue_receipt
from pith_graph.core.signing import SigningKey, generate_signing_key
from pith_graph.store.driver import open_async_driver
from pith_graph.store.log import append_receipt_leaf

T = TypeVar("T")
FIXTURES = Path(__file__).parent / "fixtures" / "pith"
REGISTRY_KEY = generate_signing_key("registry-test", seed=b"\x07" * 32)
NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def arun(settings: Settings, fn: Callable[[AsyncDriver], Awaitable[T]]) -> T:
    """Run ``fn(driver)`` on a fresh event loop with its own async driver."""

    async def main() -> T:
        driver = open_async_driver(settings)
        try:
            return await fn(driver)
        finally:
            await driver.close()

    return asyncio.run(main())


def seed_records() -> list[dict[str, Any]]:
    """Two real canonical records with titles and authors: the founding record and one more."""
    seed = json.loads((FIXTURES / "seed-2603.13419v2.json").read_text("utf-8"))
    lines = (FIXTURES / "reference-records.jsonl").read_text("utf-8").splitlines()
    other = next(
        json.loads(x) for x in lines if x.strip() and json.loads(x).get("canonical_record")
    )
    return [
        {"canonical_record": seed["canonical_record"], "title": seed["paper"]["title"],
         "authors": ["Tim Kaiser", "Markus Kollmann"]},
        {"canonical_record": other["canonical_record"], "title": other.get("title") or "Other",
         "authors": list(other.get("authors") or ["A. Author"])},
    ]  # fmt: skip


_CREATE_PAPER = """
CREATE (p:Paper {pith_number: $pith_number, pith_body: $pith_body,
                 canonical_sha256: $canonical_sha256, canonical_json: $canonical_json,
                 title: $title, authors: $authors, primary_cat: $primary_cat,
                 categories: $categories, submitted_at: $submitted_at})
CREATE (p)-[:HAS_RECEIPT]->(r:Receipt)
SET r += $receipt
"""


def paper_receipt(record: dict[str, Any], key: SigningKey = REGISTRY_KEY) -> tuple[str, Receipt]:
    canonical = record["canonical_record"]
    digest = sha256_digest(canonical_bytes(canonical))
    pith = pith_number_for(digest, int(canonical["metadata"]["submitted_at"][:4]))
    return pith.full, issue_receipt(key, digest, NOW)


def insert_paper(settings: Settings, record: dict[str, Any]) -> str:
    """Store a paper, its receipt and the receipt's log leaf in one transaction; return its pith number."""
    pith, receipt = paper_receipt(record)
    canonical = record["canonical_record"]
    meta = canonical["metadata"]

    async def write(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            _CREATE_PAPER,
            pith_number=pith,
            pith_body=pith.split(":")[2],
            canonical_sha256=receipt.canonical_sha256,
            canonical_json=canonical_bytes(canonical).decode(),
            title=record["title"],
            authors=record["authors"],
            primary_cat=meta["primary_cat"],
            categories=[meta["primary_cat"], *meta["cross_cats_sorted"]],
            submitted_at=meta["submitted_at"],
            receipt=receipt.to_json(),
        )
        await append_receipt_leaf(tx, pith, receipt)

    async def go(driver: AsyncDriver) -> None:
        async with driver.session(database=settings.neo4j_database) as session:
            await session.execute_write(write)

    arun(settings, go)
    return pith


def agent_key(n: int = 1) -> SigningKey:
    return generate_signing_key(f"agent-{n}", seed=bytes([n]) * 32)


def payload_for(kind: EventKind, *, anchored: str = "", cited: str = "", author: str = "Tim Kaiser",
                strength: str = "weak") -> dict[str, Any]:  # fmt: skip
    return {
        EventKind.TIMESTAMP_ANCHOR: {"anchored_sha256": anchored, "method": "opentimestamps",
                                     "proof_b64": "AE9wZW5UaW1lc3RhbXBz"},
        EventKind.STORAGE_ATTESTATION: {"archive": "internet_archive",
                                        "url": "https://web.archive.org/web/2026/x",
                                        "captured_at": "2026-05-01T11:00:00Z",
                                        "content_sha256": "ab" * 32},
        EventKind.AUTHOR_ATTESTATION: {"author": author, "strength": strength},
        EventKind.CITATION_SIGNATURE: {"relation": "extends", "cited": cited, "note": ""},
        EventKind.REPLICATION_RECORD: {"kind": "replication", "outcome": "reproduced",
                                       "evidence_url": "https://example.org/r",
                                       "evidence_sha256": "cd" * 32, "summary": ""},
    }[kind]  # fmt: skip


def signed(
    kind: EventKind,
    subject: str,
    payload: dict[str, Any],
    *,
    key: SigningKey | None = None,
    nonce: str = "00" * 8,
    at: datetime | None = None,
) -> SignedEvent:
    return build_event(
        kind,
        subject,
        payload,
        key=key or agent_key(),
        signer_id="agent:test",
        signer_type="agent",
        nonce=nonce,
        created_at=at or datetime.now(UTC),
    )


def count(bolt: Any, settings: Settings, query: str) -> int:
    records, _, _ = bolt.execute_query(query, database_=settings.neo4j_database)
    return int(records[0][0])
