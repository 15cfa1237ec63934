"""Canonical JSON bytes and their SHA-256 digest.

REFERENCE.md, "Identity" (V): the canonical bytes of a record are its JSON with keys sorted,
separators ``,`` and ``:``, UTF-8, non-ASCII not escaped; ``canonical_sha256`` is the SHA-256 of
those bytes. NaN and infinities are refused: they have no JSON spelling.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, NewType

import orjson

__all__ = ["CanonicalBytes", "Digest", "canonical_bytes", "sha256_digest"]

CanonicalBytes = NewType("CanonicalBytes", bytes)


def canonical_bytes(obj: Any) -> CanonicalBytes:
    """Encode ``obj`` as canonical JSON bytes (REFERENCE.md "Canonical bytes", verified).

    >>> canonical_bytes({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    try:
        fast = orjson.dumps(obj, option=_FAST_OPTIONS)
    except TypeError:  # not plain JSON data to orjson: the definition encodes (or refuses) it
        pass
    else:
        if b"null" not in fast and _FLOAT.search(fast) is None:
            return CanonicalBytes(fast)
    return CanonicalBytes(_ENCODER.encode(obj).encode("utf-8"))


# The definition: the standard library's encoder with these options. One encoder for every
# call: ``json.dumps`` with options builds a new one each time.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
# orjson writes the definition's bytes, some ten times faster, for dicts with string keys,
# lists, tuples, strings, booleans, None and integers of up to 64 bits, and raises TypeError
# for the rest (subclasses such as a StrEnum, dataclasses and datetimes are passed through to
# raise; so do larger integers, non-string keys, unpaired surrogates, deep nesting). Not for
# floats: it spells many differently (9.6e-05 is 0.000096..., 1e-07 is 1e-7) and writes NaN
# and the infinities, which the definition refuses, as null. So an output holding a number
# token with a fraction or an exponent, or a null, is encoded by the definition instead; both
# checks also match such text inside a string, which costs time, never other bytes. (orjson
# also writes an Enum member or a UUID, which the definition refuses; no record holds one.)
_FAST_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
# A number token starts the output or follows '[', ',' or ':'; a float has '.' or 'e'.
_FLOAT = re.compile(rb"(?:^|[\[,:])-?[0-9]+[.eE]")


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
