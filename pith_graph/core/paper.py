"""The Paper node's properties, defined once, and the row every path hands the paper writer.

A paper arrives by registration or bulk ingest (from :class:`PaperMetadata`), by record import (a
``pith_number_record`` v1's ``paper`` section) or by bundle import (a bundle's ``graph_snapshot``
paper section): each builds a :class:`PaperProperties` and a :class:`PaperArrival`, and the one
writer (:mod:`pith_graph.store.paper_writer`) stores it. What the writer adds itself
(:data:`WRITER_PROPERTIES`: ``is_latest``, times, stored counts) is the same whatever the path.

A record or a bundle carries less than metadata does: the abstract's first 600 characters, the
authors as the sorted ``"A, B"`` text, no publisher DOI, journal reference or comments. A paper
imported from one is stored with what it carries, and the same paper registered with exactly
that much metadata is stored identically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from pith_graph.core.canonical import Digest, canonical_bytes
from pith_graph.core.metadata import PaperMetadata
from pith_graph.core.pith_number import PithNumber
from pith_graph.core.receipts import Receipt
from pith_graph.core.record import CanonicalRecord

__all__ = [
    "BOOKKEEPING_PROPERTIES",
    "LARGE_PROPERTIES",
    "PAPER_PROPERTIES",
    "WRITER_PROPERTIES",
    "AliasRow",
    "PaperArrival",
    "PaperProperties",
    "authors_of_text",
]


@dataclass(frozen=True, slots=True)
class PaperProperties:
    """Every property a path gives a ``Paper`` node (graph model: schema/graph-model.md)."""

    pith_number: str
    pith_body: str
    canonical_sha256: str
    source_kind: str
    source_id: str
    version: int
    title: str
    abstract: str
    license: str
    primary_cat: str
    cross_cats: tuple[str, ...]
    categories: tuple[str, ...]
    submitted_at: str
    year: int
    authors: tuple[str, ...]
    authors_text: str
    headline: str
    canonical_json: str
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    # When this version itself was submitted (citation_time_order compares it); None: unknown.
    version_created_at: str | None = None
    # The base URL of the registry this paper was mirrored from (`pith-graph mirror follow`);
    # None for a paper registered, ingested or imported here.
    mirrored_from: str | None = None

    @classmethod
    def of(
        cls,
        record: CanonicalRecord,
        pith: PithNumber,
        digest: Digest,
        *,
        title: str,
        abstract: str,
        authors: Sequence[str],
        headline: str = "",
        doi: str | None = None,
        journal_ref: str | None = None,
        comments: str | None = None,
        canonical: bytes | None = None,
    ) -> PaperProperties:
        """The properties of the paper whose canonical record is ``record``; the identity and
        category fields come from the record, the texts from the caller. ``canonical``: the
        record's canonical bytes when the caller hashed them already."""
        if canonical is None:
            canonical = canonical_bytes(record.to_json())
        return cls(
            pith_number=pith.full,
            pith_body=pith.body,
            canonical_sha256=digest.hex,
            source_kind=record.source_kind,
            source_id=record.source_id,
            version=record.version,
            title=title,
            abstract=abstract,
            license=record.license,
            primary_cat=record.primary_cat,
            cross_cats=tuple(record.cross_cats_sorted),
            categories=(record.primary_cat, *record.cross_cats_sorted),
            submitted_at=record.submitted_at,
            year=record.submitted_year,
            authors=tuple(authors),
            authors_text=", ".join(sorted(authors)),
            headline=headline,
            canonical_json=canonical.decode("utf-8"),
            doi=doi,
            journal_ref=journal_ref,
            comments=comments,
            # A first version was created when it was submitted; later versions' times only a
            # source knows (from_metadata), so every path agrees on what it can know.
            version_created_at=record.submitted_at if record.version == 1 else None,
        )

    @classmethod
    def from_metadata(
        cls,
        meta: PaperMetadata,
        record: CanonicalRecord,
        digest: Digest,
        pith: PithNumber,
        canonical: bytes | None = None,
    ) -> PaperProperties:
        """Registration and ingest: everything the metadata holds."""
        props = cls.of(
            record, pith, digest, title=meta.title, abstract=meta.abstract, authors=meta.authors,
            headline=meta.headline, doi=meta.doi, journal_ref=meta.journal_ref,
            comments=meta.comments, canonical=canonical,
        )  # fmt: skip
        # The metadata's own category order (primary first, cross-lists as given) is kept.
        return _replace(
            props,
            cross_cats=tuple(meta.cross_cats),
            categories=(meta.primary_cat, *meta.cross_cats),
            version_created_at=meta.version_created_at or props.version_created_at,
        )

    @classmethod
    def from_paper_section(
        cls,
        record: CanonicalRecord,
        pith: PithNumber,
        digest: Digest,
        paper: Mapping[str, Any],
    ) -> PaperProperties:
        """Record and bundle import: a record's ``paper`` section (or a bundle snapshot's)."""
        return cls.of(
            record,
            pith,
            digest,
            title=str(paper.get("title") or ""),
            abstract=str(paper.get("abstract_excerpt") or ""),
            authors=authors_of_text(str(paper.get("authors_text") or "")),
            headline=str(paper.get("headline") or ""),
        )

    def to_row(self) -> dict[str, Any]:
        """The property map the writer stores (lists for tuples; ``None`` is not stored)."""
        # Plain getattr, not dataclasses.asdict (a deep copy): bulk ingest builds one per paper.
        row: dict[str, Any] = {}
        for name in _PAPER_FIELDS:
            value = getattr(self, name)
            if value is not None:
                row[name] = list(value) if isinstance(value, tuple) else value
        return row


