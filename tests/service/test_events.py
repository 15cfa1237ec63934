"""The event service against the real Neo4j: verify first, then one write with its log leaf."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from events_support import (
    TRUST,
    agent_key,
    arun,
    count,
    insert_paper,
    paper_receipt,
    payload_for,
    seed_records,
    signed,
)
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.service import events as service

EVENTS = "MATCH (e:Event) RETURN count(e)"
ENTRIES = "MATCH (l:LogEntry) RETURN count(l)"


@pytest.fixture
def papers(clean_graph: Driver, settings: Settings) -> list[str]:
    return [insert_paper(settings, r) for r in seed_records()]


def _submit(settings: Settings, envelope: Any, **kw: Any) -> Any:
    async def go(driver: AsyncDriver) -> Any:
        kw.setdefault("trust", TRUST)
        return await service.submit_event(
            driver, settings.neo4j_database, envelope, now=datetime.now(UTC), **kw
        )

    return arun(settings, go)


def _register_key(settings: Settings, pith: str, author: str, verified: bool, n: int = 1) -> None:
    async def go(driver: AsyncDriver) -> None:
        await service.register_author_key(
            driver, settings.neo4j_database, pith_number=pith, author=author,
            public_key_hex=agent_key(n).public_key.hex, identity_verified=verified,
            now=datetime.now(UTC),
        )  # fmt: skip

    arun(settings, go)


def test_accepted_event_is_stored_with_its_log_entry(
    papers: list[str], settings: Settings, bolt: Driver
) -> None:
    event = signed(
        EventKind.CITATION_SIGNATURE,
        papers[0],
        payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]),
    )
    stored, index = _submit(settings, event.to_json())
    assert stored == event
    assert index == 2  # after the two receipts
    assert count(bolt, settings, EVENTS) == 1
    assert count(bolt, settings, "MATCH (:Event)-[:ABOUT]->(:Paper) RETURN count(*)") == 1
    assert count(bolt, settings, ENTRIES) == 3


def test_tampered_signature_is_refused_and_writes_nothing(
    papers: list[str], settings: Settings, bolt: Driver
) -> None:
    envelope = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    ).to_json()
    envelope["signature_b64"] = signed(
        EventKind.STORAGE_ATTESTATION,
        papers[0],
        payload_for(EventKind.STORAGE_ATTESTATION),
        nonce="11" * 8,
    ).signature_b64
    with pytest.raises(service.BadSignature):
        _submit(settings, envelope)
    assert (count(bolt, settings, EVENTS), count(bolt, settings, ENTRIES)) == (0, 2)


def test_same_event_twice_is_a_replay_stored_once(
    papers: list[str], settings: Settings, bolt: Driver
) -> None:
    envelope = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    ).to_json()
    _submit(settings, envelope)
    with pytest.raises(service.ReplayedEvent):
        _submit(settings, envelope)
    assert (count(bolt, settings, EVENTS), count(bolt, settings, ENTRIES)) == (1, 3)


def test_reused_nonce_is_a_replay(papers: list[str], settings: Settings, bolt: Driver) -> None:
    first = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    )
    second = signed(
        EventKind.REPLICATION_RECORD, papers[0], payload_for(EventKind.REPLICATION_RECORD)
    )
    _submit(settings, first.to_json())
    with pytest.raises(service.ReplayedEvent, match="nonce"):
        _submit(settings, second.to_json())
    assert count(bolt, settings, EVENTS) == 1


def test_stale_event_is_a_replay(papers: list[str], settings: Settings, bolt: Driver) -> None:
    old = signed(EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION),
                 at=datetime.now(UTC) - timedelta(hours=2))  # fmt: skip
    with pytest.raises(service.ReplayedEvent, match="server time"):
        _submit(settings, old.to_json())
    assert count(bolt, settings, EVENTS) == 0


def test_unknown_subject_is_refused(papers: list[str], settings: Settings, bolt: Driver) -> None:
    event = signed(
        EventKind.STORAGE_ATTESTATION,
        "pith:2020:AAAAAAAAAAAAAAAAAAAAAAAAAA",
        payload_for(EventKind.STORAGE_ATTESTATION),
    )
    with pytest.raises(service.UnknownSubject):
        _submit(settings, event.to_json())
    assert (count(bolt, settings, EVENTS), count(bolt, settings, ENTRIES)) == (0, 2)


def test_malformed_body_is_refused(papers: list[str], settings: Settings) -> None:
    with pytest.raises(service.MalformedEvent):
        _submit(
            settings,
            {"event": {"event_type": "timestamp_anchor"}, "event_id": "x", "signature_b64": ""},
        )


def test_anchor_of_another_digest_is_refused(papers: list[str], settings: Settings) -> None:
    event = signed(
        EventKind.TIMESTAMP_ANCHOR,
        papers[0],
        payload_for(EventKind.TIMESTAMP_ANCHOR, anchored="ee" * 32),
    )
    with pytest.raises(service.MalformedEvent, match="canonical sha256"):
        _submit(settings, event.to_json())


def test_anchor_of_the_record_digest_is_accepted(papers: list[str], settings: Settings) -> None:
    _, receipt = paper_receipt(seed_records()[0])
    event = signed(
        EventKind.TIMESTAMP_ANCHOR,
        papers[0],
        payload_for(EventKind.TIMESTAMP_ANCHOR, anchored=receipt.canonical_sha256),
    )
    assert _submit(settings, event.to_json(), expected_kind=EventKind.TIMESTAMP_ANCHOR)[0] == event


def test_action_of_another_kind_is_refused(papers: list[str], settings: Settings) -> None:
    event = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    )
    with pytest.raises(service.ForbiddenKind):
        _submit(settings, event.to_json(), expected_kind=EventKind.TIMESTAMP_ANCHOR)


def test_author_claim_needs_a_registered_key(
    papers: list[str], settings: Settings, bolt: Driver
) -> None:
    claim = signed(
        EventKind.AUTHOR_ATTESTATION, papers[0], payload_for(EventKind.AUTHOR_ATTESTATION)
    )
    with pytest.raises(service.UnregisteredAuthorKey):
        _submit(settings, claim.to_json())
    _register_key(settings, papers[0], "Tim Kaiser", verified=False)
    assert _submit(settings, claim.to_json())[0] == claim
    assert count(bolt, settings, EVENTS) == 1


def test_strong_claim_needs_an_identity_verified_key(papers: list[str], settings: Settings) -> None:
    strong = signed(
        EventKind.AUTHOR_ATTESTATION,
        papers[0],
        payload_for(EventKind.AUTHOR_ATTESTATION, strength="strong"),
    )
    _register_key(settings, papers[0], "Tim Kaiser", verified=False)
    with pytest.raises(service.UnregisteredAuthorKey, match="identity-verified"):
        _submit(settings, strong.to_json())
    _register_key(settings, papers[0], "Tim Kaiser", verified=True)
    _submit(settings, strong.to_json())


def test_record_status_moves_with_events(papers: list[str], settings: Settings) -> None:
    _, receipt = paper_receipt(seed_records()[0])
    anchor = signed(
        EventKind.TIMESTAMP_ANCHOR,
        papers[0],
        payload_for(EventKind.TIMESTAMP_ANCHOR, anchored=receipt.canonical_sha256),
    )

    def status() -> Any:
        async def go(driver: AsyncDriver) -> Any:
            return await service.record_status(
                driver, settings.neo4j_database, [papers[0], "pith:2020:AAAAAAAAAAAAAAAAAAAAAAAAAA"]
            )

        return arun(settings, go)

    before, missing = status()
    assert missing is None
    assert before.attestation_state == "computed"
    assert (
        before.verification_status["content_addressed"]
        and before.verification_status["pith_receipt"]
    )
    _submit(settings, anchor.to_json())
    after, _ = status()
    assert after.verification_status["externally_anchored"]
    assert after.attestation_state == "anchored"
    assert after.event_summary == {"timestamp_anchor": 1}


def test_concurrent_submissions_keep_log_indices_dense(
    papers: list[str], settings: Settings, bolt: Driver
) -> None:
    import asyncio

    events = [
        signed(
            EventKind.STORAGE_ATTESTATION,
            papers[i % 2],
            payload_for(EventKind.STORAGE_ATTESTATION),
            nonce=f"{i:016x}",
        )
        for i in range(12)
    ]

    async def go(driver: AsyncDriver) -> list[Any]:
        return await asyncio.gather(*[
            service.submit_event(driver, settings.neo4j_database, e.to_json(), now=datetime.now(UTC), trust=TRUST)
            for e in events
        ])  # fmt: skip

    indices = sorted(index for _, index in arun(settings, go))
    assert indices == list(range(2, 14))
    records, _, _ = bolt.execute_query(
        "MATCH (l:LogEntry) RETURN collect(l.index) AS ix", database_=settings.neo4j_database
    )
    assert sorted(records[0]["ix"]) == list(range(14))
    head, _, _ = bolt.execute_query(
        "MATCH (h:LogHead) RETURN h.size AS size", database_=settings.neo4j_database
    )
    assert head[0]["size"] == 14


def test_failed_log_append_leaves_no_event(papers: list[str], settings: Settings, bolt: Driver) -> None:
    from neo4j.exceptions import ConstraintError

    # A stray entry takes the next index: the append fails after the event was created.
    bolt.execute_query("CREATE (:LogEntry {index: 2})", database_=settings.neo4j_database)
    event = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    )
    with pytest.raises(ConstraintError):
        _submit(settings, event.to_json())
    assert count(bolt, settings, EVENTS) == 0
    assert count(bolt, settings, "MATCH (h:LogHead) RETURN h.size") == 2


def _status(settings: Settings, piths: list[str]) -> Any:
    async def go(driver: AsyncDriver) -> Any:
        return await service.record_status(driver, settings.neo4j_database, piths)

    return arun(settings, go)


def test_signed_citations_count_only_registered_papers(papers: list[str], settings: Settings) -> None:
    nowhere = "pith:2020:AAAAAAAAAAAAAAAAAAAAAAAAAA"
    for n, cited in enumerate((papers[1], nowhere)):
        payload = payload_for(EventKind.CITATION_SIGNATURE, cited=cited)
        _submit(settings, signed(EventKind.CITATION_SIGNATURE, papers[0], payload, nonce=f"{n:016x}").to_json())
    citing, cited = _status(settings, papers)
    assert citing.verification_status["citation_signatures"] == 1
    assert citing.graph.internal_anchors == 1  # the signed citation of a registered paper
    assert cited.graph.inbound_anchors == 1 and citing.graph.inbound_anchors == 0


def test_author_claims_and_formal_links_come_from_the_events(
    papers: list[str], settings: Settings
) -> None:
    _register_key(settings, papers[0], "Tim Kaiser", verified=True)
    strong = payload_for(EventKind.AUTHOR_ATTESTATION, strength="strong")
    _submit(settings, signed(EventKind.AUTHOR_ATTESTATION, papers[0], strong, nonce="01" * 8).to_json())
    bridge = {**payload_for(EventKind.REPLICATION_RECORD), "kind": "formal_bridge", "outcome": "linked",
              "evidence_url": "https://example.org/lean/Memorization.lean"}  # fmt: skip
    event = signed(EventKind.REPLICATION_RECORD, papers[0], bridge, nonce="02" * 8)
    _submit(settings, event.to_json())
    (status,) = _status(settings, papers[:1])
    assert (status.graph.author_claims, status.graph.strong_author_claims) == (1, 1)
    (item,) = status.graph.formal_evidence
    assert item["event_id"] == event.event_id
    assert item["evidence_url"] == "https://example.org/lean/Memorization.lean"
    assert status.verification_status["formal_links_present"]


def test_an_anchor_whose_proof_does_not_commit_is_stored_but_unverified(
    papers: list[str], settings: Settings
) -> None:
    from pith_graph.core.merge import merge_state

    _, receipt = paper_receipt(seed_records()[0])
    junk = {**payload_for(EventKind.TIMESTAMP_ANCHOR, anchored=receipt.canonical_sha256),
            "proof_b64": "AE9wZW5UaW1lc3RhbXBz"}  # fmt: skip
    event = signed(EventKind.TIMESTAMP_ANCHOR, papers[0], junk)
    _submit(settings, event.to_json())
    (status,) = _status(settings, papers[:1])
    assert status.event_summary == {"timestamp_anchor": 1}
    assert status.verification_status["externally_anchored"] is False
    (anchor,) = merge_state(papers[0], status.events, TRUST)["current"]["timestamp_anchors"]
    assert anchor["proof"]["status"] == "unverified"
    # A proof that parses and commits to the record's hash turns the flag on.
    good = payload_for(EventKind.TIMESTAMP_ANCHOR, anchored=receipt.canonical_sha256)
    _submit(settings, signed(EventKind.TIMESTAMP_ANCHOR, papers[0], good, nonce="07" * 8).to_json())
    (status,) = _status(settings, papers[:1])
    assert status.verification_status["externally_anchored"] is True
    proofs = merge_state(papers[0], status.events, TRUST)["current"]["timestamp_anchors"]
    assert sorted(a["proof"]["status"] for a in proofs) == ["unverified", "verified"]
