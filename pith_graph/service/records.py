"""The v1 record document of a stored paper (pure: store rows in, document out).

The document is what :func:`pith_graph.core.document.build_record_document` builds from the
stored metadata, canonical record and receipt, so ``/pith/<id>.json``, the GraphQL ``record``
field and an export all carry the same bytes. The graph sections (references, citations, claims,
authorship claims, formal links) come from the graph with the events
(:func:`pith_graph.service.events.record_status`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pith_graph.core.canonical import Digest
from pith_graph.core.document import build_record_document
from pith_graph.core.metadata import PaperMetadata
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.receipts import Receipt
from pith_graph.core.record import CanonicalRecord
from pith_graph.service.events import RecordStatus
from pith_graph.store.papers import PaperDetails

__all__ = ["claim_json", "metadata_of", "parse_stored_time", "record_document"]


def parse_stored_time(text: str | None) -> datetime:
    """Times are stored as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""
    if not text:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def metadata_of(paper: dict[str, Any]) -> PaperMetadata:
    """The stored Paper properties as the core's metadata value."""
    return PaperMetadata(
        source_kind=paper.get("source_kind", "arxiv"),
        source_id=paper["source_id"],
        version=paper["version"],
        title=paper.get("title", ""),
        abstract=paper.get("abstract", ""),
        license=paper.get("license", ""),
        primary_cat=paper.get("primary_cat", ""),
        cross_cats=tuple(paper.get("cross_cats") or ()),
        submitted_at=paper["submitted_at"],
        authors=tuple(paper.get("authors") or ()),
        doi=paper.get("doi"),
        journal_ref=paper.get("journal_ref"),
        comments=paper.get("comments"),
        headline=paper.get("headline") or "",
    )


def claim_json(claim: dict[str, Any]) -> dict[str, Any]:
    return {k: claim.get(k) for k in ("claim_id", "kind", "text", "status", "attestation")}


def record_document(
    paper: dict[str, Any],
    details: PaperDetails,
    base_url: str,
    status: RecordStatus | None = None,
) -> dict[str, Any]:
    """The full ``pith_number_record`` v1 of a stored paper.

    ``status`` (events helper, :func:`pith_graph.service.events.record_status`) carries the
    derived verification_status, attestation_state, events and event_summary.
    """
    derived: dict[str, Any] = (
        {
            "verification_status": status.verification_status,
            "attestation_state": status.attestation_state,
            "events": status.events,
            "event_summary": status.event_summary,
            "integrity": status.integrity,
        }
        if status is not None
        else {}
    )
    if details.receipt is None:
        raise ValueError(f"paper {paper['pith_number']} has no receipt")
    alias_times = [a["created_at"] for a in details.aliases if a.get("created_at")]
    created = parse_stored_time(paper.get("created_at"))
    document = build_record_document(
        metadata_of(paper),
        CanonicalRecord.from_json(json.loads(paper["canonical_json"])),
        Digest.from_hex(paper["canonical_sha256"]),
        parse_pith_number(paper["pith_number"]),
        Receipt.from_json(details.receipt),
        aliases_created_at=parse_stored_time(min(alias_times)) if alias_times else created,
        created_at=created,
        updated_at=parse_stored_time(paper.get("updated_at")),
        base_url=base_url,
        paper_claims=[claim_json(c) for c in details.claims],
        graph=status.graph if status is not None else None,
        **derived,
    )
    if paper.get("mirrored_from"):
        # Served by a mirror: where the signed record came from (its receipt is the origin's).
        document["mirrored_from"] = paper["mirrored_from"]
    return document
