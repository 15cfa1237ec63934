"""The public documents a registry publishes about its keys and mirrors (pure).

Shapes follow the reference system (REFERENCE.md "Integrity", R):

* the **signing-key document** ``/pith-signing-key.json``: ``key_id``, ``algorithm: "ed25519"``,
  ``format: "raw"``, the raw key in base64 and hex, ``fingerprint_sha256_b32_first128bits`` (the
  first 128 bits of SHA-256 of the raw key in upper-case RFC 4648 base32, no padding: 26
  characters), ``fingerprint_sha256_hex`` (the same 128 bits in hex, which is also the receipts'
  ``public_key_fingerprint``), ``rotates_at`` and ``url``;
* the **key list** ``/.well-known/pith/keys.json``: the current key's fields, then ``keys``:
  every key of the trust store with its ``status`` (``current``, ``retired``, ``external``: an
  other registry's key we accept receipts from, such as ``pith-v1-2026-05``, which signed the
  founding record) and dates, so every receipt we serve verifies from published keys alone;
* the **mirror manifest** ``/pith-mirrors.json``: ``manifest_type: "pith_mirror_manifest"``,
  ``merge_version``, ``mirrors`` (this registry first, as ``primary``, or as ``mirror`` with
  ``mirrored_from`` when it follows other registries, which are listed next), the signing key, and the
  URL patterns of bundles, merged states and well-known bundles (``{suffix}`` is the 26-character
  body of a pith number).

A **key rotation** is announced by the key it retires: ``rotation`` on the new key's entry of the
key list holds ``{statement_type: "pith_key_rotation", retired_key_id, retired_public_key_hex,
key_id, public_key_hex, rotated_at}`` and ``signature_b64``, Ed25519 by the retired key over the
SHA-256 of the statement's canonical JSON. A follower that trusts the retired key accepts the new
one only with a valid announcement (:func:`announced_keys`); receipts signed by the retired key
stay valid (it stays in the list as ``retired``).

The manifest is a convenience, not a trust anchor: a mirror's state is recomputed from the signed
events by the deterministic merge, never taken from the manifest.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidReceipt
from pith_graph.core.merge import MERGE_VERSION
from pith_graph.core.signing import PublicKey, SigningKey, sign_digest, verify_digest_signature
from pith_graph.core.trust import KeyStatus, TrustStore

__all__ = [
    "MANIFEST_TYPE",
    "MIRRORS_PATH",
    "ROTATION_STATEMENT_TYPE",
    "SIGNING_KEY_PATH",
    "announced_keys",
    "fingerprint_b32",
    "mirror_manifest",
    "published_keys_document",
    "rotation_announcement",
    "signing_key_document",
]

MANIFEST_TYPE = "pith_mirror_manifest"
SIGNING_KEY_PATH = "/pith-signing-key.json"
MIRRORS_PATH = "/pith-mirrors.json"
_MANIFEST_NOTE = (
    "Any conforming mirror may host the same Pith Open Graph bundles. Current state is computed "
    "by deterministic merge, not by trusting this manifest."
)


ROTATION_STATEMENT_TYPE = "pith_key_rotation"


def _rotation_statement(retired: PublicKey, new: PublicKey, rotated_at: str) -> dict[str, Any]:
    return {
        "statement_type": ROTATION_STATEMENT_TYPE,
        "retired_key_id": retired.key_id,
        "retired_public_key_hex": retired.hex,
        "key_id": new.key_id,
        "public_key_hex": new.hex,
        "rotated_at": rotated_at,
    }


def rotation_announcement(retired: SigningKey, new: PublicKey, rotated_at: str) -> dict[str, Any]:
    """The statement that ``retired`` hands over to ``new``, signed by ``retired``."""
    statement = _rotation_statement(retired.public_key, new, rotated_at)
    return {**statement, "signature_b64": sign_digest(retired, sha256_digest(canonical_bytes(statement)))}


def announced_keys(trusted: set[bytes], entries: Sequence[Any]) -> set[bytes]:
    """``trusted`` raw public keys plus every key a valid rotation announcement (an entry's
    ``rotation``) hands over to from a trusted key, transitively (a chain of rotations)."""
    known = set(trusted)
    pending = [
        e["rotation"] for e in entries
        if isinstance(e, Mapping) and isinstance(e.get("rotation"), Mapping)
    ]  # fmt: skip
    grew = True
    while grew:
        grew = False
        for rotation in pending:
            try:
                retired = bytes.fromhex(str(rotation["retired_public_key_hex"]))
                new = bytes.fromhex(str(rotation["public_key_hex"]))
                if new in known or retired not in known:
                    continue
                statement = _rotation_statement(
                    PublicKey(str(rotation["retired_key_id"]), retired),
                    PublicKey(str(rotation["key_id"]), new),
                    str(rotation["rotated_at"]),
                )
                verify_digest_signature(
                    PublicKey(str(rotation["retired_key_id"]), retired),
                    sha256_digest(canonical_bytes(statement)),
                    str(rotation["signature_b64"]),
                )
            except (KeyError, ValueError, TypeError, InvalidReceipt):
                continue
            known.add(new)
            grew = True
    return known


def fingerprint_b32(raw: bytes) -> str:
    """The first 128 bits of SHA-256 of a raw public key, upper-case base32 without padding."""
    return base64.b32encode(hashlib.sha256(raw).digest()[:16]).decode("ascii").rstrip("=")


def signing_key_document(
    key: PublicKey, *, url: str | None = None, rotates_at: str | None = None
) -> dict[str, Any]:
    """The reference system's signing-key document for ``key`` (public data only)."""
    return {
        "key_id": key.key_id,
        "algorithm": "ed25519",
        "format": "raw",
        "public_key_b64": key.b64,
        "public_key_hex": key.hex,
        "fingerprint_sha256_b32_first128bits": fingerprint_b32(key.raw),
        "fingerprint_sha256_hex": key.fingerprint,
        "public_key_fingerprint": key.fingerprint,
        "rotates_at": rotates_at,
        "url": url,
    }


