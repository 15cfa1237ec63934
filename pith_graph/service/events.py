"""Use cases of signed events: submit one live, register an author key, import a bundle.

Each function verifies everything first (shape, id, signature, subject, author key, replay) and
only then makes **one** write transaction, which creates the event(s) and appends their log
leaves together. Refusals raise :class:`EventRefused` with a stable ``code``::

    EventRefused
    ├── MalformedEvent           MALFORMED_EVENT          shape, payload or kind is wrong
    ├── BadSignature             BAD_SIGNATURE            event id or Ed25519 signature fails
    ├── UnknownSubject           UNKNOWN_SUBJECT          the pith number is not registered
    ├── ForbiddenKind            FORBIDDEN_KIND           registry-only kinds from outside
    ├── ReservedKeyId            RESERVED_KEY_ID          a trusted key's id with another key
    ├── ForbiddenSigner          FORBIDDEN_SIGNER         the registry's role without its key
    ├── UnregisteredAuthorKey    UNREGISTERED_AUTHOR_KEY  authorship from an unregistered key
    └── ReplayedEvent            REPLAYED_EVENT           id / signer nonce reused, or stale time
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import AsyncDriver

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.document import SAMPLE_SIZE, RecordGraph
from pith_graph.core.errors import (
    InvalidEvent,
    InvalidEventSignature,
    KeyIdCollision,
    RegistryImpersonation,
)
from pith_graph.core.events import USER_KINDS, EventKind, SignedEvent, check_signer, parse_event
from pith_graph.core.integrity.section import integrity_section
from pith_graph.core.receipts import format_receipt_time
from pith_graph.core.signing import fingerprint_of
from pith_graph.core.trust import TrustStore
from pith_graph.core.verification import (
    GraphFacts,
    attestation_state,
    event_facts,
    event_summary,
    verification_status,
)
from pith_graph.service.broadcast import Broadcaster, broadcaster
from pith_graph.service.errors import ServiceError
from pith_graph.store import events as store
from pith_graph.store.events import EventConflict, UnknownPaper
from pith_graph.store.papers import PaperDetails

__all__ = [
    "DEFAULT_WINDOW",
    "BadSignature",
    "EventRefused",
    "ForbiddenKind",
    "ForbiddenSigner",
    "MalformedEvent",
    "ReplayedEvent",
    "ReservedKeyId",
    "UnknownSubject",
    "UnregisteredAuthorKey",
    "event_message",
    "record_status",
    "register_author_key",
    "submit_event",
]

DEFAULT_WINDOW = timedelta(minutes=10)


class EventRefused(ServiceError):
    """An event the service will not store; ``code`` is stable, the message names the value."""

    code = "EVENT_REFUSED"


class MalformedEvent(EventRefused):
    """The envelope or statement does not have the canonical form of its kind."""

    code = "MALFORMED_EVENT"


class BadSignature(EventRefused):
    """The event id or the Ed25519 signature does not verify."""

    code = "BAD_SIGNATURE"


class UnknownSubject(EventRefused):
    """The event is about a pith number that is not registered here."""

    code = "UNKNOWN_SUBJECT"


class ForbiddenKind(EventRefused):
    """A kind only the registry signs (record_created, graph_snapshot), or not the action's kind."""

    code = "FORBIDDEN_KIND"


class ReservedKeyId(EventRefused):
    """The signer names a trusted key's id (ours, retired, or an external registry's) but
    carries another public key, or carries a trusted key under another id."""

    code = "RESERVED_KEY_ID"


class ForbiddenSigner(EventRefused):
    """``signer_type: "registry"`` or a registry signer id from a key that is not trusted."""

    code = "FORBIDDEN_SIGNER"


class UnregisteredAuthorKey(EventRefused):
    """An authorship claim from a key not registered for that author (or not verified, if strong)."""

    code = "UNREGISTERED_AUTHOR_KEY"


class ReplayedEvent(EventRefused):
    """The same event again, a signer's nonce reused, or a time outside the accepted window."""

    code = "REPLAYED_EVENT"


def _parse(envelope: Any, trust: TrustStore) -> SignedEvent:
    try:
        event = parse_event(envelope)
        check_signer(event.signer, trust)
    except InvalidEventSignature as exc:
        raise BadSignature(str(exc)) from exc
    except KeyIdCollision as exc:
        raise ReservedKeyId(str(exc)) from exc
    except RegistryImpersonation as exc:
        raise ForbiddenSigner(str(exc)) from exc
    except InvalidEvent as exc:
        raise MalformedEvent(str(exc)) from exc
    return event


