"""verification_status: one test per flag, naming the event or graph fact that turns it on."""

from __future__ import annotations

from typing import Any

import pytest
from _event_factory import PAYLOADS, make_event

from pith_graph.core.events import EventKind
from pith_graph.core.verification import (
    GraphFacts,
    attestation_state,
    event_summary,
    verification_status,
)

OFF = verification_status([], GraphFacts())


NO_FACTS = GraphFacts()


def _on(events: list[Any], facts: GraphFacts = NO_FACTS) -> dict[str, Any]:
    status = verification_status(events, facts)
    return {k: v for k, v in status.items() if v != OFF[k]}


def test_nothing_is_on_without_facts_or_events() -> None:
    assert not any(OFF.values())
    assert attestation_state(OFF) == "unverified"


@pytest.mark.parametrize(
    "flag", ["content_addressed", "pith_receipt", "graph_snapshot", "references_resolved"]
)
def test_graph_fact_turns_on_its_flag(flag: str) -> None:
    assert _on([], GraphFacts(**{flag: True})) == {flag: True}


def test_weak_author_claim_turns_on_author_attested() -> None:
    assert _on([make_event(EventKind.AUTHOR_ATTESTATION)]) == {
        "author_attested": True,
        "weak_author_claims": 1,
    }


def test_strong_author_claim_counts_as_strong() -> None:
    event = make_event(EventKind.AUTHOR_ATTESTATION, payload={"author": "A", "strength": "strong"})
    assert _on([event]) == {"author_attested": True, "strong_author_claims": 1}


def test_timestamp_anchor_turns_on_externally_anchored() -> None:
    assert _on([make_event(EventKind.TIMESTAMP_ANCHOR)]) == {"externally_anchored": True}


def test_storage_attestation_turns_on_storage_verified() -> None:
    assert _on([make_event(EventKind.STORAGE_ATTESTATION)]) == {"storage_verified": True}


def test_citation_signature_of_a_registered_paper_is_counted() -> None:
    cited = PAYLOADS[EventKind.CITATION_SIGNATURE]["cited"]
    facts = GraphFacts(registered_citations=frozenset({cited}))
    assert _on([make_event(EventKind.CITATION_SIGNATURE)], facts) == {"citation_signatures": 1}


def test_citation_signature_of_an_unregistered_pith_number_is_not_counted() -> None:
    # A signature over a pith number nobody registered attests no citation.
    facts = GraphFacts(registered_citations=frozenset({"pith:2020:AAAAAAAAAAAAAAAAAAAAAAAAAA"}))
    assert _on([make_event(EventKind.CITATION_SIGNATURE)], facts) == {}


def test_replication_record_is_counted() -> None:
    assert _on([make_event(EventKind.REPLICATION_RECORD)]) == {"replication_records": 1}


def test_formal_bridge_turns_on_formal_links_present() -> None:
    payload = {
        **PAYLOADS[EventKind.REPLICATION_RECORD],
        "kind": "formal_bridge",
        "outcome": "linked",
    }
    assert _on([make_event(EventKind.REPLICATION_RECORD, payload=payload)]) == {
        "formal_links_present": True
    }


def test_revoked_event_turns_its_flag_off_again() -> None:
    anchor = make_event(EventKind.TIMESTAMP_ANCHOR)
    revocation = make_event(
        EventKind.REVOCATION, payload={"revokes": anchor.event_id, "reason": ""}, nonce="01" * 8
    )
    assert _on([anchor, revocation]) == {}


def test_attestation_state_moves_with_the_flags() -> None:
    facts = GraphFacts(content_addressed=True, pith_receipt=True)
    assert attestation_state(verification_status([], facts)) == "computed"
    anchored = [make_event(EventKind.TIMESTAMP_ANCHOR)]
    assert attestation_state(verification_status(anchored, facts)) == "anchored"
    claimed = [*anchored, make_event(EventKind.AUTHOR_ATTESTATION, nonce="02" * 8)]
    assert attestation_state(verification_status(claimed, facts)) == "author_attested"
    strong = make_event(
        EventKind.AUTHOR_ATTESTATION, payload={"author": "B", "strength": "strong"}, nonce="03" * 8
    )
    assert attestation_state(verification_status([*claimed, strong], facts)) == "author_verified"


def test_event_summary_counts_effective_events_per_type() -> None:
    events = [
        make_event(EventKind.TIMESTAMP_ANCHOR),
        make_event(EventKind.CITATION_SIGNATURE, nonce="01" * 8),
    ]
    assert event_summary(events) == {"citation_signature": 1, "timestamp_anchor": 1}
