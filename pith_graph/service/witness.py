"""Witnessing, both ways (C2SP tlog-witness, cosignature/v1).

* As a witness: :func:`add_checkpoint` answers ``POST /add-checkpoint`` for the logs configured
  with ``pith-graph witness add-log`` (origin + vkeys), cosigning with this registry's witness key
  (``$PITH_DATA_DIR/witness/witness.key``, its own key: one Ed25519 key per cosigner).
  A log's key rotation is followed: a checkpoint signed by none of the log's configured keys
  makes the witness read the log's published keys (``<url>/log/vkeys`` and
  ``<url>/.well-known/pith/keys.json``, the URL given with ``add-log --url``, else
  ``https://<origin>``) and add the keys that a configured key handed over to by a signed
  rotation announcement; nothing else is ever added.
* As a log: :func:`request_cosignatures` posts our latest checkpoint, with a consistency proof
  from the size each witness last cosigned, to the witnesses configured with ``pith-graph witness
  add-witness``, checks the cosignatures they return and stores them; ``/log/checkpoint`` then
  serves the checkpoint with their signature lines.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from neo4j import AsyncDriver

from pith_graph.core.events import format_event_time
from pith_graph.core.key_documents import announced_keys
from pith_graph.core.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    InvalidNote,
    NoteVerifier,
    add_signatures,
    cosign_checkpoint,
    parse_note,
    parse_vkey,
    split_signature_lines,
    verify_cosignature,
)
from pith_graph.core.signing import SigningKey, generate_signing_key, signing_key_from_seed
from pith_graph.core.witness import (
    WitnessRefusal,
    check_add_checkpoint,
    format_add_checkpoint,
    parse_add_checkpoint,
)
from pith_graph.service import log as log_service
from pith_graph.store import witness as store

__all__ = [
    "add_checkpoint",
    "origin_hash",
    "request_cosignatures",
    "witness_signing_key",
    "witness_verifier",
]

log = logging.getLogger(__name__)


def witness_signing_key(data_dir: Path) -> SigningKey:
    """The witness key of this registry, generated (mode 0600) on first use."""
    path = Path(data_dir) / "witness" / "witness.key"
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise PermissionError(f"{path} is readable by group or others: chmod 600 it")
        return signing_key_from_seed("witness", bytes.fromhex(path.read_text().strip()))
    key = generate_signing_key("witness")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.export_seed().hex())
    return key


def witness_verifier(name: str, key: SigningKey) -> NoteVerifier:
    """The cosignature/v1 verifier of this witness (its vkey is what logs configure)."""
    return NoteVerifier.for_key(name, key.public_key, ALG_COSIGNATURE_V1)


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


async def add_checkpoint(
    driver: AsyncDriver, database: str, key: SigningKey, name: str, body: bytes, now: datetime
) -> tuple[int, str, str]:
    """Answer an add-checkpoint request: ``(HTTP status, body, content type)``."""
    try:
        request = parse_add_checkpoint(body)
        text, _ = parse_note(request.note)
    except (WitnessRefusal, InvalidNote) as exc:
        return 400, f"{exc}\n", "text/plain; charset=utf-8"
    origin = text.split("\n", 1)[0]
    await _follow_rotation(driver, database, origin, request.note)
    timestamp = int(now.timestamp())

    def decide(
        vkeys: list[str] | None, size: int, root_hex: str | None
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        try:
            verifiers = [parse_vkey(v) for v in vkeys or []]
            checked, checkpoint = check_add_checkpoint(
                request, verifiers, size, bytes.fromhex(root_hex) if root_hex else None
            )
        except WitnessRefusal as refusal:
            if refusal.status == 409:
                answer = (409, f"{refusal.size}\n", "text/x.tlog.size")
            else:
                answer = (refusal.status, f"{refusal}\n", "text/plain; charset=utf-8")
            # A validly signed checkpoint that fails consistency is evidence of a fork: keep it.
            keep = refusal.status == 422
            return None, {"status": refusal.status, "reason": str(refusal), "keep": keep,
                          "body": body.decode("utf-8", "replace"), "answer": answer}  # fmt: skip
        line = cosign_checkpoint(checked, name, key, timestamp)
        update = {
            "size": checkpoint.size,
            "root_hash": checkpoint.root_hash.hex(),
            "checkpoint": add_signatures(request.note, [line]),
            "answer": (200, line, "text/plain; charset=utf-8"),
        }
        return update, None

    answer = await store.add_checkpoint(
        driver, database, origin, uuid.uuid4().hex, format_event_time(now), decide
    )
    return answer  # type: ignore[no-any-return]


# A witness reads a log's key list at most this often (per origin and process), however many
# checkpoints signed by unknown keys it is sent.
KEY_REFRESH_SECONDS = 5.0
_refreshed_at: dict[str, float] = {}


def _get_text(url: str) -> str:
    response = requests.get(url, timeout=15)
    response.raise_for_status()
    return response.text


async def _follow_rotation(driver: AsyncDriver, database: str, origin: str, note: str) -> None:
    """Add the rotated keys of a witnessed log whose checkpoint none of its known keys signed."""
    config = await store.witnessed_log(driver, database, origin)
    if config is None:
        return
    known = [parse_vkey(v) for v in config["vkeys"] or []]
    _, signatures = parse_note(note)
    if {(s.name, s.key_id) for s in signatures} & {(v.name, v.key_id) for v in known}:
        return
    moment = time.monotonic()
    if moment - _refreshed_at.get(origin, -KEY_REFRESH_SECONDS) < KEY_REFRESH_SECONDS:
        return
    _refreshed_at[origin] = moment
    base = str(config.get("url") or f"https://{origin}").rstrip("/")
    try:
        published = [parse_vkey(line) for line in (await asyncio.to_thread(_get_text, f"{base}/log/vkeys")).split()]
        document = json.loads(await asyncio.to_thread(_get_text, f"{base}/.well-known/pith/keys.json"))
        entries = [e for e in document.get("keys") or [document] if isinstance(e, dict)]
    except (requests.RequestException, ValueError, InvalidNote, AttributeError) as exc:
        log.warning("witnessed log %s: its keys could not be read from %s: %s", origin, base, exc)
        return
    handed_over = announced_keys({v.public_key for v in known if v.algorithm == ALG_ED25519}, entries)
    rotated = [
        v.vkey for v in published
        if v.name == origin and v.algorithm == ALG_ED25519 and v not in known and v.public_key in handed_over
    ]  # fmt: skip
    if rotated:
        await store.add_witnessed_log_keys(driver, database, origin, rotated)
        log.info("witnessed log %s: follows its rotation to %s", origin, ", ".join(rotated))


def _post(url: str, body: bytes) -> requests.Response:
    return requests.post(
        url.rstrip("/") + "/add-checkpoint",
        data=body,
        headers={"Content-Type": "text/plain; charset=utf-8"},
        timeout=15,
    )


async def request_cosignatures(driver: AsyncDriver, database: str) -> int:
    """Ask every configured witness to cosign our latest checkpoint; return how many did."""
    witnesses = await store.log_witnesses(driver, database)
    if not witnesses:
        return 0
    size, note = await log_service.current_checkpoint(driver, database)
    if note is None or size == 0:
        return 0
    text, _ = parse_note(note)
    cosigned = 0
    for witness in witnesses:
        if int(witness["size"]) == size:
            continue
        try:
            if await _ask(driver, database, witness, size, note, text):
                cosigned += 1
        except (requests.RequestException, InvalidNote, ValueError) as exc:
            log.warning("witness %s: %s", witness["name"], exc)
    return cosigned


async def _ask(
    driver: AsyncDriver, database: str, witness: dict[str, Any], size: int, note: str, text: str
) -> bool:
    verifier = parse_vkey(witness["vkey"])
    old = int(witness["size"])
    for _ in range(2):  # a 409 tells us the witness's size: one retry from there
        if old > size:
            log.warning("witness %s has cosigned size %d > ours %d", witness["name"], old, size)
            return False
        proof = [] if old == 0 else await log_service.consistency_hashes(driver, database, old, size)
        response = await asyncio.to_thread(
            _post, witness["url"], format_add_checkpoint(old, proof, note)
        )
        if response.status_code == 409 and response.headers.get("content-type", "").startswith(
            "text/x.tlog.size"
        ):
            old = int(response.text.strip())
            await store.set_witness_size(driver, database, witness["name"], old)
            continue
        if response.status_code != 200:
            log.warning(
                "witness %s refused size %d: %s %s",
                witness["name"], size, response.status_code, response.text[:200],
            )  # fmt: skip
            return False
        lines = [s for s in split_signature_lines(response.text) if s.name == verifier.name]
        for signature in lines:
            verify_cosignature(text, signature, verifier)
        if not lines:
            raise InvalidNote(f"witness {witness['name']} returned no cosignature of its key")
        now = format_event_time(datetime.now(UTC))
        await store.record_cosignature(driver, database, witness["name"], size, lines[0].line, now)
        return True
    return False
