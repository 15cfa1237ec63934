"""The registry's signing key and trust store, from the data directory."""

from __future__ import annotations

import logging
from pathlib import Path

from pith_graph import keystore
from pith_graph.core.signing import SigningKey
from pith_graph.core.trust import TrustStore

__all__ = ["registry_signing_key", "registry_trust_store"]

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
