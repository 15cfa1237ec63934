"""Witnessing in Neo4j: ``(:WitnessedLog)`` (logs we cosign), ``(:WitnessEvidence)`` (refused
checkpoints of a known log, kept as proof of misbehaviour), ``(:LogWitness)`` (witnesses we ask)
and ``(:LogCosignature)`` (what they returned).

:func:`add_checkpoint` reads and updates a log's latest cosigned checkpoint in one write
transaction, after taking the node's write lock, so two racing submissions cannot roll the
witness's view back (tlog-witness, "must be performed atomically").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

from pith_graph.store._run import read_async, tx_rows_async, write_async, write_transaction_async

__all__ = [
    "add_checkpoint",
    "add_witnessed_log_keys",
    "cosignature_lines",
    "delete_log_witness",
    "delete_witnessed_log",
    "log_witnesses",
    "put_log_witness",
    "put_witnessed_log",
    "record_cosignature",
    "set_witness_size",
    "witness_evidence",
    "witnessed_log",
    "witnessed_logs",
]

_PUT_LOG: LiteralString = """
MERGE (l:WitnessedLog {origin: $origin}) ON CREATE SET l.size = 0
SET l.vkeys = $vkeys, l.url = $url
"""
# A union, so that two refreshes at once both keep what they add.
_ADD_LOG_KEYS: LiteralString = """
MATCH (l:WitnessedLog {origin: $origin})
SET l.vkeys = l.vkeys + [v IN $vkeys WHERE NOT v IN l.vkeys]
"""
_LOG: LiteralString = """
MATCH (l:WitnessedLog {origin: $origin}) RETURN l.vkeys AS vkeys, l.url AS url
"""
_DELETE_LOG: LiteralString = "MATCH (l:WitnessedLog {origin: $origin}) DETACH DELETE l RETURN count(*) AS n"
_LOGS: LiteralString = """
MATCH (l:WitnessedLog)
RETURN l.origin AS origin, l.vkeys AS vkeys, l.url AS url, l.size AS size, l.root_hash AS root_hash,
       l.checkpoint AS checkpoint, l.updated_at AS updated_at
ORDER BY origin
"""
_LOCK_LOG: LiteralString = """
MATCH (l:WitnessedLog {origin: $origin})
SET l.lock_token = $token
RETURN l.vkeys AS vkeys, l.size AS size, l.root_hash AS root_hash
"""
_UPDATE_LOG: LiteralString = """
MATCH (l:WitnessedLog {origin: $origin})
SET l.size = $size, l.root_hash = $root_hash, l.checkpoint = $checkpoint, l.updated_at = $now
"""
_EVIDENCE: LiteralString = """
CREATE (:WitnessEvidence {origin: $origin, status: $status, reason: $reason, body: $body,
                          received_at: $now, cosigned_size: $size, cosigned_checkpoint: $checkpoint})
"""
_EVIDENCE_READ: LiteralString = """
MATCH (e:WitnessEvidence) WHERE $origin IS NULL OR e.origin = $origin
RETURN e.origin AS origin, e.status AS status, e.reason AS reason, e.body AS body,
       e.received_at AS received_at, e.cosigned_size AS cosigned_size,
       e.cosigned_checkpoint AS cosigned_checkpoint
