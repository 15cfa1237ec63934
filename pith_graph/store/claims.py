"""Claims of a paper: ``(:Paper)-[:HAS_CLAIM]->(:Claim {claim_id, seq, kind, text, status,
attestation, created_at, pith_number, content_sha256})``.

Ids (``C1``, ``C2``, …) are numbered inside the write transaction, after taking the paper's
write lock: concurrent writers of one paper's claims queue on it, so ids are unique and gap-free
and a claim already stored (same kind and text) is not stored again. The constraints of
``neo4j/migrations/0051_claim_keys.cypher`` (one id, and one ``content_sha256``, per paper) make
any slip fail loudly instead of duplicating.
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction

from pith_graph.store._run import tx_rows, write_transaction

__all__ = ["write_claims"]

# Setting a property to its own value takes the paper's write lock (the counting below then sees
# every committed claim).
_WRITE_CLAIMS: LiteralString = """
MATCH (p:Paper {pith_number: $pith})
SET p.pith_body = p.pith_body
WITH p, COLLECT { MATCH (p)-[:HAS_CLAIM]->(c:Claim) RETURN [c.kind, c.text] } AS have
WITH p, size(have) AS n, [c IN $claims WHERE NOT [c.kind, c.text] IN have] AS fresh
CALL (p, n, fresh) {
  UNWIND range(0, size(fresh) - 1) AS i
  CREATE (p)-[:HAS_CLAIM]->(cl:Claim)
  SET cl = fresh[i], cl.seq = n + i + 1, cl.claim_id = 'C' + toString(n + i + 1),
      cl.pith_number = p.pith_number
  RETURN count(cl) AS written
}
RETURN written
"""

_CLAIMS: LiteralString = """
MATCH (p:Paper {pith_number: $pith})-[:HAS_CLAIM]->(c:Claim)
RETURN properties(c) AS claim ORDER BY c.seq
"""


def _write(
    tx: ManagedTransaction, pith: str, claims: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    if not tx_rows(tx, _WRITE_CLAIMS, pith=pith, claims=claims):
        return None
    return [dict(r["claim"]) for r in tx_rows(tx, _CLAIMS, pith=pith)]


def write_claims(
    driver: Driver, database: str, pith: str, claims: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """Add the ``claims`` (``kind``, ``text``, ``content_sha256``, …) the paper ``pith`` does not
    have yet, in input order, in one transaction; returns all its claims afterwards in claim
    order, or ``None`` when no paper has that pith number."""
    return write_transaction(driver, database, _write, pith, claims)
