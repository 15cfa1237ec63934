"""``metadata_conflict``: two ingested sources disagree on the same version's metadata.

The registry keeps the first registration of an arXiv version (its pith number is fixed by it);
when another source later gives *the same version* with other canonical metadata, the ingest
records that source's canonical record beside the paper. This detector compares the two field
by field (the canonical metadata: title and abstract hashes, licence, categories, v1 time).
Advisory; verdict ``cross_source``: two sources, each authoritative for its copy, disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass

__all__ = ["NAME", "VERSION", "SourceConflict", "conflicting_fields", "detect"]

NAME = "metadata_conflict"
VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class SourceConflict:
    """The registered canonical record of ``pith`` and another source's for the same version."""

    pith: str
    registered: Mapping[str, Any]
    registered_sha256: str
    other: Mapping[str, Any]
    other_sha256: str


def conflicting_fields(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Dotted names of the canonical-record fields that differ, sorted."""
    out = []
    for section in ("source", "metadata"):
        left, right = a.get(section) or {}, b.get(section) or {}
        for key in sorted(set(left) | set(right)):
            if left.get(key) != right.get(key):
                out.append(f"{section}.{key}")
    if a.get("schema_version") != b.get("schema_version"):
        out.append("schema_version")
    return out


def detect(conflicts: Iterable[SourceConflict]) -> list[Finding]:
    out = []
    for c in conflicts:
        fields = conflicting_fields(c.registered, c.other)
        if not fields or c.registered_sha256 == c.other_sha256:
            continue
        source = c.registered.get("source") or {}
        out.append(
            Finding(
                subject=c.pith,
                detector=NAME,
                detector_version=VERSION,
                finding_type="version_metadata_disagrees",
                severity=Severity.ADVISORY,
                verdict_class=VerdictClass.CROSS_SOURCE,
                evidence={
                    "pith_number": c.pith,
                    "arxiv_id": source.get("id"),
                    "version": source.get("version"),
                    "registered_sha256": c.registered_sha256,
                    "conflicting_sha256": c.other_sha256,
                    "fields": fields,
                },
                note=f"another source gives v{source.get('version')} with other "
                + ", ".join(fields),
            )
        )
    return out
