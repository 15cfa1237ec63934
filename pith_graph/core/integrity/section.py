"""The integrity state of one paper, derived from its ``pith.integrity.v1`` events (pure).

A finding (one evidence hash) is *active* when its latest event, in the events' one order
``(created_at, event_id)``, is an emission; a rescission after it ends it, a later emission
revives it. Everything shown -- ``graph_snapshot.integrity``, ``/integrity.json``, the bundle's
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
    """The emission events whose finding stands, in (created_at, event_id) order."""
    latest: dict[str, SignedEvent] = {}
    for event in sorted(
        (e for e in events if e.kind is EventKind.INTEGRITY), key=lambda e: e.sort_key
    ):
        latest[event.payload["evidence_hash"]] = event
    return sorted(
        (e for e in latest.values() if e.payload["verdict_class"] != VerdictClass.RESCINDED.value),
        key=lambda e: e.sort_key,
    )


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
