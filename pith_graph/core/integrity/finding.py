"""An integrity finding: what a detector saw, keyed by the hash of its evidence.

REFERENCE.md "Integrity" (R): ``evidence_hash`` is "SHA-256 over (detector, canonicalized
evidence). Two emissions with the same hash are the same finding." **Our canonical form** of that
pair is the canonical JSON (:func:`pith_graph.core.canonical.canonical_bytes`) of
``{"detector": NAME, "evidence": EVIDENCE}``. Every detector puts the subject's pith number in
its evidence, so the same observation about two papers gives two findings.

A finding does not impute intent or rank papers: it states a checkable fact about the registry's
own records and the rule (and version) that produced it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pith_graph.core.canonical import canonical_bytes, sha256_digest

__all__ = [
    "Finding",
    "Severity",
    "VerdictClass",
    "evidence_hash",
]


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    ADVISORY = "advisory"
    INFORMATIONAL = "informational"


class VerdictClass(enum.StrEnum):
    """How sure the finding is (REFERENCE.md, "Verdict classes")."""

    INCONTROVERTIBLE = "incontrovertible"
    CROSS_SOURCE = "cross_source"
    THRESHOLD_WITH_MARGIN = "threshold_with_margin"
    RESCINDED = "rescinded"


def evidence_hash(detector: str, evidence: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the canonical bytes of ``{"detector", "evidence"}``."""
    return sha256_digest(canonical_bytes({"detector": detector, "evidence": dict(evidence)})).hex


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding about one paper (``subject``, a full pith number)."""

    subject: str
    detector: str
    detector_version: str
    finding_type: str
    severity: Severity
    verdict_class: VerdictClass
    evidence: Mapping[str, Any]
    note: str = ""
    hash: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "hash", evidence_hash(self.detector, self.evidence))

    def to_json(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "detector_version": self.detector_version,
            "finding_type": self.finding_type,
            "severity": self.severity.value,
            "verdict_class": self.verdict_class.value,
            "evidence": dict(self.evidence),
            "evidence_hash": self.hash,
            "note": self.note,
        }
