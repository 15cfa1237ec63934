"""Helpers of the event, log and bundle tests: papers in the real Neo4j, signed events, async runs.

``insert_paper`` writes a paper, its receipt, aliases and the receipt's log leaf through the one
paper writer (:func:`pith_graph.store.paper_writer.write_papers`), as registration does, signed
with the test registry's key.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from neo4j import AsyncDriver

from pith_graph.config import Settings
from pith_graph.core.events import EventKind, SignedEvent, build_event
from pith_graph.core.metadata import parse_metadata
from pith_graph.core.receipts import Receipt
from pith_graph.core.signing import SigningKey, generate_signing_key
from pith_graph.core.trust import default_trust_store
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store.driver import open_async_driver, open_driver
from pith_graph.store.paper_writer import write_papers

T = TypeVar("T")
FIXTURES = Path(__file__).parent / "fixtures" / "pith"
REGISTRY_KEY = generate_signing_key("registry-test", seed=b"\x07" * 32)
# The trust store live submissions are checked against: the test registry's key and the reference's.
TRUST = default_trust_store([REGISTRY_KEY.public_key])
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


RAW_PAPERS: list[dict[str, Any]] = [
    {
        "source": {"kind": "arxiv", "id": "2603.13419", "version": 2},
        "title": "Diffusion Models Memorize in Training -- and Generalize in Inference",
        "abstract": "Diffusion models generalize well in practice.",
        "license": "http://creativecommons.org/licenses/by/4.0/",
        "primary_cat": "cs.LG",
        "cross_cats": [],
        "submitted_at": "2026-03-12T21:02:17Z",
        "authors": ["Tim Kaiser", "Markus Kollmann"],
    },
    {
        "source": {"kind": "arxiv", "id": "2607.01223", "version": 1},
        "title": "Another paper",
        "abstract": "Another abstract.",
        "license": "http://creativecommons.org/licenses/by/4.0/",
        "primary_cat": "cs.AI",
        "cross_cats": ["cs.LG"],
        "submitted_at": "2026-07-01T17:56:42Z",
        "authors": ["A. Author"],
    },
]


def seed_records() -> list[dict[str, Any]]:
    """Raw metadata of two papers (the founding paper's, and one more)."""
    return [dict(r) for r in RAW_PAPERS]


def _rows(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return registration_rows([prepare(parse_metadata(raw))], REGISTRY_KEY, NOW)


def paper_receipt(raw: dict[str, Any]) -> tuple[str, Receipt]:
    """The pith number and receipt the registration of ``raw`` produces (deterministic)."""
    (row,) = _rows(raw)
    return row["paper"]["pith_number"], Receipt.from_json(row["receipt"])


def insert_paper(settings: Settings, raw: dict[str, Any]) -> str:
    """Register a paper through the real write path (paper, receipt, aliases, receipt log leaf)."""
    rows = _rows(raw)
    with open_driver(settings) as driver:
        write_papers(driver, settings.neo4j_database, rows)
    return str(rows[0]["paper"]["pith_number"])


def agent_key(n: int = 1) -> SigningKey:
    return generate_signing_key(f"agent-{n}", seed=bytes([n]) * 32)


def ots_proof(hex_digest: str, calendar: str = "https://alice.btc.calendar.opentimestamps.org") -> str:
    """An OpenTimestamps detached proof (base64) committing to ``hex_digest``: one append and
    SHA-256 on the way to a calendar's pending attestation, as ``ots stamp`` writes it."""
    from opentimestamps.core.notary import PendingAttestation
    from opentimestamps.core.op import OpAppend, OpSHA256
    from opentimestamps.core.serialize import BytesSerializationContext
    from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

    timestamp = Timestamp(bytes.fromhex(hex_digest))
    leaf = timestamp.ops.add(OpAppend(b"\x5a" * 16)).ops.add(OpSHA256())
    leaf.attestations.add(PendingAttestation(calendar))
    context = BytesSerializationContext()
    DetachedTimestampFile(OpSHA256(), timestamp).serialize(context)
    return base64.b64encode(context.getbytes()).decode("ascii")


def payload_for(kind: EventKind, *, anchored: str = "", cited: str = "", author: str = "Tim Kaiser",
                strength: str = "weak") -> dict[str, Any]:  # fmt: skip
    proof = ots_proof(anchored) if len(anchored) == 64 else "AE9wZW5UaW1lc3RhbXBz"
    return {
        EventKind.TIMESTAMP_ANCHOR: {"anchored_sha256": anchored, "method": "opentimestamps",
                                     "proof_b64": proof},
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
    signer_id: str = "agent:test",
    signer_type: str = "agent",
) -> SignedEvent:
    """The one signed-event factory of the tests: an agent's event, created now unless ``at``."""
    return build_event(
        kind,
        subject,
        payload,
        key=key or agent_key(),
        signer_id=signer_id,
        signer_type=signer_type,
        nonce=nonce,
        created_at=at or datetime.now(UTC),
    )


def count(bolt: Any, settings: Settings, query: str) -> int:
    records, _, _ = bolt.execute_query(query, database_=settings.neo4j_database)
    return int(records[0][0])
