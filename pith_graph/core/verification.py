"""``verification_status`` and ``attestation_state``: derived from events and graph facts, never set.

The twelve flags are those of the founding record (REFERENCE.md "verification_status"), then our
two integrity flags (``integrity_findings``, ``integrity_flagged``); which
fact or event turns each one on is listed in ``schema/events.md``. Only *effective* events count
(:func:`pith_graph.core.merge.effective_events`: equivocating and revoked events do not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pith_graph.core.anchors import ProofStatus, check_anchor_proof
from pith_graph.core.events import EventKind, SignedEvent
from pith_graph.core.integrity.section import active_findings
from pith_graph.core.merge import effective_events

__all__ = [
    "EventFacts",
    "GraphFacts",
    "attestation_state",
    "event_facts",
    "event_summary",
    "verification_status",
]


@dataclass(frozen=True, slots=True)
class GraphFacts:
    """What the graph (not the events) says about a record.

    ``content_addressed``: its canonical record hashes to its canonical_sha256;
    ``pith_receipt``: a registry receipt over that digest is stored and verifies;
    ``graph_snapshot``: the record has a graph snapshot;
    ``references_resolved``: it has references and every one points at a registered paper;
    ``registered_citations``: the pith numbers, among those its signed citations name, that are
    registered here (a signed citation of anything else does not count).
    """

    content_addressed: bool = False
    pith_receipt: bool = False
    graph_snapshot: bool = False
    references_resolved: bool = False
    registered_citations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What the effective events add to a record's graph sections.

    ``author_claims`` / ``strong_author_claims``: ``(author, signer)`` claims, latest per pair;
    ``signed_citations``: ``(cited, signer)`` signed citations of registered papers;
    ``formal_evidence``: the ``formal_bridge`` replication records (Lean, Coq links), in order.
    """

    author_claims: int = 0
    strong_author_claims: int = 0
    signed_citations: int = 0
    formal_evidence: tuple[SignedEvent, ...] = ()


def event_facts(events: Iterable[SignedEvent], facts: GraphFacts) -> EventFacts:
    """The :class:`EventFacts` of a record's events (only effective events count)."""
    return _event_facts(effective_events(events).events, facts)


def _event_facts(effective: Sequence[SignedEvent], facts: GraphFacts) -> EventFacts:
    claims: dict[tuple[str, bytes], str] = {}
    for event in effective:  # latest claim per (author, signer), as in the merge
        if event.kind is EventKind.AUTHOR_ATTESTATION:
            claims[(event.payload["author"], event.signer.public_key)] = event.payload["strength"]
    citations = {
        (e.payload["cited"], e.signer.public_key)
        for e in effective
        if e.kind is EventKind.CITATION_SIGNATURE
        and e.payload["cited"] in facts.registered_citations
    }
    formal = tuple(
        e
        for e in effective
        if e.kind is EventKind.REPLICATION_RECORD and e.payload["kind"] == "formal_bridge"
    )
    return EventFacts(
        author_claims=len(claims),
        strong_author_claims=sum(1 for s in claims.values() if s == "strong"),
        signed_citations=len(citations),
        formal_evidence=formal,
    )


def verification_status(events: Iterable[SignedEvent], facts: GraphFacts) -> dict[str, Any]:
    """The twelve flags, in the founding record's order."""
    effective = effective_events(events).events
    findings = active_findings(effective)
    kinds = [e.kind for e in effective]
    parts = _event_facts(effective, facts)
    replications = [e for e in effective if e.kind is EventKind.REPLICATION_RECORD]
    return {
        "content_addressed": facts.content_addressed,
        "pith_receipt": facts.pith_receipt,
        "author_attested": parts.author_claims > 0,
        "weak_author_claims": parts.author_claims - parts.strong_author_claims,
        "strong_author_claims": parts.strong_author_claims,
        # An anchor counts when its proof parses and commits to the record's hash.
        "externally_anchored": any(_anchor_verified(e) for e in effective),
        "storage_verified": EventKind.STORAGE_ATTESTATION in kinds,
        # Only signed citations of papers registered here: a signature over a made-up pith
        # number attests nothing.
        "citation_signatures": parts.signed_citations,
        "replication_records": sum(1 for e in replications if e.payload["kind"] != "formal_bridge"),
        "graph_snapshot": facts.graph_snapshot or EventKind.GRAPH_SNAPSHOT in kinds,
        "references_resolved": facts.references_resolved,
        "formal_links_present": bool(parts.formal_evidence),
        # Integrity (pith.integrity.v1 events): active findings, and whether any casts doubt
        # (critical or advisory) -- the negation of graph_snapshot.integrity.clean.
        "integrity_findings": len(findings),
        "integrity_flagged": any(e.payload["severity"] != "informational" for e in findings),
    }


def _anchor_verified(event: SignedEvent) -> bool:
    if event.kind is not EventKind.TIMESTAMP_ANCHOR:
        return False
    p = event.payload
    proof = check_anchor_proof(p["method"], p["proof_b64"], p["anchored_sha256"])
    return proof.status is ProofStatus.VERIFIED


def attestation_state(status: dict[str, Any]) -> str:
    """One word that moves with the flags, the strongest that holds:

    ``unverified`` (no receipt) < ``computed`` (content addressed and receipted) < ``anchored``
    (plus an external timestamp or storage attestation) < ``author_attested`` (a weak author claim)
    < ``author_verified`` (a strong, identity-verified author claim).
    """
    if status["strong_author_claims"]:
        return "author_verified"
    if status["author_attested"]:
        return "author_attested"
    if not (status["content_addressed"] and status["pith_receipt"]):
        return "unverified"
    if status["externally_anchored"] or status["storage_verified"]:
        return "anchored"
    return "computed"


def event_summary(events: Iterable[SignedEvent]) -> dict[str, int]:
    """Count of effective events per ``event_type``, keys sorted (``{}`` when there are none)."""
    counts: dict[str, int] = {}
    for event in effective_events(events).events:
        counts[event.kind.value] = counts.get(event.kind.value, 0) + 1
    return dict(sorted(counts.items()))
