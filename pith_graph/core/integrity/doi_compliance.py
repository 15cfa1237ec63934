"""``doi_compliance``: a DOI (the paper's own, or one it cites) that breaks the DOI rules.

Checked with :func:`~pith_graph.core.integrity.identifiers.doi_compliance_problem`: trailing
punctuation, unbalanced brackets, characters outside Crossref's recommended set, a registrant
code that is not 4-9 digits. Informational, incontrovertible: such a DOI may still resolve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass
from pith_graph.core.integrity.identifiers import doi_compliance_problem

__all__ = ["NAME", "VERSION", "DoiUse", "detect"]

NAME = "doi_compliance"
VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class DoiUse:
    """A DOI seen on ``pith``: as its own metadata (``role='paper'``) or a reference's."""

    pith: str
    doi: str
    role: str  # "paper" | "reference"
    ref_index: int | None = None


def detect(uses: Iterable[DoiUse]) -> list[Finding]:
    out = []
    for use in uses:
        problem = doi_compliance_problem(use.doi)
        if problem is None:
            continue
        evidence: dict[str, str | int | None] = {
            "pith_number": use.pith,
            "detected_doi": use.doi,
            "role": use.role,
        }
        if use.role == "reference":
            evidence["ref_index"] = use.ref_index
        out.append(
            Finding(
                subject=use.pith,
                detector=NAME,
                detector_version=VERSION,
                finding_type="doi_noncompliant",
                severity=Severity.INFORMATIONAL,
                verdict_class=VerdictClass.INCONTROVERTIBLE,
                evidence=evidence,
                note=problem,
            )
        )
    return out
