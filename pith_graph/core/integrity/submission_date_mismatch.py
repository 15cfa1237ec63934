"""``submission_date_mismatch``: a v1 date far from the month its arXiv id encodes.

arXiv ids encode the month they were issued (``hep-th/9509068``: 1995-09; ``2603.13419``:
2026-03). A v1 submission time more than one calendar month away from that month (month index
difference > 1, either way; :func:`pith_graph.core.metadata.submission_date_mismatch`) is recorded: usually a metadata error of the source (a revision date
in place of the original). Informational, incontrovertible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pith_graph.core._arxiv import arxiv_id_month
from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass
from pith_graph.core.metadata import submission_date_mismatch

__all__ = ["NAME", "VERSION", "PaperDate", "date_mismatch_months", "detect"]

NAME = "submission_date_mismatch"
VERSION = "1.0.0"
MAX_MONTHS = 1


@dataclass(frozen=True, slots=True)
class PaperDate:
    pith: str
    arxiv_id: str
    submitted_at: str  # v1, YYYY-MM-DDTHH:MM:SSZ


def date_mismatch_months(arxiv_id: str, submitted_at: str) -> int | None:
    """Signed month distance from the id's month to the date's (None: not an arXiv id or date)."""
    month = arxiv_id_month(arxiv_id)
    if month is None or len(submitted_at) < 7 or not submitted_at[:4].isdigit():
        return None
    year, mm = int(submitted_at[:4]), int(submitted_at[5:7])
    return (year * 12 + mm - 1) - (month[0] * 12 + month[1] - 1)


def detect(papers: Iterable[PaperDate]) -> list[Finding]:
    out = []
    for p in papers:
        # The rule is the metadata parser's (it warns on the same papers at ingest).
        if not submission_date_mismatch(p.arxiv_id, p.submitted_at):
            continue
        distance = date_mismatch_months(p.arxiv_id, p.submitted_at)
        id_month = arxiv_id_month(p.arxiv_id)
        if distance is None or id_month is None:  # the predicate above saw both
            continue
        year, month = id_month
        out.append(
            Finding(
                subject=p.pith,
                detector=NAME,
                detector_version=VERSION,
                finding_type="v1_date_outside_id_month",
                severity=Severity.INFORMATIONAL,
                verdict_class=VerdictClass.INCONTROVERTIBLE,
                evidence={
                    "pith_number": p.pith,
                    "arxiv_id": p.arxiv_id,
                    "id_month": f"{year:04d}-{month:02d}",
                    "submitted_at": p.submitted_at,
                    "months_apart": distance,
                },
                note=f"v1 dated {p.submitted_at[:10]}, {abs(distance)} months from the id's "
                f"month {year:04d}-{month:02d}",
            )
        )
    return out