def _check_window(event: SignedEvent, now: datetime, window: timedelta) -> None:
    created = datetime.strptime(event.created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if abs(created - now) > window:
        raise ReplayedEvent(
            f"event {event.event_id} was created at {event.created_at}, more than "
            f"{int(window.total_seconds())} s from the server time {now:%Y-%m-%dT%H:%M:%SZ}: "
            "sign a fresh event"
        )


async def _check_subject(driver: AsyncDriver, database: str, event: SignedEvent) -> dict[str, Any]:
    (facts,) = await store.subject_facts(driver, database, [event.subject])
    if facts is None:
        raise UnknownSubject(f"no paper is registered as {event.subject!r}")
    if (
        event.kind is EventKind.TIMESTAMP_ANCHOR
        and event.payload["anchored_sha256"] != facts["canonical_sha256"]
    ):
        raise MalformedEvent(
            f"timestamp_anchor anchors {event.payload['anchored_sha256']!r}, not the canonical "
            f"sha256 {facts['canonical_sha256']!r} of {event.subject}"
        )
    if event.kind is EventKind.AUTHOR_ATTESTATION:
        author = event.payload["author"]
        if author not in facts["authors"]:
            raise MalformedEvent(f"{author!r} is not an author of {event.subject}")
        ((registered, verified),) = await store.author_key_registrations(
            driver,
            database,
            [
                {
                    "fingerprint": event.signer.fingerprint,
                    "pith_number": event.subject,
                    "author": author,
                }
            ],
        )
        if not registered:
            raise UnregisteredAuthorKey(
                f"key {event.signer.fingerprint} is not registered for author {author!r} of "
                f"{event.subject}; ask the operator: pith-graph events author-key add"
            )
        if event.payload["strength"] == "strong" and not verified:
            raise UnregisteredAuthorKey(
                f"a strong claim needs an identity-verified registration; key "
                f"{event.signer.fingerprint} for {author!r} is registered without one"
            )
    return facts


def event_message(event: SignedEvent, categories: list[str] | None = None) -> dict[str, Any]:
    """What subscribers receive for an accepted event."""
    return {
        "kind": "event",
        "pith_number": event.subject,
        "categories": categories or [],
        "event": event.to_json(),
        "created_at": event.created_at,
    }


async def submit_event(
    driver: AsyncDriver,
    database: str,
    envelope: Any,
    *,
    now: datetime,
    trust: TrustStore,
    expected_kind: EventKind | None = None,
    window: timedelta = DEFAULT_WINDOW,
    channel: Broadcaster = broadcaster,
) -> tuple[SignedEvent, int]:
    """Verify and store one live event; return it with its log index.

    1. parse: exact canonical form, id and signature (MALFORMED_EVENT / BAD_SIGNATURE); the
       signer against ``trust`` (the registry's trust store): a trusted key id with another key
       (RESERVED_KEY_ID), the registry's role or signer id without a trusted key
       (FORBIDDEN_SIGNER);
    2. the kind is a user action, the one the mutation names (FORBIDDEN_KIND);
    3. ``created_at`` is within ``window`` of ``now`` (REPLAYED_EVENT);
    4. the subject is registered; an anchor anchors its digest; an author claim comes from a key
       registered for that author (UNKNOWN_SUBJECT / UNREGISTERED_AUTHOR_KEY);
    5. one write: the event, its ABOUT edge and its log leaf; a stored id or a reused
       (signer, nonce) is a replay and writes nothing (REPLAYED_EVENT).
    """
    # 1. parse, signer
    event = _parse(envelope, trust)
    # 2. kind
    if event.kind not in USER_KINDS:
        raise ForbiddenKind(f"{event.kind.value} events are signed by the registry itself")
    if expected_kind is not None and event.kind is not expected_kind:
        raise ForbiddenKind(
            f"this action takes {expected_kind.value} events, got {event.kind.value}"
        )
    # 3. freshness
    _check_window(event, now, window)
    # 4. subject and author key
    facts = await _check_subject(driver, database, event)
    # 5. one write
    accepted_at = format_receipt_time(now)

    try:
        index = await store.store_events(driver, database, [event], accepted_at)
    except EventConflict as exc:
        raise ReplayedEvent(
            f"event {event.event_id} replays a stored event (same id, or nonce {event.nonce} "
            f"already used by key {event.signer.fingerprint})"
        ) from exc
    except UnknownPaper as exc:
        raise UnknownSubject(str(exc)) from exc
    channel.publish(event_message(event, facts["categories"]))
    return event, index


async def register_author_key(
    driver: AsyncDriver,
    database: str,
    *,
    pith_number: str,
    author: str,
    public_key_hex: str,
    identity_verified: bool,
    now: datetime,
) -> str:
    """Register an author's Ed25519 public key for one paper (an operator action); return its fingerprint."""
    try:
        raw = bytes.fromhex(public_key_hex)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise MalformedEvent(f"an Ed25519 public key is 64 hex characters, got {public_key_hex!r}")
    (facts,) = await store.subject_facts(driver, database, [pith_number])
    if facts is None:
        raise UnknownSubject(f"no paper is registered as {pith_number!r}")
    if author not in facts["authors"]:
        raise MalformedEvent(f"{author!r} is not an author of {pith_number}: {facts['authors']}")
    fingerprint = fingerprint_of(raw)
    await store.add_author_key(
        driver,
        database,
        {
            "pith_number": pith_number,
            "author": author,
            "fingerprint": fingerprint,
            "public_key": raw.hex(),
            "identity_verified": identity_verified,
            "registered_at": format_receipt_time(now),
        },
    )
    return fingerprint


def _facts(row: Mapping[str, Any] | None) -> GraphFacts:
    if row is None:
        return GraphFacts()
    canonical_json = row["canonical_json"]
    content_addressed = False
    if canonical_json:
        import json

        digest = sha256_digest(canonical_bytes(json.loads(canonical_json))).hex
        content_addressed = digest == row["canonical_sha256"]
    return GraphFacts(
        content_addressed=content_addressed,
        pith_receipt=row["has_receipt"],
        # The record's graph snapshot is built from the stored paper, so a registered paper has one.
        graph_snapshot=True,
        references_resolved=row["references"] > 0 and row["unresolved"] == 0,
        registered_citations=frozenset(row.get("registered_cited") or ()),
    )


def _formal_item(event: SignedEvent) -> dict[str, Any]:
    p = event.payload
    return {
        "event_id": event.event_id,
        "created_at": event.created_at,
        "evidence_url": p["evidence_url"],
        "evidence_sha256": p["evidence_sha256"],
        "outcome": p["outcome"],
        "summary": p["summary"],
        "signer_id": event.signer.signer_id,
    }


def _graph(row: Mapping[str, Any], events: list[SignedEvent], facts: GraphFacts) -> RecordGraph:
    parts = event_facts(events, facts)
    return RecordGraph(
        references=int(row["references"]),
        resolved_references=int(row["references"]) - int(row["unresolved"]),
        reference_sample=tuple(row.get("reference_sample") or ()),
        internal_anchors=parts.signed_citations,
        citations=int(row.get("citations") or 0),
        citation_sample=tuple(row.get("citation_sample") or ()),
        inbound_anchors=int(row.get("inbound_anchors") or 0),
        author_claims=parts.author_claims,
        strong_author_claims=parts.strong_author_claims,
        formal_evidence=tuple(_formal_item(e) for e in parts.formal_evidence),
    )


@dataclass(frozen=True)
class RecordStatus:
    verification_status: dict[str, Any]
    attestation_state: str
    event_summary: dict[str, int]
    events: list[dict[str, Any]] = field(default_factory=list)
    # The graph around the record (references, citations, claims, formal links), derived.
    graph: RecordGraph = field(default_factory=RecordGraph)
    # graph_snapshot.integrity, derived from the pith.integrity.v1 events and the detector runs
    integrity: dict[str, Any] | None = None
    # The paper's receipt, aliases and claims, read with the rest (a record needs them all).
    details: PaperDetails | None = None


async def record_status(
    driver: AsyncDriver, database: str, pith_numbers: list[str]
) -> list[RecordStatus | None]:
    """verification_status, attestation_state, event_summary, events and the graph around the
    record of each pith number.

    One query for the whole list (facts, graph, events, the papers' details and the detector
    runs), whatever its length; ``None`` for a miss.
    """
    out: list[RecordStatus | None] = []
    rows, runs = await store.facts_and_events(driver, database, pith_numbers, sample=SAMPLE_SIZE)
    for row, raw, details in rows:
        if row is None:
            out.append(None)
            continue
        events = [parse_event(e) for e in raw]  # stored events were verified on the way in
        facts = _facts(row)
        status = verification_status(events, facts)
        out.append(
            RecordStatus(
                verification_status=status,
                attestation_state=attestation_state(status),
                event_summary=event_summary(events),
                events=raw,
                graph=_graph(row, events, facts),
                integrity=integrity_section(
                    events, runs, f"/pith/{row['source_id']}/integrity.json"
                ),
                details=details,
            )
        )
    return out


def nonce_for(seed: str) -> str:
    """A deterministic 32-hex nonce from ``seed`` (for registry-signed events)."""
    return hashlib.sha256(seed.encode()).hexdigest()[:32]
