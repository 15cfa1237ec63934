"""Deterministic merge: same set of events, any order and duplicates, same state bytes."""

from __future__ import annotations

import hashlib
from typing import Any

from _event_factory import OTHER, PAYLOADS, SUBJECT, T0, make_event
from events_support import agent_key
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.canonical import canonical_bytes
from pith_graph.core.events import EventKind
from pith_graph.core.merge import merge_state
from pith_graph.core.signing import generate_signing_key
from pith_graph.core.trust import default_trust_store

REGISTRY = generate_signing_key("registry-test", seed=b"\x07" * 32)
TRUST = default_trust_store([REGISTRY.public_key])


def _snapshot_event(n: int) -> dict[str, Any]:
    snapshot = {"n": n}
    return make_event(
        EventKind.GRAPH_SNAPSHOT,
        key=REGISTRY,
        payload={
            "graph_snapshot": snapshot,
            "snapshot_sha256": hashlib.sha256(canonical_bytes(snapshot)).hexdigest(),
        },
        nonce=f"{n:016x}",
        signer_type="registry",
        signer_id="registry",
    ).to_json()


def _pool() -> list[dict[str, Any]]:
    from datetime import timedelta

    events = [
        make_event(kind, key=agent_key(i % 3 + 1), nonce=f"{i:016x}", at=T0 + timedelta(seconds=i))
        for i, kind in enumerate(list(PAYLOADS) * 2)
    ]
    pool = [e.to_json() for e in events]
    # an equivocation: agent 1 signs two statements with the same nonce
    pool.append(make_event(EventKind.AUTHOR_ATTESTATION, nonce="ee" * 8).to_json())
    pool.append(
        make_event(
            EventKind.AUTHOR_ATTESTATION,
            nonce="ee" * 8,
            payload={"author": "Markus Kollmann", "strength": "weak"},
        ).to_json()
    )
    # a revocation of the first event by its own signer
    pool.append(
        make_event(
            EventKind.REVOCATION,
            key=agent_key(1),
            payload={"revokes": events[0].event_id, "reason": "wrong proof"},
            nonce="ff" * 8,
        ).to_json()
    )
    pool.append(_snapshot_event(1))
    pool.append(make_event(subject=OTHER, nonce="dd" * 8).to_json())  # another paper: invalid
    broken = make_event(nonce="cc" * 8).to_json()
    broken["signature_b64"] = pool[1]["signature_b64"]  # tampered: invalid
    pool.append(broken)
    return pool


def test_state_counts_valid_invalid_equivocations_and_revocations() -> None:
    state = merge_state(SUBJECT, _pool(), TRUST)
    assert state["state_type"] == "pith_open_graph_state"
    assert state["merge_version"] == "pith-open-graph-merge-v1"
    assert (state["event_count"], state["valid_event_count"], state["invalid_event_count"]) == (
        16,
        14,
        2,
    )
    assert state["equivocation_count"] == 1
    assert len(state["revoked"]) == 1
    assert len(state["current"]["timestamp_anchors"]) == 1  # one of two revoked
    assert all(c["payload"]["author"] == "Tim Kaiser" for c in state["current"]["author_claims"])


def test_latest_author_claim_per_signer_wins() -> None:
    weak = make_event(EventKind.AUTHOR_ATTESTATION, nonce="01" * 8)
    strong = make_event(
        EventKind.AUTHOR_ATTESTATION,
        nonce="02" * 8,
        at=T0.replace(hour=13),
        payload={"author": "Tim Kaiser", "strength": "strong"},
    )
    claims = merge_state(SUBJECT, [strong.to_json(), weak.to_json()], TRUST)["current"][
        "author_claims"
    ]
    assert [c["event_id"] for c in claims] == [strong.event_id]


def test_snapshot_signed_by_an_untrusted_key_is_invalid() -> None:
    state = merge_state(SUBJECT, [_snapshot_event(2)], default_trust_store())
    assert state["invalid_event_count"] == 1
    assert state["current"]["graph_snapshots"] == []


@given(st.data())
def test_two_instances_with_shuffled_duplicated_events_agree(data: st.DataObject) -> None:
    pool = _pool()
    first = data.draw(st.permutations(pool + data.draw(st.lists(st.sampled_from(pool)))))
    second = data.draw(st.permutations(pool + data.draw(st.lists(st.sampled_from(pool)))))
    a, b = merge_state(SUBJECT, first, TRUST), merge_state(SUBJECT, second, TRUST)
    assert canonical_bytes(a) == canonical_bytes(b)
    assert a["state_sha256"] == b["state_sha256"]


def test_an_event_borrowing_a_trusted_key_id_is_invalid_in_the_merge() -> None:
    # An agent's storage attestation under the registry's key id and role: it verifies over the
    # agent's own key, but it claims what only the trusted key may.
    impostor = generate_signing_key(REGISTRY.key_id, seed=b"\x42" * 32)
    forged = make_event(
        EventKind.STORAGE_ATTESTATION, key=impostor, signer_type="registry",
        signer_id=f"registry:{REGISTRY.key_id}", nonce="42" * 8,
    ).to_json()  # fmt: skip
    state = merge_state(SUBJECT, [forged], TRUST)
    assert (state["valid_event_count"], state["invalid_event_count"]) == (0, 1)
    assert state["current"]["storage_attestations"] == []
