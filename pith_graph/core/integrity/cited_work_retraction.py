"""``cited_work_retraction``: a paper cites a work that has been retracted.

Offline: the list is the operator's copy of Crossref's Retraction Watch data (CSV with the columns
``Record ID, Title, …, RetractionDate, RetractionDOI, …, OriginalPaperDOI, …, RetractionNature,
Reason, …``), passed to ``pith-graph integrity run --retractions FILE``. A reference whose DOI
(lower-cased) is an ``OriginalPaperDOI`` of a row whose ``RetractionNature`` is ``Retraction`` is
critical; an ``Expression of concern`` is advisory; corrections are not findings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass

__all__ = ["NAME", "VERSION", "CitedDoi", "Retraction", "detect", "parse_retraction_csv"]

NAME = "cited_work_retraction"
VERSION = "1.0.0"
_NATURES = {
    "retraction": (Severity.CRITICAL, "cited_work_retracted"),
    "expression of concern": (Severity.ADVISORY, "cited_work_expression_of_concern"),
}


@dataclass(frozen=True, slots=True)
class Retraction:
    record_id: str
    original_doi: str
    retraction_doi: str
    retraction_date: str
    nature: str
    reason: str


@dataclass(frozen=True, slots=True)
class CitedDoi:
    citing_pith: str
    doi: str
    ref_index: int | None = None


def _doi(text: str) -> str:
    text = text.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def parse_retraction_csv(text: str) -> dict[str, Retraction]:
    """Retraction Watch CSV text -> ``{original DOI (lower case): Retraction}``.

    Rows without an ``OriginalPaperDOI`` (or with ``unavailable``) name no citable DOI: skipped.
    When one DOI has several rows, a retraction outranks an expression of concern.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"OriginalPaperDOI", "RetractionNature"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"not a Retraction Watch CSV: missing columns {sorted(missing)}")
    out: dict[str, Retraction] = {}
    for row in reader:
        doi = _doi(row.get("OriginalPaperDOI") or "")
        if not doi.startswith("10.") or "/" not in doi:
            continue
        entry = Retraction(
            record_id=(row.get("Record ID") or "").strip(),
            original_doi=doi,
            retraction_doi=_doi(row.get("RetractionDOI") or ""),
            retraction_date=(row.get("RetractionDate") or "").strip(),
            nature=(row.get("RetractionNature") or "").strip(),
            reason=(row.get("Reason") or "").strip(),
        )
        if entry.nature.lower() not in _NATURES:
            continue
        kept = out.get(doi)
        if kept is None or (kept.nature.lower() != "retraction" and entry.nature.lower() == "retraction"):
            out[doi] = entry
    return out


def detect(cited: Iterable[CitedDoi], retractions: Mapping[str, Retraction]) -> list[Finding]:
    out = []
    for ref in cited:
        entry = retractions.get(ref.doi.lower())
        if entry is None:
            continue
        severity, finding_type = _NATURES[entry.nature.lower()]
        out.append(
            Finding(
                subject=ref.citing_pith,
                detector=NAME,
                detector_version=VERSION,
                finding_type=finding_type,
                severity=severity,
                verdict_class=VerdictClass.CROSS_SOURCE,
                evidence={
                    "pith_number": ref.citing_pith,
                    "detected_doi": entry.original_doi,
                    "ref_index": ref.ref_index,
                    "retraction_doi": entry.retraction_doi,
                    "retraction_date": entry.retraction_date,
                    "retraction_nature": entry.nature,
                    "retraction_watch_record_id": entry.record_id,
                },
                note=f"cites {entry.original_doi}: {entry.nature} ({entry.retraction_date})"
                + (f"; reason: {entry.reason[:200]}" if entry.reason else ""),
            )
        )
    return out
