"""API tokens: create (shown once), list, revoke, and authenticate a request's bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncDriver, Driver

from pith_graph.core import tokens as core
from pith_graph.service.errors import BadInput, Forbidden, NotFound, Unauthenticated
from pith_graph.store import tokens as store

__all__ = ["Principal", "authenticate", "create_token", "list_tokens", "require", "revoke_token"]

_BEARER = "bearer "
_MAX_LABEL = 200


@dataclass(frozen=True)
class Principal:
    """Who a request writes as: a token id and the scopes it was granted."""

    token_id: str
    scopes: tuple[str, ...]
    label: str | None = None


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_token(
    driver: Driver,
    database: str,
    scopes: list[str],
    label: str | None = None,
    now: datetime | None = None,
) -> tuple[str, dict[str, Any]]:
    """A new token (the plaintext, returned only here) and its stored, public description."""
    try:
        granted = core.parse_scopes(scopes)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    if label is not None and len(label) > _MAX_LABEL:
        raise BadInput(f"label: at most {_MAX_LABEL} characters")
    token_id, token = core.new_token()
    info: dict[str, Any] = {
        "token_id": token_id,
        "scopes": list(granted),
        "label": label,
        "created_at": _stamp(now),
        "revoked_at": None,
    }
    store.create_token(
        driver,
        database,
        token_id=token_id,
        sha256=core.token_sha256(token),
        scopes=list(granted),
        label=label,
        created_at=info["created_at"],
    )
    return token, info


def list_tokens(driver: Driver, database: str) -> list[dict[str, Any]]:
    return store.list_tokens(driver, database)


def revoke_token(driver: Driver, database: str, token_id: str, now: datetime | None = None) -> str:
    revoked_at = store.revoke_token(driver, database, token_id, _stamp(now))
    if revoked_at is None:
        raise NotFound(f"no API token has the id {token_id!r}")
    return revoked_at


async def authenticate(driver: AsyncDriver, database: str, authorization: str | None) -> Principal:
    """The principal of an ``Authorization: Bearer <token>`` header, or :class:`Unauthenticated`.

    A malformed token is refused without touching the database; one lookup otherwise.
    """
    if not authorization:
        raise Unauthenticated(
            "this mutation needs an API token: send 'Authorization: Bearer pith_tok_…' "
            "(create one with `pith-graph tokens create`)"
        )
    if not authorization[: len(_BEARER)].lower() == _BEARER:
        raise Unauthenticated("the Authorization header must read 'Bearer <token>'")
    token = authorization[len(_BEARER) :].strip()
    token_id = core.parse_token(token)
    if token_id is None:
        raise Unauthenticated("the bearer token is not a pith-graph API token")
    row = await store.token_by_id(driver, database, token_id)
    if row is None or not core.hash_matches(token, row["sha256"]):
        raise Unauthenticated("the API token is not known to this registry")
    if row["revoked_at"] is not None:
        raise Unauthenticated(f"the API token {token_id} was revoked at {row['revoked_at']}")
    return Principal(token_id=token_id, scopes=tuple(row["scopes"]), label=row["label"])


def require(principal: Principal, scope: core.Scope) -> None:
    if not core.allows(principal.scopes, scope):
        raise Forbidden(
            f"the API token {principal.token_id} lacks the {scope.value!r} scope this mutation "
            f"needs (it has: {', '.join(principal.scopes)})"
        )