ORDER BY received_at
"""
_PUT_WITNESS: LiteralString = """
MERGE (w:LogWitness {name: $name}) ON CREATE SET w.size = 0
SET w.url = $url, w.vkey = $vkey
"""
_DELETE_WITNESS: LiteralString = "MATCH (w:LogWitness {name: $name}) DETACH DELETE w RETURN count(*) AS n"
_WITNESSES: LiteralString = """
MATCH (w:LogWitness) RETURN w.name AS name, w.url AS url, w.vkey AS vkey, w.size AS size ORDER BY name
"""
_SET_SIZE: LiteralString = "MATCH (w:LogWitness {name: $name}) SET w.size = $size"
_COSIGNATURE: LiteralString = """
MERGE (c:LogCosignature {size: $size, witness: $name})
SET c.line = $line, c.received_at = $now
WITH c
MATCH (w:LogWitness {name: $name})
SET w.size = CASE WHEN w.size < $size THEN $size ELSE w.size END
"""
_COSIGNATURES: LiteralString = """
MATCH (c:LogCosignature {size: $size}) RETURN c.line AS line ORDER BY c.witness
"""


async def _write(driver: AsyncDriver, database: str, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
    records = await write_async(driver, database, query, **params)
    return [dict(r) for r in records]


async def put_witnessed_log(
    driver: AsyncDriver, database: str, origin: str, vkeys: Sequence[str], url: str | None = None
) -> None:
    """Witness ``origin`` with note keys ``vkeys``; ``url``: where it publishes its key list
    (rotations are followed from there)."""
    await _write(driver, database, _PUT_LOG, origin=origin, vkeys=list(vkeys), url=url)


async def witnessed_log(driver: AsyncDriver, database: str, origin: str) -> dict[str, Any] | None:
    records = await read_async(driver, database, _LOG, origin=origin)
    return dict(records[0]) if records else None


async def add_witnessed_log_keys(driver: AsyncDriver, database: str, origin: str, vkeys: Sequence[str]) -> None:
    await _write(driver, database, _ADD_LOG_KEYS, origin=origin, vkeys=list(vkeys))


async def delete_witnessed_log(driver: AsyncDriver, database: str, origin: str) -> bool:
    return bool((await _write(driver, database, _DELETE_LOG, origin=origin))[0]["n"])


async def witnessed_logs(driver: AsyncDriver, database: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _LOGS)]


Decision = Callable[[list[str] | None, int, str | None], tuple[dict[str, Any] | None, dict[str, Any] | None]]


async def add_checkpoint(
    driver: AsyncDriver, database: str, origin: str, token: str, now: str, decide: Decision
) -> Any:
    """Lock ``origin``'s record, let ``decide(vkeys, size, root_hex)`` judge, write what it says.

    ``decide`` returns ``(update, evidence)``: ``update`` is ``{size, root_hash, checkpoint,
    answer}`` for an accepted checkpoint, ``evidence`` ``{status, reason, body, answer}`` for a
    refusal worth keeping; the ``answer`` of the one given is returned.
    """

    async def work(tx: AsyncManagedTransaction) -> Any:
        locked = await tx_rows_async(tx, _LOCK_LOG, origin=origin, token=token)
        record = locked[0] if locked else None
        if record is None:
            update, evidence = decide(None, 0, None)
        else:
            update, evidence = decide(list(record["vkeys"]), int(record["size"]), record["root_hash"])
        if update is not None:
            await tx_rows_async(
                tx, _UPDATE_LOG, origin=origin, size=update["size"], root_hash=update["root_hash"],
                checkpoint=update["checkpoint"], now=now,
            )  # fmt: skip
            return update["answer"]
        assert evidence is not None
        if record is not None and evidence.get("keep"):
            await tx_rows_async(
                tx, _EVIDENCE, origin=origin, status=evidence["status"], reason=evidence["reason"],
                body=evidence["body"], now=now, size=int(record["size"]), checkpoint=None,
            )  # fmt: skip
        return evidence["answer"]

    return await write_transaction_async(driver, database, work)


async def witness_evidence(driver: AsyncDriver, database: str, origin: str | None = None) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _EVIDENCE_READ, origin=origin)]


async def put_log_witness(driver: AsyncDriver, database: str, name: str, url: str, vkey: str) -> None:
    await _write(driver, database, _PUT_WITNESS, name=name, url=url, vkey=vkey)


async def delete_log_witness(driver: AsyncDriver, database: str, name: str) -> bool:
    return bool((await _write(driver, database, _DELETE_WITNESS, name=name))[0]["n"])


async def log_witnesses(driver: AsyncDriver, database: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await read_async(driver, database, _WITNESSES)]


async def set_witness_size(driver: AsyncDriver, database: str, name: str, size: int) -> None:
    await _write(driver, database, _SET_SIZE, name=name, size=size)


async def record_cosignature(driver: AsyncDriver, database: str, name: str, size: int, line: str, now: str) -> None:
    await _write(driver, database, _COSIGNATURE, name=name, size=size, line=line, now=now)


async def cosignature_lines(driver: AsyncDriver, database: str, size: int) -> list[str]:
    return [r["line"] for r in await read_async(driver, database, _COSIGNATURES, size=size)]
