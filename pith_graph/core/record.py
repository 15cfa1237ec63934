"""The canonical record: the exact preimage of a pith number.

REFERENCE.md, "Identity" (V): ``canonical_record`` =
``{"source": {"id", "kind", "version": int}, "metadata": {"license", "primary_cat",
"submitted_at", "cross_cats_sorted", "title_canon_sha256", "abstract_canon_sha256"},
"schema_version": "1.0"}``. ``cross_cats_sorted`` is in code-point order, ``[]`` when none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pith_graph.core._arxiv import is_valid_arxiv_id
from pith_graph.core.canonical import Digest, canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidRecord
from pith_graph.core.metadata import PaperMetadata
from pith_graph.core.text import text_sha256

__all__ = ["SCHEMA_VERSION", "CanonicalRecord", "canonical_record", "record_digest"]

SCHEMA_VERSION = "1.0"
_SUBMITTED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    """Exactly the canonical fields, nothing else."""

    source_kind: str
    source_id: str
    version: int
    license: str
    primary_cat: str
    submitted_at: str
    cross_cats_sorted: tuple[str, ...]
    title_canon_sha256: str
    abstract_canon_sha256: str
    schema_version: str = SCHEMA_VERSION

    @property
    def submitted_year(self) -> int:
        return int(self.submitted_at[:4])

    def to_json(self) -> dict[str, Any]:
        """The record in the reference shape (the dict whose canonical bytes are hashed)."""
        return {
            "source": {"id": self.source_id, "kind": self.source_kind, "version": self.version},
            "metadata": {
                "license": self.license,
                "primary_cat": self.primary_cat,
                "submitted_at": self.submitted_at,
                "cross_cats_sorted": list(self.cross_cats_sorted),
                "title_canon_sha256": self.title_canon_sha256,
                "abstract_canon_sha256": self.abstract_canon_sha256,
            },
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_json(cls, obj: Any) -> CanonicalRecord:
        """Parse and validate a ``canonical_record``; raises :class:`InvalidRecord` naming the field.

        Unknown keys are refused: they would change the hash without being understood.
        """
        top = _object(obj, "canonical_record", {"source", "metadata", "schema_version"})
        source = _object(top["source"], "canonical_record.source", {"id", "kind", "version"})
        meta = _object(
            top["metadata"],
            "canonical_record.metadata",
            {
                "license",
                "primary_cat",
                "submitted_at",
                "cross_cats_sorted",
                "title_canon_sha256",
                "abstract_canon_sha256",
            },
        )
        if top["schema_version"] != SCHEMA_VERSION:
            raise InvalidRecord(
                "canonical_record.schema_version", f"expected '1.0', got {top['schema_version']!r}"
            )
        if source["kind"] != "arxiv":
            raise InvalidRecord(
                "canonical_record.source.kind", f"expected 'arxiv', got {source['kind']!r}"
            )
        if not is_valid_arxiv_id(source["id"]):
            raise InvalidRecord(
                "canonical_record.source.id", f"{source['id']!r} is not a canonical arXiv id"
            )
        version = source["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise InvalidRecord(
                "canonical_record.source.version", f"expected an integer >= 1, got {version!r}"
            )
        for key in ("license", "primary_cat"):
            if not isinstance(meta[key], str):
                raise InvalidRecord(
                    f"canonical_record.metadata.{key}", f"expected a string, got {meta[key]!r}"
                )
        if not isinstance(meta["submitted_at"], str) or not _SUBMITTED_AT.fullmatch(
            meta["submitted_at"]
        ):
            raise InvalidRecord(
                "canonical_record.metadata.submitted_at",
                f"expected YYYY-MM-DDTHH:MM:SSZ, got {meta['submitted_at']!r}",
            )
        cats = meta["cross_cats_sorted"]
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise InvalidRecord(
                "canonical_record.metadata.cross_cats_sorted",
                f"expected a list of strings, got {cats!r}",
            )
        if cats != sorted(cats):
            raise InvalidRecord(
                "canonical_record.metadata.cross_cats_sorted", f"not in code-point order: {cats!r}"
            )
        for key in ("title_canon_sha256", "abstract_canon_sha256"):
            if not isinstance(meta[key], str) or not _HEX64.fullmatch(meta[key]):
                raise InvalidRecord(
                    f"canonical_record.metadata.{key}",
                    f"expected 64 lower-case hex, got {meta[key]!r}",
                )
        return cls(
            source_kind=source["kind"],
            source_id=source["id"],
            version=version,
            license=meta["license"],
            primary_cat=meta["primary_cat"],
            submitted_at=meta["submitted_at"],
            cross_cats_sorted=tuple(cats),
            title_canon_sha256=meta["title_canon_sha256"],
            abstract_canon_sha256=meta["abstract_canon_sha256"],
        )


def _object(value: Any, field: str, keys: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRecord(field, f"expected an object, got {value!r}")
    missing = sorted(keys - value.keys())
    if missing:
        raise InvalidRecord(f"{field}.{missing[0]}", "missing")
    extra = sorted(value.keys() - keys)
    if extra:
        raise InvalidRecord(f"{field}.{extra[0]}", "unexpected key in a canonical object")
    return value


def canonical_record(meta: PaperMetadata) -> CanonicalRecord:
    """Build the canonical record of validated metadata (REFERENCE.md "Identity", verified)."""
    return CanonicalRecord(
        source_kind=meta.source_kind,
        source_id=meta.source_id,
        version=meta.version,
        license=meta.license,
        primary_cat=meta.primary_cat,
        submitted_at=meta.submitted_at,
        cross_cats_sorted=tuple(sorted(meta.cross_cats)),
        title_canon_sha256=text_sha256(meta.title),
        abstract_canon_sha256=text_sha256(meta.abstract),
    )


def record_digest(record: CanonicalRecord) -> Digest:
    """``canonical_sha256`` of a record: SHA-256 of its canonical bytes."""
    return sha256_digest(canonical_bytes(record.to_json()))
