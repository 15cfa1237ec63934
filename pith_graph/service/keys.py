"""The registry's signing key and trust store, from the data directory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pith_graph import keystore
from pith_graph.core.signing import SigningKey
from pith_graph.core.trust import KeyStatus, TrustStore

__all__ = ["published_keys", "registry_signing_key", "registry_trust_store"]

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


def published_keys(data_dir: Path) -> dict[str, Any]:
    """The public key document (``keystore.published_keys_document``) of this registry.

    A key given in ``PITH_SIGNING_KEY`` is the one receipts use, so it is published as current
    (listed last); the directory's keys keep their recorded status.
    """
    keys = keystore.list_keys(data_dir)
    from_env = keystore.load_signing_key_from_env()
    if from_env is not None and all(k.public_key != from_env.public_key for k in keys):
        keys = keys + (
            keystore.KeyInfo(from_env.key_id, from_env.public_key, KeyStatus.CURRENT, None),  # type: ignore[arg-type]
        )
    return keystore.published_keys_document(keys)
