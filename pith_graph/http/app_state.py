"""What the running app holds for all requests: settings, drivers, the signing key, the
host-wide write generation and rate limiter (``app.state.registry``)."""

from __future__ import annotations

import threading

from neo4j import AsyncDriver, Driver

from pith_graph import keystore
from pith_graph.config import Settings
from pith_graph.core.signing import SigningKey
from pith_graph.core.trust import TrustStore
from pith_graph.http.caching import WriteGeneration
from pith_graph.http.ratelimit import RateLimiter, parse_rate_limit
from pith_graph.service.keys import registry_signing_key, registry_trust_store

__all__ = ["RegistryState"]


class RegistryState:
    """What the app holds for all requests: the drivers and the (lazily loaded) signing key."""

    def __init__(self, settings: Settings, driver: AsyncDriver, sync_driver: Driver) -> None:
        self.settings = settings
        self.driver = driver
        self.sync_driver = sync_driver
        # PITH_SIGNING_KEY / _ID, read once when the app starts (the key files are read again
        # when their index changes: see signing_key).
        self.key_env = keystore.signing_key_env()
        self._key: SigningKey | None = None
        self._key_index: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        # Host-wide (all worker processes): acknowledged writes, and every client's budget.
        self.generation = WriteGeneration(settings.data_dir)
        self.rate_limiter = RateLimiter(
            parse_rate_limit(settings.rate_limit),
            settings.data_dir,
            exempt_loopback=not settings.rate_limit_loopback,
        )

    def signing_key(self) -> SigningKey:
        """The registry key, generated on first use when the data directory has none, and
        loaded again when the key index changes: a key rotated (``pith-graph keys rotate``)
        while the server runs signs the next receipt and checkpoint, without a restart."""
        index = keystore.key_index_stamp(self.settings.data_dir)
        with self._lock:
            if self._key is None or index != self._key_index:
                self._key = registry_signing_key(self.settings.data_dir, self.key_env)
                self._key_index = keystore.key_index_stamp(self.settings.data_dir)
            return self._key

    def trust_store(self) -> TrustStore:
        """The keys receipts and registry events are checked against (file reads: call it off
        the event loop)."""
        return registry_trust_store(self.settings.data_dir, self.key_env)
