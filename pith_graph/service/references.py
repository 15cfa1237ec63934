"""Add references: ``citing`` cites each of ``cited`` (aliases in any accepted form).

All aliases are resolved in one query and checked before anything is written: the citing paper
must be registered; a cited arXiv id or DOI that is not registered becomes a ``Work`` (an
unresolved reference, re-pointed when the paper is registered); a cited pith number must exist.
Citations attach to the latest registered version of the citing paper (as ingest does), so a
paper citing any version of itself (its arXiv id, DOI or pith number) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import Driver

from pith_graph.core.aliases import QueryKind
from pith_graph.service.errors import BadInput
from pith_graph.service.resolution import ResolveStatus, require_found, resolve_aliases_sync
from pith_graph.store._run import unavailable_as_store_error
from pith_graph.store.citation_writer import add_citations

__all__ = ["MAX_REFERENCES", "ReferenceOutcome", "add_references"]

MAX_REFERENCES = 1000


@dataclass(frozen=True, slots=True)
class ReferenceOutcome:
    alias: str
    resolved: bool
    pith_number: str | None


def add_references(
    driver: Driver, database: str, citing: str, cited: Sequence[str]
) -> tuple[str, list[ReferenceOutcome]]:
    """Write the references; returns the citing paper's pith number and one outcome per alias."""
    if not cited:
        raise BadInput("cited: give at least one alias")
    if len(cited) > MAX_REFERENCES:
        raise BadInput(f"cited: at most {MAX_REFERENCES} aliases, got {len(cited)}")
    resolutions = resolve_aliases_sync(driver, database, [citing, *cited])
    citing_paper = require_found(resolutions[0])
    rows, outcomes, problems = [], [], []
    own_id = citing_paper["source_id"]
    for i, r in enumerate(resolutions[1:]):
        row = {"citing": own_id, "position": i + 1, "raw": r.alias}
        if (r.paper is not None and r.paper["source_id"] == own_id) or (
            r.paper is None
            and r.query is not None
            and r.query.kind is QueryKind.ARXIV
            and r.query.value == own_id
        ):
            problems.append(f"cited[{i}] {r.alias!r}: a paper cannot cite itself")
        elif r.status is ResolveStatus.FOUND and r.paper is not None:
            rows.append({**row, "kind": "arxiv", "target": r.paper["source_id"]})
            outcomes.append(ReferenceOutcome(r.alias, True, r.paper["pith_number"]))
        elif r.status is ResolveStatus.NOT_FOUND and r.query is not None and r.query.kind in (
            QueryKind.ARXIV,
            QueryKind.DOI,
        ):
            rows.append({**row, "kind": r.query.kind.value, "target": r.query.value})
            outcomes.append(ReferenceOutcome(r.alias, False, None))
        else:
            problems.append(f"cited[{i}] {r.alias!r}: {r.reason or r.status.value}")
    if problems:
        raise BadInput("; ".join(problems))
    with unavailable_as_store_error():
        add_citations(driver, database, rows)
    return citing_paper["pith_number"], outcomes
