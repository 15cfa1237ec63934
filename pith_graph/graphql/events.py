"""GraphQL for signed events, verification status, bundles and the transparency log.

Thin: every resolver calls one service/store function. Expected refusals are data
(``EventRefusal`` in the ``EventResult`` union, ``LogRefusal`` in ``ProofResult``); the
subscription is fed by the in-process broadcaster (one API process; see service/broadcast.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from neo4j import AsyncDriver
from strawberry.scalars import JSON
from strawberry.types import Info

from pith_graph.core.events import EventKind, SignedEvent, parse_event
from pith_graph.core.signing import SigningKey
from pith_graph.core.tokens import Scope
from pith_graph.graphql.auth import needs
from pith_graph.graphql.context import Context, to_thread
from pith_graph.graphql.cursors import PageInfo, decode_cursor, encode_cursor, page_info
from pith_graph.service import bundles
from pith_graph.service import events as service
from pith_graph.service import log as log_service
from pith_graph.service.broadcast import broadcaster
from pith_graph.service.errors import BadInput, NotFound, ServiceError
from pith_graph.service.resolution import resolve_paper
from pith_graph.store import events as store

__all__ = ["EventMutations", "EventQueries", "EventSubscriptions"]

_MAX_PAGE = 100


def _db(info: Info[Context, None]) -> tuple[AsyncDriver, str]:
    context = info.context
    return context.driver, context.database


async def _pith_number(info: Info[Context, None], alias: str) -> str:
    """The full pith number of the paper ``alias`` names (any alias ``resolve`` takes), or the
    coded refusal (INVALID_ALIAS, NOT_FOUND, AMBIGUOUS_ALIAS)."""
    driver, database = _db(info)
    paper = await resolve_paper(driver, database, alias, projection="brief")
    return str(paper["pith_number"])


async def _registry_key_async(info: Info[Context, None]) -> SigningKey:
    # The registry's own key (the one its receipts use), loaded once per process.
    registry = info.context.registry
    return await to_thread(registry.signing_key)


@strawberry.type(description="Who signed an event.")
class EventSigner:
    key_id: str
    public_key: str = strawberry.field(description="Raw Ed25519 public key, hex.")
    public_key_fingerprint: str
    signer_id: str
    signer_type: str


@strawberry.type(description="A signed statement about one pith number (schema/events.md).")
class Event:
    event_id: str
    event_type: str
    pith_number: str
    target: str
    created_at: str
    nonce: str
    signer: EventSigner
    payload: JSON
    signature_b64: str
    envelope: JSON = strawberry.field(description="The wire form {event, event_id, signature_b64}.")

    @classmethod
    def from_event(cls, e: SignedEvent) -> Event:
        return cls(
            event_id=e.event_id,
            event_type=e.kind.value,
            pith_number=e.subject,
            target=e.target,
            created_at=e.created_at,
            nonce=e.nonce,
            signer=EventSigner(
                key_id=e.signer.key_id,
                public_key=e.signer.public_key.hex(),
                public_key_fingerprint=e.signer.fingerprint,
                signer_id=e.signer.signer_id,
                signer_type=e.signer.signer_type.value,
            ),
            payload=JSON(e.payload),
            signature_b64=e.signature_b64,
            envelope=JSON(e.to_json()),
        )


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type(description="Events in (createdAt, eventId) order, keyset-paged.")
class EventConnection:
    edges: list[EventEdge]
    page_info: PageInfo


async def _page(
    info: Info[Context, None], subject: str | None, categories: list[str] | None, first: int, after: str | None
) -> EventConnection:
    if not 0 < first <= _MAX_PAGE:
        raise BadInput(f"first must be 1..{_MAX_PAGE}, got {first}")
    driver, database = _db(info)
    raw = await store.events_page(
        driver,
        database,
        subject=subject,
        categories=categories,
        after=decode_cursor(after, (str, str)) if after is not None else None,
        limit=first + 1,
    )
    events = [parse_event(e) for e in raw]
    edges = [
        EventEdge(cursor=encode_cursor([e.created_at, e.event_id]), node=Event.from_event(e))
        for e in events[:first]
    ]
    return EventConnection(
        edges=edges,
        page_info=page_info(after, len(events) > first, [e.cursor for e in edges]),
    )


@strawberry.type(description="Derived on read from events and graph facts, never stored.")
class RecordVerification:
    pith_number: str
    verification_status: JSON
    attestation_state: str
    event_summary: JSON


@strawberry.type(description="An event the registry accepted, with its transparency-log index.")
class EventAccepted:
    event: Event
    log_index: int


@strawberry.type(description="An event refused before anything was written; code is stable.")
class EventRefusal:
    code: str
    message: str


EventResult = Annotated[EventAccepted | EventRefusal, strawberry.union("EventResult")]


@strawberry.type(description="A log document (signed tree head or proof, schema/log.md).")
class LogDocument:
    document: JSON


@strawberry.type
class LogRefusal:
    code: str
    message: str


ProofResult = Annotated[LogDocument | LogRefusal, strawberry.union("ProofResult")]


@strawberry.type
class EventQueries:
    @strawberry.field(
        description="Events about one paper, oldest first. `pithNumber`: any alias `resolve` "
        "takes (pith number or short form, arXiv id, DOI)."
    )
    async def events(
        self, info: Info[Context, None], pith_number: str, first: int = 20, after: str | None = None
    ) -> EventConnection:
        if not 0 < first <= _MAX_PAGE:  # refused before the alias is looked up
            raise BadInput(f"first must be 1..{_MAX_PAGE}, got {first}")
        return await _page(info, await _pith_number(info, pith_number), None, first, after)

    @strawberry.field(description="Every accepted event, oldest first; optionally by category.")
    async def event_feed(
        self, info: Info[Context, None], first: int = 20, after: str | None = None, category: str | None = None
    ) -> EventConnection:
        return await _page(info, None, [category] if category else None, first, after)

    @strawberry.field(
        description="verification_status, attestation_state and event_summary of a paper "
        "(`pithNumber`: any alias `resolve` takes)."
    )
    async def record_verification(self, info: Info[Context, None], pith_number: str) -> RecordVerification | None:
        driver, database = _db(info)
        pith = await _pith_number(info, pith_number)
        (status,) = await service.record_status(driver, database, [pith])
        if status is None:  # removed between the two reads
            raise NotFound(f"no paper is registered under {pith_number!r}")
        return RecordVerification(
            pith_number=pith,
            verification_status=JSON(status.verification_status),
            attestation_state=status.attestation_state,
            event_summary=JSON(status.event_summary),
        )

    @strawberry.field(description="The registry-signed tree head of the transparency log.")
    async def signed_tree_head(self, info: Info[Context, None]) -> JSON:
        driver, database = _db(info)
        document = await log_service.signed_tree_head(
            driver, database, await _registry_key_async(info), datetime.now(UTC),
            origin=info.context.registry.settings.log_origin,
        )  # fmt: skip
        return JSON(document)

    @strawberry.field(
        description="The latest checkpoint of the log as a C2SP signed note (origin, tree size, "
        "base64 root), with the cosignatures of the witnesses that cosigned it; null before the "
        "first integration. Also served at /log/checkpoint."
    )
    async def log_checkpoint(self, info: Info[Context, None]) -> str | None:
        driver, database = _db(info)
        return await log_service.served_checkpoint(driver, database)

    @strawberry.field(
        description="Inclusion proof of an event (eventId) or of a paper's receipt "
        "(`pithNumber`: any alias `resolve` takes; refusals INVALID_ALIAS, NOT_FOUND, "
        "AMBIGUOUS_ALIAS, NOT_IN_LOG)."
    )
    async def inclusion_proof(
        self, info: Info[Context, None], event_id: str | None = None, pith_number: str | None = None
    ) -> ProofResult:
        driver, database = _db(info)
        if pith_number is not None and event_id is None:
            try:
                pith_number = await _pith_number(info, pith_number)
            except ServiceError as exc:
                return LogRefusal(code=exc.code, message=str(exc))
        try:
            document = await log_service.inclusion_document(
                driver, database, await _registry_key_async(info), datetime.now(UTC),
                event_id=event_id, pith_number=pith_number,
                origin=info.context.registry.settings.log_origin,
            )  # fmt: skip
        except log_service.LogError as exc:
            return LogRefusal(code=exc.code, message=str(exc))
        return LogDocument(document=JSON(document))

    @strawberry.field(description="Consistency proof between tree sizes first and second.")
    async def consistency_proof(self, info: Info[Context, None], first: int, second: int) -> ProofResult:
        driver, database = _db(info)
        try:
            document = await log_service.consistency_document(
                driver, database, await _registry_key_async(info), datetime.now(UTC), first, second,
                origin=info.context.registry.settings.log_origin,
            )  # fmt: skip
        except log_service.LogError as exc:
            return LogRefusal(code=exc.code, message=str(exc))
        return LogDocument(document=JSON(document))

    @strawberry.field(
        description="The signed pith_open_graph_bundle of a paper (`pithNumber`: any alias "
        "`resolve` takes; INVALID_ALIAS, NOT_FOUND or AMBIGUOUS_ALIAS otherwise)."
    )
    async def export_bundle(self, info: Info[Context, None], pith_number: str) -> JSON | None:
        return JSON(await _bundle(info, pith_number))

    @strawberry.field(
        description="The merged pith_open_graph_state of a paper (`pithNumber`: any alias "
        "`resolve` takes; INVALID_ALIAS, NOT_FOUND or AMBIGUOUS_ALIAS otherwise)."
    )
    async def graph_state(self, info: Info[Context, None], pith_number: str) -> JSON | None:
        bundle = await _bundle(info, pith_number)
        trust = await to_thread(info.context.registry.trust_store)
        return JSON(bundles.bundle_state(bundle, trust))


async def _bundle(info: Info[Context, None], alias: str) -> dict[str, Any]:
    driver, database = _db(info)
    pith = await _pith_number(info, alias)
    try:
        return await bundles.export_bundle(driver, database, await _registry_key_async(info), pith)
    except service.UnknownSubject as exc:  # removed between the two reads
        raise NotFound(str(exc)) from exc


async def _submit(info: Info[Context, None], event: Any, kind: EventKind) -> EventAccepted | EventRefusal:
    driver, database = _db(info)
    trust = await to_thread(info.context.registry.trust_store)
    try:
        accepted, index = await service.submit_event(
            driver, database, event, now=datetime.now(UTC), trust=trust, expected_kind=kind
        )
    except service.EventRefused as exc:
        return EventRefusal(code=exc.code, message=str(exc))
    return EventAccepted(event=Event.from_event(accepted), log_index=index)


_EVENT_ARG = "A signed envelope {event, event_id, signature_b64} (schema/events.md)."


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        description="Anchor a timestamp (timestamp_anchor). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def anchor_timestamp(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.TIMESTAMP_ANCHOR)

    @strawberry.mutation(
        description="Attest storage (storage_attestation). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def attest_storage(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.STORAGE_ATTESTATION)

    @strawberry.mutation(
        description="Attest authorship (author_attestation). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def attest_authorship(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.AUTHOR_ATTESTATION)

    @strawberry.mutation(
        description="Sign a citation (citation_signature). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def sign_citation(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.CITATION_SIGNATURE)

    @strawberry.mutation(
        description="Submit a replication record (replication_record). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def submit_replication(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.REPLICATION_RECORD)

    @strawberry.mutation(
        description="Revoke one of your own events (revocation). " + _EVENT_ARG,
        extensions=needs(Scope.ATTEST),
    )
    async def revoke_event(self, info: Info[Context, None], event: JSON) -> EventResult:
        return await _submit(info, event, EventKind.REVOCATION)


@strawberry.type(description="A live registry message: a new event, or a new registration.")
class LiveMessage:
    kind: str = strawberry.field(description="event or registration")
    pith_number: str
    categories: list[str]
    event: Event | None


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        description="New events and registrations as they are accepted by this API process, "
        "optionally only those of one pith number or one category."
    )
    async def registry_events(
        self, pith_number: str | None = None, category: str | None = None
    ) -> AsyncGenerator[LiveMessage, None]:
        async with broadcaster.subscribe() as queue:
            while True:
                message = await queue.get()
                if pith_number is not None and message["pith_number"] != pith_number:
                    continue
                if category is not None and category not in message.get("categories", []):
                    continue
                event = message.get("event")
                yield LiveMessage(
                    kind=message["kind"],
                    pith_number=message["pith_number"],
                    categories=list(message.get("categories", [])),
                    event=Event.from_event(parse_event(event)) if event else None,
                )
