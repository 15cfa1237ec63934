"""``citation_time_order``: a paper cites a paper that did not exist yet.

Rule: the cited paper's **v1** was submitted after the citing paper's **latest** version (the
newest registered version of the citing arXiv id, the one citations hang on). A later version may
legitimately cite newer work, so the citing side is its latest version's time, not its v1's.
When the citing version's own time is unknown (a version > 1 registered without it) the edge is
not judged. Advisory, incontrovertible (two dates of the registry's own records).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass

__all__ = ["NAME", "VERSION", "CitationDates", "detect"]

NAME = "citation_time_order"
VERSION = "1.0.0"
FINDING_TYPE = "cited_work_postdates_citing"


@dataclass(frozen=True, slots=True)
class CitationDates:
    """One citation edge with the two dates the rule compares (``YYYY-MM-DDTHH:MM:SSZ``)."""

    citing_pith: str
    citing_arxiv_id: str
    citing_version: int
    citing_version_at: str | None
    cited_pith: str
    cited_arxiv_id: str
    cited_v1_at: str


def detect(edges: Iterable[CitationDates]) -> list[Finding]:
    """One advisory finding per edge whose cited v1 is later than the citing latest version."""
    out = []
    for e in edges:
        if not e.citing_version_at or not e.cited_v1_at or e.citing_pith == e.cited_pith:
            continue
        if e.cited_v1_at > e.citing_version_at:  # same fixed-width UTC form: text order is time order
            out.append(
                Finding(
                    subject=e.citing_pith,
                    detector=NAME,
                    detector_version=VERSION,
                    finding_type=FINDING_TYPE,
                    severity=Severity.ADVISORY,
                    verdict_class=VerdictClass.INCONTROVERTIBLE,
                    evidence={
                        "pith_number": e.citing_pith,
                        "arxiv_id": e.citing_arxiv_id,
                        "citing_version": e.citing_version,
                        "citing_version_submitted_at": e.citing_version_at,
                        "cited_pith_number": e.cited_pith,
                        "cited_arxiv_id": e.cited_arxiv_id,
                        "cited_v1_submitted_at": e.cited_v1_at,
                    },
                    note=(
                        f"cites {e.cited_arxiv_id}, first submitted {e.cited_v1_at}, after this "
                        f"paper's latest version v{e.citing_version} ({e.citing_version_at})"
                    ),
                )
            )
    return out
