"""Where an OAI-PMH harvest stands: one ``(:HarvestState {harvest_id})`` node per source and set.

Properties: ``endpoint``, ``metadata_prefix``, ``set_spec`` and ``last_datestamp`` of the last
completed run (the next run's default ``from``); while a run is in progress its ``run_*``
parameters, the ``resumption_token`` of the next page (and its ``token_expires``), the
``run_max_datestamp`` and ``run_pages`` so far. A page's state is saved after its papers are
written, so a run killed at any point resumes at a page whose papers may be written already
(they are then found unchanged) and never skips one.

Two harvests of one source at once are refused by a lease (``lease_owner``, ``lease_until``):
taking it first writes ``lock_token``, which takes the node's write lock, so the lease is read
and set under that lock (two racing claims queue; the second sees the first's lease). Every
page's save renews the lease and checks it is still ours; a completed or failed run releases it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import Driver

from pith_graph.store._run import read_sync, write_sync

__all__ = [
    "claim_lease",
    "complete_run",
    "read_state",
    "release_lease",
    "save_page",
    "start_run",
]

_CLAIM: LiteralString = """
MERGE (h:HarvestState {harvest_id: $id})
ON CREATE SET h.created_at = $now
SET h.lock_token = $owner
WITH h
WHERE h.lease_owner IS NULL OR h.lease_owner = $owner OR h.lease_until < $now
   OR h.lease_owner IN $takeover
SET h.lease_owner = $owner, h.lease_until = $lease_until, h.updated_at = $now
RETURN properties(h) AS state
"""

_READ: LiteralString = """
OPTIONAL MATCH (h:HarvestState {harvest_id: $id})
RETURN properties(h) AS state
"""

_START: LiteralString = """
MATCH (h:HarvestState {harvest_id: $id}) WHERE h.lease_owner = $owner
SET h.run_endpoint = $endpoint, h.run_prefix = $prefix, h.run_set = $set_spec,
    h.run_from = $from, h.run_until = $until, h.resumption_token = null,
    h.token_expires = null, h.run_max_datestamp = null, h.run_pages = 0,
    h.lease_until = $lease_until, h.updated_at = $now
RETURN count(h) AS n
"""

_SAVE_PAGE: LiteralString = """
MATCH (h:HarvestState {harvest_id: $id}) WHERE h.lease_owner = $owner
SET h.resumption_token = $token, h.token_expires = $expires,
    h.run_max_datestamp = $max_datestamp, h.run_pages = $pages,
    h.lease_until = $lease_until, h.updated_at = $now
RETURN count(h) AS n
"""

_COMPLETE: LiteralString = """
MATCH (h:HarvestState {harvest_id: $id}) WHERE h.lease_owner = $owner
SET h.endpoint = h.run_endpoint, h.metadata_prefix = h.run_prefix, h.set_spec = h.run_set,
    h.last_datestamp = $last_datestamp, h.updated_at = $now
REMOVE h.run_endpoint, h.run_prefix, h.run_set, h.run_from, h.run_until, h.resumption_token,
       h.token_expires, h.run_max_datestamp, h.run_pages, h.lease_owner, h.lease_until
RETURN count(h) AS n
"""

_RELEASE: LiteralString = """
MATCH (h:HarvestState {harvest_id: $id}) WHERE h.lease_owner = $owner
REMOVE h.lease_owner, h.lease_until
"""


def _write(driver: Driver, database: str, query: LiteralString, **params: Any) -> list[Any]:
    return write_sync(driver, database, query, **params)


def read_state(driver: Driver, database: str, harvest_id: str) -> dict[str, Any] | None:
    """The state node's properties, or None when this source was never harvested."""
    records = read_sync(driver, database, _READ, id=harvest_id)
    state = records[0]["state"]
    return dict(state) if state is not None else None


def claim_lease(
    driver: Driver,
    database: str,
    harvest_id: str,
    owner: str,
    now: str,
    lease_until: str,
    takeover: Sequence[str] = (),
) -> dict[str, Any] | None:
    """Take the lease (creating the node on first use); the state, or None when another live
    harvest holds it. ``takeover`` names owners known to be dead (their lease is taken over)."""
    records = _write(
        driver,
        database,
        _CLAIM,
        id=harvest_id,
        owner=owner,
        now=now,
        lease_until=lease_until,
        takeover=list(takeover),
    )
    return dict(records[0]["state"]) if records else None


def start_run(
    driver: Driver,
    database: str,
    harvest_id: str,
    owner: str,
    *,
    endpoint: str,
    prefix: str,
    set_spec: str | None,
    from_: str | None,
    until: str | None,
    now: str,
    lease_until: str,
) -> bool:
    """Record a new run's parameters (dropping any earlier run's token); False if the lease is lost."""
    records = _write(
        driver,
        database,
        _START,
        id=harvest_id,
        owner=owner,
        endpoint=endpoint,
        prefix=prefix,
        set_spec=set_spec,
        **{"from": from_},
        until=until,
        now=now,
        lease_until=lease_until,
    )
    return bool(records[0]["n"])


def save_page(
    driver: Driver,
    database: str,
    harvest_id: str,
    owner: str,
    *,
    token: str | None,
    expires: str | None,
    max_datestamp: str | None,
    pages: int,
    now: str,
    lease_until: str,
) -> bool:
    """After a page's papers are written: the next page's token; False if the lease is lost."""
    records = _write(
        driver,
        database,
        _SAVE_PAGE,
        id=harvest_id,
        owner=owner,
        token=token,
        expires=expires,
        max_datestamp=max_datestamp,
        pages=pages,
        now=now,
        lease_until=lease_until,
    )
    return bool(records[0]["n"])


def complete_run(
    driver: Driver, database: str, harvest_id: str, owner: str, *, last_datestamp: str | None, now: str
) -> bool:
    """The run is done: keep its parameters and last datestamp, forget the run, free the lease."""
    records = _write(
        driver, database, _COMPLETE, id=harvest_id, owner=owner, last_datestamp=last_datestamp, now=now
    )
    return bool(records[0]["n"])


def release_lease(driver: Driver, database: str, harvest_id: str, owner: str) -> None:
    """Free the lease and keep the run's state (a failed run is resumed by the next)."""
    _write(driver, database, _RELEASE, id=harvest_id, owner=owner)
