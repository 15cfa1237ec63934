"""Canonical JSON bytes and their SHA-256 digest.

REFERENCE.md, "Identity" (V): the canonical bytes of a record are its JSON with keys sorted,
separators ``,`` and ``:``, UTF-8, non-ASCII not escaped; ``canonical_sha256`` is the SHA-256 of
those bytes. NaN and infinities are refused: they have no JSON spelling.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NewType

__all__ = ["CanonicalBytes", "Digest", "canonical_bytes", "sha256_digest"]

CanonicalBytes = NewType("CanonicalBytes", bytes)


def canonical_bytes(obj: Any) -> CanonicalBytes:
    """Encode ``obj`` as canonical JSON bytes (REFERENCE.md "Canonical bytes", verified).

    >>> canonical_bytes({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    return CanonicalBytes(_ENCODER.encode(obj).encode("utf-8"))


# One encoder for every call: ``json.dumps`` with options builds a new one each time, a quarter
# of the cost of encoding a record. (orjson is no faster here once its output is made exact:
# it spells many floats differently, 9.6e-05 as 0.000096... and 1e-07 as 1e-7, and writes NaN
# as null, and scanning its output for those costs what it saves.)
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


@dataclass(frozen=True, slots=True)
class Digest:
    """A 32-byte SHA-256 digest; ``hex`` is what records print, ``raw`` is what receipts sign."""

    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != 32:
            raise ValueError(f"a SHA-256 digest has 32 bytes, got {self.raw!r}")

    @property
    def hex(self) -> str:
        return self.raw.hex()

    @classmethod
    def from_hex(cls, text: str) -> Digest:
        """Parse 64 hex characters (either case); raises ``ValueError`` naming the text."""
        if not isinstance(text, str) or len(text) != 64:
            raise ValueError(f"a SHA-256 digest is 64 hex characters, got {text!r}")
        try:
            return cls(bytes.fromhex(text))
        except ValueError as exc:
            raise ValueError(f"a SHA-256 digest is 64 hex characters, got {text!r}") from exc

    def __str__(self) -> str:
        return self.hex


def sha256_digest(data: CanonicalBytes) -> Digest:
    """SHA-256 of canonical bytes (the only input type the hasher accepts)."""
    # hashlib's digest is 32 bytes: set, not checked again (a record's document takes several).
    digest = object.__new__(Digest)
    object.__setattr__(digest, "raw", hashlib.sha256(data).digest())
    return digest
