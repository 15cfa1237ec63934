"""Portable graph bundles (``pith_open_graph_bundle`` 1.0): build, sign and verify (pure).

REFERENCE.md "Portable bundle" (R): pith number, short form, canonical record, canonical hash,
source, ``source_aliases`` and ``events``, the first event ``record_created`` (target ``record``:
canonical record, hash and receipt), then a graph snapshot (target ``graph``). Ours adds the
registry's public key (``registry_key``) and a ``bundle_signature``: Ed25519 over the raw SHA-256
of the canonical bytes of the bundle without ``bundle_signature``. The registry events are
deterministic: ``record_created`` is dated by the receipt's ``signed_at``, the graph snapshot by the
newest of that and the events' times, and their nonces derive from the hashes they sign, so two
exports of the same record and events are byte-identical (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidEvent, InvalidReceipt
from pith_graph.core.events import EventKind, SignedEvent, build_event, check_signer, parse_event
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.receipts import Receipt, verify_receipt
from pith_graph.core.signing import PublicKey, SigningKey, sign_digest, verify_digest_signature
from pith_graph.core.trust import TrustStore

__all__ = [
    "BUNDLE_TYPE",
    "BUNDLE_VERSION",
    "InvalidBundle",
    "VerifiedBundle",
    "build_bundle",
    "verify_bundle",
]

BUNDLE_TYPE = "pith_open_graph_bundle"
BUNDLE_VERSION = "1.0"


class InvalidBundle(InvalidEvent):
    """A bundle whose shape, key or any signature does not verify; ``field`` says where."""


def _registry_event(
    kind: EventKind,
    subject: str,
    payload: Mapping[str, Any],
    key: SigningKey,
    at: datetime,
    seed: str,
) -> SignedEvent:
    return build_event(
        kind,
        subject,
        payload,
        key=key,
        signer_id=f"registry:{key.key_id}",
        signer_type="registry",
        nonce=hashlib.sha256(f"{kind.value}:{seed}".encode()).hexdigest()[:32],
        created_at=at,
    )


def build_bundle(
    *,
    pith_number: str,
    canonical_record: Mapping[str, Any],
    receipt: Receipt,
    aliases: Sequence[Mapping[str, Any]],
    graph_snapshot: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    key: SigningKey,
) -> dict[str, Any]:
    """The signed bundle of one record: registry events first, then every stored event envelope."""
    digest = sha256_digest(canonical_bytes(canonical_record))
    signed_at = datetime.strptime(receipt.signed_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    snapshot_at = max(
        [signed_at.replace(microsecond=0)]
        + [
            datetime.strptime(e["event"]["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            for e in events
        ]
    )
    created = _registry_event(
        EventKind.RECORD_CREATED,
        pith_number,
        {
            "canonical_record": canonical_record,
            "canonical_sha256": digest.hex,
            "receipt": receipt.to_json(),
        },
        key,
        signed_at,
        digest.hex,
    )
    snapshot_sha = sha256_digest(canonical_bytes(graph_snapshot)).hex
    snapshot = _registry_event(
        EventKind.GRAPH_SNAPSHOT,
        pith_number,
        {"graph_snapshot": graph_snapshot, "snapshot_sha256": snapshot_sha},
        key,
        snapshot_at,
        snapshot_sha,
    )
    pith = parse_pith_number(pith_number)
    bundle: dict[str, Any] = {
        "bundle_type": BUNDLE_TYPE,
        "bundle_version": BUNDLE_VERSION,
        "pith_number": pith_number,
        "short_pith_number": pith.short,
        "canonical_record": canonical_record,
        "canonical_sha256": digest.hex,
        "source": canonical_record.get("source"),
        "source_aliases": [dict(a) for a in aliases],
        "receipt": receipt.to_json(),
        "registry_key": {
            "key_id": key.key_id,
            "algorithm": "ed25519",
            "public_key": key.public_key.hex,
            "public_key_fingerprint": key.public_key.fingerprint,
        },
        "events": [created.to_json(), snapshot.to_json(), *[dict(e) for e in events]],
    }
    bundle["bundle_signature"] = {
        "key_id": key.key_id,
        "signature_b64": sign_digest(key, sha256_digest(canonical_bytes(bundle))),
    }
    return bundle


class VerifiedBundle:
    """A bundle whose every signature verified: its pith number, registry key and parsed events."""

    def __init__(
        self, pith_number: str, key: PublicKey, events: list[SignedEvent], document: dict[str, Any]
    ):
        self.pith_number = pith_number
        self.key = key
        self.events = events
        self.document = document


def verify_bundle(document: Any, trust_store: TrustStore) -> VerifiedBundle:
    """Verify a bundle completely before anything uses it.

    1. shape: type, version, pith number;
    2. the registry key is in ``trust_store`` (same key id, same raw key);
    3. the bundle signature, then the receipt over the canonical record's digest;
    4. every event: exact canonical form, id and signature; no signer claims a trusted key id or
       the registry's role without the trusted key; registry kinds by the registry key;
       every event is about the bundle's pith number.
    Raises :class:`InvalidBundle` naming the first failure.
    """
    # 1. shape
    if not isinstance(document, Mapping) or document.get("bundle_type") != BUNDLE_TYPE:
        raise InvalidBundle("bundle_type", f"expected {BUNDLE_TYPE!r}")
    if document.get("bundle_version") != BUNDLE_VERSION:
        raise InvalidBundle(
            "bundle_version", f"expected {BUNDLE_VERSION!r}, got {document.get('bundle_version')!r}"
        )
    pith_number = document.get("pith_number")
    try:
        parse_pith_number(str(pith_number))
    except ValueError as exc:
        raise InvalidBundle("pith_number", str(exc)) from exc
    # 2. key
    key_doc = document.get("registry_key") or {}
    key_id = str(key_doc.get("key_id"))
    if key_id not in trust_store:
        raise InvalidBundle(
            "registry_key", f"key {key_id!r} is not trusted here; trust it explicitly to import"
        )
    key = trust_store.by_key_id(key_id)
    if key.hex != key_doc.get("public_key"):
        raise InvalidBundle(
            "registry_key", f"key {key_id!r} in the bundle is not the trusted key of that id"
        )
    # 3. bundle signature, receipt
    signature = document.get("bundle_signature") or {}
    body = {k: v for k, v in document.items() if k != "bundle_signature"}
    try:
        verify_digest_signature(
            key, sha256_digest(canonical_bytes(body)), str(signature.get("signature_b64"))
        )
        receipt = Receipt.from_json(document.get("receipt"))
        verify_receipt(
            receipt, sha256_digest(canonical_bytes(document.get("canonical_record"))), trust_store
        )
    except (InvalidReceipt, ValueError, TypeError) as exc:
        raise InvalidBundle("bundle_signature", str(exc)) from exc
    # 4. events
    raw_events = document.get("events")
    if not isinstance(raw_events, list):
        raise InvalidBundle("events", "expected a list of event envelopes")
    events = []
    for i, raw in enumerate(raw_events):
        try:
            event = parse_event(raw)
            check_signer(event.signer, trust_store)
        except InvalidEvent as exc:
            raise InvalidBundle(f"events[{i}]", str(exc)) from exc
        if event.subject != pith_number:
            raise InvalidBundle(f"events[{i}]", f"is about {event.subject}, not {pith_number}")
        if (
            event.kind in (EventKind.RECORD_CREATED, EventKind.GRAPH_SNAPSHOT)
            and event.signer.public_key != key.raw
        ):
            raise InvalidBundle(
                f"events[{i}]", f"{event.kind.value} is not signed by the registry key"
            )
        events.append(event)
    return VerifiedBundle(str(pith_number), key, events, dict(document))
