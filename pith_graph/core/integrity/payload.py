"""The payload of a ``pith.integrity.v1`` event, and its validation (pure).

Exact keys: ``detector, detector_version, finding_type, severity, verdict_class, evidence,
evidence_hash, note, rescinds``. ``evidence_hash`` must be the hash of (detector, evidence)
(:func:`~pith_graph.core.integrity.finding.evidence_hash`) and the evidence names the event's
subject as its ``pith_number``. A finding is *emitted* with its own verdict class and
``rescinds: null``; it is *rescinded* by a later event with the same evidence (so the same
evidence hash), ``verdict_class: "rescinded"`` and ``rescinds`` = the id of the event it ends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pith_graph.core.errors import InvalidEvent
from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass, evidence_hash

__all__ = ["PAYLOAD_KEYS", "check_integrity_payload", "emission_payload", "rescission_payload"]

PAYLOAD_KEYS = (
    "detector",
    "detector_version",
    "evidence",
    "evidence_hash",
    "finding_type",
    "note",
    "rescinds",
    "severity",
    "verdict_class",
)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,31}")
_EVENT_ID = re.compile(r"sha256:[0-9a-f]{64}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def emission_payload(finding: Finding) -> dict[str, Any]:
    return {**finding.to_json(), "rescinds": None}


def rescission_payload(emitted: Mapping[str, Any], emitted_event_id: str, note: str) -> dict[str, Any]:
    """The payload ending the finding of ``emitted`` (a stored emission payload)."""
    return {
        **{k: emitted[k] for k in PAYLOAD_KEYS if k not in ("verdict_class", "note", "rescinds")},
        "verdict_class": VerdictClass.RESCINDED.value,
        "note": note,
        "rescinds": emitted_event_id,
    }


def _fail(key: str, reason: str) -> InvalidEvent:
    return InvalidEvent(f"event.payload.{key}" if key else "event.payload", reason)


def check_integrity_payload(p: Mapping[str, Any], subject: str) -> None:
    if set(p) != set(PAYLOAD_KEYS):
        raise _fail("", f"pith.integrity.v1 payload has exactly the keys {list(PAYLOAD_KEYS)}; got {sorted(p)}")
    for key, pattern in (("detector", _NAME), ("detector_version", _VERSION), ("finding_type", _NAME)):
        if not isinstance(p[key], str) or not pattern.fullmatch(p[key]):
            raise _fail(key, f"expected an identifier, got {p[key]!r}")
    if p["severity"] not in {s.value for s in Severity}:
        raise _fail("severity", f"expected one of {[s.value for s in Severity]}, got {p['severity']!r}")
    if p["verdict_class"] not in {v.value for v in VerdictClass}:
        raise _fail("verdict_class", f"expected one of {[v.value for v in VerdictClass]}, got {p['verdict_class']!r}")
    if not isinstance(p["note"], str) or len(p["note"]) > 4000:
        raise _fail("note", "expected a string of at most 4000 characters")
    evidence = p["evidence"]
    if not isinstance(evidence, Mapping) or evidence.get("pith_number") != subject:
        raise _fail("evidence", f"expected an object whose pith_number is the subject {subject}")
    if not isinstance(p["evidence_hash"], str) or not _HEX64.fullmatch(p["evidence_hash"]):
        raise _fail("evidence_hash", "expected 64 lower-case hex characters")
    try:
        expected = evidence_hash(p["detector"], evidence)
    except (TypeError, ValueError) as exc:
        raise _fail("evidence", f"not encodable as canonical JSON: {exc}") from exc
    if p["evidence_hash"] != expected:
        raise _fail("evidence_hash", f"is not SHA-256 over (detector, evidence): {expected}")
    rescinds = p["rescinds"]
    if p["verdict_class"] == VerdictClass.RESCINDED.value:
        if not isinstance(rescinds, str) or not _EVENT_ID.fullmatch(rescinds):
            raise _fail("rescinds", "a rescission names the event it rescinds (sha256:<64 hex>)")
    elif rescinds is not None:
        raise _fail("rescinds", "only a rescinded verdict names an event to rescind")
