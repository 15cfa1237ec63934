"""Export a record's signed bundle, compute its merged state, and import a bundle on a mirror.

Import verifies **every** signature first (:func:`pith_graph.core.bundle.verify_bundle`), then
makes one write transaction (for one bundle or, in a mirror's sync, for many): the paper if this instance does not have it (with its receipt and
the receipt's log leaf), and every user event not stored yet, each with its log leaf. Events
already stored are skipped (import is idempotent); an event reusing a stored (signer, nonce) pair
with other content is an equivocation: skipped and reported, as the store holds one statement per
signer nonce. Registry events (record_created, graph_snapshot) are regenerated on export, not stored.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncDriver

from pith_graph.core.aliases import ARXIV_DOI_PREFIX, derived_aliases
from pith_graph.core.bundle import InvalidBundle, build_bundle, verify_bundle
from pith_graph.core.canonical import Digest
from pith_graph.core.document import ABSTRACT_EXCERPT_LENGTH
from pith_graph.core.errors import PithError
from pith_graph.core.events import USER_KINDS
from pith_graph.core.log import snapshot_citations
from pith_graph.core.merge import merge_state
from pith_graph.core.paper import AliasRow, PaperArrival, PaperProperties
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.receipts import Receipt, format_receipt_time
from pith_graph.core.record import CanonicalRecord
from pith_graph.core.signing import SigningKey
from pith_graph.core.trust import KeyStatus, TrustStore
from pith_graph.service.errors import ServiceError
from pith_graph.service.events import UnknownSubject
from pith_graph.store import bundles as store
from pith_graph.store import events as event_store
from pith_graph.store.paper_writer import PaperConflict

__all__ = [
    "ImportReport",
    "InvalidBundle",
    "bundle_state",
    "export_bundle",
    "import_bundle",
    "import_bundles",
]


def _snapshot(paper: dict[str, Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    """The export's graph snapshot: the paper section a record carries and, when it cites
    anything, its outgoing citations (what a mirror stores)."""
    cited = snapshot_citations(citations)
    return {**({"citations": cited} if cited else {}),
        "paper": {
            "title": paper.get("title") or "",
            "authors_text": ", ".join(sorted(paper.get("authors") or [])),
            "primary_cat": paper.get("primary_cat") or "",
            "categories": list(paper.get("categories") or []),
            "submitted_at": paper.get("submitted_at") or "",
            "headline": paper.get("headline") or "",
            "abstract_excerpt": (paper.get("abstract") or "")[:ABSTRACT_EXCERPT_LENGTH],
        }
    }


async def export_bundle(
    driver: AsyncDriver, database: str, key: SigningKey, pith_number: str
) -> dict[str, Any]:
    """The signed ``pith_open_graph_bundle`` of ``pith_number`` (UNKNOWN_SUBJECT if absent)."""
    (row,) = await store.papers_for_export(driver, database, [pith_number])
    if row is None:
        raise UnknownSubject(f"no paper is registered as {pith_number!r}")
    (events,) = await event_store.events_by_subject(driver, database, [pith_number])
    receipt = Receipt.from_json(row["receipt"])
    return build_bundle(
        pith_number=pith_number,
        canonical_record=json.loads(row["paper"]["canonical_json"]),
        receipt=receipt,
        aliases=sorted(row["aliases"], key=lambda a: (a["alias_kind"], a["alias_value"])),
        graph_snapshot=_snapshot(row["paper"], row.get("citations") or []),
        events=events,
        key=key,
    )


def bundle_state(bundle: dict[str, Any], trust_store: TrustStore) -> dict[str, Any]:
    """The ``pith_open_graph_state`` of a bundle's events (merge rules: schema/merge-rules.md)."""
    return merge_state(
        bundle["pith_number"], bundle["events"], trust_store, bundle.get("source_aliases") or []
    )


@dataclass
class ImportReport:
    pith_number: str
    paper_created: bool = False
    imported: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)
    state_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "pith_number": self.pith_number,
            "paper_created": self.paper_created,
            "imported": self.imported,
            "already_stored": self.already_stored,
            "conflicting": self.conflicting,
            "state_sha256": self.state_sha256,
        }


