"""Errors raised by the store.

    StoreError
    ├── StoreUnavailable      Neo4j cannot be reached or timed out (clients see UNAVAILABLE)
    └── MigrationError        a migration file is malformed or failed to apply
"""

from __future__ import annotations

__all__ = ["MigrationError", "StoreError", "StoreUnavailable"]


class StoreError(Exception):
    """Root of the store's errors."""


class StoreUnavailable(StoreError):
    """The database cannot be reached, or did not answer in time."""


class MigrationError(StoreError):
    """A migration file could not be read or applied; the message names the file."""
