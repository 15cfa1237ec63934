"""Signed events: canonical form per kind, content id, signature, typed refusals."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
from _event_factory import PAYLOADS, SUBJECT, make_event
from events_support import agent_key

from pith_graph.core.canonical import canonical_bytes
from pith_graph.core.errors import InvalidEvent, InvalidEventSignature
from pith_graph.core.events import EventKind, parse_event
from pith_graph.core.signing import generate_signing_key


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_each_user_kind_round_trips_through_its_envelope(kind: EventKind) -> None:
    event = make_event(kind)
    assert parse_event(copy.deepcopy(event.to_json())) == event


def test_event_id_is_sha256_of_the_canonical_statement() -> None:
    event = make_event()
    digest = hashlib.sha256(canonical_bytes(event.to_json()["event"])).hexdigest()
    assert event.event_id == f"sha256:{digest}"


def test_canonical_bytes_of_a_timestamp_anchor_are_exactly_these() -> None:
    # The example of schema/events.md (its proof is no real OpenTimestamps proof: the statement's
    # form does not depend on it).
    payload = {"anchored_sha256": "bc" * 32, "method": "opentimestamps",
               "proof_b64": "AE9wZW5UaW1lc3RhbXBz"}  # fmt: skip
    event = make_event(payload=payload)
    public = agent_key().public_key.hex
    assert (
        event.canonical()
        == (
            '{"created_at":"2026-05-01T12:00:00Z","event_type":"timestamp_anchor",'
            '"event_version":"1.0","nonce":"0000000000000000","payload":{"anchored_sha256":"'
            + "bc"
            * 32
            + '","method":"opentimestamps","proof_b64":"AE9wZW5UaW1lc3RhbXBz"},"signer":{"key_id":'
            '"agent-1","public_key":"'
            + public
            + '","signer_id":"agent:test","signer_type":"agent"},'
            '"subject":"pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO","target":"record"}'
        ).encode()
    )


def test_tampered_payload_breaks_the_id() -> None:
    envelope = make_event().to_json()
    envelope["event"]["payload"]["method"] = "rfc3161"
    with pytest.raises(InvalidEvent, match="event_id"):
        parse_event(envelope)


def test_tampered_signature_is_refused() -> None:
    envelope = make_event().to_json()
    other = make_event(nonce="11" * 8).to_json()
    envelope["signature_b64"] = other["signature_b64"]
    with pytest.raises(InvalidEventSignature, match="does not verify"):
        parse_event(envelope)


def test_signature_by_another_key_is_refused() -> None:
    envelope = make_event().to_json()
    envelope["event"]["signer"]["public_key"] = agent_key(2).public_key.hex
    envelope["event_id"] = (
        "sha256:" + hashlib.sha256(canonical_bytes(envelope["event"])).hexdigest()
    )
    with pytest.raises(InvalidEventSignature):
        parse_event(envelope)


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        (EventKind.CITATION_SIGNATURE, {"relation": "likes"}, "relation"),
        (EventKind.CITATION_SIGNATURE, {"cited": "2603.13419"}, "cited"),
        (EventKind.CITATION_SIGNATURE, {"cited": SUBJECT}, "cited"),
        (EventKind.AUTHOR_ATTESTATION, {"strength": "medium"}, "strength"),
        (EventKind.AUTHOR_ATTESTATION, {"extra": 1}, "payload"),
        (EventKind.STORAGE_ATTESTATION, {"url": "ftp://x"}, "url"),
        (EventKind.TIMESTAMP_ANCHOR, {"anchored_sha256": "XY"}, "anchored_sha256"),
        (EventKind.REPLICATION_RECORD, {"kind": "vibes"}, "kind"),
    ],
)
def test_malformed_payload_is_refused_naming_the_field(
    kind: EventKind, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidEvent, match=field):
        make_event(kind, payload={**PAYLOADS[kind], **change})


@pytest.mark.parametrize(
    ("key", "value"),
    [("subject", "pith:XTYU6EUZ"), ("nonce", "short"), ("created_at", "2026-05-01 12:00"),
     ("target", "graph"), ("event_type", "like"), ("event_version", "2.0")],
)  # fmt: skip
def test_malformed_statement_is_refused(key: str, value: str) -> None:
    envelope = make_event().to_json()
    envelope["event"][key] = value
    with pytest.raises(InvalidEvent, match=key):
        parse_event(envelope)


def test_registry_kinds_need_a_registry_signer() -> None:
    with pytest.raises(InvalidEvent, match="signer_type"):
        make_event(
            EventKind.GRAPH_SNAPSHOT,
            payload={
                "graph_snapshot": {},
                "snapshot_sha256": hashlib.sha256(b"{}").hexdigest(),
            },
        )


def test_not_an_envelope_is_refused() -> None:
    with pytest.raises(InvalidEvent, match="envelope"):
        parse_event({"event": {}})


# --- the signer against the trust store -------------------------------------------------------


def _trust_with_retired() -> Any:
    from pith_graph.core.trust import KeyStatus, TrustedKey, default_trust_store

    ours = generate_signing_key("ours-current", seed=b"\x07" * 32).public_key
    old = generate_signing_key("ours-retired", seed=b"\x08" * 32).public_key
    return default_trust_store([TrustedKey(ours, KeyStatus.CURRENT), TrustedKey(old, KeyStatus.RETIRED)])


@pytest.mark.parametrize("key_id", ["ours-current", "ours-retired", "pith-v1-2026-05"])
@pytest.mark.parametrize("signer_type", ["registry", "agent", "author"])
def test_a_trusted_key_id_with_another_key_is_a_collision(key_id: str, signer_type: str) -> None:
    from pith_graph.core.errors import KeyIdCollision
    from pith_graph.core.events import check_signer

    impostor = generate_signing_key(key_id, seed=b"\x42" * 32)
    event = make_event(key=impostor, signer_type=signer_type, signer_id=f"registry:{key_id}")
    with pytest.raises(KeyIdCollision, match="names a trusted key"):
        check_signer(event.signer, _trust_with_retired())


def test_a_trusted_key_under_another_id_is_a_collision() -> None:
    from pith_graph.core.errors import KeyIdCollision
    from pith_graph.core.events import check_signer

    renamed = generate_signing_key("not-its-name", seed=b"\x07" * 32)
    with pytest.raises(KeyIdCollision, match="is named 'ours-current'"):
        check_signer(make_event(key=renamed).signer, _trust_with_retired())


@pytest.mark.parametrize(
    ("signer_id", "signer_type"),
    [("agent:x", "registry"), ("registry:ours-current", "agent"), ("pith-v1-2026-05", "author")],
)
def test_the_registry_role_and_signer_ids_need_a_trusted_key(signer_id: str, signer_type: str) -> None:
    from pith_graph.core.errors import RegistryImpersonation
    from pith_graph.core.events import check_signer

    event = make_event(key=agent_key(3), signer_id=signer_id, signer_type=signer_type)
    with pytest.raises(RegistryImpersonation):
        check_signer(event.signer, _trust_with_retired())


def test_trusted_keys_and_plain_agents_pass() -> None:
    from pith_graph.core.events import check_signer

    trust = _trust_with_retired()
    for seed, key_id in ((b"\x07" * 32, "ours-current"), (b"\x08" * 32, "ours-retired")):
        key = generate_signing_key(key_id, seed=seed)
        check_signer(make_event(key=key, signer_type="registry", signer_id=f"registry:{key_id}").signer, trust)
    check_signer(make_event(key=agent_key(4)).signer, trust)