def _arrival(
    bundle: dict[str, Any], receipt: Receipt, now: str, mirrored_from: str | None = None
) -> dict[str, Any]:
    """The paper writer's row for a verified bundle's paper (the same writer as registration)."""
    try:
        record = CanonicalRecord.from_json(bundle["canonical_record"])
        pith = parse_pith_number(bundle["pith_number"])
        digest = Digest.from_hex(bundle["canonical_sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidBundle("canonical_record", str(exc)) from exc
    snapshot: Any = next(
        (e["event"]["payload"]["graph_snapshot"] for e in bundle["events"]
         if e["event"]["event_type"] == "graph_snapshot"),
        {},
    )  # fmt: skip
    paper = snapshot.get("paper", {}) if isinstance(snapshot, dict) else {}
    created = next(
        (e["event"]["created_at"] for e in bundle["events"]
         if e["event"]["event_type"] == "record_created"),
        None,
    )  # fmt: skip
    aliases = [
        AliasRow(str(a["alias_kind"]), str(a["alias_value"]), str(a["created_at"]))
        for a in bundle.get("source_aliases") or []
        if isinstance(a, dict) and {"alias_kind", "alias_value", "created_at"} <= set(a)
    ]
    # The record's own aliases, whatever the bundle lists; a DOI in arXiv's namespace names its
    # own paper only.
    own = {(a.kind.value, a.value) for a in derived_aliases(record, pith)}
    for a in aliases:
        if a.kind == "doi" and a.value.startswith(ARXIV_DOI_PREFIX) and (a.kind, a.value) not in own:
            raise InvalidBundle("source_aliases", f"{a.value!r} is arXiv's DOI of another paper")
    aliases += [AliasRow(k, v, receipt_time(created)) for k, v in sorted(own)]
    return PaperArrival(
        paper=dataclasses.replace(
            PaperProperties.from_paper_section(record, pith, digest, paper),
            mirrored_from=mirrored_from,
        ),
        receipt=receipt,
        aliases=tuple(aliases),
        now=now,
        created_at=receipt_time(created),
    ).to_row()


MAX_BUNDLE_CITATIONS = 20_000


def citation_rows(bundle: dict[str, Any], source_id: str) -> list[dict[str, Any]]:
    """The citation writer's rows for the outgoing citations a verified bundle's graph snapshot
    lists (signed by the origin registry with the snapshot)."""
    snapshot: Any = next(
        (e["event"]["payload"]["graph_snapshot"] for e in bundle["events"]
         if e["event"]["event_type"] == "graph_snapshot"),
        {},
    )  # fmt: skip
    cited = snapshot.get("citations") if isinstance(snapshot, dict) else None
    if cited is None:
        return []
    if not isinstance(cited, list) or len(cited) > MAX_BUNDLE_CITATIONS:
        raise InvalidBundle("graph_snapshot.citations", f"a list of at most {MAX_BUNDLE_CITATIONS} citations")
    rows = []
    for c in cited:
        if (
            not isinstance(c, dict)
            or c.get("kind") not in ("arxiv", "doi")
            or not isinstance(c.get("target"), str)
            or not 0 < len(c["target"]) <= 300
            or not (c.get("position") is None or (type(c["position"]) is int and 0 <= c["position"] < 2**31))
            or not (c.get("raw") is None or (isinstance(c["raw"], str) and len(c["raw"]) <= 4000))
        ):
            raise InvalidBundle("graph_snapshot.citations", f"not a citation: {str(c)[:200]}")
        rows.append({"citing": source_id, "kind": c["kind"], "target": c["target"],
                     "position": c.get("position"), "raw": c.get("raw")})  # fmt: skip
    return rows


def receipt_time(text: Any) -> str | None:
    """An event's ``YYYY-MM-DDTHH:MM:SSZ`` in the store's time form; None if it is not one."""
    try:
        moment = datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return format_receipt_time(moment)


async def import_bundle(
    driver: AsyncDriver,
    database: str,
    document: Any,
    trust_store: TrustStore,
    now: datetime,
    *,
    trust_bundle_key: bool = False,
    mirrored_from: str | None = None,
) -> ImportReport:
    """Verify every signature of ``document``, then store what is new in one transaction
    (``mirrored_from``: the origin registry's base URL, kept on a paper the import creates)."""
    # 1. verify everything (optionally trusting the bundle's own key, for a first mirror)
    if (
        trust_bundle_key
        and isinstance(document, dict)
        and isinstance(document.get("registry_key"), dict)
    ):
        from pith_graph.core.signing import PublicKey

        key_doc = document["registry_key"]
        try:
            key = PublicKey(
                str(key_doc.get("key_id")), bytes.fromhex(str(key_doc.get("public_key")))
            )
        except ValueError as exc:
            raise InvalidBundle("registry_key", str(exc)) from exc
        if key.key_id not in trust_store:
            trust_store = trust_store.with_key(key, KeyStatus.EXTERNAL)
    (outcome,) = await import_bundles(
        driver, database, [document], trust_store, now, mirrored_from=mirrored_from
    )
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass
class _Arrival:
    index: int
    report: ImportReport
    document: dict[str, Any]
    user_events: list[Any]
    row: dict[str, Any]
    citations: list[dict[str, Any]]
    fresh: list[Any] = field(default_factory=list)


async def import_bundles(
    driver: AsyncDriver,
    database: str,
    documents: Sequence[Any],
    trust_store: TrustStore,
    now: datetime,
    *,
    mirrored_from: str | None = None,
) -> list[ImportReport | PithError | ServiceError]:
    """Import several bundles with one write (a mirror's sync): each is verified on its own (a
    bundle that does not verify gets its error as its outcome; the others go on), then their
    papers, new events and citations are written in ONE transaction. Should that write refuse
    (a paper stored here with other content), each is written in its own, so that only the
    conflicting bundle is refused. One outcome per document, in order."""
    stamp = format_receipt_time(now)
    outcomes: list[ImportReport | PithError | ServiceError | None] = [None] * len(documents)
    arrivals: list[_Arrival] = []
    # 1. verify everything
    for i, document in enumerate(documents):
        try:
            bundle = verify_bundle(document, trust_store)
            receipt = Receipt.from_json(bundle.document["receipt"])
            row = _arrival(bundle.document, receipt, stamp, mirrored_from)
            cites = citation_rows(bundle.document, row["paper"]["source_id"])
        except (PithError, ServiceError) as exc:
            outcomes[i] = exc
            continue
        report = ImportReport(bundle.pith_number)
        report.state_sha256 = bundle_state(bundle.document, trust_store)["state_sha256"]
        user_events = [e for e in bundle.events if e.kind in USER_KINDS]
        arrivals.append(_Arrival(i, report, bundle.document, user_events, row, cites))
    # 2. what is new, for all of them with one read
    events = [e for a in arrivals for e in a.user_events]
    flags = iter(await event_store.new_event_rows(driver, database, events) if events else [])
    seen_slots: set[tuple[bytes, str]] = set()
    for a in arrivals:
        for event in a.user_events:
            stored, slot_used = next(flags)
            slot = (event.signer.public_key, event.nonce)
            if stored:
                a.report.already_stored.append(event.event_id)
            elif slot_used or slot in seen_slots:
                a.report.conflicting.append(event.event_id)
            else:
                seen_slots.add(slot)
                a.fresh.append(event)

    # 3. one write: the papers if missing, then the new events with their log leaves, then
    # the papers' outgoing citations
    async def write(group: list[_Arrival]) -> None:
        created = await store.write_bundle_arrivals(
            driver, database, [a.row for a in group], [e for a in group for e in a.fresh], stamp,
            [c for a in group for c in a.citations],
        )  # fmt: skip
        for a, new in zip(group, created, strict=True):
            a.report.paper_created = new
            a.report.imported = [e.event_id for e in a.fresh]
            outcomes[a.index] = a.report

    if arrivals:
        try:
            await write(arrivals)
        except PaperConflict as exc:
            if len(arrivals) == 1:
                outcomes[arrivals[0].index] = InvalidBundle("canonical_record", str(exc))
            else:
                for a in arrivals:
                    try:
                        await write([a])
                    except PaperConflict as one:
                        outcomes[a.index] = InvalidBundle("canonical_record", str(one))
    return [o for o in outcomes if o is not None]
