"""Pith receipts: a registry's Ed25519 signature over a canonical digest.

Fields and meanings follow the founding record (REFERENCE.md "Receipts and keys"): ``kind`` =
``pith_receipt``, ``algorithm`` = ``ed25519``, ``signed_message`` = ``canonical_sha256_bytes``
(the raw 32 digest bytes are signed), ``receipt_version`` = ``0.3``, ``signature_status`` =
``signed_v1``, timestamps as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidReceipt
from pith_graph.core.signing import PublicKey, SigningKey, sign_digest, verify_digest_signature
from pith_graph.core.trust import TrustStore

__all__ = [
    "BUILDER_VERSION",
    "RECEIPT_VERSION",
    "Receipt",
    "format_receipt_time",
    "issue_receipt",
    "verify_receipt",
]

BUILDER_VERSION = "pith-graph-builder-0.1.0"
RECEIPT_VERSION = "0.3"
SIGNED_MESSAGE = "canonical_sha256_bytes"


@lru_cache(maxsize=64)  # a batch signs every receipt at one time: formatted once
def format_receipt_time(moment: datetime) -> str:
    """``2026-05-21T01:05:17.690768Z``: UTC, microseconds, ``Z`` (as in the founding receipt)."""
    if moment.tzinfo is None:
        raise ValueError(f"receipt times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Receipt:
    """Exactly the reference receipt fields."""

    key_id: str
    signed_at: str
    signature_b64: str
    builder_version: str
    canonical_sha256: str
    last_reissued_at: str
    first_computed_at: str
    public_key_fingerprint: str
    kind: str = "pith_receipt"
    algorithm: str = "ed25519"
    signed_message: str = SIGNED_MESSAGE
    receipt_version: str = RECEIPT_VERSION
    signature_status: str = "signed_v1"

    def to_json(self) -> dict[str, str]:
        """The receipt object, keys in the reference order."""
        # Plain getattr, not dataclasses.asdict (a deep copy): bulk ingest builds one per paper.
        return {name: getattr(self, name) for name in _JSON_ORDER}

    @classmethod
    def from_json(cls, obj: Any) -> Receipt:
        """Parse a full receipt; raises :class:`InvalidReceipt` naming a missing/bad field."""
        if not isinstance(obj, Mapping):
            raise InvalidReceipt(f"receipt: expected an object, got {obj!r}")
        values: dict[str, str] = {}
        for name in _FIELDS:
            value = obj.get(name)
            if not isinstance(value, str):
                raise InvalidReceipt(f"receipt.{name}: expected a string, got {value!r}")
            values[name] = value
        return cls(**values)


# The fields in declaration order, read once (``dataclasses.fields`` a record is a tenth of
# parsing its receipt).
_FIELDS = tuple(f.name for f in fields(Receipt))
# The reference receipt's key order (REFERENCE.md "Receipts and keys").
_JSON_ORDER = (
    "kind",
    "key_id",
    "algorithm",
    "signed_at",
    "signature_b64",
    "signed_message",
    "builder_version",
    "receipt_version",
    "canonical_sha256",
    "last_reissued_at",
    "signature_status",
    "first_computed_at",
    "public_key_fingerprint",
)


def issue_receipt(
    key: SigningKey,
    digest: Digest,
    now: datetime,
    first_computed_at: datetime | None = None,
    builder_version: str = BUILDER_VERSION,
) -> Receipt:
    """Sign ``digest`` with ``key`` at ``now``; a re-issue passes the original ``first_computed_at``."""
    stamp = format_receipt_time(now)
    return Receipt(
        key_id=key.key_id,
        signed_at=stamp,
        signature_b64=sign_digest(key, digest),
        builder_version=builder_version,
        canonical_sha256=digest.hex,
        last_reissued_at=stamp,
        first_computed_at=(
            stamp if first_computed_at is None else format_receipt_time(first_computed_at)
        ),
        public_key_fingerprint=key.public_key.fingerprint,
    )


def verify_receipt(receipt: Receipt, digest: Digest, trust_store: TrustStore) -> PublicKey:
    """Verify a receipt against the digest it claims to sign; return the key that signed it.

    1. the receipt is about this digest (``canonical_sha256``) and uses our algorithm;
    2. its key id is trusted (else :class:`UnknownSigningKey`) and the fingerprint matches;
    3. the Ed25519 signature over the raw digest verifies (else :class:`InvalidReceipt`).
    """
    # 1. digest and algorithm
    if receipt.canonical_sha256 != digest.hex:
        raise InvalidReceipt(
            f"receipt signs canonical_sha256 {receipt.canonical_sha256!r}, not {digest.hex!r}"
        )
    if receipt.algorithm != "ed25519" or receipt.signed_message != SIGNED_MESSAGE:
        raise InvalidReceipt(
            f"unsupported receipt algorithm {receipt.algorithm!r} / message {receipt.signed_message!r}"
        )
    # 2. key
    key = trust_store.by_key_id(receipt.key_id)
    if key.fingerprint != receipt.public_key_fingerprint:
        raise InvalidReceipt(
            f"receipt fingerprint {receipt.public_key_fingerprint!r} is not that of trusted key "
            f"{receipt.key_id!r} ({key.fingerprint})"
        )
    # 3. signature
    verify_digest_signature(key, digest, receipt.signature_b64)
    return key
