"""The registry's signing key, its trust store, and the public documents about them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pith_graph import keystore
from pith_graph.core.key_documents import SIGNING_KEY_PATH, mirror_manifest, signing_key_document
from pith_graph.core.signing import PublicKey, SigningKey
from pith_graph.core.trust import KeyStatus, TrustStore

__all__ = [
    "current_public_key",
    "mirror_manifest_document",
    "published_keys",
    "registry_signing_key",
    "registry_trust_store",
    "signing_key_json",
]

log = logging.getLogger(__name__)


def registry_signing_key(data_dir: Path) -> SigningKey:
    """The current signing key; on a fresh data directory one is generated (and logged)."""
    if keystore.load_signing_key_from_env() is None and not keystore.list_keys(data_dir):
        info = keystore.generate_key(data_dir)
        log.warning("no signing key in %s: generated %s", keystore.keys_dir(data_dir), info.key_id)
    return keystore.load_signing_key(data_dir)


def registry_trust_store(data_dir: Path) -> TrustStore:
    """The reference registry's key plus our own current and retired keys."""
    return keystore.trust_store_for(data_dir)


def _own_keys(data_dir: Path) -> tuple[keystore.KeyInfo, ...]:
    # A key given in PITH_SIGNING_KEY is the one receipts use: it is current (listed last); the
    # directory's keys keep their recorded status.
    keys = keystore.list_keys(data_dir)
    from_env = keystore.load_signing_key_from_env()
    if from_env is not None and all(k.public_key != from_env.public_key for k in keys):
        keys = keys + (
            keystore.KeyInfo(from_env.key_id, from_env.public_key, KeyStatus.CURRENT, None),  # type: ignore[arg-type]
        )
    return keys


def current_public_key(data_dir: Path) -> PublicKey:
    """The public half of the key new receipts are signed with; KeyStoreError when none."""
    current = [k for k in _own_keys(data_dir) if k.status is KeyStatus.CURRENT]
    if not current:
        raise keystore.KeyStoreError("no current key to publish; run `pith-graph keys generate`")
    return current[-1].public_key


def published_keys(data_dir: Path) -> dict[str, Any]:
    """The public key document (``keystore.published_keys_document``) of this registry."""
    return keystore.published_keys_document(_own_keys(data_dir))


def signing_key_json(data_dir: Path, base_url: str) -> dict[str, Any]:
    """``/pith-signing-key.json``: the current key in the reference system's document shape."""
    return signing_key_document(
        current_public_key(data_dir), url=base_url.rstrip("/") + SIGNING_KEY_PATH
    )


def mirror_manifest_document(data_dir: Path, base_url: str) -> dict[str, Any]:
    """``/pith-mirrors.json``: this registry as the primary mirror, with its signing key."""
    return mirror_manifest(base_url, signing_key_json(data_dir, base_url))
