"""The pure event, merge and verification tests' defaults for :func:`events_support.signed`:
a fixed subject, time and payload per kind, so that event ids are stable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from events_support import ots_proof, signed

from pith_graph.core.events import EventKind, SignedEvent
from pith_graph.core.signing import SigningKey

SUBJECT = "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
OTHER = "pith:2025:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)

PAYLOADS: dict[EventKind, dict[str, Any]] = {
    EventKind.TIMESTAMP_ANCHOR: {
        "anchored_sha256": "bc" * 32,
        "method": "opentimestamps",
        "proof_b64": ots_proof("bc" * 32),
    },
    EventKind.STORAGE_ATTESTATION: {
        "archive": "internet_archive",
        "url": "https://web.archive.org/web/20260501/https://arxiv.org/abs/2603.13419v2",
        "captured_at": "2026-05-01T11:59:00Z",
        "content_sha256": "ab" * 32,
    },
    EventKind.AUTHOR_ATTESTATION: {"author": "Tim Kaiser", "strength": "weak"},
    EventKind.CITATION_SIGNATURE: {"relation": "extends", "cited": OTHER, "note": ""},
    EventKind.REPLICATION_RECORD: {
        "kind": "replication",
        "outcome": "reproduced",
        "evidence_url": "https://example.org/replication",
        "evidence_sha256": "cd" * 32,
        "summary": "same gap",
    },
}


def make_event(
    kind: EventKind = EventKind.TIMESTAMP_ANCHOR,
    *,
    key: SigningKey | None = None,
    subject: str = SUBJECT,
    payload: dict[str, Any] | None = None,
    nonce: str = "00" * 8,
    at: datetime = T0,
    signer_id: str = "agent:test",
    signer_type: str = "agent",
) -> SignedEvent:
    return signed(
        kind,
        subject,
        PAYLOADS[kind] if payload is None else payload,
        key=key,
        nonce=nonce,
        at=at,
        signer_id=signer_id,
        signer_type=signer_type,
    )
