"""``/pith/<any alias>/action/<kind>``: the five agent actions a record advertises.

``kind`` is an ``event_type`` of a user action: ``timestamp_anchor``, ``storage_attestation``,
``author_attestation``, ``citation_signature``, ``replication_record``.

- ``GET`` says, as JSON, how to submit one: the envelope (``{event, event_id, signature_b64}``,
  ``schema/events.md``) filled in for this paper, the payload keys, a JSON Schema of the envelope,
  the GraphQL mutation that does the same, the auth it needs and the error codes.
- ``POST`` takes the signed envelope as the body and does exactly what the GraphQL mutation does
  (:func:`pith_graph.service.events.submit_event` with the action's kind): the same bearer token
  and ``attest`` scope when auth is required, the same checks, the same codes. ``201`` with the
  accepted event and its log index; refusals are ``{"error": {code, message}}``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pith_graph.core.events import EVENT_VERSION, TARGETS, EventKind, SignerType
from pith_graph.core.tokens import Scope
from pith_graph.http.app_state import RegistryState
from pith_graph.http.errors import HTTP_STATUS, Refusal, error_response
from pith_graph.service import events as event_service
from pith_graph.service import tokens
from pith_graph.service.errors import ServiceError
from pith_graph.service.resolution import require_found, resolve_aliases
from pith_graph.store.errors import StoreUnavailable

__all__ = ["ACTIONS", "action_description", "routes"]

log = logging.getLogger(__name__)

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"}
_URL = {"type": "string", "pattern": r"^https?://\S+$"}
_TEXT = {"type": "string", "maxLength": 4000}


# kind -> (GraphQL mutation, payload property schemas, an example payload)
ACTIONS: dict[EventKind, tuple[str, dict[str, Any], dict[str, Any]]] = {
    EventKind.TIMESTAMP_ANCHOR: (
        "anchorTimestamp",
        {
            "anchored_sha256": {**_HEX64, "description": "the record's canonical_sha256"},
            "method": {"enum": ["opentimestamps", "rfc3161"]},
            "proof_b64": {"type": "string", "description": "the proof, standard base64"},
        },
        {"anchored_sha256": "<canonical_sha256>", "method": "opentimestamps", "proof_b64": "<base64>"},
    ),
    EventKind.STORAGE_ATTESTATION: (
        "attestStorage",
        {
            "archive": {"type": "string", "minLength": 1},
            "url": _URL,
            "captured_at": _TIME,
            "content_sha256": _HEX64,
        },
        {
            "archive": "internet_archive",
            "url": "https://web.archive.org/web/…",
            "captured_at": "YYYY-MM-DDTHH:MM:SSZ",
            "content_sha256": "<64 hex>",
        },
    ),
    EventKind.AUTHOR_ATTESTATION: (
        "attestAuthorship",
        {"author": {"type": "string", "minLength": 1}, "strength": {"enum": ["weak", "strong"]}},
        {"author": "<an author name as in the record>", "strength": "weak"},
    ),
    EventKind.CITATION_SIGNATURE: (
        "signCitation",
        {
            "cited": {"type": "string", "pattern": r"^pith:\d{4}:[A-Z2-7]{26}$"},
            "relation": {
                "enum": [
                    "supports", "refutes", "extends", "uses_method",
                    "depends_on", "replaces", "compares", "cites",
                ]
            },  # fmt: skip
            "note": _TEXT,
        },
        {"cited": "pith:YYYY:<26 base32>", "relation": "cites", "note": ""},
    ),
    EventKind.REPLICATION_RECORD: (
        "submitReplication",
        {
            "kind": {"enum": ["replication", "falsification", "formal_bridge"]},
            "outcome": {"enum": ["reproduced", "not_reproduced", "partial", "linked"]},
            "evidence_url": _URL,
            "evidence_sha256": _HEX64,
            "summary": _TEXT,
        },
        {
            "kind": "replication",
            "outcome": "reproduced",
            "evidence_url": "https://…",
            "evidence_sha256": "<64 hex>",
            "summary": "",
        },
    ),
}

# The refusals an action can answer, as its description lists them (statuses: the one mapping).
_ACTION_ERRORS = {
    code: HTTP_STATUS[code]
    for code in (
        "UNAUTHENTICATED", "FORBIDDEN", "MALFORMED_EVENT", "BAD_SIGNATURE", "FORBIDDEN_KIND",
        "UNKNOWN_SUBJECT", "UNREGISTERED_AUTHOR_KEY", "REPLAYED_EVENT", "NOT_FOUND",
        "AMBIGUOUS_ALIAS", "INVALID_ALIAS", "BAD_INPUT", "UNAVAILABLE",
    )
}  # fmt: skip


def _envelope_schema(kind: EventKind, subject: str) -> dict[str, Any]:
    _, properties, _ = ACTIONS[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"signed {kind.value} envelope",
        "type": "object",
        "required": ["event", "event_id", "signature_b64"],
        "additionalProperties": False,
        "properties": {
            "event_id": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "signature_b64": {"type": "string"},
            "event": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "created_at", "event_type", "event_version", "nonce",
                    "payload", "signer", "subject", "target",
                ],  # fmt: skip
                "properties": {
                    "event_version": {"const": EVENT_VERSION},
                    "event_type": {"const": kind.value},
                    "subject": {"const": subject},
                    "target": {"const": TARGETS[kind]},
                    "nonce": {"type": "string", "pattern": "^[0-9a-f]{16,64}$"},
                    "created_at": _TIME,
                    "signer": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["key_id", "public_key", "signer_id", "signer_type"],
                        "properties": {
                            "key_id": {"type": "string", "minLength": 1, "maxLength": 200},
                            "public_key": _HEX64,
                            "signer_id": {"type": "string", "minLength": 1, "maxLength": 200},
                            "signer_type": {
                                "enum": [t.value for t in SignerType if t is not SignerType.REGISTRY]
                            },
                        },
                    },
                    "payload": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": sorted(properties),
                        "properties": properties,
                    },
                },
            },
        },
    }


def action_description(kind: EventKind, record: dict[str, Any], url: str, auth: bool) -> dict[str, Any]:
    """What GET answers (pure)."""
    mutation, properties, example = ACTIONS[kind]
    subject = record["pith_number"]
    if kind is EventKind.TIMESTAMP_ANCHOR:
        example = {**example, "anchored_sha256": record["canonical_sha256"]}
    return {
        "action": kind.value,
        "event_type": kind.value,
        "subject": subject,
        "target": TARGETS[kind],
        "submit": {"method": "POST", "url": url, "content_type": "application/json"},
        "envelope": {
            "event": {
                "event_version": EVENT_VERSION,
                "event_type": kind.value,
                "subject": subject,
                "target": TARGETS[kind],
                "payload": example,
                "nonce": "<16 to 64 lower-case hex, never reused by your key>",
                "created_at": "<YYYY-MM-DDTHH:MM:SSZ, within 10 minutes of the server's clock>",
                "signer": {
                    "key_id": "<your key id>",
                    "public_key": "<your raw Ed25519 public key, 64 hex>",
                    "signer_id": "<an ORCID, an agent name…>",
                    "signer_type": "agent" if kind is not EventKind.AUTHOR_ATTESTATION else "author",
                },
            },
            "event_id": "sha256:<hex SHA-256 of the canonical JSON bytes of event>",
            "signature_b64": "<Ed25519 signature of the 32 digest bytes, standard base64>",
        },
        "canonical_form": "keys sorted, separators ',' ':', UTF-8, non-ASCII unescaped "
        "(schema/events.md)",
        "payload_keys": sorted(properties),
        "json_schema": _envelope_schema(kind, subject),
        "graphql": {
            "endpoint": "/graphql",
            "mutation": mutation,
            "document": f"mutation($event: JSON!) {{ {mutation}(event: $event) {{ "
            "__typename ... on EventAccepted { logIndex event { eventId } } "
            "... on EventRefusal { code message } } }",
            "variables": {"event": "<the signed envelope>"},
        },
        "auth": {
            "required": auth,
            "header": "Authorization: Bearer <API token>",
            "scope": Scope.ATTEST.value,
        },
        "errors": _ACTION_ERRORS,
    }


async def _record(request: Request) -> dict[str, Any]:
    from pith_graph.service.events import record_status
    from pith_graph.service.records import record_document

    registry: RegistryState = request.app.state.registry
    database = registry.settings.neo4j_database
    resolution = (await resolve_aliases(registry.driver, database, [request.path_params["suffix"]]))[0]
    paper = require_found(resolution)
    (status,) = await record_status(registry.driver, database, [paper["pith_number"]])
    if status is None or status.details is None:
        raise StoreUnavailable("the paper changed while it was read; try again")
    return record_document(paper, status.details, registry.settings.public_base_url, status)


def _kind(request: Request) -> EventKind | None:
    try:
        kind = EventKind(request.path_params["kind"])
    except ValueError:
        return None
    return kind if kind in ACTIONS else None


async def action(request: Request) -> Response:
    kind = _kind(request)
    if kind is None:
        return error_response(
            "NOT_FOUND",
            f"no action {request.path_params['kind']!r}; the actions are "
            f"{[k.value for k in ACTIONS]}",
        )
    registry: RegistryState = request.app.state.registry
    try:
        record = await _record(request)
    except (ServiceError, StoreUnavailable) as exc:
        return Refusal.of(exc).json()
    if request.method == "GET":
        return JSONResponse(
            action_description(kind, record, str(request.url), registry.settings.auth_required)
        )
    return await _submit(request, registry, kind, record)


async def _submit(
    request: Request, registry: RegistryState, kind: EventKind, record: dict[str, Any]
) -> Response:
    database = registry.settings.neo4j_database
    try:
        if registry.settings.auth_required:
            principal = await tokens.authenticate(
                registry.driver, database, request.headers.get("authorization")
            )
            tokens.require(principal, Scope.ATTEST)
        try:
            envelope = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            return error_response("MALFORMED_EVENT", f"the body is not JSON: {exc}")
        subject = envelope.get("event", {}).get("subject") if isinstance(envelope, dict) else None
        if isinstance(subject, str) and subject != record["pith_number"]:
            return error_response(
                "MALFORMED_EVENT",
                f"this action is for {record['pith_number']}; the event is about {subject}",
            )
        trust = await anyio.to_thread.run_sync(registry.trust_store)
        accepted, index = await event_service.submit_event(
            registry.driver,
            database,
            envelope,
            now=datetime.now(UTC),
            trust=trust,
            expected_kind=kind,
        )
    except (ServiceError, StoreUnavailable) as exc:  # an event refused is a ServiceError too
        return Refusal.of(exc).json()
    registry.generation.bump()  # an acknowledged write, as after the GraphQL mutation
    return JSONResponse(
        {"accepted": True, "log_index": index, "event_id": accepted.event_id, "event": accepted.to_json()},
        status_code=201,
    )


def routes() -> list[BaseRoute]:
    return [Route("/pith/{suffix:path}/action/{kind}", action, methods=["GET", "POST"])]
