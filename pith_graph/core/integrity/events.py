"""Signing findings as ``pith.integrity.v1`` events with the registry key (pure: time passed in).

Each event of one finding has a *generation* (0 for the first emission, then 1, 2, … for each
rescission or revival); its nonce is derived from (evidence hash, generation), so a retried run
signs the very same nonce and the store's (signer key, nonce) constraint refuses a second copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pith_graph.core.events import EventKind, SignedEvent, SignerType, build_event
from pith_graph.core.integrity.finding import Finding
from pith_graph.core.integrity.payload import emission_payload, rescission_payload
from pith_graph.core.signing import SigningKey

__all__ = ["finding_nonce", "sign_emission", "sign_rescission"]


def finding_nonce(evidence_hash: str, generation: int) -> str:
    return hashlib.sha256(f"pith.integrity.v1:{evidence_hash}:{generation}".encode()).hexdigest()[:32]


def sign_emission(finding: Finding, key: SigningKey, *, generation: int, now: datetime) -> SignedEvent:
    return build_event(
        EventKind.INTEGRITY,
        finding.subject,
        emission_payload(finding),
        key=key,
        signer_id=key.key_id,
        signer_type=SignerType.REGISTRY,
        nonce=finding_nonce(finding.hash, generation),
        created_at=now,
    )


def sign_rescission(
    subject: str,
    emitted: Mapping[str, Any],
    emitted_event_id: str,
    key: SigningKey,
    *,
    generation: int,
    now: datetime,
    note: str = "the evidence is no longer in the registry",
) -> SignedEvent:
    return build_event(
        EventKind.INTEGRITY,
        subject,
        rescission_payload(emitted, emitted_event_id, note),
        key=key,
        signer_id=key.key_id,
        signer_type=SignerType.REGISTRY,
        nonce=finding_nonce(str(emitted["evidence_hash"]), generation),
        created_at=now,
    )
