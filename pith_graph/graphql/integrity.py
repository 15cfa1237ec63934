"""GraphQL integrity types: ``Paper.integrity`` and the root ``integrityFindings`` connection.

``Paper.integrity`` is the record's ``graph_snapshot.integrity`` section, typed (the same derived
document, so GraphQL and ``/integrity.json`` never disagree). ``integrityFindings`` pages the
registry's active findings by evidence hash (a keyset cursor, :mod:`pith_graph.graphql.cursors`),
one indexed query per page, optionally filtered by detector and severity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from pith_graph.core.integrity import DETECTORS, Severity
from pith_graph.graphql.context import Context
from pith_graph.graphql.cursors import PageInfo, decode_cursor, encode_cursor, page_info
from pith_graph.service.errors import BadInput
from pith_graph.store import integrity as store

if TYPE_CHECKING:
    from pith_graph.graphql.types import Paper

__all__ = ["IntegrityQueries", "PaperIntegrity", "paper_integrity"]

MAX_PAGE = 500


@strawberry.type(description="Active findings of one detector.")
class DetectorCount:
    detector: str
    count: int


@strawberry.type(description="Active findings by severity, and by detector.")
class IntegritySummary:
    critical: int
    advisory: int
    informational: int
    by_detector: list[DetectorCount]


@strawberry.type(description="A detector that has run over the registry, with this paper's count.")
class DetectorRun:
    name: str
    version: str
    status: str
    ran_at: str
    findings_count: int


@strawberry.type(description="One integrity finding: a signed pith.integrity.v1 event's payload.")
class IntegrityFinding:
    pith_number: str
    detector: str
    detector_version: str
    finding_type: str
    severity: str = strawberry.field(description="critical, advisory or informational.")
    verdict_class: str = strawberry.field(
        description="incontrovertible, cross_source, threshold_with_margin (rescinded: not listed)."
    )
    note: str
    evidence_hash: str = strawberry.field(description="SHA-256 over (detector, canonical evidence).")
    evidence: JSON
    event_id: str = strawberry.field(description="The signed event emitting this finding.")
    audited_at: str

    @strawberry.field(description="The paper the finding is about.")
    async def paper(
        self, info: Info[Context, None]
    ) -> Annotated[Paper, strawberry.lazy("pith_graph.graphql.types")] | None:
        from pith_graph.graphql.types import Paper

        row = await info.context.loaders.paper_by_pith.load(self.pith_number)
        return Paper.from_row(row) if row is not None else None

    @classmethod
    def from_payload(
        cls, pith_number: str, payload: Mapping[str, Any], event_id: str, audited_at: str
    ) -> IntegrityFinding:
        return cls(
            pith_number=pith_number,
            detector=payload["detector"],
            detector_version=payload["detector_version"],
            finding_type=payload["finding_type"],
            severity=payload["severity"],
            verdict_class=payload["verdict_class"],
            note=payload["note"],
            evidence_hash=payload["evidence_hash"],
            evidence=JSON(dict(payload["evidence"])),
            event_id=event_id,
            audited_at=audited_at,
        )


@strawberry.type(description="A paper's integrity: graph_snapshot.integrity of its record.")
class PaperIntegrity:
    available: bool
    clean: bool = strawberry.field(description="No active critical or advisory finding.")
    endpoint: str
    snapshot_sha256: str
    summary: IntegritySummary
    detectors_run: list[DetectorRun]
    findings: list[IntegrityFinding]


def paper_integrity(pith_number: str, section: Mapping[str, Any]) -> PaperIntegrity:
    """The typed view of a record's integrity section."""
    summary = section["summary"]
    return PaperIntegrity(
        available=bool(section["available"]),
        clean=bool(section["clean"]),
        endpoint=section["endpoint"],
        snapshot_sha256=section["snapshot_sha256"],
        summary=IntegritySummary(
            critical=summary["critical"],
            advisory=summary["advisory"],
            informational=summary["informational"],
            by_detector=[DetectorCount(detector=k, count=v) for k, v in summary["by_detector"].items()],
        ),
        detectors_run=[DetectorRun(**r) for r in section["detectors_run"]],
        findings=[
            IntegrityFinding.from_payload(
                pith_number,
                {**f, "evidence": f["evidence"]},
                f["event_id"],
                f["audited_at"],
            )
            for f in section["findings"]
        ],
    )


@strawberry.type
class IntegrityFindingEdge:
    cursor: str
    node: IntegrityFinding


@strawberry.type(description="A page of active findings, in evidence-hash order.")
class IntegrityFindingConnection:
    edges: list[IntegrityFindingEdge]
    page_info: PageInfo


@strawberry.type
class IntegrityQueries:
    @strawberry.field(
        description="Active integrity findings across the registry (keyset pages), optionally "
        "of one detector and/or one severity (critical, advisory, informational)."
    )
    async def integrity_findings(
        self,
        info: Info[Context, None],
        detector: str | None = None,
        severity: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> IntegrityFindingConnection:
        if not 1 <= first <= MAX_PAGE:
            raise BadInput(f"first: expected 1..{MAX_PAGE}, got {first}")
        if detector is not None and detector not in DETECTORS:
            raise BadInput(f"detector: {detector!r} is not one of {sorted(DETECTORS)}")
        level = severity.lower() if isinstance(severity, str) else None
        if severity is not None and level not in {s.value for s in Severity}:
            raise BadInput(
                f"severity: {severity!r} is not one of {[s.value for s in Severity]}"
            )
        start = decode_cursor(after, (str,))[0] if after is not None else None
        rows = await store.findings_page(
            info.context.driver,
            info.context.database,
            detector=detector,
            severity=level,
            after=start,
            limit=first + 1,
        )
        edges = [
            IntegrityFindingEdge(
                cursor=encode_cursor([r["evidence_hash"]]),
                node=IntegrityFinding.from_payload(
                    r["subject"], r["payload"], r["event_id"], r["audited_at"]
                ),
            )
            for r in rows[:first]
        ]
        return IntegrityFindingConnection(
            edges=edges,
            page_info=page_info(after, len(rows) > first, [e.cursor for e in edges]),
        )
