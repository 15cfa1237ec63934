"""The integrity layer's pure core: findings, their event payloads, and the detectors.

Each detector is a module with ``NAME`` (its ``detector`` value: a contract), ``VERSION`` and a
pure ``detect(...)`` over plain values read from the registry's own graph. :data:`DETECTORS`
maps every name to its version, in the order runs apply them.
"""

from __future__ import annotations

from pith_graph.core.integrity import (
    citation_time_order,
    cited_work_retraction,
    doi_compliance,
    metadata_conflict,
    shingle_duplication,
    submission_date_mismatch,
    unresolvable_identifier,
)
from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass, evidence_hash

__all__ = ["DETECTORS", "Finding", "Severity", "VerdictClass", "evidence_hash"]

DETECTORS: dict[str, str] = {
    m.NAME: m.VERSION
    for m in (
        citation_time_order,
        unresolvable_identifier,
        doi_compliance,
        shingle_duplication,
        submission_date_mismatch,
        metadata_conflict,
        cited_work_retraction,
    )
}
