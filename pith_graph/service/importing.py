"""Import a v1 record from another registry: verify it, THEN store it with its foreign receipt.

Verification (:func:`pith_graph.core.document.verify_record_document` against the trust store)
must pass with no mismatch, a canonical record must be present and the receipt must verify with a
trusted key. Anything else is refused with the reason, and nothing is written. The paper keeps
the record's signed times (its ``created_at``, its aliases' ``created_at``), not the import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from pith_graph.core.aliases import derived_aliases
from pith_graph.core.document import parse_record_document, verify_record_document
from pith_graph.core.errors import InvalidRecord
from pith_graph.core.paper import AliasRow, PaperArrival, PaperProperties
from pith_graph.core.receipts import format_receipt_time
from pith_graph.core.trust import TrustStore
from pith_graph.service.errors import BadInput
from pith_graph.service.registration import write_new_papers
from pith_graph.store._run import unavailable_as_store_error
from pith_graph.store.paper_writer import registered_versions

__all__ = ["import_record", "import_row"]


def _now() -> datetime:
    return datetime.now(UTC)


def _stored_time(value: Any) -> str | None:
    """A record's ISO 8601 time in the store's form (``format_receipt_time``); None when it is
    not an aware time (the import time is used then)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return format_receipt_time(moment)


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
    record, pith = parsed.record, parsed.pith
    # The signed originals: when the source registry registered the paper and its aliases.
    created = _stored_time(doc.get("created_at"))
    alias_time = _stored_time(parsed.aliases_created_at)
    arrival = PaperArrival(
        paper=PaperProperties.from_paper_section(
            record, pith, parsed.canonical_sha256, parsed.paper or {}
        ),
        receipt=parsed.receipt,
        aliases=tuple(
            AliasRow(a.kind.value, a.value, alias_time or created)
            for a in derived_aliases(record, pith)
        ),
        now=format_receipt_time(now),
        created_at=created,
    )
    return arrival.to_row()


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
