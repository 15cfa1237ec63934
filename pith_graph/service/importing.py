"""Import a v1 record from another registry: verify it, THEN store it with its foreign receipt.

Verification (:func:`pith_graph.core.document.verify_record_document` against the trust store)
must pass with no mismatch, a canonical record must be present and the receipt must verify with a
trusted key. Anything else is refused with the reason, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver
from pith_graph.core.aliases import derived_aliases
from pith_graph.core.canonical import canonical_bytes
from pith_graph.core.document import parse_record_document, verify_record_document
from pith_graph.core.errors import InvalidRecord
from pith_graph.core.receipts import format_receipt_time
from pith_graph.core.trust import TrustStore
from pith_graph.service.errors import BadInput
from pith_graph.service.registration import write_new_papers
from pith_graph.store._run import unavailable_as_store_error
from pith_graph.store.paper_writer import registered_versions

__all__ = ["import_record", "import_row"]


def _now() -> datetime:
    return datetime.now(UTC)


def import_row(doc: Mapping[str, Any], trust: TrustStore, now: datetime) -> dict[str, Any]:
    """Verify ``doc`` and turn it into a registration row (pure); raises :class:`BadInput`."""
    try:
        parsed = parse_record_document(doc)
    except InvalidRecord as exc:
        raise BadInput(f"record refused: {exc}") from exc
    report = verify_record_document(doc, trust)
    if not report.ok:
        raise BadInput(f"record refused: {report.summary_line()}")
    if parsed.record is None or parsed.receipt is None:
        raise BadInput("record refused: a canonical_record and a full receipt are required")
    if report.status_of("receipt") != "ok":
        raise BadInput(f"record refused: receipt not verifiable ({report.summary_line()})")
    paper = parsed.paper or {}
    record, pith = parsed.record, parsed.pith
    authors_text = str(paper.get("authors_text") or "")
    stamp = format_receipt_time(now)
    return {
        "canonical_sha256": parsed.canonical_sha256.hex,
        "now": stamp,
        "paper": {
            "pith_number": pith.full,
            "pith_body": pith.body,
            "canonical_sha256": parsed.canonical_sha256.hex,
            "source_kind": record.source_kind,
            "source_id": record.source_id,
            "version": record.version,
            "title": str(paper.get("title") or ""),
            # A record carries only the first 600 characters of the abstract.
            "abstract": str(paper.get("abstract_excerpt") or ""),
            "license": record.license,
            "primary_cat": record.primary_cat,
            "cross_cats": list(record.cross_cats_sorted),
            "categories": [record.primary_cat, *record.cross_cats_sorted],
            "submitted_at": record.submitted_at,
            "year": record.submitted_year,
            "authors": authors_text.split(", ") if authors_text else [],
            "authors_text": authors_text,
            "headline": str(paper.get("headline") or ""),
            "canonical_json": canonical_bytes(record.to_json()).decode("utf-8"),
            "imported": True,
        },
        "receipt": parsed.receipt.to_json(),
        "aliases": [
            {"kind": a.kind.value, "value": a.value} for a in derived_aliases(record, pith)
        ],
    }


def import_record(
    driver: Driver,
    database: str,
    doc: Mapping[str, Any],
    trust: TrustStore,
    clock: Callable[[], datetime] = _now,
) -> str:
    """Verify and store a foreign v1 record; returns its pith number (idempotent)."""
    row = import_row(doc, trust, clock())
    with unavailable_as_store_error():
        known = registered_versions(
            driver, database, [(row["paper"]["source_id"], row["paper"]["version"])]
        )[0]
    if known is not None:
        if known[0] == row["canonical_sha256"]:
            return known[1]
        raise BadInput(
            f"{row['paper']['source_id']}v{row['paper']['version']} is registered as "
            f"{known[1]} with other metadata"
        )
    (written,) = write_new_papers(driver, database, [row])
    return written.pith_number
