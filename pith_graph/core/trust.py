"""The trust store: public keys of registries whose receipts we accept.

It holds our own keys (``current`` and ``retired``: old receipts keep verifying after a rotation)
and known external registries (``external``), such as the reference system's key published on
pith.science (REFERENCE.md "Receipts and keys", verified on every fixture receipt).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from pith_graph.core.errors import UnknownSigningKey
from pith_graph.core.signing import PublicKey

__all__ = [
    "REFERENCE_REGISTRY_KEY",
    "KeyStatus",
    "TrustStore",
    "TrustedKey",
    "default_trust_store",
]

REFERENCE_REGISTRY_KEY = PublicKey(
    "pith-v1-2026-05",
    bytes.fromhex("b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"),
)


class KeyStatus(enum.StrEnum):
    CURRENT = "current"
    RETIRED = "retired"
    EXTERNAL = "external"


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A trusted key, its status, and (for our own keys) when it was made and retired."""

    key: PublicKey
    status: KeyStatus = KeyStatus.CURRENT
    created_at: str | None = None
    retired_at: str | None = None


@dataclass(frozen=True, slots=True)
class TrustStore:
    """An immutable set of trusted keys, looked up by key id or fingerprint."""

    entries: tuple[TrustedKey, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[str, PublicKey] = {}
        for entry in self.entries:
            other = seen.get(entry.key.key_id)
            if other is not None and other.raw != entry.key.raw:
                raise ValueError(f"key id {entry.key.key_id!r} names two different keys")
            seen[entry.key.key_id] = entry.key

    def with_key(self, key: PublicKey, status: KeyStatus | str = KeyStatus.CURRENT) -> TrustStore:
        """A new store with ``key`` added (replacing the entry of the same key id)."""
        kept = tuple(e for e in self.entries if e.key.key_id != key.key_id)
        return TrustStore(kept + (TrustedKey(key, KeyStatus(status)),))

    def by_key_id(self, key_id: str) -> PublicKey:
        """The key named ``key_id``; raises :class:`UnknownSigningKey`."""
        for entry in self.entries:
            if entry.key.key_id == key_id:
                return entry.key
        raise UnknownSigningKey(key_id)

    def by_fingerprint(self, fingerprint: str) -> PublicKey:
        """The key whose fingerprint is ``fingerprint``; raises :class:`UnknownSigningKey`."""
        for entry in self.entries:
            if entry.key.fingerprint == fingerprint.lower():
                return entry.key
        raise UnknownSigningKey("<by fingerprint>", fingerprint)

    def entry_by_key_id(self, key_id: str) -> TrustedKey | None:
        """The entry named ``key_id``, or None."""
        return next((e for e in self.entries if e.key.key_id == key_id), None)

    def entry_by_public_key(self, raw: bytes) -> TrustedKey | None:
        """The entry holding the raw public key ``raw``, or None."""
        return next((e for e in self.entries if e.key.raw == raw), None)

    def status_of(self, key_id: str) -> KeyStatus:
        for entry in self.entries:
            if entry.key.key_id == key_id:
                return entry.status
        raise UnknownSigningKey(key_id)

    def keys(self) -> tuple[PublicKey, ...]:
        return tuple(e.key for e in self.entries)

    def __contains__(self, key_id: object) -> bool:
        return any(e.key.key_id == key_id for e in self.entries)


def default_trust_store(own_keys: Iterable[PublicKey | TrustedKey] = ()) -> TrustStore:
    """Our keys (a bare :class:`PublicKey` counts as current) plus the reference registry's key."""
    entries = [TrustedKey(REFERENCE_REGISTRY_KEY, KeyStatus.EXTERNAL)]
    for key in own_keys:
        entry = key if isinstance(key, TrustedKey) else TrustedKey(key, KeyStatus.CURRENT)
        entries = [e for e in entries if e.key.key_id != entry.key.key_id] + [entry]
    return TrustStore(tuple(entries))
