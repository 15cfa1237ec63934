"""Ed25519 keys and signatures over digests (PyNaCl).

REFERENCE.md, "Receipts and keys" (V): a receipt signs the **raw 32-byte digest** with Ed25519,
``signature_b64`` is standard base64, and ``public_key_fingerprint`` is the first 16 bytes of
SHA-256 of the raw 32-byte public key, in hex. PyNaCl's errors are translated here, at the edge,
into :class:`InvalidReceipt`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidReceipt

__all__ = [
    "PublicKey",
    "SigningKey",
    "fingerprint_of",
    "generate_signing_key",
    "sign_digest",
    "sign_message",
    "signing_key_from_seed",
    "verify_digest_signature",
]


def fingerprint_of(raw: bytes) -> str:
    """First 16 bytes of SHA-256 of a raw public key, hex (REFERENCE.md, verified)."""
    return hashlib.sha256(raw).digest()[:16].hex()


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A registry's Ed25519 public key and the id receipts name it by."""

    key_id: str
    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.key_id, str) or not self.key_id:
            raise ValueError(f"a key id is a non-empty string, got {self.key_id!r}")
        if not isinstance(self.raw, bytes) or len(self.raw) != 32:
            raise ValueError(f"an Ed25519 public key has 32 bytes, got {self.raw!r}")

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.raw)

    @property
    def hex(self) -> str:
        return self.raw.hex()

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")


class SigningKey:
    """A private Ed25519 key with its key id. Its repr and str never show private bytes."""

    __slots__ = ("_key", "key_id")

    def __init__(self, key_id: str, key: nacl.signing.SigningKey) -> None:
        if not isinstance(key_id, str) or not key_id:
            raise ValueError(f"a key id is a non-empty string, got {key_id!r}")
        self.key_id = key_id
        self._key = key

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key_id, bytes(self._key.verify_key))

    def export_seed(self) -> bytes:
        """The 32-byte private seed, for the keystore to write to disk. Never log it."""
        return bytes(self._key)

    def _sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id!r}, fingerprint={self.public_key.fingerprint!r})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("SigningKey cannot be pickled")


def signing_key_from_seed(key_id: str, seed32: bytes) -> SigningKey:
    """Rebuild a signing key from its 32-byte seed; ``ValueError`` if the length is wrong."""
    if not isinstance(seed32, bytes) or len(seed32) != 32:
        raise ValueError(
            f"an Ed25519 seed has 32 bytes, got {len(seed32) if isinstance(seed32, bytes) else type(seed32).__name__}"
        )
    return SigningKey(key_id, nacl.signing.SigningKey(seed32))


def generate_signing_key(key_id: str, seed: bytes | None = None) -> SigningKey:
    """A new random key (or the key of ``seed``, for deterministic tests)."""
    if seed is not None:
        return signing_key_from_seed(key_id, seed)
    return SigningKey(key_id, nacl.signing.SigningKey.generate())


def sign_digest(key: SigningKey, digest: Digest) -> str:
    """Standard base64 of the 64-byte Ed25519 signature over the 32 raw digest bytes."""
    return base64.b64encode(key._sign(digest.raw)).decode("ascii")


def sign_message(key: SigningKey, message: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature over ``message`` itself (signed notes sign their text)."""
    return key._sign(message)


def verify_digest_signature(public_key: PublicKey, digest: Digest, signature_b64: str) -> None:
    """Verify ``signature_b64`` over ``digest.raw``; raise :class:`InvalidReceipt` if it fails."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidReceipt(f"signature {signature_b64!r} is not standard base64") from exc
    if base64.b64encode(signature).decode("ascii") != signature_b64:
        # Non-zero padding bits decode to the same bytes: accept one spelling per signature.
        raise InvalidReceipt(f"signature {signature_b64!r} is not canonical standard base64")
    if len(signature) != 64:
        raise InvalidReceipt(
            f"an Ed25519 signature has 64 bytes, {signature_b64!r} has {len(signature)}"
        )
    try:
        nacl.signing.VerifyKey(public_key.raw).verify(digest.raw, signature)
    except nacl.exceptions.BadSignatureError as exc:
        raise InvalidReceipt(
            f"signature does not verify for digest {digest.hex} with key {public_key.key_id!r} "
            f"(fingerprint {public_key.fingerprint})"
        ) from exc
