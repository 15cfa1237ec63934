"""Deterministic merge: the current state of one pith number from any set of signed events.

``merge_state`` is a pure function of the *set* of inputs: order and duplicates do not change a
byte of its result, so two mirrors holding the same events compute the same ``state_sha256``. The
rules (``schema/merge-rules.md``) are applied in this order:

1. every input is parsed and verified (:func:`parse_event`); an input that fails, is about another
   pith number, or is a registry event (``record_created``, ``graph_snapshot``,
   ``pith.integrity.v1``) not signed by a trusted registry key, or whose signer claims a trusted
   key id, the registry's role or a registry signer id without that trusted key
   (:func:`check_signer`), is *invalid*: counted, never used;
2. valid events are de-duplicated by ``event_id``;
3. **equivocation**: two different valid events from one signer (same public key) with the same
   ``nonce`` are conflicting statements; every event of such a group is excluded (none wins);
4. **revocation**: a ``revocation`` by the same public key as the event it names, about the same
   pith number, removes that event; revocations themselves cannot be revoked;
5. **conflicts** inside a kind, ordered by ``(created_at, event_id)``: the *earliest*
   ``record_created`` gives the canonical record; for authorship the *latest* claim per
   ``(author, signer)`` wins, for citations the latest per ``(cited, signer)``; anchors, storage
   attestations, replication records and graph snapshots all stand; an anchor of another digest
   than the canonical record's is not listed, and each anchor listed says whether its proof
   parses and commits to that digest (``proof.status``: ``verified`` / ``unverified``,
   :func:`pith_graph.core.anchors.check_anchor_proof`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pith_graph.core.anchors import check_anchor_proof
from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidEvent
from pith_graph.core.events import (
    REGISTRY_KINDS,
    EventKind,
    SignedEvent,
    check_signer,
    parse_event,
)
from pith_graph.core.integrity.section import active_findings
from pith_graph.core.trust import TrustStore

__all__ = [
    "MERGE_VERSION",
    "STATE_TYPE",
    "Effective",
    "effective_events",
    "event_view",
    "merge_state",
]

MERGE_VERSION = "pith-open-graph-merge-v1"
STATE_TYPE = "pith_open_graph_state"
_REGISTRY_KINDS = REGISTRY_KINDS


@dataclass(frozen=True, slots=True)
class Effective:
    """The outcome of rules 2-4: the events that count, and why the others do not."""

    events: tuple[SignedEvent, ...]
    revoked: tuple[tuple[str, str], ...]  # (revoked event id, revoking event id)
    equivocations: tuple[tuple[str, str, tuple[str, ...]], ...]  # (fingerprint, nonce, ids)


def effective_events(events: Iterable[SignedEvent]) -> Effective:
    """Apply de-duplication, equivocation and revocation (rules 2-4) to valid events."""
    unique = {e.event_id: e for e in events}
    ordered = sorted(unique.values(), key=lambda e: e.sort_key)
    # 3. equivocation: one signer, one nonce, more than one statement
    slots: dict[tuple[str, str], list[SignedEvent]] = {}
    for event in ordered:
        slots.setdefault((event.signer.public_key.hex(), event.nonce), []).append(event)
    excluded: set[str] = set()
    equivocations = []
    for (_public_hex, nonce), group in sorted(slots.items()):
        if len(group) > 1:
            ids = tuple(sorted(e.event_id for e in group))
            excluded.update(ids)
            equivocations.append((group[0].signer.fingerprint, nonce, ids))
    kept = [e for e in ordered if e.event_id not in excluded]
    # 4. revocation by the same key
    by_id = {e.event_id: e for e in kept}
    revoked: dict[str, str] = {}
    for event in kept:
        if event.kind is not EventKind.REVOCATION:
            continue
        target = by_id.get(event.payload["revokes"])
        if (
            target is not None
            and target.kind is not EventKind.REVOCATION
            and target.signer.public_key == event.signer.public_key
            and target.subject == event.subject
        ):
            # Several revocations of one event: the earliest is named (``kept`` is in order).
            revoked.setdefault(target.event_id, event.event_id)
    final = tuple(e for e in kept if e.event_id not in revoked)
    return Effective(final, tuple(sorted(revoked.items())), tuple(equivocations))


def event_view(event: SignedEvent) -> dict[str, Any]:
    """An event as the state lists it: id, type, target, time, signer summary, payload."""
    return {
        "event_id": event.event_id,
        "event_type": event.kind.value,
        "target": event.target,
        "created_at": event.created_at,
        "signer": event.signer.summary(),
        "payload": event.payload,
    }


def _anchor_view(event: SignedEvent) -> dict[str, Any]:
    """An anchor as the state lists it, with what its proof was found to commit to."""
    p = event.payload
    proof = check_anchor_proof(p["method"], p["proof_b64"], p["anchored_sha256"])
    return {**event_view(event), "proof": proof.to_json()}


def _latest_per(events: Sequence[SignedEvent], field: str) -> list[SignedEvent]:
    latest: dict[tuple[str, str], SignedEvent] = {}
    for event in events:  # in (created_at, event_id) order: the last one wins
        latest[(str(event.payload[field]), event.signer.public_key.hex())] = event
    return sorted(latest.values(), key=lambda e: e.sort_key)


def _aliases(aliases: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    first: dict[tuple[str, str], str] = {}
    for alias in aliases:
        key = (str(alias["alias_kind"]), str(alias["alias_value"]))
        created = str(alias.get("created_at") or "")
        if key not in first or (created and (not first[key] or created < first[key])):
            first[key] = created
    return [
        {"alias_kind": k, "alias_value": v, "created_at": first[(k, v)]} for k, v in sorted(first)
    ]


def _is_valid(raw: Any, subject: str, trust_store: TrustStore) -> SignedEvent | None:
    try:
        event = parse_event(raw)
        # Registry kinds are signer_type "registry" (parse_event), which needs a trusted key;
        # nobody else may borrow a trusted key id or the registry's role.
        check_signer(event.signer, trust_store)
    except InvalidEvent:
        return None
    if event.subject != subject:
        return None
    return event


def _input_key(raw: Any) -> str:
    try:
        return sha256_digest(canonical_bytes(raw)).hex
    except (TypeError, ValueError):
        return "unencodable:" + repr(raw)


def merge_state(
    subject: str,
    inputs: Iterable[Any],
    trust_store: TrustStore,
    aliases: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``pith_open_graph_state`` document of ``subject`` (see the module docstring)."""
    # 1. parse every distinct input
    distinct: dict[str, Any] = {}
    for raw in inputs:
        distinct.setdefault(_input_key(raw), raw)
    valid: list[SignedEvent] = []
    invalid = 0
    for key in sorted(distinct):
        event = _is_valid(distinct[key], subject, trust_store)
        if event is None:
            invalid += 1
        else:
            valid.append(event)
    # 2-4. duplicates, equivocation, revocation
    effective = effective_events(valid)
    by_kind: dict[EventKind, list[SignedEvent]] = {k: [] for k in EventKind}
    for event in effective.events:
        by_kind[event.kind].append(event)
    # 5. conflicts inside a kind
    created = by_kind[EventKind.RECORD_CREATED]
    origin = created[0].payload if created else None
    current = {
        "canonical_record": origin["canonical_record"] if origin else None,
        "canonical_sha256": origin["canonical_sha256"] if origin else None,
        "receipt": origin["receipt"] if origin else None,
        "aliases": _aliases(aliases),
        "graph_snapshots": [event_view(e) for e in by_kind[EventKind.GRAPH_SNAPSHOT]],
        "timestamp_anchors": [
            _anchor_view(e)
            for e in by_kind[EventKind.TIMESTAMP_ANCHOR]
            if origin is None or e.payload["anchored_sha256"] == origin["canonical_sha256"]
        ],
        "storage_attestations": [event_view(e) for e in by_kind[EventKind.STORAGE_ATTESTATION]],
        "author_claims": [
            event_view(e) for e in _latest_per(by_kind[EventKind.AUTHOR_ATTESTATION], "author")
        ],
        "citation_signatures": [
            event_view(e) for e in _latest_per(by_kind[EventKind.CITATION_SIGNATURE], "cited")
        ],
        "replication_records": [event_view(e) for e in by_kind[EventKind.REPLICATION_RECORD]],
        # Active findings: per evidence hash the latest event, unless it is a rescission.
        "integrity_findings": [event_view(e) for e in active_findings(by_kind[EventKind.INTEGRITY])],
    }
    state: dict[str, Any] = {
        "state_type": STATE_TYPE,
        "merge_version": MERGE_VERSION,
        "pith_number": subject,
        "event_count": len(distinct),
        "valid_event_count": len({e.event_id for e in valid}),
        "invalid_event_count": invalid,
        "equivocation_count": len(effective.equivocations),
        "equivocations": [
            {"public_key_fingerprint": fp, "nonce": nonce, "event_ids": list(ids)}
            for fp, nonce, ids in effective.equivocations
        ],
        "revoked": [{"event_id": a, "revoked_by": b} for a, b in effective.revoked],
        "current": current,
    }
    state["state_sha256"] = sha256_digest(canonical_bytes(state)).hex
    return state
