"""Claims of a paper: ``(:Paper)-[:HAS_CLAIM]->(:Claim {claim_id, seq, kind, text, status,
attestation, created_at})``. Ids (``C1``, ``C2``, …) are numbered by the service; the write only
commits if the paper still has the number of claims the service numbered from."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction
from pith_graph.store._run import unavailable_as_store_error

__all__ = ["ClaimsChanged", "write_claims"]

_WRITE_CLAIMS: LiteralString = """
MATCH (p:Paper {pith_number: $pith})
WITH p, COUNT { (p)-[:HAS_CLAIM]->(:Claim) } AS existing
WHERE existing = $expected
UNWIND $claims AS c
CREATE (p)-[:HAS_CLAIM]->(cl:Claim)
SET cl = c
RETURN count(cl) AS written
"""


class ClaimsChanged(Exception):
    """Another writer added claims meanwhile: renumber and try again."""


def _write(tx: ManagedTransaction, pith: str, expected: int, claims: list[dict[str, Any]]) -> int:
    record = tx.run(_WRITE_CLAIMS, pith=pith, expected=expected, claims=claims).single()
    return int(record["written"]) if record is not None else 0


def write_claims(
    driver: Driver, database: str, pith: str, expected: int, claims: list[dict[str, Any]]
) -> None:
    """Create ``claims`` under ``pith`` in one transaction, if it still has ``expected`` claims."""
    if not claims:
        return
    with unavailable_as_store_error(), driver.session(database=database) as session:
        written = session.execute_write(_write, pith, expected, claims)
    if written != len(claims):
        raise ClaimsChanged(pith)