# The properties the writer itself sets: the same on every path.
WRITER_PROPERTIES = (
    "is_latest",
    "created_at",
    "updated_at",
    "citation_count",
    "reference_count",
)
_PAPER_FIELDS = tuple(f.name for f in fields(PaperProperties))
PAPER_PROPERTIES = _PAPER_FIELDS + WRITER_PROPERTIES
# Bookkeeping other layers keep on a paper node; never part of a paper's content, never read as one.
# ``integrity_dirty``: the integrity layer's "changed since its last run" token, set by every writer;
# ``count_cell``: the aggregate cell the paper is counted in (store/counts.py).
BOOKKEEPING_PROPERTIES = ("integrity_dirty", "count_cell")
# Read only when a request asks for them (a list of 500 papers would carry megabytes otherwise).
LARGE_PROPERTIES = frozenset({"abstract", "canonical_json"})


def _replace(props: PaperProperties, **changes: Any) -> PaperProperties:
    return replace(props, **changes)


def authors_of_text(text: str) -> tuple[str, ...]:
    """The names of an ``authors_text`` (``"A, B"``, sorted names joined by ``", "``)."""
    return tuple(a for a in text.split(", ") if a)


@dataclass(frozen=True, slots=True)
class AliasRow:
    """An alias to store, with the time it was first given (``None``: the write time)."""

    kind: str
    value: str
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class PaperArrival:
    """One paper as any path hands it to the writer: properties, signed receipt, aliases.

    ``created_at`` is when the paper was registered: the write time for a registration, the
    signed original for an imported record or bundle. ``log_leaf`` is the receipt's precomputed
    log row (bulk ingest hashes it outside the transaction).
    """

    paper: PaperProperties
    receipt: Receipt
    aliases: tuple[AliasRow, ...]
    now: str
    created_at: str | None = None
    log_leaf: Mapping[str, Any] | None = None

    def to_row(self) -> dict[str, Any]:
        """The row of :func:`pith_graph.store.paper_writer.write_papers`."""
        row: dict[str, Any] = {
            "canonical_sha256": self.paper.canonical_sha256,
            "now": self.now,
            "created_at": self.created_at or self.now,
            "paper": self.paper.to_row(),
            "receipt": self.receipt.to_json(),
            "aliases": [
                {"kind": a.kind, "value": a.value, "created_at": a.created_at or self.now}
                for a in _unique(self.aliases)
            ],
        }
        if self.log_leaf is not None:
            row["log_leaf"] = dict(self.log_leaf)
        return row


def _unique(aliases: Sequence[AliasRow]) -> list[AliasRow]:
    seen: dict[tuple[str, str], AliasRow] = {}
    for a in aliases:
        seen.setdefault((a.kind, a.value), a)
    return list(seen.values())
