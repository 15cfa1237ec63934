"""Errors raised by the store.

    StoreError
    ├── StoreUnavailable      Neo4j cannot be reached (clients see UNAVAILABLE)
    │   └── StoreTimeout      a transaction ran past PITH_QUERY_TIMEOUT (clients see TIMEOUT)
    └── MigrationError        a migration file is malformed or failed to apply
"""

from __future__ import annotations

__all__ = ["MigrationError", "StoreError", "StoreTimeout", "StoreUnavailable"]


class StoreError(Exception):
    """Root of the store's errors."""


class StoreUnavailable(StoreError):
    """The database cannot be reached, or did not answer in time."""


class StoreTimeout(StoreUnavailable):
    """A transaction was stopped by its timeout (``PITH_QUERY_TIMEOUT``)."""


class MigrationError(StoreError):
    """A migration file could not be read or applied; the message names the file."""
