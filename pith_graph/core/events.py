"""Signed events: statements about one pith number, in canonical JSON, signed with Ed25519.

The exact canonical form of every kind is written down in ``schema/events.md``. In short, the
signed *statement* is::

    {"created_at": "YYYY-MM-DDTHH:MM:SSZ", "event_type": KIND, "event_version": "1.0",
     "nonce": 16..64 lower-case hex, "payload": {...exact keys of KIND...},
     "signer": {"key_id", "public_key": 64 hex, "signer_id", "signer_type"},
     "subject": "pith:YYYY:BODY", "target": TARGET_OF_KIND}

its canonical bytes are :func:`pith_graph.core.canonical.canonical_bytes` (REFERENCE.md
"Canonical bytes"), its id is ``sha256:`` + the hex SHA-256 of those bytes, and the signature is
Ed25519 over the raw 32 digest bytes, exactly as a receipt signs a record (REFERENCE.md "Receipts
and keys"). The wire form (the *envelope*) is ``{"event": statement, "event_id", "signature_b64"}``.

:func:`parse_event` is the only way in: it checks the shape, every payload field, the id and the
signature, so a :class:`SignedEvent` that exists is valid.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pith_graph.core.canonical import CanonicalBytes, Digest, canonical_bytes, sha256_digest
from pith_graph.core.errors import (
    InvalidEvent,
    InvalidEventSignature,
    InvalidReceipt,
    KeyIdCollision,
    RegistryImpersonation,
)
from pith_graph.core.integrity.payload import check_integrity_payload
from pith_graph.core.pith_number import parse_pith_number, pith_number_for
from pith_graph.core.receipts import Receipt
from pith_graph.core.signing import PublicKey, SigningKey, sign_digest, verify_digest_signature
from pith_graph.core.trust import TrustStore

__all__ = [
    "EVENT_VERSION",
    "REGISTRY_KINDS",
    "REGISTRY_SIGNER_PREFIX",
    "TARGETS",
    "USER_KINDS",
    "CitationRelation",
    "EventKind",
    "SignedEvent",
    "Signer",
    "SignerType",
    "build_event",
    "check_signer",
    "event_id_of",
    "format_event_time",
    "parse_event",
]

EVENT_VERSION = "1.0"
# Registry signer ids (``registry:<key id>``) are reserved, like the trusted key ids themselves.
REGISTRY_SIGNER_PREFIX = "registry:"
_MAX_TEXT = 4000


class EventKind(enum.StrEnum):
    """``event_type`` strings; the five agent actions use the reference's action names."""

    RECORD_CREATED = "record_created"
    GRAPH_SNAPSHOT = "graph_snapshot"
    TIMESTAMP_ANCHOR = "timestamp_anchor"
    STORAGE_ATTESTATION = "storage_attestation"
    AUTHOR_ATTESTATION = "author_attestation"
    CITATION_SIGNATURE = "citation_signature"
    REPLICATION_RECORD = "replication_record"
    REVOCATION = "revocation"
    # Integrity findings (REFERENCE.md "Integrity"): the reference's own event_type string.
    INTEGRITY = "pith.integrity.v1"


