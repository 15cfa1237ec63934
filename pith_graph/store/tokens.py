"""API tokens in the graph: ``(:ApiToken {token_id, sha256, scopes, label, created_at,
revoked_at})``. Only the hash of a token is stored; ``token_id`` is unique (migration 0040)."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncDriver, Driver

from pith_graph.store._run import read_async, read_sync, write_sync

__all__ = ["create_token", "list_tokens", "revoke_token", "token_by_id"]

_CREATE: LiteralString = """
CREATE (t:ApiToken {token_id: $token_id, sha256: $sha256, scopes: $scopes, label: $label,
                    created_at: $created_at, revoked_at: null})
"""

_LIST: LiteralString = """
MATCH (t:ApiToken)
RETURN t.token_id AS token_id, t.scopes AS scopes, t.label AS label,
       t.created_at AS created_at, t.revoked_at AS revoked_at
ORDER BY t.created_at, t.token_id
"""

_REVOKE: LiteralString = """
MATCH (t:ApiToken {token_id: $token_id})
SET t.revoked_at = coalesce(t.revoked_at, $at)
RETURN t.revoked_at AS revoked_at
"""

_BY_ID: LiteralString = """
MATCH (t:ApiToken {token_id: $token_id})
RETURN t.token_id AS token_id, t.sha256 AS sha256, t.scopes AS scopes, t.label AS label,
       t.revoked_at AS revoked_at
"""


def create_token(
    driver: Driver,
    database: str,
    *,
    token_id: str,
    sha256: str,
    scopes: list[str],
    label: str | None,
    created_at: str,
) -> None:
    write_sync(
        driver,
        database,
        _CREATE,
        token_id=token_id,
        sha256=sha256,
        scopes=scopes,
        label=label,
        created_at=created_at,
    )


def list_tokens(driver: Driver, database: str) -> list[dict[str, Any]]:
    return [dict(r) for r in read_sync(driver, database, _LIST)]


def revoke_token(driver: Driver, database: str, token_id: str, at: str) -> str | None:
    """Revoke (idempotently); the revocation time, or None when no token has that id."""
    records = write_sync(driver, database, _REVOKE, token_id=token_id, at=at)
    return records[0]["revoked_at"] if records else None


async def token_by_id(driver: AsyncDriver, database: str, token_id: str) -> dict[str, Any] | None:
    records = await read_async(driver, database, _BY_ID, token_id=token_id)
    return dict(records[0]) if records else None
