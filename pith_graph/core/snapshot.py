"""Section hashes of the graph snapshot (``snapshot_sha256``).

REFERENCE.md, "Documents" (U): the reference's ``snapshot_sha256`` of an empty section is a fixed
value whose preimage is unknown. **Our rule**: ``snapshot_sha256`` of a section is the hex SHA-256
of the canonical bytes (:func:`canonical_bytes`) of the section *without* its own
``snapshot_sha256`` key. Our hashes therefore differ from the reference's, by design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pith_graph.core.canonical import canonical_bytes, sha256_digest

__all__ = ["section_sha256", "with_section_sha256"]


def section_sha256(section: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the canonical bytes of ``section`` minus any ``snapshot_sha256`` key."""
    body = {k: v for k, v in section.items() if k != "snapshot_sha256"}
    return sha256_digest(canonical_bytes(body)).hex


def with_section_sha256(section: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``section`` carrying its own ``snapshot_sha256``."""
    return {**section, "snapshot_sha256": section_sha256(section)}