class CitationRelation(enum.StrEnum):
    """Relations of a signed citation (REFERENCE.md "Events named by the system")."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    EXTENDS = "extends"
    USES_METHOD = "uses_method"
    DEPENDS_ON = "depends_on"
    REPLACES = "replaces"
    COMPARES = "compares"
    CITES = "cites"


class SignerType(enum.StrEnum):
    REGISTRY = "registry"
    AGENT = "agent"
    AUTHOR = "author"


TARGETS: dict[EventKind, str] = {
    EventKind.RECORD_CREATED: "record",
    EventKind.GRAPH_SNAPSHOT: "graph",
    EventKind.TIMESTAMP_ANCHOR: "record",
    EventKind.STORAGE_ATTESTATION: "storage",
    EventKind.AUTHOR_ATTESTATION: "authorship",
    EventKind.CITATION_SIGNATURE: "citation",
    EventKind.REPLICATION_RECORD: "replication",
    EventKind.REVOCATION: "event",
    EventKind.INTEGRITY: "integrity",
}

# Kinds only the registry signs; anyone with a key may submit the others.
REGISTRY_KINDS = frozenset({EventKind.RECORD_CREATED, EventKind.GRAPH_SNAPSHOT, EventKind.INTEGRITY})
USER_KINDS = frozenset(TARGETS) - REGISTRY_KINDS

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"[0-9a-f]{16,64}")
_EVENT_ID = re.compile(r"sha256:[0-9a-f]{64}")
_URL = re.compile(r"https?://\S+")
_SIGNER_ID = re.compile(r"\S(.{0,198}\S)?")


def format_event_time(moment: datetime) -> str:
    """``2026-05-21T01:05:17Z``: UTC to the second (the form ``created_at`` must have)."""
    if moment.tzinfo is None:
        raise ValueError(f"event times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id_of(data: CanonicalBytes) -> str:
    """``sha256:`` + hex SHA-256 of a statement's canonical bytes."""
    return "sha256:" + sha256_digest(data).hex


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signed: the Ed25519 key, and a free id (an ORCID, an agent name, a registry key id)."""

    key_id: str
    public_key: bytes
    signer_id: str
    signer_type: SignerType

    @property
    def key(self) -> PublicKey:
        return PublicKey(self.key_id, self.public_key)

    @property
    def fingerprint(self) -> str:
        return self.key.fingerprint

    def to_json(self) -> dict[str, str]:
        return {
            "key_id": self.key_id,
            "public_key": self.public_key.hex(),
            "signer_id": self.signer_id,
            "signer_type": self.signer_type.value,
        }

    def summary(self) -> dict[str, str]:
        """``{key_id, public_key_fingerprint, signer_id, signer_type}`` as in the merged state."""
        return {
            "key_id": self.key_id,
            "public_key_fingerprint": self.fingerprint,
            "signer_id": self.signer_id,
            "signer_type": self.signer_type.value,
        }


@dataclass(frozen=True, slots=True)
class SignedEvent:
    """A parsed, verified event. ``payload`` is a plain dict: treat it as read-only."""

    event_id: str
    kind: EventKind
    subject: str
    target: str
    payload: dict[str, Any]
    nonce: str
    created_at: str
    signer: Signer
    signature_b64: str

    def statement(self) -> dict[str, Any]:
        """The signed statement (what the canonical bytes encode)."""
        return {
            "event_version": EVENT_VERSION,
            "event_type": self.kind.value,
            "subject": self.subject,
            "target": self.target,
            "payload": self.payload,
            "nonce": self.nonce,
            "created_at": self.created_at,
            "signer": self.signer.to_json(),
        }

    def canonical(self) -> CanonicalBytes:
        return canonical_bytes(self.statement())

    def to_json(self) -> dict[str, Any]:
        """The envelope: ``{"event", "event_id", "signature_b64"}``."""
        return {
            "event_id": self.event_id,
            "event": self.statement(),
            "signature_b64": self.signature_b64,
        }

    @property
    def sort_key(self) -> tuple[str, str]:
        """Time order, ties broken by id: the one order every instance agrees on."""
        return (self.created_at, self.event_id)


# ---------------------------------------------------------------------------------------------
# payload validation, one function per kind: exact keys, typed values


def _fail(field: str, reason: str) -> InvalidEvent:
    return InvalidEvent(field, reason)


def _exact_keys(payload: Mapping[str, Any], keys: tuple[str, ...], kind: str) -> None:
    got, want = set(payload), set(keys)
    if got != want:
        missing, extra = sorted(want - got), sorted(got - want)
        raise _fail(
            "event.payload",
            f"{kind} payload has exactly the keys {sorted(want)}; missing {missing}, extra {extra}",
        )


def _text(payload: Mapping[str, Any], key: str, *, empty: bool = False) -> str:
    value = payload[key]
    if not isinstance(value, str) or len(value) > _MAX_TEXT or (not empty and not value.strip()):
        need = "a string" if empty else "a non-empty string"
        raise _fail(
            f"event.payload.{key}", f"expected {need} of at most {_MAX_TEXT} chars, got {value!r}"
        )
    return value


def _pattern(payload: Mapping[str, Any], key: str, pattern: re.Pattern[str], what: str) -> str:
    value = payload[key]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _fail(f"event.payload.{key}", f"expected {what}, got {value!r}")
    return value


def _choice(payload: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = payload[key]
    if value not in choices:
        raise _fail(f"event.payload.{key}", f"expected one of {list(choices)}, got {value!r}")
    return str(value)


_HEX = (_HEX64, "64 lower-case hex characters")


def _check_record_created(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("canonical_record", "canonical_sha256", "receipt"), "record_created")
    if not isinstance(p["canonical_record"], Mapping):
        raise _fail("event.payload.canonical_record", "expected an object")
    _pattern(p, "canonical_sha256", *_HEX)
    digest = sha256_digest(canonical_bytes(p["canonical_record"]))
    if digest.hex != p["canonical_sha256"]:
        raise _fail(
            "event.payload.canonical_sha256",
            f"{p['canonical_sha256']!r} is not the SHA-256 of the canonical record ({digest.hex})",
        )
    try:
        receipt = Receipt.from_json(p["receipt"])
    except InvalidReceipt as exc:
        raise _fail("event.payload.receipt", str(exc)) from exc
    if receipt.canonical_sha256 != digest.hex:
        raise _fail("event.payload.receipt", "the receipt signs another canonical_sha256")
    submitted = p["canonical_record"].get("metadata", {}).get("submitted_at", "")
    if not isinstance(submitted, str) or not submitted[:4].isdigit():
        raise _fail("event.payload.canonical_record", "metadata.submitted_at is missing")
    expected = pith_number_for(digest, int(submitted[:4])).full
    if expected != subject:
        raise _fail(
            "event.subject", f"{subject!r} is not the pith number of the record ({expected})"
        )


def _check_graph_snapshot(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("graph_snapshot", "snapshot_sha256"), "graph_snapshot")
    if not isinstance(p["graph_snapshot"], Mapping):
        raise _fail("event.payload.graph_snapshot", "expected an object")
    _pattern(p, "snapshot_sha256", *_HEX)
    digest = sha256_digest(canonical_bytes(p["graph_snapshot"])).hex
    if digest != p["snapshot_sha256"]:
        raise _fail("event.payload.snapshot_sha256", f"is not the snapshot's SHA-256 ({digest})")


def _check_timestamp_anchor(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("anchored_sha256", "method", "proof_b64"), "timestamp_anchor")
    _pattern(p, "anchored_sha256", *_HEX)
    _choice(p, "method", ("opentimestamps", "rfc3161"))
    proof = _text(p, "proof_b64")
    try:
        base64.b64decode(proof, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _fail("event.payload.proof_b64", f"not standard base64: {proof[:40]!r}") from exc


def _check_storage_attestation(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("archive", "captured_at", "content_sha256", "url"), "storage_attestation")
    _text(p, "archive")
    _pattern(p, "url", _URL, "an http(s) URL")
    _pattern(p, "captured_at", _TIME, "a time YYYY-MM-DDTHH:MM:SSZ")
    _pattern(p, "content_sha256", *_HEX)


def _check_author_attestation(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("author", "strength"), "author_attestation")
    _text(p, "author")
    _choice(p, "strength", ("weak", "strong"))


def _check_citation_signature(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("cited", "note", "relation"), "citation_signature")
    _choice(p, "relation", tuple(r.value for r in CitationRelation))
    cited = p["cited"]
    try:
        canonical = parse_pith_number(cited).full if isinstance(cited, str) else None
    except ValueError:
        canonical = None
    if canonical is None or canonical != cited:
        raise _fail(
            "event.payload.cited", f"expected a full pith number pith:YYYY:BODY, got {cited!r}"
        )
    if cited == subject:
        raise _fail("event.payload.cited", "a paper does not sign a citation of itself")
    _text(p, "note", empty=True)


def _check_replication_record(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(
        p, ("evidence_sha256", "evidence_url", "kind", "outcome", "summary"), "replication_record"
    )
    _choice(p, "kind", ("replication", "falsification", "formal_bridge"))
    _choice(p, "outcome", ("reproduced", "not_reproduced", "partial", "linked"))
    _pattern(p, "evidence_url", _URL, "an http(s) URL")
    _pattern(p, "evidence_sha256", *_HEX)
    _text(p, "summary", empty=True)


def _check_revocation(p: Mapping[str, Any], subject: str) -> None:
    _exact_keys(p, ("reason", "revokes"), "revocation")
    _pattern(p, "revokes", _EVENT_ID, "an event id sha256:<64 hex>")
    _text(p, "reason", empty=True)


_CHECKS: dict[EventKind, Callable[[Mapping[str, Any], str], None]] = {
    EventKind.RECORD_CREATED: _check_record_created,
    EventKind.GRAPH_SNAPSHOT: _check_graph_snapshot,
    EventKind.TIMESTAMP_ANCHOR: _check_timestamp_anchor,
    EventKind.STORAGE_ATTESTATION: _check_storage_attestation,
    EventKind.AUTHOR_ATTESTATION: _check_author_attestation,
    EventKind.CITATION_SIGNATURE: _check_citation_signature,
    EventKind.REPLICATION_RECORD: _check_replication_record,
    EventKind.REVOCATION: _check_revocation,
    EventKind.INTEGRITY: check_integrity_payload,
}


# ---------------------------------------------------------------------------------------------
# statement and envelope

_STATEMENT_KEYS = (
    "created_at",
    "event_type",
    "event_version",
    "nonce",
    "payload",
    "signer",
    "subject",
    "target",
)


def _parse_signer(obj: Any) -> Signer:
    if not isinstance(obj, Mapping) or set(obj) != {
        "key_id",
        "public_key",
        "signer_id",
        "signer_type",
    }:
        raise _fail("event.signer", "expected exactly {key_id, public_key, signer_id, signer_type}")
    key_id, public_hex, signer_id, signer_type = (
        obj["key_id"],
        obj["public_key"],
        obj["signer_id"],
        obj["signer_type"],
    )
    if not isinstance(key_id, str) or not _SIGNER_ID.fullmatch(key_id):
        raise _fail(
            "event.signer.key_id", f"expected a non-empty id of at most 200 chars, got {key_id!r}"
        )
    if not isinstance(public_hex, str) or not _HEX64.fullmatch(public_hex):
        raise _fail(
            "event.signer.public_key",
            f"expected the raw Ed25519 key as 64 lower-case hex, got {public_hex!r}",
        )
    if not isinstance(signer_id, str) or not _SIGNER_ID.fullmatch(signer_id):
        raise _fail(
            "event.signer.signer_id",
            f"expected a non-empty id of at most 200 chars, got {signer_id!r}",
        )
    if signer_type not in {t.value for t in SignerType}:
        raise _fail(
            "event.signer.signer_type",
            f"expected one of {[t.value for t in SignerType]}, got {signer_type!r}",
        )
    return Signer(key_id, bytes.fromhex(public_hex), signer_id, SignerType(signer_type))


def _parse_statement(obj: Any) -> tuple[EventKind, str, str, dict[str, Any], str, str, Signer]:
    # 1. the statement's own keys
    if not isinstance(obj, Mapping):
        raise _fail("event", f"expected an object, got {type(obj).__name__}")
    if set(obj) != set(_STATEMENT_KEYS):
        raise _fail(
            "event",
            f"a statement has exactly the keys {list(_STATEMENT_KEYS)}; got {sorted(obj)}",
        )
    if obj["event_version"] != EVENT_VERSION:
        raise _fail(
            "event.event_version", f"expected {EVENT_VERSION!r}, got {obj['event_version']!r}"
        )
    try:
        kind = EventKind(obj["event_type"])
    except ValueError as exc:
        raise _fail(
            "event.event_type",
            f"expected one of {[k.value for k in EventKind]}, got {obj['event_type']!r}",
        ) from exc
    # 2. subject, target, nonce, time
    subject = obj["subject"]
    try:
        full = parse_pith_number(subject).full if isinstance(subject, str) else None
    except ValueError:
        full = None
    if full is None or full != subject:
        raise _fail("event.subject", f"expected a full pith number pith:YYYY:BODY, got {subject!r}")
    if obj["target"] != TARGETS[kind]:
        raise _fail(
            "event.target", f"{kind.value} targets {TARGETS[kind]!r}, got {obj['target']!r}"
        )
    nonce, created_at = obj["nonce"], obj["created_at"]
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise _fail("event.nonce", f"expected 16 to 64 lower-case hex characters, got {nonce!r}")
    if not isinstance(created_at, str) or not _TIME.fullmatch(created_at):
        raise _fail("event.created_at", f"expected YYYY-MM-DDTHH:MM:SSZ, got {created_at!r}")
    try:
        datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise _fail("event.created_at", f"not a real time: {created_at!r}") from exc
    # 3. signer and payload
    signer = _parse_signer(obj["signer"])
    payload = obj["payload"]
    if not isinstance(payload, Mapping):
        raise _fail("event.payload", f"expected an object, got {type(payload).__name__}")
    _CHECKS[kind](payload, subject)
    if kind in REGISTRY_KINDS and signer.signer_type is not SignerType.REGISTRY:
        raise _fail("event.signer.signer_type", f"{kind.value} is signed by the registry")
    return kind, subject, obj["target"], dict(payload), nonce, created_at, signer


def check_signer(signer: Signer, trust: TrustStore) -> None:
    """Refuse a signer that claims what only a trusted key may (pure; raises, never returns False).

    An event's signature proves only that *its own* key signed it; the names beside the key are
    free text. So, against the trust store (our current and retired keys, external registries):

    1. a ``key_id`` naming a trusted key must carry exactly that key, and a trusted key must be
       named by its own id (:class:`KeyIdCollision`): nobody borrows ``pith-v1-2026-05``;
    2. ``signer_type: "registry"`` needs a trusted key (:class:`RegistryImpersonation`);
    3. so does a registry signer id: ``registry:…`` or a trusted key's id.
    """
    claimed = trust.entry_by_key_id(signer.key_id)
    if claimed is not None and claimed.key.raw != signer.public_key:
        raise KeyIdCollision(
            "event.signer.key_id",
            f"{signer.key_id!r} names a trusted key ({claimed.status.value}, fingerprint "
            f"{claimed.key.fingerprint}); this event carries another key ({signer.fingerprint}): "
            "choose a key id of your own",
        )
    holder = trust.entry_by_public_key(signer.public_key)
    if holder is not None and holder.key.key_id != signer.key_id:
        raise KeyIdCollision(
            "event.signer.key_id",
            f"the trusted key {signer.fingerprint} is named {holder.key.key_id!r}, "
            f"not {signer.key_id!r}",
        )
    trusted = claimed is not None  # and, by step 1, it is the very key
    if signer.signer_type is SignerType.REGISTRY and not trusted:
        raise RegistryImpersonation(
            "event.signer.signer_type",
            f"signer_type 'registry' is the registry's alone; key {signer.key_id!r} "
            f"({signer.fingerprint}) is not a trusted registry key",
        )
    reserved = signer.signer_id.startswith(REGISTRY_SIGNER_PREFIX) or signer.signer_id in trust
    if reserved and not trusted:
        raise RegistryImpersonation(
            "event.signer.signer_id",
            f"signer id {signer.signer_id!r} is reserved for the registry's trusted keys",
        )


def parse_event(envelope: Any) -> SignedEvent:
    """Parse and verify an envelope; raises :class:`InvalidEvent` / :class:`InvalidEventSignature`.

    1. the envelope has exactly ``event``, ``event_id``, ``signature_b64``;
    2. the statement has the exact canonical form of its kind (``schema/events.md``);
    3. ``event_id`` is the SHA-256 of the statement's canonical bytes;
    4. ``signature_b64`` verifies over those digest bytes with the signer's public key.
    """
    # 1. envelope
    if not isinstance(envelope, Mapping) or set(envelope) != {"event", "event_id", "signature_b64"}:
        raise _fail("envelope", "expected exactly {event, event_id, signature_b64}")
    # 2. statement
    kind, subject, target, payload, nonce, created_at, signer = _parse_statement(envelope["event"])
    # 3. id
    try:
        data = canonical_bytes(envelope["event"])
    except ValueError as exc:
        raise _fail("event", f"not encodable as canonical JSON: {exc}") from exc
    digest = sha256_digest(data)
    event_id = "sha256:" + digest.hex
    if envelope["event_id"] != event_id:
        raise _fail("event_id", f"{envelope['event_id']!r} is not the statement's id {event_id}")
    # 4. signature
    signature = envelope["signature_b64"]
    if not isinstance(signature, str):
        raise InvalidEventSignature("signature_b64", f"expected a string, got {signature!r}")
    try:
        verify_digest_signature(signer.key, digest, signature)
    except InvalidReceipt as exc:
        raise InvalidEventSignature("signature_b64", f"event {event_id}: {exc}") from exc
    return SignedEvent(
        event_id, kind, subject, target, payload, nonce, created_at, signer, signature
    )


def build_event(
    kind: EventKind | str,
    subject: str,
    payload: Mapping[str, Any],
    *,
    key: SigningKey,
    signer_id: str,
    signer_type: SignerType | str,
    nonce: str,
    created_at: datetime,
) -> SignedEvent:
    """Build, sign and (through :func:`parse_event`) validate an event. Pure: pass time and nonce."""
    kind = EventKind(kind)
    signer = Signer(key.key_id, key.public_key.raw, signer_id, SignerType(signer_type))
    statement = {
        "event_version": EVENT_VERSION,
        "event_type": kind.value,
        "subject": subject,
        "target": TARGETS[kind],
        "payload": dict(payload),
        "nonce": nonce,
        "created_at": format_event_time(created_at),
        "signer": signer.to_json(),
    }
    digest: Digest = sha256_digest(canonical_bytes(statement))
    return parse_event(
        {
            "event": statement,
            "event_id": "sha256:" + digest.hex,
            "signature_b64": sign_digest(key, digest),
        }
    )