def published_keys_document(
    trust: TrustStore,
    *,
    rotates_at: str | None = None,
    rotations: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The key list: the current key (the last ``current`` entry: receipts are signed with it)
    in the signing-key shape, and ``keys``, every trusted key with status and dates (and, for
    a key made by a rotation, the announcement in ``rotations`` by key id).

    Raises ``ValueError`` when the store has no current key.
    """
    current = [e for e in trust.entries if e.status is KeyStatus.CURRENT]
    if not current:
        raise ValueError("no current key to publish")
    doc = signing_key_document(current[-1].key, rotates_at=rotates_at)
    del doc["url"]
    doc["keys"] = [
        {
            **{k: v for k, v in signing_key_document(e.key).items() if k not in ("url", "rotates_at")},
            "status": e.status.value,
            "created_at": e.created_at,
            "retired_at": e.retired_at,
            **({"rotation": dict(rotations[e.key.key_id])} if rotations and e.key.key_id in rotations else {}),
        }
        # Ours first (in the order they were made), then the external registries'.
        for e in sorted(trust.entries, key=lambda e: e.status is KeyStatus.EXTERNAL)
    ]
    return doc


def _mirror_name(base_url: str) -> str:
    return urlsplit(base_url).netloc or base_url


def _origin_entry(origin: Mapping[str, Any]) -> dict[str, Any]:
    url = str(origin["url"]).rstrip("/")
    return {
        "name": _mirror_name(url),
        "mirror_type": "https",
        "base_url": url,
        "status": "primary",
        "bundle_pattern": f"{url}/pith/{{suffix}}/bundle.json",
        "state_pattern": f"{url}/pith/{{suffix}}/state.json",
        "signing_key_url": f"{url}{SIGNING_KEY_PATH}",
        "log_origin": origin.get("origin"),
        "mirrored_tree_size": origin.get("size"),
        "mirrored_at": origin.get("synced_at"),
    }


def mirror_manifest(
    base_url: str,
    signing_key: Mapping[str, Any],
    *,
    name: str | None = None,
    mirrors: Sequence[Mapping[str, Any]] = (),
    origins: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The mirror manifest of the registry at ``base_url``: itself first, then the registries
    it mirrors (``origins``: rows with ``url``, ``origin`` (log origin), ``size``, ``synced_at``),
    then ``mirrors`` (other known mirrors, already in the manifest's entry shape).

    A registry that follows none is the ``primary``; one that follows others is a ``mirror``
    whose ``mirrored_from`` lists their base URLs, each listed after it as ``primary``."""
    base = base_url.rstrip("/")
    followed = [str(o["url"]).rstrip("/") for o in origins]
    primary = {
        "name": name or _mirror_name(base),
        "mirror_type": "https",
        "base_url": base,
        "status": "mirror" if followed else "primary",
        **({"mirrored_from": followed} if followed else {}),
        "bundle_pattern": f"{base}/pith/{{suffix}}/bundle.json",
        "state_pattern": f"{base}/pith/{{suffix}}/state.json",
        "signing_key_url": f"{base}{SIGNING_KEY_PATH}",
    }
    return {
        "manifest_type": MANIFEST_TYPE,
        "merge_version": MERGE_VERSION,
        "mirrors": [primary, *(_origin_entry(o) for o in origins), *(dict(m) for m in mirrors)],
        "signing_key": dict(signing_key),
        "bundle_pattern": f"{base}/pith/{{suffix}}/bundle.json",
        "state_pattern": f"{base}/pith/{{suffix}}/state.json",
        "well_known_pattern": f"{base}/.well-known/pith/{{suffix}}/bundle.json",
        "note": _MANIFEST_NOTE,
    }
