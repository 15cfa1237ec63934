"""Findings as signed pith.integrity.v1 events: they verify, rescind, and derive the section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pith_graph.core.errors import InvalidEvent
from pith_graph.core.events import EventKind, build_event, parse_event
from pith_graph.core.integrity import Finding, Severity, VerdictClass
from pith_graph.core.integrity.events import sign_emission, sign_rescission
from pith_graph.core.integrity.section import active_findings, integrity_section
from pith_graph.core.merge import merge_state
from pith_graph.core.signing import generate_signing_key
from pith_graph.core.trust import default_trust_store
from pith_graph.core.verification import GraphFacts, verification_status

SUBJECT = "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
KEY = generate_signing_key("registry-test", seed=b"\x07" * 32)


def _finding(severity: Severity = Severity.ADVISORY, n: int = 1) -> Finding:
    return Finding(
        subject=SUBJECT,
        detector="citation_time_order",
        detector_version="1.0.0",
        finding_type="cited_work_postdates_citing",
        severity=severity,
        verdict_class=VerdictClass.INCONTROVERTIBLE,
        evidence={"pith_number": SUBJECT, "cited_arxiv_id": f"hep-th/990300{n}"},
        note="n",
    )


def test_an_emission_verifies_offline_and_carries_the_evidence_hash() -> None:
    f = _finding()
    event = sign_emission(f, KEY, generation=0, now=T0)
    again = parse_event(event.to_json())
    assert again.kind is EventKind.INTEGRITY and again.target == "integrity"
    assert again.payload["evidence_hash"] == f.hash and again.payload["rescinds"] is None


def test_a_tampered_evidence_hash_or_a_user_signer_is_refused() -> None:
    payload = {**sign_emission(_finding(), KEY, generation=0, now=T0).payload, "evidence_hash": "0" * 64}
    with pytest.raises(InvalidEvent):
        build_event(EventKind.INTEGRITY, SUBJECT, payload, key=KEY, signer_id="x",
                    signer_type="registry", nonce="ab" * 8, created_at=T0)
    good = sign_emission(_finding(), KEY, generation=0, now=T0).payload
    with pytest.raises(InvalidEvent):
        build_event(EventKind.INTEGRITY, SUBJECT, good, key=KEY, signer_id="x",
                    signer_type="agent", nonce="ab" * 8, created_at=T0)


def test_rescission_ends_a_finding_and_a_later_emission_revives_it() -> None:
    f = _finding()
    e0 = sign_emission(f, KEY, generation=0, now=T0)
    r1 = sign_rescission(SUBJECT, e0.payload, e0.event_id, KEY, generation=1, now=T0 + timedelta(seconds=1))
    assert active_findings([e0]) == [e0]
    assert active_findings([e0, r1]) == []
    e2 = sign_emission(f, KEY, generation=2, now=T0 + timedelta(seconds=2))
    assert active_findings([r1, e2, e0]) == [e2]


def test_section_summary_clean_and_status_derive_from_the_events() -> None:
    adv = sign_emission(_finding(Severity.ADVISORY, 1), KEY, generation=0, now=T0)
    info = sign_emission(_finding(Severity.INFORMATIONAL, 2), KEY, generation=0, now=T0)
    runs = [{"name": "citation_time_order", "version": "1.0.0", "ran_at": "2026-05-01T12:00:00Z"}]
    section = integrity_section([info], runs, "/pith/x/integrity.json")
    assert section["clean"] and section["summary"]["informational"] == 1
    section = integrity_section([adv, info], runs, "/pith/x/integrity.json")
    assert not section["clean"]
    assert section["summary"]["by_detector"] == {"citation_time_order": 2}
    assert section["detectors_run"][0]["findings_count"] == 2
    status = verification_status([adv, info], GraphFacts())
    assert status["integrity_findings"] == 2 and status["integrity_flagged"]


def test_merged_state_lists_active_findings_signed_by_a_trusted_registry_key() -> None:
    e0 = sign_emission(_finding(), KEY, generation=0, now=T0)
    trusted = default_trust_store([KEY.public_key])
    state = merge_state(SUBJECT, [e0.to_json()], trusted)
    assert [v["event_id"] for v in state["current"]["integrity_findings"]] == [e0.event_id]
    stranger = merge_state(SUBJECT, [e0.to_json()], default_trust_store())
    assert stranger["invalid_event_count"] == 1 and stranger["current"]["integrity_findings"] == []
