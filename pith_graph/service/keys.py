"""The registry's signing key, its trust store, and the public documents about them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pith_graph import keystore
from pith_graph.core.key_documents import (
    SIGNING_KEY_PATH,
    mirror_manifest,
    published_keys_document,
    signing_key_document,
)
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


# ``env``: the signing key's environment (keystore.signing_key_env), which the app reads once at
# start; None reads the process environment (a CLI command, at its start).


def registry_signing_key(data_dir: Path, env: Mapping[str, str] | None = None) -> SigningKey:
    """The current signing key; on a fresh data directory one is generated (and logged)."""
    if keystore.load_signing_key_from_env(env) is None and not keystore.list_keys(data_dir):
        info = keystore.generate_key(data_dir)
        log.warning("no signing key in %s: generated %s", keystore.keys_dir(data_dir), info.key_id)
    return keystore.load_signing_key(data_dir, env)


def registry_trust_store(data_dir: Path, env: Mapping[str, str] | None = None) -> TrustStore:
    """The reference registry's key plus our own current and retired keys."""
    return keystore.trust_store_for(data_dir, env)


def current_public_key(data_dir: Path, env: Mapping[str, str] | None = None) -> PublicKey:
    """The public half of the key new receipts are signed with (``PITH_SIGNING_KEY`` if set,
    else the directory's current key); KeyStoreError when none."""
    current = [
        e for e in keystore.trust_store_for(data_dir, env).entries if e.status is KeyStatus.CURRENT
    ]
    if not current:
        raise keystore.KeyStoreError("no current key to publish; run `pith-graph keys generate`")
    return current[-1].key


def published_keys(
    data_dir: Path, rotates_at: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``/.well-known/pith/keys.json``: every key of the trust store (ours, current and
    retired, and the external registries'), each with its status."""
    try:
        rotations = {k.key_id: k.rotation for k in keystore.list_keys(data_dir) if k.rotation}
        return published_keys_document(
            keystore.trust_store_for(data_dir, env), rotates_at=rotates_at, rotations=rotations
        )
    except ValueError as exc:
        raise keystore.KeyStoreError(f"{exc}; run `pith-graph keys generate`") from exc


def signing_key_json(
    data_dir: Path, base_url: str, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``/pith-signing-key.json``: the current key in the reference system's document shape."""
    return signing_key_document(
        current_public_key(data_dir, env), url=base_url.rstrip("/") + SIGNING_KEY_PATH
    )


def mirror_manifest_document(
    data_dir: Path,
    base_url: str,
    origins: Sequence[Mapping[str, Any]] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``/pith-mirrors.json``: this registry (primary, or a mirror of ``origins``: the
    registries it follows, :func:`pith_graph.store.mirror.mirror_origins`), with its signing key."""
    return mirror_manifest(base_url, signing_key_json(data_dir, base_url, env), origins=origins)
