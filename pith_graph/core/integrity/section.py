"""The integrity state of one paper, derived from its ``pith.integrity.v1`` events (pure).

A finding (one evidence hash) is *active* while one of its emissions is not named by a
rescission (``rescinds``); a rescission ends the emission it names, a later emission revives
the finding. Everything shown -- ``graph_snapshot.integrity``, ``/integrity.json``, the bundle's
merged state, ``verification_status`` -- is computed from the active findings by this module, so
every mirror holding the same events shows the same integrity.

``clean`` is True when no active finding is critical or advisory (informational findings note a
fact without casting doubt). ``detectors_run`` lists the registry's detector runs (name, version,
status, time), each with this paper's active findings count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pith_graph.core.events import EventKind, SignedEvent
from pith_graph.core.integrity.finding import Severity, VerdictClass
from pith_graph.core.snapshot import with_section_sha256

__all__ = ["active_findings", "finding_view", "integrity_section", "integrity_summary"]

_SEVERITIES = tuple(s.value for s in Severity)


def active_findings(events: Iterable[SignedEvent]) -> list[SignedEvent]:
    """The emission events whose finding stands, in (created_at, event_id) order.

    An emission stands unless a rescission names it (``rescinds`` = its event id); this needs
    no order between events (two of them may share a second), so every mirror agrees. Of several
    standing emissions of one evidence hash (a revival after a rescission) the latest is listed.
    """
    integrity = [e for e in events if e.kind is EventKind.INTEGRITY]
    rescinded = {
        e.payload["rescinds"]
        for e in integrity
        if e.payload["verdict_class"] == VerdictClass.RESCINDED.value
    }
    latest: dict[str, SignedEvent] = {}
    for event in sorted(integrity, key=lambda e: e.sort_key):
        if event.payload["verdict_class"] == VerdictClass.RESCINDED.value:
            continue
        if event.event_id not in rescinded:
            latest[event.payload["evidence_hash"]] = event
    return sorted(latest.values(), key=lambda e: e.sort_key)


def finding_view(event: SignedEvent) -> dict[str, Any]:
    """A finding as records list it: the reference's fields, evidence fields flattened in."""
    p = event.payload
    view: dict[str, Any] = {
        k: v for k, v in p["evidence"].items() if k not in ("pith_number",) and v is not None
    }
    view.update(
        {
            "detector": p["detector"],
            "detector_version": p["detector_version"],
            "finding_type": p["finding_type"],
            "severity": p["severity"],
            "verdict_class": p["verdict_class"],
            "note": p["note"],
            "evidence": p["evidence"],
            "evidence_hash": p["evidence_hash"],
            "event_id": event.event_id,
            "audited_at": event.created_at,
        }
    )
    return view


def integrity_summary(findings: Sequence[SignedEvent]) -> dict[str, Any]:
    counts = {s: 0 for s in _SEVERITIES}
    by_detector: dict[str, int] = {}
    for e in findings:
        counts[e.payload["severity"]] += 1
        by_detector[e.payload["detector"]] = by_detector.get(e.payload["detector"], 0) + 1
    return {**counts, "by_detector": dict(sorted(by_detector.items()))}


def integrity_section(
    events: Iterable[SignedEvent],
    runs: Sequence[Mapping[str, Any]],
    endpoint: str,
) -> dict[str, Any]:
    """``graph_snapshot.integrity``: ``runs`` are ``{name, version, ran_at, status}`` rows."""
    findings = active_findings(events)
    summary = integrity_summary(findings)
    per_detector = summary["by_detector"]
    return with_section_sha256(
        {
            "clean": summary["critical"] == 0 and summary["advisory"] == 0,
            "summary": summary,
            "endpoint": endpoint,
            "findings": [finding_view(e) for e in findings],
            "available": True,
            "detectors_run": [
                {
                    "name": r["name"],
                    "version": r["version"],
                    "status": r.get("status") or "completed",
                    "ran_at": r["ran_at"],
                    "findings_count": per_detector.get(r["name"], 0),
                }
                for r in sorted(runs, key=lambda r: r["name"])
            ],
        }
    )
