"""``unresolvable_identifier``: a reference whose identifier cannot name any work.

A reference that did not resolve to a registered paper keeps the identifier it was cited by
(an arXiv id or a DOI). It is *unresolvable* when that identifier fails syntax: an arXiv id that
was never issued (:func:`~pith_graph.core.integrity.identifiers.arxiv_id_problem`) or a string
that is no DOI (:func:`~pith_graph.core.integrity.identifiers.doi_syntax_problem`). A DOI that is a
DOI but not a compliant one is :mod:`doi_compliance`'s. Advisory, incontrovertible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass
from pith_graph.core.integrity.identifiers import arxiv_id_problem, doi_syntax_problem

__all__ = ["NAME", "VERSION", "Reference", "detect"]

NAME = "unresolvable_identifier"
VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference of ``citing_pith``: its identifier kind (``arxiv``/``doi``) and value."""

    citing_pith: str
    kind: str
    value: str
    ref_index: int | None = None


def detect(references: Iterable[Reference]) -> list[Finding]:
    out = []
    for ref in references:
        if ref.kind == "arxiv":
            problem, field, finding_type = arxiv_id_problem(ref.value), "detected_arxiv_id", "invalid_arxiv_id"
        elif ref.kind == "doi":
            problem, field, finding_type = doi_syntax_problem(ref.value), "detected_doi", "invalid_doi"
        else:
            problem, field, finding_type = f"unknown identifier kind {ref.kind!r}", "detected_identifier", "unknown_identifier"
        if problem is None:
            continue
        out.append(
            Finding(
                subject=ref.citing_pith,
                detector=NAME,
                detector_version=VERSION,
                finding_type=finding_type,
                severity=Severity.ADVISORY,
                verdict_class=VerdictClass.INCONTROVERTIBLE,
                evidence={"pith_number": ref.citing_pith, field: ref.value, "ref_index": ref.ref_index},
                note=problem,
            )
        )
    return out
