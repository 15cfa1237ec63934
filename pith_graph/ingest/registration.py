"""Registration rows for a batch of papers: canonicalise, hash, sign -- all before any write.

This is the pure half of the "hash and sign, then ONE write" use case for many papers at once:
:func:`registration_rows` turns validated metadata into the dict rows the store writes with one
``UNWIND`` per batch (:func:`pith_graph.store.paper_writer.write_papers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from pith_graph.core.aliases import derived_aliases
from pith_graph.core.canonical import CanonicalBytes, Digest, canonical_bytes, sha256_digest
from pith_graph.core.metadata import PaperMetadata
from pith_graph.core.pith_number import pith_number_for
from pith_graph.core.receipts import Receipt, format_receipt_time, issue_receipt
from pith_graph.core.record import CanonicalRecord, canonical_record
from pith_graph.core.signing import SigningKey
from pith_graph.store.log import registration_leaf_row

__all__ = ["Prepared", "prepare", "registration_rows"]

# The stored receipt properties: every field (the reference key order does not matter here).
_RECEIPT_FIELDS = tuple(f.name for f in fields(Receipt))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A paper with its canonical record hashed (cheap), before signing (the costly part)."""

    meta: PaperMetadata
    record: CanonicalRecord
    data: CanonicalBytes
    digest: Digest


def prepare(meta: PaperMetadata) -> Prepared:
    """Canonicalise and hash one paper (no signing yet: the caller first drops known papers)."""
    record = canonical_record(meta)
    data = canonical_bytes(record.to_json())
    return Prepared(meta, record, data, sha256_digest(data))


def registration_rows(
    papers: Sequence[Prepared], key: SigningKey, now: datetime
) -> list[dict[str, Any]]:
    """One write row per paper: the Paper properties, its signed receipt, its aliases and its
    transparency-log leaf (hashed here, so the transaction only runs Cypher)."""
    stamp = format_receipt_time(now)
    rows = []
    for prepared in papers:
        meta, record, digest = prepared.meta, prepared.record, prepared.digest
        pith = pith_number_for(digest, record.submitted_year)
        receipt = issue_receipt(key, digest, now)
        aliases = [{"kind": a.kind.value, "value": a.value} for a in derived_aliases(record, pith)]
        for doi in (meta.doi, *meta.other_dois):
            if doi and {"kind": "doi", "value": doi} not in aliases:
                aliases.append({"kind": "doi", "value": doi})
        rows.append(
            {
                "canonical_sha256": digest.hex,
                "now": stamp,
                "paper": {
                    "pith_number": pith.full,
                    "pith_body": pith.body,
                    "canonical_sha256": digest.hex,
                    "source_kind": meta.source_kind,
                    "source_id": meta.source_id,
                    "version": meta.version,
                    "title": meta.title,
                    "abstract": meta.abstract,
                    "license": meta.license,
                    "primary_cat": meta.primary_cat,
                    "cross_cats": list(meta.cross_cats),
                    "categories": [meta.primary_cat, *meta.cross_cats],
                    "submitted_at": meta.submitted_at,
                    "year": meta.submitted_year,
                    "authors": list(meta.authors),
                    "authors_text": ", ".join(sorted(meta.authors)),
                    "doi": meta.doi,
                    "journal_ref": meta.journal_ref,
                    "comments": meta.comments,
                    "canonical_json": prepared.data.decode("utf-8"),
                },
                "receipt": {name: getattr(receipt, name) for name in _RECEIPT_FIELDS},
                "aliases": aliases,
                "log_leaf": registration_leaf_row(pith.full, receipt),
            }
        )
    return rows
