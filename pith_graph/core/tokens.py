"""API tokens, pure: their format, their hash, and what their scopes allow.

A token reads ``pith_tok_<token_id>_<secret>``: ``token_id`` (16 hex digits) is public and names
the token in listings and revocations; ``secret`` is 256 random bits. The registry keeps only the
SHA-256 of the whole token (a high-entropy secret needs no slow hash), and compares hashes in
constant time. ``admin`` implies every other scope.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

__all__ = [
    "TOKEN_PREFIX",
    "Scope",
    "allows",
    "hash_matches",
    "new_token",
    "parse_scopes",
    "parse_token",
    "token_sha256",
]

TOKEN_PREFIX = "pith_tok_"
_TOKEN = re.compile(r"pith_tok_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


class Scope(enum.Enum):
    REGISTER = "register"  # registerPaper, addReferences, addClaims
    ATTEST = "attest"  # signed events: anchors, attestations, citations, replications, revocations
    IMPORT = "import"  # importRecord
    ADMIN = "admin"  # everything


def new_token() -> tuple[str, str]:
    """A fresh ``(token_id, token)``; the token is shown once and never stored."""
    token_id = secrets.token_hex(8)
    return token_id, f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"


def parse_token(text: str) -> str | None:
    """The token id of a well-formed token, else None (the secret is checked by hash)."""
    match = _TOKEN.fullmatch(text)
    return match.group(1) if match else None


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_matches(token: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(token_sha256(token), stored_sha256)


def allows(granted: Iterable[str], needed: Scope) -> bool:
    have = set(granted)
    return Scope.ADMIN.value in have or needed.value in have


def parse_scopes(names: Iterable[str]) -> tuple[str, ...]:
    """Validated, de-duplicated scope names in canonical order; ValueError names a bad one."""
    known = {s.value for s in Scope}
    wanted = set()
    for name in names:
        if name not in known:
            raise ValueError(f"unknown scope {name!r}: use {', '.join(sorted(known))}")
        wanted.add(name)
    if not wanted:
        raise ValueError("give at least one scope")
    return tuple(s.value for s in Scope if s.value in wanted)
